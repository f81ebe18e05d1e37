/* zkrelay-devnet: devnet tooling, kept apart from the relayer binary.
 *
 *   zkrelay-devnet sealer  serve anvil's chain as a QBFT chain (devnet/chain.h,
 *                          devnet/rewrite.h) over HTTP (relayer/httpd.h)
 *   zkrelay-devnet keys    print the devnet validator keys
 *
 * INSECURE BY DESIGN: the validator keys are derived from public strings. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/chain.h"
#include "devnet/cmd_send.h"
#include "devnet/faultproxy.h"
#include "devnet/rewrite.h"
#include "lightclient/ecdsa.h"
#include "lightclient/hex.h"
#include "relayer/cli.h"
#include "relayer/httpd.h"
#include "relayer/rpc.h"

#define WARNING                                                                                    \
    "DEVNET TOOLING, NEVER FOR PRODUCTION: the validator keys are public\n"                        \
    "(keccak256(\"zkrelay devnet validator <i>\")), so anyone can seal this chain.\n"

/* Request bodies: a 1000-entry batch of eth_getBlockByNumber is about 100 KB;
 * eth_sendRawTransaction of a contract deployment can be a few hundred KB. */
#define SEALER_MAX_BODY (8u << 20)

static void sealer_usage(FILE *f)
{
    fputs("usage: zkrelay-devnet sealer --anvil URL --listen HOST:PORT [--validators N]\n"
          "                             [--seals N] [--keys FILE] [--state DIR]\n"
          "\n"
          "Serves anvil's chain as a QBFT chain: each anvil block n becomes QBFT block n\n"
          "with anvil's roots and a London header sealed by the validators (committed\n"
          "seals in extraData, Besu's format). Every other JSON-RPC method is proxied\n"
          "to anvil. Admin methods: devnet_vote [address, \"add\"|\"drop\"],\n"
          "devnet_checkpoint [] (the light client's checkpoint for block 0).\n"
          "\n"
          "  --anvil URL        anvil's JSON-RPC endpoint\n"
          "  --listen HOST:PORT where to serve (an IPv4 address; port 0 picks one)\n"
          "  --validators N     genesis validators (default 4)\n"
          "  --seals N          seals per block (default: all; never below the quorum)\n"
          "  --keys FILE        validator secret keys, one hex key per line, instead of\n"
          "                     the derived devnet keys (still devnet only)\n"
          "  --state DIR        keep scheduled votes in DIR/votes.json so that a restart\n"
          "                     serves the same chain after a rotation\n"
          "\n"
          "Prints \"url: http://HOST:PORT\" on stdout once serving; stops on SIGINT/SIGTERM.\n"
          "\n" WARNING,
          f);
}

static void keys_usage(FILE *f)
{
    fputs("usage: zkrelay-devnet keys [--validators N]\n"
          "\n"
          "Prints the derived devnet validator keys and addresses (index, address, key).\n"
          "\n" WARNING,
          f);
}

/* Parses a decimal count in [lo, hi]. */
static bool parse_count(size_t *out, const char *s, size_t lo, size_t hi)
{
    if (!s || s[0] < '0' || s[0] > '9') return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return false;
    *out = (size_t)v;
    return true;
}

/* Splits "HOST:PORT". */
static bool parse_listen(char *host, size_t cap, uint16_t *port, const char *s)
{
    const char *colon = strrchr(s, ':');
    size_t p;
    if (!colon || (size_t)(colon - s) >= cap || colon == s || !parse_count(&p, colon + 1, 0, 65535))
        return false;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (uint16_t)p;
    return true;
}

/* Reads FILE: one hex secret key per line; blank lines and '#' comments skipped. */
static int read_keys(uint8_t (*keys)[32], size_t *n, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cli_read_input(&text, &len, path, 64 * 1024);
    if (rc) return rc;
    *n = 0;
    size_t line = 0;
    for (char *p = text; *p && rc == CLI_OK;) {
        char *eol = strchr(p, '\n');
        if (eol) *eol = '\0';
        line++;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t l = strlen(p);
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\r'))
            p[--l] = '\0';
        if (l && p[0] != '#') {
            if (*n == DEVNET_MAX_KEYS) {
                fprintf(stderr, "zkrelay-devnet: %s: more than %d keys\n", path, DEVNET_MAX_KEYS);
                rc = CLI_FAILURE;
            } else if (hex_decode_fixed(keys[*n], 32, p, NULL) != ZK_OK) {
                fprintf(stderr, "zkrelay-devnet: %s:%zu: not a 32-byte hex key\n", path, line);
                rc = CLI_FAILURE;
            } else {
                (*n)++;
            }
        }
        p = eol ? eol + 1 : p + l;
    }
    zk_wipe(text, len);
    free(text);
    if (rc == CLI_OK && *n == 0) {
        fprintf(stderr, "zkrelay-devnet: %s holds no key\n", path);
        rc = CLI_FAILURE;
    }
    return rc;
}

/* The server's state: the chain behind one lock (anvil's client is not
 * thread safe, and the chain grows as requests come). */
typedef struct sealer {
    pthread_mutex_t mu;
    devnet_chain chain;
} sealer;

static int serve_json(httpd_response *resp, int status, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text) return ZK_ERR_NOMEM;
    int rc = httpd_response_set(resp, status, "application/json", text, strlen(text));
    free(text);
    return rc;
}

static int sealer_handle(void *arg, const httpd_request *req, httpd_response *resp)
{
    sealer *s = arg;
    if (strcmp(req->method, "GET") == 0) {
        static const char hello[] = "zkrelay-devnet sealer (devnet only): POST JSON-RPC here\n";
        return httpd_response_set(resp, 200, "text/plain", hello, sizeof(hello) - 1);
    }
    if (strcmp(req->method, "POST") != 0) {
        static const char no[] = "POST JSON-RPC requests\n";
        return httpd_response_set(resp, 405, "text/plain", no, sizeof(no) - 1);
    }
    json_error_t je;
    json_t *doc = json_loadb((const char *)req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) return serve_json(resp, 200, devnet_rpc_parse_error(je.text));
    pthread_mutex_lock(&s->mu);
    json_t *answer = devnet_rpc_handle(&s->chain, doc);
    pthread_mutex_unlock(&s->mu);
    json_decref(doc);
    return serve_json(resp, 200, answer);
}

static int cmd_sealer(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        sealer_usage(stdout);
        return CLI_OK;
    }
    const char *anvil_url = NULL, *listen = NULL, *vals = NULL, *seals = NULL, *keys_path = NULL,
               *state = NULL;
    const cli_opt opts[] = {{"--anvil", NULL, &anvil_url}, {"--listen", NULL, &listen},
                            {"--validators", NULL, &vals}, {"--seals", NULL, &seals},
                            {"--keys", NULL, &keys_path},  {"--state", NULL, &state}};
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse_argv(pos, &n_pos, 0, 0, "zkrelay-devnet sealer", opts,
                            sizeof(opts) / sizeof(*opts), sealer_usage, argc, argv);
    if (rc) return rc;
    char host[64];
    uint16_t port = 0;
    devnet_chain_config cfg = {4, 0, state};
    if (!anvil_url || !listen) {
        fputs("zkrelay-devnet sealer: --anvil and --listen are required\n", stderr);
        sealer_usage(stderr);
        return CLI_USAGE;
    }
    if (!parse_listen(host, sizeof(host), &port, listen)) {
        fprintf(stderr, "zkrelay-devnet sealer: --listen wants HOST:PORT, got '%s'\n", listen);
        return CLI_USAGE;
    }
    if (vals && !parse_count(&cfg.n_validators, vals, 1, DEVNET_MAX_KEYS)) {
        fprintf(stderr, "zkrelay-devnet sealer: --validators wants 1..%d\n", DEVNET_MAX_KEYS);
        return CLI_USAGE;
    }
    if (seals && !parse_count(&cfg.seals, seals, 1, VALSET_MAX)) {
        fprintf(stderr, "zkrelay-devnet sealer: --seals wants a count >= 1\n");
        return CLI_USAGE;
    }
    uint8_t keys[DEVNET_MAX_KEYS][32];
    size_t n_keys = 0;
    if (keys_path && (rc = read_keys(keys, &n_keys, keys_path)) != CLI_OK) return rc;

    zk_errbuf err = {{0}, 0};
    sealer *s = calloc(1, sizeof(*s));
    secp256k1_context *ctx = NULL;
    rpc_client *anvil = NULL;
    httpd *server = NULL;
    bool chain_ready = false;
    rc = CLI_FAILURE;
    if (!s || rpc_global_init() != ZK_OK) {
        fputs("zkrelay-devnet sealer: cannot initialise\n", stderr);
        goto out;
    }
    pthread_mutex_init(&s->mu, NULL);
    ctx = ecdsa_context_new(&err);
    rpc_options ro = rpc_options_default();
    ro.max_retries = 2;
    if (ctx) anvil = rpc_client_new(anvil_url, &ro, &err);
    if (!ctx || !anvil) {
        fprintf(stderr, "zkrelay-devnet sealer: %s\n", err.msg);
        goto out;
    }
    int zrc = devnet_chain_init(&s->chain, ctx, anvil, &cfg,
                                keys_path ? (const uint8_t(*)[32])keys : NULL, n_keys, &err);
    chain_ready = true;
    if (zrc == ZK_OK) zrc = devnet_chain_sync(&s->chain, &err);
    if (zrc) {
        fprintf(stderr, "zkrelay-devnet sealer: %s\n", err.msg);
        rc = zrc == ZK_ERR_USAGE ? CLI_USAGE : CLI_FAILURE;
        goto out;
    }
    /* Signals are taken by sigwait below; every thread started after this
     * inherits the mask, so none of them is interrupted. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    httpd_options ho = httpd_options_default();
    ho.max_body_bytes = SEALER_MAX_BODY;
    if (httpd_start(&server, host, port, &ho, sealer_handle, s, &err) != ZK_OK) {
        fprintf(stderr, "zkrelay-devnet sealer: %s\n", err.msg);
        goto out;
    }
    fputs(WARNING, stderr);
    printf("url: http://%s:%u\n", host, httpd_port(server));
    printf("validators: %zu\n", cfg.n_validators);
    printf("head: %zu\n", s->chain.n_blocks - 1);
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    rc = CLI_OK;
out:
    httpd_stop(server);
    if (chain_ready) devnet_chain_clear(&s->chain);
    if (s) pthread_mutex_destroy(&s->mu);
    free(s);
    rpc_client_free(anvil);
    ecdsa_context_free(ctx);
    zk_wipe(keys, sizeof(keys));
    rpc_global_cleanup();
    return rc;
}

static int cmd_keys(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        keys_usage(stdout);
        return CLI_OK;
    }
    const char *vals = NULL;
    const cli_opt opts[] = {{"--validators", NULL, &vals}};
    const char *pos[1];
    size_t n_pos, n = DEVNET_MAX_KEYS;
    int rc =
        cli_parse_argv(pos, &n_pos, 0, 0, "zkrelay-devnet keys", opts, 1, keys_usage, argc, argv);
    if (rc) return rc;
    if (vals && !parse_count(&n, vals, 1, DEVNET_MAX_KEYS)) {
        fprintf(stderr, "zkrelay-devnet keys: --validators wants 1..%d\n", DEVNET_MAX_KEYS);
        return CLI_USAGE;
    }
    zk_errbuf err = {{0}, 0};
    secp256k1_context *ctx = ecdsa_context_new(&err);
    if (!ctx) {
        fprintf(stderr, "zkrelay-devnet keys: %s\n", err.msg);
        return CLI_FAILURE;
    }
    fputs(WARNING, stderr);
    for (size_t i = 0; i < n; i++) {
        uint8_t key[32], pub[64], addr[20];
        char kh[67], ah[43];
        devnet_key_derive(key, i);
        if (ecdsa_pubkey_from_seckey(ctx, pub, key) != ZK_OK) {
            rc = CLI_FAILURE;
            break;
        }
        eth_address_from_pubkey(addr, pub);
        hex_encode(kh, key, 32, true);
        hex_encode(ah, addr, 20, true);
        printf("%zu %s %s\n", i, ah, kh);
    }
    ecdsa_context_free(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    static const cli_cmd cmds[] = {
        {"sealer", cmd_sealer, "serve anvil's chain as a QBFT chain (devnet only)"},
        {"keys", cmd_keys, "print the insecure devnet validator keys"},
        {"send", devnet_cmd_send, "send a message through the Outbox (devnet only)"},
        {"faultproxy", devnet_cmd_faultproxy, "a JSON-RPC proxy that injects faults (tests only)"},
    };
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs("zkrelay-devnet: devnet tooling for zkrelay's local demo and tests.\n" WARNING "\n",
              stdout);
    }
    return cli_dispatch("zkrelay-devnet", cmds, sizeof(cmds) / sizeof(*cmds), argc, argv);
}
