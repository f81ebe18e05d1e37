/* zkrelay inspect receipts [--json] [--expect-root 0x..] FILE|-
 *
 * Rebuilds a block's receiptsRoot from its eth_getBlockReceipts answer (the bare
 * array, or the whole JSON-RPC response): each receipt is re-encoded in its
 * consensus form and inserted into the receipts trie under RLP(index). Comparing
 * the result with a header's receiptsRoot is how a light client knows the node
 * did not invent, drop or reorder a receipt; --expect-root makes that check the
 * exit status (3 on mismatch). */
#include "relayer/cli.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lightclient/lightclient.h"

/* A block's receipts with all their logs stay far below this (the largest
 * mainnet blocks give a few megabytes of JSON). */
#define INSPECT_RECEIPTS_MAX_INPUT (256u * 1024u * 1024u)

static void inspect_receipts_usage(FILE *f)
{
    fprintf(f,
            "usage: zkrelay inspect receipts [--json] [--expect-root 0x..] FILE|-\n"
            "\n"
            "Rebuilds the receiptsRoot of a block from its receipts and prints the number of\n"
            "receipts, the count of each transaction type and the root.\n"
            "FILE (or - for stdin) holds one of:\n"
            "  the eth_getBlockReceipts result (a JSON array of receipt objects),\n"
            "  a whole JSON-RPC response {\"jsonrpc\",\"id\",\"result\":[...]}.\n"
            "\n"
            "options:\n"
            "  --json               print one JSON object {\"count\":N,\"receiptsRoot\":\"0x..\"}\n"
            "  --expect-root 0x..   the receiptsRoot of the block's header; exit 3 if the\n"
            "                       computed root differs\n"
            "  -h, --help           show this help\n"
            "\n"
            "exit status: 0 ok, 1 unreadable or malformed input, 2 usage error,\n"
            "             3 the computed root differs from --expect-root\n");
}

/* The receipts array inside the parsed input. Returns a borrowed reference, or
 * NULL after printing why. */
static const json_t *inspect_receipts_array(const json_t *root)
{
    const json_t *arr = cli_rpc_result(root);
    if (arr && !json_is_array(arr)) {
        fprintf(stderr, "error: expected a JSON array of receipts or a JSON-RPC response\n");
        return NULL;
    }
    return arr;
}

/* Counts receipts per type. Returns CLI_OK or CLI_FAILURE (message printed). */
static int inspect_receipts_count_types(size_t counts[RECEIPT_MAX_TYPE + 1], const json_t *arr)
{
    size_t i;
    const json_t *obj;
    json_array_foreach(arr, i, obj)
    {
        eth_receipt r;
        zk_errbuf err = {{0}, 0};
        if (receipt_from_json(&r, obj, &err) != ZK_OK) {
            fprintf(stderr, "error: receipt %zu: %s\n", i, err.msg);
            return CLI_FAILURE;
        }
        counts[r.type]++;
        receipt_clear(&r);
    }
    return CLI_OK;
}

int cli_inspect_receipts(int argc, char **argv)
{
    bool as_json = false, has_expect = false;
    const char *path = NULL;
    uint8_t expect[32] = {0};
    if (cli_wants_help(argc, argv)) {
        inspect_receipts_usage(stdout);
        return CLI_OK;
    }
    const char *expect_hex = NULL;
    const cli_opt opts[] = {{"--json", &as_json, NULL}, {"--expect-root", NULL, &expect_hex}};
    int rc = cli_parse_args(&path, "zkrelay inspect receipts", opts, 2, inspect_receipts_usage,
                            argc, argv);
    if (rc != CLI_OK) return rc;
    if (expect_hex) {
        zk_errbuf err = {{0}, 0};
        if (hex_decode_fixed(expect, 32, expect_hex, &err) != ZK_OK) {
            fprintf(stderr, "zkrelay inspect receipts: --expect-root '%s': %s\n", expect_hex,
                    err.msg);
            return CLI_USAGE;
        }
        has_expect = true;
    }

    char *text = NULL;
    size_t len = 0;
    rc = cli_read_input(&text, &len, path, INSPECT_RECEIPTS_MAX_INPUT);
    if (rc != CLI_OK) return rc;
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (!doc) {
        fprintf(stderr, "error: invalid JSON at line %d: %s\n", jerr.line, jerr.text);
        return CLI_FAILURE;
    }

    size_t counts[RECEIPT_MAX_TYPE + 1] = {0};
    uint8_t root[32];
    char root_hex[67];
    zk_errbuf err = {{0}, 0};
    rc = CLI_FAILURE;
    const json_t *arr = inspect_receipts_array(doc);
    if (!arr || inspect_receipts_count_types(counts, arr) != CLI_OK) goto out;
    if (receipts_root_from_json(root, arr, &err) != ZK_OK) {
        fprintf(stderr, "error: %s\n", err.msg);
        goto out;
    }
    hex_encode(root_hex, root, 32, true);
    if (as_json) {
        printf("{\"count\":%zu,\"receiptsRoot\":\"%s\"}\n", json_array_size(arr), root_hex);
    } else {
        printf("receipts: %zu\n", json_array_size(arr));
        for (size_t t = 0; t <= RECEIPT_MAX_TYPE; t++)
            if (counts[t]) printf("type 0x%zx: %zu\n", t, counts[t]);
        printf("receiptsRoot: %s\n", root_hex);
    }
    rc = CLI_OK;
    if (has_expect && memcmp(expect, root, 32) != 0) {
        char want[67];
        hex_encode(want, expect, 32, true);
        fprintf(stderr, "error: receiptsRoot mismatch: expected %s but the receipts give %s\n",
                want, root_hex);
        rc = CLI_REJECTED;
    }
out:
    json_decref(doc);
    if (fflush(stdout) != 0 && rc == CLI_OK) {
        fprintf(stderr, "error: cannot write the output\n");
        rc = CLI_FAILURE;
    }
    return rc;
}
