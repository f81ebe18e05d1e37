/* `zkrelay run` and `zkrelay status` through the built binary ($ZK_BIN): the
 * start-up checks with their documented exit codes (bad configuration, a key
 * file readable by others, an unreachable RPC, a wrong chain id against a real
 * anvil) and the queue printed from a message store.
 *
 * Then the whole pipeline of issue 7 on the devnet (test_daemon_e2e_pipeline):
 * anvil A + the QBFT sealer (1 validator), anvil B, the contracts deployed with
 * `zkrelay deploy`, three messages sent with `zkrelay-devnet send`; the relayer is
 * killed with SIGKILL while proving and again right after it submitted a delivery,
 * restarted, and then: every message is delivered exactly once (Inbox status, the
 * receiver's counters, one MessageDelivered log each), the relayer's account sent
 * exactly the transactions it needed (its nonce), the database agrees with the
 * chain, `zkrelay verify` accepts a bundle the run produced and rejects it with one
 * byte changed, and `zkrelay status` lists the messages confirmed.
 *
 * The circuits use the smallest parameters the devnet allows (1 validator, a
 * 679-byte header, depth 3, 704-byte receipts, 2 logs); their development keys are
 * made once with `zkrelay circuit export-r1cs` + `zkrelay groth16 setup --dev` and
 * cached under build/e2e-keys/<parameters>/ ($ZK_E2E_KEYS overrides the root). */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "harness.h"
#include "lightclient/bytes.h"
#include "lightclient/hex.h"
#include "relayer/abi.h"
#include "relayer/anvil.h"
#include "relayer/bridge_abi.h"
#include "relayer/msgstore.h"

static const char *key_path(mode_t mode)
{
    const char *p = th_tmp_path(mode == 0600 ? "relayer.key" : "open.key");
    const char *key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318\n";
    CHECK(th_write_file(p, key, strlen(key)));
    CHECK(chmod(p, mode) == 0);
    return p;
}

/* Writes a configuration for the given URLs and key file; returns its path. */
static const char *write_config(const char *src_url, uint64_t src_chain, const char *dst_url,
                                const char *keyfile, const char *extra)
{
    char text[4096];
    snprintf(text, sizeof(text),
             "{\"source\": {\"rpc\": [\"%s\"], \"chainId\": %llu,"
             " \"outbox\": \"0x5FbDB2315678afecb367f032d93F642f64180aa3\","
             " \"checkpoint\": \"cp.json\"},"
             " \"destination\": {\"rpc\": [\"%s\"], \"chainId\": 31337,"
             " \"lightClient\": \"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\","
             " \"inbox\": \"0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0\", \"keyFile\": \"%s\"},"
             " \"prover\": {\"finalityZkey\": \"f.zkey\", \"inclusionZkey\": \"i.zkey\"},"
             " \"database\": \"state\", \"metrics\": \"\"%s}",
             src_url, (unsigned long long)src_chain, dst_url, keyfile, extra);
    const char *p = th_tmp_path("relayer.json");
    CHECK(th_write_file(p, text, strlen(text)));
    return p;
}

static int run_cfg(const char *cfg, th_proc *out)
{
    const char *args[] = {"run", "--config", cfg, "--once"};
    *out = th_run_zkrelay(args, 4, NULL);
    CHECK(th_proc_sanitizer_clean(out));
    return out->status;
}

TEST(test_daemon_run_usage_and_config_errors)
{
    const char *a1[] = {"run"};
    th_proc p = th_run_zkrelay(a1, 1, NULL);
    CHECK_EQ_INT(p.status, 2);
    CHECK(strstr(p.err, "--config FILE is required") != NULL);
    th_proc_free(&p);
    const char *a2[] = {"run", "--help"};
    p = th_run_zkrelay(a2, 2, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(strstr(p.out, "exit status") != NULL);
    th_proc_free(&p);
    const char *a3[] = {"run", "--config", "/nonexistent.json", "--log-format", "xml"};
    p = th_run_zkrelay(a3, 5, NULL);
    CHECK_EQ_INT(p.status, 2);
    th_proc_free(&p);
    const char *a4[] = {"run", "--print-config-keys"};
    p = th_run_zkrelay(a4, 2, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(strstr(p.out, "destination.replaceAfterSeconds") != NULL);
    th_proc_free(&p);

    const char *kf = key_path(0600);
    CASE_BEGIN("unknown key: exit 2 naming it");
    CHECK_EQ_INT(run_cfg(write_config("http://127.0.0.1:1", 1337, "http://127.0.0.1:1", kf,
                                      ", \"pollIntervalMS\": 5"),
                         &p),
                 2);
    CHECK(strstr(p.err, "unknown key \"pollIntervalMS\"") != NULL);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("key file mode 0644: exit 2, key not printed");
    const char *open_kf = key_path(0644);
    CHECK_EQ_INT(
        run_cfg(write_config("http://127.0.0.1:1", 1337, "http://127.0.0.1:1", open_kf, ""), &p),
        2);
    CHECK(strstr(p.err, "mode 0644") != NULL);
    CHECK(strstr(p.err, "4c0883a6") == NULL && strstr(p.out, "4c0883a6") == NULL);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("unreachable RPC: exit 1");
    CHECK_EQ_INT(
        run_cfg(write_config("http://127.0.0.1:1", 1337, "http://127.0.0.1:1", kf, ""), &p), 1);
    CHECK(strstr(p.err, "no RPC URL answered") != NULL);
    th_proc_free(&p);
    CASE_END();
}

TEST(test_daemon_run_wrong_chain_id)
{
    test_anvil anvil;
    if (!test_anvil_start(&anvil, 20000)) return;
    const char *kf = key_path(0600);
    th_proc p;
    CASE_BEGIN("source chain id 1337 but the node serves 31337: exit 4");
    CHECK_EQ_INT(run_cfg(write_config(anvil.url, 1337, anvil.url, kf, ""), &p), 4);
    CHECK_MSG(strstr(p.err, "serves chain id 31337, the configuration says 1337") != NULL, "%s",
              p.err);
    /* the URL may carry a credential: never printed */
    CHECK(strstr(p.err, anvil.url) == NULL);
    th_proc_free(&p);
    CASE_END();
    CASE_BEGIN("chain ids right but no contract code: exit 4");
    CHECK_EQ_INT(run_cfg(write_config(anvil.url, 31337, anvil.url, kf, ""), &p), 4);
    CHECK_MSG(strstr(p.err, "source.outbox") != NULL && strstr(p.err, "no contract code"), "%s",
              p.err);
    th_proc_free(&p);
    CASE_END();
    test_anvil_stop(&anvil);
}

TEST(test_daemon_status)
{
    const char *db = th_tmp_path("statusdb");
    th_rm_tree(db);
    char dir[600];
    snprintf(dir, sizeof(dir), "%s", db);
    CHECK(mkdir(dir, 0700) == 0);
    char msgs[700];
    snprintf(msgs, sizeof(msgs), "%s/msgs", dir);
    msgstore *s = NULL;
    CHECK_EQ_INT(msgstore_open(&s, msgs, true, NULL), ZK_OK);
    if (!s) return;
    msgstore_batch *b = msgstore_batch_new(s);
    for (unsigned i = 0; i < 3; i++) {
        msg_record r;
        msg_record_init(&r);
        r.m[0] = (uint8_t)(0xa0 + i);
        r.nonce = i;
        r.block_number = 10 + i;
        r.state = i == 2 ? MSG_FAILED : MSG_SEEN;
        if (i == 2) snprintf(r.reason, sizeof(r.reason), "InvalidProof()");
        r.t_ms[MSG_SEEN] = 1000;
        CHECK_EQ_INT(msgstore_batch_put_msg(b, &r, 0, NULL), ZK_OK);
    }
    msgstore_batch_put_scan_height(b, 42);
    CHECK_EQ_INT(msgstore_batch_commit(b, NULL), ZK_OK);
    msgstore_batch_free(b);
    msgstore_close(s);

    const char *a1[] = {"status", "--db", dir};
    th_proc p = th_run_zkrelay(a1, 3, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(th_streq(th_out_line(p.out, "messages"), "3"));
    CHECK(th_streq(th_out_line(p.out, "seen"), "2"));
    CHECK(th_streq(th_out_line(p.out, "failed"), "1"));
    CHECK(th_streq(th_out_line(p.out, "scan height"), "42"));
    CHECK(th_streq(th_out_line(p.out, "next nonce"), "none"));
    CHECK(strstr(p.out, "reason=InvalidProof()") != NULL);
    CHECK(th_proc_sanitizer_clean(&p));
    th_proc_free(&p);

    const char *a2[] = {"status", "--db", dir, "--json"};
    p = th_run_zkrelay(a2, 4, NULL);
    CHECK_EQ_INT(p.status, 0);
    json_error_t je;
    json_t *o = json_loads(p.out, 0, &je);
    CHECK(o != NULL);
    if (o) {
        CHECK_EQ_INT(json_integer_value(json_object_get(o, "messages")), 3);
        CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(o, "byState"), "seen")), 2);
        CHECK_EQ_INT(json_array_size(json_object_get(o, "queue")), 3);
        json_decref(o);
    }
    th_proc_free(&p);

    const char *a3[] = {"status", "--db", "/nonexistent/db"};
    p = th_run_zkrelay(a3, 3, NULL);
    CHECK_EQ_INT(p.status, 1);
    CHECK(strstr(p.err, "does not exist") != NULL);
    th_proc_free(&p);
    const char *a4[] = {"status"};
    p = th_run_zkrelay(a4, 1, NULL);
    CHECK_EQ_INT(p.status, 2);
    th_proc_free(&p);
}

/* ---- the pipeline on the devnet ------------------------------------------------------ */

/* anvil's dev accounts #0 (deployer, sender of the messages) and #1 (the relayer): PUBLIC
 * test keys printed by every anvil; they hold value on these local chains only. */
#define E2E_DEPLOYER_KEY "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define E2E_RELAYER_KEY  "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
#define E2E_RELAYER_ADDR "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
#define E2E_SRC_CHAIN    1337
#define E2E_DST_CHAIN    31337
#define E2E_N_MSGS       3
/* The circuits' parameters: the smallest the devnet's headers and receipts fit. */
#define E2E_FIN_DIR "finality-v1-h679"
#define E2E_INC_DIR "inclusion-d3-r704-l2"

typedef struct e2e {
    pid_t anvil_a, anvil_b, sealer, relayer;
    char url_a[64], url_b[64], url_src[64];
    rpc_client *src, *dst;
    char dir[512];  /* the run's scratch directory */
    char keys[512]; /* the key cache root */
    char outbox[43], light_client[43], inbox[43], receiver[43];
    char fin_dir[700], inc_dir[700]; /* the key cache directories in use */
    uint64_t nonces[E2E_N_MSGS];
    uint64_t blocks[E2E_N_MSGS];
    double t0;
} e2e;

static void e2e_progress(const e2e *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void e2e_progress(const e2e *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("  [e2e %6.1fs] ", anvil_now_s() - e->t0);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
}

/* Starts argv[0] (a path) with stdout/stderr to the given files; dies with the test. */
static pid_t e2e_spawn(const char *const *argv, const char *out_path, const char *err_path,
                       const char *cwd)
{
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        if (cwd && chdir(cwd) != 0) _exit(126);
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
        int er = open(err_path ? err_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (in < 0 || out < 0 || er < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(er, 2) < 0)
            _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Runs argv to completion; returns its exit status (-1 on a signal). */
static int e2e_run(const char *const *argv, const char *out_path, const char *err_path,
                   const char *cwd)
{
    pid_t pid = e2e_spawn(argv, out_path, err_path, cwd);
    int st = 0;
    if (pid <= 0 || waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void e2e_kill(pid_t *pid, int sig)
{
    if (*pid <= 0) return;
    int st;
    kill(*pid, sig);
    waitpid(*pid, &st, 0);
    *pid = 0;
}

static rpc_client *e2e_wait_node(const char *url, pid_t pid, const char *name)
{
    rpc_options o = rpc_options_default();
    o.max_retries = 0;
    o.timeout_ms = 20000;
    rpc_client *c = rpc_client_new(url, &o, NULL);
    double t0 = anvil_now_s();
    uint64_t id;
    while (c && anvil_now_s() - t0 < 20.0) {
        if (rpc_eth_chain_id(c, &id, NULL) == ZK_OK) return c;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) break;
        anvil_sleep_ms(100);
    }
    CHECK_MSG(false, "%s did not answer on %s", name, url);
    rpc_client_free(c);
    return NULL;
}

static pid_t e2e_anvil(char url[64], uint64_t chain, const char *block_time)
{
    const char *bin = getenv("ZK_ANVIL");
    uint16_t port = anvil_free_port();
    char port_s[8], chain_s[24];
    snprintf(port_s, sizeof(port_s), "%u", port);
    snprintf(chain_s, sizeof(chain_s), "%llu", (unsigned long long)chain);
    snprintf(url, 64, "http://127.0.0.1:%u", port);
    const char *argv[] = {bin,        "--host",   "127.0.0.1",
                          "--port",   port_s,     "--chain-id",
                          chain_s,    "--silent", block_time ? "--block-time" : NULL,
                          block_time, NULL};
    return e2e_spawn(argv, NULL, NULL, NULL);
}

static const char *e2e_path(const e2e *e, const char *name)
{
    /* A ring of buffers: a few paths may be live at once in one call's arguments. */
    static char p[16][1024];
    static int i;
    i = (i + 1) % 16;
    snprintf(p[i], sizeof(p[i]), "%s/%s", e->dir, name);
    return p[i];
}

/* The value of key in the JSON object file path (a string), copied to out. */
static bool e2e_json_str(char *out, size_t cap, const char *path, const char *key)
{
    json_t *o = json_load_file(path, 0, NULL);
    const char *v = json_string_value(json_object_get(o, key));
    bool ok = v && strlen(v) < cap;
    if (ok) snprintf(out, cap, "%s", v);
    json_decref(o);
    CHECK_MSG(ok, "%s has no string \"%s\"", path, key);
    return ok;
}

/* Makes (or reuses) the key, verification key and compiled verifier of one statement.
 * args: the circuit's parameters for `zkrelay circuit export-r1cs`. */
static bool e2e_key(e2e *e, const char *sub, const char *name, const char *contract,
                    const char *const *params, size_t n_params)
{
    char dir[700], r1cs[800], zkey[800], vk[800], sol[800], art[800], tmp[820];
    /* Keyed by the parameters AND the circuit's shape (`circuit info`): a circuit whose
     * code changed gets a new key instead of one the daemon would refuse. */
    const char *info[16] = {"circuit", "info", name};
    size_t ni = 3;
    for (size_t i = 0; i < n_params; i++)
        info[ni++] = params[i];
    info[ni++] = "--json";
    th_proc ip = th_run_zkrelay(info, ni, NULL);
    json_t *io = ip.status == 0 ? json_loads(ip.out, 0, NULL) : NULL;
    CHECK_MSG(io != NULL, "circuit info %s: %s", name, ip.err);
    snprintf(dir, sizeof(dir), "%s/%s-c%lld-w%lld", e->keys, sub,
             (long long)json_integer_value(json_object_get(io, "constraints")),
             (long long)json_integer_value(json_object_get(io, "variables")));
    json_decref(io);
    th_proc_free(&ip);
    snprintf(r1cs, sizeof(r1cs), "%s/%s.r1cs", dir, name);
    snprintf(zkey, sizeof(zkey), "%s/%s.zkey", dir, name);
    snprintf(vk, sizeof(vk), "%s/%s.vk.json", dir, name);
    snprintf(sol, sizeof(sol), "%s/%s.sol", dir, contract);
    snprintf(art, sizeof(art), "%s/%s.verifier.json", dir, name);
    mkdir(e->keys, 0755);
    mkdir(dir, 0755);
    if (access(zkey, R_OK) != 0 || access(vk, R_OK) != 0) {
        e2e_progress(e, "%s: no cached key in %s: export-r1cs + groth16 setup --dev (minutes)",
                     name, dir);
        const char *args[16] = {"circuit", "export-r1cs", name};
        size_t n = 3;
        for (size_t i = 0; i < n_params; i++)
            args[n++] = params[i];
        snprintf(tmp, sizeof(tmp), "%s.tmp", r1cs);
        args[n++] = tmp;
        th_proc p = th_run_zkrelay(args, n, NULL);
        CHECK_MSG(p.status == 0, "export-r1cs %s: %s", name, p.err);
        th_proc_free(&p);
        if (rename(tmp, r1cs) != 0) return false;
        char ztmp[820], vtmp[820];
        snprintf(ztmp, sizeof(ztmp), "%s.tmp", zkey);
        snprintf(vtmp, sizeof(vtmp), "%s.tmp", vk);
        const char *s[] = {"groth16", "setup", "--dev", r1cs, ztmp, "--vk", vtmp};
        p = th_run_zkrelay(s, 7, NULL);
        CHECK_MSG(p.status == 0, "setup %s: %s", name, p.err);
        th_proc_free(&p);
        if (rename(vtmp, vk) != 0 || rename(ztmp, zkey) != 0) return false;
        unlink(art);
    }
    if (access(art, R_OK) != 0) {
        const char *x[] = {"groth16", "export-verifier", "--name", contract, vk, sol};
        th_proc p = th_run_zkrelay(x, 6, NULL);
        CHECK_MSG(p.status == 0, "export-verifier %s: %s", name, p.err);
        th_proc_free(&p);
        char atmp[820];
        snprintf(atmp, sizeof(atmp), "%s.tmp", art);
        const char *node[] = {"/usr/bin/env", "node", "tools/solc-compile.js", sol, atmp, NULL};
        CHECK_EQ_INT(e2e_run(node, NULL, NULL, NULL), 0);
        if (rename(atmp, art) != 0) return false;
    }
    e2e_progress(e, "%s key ready (%s)", name, dir);
    snprintf(strcmp(name, "finality") == 0 ? e->fin_dir : e->inc_dir, 700, "%s", dir);
    return access(zkey, R_OK) == 0 && access(art, R_OK) == 0;
}

/* A view on chain B returning one word (uint64 argument when has_arg). */
static uint64_t e2e_view(const e2e *e, const char *addr, const char *sig, bool has_arg,
                         uint64_t arg)
{
    uint8_t to[20], data[36] = {0};
    if (hex_decode_fixed(to, 20, addr, NULL) != ZK_OK) return UINT64_MAX;
    abi_selector(data, sig);
    if (has_arg) be64_store(data + 28, arg);
    uint8_t *out = NULL;
    size_t n = 0;
    int rc = rpc_eth_call(e->dst, &out, &n, to, data, has_arg ? 36 : 4,
                          rpc_block_tagged(RPC_BLOCK_LATEST), NULL);
    uint64_t v = rc == ZK_OK && n == 32 ? be64_load(out + 24) : UINT64_MAX;
    free(out);
    return v;
}

static uint64_t e2e_relayer_nonce(const e2e *e)
{
    uint8_t a[20];
    uint64_t n = UINT64_MAX;
    if (hex_decode_fixed(a, 20, E2E_RELAYER_ADDR, NULL) == ZK_OK &&
        rpc_eth_get_transaction_count(e->dst, &n, a, rpc_block_tagged(RPC_BLOCK_LATEST), NULL) !=
            ZK_OK)
        n = UINT64_MAX;
    return n;
}

/* Starts the relayer in the run directory (log appended to relayer.log). */
static void e2e_relayer_start(e2e *e, bool exit_when_idle)
{
    const char *bin = getenv("ZK_BIN");
    const char *argv[] = {
        bin, "run", "--config", "relayer.json", exit_when_idle ? "--exit-when-idle" : NULL, NULL};
    e->relayer = e2e_spawn(argv, e2e_path(e, "relayer.out"), e2e_path(e, "relayer.log"), e->dir);
}

/* Waits until the relayer's log (from offset from) holds needle; false on timeout or exit. */
static bool e2e_wait_log(e2e *e, const char *needle, size_t from, double timeout_s)
{
    double t0 = anvil_now_s();
    while (anvil_now_s() - t0 < timeout_s) {
        char *log = th_read_text(e2e_path(e, "relayer.log"));
        bool hit = log && strlen(log) > from && strstr(log + from, needle) != NULL;
        free(log);
        if (hit) return true;
        int st;
        if (waitpid(e->relayer, &st, WNOHANG) == e->relayer) {
            e->relayer = 0;
            return false;
        }
        anvil_sleep_ms(100);
    }
    return false;
}

/* Prints the end of the relayer's log (after a failure: the scratch dir is removed). */
static void e2e_dump_log(const e2e *e)
{
    char *log = th_read_text(e2e_path(e, "relayer.log"));
    size_t n = log ? strlen(log) : 0;
    printf("  ---- relayer.log (last 4000 bytes) ----\n%s\n  ----\n",
           log ? log + (n > 4000 ? n - 4000 : 0) : "");
    free(log);
}

static size_t e2e_log_len(const e2e *e)
{
    char *log = th_read_text(e2e_path(e, "relayer.log"));
    size_t n = log ? strlen(log) : 0;
    free(log);
    return n;
}

static bool e2e_setup(e2e *e)
{
    static const char *const fin_params[] = {"--validators", "1", "--max-header", "679"};
    static const char *const inc_params[] = {"--depth", "3",          "--max-receipt",
                                             "704",     "--max-logs", "2"};
    if (!e2e_key(e, E2E_FIN_DIR, "finality", "FinalityVerifier", fin_params, 4) ||
        !e2e_key(e, E2E_INC_DIR, "inclusion", "InclusionVerifier", inc_params, 6))
        return false;
    /* Chain A: anvil + the QBFT sealer with one validator; its blocks every 2 s, so the
     * three messages, sent at once, share a block (one finality proof). */
    e->anvil_a = e2e_anvil(e->url_a, E2E_SRC_CHAIN, "2");
    e->anvil_b = e2e_anvil(e->url_b, E2E_DST_CHAIN, "1");
    rpc_client *a = e2e_wait_node(e->url_a, e->anvil_a, "anvil A");
    rpc_client_free(a);
    e->dst = e2e_wait_node(e->url_b, e->anvil_b, "anvil B");
    if (!a || !e->dst) return false;
    const char *devnet = getenv("ZK_DEVNET_BIN");
    uint16_t port = anvil_free_port();
    char listen[32];
    snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
    snprintf(e->url_src, sizeof(e->url_src), "http://%s", listen);
    const char *sargv[] = {devnet, "sealer",       "--anvil", e->url_a, "--listen",
                           listen, "--validators", "1",       NULL};
    e->sealer = e2e_spawn(sargv, NULL, e2e_path(e, "sealer.log"), NULL);
    e->src = e2e_wait_node(e->url_src, e->sealer, "the sealer");
    if (!e->src) return false;
    e2e_progress(e, "chains up: A %s (sealer %s), B %s", e->url_a, e->url_src, e->url_b);

    /* Contracts. */
    char dk[1024];
    snprintf(dk, sizeof(dk), "%s", e2e_path(e, "deployer.key"));
    CHECK(th_write_file(dk, "0x" E2E_DEPLOYER_KEY "\n", 67) && chmod(dk, 0600) == 0);
    const char *rk = e2e_path(e, "relayer.key");
    CHECK(th_write_file(rk, "0x" E2E_RELAYER_KEY "\n", 67) && chmod(rk, 0600) == 0);
    const char *zk = getenv("ZK_BIN");
    const char *ob[] = {zk,           "deploy",   "outbox",
                        "--rpc",      e->url_src, "--key-file",
                        dk,           "--out",    e2e_path(e, "outbox.json"),
                        "--chain-id", "1337",     NULL};
    if (e2e_run(ob, NULL, e2e_path(e, "deploy.log"), NULL) != 0) {
        char *log = th_read_text(e2e_path(e, "deploy.log"));
        CHECK_MSG(false, "zkrelay deploy outbox failed: %s", log ? log : "");
        free(log);
        return false;
    }
    if (!e2e_json_str(e->outbox, sizeof(e->outbox), e2e_path(e, "outbox.json"), "outbox"))
        return false;
    json_t *cp = NULL;
    CHECK_EQ_INT(rpc_call(e->src, &cp, "devnet_checkpoint", NULL, NULL), ZK_OK);
    CHECK(cp && json_dump_file(cp, e2e_path(e, "checkpoint.json"), JSON_INDENT(2)) == 0);
    json_decref(cp);
    char fin_art[800], inc_art[800];
    snprintf(fin_art, sizeof(fin_art), "%s/finality.verifier.json", e->fin_dir);
    snprintf(inc_art, sizeof(inc_art), "%s/inclusion.verifier.json", e->inc_dir);
    const char *dp[] = {zk,
                        "deploy",
                        "--dest-rpc",
                        e->url_b,
                        "--key-file",
                        dk,
                        "--finality-verifier",
                        fin_art,
                        "--inclusion-verifier",
                        inc_art,
                        "--checkpoint",
                        e2e_path(e, "checkpoint.json"),
                        "--source-chain-id",
                        "1337",
                        "--outbox",
                        e->outbox,
                        "--dest-chain-id",
                        "31337",
                        "--example-receiver",
                        "--out",
                        e2e_path(e, "deployment.json"),
                        NULL};
    if (e2e_run(dp, NULL, e2e_path(e, "deploy.log"), NULL) != 0) {
        char *log = th_read_text(e2e_path(e, "deploy.log"));
        CHECK_MSG(false, "zkrelay deploy failed: %s", log ? log : "");
        free(log);
        return false;
    }
    const char *dj = e2e_path(e, "deployment.json");
    if (!e2e_json_str(e->light_client, 43, dj, "lightClient") ||
        !e2e_json_str(e->inbox, 43, dj, "inbox") ||
        !e2e_json_str(e->receiver, 43, dj, "exampleReceiver"))
        return false;
    e2e_progress(e, "deployed: Outbox %s, ZkLightClient %s, Inbox %s, receiver %s", e->outbox,
                 e->light_client, e->inbox, e->receiver);

    /* The relayer's configuration. */
    char cfg[4096];
    int n = snprintf(
        cfg, sizeof(cfg),
        "{\"source\": {\"rpc\": [\"%s\"], \"chainId\": 1337, \"outbox\": \"%s\","
        " \"checkpoint\": \"checkpoint.json\"},"
        " \"destination\": {\"rpc\": [\"%s\"], \"chainId\": 31337, \"lightClient\": \"%s\","
        " \"inbox\": \"%s\", \"keyFile\": \"relayer.key\", \"confirmations\": 1,"
        " \"replaceAfterSeconds\": 60},"
        " \"prover\": {\"finalityZkey\": \"%s/finality.zkey\","
        " \"inclusionZkey\": \"%s/inclusion.zkey\", \"validators\": 1, \"maxHeaderLen\": 679,"
        " \"depth\": 3, \"maxReceipt\": 704, \"maxLogs\": 2, \"workers\": 1, \"threads\": 0},"
        " \"database\": \"state\", \"pollIntervalMs\": 300, \"metrics\": \"\"}",
        e->url_src, e->outbox, e->url_b, e->light_client, e->inbox, e->fin_dir, e->inc_dir);
    CHECK(n > 0 && (size_t)n < sizeof(cfg));
    CHECK(th_write_file(e2e_path(e, "relayer.json"), cfg, (size_t)n));
    return th.checks_failed == 0;
}

/* Sends the three messages at once (they land in one block of chain A). */
static bool e2e_send(e2e *e)
{
    const char *devnet = getenv("ZK_DEVNET_BIN");
    pid_t pids[E2E_N_MSGS];
    char out[E2E_N_MSGS][64], payload[E2E_N_MSGS][80];
    for (int i = 0; i < E2E_N_MSGS; i++) {
        snprintf(out[i], sizeof(out[i]), "send%d.json", i);
        /* 32-byte payloads: CrossChainCounter adds i + 1. */
        snprintf(payload[i], sizeof(payload[i]), "%064x", i + 1);
        const char *argv[] = {devnet,          "send",     "--rpc",          e->url_src,
                              "--outbox",      e->outbox,  "--receiver",     e->receiver,
                              "--payload-hex", payload[i], "--dst-chain-id", "31337",
                              "--json",        NULL};
        pids[i] = e2e_spawn(argv, e2e_path(e, out[i]), e2e_path(e, "send.log"), NULL);
    }
    bool ok = true;
    for (int i = 0; i < E2E_N_MSGS; i++) {
        int st = 0;
        ok = waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0 && ok;
    }
    CHECK_MSG(ok, "zkrelay-devnet send failed (see %s)", e2e_path(e, "send.log"));
    for (int i = 0; i < E2E_N_MSGS && ok; i++) {
        json_t *o = json_load_file(e2e_path(e, out[i]), 0, NULL);
        json_int_t nonce = json_integer_value(json_object_get(o, "nonce"));
        json_int_t blk = json_integer_value(json_object_get(o, "block"));
        ok = o && blk > 0;
        e->nonces[i] = (uint64_t)nonce;
        e->blocks[i] = (uint64_t)blk;
        json_decref(o);
    }
    CHECK(ok);
    return ok;
}

static size_t e2e_distinct_blocks(const e2e *e)
{
    size_t n = 0;
    for (int i = 0; i < E2E_N_MSGS; i++) {
        bool seen = false;
        for (int j = 0; j < i; j++)
            seen = seen || e->blocks[j] == e->blocks[i];
        n += !seen;
    }
    return n;
}

/* MessageDelivered logs of the Inbox for nonce (topic2). */
static size_t e2e_delivered_logs(const e2e *e, uint64_t nonce)
{
    uint8_t inbox[20], t2[32] = {0};
    if (hex_decode_fixed(inbox, 20, e->inbox, NULL) != ZK_OK) return SIZE_MAX;
    be64_store(t2 + 24, nonce);
    rpc_log_filter f;
    memset(&f, 0, sizeof(f));
    f.from = rpc_block_at(0);
    f.to = rpc_block_tagged(RPC_BLOCK_LATEST);
    f.address = inbox;
    f.topics[0] = bridge_abi_topic_message_delivered;
    f.topics[2] = t2;
    f.n_topics = 3;
    json_t *logs = NULL;
    if (rpc_eth_get_logs(e->dst, &logs, &f, NULL) != ZK_OK) return SIZE_MAX;
    size_t n = json_array_size(logs);
    json_decref(logs);
    return n;
}

static void e2e_check_chain(e2e *e)
{
    CASE_BEGIN("every message delivered exactly once (Inbox, receiver, logs)");
    for (int i = 0; i < E2E_N_MSGS; i++) {
        CHECK_EQ_INT(e2e_view(e, e->inbox, "status(uint64)", true, e->nonces[i]), 1);
        CHECK_EQ_INT(e2e_delivered_logs(e, e->nonces[i]), 1);
    }
    CHECK_EQ_INT(e2e_view(e, e->receiver, "messages()", false, 0), E2E_N_MSGS);
    CHECK_EQ_INT(e2e_view(e, e->receiver, "count()", false, 0), 1 + 2 + 3);
    CASE_END();

    CASE_BEGIN("no extra transaction from the relayer's account");
    /* One submitHeader per block holding messages, one deliver per message: a restart
     * that re-signed anything would show here. */
    size_t want = e2e_distinct_blocks(e) + E2E_N_MSGS;
    CHECK_EQ_INT(e2e_relayer_nonce(e), want);
    CASE_END();
}

/* The database after the run: every message confirmed, with a mined deliver tx. */
static int e2e_first_msg(void *arg, const msg_record *r)
{
    memcpy(arg, r->m, 32);
    return 1000; /* stop at the first */
}

static void e2e_check_db(e2e *e)
{
    CASE_BEGIN("zkrelay status lists the messages confirmed; their txs are mined (status 1)");
    const char *a1[] = {"status", "--db", e2e_path(e, "state"), "--json"};
    th_proc p = th_run_zkrelay(a1, 4, NULL);
    CHECK_EQ_INT(p.status, 0);
    json_t *o = json_loads(p.out, 0, NULL);
    CHECK(o != NULL);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(o, "byState"), "confirmed")),
                 E2E_N_MSGS);
    CHECK_EQ_INT(json_integer_value(json_object_get(o, "nextNonce")), e2e_relayer_nonce(e));
    const json_t *q = json_object_get(o, "queue");
    CHECK_EQ_INT(json_array_size(q), E2E_N_MSGS);
    for (size_t i = 0; i < json_array_size(q); i++) {
        const json_t *m = json_array_get(q, i);
        CHECK(th_streq(json_string_value(json_object_get(m, "state")), "confirmed"));
        const char *tx = json_string_value(json_object_get(m, "txHash"));
        uint8_t h[32];
        json_t *r = NULL;
        bool ok = tx && hex_decode_fixed(h, 32, tx, NULL) == ZK_OK &&
                  rpc_eth_get_transaction_receipt(e->dst, &r, h, NULL) == ZK_OK;
        CHECK_MSG(ok, "message %zu: its deliver tx %s is not on chain B", i, tx ? tx : "(none)");
        CHECK(ok && th_streq(json_string_value(json_object_get(r, "status")), "0x1"));
        json_decref(r);
    }
    json_decref(o);
    th_proc_free(&p);
    const char *a2[] = {"status", "--db", e2e_path(e, "state")};
    p = th_run_zkrelay(a2, 3, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(th_streq(th_out_line(p.out, "confirmed"), "3"));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("zkrelay verify accepts a bundle of the run, rejects it with one byte changed");
    char dir[1100];
    snprintf(dir, sizeof(dir), "%s/msgs", e2e_path(e, "state"));
    msgstore *s = NULL;
    CHECK_EQ_INT(msgstore_open(&s, dir, false, NULL), ZK_OK);
    uint8_t m[32] = {0};
    char *text = NULL;
    if (s) {
        CHECK_EQ_INT(msgstore_each(s, MSG_CONFIRMED, e2e_first_msg, m, NULL), 1000);
        CHECK_EQ_INT(msgstore_get_bundle(s, &text, m, NULL), ZK_OK);
    }
    msgstore_close(s);
    if (text) {
        const char *bp = e2e_path(e, "bundle.json");
        CHECK(th_write_file(bp, text, strlen(text)));
        char fvk[800], ivk[800];
        snprintf(fvk, sizeof(fvk), "%s/finality.vk.json", e->fin_dir);
        snprintf(ivk, sizeof(ivk), "%s/inclusion.vk.json", e->inc_dir);
        const char *v[] = {"verify", bp, "--finality-vk", fvk, "--inclusion-vk", ivk};
        p = th_run_zkrelay(v, 6, NULL);
        CHECK_MSG(p.status == 0, "verify: exit %d: %s%s", p.status, p.out, p.err);
        th_proc_free(&p);
        /* One hex digit of the receipt changed: the trie path no longer proves it. */
        char *r = strstr(text, "\"receipt\":\"0x");
        CHECK(r != NULL);
        if (r) {
            char *c = r + 13 + 40;
            *c = *c == '0' ? '1' : '0';
            const char *bad = e2e_path(e, "bundle-bad.json");
            CHECK(th_write_file(bad, text, strlen(text)));
            v[1] = bad;
            p = th_run_zkrelay(v, 6, NULL);
            CHECK_MSG(p.status == 3, "verify of the changed bundle: exit %d: %s", p.status, p.err);
            th_proc_free(&p);
        }
    }
    free(text);
    CASE_END();
}

TEST(test_daemon_e2e_pipeline)
{
    e2e E;
    memset(&E, 0, sizeof(E));
    e2e *e = &E;
    e->t0 = anvil_now_s();
    snprintf(e->dir, sizeof(e->dir), "%s", th_tmp_path("e2e"));
    th_rm_tree(e->dir);
    CHECK(mkdir(e->dir, 0700) == 0);
    const char *keys = getenv("ZK_E2E_KEYS");
    if (keys) {
        snprintf(e->keys, sizeof(e->keys), "%s", keys);
    } else {
        char cwd[400];
        CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
        snprintf(e->keys, sizeof(e->keys), "%s/build/e2e-keys", cwd);
    }
    bool ok = e2e_setup(e) && e2e_send(e);
    if (ok) {
        e2e_progress(e, "%d messages sent (nonces %" PRIu64 "..%" PRIu64 ", %zu block(s))",
                     E2E_N_MSGS, e->nonces[0], e->nonces[E2E_N_MSGS - 1], e2e_distinct_blocks(e));

        CASE_BEGIN("relayer killed with SIGKILL while proving");
        e2e_relayer_start(e, false);
        /* The proof starts once its key is loaded: kill it a few seconds into the proof. */
        ok = e2e_wait_log(e, "proving finality of block", 0, 120.0) &&
             e2e_wait_log(e, "finality proving key loaded", 0, 300.0);
        CHECK_MSG(ok, "the relayer never started a finality proof (log %s)",
                  e2e_path(e, "relayer.log"));
        if (!ok) e2e_dump_log(e);
        anvil_sleep_ms(4000);
        e2e_kill(&e->relayer, SIGKILL);
        e2e_progress(e, "killed during the finality proof");
        CASE_END();
    }
    if (ok) {
        CASE_BEGIN("restarted, killed with SIGKILL right after submitting a delivery");
        size_t from = e2e_log_len(e);
        e2e_relayer_start(e, false);
        ok = e2e_wait_log(e, "submitted m=", from, 900.0);
        CHECK_MSG(ok, "no delivery submitted (log %s)", e2e_path(e, "relayer.log"));
        if (!ok) e2e_dump_log(e);
        e2e_kill(&e->relayer, SIGKILL);
        e2e_progress(e, "killed right after a deliver was submitted");
        CASE_END();
    }
    if (ok) {
        CASE_BEGIN("restarted with --exit-when-idle: exits 0 once everything is confirmed");
        e2e_relayer_start(e, true);
        double t0 = anvil_now_s();
        int st = 0;
        bool done = false;
        while (anvil_now_s() - t0 < 900.0) {
            if (waitpid(e->relayer, &st, WNOHANG) == e->relayer) {
                done = true;
                e->relayer = 0;
                break;
            }
            anvil_sleep_ms(200);
        }
        CHECK_MSG(done && WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "the relayer did not exit 0 when idle (log %s)", e2e_path(e, "relayer.log"));
        ok = done && WIFEXITED(st) && WEXITSTATUS(st) == 0;
        if (!ok) e2e_dump_log(e);
        e2e_progress(e, "relayer idle and exited");
        CASE_END();
    }
    if (ok) {
        e2e_check_chain(e);
        e2e_check_db(e);
        char *log = th_read_text(e2e_path(e, "relayer.log"));
        CASE_BEGIN("the relayer's log shows no sanitizer report");
        th_proc pl = {0, log ? log : (char *)"", (char *)""};
        CHECK(th_proc_sanitizer_clean(&pl));
        CASE_END();
        free(log);
    }
    e2e_kill(&e->relayer, SIGKILL);
    e2e_kill(&e->sealer, SIGTERM);
    e2e_kill(&e->anvil_a, SIGTERM);
    e2e_kill(&e->anvil_b, SIGTERM);
    rpc_client_free(e->src);
    rpc_client_free(e->dst);
    e2e_progress(e, "done");
}

TEST_MAIN(RUN(test_daemon_run_usage_and_config_errors); RUN(test_daemon_run_wrong_chain_id);
          RUN(test_daemon_status); RUN(test_daemon_e2e_pipeline))
