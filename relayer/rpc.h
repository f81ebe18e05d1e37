/* Ethereum JSON-RPC 2.0 client over HTTP(S): libcurl for the transport,
 * jansson for the documents.
 *
 * Every answer is untrusted: the response is capped while it is received,
 * parsed strictly (duplicate keys rejected) and its envelope validated
 * (jsonrpc "2.0", the id we sent, exactly one of result/error) before anything
 * is handed back. Transport failures, HTTP 429 and HTTP 5xx are retried with
 * exponential backoff and full jitter; a JSON-RPC error object is the node's
 * final word and is returned at once.
 *
 * The URL may carry a credential (a provider API key in its path or query),
 * so it never appears in an error message. Request bodies are not put in
 * messages either; only method names are.
 *
 * A client is not thread-safe: one thread uses it at a time.
 *
 * Ownership of jansson values follows jansson's words: "new reference" (the
 * caller json_decref()s it), "stolen" (the callee takes the caller's reference,
 * on every path, success or not). */
#ifndef ZKRELAY_RELAYER_RPC_H
#define ZKRELAY_RELAYER_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lightclient/lightclient.h"

/* An in-process stand-in for HTTP (fuzzing, tests, offline replay of recorded
 * answers): called once per attempt with the request body instead of libcurl.
 * It sets *http_status and appends the response body to answer; the client
 * enforces max_response_bytes on it. Returns ZK_OK when an answer was produced,
 * anything else for a failed connection (retried like one). */
typedef int (*rpc_transport_fn)(void *ctx, const char *request, size_t request_len,
                                long *http_status, zk_buf *answer);

/* Tuning of one client. Start from rpc_options_default() and change fields. */
typedef struct rpc_options {
    long timeout_ms;            /* one HTTP attempt, connect included (> 0) */
    size_t max_response_bytes;  /* hard cap on a response body, decompressed (> 0) */
    int max_retries;            /* retries after the first attempt (>= 0) */
    long backoff_initial_ms;    /* backoff before the first retry, doubled each time (>= 0) */
    long backoff_max_ms;        /* cap on one backoff, and on an honoured Retry-After (>= 0) */
    rpc_transport_fn transport; /* NULL (the default): HTTP(S) to the URL with libcurl */
    void *transport_ctx;        /* passed to transport */
} rpc_options;

/* Returns the defaults: 10 s per attempt, 32 MiB responses, 5 retries, backoff
 * 100 ms doubling up to 5 s. */
rpc_options rpc_options_default(void);

/* Counters kept by each client, for metrics. */
typedef struct rpc_stats {
    uint64_t calls;      /* rpc_call and rpc_batch invocations */
    uint64_t attempts;   /* HTTP requests sent: first tries plus retries */
    uint64_t retries;    /* attempts that were retries */
    uint64_t rpc_errors; /* JSON-RPC error objects received (batch entries included) */
    uint64_t failures;   /* calls that failed for any other reason */
} rpc_stats;

typedef struct rpc_client rpc_client;

/* Initialises libcurl for the process. Call once at startup, before any other
 * thread exists and before the first rpc_client_new.
 * Returns ZK_OK, or ZK_ERR_INTERNAL when libcurl cannot initialise. */
int rpc_global_init(void) ZK_MUST_CHECK;

/* Releases what rpc_global_init acquired. Call once at exit, after every
 * client is freed. */
void rpc_global_cleanup(void);

/* Creates a client for one node.
 * Returns the client (free with rpc_client_free), or NULL with err set when url
 * is not an http:// or https:// URL (the message does not quote the URL), an
 * option is out of range, or memory runs out.
 * In: url  copied; opts  copied, NULL for rpc_options_default(). */
rpc_client *rpc_client_new(const char *url, const rpc_options *opts, zk_errbuf *err) ZK_NONNULL(1);

/* Frees the client and its connection. rpc_client_free(NULL) does nothing. */
void rpc_client_free(rpc_client *c);

/* Out: *out a copy of the client's counters. */
void rpc_client_stats(const rpc_client *c, rpc_stats *out) ZK_NONNULL(1, 2);

/* Calls one method and waits for its answer, retrying as described above.
 * Returns:
 *   ZK_OK            *result holds the result member (a new reference; JSON null
 *                    is returned as json_null(), never as a NULL pointer);
 *   ZK_ERR_RPC       the node answered with an error object; err reads
 *                    "rpc <method>: error <code>: <message>" (plus its data);
 *   ZK_ERR_TRANSPORT connection failure or HTTP error status, after the retries
 *                    for retryable ones; err names the status or curl's reason;
 *   ZK_ERR_TIMEOUT   the last attempt ran past timeout_ms;
 *   ZK_ERR_RANGE     the response exceeded max_response_bytes (not retried);
 *   ZK_ERR_MALFORMED the response is not JSON, not an object, or its envelope is
 *                    wrong (version, id, result/error);
 *   ZK_ERR_USAGE     method is empty or params is not an array or object;
 *   ZK_ERR_NOMEM.
 * Out: *result  NULL on any failure.
 * In:  method   the method name; params  an array or object, or NULL for [];
 *      stolen on every path. */
int rpc_call(rpc_client *c, json_t **result, const char *method, json_t *params,
             zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* The "data" member of the last JSON-RPC error object this client received (for eth_call and
 * eth_estimateGas: the revert data, "0x" hex), or NULL when it had none. Valid until the next
 * error replaces it or the client is freed; later successful calls leave it unchanged. */
const char *rpc_last_error_data(const rpc_client *c) ZK_NONNULL(1);

/* One entry of a batch. */
typedef struct rpc_request {
    const char *method;
    json_t *params; /* an array or object, or NULL for []; stolen by rpc_batch */
} rpc_request;

/* Largest batch rpc_batch sends (public nodes reject more; geth's limit is 1000). */
#define RPC_BATCH_MAX 1000

/* Sends n requests in one HTTP POST as a JSON-RPC batch and matches the
 * answers to them by id, in whatever order the node sends them.
 * Returns:
 *   ZK_OK            every entry succeeded;
 *   ZK_ERR_RPC       the exchange was well formed but at least one entry got an
 *                    error object (see codes[]), or the node answered the whole
 *                    batch with one error object (every codes[i] is ZK_ERR_RPC);
 *   any other code   the batch failed as a whole, as for rpc_call (an answer
 *                    with a missing, unknown or duplicated id, or of the wrong
 *                    length, is ZK_ERR_MALFORMED); codes[i] all hold that code;
 *   ZK_ERR_USAGE     n is 0 or above RPC_BATCH_MAX, or an entry is invalid.
 * Out: results  n entries: a new reference to entry i's result, or NULL when
 *               entry i failed;
 *      codes    n entries: ZK_OK or entry i's code;
 *      errs     n entries (may be NULL): entry i's message when it failed.
 * In:  reqs     n requests; every params member is stolen on every path. */
int rpc_batch(rpc_client *c, json_t **results, int *codes, zk_errbuf *errs, const rpc_request *reqs,
              size_t n, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 5);

/* ---- Typed eth_* helpers (rpc_eth.c) ----
 * Each returns what rpc_call returns, plus ZK_ERR_MALFORMED (and the hex
 * parsers' ZK_ERR_NONCANONICAL / ZK_ERR_RANGE) when the result does not have
 * the expected shape, with the method named in err. */

/* A block selector: a number, or one of the node's tags. */
typedef enum rpc_block_tag {
    RPC_BLOCK_NUMBER = 0, /* use rpc_block_id.number */
    RPC_BLOCK_LATEST,
    RPC_BLOCK_SAFE,
    RPC_BLOCK_FINALIZED,
    RPC_BLOCK_EARLIEST,
    RPC_BLOCK_PENDING,
} rpc_block_tag;

typedef struct rpc_block_id {
    rpc_block_tag tag;
    uint64_t number; /* when tag == RPC_BLOCK_NUMBER */
} rpc_block_id;

static inline rpc_block_id rpc_block_at(uint64_t number)
{
    rpc_block_id b = {RPC_BLOCK_NUMBER, number};
    return b;
}

static inline rpc_block_id rpc_block_tagged(rpc_block_tag tag)
{
    rpc_block_id b = {tag, 0};
    return b;
}

/* eth_chainId. Out: *chain_id. */
int rpc_eth_chain_id(rpc_client *c, uint64_t *chain_id, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* eth_blockNumber. Out: *number, the node's latest block. */
int rpc_eth_block_number(rpc_client *c, uint64_t *number, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* eth_getBlockByNumber.
 * Returns ZK_ERR_NOTFOUND when the node has no such block (result null).
 * Out: *block  a new reference to the block object (transactions as hashes, or
 *              as objects when full_txs). */
int rpc_eth_get_block_by_number(rpc_client *c, json_t **block, rpc_block_id which, bool full_txs,
                                zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* eth_getBlockReceipts.
 * Returns ZK_ERR_NOTFOUND when the node has no such block (result null).
 * Out: *receipts  a new reference to the array of receipt objects. */
int rpc_eth_get_block_receipts(rpc_client *c, json_t **receipts, rpc_block_id which,
                               zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* eth_getTransactionReceipt.
 * Returns ZK_ERR_NOTFOUND when the node has no receipt (unknown or still
 * pending transaction).
 * Out: *receipt  a new reference to the receipt object.
 * In:  tx_hash   32 bytes. */
int rpc_eth_get_transaction_receipt(rpc_client *c, json_t **receipt, const uint8_t tx_hash[32],
                                    zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* An eth_getLogs filter. Topic position i matches any log when topics[i] is
 * NULL; positions at and after n_topics are wildcards too. */
typedef struct rpc_log_filter {
    rpc_block_id from, to;
    const uint8_t *address;   /* 20 bytes, or NULL for any contract */
    const uint8_t *topics[4]; /* each 32 bytes or NULL */
    size_t n_topics;          /* 0..4 */
} rpc_log_filter;

/* eth_getLogs.
 * Returns ZK_ERR_USAGE when n_topics > 4.
 * Out: *logs  a new reference to the array of log objects. */
int rpc_eth_get_logs(rpc_client *c, json_t **logs, const rpc_log_filter *filter,
                     zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* eth_getProof (EIP-1186).
 * Out: *proof  a new reference to the proof object (accountProof, storageProof...).
 * In:  address 20 bytes; keys  n_keys storage slots of 32 bytes (may be NULL
 *      when n_keys is 0). */
int rpc_eth_get_proof(rpc_client *c, json_t **proof, const uint8_t address[20],
                      const uint8_t (*keys)[32], size_t n_keys, rpc_block_id which,
                      zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* eth_call with no sender, gas or value.
 * Returns ZK_ERR_RPC with the node's message when the call reverts.
 * Out: *out, *out_len  the return data in a new malloc'd buffer (caller frees;
 *      never NULL on success, even when empty).
 * In:  to 20 bytes; data, data_len the calldata (data may be NULL when 0). */
int rpc_eth_call(rpc_client *c, uint8_t **out, size_t *out_len, const uint8_t to[20],
                 const uint8_t *data, size_t data_len, rpc_block_id which,
                 zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4);

/* eth_sendRawTransaction. The raw transaction is public once sent, so it may
 * appear in logs; it never appears in err.
 * A transport failure is retried like any call, so a node may already hold the
 * transaction when a retry answers ZK_ERR_RPC ("already known", "nonce too
 * low"): look the receipt up by hash before treating that as a failure.
 * Out: tx_hash  32 bytes, the hash the node reports.
 * In:  raw, raw_len  the signed transaction (its EIP-2718 encoding). */
int rpc_eth_send_raw_transaction(rpc_client *c, uint8_t tx_hash[32], const uint8_t *raw,
                                 size_t raw_len, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* eth_getTransactionCount. Out: *nonce. In: address 20 bytes. */
int rpc_eth_get_transaction_count(rpc_client *c, uint64_t *nonce, const uint8_t address[20],
                                  rpc_block_id which, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* eth_feeHistory.
 * Returns ZK_ERR_USAGE when block_count is 0 or the percentiles are not
 * ascending values in [0, 100].
 * Out: *history  a new reference to the result object (oldestBlock,
 *                baseFeePerGas, gasUsedRatio, reward).
 * In:  percentiles  n_percentiles values (may be NULL when 0). */
int rpc_eth_fee_history(rpc_client *c, json_t **history, uint64_t block_count, rpc_block_id newest,
                        const double *percentiles, size_t n_percentiles,
                        zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Copies len bytes of s into out (cap bytes, NUL-terminated) with control and
 * non-ASCII bytes replaced by '.', and "..." when cut, so that text chosen by a
 * node cannot forge log or terminal lines. */
void rpc_copy_printable(char *out, size_t cap, const char *s, size_t len);

#endif
