/* Optimal ate pairing on BN254: Miller loop, lines of the D-type twist, final
 * exponentiation. See pairing.h for the references. */
#include "prover/pairing.h"

/* 6x + 2 = 29793968203157093288 in signed binary, least significant digit first
 * (the same digits as arkworks' ATE_LOOP_COUNT). */
static const int8_t ATE_LOOP[65] = {0,  0,  0, 1,  0, 1, 0, -1, 0,  0, 1,  -1, 0, 0, 1, 0, 0,
                                    1,  1,  0, -1, 0, 0, 1, 0,  -1, 0, 0,  0,  0, 1, 1, 1, 0,
                                    0,  -1, 0, 0,  1, 0, 0, 0,  0,  0, -1, 0,  0, 1, 1, 0, 0,
                                    -1, 0,  0, 0,  1, 1, 0, -1, 0,  0, 1,  0,  1, 1};

/* The BN seed x, for the hard part of the final exponentiation. */
static const uint64_t BN_X = 0x44e992b44a6909f1ULL;

/* 1/2 in Fp (Montgomery form). */
static const fp FP_TWO_INV = {
    {0x87bee7d24f060572ULL, 0xd0fd2add2f1c6ae5ULL, 0x8f5f7492fcfd4f44ULL, 0x1f37631a3d9cbfacULL}};

/* R in homogeneous projective coordinates on the twist: (X/Z, Y/Z). */
typedef struct {
    fp2 x, y, z;
} twist_proj;

/* A line through R, evaluated later at P: c0 * Py + c1 * Px w + c2 v w. */
typedef struct {
    fp2 c0, c1, c2;
} line;

/* R = 2R; returns the tangent line at R (Costello-Lange-Naehrig, as arkworks). */
static void line_double(line *l, twist_proj *r)
{
    fp2 a, b, c, e, f, g, h, i, j, t;
    fp2_mul(&a, &r->x, &r->y);
    fp2_mul_fp(&a, &a, &FP_TWO_INV);
    fp2_sqr(&b, &r->y);
    fp2_sqr(&c, &r->z);
    fp2_dbl(&t, &c);
    fp2_add(&t, &t, &c);
    fp2_mul(&e, &G2_B, &t); /* 3 b' Z^2 */
    fp2_dbl(&f, &e);
    fp2_add(&f, &f, &e);
    fp2_add(&g, &b, &f);
    fp2_mul_fp(&g, &g, &FP_TWO_INV);
    fp2_add(&h, &r->y, &r->z);
    fp2_sqr(&h, &h);
    fp2_add(&t, &b, &c);
    fp2_sub(&h, &h, &t); /* 2 Y Z */
    fp2_sub(&i, &e, &b);
    fp2_sqr(&j, &r->x);
    fp2_sub(&t, &b, &f);
    fp2_mul(&r->x, &a, &t);
    fp2_sqr(&e, &e);
    fp2_dbl(&t, &e);
    fp2_add(&t, &t, &e);
    fp2_sqr(&g, &g);
    fp2_sub(&r->y, &g, &t);
    fp2_mul(&r->z, &b, &h);
    fp2_neg(&l->c0, &h);
    fp2_dbl(&l->c1, &j);
    fp2_add(&l->c1, &l->c1, &j);
    l->c2 = i;
}

/* R = R + Q; returns the line through R and Q. */
static void line_add(line *l, twist_proj *r, const g2_affine *q)
{
    fp2 theta, lambda, c, d, e, f, g, h, t;
    fp2_mul(&t, &q->y, &r->z);
    fp2_sub(&theta, &r->y, &t);
    fp2_mul(&t, &q->x, &r->z);
    fp2_sub(&lambda, &r->x, &t);
    fp2_sqr(&c, &theta);
    fp2_sqr(&d, &lambda);
    fp2_mul(&e, &lambda, &d);
    fp2_mul(&f, &r->z, &c);
    fp2_mul(&g, &r->x, &d);
    fp2_add(&h, &e, &f);
    fp2_sub(&h, &h, &g);
    fp2_sub(&h, &h, &g);
    fp2_mul(&r->x, &lambda, &h);
    fp2_sub(&t, &g, &h);
    fp2_mul(&t, &theta, &t);
    fp2_mul(&f, &e, &r->y);
    fp2_sub(&r->y, &t, &f);
    fp2_mul(&r->z, &r->z, &e);
    /* j = theta Qx - lambda Qy */
    fp2_mul(&t, &theta, &q->x);
    fp2_mul(&f, &lambda, &q->y);
    fp2_sub(&l->c2, &t, &f);
    l->c0 = lambda;
    fp2_neg(&l->c1, &theta);
}

/* f = f * l(P) */
static void line_eval(fp12 *f, const line *l, const g1_affine *p)
{
    fp2 c0, c1;
    fp2_mul_fp(&c0, &l->c0, &p->y);
    fp2_mul_fp(&c1, &l->c1, &p->x);
    fp12_mul_by_034(f, f, &c0, &c1, &l->c2);
}

/* Pairs per Miller-loop pass: their state lives on the stack. */
#define MILLER_CHUNK 8

/* f = the Miller loop value of n <= MILLER_CHUNK pairs with no infinity. */
static void miller_chunk(fp12 *f, const g1_affine *const *p, const g2_affine *const *q, size_t n)
{
    twist_proj r[MILLER_CHUNK];
    g2_affine negq[MILLER_CHUNK];
    line l;
    for (size_t k = 0; k < n; k++) {
        r[k].x = q[k]->x;
        r[k].y = q[k]->y;
        fp2_set_one(&r[k].z);
        g2_affine_neg(&negq[k], q[k]);
    }
    fp12_set_one(f);
    for (int i = (int)(sizeof(ATE_LOOP) / sizeof(ATE_LOOP[0])) - 1; i >= 1; i--) {
        if (i != (int)(sizeof(ATE_LOOP) / sizeof(ATE_LOOP[0])) - 1) fp12_sqr(f, f);
        for (size_t k = 0; k < n; k++) {
            line_double(&l, &r[k]);
            line_eval(f, &l, p[k]);
        }
        int bit = ATE_LOOP[i - 1];
        if (bit == 0) continue;
        for (size_t k = 0; k < n; k++) {
            line_add(&l, &r[k], bit > 0 ? q[k] : &negq[k]);
            line_eval(f, &l, p[k]);
        }
    }
    /* The two Frobenius additions: R + psi(Q), then + (-psi^2(Q)). */
    for (size_t k = 0; k < n; k++) {
        g2_affine q1, q2;
        g2_affine_psi(&q1, q[k]);
        g2_affine_psi(&q2, &q1);
        fp2_neg(&q2.y, &q2.y);
        line_add(&l, &r[k], &q1);
        line_eval(f, &l, p[k]);
        line_add(&l, &r[k], &q2);
        line_eval(f, &l, p[k]);
    }
}

void pairing_miller_loop(fp12 *f, const g1_affine *p, const g2_affine *q, size_t n)
{
    const g1_affine *pp[MILLER_CHUNK];
    const g2_affine *qq[MILLER_CHUNK];
    size_t m = 0;
    fp12 acc, part;
    fp12_set_one(&acc);
    for (size_t i = 0; i < n; i++) {
        if (g1_affine_is_infinity(&p[i]) || g2_affine_is_infinity(&q[i])) continue;
        pp[m] = &p[i];
        qq[m] = &q[i];
        if (++m == MILLER_CHUNK) {
            miller_chunk(&part, pp, qq, m);
            fp12_mul(&acc, &acc, &part);
            m = 0;
        }
    }
    if (m > 0) {
        miller_chunk(&part, pp, qq, m);
        fp12_mul(&acc, &acc, &part);
    }
    *f = acc;
}

/* r = a^x for a in the cyclotomic subgroup. */
static void cyclotomic_exp_x(fp12 *r, const fp12 *a)
{
    fp12 acc = *a;
    for (int i = 61; i >= 0; i--) { /* x has 63 bits; bit 62 is acc = a */
        fp12_cyclotomic_sqr(&acc, &acc);
        if ((BN_X >> i) & 1) fp12_mul(&acc, &acc, a);
    }
    *r = acc;
}

/* r = a^-x (a cyclotomic, so the inverse is the conjugate). */
static void exp_by_neg_x(fp12 *r, const fp12 *a)
{
    cyclotomic_exp_x(r, a);
    fp12_conj(r, r);
}

void pairing_final_exp(fp12 *out, const fp12 *f)
{
    fp12 r, t, y0, y1, y2, y3, y4, y5, y6, y7, y8, y9, y10, y11, y12, y13, y14, y15;
    /* Easy part: r = f^((p^6 - 1)(p^2 + 1)) = (conj(f) / f)^(p^2 + 1). */
    if (fp12_inv(&t, f) != ZK_OK) { /* f == 0 never comes out of a Miller loop */
        fp12_set_one(out);
        return;
    }
    fp12_conj(&r, f);
    fp12_mul(&r, &r, &t);
    fp12_frobenius(&t, &r, 2);
    fp12_mul(&r, &r, &t);
    /* Hard part (Fuentes-Castaneda et al.), r cyclotomic from here on. */
    exp_by_neg_x(&y0, &r);
    fp12_cyclotomic_sqr(&y1, &y0);
    fp12_cyclotomic_sqr(&y2, &y1);
    fp12_mul(&y3, &y2, &y1);
    exp_by_neg_x(&y4, &y3);
    fp12_cyclotomic_sqr(&y5, &y4);
    exp_by_neg_x(&y6, &y5);
    fp12_conj(&y3, &y3);
    fp12_conj(&y6, &y6);
    fp12_mul(&y7, &y6, &y4);
    fp12_mul(&y8, &y7, &y3);
    fp12_mul(&y9, &y8, &y1);
    fp12_mul(&y10, &y8, &y4);
    fp12_mul(&y11, &y10, &r);
    fp12_frobenius(&y12, &y9, 1);
    fp12_mul(&y13, &y12, &y11);
    fp12_frobenius(&y8, &y8, 2);
    fp12_mul(&y14, &y8, &y13);
    fp12_conj(&r, &r);
    fp12_mul(&y15, &r, &y9);
    fp12_frobenius(&y15, &y15, 3);
    fp12_mul(out, &y15, &y14);
}

void pairing(fp12 *r, const g1_affine *p, const g2_affine *q)
{
    fp12 f;
    pairing_miller_loop(&f, p, q, 1);
    pairing_final_exp(r, &f);
}

bool pairing_check(const g1_affine *p, const g2_affine *q, size_t n)
{
    fp12 f;
    pairing_miller_loop(&f, p, q, n);
    pairing_final_exp(&f, &f);
    return fp12_is_one(&f);
}
