/* `zkrelay-devnet send` (devnet/cmd_send.h). */
#include "devnet/cmd_send.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lightclient/lightclient.h"
#include "relayer/abi.h"
#include "relayer/bridge_abi.h"
#include "relayer/cli.h"
#include "relayer/rpc.h"

/* anvil's default chain id: the demo's destination node. */
#define SEND_DEFAULT_DST 31337
/* Outbox.MAX_PAYLOAD (contracts-abi/src/Outbox.sol). */
#define SEND_MAX_PAYLOAD 1024
/* anvil mines at once; a sealed devnet block takes a second or two. */
#define SEND_RECEIPT_TIMEOUT_S 60.0

static void send_usage(FILE *f)
{
    fputs("usage: zkrelay-devnet send --rpc URL --outbox ADDR --receiver ADDR\n"
          "                           (--payload TEXT | --payload-hex HEX)\n"
          "                           [--dst-chain-id N] [--from ADDR] [--json]\n"
          "\n"
          "Sends one message through the Outbox: Outbox.send(dstChainId, receiver,\n"
          "payload) as an eth_sendTransaction from the node's first unlocked account\n"
          "(anvil's dev account; or --from), then waits for the receipt and prints the\n"
          "message hash m, its nonce, the source block, the transaction and its gas.\n"
          "\n"
          "  --rpc URL          the source chain (anvil, or the devnet sealer in front of it)\n"
          "  --outbox ADDR      the Outbox contract\n"
          "  --receiver ADDR    the receiving contract on the destination chain\n"
          "  --payload TEXT     the payload: the bytes of TEXT\n"
          "  --payload-hex HEX  the payload as hex bytes (CrossChainCounter adds a 32-byte\n"
          "                     payload as a number; any other payload adds 1)\n"
          "  --dst-chain-id N   the destination chain id (default 31337, anvil's)\n"
          "  --from ADDR        an unlocked account of the node instead of the first\n"
          "  --json             print one JSON object\n"
          "\n"
          "DEVNET TOOLING: it relies on a node that signs for an unlocked account.\n"
          "exit status: 0 sent, 1 RPC error or reverted send, 2 usage error\n",
          f);
}

static bool send_parse_addr(uint8_t out[20], const char *s)
{
    return s && strlen(s) == 42 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
           hex_decode_fixed(out, 20, s, NULL) == ZK_OK;
}

static void send_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double send_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The MessageSent log of receipt emitted by outbox (borrowed), or NULL. */
static const json_t *send_find_log(const json_t *receipt, const uint8_t outbox[20])
{
    const json_t *logs = json_object_get(receipt, "logs");
    for (size_t i = 0; i < json_array_size(logs); i++) {
        const json_t *l = json_array_get(logs, i);
        const json_t *topics = json_object_get(l, "topics");
        uint8_t a[20], t0[32];
        if (json_get_data_fixed(a, 20, l, "address", NULL) != ZK_OK || memcmp(a, outbox, 20) != 0)
            continue;
        const char *s = json_string_value(json_array_get(topics, 0));
        if (s && hex_decode_fixed(t0, 32, s, NULL) == ZK_OK &&
            memcmp(t0, bridge_abi_topic_message_sent, 32) == 0)
            return l;
    }
    return NULL;
}

/* Outbox.send calldata into out. */
static int send_calldata(zk_buf *out, uint64_t dst, const uint8_t receiver[20],
                         const uint8_t *payload, size_t len)
{
    abi_enc e;
    abi_enc_init(&e, 0);
    abi_enc_selector(&e, "send(uint64,address,bytes)");
    abi_enc_uint64(&e, dst);
    abi_enc_address(&e, receiver);
    abi_enc_bytes(&e, payload, len);
    int rc = abi_enc_finish(&e, out, NULL);
    abi_enc_clear(&e);
    return rc;
}

int devnet_cmd_send(int argc, char **argv)
{
    static const char prog[] = "zkrelay-devnet send";
    if (cli_wants_help(argc, argv)) {
        send_usage(stdout);
        return CLI_OK;
    }
    const char *url = NULL, *outbox_s = NULL, *receiver_s = NULL, *text = NULL, *hex = NULL,
               *dst_s = NULL, *from_s = NULL;
    bool as_json = false;
    const cli_opt opts[] = {
        {"--rpc", NULL, &url},
        {"--outbox", NULL, &outbox_s},
        {"--receiver", NULL, &receiver_s},
        {"--payload", NULL, &text},
        {"--payload-hex", NULL, &hex},
        {"--dst-chain-id", NULL, &dst_s},
        {"--from", NULL, &from_s},
        {"--json", &as_json, NULL},
    };
    const char *pos[1];
    size_t n_pos = 0;
    int rc = cli_parse_argv(pos, &n_pos, 0, 0, prog, opts, sizeof(opts) / sizeof(*opts), send_usage,
                            argc, argv);
    if (rc) return rc;
    uint8_t outbox[20], receiver[20], from[20];
    uint64_t dst = SEND_DEFAULT_DST;
    if (!url || !outbox_s || !receiver_s || !!text == !!hex) {
        fprintf(stderr,
                "%s: --rpc, --outbox, --receiver and one of --payload / --payload-hex "
                "are required\n",
                prog);
        send_usage(stderr);
        return CLI_USAGE;
    }
    if (!send_parse_addr(outbox, outbox_s) || !send_parse_addr(receiver, receiver_s) ||
        (from_s && !send_parse_addr(from, from_s))) {
        fprintf(stderr, "%s: an address is \"0x\" and 40 hex digits\n", prog);
        return CLI_USAGE;
    }
    if (dst_s) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(dst_s, &end, 10);
        if (dst_s[0] < '1' || dst_s[0] > '9' || errno || *end) {
            fprintf(stderr, "%s: --dst-chain-id wants a positive decimal number, got '%s'\n", prog,
                    dst_s);
            return CLI_USAGE;
        }
        dst = (uint64_t)v;
    }
    uint8_t *payload = NULL;
    size_t plen = 0;
    if (hex) {
        if (hex_decode_alloc(&payload, &plen, hex, NULL) != ZK_OK) {
            fprintf(stderr, "%s: --payload-hex is not hex\n", prog);
            return CLI_USAGE;
        }
    } else {
        plen = strlen(text);
        payload = malloc(plen ? plen : 1);
        if (!payload) {
            fprintf(stderr, "%s: out of memory\n", prog);
            return CLI_FAILURE;
        }
        memcpy(payload, text, plen);
    }
    if (plen > SEND_MAX_PAYLOAD) {
        fprintf(stderr, "%s: the payload has %zu bytes; the Outbox takes at most %d\n", prog, plen,
                SEND_MAX_PAYLOAD);
        free(payload);
        return CLI_USAGE;
    }

    zk_errbuf err = {{0}, 0};
    zk_buf data;
    buf_init(&data, 0);
    rpc_client *c = NULL;
    json_t *res = NULL, *receipt = NULL;
    bool curl = false;
    rc = CLI_FAILURE;
    if (send_calldata(&data, dst, receiver, payload, plen) != ZK_OK) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto out;
    }
    if (rpc_global_init() != ZK_OK) {
        fprintf(stderr, "%s: cannot initialise libcurl\n", prog);
        goto out;
    }
    curl = true;
    rpc_options ro = rpc_options_default();
    ro.max_retries = 2;
    if (!(c = rpc_client_new(url, &ro, &err))) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        rc = CLI_USAGE;
        goto out;
    }
    if (!from_s) {
        if (rpc_call(c, &res, "eth_accounts", NULL, &err) != ZK_OK) {
            fprintf(stderr, "%s: eth_accounts: %s\n", prog, err.msg);
            goto out;
        }
        const char *a0 = json_string_value(json_array_get(res, 0));
        if (!a0 || !send_parse_addr(from, a0)) {
            fprintf(stderr, "%s: the node has no unlocked account (not anvil?); use --from\n",
                    prog);
            goto out;
        }
        json_decref(res);
        res = NULL;
    }
    char from_hex[43], to_hex[43];
    char *data_hex = malloc(hex_encoded_len(data.len, true));
    if (!data_hex) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto out;
    }
    hex_encode(from_hex, from, 20, true);
    hex_encode(to_hex, outbox, 20, true);
    hex_encode(data_hex, data.data, data.len, true);
    int zrc = rpc_call(
        c, &res, "eth_sendTransaction",
        json_pack("[{s:s,s:s,s:s}]", "from", from_hex, "to", to_hex, "data", data_hex), &err);
    free(data_hex);
    uint8_t hash[32];
    if (zrc != ZK_OK) {
        fprintf(stderr, "%s: eth_sendTransaction: %s\n", prog, err.msg);
        goto out;
    }
    if (!json_is_string(res) || hex_decode_fixed(hash, 32, json_string_value(res), NULL) != ZK_OK) {
        fprintf(stderr, "%s: eth_sendTransaction: the result is not a transaction hash\n", prog);
        goto out;
    }
    double t0 = send_now_s();
    for (;;) {
        zrc = rpc_eth_get_transaction_receipt(c, &receipt, hash, &err);
        if (zrc == ZK_OK) break;
        if (zrc != ZK_ERR_NOTFOUND || send_now_s() - t0 > SEND_RECEIPT_TIMEOUT_S) {
            fprintf(stderr, "%s: no receipt: %s\n", prog,
                    zrc == ZK_ERR_NOTFOUND ? "not mined within 60 s" : err.msg);
            goto out;
        }
        send_sleep_ms(100);
    }
    uint64_t status = 0, block = 0, gas = 0;
    if (json_get_quantity(&status, receipt, "status", &err) != ZK_OK ||
        json_get_quantity(&block, receipt, "blockNumber", &err) != ZK_OK ||
        json_get_quantity(&gas, receipt, "gasUsed", &err) != ZK_OK) {
        fprintf(stderr, "%s: receipt: %s\n", prog, err.msg);
        goto out;
    }
    if (status != 1) {
        fprintf(stderr, "%s: Outbox.send reverted in block %llu (wrong --outbox?)\n", prog,
                (unsigned long long)block);
        goto out;
    }
    const json_t *log = send_find_log(receipt, outbox);
    const json_t *topics = log ? json_object_get(log, "topics") : NULL;
    uint8_t m[32], nonce_w[32];
    if (!log || json_array_size(topics) != 4 ||
        hex_decode_fixed(m, 32, json_string_value(json_array_get(topics, 1)), NULL) != ZK_OK ||
        hex_decode_fixed(nonce_w, 32, json_string_value(json_array_get(topics, 2)), NULL) !=
            ZK_OK) {
        fprintf(stderr, "%s: the receipt has no MessageSent log of %s (not an Outbox?)\n", prog,
                to_hex);
        goto out;
    }
    uint64_t nonce = be64_load(nonce_w + 24);
    char mh[67], th[67];
    hex_encode(mh, m, 32, true);
    hex_encode(th, hash, 32, true);
    if (as_json) {
        json_t *o =
            json_pack("{s:s,s:I,s:I,s:s,s:I,s:s,s:I}", "message", mh, "nonce", (json_int_t)nonce,
                      "block", (json_int_t)block, "transaction", th, "gasUsed", (json_int_t)gas,
                      "sender", from_hex, "dstChainId", (json_int_t)dst);
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!s) {
            fprintf(stderr, "%s: out of memory\n", prog);
            goto out;
        }
        puts(s);
        free(s);
    } else {
        printf("message: %s\nnonce: %llu\nblock: %llu\ntransaction: %s\ngasUsed: %llu\n"
               "sender: %s\n",
               mh, (unsigned long long)nonce, (unsigned long long)block, th,
               (unsigned long long)gas, from_hex);
    }
    rc = fflush(stdout) == 0 ? CLI_OK : CLI_FAILURE;
out:
    json_decref(res);
    json_decref(receipt);
    rpc_client_free(c);
    if (curl) rpc_global_cleanup();
    buf_clear(&data);
    free(payload);
    return rc;
}
