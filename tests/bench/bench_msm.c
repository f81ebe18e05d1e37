/* MSM and NTT timings: G1 MSM of 2^16, 2^18 and 2^20 points, G2 MSM of 2^16, NTT
 * (forward) of 2^20 and 2^22 elements, each with 1 and 2 threads, one run each
 * (the sizes are large enough that run-to-run noise is a few percent). Inputs:
 * uniformly random Fr scalars (Montgomery form, as Groth16 passes them) and
 * distinct random points (a random walk, normalised in one batch).
 *
 * Knobs (for profiling one case on a shared machine):
 *   ZK_BENCH_MSM_LOGS=16,20   G1 sizes to run (default 16,18,20)
 *   ZK_BENCH_MSM_THREADS=1    thread counts to run (default 1,2)
 *   ZK_BENCH_MSM_ONLY=g1      only the G1 MSMs (g2: only the G2 MSM of 2^16, ntt: only
 *                             the NTTs)
 *   ZK_BENCH_MSM_REPS=3       runs per case, the fastest reported (default 1)
 * Each line also gives the CPU time of the process, which other load on the
 * machine disturbs less than the wall time.
 *
 * Published reference points (not measured here). No single-thread BN254 G1 2^20
 * figure was found; per-core equivalents (wall time x threads, an upper bound on
 * the per-core cost since parallel scaling loses some):
 *   - Constantine, BN254_Snarks G1 MSM of 2^20 points, 16 threads, vartime:
 *     360.6 ms (github.com/mratsim/constantine pull 425), i.e. 5.8 core-seconds;
 *   - ICICLE CPU backend, BN254 2^20, i9-13900K, 32 threads: 410 ms
 *     (github.com/ingonyama-zk/icicle pull 701), i.e. 13 core-seconds;
 *   - gnark 30 ms and Constantine 22.5 ms for BN254 G1 2^16 on an 8-core
 *     i9-11980HK (github.com/privacy-ethereum/halo2curves pull 86), i.e. 0.18-0.24
 *     core-seconds. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parses a comma-separated list of small numbers from the environment variable
 * name into out (at most cap); returns how many, or 0 when unset or malformed. */
static size_t env_list(const char *name, unsigned *out, size_t cap)
{
    const char *s = getenv(name);
    size_t n = 0;
    if (s == NULL) return 0;
    while (*s != '\0' && n < cap) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v > 64) return 0;
        out[n++] = (unsigned)v;
        s = *end == ',' ? end + 1 : end;
        if (*end != ',' && *end != '\0') return 0;
    }
    return n;
}

static unsigned bench_reps = 1;

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
        double dt = 0, dc = 0;
        for (unsigned rep = 0; rep < bench_reps; rep++) {
            double t0 = now_s(), c0 = cpu_s();
            rc |= g1_msm(&out, pts, sc, n, threads[t], scratch, NULL);
            double w = now_s() - t0, c = cpu_s() - c0;
            if (rep == 0 || w < dt) dt = w;
            if (rep == 0 || c < dc) dc = c;
        }
        sink ^= out.x.v[0];
        printf("msm: g1 n=2^%u threads=%u: %.0f ms (%.0f ns/point), cpu %.0f ms, scratch %.1f "
               "MiB\n",
               log_n, threads[t], dt * 1e3, dt * 1e9 / (double)n, dc * 1e3, (double)sz / (1 << 20));
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
        double dt = 0, dc = 0;
        for (unsigned rep = 0; rep < bench_reps; rep++) {
            double t0 = now_s(), c0 = cpu_s();
            rc |= g2_msm(&out, pts, sc, n, threads[t], NULL, NULL);
            double w = now_s() - t0, c = cpu_s() - c0;
            if (rep == 0 || w < dt) dt = w;
            if (rep == 0 || c < dc) dc = c;
        }
        sink ^= out.x.c0.v[0];
        printf("msm: g2 n=2^%u threads=%u: %.0f ms (%.0f ns/point), cpu %.0f ms\n", log_n,
               threads[t], dt * 1e3, dt * 1e9 / (double)n, dc * 1e3);
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
        double c0 = cpu_s();
        ntt_forward(&d, a, threads[t]);
        double dt = now_s() - t0, dc = cpu_s() - c0;
        printf("ntt: forward n=2^%u threads=%u: %.0f ms (%.1f ns/element), cpu %.0f ms\n", log_n,
               threads[t], dt * 1e3, dt * 1e9 / (double)d.n, dc * 1e3);
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
    unsigned thr[8] = {1, 2}, logs[8] = {16, 18, 20}, reps[1];
    size_t nthr = env_list("ZK_BENCH_MSM_THREADS", thr, 8), nlogs;
    if (nthr == 0) {
        thr[0] = 1;
        thr[1] = 2;
        nthr = 2;
    }
    nlogs = env_list("ZK_BENCH_MSM_LOGS", logs, 8);
    if (nlogs == 0) {
        logs[0] = 16;
        logs[1] = 18;
        logs[2] = 20;
        nlogs = 3;
    }
    if (env_list("ZK_BENCH_MSM_REPS", reps, 1) == 1 && reps[0] > 0) bench_reps = reps[0];
    const char *only = getenv("ZK_BENCH_MSM_ONLY");
    bool all = only == NULL || only[0] == '\0';
    int rc = 0;
    printf("# msm/ntt: random inputs, best of %u run(s); %u online processors\n", bench_reps,
           threads_count(0));
    if (all || strcmp(only, "g1") == 0)
        for (size_t i = 0; i < nlogs; i++)
            rc |= bench_g1(logs[i], thr, nthr);
    if (all || strcmp(only, "g2") == 0) rc |= bench_g2(16, thr, nthr);
    if (!all && strcmp(only, "ntt") != 0) return rc != 0;
    rc |= bench_ntt(20, thr, nthr);
    rc |= bench_ntt(22, thr, nthr);
    printf("msm: published reference (not measured here; wall x threads): BN254 G1 2^20 "
           "Constantine 360.6 ms x 16 threads = 5.8 core-s (mratsim/constantine#425); "
           "2^16 gnark 30 ms, Constantine 22.5 ms on 8 cores = 0.18-0.24 core-s "
           "(privacy-ethereum/halo2curves#86)\n");
    return rc != 0;
}
