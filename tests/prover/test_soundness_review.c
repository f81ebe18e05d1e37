/* Adversarial soundness review of the circuit gadgets (zkrelay issue 5).
 *
 * The gadget tests already flip single witness variables. A cheating prover changes many
 * at once, so these tests use coordinated witnesses:
 *   - every witness of a small gadget (the one-hot indicator, including non-boolean
 *     values and indices that wrap around in Fr);
 *   - the splice attack: two systems of the same shape built from honest data that
 *     differ in one input (a byte, an index, a key); the second system's whole witness,
 *     all internal variables consistent with its own data, is given the first system's
 *     input. Every constraint that does not read the changed input still holds, so only
 *     the constraints that bind the claim to that input can reject it. Each splice is
 *     paired with a control, a change the claim does not depend on (a byte past the hashed
 *     length, a byte of a log's data), whose splice must be accepted: the method does not
 *     reject everything.
 * Building both systems also checks that the constraint system's shape (every
 * constraint's terms and coefficients) does not depend on the witness.
 *
 * The receipt-log attacks use a real mainnet receipt ($ZK_VECTORS/receipts). Keys,
 * digests and trie values are random (the seed is printed; ZK_TEST_SEED replays). */
#include "harness.h"
#include "prover/circuit_sys.h"

#include "lightclient/ecdsa.h"
#include "lightclient/mpt.h"
#include "lightclient/receipt.h"
#include "prover/circuit.h"
#include "prover/gadget_bits.h"
#include "prover/gadget_keccak.h"
#include "prover/gadget_mpt.h"
#include "prover/gadget_rlp.h"
#include "prover/gadget_secp256k1.h"
#include "prover/gadget_select.h"

/* ---- a system under construction ------------------------------------------ */

/* The builder accepted the witness and the system holds on it. */
static bool sys_ok(const sys *s)
{
    zk_errbuf err;
    if (circ_status(&s->c, &err) != ZK_OK) {
        CHECK_MSG(false, "builder refused an honest witness: %s", err.msg);
        return false;
    }
    return r1cs_is_satisfied(&s->cs, NULL, NULL) == ZK_OK;
}

/* True when a and b have the same constraints, term for term (one proving key). */
static bool same_shape(const sys *a, const sys *b)
{
    const r1cs *x = &a->cs, *y = &b->cs;
    if (x->n_vars != y->n_vars || x->n_cons != y->n_cons || x->n_terms != y->n_terms) return false;
    for (size_t i = 0; i < x->n_cons; i++) {
        const r1cs_constraint *p = &x->cons[i], *q = &y->cons[i];
        if (p->a != q->a || p->na != q->na || p->b != q->b || p->nb != q->nb || p->c != q->c ||
            p->nc != q->nc)
            return false;
    }
    for (size_t i = 0; i < x->n_terms; i++)
        if (x->terms[i].var != y->terms[i].var || !fr_eq(&x->terms[i].coef, &y->terms[i].coef))
            return false;
    for (uint32_t v = 0; v < x->n_vars; v++)
        if (x->kinds[v] != y->kinds[v]) return false;
    return true;
}

/* The splice attack: b's witness with vars[0..n) set to their values in a (same shape).
 * Returns whether b's constraints accept it. */
static bool splice_sat(const sys *b, const sys *a, const r1cs_var *vars, size_t n)
{
    CHECK(same_shape(a, b));
    fr *w = malloc(sizeof(fr) * b->cs.n_vars);
    if (!w) return false;
    memcpy(w, b->cs.values, sizeof(fr) * b->cs.n_vars);
    for (size_t i = 0; i < n; i++)
        w[vars[i]] = a->cs.values[vars[i]];
    int rc = r1cs_check_witness(&b->cs, w, b->cs.n_vars, NULL, NULL);
    free(w);
    return rc == ZK_OK;
}

static void set_fr_i64(sys *s, r1cs_var v, int64_t k)
{
    fr x;
    fr_from_u64(&x, (uint64_t)(k < 0 ? -k : k));
    if (k < 0) fr_neg(&x, &x);
    r1cs_set_value(&s->cs, v, &x);
}

/* ---- the one-hot indicator: every witness ---------------------------------- */

/* gsel_onehot over n = 3 positions: every index in {0..4, -1, -2} (field wrap-around) and
 * every indicator vector over {0, 1, 2, -1}^3. The system holds exactly when the vector is
 * boolean, has one bit set, and that bit is at the index. */
TEST(onehot_every_witness)
{
    CASE_BEGIN("gsel_onehot: 7 indices x 64 indicator vectors");
    sys s;
    CHECK(sys_init(&s));
    r1cs_var idx = circ_var_u64(&s.c, 1), ind[3];
    gsel_onehot(&s.c, idx, 3, ind);
    CHECK(sys_ok(&s));
    static const int64_t idxs[] = {0, 1, 2, 3, 4, -1, -2}, vals[] = {0, 1, 2, -1};
    int accepted = 0;
    for (size_t a = 0; a < sizeof idxs / sizeof idxs[0]; a++)
        for (unsigned m = 0; m < 64; m++) {
            int64_t v[3] = {vals[m & 3], vals[(m >> 2) & 3], vals[(m >> 4) & 3]};
            set_fr_i64(&s, idx, idxs[a]);
            for (int i = 0; i < 3; i++)
                set_fr_i64(&s, ind[i], v[i]);
            bool want = idxs[a] >= 0 && idxs[a] < 3;
            for (int i = 0; i < 3; i++)
                want = want && v[i] == (i == idxs[a]);
            bool got = r1cs_is_satisfied(&s.cs, NULL, NULL) == ZK_OK;
            CHECK_MSG(got == want, "idx %lld, ind %lld %lld %lld: satisfied %d", (long long)idxs[a],
                      (long long)v[0], (long long)v[1], (long long)v[2], got);
            accepted += got;
        }
    CHECK_EQ_INT(accepted, 3);
    sys_clear(&s);
    CASE_END();
}

/* ---- Keccak-256 of a variable-length message -------------------------------- */

typedef struct kfx {
    sys s;
    r1cs_var msg[8 * 135], len, digest[256];
} kfx;

static bool kfx_build(kfx *f, const uint8_t msg[135], uint64_t len)
{
    if (!sys_init(&f->s)) return false;
    gb_alloc_bytes(&f->s.c, msg, 135, f->msg);
    f->len = circ_var_u64(&f->s.c, len);
    gk_keccak256_var(&f->s.c, f->msg, 135, f->len, f->digest);
    return sys_ok(&f->s);
}

/* The digest is bound to the first len bytes and to len itself, not to the bytes after. */
TEST(keccak_var_splices)
{
    uint8_t m[135], m2[135];
    th_rand_bytes(m, sizeof m);
    kfx a, b;
    CASE_BEGIN("keccak256_var: a message byte below len");
    memcpy(m2, m, sizeof m);
    m2[37] ^= 0x10;
    CHECK(kfx_build(&a, m, 100) && kfx_build(&b, m2, 100));
    CHECK(!splice_sat(&b.s, &a.s, a.msg, 8 * 135));
    sys_clear(&b.s);
    CASE_END();

    CASE_BEGIN("keccak256_var: control, a byte past len is ignored");
    memcpy(m2, m, sizeof m);
    m2[120] ^= 0x10;
    CHECK(kfx_build(&b, m2, 100));
    CHECK(splice_sat(&b.s, &a.s, a.msg, 8 * 135));
    sys_clear(&b.s);
    CASE_END();

    CASE_BEGIN("keccak256_var: the digest of a shorter prefix claimed for len");
    CHECK(kfx_build(&b, m, 99));
    CHECK(!splice_sat(&b.s, &a.s, &a.len, 1));
    sys_clear(&b.s);
    CASE_END();
    sys_clear(&a.s);
}

/* ---- RLP items and list walks ------------------------------------------------ */

#define RN 96

typedef struct rfx {
    sys s;
    r1cs_var bits[8 * RN];
    gr_item it, got;
} rfx;

/* gr_item_at at offset 5 (limit RN); with k != SIZE_MAX, also item k of it as a list. */
static bool rfx_build(rfx *f, const uint8_t arr[RN], size_t k)
{
    if (!sys_init(&f->s)) return false;
    gb_alloc_bytes(&f->s.c, arr, RN, f->bits);
    gr_item_at(&f->s.c, f->bits, RN, circ_var_u64(&f->s.c, 5), circ_var_u64(&f->s.c, RN), &f->it);
    if (k != SIZE_MAX)
        gr_list_get(&f->s.c, f->bits, RN, &f->it, circ_var_u64(&f->s.c, k), 4, &f->got);
    return sys_ok(&f->s);
}

/* Two arrays differing only where the item's prefix says otherwise: the item decoded from
 * one prefix cannot stand for the other's bytes. */
TEST(rlp_item_splices)
{
    static const struct {
        const char *what;
        uint8_t a[3], b[3];
        bool rejected;
    } cases[] = {
        {"short string length 3 vs 2", {0x83, 0x61, 0x62}, {0x82, 0x61, 0x62}, true},
        {"a string read as a list", {0x83, 0x61, 0x62}, {0xc3, 0x61, 0x62}, true},
        {"long string, length byte 64 vs 57", {0xb8, 0x40, 0x01}, {0xb8, 0x39, 0x01}, true},
        {"long list, length byte 64 vs 57", {0xf8, 0x40, 0x01}, {0xf8, 0x39, 0x01}, true},
        {"control: a payload byte the prefix does not read",
         {0x83, 0x61, 0x62},
         {0x83, 0x61, 0x62},
         false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CASE_BEGIN("rlp item: %s", cases[i].what);
        uint8_t x[RN], y[RN];
        th_rand_bytes(x, RN);
        memcpy(x + 5, cases[i].a, 3);
        memcpy(y, x, RN);
        memcpy(y + 5, cases[i].b, 3);
        if (!cases[i].rejected) y[8] ^= 0x55; /* the item's third payload byte */
        rfx a, b;
        CHECK(rfx_build(&a, x, SIZE_MAX) && rfx_build(&b, y, SIZE_MAX));
        CHECK(splice_sat(&b.s, &a.s, a.bits, 8 * RN) == !cases[i].rejected);
        sys_clear(&a.s);
        sys_clear(&b.s);
        CASE_END();
    }

    /* A list walk: item 1 of [0x82 11 22, 0x83 33 44 55] sits at 9; with the first
     * prefix 0x83 the walk puts item 1 at 10 (0x82 44 55). */
    CASE_BEGIN("rlp list: item 1 after an item of another length");
    uint8_t x[RN], y[RN];
    th_rand_bytes(x, RN);
    static const uint8_t la[] = {0xc7, 0x82, 0x11, 0x22, 0x83, 0x33, 0x44, 0x55};
    static const uint8_t lb[] = {0xc7, 0x83, 0x11, 0x22, 0x33, 0x82, 0x44, 0x55};
    memcpy(x + 5, la, sizeof la);
    memcpy(y, x, RN);
    memcpy(y + 5, lb, sizeof lb);
    rfx a, b;
    CHECK(rfx_build(&a, x, 1) && rfx_build(&b, y, 1));
    CHECK(!splice_sat(&b.s, &a.s, a.bits, 8 * RN));
    /* and the walk's position of item 1 cannot be moved on the same bytes */
    r1cs_var outs[4] = {b.got.off, b.got.payload_off, b.got.payload_len, b.got.end};
    CHECK(!splice_sat(&b.s, &a.s, outs, 4));
    sys_clear(&a.s);
    sys_clear(&b.s);
    CASE_END();
}

/* ---- a log of a real receipt --------------------------------------------------- */

typedef struct lfx {
    sys s;
    r1cs_var *bits, rlen, log_index, addr[160], topics[512];
} lfx;

static bool lfx_build(lfx *f, const uint8_t *rcpt, size_t len, size_t max_len, uint64_t log_index)
{
    if (!sys_init(&f->s)) return false;
    uint8_t *buf = calloc(max_len, 1);
    f->bits = malloc(sizeof(r1cs_var) * 8 * max_len);
    if (!buf || !f->bits) {
        free(buf);
        return false;
    }
    memcpy(buf, rcpt, len);
    gb_alloc_bytes(&f->s.c, buf, max_len, f->bits);
    f->rlen = circ_var_u64(&f->s.c, len);
    f->log_index = circ_var_u64(&f->s.c, log_index);
    gr_receipt_log(&f->s.c, f->bits, max_len, f->rlen, 2, f->log_index, 2, f->addr, f->topics);
    free(buf);
    return sys_ok(&f->s);
}

static void lfx_free(lfx *f)
{
    sys_clear(&f->s);
    free(f->bits);
    f->bits = NULL;
}

/* Offset of needle in hay, or SIZE_MAX. */
static size_t find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(hay + i, needle, k)) return i;
    return SIZE_MAX;
}

/* Mainnet block 21925176, receipt 72 (EIP-1559, two logs of two different contracts): a log
 * claimed for another address, another topic, or another log of the same receipt. */
TEST(receipt_log_splices)
{
    json_t *all = th_load_json("receipts/helios_mainnet_21925176_receipts.json");
    if (!all) return;
    eth_receipt r;
    zk_buf enc;
    buf_init(&enc, 0);
    bool ok = receipt_from_json(&r, json_array_get(all, 72), NULL) == ZK_OK;
    CHECK(ok && r.n_logs == 2 && r.logs[0].n_topics >= 2 && r.logs[1].n_topics >= 2);
    if (!ok) goto out;
    CHECK_EQ_INT(receipt_encode(&enc, &r), ZK_OK);
    size_t len = enc.len, max_len = (len + 7) & ~(size_t)7;
    size_t at_addr = find(enc.data, len, r.logs[0].address, 20);
    size_t at_topic = find(enc.data, len, r.logs[0].topics[1], 32);
    size_t at_data = find(enc.data, len, r.logs[0].data, r.logs[0].data_len);
    CHECK(at_addr != SIZE_MAX && at_topic != SIZE_MAX && at_data != SIZE_MAX);
    if (at_addr == SIZE_MAX || at_topic == SIZE_MAX || at_data == SIZE_MAX) goto out;
    uint8_t *other = malloc(len);
    if (!other) goto out;
    lfx a, b;
    CHECK(lfx_build(&a, enc.data, len, max_len, 0));
    static const struct {
        const char *what;
        bool rejected;
    } cases[] = {{"log 0 claimed for another address", true},
                 {"log 0 claimed with another topic1 (message hash)", true},
                 {"control: a byte of log 0's data", false}};
    size_t at[] = {at_addr + 7, at_topic + 13, at_data + 10};
    for (size_t i = 0; i < 3; i++) {
        CASE_BEGIN("receipt log: %s", cases[i].what);
        memcpy(other, enc.data, len);
        other[at[i]] ^= 0x01;
        CHECK(lfx_build(&b, other, len, max_len, 0));
        CHECK(splice_sat(&b.s, &a.s, a.bits, 8 * max_len) == !cases[i].rejected);
        lfx_free(&b);
        CASE_END();
    }
    CASE_BEGIN("receipt log: log 1's address and topics claimed as log 0's");
    CHECK(lfx_build(&b, enc.data, len, max_len, 1));
    CHECK(memcmp(r.logs[0].address, r.logs[1].address, 20) != 0);
    CHECK(!splice_sat(&b.s, &a.s, &a.log_index, 1));
    lfx_free(&b);
    CASE_END();
    lfx_free(&a);
    free(other);
out:
    receipt_clear(&r);
    buf_clear(&enc);
    json_decref(all);
}

/* ---- receipts-trie inclusion ------------------------------------------------- */

#define MV 64 /* max value length */

typedef struct mfx {
    sys s;
    r1cs_var root[256], index, value[8 * MV], vlen;
} mfx;

/* Builds a trie of the n values, then the gadget for value i. */
static bool mfx_build(mfx *f, uint8_t (*vals)[40], size_t n, size_t i)
{
    const uint8_t *vp[4];
    size_t lens[4];
    for (size_t k = 0; k < n; k++) {
        vp[k] = vals[k];
        lens[k] = 40;
    }
    uint8_t root[32], value[MV] = {0};
    mpt_proof pr;
    mpt_proof_init(&pr);
    if (mpt_root_of_list(root, vp, lens, n, NULL) != ZK_OK ||
        mpt_prove_index(&pr, vp, lens, n, i, NULL) != ZK_OK || !sys_init(&f->s)) {
        mpt_proof_clear(&pr);
        return false;
    }
    memcpy(value, vals[i], 40);
    gb_alloc_bytes(&f->s.c, root, 32, f->root);
    f->index = circ_var_u64(&f->s.c, i);
    gb_alloc_bytes(&f->s.c, value, MV, f->value);
    f->vlen = circ_var_u64(&f->s.c, 40);
    gm_params p = {3, 135, MV};
    gm_receipt_inclusion(&f->s.c, &p, f->root, f->index, (const uint8_t *const *)pr.nodes, pr.lens,
                         pr.n, f->value, f->vlen);
    mpt_proof_clear(&pr);
    return sys_ok(&f->s);
}

/* A trie of three values (a root branch and three leaves): the value and the root of
 * another trie, and another index of the same trie, against an honest path. */
TEST(mpt_splices)
{
    uint8_t v1[3][40], v2[3][40];
    th_rand_bytes(&v1[0][0], sizeof v1);
    memcpy(v2, v1, sizeof v1);
    v2[1][17] ^= 0x20;
    mfx a, b;
    CHECK(mfx_build(&a, v1, 3, 1));
    CHECK(mfx_build(&b, v2, 3, 1));
    CASE_BEGIN("mpt: a value that is not the leaf's");
    CHECK(!splice_sat(&b.s, &a.s, a.value, 8 * MV));
    CASE_END();
    CASE_BEGIN("mpt: a path under another root");
    CHECK(!splice_sat(&b.s, &a.s, a.root, 256));
    CASE_END();
    CASE_BEGIN("mpt: another trie's path for this root and value");
    {
        r1cs_var both[256 + 8 * MV];
        memcpy(both, a.root, sizeof a.root);
        memcpy(both + 256, a.value, sizeof a.value);
        CHECK(!splice_sat(&b.s, &a.s, both, 256 + 8 * MV));
    }
    CASE_END();
    sys_clear(&b.s);
    CASE_BEGIN("mpt: value 2's path claimed for index 1 (key nibbles)");
    memcpy(v2, v1, sizeof v1);
    memcpy(v2[2], v1[1], 40); /* the same value at index 2: only the key differs */
    CHECK(mfx_build(&b, v2, 3, 2));
    /* The index-2 path of a trie whose slots 1 and 2 hold the same value: only the key
     * nibbles tell the index, so claiming index 1 must fail. */
    CHECK(!splice_sat(&b.s, &a.s, &a.index, 1));
    sys_clear(&b.s);
    CASE_END();
    sys_clear(&a.s);
}

/* ---- ECDSA ------------------------------------------------------------------ */

typedef struct efx {
    sys s;
    r1cs_var z[256], pub[512];
} efx;

static bool efx_build(efx *f, const secp256k1_context *ctx, const uint8_t sk[32],
                      const uint8_t hash[32])
{
    uint8_t pub[64], sig[65];
    if (ecdsa_pubkey_from_seckey(ctx, pub, sk) != ZK_OK ||
        ecdsa_sign(ctx, sig, hash, sk) != ZK_OK || !sys_init(&f->s))
        return false;
    gb_alloc_bytes(&f->s.c, hash, 32, f->z);
    gs_ecdsa_verify(&f->s.c, f->z, pub, sig, sig[64], f->pub);
    return sys_ok(&f->s);
}

/* A valid signature over another digest, or by another key, claimed for this one. */
TEST(ecdsa_splices)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    uint8_t sk1[32], sk2[32], h1[32], h2[32], pub[64];
    do
        th_rand_bytes(sk1, 32);
    while (ecdsa_pubkey_from_seckey(ctx, pub, sk1) != ZK_OK);
    do
        th_rand_bytes(sk2, 32);
    while (ecdsa_pubkey_from_seckey(ctx, pub, sk2) != ZK_OK);
    th_rand_bytes(h1, 32);
    memcpy(h2, h1, 32);
    h2[31] ^= 0x01; /* the least significant bit of z */
    efx a, b;
    CHECK(efx_build(&a, ctx, sk1, h1));
    CASE_BEGIN("ecdsa: a signature over z ^ 1 claimed for z");
    CHECK(efx_build(&b, ctx, sk1, h2));
    CHECK(!splice_sat(&b.s, &a.s, a.z, 256));
    sys_clear(&b.s);
    CASE_END();
    CASE_BEGIN("ecdsa: another key's signature over z claimed for this key");
    CHECK(efx_build(&b, ctx, sk2, h1));
    CHECK(!splice_sat(&b.s, &a.s, a.pub, 512));
    CHECK(splice_sat(&b.s, &a.s, a.z, 256)); /* control: the digest is the same one */
    sys_clear(&b.s);
    CASE_END();
    sys_clear(&a.s);
    zk_wipe(sk1, 32);
    zk_wipe(sk2, 32);
    ecdsa_context_free(ctx);
}

TEST_MAIN(RUN(onehot_every_witness); RUN(keccak_var_splices); RUN(rlp_item_splices);
          RUN(receipt_log_splices); RUN(mpt_splices); RUN(ecdsa_splices))
