/* Typed eth_* calls on top of rpc_call: parameters encoded as the Ethereum
 * JSON-RPC specification writes them (execution-apis: QUANTITY without leading
 * zeros, DATA as 0x-prefixed even-length hex), results checked for shape
 * before they are handed back. */
#include "relayer/rpc.h"

#include <stdlib.h>
#include <string.h>

#include "lightclient/lightclient.h"

static bool block_id_is_valid(rpc_block_id b)
{
    return b.tag >= RPC_BLOCK_NUMBER && b.tag <= RPC_BLOCK_PENDING;
}

/* Returns a new JSON string for the selector, or NULL when out of memory. */
static json_t *block_id_json(rpc_block_id b)
{
    char q[19];
    switch (b.tag) {
    case RPC_BLOCK_NUMBER:
        hex_format_quantity(q, b.number);
        return json_string(q);
    case RPC_BLOCK_LATEST:
        return json_string("latest");
    case RPC_BLOCK_SAFE:
        return json_string("safe");
    case RPC_BLOCK_FINALIZED:
        return json_string("finalized");
    case RPC_BLOCK_EARLIEST:
        return json_string("earliest");
    case RPC_BLOCK_PENDING:
        return json_string("pending");
    }
    return NULL;
}

static json_t *quantity_json(uint64_t v)
{
    char q[19];
    hex_format_quantity(q, v);
    return json_string(q);
}

/* Returns a new JSON string "0x" + hex of p[0..n), or NULL when out of memory. */
static json_t *data_json(const uint8_t *p, size_t n)
{
    if (n > (SIZE_MAX - 3) / 2) return NULL;
    char *s = malloc(hex_encoded_len(n, true));
    if (!s) return NULL;
    hex_encode(s, p, n, true);
    json_t *j = json_string(s);
    free(s);
    return j;
}

/* Builds an array from n values, stealing each. A NULL item (an allocation
 * that failed) makes the whole array NULL, with the others released. */
static json_t *params_of(size_t n, json_t *const *items)
{
    json_t *a = json_array();
    bool ok = a != NULL;
    for (size_t i = 0; i < n; i++) {
        if (!ok || !items[i]) {
            ok = false;
            json_decref(items[i]);
            continue;
        }
        if (json_array_append_new(a, items[i])) ok = false;
    }
    if (!ok) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* Calls method with params (stolen; NULL means an allocation failed). */
static int call(rpc_client *c, json_t **res, const char *method, json_t *params, zk_errbuf *err)
{
    *res = NULL;
    if (!params) return ZK_FAIL(err, ZK_ERR_NOMEM, "rpc %s: out of memory", method);
    return rpc_call(c, res, method, params, err);
}

static int bad_block_id(const char *method, zk_errbuf *err)
{
    return ZK_FAIL(err, ZK_ERR_USAGE, "rpc %s: invalid block selector", method);
}

/* Reads a QUANTITY result. */
static int result_quantity(uint64_t *out, const json_t *res, const char *method, zk_errbuf *err)
{
    if (!json_is_string(res))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc %s: the result is not a hex string", method);
    int rc = hex_parse_quantity(out, json_string_value(res), err);
    if (rc) return zk_fail_wrap(err, rc, "rpc %s: result", method);
    return ZK_OK;
}

/* Checks that a DATA result is a 0x-prefixed string. */
static int result_data(const char **out, const json_t *res, const char *method, zk_errbuf *err)
{
    if (!json_is_string(res) || strncmp(json_string_value(res), "0x", 2) != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc %s: the result is not 0x-prefixed hex", method);
    *out = json_string_value(res);
    return ZK_OK;
}

/* Hands back a result that must be an object (or array when want_array);
 * null means the node does not have it. */
static int result_shaped(json_t **out, json_t *res, bool want_array, const char *method,
                         const char *what, zk_errbuf *err)
{
    int rc = ZK_OK;
    if (json_is_null(res))
        rc = ZK_FAIL(err, ZK_ERR_NOTFOUND, "rpc %s: the node has no such %s", method, what);
    else if (want_array ? !json_is_array(res) : !json_is_object(res))
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc %s: the result is not %s", method,
                     want_array ? "an array" : "an object");
    if (rc) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return ZK_OK;
}

int rpc_eth_chain_id(rpc_client *c, uint64_t *chain_id, zk_errbuf *err)
{
    json_t *res;
    int rc = call(c, &res, "eth_chainId", json_array(), err);
    if (!rc) rc = result_quantity(chain_id, res, "eth_chainId", err);
    json_decref(res);
    return rc;
}

int rpc_eth_block_number(rpc_client *c, uint64_t *number, zk_errbuf *err)
{
    json_t *res;
    int rc = call(c, &res, "eth_blockNumber", json_array(), err);
    if (!rc) rc = result_quantity(number, res, "eth_blockNumber", err);
    json_decref(res);
    return rc;
}

int rpc_eth_get_block_by_number(rpc_client *c, json_t **block, rpc_block_id which, bool full_txs,
                                zk_errbuf *err)
{
    static const char m[] = "eth_getBlockByNumber";
    json_t *res;
    *block = NULL;
    if (!block_id_is_valid(which)) return bad_block_id(m, err);
    json_t *items[] = {block_id_json(which), json_boolean(full_txs)};
    int rc = call(c, &res, m, params_of(2, items), err);
    if (rc) return rc;
    return result_shaped(block, res, false, m, "block", err);
}

int rpc_eth_get_block_receipts(rpc_client *c, json_t **receipts, rpc_block_id which, zk_errbuf *err)
{
    static const char m[] = "eth_getBlockReceipts";
    json_t *res;
    *receipts = NULL;
    if (!block_id_is_valid(which)) return bad_block_id(m, err);
    json_t *items[] = {block_id_json(which)};
    int rc = call(c, &res, m, params_of(1, items), err);
    if (rc) return rc;
    return result_shaped(receipts, res, true, m, "block", err);
}

int rpc_eth_get_transaction_receipt(rpc_client *c, json_t **receipt, const uint8_t tx_hash[32],
                                    zk_errbuf *err)
{
    static const char m[] = "eth_getTransactionReceipt";
    json_t *res;
    *receipt = NULL;
    json_t *items[] = {data_json(tx_hash, 32)};
    int rc = call(c, &res, m, params_of(1, items), err);
    if (rc) return rc;
    return result_shaped(receipt, res, false, m, "receipt", err);
}

int rpc_eth_get_logs(rpc_client *c, json_t **logs, const rpc_log_filter *f, zk_errbuf *err)
{
    static const char m[] = "eth_getLogs";
    json_t *res;
    *logs = NULL;
    if (!block_id_is_valid(f->from) || !block_id_is_valid(f->to)) return bad_block_id(m, err);
    if (f->n_topics > 4)
        return ZK_FAIL(err, ZK_ERR_USAGE, "rpc %s: %zu topics (at most 4)", m, f->n_topics);
    json_t *q = json_object();
    bool ok = q && !json_object_set_new(q, "fromBlock", block_id_json(f->from)) &&
              !json_object_set_new(q, "toBlock", block_id_json(f->to));
    if (ok && f->address) ok = !json_object_set_new(q, "address", data_json(f->address, 20));
    if (ok && f->n_topics) {
        json_t *t = json_array();
        ok = t != NULL;
        for (size_t i = 0; ok && i < f->n_topics; i++)
            ok =
                !json_array_append_new(t, f->topics[i] ? data_json(f->topics[i], 32) : json_null());
        ok = !json_object_set_new(q, "topics", t) && ok;
    }
    if (!ok) {
        json_decref(q);
        q = NULL;
    }
    json_t *items[] = {q};
    int rc = call(c, &res, m, params_of(1, items), err);
    if (rc) return rc;
    return result_shaped(logs, res, true, m, "logs", err);
}

int rpc_eth_get_proof(rpc_client *c, json_t **proof, const uint8_t address[20],
                      const uint8_t (*keys)[32], size_t n_keys, rpc_block_id which, zk_errbuf *err)
{
    static const char m[] = "eth_getProof";
    json_t *res;
    *proof = NULL;
    if (!block_id_is_valid(which)) return bad_block_id(m, err);
    json_t *k = json_array();
    for (size_t i = 0; k && i < n_keys; i++) {
        if (json_array_append_new(k, data_json(keys[i], 32))) {
            json_decref(k);
            k = NULL;
        }
    }
    json_t *items[] = {data_json(address, 20), k, block_id_json(which)};
    int rc = call(c, &res, m, params_of(3, items), err);
    if (rc) return rc;
    return result_shaped(proof, res, false, m, "account", err);
}

int rpc_eth_call(rpc_client *c, uint8_t **out, size_t *out_len, const uint8_t to[20],
                 const uint8_t *data, size_t data_len, rpc_block_id which, zk_errbuf *err)
{
    static const char m[] = "eth_call";
    static const uint8_t none[1] = {0};
    json_t *res;
    const char *hex;
    *out = NULL;
    *out_len = 0;
    if (!block_id_is_valid(which)) return bad_block_id(m, err);
    json_t *tx = json_object();
    if (tx && (json_object_set_new(tx, "to", data_json(to, 20)) ||
               json_object_set_new(tx, "data", data_json(data ? data : none, data_len)))) {
        json_decref(tx);
        tx = NULL;
    }
    json_t *items[] = {tx, block_id_json(which)};
    int rc = call(c, &res, m, params_of(2, items), err);
    if (rc) return rc;
    rc = result_data(&hex, res, m, err);
    if (!rc) {
        rc = hex_decode_alloc(out, out_len, hex, err);
        if (rc) zk_fail_wrap(err, rc, "rpc %s: result", m);
    }
    json_decref(res);
    return rc;
}

int rpc_eth_send_raw_transaction(rpc_client *c, uint8_t tx_hash[32], const uint8_t *raw,
                                 size_t raw_len, zk_errbuf *err)
{
    static const char m[] = "eth_sendRawTransaction";
    json_t *res;
    const char *hex;
    json_t *items[] = {data_json(raw, raw_len)};
    int rc = call(c, &res, m, params_of(1, items), err);
    if (rc) return rc;
    rc = result_data(&hex, res, m, err);
    if (!rc) {
        rc = hex_decode_fixed(tx_hash, 32, hex, err);
        if (rc) zk_fail_wrap(err, rc, "rpc %s: result", m);
    }
    json_decref(res);
    return rc;
}

int rpc_eth_get_transaction_count(rpc_client *c, uint64_t *nonce, const uint8_t address[20],
                                  rpc_block_id which, zk_errbuf *err)
{
    static const char m[] = "eth_getTransactionCount";
    json_t *res;
    if (!block_id_is_valid(which)) return bad_block_id(m, err);
    json_t *items[] = {data_json(address, 20), block_id_json(which)};
    int rc = call(c, &res, m, params_of(2, items), err);
    if (!rc) rc = result_quantity(nonce, res, m, err);
    json_decref(res);
    return rc;
}

int rpc_eth_fee_history(rpc_client *c, json_t **history, uint64_t block_count, rpc_block_id newest,
                        const double *percentiles, size_t n_percentiles, zk_errbuf *err)
{
    static const char m[] = "eth_feeHistory";
    json_t *res;
    *history = NULL;
    if (!block_id_is_valid(newest)) return bad_block_id(m, err);
    if (block_count == 0) return ZK_FAIL(err, ZK_ERR_USAGE, "rpc %s: block count is 0", m);
    /* Nodes require monotonically increasing percentiles in [0, 100]; the
     * comparison form also rejects NaN. */
    for (size_t i = 0; i < n_percentiles; i++)
        if (!(percentiles[i] >= 0.0 && percentiles[i] <= 100.0) ||
            (i > 0 && !(percentiles[i] >= percentiles[i - 1])))
            return ZK_FAIL(err, ZK_ERR_USAGE,
                           "rpc %s: percentiles must ascend within [0, 100] (entry %zu)", m, i);
    json_t *p = json_array();
    for (size_t i = 0; p && i < n_percentiles; i++) {
        if (json_array_append_new(p, json_real(percentiles[i]))) {
            json_decref(p);
            p = NULL;
        }
    }
    json_t *items[] = {quantity_json(block_count), block_id_json(newest), p};
    int rc = call(c, &res, m, params_of(3, items), err);
    if (rc) return rc;
    return result_shaped(history, res, false, m, "fee history", err);
}
