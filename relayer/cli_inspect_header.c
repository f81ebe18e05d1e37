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
    fprintf(f,
            "usage: zkrelay inspect header [--json] [--consensus MODE] FILE|-\n"
            "\n"
            "Decodes a block header and prints its fields and its hash (keccak256 of the RLP).\n"
            "FILE (or - for stdin) holds one of:\n"
            "  an eth_getBlockByNumber/eth_getBlockByHash result object,\n"
            "  a whole JSON-RPC response {\"jsonrpc\",\"id\",\"result\":{...}},\n"
            "  the header RLP in hex (0x optional, surrounding whitespace ignored).\n"
            "Layouts: legacy, london, shanghai, cancun, prague (by field count).\n"
            "\n"
            "After the fields it prints the decoded extraData (lines \"extraData.*\"):\n"
            "  QBFT / IBFT 2.0: vanity, validators, vote, round, the commit-seal hash, the\n"
            "    block hash (seals and round excluded) and each seal's recovered signer;\n"
            "  Clique: vanity, the checkpoint signer list, the seal hash and the signer.\n"
            "For a BFT header the node's \"hash\" is the BFT block hash, which also matches.\n"
            "\n"
            "options:\n"
            "  --json     print one JSON object: the fields, \"hash\", \"fork\",\n"
            "             \"extraDataDecoded\" and, when the input named a hash, \"hashMatches\"\n"
            "  --consensus auto|qbft|ibft2|clique|none\n"
            "             how to decode extraData (default auto: QBFT, then IBFT 2.0, then\n"
            "             Clique when mixHash is zero and extraData is 32 + 20k + 65 bytes;\n"
            "             none: do not decode). A named format that does not decode is an error\n"
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

int cli_header_decode(eth_header *h, bool *has_claim, uint8_t claim[32], char *text, size_t len)
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

/* ---- extraData ---- */

static json_t *inspect_hex(const uint8_t *p, size_t n)
{
    char *s = malloc(hex_encoded_len(n, true));
    if (!s) return NULL;
    hex_encode(s, p, n, true);
    json_t *j = json_string(s);
    free(s);
    return j;
}

static json_t *inspect_addrs(const uint8_t (*a)[20], size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, inspect_hex(a[i], 20)) != 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* QBFT / IBFT 2.0: the decoded fields, both hashes and every seal's signer
 * (recovered from the raw commit-seal hash with high s allowed, as Besu and
 * GoQuorum recover seals). Returns a new object, or NULL when extraData does
 * not decode in flavor f (err says why) or memory runs out. */
static json_t *inspect_extra_bft(const secp256k1_context *ctx, bft_flavor f, const eth_header *h,
                                 zk_errbuf *err)
{
    bft_extra *x = malloc(sizeof(*x));
    if (!x) return NULL;
    uint8_t seal_hash[32], block_hash[32];
    json_t *o = NULL;
    if (bft_extra_decode(x, f, h->extra_data, h->extra_len, err) != ZK_OK ||
        bft_commit_seal_hash(seal_hash, f, h, err) != ZK_OK ||
        bft_block_hash(block_hash, f, h, err) != ZK_OK)
        goto out;
    json_t *vote = json_null();
    if (x->vote.present)
        vote = json_pack("{s:o,s:s}", "recipient", inspect_hex(x->vote.recipient, 20), "type",
                         x->vote.add ? "add" : "drop");
    json_t *seals = json_array();
    for (size_t i = 0; seals && i < x->n_seals; i++) {
        uint8_t addr[20];
        zk_errbuf serr = {{0}, 0};
        json_t *e = json_object();
        json_object_set_new(e, "seal", inspect_hex(x->seals[i], 65));
        if (ecdsa_recover_address(ctx, addr, seal_hash, x->seals[i], ECDSA_ALLOW_HIGH_S, &serr) ==
            ZK_OK) {
            json_object_set_new(e, "signer", inspect_hex(addr, 20));
        } else {
            json_object_set_new(e, "signer", json_null());
            json_object_set_new(e, "error", json_string(serr.msg));
        }
        json_array_append_new(seals, e);
    }
    o = json_pack("{s:s,s:o,s:o,s:o,s:I,s:o,s:o,s:o}", "consensus",
                  f == BFT_QBFT ? "qbft" : "ibft2", "vanity", inspect_hex(x->vanity, x->vanity_len),
                  "validators", inspect_addrs((const uint8_t(*)[20])x->validators, x->n_validators),
                  "vote", vote, "round", (json_int_t)x->round, "commitSealHash",
                  inspect_hex(seal_hash, 32), "blockHash", inspect_hex(block_hash, 32), "seals",
                  seals);
out:
    free(x);
    return o;
}

/* Clique (EIP-225): vanity, the checkpoint signer list when present, the seal
 * hash and the recovered signer. NULL when the layout is not 32 + 20k + 65. */
static json_t *inspect_extra_clique(const secp256k1_context *ctx, const eth_header *h,
                                    zk_errbuf *err)
{
    if (h->extra_len < CLIQUE_VANITY + CLIQUE_SEAL ||
        (h->extra_len - CLIQUE_VANITY - CLIQUE_SEAL) % 20 != 0) {
        ZK_FAIL(err, ZK_ERR_MALFORMED, "extraData is %zu bytes, not 32 + 20k + 65", h->extra_len);
        return NULL;
    }
    size_t k = (h->extra_len - CLIQUE_VANITY - CLIQUE_SEAL) / 20;
    uint8_t seal_hash[32], signer[20];
    if (clique_seal_hash(seal_hash, h, err) != ZK_OK) return NULL;
    zk_errbuf serr = {{0}, 0};
    bool ok = clique_recover_signer(signer, ctx, h, &serr) == ZK_OK;
    json_t *o =
        json_pack("{s:s,s:o,s:o,s:o,s:o}", "consensus", "clique", "vanity",
                  inspect_hex(h->extra_data, CLIQUE_VANITY), "sealHash", inspect_hex(seal_hash, 32),
                  "seal", inspect_hex(h->extra_data + h->extra_len - CLIQUE_SEAL, CLIQUE_SEAL),
                  "signer", ok ? inspect_hex(signer, 20) : json_null());
    if (o && !ok) json_object_set_new(o, "error", json_string(serr.msg));
    if (o && k > 0)
        json_object_set_new(
            o, "signers", inspect_addrs((const uint8_t(*)[20])(h->extra_data + CLIQUE_VANITY), k));
    return o;
}

static bool inspect_is_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

/* Decodes h's extraData under mode (see the usage). Returns CLI_OK with *out a
 * new object (NULL for mode "none"), or CLI_FAILURE / CLI_USAGE after printing
 * why (a named format that does not decode, an unknown mode). */
static int inspect_extra(json_t **out, const eth_header *h, const char *mode)
{
    *out = NULL;
    bool automatic = strcmp(mode, "auto") == 0;
    if (strcmp(mode, "none") == 0) return CLI_OK;
    if (!automatic && strcmp(mode, "qbft") != 0 && strcmp(mode, "ibft2") != 0 &&
        strcmp(mode, "clique") != 0) {
        fprintf(stderr,
                "zkrelay inspect header: --consensus wants auto, qbft, ibft2, clique or "
                "none, not '%s'\n",
                mode);
        return CLI_USAGE;
    }
    zk_errbuf err = {{0}, 0};
    secp256k1_context *ctx = ecdsa_context_new(&err);
    if (!ctx) {
        fprintf(stderr, "error: %s\n", err.msg);
        return CLI_FAILURE;
    }
    json_t *o = NULL;
    if (automatic || strcmp(mode, "qbft") == 0) o = inspect_extra_bft(ctx, BFT_QBFT, h, &err);
    if (!o && (automatic || strcmp(mode, "ibft2") == 0))
        o = inspect_extra_bft(ctx, BFT_IBFT2, h, &err);
    bool clique_shape = inspect_is_zero(h->mix_hash, 32) &&
                        h->extra_len >= CLIQUE_VANITY + CLIQUE_SEAL &&
                        (h->extra_len - CLIQUE_VANITY - CLIQUE_SEAL) % 20 == 0;
    if (!o && (strcmp(mode, "clique") == 0 || (automatic && clique_shape)))
        o = inspect_extra_clique(ctx, h, &err);
    ecdsa_context_free(ctx);
    if (!o && automatic) o = json_pack("{s:s}", "consensus", "none");
    if (!o) {
        fprintf(stderr, "error: extraData does not decode as %s: %s\n", mode,
                err.msg[0] ? err.msg : "out of memory");
        return CLI_FAILURE;
    }
    *out = o;
    return CLI_OK;
}

static void inspect_print_str(const char *name, const json_t *v)
{
    if (json_is_string(v)) printf("extraData.%s: %s\n", name, json_string_value(v));
}

/* The decoded extraData as "extraData.<name>: value" lines; repeated items
 * (validator, signer) one line each, in order. */
static void inspect_extra_print_text(const json_t *d)
{
    const json_t *v;
    size_t i;
    inspect_print_str("consensus", json_object_get(d, "consensus"));
    inspect_print_str("vanity", json_object_get(d, "vanity"));
    const json_t *vals = json_object_get(d, "validators");
    if (json_is_array(vals)) {
        printf("extraData.validators: %zu\n", json_array_size(vals));
        json_array_foreach(vals, i, v) inspect_print_str("validator", v);
    }
    const json_t *vote = json_object_get(d, "vote");
    if (json_is_object(vote))
        printf("extraData.vote: %s %s\n", json_string_value(json_object_get(vote, "type")),
               json_string_value(json_object_get(vote, "recipient")));
    else if (vote)
        printf("extraData.vote: none\n");
    const json_t *round = json_object_get(d, "round");
    if (json_is_integer(round))
        printf("extraData.round: %lld\n", (long long)json_integer_value(round));
    inspect_print_str("commitSealHash", json_object_get(d, "commitSealHash"));
    inspect_print_str("blockHash", json_object_get(d, "blockHash"));
    const json_t *seals = json_object_get(d, "seals");
    if (json_is_array(seals)) {
        printf("extraData.seals: %zu\n", json_array_size(seals));
        json_array_foreach(seals, i, v)
        {
            const json_t *who = json_object_get(v, "signer");
            if (json_is_string(who))
                printf("extraData.signer: %s\n", json_string_value(who));
            else
                printf("extraData.signer: unrecoverable (%s)\n",
                       json_string_value(json_object_get(v, "error")));
        }
    }
    const json_t *signers = json_object_get(d, "signers");
    if (json_is_array(signers)) {
        printf("extraData.checkpointSigners: %zu\n", json_array_size(signers));
        json_array_foreach(signers, i, v) inspect_print_str("checkpointSigner", v);
    }
    inspect_print_str("sealHash", json_object_get(d, "sealHash"));
    if (json_object_get(d, "sealHash")) {
        const json_t *who = json_object_get(d, "signer");
        if (json_is_string(who))
            printf("extraData.signer: %s\n", json_string_value(who));
        else
            printf("extraData.signer: unrecoverable (%s)\n",
                   json_string_value(json_object_get(d, "error")));
    }
}

int cli_inspect_header(int argc, char **argv)
{
    bool as_json = false;
    const char *path = NULL;
    if (cli_wants_help(argc, argv)) {
        inspect_header_usage(stdout);
        return CLI_OK;
    }
    const char *mode = "auto";
    const cli_opt opts[] = {{"--json", &as_json, NULL}, {"--consensus", NULL, &mode}};
    int rc =
        cli_parse_args(&path, "zkrelay inspect header", opts, 2, inspect_header_usage, argc, argv);
    if (rc != CLI_OK) return rc;

    char *text = NULL;
    size_t len = 0;
    rc = cli_read_input(&text, &len, path, INSPECT_HEADER_MAX_INPUT);
    if (rc != CLI_OK) return rc;

    eth_header h;
    bool has_claim = false;
    uint8_t claim[32] = {0}, hash[32];
    json_t *obj = NULL, *decoded = NULL;
    header_init(&h);
    rc = cli_header_decode(&h, &has_claim, claim, text, len);
    free(text);
    if (rc != CLI_OK) return rc;
    rc = inspect_extra(&decoded, &h, mode);
    if (rc != CLI_OK) {
        header_clear(&h);
        return rc;
    }

    bool matches = true;
    if (header_hash(hash, &h) != ZK_OK || header_to_json(&obj, &h, hash) != ZK_OK ||
        json_object_set_new(obj, "fork", json_string(header_fork_name(&h))) != 0) {
        fprintf(stderr, "error: cannot encode the header (out of memory)\n");
        rc = CLI_FAILURE;
        goto out;
    }
    if (has_claim) {
        /* A BFT chain's hash leaves the seals and the round out (bft.h). */
        uint8_t bft_hash[32];
        const char *bh = json_string_value(json_object_get(decoded, "blockHash"));
        matches = memcmp(claim, hash, 32) == 0 ||
                  (bh && hex_decode_fixed(bft_hash, 32, bh, NULL) == ZK_OK &&
                   memcmp(claim, bft_hash, 32) == 0);
        if (json_object_set_new(obj, "hashMatches", json_boolean(matches)) != 0) {
            fprintf(stderr, "error: out of memory\n");
            rc = CLI_FAILURE;
            goto out;
        }
    }
    if (decoded && json_object_set(obj, "extraDataDecoded", decoded) != 0) {
        fprintf(stderr, "error: out of memory\n");
        rc = CLI_FAILURE;
        goto out;
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
        if (decoded) inspect_extra_print_text(decoded);
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
    json_decref(decoded);
    header_clear(&h);
    if (fflush(stdout) != 0 && rc == CLI_OK) {
        fprintf(stderr, "error: cannot write the output\n");
        rc = CLI_FAILURE;
    }
    return rc;
}
