#include "relayer/cli.h"

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
    for (size_t i = 0; i < n; i++) fprintf(f, "  %-12s %s\n", table[i].name, table[i].summary);
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
            if (!nb) break;
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
    return cli_dispatch("zkrelay inspect", inspect_cmds, sizeof(inspect_cmds) / sizeof(*inspect_cmds),
                        argc, argv);
}

static const cli_cmd top_cmds[] = {
    {"inspect", cli_inspect, "decode and re-hash chain data offline (headers, receipts)"},
    {"version", cli_version, "print the version"},
};

int cli_main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0)) return cli_version(argc, argv);
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("zkrelay %s: trustless zero-knowledge cross-chain bridge relayer\n\n", ZKRELAY_VERSION);
    }
    return cli_dispatch("zkrelay", top_cmds, sizeof(top_cmds) / sizeof(*top_cmds), argc, argv);
}
