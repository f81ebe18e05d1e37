/* The submission job of the daemon: submitHeader transactions for proven blocks,
 * deliver transactions for inclusion-proven messages, and the tracking of both to
 * confirmation.
 *
 * Exactly once. Before each deliver the Inbox's status(nonce) is read: a message
 * another relayer delivered is confirmed without a transaction. Every transaction is
 * signed and stored WRITE-AHEAD: the record goes to `submitted` with the raw bytes,
 * hash, nonce and fees, together with the next nonce, in one synced batch, and only
 * then is it broadcast. After a kill -9 at any point the next run finds the record
 * and rebroadcasts those same bytes when the node does not know them (the same nonce,
 * so at most one of them can ever be mined); it never signs a second transaction for
 * a message while the first may still be mined.
 *
 * Nonces. The next nonce is max(the stored next nonce, eth_getTransactionCount
 * (pending)): the store covers transactions the node has not seen yet (written but
 * not broadcast before a crash), the node covers transactions sent by another tool.
 *
 * Fees (EIP-1559): fees_suggest over eth_feeHistory, within the configured caps. A
 * transaction not mined after replaceAfterSeconds is replaced by the same one with
 * fees bumped (fees_bump: +FEES_MIN_BUMP_PERCENT or more), same nonce, write-ahead
 * again. Should the nonce be used by another transaction (the replaced one mined,
 * or another tool), the contract is asked whether the work was done; if not, the
 * record goes back one state and is signed again with a fresh nonce. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lightclient/bytes.h"
#include "lightclient/hex.h"
#include "prover/solidity_verifier.h"
#include "relayer/abi.h"
#include "relayer/bridge_abi.h"
#include "relayer/bundle.h"
#include "relayer/daemon_internal.h"
#include "relayer/fees.h"
#include "relayer/keyfile.h"
#include "relayer/rpc_tx.h"
#include "relayer/tx.h"

#define GWEI 1000000000ull
/* Inbox.status(nonce): 0 None, 1 Delivered, 2 Failed (the receiver reverted; retryable). */
#define INBOX_NONE 0

int daemon_view_word(daemon *d, uint8_t out[32], const uint8_t to[20], const char *signature,
                     bool has_arg, uint64_t arg, zk_errbuf *err)
{
    uint8_t data[36] = {0};
    abi_selector(data, signature);
    if (has_arg) be64_store(data + 28, arg);
    uint8_t *ret = NULL;
    size_t n = 0;
    int rc = rpc_eth_call(daemon_rpc(d, DAEMON_DST), &ret, &n, to, data, has_arg ? 36 : 4,
                          rpc_block_tagged(RPC_BLOCK_LATEST), err);
    if (rc == ZK_OK && n != 32)
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "%s returned %zu bytes", signature, n);
    if (rc == ZK_OK) memcpy(out, ret, 32);
    free(ret);
    if (rc != ZK_OK) daemon_rpc_failed(d, DAEMON_DST, rc, signature, err);
    return rc;
}

/* ---- one record with a transaction: a message or a block ------------------------ */

typedef struct item {
    bool is_block;
    msg_record r;
    msg_block b;
    char label[96]; /* "m=0x.. nonce=N" or "block=N": for the log lines */
} item;

static msgstore_tx *item_tx(item *it)
{
    return it->is_block ? &it->b.tx : &it->r.tx;
}

static void item_label(item *it)
{
    if (it->is_block) {
        snprintf(it->label, sizeof(it->label), "block=%" PRIu64, it->b.number);
    } else {
        char mh[67];
        hex_encode(mh, it->r.m, 32, true);
        snprintf(it->label, sizeof(it->label), "m=%s nonce=%" PRIu64, mh, it->r.nonce);
    }
}

/* Adds the record's put (and, for a block reaching confirmed or failed, its messages'
 * transitions) to batch bt. prev: the state the stored record has. */
static int item_put(daemon *d, msgstore_batch *bt, item *it, int prev, zk_errbuf *err)
{
    if (!it->is_block) return msgstore_batch_put_msg(bt, &it->r, prev, err);
    int rc = msgstore_batch_put_block(bt, &it->b, err);
    if (rc == ZK_OK && it->b.state == BLK_CONFIRMED)
        rc = daemon_block_messages(d, bt, it->b.number, MSG_SEEN, MSG_HEADER_PROVEN, NULL, err);
    if (rc == ZK_OK && it->b.state == BLK_FAILED)
        rc = daemon_block_messages(d, bt, it->b.number, MSG_SEEN, MSG_FAILED, it->b.reason, err);
    return rc;
}

/* Moves it to state st (a msg_state or blk_state) in one batch. */
static int item_move(daemon *d, item *it, int st, const char *reason, zk_errbuf *err)
{
    int prev;
    if (it->is_block) {
        prev = (int)it->b.state;
        it->b.state = (blk_state)st;
        it->b.t_ms[st] = daemon_now_ms();
        if (reason) snprintf(it->b.reason, sizeof(it->b.reason), "%s", reason);
    } else {
        prev = (int)it->r.state;
        it->r.state = (msg_state)st;
        it->r.t_ms[st] = daemon_now_ms();
        if (reason) snprintf(it->r.reason, sizeof(it->r.reason), "%s", reason);
    }
    msgstore_batch *bt = msgstore_batch_new(d->ms);
    if (!bt) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    int rc = item_put(d, bt, it, prev, err);
    if (rc == ZK_OK) rc = msgstore_batch_commit(bt, err);
    msgstore_batch_free(bt);
    if (rc == ZK_OK)
        daemon_log(d, st == (it->is_block ? BLK_FAILED : MSG_FAILED) ? DLOG_ERROR : DLOG_INFO,
                   "submitter", "%s %s%s%s", it->is_block ? blk_state_name(st) : msg_state_name(st),
                   it->label, reason ? " reason=" : "", reason ? reason : "");
    return rc;
}

/* ---- signing ----------------------------------------------------------------------- */

/* Signs tx with the configured key (read for the signature, wiped after it).
 * Out: st (hash, raw and the fields). */
static int sign(daemon *d, msgstore_tx *st, const tx_eip1559 *tx, zk_errbuf *err)
{
    uint8_t key[32], addr[20];
    const config_destination *dc = &d->cfg->destination;
    zk_errbuf e = {{0}, 0};
    int rc = dc->key_file[0] ? keyfile_load(d->ctx, key, addr, dc->key_file, &e)
                             : keyfile_from_env(d->ctx, key, addr, dc->key_env, &e);
    zk_buf raw;
    buf_init(&raw, TX_MAX_RAW);
    uint8_t hash[32];
    if (rc == ZK_OK && memcmp(addr, d->signer, 20) != 0)
        rc = ZK_FAIL(&e, ZK_ERR_MISMATCH, "the key changed since the daemon started");
    if (rc == ZK_OK) rc = tx_sign(d->ctx, &raw, hash, tx, key, &e);
    zk_wipe(key, sizeof(key));
    if (rc == ZK_OK) rc = msgstore_tx_set_raw(st, raw.data, raw.len);
    buf_clear(&raw);
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "signing: %s", e.msg[0] ? e.msg : zk_strerror(rc));
    memcpy(st->hash, hash, 32);
    st->nonce = tx->nonce;
    st->max_fee = tx->max_fee;
    st->max_priority_fee = tx->max_priority_fee;
    st->gas_limit = tx->gas_limit;
    st->sent_ms = daemon_now_ms();
    return ZK_OK;
}

static fees_caps caps_of(const daemon *d)
{
    fees_caps c;
    c.max_fee_cap = d->cfg->destination.max_fee_gwei * GWEI;
    c.priority_cap = d->cfg->destination.max_priority_fee_gwei * GWEI;
    c.priority_floor = c.priority_cap < GWEI / 1000 ? c.priority_cap : GWEI / 1000;
    return c;
}

/* Fees for a new transaction. Returns ZK_OK; an RPC code (retry); ZK_ERR_RANGE when
 * the base fee is above the cap (warned, retried). */
static int suggest(daemon *d, fees_pair *f, zk_errbuf *err)
{
    json_t *hist = NULL;
    const double pct[1] = {50.0};
    int rc = rpc_eth_fee_history(daemon_rpc(d, DAEMON_DST), &hist, 4,
                                 rpc_block_tagged(RPC_BLOCK_LATEST), pct, 1, err);
    if (rc != ZK_OK) {
        daemon_rpc_failed(d, DAEMON_DST, rc, "eth_feeHistory", err);
        return rc;
    }
    fees_caps c = caps_of(d);
    rc = fees_suggest(f, hist, &c, err);
    json_decref(hist);
    if (rc != ZK_OK) daemon_warn_once(d, "submitter", "fees: %s", err->msg);
    return rc;
}

/* The next nonce (see the top comment). */
static int next_nonce(daemon *d, uint64_t *out, zk_errbuf *err)
{
    uint64_t stored = 0, node = 0;
    int rc = msgstore_get_next_nonce(d->ms, &stored, NULL, err);
    if (rc != ZK_OK) return rc;
    rc = rpc_eth_get_transaction_count(daemon_rpc(d, DAEMON_DST), &node, d->signer,
                                       rpc_block_tagged(RPC_BLOCK_PENDING), err);
    if (rc != ZK_OK) {
        daemon_rpc_failed(d, DAEMON_DST, rc, "eth_getTransactionCount", err);
        return rc;
    }
    *out = stored > node ? stored : node;
    return ZK_OK;
}

static void broadcast(daemon *d, item *it, const char *what)
{
    msgstore_tx *t = item_tx(it);
    uint8_t got[32];
    zk_errbuf e = {{0}, 0};
    int rc = rpc_eth_send_raw_transaction(daemon_rpc(d, DAEMON_DST), got, t->raw, t->raw_len, &e);
    char th[67];
    hex_encode(th, t->hash, 32, true);
    if (rc == ZK_OK)
        daemon_log(d, DLOG_INFO, "submitter",
                   "%s %s tx=%s nonce=%" PRIu64 " maxFee=%" PRIu64 " tip=%" PRIu64, what, it->label,
                   th, t->nonce, t->max_fee, t->max_priority_fee);
    else
        /* "already known", "nonce too low" after a retried send...: the tracker reads the
         * receipt by hash and decides; nothing is re-signed here. */
        daemon_log(d, DLOG_WARN, "submitter", "%s %s tx=%s: %s (tracked by hash)", what, it->label,
                   th, e.msg);
}

/* Signs a new transaction for it (to, calldata), stores it write-ahead with the next
 * nonce as state st_submitted, then broadcasts it. */
static int submit_new(daemon *d, item *it, int st_submitted, const uint8_t to[20],
                      const uint8_t *data, size_t len, uint64_t gas, zk_errbuf *err)
{
    fees_pair f;
    uint64_t nonce;
    zk_errbuf e = {{0}, 0};
    if (suggest(d, &f, &e) != ZK_OK || next_nonce(d, &nonce, &e) != ZK_OK) return ZK_OK;
    tx_eip1559 tx;
    memset(&tx, 0, sizeof(tx));
    tx.chain_id = d->cfg->destination.chain_id;
    tx.nonce = nonce;
    tx.max_fee = f.max_fee;
    tx.max_priority_fee = f.max_priority_fee;
    tx.gas_limit = gas;
    memcpy(tx.to, to, 20);
    tx.data = data;
    tx.data_len = len;
    msgstore_tx *t = item_tx(it);
    int rc = sign(d, t, &tx, err);
    if (rc != ZK_OK) return rc;
    t->attempts = 1;
    int prev;
    if (it->is_block) {
        prev = (int)it->b.state;
        it->b.state = (blk_state)st_submitted;
        it->b.t_ms[st_submitted] = daemon_now_ms();
    } else {
        prev = (int)it->r.state;
        it->r.state = (msg_state)st_submitted;
        it->r.t_ms[st_submitted] = daemon_now_ms();
    }
    msgstore_batch *bt = msgstore_batch_new(d->ms);
    if (!bt) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    rc = item_put(d, bt, it, prev, err);
    if (rc == ZK_OK) {
        msgstore_batch_put_next_nonce(bt, nonce + 1);
        rc = msgstore_batch_commit(bt, err);
    }
    msgstore_batch_free(bt);
    if (rc != ZK_OK) return rc;
    broadcast(d, it, "submitted");
    return ZK_OK;
}

/* ---- calldata -------------------------------------------------------------------- */

static int put_word_u64(zk_buf *b, uint64_t v)
{
    uint8_t w[32] = {0};
    be64_store(w + 24, v);
    return buf_append(b, w, 32);
}

static int put_word_addr(zk_buf *b, const uint8_t a[20])
{
    uint8_t w[32] = {0};
    memcpy(w + 12, a, 20);
    return buf_append(b, w, 32);
}

/* The 8 proof words of a verifyProof call (A, B with swapped Fp2 halves, C). */
static int put_proof(zk_buf *b, const groth16_proof *p, const uint8_t (*pub)[32], size_t n_pub)
{
    uint8_t data[4 + 32 * (8 + STMT_FIN_N_PUBLIC)];
    size_t len = sizeof(data);
    int rc = solidity_verifier_calldata(data, &len, p, pub, n_pub);
    return rc == ZK_OK ? buf_append(b, data + 4, 8 * 32) : rc;
}

/* ZkLightClient.submitHeader(a, b, c, newSetCommitment, number, hash, root). */
static int header_calldata(zk_buf *out, const msg_block *blk, const daemon_fin_doc *f)
{
    int rc = buf_append(out, bridge_abi_sel_submit_header, 4);
    if (rc == ZK_OK)
        rc = put_proof(out, &f->proof, (const uint8_t(*)[32])f->pub, STMT_FIN_N_PUBLIC);
    if (rc == ZK_OK) rc = buf_append(out, f->pub[1], 32);
    if (rc == ZK_OK) rc = put_word_u64(out, blk->number);
    if (rc == ZK_OK) rc = buf_append(out, blk->hash, 32);
    if (rc == ZK_OK) rc = buf_append(out, blk->receipts_root, 32);
    return rc;
}

/* Inbox.deliver(a, b, c, blockNumber, nonce, sender, receiver, payload). */
static int deliver_calldata(zk_buf *out, const msg_record *r, const groth16_proof *p,
                            const uint8_t pub[32])
{
    int rc = buf_append(out, bridge_abi_sel_deliver, 4);
    if (rc == ZK_OK) rc = put_proof(out, p, (const uint8_t(*)[32])pub, 1);
    if (rc == ZK_OK) rc = put_word_u64(out, r->block_number);
    if (rc == ZK_OK) rc = put_word_u64(out, r->nonce);
    if (rc == ZK_OK) rc = put_word_addr(out, r->sender);
    if (rc == ZK_OK) rc = put_word_addr(out, r->receiver);
    if (rc == ZK_OK) rc = put_word_u64(out, 13 * 32); /* offset of payload: 13 head words */
    if (rc == ZK_OK) rc = put_word_u64(out, r->payload_len);
    if (rc == ZK_OK && r->payload_len) rc = buf_append(out, r->payload, r->payload_len);
    static const uint8_t zero[32];
    if (rc == ZK_OK && r->payload_len % 32) rc = buf_append(out, zero, 32 - r->payload_len % 32);
    return rc;
}

/* ---- contract state ---------------------------------------------------------------- */

/* receiptsRoot(number) on the light client contract (zero: not stored). */
static int stored_root(daemon *d, uint8_t root[32], uint64_t number, zk_errbuf *err)
{
    return daemon_view_word(d, root, d->cfg->destination.light_client, "receiptsRoot(uint64)", true,
                            number, err);
}

static int inbox_status(daemon *d, uint64_t *st, uint64_t nonce, zk_errbuf *err)
{
    uint8_t w[32];
    int rc = daemon_view_word(d, w, d->cfg->destination.inbox, "status(uint64)", true, nonce, err);
    if (rc == ZK_OK) *st = be64_load(w + 24);
    return rc;
}

static const char *status_note(uint64_t st)
{
    return st == 1 ? "delivered by another relayer"
                   : "processed by another relayer: the receiver's call failed (Inbox status "
                     "Failed, retryable by anyone)";
}

/* ---- new transactions -------------------------------------------------------------- */

static int submit_header(daemon *d, item *it, zk_errbuf *err)
{
    msg_block *b = &it->b;
    zk_errbuf e = {{0}, 0};
    uint8_t root[32], w[32];
    static const uint8_t zero[32];
    if (stored_root(d, root, b->number, &e) != ZK_OK) return ZK_OK;
    if (memcmp(root, b->receipts_root, 32) == 0)
        return item_move(d, it, BLK_CONFIRMED, "header stored by another relayer", err);
    if (memcmp(root, zero, 32) != 0)
        return item_move(d, it, BLK_FAILED,
                         "the light client holds another receiptsRoot for this height "
                         "(equivocation on the source?)",
                         err);
    if (daemon_view_word(d, w, d->cfg->destination.light_client, "lastRotationNumber()", false, 0,
                         &e) != ZK_OK)
        return ZK_OK;
    if (be64_load(w + 24) >= b->number)
        return item_move(d, it, BLK_FAILED,
                         "at or below the light client's last rotation: it can never be stored",
                         err);
    if (daemon_view_word(d, w, d->cfg->destination.light_client, "validatorSetCommitment()", false,
                         0, &e) != ZK_OK)
        return ZK_OK;
    if (memcmp(w, b->cur_set, 32) != 0) {
        /* Proven against a set the contract no longer trusts: prove again. */
        if (msg_block_set_proof(b, NULL) != ZK_OK) return ZK_FAIL(err, ZK_ERR_NOMEM, "oom");
        return item_move(d, it, BLK_PENDING, NULL, err);
    }
    daemon_fin_doc *f = malloc(sizeof(*f));
    if (!f) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    int rc = b->proof_json ? daemon_fin_doc_parse(f, b->proof_json, err)
                           : ZK_FAIL(err, ZK_ERR_MALFORMED, "no proof");
    zk_buf data;
    buf_init(&data, 4096);
    if (rc == ZK_OK) rc = header_calldata(&data, b, f);
    if (rc == ZK_OK)
        rc = submit_new(d, it, BLK_SUBMITTED, d->cfg->destination.light_client, data.data, data.len,
                        d->cfg->destination.gas_limit_header, err);
    buf_clear(&data);
    free(f);
    return rc;
}

static int submit_deliver(daemon *d, item *it, zk_errbuf *err)
{
    msg_record *r = &it->r;
    zk_errbuf e = {{0}, 0};
    uint64_t st;
    if (inbox_status(d, &st, r->nonce, &e) != ZK_OK) return ZK_OK;
    if (st != INBOX_NONE) return item_move(d, it, MSG_CONFIRMED, status_note(st), err);
    char *text = NULL;
    int rc = msgstore_get_bundle(d->ms, &text, r->m, err);
    if (rc != ZK_OK) return rc;
    bundle *bu = malloc(sizeof(*bu));
    if (!bu) {
        free(text);
        return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    }
    rc = bundle_parse(bu, text, strlen(text), err);
    free(text);
    groth16_proof p;
    if (rc == ZK_OK) rc = groth16_proof_from_json(&p, &bu->inc_proof, err);
    zk_buf data;
    buf_init(&data, 8192);
    if (rc == ZK_OK) rc = deliver_calldata(&data, r, &p, bu->inc_public[0]);
    bundle_clear(bu);
    free(bu);
    if (rc == ZK_OK)
        rc = submit_new(d, it, MSG_SUBMITTED, d->cfg->destination.inbox, data.data, data.len,
                        d->cfg->destination.gas_limit_deliver, err);
    buf_clear(&data);
    return rc;
}

/* ---- tracking ------------------------------------------------------------------------ */

/* Why a mined transaction reverted: its call replayed on the state before its block,
 * the revert data decoded (a bridge custom error by name). */
static void revert_reason(daemon *d, char *out, size_t cap, item *it, uint64_t block,
                          uint64_t gas_used, bool *already)
{
    *already = false;
    msgstore_tx *t = item_tx(it);
    tx_decoded td;
    zk_errbuf e = {{0}, 0};
    snprintf(out, cap, "reverted on chain (gas used %" PRIu64 " of %" PRIu64 ")", gas_used,
             t->gas_limit);
    if (tx_decode(d->ctx, &td, t->raw, t->raw_len, &e) != ZK_OK) return;
    char from[43], to[43], blk[24];
    hex_encode(from, d->signer, 20, true);
    hex_encode(to, td.tx.to, 20, true);
    snprintf(blk, sizeof(blk), "0x%" PRIx64, block > 0 ? block - 1 : 0);
    char *data = malloc(2 * td.tx.data_len + 3);
    if (!data) return;
    hex_encode(data, td.tx.data, td.tx.data_len, true);
    json_t *res = NULL;
    rpc_client *c = daemon_rpc(d, DAEMON_DST);
    int rc = rpc_call(c, &res, "eth_call",
                      json_pack("[{s:s,s:s,s:s,s:s},s]", "from", from, "to", to, "data", data,
                                "gas", "0x1c9c380", blk),
                      &e);
    free(data);
    json_decref(res);
    const char *rd = rc == ZK_ERR_RPC ? rpc_last_error_data(c) : NULL;
    if (!rd) return;
    uint8_t *bytes = NULL;
    size_t n = 0;
    if (strlen(rd) > 8194 || hex_decode_alloc(&bytes, &n, rd, NULL) != ZK_OK) return;
    abi_revert rv;
    if (abi_revert_decode(&rv, bytes, n, NULL) == ZK_OK) {
        const bridge_abi_error *be = bridge_abi_error_find(bytes, n);
        char what[200];
        if (be) {
            snprintf(what, sizeof(what), "%s", be->signature);
            *already = strncmp(be->signature, "AlreadyProcessed(", 17) == 0;
        } else {
            abi_revert_format(what, sizeof(what), &rv);
        }
        snprintf(out, cap, "reverted: %s (gas used %" PRIu64 ")", what, gas_used);
    }
    free(bytes);
}

/* Whether the work of it is done on the contract (another transaction did it). */
static int work_done(daemon *d, item *it, bool *done, const char **note, zk_errbuf *err)
{
    *done = false;
    if (it->is_block) {
        uint8_t root[32];
        int rc = stored_root(d, root, it->b.number, err);
        if (rc != ZK_OK) return rc;
        *done = memcmp(root, it->b.receipts_root, 32) == 0;
        *note = "header stored by an earlier transaction with this nonce or another relayer";
        return ZK_OK;
    }
    uint64_t st;
    int rc = inbox_status(d, &st, it->r.nonce, err);
    if (rc != ZK_OK) return rc;
    *done = st != INBOX_NONE;
    *note = st == 1 ? "delivered (by an earlier transaction with this nonce or another relayer)"
                    : status_note(st);
    return ZK_OK;
}

static int on_mined(daemon *d, item *it, const json_t *rcpt, zk_errbuf *err)
{
    bool success;
    uint64_t bn, gas, price;
    zk_errbuf e = {{0}, 0};
    if (rpc_receipt_summary(&success, &bn, &gas, &price, rcpt, &e) != ZK_OK) {
        daemon_warn_once(d, "submitter", "%s: bad receipt: %s", it->label, e.msg);
        return ZK_OK;
    }
    if (d->dst_head + 1 < bn + d->cfg->destination.confirmations) return ZK_OK; /* not deep yet */
    msgstore_outcome *o = it->is_block ? &it->b.outcome : &it->r.outcome;
    o->block_number = bn;
    o->gas_used = gas;
    o->effective_gas_price = price;
    char reason[MSGSTORE_REASON_MAX];
    int ok_state = it->is_block ? BLK_CONFIRMED : MSG_CONFIRMED;
    int fail_state = it->is_block ? BLK_FAILED : MSG_FAILED;
    int rc;
    if (success) {
        bool done = true;
        const char *note = NULL;
        if (it->is_block) {
            /* A success that stored nothing: the contract saw another hash at this height
             * (equivocation: it froze) or already had it. */
            if (work_done(d, it, &done, &note, &e) != ZK_OK) return ZK_OK;
        }
        rc = done ? item_move(d, it, ok_state, NULL, err)
                  : item_move(d, it, fail_state,
                              "mined, but the light client holds another receiptsRoot "
                              "(equivocation: the contract froze)",
                              err);
    } else {
        bool already = false;
        revert_reason(d, reason, sizeof(reason), it, bn, gas, &already);
        bool done = already;
        const char *note = "delivered by another relayer";
        if (!done && work_done(d, it, &done, &note, &e) != ZK_OK) return ZK_OK;
        rc = done ? item_move(d, it, ok_state, note, err)
                  : item_move(d, it, fail_state, reason, err);
    }
    if (rc == ZK_OK) {
        pthread_mutex_lock(&d->m.mu);
        d->m.gas_spent_total += gas;
        pthread_mutex_unlock(&d->m.mu);
    }
    return rc;
}

/* Replaces the pending transaction by the same one with bumped fees (same nonce). */
static int bump(daemon *d, item *it, zk_errbuf *err)
{
    msgstore_tx *t = item_tx(it);
    tx_decoded td;
    zk_errbuf e = {{0}, 0};
    int rc = tx_decode(d->ctx, &td, t->raw, t->raw_len, &e);
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "%s: stored transaction: %s", it->label, e.msg);
    fees_pair old = {t->max_fee, t->max_priority_fee}, nf;
    fees_caps c = caps_of(d);
    if (fees_bump(&nf, &old, FEES_MIN_BUMP_PERCENT + 2, &c, &e) != ZK_OK) {
        daemon_warn_once(d, "submitter", "%s: cannot replace: %s; waiting", it->label, e.msg);
        return ZK_OK;
    }
    /* td.tx.data borrows t->raw, which sign() replaces: copy it first. */
    uint8_t *data = td.tx.data_len ? malloc(td.tx.data_len) : NULL;
    if (td.tx.data_len && !data) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    if (data) memcpy(data, td.tx.data, td.tx.data_len);
    tx_eip1559 tx = td.tx;
    tx.data = data;
    tx.max_fee = nf.max_fee;
    tx.max_priority_fee = nf.max_priority_fee;
    uint32_t attempts = t->attempts;
    rc = sign(d, t, &tx, err);
    free(data);
    if (rc != ZK_OK) return rc;
    t->attempts = attempts + 1;
    int st = it->is_block ? (int)it->b.state : (int)it->r.state;
    msgstore_batch *bt = msgstore_batch_new(d->ms);
    if (!bt) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    rc = item_put(d, bt, it, st, err);
    if (rc == ZK_OK) rc = msgstore_batch_commit(bt, err);
    msgstore_batch_free(bt);
    if (rc == ZK_OK) broadcast(d, it, "replaced (fees bumped)");
    return rc;
}

static int track(daemon *d, item *it, zk_errbuf *err)
{
    msgstore_tx *t = item_tx(it);
    zk_errbuf e = {{0}, 0};
    json_t *rcpt = NULL;
    rpc_client *c = daemon_rpc(d, DAEMON_DST);
    int rc = rpc_eth_get_transaction_receipt(c, &rcpt, t->hash, &e);
    if (rc == ZK_OK) {
        rc = on_mined(d, it, rcpt, err);
        json_decref(rcpt);
        return rc;
    }
    if (rc != ZK_ERR_NOTFOUND) {
        daemon_rpc_failed(d, DAEMON_DST, rc, "eth_getTransactionReceipt", &e);
        return ZK_OK;
    }
    uint64_t mined_count;
    rc = rpc_eth_get_transaction_count(c, &mined_count, d->signer,
                                       rpc_block_tagged(RPC_BLOCK_LATEST), &e);
    if (rc != ZK_OK) {
        daemon_rpc_failed(d, DAEMON_DST, rc, "eth_getTransactionCount", &e);
        return ZK_OK;
    }
    if (mined_count > t->nonce) {
        /* The nonce is used, but not by this hash (a race with the receipt index aside:
         * read it once more). */
        if (rpc_eth_get_transaction_receipt(c, &rcpt, t->hash, &e) == ZK_OK) {
            rc = on_mined(d, it, rcpt, err);
            json_decref(rcpt);
            return rc;
        }
        bool done;
        const char *note = NULL;
        if (work_done(d, it, &done, &note, &e) != ZK_OK) return ZK_OK;
        if (done) return item_move(d, it, it->is_block ? BLK_CONFIRMED : MSG_CONFIRMED, note, err);
        daemon_log(d, DLOG_WARN, "submitter",
                   "%s: nonce %" PRIu64 " was used by another transaction: signing again",
                   it->label, t->nonce);
        free(t->raw);
        memset(t, 0, sizeof(*t));
        return item_move(d, it, it->is_block ? BLK_PROVEN : MSG_INCLUSION_PROVEN, NULL, err);
    }
    char th[67];
    hex_encode(th, t->hash, 32, true);
    json_t *txo = NULL;
    rc = rpc_call(c, &txo, "eth_getTransactionByHash", json_pack("[s]", th), &e);
    if (rc != ZK_OK) {
        daemon_rpc_failed(d, DAEMON_DST, rc, "eth_getTransactionByHash", &e);
        return ZK_OK;
    }
    bool known = txo && !json_is_null(txo);
    json_decref(txo);
    if (!known) {
        /* Written before a crash and never broadcast, or dropped by the node: the SAME bytes. */
        broadcast(d, it, "rebroadcast");
        return ZK_OK;
    }
    if (daemon_now_ms() - t->sent_ms >= d->cfg->destination.replace_after_seconds * 1000u)
        return bump(d, it, err);
    return ZK_OK;
}

/* ---- the step --------------------------------------------------------------------------- */

typedef struct msg_walk {
    daemon *d;
    zk_errbuf *err;
    int rc;
} msg_walk;

static int msg_each(void *arg, const msg_record *r)
{
    msg_walk *w = arg;
    item it;
    memset(&it, 0, sizeof(it));
    /* A private copy: the walk's record is valid during the call only and the
     * transitions below replace heap parts. */
    int rc = msgstore_get(w->d->ms, &it.r, r->m, w->err);
    if (rc != ZK_OK) {
        w->rc = rc;
        return -1;
    }
    item_label(&it);
    if (it.r.state == MSG_INCLUSION_PROVEN)
        rc = submit_deliver(w->d, &it, w->err);
    else if (it.r.state == MSG_SUBMITTED)
        rc = track(w->d, &it, w->err);
    msg_record_clear(&it.r);
    if (rc != ZK_OK) {
        w->rc = rc;
        return -1;
    }
    return 0;
}

typedef struct blk_walk {
    daemon *d;
    zk_errbuf *err;
    int rc;
    bool blocked; /* an unconfirmed rotation below: later headers wait */
} blk_walk;

static int blk_each(void *arg, const msg_block *b)
{
    blk_walk *w = arg;
    if (w->blocked) return 0;
    bool rot = b->rotation && b->state != BLK_CONFIRMED && b->state != BLK_FAILED;
    if (b->state == BLK_PROVEN || b->state == BLK_SUBMITTED) {
        item it;
        memset(&it, 0, sizeof(it));
        it.is_block = true;
        int rc = msgstore_get_block(w->d->ms, &it.b, b->number, w->err);
        if (rc == ZK_OK) {
            item_label(&it);
            rc = it.b.state == BLK_PROVEN ? submit_header(w->d, &it, w->err)
                                          : track(w->d, &it, w->err);
            msg_block_clear(&it.b);
        }
        if (rc != ZK_OK) {
            w->rc = rc;
            return -1;
        }
    } else if (b->state == BLK_CONFIRMED || b->state == BLK_FAILED) {
        /* Messages seen after their block was settled (a rescan): move them too. */
        msgstore_batch *bt = msgstore_batch_new(w->d->ms);
        int rc =
            bt ? daemon_block_messages(w->d, bt, b->number, MSG_SEEN,
                                       b->state == BLK_CONFIRMED ? MSG_HEADER_PROVEN : MSG_FAILED,
                                       b->state == BLK_FAILED ? b->reason : NULL, w->err)
               : ZK_ERR_NOMEM;
        if (rc == ZK_OK) rc = msgstore_batch_commit(bt, w->err);
        msgstore_batch_free(bt);
        if (rc != ZK_OK) {
            w->rc = rc;
            return -1;
        }
    }
    w->blocked = rot;
    return 0;
}

int daemon_submit_step(daemon *d, zk_errbuf *err)
{
    zk_errbuf e = {{0}, 0};
    int rc = rpc_eth_block_number(daemon_rpc(d, DAEMON_DST), &d->dst_head, &e);
    if (rc != ZK_OK) {
        daemon_rpc_failed(d, DAEMON_DST, rc, "eth_blockNumber", &e);
        return ZK_OK;
    }
    blk_walk bw = {d, err, ZK_OK, false};
    rc = msgstore_each_block(d->ms, blk_each, &bw, err);
    if (rc == -1) rc = bw.rc;
    if (rc != ZK_OK) return rc;
    msg_walk mw = {d, err, ZK_OK};
    rc = msgstore_each(d->ms, MSG_INCLUSION_PROVEN, msg_each, &mw, err);
    if (rc == -1) rc = mw.rc;
    if (rc != ZK_OK) return rc;
    rc = msgstore_each(d->ms, MSG_SUBMITTED, msg_each, &mw, err);
    if (rc == -1) rc = mw.rc;
    return rc;
}
