/* The finality statement (see stmt_finality.h). */
#include "prover/stmt_finality.h"

#include <stdlib.h>
#include <string.h>

#include "lightclient/bft.h"
#include "lightclient/ecdsa.h"
#include "lightclient/keccak.h"
#include "prover/circuit.h"
#include "prover/gadget_bits.h"
#include "prover/gadget_keccak.h"
#include "prover/gadget_rlp.h"
#include "prover/gadget_secp256k1.h"
#include "prover/gadget_select.h"

/* Fixed layout of a header RLP longer than 255 bytes (every header: the bloom alone is 256):
 * 0xf9 LL LL, then parentHash, ommersHash, coinbase, stateRoot, transactionsRoot,
 * receiptsRoot, logsBloom at fixed offsets, difficulty (1 for BFT) as one byte. */
#define OFF_RECEIPTS_ROOT 156 /* the 0xa0 prefix; the root is bytes 157..188 */
#define OFF_DIFFICULTY    448
#define OFF_NUMBER        449
/* The round byte lies past the bloom, so positions below can never be it. */
#define MIN_ROUND_OFF 449

static const struct {
    size_t off;
    uint8_t byte;
} fixed_bytes[] = {
    {0, 0xf9},   {3, 0xa0},   {36, 0xa0},  {69, 0x94},  {90, 0xa0},  {123, 0xa0},
    {156, 0xa0}, {189, 0xb9}, {190, 0x01}, {191, 0x00}, {448, 0x01},
};

void stmt_fin_default_params(stmt_fin_params *p, size_t n)
{
    p->max_validators = n;
    /* 449 fixed bytes, four scalars (9 each), the extraData and list prefixes (6), the
     * vanity (33), the validator list (3 + 21n), a vote (23), round and seals (2), mixHash
     * (33), nonce (9), and the fork fields up to Prague (baseFee 9, withdrawalsRoot 33,
     * blob gas 18, beacon root 33, requestsHash 33), rounded up to whole Keccak blocks
     * less one byte (the padding byte must fit). */
    size_t need = 449 + 36 + 6 + 33 + 3 + 21 * n + 23 + 2 + 33 + 9 + 9 + 33 + 18 + 33 + 33;
    p->max_header_len = ((need + 1 + 135) / 136) * 136 - 1;
}

size_t stmt_fin_slots(const stmt_fin_params *p)
{
    return (2 * p->max_validators + 2) / 3;
}

int stmt_fin_check_params(const stmt_fin_params *p, zk_errbuf *err)
{
    if (p->max_validators < 1 || p->max_validators > STMT_FIN_MAX_VALIDATORS)
        return ZK_FAIL(err, ZK_ERR_RANGE, "finality: validators must be 1..%d, not %zu",
                       STMT_FIN_MAX_VALIDATORS, p->max_validators);
    if (p->max_header_len < 512 || p->max_header_len > 16384)
        return ZK_FAIL(err, ZK_ERR_RANGE, "finality: max header length must be 512..16384, not %zu",
                       p->max_header_len);
    return ZK_OK;
}

void stmt_fin_commit(uint8_t out[32], const uint8_t (*addrs)[20], size_t n)
{
    uint8_t d[32];
    keccak256(d, n ? (const uint8_t *)addrs : (const uint8_t *)"", 20 * n);
    out[0] = 0;
    memcpy(out + 1, d, 31);
}

void stmt_fin_witness_clear(stmt_fin_witness *w)
{
    if (!w) return;
    free(w->preimage);
    memset(w, 0, sizeof *w);
}

static int cmp_addr(const void *a, const void *b)
{
    return memcmp(((const stmt_fin_slot *)a)->addr, ((const stmt_fin_slot *)b)->addr, 20);
}

static size_t index_of(const uint8_t (*list)[20], size_t n, const uint8_t addr[20])
{
    for (size_t i = 0; i < n; i++)
        if (!memcmp(list[i], addr, 20)) return i;
    return SIZE_MAX;
}

int stmt_fin_witness_from_header(stmt_fin_witness *w, const stmt_fin_params *p,
                                 const secp256k1_context *ctx, const eth_header *h,
                                 const uint8_t (*trusted)[20], size_t n_trusted, zk_errbuf *err)
{
    memset(w, 0, sizeof *w);
    int rc = stmt_fin_check_params(p, err);
    if (rc) return rc;
    if (n_trusted < 1 || n_trusted > p->max_validators)
        return ZK_FAIL(err, ZK_ERR_RANGE, "finality: trusted set of %zu, circuit holds 1..%zu",
                       n_trusted, p->max_validators);
    if (h->number < 1) return ZK_FAIL(err, ZK_ERR_USAGE, "finality: block 0 has no seals");
    bft_extra *x = malloc(sizeof *x);
    if (!x) return ZK_FAIL(err, ZK_ERR_NOMEM, "finality: out of memory");
    zk_buf pre;
    buf_init(&pre, 1u << 20);
    rc = bft_extra_decode(x, BFT_QBFT, h->extra_data, h->extra_len, err);
    if (rc) goto out;
    if (x->n_validators < 1 || x->n_validators > p->max_validators) {
        rc = ZK_FAIL(err, ZK_ERR_RANGE,
                     "finality: header lists %zu validators, circuit holds 1..%zu", x->n_validators,
                     p->max_validators);
        goto out;
    }
    if (x->round >= 128) {
        rc = ZK_FAIL(err, ZK_ERR_RANGE, "finality: round %u >= 128 is not supported by the circuit",
                     (unsigned)x->round);
        goto out;
    }
    if ((rc = bft_header_encode(&pre, BFT_QBFT, h, BFT_EXTRA_FOR_COMMIT_SEAL, err))) goto out;
    if (pre.len > p->max_header_len) {
        rc = ZK_FAIL(err, ZK_ERR_RANGE, "finality: header preimage is %zu bytes, circuit holds %zu",
                     pre.len, p->max_header_len);
        goto out;
    }
    uint8_t z[32];
    keccak256(z, pre.data, pre.len);

    /* Distinct signers that are members of L, in seal order. */
    stmt_fin_slot cand[VALSET_MAX];
    size_t n_cand = 0;
    for (size_t i = 0; i < x->n_seals; i++) {
        stmt_fin_slot s;
        memset(&s, 0, sizeof s);
        const uint8_t *seal = x->seals[i];
        if (ecdsa_recover(ctx, s.pub, z, seal, seal + 32, seal[64], ECDSA_ALLOW_HIGH_S, NULL))
            continue;
        eth_address_from_pubkey(s.addr, s.pub);
        memcpy(s.sig, seal, 64);
        s.rec_id = seal[64];
        size_t li = index_of((const uint8_t(*)[20])x->validators, x->n_validators, s.addr);
        if (li == SIZE_MAX) continue;
        int dup = 0;
        for (size_t j = 0; j < n_cand; j++)
            dup |= !memcmp(cand[j].addr, s.addr, 20);
        if (dup) continue;
        s.l_index = li;
        s.t_index = index_of(trusted, n_trusted, s.addr);
        s.in_trusted = s.t_index != SIZE_MAX;
        if (!s.in_trusted) s.t_index = 0;
        cand[n_cand++] = s;
    }
    size_t quorum = valset_bft_quorum(x->n_validators);
    size_t need_t = (n_trusted + 2) / 3;
    size_t n_t = 0;
    for (size_t i = 0; i < n_cand; i++)
        n_t += (size_t)cand[i].in_trusted;
    if (n_cand < quorum) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED, "finality: %zu valid seals of %zu validators, need %zu",
                     n_cand, x->n_validators, quorum);
        goto out;
    }
    if (n_t < need_t) {
        rc =
            ZK_FAIL(err, ZK_ERR_REJECTED, "finality: %zu seals by the trusted set of %zu, need %zu",
                    n_t, n_trusted, need_t);
        goto out;
    }
    /* A quorum, members of T first (they also count for the rotation rule). */
    size_t q = 0;
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < n_cand && q < quorum; i++)
            if (cand[i].in_trusted == pass) w->slots[q++] = cand[i];
    qsort(w->slots, q, sizeof w->slots[0], cmp_addr);
    w->n_slots = stmt_fin_slots(p);
    for (size_t i = 0; i < w->n_slots; i++) {
        if (i < q) {
            w->slots[i].counted = 1;
        } else {
            /* An idle slot verifies a copy of slot 0's signature and counts nothing. */
            w->slots[i] = w->slots[0];
            w->slots[i].counted = 0;
            w->slots[i].in_trusted = 0;
            w->slots[i].l_index = w->slots[i].t_index = 0;
        }
    }
    w->n_trusted = n_trusted;
    memcpy(w->trusted, trusted, 20 * n_trusted);
    w->preimage = pre.data;
    w->preimage_len = pre.len;
    pre.data = NULL;
    rc = ZK_OK;
out:
    buf_clear(&pre);
    free(x);
    if (rc) stmt_fin_witness_clear(w);
    return rc;
}

int stmt_fin_witness_synthetic(stmt_fin_witness *w, const stmt_fin_params *p,
                               const secp256k1_context *ctx, size_t n, zk_errbuf *err)
{
    memset(w, 0, sizeof *w);
    if (n < 1 || n > p->max_validators || n > STMT_FIN_MAX_VALIDATORS)
        return ZK_FAIL(err, ZK_ERR_RANGE, "finality: synthetic set of %zu validators", n);
    uint8_t keys[STMT_FIN_MAX_VALIDATORS][32];
    bft_extra *x = calloc(1, sizeof *x);
    if (!x) return ZK_FAIL(err, ZK_ERR_NOMEM, "finality: out of memory");
    int rc = ZK_OK;
    for (size_t i = 0; i < n && rc == ZK_OK; i++) {
        char seed[64];
        int m = snprintf(seed, sizeof seed, "zkrelay synthetic validator %zu", i);
        keccak256(keys[i], (const uint8_t *)seed, (size_t)m);
        uint8_t pub[64];
        rc = ecdsa_pubkey_from_seckey(ctx, pub, keys[i]);
        if (rc == ZK_OK) eth_address_from_pubkey(x->validators[i], pub);
    }
    x->vanity_len = 32;
    x->n_validators = n;
    eth_header h;
    header_init(&h);
    static const uint8_t empty_list = 0xc0;
    keccak256(h.ommers_hash, &empty_list, 1);
    memcpy(h.mix_hash, bft_istanbul_digest, 32);
    h.difficulty[31] = 1;
    h.number = 1;
    h.gas_limit = 30000000;
    h.timestamp = 1700000000;
    h.has_base_fee = true;
    h.base_fee[31] = 7;
    keccak256(h.receipts_root, (const uint8_t *)"receipts", 8);
    if (rc == ZK_OK) rc = bft_seal_header(&h, ctx, BFT_QBFT, x, (const uint8_t(*)[32])keys, n, err);
    if (rc == ZK_OK)
        rc = stmt_fin_witness_from_header(w, p, ctx, &h, (const uint8_t(*)[20])x->validators, n,
                                          err);
    header_clear(&h);
    zk_wipe(keys, sizeof keys);
    free(x);
    return rc;
}

/* ---- the circuit ------------------------------------------------------------------ */

/* A variable fixed to the constant k (one constraint). */
static r1cs_var const_var(circ *c, uint64_t k)
{
    r1cs_var v = circ_var_u64(c, k);
    circ_assert_const(c, v, k);
    return v;
}

/* A new variable = sum of (var, k) terms (one constraint). */
static r1cs_var lin(circ *c, const circ_term *t, size_t n)
{
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    for (size_t i = 0; i < n; i++)
        circ_lc_add_k(c, &lc, t[i].v, t[i].k);
    r1cs_var v = circ_lc_to_var(c, &lc);
    r1cs_lc_clear(&lc);
    return v;
}

/* Constrains byte i of the array equal to k (one constraint). */
static void assert_byte(circ *c, const r1cs_var *bits, size_t i, uint8_t k)
{
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    gb_byte_lc(c, &lc, bits + 8 * i);
    fr f;
    fr_from_u64(&f, k);
    fr_neg(&f, &f);
    circ_lc_add(c, &lc, R1CS_ONE, &f);
    circ_assert_zero_lc(c, &lc);
    r1cs_lc_clear(&lc);
}

/* Returns sum_i ind[i] * vals[i] (n + 1 constraints). */
static r1cs_var select_by(circ *c, const r1cs_var *ind, const r1cs_var *vals, size_t n)
{
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    for (size_t i = 0; i < n; i++)
        circ_lc_add_k(c, &lc, circ_mul(c, ind[i], vals[i]), 1);
    r1cs_var v = circ_lc_to_var(c, &lc);
    r1cs_lc_clear(&lc);
    return v;
}

/* The big-endian number held in the last len bytes of an 8-byte window (len <= 8). */
static r1cs_var scalar_from_window(circ *c, const r1cs_var win[64], r1cs_var len)
{
    r1cs_var e[9];
    gsel_onehot(c, len, 9, e);
    r1cs_lc acc, m, b;
    r1cs_lc_init(&acc);
    r1cs_lc_init(&m);
    r1cs_lc_init(&b);
    fr scale;
    for (int k = 0; k < 8; k++) {
        /* byte k belongs to the number when k >= 8 - len */
        r1cs_lc_reset(&m);
        for (int l = 8 - k; l <= 8; l++)
            circ_lc_add_k(c, &m, e[l], 1);
        gb_byte_lc(c, &b, win + 8 * k);
        fr prod_val, mv, bv;
        circ_lc_value(c, &mv, &m);
        circ_lc_value(c, &bv, &b);
        fr_mul(&prod_val, &mv, &bv);
        r1cs_var prod = circ_var(c, &prod_val);
        r1cs_lc out;
        r1cs_lc_init(&out);
        circ_lc_add_k(c, &out, prod, 1);
        circ_enforce_lc(c, &m, &b, &out);
        r1cs_lc_clear(&out);
        fr_set_one(&scale);
        for (int s = 0; s < 7 - k; s++) {
            fr f256;
            fr_from_u64(&f256, 256);
            fr_mul(&scale, &scale, &f256);
        }
        circ_lc_add(c, &acc, prod, &scale);
    }
    r1cs_var v = circ_lc_to_var(c, &acc);
    r1cs_lc_clear(&acc);
    r1cs_lc_clear(&m);
    r1cs_lc_clear(&b);
    return v;
}

/* Commitment digest of the first 20k bytes of addrs (k a variable). */
static void commit_digest(circ *c, const r1cs_var *addr_bits, size_t n, r1cs_var k, r1cs_var d[256])
{
    r1cs_var len = lin(c, CTL({k, 20}));
    gk_keccak256_var(c, addr_bits, 20 * n, len, d);
}

int stmt_fin_build(r1cs *cs, const stmt_fin_params *p, const stmt_fin_witness *w,
                   stmt_fin_public *pub, zk_errbuf *err)
{
    int rc = stmt_fin_check_params(p, err);
    if (rc) return rc;
    if (w->preimage_len > p->max_header_len || w->n_slots != stmt_fin_slots(p) ||
        w->n_trusted < 1 || w->n_trusted > p->max_validators)
        return ZK_FAIL(err, ZK_ERR_USAGE, "finality: witness does not match the parameters");
    const size_t n = p->max_header_len, nv = p->max_validators, ns = w->n_slots;
    circ cc, *c = &cc;
    circ_init(c, cs);
    uint8_t *buf = calloc(n + 20 * nv, 1);
    r1cs_var *pre = malloc(sizeof(r1cs_var) * 8 * n);
    r1cs_var *blk = malloc(sizeof(r1cs_var) * 8 * n);
    r1cs_var *tb = malloc(sizeof(r1cs_var) * 8 * 20 * nv);
    r1cs_var *lb = malloc(sizeof(r1cs_var) * 8 * 21 * nv);
    r1cs_var *lab = malloc(sizeof(r1cs_var) * 8 * 20 * nv);
    r1cs_var *ind = malloc(sizeof(r1cs_var) * (n + nv + 1));
    if (!buf || !pre || !blk || !tb || !lb || !lab || !ind) {
        circ_fail(c, ZK_ERR_NOMEM, "finality: out of memory");
        goto done;
    }

    /* ---- the preimage and its layout ---- */
    memcpy(buf, w->preimage, w->preimage_len);
    gb_alloc_bytes(c, buf, n, pre);
    r1cs_var len = circ_var_u64(c, w->preimage_len);
    for (size_t i = 0; i < sizeof fixed_bytes / sizeof fixed_bytes[0]; i++)
        assert_byte(c, pre, fixed_bytes[i].off, fixed_bytes[i].byte);
    {
        /* The list length bytes say len - 3. */
        r1cs_lc lc, b1, b2;
        r1cs_lc_init(&lc);
        r1cs_lc_init(&b1);
        r1cs_lc_init(&b2);
        gb_byte_lc(c, &b1, pre + 8);
        gb_byte_lc(c, &b2, pre + 16);
        circ_lc_add_lc(c, &lc, &b1, 256);
        circ_lc_add_lc(c, &lc, &b2, 1);
        circ_lc_add_k(c, &lc, R1CS_ONE, 3);
        circ_lc_add_k(c, &lc, len, -1);
        circ_assert_zero_lc(c, &lc);
        r1cs_lc_clear(&lc);
        r1cs_lc_clear(&b1);
        r1cs_lc_clear(&b2);
    }
    gr_item num, it, ed, x, van, vl, vote, round, seals;
    gr_item_at(c, pre, n, const_var(c, OFF_NUMBER), len, &num);
    r1cs_var win[64];
    gsel_window(c, pre, n, lin(c, CTL({num.end, 1}, {R1CS_ONE, -8})), 8, win);
    r1cs_var number = scalar_from_window(c, win, num.payload_len);
    circ_assert_const(c, num.is_list, 0);
    r1cs_var at = num.end;
    for (int f = 0; f < 3; f++) { /* gasLimit, gasUsed, timestamp */
        gr_item_at(c, pre, n, at, len, &it);
        circ_assert_const(c, it.is_list, 0);
        at = it.end;
    }
    gr_item_at(c, pre, n, at, len, &ed);
    circ_assert_const(c, ed.is_list, 0);
    gr_item_at(c, pre, n, ed.payload_off, ed.end, &x);
    circ_assert_const(c, x.is_list, 1);
    circ_assert_equal(c, x.end, ed.end);
    gr_item_at(c, pre, n, x.payload_off, x.end, &van);
    circ_assert_const(c, van.is_list, 0);
    circ_assert_const(c, van.payload_len, 32);
    gr_item_at(c, pre, n, van.end, x.end, &vl);
    circ_assert_const(c, vl.is_list, 1);
    gr_item_at(c, pre, n, vl.end, x.end, &vote);
    circ_assert_const(c, vote.is_list, 1); /* [] or [address, type], as Besu writes it */
    gr_item_at(c, pre, n, vote.end, x.end, &round);
    /* round < 128: a one-byte string item (0x80 for round 0, the byte itself otherwise; not
     * 0x00, a scalar with a leading zero, and not the empty list 0xc0) */
    circ_enforce(c, CTL({round.end, 1}, {round.off, -1}), CT(R1CS_ONE), CT(R1CS_ONE));
    circ_assert_const(c, round.is_list, 0);
    circ_assert_const(c, circ_is_zero(c, gsel_byte_at(c, pre, n, round.off)), 0);
    gr_item_at(c, pre, n, round.end, x.end, &seals);
    circ_assert_const(c, seals.is_list, 1);
    circ_assert_const(c, seals.payload_len, 0);
    circ_assert_equal(c, seals.end, x.end);

    /* ---- the validator list L of the header ---- */
    size_t kl_val = 0;
    {
        uint64_t pl = circ_val_u64(c, vl.payload_len);
        kl_val = (size_t)(pl / 21);
    }
    r1cs_var kl = circ_var_u64(c, kl_val);
    circ_enforce(c, CTL({kl, 21}), CT(R1CS_ONE), CT(vl.payload_len));
    r1cs_var kl_ind[STMT_FIN_MAX_VALIDATORS + 1];
    gsel_onehot(c, kl, nv + 1, kl_ind);
    circ_assert_const(c, kl_ind[0], 0);
    gsel_window(c, pre, n, vl.payload_off, 21 * nv, lb);
    r1cs_var l_addr[STMT_FIN_MAX_VALIDATORS];
    for (size_t i = 0; i < nv; i++) {
        /* entry i is live when i < kl: its prefix byte is 0x94 */
        r1cs_lc live, pfx, zero;
        r1cs_lc_init(&live);
        r1cs_lc_init(&pfx);
        r1cs_lc_init(&zero);
        for (size_t l = i + 1; l <= nv; l++)
            circ_lc_add_k(c, &live, kl_ind[l], 1);
        gb_byte_lc(c, &pfx, lb + 8 * 21 * i);
        circ_lc_add_k(c, &pfx, R1CS_ONE, -0x94);
        circ_enforce_lc(c, &live, &pfx, &zero);
        r1cs_lc_clear(&live);
        r1cs_lc_clear(&pfx);
        r1cs_lc_clear(&zero);
        memcpy(lab + 8 * 20 * i, lb + 8 * (21 * i + 1), sizeof(r1cs_var) * 160);
        l_addr[i] = gb_pack_be(c, lab + 8 * 20 * i, 20);
    }
    r1cs_var dl[256];
    commit_digest(c, lab, nv, kl, dl);

    /* ---- the trusted set T ---- */
    memset(buf, 0, 20 * nv);
    memcpy(buf, w->trusted, 20 * w->n_trusted);
    gb_alloc_bytes(c, buf, 20 * nv, tb);
    r1cs_var kt = circ_var_u64(c, w->n_trusted);
    r1cs_var kt_ind[STMT_FIN_MAX_VALIDATORS + 1];
    gsel_onehot(c, kt, nv + 1, kt_ind);
    circ_assert_const(c, kt_ind[0], 0);
    r1cs_var t_addr[STMT_FIN_MAX_VALIDATORS];
    for (size_t i = 0; i < nv; i++)
        t_addr[i] = gb_pack_be(c, tb + 8 * 20 * i, 20);
    r1cs_var dt[256];
    commit_digest(c, tb, nv, kt, dt);

    /* ---- the two hashes ---- */
    r1cs_var z[256], hh[256];
    /* P' = P with the round byte set to 0x80 */
    memcpy(blk, pre, sizeof(r1cs_var) * 8 * MIN_ROUND_OFF);
    {
        r1cs_var roff = lin(c, CTL({round.off, 1}, {R1CS_ONE, -(int64_t)MIN_ROUND_OFF}));
        gsel_onehot(c, roff, n - MIN_ROUND_OFF, ind);
        for (size_t i = MIN_ROUND_OFF; i < n; i++) {
            r1cs_var s = ind[i - MIN_ROUND_OFF];
            for (int j = 0; j < 8; j++) {
                r1cs_var b = pre[8 * i + j];
                int want = j == 7;
                /* s * (want - b) = b' - b */
                uint64_t bv = circ_val_u64(c, b), sv = circ_val_u64(c, s);
                r1cs_var nb = circ_var_u64(c, sv ? (uint64_t)want : bv);
                circ_enforce(c, CT(s), CTL({R1CS_ONE, want}, {b, -1}), CTL({nb, 1}, {b, -1}));
                blk[8 * i + j] = nb;
            }
        }
    }
    gk_keccak256_var_pair(c, pre, blk, n, len, MIN_ROUND_OFF, z, hh);

    /* ---- the seals ---- */
    r1cs_var prev_addr = R1CS_ONE, prev_counted = R1CS_ONE;
    r1cs_lc q_lc, t_lc;
    r1cs_lc_init(&q_lc);
    r1cs_lc_init(&t_lc);
    for (size_t s = 0; s < ns && circ_ok(c); s++) {
        const stmt_fin_slot *sl = &w->slots[s];
        r1cs_var pub_bits[512], ad[256];
        gs_ecdsa_verify(c, z, sl->pub, sl->sig, sl->rec_id, pub_bits);
        gk_keccak256(c, pub_bits, 64, ad);
        r1cs_var a = gb_pack_be(c, ad + 8 * 12, 20);
        r1cs_var counted = circ_bit(c, sl->counted);
        r1cs_var in_t = circ_bit(c, sl->in_trusted);
        /* counted slots come first; in_t implies counted */
        if (s > 0) circ_enforce(c, CT(counted), CTL({R1CS_ONE, 1}, {prev_counted, -1}), NULL, 0);
        circ_enforce(c, CT(in_t), CTL({R1CS_ONE, 1}, {counted, -1}), NULL, 0);
        /* member of L at index j < kl */
        r1cs_var j = circ_var_u64(c, sl->l_index);
        r1cs_var jind[STMT_FIN_MAX_VALIDATORS];
        gsel_onehot(c, j, nv, jind);
        r1cs_var la = select_by(c, jind, l_addr, nv);
        circ_enforce(c, CT(counted), CTL({a, 1}, {la, -1}), NULL, 0);
        r1cs_var jlt = circ_less_than(c, j, kl, 8);
        circ_enforce(c, CT(counted), CTL({R1CS_ONE, 1}, {jlt, -1}), NULL, 0);
        /* member of T at index i < kt when in_t */
        r1cs_var ti = circ_var_u64(c, sl->t_index);
        r1cs_var tind[STMT_FIN_MAX_VALIDATORS];
        gsel_onehot(c, ti, nv, tind);
        r1cs_var ta = select_by(c, tind, t_addr, nv);
        circ_enforce(c, CT(in_t), CTL({a, 1}, {ta, -1}), NULL, 0);
        r1cs_var tlt = circ_less_than(c, ti, kt, 8);
        circ_enforce(c, CT(in_t), CTL({R1CS_ONE, 1}, {tlt, -1}), NULL, 0);
        /* strictly increasing addresses among counted slots: distinct signers */
        if (s > 0) {
            r1cs_var inc = circ_less_than(c, prev_addr, a, 160);
            circ_enforce(c, CT(counted), CTL({R1CS_ONE, 1}, {inc, -1}), NULL, 0);
        }
        circ_lc_add_k(c, &q_lc, counted, 1);
        circ_lc_add_k(c, &t_lc, in_t, 1);
        prev_addr = a;
        prev_counted = counted;
    }
    {
        /* 3q >= 2 kl (Besu's quorum of L) and 3t >= kt (more than T's faults) */
        r1cs_lc d;
        r1cs_lc_init(&d);
        circ_lc_add_lc(c, &d, &q_lc, 3);
        circ_lc_add_k(c, &d, kl, -2);
        circ_range(c, circ_lc_to_var(c, &d), 8);
        r1cs_lc_reset(&d);
        circ_lc_add_lc(c, &d, &t_lc, 3);
        circ_lc_add_k(c, &d, kt, -1);
        circ_range(c, circ_lc_to_var(c, &d), 8);
        r1cs_lc_clear(&d);
    }
    r1cs_lc_clear(&q_lc);
    r1cs_lc_clear(&t_lc);

    /* ---- public signals, in order ---- */
    gb_pack_be_public(c, dt, 31);
    gb_pack_be_public(c, dl, 31);
    {
        r1cs_var hi = gb_pack_be(c, hh, 16);
        fr v, t128;
        fr_from_u64(&t128, 1);
        for (int i = 0; i < 128; i++)
            fr_dbl(&t128, &t128);
        fr_mul(&v, circ_val(c, number), &t128);
        fr_add(&v, &v, circ_val(c, hi));
        r1cs_var p2 = circ_public(c, &v);
        r1cs_lc lc;
        r1cs_lc_init(&lc);
        circ_lc_add(c, &lc, number, &t128);
        circ_lc_add_k(c, &lc, hi, 1);
        circ_lc_add_k(c, &lc, p2, -1);
        circ_assert_zero_lc(c, &lc);
        r1cs_lc_clear(&lc);
    }
    gb_pack_be_public(c, hh + 128, 16);
    gb_pack_be_public(c, pre + 8 * (OFF_RECEIPTS_ROOT + 1), 16);
    gb_pack_be_public(c, pre + 8 * (OFF_RECEIPTS_ROOT + 17), 16);

    if (pub && circ_ok(c)) {
        memset(pub, 0, sizeof *pub);
        stmt_fin_commit(pub->trusted_commit, (const uint8_t(*)[20])w->trusted, w->n_trusted);
        uint8_t lbytes[20 * STMT_FIN_MAX_VALIDATORS];
        gb_bytes_value(c, lab, 20 * kl_val, lbytes);
        stmt_fin_commit(pub->next_commit, (const uint8_t(*)[20])lbytes, kl_val);
        pub->number = circ_val_u64(c, number);
        gb_bytes_value(c, hh, 32, pub->header_hash);
        memcpy(pub->receipts_root, w->preimage + OFF_RECEIPTS_ROOT + 1, 32);
    }

done:
    rc = circ_status(c, err);
    circ_clear(c);
    free(buf);
    free(pre);
    free(blk);
    free(tb);
    free(lb);
    free(lab);
    free(ind);
    return rc;
}

static void fr_from_be_bytes(fr *out, const uint8_t *b, size_t n)
{
    uint8_t be[32] = {0};
    memcpy(be + 32 - n, b, n);
    fr_from_bytes_be_reduce(out, be);
}

void stmt_fin_public_signals(fr sig[STMT_FIN_N_PUBLIC], const stmt_fin_public *pub)
{
    fr_from_be_bytes(&sig[0], pub->trusted_commit, 32);
    fr_from_be_bytes(&sig[1], pub->next_commit, 32);
    uint8_t b[24];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(pub->number >> (56 - 8 * i));
    memcpy(b + 8, pub->header_hash, 16);
    fr_from_be_bytes(&sig[2], b, 24);
    fr_from_be_bytes(&sig[3], pub->header_hash + 16, 16);
    fr_from_be_bytes(&sig[4], pub->receipts_root, 16);
    fr_from_be_bytes(&sig[5], pub->receipts_root + 16, 16);
}
