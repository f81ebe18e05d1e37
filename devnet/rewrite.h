/* The devnet sealer's JSON-RPC front: answers the chain methods from the QBFT
 * chain (devnet/chain.h) and rewrites anvil's answers so every block hash the
 * client sees is a QBFT hash; proxies every other method to anvil unchanged.
 *
 * DEVNET TOOLING, NEVER FOR PRODUCTION (see chain.h).
 *
 * Served from the QBFT chain (after following anvil's new blocks):
 *   eth_blockNumber, eth_getBlockByNumber, eth_getBlockByHash (QBFT header
 *   fields and hash; transactions as anvil gives them, their blockHash
 *   rewritten), debug_getRawHeader (the sealed header's RLP);
 * proxied with block hashes rewritten (results) and translated (parameters):
 *   eth_getBlockReceipts, eth_getTransactionReceipt, eth_getTransactionByHash,
 *   eth_getTransactionByBlockHashAndIndex, eth_getTransactionByBlockNumberAndIndex,
 *   eth_getBlockTransactionCountByHash, eth_getLogs (a blockHash filter names a
 *   QBFT block), and an EIP-1898 {"blockHash": ...} parameter of any method;
 * admin:
 *   devnet_vote [address, "add" | "drop"]  schedule a validator vote (true);
 *   devnet_checkpoint []                    the light client's checkpoint object;
 * everything else goes to anvil as is. An error anvil returns keeps its code
 * and message (its data is folded into the message by relayer/rpc.c).
 * Batches are answered entry by entry, up to RPC_BATCH_MAX entries. */
#ifndef ZKRELAY_DEVNET_REWRITE_H
#define ZKRELAY_DEVNET_REWRITE_H

#include <jansson.h>

#include "devnet/chain.h"

/* JSON-RPC 2.0 error codes used by the front. */
#define DEVNET_RPC_PARSE_ERROR     (-32700)
#define DEVNET_RPC_INVALID_REQUEST (-32600)
#define DEVNET_RPC_INVALID_PARAMS  (-32602)
#define DEVNET_RPC_INTERNAL        (-32603)
#define DEVNET_RPC_SERVER_ERROR    (-32000)

/* Answers one request object or a batch array.
 * Returns: a new reference to the response object (or array for a batch);
 *          NULL only when memory runs out.
 * In/Out: c (may seal new blocks, or schedule a vote).
 * In:  req (borrowed; any JSON value: a bad one gets an error response). */
json_t *devnet_rpc_handle(devnet_chain *c, const json_t *req) ZK_NONNULL(1);

/* The response to a body that is not JSON: a parse error with id null.
 * Returns a new reference, or NULL when memory runs out. */
json_t *devnet_rpc_parse_error(const char *why) ZK_NONNULL(1);

#endif
