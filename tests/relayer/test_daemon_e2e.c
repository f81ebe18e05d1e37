/* `zkrelay run` and `zkrelay status` through the built binary ($ZK_BIN): the
 * start-up checks with their documented exit codes (bad configuration, a key
 * file readable by others, an unreachable RPC, a wrong chain id against a real
 * anvil) and the queue printed from a message store.
 *
 * Then the whole pipeline of issue 7 on the devnet (test_daemon_e2e_pipeline):
 * anvil A + the QBFT sealer (1 validator), anvil B, the contracts deployed with
 * `zkrelay deploy`, three messages sent with `zkrelay-devnet send`; the relayer is
 * killed with SIGKILL while proving and again right after it submitted a delivery,
 * restarted, and then: every message is delivered exactly once (Inbox status, the
 * receiver's counters, one MessageDelivered log each), the relayer's account sent
 * exactly the transactions it needed (its nonce), the database agrees with the
 * chain, `zkrelay verify` accepts a bundle the run produced and rejects it with one
 * byte changed, and `zkrelay status` lists the messages confirmed. Last, the
 * dangerous fault: restarted with --hold-on-alarm behind a proxy serving another,
 * re-sealed block at the verified head, it raises the alarm, holds with /health 503
 * and /metrics (zkrelay_alarm 1, the stored gauges), sends nothing, and exits 5 on
 * SIGTERM (tests/relayer/alarm_env.h).
 *
 * The circuits use the smallest parameters the devnet allows (1 validator, a
 * 679-byte header, depth 3, 704-byte receipts, 2 logs); their development keys are
 * made once with `zkrelay circuit export-r1cs` + `zkrelay groth16 setup --dev` and
 * cached under build/e2e-keys/<parameters>/ ($ZK_E2E_KEYS overrides the root). */
#include "harness.h"
#include "relayer/alarm_env.h"
#include "relayer/msgstore.h"

static const char *key_path(mode_t mode)
{
    const char *p = th_tmp_path(mode == 0600 ? "relayer.key" : "open.key");
    const char *key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318\n";
    CHECK(th_write_file(p, key, strlen(key)));
    CHECK(chmod(p, mode) == 0);
    return p;
}

/* Writes a configuration for the given URLs and key file; returns its path. */
static const char *write_config(const char *src_url, uint64_t src_chain, const char *dst_url,
                                const char *keyfile, const char *extra)
{
    char text[4096];
    snprintf(text, sizeof(text),
             "{\"source\": {\"rpc\": [\"%s\"], \"chainId\": %llu,"
             " \"outbox\": \"0x5FbDB2315678afecb367f032d93F642f64180aa3\","
             " \"checkpoint\": \"cp.json\"},"
             " \"destination\": {\"rpc\": [\"%s\"], \"chainId\": 31337,"
             " \"lightClient\": \"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\","
             " \"inbox\": \"0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0\", \"keyFile\": \"%s\"},"
             " \"prover\": {\"finalityZkey\": \"f.zkey\", \"inclusionZkey\": \"i.zkey\"},"
             " \"database\": \"state\", \"metrics\": \"\"%s}",
             src_url, (unsigned long long)src_chain, dst_url, keyfile, extra);
    const char *p = th_tmp_path("relayer.json");
    CHECK(th_write_file(p, text, strlen(text)));
    return p;
}

static int run_cfg(const char *cfg, th_proc *out)
{
    const char *args[] = {"run", "--config", cfg, "--once"};
    *out = th_run_zkrelay(args, 4, NULL);
    CHECK(th_proc_sanitizer_clean(out));
    return out->status;
}

TEST(test_daemon_run_usage_and_config_errors)
{
    const char *a1[] = {"run"};
    th_proc p = th_run_zkrelay(a1, 1, NULL);
    CHECK_EQ_INT(p.status, 2);
    CHECK(strstr(p.err, "--config FILE is required") != NULL);
    th_proc_free(&p);
    const char *a2[] = {"run", "--help"};
    p = th_run_zkrelay(a2, 2, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(strstr(p.out, "exit status") != NULL);
    th_proc_free(&p);
    const char *a3[] = {"run", "--config", "/nonexistent.json", "--log-format", "xml"};
    p = th_run_zkrelay(a3, 5, NULL);
    CHECK_EQ_INT(p.status, 2);
    th_proc_free(&p);
    const char *a4[] = {"run", "--print-config-keys"};
    p = th_run_zkrelay(a4, 2, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(strstr(p.out, "destination.replaceAfterSeconds") != NULL);
    th_proc_free(&p);

    const char *kf = key_path(0600);
    CASE_BEGIN("unknown key: exit 2 naming it");
    CHECK_EQ_INT(run_cfg(write_config("http://127.0.0.1:1", 1337, "http://127.0.0.1:1", kf,
                                      ", \"pollIntervalMS\": 5"),
                         &p),
                 2);
    CHECK(strstr(p.err, "unknown key \"pollIntervalMS\"") != NULL);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("key file mode 0644: exit 2, key not printed");
    const char *open_kf = key_path(0644);
    CHECK_EQ_INT(
        run_cfg(write_config("http://127.0.0.1:1", 1337, "http://127.0.0.1:1", open_kf, ""), &p),
        2);
    CHECK(strstr(p.err, "mode 0644") != NULL);
    CHECK(strstr(p.err, "4c0883a6") == NULL && strstr(p.out, "4c0883a6") == NULL);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("unreachable RPC: exit 1");
    CHECK_EQ_INT(
        run_cfg(write_config("http://127.0.0.1:1", 1337, "http://127.0.0.1:1", kf, ""), &p), 1);
    CHECK(strstr(p.err, "no RPC URL answered") != NULL);
    th_proc_free(&p);
    CASE_END();
}

TEST(test_daemon_run_wrong_chain_id)
{
    test_anvil anvil;
    if (!test_anvil_start(&anvil, 20000)) return;
    const char *kf = key_path(0600);
    th_proc p;
    CASE_BEGIN("source chain id 1337 but the node serves 31337: exit 4");
    CHECK_EQ_INT(run_cfg(write_config(anvil.url, 1337, anvil.url, kf, ""), &p), 4);
    CHECK_MSG(strstr(p.err, "serves chain id 31337, the configuration says 1337") != NULL, "%s",
              p.err);
    /* the URL may carry a credential: never printed */
    CHECK(strstr(p.err, anvil.url) == NULL);
    th_proc_free(&p);
    CASE_END();
    CASE_BEGIN("chain ids right but no contract code: exit 4");
    CHECK_EQ_INT(run_cfg(write_config(anvil.url, 31337, anvil.url, kf, ""), &p), 4);
    CHECK_MSG(strstr(p.err, "source.outbox") != NULL && strstr(p.err, "no contract code"), "%s",
              p.err);
    th_proc_free(&p);
    CASE_END();
    test_anvil_stop(&anvil);
}

TEST(test_daemon_status)
{
    const char *db = th_tmp_path("statusdb");
    th_rm_tree(db);
    char dir[600];
    snprintf(dir, sizeof(dir), "%s", db);
    CHECK(mkdir(dir, 0700) == 0);
    char msgs[700];
    snprintf(msgs, sizeof(msgs), "%s/msgs", dir);
    msgstore *s = NULL;
    CHECK_EQ_INT(msgstore_open(&s, msgs, true, NULL), ZK_OK);
    if (!s) return;
    msgstore_batch *b = msgstore_batch_new(s);
    for (unsigned i = 0; i < 3; i++) {
        msg_record r;
        msg_record_init(&r);
        r.m[0] = (uint8_t)(0xa0 + i);
        r.nonce = i;
        r.block_number = 10 + i;
        r.state = i == 2 ? MSG_FAILED : MSG_SEEN;
        if (i == 2) snprintf(r.reason, sizeof(r.reason), "InvalidProof()");
        r.t_ms[MSG_SEEN] = 1000;
        CHECK_EQ_INT(msgstore_batch_put_msg(b, &r, 0, NULL), ZK_OK);
    }
    msgstore_batch_put_scan_height(b, 42);
    CHECK_EQ_INT(msgstore_batch_commit(b, NULL), ZK_OK);
    msgstore_batch_free(b);
    msgstore_close(s);

    const char *a1[] = {"status", "--db", dir};
    th_proc p = th_run_zkrelay(a1, 3, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(th_streq(th_out_line(p.out, "messages"), "3"));
    CHECK(th_streq(th_out_line(p.out, "seen"), "2"));
    CHECK(th_streq(th_out_line(p.out, "failed"), "1"));
    CHECK(th_streq(th_out_line(p.out, "scan height"), "42"));
    CHECK(th_streq(th_out_line(p.out, "next nonce"), "none"));
    CHECK(strstr(p.out, "reason=InvalidProof()") != NULL);
    CHECK(th_proc_sanitizer_clean(&p));
    th_proc_free(&p);

    const char *a2[] = {"status", "--db", dir, "--json"};
    p = th_run_zkrelay(a2, 4, NULL);
    CHECK_EQ_INT(p.status, 0);
    json_error_t je;
    json_t *o = json_loads(p.out, 0, &je);
    CHECK(o != NULL);
    if (o) {
        CHECK_EQ_INT(json_integer_value(json_object_get(o, "messages")), 3);
        CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(o, "byState"), "seen")), 2);
        CHECK_EQ_INT(json_array_size(json_object_get(o, "queue")), 3);
        json_decref(o);
    }
    th_proc_free(&p);

    const char *a3[] = {"status", "--db", "/nonexistent/db"};
    p = th_run_zkrelay(a3, 3, NULL);
    CHECK_EQ_INT(p.status, 1);
    CHECK(strstr(p.err, "does not exist") != NULL);
    th_proc_free(&p);
    const char *a4[] = {"status"};
    p = th_run_zkrelay(a4, 1, NULL);
    CHECK_EQ_INT(p.status, 2);
    th_proc_free(&p);
}

/* ---- the pipeline on the devnet (tests/relayer/devnet_env.h) ------------------------- */

#define E2E_N_MSGS 3

static void e2e_check_chain(e2e *e)
{
    CASE_BEGIN("every message delivered exactly once (Inbox, receiver, logs)");
    for (int i = 0; i < E2E_N_MSGS; i++) {
        CHECK_EQ_INT(e2e_view(e, e->inbox, "status(uint64)", true, e->nonces[i]), 1);
        CHECK_EQ_INT(e2e_delivered_logs(e, e->nonces[i]), 1);
    }
    CHECK_EQ_INT(e2e_view(e, e->receiver, "messages()", false, 0), E2E_N_MSGS);
    CHECK_EQ_INT(e2e_view(e, e->receiver, "count()", false, 0), 1 + 2 + 3);
    CASE_END();

    CASE_BEGIN("no extra transaction from the relayer's account");
    /* One submitHeader per block holding messages, one deliver per message: a restart
     * that re-signed anything would show here. */
    size_t want = e2e_distinct_blocks(e) + E2E_N_MSGS;
    CHECK_EQ_INT(e2e_relayer_nonce(e), want);
    CASE_END();
}

/* The database after the run: every message confirmed, with a mined deliver tx. */
static int e2e_first_msg(void *arg, const msg_record *r)
{
    memcpy(arg, r->m, 32);
    return 1000; /* stop at the first */
}

static void e2e_check_db(e2e *e)
{
    CASE_BEGIN("zkrelay status lists the messages confirmed; their txs are mined (status 1)");
    const char *a1[] = {"status", "--db", e2e_path(e, "state"), "--json"};
    th_proc p = th_run_zkrelay(a1, 4, NULL);
    CHECK_EQ_INT(p.status, 0);
    json_t *o = json_loads(p.out, 0, NULL);
    CHECK(o != NULL);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(o, "byState"), "confirmed")),
                 E2E_N_MSGS);
    CHECK_EQ_INT(json_integer_value(json_object_get(o, "nextNonce")), e2e_relayer_nonce(e));
    const json_t *q = json_object_get(o, "queue");
    CHECK_EQ_INT(json_array_size(q), E2E_N_MSGS);
    for (size_t i = 0; i < json_array_size(q); i++) {
        const json_t *m = json_array_get(q, i);
        CHECK(th_streq(json_string_value(json_object_get(m, "state")), "confirmed"));
        const char *tx = json_string_value(json_object_get(m, "txHash"));
        uint8_t h[32];
        json_t *r = NULL;
        bool ok = tx && hex_decode_fixed(h, 32, tx, NULL) == ZK_OK &&
                  rpc_eth_get_transaction_receipt(e->dst, &r, h, NULL) == ZK_OK;
        CHECK_MSG(ok, "message %zu: its deliver tx %s is not on chain B", i, tx ? tx : "(none)");
        CHECK(ok && th_streq(json_string_value(json_object_get(r, "status")), "0x1"));
        json_decref(r);
    }
    json_decref(o);
    th_proc_free(&p);
    const char *a2[] = {"status", "--db", e2e_path(e, "state")};
    p = th_run_zkrelay(a2, 3, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(th_streq(th_out_line(p.out, "confirmed"), "3"));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("zkrelay verify accepts a bundle of the run, rejects it with one byte changed");
    char dir[1100];
    snprintf(dir, sizeof(dir), "%s/msgs", e2e_path(e, "state"));
    msgstore *s = NULL;
    CHECK_EQ_INT(msgstore_open(&s, dir, false, NULL), ZK_OK);
    uint8_t m[32] = {0};
    char *text = NULL;
    if (s) {
        CHECK_EQ_INT(msgstore_each(s, MSG_CONFIRMED, e2e_first_msg, m, NULL), 1000);
        CHECK_EQ_INT(msgstore_get_bundle(s, &text, m, NULL), ZK_OK);
    }
    msgstore_close(s);
    if (text) {
        const char *bp = e2e_path(e, "bundle.json");
        CHECK(th_write_file(bp, text, strlen(text)));
        char fvk[800], ivk[800];
        snprintf(fvk, sizeof(fvk), "%s/finality.vk.json", e->fin_dir);
        snprintf(ivk, sizeof(ivk), "%s/inclusion.vk.json", e->inc_dir);
        const char *v[] = {"verify", bp, "--finality-vk", fvk, "--inclusion-vk", ivk};
        p = th_run_zkrelay(v, 6, NULL);
        CHECK_MSG(p.status == 0, "verify: exit %d: %s%s", p.status, p.out, p.err);
        th_proc_free(&p);
        /* One hex digit of the receipt changed: the trie path no longer proves it. */
        char *r = strstr(text, "\"receipt\":\"0x");
        CHECK(r != NULL);
        if (r) {
            char *c = r + 13 + 40;
            *c = *c == '0' ? '1' : '0';
            const char *bad = e2e_path(e, "bundle-bad.json");
            CHECK(th_write_file(bad, text, strlen(text)));
            v[1] = bad;
            p = th_run_zkrelay(v, 6, NULL);
            CHECK_MSG(p.status == 3, "verify of the changed bundle: exit %d: %s", p.status, p.err);
            th_proc_free(&p);
        }
    }
    free(text);
    CASE_END();
}

TEST(test_daemon_e2e_pipeline)
{
    e2e E;
    e2e *e = &E;
    bool ok = e2e_init(e, "e2e") && e2e_setup(e) && e2e_send(e, E2E_N_MSGS);
    if (ok) {
        e2e_progress(e, "%d messages sent (nonces %" PRIu64 "..%" PRIu64 ", %zu block(s))",
                     E2E_N_MSGS, e->nonces[0], e->nonces[E2E_N_MSGS - 1], e2e_distinct_blocks(e));

        CASE_BEGIN("relayer killed with SIGKILL while proving");
        e2e_relayer_start(e, false);
        /* The proof starts once its key is loaded: kill it a few seconds into the proof. */
        ok = e2e_wait_log(e, "proving finality of block", 0, 120.0) &&
             e2e_wait_log(e, "finality proving key loaded", 0, 300.0);
        CHECK_MSG(ok, "the relayer never started a finality proof (log %s)",
                  e2e_path(e, "relayer.log"));
        if (!ok) e2e_dump_log(e);
        anvil_sleep_ms(4000);
        e2e_kill(&e->relayer, SIGKILL);
        e2e_progress(e, "killed during the finality proof");
        CASE_END();
    }
    if (ok) {
        CASE_BEGIN("restarted, killed with SIGKILL right after submitting a delivery");
        size_t from = e2e_log_len(e);
        e2e_relayer_start(e, false);
        ok = e2e_wait_log(e, "submitted m=", from, 900.0);
        CHECK_MSG(ok, "no delivery submitted (log %s)", e2e_path(e, "relayer.log"));
        if (!ok) e2e_dump_log(e);
        e2e_kill(&e->relayer, SIGKILL);
        e2e_progress(e, "killed right after a deliver was submitted");
        CASE_END();
    }
    if (ok) {
        CASE_BEGIN("restarted with --exit-when-idle: exits 0 once everything is confirmed");
        e2e_relayer_start(e, true);
        double t0 = anvil_now_s();
        int st = 0;
        bool done = false;
        while (anvil_now_s() - t0 < 900.0) {
            if (waitpid(e->relayer, &st, WNOHANG) == e->relayer) {
                done = true;
                e->relayer = 0;
                break;
            }
            anvil_sleep_ms(200);
        }
        CHECK_MSG(done && WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "the relayer did not exit 0 when idle (log %s)", e2e_path(e, "relayer.log"));
        ok = done && WIFEXITED(st) && WEXITSTATUS(st) == 0;
        if (!ok) e2e_dump_log(e);
        e2e_progress(e, "relayer idle and exited");
        CASE_END();
    }
    if (ok) {
        e2e_check_chain(e);
        e2e_check_db(e);
        CASE_BEGIN("a different block at the verified head, --hold-on-alarm: /health 503, "
                   "zkrelay_alarm 1, nothing sent, exit 5 on SIGTERM");
        char metrics[64], top[128];
        snprintf(metrics, sizeof(metrics), "127.0.0.1:%u", anvil_free_port());
        snprintf(top, sizeof(top), ", \"metrics\": \"%s\"", metrics);
        uint64_t alarms = 0;
        CHECK(e2e_alarm_hold_check(e, metrics, top, &alarms) >= 1);
        CHECK_EQ_INT(alarms, 1);
        CASE_END();
        char *log = th_read_text(e2e_path(e, "relayer.log"));
        CASE_BEGIN("the relayer's log shows no sanitizer report");
        th_proc pl = {0, log ? log : (char *)"", (char *)""};
        CHECK(th_proc_sanitizer_clean(&pl));
        CASE_END();
        free(log);
    }
    e2e_stop(e);
    e2e_progress(e, "done");
}

TEST_MAIN(RUN(test_daemon_run_usage_and_config_errors); RUN(test_daemon_run_wrong_chain_id);
          RUN(test_daemon_status); RUN(test_daemon_e2e_pipeline))
