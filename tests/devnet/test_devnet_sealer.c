/* The devnet QBFT sealer ($ZK_DEVNET_BIN) in front of a real anvil: transactions
 * sent through the sealer's proxy, then every served header is checked with
 * the light-client code (re-hash, parent links, seals under the 4 devnet
 * validators re-derived here, receiptsRoot rebuilt from the receipts, raw
 * RLP), logs and receipts carry QBFT hashes, the light client syncs the chain
 * over the sealer's URL, a vote rotates the set and the client follows it, and
 * a restarted sealer (--state, --seals 3) serves the same hashes. Forgeries of
 * what the sealer serves (a flipped field, a wrong set, a dropped receipt, a
 * truncated header) are rejected. CLI usage errors end the file. */
#include "harness.h"

#include <fcntl.h>

#include "lightclient/bft.h"
#include "lightclient/ecdsa.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "lightclient/keccak.h"
#include "lightclient/lc.h"
#include "lightclient/receipt.h"
#include "relayer/anvil.h"
#include "relayer/lc_sync.h"
#include "relayer/rpc.h"

#define N_VALIDATORS 4

typedef struct sealer_proc {
    pid_t pid;
    char url[64];
    rpc_client *c;
} sealer_proc;

static test_anvil anvil;
static secp256k1_context *ctx;
static uint8_t val_addrs[N_VALIDATORS + 1][20]; /* devnet keys 0..4 */
static char state_dir[512];

static void derive_addrs(void)
{
    for (size_t i = 0; i <= N_VALIDATORS; i++) {
        char text[64];
        uint8_t key[32], pub[64];
        int n = snprintf(text, sizeof(text), "zkrelay devnet validator %zu", i);
        keccak256(key, (const uint8_t *)text, (size_t)n);
        CHECK_EQ_INT(ecdsa_pubkey_from_seckey(ctx, pub, key), ZK_OK);
        eth_address_from_pubkey(val_addrs[i], pub);
    }
}

/* Runs zkrelay-devnet with args to completion; returns its exit status and
 * stdout/stderr (malloc'd, NUL-terminated). */
static int devnet_run(const char *const *args, size_t n, char **out, char **err)
{
    const char *bin = getenv("ZK_DEVNET_BIN");
    const char *po = th_tmp_path("run.out"), *pe = th_tmp_path("run.err");
    char pout[512], perr[512];
    snprintf(pout, sizeof(pout), "%s", po);
    snprintf(perr, sizeof(perr), "%s", pe);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        const char *argv[16] = {"zkrelay-devnet"};
        for (size_t i = 0; i < n && i < 14; i++)
            argv[1 + i] = args[i];
        if (!freopen(pout, "w", stdout) || !freopen(perr, "w", stderr)) _exit(127);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int status = -1;
    if (pid > 0) waitpid(pid, &status, 0);
    *out = th_read_text(pout);
    *err = th_read_text(perr);
    if (!*out) *out = calloc(1, 1);
    if (!*err) *err = calloc(1, 1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Starts the sealer in front of anvil and waits until it answers. extra: more
 * options (NULL-terminated). */
static bool sealer_start(sealer_proc *s, const char *const *extra)
{
    memset(s, 0, sizeof(*s));
    const char *bin = getenv("ZK_DEVNET_BIN");
    if (!bin || access(bin, X_OK) != 0) {
        CHECK_MSG(false, "ZK_DEVNET_BIN not set or not executable (make check sets it)");
        return false;
    }
    uint16_t port = anvil_free_port();
    char listen[32];
    snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
    const char *argv[24] = {"zkrelay-devnet", "sealer", "--anvil", anvil.url, "--listen", listen};
    size_t n = 6;
    for (size_t i = 0; extra && extra[i] && n < 22; i++)
        argv[n++] = extra[i];
    char log[512];
    snprintf(log, sizeof(log), "%s", th_tmp_path("sealer.log"));
    pid_t parent = getpid();
    fflush(NULL);
    s->pid = fork();
    if (s->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        /* Its banner and notes go to a log, not into the test's output. */
        if (!freopen("/dev/null", "w", stdout) || !freopen(log, "a", stderr)) _exit(127);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u", port);
    rpc_options o = rpc_options_default();
    o.max_retries = 0;
    s->c = rpc_client_new(s->url, &o, NULL);
    uint64_t head = 0;
    double t0 = anvil_now_s();
    while (s->c && anvil_now_s() - t0 < 10.0) {
        if (rpc_eth_block_number(s->c, &head, NULL) == ZK_OK) return true;
        anvil_sleep_ms(50);
    }
    CHECK_MSG(false, "the sealer did not answer within 10 s");
    return false;
}

static void sealer_stop(sealer_proc *s)
{
    rpc_client_free(s->c);
    s->c = NULL;
    if (s->pid <= 0) return;
    int status = 0;
    kill(s->pid, SIGTERM);
    waitpid(s->pid, &status, 0);
    /* SIGTERM is a clean shutdown: httpd_stop joins, then exit 0. */
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "sealer exit status %d", status);
    s->pid = 0;
}

static json_t *call(sealer_proc *s, const char *method, json_t *params, int want_rc)
{
    json_t *r = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(s->c, &r, method, params, &err);
    CHECK_MSG(rc == want_rc, "%s: rc %d (%s)", method, rc, err.msg);
    return r;
}

static uint8_t sender[20];
static uint8_t tx_hashes[3][32];
static uint8_t log_topic[32];

static void send_tx(sealer_proc *s, json_t *tx, uint8_t hash[32])
{
    json_t *r = call(s, "eth_sendTransaction", json_pack("[o]", tx), ZK_OK);
    CHECK(json_is_string(r) && hex_decode_fixed(hash, 32, json_string_value(r), NULL) == ZK_OK);
    json_decref(r);
    /* anvil may answer before its automine finished: wait for the receipt. */
    double t0 = anvil_now_s();
    json_t *rc = NULL;
    while (anvil_now_s() - t0 < 10.0) {
        if (rpc_eth_get_transaction_receipt(s->c, &rc, hash, NULL) == ZK_OK) break;
        anvil_sleep_ms(20);
    }
    CHECK_MSG(rc != NULL, "transaction not mined within 10 s");
    json_decref(rc);
}

static void send_transfer(sealer_proc *s, uint8_t hash[32])
{
    char from[43];
    hex_encode(from, sender, 20, true);
    send_tx(s,
            json_pack("{s:s, s:s, s:s}", "from", from, "to",
                      "0x00000000000000000000000000000000000000aa", "value", "0x1"),
            hash);
}

/* Every served header from 0 to head: re-hash, link, raw RLP, seals, receipts. */
static void check_chain(sealer_proc *s, uint64_t head, uint8_t (*hashes)[32], size_t expect_seals)
{
    valset trusted;
    CHECK_EQ_INT(valset_from_list(&trusted, (const uint8_t(*)[20])val_addrs, N_VALIDATORS, NULL),
                 ZK_OK);
    for (uint64_t n = 0; n <= head; n++) {
        CASE_BEGIN("block %llu", (unsigned long long)n);
        json_t *b = NULL;
        eth_header h;
        header_init(&h);
        CHECK_EQ_INT(rpc_eth_get_block_by_number(s->c, &b, rpc_block_at(n), false, NULL), ZK_OK);
        uint8_t claimed[32], computed[32];
        CHECK_EQ_INT(json_get_data_fixed(claimed, 32, b, "hash", NULL), ZK_OK);
        CHECK_EQ_INT(header_from_json(&h, b, NULL), ZK_OK);
        CHECK_EQ_INT(bft_block_hash(computed, BFT_QBFT, &h, NULL), ZK_OK);
        CHECK_MEM(computed, claimed, 32);
        CHECK(th_streq(header_fork_name(&h), "london"));
        if (n > 0) CHECK_MEM(h.parent_hash, hashes[n - 1], 32);
        memcpy(hashes[n], computed, 32);
        /* debug_getRawHeader is the same header. */
        char q[19];
        hex_format_quantity(q, n);
        json_t *raw = call(s, "debug_getRawHeader", json_pack("[s]", q), ZK_OK);
        zk_buf enc;
        buf_init(&enc, 0);
        CHECK_EQ_INT(header_encode_rlp(&enc, &h), ZK_OK);
        uint8_t *rb = NULL;
        size_t rl = 0;
        CHECK(json_is_string(raw) &&
              hex_decode_alloc(&rb, &rl, json_string_value(raw), NULL) == ZK_OK);
        CHECK(rb && rl == enc.len && memcmp(rb, enc.data, rl) == 0);
        if (rb && rl > 1) {
            eth_header t;
            CHECK(header_decode_rlp(&t, rb, rl - 1, NULL) != ZK_OK); /* truncated */
        }
        free(rb);
        buf_clear(&enc);
        json_decref(raw);
        /* By hash: the same block. */
        char hx[67];
        hex_encode(hx, claimed, 32, true);
        json_t *bh = call(s, "eth_getBlockByHash", json_pack("[s, b]", hx, 0), ZK_OK);
        CHECK(th_streq(json_string_value(json_object_get(bh, "number")), q));
        json_decref(bh);
        if (n > 0) {
            bft_result *res = malloc(sizeof(*res));
            zk_errbuf err = {{0}, 0};
            int rc = bft_verify_header(res, ctx, BFT_QBFT, &h, &trusted, &err);
            CHECK_MSG(rc == ZK_OK, "block %llu: %s", (unsigned long long)n, err.msg);
            if (rc == ZK_OK) {
                CHECK_EQ_INT(res->n_signers, expect_seals);
                CHECK(!res->validators_changed);
                CHECK_MEM(h.coinbase, trusted.addrs[n % N_VALIDATORS], 20);
            }
            /* Forgery: a flipped stateRoot bit breaks every seal. */
            h.state_root[0] ^= 1;
            CHECK_EQ_INT(bft_verify_header(res, ctx, BFT_QBFT, &h, &trusted, NULL),
                         ZK_ERR_REJECTED);
            h.state_root[0] ^= 1;
            /* A trusted set none of whose members sealed it: not vouched for. */
            uint8_t strangers[N_VALIDATORS][20];
            memset(strangers, 0, sizeof(strangers));
            for (size_t k = 0; k < N_VALIDATORS; k++)
                strangers[k][19] = (uint8_t)(k + 1);
            valset other;
            CHECK_EQ_INT(
                valset_from_list(&other, (const uint8_t(*)[20])strangers, N_VALIDATORS, NULL),
                ZK_OK);
            CHECK_EQ_INT(bft_verify_header(res, ctx, BFT_QBFT, &h, &other, NULL), ZK_ERR_REJECTED);
            free(res);
            /* receiptsRoot rebuilt from eth_getBlockReceipts; receipts name the QBFT hash. */
            json_t *rs = NULL;
            uint8_t root[32];
            CHECK_EQ_INT(rpc_eth_get_block_receipts(s->c, &rs, rpc_block_at(n), NULL), ZK_OK);
            CHECK_EQ_INT(receipts_root_from_json(root, rs, NULL), ZK_OK);
            CHECK_MEM(root, h.receipts_root, 32);
            for (size_t i = 0; i < json_array_size(rs); i++) {
                uint8_t rh[32];
                CHECK_EQ_INT(json_get_data_fixed(rh, 32, json_array_get(rs, i), "blockHash", NULL),
                             ZK_OK);
                CHECK_MEM(rh, claimed, 32);
            }
            if (json_array_size(rs) > 0) {
                json_array_remove(rs, json_array_size(rs) - 1); /* a dropped receipt */
                CHECK(receipts_root_from_json(root, rs, NULL) != ZK_OK ||
                      memcmp(root, h.receipts_root, 32) != 0);
            }
            json_decref(rs);
        }
        header_clear(&h);
        json_decref(b);
        CASE_END();
    }
}

static sealer_proc sealer;
static uint64_t head1;
static uint8_t hashes1[64][32];

TEST(transactions_through_the_proxy)
{
    CASE_BEGIN("eth_accounts, eth_chainId, net_version proxied");
    json_t *acc = call(&sealer, "eth_accounts", NULL, ZK_OK);
    CHECK(json_array_size(acc) > 0 &&
          hex_decode_fixed(sender, 20, json_string_value(json_array_get(acc, 0)), NULL) == ZK_OK);
    json_decref(acc);
    uint64_t id = 0;
    CHECK_EQ_INT(rpc_eth_chain_id(sealer.c, &id, NULL), ZK_OK);
    CHECK_EQ_INT(id, ANVIL_CHAIN_ID);
    json_t *nv = call(&sealer, "net_version", NULL, ZK_OK);
    CHECK(th_streq(json_string_value(nv), "31337"));
    json_decref(nv);
    CASE_END();

    CASE_BEGIN("two transfers and a deployment whose constructor emits a log");
    send_transfer(&sealer, tx_hashes[0]);
    memset(log_topic, 0x5a, 32);
    /* init code: MSTORE(0, 42); LOG1(0, 32, topic); STOP */
    char code[2 + 2 * 48 + 1] = "0x602a6000527f";
    char topic_hex[65];
    hex_encode(topic_hex, log_topic, 32, false);
    snprintf(code + 14, sizeof(code) - 14, "%s60206000a100", topic_hex);
    char from[43];
    hex_encode(from, sender, 20, true);
    send_tx(&sealer, json_pack("{s:s, s:s, s:s}", "from", from, "data", code, "gas", "0x30000"),
            tx_hashes[1]);
    send_transfer(&sealer, tx_hashes[2]);
    CHECK_EQ_INT(rpc_eth_block_number(sealer.c, &head1, NULL), ZK_OK);
    CHECK_EQ_INT(head1, 3);
    CASE_END();
}

TEST(served_headers)
{
    check_chain(&sealer, head1, hashes1, N_VALIDATORS);
    CASE_BEGIN("block tags and unknown blocks");
    json_t *b = call(&sealer, "eth_getBlockByNumber", json_pack("[s, b]", "latest", 1), ZK_OK);
    uint8_t h[32];
    CHECK_EQ_INT(json_get_data_fixed(h, 32, b, "hash", NULL), ZK_OK);
    CHECK_MEM(h, hashes1[head1], 32);
    /* Full transactions carry the QBFT hash too. */
    json_t *tx0 = json_array_get(json_object_get(b, "transactions"), 0);
    CHECK_EQ_INT(json_get_data_fixed(h, 32, tx0, "blockHash", NULL), ZK_OK);
    CHECK_MEM(h, hashes1[head1], 32);
    json_decref(b);
    b = call(&sealer, "eth_getBlockByNumber", json_pack("[s, b]", "0x99", 0), ZK_OK);
    CHECK(json_is_null(b));
    json_decref(b);
    b = call(&sealer, "eth_getBlockByHash",
             json_pack("[s, b]",
                       "0x1111111111111111111111111111111111111111111111111111111111111111", 0),
             ZK_OK);
    CHECK(json_is_null(b));
    json_decref(b);
    CASE_END();
}

TEST(logs_and_receipts_carry_qbft_hashes)
{
    CASE_BEGIN("eth_getTransactionReceipt");
    for (int i = 0; i < 3; i++) {
        json_t *r = NULL;
        uint8_t bh[32];
        uint64_t bn = 0;
        CHECK_EQ_INT(rpc_eth_get_transaction_receipt(sealer.c, &r, tx_hashes[i], NULL), ZK_OK);
        CHECK_EQ_INT(json_get_quantity(&bn, r, "blockNumber", NULL), ZK_OK);
        CHECK_EQ_INT(json_get_data_fixed(bh, 32, r, "blockHash", NULL), ZK_OK);
        CHECK(bn >= 1 && bn <= head1);
        if (bn <= head1) CHECK_MEM(bh, hashes1[bn], 32);
        json_decref(r);
    }
    CASE_END();

    CASE_BEGIN("eth_getLogs by range and by QBFT blockHash");
    json_t *logs = call(&sealer, "eth_getLogs",
                        json_pack("[{s:s, s:s}]", "fromBlock", "0x0", "toBlock", "latest"), ZK_OK);
    CHECK_EQ_INT(json_array_size(logs), 1);
    json_t *lg = json_array_get(logs, 0);
    uint8_t bh[32], topic[32];
    uint64_t bn = 0;
    CHECK_EQ_INT(json_get_quantity(&bn, lg, "blockNumber", NULL), ZK_OK);
    CHECK_EQ_INT(json_get_data_fixed(bh, 32, lg, "blockHash", NULL), ZK_OK);
    CHECK(bn == 2);
    CHECK_MEM(bh, hashes1[2], 32);
    const char *t0 = json_string_value(json_array_get(json_object_get(lg, "topics"), 0));
    CHECK(t0 && hex_decode_fixed(topic, 32, t0, NULL) == ZK_OK);
    CHECK_MEM(topic, log_topic, 32);
    json_decref(logs);
    char hx[67];
    hex_encode(hx, hashes1[2], 32, true);
    logs = call(&sealer, "eth_getLogs", json_pack("[{s:s}]", "blockHash", hx), ZK_OK);
    CHECK_EQ_INT(json_array_size(logs), 1);
    json_decref(logs);
    /* anvil's own hash of that block is not a QBFT hash: refused. */
    json_t *ab = NULL;
    uint8_t anvil_hash[32];
    CHECK_EQ_INT(rpc_eth_get_block_by_number(anvil.c, &ab, rpc_block_at(2), false, NULL), ZK_OK);
    CHECK_EQ_INT(json_get_data_fixed(anvil_hash, 32, ab, "hash", NULL), ZK_OK);
    json_decref(ab);
    CHECK(memcmp(anvil_hash, hashes1[2], 32) != 0);
    hex_encode(hx, anvil_hash, 32, true);
    logs = call(&sealer, "eth_getLogs", json_pack("[{s:s}]", "blockHash", hx), ZK_ERR_RPC);
    CHECK(logs == NULL);
    CASE_END();
}

TEST(proxy_errors_and_bad_requests)
{
    CASE_BEGIN("anvil's error object comes back with its code");
    zk_errbuf err = {{0}, 0};
    json_t *r = NULL;
    CHECK_EQ_INT(rpc_call(sealer.c, &r, "eth_getBalance", json_pack("[s]", "0x12"), &err),
                 ZK_ERR_RPC);
    CHECK_MSG(strstr(err.msg, "error -32602") != NULL, "%s", err.msg);
    CHECK_EQ_INT(rpc_call(sealer.c, &r, "no_such_method", NULL, &err), ZK_ERR_RPC);
    CHECK_MSG(strstr(err.msg, "error -32601") != NULL, "%s", err.msg);
    CASE_END();

    CASE_BEGIN("bad parameters of served methods");
    CHECK_EQ_INT(rpc_call(sealer.c, &r, "eth_getBlockByNumber", json_pack("[s]", "0x1"), &err),
                 ZK_ERR_RPC);
    CHECK(strstr(err.msg, "-32602") != NULL);
    CHECK_EQ_INT(
        rpc_call(sealer.c, &r, "eth_getBlockByNumber", json_pack("[s, b]", "0x01", 0), &err),
        ZK_ERR_RPC);
    CHECK_EQ_INT(rpc_call(sealer.c, &r, "debug_getRawHeader", json_pack("[s]", "0x99"), &err),
                 ZK_ERR_RPC);
    CHECK(strstr(err.msg, "header not found") != NULL);
    CASE_END();

    CASE_BEGIN("a batch is answered entry by entry");
    rpc_request reqs[3] = {{"eth_blockNumber", NULL},
                           {"debug_getRawHeader", json_pack("[s]", "0x1")},
                           {"no_such_method", NULL}};
    json_t *res[3] = {NULL, NULL, NULL};
    int codes[3];
    CHECK_EQ_INT(rpc_batch(sealer.c, res, codes, NULL, reqs, 3, NULL), ZK_ERR_RPC);
    CHECK_EQ_INT(codes[0], ZK_OK);
    CHECK_EQ_INT(codes[1], ZK_OK);
    CHECK_EQ_INT(codes[2], ZK_ERR_RPC);
    for (int i = 0; i < 3; i++)
        json_decref(res[i]);
    CASE_END();
}

TEST(light_client_syncs_over_the_sealer)
{
    const char *db = th_tmp_path("lcdb");
    char dbp[512];
    snprintf(dbp, sizeof(dbp), "%s", db);
    th_rm_tree(dbp);
    CASE_BEGIN("devnet_checkpoint names the 4 re-derived validators");
    json_t *cp = call(&sealer, "devnet_checkpoint", NULL, ZK_OK);
    json_t *vals = json_object_get(cp, "validators");
    CHECK_EQ_INT(json_array_size(vals), N_VALIDATORS);
    valset want, got;
    uint8_t list[N_VALIDATORS][20];
    for (size_t i = 0; i < N_VALIDATORS && i < json_array_size(vals); i++)
        CHECK_EQ_INT(
            hex_decode_fixed(list[i], 20, json_string_value(json_array_get(vals, i)), NULL), ZK_OK);
    CHECK_EQ_INT(valset_from_list(&want, (const uint8_t(*)[20])val_addrs, N_VALIDATORS, NULL),
                 ZK_OK);
    CHECK_EQ_INT(valset_from_list(&got, (const uint8_t(*)[20])list, N_VALIDATORS, NULL), ZK_OK);
    CHECK(valset_equal(&want, &got));
    CASE_END();

    CASE_BEGIN("lc init + lc_sync to the head");
    lc_checkpoint_file cpf;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(lc_checkpoint_from_json(&cpf, cp, &err), ZK_OK);
    CHECK_EQ_INT(lc_init(ctx, dbp, &cpf, &err), ZK_OK);
    lc_checkpoint_file_clear(&cpf);
    lc_client *lc = NULL;
    CHECK_EQ_INT(lc_open(&lc, ctx, dbp, &err), ZK_OK);
    lc_sync_report rep;
    if (lc) {
        int rc = lc_sync(lc, sealer.c, NULL, &rep, &err);
        CHECK_MSG(rc == ZK_OK, "lc_sync: %s", err.msg);
        CHECK_EQ_INT(rep.head_number, head1);
        CHECK_MEM(rep.head_hash, hashes1[head1], 32);
    }
    lc_close(lc);
    CASE_END();

    CASE_BEGIN("a checkpoint with another validator set: the sync is refused");
    th_rm_tree(dbp);
    json_array_set_new(vals, 0, json_string("0x00000000000000000000000000000000000000bb"));
    CHECK_EQ_INT(lc_checkpoint_from_json(&cpf, cp, &err), ZK_OK);
    CHECK_EQ_INT(lc_init(ctx, dbp, &cpf, &err), ZK_OK);
    lc_checkpoint_file_clear(&cpf);
    lc = NULL;
    CHECK_EQ_INT(lc_open(&lc, ctx, dbp, &err), ZK_OK);
    if (lc) CHECK_EQ_INT(lc_sync(lc, sealer.c, NULL, &rep, &err), ZK_ERR_REJECTED);
    lc_close(lc);
    th_rm_tree(dbp);
    CASE_END();
    json_decref(cp);
}

TEST(restart_serves_identical_hashes)
{
    static uint8_t again[64][32];
    CASE_BEGIN("restart with the same options");
    sealer_stop(&sealer);
    const char *const opts[] = {"--state", state_dir, NULL};
    CHECK(sealer_start(&sealer, opts));
    CASE_END();
    check_chain(&sealer, head1, again, N_VALIDATORS);
    CASE_BEGIN("same hashes after restart");
    CHECK_MEM(again, hashes1, (head1 + 1) * 32);
    CASE_END();

    CASE_BEGIN("restart with --seals 3: 3 seals, the same block hashes");
    sealer_stop(&sealer);
    const char *const opts3[] = {"--state", state_dir, "--seals", "3", NULL};
    CHECK(sealer_start(&sealer, opts3));
    CASE_END();
    check_chain(&sealer, head1, again, 3);
    CASE_BEGIN("block hashes exclude the seals");
    CHECK_MEM(again, hashes1, (head1 + 1) * 32);
    CASE_END();
}

TEST(vote_rotates_the_set)
{
    char v4[43];
    hex_encode(v4, val_addrs[N_VALIDATORS], 20, true);
    char v0[43];
    hex_encode(v0, val_addrs[0], 20, true);
    CASE_BEGIN("invalid votes are refused");
    zk_errbuf err = {{0}, 0};
    json_t *r = NULL;
    CHECK_EQ_INT(rpc_call(sealer.c, &r, "devnet_vote", json_pack("[s, s]", v0, "add"), &err),
                 ZK_ERR_RPC);
    CHECK(strstr(err.msg, "already a validator") != NULL);
    CHECK_EQ_INT(rpc_call(sealer.c, &r, "devnet_vote", json_pack("[s, s]", v4, "drop"), &err),
                 ZK_ERR_RPC);
    CHECK_EQ_INT(rpc_call(sealer.c, &r, "devnet_vote", json_pack("[s, s]", v4, "maybe"), &err),
                 ZK_ERR_RPC);
    CHECK_EQ_INT(rpc_call(sealer.c, &r, "devnet_vote", json_pack("[s, s]", "0x12", "add"), &err),
                 ZK_ERR_RPC);
    CASE_END();

    CASE_BEGIN("vote to add devnet key 4, then two blocks");
    r = call(&sealer, "devnet_vote", json_pack("[s, s]", v4, "add"), ZK_OK);
    CHECK(json_is_true(r));
    json_decref(r);
    uint8_t h[32];
    send_transfer(&sealer, h);
    send_transfer(&sealer, h);
    uint64_t head = 0;
    CHECK_EQ_INT(rpc_eth_block_number(sealer.c, &head, NULL), ZK_OK);
    CHECK_EQ_INT(head, head1 + 2);
    json_t *b = NULL;
    eth_header hd;
    bft_extra *x = malloc(sizeof(*x));
    /* head1+1 carries the vote and the old set; head1+2 lists 5. */
    CHECK_EQ_INT(rpc_eth_get_block_by_number(sealer.c, &b, rpc_block_at(head1 + 1), false, NULL),
                 ZK_OK);
    CHECK_EQ_INT(header_from_json(&hd, b, NULL), ZK_OK);
    CHECK_EQ_INT(bft_extra_decode(x, BFT_QBFT, hd.extra_data, hd.extra_len, NULL), ZK_OK);
    CHECK(x->vote.present && x->vote.add);
    CHECK_MEM(x->vote.recipient, val_addrs[N_VALIDATORS], 20);
    CHECK_EQ_INT(x->n_validators, N_VALIDATORS);
    header_clear(&hd);
    json_decref(b);
    CHECK_EQ_INT(rpc_eth_get_block_by_number(sealer.c, &b, rpc_block_at(head1 + 2), false, NULL),
                 ZK_OK);
    CHECK_EQ_INT(header_from_json(&hd, b, NULL), ZK_OK);
    CHECK_EQ_INT(bft_extra_decode(x, BFT_QBFT, hd.extra_data, hd.extra_len, NULL), ZK_OK);
    CHECK(!x->vote.present);
    CHECK_EQ_INT(x->n_validators, N_VALIDATORS + 1);
    header_clear(&hd);
    json_decref(b);
    free(x);
    CASE_END();

    CASE_BEGIN("the light client follows the rotation");
    const char *db = th_tmp_path("lcdb-rot");
    char dbp[512];
    snprintf(dbp, sizeof(dbp), "%s", db);
    th_rm_tree(dbp);
    json_t *cp = call(&sealer, "devnet_checkpoint", NULL, ZK_OK);
    lc_checkpoint_file cpf;
    CHECK_EQ_INT(lc_checkpoint_from_json(&cpf, cp, &err), ZK_OK);
    json_decref(cp);
    CHECK_EQ_INT(lc_init(ctx, dbp, &cpf, &err), ZK_OK);
    lc_checkpoint_file_clear(&cpf);
    lc_client *lc = NULL;
    CHECK_EQ_INT(lc_open(&lc, ctx, dbp, &err), ZK_OK);
    lc_sync_report rep;
    if (lc) {
        int rc = lc_sync(lc, sealer.c, NULL, &rep, &err);
        CHECK_MSG(rc == ZK_OK, "lc_sync: %s", err.msg);
        CHECK_EQ_INT(rep.head_number, head1 + 2);
        CHECK_EQ_INT(rep.rotations, 1);
    }
    lc_close(lc);
    th_rm_tree(dbp);
    CASE_END();

    CASE_BEGIN("a restart with --state replays the vote: same hashes");
    uint8_t before[2][32], after[2][32];
    for (int i = 0; i < 2; i++) {
        CHECK_EQ_INT(
            rpc_eth_get_block_by_number(sealer.c, &b, rpc_block_at(head1 + 1 + i), false, NULL),
            ZK_OK);
        CHECK_EQ_INT(json_get_data_fixed(before[i], 32, b, "hash", NULL), ZK_OK);
        json_decref(b);
    }
    sealer_stop(&sealer);
    const char *const opts[] = {"--state", state_dir, NULL};
    CHECK(sealer_start(&sealer, opts));
    for (int i = 0; i < 2; i++) {
        CHECK_EQ_INT(
            rpc_eth_get_block_by_number(sealer.c, &b, rpc_block_at(head1 + 1 + i), false, NULL),
            ZK_OK);
        CHECK_EQ_INT(json_get_data_fixed(after[i], 32, b, "hash", NULL), ZK_OK);
        json_decref(b);
    }
    CHECK_MEM(before, after, sizeof(before));
    CASE_END();
}

/* The served hash at height n, re-hashed from the served fields. */
static void served_hash(uint8_t out[32], uint8_t parent[32], uint64_t n)
{
    json_t *b = NULL;
    eth_header h;
    uint8_t claimed[32];
    memset(out, 0, 32);
    CHECK_EQ_INT(rpc_eth_get_block_by_number(sealer.c, &b, rpc_block_at(n), false, NULL), ZK_OK);
    CHECK_EQ_INT(json_get_data_fixed(claimed, 32, b, "hash", NULL), ZK_OK);
    if (header_from_json(&h, b, NULL) == ZK_OK) {
        CHECK_EQ_INT(bft_block_hash(out, BFT_QBFT, &h, NULL), ZK_OK);
        memcpy(parent, h.parent_hash, 32);
        header_clear(&h);
    }
    CHECK_MEM(out, claimed, 32);
    json_decref(b);
}

TEST(follows_an_anvil_revert)
{
    CASE_BEGIN("evm_snapshot, a block, evm_revert, another block at the same height");
    uint64_t head = 0;
    CHECK_EQ_INT(rpc_eth_block_number(sealer.c, &head, NULL), ZK_OK);
    uint8_t top[32], parent[32], first[32], second[32], tx[32];
    served_hash(top, parent, head);
    json_t *snap = call(&sealer, "evm_snapshot", NULL, ZK_OK);
    send_transfer(&sealer, tx);
    served_hash(first, parent, head + 1);
    CHECK_MEM(parent, top, 32);
    json_t *ok = call(&sealer, "evm_revert", json_pack("[O]", snap), ZK_OK);
    CHECK(json_is_true(ok));
    json_decref(ok);
    json_decref(snap);
    uint64_t now = 0;
    CHECK_EQ_INT(rpc_eth_block_number(sealer.c, &now, NULL), ZK_OK);
    CHECK_EQ_INT(now, head);
    char from[43];
    hex_encode(from, sender, 20, true);
    send_tx(&sealer,
            json_pack("{s:s, s:s, s:s}", "from", from, "to",
                      "0x00000000000000000000000000000000000000bb", "value", "0x2"),
            tx);
    served_hash(second, parent, head + 1);
    CHECK_MEM(parent, top, 32);
    CHECK(memcmp(first, second, 32) != 0);
    char hx[67];
    hex_encode(hx, first, 32, true);
    json_t *gone = call(&sealer, "eth_getBlockByHash", json_pack("[s, b]", hx, 0), ZK_OK);
    CHECK(json_is_null(gone));
    json_decref(gone);
    CASE_END();
}

TEST(cli)
{
    static const struct {
        const char *args[8];
        int status;
        const char *needle; /* in stdout for 0, in stderr otherwise */
    } cases[] = {
        {{"--help"}, 0, "NEVER FOR PRODUCTION"},
        {{"sealer", "--help"}, 0, "NEVER FOR PRODUCTION"},
        {{"keys", "--validators", "2"}, 0, " 0x"},
        {{NULL}, 2, "usage"},
        {{"bogus"}, 2, "unknown command"},
        {{"sealer"}, 2, "--anvil and --listen are required"},
        {{"sealer", "--anvil", "http://127.0.0.1:1", "--listen", "nope"}, 2, "HOST:PORT"},
        {{"sealer", "--anvil", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--validators",
          "0"},
         2,
         "--validators"},
        {{"sealer", "--anvil", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--seals", "x"},
         2,
         "--seals"},
        {{"sealer", "--anvil", "http://127.0.0.1:1", "--listen", "127.0.0.1:0"}, 1, "sealer"},
        {{"sealer", "--anvil", "http://127.0.0.1:1", "--listen", "127.0.0.1:0", "--keys",
          "/nonexistent"},
         1,
         "cannot open"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CASE_BEGIN("cli case %zu", i);
        size_t n = 0;
        while (n < 8 && cases[i].args[n])
            n++;
        char *out = NULL, *errs = NULL;
        int st = devnet_run(cases[i].args, n, &out, &errs);
        CHECK_MSG(st == cases[i].status, "case %zu: exit %d, stderr %s", i, st, errs);
        const char *where = cases[i].status == 0 ? out : errs;
        CHECK_MSG(strstr(where, cases[i].needle) != NULL, "case %zu: '%s' not in %s", i,
                  cases[i].needle, where);
        if (cases[i].status != 0) CHECK(out[0] == '\0');
        free(out);
        free(errs);
        CASE_END();
    }
}

int main(void)
{
    CHECK_EQ_INT(rpc_global_init(), ZK_OK);
    zk_errbuf err;
    ctx = ecdsa_context_new(&err);
    CHECK(ctx != NULL);
    derive_addrs();
    snprintf(state_dir, sizeof(state_dir), "%s", th_tmp_path("sealer-state"));
    th_rm_tree(state_dir);
    const char *const opts[] = {"--state", state_dir, NULL};
    if (ctx && test_anvil_start(&anvil, 5000) && sealer_start(&sealer, opts)) {
        RUN(transactions_through_the_proxy);
        RUN(served_headers);
        RUN(logs_and_receipts_carry_qbft_hashes);
        RUN(proxy_errors_and_bad_requests);
        RUN(light_client_syncs_over_the_sealer);
        RUN(restart_serves_identical_hashes);
        RUN(vote_rotates_the_set);
        RUN(follows_an_anvil_revert);
    }
    sealer_stop(&sealer);
    test_anvil_stop(&anvil);
    RUN(cli);
    th_rm_tree(state_dir);
    ecdsa_context_free(ctx);
    rpc_global_cleanup();
    return th_finish(__FILE__);
}
