/* Header sync: fetches headers from a JSON-RPC node and feeds them to the
 * light client, which alone decides what is trusted.
 *
 * The node is trusted for nothing. Before any header, its eth_chainId must be
 * the store's chain id. Every header it returns must be the one asked for (its
 * "number"), and its "hash" must be the hash the light client computes from the
 * fields (lc_header_hash): a node that misreports a hash is caught here, naming
 * the block, before the header reaches the client. What remains (seals, quorum,
 * rotations, parent links, finality) is lc_submit_headers' job; a header it
 * refuses stops the sync with its reason, and an equivocation stops it with the
 * alarm (the client is then frozen).
 *
 * Before fetching past the head, the node's header at the head's height (when
 * above the checkpoint) is fetched and submitted too: the same header is known
 * and costs nothing, a different one carrying a valid quorum is equivocation,
 * and any other difference means the node follows another chain.
 *
 * Transient transport failures are retried inside rpc_client; an error that
 * survives the retries stops the sync. Whatever was verified before a failure
 * stays stored, so running the sync again resumes from the new head.
 *
 * Pointers are non-NULL unless stated; err may always be NULL. */
#ifndef ZKRELAY_RELAYER_LC_SYNC_H
#define ZKRELAY_RELAYER_LC_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/lightclient.h"
#include "relayer/rpc.h"

/* Headers per JSON-RPC batch when lc_sync_options.batch is 0. */
#define LC_SYNC_BATCH_DEFAULT 128

/* Called after each batch: done headers of total processed so far, at rate
 * headers per second since the sync began. */
typedef void (*lc_sync_progress_fn)(void *arg, uint64_t done, uint64_t total, double rate);

typedef struct lc_sync_options {
    uint64_t to;        /* the target block; 0: ask the node (eth_blockNumber) */
    bool use_finalized; /* with to == 0: the node's "finalized" block instead of the latest */
    size_t batch;       /* headers per request, 1..RPC_BATCH_MAX; 0: LC_SYNC_BATCH_DEFAULT */
    /* BFT only: first submit the target directly against the head's set
     * (accepted when the set did not change in between); when refused, sync
     * every header in between instead. Clique cannot skip (it has no
     * finality of its own) and syncs sequentially. */
    bool skip;
    lc_sync_progress_fn progress; /* may be NULL */
    void *progress_arg;           /* passed to progress */
} lc_sync_options;

/* What a sync did. Meaningful fields are written on failure too (what was
 * stored before the failure). */
typedef struct lc_sync_report {
    uint64_t from, to;    /* the first block fetched and the target (from > to: nothing to do) */
    uint64_t submitted;   /* headers verified by the light client */
    uint64_t accepted;    /* headers the head moved over (stored as final) */
    uint64_t pending;     /* Clique: verified headers above the head, not yet final */
    uint64_t rotations;   /* stored headers in (old head, new head] that hand over a new set */
    bool skipped;         /* the target was accepted directly (skip mode) */
    uint64_t head_number; /* the head after the sync */
    uint8_t head_hash[32];
    double seconds; /* wall time */
} lc_sync_report;

/* Syncs lc from rpc up to the target (see the top comment).
 * Returns: ZK_OK (also when the head is already at or above the target);
 *          ZK_ERR_MISMATCH when the node's chain id is not the store's (nothing
 *            fetched), or on equivocation (err holds the EQUIVOCATION alarm; the
 *            client is frozen);
 *          ZK_ERR_REJECTED when the light client refused a header (err names the
 *            block and the rule), or the node misreported a block's hash or number;
 *          ZK_ERR_NOTFOUND when the node has no block at a height asked for;
 *          ZK_ERR_USAGE for an option out of range;
 *          the codes of rpc_batch / rpc_call (ZK_ERR_TRANSPORT, ZK_ERR_RPC, ...),
 *          of header_from_json, and of the store.
 * Out: *out (see lc_sync_report).
 * In:  o (may be NULL for the defaults). */
int lc_sync(lc_client *lc, rpc_client *rpc, const lc_sync_options *o, lc_sync_report *out,
            zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4);

#endif
