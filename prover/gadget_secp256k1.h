/* In-circuit secp256k1 ECDSA verification (zkrelay issue 5): the gadget that lets a
 * BN254 Groth16 circuit check a QBFT seal or a transaction signature.
 *
 * secp256k1's base field Fp is not BN254's Fr, so coordinates are non-native:
 * they live in limbs over Fr and every product is checked as an integer identity
 * (prover/gadget_nonnative.c). The gadget avoids mod-n arithmetic entirely: the
 * prover supplies the point R (x(R) = r or r + n) and the circuit checks
 * s*R == z*G + r*Q, which holds exactly when the signature verifies.
 *
 * Everything is variable time: signatures, keys and digests are public chain data. */
#ifndef ZKRELAY_PROVER_GADGET_SECP256K1_H
#define ZKRELAY_PROVER_GADGET_SECP256K1_H

#include <stddef.h>
#include <stdint.h>

#include "prover/circuit.h"

/* Constrains that sig = r||s (64 bytes, big-endian, 1 <= r, s < n) is a valid ECDSA
 * signature over secp256k1 by the public key pub = x||y (64 bytes big-endian, a point on
 * the curve, not infinity) of the 32-byte hash whose bits are z_bits[256] (byte-bit order:
 * bit j of digest byte i is z_bits[8i + j]; z is the big-endian integer of the 32 bytes,
 * as in ECDSA). High s is accepted (plain ECDSA; EIP-2's low-s rule is the caller's).
 * pub and sig are the witness (the prover's values; nothing about them is trusted): the
 * system is satisfiable only if the signature is valid. rec_id (0..3, the recovery id of
 * the signature, as Ethereum's v - 27 or the QBFT seal's 65th byte) may help the witness
 * (the point R); it is not trusted either.
 * In:  z_bits[256], constrained bits (the caller's guarantee).
 * Out: pub_bits[512], new constrained bits = the 64 bytes x||y in byte-bit order, so the
 *      caller can hash them to the Ethereum address (keccak256(x||y)[12..32]).
 * Records a circ failure (ZK_ERR_REJECTED) when the signature does not verify natively:
 * the statement is false for this witness. */
void gs_ecdsa_verify(circ *c, const r1cs_var z_bits[256], const uint8_t pub[64],
                     const uint8_t sig[64], int rec_id, r1cs_var pub_bits[512]);

/* The number of constraints gs_ecdsa_verify adds (for circuit-size tables). */
size_t gs_ecdsa_constraints(void);

#endif
