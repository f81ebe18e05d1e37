/* A fake Ethereum JSON-RPC node for tests: an HTTP/1.1 server on 127.0.0.1
 * (port 0, chosen by the kernel) in a pthread, serving a chain given as an
 * array of eth_getBlockByNumber objects (index = block number).
 *
 * Methods: eth_chainId, eth_blockNumber, eth_getBlockByNumber (a number, or
 * "latest" / "finalized" / "safe" / "earliest"; a number above the latest
 * block is null, as a real node answers), single calls and JSON-RPC batches.
 * Anything else gets a -32601 error object.
 *
 * Fault knobs, each safe to turn while the server runs:
 *   fake_rpc_forge       serve another block object at a number (a forged or
 *                        conflicting header, given with its own consistent hash);
 *   fake_rpc_wrong_hash  serve the real block at a number with a wrong "hash";
 *   fake_rpc_set_chain_id, fake_rpc_set_latest, fake_rpc_set_finalized;
 *   fake_rpc_fail_next   answer the next n HTTP requests with 503 (transient).
 *
 * Each connection carries one request ("Connection: close"), so a client that
 * keeps no connection open between calls never blocks the single server thread.
 * The server keeps its own serialised copy of every block, so the test's
 * jansson values are never touched from the server thread.
 *
 * Header-only: every function is static and marked unused, so a test includes
 * it and links nothing more (-lpthread comes with the Makefile's LIBS). */
#ifndef ZKRELAY_TESTS_RELAYER_FAKE_RPC_H
#define ZKRELAY_TESTS_RELAYER_FAKE_RPC_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "lightclient/bytes.h"
#include "lightclient/hex.h"

#define FAKE_RPC_FN static __attribute__((unused))

/* Largest request body the fake reads (a 1000-entry batch is ~100 KB). */
#define FAKE_RPC_MAX_REQUEST (8u << 20)

typedef struct fake_rpc {
    int lfd;
    uint16_t port;
    char url[64]; /* http://127.0.0.1:PORT/ */
    pthread_t thread;
    bool running; /* thread started */
    atomic_int stop;
    pthread_mutex_t mu; /* guards every field below */
    char **blocks;      /* compact JSON of block i (NULL when absent) */
    size_t n_blocks;
    uint64_t chain_id, latest, finalized;
    bool has_forged, has_bad_hash;
    uint64_t forged_number, bad_hash_number;
    char *forged, *bad_hash;      /* block texts served instead */
    unsigned fail_next;           /* HTTP requests still to answer with 503 */
    unsigned long http_requests;  /* connections answered */
    unsigned long block_requests; /* eth_getBlockByNumber entries answered */
    unsigned long chain_id_calls; /* eth_chainId entries answered */
} fake_rpc;

FAKE_RPC_FN char *fake_rpc_dump(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

FAKE_RPC_FN bool fake_rpc_send_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) continue;
            return false;
        }
        s += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads one HTTP request; returns its body (NUL-terminated, inside *buf, which
 * the caller frees) or NULL. */
FAKE_RPC_FN char *fake_rpc_read_request(int fd, char **buf)
{
    size_t cap = 1 << 16, n = 0, need = 0, body = 0; /* body: offset, 0 until the headers end */
    char *b = malloc(cap);
    *buf = b;
    while (b) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) return NULL;
        if (n + 1 == cap) {
            if (cap > FAKE_RPC_MAX_REQUEST) return NULL;
            char *nb = realloc(b, cap * 2);
            if (!nb) return NULL;
            b = *buf = nb;
            cap *= 2;
        }
        ssize_t r = recv(fd, b + n, cap - 1 - n, 0);
        if (r <= 0) return NULL;
        n += (size_t)r;
        b[n] = '\0';
        if (!body) {
            char *end = strstr(b, "\r\n\r\n");
            if (!end) continue;
            body = (size_t)(end - b) + 4;
            size_t len = 0;
            for (char *line = strstr(b, "\r\n"); line && line < end;
                 line = strstr(line + 2, "\r\n"))
                if (strncasecmp(line + 2, "content-length:", 15) == 0)
                    len = strtoul(line + 17, NULL, 10);
            need = body + len;
        }
        if (n >= need) return b + body;
    }
    return NULL;
}

/* The text of block number (a borrowed string under mu), or NULL. */
FAKE_RPC_FN const char *fake_rpc_block_text(const fake_rpc *s, uint64_t number)
{
    if (number > s->latest || number >= s->n_blocks) return NULL;
    if (s->has_forged && number == s->forged_number) return s->forged;
    if (s->has_bad_hash && number == s->bad_hash_number) return s->bad_hash;
    return s->blocks[number];
}

/* Appends the answer to one request object to out. Called with mu held. */
FAKE_RPC_FN int fake_rpc_answer(fake_rpc *s, zk_buf *out, const json_t *req)
{
    const json_t *id = json_object_get(req, "id");
    const char *method = json_string_value(json_object_get(req, "method"));
    const json_t *params = json_object_get(req, "params");
    char *id_text = id ? fake_rpc_dump(id) : NULL;
    char head[256], q[19];
    const char *result = NULL;
    char small[64];
    bool found = true;
    if (!method) {
        found = false;
    } else if (strcmp(method, "eth_chainId") == 0) {
        s->chain_id_calls++;
        hex_format_quantity(q, s->chain_id);
        snprintf(small, sizeof(small), "\"%s\"", q);
        result = small;
    } else if (strcmp(method, "eth_blockNumber") == 0) {
        hex_format_quantity(q, s->latest);
        snprintf(small, sizeof(small), "\"%s\"", q);
        result = small;
    } else if (strcmp(method, "eth_getBlockByNumber") == 0) {
        s->block_requests++;
        const char *sel = json_string_value(json_array_get(params, 0));
        uint64_t number = UINT64_MAX;
        if (!sel)
            found = false;
        else if (strcmp(sel, "latest") == 0 || strcmp(sel, "safe") == 0)
            number = s->latest;
        else if (strcmp(sel, "finalized") == 0)
            number = s->finalized;
        else if (strcmp(sel, "earliest") == 0)
            number = 0;
        else if (hex_parse_quantity(&number, sel, NULL) != 0)
            found = false;
        if (found) {
            result = fake_rpc_block_text(s, number);
            if (!result) result = "null";
        }
    } else {
        found = false;
    }
    int rc;
    if (found) {
        int hl = snprintf(head, sizeof(head),
                          "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":", id_text ? id_text : "null");
        rc = buf_append(out, head, (size_t)hl);
        if (!rc) rc = buf_append(out, result, strlen(result));
        if (!rc) rc = buf_append_byte(out, '}');
    } else {
        int hl = snprintf(head, sizeof(head),
                          "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":-32601,"
                          "\"message\":\"the method does not exist or the params are invalid\"}}",
                          id_text ? id_text : "null");
        rc = buf_append(out, head, (size_t)hl);
    }
    free(id_text);
    return rc;
}

FAKE_RPC_FN void fake_rpc_respond(int fd, const char *status, const void *body, size_t len)
{
    char head[256];
    int hl = snprintf(head, sizeof(head),
                      "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                      "Connection: close\r\n\r\n",
                      status, len);
    if (fake_rpc_send_all(fd, head, (size_t)hl)) fake_rpc_send_all(fd, body, len);
}

FAKE_RPC_FN void fake_rpc_serve(fake_rpc *s, int fd)
{
    char *buf = NULL;
    char *body = fake_rpc_read_request(fd, &buf);
    if (!body) {
        free(buf);
        return;
    }
    pthread_mutex_lock(&s->mu);
    s->http_requests++;
    if (s->fail_next > 0) {
        s->fail_next--;
        pthread_mutex_unlock(&s->mu);
        fake_rpc_respond(fd, "503 Service Unavailable", "busy", 4);
        free(buf);
        return;
    }
    json_t *req = json_loads(body, 0, NULL);
    zk_buf out;
    buf_init(&out, 0);
    int rc = 0;
    if (json_is_array(req) && json_array_size(req) > 0) {
        size_t i;
        json_t *e;
        rc = buf_append_byte(&out, '[');
        json_array_foreach(req, i, e)
        {
            if (!rc && i > 0) rc = buf_append_byte(&out, ',');
            if (!rc) rc = fake_rpc_answer(s, &out, e);
        }
        if (!rc) rc = buf_append_byte(&out, ']');
    } else if (json_is_object(req)) {
        rc = fake_rpc_answer(s, &out, req);
    } else {
        static const char bad[] = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                                  "\"message\":\"parse error\"}}";
        rc = buf_append(&out, bad, sizeof(bad) - 1);
    }
    pthread_mutex_unlock(&s->mu);
    if (rc == 0)
        fake_rpc_respond(fd, "200 OK", out.data, out.len);
    else
        fake_rpc_respond(fd, "500 Internal Server Error", "", 0);
    buf_clear(&out);
    json_decref(req);
    free(buf);
}

FAKE_RPC_FN void *fake_rpc_main(void *arg)
{
    fake_rpc *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {s->lfd, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0) continue;
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0) continue;
        struct timeval tv = {5, 0};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        fake_rpc_serve(s, fd);
        close(fd);
    }
    return NULL;
}

/* Starts a server for blocks (a JSON array of block objects, index = number;
 * copied). latest and finalized start at the last block.
 * Returns 0, or -1 when blocks is not an array or the socket or thread fails. */
FAKE_RPC_FN int fake_rpc_start(fake_rpc *s, const json_t *blocks, uint64_t chain_id)
{
    memset(s, 0, sizeof(*s));
    s->lfd = -1;
    atomic_init(&s->stop, 0);
    pthread_mutex_init(&s->mu, NULL);
    if (!json_is_array(blocks) || json_array_size(blocks) == 0) return -1;
    s->n_blocks = json_array_size(blocks);
    s->blocks = calloc(s->n_blocks, sizeof(*s->blocks));
    if (!s->blocks) return -1;
    for (size_t i = 0; i < s->n_blocks; i++) {
        s->blocks[i] = fake_rpc_dump(json_array_get(blocks, i));
        if (!s->blocks[i]) return -1;
    }
    s->chain_id = chain_id;
    s->latest = s->finalized = s->n_blocks - 1;

    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->lfd, 64) != 0 || getsockname(s->lfd, (struct sockaddr *)&a, &al) != 0)
        return -1;
    s->port = ntohs(a.sin_port);
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u/", (unsigned)s->port);
    if (pthread_create(&s->thread, NULL, fake_rpc_main, s) != 0) return -1;
    s->running = true;
    return 0;
}

/* Stops the thread and frees everything (also after a failed start). */
FAKE_RPC_FN void fake_rpc_stop(fake_rpc *s)
{
    if (s->running) {
        atomic_store(&s->stop, 1);
        pthread_join(s->thread, NULL);
    }
    if (s->lfd >= 0) close(s->lfd);
    for (size_t i = 0; s->blocks && i < s->n_blocks; i++)
        free(s->blocks[i]);
    free(s->blocks);
    free(s->forged);
    free(s->bad_hash);
    pthread_mutex_destroy(&s->mu);
    memset(s, 0, sizeof(*s));
    s->lfd = -1;
}

/* Serves block (copied) instead of the real one at number; NULL restores it. */
FAKE_RPC_FN void fake_rpc_forge(fake_rpc *s, uint64_t number, const json_t *block)
{
    char *text = block ? fake_rpc_dump(block) : NULL;
    pthread_mutex_lock(&s->mu);
    free(s->forged);
    s->forged = text;
    s->has_forged = text != NULL;
    s->forged_number = number;
    pthread_mutex_unlock(&s->mu);
}

/* Serves the real block at number with its "hash" changed (one bit of its
 * last byte flipped); on == false restores it. */
FAKE_RPC_FN void fake_rpc_wrong_hash(fake_rpc *s, uint64_t number, bool on)
{
    char *text = NULL;
    pthread_mutex_lock(&s->mu);
    if (on && number < s->n_blocks) {
        json_t *b = json_loads(s->blocks[number], 0, NULL);
        const char *h = json_string_value(json_object_get(b, "hash"));
        if (h && strlen(h) == 66) {
            char bad[67];
            memcpy(bad, h, 67);
            bad[65] = bad[65] == '0' ? '1' : '0';
            json_object_set_new(b, "hash", json_string(bad));
            text = fake_rpc_dump(b);
        }
        json_decref(b);
    }
    free(s->bad_hash);
    s->bad_hash = text;
    s->has_bad_hash = text != NULL;
    s->bad_hash_number = number;
    pthread_mutex_unlock(&s->mu);
}

FAKE_RPC_FN void fake_rpc_set_chain_id(fake_rpc *s, uint64_t chain_id)
{
    pthread_mutex_lock(&s->mu);
    s->chain_id = chain_id;
    pthread_mutex_unlock(&s->mu);
}

/* The node's latest block (eth_blockNumber; blocks above it are null). */
FAKE_RPC_FN void fake_rpc_set_latest(fake_rpc *s, uint64_t latest)
{
    pthread_mutex_lock(&s->mu);
    s->latest = latest;
    pthread_mutex_unlock(&s->mu);
}

FAKE_RPC_FN void fake_rpc_set_finalized(fake_rpc *s, uint64_t finalized)
{
    pthread_mutex_lock(&s->mu);
    s->finalized = finalized;
    pthread_mutex_unlock(&s->mu);
}

/* Answers the next n HTTP requests with 503, which clients retry. */
FAKE_RPC_FN void fake_rpc_fail_next(fake_rpc *s, unsigned n)
{
    pthread_mutex_lock(&s->mu);
    s->fail_next = n;
    pthread_mutex_unlock(&s->mu);
}

/* How many eth_getBlockByNumber entries were answered so far. */
FAKE_RPC_FN unsigned long fake_rpc_block_requests(fake_rpc *s)
{
    pthread_mutex_lock(&s->mu);
    unsigned long n = s->block_requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

#endif
