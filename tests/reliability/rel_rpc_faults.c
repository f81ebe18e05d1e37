/* Reliability scenario 2 (issue 8): RPC faults during a run.
 *
 * The relayer reaches both chains through `zkrelay-devnet faultproxy` processes
 * (docs/faults.md), each with a schedule of transient faults drawn from the seeded PRNG
 * (HTTP 500/502/503/429, dropped connections, delays, truncated and garbled JSON) at
 * random request numbers. Every message must still be delivered exactly once, with no
 * transaction beyond those needed.
 *
 * Then the dangerous fault: the relayer restarts behind a source proxy that serves a
 * different, validly re-sealed block for the height its light client verified last
 * (`altblock,block=H,reseal=1`), run with --hold-on-alarm: it must raise the alarm, hold
 * with /health answering 503 and zkrelay_alarm 1 on /metrics, submit nothing (its account
 * nonce does not move and a message sent before the restart stays undelivered) and end
 * with the alarm exit code (5) on SIGTERM (tests/relayer/alarm_env.h).
 *
 * Parameters (environment): REL_FAULT_MESSAGES (default 3), REL_FAULTS (faults per
 * proxy, 40), REL_FINAL_TIMEOUT_S (1800). */
#include "harness.h"
#include "relayer/alarm_env.h"

/* Writes a schedule of n transient faults at request numbers in [lo, hi] to path. */
static bool write_schedule(const char *path, unsigned n, unsigned lo, unsigned hi)
{
    static const char *const kinds[] = {
        "http,status=500", "http,status=502", "http,status=503", "http,status=429", "drop",
        "delay",           "truncate",        "garble"};
    FILE *f = fopen(path, "w");
    if (!f) return false;
    fprintf(f, "# transient faults, seed %" PRIu64 "\n", th.seed);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = (unsigned)(th_rand64() % (sizeof(kinds) / sizeof(*kinds)));
        unsigned at = lo + (unsigned)(th_rand64() % (hi - lo + 1));
        if (k == 5)
            fprintf(f, "delay,ms=%u,from=%u,to=%u\n", 200 + (unsigned)(th_rand64() % 1300), at, at);
        else
            fprintf(f, "%s,from=%u,to=%u\n", kinds[k], at, at);
    }
    return fclose(f) == 0;
}

TEST(rel_rpc_faults)
{
    e2e_counters c;
    memset(&c, 0, sizeof(c));
    uint64_t n_msgs = e2e_env_u64("REL_FAULT_MESSAGES", 3, 1, 16);
    unsigned n_faults = (unsigned)e2e_env_u64("REL_FAULTS", 40, 1, 1000);
    uint64_t final_s = e2e_env_u64("REL_FINAL_TIMEOUT_S", 1800, 10, 86400);
    e2e E;
    e2e *e = &E;
    fp_proc src, dst;
    memset(&src, 0, sizeof(src));
    memset(&dst, 0, sizeof(dst));
    if (!e2e_init(e, "rpcfaults") || !e2e_setup_chains(e)) {
        e2e_stop(e);
        return;
    }
    /* The first requests are the start-up checks (chain ids, contract code), where an
     * unreachable node is a documented exit 1: faults start after them. */
    const char *ssched = e2e_path(e, "source.schedule");
    const char *dsched = e2e_path(e, "destination.schedule");
    CHECK(write_schedule(ssched, n_faults, 20, 1500));
    CHECK(write_schedule(dsched, n_faults, 12, 600));
    bool ok = fp_proxy_start(&src, e->url_src, ssched, NULL) &&
              fp_proxy_start(&dst, e->url_b, dsched, NULL);
    char metrics[64];
    snprintf(metrics, sizeof(metrics), "127.0.0.1:%u", anvil_free_port());
    char top[128];
    snprintf(top, sizeof(top), ", \"metrics\": \"%s\"", metrics);
    ok = ok && e2e_write_config(e, src.url, dst.url, "", top) && e2e_send(e, (size_t)n_msgs);
    c.messages = e->n_msgs;
    if (ok) {
        CASE_BEGIN("%u transient faults per proxy: the relayer exits idle, all delivered",
                   n_faults);
        e2e_progress(e, "%zu messages sent; relayer behind two fault proxies", e->n_msgs);
        e2e_relayer_start(e, true);
        int st = e2e_wait_exit(e, (double)final_s);
        CHECK_MSG(st == 0, "the relayer: status %d (log %s)", st, e2e_path(e, "relayer.log"));
        if (st != 0) e2e_dump_log(e);
        e2e_kill(&e->relayer, SIGKILL);
        c.faults += fp_stop_injected(&src, n_faults) + fp_stop_injected(&dst, n_faults);
        e2e_progress(e, "relayer idle (status %d); %" PRIu64 " faults injected", st, c.faults);
        ok = st == 0;
        CASE_END();
    }
    if (ok) {
        CASE_BEGIN("through the faults: each message delivered once, no extra transaction");
        e2e_count_delivery(e, &c, e2e_distinct_blocks(e) + e->n_msgs);
        e2e_check_status(e);
        CASE_END();
    }
    if (ok) {
        CASE_BEGIN("a different, re-sealed block at the verified head, --hold-on-alarm: alarm, "
                   "/health 503, zkrelay_alarm 1, nothing sent, exit 5 on SIGTERM");
        c.faults += e2e_alarm_hold_check(e, metrics, top, &c.alarms);
        CASE_END();
    }
    if (src.pid > 0) free(fp_stop(&src));
    if (dst.pid > 0) free(fp_stop(&dst));
    e2e_stop(e);
    e2e_print_counters("rpc_faults", &c);
}

TEST_MAIN(if (rpc_global_init() != ZK_OK) return 1; RUN(rel_rpc_faults); rpc_global_cleanup())
