/* Fields: the generic Montgomery template exhaustively over tiny primes and
 * against naive integer arithmetic, the tabulated Fp/Fr constants, field laws on
 * random elements, codecs and their rejections, Fr roots of unity, and the
 * Fp2/Fp6/Fp12 tower (inverses, Frobenius against pow(p), cyclotomic squaring). */
#include "harness.h"

#include "prover/prover.h"

static uint64_t rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

/* ---- naive 256-bit reference: (a * b) mod p by shift-and-subtract --------- */

static void naive_mulmod(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                         const uint64_t p[4])
{
    /* Horner over the bits of a: acc = 2 acc + bit * b, reduced each step. */
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int i = 255; i >= 0; i--) {
        uint64_t c = zkf_limbs_add(acc, acc, acc);
        if (c || zkf_limbs_geq(acc, p)) (void)zkf_limbs_sub(acc, acc, p);
        if ((a[i / 64] >> (i % 64)) & 1) {
            c = zkf_limbs_add(acc, acc, b);
            if (c || zkf_limbs_geq(acc, p)) (void)zkf_limbs_sub(acc, acc, p);
        }
    }
    memcpy(r, acc, sizeof(acc));
}

static void rand_below(uint64_t r[4], const uint64_t p[4])
{
    do {
        for (int i = 0; i < 4; i++)
            r[i] = th_rand64();
        r[3] &= (1ULL << 62) - 1;
    } while (zkf_limbs_geq(r, p));
}

static bool field_params_equal(const zk_field *a, const zk_field *b)
{
    return memcmp(a->p, b->p, 32) == 0 && a->inv == b->inv && memcmp(a->r1, b->r1, 32) == 0 &&
           memcmp(a->r2, b->r2, 32) == 0 && memcmp(a->r3, b->r3, 32) == 0 &&
           memcmp(a->ts_exp, b->ts_exp, 32) == 0 && memcmp(a->ts_root, b->ts_root, 32) == 0 &&
           a->two_adicity == b->two_adicity && a->bits == b->bits;
}

TEST(tabulated_constants)
{
    zk_field f;
    CHECK_EQ_INT(zkf_params_init(&f, FP_FIELD.p), ZK_OK);
    CHECK(field_params_equal(&f, &FP_FIELD));
    CHECK_EQ_INT(zkf_params_init(&f, FR_FIELD.p), ZK_OK);
    CHECK(field_params_equal(&f, &FR_FIELD));
    CHECK_EQ_INT(FR_FIELD.two_adicity, FR_TWO_ADICITY);
    /* Moduli outside the template's range are refused. */
    uint64_t even[4] = {10, 0, 0, 0}, one[4] = {1, 0, 0, 0}, big[4] = {1, 0, 0, 1ULL << 62};
    CHECK_EQ_INT(zkf_params_init(&f, even), ZK_ERR_RANGE);
    CHECK_EQ_INT(zkf_params_init(&f, one), ZK_ERR_RANGE);
    CHECK_EQ_INT(zkf_params_init(&f, big), ZK_ERR_RANGE);
}

/* Every pair (a, b) of a tiny field: add, sub, mul, and every element's inverse,
 * negation and square root, against plain integer arithmetic mod p. */
static void exhaustive_tiny(uint64_t p, bool all_pairs)
{
    zk_field f;
    uint64_t pl[4] = {p, 0, 0, 0};
    CASE_BEGIN("tiny prime %llu", (unsigned long long)p);
    CHECK_EQ_INT(zkf_params_init(&f, pl), ZK_OK);
    uint64_t *mont = malloc(p * 4 * sizeof(uint64_t));
    bool *is_sq = calloc(p, sizeof(bool));
    CHECK(mont && is_sq);
    if (!mont || !is_sq) goto out;
    for (uint64_t a = 0; a < p; a++) {
        uint64_t v[4] = {a, 0, 0, 0};
        zkf_from_plain(&f, &mont[4 * a], v);
        is_sq[a * a % p] = true;
    }
    int bad = 0;
    for (uint64_t a = 0; a < p && bad < 5; a++) {
        uint64_t t[4], u[4];
        const uint64_t *ma = &mont[4 * a];
        zkf_to_plain(&f, t, ma);
        if (t[0] != a || t[1] | t[2] | t[3]) bad++;
        zkf_neg(&f, t, ma);
        if (memcmp(t, &mont[4 * ((p - a) % p)], 32) != 0) bad++;
        int rc = zkf_inv(&f, t, ma);
        if (a == 0) {
            if (rc != ZK_ERR_RANGE) bad++;
        } else {
            zkf_mul(&f, u, t, ma);
            if (rc != ZK_OK || memcmp(u, f.r1, 32) != 0) bad++;
        }
        rc = zkf_sqrt(&f, t, ma);
        if (is_sq[a]) {
            zkf_sqr(&f, u, t);
            if (rc != ZK_OK || memcmp(u, ma, 32) != 0) bad++;
        } else if (rc != ZK_ERR_RANGE) {
            bad++;
        }
        for (uint64_t b = 0; all_pairs && b < p; b++) {
            const uint64_t *mb = &mont[4 * b];
            zkf_add(&f, t, ma, mb);
            if (memcmp(t, &mont[4 * ((a + b) % p)], 32) != 0) bad++;
            zkf_sub(&f, t, ma, mb);
            if (memcmp(t, &mont[4 * ((a + p - b) % p)], 32) != 0) bad++;
            zkf_mul(&f, t, ma, mb);
            if (memcmp(t, &mont[4 * (a * b % p)], 32) != 0) bad++;
        }
    }
    CHECK_EQ_INT(bad, 0);
out:
    free(mont);
    free(is_sq);
    CASE_END();
}

TEST(tiny_primes_exhaustive)
{
    /* 3 mod 4 (s = 1) and high 2-adicity primes, so both sqrt paths run:
     * 3, 251 (s=1), 257 (s=8), 7681 (s=9), 65537 (s=16). */
    exhaustive_tiny(3, true);
    exhaustive_tiny(251, true);
    exhaustive_tiny(257, true);
    exhaustive_tiny(7681, false);
    exhaustive_tiny(65537, false);
}

/* The Mersenne prime 2^61 - 1 (s = 1) and Goldilocks 2^64 - 2^32 + 1 (s = 32), in
 * the 4-limb template, against unsigned __int128 arithmetic. */
TEST(word_primes_vs_int128)
{
    const uint64_t primes[2] = {(1ULL << 61) - 1, 0xffffffff00000001ULL};
    for (int k = 0; k < 2; k++) {
        uint64_t p = primes[k];
        zk_field f;
        uint64_t pl[4] = {p, 0, 0, 0};
        CASE_BEGIN("word prime %llx", (unsigned long long)p);
        CHECK_EQ_INT(zkf_params_init(&f, pl), ZK_OK);
        int bad = 0;
        for (int i = 0; i < 20000; i++) {
            uint64_t a = th_rand64() % p, b = th_rand64() % p;
            uint64_t va[4] = {a, 0, 0, 0}, vb[4] = {b, 0, 0, 0}, ma[4], mb[4], t[4];
            zkf_from_plain(&f, ma, va);
            zkf_from_plain(&f, mb, vb);
            zkf_mul(&f, t, ma, mb);
            zkf_to_plain(&f, t, t);
            if (t[0] != (uint64_t)((unsigned __int128)a * b % p)) bad++;
            zkf_add(&f, t, ma, mb);
            zkf_to_plain(&f, t, t);
            if (t[0] != (uint64_t)(((unsigned __int128)a + b) % p)) bad++;
            if (i % 50 == 0) {
                uint64_t sq[4];
                zkf_sqr(&f, t, ma);
                if (zkf_sqrt(&f, sq, t) != ZK_OK) bad++;
                zkf_sqr(&f, sq, sq);
                if (memcmp(sq, t, 32) != 0) bad++;
            }
        }
        CHECK_EQ_INT(bad, 0);
        CASE_END();
    }
}

/* BN254 Fp and Fr products against the naive shift-and-subtract reference. */
TEST(bn254_mul_vs_naive)
{
    const zk_field *fs[2] = {&FP_FIELD, &FR_FIELD};
    for (int k = 0; k < 2; k++) {
        CASE_BEGIN("%s naive products", k ? "Fr" : "Fp");
        int bad = 0;
        for (int i = 0; i < 1000; i++) {
            uint64_t a[4], b[4], ma[4], mb[4], t[4], want[4];
            rand_below(a, fs[k]->p);
            rand_below(b, fs[k]->p);
            if (i == 0) { /* the extremes: p - 1 squared */
                (void)zkf_limbs_sub(a, fs[k]->p, (const uint64_t[4]){1, 0, 0, 0});
                memcpy(b, a, 32);
            }
            zkf_from_plain(fs[k], ma, a);
            zkf_from_plain(fs[k], mb, b);
            zkf_mul(fs[k], t, ma, mb);
            zkf_to_plain(fs[k], t, t);
            naive_mulmod(want, a, b, fs[k]->p);
            if (memcmp(t, want, 32) != 0) bad++;
        }
        CHECK_EQ_INT(bad, 0);
        CASE_END();
    }
}

/* One operand of the differential product test: an edge value (0, 1, 2, p - 1, p,
 * p + 1, R mod p, 2^64 - 1, 2^128, 2^255, 2^256 - 1, ...) one time in four, else
 * uniformly random below p or, when full is set, below 2^256 (zkf_from_plain
 * multiplies any 256-bit a by R^2 mod p, so a may exceed p). */
static void diff_operand(uint64_t r[4], const zk_field *f, bool full)
{
    uint64_t k = th_rand64();
    if (k % 4 == 0) {
        static const uint64_t M = ~0ULL;
        const uint64_t edges[][4] = {
            {0, 0, 0, 0},          {1, 0, 0, 0},      {2, 0, 0, 0},
            {M, 0, 0, 0},          {0, 0, 1, 0},      {M, M, M, M},
            {0, 0, 0, 1ULL << 63}, {M, M, M, M >> 2}, {0, 0, 0, 1ULL << 62},
        };
        const size_t n_edges = sizeof(edges) / sizeof(edges[0]);
        size_t pick = (size_t)((k >> 8) % (n_edges + 5));
        if (pick < n_edges) {
            memcpy(r, edges[pick], 32);
        } else if (pick == n_edges) {
            (void)zkf_limbs_sub(r, f->p, (const uint64_t[4]){1, 0, 0, 0});
        } else if (pick == n_edges + 1) {
            memcpy(r, f->p, 32);
        } else if (pick == n_edges + 2) {
            (void)zkf_limbs_add(r, f->p, (const uint64_t[4]){1, 0, 0, 0});
        } else if (pick == n_edges + 3) {
            memcpy(r, f->r1, 32);
        } else {
            memcpy(r, f->r2, 32);
        }
        /* Edge values at or above p only where the contract allows them. */
        if (!full && zkf_limbs_geq(r, f->p))
            (void)zkf_limbs_sub(r, f->p, (const uint64_t[4]){1, 0, 0, 0});
        return;
    }
    if (full) {
        for (int i = 0; i < 4; i++)
            r[i] = th_rand64();
    } else {
        do {
            for (int i = 0; i < 4; i++)
                r[i] = th_rand64();
            for (int i = 3; i >= 0 && f->p[i] == 0; i--)
                r[i] = 0;
            r[3] &= f->p[3] ? (~0ULL >> __builtin_clzll(f->p[3])) : ~0ULL;
        } while (zkf_limbs_geq(r, f->p));
    }
}

/* The MULX/ADX product against the portable C product over 10^6 random products
 * (edge values included), and the portable product against the naive reference
 * on a sample, for Fp, Fr and two one-limb primes (the upper limbs of p zero). The
 * assembly half needs a CPU with BMI2 and ADX; without one (or built with
 * -DZKF_NO_ASM) only the portable half runs, and zkf_mul is the portable product. */
TEST(mul_asm_vs_portable)
{
    zk_field small[2];
    const uint64_t word_p[2][4] = {{(1ULL << 61) - 1, 0, 0, 0}, {0xffffffff00000001ULL, 0, 0, 0}};
    CHECK_EQ_INT(zkf_params_init(&small[0], word_p[0]), ZK_OK);
    CHECK_EQ_INT(zkf_params_init(&small[1], word_p[1]), ZK_OK);
    const zk_field *fs[4] = {&FP_FIELD, &FR_FIELD, &small[0], &small[1]};
    const char *names[4] = {"Fp", "Fr", "2^61-1", "Goldilocks"};
    const int counts[4] = {400000, 400000, 100000, 100000};
    bool asm_ok = zkf_cpu_has_adx();
    for (int k = 0; k < 4; k++) {
        const zk_field *f = fs[k];
        CASE_BEGIN("%s: %d products, assembly %s", names[k], counts[k], asm_ok ? "on" : "off");
        int bad = 0, bad_naive = 0;
        for (int i = 0; i < counts[k]; i++) {
            uint64_t a[4], b[4], want[4], got[4];
            diff_operand(a, f, true);
            diff_operand(b, f, false);
            zkf_mul_portable(f, want, a, b);
            bad += zkf_limbs_geq(want, f->p);
#ifdef ZKF_HAVE_ADX
            if (asm_ok) {
                zkf_mul_adx(got, a, b, f->p, f->inv);
                bad += memcmp(got, want, 32) != 0;
                memcpy(got, a, 32); /* r aliasing a, then b */
                zkf_mul_adx(got, got, b, f->p, f->inv);
                bad += memcmp(got, want, 32) != 0;
                memcpy(got, b, 32);
                zkf_mul_adx(got, a, got, f->p, f->inv);
                bad += memcmp(got, want, 32) != 0;
            }
#endif
            zkf_mul(f, got, a, b); /* the dispatching product agrees with both */
            bad += memcmp(got, want, 32) != 0;
            if (i % 500 == 0) {
                /* want = a b R^-1, so want * R = a b (mod p); naive_mulmod takes
                 * any 256-bit a (Horner over its bits). */
                uint64_t lhs[4], rhs[4];
                naive_mulmod(lhs, want, f->r1, f->p);
                naive_mulmod(rhs, a, b, f->p);
                bad_naive += memcmp(lhs, rhs, 32) != 0;
            }
        }
        CHECK_EQ_INT(bad, 0);
        CHECK_EQ_INT(bad_naive, 0);
        CASE_END();
    }
}

/* The branch-free x86-64 addition and subtraction and the MULX/ADX square against
 * the portable C addition, subtraction and product a * a, over random and edge
 * operands below p (0, 1, p - 1, R mod p, ...), for Fp, Fr and two one-limb primes,
 * with the result aliasing each input; and the dispatching zkf_add/zkf_sub/zkf_sqr
 * against them. Without the assembly (-DZKF_NO_ASM, another architecture, or for the
 * square a CPU without BMI2/ADX) only the dispatch half runs. */
TEST(add_sub_sqr_asm_vs_portable)
{
    zk_field small[2];
    const uint64_t word_p[2][4] = {{(1ULL << 61) - 1, 0, 0, 0}, {0xffffffff00000001ULL, 0, 0, 0}};
    CHECK_EQ_INT(zkf_params_init(&small[0], word_p[0]), ZK_OK);
    CHECK_EQ_INT(zkf_params_init(&small[1], word_p[1]), ZK_OK);
    const zk_field *fs[4] = {&FP_FIELD, &FR_FIELD, &small[0], &small[1]};
    const char *names[4] = {"Fp", "Fr", "2^61-1", "Goldilocks"};
    bool adx = zkf_cpu_has_adx();
    (void)adx; /* unread without the assembly */
    for (int k = 0; k < 4; k++) {
        const zk_field *f = fs[k];
        CASE_BEGIN("%s: 200000 sums, differences and squares", names[k]);
        int bad = 0;
        for (int i = 0; i < 200000; i++) {
            uint64_t a[4], b[4], want_s[4], want_d[4], want_q[4], got[4];
            diff_operand(a, f, false);
            diff_operand(b, f, false);
            if (i % 7 == 0) memcpy(b, a, 32); /* b = a: sum 2a, difference 0 */
            zkf_add_portable(f, want_s, a, b);
            zkf_sub_portable(f, want_d, a, b);
            zkf_mul_portable(f, want_q, a, a);
            bad += zkf_limbs_geq(want_s, f->p) + zkf_limbs_geq(want_d, f->p);
#ifdef ZKF_HAVE_X86_ASM
            zkf_add_x86(got, a, b, f->p);
            bad += memcmp(got, want_s, 32) != 0;
            memcpy(got, a, 32);
            zkf_add_x86(got, got, b, f->p);
            bad += memcmp(got, want_s, 32) != 0;
            memcpy(got, b, 32);
            zkf_add_x86(got, a, got, f->p);
            bad += memcmp(got, want_s, 32) != 0;
            zkf_sub_x86(got, a, b, f->p);
            bad += memcmp(got, want_d, 32) != 0;
            memcpy(got, a, 32);
            zkf_sub_x86(got, got, b, f->p);
            bad += memcmp(got, want_d, 32) != 0;
            memcpy(got, b, 32);
            zkf_sub_x86(got, a, got, f->p);
            bad += memcmp(got, want_d, 32) != 0;
#endif
#ifdef ZKF_HAVE_ADX
            if (adx) {
                zkf_sqr_adx(got, a, f->p, f->inv);
                bad += memcmp(got, want_q, 32) != 0;
                memcpy(got, a, 32);
                zkf_sqr_adx(got, got, f->p, f->inv);
                bad += memcmp(got, want_q, 32) != 0;
            }
#endif
            zkf_sqr(f, got, a);
            bad += memcmp(got, want_q, 32) != 0;
            zkf_add(f, got, a, b);
            bad += memcmp(got, want_s, 32) != 0;
            zkf_sub(f, got, a, b);
            bad += memcmp(got, want_d, 32) != 0;
            /* (a - b) + b == a through the dispatching pair */
            zkf_add(f, got, got, b);
            bad += memcmp(got, a, 32) != 0;
        }
        CHECK_EQ_INT(bad, 0);
        CASE_END();
    }
}

/* The binary-GCD inverse (Pornin's algorithm) on random and edge elements of Fp and
 * Fr: a * a^-1 == 1, and a^-1 == a^(p-2) on a sample. The edge elements are raw
 * Montgomery limbs 1, 2, 3, 2^64, 2^128, 2^253, p - 1, p - 2, whose integers are
 * tiny, sparse or near p: the GCD's short and long paths. */
TEST(inverse_binary_gcd)
{
    const zk_field *fs[2] = {&FP_FIELD, &FR_FIELD};
    for (int k = 0; k < 2; k++) {
        const zk_field *f = fs[k];
        CASE_BEGIN("%s inverses", k ? "Fr" : "Fp");
        uint64_t edges[8][4] = {{1, 0, 0, 0}, {2, 0, 0, 0}, {3, 0, 0, 0},
                                {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1ULL << 61}};
        (void)zkf_limbs_sub(edges[6], f->p, (const uint64_t[4]){1, 0, 0, 0});
        (void)zkf_limbs_sub(edges[7], f->p, (const uint64_t[4]){2, 0, 0, 0});
        uint64_t e[4];
        (void)zkf_limbs_sub(e, f->p, (const uint64_t[4]){2, 0, 0, 0});
        int bad = 0;
        for (int i = 0; i < 20008; i++) {
            uint64_t a[4], y[4], t[4];
            if (i < 8)
                memcpy(a, edges[i], 32);
            else
                diff_operand(a, f, false);
            if (zkf_limbs_is_zero(a)) continue;
            if (zkf_inv(f, y, a) != ZK_OK) bad++;
            zkf_mul(f, t, a, y);
            bad += memcmp(t, f->r1, 32) != 0;
            if (i < 8 || i % 100 == 0) {
                zkf_pow(f, t, a, e);
                bad += memcmp(t, y, 32) != 0;
            }
        }
        CHECK_EQ_INT(bad, 0);
        CASE_END();
    }
}

#define FIELD_LAWS(F, LABEL)                                                                       \
    do {                                                                                           \
        CASE_BEGIN(LABEL " laws");                                                                 \
        int bad = 0;                                                                               \
        for (int i = 0; i < 300; i++) {                                                            \
            F a, b, c, t, u, v;                                                                    \
            F##_random(&a, rng, NULL);                                                             \
            F##_random(&b, rng, NULL);                                                             \
            F##_random(&c, rng, NULL);                                                             \
            F##_mul(&t, &a, &b);                                                                   \
            F##_mul(&t, &t, &c);                                                                   \
            F##_mul(&u, &b, &c);                                                                   \
            F##_mul(&u, &a, &u);                                                                   \
            bad += !F##_eq(&t, &u);                                                                \
            F##_add(&t, &b, &c);                                                                   \
            F##_mul(&t, &a, &t);                                                                   \
            F##_mul(&u, &a, &b);                                                                   \
            F##_mul(&v, &a, &c);                                                                   \
            F##_add(&u, &u, &v);                                                                   \
            bad += !F##_eq(&t, &u);                                                                \
            F##_mul(&t, &a, &b);                                                                   \
            F##_mul(&u, &b, &a);                                                                   \
            bad += !F##_eq(&t, &u);                                                                \
            F##_sub(&t, &a, &b);                                                                   \
            F##_add(&t, &t, &b);                                                                   \
            bad += !F##_eq(&t, &a);                                                                \
            F##_neg(&t, &a);                                                                       \
            F##_add(&t, &t, &a);                                                                   \
            bad += !F##_is_zero(&t);                                                               \
            F##_dbl(&t, &a);                                                                       \
            F##_add(&u, &a, &a);                                                                   \
            bad += !F##_eq(&t, &u);                                                                \
            F##_sqr(&t, &a);                                                                       \
            F##_mul(&u, &a, &a);                                                                   \
            bad += !F##_eq(&t, &u);                                                                \
            bad += F##_inv(&t, &a) != ZK_OK;                                                       \
            F##_mul(&t, &t, &a);                                                                   \
            bad += !F##_is_one(&t);                                                                \
            F##_sqr(&t, &a);                                                                       \
            bad += F##_sqrt(&u, &t) != ZK_OK;                                                      \
            F##_neg(&v, &u);                                                                       \
            bad += !(F##_eq(&u, &a) || F##_eq(&v, &a));                                            \
            /* Fermat: a^(p-1) = 1, and the inverse agrees with a^(p-2). */                        \
            uint64_t e[4];                                                                         \
            (void)zkf_limbs_sub(e, F##_FIELD_P, (const uint64_t[4]){2, 0, 0, 0});                  \
            F##_pow(&t, &a, e);                                                                    \
            if (F##_inv(&u, &a) != ZK_OK || !F##_eq(&t, &u)) bad++;                                \
        }                                                                                          \
        F z;                                                                                       \
        F##_set_zero(&z);                                                                          \
        bad += F##_inv(&z, &z) != ZK_ERR_RANGE;                                                    \
        CHECK_EQ_INT(bad, 0);                                                                      \
        CASE_END();                                                                                \
    } while (0)

#define fp_FIELD_P FP_FIELD.p
#define fr_FIELD_P FR_FIELD.p

TEST(field_laws)
{
    FIELD_LAWS(fp, "Fp");
    FIELD_LAWS(fr, "Fr");
    /* -1 is a non-residue mod p = 3 mod 4; and Fr's generator 5 is one. */
    fp m1;
    fp_set_one(&m1);
    fp_neg(&m1, &m1);
    CHECK_EQ_INT(fp_sqrt(&m1, &m1), ZK_ERR_RANGE);
    fr five;
    fr_from_u64(&five, FR_GENERATOR);
    CHECK_EQ_INT(fr_sqrt(&five, &five), ZK_ERR_RANGE);
}

TEST(batch_inversion)
{
    enum { N = 37 };
    fr in[N], out[N], scratch[N], one;
    for (int i = 0; i < N; i++)
        fr_random(&in[i], rng, NULL);
    fr_set_zero(&in[0]);
    fr_set_zero(&in[17]);
    fr_batch_inv(out, in, N, scratch);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        if (fr_is_zero(&in[i])) {
            bad += !fr_is_zero(&out[i]);
            continue;
        }
        if (fr_inv(&one, &in[i]) != ZK_OK || !fr_eq(&one, &out[i])) bad++;
    }
    /* In place, and over Fp. */
    fr_batch_inv(in, in, N, scratch);
    bad += memcmp(in, out, sizeof(in)) != 0;
    fp pin[N], pout[N], pscr[N], t;
    for (int i = 0; i < N; i++)
        fp_random(&pin[i], rng, NULL);
    fp_batch_inv(pout, pin, N, pscr);
    for (int i = 0; i < N; i++) {
        fp_mul(&t, &pin[i], &pout[i]);
        bad += !fp_is_one(&t);
    }
    fr_batch_inv(out, in, 0, scratch); /* n = 0 is a no-op */
    CHECK_EQ_INT(bad, 0);
}

TEST(codecs)
{
    uint8_t be[32], le[32], mont[32], back[32];
    int bad = 0;
    for (int i = 0; i < 200; i++) {
        fp a, b;
        fp_random(&a, rng, NULL);
        fp_to_bytes_be(be, &a);
        bad += fp_from_bytes_be(&b, be, NULL) != ZK_OK || !fp_eq(&a, &b);
        fp_to_bytes_le(le, &a);
        for (int k = 0; k < 32; k++)
            bad += le[k] != be[31 - k];
        bad += fp_from_bytes_le(&b, le, NULL) != ZK_OK || !fp_eq(&a, &b);
        fp_to_mont_le(mont, &a);
        bad += fp_from_mont_le(&b, mont, NULL) != ZK_OK || !fp_eq(&a, &b);
        /* Raw Montgomery bytes are a * R mod p, i.e. the canonical LE bytes of a*R. */
        fp ar;
        fr c, d;
        fp_from_limbs(&ar, a.v);
        fp_to_bytes_le(back, &ar);
        bad += memcmp(back, mont, 32) != 0;
        fr_random(&c, rng, NULL);
        fr_to_mont_le(mont, &c);
        bad += fr_from_mont_le(&d, mont, NULL) != ZK_OK || !fr_eq(&c, &d);
    }
    CHECK_EQ_INT(bad, 0);
    /* from_u64 and the small values' encodings. */
    fp v;
    fp_from_u64(&v, 0x0102030405060708ULL);
    fp_to_bytes_be(be, &v);
    CHECK(be[24] == 1 && be[31] == 8 && be[0] == 0);
    /* p, p + 1, 2^256 - 1 are rejected in every form with NONCANONICAL; p - 1 is not. */
    const zk_field *fs[2] = {&FP_FIELD, &FR_FIELD};
    for (int k = 0; k < 2; k++) {
        uint64_t vals[4][4];
        memcpy(vals[0], fs[k]->p, 32);
        (void)zkf_limbs_add(vals[1], fs[k]->p, (const uint64_t[4]){1, 0, 0, 0});
        memset(vals[2], 0xff, 32);
        (void)zkf_limbs_sub(vals[3], fs[k]->p, (const uint64_t[4]){1, 0, 0, 0});
        for (int j = 0; j < 4; j++) {
            int want = j == 3 ? ZK_OK : ZK_ERR_NONCANONICAL;
            zk_errbuf err = {0};
            zkf_limbs_to_be(be, vals[j]);
            zkf_limbs_to_le(le, vals[j]);
            if (k == 0) {
                fp x;
                CHECK_EQ_INT(fp_from_bytes_be(&x, be, &err), want);
                CHECK_EQ_INT(fp_from_bytes_le(&x, le, NULL), want);
                CHECK_EQ_INT(fp_from_mont_le(&x, le, NULL), want);
            } else {
                fr x;
                CHECK_EQ_INT(fr_from_bytes_be(&x, be, &err), want);
                CHECK_EQ_INT(fr_from_bytes_le(&x, le, NULL), want);
                CHECK_EQ_INT(fr_from_mont_le(&x, le, NULL), want);
            }
            if (want != ZK_OK) CHECK(strstr(err.msg, "modulus") != NULL);
        }
    }
    /* The reducing decoder: 2^256 - 1 mod r against the naive reduction. */
    memset(be, 0xff, 32);
    fr red;
    fr_from_bytes_be_reduce(&red, be);
    uint64_t got[4], all[4] = {~0ULL, ~0ULL, ~0ULL, ~0ULL}, onel[4] = {1, 0, 0, 0}, want[4];
    fr_to_limbs(got, &red);
    naive_mulmod(want, all, onel, FR_FIELD.p);
    CHECK_MEM(got, want, 32);
}

TEST(fr_roots_of_unity)
{
    fr w, t;
    fr_root_of_unity_2_28(&w);
    uint8_t be[32];
    fr_to_bytes_be(be, &w);
    /* 19103219067921713944291392827692070036145651957329286315305642004821462161904 */
    CHECK(be[0] == 0x2a && be[1] == 0x3c);
    t = w;
    for (int i = 0; i < 27; i++)
        fr_sqr(&t, &t);
    CHECK(!fr_is_one(&t)); /* w^(2^27) = -1 */
    fr m1;
    fr_set_one(&m1);
    fr_neg(&m1, &m1);
    CHECK(fr_eq(&t, &m1));
    fr_sqr(&t, &t);
    CHECK(fr_is_one(&t)); /* w^(2^28) = 1 */
    /* 5^t with 5 the generator: w = 5^((r-1)/2^28). */
    fr g;
    uint64_t e[4];
    fr_from_u64(&g, FR_GENERATOR);
    (void)zkf_limbs_sub(e, FR_FIELD.p, (const uint64_t[4]){1, 0, 0, 0});
    for (int i = 0; i < 28; i++) {
        for (int j = 0; j < 3; j++)
            e[j] = (e[j] >> 1) | (e[j + 1] << 63);
        e[3] >>= 1;
    }
    fr_pow(&t, &g, e);
    CHECK(fr_eq(&t, &w));
    for (unsigned k = 0; k <= 28; k++) {
        CHECK_EQ_INT(fr_root_of_unity(&t, k), ZK_OK);
        for (unsigned j = 0; j < k; j++)
            fr_sqr(&t, &t);
        CHECK(fr_is_one(&t));
    }
    CHECK_EQ_INT(fr_root_of_unity(&t, 29), ZK_ERR_RANGE);
}

static void rand_fp2(fp2 *a)
{
    fp_random(&a->c0, rng, NULL);
    fp_random(&a->c1, rng, NULL);
}

static void rand_fp12(fp12 *a)
{
    fp2 *c[6] = {&a->c0.c0, &a->c0.c1, &a->c0.c2, &a->c1.c0, &a->c1.c1, &a->c1.c2};
    for (int i = 0; i < 6; i++)
        rand_fp2(c[i]);
}

TEST(tower)
{
    int bad = 0;
    for (int i = 0; i < 20; i++) {
        fp2 a, b, t, u;
        rand_fp2(&a);
        rand_fp2(&b);
        fp2_sqr(&t, &a);
        fp2_mul(&u, &a, &a);
        bad += !fp2_eq(&t, &u);
        bad += fp2_sqrt(&u, &t) != ZK_OK;
        fp2_sqr(&u, &u);
        bad += !fp2_eq(&u, &t);
        bad += fp2_inv(&t, &a) != ZK_OK;
        fp2_mul(&t, &t, &a);
        bad += !fp2_is_one(&t);
        /* u^2 = -1 and the xi product */
        fp2 xi;
        fp_from_u64(&xi.c0, 9);
        fp_set_one(&xi.c1);
        fp2_mul(&t, &a, &xi);
        fp2_mul_xi(&u, &a);
        bad += !fp2_eq(&t, &u);
        /* Fp2 Frobenius = conjugation = a^p */
        fp2_pow(&t, &a, FP_FIELD.p);
        fp2_conj(&u, &a);
        bad += !fp2_eq(&t, &u);

        fp12 x, y, z, w;
        rand_fp12(&x);
        rand_fp12(&y);
        rand_fp12(&z);
        fp12_mul(&w, &x, &y);
        fp12_mul(&w, &w, &z);
        fp12 w2;
        fp12_mul(&w2, &y, &z);
        fp12_mul(&w2, &x, &w2);
        bad += !fp12_eq(&w, &w2);
        fp12_sqr(&w, &x);
        fp12_mul(&w2, &x, &x);
        bad += !fp12_eq(&w, &w2);
        bad += fp12_inv(&w, &x) != ZK_OK;
        fp12_mul(&w, &w, &x);
        bad += !fp12_is_one(&w);
        fp6 s6, m6;
        fp6_sqr(&s6, &x.c0);
        fp6_mul(&m6, &x.c0, &x.c0);
        bad += !fp6_eq(&s6, &m6);
        bad += fp6_inv(&s6, &x.c0) != ZK_OK;
        fp6_mul(&s6, &s6, &x.c0);
        fp6_set_one(&m6);
        bad += !fp6_eq(&s6, &m6);
        /* mul_by_034 against the dense product */
        fp12 sp;
        fp12_set_one(&sp);
        sp.c0.c0 = y.c0.c0;
        sp.c1.c0 = y.c1.c0;
        sp.c1.c1 = y.c1.c1;
        fp12_mul(&w, &x, &sp);
        fp12_mul_by_034(&w2, &x, &y.c0.c0, &y.c1.c0, &y.c1.c1);
        bad += !fp12_eq(&w, &w2);
        if (i < 3) {
            /* Frobenius against pow: a^p, a^(p^2) = (a^p)^p, a^(p^3). */
            fp12_frobenius(&w, &x, 1);
            fp12_pow(&w2, &x, FP_FIELD.p, 4);
            bad += !fp12_eq(&w, &w2);
            for (unsigned k = 2; k <= 3; k++) {
                fp12_pow(&w2, &w2, FP_FIELD.p, 4);
                fp12_frobenius(&w, &x, k);
                bad += !fp12_eq(&w, &w2);
            }
            fp12_frobenius(&w2, &x, 12); /* a^(p^12) = a */
            bad += !fp12_eq(&w2, &x);
            fp12_frobenius(&w, &x, 7);
            fp12_frobenius(&w2, &x, 4);
            fp12_frobenius(&w2, &w2, 3);
            bad += !fp12_eq(&w, &w2);
            fp6_frobenius(&s6, &x.c0, 1);
            fp12 x0 = x;
            fp6_set_zero(&x0.c1);
            fp12_frobenius(&w, &x0, 1);
            bad += !fp6_eq(&s6, &w.c0);
        }
        /* Cyclotomic squaring on an element after the easy part. */
        fp12 c;
        bad += fp12_inv(&w, &x) != ZK_OK;
        fp12_conj(&c, &x);
        fp12_mul(&c, &c, &w);
        fp12_frobenius(&w, &c, 2);
        fp12_mul(&c, &c, &w);
        fp12_sqr(&w, &c);
        fp12_cyclotomic_sqr(&w2, &c);
        bad += !fp12_eq(&w, &w2);
        fp12_conj(&w, &c); /* the inverse in the cyclotomic subgroup */
        fp12_mul(&w, &w, &c);
        bad += !fp12_is_one(&w);
    }
    CHECK_EQ_INT(bad, 0);
}

/* The Frobenius table is xi^(i (p^k - 1) / 6): gamma_{1,1} = xi^((p-1)/6) by pow,
 * gamma_{k,i} = gamma_{k,1}^i, gamma_{2,1} = g * conj(g) and gamma_{3,1} = g^2 *
 * conj(g) for g = gamma_{1,1} (since (p^k - 1)/6 = (p - 1)/6 * (1 + p + .. p^(k-1))
 * and x^p = conj(x) in Fp2). */
TEST(frobenius_constants)
{
    fp2 xi, g, t, gk[3];
    fp_from_u64(&xi.c0, 9);
    fp_set_one(&xi.c1);
    uint64_t e[4];
    (void)zkf_limbs_sub(e, FP_FIELD.p, (const uint64_t[4]){1, 0, 0, 0});
    /* (p - 1) / 6 by dividing the limbs by 6 from the top */
    unsigned __int128 rem = 0;
    for (int i = 3; i >= 0; i--) {
        unsigned __int128 cur = (rem << 64) | e[i];
        e[i] = (uint64_t)(cur / 6);
        rem = cur % 6;
    }
    CHECK(rem == 0);
    fp2_pow(&g, &xi, e);
    gk[0] = g;
    fp2_conj(&t, &g);
    fp2_mul(&gk[1], &g, &t);
    fp2_mul(&gk[2], &gk[1], &g);
    for (int k = 0; k < 3; k++) {
        fp2 acc = gk[k];
        for (int i = 0; i < 5; i++) {
            CHECK_MSG(fp2_eq(&acc, &FP12_FROBENIUS_GAMMA[k][i]), "gamma k=%d i=%d", k + 1, i + 1);
            fp2_mul(&acc, &acc, &gk[k]);
        }
    }
    /* The twist coefficient b' = 3 / xi. */
    fp2 three;
    fp_from_u64(&three.c0, 3);
    fp_set_zero(&three.c1);
    CHECK_EQ_INT(fp2_inv(&t, &xi), ZK_OK);
    fp2_mul(&t, &t, &three);
    CHECK(fp2_eq(&t, &G2_B));
    CHECK(fp_eq(&three.c0, &G1_B));
}

TEST_MAIN(RUN(tabulated_constants); RUN(tiny_primes_exhaustive); RUN(word_primes_vs_int128);
          RUN(bn254_mul_vs_naive); RUN(mul_asm_vs_portable); RUN(add_sub_sqr_asm_vs_portable);
          RUN(inverse_binary_gcd); RUN(field_laws); RUN(batch_inversion); RUN(codecs);
          RUN(fr_roots_of_unity); RUN(tower); RUN(frobenius_constants))
