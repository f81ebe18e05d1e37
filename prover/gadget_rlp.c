/* RLP structure in-circuit (see gadget_rlp.h).
 *
 * One item costs one indicator over the array (the prefix offset) and one packed read of
 * the three bytes at it (prefix, then the one or two length bytes of a long form): the
 * read is one product per position (gadget_select.h), so the item is about 2n + 70
 * constraints. The prefix byte's bits classify it (Yellow Paper appendix B):
 *   p7 = 0                        single byte, the item is the byte itself
 *   p7 = 1, p5 & p4 & p3 = 0      short form, payload length = p & 0x3f (<= 55)
 *   p7 = 1, p5 & p4 & p3 = 1      long form, p & 0x3f = 55 + number of length bytes,
 *                                 which must be 1 or 2 (p2 = p1 = 0), p0 = 1 for two
 *   p6 (with p7)                  list rather than string
 * Every offset and length is then a small integer by construction: off < n <= 2^20 (the
 * indicator), the header is at most 3 and the payload length at most 65535 (bytes), so
 * no sum wraps around in Fr; the bound end <= limit is a 24-bit range check of limit - end.
 *
 * The builder checks the witness natively as well, to refuse a false statement with a
 * message. An item's own constraints are added before its failure is recorded, so a test
 * can check that the constraints alone reject the bytes. */
#include "prover/gadget_rlp.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "prover/gadget_select.h"

/* Bits of the range checks on offsets and lengths. */
#define GR_LEN_BITS 24

/* The first native failure met while building, recorded once the constraints are in. */
typedef struct gr_verdict {
    int code;
    char msg[200];
} gr_verdict;

static void verdict_set(gr_verdict *v, int code, const char *fmt, ...) ZK_PRINTF(3, 4);
static void verdict_set(gr_verdict *v, int code, const char *fmt, ...)
{
    if (v->code != ZK_OK) return;
    v->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof v->msg, fmt, ap);
    va_end(ap);
}

static void verdict_record(circ *c, const gr_verdict *v)
{
    if (v->code != ZK_OK) circ_fail(c, v->code, "%s", v->msg);
}

static bool val_u64(const circ *c, r1cs_var var, uint64_t *v)
{
    uint64_t l[4];
    fr_to_limbs(l, circ_val(c, var));
    *v = l[0];
    return (l[1] | l[2] | l[3]) == 0;
}

/* The witness value of byte i (0 at or past n). */
static unsigned byte_val(const circ *c, const r1cs_var *bits, size_t n, uint64_t i)
{
    if (i >= n) return 0;
    unsigned b = 0;
    for (unsigned j = 0; j < 8; j++)
        if (!fr_is_zero(circ_val(c, bits[8 * i + j]))) b |= 1u << j;
    return b;
}

static void item_fill(gr_item *it)
{
    it->off = it->payload_off = it->payload_len = it->end = it->is_list = R1CS_ONE;
}

/* Constrains 0 <= v < 2^nb. Unlike circ_range, a witness that does not fit records no
 * failure: its low bits are taken and the constraint is left unsatisfied (the caller
 * reports the false statement with its own message). */
static void range_lenient(circ *c, r1cs_var v, unsigned nb)
{
    uint64_t l[4];
    fr_to_limbs(l, circ_val(c, v));
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    fr k;
    fr_set_one(&k);
    for (unsigned j = 0; j < nb; j++) {
        r1cs_var b = circ_bit(c, (int)((l[j / 64] >> (j % 64)) & 1));
        circ_lc_add(c, &lc, b, &k);
        fr_dbl(&k, &k);
    }
    circ_lc_add_k(c, &lc, v, -1);
    circ_assert_zero_lc(c, &lc);
    r1cs_lc_clear(&lc);
}

/* A new variable = a * lc (one constraint). */
static r1cs_var mul_lc(circ *c, r1cs_var a, const r1cs_lc *lc)
{
    fr x;
    circ_lc_value(c, &x, lc);
    fr_mul(&x, &x, circ_val(c, a));
    r1cs_var out = circ_var(c, &x);
    r1cs_lc la, lo;
    r1cs_lc_init(&la);
    r1cs_lc_init(&lo);
    circ_lc_add_k(c, &la, a, 1);
    circ_lc_add_k(c, &lo, out, 1);
    circ_enforce_lc(c, &la, lc, &lo);
    r1cs_lc_clear(&la);
    r1cs_lc_clear(&lo);
    return out;
}

/* Out: lc = sum_{j < nb} 2^j bits[j] + k (reset first). */
static void lc_bits(circ *c, r1cs_lc *lc, const r1cs_var *bits, unsigned nb, int64_t k)
{
    circ_pack_bits(c, lc, bits, nb);
    if (k) circ_lc_add_k(c, lc, R1CS_ONE, k);
}

/* The native decoding of the prefix at off, for the verdict: what the constraints will
 * accept. Out: *end. Returns ZK_OK or the failure written into v. */
static int item_native(const circ *c, const r1cs_var *bits, size_t n, uint64_t off, uint64_t limit,
                       uint64_t *end, gr_verdict *v)
{
    unsigned p = byte_val(c, bits, n, off), l1 = byte_val(c, bits, n, off + 1),
             l2 = byte_val(c, bits, n, off + 2);
    unsigned base = p >= 0xc0 ? 0xc0 : 0x80;
    uint64_t hdr, len;
    *end = 0;
    if (p < 0x80) {
        hdr = 0;
        len = 1;
    } else if (p - base <= 55) {
        hdr = 1;
        len = p - base;
        if (base == 0x80 && len == 1 && l1 < 0x80) {
            verdict_set(v, ZK_ERR_NONCANONICAL,
                        "RLP at %llu: the byte 0x%02x is wrapped in a one-byte string",
                        (unsigned long long)off, l1);
            return v->code;
        }
    } else {
        unsigned ll = p - base - 55;
        if (ll > 2) {
            verdict_set(v, ZK_ERR_RANGE,
                        "RLP at %llu: %u length bytes (items are limited to 65535 bytes)",
                        (unsigned long long)off, ll);
            return v->code;
        }
        if (l1 == 0) {
            verdict_set(v, ZK_ERR_NONCANONICAL, "RLP at %llu: a length with a leading zero byte",
                        (unsigned long long)off);
            return v->code;
        }
        hdr = 1 + ll;
        len = ll == 1 ? l1 : 256u * l1 + l2;
        if (len <= 55) {
            verdict_set(v, ZK_ERR_NONCANONICAL,
                        "RLP at %llu: a long form for a %llu-byte payload (short form fits)",
                        (unsigned long long)off, (unsigned long long)len);
            return v->code;
        }
    }
    *end = off + hdr + len;
    if (*end > limit) {
        verdict_set(v, ZK_ERR_MALFORMED, "RLP at %llu: the item ends at %llu, past its bound %llu",
                    (unsigned long long)off, (unsigned long long)*end, (unsigned long long)limit);
        return v->code;
    }
    return ZK_OK;
}

/* Builds the constraints of one item at off, bounded by limit, enabled by en (R1CS_ONE, or a
 * bit: when 0 the prefix is taken as a single byte 0 at offset 0 and the bound is dropped,
 * so a list walk can step past its chosen item). When enabled, the witness is checked
 * natively; a failure already in v stops the build (it is recorded), as does an offset past
 * the array, and the item's own failure is stored in v after its constraints. */
static void item_build(circ *c, const r1cs_var *bits, size_t n, r1cs_var off, r1cs_var limit,
                       r1cs_var en, gr_item *out, gr_verdict *v)
{
    item_fill(out);
    if (v->code != ZK_OK) verdict_record(c, v);
    if (!circ_ok(c)) return;
    bool active = en == R1CS_ONE || fr_is_one(circ_val(c, en));
    uint64_t o = 0, lim = 0, end = 0;
    if (active) {
        if (!val_u64(c, off, &o) || o >= n) {
            circ_fail(c, ZK_ERR_RANGE, "RLP item offset is past the array of %zu bytes", n);
            return;
        }
        if (!val_u64(c, limit, &lim)) lim = UINT64_MAX;
        item_native(c, bits, n, o, lim, &end, v);
    }

    r1cs_var off_e = en == R1CS_ONE ? off : circ_mul(c, en, off);
    r1cs_var *ind = malloc(n * sizeof *ind);
    if (!ind) {
        circ_fail(c, ZK_ERR_NOMEM, "RLP item: %zu indicators", n);
        return;
    }
    gsel_onehot(c, off_e, n, ind);
    r1cs_var pb[24];
    if (en == R1CS_ONE) {
        gsel_read_at(c, bits, n, ind, n, 0, 3, pb);
    } else {
        r1cs_var raw = gsel_read_at(c, bits, n, ind, n, 0, 3, NULL);
        circ_to_bits(c, circ_mul(c, en, raw), 24, pb);
    }
    free(ind);
    if (!circ_ok(c)) return;

    r1cs_lc t, u;
    r1cs_lc_init(&t);
    r1cs_lc_init(&u);
    r1cs_var p7 = pb[7];
    r1cs_var is_list = circ_and(c, p7, pb[6]);
    r1cs_var lng = circ_and(c, p7, circ_and(c, pb[5], circ_and(c, pb[4], pb[3])));
    /* A long form names 1 or 2 length bytes: p & 0x3f is 56 or 57. */
    circ_enforce(c, CT(lng), CT(pb[2]), NULL, 0);
    circ_enforce(c, CT(lng), CT(pb[1]), NULL, 0);
    r1cs_var two = circ_and(c, lng, pb[0]);
    /* short = p7 - lng, one = lng - two, single = 1 - p7 */
    lc_bits(c, &t, pb, 6, 0); /* low6 */
    r1cs_lc_reset(&u);
    circ_lc_add_k(c, &u, p7, 1);
    circ_lc_add_k(c, &u, lng, -1);
    r1cs_var short_len = circ_lc_to_var(c, &u); /* short as a variable, to multiply */
    r1cs_var sl = mul_lc(c, short_len, &t);
    r1cs_lc_reset(&u);
    circ_lc_add_k(c, &u, lng, 1);
    circ_lc_add_k(c, &u, two, -1);
    r1cs_var one = circ_lc_to_var(c, &u);
    lc_bits(c, &t, pb + 8, 8, 0); /* l1 */
    r1cs_var ol = mul_lc(c, one, &t);
    /* 256 l1 + l2: the two length bytes are big-endian */
    r1cs_lc_reset(&t);
    {
        fr k;
        fr_from_u64(&k, 1);
        for (unsigned j = 0; j < 8; j++) {
            circ_lc_add(c, &t, pb[16 + j], &k);
            fr_dbl(&k, &k);
        }
        for (unsigned j = 0; j < 8; j++) {
            circ_lc_add(c, &t, pb[8 + j], &k);
            fr_dbl(&k, &k);
        }
    }
    r1cs_var tl = mul_lc(c, two, &t);
    /* payload_len = short * low6 + one * l1 + two * (256 l1 + l2) + single */
    r1cs_lc_reset(&u);
    circ_lc_add_k(c, &u, sl, 1);
    circ_lc_add_k(c, &u, ol, 1);
    circ_lc_add_k(c, &u, tl, 1);
    circ_lc_add_k(c, &u, R1CS_ONE, 1);
    circ_lc_add_k(c, &u, p7, -1);
    r1cs_var payload_len = circ_lc_to_var(c, &u);
    /* header = short + 2 one + 3 two = p7 + lng + two */
    r1cs_lc_reset(&u);
    circ_lc_add_k(c, &u, off_e, 1);
    circ_lc_add_k(c, &u, p7, 1);
    circ_lc_add_k(c, &u, lng, 1);
    circ_lc_add_k(c, &u, two, 1);
    r1cs_var payload_off = circ_lc_to_var(c, &u);
    circ_lc_add_k(c, &u, payload_len, 1);
    r1cs_var end_v = circ_lc_to_var(c, &u);

    /* Canonical forms. 0x81 wraps only a byte >= 0x80 (bit 7 of the next byte). */
    r1cs_var p = circ_from_bits(c, pb, 8);
    r1cs_var w81 = circ_is_equal_const(c, p, 0x81);
    circ_enforce(c, CT(w81), CTL({R1CS_ONE, 1}, {pb[15], -1}), NULL, 0);
    /* One length byte: l1 >= 56, i.e. one * (l1 - 56) is in [0, 256). */
    lc_bits(c, &t, pb + 8, 8, -56);
    range_lenient(c, mul_lc(c, one, &t), 8);
    /* Two length bytes: no leading zero, l1 != 0 (then the length is >= 256). */
    r1cs_var l1z = circ_is_zero(c, circ_from_bits(c, pb + 8, 8));
    circ_enforce(c, CT(two), CT(l1z), NULL, 0);
    /* end <= limit: en * (limit - end) in [0, 2^24). */
    r1cs_lc_reset(&u);
    circ_lc_add_k(c, &u, limit, 1);
    circ_lc_add_k(c, &u, end_v, -1);
    r1cs_var slack = en == R1CS_ONE ? circ_lc_to_var(c, &u) : mul_lc(c, en, &u);
    range_lenient(c, slack, GR_LEN_BITS);
    r1cs_lc_clear(&t);
    r1cs_lc_clear(&u);
    if (!circ_ok(c)) return;

    out->off = off_e;
    out->payload_off = payload_off;
    out->payload_len = payload_len;
    out->end = end_v;
    out->is_list = is_list;
}

static int check_n(circ *c, const char *who, size_t n)
{
    if (!circ_ok(c)) return c->status;
    if (n == 0 || n > GSEL_MAX_BYTES)
        return circ_fail(c, ZK_ERR_USAGE, "%s: %zu bytes (1..%zu allowed)", who, n, GSEL_MAX_BYTES);
    return ZK_OK;
}

void gr_item_at(circ *c, const r1cs_var *bits, size_t n, r1cs_var off, r1cs_var limit, gr_item *out)
{
    item_fill(out);
    if (check_n(c, "gr_item_at", n) != ZK_OK) return;
    gr_verdict v = {ZK_OK, ""};
    item_build(c, bits, n, off, limit, R1CS_ONE, out, &v);
    verdict_record(c, &v);
}

/* Field f of it, in gr_item's order. */
static r1cs_var item_field(const gr_item *it, unsigned f)
{
    switch (f) {
    case 0:
        return it->off;
    case 1:
        return it->payload_off;
    case 2:
        return it->payload_len;
    case 3:
        return it->end;
    default:
        return it->is_list;
    }
}

/* Most items a list walk takes. */
#define GR_MAX_ITEMS 4096

static void list_get(circ *c, const r1cs_var *bits, size_t n, const gr_item *list, r1cs_var k,
                     size_t max_items, gr_item *out, gr_verdict *v)
{
    item_fill(out);
    if (v->code != ZK_OK) verdict_record(c, v);
    if (!circ_ok(c)) return;
    if (max_items == 0 || max_items > GR_MAX_ITEMS) {
        circ_fail(c, ZK_ERR_USAGE, "gr_list_get: max_items %zu (1..%d)", max_items, GR_MAX_ITEMS);
        return;
    }
    uint64_t kv = 0;
    if (!val_u64(c, k, &kv) || kv >= max_items) {
        circ_fail(c, ZK_ERR_RANGE, "RLP list: item number is not below the maximum %zu", max_items);
        return;
    }
    /* The native walk, for the message when the list has k items or fewer. */
    uint64_t cur = 0, lend = 0;
    if (val_u64(c, list->payload_off, &cur) && val_u64(c, list->end, &lend)) {
        for (uint64_t j = 0; j <= kv && v->code == ZK_OK; j++) {
            if (cur >= lend) {
                verdict_set(v, ZK_ERR_RANGE, "RLP list: item %llu asked, the list holds %llu",
                            (unsigned long long)kv, (unsigned long long)j);
                break;
            }
            /* An item's own failure is left to its build, which adds its constraints first. */
            uint64_t e = 0;
            gr_verdict scratch = {ZK_OK, ""};
            if (cur >= n || item_native(c, bits, n, cur, lend, &e, &scratch) != ZK_OK) break;
            cur = e;
        }
    }
    gr_item *its = malloc(max_items * sizeof *its);
    r1cs_var *ind = malloc(max_items * sizeof *ind);
    if (!its || !ind) {
        circ_fail(c, ZK_ERR_NOMEM, "RLP list walk of %zu items", max_items);
        goto out;
    }
    gsel_onehot(c, k, max_items, ind);
    /* en_j = 1 - sum_{i < j} ind_i: 1 up to item k, 0 after it. */
    r1cs_var en = R1CS_ONE, pos = list->payload_off;
    /* The walk's own verdict (too few items) comes first: the build records it. */
    gr_verdict vj = *v;
    for (size_t j = 0; j < max_items && circ_ok(c); j++) {
        item_build(c, bits, n, pos, list->end, en, &its[j], &vj);
        pos = its[j].end;
        if (j + 1 < max_items) {
            r1cs_lc lc;
            r1cs_lc_init(&lc);
            circ_lc_add_k(c, &lc, en, 1);
            circ_lc_add_k(c, &lc, ind[j], -1);
            en = circ_lc_to_var(c, &lc);
            r1cs_lc_clear(&lc);
        }
    }
    /* Out: each field = the one of item k, ind_j * (f_j - out) = 0 for every j. */
    r1cs_var *fo[5] = {&out->off, &out->payload_off, &out->payload_len, &out->end, &out->is_list};
    for (unsigned f = 0; f < 5 && circ_ok(c); f++) {
        r1cs_var o = circ_var(c, circ_val(c, item_field(&its[kv], f)));
        for (size_t j = 0; j < max_items; j++)
            circ_enforce(c, CT(ind[j]), CTL({item_field(&its[j], f), 1}, {o, -1}), NULL, 0);
        *fo[f] = o;
    }
    if (vj.code != ZK_OK) verdict_set(v, vj.code, "%s", vj.msg);
out:
    free(its);
    free(ind);
    if (!circ_ok(c)) item_fill(out);
}

void gr_list_get(circ *c, const r1cs_var *bits, size_t n, const gr_item *list, r1cs_var k,
                 size_t max_items, gr_item *out)
{
    item_fill(out);
    if (check_n(c, "gr_list_get", n) != ZK_OK) return;
    gr_verdict v = {ZK_OK, ""};
    list_get(c, bits, n, list, k, max_items, out, &v);
    verdict_record(c, &v);
}

/* Constrains var == k; a witness that differs sets the verdict to what. */
static void expect_const(circ *c, gr_verdict *v, r1cs_var var, uint64_t k, const char *what)
{
    if (!circ_ok(c)) return;
    uint64_t x = 0;
    if (!val_u64(c, var, &x) || x != k) verdict_set(v, ZK_ERR_MALFORMED, "receipt: %s", what);
    circ_assert_const(c, var, k);
}

static void expect_equal(circ *c, gr_verdict *v, r1cs_var a, r1cs_var b, const char *what)
{
    if (!circ_ok(c)) return;
    if (!fr_eq(circ_val(c, a), circ_val(c, b)))
        verdict_set(v, ZK_ERR_MALFORMED, "receipt: %s", what);
    circ_assert_equal(c, a, b);
}

/* Most logs a receipt walk takes (GR_MAX_ITEMS) and most topics a log has (EVM LOG4). */
#define GR_MAX_TOPICS 4

void gr_receipt_log(circ *c, const r1cs_var *rcpt_bits, size_t max_len, r1cs_var rcpt_len,
                    size_t max_logs, r1cs_var log_index, size_t n_topics, r1cs_var *address_bits,
                    r1cs_var *topic_bits)
{
    for (size_t i = 0; i < 160; i++)
        address_bits[i] = R1CS_ONE;
    for (size_t i = 0; topic_bits && i < 256 * n_topics && n_topics <= GR_MAX_TOPICS; i++)
        topic_bits[i] = R1CS_ONE;
    if (check_n(c, "gr_receipt_log", max_len) != ZK_OK) return;
    if (max_logs == 0 || max_logs > GR_MAX_ITEMS || n_topics > GR_MAX_TOPICS ||
        (n_topics > 0 && !topic_bits)) {
        circ_fail(c, ZK_ERR_USAGE, "gr_receipt_log: max_logs %zu (1..%d), %zu topics (0..%d)",
                  max_logs, GR_MAX_ITEMS, n_topics, GR_MAX_TOPICS);
        return;
    }
    gr_verdict v = {ZK_OK, ""};
    const size_t n = max_len;

    /* EIP-2718: a type byte 0x01..0x04 before the list, or the legacy list itself (its
     * prefix >= 0xc0). typed = 1 forces t - 1 in [0, 4); typed = 0 forces bits 7 and 6 of t;
     * both cannot hold, so typed is decided by t. */
    unsigned t0 = byte_val(c, rcpt_bits, n, 0);
    bool typed = t0 >= 1 && t0 <= 4;
    if (!typed && t0 < 0xc0)
        verdict_set(&v, ZK_ERR_MALFORMED,
                    "receipt: starts with 0x%02x, neither a type byte 0x01..0x04 nor a list", t0);
    r1cs_var ty = circ_bit(c, typed);
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    lc_bits(c, &lc, rcpt_bits, 8, -1);
    range_lenient(c, mul_lc(c, ty, &lc), 2);
    r1cs_lc_clear(&lc);
    circ_enforce(c, CTL({R1CS_ONE, 1}, {ty, -1}), CTL({R1CS_ONE, 1}, {rcpt_bits[7], -1}), NULL, 0);
    circ_enforce(c, CTL({R1CS_ONE, 1}, {ty, -1}), CTL({R1CS_ONE, 1}, {rcpt_bits[6], -1}), NULL, 0);

    /* rcpt_len <= max_len, so that no item reaches the zeros read past the array. */
    uint64_t rl = 0;
    if (!val_u64(c, rcpt_len, &rl) || rl > max_len)
        verdict_set(&v, ZK_ERR_RANGE, "receipt: its length is above the array's %zu bytes",
                    max_len);
    r1cs_lc_init(&lc);
    circ_lc_add_k(c, &lc, R1CS_ONE, (int64_t)max_len);
    circ_lc_add_k(c, &lc, rcpt_len, -1);
    range_lenient(c, circ_lc_to_var(c, &lc), GR_LEN_BITS);
    r1cs_lc_clear(&lc);

    /* [status, cumulativeGasUsed, logsBloom, logs], the whole of rcpt_len */
    gr_item rc, status, gas, bloom, logs, log, addr, topics, data, topic;
    item_build(c, rcpt_bits, n, ty, rcpt_len, R1CS_ONE, &rc, &v);
    expect_const(c, &v, rc.is_list, 1, "the receipt is not a list");
    expect_equal(c, &v, rc.end, rcpt_len, "the receipt does not end at its length");
    item_build(c, rcpt_bits, n, rc.payload_off, rc.end, R1CS_ONE, &status, &v);
    expect_const(c, &v, status.is_list, 0, "the status is a list");
    item_build(c, rcpt_bits, n, status.end, rc.end, R1CS_ONE, &gas, &v);
    expect_const(c, &v, gas.is_list, 0, "cumulativeGasUsed is a list");
    item_build(c, rcpt_bits, n, gas.end, rc.end, R1CS_ONE, &bloom, &v);
    expect_const(c, &v, bloom.is_list, 0, "the logs bloom is a list");
    expect_const(c, &v, bloom.payload_len, 256, "the logs bloom is not 256 bytes");
    item_build(c, rcpt_bits, n, bloom.end, rc.end, R1CS_ONE, &logs, &v);
    expect_const(c, &v, logs.is_list, 1, "the logs are not a list");
    expect_equal(c, &v, logs.end, rc.end, "the receipt has more than four fields");

    /* the log: [address, topics, data] */
    list_get(c, rcpt_bits, n, &logs, log_index, max_logs, &log, &v);
    expect_const(c, &v, log.is_list, 1, "the log is not a list");
    item_build(c, rcpt_bits, n, log.payload_off, log.end, R1CS_ONE, &addr, &v);
    expect_const(c, &v, addr.is_list, 0, "the log address is a list");
    expect_const(c, &v, addr.payload_len, 20, "the log address is not 20 bytes");
    item_build(c, rcpt_bits, n, addr.end, log.end, R1CS_ONE, &topics, &v);
    expect_const(c, &v, topics.is_list, 1, "the log topics are not a list");
    item_build(c, rcpt_bits, n, topics.end, log.end, R1CS_ONE, &data, &v);
    expect_const(c, &v, data.is_list, 0, "the log data is a list");
    expect_equal(c, &v, data.end, log.end, "the log has more than three fields");
    verdict_record(c, &v);
    gsel_window(c, rcpt_bits, n, addr.payload_off, 20, address_bits);

    /* The first n_topics topics, contiguous from the start of the topic list: each within
     * it, so the log has at least n_topics topics. */
    r1cs_var pos = topics.payload_off;
    for (size_t i = 0; i < n_topics && circ_ok(c); i++) {
        item_build(c, rcpt_bits, n, pos, topics.end, R1CS_ONE, &topic, &v);
        expect_const(c, &v, topic.is_list, 0, "a topic is a list");
        expect_const(c, &v, topic.payload_len, 32, "a topic is not 32 bytes");
        verdict_record(c, &v);
        gsel_window(c, rcpt_bits, n, topic.payload_off, 32, topic_bits + 256 * i);
        pos = topic.end;
    }
    verdict_record(c, &v);
    if (!circ_ok(c)) {
        for (size_t i = 0; i < 160; i++)
            address_bits[i] = R1CS_ONE;
        for (size_t i = 0; i < 256 * n_topics; i++)
            topic_bits[i] = R1CS_ONE;
    }
}
