/* `zkrelay deploy` and `zkrelay deploy outbox` (relayer/cli.h). */
#include "relayer/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lightclient/lightclient.h"
#include "relayer/abi.h"
#include "relayer/bridge_abi.h"
#include "relayer/cli.h"
#include "relayer/fees.h"
#include "relayer/keyfile.h"
#include "relayer/rpc.h"
#include "relayer/rpc_tx.h"
#include "relayer/tx.h"

/* An artifact is a few hundred KB of JSON at most (the largest here is ~40 KB). */
#define DEPLOY_MAX_ARTIFACT (8u << 20)
/* The same cap as `zkrelay lc init`: a checkpoint holds one header. */
#define DEPLOY_MAX_CHECKPOINT (4u << 20)
/* EIP-3860 caps init code at 49152 bytes on mainnet; other chains differ, so
 * allow more here and let the node refuse what it does not take. */
#define DEPLOY_MAX_CODE (1u << 20)
#define GWEI            1000000000ull

/* What every deployment of one run shares: the node, the signer, the next nonce. */
typedef struct deploy_ctx {
    const char *prog;
    rpc_client *rpc;
    secp256k1_context *ctx;
    uint8_t key[32];
    uint8_t from[20];
    uint64_t chain_id;
    uint64_t nonce;
    fees_caps caps;
    double timeout_s;
    bool progress; /* stderr is a terminal */
} deploy_ctx;

/* One deployed contract, as printed. */
typedef struct deploy_result {
    uint8_t addr[20];
    uint8_t tx[32];
    uint64_t block, gas_used;
} deploy_result;

/* The options both forms share. */
typedef struct deploy_common {
    const char *key_file, *key_env, *out, *max_fee, *max_tip, *timeout, *chain_id;
} deploy_common;

static double deploy_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void deploy_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void deploy_usage(FILE *f)
{
    fputs("usage: zkrelay deploy --dest-rpc URL (--key-file FILE | --key-env VAR)\n"
          "                      --finality-verifier ART.json --inclusion-verifier ART.json\n"
          "                      --checkpoint CHECKPOINT.json --source-chain-id N --outbox ADDR\n"
          "                      [--out deployment.json] [--example-receiver] [options]\n"
          "       zkrelay deploy outbox --rpc URL (--key-file FILE | --key-env VAR)\n"
          "                      [--out outbox.json] [options]\n"
          "\n"
          "Deploys the bridge contracts with EIP-1559 transactions signed by the given key,\n"
          "waiting for each receipt. The first form deploys the destination side: the two\n"
          "Groth16 verifiers (artifacts compiled from `zkrelay groth16 export-verifier`\n"
          "output by `node tools/solc-compile.js`), ZkLightClient, which trusts the\n"
          "checkpoint's header (number, hash, receiptsRoot) and validator list, and Inbox,\n"
          "which accepts messages of the source chain's Outbox. The second form deploys the\n"
          "Outbox on the source chain. The addresses are printed as one JSON object.\n"
          "\n"
          "options:\n"
          "  --dest-rpc URL            the destination chain's JSON-RPC endpoint\n"
          "  --rpc URL                 (outbox) the source chain's JSON-RPC endpoint\n"
          "  --key-file FILE           the deployer's secret key: 64 hex digits, mode 0600\n"
          "  --key-env VAR             ... or the environment variable holding it\n"
          "  --finality-verifier ART   compiled FinalityVerifier artifact (JSON with bytecode)\n"
          "  --inclusion-verifier ART  compiled InclusionVerifier artifact\n"
          "  --checkpoint FILE         the light client's checkpoint (as `zkrelay lc init`),\n"
          "                            with its \"header\"; consensus qbft or ibft2\n"
          "  --source-chain-id N       the source chain id (must equal the checkpoint's)\n"
          "  --outbox ADDR             the source chain's Outbox address\n"
          "  --dest-chain-id N         refuse to deploy unless the node reports chain N\n"
          "  --example-receiver        also deploy CrossChainCounter (the example dApp)\n"
          "  --artifacts DIR           ZkLightClient/Inbox/Outbox artifacts\n"
          "                            (default contracts-abi/build)\n"
          "  --out FILE                also write the JSON to FILE\n"
          "  --max-fee-gwei N          cap on maxFeePerGas (default 500)\n"
          "  --max-priority-gwei N     cap on maxPriorityFeePerGas (default 2)\n"
          "  --timeout SECONDS         wait at most this long for each receipt (default 300)\n"
          "  -h, --help                show this help\n"
          "\n"
          "The key never appears in any output; the deployer's address does.\n"
          "\n"
          "exit status: 0 deployed, 1 runtime failure (unreadable input, RPC error, chain id\n"
          "             mismatch, a reverted deployment), 2 usage error\n",
          f);
}

/* ---- argument parsing ---- */

/* A decimal uint64 without sign, spaces or leading zeros. */
static bool deploy_parse_u64(uint64_t *out, const char *s)
{
    if (!s || s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '\0')) return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return false;
    *out = (uint64_t)v;
    return true;
}

/* "0x" + 40 hex digits. */
static bool deploy_parse_addr(uint8_t out[20], const char *s)
{
    return s && strlen(s) == 42 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
           hex_decode_fixed(out, 20, s, NULL) == ZK_OK;
}

/* Reads the options every form shares into d (not the RPC). Prints why and
 * returns CLI_USAGE on a bad value. */
static int deploy_common_opts(deploy_ctx *d, const deploy_common *o)
{
    uint64_t fee = 500, tip = 2, timeout = 300;
    if (!!o->key_file == !!o->key_env) {
        fprintf(stderr, "%s: give exactly one of --key-file and --key-env\n", d->prog);
        return CLI_USAGE;
    }
    if (o->max_fee && (!deploy_parse_u64(&fee, o->max_fee) || fee == 0 || fee > 1000000)) {
        fprintf(stderr, "%s: --max-fee-gwei wants 1..1000000, got '%s'\n", d->prog, o->max_fee);
        return CLI_USAGE;
    }
    if (o->max_tip && (!deploy_parse_u64(&tip, o->max_tip) || tip > fee)) {
        fprintf(stderr, "%s: --max-priority-gwei wants 0..max fee, got '%s'\n", d->prog,
                o->max_tip);
        return CLI_USAGE;
    }
    if (o->timeout &&
        (!deploy_parse_u64(&timeout, o->timeout) || timeout == 0 || timeout > 86400)) {
        fprintf(stderr, "%s: --timeout wants 1..86400 seconds, got '%s'\n", d->prog, o->timeout);
        return CLI_USAGE;
    }
    d->caps.max_fee_cap = fee * GWEI;
    d->caps.priority_cap = tip * GWEI;
    /* A zero tip is never mined on a busy chain; 1 gwei (or the cap) is the floor. */
    d->caps.priority_floor = tip * GWEI < GWEI ? tip * GWEI : GWEI;
    d->timeout_s = (double)timeout;
    d->progress = isatty(STDERR_FILENO);
    return CLI_OK;
}

/* ---- chain access ---- */

/* Opens the node, checks its chain id against want (0: any), loads the key and
 * reads the deployer's next nonce. Prints why on failure. */
static int deploy_connect(deploy_ctx *d, const char *url, const deploy_common *o, uint64_t want)
{
    zk_errbuf err = {{0}, 0};
    rpc_options ro = rpc_options_default();
    /* An operator waits at a terminal: two quick retries, not a minute of backoff. */
    ro.max_retries = 2;
    ro.timeout_ms = 30000;
    d->ctx = ecdsa_context_new(&err);
    if (!d->ctx) {
        fprintf(stderr, "%s: %s\n", d->prog, err.msg);
        return CLI_FAILURE;
    }
    d->rpc = rpc_client_new(url, &ro, &err);
    if (!d->rpc) {
        fprintf(stderr, "%s: %s\n", d->prog, err.msg);
        return CLI_USAGE;
    }
    int rc = o->key_file ? keyfile_load(d->ctx, d->key, d->from, o->key_file, &err)
                         : keyfile_from_env(d->ctx, d->key, d->from, o->key_env, &err);
    if (rc) {
        fprintf(stderr, "%s: cannot load the deployer key: %s\n", d->prog, err.msg);
        return CLI_FAILURE;
    }
    /* Children of this process (none today) must not inherit the key. */
    if (o->key_env) unsetenv(o->key_env);
    if ((rc = rpc_eth_chain_id(d->rpc, &d->chain_id, &err))) {
        fprintf(stderr, "%s: cannot reach the node (eth_chainId): %s\n", d->prog, err.msg);
        return CLI_FAILURE;
    }
    if (want && d->chain_id != want) {
        fprintf(stderr, "%s: the node reports chain id %llu, not %llu: wrong RPC URL?\n", d->prog,
                (unsigned long long)d->chain_id, (unsigned long long)want);
        return CLI_FAILURE;
    }
    /* "pending" so that a transaction of ours still in the pool is not replaced. */
    if ((rc = rpc_eth_get_transaction_count(d->rpc, &d->nonce, d->from,
                                            rpc_block_tagged(RPC_BLOCK_PENDING), &err))) {
        fprintf(stderr, "%s: eth_getTransactionCount: %s\n", d->prog, err.msg);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

/* Explains why a creation would revert: eth_simulateV1 hands back the revert data
 * (anvil and recent geth/Besu have it), decoded with the bridge's custom errors. */
static void deploy_explain_revert(deploy_ctx *d, const uint8_t *init, size_t len, const char *what)
{
    rpc_tx_call call = {d->from, NULL, NULL, init, len, 0};
    uint8_t *out = NULL;
    size_t out_len = 0;
    bool reverted = false;
    zk_errbuf err = {{0}, 0};
    if (rpc_eth_call_revert(d->rpc, &out, &out_len, &reverted, &call,
                            rpc_block_tagged(RPC_BLOCK_LATEST), &err) != ZK_OK ||
        !reverted) {
        free(out);
        return;
    }
    const bridge_abi_error *be = bridge_abi_error_find(out, out_len);
    abi_revert r;
    char text[320];
    if (be) {
        fprintf(stderr, "%s: %s's constructor reverts with %s\n", d->prog, what, be->signature);
    } else if (abi_revert_decode(&r, out, out_len, NULL) == ZK_OK) {
        abi_revert_format(text, sizeof(text), &r);
        fprintf(stderr, "%s: %s's constructor reverts: %s\n", d->prog, what, text);
    }
    free(out);
}

/* Waits for the receipt of hash. Returns a new reference, or NULL after printing why. */
static json_t *deploy_wait_receipt(deploy_ctx *d, const uint8_t hash[32], const char *what)
{
    zk_errbuf err = {{0}, 0};
    double t0 = deploy_now_s();
    long wait_ms = 100;
    for (;;) {
        json_t *r = NULL;
        int rc = rpc_eth_get_transaction_receipt(d->rpc, &r, hash, &err);
        if (rc == ZK_OK) return r;
        if (rc != ZK_ERR_NOTFOUND) {
            fprintf(stderr, "%s: %s: eth_getTransactionReceipt: %s\n", d->prog, what, err.msg);
            return NULL;
        }
        if (deploy_now_s() - t0 > d->timeout_s) {
            char h[67];
            hex_encode(h, hash, 32, true);
            fprintf(stderr,
                    "%s: %s: transaction %s not mined within %.0f s (fees too low? see "
                    "--max-fee-gwei; nonce %llu)\n",
                    d->prog, what, h, d->timeout_s, (unsigned long long)d->nonce);
            return NULL;
        }
        deploy_sleep_ms(wait_ms);
        if (wait_ms < 1000) wait_ms *= 2;
    }
}

/* True when addr holds code at the latest block. */
static bool deploy_has_code(deploy_ctx *d, const uint8_t addr[20], zk_errbuf *err)
{
    char a[43];
    hex_encode(a, addr, 20, true);
    json_t *res = NULL;
    if (rpc_call(d->rpc, &res, "eth_getCode", json_pack("[s,s]", a, "latest"), err) != ZK_OK)
        return false;
    bool has = json_is_string(res) && json_string_length(res) > 2;
    json_decref(res);
    return has;
}

/* Deploys init = code || args in one signed transaction and waits for it.
 * Out: res. Prints why and returns CLI_FAILURE on any failure. */
static int deploy_create(deploy_ctx *d, deploy_result *res, const char *what, const zk_buf *code,
                         const zk_buf *args)
{
    zk_errbuf err = {{0}, 0};
    zk_buf init, raw;
    buf_init(&init, 0);
    buf_init(&raw, TX_MAX_RAW);
    json_t *history = NULL, *receipt = NULL;
    int rc = CLI_FAILURE;
    uint64_t gas = 0;
    fees_pair fees;
    uint8_t hash[32];
    if (buf_append(&init, code->data, code->len) ||
        (args->len && buf_append(&init, args->data, args->len))) {
        fprintf(stderr, "%s: out of memory\n", d->prog);
        goto out;
    }
    if (d->progress) fprintf(stderr, "deploying %s...\n", what);
    rpc_tx_call call = {d->from, NULL, NULL, init.data, init.len, 0};
    if (rpc_eth_estimate_gas(d->rpc, &gas, &call, &err) != ZK_OK) {
        fprintf(stderr, "%s: %s: eth_estimateGas failed: %s\n", d->prog, what, err.msg);
        deploy_explain_revert(d, init.data, init.len, what);
        goto out;
    }
    /* 20 % headroom: estimates are taken at the latest block, mined in the next. */
    gas += gas / 5;
    static const double pct[1] = {50.0};
    if (rpc_eth_fee_history(d->rpc, &history, 5, rpc_block_tagged(RPC_BLOCK_LATEST), pct, 1,
                            &err) != ZK_OK) {
        fprintf(stderr, "%s: eth_feeHistory failed (the chain must support EIP-1559): %s\n",
                d->prog, err.msg);
        goto out;
    }
    if (fees_suggest(&fees, history, &d->caps, &err) != ZK_OK) {
        fprintf(stderr, "%s: fees: %s\n", d->prog, err.msg);
        goto out;
    }
    tx_eip1559 tx;
    memset(&tx, 0, sizeof(tx));
    tx.chain_id = d->chain_id;
    tx.nonce = d->nonce;
    tx.max_priority_fee = fees.max_priority_fee;
    tx.max_fee = fees.max_fee;
    tx.gas_limit = gas;
    tx.create = true;
    tx.data = init.data;
    tx.data_len = init.len;
    if (tx_sign(d->ctx, &raw, hash, &tx, d->key, &err) != ZK_OK) {
        fprintf(stderr, "%s: %s: signing: %s\n", d->prog, what, err.msg);
        goto out;
    }
    uint8_t node_hash[32];
    if (rpc_eth_send_raw_transaction(d->rpc, node_hash, raw.data, raw.len, &err) != ZK_OK) {
        fprintf(stderr, "%s: %s: eth_sendRawTransaction: %s\n", d->prog, what, err.msg);
        goto out;
    }
    if (memcmp(node_hash, hash, 32) != 0) {
        fprintf(stderr, "%s: %s: the node reports another transaction hash than signed\n", d->prog,
                what);
        goto out;
    }
    d->nonce++;
    if (!(receipt = deploy_wait_receipt(d, hash, what))) goto out;
    bool ok = false;
    uint64_t price = 0;
    if (rpc_receipt_summary(&ok, &res->block, &res->gas_used, &price, receipt, &err) != ZK_OK) {
        fprintf(stderr, "%s: %s: %s\n", d->prog, what, err.msg);
        goto out;
    }
    char h[67];
    hex_encode(h, hash, 32, true);
    if (!ok) {
        fprintf(stderr,
                "%s: %s: the deployment %s reverted in block %llu (gas used %llu of %llu)\n",
                d->prog, what, h, (unsigned long long)res->block, (unsigned long long)res->gas_used,
                (unsigned long long)gas);
        goto out;
    }
    if (json_get_data_fixed(res->addr, 20, receipt, "contractAddress", &err) != ZK_OK) {
        fprintf(stderr, "%s: %s: receipt of %s: %s\n", d->prog, what, h, err.msg);
        goto out;
    }
    if (!deploy_has_code(d, res->addr, &err)) {
        fprintf(stderr, "%s: %s: no code at the new address after %s %s\n", d->prog, what, h,
                err.msg);
        goto out;
    }
    memcpy(res->tx, hash, 32);
    if (d->progress)
        fprintf(stderr, "  %s at block %llu, gas %llu\n", what, (unsigned long long)res->block,
                (unsigned long long)res->gas_used);
    rc = CLI_OK;
out:
    json_decref(history);
    json_decref(receipt);
    buf_clear(&init);
    buf_clear(&raw);
    return rc;
}

/* ---- inputs ---- */

/* Reads a compiled artifact's "bytecode" into code. A path without '/' names
 * dir/<name>.json. Prints why on failure. */
static int deploy_load_artifact(const char *prog, zk_buf *code, const char *dir, const char *name)
{
    char path[1024];
    int n = strchr(name, '/') || !dir ? snprintf(path, sizeof(path), "%s", name)
                                      : snprintf(path, sizeof(path), "%s/%s.json", dir, name);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        fprintf(stderr, "%s: path too long: %s\n", prog, name);
        return CLI_FAILURE;
    }
    char *text = NULL;
    size_t len = 0;
    int rc = cli_read_input(&text, &len, path, DEPLOY_MAX_ARTIFACT);
    if (rc) return rc;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (!root) {
        fprintf(stderr, "%s: %s: invalid JSON at line %d: %s\n", prog, path, je.line, je.text);
        return CLI_FAILURE;
    }
    uint8_t *bytes = NULL;
    size_t blen = 0;
    zk_errbuf err = {{0}, 0};
    rc = CLI_FAILURE;
    if (json_get_data_alloc(&bytes, &blen, DEPLOY_MAX_CODE, root, "bytecode", &err) != ZK_OK)
        fprintf(stderr, "%s: %s: not a compiled artifact: %s\n", prog, path, err.msg);
    else if (blen == 0)
        fprintf(stderr, "%s: %s: empty bytecode (an interface or abstract contract?)\n", prog,
                path);
    else if (buf_append(code, bytes, blen) != ZK_OK)
        fprintf(stderr, "%s: out of memory\n", prog);
    else
        rc = CLI_OK;
    free(bytes);
    json_decref(root);
    return rc;
}

/* What the light client's constructor takes from the checkpoint. */
typedef struct deploy_checkpoint {
    uint64_t chain_id, number;
    uint8_t hash[32], receipts_root[32];
    size_t n_validators;
    uint8_t validators[VALSET_MAX][20]; /* the header's order: the commitment's order */
} deploy_checkpoint;

/* Reads and checks the checkpoint (lc_checkpoint_from_json: the header hashes to
 * "hash"), then takes the validator list from the header's extraData, where the
 * order the commitment hashes is fixed, and requires it to be the checkpoint's set. */
static int deploy_read_checkpoint(const char *prog, deploy_checkpoint *out, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cli_read_input(&text, &len, path, DEPLOY_MAX_CHECKPOINT);
    if (rc) return rc;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (!root) {
        fprintf(stderr, "%s: %s: invalid JSON at line %d: %s\n", prog, path, je.line, je.text);
        return CLI_FAILURE;
    }
    lc_checkpoint_file *cpf = malloc(sizeof(*cpf));
    bft_extra *x = malloc(sizeof(*x));
    valset *hs = malloc(sizeof(*hs));
    zk_errbuf err = {{0}, 0};
    bool parsed = false;
    rc = CLI_FAILURE;
    if (!cpf || !x || !hs) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto out;
    }
    if (lc_checkpoint_from_json(cpf, root, &err) != ZK_OK) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, err.msg);
        goto out;
    }
    parsed = true;
    const lc_checkpoint *cp = &cpf->cp;
    if (cp->consensus == LC_CLIQUE) {
        fprintf(stderr, "%s: %s: a Clique checkpoint; the finality circuit proves QBFT/IBFT 2.0\n",
                prog, path);
        goto out;
    }
    if (!cpf->has_header) {
        fprintf(stderr,
                "%s: %s: no \"header\": the light client contract needs the checkpoint's "
                "receiptsRoot and validator order\n",
                prog, path);
        goto out;
    }
    bft_flavor f = cp->consensus == LC_QBFT ? BFT_QBFT : BFT_IBFT2;
    if (bft_extra_decode(x, f, cpf->header.extra_data, cpf->header.extra_len, &err) != ZK_OK) {
        fprintf(stderr, "%s: %s: header extraData: %s\n", prog, path, err.msg);
        goto out;
    }
    if (valset_from_list(hs, (const uint8_t(*)[20])x->validators, x->n_validators, &err) != ZK_OK ||
        !valset_equal(hs, &cp->validators)) {
        fprintf(stderr,
                "%s: %s: \"validators\" is not the list in the header's extraData (%zu there)\n",
                prog, path, x->n_validators);
        goto out;
    }
    out->chain_id = cp->chain_id;
    out->number = cp->number;
    memcpy(out->hash, cp->hash, 32);
    memcpy(out->receipts_root, cpf->header.receipts_root, 32);
    out->n_validators = x->n_validators;
    memcpy(out->validators, x->validators, x->n_validators * 20);
    rc = CLI_OK;
out:
    if (parsed) lc_checkpoint_file_clear(cpf);
    free(cpf);
    free(x);
    free(hs);
    json_decref(root);
    return rc;
}

/* ---- output ---- */

static json_t *deploy_hex(const uint8_t *p, size_t n)
{
    char h[67];
    if (n > 32) return NULL;
    hex_encode(h, p, n, true);
    return json_string(h);
}

/* {"address", "transaction", "block", "gasUsed"} of one deployment. */
static json_t *deploy_result_json(const deploy_result *r)
{
    return json_pack("{s:o,s:o,s:I,s:I}", "address", deploy_hex(r->addr, 20), "transaction",
                     deploy_hex(r->tx, 32), "block", (json_int_t)r->block, "gasUsed",
                     (json_int_t)r->gas_used);
}

/* Prints doc on stdout and, when path is set, writes it to path through a
 * temporary file and a rename, so a reader never sees half a file. Steals doc. */
static int deploy_emit(const char *prog, json_t *doc, const char *path)
{
    int rc = CLI_FAILURE;
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    if (!text) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return CLI_FAILURE;
    }
    if (path) {
        char tmp[1024];
        int n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        FILE *f = n > 0 && (size_t)n < sizeof(tmp) ? fopen(tmp, "w") : NULL;
        bool ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
        if (f && fclose(f) != 0) ok = false;
        if (ok && rename(tmp, path) != 0) ok = false;
        if (!ok) {
            fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
            if (f) unlink(tmp);
            free(text);
            return CLI_FAILURE;
        }
    }
    if (puts(text) >= 0 && fflush(stdout) == 0) rc = CLI_OK;
    free(text);
    return rc;
}

static void deploy_ctx_clear(deploy_ctx *d)
{
    zk_wipe(d->key, sizeof(d->key));
    rpc_client_free(d->rpc);
    ecdsa_context_free(d->ctx);
    d->rpc = NULL;
    d->ctx = NULL;
}

/* ---- deploy outbox ---- */

static int deploy_outbox(int argc, char **argv)
{
    deploy_ctx d;
    memset(&d, 0, sizeof(d));
    d.prog = "zkrelay deploy outbox";
    if (cli_wants_help(argc, argv)) {
        deploy_usage(stdout);
        return CLI_OK;
    }
    deploy_common o;
    memset(&o, 0, sizeof(o));
    const char *url = NULL, *dir = NULL;
    const cli_opt opts[] = {
        {"--rpc", NULL, &url},
        {"--key-file", NULL, &o.key_file},
        {"--key-env", NULL, &o.key_env},
        {"--out", NULL, &o.out},
        {"--artifacts", NULL, &dir},
        {"--chain-id", NULL, &o.chain_id},
        {"--max-fee-gwei", NULL, &o.max_fee},
        {"--max-priority-gwei", NULL, &o.max_tip},
        {"--timeout", NULL, &o.timeout},
    };
    const char *pos[1];
    size_t n_pos = 0;
    int rc = cli_parse_argv(pos, &n_pos, 0, 0, d.prog, opts, sizeof(opts) / sizeof(*opts),
                            deploy_usage, argc, argv);
    if (rc) return rc;
    uint64_t want = 0;
    if (!url) {
        fprintf(stderr, "%s: --rpc URL is required\n", d.prog);
        return CLI_USAGE;
    }
    if (o.chain_id && (!deploy_parse_u64(&want, o.chain_id) || want == 0)) {
        fprintf(stderr, "%s: --chain-id wants a positive decimal number, got '%s'\n", d.prog,
                o.chain_id);
        return CLI_USAGE;
    }
    if ((rc = deploy_common_opts(&d, &o))) return rc;
    zk_buf code, args;
    buf_init(&code, 0);
    buf_init(&args, 0);
    deploy_result r;
    memset(&r, 0, sizeof(r));
    rc = deploy_load_artifact(d.prog, &code, dir ? dir : "contracts-abi/build", "Outbox");
    if (rc == CLI_OK && rpc_global_init() != ZK_OK) {
        fprintf(stderr, "%s: cannot initialise libcurl\n", d.prog);
        rc = CLI_FAILURE;
    }
    bool curl = rc == CLI_OK;
    if (rc == CLI_OK) rc = deploy_connect(&d, url, &o, want);
    if (rc == CLI_OK) rc = deploy_create(&d, &r, "Outbox", &code, &args);
    if (rc == CLI_OK) {
        json_t *doc =
            json_pack("{s:I,s:o,s:o,s:{s:o}}", "chainId", (json_int_t)d.chain_id, "deployer",
                      deploy_hex(d.from, 20), "outbox", deploy_hex(r.addr, 20), "transactions",
                      "outbox", deploy_result_json(&r));
        rc = deploy_emit(d.prog, doc, o.out);
    }
    deploy_ctx_clear(&d);
    buf_clear(&code);
    buf_clear(&args);
    if (curl) rpc_global_cleanup();
    return rc;
}

/* ---- deploy (destination) ---- */

/* The constructor arguments of ZkLightClient (contracts-abi/README.md):
 * (uint64 srcChainId, address finalityVerifier, uint64 checkpointNumber,
 *  bytes32 checkpointHash, bytes32 checkpointReceiptsRoot, address[] validators). */
static int deploy_lc_args(zk_buf *out, uint64_t src_chain, const uint8_t verifier[20],
                          const deploy_checkpoint *cp)
{
    abi_enc e;
    abi_enc_init(&e, 0);
    abi_enc_uint64(&e, src_chain);
    abi_enc_address(&e, verifier);
    abi_enc_uint64(&e, cp->number);
    abi_enc_bytes_fixed(&e, cp->hash, 32);
    abi_enc_bytes_fixed(&e, cp->receipts_root, 32);
    abi_enc_begin_array(&e);
    for (size_t i = 0; i < cp->n_validators; i++)
        abi_enc_address(&e, cp->validators[i]);
    abi_enc_end(&e);
    int rc = abi_enc_finish(&e, out, NULL);
    abi_enc_clear(&e);
    return rc;
}

/* Inbox: (uint64 srcChainId, uint64 dstChainId, address sourceOutbox,
 *         address lightClient, address inclusionVerifier). */
static int deploy_inbox_args(zk_buf *out, uint64_t src_chain, uint64_t dst_chain,
                             const uint8_t outbox[20], const uint8_t lc[20],
                             const uint8_t verifier[20])
{
    abi_enc e;
    abi_enc_init(&e, 0);
    abi_enc_uint64(&e, src_chain);
    abi_enc_uint64(&e, dst_chain);
    abi_enc_address(&e, outbox);
    abi_enc_address(&e, lc);
    abi_enc_address(&e, verifier);
    int rc = abi_enc_finish(&e, out, NULL);
    abi_enc_clear(&e);
    return rc;
}

int cli_deploy(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "outbox") == 0) return deploy_outbox(argc - 1, argv + 1);
    deploy_ctx d;
    memset(&d, 0, sizeof(d));
    d.prog = "zkrelay deploy";
    if (cli_wants_help(argc, argv)) {
        deploy_usage(stdout);
        return CLI_OK;
    }
    deploy_common o;
    memset(&o, 0, sizeof(o));
    const char *url = NULL, *fin_art = NULL, *inc_art = NULL, *cp_path = NULL, *src = NULL,
               *outbox_s = NULL, *dir = NULL;
    bool receiver = false;
    const cli_opt opts[] = {
        {"--dest-rpc", NULL, &url},
        {"--key-file", NULL, &o.key_file},
        {"--key-env", NULL, &o.key_env},
        {"--finality-verifier", NULL, &fin_art},
        {"--inclusion-verifier", NULL, &inc_art},
        {"--checkpoint", NULL, &cp_path},
        {"--source-chain-id", NULL, &src},
        {"--outbox", NULL, &outbox_s},
        {"--dest-chain-id", NULL, &o.chain_id},
        {"--example-receiver", &receiver, NULL},
        {"--artifacts", NULL, &dir},
        {"--out", NULL, &o.out},
        {"--max-fee-gwei", NULL, &o.max_fee},
        {"--max-priority-gwei", NULL, &o.max_tip},
        {"--timeout", NULL, &o.timeout},
    };
    const char *pos[1];
    size_t n_pos = 0;
    int rc = cli_parse_argv(pos, &n_pos, 0, 0, d.prog, opts, sizeof(opts) / sizeof(*opts),
                            deploy_usage, argc, argv);
    if (rc) return rc;
    static const char *const required[] = {"--dest-rpc",           "--finality-verifier",
                                           "--inclusion-verifier", "--checkpoint",
                                           "--source-chain-id",    "--outbox"};
    const char *const given[] = {url, fin_art, inc_art, cp_path, src, outbox_s};
    for (size_t i = 0; i < sizeof(given) / sizeof(*given); i++) {
        if (!given[i]) {
            fprintf(stderr, "%s: %s is required\n", d.prog, required[i]);
            deploy_usage(stderr);
            return CLI_USAGE;
        }
    }
    uint64_t src_chain = 0, want = 0;
    uint8_t outbox[20];
    if (!deploy_parse_u64(&src_chain, src) || src_chain == 0) {
        fprintf(stderr, "%s: --source-chain-id wants a positive decimal number, got '%s'\n", d.prog,
                src);
        return CLI_USAGE;
    }
    if (o.chain_id && (!deploy_parse_u64(&want, o.chain_id) || want == 0)) {
        fprintf(stderr, "%s: --dest-chain-id wants a positive decimal number, got '%s'\n", d.prog,
                o.chain_id);
        return CLI_USAGE;
    }
    if (!deploy_parse_addr(outbox, outbox_s)) {
        fprintf(stderr, "%s: --outbox wants a 0x-prefixed 20-byte address, got '%s'\n", d.prog,
                outbox_s);
        return CLI_USAGE;
    }
    if ((rc = deploy_common_opts(&d, &o))) return rc;

    const char *adir = dir ? dir : "contracts-abi/build";
    deploy_checkpoint *cp = malloc(sizeof(*cp));
    zk_buf code[5], args;
    deploy_result r[5];
    static const char *const names[5] = {"FinalityVerifier", "InclusionVerifier", "ZkLightClient",
                                         "Inbox", "CrossChainCounter"};
    bool curl = false;
    for (size_t i = 0; i < 5; i++)
        buf_init(&code[i], 0);
    buf_init(&args, 0);
    memset(r, 0, sizeof(r));
    rc = CLI_FAILURE;
    if (!cp) {
        fprintf(stderr, "%s: out of memory\n", d.prog);
        goto out;
    }
    /* Every local input is read and checked before the first transaction. */
    if ((rc = deploy_read_checkpoint(d.prog, cp, cp_path))) goto out;
    if (cp->chain_id != src_chain) {
        fprintf(stderr,
                "%s: --source-chain-id %llu but the checkpoint is of chain %llu: wrong "
                "checkpoint?\n",
                d.prog, (unsigned long long)src_chain, (unsigned long long)cp->chain_id);
        rc = CLI_FAILURE;
        goto out;
    }
    if ((rc = deploy_load_artifact(d.prog, &code[0], NULL, fin_art)) ||
        (rc = deploy_load_artifact(d.prog, &code[1], NULL, inc_art)) ||
        (rc = deploy_load_artifact(d.prog, &code[2], adir, names[2])) ||
        (rc = deploy_load_artifact(d.prog, &code[3], adir, names[3])) ||
        (receiver && (rc = deploy_load_artifact(d.prog, &code[4], adir, names[4]))))
        goto out;
    if (rpc_global_init() != ZK_OK) {
        fprintf(stderr, "%s: cannot initialise libcurl\n", d.prog);
        rc = CLI_FAILURE;
        goto out;
    }
    curl = true;
    if ((rc = deploy_connect(&d, url, &o, want))) goto out;
    /* The verifiers first: the light client and the Inbox check their code. */
    if ((rc = deploy_create(&d, &r[0], names[0], &code[0], &args)) ||
        (rc = deploy_create(&d, &r[1], names[1], &code[1], &args)))
        goto out;
    rc = CLI_FAILURE;
    if (deploy_lc_args(&args, src_chain, r[0].addr, cp) != ZK_OK) {
        fprintf(stderr, "%s: out of memory\n", d.prog);
        goto out;
    }
    if ((rc = deploy_create(&d, &r[2], names[2], &code[2], &args))) goto out;
    args.len = 0;
    rc = CLI_FAILURE;
    if (deploy_inbox_args(&args, src_chain, d.chain_id, outbox, r[2].addr, r[1].addr) != ZK_OK) {
        fprintf(stderr, "%s: out of memory\n", d.prog);
        goto out;
    }
    if ((rc = deploy_create(&d, &r[3], names[3], &code[3], &args))) goto out;
    args.len = 0;
    if (receiver) {
        rc = CLI_FAILURE;
        abi_enc e;
        abi_enc_init(&e, 0);
        abi_enc_address(&e, r[3].addr);
        int erc = abi_enc_finish(&e, &args, NULL);
        abi_enc_clear(&e);
        if (erc != ZK_OK) {
            fprintf(stderr, "%s: out of memory\n", d.prog);
            goto out;
        }
        if ((rc = deploy_create(&d, &r[4], names[4], &code[4], &args))) goto out;
    }

    uint8_t commit[32];
    bridge_abi_validator_commitment(commit, (const uint8_t(*)[20])cp->validators, cp->n_validators);
    json_t *txs = json_pack("{s:o,s:o,s:o,s:o}", "finalityVerifier", deploy_result_json(&r[0]),
                            "inclusionVerifier", deploy_result_json(&r[1]), "lightClient",
                            deploy_result_json(&r[2]), "inbox", deploy_result_json(&r[3]));
    json_t *doc =
        json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:I,s:o,s:o,s:I,s:o}}", "chainId",
                  (json_int_t)d.chain_id, "sourceChainId", (json_int_t)src_chain, "deployer",
                  deploy_hex(d.from, 20), "outbox", deploy_hex(outbox, 20), "finalityVerifier",
                  deploy_hex(r[0].addr, 20), "inclusionVerifier", deploy_hex(r[1].addr, 20),
                  "lightClient", deploy_hex(r[2].addr, 20), "inbox", deploy_hex(r[3].addr, 20),
                  "checkpoint", "number", (json_int_t)cp->number, "hash", deploy_hex(cp->hash, 32),
                  "receiptsRoot", deploy_hex(cp->receipts_root, 32), "validators",
                  (json_int_t)cp->n_validators, "validatorSetCommitment", deploy_hex(commit, 32));
    if (doc && txs && receiver) {
        json_object_set_new(doc, "exampleReceiver", deploy_hex(r[4].addr, 20));
        json_object_set_new(txs, "exampleReceiver", deploy_result_json(&r[4]));
    }
    if (doc && txs) json_object_set(doc, "transactions", txs);
    json_decref(txs);
    rc = deploy_emit(d.prog, doc, o.out);
out:
    deploy_ctx_clear(&d);
    for (size_t i = 0; i < 5; i++)
        buf_clear(&code[i]);
    buf_clear(&args);
    free(cp);
    if (curl) rpc_global_cleanup();
    return rc;
}
