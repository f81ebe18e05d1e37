/* Multi-scalar multiplication in G1 and G2: out = sum_i scalars[i] * points[i],
 * the four G1 MSMs and one G2 MSM of a Groth16 proof.
 *
 * Pippenger's bucket method (Bernstein et al., "Faster batch forgery
 * identification", 2012, sec. 4) with signed c-bit windows: each scalar k is
 * rewritten as sum_w d_w 2^(cw) with -2^(c-1) <= d_w < 2^(c-1), so a window needs
 * 2^(c-1) buckets and -P costs nothing on a curve. Large MSMs accumulate buckets
 * in affine coordinates, many independent additions sharing one inversion
 * (Montgomery's trick: the "batch-affine" method of gnark-crypto and
 * arkworks); small ones use Jacobian buckets with mixed additions. The work
 * (window x slice of the points) is split over threads (threads.h).
 *
 * Scalars equal to 0 or 1 (most of a circuit's witness: bits, flags) and points
 * at infinity never enter the buckets: ones are summed directly. Every scalar is
 * recoded once into all its window digits (int16_t); the batch-affine loop
 * prefetches the bucket of a point a few points ahead, since the buckets of a wide
 * window (2 MiB at c = 16) outgrow the L2 cache.
 *
 * G1 and G2 share one implementation (msm_impl.h), expanded per group in msm.c.
 * Variable time: MSM inputs are public (proving keys, public witnesses). */
#ifndef ZKRELAY_PROVER_MSM_H
#define ZKRELAY_PROVER_MSM_H

#include <stddef.h>

#include "lightclient/zk_err.h"
#include "prover/fr.h"
#include "prover/g1.h"
#include "prover/g2.h"

/* Returns the number of bytes of scratch memory g1_msm needs for n points on
 * `threads` threads (0 = the number of online processors, as in g1_msm). Pure
 * function of (n, threads): the signed digits, 2 n ceil(255 / c) bytes for the
 * window width c the planner picks (32 n bytes at c = 16, from about 2^19 points;
 * 64 n at c = 8, around 2^10 points), plus, per thread, the buckets of one window
 * (at most 2^15 affine and 2^15 Jacobian points: 5 MiB for G1, 10 MiB for G2).
 * Returns 0 when the size would overflow size_t. */
size_t g1_msm_scratch_size(size_t n, unsigned threads);

/* Multi-scalar multiplication in G1.
 * Returns ZK_OK; ZK_ERR_NOMEM when scratch is NULL and allocation fails;
 *         ZK_ERR_RANGE when n is so large the scratch size overflows.
 * Out: out = sum_{i < n} scalars[i] * points[i]; the point at infinity when n
 *      is 0 (out is infinity on failure).
 * In:  points: n affine points, on the curve, infinity ((0, 0)) allowed.
 *      scalars: n Fr elements in Montgomery form, as fr.h stores them.
 *      n: may be 0 (then points and scalars may be NULL).
 *      threads: 0 = the number of online processors.
 *      scratch: g1_msm_scratch_size(n, threads) bytes, any alignment, owned by the
 *      caller and unused after the call; or NULL to allocate and free it inside.
 *      err: optional. */
int g1_msm(g1_jacobian *out, const g1_affine *points, const fr *scalars, size_t n, unsigned threads,
           void *scratch, zk_errbuf *err) ZK_MUST_CHECK;

/* As g1_msm_scratch_size, for G2. */
size_t g2_msm_scratch_size(size_t n, unsigned threads);

/* As g1_msm, in G2 (points in the order-r subgroup). */
int g2_msm(g2_jacobian *out, const g2_affine *points, const fr *scalars, size_t n, unsigned threads,
           void *scratch, zk_errbuf *err) ZK_MUST_CHECK;

#endif
