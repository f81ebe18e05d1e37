/* G1 of BN254: the curve y^2 = x^3 + 3 over Fp, prime order r (cofactor 1, so
 * every curve point is in the group), generator (1, 2).
 * The point API (g1_jacobian_add, g1_jacobian_mul, ...) is ZK_CURVE_API in
 * prover/curve.h, where the contracts are written. Variable time. */
#ifndef ZKRELAY_PROVER_G1_H
#define ZKRELAY_PROVER_G1_H

#include "prover/curve.h"
#include "prover/fp.h"

ZK_CURVE_API(g1, fp);

/* The coefficient b = 3 (Montgomery form). */
extern const fp G1_B;

/* Decodes a point as EIP-196 encodes it: x || y, 32-byte big-endian each;
 * (0, 0) is the point at infinity.
 * Returns ZK_OK; BN254_ERR_COORD when a coordinate is >= p; BN254_ERR_NOT_ON_CURVE
 * when (x, y) is not on the curve. r is unspecified on failure.
 * In: in (64 bytes). Out: r. */
int g1_affine_from_bytes(g1_affine *r, const uint8_t in[64], zk_errbuf *err) ZK_MUST_CHECK;

/* Out: out (64 bytes) = x || y big-endian; infinity is 64 zero bytes. */
void g1_affine_to_bytes(uint8_t out[64], const g1_affine *a);

#endif
