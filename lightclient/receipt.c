/* Receipts: JSON-RPC reader, consensus encoding and strict decoding, logs
 * bloom, and the receipts trie root (Yellow Paper 4.3.1, EIP-658, EIP-2718). */
#include "receipt.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "json_fields.h"
#include "keccak.h"
#include "mpt.h"
#include "rlp.h"

void receipt_clear(eth_receipt *r)
{
    for (size_t i = 0; i < r->n_logs; i++)
        free(r->logs[i].data);
    free(r->logs);
    memset(r, 0, sizeof(*r));
}

/* ---- JSON ---- */

/* A 0x-prefixed DATA string of exactly n bytes held directly in an array. */
static int json_data_fixed_value(uint8_t *out, size_t n, const json_t *v, const char *what,
                                 zk_errbuf *err)
{
    const char *s = json_string_value(v);
    if (!s || strncmp(s, "0x", 2) != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: expected a 0x-prefixed hex string", what);
    int rc = hex_decode_fixed(out, n, s, err);
    if (rc) return zk_fail_wrap(err, rc, "%s", what);
    return ZK_OK;
}

static int log_from_json(eth_log *lg, const json_t *obj, size_t idx, zk_errbuf *err)
{
    int rc;
    if (!json_is_object(obj))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "log %zu is not an object", idx);
    if ((rc = json_get_data_fixed(lg->address, 20, obj, "address", err)) != ZK_OK)
        return zk_fail_wrap(err, rc, "log %zu", idx);
    const json_t *topics = json_object_get(obj, "topics");
    if (!json_is_array(topics))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "log %zu: \"topics\" is not an array", idx);
    if (json_array_size(topics) > 4)
        return ZK_FAIL(err, ZK_ERR_RANGE, "log %zu: %zu topics (at most 4)", idx,
                       json_array_size(topics));
    size_t i;
    const json_t *t;
    json_array_foreach(topics, i, t)
    {
        if ((rc = json_data_fixed_value(lg->topics[i], 32, t, "topic", err)) != ZK_OK)
            return zk_fail_wrap(err, rc, "log %zu, topic %zu", idx, i);
    }
    lg->n_topics = json_array_size(topics);
    if ((rc = json_get_data_alloc(&lg->data, &lg->data_len, RECEIPT_MAX_LOG_DATA, obj, "data",
                                  err)) != ZK_OK)
        return zk_fail_wrap(err, rc, "log %zu", idx);
    return ZK_OK;
}

static int receipt_from_json_inner(eth_receipt *out, const json_t *obj, zk_errbuf *err)
{
    uint64_t v;
    int rc;
    if (!json_is_object(obj)) return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt is not an object");

    /* Nodes before Berlin omit "type" for legacy receipts. */
    rc = json_get_quantity(&v, obj, "type", err);
    if (rc == ZK_ERR_NOTFOUND)
        v = 0;
    else if (rc)
        return rc;
    if (v > RECEIPT_MAX_TYPE)
        return ZK_FAIL(err, ZK_ERR_RANGE, "receipt type 0x%llx is not supported",
                       (unsigned long long)v);
    out->type = (uint8_t)v;

    /* EIP-658: "status" after Byzantium, the post-state "root" before. */
    int st = json_get_quantity(&v, obj, "status", err);
    if (st != ZK_OK && st != ZK_ERR_NOTFOUND) return st;
    int rt = json_get_data_fixed(out->post_state, 32, obj, "root", err);
    if (rt != ZK_OK && rt != ZK_ERR_NOTFOUND) return rt;
    if (st == ZK_OK && rt == ZK_OK)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt has both \"status\" and \"root\"");
    if (st == ZK_OK) {
        if (v > 1)
            return ZK_FAIL(err, ZK_ERR_RANGE, "field \"status\": %llu is not 0 or 1",
                           (unsigned long long)v);
        out->has_status = true;
        out->status = (uint8_t)v;
    } else if (rt == ZK_OK) {
        if (out->type != 0)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "typed receipt with a post-state \"root\"");
        out->has_status = false;
    } else {
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "receipt has neither \"status\" nor \"root\"");
    }

    if ((rc = json_get_quantity(&out->cumulative_gas, obj, "cumulativeGasUsed", err)) != ZK_OK)
        return rc;
    if ((rc = json_get_data_fixed(out->bloom, 256, obj, "logsBloom", err)) != ZK_OK) return rc;

    const json_t *logs = json_object_get(obj, "logs");
    if (!logs || json_is_null(logs))
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "field \"logs\" is missing");
    if (!json_is_array(logs))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "field \"logs\" is not an array");
    size_t n = json_array_size(logs);
    if (n > RECEIPT_MAX_LOGS)
        return ZK_FAIL(err, ZK_ERR_RANGE, "%zu logs exceed the limit of %u", n, RECEIPT_MAX_LOGS);
    if (n) {
        out->logs = calloc(n, sizeof(*out->logs));
        if (!out->logs) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory for %zu logs", n);
    }
    for (size_t i = 0; i < n; i++) {
        rc = log_from_json(&out->logs[i], json_array_get(logs, i), i, err);
        out->n_logs = i + 1; /* so receipt_clear frees what was allocated */
        if (rc) return rc;
    }
    return ZK_OK;
}

int receipt_from_json(eth_receipt *out, const json_t *obj, zk_errbuf *err)
{
    memset(out, 0, sizeof(*out));
    int rc = receipt_from_json_inner(out, obj, err);
    if (rc) receipt_clear(out);
    return rc;
}

/* ---- consensus encoding ---- */

int receipt_encode(zk_buf *out, const eth_receipt *r)
{
    int rc;
    size_t outer, logs_mark;
    /* Refuse what receipt_decode would refuse, so encodings always round-trip. */
    if (r->type > RECEIPT_MAX_TYPE || (r->has_status && r->status > 1) ||
        (!r->has_status && r->type != 0))
        return ZK_ERR_RANGE;
    if (r->type != 0 && (rc = buf_append_byte(out, r->type)) != ZK_OK) return rc;
    rlp_list_begin(out, &outer);
    if (r->has_status)
        rc = rlp_encode_uint64(out, r->status);
    else
        rc = rlp_encode_bytes(out, r->post_state, 32);
    if (rc || (rc = rlp_encode_uint64(out, r->cumulative_gas)) ||
        (rc = rlp_encode_bytes(out, r->bloom, 256)))
        return rc;
    rlp_list_begin(out, &logs_mark);
    for (size_t i = 0; i < r->n_logs; i++) {
        const eth_log *lg = &r->logs[i];
        size_t log_mark, topics_mark;
        if (lg->n_topics > 4) return ZK_ERR_RANGE;
        rlp_list_begin(out, &log_mark);
        if ((rc = rlp_encode_bytes(out, lg->address, 20))) return rc;
        rlp_list_begin(out, &topics_mark);
        for (size_t t = 0; t < lg->n_topics; t++)
            if ((rc = rlp_encode_bytes(out, lg->topics[t], 32))) return rc;
        if ((rc = rlp_list_end(out, topics_mark)) ||
            (rc = rlp_encode_bytes(out, lg->data, lg->data_len)) ||
            (rc = rlp_list_end(out, log_mark)))
            return rc;
    }
    if ((rc = rlp_list_end(out, logs_mark))) return rc;
    return rlp_list_end(out, outer);
}

static int log_decode(eth_log *lg, const rlp_item *it, size_t idx, zk_errbuf *err)
{
    rlp_item f[3], topics[4];
    size_t n = 3, nt = 4;
    int rc;
    if (!it->is_list || rlp_list_items(f, &n, it, NULL) != ZK_OK || n != 3)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: log %zu is not [address, topics, data]",
                       idx);
    if ((rc = rlp_item_fixed(lg->address, 20, &f[0], err)) != ZK_OK)
        return zk_fail_wrap(err, rc, "receipt: log %zu address", idx);
    if (!f[1].is_list)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: log %zu topics is not a list", idx);
    if (rlp_list_items(topics, &nt, &f[1], NULL) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_RANGE, "receipt: log %zu has more than 4 topics", idx);
    for (size_t t = 0; t < nt; t++)
        if ((rc = rlp_item_fixed(lg->topics[t], 32, &topics[t], err)) != ZK_OK)
            return zk_fail_wrap(err, rc, "receipt: log %zu topic %zu", idx, t);
    lg->n_topics = nt;
    if (f[2].is_list) return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: log %zu data is a list", idx);
    if (f[2].payload_len > RECEIPT_MAX_LOG_DATA)
        return ZK_FAIL(err, ZK_ERR_RANGE, "receipt: log %zu data of %zu bytes is too large", idx,
                       f[2].payload_len);
    lg->data = malloc(f[2].payload_len ? f[2].payload_len : 1);
    if (!lg->data) return ZK_FAIL(err, ZK_ERR_NOMEM, "receipt: out of memory");
    if (f[2].payload_len) memcpy(lg->data, f[2].payload, f[2].payload_len);
    lg->data_len = f[2].payload_len;
    return ZK_OK;
}

static int receipt_decode_inner(eth_receipt *out, const uint8_t *enc, size_t len, zk_errbuf *err)
{
    zk_cursor c = cur_make(enc, len);
    rlp_item it, f[4];
    size_t n = 4;
    int rc;
    if (len == 0) return ZK_FAIL(err, ZK_ERR_TRUNCATED, "receipt: empty input");
    /* EIP-2718: a first byte below 0x80 is a type; a legacy receipt is an RLP list. */
    if (enc[0] < 0x80) {
        uint8_t type;
        if (cur_u8(&c, &type) != ZK_OK) return ZK_ERR_INTERNAL;
        if (type == 0 || type > RECEIPT_MAX_TYPE)
            return ZK_FAIL(err, ZK_ERR_RANGE, "receipt: type 0x%02x is not supported", type);
        out->type = type;
    } else if (enc[0] < 0xc0) {
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: neither an RLP list nor a typed envelope");
    }
    if ((rc = rlp_decode(&it, c.p, c.len, err)) != ZK_OK) return zk_fail_wrap(err, rc, "receipt");
    if (!it.is_list) return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: payload is not a list");
    if (rlp_list_items(f, &n, &it, NULL) != ZK_OK || n != 4)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: expected 4 fields");

    if (f[0].is_list) return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: status is a list");
    if (f[0].payload_len == 32) {
        if (out->type != 0)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: typed receipt with a post-state root");
        memcpy(out->post_state, f[0].payload, 32);
    } else {
        uint64_t st;
        if ((rc = rlp_item_uint64(&st, &f[0], err)) != ZK_OK)
            return zk_fail_wrap(err, rc, "receipt: status");
        if (st > 1)
            return ZK_FAIL(err, ZK_ERR_RANGE, "receipt: status %llu is not 0 or 1",
                           (unsigned long long)st);
        out->has_status = true;
        out->status = (uint8_t)st;
    }
    if ((rc = rlp_item_uint64(&out->cumulative_gas, &f[1], err)) != ZK_OK)
        return zk_fail_wrap(err, rc, "receipt: cumulativeGasUsed");
    if ((rc = rlp_item_fixed(out->bloom, 256, &f[2], err)) != ZK_OK)
        return zk_fail_wrap(err, rc, "receipt: logsBloom");

    size_t nlogs;
    if (!f[3].is_list || rlp_list_count(&nlogs, &f[3], NULL) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: logs is not a list");
    if (nlogs > RECEIPT_MAX_LOGS)
        return ZK_FAIL(err, ZK_ERR_RANGE, "receipt: %zu logs exceed the limit of %u", nlogs,
                       RECEIPT_MAX_LOGS);
    if (nlogs) {
        out->logs = calloc(nlogs, sizeof(*out->logs));
        if (!out->logs) return ZK_FAIL(err, ZK_ERR_NOMEM, "receipt: out of memory");
    }
    zk_cursor lc;
    if (rlp_list_iter(&lc, &f[3]) != ZK_OK) return ZK_ERR_INTERNAL;
    for (size_t i = 0; i < nlogs; i++) {
        rlp_item lit;
        if ((rc = rlp_next(&lc, &lit, err)) != ZK_OK) return zk_fail_wrap(err, rc, "receipt");
        rc = log_decode(&out->logs[i], &lit, i, err);
        out->n_logs = i + 1;
        if (rc) return rc;
    }
    return ZK_OK;
}

int receipt_decode(eth_receipt *out, const uint8_t *enc, size_t len, zk_errbuf *err)
{
    memset(out, 0, sizeof(*out));
    int rc = receipt_decode_inner(out, enc, len, err);
    if (rc) receipt_clear(out);
    return rc;
}

/* ---- bloom ---- */

static void bloom_add(uint8_t bloom[256], const uint8_t *p, size_t n)
{
    uint8_t h[32];
    keccak256(h, p, n);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047u;
        /* Bit 0 is the least significant bit of the last byte. */
        bloom[255 - bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
}

int receipt_compute_bloom(uint8_t bloom[256], const eth_receipt *r)
{
    memset(bloom, 0, 256);
    for (size_t i = 0; i < r->n_logs; i++) {
        bloom_add(bloom, r->logs[i].address, 20);
        for (size_t t = 0; t < r->logs[i].n_topics && t < 4; t++)
            bloom_add(bloom, r->logs[i].topics[t], 32);
    }
    return ZK_OK;
}

/* ---- receipts root ---- */

int receipts_root_from_json(uint8_t root[32], const json_t *receipts_array, zk_errbuf *err)
{
    if (!json_is_array(receipts_array))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipts: expected a JSON array");
    size_t n = json_array_size(receipts_array);
    if (n > RECEIPTS_MAX_PER_BLOCK)
        return ZK_FAIL(err, ZK_ERR_RANGE, "receipts: %zu entries exceed the limit of %u", n,
                       RECEIPTS_MAX_PER_BLOCK);
    zk_buf *enc = calloc(n ? n : 1, sizeof(*enc));
    const uint8_t **vals = calloc(n ? n : 1, sizeof(*vals));
    size_t *lens = calloc(n ? n : 1, sizeof(*lens));
    int rc = ZK_OK;
    if (!enc || !vals || !lens) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "receipts: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        buf_init(&enc[i], 0);
    for (size_t i = 0; i < n; i++) {
        const json_t *obj = json_array_get(receipts_array, i);
        uint64_t ti;
        eth_receipt r;
        rc = json_get_quantity(&ti, obj, "transactionIndex", err);
        if (rc == ZK_OK && ti != i) {
            rc = ZK_FAIL(err, ZK_ERR_MALFORMED,
                         "receipts: entry %zu has transactionIndex %llu (out of block order)", i,
                         (unsigned long long)ti);
            goto out;
        }
        if (rc != ZK_OK && rc != ZK_ERR_NOTFOUND) {
            rc = zk_fail_wrap(err, rc, "receipts: entry %zu", i);
            goto out;
        }
        if ((rc = receipt_from_json(&r, obj, err)) != ZK_OK) {
            rc = zk_fail_wrap(err, rc, "receipts: entry %zu", i);
            goto out;
        }
        rc = receipt_encode(&enc[i], &r);
        receipt_clear(&r);
        if (rc) {
            rc = ZK_FAIL(err, rc, "receipts: entry %zu: cannot encode (%s)", i, zk_strerror(rc));
            goto out;
        }
        vals[i] = enc[i].data;
        lens[i] = enc[i].len;
    }
    rc = mpt_root_of_list(root, vals, lens, n, err);
out:
    if (enc)
        for (size_t i = 0; i < n; i++)
            buf_clear(&enc[i]);
    free(enc);
    free(vals);
    free(lens);
    return rc;
}
