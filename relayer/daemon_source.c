/* The source job: follow the source head through the light client, then scan the
 * Outbox's MessageSent logs in verified blocks and record each message as seen.
 *
 * Nothing from the node is trusted before the light client verified it: logs are
 * read only up to the verified head, and each log's blockHash must be the hash
 * of the verified header at its height (else the node lies or the chain forked
 * below finality: alarm). m is recomputed from the decoded fields and must be
 * the log's topic1, nonce and sender must be its topic2 and topic3. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lightclient/bytes.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "relayer/abi.h"
#include "relayer/bridge_abi.h"
#include "relayer/daemon_internal.h"
#include "relayer/lc_sync.h"

/* Decodes and checks one log object. Returns ZK_OK; ZK_ERR_REJECTED when the log is
 * inconsistent with itself (a node lying: the caller alarms); ZK_ERR_MALFORMED. */
static int decode_log(daemon *d, msg_record *r, const json_t *log, zk_errbuf *err)
{
    msg_record_init(r);
    uint64_t txi, logi;
    uint8_t topics[4][32];
    const json_t *jt = json_object_get(log, "topics");
    if (!json_is_array(jt) || json_array_size(jt) != 4)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "MessageSent log without 4 topics");
    for (size_t i = 0; i < 4; i++) {
        const json_t *t = json_array_get(jt, i);
        if (!json_is_string(t) || hex_decode_fixed(topics[i], 32, json_string_value(t), err))
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "MessageSent log: bad topic %zu", i);
    }
    int rc;
    if ((rc = json_get_quantity(&r->block_number, log, "blockNumber", err)) ||
        (rc = json_get_data_fixed(r->block_hash, 32, log, "blockHash", err)) ||
        (rc = json_get_data_fixed(r->src_tx_hash, 32, log, "transactionHash", err)) ||
        (rc = json_get_quantity(&txi, log, "transactionIndex", err)) ||
        (rc = json_get_quantity(&logi, log, "logIndex", err)))
        return rc;
    if (txi > UINT32_MAX || logi > UINT32_MAX)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "MessageSent log: index out of range");
    r->tx_index = (uint32_t)txi;
    r->log_index = (uint32_t)logi;
    if (memcmp(topics[0], bridge_abi_topic_message_sent, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "a log that is not MessageSent was returned");
    uint8_t *data = NULL;
    size_t data_len = 0;
    rc = json_get_data_alloc(&data, &data_len, 64 * 1024, log, "data", err);
    if (rc != ZK_OK) return rc;
    abi_dec dec;
    abi_dec_init(&dec, data, data_len);
    const uint8_t *payload = NULL;
    size_t payload_len = 0;
    if (abi_dec_uint64(&dec, &r->dst_chain_id) != ZK_OK ||
        abi_dec_address(&dec, r->receiver) != ZK_OK ||
        abi_dec_bytes(&dec, &payload, &payload_len, NULL) != ZK_OK) {
        free(data);
        return ZK_FAIL(err, ZK_ERR_REJECTED, "MessageSent data does not decode");
    }
    rc = msg_record_set_payload(r, payload, payload_len);
    free(data);
    if (rc != ZK_OK) return ZK_FAIL(err, ZK_ERR_REJECTED, "MessageSent payload too large");
    /* topic2 = uint64 nonce, topic3 = address sender, both left-padded words. */
    static const uint8_t zero[24];
    if (memcmp(topics[2], zero, 24) != 0 || memcmp(topics[3], zero, 12) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "MessageSent topics are not canonical");
    r->nonce = be64_load(topics[2] + 24);
    memcpy(r->sender, topics[3] + 12, 20);
    bridge_abi_message_hash(r->m, d->cfg->source.chain_id, d->cfg->source.outbox, r->nonce,
                            r->sender, r->dst_chain_id, r->receiver, r->payload, r->payload_len);
    if (memcmp(r->m, topics[1], 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "MessageSent topic1 is not the hash of its fields (nonce %" PRIu64 ")",
                       r->nonce);
    return ZK_OK;
}

/* Scans [from, to] (verified blocks) and stores every new message for our
 * destination with the new scan height, in one batch. */
static int scan_range(daemon *d, uint64_t from, uint64_t to, zk_errbuf *err)
{
    rpc_log_filter f;
    memset(&f, 0, sizeof(f));
    f.from = rpc_block_at(from);
    f.to = rpc_block_at(to);
    f.address = d->cfg->source.outbox;
    f.topics[0] = bridge_abi_topic_message_sent;
    f.n_topics = 1;
    json_t *logs = NULL;
    zk_errbuf e = {{0}, 0};
    int rc = rpc_eth_get_logs(daemon_rpc(d, DAEMON_SRC), &logs, &f, &e);
    if (rc != ZK_OK) {
        daemon_rpc_failed(d, DAEMON_SRC, rc, "eth_getLogs", &e);
        return ZK_OK; /* retried next step */
    }
    msgstore_batch *b = msgstore_batch_new(d->ms);
    if (!b) {
        json_decref(logs);
        return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    }
    size_t added = 0;
    for (size_t i = 0; i < json_array_size(logs) && rc == ZK_OK; i++) {
        const json_t *log = json_array_get(logs, i);
        msg_record r;
        rc = decode_log(d, &r, log, &e);
        if (rc == ZK_OK && (r.block_number < from || r.block_number > to)) {
            ZK_FAIL(&e, ZK_ERR_REJECTED, "a log of block %" PRIu64 " outside the range asked",
                    r.block_number);
            rc = ZK_ERR_REJECTED;
        }
        lc_stored_header h;
        if (rc == ZK_OK) {
            rc = lc_store_get_header(lc_client_store(d->lc), &h, r.block_number, &e);
            if (rc == ZK_OK && memcmp(h.hash, r.block_hash, 32) != 0) {
                ZK_FAIL(&e, ZK_ERR_REJECTED,
                        "the log's blockHash at %" PRIu64 " is not the verified header's",
                        r.block_number);
                rc = ZK_ERR_REJECTED;
            }
        }
        if (rc == ZK_ERR_REJECTED) {
            daemon_alarm(d, "source: %s", e.msg);
        } else if (rc == ZK_OK && r.dst_chain_id == d->cfg->destination.chain_id) {
            msg_record old;
            int g = msgstore_get(d->ms, &old, r.m, NULL);
            if (g == ZK_OK) {
                msg_record_clear(&old); /* already seen: a rescan after a crash */
            } else {
                r.state = MSG_SEEN;
                r.t_ms[MSG_SEEN] = daemon_now_ms();
                rc = msgstore_batch_put_msg(b, &r, 0, &e);
                msg_block blk;
                if (rc == ZK_OK && msgstore_get_block(d->ms, &blk, r.block_number, NULL) != ZK_OK) {
                    msg_block_init(&blk);
                    blk.number = r.block_number;
                    blk.state = BLK_PENDING;
                    memcpy(blk.hash, h.hash, 32);
                    memcpy(blk.receipts_root, h.receipts_root, 32);
                    blk.t_ms[BLK_PENDING] = r.t_ms[MSG_SEEN];
                    rc = msgstore_batch_put_block(b, &blk, &e);
                }
                msg_block_clear(&blk);
                if (rc == ZK_OK) {
                    char mh[67];
                    hex_encode(mh, r.m, 32, true);
                    daemon_log(d, DLOG_INFO, "source", "seen m=%s nonce=%" PRIu64 " block=%" PRIu64,
                               mh, r.nonce, r.block_number);
                    added++;
                }
            }
        }
        msg_record_clear(&r);
    }
    json_decref(logs);
    if (rc == ZK_OK) {
        msgstore_batch_put_scan_height(b, to);
        rc = msgstore_batch_commit(b, &e);
    }
    msgstore_batch_free(b);
    if (rc == ZK_ERR_REJECTED) return ZK_OK; /* the alarm stops the loop */
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "%s", e.msg);
    pthread_mutex_lock(&d->m.mu);
    d->m.scan_height = to;
    pthread_mutex_unlock(&d->m.mu);
    (void)added;
    return ZK_OK;
}

int daemon_source_step(daemon *d, zk_errbuf *err)
{
    zk_errbuf e = {{0}, 0};
    lc_stored_header head;
    int rc = lc_store_head(lc_client_store(d->lc), &head, &e);
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "light client: %s", e.msg);
    uint64_t node_head;
    rc = rpc_eth_block_number(daemon_rpc(d, DAEMON_SRC), &node_head, &e);
    if (rc != ZK_OK) {
        daemon_rpc_failed(d, DAEMON_SRC, rc, "eth_blockNumber", &e);
        d->caught_up = false;
        return ZK_OK;
    }
    if (node_head < head.number) {
        daemon_alarm(d, "source head %" PRIu64 " is below the verified head %" PRIu64, node_head,
                     head.number);
        return ZK_OK;
    }
    lc_sync_options so;
    memset(&so, 0, sizeof(so));
    so.to = node_head;
    lc_sync_report rep;
    rc = lc_sync(d->lc, daemon_rpc(d, DAEMON_SRC), &so, &rep, &e);
    if (rc == ZK_ERR_MISMATCH || rc == ZK_ERR_REJECTED) {
        /* Equivocation, another chain, a header the light client refuses or a node
         * misreporting a finalized hash: all safety failures of the source. */
        daemon_alarm(d, "light client: %s", e.msg);
        return ZK_OK;
    }
    if (rc != ZK_OK) {
        daemon_rpc_failed(d, DAEMON_SRC, rc, "light-client sync", &e);
        d->caught_up = false;
        return ZK_OK;
    }
    rc = lc_store_head(lc_client_store(d->lc), &head, &e);
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "light client: %s", e.msg);
    pthread_mutex_lock(&d->m.mu);
    d->m.node_head = node_head;
    d->m.verified_head = head.number;
    d->m.header_lag_blocks = node_head - head.number;
    pthread_mutex_unlock(&d->m.mu);

    uint64_t scanned;
    bool found;
    rc = msgstore_get_scan_height(d->ms, &scanned, &found, &e);
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "%s", e.msg);
    uint64_t from = found && scanned + 1 > d->start_block ? scanned + 1 : d->start_block;
    /* Bounded ranges keep each eth_getLogs answer small; several per step catch up fast. */
    for (int i = 0; i < 16 && from <= head.number && !d->m.alarm; i++) {
        uint64_t to = head.number;
        if (to - from >= d->cfg->source.log_range) to = from + d->cfg->source.log_range - 1;
        rc = scan_range(d, from, to, err);
        if (rc != ZK_OK) return rc;
        rc = msgstore_get_scan_height(d->ms, &scanned, &found, &e);
        if (rc != ZK_OK) return ZK_FAIL(err, rc, "%s", e.msg);
        if (!found || scanned < to) break; /* an RPC failure: next step */
        from = to + 1;
    }
    d->caught_up = from > head.number && head.number == node_head;
    return ZK_OK;
}
