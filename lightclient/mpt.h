/* Merkle-Patricia trie (Yellow Paper, appendix D): an in-memory trie for
 * computing roots and producing proofs, and a stateless verifier for proofs
 * that come from the network (eth_getProof, receipt inclusion proofs).
 *
 * Keys are arbitrary byte strings, split into nibbles (high nibble first).
 * Node encodings: leaf = RLP([HP(path, 1), value]), extension =
 * RLP([HP(path, 0), ref(child)]), branch = RLP([ref(c0) .. ref(c15), value]).
 * ref(node) is the node's RLP itself when it is shorter than 32 bytes
 * (embedded), else keccak256 of it as a 32-byte string. The root hash is always
 * keccak256 of the root node's RLP; the empty trie's root is keccak256(0x80) =
 * MPT_EMPTY_ROOT. */
#ifndef ZKRELAY_LIGHTCLIENT_MPT_H
#define ZKRELAY_LIGHTCLIENT_MPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zk_err.h"

/* Longest key accepted by the trie and the verifier: 256 bytes = 512 nibbles.
 * Ethereum's tries use 32-byte hashed keys or RLP(index) (at most 9 bytes). */
#define MPT_MAX_KEY_LEN 256

/* A proof longer than this is rejected before any hashing: every hashed node on
 * a path consumes at least one nibble except a final branch, and an extension
 * is always followed by a branch, so 2 * nibbles + 1 bounds an honest proof. */
#define MPT_PROOF_MAX_NODES (4 * MPT_MAX_KEY_LEN + 1)

/* Largest node accepted in a proof (a leaf holding a large receipt). */
#define MPT_NODE_MAX_LEN (16u << 20)

/* keccak256(RLP("")): the root of the empty trie. */
extern const uint8_t MPT_EMPTY_ROOT[32];

/* ---- proofs ---- */

/* The RLP encodings of the hashed nodes on the path from the root to a key, root
 * first (the eth_getProof accountProof / storageProof[i].proof layout). Nodes
 * shorter than 32 bytes that are embedded in their parent do not appear. */
typedef struct mpt_proof {
    uint8_t **nodes; /* nodes[i] is malloc'd, owned by the proof */
    size_t *lens;
    size_t n;
    size_t cap;
} mpt_proof;

/* Out: *proof empty. */
void mpt_proof_init(mpt_proof *proof) ZK_NONNULL(1);

/* Frees every node and resets *proof to empty. */
void mpt_proof_clear(mpt_proof *proof) ZK_NONNULL(1);

/* Appends a copy of node[0..len).
 * Returns ZK_OK, ZK_ERR_RANGE when the proof already holds MPT_PROOF_MAX_NODES
 * nodes or len > MPT_NODE_MAX_LEN, ZK_ERR_NOMEM. */
int mpt_proof_add(mpt_proof *proof, const uint8_t *node, size_t len) ZK_MUST_CHECK ZK_NONNULL(1);

/* Verifies that proof shows the value stored under key in the trie with the
 * given root, walking from the root: keccak256 of each hashed node must equal
 * the reference in its parent (the root node's hash must equal root), embedded
 * nodes (< 32 bytes) are followed inside their parent, and branch / extension /
 * leaf nodes are followed by the key's nibbles. An empty proof, or one holding
 * only 0x80, proves every key absent from the empty trie.
 * Returns: ZK_OK with the value;
 *          ZK_ERR_NOTFOUND for a valid proof that key is absent;
 *          ZK_ERR_REJECTED, reason in err, for a hash mismatch, a malformed or
 *          non-canonical node, a path that ends before the key is resolved
 *          (missing node), nodes left over after the path ended, or too many nodes;
 *          ZK_ERR_RANGE when key_len > MPT_MAX_KEY_LEN, or when the value does not
 *          fit *value_len bytes (then *value_len is set to the length needed).
 * Out: value_out[0..*value_len) the value (value_out may be NULL when the
 *      capacity is 0).
 * In/Out: value_len: in the capacity of value_out, out the value's length.
 * In: root (32 bytes), key[0..key_len), proof (not modified). */
int mpt_verify_proof(uint8_t *value_out, size_t *value_len, const uint8_t root[32],
                     const uint8_t *key, size_t key_len, const mpt_proof *proof,
                     zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(2, 3, 6);

/* ---- the in-memory trie ---- */

typedef struct mpt_node mpt_node;

/* A trie owned by the caller's struct; nodes live on the heap. Each node caches
 * its encoding, so computing the root after a few updates re-hashes only the
 * paths that changed. */
typedef struct mpt_trie {
    mpt_node *root;
    size_t count; /* number of keys stored */
} mpt_trie;

/* Out: *t the empty trie. */
void mpt_init(mpt_trie *t) ZK_NONNULL(1);

/* Frees every node; *t is empty afterwards. */
void mpt_clear(mpt_trie *t) ZK_NONNULL(1);

/* Stores value under key, replacing any previous value. An empty value deletes
 * the key (as mpt_delete), as Ethereum's tries do: they never store empty values.
 * Returns ZK_OK, ZK_ERR_RANGE when key_len > MPT_MAX_KEY_LEN, ZK_ERR_NOMEM (for a
 * non-empty value the trie is then unchanged).
 * In: key[0..key_len), value[0..value_len) (both copied; key may be NULL when
 *     key_len is 0, value when value_len is 0). */
int mpt_put(mpt_trie *t, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len,
            zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

/* Removes key. Returns ZK_OK (also when key was absent), ZK_ERR_RANGE when
 * key_len > MPT_MAX_KEY_LEN, ZK_ERR_NOMEM: then the key is gone but the nodes
 * above it may not have been merged back into canonical shape, so the root would
 * be wrong; the trie can only be cleared. */
int mpt_delete(mpt_trie *t, const uint8_t *key, size_t key_len, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Looks key up. Returns ZK_OK, or ZK_ERR_NOTFOUND.
 * Out: *value points at the stored value (borrowed: valid until the next update
 *      of t), *value_len its length. */
int mpt_get(const uint8_t **value, size_t *value_len, const mpt_trie *t, const uint8_t *key,
            size_t key_len) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Computes the root hash (MPT_EMPTY_ROOT for an empty trie).
 * Returns ZK_OK, ZK_ERR_NOMEM.
 * Out: root (32 bytes). In/Out: t (node encodings are cached). */
int mpt_root(uint8_t root[32], mpt_trie *t, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Builds the proof for key (of its value, or of its absence): the root node and
 * every hashed node on key's path. Appends to proof, which should be empty.
 * Returns ZK_OK, ZK_ERR_RANGE (key too long, proof too long), ZK_ERR_NOMEM.
 * In/Out: t (node encodings are cached). */
int mpt_prove(mpt_proof *proof, mpt_trie *t, const uint8_t *key, size_t key_len,
              zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* ---- ordered lists (transactionsRoot, receiptsRoot, EIP-2718/Yellow Paper 4.3) ---- */

/* Writes RLP(index), the trie key of list element index, into key.
 * Returns its length (1..9). Out: key (at least 9 bytes). */
size_t mpt_index_key(uint8_t key[9], uint64_t index) ZK_NONNULL(1);

/* Root of the trie mapping RLP(i) -> values[i] for i < n; MPT_EMPTY_ROOT for n == 0.
 * Returns ZK_OK, ZK_ERR_RANGE when a value is empty (a list element is never
 * empty: it would be indistinguishable from a missing one), ZK_ERR_NOMEM.
 * In: values[i][0..value_lens[i]) for i < n (values may be NULL when n is 0). */
int mpt_root_of_list(uint8_t root[32], const uint8_t *const *values, const size_t *value_lens,
                     size_t n, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

/* Proof for element index of the same list: verify it with key RLP(index)
 * (mpt_index_key) against mpt_root_of_list's root.
 * Returns ZK_OK, ZK_ERR_RANGE when index >= n or a value is empty, ZK_ERR_NOMEM.
 * Out: proof (appended to; initialise it with mpt_proof_init, free with
 *      mpt_proof_clear). */
int mpt_prove_index(mpt_proof *proof, const uint8_t *const *values, const size_t *value_lens,
                    size_t n, size_t index, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

#endif
