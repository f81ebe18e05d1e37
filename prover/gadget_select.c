/* Reading an in-circuit byte array at a variable offset (see gadget_select.h).
 *
 * Two ways to move bytes from a variable offset:
 *   - an indicator vector ind (one-hot at the offset) and, per packed read of up to 31
 *     bytes, one constraint ind_i * (V_i - r) = 0 per position i, where V_i is the linear
 *     combination of the bits of bytes [i, i + nb). Exactly one ind_i is 1, so r = V_p;
 *     every other constraint holds because its ind_i is 0. Cost m * ceil(w / 31).
 *   - a barrel shifter over byte values: log2(n - w + 1) layers of selects driven by the
 *     bits of off, each layer keeping only the entries later layers can still reach.
 *     Cost about n * log2(n - w + 1), cheaper for long windows.
 * gsel_window and gsel_assert_window compute both costs and build the cheaper. */
#include "prover/gadget_select.h"

#include <stdbool.h>
#include <stdlib.h>

/* Out: *v = the witness of var if it is a 64-bit integer. Returns whether it is. */
static bool val_u64(const circ *c, r1cs_var var, uint64_t *v)
{
    uint64_t l[4];
    fr_to_limbs(l, circ_val(c, var));
    *v = l[0];
    return (l[1] | l[2] | l[3]) == 0;
}

static void fill_one(r1cs_var *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = R1CS_ONE;
}

/* lc += k * (value of byte i) = sum_j k 2^j bits[8i + j]; a byte at or past n adds nothing. */
static void lc_add_byte(circ *c, r1cs_lc *lc, const r1cs_var *bits, size_t n, size_t i, const fr *k)
{
    if (i >= n) return;
    fr f = *k;
    for (unsigned j = 0; j < 8; j++) {
        circ_lc_add(c, lc, bits[8 * i + j], &f);
        fr_dbl(&f, &f);
    }
}

/* Out: lc = sum_{d < nb} 256^d byte(i + d) (reset first). */
static void lc_packed(circ *c, r1cs_lc *lc, const r1cs_var *bits, size_t n, size_t i, size_t nb)
{
    fr k;
    fr_set_one(&k);
    r1cs_lc_reset(lc);
    for (size_t d = 0; d < nb; d++) {
        lc_add_byte(c, lc, bits, n, i + d, &k);
        for (unsigned j = 0; j < 8; j++)
            fr_dbl(&k, &k);
    }
}

static int check_sizes(circ *c, const char *who, size_t n, size_t w)
{
    if (!circ_ok(c)) return c->status;
    if (n == 0 || n > GSEL_MAX_BYTES)
        return circ_fail(c, ZK_ERR_USAGE, "%s: %zu bytes (1..%zu allowed)", who, n, GSEL_MAX_BYTES);
    if (w == 0 || w > n)
        return circ_fail(c, ZK_ERR_USAGE, "%s: window of %zu bytes in %zu", who, w, n);
    return ZK_OK;
}

void gsel_onehot(circ *c, r1cs_var idx, size_t n, r1cs_var *ind)
{
    fill_one(ind, n);
    if (check_sizes(c, "gsel_onehot", n, 1) != ZK_OK) return;
    uint64_t p = 0;
    bool in = val_u64(c, idx, &p) && p < n;
    /* An out-of-range idx still gets its constraints (all indicators 0, so the sum is
     * unsatisfied): the failure is recorded after them. */
    r1cs_lc sum, wsum;
    r1cs_lc_init(&sum);
    r1cs_lc_init(&wsum);
    circ_lc_add_k(c, &sum, R1CS_ONE, -1);
    circ_lc_add_k(c, &wsum, idx, -1);
    for (size_t i = 0; i < n; i++) {
        ind[i] = circ_bit(c, in && i == p);
        circ_lc_add_k(c, &sum, ind[i], 1);
        circ_lc_add_k(c, &wsum, ind[i], (int64_t)i);
    }
    /* sum ind = 1 with boolean ind over n < r positions: exactly one is set; the weighted
     * sum then names it, so idx is that position, an integer below n. */
    circ_assert_zero_lc(c, &sum);
    circ_assert_zero_lc(c, &wsum);
    r1cs_lc_clear(&sum);
    r1cs_lc_clear(&wsum);
    if (!in) circ_fail(c, ZK_ERR_RANGE, "gsel: index is not below %zu", n);
}

/* The packed read against want (a combination: assert) or a new variable (want NULL). */
static r1cs_var read_core(circ *c, const r1cs_var *bits, size_t n, const r1cs_var *ind, size_t m,
                          size_t disp, size_t nb, const r1cs_lc *want)
{
    if (!circ_ok(c)) return R1CS_ONE;
    if (nb == 0 || nb > GSEL_PACK_BYTES || m == 0 || n > GSEL_MAX_BYTES || disp > GSEL_MAX_BYTES) {
        circ_fail(c, ZK_ERR_USAGE, "gsel_read_at: %zu bytes at +%zu over %zu positions", nb, disp,
                  m);
        return R1CS_ONE;
    }
    r1cs_lc v, a, zero;
    r1cs_lc_init(&v);
    r1cs_lc_init(&a);
    r1cs_lc_init(&zero);
    /* The witness: V at the set position (0 when none is set, which the indicator's own
     * constraints already reject). */
    fr x;
    fr_set_zero(&x);
    for (size_t i = 0; i < m; i++)
        if (fr_is_one(circ_val(c, ind[i]))) {
            lc_packed(c, &v, bits, n, i + disp, nb);
            circ_lc_value(c, &x, &v);
            break;
        }
    r1cs_var r = R1CS_ONE;
    if (!want) r = circ_var(c, &x);
    for (size_t i = 0; i < m && circ_ok(c); i++) {
        /* ind_i * (V_i - r) = 0 */
        lc_packed(c, &v, bits, n, i + disp, nb);
        if (want)
            circ_lc_add_lc(c, &v, want, -1);
        else
            circ_lc_add_k(c, &v, r, -1);
        r1cs_lc_reset(&a);
        circ_lc_add_k(c, &a, ind[i], 1);
        circ_enforce_lc(c, &a, &v, &zero);
    }
    r1cs_lc_clear(&v);
    r1cs_lc_clear(&a);
    r1cs_lc_clear(&zero);
    return circ_ok(c) ? r : R1CS_ONE;
}

r1cs_var gsel_read_at(circ *c, const r1cs_var *bits, size_t n, const r1cs_var *ind, size_t m,
                      size_t disp, size_t nb, r1cs_var *out_bits)
{
    if (out_bits) fill_one(out_bits, 8 * nb);
    r1cs_var r = read_core(c, bits, n, ind, m, disp, nb, NULL);
    if (out_bits) circ_to_bits(c, r, (unsigned)(8 * nb), out_bits);
    return r;
}

r1cs_var gsel_byte_at(circ *c, const r1cs_var *bits, size_t n, r1cs_var off)
{
    if (check_sizes(c, "gsel_byte_at", n, 1) != ZK_OK) return R1CS_ONE;
    r1cs_var *ind = malloc(n * sizeof *ind);
    if (!ind) {
        circ_fail(c, ZK_ERR_NOMEM, "gsel_byte_at: %zu indicators", n);
        return R1CS_ONE;
    }
    gsel_onehot(c, off, n, ind);
    r1cs_var r = read_core(c, bits, n, ind, n, 0, 1, NULL);
    free(ind);
    return r;
}

/* Number of bits of v (0 for 0). */
static unsigned bit_len(size_t v)
{
    unsigned l = 0;
    while (v) {
        l++;
        v >>= 1;
    }
    return l;
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Entries of layer k + 1 of the barrel shifter: what shifts by the higher bits can still
 * bring into the first w, capped at n. */
static size_t barrel_size(size_t n, size_t w, unsigned l, unsigned k)
{
    return min_size(n, w + ((size_t)1 << l) - ((size_t)1 << (k + 1)));
}

static size_t cost_onehot(size_t n, size_t w, bool bits_out)
{
    size_t m = n - w + 1, chunks = (w + GSEL_PACK_BYTES - 1) / GSEL_PACK_BYTES;
    return m + 2 + chunks * m + (bits_out ? 8 * w + chunks : 0);
}

static size_t cost_barrel(size_t n, size_t w, bool bits_out)
{
    unsigned l = bit_len(n - w);
    size_t total = 2 * ((size_t)l + 1) + (bits_out ? 9 * w : w);
    for (unsigned k = 0; k < l; k++)
        total += barrel_size(n, w, l, k);
    return total;
}

/* Out: out = s ? a : b, one constraint s * (a - b) = out - b. */
static r1cs_var select_lc(circ *c, r1cs_var s, const r1cs_lc *a, const r1cs_lc *b, r1cs_lc *t1,
                          r1cs_lc *t2, r1cs_lc *t3)
{
    fr x;
    circ_lc_value(c, &x, fr_is_zero(circ_val(c, s)) ? b : a);
    r1cs_var out = circ_var(c, &x);
    r1cs_lc_reset(t1);
    circ_lc_add_k(c, t1, s, 1);
    r1cs_lc_reset(t2);
    circ_lc_add_lc(c, t2, a, 1);
    circ_lc_add_lc(c, t2, b, -1);
    r1cs_lc_reset(t3);
    circ_lc_add_k(c, t3, out, 1);
    circ_lc_add_lc(c, t3, b, -1);
    circ_enforce_lc(c, t1, t2, t3);
    return out;
}

/* Out: vals[0..w) byte values of [off, off + w) by the barrel shifter; the caller checked
 * 1 <= w < n. Constrains off + w <= n. */
static void window_barrel(circ *c, const r1cs_var *bits, size_t n, r1cs_var off, size_t w,
                          r1cs_var *vals)
{
    unsigned l = bit_len(n - w);
    r1cs_var sbits[64];
    circ_to_bits(c, off, l, sbits);
    /* (n - w) - off in [0, 2^l) with off in [0, 2^l): off <= n - w as integers. */
    r1cs_lc slack;
    r1cs_lc_init(&slack);
    fr nw;
    fr_from_u64(&nw, (uint64_t)(n - w));
    circ_lc_add(c, &slack, R1CS_ONE, &nw);
    circ_lc_add_k(c, &slack, off, -1);
    r1cs_var sv = circ_lc_to_var(c, &slack);
    circ_range(c, sv, l);
    r1cs_lc_clear(&slack);

    r1cs_var *cur = NULL, *next = NULL;
    size_t cur_n = n;
    r1cs_lc a, b, t1, t2, t3;
    r1cs_lc_init(&a);
    r1cs_lc_init(&b);
    r1cs_lc_init(&t1);
    r1cs_lc_init(&t2);
    r1cs_lc_init(&t3);
    fr one;
    fr_set_one(&one);
    for (unsigned k = 0; k < l && circ_ok(c); k++) {
        size_t sz = barrel_size(n, w, l, k), sh = (size_t)1 << k;
        next = malloc(sz * sizeof *next);
        if (!next) {
            circ_fail(c, ZK_ERR_NOMEM, "gsel_window: barrel layer of %zu", sz);
            break;
        }
        for (size_t i = 0; i < sz && circ_ok(c); i++) {
            /* Layer 0 reads the byte values (linear in the bits); later layers their
             * variables. An entry past the previous layer is never selected (off is in
             * range) and reads as 0. */
            r1cs_lc_reset(&a);
            r1cs_lc_reset(&b);
            if (k == 0) {
                lc_add_byte(c, &a, bits, n, i + sh, &one);
                lc_add_byte(c, &b, bits, n, i, &one);
            } else {
                if (i + sh < cur_n) circ_lc_add_k(c, &a, cur[i + sh], 1);
                circ_lc_add_k(c, &b, cur[i], 1);
            }
            next[i] = select_lc(c, sbits[k], &a, &b, &t1, &t2, &t3);
        }
        free(cur);
        cur = next;
        next = NULL;
        cur_n = sz;
    }
    for (size_t i = 0; i < w; i++)
        vals[i] = (circ_ok(c) && cur) ? cur[i] : R1CS_ONE;
    free(cur);
    r1cs_lc_clear(&a);
    r1cs_lc_clear(&b);
    r1cs_lc_clear(&t1);
    r1cs_lc_clear(&t2);
    r1cs_lc_clear(&t3);
}

/* The shared body of gsel_window (want NULL, out_bits set) and gsel_assert_window. */
static void window(circ *c, const char *who, const r1cs_var *bits, size_t n, r1cs_var off, size_t w,
                   r1cs_var *out_bits, const r1cs_var *want)
{
    if (out_bits) fill_one(out_bits, 8 * w);
    if (check_sizes(c, who, n, w) != ZK_OK) return;
    uint64_t o = 0;
    if (!val_u64(c, off, &o) || o > n - w) {
        circ_fail(c, ZK_ERR_RANGE, "%s: a window of %zu bytes at offset %s%llu runs past %zu bytes",
                  who, w, val_u64(c, off, &o) ? "" : ">= 2^64 or ", (unsigned long long)o, n);
        return;
    }
    bool bits_out = want == NULL;
    r1cs_lc wl;
    r1cs_lc_init(&wl);
    if (n > w && cost_barrel(n, w, bits_out) < cost_onehot(n, w, bits_out)) {
        r1cs_var *vals = malloc(w * sizeof *vals);
        if (!vals) {
            circ_fail(c, ZK_ERR_NOMEM, "%s: %zu bytes", who, w);
            return;
        }
        window_barrel(c, bits, n, off, w, vals);
        fr one;
        fr_set_one(&one);
        for (size_t i = 0; i < w && circ_ok(c); i++) {
            if (bits_out) {
                circ_to_bits(c, vals[i], 8, out_bits + 8 * i);
            } else {
                /* want_i - vals[i] = 0 */
                r1cs_lc_reset(&wl);
                circ_lc_add_k(c, &wl, vals[i], -1);
                lc_add_byte(c, &wl, want, w, i, &one);
                circ_assert_zero_lc(c, &wl);
            }
        }
        free(vals);
    } else {
        size_t m = n - w + 1;
        r1cs_var *ind = malloc(m * sizeof *ind);
        if (!ind) {
            circ_fail(c, ZK_ERR_NOMEM, "%s: %zu indicators", who, m);
            return;
        }
        gsel_onehot(c, off, m, ind);
        for (size_t d = 0; d < w && circ_ok(c); d += GSEL_PACK_BYTES) {
            size_t nb = min_size(GSEL_PACK_BYTES, w - d);
            if (bits_out) {
                gsel_read_at(c, bits, n, ind, m, d, nb, out_bits + 8 * d);
            } else {
                lc_packed(c, &wl, want, w, d, nb);
                read_core(c, bits, n, ind, m, d, nb, &wl);
            }
        }
        free(ind);
    }
    r1cs_lc_clear(&wl);
    if (!bits_out && circ_ok(c)) {
        /* A witness that differs is a false statement: say so after the constraints. */
        for (size_t i = 0; i < 8 * w; i++)
            if (!fr_eq(circ_val(c, bits[8 * (o + i / 8) + i % 8]), circ_val(c, want[i]))) {
                circ_fail(c, ZK_ERR_MISMATCH, "%s: byte %zu of the window differs", who, i / 8);
                break;
            }
    }
}

void gsel_window(circ *c, const r1cs_var *bits, size_t n, r1cs_var off, size_t w,
                 r1cs_var *out_bits)
{
    window(c, "gsel_window", bits, n, off, w, out_bits, NULL);
}

void gsel_assert_window(circ *c, const r1cs_var *bits, size_t n, r1cs_var off, size_t w,
                        const r1cs_var *want_bits)
{
    window(c, "gsel_assert_window", bits, n, off, w, NULL, want_bits);
}
