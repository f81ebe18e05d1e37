/* Radix-2 NTT over Fr (ntt.h): bit-reversal permutation, then Cooley-Tukey
 * decimation-in-time butterflies. The first stages run block by block on
 * NTT_LOCAL-element blocks that stay in cache (one block per thread at a time);
 * the later stages split each stage's n/2 butterflies over the threads. The
 * inverse is the forward transform followed by a_i <-> a_(n-i) (a DFT with
 * omega^-1 is the DFT with omega read backwards), so one twiddle table serves
 * both. The table holds each stage's twiddles contiguously (ntt.h stage_tw), so
 * that every stage reads them in order. */
#include "prover/ntt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prover/threads.h"

/* 2^12 elements = 128 KiB: the cache-resident block of the first 12 stages. */
#define NTT_LOCAL_LOG 12
/* Below this many elements a pass runs on one thread: thread start-up would cost
 * more than the work. */
#define NTT_PAR_MIN ((size_t)1 << 11)

int ntt_domain_init(ntt_domain *d, unsigned log_n, zk_errbuf *err)
{
    memset(d, 0, sizeof *d);
    if (log_n > FR_TWO_ADICITY)
        return ZK_FAIL(err, ZK_ERR_RANGE, "NTT domain 2^%u exceeds the 2-adicity 2^%d of Fr", log_n,
                       FR_TWO_ADICITY);
    size_t n = (size_t)1 << log_n, half = n > 1 ? n / 2 : 1, total = n > 1 ? n - 1 : 1;
    fr *all = malloc(total * sizeof *all);
    if (all == NULL)
        return ZK_FAIL(err, ZK_ERR_NOMEM, "NTT domain 2^%u: cannot allocate twiddles", log_n);
    fr omega, omega_inv, n_fr, n_inv;
    /* log_n <= 28 was checked, and omega and n are non-zero. */
    if (fr_root_of_unity(&omega, log_n) != ZK_OK || fr_inv(&omega_inv, &omega) != ZK_OK) {
        free(all);
        return ZK_FAIL(err, ZK_ERR_INTERNAL, "NTT domain 2^%u: no root of unity", log_n);
    }
    fr_from_u64(&n_fr, n);
    if (fr_inv(&n_inv, &n_fr) != ZK_OK) {
        free(all);
        return ZK_FAIL(err, ZK_ERR_INTERNAL, "NTT domain 2^%u: n not invertible", log_n);
    }
    /* The last stage (h = half) at the end, by the recurrence; each smaller stage
     * takes every other twiddle of the next: omega_(2h)^j = omega_(4h)^(2j). */
    fr *tw = all + (total - half);
    fr_set_one(&tw[0]);
    for (size_t j = 1; j < half; j++)
        fr_mul(&tw[j], &tw[j - 1], &omega);
    for (size_t h = half / 2; h >= 1; h /= 2)
        for (size_t j = 0; j < h; j++)
            all[h - 1 + j] = all[2 * h - 1 + 2 * j];
    d->log_n = log_n;
    d->n = n;
    d->omega = omega;
    d->omega_inv = omega_inv;
    d->n_inv = n_inv;
    d->twiddles = tw;
    d->stage_tw = all;
    return ZK_OK;
}

void ntt_domain_clear(ntt_domain *d)
{
    free(d->stage_tw);
    memset(d, 0, sizeof *d);
}

static unsigned ntt_threads(size_t n, unsigned threads)
{
    return n < NTT_PAR_MIN ? 1 : threads;
}

/* The bit reversal of i over log_n bits (log_n >= 1). */
static size_t ntt_bitrev(size_t i, unsigned log_n)
{
    uint64_t x = i;
    x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
    x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((x & 0x0f0f0f0f0f0f0f0fULL) << 4);
    x = __builtin_bswap64(x);
    return (size_t)(x >> (64 - log_n));
}

typedef struct ntt_job {
    const ntt_domain *d;
    fr *a;
    size_t len;  /* the stage's butterfly span (global stages) */
    fr c0, step; /* scaling passes: a_j *= c0 step^j */
} ntt_job;

/* Each pair (i, rev i) with i < rev i is swapped by the piece holding i only. */
static void ntt_bitrev_piece(void *vjob, unsigned tid, size_t begin, size_t end)
{
    (void)tid;
    ntt_job *job = vjob;
    fr *a = job->a;
    unsigned log_n = job->d->log_n;
    for (size_t i = begin; i < end; i++) {
        size_t r = ntt_bitrev(i, log_n);
        if (i < r) {
            fr t = a[i];
            a[i] = a[r];
            a[r] = t;
        }
    }
}

/* a[x], a[y] <- a[x] + w a[y], a[x] - w a[y] */
static inline void ntt_butterfly(fr *x, fr *y, const fr *w)
{
    fr v;
    fr_mul(&v, y, w);
    fr_sub(y, x, &v);
    fr_add(x, x, &v);
}

/* Stages len = 2 .. block on each whole block in [begin, end) (block numbers). */
static void ntt_local_piece(void *vjob, unsigned tid, size_t begin, size_t end)
{
    (void)tid;
    ntt_job *job = vjob;
    const ntt_domain *d = job->d;
    size_t block = job->len;
    for (size_t b = begin; b < end; b++) {
        fr *a = job->a + b * block;
        for (size_t len = 2; len <= block; len <<= 1) {
            size_t half = len / 2;
            const fr *tw = d->stage_tw + (half - 1);
            for (size_t s = 0; s < block; s += len) {
                fr v = a[s + half];
                fr_sub(&a[s + half], &a[s], &v); /* j = 0: the twiddle is 1 */
                fr_add(&a[s], &a[s], &v);
                for (size_t j = 1; j < half; j++)
                    ntt_butterfly(&a[s + j], &a[s + j + half], &tw[j]);
            }
        }
    }
}

/* Butterflies [begin, end) of the stage of span job->len; butterfly t pairs
 * a[(t / half) len + t % half] with the element half further. */
static void ntt_stage_piece(void *vjob, unsigned tid, size_t begin, size_t end)
{
    (void)tid;
    ntt_job *job = vjob;
    const ntt_domain *d = job->d;
    size_t len = job->len, half = len / 2;
    const fr *tw = d->stage_tw + (half - 1);
    size_t t = begin;
    while (t < end) {
        size_t j = t % half, base = (t / half) * len;
        size_t jend = half - j < end - t ? half : j + (end - t);
        t += jend - j;
        for (; j < jend; j++)
            ntt_butterfly(&job->a[base + j], &job->a[base + j + half], &tw[j]);
    }
}

static void ntt_forward_core(const ntt_domain *d, fr *a, unsigned threads)
{
    size_t n = d->n;
    if (n == 1) return;
    unsigned t = ntt_threads(n, threads);
    ntt_job job = {.d = d, .a = a};
    threads_run(t, n, ntt_bitrev_piece, &job);
    size_t block = d->log_n < NTT_LOCAL_LOG ? n : (size_t)1 << NTT_LOCAL_LOG;
    job.len = block;
    threads_run(t, n / block, ntt_local_piece, &job);
    for (size_t len = 2 * block; len <= n; len <<= 1) {
        job.len = len;
        threads_run(t, n / 2, ntt_stage_piece, &job);
    }
}

/* a_i <-> a_(n-i) for 0 < i < n/2, the pieces splitting [1, n/2). */
static void ntt_reverse_piece(void *vjob, unsigned tid, size_t begin, size_t end)
{
    (void)tid;
    ntt_job *job = vjob;
    size_t n = job->d->n;
    for (size_t i = begin + 1; i < end + 1; i++) {
        fr t = job->a[i];
        job->a[i] = job->a[n - i];
        job->a[n - i] = t;
    }
}

/* a_j *= c0 step^j over [begin, end); each piece starts from step^begin. */
static void ntt_scale_piece(void *vjob, unsigned tid, size_t begin, size_t end)
{
    (void)tid;
    ntt_job *job = vjob;
    fr s;
    const uint64_t e[4] = {begin, 0, 0, 0};
    fr_pow(&s, &job->step, e);
    fr_mul(&s, &s, &job->c0);
    for (size_t j = begin; j < end; j++) {
        fr_mul(&job->a[j], &job->a[j], &s);
        fr_mul(&s, &s, &job->step);
    }
}

/* a_j *= c0 step^j for all j. */
static void ntt_scale(const ntt_domain *d, fr *a, const fr *c0, const fr *step, unsigned threads)
{
    ntt_job job = {.d = d, .a = a, .c0 = *c0, .step = *step};
    threads_run(ntt_threads(d->n, threads), d->n, ntt_scale_piece, &job);
}

/* The forward transform with omega^-1, unscaled: reverse a_1 .. a_(n-1). */
static void ntt_inverse_unscaled(const ntt_domain *d, fr *a, unsigned threads)
{
    ntt_forward_core(d, a, threads);
    if (d->n > 2) {
        ntt_job job = {.d = d, .a = a};
        threads_run(ntt_threads(d->n, threads), d->n / 2 - 1, ntt_reverse_piece, &job);
    }
}

void ntt_forward(const ntt_domain *d, fr *a, unsigned threads)
{
    ntt_forward_core(d, a, threads);
}

void ntt_inverse(const ntt_domain *d, fr *a, unsigned threads)
{
    ntt_inverse_unscaled(d, a, threads);
    fr one;
    fr_set_one(&one);
    ntt_scale(d, a, &d->n_inv, &one, threads);
}

void ntt_coset_forward(const ntt_domain *d, fr *a, const fr *shift, unsigned threads)
{
    fr one;
    fr_set_one(&one);
    ntt_scale(d, a, &one, shift, threads);
    ntt_forward_core(d, a, threads);
}

void ntt_coset_inverse(const ntt_domain *d, fr *a, const fr *shift, unsigned threads)
{
    fr shift_inv;
    if (fr_inv(&shift_inv, shift) != ZK_OK) {
        memset(a, 0, d->n * sizeof *a); /* shift == 0: the contract's all-zero answer */
        return;
    }
    ntt_inverse_unscaled(d, a, threads);
    /* 1/n folded into the coset scaling: a_j *= (1/n) shift^-j. */
    ntt_scale(d, a, &d->n_inv, &shift_inv, threads);
}
