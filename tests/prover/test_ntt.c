/* The NTT over Fr against its definition: forward equals the naive O(n^2) DFT and
 * the coset transform equals Horner evaluation at shift omega^i (n <= 256);
 * inverse after forward is the identity for every size 2^0 .. 2^12 and once at
 * 2^20; linearity; the convolution theorem against schoolbook multiplication;
 * 1, 2 and 3 threads give the same bytes; the domain's constants and its
 * range check. */
#include "harness.h"

#include "prover/ntt.h"
#include "prover/prover.h"

static uint64_t rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

static fr *rand_vec(size_t n)
{
    fr *a = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        fr_random(&a[i], rng, NULL);
    return a;
}

static fr *copy_vec(const fr *a, size_t n)
{
    fr *b = malloc(n * sizeof *b);
    memcpy(b, a, n * sizeof *b);
    return b;
}

/* sum_j a_j x^j by Horner. */
static void poly_eval(fr *r, const fr *a, size_t n, const fr *x)
{
    fr acc;
    fr_set_zero(&acc);
    for (size_t j = n; j-- > 0;) {
        fr_mul(&acc, &acc, x);
        fr_add(&acc, &acc, &a[j]);
    }
    *r = acc;
}

static bool vec_eq(const fr *a, const fr *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

TEST(ntt_domain_constants)
{
    CASE_BEGIN("domain constants");
    for (unsigned log_n = 0; log_n <= 12; log_n++) {
        ntt_domain d;
        CHECK_EQ_INT(ntt_domain_init(&d, log_n, NULL), ZK_OK);
        CHECK_EQ_INT(d.n, (size_t)1 << log_n);
        /* omega^n = 1 and omega^(n/2) = -1: a primitive n-th root */
        fr t, one, minus_one, prod;
        fr_set_one(&one);
        fr_neg(&minus_one, &one);
        uint64_t e[4] = {d.n, 0, 0, 0};
        fr_pow(&t, &d.omega, e);
        CHECK(fr_is_one(&t));
        if (d.n > 1) {
            e[0] = d.n / 2;
            fr_pow(&t, &d.omega, e);
            CHECK(fr_eq(&t, &minus_one));
        }
        fr_mul(&prod, &d.omega, &d.omega_inv);
        CHECK(fr_is_one(&prod));
        fr_from_u64(&t, d.n);
        fr_mul(&prod, &t, &d.n_inv);
        CHECK(fr_is_one(&prod));
        for (size_t j = 1; j < d.n / 2; j++) {
            fr_mul(&t, &d.twiddles[j - 1], &d.omega);
            CHECK(fr_eq(&t, &d.twiddles[j]));
        }
        ntt_domain_clear(&d);
        CHECK(d.twiddles == NULL);
        ntt_domain_clear(&d); /* twice is harmless */
    }
    CASE_END();

    CASE_BEGIN("domain larger than 2^28 refused");
    ntt_domain d;
    zk_errbuf err;
    CHECK_EQ_INT(ntt_domain_init(&d, FR_TWO_ADICITY + 1, &err), ZK_ERR_RANGE);
    CHECK(d.twiddles == NULL);
    ntt_domain_clear(&d);
    CASE_END();
}

TEST(ntt_naive_dft)
{
    for (unsigned log_n = 0; log_n <= 8; log_n++) {
        CASE_BEGIN("forward and coset forward vs naive, n = 2^%u", log_n);
        ntt_domain d;
        CHECK_EQ_INT(ntt_domain_init(&d, log_n, NULL), ZK_OK);
        size_t n = d.n;
        fr *a = rand_vec(n), *f = copy_vec(a, n), *g = copy_vec(a, n);
        fr shift, x, y;
        fr_from_u64(&shift, FR_GENERATOR);
        ntt_forward(&d, f, 1);
        ntt_coset_forward(&d, g, &shift, 1);
        fr_set_one(&x); /* omega^i */
        bool ok = true;
        for (size_t i = 0; i < n; i++) {
            poly_eval(&y, a, n, &x);
            ok &= fr_eq(&y, &f[i]);
            fr xs;
            fr_mul(&xs, &x, &shift);
            poly_eval(&y, a, n, &xs);
            ok &= fr_eq(&y, &g[i]);
            fr_mul(&x, &x, &d.omega);
        }
        CHECK_MSG(ok, "n = %zu: transform differs from the naive DFT", n);
        ntt_inverse(&d, f, 1);
        CHECK(vec_eq(f, a, n));
        ntt_coset_inverse(&d, g, &shift, 1);
        CHECK(vec_eq(g, a, n));
        free(a);
        free(f);
        free(g);
        ntt_domain_clear(&d);
        CASE_END();
    }
}

TEST(ntt_round_trip_threads)
{
    for (unsigned log_n = 0; log_n <= 12; log_n++) {
        CASE_BEGIN("round trips, threads 1/2/3, n = 2^%u", log_n);
        ntt_domain d;
        CHECK_EQ_INT(ntt_domain_init(&d, log_n, NULL), ZK_OK);
        size_t n = d.n;
        fr *a = rand_vec(n), *ref = copy_vec(a, n), *refc = copy_vec(a, n);
        fr shift;
        fr_random(&shift, rng, NULL);
        ntt_forward(&d, ref, 1);
        ntt_coset_forward(&d, refc, &shift, 1);
        for (unsigned t = 1; t <= 3; t++) {
            fr *f = copy_vec(a, n), *g = copy_vec(a, n);
            ntt_forward(&d, f, t);
            CHECK_MSG(vec_eq(f, ref, n), "forward with %u threads differs", t);
            ntt_inverse(&d, f, t);
            CHECK_MSG(vec_eq(f, a, n), "inverse(forward) != id with %u threads", t);
            ntt_coset_forward(&d, g, &shift, t);
            CHECK_MSG(vec_eq(g, refc, n), "coset forward with %u threads differs", t);
            ntt_coset_inverse(&d, g, &shift, t);
            CHECK_MSG(vec_eq(g, a, n), "coset inverse(forward) != id with %u threads", t);
            /* forward(inverse) is the identity too */
            ntt_inverse(&d, f, t);
            ntt_forward(&d, f, t);
            CHECK(vec_eq(f, a, n));
            free(f);
            free(g);
        }
        free(a);
        free(ref);
        free(refc);
        ntt_domain_clear(&d);
        CASE_END();
    }
}

TEST(ntt_linearity)
{
    for (unsigned log_n = 3; log_n <= 12; log_n += 3) {
        CASE_BEGIN("NTT(a + c b) = NTT(a) + c NTT(b), n = 2^%u", log_n);
        ntt_domain d;
        CHECK_EQ_INT(ntt_domain_init(&d, log_n, NULL), ZK_OK);
        size_t n = d.n;
        fr *a = rand_vec(n), *b = rand_vec(n), *s = malloc(n * sizeof *s), c;
        fr_random(&c, rng, NULL);
        for (size_t i = 0; i < n; i++) {
            fr_mul(&s[i], &b[i], &c);
            fr_add(&s[i], &s[i], &a[i]);
        }
        ntt_forward(&d, a, 2);
        ntt_forward(&d, b, 2);
        ntt_forward(&d, s, 2);
        bool ok = true;
        for (size_t i = 0; i < n; i++) {
            fr t;
            fr_mul(&t, &b[i], &c);
            fr_add(&t, &t, &a[i]);
            ok &= fr_eq(&t, &s[i]);
        }
        CHECK(ok);
        free(a);
        free(b);
        free(s);
        ntt_domain_clear(&d);
        CASE_END();
    }
}

TEST(ntt_convolution)
{
    for (unsigned log_n = 1; log_n <= 9; log_n++) {
        CASE_BEGIN("polynomial product via NTT vs schoolbook, n = 2^%u", log_n);
        ntt_domain d;
        CHECK_EQ_INT(ntt_domain_init(&d, log_n, NULL), ZK_OK);
        size_t n = d.n;
        /* deg p + deg q < n: sizes from the random stream, at least 1 each */
        size_t lp = 1 + th_rand64() % (n / 2 + 1), lq = 1 + th_rand64() % (n - lp + 1);
        fr *p = calloc(n, sizeof *p), *q = calloc(n, sizeof *q), *want = calloc(n, sizeof *want);
        for (size_t i = 0; i < lp; i++)
            fr_random(&p[i], rng, NULL);
        for (size_t i = 0; i < lq; i++)
            fr_random(&q[i], rng, NULL);
        for (size_t i = 0; i < lp; i++)
            for (size_t j = 0; j < lq; j++) {
                fr t;
                fr_mul(&t, &p[i], &q[j]);
                fr_add(&want[i + j], &want[i + j], &t);
            }
        /* on the domain, and on a coset as Groth16 multiplies A and B there */
        fr *pc = copy_vec(p, n), *qc = copy_vec(q, n), shift;
        fr_from_u64(&shift, FR_GENERATOR);
        ntt_forward(&d, p, 3);
        ntt_forward(&d, q, 3);
        ntt_coset_forward(&d, pc, &shift, 3);
        ntt_coset_forward(&d, qc, &shift, 3);
        for (size_t i = 0; i < n; i++) {
            fr_mul(&p[i], &p[i], &q[i]);
            fr_mul(&pc[i], &pc[i], &qc[i]);
        }
        ntt_inverse(&d, p, 3);
        ntt_coset_inverse(&d, pc, &shift, 3);
        CHECK_MSG(vec_eq(p, want, n), "n = %zu: product of degrees %zu, %zu differs", n, lp - 1,
                  lq - 1);
        CHECK_MSG(vec_eq(pc, want, n), "n = %zu: coset product differs", n);
        free(pc);
        free(qc);
        free(p);
        free(q);
        free(want);
        ntt_domain_clear(&d);
        CASE_END();
    }
}

TEST(ntt_coset_zero_shift)
{
    CASE_BEGIN("coset inverse with shift 0 zeroes the vector");
    ntt_domain d;
    CHECK_EQ_INT(ntt_domain_init(&d, 4, NULL), ZK_OK);
    fr *a = rand_vec(d.n), zero;
    fr_set_zero(&zero);
    ntt_coset_inverse(&d, a, &zero, 1);
    bool all_zero = true;
    for (size_t i = 0; i < d.n; i++)
        all_zero &= fr_is_zero(&a[i]);
    CHECK(all_zero);
    free(a);
    ntt_domain_clear(&d);
    CASE_END();
}

TEST(ntt_large)
{
    CASE_BEGIN("2^20 round trip, spot-checked against Horner");
    ntt_domain d;
    CHECK_EQ_INT(ntt_domain_init(&d, 20, NULL), ZK_OK);
    size_t n = d.n;
    fr *a = rand_vec(n), *f = copy_vec(a, n);
    ntt_forward(&d, f, 2);
    for (int k = 0; k < 2; k++) {
        size_t i = th_rand64() % n;
        fr x, y;
        uint64_t e[4] = {i, 0, 0, 0};
        fr_pow(&x, &d.omega, e);
        poly_eval(&y, a, n, &x);
        CHECK_MSG(fr_eq(&y, &f[i]), "2^20 forward differs at %zu", i);
    }
    ntt_inverse(&d, f, 2);
    CHECK(vec_eq(f, a, n));
    free(a);
    free(f);
    ntt_domain_clear(&d);
    CASE_END();
}

TEST_MAIN(RUN(ntt_domain_constants); RUN(ntt_naive_dft); RUN(ntt_round_trip_threads);
          RUN(ntt_linearity); RUN(ntt_convolution); RUN(ntt_coset_zero_shift); RUN(ntt_large))
