/* `zkrelay-devnet faultproxy` ($ZK_DEVNET_BIN) between relayer/rpc.h's client
 * and the QBFT devnet sealer in front of a real anvil: the client retries
 * through the transient faults (HTTP 500/503/429, dropped connections, delays
 * under and over its timeout) and gets the node's answer; garbled and
 * truncated JSON are a clear ZK_ERR_MALFORMED, never a crash; a fault that
 * outlasts the retries is a clear error naming it; the bending faults (wrong
 * chain id, older head, a different block at a height) answer what docs/faults.md
 * says, and a re-sealed different block carries a valid quorum (so the light
 * client must treat it as equivocation: tests/relayer/test_faults_sync.c).
 * Usage errors of the command end the file. */
#include "harness.h"

#include "lightclient/bft.h"
#include "lightclient/ecdsa.h"
#include "lightclient/header.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "lightclient/keccak.h"
#include "relayer/faultproxy_env.h"
#include "relayer/rpc.h"

static test_anvil anvil;
static fp_proc sealer;
static rpc_client *sealer_c; /* the sealer without a proxy */

static rpc_client *sealer_client(void)
{
    if (!sealer_c) sealer_c = fp_client(sealer.url, 5000, 2);
    return sealer_c;
}

/* Calls eth_chainId through a proxy with faults; checks the answer and the
 * client's retry count, and that the proxy injected `injected` faults. */
static void chain_id_through(const char *const *faults, long timeout_ms, int retries, int want_rc,
                             uint64_t want_retries, long injected, const char *want_msg)
{
    fp_proc p;
    if (!fp_proxy_start(&p, sealer.url, NULL, faults)) return;
    rpc_client *c = fp_client(p.url, timeout_ms, retries);
    uint64_t id = 0;
    zk_errbuf err = {{0}, 0};
    int rc = c ? rpc_eth_chain_id(c, &id, &err) : -1;
    CHECK_MSG(rc == want_rc, "rc %d, want %d (%s)", rc, want_rc, err.msg);
    if (want_rc == ZK_OK) CHECK_EQ_INT(id, ANVIL_CHAIN_ID);
    if (want_msg) CHECK_MSG(strstr(err.msg, want_msg) != NULL, "message '%s'", err.msg);
    if (c) {
        rpc_stats st;
        rpc_client_stats(c, &st);
        CHECK_EQ_INT(st.retries, want_retries);
    }
    rpc_client_free(c);
    char *log = fp_stop(&p);
    CHECK_MSG(fp_injected(log, 1) == injected, "rule 1 injected %ld, want %ld", fp_injected(log, 1),
              injected);
    free(log);
}

TEST(transient_faults_are_retried)
{
    static const struct {
        const char *name, *fault;
    } cases[] = {
        {"HTTP 500", "http,status=500,from=1,to=2"},
        {"HTTP 503", "http,status=503,from=1,to=2"},
        {"HTTP 429", "http,status=429,from=1,to=2"},
        {"dropped connection", "drop,from=1,to=2"},
        {"two faults of a method, counted per method", "drop,method=eth_chainId,times=2"},
        {"delay over the client's timeout", "delay,ms=1500,from=1,to=2"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CASE_BEGIN("%s, twice: retried, then the right answer", cases[i].name);
        const char *faults[] = {cases[i].fault, NULL};
        chain_id_through(faults, 600, 3, ZK_OK, 2, 2, NULL);
        CASE_END();
    }
    CASE_BEGIN("delay under the timeout: answered, no retry");
    const char *slow[] = {"delay,ms=300", NULL};
    chain_id_through(slow, 5000, 3, ZK_OK, 0, 1, NULL);
    CASE_END();
    CASE_BEGIN("a mixed schedule file: each fault once, then the answer");
    const char *sched = th_tmp_path("mixed.sched");
    static const char text[] = "# one of each transient fault, in order\n"
                               "http,status=503,from=1,to=1\n"
                               "\n"
                               "drop,from=2,to=2\n"
                               "  http,status=429,from=3,to=3   \n"
                               "delay,ms=1200,from=4,to=4\n"
                               "http,status=500,after_ms=3600000\n";
    CHECK(th_write_file(sched, text, sizeof(text) - 1));
    fp_proc p;
    if (fp_proxy_start(&p, sealer.url, sched, NULL)) {
        rpc_client *c = fp_client(p.url, 600, 5);
        uint64_t id = 0;
        zk_errbuf err = {{0}, 0};
        CHECK_MSG(c && rpc_eth_chain_id(c, &id, &err) == ZK_OK, "%s", err.msg);
        CHECK_EQ_INT(id, ANVIL_CHAIN_ID);
        rpc_stats st;
        if (c) rpc_client_stats(c, &st);
        CHECK_EQ_INT(c ? st.retries : 99, 4);
        rpc_client_free(c);
        char *log = fp_stop(&p);
        for (unsigned r = 1; r <= 4; r++)
            CHECK_MSG(fp_injected(log, r) == 1, "rule %u injected %ld", r, fp_injected(log, r));
        CHECK_EQ_INT(fp_injected(log, 5), 0); /* its window has not opened */
        free(log);
    }
    CASE_END();
}

TEST(persistent_faults_are_clear_errors)
{
    CASE_BEGIN("HTTP 503 on every attempt: ZK_ERR_TRANSPORT naming the status");
    const char *s503[] = {"http,status=503", NULL};
    chain_id_through(s503, 600, 2, ZK_ERR_TRANSPORT, 2, 3, "HTTP 503");
    CASE_END();
    CASE_BEGIN("dropped every time: ZK_ERR_TRANSPORT, gave up after 3 attempts");
    const char *drop[] = {"drop", NULL};
    chain_id_through(drop, 600, 2, ZK_ERR_TRANSPORT, 2, 3, "gave up after 3 attempts");
    CASE_END();
    CASE_BEGIN("slower than the timeout every time: ZK_ERR_TIMEOUT");
    const char *slow[] = {"delay,ms=800", NULL};
    chain_id_through(slow, 300, 1, ZK_ERR_TIMEOUT, 1, 2, NULL);
    CASE_END();
    CASE_BEGIN("HTTP 404 (not retryable): one attempt, ZK_ERR_TRANSPORT");
    const char *s404[] = {"http,status=404", NULL};
    chain_id_through(s404, 600, 3, ZK_ERR_TRANSPORT, 0, 1, "404");
    CASE_END();
}

TEST(garbled_and_truncated_json)
{
    static const char *const faults[] = {"garble", "truncate", "truncate,keep=1",
                                         "truncate,keep=20"};
    for (size_t i = 0; i < sizeof(faults) / sizeof(*faults); i++) {
        CASE_BEGIN("%s: ZK_ERR_MALFORMED, not retried", faults[i]);
        const char *f[] = {faults[i], NULL};
        chain_id_through(f, 2000, 3, ZK_ERR_MALFORMED, 0, 1, "eth_chainId");
        CASE_END();
    }
    CASE_BEGIN("garbled batch: the whole batch fails with ZK_ERR_MALFORMED");
    const char *f[] = {"garble,method=eth_getBlockByNumber", NULL};
    fp_proc p;
    if (fp_proxy_start(&p, sealer.url, NULL, f)) {
        rpc_client *c = fp_client(p.url, 2000, 3);
        rpc_request reqs[3];
        json_t *results[3];
        int codes[3];
        for (size_t i = 0; i < 3; i++) {
            char q[19];
            hex_format_quantity(q, i);
            reqs[i].method = "eth_getBlockByNumber";
            reqs[i].params = json_pack("[s, b]", q, 0);
        }
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(c ? rpc_batch(c, results, codes, NULL, reqs, 3, &err) : -1, ZK_ERR_MALFORMED);
        for (size_t i = 0; i < 3; i++) {
            CHECK(results[i] == NULL);
            CHECK_EQ_INT(codes[i], ZK_ERR_MALFORMED);
        }
        /* The next call of another method goes through untouched. */
        uint64_t id = 0;
        CHECK_EQ_INT(c ? rpc_eth_chain_id(c, &id, NULL) : -1, ZK_OK);
        CHECK_EQ_INT(id, ANVIL_CHAIN_ID);
        rpc_client_free(c);
        char *log = fp_stop(&p);
        CHECK_EQ_INT(fp_injected(log, 1), 1);
        free(log);
    }
    CASE_END();
}

TEST(bending_faults)
{
    CASE_BEGIN("chainid: eth_chainId answers the node's + 1, or value");
    const char *f1[] = {"chainid,from=2", NULL};
    fp_proc p;
    if (fp_proxy_start(&p, sealer.url, NULL, f1)) {
        rpc_client *c = fp_client(p.url, 2000, 0);
        uint64_t a = 0, b = 0;
        CHECK_EQ_INT(c ? rpc_eth_chain_id(c, &a, NULL) : -1, ZK_OK);
        CHECK_EQ_INT(c ? rpc_eth_chain_id(c, &b, NULL) : -1, ZK_OK);
        CHECK_EQ_INT(a, ANVIL_CHAIN_ID);
        CHECK_EQ_INT(b, ANVIL_CHAIN_ID + 1);
        rpc_client_free(c);
        free(fp_stop(&p));
    }
    const char *f2[] = {"chainid,value=1", NULL};
    if (fp_proxy_start(&p, sealer.url, NULL, f2)) {
        rpc_client *c = fp_client(p.url, 2000, 0);
        uint64_t a = 0;
        CHECK_EQ_INT(c ? rpc_eth_chain_id(c, &a, NULL) : -1, ZK_OK);
        CHECK_EQ_INT(a, 1);
        rpc_client_free(c);
        free(fp_stop(&p));
    }
    CASE_END();

    CASE_BEGIN("oldhead: eth_blockNumber goes back below the highest answered");
    fp_mine(&anvil, 6);
    const char *f3[] = {"oldhead,back=4,from=2", NULL};
    if (fp_proxy_start(&p, sealer.url, NULL, f3)) {
        rpc_client *c = fp_client(p.url, 2000, 0);
        uint64_t a = 0, b = 0, truth = 0;
        CHECK_EQ_INT(rpc_eth_block_number(sealer_client(), &truth, NULL), ZK_OK);
        CHECK_EQ_INT(c ? rpc_eth_block_number(c, &a, NULL) : -1, ZK_OK);
        CHECK_EQ_INT(c ? rpc_eth_block_number(c, &b, NULL) : -1, ZK_OK);
        CHECK_EQ_INT(a, truth);
        CHECK_EQ_INT(b, truth - 4);
        rpc_client_free(c);
        free(fp_stop(&p));
    }
    CASE_END();

    for (int reseal = 0; reseal <= 1; reseal++) {
        CASE_BEGIN("altblock%s: block 3 differs, its hash recomputed", reseal ? " reseal" : "");
        const char *f4[] = {reseal ? "altblock,block=3,reseal=1" : "altblock,block=3", NULL};
        if (!fp_proxy_start(&p, sealer.url, NULL, f4)) continue;
        rpc_client *c = fp_client(p.url, 2000, 0);
        json_t *good = NULL, *bad = NULL, *other = NULL;
        CHECK_EQ_INT(
            rpc_eth_get_block_by_number(sealer_client(), &good, rpc_block_at(3), false, NULL),
            ZK_OK);
        CHECK_EQ_INT(c ? rpc_eth_get_block_by_number(c, &bad, rpc_block_at(3), false, NULL) : -1,
                     ZK_OK);
        /* Another height passes untouched. */
        CHECK_EQ_INT(c ? rpc_eth_get_block_by_number(c, &other, rpc_block_at(2), false, NULL) : -1,
                     ZK_OK);
        eth_header hg, hb;
        header_init(&hg);
        header_init(&hb);
        uint8_t gh[32], bh[32], claimed[32], oh[32], og[32];
        if (good && bad && other) {
            CHECK_EQ_INT(header_from_json(&hg, good, NULL), ZK_OK);
            CHECK_EQ_INT(header_from_json(&hb, bad, NULL), ZK_OK);
            CHECK_EQ_INT(bft_block_hash(gh, BFT_QBFT, &hg, NULL), ZK_OK);
            CHECK_EQ_INT(bft_block_hash(bh, BFT_QBFT, &hb, NULL), ZK_OK);
            CHECK_EQ_INT(json_get_data_fixed(claimed, 32, bad, "hash", NULL), ZK_OK);
            CHECK_MEM(bh, claimed, 32);     /* the hash is consistent ... */
            CHECK(memcmp(gh, bh, 32) != 0); /* ... and another block's */
            CHECK(memcmp(hg.state_root, hb.state_root, 32) != 0);
            CHECK_MEM(hg.parent_hash, hb.parent_hash, 32);
            CHECK_EQ_INT(json_get_data_fixed(oh, 32, other, "hash", NULL), ZK_OK);
            json_t *o2 = NULL;
            CHECK_EQ_INT(
                rpc_eth_get_block_by_number(sealer_client(), &o2, rpc_block_at(2), false, NULL),
                ZK_OK);
            if (o2) CHECK_EQ_INT(json_get_data_fixed(og, 32, o2, "hash", NULL), ZK_OK);
            CHECK_MEM(oh, og, 32);
            json_decref(o2);
            /* Seals: the plain variant keeps the old seals, which sign the old
             * hash; the re-sealed one has a quorum of the devnet set. */
            valset trusted;
            bft_extra *x = malloc(sizeof(*x));
            CHECK(x && bft_extra_decode(x, BFT_QBFT, hg.extra_data, hg.extra_len, NULL) == ZK_OK);
            if (x)
                CHECK_EQ_INT(valset_from_list(&trusted, (const uint8_t(*)[20])x->validators,
                                              x->n_validators, NULL),
                             ZK_OK);
            secp256k1_context *ctx = ecdsa_context_new(NULL);
            bft_result res;
            zk_errbuf err = {{0}, 0};
            CHECK_EQ_INT(bft_verify_header(&res, ctx, BFT_QBFT, &hg, &trusted, NULL), ZK_OK);
            int vrc = bft_verify_header(&res, ctx, BFT_QBFT, &hb, &trusted, &err);
            if (reseal)
                CHECK_MSG(vrc == ZK_OK, "re-sealed block: %s", err.msg);
            else
                CHECK_MSG(vrc == ZK_ERR_REJECTED, "old seals over a new hash: rc %d", vrc);
            ecdsa_context_free(ctx);
            free(x);
        }
        header_clear(&hg);
        header_clear(&hb);
        json_decref(good);
        json_decref(bad);
        json_decref(other);
        rpc_client_free(c);
        char *log = fp_stop(&p);
        CHECK_EQ_INT(fp_injected(log, 1), 1);
        free(log);
        CASE_END();
    }
}

/* Runs the command to completion; returns the exit status and its stderr. */
static int run_cmd(const char *const *args, char **err_text)
{
    const char *log = th_tmp_path("cmd.err");
    char path[512];
    snprintf(path, sizeof(path), "%s", log);
    const char *argv[16] = {"zkrelay-devnet"};
    size_t n = 1;
    for (size_t i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fp_spawn(argv, path);
    int status = -1;
    if (pid > 0) waitpid(pid, &status, 0);
    *err_text = th_read_text(path);
    if (!*err_text) *err_text = calloc(1, 1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(cli)
{
    static const struct {
        const char *name;
        const char *args[8];
        int want;
        const char *msg;
    } cases[] = {
        {"--help", {"faultproxy", "--help", NULL}, 0, ""},
        {"no --upstream", {"faultproxy", "--listen", "127.0.0.1:0", NULL}, 2, "required"},
        {"unknown fault",
         {"faultproxy", "--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--fault",
          "explode"},
         2,
         "unknown fault 'explode'"},
        {"key of another kind",
         {"faultproxy", "--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--fault",
          "drop,ms=5"},
         2,
         "not a valid key"},
        {"status out of range",
         {"faultproxy", "--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--fault",
          "http,status=200"},
         2,
         "status=200"},
        {"to below from",
         {"faultproxy", "--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--fault",
          "drop,from=5,to=2"},
         2,
         "below from"},
        {"chainid on another method",
         {"faultproxy", "--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--fault",
          "chainid,method=eth_call"},
         2,
         "eth_chainId only"},
        {"not an upstream URL",
         {"faultproxy", "--upstream", "ftp://x", "--listen", "127.0.0.1:0", NULL},
         1,
         "URL"},
        {"bad listen",
         {"faultproxy", "--upstream", "http://127.0.0.1:1", "--listen", "nowhere", NULL},
         2,
         "HOST:PORT"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CASE_BEGIN("cli: %s", cases[i].name);
        char *e = NULL;
        int st = run_cmd(cases[i].args, &e);
        CHECK_MSG(st == cases[i].want, "exit %d, want %d (%s)", st, cases[i].want, e);
        CHECK_MSG(strstr(e, cases[i].msg) != NULL, "stderr '%s' lacks '%s'", e, cases[i].msg);
        free(e);
        CASE_END();
    }
    CASE_BEGIN("cli: a bad schedule line is named by file:line");
    const char *sched = th_tmp_path("bad.sched");
    static const char text[] = "# fine\ndrop,from=1,to=1\nhttp,status=503,when=later\n";
    CHECK(th_write_file(sched, text, sizeof(text) - 1));
    const char *args[] = {"faultproxy", "--upstream",  "http://127.0.0.1:1",
                          "--listen",   "127.0.0.1:0", "--schedule",
                          sched,        NULL};
    char *e = NULL;
    CHECK_EQ_INT(run_cmd(args, &e), 2);
    CHECK_MSG(strstr(e, "bad.sched:3") && strstr(e, "when=later"), "stderr '%s'", e);
    free(e);
    CASE_END();
}

TEST_MAIN({
    if (rpc_global_init() != ZK_OK) return 1;
    if (test_anvil_start(&anvil, 5000) && fp_sealer_start(&sealer, anvil.url)) {
        RUN(transient_faults_are_retried);
        RUN(persistent_faults_are_clear_errors);
        RUN(garbled_and_truncated_json);
        RUN(bending_faults);
    }
    free(fp_stop(&sealer));
    rpc_client_free(sealer_c);
    test_anvil_stop(&anvil);
    RUN(cli);
    rpc_global_cleanup();
})
