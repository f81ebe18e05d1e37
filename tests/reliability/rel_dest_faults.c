/* Reliability scenario 3 (issue 8): destination faults.
 *
 * Three messages in one block of chain A; the relayer reaches chain B through a fault
 * proxy, with --exit-when-idle, and meets in turn:
 *   1. a dropped transaction: the proxy drops the first deliver's eth_sendRawTransaction
 *      (rule `drop,method=eth_sendRawTransaction,from=2,to=2`; the first is the
 *      submitHeader): the relayer sends the same signed bytes again (its log says
 *      "rebroadcast", or rpc_client's retry resends them), so no nonce is wasted;
 *   2. a nonce taken by another sender: mining on B is paused, and once the second
 *      deliver is broadcast the relayer is stopped (SIGSTOP), its transaction removed
 *      from the pool (anvil_dropTransaction) and another transaction sent from the
 *      relayer's own account with that nonce behind its back, mined, and the relayer
 *      resumed: it must notice ("was used by another transaction") and deliver with a
 *      new nonce, once;
 *   3. a fee spike beyond the cap (maxFeeGwei 5): the next base fee is held at 100 gwei
 *      (anvil_setNextBlockBaseFeePerGas) until the relayer logs that it refuses to pay
 *      it, then released: the base fee falls and the third message is delivered, by a
 *      transaction whose maxFeePerGas is within the cap.
 * At the end every message is delivered exactly once and the relayer's account sent
 * exactly the transactions it needed plus the one sent behind its back.
 *
 * Parameters (environment): REL_FINAL_TIMEOUT_S (default 1800). */
#include "harness.h"
#include "lightclient/json_fields.h"
#include "relayer/devnet_env.h"
#include "relayer/faultproxy_env.h"

#define CAP_GWEI 5

/* The k-th (1-based) "submitted m=" line of the relayer's log: its tx hash and nonce. */
static bool nth_submitted(const e2e *e, size_t k, char hash[67], uint64_t *nonce)
{
    char *log = th_read_text(e2e_path(e, "relayer.log"));
    const char *p = log;
    bool ok = false;
    for (size_t i = 0; p && i < k; i++) {
        p = strstr(p, "submitted m=");
        if (p && i + 1 < k) p++;
    }
    const char *t = p ? strstr(p, " tx=") : NULL;
    const char *n = t ? strstr(t, " nonce=") : NULL;
    if (t && n && n - t == 4 + 66) {
        memcpy(hash, t + 4, 66);
        hash[66] = 0;
        char *end = NULL;
        *nonce = strtoull(n + 7, &end, 10);
        ok = end && *end == ' ';
    }
    free(log);
    return ok;
}

/* Waits until the relayer's log holds at least n copies of needle; false on a timeout
 * or when it exited. */
static bool wait_count(e2e *e, const char *needle, size_t n, double timeout_s)
{
    double t0 = anvil_now_s();
    while (anvil_now_s() - t0 < timeout_s) {
        if (e2e_log_count(e, needle, 0) >= n) return true;
        int st;
        if (e->relayer > 0 && waitpid(e->relayer, &st, WNOHANG) == e->relayer) {
            e->relayer = 0;
            return false;
        }
        anvil_sleep_ms(100);
    }
    return false;
}

/* maxFeePerGas of transaction hash on chain B (UINT64_MAX when unknown). */
static uint64_t tx_max_fee(const e2e *e, const char *hash)
{
    json_t *t = NULL;
    uint64_t v = UINT64_MAX;
    if (rpc_call(e->dst, &t, "eth_getTransactionByHash", json_pack("[s]", hash), NULL) == ZK_OK &&
        json_get_quantity(&v, t, "maxFeePerGas", NULL) != ZK_OK)
        v = UINT64_MAX;
    json_decref(t);
    return v;
}

TEST(rel_destination_faults)
{
    e2e_counters c;
    memset(&c, 0, sizeof(c));
    uint64_t final_s = e2e_env_u64("REL_FINAL_TIMEOUT_S", 1800, 10, 86400);
    e2e E;
    e2e *e = &E;
    fp_proc dst;
    memset(&dst, 0, sizeof(dst));
    if (!e2e_init(e, "destfaults") || !e2e_setup_chains(e)) {
        e2e_stop(e);
        return;
    }
    const char *rules[] = {"drop,method=eth_sendRawTransaction,from=2,to=2", NULL};
    char extra[96];
    snprintf(extra, sizeof(extra), ", \"maxFeeGwei\": %d, \"maxPriorityFeeGwei\": 1", CAP_GWEI);
    bool ok = fp_proxy_start(&dst, e->url_b, NULL, rules) &&
              e2e_write_config(e, NULL, dst.url, extra, ", \"metrics\": \"\"") && e2e_send(e, 3);
    c.messages = e->n_msgs;
    if (ok) {
        e2e_relayer_start(e, true);
        e2e_progress(e, "3 messages sent; relayer started behind the destination proxy");
    }

    if (ok) {
        CASE_BEGIN("1. the first deliver's eth_sendRawTransaction dropped");
        ok = wait_count(e, "submitted m=", 1, final_s) && wait_count(e, "confirmed m=", 1, 300.0);
        CHECK_MSG(ok, "no deliver confirmed (log %s)", e2e_path(e, "relayer.log"));
        if (!ok) e2e_dump_log(e);
        c.faults++;
        /* Mining on B paused for step 2 once nothing of the relayer's is pending, so the
         * second deliver waits in the pool (and no pending one gets replaced meanwhile). */
        ok = ok && e2e_rpc(e->dst, "evm_setIntervalMining", json_pack("[i]", 0));
        e2e_progress(e, "first deliver confirmed; mining on B paused");
        CASE_END();
    }
    char hash[67] = {0};
    uint64_t stolen = 0;
    if (ok) {
        CASE_BEGIN("2. the second deliver's nonce taken by another sender");
        ok = wait_count(e, "submitted m=", 2, final_s) && nth_submitted(e, 2, hash, &stolen);
        CHECK_MSG(ok, "no second deliver (log %s)", e2e_path(e, "relayer.log"));
        if (ok) {
            kill(e->relayer, SIGSTOP);
            char nq[19];
            hex_format_quantity(nq, stolen);
            json_t *mine = NULL;
            zk_errbuf err = {{0}, 0};
            ok = e2e_rpc(e->dst, "anvil_dropTransaction", json_pack("[s]", hash)) &&
                 rpc_call(e->dst, &mine, "eth_sendTransaction",
                          json_pack("[{s:s,s:s,s:s,s:s}]", "from", E2E_RELAYER_ADDR, "to",
                                    E2E_RELAYER_ADDR, "value", "0x0", "nonce", nq),
                          &err) == ZK_OK;
            CHECK_MSG(ok, "taking nonce %" PRIu64 ": %s", stolen, err.msg);
            /* mined before the relayer runs again (else its rebroadcast would replace it) */
            bool mined = false;
            for (int i = 0; ok && !mined && i < 20; i++) {
                json_t *r = NULL;
                e2e_rpc(e->dst, "evm_mine", json_array());
                mined = rpc_call(e->dst, &r, "eth_getTransactionReceipt", json_pack("[O]", mine),
                                 NULL) == ZK_OK &&
                        json_is_object(r);
                json_decref(r);
            }
            json_decref(mine);
            CHECK_MSG(mined, "the transaction taking nonce %" PRIu64 " was never mined", stolen);
            ok = ok && mined && e2e_rpc(e->dst, "evm_setIntervalMining", json_pack("[i]", 1));
            kill(e->relayer, SIGCONT);
            c.faults++;
            e2e_progress(e, "nonce %" PRIu64 " of %s taken behind the relayer's back", stolen,
                         hash);
            ok = ok && wait_count(e, "was used by another transaction", 1, 300.0);
            CHECK_MSG(ok, "the relayer never noticed the taken nonce (log %s)",
                      e2e_path(e, "relayer.log"));
            if (!ok) e2e_dump_log(e);
        }
        CASE_END();
    }
    if (ok) {
        CASE_BEGIN("3. a base fee above maxFeeGwei %d: refused with a log line, then paid",
                   CAP_GWEI);
        /* 100 gwei for every next block until the relayer says it will not pay it. */
        double t0 = anvil_now_s();
        bool refused = false;
        while (!refused && anvil_now_s() - t0 < (double)final_s && e->relayer > 0) {
            e2e_rpc(e->dst, "anvil_setNextBlockBaseFeePerGas", json_pack("[s]", "0x174876e800"));
            refused = e2e_log_count(e, "exceeds the max fee cap", 0) > 0;
            anvil_sleep_ms(300);
        }
        CHECK_MSG(refused, "no fee-cap refusal in %s", e2e_path(e, "relayer.log"));
        c.faults++;
        e2e_progress(e, "the relayer refused the fee spike; base fee released");
        CASE_END();
    }
    if (ok) {
        CASE_BEGIN("the relayer exits idle; every message delivered once");
        int st = e2e_wait_exit(e, (double)final_s);
        CHECK_MSG(st == 0, "the relayer: status %d (log %s)", st, e2e_path(e, "relayer.log"));
        if (st != 0) e2e_dump_log(e);
        /* one submitHeader + three delivers + the transaction sent behind its back */
        e2e_count_delivery(e, &c, e2e_distinct_blocks(e) + e->n_msgs + 1);
        e2e_check_status(e);
        CHECK_MSG(e2e_log_count(e, "rebroadcast", 0) + e2e_log_count(e, "submitted m=", 0) >= 3,
                  "fewer deliver broadcasts than expected");
        e2e_progress(e, "rebroadcasts logged: %zu", e2e_log_count(e, "rebroadcast", 0));
        CASE_END();

        CASE_BEGIN("every deliver the relayer signed kept maxFeePerGas <= %d gwei", CAP_GWEI);
        for (size_t k = 1;; k++) {
            char h[67];
            uint64_t n;
            if (!nth_submitted(e, k, h, &n)) break;
            if (strcmp(h, hash) == 0) continue; /* dropped from the pool in step 2 */
            uint64_t fee = tx_max_fee(e, h);
            CHECK_MSG(fee <= (uint64_t)CAP_GWEI * 1000000000u, "tx %s: maxFeePerGas %" PRIu64, h,
                      fee);
        }
        CASE_END();
    }
    uint64_t dropped = dst.pid > 0 ? fp_stop_injected(&dst, 1) : 0;
    CHECK_MSG(dropped == 1, "the proxy dropped %" PRIu64 " sends, expected 1", dropped);
    e2e_stop(e);
    e2e_print_counters("destination_faults", &c);
}

TEST_MAIN(if (rpc_global_init() != ZK_OK) return 1; RUN(rel_destination_faults);
          rpc_global_cleanup())
