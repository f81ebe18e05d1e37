/* MSM and NTT timings: G1 MSM of 2^16, 2^18 and 2^20 points, G2 MSM of 2^16, NTT
 * (forward) of 2^20 and 2^22 elements, each with 1 and 2 threads, one run each
 * (the sizes are large enough that run-to-run noise is a few percent). Inputs:
 * uniformly random Fr scalars (Montgomery form, as Groth16 passes them) and
 * distinct random points (a random walk, normalised in one batch).
 *
 * Reference points (published, not measured here, quoted from memory and not
 * re-verified offline): assembly-backed libraries with batch-affine Pippenger
 * (gnark-crypto, arkworks with asm, Constantine) report a BN254 G1 MSM of 2^20
 * points in roughly 1 s on one modern x86-64 core; their Fp product is about
 * 10-15 ns, against about 50 ns for the portable C product here (bench_bn254). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "prover/msm.h"
#include "prover/ntt.h"
#include "prover/prover.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void *ctx)
{
    (void)ctx;
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Keeps results observable. */
static volatile uint64_t sink;

/* n points P_i = P_(i-1) + S_(i mod 8), S random multiples of the generator:
 * one addition per point instead of a scalar multiplication. */
#define RAND_POINTS(G, F)                                                                          \
    static G##_affine *G##_rand_points(size_t n)                                                   \
    {                                                                                              \
        G##_affine *pts = malloc(n * sizeof *pts), gen;                                            \
        G##_jacobian *jac = malloc(n * sizeof *jac), g, step[8], cur;                              \
        F *scr = malloc(n * sizeof *scr);                                                          \
        if (pts == NULL || jac == NULL || scr == NULL) {                                           \
            fprintf(stderr, "bench_msm: out of memory\n");                                         \
            exit(1);                                                                               \
        }                                                                                          \
        G##_generator(&gen);                                                                       \
        G##_jacobian_from_affine(&g, &gen);                                                        \
        for (int i = 0; i < 8; i++) {                                                              \
            fr s;                                                                                  \
            uint64_t k[4];                                                                         \
            fr_random(&s, rng, NULL);                                                              \
            fr_to_limbs(k, &s);                                                                    \
            G##_jacobian_mul(&step[i], &g, k);                                                     \
        }                                                                                          \
        cur = step[0];                                                                             \
        for (size_t i = 0; i < n; i++) {                                                           \
            G##_jacobian_add(&cur, &cur, &step[i % 8]);                                            \
            jac[i] = cur;                                                                          \
        }                                                                                          \
        G##_jacobian_batch_to_affine(pts, jac, n, scr);                                            \
        free(jac);                                                                                 \
        free(scr);                                                                                 \
        return pts;                                                                                \
    }

RAND_POINTS(g1, fp)
RAND_POINTS(g2, fp2)

static fr *rand_scalars(size_t n)
{
    fr *s = malloc(n * sizeof *s);
    if (s == NULL) {
        fprintf(stderr, "bench_msm: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++)
        fr_random(&s[i], rng, NULL);
    return s;
}

static int bench_g1(unsigned log_n, const unsigned *threads, size_t nthreads)
{
    size_t n = (size_t)1 << log_n;
    g1_affine *pts = g1_rand_points(n);
    fr *sc = rand_scalars(n);
    int rc = 0;
    for (size_t t = 0; t < nthreads; t++) {
        size_t sz = g1_msm_scratch_size(n, threads[t]);
        void *scratch = malloc(sz);
        g1_jacobian out;
        double t0 = now_s();
        rc |= g1_msm(&out, pts, sc, n, threads[t], scratch, NULL);
        double dt = now_s() - t0;
        sink ^= out.x.v[0];
        printf("msm: g1 n=2^%u threads=%u: %.0f ms (%.0f ns/point), scratch %.1f MiB\n", log_n,
               threads[t], dt * 1e3, dt * 1e9 / (double)n, (double)sz / (1 << 20));
        fflush(stdout);
        free(scratch);
    }
    free(pts);
    free(sc);
    return rc;
}

static int bench_g2(unsigned log_n, const unsigned *threads, size_t nthreads)
{
    size_t n = (size_t)1 << log_n;
    g2_affine *pts = g2_rand_points(n);
    fr *sc = rand_scalars(n);
    int rc = 0;
    for (size_t t = 0; t < nthreads; t++) {
        g2_jacobian out;
        double t0 = now_s();
        rc |= g2_msm(&out, pts, sc, n, threads[t], NULL, NULL);
        double dt = now_s() - t0;
        sink ^= out.x.c0.v[0];
        printf("msm: g2 n=2^%u threads=%u: %.0f ms (%.0f ns/point)\n", log_n, threads[t], dt * 1e3,
               dt * 1e9 / (double)n);
        fflush(stdout);
    }
    free(pts);
    free(sc);
    return rc;
}

static int bench_ntt(unsigned log_n, const unsigned *threads, size_t nthreads)
{
    ntt_domain d;
    double t0 = now_s();
    if (ntt_domain_init(&d, log_n, NULL) != ZK_OK) return 1;
    printf("ntt: domain 2^%u init: %.0f ms\n", log_n, (now_s() - t0) * 1e3);
    fr *a = rand_scalars(d.n);
    for (size_t t = 0; t < nthreads; t++) {
        t0 = now_s();
        ntt_forward(&d, a, threads[t]);
        double dt = now_s() - t0;
        printf("ntt: forward n=2^%u threads=%u: %.0f ms (%.1f ns/element)\n", log_n, threads[t],
               dt * 1e3, dt * 1e9 / (double)d.n);
        t0 = now_s();
        ntt_coset_inverse(&d, a, &d.omega, threads[t]);
        dt = now_s() - t0;
        printf("ntt: coset inverse n=2^%u threads=%u: %.0f ms\n", log_n, threads[t], dt * 1e3);
        fflush(stdout);
    }
    sink ^= a[0].v[0];
    free(a);
    ntt_domain_clear(&d);
    return 0;
}

int main(void)
{
    static const unsigned T12[] = {1, 2};
    int rc = 0;
    printf("# msm/ntt: random inputs, one run each; %u online processors\n", threads_count(0));
    rc |= bench_g1(16, T12, 2);
    rc |= bench_g1(18, T12, 2);
    rc |= bench_g1(20, T12, 2);
    rc |= bench_g2(16, T12, 2);
    rc |= bench_ntt(20, T12, 2);
    rc |= bench_ntt(22, T12, 2);
    printf("msm: published reference (not measured here): BN254 G1 MSM 2^20 ~ 1 s on one x86-64 "
           "core for assembly-backed batch-affine Pippenger (gnark-crypto class); recalled, not "
           "re-verified\n");
    return rc != 0;
}
