/* Receipts-trie inclusion in-circuit (see gadget_mpt.h).
 *
 * The walk keeps the key state as a position pos (key nibbles consumed so far) and,
 * at each slot, its one-hot vector over 0..GM_KEY_NIBBLES, so that "the key's nibble
 * at pos + j" is a handful of products with the (at most 6) key nibbles. The key is
 * padded with the value 16, which no path nibble can equal: a path that runs past the
 * key's end fails its own comparison. The leaf closes the walk with pos + its path
 * length == the key's nibble count.
 *
 * Before any constraint is built the proof is walked natively by the same rules
 * (walk_native), so a false statement is refused with its reason instead of yielding
 * an unsatisfiable system, and the per-slot witness choices (branch or extension,
 * active or not) come from that walk. */
#include "prover/gadget_mpt.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lightclient/keccak.h"
#include "lightclient/mpt.h"
#include "lightclient/rlp.h"
#include "prover/gadget_bits.h"
#include "prover/gadget_keccak.h"
#include "prover/gadget_rlp.h"
#include "prover/gadget_select.h"

/* A receipts-trie key RLP(index), index < 2^16, has at most 3 bytes = 6 nibbles. */
#define GM_KEY_NIBBLES 6
/* Positions 0..6 (pos == 6 once a 3-byte key is consumed). */
#define GM_POSITIONS (GM_KEY_NIBBLES + 1)
/* Key padding: not a nibble. */
#define GM_KEY_PAD 16
/* Bytes of the hex-prefix path read: a 6-nibble even path is 4 bytes (flag byte + 3). */
#define GM_HP_BYTES 4
/* The path item sits in a node's first bytes (list header <= 3, item header 1), so its
 * bytes are read from this prefix of the node: cheaper than a window over the node. */
#define GM_HP_SPAN 16
/* Items of a branch node: 16 children and the value. */
#define GM_BRANCH_ITEMS 17

/* The dummy node of a disabled slot: the extension [0x00, 32 zero bytes]. It passes
 * every check that is not switched off by the slot's active bit. */
static const uint8_t gm_dummy_node[35] = {0xe2, 0x00, 0xa0};

void gm_params_default(gm_params *p)
{
    p->max_depth = 6;
    p->max_node_len = 532;
    p->max_value_len = 2048;
}

static size_t leaf_slot_len(const gm_params *p)
{
    return p->max_value_len + GM_LEAF_OVERHEAD;
}

/* Keccak-f permutations of a variable-length hash of at most n bytes: the padding
 * takes at least one byte, so ceil((n + 1) / 136). */
static size_t keccak_blocks(size_t n)
{
    return n / 136 + 1;
}

static bool is_params_ok(const gm_params *p)
{
    return p->max_depth >= 1 && p->max_depth <= GM_MAX_DEPTH &&
           p->max_node_len >= GM_MIN_NODE_LEN && p->max_node_len <= 65535 &&
           p->max_value_len >= 1 && p->max_value_len <= GM_MAX_VALUE_LEN;
}

size_t gm_keccak_blocks(const gm_params *p)
{
    if (!is_params_ok(p)) return 0;
    return (p->max_depth - 1) * keccak_blocks(p->max_node_len) + keccak_blocks(leaf_slot_len(p));
}

/* ---- the native walk ------------------------------------------------------- */

/* Decodes a node as an RLP list of 2 or 17 items. Returns ZK_OK or ZK_ERR_REJECTED. */
static int node_items(rlp_item *items, size_t *n_items, const uint8_t *node, size_t len, size_t i,
                      zk_errbuf *err)
{
    rlp_item list;
    zk_errbuf e;
    if (rlp_decode(&list, node, len, &e) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: malformed RLP: %s", i, e.msg);
    *n_items = GM_BRANCH_ITEMS;
    if (!list.is_list || rlp_list_items(items, n_items, &list, &e) != ZK_OK ||
        (*n_items != 2 && *n_items != GM_BRANCH_ITEMS))
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: not a list of 2 or 17 items", i);
    return ZK_OK;
}

/* Checks a hex-prefix path against key[*pos..): flag (0/1 extension, 2/3 leaf) as
 * want_leaf says, an even path's pad nibble zero, its nibbles equal to the key's.
 * Advances *pos. Returns ZK_OK or ZK_ERR_REJECTED. */
static int path_match(size_t *pos, const rlp_item *hp, int want_leaf, const uint8_t *key_nib,
                      size_t key_n, size_t i, zk_errbuf *err)
{
    if (hp->is_list || hp->payload_len == 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: path is not a hex-prefix string", i);
    unsigned flag = hp->payload[0] >> 4;
    if ((flag >> 1) != (unsigned)want_leaf || flag > 3)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: expected %s node (hex-prefix flag %u)", i,
                       want_leaf ? "a leaf" : "an extension", flag);
    int odd = flag & 1;
    if (!odd && (hp->payload[0] & 0x0f))
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: even hex-prefix with a non-zero pad", i);
    size_t plen = 2 * hp->payload_len - 2 + (size_t)odd;
    if (plen > key_n - *pos)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: path runs past the key", i);
    if (!want_leaf && plen == 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: extension with an empty path", i);
    for (size_t j = 0; j < plen; j++) {
        size_t t = j + (odd ? 1 : 2); /* nibble t of the hex-prefix bytes */
        uint8_t b = hp->payload[t / 2];
        uint8_t nib = (t & 1) ? (b & 0x0f) : (b >> 4);
        if (nib != key_nib[*pos + j])
            return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: path leaves the key at nibble %zu", i,
                           *pos + j);
    }
    *pos += plen;
    return ZK_OK;
}

/* Walks the proof natively by the circuit's rules.
 * Out: is_branch[i] for the inner nodes i < n_nodes - 1.
 * Returns ZK_OK or ZK_ERR_REJECTED with the reason. */
static int walk_native(uint8_t *is_branch, const uint8_t root[32], uint64_t index,
                       const uint8_t *const *nodes, const size_t *lens, size_t n_nodes,
                       const uint8_t *value, size_t value_len, zk_errbuf *err)
{
    uint8_t key[9], key_nib[2 * 9], h[32];
    size_t key_n = 2 * mpt_index_key(key, index), pos = 0;
    for (size_t i = 0; i < key_n; i++)
        key_nib[i] = (i & 1) ? (key[i / 2] & 0x0f) : (key[i / 2] >> 4);
    keccak256(h, nodes[0], lens[0]);
    if (memcmp(h, root, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "the root node's hash is not the root");
    for (size_t i = 0; i + 1 < n_nodes; i++) {
        rlp_item items[GM_BRANCH_ITEMS];
        size_t n_items;
        int rc = node_items(items, &n_items, nodes[i], lens[i], i, err);
        if (rc != ZK_OK) return rc;
        const rlp_item *child;
        is_branch[i] = n_items == GM_BRANCH_ITEMS;
        if (is_branch[i]) {
            if (pos >= key_n)
                return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: a branch after the key's end", i);
            child = &items[key_nib[pos++]];
        } else {
            rc = path_match(&pos, &items[0], 0, key_nib, key_n, i, err);
            if (rc != ZK_OK) return rc;
            child = &items[1];
        }
        if (child->is_list)
            return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: inlined child node (< 32 bytes)", i);
        if (child->payload_len != 32)
            return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: no hashed child on the key's path", i);
        keccak256(h, nodes[i + 1], lens[i + 1]);
        if (memcmp(h, child->payload, 32) != 0)
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "node %zu: its hash is not the reference in node %zu", i + 1, i);
    }
    size_t i = n_nodes - 1;
    rlp_item items[GM_BRANCH_ITEMS];
    size_t n_items;
    int rc = node_items(items, &n_items, nodes[i], lens[i], i, err);
    if (rc != ZK_OK) return rc;
    if (n_items != 2)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: the path ends at a branch, not a leaf", i);
    rc = path_match(&pos, &items[0], 1, key_nib, key_n, i, err);
    if (rc != ZK_OK) return rc;
    if (pos != key_n)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: the leaf's path ends before the key", i);
    if (items[1].is_list)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "node %zu: the leaf's value is a list", i);
    if (items[1].payload_len != value_len || memcmp(items[1].payload, value, value_len) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "the leaf's value is not the given value");
    return ZK_OK;
}

/* ---- small constraint helpers ---------------------------------------------- */

/* Out: lc = the terms (reset first). */
static void lc_set(circ *c, r1cs_lc *lc, const circ_term *t, size_t n)
{
    r1cs_lc_reset(lc);
    for (size_t i = 0; i < n; i++)
        circ_lc_add_k(c, lc, t[i].v, t[i].k);
}

/* Returns a new variable = a * b (one constraint). */
static r1cs_var lc_mul(circ *c, const r1cs_lc *a, const r1cs_lc *b)
{
    fr va, vb, x;
    circ_lc_value(c, &va, a);
    circ_lc_value(c, &vb, b);
    fr_mul(&x, &va, &vb);
    r1cs_var v = circ_var(c, &x);
    r1cs_lc o;
    r1cs_lc_init(&o);
    circ_lc_add_k(c, &o, v, 1);
    circ_enforce_lc(c, a, b, &o);
    r1cs_lc_clear(&o);
    return v;
}

/* Constrains a * b == 0 (one constraint). */
static void zero_product(circ *c, const r1cs_lc *a, const r1cs_lc *b)
{
    r1cs_lc o;
    r1cs_lc_init(&o);
    circ_enforce_lc(c, a, b, &o);
    r1cs_lc_clear(&o);
}

/* Out: lc = the nibble t of a byte-bit string (t even: high nibble of byte t/2). */
static void nibble_lc(circ *c, r1cs_lc *lc, const r1cs_var *bits, size_t t)
{
    r1cs_lc_reset(lc);
    const r1cs_var *b = bits + 8 * (t / 2) + ((t & 1) ? 0 : 4);
    for (unsigned k = 0; k < 4; k++)
        circ_lc_add_k(c, lc, b[k], (int64_t)1 << k);
}

/* Constrains s * (x - y) == 0 for the two 128-bit halves of 256-bit strings x and y:
 * where s = 1, x == y (the halves are below 2^128 < r, so equal packings mean equal
 * bits). s is the combination sel. */
static void cond_equal_256(circ *c, const r1cs_lc *sel, const r1cs_var *x, const r1cs_var *y)
{
    r1cs_lc dx, dy;
    r1cs_lc_init(&dx);
    r1cs_lc_init(&dy);
    for (size_t h = 0; h < 2; h++) {
        circ_pack_bits(c, &dx, x + 128 * h, 128);
        circ_pack_bits(c, &dy, y + 128 * h, 128);
        circ_lc_add_lc(c, &dx, &dy, -1);
        zero_product(c, sel, &dx);
    }
    r1cs_lc_clear(&dx);
    r1cs_lc_clear(&dy);
}

/* ---- the key --------------------------------------------------------------- */

typedef struct gm_key {
    r1cs_var nib[GM_KEY_NIBBLES]; /* RLP(index)'s nibbles, GM_KEY_PAD past its end */
    r1cs_var len;                 /* its nibble count: 2, 4 or 6 */
} gm_key;

/* RLP(index) for index < 2^16: 0x80 for 0, the byte itself for 1..127, 0x81 b for
 * 128..255, 0x82 hi lo above. The four cases are exclusive bits from the index's bits,
 * and each key nibble is a sum over the cases. */
static void key_build(circ *c, gm_key *k, r1cs_var index)
{
    r1cs_var b[16];
    circ_to_bits(c, index, 16, b);
    if (!circ_ok(c)) return;
    r1cs_lc t;
    r1cs_lc_init(&t);
    /* hz: the high byte is zero. */
    lc_set(c, &t,
           CTL({b[8], 1}, {b[9], 1}, {b[10], 1}, {b[11], 1}, {b[12], 1}, {b[13], 1}, {b[14], 1},
               {b[15], 1}));
    r1cs_var hz = circ_is_zero(c, circ_lc_to_var(c, &t));
    r1cs_var is0 = circ_is_zero(c, index);
    r1cs_var mid = circ_mul(c, b[7], hz); /* 128..255 */
    /* small = hz - is0 - mid (1..127), big = 1 - hz (>= 256). */
    r1cs_lc lo_lo, lo_hi, hi_lo, hi_hi, small, big, midl;
    r1cs_lc *all[] = {&lo_lo, &lo_hi, &hi_lo, &hi_hi, &small, &big, &midl};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        r1cs_lc_init(all[i]);
    lc_set(c, &lo_lo, CTL({b[0], 1}, {b[1], 2}, {b[2], 4}, {b[3], 8}));
    lc_set(c, &lo_hi, CTL({b[4], 1}, {b[5], 2}, {b[6], 4}, {b[7], 8}));
    lc_set(c, &hi_lo, CTL({b[8], 1}, {b[9], 2}, {b[10], 4}, {b[11], 8}));
    lc_set(c, &hi_hi, CTL({b[12], 1}, {b[13], 2}, {b[14], 4}, {b[15], 8}));
    lc_set(c, &small, CTL({hz, 1}, {is0, -1}, {mid, -1}));
    lc_set(c, &big, CTL({R1CS_ONE, 1}, {hz, -1}));
    lc_set(c, &midl, CT(mid));
    /* K0 = 8 (1 - small) + small lo_hi */
    r1cs_var p = lc_mul(c, &small, &lo_hi);
    lc_set(c, &t, CTL({R1CS_ONE, 8}, {hz, -8}, {is0, 8}, {mid, 8}, {p, 1}));
    k->nib[0] = circ_lc_to_var(c, &t);
    /* K1 = small lo_lo + mid + 2 big */
    p = lc_mul(c, &small, &lo_lo);
    lc_set(c, &t, CTL({p, 1}, {mid, 1}, {R1CS_ONE, 2}, {hz, -2}));
    k->nib[1] = circ_lc_to_var(c, &t);
    /* K2 = 16 (is0 + small) + mid lo_hi + big hi_hi;  K3 likewise with lo_lo, hi_lo. */
    for (size_t i = 0; i < 2; i++) {
        r1cs_var p1 = lc_mul(c, &midl, i ? &lo_lo : &lo_hi);
        r1cs_var p2 = lc_mul(c, &big, i ? &hi_lo : &hi_hi);
        lc_set(c, &t, CTL({hz, GM_KEY_PAD}, {mid, -GM_KEY_PAD}, {p1, 1}, {p2, 1}));
        k->nib[2 + i] = circ_lc_to_var(c, &t);
    }
    /* K4 = 16 (1 - big) + big lo_hi;  K5 likewise with lo_lo. */
    for (size_t i = 0; i < 2; i++) {
        r1cs_var p2 = lc_mul(c, &big, i ? &lo_lo : &lo_hi);
        lc_set(c, &t, CTL({hz, GM_KEY_PAD}, {p2, 1}));
        k->nib[4 + i] = circ_lc_to_var(c, &t);
    }
    /* len = 2 + 2 mid + 4 big */
    lc_set(c, &t, CTL({R1CS_ONE, 6}, {mid, 2}, {hz, -4}));
    k->len = circ_lc_to_var(c, &t);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        r1cs_lc_clear(all[i]);
    r1cs_lc_clear(&t);
}

/* Out: ks[j] = the key's nibble at pos + j (GM_KEY_PAD past the key), j < 6, where
 * hot[0..7) is pos's one-hot vector. */
static void key_window(circ *c, r1cs_var ks[GM_KEY_NIBBLES], const gm_key *k,
                       const r1cs_var hot[GM_POSITIONS])
{
    r1cs_lc t;
    r1cs_lc_init(&t);
    for (size_t j = 0; j < GM_KEY_NIBBLES; j++) {
        r1cs_lc_reset(&t);
        for (size_t q = 0; q < GM_POSITIONS; q++) {
            if (q + j < GM_KEY_NIBBLES)
                circ_lc_add_k(c, &t, circ_mul(c, hot[q], k->nib[q + j]), 1);
            else
                circ_lc_add_k(c, &t, hot[q], GM_KEY_PAD);
        }
        ks[j] = circ_lc_to_var(c, &t);
    }
    r1cs_lc_clear(&t);
}

/* Constrains the first plen nibbles of a hex-prefix path equal to ks[0..plen).
 * In: hp[0..32) the path's first 4 bytes, odd its odd flag (bit 4 of byte 0), plen_hot
 *     the one-hot vector of plen over 0..6 (plen 0, as in a disabled slot, checks
 *     nothing). */
static void path_constrain(circ *c, const r1cs_var hp[8 * GM_HP_BYTES], r1cs_var odd,
                           const r1cs_var plen_hot[GM_POSITIONS], const r1cs_var ks[GM_KEY_NIBBLES])
{
    r1cs_lc n1, n2, e, m;
    r1cs_lc_init(&n1);
    r1cs_lc_init(&n2);
    r1cs_lc_init(&e);
    r1cs_lc_init(&m);
    for (size_t j = 0; j < GM_KEY_NIBBLES; j++) {
        /* Path nibble j is hex-prefix nibble j + 1 when odd, j + 2 when even. */
        nibble_lc(c, &n1, hp, j + 1);
        nibble_lc(c, &n2, hp, j + 2);
        circ_lc_add_lc(c, &n1, &n2, -1);
        lc_set(c, &e, CT(odd));
        r1cs_var d = lc_mul(c, &e, &n1);
        /* e = path nibble - ks[j];  m = [j < plen] */
        r1cs_lc_reset(&e);
        circ_lc_add_lc(c, &e, &n2, 1);
        circ_lc_add_k(c, &e, d, 1);
        circ_lc_add_k(c, &e, ks[j], -1);
        r1cs_lc_reset(&m);
        for (size_t l = j + 1; l < GM_POSITIONS; l++)
            circ_lc_add_k(c, &m, plen_hot[l], 1);
        zero_product(c, &m, &e);
    }
    r1cs_lc_clear(&n1);
    r1cs_lc_clear(&n2);
    r1cs_lc_clear(&e);
    r1cs_lc_clear(&m);
}

/* ---- slots ----------------------------------------------------------------- */

typedef struct gm_slot {
    r1cs_var *bits; /* 8 n */
    size_t n;
    r1cs_var len;
    r1cs_var digest[256];
    r1cs_var ref[256]; /* inner slots: the child reference */
    r1cs_var active;   /* inner slots */
} gm_slot;

/* Allocates a slot's bytes (data[0..n)), its length and its hash. */
static void slot_alloc(circ *c, gm_slot *s, const uint8_t *data, size_t len)
{
    s->len = circ_var_u64(c, len);
    gb_alloc_bytes(c, data, s->n, s->bits);
    gk_keccak256_var(c, s->bits, s->n, s->len, s->digest);
}

/* Decodes the node of a slot as one list ending at its length. */
static void slot_list(circ *c, const gm_slot *s, r1cs_var zero, gr_item *list)
{
    gr_item_at(c, s->bits, s->n, zero, s->len, list);
    circ_assert_const(c, list->is_list, 1);
    circ_assert_equal(c, list->end, s->len);
}

/* An inner slot: a branch or an extension when active, anything satisfying the
 * structural checks (the dummy) when not. Advances *pos by the nibbles consumed. */
static void slot_inner(circ *c, gm_slot *s, r1cs_var zero, int is_branch, const gm_key *k,
                       r1cs_var *pos)
{
    r1cs_lc t, u;
    r1cs_lc_init(&t);
    r1cs_lc_init(&u);
    gr_item list, last, child, path;
    slot_list(c, s, zero, &list);
    /* Exactly 17 or 2 items: item 16 or 1 ends the list. */
    r1cs_var br = circ_bit(c, is_branch);
    lc_set(c, &t, CTL({R1CS_ONE, 1}, {br, GM_BRANCH_ITEMS - 2}));
    r1cs_var k_last = circ_lc_to_var(c, &t);
    gr_list_get(c, s->bits, s->n, &list, k_last, GM_BRANCH_ITEMS, &last);
    circ_assert_equal(c, last.end, list.end);
    /* The child: item key[pos] of a branch, item 1 of an extension. */
    r1cs_var hot[GM_POSITIONS], ks[GM_KEY_NIBBLES];
    gsel_onehot(c, *pos, GM_POSITIONS, hot);
    key_window(c, ks, k, hot);
    r1cs_var bn = circ_mul(c, br, ks[0]);
    lc_set(c, &t, CTL({bn, 1}, {R1CS_ONE, 1}, {br, -1}));
    r1cs_var k_ref = circ_lc_to_var(c, &t);
    gr_list_get(c, s->bits, s->n, &list, k_ref, GM_BRANCH_ITEMS, &child);
    /* A hashed child: a 32-byte string (an inlined node would be a list, a missing one
     * the empty string). */
    circ_assert_const(c, child.is_list, 0);
    circ_assert_const(c, child.payload_len, 32);
    gsel_window(c, s->bits, s->n, child.payload_off, 32, s->ref);
    /* The extension's path: item 0 (for a branch, item 0 is read and ignored). */
    gr_item_at(c, s->bits, s->n, list.payload_off, list.end, &path);
    r1cs_var hp[8 * GM_HP_BYTES];
    gsel_window(c, s->bits, GM_HP_SPAN, path.payload_off, GM_HP_BYTES, hp);
    r1cs_var ab = circ_mul(c, s->active, br);
    /* ext = active - ab: the checks below hold only for an active extension. */
    r1cs_lc ext;
    r1cs_lc_init(&ext);
    lc_set(c, &ext, CTL({s->active, 1}, {ab, -1}));
    /* Hex-prefix flag 0 or 1 (extension): bits 5..7 of the first byte clear; a string. */
    for (size_t j = 5; j < 8; j++) {
        lc_set(c, &t, CT(hp[j]));
        zero_product(c, &ext, &t);
    }
    lc_set(c, &t, CT(path.is_list));
    zero_product(c, &ext, &t);
    r1cs_var odd = hp[4];
    /* Even paths pad with a zero nibble: ext (1 - odd) nibble1 = 0. */
    lc_set(c, &t, CTL({R1CS_ONE, 1}, {odd, -1}));
    r1cs_var even_ext = lc_mul(c, &ext, &t);
    lc_set(c, &t, CT(even_ext));
    nibble_lc(c, &u, hp, 1);
    zero_product(c, &t, &u);
    /* plen = ext (2 payload_len - 2 + odd), at most 6, at least 1 for an extension. */
    lc_set(c, &t, CTL({path.payload_len, 2}, {R1CS_ONE, -2}, {odd, 1}));
    r1cs_var plen = lc_mul(c, &ext, &t);
    r1cs_var plen_hot[GM_POSITIONS];
    gsel_onehot(c, plen, GM_POSITIONS, plen_hot);
    lc_set(c, &t, CT(plen_hot[0]));
    zero_product(c, &ext, &t);
    path_constrain(c, hp, odd, plen_hot, ks);
    /* pos += ab (a branch takes one nibble) + plen (an extension its path). */
    lc_set(c, &t, CTL({*pos, 1}, {ab, 1}, {plen, 1}));
    *pos = circ_lc_to_var(c, &t);
    r1cs_lc_clear(&ext);
    r1cs_lc_clear(&t);
    r1cs_lc_clear(&u);
}

/* The leaf slot: [hex-prefix path, value], the path ending the key at pos, the value
 * string equal to value_bits[0..value_len). */
static void slot_leaf(circ *c, gm_slot *s, r1cs_var zero, const gm_key *k, r1cs_var pos,
                      const gm_params *p, const r1cs_var *value_bits, r1cs_var value_len)
{
    r1cs_lc t, u;
    r1cs_lc_init(&t);
    r1cs_lc_init(&u);
    gr_item list, path, val;
    slot_list(c, s, zero, &list);
    gr_item_at(c, s->bits, s->n, list.payload_off, list.end, &path);
    circ_assert_const(c, path.is_list, 0);
    gr_item_at(c, s->bits, s->n, path.end, list.end, &val);
    circ_assert_equal(c, val.end, list.end);
    circ_assert_const(c, val.is_list, 0);
    r1cs_var hp[8 * GM_HP_BYTES];
    gsel_window(c, s->bits, GM_HP_SPAN, path.payload_off, GM_HP_BYTES, hp);
    /* Hex-prefix flag 2 or 3 (leaf). */
    circ_assert_const(c, hp[5], 1);
    circ_assert_const(c, hp[6], 0);
    circ_assert_const(c, hp[7], 0);
    r1cs_var odd = hp[4];
    lc_set(c, &t, CTL({R1CS_ONE, 1}, {odd, -1}));
    nibble_lc(c, &u, hp, 1);
    zero_product(c, &t, &u);
    lc_set(c, &t, CTL({path.payload_len, 2}, {R1CS_ONE, -2}, {odd, 1}));
    r1cs_var plen = circ_lc_to_var(c, &t);
    r1cs_var plen_hot[GM_POSITIONS], hot[GM_POSITIONS], ks[GM_KEY_NIBBLES];
    gsel_onehot(c, plen, GM_POSITIONS, plen_hot);
    gsel_onehot(c, pos, GM_POSITIONS, hot);
    key_window(c, ks, k, hot);
    path_constrain(c, hp, odd, plen_hot, ks);
    /* The whole key is consumed: pos + plen == its length. */
    lc_set(c, &t, CTL({pos, 1}, {plen, 1}, {k->len, -1}));
    circ_assert_zero_lc(c, &t);
    /* The value: value_len <= max_value_len, the payload's length and bytes. */
    circ_assert_equal(c, val.payload_len, value_len);
    fr room;
    fr_from_u64(&room, (uint64_t)p->max_value_len);
    r1cs_lc_reset(&t);
    circ_lc_add(c, &t, R1CS_ONE, &room);
    circ_lc_add_k(c, &t, value_len, -1);
    circ_range(c, circ_lc_to_var(c, &t), 24);
    gsel_assert_window(c, s->bits, s->n, val.payload_off, p->max_value_len, value_bits);
    r1cs_lc_clear(&t);
    r1cs_lc_clear(&u);
}

/* ---- the gadget ------------------------------------------------------------ */

void gm_receipt_inclusion(circ *c, const gm_params *p, const r1cs_var root_bits[256],
                          r1cs_var index, const uint8_t *const *nodes, const size_t *node_lens,
                          size_t n_nodes, const r1cs_var *value_bits, r1cs_var value_len)
{
    if (!circ_ok(c)) return;
    if (!is_params_ok(p)) {
        circ_fail(c, ZK_ERR_USAGE,
                  "gm_receipt_inclusion: parameters out of range (depth %zu, node %zu, value %zu)",
                  p->max_depth, p->max_node_len, p->max_value_len);
        return;
    }
    const size_t depth = p->max_depth, n_inner = depth - 1, leaf_n = leaf_slot_len(p);
    if (n_nodes < 1 || n_nodes > depth) {
        circ_fail(c, ZK_ERR_RANGE, "receipt proof of %zu nodes (1..%zu allowed)", n_nodes, depth);
        return;
    }
    /* The witness, read back: index, value, root. */
    uint64_t idx = circ_val_u64(c, index), vlen = circ_val_u64(c, value_len);
    if (!circ_ok(c)) return;
    if (idx >= 65536 || vlen > p->max_value_len) {
        circ_fail(c, ZK_ERR_RANGE, "receipt index %llu (< 65536) or value length %llu (<= %zu)",
                  (unsigned long long)idx, (unsigned long long)vlen, p->max_value_len);
        return;
    }
    uint8_t root[32], is_branch[GM_MAX_DEPTH] = {0};
    uint8_t *value = malloc(p->max_value_len), *leaf_buf = calloc(leaf_n, 1),
            *node_buf = calloc(p->max_node_len, 1);
    gm_slot *slots = calloc(depth, sizeof *slots);
    r1cs_var *bits = malloc((n_inner * p->max_node_len + leaf_n) * 8 * sizeof *bits);
    if (!value || !leaf_buf || !node_buf || !slots || !bits) {
        circ_fail(c, ZK_ERR_NOMEM, "gm_receipt_inclusion: out of memory");
        goto out;
    }
    gb_bytes_value(c, root_bits, 32, root);
    gb_bytes_value(c, value_bits, p->max_value_len, value);
    if (!circ_ok(c)) goto out;
    zk_errbuf e;
    if (walk_native(is_branch, root, idx, nodes, node_lens, n_nodes, value, (size_t)vlen, &e) !=
        ZK_OK) {
        circ_fail(c, ZK_ERR_REJECTED, "receipt %llu inclusion: %s", (unsigned long long)idx, e.msg);
        goto out;
    }
    /* A true statement, but too big for the circuit. */
    for (size_t i = 0; i < n_nodes; i++) {
        size_t cap = i + 1 < n_nodes ? p->max_node_len : leaf_n;
        if (node_lens[i] > cap) {
            circ_fail(c, ZK_ERR_RANGE, "proof node %zu is %zu bytes (at most %zu)", i, node_lens[i],
                      cap);
            goto out;
        }
    }
    /* The value window below spans the leaf's header and max_value_len bytes (the walk
     * bounds the header by GM_LEAF_OVERHEAD; checked here for the copy that follows). */
    size_t leaf_len = node_lens[n_nodes - 1];
    if (leaf_len - (size_t)vlen > GM_LEAF_OVERHEAD) {
        circ_fail(c, ZK_ERR_RANGE, "the leaf's header is %zu bytes (at most %u)",
                  leaf_len - (size_t)vlen, GM_LEAF_OVERHEAD);
        goto out;
    }

    r1cs_var zero = circ_var_u64(c, 0);
    circ_assert_const(c, zero, 0);
    gm_key key;
    key_build(c, &key, index);
    for (size_t s = 0; s < depth; s++) {
        slots[s].bits = bits + s * p->max_node_len * 8;
        slots[s].n = s < n_inner ? p->max_node_len : leaf_n;
    }
    /* Inner slots: the proof's inner nodes, then the dummy, disabled. */
    r1cs_var pos = zero;
    for (size_t s = 0; s < n_inner; s++) {
        int active = s + 1 < n_nodes;
        const uint8_t *src = active ? nodes[s] : gm_dummy_node;
        size_t len = active ? node_lens[s] : sizeof gm_dummy_node;
        memset(node_buf, 0, p->max_node_len);
        memcpy(node_buf, src, len);
        slots[s].active = circ_bit(c, active);
        slot_alloc(c, &slots[s], node_buf, len);
        slot_inner(c, &slots[s], zero, active && is_branch[s], &key, &pos);
    }
    /* The leaf. Past its end, the slot holds value_bits' own bytes past value_len, so
     * that the fixed-width value window below matches them (neither the hash nor the RLP
     * walk reads past the end). */
    memcpy(leaf_buf, nodes[n_nodes - 1], leaf_len);
    memcpy(leaf_buf + leaf_len, value + vlen, p->max_value_len - (size_t)vlen);
    gm_slot *leaf = &slots[depth - 1];
    slot_alloc(c, leaf, leaf_buf, leaf_len);
    slot_leaf(c, leaf, zero, &key, pos, p, value_bits, value_len);

    /* The chain of hashes. Active bits only switch off going down; the last active
     * inner slot references the leaf, every other active one the next slot; the root
     * is the hash of slot 0, or of the leaf when no inner slot is active. */
    r1cs_lc sel;
    r1cs_lc_init(&sel);
    for (size_t s = 1; s < n_inner; s++) {
        lc_set(c, &sel, CTL({R1CS_ONE, 1}, {slots[s - 1].active, -1}));
        r1cs_lc a;
        r1cs_lc_init(&a);
        lc_set(c, &a, CT(slots[s].active));
        zero_product(c, &a, &sel);
        r1cs_lc_clear(&a);
    }
    for (size_t s = 0; s < n_inner; s++) {
        if (s + 1 < n_inner) {
            lc_set(c, &sel, CTL({slots[s].active, 1}, {slots[s + 1].active, -1}));
            cond_equal_256(c, &sel, slots[s].ref, leaf->digest);
            lc_set(c, &sel, CT(slots[s + 1].active));
            cond_equal_256(c, &sel, slots[s].ref, slots[s + 1].digest);
        } else {
            lc_set(c, &sel, CT(slots[s].active));
            cond_equal_256(c, &sel, slots[s].ref, leaf->digest);
        }
    }
    if (n_inner == 0) {
        gb_assert_equal_bits(c, root_bits, leaf->digest, 256);
    } else {
        lc_set(c, &sel, CTL({R1CS_ONE, 1}, {slots[0].active, -1}));
        cond_equal_256(c, &sel, root_bits, leaf->digest);
        lc_set(c, &sel, CT(slots[0].active));
        cond_equal_256(c, &sel, root_bits, slots[0].digest);
    }
    r1cs_lc_clear(&sel);
out:
    free(value);
    free(leaf_buf);
    free(node_buf);
    free(slots);
    free(bits);
}
