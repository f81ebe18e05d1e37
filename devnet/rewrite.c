/* The devnet sealer's JSON-RPC front: see rewrite.h. */
#include "devnet/rewrite.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lightclient/hex.h"
#include "relayer/rpc.h"

/* What a method handler produces: a result (new reference) or an error. */
typedef struct answer {
    json_t *result;
    int code;
    char msg[256];
} answer;

static void answer_error(answer *a, int code, const char *fmt, ...) ZK_PRINTF(3, 4);

static void answer_error(answer *a, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
    va_end(ap);
    json_decref(a->result);
    a->result = NULL;
    a->code = code;
}

/* A failure of ours (an anvil call, the chain) as a JSON-RPC error. An error
 * object anvil sent comes back through rpc_call as "rpc <method>: error
 * <code>: <message>"; keep anvil's code and message so the client sees what
 * anvil said. */
static void answer_failure(answer *a, int rc, const zk_errbuf *err)
{
    if (rc == ZK_ERR_RPC) {
        const char *p = strstr(err->msg, ": error ");
        if (p) {
            char *end = NULL;
            errno = 0;
            long long code = strtoll(p + 8, &end, 10);
            if (errno == 0 && end && end != p + 8 && end[0] == ':' && end[1] == ' ' &&
                code >= -2147483647LL && code <= 2147483647LL) {
                answer_error(a, (int)code, "%s", end + 2);
                return;
            }
        }
        answer_error(a, DEVNET_RPC_SERVER_ERROR, "%s", err->msg);
        return;
    }
    answer_error(a,
                 rc == ZK_ERR_MALFORMED || rc == ZK_ERR_USAGE ? DEVNET_RPC_INVALID_PARAMS
                                                              : DEVNET_RPC_INTERNAL,
                 "zkrelay-devnet: %s", err->msg[0] ? err->msg : zk_strerror(rc));
}

static json_t *hex_json(const uint8_t *p, size_t n)
{
    char *s = malloc(hex_encoded_len(n, true));
    if (!s) return NULL;
    hex_encode(s, p, n, true);
    json_t *j = json_string(s);
    free(s);
    return j;
}

static json_t *quantity_json(uint64_t v)
{
    char q[19];
    hex_format_quantity(q, v);
    return json_string(q);
}

/* Resolves a block selector: a tag, a QUANTITY, a 32-byte QBFT hash (when
 * allow_hash), or an EIP-1898 object. Every tag names our head: QBFT blocks
 * are final as soon as they are sealed.
 * Returns ZK_OK, ZK_ERR_NOTFOUND (no such block), ZK_ERR_MALFORMED. */
static int resolve_block(const devnet_chain *c, uint64_t *n, const json_t *sel, bool allow_hash,
                         zk_errbuf *err)
{
    if (json_is_object(sel)) {
        const json_t *bn = json_object_get(sel, "blockNumber"),
                     *bh = json_object_get(sel, "blockHash");
        if (!bn == !bh) return ZK_FAIL(err, ZK_ERR_MALFORMED, "block object needs one selector");
        return resolve_block(c, n, bn ? bn : bh, bh != NULL, err);
    }
    const char *s = json_string_value(sel);
    if (!s) return ZK_FAIL(err, ZK_ERR_MALFORMED, "block selector is not a string");
    if (c->n_blocks == 0) return ZK_FAIL(err, ZK_ERR_NOTFOUND, "no block sealed yet");
    if (strcmp(s, "latest") == 0 || strcmp(s, "pending") == 0 || strcmp(s, "safe") == 0 ||
        strcmp(s, "finalized") == 0) {
        *n = c->n_blocks - 1;
        return ZK_OK;
    }
    if (strcmp(s, "earliest") == 0) {
        *n = 0;
        return ZK_OK;
    }
    if (allow_hash && strlen(s) == 66) {
        uint8_t h[32];
        int rc = hex_decode_fixed(h, 32, s, err);
        if (rc) return rc;
        rc = devnet_chain_find(c, n, h, false);
        return rc ? ZK_FAIL(err, rc, "unknown block hash") : ZK_OK;
    }
    int rc = hex_parse_quantity(n, s, err);
    if (rc) return rc;
    return *n < c->n_blocks ? ZK_OK : ZK_FAIL(err, ZK_ERR_NOTFOUND, "no such block");
}

/* Replaces the anvil hash in obj's "blockHash" (when it is a hash string) by
 * the QBFT one; also inside "logs". Returns ZK_OK or ZK_ERR_NOTFOUND when the
 * hash is not one we sealed (after a sync). */
static int rewrite_block_hash(devnet_chain *c, json_t *obj, zk_errbuf *err)
{
    if (!json_is_object(obj)) return ZK_OK;
    const char *s = json_string_value(json_object_get(obj, "blockHash"));
    if (s) {
        uint8_t h[32];
        uint64_t n;
        int rc = hex_decode_fixed(h, 32, s, err);
        if (rc) return rc;
        if (devnet_chain_find(c, &n, h, true) != ZK_OK) {
            rc = devnet_chain_sync(c, err);
            if (rc) return rc;
            if (devnet_chain_find(c, &n, h, true) != ZK_OK)
                return ZK_FAIL(err, ZK_ERR_NOTFOUND, "anvil block %s is not sealed", s);
        }
        json_object_set_new(obj, "blockHash", hex_json(c->blocks[n].hash, 32));
    }
    json_t *logs = json_object_get(obj, "logs");
    for (size_t i = 0; i < json_array_size(logs); i++) {
        int rc = rewrite_block_hash(c, json_array_get(logs, i), err);
        if (rc) return rc;
    }
    return ZK_OK;
}

/* rewrite_block_hash over an object or each entry of an array. */
static int rewrite_result(devnet_chain *c, json_t *v, zk_errbuf *err)
{
    if (!json_is_array(v)) return rewrite_block_hash(c, v, err);
    for (size_t i = 0; i < json_array_size(v); i++) {
        int rc = rewrite_block_hash(c, json_array_get(v, i), err);
        if (rc) return rc;
    }
    return ZK_OK;
}

/* Replaces a QBFT hash string by the anvil hash of the same block.
 * Returns ZK_OK, ZK_ERR_NOTFOUND, ZK_ERR_MALFORMED. */
static int translate_hash(devnet_chain *c, json_t *container, const char *key, size_t index,
                          zk_errbuf *err)
{
    json_t *v = key ? json_object_get(container, key) : json_array_get(container, index);
    const char *s = json_string_value(v);
    if (!s) return ZK_FAIL(err, ZK_ERR_MALFORMED, "block hash is not a string");
    uint8_t h[32];
    uint64_t n;
    int rc = hex_decode_fixed(h, 32, s, err);
    if (rc) return rc;
    if (devnet_chain_find(c, &n, h, false) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "unknown block hash %.66s", s);
    json_t *a = hex_json(c->blocks[n].anvil_hash, 32);
    return (key ? json_object_set_new(container, key, a)
                : json_array_set_new(container, index, a)) == 0
               ? ZK_OK
               : ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
}

/* Forwards method(params) to anvil. params is borrowed. */
static void proxy(devnet_chain *c, answer *a, const char *method, const json_t *params)
{
    zk_errbuf err = {{0}, 0};
    json_t *p = params ? json_deep_copy(params) : json_array();
    int rc = rpc_call(c->anvil, &a->result, method, p, &err);
    if (rc) answer_failure(a, rc, &err);
}

/* The block object of QBFT block n: anvil's object for block n (same
 * transactions), with the header fields and hash of the sealed header. */
static int block_object(devnet_chain *c, json_t **out, uint64_t n, bool full, zk_errbuf *err)
{
    *out = NULL;
    json_t *ab = NULL, *hj = NULL;
    eth_header h;
    header_init(&h);
    int rc = rpc_eth_get_block_by_number(c->anvil, &ab, rpc_block_at(n), full, err);
    uint8_t ah[32];
    if (rc == ZK_OK) rc = json_get_data_fixed(ah, 32, ab, "hash", err);
    if (rc == ZK_OK && (n >= c->n_blocks || memcmp(ah, c->blocks[n].anvil_hash, 32) != 0))
        rc = ZK_FAIL(err, ZK_ERR_MISMATCH, "anvil replaced block %llu", (unsigned long long)n);
    if (rc == ZK_OK) rc = devnet_chain_header(c, &h, n, err);
    if (rc == ZK_OK) rc = header_to_json(&hj, &h, c->blocks[n].hash);
    header_clear(&h);
    if (rc) {
        json_decref(ab);
        return rc;
    }
    /* Drop anvil's post-London fields: the sealed header has the London layout. */
    static const char *const later[] = {"withdrawalsRoot",       "withdrawals",  "blobGasUsed",
                                        "excessBlobGas",         "requestsHash", "totalDifficulty",
                                        "parentBeaconBlockRoot", "size"};
    for (size_t i = 0; i < sizeof(later) / sizeof(*later); i++)
        json_object_del(ab, later[i]);
    json_object_update(ab, hj);
    json_decref(hj);
    json_object_set_new(ab, "uncles", json_array());
    json_t *txs = json_object_get(ab, "transactions");
    for (size_t i = 0; i < json_array_size(txs); i++) {
        json_t *tx = json_array_get(txs, i);
        if (json_is_object(tx))
            json_object_set_new(tx, "blockHash", hex_json(c->blocks[n].hash, 32));
    }
    *out = ab;
    return ZK_OK;
}

/* params[i] or NULL. */
static const json_t *param(const json_t *params, size_t i)
{
    return json_array_get(params, i);
}

static void m_block_number(devnet_chain *c, answer *a, const json_t *params)
{
    (void)params;
    a->result = quantity_json(c->n_blocks - 1);
}

static void m_get_block(devnet_chain *c, answer *a, const json_t *params, bool by_hash)
{
    zk_errbuf err = {{0}, 0};
    uint64_t n;
    const json_t *full = param(params, 1);
    if (!json_is_array(params) || json_array_size(params) != 2 || !json_is_boolean(full)) {
        answer_error(a, DEVNET_RPC_INVALID_PARAMS, "expected [block, fullTransactions]");
        return;
    }
    const json_t *sel = param(params, 0);
    if (by_hash && !(json_is_string(sel) && strlen(json_string_value(sel)) == 66)) {
        answer_error(a, DEVNET_RPC_INVALID_PARAMS, "expected a 32-byte block hash");
        return;
    }
    int rc = resolve_block(c, &n, sel, by_hash, &err);
    if (rc == ZK_ERR_NOTFOUND) {
        a->result = json_null();
        return;
    }
    for (int attempt = 0; rc == ZK_OK; attempt++) {
        rc = block_object(c, &a->result, n, json_is_true(full), &err);
        if (rc != ZK_ERR_MISMATCH || attempt > 0) break;
        /* Anvil rewrote its chain under us: follow it and answer from the new one. */
        devnet_chain_truncate(c, n);
        rc = devnet_chain_sync(c, &err);
        if (rc == ZK_OK && n >= c->n_blocks) {
            a->result = json_null();
            return;
        }
    }
    if (rc) answer_failure(a, rc, &err);
}

/* The parameters [block] of the per-block methods. Returns ZK_OK with *n, ZK_ERR_NOTFOUND
 * (no such block: the caller answers it, as its method does), or another code after
 * answering the error. */
static int block_param(devnet_chain *c, answer *a, const json_t *params, uint64_t *n)
{
    zk_errbuf err = {{0}, 0};
    if (!json_is_array(params) || json_array_size(params) != 1) {
        answer_error(a, DEVNET_RPC_INVALID_PARAMS, "expected [block]");
        return ZK_ERR_MALFORMED;
    }
    int rc = resolve_block(c, n, param(params, 0), true, &err);
    if (rc && rc != ZK_ERR_NOTFOUND) answer_failure(a, rc, &err);
    return rc;
}

static void m_raw_header(devnet_chain *c, answer *a, const json_t *params)
{
    uint64_t n;
    int rc = block_param(c, a, params, &n);
    if (rc == ZK_ERR_NOTFOUND) answer_error(a, DEVNET_RPC_SERVER_ERROR, "header not found");
    if (rc) return;
    a->result = hex_json(c->blocks[n].rlp, c->blocks[n].rlp_len);
}

static void m_block_receipts(devnet_chain *c, answer *a, const json_t *params)
{
    zk_errbuf err = {{0}, 0};
    uint64_t n;
    int rc = block_param(c, a, params, &n);
    if (rc == ZK_ERR_NOTFOUND) a->result = json_null();
    if (rc) return;
    json_t *p = json_pack("[o]", quantity_json(n));
    proxy(c, a, "eth_getBlockReceipts", p);
    json_decref(p);
    if (a->result) {
        rc = rewrite_result(c, a->result, &err);
        if (rc) answer_failure(a, rc, &err);
    }
}

/* Methods whose results carry blockHash fields; in_hash: params[0] is a
 * block hash to translate first. */
static void m_rewritten(devnet_chain *c, answer *a, const char *method, const json_t *params,
                        bool in_hash)
{
    zk_errbuf err = {{0}, 0};
    json_t *p = json_is_array(params) ? json_deep_copy(params) : json_array();
    int rc = ZK_OK;
    if (in_hash) rc = translate_hash(c, p, NULL, 0, &err);
    if (rc == ZK_ERR_NOTFOUND) {
        a->result = json_null();
        json_decref(p);
        return;
    }
    if (rc == ZK_OK) {
        proxy(c, a, method, p);
        if (a->result) rc = rewrite_result(c, a->result, &err);
    }
    json_decref(p);
    if (rc) answer_failure(a, rc, &err);
}

static void m_get_logs(devnet_chain *c, answer *a, const json_t *params)
{
    zk_errbuf err = {{0}, 0};
    if (!json_is_array(params) || json_array_size(params) != 1 ||
        !json_is_object(param(params, 0))) {
        answer_error(a, DEVNET_RPC_INVALID_PARAMS, "expected [filter]");
        return;
    }
    json_t *p = json_deep_copy(params);
    json_t *f = json_array_get(p, 0);
    int rc = ZK_OK;
    if (json_object_get(f, "blockHash")) rc = translate_hash(c, f, "blockHash", 0, &err);
    if (rc == ZK_ERR_NOTFOUND) {
        answer_error(a, DEVNET_RPC_SERVER_ERROR, "unknown block");
        json_decref(p);
        return;
    }
    if (rc == ZK_OK) {
        proxy(c, a, "eth_getLogs", p);
        if (a->result) rc = rewrite_result(c, a->result, &err);
    }
    json_decref(p);
    if (rc) answer_failure(a, rc, &err);
}

static void m_vote(devnet_chain *c, answer *a, const json_t *params)
{
    zk_errbuf err = {{0}, 0};
    const char *addr = json_string_value(param(params, 0)),
               *what = json_string_value(param(params, 1));
    uint8_t who[20];
    if (!json_is_array(params) || json_array_size(params) != 2 || !addr || !what ||
        (strcmp(what, "add") != 0 && strcmp(what, "drop") != 0) ||
        hex_decode_fixed(who, 20, addr, NULL) != ZK_OK) {
        answer_error(a, DEVNET_RPC_INVALID_PARAMS, "expected [address, \"add\" | \"drop\"]");
        return;
    }
    int rc = devnet_chain_vote(c, who, strcmp(what, "add") == 0, &err);
    if (rc == ZK_ERR_REJECTED) {
        answer_error(a, DEVNET_RPC_INVALID_PARAMS, "vote refused: %s", err.msg);
        return;
    }
    if (rc)
        answer_failure(a, rc, &err);
    else
        a->result = json_true();
}

static void m_checkpoint(devnet_chain *c, answer *a, const json_t *params)
{
    (void)params;
    zk_errbuf err = {{0}, 0};
    uint64_t id;
    int rc = rpc_eth_chain_id(c->anvil, &id, &err);
    if (rc == ZK_OK) rc = devnet_chain_checkpoint(c, &a->result, id, &err);
    if (rc) answer_failure(a, rc, &err);
}

/* EIP-1898: a {"blockHash": QBFT hash} parameter names an anvil block there. */
static int translate_block_objects(devnet_chain *c, json_t *params, zk_errbuf *err)
{
    for (size_t i = 0; i < json_array_size(params); i++) {
        json_t *o = json_array_get(params, i);
        if (json_is_object(o) && json_is_string(json_object_get(o, "blockHash")) &&
            !json_object_get(o, "to") && !json_object_get(o, "data")) {
            int rc = translate_hash(c, o, "blockHash", 0, err);
            if (rc) return rc;
        }
    }
    return ZK_OK;
}

static void dispatch(devnet_chain *c, answer *a, const char *method, const json_t *params,
                     bool *synced)
{
    /* Methods that read the QBFT chain follow anvil first. */
    static const char *const chain_methods[] = {
        "eth_blockNumber",      "eth_getBlockByNumber", "eth_getBlockByHash", "debug_getRawHeader",
        "eth_getBlockReceipts", "devnet_vote",          "devnet_checkpoint",  NULL};
    bool reads_chain = false;
    for (size_t i = 0; chain_methods[i]; i++)
        reads_chain |= strcmp(method, chain_methods[i]) == 0;
    if (reads_chain && !*synced) {
        zk_errbuf err = {{0}, 0};
        int rc = devnet_chain_sync(c, &err);
        if (rc) {
            answer_failure(a, rc, &err);
            return;
        }
    }
    /* One sync serves the chain reads of a batch (128 headers cost one
     * eth_blockNumber), until a proxied call may have mined a block. */
    *synced = reads_chain;
    if (strcmp(method, "eth_blockNumber") == 0) return m_block_number(c, a, params);
    if (strcmp(method, "eth_getBlockByNumber") == 0) return m_get_block(c, a, params, false);
    if (strcmp(method, "eth_getBlockByHash") == 0) return m_get_block(c, a, params, true);
    if (strcmp(method, "debug_getRawHeader") == 0) return m_raw_header(c, a, params);
    if (strcmp(method, "eth_getBlockReceipts") == 0) return m_block_receipts(c, a, params);
    if (strcmp(method, "eth_getLogs") == 0) return m_get_logs(c, a, params);
    if (strcmp(method, "devnet_vote") == 0) return m_vote(c, a, params);
    if (strcmp(method, "devnet_checkpoint") == 0) return m_checkpoint(c, a, params);
    if (strcmp(method, "eth_getTransactionReceipt") == 0 ||
        strcmp(method, "eth_getTransactionByHash") == 0 ||
        strcmp(method, "eth_getTransactionByBlockNumberAndIndex") == 0)
        return m_rewritten(c, a, method, params, false);
    if (strcmp(method, "eth_getTransactionByBlockHashAndIndex") == 0 ||
        strcmp(method, "eth_getBlockTransactionCountByHash") == 0)
        return m_rewritten(c, a, method, params, true);
    if (json_is_array(params)) {
        zk_errbuf err = {{0}, 0};
        json_t *p = json_deep_copy(params);
        int rc = translate_block_objects(c, p, &err);
        if (rc == ZK_OK)
            proxy(c, a, method, p);
        else
            answer_error(a, DEVNET_RPC_SERVER_ERROR, "%s", err.msg);
        json_decref(p);
        return;
    }
    proxy(c, a, method, params);
}

static json_t *envelope(const json_t *id, answer *a)
{
    json_t *r = json_pack("{s:s, s:O}", "jsonrpc", "2.0", "id", id ? id : json_null());
    if (!r) return NULL;
    if (a->result)
        json_object_set_new(r, "result", a->result);
    else
        json_object_set_new(r, "error",
                            json_pack("{s:i, s:s}", "code", a->code, "message", a->msg));
    a->result = NULL;
    return r;
}

/* jsonrpc must be exactly "2.0" (JSON-RPC 2.0 section 4). */
static bool is_v2(const json_t *req)
{
    const char *v = json_string_value(json_object_get(req, "jsonrpc"));
    return v && strcmp(v, "2.0") == 0;
}

static json_t *handle_one(devnet_chain *c, const json_t *req, bool *synced)
{
    answer a = {NULL, 0, ""};
    const json_t *id = json_object_get(req, "id");
    const char *method = json_string_value(json_object_get(req, "method"));
    const json_t *params = json_object_get(req, "params");
    if (id && !json_is_string(id) && !json_is_integer(id) && !json_is_null(id)) id = NULL;
    if (!json_is_object(req) || !is_v2(req) || !method ||
        (params && !json_is_array(params) && !json_is_object(params))) {
        answer_error(&a, DEVNET_RPC_INVALID_REQUEST, "invalid JSON-RPC 2.0 request");
        return envelope(id, &a);
    }
    dispatch(c, &a, method, params, synced);
    if (!a.result && a.code == 0) answer_error(&a, DEVNET_RPC_INTERNAL, "out of memory");
    return envelope(id, &a);
}

json_t *devnet_rpc_handle(devnet_chain *c, const json_t *req)
{
    bool synced = false;
    if (!json_is_array(req)) return handle_one(c, req, &synced);
    size_t n = json_array_size(req);
    if (n == 0 || n > RPC_BATCH_MAX) {
        answer a = {NULL, 0, ""};
        answer_error(&a, DEVNET_RPC_INVALID_REQUEST, "a batch holds 1..%d requests", RPC_BATCH_MAX);
        return envelope(NULL, &a);
    }
    json_t *out = json_array();
    for (size_t i = 0; out && i < n; i++)
        if (json_array_append_new(out, handle_one(c, json_array_get(req, i), &synced)) != 0) {
            json_decref(out);
            return NULL;
        }
    return out;
}

json_t *devnet_rpc_parse_error(const char *why)
{
    answer a = {NULL, 0, ""};
    answer_error(&a, DEVNET_RPC_PARSE_ERROR, "parse error: %s", why);
    return envelope(NULL, &a);
}
