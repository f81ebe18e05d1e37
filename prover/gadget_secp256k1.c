/* In-circuit secp256k1 ECDSA verification (see gadget_secp256k1.h).
 *
 * The statement, with w = s^-1 mod n: R' = u1 G + u2 Q with u1 = z w, u2 = r w (mod n),
 * R' != O and x(R') mod n = r. The circuit takes u1 (256 bits) and u2 through its GLV
 * split u2 = k1 + lambda k2 (mod n), |k1|, |k2| < 2^128, as witnesses and checks
 *     u1 s = z (mod n),   (k1 + lambda k2) s = r (mod n)
 * with one non-native product each, so no scalar is ever inverted in the circuit.
 *   - u1 G: G is fixed, so each 8-bit window j selects the constant point
 *     d 2^(8j) G + 2^j H from a table (a multilinear polynomial in the 8 bits: 247
 *     products shared by all coordinates) and the 32 selected points are summed: no
 *     doubling at all.
 *   - u2 Q = m1 (+-Q) + m2 (+-phi(Q)), phi(x, y) = (beta x, y) = lambda Q: Straus over
 *     4-bit windows of m1 = |k1| and m2 = |k2| with one table E[d] = d Q + H (15 additions);
 *     the phi table is beta times its x coordinates (free). 128 shared doublings.
 *   - R' = (u1 G + C_G H) + (u2 Q + C_Q H) - (C_G + C_Q) H; then
 *     x(R') = r + f n (mod p) with f a bit and r + f n < p, i.e. x(R') mod n = r.
 * Affine formulas with the slope as a witness; y coordinates stay lazy (unreduced, see
 * gadget_nonnative.h), x coordinates and slopes are reduced 256-bit witnesses.
 *
 * Exceptional cases. Doubling needs y != 0: no point of the prime-order curve has y = 0.
 * Adding T to A needs x(A) != x(T): A = -T has no slope (unsatisfiable: only completeness
 * could suffer), but A = T would leave the slope free, and with it the rest of the
 * computation. H is a nothing-up-my-sleeve point (try-and-increment from a keccak256
 * seed), so nobody knows a relation between H and G or Q. Every point the circuit adds
 * is a known combination a G + b Q + c H with c fixed by the schedule (not by the
 * witness), and gs_check_offsets verifies when the circuit is built that at every
 * addition the two operands' H coefficients differ (for every sign choice): A = T would
 * then exhibit a discrete-log relation involving H. The merge (u1 G + C_G H) + (u2 Q +
 * C_Q H) is covered the same way since C_G != C_Q, and the last addition of
 * -(C_G + C_Q) H collides only if u1 G + u2 Q = -2 (C_G + C_Q) H, again a relation with H
 * (C_G + C_Q != 0 and n is odd). u1 G + u2 Q = O, an invalid signature, makes that last
 * addition A = -T: unsatisfiable, as it should be.
 *
 * rec_id is not needed by this construction (R is never materialised) and is ignored. */
#include "prover/gadget_secp256k1.h"

#include <stdlib.h>
#include <string.h>

#include "lightclient/keccak.h"
#include "prover/gadget_nonnative.h"

static const char N_HEX[] = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141";
static const char GX_HEX[] = "79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798";
static const char GY_HEX[] = "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8";
/* The endomorphism phi(x, y) = (beta x, y) = lambda (x, y) (beta^3 = 1 mod p,
 * lambda^3 = 1 mod n), and the short lattice basis (a1, b1), (a2, b2) of
 * {(x, y): x + lambda y = 0 mod n} used to split scalars (GLV; libsecp256k1's constants). */
static const char BETA_HEX[] = "7AE96A2B657C07106E64479EAC3434E99CF0497512F58995C1396C28719501EE";
static const char LAMBDA_HEX[] = "5363AD4CC05C30E0A5261C028812645A122E22EA20816678DF02967C1B23BD72";
static const char A1_HEX[] = "3086D221A7D46BCDE86C90E49284EB15";
static const char MB1_HEX[] = "E4437ED6010E88286F547FA90ABFE4C3"; /* -b1 */
static const char A2_HEX[] = "114CA50F7A8E2F3F657C1108D9D44CFD8";
static const char H_SEED[] = "zkrelay/gadget_secp256k1/offset-point-H";

#define GS_G_WINDOWS 32 /* 8-bit windows of u1 */
#define GS_Q_WINDOWS 32 /* 4-bit windows of m1, m2 */
#define GS_Q_TABLE   16

/* ---- native arithmetic (witness generation) ------------------------------- */

typedef struct npt {
    BIGNUM *x, *y;
    int inf;
} npt;

typedef struct gs_ctx {
    gn_ctx g;
    circ *c;
    BN_CTX *bn;
    BIGNUM *p, *n, *beta, *lambda, *a1, *mb1, *a2, *seven;
    npt G, H;
} gs_ctx;

static int npt_init(npt *a)
{
    a->x = BN_new();
    a->y = BN_new();
    a->inf = 1;
    return a->x && a->y ? ZK_OK : ZK_ERR_NOMEM;
}

static void npt_clear(npt *a)
{
    BN_free(a->x);
    BN_free(a->y);
    a->x = a->y = NULL;
}

static void npt_copy(npt *d, const npt *s)
{
    BN_copy(d->x, s->x);
    BN_copy(d->y, s->y);
    d->inf = s->inf;
}

/* r = a + b (any of them may alias). */
static void nat_add(gs_ctx *s, npt *r, const npt *a, const npt *b)
{
    if (a->inf) {
        npt_copy(r, b);
        return;
    }
    if (b->inf) {
        npt_copy(r, a);
        return;
    }
    BN_CTX_start(s->bn);
    BIGNUM *l = BN_CTX_get(s->bn), *t = BN_CTX_get(s->bn), *x3 = BN_CTX_get(s->bn);
    if (BN_cmp(a->x, b->x) == 0) {
        BN_mod_add(t, a->y, b->y, s->p, s->bn);
        if (BN_is_zero(t)) {
            r->inf = 1;
            BN_CTX_end(s->bn);
            return;
        }
        /* l = 3x^2 / 2y */
        BN_mod_sqr(l, a->x, s->p, s->bn);
        BN_mul_word(l, 3);
        BN_nnmod(l, l, s->p, s->bn);
        BN_mod_lshift1(t, a->y, s->p, s->bn);
    } else {
        BN_mod_sub(l, b->y, a->y, s->p, s->bn);
        BN_mod_sub(t, b->x, a->x, s->p, s->bn);
    }
    BN_mod_inverse(t, t, s->p, s->bn);
    BN_mod_mul(l, l, t, s->p, s->bn);
    BN_mod_sqr(x3, l, s->p, s->bn);
    BN_mod_sub(x3, x3, a->x, s->p, s->bn);
    BN_mod_sub(x3, x3, b->x, s->p, s->bn);
    BN_mod_sub(t, a->x, x3, s->p, s->bn);
    BN_mod_mul(t, t, l, s->p, s->bn);
    BN_mod_sub(r->y, t, a->y, s->p, s->bn);
    BN_copy(r->x, x3);
    r->inf = 0;
    BN_CTX_end(s->bn);
}

/* r = k a for k >= 0 (r may not alias a). */
static void nat_mul(gs_ctx *s, npt *r, const BIGNUM *k, const npt *a)
{
    r->inf = 1;
    for (int i = BN_num_bits(k) - 1; i >= 0; i--) {
        nat_add(s, r, r, r);
        if (BN_is_bit_set(k, i)) nat_add(s, r, r, a);
    }
}

static bool nat_on_curve(gs_ctx *s, const BIGNUM *x, const BIGNUM *y)
{
    BN_CTX_start(s->bn);
    BIGNUM *l = BN_CTX_get(s->bn), *r = BN_CTX_get(s->bn);
    BN_mod_sqr(l, y, s->p, s->bn);
    BN_mod_sqr(r, x, s->p, s->bn);
    BN_mod_mul(r, r, x, s->p, s->bn);
    BN_mod_add(r, r, s->seven, s->p, s->bn);
    bool ok = BN_cmp(l, r) == 0;
    BN_CTX_end(s->bn);
    return ok;
}

/* H: the first x >= keccak256(H_SEED) mod p with x^3 + 7 a square, and the even root. */
static void nat_offset_point(gs_ctx *s, npt *h)
{
    uint8_t d[32];
    keccak256(d, (const uint8_t *)H_SEED, sizeof H_SEED - 1);
    BN_CTX_start(s->bn);
    BIGNUM *e = BN_CTX_get(s->bn), *rhs = BN_CTX_get(s->bn);
    BN_bin2bn(d, 32, h->x);
    BN_nnmod(h->x, h->x, s->p, s->bn);
    /* p = 3 mod 4: a square root of a is a^((p+1)/4). */
    BN_add_word(BN_copy(e, s->p), 1);
    BN_rshift(e, e, 2);
    for (;;) {
        BN_mod_sqr(rhs, h->x, s->p, s->bn);
        BN_mod_mul(rhs, rhs, h->x, s->p, s->bn);
        BN_mod_add(rhs, rhs, s->seven, s->p, s->bn);
        BN_mod_exp(h->y, rhs, e, s->p, s->bn);
        if (nat_on_curve(s, h->x, h->y)) break;
        BN_add_word(h->x, 1);
    }
    if (BN_is_odd(h->y)) BN_sub(h->y, s->p, h->y);
    h->inf = 0;
    BN_CTX_end(s->bn);
}

static void gs_ctx_clear(gs_ctx *s)
{
    gn_ctx_clear(&s->g);
    BN_free(s->p);
    BN_free(s->n);
    BN_free(s->beta);
    BN_free(s->lambda);
    BN_free(s->a1);
    BN_free(s->mb1);
    BN_free(s->a2);
    BN_free(s->seven);
    npt_clear(&s->G);
    npt_clear(&s->H);
    BN_CTX_free(s->bn);
    memset(s, 0, sizeof *s);
}

static int gs_ctx_init(gs_ctx *s, circ *c)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    if (gn_ctx_init(&s->g, c) != ZK_OK) return ZK_ERR_NOMEM;
    s->bn = BN_CTX_new();
    s->p = BN_dup(s->g.p);
    s->seven = BN_new();
    int ok = s->bn && s->p && s->seven && BN_hex2bn(&s->n, N_HEX) &&
             BN_hex2bn(&s->beta, BETA_HEX) && BN_hex2bn(&s->lambda, LAMBDA_HEX) &&
             BN_hex2bn(&s->a1, A1_HEX) && BN_hex2bn(&s->mb1, MB1_HEX) &&
             BN_hex2bn(&s->a2, A2_HEX) && BN_set_word(s->seven, 7) && npt_init(&s->G) == ZK_OK &&
             npt_init(&s->H) == ZK_OK && BN_hex2bn(&s->G.x, GX_HEX) && BN_hex2bn(&s->G.y, GY_HEX);
    if (!ok) {
        gs_ctx_clear(s);
        return ZK_ERR_NOMEM;
    }
    s->G.inf = 0;
    nat_offset_point(s, &s->H);
    return ZK_OK;
}

/* ---- circuit points -------------------------------------------------------- */

/* An affine point: x reduced (a 256-bit witness or constant), y possibly lazy. */
typedef struct gs_pt {
    gn_poly x, y;
} gs_pt;

static void pt_init(gs_pt *a)
{
    gn_poly_init(&a->x);
    gn_poly_init(&a->y);
}

static void pt_clear(gs_pt *a)
{
    gn_poly_clear(&a->x);
    gn_poly_clear(&a->y);
}

static void pt_const(gs_ctx *s, gs_pt *a, const npt *v)
{
    gn_poly_const(&s->g, &a->x, v->x);
    gn_poly_const(&s->g, &a->y, v->y);
}

/* Out: x, y = the point's coordinates mod p on the current witness. */
static void pt_value(gs_ctx *s, BIGNUM *x, BIGNUM *y, const gs_pt *a)
{
    gn_poly_value(&s->g, x, &a->x);
    BN_nnmod(x, x, s->p, s->bn);
    gn_poly_value(&s->g, y, &a->y);
    BN_nnmod(y, y, s->p, s->bn);
}

/* Out: out = a * b folded modulo p. */
static void mul_p(gs_ctx *s, gn_poly *out, const gn_poly *a, const gn_poly *b)
{
    gn_poly_mul(&s->g, out, a, b);
    gn_poly_fold_p(&s->g, out);
}

/* Constrains z == 0 mod p. */
static void zero_p(gs_ctx *s, gn_poly *z)
{
    gn_poly_fold_p(&s->g, z);
    gn_assert_zero_mod(&s->g, z, s->p);
}

/* The last step of pt_add and pt_dbl, given the slope lam and the reduced x3:
 * y3 = lam (xa - x3) - ya (lazy), then out = (x3, y3), moved in (x3 and y3 are left empty).
 * out may alias a (a is read first). z: scratch. */
static void pt_finish(gs_ctx *s, gs_pt *out, const gs_pt *a, const gn_poly *lam, gn_poly *x3,
                      gn_poly *y3, gn_poly *z)
{
    gn_poly_lin(&s->g, z, 1, &a->x, -1, x3);
    mul_p(s, y3, lam, z);
    gn_poly_lin(&s->g, y3, 1, y3, -1, &a->y);
    gn_poly_compress(&s->g, y3);
    gn_poly_clear(&out->x);
    gn_poly_clear(&out->y);
    out->x = *x3;
    out->y = *y3;
    gn_poly_init(x3);
    gn_poly_init(y3);
}

/* Out: out = a + t (out may alias a). Precondition (for soundness, see the top
 * comment): the operands' H coefficients differ. */
static void pt_add(gs_ctx *s, gs_pt *out, const gs_pt *a, const gs_pt *t)
{
    if (!circ_ok(s->c)) return;
    BN_CTX_start(s->bn);
    BIGNUM *xa = BN_CTX_get(s->bn), *ya = BN_CTX_get(s->bn), *xt = BN_CTX_get(s->bn);
    BIGNUM *yt = BN_CTX_get(s->bn), *l = BN_CTX_get(s->bn), *d = BN_CTX_get(s->bn);
    gn_poly lam, m, z, x3, y3;
    gn_poly_init(&lam);
    gn_poly_init(&m);
    gn_poly_init(&z);
    gn_poly_init(&x3);
    gn_poly_init(&y3);
    pt_value(s, xa, ya, a);
    pt_value(s, xt, yt, t);
    if (BN_cmp(xa, xt) == 0) {
        circ_fail(s->c, ZK_ERR_REJECTED, "secp256k1 gadget: exceptional point addition");
        goto out;
    }
    BN_mod_sub(l, yt, ya, s->p, s->bn);
    BN_mod_sub(d, xt, xa, s->p, s->bn);
    BN_mod_inverse(d, d, s->p, s->bn);
    BN_mod_mul(l, l, d, s->p, s->bn);
    gn_poly_witness(&s->g, &lam, l, 256, NULL);
    /* lambda (xt - xa) = yt - ya */
    gn_poly_lin(&s->g, &z, 1, &t->x, -1, &a->x);
    mul_p(s, &m, &lam, &z);
    gn_poly_lin(&s->g, &z, 1, &m, -1, &t->y);
    gn_poly_lin(&s->g, &z, 1, &z, 1, &a->y);
    zero_p(s, &z);
    /* x3 = lambda^2 - xa - xt, reduced */
    mul_p(s, &m, &lam, &lam);
    gn_poly_lin(&s->g, &m, 1, &m, -1, &a->x);
    gn_poly_lin(&s->g, &m, 1, &m, -1, &t->x);
    gn_reduce_p(&s->g, &x3, &m);
    pt_finish(s, out, a, &lam, &x3, &y3, &z);
out:
    gn_poly_clear(&lam);
    gn_poly_clear(&m);
    gn_poly_clear(&z);
    gn_poly_clear(&x3);
    gn_poly_clear(&y3);
    BN_CTX_end(s->bn);
}

/* In/Out: a = 2a. Precondition: a is a point of the curve (so y != 0). */
static void pt_dbl(gs_ctx *s, gs_pt *a)
{
    if (!circ_ok(s->c)) return;
    BN_CTX_start(s->bn);
    BIGNUM *x = BN_CTX_get(s->bn), *y = BN_CTX_get(s->bn), *l = BN_CTX_get(s->bn);
    BIGNUM *d = BN_CTX_get(s->bn);
    gn_poly lam, m, z, x3, y3;
    gn_poly_init(&lam);
    gn_poly_init(&m);
    gn_poly_init(&z);
    gn_poly_init(&x3);
    gn_poly_init(&y3);
    pt_value(s, x, y, a);
    if (BN_is_zero(y)) {
        circ_fail(s->c, ZK_ERR_REJECTED, "secp256k1 gadget: doubling a point with y = 0");
        goto out;
    }
    BN_mod_sqr(l, x, s->p, s->bn);
    BN_mul_word(l, 3);
    BN_nnmod(l, l, s->p, s->bn);
    BN_mod_lshift1(d, y, s->p, s->bn);
    BN_mod_inverse(d, d, s->p, s->bn);
    BN_mod_mul(l, l, d, s->p, s->bn);
    gn_poly_witness(&s->g, &lam, l, 256, NULL);
    /* 2 lambda y = 3 x^2 */
    mul_p(s, &m, &lam, &a->y);
    mul_p(s, &z, &a->x, &a->x);
    gn_poly_lin(&s->g, &z, 2, &m, -3, &z);
    zero_p(s, &z);
    /* x3 = lambda^2 - 2x, reduced */
    mul_p(s, &m, &lam, &lam);
    gn_poly_lin(&s->g, &m, 1, &m, -2, &a->x);
    gn_reduce_p(&s->g, &x3, &m);
    pt_finish(s, a, a, &lam, &x3, &y3, &z);
out:
    gn_poly_clear(&lam);
    gn_poly_clear(&m);
    gn_poly_clear(&z);
    gn_poly_clear(&x3);
    gn_poly_clear(&y3);
    BN_CTX_end(s->bn);
}

/* Out: out = -a when bit is 1, a when 0 (y -> y - 2 bit y). In: bit, a constrained bit. */
static void pt_cond_neg(gs_ctx *s, gs_pt *a, r1cs_var bit)
{
    gn_poly t;
    gn_poly_init(&t);
    gn_poly_mul_bit(&s->g, &t, &a->y, bit);
    gn_poly_lin(&s->g, &a->y, 1, &a->y, -2, &t);
    gn_poly_clear(&t);
}

/* ---- table lookups --------------------------------------------------------- */

/* Out: out = tab[d], d = sum bits[k] 2^k over 4 bits: a multiplexer tree per coefficient
 * (15 constraints each). In: bits, constrained bits. */
static void pt_select16(gs_ctx *s, gs_pt *out, gs_pt tab[GS_Q_TABLE], const r1cs_var bits[4])
{
    pt_clear(out);
    for (int coord = 0; coord < 2 && circ_ok(s->c); coord++) {
        gn_poly *dst = coord ? &out->y : &out->x;
        size_t n = 0;
        double lb = 0;
        for (int d = 0; d < GS_Q_TABLE; d++) {
            const gn_poly *e = coord ? &tab[d].y : &tab[d].x;
            if (e->n > n) n = e->n;
            if (e->lb > lb) lb = e->lb;
        }
        dst->n = n;
        dst->lb = lb;
        r1cs_lc cur[GS_Q_TABLE], diff, prod, bl;
        r1cs_lc_init(&diff);
        r1cs_lc_init(&prod);
        r1cs_lc_init(&bl);
        for (size_t i = 0; i < n; i++) {
            for (int d = 0; d < GS_Q_TABLE; d++) {
                const gn_poly *e = coord ? &tab[d].y : &tab[d].x;
                r1cs_lc_init(&cur[d]);
                if (i < e->n) circ_lc_add_lc(s->c, &cur[d], &e->c[i], 1);
            }
            for (int lvl = 0, w = GS_Q_TABLE; lvl < 4; lvl++, w /= 2) {
                r1cs_lc_reset(&bl);
                circ_lc_add_k(s->c, &bl, bits[lvl], 1);
                int b = (int)circ_val_u64(s->c, bits[lvl]);
                for (int k = 0; k < w / 2; k++) {
                    /* cur[k] = cur[2k] + b (cur[2k+1] - cur[2k]) */
                    r1cs_lc_reset(&diff);
                    circ_lc_add_lc(s->c, &diff, &cur[2 * k + 1], 1);
                    circ_lc_add_lc(s->c, &diff, &cur[2 * k], -1);
                    fr v;
                    circ_lc_value(s->c, &v, &diff);
                    if (!b) fr_set_zero(&v);
                    r1cs_var t = circ_var(s->c, &v);
                    r1cs_lc_reset(&prod);
                    circ_lc_add_k(s->c, &prod, t, 1);
                    circ_enforce_lc(s->c, &bl, &diff, &prod);
                    r1cs_lc_reset(&diff);
                    circ_lc_add_lc(s->c, &diff, &cur[2 * k], 1);
                    circ_lc_add_k(s->c, &diff, t, 1);
                    r1cs_lc_reset(&cur[k]);
                    circ_lc_add_lc(s->c, &cur[k], &diff, 1);
                }
            }
            dst->c[i] = cur[0];
            for (int d = 1; d < GS_Q_TABLE; d++)
                r1cs_lc_clear(&cur[d]);
        }
        r1cs_lc_clear(&diff);
        r1cs_lc_clear(&prod);
        r1cs_lc_clear(&bl);
    }
}

static uint32_t bn_limb32(const BIGNUM *v, size_t i)
{
    uint32_t l = 0;
    for (unsigned j = 0; j < 32; j++)
        if (BN_is_bit_set(v, (int)(i * 32 + j))) l |= (uint32_t)1 << j;
    return l;
}

/* Out: out = the constant point tab[d], d = the 8 bits, as the multilinear polynomial
 * through the table: sum over subsets S of c_S prod_{k in S} bits[k], with c the Moebius
 * transform of the table; mono[S] are the products (shared by all coordinates). One
 * constraint per coordinate limb. */
static void pt_select_const(gs_ctx *s, gs_pt *out, const npt tab[256], const r1cs_var mono[256])
{
    fr *cf = malloc(sizeof(fr) * 256);
    if (!cf) {
        circ_fail(s->c, ZK_ERR_NOMEM, "secp256k1 gadget: table scratch");
        return;
    }
    pt_clear(out);
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    for (int coord = 0; coord < 2 && circ_ok(s->c); coord++) {
        gn_poly *dst = coord ? &out->y : &out->x;
        for (size_t i = 0; i < 8; i++) {
            for (int d = 0; d < 256; d++)
                fr_from_u64(&cf[d], bn_limb32(coord ? tab[d].y : tab[d].x, i));
            for (int b = 0; b < 8; b++)
                for (int S = 0; S < 256; S++)
                    if (S & (1 << b)) fr_sub(&cf[S], &cf[S], &cf[S ^ (1 << b)]);
            r1cs_lc_reset(&lc);
            for (int S = 0; S < 256; S++)
                circ_lc_add(s->c, &lc, mono[S], &cf[S]);
            r1cs_var v = circ_lc_to_var(s->c, &lc);
            circ_lc_add_k(s->c, &dst->c[i], v, 1);
        }
        dst->n = 8;
        dst->lb = 32;
    }
    r1cs_lc_clear(&lc);
    free(cf);
}

/* ---- soundness certificate for the offsets --------------------------------- */

/* Checks, for every sign choice (sigma1, sigma2), that at every addition of the
 * schedule the two operands' H coefficients differ and stay nonzero (see the top
 * comment); records ZK_ERR_INTERNAL otherwise. Out: cq[4] = C_Q per sign choice
 * (index sigma1 + 2 sigma2), cg = C_G. */
static void gs_check_offsets(gs_ctx *s, BIGNUM *cq[4], BIGNUM *cg)
{
    BN_CTX_start(s->bn);
    BIGNUM *e1 = BN_CTX_get(s->bn), *e2 = BN_CTX_get(s->bn), *c = BN_CTX_get(s->bn);
    BIGNUM *t = BN_CTX_get(s->bn);
    bool ok = t != NULL;
    /* G chain: window j adds coefficient 2^j to the running sum 2^j - 1. */
    BN_one(cg);
    for (int j = 1; j < GS_G_WINDOWS && ok; j++) {
        BN_zero(t);
        BN_set_bit(t, j);
        ok = BN_cmp(cg, t) != 0;
        BN_add(cg, cg, t);
    }
    for (int sg = 0; sg < 4 && ok; sg++) {
        BN_one(e1);
        if (sg & 1) BN_sub(e1, s->n, e1);
        BN_copy(e2, s->lambda);
        if (sg & 2) BN_sub(e2, s->n, e2);
        BN_copy(c, e1);
        ok = BN_cmp(c, e2) != 0;
        BN_mod_add(c, c, e2, s->n, s->bn);
        for (int w = 1; w < GS_Q_WINDOWS && ok; w++) {
            ok = !BN_is_zero(c);
            BN_mod_lshift(c, c, 4, s->n, s->bn);
            ok = ok && BN_cmp(c, e1) != 0;
            BN_mod_add(c, c, e1, s->n, s->bn);
            ok = ok && BN_cmp(c, e2) != 0;
            BN_mod_add(c, c, e2, s->n, s->bn);
        }
        /* the merge: C_G != C_Q; the final subtraction: C_G + C_Q != 0 */
        ok = ok && !BN_is_zero(c) && BN_cmp(c, cg) != 0;
        BN_mod_add(t, c, cg, s->n, s->bn);
        ok = ok && !BN_is_zero(t);
        BN_copy(cq[sg], c);
    }
    if (!ok) circ_fail(s->c, ZK_ERR_INTERNAL, "secp256k1 gadget: offset schedule collides");
    BN_CTX_end(s->bn);
}

/* ---- the verifier ----------------------------------------------------------- */

/* Out: a = the polynomial k * v for a constant k and a variable v (bit). */
static void poly_const_times_var(gs_ctx *s, gn_poly *a, const BIGNUM *k, r1cs_var v)
{
    gn_poly_clear(a);
    int nb = BN_num_bits(k);
    a->n = (size_t)(nb + 31) / 32;
    a->lb = 32;
    for (size_t i = 0; i < a->n; i++)
        circ_lc_add_k(s->c, &a->c[i], v, (int64_t)bn_limb32(k, i));
}

/* Constrains 0 <= v <= bound (v a polynomial of nonnegative limbs): d = bound - v is a
 * 256-bit witness and d + v - bound = 0 as integers (about 270 constraints). */
static void assert_le_const(gs_ctx *s, const gn_poly *v, const BIGNUM *bound)
{
    BN_CTX_start(s->bn);
    BIGNUM *d = BN_CTX_get(s->bn);
    gn_poly dp, bp;
    gn_poly_init(&dp);
    gn_poly_init(&bp);
    gn_poly_value(&s->g, d, v);
    BN_sub(d, bound, d);
    if (BN_is_negative(d)) {
        circ_fail(s->c, ZK_ERR_REJECTED, "secp256k1 gadget: value above its bound");
    } else {
        gn_poly_witness(&s->g, &dp, d, 256, NULL);
        gn_poly_const(&s->g, &bp, bound);
        gn_poly_lin(&s->g, &dp, 1, &dp, 1, v);
        gn_poly_lin(&s->g, &dp, 1, &dp, -1, &bp);
        gn_assert_zero(&s->g, &dp);
    }
    gn_poly_clear(&dp);
    gn_poly_clear(&bp);
    BN_CTX_end(s->bn);
}

/* Constrains the integer value of v (nonnegative limbs below 2^32, at most 8) != 0. */
static void assert_nonzero(gs_ctx *s, const gn_poly *v)
{
    r1cs_lc sum;
    r1cs_lc_init(&sum);
    for (size_t i = 0; i < v->n; i++)
        circ_lc_add_lc(s->c, &sum, &v->c[i], 1);
    /* The limb sum is below 2^35: zero in Fr exactly when every limb is. */
    fr x, inv;
    circ_lc_value(s->c, &x, &sum);
    fr_set_zero(&inv);
    if (fr_is_zero(&x) || fr_inv(&inv, &x) != ZK_OK)
        circ_fail(s->c, ZK_ERR_REJECTED, "secp256k1 gadget: zero scalar");
    r1cs_var iv = circ_var(s->c, &inv);
    r1cs_lc il, one;
    r1cs_lc_init(&il);
    r1cs_lc_init(&one);
    circ_lc_add_k(s->c, &il, iv, 1);
    circ_lc_add_k(s->c, &one, R1CS_ONE, 1);
    circ_enforce_lc(s->c, &sum, &il, &one);
    r1cs_lc_clear(&sum);
    r1cs_lc_clear(&il);
    r1cs_lc_clear(&one);
}

/* Native check and witness scalars. Returns ZK_OK or ZK_ERR_REJECTED (message in c). */
static int gs_native(gs_ctx *s, const BIGNUM *qx, const BIGNUM *qy, const BIGNUM *r,
                     const BIGNUM *sv, const BIGNUM *z, BIGNUM *u1, BIGNUM *u2, int *f)
{
    if (BN_cmp(qx, s->p) >= 0 || BN_cmp(qy, s->p) >= 0 || !nat_on_curve(s, qx, qy))
        return circ_fail(s->c, ZK_ERR_REJECTED, "ecdsa gadget: public key not on the curve");
    if (BN_is_zero(r) || BN_is_zero(sv) || BN_cmp(r, s->n) >= 0 || BN_cmp(sv, s->n) >= 0)
        return circ_fail(s->c, ZK_ERR_REJECTED, "ecdsa gadget: r or s outside [1, n-1]");
    BN_CTX_start(s->bn);
    BIGNUM *w = BN_CTX_get(s->bn), *t = BN_CTX_get(s->bn);
    npt Q, A, B;
    int rc = npt_init(&Q) | npt_init(&A) | npt_init(&B);
    if (rc || !t) {
        rc = circ_fail(s->c, ZK_ERR_NOMEM, "ecdsa gadget: big numbers");
        goto out;
    }
    BN_copy(Q.x, qx);
    BN_copy(Q.y, qy);
    Q.inf = 0;
    BN_mod_inverse(w, sv, s->n, s->bn);
    BN_mod_mul(u1, z, w, s->n, s->bn);
    BN_mod_mul(u2, r, w, s->n, s->bn);
    nat_mul(s, &A, u1, &s->G);
    nat_mul(s, &B, u2, &Q);
    nat_add(s, &A, &A, &B);
    if (A.inf) {
        rc = circ_fail(s->c, ZK_ERR_REJECTED, "ecdsa gadget: signature does not verify");
        goto out;
    }
    BN_nnmod(t, A.x, s->n, s->bn);
    if (BN_cmp(t, r) != 0) {
        rc = circ_fail(s->c, ZK_ERR_REJECTED, "ecdsa gadget: signature does not verify");
        goto out;
    }
    *f = BN_cmp(A.x, s->n) >= 0;
    rc = ZK_OK;
out:
    npt_clear(&Q);
    npt_clear(&A);
    npt_clear(&B);
    BN_CTX_end(s->bn);
    return rc;
}

/* GLV split (libsecp256k1's scalar_split_lambda with exact rounding): k = k1 + lambda k2
 * mod n, returned as magnitudes m1, m2 < 2^128 and signs neg1, neg2. */
static void gs_glv_split(gs_ctx *s, BIGNUM *m1, int *neg1, BIGNUM *m2, int *neg2, const BIGNUM *k)
{
    BN_CTX_start(s->bn);
    BIGNUM *c1 = BN_CTX_get(s->bn), *c2 = BN_CTX_get(s->bn), *t = BN_CTX_get(s->bn);
    BIGNUM *h = BN_CTX_get(s->bn);
    BN_rshift1(h, s->n);
    /* c1 = round(b2 k / n) with b2 = a1; c2 = round(-b1 k / n) */
    BN_mul(t, s->a1, k, s->bn);
    BN_add(t, t, h);
    BN_div(c1, NULL, t, s->n, s->bn);
    BN_mul(t, s->mb1, k, s->bn);
    BN_add(t, t, h);
    BN_div(c2, NULL, t, s->n, s->bn);
    /* k1 = k - c1 a1 - c2 a2;  k2 = -c1 b1 - c2 b2 = c1 (-b1) - c2 a1 */
    BN_mul(t, c1, s->a1, s->bn);
    BN_sub(m1, k, t);
    BN_mul(t, c2, s->a2, s->bn);
    BN_sub(m1, m1, t);
    BN_mul(m2, c1, s->mb1, s->bn);
    BN_mul(t, c2, s->a1, s->bn);
    BN_sub(m2, m2, t);
    *neg1 = BN_is_negative(m1);
    *neg2 = BN_is_negative(m2);
    BN_set_negative(m1, 0);
    BN_set_negative(m2, 0);
    if (BN_num_bits(m1) > 128 || BN_num_bits(m2) > 128)
        circ_fail(s->c, ZK_ERR_INTERNAL, "ecdsa gadget: GLV split above 2^128");
    BN_CTX_end(s->bn);
}

/* Allocates the 256 bits of a big-endian 32-byte string in byte-bit order and returns
 * them least significant first in ibits (ibits[k] = obits[8 (31 - k/8) + k%8]). */
static void alloc_be_bits(gs_ctx *s, gn_poly *v, const uint8_t be[32], r1cs_var obits[256])
{
    BN_CTX_start(s->bn);
    BIGNUM *b = BN_CTX_get(s->bn);
    r1cs_var ib[256];
    BN_bin2bn(be, 32, b);
    gn_poly_witness(&s->g, v, b, 256, ib);
    for (int k = 0; k < 256; k++)
        obits[8 * (31 - k / 8) + k % 8] = circ_ok(s->c) ? ib[k] : R1CS_ONE;
    BN_CTX_end(s->bn);
}

static void gs_verify(gs_ctx *s, const r1cs_var z_bits[256], const uint8_t pub[64],
                      const uint8_t sig[64], r1cs_var pub_bits[512])
{
    circ *c = s->c;
    BN_CTX *bn = s->bn;
    BN_CTX_start(bn);
    BIGNUM *qx = BN_CTX_get(bn), *qy = BN_CTX_get(bn), *r = BN_CTX_get(bn);
    BIGNUM *sv = BN_CTX_get(bn), *z = BN_CTX_get(bn), *u1 = BN_CTX_get(bn);
    BIGNUM *u2 = BN_CTX_get(bn), *m1 = BN_CTX_get(bn), *m2 = BN_CTX_get(bn);
    BIGNUM *t = BN_CTX_get(bn), *cg = BN_CTX_get(bn);
    BIGNUM *cq[4] = {BN_CTX_get(bn), BN_CTX_get(bn), BN_CTX_get(bn), BN_CTX_get(bn)};
    npt *gtab = NULL;
    npt dnat[4];
    int ndnat = 0;
    gs_pt E[GS_Q_TABLE], P1, P2, A, AG, Q, D;
    gn_poly px, py, rp, sp, zp, u1p, m1p, m2p, k, w1, w2;
    gn_poly *polys[] = {&px, &py, &rp, &sp, &zp, &u1p, &m1p, &m2p, &k, &w1, &w2};
    for (size_t i = 0; i < sizeof polys / sizeof polys[0]; i++)
        gn_poly_init(polys[i]);
    for (int i = 0; i < GS_Q_TABLE; i++)
        pt_init(&E[i]);
    gs_pt *pts[] = {&P1, &P2, &A, &AG, &Q, &D};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++)
        pt_init(pts[i]);
    if (!cq[3]) {
        circ_fail(c, ZK_ERR_NOMEM, "ecdsa gadget: big numbers");
        goto out;
    }

    /* -- native check, before anything is built -- */
    BN_bin2bn(pub, 32, qx);
    BN_bin2bn(pub + 32, 32, qy);
    BN_bin2bn(sig, 32, r);
    BN_bin2bn(sig + 32, 32, sv);
    BN_zero(z);
    for (int k8 = 0; k8 < 256; k8++)
        if (circ_val_u64(c, z_bits[8 * (31 - k8 / 8) + k8 % 8]) & 1) BN_set_bit(z, k8);
    int f = 0, neg1 = 0, neg2 = 0;
    if (gs_native(s, qx, qy, r, sv, z, u1, u2, &f) != ZK_OK) goto out;
    gs_glv_split(s, m1, &neg1, m2, &neg2, u2);
    gs_check_offsets(s, cq, cg);
    if (!circ_ok(c)) goto out;

    /* -- the public key: bits out, on the curve, canonical -- */
    alloc_be_bits(s, &px, pub, pub_bits);
    alloc_be_bits(s, &py, pub + 32, pub_bits + 256);
    BN_sub(t, s->p, BN_value_one());
    assert_le_const(s, &px, t);
    assert_le_const(s, &py, t);
    mul_p(s, &w1, &px, &px);
    gn_poly_compress(&s->g, &w1);
    mul_p(s, &w2, &px, &w1);
    mul_p(s, &w1, &py, &py);
    gn_poly_lin(&s->g, &w1, 1, &w1, -1, &w2);
    gn_poly_const(&s->g, &w2, s->seven);
    gn_poly_lin(&s->g, &w1, 1, &w1, -1, &w2);
    zero_p(s, &w1);

    /* -- r, s in [1, n-1] -- */
    gn_poly_witness(&s->g, &rp, r, 256, NULL);
    gn_poly_witness(&s->g, &sp, sv, 256, NULL);
    BN_sub(t, s->n, BN_value_one());
    assert_le_const(s, &rp, t);
    assert_le_const(s, &sp, t);
    assert_nonzero(s, &rp);
    assert_nonzero(s, &sp);

    /* -- scalars: u1 s = z (mod n); (+-m1 +- lambda m2) s = r (mod n) -- */
    r1cs_var zb[256], u1b[256], m1b[128], m2b[128];
    for (int k8 = 0; k8 < 256; k8++)
        zb[k8] = z_bits[8 * (31 - k8 / 8) + k8 % 8];
    gn_poly_from_bits(&s->g, &zp, zb, 256);
    gn_poly_witness(&s->g, &u1p, u1, 256, u1b);
    gn_poly_mul(&s->g, &w1, &u1p, &sp);
    gn_poly_lin(&s->g, &w1, 1, &w1, -1, &zp);
    gn_assert_zero_mod(&s->g, &w1, s->n);

    gn_poly_witness(&s->g, &m1p, m1, 128, m1b);
    gn_poly_witness(&s->g, &m2p, m2, 128, m2b);
    r1cs_var sg1 = circ_bit(c, neg1), sg2 = circ_bit(c, neg2);
    gn_poly_mul_bit(&s->g, &w1, &m1p, sg1);
    gn_poly_lin(&s->g, &k, 1, &m1p, -2, &w1);
    gn_poly_mul_bit(&s->g, &w1, &m2p, sg2);
    gn_poly_lin(&s->g, &w1, 1, &m2p, -2, &w1);
    gn_poly_mul_const(&s->g, &w1, &w1, s->lambda);
    gn_poly_lin(&s->g, &k, 1, &k, 1, &w1);
    gn_poly_mul(&s->g, &w1, &k, &sp);
    gn_poly_lin(&s->g, &w1, 1, &w1, -1, &rp);
    gn_assert_zero_mod(&s->g, &w1, s->n);
    if (!circ_ok(c)) goto out;

    /* -- u1 G + C_G H: 8-bit windows over constant tables -- */
    gtab = calloc(256, sizeof *gtab);
    if (!gtab) {
        circ_fail(c, ZK_ERR_NOMEM, "ecdsa gadget: table");
        goto out;
    }
    for (int d = 0; d < 256; d++)
        if (npt_init(&gtab[d]) != ZK_OK) circ_fail(c, ZK_ERR_NOMEM, "ecdsa gadget: table");
    {
        npt base, off;
        if (npt_init(&base) | npt_init(&off)) circ_fail(c, ZK_ERR_NOMEM, "ecdsa gadget: table");
        npt_copy(&base, &s->G);
        npt_copy(&off, &s->H);
        r1cs_var mono[256];
        for (int j = 0; j < GS_G_WINDOWS && circ_ok(c); j++) {
            npt_copy(&gtab[0], &off);
            for (int d = 1; d < 256; d++)
                nat_add(s, &gtab[d], &gtab[d - 1], &base);
            mono[0] = R1CS_ONE;
            for (int S = 1; S < 256; S++) {
                int hb = 7;
                while (!(S & (1 << hb)))
                    hb--;
                int rest = S ^ (1 << hb);
                mono[S] = rest ? circ_mul(c, mono[rest], u1b[8 * j + hb]) : u1b[8 * j + hb];
            }
            if (j == 0) {
                pt_select_const(s, &AG, gtab, mono);
            } else {
                pt_select_const(s, &P1, gtab, mono);
                pt_add(s, &AG, &AG, &P1);
            }
            for (int i = 0; i < 8; i++)
                nat_add(s, &base, &base, &base);
            nat_add(s, &off, &off, &off);
        }
        npt_clear(&base);
        npt_clear(&off);
    }

    /* -- u2 Q + C_Q H: E[d] = d Q + H, Straus over m1 (+-Q) and m2 (+-phi(Q)) -- */
    gn_poly_copy(&s->g, &Q.x, &px);
    gn_poly_copy(&s->g, &Q.y, &py);
    pt_const(s, &E[0], &s->H);
    for (int d = 1; d < GS_Q_TABLE; d++)
        pt_add(s, &E[d], &E[d - 1], &Q);
    for (int wi = GS_Q_WINDOWS - 1; wi >= 0 && circ_ok(c); wi--) {
        if (wi != GS_Q_WINDOWS - 1)
            for (int i = 0; i < 4; i++)
                pt_dbl(s, &A);
        pt_select16(s, &P1, E, m1b + 4 * wi);
        pt_cond_neg(s, &P1, sg1);
        pt_select16(s, &P2, E, m2b + 4 * wi);
        gn_poly_mul_const(&s->g, &P2.x, &P2.x, s->beta);
        gn_poly_fold_p(&s->g, &P2.x);
        gn_poly_compress(&s->g, &P2.x);
        pt_cond_neg(s, &P2, sg2);
        if (wi == GS_Q_WINDOWS - 1) {
            pt_add(s, &A, &P1, &P2);
        } else {
            pt_add(s, &A, &A, &P1);
            pt_add(s, &A, &A, &P2);
        }
    }

    /* -- R' = (u1 G + C_G H) + (u2 Q + C_Q H) - (C_G + C_Q) H -- */
    pt_add(s, &A, &AG, &A);
    for (ndnat = 0; ndnat < 4; ndnat++) {
        if (npt_init(&dnat[ndnat]) != ZK_OK) {
            circ_fail(c, ZK_ERR_NOMEM, "ecdsa gadget: offsets");
            break;
        }
        BN_mod_add(t, cq[ndnat], cg, s->n, bn);
        nat_mul(s, &dnat[ndnat], t, &s->H);
        BN_sub(dnat[ndnat].y, s->p, dnat[ndnat].y); /* -D */
    }
    if (!circ_ok(c)) goto out;
    {
        /* -D for the signs (sg1, sg2): bilinear in the two bits. */
        r1cs_var s12 = circ_mul(c, sg1, sg2);
        for (int coord = 0; coord < 2; coord++) {
            gn_poly *dst = coord ? &D.y : &D.x;
            gn_poly_clear(dst);
            dst->n = 8;
            dst->lb = 32;
            for (size_t i = 0; i < 8; i++) {
                int64_t v[4];
                for (int sgi = 0; sgi < 4; sgi++)
                    v[sgi] = bn_limb32(coord ? dnat[sgi].y : dnat[sgi].x, i);
                circ_lc_add_k(c, &dst->c[i], R1CS_ONE, v[0]);
                circ_lc_add_k(c, &dst->c[i], sg1, v[1] - v[0]);
                circ_lc_add_k(c, &dst->c[i], sg2, v[2] - v[0]);
                circ_lc_add_k(c, &dst->c[i], s12, v[3] - v[2] - v[1] + v[0]);
            }
        }
    }
    pt_add(s, &A, &A, &D);

    /* -- x(R') = r + f n (mod p), r + f n < p -- */
    r1cs_var fb = circ_bit(c, f);
    poly_const_times_var(s, &w2, s->n, fb);
    gn_poly_lin(&s->g, &w1, 1, &A.x, -1, &rp);
    gn_poly_lin(&s->g, &w1, 1, &w1, -1, &w2);
    zero_p(s, &w1);
    gn_poly_lin(&s->g, &w1, 1, &rp, 1, &w2);
    BN_sub(t, s->p, BN_value_one());
    assert_le_const(s, &w1, t);

out:
    if (!circ_ok(c))
        for (int i = 0; i < 512; i++)
            pub_bits[i] = R1CS_ONE;
    if (gtab) {
        for (int d = 0; d < 256; d++)
            npt_clear(&gtab[d]);
        free(gtab);
    }
    for (int i = 0; i < ndnat; i++)
        npt_clear(&dnat[i]);
    for (size_t i = 0; i < sizeof polys / sizeof polys[0]; i++)
        gn_poly_clear(polys[i]);
    for (int i = 0; i < GS_Q_TABLE; i++)
        pt_clear(&E[i]);
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++)
        pt_clear(pts[i]);
    BN_CTX_end(bn);
}

void gs_ecdsa_verify(circ *c, const r1cs_var z_bits[256], const uint8_t pub[64],
                     const uint8_t sig[64], int rec_id, r1cs_var pub_bits[512])
{
    (void)rec_id; /* not needed: see the top comment */
    for (int i = 0; i < 512; i++)
        pub_bits[i] = R1CS_ONE;
    if (!circ_ok(c)) return;
    gs_ctx s;
    if (gs_ctx_init(&s, c) != ZK_OK) {
        circ_fail(c, ZK_ERR_NOMEM, "ecdsa gadget: context");
        return;
    }
    gs_verify(&s, z_bits, pub, sig, pub_bits);
    gs_ctx_clear(&s);
}

size_t gs_ecdsa_constraints(void)
{
    /* The count does not depend on the witness (every bound is structural): build one
     * verification of a fixed signature (key 2, nonce 3, digest 0x5a..5a) and count. */
    r1cs cs;
    if (r1cs_init(&cs) != ZK_OK) return 0;
    circ c;
    circ_init(&c, &cs);
    size_t count = 0;
    gs_ctx s;
    if (gs_ctx_init(&s, &c) != ZK_OK) goto out;
    uint8_t hash[32], pub[64], sig[64];
    memset(hash, 0x5a, sizeof hash);
    {
        BN_CTX_start(s.bn);
        BIGNUM *d = BN_CTX_get(s.bn), *k = BN_CTX_get(s.bn), *z = BN_CTX_get(s.bn);
        BIGNUM *r = BN_CTX_get(s.bn), *sv = BN_CTX_get(s.bn);
        npt P, R;
        int rc = npt_init(&P) | npt_init(&R);
        if (!rc && sv) {
            BN_set_word(d, 2);
            BN_set_word(k, 3);
            BN_bin2bn(hash, 32, z);
            nat_mul(&s, &P, d, &s.G);
            nat_mul(&s, &R, k, &s.G);
            BN_nnmod(r, R.x, s.n, s.bn);
            BN_mod_mul(sv, r, d, s.n, s.bn);
            BN_mod_add(sv, sv, z, s.n, s.bn);
            BN_mod_inverse(k, k, s.n, s.bn);
            BN_mod_mul(sv, sv, k, s.n, s.bn);
            BN_bn2binpad(P.x, pub, 32);
            BN_bn2binpad(P.y, pub + 32, 32);
            BN_bn2binpad(r, sig, 32);
            BN_bn2binpad(sv, sig + 32, 32);
        }
        npt_clear(&P);
        npt_clear(&R);
        BN_CTX_end(s.bn);
        if (rc) goto out;
    }
    r1cs_var zb[256], pb[512];
    for (int i = 0; i < 256; i++)
        zb[i] = circ_bit(&c, (hash[i / 8] >> (i % 8)) & 1);
    size_t before = cs.n_cons;
    gs_verify(&s, zb, pub, sig, pb);
    if (circ_ok(&c)) count = cs.n_cons - before;
out:
    gs_ctx_clear(&s);
    circ_clear(&c);
    r1cs_clear(&cs);
    return count;
}
