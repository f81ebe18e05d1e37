/* libFuzzer harness: JSON-RPC answer handling (relayer/rpc.h, rpc_eth.c, rpc_tx.h)
 * and the code that consumes the answers (header_from_json, receipts_root_from_json,
 * receipt_from_json, rpc_receipt_summary, state_proof_verify, fees_suggest,
 * abi_revert_decode).
 *
 * rpc.c parses and validates a response only inside rpc_post, after libcurl
 * received it, so the harness serves the input over HTTP: a one-thread HTTP/1.1
 * server on 127.0.0.1 answers every request with the input's body. Each input
 * gets a fresh client (no retries), so request ids start at 1 and a seed can
 * answer id 1 (a batch uses ids 1..3).
 *
 * Input: u8 op (which call, mod FUZZ_RPC_N_OPS), u8 status (HTTP status of the
 * answer: 200 for values below 0xf0, else 400, 429, 500 or 503), then the body.
 * Checked: a call that fails leaves *result NULL (rpc_call); a batch reports for
 * each entry a result exactly when its code is ZK_OK; a typed helper that
 * succeeds gives a value of the shape its contract names. */
#include "fuzz/fuzz.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lightclient/lightclient.h"
#include "relayer/abi.h"
#include "relayer/fees.h"
#include "relayer/rpc.h"
#include "relayer/rpc_tx.h"

/* The answer the server gives, set by the harness around each call and guarded by
 * mu, which the server holds while it sends. */
typedef struct fuzz_rpc_server {
    int lfd;
    char url[64];
    pthread_mutex_t mu;
    const uint8_t *body;
    size_t body_len;
    int status;
} fuzz_rpc_server;

static bool fuzz_rpc_send_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0) return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

/* The Content-Length of the request whose headers are req[0..end), or 0. */
static size_t fuzz_rpc_content_length(const char *req, const char *end)
{
    for (const char *line = req; line && line < end; line = strstr(line, "\r\n")) {
        if (line != req) line += 2;
        if (strncasecmp(line, "content-length:", 15) == 0) return strtoul(line + 15, NULL, 10);
    }
    return 0;
}

/* Serves the requests of one connection until the client closes it. */
static void fuzz_rpc_serve(fuzz_rpc_server *s, int fd)
{
    char req[1 << 16];
    size_t have = 0;
    for (;;) {
        /* Read one request: headers, then Content-Length bytes of body. */
        char *end = NULL;
        size_t need = 0;
        for (;;) {
            if (!end) {
                req[have] = '\0';
                end = strstr(req, "\r\n\r\n");
                if (end) {
                    need = (size_t)(end + 4 - req) + fuzz_rpc_content_length(req, end);
                    if (need >= sizeof(req)) return;
                }
            }
            if (end && have >= need) break;
            if (have + 1 >= sizeof(req)) return;
            ssize_t r = recv(fd, req + have, sizeof(req) - 1 - have, 0);
            if (r <= 0) return;
            have += (size_t)r;
        }
        memmove(req, req + need, have - need);
        have -= need;

        /* The body is the fuzzer's input buffer: hold the lock while sending, so the
         * harness cannot return (and libFuzzer free the input) before the send ends,
         * even when the client stops reading early. */
        pthread_mutex_lock(&s->mu);
        char head[160];
        int hl = snprintf(head, sizeof(head),
                          "HTTP/1.1 %d Fuzz\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n\r\n",
                          s->status, s->body_len);
        bool sent =
            fuzz_rpc_send_all(fd, head, (size_t)hl) && fuzz_rpc_send_all(fd, s->body, s->body_len);
        pthread_mutex_unlock(&s->mu);
        if (!sent) return;
    }
}

static void *fuzz_rpc_thread(void *arg)
{
    fuzz_rpc_server *s = arg;
    for (;;) {
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0) continue;
        fuzz_rpc_serve(s, fd);
        close(fd);
    }
    return NULL;
}

/* Starts the server once per process. Returns NULL when it cannot. */
static fuzz_rpc_server *fuzz_rpc_server_get(void)
{
    static fuzz_rpc_server srv;
    static bool started, failed;
    if (started) return &srv;
    if (failed) return NULL;
    failed = true;
    if (rpc_global_init() != ZK_OK) return NULL;
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    srv.lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (srv.lfd < 0 || bind(srv.lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(srv.lfd, 16) != 0 || getsockname(srv.lfd, (struct sockaddr *)&a, &al) != 0)
        return NULL;
    snprintf(srv.url, sizeof(srv.url), "http://127.0.0.1:%u/", (unsigned)ntohs(a.sin_port));
    pthread_mutex_init(&srv.mu, NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, fuzz_rpc_thread, &srv) != 0) return NULL;
    pthread_detach(t);
    started = true;
    failed = false;
    return &srv;
}

enum {
    FUZZ_RPC_CHAIN_ID,
    FUZZ_RPC_BLOCK_NUMBER,
    FUZZ_RPC_BLOCK,
    FUZZ_RPC_BLOCK_RECEIPTS,
    FUZZ_RPC_TX_RECEIPT,
    FUZZ_RPC_LOGS,
    FUZZ_RPC_PROOF,
    FUZZ_RPC_CALL,
    FUZZ_RPC_SEND_RAW,
    FUZZ_RPC_NONCE,
    FUZZ_RPC_FEE_HISTORY,
    FUZZ_RPC_BATCH,
    FUZZ_RPC_GENERIC,
    FUZZ_RPC_CALL_REVERT,
    FUZZ_RPC_ESTIMATE_GAS,
    FUZZ_RPC_N_OPS
};

/* Runs one call against the server's current answer. */
static bool fuzz_rpc_op(rpc_client *c, int op)
{
    bool ok = true;
    static const uint8_t addr[20] = {0x11}, hash[32] = {0x22}, slot[1][32] = {{0x33}};
    json_t *v = NULL;
    uint64_t u;
    uint8_t h[32], *out = NULL;
    size_t out_len = 0;
    eth_header hdr;
    eth_receipt r;
    int rc;
    switch (op) {
    case FUZZ_RPC_CHAIN_ID:
        FUZZ_IGNORE(rpc_eth_chain_id(c, &u, NULL));
        break;
    case FUZZ_RPC_BLOCK_NUMBER:
        FUZZ_IGNORE(rpc_eth_block_number(c, &u, NULL));
        break;
    case FUZZ_RPC_BLOCK:
        if (rpc_eth_get_block_by_number(c, &v, rpc_block_tagged(RPC_BLOCK_FINALIZED), false,
                                        NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, json_is_object(v));
            header_init(&hdr);
            FUZZ_IGNORE(header_from_json(&hdr, v, NULL));
            header_clear(&hdr);
        }
        break;
    case FUZZ_RPC_BLOCK_RECEIPTS:
        if (rpc_eth_get_block_receipts(c, &v, rpc_block_at(7), NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, json_is_array(v));
            FUZZ_IGNORE(receipts_root_from_json(h, v, NULL));
        }
        break;
    case FUZZ_RPC_TX_RECEIPT:
        if (rpc_eth_get_transaction_receipt(c, &v, hash, NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, json_is_object(v));
            bool success;
            uint64_t block, gas, price;
            FUZZ_IGNORE(rpc_receipt_summary(&success, &block, &gas, &price, v, NULL));
            memset(&r, 0, sizeof(r));
            FUZZ_IGNORE(receipt_from_json(&r, v, NULL));
            receipt_clear(&r);
        }
        break;
    case FUZZ_RPC_LOGS: {
        rpc_log_filter f;
        memset(&f, 0, sizeof(f));
        f.from = rpc_block_at(1);
        f.to = rpc_block_tagged(RPC_BLOCK_LATEST);
        f.address = addr;
        f.topics[0] = hash;
        f.n_topics = 1;
        if (rpc_eth_get_logs(c, &v, &f, NULL) == ZK_OK) FUZZ_EXPECT(ok, json_is_array(v));
        break;
    }
    case FUZZ_RPC_PROOF:
        if (rpc_eth_get_proof(c, &v, addr, slot, 1, rpc_block_at(5), NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, json_is_object(v));
            FUZZ_IGNORE(state_proof_verify(hash, v, NULL));
        }
        break;
    case FUZZ_RPC_CALL:
        if (rpc_eth_call(c, &out, &out_len, addr, hash, 4, rpc_block_tagged(RPC_BLOCK_LATEST),
                         NULL) == ZK_OK)
            FUZZ_EXPECT(ok, out != NULL);
        break;
    case FUZZ_RPC_SEND_RAW:
        FUZZ_IGNORE(rpc_eth_send_raw_transaction(c, h, hash, sizeof(hash), NULL));
        break;
    case FUZZ_RPC_NONCE:
        FUZZ_IGNORE(
            rpc_eth_get_transaction_count(c, &u, addr, rpc_block_tagged(RPC_BLOCK_PENDING), NULL));
        break;
    case FUZZ_RPC_FEE_HISTORY: {
        static const double pct[2] = {25.0, 50.0};
        if (rpc_eth_fee_history(c, &v, 4, rpc_block_tagged(RPC_BLOCK_LATEST), pct, 2, NULL) ==
            ZK_OK) {
            FUZZ_EXPECT(ok, json_is_object(v));
            fees_pair fees;
            fees_caps caps = {1000000000000ull, 10000000000ull, 1000000ull};
            FUZZ_IGNORE(fees_suggest(&fees, v, &caps, NULL));
        }
        break;
    }
    case FUZZ_RPC_BATCH: {
        rpc_request reqs[3] = {{"eth_chainId", NULL},
                               {"eth_blockNumber", NULL},
                               {"eth_getBlockByNumber", json_pack("[sb]", "0x1", 0)}};
        json_t *res[3];
        int codes[3];
        zk_errbuf errs[3];
        rc = rpc_batch(c, res, codes, errs, reqs, 3, NULL);
        for (size_t i = 0; i < 3; i++) {
            FUZZ_EXPECT(ok, (codes[i] == ZK_OK) == (res[i] != NULL));
            if (rc == ZK_OK) FUZZ_EXPECT(ok, codes[i] == ZK_OK);
            json_decref(res[i]);
        }
        break;
    }
    case FUZZ_RPC_GENERIC:
        rc = rpc_call(c, &v, "net_version", NULL, NULL);
        FUZZ_EXPECT(ok, (rc == ZK_OK) == (v != NULL));
        if (rpc_last_error_data(c)) FUZZ_EXPECT(ok, strlen(rpc_last_error_data(c)) < (1u << 21));
        break;
    case FUZZ_RPC_CALL_REVERT: {
        bool reverted = false;
        rpc_tx_call call = {addr, addr, NULL, hash, 4, 0};
        if (rpc_eth_call_revert(c, &out, &out_len, &reverted, &call,
                                rpc_block_tagged(RPC_BLOCK_LATEST), NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, out != NULL);
            abi_revert rv;
            if (out && reverted) FUZZ_IGNORE(abi_revert_decode(&rv, out, out_len, NULL));
        }
        break;
    }
    default: {
        rpc_tx_call call = {addr, addr, NULL, NULL, 0, 0};
        FUZZ_IGNORE(rpc_eth_estimate_gas(c, &u, &call, NULL));
        break;
    }
    }
    json_decref(v);
    free(out);
    return ok;
}

static bool fuzz_rpc_check(const uint8_t *data, size_t size)
{
    static const int statuses[4] = {400, 429, 500, 503};
    if (size < 2) return true;
    fuzz_rpc_server *s = fuzz_rpc_server_get();
    if (!s) return true;
    rpc_options o = rpc_options_default();
    o.timeout_ms = 5000;
    o.max_response_bytes = 1u << 20;
    o.max_retries = 0;
    rpc_client *c = rpc_client_new(s->url, &o, NULL);
    if (!c) return true;

    pthread_mutex_lock(&s->mu);
    s->body = data + 2;
    s->body_len = size - 2;
    s->status = data[1] < 0xf0 ? 200 : statuses[data[1] & 3];
    pthread_mutex_unlock(&s->mu);

    bool ok = fuzz_rpc_op(c, data[0] % FUZZ_RPC_N_OPS);

    rpc_client_free(c);
    pthread_mutex_lock(&s->mu);
    s->body = NULL;
    s->body_len = 0;
    pthread_mutex_unlock(&s->mu);
    return ok;
}

FUZZ_ENTRY(fuzz_rpc_check)
