/* Reliability scenario 1 (issue 8): the kill loop.
 *
 * N messages are sent from chain A in batches (one block each) while the relayer runs;
 * it is killed with SIGKILL after random delays (seeded by ZK_TEST_SEED, each delay and
 * the log line the relayer had reached printed) and restarted each time, K times. Then it
 * runs with --exit-when-idle until everything is confirmed, and:
 *   - every message is delivered exactly once (Inbox.status(nonce) == 1 and exactly one
 *     MessageDelivered log per nonce);
 *   - the relayer's account nonce is exactly the transactions it needed: one submitHeader
 *     per block holding messages plus one deliver per message (a restart that re-signed a
 *     delivered message, or any other transaction, shows here);
 *   - `zkrelay status` agrees with the chain (all confirmed, nextNonce = the account nonce).
 *
 * Parameters (environment): REL_MESSAGES (default 20), REL_KILLS (50), REL_BATCH (messages
 * per block, 5), REL_KILL_MIN_MS / REL_KILL_MAX_MS (the delay range, 1000 / 60000),
 * REL_FINAL_TIMEOUT_S (the last, uninterrupted run, 3600). A proof takes 40-60 s on a
 * 2-core machine, so the defaults run for hours; tests/reliability/run.sh documents the
 * reduced run. */
#include "harness.h"
#include "relayer/devnet_env.h"

/* The last line of the relayer's log (what it was doing when killed), into out. */
static void last_log_line(const e2e *e, char *out, size_t cap)
{
    char *log = th_read_text(e2e_path(e, "relayer.log"));
    out[0] = 0;
    if (!log) return;
    size_t n = strlen(log);
    while (n > 0 && log[n - 1] == '\n')
        log[--n] = 0;
    const char *nl = strrchr(log, '\n');
    snprintf(out, cap, "%s", nl ? nl + 1 : log);
    free(log);
}

TEST(rel_kill_loop)
{
    e2e_counters c;
    memset(&c, 0, sizeof(c));
    uint64_t n_msgs = e2e_env_u64("REL_MESSAGES", 20, 1, E2E_MAX_MSGS);
    uint64_t kills = e2e_env_u64("REL_KILLS", 50, 0, 100000);
    uint64_t batch = e2e_env_u64("REL_BATCH", 5, 1, 16);
    uint64_t dmin = e2e_env_u64("REL_KILL_MIN_MS", 1000, 10, 3600000);
    uint64_t dmax = e2e_env_u64("REL_KILL_MAX_MS", 60000, dmin, 3600000);
    uint64_t final_s = e2e_env_u64("REL_FINAL_TIMEOUT_S", 3600, 10, 86400);
    uint64_t n_batches = (n_msgs + batch - 1) / batch;
    printf("kill loop: %" PRIu64 " messages in %" PRIu64 " block(s), %" PRIu64
           " SIGKILLs after %" PRIu64 "..%" PRIu64 " ms (the seed is printed below)\n",
           n_msgs, n_batches, kills, dmin, dmax);

    e2e E;
    e2e *e = &E;
    if (!e2e_init(e, "killloop") || !e2e_setup_chains(e) ||
        !e2e_write_config(e, NULL, NULL, "", ", \"metrics\": \"\"")) {
        e2e_stop(e);
        return;
    }
    /* Batch b is sent before kill floor(b * kills / n_batches): messages arrive while the
     * relayer is being killed, not only before. */
    uint64_t sent_batches = 0;
    bool ok = true;
    for (uint64_t k = 0; k < kills && ok; k++) {
        while (sent_batches < n_batches && sent_batches * kills / n_batches <= k && ok) {
            size_t count =
                (size_t)(n_msgs - sent_batches * batch < batch ? n_msgs - sent_batches * batch
                                                               : batch);
            ok = e2e_send_batch(e, count);
            sent_batches++;
            if (ok)
                e2e_progress(e, "batch %" PRIu64 ": %zu message(s) in block %" PRIu64, sent_batches,
                             count, e->blocks[e->n_msgs - 1]);
            /* chain A seals every 2 s: the next batch lands in another block */
            anvil_sleep_ms(2500);
        }
        uint64_t delay = dmin + th_rand64() % (dmax - dmin + 1);
        e2e_relayer_start(e, false);
        double t0 = anvil_now_s();
        int st = e2e_wait_exit(e, (double)delay / 1000.0);
        if (st != -2) {
            /* It must never stop by itself in the middle of the run. */
            CHECK_MSG(false, "the relayer exited with status %d before kill %" PRIu64, st, k + 1);
            e2e_dump_log(e);
            ok = false;
            break;
        }
        e2e_kill(&e->relayer, SIGKILL);
        c.kills++;
        char line[200];
        last_log_line(e, line, sizeof(line));
        e2e_progress(e, "kill %" PRIu64 "/%" PRIu64 " after %.1f s; last log: %s", k + 1, kills,
                     anvil_now_s() - t0, line);
    }
    while (ok && sent_batches < n_batches) {
        size_t count =
            (size_t)(n_msgs - sent_batches * batch < batch ? n_msgs - sent_batches * batch : batch);
        ok = e2e_send_batch(e, count);
        sent_batches++;
        anvil_sleep_ms(2500);
    }
    c.messages = e->n_msgs;
    if (ok) {
        CASE_BEGIN("after %" PRIu64 " SIGKILLs: a last run exits 0 once everything is confirmed",
                   c.kills);
        e2e_relayer_start(e, true);
        int st = e2e_wait_exit(e, (double)final_s);
        CHECK_MSG(st == 0, "the last run: status %d (log %s)", st, e2e_path(e, "relayer.log"));
        if (st != 0) e2e_dump_log(e);
        e2e_progress(e, "last run ended with status %d", st);
        CASE_END();

        CASE_BEGIN("every message delivered exactly once; no transaction beyond those needed");
        e2e_count_delivery(e, &c, e2e_distinct_blocks(e) + e->n_msgs);
        CASE_END();

        CASE_BEGIN("zkrelay status agrees with the chain");
        e2e_check_status(e);
        CASE_END();

        CASE_BEGIN("the relayer's log shows no sanitizer report");
        char *log = th_read_text(e2e_path(e, "relayer.log"));
        th_proc pl = {0, log ? log : (char *)"", (char *)""};
        CHECK(th_proc_sanitizer_clean(&pl));
        free(log);
        CASE_END();
    } else {
        c.lost = e->n_msgs;
    }
    e2e_stop(e);
    e2e_print_counters("kill_loop", &c);
}

TEST_MAIN(RUN(rel_kill_loop))
