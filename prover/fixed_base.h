/* Fixed-base scalar multiplication: out[i] = [s[i]] B for many scalars and one
 * base point B, the bulk of a Groth16 development setup (every key point is a
 * multiple of a generator).
 *
 * From FIXED_BASE_MIN_TABLE scalars on, a comb of 8-bit windows:
 * table[w][j - 1] = [j 2^(8w)] B for w < 32, 1 <= j < 256, built once per call in
 * affine coordinates (one batch inversion per window), so a scalar costs at most
 * 32 mixed additions and no doublings. Fewer scalars than that do not pay for the
 * 8160-point table and take one wNAF multiplication each (G_jacobian_mul).
 * The scalars are split over threads (threads.h); each thread converts its own
 * results to affine with one shared inversion.
 *
 * G1 and G2 share one implementation, expanded per group in fixed_base.c.
 * Variable time, like the rest of prover/: the table lookups and skipped zero
 * windows leak the scalars through timing and cache, which is acceptable only
 * because the one caller with secret scalars is the development setup, already
 * labelled insecure (GROTH16_DEV_SETUP_WARNING). Scalar limbs are wiped after use. */
#ifndef ZKRELAY_PROVER_FIXED_BASE_H
#define ZKRELAY_PROVER_FIXED_BASE_H

#include <stddef.h>

#include "lightclient/zk_err.h"
#include "prover/fr.h"
#include "prover/g1.h"
#include "prover/g2.h"

/* The scalar count from which the comb table is built. */
#define FIXED_BASE_MIN_TABLE 64

/* Fixed-base multiplication in G1.
 * Returns ZK_OK; ZK_ERR_NOMEM when scratch allocation fails (out is then
 *         unspecified).
 * Out: out[i] = [s[i]] base for i < n, in affine form (infinity is (0, 0)).
 * In:  base: an affine point on the curve (infinity allowed).
 *      s: n Fr elements in Montgomery form, as fr.h stores them.
 *      n: may be 0 (then out and s may be NULL).
 *      threads: 0 = the number of online processors.
 *      err: optional. */
int g1_fixed_base_mul(g1_affine *out, const g1_affine *base, const fr *s, size_t n,
                      unsigned threads, zk_errbuf *err) ZK_MUST_CHECK;

/* As g1_fixed_base_mul, in G2 (base in the order-r subgroup). */
int g2_fixed_base_mul(g2_affine *out, const g2_affine *base, const fr *s, size_t n,
                      unsigned threads, zk_errbuf *err) ZK_MUST_CHECK;

#endif
