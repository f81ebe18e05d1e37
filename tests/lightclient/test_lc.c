/* The light client end to end over generated chains: 1,200 QBFT headers with
 * rotations by vote, restarts, skipping, equivocation, a forgery for every rule,
 * IBFT 2.0, and a Clique chain followed under the finality window. */
#include "harness.h"

#include "chaingen.h"
#include "lightclient/lc.h"

static secp256k1_context *ctx;

/* A fresh store initialised from g's genesis checkpoint. */
static const char *fresh_db(const chaingen *g, const char *name)
{
    static char dir[1024];
    snprintf(dir, sizeof(dir), "%s", th_tmp_path(name));
    json_t *cpj = chaingen_checkpoint_json(g, 1337);
    lc_checkpoint_file cpf;
    zk_errbuf err = {0};
    CHECK_MSG(lc_checkpoint_from_json(&cpf, cpj, &err) == ZK_OK, "checkpoint: %s", err.msg);
    CHECK_MSG(lc_init(ctx, dir, &cpf, &err) == ZK_OK, "init: %s", err.msg);
    lc_checkpoint_file_clear(&cpf);
    json_decref(cpj);
    return dir;
}

static lc_client *open_lc(const char *dir)
{
    lc_client *lc = NULL;
    zk_errbuf err = {0};
    CHECK_MSG(lc_open(&lc, ctx, dir, &err) == ZK_OK, "open: %s", err.msg);
    return lc;
}

static bool msg_has(const zk_errbuf *e, const char *what)
{
    if (strstr(e->msg, what)) return true;
    fprintf(stderr, "    message was: %s\n", e->msg);
    return false;
}

/* 1,200 QBFT headers: validators 0..4, then add 5 (vote at 300), drop 1 (vote
 * at 700), add 6 (vote at 1000): each rotation takes effect one block after
 * its deciding vote. */
static void build_rotating(chaingen *g, lc_consensus c, size_t len)
{
    CHECK_EQ_INT(chaingen_init(g, c, 5, 42, 0), ZK_OK);
    for (uint64_t n = 1; n <= len; n++) {
        int key = -1;
        bool add = true;
        if (n == 300) key = 5;
        if (n == 700) key = 1, add = false;
        if (n == 1000) key = 6;
        CHECK_EQ_INT(chaingen_bft_next(g, key, add, 0), ZK_OK);
    }
}

TEST(qbft_sync_1200_with_rotations)
{
    chaingen g;
    build_rotating(&g, LC_QBFT, 1200);
    const char *dir = fresh_db(&g, "qbft");
    lc_client *lc = open_lc(dir);
    if (!lc) return;
    zk_errbuf err = {0};
    lc_verdict v;
    size_t done = 0, rotations = 0;
    /* In batches of 97, with a restart half way. */
    for (size_t i = 1; i < g.n;) {
        size_t n = g.n - i < 97 ? g.n - i : 97;
        int rc = lc_submit_headers(lc, &v, &done, &g.h[i], n, &err);
        CHECK_MSG(rc == ZK_OK, "batch at %zu: %s", i, err.msg);
        if (rc) break;
        CHECK_EQ_INT(done, n);
        i += n;
        if (i > 600 && i - n <= 600) {
            lc_close(lc);
            lc = open_lc(dir);
            if (!lc) return;
        }
    }
    lc_stored_header head;
    CHECK_EQ_INT(lc_store_head(lc_client_store(lc), &head, &err), ZK_OK);
    CHECK_EQ_INT(head.number, 1200);
    uint8_t want[32];
    CHECK_EQ_INT(chaingen_hash(&g, want, &g.h[1200]), ZK_OK);
    CHECK_MEM(head.hash, want, 32);
    /* Every header is stored with its roots; the sets changed three times. */
    for (uint64_t n = 1; n <= 1200; n++) {
        lc_stored_header r;
        if (lc_store_get_header(lc_client_store(lc), &r, n, NULL) != ZK_OK) {
            CHECK_MSG(false, "header %llu missing", (unsigned long long)n);
            break;
        }
        CHECK_MEM(r.receipts_root, g.h[n].receipts_root, 32);
        if (memcmp(r.valset_id, r.next_valset_id, 32) != 0) rotations++;
    }
    CHECK_EQ_INT(rotations, 3);
    /* Submitting a stored header again is a no-op. */
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[500], &err), ZK_OK);
    CHECK_EQ_INT(v.outcome, LC_KNOWN);
    lc_close(lc);
    chaingen_free(&g);
}

TEST(single_submit_and_verdicts)
{
    chaingen g;
    build_rotating(&g, LC_QBFT, 320);
    const char *dir = fresh_db(&g, "single");
    lc_client *lc = open_lc(dir);
    if (!lc) return;
    zk_errbuf err = {0};
    lc_verdict v;
    for (size_t i = 1; i < g.n; i++) {
        int rc = lc_submit_header(lc, &v, &g.h[i], &err);
        CHECK_MSG(rc == ZK_OK, "header %zu: %s", i, err.msg);
        if (rc) break;
        CHECK_EQ_INT(v.outcome, LC_ACCEPTED);
        CHECK_EQ_INT(v.rule, LC_RULE_BFT_QUORUM);
        CHECK_EQ_INT(v.rotated, i == 301);
        CHECK_EQ_INT(v.set_size, i <= 300 ? 5 : 6);
        CHECK_EQ_INT(v.n_signers, v.set_size);
    }
    lc_close(lc);
    chaingen_free(&g);
}

TEST(skipping)
{
    chaingen g;
    build_rotating(&g, LC_QBFT, 400);
    const char *dir = fresh_db(&g, "skip");
    lc_client *lc = open_lc(dir);
    if (!lc) return;
    zk_errbuf err = {0};
    lc_verdict v;
    /* Far header, same set: accepted directly. */
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[250], &err), ZK_OK);
    CHECK(v.skipped);
    /* Across the rotation at 301: refused until the handover is verified. */
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[350], &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "set changed"));
    /* Fill 251..301 one by one (300 carries the vote, 301 the new set). */
    for (size_t i = 251; i <= 301; i++) {
        int rc = lc_submit_header(lc, &v, &g.h[i], &err);
        CHECK_MSG(rc == ZK_OK, "header %zu: %s", i, err.msg);
        if (rc) break;
    }
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[350], &err), ZK_OK);
    CHECK(v.skipped);
    /* The gap below a skip can be filled later. */
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[1], &err), ZK_OK);
    lc_close(lc);
    chaingen_free(&g);
}

/* Replaces header i by a variant and re-seals it with the given keys. */
static void reseal(chaingen *g, eth_header *out, size_t i, const size_t *keys, size_t nk,
                   uint64_t extra_ts)
{
    bft_flavor f = g->consensus == LC_IBFT2 ? BFT_IBFT2 : BFT_QBFT;
    eth_header *h = &g->h[i];
    bft_extra *x = malloc(sizeof(*x));
    CHECK_EQ_INT(bft_extra_decode(x, f, h->extra_data, h->extra_len, NULL), ZK_OK);
    *out = *h;
    out->extra_data = malloc(h->extra_len);
    memcpy(out->extra_data, h->extra_data, h->extra_len);
    out->timestamp += extra_ts;
    uint8_t sk[CHAINGEN_KEYS][32];
    for (size_t k = 0; k < nk; k++)
        memcpy(sk[k], g->keys[keys[k]], 32);
    CHECK_EQ_INT(bft_seal_header(out, g->ctx, f, x, (const uint8_t(*)[32])sk, nk, NULL), ZK_OK);
    free(x);
}

TEST(forgeries_rejected)
{
    chaingen g;
    build_rotating(&g, LC_QBFT, 310);
    const char *dir = fresh_db(&g, "forge");
    lc_client *lc = open_lc(dir);
    if (!lc) return;
    zk_errbuf err = {0};
    lc_verdict v;
    size_t done;
    CHECK_EQ_INT(lc_submit_headers(lc, &v, &done, &g.h[1], 9, &err), ZK_OK);
    eth_header bad;

    CASE_BEGIN("seal by a non-validator");
    static const size_t outsider[] = {0, 1, 2, 9};
    reseal(&g, &bad, 10, outsider, 4, 0);
    CHECK_EQ_INT(lc_submit_header(lc, &v, &bad, &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "non-validator"));
    header_clear(&bad);
    CASE_END();

    CASE_BEGIN("one seal short of quorum");
    static const size_t short_q[] = {0, 1, 2}; /* 5 validators need 4 */
    reseal(&g, &bad, 10, short_q, 3, 0);
    CHECK_EQ_INT(lc_submit_header(lc, &v, &bad, &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "quorum"));
    header_clear(&bad);
    CASE_END();

    CASE_BEGIN("the same validator twice");
    static const size_t twice[] = {0, 1, 2, 2};
    reseal(&g, &bad, 10, twice, 4, 0);
    CHECK_EQ_INT(lc_submit_header(lc, &v, &bad, &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "duplicate"));
    header_clear(&bad);
    CASE_END();

    CASE_BEGIN("seals over another hash");
    bad = g.h[10];
    bad.extra_data = malloc(g.h[10].extra_len);
    memcpy(bad.extra_data, g.h[10].extra_data, g.h[10].extra_len);
    bad.gas_used += 1; /* the seals signed the original */
    CHECK_EQ_INT(lc_submit_header(lc, &v, &bad, &err), ZK_ERR_REJECTED);
    header_clear(&bad);
    CASE_END();

    CASE_BEGIN("malformed extraData");
    bad = g.h[10];
    bad.extra_len = g.h[10].extra_len - 1;
    bad.extra_data = malloc(bad.extra_len);
    memcpy(bad.extra_data, g.h[10].extra_data, bad.extra_len);
    CHECK_EQ_INT(lc_submit_header(lc, &v, &bad, &err), ZK_ERR_MALFORMED);
    header_clear(&bad);
    CASE_END();

    CASE_BEGIN("unknown parent");
    /* Skip to 12 (same set: fine); 11 cannot be placed while 10 is unknown. */
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[12], &err), ZK_OK);
    CHECK(v.skipped);
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[11], &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "not verified"));
    /* And a header whose parentHash is not the stored parent. */
    static const size_t all5[] = {0, 1, 2, 3, 4};
    bad = g.h[10];
    bad.extra_data = malloc(g.h[10].extra_len);
    memcpy(bad.extra_data, g.h[10].extra_data, g.h[10].extra_len);
    memset(bad.parent_hash, 0x11, 32);
    {
        eth_header keep = g.h[10];
        g.h[10] = bad;
        eth_header resealed;
        reseal(&g, &resealed, 10, all5, 5, 0);
        g.h[10] = keep;
        header_clear(&bad);
        CHECK_EQ_INT(lc_submit_header(lc, &v, &resealed, &err), ZK_ERR_REJECTED);
        CHECK(msg_has(&err, "parentHash"));
        header_clear(&resealed);
    }
    CASE_END();

    CASE_BEGIN("rotation without the deciding vote");
    /* Build a header at 11 that lists validators 0..5 without any vote at 10. */
    {
        eth_header rot;
        bft_extra *x = malloc(sizeof(*x));
        CHECK_EQ_INT(bft_extra_decode(x, BFT_QBFT, g.h[11].extra_data, g.h[11].extra_len, NULL),
                     ZK_OK);
        rot = g.h[11];
        rot.extra_data = malloc(g.h[11].extra_len);
        memcpy(rot.extra_data, g.h[11].extra_data, g.h[11].extra_len);
        memcpy(x->validators[x->n_validators++], g.addrs[5], 20);
        static const size_t six[] = {0, 1, 2, 3, 4, 5};
        uint8_t sk[6][32];
        for (size_t k = 0; k < 6; k++)
            memcpy(sk[k], g.keys[six[k]], 32);
        CHECK_EQ_INT(bft_seal_header(&rot, g.ctx, BFT_QBFT, x, (const uint8_t(*)[32])sk, 6, NULL),
                     ZK_OK);
        /* A fresh client at head 10 sees an unauthorised rotation. */
        const char *dir2 = fresh_db(&g, "forge-rot");
        lc_client *lc2 = open_lc(dir2);
        if (lc2) {
            CHECK_EQ_INT(lc_submit_headers(lc2, &v, &done, &g.h[1], 10, &err), ZK_OK);
            CHECK_EQ_INT(lc_submit_header(lc2, &v, &rot, &err), ZK_ERR_REJECTED);
            CHECK(msg_has(&err, "no vote"));
            lc_close(lc2);
        }
        header_clear(&rot);
        free(x);
    }
    CASE_END();
    lc_close(lc);
    chaingen_free(&g);
}

TEST(equivocation_freezes)
{
    chaingen g;
    build_rotating(&g, LC_QBFT, 20);
    const char *dir = fresh_db(&g, "equiv");
    lc_client *lc = open_lc(dir);
    if (!lc) return;
    zk_errbuf err = {0};
    lc_verdict v;
    size_t done;
    CHECK_EQ_INT(lc_submit_headers(lc, &v, &done, &g.h[1], 15, &err), ZK_OK);

    /* A conflicting header without a quorum is a plain rejection. */
    eth_header weak, twin;
    static const size_t three[] = {0, 1, 2};
    reseal(&g, &weak, 10, three, 3, 1);
    CHECK_EQ_INT(lc_submit_header(lc, &v, &weak, &err), ZK_ERR_REJECTED);
    header_clear(&weak);

    /* Two validators sign a block 10 that lists only themselves: a quorum of
     * their own list, but no handover vote: rejected, not equivocation. */
    {
        bft_extra *x = malloc(sizeof(*x));
        CHECK_EQ_INT(bft_extra_decode(x, BFT_QBFT, g.h[10].extra_data, g.h[10].extra_len, NULL),
                     ZK_OK);
        eth_header small = g.h[10];
        small.extra_data = malloc(g.h[10].extra_len);
        memcpy(small.extra_data, g.h[10].extra_data, g.h[10].extra_len);
        x->n_validators = 2;
        memcpy(x->validators[0], g.addrs[0], 20);
        memcpy(x->validators[1], g.addrs[1], 20);
        uint8_t sk[2][32];
        memcpy(sk[0], g.keys[0], 32);
        memcpy(sk[1], g.keys[1], 32);
        CHECK_EQ_INT(bft_seal_header(&small, g.ctx, BFT_QBFT, x, (const uint8_t(*)[32])sk, 2, NULL),
                     ZK_OK);
        CHECK_EQ_INT(lc_submit_header(lc, &v, &small, &err), ZK_ERR_REJECTED);
        CHECK(msg_has(&err, "handover"));
        bool frozen = true;
        uint64_t at;
        CHECK_EQ_INT(lc_store_frozen(lc_client_store(lc), &frozen, &at, NULL), ZK_OK);
        CHECK(!frozen);
        header_clear(&small);
        free(x);
    }

    /* The same validators sign a second block 10: equivocation. */
    static const size_t all5[] = {0, 1, 2, 3, 4};
    reseal(&g, &twin, 10, all5, 5, 1);
    CHECK_EQ_INT(lc_submit_header(lc, &v, &twin, &err), ZK_ERR_MISMATCH);
    CHECK(msg_has(&err, "EQUIVOCATION"));
    /* Frozen, also after a restart; evidence holds both headers. */
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[16], &err), ZK_ERR_REJECTED);
    CHECK(msg_has(&err, "frozen"));
    lc_close(lc);
    lc = open_lc(dir);
    if (!lc) return;
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[16], &err), ZK_ERR_REJECTED);
    uint8_t *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    CHECK_EQ_INT(lc_store_get_evidence(lc_client_store(lc), 10, &a, &la, &b, &lb, &err), ZK_OK);
    zk_buf enc;
    buf_init(&enc, 0);
    CHECK_EQ_INT(header_encode_rlp(&enc, &twin), ZK_OK);
    CHECK(lb == enc.len && b && memcmp(b, enc.data, lb) == 0);
    buf_clear(&enc);
    buf_init(&enc, 0);
    CHECK_EQ_INT(header_encode_rlp(&enc, &g.h[10]), ZK_OK);
    CHECK(la == enc.len && a && memcmp(a, enc.data, la) == 0);
    buf_clear(&enc);
    free(a);
    free(b);
    /* The operator acts: the client continues. */
    CHECK_EQ_INT(lc_unfreeze(lc, &err), ZK_OK);
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[16], &err), ZK_OK);
    header_clear(&twin);
    lc_close(lc);
    chaingen_free(&g);
}

TEST(ibft2_chain)
{
    chaingen g;
    build_rotating(&g, LC_IBFT2, 320);
    const char *dir = fresh_db(&g, "ibft2");
    lc_client *lc = open_lc(dir);
    if (!lc) return;
    zk_errbuf err = {0};
    lc_verdict v;
    size_t done = 0;
    CHECK_MSG(lc_submit_headers(lc, &v, &done, &g.h[1], g.n - 1, &err) == ZK_OK, "%s", err.msg);
    CHECK_EQ_INT(done, g.n - 1);
    /* A QBFT client (same genesis: block 0 hashes its extraData unchanged)
     * does not accept IBFT 2.0 headers. */
    g.consensus = LC_QBFT;
    const char *qdir = fresh_db(&g, "ibft2-as-qbft");
    g.consensus = LC_IBFT2;
    lc_client *q = open_lc(qdir);
    if (q) {
        CHECK(lc_submit_header(q, &v, &g.h[1], &err) != ZK_OK);
        lc_close(q);
    }
    lc_close(lc);
    chaingen_free(&g);
}

TEST(clique_chain_window_finality)
{
    chaingen g;
    CHECK_EQ_INT(chaingen_init(&g, LC_CLIQUE, 4, 7, 100), ZK_OK);
    for (int i = 0; i < 250; i++)
        CHECK_EQ_INT(chaingen_clique_next(&g), ZK_OK);
    const char *dir = fresh_db(&g, "clique");
    lc_client *lc = open_lc(dir);
    if (!lc) return;
    zk_errbuf err = {0};
    lc_verdict v;
    /* One header: verified, not yet final (one signer is not a majority of 4). */
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[1], &err), ZK_OK);
    CHECK_EQ_INT(v.outcome, LC_PENDING);
    CHECK(!v.has_final);
    lc_stored_header r;
    CHECK_EQ_INT(lc_store_get_header(lc_client_store(lc), &r, 1, NULL), ZK_ERR_NOTFOUND);
    /* Restart with a pending header, then the rest in batches. */
    lc_close(lc);
    lc = open_lc(dir);
    if (!lc) return;
    size_t done;
    for (size_t i = 2; i < g.n; i += 50) {
        size_t n = g.n - i < 50 ? g.n - i : 50;
        int rc = lc_submit_headers(lc, &v, &done, &g.h[i], n, &err);
        CHECK_MSG(rc == ZK_OK, "clique batch at %zu: %s", i, err.msg);
        if (rc) break;
    }
    CHECK(v.has_final);
    /* 3 distinct signers of 4 (> 2) seal every 3 consecutive blocks; a header
     * is final once its descendants have: 247 (248..250). */
    CHECK_EQ_INT(v.final_number, 247);
    CHECK_EQ_INT(lc_store_get_header(lc_client_store(lc), &r, 247, NULL), ZK_OK);
    CHECK_EQ_INT(r.rule, LC_RULE_CLIQUE_WINDOW);
    CHECK_EQ_INT(lc_store_get_header(lc_client_store(lc), &r, 248, NULL), ZK_ERR_NOTFOUND);

    /* Forgeries: a signer outside the set, and a header out of order. */
    eth_header bad = g.h[200];
    bad.extra_data = malloc(g.h[200].extra_len);
    memcpy(bad.extra_data, g.h[200].extra_data, g.h[200].extra_len);
    bad.extra_data[bad.extra_len - 10] ^= 1;
    CHECK(lc_submit_header(lc, &v, &bad, &err) != ZK_OK);
    header_clear(&bad);
    CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[100], &err), ZK_OK);
    CHECK_EQ_INT(v.outcome, LC_KNOWN);
    lc_close(lc);
    chaingen_free(&g);
}

/* The same seal with s -> n - s and v flipped: same signer, other block hash. */
static void malleate_seal(eth_header *h)
{
    static const uint8_t n[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                  0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                  0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    uint8_t *sig = h->extra_data + h->extra_len - 65;
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = n[i] - sig[32 + i] - borrow;
        borrow = d < 0;
        sig[32 + i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
    sig[64] ^= 1;
}

static eth_header header_copy(const eth_header *h)
{
    eth_header c = *h;
    c.extra_data = malloc(h->extra_len);
    memcpy(c.extra_data, h->extra_data, h->extra_len);
    return c;
}

/* Reorgs inside the pending window are followed; a branch that does not
 * verify leaves the old one. An RPC node malleating a seal (no key needed)
 * cannot wedge the client. */
TEST(clique_reorg_before_finality)
{
    chaingen g;
    CHECK_EQ_INT(chaingen_init(&g, LC_CLIQUE, 4, 11, 100), ZK_OK);
    for (int i = 0; i < 12; i++)
        CHECK_EQ_INT(chaingen_clique_next(&g), ZK_OK);
    const char *dir = fresh_db(&g, "clique-reorg");
    lc_client *lc = open_lc(dir);
    if (!lc) return;
    zk_errbuf err = {0};
    lc_verdict v;
    size_t done;
    CHECK_EQ_INT(lc_submit_headers(lc, &v, &done, &g.h[1], 2, &err), ZK_OK);
    CHECK_EQ_INT(v.outcome, LC_PENDING);

    eth_header m = header_copy(&g.h[2]);
    malleate_seal(&m);
    uint8_t a[32], b[32];
    CHECK_EQ_INT(header_hash(a, &m), ZK_OK);
    CHECK_EQ_INT(header_hash(b, &g.h[2]), ZK_OK);
    CHECK(memcmp(a, b, 32) != 0);
    CHECK_MSG(lc_submit_header(lc, &v, &m, &err) == ZK_OK, "malleated: %s", err.msg);
    /* The real block 2 replaces it, and the chain goes on from there. */
    CHECK_MSG(lc_submit_header(lc, &v, &g.h[2], &err) == ZK_OK, "real 2: %s", err.msg);
    CHECK_MEM(v.hash, b, 32);

    /* A bad branch at a pending height: refused, the good one stays. */
    eth_header bad = header_copy(&g.h[2]);
    bad.extra_data[bad.extra_len - 20] ^= 0x40;
    CHECK(lc_submit_header(lc, &v, &bad, &err) != ZK_OK);
    header_clear(&bad);
    CHECK_MSG(lc_submit_headers(lc, &v, &done, &g.h[3], 10, &err) == ZK_OK, "rest: %s", err.msg);
    CHECK_EQ_INT(done, 10);
    CHECK(v.has_final);

    /* After a restart the pending window is replayed: a reorg still works. */
    lc_close(lc);
    lc = open_lc(dir);
    if (lc) {
        eth_header m12 = header_copy(&g.h[12]);
        malleate_seal(&m12);
        CHECK_MSG(lc_submit_header(lc, &v, &m12, &err) == ZK_OK, "after reopen: %s", err.msg);
        CHECK_MSG(lc_submit_header(lc, &v, &g.h[12], &err) == ZK_OK, "back: %s", err.msg);
        header_clear(&m12);
        lc_close(lc);
    }
    header_clear(&m);
    chaingen_free(&g);
}

/* A single signer voting itself out would leave a chain nobody may seal:
 * refused with the rule named, and the store stays usable. */
TEST(clique_last_signer_drop_refused)
{
    chaingen g;
    CHECK_EQ_INT(chaingen_init(&g, LC_CLIQUE, 1, 5, 100), ZK_OK);
    CHECK_EQ_INT(chaingen_clique_next(&g), ZK_OK);
    const char *dir = fresh_db(&g, "clique-drop");
    eth_header h = header_copy(&g.h[1]);
    memcpy(h.coinbase, g.addrs[0], 20); /* nonce 0: a vote to drop the coinbase */
    uint8_t sh[32], sig[65];
    CHECK_EQ_INT(clique_seal_hash(sh, &h, NULL), ZK_OK);
    CHECK_EQ_INT(ecdsa_sign(g.ctx, sig, sh, g.keys[0]), ZK_OK);
    memcpy(h.extra_data + h.extra_len - 65, sig, 65);
    lc_client *lc = open_lc(dir);
    if (lc) {
        zk_errbuf err = {0};
        lc_verdict v;
        CHECK_EQ_INT(lc_submit_header(lc, &v, &h, &err), ZK_ERR_REJECTED);
        CHECK(msg_has(&err, "last signer"));
        CHECK_EQ_INT(lc_submit_header(lc, &v, &g.h[1], &err), ZK_OK);
        lc_close(lc);
        lc = open_lc(dir);
        lc_close(lc);
    }
    header_clear(&h);
    chaingen_free(&g);
}

TEST(checkpoint_file_rules)
{
    chaingen g;
    CHECK_EQ_INT(chaingen_init(&g, LC_QBFT, 4, 3, 0), ZK_OK);
    json_t *cpj = chaingen_checkpoint_json(&g, 5);
    lc_checkpoint_file cpf;
    zk_errbuf err = {0};
    CHECK_EQ_INT(lc_checkpoint_from_json(&cpf, cpj, &err), ZK_OK);
    lc_checkpoint_file_clear(&cpf);
    static const char *const bad_cases[][2] = {
        {"consensus", "\"pow\""},     {"hash", "\"0x1234\""}, {"validators", "[]"},
        {"validators", "[\"0x12\"]"}, {"chainId", "-1"},      {"typo", "1"},
        {"clique", "{\"epoch\":1}"},  {"number", "\"0x1\""},
    };
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
        CASE_BEGIN("checkpoint with %s = %s", bad_cases[i][0], bad_cases[i][1]);
        json_t *c = json_deep_copy(cpj);
        json_object_set_new(c, bad_cases[i][0], json_loads(bad_cases[i][1], JSON_DECODE_ANY, NULL));
        CHECK(lc_checkpoint_from_json(&cpf, c, &err) != ZK_OK);
        CHECK(err.msg[0] != '\0');
        json_decref(c);
        CASE_END();
    }
    /* A header that does not hash to "hash". */
    json_t *c = json_deep_copy(cpj);
    json_object_set_new(json_object_get(c, "header"), "gasLimit", json_string("0x1"));
    json_object_del(json_object_get(c, "header"), "hash");
    CHECK_EQ_INT(lc_checkpoint_from_json(&cpf, c, &err), ZK_ERR_MISMATCH);
    json_decref(c);
    /* A store holding another checkpoint refuses a second init. */
    const char *dir = fresh_db(&g, "cp");
    c = json_deep_copy(cpj);
    json_object_set_new(c, "chainId", json_integer(6));
    CHECK_EQ_INT(lc_checkpoint_from_json(&cpf, c, &err), ZK_OK);
    CHECK_EQ_INT(lc_init(ctx, dir, &cpf, &err), ZK_ERR_MISMATCH);
    lc_checkpoint_file_clear(&cpf);
    json_decref(c);
    json_decref(cpj);
    chaingen_free(&g);
}

int main(void)
{
    zk_errbuf err;
    ctx = ecdsa_context_new(&err);
    RUN(qbft_sync_1200_with_rotations);
    RUN(single_submit_and_verdicts);
    RUN(skipping);
    RUN(forgeries_rejected);
    RUN(equivocation_freezes);
    RUN(ibft2_chain);
    RUN(clique_chain_window_finality);
    RUN(clique_reorg_before_finality);
    RUN(clique_last_signer_drop_refused);
    RUN(checkpoint_file_rules);
    ecdsa_context_free(ctx);
    return th_finish(__FILE__);
}
