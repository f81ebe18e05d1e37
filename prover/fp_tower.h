/* The BN254 extension tower over Fp (the same tower as EIP-197, go-ethereum,
 * arkworks and gnark, so intermediate values compare directly):
 *   Fp2  = Fp[u]  / (u^2 + 1)          element c0 + c1*u
 *   Fp6  = Fp2[v] / (v^3 - xi), xi = 9 + u    element c0 + c1*v + c2*v^2
 *   Fp12 = Fp6[w] / (w^2 - v)          element c0 + c1*w
 * so w^6 = xi. Fp2 holds G2's coordinates; Fp12 holds pairing values (GT is the
 * order-r subgroup of Fp12^*).
 *
 * Every operation is total, takes its output first and allows the output to alias
 * any input. The Fp2 arithmetic is inline (the Miller loop and G2 live on it);
 * Fp6/Fp12 are out of line in fp_tower.c. Variable time. */
#ifndef ZKRELAY_PROVER_FP_TOWER_H
#define ZKRELAY_PROVER_FP_TOWER_H

#include "prover/fp.h"

typedef struct fp2 {
    fp c0, c1;
} fp2;

typedef struct fp6 {
    fp2 c0, c1, c2;
} fp6;

typedef struct fp12 {
    fp6 c0, c1;
} fp12;

/* ---- Fp2 ---------------------------------------------------------------- */

static inline void fp2_set_zero(fp2 *r)
{
    fp_set_zero(&r->c0);
    fp_set_zero(&r->c1);
}
static inline void fp2_set_one(fp2 *r)
{
    fp_set_one(&r->c0);
    fp_set_zero(&r->c1);
}
static inline bool fp2_is_zero(const fp2 *a)
{
    return fp_is_zero(&a->c0) && fp_is_zero(&a->c1);
}
static inline bool fp2_is_one(const fp2 *a)
{
    return fp_is_one(&a->c0) && fp_is_zero(&a->c1);
}
static inline bool fp2_eq(const fp2 *a, const fp2 *b)
{
    return fp_eq(&a->c0, &b->c0) && fp_eq(&a->c1, &b->c1);
}
static inline void fp2_add(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp_add(&r->c0, &a->c0, &b->c0);
    fp_add(&r->c1, &a->c1, &b->c1);
}
static inline void fp2_sub(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp_sub(&r->c0, &a->c0, &b->c0);
    fp_sub(&r->c1, &a->c1, &b->c1);
}
static inline void fp2_dbl(fp2 *r, const fp2 *a)
{
    fp_dbl(&r->c0, &a->c0);
    fp_dbl(&r->c1, &a->c1);
}
static inline void fp2_neg(fp2 *r, const fp2 *a)
{
    fp_neg(&r->c0, &a->c0);
    fp_neg(&r->c1, &a->c1);
}
/* r = conjugate of a = a^p (the Frobenius map of Fp2). */
static inline void fp2_conj(fp2 *r, const fp2 *a)
{
    r->c0 = a->c0;
    fp_neg(&r->c1, &a->c1);
}
/* Karatsuba: 3 Fp products. */
static inline void fp2_mul(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp t0, t1, s0, s1;
    fp_mul(&t0, &a->c0, &b->c0);
    fp_mul(&t1, &a->c1, &b->c1);
    fp_add(&s0, &a->c0, &a->c1);
    fp_add(&s1, &b->c0, &b->c1);
    fp_mul(&s0, &s0, &s1);
    fp_sub(&r->c0, &t0, &t1);
    fp_sub(&s0, &s0, &t0);
    fp_sub(&r->c1, &s0, &t1);
}
/* (c0 + c1 u)^2 = (c0 + c1)(c0 - c1) + 2 c0 c1 u: 2 Fp products. */
static inline void fp2_sqr(fp2 *r, const fp2 *a)
{
    fp s, d, m;
    fp_add(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mul(&m, &a->c0, &a->c1);
    fp_mul(&r->c0, &s, &d);
    fp_dbl(&r->c1, &m);
}
/* r = a * s for s in Fp. */
static inline void fp2_mul_fp(fp2 *r, const fp2 *a, const fp *s)
{
    fp_mul(&r->c0, &a->c0, s);
    fp_mul(&r->c1, &a->c1, s);
}
/* r = a * xi = a * (9 + u) = (9 c0 - c1) + (c0 + 9 c1) u, by additions only. */
static inline void fp2_mul_xi(fp2 *r, const fp2 *a)
{
    fp t0, t1;
    fp_dbl(&t0, &a->c0);
    fp_dbl(&t0, &t0);
    fp_dbl(&t0, &t0);
    fp_add(&t0, &t0, &a->c0); /* 9 c0 */
    fp_dbl(&t1, &a->c1);
    fp_dbl(&t1, &t1);
    fp_dbl(&t1, &t1);
    fp_add(&t1, &t1, &a->c1); /* 9 c1 */
    fp_sub(&t0, &t0, &a->c1);
    fp_add(&r->c1, &t1, &a->c0);
    r->c0 = t0;
}

/* r = a^-1 = conj(a) / (c0^2 + c1^2). Returns ZK_ERR_RANGE for a == 0 (r zero). */
int fp2_inv(fp2 *r, const fp2 *a) ZK_MUST_CHECK;
/* r = a^e, e a plain 256-bit integer (little-endian limbs). */
void fp2_pow(fp2 *r, const fp2 *a, const uint64_t e[4]);
/* r = a square root of a (Adj and Rodriguez-Henriquez 2012, alg. 9, for p = 3 mod 4).
 * Returns ZK_ERR_RANGE when a is not a square in Fp2 (r zero). */
int fp2_sqrt(fp2 *r, const fp2 *a) ZK_MUST_CHECK;

/* ---- Fp6 ---------------------------------------------------------------- */

void fp6_set_zero(fp6 *r);
void fp6_set_one(fp6 *r);
bool fp6_is_zero(const fp6 *a);
bool fp6_eq(const fp6 *a, const fp6 *b);
void fp6_add(fp6 *r, const fp6 *a, const fp6 *b);
void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b);
void fp6_neg(fp6 *r, const fp6 *a);
void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b);
void fp6_sqr(fp6 *r, const fp6 *a);
/* r = a * v: (c0, c1, c2) -> (xi c2, c0, c1). */
void fp6_mul_by_v(fp6 *r, const fp6 *a);
/* r = a * (b0 + b1 v): the sparse product the line functions need. */
void fp6_mul_by_01(fp6 *r, const fp6 *a, const fp2 *b0, const fp2 *b1);
/* Returns ZK_ERR_RANGE for a == 0 (r zero). */
int fp6_inv(fp6 *r, const fp6 *a) ZK_MUST_CHECK;
/* r = a^(p^k), for any k >= 0. */
void fp6_frobenius(fp6 *r, const fp6 *a, unsigned k);

/* ---- Fp12 --------------------------------------------------------------- */

void fp12_set_one(fp12 *r);
bool fp12_is_one(const fp12 *a);
bool fp12_eq(const fp12 *a, const fp12 *b);
void fp12_mul(fp12 *r, const fp12 *a, const fp12 *b);
void fp12_sqr(fp12 *r, const fp12 *a);
/* r = c0 - c1 w = a^(p^6); equals a^-1 when a is in the cyclotomic subgroup
 * (every pairing value after the easy part of the final exponentiation). */
void fp12_conj(fp12 *r, const fp12 *a);
/* Returns ZK_ERR_RANGE for a == 0 (r zero). */
int fp12_inv(fp12 *r, const fp12 *a) ZK_MUST_CHECK;
/* r = a^(p^k), for any k >= 0, by the tabulated constants xi^(i (p^k - 1) / 6). */
void fp12_frobenius(fp12 *r, const fp12 *a, unsigned k);
/* r = a^e, e a plain integer of n_limbs little-endian 64-bit limbs. */
void fp12_pow(fp12 *r, const fp12 *a, const uint64_t *e, size_t n_limbs);
/* r = a^2 for a in the cyclotomic subgroup (Granger-Scott 2010): 6 Fp2 squarings
 * instead of a full Fp12 squaring. The result is wrong for other a. */
void fp12_cyclotomic_sqr(fp12 *r, const fp12 *a);
/* r = a * (b0 + b3 w + b4 v w), the sparse line value of the D-type twist. */
void fp12_mul_by_034(fp12 *r, const fp12 *a, const fp2 *b0, const fp2 *b3, const fp2 *b4);

/* The tabulated Frobenius constants gamma[k-1][i-1] = xi^(i (p^k - 1) / 6) for
 * k = 1..3, i = 1..5 (Montgomery form). gamma[0][1] = xi^((p-1)/3) and
 * gamma[0][2] = xi^((p-1)/2) also define the twist endomorphism psi of G2. */
extern const fp2 FP12_FROBENIUS_GAMMA[3][5];

#endif
