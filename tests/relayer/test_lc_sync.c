/* lc_sync end to end against a fake JSON-RPC node (fake_rpc.h) serving
 * generated chains: 1,200 QBFT headers with three rotations synced in batches
 * with a restart, a node lying about a hash, a forged header, the wrong chain,
 * equivocation at a synced height, skip mode, the "finalized" tag, transient
 * HTTP failures, and a Clique chain under the finality window. */
#include "harness.h"

#include <dirent.h>
#include <unistd.h>

#include "chaingen.h"
#include "fake_rpc.h"
#include "lightclient/lc.h"
#include "relayer/lc_sync.h"

#define CHAIN_ID 1337

static secp256k1_context *ctx;
static chaingen chain; /* the QBFT chain every BFT test syncs */
static json_t *blocks; /* its eth_getBlockByNumber objects */
static fake_rpc node;  /* serves blocks */
static bool node_up;

static bool msg_has(const zk_errbuf *e, const char *what)
{
    if (strstr(e->msg, what)) return true;
    fprintf(stderr, "    message was: %s\n", e->msg);
    return false;
}

/* A fresh store for g's genesis in dir (removed first), opened. */
static lc_client *fresh_lc(const chaingen *g, const char *dir)
{
    th_rm_tree(dir);
    json_t *cpj = chaingen_checkpoint_json(g, CHAIN_ID);
    lc_checkpoint_file cpf;
    zk_errbuf err = {{0}, 0};
    lc_client *lc = NULL;
    CHECK_MSG(lc_checkpoint_from_json(&cpf, cpj, &err) == ZK_OK, "checkpoint: %s", err.msg);
    CHECK_MSG(lc_init(ctx, dir, &cpf, &err) == ZK_OK, "init: %s", err.msg);
    lc_checkpoint_file_clear(&cpf);
    json_decref(cpj);
    CHECK_MSG(lc_open(&lc, ctx, dir, &err) == ZK_OK, "open: %s", err.msg);
    return lc;
}

static rpc_client *client_for(const fake_rpc *s)
{
    rpc_options o = rpc_options_default();
    o.timeout_ms = 5000;
    o.max_retries = 3;
    o.backoff_initial_ms = 10;
    o.backoff_max_ms = 50;
    zk_errbuf err = {{0}, 0};
    rpc_client *c = rpc_client_new(s->url, &o, &err);
    CHECK_MSG(c != NULL, "rpc client: %s", err.msg);
    return c;
}

/* The eth_getBlockByNumber objects of g, each with its chain hash. */
static json_t *chain_blocks(const chaingen *g)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < g->n; i++) {
        uint8_t hash[32];
        json_t *o = NULL;
        CHECK_EQ_INT(chaingen_hash(g, hash, &g->h[i]), ZK_OK);
        CHECK_EQ_INT(header_to_json(&o, &g->h[i], hash), ZK_OK);
        json_array_append_new(arr, o);
    }
    return arr;
}

/* The block object of a header with its own (consistent) hash. */
static json_t *block_json(const chaingen *g, const eth_header *h)
{
    uint8_t hash[32];
    json_t *o = NULL;
    CHECK_EQ_INT(chaingen_hash(g, hash, h), ZK_OK);
    CHECK_EQ_INT(header_to_json(&o, h, hash), ZK_OK);
    return o;
}

/* A copy of header i re-sealed by keys (timestamp moved by dts). */
static void reseal(const chaingen *g, eth_header *out, size_t i, const size_t *keys, size_t nk,
                   uint64_t dts)
{
    const eth_header *h = &g->h[i];
    bft_extra *x = malloc(sizeof(*x));
    CHECK_EQ_INT(bft_extra_decode(x, BFT_QBFT, h->extra_data, h->extra_len, NULL), ZK_OK);
    *out = *h;
    out->extra_data = malloc(h->extra_len);
    memcpy(out->extra_data, h->extra_data, h->extra_len);
    out->timestamp += dts;
    uint8_t sk[CHAINGEN_KEYS][32];
    for (size_t k = 0; k < nk; k++)
        memcpy(sk[k], g->keys[keys[k]], 32);
    CHECK_EQ_INT(bft_seal_header(out, g->ctx, BFT_QBFT, x, (const uint8_t(*)[32])sk, nk, NULL),
                 ZK_OK);
    free(x);
}

static uint64_t head_of(lc_client *lc)
{
    lc_stored_header h;
    if (lc_store_head(lc_client_store(lc), &h, NULL) != ZK_OK) return UINT64_MAX;
    return h.number;
}

typedef struct progress_log {
    int calls;
    uint64_t last_done, last_total;
    bool monotonic;
} progress_log;

static void on_progress(void *arg, uint64_t done, uint64_t total, double rate)
{
    progress_log *p = arg;
    if (done < p->last_done || done > total || rate < 0) p->monotonic = false;
    p->calls++;
    p->last_done = done;
    p->last_total = total;
}

/* 1,200 headers: validators 0..4, add 5 (vote at 300), drop 1 (vote at 700),
 * add 6 (vote at 1000); each change takes effect one block after the vote. */
static void build_rotating(chaingen *g, size_t len)
{
    CHECK_EQ_INT(chaingen_init(g, LC_QBFT, 5, 42, 0), ZK_OK);
    for (uint64_t n = 1; n <= len; n++) {
        int key = -1;
        bool add = true;
        if (n == 300) key = 5;
        if (n == 700) key = 1, add = false;
        if (n == 1000) key = 6;
        CHECK_EQ_INT(chaingen_bft_next(g, key, add, 0), ZK_OK);
    }
}

TEST(node_starts)
{
    CHECK_MSG(node_up, "the fake node did not start");
    CHECK(strncmp(node.url, "http://127.0.0.1:", 17) == 0);
}

TEST(sync_1200_in_batches_with_restart)
{
    const char *dir = th_tmp_path("sync1200");
    lc_client *lc = fresh_lc(&chain, dir);
    rpc_client *rpc = client_for(&node);
    if (!lc || !rpc) goto out;
    zk_errbuf err = {{0}, 0};
    lc_sync_report r;
    progress_log pl = {0, 0, 0, true};
    lc_sync_options o = {.to = 600, .batch = 128, .progress = on_progress, .progress_arg = &pl};
    int rc = lc_sync(lc, rpc, &o, &r, &err);
    CHECK_MSG(rc == ZK_OK, "sync to 600: %s", err.msg);
    CHECK_EQ_INT(r.from, 1);
    CHECK_EQ_INT(r.to, 600);
    CHECK_EQ_INT(r.submitted, 600);
    CHECK_EQ_INT(r.accepted, 600);
    CHECK_EQ_INT(r.pending, 0);
    CHECK_EQ_INT(r.rotations, 1); /* 301 */
    CHECK_EQ_INT(r.head_number, 600);
    uint8_t want[32];
    CHECK_EQ_INT(chaingen_hash(&chain, want, &chain.h[600]), ZK_OK);
    CHECK_MEM(r.head_hash, want, 32);
    CHECK_EQ_INT(pl.calls, 5); /* ceil(600 / 128) batches */
    CHECK_EQ_INT(pl.last_done, 600);
    CHECK_EQ_INT(pl.last_total, 600);
    CHECK(pl.monotonic);

    /* Restart: a new handle resumes from the stored head, to the node's latest. */
    lc_close(lc);
    lc = NULL;
    CHECK_EQ_INT(lc_open(&lc, ctx, dir, &err), ZK_OK);
    if (!lc) goto out;
    lc_sync_options o2 = {.batch = 100};
    rc = lc_sync(lc, rpc, &o2, &r, &err);
    CHECK_MSG(rc == ZK_OK, "sync to latest: %s", err.msg);
    CHECK_EQ_INT(r.from, 601);
    CHECK_EQ_INT(r.to, 1200);
    CHECK_EQ_INT(r.submitted, 600);
    CHECK_EQ_INT(r.rotations, 2); /* 701, 1001 */
    CHECK_EQ_INT(r.head_number, 1200);
    CHECK_EQ_INT(chaingen_hash(&chain, want, &chain.h[1200]), ZK_OK);
    CHECK_MEM(r.head_hash, want, 32);
    fprintf(stderr, "  sync: %llu headers in %.3f s (%.0f headers/s, batch 100, 5-6 seals)\n",
            (unsigned long long)r.submitted, r.seconds,
            r.seconds > 0 ? (double)r.submitted / r.seconds : 0.0);
    /* Every header stored with its roots. */
    for (uint64_t n = 1; n <= 1200; n += 37) {
        lc_stored_header h;
        CHECK_EQ_INT(lc_store_get_header(lc_client_store(lc), &h, n, NULL), ZK_OK);
        CHECK_MEM(h.receipts_root, chain.h[n].receipts_root, 32);
    }

    /* Nothing to do at the head. */
    rc = lc_sync(lc, rpc, NULL, &r, &err);
    CHECK_EQ_INT(rc, ZK_OK);
    CHECK_EQ_INT(r.submitted, 0);
    CHECK_EQ_INT(r.head_number, 1200);

    /* A target the node does not have: the missing block is named. */
    lc_sync_options o3 = {.to = 1300};
    rc = lc_sync(lc, rpc, &o3, &r, &err);
    CHECK_EQ_INT(rc, ZK_ERR_NOTFOUND);
    CHECK(msg_has(&err, "block 1201"));
    CHECK_EQ_INT(head_of(lc), 1200);

    /* A batch above RPC_BATCH_MAX is a usage error. */
    lc_sync_options o4 = {.batch = RPC_BATCH_MAX + 1};
    CHECK_EQ_INT(lc_sync(lc, rpc, &o4, &r, &err), ZK_ERR_USAGE);
out:
    rpc_client_free(rpc);
    lc_close(lc);
    th_rm_tree(dir);
}

TEST(lying_hash_named)
{
    const char *dir = th_tmp_path("lying");
    lc_client *lc = fresh_lc(&chain, dir);
    rpc_client *rpc = client_for(&node);
    if (!lc || !rpc) goto out;
    zk_errbuf err = {{0}, 0};
    lc_sync_report r;
    fake_rpc_wrong_hash(&node, 250, true);
    lc_sync_options o = {.to = 300, .batch = 64};
    CHECK_EQ_INT(lc_sync(lc, rpc, &o, &r, &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "block 250"));
    CHECK(msg_has(&err, "hash"));
    /* The headers before it in its batch were verified and kept. */
    CHECK_EQ_INT(head_of(lc), 249);
    CHECK_EQ_INT(r.head_number, 249);
    CHECK_EQ_INT(r.submitted, 249);
    fake_rpc_wrong_hash(&node, 250, false);
    CHECK_EQ_INT(lc_sync(lc, rpc, &o, &r, &err), ZK_OK);
    CHECK_EQ_INT(head_of(lc), 300);

    /* A node answering with another block than the one asked for. */
    json_t *other = json_deep_copy(json_array_get(blocks, 302));
    fake_rpc_forge(&node, 301, other);
    json_decref(other);
    lc_sync_options o2 = {.to = 310};
    CHECK_EQ_INT(lc_sync(lc, rpc, &o2, &r, &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "block 301"));
    CHECK_EQ_INT(head_of(lc), 300);
    fake_rpc_forge(&node, 0, NULL);
out:
    rpc_client_free(rpc);
    lc_close(lc);
    th_rm_tree(dir);
}

TEST(forged_header_rejected_with_rule)
{
    const char *dir = th_tmp_path("forged");
    lc_client *lc = fresh_lc(&chain, dir);
    rpc_client *rpc = client_for(&node);
    if (!lc || !rpc) goto out;
    zk_errbuf err = {{0}, 0};
    lc_sync_report r;
    /* Block 150 re-sealed by four keys outside the set, served with its own
     * consistent hash: only the seals give it away. */
    static const size_t outsiders[] = {9, 10, 11, 12};
    eth_header bad;
    reseal(&chain, &bad, 150, outsiders, 4, 0);
    json_t *bj = block_json(&chain, &bad);
    fake_rpc_forge(&node, 150, bj);
    json_decref(bj);
    header_clear(&bad);
    lc_sync_options o = {.to = 200, .batch = 50};
    CHECK_EQ_INT(lc_sync(lc, rpc, &o, &r, &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "header 150"));
    CHECK(msg_has(&err, "non-validator"));
    CHECK_EQ_INT(head_of(lc), 149);
    CHECK_EQ_INT(r.head_number, 149);

    /* One seal short of quorum (5 validators need 4). */
    static const size_t three[] = {0, 2, 3};
    reseal(&chain, &bad, 150, three, 3, 0);
    bj = block_json(&chain, &bad);
    fake_rpc_forge(&node, 150, bj);
    json_decref(bj);
    header_clear(&bad);
    CHECK_EQ_INT(lc_sync(lc, rpc, &o, &r, &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "quorum"));
    CHECK_EQ_INT(head_of(lc), 149);
    fake_rpc_forge(&node, 0, NULL);
out:
    rpc_client_free(rpc);
    lc_close(lc);
    th_rm_tree(dir);
}

TEST(wrong_chain_refused_first)
{
    const char *dir = th_tmp_path("chainid");
    lc_client *lc = fresh_lc(&chain, dir);
    rpc_client *rpc = client_for(&node);
    if (!lc || !rpc) goto out;
    zk_errbuf err = {{0}, 0};
    lc_sync_report r;
    fake_rpc_set_chain_id(&node, 1);
    unsigned long before = fake_rpc_block_requests(&node);
    CHECK_EQ_INT(lc_sync(lc, rpc, NULL, &r, &err), ZK_ERR_MISMATCH);
    CHECK(msg_has(&err, "chain"));
    CHECK_EQ_INT(fake_rpc_block_requests(&node), before);
    CHECK_EQ_INT(head_of(lc), 0);
    fake_rpc_set_chain_id(&node, CHAIN_ID);
out:
    rpc_client_free(rpc);
    lc_close(lc);
    th_rm_tree(dir);
}

TEST(equivocation_alarm_on_second_sync)
{
    const char *dir = th_tmp_path("equiv");
    lc_client *lc = fresh_lc(&chain, dir);
    rpc_client *rpc = client_for(&node);
    if (!lc || !rpc) goto out;
    zk_errbuf err = {{0}, 0};
    lc_sync_report r;
    lc_sync_options o = {.to = 400};
    CHECK_MSG(lc_sync(lc, rpc, &o, &r, &err) == ZK_OK, "%s", err.msg);
    CHECK_EQ_INT(head_of(lc), 400);
    /* The node now serves another block 400 sealed by a quorum of the set
     * {0,2,3,4,5} plus 1 (six validators since 301, quorum 4). */
    static const size_t quorum[] = {0, 2, 3, 5};
    eth_header twin;
    reseal(&chain, &twin, 400, quorum, 4, 1);
    json_t *bj = block_json(&chain, &twin);
    fake_rpc_forge(&node, 400, bj);
    json_decref(bj);
    header_clear(&twin);
    lc_sync_options o2 = {.to = 450};
    CHECK_EQ_INT(lc_sync(lc, rpc, &o2, &r, &err), ZK_ERR_MISMATCH);
    CHECK(msg_has(&err, "EQUIVOCATION"));
    bool frozen = false;
    uint64_t at = 0;
    CHECK_EQ_INT(lc_store_frozen(lc_client_store(lc), &frozen, &at, NULL), ZK_OK);
    CHECK(frozen);
    CHECK_EQ_INT(at, 400);
    CHECK_EQ_INT(head_of(lc), 400);
    /* Frozen: even the honest chain is refused until an operator acts. */
    fake_rpc_forge(&node, 0, NULL);
    CHECK_EQ_INT(lc_sync(lc, rpc, &o2, &r, &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "frozen"));
    CHECK_EQ_INT(lc_unfreeze(lc, &err), ZK_OK);
    CHECK_MSG(lc_sync(lc, rpc, &o2, &r, &err) == ZK_OK, "%s", err.msg);
    CHECK_EQ_INT(head_of(lc), 450);
out:
    rpc_client_free(rpc);
    lc_close(lc);
    th_rm_tree(dir);
}

TEST(skip_mode)
{
    const char *dir = th_tmp_path("skip");
    lc_client *lc = fresh_lc(&chain, dir);
    rpc_client *rpc = client_for(&node);
    if (!lc || !rpc) goto out;
    zk_errbuf err = {{0}, 0};
    lc_sync_report r;
    /* Same set from genesis to 250: one header, verified directly. */
    unsigned long before = fake_rpc_block_requests(&node);
    lc_sync_options o = {.to = 250, .skip = true};
    CHECK_MSG(lc_sync(lc, rpc, &o, &r, &err) == ZK_OK, "%s", err.msg);
    CHECK(r.skipped);
    CHECK_EQ_INT(r.submitted, 1);
    CHECK_EQ_INT(r.accepted, 1);
    CHECK_EQ_INT(r.head_number, 250);
    CHECK_EQ_INT(fake_rpc_block_requests(&node) - before, 1);
    /* Across the rotation at 301: refused as a skip, synced header by header. */
    lc_sync_options o2 = {.to = 350, .skip = true, .batch = 40};
    CHECK_MSG(lc_sync(lc, rpc, &o2, &r, &err) == ZK_OK, "%s", err.msg);
    CHECK(!r.skipped);
    CHECK_EQ_INT(r.submitted, 100);
    CHECK_EQ_INT(r.rotations, 1);
    CHECK_EQ_INT(r.head_number, 350);
    /* A forged far target is refused as a skip, then by the sequential sync. */
    static const size_t outsiders[] = {9, 10, 11, 12};
    eth_header bad;
    reseal(&chain, &bad, 380, outsiders, 4, 0);
    json_t *bj = block_json(&chain, &bad);
    fake_rpc_forge(&node, 380, bj);
    json_decref(bj);
    header_clear(&bad);
    lc_sync_options o3 = {.to = 380, .skip = true};
    CHECK_EQ_INT(lc_sync(lc, rpc, &o3, &r, &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "non-validator"));
    CHECK_EQ_INT(head_of(lc), 379);
    fake_rpc_forge(&node, 0, NULL);
out:
    rpc_client_free(rpc);
    lc_close(lc);
    th_rm_tree(dir);
}

TEST(finalized_tag_and_transient_failures)
{
    const char *dir = th_tmp_path("final");
    lc_client *lc = fresh_lc(&chain, dir);
    rpc_client *rpc = client_for(&node);
    if (!lc || !rpc) goto out;
    zk_errbuf err = {{0}, 0};
    lc_sync_report r;
    fake_rpc_set_finalized(&node, 150);
    fake_rpc_fail_next(&node, 2); /* two 503s: retried by the client */
    lc_sync_options o = {.use_finalized = true, .batch = 64};
    CHECK_MSG(lc_sync(lc, rpc, &o, &r, &err) == ZK_OK, "%s", err.msg);
    CHECK_EQ_INT(r.to, 150);
    CHECK_EQ_INT(r.head_number, 150);
    rpc_stats st;
    rpc_client_stats(rpc, &st);
    CHECK(st.retries >= 2);
    /* A node that keeps failing: the transport error survives the retries. */
    fake_rpc_fail_next(&node, 100);
    lc_sync_options o2 = {.to = 200};
    CHECK_EQ_INT(lc_sync(lc, rpc, &o2, &r, &err), ZK_ERR_TRANSPORT);
    CHECK_EQ_INT(head_of(lc), 150);
    fake_rpc_fail_next(&node, 0);
    fake_rpc_set_finalized(&node, chain.n - 1);
out:
    rpc_client_free(rpc);
    lc_close(lc);
    th_rm_tree(dir);
}

TEST(clique_chain_with_finality)
{
    chaingen g;
    CHECK_EQ_INT(chaingen_init(&g, LC_CLIQUE, 4, 7, 100), ZK_OK);
    for (int i = 0; i < 250; i++)
        CHECK_EQ_INT(chaingen_clique_next(&g), ZK_OK);
    json_t *cb = chain_blocks(&g);
    fake_rpc cnode;
    CHECK_EQ_INT(fake_rpc_start(&cnode, cb, CHAIN_ID), 0);
    const char *dir = th_tmp_path("clique");
    lc_client *lc = fresh_lc(&g, dir);
    rpc_client *rpc = client_for(&cnode);
    zk_errbuf err = {{0}, 0};
    lc_sync_report r;
    if (!lc || !rpc) goto out;
    fake_rpc_set_latest(&cnode, 200);
    /* skip is ignored for Clique: it has no finality to skip with. */
    lc_sync_options o = {.batch = 30, .skip = true};
    CHECK_MSG(lc_sync(lc, rpc, &o, &r, &err) == ZK_OK, "%s", err.msg);
    CHECK_EQ_INT(r.to, 200);
    CHECK_EQ_INT(r.submitted, 200);
    /* 3 distinct signers of 4 (> 2) seal every 3 consecutive blocks: a header
     * is final once its 3 descendants exist. */
    CHECK_EQ_INT(r.head_number, 197);
    CHECK_EQ_INT(r.accepted, 197);
    CHECK_EQ_INT(r.pending, 3);
    CHECK(!r.skipped);
    /* The chain grows; the pending headers are met again and known. */
    fake_rpc_set_latest(&cnode, 250);
    CHECK_MSG(lc_sync(lc, rpc, &o, &r, &err) == ZK_OK, "%s", err.msg);
    CHECK_EQ_INT(r.from, 198);
    CHECK_EQ_INT(r.head_number, 247);
    CHECK_EQ_INT(r.pending, 3);
    uint8_t want[32];
    CHECK_EQ_INT(header_hash(want, &g.h[247]), ZK_OK);
    CHECK_MEM(r.head_hash, want, 32);
    /* A forged Clique seal is refused with the Clique rule. */
    eth_header bad = g.h[200];
    bad.extra_data = malloc(g.h[200].extra_len);
    memcpy(bad.extra_data, g.h[200].extra_data, g.h[200].extra_len);
    bad.extra_data[bad.extra_len - 10] ^= 1;
    json_t *bj = block_json(&g, &bad);
    header_clear(&bad);
    fake_rpc_forge(&cnode, 248, bj); /* at the head: the anchor check meets it */
    json_decref(bj);
    CHECK(lc_sync(lc, rpc, &o, &r, &err) != ZK_OK);
    CHECK(msg_has(&err, "248"));
out:
    rpc_client_free(rpc);
    lc_close(lc);
    th_rm_tree(dir);
    fake_rpc_stop(&cnode);
    json_decref(cb);
    chaingen_free(&g);
}

int main(void)
{
    zk_errbuf err;
    ctx = ecdsa_context_new(&err);
    if (rpc_global_init() != ZK_OK) {
        fprintf(stderr, "rpc_global_init failed\n");
        return 1;
    }
    build_rotating(&chain, 1200);
    blocks = chain_blocks(&chain);
    node_up = fake_rpc_start(&node, blocks, CHAIN_ID) == 0;
    RUN(node_starts);
    if (node_up) {
        RUN(sync_1200_in_batches_with_restart);
        RUN(lying_hash_named);
        RUN(forged_header_rejected_with_rule);
        RUN(wrong_chain_refused_first);
        RUN(equivocation_alarm_on_second_sync);
        RUN(skip_mode);
        RUN(finalized_tag_and_transient_failures);
        RUN(clique_chain_with_finality);
    }
    fake_rpc_stop(&node);
    json_decref(blocks);
    chaingen_free(&chain);
    ecdsa_context_free(ctx);
    rpc_global_cleanup();
    return th_finish(__FILE__);
}
