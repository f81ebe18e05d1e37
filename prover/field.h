/* The generic prime field: Montgomery arithmetic on 4 x 64-bit limbs for any odd
 * modulus below 2^254 (the BN254 base field Fp, the scalar field Fr, and the tiny
 * primes the exhaustive tests use).
 *
 * Representation: an element is uint64_t v[4], little-endian limbs, holding
 * a * R mod p with R = 2^256, always fully reduced (0 <= v < p). Every function
 * below keeps that invariant; the byte decoders reject anything >= p.
 *
 * Two layers, like secp256k1's field.h / field_5x52_impl.h:
 *   - zkf_*: the template itself, parameterised by a const zk_field * that holds
 *     the modulus and its derived constants. The hot operations (add, sub, mul,
 *     sqr) are static inline here so that, when the zk_field is a static const
 *     object (fp.h, fr.h), the compiler folds the modulus into the code.
 *   - ZK_FIELD_API(F, FIELD): declares a typed API F_add, F_mul, ... on
 *     `typedef struct { uint64_t v[4]; } F;` for one concrete field. The
 *     contracts of those functions are written once, below.
 *
 * Multiplication is the CIOS Montgomery product with the "no final carry"
 * shortcut (Koc, Acar, Kaliski 1996; the gnark-crypto variant), valid because the
 * modulus is below 2^254 (top limb below 2^63 - 1): intermediate sums never
 * exceed 4 limbs. zkf_params_init refuses larger moduli. On x86-64 with BMI2 and
 * ADX (checked at run time) zkf_mul runs the MULX/ADCX/ADOX assembly of
 * field_x86_64.h instead, about 2x faster; -DZKF_NO_ASM forces the portable C.
 *
 * Everything here is variable time: the prover handles public data only. */
#ifndef ZKRELAY_PROVER_FIELD_H
#define ZKRELAY_PROVER_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"
#include "prover/field_x86_64.h"

typedef unsigned __int128 zkf_u128;
typedef __int128 zkf_s128;

/* A prime modulus and the constants the template derives from it. Build one with
 * zkf_params_init, or tabulate it as a static const (fp.h, fr.h; the tests check
 * the tables against zkf_params_init). */
typedef struct zk_field {
    uint64_t p[4];        /* the modulus, odd, 3 <= p < 2^254 */
    uint64_t inv;         /* -p^-1 mod 2^64 */
    uint64_t r1[4];       /* R mod p: the Montgomery form of 1 */
    uint64_t r2[4];       /* R^2 mod p: converts into Montgomery form */
    uint64_t r3[4];       /* R^3 mod p: fixes up the plain-integer inverse */
    uint64_t ts_exp[4];   /* (t - 1) / 2 where p - 1 = 2^s * t, t odd (Tonelli-Shanks) */
    uint64_t ts_root[4];  /* z^t in Montgomery form: a primitive 2^s-th root of unity,
                             z the smallest quadratic non-residue */
    uint32_t two_adicity; /* s */
    uint32_t bits;        /* bit length of p */
} zk_field;

/* Derives every constant of f from the modulus p (little-endian limbs).
 * Returns ZK_OK, or ZK_ERR_RANGE when p is even, below 3 or not below 2^254.
 * Primality of p is the caller's promise (sqrt and inverse assume it). */
int zkf_params_init(zk_field *f, const uint64_t p[4]) ZK_MUST_CHECK;

/* ---- limb helpers on plain 256-bit integers ------------------------------ */

static inline bool zkf_limbs_is_zero(const uint64_t a[4])
{
    return (a[0] | a[1] | a[2] | a[3]) == 0;
}

/* Returns true when a >= b as 256-bit integers. */
static inline bool zkf_limbs_geq(const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i]) return a[i] > b[i];
    return true;
}

/* r = a - b mod 2^256; returns the borrow out (1 when a < b). */
static inline uint64_t zkf_limbs_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        zkf_u128 d = (zkf_u128)a[i] - b[i] - borrow;
        r[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    return borrow;
}

/* r = a + b mod 2^256; returns the carry out. */
static inline uint64_t zkf_limbs_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        zkf_u128 s = (zkf_u128)a[i] + b[i] + carry;
        r[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    return carry;
}

/* ---- the hot operations of the template ---------------------------------- */
/* In: a, b fully reduced. Out: r fully reduced. r may alias a or b. */

/* The portable C addition and subtraction: the fallback of zkf_add/zkf_sub and
 * the reference the tests compare the assembly against. */
static inline void zkf_add_portable(const zk_field *f, uint64_t r[4], const uint64_t a[4],
                                    const uint64_t b[4])
{
    uint64_t t[4], u[4];
    /* a + b < 2p < 2^255: no carry out of the top limb. */
    (void)zkf_limbs_add(t, a, b);
    if (zkf_limbs_sub(u, t, f->p)) {
        for (int i = 0; i < 4; i++)
            r[i] = t[i];
    } else {
        for (int i = 0; i < 4; i++)
            r[i] = u[i];
    }
}

static inline void zkf_sub_portable(const zk_field *f, uint64_t r[4], const uint64_t a[4],
                                    const uint64_t b[4])
{
    uint64_t t[4];
    if (zkf_limbs_sub(t, a, b)) (void)zkf_limbs_add(t, t, f->p);
    for (int i = 0; i < 4; i++)
        r[i] = t[i];
}

/* r = a + b and r = a - b: the branch-free assembly of field_x86_64.h on x86-64
 * (base instruction set, no CPU check), else the portable C. */
static inline void zkf_add(const zk_field *f, uint64_t r[4], const uint64_t a[4],
                           const uint64_t b[4])
{
#ifdef ZKF_HAVE_X86_ASM
    zkf_add_x86(r, a, b, f->p);
#else
    zkf_add_portable(f, r, a, b);
#endif
}

static inline void zkf_sub(const zk_field *f, uint64_t r[4], const uint64_t a[4],
                           const uint64_t b[4])
{
#ifdef ZKF_HAVE_X86_ASM
    zkf_sub_x86(r, a, b, f->p);
#else
    zkf_sub_portable(f, r, a, b);
#endif
}

static inline void zkf_neg(const zk_field *f, uint64_t r[4], const uint64_t a[4])
{
    if (zkf_limbs_is_zero(a)) {
        for (int i = 0; i < 4; i++)
            r[i] = 0;
        return;
    }
    (void)zkf_limbs_sub(r, f->p, a);
}

/* r = a * b * R^-1 mod p (the Montgomery product), portable C: the fallback of
 * zkf_mul and the reference its tests compare the assembly against. In: a < 2^256,
 * b < 2p (a, b < p in every caller of the typed API). Out: r < p. */
static inline void zkf_mul_portable(const zk_field *f, uint64_t r[4], const uint64_t a[4],
                                    const uint64_t b[4])
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    /* Fully unrolled: -O2 alone leaves the outer loop rolled, which costs ~2x. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 4
#elif defined(__clang__)
#pragma unroll
#endif
    for (int i = 0; i < 4; i++) {
        const uint64_t ai = a[i];
        zkf_u128 A = (zkf_u128)ai * b[0] + t0;
        const uint64_t m = (uint64_t)A * f->inv;
        zkf_u128 C = (zkf_u128)m * f->p[0] + (uint64_t)A;
        uint64_t ca = (uint64_t)(A >> 64), cc = (uint64_t)(C >> 64);

        A = (zkf_u128)ai * b[1] + t1 + ca;
        ca = (uint64_t)(A >> 64);
        C = (zkf_u128)m * f->p[1] + (uint64_t)A + cc;
        cc = (uint64_t)(C >> 64);
        t0 = (uint64_t)C;

        A = (zkf_u128)ai * b[2] + t2 + ca;
        ca = (uint64_t)(A >> 64);
        C = (zkf_u128)m * f->p[2] + (uint64_t)A + cc;
        cc = (uint64_t)(C >> 64);
        t1 = (uint64_t)C;

        A = (zkf_u128)ai * b[3] + t3 + ca;
        ca = (uint64_t)(A >> 64);
        C = (zkf_u128)m * f->p[3] + (uint64_t)A + cc;
        cc = (uint64_t)(C >> 64);
        t2 = (uint64_t)C;

        t3 = ca + cc; /* no overflow: p < 2^254 keeps t < 2p */
    }
    uint64_t t[4] = {t0, t1, t2, t3}, u[4];
    if (zkf_limbs_sub(u, t, f->p)) {
        for (int i = 0; i < 4; i++)
            r[i] = t[i];
    } else {
        for (int i = 0; i < 4; i++)
            r[i] = u[i];
    }
}

/* The portable product out of line, so that the rarely taken fallback branch of
 * zkf_mul does not copy the C product into every inlined call site. Same contract
 * as zkf_mul_portable. */
void zkf_mul_fallback(const zk_field *f, uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);

/* Returns true when this CPU has BMI2 and ADX, which zkf_mul_adx needs (Intel
 * Broadwell and AMD Zen onwards). libgcc fills the feature bits once, before main,
 * so the check is one load and a predictable branch. */
static inline bool zkf_cpu_has_adx(void)
{
#ifdef ZKF_HAVE_ADX
    return __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("adx");
#else
    return false;
#endif
}

/* r = a * b * R^-1 mod p (the Montgomery product): the MULX/ADX assembly of
 * field_x86_64.h when the build and the CPU allow it, else the portable C. Both
 * give the same r for every input (tests/prover/test_fields.c compares them);
 * build with -DZKF_NO_ASM to use the portable product everywhere. */
static inline void zkf_mul(const zk_field *f, uint64_t r[4], const uint64_t a[4],
                           const uint64_t b[4])
{
#ifdef ZKF_HAVE_ADX
    if (__builtin_expect(zkf_cpu_has_adx(), 1)) {
        zkf_mul_adx(r, a, b, f->p, f->inv);
        return;
    }
    zkf_mul_fallback(f, r, a, b);
#else
    zkf_mul_portable(f, r, a, b);
#endif
}

/* r = a^2 * R^-1 mod p: the dedicated MULX/ADX square of field_x86_64.h (10 word
 * products instead of 16 before the reduction) when the build and the CPU allow
 * it, else zkf_mul(a, a). In: a < p. Out: r < p. r may alias a. */
static inline void zkf_sqr(const zk_field *f, uint64_t r[4], const uint64_t a[4])
{
#ifdef ZKF_HAVE_ADX
    if (__builtin_expect(zkf_cpu_has_adx(), 1)) {
        zkf_sqr_adx(r, a, f->p, f->inv);
        return;
    }
#endif
    zkf_mul(f, r, a, a);
}

/* ---- the rest of the template (field.c) ---------------------------------- */

/* r = a^e for a plain 256-bit exponent e (little-endian limbs); a^0 = 1. */
void zkf_pow(const zk_field *f, uint64_t r[4], const uint64_t a[4], const uint64_t e[4]);
/* r = a^-1. Pornin's optimised binary GCD (eprint 2020/972, 31 steps per round on
 * 64-bit approximations; field.c) on the plain integer, then one Montgomery
 * product by R^3 to land back in Montgomery form. Returns ZK_ERR_RANGE for a == 0
 * (r is then zero). */
int zkf_inv(const zk_field *f, uint64_t r[4], const uint64_t a[4]) ZK_MUST_CHECK;
/* r = a square root of a (Tonelli-Shanks; for p = 3 mod 4 this is a^((p+1)/4)).
 * Returns ZK_ERR_RANGE when a is not a square (r is then zero). */
int zkf_sqrt(const zk_field *f, uint64_t r[4], const uint64_t a[4]) ZK_MUST_CHECK;
/* Montgomery's trick: out[i] = in[i]^-1, zero inputs give zero outputs. One
 * inversion and 3(n-1) products. scratch holds n elements; out may equal in. */
void zkf_batch_inv(const zk_field *f, uint64_t (*out)[4], const uint64_t (*in)[4], size_t n,
                   uint64_t (*scratch)[4]);
/* Plain integer <-> Montgomery form. from_plain requires a < p. */
void zkf_from_plain(const zk_field *f, uint64_t r[4], const uint64_t a[4]);
void zkf_to_plain(const zk_field *f, uint64_t r[4], const uint64_t a[4]);

/* ---- a typed field on top of the template -------------------------------- */
/*
 * ZK_FIELD_API(F, FIELD) declares, for the element type F (struct { v[4]; }) and a
 * pointer FIELD to its static const zk_field:
 *
 * Inline, total, r may alias the inputs:
 *   F_add(r, a, b)  r = a + b        F_sub(r, a, b)  r = a - b
 *   F_dbl(r, a)     r = 2a           F_neg(r, a)     r = -a
 *   F_mul(r, a, b)  r = a * b        F_sqr(r, a)     r = a^2
 *   F_set_zero(r), F_set_one(r), F_is_zero(a), F_is_one(a), F_eq(a, b)
 *
 * Out of line:
 *   void F_from_u64(F *r, uint64_t v)               r = v (any v: v < 2^64 < p).
 *   void F_from_limbs(F *r, const uint64_t a[4])    r = a mod p (a any 256-bit integer).
 *   void F_to_limbs(uint64_t out[4], const F *a)    out = canonical integer of a.
 *   void F_pow(F *r, const F *a, const uint64_t e[4])   r = a^e, e a plain integer.
 *   int  F_inv(F *r, const F *a)         ZK_ERR_RANGE when a == 0; else ZK_OK.
 *                                        Pornin's binary GCD, variable time: about 1.5 us
 *                                        for Fp, ~5x faster than Fermat's a^(p-2); the
 *                                        data is public.
 *   int  F_sqrt(F *r, const F *a)        ZK_ERR_RANGE when a is not a square; else
 *                                        ZK_OK and r^2 == a (which of the two roots
 *                                        is unspecified).
 *   void F_batch_inv(F *out, const F *in, size_t n, F *scratch)
 *                                        out[i] = in[i]^-1 (zero stays zero); scratch
 *                                        holds n elements, owned by the caller; out
 *                                        may equal in.
 *   int  F_from_bytes_be(F *r, const uint8_t in[32], zk_errbuf *err)
 *   int  F_from_bytes_le(F *r, const uint8_t in[32], zk_errbuf *err)
 *                                        canonical 32-byte integer (big-/little-endian).
 *                                        Returns ZK_ERR_NONCANONICAL when the value is
 *                                        >= p (the only failure); r is unchanged then.
 *   void F_to_bytes_be(uint8_t out[32], const F *a), F_to_bytes_le(...)
 *   int  F_from_mont_le(F *r, const uint8_t in[32], zk_errbuf *err)
 *   void F_to_mont_le(uint8_t out[32], const F *a)
 *                                        the raw Montgomery form a*R mod p as 32 LE
 *                                        bytes, as snarkjs .zkey files store it; the
 *                                        decoder rejects >= p with ZK_ERR_NONCANONICAL.
 *   void F_from_bytes_be_reduce(F *r, const uint8_t in[32])
 *                                        any 256-bit big-endian integer, reduced mod p.
 *   void F_random(F *r, uint64_t (*rng)(void *ctx), void *ctx)
 *                                        a uniform element by rejection sampling from
 *                                        the caller's 64-bit generator. Not for secrets
 *                                        unless rng is a CSPRNG.
 */
#define ZK_FIELD_API(F, FIELD)                                                                     \
    typedef struct F {                                                                             \
        uint64_t v[4];                                                                             \
    } F;                                                                                           \
    static inline void F##_add(F *r, const F *a, const F *b)                                       \
    {                                                                                              \
        zkf_add(FIELD, r->v, a->v, b->v);                                                          \
    }                                                                                              \
    static inline void F##_sub(F *r, const F *a, const F *b)                                       \
    {                                                                                              \
        zkf_sub(FIELD, r->v, a->v, b->v);                                                          \
    }                                                                                              \
    static inline void F##_dbl(F *r, const F *a)                                                   \
    {                                                                                              \
        zkf_add(FIELD, r->v, a->v, a->v);                                                          \
    }                                                                                              \
    static inline void F##_neg(F *r, const F *a)                                                   \
    {                                                                                              \
        zkf_neg(FIELD, r->v, a->v);                                                                \
    }                                                                                              \
    static inline void F##_mul(F *r, const F *a, const F *b)                                       \
    {                                                                                              \
        zkf_mul(FIELD, r->v, a->v, b->v);                                                          \
    }                                                                                              \
    static inline void F##_sqr(F *r, const F *a)                                                   \
    {                                                                                              \
        zkf_sqr(FIELD, r->v, a->v);                                                                \
    }                                                                                              \
    static inline void F##_set_zero(F *r)                                                          \
    {                                                                                              \
        r->v[0] = r->v[1] = r->v[2] = r->v[3] = 0;                                                 \
    }                                                                                              \
    static inline void F##_set_one(F *r)                                                           \
    {                                                                                              \
        for (int i_ = 0; i_ < 4; i_++)                                                             \
            r->v[i_] = (FIELD)->r1[i_];                                                            \
    }                                                                                              \
    static inline bool F##_is_zero(const F *a)                                                     \
    {                                                                                              \
        return zkf_limbs_is_zero(a->v);                                                            \
    }                                                                                              \
    static inline bool F##_eq(const F *a, const F *b)                                              \
    {                                                                                              \
        return a->v[0] == b->v[0] && a->v[1] == b->v[1] && a->v[2] == b->v[2] &&                   \
               a->v[3] == b->v[3];                                                                 \
    }                                                                                              \
    static inline bool F##_is_one(const F *a)                                                      \
    {                                                                                              \
        return a->v[0] == (FIELD)->r1[0] && a->v[1] == (FIELD)->r1[1] &&                           \
               a->v[2] == (FIELD)->r1[2] && a->v[3] == (FIELD)->r1[3];                             \
    }                                                                                              \
    void F##_from_u64(F *r, uint64_t v);                                                           \
    void F##_from_limbs(F *r, const uint64_t a[4]);                                                \
    void F##_to_limbs(uint64_t out[4], const F *a);                                                \
    void F##_pow(F *r, const F *a, const uint64_t e[4]);                                           \
    int F##_inv(F *r, const F *a) ZK_MUST_CHECK;                                                   \
    int F##_sqrt(F *r, const F *a) ZK_MUST_CHECK;                                                  \
    void F##_batch_inv(F *out, const F *in, size_t n, F *scratch);                                 \
    int F##_from_bytes_be(F *r, const uint8_t in[32], zk_errbuf *err) ZK_MUST_CHECK;               \
    int F##_from_bytes_le(F *r, const uint8_t in[32], zk_errbuf *err) ZK_MUST_CHECK;               \
    void F##_to_bytes_be(uint8_t out[32], const F *a);                                             \
    void F##_to_bytes_le(uint8_t out[32], const F *a);                                             \
    int F##_from_mont_le(F *r, const uint8_t in[32], zk_errbuf *err) ZK_MUST_CHECK;                \
    void F##_to_mont_le(uint8_t out[32], const F *a);                                              \
    void F##_from_bytes_be_reduce(F *r, const uint8_t in[32]);                                     \
    void F##_random(F *r, uint64_t (*rng)(void *ctx), void *ctx)

/* Integer bytes <-> limbs, shared by the typed codecs. */
void zkf_limbs_from_be(uint64_t r[4], const uint8_t in[32]);
void zkf_limbs_to_be(uint8_t out[32], const uint64_t a[4]);
void zkf_limbs_from_le(uint64_t r[4], const uint8_t in[32]);
void zkf_limbs_to_le(uint8_t out[32], const uint64_t a[4]);
/* r = a mod p for any 256-bit a. */
void zkf_reduce(const zk_field *f, uint64_t r[4], const uint64_t a[4]);
/* Uniform value in [0, p) by rejection from rng. */
void zkf_random_plain(const zk_field *f, uint64_t r[4], uint64_t (*rng)(void *ctx), void *ctx);
/* Decodes a canonical integer < p; ZK_ERR_NONCANONICAL (naming what) otherwise. */
int zkf_check_canonical(const zk_field *f, const uint64_t a[4], const char *what,
                        zk_errbuf *err) ZK_MUST_CHECK;

#endif
