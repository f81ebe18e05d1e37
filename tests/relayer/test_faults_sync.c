/* lc_sync (relayer/lc_sync.h) through `zkrelay-devnet faultproxy` in front of
 * the QBFT devnet sealer and a real anvil (issue 8, faults):
 *   - transient faults (5xx, 429, drops, a delay over the timeout) are retried
 *     and the sync ends at the same verified head as a sync without faults;
 *   - garbled or truncated JSON stops the sync with a clear error, keeps what
 *     was verified, and a later sync resumes to the same head;
 *   - a wrong chain id is refused before any header is fetched;
 *   - an older head (eth_blockNumber going back) never rolls the client back;
 *   - a different block at a verified height is refused and the stored hash
 *     wins; one at a new height is refused and nothing past it is stored;
 *   - a different block at a verified height carrying a valid quorum (re-sealed
 *     with the public devnet keys) is equivocation: the alarm, evidence, frozen.
 * Each case checks the error the operator would read. */
#include "harness.h"

#include "lightclient/ecdsa.h"
#include "lightclient/header.h"
#include "lightclient/lc.h"
#include "relayer/faultproxy_env.h"
#include "relayer/lc_sync.h"
#include "relayer/rpc.h"

#define N_BLOCKS 12

static test_anvil anvil;
static fp_proc sealer;
static rpc_client *direct; /* the sealer without a proxy */
static secp256k1_context *ctx;
static json_t *checkpoint;
static uint64_t ref_head;
static uint8_t ref_hash[32];

/* A fresh light client for name, initialised from the sealer's checkpoint. */
static lc_client *lc_fresh(const char *name)
{
    const char *dir = th_tmp_path(name);
    char path[512];
    snprintf(path, sizeof(path), "%s", dir);
    th_rm_tree(path);
    lc_checkpoint_file cpf;
    zk_errbuf err = {{0}, 0};
    lc_client *lc = NULL;
    if (lc_checkpoint_from_json(&cpf, checkpoint, &err) != ZK_OK) {
        CHECK_MSG(false, "checkpoint: %s", err.msg);
        return NULL;
    }
    int rc = lc_init(ctx, path, &cpf, &err);
    lc_checkpoint_file_clear(&cpf);
    if (rc == ZK_OK) rc = lc_open(&lc, ctx, path, &err);
    CHECK_MSG(rc == ZK_OK, "lc init/open: %s", err.msg);
    return lc;
}

static lc_client *lc_reopen(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s", th_tmp_path(name));
    lc_client *lc = NULL;
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(lc_open(&lc, ctx, path, &err) == ZK_OK, "lc_open: %s", err.msg);
    return lc;
}

static void head_of(lc_client *lc, uint64_t *number, uint8_t hash[32])
{
    lc_stored_header h;
    memset(&h, 0, sizeof(h));
    CHECK_EQ_INT(lc_store_head(lc_client_store(lc), &h, NULL), ZK_OK);
    *number = h.number;
    memcpy(hash, h.hash, 32);
}

/* Syncs lc through url with batch headers per request; returns lc_sync's code. */
static int sync_via(lc_client *lc, const char *url, size_t batch, uint64_t to, zk_errbuf *err)
{
    rpc_client *c = fp_client(url, 600, 5);
    if (!c) return -1;
    lc_sync_options o = {0};
    o.batch = batch;
    o.to = to;
    lc_sync_report rep;
    int rc = lc_sync(lc, c, &o, &rep, err);
    rpc_client_free(c);
    return rc;
}

TEST(baseline_without_faults)
{
    CASE_BEGIN("direct sync to the sealer's head");
    lc_client *lc = lc_fresh("ref");
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(lc && sync_via(lc, sealer.url, 4, 0, &err) == ZK_OK, "lc_sync: %s", err.msg);
    if (lc) head_of(lc, &ref_head, ref_hash);
    CHECK_MSG(ref_head >= N_BLOCKS, "head %llu", (unsigned long long)ref_head);
    lc_close(lc);
    CASE_END();
}

TEST(transient_faults_end_at_the_same_head)
{
    CASE_BEGIN("503, drop, 429, slow, 500 on a batch: same verified head");
    const char *faults[] = {"http,status=503,from=1,to=1",
                            "drop,from=2,to=2",
                            "http,status=429,from=4,to=4",
                            "delay,ms=1200,from=6,to=6",
                            "http,status=500,method=eth_getBlockByNumber,from=2,to=2",
                            "drop,method=eth_getBlockByNumber,from=4,to=4",
                            NULL};
    fp_proc p;
    lc_client *lc = lc_fresh("transient");
    if (lc && fp_proxy_start(&p, sealer.url, NULL, faults)) {
        rpc_client *c = fp_client(p.url, 600, 5);
        lc_sync_options o = {0};
        o.batch = 4;
        o.to = ref_head;
        lc_sync_report rep;
        zk_errbuf err = {{0}, 0};
        CHECK_MSG(c && lc_sync(lc, c, &o, &rep, &err) == ZK_OK, "lc_sync: %s", err.msg);
        uint64_t n = 0;
        uint8_t h[32];
        head_of(lc, &n, h);
        CHECK_EQ_INT(n, ref_head);
        CHECK_MEM(h, ref_hash, 32);
        CHECK_EQ_INT(rep.head_number, ref_head);
        rpc_stats st;
        if (c) rpc_client_stats(c, &st);
        CHECK_MSG(c && st.retries >= 6, "retries %llu", (unsigned long long)st.retries);
        rpc_client_free(c);
        char *log = fp_stop(&p);
        for (unsigned r = 1; r <= 6; r++)
            CHECK_MSG(fp_injected(log, r) == 1, "rule %u injected %ld", r, fp_injected(log, r));
        free(log);
    }
    lc_close(lc);
    CASE_END();
}

TEST(garbled_and_truncated_stop_then_resume)
{
    static const char *const faults[] = {"garble,method=eth_getBlockByNumber,from=2,to=2",
                                         "truncate,method=eth_getBlockByNumber,from=4,to=4"};
    lc_client *lc = lc_fresh("garbled");
    fp_proc p;
    const char *f[] = {faults[0], faults[1], NULL};
    if (!lc || !fp_proxy_start(&p, sealer.url, NULL, f)) {
        lc_close(lc);
        return;
    }
    uint64_t n = 0;
    uint8_t h[32];
    for (int round = 0; round < 2; round++) {
        CASE_BEGIN("%s batch: ZK_ERR_MALFORMED naming the blocks; what was verified kept",
                   round ? "truncated" : "garbled");
        zk_errbuf err = {{0}, 0};
        int rc = sync_via(lc, p.url, 4, ref_head, &err);
        CHECK_MSG(rc == ZK_ERR_MALFORMED, "rc %d (%s)", rc, err.msg);
        CHECK_MSG(strstr(err.msg, "fetching blocks 5..8") != NULL, "message '%s'", err.msg);
        head_of(lc, &n, h);
        CHECK_EQ_INT(n, 4); /* the first batch stays verified; nothing of the bad one */
        CASE_END();
    }
    CASE_BEGIN("the next sync resumes to the same head");
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(sync_via(lc, p.url, 4, ref_head, &err) == ZK_OK, "lc_sync: %s", err.msg);
    head_of(lc, &n, h);
    CHECK_EQ_INT(n, ref_head);
    CHECK_MEM(h, ref_hash, 32);
    char *log = fp_stop(&p);
    CHECK_EQ_INT(fp_injected(log, 1), 1);
    CHECK_EQ_INT(fp_injected(log, 2), 1);
    free(log);
    CASE_END();
    lc_close(lc);
}

TEST(wrong_chain_id_is_refused)
{
    CASE_BEGIN("chainid: ZK_ERR_MISMATCH naming the chain, nothing fetched");
    lc_client *lc = lc_fresh("chainid");
    const char *f[] = {"chainid", NULL};
    fp_proc p;
    if (lc && fp_proxy_start(&p, sealer.url, NULL, f)) {
        zk_errbuf err = {{0}, 0};
        int rc = sync_via(lc, p.url, 4, 0, &err);
        CHECK_MSG(rc == ZK_ERR_MISMATCH, "rc %d (%s)", rc, err.msg);
        CHECK_MSG(strstr(err.msg, "serves chain 31338") != NULL, "message '%s'", err.msg);
        uint64_t n = 99;
        uint8_t h[32];
        head_of(lc, &n, h);
        CHECK_EQ_INT(n, 0);
        char *log = fp_stop(&p);
        CHECK_EQ_INT(fp_injected(log, 1), 1);
        free(log);
    }
    lc_close(lc);
    CASE_END();
}

TEST(older_head_does_not_roll_back)
{
    CASE_BEGIN("eth_blockNumber 5 below the head: nothing to do, head kept");
    lc_client *lc = lc_reopen("ref");
    const char *f[] = {"oldhead,back=5,from=2", NULL};
    fp_proc p;
    if (lc && fp_proxy_start(&p, sealer.url, NULL, f)) {
        rpc_client *c = fp_client(p.url, 600, 0);
        uint64_t truth = 0, seen = 0;
        CHECK_EQ_INT(c ? rpc_eth_block_number(c, &truth, NULL) : -1, ZK_OK);
        lc_sync_report rep;
        zk_errbuf err = {{0}, 0};
        CHECK_MSG(c && lc_sync(lc, c, NULL, &rep, &err) == ZK_OK, "lc_sync: %s", err.msg);
        CHECK_EQ_INT(rep.to, truth - 5);
        CHECK_EQ_INT(rep.submitted, 0);
        CHECK_EQ_INT(rep.head_number, ref_head);
        uint64_t n = 0;
        uint8_t h[32];
        head_of(lc, &n, h);
        CHECK_EQ_INT(n, ref_head);
        CHECK_MEM(h, ref_hash, 32);
        CHECK_EQ_INT(c ? rpc_eth_block_number(c, &seen, NULL) : -1, ZK_OK);
        CHECK_EQ_INT(seen, truth - 5);
        rpc_client_free(c);
        char *log = fp_stop(&p);
        CHECK_EQ_INT(fp_injected(log, 1), 2);
        free(log);
    }
    lc_close(lc);
    CASE_END();
}

/* The header at number as served through url. */
static bool fetch_header(eth_header *h, const char *url, uint64_t number)
{
    rpc_client *c = fp_client(url, 2000, 0);
    json_t *b = NULL;
    bool ok = c && rpc_eth_get_block_by_number(c, &b, rpc_block_at(number), false, NULL) == ZK_OK &&
              header_from_json(h, b, NULL) == ZK_OK;
    json_decref(b);
    rpc_client_free(c);
    CHECK_MSG(ok, "block %llu through %s", (unsigned long long)number, url);
    return ok;
}

TEST(different_block_is_refused)
{
    lc_client *lc = lc_reopen("ref");
    if (!lc) return;
    char spec[64];
    snprintf(spec, sizeof(spec), "altblock,block=%llu", (unsigned long long)ref_head);
    const char *f[] = {spec, "altblock,block=5", NULL};
    fp_proc p;
    if (fp_proxy_start(&p, sealer.url, NULL, f)) {
        CASE_BEGIN("at the verified head: ZK_ERR_REJECTED, the stored hash wins");
        zk_errbuf err = {{0}, 0};
        int rc = sync_via(lc, p.url, 4, 0, &err);
        CHECK_MSG(rc == ZK_ERR_REJECTED, "rc %d (%s)", rc, err.msg);
        CHECK_MSG(strstr(err.msg, "conflicts with the stored one") != NULL, "message '%s'",
                  err.msg);
        uint64_t n = 0;
        uint8_t h[32];
        head_of(lc, &n, h);
        CHECK_EQ_INT(n, ref_head);
        CHECK_MEM(h, ref_hash, 32);
        CASE_END();

        CASE_BEGIN("below the head, submitted directly: refused, block 5 unchanged");
        eth_header bad;
        header_init(&bad);
        lc_stored_header before, after;
        CHECK_EQ_INT(lc_store_get_header(lc_client_store(lc), &before, 5, NULL), ZK_OK);
        if (fetch_header(&bad, p.url, 5)) {
            lc_verdict v;
            uint8_t bh[32];
            CHECK_EQ_INT(lc_header_hash(lc, bh, &bad, NULL), ZK_OK);
            CHECK(memcmp(bh, before.hash, 32) != 0);
            CHECK_EQ_INT(lc_submit_header(lc, &v, &bad, &err), ZK_ERR_REJECTED);
        }
        header_clear(&bad);
        CHECK_EQ_INT(lc_store_get_header(lc_client_store(lc), &after, 5, NULL), ZK_OK);
        CHECK_MEM(after.hash, before.hash, 32);
        bool frozen = true;
        uint64_t at = 0;
        CHECK_EQ_INT(lc_store_frozen(lc_client_store(lc), &frozen, &at, NULL), ZK_OK);
        CHECK(!frozen);
        CASE_END();
        free(fp_stop(&p));
    }

    CASE_BEGIN("at a new height: refused, nothing past the block before it");
    fp_mine(&anvil, 3);
    snprintf(spec, sizeof(spec), "altblock,block=%llu", (unsigned long long)ref_head + 2);
    const char *g[] = {spec, NULL};
    if (fp_proxy_start(&p, sealer.url, NULL, g)) {
        zk_errbuf err = {{0}, 0};
        int rc = sync_via(lc, p.url, 1, ref_head + 3, &err);
        CHECK_MSG(rc == ZK_ERR_REJECTED, "rc %d (%s)", rc, err.msg);
        char want[32];
        snprintf(want, sizeof(want), "%llu", (unsigned long long)ref_head + 2);
        CHECK_MSG(strstr(err.msg, want) != NULL, "message '%s' lacks block %s", err.msg, want);
        uint64_t n = 0;
        uint8_t h[32];
        head_of(lc, &n, h);
        CHECK_EQ_INT(n, ref_head + 1);
        free(fp_stop(&p));
    }
    /* Without the fault the same store continues to the real chain. */
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(sync_via(lc, sealer.url, 4, ref_head + 3, &err) == ZK_OK, "lc_sync: %s", err.msg);
    head_of(lc, &ref_head, ref_hash);
    eth_header real;
    header_init(&real);
    uint8_t rh[32];
    if (fetch_header(&real, sealer.url, ref_head)) {
        CHECK_EQ_INT(lc_header_hash(lc, rh, &real, NULL), ZK_OK);
        CHECK_MEM(rh, ref_hash, 32);
    }
    header_clear(&real);
    CASE_END();
    lc_close(lc);
}

TEST(resealed_block_is_equivocation)
{
    CASE_BEGIN("a valid quorum on another block at the head: alarm, evidence, frozen");
    lc_client *lc = lc_reopen("ref");
    char spec[64];
    snprintf(spec, sizeof(spec), "altblock,block=%llu,reseal=1", (unsigned long long)ref_head);
    const char *f[] = {spec, NULL};
    fp_proc p;
    if (lc && fp_proxy_start(&p, sealer.url, NULL, f)) {
        zk_errbuf err = {{0}, 0};
        int rc = sync_via(lc, p.url, 4, 0, &err);
        CHECK_MSG(rc == ZK_ERR_MISMATCH, "rc %d (%s)", rc, err.msg);
        CHECK_MSG(strstr(err.msg, "EQUIVOCATION") != NULL, "message '%s'", err.msg);
        bool frozen = false;
        uint64_t at = 0;
        CHECK_EQ_INT(lc_store_frozen(lc_client_store(lc), &frozen, &at, NULL), ZK_OK);
        CHECK(frozen);
        CHECK_EQ_INT(at, ref_head);
        uint8_t *a = NULL, *b = NULL;
        size_t la = 0, lb = 0;
        CHECK_EQ_INT(lc_store_get_evidence(lc_client_store(lc), ref_head, &a, &la, &b, &lb, NULL),
                     ZK_OK);
        CHECK(la > 0 && lb > 0 && (la != lb || memcmp(a, b, la) != 0));
        free(a);
        free(b);
        uint64_t n = 0;
        uint8_t h[32];
        head_of(lc, &n, h);
        CHECK_EQ_INT(n, ref_head);
        CHECK_MEM(h, ref_hash, 32);
        free(fp_stop(&p));
    }
    CASE_END();
    CASE_BEGIN("frozen: even the honest node is refused until an operator acts");
    if (lc) {
        zk_errbuf err = {{0}, 0};
        fp_mine(&anvil, 1);
        int rc = sync_via(lc, sealer.url, 4, 0, &err);
        CHECK_MSG(rc == ZK_ERR_REJECTED, "rc %d (%s)", rc, err.msg);
        CHECK_MSG(strstr(err.msg, "frozen") != NULL, "message '%s'", err.msg);
        uint64_t n = 0;
        uint8_t h[32];
        head_of(lc, &n, h);
        CHECK_EQ_INT(n, ref_head);
    }
    lc_close(lc);
    CASE_END();
}

TEST_MAIN({
    if (rpc_global_init() != ZK_OK) return 1;
    ctx = ecdsa_context_new(NULL);
    if (ctx && test_anvil_start(&anvil, 5000) && fp_sealer_start(&sealer, anvil.url) &&
        fp_mine(&anvil, N_BLOCKS)) {
        direct = fp_client(sealer.url, 5000, 2);
        zk_errbuf err = {{0}, 0};
        int rc = direct ? rpc_call(direct, &checkpoint, "devnet_checkpoint", NULL, &err) : -1;
        CHECK_MSG(rc == ZK_OK, "devnet_checkpoint: %s", err.msg);
        if (rc == ZK_OK) {
            RUN(baseline_without_faults);
            RUN(transient_faults_end_at_the_same_head);
            RUN(garbled_and_truncated_stop_then_resume);
            RUN(wrong_chain_id_is_refused);
            RUN(older_head_does_not_roll_back);
            RUN(different_block_is_refused);
            RUN(resealed_block_is_equivocation);
        }
    }
    json_decref(checkpoint);
    rpc_client_free(direct);
    free(fp_stop(&sealer));
    test_anvil_stop(&anvil);
    ecdsa_context_free(ctx);
    rpc_global_cleanup();
})
