/* G2 of BN254: the order-r subgroup of the D-type sextic twist
 *   E': y^2 = x^3 + 3 / (9 + u) over Fp2,
 * whose cofactor is 2p - r (so most twist points are NOT in G2; decoders check).
 * The point API (g2_jacobian_add, g2_jacobian_mul, ...) is ZK_CURVE_API in
 * prover/curve.h. The generator is the one of EIP-197 / go-ethereum / snarkjs.
 * Variable time. */
#ifndef ZKRELAY_PROVER_G2_H
#define ZKRELAY_PROVER_G2_H

#include "prover/curve.h"
#include "prover/fp_tower.h"

ZK_CURVE_API(g2, fp2);

/* The twist coefficient b' = 3 / (9 + u) (Montgomery form). */
extern const fp2 G2_B;

/* Out: r = psi(a) = (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2)), the
 * untwist-Frobenius-twist endomorphism (Galbraith-Scott 2008). On G2 it acts as
 * multiplication by p. Infinity maps to infinity. */
void g2_affine_psi(g2_affine *r, const g2_affine *a);

/* Returns true when a (on the twist) lies in the order-r subgroup, by the test
 * psi(a) == [6 x^2] a of El Housni, Guillevic and Piellard (ePrint 2022/352),
 * x = 4965661367192848881 the BN seed: a 127-bit multiplication instead of the
 * 254-bit [r] a == 0. Infinity is in the subgroup. The tests cross-check it
 * against [r] a == 0. */
bool g2_affine_is_in_subgroup(const g2_affine *a);

/* Decodes a point as EIP-197 encodes it: x_imag || x_real || y_imag || y_real,
 * 32-byte big-endian each (x = x_real + x_imag u); all zero is infinity.
 * Returns ZK_OK; BN254_ERR_COORD when a coordinate is >= p; BN254_ERR_NOT_ON_CURVE
 * when the point is not on the twist; BN254_ERR_NOT_IN_SUBGROUP when it is on the
 * twist but not in G2. r is unspecified on failure.
 * In: in (128 bytes). Out: r. */
int g2_affine_from_bytes(g2_affine *r, const uint8_t in[128], zk_errbuf *err) ZK_MUST_CHECK;

/* Out: out (128 bytes) in the EIP-197 order; infinity is 128 zero bytes. */
void g2_affine_to_bytes(uint8_t out[128], const g2_affine *a);

#endif
