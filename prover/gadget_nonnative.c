/* Non-native integer arithmetic in circuits (see gadget_nonnative.h). */
#include "prover/gadget_nonnative.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Largest |value| (log2) any combination we constrain may reach: below r/2 with margin. */
#define GN_SAFE_LOG 250.0

static const char SECP_P_HEX[] = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F";
static const char FR_R_HEX[] = "30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001";

int gn_ctx_init(gn_ctx *g, circ *c)
{
    memset(g, 0, sizeof *g);
    g->c = c;
    g->bn = BN_CTX_new();
    g->p = BN_new();
    g->r = BN_new();
    if (!g->bn || !g->p || !g->r || !BN_hex2bn(&g->p, SECP_P_HEX) || !BN_hex2bn(&g->r, FR_R_HEX)) {
        gn_ctx_clear(g);
        return ZK_ERR_NOMEM;
    }
    return ZK_OK;
}

void gn_ctx_clear(gn_ctx *g)
{
    if (!g) return;
    for (size_t i = 0; i <= GN_MAX_COEFS; i++)
        free(g->interp[i]);
    BN_free(g->p);
    BN_free(g->r);
    BN_CTX_free(g->bn);
    memset(g, 0, sizeof *g);
}

/* ---- Fr <-> signed big numbers -------------------------------------------- */

static void fr_from_bn(fr *out, const BIGNUM *v)
{
    uint8_t b[32];
    /* Callers keep |v| < 2^250, so 32 bytes always suffice. */
    BN_bn2binpad(v, b, 32);
    fr_from_bytes_be_reduce(out, b);
    if (BN_is_negative(v)) fr_neg(out, out);
}

/* Out: v = the signed integer an Fr value stands for (the representative in (-r/2, r/2)). */
static void bn_from_fr(gn_ctx *g, BIGNUM *v, const fr *x)
{
    uint8_t b[32];
    fr_to_bytes_be(b, x);
    BN_bin2bn(b, 32, v);
    /* Every combination we evaluate is below 2^250 in absolute value: anything larger
     * is the Fr image of a negative integer. */
    if (BN_num_bits(v) > 250) BN_sub(v, v, g->r);
}

static void lc_add_fr(gn_ctx *g, r1cs_lc *dst, const r1cs_lc *src, const fr *k)
{
    if (!circ_ok(g->c) || fr_is_zero(k)) return;
    int rc = r1cs_lc_add_lc(dst, src, k);
    if (rc) circ_fail(g->c, rc, "non-native: building a combination");
}

static void lc_add_const(gn_ctx *g, r1cs_lc *dst, const fr *k)
{
    if (!circ_ok(g->c) || fr_is_zero(k)) return;
    int rc = r1cs_lc_add_term(dst, R1CS_ONE, k);
    if (rc) circ_fail(g->c, rc, "non-native: building a combination");
}

static void fr_pow2(fr *out, unsigned e)
{
    fr_set_one(out);
    for (unsigned i = 0; i < e; i++)
        fr_dbl(out, out);
}

static double log2_add(double a, double b)
{
    double m = a > b ? a : b;
    return m + log2(exp2(a - m) + exp2(b - m)) + 1e-9;
}

/* ---- polynomials ---------------------------------------------------------- */

void gn_poly_init(gn_poly *a)
{
    memset(a, 0, sizeof *a);
}

void gn_poly_clear(gn_poly *a)
{
    if (!a) return;
    for (size_t i = 0; i < GN_MAX_COEFS; i++)
        r1cs_lc_clear(&a->c[i]);
    memset(a, 0, sizeof *a);
}

/* Replaces *dst by *src (ownership moves; src is left empty). */
static void poly_move(gn_poly *dst, gn_poly *src)
{
    gn_poly_clear(dst);
    *dst = *src;
    memset(src, 0, sizeof *src);
}

void gn_poly_copy(gn_ctx *g, gn_poly *dst, const gn_poly *src)
{
    gn_poly t;
    gn_poly_init(&t);
    fr one;
    fr_set_one(&one);
    t.n = src->n;
    t.lb = src->lb;
    for (size_t i = 0; i < src->n; i++)
        lc_add_fr(g, &t.c[i], &src->c[i], &one);
    poly_move(dst, &t);
}

void gn_poly_const(gn_ctx *g, gn_poly *a, const BIGNUM *v)
{
    gn_poly t;
    gn_poly_init(&t);
    int nb = BN_num_bits(v);
    size_t n = nb == 0 ? 1 : (size_t)(nb + GN_LIMB_BITS - 1) / GN_LIMB_BITS;
    if (BN_is_negative(v) || n > GN_MAX_COEFS) {
        circ_fail(g->c, ZK_ERR_INTERNAL, "gn_poly_const: constant out of range");
        poly_move(a, &t);
        return;
    }
    double maxl = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t limb = 0;
        for (unsigned j = 0; j < GN_LIMB_BITS; j++)
            if (BN_is_bit_set(v, (int)(i * GN_LIMB_BITS + j))) limb |= (uint64_t)1 << j;
        fr k;
        fr_from_u64(&k, limb);
        lc_add_const(g, &t.c[i], &k);
        if ((double)limb > maxl) maxl = (double)limb;
    }
    t.n = n;
    t.lb = log2(maxl + 1) + 1e-9;
    poly_move(a, &t);
}

void gn_poly_witness(gn_ctx *g, gn_poly *a, const BIGNUM *v, unsigned nbits, r1cs_var *bits)
{
    gn_poly t;
    gn_poly_init(&t);
    size_t n = (nbits + GN_LIMB_BITS - 1) / GN_LIMB_BITS;
    if (nbits == 0 || n > GN_MAX_COEFS) {
        circ_fail(g->c, ZK_ERR_INTERNAL, "gn_poly_witness: %u bits", nbits);
    } else if (BN_is_negative(v) || BN_num_bits(v) > (int)nbits) {
        circ_fail(g->c, ZK_ERR_RANGE, "non-native witness does not fit in %u bits", nbits);
    }
    if (!circ_ok(g->c)) {
        poly_move(a, &t);
        return;
    }
    r1cs_var local[GN_LIMB_BITS];
    for (size_t i = 0; i < n; i++) {
        unsigned w = nbits - (unsigned)(i * GN_LIMB_BITS);
        if (w > GN_LIMB_BITS) w = GN_LIMB_BITS;
        uint64_t limb = 0;
        for (unsigned j = 0; j < w; j++)
            if (BN_is_bit_set(v, (int)(i * GN_LIMB_BITS + j))) limb |= (uint64_t)1 << j;
        r1cs_var lv = circ_var_u64(g->c, limb);
        circ_to_bits(g->c, lv, w, bits ? bits + i * GN_LIMB_BITS : local);
        circ_lc_add_k(g->c, &t.c[i], lv, 1);
    }
    t.n = n;
    t.lb = nbits < GN_LIMB_BITS ? (double)nbits : (double)GN_LIMB_BITS;
    poly_move(a, &t);
}

void gn_poly_from_bits(gn_ctx *g, gn_poly *a, const r1cs_var *bits, unsigned nbits)
{
    gn_poly t;
    gn_poly_init(&t);
    size_t n = (nbits + GN_LIMB_BITS - 1) / GN_LIMB_BITS;
    if (nbits == 0 || n > GN_MAX_COEFS) {
        circ_fail(g->c, ZK_ERR_INTERNAL, "gn_poly_from_bits: %u bits", nbits);
        poly_move(a, &t);
        return;
    }
    for (unsigned k = 0; k < nbits; k++) {
        fr w;
        fr_pow2(&w, k % GN_LIMB_BITS);
        circ_lc_add(g->c, &t.c[k / GN_LIMB_BITS], bits[k], &w);
    }
    t.n = n;
    t.lb = nbits < GN_LIMB_BITS ? (double)nbits : (double)GN_LIMB_BITS;
    poly_move(a, &t);
}

void gn_poly_lin(gn_ctx *g, gn_poly *out, int64_t ka, const gn_poly *a, int64_t kb,
                 const gn_poly *b)
{
    gn_poly t;
    gn_poly_init(&t);
    size_t n = a->n;
    if (b && b->n > n) n = b->n;
    for (size_t i = 0; i < n; i++) {
        if (i < a->n) circ_lc_add_lc(g->c, &t.c[i], &a->c[i], ka);
        if (b && i < b->n) circ_lc_add_lc(g->c, &t.c[i], &b->c[i], kb);
    }
    t.n = n;
    double la = ka ? log2(fabs((double)ka)) + a->lb : -1000;
    double lbb = (b && kb) ? log2(fabs((double)kb)) + b->lb : -1000;
    t.lb = log2_add(la, lbb);
    if (t.lb < 0) t.lb = 0;
    poly_move(out, &t);
}

/* The N x N inverse Vandermonde matrix at the points 0, 1, -1, 2, -2, ... (row i gives
 * coefficient i as a combination of the N evaluations). */
static const fr *interp_matrix(gn_ctx *g, size_t n)
{
    if (g->interp[n]) return g->interp[n];
    fr *v = malloc(sizeof(fr) * n * n * 2);
    if (!v) {
        circ_fail(g->c, ZK_ERR_NOMEM, "non-native: interpolation matrix");
        return NULL;
    }
    fr *inv = v + n * n;
    /* v[j][i] = x_j^i; inv starts as the identity; Gauss-Jordan on [v | inv]. */
    for (size_t j = 0; j < n; j++) {
        fr x, pw;
        fr_from_u64(&x, (uint64_t)((j + 1) / 2));
        if (j % 2 == 0 && j) fr_neg(&x, &x);
        fr_set_one(&pw);
        for (size_t i = 0; i < n; i++) {
            v[j * n + i] = pw;
            fr_mul(&pw, &pw, &x);
            if (i == j)
                fr_set_one(&inv[j * n + i]);
            else
                fr_set_zero(&inv[j * n + i]);
        }
    }
    for (size_t col = 0; col < n; col++) {
        size_t piv = col;
        while (piv < n && fr_is_zero(&v[piv * n + col]))
            piv++;
        if (piv == n) {
            free(v);
            circ_fail(g->c, ZK_ERR_INTERNAL, "non-native: singular Vandermonde");
            return NULL;
        }
        for (size_t i = 0; i < n; i++) {
            fr t = v[col * n + i];
            v[col * n + i] = v[piv * n + i];
            v[piv * n + i] = t;
            t = inv[col * n + i];
            inv[col * n + i] = inv[piv * n + i];
            inv[piv * n + i] = t;
        }
        fr d;
        if (fr_inv(&d, &v[col * n + col]) != ZK_OK) {
            free(v);
            circ_fail(g->c, ZK_ERR_INTERNAL, "non-native: inverse failed");
            return NULL;
        }
        for (size_t i = 0; i < n; i++) {
            fr_mul(&v[col * n + i], &v[col * n + i], &d);
            fr_mul(&inv[col * n + i], &inv[col * n + i], &d);
        }
        for (size_t row = 0; row < n; row++) {
            if (row == col || fr_is_zero(&v[row * n + col])) continue;
            fr f = v[row * n + col];
            for (size_t i = 0; i < n; i++) {
                fr t;
                fr_mul(&t, &f, &v[col * n + i]);
                fr_sub(&v[row * n + i], &v[row * n + i], &t);
                fr_mul(&t, &f, &inv[col * n + i]);
                fr_sub(&inv[row * n + i], &inv[row * n + i], &t);
            }
        }
    }
    /* Keep only the inverse: move it to the front. */
    memmove(v, inv, sizeof(fr) * n * n);
    g->interp[n] = v;
    return v;
}

/* Out: e = the combination sum_i x^i a->c[i] for the evaluation point number j. */
static void poly_eval_lc(gn_ctx *g, r1cs_lc *e, const gn_poly *a, size_t j)
{
    fr x, pw;
    fr_from_u64(&x, (uint64_t)((j + 1) / 2));
    if (j % 2 == 0 && j) fr_neg(&x, &x);
    fr_set_one(&pw);
    r1cs_lc_reset(e);
    for (size_t i = 0; i < a->n; i++) {
        lc_add_fr(g, e, &a->c[i], &pw);
        fr_mul(&pw, &pw, &x);
    }
}

void gn_poly_mul(gn_ctx *g, gn_poly *out, const gn_poly *a, const gn_poly *b)
{
    gn_poly t;
    gn_poly_init(&t);
    size_t n = a->n + b->n - 1;
    if (!circ_ok(g->c)) goto out;
    if (a->n == 0 || b->n == 0 || n > GN_MAX_COEFS) {
        circ_fail(g->c, ZK_ERR_INTERNAL, "gn_poly_mul: sizes %zu x %zu", a->n, b->n);
        goto out;
    }
    t.n = n;
    t.lb = a->lb + b->lb + log2((double)(a->n < b->n ? a->n : b->n)) + 1e-9;
    if (t.lb > GN_SAFE_LOG) {
        circ_fail(g->c, ZK_ERR_INTERNAL, "gn_poly_mul: product bound 2^%.1f too large", t.lb);
        goto out;
    }
    const fr *m = interp_matrix(g, n);
    if (!m) goto out;
    r1cs_lc ea, eb, ep;
    r1cs_lc_init(&ea);
    r1cs_lc_init(&eb);
    r1cs_lc_init(&ep);
    for (size_t j = 0; j < n && circ_ok(g->c); j++) {
        poly_eval_lc(g, &ea, a, j);
        poly_eval_lc(g, &eb, b, j);
        fr va, vb, vp;
        circ_lc_value(g->c, &va, &ea);
        circ_lc_value(g->c, &vb, &eb);
        fr_mul(&vp, &va, &vb);
        r1cs_var pv = circ_var(g->c, &vp);
        r1cs_lc_reset(&ep);
        circ_lc_add_k(g->c, &ep, pv, 1);
        circ_enforce_lc(g->c, &ea, &eb, &ep);
        for (size_t i = 0; i < n; i++)
            circ_lc_add(g->c, &t.c[i], pv, &m[i * n + j]);
    }
    r1cs_lc_clear(&ea);
    r1cs_lc_clear(&eb);
    r1cs_lc_clear(&ep);
out:
    poly_move(out, &t);
}

void gn_poly_mul_const(gn_ctx *g, gn_poly *out, const gn_poly *a, const BIGNUM *k)
{
    gn_poly kp, t;
    gn_poly_init(&kp);
    gn_poly_init(&t);
    gn_poly_const(g, &kp, k);
    size_t n = a->n + kp.n - 1;
    if (!circ_ok(g->c) || n > GN_MAX_COEFS) {
        circ_fail(g->c, ZK_ERR_INTERNAL, "gn_poly_mul_const: too many coefficients");
        goto out;
    }
    for (size_t s = 0; s < kp.n; s++) {
        fr ks;
        circ_lc_value(g->c, &ks, &kp.c[s]); /* a constant: its value is the limb */
        for (size_t i = 0; i < a->n; i++)
            lc_add_fr(g, &t.c[i + s], &a->c[i], &ks);
    }
    t.n = n;
    t.lb = a->lb + kp.lb + log2((double)(a->n < kp.n ? a->n : kp.n)) + 1e-9;
out:
    gn_poly_clear(&kp);
    poly_move(out, &t);
}

void gn_poly_mul_bit(gn_ctx *g, gn_poly *out, const gn_poly *a, r1cs_var bit)
{
    gn_poly t;
    gn_poly_init(&t);
    r1cs_lc bl, pl;
    r1cs_lc_init(&bl);
    r1cs_lc_init(&pl);
    circ_lc_add_k(g->c, &bl, bit, 1);
    for (size_t i = 0; i < a->n && circ_ok(g->c); i++) {
        fr v;
        circ_lc_value(g->c, &v, &a->c[i]);
        if (!circ_val_u64(g->c, bit)) fr_set_zero(&v);
        r1cs_var pv = circ_var(g->c, &v);
        r1cs_lc_reset(&pl);
        circ_lc_add_k(g->c, &pl, pv, 1);
        circ_enforce_lc(g->c, &bl, &a->c[i], &pl);
        circ_lc_add_k(g->c, &t.c[i], pv, 1);
    }
    t.n = a->n;
    t.lb = a->lb;
    r1cs_lc_clear(&bl);
    r1cs_lc_clear(&pl);
    poly_move(out, &t);
}

void gn_poly_fold_p(gn_ctx *g, gn_poly *a)
{
    double bnd[GN_MAX_COEFS];
    for (size_t i = 0; i < a->n; i++)
        bnd[i] = exp2(a->lb);
    fr f977, one;
    fr_from_u64(&f977, 977);
    fr_set_one(&one);
    /* X^i = X^(i-8) X^8 = X^(i-7) + 977 X^(i-8) modulo p(X) = X^8 - X - 977 at X = 2^32;
     * going downwards folds what a fold moves above 7 again. */
    for (size_t i = a->n; i-- > 8;) {
        lc_add_fr(g, &a->c[i - 7], &a->c[i], &one);
        lc_add_fr(g, &a->c[i - 8], &a->c[i], &f977);
        bnd[i - 7] += bnd[i];
        bnd[i - 8] += 977.0 * bnd[i];
        r1cs_lc_clear(&a->c[i]);
    }
    if (a->n > 8) {
        a->n = 8;
        double m = 0;
        for (size_t i = 0; i < 8; i++)
            if (bnd[i] > m) m = bnd[i];
        a->lb = log2(m) + 1e-9;
    }
}

void gn_poly_compress(gn_ctx *g, gn_poly *a)
{
    for (size_t i = 0; i < a->n && circ_ok(g->c); i++) {
        r1cs_lc *l = &a->c[i];
        if (l->n == 0) continue;
        if (l->n == 1 && (l->terms[0].var == R1CS_ONE || fr_is_one(&l->terms[0].coef))) continue;
        r1cs_var v = circ_lc_to_var(g->c, l);
        r1cs_lc_reset(l);
        circ_lc_add_k(g->c, l, v, 1);
    }
}

void gn_poly_value(gn_ctx *g, BIGNUM *v, const gn_poly *a)
{
    BN_CTX_start(g->bn);
    BIGNUM *t = BN_CTX_get(g->bn);
    BN_zero(v);
    for (size_t i = a->n; i-- > 0;) {
        fr x;
        circ_lc_value(g->c, &x, &a->c[i]);
        bn_from_fr(g, t, &x);
        BN_lshift(v, v, GN_LIMB_BITS);
        BN_add(v, v, t);
    }
    BN_CTX_end(g->bn);
}

/* ---- identities ----------------------------------------------------------- */

void gn_assert_zero(gn_ctx *g, const gn_poly *z)
{
    if (!circ_ok(g->c) || z->n == 0) return;
    size_t n = z->n;
    BN_CTX_start(g->bn);
    BIGNUM *s = BN_CTX_get(g->bn), *t = BN_CTX_get(g->bn), *cv = BN_CTX_get(g->bn);
    r1cs_lc lc, carry;
    r1cs_lc_init(&lc);
    r1cs_lc_init(&carry);
    if (!cv) {
        circ_fail(g->c, ZK_ERR_NOMEM, "non-native: big-number scratch");
        goto out;
    }
    /* The value modulo r: sum z_i 2^(32 i) in Fr. */
    fr w;
    for (size_t i = 0; i < n; i++) {
        fr_pow2(&w, (unsigned)(i * GN_LIMB_BITS));
        lc_add_fr(g, &lc, &z->c[i], &w);
    }
    circ_assert_zero_lc(g->c, &lc);
    /* |V| <= 2^lb sum_i 2^(32 i) < 2^(lb + 32(n-1) + 1e-6). V = 0 follows once V = 0
     * mod 2^T as well, with r 2^T > 2|V| (log2 r > 253.59). */
    double vmax = z->lb + 32.0 * (double)(n - 1) + 1e-6;
    double need = vmax + 1.0 - 253.5;
    size_t kt = need <= 0 ? 0 : (size_t)ceil(need / GN_LIMB_BITS);
    if (kt == 0) goto out;
    int exact = kt >= n; /* the chain covers every limb: its final sum must be 0 */
    if (exact) kt = n;
    double bc = 0; /* bound on |carry| (linear scale) */
    BN_zero(cv);
    size_t pos = 0;
    while (pos < kt && circ_ok(g->c)) {
        size_t gsz = 0;
        double sb = bc;
        while (pos + gsz < kt) {
            double nb = sb + exp2(z->lb + 32.0 * (double)gsz);
            if (log2(nb) > GN_SAFE_LOG - 1) break;
            sb = nb;
            gsz++;
        }
        if (gsz == 0) {
            circ_fail(g->c, ZK_ERR_INTERNAL, "non-native: coefficient bound 2^%.1f too large",
                      z->lb);
            break;
        }
        /* S = carry + sum_{t < gsz} z_(pos+t) 2^(32 t) */
        r1cs_lc_reset(&lc);
        fr one;
        fr_set_one(&one);
        lc_add_fr(g, &lc, &carry, &one);
        BN_copy(s, cv);
        for (size_t k = 0; k < gsz; k++) {
            fr_pow2(&w, (unsigned)(k * GN_LIMB_BITS));
            lc_add_fr(g, &lc, &z->c[pos + k], &w);
            fr x;
            circ_lc_value(g->c, &x, &z->c[pos + k]);
            bn_from_fr(g, t, &x);
            BN_lshift(t, t, (int)(k * GN_LIMB_BITS));
            BN_add(s, s, t);
        }
        pos += gsz;
        if (exact && pos == kt) {
            if (!BN_is_zero(s))
                circ_fail(g->c, ZK_ERR_REJECTED, "non-native identity does not hold");
            circ_assert_zero_lc(g->c, &lc);
            break;
        }
        unsigned sh = (unsigned)(gsz * GN_LIMB_BITS);
        /* S must be a multiple of 2^sh: its low bits are those of V. */
        BN_copy(t, s);
        BN_set_negative(t, 0);
        for (unsigned b = 0; b < sh; b++)
            if (BN_is_bit_set(t, (int)b)) {
                circ_fail(g->c, ZK_ERR_REJECTED, "non-native identity does not hold");
                break;
            }
        if (!circ_ok(g->c)) break;
        BN_rshift(cv, t, (int)sh);
        BN_set_negative(cv, BN_is_negative(s));
        bc = sb / exp2((double)sh);
        unsigned L = (unsigned)ceil(log2(bc + 1.0)) + 2;
        if (L > 200 || (double)L + sh > GN_SAFE_LOG) {
            circ_fail(g->c, ZK_ERR_INTERNAL, "non-native: carry too large");
            break;
        }
        /* cb = carry + 2^(L-1) in [0, 2^L); S = 2^sh (cb - 2^(L-1)). */
        BN_zero(t);
        BN_set_bit(t, (int)(L - 1));
        BN_add(t, t, cv);
        if (BN_is_negative(t) || BN_num_bits(t) > (int)L) {
            circ_fail(g->c, ZK_ERR_INTERNAL, "non-native: carry exceeds its bound");
            break;
        }
        fr cbv;
        fr_from_bn(&cbv, t);
        r1cs_var cb = circ_var(g->c, &cbv);
        circ_range(g->c, cb, L);
        fr k, kb;
        fr_pow2(&k, sh);
        fr_neg(&k, &k);
        circ_lc_add(g->c, &lc, cb, &k);
        fr_pow2(&kb, sh + L - 1);
        lc_add_const(g, &lc, &kb);
        circ_assert_zero_lc(g->c, &lc);
        r1cs_lc_reset(&carry);
        circ_lc_add_k(g->c, &carry, cb, 1);
        fr_pow2(&kb, L - 1);
        fr_neg(&kb, &kb);
        lc_add_const(g, &carry, &kb);
    }
out:
    r1cs_lc_clear(&lc);
    r1cs_lc_clear(&carry);
    BN_CTX_end(g->bn);
}

void gn_assert_zero_mod(gn_ctx *g, const gn_poly *z, const BIGNUM *m)
{
    if (!circ_ok(g->c)) return;
    BN_CTX_start(g->bn);
    BIGNUM *v = BN_CTX_get(g->bn), *q = BN_CTX_get(g->bn), *rem = BN_CTX_get(g->bn);
    BIGNUM *bias = BN_CTX_get(g->bn);
    gn_poly qp, bp, zz;
    gn_poly_init(&qp);
    gn_poly_init(&bp);
    gn_poly_init(&zz);
    if (!bias) {
        circ_fail(g->c, ZK_ERR_NOMEM, "non-native: big-number scratch");
        goto out;
    }
    gn_poly_value(g, v, z);
    BN_div(q, rem, v, m, g->bn);
    if (!BN_is_zero(rem)) {
        circ_fail(g->c, ZK_ERR_REJECTED, "non-native congruence does not hold");
        goto out;
    }
    /* |q| <= 2^lb sum_i 2^(32 i) / m */
    double qlog = z->lb + 32.0 * (double)(z->n - 1) + 1e-6 - (double)(BN_num_bits(m) - 1);
    unsigned L = (unsigned)(qlog < 0 ? 0 : ceil(qlog)) + 2;
    BN_zero(bias);
    BN_set_bit(bias, (int)(L - 1));
    BN_add(q, q, bias);
    gn_poly_witness(g, &qp, q, L, NULL);
    gn_poly_const(g, &bp, bias);
    gn_poly_lin(g, &qp, 1, &qp, -1, &bp);
    gn_poly_mul_const(g, &qp, &qp, m);
    gn_poly_lin(g, &zz, 1, z, -1, &qp);
    gn_assert_zero(g, &zz);
out:
    gn_poly_clear(&qp);
    gn_poly_clear(&bp);
    gn_poly_clear(&zz);
    BN_CTX_end(g->bn);
}

void gn_reduce_p(gn_ctx *g, gn_poly *out, const gn_poly *a)
{
    BN_CTX_start(g->bn);
    BIGNUM *v = BN_CTX_get(g->bn);
    gn_poly w, d;
    gn_poly_init(&w);
    gn_poly_init(&d);
    if (!v) {
        circ_fail(g->c, ZK_ERR_NOMEM, "non-native: big-number scratch");
        goto out;
    }
    gn_poly_value(g, v, a);
    BN_nnmod(v, v, g->p, g->bn);
    gn_poly_witness(g, &w, v, 256, NULL);
    gn_poly_lin(g, &d, 1, a, -1, &w);
    gn_assert_zero_mod(g, &d, g->p);
out:
    poly_move(out, &w);
    gn_poly_clear(&d);
    BN_CTX_end(g->bn);
}
