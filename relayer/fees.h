/* EIP-1559 fee choice for the destination transactions: a suggestion from
 * eth_feeHistory within the operator's caps, and the fee bump that replaces a
 * transaction stuck in the mempool.
 *
 * All amounts are wei per gas, as uint64 (up to ~18.4 ETH per gas).
 * Pointers are non-NULL unless stated; err may always be NULL. */
#ifndef ZKRELAY_RELAYER_FEES_H
#define ZKRELAY_RELAYER_FEES_H

#include <stdint.h>

#include <jansson.h>

#include "lightclient/lightclient.h"

/* The smallest bump a node accepts for a replacement with the same nonce:
 * geth's and Besu's txpool (`--txpool.pricebump`, default 10) require both
 * maxFeePerGas and maxPriorityFeePerGas to rise by at least 10 %. */
#define FEES_MIN_BUMP_PERCENT 10

/* The fee pair of one transaction. */
typedef struct fees_pair {
    uint64_t max_fee;          /* maxFeePerGas */
    uint64_t max_priority_fee; /* maxPriorityFeePerGas, <= max_fee */
} fees_pair;

/* The operator's limits (from the configuration). */
typedef struct fees_caps {
    uint64_t max_fee_cap;    /* never sign a maxFeePerGas above this (> 0) */
    uint64_t priority_cap;   /* never sign a tip above this */
    uint64_t priority_floor; /* the tip never goes below this (<= priority_cap) */
} fees_caps;

/* Suggests fees for the next block from an eth_feeHistory result:
 *   base      = the last baseFeePerGas entry (the node's forecast for the
 *               block after `newest`, which feeHistory appends);
 *   priority  = the median over blocks of reward[i][0] (the caller's first
 *               percentile), clamped to [priority_floor, priority_cap]; the
 *               floor alone when the result has no reward rows;
 *   max_fee   = 2 * base + priority (room for six full blocks of +12.5 %
 *               each before the transaction is priced out), lowered to
 *               max_fee_cap when above it.
 * Returns: ZK_OK; ZK_ERR_RANGE when base + priority already exceeds
 *          max_fee_cap (err names both: the transaction could not be included
 *          at the current base fee, and signing it would only queue it);
 *          ZK_ERR_USAGE for inconsistent caps; ZK_ERR_MALFORMED /
 *          ZK_ERR_NONCANONICAL / ZK_ERR_RANGE for a result without a non-empty
 *          baseFeePerGas array of quantities, or with bad reward entries.
 * Out: out.
 * In:  history  the result object of eth_feeHistory (borrowed). */
int fees_suggest(fees_pair *out, const json_t *history, const fees_caps *caps,
                 zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Fees for a replacement of a transaction signed with `old`: both values
 * multiplied by (100 + percent) / 100, rounded up, and at least old + 1 so
 * a zero fee also rises.
 * Returns: ZK_OK; ZK_ERR_USAGE when percent < FEES_MIN_BUMP_PERCENT (nodes
 *          would answer "replacement transaction underpriced") or the caps
 *          are inconsistent; ZK_ERR_RANGE when the bumped max fee exceeds
 *          max_fee_cap or the bumped tip exceeds priority_cap (err names the
 *          values: the transaction cannot be replaced within the caps).
 * Out: out (may alias old). */
int fees_bump(fees_pair *out, const fees_pair *old, unsigned percent, const fees_caps *caps,
              zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4);

#endif
