/* JSON-RPC helpers for sending transactions, on top of relayer/rpc.h (which
 * already has eth_sendRawTransaction, eth_getTransactionCount,
 * eth_getTransactionReceipt, eth_feeHistory and a plain eth_call): gas
 * estimation, calls that hand back revert data, and a receipt summary.
 *
 * Same conventions as rpc.h: each returns what rpc_call returns, plus
 * ZK_ERR_MALFORMED (and the hex parsers' codes) for a result of the wrong
 * shape, with the method named in err. Pointers are non-NULL unless stated. */
#ifndef ZKRELAY_RELAYER_RPC_TX_H
#define ZKRELAY_RELAYER_RPC_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "relayer/rpc.h"

/* The transaction-like object of eth_call / eth_estimateGas / eth_simulateV1. */
typedef struct rpc_tx_call {
    const uint8_t *from;  /* 20 bytes, or NULL for the node's default */
    const uint8_t *to;    /* 20 bytes, or NULL for a contract creation */
    const uint8_t *value; /* 32 bytes big-endian wei, or NULL for 0 */
    const uint8_t *data;  /* data_len bytes, or NULL when data_len is 0 */
    size_t data_len;
    uint64_t gas; /* gas limit, 0 to let the node choose */
} rpc_tx_call;

/* eth_estimateGas at the latest block.
 * Returns ZK_ERR_RPC with the node's message when the call would revert (use
 * rpc_eth_call_revert to read why).
 * Out: *gas. */
int rpc_eth_estimate_gas(rpc_client *c, uint64_t *gas, const rpc_tx_call *call,
                         zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Executes one call through eth_simulateV1 (execution-apis), whose result
 * carries a reverted call's return data, which a plain eth_call only puts in
 * the error object (rpc_call does not hand that back).
 * Returns: ZK_OK whether or not the call reverted; ZK_ERR_RPC when the node
 *          rejects the request (a node without eth_simulateV1 answers -32601);
 *          ZK_ERR_MALFORMED when the result is not one block with one call
 *          with a status of 0x0 or 0x1.
 * Out: *reverted  true when the call failed (status 0x0); then *out holds the
 *                 revert data (give it to abi_revert_decode);
 *      *out, *out_len  the return or revert data, a new malloc'd buffer
 *                 (caller frees; never NULL on success, even when empty). */
int rpc_eth_call_revert(rpc_client *c, uint8_t **out, size_t *out_len, bool *reverted,
                        const rpc_tx_call *call, rpc_block_id which, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3, 4, 5);

/* The fields of a receipt object the relayer acts on.
 * Returns ZK_ERR_MALFORMED / ZK_ERR_NOTFOUND (json_fields codes) when one is
 * missing or wrong.
 * Out: *success (status == 0x1), *block_number, *gas_used,
 *      *effective_gas_price (0 when the node leaves it out).
 * In:  receipt  an eth_getTransactionReceipt result (borrowed). */
int rpc_receipt_summary(bool *success, uint64_t *block_number, uint64_t *gas_used,
                        uint64_t *effective_gas_price, const json_t *receipt,
                        zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4, 5);

#endif
