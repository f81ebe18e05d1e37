/* The JSON-RPC client against a real node: anvil (path in $ZK_ANVIL, set by
 * tests/run.sh) on a free loopback port. The test sends value transfers and a
 * contract creation whose constructor emits LOG1 and LOG2 and writes a storage
 * slot, then checks every typed helper on the live answers and cross-checks
 * them with the light client: headers re-hash to their hash, the block's
 * receipts rebuild receiptsRoot, and eth_getProof answers verify against
 * stateRoot. anvil is stopped by PID at the end, whatever happened. */
#include "harness.h"

#include "anvil.h"

#include "lightclient/header.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "lightclient/keccak.h"
#include "lightclient/receipt.h"
#include "lightclient/state_proof.h"
#include "relayer/rpc.h"

/* What the scenario built, shared by the tests below. */
static struct {
    test_anvil node;
    rpc_client *c; /* node.c */
    bool ready;
    char from[43], to[43]; /* the first two dev accounts */
    uint8_t fresh[20];     /* an address funded only by this test */
    uint8_t contract[20];  /* the contract the scenario created */
    uint8_t from_addr[20];
    uint8_t txs[4][32];               /* tx 0..2 in block b1, tx 3 in b1 + 1 */
    uint64_t b1;                      /* the block holding three transactions */
    uint8_t t1[32], t2a[32], t2b[32]; /* the constructor's log topics */
} g;

/* Starts anvil and waits until eth_chainId answers. */
TEST(test_node_start)
{
    g.ready = test_anvil_start(&g.node, 5000);
    g.c = g.node.c;
}

/* Hand-assembled init code (EVM opcodes, Yellow Paper appendix H):
 *   SSTORE(0, 0x2a); MSTORE(0, 0x2a)
 *   LOG1(mem[0..32], t1); LOG2(mem[0..32], t2a, t2b)
 *   CODECOPY the runtime and RETURN it.
 * Runtime: RETURN(SLOAD(0) as 32 bytes). */
static size_t init_code(uint8_t *out)
{
    static const uint8_t runtime[] = {0x60, 0x00, 0x54, 0x60, 0x00, 0x52,
                                      0x60, 0x20, 0x60, 0x00, 0xf3};
    size_t n = 0;
#define OP(...)                                                                                    \
    do {                                                                                           \
        const uint8_t ops_[] = {__VA_ARGS__};                                                      \
        memcpy(out + n, ops_, sizeof(ops_));                                                       \
        n += sizeof(ops_);                                                                         \
    } while (0)
#define PUSH32(v)                                                                                  \
    do {                                                                                           \
        out[n++] = 0x7f;                                                                           \
        memcpy(out + n, (v), 32);                                                                  \
        n += 32;                                                                                   \
    } while (0)
    OP(0x60, 0x2a, 0x60, 0x00, 0x55); /* PUSH1 42 PUSH1 0 SSTORE */
    OP(0x60, 0x2a, 0x60, 0x00, 0x52); /* PUSH1 42 PUSH1 0 MSTORE */
    PUSH32(g.t1);
    OP(0x60, 0x20, 0x60, 0x00, 0xa1); /* PUSH1 32 PUSH1 0 LOG1 */
    PUSH32(g.t2b);
    PUSH32(g.t2a);
    OP(0x60, 0x20, 0x60, 0x00, 0xa2); /* PUSH1 32 PUSH1 0 LOG2 */
    size_t off = n + 12;              /* the runtime follows the 12 bytes below */
    OP(0x60, (uint8_t)sizeof(runtime), 0x60, (uint8_t)off, 0x60, 0x00, 0x39); /* CODECOPY */
    OP(0x60, (uint8_t)sizeof(runtime), 0x60, 0x00, 0xf3);                     /* RETURN */
    memcpy(out + n, runtime, sizeof(runtime));
    n += sizeof(runtime);
#undef OP
#undef PUSH32
    return n;
}

static bool parse_hash(uint8_t out[32], const json_t *v)
{
    return json_is_string(v) && hex_decode_fixed(out, 32, json_string_value(v), NULL) == ZK_OK;
}

/* eth_sendTransaction from the first dev account (unlocked by anvil). */
static bool send_tx(uint8_t hash[32], json_t *tx)
{
    json_t *res = NULL;
    zk_errbuf err = {{0}, 0};
    json_object_set_new(tx, "from", json_string(g.from));
    int rc = rpc_call(g.c, &res, "eth_sendTransaction", json_pack("[o]", tx), &err);
    CHECK_MSG(rc == ZK_OK, "eth_sendTransaction: %s", err.msg);
    bool ok = rc == ZK_OK && parse_hash(hash, res);
    CHECK(ok);
    json_decref(res);
    return ok;
}

static bool call_ok(const char *method, json_t *params)
{
    json_t *res = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(g.c, &res, method, params, &err);
    CHECK_MSG(rc == ZK_OK, "%s: %s", method, err.msg);
    json_decref(res);
    return rc == ZK_OK;
}

/* Polls eth_getTransactionReceipt (a receipt can be null right after sending). */
static json_t *wait_receipt(const uint8_t hash[32])
{
    json_t *r = NULL;
    zk_errbuf err = {{0}, 0};
    for (int i = 0; i < 100; i++) {
        int rc = rpc_eth_get_transaction_receipt(g.c, &r, hash, &err);
        if (rc == ZK_OK) return r;
        CHECK_MSG(rc == ZK_ERR_NOTFOUND, "receipt: %s", err.msg);
        if (rc != ZK_ERR_NOTFOUND) return NULL;
        anvil_sleep_ms(50);
    }
    CHECK_MSG(false, "no receipt after 5 s");
    return NULL;
}

static bool quantity_is(const json_t *obj, const char *key, uint64_t want)
{
    uint64_t v;
    return json_get_quantity(&v, obj, key, NULL) == ZK_OK && v == want;
}

/* Three transactions in one block (automine off, then evm_mine), a fourth in
 * the next block. */
TEST(test_anvil_scenario)
{
    if (!g.ready) {
        CHECK_MSG(false, "anvil is not running");
        return;
    }
    zk_errbuf err = {{0}, 0};
    json_t *accts = NULL;
    CHECK_EQ_INT(rpc_call(g.c, &accts, "eth_accounts", NULL, &err), ZK_OK);
    CHECK(json_array_size(accts) >= 2);
    const char *a0 = json_string_value(json_array_get(accts, 0));
    const char *a1 = json_string_value(json_array_get(accts, 1));
    CHECK(a0 && a1 && strlen(a0) == 42 && strlen(a1) == 42);
    if (!a0 || !a1 || strlen(a0) != 42 || strlen(a1) != 42) {
        json_decref(accts);
        return;
    }
    memcpy(g.from, a0, 43);
    memcpy(g.to, a1, 43);
    json_decref(accts);
    CHECK(hex_decode_fixed(g.from_addr, 20, g.from, NULL) == ZK_OK);

    keccak256(g.t1, (const uint8_t *)"Ping(uint256)", 13);
    keccak256(g.t2a, (const uint8_t *)"Pong(uint256,uint256)", 21);
    keccak256(g.t2b, (const uint8_t *)"zkrelay test topic", 18);
    uint8_t digest[32];
    keccak256(digest, (const uint8_t *)"fresh", 5);
    memcpy(g.fresh, digest, 20); /* an address no key controls */
    char fresh_hex[43], code_hex[2 * 256 + 3];
    uint8_t code[256];
    hex_encode(fresh_hex, g.fresh, 20, true);
    size_t code_len = init_code(code);
    hex_encode(code_hex, code, code_len, true);

    bool ok = call_ok("evm_setAutomine", json_pack("[b]", 0));
    ok = ok && send_tx(g.txs[0], json_pack("{s:s,s:s}", "to", g.to, "value", "0xde0b6b3a7640000"));
    ok = ok && send_tx(g.txs[1], json_pack("{s:s,s:s}", "to", fresh_hex, "value", "0x1234"));
    ok = ok && send_tx(g.txs[2], json_pack("{s:s,s:s}", "data", code_hex, "gas", "0x100000"));
    if (ok) {
        /* Not mined yet: the receipt is null. */
        json_t *r = NULL;
        CHECK_EQ_INT(rpc_eth_get_transaction_receipt(g.c, &r, g.txs[0], &err), ZK_ERR_NOTFOUND);
    }
    ok = ok && call_ok("evm_mine", NULL);
    ok = ok && call_ok("evm_setAutomine", json_pack("[b]", 1));
    ok = ok && send_tx(g.txs[3], json_pack("{s:s,s:s}", "to", g.to, "value", "0x1"));
    if (!ok) {
        g.ready = false;
        return;
    }
    json_t *rc[4];
    for (int i = 0; i < 4; i++)
        rc[i] = wait_receipt(g.txs[i]);
    ok = rc[0] && rc[1] && rc[2] && rc[3];
    if (ok) {
        CHECK(json_get_quantity(&g.b1, rc[0], "blockNumber", NULL) == ZK_OK);
        CHECK(quantity_is(rc[1], "blockNumber", g.b1));
        CHECK(quantity_is(rc[2], "blockNumber", g.b1));
        CHECK(quantity_is(rc[3], "blockNumber", g.b1 + 1));
        for (int i = 0; i < 4; i++)
            CHECK(quantity_is(rc[i], "status", 1));
        CHECK(json_get_data_fixed(g.contract, 20, rc[2], "contractAddress", NULL) == ZK_OK);
        CHECK_EQ_INT(json_array_size(json_object_get(rc[2], "logs")), 2);
        CHECK_EQ_INT(json_array_size(json_object_get(rc[0], "logs")), 0);
    }
    for (int i = 0; i < 4; i++)
        json_decref(rc[i]);
    g.ready = ok;
}

/* Checks that block `which` re-hashes to its hash, and that a changed field
 * does not. Out: *h the decoded header (header_clear it). */
static bool check_header(eth_header *h, rpc_block_id which, const char *name)
{
    json_t *blk = NULL;
    zk_errbuf err = {{0}, 0};
    uint8_t want[32], got[32];
    header_init(h);
    CASE_BEGIN("header of block %s re-hashes to its hash", name);
    int rc = rpc_eth_get_block_by_number(g.c, &blk, which, false, &err);
    CHECK_MSG(rc == ZK_OK, "getBlockByNumber %s: %s", name, err.msg);
    bool ok = rc == ZK_OK;
    if (ok) {
        CHECK(json_get_data_fixed(want, 32, blk, "hash", NULL) == ZK_OK);
        rc = header_from_json(h, blk, &err);
        CHECK_MSG(rc == ZK_OK, "header_from_json: %s", err.msg);
        ok = rc == ZK_OK && header_hash(got, h) == ZK_OK;
        CHECK(ok);
        CHECK_MEM(got, want, 32);
        CHECK_MSG(strcmp(header_fork_name(h), "prague") == 0, "fork %s", header_fork_name(h));
        /* The same object with gasLimit changed must hash elsewhere. */
        eth_header h2;
        uint64_t gl = 0;
        json_t *forged = json_deep_copy(blk);
        char q[19];
        CHECK(json_get_quantity(&gl, blk, "gasLimit", NULL) == ZK_OK);
        hex_format_quantity(q, gl + 1);
        json_object_set_new(forged, "gasLimit", json_string(q));
        header_init(&h2);
        CHECK(header_from_json(&h2, forged, NULL) == ZK_OK);
        CHECK(header_hash(got, &h2) == ZK_OK);
        CHECK(memcmp(got, want, 32) != 0);
        header_clear(&h2);
        json_decref(forged);
    }
    json_decref(blk);
    CASE_END();
    return ok;
}

TEST(test_anvil_headers_and_receipts)
{
    if (!g.ready) {
        CHECK_MSG(false, "the scenario did not run");
        return;
    }
    zk_errbuf err = {{0}, 0};
    eth_header h;
    static const struct {
        rpc_block_tag tag;
        const char *name;
    } tags[] = {{RPC_BLOCK_LATEST, "latest"},
                {RPC_BLOCK_SAFE, "safe"},
                {RPC_BLOCK_FINALIZED, "finalized"},
                {RPC_BLOCK_EARLIEST, "earliest"}};
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        check_header(&h, rpc_block_tagged(tags[i].tag), tags[i].name);
        header_clear(&h);
    }
    check_header(&h, rpc_block_at(g.b1 + 1), "b1+1");
    header_clear(&h);
    if (!check_header(&h, rpc_block_at(g.b1), "b1")) {
        header_clear(&h);
        return;
    }
    CHECK_EQ_INT(h.number, g.b1);

    CASE_BEGIN("eth_getBlockReceipts rebuilds receiptsRoot of b1");
    json_t *rcpts = NULL;
    uint8_t root[32];
    int rc = rpc_eth_get_block_receipts(g.c, &rcpts, rpc_block_at(g.b1), &err);
    CHECK_MSG(rc == ZK_OK, "getBlockReceipts: %s", err.msg);
    if (rc == ZK_OK) {
        CHECK_EQ_INT(json_array_size(rcpts), 3);
        rc = receipts_root_from_json(root, rcpts, &err);
        CHECK_MSG(rc == ZK_OK, "receipts_root_from_json: %s", err.msg);
        CHECK_MEM(root, h.receipts_root, 32);
        /* A changed log data byte must change the root (or be refused). */
        json_t *forged = json_deep_copy(rcpts);
        json_t *log = json_array_get(json_object_get(json_array_get(forged, 2), "logs"), 0);
        json_object_set_new(
            log, "data",
            json_string("0x000000000000000000000000000000000000000000000000000000000000002b"));
        rc = receipts_root_from_json(root, forged, NULL);
        CHECK(rc != ZK_OK || memcmp(root, h.receipts_root, 32) != 0);
        json_decref(forged);
        /* A receipt dropped from the block changes the root. */
        forged = json_deep_copy(rcpts);
        json_array_remove(forged, 2);
        rc = receipts_root_from_json(root, forged, NULL);
        CHECK(rc != ZK_OK || memcmp(root, h.receipts_root, 32) != 0);
        json_decref(forged);
    }
    json_decref(rcpts);
    CASE_END();

    CASE_BEGIN("block and receipts that do not exist");
    json_t *none = NULL;
    CHECK_EQ_INT(rpc_eth_get_block_by_number(g.c, &none, rpc_block_at(g.b1 + 1000), false, &err),
                 ZK_ERR_NOTFOUND);
    CHECK(none == NULL);
    rc = rpc_eth_get_block_receipts(g.c, &none, rpc_block_at(g.b1 + 1000), &err);
    CHECK_MSG(rc == ZK_ERR_NOTFOUND, "receipts of a future block: %d (%s)", rc, err.msg);
    json_decref(none);
    uint8_t unknown[32];
    keccak256(unknown, (const uint8_t *)"no such tx", 10);
    CHECK_EQ_INT(rpc_eth_get_transaction_receipt(g.c, &none, unknown, &err), ZK_ERR_NOTFOUND);
    CASE_END();
    header_clear(&h);
}

/* Fetches a proof at block b1 and verifies it against b1's stateRoot; then
 * checks that a flipped root and a changed field are rejected. */
static void check_proof(const eth_header *h, const uint8_t addr[20], const uint8_t (*keys)[32],
                        size_t n_keys, const char *name, const char *want_balance)
{
    json_t *proof = NULL;
    zk_errbuf err = {{0}, 0};
    CASE_BEGIN("eth_getProof of %s verifies against stateRoot", name);
    int rc = rpc_eth_get_proof(g.c, &proof, addr, keys, n_keys, rpc_block_at(g.b1), &err);
    CHECK_MSG(rc == ZK_OK, "getProof: %s", err.msg);
    if (rc == ZK_OK) {
        rc = state_proof_verify(h->state_root, proof, &err);
        CHECK_MSG(rc == ZK_OK, "state_proof_verify %s: %s", name, err.msg);
        if (want_balance)
            CHECK(strcmp(json_string_value(json_object_get(proof, "balance")), want_balance) == 0);
        uint8_t bad_root[32];
        memcpy(bad_root, h->state_root, 32);
        bad_root[7] ^= 0x10;
        CHECK_EQ_INT(state_proof_verify(bad_root, proof, NULL), ZK_ERR_REJECTED);
        json_t *forged = json_deep_copy(proof);
        json_object_set_new(forged, "balance", json_string("0x7fffffff"));
        CHECK_EQ_INT(state_proof_verify(h->state_root, forged, NULL), ZK_ERR_REJECTED);
        json_decref(forged);
        if (n_keys) {
            forged = json_deep_copy(proof);
            json_t *sp = json_array_get(json_object_get(forged, "storageProof"), 0);
            json_object_set_new(sp, "value", json_string("0x2b"));
            CHECK_EQ_INT(state_proof_verify(h->state_root, forged, NULL), ZK_ERR_REJECTED);
            json_decref(forged);
            CHECK(strcmp(json_string_value(json_object_get(
                             json_array_get(json_object_get(proof, "storageProof"), 0), "value")),
                         "0x2a") == 0);
        }
    }
    json_decref(proof);
    CASE_END();
}

TEST(test_anvil_state_proofs)
{
    if (!g.ready) {
        CHECK_MSG(false, "the scenario did not run");
        return;
    }
    json_t *blk = NULL;
    eth_header h;
    header_init(&h);
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(rpc_eth_get_block_by_number(g.c, &blk, rpc_block_at(g.b1), false, &err), ZK_OK);
    if (!blk || header_from_json(&h, blk, &err) != ZK_OK) {
        CHECK_MSG(false, "header of b1: %s", err.msg);
        json_decref(blk);
        return;
    }
    json_decref(blk);
    uint8_t slots[2][32];
    memset(slots, 0, sizeof(slots));
    slots[1][31] = 7; /* never written: an exclusion proof with value 0 */
    uint8_t absent[20];
    memset(absent, 0xee, sizeof(absent));
    check_proof(&h, g.fresh, NULL, 0, "the freshly funded account", "0x1234");
    check_proof(&h, g.contract, (const uint8_t(*)[32])slots, 2, "the contract with two slots",
                NULL);
    check_proof(&h, g.from_addr, NULL, 0, "the sender", NULL);
    check_proof(&h, absent, NULL, 0, "an absent account", "0x0");
    header_clear(&h);
}

TEST(test_anvil_typed_helpers)
{
    if (!g.ready) {
        CHECK_MSG(false, "the scenario did not run");
        return;
    }
    zk_errbuf err = {{0}, 0};
    uint64_t v = 0;
    int rc;

    CASE_BEGIN("eth_chainId and eth_blockNumber");
    CHECK_EQ_INT(rpc_eth_chain_id(g.c, &v, &err), ZK_OK);
    CHECK_EQ_INT(v, ANVIL_CHAIN_ID);
    CHECK_EQ_INT(rpc_eth_block_number(g.c, &v, &err), ZK_OK);
    CHECK_EQ_INT(v, g.b1 + 1);
    CASE_END();

    CASE_BEGIN("eth_getLogs returns the constructor's logs");
    json_t *logs = NULL;
    rpc_log_filter f = {rpc_block_at(g.b1), rpc_block_at(g.b1), g.contract, {NULL}, 0};
    CHECK_EQ_INT(rpc_eth_get_logs(g.c, &logs, &f, &err), ZK_OK);
    CHECK_EQ_INT(json_array_size(logs), 2);
    uint8_t t[32], data[32], addr[20];
    json_t *l0 = json_array_get(logs, 0), *l1 = json_array_get(logs, 1);
    CHECK(json_get_data_fixed(addr, 20, l0, "address", NULL) == ZK_OK);
    CHECK_MEM(addr, g.contract, 20);
    CHECK(json_array_size(json_object_get(l0, "topics")) == 1);
    CHECK(parse_hash(t, json_array_get(json_object_get(l0, "topics"), 0)));
    CHECK_MEM(t, g.t1, 32);
    CHECK(json_get_data_fixed(data, 32, l0, "data", NULL) == ZK_OK);
    CHECK(data[31] == 0x2a && data[0] == 0);
    CHECK(json_array_size(json_object_get(l1, "topics")) == 2);
    CHECK(parse_hash(t, json_array_get(json_object_get(l1, "topics"), 1)));
    CHECK_MEM(t, g.t2b, 32);
    json_decref(logs);
    /* Topic filters: position 0 = t1; and a wildcard then t2b. */
    f.topics[0] = g.t1;
    f.n_topics = 1;
    CHECK_EQ_INT(rpc_eth_get_logs(g.c, &logs, &f, &err), ZK_OK);
    CHECK_EQ_INT(json_array_size(logs), 1);
    json_decref(logs);
    f.topics[0] = NULL;
    f.topics[1] = g.t2b;
    f.n_topics = 2;
    f.from = rpc_block_tagged(RPC_BLOCK_EARLIEST);
    f.to = rpc_block_tagged(RPC_BLOCK_LATEST);
    CHECK_EQ_INT(rpc_eth_get_logs(g.c, &logs, &f, &err), ZK_OK);
    CHECK_EQ_INT(json_array_size(logs), 1);
    CHECK(quantity_is(json_array_get(logs, 0), "blockNumber", g.b1));
    json_decref(logs);
    f.topics[1] = g.t1; /* t1 is never in position 1 */
    CHECK_EQ_INT(rpc_eth_get_logs(g.c, &logs, &f, &err), ZK_OK);
    CHECK_EQ_INT(json_array_size(logs), 0);
    json_decref(logs);
    CASE_END();

    CASE_BEGIN("eth_call of the contract");
    uint8_t *out = NULL;
    size_t out_len = 0;
    CHECK_EQ_INT(rpc_eth_call(g.c, &out, &out_len, g.contract, NULL, 0,
                              rpc_block_tagged(RPC_BLOCK_LATEST), &err),
                 ZK_OK);
    CHECK_EQ_INT(out_len, 32);
    CHECK(out && out[31] == 0x2a && out[30] == 0);
    free(out);
    /* Before the creation block the address has no code: empty return data. */
    rc = rpc_eth_call(g.c, &out, &out_len, g.contract, (const uint8_t *)"\x01\x02", 2,
                      rpc_block_at(g.b1 - 1), &err);
    CHECK_MSG(rc == ZK_OK, "eth_call before creation: %s", err.msg);
    CHECK_EQ_INT(out_len, 0);
    free(out);
    CASE_END();

    CASE_BEGIN("eth_getTransactionCount");
    CHECK_EQ_INT(rpc_eth_get_transaction_count(g.c, &v, g.from_addr,
                                               rpc_block_tagged(RPC_BLOCK_LATEST), &err),
                 ZK_OK);
    CHECK_EQ_INT(v, 4);
    CHECK_EQ_INT(rpc_eth_get_transaction_count(g.c, &v, g.from_addr, rpc_block_at(g.b1), &err),
                 ZK_OK);
    CHECK_EQ_INT(v, 3);
    CHECK_EQ_INT(
        rpc_eth_get_transaction_count(g.c, &v, g.fresh, rpc_block_tagged(RPC_BLOCK_PENDING), &err),
        ZK_OK);
    CHECK_EQ_INT(v, 0);
    CASE_END();

    CASE_BEGIN("eth_feeHistory");
    json_t *fh = NULL;
    static const double pct[2] = {25.0, 75.0};
    rc = rpc_eth_fee_history(g.c, &fh, 2, rpc_block_tagged(RPC_BLOCK_LATEST), pct, 2, &err);
    CHECK_MSG(rc == ZK_OK, "feeHistory: %s", err.msg);
    CHECK(quantity_is(fh, "oldestBlock", g.b1));
    CHECK_EQ_INT(json_array_size(json_object_get(fh, "baseFeePerGas")), 3);
    CHECK_EQ_INT(json_array_size(json_object_get(fh, "gasUsedRatio")), 2);
    json_t *reward = json_object_get(fh, "reward");
    CHECK_EQ_INT(json_array_size(reward), 2);
    CHECK_EQ_INT(json_array_size(json_array_get(reward, 0)), 2);
    json_decref(fh);
    CASE_END();

    CASE_BEGIN("eth_sendRawTransaction of malformed bytes");
    static const uint8_t junk[] = {0x02, 0xf8, 0x01, 0x00, 0xde, 0xad};
    uint8_t hash[32];
    rc = rpc_eth_send_raw_transaction(g.c, hash, junk, sizeof(junk), &err);
    CHECK_MSG(rc == ZK_ERR_RPC, "rc %d (%s)", rc, err.msg);
    CHECK_MSG(strncmp(err.msg, "rpc eth_sendRawTransaction: error ", 34) == 0, "\"%s\"", err.msg);
    CASE_END();

    CASE_BEGIN("a batch against the node");
    rpc_request reqs[3] = {{"eth_chainId", NULL},
                           {"eth_blockNumber", json_array()},
                           {"eth_noSuchMethod", json_array()}};
    json_t *res[3];
    int codes[3];
    zk_errbuf errs[3];
    CHECK_EQ_INT(rpc_batch(g.c, res, codes, errs, reqs, 3, &err), ZK_ERR_RPC);
    CHECK_EQ_INT(codes[0], ZK_OK);
    CHECK_EQ_INT(codes[1], ZK_OK);
    CHECK_EQ_INT(codes[2], ZK_ERR_RPC);
    CHECK(json_is_string(res[0]) && strcmp(json_string_value(res[0]), "0x7a69") == 0);
    CHECK(json_is_string(res[1]));
    CHECK(res[2] == NULL);
    CHECK_MSG(strncmp(errs[2].msg, "rpc eth_noSuchMethod: error -32601", 34) == 0, "\"%s\"",
              errs[2].msg);
    json_decref(res[0]);
    json_decref(res[1]);
    CASE_END();

    CASE_BEGIN("counters");
    rpc_stats st;
    rpc_client_stats(g.c, &st);
    CHECK(st.calls > 20);
    CHECK(st.attempts >= st.calls);
    CHECK(st.rpc_errors >= 2);
    CASE_END();
}

static void run_all(void)
{
    if (rpc_global_init() != ZK_OK) {
        fprintf(stderr, "rpc_global_init failed\n");
        exit(1);
    }
    RUN(test_node_start);
    RUN(test_anvil_scenario);
    RUN(test_anvil_headers_and_receipts);
    RUN(test_anvil_state_proofs);
    RUN(test_anvil_typed_helpers);
    test_anvil_stop(&g.node);
    rpc_global_cleanup();
}

TEST_MAIN(run_all())
