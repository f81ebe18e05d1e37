/* The number-theoretic transform over Fr: radix-2, in place, natural order in and
 * out (the bit-reversal permutation is done inside), multi-threaded. Groth16
 * uses it to interpolate A, B, C over the domain of 2^k-th roots of unity and to
 * evaluate them on a coset (where the vanishing polynomial is non-zero) to
 * compute H = (AB - C) / Z.
 *
 * Domain: omega = fr_root_of_unity(log_n), the same primitive root snarkjs,
 * ffjavascript and arkworks use, so evaluations agree with theirs index by index.
 * Sizes 2^0 .. 2^FR_TWO_ADICITY (2^28); the twiddle table costs 16 n bytes.
 *
 * Every transform is total and deterministic: the thread count changes only the
 * speed (threads.h; 0 = the number of online processors). Variable time. */
#ifndef ZKRELAY_PROVER_NTT_H
#define ZKRELAY_PROVER_NTT_H

#include <stddef.h>

#include "lightclient/zk_err.h"
#include "prover/fr.h"

typedef struct ntt_domain {
    unsigned log_n;
    size_t n;     /* 2^log_n */
    fr omega;     /* a primitive n-th root of unity */
    fr omega_inv; /* omega^-1 */
    fr n_inv;     /* 1/n */
    fr *twiddles; /* omega^j for j < max(n/2, 1): the last stage's part of stage_tw */
    /* Every stage's twiddles, contiguous: for each half-span h = 1, 2, 4, .., n/2,
     * stage_tw[h - 1 + j] = omega_(2h)^j for j < h, max(n - 1, 1) elements in all.
     * The butterflies of a stage then read their twiddles in order instead of
     * striding n/(2h) elements through one table, a cache miss per butterfly once
     * the table outgrows the cache. Owned, freed by ntt_domain_clear. */
    fr *stage_tw;
} ntt_domain;

/* Prepares the domain of size 2^log_n.
 * Returns ZK_OK; ZK_ERR_RANGE when log_n > FR_TWO_ADICITY; ZK_ERR_NOMEM when the
 * twiddle table cannot be allocated. On failure *d is zeroed (ntt_domain_clear on
 * it is harmless).
 * Out: d, owning a heap table until ntt_domain_clear. In: err optional. */
int ntt_domain_init(ntt_domain *d, unsigned log_n, zk_errbuf *err) ZK_MUST_CHECK;

/* Frees the twiddle table and zeroes *d. A zeroed or cleared domain is fine. */
void ntt_domain_clear(ntt_domain *d);

/* Forward transform: a_i <- sum_j a_j omega^(i j), i.e. the evaluations at omega^i
 * of the polynomial with coefficients a_j.
 * In/Out: a, d->n elements. In: d initialised; threads (0 = nproc). */
void ntt_forward(const ntt_domain *d, fr *a, unsigned threads);

/* Inverse transform, including the 1/n: a_i <- (1/n) sum_j a_j omega^(-i j), so
 * that ntt_inverse(ntt_forward(a)) == a (interpolation).
 * In/Out: a, d->n elements. */
void ntt_inverse(const ntt_domain *d, fr *a, unsigned threads);

/* Evaluation on the coset shift * <omega>: a_i <- sum_j a_j (shift omega^i)^j
 * (scale a_j by shift^j, then the forward transform).
 * In/Out: a, d->n elements. In: shift (FR_GENERATOR in Groth16). */
void ntt_coset_forward(const ntt_domain *d, fr *a, const fr *shift, unsigned threads);

/* The inverse of ntt_coset_forward: coefficients from the evaluations at
 * shift omega^i. shift must be non-zero; for shift == 0 (no inverse exists) a
 * becomes all zeros.
 * In/Out: a, d->n elements. */
void ntt_coset_inverse(const ntt_domain *d, fr *a, const fr *shift, unsigned threads);

#endif
