/* The devnet of the end-to-end and reliability runs (tests/relayer/test_daemon_e2e.c,
 * tests/reliability/rel_*.c): anvil A + the QBFT sealer (1 validator) as the source chain,
 * anvil B as the destination, the contracts deployed with `zkrelay deploy`, messages sent
 * with `zkrelay-devnet send`, and the relayer (`zkrelay run`) started and killed by PID in
 * the run's scratch directory, plus the chain-side views the checks read (Inbox status,
 * MessageDelivered logs, the relayer's account nonce).
 *
 * The circuits use the smallest parameters the devnet allows (1 validator, a 679-byte
 * header, depth 3, 704-byte receipts, 2 logs); their development keys are made once with
 * `zkrelay circuit export-r1cs` + `zkrelay groth16 setup --dev` and cached under
 * build/e2e-keys/<parameters>-c<constraints>-w<variables>/ ($ZK_E2E_KEYS overrides the
 * root), so a circuit whose code changed gets new keys.
 *
 * Environment: $ZK_BIN (zkrelay), $ZK_DEVNET_BIN (zkrelay-devnet), $ZK_ANVIL (anvil); make
 * check sets all three. Header-only (static functions, each marked unused so an includer
 * may use some), on top of tests/harness.h: a failure is a CHECK failure of the running
 * test. */
#ifndef ZKRELAY_TESTS_RELAYER_DEVNET_ENV_H
#define ZKRELAY_TESTS_RELAYER_DEVNET_ENV_H

#include <errno.h>
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

#define DEVNET_FN static __attribute__((unused))

/* anvil.h's launcher is static and not every includer starts an anvil of its own. */
DEVNET_FN void e2e_uses_anvil_h(void)
{
    (void)test_anvil_start;
    (void)test_anvil_stop;
}

/* anvil's dev accounts #0 (deployer, sender of the messages) and #1 (the relayer): PUBLIC
 * test keys printed by every anvil; they hold value on these local chains only. */
#define E2E_DEPLOYER_KEY "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define E2E_RELAYER_KEY  "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
#define E2E_RELAYER_ADDR "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
#define E2E_SRC_CHAIN    1337
#define E2E_DST_CHAIN    31337
/* The most messages one run tracks. */
#define E2E_MAX_MSGS 64
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
    size_t n_msgs;                   /* messages sent so far */
    uint64_t nonces[E2E_MAX_MSGS];
    uint64_t blocks[E2E_MAX_MSGS];
    double t0;
} e2e;

static void e2e_progress(const e2e *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), unused));
DEVNET_FN void e2e_progress(const e2e *e, const char *fmt, ...)
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
DEVNET_FN pid_t e2e_spawn(const char *const *argv, const char *out_path, const char *err_path,
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
DEVNET_FN int e2e_run(const char *const *argv, const char *out_path, const char *err_path,
                      const char *cwd)
{
    pid_t pid = e2e_spawn(argv, out_path, err_path, cwd);
    int st = 0;
    if (pid <= 0 || waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

DEVNET_FN void e2e_kill(pid_t *pid, int sig)
{
    if (*pid <= 0) return;
    int st;
    kill(*pid, sig);
    waitpid(*pid, &st, 0);
    *pid = 0;
}

DEVNET_FN rpc_client *e2e_wait_node(const char *url, pid_t pid, const char *name)
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

DEVNET_FN pid_t e2e_anvil(char url[64], uint64_t chain, const char *block_time)
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

DEVNET_FN const char *e2e_path(const e2e *e, const char *name)
{
    /* A ring of buffers: a few paths may be live at once in one call's arguments. */
    static char p[16][1024];
    static int i;
    i = (i + 1) % 16;
    int n = snprintf(p[i], sizeof(p[i]), "%s/%s", e->dir, name);
    if (n < 0 || (size_t)n >= sizeof(p[i])) p[i][0] = 0; /* never a truncated path */
    return p[i];
}

/* The value of key in the JSON object file path (a string), copied to out. */
DEVNET_FN bool e2e_json_str(char *out, size_t cap, const char *path, const char *key)
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
DEVNET_FN bool e2e_key(e2e *e, const char *sub, const char *name, const char *contract,
                       const char *const *params, size_t n_params)
{
    char dir[700], r1cs_file_path[800], zkey[800], vk[800], sol[800], art[800], tmp[820];
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
    snprintf(r1cs_file_path, sizeof(r1cs_file_path), "%s/%s.r1cs", dir, name);
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
        snprintf(tmp, sizeof(tmp), "%s.tmp", r1cs_file_path);
        args[n++] = tmp;
        th_proc p = th_run_zkrelay(args, n, NULL);
        CHECK_MSG(p.status == 0, "export-r1cs %s: %s", name, p.err);
        th_proc_free(&p);
        if (rename(tmp, r1cs_file_path) != 0) return false;
        char ztmp[820], vtmp[820];
        snprintf(ztmp, sizeof(ztmp), "%s.tmp", zkey);
        snprintf(vtmp, sizeof(vtmp), "%s.tmp", vk);
        const char *s[] = {"groth16", "setup", "--dev", r1cs_file_path, ztmp, "--vk", vtmp};
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
DEVNET_FN uint64_t e2e_view(const e2e *e, const char *addr, const char *sig, bool has_arg,
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

DEVNET_FN uint64_t e2e_relayer_nonce(const e2e *e)
{
    uint8_t a[20];
    uint64_t n = UINT64_MAX;
    if (hex_decode_fixed(a, 20, E2E_RELAYER_ADDR, NULL) == ZK_OK &&
        rpc_eth_get_transaction_count(e->dst, &n, a, rpc_block_tagged(RPC_BLOCK_LATEST), NULL) !=
            ZK_OK)
        n = UINT64_MAX;
    return n;
}

/* Starts `zkrelay run --config relayer.json [opt]` in the run's directory (its log
 * appended to relayer.log). */
DEVNET_FN void e2e_relayer_start_opt(e2e *e, const char *opt)
{
    const char *bin = getenv("ZK_BIN");
    const char *argv[] = {bin, "run", "--config", "relayer.json", opt, NULL};
    e->relayer = e2e_spawn(argv, e2e_path(e, "relayer.out"), e2e_path(e, "relayer.log"), e->dir);
}

DEVNET_FN void e2e_relayer_start(e2e *e, bool exit_when_idle)
{
    e2e_relayer_start_opt(e, exit_when_idle ? "--exit-when-idle" : NULL);
}

/* Waits until the relayer's log (from offset from) holds needle; false on timeout or exit. */
DEVNET_FN bool e2e_wait_log(e2e *e, const char *needle, size_t from, double timeout_s)
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
DEVNET_FN void e2e_dump_log(const e2e *e)
{
    char *log = th_read_text(e2e_path(e, "relayer.log"));
    size_t n = log ? strlen(log) : 0;
    printf("  ---- relayer.log (last 4000 bytes) ----\n%s\n  ----\n",
           log ? log + (n > 4000 ? n - 4000 : 0) : "");
    free(log);
}

DEVNET_FN size_t e2e_log_len(const e2e *e)
{
    char *log = th_read_text(e2e_path(e, "relayer.log"));
    size_t n = log ? strlen(log) : 0;
    free(log);
    return n;
}

/* Makes the keys, starts anvil A + the sealer and anvil B, deploys the contracts and
 * writes the checkpoint. Returns false (with a CHECK failure) when any step fails. */
DEVNET_FN bool e2e_setup_chains(e2e *e)
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

    return th.checks_failed == 0;
}

/* Writes <dir>/relayer.json: the relayer reaches the source at src_url and the
 * destination at dst_url (NULL: the sealer and anvil B themselves: a fault proxy's URL
 * otherwise); extra is appended inside the destination object (e.g.
 * ", \"maxFeeGwei\": 5") and top_extra at the top level (e.g. ", \"metrics\": ..."),
 * either may be "". Returns false on a CHECK failure. */
DEVNET_FN bool e2e_write_config(e2e *e, const char *src_url, const char *dst_url,
                                const char *dst_extra, const char *top_extra)
{
    char cfg[4096];
    int n = snprintf(
        cfg, sizeof(cfg),
        "{\"source\": {\"rpc\": [\"%s\"], \"chainId\": 1337, \"outbox\": \"%s\","
        " \"checkpoint\": \"checkpoint.json\"},"
        " \"destination\": {\"rpc\": [\"%s\"], \"chainId\": 31337, \"lightClient\": \"%s\","
        " \"inbox\": \"%s\", \"keyFile\": \"relayer.key\", \"confirmations\": 1,"
        " \"replaceAfterSeconds\": 60%s},"
        " \"prover\": {\"finalityZkey\": \"%s/finality.zkey\","
        " \"inclusionZkey\": \"%s/inclusion.zkey\", \"validators\": 1, \"maxHeaderLen\": 679,"
        " \"depth\": 3, \"maxReceipt\": 704, \"maxLogs\": 2, \"workers\": 1, \"threads\": 0},"
        " \"database\": \"state\", \"pollIntervalMs\": 300%s}",
        src_url ? src_url : e->url_src, e->outbox, dst_url ? dst_url : e->url_b, e->light_client,
        e->inbox, dst_extra, e->fin_dir, e->inc_dir, top_extra);
    CHECK(n > 0 && (size_t)n < sizeof(cfg));
    CHECK(th_write_file(e2e_path(e, "relayer.json"), cfg, (size_t)n));
    return th.checks_failed == 0;
}

/* The e2e test's setup: the chains and contracts, the relayer straight on both nodes. */
DEVNET_FN bool e2e_setup(e2e *e)
{
    return e2e_setup_chains(e) && e2e_write_config(e, NULL, NULL, "", ", \"metrics\": \"\"");
}

/* Sends count more messages at once (they land in one block of chain A when chain A
 * seals every 2 s); message i carries the 32-byte payload i + 1 (CrossChainCounter adds
 * it). Their nonces and blocks are appended to e. */
DEVNET_FN bool e2e_send_batch(e2e *e, size_t count)
{
    const char *devnet = getenv("ZK_DEVNET_BIN");
    if (count > E2E_MAX_MSGS - e->n_msgs || count > 16) {
        CHECK_MSG(false, "e2e_send_batch: %zu messages is too many", count);
        return false;
    }
    pid_t pids[16];
    char out[16][64], payload[16][80];
    size_t first = e->n_msgs;
    for (size_t k = 0; k < count; k++) {
        size_t i = first + k;
        snprintf(out[k], sizeof(out[k]), "send%zu.json", i);
        snprintf(payload[k], sizeof(payload[k]), "%064zx", i + 1);
        const char *argv[] = {devnet,          "send",     "--rpc",          e->url_src,
                              "--outbox",      e->outbox,  "--receiver",     e->receiver,
                              "--payload-hex", payload[k], "--dst-chain-id", "31337",
                              "--json",        NULL};
        pids[k] = e2e_spawn(argv, e2e_path(e, out[k]), e2e_path(e, "send.log"), NULL);
    }
    bool ok = true;
    for (size_t k = 0; k < count; k++) {
        int st = 0;
        ok = waitpid(pids[k], &st, 0) == pids[k] && WIFEXITED(st) && WEXITSTATUS(st) == 0 && ok;
    }
    CHECK_MSG(ok, "zkrelay-devnet send failed (see %s)", e2e_path(e, "send.log"));
    for (size_t k = 0; k < count && ok; k++) {
        json_t *o = json_load_file(e2e_path(e, out[k]), 0, NULL);
        json_int_t nonce = json_integer_value(json_object_get(o, "nonce"));
        json_int_t blk = json_integer_value(json_object_get(o, "block"));
        ok = o && blk > 0;
        e->nonces[first + k] = (uint64_t)nonce;
        e->blocks[first + k] = (uint64_t)blk;
        json_decref(o);
    }
    CHECK(ok);
    if (ok) e->n_msgs += count;
    return ok;
}

/* Sends n messages at once (the e2e test's three). */
DEVNET_FN bool e2e_send(e2e *e, size_t n)
{
    return e2e_send_batch(e, n);
}

DEVNET_FN size_t e2e_distinct_blocks(const e2e *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_msgs; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen = seen || e->blocks[j] == e->blocks[i];
        n += !seen;
    }
    return n;
}

/* MessageDelivered logs of the Inbox for nonce (topic2). */
DEVNET_FN size_t e2e_delivered_logs(const e2e *e, uint64_t nonce)
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

/* Fills e for a run in the scratch directory th_tmp_path(name) (emptied first) with the
 * key cache root from $ZK_E2E_KEYS or <cwd>/build/e2e-keys. Returns false on a failure. */
DEVNET_FN bool e2e_init(e2e *e, const char *name)
{
    memset(e, 0, sizeof(*e));
    e->t0 = anvil_now_s();
    snprintf(e->dir, sizeof(e->dir), "%s", th_tmp_path(name));
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
    return th.checks_failed == 0;
}

/* Stops every process of the run (the relayer with SIGKILL, the nodes with SIGTERM) and
 * frees the clients. */
DEVNET_FN void e2e_stop(e2e *e)
{
    e2e_kill(&e->relayer, SIGKILL);
    e2e_kill(&e->sealer, SIGTERM);
    e2e_kill(&e->anvil_a, SIGTERM);
    e2e_kill(&e->anvil_b, SIGTERM);
    rpc_client_free(e->src);
    rpc_client_free(e->dst);
    e->src = e->dst = NULL;
}

/* The value of environment variable name (a decimal integer), or def when unset; a value
 * that is not a number, or outside [lo, hi], fails the run (CHECK) and gives def. */
DEVNET_FN uint64_t e2e_env_u64(const char *name, uint64_t def, uint64_t lo, uint64_t hi)
{
    const char *v = getenv(name);
    if (!v || !*v) return def;
    char *end = NULL;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    bool ok = errno == 0 && end && *end == 0 && x >= lo && x <= hi;
    CHECK_MSG(ok, "%s=%s: expected an integer in [%llu, %llu]", name, v, (unsigned long long)lo,
              (unsigned long long)hi);
    return ok ? (uint64_t)x : def;
}

/* What a reliability scenario counts; printed as one "rel-counters:" line that
 * tests/reliability/run.sh adds up into reliability-report.txt. */
typedef struct e2e_counters {
    uint64_t faults;             /* faults injected (proxy rules applied, node-side faults) */
    uint64_t kills;              /* SIGKILLs of the relayer */
    uint64_t messages;           /* messages sent */
    uint64_t lost;               /* sent, never delivered */
    uint64_t duplicated;         /* more than one MessageDelivered log */
    uint64_t extra_txs;          /* relayer transactions beyond the ones it needed */
    uint64_t forgeries;          /* forged headers tried (natively, in the circuit, on chain) */
    uint64_t forgeries_accepted; /* ... that any of them accepted */
    uint64_t alarms;             /* safety alarms raised as expected */
} e2e_counters;

DEVNET_FN void e2e_print_counters(const char *scenario, const e2e_counters *c)
{
    printf("rel-counters: scenario=%s faults=%" PRIu64 " kills=%" PRIu64 " messages=%" PRIu64
           " lost=%" PRIu64 " duplicated=%" PRIu64 " extra_txs=%" PRIu64 " forgeries=%" PRIu64
           " forgeries_accepted=%" PRIu64 " alarms=%" PRIu64 " checks_failed=%d\n",
           scenario, c->faults, c->kills, c->messages, c->lost, c->duplicated, c->extra_txs,
           c->forgeries, c->forgeries_accepted, c->alarms, th.failed);
    fflush(stdout);
}

/* Counts lost and duplicated messages on chain B (Inbox.status(nonce) == 1 and exactly one
 * MessageDelivered log per nonce) into c, and the relayer's transactions beyond
 * want_txs; one CHECK per rule. */
DEVNET_FN void e2e_count_delivery(e2e *e, e2e_counters *c, uint64_t want_txs)
{
    for (size_t i = 0; i < e->n_msgs; i++) {
        uint64_t st = e2e_view(e, e->inbox, "status(uint64)", true, e->nonces[i]);
        size_t logs = e2e_delivered_logs(e, e->nonces[i]);
        CHECK_MSG(st == 1, "message nonce %" PRIu64 ": Inbox status %" PRIu64 ", expected 1",
                  e->nonces[i], st);
        CHECK_MSG(logs == 1, "message nonce %" PRIu64 ": %zu MessageDelivered logs", e->nonces[i],
                  logs);
        if (st != 1 || logs == 0) c->lost++;
        if (logs > 1 && logs != SIZE_MAX) c->duplicated++;
    }
    uint64_t n = e2e_relayer_nonce(e);
    CHECK_MSG(n == want_txs, "the relayer sent %" PRIu64 " transactions, it needed %" PRIu64, n,
              want_txs);
    if (n != UINT64_MAX && n > want_txs) c->extra_txs += n - want_txs;
}

/* `zkrelay status --db <dir>/state --json` agrees with the chain: every message
 * confirmed, nextNonce the relayer's account nonce. */
DEVNET_FN void e2e_check_status(e2e *e)
{
    const char *a[] = {"status", "--db", e2e_path(e, "state"), "--json"};
    th_proc p = th_run_zkrelay(a, 4, NULL);
    CHECK_EQ_INT(p.status, 0);
    json_t *o = json_loads(p.out, 0, NULL);
    CHECK_MSG(o != NULL, "zkrelay status: %s", p.err);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(o, "byState"), "confirmed")),
                 e->n_msgs);
    CHECK_EQ_INT(json_integer_value(json_object_get(o, "nextNonce")), e2e_relayer_nonce(e));
    json_decref(o);
    th_proc_free(&p);
}

/* Waits (up to timeout_s) for the relayer to exit; returns its exit status, -1 for a
 * signal, -2 on timeout (the relayer is then still running). */
DEVNET_FN int e2e_wait_exit(e2e *e, double timeout_s)
{
    double t0 = anvil_now_s();
    while (e->relayer > 0 && anvil_now_s() - t0 < timeout_s) {
        int st = 0;
        if (waitpid(e->relayer, &st, WNOHANG) == e->relayer) {
            e->relayer = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        }
        anvil_sleep_ms(100);
    }
    return e->relayer > 0 ? -2 : -1;
}

/* How many times needle occurs in the relayer's log from offset from. */
DEVNET_FN size_t e2e_log_count(const e2e *e, const char *needle, size_t from)
{
    char *log = th_read_text(e2e_path(e, "relayer.log"));
    size_t n = 0;
    if (log && strlen(log) > from)
        for (const char *p = strstr(log + from, needle); p; p = strstr(p + 1, needle))
            n++;
    free(log);
    return n;
}

/* A JSON-RPC call on c whose result is ignored; params is stolen. */
DEVNET_FN bool e2e_rpc(rpc_client *c, const char *method, json_t *params)
{
    json_t *r = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(c, &r, method, params, &err);
    CHECK_MSG(rc == ZK_OK, "%s: %s", method, err.msg);
    json_decref(r);
    return rc == ZK_OK;
}

#endif
