/* The inclusion statement: a receipts trie holds a receipt with a MessageSent log of the
 * source Outbox for message hash m.
 *
 * One public signal: keccak256(receiptsRoot || m || outbox) >> 8 (84 bytes hashed, the top
 * 31 bytes as a big-endian integer: a BN254 field element). The Inbox recomputes it from
 * the stored receiptsRoot, the message fields and its configured Outbox: one signal keeps
 * the verifier at one ecMul/ecAdd pair (about 6.2k gas) for one Keccak-f in-circuit
 * (about 146k constraints), where the four-signal layout would cost about 19k gas more per
 * delivered message.
 *
 * What the constraints establish, for the witness (root R, m, outbox A, the receipt bytes,
 * its transaction index, the trie path, the log index):
 *   - the trie with root R maps rlp(index) to the receipt (prover/gadget_mpt.h);
 *   - the receipt's log number log_index was emitted by A, its topic0 is
 *     keccak256("MessageSent(bytes32,uint64,address,uint64,address,bytes)") and its topic1
 *     is m (prover/gadget_rlp.h walks the receipt's RLP);
 *   - the public signal is the hash above of exactly these R, m and A.
 * The system's shape depends only on the parameters. */
#ifndef ZKRELAY_PROVER_STMT_INCLUSION_H
#define ZKRELAY_PROVER_STMT_INCLUSION_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"
#include "prover/fr.h"
#include "prover/r1cs.h"

#define STMT_INC_N_PUBLIC  1
#define STMT_INC_MAX_DEPTH 16

/* The event every Outbox message log carries as topic0. */
#define STMT_INC_EVENT_SIGNATURE "MessageSent(bytes32,uint64,address,uint64,address,bytes)"

typedef struct stmt_inc_params {
    size_t max_depth;    /* trie nodes on the path, leaf included (default 6) */
    size_t max_receipt;  /* receipt bytes (default 2048) */
    size_t max_logs;     /* logs in the receipt (default 8) */
    size_t max_node_len; /* branch/extension node bytes (default 532, a full branch) */
} stmt_inc_params;

typedef struct stmt_inc_witness {
    uint8_t root[32];
    uint8_t m[32];
    uint8_t outbox[20];
    uint64_t tx_index;
    uint64_t log_index;
    uint8_t *receipt; /* heap, owned: the consensus encoding */
    size_t receipt_len;
    size_t n_nodes;
    uint8_t *nodes[STMT_INC_MAX_DEPTH]; /* heap, owned: root first */
    size_t node_lens[STMT_INC_MAX_DEPTH];
} stmt_inc_witness;

/* Out: p = the defaults (depth 6, 2 KiB receipt, 8 logs, 532-byte nodes). */
void stmt_inc_default_params(stmt_inc_params *p) ZK_NONNULL(1);
/* Returns: ZK_OK when the parameters are buildable; ZK_ERR_RANGE with err saying why. */
int stmt_inc_check_params(const stmt_inc_params *p, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

/* Out: topic[32] = keccak256(STMT_INC_EVENT_SIGNATURE). */
void stmt_inc_event_topic(uint8_t topic[32]) ZK_NONNULL(1);
/* Out: sig = the public signal for (root, m, outbox). */
void stmt_inc_public_signal(fr *sig, const uint8_t root[32], const uint8_t m[32],
                            const uint8_t outbox[20]) ZK_NONNULL(1, 2, 3, 4);

/* Builds the witness from a block's receipts (consensus encodings, in order): the trie, its
 * root, the path to receipt tx_index, and checks natively that its log log_index is a
 * MessageSent of outbox (m = its topic1).
 * Returns: ZK_OK; ZK_ERR_RANGE (index out of range, a receipt or path beyond the
 *          parameters); ZK_ERR_REJECTED (the log is not such a message); ZK_ERR_MALFORMED (a
 *          receipt does not decode); ZK_ERR_NOMEM.
 * Out: w (release with stmt_inc_witness_clear, also after a failure). */
int stmt_inc_witness_from_receipts(stmt_inc_witness *w, const stmt_inc_params *p,
                                   const uint8_t *const *receipts, const size_t *lens, size_t n,
                                   uint64_t tx_index, uint64_t log_index, const uint8_t outbox[20],
                                   zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4, 8);
void stmt_inc_witness_clear(stmt_inc_witness *w);

/* A valid witness for a synthetic block of n_receipts receipts (for circuit-size tables and
 * setups, which need the shape only); the proven receipt is padded towards max_receipt.
 * Returns as stmt_inc_witness_from_receipts. */
int stmt_inc_witness_synthetic(stmt_inc_witness *w, const stmt_inc_params *p, size_t n_receipts,
                               zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Builds the statement into cs (initialised, empty) with w's values.
 * Returns: ZK_OK with the system built (not finalized) and satisfied when w is a true
 *          statement; the circuit's failure code otherwise (err says which rule).
 * Out: sig (may be NULL) = the public signal, computed natively. */
int stmt_inc_build(r1cs *cs, const stmt_inc_params *p, const stmt_inc_witness *w, fr *sig,
                   zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

#endif
