/* Header sync over JSON-RPC into the light client (see lc_sync.h). */
#include "relayer/lc_sync.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double sync_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Turns one eth_getBlockByNumber result into a header, checking that it is the
 * block asked for and that the node's "hash" is the one the light client
 * computes. A null result is ZK_ERR_NOTFOUND.
 * Out: *h (owned by the caller on ZK_OK; nothing to free otherwise). */
static int sync_block_header(lc_client *lc, eth_header *h, const json_t *block, uint64_t number,
                             zk_errbuf *err)
{
    unsigned long long n = (unsigned long long)number;
    if (!block || json_is_null(block))
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "block %llu: the node has no such block", n);
    if (!json_is_object(block))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "block %llu: the node's answer is not an object", n);
    int rc = header_from_json(h, block, err);
    if (rc) return zk_fail_wrap(err, rc, "block %llu from the node", n);
    uint8_t claimed[32], computed[32];
    if (h->number != number) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED, "block %llu: the node returned block %llu instead", n,
                     (unsigned long long)h->number);
    } else if ((rc = json_get_data_fixed(claimed, 32, block, "hash", err)) != ZK_OK) {
        rc = rc == ZK_ERR_NOTFOUND ? ZK_FAIL(err, ZK_ERR_MALFORMED,
                                             "block %llu: the node's answer has no \"hash\"", n)
                                   : zk_fail_wrap(err, rc, "block %llu from the node", n);
    } else if ((rc = lc_header_hash(lc, computed, h, err)) != ZK_OK) {
        rc = zk_fail_wrap(err, rc, "block %llu from the node", n);
    } else if (memcmp(claimed, computed, 32) != 0) {
        char a[67], b[67];
        hex_encode(a, claimed, 32, true);
        hex_encode(b, computed, 32, true);
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "block %llu: the node reports hash %s but the header hashes to %s", n, a, b);
    }
    if (rc) header_clear(h);
    return rc;
}

/* Fetches one block by selector and converts it (sync_block_header). With a
 * tag, *number receives the block's own number and no number check applies. */
static int sync_fetch_one(lc_client *lc, rpc_client *rpc, eth_header *h, rpc_block_id which,
                          zk_errbuf *err)
{
    json_t *block = NULL;
    int rc = rpc_eth_get_block_by_number(rpc, &block, which, false, err);
    if (rc == ZK_ERR_NOTFOUND && which.tag == RPC_BLOCK_NUMBER)
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "block %llu: the node has no such block",
                       (unsigned long long)which.number);
    if (rc) return rc;
    uint64_t number = which.number;
    if (which.tag != RPC_BLOCK_NUMBER) {
        rc = json_get_quantity(&number, block, "number", err);
        if (rc) rc = zk_fail_wrap(err, rc, "eth_getBlockByNumber");
    }
    if (rc == ZK_OK) rc = sync_block_header(lc, h, block, number, err);
    json_decref(block);
    return rc;
}

/* Fetches blocks first..first+n-1 in one JSON-RPC batch and converts them in
 * order, stopping at the first that fails.
 * Out: hs[0..*n_ok) valid headers (the caller clears them); the return code is
 *      that of the first failure (ZK_OK when *n_ok == n). */
static int sync_fetch_batch(lc_client *lc, rpc_client *rpc, eth_header *hs, size_t *n_ok,
                            uint64_t first, size_t n, zk_errbuf *err)
{
    *n_ok = 0;
    rpc_request *reqs = calloc(n, sizeof(*reqs));
    json_t **results = calloc(n, sizeof(*results));
    int *codes = calloc(n, sizeof(*codes));
    zk_errbuf *errs = calloc(n, sizeof(*errs));
    int rc = reqs && results && codes && errs ? ZK_OK
                                              : ZK_FAIL(err, ZK_ERR_NOMEM, "sync: out of memory");
    for (size_t i = 0; rc == ZK_OK && i < n; i++) {
        char q[19];
        hex_format_quantity(q, first + i);
        reqs[i].method = "eth_getBlockByNumber";
        reqs[i].params = json_pack("[s,b]", q, 0);
        if (!reqs[i].params) rc = ZK_FAIL(err, ZK_ERR_NOMEM, "sync: out of memory");
    }
    if (rc) {
        for (size_t i = 0; reqs && i < n; i++)
            json_decref(reqs[i].params);
        goto out;
    }
    rc = rpc_batch(rpc, results, codes, errs, reqs, n, err);
    if (rc && rc != ZK_ERR_RPC) {
        zk_fail_wrap(err, rc, "fetching blocks %llu..%llu", (unsigned long long)first,
                     (unsigned long long)(first + n - 1));
        goto out;
    }
    rc = ZK_OK;
    for (size_t i = 0; i < n; i++) {
        if (codes[i] != ZK_OK) {
            rc = ZK_FAIL(err, codes[i], "block %llu: %s", (unsigned long long)(first + i),
                         errs[i].msg);
            break;
        }
        rc = sync_block_header(lc, &hs[i], results[i], first + i, err);
        if (rc) break;
        (*n_ok)++;
    }
out:
    for (size_t i = 0; results && i < n; i++)
        json_decref(results[i]);
    free(reqs);
    free(results);
    free(codes);
    free(errs);
    return rc;
}

/* The target height: o->to, or what the node calls latest / finalized. */
static int sync_target(rpc_client *rpc, const lc_sync_options *o, uint64_t *target, zk_errbuf *err)
{
    if (o->to) {
        *target = o->to;
        return ZK_OK;
    }
    if (!o->use_finalized) return rpc_eth_block_number(rpc, target, err);
    json_t *block = NULL;
    int rc =
        rpc_eth_get_block_by_number(rpc, &block, rpc_block_tagged(RPC_BLOCK_FINALIZED), false, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "the node has no finalized block");
    if (rc == ZK_OK) {
        rc = json_get_quantity(target, block, "number", err);
        if (rc) zk_fail_wrap(err, rc, "finalized block");
    }
    json_decref(block);
    return rc;
}

/* Submits the node's header at the head's height: known when the node is on
 * our chain; equivocation or a rejection otherwise. */
static int sync_anchor(lc_client *lc, rpc_client *rpc, uint64_t head, zk_errbuf *err)
{
    eth_header h;
    header_init(&h);
    int rc = sync_fetch_one(lc, rpc, &h, rpc_block_at(head), err);
    if (rc) return rc;
    lc_verdict v;
    rc = lc_submit_header(lc, &v, &h, err);
    header_clear(&h);
    if (rc == ZK_ERR_REJECTED)
        return zk_fail_wrap(err, rc,
                            "the node's block %llu is not the verified head (another chain?)",
                            (unsigned long long)head);
    return rc;
}

/* Counts the stored headers in (lo, hi] that hand over to another set. */
static uint64_t sync_count_rotations(lc_store *s, uint64_t lo, uint64_t hi)
{
    uint64_t n = 0;
    for (uint64_t k = lo + 1; k <= hi && k > lo; k++) {
        lc_stored_header r;
        if (lc_store_get_header(s, &r, k, NULL) != ZK_OK) continue; /* a gap left by a skip */
        if (memcmp(r.valset_id, r.next_valset_id, 32) != 0) n++;
    }
    return n;
}

/* Skip mode: the target straight against the head's set. Sets *accepted when
 * the client took it; a refusal (ZK_ERR_REJECTED: the set changed in between,
 * or anything wrong with the header) is not an error here, since the
 * sequential sync that follows verifies every header, the target included. */
static int sync_try_skip(lc_client *lc, rpc_client *rpc, uint64_t target, bool *accepted,
                         zk_errbuf *err)
{
    *accepted = false;
    eth_header h;
    header_init(&h);
    int rc = sync_fetch_one(lc, rpc, &h, rpc_block_at(target), err);
    if (rc) return rc;
    lc_verdict v;
    zk_errbuf skip_err;
    rc = lc_submit_header(lc, &v, &h, &skip_err);
    header_clear(&h);
    if (rc == ZK_OK) {
        *accepted = true;
        return ZK_OK;
    }
    if (rc == ZK_ERR_REJECTED) return ZK_OK;
    if (err) *err = skip_err;
    return rc;
}

int lc_sync(lc_client *lc, rpc_client *rpc, const lc_sync_options *o, lc_sync_report *out,
            zk_errbuf *err)
{
    static const lc_sync_options defaults = {0};
    if (!o) o = &defaults;
    memset(out, 0, sizeof(*out));
    double t0 = sync_now();
    size_t batch = o->batch ? o->batch : LC_SYNC_BATCH_DEFAULT;
    if (batch > RPC_BATCH_MAX)
        return ZK_FAIL(err, ZK_ERR_USAGE, "sync: batch %zu is above %d", batch, RPC_BATCH_MAX);
    lc_store *s = lc_client_store(lc);
    bool clique = lc_client_consensus(lc) == LC_CLIQUE;

    /* A frozen client takes nothing until an operator acts: say so before
     * asking the node anything. */
    bool frozen = false;
    uint64_t frozen_at = 0;
    int rc = lc_store_frozen(s, &frozen, &frozen_at, err);
    if (rc) return rc;
    if (frozen)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "light client frozen: equivocation at block %llu; inspect the evidence "
                       "(`zkrelay lc evidence`) and run `zkrelay lc unfreeze`",
                       (unsigned long long)frozen_at);

    /* The node must serve the chain the store was initialised for. */
    uint64_t chain_id = 0;
    rc = rpc_eth_chain_id(rpc, &chain_id, err);
    if (rc) return zk_fail_wrap(err, rc, "sync: eth_chainId");
    if ((rc = lc_store_expect_chain(s, chain_id, err)))
        return zk_fail_wrap(err, rc, "sync: the node serves chain %llu",
                            (unsigned long long)chain_id);

    lc_stored_header head0, head;
    lc_checkpoint *cp = malloc(sizeof(*cp));
    if (!cp) return ZK_FAIL(err, ZK_ERR_NOMEM, "sync: out of memory");
    rc = lc_store_checkpoint(s, cp, err);
    uint64_t cp_number = cp->number;
    free(cp);
    if (rc == ZK_OK) rc = lc_store_head(s, &head0, err);
    if (rc) return rc;
    head = head0;
    uint64_t target = 0;
    if ((rc = sync_target(rpc, o, &target, err))) return rc;
    out->from = head0.number + 1;
    out->to = target;
    if (head0.number > cp_number && (rc = sync_anchor(lc, rpc, head0.number, err))) goto done;
    if (target <= head0.number) goto done;

    if (o->skip && !clique && target > head0.number + 1) {
        bool accepted = false;
        if ((rc = sync_try_skip(lc, rpc, target, &accepted, err))) goto done;
        if (accepted) {
            out->skipped = true;
            out->submitted = 1;
            goto done;
        }
    }

    eth_header *hs = calloc(batch, sizeof(*hs));
    if (!hs) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "sync: out of memory");
        goto done;
    }
    uint64_t total = target - head0.number, last_submitted = head0.number;
    for (uint64_t next = head0.number + 1; next <= target;) {
        size_t k = target - next + 1 < batch ? (size_t)(target - next + 1) : batch, n_ok = 0;
        zk_errbuf fetch_err = {{0}, 0};
        int frc = sync_fetch_batch(lc, rpc, hs, &n_ok, next, k, &fetch_err);
        size_t done = 0;
        if (n_ok > 0) {
            lc_verdict v;
            rc = lc_submit_headers(lc, &v, &done, hs, n_ok, err);
            out->submitted += done;
            if (done > 0) last_submitted = hs[done - 1].number;
        }
        for (size_t i = 0; i < n_ok; i++)
            header_clear(&hs[i]);
        if (rc == ZK_OK && frc) {
            rc = frc;
            if (err) *err = fetch_err;
        }
        if (rc) break;
        next += k;
        if (o->progress) {
            double dt = sync_now() - t0;
            o->progress(o->progress_arg, next - 1 - head0.number, total,
                        dt > 0 ? (double)out->submitted / dt : 0.0);
        }
    }
    free(hs);
    if (clique) {
        /* Pending headers live above the head until the window finalises them. */
        lc_stored_header h;
        if (lc_store_head(s, &h, NULL) == ZK_OK && last_submitted > h.number)
            out->pending = last_submitted - h.number;
    }

done:;
    zk_errbuf head_err;
    if (lc_store_head(s, &head, &head_err) == ZK_OK) {
        out->head_number = head.number;
        memcpy(out->head_hash, head.hash, 32);
        if (head.number > head0.number) {
            out->accepted = out->skipped ? 1 : head.number - head0.number;
            out->rotations = sync_count_rotations(s, head0.number, head.number);
        }
    }
    out->seconds = sync_now() - t0;
    return rc;
}
