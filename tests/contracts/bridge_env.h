/* What the contract tests and the gas bench share: an anvil node with the bridge deployed
 * (Outbox, ZkLightClient, Inbox from the committed contracts-abi/build/<Name>.json), two
 * stand-in Groth16 circuits with their generated verifiers, transactions from anvil's
 * unlocked accounts, and the ABI encoding of the bridge calls.
 *
 * THE STAND-IN CIRCUITS PROVE NOTHING ABOUT HEADERS OR RECEIPTS. Each has exactly the
 * public signals of the real statement (6 for finality, 1 for inclusion), each signal bound
 * to a private witness w by the constraint s_i * w = p_i, so a proof is valid for its own
 * signals only, and anyone holding the key can prove any signals. They let these tests run
 * the contracts with real Groth16 proofs (a real verifier, real pairings) over the public
 * signals the contracts compute, until the finality and inclusion circuits land and replace
 * them (same verifier interface, same signals).
 *
 * Header-only (static inline functions, so a file may use some) on top of tests/harness.h and
 * tests/relayer/anvil.h: a failure is a CHECK failure of the running test. */
#ifndef ZKRELAY_TESTS_CONTRACTS_BRIDGE_ENV_H
#define ZKRELAY_TESTS_CONTRACTS_BRIDGE_ENV_H

#include "harness.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "relayer/anvil.h"
#include "standin_circuit.h"

#include "lightclient/bytes.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "lightclient/keccak.h"
#include "prover/prover.h"
#include "prover/solidity_verifier.h"
#include "relayer/bridge_abi.h"
#include "relayer/rpc.h"

#define BE_SOLC_COMPILE "tools/solc-compile.js"
#define BE_ARTIFACTS    "contracts-abi/build/"
#define BE_TX_GAS       "0x7a1200" /* 8,000,000: every bridge transaction fits */

/* A stand-in circuit: its key, and the variables to set for a proof. */
typedef struct be_circuit {
    size_t n_public;
    groth16_pk pk;
    groth16_vk vk;
    bool ready;
} be_circuit;

/* The deployed bridge and the node. */
typedef struct bridge_env {
    test_anvil node;
    rpc_client *c;
    char from[43], other[43]; /* eth_accounts[0] (deployer, relayer) and [1] */
    be_circuit fin, inc;
    uint8_t fin_verifier[20], inc_verifier[20];
    uint8_t outbox[20], lc[20], inbox[20], counter[20];
    uint8_t validators[4][20], cur_set[32];
    uint64_t checkpoint;
    bool ready;
} bridge_env;

/* ---- small helpers ---------------------------------------------------------------- */

static inline uint64_t be_rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

/* Out: sel = the first 4 bytes of keccak256(signature). */
static inline void be_selector(uint8_t sel[4], const char *signature)
{
    uint8_t h[32];
    keccak256(h, (const uint8_t *)signature, strlen(signature));
    memcpy(sel, h, 4);
}

static inline void be_addr_hex(char out[43], const uint8_t a[20])
{
    hex_encode(out, a, 20, true);
}

/* ---- ABI encoding into a zk_buf (CHECKed: a failed append fails the test) -------- */

static inline void abi_raw(zk_buf *b, const void *p, size_t n)
{
    CHECK_EQ_INT(buf_append(b, p, n), ZK_OK);
}

static inline void abi_word(zk_buf *b, const uint8_t *v, size_t len)
{
    uint8_t w[32] = {0};
    memcpy(w + 32 - len, v, len);
    abi_raw(b, w, 32);
}

static inline void abi_u64(zk_buf *b, uint64_t v)
{
    uint8_t be[8];
    be64_store(be, v);
    abi_word(b, be, 8);
}

/* The tail of a dynamic bytes value: its length, then the data zero-padded to 32. */
static inline void abi_bytes_tail(zk_buf *b, const uint8_t *p, size_t n)
{
    static const uint8_t zeros[32] = {0};
    abi_u64(b, n);
    if (n) abi_raw(b, p, n);
    if (n % 32) abi_raw(b, zeros, 32 - n % 32);
}

/* ---- subprocess and files ---------------------------------------------------------- */

/* Runs argv with stdout/stderr captured. Returns the exit status (-1: did not run).
 * Out: *out, *err (malloc'd text; never NULL). */
static inline int be_run(const char *const *argv, char **out, char **err)
{
    th_proc p = th_run_argv(argv, NULL);
    *out = p.out;
    *err = p.err;
    return p.status;
}

/* ---- the stand-in circuits --------------------------------------------------------- */

/* A development setup of the stand-in circuit with n public signals. */
static inline bool be_circuit_setup(be_circuit *k, size_t n)
{
    uint8_t zero[8][32];
    memset(zero, 0, sizeof(zero));
    r1cs cs;
    memset(&cs, 0, sizeof(cs));
    groth16_pk_init(&k->pk);
    groth16_vk_init(&k->vk);
    k->n_public = n;
    int rc = standin_circuit_build(&cs, (const uint8_t(*)[32])zero, n);
    CHECK_EQ_INT(rc, ZK_OK);
    if (rc == ZK_OK) rc = groth16_setup_dev(&k->pk, &k->vk, &cs, be_rng, NULL, NULL);
    CHECK_EQ_INT(rc, ZK_OK);
    CHECK_EQ_INT(r1cs_n_public(&cs), n);
    r1cs_clear(&cs);
    k->ready = rc == ZK_OK;
    return k->ready;
}

static inline void be_circuit_clear(be_circuit *k)
{
    groth16_pk_clear(&k->pk);
    groth16_vk_clear(&k->vk);
    k->ready = false;
}

/* Out: words = the 8 proof words of a verifyProof call (A, B in EIP-197 order, C) for a
 * fresh proof of pub[0..k->n_public). Returns true on success. */
static inline bool be_prove(uint8_t words[8 * 32], const be_circuit *k, const uint8_t (*pub)[32])
{
    r1cs cs;
    memset(&cs, 0, sizeof(cs));
    groth16_proof proof;
    int rc = k->ready ? standin_circuit_build(&cs, pub, k->n_public) : ZK_ERR_USAGE;
    if (rc == ZK_OK)
        rc = groth16_prove(&proof, &k->pk, &cs, cs.values, cs.n_vars, 1, be_rng, NULL, NULL);
    CHECK_MSG(rc == ZK_OK, "stand-in proof: %s", zk_strerror(rc));
    if (rc == ZK_OK) rc = groth16_verify(&k->vk, pub, k->n_public, &proof, NULL);
    CHECK_EQ_INT(rc, ZK_OK);
    uint8_t data[4 + 16 * 32];
    size_t len = sizeof(data);
    if (rc == ZK_OK) rc = solidity_verifier_calldata(data, &len, &proof, pub, k->n_public);
    CHECK_EQ_INT(rc, ZK_OK);
    if (rc == ZK_OK) memcpy(words, data + 4, 8 * 32);
    r1cs_clear(&cs);
    return rc == ZK_OK;
}

/* ---- transactions ------------------------------------------------------------------ */

/* Polls for the receipt of hash (anvil mines at once; the receipt may lag). New ref. */
static inline json_t *be_wait_receipt(bridge_env *e, const uint8_t hash[32])
{
    json_t *r = NULL;
    zk_errbuf err = {{0}, 0};
    for (int i = 0; i < 200; i++) {
        int rc = rpc_eth_get_transaction_receipt(e->c, &r, hash, &err);
        if (rc == ZK_OK) return r;
        if (rc != ZK_ERR_NOTFOUND) break;
        anvil_sleep_ms(25);
    }
    CHECK_MSG(false, "no receipt: %s", err.msg);
    return NULL;
}

/* eth_sendTransaction from `from` (NULL: eth_accounts[0]) to `to` (NULL: a creation) with
 * an explicit gas limit, so a reverting transaction is mined (status 0) rather than
 * refused by gas estimation. Returns the receipt (new reference) or NULL. */
static inline json_t *be_send(bridge_env *e, const char *from, const uint8_t *to,
                              const uint8_t *data, size_t len)
{
    char *hex = malloc(hex_encoded_len(len, true));
    char to_hex[43];
    CHECK(hex != NULL);
    if (!hex) return NULL;
    hex_encode(hex, data, len, true);
    json_t *tx =
        json_pack("{s:s,s:s,s:s}", "from", from ? from : e->from, "data", hex, "gas", BE_TX_GAS);
    free(hex);
    if (to) {
        be_addr_hex(to_hex, to);
        json_object_set_new(tx, "to", json_string(to_hex));
    }
    json_t *res = NULL;
    zk_errbuf err = {{0}, 0};
    uint8_t hash[32];
    int rc = rpc_call(e->c, &res, "eth_sendTransaction", json_pack("[o]", tx), &err);
    CHECK_MSG(rc == ZK_OK, "eth_sendTransaction: %s", err.msg);
    bool ok = rc == ZK_OK && json_is_string(res) &&
              hex_decode_fixed(hash, 32, json_string_value(res), NULL) == ZK_OK;
    json_decref(res);
    return ok ? be_wait_receipt(e, hash) : NULL;
}

static inline uint64_t be_receipt_u64(const json_t *r, const char *key)
{
    uint64_t v = UINT64_MAX;
    if (!r || json_get_quantity(&v, r, key, NULL) != ZK_OK) return UINT64_MAX;
    return v;
}

/* Sends and requires status 1. Out: *gas (may be NULL) the gas used. Returns the receipt. */
static inline json_t *be_send_ok(bridge_env *e, const uint8_t *to, const uint8_t *data, size_t len,
                                 uint64_t *gas, const char *what)
{
    json_t *r = be_send(e, NULL, to, data, len);
    CHECK_MSG(be_receipt_u64(r, "status") == 1, "%s: transaction failed", what);
    if (gas) *gas = be_receipt_u64(r, "gasUsed");
    return r;
}

/* Deploys artifact contracts-abi/build/<name>.json (or a path with '/') with the
 * ABI-encoded constructor arguments args. Out: addr. */
static inline bool be_deploy(bridge_env *e, uint8_t addr[20], const char *name, const uint8_t *args,
                             size_t args_len, uint64_t *gas)
{
    char path[1024];
    if (strchr(name, '/'))
        snprintf(path, sizeof(path), "%s", name);
    else
        snprintf(path, sizeof(path), BE_ARTIFACTS "%s.json", name);
    json_error_t jerr;
    json_t *a = json_load_file(path, 0, &jerr);
    CHECK_MSG(a != NULL, "%s: %s", path, jerr.text);
    uint8_t *code = NULL;
    size_t code_len = 0;
    int rc = a ? json_get_data_alloc(&code, &code_len, 1u << 20, a, "bytecode", NULL) : ZK_ERR_IO;
    json_decref(a);
    CHECK_MSG(rc == ZK_OK && code_len > 0, "%s: no bytecode", path);
    if (rc != ZK_OK) return false;
    zk_buf b;
    buf_init(&b, 0);
    abi_raw(&b, code, code_len);
    if (args_len) abi_raw(&b, args, args_len);
    free(code);
    json_t *r = be_send(e, NULL, NULL, b.data, b.len);
    buf_clear(&b);
    bool ok = be_receipt_u64(r, "status") == 1 &&
              json_get_data_fixed(addr, 20, r, "contractAddress", NULL) == ZK_OK;
    CHECK_MSG(ok, "deploying %s failed", name);
    if (gas) *gas = be_receipt_u64(r, "gasUsed");
    json_decref(r);
    return ok;
}

/* eth_call from eth_accounts[0]. Returns ZK_OK with *out (malloc'd, caller frees), or
 * ZK_ERR_RPC for a revert with sel = the first 4 bytes of its revert data (zero when the
 * node gave none). */
static inline int be_call(bridge_env *e, uint8_t **out, size_t *out_len, uint8_t sel[4],
                          const uint8_t to[20], const uint8_t *data, size_t len)
{
    char *hex = malloc(hex_encoded_len(len, true));
    char to_hex[43];
    if (!hex) return ZK_ERR_NOMEM;
    hex_encode(hex, data, len, true);
    be_addr_hex(to_hex, to);
    json_t *res = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(e->c, &res, "eth_call",
                      json_pack("[{s:s,s:s,s:s,s:s},s]", "from", e->from, "to", to_hex, "data", hex,
                                "gas", BE_TX_GAS, "latest"),
                      &err);
    free(hex);
    memset(sel, 0, 4);
    *out = NULL;
    *out_len = 0;
    if (rc == ZK_OK) {
        rc = json_is_string(res) ? hex_decode_alloc(out, out_len, json_string_value(res), NULL)
                                 : ZK_ERR_MALFORMED;
    } else if (rc == ZK_ERR_RPC) {
        /* rpc.c quotes the revert data as "(data 0x........": its selector is enough. */
        const char *d = strstr(err.msg, "(data 0x");
        if (d && strlen(d) >= 16) {
            char h[11];
            memcpy(h, d + 6, 10);
            h[10] = '\0';
            if (hex_decode_fixed(sel, 4, h, NULL) != ZK_OK) memset(sel, 0, 4);
        }
    }
    if (rc != ZK_OK && rc != ZK_ERR_RPC) CHECK_MSG(false, "eth_call: %s", err.msg);
    json_decref(res);
    return rc;
}

/* A view returning one word. Out: w. Returns true when the call succeeded. */
static inline bool be_view_word(bridge_env *e, uint8_t w[32], const uint8_t to[20],
                                const uint8_t *data, size_t len)
{
    uint8_t *out = NULL, sel[4];
    size_t n = 0;
    int rc = be_call(e, &out, &n, sel, to, data, len);
    bool ok = rc == ZK_OK && n >= 32;
    if (ok) memcpy(w, out, 32);
    free(out);
    CHECK_MSG(ok, "view call failed (rc %d, %zu bytes)", rc, n);
    return ok;
}

/* The uint64 a view fn(arg) returns; fn is a signature like "count()" or "status(uint64)"
 * (has_arg: append arg as the one argument). UINT64_MAX on failure. */
static inline uint64_t be_view_u64(bridge_env *e, const uint8_t to[20], const char *sig,
                                   bool has_arg, uint64_t arg)
{
    zk_buf b;
    buf_init(&b, 0);
    uint8_t sel[4], w[32];
    be_selector(sel, sig);
    abi_raw(&b, sel, 4);
    if (has_arg) abi_u64(&b, arg);
    uint64_t v = UINT64_MAX;
    if (be_view_word(e, w, to, b.data, b.len)) v = be64_load(w + 24);
    buf_clear(&b);
    return v;
}

/* Requires data to revert with the custom error `want` (a signature, e.g. "InvalidProof()"):
 * the transaction is mined with status 0 and its revert data, read back with
 * debug_traceTransaction's callTracer ("output"), starts with want's selector. (Not through
 * eth_call: anvil quotes custom-error data as a string with NUL bytes in the error
 * message, which relayer/rpc.c's JSON parser refuses.) From `from` (NULL: account 0). */
static inline void be_expect_revert(bridge_env *e, const char *from, const uint8_t to[20],
                                    const uint8_t *data, size_t len, const char *want)
{
    uint8_t want_sel[4], sel[4] = {0}, hash[32];
    be_selector(want_sel, want);
    json_t *r = be_send(e, from, to, data, len);
    CHECK_MSG(be_receipt_u64(r, "status") == 0, "the %s transaction was mined with status 1", want);
    bool have = r && json_get_data_fixed(hash, 32, r, "transactionHash", NULL) == ZK_OK;
    json_decref(r);
    if (!have) return;
    char hash_hex[67];
    hex_encode(hash_hex, hash, 32, true);
    json_t *t = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(e->c, &t, "debug_traceTransaction",
                      json_pack("[s,{s:s}]", hash_hex, "tracer", "callTracer"), &err);
    CHECK_MSG(rc == ZK_OK, "debug_traceTransaction: %s", err.msg);
    uint8_t *out = NULL;
    size_t n = 0;
    if (rc == ZK_OK && json_get_data_alloc(&out, &n, 1u << 16, t, "output", NULL) == ZK_OK &&
        n >= 4)
        memcpy(sel, out, 4);
    free(out);
    json_decref(t);
    const bridge_abi_error *got = bridge_abi_error_find(sel, 4);
    CHECK_MSG(memcmp(sel, want_sel, 4) == 0, "want a revert with %s, got %s (%zu bytes)", want,
              got ? got->signature : "no bridge error", n);
}

/* The first log of receipt r emitted by addr with topic0, or NULL (borrowed). */
static inline json_t *be_find_log(json_t *r, const uint8_t addr[20], const uint8_t topic0[32])
{
    json_t *logs = json_object_get(r, "logs");
    for (size_t i = 0; i < json_array_size(logs); i++) {
        json_t *l = json_array_get(logs, i);
        uint8_t a[20], t[32];
        if (json_get_data_fixed(a, 20, l, "address", NULL) != ZK_OK || memcmp(a, addr, 20) != 0)
            continue;
        json_t *topics = json_object_get(l, "topics");
        const char *t0 = json_string_value(json_array_get(topics, 0));
        if (t0 && hex_decode_fixed(t, 32, t0, NULL) == ZK_OK && memcmp(t, topic0, 32) == 0)
            return l;
    }
    return NULL;
}

/* Out: hash, root of source block `number` (eth_getBlockByNumber). */
static inline bool be_block(bridge_env *e, uint8_t hash[32], uint8_t root[32], uint64_t number)
{
    json_t *b = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_eth_get_block_by_number(e->c, &b, rpc_block_at(number), false, &err);
    bool ok = rc == ZK_OK && json_get_data_fixed(hash, 32, b, "hash", NULL) == ZK_OK &&
              json_get_data_fixed(root, 32, b, "receiptsRoot", NULL) == ZK_OK;
    CHECK_MSG(ok, "block %llu: %s", (unsigned long long)number, err.msg);
    json_decref(b);
    return ok;
}

/* ---- bridge calls -------------------------------------------------------------------- */

/* A sent message: its fields, hash and the block holding it. */
typedef struct be_msg {
    uint64_t nonce, block;
    uint8_t sender[20], receiver[20], m[32];
    uint8_t payload[64];
    size_t payload_len;
} be_msg;

/* Outbox.send(dst, receiver, payload) from account 0. Out: msg filled from the receipt. */
static inline bool be_send_message(bridge_env *e, be_msg *msg, const uint8_t receiver[20],
                                   const uint8_t *payload, size_t payload_len, uint64_t *gas)
{
    zk_buf b;
    buf_init(&b, 0);
    abi_raw(&b, bridge_abi_sel_send, 4);
    abi_u64(&b, ANVIL_CHAIN_ID);
    abi_word(&b, receiver, 20);
    abi_u64(&b, 3 * 32);
    abi_bytes_tail(&b, payload, payload_len);
    json_t *r = be_send_ok(e, e->outbox, b.data, b.len, gas, "Outbox.send");
    buf_clear(&b);
    json_t *l = r ? be_find_log(r, e->outbox, bridge_abi_topic_message_sent) : NULL;
    CHECK_MSG(l != NULL, "no MessageSent log");
    bool ok = false;
    if (l) {
        json_t *topics = json_object_get(l, "topics");
        uint8_t t1[32], t2[32], t3[32];
        ok = json_array_size(topics) == 4 &&
             hex_decode_fixed(t1, 32, json_string_value(json_array_get(topics, 1)), NULL) == 0 &&
             hex_decode_fixed(t2, 32, json_string_value(json_array_get(topics, 2)), NULL) == 0 &&
             hex_decode_fixed(t3, 32, json_string_value(json_array_get(topics, 3)), NULL) == 0;
        if (ok) {
            msg->nonce = be64_load(t2 + 24);
            memcpy(msg->sender, t3 + 12, 20);
            memcpy(msg->receiver, receiver, 20);
            memcpy(msg->m, t1, 32);
            memcpy(msg->payload, payload, payload_len);
            msg->payload_len = payload_len;
            msg->block = be_receipt_u64(r, "blockNumber");
        }
    }
    json_decref(r);
    CHECK(ok);
    return ok;
}

/* submitHeader calldata for (cur_set, next_set, number, hash, root) with a fresh proof;
 * the proof's signals use prove_set as [0] (the set a forger might prove against). */
static inline void be_submit_data(bridge_env *e, zk_buf *b, const uint8_t prove_set[32],
                                  const uint8_t next_set[32], uint64_t number,
                                  const uint8_t hash[32], const uint8_t root[32])
{
    uint8_t pub[6][32], words[8 * 32];
    bridge_abi_finality_signals(pub, prove_set, next_set, number, hash, root);
    memset(words, 0, sizeof(words));
    be_prove(words, &e->fin, (const uint8_t(*)[32])pub);
    abi_raw(b, bridge_abi_sel_submit_header, 4);
    abi_raw(b, words, sizeof(words));
    abi_raw(b, next_set, 32);
    abi_u64(b, number);
    abi_raw(b, hash, 32);
    abi_raw(b, root, 32);
}

/* Submits the real header of source block `number` under the current set (no rotation). */
static inline bool be_submit_block(bridge_env *e, uint64_t number, uint64_t *gas)
{
    uint8_t hash[32], root[32];
    if (!be_block(e, hash, root, number)) return false;
    zk_buf b;
    buf_init(&b, 0);
    be_submit_data(e, &b, e->cur_set, e->cur_set, number, hash, root);
    json_t *r = be_send_ok(e, e->lc, b.data, b.len, gas, "submitHeader");
    bool ok = r && be_find_log(r, e->lc, bridge_abi_topic_header_submitted) != NULL;
    json_decref(r);
    buf_clear(&b);
    return ok;
}

/* Appends the 12 head words of a delivery (proof, blockNumber, nonce, sender, receiver)
 * and the payload offset `off`; the proof is for signal `sig_for` (NULL: msg's own). */
static inline void be_delivery_head(bridge_env *e, zk_buf *b, const be_msg *msg,
                                    const be_msg *sig_for, size_t off)
{
    uint8_t hash[32], root[32], s[1][32], words[8 * 32];
    memset(words, 0, sizeof(words));
    if (!sig_for) sig_for = msg;
    if (be_block(e, hash, root, sig_for->block)) {
        bridge_abi_inclusion_signal(s[0], root, sig_for->m, e->outbox);
        be_prove(words, &e->inc, (const uint8_t(*)[32])s);
    }
    abi_raw(b, words, sizeof(words));
    abi_u64(b, msg->block);
    abi_u64(b, msg->nonce);
    abi_word(b, msg->sender, 20);
    abi_word(b, msg->receiver, 20);
    abi_u64(b, off);
}

/* Inbox.deliver calldata for msg, with a proof for sig_for's signal (NULL: msg's own). */
static inline void be_deliver_data(bridge_env *e, zk_buf *b, const be_msg *msg,
                                   const be_msg *sig_for)
{
    abi_raw(b, bridge_abi_sel_deliver, 4);
    be_delivery_head(e, b, msg, sig_for, 13 * 32);
    abi_bytes_tail(b, msg->payload, msg->payload_len);
}

/* Inbox.deliverBatch calldata for msgs[0..n) (each with its own proof). */
static inline void be_deliver_batch_data(bridge_env *e, zk_buf *b, const be_msg *msgs, size_t n)
{
    abi_raw(b, bridge_abi_sel_deliver_batch, 4);
    abi_u64(b, 32); /* offset of the array */
    abi_u64(b, n);
    /* Each tuple is dynamic (it holds bytes): n offsets, relative to the first offset word. */
    size_t off = 32 * n;
    for (size_t i = 0; i < n; i++) {
        abi_u64(b, off);
        off += 14 * 32 + (msgs[i].payload_len + 31) / 32 * 32;
    }
    for (size_t i = 0; i < n; i++) {
        be_delivery_head(e, b, &msgs[i], NULL, 13 * 32);
        abi_bytes_tail(b, msgs[i].payload, msgs[i].payload_len);
    }
}

/* Inbox.retry calldata for msg. */
static inline void be_retry_data(zk_buf *b, const be_msg *msg)
{
    abi_raw(b, bridge_abi_sel_retry, 4);
    abi_u64(b, msg->nonce);
    abi_word(b, msg->sender, 20);
    abi_word(b, msg->receiver, 20);
    abi_u64(b, 4 * 32);
    abi_bytes_tail(b, msg->payload, msg->payload_len);
}

/* ---- setting up ------------------------------------------------------------------------ */

/* Generates the two verifiers' sources into the scratch dir and compiles them with
 * tools/solc-compile.js. Out: fin_json, inc_json (the artifact paths). */
static inline bool be_compile_verifiers(bridge_env *e, char fin_json[1024], char inc_json[1024])
{
    char fin_sol[1024], inc_sol[1024];
    snprintf(fin_sol, 1024, "%s", th_tmp_path("FinalityVerifier.sol"));
    snprintf(inc_sol, 1024, "%s", th_tmp_path("InclusionVerifier.sol"));
    snprintf(fin_json, 1024, "%s", th_tmp_path("FinalityVerifier.json"));
    snprintf(inc_json, 1024, "%s", th_tmp_path("InclusionVerifier.json"));
    const struct {
        const be_circuit *k;
        const char *name, *path;
    } v[2] = {{&e->fin, "FinalityVerifier", fin_sol}, {&e->inc, "InclusionVerifier", inc_sol}};
    for (int i = 0; i < 2; i++) {
        zk_buf src;
        buf_init(&src, 0);
        zk_errbuf err = {{0}, 0};
        int rc = solidity_verifier_write(&src, &v[i].k->vk, v[i].name, &err);
        CHECK_MSG(rc == ZK_OK, "solidity_verifier_write: %s", err.msg);
        bool ok = rc == ZK_OK && th_write_file(v[i].path, src.data, src.len);
        buf_clear(&src);
        if (!ok) return false;
    }
    const char *argv[] = {"node", BE_SOLC_COMPILE, fin_sol, fin_json, inc_sol, inc_json, NULL};
    char *out, *err;
    int st = be_run(argv, &out, &err);
    CHECK_MSG(st == 0, "solc-compile: exit %d: %.2000s", st, err);
    free(out);
    free(err);
    return st == 0;
}

/* Everything up to a deployed bridge: circuits, verifiers, anvil, the contracts and a
 * CrossChainCounter. The checkpoint is the latest block at deployment time. Gas of each
 * deployment is printed ("gas: deploy ..."). */
static inline bool bridge_env_start(bridge_env *e)
{
    memset(e, 0, sizeof(*e));
    char fin_json[1024], inc_json[1024];
    if (!be_circuit_setup(&e->fin, 6) || !be_circuit_setup(&e->inc, 1)) return false;
    if (!be_compile_verifiers(e, fin_json, inc_json)) return false;
    bool up = test_anvil_start(&e->node, 20000);
    e->c = e->node.c;
    if (!up) return false;
    json_t *accts = NULL;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(rpc_call(e->c, &accts, "eth_accounts", NULL, &err), ZK_OK);
    const char *a0 = json_string_value(json_array_get(accts, 0));
    const char *a1 = json_string_value(json_array_get(accts, 1));
    bool ok = a0 && a1 && strlen(a0) == 42 && strlen(a1) == 42;
    CHECK(ok);
    if (ok) {
        memcpy(e->from, a0, 43);
        memcpy(e->other, a1, 43);
    }
    json_decref(accts);
    if (!ok) return false;

    uint64_t gas[6] = {0};
    ok = be_deploy(e, e->fin_verifier, fin_json, NULL, 0, &gas[0]) &&
         be_deploy(e, e->inc_verifier, inc_json, NULL, 0, &gas[1]) &&
         be_deploy(e, e->outbox, "Outbox", NULL, 0, &gas[2]);
    if (!ok) return false;

    /* The checkpoint: the latest block, with a set of 4 random validators. */
    uint8_t hash[32], root[32];
    ok = rpc_eth_block_number(e->c, &e->checkpoint, &err) == ZK_OK &&
         be_block(e, hash, root, e->checkpoint);
    CHECK(ok);
    if (!ok) return false;
    th_rand_bytes(&e->validators[0][0], sizeof(e->validators));
    bridge_abi_validator_commitment(e->cur_set, (const uint8_t(*)[20])e->validators, 4);
    zk_buf b;
    buf_init(&b, 0);
    abi_u64(&b, ANVIL_CHAIN_ID);
    abi_word(&b, e->fin_verifier, 20);
    abi_u64(&b, e->checkpoint);
    abi_raw(&b, hash, 32);
    abi_raw(&b, root, 32);
    abi_u64(&b, 6 * 32);
    abi_u64(&b, 4);
    for (int i = 0; i < 4; i++)
        abi_word(&b, e->validators[i], 20);
    ok = be_deploy(e, e->lc, "ZkLightClient", b.data, b.len, &gas[3]);
    b.len = 0;
    if (ok) {
        abi_u64(&b, ANVIL_CHAIN_ID);
        abi_u64(&b, ANVIL_CHAIN_ID);
        abi_word(&b, e->outbox, 20);
        abi_word(&b, e->lc, 20);
        abi_word(&b, e->inc_verifier, 20);
        ok = be_deploy(e, e->inbox, "Inbox", b.data, b.len, &gas[4]);
    }
    b.len = 0;
    if (ok) {
        abi_word(&b, e->inbox, 20);
        ok = be_deploy(e, e->counter, "CrossChainCounter", b.data, b.len, &gas[5]);
    }
    buf_clear(&b);
    if (!ok) return false;
    printf("gas: deploy FinalityVerifier (6 signals): %" PRIu64 "\n", gas[0]);
    printf("gas: deploy InclusionVerifier (1 signal): %" PRIu64 "\n", gas[1]);
    printf("gas: deploy Outbox: %" PRIu64 "\n", gas[2]);
    printf("gas: deploy ZkLightClient (4 validators): %" PRIu64 "\n", gas[3]);
    printf("gas: deploy Inbox: %" PRIu64 "\n", gas[4]);
    printf("gas: deploy CrossChainCounter: %" PRIu64 "\n", gas[5]);
    e->ready = true;
    return true;
}

static inline void bridge_env_stop(bridge_env *e)
{
    test_anvil_stop(&e->node);
    be_circuit_clear(&e->fin);
    be_circuit_clear(&e->inc);
}

#endif
