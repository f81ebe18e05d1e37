/* MSM in G1 and G2 against the naive sum of scalar multiplications
 * (G_jacobian_mul + G_jacobian_add), on random inputs of sizes that reach both
 * bucket strategies (Jacobian buckets for small n, batch-affine from n ~ 300)
 * and the degenerate inputs Pippenger must survive: zero scalars, the scalar
 * r - 1, repeated points (bucket doublings), a point with opposite scalars and a
 * point next to its negative (bucket cancellations), points at infinity, all
 * scalars equal (every point in one bucket). Each input runs with 1, 2 and 3
 * threads and with caller-provided (misaligned) scratch. */
#include "harness.h"

#include "prover/msm.h"
#include "prover/prover.h"

static uint64_t rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

/* The kinds of scalar a random input mixes. */
static void rand_scalar(fr *s)
{
    uint64_t r = th_rand64() % 16;
    if (r == 0) {
        fr_set_zero(s);
    } else if (r == 1) {
        fr_set_one(s);
    } else if (r == 2) {
        fr_set_one(s);
        fr_neg(s, s); /* r - 1 */
    } else if (r == 3) {
        fr_from_u64(s, th_rand64() % 1000);
    } else {
        fr_random(s, rng, NULL);
    }
}

/* Everything below is written once over the group prefix G. */
#define MSM_TESTS(G, F)                                                                            \
    /* n points: a walk P_i = P_(i-1) + S_(i mod 8) from a random start, about one in 16           \
     * replaced by infinity, converted to affine in one batch. */                                  \
    static G##_affine *G##_rand_points(size_t n, bool with_infinity)                               \
    {                                                                                              \
        G##_affine *pts = calloc(n ? n : 1, sizeof *pts);                                          \
        G##_jacobian *jac = calloc(n ? n : 1, sizeof *jac);                                        \
        F *scr = calloc(n ? n : 1, sizeof *scr);                                                   \
        G##_affine gen;                                                                            \
        G##_jacobian g, step[8], cur;                                                              \
        uint64_t k[4];                                                                             \
        G##_generator(&gen);                                                                       \
        G##_jacobian_from_affine(&g, &gen);                                                        \
        for (int i = 0; i < 8; i++) {                                                              \
            fr s;                                                                                  \
            fr_random(&s, rng, NULL);                                                              \
            fr_to_limbs(k, &s);                                                                    \
            G##_jacobian_mul(&step[i], &g, k);                                                     \
        }                                                                                          \
        cur = step[0];                                                                             \
        for (size_t i = 0; i < n; i++) {                                                           \
            G##_jacobian_add(&cur, &cur, &step[i % 8]);                                            \
            jac[i] = cur;                                                                          \
            if (with_infinity && th_rand64() % 16 == 0) G##_jacobian_set_infinity(&jac[i]);        \
        }                                                                                          \
        G##_jacobian_batch_to_affine(pts, jac, n, scr);                                            \
        free(jac);                                                                                 \
        free(scr);                                                                                 \
        return pts;                                                                                \
    }                                                                                              \
                                                                                                   \
    static void G##_naive(G##_jacobian *out, const G##_affine *pts, const fr *sc, size_t n)        \
    {                                                                                              \
        G##_jacobian acc, p, t;                                                                    \
        uint64_t k[4];                                                                             \
        G##_jacobian_set_infinity(&acc);                                                           \
        for (size_t i = 0; i < n; i++) {                                                           \
            fr_to_limbs(k, &sc[i]);                                                                \
            G##_jacobian_from_affine(&p, &pts[i]);                                                 \
            G##_jacobian_mul(&t, &p, k);                                                           \
            G##_jacobian_add(&acc, &acc, &t);                                                      \
        }                                                                                          \
        *out = acc;                                                                                \
    }                                                                                              \
                                                                                                   \
    /* The MSM with 1, 2 and 3 threads, then with nproc threads in caller scratch at an            \
     * odd address, against expect. */                                                             \
    static void G##_check_msm(const G##_affine *pts, const fr *sc, size_t n,                       \
                              const G##_jacobian *expect)                                          \
    {                                                                                              \
        G##_jacobian got;                                                                          \
        zk_errbuf err;                                                                             \
        for (unsigned t = 1; t <= 3; t++) {                                                        \
            CHECK_EQ_INT(G##_msm(&got, pts, sc, n, t, NULL, &err), ZK_OK);                         \
            CHECK_MSG(G##_jacobian_eq(&got, expect), #G " MSM n=%zu threads=%u differs", n, t);    \
            CHECK(G##_jacobian_is_on_curve(&got));                                                 \
        }                                                                                          \
        size_t sz = G##_msm_scratch_size(n, 0);                                                    \
        CHECK(sz > 0);                                                                             \
        unsigned char *buf = malloc(sz + 1);                                                       \
        CHECK_EQ_INT(G##_msm(&got, pts, sc, n, 0, buf + 1, NULL), ZK_OK);                          \
        CHECK_MSG(G##_jacobian_eq(&got, expect), #G " MSM n=%zu scratch differs", n);              \
        free(buf);                                                                                 \
    }                                                                                              \
                                                                                                   \
    static void G##_random_case(size_t n)                                                          \
    {                                                                                              \
        CASE_BEGIN(#G " random n=%zu", n);                                                         \
        G##_affine *pts = G##_rand_points(n, true);                                                \
        fr *sc = calloc(n ? n : 1, sizeof *sc);                                                    \
        for (size_t i = 0; i < n; i++)                                                             \
            rand_scalar(&sc[i]);                                                                   \
        G##_jacobian expect;                                                                       \
        G##_naive(&expect, pts, sc, n);                                                            \
        G##_check_msm(pts, sc, n, &expect);                                                        \
        free(pts);                                                                                 \
        free(sc);                                                                                  \
        CASE_END();                                                                                \
    }                                                                                              \
                                                                                                   \
    /* The degenerate inputs, each checked against the naive sum and, where the answer is          \
     * known in closed form, against that too. */                                                  \
    static void G##_special_cases(size_t n)                                                        \
    {                                                                                              \
        G##_affine *pts = G##_rand_points(n, false);                                               \
        G##_affine *rep = calloc(n, sizeof *rep);                                                  \
        fr *sc = calloc(n, sizeof *sc);                                                            \
        G##_jacobian expect, closed, p0;                                                           \
        fr s, sum;                                                                                 \
        uint64_t k[4];                                                                             \
        G##_jacobian_from_affine(&p0, &pts[0]);                                                    \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu all scalars zero", n);                                               \
        for (size_t i = 0; i < n; i++)                                                             \
            fr_set_zero(&sc[i]);                                                                   \
        G##_jacobian_set_infinity(&expect);                                                        \
        G##_check_msm(pts, sc, n, &expect);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu all scalars r - 1", n);                                              \
        for (size_t i = 0; i < n; i++) {                                                           \
            fr_set_one(&sc[i]);                                                                    \
            fr_neg(&sc[i], &sc[i]);                                                                \
        }                                                                                          \
        G##_jacobian_set_infinity(&closed); /* -(sum P_i) */                                       \
        for (size_t i = 0; i < n; i++)                                                             \
            G##_jacobian_add_affine(&closed, &closed, &pts[i]);                                    \
        G##_jacobian_neg(&closed, &closed);                                                        \
        G##_check_msm(pts, sc, n, &closed);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu all scalars equal", n);                                              \
        fr_random(&s, rng, NULL);                                                                  \
        G##_jacobian_set_infinity(&closed); /* s (sum P_i) */                                      \
        for (size_t i = 0; i < n; i++) {                                                           \
            sc[i] = s;                                                                             \
            G##_jacobian_add_affine(&closed, &closed, &pts[i]);                                    \
        }                                                                                          \
        fr_to_limbs(k, &s);                                                                        \
        G##_jacobian_mul(&closed, &closed, k);                                                     \
        G##_check_msm(pts, sc, n, &closed);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu all scalars one", n);                                                \
        for (size_t i = 0; i < n; i++)                                                             \
            fr_set_one(&sc[i]);                                                                    \
        G##_jacobian_set_infinity(&expect);                                                        \
        for (size_t i = 0; i < n; i++)                                                             \
            G##_jacobian_add_affine(&expect, &expect, &pts[i]);                                    \
        G##_check_msm(pts, sc, n, &expect);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu one point repeated, random scalars", n);                             \
        fr_set_zero(&sum);                                                                         \
        for (size_t i = 0; i < n; i++) {                                                           \
            rep[i] = pts[0];                                                                       \
            rand_scalar(&sc[i]);                                                                   \
            fr_add(&sum, &sum, &sc[i]);                                                            \
        }                                                                                          \
        fr_to_limbs(k, &sum);                                                                      \
        G##_jacobian_mul(&closed, &p0, k);                                                         \
        G##_check_msm(rep, sc, n, &closed);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu one point repeated, one scalar (bucket doublings)", n);              \
        fr_from_u64(&s, 0x1234567);                                                                \
        for (size_t i = 0; i < n; i++)                                                             \
            sc[i] = s;                                                                             \
        fr_from_u64(&sum, n);                                                                      \
        fr_mul(&sum, &sum, &s);                                                                    \
        fr_to_limbs(k, &sum);                                                                      \
        G##_jacobian_mul(&closed, &p0, k);                                                         \
        G##_check_msm(rep, sc, n, &closed);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu one point with opposite scalars", n);                                \
        for (size_t i = 0; i + 1 < n; i += 2) {                                                    \
            fr_random(&sc[i], rng, NULL);                                                          \
            fr_neg(&sc[i + 1], &sc[i]);                                                            \
        }                                                                                          \
        if (n % 2) fr_set_zero(&sc[n - 1]);                                                        \
        G##_jacobian_set_infinity(&expect);                                                        \
        G##_check_msm(rep, sc, n, &expect);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu points next to their negatives, one scalar", n);                     \
        fr_random(&s, rng, NULL);                                                                  \
        for (size_t i = 0; i < n; i++) {                                                           \
            sc[i] = s;                                                                             \
            if (i % 2)                                                                             \
                G##_affine_neg(&rep[i], &pts[i - 1]);                                              \
            else                                                                                   \
                rep[i] = pts[i];                                                                   \
        }                                                                                          \
        /* The pairs cancel; an odd n leaves s P_(n-1). */                                         \
        G##_jacobian_set_infinity(&closed);                                                        \
        if (n % 2) {                                                                               \
            G##_jacobian_from_affine(&closed, &rep[n - 1]);                                        \
            fr_to_limbs(k, &s);                                                                    \
            G##_jacobian_mul(&closed, &closed, k);                                                 \
        }                                                                                          \
        G##_check_msm(rep, sc, n, &closed);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu all points at infinity", n);                                         \
        for (size_t i = 0; i < n; i++) {                                                           \
            G##_affine_set_infinity(&rep[i]);                                                      \
            rand_scalar(&sc[i]);                                                                   \
        }                                                                                          \
        G##_jacobian_set_infinity(&expect);                                                        \
        G##_check_msm(rep, sc, n, &expect);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        CASE_BEGIN(#G " n=%zu few distinct points and scalars", n);                                \
        fr per[3]; /* the total scalar of each of the 3 points */                                  \
        for (int j = 0; j < 3; j++)                                                                \
            fr_set_zero(&per[j]);                                                                  \
        for (size_t i = 0; i < n; i++) {                                                           \
            size_t j = th_rand64() % 3;                                                            \
            rep[i] = pts[j];                                                                       \
            fr_from_u64(&sc[i], th_rand64() % 4 + 1);                                              \
            if (th_rand64() % 2) fr_neg(&sc[i], &sc[i]);                                           \
            fr_add(&per[j], &per[j], &sc[i]);                                                      \
        }                                                                                          \
        G##_naive(&expect, pts, per, 3);                                                           \
        G##_check_msm(rep, sc, n, &expect);                                                        \
        CASE_END();                                                                                \
                                                                                                   \
        free(pts);                                                                                 \
        free(rep);                                                                                 \
        free(sc);                                                                                  \
    }

MSM_TESTS(g1, fp)
MSM_TESTS(g2, fp2)

TEST(g1_msm_random)
{
    static const size_t SIZES[] = {0, 1, 2, 3, 7, 64, 1000, 4097};
    for (size_t i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++)
        g1_random_case(SIZES[i]);
}

TEST(g1_msm_special)
{
    /* 64: Jacobian buckets; 1500: batch-affine buckets (the planner picks them from
     * about 1100 points; at 1200, G2 below, on 1 and 3 threads but not 2). */
    g1_special_cases(64);
    g1_special_cases(1500);
}

TEST(g2_msm_random)
{
    static const size_t SIZES[] = {0, 1, 2, 3, 7, 64, 1200};
    for (size_t i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++)
        g2_random_case(SIZES[i]);
}

TEST(g2_msm_special)
{
    g2_special_cases(33);
    g2_special_cases(1200);
}

/* An MSM large enough for wide windows (the planner picks c = 12 or more here:
 * thousands of batch-affine buckets, batches of hundreds of additions, the bucket
 * prefetch and the precomputed int16 digits), where the naive sum would take too
 * long: checked by linearity instead, against MSMs with other plans. For random s,
 * t: MSM(P, s) + MSM(P, t) == MSM(P, s + t) (same points, other digits), the two
 * halves of P summed == the whole (other n, so another window width), and 1, 2 or 3
 * threads agree (other splits of the work). */
TEST(g1_msm_wide_windows)
{
    const size_t n = (size_t)1 << 15, h = n / 2;
    g1_affine *pts = g1_rand_points(n, true);
    fr *s = calloc(n, sizeof *s), *t = calloc(n, sizeof *t), *st = calloc(n, sizeof *st);
    CHECK(pts != NULL && s != NULL && t != NULL && st != NULL);
    if (pts == NULL || s == NULL || t == NULL || st == NULL) goto out;
    for (size_t i = 0; i < n; i++) {
        rand_scalar(&s[i]);
        fr_random(&t[i], rng, NULL);
        fr_add(&st[i], &s[i], &t[i]);
    }
    g1_jacobian ms, mt, mst, lo, hi, sum, other;
    CASE_BEGIN("g1 n=%zu: MSM(P, s) + MSM(P, t) == MSM(P, s + t)", n);
    CHECK_EQ_INT(g1_msm(&ms, pts, s, n, 1, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(g1_msm(&mt, pts, t, n, 1, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(g1_msm(&mst, pts, st, n, 1, NULL, NULL), ZK_OK);
    g1_jacobian_add(&sum, &ms, &mt);
    CHECK(g1_jacobian_eq(&sum, &mst));
    CHECK(!g1_jacobian_is_infinity(&ms));
    CASE_END();
    CASE_BEGIN("g1 n=%zu: two halves of %zu points sum to the whole", n, h);
    CHECK_EQ_INT(g1_msm(&lo, pts, s, h, 1, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(g1_msm(&hi, pts + h, s + h, n - h, 1, NULL, NULL), ZK_OK);
    g1_jacobian_add(&sum, &lo, &hi);
    CHECK(g1_jacobian_eq(&sum, &ms));
    CASE_END();
    for (unsigned threads = 2; threads <= 3; threads++) {
        CASE_BEGIN("g1 n=%zu: %u threads agree with one", n, threads);
        CHECK_EQ_INT(g1_msm(&other, pts, s, n, threads, NULL, NULL), ZK_OK);
        CHECK(g1_jacobian_eq(&other, &ms));
        CASE_END();
    }
out:
    free(pts);
    free(s);
    free(t);
    free(st);
}

TEST(msm_scratch_size)
{
    CASE_BEGIN("scratch sizes");
    /* Pure function of (n, threads), grows with n, and refuses absurd n. */
    CHECK_EQ_INT(g1_msm_scratch_size(1000, 2), g1_msm_scratch_size(1000, 2));
    CHECK(g1_msm_scratch_size(1 << 16, 1) > g1_msm_scratch_size(1 << 10, 1));
    CHECK(g2_msm_scratch_size(1 << 10, 1) > g1_msm_scratch_size(1 << 10, 1));
    CHECK_EQ_INT(g1_msm_scratch_size(SIZE_MAX / 2, 1), 0);
    g1_jacobian out;
    zk_errbuf err;
    CHECK_EQ_INT(g1_msm(&out, NULL, NULL, SIZE_MAX / 2, 1, NULL, &err), ZK_ERR_RANGE);
    CHECK(g1_jacobian_is_infinity(&out));
    CHECK_EQ_INT(g1_msm(&out, NULL, NULL, 0, 1, NULL, NULL), ZK_OK);
    CHECK(g1_jacobian_is_infinity(&out));
    CASE_END();
}

TEST_MAIN(RUN(g1_msm_random); RUN(g1_msm_special); RUN(g2_msm_random); RUN(g2_msm_special);
          RUN(g1_msm_wide_windows); RUN(msm_scratch_size))
