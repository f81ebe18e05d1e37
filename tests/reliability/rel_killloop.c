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
 * REL_KILL_EVENT_PCT (0: the share of kills aimed at a moment just after a logged step, a
 * broadcast or a confirmation say, instead of after the delay; most random delays land in
 * a proof, the longest step),
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

/* The log lines after which a kill is aimed (REL_KILL_EVENT_PCT): each follows a step's
 * synced write (a transaction signed, stored and broadcast; a proof stored; a confirmation;
 * a message recorded). */
static const char *const kill_events[] = {" submitted ", " confirmed ", " inclusion-proven ",
                                          " header-proof ", " seen m="};
#define KILL_EVENTS (sizeof(kill_events) / sizeof(*kill_events))

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
    uint64_t event_pct = e2e_env_u64("REL_KILL_EVENT_PCT", 0, 0, 100);
    uint64_t event_kills = 0;
    uint64_t n_batches = (n_msgs + batch - 1) / batch;
    printf("kill loop: %" PRIu64 " messages in %" PRIu64 " block(s), %" PRIu64
           " SIGKILLs after %" PRIu64 "..%" PRIu64 " ms (the seed is printed below)\n",
           n_msgs, n_batches, kills, dmin, dmax);
    if (event_pct)
        printf("kill loop: %" PRIu64 "%% of the kills right after a logged step (within the same "
               "delay)\n",
               event_pct);

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
        bool on_event = th_rand64() % 100 < event_pct;
        const char *event = kill_events[th_rand64() % KILL_EVENTS];
        size_t from = e2e_log_len(e);
        e2e_relayer_start(e, false);
        double t0 = anvil_now_s();
        int st = -2;
        if (on_event && e2e_wait_log(e, event, from, (double)delay / 1000.0)) {
            /* Just after the step that logs it committed (a broadcast, a proof stored, a
             * confirmation): the windows where a lost write would show. */
            anvil_sleep_ms((unsigned)(th_rand64() % 250));
            event_kills++;
        } else if (e->relayer > 0) {
            st = e2e_wait_exit(e, on_event ? 0.0 : (double)delay / 1000.0);
        } else {
            st = -1; /* it exited while we waited for the event */
        }
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
    if (event_pct) e2e_progress(e, "%" PRIu64 " kill(s) right after a logged step", event_kills);
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
