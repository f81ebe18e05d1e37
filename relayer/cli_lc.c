/* zkrelay lc init|sync|verify-header|status|unfreeze|evidence: the light client
 * from the command line.
 *
 * Results go to stdout (text "name: value" lines, or one JSON object with
 * --json); diagnostics to stderr; sync progress to stderr only when it is a
 * terminal. Exit codes per cli.h: 0 ok, 1 runtime failure, 2 usage, 3 a header
 * (or a node's chain) failed verification, equivocation included. */
#include "relayer/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lightclient/lightclient.h"
#include "relayer/lc_sync.h"
#include "relayer/rpc.h"

/* A checkpoint file is a small JSON object; a header file may be a whole block. */
#define LC_CHECKPOINT_MAX_INPUT (4u * 1024u * 1024u)
#define LC_HEADER_MAX_INPUT     (32u * 1024u * 1024u)

/* ---- shared helpers ---- */

/* Options plus at most one positional argument: none when positional is NULL,
 * exactly one otherwise. */
static int lc_parse_opts(const char **positional, const char *prog, const cli_opt *opts,
                         size_t n_opts, void (*usage)(FILE *), int argc, char **argv)
{
    const char *pos[1] = {NULL};
    size_t n = 0, want = positional ? 1 : 0;
    int rc = cli_parse_argv(pos, &n, want, want, prog, opts, n_opts, usage, argc, argv);
    if (positional) *positional = pos[0];
    return rc;
}

/* Requires option name to have been given. */
static int lc_require(const char *value, const char *prog, const char *name, void (*usage)(FILE *))
{
    if (value && *value) return CLI_OK;
    fprintf(stderr, "%s: %s is required\n", prog, name);
    usage(stderr);
    return CLI_USAGE;
}

/* Parses a decimal number (digits only, no sign, no leading zero unless "0"). */
static int lc_parse_u64(uint64_t *out, const char *text, const char *prog, const char *name)
{
    char *end = NULL;
    bool digits = text && *text != '\0';
    for (const char *p = text; digits && *p; p++)
        digits = *p >= '0' && *p <= '9';
    if (digits && !(text[0] == '0' && text[1] != '\0')) {
        errno = 0;
        unsigned long long v = strtoull(text, &end, 10);
        if (errno == 0 && end && *end == '\0') {
            *out = (uint64_t)v;
            return CLI_OK;
        }
    }
    fprintf(stderr, "%s: %s wants a decimal number, not '%s'\n", prog, name, text ? text : "");
    return CLI_USAGE;
}

static const char *lc_consensus_name(lc_consensus c)
{
    switch (c) {
    case LC_QBFT:
        return "qbft";
    case LC_IBFT2:
        return "ibft2";
    case LC_CLIQUE:
        return "clique";
    }
    return "unknown";
}

static const char *lc_rule_name(int rule)
{
    switch (rule) {
    case LC_RULE_BFT_QUORUM:
        return "bft-quorum";
    case LC_RULE_CLIQUE_WINDOW:
        return CLIQUE_FINALITY_RULE;
    case LC_RULE_CHECKPOINT:
        return "checkpoint";
    }
    return "unknown";
}

static void lc_hex32(char out[67], const uint8_t h[32])
{
    hex_encode(out, h, 32, true);
}

/* Prints a JSON object on stdout, one line. Returns CLI_OK or CLI_FAILURE. */
static int lc_print_json(json_t *obj)
{
    if (!obj || json_dumpf(obj, stdout, JSON_COMPACT | JSON_SORT_KEYS) != 0) {
        fprintf(stderr, "error: cannot write the output\n");
        return CLI_FAILURE;
    }
    putchar('\n');
    return CLI_OK;
}

/* Opens an initialised store (no create). Prints why and returns NULL on failure. */
static lc_store *lc_open_store(const char *dir)
{
    lc_store *s = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = lc_store_open(&s, dir, false, &err);
    if (rc == ZK_ERR_NOTFOUND) {
        fprintf(stderr, "error: %s holds no light-client store (run `zkrelay lc init`)\n", dir);
        return NULL;
    }
    if (rc) {
        fprintf(stderr, "error: cannot open the store in %s: %s\n", dir, err.msg);
        return NULL;
    }
    return s;
}

/* ---- init ---- */

static void lc_init_usage(FILE *f)
{
    fprintf(
        f, "usage: zkrelay lc init --checkpoint FILE --db DIR [--json]\n"
           "\n"
           "Creates the light client's store in DIR from an operator-written checkpoint\n"
           "(never from an RPC node): {\"chainId\", \"consensus\": \"qbft\"|\"ibft2\"|\"clique\",\n"
           "\"number\", \"hash\", \"validators\": [...], \"clique\": {\"epoch\", \"period\"},\n"
           "\"header\": {...}}. Running it again with the same checkpoint does nothing.\n"
           "\n"
           "options:\n"
           "  --checkpoint FILE  the checkpoint JSON (- for stdin)\n"
           "  --db DIR           the store directory (created)\n"
           "  --json             print one JSON object\n"
           "  -h, --help         show this help\n"
           "\n"
           "exit status: 0 ok, 1 bad checkpoint or store error (another checkpoint in DIR),\n"
           "             2 usage error\n");
}

static int lc_cmd_init(int argc, char **argv)
{
    static const char prog[] = "zkrelay lc init";
    if (cli_wants_help(argc, argv)) {
        lc_init_usage(stdout);
        return CLI_OK;
    }
    const char *cp_path = NULL, *db = NULL;
    bool as_json = false;
    const cli_opt opts[] = {
        {"--checkpoint", NULL, &cp_path}, {"--db", NULL, &db}, {"--json", &as_json, NULL}};
    int rc = lc_parse_opts(NULL, prog, opts, 3, lc_init_usage, argc, argv);
    if (rc == CLI_OK) rc = lc_require(cp_path, prog, "--checkpoint", lc_init_usage);
    if (rc == CLI_OK) rc = lc_require(db, prog, "--db", lc_init_usage);
    if (rc) return rc;

    char *text = NULL;
    size_t len = 0;
    if ((rc = cli_read_input(&text, &len, cp_path, LC_CHECKPOINT_MAX_INPUT))) return rc;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (!root) {
        fprintf(stderr, "error: %s: invalid JSON at line %d: %s\n", cp_path, jerr.line, jerr.text);
        return CLI_FAILURE;
    }
    lc_checkpoint_file *cpf = malloc(sizeof(*cpf));
    zk_errbuf err = {{0}, 0};
    secp256k1_context *ctx = NULL;
    rc = CLI_FAILURE;
    if (!cpf) {
        fprintf(stderr, "error: out of memory\n");
        goto out_root;
    }
    if (lc_checkpoint_from_json(cpf, root, &err) != ZK_OK) {
        fprintf(stderr, "error: %s: %s\n", cp_path, err.msg);
        free(cpf);
        goto out_root;
    }
    ctx = ecdsa_context_new(&err);
    if (!ctx) {
        fprintf(stderr, "error: %s\n", err.msg);
    } else if (lc_init(ctx, db, cpf, &err) != ZK_OK) {
        fprintf(stderr, "error: cannot initialise %s: %s\n", db, err.msg);
    } else {
        const lc_checkpoint *cp = &cpf->cp;
        char hash[67];
        lc_hex32(hash, cp->hash);
        if (as_json) {
            json_t *o = json_pack("{s:I,s:s,s:I,s:s,s:I,s:s}", "chainId", (json_int_t)cp->chain_id,
                                  "consensus", lc_consensus_name(cp->consensus), "number",
                                  (json_int_t)cp->number, "hash", hash, "validatorCount",
                                  (json_int_t)cp->validators.n, "db", db);
            rc = lc_print_json(o);
            json_decref(o);
        } else {
            printf("initialised: %s\n", db);
            printf("chainId: %llu\n", (unsigned long long)cp->chain_id);
            printf("consensus: %s\n", lc_consensus_name(cp->consensus));
            printf("number: %llu\n", (unsigned long long)cp->number);
            printf("hash: %s\n", hash);
            printf("validators: %zu\n", cp->validators.n);
            rc = CLI_OK;
        }
    }
    ecdsa_context_free(ctx);
    lc_checkpoint_file_clear(cpf);
    free(cpf);
out_root:
    json_decref(root);
    return cli_finish(rc);
}

/* ---- sync ---- */

static void lc_sync_usage(FILE *f)
{
    fprintf(f,
            "usage: zkrelay lc sync --rpc URL --db DIR [--to N | --finalized] [--batch N]\n"
            "                       [--skip] [--json]\n"
            "\n"
            "Fetches headers from the node and verifies each under the chain's consensus\n"
            "before storing it. The node is trusted for nothing: its chain id must be the\n"
            "store's, every hash it reports is recomputed, every seal checked.\n"
            "\n"
            "options:\n"
            "  --rpc URL     the node's JSON-RPC endpoint (http:// or https://)\n"
            "  --db DIR      the store, made by `zkrelay lc init`\n"
            "  --to N        stop at block N (default: the node's latest block)\n"
            "  --finalized   stop at the node's \"finalized\" block\n"
            "  --batch N     headers per JSON-RPC batch, 1..%d (default %d)\n"
            "  --skip        BFT: verify the target directly when the validator set did not\n"
            "                change since the head; otherwise sync every header\n"
            "  --json        print one JSON object\n"
            "  -h, --help    show this help\n"
            "\n"
            "Progress is shown on stderr when it is a terminal.\n"
            "exit status: 0 ok, 1 node or store failure, 2 usage error,\n"
            "             3 a header was rejected, or EQUIVOCATION (the client is then frozen)\n",
            RPC_BATCH_MAX, LC_SYNC_BATCH_DEFAULT);
}

static void lc_sync_progress(void *arg, uint64_t done, uint64_t total, double rate)
{
    (void)arg;
    fprintf(stderr, "\rsync: %llu/%llu headers (%.0f headers/s)   ", (unsigned long long)done,
            (unsigned long long)total, rate);
    fflush(stderr);
}

static int lc_sync_print(const lc_sync_report *r, bool as_json)
{
    double rate = r->seconds > 0 ? (double)r->submitted / r->seconds : 0.0;
    char head[67];
    lc_hex32(head, r->head_hash);
    if (as_json) {
        json_t *o =
            json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:I,s:s,s:f,s:f}", "from", (json_int_t)r->from,
                      "to", (json_int_t)r->to, "submitted", (json_int_t)r->submitted, "accepted",
                      (json_int_t)r->accepted, "pending", (json_int_t)r->pending, "rotations",
                      (json_int_t)r->rotations, "skipped", r->skipped, "headNumber",
                      (json_int_t)r->head_number, "headHash", head, "seconds", r->seconds,
                      "headersPerSecond", rate);
        int rc = lc_print_json(o);
        json_decref(o);
        return rc;
    }
    printf("headers verified: %llu\n", (unsigned long long)r->submitted);
    printf("headers stored: %llu\n", (unsigned long long)r->accepted);
    if (r->pending) printf("pending: %llu\n", (unsigned long long)r->pending);
    if (r->skipped) printf("skipped: true\n");
    printf("head number: %llu\n", (unsigned long long)r->head_number);
    printf("head hash: %s\n", head);
    printf("rotations: %llu\n", (unsigned long long)r->rotations);
    printf("seconds: %.3f\n", r->seconds);
    printf("headers/s: %.0f\n", rate);
    return CLI_OK;
}

static int lc_cmd_sync(int argc, char **argv)
{
    static const char prog[] = "zkrelay lc sync";
    if (cli_wants_help(argc, argv)) {
        lc_sync_usage(stdout);
        return CLI_OK;
    }
    const char *url = NULL, *db = NULL, *to = NULL, *batch = NULL;
    bool as_json = false, skip = false, finalized = false;
    const cli_opt opts[] = {
        {"--rpc", NULL, &url},
        {"--db", NULL, &db},
        {"--to", NULL, &to},
        {"--batch", NULL, &batch},
        {"--skip", &skip, NULL},
        {"--json", &as_json, NULL},
        {"--finalized", &finalized, NULL},
    };
    int rc =
        lc_parse_opts(NULL, prog, opts, sizeof(opts) / sizeof(*opts), lc_sync_usage, argc, argv);
    if (rc == CLI_OK) rc = lc_require(url, prog, "--rpc", lc_sync_usage);
    if (rc == CLI_OK) rc = lc_require(db, prog, "--db", lc_sync_usage);
    lc_sync_options o = {0};
    uint64_t v = 0;
    if (rc == CLI_OK && to) {
        rc = lc_parse_u64(&v, to, prog, "--to");
        o.to = v;
        if (rc == CLI_OK && v == 0) {
            fprintf(stderr, "%s: --to must be above 0\n", prog);
            rc = CLI_USAGE;
        }
    }
    if (rc == CLI_OK && batch) {
        rc = lc_parse_u64(&v, batch, prog, "--batch");
        if (rc == CLI_OK && (v == 0 || v > RPC_BATCH_MAX)) {
            fprintf(stderr, "%s: --batch must be 1..%d\n", prog, RPC_BATCH_MAX);
            rc = CLI_USAGE;
        }
        o.batch = (size_t)v;
    }
    if (rc == CLI_OK && to && finalized) {
        fprintf(stderr, "%s: --to and --finalized exclude each other\n", prog);
        rc = CLI_USAGE;
    }
    if (rc) return rc;
    o.use_finalized = finalized;
    o.skip = skip;
    if (isatty(STDERR_FILENO)) o.progress = lc_sync_progress;

    zk_errbuf err = {{0}, 0};
    secp256k1_context *ctx = ecdsa_context_new(&err);
    lc_client *lc = NULL;
    rpc_client *rpc = NULL;
    rc = CLI_FAILURE;
    if (!ctx) {
        fprintf(stderr, "error: %s\n", err.msg);
        return CLI_FAILURE;
    }
    if (rpc_global_init() != ZK_OK) {
        fprintf(stderr, "error: cannot initialise libcurl\n");
        ecdsa_context_free(ctx);
        return CLI_FAILURE;
    }
    if (lc_open(&lc, ctx, db, &err) != ZK_OK) {
        fprintf(stderr, "error: %s\n", err.msg);
        goto out;
    }
    rpc = rpc_client_new(url, NULL, &err);
    if (!rpc) {
        fprintf(stderr, "error: --rpc: %s\n", err.msg);
        rc = CLI_USAGE;
        goto out;
    }
    lc_sync_report r;
    int src = lc_sync(lc, rpc, &o, &r, &err);
    if (o.progress) fputc('\n', stderr);
    if (src == ZK_OK) {
        rc = lc_sync_print(&r, as_json);
        goto out;
    }
    bool frozen = false;
    uint64_t at = 0;
    if (src == ZK_ERR_MISMATCH &&
        lc_store_frozen(lc_client_store(lc), &frozen, &at, NULL) == ZK_OK && frozen) {
        /* Only equivocation freezes; a chain-id MISMATCH leaves the store as it was. */
        fprintf(stderr, "EQUIVOCATION ALARM: %s\n", err.msg);
        fprintf(stderr, "inspect it with `zkrelay lc evidence --db %s --number %llu`\n", db,
                (unsigned long long)at);
        rc = CLI_REJECTED;
    } else {
        fprintf(stderr, "error: sync stopped: %s\n", err.msg);
        rc = src == ZK_ERR_REJECTED ? CLI_REJECTED : CLI_FAILURE;
    }
    char head[67];
    lc_hex32(head, r.head_hash);
    fprintf(stderr, "head: %llu %s (%llu headers verified before the failure)\n",
            (unsigned long long)r.head_number, head, (unsigned long long)r.submitted);
out:
    rpc_client_free(rpc);
    lc_close(lc);
    ecdsa_context_free(ctx);
    rpc_global_cleanup();
    return cli_finish(rc);
}

/* Whether an equivocation froze the client (the only MISMATCH that does). */
static bool lc_is_frozen(lc_client *lc)
{
    bool frozen = false;
    uint64_t at = 0;
    return lc_store_frozen(lc_client_store(lc), &frozen, &at, NULL) == ZK_OK && frozen;
}

/* ---- verify-header ---- */

static void lc_verify_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay lc verify-header FILE|- --db DIR [--json]\n"
               "\n"
               "Submits one header to the light client: an eth_getBlockByNumber result (bare or\n"
               "as a JSON-RPC response) or the header RLP in hex. When accepted it is stored.\n"
               "Prints the verdict (accepted, known, pending), the rule that made it trusted,\n"
               "the seals counted against the quorum and whether it rotates the validator set.\n"
               "\n"
               "options:\n"
               "  --db DIR    the store, made by `zkrelay lc init`\n"
               "  --json      print one JSON object\n"
               "  -h, --help  show this help\n"
               "\n"
               "exit status: 0 accepted, known or pending; 1 unreadable input or store error;\n"
               "             2 usage error; 3 rejected (the rule is printed) or EQUIVOCATION\n");
}

static int lc_verdict_print(const lc_verdict *v, bool as_json, bool bft)
{
    static const char *const outcome[] = {"?", "accepted", "known", "pending"};
    const char *what =
        v->outcome >= LC_ACCEPTED && v->outcome <= LC_PENDING ? outcome[v->outcome] : "?";
    char hash[67];
    lc_hex32(hash, v->hash);
    if (as_json) {
        json_t *o = json_pack("{s:s,s:I,s:s,s:s,s:b,s:b}", "verdict", what, "number",
                              (json_int_t)v->number, "hash", hash, "rule", lc_rule_name(v->rule),
                              "rotation", v->rotated, "skipped", v->skipped);
        if (o && bft && v->outcome == LC_ACCEPTED) {
            json_object_set_new(o, "signers", json_integer((json_int_t)v->n_signers));
            json_object_set_new(o, "validators", json_integer((json_int_t)v->set_size));
            json_object_set_new(o, "quorum", json_integer((json_int_t)v->quorum));
        }
        if (o && v->has_final)
            json_object_set_new(o, "finalNumber", json_integer((json_int_t)v->final_number));
        int rc = lc_print_json(o);
        json_decref(o);
        return rc;
    }
    printf("verdict: %s\n", what);
    printf("number: %llu\n", (unsigned long long)v->number);
    printf("hash: %s\n", hash);
    printf("rule: %s\n", lc_rule_name(v->rule));
    if (bft && v->outcome == LC_ACCEPTED)
        printf("signers: %zu of %zu (quorum %zu)\n", v->n_signers, v->set_size, v->quorum);
    printf("rotation: %s\n", v->rotated ? "true" : "false");
    if (v->skipped) printf("skipped: true\n");
    if (v->has_final) printf("final: %llu\n", (unsigned long long)v->final_number);
    return CLI_OK;
}

static int lc_cmd_verify_header(int argc, char **argv)
{
    static const char prog[] = "zkrelay lc verify-header";
    if (cli_wants_help(argc, argv)) {
        lc_verify_usage(stdout);
        return CLI_OK;
    }
    const char *path = NULL, *db = NULL;
    bool as_json = false;
    const cli_opt opts[] = {{"--db", NULL, &db}, {"--json", &as_json, NULL}};
    int rc = lc_parse_opts(&path, prog, opts, 2, lc_verify_usage, argc, argv);
    if (rc == CLI_OK) rc = lc_require(db, prog, "--db", lc_verify_usage);
    if (rc) return rc;

    char *text = NULL;
    size_t len = 0;
    if ((rc = cli_read_input(&text, &len, path, LC_HEADER_MAX_INPUT))) return rc;
    eth_header h;
    bool has_claim = false;
    uint8_t claim[32];
    header_init(&h);
    rc = cli_header_decode(&h, &has_claim, claim, text, len);
    free(text);
    if (rc) return rc;

    zk_errbuf err = {{0}, 0};
    secp256k1_context *ctx = ecdsa_context_new(&err);
    lc_client *lc = NULL;
    rc = CLI_FAILURE;
    if (!ctx) {
        fprintf(stderr, "error: %s\n", err.msg);
        goto out;
    }
    if (lc_open(&lc, ctx, db, &err) != ZK_OK) {
        fprintf(stderr, "error: %s\n", err.msg);
        goto out;
    }
    bool bft = lc_client_consensus(lc) != LC_CLIQUE;
    if (has_claim) {
        /* The input's own hash must be the one its fields give under this chain's rule. */
        uint8_t mine[32];
        if (lc_header_hash(lc, mine, &h, &err) != ZK_OK) {
            fprintf(stderr, "error: rejected: %s\n", err.msg);
            rc = CLI_REJECTED;
            goto out;
        }
        if (memcmp(mine, claim, 32) != 0) {
            char a[67], b[67];
            lc_hex32(a, claim);
            lc_hex32(b, mine);
            fprintf(stderr, "error: rejected: the input says hash %s but the header hashes to %s\n",
                    a, b);
            rc = CLI_REJECTED;
            goto out;
        }
    }
    lc_verdict v;
    int vrc = lc_submit_header(lc, &v, &h, &err);
    if (vrc == ZK_OK) {
        rc = lc_verdict_print(&v, as_json, bft);
    } else if (vrc == ZK_ERR_MISMATCH && lc_is_frozen(lc)) {
        fprintf(stderr, "EQUIVOCATION ALARM: %s\n", err.msg);
        fprintf(stderr, "inspect it with `zkrelay lc evidence --db %s --number %llu`\n", db,
                (unsigned long long)h.number);
        rc = CLI_REJECTED;
    } else if (vrc == ZK_ERR_REJECTED || vrc == ZK_ERR_MALFORMED || vrc == ZK_ERR_MISMATCH) {
        /* MALFORMED here is an undecodable extraData: the header was read but
         * carries no valid seal data, a consensus failure like any other.
         * MISMATCH without a frozen store is Clique's number / parent-hash /
         * checkpoint-signers rule (clique_apply), not equivocation. */
        fprintf(stderr, "error: rejected: %s\n", err.msg);
        if (as_json) {
            json_t *o = json_pack("{s:s,s:I,s:s}", "verdict", "rejected", "number",
                                  (json_int_t)h.number, "reason", err.msg);
            (void)lc_print_json(o);
            json_decref(o);
        } else {
            printf("verdict: rejected\nnumber: %llu\nreason: %s\n", (unsigned long long)h.number,
                   err.msg);
        }
        rc = CLI_REJECTED;
    } else {
        fprintf(stderr, "error: %s\n", err.msg);
    }
out:
    lc_close(lc);
    ecdsa_context_free(ctx);
    header_clear(&h);
    return cli_finish(rc);
}

/* ---- status ---- */

static void lc_status_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay lc status --db DIR [--json]\n"
               "\n"
               "Prints the store's chain id, consensus, checkpoint, head (number, hash,\n"
               "timestamp), the validator set that seals the next header, whether the client\n"
               "is frozen by equivocation (and at which height), and the finality rule.\n"
               "\n"
               "options:\n"
               "  --db DIR    the store, made by `zkrelay lc init`\n"
               "  --json      print one JSON object\n"
               "  -h, --help  show this help\n"
               "\n"
               "exit status: 0 ok, 1 no store or a damaged one, 2 usage error\n");
}

static int lc_cmd_status(int argc, char **argv)
{
    static const char prog[] = "zkrelay lc status";
    if (cli_wants_help(argc, argv)) {
        lc_status_usage(stdout);
        return CLI_OK;
    }
    const char *db = NULL;
    bool as_json = false;
    const cli_opt opts[] = {{"--db", NULL, &db}, {"--json", &as_json, NULL}};
    int rc = lc_parse_opts(NULL, prog, opts, 2, lc_status_usage, argc, argv);
    if (rc == CLI_OK) rc = lc_require(db, prog, "--db", lc_status_usage);
    if (rc) return rc;
    lc_store *s = lc_open_store(db);
    if (!s) return CLI_FAILURE;
    lc_checkpoint *cp = malloc(sizeof(*cp));
    valset *set = malloc(sizeof(*set));
    lc_stored_header head;
    bool frozen = false;
    uint64_t frozen_at = 0;
    zk_errbuf err = {{0}, 0};
    rc = CLI_FAILURE;
    if (!cp || !set) {
        fprintf(stderr, "error: out of memory\n");
        goto out;
    }
    if (lc_store_checkpoint(s, cp, &err) != ZK_OK || lc_store_head(s, &head, &err) != ZK_OK ||
        lc_store_get_valset(s, set, head.next_valset_id, &err) != ZK_OK ||
        lc_store_frozen(s, &frozen, &frozen_at, &err) != ZK_OK) {
        fprintf(stderr, "error: %s: %s\n", db, err.msg);
        goto out;
    }
    const char *rule = cp->consensus == LC_CLIQUE ? CLIQUE_FINALITY_RULE : "bft-quorum";
    char cph[67], hh[67];
    lc_hex32(cph, cp->hash);
    lc_hex32(hh, head.hash);
    if (as_json) {
        json_t *members = json_array();
        for (size_t i = 0; members && i < set->n; i++) {
            char a[43];
            hex_encode(a, set->addrs[i], 20, true);
            json_array_append_new(members, json_string(a));
        }
        json_t *o =
            json_pack("{s:I,s:s,s:{s:I,s:s},s:{s:I,s:s,s:I},s:I,s:o,s:b,s:o,s:s}", "chainId",
                      (json_int_t)cp->chain_id, "consensus", lc_consensus_name(cp->consensus),
                      "checkpoint", "number", (json_int_t)cp->number, "hash", cph, "head", "number",
                      (json_int_t)head.number, "hash", hh, "timestamp", (json_int_t)head.timestamp,
                      "validatorCount", (json_int_t)set->n, "validators", members, "frozen", frozen,
                      "frozenAt", frozen ? json_integer((json_int_t)frozen_at) : json_null(),
                      "finalityRule", rule);
        rc = lc_print_json(o);
        json_decref(o);
        goto out;
    }
    printf("chainId: %llu\n", (unsigned long long)cp->chain_id);
    printf("consensus: %s\n", lc_consensus_name(cp->consensus));
    printf("checkpoint number: %llu\n", (unsigned long long)cp->number);
    printf("checkpoint hash: %s\n", cph);
    printf("head number: %llu\n", (unsigned long long)head.number);
    printf("head hash: %s\n", hh);
    printf("head timestamp: %llu\n", (unsigned long long)head.timestamp);
    printf("validators: %zu\n", set->n);
    for (size_t i = 0; i < set->n; i++) {
        char a[43];
        hex_encode(a, set->addrs[i], 20, true);
        printf("validator: %s\n", a);
    }
    printf("frozen: %s\n", frozen ? "true" : "false");
    if (frozen) printf("frozen at: %llu\n", (unsigned long long)frozen_at);
    printf("finality rule: %s\n", rule);
    rc = CLI_OK;
out:
    free(cp);
    free(set);
    lc_store_close(s);
    return cli_finish(rc);
}

/* ---- unfreeze ---- */

static void lc_unfreeze_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay lc unfreeze --db DIR\n"
               "\n"
               "Operator action after an EQUIVOCATION alarm: clears the frozen flag so the\n"
               "light client accepts headers again. The evidence stays in the store\n"
               "(`zkrelay lc evidence`). Decide first which chain is the right one.\n"
               "\n"
               "options:\n"
               "  --db DIR    the store\n"
               "  -h, --help  show this help\n"
               "\n"
               "exit status: 0 ok (also when not frozen), 1 store error, 2 usage error\n");
}

static int lc_cmd_unfreeze(int argc, char **argv)
{
    static const char prog[] = "zkrelay lc unfreeze";
    if (cli_wants_help(argc, argv)) {
        lc_unfreeze_usage(stdout);
        return CLI_OK;
    }
    const char *db = NULL;
    const cli_opt opts[] = {{"--db", NULL, &db}};
    int rc = lc_parse_opts(NULL, prog, opts, 1, lc_unfreeze_usage, argc, argv);
    if (rc == CLI_OK) rc = lc_require(db, prog, "--db", lc_unfreeze_usage);
    if (rc) return rc;
    lc_store *s = lc_open_store(db);
    if (!s) return CLI_FAILURE;
    bool frozen = false;
    uint64_t at = 0;
    zk_errbuf err = {{0}, 0};
    rc = CLI_FAILURE;
    if (lc_store_frozen(s, &frozen, &at, &err) != ZK_OK) {
        fprintf(stderr, "error: %s\n", err.msg);
    } else if (!frozen) {
        printf("not frozen: nothing to do\n");
        rc = CLI_OK;
    } else if (lc_store_unfreeze(s, &err) != ZK_OK) {
        fprintf(stderr, "error: %s\n", err.msg);
    } else {
        printf("unfrozen: the light client was frozen by equivocation at block %llu\n",
               (unsigned long long)at);
        printf("evidence kept: zkrelay lc evidence --db %s --number %llu\n", db,
               (unsigned long long)at);
        rc = CLI_OK;
    }
    lc_store_close(s);
    return cli_finish(rc);
}

/* ---- evidence ---- */

static void lc_evidence_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay lc evidence --db DIR [--number N] [--json]\n"
               "\n"
               "Prints the two conflicting headers recorded at height N (default: the height\n"
               "that froze the client) as hex RLP, each with its hash.\n"
               "\n"
               "options:\n"
               "  --db DIR     the store\n"
               "  --number N   the height\n"
               "  --json       print one JSON object\n"
               "  -h, --help   show this help\n"
               "\n"
               "exit status: 0 ok, 1 no evidence at N or store error, 2 usage error\n");
}

/* The chain's hash of an evidence entry, or false when it is not a header RLP
 * (a stored record kept when the header's bytes were not). */
static bool lc_evidence_hash(uint8_t out[32], lc_consensus c, const uint8_t *rlp, size_t len)
{
    eth_header h;
    if (header_decode_rlp(&h, rlp, len, NULL) != ZK_OK) return false;
    int rc = c == LC_CLIQUE ? header_hash(out, &h)
                            : bft_block_hash(out, c == LC_IBFT2 ? BFT_IBFT2 : BFT_QBFT, &h, NULL);
    header_clear(&h);
    return rc == ZK_OK;
}

static int lc_cmd_evidence(int argc, char **argv)
{
    static const char prog[] = "zkrelay lc evidence";
    if (cli_wants_help(argc, argv)) {
        lc_evidence_usage(stdout);
        return CLI_OK;
    }
    const char *db = NULL, *num = NULL;
    bool as_json = false;
    const cli_opt opts[] = {
        {"--db", NULL, &db}, {"--number", NULL, &num}, {"--json", &as_json, NULL}};
    int rc = lc_parse_opts(NULL, prog, opts, 3, lc_evidence_usage, argc, argv);
    if (rc == CLI_OK) rc = lc_require(db, prog, "--db", lc_evidence_usage);
    uint64_t number = 0;
    if (rc == CLI_OK && num) rc = lc_parse_u64(&number, num, prog, "--number");
    if (rc) return rc;
    lc_store *s = lc_open_store(db);
    if (!s) return CLI_FAILURE;
    zk_errbuf err = {{0}, 0};
    uint8_t *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    char *ha = NULL, *hb = NULL;
    lc_checkpoint *cp = malloc(sizeof(*cp));
    rc = CLI_FAILURE;
    if (!cp) {
        fprintf(stderr, "error: out of memory\n");
        goto out;
    }
    if (lc_store_checkpoint(s, cp, &err) != ZK_OK) {
        fprintf(stderr, "error: %s\n", err.msg);
        goto out;
    }
    if (!num) {
        bool frozen = false;
        if (lc_store_frozen(s, &frozen, &number, &err) != ZK_OK) {
            fprintf(stderr, "error: %s\n", err.msg);
            goto out;
        }
        if (!frozen) {
            fprintf(stderr, "error: the client is not frozen; name a height with --number\n");
            goto out;
        }
    }
    int erc = lc_store_get_evidence(s, number, &a, &la, &b, &lb, &err);
    if (erc == ZK_ERR_NOTFOUND) {
        fprintf(stderr, "error: no equivocation evidence at block %llu\n",
                (unsigned long long)number);
        goto out;
    }
    if (erc) {
        fprintf(stderr, "error: %s\n", err.msg);
        goto out;
    }
    ha = malloc(hex_encoded_len(la, true));
    hb = malloc(hex_encoded_len(lb, true));
    if (!ha || !hb) {
        fprintf(stderr, "error: out of memory\n");
        goto out;
    }
    hex_encode(ha, a, la, true);
    hex_encode(hb, b, lb, true);
    uint8_t hash_a[32], hash_b[32];
    bool ok_a = lc_evidence_hash(hash_a, cp->consensus, a, la);
    bool ok_b = lc_evidence_hash(hash_b, cp->consensus, b, lb);
    char sa[67] = "unknown (the stored record, not a header)", sb[67] = "unknown";
    if (ok_a) lc_hex32(sa, hash_a);
    if (ok_b) lc_hex32(sb, hash_b);
    if (as_json) {
        json_t *o =
            json_pack("{s:I,s:{s:o,s:s},s:{s:o,s:s}}", "number", (json_int_t)number, "stored",
                      "hash", ok_a ? json_string(sa) : json_null(), "rlp", ha, "conflicting",
                      "hash", ok_b ? json_string(sb) : json_null(), "rlp", hb);
        rc = lc_print_json(o);
        json_decref(o);
        goto out;
    }
    printf("number: %llu\n", (unsigned long long)number);
    printf("stored hash: %s\n", sa);
    printf("stored rlp: %s\n", ha);
    printf("conflicting hash: %s\n", sb);
    printf("conflicting rlp: %s\n", hb);
    rc = CLI_OK;
out:
    free(ha);
    free(hb);
    free(a);
    free(b);
    free(cp);
    lc_store_close(s);
    return cli_finish(rc);
}

/* ---- dispatch ---- */

static const cli_cmd lc_cmds[] = {
    {"init", lc_cmd_init, "create the store from an operator checkpoint"},
    {"sync", lc_cmd_sync, "fetch headers from a JSON-RPC node and verify them"},
    {"verify-header", lc_cmd_verify_header, "verify one header (JSON or RLP hex) and store it"},
    {"status", lc_cmd_status, "print the checkpoint, head, validator set and frozen flag"},
    {"unfreeze", lc_cmd_unfreeze, "operator action after equivocation: accept headers again"},
    {"evidence", lc_cmd_evidence, "print the two conflicting headers of an equivocation"},
};

int cli_lc(int argc, char **argv)
{
    return cli_dispatch("zkrelay lc", lc_cmds, sizeof(lc_cmds) / sizeof(*lc_cmds), argc, argv);
}
