/* Reading an in-circuit byte array at a variable offset (prefix gsel_).
 *
 * Arrays are byte-bit arrays as everywhere in the circuits: n bytes held as 8n
 * r1cs_var bits, bits[8*i + j] = bit j (LSB = bit 0) of byte i. The caller guarantees
 * (by constraints) that every bit of an array passed in is boolean; every bit these
 * gadgets return is constrained boolean here.
 *
 * An offset is a variable. Each gadget forces, by constraints, the bound it states
 * (idx < n, off + w <= n): a witness that breaks it leaves the system unsatisfiable,
 * and when the builder's own witness breaks it the circ records ZK_ERR_RANGE (the
 * statement is false for this witness, so the circuit cannot be built for it).
 *
 * Costs (constraints) are given per gadget, for n bytes and windows of w bytes. Like
 * the rest of the prover, everything is variable time (public chain data). */
#ifndef ZKRELAY_PROVER_GADGET_SELECT_H
#define ZKRELAY_PROVER_GADGET_SELECT_H

#include <stddef.h>

#include "prover/circuit.h"

/* Largest array the gadgets accept (positions and their weights stay far below 2^24). */
#define GSEL_MAX_BYTES ((size_t)1 << 20)
/* Most bytes one packed read returns: 31 bytes = 248 bits, below the 253 bits for which a
 * bit decomposition in Fr is unique. */
#define GSEL_PACK_BYTES 31

/* One-hot indicator of a variable position.
 * Out: ind[0..n) new constrained bits with exactly one set, at position idx.
 * In:  idx the position; constrained idx < n (as an integer, no field wrap-around).
 * Precondition: 1 <= n <= GSEL_MAX_BYTES (else ZK_ERR_USAGE). An idx witness >= n gets the
 * constraints (all indicators 0, unsatisfied) and then ZK_ERR_RANGE. Cost: n + 2. */
void gsel_onehot(circ *c, r1cs_var idx, size_t n, r1cs_var *ind) ZK_NONNULL(1, 4);

/* Reads nb consecutive bytes at an indicated position as one packed value: the building
 * block of the reads below, for gadgets that read several fields at one offset.
 * Returns a new variable = sum_{d < nb} 256^d * byte(p + disp + d), p the position set in
 * ind; bytes at or past n read as 0. It is a byte string value (< 2^(8 nb)) because the
 * array's bits are boolean.
 * Out: out_bits[0..8nb) (when non-NULL) new constrained bits of that value, byte-bit layout.
 * In:  bits[0..8n) the array; ind[0..m) an indicator from gsel_onehot (exactly one bit set);
 *      disp a constant displacement. Precondition: 1 <= nb <= GSEL_PACK_BYTES.
 * Cost: m constraints (one product per position: the packed bytes are a linear combination
 *       of bits, so nb bytes cost what one costs), plus 8nb + 1 when out_bits is non-NULL. */
r1cs_var gsel_read_at(circ *c, const r1cs_var *bits, size_t n, const r1cs_var *ind, size_t m,
                      size_t disp, size_t nb, r1cs_var *out_bits) ZK_NONNULL(1, 2, 4);

/* Returns a new variable = the value (0..255) of byte off of the array, constraining
 * off < n.
 * In: bits[0..8n) the array (boolean, caller-constrained), off the byte offset.
 * Cost: 2n + 2 constraints (1066 at n = 532, 4098 at n = 2048). */
r1cs_var gsel_byte_at(circ *c, const r1cs_var *bits, size_t n, r1cs_var off) ZK_NONNULL(1, 2);

/* Copies out the w bytes starting at a variable offset.
 * Out: out_bits[0..8w) new constrained bits = bytes [off, off + w) of the array.
 * In:  bits[0..8n) the array (boolean, caller-constrained), off the first byte;
 *      constrained off + w <= n. Precondition: 1 <= w <= n.
 * Cost: with m = n - w + 1 positions, the cheaper of an indicator and packed reads,
 *       m + 2 + ceil(w / 31) (m + 1) + 8w, and a barrel shifter, about
 *       n ceil(log2 m) + 9w (long windows in long arrays). Measured: w = 32 takes 1763
 *       constraints at n = 532 and 6311 at n = 2048; w = 20 at n = 2048 takes 4221. */
void gsel_window(circ *c, const r1cs_var *bits, size_t n, r1cs_var off, size_t w,
                 r1cs_var *out_bits) ZK_NONNULL(1, 2, 6);

/* Constrains bytes [off, off + w) of the array equal to the w bytes in want_bits, and
 * off + w <= n.
 * In: bits[0..8n) the array, want_bits[0..8w) the expected bytes (both boolean,
 *     caller-constrained), off the first byte. Precondition: 1 <= w <= n.
 * Cost: as gsel_window without the 8w + ceil(w / 31) of the bit decomposition. */
void gsel_assert_window(circ *c, const r1cs_var *bits, size_t n, r1cs_var off, size_t w,
                        const r1cs_var *want_bits) ZK_NONNULL(1, 2, 6);

#endif
