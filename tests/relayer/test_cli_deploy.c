/* `zkrelay deploy` (relayer/cli_deploy.c) against a real anvil with the devnet QBFT
 * sealer ($ZK_DEVNET_BIN) in front of it: the Outbox deployed through the sealer, the
 * destination contracts deployed from the sealer's checkpoint with generated and
 * compiled Groth16 verifiers; the deployed state read back with eth_call; usage errors,
 * an unreachable node, wrong chain ids, a tampered checkpoint, an open key file and bad
 * artifacts refused with clear messages and before any transaction is sent.
 *
 * The command runs in a forked child of this test (cli_deploy from libzkrelay.a), its
 * stdout and stderr captured, so it is tested whether or not bin/zkrelay dispatches it. */
#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "contracts/bridge_env.h"
#include "relayer/cli.h"
#include "relayer/cli.h"

/* anvil's first dev account: a PUBLIC test key, printed by every anvil. */
#define DEV_KEY  "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define DEV_ADDR "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"

static bridge_env env; /* its anvil, and the stand-in circuits' verifiers */
static char fin_json[1024], inc_json[1024];
static pid_t sealer_pid;
static char sealer_url[64];
static rpc_client *sealer_rpc;
static char key_path[512], cp_path[512], outbox_hex[43];
static json_t *checkpoint; /* the sealer's checkpoint object */
static bool ready;

typedef struct run_out {
    int status;
    char *out, *err;
} run_out;

/* Runs cli_deploy(argv) in a child with stdout/stderr captured. */
static run_out run_deploy(const char *const *args)
{
    run_out r = {-1, NULL, NULL};
    char op[512], ep[512];
    snprintf(op, sizeof(op), "%s", th_tmp_path("deploy.out"));
    snprintf(ep, sizeof(ep), "%s", th_tmp_path("deploy.err"));
    char *argv[48];
    int argc = 0;
    argv[argc++] = (char *)"deploy";
    for (size_t i = 0; args[i] && argc < 47; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "r", stdin) || !freopen(op, "w", stdout) ||
            !freopen(ep, "w", stderr))
            _exit(126);
        /* exit, not _exit: the sanitizers' leak check runs at exit. */
        exit(cli_deploy(argc, argv));
    }
    int st = 0;
    if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st)) r.status = WEXITSTATUS(st);
    r.out = th_read_text(op);
    r.err = th_read_text(ep);
    if (!r.out) r.out = calloc(1, 1);
    if (!r.err) r.err = calloc(1, 1);
    return r;
}

static void run_free(run_out *r)
{
    free(r->out);
    free(r->err);
}

/* The deployer's nonce at the latest block. */
static uint64_t deployer_nonce(void)
{
    uint8_t a[20];
    uint64_t n = UINT64_MAX;
    CHECK(hex_decode_fixed(a, 20, DEV_ADDR, NULL) == ZK_OK);
    CHECK(rpc_eth_get_transaction_count(env.c, &n, a, rpc_block_tagged(RPC_BLOCK_LATEST), NULL) ==
          ZK_OK);
    return n;
}

static bool has_code(const char *addr_hex)
{
    json_t *res = NULL;
    int rc = rpc_call(env.c, &res, "eth_getCode", json_pack("[s,s]", addr_hex, "latest"), NULL);
    bool has = rc == ZK_OK && json_is_string(res) && json_string_length(res) > 2;
    json_decref(res);
    return has;
}

/* eth_call of a view with an optional uint64 argument; one 32-byte word back. */
static bool view_word(uint8_t w[32], const char *addr_hex, const char *sig, bool has_arg,
                      uint64_t arg)
{
    uint8_t to[20], sel[4], data[36] = {0};
    if (hex_decode_fixed(to, 20, addr_hex, NULL) != ZK_OK) return false;
    be_selector(sel, sig);
    memcpy(data, sel, 4);
    if (has_arg) be64_store(data + 28, arg);
    uint8_t *out = NULL;
    size_t n = 0;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_eth_call(env.c, &out, &n, to, data, has_arg ? 36 : 4,
                          rpc_block_tagged(RPC_BLOCK_LATEST), &err);
    bool ok = rc == ZK_OK && n == 32;
    CHECK_MSG(ok, "%s at %s: rc %d (%s), %zu bytes", sig, addr_hex, rc, err.msg, n);
    if (ok) memcpy(w, out, 32);
    free(out);
    return ok;
}

static bool view_is_addr(const char *addr_hex, const char *sig, const char *want_hex)
{
    uint8_t w[32], want[32] = {0};
    if (!view_word(w, addr_hex, sig, false, 0)) return false;
    CHECK(hex_decode_fixed(want + 12, 20, want_hex, NULL) == ZK_OK);
    return memcmp(w, want, 32) == 0;
}

static uint64_t view_u64(const char *addr_hex, const char *sig)
{
    uint8_t w[32];
    if (!view_word(w, addr_hex, sig, false, 0)) return UINT64_MAX;
    return be64_load(w + 24);
}

/* ---- setup: verifiers, anvil, the sealer, key file, checkpoint ---- */

static bool sealer_start(void)
{
    const char *bin = getenv("ZK_DEVNET_BIN");
    if (!bin || access(bin, X_OK) != 0) {
        CHECK_MSG(false, "ZK_DEVNET_BIN not set or not executable (make check sets it)");
        return false;
    }
    uint16_t port = anvil_free_port();
    char listen[32], log[512];
    snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
    snprintf(log, sizeof(log), "%s", th_tmp_path("sealer.log"));
    pid_t parent = getpid();
    fflush(NULL);
    sealer_pid = fork();
    if (sealer_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        if (!freopen("/dev/null", "w", stdout) || !freopen(log, "a", stderr)) _exit(127);
        execl(bin, "zkrelay-devnet", "sealer", "--anvil", env.node.url, "--listen", listen,
              (char *)NULL);
        _exit(127);
    }
    snprintf(sealer_url, sizeof(sealer_url), "http://127.0.0.1:%u", port);
    rpc_options o = rpc_options_default();
    o.max_retries = 0;
    sealer_rpc = rpc_client_new(sealer_url, &o, NULL);
    uint64_t head = 0;
    double t0 = anvil_now_s();
    while (sealer_rpc && anvil_now_s() - t0 < 10.0) {
        if (rpc_eth_block_number(sealer_rpc, &head, NULL) == ZK_OK) return true;
        anvil_sleep_ms(50);
    }
    CHECK_MSG(false, "the sealer did not answer within 10 s");
    return false;
}

static void sealer_stop(void)
{
    rpc_client_free(sealer_rpc);
    sealer_rpc = NULL;
    if (sealer_pid <= 0) return;
    int st = 0;
    kill(sealer_pid, SIGTERM);
    waitpid(sealer_pid, &st, 0);
    sealer_pid = 0;
}

static bool write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) return false;
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n && fchmod(fd, mode) == 0;
    return close(fd) == 0 && ok;
}

static bool write_json(const char *path, const json_t *doc)
{
    char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    bool ok = s && write_text(path, s, 0644);
    free(s);
    return ok;
}

TEST(test_setup)
{
    memset(&env, 0, sizeof(env));
    if (!be_circuit_setup(&env.fin, 6) || !be_circuit_setup(&env.inc, 1)) return;
    if (!be_compile_verifiers(&env, fin_json, inc_json)) return;
    if (!test_anvil_start(&env.node, 20000)) return;
    env.c = env.node.c;
    if (!sealer_start()) return;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(sealer_rpc, &checkpoint, "devnet_checkpoint", NULL, &err);
    CHECK_MSG(rc == ZK_OK, "devnet_checkpoint: %s", err.msg);
    if (rc) return;
    snprintf(cp_path, sizeof(cp_path), "%s", th_tmp_path("checkpoint.json"));
    snprintf(key_path, sizeof(key_path), "%s", th_tmp_path("deployer.key"));
    CHECK(write_json(cp_path, checkpoint));
    CHECK(write_text(key_path, "0x" DEV_KEY "\n", 0600));
    ready = th.checks_failed == 0;
}

TEST(test_help)
{
    static const char *const h1[] = {"--help", NULL};
    static const char *const h2[] = {"outbox", "-h", NULL};
    const char *const *cases[] = {h1, h2};
    for (size_t i = 0; i < 2; i++) {
        CASE_BEGIN("help %zu", i);
        run_out r = run_deploy(cases[i]);
        CHECK_EQ_INT(r.status, CLI_OK);
        CHECK(strstr(r.out, "usage: zkrelay deploy --dest-rpc URL") != NULL);
        CHECK(strstr(r.out, "zkrelay deploy outbox --rpc URL") != NULL);
        CHECK(strstr(r.out, "exit status") != NULL);
        CHECK(r.err[0] == '\0');
        run_free(&r);
        CASE_END();
    }
}

TEST(test_usage_errors)
{
    static const struct {
        const char *args[20];
        const char *want;
    } cases[] = {
        {{NULL}, "--dest-rpc is required"},
        {{"--bogus", NULL}, "unknown option '--bogus'"},
        {{"--dest-rpc", NULL}, "--dest-rpc needs a value"},
        {{"--dest-rpc", "http://127.0.0.1:1", "--finality-verifier", "f", "--inclusion-verifier",
          "i", "--checkpoint", "c", "--outbox", "0x00", NULL},
         "--source-chain-id is required"},
        {{"--dest-rpc", "http://127.0.0.1:1", "--finality-verifier", "f", "--inclusion-verifier",
          "i", "--checkpoint", "c", "--source-chain-id", "1", "--outbox", "0x1234", "--key-file",
          "k", NULL},
         "--outbox wants a 0x-prefixed 20-byte address"},
        {{"--dest-rpc", "http://127.0.0.1:1", "--finality-verifier", "f", "--inclusion-verifier",
          "i", "--checkpoint", "c", "--source-chain-id", "0x10", "--outbox",
          "0x0000000000000000000000000000000000000001", "--key-file", "k", NULL},
         "--source-chain-id wants a positive decimal"},
        {{"--dest-rpc", "http://127.0.0.1:1", "--finality-verifier", "f", "--inclusion-verifier",
          "i", "--checkpoint", "c", "--source-chain-id", "1", "--outbox",
          "0x0000000000000000000000000000000000000001", NULL},
         "exactly one of --key-file and --key-env"},
        {{"--dest-rpc", "http://127.0.0.1:1", "--finality-verifier", "f", "--inclusion-verifier",
          "i", "--checkpoint", "c", "--source-chain-id", "1", "--outbox",
          "0x0000000000000000000000000000000000000001", "--key-file", "k", "--key-env", "K", NULL},
         "exactly one of --key-file and --key-env"},
        {{"--dest-rpc", "http://127.0.0.1:1", "--finality-verifier", "f", "--inclusion-verifier",
          "i", "--checkpoint", "c", "--source-chain-id", "1", "--outbox",
          "0x0000000000000000000000000000000000000001", "--key-file", "k", "--max-fee-gwei", "0",
          NULL},
         "--max-fee-gwei wants"},
        {{"outbox", NULL}, "--rpc URL is required"},
        {{"outbox", "--rpc", "ftp://127.0.0.1:1", "--key-file", "k", NULL}, "http"},
        {{"outbox", "--rpc", "http://127.0.0.1:1", "--key-file", "k", "extra", NULL},
         "unexpected argument"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CASE_BEGIN("usage %zu: %s", i, cases[i].want);
        run_out r = run_deploy(cases[i].args);
        CHECK_EQ_INT(r.status, CLI_USAGE);
        CHECK_MSG(strstr(r.err, cases[i].want) != NULL, "stderr lacks '%s': %s", cases[i].want,
                  r.err);
        CHECK(r.out[0] == '\0');
        run_free(&r);
        CASE_END();
    }
}

TEST(test_deploy_outbox)
{
    if (!ready) {
        CHECK_MSG(false, "setup failed");
        return;
    }
    char out_path[512];
    snprintf(out_path, sizeof(out_path), "%s", th_tmp_path("outbox.json"));
    /* Through the sealer: the source chain the relayer sees, which proxies to anvil. */
    const char *args[] = {"outbox", "--rpc",  sealer_url,   "--key-file", key_path,
                          "--out",  out_path, "--chain-id", "31337",      NULL};
    run_out r = run_deploy(args);
    CHECK_MSG(r.status == CLI_OK, "exit %d: %s", r.status, r.err);
    json_t *doc = json_loads(r.out, JSON_REJECT_DUPLICATES, NULL);
    json_t *file = json_load_file(out_path, JSON_REJECT_DUPLICATES, NULL);
    CHECK(doc != NULL);
    CHECK(file != NULL && json_equal(doc, file));
    const char *addr = json_string_value(json_object_get(doc, "outbox"));
    CHECK(addr && strlen(addr) == 42);
    CHECK(th_streq(json_string_value(json_object_get(doc, "deployer")), DEV_ADDR));
    CHECK_EQ_INT(json_integer_value(json_object_get(doc, "chainId")), ANVIL_CHAIN_ID);
    if (addr) {
        snprintf(outbox_hex, sizeof(outbox_hex), "%s", addr);
        CHECK(has_code(addr));
        CHECK_EQ_INT(view_u64(addr, "srcChainId()"), ANVIL_CHAIN_ID);
        CHECK_EQ_INT(view_u64(addr, "nextNonce()"), 0);
    }
    const json_t *t = json_object_get(json_object_get(doc, "transactions"), "outbox");
    CHECK(json_integer_value(json_object_get(t, "gasUsed")) > 100000);
    json_decref(doc);
    json_decref(file);
    run_free(&r);
}

TEST(test_deploy_destination)
{
    if (!ready || !outbox_hex[0]) {
        CHECK_MSG(false, "setup or the outbox deployment failed");
        return;
    }
    char out_path[512];
    snprintf(out_path, sizeof(out_path), "%s", th_tmp_path("deployment.json"));
    CHECK(setenv("ZK_TEST_DEPLOY_KEY", DEV_KEY, 1) == 0);
    const char *args[] = {"--dest-rpc",
                          env.node.url,
                          "--key-env",
                          "ZK_TEST_DEPLOY_KEY",
                          "--finality-verifier",
                          fin_json,
                          "--inclusion-verifier",
                          inc_json,
                          "--checkpoint",
                          cp_path,
                          "--source-chain-id",
                          "31337",
                          "--outbox",
                          outbox_hex,
                          "--dest-chain-id",
                          "31337",
                          "--example-receiver",
                          "--out",
                          out_path,
                          NULL};
    run_out r = run_deploy(args);
    unsetenv("ZK_TEST_DEPLOY_KEY");
    CHECK_MSG(r.status == CLI_OK, "exit %d: %s", r.status, r.err);
    /* Neither output holds the key. */
    CHECK(strstr(r.out, DEV_KEY) == NULL && strstr(r.err, DEV_KEY) == NULL);
    json_t *doc = json_loads(r.out, JSON_REJECT_DUPLICATES, NULL);
    json_t *file = json_load_file(out_path, JSON_REJECT_DUPLICATES, NULL);
    CHECK(doc != NULL && file != NULL && json_equal(doc, file));
    static const char *const keys[] = {"finalityVerifier", "inclusionVerifier", "lightClient",
                                       "inbox", "exampleReceiver"};
    const char *a[5];
    bool all = doc != NULL;
    for (size_t i = 0; i < 5; i++) {
        a[i] = json_string_value(json_object_get(doc, keys[i]));
        CHECK_MSG(a[i] && strlen(a[i]) == 42, "no %s address", keys[i]);
        all = all && a[i] && strlen(a[i]) == 42;
        if (a[i]) CHECK_MSG(has_code(a[i]), "no code at %s", keys[i]);
        const json_t *t = json_object_get(json_object_get(doc, "transactions"), keys[i]);
        CHECK(th_streq(json_string_value(json_object_get(t, "address")), a[i]));
        CHECK(json_integer_value(json_object_get(t, "gasUsed")) > 21000);
    }
    if (all) {
        /* The light client's constructor state: the checkpoint's header and set. */
        const json_t *vals = json_object_get(checkpoint, "validators");
        size_t n = json_array_size(vals);
        uint8_t addrs[8][20], commit[32], w[32], hash[32], root[32];
        CHECK(n == 4);
        for (size_t i = 0; i < n && i < 8; i++)
            CHECK(hex_decode_fixed(addrs[i], 20, json_string_value(json_array_get(vals, i)),
                                   NULL) == ZK_OK);
        bridge_abi_validator_commitment(commit, (const uint8_t(*)[20])addrs, n < 8 ? n : 8);
        CHECK(view_word(w, a[2], "validatorSetCommitment()", false, 0) &&
              memcmp(w, commit, 32) == 0);
        CHECK(json_get_data_fixed(hash, 32, checkpoint, "hash", NULL) == ZK_OK);
        CHECK(json_get_data_fixed(root, 32, json_object_get(checkpoint, "header"), "receiptsRoot",
                                  NULL) == ZK_OK);
        CHECK(view_word(w, a[2], "headerHash(uint64)", true, 0) && memcmp(w, hash, 32) == 0);
        CHECK(view_word(w, a[2], "receiptsRoot(uint64)", true, 0) && memcmp(w, root, 32) == 0);
        CHECK_EQ_INT(view_u64(a[2], "checkpointNumber()"), 0);
        CHECK_EQ_INT(view_u64(a[2], "srcChainId()"), ANVIL_CHAIN_ID);
        CHECK_EQ_INT(view_u64(a[2], "frozen()"), 0);
        CHECK(view_is_addr(a[2], "finalityVerifier()", a[0]));
        const json_t *cpo = json_object_get(doc, "checkpoint");
        char ch[67];
        hex_encode(ch, commit, 32, true);
        CHECK(th_streq(json_string_value(json_object_get(cpo, "validatorSetCommitment")), ch));
        /* The Inbox points at the Outbox, the light client and the inclusion verifier. */
        CHECK(view_is_addr(a[3], "sourceOutbox()", outbox_hex));
        CHECK(view_is_addr(a[3], "lightClient()", a[2]));
        CHECK(view_is_addr(a[3], "inclusionVerifier()", a[1]));
        CHECK_EQ_INT(view_u64(a[3], "srcChainId()"), ANVIL_CHAIN_ID);
        CHECK_EQ_INT(view_u64(a[3], "dstChainId()"), ANVIL_CHAIN_ID);
        CHECK(view_is_addr(a[4], "inbox()", a[3]));
        CHECK_EQ_INT(view_u64(a[4], "messages()"), 0);
    }
    json_decref(doc);
    json_decref(file);
    run_free(&r);
}

/* Every one of these fails before any transaction: the deployer's nonce is unchanged. */
TEST(test_runtime_errors)
{
    if (!ready) {
        CHECK_MSG(false, "setup failed");
        return;
    }
    char bad_cp[512], no_header[512], short_set[512], open_key[512], dead_url[64];
    snprintf(bad_cp, sizeof(bad_cp), "%s", th_tmp_path("cp_bad_hash.json"));
    snprintf(no_header, sizeof(no_header), "%s", th_tmp_path("cp_no_header.json"));
    snprintf(short_set, sizeof(short_set), "%s", th_tmp_path("cp_short_set.json"));
    snprintf(open_key, sizeof(open_key), "%s", th_tmp_path("open.key"));
    snprintf(dead_url, sizeof(dead_url), "http://127.0.0.1:%u", anvil_free_port());
    /* A checkpoint whose hash lost one bit: the header no longer hashes to it. */
    json_t *cp = json_deep_copy(checkpoint);
    char h[67];
    snprintf(h, sizeof(h), "%s", json_string_value(json_object_get(cp, "hash")));
    h[65] = h[65] == '0' ? '1' : '0';
    json_object_set_new(cp, "hash", json_string(h));
    CHECK(write_json(bad_cp, cp));
    json_decref(cp);
    cp = json_deep_copy(checkpoint);
    json_object_del(cp, "header");
    CHECK(write_json(no_header, cp));
    json_decref(cp);
    cp = json_deep_copy(checkpoint);
    json_array_remove(json_object_get(cp, "validators"), 3);
    CHECK(write_json(short_set, cp));
    json_decref(cp);
    CHECK(write_text(open_key, DEV_KEY "\n", 0644));

    static const char *outbox = "0x0000000000000000000000000000000000000001";
    struct {
        const char *url, *cp, *src, *dest, *key, *fin, *want;
    } cases[] = {
        {dead_url, cp_path, "31337", NULL, key_path, fin_json, "cannot reach the node"},
        {env.node.url, cp_path, "31337", "1", key_path, fin_json, "reports chain id 31337, not 1"},
        {env.node.url, cp_path, "1", NULL, key_path, fin_json, "the checkpoint is of chain 31337"},
        {env.node.url, bad_cp, "31337", NULL, key_path, fin_json, "cp_bad_hash.json"},
        {env.node.url, no_header, "31337", NULL, key_path, fin_json, "no \"header\""},
        {env.node.url, short_set, "31337", NULL, key_path, fin_json,
         "not the list in the header's extraData"},
        {env.node.url, cp_path, "31337", NULL, open_key, fin_json, "mode 0644"},
        {env.node.url, cp_path, "31337", NULL, key_path, BE_ARTIFACTS "IMessageReceiver.json",
         "empty bytecode"},
        {env.node.url, cp_path, "31337", NULL, key_path, "/nonexistent/Verifier.json",
         "cannot open /nonexistent/Verifier.json"},
        {env.node.url, cp_path, "31337", NULL, key_path, cp_path, "not a compiled artifact"},
    };
    uint64_t nonce0 = deployer_nonce();
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CASE_BEGIN("runtime error %zu: %s", i, cases[i].want);
        const char *args[24] = {"--dest-rpc",
                                cases[i].url,
                                "--key-file",
                                cases[i].key,
                                "--finality-verifier",
                                cases[i].fin,
                                "--inclusion-verifier",
                                inc_json,
                                "--checkpoint",
                                cases[i].cp,
                                "--source-chain-id",
                                cases[i].src,
                                "--outbox",
                                outbox,
                                "--timeout",
                                "5"};
        size_t n = 16;
        if (cases[i].dest) {
            args[n++] = "--dest-chain-id";
            args[n++] = cases[i].dest;
        }
        args[n] = NULL;
        run_out r = run_deploy(args);
        CHECK_EQ_INT(r.status, CLI_FAILURE);
        CHECK_MSG(strstr(r.err, cases[i].want) != NULL, "stderr lacks '%s': %s", cases[i].want,
                  r.err);
        CHECK(r.out[0] == '\0');
        CHECK(strstr(r.err, DEV_KEY) == NULL);
        run_free(&r);
        CASE_END();
    }
    CHECK_EQ_INT(deployer_nonce(), nonce0);
}

static void teardown(void)
{
    sealer_stop();
    test_anvil_stop(&env.node);
    be_circuit_clear(&env.fin);
    be_circuit_clear(&env.inc);
    json_decref(checkpoint);
}

TEST_MAIN(RUN(test_setup); RUN(test_help); RUN(test_usage_errors); RUN(test_deploy_outbox);
          RUN(test_deploy_destination); RUN(test_runtime_errors); teardown())
