/* Byte strings inside circuits (prover/circuit.h).
 *
 * Convention shared by every gadget that hashes or parses bytes: a string of n bytes is
 * an array of 8n r1cs_var bits, bits[8*i + j] = bit j (LSB = bit 0) of byte i. Whoever
 * allocates such bits constrains them boolean; gadgets that take bit arrays require it.
 *
 * Every function here follows circ's sticky status: on a failure (allocation, a bad
 * argument) it records the error in c and does nothing further; check circ_status once
 * at the end. Variable time (witnesses are public chain data). */
#ifndef ZKRELAY_PROVER_GADGET_BITS_H
#define ZKRELAY_PROVER_GADGET_BITS_H

#include <stddef.h>
#include <stdint.h>

#include "prover/circuit.h"

/* Allocates 8n private bits holding data[0..n) (byte-bit order), each constrained
 * boolean (8n constraints).
 * Out: bits[0..8n) the new variables (caller-owned array of 8n entries).
 * In: data[0..n) the witness bytes (may be NULL when n == 0). */
void gb_alloc_bytes(circ *c, const uint8_t *data, size_t n, r1cs_var *bits) ZK_NONNULL(1);

/* Out: lc = the byte's value sum_j 2^j bits8[j] (lc reset first, no constraint).
 * In: bits8[0..8) bits of one byte (the caller guarantees they are constrained bits). */
void gb_byte_lc(circ *c, r1cs_lc *lc, const r1cs_var bits8[8]) ZK_NONNULL(1, 2, 3);

/* Returns a new private variable = the big-endian integer of the n bytes bits[0..8n)
 * (byte 0 most significant; one constraint). Precondition: 1 <= n <= 31, so the value
 * is below 2^248 < r and the packing is injective; other n record ZK_ERR_USAGE and
 * return R1CS_ONE. */
r1cs_var gb_pack_be(circ *c, const r1cs_var *bits, size_t n) ZK_NONNULL(1, 2);

/* Returns a new PUBLIC input = the big-endian integer of the n bytes (one constraint).
 * Precondition and failures as gb_pack_be. */
r1cs_var gb_pack_be_public(circ *c, const r1cs_var *bits, size_t n) ZK_NONNULL(1, 2);

/* Constrains the first nbits bits of a and b equal (nbits constraints). */
void gb_assert_equal_bits(circ *c, const r1cs_var *a, const r1cs_var *b, size_t nbits)
    ZK_NONNULL(1);

/* Reads back the bytes of bits[0..8n) from the witness (for tests and witness
 * generation). A bit whose witness is not 0 or 1 records ZK_ERR_INTERNAL.
 * Out: out[0..n). */
void gb_bytes_value(circ *c, const r1cs_var *bits, size_t n, uint8_t *out) ZK_NONNULL(1);

#endif
