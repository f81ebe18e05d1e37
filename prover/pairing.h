/* The optimal ate pairing on BN254 (Vercauteren 2010), e: G1 x G2 -> GT, the
 * pairing the EIP-197 precompile and Groth16 verification use.
 *
 * Miller loop over 6x + 2 in signed binary form (x = 4965661367192848881), with
 * the line functions of the D-type twist in homogeneous projective coordinates
 * (Costello, Lange, Naehrig 2010) and the two Frobenius additions Q1 = psi(Q),
 * Q2 = -psi^2(Q) at the end; final exponentiation f^((p^12 - 1) / r) as the easy
 * part (p^6 - 1)(p^2 + 1) and the hard part of Fuentes-Castaneda, Knapp and
 * Rodriguez-Henriquez ("Faster hashing to G2", 2011), as arkworks and gnark do.
 * That hard part computes a fixed power, coprime to r, of the textbook
 * (p^4 - p^2 + 1)/r exponent: the result is a bilinear, non-degenerate pairing
 * equal to arkworks' and gnark's; product checks (== 1) are unaffected.
 *
 * Inputs are points already validated (on the curve; G2 in the subgroup), as
 * g1_affine_from_bytes / g2_affine_from_bytes return them. Pairs in which either
 * point is infinity contribute 1. Nothing allocates. Variable time. */
#ifndef ZKRELAY_PROVER_PAIRING_H
#define ZKRELAY_PROVER_PAIRING_H

#include "prover/fp_tower.h"
#include "prover/g1.h"
#include "prover/g2.h"

/* Out: f = prod_i f_{6x+2, q[i]}(p[i]) including the Frobenius lines: the Miller
 * loop value, before the final exponentiation. n may be 0 (f = 1).
 * In: p[0..n), q[0..n) (caller-owned, unchanged). */
void pairing_miller_loop(fp12 *f, const g1_affine *p, const g2_affine *q, size_t n);

/* Out: r = f^((p^12 - 1) / r) up to the fixed power above. r may alias f.
 * f must be non-zero (every Miller loop value is). */
void pairing_final_exp(fp12 *r, const fp12 *f);

/* Out: r = e(p, q), an element of GT (order r in Fp12^*); e(O, q) = e(p, O) = 1. */
void pairing(fp12 *r, const g1_affine *p, const g2_affine *q);

/* Returns true when prod_{i < n} e(p[i], q[i]) == 1, with one shared final
 * exponentiation; n == 0 gives true (the EIP-197 empty input). */
bool pairing_check(const g1_affine *p, const g2_affine *q, size_t n);

#endif
