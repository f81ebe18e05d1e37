/* The Solidity Groth16 verifier on a real EVM: `zkrelay groth16 export-verifier` writes it
 * from snarkjs/derived/verification_key.json, tools/solc-compile.js compiles it (solc-js,
 * optimizer on), anvil ($ZK_ANVIL, a free loopback port, stopped by PID) runs it.
 *
 * Two independent references in the same run:
 *  - the verifier snarkjs generates for the same key (`snarkjs zkey export
 *    solidityverifier` on snarkjs/groth16/circuit.zkey, whose key is
 *    derived/verification_key.json) is compiled and deployed beside ours, and both must
 *    give the same answer to the same calls;
 *  - our C verifier (groth16_verify) must agree with both on every file-based case.
 * The calldata text of `zkrelay groth16 export-calldata` must equal snarkjs's `zkey export
 * soliditycalldata` byte for byte.
 *
 * One deliberate difference is checked too: snarkjs's template reduces -A.y mod q, so it
 * also accepts A.y replaced by a larger alias (a second calldata for one proof); ours
 * requires every coordinate < q and rejects it.
 *
 * A second key, from a development setup of a 4-public-signal circuit built here (one
 * signal is 0, so one vk_x term is the point at infinity), exercises the unrolled vk_x code
 * with several inputs, again beside snarkjs's verifier for the same key.
 *
 * The gas of a verifyProof transaction (gas limit 1,000,000; gasUsed read from the
 * receipt) is printed for both verifiers ("gas: ..." lines). */
#include "harness.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "anvil.h"

#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "prover/prover.h"
#include "prover/solidity_verifier.h"
#include "relayer/rpc.h"

#define SOLC_COMPILE "tools/solc-compile.js"
#define SNARKJS      "tools/node_modules/.bin/snarkjs"
#define VEC          "snarkjs/"

/* What the tests share: the node, the artifacts and the deployed contracts. */
static struct {
    test_anvil node;
    rpc_client *c; /* node.c */
    bool ready;
    char from[43];
    char ours_sol[1024], ours_json[1024], snark_sol[1024], snark_json[1024];
    bool compiled;
    uint8_t ours[20], snark[20]; /* the two verifiers for the upstream key */
    bool deployed;
    /* The 4-signal key: its proof, public signals, sources and deployed verifiers. */
    bool four_ready, four_compiled, four_deployed;
    groth16_proof four_proof;
    uint8_t four_pub[4][32];
    char four_sol[1024], four_json[1024], four_zkey[1024], four_snark_sol[1024],
        four_snark_json[1024];
    uint8_t four_ours[20], four_snark[20];
} g;

static void copy_path(char dst[1024], const char *src)
{
    snprintf(dst, 1024, "%s", src);
}

/* ---- subprocesses ------------------------------------------------------------- */

/* Runs argv (argv[0] looked up in PATH) with stdin from /dev/null, stdout and stderr to
 * files. Returns the exit status, or -1 when it could not run or died from a signal.
 * Out: *out, *err (malloc'd text; never NULL). */
static int run_proc(const char *const *argv, char **out, char **err)
{
    th_proc p = th_run_argv(argv, NULL);
    *out = p.out;
    *err = p.err;
    return p.status;
}

/* Compiles n (sol, json) pairs with one run of tools/solc-compile.js (loading solc-js costs
 * more than compiling a verifier). Returns true on exit 0. */
static bool solc_compile(const char *const *pairs, size_t n)
{
    const char *argv[16] = {"node", SOLC_COMPILE};
    size_t k = 2;
    for (size_t i = 0; i < 2 * n && k < 15; i++)
        argv[k++] = pairs[i];
    argv[k] = NULL;
    char *out, *err;
    int st = run_proc(argv, &out, &err);
    CHECK_MSG(st == 0, "solc-compile %s...: exit %d: %.2000s", pairs[0], st, err);
    free(out);
    free(err);
    return st == 0;
}

/* snarkjs zkey export solidityverifier zkey sol. Returns true on exit 0. */
static bool snarkjs_export_verifier(const char *zkey, const char *sol)
{
    const char *argv[] = {SNARKJS, "zkey", "export", "solidityverifier", zkey, sol, NULL};
    char *out, *err;
    int st = run_proc(argv, &out, &err);
    CHECK_MSG(st == 0, "snarkjs zkey export solidityverifier: exit %d: %.2000s", st, err);
    free(out);
    free(err);
    return st == 0;
}

/* ---- anvil ---------------------------------------------------------------------- */

/* Starts anvil, waits for eth_chainId, and takes eth_accounts[0]. */
static void anvil_start(void)
{
    zk_errbuf err = {{0}, 0};
    bool up = test_anvil_start(&g.node, 10000);
    g.c = g.node.c;
    if (!up) return;
    json_t *accts = NULL;
    CHECK_EQ_INT(rpc_call(g.c, &accts, "eth_accounts", NULL, &err), ZK_OK);
    const char *a0 = json_string_value(json_array_get(accts, 0));
    CHECK(a0 && strlen(a0) == 42);
    if (a0 && strlen(a0) == 42) {
        memcpy(g.from, a0, 43);
        g.ready = true;
    }
    json_decref(accts);
}

/* Polls eth_getTransactionReceipt (anvil mines at once, but the receipt may lag). */
static json_t *wait_receipt(const uint8_t hash[32])
{
    json_t *r = NULL;
    zk_errbuf err = {{0}, 0};
    for (int i = 0; i < 200; i++) {
        int rc = rpc_eth_get_transaction_receipt(g.c, &r, hash, &err);
        if (rc == ZK_OK) return r;
        CHECK_MSG(rc == ZK_ERR_NOTFOUND, "receipt: %s", err.msg);
        if (rc != ZK_ERR_NOTFOUND) return NULL;
        anvil_sleep_ms(25);
    }
    CHECK_MSG(false, "no receipt after 5 s");
    return NULL;
}

/* eth_sendTransaction from eth_accounts[0] (unlocked by anvil); returns its receipt (a new
 * reference) or NULL. In: tx (stolen). */
static json_t *send_tx(json_t *tx)
{
    json_t *res = NULL;
    zk_errbuf err = {{0}, 0};
    uint8_t hash[32];
    json_object_set_new(tx, "from", json_string(g.from));
    int rc = rpc_call(g.c, &res, "eth_sendTransaction", json_pack("[o]", tx), &err);
    CHECK_MSG(rc == ZK_OK, "eth_sendTransaction: %s", err.msg);
    bool ok = rc == ZK_OK && json_is_string(res) &&
              hex_decode_fixed(hash, 32, json_string_value(res), NULL) == ZK_OK;
    json_decref(res);
    CHECK(ok);
    return ok ? wait_receipt(hash) : NULL;
}

/* Deploys the bytecode of a solc-compile.js artifact. Out: addr. Returns true when the
 * creation succeeded and left code at the address. */
static bool deploy(uint8_t addr[20], const char *artifact, const char *what)
{
    json_error_t jerr;
    json_t *a = json_load_file(artifact, 0, &jerr);
    CHECK_MSG(a != NULL, "%s: %s", artifact, jerr.text);
    const char *code = json_string_value(json_object_get(a, "bytecode"));
    CHECK_MSG(code && strlen(code) > 2, "%s has no bytecode", artifact);
    if (!code || strlen(code) <= 2) {
        json_decref(a);
        return false;
    }
    json_t *r = send_tx(json_pack("{s:s,s:s}", "data", code, "gas", "0x1c9c380"));
    json_decref(a);
    uint64_t status = 0, gas = 0;
    bool ok = r && json_get_quantity(&status, r, "status", NULL) == ZK_OK && status == 1 &&
              json_get_data_fixed(addr, 20, r, "contractAddress", NULL) == ZK_OK;
    CHECK_MSG(ok, "deploying %s failed (status %llu)", what, (unsigned long long)status);
    if (ok && json_get_quantity(&gas, r, "gasUsed", NULL) == ZK_OK)
        printf("gas: deploy %s: %llu\n", what, (unsigned long long)gas);
    json_decref(r);
    if (!ok) return false;
    char addr_hex[43];
    json_t *codev = NULL;
    hex_encode(addr_hex, addr, 20, true);
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(g.c, &codev, "eth_getCode", json_pack("[s,s]", addr_hex, "latest"), &err);
    ok = rc == ZK_OK && json_is_string(codev) && json_string_length(codev) > 2;
    CHECK_MSG(ok, "no code at %s after deploying %s: %s", addr_hex, what, err.msg);
    json_decref(codev);
    return ok;
}

/* ---- calls ---------------------------------------------------------------------- */

typedef enum call_result { RES_FALSE = 0, RES_TRUE = 1, RES_REVERT, RES_ERROR } call_result;

static const char *res_name(call_result r)
{
    static const char *const names[] = {"false", "true", "revert", "error"};
    return names[r];
}

/* eth_call of data on addr, decoded as the bool verifyProof returns. */
static call_result call(const uint8_t addr[20], const uint8_t *data, size_t len)
{
    uint8_t *out = NULL;
    size_t out_len = 0;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_eth_call(g.c, &out, &out_len, addr, data, len, rpc_block_tagged(RPC_BLOCK_LATEST),
                          &err);
    if (rc == ZK_ERR_RPC) return RES_REVERT;
    CHECK_MSG(rc == ZK_OK, "eth_call: %s", err.msg);
    call_result r = RES_ERROR;
    if (rc == ZK_OK && out_len == 32) {
        static const uint8_t zero[31] = {0};
        if (memcmp(out, zero, 31) == 0 && out[31] <= 1) r = out[31] ? RES_TRUE : RES_FALSE;
    }
    CHECK_MSG(rc != ZK_OK || r != RES_ERROR, "verifyProof returned %zu bytes, not a bool", out_len);
    free(out);
    return r;
}

/* Calls both verifiers; checks they agree and give want. */
static void call_both(const uint8_t ours[20], const uint8_t snark[20], const uint8_t *data,
                      size_t len, call_result want, const char *what)
{
    CASE_BEGIN("%s: both verifiers say %s", what, res_name(want));
    call_result a = call(ours, data, len);
    call_result b = call(snark, data, len);
    CHECK_MSG(a == want, "%s: zkrelay verifier says %s, want %s", what, res_name(a),
              res_name(want));
    CHECK_MSG(b == want, "%s: snarkjs verifier says %s, want %s", what, res_name(b),
              res_name(want));
    CASE_END();
}

/* Sends the call data to both verifiers as transactions with a 1,000,000 gas limit and
 * prints gasUsed from the receipts (eth_estimateGas under-reports calls that forward
 * gas() to the precompiles). */
static void report_gas(const uint8_t ours[20], const uint8_t snark[20], const uint8_t *data,
                       size_t len, const char *what)
{
    CASE_BEGIN("verifyProof as a transaction (%s): gas", what);
    char *hex = malloc(hex_encoded_len(len, true));
    char to[43];
    uint64_t gas[2] = {0, 0};
    CHECK(hex != NULL);
    for (int k = 0; hex && k < 2; k++) {
        hex_encode(hex, data, len, true);
        hex_encode(to, k == 0 ? ours : snark, 20, true);
        json_t *r = send_tx(json_pack("{s:s,s:s,s:s}", "to", to, "data", hex, "gas", "0xf4240"));
        uint64_t status = 0;
        CHECK(r && json_get_quantity(&status, r, "status", NULL) == ZK_OK && status == 1);
        CHECK(r && json_get_quantity(&gas[k], r, "gasUsed", NULL) == ZK_OK);
        json_decref(r);
        /* 21000 intrinsic + the pairing of 4 pairs (45000 + 4 * 34000) at the least. */
        CHECK_MSG(gas[k] > 21000 + 181000 && gas[k] < 1000000, "gasUsed %llu",
                  (unsigned long long)gas[k]);
    }
    printf("gas: verifyProof transaction (%s, gas limit 1000000): zkrelay %llu, snarkjs %llu\n",
           what, (unsigned long long)gas[0], (unsigned long long)gas[1]);
    free(hex);
    CASE_END();
}

/* ---- files and 256-bit helpers ---------------------------------------------------- */

static bool load_proof(groth16_proof *p, const char *rel)
{
    size_t len = 0;
    char *text = (char *)th_read_file(rel, &len);
    if (!text) return false;
    groth16_json_proof j;
    zk_errbuf err = {{0}, 0};
    int rc = groth16_json_proof_parse(&j, text, len, &err);
    if (rc == ZK_OK) rc = groth16_proof_from_json(p, &j, &err);
    CHECK_MSG(rc == ZK_OK, "%s: %s", rel, err.msg);
    free(text);
    return rc == ZK_OK;
}

/* Out: *pub (malloc'd; the caller frees), *n. */
static bool load_public(uint8_t **pub, size_t *n, const char *rel)
{
    size_t len = 0;
    char *text = (char *)th_read_file(rel, &len);
    *pub = NULL;
    if (!text) return false;
    zk_errbuf err = {{0}, 0};
    int rc = groth16_json_public_parse(pub, n, text, len, &err);
    CHECK_MSG(rc == ZK_OK, "%s: %s", rel, err.msg);
    free(text);
    return rc == ZK_OK;
}

static bool load_vk(groth16_vk *vk, const char *rel)
{
    size_t len = 0;
    char *text = (char *)th_read_file(rel, &len);
    groth16_json_vk j;
    memset(&j, 0, sizeof(j));
    bool ok = text && groth16_json_vk_parse(&j, text, len, NULL) == ZK_OK &&
              groth16_vk_from_json(vk, &j, NULL) == ZK_OK;
    CHECK_MSG(ok, "cannot load the key %s", rel);
    groth16_json_vk_clear(&j);
    free(text);
    return ok;
}

/* r = a + b mod 2^256 (big-endian). */
static void u256_add(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned s = (unsigned)a[i] + b[i] + carry;
        r[i] = (uint8_t)s;
        carry = s >> 8;
    }
}

/* r = a - b mod 2^256 (big-endian). */
static void u256_sub(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = (int)a[i] - b[i] - borrow;
        borrow = d < 0;
        r[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

static bool u256_ge(const uint8_t a[32], const uint8_t b[32])
{
    return memcmp(a, b, 32) >= 0;
}

/* The calldata of verifyProof for proof and pub (n values). Out: *len. Caller frees. */
static uint8_t *make_calldata(size_t *len, const groth16_proof *p, const uint8_t *pub, size_t n)
{
    *len = solidity_verifier_calldata_len(n);
    uint8_t *d = malloc(*len);
    CHECK(d != NULL);
    if (d) CHECK_EQ_INT(solidity_verifier_calldata(d, len, p, (const uint8_t(*)[32])pub, n), ZK_OK);
    return d;
}

/* Word i of calldata (0..7 the proof, 8.. the public signals). */
static uint8_t *word(uint8_t *data, size_t i)
{
    return data + 4 + 32 * i;
}

/* ---- the generator, without an EVM ---------------------------------------------- */

TEST(test_generator_limits)
{
    groth16_vk vk;
    groth16_vk_init(&vk);
    if (!load_vk(&vk, VEC "derived/verification_key.json")) {
        groth16_vk_clear(&vk);
        return;
    }
    zk_buf b;
    buf_init(&b, 0);

    CASE_BEGIN("contract names: identifiers only");
    CHECK(solidity_verifier_is_valid_name("Groth16Verifier"));
    CHECK(solidity_verifier_is_valid_name("_v2"));
    CHECK(!solidity_verifier_is_valid_name(""));
    CHECK(!solidity_verifier_is_valid_name("2fast"));
    CHECK(!solidity_verifier_is_valid_name("a-b"));
    CHECK(!solidity_verifier_is_valid_name("a b"));
    CHECK(!solidity_verifier_is_valid_name("x;contract"));
    char longname[SOLIDITY_VERIFIER_NAME_MAX + 2];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    CHECK(!solidity_verifier_is_valid_name(longname));
    longname[SOLIDITY_VERIFIER_NAME_MAX] = '\0';
    CHECK(solidity_verifier_is_valid_name(longname));
    CHECK_EQ_INT(solidity_verifier_write(&b, &vk, "bad name", NULL), ZK_ERR_USAGE);
    CHECK_EQ_INT(b.len, 0);
    CASE_END();

    CASE_BEGIN("no public signal, or too many, is refused");
    uint32_t n = vk.n_public;
    vk.n_public = 0;
    CHECK_EQ_INT(solidity_verifier_write(&b, &vk, NULL, NULL), ZK_ERR_USAGE);
    vk.n_public = SOLIDITY_VERIFIER_MAX_PUBLIC + 1;
    CHECK_EQ_INT(solidity_verifier_write(&b, &vk, NULL, NULL), ZK_ERR_RANGE);
    vk.n_public = n;
    CASE_END();

    CASE_BEGIN("the output cap is honoured");
    zk_buf small;
    buf_init(&small, 1000);
    CHECK_EQ_INT(solidity_verifier_write(&small, &vk, NULL, NULL), ZK_ERR_RANGE);
    CHECK(small.len <= 1000);
    buf_clear(&small);
    CASE_END();

    CASE_BEGIN("calldata: selector, length and the short-buffer refusal");
    uint8_t sel[4];
    solidity_verifier_selector(sel, 1);
    /* keccak256("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[1])")[0..4] */
    static const uint8_t want_sel[4] = {0x43, 0x75, 0x3b, 0x4d};
    CHECK_MEM(sel, want_sel, 4);
    solidity_verifier_selector(sel, 4);
    CHECK(memcmp(sel, want_sel, 4) != 0);
    CHECK_EQ_INT(solidity_verifier_calldata_len(1), 4 + 9 * 32);
    groth16_proof p;
    memset(&p, 0, sizeof(p));
    uint8_t pub[1][32] = {{0}}, out[4 + 9 * 32];
    size_t len = sizeof(out) - 1;
    CHECK_EQ_INT(solidity_verifier_calldata(out, &len, &p, (const uint8_t(*)[32])pub, 1),
                 ZK_ERR_RANGE);
    len = sizeof(out);
    CHECK_EQ_INT(solidity_verifier_calldata(out, &len, &p, (const uint8_t(*)[32])pub, 1), ZK_OK);
    CHECK_EQ_INT(len, sizeof(out));
    CHECK_MEM(out, want_sel, 4);
    CASE_END();
    buf_clear(&b);
    groth16_vk_clear(&vk);
}

/* ---- the command line -------------------------------------------------------------- */

/* export-verifier and export-calldata from the command line, before any EVM. */
TEST(test_export_cli)
{
    char vk[1024], zkey[1024], proof[1024], pub[1024];
    copy_path(vk, th_vector_path(VEC "derived/verification_key.json"));
    copy_path(zkey, th_vector_path(VEC "groth16/circuit.zkey"));
    copy_path(proof, th_vector_path(VEC "groth16/proof.json"));
    copy_path(pub, th_vector_path(VEC "groth16/public.json"));
    copy_path(g.ours_sol, th_tmp_path("Verifier.sol"));
    copy_path(g.ours_json, th_tmp_path("Verifier.json"));
    copy_path(g.snark_sol, th_tmp_path("SnarkjsVerifier.sol"));
    copy_path(g.snark_json, th_tmp_path("SnarkjsVerifier.json"));

    CASE_BEGIN("export-verifier verification_key.json Verifier.sol");
    const char *a1[] = {"groth16", "export-verifier", vk, g.ours_sol};
    th_proc p = th_run_zkrelay(a1, 4, NULL);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_proc_sanitizer_clean(&p));
    CHECK_EQ_INT(strlen(p.out), 0); /* the result is the file */
    th_proc_free(&p);
    char *src = th_read_text(g.ours_sol);
    CHECK(src != NULL);
    if (src) {
        CHECK(strstr(src, "contract Groth16Verifier {") != NULL);
        CHECK(strstr(src, "uint256[1] calldata _pubSignals") != NULL);
        CHECK(strstr(src, "staticcall(gas(), 0x08, m, 768, m, 32)") != NULL);
        /* IC1.x of the key, in decimal, as a constant. */
        CHECK(strstr(src, "IC1_X = 17586290440796513468778571956491608579531524537588758492516"
                          "276174418755874095;") != NULL);
        /* beta2's imaginary x part (vk_beta_2[0][1]) comes first, as EIP-197 reads it. */
        const char *xi = strstr(src, "BETA_X_IM = 28182807279200195095673443334330406408148476"
                                     "47252965574434688845111015589444;");
        const char *xr = strstr(src, "BETA_X_RE = 24914508688797071847076389233186208240430772"
                                     "64425678122529022119991361101584;");
        CHECK(xi != NULL && xr != NULL && xi < xr);
    }
    CASE_END();

    CASE_BEGIN("export-verifier of the .zkey gives the same source as its verification key");
    char zsol[1024];
    copy_path(zsol, th_tmp_path("FromZkey.sol"));
    const char *a2[] = {"groth16", "export-verifier", zkey, zsol};
    p = th_run_zkrelay(a2, 4, NULL);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_proc_sanitizer_clean(&p));
    th_proc_free(&p);
    char *zsrc = th_read_text(zsol);
    CHECK(src && zsrc && strcmp(src, zsrc) == 0);
    free(zsrc);
    CASE_END();

    CASE_BEGIN("export-verifier --name, and - for stdout");
    const char *a3[] = {"groth16", "export-verifier", "--name", "FinalityVerifier", vk, "-"};
    p = th_run_zkrelay(a3, 6, NULL);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(strstr(p.out, "contract FinalityVerifier {") != NULL);
    CHECK(strstr(p.out, "Groth16Verifier {") == NULL);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("export-verifier usage errors exit 2, bad keys exit 1");
    const char *u1[] = {"groth16", "export-verifier"};
    p = th_run_zkrelay(u1, 2, NULL);
    CHECK_EQ_INT(p.status, 2);
    th_proc_free(&p);
    const char *u2[] = {"groth16", "export-verifier", "--name", "9lives", vk, "-"};
    p = th_run_zkrelay(u2, 6, NULL);
    CHECK_EQ_INT(p.status, 2);
    CHECK(strstr(p.err, "identifier") != NULL);
    CHECK_EQ_INT(strlen(p.out), 0);
    th_proc_free(&p);
    const char *u3[] = {"groth16", "export-verifier", vk, "a.sol", "b.sol"};
    p = th_run_zkrelay(u3, 5, NULL);
    CHECK_EQ_INT(p.status, 2);
    th_proc_free(&p);
    const char *u4[] = {"groth16", "export-verifier", "--help"};
    p = th_run_zkrelay(u4, 3, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(strstr(p.out, "usage: zkrelay groth16 export-verifier") != NULL);
    th_proc_free(&p);
    const char *u5[] = {"groth16", "export-verifier", "/nonexistent/vk.json", "-"};
    p = th_run_zkrelay(u5, 4, NULL);
    CHECK_EQ_INT(p.status, 1);
    th_proc_free(&p);
    /* A key whose IC1 is moved off the curve (y + 1) is refused, and nothing is written. */
    json_t *j = th_load_json(VEC "derived/verification_key.json");
    if (j) {
        json_t *ic1 = json_array_get(json_object_get(j, "IC"), 1);
        uint8_t y[32], one[32] = {0};
        one[31] = 1;
        CHECK(groth16_json_dec_parse(y, json_string_value(json_array_get(ic1, 1)),
                                     groth16_json_q_be, NULL) == ZK_OK);
        u256_add(y, y, one);
        char dec[GROTH16_JSON_DEC_MAX];
        groth16_json_dec_format(dec, y);
        json_array_set_new(ic1, 1, json_string(dec));
        char bad[1024], badsol[1024];
        copy_path(bad, th_tmp_path("vk_bad_ic.json"));
        copy_path(badsol, th_tmp_path("Bad.sol"));
        CHECK(json_dump_file(j, bad, 0) == 0);
        const char *u6[] = {"groth16", "export-verifier", bad, badsol};
        p = th_run_zkrelay(u6, 4, NULL);
        CHECK_EQ_INT(p.status, 1);
        CHECK(th_proc_sanitizer_clean(&p));
        CHECK_MSG(strstr(p.err, "IC") != NULL, "stderr: %s", p.err);
        CHECK(access(badsol, F_OK) != 0);
        th_proc_free(&p);
        json_decref(j);
    }
    CASE_END();
    free(src);

    /* export-calldata: byte-equal to snarkjs's soliditycalldata, for the valid proof and
     * the derived bad ones. */
    static const char *const sets[][2] = {
        {"groth16/public.json", "groth16/proof.json"},
        {"groth16/public.json", "derived/proof_bad_pi_a_y_negated.json"},
        {"groth16/public.json", "derived/proof_bad_pi_c_x_plus1.json"},
        {"derived/public_bad_plus1.json", "groth16/proof.json"},
    };
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        CASE_BEGIN("export-calldata %s %s equals snarkjs soliditycalldata", sets[i][0], sets[i][1]);
        char pp[1024], pr[1024], rel[256];
        snprintf(rel, sizeof(rel), VEC "%s", sets[i][0]);
        copy_path(pp, th_vector_path(rel));
        snprintf(rel, sizeof(rel), VEC "%s", sets[i][1]);
        copy_path(pr, th_vector_path(rel));
        const char *ac[] = {"groth16", "export-calldata", pp, pr};
        p = th_run_zkrelay(ac, 4, NULL);
        CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
        CHECK(th_proc_sanitizer_clean(&p));
        const char *sj[] = {SNARKJS, "zkey", "export", "soliditycalldata", pp, pr, NULL};
        char *sout, *serr;
        int st = run_proc(sj, &sout, &serr);
        CHECK_MSG(st == 0, "snarkjs soliditycalldata: exit %d: %s", st, serr);
        CHECK_MSG(strcmp(p.out, sout) == 0, "zkrelay:\n%s\nsnarkjs:\n%s", p.out, sout);
        th_proc_free(&p);
        free(sout);
        free(serr);
        CASE_END();
    }

    CASE_BEGIN("export-calldata --hex is the ABI encoding of the call");
    const char *ah[] = {"groth16", "export-calldata", "--hex", pub, proof};
    p = th_run_zkrelay(ah, 5, NULL);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_proc_sanitizer_clean(&p));
    groth16_proof pf;
    uint8_t *pv = NULL;
    size_t n = 0, len = 0;
    if (load_proof(&pf, VEC "groth16/proof.json") &&
        load_public(&pv, &n, VEC "groth16/public.json")) {
        uint8_t *d = make_calldata(&len, &pf, pv, n);
        char *hex = malloc(hex_encoded_len(len, true) + 1);
        if (d && hex) {
            hex_encode(hex, d, len, true);
            size_t hl = strlen(hex);
            hex[hl] = '\n';
            hex[hl + 1] = '\0';
            CHECK_MSG(strcmp(p.out, hex) == 0, "got %s", p.out);
            CHECK(strncmp(p.out, "0x43753b4d", 10) == 0);
        }
        free(hex);
        free(d);
    }
    free(pv);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("export-calldata of malformed files exits 1, usage errors 2");
    char badp[1024];
    copy_path(badp, th_tmp_path("proof_truncated.json"));
    size_t plen = 0;
    uint8_t *ptext = th_read_file(VEC "groth16/proof.json", &plen);
    if (ptext) {
        CHECK(th_write_file(badp, ptext, plen / 2));
        free(ptext);
    }
    const char *am[] = {"groth16", "export-calldata", pub, badp};
    p = th_run_zkrelay(am, 4, NULL);
    CHECK_EQ_INT(p.status, 1);
    CHECK(th_proc_sanitizer_clean(&p));
    CHECK_EQ_INT(strlen(p.out), 0);
    th_proc_free(&p);
    const char *am2[] = {"groth16", "export-calldata", proof, proof}; /* not a list */
    p = th_run_zkrelay(am2, 4, NULL);
    CHECK_EQ_INT(p.status, 1);
    th_proc_free(&p);
    const char *am3[] = {"groth16", "export-calldata", pub, proof, proof};
    p = th_run_zkrelay(am3, 5, NULL);
    CHECK_EQ_INT(p.status, 2);
    th_proc_free(&p);
    const char *am4[] = {"groth16", "export-calldata", "-h"};
    p = th_run_zkrelay(am4, 3, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(strstr(p.out, "usage: zkrelay groth16 export-calldata") != NULL);
    th_proc_free(&p);
    CASE_END();
}

/* ---- a 4-public-signal key from a development setup ---------------------------------- */

static uint64_t test_rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

/* out = a * b + c, with a, b, c public inputs and out a public output: nPublic = 4
 * (out, a, b, c in wire order). */
static int build_circuit(r1cs *cs, uint64_t av, uint64_t bv, uint64_t cv)
{
    r1cs_var a, b, c, t, out;
    r1cs_lc la, lb, lc;
    r1cs_lc_init(&la);
    r1cs_lc_init(&lb);
    r1cs_lc_init(&lc);
    fr A, B, C, T, O, one;
    fr_from_u64(&A, av);
    fr_from_u64(&B, bv);
    fr_from_u64(&C, cv);
    fr_set_one(&one);
    fr_mul(&T, &A, &B);
    fr_add(&O, &T, &C);
    int rc = r1cs_init(cs);
    if (!rc) rc = r1cs_alloc(cs, &out, R1CS_KIND_PUBLIC_OUTPUT, &O);
    if (!rc) rc = r1cs_alloc_public(cs, &a, &A);
    if (!rc) rc = r1cs_alloc_public(cs, &b, &B);
    if (!rc) rc = r1cs_alloc_public(cs, &c, &C);
    if (!rc) rc = r1cs_alloc_private(cs, &t, &T);
    if (!rc) rc = r1cs_lc_add_var(&la, a) || r1cs_lc_add_var(&lb, b) || r1cs_lc_add_var(&lc, t);
    if (!rc) rc = r1cs_add_constraint(cs, &la, &lb, &lc, NULL);
    r1cs_lc_reset(&la);
    r1cs_lc_reset(&lb);
    r1cs_lc_reset(&lc);
    if (!rc)
        rc = r1cs_lc_add_var(&la, t) || r1cs_lc_add_var(&la, c) ||
             r1cs_lc_add_constant(&lb, &one) || r1cs_lc_add_var(&lc, out);
    if (!rc) rc = r1cs_add_constraint(cs, &la, &lb, &lc, NULL);
    if (!rc) rc = r1cs_finalize(cs);
    r1cs_lc_clear(&la);
    r1cs_lc_clear(&lb);
    r1cs_lc_clear(&lc);
    return rc;
}

/* A development setup and a proof for the circuit (c = 0), the zkrelay verifier written by
 * the library, and the key as a .zkey for snarkjs. */
TEST(test_four_setup)
{
    r1cs cs;
    groth16_pk pk;
    groth16_vk vk;
    zk_buf src, zk;
    buf_init(&src, 0);
    buf_init(&zk, 0);
    memset(&cs, 0, sizeof(cs));
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    copy_path(g.four_sol, th_tmp_path("Verifier4.sol"));
    copy_path(g.four_json, th_tmp_path("Verifier4.json"));
    copy_path(g.four_snark_sol, th_tmp_path("SnarkjsVerifier4.sol"));
    copy_path(g.four_snark_json, th_tmp_path("SnarkjsVerifier4.json"));
    copy_path(g.four_zkey, th_tmp_path("four.zkey"));

    CASE_BEGIN("dev setup and proof of a 4-signal circuit (c = 0)");
    int rc = build_circuit(&cs, 1234567, 7654321, 0);
    CHECK_EQ_INT(rc, ZK_OK);
    CHECK_EQ_INT(r1cs_n_public(&cs), 4);
    if (rc == ZK_OK) rc = groth16_setup_dev(&pk, &vk, &cs, test_rng, NULL, NULL);
    CHECK_EQ_INT(rc, ZK_OK);
    if (rc == ZK_OK)
        rc = groth16_prove(&g.four_proof, &pk, &cs, cs.values, cs.n_vars, 1, test_rng, NULL, NULL);
    CHECK_EQ_INT(rc, ZK_OK);
    if (rc == ZK_OK) {
        groth16_public_from_witness(g.four_pub, cs.values, 4);
        CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])g.four_pub, 4, &g.four_proof, NULL),
                     ZK_OK);
    }
    CASE_END();

    CASE_BEGIN("the 4-signal verifier source and .zkey are written");
    zk_errbuf err = {{0}, 0};
    if (rc == ZK_OK) {
        rc = solidity_verifier_write(&src, &vk, NULL, &err);
        CHECK_MSG(rc == ZK_OK, "solidity_verifier_write: %s", err.msg);
    }
    if (rc == ZK_OK) rc = buf_append_byte(&src, 0);
    if (rc == ZK_OK) {
        CHECK(strstr((const char *)src.data, "uint256[4] calldata _pubSignals") != NULL);
        CHECK(strstr((const char *)src.data, "IC4_Y = ") != NULL);
        CHECK(strstr((const char *)src.data, "IC5_X") == NULL);
        rc = groth16_pk_write_zkey(&zk, &pk, NULL);
        CHECK_EQ_INT(rc, ZK_OK);
    }
    g.four_ready = rc == ZK_OK && th_write_file(g.four_sol, src.data, src.len - 1) &&
                   th_write_file(g.four_zkey, zk.data, zk.len);
    CHECK(g.four_ready);
    CASE_END();
    buf_clear(&src);
    buf_clear(&zk);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    r1cs_clear(&cs);
}

/* ---- compile and deploy ----------------------------------------------------------- */

/* Checks a compiled artifact: one view function verifyProof with 4 arguments, the last a
 * uint256[n_public], compiled by solc-js 0.8. */
static void check_artifact(const char *path, const char *name, size_t n_public)
{
    json_error_t jerr;
    json_t *a = json_load_file(path, 0, &jerr);
    CHECK_MSG(a != NULL, "%s: %s", path, jerr.text);
    json_t *abi = json_object_get(a, "abi");
    CHECK_EQ_INT(json_array_size(abi), 1);
    json_t *fn = json_array_get(abi, 0);
    const char *fname = json_string_value(json_object_get(fn, "name"));
    const char *mut = json_string_value(json_object_get(fn, "stateMutability"));
    CHECK(fname && strcmp(fname, "verifyProof") == 0);
    CHECK(mut && strcmp(mut, "view") == 0);
    json_t *inputs = json_object_get(fn, "inputs");
    CHECK_EQ_INT(json_array_size(inputs), 4);
    char want[32];
    snprintf(want, sizeof(want), "uint256[%zu]", n_public);
    const char *t3 = json_string_value(json_object_get(json_array_get(inputs, 3), "type"));
    CHECK_MSG(t3 && strcmp(t3, want) == 0, "%s: last input %s", path, t3 ? t3 : "(none)");
    const char *cn = json_string_value(json_object_get(a, "contractName"));
    CHECK(cn && strcmp(cn, name) == 0);
    const char *ver = json_string_value(json_object_get(a, "compiler"));
    CHECK(ver && strncmp(ver, "solc-js 0.8.", 12) == 0);
    json_decref(a);
}

/* solc-js compiles the four verifiers; a broken source fails with the compiler's message. */
TEST(test_compile)
{
    char zkey[1024];
    copy_path(zkey, th_vector_path(VEC "groth16/circuit.zkey"));
    CASE_BEGIN("snarkjs zkey export solidityverifier of the same keys");
    bool ok = snarkjs_export_verifier(zkey, g.snark_sol);
    bool four = g.four_ready && snarkjs_export_verifier(g.four_zkey, g.four_snark_sol);
    CHECK(four);
    CASE_END();

    CASE_BEGIN("solc-js compiles the zkrelay and snarkjs verifiers of both keys");
    const char *pairs[8] = {g.ours_sol, g.ours_json, g.snark_sol,      g.snark_json,
                            g.four_sol, g.four_json, g.four_snark_sol, g.four_snark_json};
    bool compiled = ok && solc_compile(pairs, four ? 4 : 2);
    if (compiled) {
        check_artifact(g.ours_json, "Groth16Verifier", 1);
        check_artifact(g.snark_json, "Groth16Verifier", 1);
        if (four) {
            check_artifact(g.four_json, "Groth16Verifier", 4);
            check_artifact(g.four_snark_json, "Groth16Verifier", 4);
        }
    }
    CASE_END();
    g.compiled = compiled;
    g.four_compiled = compiled && four;

    CASE_BEGIN("solc-compile.js fails clearly on a compiler error");
    char bad_sol[1024], bad_json[1024];
    copy_path(bad_sol, th_tmp_path("Broken.sol"));
    copy_path(bad_json, th_tmp_path("Broken.json"));
    static const char broken[] = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n"
                                 "contract Broken { function f() public pure returns (uint) "
                                 "{ return 1 + ; } }\n";
    CHECK(th_write_file(bad_sol, broken, sizeof(broken) - 1));
    const char *argv[] = {"node", SOLC_COMPILE, bad_sol, bad_json, NULL};
    char *out, *err;
    int st = run_proc(argv, &out, &err);
    CHECK_EQ_INT(st, 1);
    CHECK_MSG(strstr(err, "ParserError") != NULL && strstr(err, "Broken.sol:3") != NULL,
              "stderr: %s", err);
    CHECK_MSG(strstr(err, "compilation failed") != NULL, "stderr: %s", err);
    CHECK(access(bad_json, F_OK) != 0);
    free(out);
    free(err);
    CASE_END();
}

TEST(test_deploy)
{
    CASE_BEGIN("anvil starts");
    anvil_start();
    CASE_END();
    if (!g.ready || !g.compiled) {
        CHECK_MSG(false, "anvil or the artifacts are missing");
        return;
    }
    CASE_BEGIN("both verifiers of the upstream key deploy");
    bool a = deploy(g.ours, g.ours_json, "zkrelay verifier (1 public signal)");
    bool b = deploy(g.snark, g.snark_json, "snarkjs verifier (1 public signal)");
    g.deployed = a && b;
    CASE_END();
    if (!g.four_compiled) return;
    CASE_BEGIN("both verifiers of the 4-signal key deploy");
    a = deploy(g.four_ours, g.four_json, "zkrelay verifier (4 public signals)");
    b = deploy(g.four_snark, g.four_snark_json, "snarkjs verifier (4 public signals)");
    g.four_deployed = a && b;
    CASE_END();
}

/* ---- calls ----------------------------------------------------------------------- */

/* The upstream proof and its derived forgeries, against both contracts and the C verifier. */
TEST(test_verify_upstream)
{
    if (!g.deployed) {
        CHECK_MSG(false, "the verifiers are not deployed");
        return;
    }
    groth16_vk vk;
    groth16_vk_init(&vk);
    bool have_vk = load_vk(&vk, VEC "derived/verification_key.json");

    static const struct {
        const char *pub, *proof;
        call_result want;
    } files[] = {
        {"groth16/public.json", "groth16/proof.json", RES_TRUE},
        {"groth16/public.json", "derived/proof_bad_pi_a_y_negated.json", RES_FALSE},
        {"groth16/public.json", "derived/proof_bad_pi_c_x_plus1.json", RES_FALSE},
        {"derived/public_bad_plus1.json", "groth16/proof.json", RES_FALSE},
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char prel[256], qrel[256], what[300];
        snprintf(prel, sizeof(prel), VEC "%s", files[i].pub);
        snprintf(qrel, sizeof(qrel), VEC "%s", files[i].proof);
        snprintf(what, sizeof(what), "%s + %s", files[i].pub, files[i].proof);
        groth16_proof p;
        uint8_t *pub = NULL;
        size_t n = 0, len = 0;
        if (load_proof(&p, qrel) && load_public(&pub, &n, prel)) {
            uint8_t *d = make_calldata(&len, &p, pub, n);
            if (d) call_both(g.ours, g.snark, d, len, files[i].want, what);
            free(d);
            CASE_BEGIN("%s: groth16_verify agrees", what);
            CHECK(have_vk);
            int rc = groth16_verify(&vk, (const uint8_t(*)[32])pub, n, &p, NULL);
            CHECK_EQ_INT(rc == ZK_OK, files[i].want == RES_TRUE);
            CASE_END();
        }
        free(pub);
    }
    groth16_vk_clear(&vk);

    /* Forgeries built from the valid call. */
    groth16_proof p;
    uint8_t *pub = NULL;
    size_t n = 0, len = 0;
    if (!load_proof(&p, VEC "groth16/proof.json") ||
        !load_public(&pub, &n, VEC "groth16/public.json")) {
        free(pub);
        return;
    }
    uint8_t *good = make_calldata(&len, &p, pub, n);
    uint8_t *d = malloc(len);
    free(pub);
    if (!good || !d) {
        free(good);
        free(d);
        return;
    }
    static const char *const wname[8] = {"A.x",    "A.y",    "B.x.c1", "B.x.c0",
                                         "B.y.c1", "B.y.c0", "C.x",    "C.y"};
    for (size_t w = 0; w < 8; w++) {
        char what[64];
        memcpy(d, good, len);
        word(d, w)[31] ^= 1;
        snprintf(what, sizeof(what), "proof with the low bit of %s flipped", wname[w]);
        call_both(g.ours, g.snark, d, len, RES_FALSE, what);
    }

    /* B in proof.json's order (real part first): the precompile reads another point. */
    memcpy(d, good, len);
    memcpy(word(d, 2), word(good, 3), 32);
    memcpy(word(d, 3), word(good, 2), 32);
    memcpy(word(d, 4), word(good, 5), 32);
    memcpy(word(d, 5), word(good, 4), 32);
    call_both(g.ours, g.snark, d, len, RES_FALSE, "B with its Fp2 halves in proof.json order");

    /* Public signals at and above r, including s + r (equal to s mod r). */
    uint8_t all_ones[32];
    memset(all_ones, 0xff, 32);
    memcpy(d, good, len);
    memcpy(word(d, 8), groth16_json_r_be, 32);
    call_both(g.ours, g.snark, d, len, RES_FALSE, "public signal = r");
    u256_add(word(d, 8), word(good, 8), groth16_json_r_be);
    call_both(g.ours, g.snark, d, len, RES_FALSE, "public signal s + r (s mod r)");
    memcpy(word(d, 8), all_ones, 32);
    call_both(g.ours, g.snark, d, len, RES_FALSE, "public signal 2^256 - 1");

    /* Coordinates >= q: x + q and B.x.c0 + q are refused by the precompiles anyway. */
    memcpy(d, good, len);
    u256_add(word(d, 0), word(good, 0), groth16_json_q_be);
    call_both(g.ours, g.snark, d, len, RES_FALSE, "A.x + q");
    memcpy(d, good, len);
    u256_add(word(d, 3), word(good, 3), groth16_json_q_be);
    call_both(g.ours, g.snark, d, len, RES_FALSE, "B.x.c0 + q");

    /* Truncated calldata: the ABI decoder of both contracts reverts. */
    call_both(g.ours, g.snark, good, len - 32, RES_REVERT, "calldata without its last word");
    call_both(g.ours, g.snark, good, len, RES_TRUE, "the valid call again (nothing stateful)");

    /* The one deliberate difference. snarkjs computes -A.y as (q - y') mod q with EVM
     * wrap-around, so y' = ((y + c) mod q) + q, c = 2^256 mod q, gives
     * (2^256 - (y + c)) mod q = -y: the same proof under a second encoding. */
    CASE_BEGIN("A.y replaced by its alias >= q: snarkjs accepts, zkrelay refuses");
    uint8_t five_q[32], c[32], t[32], zero[32] = {0};
    u256_add(five_q, groth16_json_q_be, groth16_json_q_be);
    u256_add(five_q, five_q, five_q);
    u256_add(five_q, five_q, groth16_json_q_be);
    u256_sub(c, zero, five_q); /* 2^256 - 5q = 2^256 mod q, since 5q < 2^256 < 6q */
    CHECK(!u256_ge(c, groth16_json_q_be));
    u256_add(t, word(good, 1), c);
    if (u256_ge(t, groth16_json_q_be)) u256_sub(t, t, groth16_json_q_be);
    memcpy(d, good, len);
    u256_add(word(d, 1), t, groth16_json_q_be);
    CHECK(u256_ge(word(d, 1), groth16_json_q_be));
    CHECK_EQ_INT(call(g.snark, d, len), RES_TRUE);
    CHECK_EQ_INT(call(g.ours, d, len), RES_FALSE);
    CASE_END();

    report_gas(g.ours, g.snark, good, len, "1 public signal");
    free(d);
    free(good);
}

TEST(test_verify_four_signals)
{
    if (!g.four_deployed) {
        CHECK_MSG(false, "the 4-signal verifiers are not deployed");
        return;
    }
    size_t len = 0;
    uint8_t *good = make_calldata(&len, &g.four_proof, &g.four_pub[0][0], 4);
    uint8_t *d = malloc(len);
    if (good && d) {
        call_both(g.four_ours, g.four_snark, good, len, RES_TRUE, "4 signals: the valid proof");
        uint8_t one[32] = {0};
        one[31] = 1;
        for (size_t i = 0; i < 4; i++) {
            char what[64];
            memcpy(d, good, len);
            u256_add(word(d, 8 + i), word(good, 8 + i), one);
            snprintf(what, sizeof(what), "4 signals: signal %zu plus one", i);
            call_both(g.four_ours, g.four_snark, d, len, RES_FALSE, what);
        }
        memcpy(d, good, len);
        memcpy(word(d, 9), word(good, 10), 32);
        memcpy(word(d, 10), word(good, 9), 32);
        call_both(g.four_ours, g.four_snark, d, len, RES_FALSE, "4 signals: a and b swapped");
        memcpy(d, good, len);
        u256_add(word(d, 11), word(good, 11), groth16_json_r_be);
        call_both(g.four_ours, g.four_snark, d, len, RES_FALSE, "4 signals: c = 0 written as r");
        /* The upstream key's valid proof, with these signals: a proof for another key. */
        groth16_proof other;
        if (load_proof(&other, VEC "groth16/proof.json")) {
            size_t olen = 0;
            uint8_t *od = make_calldata(&olen, &other, &g.four_pub[0][0], 4);
            if (od)
                call_both(g.four_ours, g.four_snark, od, olen, RES_FALSE,
                          "4 signals: a proof made for another key");
            free(od);
        }
        report_gas(g.four_ours, g.four_snark, good, len, "4 public signals");
    }
    free(d);
    free(good);
}

static void run_all(void)
{
    if (rpc_global_init() != ZK_OK) {
        fprintf(stderr, "rpc_global_init failed\n");
        exit(1);
    }
    RUN(test_generator_limits);
    RUN(test_export_cli);
    RUN(test_four_setup);
    RUN(test_compile);
    RUN(test_deploy);
    RUN(test_verify_upstream);
    RUN(test_verify_four_signals);
    test_anvil_stop(&g.node);
    rpc_global_cleanup();
}

TEST_MAIN(run_all())
