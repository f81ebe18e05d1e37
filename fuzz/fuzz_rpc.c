/* libFuzzer harness: JSON-RPC answer handling (relayer/rpc.h, rpc_eth.c, rpc_tx.h)
 * and the code that consumes the answers (header_from_json, receipts_root_from_json,
 * receipt_from_json, rpc_receipt_summary, state_proof_verify, fees_suggest,
 * abi_revert_decode).
 *
 * The answers come through rpc_options.transport, the in-process stand-in for
 * HTTP, so everything after libcurl (status handling, the size cap, strict
 * parsing, the envelope, the typed helpers) runs without a socket. Each input
 * gets a fresh client (no retries), so request ids start at 1 and a seed can
 * answer id 1 (a batch uses ids 1..3).
 *
 * Input: u8 op (which call, mod FUZZ_RPC_N_OPS), u8 status (HTTP status of the
 * answer: 200 for values below 0xf0, else 400, 429, 500 or 503), then the body.
 * Checked: a call that fails leaves *result NULL (rpc_call); a batch reports for
 * each entry a result exactly when its code is ZK_OK; a typed helper that
 * succeeds gives a value of the shape its contract names. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "lightclient/lightclient.h"
#include "relayer/abi.h"
#include "relayer/fees.h"
#include "relayer/rpc.h"
#include "relayer/rpc_tx.h"

/* The answer every request of the current input gets. */
typedef struct fuzz_rpc_answer {
    const uint8_t *body;
    size_t body_len;
    long status;
} fuzz_rpc_answer;

static int fuzz_rpc_transport(void *ctx, const char *request, size_t request_len, long *http_status,
                              zk_buf *answer)
{
    const fuzz_rpc_answer *a = ctx;
    (void)request;
    (void)request_len;
    *http_status = a->status;
    return buf_append(answer, a->body, a->body_len);
}

enum {
    FUZZ_RPC_CHAIN_ID,
    FUZZ_RPC_BLOCK_NUMBER,
    FUZZ_RPC_BLOCK,
    FUZZ_RPC_BLOCK_RECEIPTS,
    FUZZ_RPC_TX_RECEIPT,
    FUZZ_RPC_LOGS,
    FUZZ_RPC_PROOF,
    FUZZ_RPC_CALL,
    FUZZ_RPC_SEND_RAW,
    FUZZ_RPC_NONCE,
    FUZZ_RPC_FEE_HISTORY,
    FUZZ_RPC_BATCH,
    FUZZ_RPC_GENERIC,
    FUZZ_RPC_CALL_REVERT,
    FUZZ_RPC_ESTIMATE_GAS,
    FUZZ_RPC_N_OPS
};

/* Runs one call against the server's current answer. */
static bool fuzz_rpc_op(rpc_client *c, int op)
{
    bool ok = true;
    static const uint8_t addr[20] = {0x11}, hash[32] = {0x22}, slot[1][32] = {{0x33}};
    json_t *v = NULL;
    uint64_t u;
    uint8_t h[32], *out = NULL;
    size_t out_len = 0;
    eth_header hdr;
    eth_receipt r;
    int rc;
    switch (op) {
    case FUZZ_RPC_CHAIN_ID:
        FUZZ_IGNORE(rpc_eth_chain_id(c, &u, NULL));
        break;
    case FUZZ_RPC_BLOCK_NUMBER:
        FUZZ_IGNORE(rpc_eth_block_number(c, &u, NULL));
        break;
    case FUZZ_RPC_BLOCK:
        if (rpc_eth_get_block_by_number(c, &v, rpc_block_tagged(RPC_BLOCK_FINALIZED), false,
                                        NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, json_is_object(v));
            header_init(&hdr);
            FUZZ_IGNORE(header_from_json(&hdr, v, NULL));
            header_clear(&hdr);
        }
        break;
    case FUZZ_RPC_BLOCK_RECEIPTS:
        if (rpc_eth_get_block_receipts(c, &v, rpc_block_at(7), NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, json_is_array(v));
            FUZZ_IGNORE(receipts_root_from_json(h, v, NULL));
        }
        break;
    case FUZZ_RPC_TX_RECEIPT:
        if (rpc_eth_get_transaction_receipt(c, &v, hash, NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, json_is_object(v));
            bool success;
            uint64_t block, gas, price;
            FUZZ_IGNORE(rpc_receipt_summary(&success, &block, &gas, &price, v, NULL));
            memset(&r, 0, sizeof(r));
            FUZZ_IGNORE(receipt_from_json(&r, v, NULL));
            receipt_clear(&r);
        }
        break;
    case FUZZ_RPC_LOGS: {
        rpc_log_filter f;
        memset(&f, 0, sizeof(f));
        f.from = rpc_block_at(1);
        f.to = rpc_block_tagged(RPC_BLOCK_LATEST);
        f.address = addr;
        f.topics[0] = hash;
        f.n_topics = 1;
        if (rpc_eth_get_logs(c, &v, &f, NULL) == ZK_OK) FUZZ_EXPECT(ok, json_is_array(v));
        break;
    }
    case FUZZ_RPC_PROOF:
        if (rpc_eth_get_proof(c, &v, addr, slot, 1, rpc_block_at(5), NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, json_is_object(v));
            FUZZ_IGNORE(state_proof_verify(hash, v, NULL));
        }
        break;
    case FUZZ_RPC_CALL:
        if (rpc_eth_call(c, &out, &out_len, addr, hash, 4, rpc_block_tagged(RPC_BLOCK_LATEST),
                         NULL) == ZK_OK)
            FUZZ_EXPECT(ok, out != NULL);
        break;
    case FUZZ_RPC_SEND_RAW:
        FUZZ_IGNORE(rpc_eth_send_raw_transaction(c, h, hash, sizeof(hash), NULL));
        break;
    case FUZZ_RPC_NONCE:
        FUZZ_IGNORE(
            rpc_eth_get_transaction_count(c, &u, addr, rpc_block_tagged(RPC_BLOCK_PENDING), NULL));
        break;
    case FUZZ_RPC_FEE_HISTORY: {
        static const double pct[2] = {25.0, 50.0};
        if (rpc_eth_fee_history(c, &v, 4, rpc_block_tagged(RPC_BLOCK_LATEST), pct, 2, NULL) ==
            ZK_OK) {
            FUZZ_EXPECT(ok, json_is_object(v));
            fees_pair fees;
            fees_caps caps = {1000000000000ull, 10000000000ull, 1000000ull};
            FUZZ_IGNORE(fees_suggest(&fees, v, &caps, NULL));
        }
        break;
    }
    case FUZZ_RPC_BATCH: {
        rpc_request reqs[3] = {{"eth_chainId", NULL},
                               {"eth_blockNumber", NULL},
                               {"eth_getBlockByNumber", json_pack("[sb]", "0x1", 0)}};
        json_t *res[3];
        int codes[3];
        zk_errbuf errs[3];
        rc = rpc_batch(c, res, codes, errs, reqs, 3, NULL);
        for (size_t i = 0; i < 3; i++) {
            FUZZ_EXPECT(ok, (codes[i] == ZK_OK) == (res[i] != NULL));
            if (rc == ZK_OK) FUZZ_EXPECT(ok, codes[i] == ZK_OK);
            json_decref(res[i]);
        }
        break;
    }
    case FUZZ_RPC_GENERIC:
        rc = rpc_call(c, &v, "net_version", NULL, NULL);
        FUZZ_EXPECT(ok, (rc == ZK_OK) == (v != NULL));
        if (rpc_last_error_data(c)) FUZZ_EXPECT(ok, strlen(rpc_last_error_data(c)) < (1u << 21));
        break;
    case FUZZ_RPC_CALL_REVERT: {
        bool reverted = false;
        rpc_tx_call call = {addr, addr, NULL, hash, 4, 0};
        if (rpc_eth_call_revert(c, &out, &out_len, &reverted, &call,
                                rpc_block_tagged(RPC_BLOCK_LATEST), NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, out != NULL);
            abi_revert rv;
            if (out && reverted) FUZZ_IGNORE(abi_revert_decode(&rv, out, out_len, NULL));
        }
        break;
    }
    default: {
        rpc_tx_call call = {addr, addr, NULL, NULL, 0, 0};
        FUZZ_IGNORE(rpc_eth_estimate_gas(c, &u, &call, NULL));
        break;
    }
    }
    json_decref(v);
    free(out);
    return ok;
}

static bool fuzz_rpc_check(const uint8_t *data, size_t size)
{
    static const int statuses[4] = {400, 429, 500, 503};
    static bool curl_ready;
    if (size < 2) return true;
    if (!curl_ready) {
        if (rpc_global_init() != ZK_OK) return true;
        curl_ready = true;
    }
    fuzz_rpc_answer a = {data + 2, size - 2, data[1] < 0xf0 ? 200 : statuses[data[1] & 3]};
    rpc_options o = rpc_options_default();
    o.max_response_bytes = 1u << 20;
    o.max_retries = 0;
    o.transport = fuzz_rpc_transport;
    o.transport_ctx = &a;
    rpc_client *c = rpc_client_new("http://fuzz.invalid/", &o, NULL);
    if (!c) return true;
    bool ok = fuzz_rpc_op(c, data[0] % FUZZ_RPC_N_OPS);
    rpc_client_free(c);
    return ok;
}

FUZZ_ENTRY(fuzz_rpc_check)
