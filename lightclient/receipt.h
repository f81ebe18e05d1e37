/* Transaction receipts: the JSON-RPC form (eth_getBlockReceipts,
 * eth_getTransactionReceipt), the consensus encoding stored in the receipts
 * trie, the logs bloom, and the block's receiptsRoot.
 *
 * Consensus encoding (Yellow Paper 4.3.1, EIP-658, EIP-2718):
 *   legacy (type 0): RLP([status | postStateRoot, cumulativeGasUsed, logsBloom, logs])
 *   typed (1..4):    type byte || the same RLP
 *   logs = [[address, [topic, ...], data], ...]
 * status is 0 (empty string) or 1; blocks before Byzantium (EIP-658) carry the
 * 32-byte post-transaction state root instead. */
#ifndef ZKRELAY_LIGHTCLIENT_RECEIPT_H
#define ZKRELAY_LIGHTCLIENT_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "bytes.h"
#include "zk_err.h"

/* Highest transaction type accepted: 1 access list (EIP-2930), 2 dynamic fee
 * (EIP-1559), 3 blob (EIP-4844), 4 set code (EIP-7702). */
#define RECEIPT_MAX_TYPE 4
/* Caps on untrusted input: a log costs at least 375 gas and a data byte 8, so no
 * block under a 2^27 gas limit gets near them. */
#define RECEIPT_MAX_LOGS       (1u << 17)
#define RECEIPT_MAX_LOG_DATA   (1u << 24)
#define RECEIPTS_MAX_PER_BLOCK (1u << 16)

typedef struct eth_log {
    uint8_t address[20];
    uint8_t topics[4][32];
    size_t n_topics; /* 0..4 */
    uint8_t *data;   /* malloc'd, owned by the receipt; never NULL once decoded */
    size_t data_len;
} eth_log;

typedef struct eth_receipt {
    uint8_t type;    /* 0 legacy, 1..RECEIPT_MAX_TYPE typed (EIP-2718) */
    bool has_status; /* true: status; false: post_state (pre-Byzantium) */
    uint8_t status;  /* 0 failed, 1 success */
    uint8_t post_state[32];
    uint64_t cumulative_gas;
    uint8_t bloom[256];
    eth_log *logs; /* malloc'd array of n_logs, owned by the receipt */
    size_t n_logs;
} eth_receipt;

/* Frees the logs and zeroes *r (safe on a zeroed or cleared receipt). */
void receipt_clear(eth_receipt *r) ZK_NONNULL(1);

/* Reads a receipt object of eth_getBlockReceipts / eth_getTransactionReceipt:
 * "type" (absent = 0), "status" ("0x0"/"0x1") or "root" (32 bytes; exactly one
 * of them, and "root" only for type 0), "cumulativeGasUsed", "logsBloom" and
 * "logs" [{"address", "topics" (0..4), "data"}]. Other fields are ignored.
 * Returns ZK_OK, ZK_ERR_NOTFOUND (a required field missing), ZK_ERR_MALFORMED,
 * ZK_ERR_NONCANONICAL, ZK_ERR_RANGE (a type above RECEIPT_MAX_TYPE, too many
 * logs, too much data), ZK_ERR_NOMEM; the field is named in err. On failure
 * *out is left cleared.
 * Out: *out (free with receipt_clear). In: obj (borrowed). */
int receipt_from_json(eth_receipt *out, const json_t *obj, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Appends the consensus encoding of r to out.
 * Returns ZK_OK, ZK_ERR_RANGE (r->type above RECEIPT_MAX_TYPE, a status above 1,
 * a typed receipt with a post-state root, more than 4 topics, or the buffer's
 * cap), ZK_ERR_NOMEM. */
int receipt_encode(zk_buf *out, const eth_receipt *r) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Decodes a consensus-encoded receipt, strictly: canonical RLP, exactly 4 fields,
 * status 0 or 1 (or a 32-byte root, legacy only), a 256-byte bloom, logs of
 * exactly [20-byte address, at most 4 32-byte topics, data], no trailing bytes.
 * Every accepted input re-encodes to itself with receipt_encode.
 * Returns ZK_OK, ZK_ERR_MALFORMED / ZK_ERR_NONCANONICAL / ZK_ERR_TRUNCATED /
 * ZK_ERR_TRAILING / ZK_ERR_RANGE with the reason in err, ZK_ERR_NOMEM. On failure
 * *out is left cleared.
 * Out: *out (free with receipt_clear; the data is copied out of enc). */
int receipt_decode(eth_receipt *out, const uint8_t *enc, size_t len, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Computes the logs bloom (Yellow Paper 4.3.1): for the address and each topic
 * of every log, the low 11 bits of each of the first three 16-bit big-endian
 * words of its keccak256 name a bit of the 2048-bit filter.
 * Out: bloom (256 bytes). Returns ZK_OK. */
int receipt_compute_bloom(uint8_t bloom[256], const eth_receipt *r) ZK_NONNULL(1, 2);

/* Computes the receiptsRoot of a block from its eth_getBlockReceipts array:
 * key RLP(i) -> receipt_encode(receipt i). When an entry has "transactionIndex",
 * it must equal i (the array must be in block order).
 * Returns ZK_OK, ZK_ERR_MALFORMED (not an array, an entry out of order) and the
 * codes of receipt_from_json, with the entry's index in err; ZK_ERR_RANGE for
 * more than RECEIPTS_MAX_PER_BLOCK entries.
 * Out: root (32 bytes). In: receipts_array (borrowed). */
int receipts_root_from_json(uint8_t root[32], const json_t *receipts_array,
                            zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

#endif
