#include "relayer/cli.h"
#include "relayer/rpc.h"
#include "prover/prover.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ZKRELAY_VERSION "0.1.0"

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return true;
    return false;
}

static void cli_print_table(FILE *f, const char *prefix, const cli_cmd *table, size_t n)
{
    fprintf(f, "usage: %s <command> [options] [args]\n\ncommands:\n", prefix);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-16s %s\n", table[i].name, table[i].summary);
    fprintf(f, "\nRun '%s <command> --help' for the options of a command.\n", prefix);
}

int cli_dispatch(const char *prefix, const cli_cmd *table, size_t n, int argc, char **argv)
{
    if (argc < 2) {
        cli_print_table(stderr, prefix, table, n);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        cli_print_table(stdout, prefix, table, n);
        return CLI_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[1], table[i].name) == 0) return table[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "%s: unknown command '%s'\n", prefix, argv[1]);
    cli_print_table(stderr, prefix, table, n);
    return CLI_USAGE;
}

int cli_read_input(char **out, size_t *out_len, const char *path, size_t max)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "error: cannot open %s: %s\n", path, strerror(errno));
        return CLI_FAILURE;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    int rc = CLI_OK;
    while (buf) {
        if (len + 1 == cap) {
            if (cap > max) {
                fprintf(stderr, "error: %s is larger than %zu bytes\n", path, max);
                rc = CLI_FAILURE;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                fprintf(stderr, "error: out of memory reading %s\n", path);
                rc = CLI_FAILURE;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0) break;
    }
    if (!buf) rc = CLI_FAILURE;
    if (rc == CLI_OK && ferror(f)) {
        fprintf(stderr, "error: reading %s: %s\n", path, strerror(errno));
        rc = CLI_FAILURE;
    }
    if (rc == CLI_OK && len > max) {
        fprintf(stderr, "error: %s is larger than %zu bytes\n", path, max);
        rc = CLI_FAILURE;
    }
    if (f != stdin) fclose(f);
    if (rc != CLI_OK) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return CLI_OK;
}

int cli_parse_argv(const char **pos, size_t *n_pos, size_t min_pos, size_t max_pos,
                   const char *prog, const cli_opt *opts, size_t n_opts, void (*usage)(FILE *),
                   int argc, char **argv)
{
    *n_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] != '\0') {
            size_t k = 0;
            while (k < n_opts && strcmp(a, opts[k].name) != 0)
                k++;
            if (k == n_opts) {
                fprintf(stderr, "%s: unknown option '%s'\n", prog, a);
                usage(stderr);
                return CLI_USAGE;
            }
            if (opts[k].value) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "%s: %s needs a value\n", prog, a);
                    return CLI_USAGE;
                }
                *opts[k].value = argv[++i];
            } else {
                *opts[k].flag = true;
            }
        } else if (*n_pos == max_pos) {
            if (max_pos == 1)
                fprintf(stderr, "%s: more than one input ('%s', '%s')\n", prog, pos[0], a);
            else
                fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
            usage(stderr);
            return CLI_USAGE;
        } else {
            pos[(*n_pos)++] = a;
        }
    }
    if (*n_pos < min_pos) {
        if (max_pos == 1)
            fprintf(stderr, "%s: missing FILE (use - for stdin)\n", prog);
        else
            fprintf(stderr, "%s: missing arguments (%zu given, %zu needed)\n", prog, *n_pos,
                    min_pos);
        usage(stderr);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_parse_args(const char **input, const char *prog, const cli_opt *opts, size_t n_opts,
                   void (*usage)(FILE *), int argc, char **argv)
{
    size_t n = 0;
    *input = NULL;
    return cli_parse_argv(input, &n, 1, 1, prog, opts, n_opts, usage, argc, argv);
}

int cli_finish(int rc)
{
    if (fflush(stdout) != 0 && rc == CLI_OK) {
        fprintf(stderr, "error: cannot write the output\n");
        return CLI_FAILURE;
    }
    return rc;
}

int cli_print_json(json_t *obj)
{
    int rc = CLI_OK;
    if (!obj || json_dumpf(obj, stdout, JSON_COMPACT | JSON_SORT_KEYS) != 0) {
        fprintf(stderr, "error: cannot write the output\n");
        rc = CLI_FAILURE;
    } else {
        putchar('\n');
    }
    json_decref(obj);
    return rc;
}

/* Digits only, checked before strtoul: strtoul alone would take "+5", " 5" and "-1" (as
 * ULONG_MAX), which a command line should refuse. */
static bool cli_decimal(unsigned *out, const char *text, unsigned lo, unsigned hi)
{
    bool digits = *text != '\0' && strlen(text) <= 9;
    for (const char *p = text; digits && *p; p++)
        digits = *p >= '0' && *p <= '9';
    if (!digits) return false;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || !end || *end != '\0' || v < lo || v > hi) return false;
    *out = (unsigned)v;
    return true;
}

int cli_parse_uint(unsigned *out, const char *text, unsigned lo, unsigned hi, const char *prog,
                   const char *what)
{
    if (cli_decimal(out, text, lo, hi)) return CLI_OK;
    fprintf(stderr, "%s: %s wants a number from %u to %u, not '%s'\n", prog, what, lo, hi, text);
    return CLI_USAGE;
}

int cli_parse_threads(unsigned *out, const char *text, const char *prog)
{
    if (cli_decimal(out, text, 0, THREADS_MAX)) return CLI_OK;
    fprintf(stderr, "%s: --threads wants a number from 0 (all cores) to %d, not '%s'\n", prog,
            THREADS_MAX, text);
    return CLI_USAGE;
}

const json_t *cli_rpc_result(const json_t *root)
{
    if (!json_is_object(root)) return root;
    const json_t *rpc_err = json_object_get(root, "error");
    if (rpc_err && !json_is_null(rpc_err)) {
        const json_t *msg = json_object_get(rpc_err, "message");
        char text[256] = "(no message)";
        if (json_is_string(msg))
            rpc_copy_printable(text, sizeof(text), json_string_value(msg), json_string_length(msg));
        fprintf(stderr, "error: the JSON-RPC response is an error: %s\n", text);
        return NULL;
    }
    const json_t *result = json_object_get(root, "result");
    if (!result) return root;
    if (json_is_null(result)) {
        fprintf(stderr, "error: the JSON-RPC result is null (not found)\n");
        return NULL;
    }
    return result;
}

static int cli_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("zkrelay %s\n", ZKRELAY_VERSION);
    return CLI_OK;
}

static const cli_cmd inspect_cmds[] = {
    {"header", cli_inspect_header,
     "decode a block header (eth_getBlockByNumber JSON or RLP hex), print fields and hash"},
    {"receipts", cli_inspect_receipts,
     "rebuild the receiptsRoot of a block from eth_getBlockReceipts JSON"},
};

int cli_inspect(int argc, char **argv)
{
    return cli_dispatch("zkrelay inspect", inspect_cmds,
                        sizeof(inspect_cmds) / sizeof(*inspect_cmds), argc, argv);
}

static const cli_cmd top_cmds[] = {
    {"inspect", cli_inspect, "decode and re-hash chain data offline (headers, receipts)"},
    {"lc", cli_lc, "light client: init from a checkpoint, sync and verify headers, status"},
    {"groth16", cli_groth16, "Groth16 on snarkjs files: setup, prove, verify, info"},
    {"zkey", cli_zkey, "snarkjs .zkey phase 2: contribute, beacon, verify, export"},
    {"prove", cli_prove, "prove a header's finality or a message's inclusion (proof.json)"},
    {"circuit", cli_circuit, "the bridge's statements as circuits: info, export-r1cs, witness"},
    {"verify", cli_verify, "re-verify one message's proof bundle offline (auditors)"},
    {"replay", cli_replay, "re-verify every bundle or every Inbox delivery (auditors)"},
    {"deploy", cli_deploy, "deploy the bridge contracts (destination, or the source Outbox)"},
    {"run", cli_run, "run the relayer daemon (--config FILE)"},
    {"status", cli_status, "print the relayer's message queue from its database"},
    {"version", cli_version, "print the version"},
};

int cli_main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0)) return cli_version(argc, argv);
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("zkrelay %s: trustless zero-knowledge cross-chain bridge relayer\n\n",
               ZKRELAY_VERSION);
    }
    return cli_dispatch("zkrelay", top_cmds, sizeof(top_cmds) / sizeof(*top_cmds), argc, argv);
}
