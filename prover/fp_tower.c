/* The Fp2/Fp6/Fp12 tower of BN254: inversion, Frobenius maps, exponentiation and
 * the sparse products the pairing uses. Formulas follow Beuchat et al. 2010
 * ("High-speed software implementation of the optimal ate pairing over
 * Barreto-Naehrig curves") and arkworks' fp6_3over2 / fp12_2over3over2. */
#include "prover/fp_tower.h"

/* xi^(i (p^k - 1) / 6) for k = 1..3 (rows) and i = 1..5 (columns), Montgomery form;
 * generated offline and checked against fp2_pow in tests/prover/test_fields.c.
 * For k = 2 the values lie in Fp (their u-part is zero). */
const fp2 FP12_FROBENIUS_GAMMA[3][5] = {
    {
        /* k=1 i=1 */ {{{0xaf9ba69633144907ULL, 0xca6b1d7387afb78aULL, 0x11bded5ef08a2087ULL,
                         0x02f34d751a1f3a7cULL}},
                       {{0xa222ae234c492d72ULL, 0xd00f02a4565de15bULL, 0xdc2ff3a253dfc926ULL,
                         0x10a75716b3899551ULL}}},
        /* k=1 i=2 */
        {{{0xb5773b104563ab30ULL, 0x347f91c8a9aa6454ULL, 0x7a007127242e0991ULL,
           0x1956bcd8118214ecULL}},
         {{0x6e849f1ea0aa4757ULL, 0xaa1c7b6d89f89141ULL, 0xb6e713cdfae0ca3aULL,
           0x26694fbb4e82ebc3ULL}}},
        /* k=1 i=3 */
        {{{0xe4bbdd0c2936b629ULL, 0xbb30f162e133bacbULL, 0x31a9d1b6f9645366ULL,
           0x253570bea500f8ddULL}},
         {{0xa1d77ce45ffe77c7ULL, 0x07affd117826d1dbULL, 0x6d16bd27bb7edc6bULL,
           0x2c87200285defeccULL}}},
        /* k=1 i=4 */
        {{{0x7361d77f843abe92ULL, 0xa5bb2bd3273411fbULL, 0x9c941f314b3e2399ULL,
           0x15df9cddbb9fd3ecULL}},
         {{0x5dddfd154bd8c949ULL, 0x62cb29a5a4445b60ULL, 0x37bc870a0c7dd2b9ULL,
           0x24830a9d3171f0fdULL}}},
        /* k=1 i=5 */
        {{{0xc970692f41690fe7ULL, 0xe240342127694b0bULL, 0x32bee66b83c459e8ULL,
           0x12aabced0ab08841ULL}},
         {{0x0d485d2340aebfa9ULL, 0x05193418ab2fcc57ULL, 0xd3b0a40b8a4910f5ULL,
           0x2f21ebb535d2925aULL}}},
    },
    {
        /* k=2 i=1 */ {{{0xca8d800500fa1bf2ULL, 0xf0c5d61468b39769ULL, 0x0e201271ad0d4418ULL,
                         0x04290f65bad856e6ULL}},
                       {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
                         0x0000000000000000ULL}}},
        /* k=2 i=2 */
        {{{0x3350c88e13e80b9cULL, 0x7dce557cdb5e56b9ULL, 0x6001b4b8b615564aULL,
           0x2682e617020217e0ULL}},
         {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
           0x0000000000000000ULL}}},
        /* k=2 i=3 */
        {{{0x68c3488912edefaaULL, 0x8d087f6872aabf4fULL, 0x51e1a24709081231ULL,
           0x2259d6b14729c0faULL}},
         {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
           0x0000000000000000ULL}}},
        /* k=2 i=4 */
        {{{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL, 0xaa303344d4741444ULL,
           0x2c3b3f0d26594943ULL}},
         {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
           0x0000000000000000ULL}}},
        /* k=2 i=5 */
        {{{0x08cfc388c494f1abULL, 0x19b315148d1373d4ULL, 0x584e90fdcb6c0213ULL,
           0x09e1685bdf2f8849ULL}},
         {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL,
           0x0000000000000000ULL}}},
    },
    {
        /* k=3 i=1 */ {{{0x365316184e46d97dULL, 0x0af7129ed4c96d9fULL, 0x659da72fca1009b5ULL,
                         0x08116d8983a20d23ULL}},
                       {{0xb1df4af7c39c1939ULL, 0x3d9f02878a73bf7fULL, 0x9b2220928caf0ae0ULL,
                         0x26684515eff054a6ULL}}},
        /* k=3 i=2 */
        {{{0xc9af22f716ad6badULL, 0xb311782a4aa662b2ULL, 0x19eeaf64e248c7f4ULL,
           0x20273e77e3439f82ULL}},
         {{0xacc02860f7ce93acULL, 0x3933d5817ba76b4cULL, 0x69e6188b446c8467ULL,
           0x0a46036d4417cc55ULL}}},
        /* k=3 i=3 */
        {{{0x5764af0aaf46471eULL, 0xdc50792e873e0fc1ULL, 0x86a673ff881d04f6ULL,
           0x0b2eddb43c30a74cULL}},
         {{0x9a490f32787e8580ULL, 0x8fd16d7ff04af8b1ULL, 0x4b39888ec6027bf2ULL,
           0x03dd2e705b52a15dULL}}},
        /* k=3 i=4 */
        {{{0x448a93a57b6762dfULL, 0xbfd62df528fdeadfULL, 0xd858f5d00e9bd47aULL,
           0x06b03d4d3476ec58ULL}},
         {{0x2b19daf4bcc936d1ULL, 0xa1a54e7a56f4299fULL, 0xb533eee05adeaef1ULL,
           0x170c812b84dda0b2ULL}}},
        /* k=3 i=5 */
        {{{0xe0bc4b2275cf559fULL, 0xc238b945c154e60fULL, 0x803982a5929a7d5eULL,
           0x15ce052df7e4a37eULL}},
         {{0x2d28efbdbf3799a7ULL, 0x9b097e3c1ad60773ULL, 0x982d4113af4a535bULL,
           0x24e18991e3056063ULL}}},
    },
};

/* ---- Fp2 ---------------------------------------------------------------- */

int fp2_inv(fp2 *r, const fp2 *a)
{
    fp t0, t1;
    fp_sqr(&t0, &a->c0);
    fp_sqr(&t1, &a->c1);
    fp_add(&t0, &t0, &t1); /* the norm c0^2 + c1^2, zero only for a == 0 */
    int rc = fp_inv(&t0, &t0);
    if (rc != ZK_OK) {
        fp2_set_zero(r);
        return rc;
    }
    fp_mul(&r->c0, &a->c0, &t0);
    fp_mul(&t1, &a->c1, &t0);
    fp_neg(&r->c1, &t1);
    return ZK_OK;
}

void fp2_pow(fp2 *r, const fp2 *a, const uint64_t e[4])
{
    fp2 acc, base = *a;
    fp2_set_one(&acc);
    for (int i = 255; i >= 0; i--) {
        fp2_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) fp2_mul(&acc, &acc, &base);
    }
    *r = acc;
}

int fp2_sqrt(fp2 *r, const fp2 *a)
{
    if (fp2_is_zero(a)) {
        fp2_set_zero(r);
        return ZK_OK;
    }
    /* (p - 3) / 4 and (p - 1) / 2 as plain integers. */
    static const uint64_t P_M3_DIV4[4] = {0x4f082305b61f3f51ULL, 0x65e05aa45a1c72a3ULL,
                                          0x6e14116da0605617ULL, 0x0c19139cb84c680aULL};
    static const uint64_t P_M1_DIV2[4] = {0x9e10460b6c3e7ea3ULL, 0xcbc0b548b438e546ULL,
                                          0xdc2822db40c0ac2eULL, 0x183227397098d014ULL};
    fp2 a1, alpha, x0, x, minus_one, chk;
    fp2_pow(&a1, a, P_M3_DIV4);
    fp2_sqr(&alpha, &a1);
    fp2_mul(&alpha, &alpha, a); /* a^((p-1)/2) */
    fp2_mul(&x0, &a1, a);       /* a^((p+1)/4) */
    fp2_set_one(&minus_one);
    fp2_neg(&minus_one, &minus_one);
    if (fp2_eq(&alpha, &minus_one)) {
        /* x = u * x0 */
        fp_neg(&x.c0, &x0.c1);
        x.c1 = x0.c0;
    } else {
        fp2 b;
        fp2_set_one(&b);
        fp2_add(&b, &b, &alpha);
        fp2_pow(&b, &b, P_M1_DIV2);
        fp2_mul(&x, &b, &x0);
    }
    fp2_sqr(&chk, &x);
    if (!fp2_eq(&chk, a)) {
        fp2_set_zero(r);
        return ZK_ERR_RANGE;
    }
    *r = x;
    return ZK_OK;
}

/* ---- Fp6 ---------------------------------------------------------------- */

void fp6_set_zero(fp6 *r)
{
    fp2_set_zero(&r->c0);
    fp2_set_zero(&r->c1);
    fp2_set_zero(&r->c2);
}

void fp6_set_one(fp6 *r)
{
    fp2_set_one(&r->c0);
    fp2_set_zero(&r->c1);
    fp2_set_zero(&r->c2);
}

bool fp6_is_zero(const fp6 *a)
{
    return fp2_is_zero(&a->c0) && fp2_is_zero(&a->c1) && fp2_is_zero(&a->c2);
}

bool fp6_eq(const fp6 *a, const fp6 *b)
{
    return fp2_eq(&a->c0, &b->c0) && fp2_eq(&a->c1, &b->c1) && fp2_eq(&a->c2, &b->c2);
}

void fp6_add(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2_add(&r->c0, &a->c0, &b->c0);
    fp2_add(&r->c1, &a->c1, &b->c1);
    fp2_add(&r->c2, &a->c2, &b->c2);
}

void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2_sub(&r->c0, &a->c0, &b->c0);
    fp2_sub(&r->c1, &a->c1, &b->c1);
    fp2_sub(&r->c2, &a->c2, &b->c2);
}

void fp6_neg(fp6 *r, const fp6 *a)
{
    fp2_neg(&r->c0, &a->c0);
    fp2_neg(&r->c1, &a->c1);
    fp2_neg(&r->c2, &a->c2);
}

void fp6_mul_by_v(fp6 *r, const fp6 *a)
{
    fp2 t;
    fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

/* Karatsuba over the cubic extension: 6 Fp2 products. */
void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2 t0, t1, t2, s, u, c0, c1, c2;
    fp2_mul(&t0, &a->c0, &b->c0);
    fp2_mul(&t1, &a->c1, &b->c1);
    fp2_mul(&t2, &a->c2, &b->c2);
    /* c0 = ((a1 + a2)(b1 + b2) - t1 - t2) xi + t0 */
    fp2_add(&s, &a->c1, &a->c2);
    fp2_add(&u, &b->c1, &b->c2);
    fp2_mul(&c0, &s, &u);
    fp2_sub(&c0, &c0, &t1);
    fp2_sub(&c0, &c0, &t2);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &t0);
    /* c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2 */
    fp2_add(&s, &a->c0, &a->c1);
    fp2_add(&u, &b->c0, &b->c1);
    fp2_mul(&c1, &s, &u);
    fp2_sub(&c1, &c1, &t0);
    fp2_sub(&c1, &c1, &t1);
    fp2_mul_xi(&s, &t2);
    fp2_add(&c1, &c1, &s);
    /* c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1 */
    fp2_add(&s, &a->c0, &a->c2);
    fp2_add(&u, &b->c0, &b->c2);
    fp2_mul(&c2, &s, &u);
    fp2_sub(&c2, &c2, &t0);
    fp2_sub(&c2, &c2, &t2);
    fp2_add(&c2, &c2, &t1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* Chung-Hasan SQR2: 2 Fp2 products and 3 squarings. */
void fp6_sqr(fp6 *r, const fp6 *a)
{
    fp2 s0, s1, s2, s3, s4, t;
    fp2_sqr(&s0, &a->c0);
    fp2_mul(&s1, &a->c0, &a->c1);
    fp2_dbl(&s1, &s1);
    fp2_sub(&t, &a->c0, &a->c1);
    fp2_add(&t, &t, &a->c2);
    fp2_sqr(&s2, &t);
    fp2_mul(&s3, &a->c1, &a->c2);
    fp2_dbl(&s3, &s3);
    fp2_sqr(&s4, &a->c2);
    /* c0 = s0 + xi s3; c1 = s1 + xi s4; c2 = s1 + s2 + s3 - s0 - s4 */
    fp2_mul_xi(&t, &s3);
    fp2_add(&r->c0, &s0, &t);
    fp2_add(&r->c2, &s1, &s2);
    fp2_add(&r->c2, &r->c2, &s3);
    fp2_sub(&r->c2, &r->c2, &s0);
    fp2_sub(&r->c2, &r->c2, &s4);
    fp2_mul_xi(&t, &s4);
    fp2_add(&r->c1, &s1, &t);
}

void fp6_mul_by_01(fp6 *r, const fp6 *a, const fp2 *b0, const fp2 *b1)
{
    fp2 v0, v1, t1, t2, t3, s;
    fp2_mul(&v0, &a->c0, b0);
    fp2_mul(&v1, &a->c1, b1);
    /* t1 = ((a1 + a2) b1 - v1) xi + v0 */
    fp2_add(&s, &a->c1, &a->c2);
    fp2_mul(&t1, &s, b1);
    fp2_sub(&t1, &t1, &v1);
    fp2_mul_xi(&t1, &t1);
    fp2_add(&t1, &t1, &v0);
    /* t3 = (a0 + a2) b0 - v0 + v1 */
    fp2_add(&s, &a->c0, &a->c2);
    fp2_mul(&t3, &s, b0);
    fp2_sub(&t3, &t3, &v0);
    fp2_add(&t3, &t3, &v1);
    /* t2 = (b0 + b1)(a0 + a1) - v0 - v1 */
    fp2_add(&s, b0, b1);
    fp2_add(&t2, &a->c0, &a->c1);
    fp2_mul(&t2, &t2, &s);
    fp2_sub(&t2, &t2, &v0);
    fp2_sub(&t2, &t2, &v1);
    r->c0 = t1;
    r->c1 = t2;
    r->c2 = t3;
}

int fp6_inv(fp6 *r, const fp6 *a)
{
    fp2 c0, c1, c2, t, s;
    /* c0 = a0^2 - xi a1 a2; c1 = xi a2^2 - a0 a1; c2 = a1^2 - a0 a2 */
    fp2_sqr(&c0, &a->c0);
    fp2_mul(&t, &a->c1, &a->c2);
    fp2_mul_xi(&t, &t);
    fp2_sub(&c0, &c0, &t);
    fp2_sqr(&c1, &a->c2);
    fp2_mul_xi(&c1, &c1);
    fp2_mul(&t, &a->c0, &a->c1);
    fp2_sub(&c1, &c1, &t);
    fp2_sqr(&c2, &a->c1);
    fp2_mul(&t, &a->c0, &a->c2);
    fp2_sub(&c2, &c2, &t);
    /* norm = a0 c0 + xi (a2 c1 + a1 c2) */
    fp2_mul(&t, &a->c2, &c1);
    fp2_mul(&s, &a->c1, &c2);
    fp2_add(&t, &t, &s);
    fp2_mul_xi(&t, &t);
    fp2_mul(&s, &a->c0, &c0);
    fp2_add(&t, &t, &s);
    int rc = fp2_inv(&t, &t);
    if (rc != ZK_OK) {
        fp6_set_zero(r);
        return rc;
    }
    fp2_mul(&r->c0, &c0, &t);
    fp2_mul(&r->c1, &c1, &t);
    fp2_mul(&r->c2, &c2, &t);
    return ZK_OK;
}

/* One Frobenius step a -> a^(p^k), k in 1..3. */
static void fp6_frobenius_step(fp6 *r, const fp6 *a, unsigned k)
{
    fp6 t = *a;
    if (k & 1) {
        fp2_conj(&t.c0, &t.c0);
        fp2_conj(&t.c1, &t.c1);
        fp2_conj(&t.c2, &t.c2);
    }
    /* v = w^2, so the v^j coefficient takes gamma_{k, 2j}. */
    fp2_mul(&t.c1, &t.c1, &FP12_FROBENIUS_GAMMA[k - 1][1]);
    fp2_mul(&t.c2, &t.c2, &FP12_FROBENIUS_GAMMA[k - 1][3]);
    *r = t;
}

void fp6_frobenius(fp6 *r, const fp6 *a, unsigned k)
{
    *r = *a;
    for (k %= 6; k > 0;) {
        unsigned step = k > 3 ? 3 : k;
        fp6_frobenius_step(r, r, step);
        k -= step;
    }
}

/* ---- Fp12 --------------------------------------------------------------- */

void fp12_set_one(fp12 *r)
{
    fp6_set_one(&r->c0);
    fp6_set_zero(&r->c1);
}

bool fp12_is_one(const fp12 *a)
{
    return fp2_is_one(&a->c0.c0) && fp2_is_zero(&a->c0.c1) && fp2_is_zero(&a->c0.c2) &&
           fp6_is_zero(&a->c1);
}

bool fp12_eq(const fp12 *a, const fp12 *b)
{
    return fp6_eq(&a->c0, &b->c0) && fp6_eq(&a->c1, &b->c1);
}

void fp12_mul(fp12 *r, const fp12 *a, const fp12 *b)
{
    fp6 t0, t1, s, u;
    fp6_mul(&t0, &a->c0, &b->c0);
    fp6_mul(&t1, &a->c1, &b->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_add(&u, &b->c0, &b->c1);
    fp6_mul(&s, &s, &u);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&r->c1, &s, &t1);
    fp6_mul_by_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

/* Complex squaring: 2 Fp6 products. */
void fp12_sqr(fp12 *r, const fp12 *a)
{
    fp6 ab, s, t;
    fp6_mul(&ab, &a->c0, &a->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_mul_by_v(&t, &a->c1);
    fp6_add(&t, &t, &a->c0);
    fp6_mul(&s, &s, &t); /* (a0 + a1)(a0 + v a1) */
    fp6_sub(&s, &s, &ab);
    fp6_mul_by_v(&t, &ab);
    fp6_sub(&r->c0, &s, &t);
    fp6_add(&r->c1, &ab, &ab);
}

void fp12_conj(fp12 *r, const fp12 *a)
{
    r->c0 = a->c0;
    fp6_neg(&r->c1, &a->c1);
}

int fp12_inv(fp12 *r, const fp12 *a)
{
    /* (c0 + c1 w)^-1 = (c0 - c1 w) / (c0^2 - v c1^2) */
    fp6 t0, t1;
    fp6_sqr(&t0, &a->c0);
    fp6_sqr(&t1, &a->c1);
    fp6_mul_by_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    int rc = fp6_inv(&t0, &t0);
    if (rc != ZK_OK) {
        fp6_set_zero(&r->c0);
        fp6_set_zero(&r->c1);
        return rc;
    }
    fp6_mul(&r->c0, &a->c0, &t0);
    fp6_mul(&r->c1, &a->c1, &t0);
    fp6_neg(&r->c1, &r->c1);
    return ZK_OK;
}

static void fp12_frobenius_step(fp12 *r, const fp12 *a, unsigned k)
{
    /* The coefficient of w^i (w^0: c0.c0, w^1: c1.c0, w^2: c0.c1, w^3: c1.c1,
     * w^4: c0.c2, w^5: c1.c2) maps to conj^k(coeff) * xi^(i (p^k - 1) / 6). */
    fp12 t = *a;
    if (k & 1) {
        fp2_conj(&t.c0.c0, &t.c0.c0);
        fp2_conj(&t.c0.c1, &t.c0.c1);
        fp2_conj(&t.c0.c2, &t.c0.c2);
        fp2_conj(&t.c1.c0, &t.c1.c0);
        fp2_conj(&t.c1.c1, &t.c1.c1);
        fp2_conj(&t.c1.c2, &t.c1.c2);
    }
    const fp2 *g = FP12_FROBENIUS_GAMMA[k - 1];
    fp2_mul(&t.c1.c0, &t.c1.c0, &g[0]);
    fp2_mul(&t.c0.c1, &t.c0.c1, &g[1]);
    fp2_mul(&t.c1.c1, &t.c1.c1, &g[2]);
    fp2_mul(&t.c0.c2, &t.c0.c2, &g[3]);
    fp2_mul(&t.c1.c2, &t.c1.c2, &g[4]);
    *r = t;
}

void fp12_frobenius(fp12 *r, const fp12 *a, unsigned k)
{
    *r = *a;
    for (k %= 12; k > 0;) {
        unsigned step = k > 3 ? 3 : k;
        fp12_frobenius_step(r, r, step);
        k -= step;
    }
}

void fp12_pow(fp12 *r, const fp12 *a, const uint64_t *e, size_t n_limbs)
{
    fp12 acc, base = *a;
    fp12_set_one(&acc);
    for (size_t i = 64 * n_limbs; i-- > 0;) {
        fp12_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) fp12_mul(&acc, &acc, &base);
    }
    *r = acc;
}

/* (x + y s)^2 over Fp4 = Fp2[s]/(s^2 - xi): out = x^2 + xi y^2, 2xy. */
static void fp4_sqr(fp2 *o0, fp2 *o1, const fp2 *x, const fp2 *y)
{
    fp2 t, s, u;
    fp2_mul(&t, x, y);
    fp2_mul_xi(&s, y);
    fp2_add(&s, &s, x);
    fp2_add(&u, x, y);
    fp2_mul(&s, &s, &u); /* (x + y)(x + xi y) = x^2 + xi y^2 + (1 + xi) xy */
    fp2_sub(&s, &s, &t);
    fp2_mul_xi(&u, &t);
    fp2_sub(o0, &s, &u);
    fp2_dbl(o1, &t);
}

void fp12_cyclotomic_sqr(fp12 *r, const fp12 *a)
{
    /* Granger and Scott 2010, as arranged in arkworks: the six Fp2 coefficients
     * pair up into three Fp4 elements (z0, z1), (z2, z3), (z4, z5). */
    const fp2 *z0 = &a->c0.c0, *z4 = &a->c0.c1, *z3 = &a->c0.c2;
    const fp2 *z2 = &a->c1.c0, *z1 = &a->c1.c1, *z5 = &a->c1.c2;
    fp2 t0, t1, t2, t3, t4, t5, tmp;
    fp4_sqr(&t0, &t1, z0, z1);
    fp4_sqr(&t2, &t3, z2, z3);
    fp4_sqr(&t4, &t5, z4, z5);
    fp12 o;
    /* z0 = 3 t0 - 2 z0 */
    fp2_sub(&tmp, &t0, z0);
    fp2_dbl(&tmp, &tmp);
    fp2_add(&o.c0.c0, &tmp, &t0);
    /* z1 = 3 t1 + 2 z1 */
    fp2_add(&tmp, &t1, z1);
    fp2_dbl(&tmp, &tmp);
    fp2_add(&o.c1.c1, &tmp, &t1);
    /* z2 = 3 xi t5 + 2 z2 */
    fp2 xt5;
    fp2_mul_xi(&xt5, &t5);
    fp2_add(&tmp, z2, &xt5);
    fp2_dbl(&tmp, &tmp);
    fp2_add(&o.c1.c0, &tmp, &xt5);
    /* z3 = 3 t4 - 2 z3 */
    fp2_sub(&tmp, &t4, z3);
    fp2_dbl(&tmp, &tmp);
    fp2_add(&o.c0.c2, &tmp, &t4);
    /* z4 = 3 t2 - 2 z4 */
    fp2_sub(&tmp, &t2, z4);
    fp2_dbl(&tmp, &tmp);
    fp2_add(&o.c0.c1, &tmp, &t2);
    /* z5 = 3 t3 + 2 z5 */
    fp2_add(&tmp, z5, &t3);
    fp2_dbl(&tmp, &tmp);
    fp2_add(&o.c1.c2, &tmp, &t3);
    *r = o;
}

void fp12_mul_by_034(fp12 *r, const fp12 *a, const fp2 *b0, const fp2 *b3, const fp2 *b4)
{
    fp6 x, y, e;
    fp2 s;
    /* x = a.c0 * b0, y = a.c1 * (b3 + b4 v), e = (a.c0 + a.c1)(b0 + b3 + b4 v) */
    fp2_mul(&x.c0, &a->c0.c0, b0);
    fp2_mul(&x.c1, &a->c0.c1, b0);
    fp2_mul(&x.c2, &a->c0.c2, b0);
    fp6_mul_by_01(&y, &a->c1, b3, b4);
    fp2_add(&s, b0, b3);
    fp6_add(&e, &a->c0, &a->c1);
    fp6_mul_by_01(&e, &e, &s, b4);
    fp6_sub(&e, &e, &x);
    fp6_sub(&r->c1, &e, &y);
    fp6_mul_by_v(&y, &y);
    fp6_add(&r->c0, &x, &y);
}
