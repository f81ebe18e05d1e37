/* prover/gadget_mpt.c: receipts-trie inclusion in-circuit. Real proofs from mainnet
 * block 21925176 ($ZK_VECTORS/receipts, 202 receipts) and proofs from generated tries
 * (the leaf as the root, list tries, sparse index sets whose tries hold extension nodes
 * with odd and even paths) satisfy the system; corrupted witnesses (root, value, value
 * length, a node bit) leave it unsatisfied, and false statements (another index, a
 * swapped node, a changed byte, a changed value, a wrong root, a shorter or longer value,
 * a dropped or an extra node) are refused by the builder. */
#include "harness.h"
#include "receipts_util.h"

#include "lightclient/hex.h"
#include "lightclient/mpt.h"
#include "lightclient/receipt.h"
#include "prover/circuit.h"
#include "prover/gadget_bits.h"
#include "prover/gadget_mpt.h"

/* ---- a built instance ------------------------------------------------------ */

typedef struct fx {
    r1cs cs;
    circ c;
    r1cs_var root[256], index, vlen;
    r1cs_var *value; /* 8 max_value_len bits */
    int rc;
    zk_errbuf err;
} fx;

/* Builds the gadget for a proof with the root, index, value and value length as the
 * caller's variables. Returns the circ status (f->err holds the message). */
static int fx_build(fx *f, const gm_params *p, const uint8_t root[32], uint64_t index,
                    const uint8_t *const *nodes, const size_t *lens, size_t n_nodes,
                    const uint8_t *value, size_t vlen)
{
    memset(f, 0, sizeof *f);
    if (r1cs_init(&f->cs) != ZK_OK) return f->rc = ZK_ERR_NOMEM;
    circ_init(&f->c, &f->cs);
    f->value = calloc(8 * p->max_value_len + 8, sizeof *f->value);
    uint8_t *vbuf = calloc(p->max_value_len + 1, 1);
    if (!f->value || !vbuf) {
        free(vbuf);
        return f->rc = ZK_ERR_NOMEM;
    }
    memcpy(vbuf, value, vlen < p->max_value_len ? vlen : p->max_value_len);
    gb_alloc_bytes(&f->c, root, 32, f->root);
    f->index = circ_var_u64(&f->c, index);
    gb_alloc_bytes(&f->c, vbuf, p->max_value_len, f->value);
    f->vlen = circ_var_u64(&f->c, vlen);
    gm_receipt_inclusion(&f->c, p, f->root, f->index, nodes, lens, n_nodes, f->value, f->vlen);
    free(vbuf);
    return f->rc = circ_status(&f->c, &f->err);
}

static void fx_free(fx *f)
{
    circ_clear(&f->c);
    r1cs_clear(&f->cs);
    free(f->value);
    f->value = NULL;
}

static bool fx_sat(const fx *f)
{
    return r1cs_is_satisfied(&f->cs, NULL, NULL) == ZK_OK;
}

/* Sets variable v to x, checks that the system is then unsatisfied, restores v. */
static bool fx_unsat_with(fx *f, r1cs_var v, uint64_t x)
{
    fr old = *r1cs_value(&f->cs, v), nv;
    fr_from_u64(&nv, x);
    r1cs_set_value(&f->cs, v, &nv);
    bool unsat = !fx_sat(f);
    r1cs_set_value(&f->cs, v, &old);
    return unsat;
}

static bool fx_unsat_flip(fx *f, r1cs_var bit)
{
    return fx_unsat_with(f, bit, fr_is_zero(r1cs_value(&f->cs, bit)) ? 1 : 0);
}

/* Finds the variables holding the bits of bytes[0..len) (8 len consecutive handles, in
 * byte-bit order, as the gadget allocates a node's bytes). Returns the first handle, or
 * R1CS_ONE when not found. */
static r1cs_var fx_find_bytes(const fx *f, const uint8_t *bytes, size_t len)
{
    size_t nb = 8 * len;
    for (size_t v = 1; v + nb <= f->cs.n_vars; v++) {
        size_t i = 0;
        for (; i < nb; i++) {
            const fr *x = r1cs_value(&f->cs, (r1cs_var)(v + i));
            int bit = (bytes[i / 8] >> (i % 8)) & 1;
            if (bit ? !fr_is_one(x) : !fr_is_zero(x)) break;
        }
        if (i == nb) return (r1cs_var)v;
    }
    return R1CS_ONE;
}

/* ---- one proof, accepted and attacked ------------------------------------------ */

/* Everything a case needs: the trie's root, the proofs of its keys, the values. */
typedef struct tcase {
    uint8_t root[32];
    uint64_t index;
    const mpt_proof *proof;
    const uint8_t *value;
    size_t vlen;
    const mpt_proof *other; /* a proof of another index of the same trie (or NULL) */
    uint64_t other_index;
} tcase;

/* Builds the proof, checks it satisfies the system, then corrupts the witness: a root
 * bit, a value bit, the value length, a bit of a random node. */
static void check_accept(const gm_params *p, const tcase *t)
{
    fx f;
    int rc = fx_build(&f, p, t->root, t->index, (const uint8_t *const *)t->proof->nodes,
                      t->proof->lens, t->proof->n, t->value, t->vlen);
    CHECK_MSG(rc == ZK_OK, "build: %s", f.err.msg);
    if (rc != ZK_OK) goto out;
    CHECK(fx_sat(&f));
    CHECK(fx_unsat_flip(&f, f.root[th_rand64() % 256]));
    size_t byte = (size_t)(th_rand64() % t->vlen);
    CHECK(fx_unsat_flip(&f, f.value[8 * byte + th_rand64() % 8]));
    CHECK(fx_unsat_with(&f, f.vlen, t->vlen + 1));
    CHECK(fx_unsat_with(&f, f.index, t->index ^ 1));
    size_t ni = (size_t)(th_rand64() % t->proof->n);
    r1cs_var nb = fx_find_bytes(&f, t->proof->nodes[ni], t->proof->lens[ni]);
    CHECK_MSG(nb != R1CS_ONE, "node %zu's bits not found in the witness", ni);
    if (nb != R1CS_ONE) {
        size_t bit = (size_t)(th_rand64() % (8 * t->proof->lens[ni]));
        CHECK(fx_unsat_flip(&f, nb + (r1cs_var)bit));
    }
out:
    fx_free(&f);
}

/* The builder must refuse these false statements with ZK_ERR_REJECTED. */
static void check_refused(const gm_params *p, const tcase *t)
{
    const mpt_proof *pr = t->proof;
    size_t n = pr->n;
    uint8_t **nodes = malloc((n + 1) * sizeof *nodes);
    size_t *lens = malloc((n + 1) * sizeof *lens);
    uint8_t *val = malloc(t->vlen + 1);
    if (!nodes || !lens || !val) {
        CHECK(false);
        goto out;
    }
    memcpy(nodes, pr->nodes, n * sizeof *nodes);
    memcpy(lens, pr->lens, n * sizeof *lens);
    memcpy(val, t->value, t->vlen);
    val[t->vlen] = 0x42;
    fx f;
#define REFUSED(what, root_, idx_, nodes_, lens_, n_, val_, vlen_)                                 \
    do {                                                                                           \
        int rc_ = fx_build(&f, p, root_, idx_, (const uint8_t *const *)(nodes_), lens_, n_, val_,  \
                           vlen_);                                                                 \
        CHECK_MSG(rc_ == ZK_ERR_REJECTED, "%s: got %d (%s)", what, rc_, f.err.msg);                \
        fx_free(&f);                                                                               \
    } while (0)
    /* Another index (with this proof, and with that index's own value). */
    if (t->other) {
        REFUSED("another index", t->root, t->other_index, nodes, lens, n, val, t->vlen);
        /* A node of another key's path swapped in at a level where the paths differ. */
        for (size_t i = 0; i < n && i < t->other->n; i++) {
            if (t->other->lens[i] == lens[i] && memcmp(t->other->nodes[i], nodes[i], lens[i]) == 0)
                continue;
            if (t->other->lens[i] > (i + 1 < n ? p->max_node_len : p->max_value_len)) break;
            nodes[i] = t->other->nodes[i];
            lens[i] = t->other->lens[i];
            REFUSED("swapped node", t->root, t->index, nodes, lens, n, val, t->vlen);
            nodes[i] = pr->nodes[i];
            lens[i] = pr->lens[i];
            break;
        }
    }
    REFUSED("index ^ 1", t->root, t->index ^ 1, nodes, lens, n, val, t->vlen);
    /* A wrong root. */
    uint8_t root[32];
    memcpy(root, t->root, 32);
    root[th_rand64() % 32] ^= (uint8_t)(1u << (th_rand64() % 8));
    REFUSED("wrong root", root, t->index, nodes, lens, n, val, t->vlen);
    /* One byte of a node changed. */
    size_t ni = (size_t)(th_rand64() % n), bi = (size_t)(th_rand64() % lens[ni]);
    pr->nodes[ni][bi] ^= 0x10;
    REFUSED("changed node byte", t->root, t->index, nodes, lens, n, val, t->vlen);
    pr->nodes[ni][bi] ^= 0x10;
    /* The value changed, shorter, longer. */
    size_t vi = (size_t)(th_rand64() % t->vlen);
    val[vi] ^= 0x01;
    REFUSED("changed value", t->root, t->index, nodes, lens, n, val, t->vlen);
    val[vi] ^= 0x01;
    REFUSED("shorter value", t->root, t->index, nodes, lens, n, val, t->vlen - 1);
    if (t->vlen < p->max_value_len)
        REFUSED("longer value", t->root, t->index, nodes, lens, n, val, t->vlen + 1);
    /* The leaf dropped; the leaf repeated. */
    if (n >= 2) REFUSED("leaf dropped", t->root, t->index, nodes, lens, n - 1, val, t->vlen);
    if (n < p->max_depth) {
        nodes[n] = pr->nodes[n - 1];
        lens[n] = pr->lens[n - 1];
        REFUSED("extra node", t->root, t->index, nodes, lens, n + 1, val, t->vlen);
    }
#undef REFUSED
out:
    free(nodes);
    free(lens);
    free(val);
}

/* ---- generated tries ------------------------------------------------------- */

typedef struct gtrie {
    size_t n;
    uint64_t *idx;
    uint8_t **val;
    size_t *vlen;
    mpt_proof *proofs;
    uint8_t root[32];
} gtrie;

static void gtrie_free(gtrie *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->val[i]);
        mpt_proof_clear(&g->proofs[i]);
    }
    free(g->idx);
    free(g->val);
    free(g->vlen);
    free(g->proofs);
    memset(g, 0, sizeof *g);
}

/* Builds the trie RLP(idx[i]) -> random values of 40..(40 + vspan) bytes. */
static bool gtrie_make(gtrie *g, const uint64_t *idx, size_t n, size_t vspan)
{
    memset(g, 0, sizeof *g);
    g->n = n;
    g->idx = calloc(n, sizeof *g->idx);
    g->val = calloc(n, sizeof *g->val);
    g->vlen = calloc(n, sizeof *g->vlen);
    g->proofs = calloc(n, sizeof *g->proofs);
    if (!g->idx || !g->val || !g->vlen || !g->proofs) return false;
    mpt_trie t;
    mpt_init(&t);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        uint8_t key[9];
        size_t kl = mpt_index_key(key, idx[i]);
        g->idx[i] = idx[i];
        g->vlen[i] = 40 + (size_t)(th_rand64() % (vspan + 1));
        g->val[i] = malloc(g->vlen[i]);
        mpt_proof_init(&g->proofs[i]);
        if (!g->val[i]) ok = false;
        if (ok) th_rand_bytes(g->val[i], g->vlen[i]);
        ok = ok && mpt_put(&t, key, kl, g->val[i], g->vlen[i], NULL) == ZK_OK;
    }
    ok = ok && mpt_root(g->root, &t, NULL) == ZK_OK;
    for (size_t i = 0; i < n && ok; i++) {
        uint8_t key[9];
        size_t kl = mpt_index_key(key, idx[i]);
        ok = mpt_prove(&g->proofs[i], &t, key, kl, NULL) == ZK_OK;
    }
    mpt_clear(&t);
    return ok;
}

static tcase gtrie_case(const gtrie *g, size_t i)
{
    tcase t = {{0}, g->idx[i], &g->proofs[i], g->val[i], g->vlen[i], NULL, 0};
    memcpy(t.root, g->root, 32);
    if (g->n > 1) {
        size_t j = (i + 1) % g->n;
        t.other = &g->proofs[j];
        t.other_index = g->idx[j];
    }
    return t;
}

/* Does the proof hold an extension node (a 2-item inner node)? Its hex-prefix flag. */
static int proof_ext_flags(const mpt_proof *pr)
{
    int flags = 0;
    for (size_t i = 0; i + 1 < pr->n; i++) {
        /* A 2-item node is short: its list header is one byte, then the path item. */
        const uint8_t *nd = pr->nodes[i];
        if (pr->lens[i] < 56 && nd[0] >= 0xc0) {
            uint8_t b = nd[1] < 0x80 ? nd[1] : nd[2];
            flags |= 1 << (b >> 4);
        }
    }
    return flags;
}

/* One receipt: the leaf is the root, its path the whole key (2, 4 or 6 nibbles). One
 * 64-byte-node, depth-1 circuit per index: one Keccak-f. */
TEST(leaf_is_root)
{
    static const uint64_t idxs[] = {0, 1, 127, 128, 255, 256, 0x1234, 65535};
    gm_params p = {1, 64, 48};
    for (size_t k = 0; k < sizeof idxs / sizeof idxs[0]; k++) {
        CASE_BEGIN("one receipt, index %llu: the leaf is the root", (unsigned long long)idxs[k]);
        gtrie g;
        if (gtrie_make(&g, &idxs[k], 1, 8)) {
            CHECK_EQ_INT(g.proofs[0].n, 1);
            tcase t = gtrie_case(&g, 0);
            check_accept(&p, &t);
            check_refused(&p, &t);
        } else {
            CHECK(false);
        }
        gtrie_free(&g);
        CASE_END();
    }
}

/* Small list tries (2 and 20 receipts) and sparse index sets: extension nodes with odd
 * (flag 1) and even (flag 0) paths, keys of 1, 2 and 3 bytes, leaves with empty, odd
 * and even paths. Nodes up to 532 bytes (a branch of 15 children), values up to 88
 * bytes. */
TEST(generated_tries)
{
    static const uint64_t list20[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,
                                      10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    static const uint64_t ext_odd[] = {128, 129};               /* extension 8,1,8, empty leaves */
    static const uint64_t ext_even[] = {128, 144};              /* extension 8,1, leaves 0 */
    static const uint64_t leaf_even[] = {256, 512, 768};        /* extension 8,2,0, leaves 0,0 */
    static const uint64_t ext_two[] = {0x1234, 0x1235, 0x1334}; /* two extensions */
    static const uint64_t mixed[] = {0, 5, 200, 201, 4000};
    static const struct {
        const char *name;
        const uint64_t *idx;
        size_t n;
        size_t depth, node_len;
        size_t pick[2]; /* the keys proven */
    } sets[] = {
        {"2 receipts", list20, 2, 2, 135, {0, 1}},
        {"20 receipts", list20, 20, 3, 532, {9, 16}},
        {"indexes 128, 129", ext_odd, 2, 3, 135, {0, 1}},
        {"indexes 128, 144", ext_even, 2, 3, 135, {0, 1}},
        {"indexes 256, 512, 768", leaf_even, 3, 3, 135, {1, 2}},
        {"indexes 0x1234, 0x1235, 0x1334", ext_two, 3, 5, 135, {0, 2}},
        {"indexes 0, 5, 200, 201, 4000", mixed, 5, 5, 135, {2, 4}},
    };
    int seen_flags = 0;
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        gtrie g;
        bool ok = gtrie_make(&g, sets[s].idx, sets[s].n, 48);
        CHECK(ok);
        gm_params p = {sets[s].depth, sets[s].node_len, 104};
        for (size_t k = 0; ok && k < 2; k++) {
            size_t i = sets[s].pick[k];
            CASE_BEGIN("%s: receipt %llu (%zu nodes)", sets[s].name, (unsigned long long)g.idx[i],
                       g.proofs[i].n);
            seen_flags |= proof_ext_flags(&g.proofs[i]);
            tcase t = gtrie_case(&g, i);
            if (k == 0) check_accept(&p, &t);
            check_refused(&p, &t);
            CASE_END();
        }
        gtrie_free(&g);
    }
    /* The sets above must have exercised both extension forms. */
    CHECK_EQ_INT(seen_flags & 3, 3);
}

/* The system's shape is the same for every proof under the same parameters: the
 * disabled levels cost what the used ones do. */
TEST(shape_independent_of_proof)
{
    CASE_BEGIN("1-node and 3-node proofs build the same system");
    static const uint64_t one[] = {7}, three[] = {128, 129};
    gtrie g1, g3;
    gm_params p = {3, 135, 64};
    bool ok = gtrie_make(&g1, one, 1, 16) && gtrie_make(&g3, three, 2, 16);
    CHECK(ok);
    if (ok) {
        fx a, b;
        CHECK_EQ_INT(fx_build(&a, &p, g1.root, 7, (const uint8_t *const *)g1.proofs[0].nodes,
                              g1.proofs[0].lens, g1.proofs[0].n, g1.val[0], g1.vlen[0]),
                     ZK_OK);
        CHECK_EQ_INT(fx_build(&b, &p, g3.root, 129, (const uint8_t *const *)g3.proofs[1].nodes,
                              g3.proofs[1].lens, g3.proofs[1].n, g3.val[1], g3.vlen[1]),
                     ZK_OK);
        CHECK_EQ_INT(g3.proofs[1].n, 3);
        CHECK_EQ_INT(a.cs.n_cons, b.cs.n_cons);
        CHECK_EQ_INT(a.cs.n_vars, b.cs.n_vars);
        CHECK_EQ_INT(a.cs.n_terms, b.cs.n_terms);
        CHECK(fx_sat(&a) && fx_sat(&b));
        fx_free(&a);
        fx_free(&b);
    }
    gtrie_free(&g1);
    gtrie_free(&g3);
    CASE_END();
}

/* Parameters and witnesses the builder cannot take. */
TEST(refused_parameters)
{
    static const uint64_t two[] = {0, 1}; /* a root branch of 2 children */
    gtrie g;
    bool ok = gtrie_make(&g, two, 2, 8);
    CHECK(ok);
    if (!ok) goto out;
    const mpt_proof *pr = &g.proofs[0];
    const uint8_t *const *nodes = (const uint8_t *const *)pr->nodes;
    fx f;
    gm_params p = {3, 135, 64};
    CASE_BEGIN("bad parameters: ZK_ERR_USAGE");
    gm_params bad[] = {{0, 135, 64},
                       {GM_MAX_DEPTH + 1, 135, 64},
                       {3, GM_MIN_NODE_LEN - 1, 64},
                       {3, 135, 0},
                       {3, 135, GM_MAX_VALUE_LEN + 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ_INT(fx_build(&f, &bad[i], g.root, 0, nodes, pr->lens, pr->n, g.val[0], g.vlen[0]),
                     ZK_ERR_USAGE);
        fx_free(&f);
    }
    CHECK_EQ_INT(gm_keccak_blocks(&bad[0]), 0);
    CASE_END();
    CASE_BEGIN("witness past the parameters: ZK_ERR_RANGE");
    CHECK_EQ_INT(fx_build(&f, &p, g.root, 0, nodes, pr->lens, 0, g.val[0], g.vlen[0]),
                 ZK_ERR_RANGE);
    fx_free(&f);
    gm_params shallow = {1, 135, 64};
    CHECK_EQ_INT(fx_build(&f, &shallow, g.root, 0, nodes, pr->lens, pr->n, g.val[0], g.vlen[0]),
                 ZK_ERR_RANGE);
    fx_free(&f);
    gm_params small_node = {3, GM_MIN_NODE_LEN, 64}; /* the root branch is longer */
    CHECK(pr->lens[0] > GM_MIN_NODE_LEN);
    CHECK_EQ_INT(fx_build(&f, &small_node, g.root, 0, nodes, pr->lens, pr->n, g.val[0], g.vlen[0]),
                 ZK_ERR_RANGE);
    fx_free(&f);
    CHECK_EQ_INT(fx_build(&f, &p, g.root, 65536, nodes, pr->lens, pr->n, g.val[0], g.vlen[0]),
                 ZK_ERR_RANGE);
    fx_free(&f);
    uint8_t long_val[65] = {0}; /* a value length past max_value_len (64) */
    memcpy(long_val, g.val[0], g.vlen[0]);
    CHECK_EQ_INT(fx_build(&f, &p, g.root, 0, nodes, pr->lens, pr->n, long_val, 65), ZK_ERR_RANGE);
    fx_free(&f);
    CASE_END();
out:
    gtrie_free(&g);
}

/* ---- the real block -------------------------------------------------------- */

/* Mainnet block 21925176: its receiptsRoot, real proofs of receipts 127, 0, 1, 128 and
 * 201 (keys 0x7f, 0x80, 0x01, 0x81 0x80, 0x81 0xc9; 3, 3, 3, 5 and 5 nodes). Receipt 127
 * is built into a circuit (1.9M constraints: 532-byte nodes, the production node size)
 * and attacked; every one goes through the builder's checks and refusals. */
TEST(mainnet_block_21925176)
{
    json_t *receipts = th_load_json("receipts/helios_mainnet_21925176_receipts.json");
    json_t *block = th_load_json("receipts/helios_mainnet_21925176_block.json");
    uint8_t **vals = NULL;
    size_t *lens = NULL, n = 0;
    if (!receipts || !block) goto out;
    uint8_t root[32];
    const char *hex = json_string_value(json_object_get(block, "receiptsRoot"));
    CHECK(hex && hex_decode_fixed(root, 32, hex, NULL) == ZK_OK);
    n = th_receipts_encode(&vals, &lens, receipts);
    CHECK_EQ_INT(n, 202);
    if (n != 202) goto out;
    static const size_t idxs[] = {127, 0, 1, 128, 201};
    for (size_t k = 0; k < sizeof idxs / sizeof idxs[0]; k++) {
        size_t i = idxs[k];
        CASE_BEGIN("block 21925176: receipt %zu (%zu bytes)", i, lens[i]);
        mpt_proof pr, other;
        mpt_proof_init(&pr);
        mpt_proof_init(&other);
        size_t j = (i + 1) % n;
        CHECK_EQ_INT(mpt_prove_index(&pr, (const uint8_t *const *)vals, lens, n, i, NULL), ZK_OK);
        CHECK_EQ_INT(mpt_prove_index(&other, (const uint8_t *const *)vals, lens, n, j, NULL),
                     ZK_OK);
        /* Each receipt's own value size, rounded up to 8 bytes; 128 and 201 sit under
         * four branches. */
        gm_params p = {i == 128 || i == 201 ? 5 : 3, 532, (lens[i] + 7) & ~(size_t)7};
        tcase t = {{0}, i, &pr, vals[i], lens[i], &other, j};
        memcpy(t.root, root, 32);
        if (k == 0) check_accept(&p, &t);
        check_refused(&p, &t);
        mpt_proof_clear(&pr);
        mpt_proof_clear(&other);
        CASE_END();
    }
out:
    for (size_t i = 0; i < n; i++)
        free(vals[i]);
    free(vals);
    free(lens);
    json_decref(receipts);
    json_decref(block);
}

TEST_MAIN(RUN(leaf_is_root); RUN(generated_tries); RUN(shape_independent_of_proof);
          RUN(refused_parameters); RUN(mainnet_block_21925176))
