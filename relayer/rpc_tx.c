/* Transaction-side JSON-RPC helpers (see rpc_tx.h). Parameters follow the
 * execution-apis encoding: QUANTITY without leading zeros, DATA as
 * 0x-prefixed even-length hex. */
#include "relayer/rpc_tx.h"

#include <stdlib.h>
#include <string.h>

/* Sets obj[key] = "0x" + hex(p[0..n)); false when out of memory. */
static bool set_data(json_t *obj, const char *key, const uint8_t *p, size_t n)
{
    static const uint8_t none[1] = {0};
    if (n > (SIZE_MAX - 3) / 2) return false;
    char *s = malloc(hex_encoded_len(n, true));
    if (!s) return false;
    hex_encode(s, p ? p : none, n, true);
    bool ok = json_object_set_new(obj, key, json_string(s)) == 0;
    free(s);
    return ok;
}

static bool set_quantity(json_t *obj, const char *key, uint64_t v)
{
    char q[19];
    hex_format_quantity(q, v);
    return json_object_set_new(obj, key, json_string(q)) == 0;
}

/* A QUANTITY of up to 256 bits from 32 big-endian bytes ("0x0" for zero). */
static bool set_quantity256(json_t *obj, const char *key, const uint8_t be[32])
{
    static const char digits[] = "0123456789abcdef";
    char q[67] = "0x";
    size_t n = 2;
    for (size_t i = 0; i < 64; i++) {
        unsigned d = (be[i / 2] >> (i % 2 ? 0 : 4)) & 0xf;
        if (d || n > 2) q[n++] = digits[d];
    }
    if (n == 2) q[n++] = '0';
    q[n] = '\0';
    return json_object_set_new(obj, key, json_string(q)) == 0;
}

/* The call object, or NULL when out of memory. */
static json_t *call_json(const rpc_tx_call *call)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    if (ok && call->from) ok = set_data(o, "from", call->from, 20);
    if (ok && call->to) ok = set_data(o, "to", call->to, 20);
    if (ok && call->value) ok = set_quantity256(o, "value", call->value);
    if (ok && call->gas) ok = set_quantity(o, "gas", call->gas);
    /* "input" is the execution-apis name; "data" is what older nodes read. */
    if (ok) ok = set_data(o, "input", call->data, call->data_len);
    if (ok) ok = set_data(o, "data", call->data, call->data_len);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int block_param(json_t **out, rpc_block_id b, const char *method, zk_errbuf *err)
{
    static const char *const tags[] = {NULL, "latest", "safe", "finalized", "earliest", "pending"};
    char q[19];
    if (b.tag < RPC_BLOCK_NUMBER || b.tag > RPC_BLOCK_PENDING)
        return ZK_FAIL(err, ZK_ERR_USAGE, "rpc %s: invalid block selector", method);
    if (b.tag == RPC_BLOCK_NUMBER) hex_format_quantity(q, b.number);
    *out = json_string(b.tag == RPC_BLOCK_NUMBER ? q : tags[b.tag]);
    return ZK_OK;
}

int rpc_eth_estimate_gas(rpc_client *c, uint64_t *gas, const rpc_tx_call *call, zk_errbuf *err)
{
    static const char m[] = "eth_estimateGas";
    json_t *res = NULL, *tx = call_json(call);
    if (!tx) return ZK_FAIL(err, ZK_ERR_NOMEM, "rpc %s: out of memory", m);
    int rc = rpc_call(c, &res, m, json_pack("[o]", tx), err);
    if (rc) return rc;
    if (!json_is_string(res))
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc %s: the result is not a hex string", m);
    else if ((rc = hex_parse_quantity(gas, json_string_value(res), err)))
        zk_fail_wrap(err, rc, "rpc %s: result", m);
    json_decref(res);
    return rc;
}

int rpc_eth_call_revert(rpc_client *c, uint8_t **out, size_t *out_len, bool *reverted,
                        const rpc_tx_call *call, rpc_block_id which, zk_errbuf *err)
{
    static const char m[] = "eth_simulateV1";
    json_t *res = NULL, *blk = NULL, *tx;
    uint64_t status;
    *out = NULL;
    *out_len = 0;
    *reverted = false;
    int rc = block_param(&blk, which, m, err);
    if (rc) return rc;
    tx = call_json(call);
    /* json_pack steals the "o" references, even on failure. */
    json_t *params = json_pack("[{s:[{s:[o]}]}, o]", "blockStateCalls", "calls", tx, blk);
    if (!tx || !blk || !params) {
        json_decref(params);
        return ZK_FAIL(err, ZK_ERR_NOMEM, "rpc %s: out of memory", m);
    }
    rc = rpc_call(c, &res, m, params, err);
    if (rc) return rc;
    const json_t *calls = json_object_get(json_array_get(res, 0), "calls");
    const json_t *one = json_array_get(calls, 0);
    const json_t *ret = json_object_get(one, "returnData");
    if (!json_is_array(res) || json_array_size(res) != 1 || json_array_size(calls) != 1 ||
        !json_is_string(ret)) {
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc %s: the result is not one block with one call", m);
        goto out;
    }
    rc = json_get_quantity(&status, one, "status", err);
    if (!rc && status > 1)
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc %s: status %llu", m, (unsigned long long)status);
    if (rc) {
        zk_fail_wrap(err, rc == ZK_ERR_NOTFOUND ? ZK_ERR_MALFORMED : rc, "rpc %s", m);
        rc = rc == ZK_ERR_NOTFOUND ? ZK_ERR_MALFORMED : rc;
        goto out;
    }
    rc = json_get_data_alloc(out, out_len, (size_t)1 << 24, one, "returnData", err);
    if (rc) {
        zk_fail_wrap(err, rc, "rpc %s", m);
        goto out;
    }
    *reverted = status == 0;
out:
    json_decref(res);
    return rc;
}

int rpc_receipt_summary(bool *success, uint64_t *block_number, uint64_t *gas_used,
                        uint64_t *effective_gas_price, const json_t *receipt, zk_errbuf *err)
{
    uint64_t status;
    int rc = json_get_quantity(&status, receipt, "status", err);
    if (!rc && status > 1) rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt: status is not 0x0 or 0x1");
    if (!rc) rc = json_get_quantity(block_number, receipt, "blockNumber", err);
    if (!rc) rc = json_get_quantity(gas_used, receipt, "gasUsed", err);
    if (rc) return zk_fail_wrap(err, rc, "receipt");
    rc = json_get_quantity(effective_gas_price, receipt, "effectiveGasPrice", err);
    if (rc == ZK_ERR_NOTFOUND) {
        *effective_gas_price = 0;
        rc = ZK_OK;
    }
    if (rc) return zk_fail_wrap(err, rc, "receipt");
    *success = status == 1;
    return ZK_OK;
}
