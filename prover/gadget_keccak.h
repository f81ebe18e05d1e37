/* Keccak-f[1600] and Ethereum's Keccak-256 as R1CS gadgets (prover/circuit.h).
 *
 * Bit layout: byte strings follow prover/gadget_bits.h (bits[8*i + j] = bit j of byte i).
 * The 1600-bit state is the 200-byte state in that order, so bit 64*(x+5y)+z is bit z of
 * lane (x,y) (lanes are little-endian 64-bit words, FIPS 202 section 3.1.2).
 *
 * Cost (every output bit is forced by constraints; none is a free prover choice):
 *   gk_keccak_f        145,920 constraints (6080 per round, 24 rounds);
 *   gk_keccak256       per block one Keccak-f, less what constants save (the zero state
 *                      and the padding bytes fold away, and the last round of the last
 *                      block computes only the 256 digest bits), plus one constraint per
 *                      message bit absorbed into a non-zero state (blocks after the first);
 *   gk_keccak256_var   one Keccak-f per possible block plus O(max_len) for length
 *                      decoding, masking, padding and the digest selection.
 * Functions follow circ's sticky status (check circ_status at the end).
 * Variable time (witnesses are public chain data). */
#ifndef ZKRELAY_PROVER_GADGET_KECCAK_H
#define ZKRELAY_PROVER_GADGET_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#include "prover/circuit.h"

/* Keccak-f[1600] on the state bits in[1600].
 * In: in[1600] constrained bits (the caller's guarantee).
 * Out: out[1600] new constrained bits (may not alias in). */
void gk_keccak_f(circ *c, const r1cs_var in[1600], r1cs_var out[1600]) ZK_NONNULL(1, 2, 3);

/* Keccak-256 (Ethereum's: pad 0x01 ... 0x80, rate 136 bytes) of a fixed-length message.
 * In: msg_bits[0..8 len) constrained bits (may be NULL when len == 0).
 * Out: digest[256] the 32 digest bytes in byte-bit order, new constrained bits. */
void gk_keccak256(circ *c, const r1cs_var *msg_bits, size_t len, r1cs_var digest[256])
    ZK_NONNULL(1, 4);

/* Keccak-256 of a variable-length message.
 * In: msg_bits[0..8 max_len) constrained bits holding max_len bytes (may be NULL when
 *     max_len == 0); bytes at positions >= len are ignored whatever their value.
 *     len: a variable; the gadget constrains 0 <= len <= max_len (a witness outside that
 *     range makes the system unsatisfiable; the builder records ZK_ERR_RANGE).
 * Out: digest[256] the digest of the first len bytes, constrained bits.
 * Padding is enforced in-circuit from len; the digest is the state after the block that
 * holds the padding end. Precondition: max_len < 2^32 (larger records ZK_ERR_USAGE). */
void gk_keccak256_var(circ *c, const r1cs_var *msg_bits, size_t max_len, r1cs_var len,
                      r1cs_var digest[256]) ZK_NONNULL(1, 5);

/* Keccak-256 of two variable-length messages of the same length len (0 <= len <= max_len,
 * constrained) whose first shared_len bytes are the same variables (msg_a[i] == msg_b[i]
 * for i < 8 shared_len; ZK_ERR_USAGE otherwise): the blocks wholly inside the shared prefix
 * are absorbed once, so the pair costs floor(shared_len / 136) permutations less than two
 * gk_keccak256_var calls. The finality statement hashes the commit-seal and block-hash
 * preimages of a header this way (they differ only in the round byte, past the bloom).
 * Out: digest_a[256], digest_b[256] as gk_keccak256_var's. */
void gk_keccak256_var_pair(circ *c, const r1cs_var *msg_a, const r1cs_var *msg_b, size_t max_len,
                           r1cs_var len, size_t shared_len, r1cs_var digest_a[256],
                           r1cs_var digest_b[256]) ZK_NONNULL(1, 2, 3, 7, 8);

#endif
