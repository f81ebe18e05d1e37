/* Multi-scalar multiplication (msm.h): the plan and scalar recoding shared by both
 * groups, then the generic body (msm_impl.h) expanded for G1 and G2. */
#include "prover/msm.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "prover/threads.h"

/* A recoded scalar k + H needs c * nwin <= 255 + 15 bits: 5 limbs. */
#define MSM_LIMBS 5
#define MSM_ALIGN 64
/* Window widths tried by the planner. At c = 16 the 2^15 G2 buckets (affine plus
 * Jacobian overflow) take 10 MiB per thread; wider windows stop paying before
 * that (the reduction grows as 2^c). */
#define MSM_C_MIN 2
#define MSM_C_MAX 16
/* Most slices of the points per window; more only adds bucket reductions. */
#define MSM_CHUNKS_MAX 16
/* Batch-affine buckets need enough buckets that a batch rarely meets the same
 * bucket twice; below this, Jacobian buckets. Overridable at build time
 * (EXTRA_CFLAGS=-DMSM_AFFINE_MIN_BUCKETS=...) so bench_msm can measure what the
 * batch-affine method gains: a huge value turns it off. */
#ifndef MSM_AFFINE_MIN_BUCKETS
#define MSM_AFFINE_MIN_BUCKETS 64
#endif
/* Pending additions per shared inversion (and queue length): an inversion costs
 * about as much as 100 products, so 512 amortises it to a fifth of one (at 256,
 * fp_inv was still 4% of a 2^20 MSM). Overridable at build time for measuring. */
#ifndef MSM_BATCH_MAX
#define MSM_BATCH_MAX 512
#endif
/* How many points ahead the batch-affine loop prefetches a bucket: far enough to
 * cover a miss to L3 or memory, near enough that the line is still there. */
#define MSM_PREFETCH 16

typedef struct msm_plan {
    unsigned threads;      /* resolved thread count */
    unsigned c;            /* window width in bits */
    unsigned nwin;         /* windows: c * nwin >= 255 */
    size_t chunks;         /* slices of the points per window */
    size_t ntasks;         /* nwin * chunks */
    size_t nbuckets;       /* 2^(c-1) */
    size_t batch;          /* batch-affine: additions per inversion */
    bool affine;           /* batch-affine (true) or Jacobian buckets */
    uint64_t h[MSM_LIMBS]; /* H = sum_w 2^(c w + c - 1): the recoding offset */
    /* Scratch layout, offsets from a MSM_ALIGN-aligned base. */
    size_t off_digits, off_partial, off_ones, off_thread, thread_bytes, total;
} msm_plan;

/* Rounds x up to a multiple of MSM_ALIGN; callers keep x far below SIZE_MAX. */
static size_t msm_align(size_t x)
{
    return (x + (MSM_ALIGN - 1)) & ~(size_t)(MSM_ALIGN - 1);
}

/* The batch size for nb buckets: a quarter of the buckets keeps conflicts (a
 * bucket already in the batch) rare, and MSM_BATCH_MAX amortises the inversion. */
static size_t msm_batch_size(size_t nb)
{
    size_t b = nb / 4 < MSM_BATCH_MAX ? nb / 4 : MSM_BATCH_MAX;
    return b < 1 ? 1 : b;
}

/* Relative costs in units of one mixed Jacobian addition (11 field products):
 * per point and per bucket (the running-sum reduction: 2 additions a bucket).
 * A batch-affine addition is about 6 products plus its share of one inversion,
 * which the binary-Euclid fp_inv makes worth about 250 products (bench_bn254). */
static double msm_cost_point(bool affine, size_t batch)
{
    return affine ? 0.55 + 23.0 / (double)batch : 1.0;
}
static double msm_cost_bucket(bool affine)
{
    return affine ? 2.3 : 2.8;
}

/* Picks the window width and the split, and lays out the scratch. Returns
 * ZK_ERR_RANGE when the sizes overflow. */
static int msm_plan_make(msm_plan *pl, size_t n, unsigned threads, size_t aff_size, size_t jac_size,
                         size_t f_size)
{
    *pl = (msm_plan){0};
    pl->threads = threads_count(threads);
    /* The digits take 2 nwin <= 256 bytes a point. */
    if (n > SIZE_MAX / 512) return ZK_ERR_RANGE;
    double best = 0;
    for (unsigned c = MSM_C_MIN; c <= MSM_C_MAX; c++) {
        unsigned nwin = (255 + c - 1) / c;
        size_t nb = (size_t)1 << (c - 1);
        size_t batch = msm_batch_size(nb);
        bool affine = nb >= MSM_AFFINE_MIN_BUCKETS &&
                      msm_cost_point(true, batch) + 0.05 < msm_cost_point(false, batch);
        for (size_t chunks = 1; chunks <= MSM_CHUNKS_MAX && chunks <= n; chunks++) {
            size_t tasks = nwin * chunks;
            size_t rounds = (tasks + pl->threads - 1) / pl->threads;
            double per = (double)((n + chunks - 1) / chunks) * msm_cost_point(affine, batch) +
                         (double)nb * msm_cost_bucket(affine);
            double cost = (double)rounds * per;
            if (best == 0 || cost < best) {
                best = cost;
                pl->c = c;
                pl->nwin = nwin;
                pl->chunks = chunks;
                pl->nbuckets = nb;
                pl->affine = affine;
            }
        }
    }
    pl->ntasks = (size_t)pl->nwin * pl->chunks;
    pl->batch = msm_batch_size(pl->nbuckets);
    /* H: bit c - 1 of every window. Adding it turns the unsigned windows of k + H,
     * minus 2^(c-1) each, into signed digits of k in [-2^(c-1), 2^(c-1)). No window
     * overflows: 2^(c nwin) - H > 2^(c nwin) (2^(c-1) - 1) / (2^c - 1), which is
     * 2^256 / 3 for c = 2 (nwin = 128) and at least 2^255 * 3/7 for c >= 3, both
     * above r > k (r < 0.76 * 2^254). */
    for (unsigned w = 0; w < pl->nwin; w++) {
        unsigned bit = pl->c * w + pl->c - 1;
        pl->h[bit / 64] |= (uint64_t)1 << (bit % 64);
    }
    if (pl->affine)
        pl->thread_bytes = msm_align(pl->nbuckets * aff_size) +
                           2 * msm_align(pl->batch * aff_size) + 2 * msm_align(pl->batch * f_size) +
                           2 * msm_align(pl->batch * sizeof(uint32_t)) +
                           msm_align(pl->nbuckets * jac_size) + msm_align(pl->nbuckets);
    else
        pl->thread_bytes = msm_align(pl->nbuckets * jac_size);
    pl->off_digits = 0;
    pl->off_partial = msm_align(n * pl->nwin * sizeof(int16_t));
    pl->off_ones = pl->off_partial + msm_align(pl->ntasks * jac_size);
    pl->off_thread = pl->off_ones + msm_align(pl->threads * jac_size);
    pl->total = pl->off_thread + (size_t)pl->threads * pl->thread_bytes + MSM_ALIGN;
    return ZK_OK;
}

/* out = plain + H, as MSM_LIMBS limbs. */
static void msm_recode(uint64_t out[MSM_LIMBS], const uint64_t plain[4], const msm_plan *pl)
{
    uint64_t carry = 0;
    for (int i = 0; i < MSM_LIMBS; i++) {
        zkf_u128 s = (zkf_u128)(i < 4 ? plain[i] : 0) + pl->h[i] + carry;
        out[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
}

/* The signed digit of window w: bits [c w, c w + c) of k + H, minus 2^(c-1); it fits
 * an int16_t since c <= MSM_C_MAX = 16. */
static inline int32_t msm_digit(const uint64_t k[MSM_LIMBS], unsigned w, unsigned c)
{
    unsigned off = w * c, limb = off / 64, sh = off % 64;
    uint64_t v = k[limb] >> sh;
    if (sh + c > 64 && limb + 1 < MSM_LIMBS) v |= k[limb + 1] << (64 - sh);
    return (int32_t)(v & (((uint64_t)1 << c) - 1)) - ((int32_t)1 << (c - 1));
}

#define MSM_G g1
#define MSM_F fp
#include "prover/msm_impl.h"
#undef MSM_G
#undef MSM_F

#define MSM_G g2
#define MSM_F fp2
#include "prover/msm_impl.h"
#undef MSM_G
#undef MSM_F
