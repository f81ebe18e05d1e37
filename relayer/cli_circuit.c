/* zkrelay circuit info|export-r1cs|witness: the bridge's two statements (prover/stmt_*.h)
 * as circuits: their sizes, circom .r1cs files for snarkjs or `zkrelay groth16 setup`, and
 * .wtns witnesses of real headers and receipts for `groth16 prove`.
 *
 *   zkrelay circuit info finality --validators N [--json]
 *   zkrelay circuit info inclusion [--depth D] [--max-receipt B] [--max-logs L] [--json]
 *   zkrelay circuit export-r1cs finality|inclusion [params] OUT.r1cs [--wtns OUT.wtns]
 *   zkrelay circuit witness finality [params] --header H --trusted T.json OUT.wtns
 *   zkrelay circuit witness inclusion [params] --receipts R.json --tx I --log K --outbox A OUT.wtns
 *   zkrelay prove finality|inclusion [params] SOURCES --zkey K.zkey --proof P.json --public
 * PUB.json (SOURCES: the files above, or --rpc URL with --block N [--trusted-block M] for a header,
 * --tx HASH [--log K] --outbox A for a message)
 *
 * A circuit's shape depends only on its parameters, so export-r1cs builds it from a
 * synthetic instance; its --wtns is that instance's witness. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lightclient/ecdsa.h"
#include "lightclient/header.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "lightclient/receipt.h"
#include "prover/prover.h"
#include "prover/stmt_finality.h"
#include "prover/stmt_inclusion.h"
#include "lightclient/bft.h"
#include "relayer/cli.h"
#include "relayer/rpc.h"

#define CIRCUIT_MAX_JSON (256u << 20)

typedef struct circuit_args {
    const char *stmt;
    const char *validators, *max_header;                         /* finality */
    const char *depth, *max_receipt, *max_logs, *node_len;       /* inclusion */
    const char *header, *trusted, *receipts, *tx, *log, *outbox; /* witness sources */
    const char *wtns;
    const char *rpc, *block, *trusted_block, *txhash; /* RPC sources */
    const char *zkey, *proof, *public_path, *threads; /* prove */
    bool json;
    stmt_fin_params fp;
    stmt_inc_params ip;
} circuit_args;

static void circuit_usage(FILE *f)
{
    fprintf(f,
            "usage: zkrelay circuit info finality --validators N [--max-header BYTES] [--json]\n"
            "       zkrelay circuit info inclusion [--depth D] [--max-receipt BYTES]\n"
            "                                      [--max-logs L] [--json]\n"
            "       zkrelay circuit export-r1cs finality|inclusion [params] OUT.r1cs\n"
            "                                      [--wtns OUT.wtns]\n"
            "       zkrelay circuit witness finality [params] --header HEADER --trusted T.json "
            "OUT.wtns\n"
            "       zkrelay circuit witness inclusion [params] --receipts R.json --tx I --log K\n"
            "                                      --outbox ADDRESS OUT.wtns\n"
            "       zkrelay prove finality|inclusion [params] SOURCES --zkey KEY.zkey\n"
            "                                      --proof PROOF.json --public PUBLIC.json\n"
            "\n"
            "The bridge's statements as Groth16 circuits over BN254:\n"
            "  finality   a QBFT header is sealed by a quorum of its validator list, vouched\n"
            "             for by the trusted set; public: the two set commitments, number,\n"
            "             header hash, receiptsRoot (6 signals)\n"
            "  inclusion  a receipt of the trie with a given receiptsRoot holds the Outbox's\n"
            "             MessageSent log for a message hash (1 signal)\n"
            "\n"
            "info prints constraints, variables and public signals. export-r1cs writes circom's\n"
            ".r1cs (for `zkrelay groth16 setup` or snarkjs), and with --wtns the witness of a\n"
            "synthetic instance. witness writes the .wtns of a real header or receipt, for\n"
            "`zkrelay groth16 prove`.\n"
            "\n"
            "parameters (the circuit's shape; setup, witness and prove must agree):\n"
            "  --validators N      finality: largest validator set (default 4)\n"
            "  --max-header BYTES  finality: largest commit-seal preimage (default from N)\n"
            "  --depth D           inclusion: trie nodes on the path, leaf included (default 6)\n"
            "  --max-receipt BYTES inclusion: largest receipt (default 2048)\n"
            "  --max-logs L        inclusion: most logs in the receipt (default 8)\n"
            "witness sources:\n"
            "  --header FILE       the header: eth_getBlockByNumber JSON or RLP hex\n"
            "  --trusted FILE      JSON array of the trusted validator addresses, in the order\n"
            "                      their commitment uses (the header order of the set)\n"
            "  --receipts FILE     eth_getBlockReceipts JSON (the block's receipts, in order)\n"
            "  --tx I --log K      the transaction index and the log index in its receipt\n"
            "  --outbox ADDRESS    the source Outbox contract\n"
            "  --rpc URL           fetch instead of reading files (prove, witness):\n"
            "    --block N           finality: the header of block N\n"
            "    --trusted-block M   finality: trust the validator list in block M's extraData\n"
            "                        (instead of --trusted; usually M = N - 1)\n"
            "    --tx-hash HASH      inclusion: the transaction that sent the message; its\n"
            "                        block's receipts are fetched (--log K: which log in its\n"
            "                        receipt, default the first MessageSent of --outbox)\n"
            "  --zkey FILE         prove: the statement's proving key (same parameters)\n"
            "  --proof, --public   prove: where to write proof.json and public.json\n"
            "  --threads N         prove: MSM threads (default 0: one per core)\n"
            "  --json              info as one JSON object\n"
            "\n"
            "exit status: 0 ok, 1 invalid input or write error, 2 usage error,\n"
            "             3 the input is not a true statement (no quorum, not a message)\n");
}

static int parse_size(size_t *out, const char *text, const char *name, size_t lo, size_t hi)
{
    if (!text) return CLI_OK;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || !end || *end || text[0] == '-' || text[0] == '\0' || v < lo || v > hi) {
        fprintf(stderr, "zkrelay circuit: %s wants a number from %zu to %zu, not '%s'\n", name, lo,
                hi, text);
        return CLI_USAGE;
    }
    *out = (size_t)v;
    return CLI_OK;
}

/* Parses the options shared by every subcommand; pos gets the positionals. */
static int circuit_parse(circuit_args *a, const char **pos, size_t *n_pos, size_t min_pos,
                         size_t max_pos, const char *prog, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    const cli_opt opts[] = {
        {"--validators", NULL, &a->validators},
        {"--max-header", NULL, &a->max_header},
        {"--depth", NULL, &a->depth},
        {"--max-receipt", NULL, &a->max_receipt},
        {"--max-logs", NULL, &a->max_logs},
        {"--header", NULL, &a->header},
        {"--trusted", NULL, &a->trusted},
        {"--receipts", NULL, &a->receipts},
        {"--tx", NULL, &a->tx},
        {"--log", NULL, &a->log},
        {"--outbox", NULL, &a->outbox},
        {"--wtns", NULL, &a->wtns},
        {"--json", &a->json, NULL},
        {"--rpc", NULL, &a->rpc},
        {"--block", NULL, &a->block},
        {"--trusted-block", NULL, &a->trusted_block},
        {"--tx-hash", NULL, &a->txhash},
        {"--zkey", NULL, &a->zkey},
        {"--proof", NULL, &a->proof},
        {"--public", NULL, &a->public_path},
        {"--threads", NULL, &a->threads},
    };
    int rc = cli_parse_argv(pos, n_pos, min_pos, max_pos, prog, opts, sizeof opts / sizeof *opts,
                            circuit_usage, argc, argv);
    if (rc) return rc;
    a->stmt = pos[0];
    size_t nv = 4;
    if ((rc = parse_size(&nv, a->validators, "--validators", 1, STMT_FIN_MAX_VALIDATORS)))
        return rc;
    stmt_fin_default_params(&a->fp, nv);
    stmt_inc_default_params(&a->ip);
    if ((rc = parse_size(&a->fp.max_header_len, a->max_header, "--max-header", 512, 16384)) ||
        (rc = parse_size(&a->ip.max_depth, a->depth, "--depth", 1, STMT_INC_MAX_DEPTH)) ||
        (rc = parse_size(&a->ip.max_receipt, a->max_receipt, "--max-receipt", 64, 65535)) ||
        (rc = parse_size(&a->ip.max_logs, a->max_logs, "--max-logs", 1, 256)))
        return rc;
    if (strcmp(a->stmt, "finality") && strcmp(a->stmt, "inclusion")) {
        fprintf(stderr, "%s: unknown statement '%s' (finality or inclusion)\n", prog, a->stmt);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* The start of every subcommand: answers --help (sets *done, returns CLI_OK), else parses
 * argv with exactly n_pos positionals into pos[0..n_pos). Returns CLI_OK or CLI_USAGE. */
static int circuit_start(circuit_args *a, const char **pos, size_t n_pos, bool *done,
                         const char *prog, int argc, char **argv)
{
    *done = cli_wants_help(argc, argv);
    if (*done) {
        circuit_usage(stdout);
        return CLI_OK;
    }
    size_t got = 0;
    return circuit_parse(a, pos, &got, n_pos, n_pos, prog, argc, argv);
}

/* Reads a JSON array of 20-byte addresses. */
static int read_addresses(uint8_t (*out)[20], size_t *n, size_t max, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cli_read_input(&text, &len, path, CIRCUIT_MAX_JSON);
    if (rc) return rc;
    json_error_t je;
    json_t *arr = json_loadb(text, len, 0, &je);
    free(text);
    rc = CLI_FAILURE;
    if (!json_is_array(arr) || json_array_size(arr) < 1 || json_array_size(arr) > max) {
        fprintf(stderr, "error: %s: want a JSON array of 1..%zu addresses\n", path, max);
        goto out;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        zk_errbuf err = {{0}, 0};
        if (!s || hex_decode_fixed(out[i], 20, s, &err) != ZK_OK) {
            fprintf(stderr, "error: %s: entry %zu is not a 20-byte hex address\n", path, i);
            goto out;
        }
    }
    *n = json_array_size(arr);
    rc = CLI_OK;
out:
    json_decref(arr);
    return rc;
}

/* Opens the --rpc client. Prints why and returns NULL on failure. */
static rpc_client *open_rpc(const circuit_args *a)
{
    zk_errbuf err = {{0}, 0};
    rpc_client *c = rpc_client_new(a->rpc, NULL, &err);
    if (!c) fprintf(stderr, "error: --rpc: %s\n", err.msg);
    return c;
}

/* Fetches block `number` over RPC and decodes its header. */
static int fetch_header(eth_header *h, rpc_client *c, uint64_t number)
{
    zk_errbuf err = {{0}, 0};
    json_t *blk = NULL;
    if (rpc_eth_get_block_by_number(c, &blk, rpc_block_at(number), false, &err) != ZK_OK) {
        fprintf(stderr, "error: block %llu: %s\n", (unsigned long long)number, err.msg);
        return CLI_FAILURE;
    }
    int rc = header_from_json(h, blk, &err);
    json_decref(blk);
    if (rc) {
        fprintf(stderr, "error: block %llu: %s\n", (unsigned long long)number, err.msg);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

/* The header to prove: --header FILE, or --rpc with --block N. */
static int load_header(eth_header *h, const circuit_args *a, rpc_client *c)
{
    if (c) {
        uint64_t number = 0;
        size_t nb = 0;
        int rc = parse_size(&nb, a->block, "--block", 1, SIZE_MAX);
        number = nb;
        return rc ? rc : fetch_header(h, c, number);
    }
    char *text = NULL;
    size_t len = 0;
    int rc = cli_read_input(&text, &len, a->header, CIRCUIT_MAX_JSON);
    if (rc) return rc;
    bool has_claim = false;
    uint8_t claim[32];
    rc = cli_header_decode(h, &has_claim, claim, text, len);
    free(text);
    return rc;
}

/* The trusted list: --trusted FILE, or the validators in block --trusted-block's extraData. */
static int load_trusted(uint8_t (*out)[20], size_t *n, const circuit_args *a, rpc_client *c)
{
    if (a->trusted) return read_addresses(out, n, STMT_FIN_MAX_VALIDATORS, a->trusted);
    size_t m = 0;
    int rc = parse_size(&m, a->trusted_block, "--trusted-block", 0, SIZE_MAX);
    if (rc) return rc;
    eth_header h;
    if ((rc = fetch_header(&h, c, m))) return rc;
    zk_errbuf err = {{0}, 0};
    bft_extra *x = malloc(sizeof *x);
    rc = CLI_FAILURE;
    if (!x)
        fprintf(stderr, "error: out of memory\n");
    else if (bft_extra_decode(x, BFT_QBFT, h.extra_data, h.extra_len, &err) != ZK_OK)
        fprintf(stderr, "error: block %zu: extraData: %s\n", m, err.msg);
    else if (x->n_validators < 1 || x->n_validators > STMT_FIN_MAX_VALIDATORS)
        fprintf(stderr, "error: block %zu lists %zu validators\n", m, x->n_validators);
    else {
        memcpy(out, x->validators, 20 * x->n_validators);
        *n = x->n_validators;
        rc = CLI_OK;
    }
    free(x);
    header_clear(&h);
    return rc;
}

static int fin_witness(stmt_fin_witness *w, const circuit_args *a, bool synthetic)
{
    zk_errbuf err = {{0}, 0};
    secp256k1_context *ctx = ecdsa_context_new(&err);
    if (!ctx) {
        fprintf(stderr, "error: %s\n", err.msg);
        return CLI_FAILURE;
    }
    int rc = CLI_FAILURE, zrc;
    rpc_client *c = NULL;
    if (synthetic) {
        zrc = stmt_fin_witness_synthetic(w, &a->fp, ctx, a->fp.max_validators, &err);
        if (zrc)
            fprintf(stderr, "error: %s\n", err.msg);
        else
            rc = CLI_OK;
        goto out;
    }
    bool from_rpc = a->rpc && a->block;
    if (!(from_rpc || a->header) || !(a->trusted || (a->rpc && a->trusted_block))) {
        fprintf(stderr, "zkrelay: finality needs --header FILE or --rpc URL --block N, and\n"
                        "--trusted FILE or --rpc URL --trusted-block M\n");
        rc = CLI_USAGE;
        goto out;
    }
    if (a->rpc && !(c = open_rpc(a))) goto out;
    uint8_t trusted[STMT_FIN_MAX_VALIDATORS][20];
    size_t n_trusted = 0;
    if ((rc = load_trusted(trusted, &n_trusted, a, c))) goto out;
    eth_header h;
    if ((rc = load_header(&h, a, from_rpc ? c : NULL))) goto out;
    zrc = stmt_fin_witness_from_header(w, &a->fp, ctx, &h, (const uint8_t(*)[20])trusted, n_trusted,
                                       &err);
    header_clear(&h);
    if (zrc) {
        fprintf(stderr, "error: %s\n", err.msg);
        rc = zrc == ZK_ERR_REJECTED ? CLI_REJECTED : CLI_FAILURE;
    }
out:
    rpc_client_free(c);
    ecdsa_context_free(ctx);
    return rc;
}

/* Encodes every receipt of an eth_getBlockReceipts array. what: for messages. */
static int encode_receipts(uint8_t ***enc, size_t **lens, size_t *n, const json_t *arr,
                           const char *what)
{
    if (!json_is_array(arr) || json_array_size(arr) < 1 ||
        json_array_size(arr) > RECEIPTS_MAX_PER_BLOCK) {
        fprintf(stderr, "error: %s: want eth_getBlockReceipts JSON (a non-empty array)\n", what);
        return CLI_FAILURE;
    }
    *n = json_array_size(arr);
    *enc = calloc(*n, sizeof **enc);
    *lens = calloc(*n, sizeof **lens);
    if (!*enc || !*lens) {
        fprintf(stderr, "error: out of memory\n");
        return CLI_FAILURE;
    }
    for (size_t i = 0; i < *n; i++) {
        eth_receipt r;
        zk_errbuf err = {{0}, 0};
        if (receipt_from_json(&r, json_array_get(arr, i), &err) != ZK_OK) {
            fprintf(stderr, "error: %s: receipt %zu: %s\n", what, i, err.msg);
            return CLI_FAILURE;
        }
        zk_buf b;
        buf_init(&b, 1u << 26);
        int erc = receipt_encode(&b, &r);
        receipt_clear(&r);
        if (erc) {
            buf_clear(&b);
            fprintf(stderr, "error: %s: receipt %zu: %s\n", what, i, zk_strerror(erc));
            return CLI_FAILURE;
        }
        (*enc)[i] = b.data;
        (*lens)[i] = b.len;
    }
    return CLI_OK;
}

/* Reads eth_getBlockReceipts JSON from a file and encodes every receipt. */
static int read_receipts(uint8_t ***enc, size_t **lens, size_t *n, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cli_read_input(&text, &len, path, CIRCUIT_MAX_JSON);
    if (rc) return rc;
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    free(text);
    rc = encode_receipts(enc, lens, n, root ? cli_rpc_result(root) : NULL, path);
    json_decref(root);
    return rc;
}

/* --rpc with --tx-hash: the block's receipts, the transaction's index and, unless --log
 * says, the position of the first MessageSent log of outbox in its receipt. */
static int fetch_receipts(uint8_t ***enc, size_t **lens, size_t *n, size_t *tx, size_t *lg,
                          bool have_log, const uint8_t outbox[20], const circuit_args *a)
{
    zk_errbuf err = {{0}, 0};
    uint8_t hash[32];
    if (hex_decode_fixed(hash, 32, a->txhash, &err) != ZK_OK) {
        fprintf(stderr, "zkrelay: --tx-hash wants a 32-byte hex hash: %s\n", err.msg);
        return CLI_USAGE;
    }
    rpc_client *c = open_rpc(a);
    if (!c) return CLI_FAILURE;
    json_t *rcpt = NULL, *all = NULL;
    int rc = CLI_FAILURE;
    uint64_t block = 0, index = 0;
    if (rpc_eth_get_transaction_receipt(c, &rcpt, hash, &err) != ZK_OK ||
        json_get_quantity(&block, rcpt, "blockNumber", &err) != ZK_OK ||
        json_get_quantity(&index, rcpt, "transactionIndex", &err) != ZK_OK) {
        fprintf(stderr, "error: transaction %s: %s\n", a->txhash, err.msg);
        goto out;
    }
    if (rpc_eth_get_block_receipts(c, &all, rpc_block_at(block), &err) != ZK_OK) {
        fprintf(stderr, "error: receipts of block %llu: %s\n", (unsigned long long)block, err.msg);
        goto out;
    }
    *tx = (size_t)index;
    if (!have_log) {
        uint8_t topic[32];
        stmt_inc_event_topic(topic);
        const json_t *logs = json_object_get(rcpt, "logs");
        size_t i;
        for (i = 0; i < json_array_size(logs); i++) {
            const json_t *l = json_array_get(logs, i);
            uint8_t addr[20], t0[32];
            const char *as = json_string_value(json_object_get(l, "address"));
            const char *ts = json_string_value(json_array_get(json_object_get(l, "topics"), 0));
            if (as && ts && hex_decode_fixed(addr, 20, as, NULL) == ZK_OK &&
                hex_decode_fixed(t0, 32, ts, NULL) == ZK_OK && !memcmp(addr, outbox, 20) &&
                !memcmp(t0, topic, 32))
                break;
        }
        if (i == json_array_size(logs)) {
            fprintf(stderr, "error: transaction %s emitted no MessageSent of %s\n", a->txhash,
                    a->outbox);
            rc = CLI_REJECTED;
            goto out;
        }
        *lg = i;
    }
    rc = encode_receipts(enc, lens, n, all, "eth_getBlockReceipts");
out:
    json_decref(rcpt);
    json_decref(all);
    rpc_client_free(c);
    return rc;
}

static int inc_witness(stmt_inc_witness *w, const circuit_args *a, bool synthetic)
{
    zk_errbuf err = {{0}, 0};
    int zrc;
    if (synthetic) {
        /* a block whose proof path fits the depth: 1 receipt (the leaf is the root), 2, or 3 */
        zrc =
            stmt_inc_witness_synthetic(w, &a->ip, a->ip.max_depth < 3 ? a->ip.max_depth : 3, &err);
        if (zrc) fprintf(stderr, "error: %s\n", err.msg);
        return zrc ? CLI_FAILURE : CLI_OK;
    }
    bool from_rpc = a->rpc && a->txhash;
    if (!a->outbox || !(from_rpc || (a->receipts && a->tx && a->log))) {
        fprintf(stderr, "zkrelay: inclusion needs --outbox, and --receipts FILE --tx I --log K or\n"
                        "--rpc URL --tx-hash HASH [--log K]\n");
        return CLI_USAGE;
    }
    size_t tx = 0, lg = 0;
    int rc;
    if ((rc = parse_size(&tx, a->tx, "--tx", 0, RECEIPTS_MAX_PER_BLOCK - 1)) ||
        (rc = parse_size(&lg, a->log, "--log", 0, 255)))
        return rc;
    uint8_t outbox[20];
    if (hex_decode_fixed(outbox, 20, a->outbox, &err) != ZK_OK) {
        fprintf(stderr, "zkrelay: --outbox wants a 20-byte hex address: %s\n", err.msg);
        return CLI_USAGE;
    }
    uint8_t **enc = NULL;
    size_t *lens = NULL, n = 0;
    rc = from_rpc ? fetch_receipts(&enc, &lens, &n, &tx, &lg, a->log != NULL, outbox, a)
                  : read_receipts(&enc, &lens, &n, a->receipts);
    if (rc == CLI_OK) {
        zrc = stmt_inc_witness_from_receipts(w, &a->ip, (const uint8_t *const *)enc, lens, n, tx,
                                             lg, outbox, &err);
        if (zrc) {
            fprintf(stderr, "error: %s\n", err.msg);
            rc = zrc == ZK_ERR_REJECTED ? CLI_REJECTED : CLI_FAILURE;
        }
    }
    for (size_t i = 0; enc && i < n; i++)
        free(enc[i]);
    free(enc);
    free(lens);
    return rc;
}

/* Builds the statement a names into cs (finalized), from a real or synthetic witness. */
static int circuit_build(r1cs *cs, const circuit_args *a, bool synthetic)
{
    zk_errbuf err = {{0}, 0};
    int rc, zrc;
    if (r1cs_init(cs) != ZK_OK) {
        fprintf(stderr, "error: out of memory\n");
        return CLI_FAILURE;
    }
    if (!strcmp(a->stmt, "finality")) {
        stmt_fin_witness w;
        if ((rc = fin_witness(&w, a, synthetic))) return rc;
        zrc = stmt_fin_build(cs, &a->fp, &w, NULL, &err);
        stmt_fin_witness_clear(&w);
    } else {
        stmt_inc_witness w;
        if ((rc = inc_witness(&w, a, synthetic))) return rc;
        zrc = stmt_inc_build(cs, &a->ip, &w, NULL, &err);
        stmt_inc_witness_clear(&w);
    }
    if (zrc == ZK_OK) zrc = r1cs_finalize(cs);
    if (zrc) {
        fprintf(stderr, "error: building the %s circuit: %s\n", a->stmt, err.msg);
        return zrc == ZK_ERR_REJECTED ? CLI_REJECTED : CLI_FAILURE;
    }
    return CLI_OK;
}

static int write_wtns(const r1cs *cs, const char *path)
{
    zk_errbuf err = {{0}, 0};
    size_t blen = (size_t)cs->n_vars * 32;
    uint8_t *buf = malloc(blen);
    zk_buf b;
    buf_init(&b, 0);
    wtns_file w;
    int rc = CLI_FAILURE;
    if (!buf)
        fprintf(stderr, "error: out of memory\n");
    else if (r1cs_witness_to_file(&w, buf, blen, cs, &err) != ZK_OK ||
             wtns_file_write(&b, &w) != ZK_OK)
        fprintf(stderr, "error: formatting %s: %s\n", path, err.msg);
    else if (binfile_write_file(path, b.data, b.len, &err) != ZK_OK)
        fprintf(stderr, "error: cannot write %s\n", err.msg);
    else
        rc = CLI_OK;
    free(buf);
    buf_clear(&b);
    return rc;
}

static int write_r1cs(const r1cs *cs, const char *path)
{
    zk_errbuf err = {{0}, 0};
    r1cs_file f;
    memset(&f, 0, sizeof f);
    zk_buf b;
    buf_init(&b, 0);
    int rc = CLI_FAILURE;
    if (r1cs_to_file(&f, cs, &err) != ZK_OK || r1cs_file_write(&b, &f) != ZK_OK)
        fprintf(stderr, "error: formatting %s: %s\n", path, err.msg);
    else if (binfile_write_file(path, b.data, b.len, &err) != ZK_OK)
        fprintf(stderr, "error: cannot write %s\n", err.msg);
    else
        rc = CLI_OK;
    r1cs_file_clear(&f);
    buf_clear(&b);
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int circuit_info(int argc, char **argv)
{
    static const char prog[] = "zkrelay circuit info";
    circuit_args a;
    const char *pos[1] = {NULL};
    bool done = false;
    int rc = circuit_start(&a, pos, 1, &done, prog, argc, argv);
    if (rc || done) return rc;
    r1cs cs;
    memset(&cs, 0, sizeof cs);
    double t0 = now_s();
    rc = circuit_build(&cs, &a, true);
    double t1 = now_s();
    if (rc == CLI_OK) {
        size_t domain = 1;
        while (domain < cs.n_cons + r1cs_n_public(&cs) + 1)
            domain <<= 1;
        json_t *o = json_object();
        json_object_set_new(o, "statement", json_string(a.stmt));
        if (!strcmp(a.stmt, "finality")) {
            json_object_set_new(o, "validators", json_integer((json_int_t)a.fp.max_validators));
            json_object_set_new(o, "maxHeader", json_integer((json_int_t)a.fp.max_header_len));
            json_object_set_new(o, "signatureSlots",
                                json_integer((json_int_t)stmt_fin_slots(&a.fp)));
        } else {
            json_object_set_new(o, "depth", json_integer((json_int_t)a.ip.max_depth));
            json_object_set_new(o, "maxReceipt", json_integer((json_int_t)a.ip.max_receipt));
            json_object_set_new(o, "maxLogs", json_integer((json_int_t)a.ip.max_logs));
        }
        json_object_set_new(o, "constraints", json_integer((json_int_t)cs.n_cons));
        json_object_set_new(o, "variables", json_integer((json_int_t)cs.n_vars));
        json_object_set_new(o, "publicSignals", json_integer((json_int_t)r1cs_n_public(&cs)));
        json_object_set_new(o, "domainSize", json_integer((json_int_t)domain));
        json_object_set_new(o, "buildSeconds", json_real(t1 - t0));
        if (a.json) {
            json_dumpf(o, stdout, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(4));
            putchar('\n');
        } else {
            printf("statement: %s\n", a.stmt);
            const char *k;
            json_t *v;
            json_object_foreach(o, k, v)
            {
                if (!strcmp(k, "statement")) continue;
                if (json_is_integer(v))
                    printf("%s: %lld\n", k, (long long)json_integer_value(v));
                else if (json_is_real(v))
                    printf("%s: %.2f\n", k, json_real_value(v));
            }
        }
        json_decref(o);
    }
    r1cs_clear(&cs);
    return rc;
}

static int circuit_export(int argc, char **argv)
{
    static const char prog[] = "zkrelay circuit export-r1cs";
    circuit_args a;
    const char *pos[2] = {NULL, NULL};
    bool done = false;
    int rc = circuit_start(&a, pos, 2, &done, prog, argc, argv);
    if (rc || done) return rc;
    r1cs cs;
    memset(&cs, 0, sizeof cs);
    rc = circuit_build(&cs, &a, true);
    if (rc == CLI_OK) rc = write_r1cs(&cs, pos[1]);
    if (rc == CLI_OK && a.wtns) rc = write_wtns(&cs, a.wtns);
    if (rc == CLI_OK)
        printf("%s: %zu constraints, %u wires, %u public -> %s\n", a.stmt, cs.n_cons, cs.n_vars,
               r1cs_n_public(&cs), pos[1]);
    r1cs_clear(&cs);
    return rc;
}

static int circuit_witness(int argc, char **argv)
{
    static const char prog[] = "zkrelay circuit witness";
    circuit_args a;
    const char *pos[2] = {NULL, NULL};
    bool done = false;
    int rc = circuit_start(&a, pos, 2, &done, prog, argc, argv);
    if (rc || done) return rc;
    r1cs cs;
    memset(&cs, 0, sizeof cs);
    rc = circuit_build(&cs, &a, false);
    if (rc == CLI_OK) {
        size_t bad = 0;
        zk_errbuf err = {{0}, 0};
        if (r1cs_is_satisfied(&cs, &bad, &err) != ZK_OK) {
            fprintf(stderr, "error: the witness does not satisfy the circuit: %s\n", err.msg);
            rc = CLI_REJECTED;
        }
    }
    if (rc == CLI_OK) rc = write_wtns(&cs, pos[1]);
    r1cs_clear(&cs);
    return rc;
}

int cli_prove(int argc, char **argv)
{
    static const char prog[] = "zkrelay prove";
    circuit_args a;
    const char *pos[1] = {NULL};
    bool done = false;
    int rc = circuit_start(&a, pos, 1, &done, prog, argc, argv);
    if (rc || done) return rc;
    size_t threads = 0;
    if ((rc = parse_size(&threads, a.threads, "--threads", 0, 256))) return rc;
    if (!a.zkey || !a.proof || !a.public_path) {
        fprintf(stderr, "%s: needs --zkey, --proof and --public\n", prog);
        return CLI_USAGE;
    }
    r1cs cs;
    memset(&cs, 0, sizeof cs);
    rc = circuit_build(&cs, &a, false);
    if (rc == CLI_OK)
        rc = cli_groth16_prove_witness(a.zkey, cs.values, cs.n_vars, a.proof, a.public_path,
                                       (unsigned)threads);
    if (rc == CLI_OK) printf("%s: proof %s, public signals %s\n", a.stmt, a.proof, a.public_path);
    r1cs_clear(&cs);
    return rc;
}

static const cli_cmd circuit_cmds[] = {
    {"info", circuit_info, "constraints, variables and public signals of a statement"},
    {"export-r1cs", circuit_export, "write a statement as circom .r1cs (and a sample .wtns)"},
    {"witness", circuit_witness, "write the .wtns of a real header or receipt"},
};

int cli_circuit(int argc, char **argv)
{
    return cli_dispatch("zkrelay circuit", circuit_cmds,
                        sizeof(circuit_cmds) / sizeof(*circuit_cmds), argc, argv);
}
