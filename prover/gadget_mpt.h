/* Merkle-Patricia receipts-trie inclusion as an R1CS gadget (prefix gm_): the circuit
 * form of lightclient/mpt.h's mpt_verify_proof, specialised to the receipts trie of a
 * block (Yellow Paper appendix D, EIP-2718: key RLP(transaction index), value the
 * consensus-encoded receipt).
 *
 * Layout. The path is held in max_depth fixed slots, so that the constraint system is
 * the same for every proof under the same parameters (a Groth16 key serves them all):
 *   - max_depth - 1 inner slots of max_node_len bytes, for the branch and extension
 *     nodes, root first; slots past the proof's inner nodes hold a fixed dummy
 *     extension node and are disabled (their checks are multiplied by an "active" bit,
 *     and the active bits only ever switch off going down the path);
 *   - one leaf slot of max_value_len + GM_LEAF_OVERHEAD bytes for the leaf node, which
 *     carries the whole receipt. With a single node the leaf is the root.
 * Each slot is Keccak-hashed at its variable length, so a slot costs one Keccak-f
 * (about 146k constraints) per 136-byte block of its capacity (gm_keccak_blocks), and
 * the hashing dominates. Measured (tests/bench/bench_gadget_mpt.c, a real receipt):
 * depth 4, 532-byte nodes, 2048-byte receipts: 3 * 4 + 16 = 28 blocks, 4.31M
 * constraints (4.13M hashing, 0.17M RLP walk, key and chain); the defaults (depth 6):
 * 36 blocks, 5.58M.
 *
 * Receipts-trie keys are prefix-free (RLP(0) = 0x80 and the one-byte keys 0x01..0x7f
 * never start a longer key 0x81.., 0x82..), so every value sits in a leaf and a
 * proof always ends at one. Every node the path references is hashed (a receipt leaf is
 * longer than 32 bytes, and so is any branch or extension above it): an inlined
 * (< 32-byte) child is refused.
 *
 * Variable time (the witnesses are public chain data). Follows circ's sticky status:
 * check circ_status once at the end. */
#ifndef ZKRELAY_PROVER_GADGET_MPT_H
#define ZKRELAY_PROVER_GADGET_MPT_H

#include <stddef.h>
#include <stdint.h>

#include "prover/circuit.h"

/* Bytes of the leaf node around its value: list header (<= 3), hex-prefix path item
 * (<= 5 for a 3-byte key), value header (<= 3), rounded up. */
#define GM_LEAF_OVERHEAD 16u
/* Smallest max_node_len accepted: a 2-item extension node with a hashed child is at
 * least 35 bytes, and the disabled slots hold such a node. */
#define GM_MIN_NODE_LEN 64u
/* Largest max_value_len accepted: the in-circuit RLP walk handles items < 65536 bytes. */
#define GM_MAX_VALUE_LEN (65535u - GM_LEAF_OVERHEAD)
/* Largest max_depth accepted (a 3-byte key has 6 nibbles: 6 branches and a leaf, and a
 * few extensions in between, stay well under it). */
#define GM_MAX_DEPTH 16u

typedef struct gm_params {
    size_t max_depth;     /* most nodes on the path, leaf included (default 6) */
    size_t max_node_len;  /* most bytes of a branch/extension node (532 = a full branch) */
    size_t max_value_len; /* most bytes of the value (the receipt; default 2048) */
} gm_params;

/* Out: *p = the defaults: max_depth 6, max_node_len 532, max_value_len 2048. */
void gm_params_default(gm_params *p) ZK_NONNULL(1);

/* Returns the number of Keccak-f permutations the gadget builds for p (each about
 * 146k constraints; they dominate its cost), or 0 when p is out of range. */
size_t gm_keccak_blocks(const gm_params *p) ZK_NONNULL(1);

/* Constrains that the receipts trie with root root_bits[256] (32 bytes, byte-bit order)
 * maps key rlp(index) to the value value_bits (max_value_len bytes, the first value_len
 * of which are the value; value_len a variable). index is a variable (0 <= index < 65536,
 * constrained). nodes[0..n_nodes) (the eth_getProof-style path, root first, leaf last)
 * are the witness: the gadget allocates their bytes; n_nodes may be anything from 1 to
 * max_depth (unused levels are disabled in-circuit but still cost constraints). Each node
 * on the path is keccak-hashed and its hash is the 32-byte reference found at the key's
 * nibble slot of its parent branch (or the child of its parent extension); the root
 * node's hash is root; branch (17 items), extension and leaf nodes (hex-prefix paths,
 * odd/even) are decoded with constraints; the key nibbles consumed along the path are
 * those of rlp(index), all of them, ending at the leaf; the leaf's value item is the RLP
 * string whose payload is the value (so value_len <= max_value_len).
 *
 * Records a circ failure, with the reason, when the witness is not such a proof:
 *   ZK_ERR_USAGE   p out of range (max_depth 1..GM_MAX_DEPTH, max_node_len
 *                  GM_MIN_NODE_LEN..65535, max_value_len 1..GM_MAX_VALUE_LEN);
 *   ZK_ERR_RANGE   n_nodes outside 1..max_depth, a node longer than its slot, index's
 *                  witness >= 65536, value_len's witness > max_value_len;
 *   ZK_ERR_REJECTED the witness is checked natively before any constraint is built
 *                  (the circuit cannot be built for a false statement): a hash that does
 *                  not match, a malformed or non-canonical node, a key-path mismatch, an
 *                  inlined or missing child, a path that does not end at a leaf or has
 *                  nodes left over, a value that differs from value_bits[0..value_len).
 * Every check is also a constraint: a witness altered after building leaves the system
 * unsatisfied.
 * In: root_bits[256], value_bits[0..8 max_value_len): constrained bits (the caller's
 *     guarantee); index, value_len: variables; nodes[i][0..node_lens[i]) for i < n_nodes
 *     (read during the call only). */
void gm_receipt_inclusion(circ *c, const gm_params *p, const r1cs_var root_bits[256],
                          r1cs_var index, const uint8_t *const *nodes, const size_t *node_lens,
                          size_t n_nodes, const r1cs_var *value_bits, r1cs_var value_len)
    ZK_NONNULL(1, 2, 3, 8);

#endif
