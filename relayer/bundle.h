/* The proof bundle of one bridge message (issue 7, auditors): everything an auditor needs
 * to re-verify a delivery offline, without trusting the relayer that wrote it. The daemon
 * builds one per message (bundle_build, bundle_write) and keeps it in its database
 * (relayer/msgstore.h, "P" || m); `zkrelay verify` and `zkrelay replay` read it back
 * (bundle_parse) and check it (bundle_verify).
 *
 * Format, version 1: ONE JSON object, written canonically (bundle_write): compact, keys
 * sorted, hex 0x-prefixed lower case, one final "\n". Chain integers (chain ids, nonce,
 * block number, indices) are JSON-RPC QUANTITY strings ("0x1a"), so every uint64 fits;
 * version and circuit parameters are JSON integers; public signals are decimal strings as
 * snarkjs writes public.json.
 *
 *   { "version": 1,
 *     "m": "0x<32>",
 *     "message": { "srcChainId": Q, "outbox": "0x<20>", "nonce": Q, "sender": "0x<20>",
 *                  "dstChainId": Q, "receiver": "0x<20>", "payload": "0x.." },
 *     "source": { "blockNumber": Q, "txIndex": Q,
 *                 "logIndexInReceipt": Q,       (the log stmt_inclusion proves)
 *                 "txHash": "0x<32>",           (optional claim)
 *                 "logIndex": Q },              (optional claim: eth_getLogs index in the block)
 *     "header": { "rlp": "0x..",                (QBFT header as served, seals included)
 *                 "hash": "0x<32>", "receiptsRoot": "0x<32>",
 *                 "trustedValidators": ["0x<20>", ...],  (the set T of the finality proof,
 *                                                         in its commitment's order)
 *                 "trustedCommitment": "0x<32>" },       (commit(T), public signal 0)
 *     "finality":  { "statement": { "name": "finality", "maxValidators": n,
 *                                   "maxHeaderLen": n },
 *                    "proof": { snarkjs proof.json }, "publicSignals": ["<dec>" x 6] },
 *     "inclusion": { "statement": { "name": "inclusion", "maxDepth": n, "maxReceipt": n,
 *                                   "maxLogs": n, "maxNodeLen": n },
 *                    "proof": { snarkjs proof.json }, "publicSignals": ["<dec>"] },
 *     "receipt": "0x..",                        (consensus encoding of receipt txIndex)
 *     "trieNodes": ["0x..", ...],               (root first: the path to rlp(txIndex))
 *     "destination": { "inbox": "0x<20>", "txHash": "0x<32>" } }  (both optional claims;
 *                                                the destination chain is message.dstChainId)
 *
 * The verification keys are not in the bundle: an auditor takes them from the zkeys or the
 * deployed verifiers, never from the party being audited.
 *
 * Strictness: the parser refuses unknown or missing keys, wrong types, duplicate keys,
 * sizes over the caps below, and any text that is not byte for byte what bundle_write
 * writes for the parsed content. So a bundle with any byte changed either fails to parse
 * or parses to different content; for the proven parts that content then fails a named
 * check of bundle_verify. The optional claims (source txHash and logIndex, destination
 * inbox and txHash) cannot be checked offline: the verifier reports them as claims, and
 * `zkrelay replay --dest-rpc` checks the destination ones against the chain.
 *
 * Pointers are non-NULL unless stated; err may always be NULL. */
#ifndef ZKRELAY_RELAYER_BUNDLE_H
#define ZKRELAY_RELAYER_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <secp256k1.h>

#include "lightclient/bytes.h"
#include "lightclient/header.h"
#include "lightclient/valset.h"
#include "lightclient/zk_err.h"
#include "prover/groth16.h"
#include "prover/groth16_json.h"
#include "prover/stmt_finality.h"
#include "prover/stmt_inclusion.h"

#define BUNDLE_VERSION 1
/* Caps on untrusted input. A bundle is a few tens of KB; the daemon's store caps a bundle
 * at 8 MiB (MSGSTORE_BUNDLE_MAX) and so does the parser. */
#define BUNDLE_MAX_TEXT    (8u << 20)
#define BUNDLE_MAX_PAYLOAD 1024u /* Outbox.MAX_PAYLOAD */
#define BUNDLE_MAX_HEADER  (HEADER_MAX_EXTRA + 4096u)
#define BUNDLE_MAX_RECEIPT (1u << 20)
#define BUNDLE_MAX_NODES   STMT_INC_MAX_DEPTH
#define BUNDLE_MAX_NODE    (BUNDLE_MAX_RECEIPT + 64u) /* a leaf holds a whole receipt */
#define BUNDLE_MAX_TRUSTED STMT_FIN_MAX_VALIDATORS    /* the largest finality circuit */

/* The Outbox message (MessageSent). payload is owned by the enclosing bundle. */
typedef struct bundle_message {
    uint64_t src_chain_id;
    uint8_t outbox[20];
    uint64_t nonce;
    uint8_t sender[20];
    uint64_t dst_chain_id;
    uint8_t receiver[20];
    uint8_t *payload; /* NULL when payload_len is 0 */
    size_t payload_len;
} bundle_message;

/* A parsed or built bundle. Heap parts (payload, header_rlp, receipt, nodes) are owned:
 * release with bundle_clear. */
typedef struct bundle {
    uint8_t m[32];
    bundle_message msg;
    /* source */
    uint64_t block_number;
    uint64_t tx_index;
    uint64_t log_index; /* in the receipt */
    bool has_src_tx_hash;
    uint8_t src_tx_hash[32];
    bool has_block_log_index;
    uint64_t block_log_index;
    /* header */
    uint8_t *header_rlp;
    size_t header_len;
    uint8_t block_hash[32];
    uint8_t receipts_root[32];
    size_t n_trusted;
    uint8_t trusted[BUNDLE_MAX_TRUSTED][20];
    uint8_t trusted_commit[32];
    /* finality */
    stmt_fin_params fin_params;
    groth16_json_proof fin_proof;
    uint8_t fin_public[STMT_FIN_N_PUBLIC][32];
    /* inclusion */
    stmt_inc_params inc_params;
    groth16_json_proof inc_proof;
    uint8_t inc_public[STMT_INC_N_PUBLIC][32];
    uint8_t *receipt;
    size_t receipt_len;
    size_t n_nodes;
    uint8_t *nodes[BUNDLE_MAX_NODES];
    size_t node_lens[BUNDLE_MAX_NODES];
    /* destination */
    bool has_inbox;
    uint8_t inbox[20];
    bool has_dst_tx_hash;
    uint8_t dst_tx_hash[32];
} bundle;

/* Out: b empty (owning nothing). */
void bundle_init(bundle *b) ZK_NONNULL(1);
/* Frees b's heap parts and zeroes it. b may be NULL. */
void bundle_clear(bundle *b);

/* The native pieces a bundle is built from (all borrowed; copied by bundle_build). */
typedef struct bundle_input {
    bundle_message msg; /* payload borrowed (NULL when payload_len is 0) */
    const uint8_t *header_rlp;
    size_t header_len;
    const uint8_t (*trusted)[20]; /* T in its commitment's order */
    size_t n_trusted;
    stmt_fin_params fin_params;
    groth16_proof fin_proof;
    uint8_t fin_public[STMT_FIN_N_PUBLIC][32];
    const uint8_t *receipt; /* consensus encoding */
    size_t receipt_len;
    uint64_t tx_index, log_index; /* log_index: in the receipt (stmt_inc_witness.log_index) */
    const uint8_t *const *nodes;  /* trie path, root first (stmt_inc_witness.nodes) */
    const size_t *node_lens;
    size_t n_nodes;
    stmt_inc_params inc_params;
    groth16_proof inc_proof;
    uint8_t inc_public[STMT_INC_N_PUBLIC][32];
    /* optional claims: NULL / false when unknown */
    const uint8_t *src_tx_hash; /* 32 bytes */
    bool has_block_log_index;
    uint64_t block_log_index;
    const uint8_t *inbox;       /* 20 bytes */
    const uint8_t *dst_tx_hash; /* 32 bytes */
} bundle_input;

/* Builds a bundle from the native pieces: copies them, and derives m (the message hash),
 * the block number, block hash and receiptsRoot (from the QBFT header) and the trusted
 * commitment. It does not verify anything: run bundle_verify on the result as a self-check.
 * Returns: ZK_OK; ZK_ERR_MALFORMED (the header RLP or its extraData does not decode);
 *          ZK_ERR_RANGE (a part over its cap, no trusted validator, no trie node);
 *          ZK_ERR_NOMEM.
 * Out: out (initialised by the call; bundle_clear it, also after a failure). */
int bundle_build(bundle *out, const bundle_input *in, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Appends the canonical JSON text of b (see the top comment; ends with "\n").
 * Returns: ZK_OK; ZK_ERR_RANGE (a part over its cap, or out's cap); ZK_ERR_NOMEM.
 * In/Out: out (on failure it may have grown: discard it). */
int bundle_write(zk_buf *out, const bundle *b, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Parses bundle text strictly (untrusted input).
 * Returns: ZK_OK; ZK_ERR_RANGE (text over BUNDLE_MAX_TEXT, a part over its cap, a value
 *          out of range); ZK_ERR_MALFORMED (JSON syntax, a duplicate, unknown or missing
 *          key, a wrong type or length, an unknown version or statement name);
 *          ZK_ERR_NONCANONICAL (a quantity or decimal with a leading zero, or text that is
 *          not the canonical form: err gives the first differing byte offset);
 *          ZK_ERR_NOMEM. err names the field.
 * Out: out (initialised by the call; bundle_clear it, also after a failure).
 * In:  text[0..len) (need not be NUL-terminated). */
int bundle_parse(bundle *out, const char *text, size_t len, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* The named checks of bundle_verify, in the order they run. */
typedef enum bundle_check_id {
    BUNDLE_CHECK_MESSAGE_HASH = 0, /* "message-hash": m = keccak256(abi.encode(fields)) */
    BUNDLE_CHECK_HEADER,           /* "header": QBFT seals, quorum, rotation rule against
                                      T; number, hash and receiptsRoot as recorded */
    BUNDLE_CHECK_TRUSTED_SET,      /* "trusted-set": commit(T) as recorded */
    BUNDLE_CHECK_FIN_SIGNALS,      /* "finality-signals": the 6 signals computed natively */
    BUNDLE_CHECK_FIN_PROOF,        /* "finality-proof": Groth16 with the finality vk */
    BUNDLE_CHECK_RECEIPT_TRIE,     /* "receipt-trie": the trie path proves exactly the
                                      receipt under rlp(txIndex) in receiptsRoot */
    BUNDLE_CHECK_MESSAGE_LOG,      /* "message-log": log logIndexInReceipt is the Outbox's
                                      MessageSent of exactly this message */
    BUNDLE_CHECK_INC_SIGNAL,       /* "inclusion-signal": stmt_inc_public_signal(root, m,
                                      outbox) */
    BUNDLE_CHECK_INC_PROOF,        /* "inclusion-proof": Groth16 with the inclusion vk */
    BUNDLE_CHECK_STATEMENTS,       /* "statement-params": the recorded circuit parameters
                                      are buildable and the header and receipt fit them */
    BUNDLE_N_CHECKS
} bundle_check_id;

/* Returns the check's stable name (above), or "unknown". */
const char *bundle_check_name(int id);

typedef struct bundle_check {
    int status;       /* ZK_OK or the failure's code */
    char detail[240]; /* what was found (pass) or why it failed */
} bundle_check;

typedef struct bundle_report {
    bundle_check checks[BUNDLE_N_CHECKS];
    size_t n_failed;
} bundle_report;

/* Runs every check (a failed check does not stop the others; a check that needs a part
 * that did not decode fails saying so).
 * Returns: ZK_OK only when every check passed; ZK_ERR_NOMEM when memory ran out;
 *          otherwise the code of the first failed check (ZK_ERR_REJECTED for a bad seal,
 *          proof or trie path, ZK_ERR_MISMATCH for a value that disagrees with the one
 *          recomputed, ZK_ERR_MALFORMED for a part that does not decode).
 * Out: rep (every check's status and detail).
 * In:  ctx (ecdsa_context_new), b, fin_vk (6 public inputs), inc_vk (1 public input). */
int bundle_verify(bundle_report *rep, const secp256k1_context *ctx, const bundle *b,
                  const groth16_vk *fin_vk, const groth16_vk *inc_vk) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3, 4, 5);

#endif
