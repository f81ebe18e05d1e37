/* zkrelay inspect header [--json] FILE|-
 *
 * Decodes one block header, from an eth_getBlockByNumber result (bare, or the
 * whole JSON-RPC response) or from its RLP in hex, prints its fields and the
 * hash computed from them. When the JSON names a hash, a disagreement is a
 * verification failure (exit 3): that is the check a light client relies on. */
#include "relayer/cli.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lightclient/lightclient.h"

/* A block fetched with full transaction objects can run to megabytes; the header
 * itself is bounded by HEADER_MAX_EXTRA. */
#define INSPECT_HEADER_MAX_INPUT (32u * 1024u * 1024u)

static void inspect_header_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay inspect header [--json] FILE|-\n"
               "\n"
               "Decodes a block header and prints its fields and its hash (keccak256 of the RLP).\n"
               "FILE (or - for stdin) holds one of:\n"
               "  an eth_getBlockByNumber/eth_getBlockByHash result object,\n"
               "  a whole JSON-RPC response {\"jsonrpc\",\"id\",\"result\":{...}},\n"
               "  the header RLP in hex (0x optional, surrounding whitespace ignored).\n"
               "Layouts: legacy, london, shanghai, cancun, prague (by field count).\n"
               "\n"
               "options:\n"
               "  --json     print one JSON object: the fields, \"hash\", \"fork\" and, when the\n"
               "             input named a hash, \"hashMatches\"\n"
               "  -h, --help show this help\n"
               "\n"
               "exit status: 0 ok, 1 unreadable or malformed input, 2 usage error,\n"
               "             3 the input's \"hash\" differs from the computed hash\n");
}

/* The header object inside the parsed input: a JSON-RPC response's result, or
 * the object itself. Returns a borrowed reference, or NULL after printing why. */
static const json_t *inspect_header_object(const json_t *root)
{
    const json_t *obj = cli_rpc_result(root);
    if (obj && !json_is_object(obj)) {
        fprintf(stderr, "error: expected a block object\n");
        return NULL;
    }
    return obj;
}

static void inspect_header_print_text(const json_t *obj)
{
    /* Consensus order, so the listing reads like the RLP. */
    static const char *const order[] = {
        "fork",
        "hash",
        "parentHash",
        "sha3Uncles",
        "miner",
        "stateRoot",
        "transactionsRoot",
        "receiptsRoot",
        "logsBloom",
        "difficulty",
        "number",
        "gasLimit",
        "gasUsed",
        "timestamp",
        "extraData",
        "mixHash",
        "nonce",
        "baseFeePerGas",
        "withdrawalsRoot",
        "blobGasUsed",
        "excessBlobGas",
        "parentBeaconBlockRoot",
        "requestsHash",
        "hashMatches",
    };
    for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++) {
        const json_t *v = json_object_get(obj, order[i]);
        if (json_is_string(v))
            printf("%s: %s\n", order[i], json_string_value(v));
        else if (json_is_boolean(v))
            printf("%s: %s\n", order[i], json_is_true(v) ? "true" : "false");
    }
}

/* Decodes text (JSON or RLP hex) into h; *has_claim and claim[] say whether the
 * input named a hash and which. Returns CLI_OK or CLI_FAILURE (message printed). */
static int inspect_header_decode(eth_header *h, bool *has_claim, uint8_t claim[32], char *text,
                                 size_t len)
{
    zk_errbuf err = {0};
    size_t start = 0, end = len;
    while (start < end && isspace((unsigned char)text[start]))
        start++;
    while (end > start && isspace((unsigned char)text[end - 1]))
        end--;
    if (start == end) {
        fprintf(stderr, "error: empty input\n");
        return CLI_FAILURE;
    }
    *has_claim = false;
    if (text[start] == '{') {
        json_error_t jerr;
        json_t *root = json_loadb(text + start, end - start, JSON_REJECT_DUPLICATES, &jerr);
        if (!root) {
            fprintf(stderr, "error: invalid JSON at line %d: %s\n", jerr.line, jerr.text);
            return CLI_FAILURE;
        }
        int rc = CLI_FAILURE;
        const json_t *obj = inspect_header_object(root);
        if (!obj) goto out_json;
        if (header_from_json(h, obj, &err) != ZK_OK) {
            fprintf(stderr, "error: header: %s\n", err.msg);
            goto out_json;
        }
        int hrc = json_get_data_fixed(claim, 32, obj, "hash", &err);
        if (hrc == ZK_OK) {
            *has_claim = true;
        } else if (hrc != ZK_ERR_NOTFOUND) {
            fprintf(stderr, "error: header: %s\n", err.msg);
            header_clear(h);
            goto out_json;
        }
        rc = CLI_OK;
    out_json:
        json_decref(root);
        return rc;
    }
    /* RLP hex: decode the trimmed span; hex_decode accepts an optional 0x. */
    size_t cap = (end - start) / 2 + 1, got = 0;
    uint8_t *raw = malloc(cap);
    if (!raw) {
        fprintf(stderr, "error: out of memory\n");
        return CLI_FAILURE;
    }
    int rc = CLI_FAILURE;
    if (hex_decode(raw, cap, &got, text + start, end - start, &err) != ZK_OK)
        fprintf(stderr, "error: input is neither JSON nor RLP hex: %s\n", err.msg);
    else if (header_decode_rlp(h, raw, got, &err) != ZK_OK)
        fprintf(stderr, "error: %s\n", err.msg);
    else
        rc = CLI_OK;
    free(raw);
    return rc;
}

int cli_inspect_header(int argc, char **argv)
{
    bool as_json = false;
    const char *path = NULL;
    if (cli_wants_help(argc, argv)) {
        inspect_header_usage(stdout);
        return CLI_OK;
    }
    const cli_opt opts[] = {{"--json", &as_json, NULL}};
    int rc =
        cli_parse_args(&path, "zkrelay inspect header", opts, 1, inspect_header_usage, argc, argv);
    if (rc != CLI_OK) return rc;

    char *text = NULL;
    size_t len = 0;
    rc = cli_read_input(&text, &len, path, INSPECT_HEADER_MAX_INPUT);
    if (rc != CLI_OK) return rc;

    eth_header h;
    bool has_claim = false;
    uint8_t claim[32] = {0}, hash[32];
    json_t *obj = NULL;
    header_init(&h);
    rc = inspect_header_decode(&h, &has_claim, claim, text, len);
    free(text);
    if (rc != CLI_OK) return rc;

    bool matches = true;
    if (header_hash(hash, &h) != ZK_OK || header_to_json(&obj, &h, hash) != ZK_OK ||
        json_object_set_new(obj, "fork", json_string(header_fork_name(&h))) != 0) {
        fprintf(stderr, "error: cannot encode the header (out of memory)\n");
        rc = CLI_FAILURE;
        goto out;
    }
    if (has_claim) {
        matches = memcmp(claim, hash, 32) == 0;
        if (json_object_set_new(obj, "hashMatches", json_boolean(matches)) != 0) {
            fprintf(stderr, "error: out of memory\n");
            rc = CLI_FAILURE;
            goto out;
        }
    }
    if (as_json) {
        if (json_dumpf(obj, stdout, JSON_COMPACT | JSON_SORT_KEYS) != 0) {
            fprintf(stderr, "error: cannot write the output\n");
            rc = CLI_FAILURE;
            goto out;
        }
        putchar('\n');
    } else {
        inspect_header_print_text(obj);
    }
    if (!matches) {
        char want[67], got[67];
        hex_encode(want, claim, 32, true);
        hex_encode(got, hash, 32, true);
        fprintf(stderr, "error: hash mismatch: the input says %s but the fields hash to %s\n", want,
                got);
        rc = CLI_REJECTED;
    }
out:
    json_decref(obj);
    header_clear(&h);
    if (fflush(stdout) != 0 && rc == CLI_OK) {
        fprintf(stderr, "error: cannot write the output\n");
        rc = CLI_FAILURE;
    }
    return rc;
}
