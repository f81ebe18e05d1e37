/* Transactions against a real node: anvil ($ZK_ANVIL) on a free loopback
 * port. Our type-2 signature equals anvil's own eth_signTransaction for the
 * same fields; a transaction signed in C (fees from eth_feeHistory, gas from
 * eth_estimateGas) is mined with our address as `from`; a changed byte is
 * rejected or comes from another sender; a bumped-fee replacement displaces a
 * pending transaction; a contract creation signed in C deploys a contract
 * whose revert reason comes back through eth_simulateV1 and abi_revert. */
#include "harness.h"

#include "anvil.h"

#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "relayer/abi.h"
#include "relayer/fees.h"
#include "relayer/rpc_tx.h"
#include "relayer/tx.h"

#define DEV_KEY  "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define DEV_ADDR "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
#define DEV1     "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"

static struct {
    test_anvil node;
    bool ready;
    secp256k1_context *ctx;
    uint8_t key[32], me[20], to[20];
    fees_pair fees;
    fees_caps caps;
} g;

TEST(test_anvil_start_node)
{
    g.ctx = ecdsa_context_new(NULL);
    CHECK(g.ctx != NULL);
    CHECK(hex_decode_fixed(g.key, 32, DEV_KEY, NULL) == ZK_OK);
    CHECK(hex_decode_fixed(g.me, 20, DEV_ADDR, NULL) == ZK_OK);
    CHECK(hex_decode_fixed(g.to, 20, DEV1, NULL) == ZK_OK);
    g.caps = (fees_caps){200000000000ull, 10000000000ull, 1000000000ull};
    g.ready = g.ctx && test_anvil_start(&g.node, 5000);
}

static json_t *wait_receipt(const uint8_t hash[32])
{
    json_t *r = NULL;
    zk_errbuf err = {{0}, 0};
    for (int i = 0; i < 100; i++) {
        int rc = rpc_eth_get_transaction_receipt(g.node.c, &r, hash, &err);
        if (rc == ZK_OK) return r;
        CHECK_MSG(rc == ZK_ERR_NOTFOUND, "receipt: %s", err.msg);
        if (rc != ZK_ERR_NOTFOUND) return NULL;
        anvil_sleep_ms(50);
    }
    CHECK_MSG(false, "no receipt after 5 s");
    return NULL;
}

static uint64_t pending_nonce(void)
{
    uint64_t n = 0;
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(rpc_eth_get_transaction_count(g.node.c, &n, g.me, rpc_block_tagged(RPC_BLOCK_PENDING),
                                            &err) == ZK_OK,
              "nonce: %s", err.msg);
    return n;
}

static bool rpc_ok(const char *method, json_t *params)
{
    json_t *res = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(g.node.c, &res, method, params, &err);
    CHECK_MSG(rc == ZK_OK, "%s: %s", method, err.msg);
    json_decref(res);
    return rc == ZK_OK;
}

/* Our signature of a transfer equals the node's eth_signTransaction. */
TEST(test_anvil_sign_matches_node)
{
    if (!g.ready) return;
    static const uint8_t data[] = {0xca, 0xfe};
    tx_eip1559 tx;
    memset(&tx, 0, sizeof(tx));
    tx.chain_id = ANVIL_CHAIN_ID;
    tx.nonce = 3;
    tx.max_priority_fee = 1500000000;
    tx.max_fee = 4000000000;
    tx.gas_limit = 50000;
    memcpy(tx.to, g.to, 20);
    tx.value[31] = 7;
    tx.data = data;
    tx.data_len = sizeof(data);
    json_t *res = NULL;
    zk_errbuf err = {{0}, 0};
    json_t *req = json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}]", "from",
                            DEV_ADDR, "to", DEV1, "gas", "0xc350", "maxFeePerGas", "0xee6b2800",
                            "maxPriorityFeePerGas", "0x59682f00", "value", "0x7", "nonce", "0x3",
                            "chainId", "0x7a69", "type", "0x2", "input", "0xcafe");
    int rc = rpc_call(g.node.c, &res, "eth_signTransaction", req, &err);
    CHECK_MSG(rc == ZK_OK, "eth_signTransaction: %s", err.msg);
    uint8_t *node_raw = NULL, hash[32];
    size_t node_len = 0;
    if (rc == ZK_OK)
        CHECK(json_is_string(res) &&
              hex_decode_alloc(&node_raw, &node_len, json_string_value(res), NULL) == ZK_OK);
    zk_buf raw;
    buf_init(&raw, 0);
    CHECK(tx_sign(g.ctx, &raw, hash, &tx, g.key, &err) == ZK_OK);
    CHECK_EQ_INT(raw.len, node_len);
    if (node_raw && raw.len == node_len) CHECK_MEM(raw.data, node_raw, node_len);
    free(node_raw);
    json_decref(res);
    buf_clear(&raw);
}

/* Fees from eth_feeHistory, gas from eth_estimateGas, signed here, sent raw. */
TEST(test_anvil_send_and_receipt)
{
    if (!g.ready) return;
    zk_errbuf err = {{0}, 0};
    json_t *hist = NULL;
    const double pct[] = {50.0};
    CHECK_MSG(rpc_eth_fee_history(g.node.c, &hist, 4, rpc_block_tagged(RPC_BLOCK_LATEST), pct, 1,
                                  &err) == ZK_OK,
              "feeHistory: %s", err.msg);
    if (!hist) return;
    CHECK_MSG(fees_suggest(&g.fees, hist, &g.caps, &err) == ZK_OK, "fees: %s", err.msg);
    json_decref(hist);
    CHECK(g.fees.max_fee >= g.fees.max_priority_fee && g.fees.max_priority_fee >= 1000000000ull);

    static const uint8_t data[] = {0x01, 0x02, 0x03};
    uint8_t one_eth[32] = {0};
    be64_store(one_eth + 24, 1000000000000000000ull);
    rpc_tx_call call = {g.me, g.to, one_eth, data, sizeof(data), 0};
    uint64_t gas = 0;
    CHECK_MSG(rpc_eth_estimate_gas(g.node.c, &gas, &call, &err) == ZK_OK, "estimate: %s", err.msg);
    CHECK(gas >= 21000 && gas < 100000);

    tx_eip1559 tx;
    memset(&tx, 0, sizeof(tx));
    tx.chain_id = ANVIL_CHAIN_ID;
    tx.nonce = pending_nonce();
    tx.max_priority_fee = g.fees.max_priority_fee;
    tx.max_fee = g.fees.max_fee;
    tx.gas_limit = gas;
    memcpy(tx.to, g.to, 20);
    memcpy(tx.value, one_eth, 32);
    tx.data = data;
    tx.data_len = sizeof(data);
    zk_buf raw;
    uint8_t hash[32], node_hash[32];
    buf_init(&raw, 0);
    CHECK(tx_sign(g.ctx, &raw, hash, &tx, g.key, &err) == ZK_OK);
    CHECK_MSG(rpc_eth_send_raw_transaction(g.node.c, node_hash, raw.data, raw.len, &err) == ZK_OK,
              "send: %s", err.msg);
    CHECK_MEM(node_hash, hash, 32);
    json_t *rcpt = wait_receipt(hash);
    if (rcpt) {
        bool ok = false;
        uint64_t block = 0, used = 0, price = 0;
        CHECK(rpc_receipt_summary(&ok, &block, &used, &price, rcpt, &err) == ZK_OK);
        CHECK(ok && block >= 1 && used > 21000 && used <= gas);
        CHECK(price <= tx.max_fee && price > 0);
        uint8_t from[20];
        CHECK(json_get_data_fixed(from, 20, rcpt, "from", NULL) == ZK_OK);
        CHECK_MEM(from, g.me, 20);
        json_decref(rcpt);
    }
    /* The node's view of the transaction: same sender, same input. */
    char hx[67];
    hex_encode(hx, hash, 32, true);
    json_t *txo = NULL;
    CHECK(rpc_call(g.node.c, &txo, "eth_getTransactionByHash", json_pack("[s]", hx), &err) ==
          ZK_OK);
    uint8_t from[20];
    CHECK(json_get_data_fixed(from, 20, txo, "from", NULL) == ZK_OK);
    CHECK_MEM(from, g.me, 20);
    json_decref(txo);

    /* A changed byte (the last byte of data) makes another sender: anvil
     * refuses it (that account has no funds) or mines it from that sender. */
    raw.len = 0;
    tx.nonce = pending_nonce();
    CHECK(tx_sign(g.ctx, &raw, hash, &tx, g.key, &err) == ZK_OK);
    tx_decoded d;
    size_t at = raw.len - 67 - 1; /* r and s are 33 bytes each; data ends before the access list */
    for (size_t i = 0; i + 3 <= raw.len; i++)
        if (memcmp(raw.data + i, data, 3) == 0) at = i + 2;
    raw.data[at] ^= 0x01;
    CHECK(tx_decode(g.ctx, &d, raw.data, raw.len, NULL) == ZK_OK);
    CHECK(memcmp(d.sender, g.me, 20) != 0);
    int rc = rpc_eth_send_raw_transaction(g.node.c, node_hash, raw.data, raw.len, &err);
    if (rc == ZK_OK) {
        json_t *r2 = wait_receipt(node_hash);
        uint8_t f2[20];
        CHECK(r2 && json_get_data_fixed(f2, 20, r2, "from", NULL) == ZK_OK &&
              memcmp(f2, g.me, 20) != 0);
        json_decref(r2);
    } else {
        CHECK_EQ_INT(rc, ZK_ERR_RPC);
    }
    /* A bad signature (s = 0) is refused by the node. */
    raw.data[at] ^= 0x01;
    raw.data[raw.len - 1] ^= 0xff;
    rc = rpc_eth_send_raw_transaction(g.node.c, node_hash, raw.data, raw.len, &err);
    if (rc == ZK_OK) {
        CHECK(tx_decode(g.ctx, &d, raw.data, raw.len, NULL) == ZK_OK);
        CHECK(memcmp(d.sender, g.me, 20) != 0);
    } else {
        CHECK_EQ_INT(rc, ZK_ERR_RPC);
    }
    buf_clear(&raw);
}

/* With automine off, a pending transaction is replaced by the same nonce
 * signed with fees_bump'ed fees; only the replacement is mined. */
TEST(test_anvil_replacement)
{
    if (!g.ready) return;
    zk_errbuf err = {{0}, 0};
    CHECK(rpc_ok("evm_setAutomine", json_pack("[b]", 0)));
    tx_eip1559 tx;
    memset(&tx, 0, sizeof(tx));
    tx.chain_id = ANVIL_CHAIN_ID;
    tx.nonce = pending_nonce();
    tx.max_priority_fee = g.fees.max_priority_fee;
    tx.max_fee = g.fees.max_fee;
    tx.gas_limit = 21000;
    memcpy(tx.to, g.to, 20);
    tx.value[31] = 1;
    zk_buf raw;
    uint8_t h1[32], h2[32], nh[32];
    buf_init(&raw, 0);
    CHECK(tx_sign(g.ctx, &raw, h1, &tx, g.key, &err) == ZK_OK);
    CHECK_MSG(rpc_eth_send_raw_transaction(g.node.c, nh, raw.data, raw.len, &err) == ZK_OK,
              "send 1: %s", err.msg);
    fees_pair bumped;
    const fees_pair old = {tx.max_fee, tx.max_priority_fee};
    CHECK(fees_bump(&bumped, &old, FEES_MIN_BUMP_PERCENT, &g.caps, &err) == ZK_OK);
    tx.max_fee = bumped.max_fee;
    tx.max_priority_fee = bumped.max_priority_fee;
    raw.len = 0;
    CHECK(tx_sign(g.ctx, &raw, h2, &tx, g.key, &err) == ZK_OK);
    CHECK(memcmp(h1, h2, 32) != 0);
    CHECK_MSG(rpc_eth_send_raw_transaction(g.node.c, nh, raw.data, raw.len, &err) == ZK_OK,
              "send replacement: %s", err.msg);
    CHECK_MEM(nh, h2, 32);
    CHECK(rpc_ok("evm_mine", json_array()));
    json_t *r = wait_receipt(h2);
    bool ok = false;
    uint64_t block, used, price;
    CHECK(r && rpc_receipt_summary(&ok, &block, &used, &price, r, &err) == ZK_OK && ok);
    json_decref(r);
    json_t *gone = NULL;
    CHECK_EQ_INT(rpc_eth_get_transaction_receipt(g.node.c, &gone, h1, &err), ZK_ERR_NOTFOUND);
    CHECK(rpc_ok("evm_setAutomine", json_pack("[b]", 1)));
    buf_clear(&raw);
}

/* Deploys (a creation signed here) a contract whose every call reverts with
 * Error("relay: nope"), then reads the reason through eth_simulateV1. */
TEST(test_anvil_revert_reason)
{
    if (!g.ready) return;
    zk_errbuf err = {{0}, 0};
    zk_buf rev, code, raw;
    abi_enc e;
    buf_init(&rev, 0);
    buf_init(&code, 0);
    buf_init(&raw, 0);
    abi_enc_init(&e, 0);
    abi_enc_selector(&e, "Error(string)");
    abi_enc_string(&e, "relay: nope");
    CHECK(abi_enc_finish(&e, &rev, NULL) == ZK_OK);
    abi_enc_clear(&e);
    CHECK(rev.len == 100);
    /* runtime: CODECOPY(0, 12, 100); REVERT(0, 100); then the revert data.
     * init:    CODECOPY(0, 12, len(runtime)); RETURN(0, len(runtime)). */
    const uint8_t rlen = (uint8_t)(12 + rev.len);
    const uint8_t init[] = {0x60, rlen, 0x60, 12, 0x60, 0, 0x39, 0x60, rlen, 0x60, 0, 0xf3};
    const uint8_t run[] = {0x60, 100, 0x60, 12, 0x60, 0, 0x39, 0x60, 100, 0x60, 0, 0xfd};
    CHECK(buf_append(&code, init, sizeof(init)) == ZK_OK);
    CHECK(buf_append(&code, run, sizeof(run)) == ZK_OK);
    CHECK(buf_append(&code, rev.data, rev.len) == ZK_OK);

    tx_eip1559 tx;
    memset(&tx, 0, sizeof(tx));
    tx.chain_id = ANVIL_CHAIN_ID;
    tx.nonce = pending_nonce();
    tx.max_priority_fee = g.fees.max_priority_fee;
    tx.max_fee = g.fees.max_fee;
    tx.gas_limit = 200000;
    tx.create = true;
    tx.data = code.data;
    tx.data_len = code.len;
    uint8_t hash[32], nh[32], contract[20];
    CHECK(tx_sign(g.ctx, &raw, hash, &tx, g.key, &err) == ZK_OK);
    CHECK_MSG(rpc_eth_send_raw_transaction(g.node.c, nh, raw.data, raw.len, &err) == ZK_OK,
              "deploy: %s", err.msg);
    json_t *r = wait_receipt(hash);
    bool have = r && json_get_data_fixed(contract, 20, r, "contractAddress", NULL) == ZK_OK;
    CHECK(have);
    json_decref(r);
    if (have) {
        static const uint8_t calldata[] = {0x12, 0x34, 0x56, 0x78};
        rpc_tx_call call = {g.me, contract, NULL, calldata, sizeof(calldata), 0};
        uint8_t *out = NULL;
        size_t out_len = 0;
        bool reverted = false;
        CHECK_MSG(rpc_eth_call_revert(g.node.c, &out, &out_len, &reverted, &call,
                                      rpc_block_tagged(RPC_BLOCK_LATEST), &err) == ZK_OK,
                  "simulate: %s", err.msg);
        CHECK(reverted);
        abi_revert rv;
        CHECK(abi_revert_decode(&rv, out, out_len, &err) == ZK_OK);
        CHECK_EQ_INT(rv.kind, ABI_REVERT_ERROR);
        CHECK(th_streq(rv.reason, "relay: nope"));
        free(out);
        /* Gas estimation of a reverting call is the node's error. */
        uint64_t gas;
        CHECK_EQ_INT(rpc_eth_estimate_gas(g.node.c, &gas, &call, &err), ZK_ERR_RPC);
        /* A call that succeeds: to an account without code. */
        call.to = g.to;
        CHECK(rpc_eth_call_revert(g.node.c, &out, &out_len, &reverted, &call,
                                  rpc_block_tagged(RPC_BLOCK_LATEST), &err) == ZK_OK);
        CHECK(!reverted && out_len == 0 && out != NULL);
        free(out);
    }
    buf_clear(&rev);
    buf_clear(&code);
    buf_clear(&raw);
}

TEST(test_anvil_stop_node)
{
    test_anvil_stop(&g.node);
    ecdsa_context_free(g.ctx);
    zk_wipe(g.key, sizeof(g.key));
}

TEST_MAIN(RUN(test_anvil_start_node); RUN(test_anvil_sign_matches_node);
          RUN(test_anvil_send_and_receipt); RUN(test_anvil_replacement);
          RUN(test_anvil_revert_reason); RUN(test_anvil_stop_node))
