/* JSON-RPC client against a misbehaving local HTTP/1.1 server: a thread in
 * this test listens on 127.0.0.1 (port 0) and answers each connection with the
 * next behaviour of a script (garbage, truncation, HTTP errors, wrong
 * envelopes, oversized and never-ending bodies, silence). Every server closes
 * its connection after one answer, so one connection is one attempt. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lightclient/hex.h"
#include "relayer/rpc.h"

typedef enum behaviour {
    B_OK,           /* {"result": srv->result or "0x7a69"} */
    B_GARBAGE_BODY, /* HTTP 200 with binary junk */
    B_GARBAGE_RAW,  /* not HTTP at all */
    B_TRUNCATED,    /* HTTP 200, complete body holding half a JSON document */
    B_CUT,          /* Content-Length promises more than is sent, then close */
    B_CLOSE,        /* accept, read, close without a byte */
    B_RESET,        /* accept, read, reset the connection (RST) */
    B_HTML_200,
    B_HTML_502,
    B_HTTP500,
    B_HTTP503,
    B_HTTP429, /* Retry-After: srv->retry_after */
    B_HTTP404,
    B_HTTP400_RPC, /* HTTP 400 whose body is a JSON-RPC error */
    B_HTTP500_RPC, /* HTTP 500 whose body is a JSON-RPC error */
    B_RPC_ERROR,   /* -32000 execution reverted */
    B_RPC_ERROR_DATA,
    B_RPC_ERROR_NULL_ID,
    B_RPC_ERROR_BAD, /* "error": "oops" */
    B_WRONG_ID,
    B_STRING_ID,
    B_NO_ID,
    B_NULL_ID_RESULT,
    B_WRONG_VERSION,
    B_NO_VERSION,
    B_NUMBER_VERSION,
    B_BOTH,
    B_NEITHER,
    B_DUP_KEY,
    B_RAW_BODY,     /* HTTP 200 with srv->raw as the whole body */
    B_BIG_DECLARED, /* Content-Length: 40 MiB, streamed */
    B_BIG_STREAM,   /* no length, 40 MiB until close */
    B_BIG_CHUNKED,  /* chunked, 40 MiB */
    B_HANG,         /* read the request, never answer */
    B_BATCH_REVERSED,
    B_BATCH_MISSING,
    B_BATCH_DUP,
    B_BATCH_UNKNOWN,
    B_BATCH_ENTRY_ERROR, /* entry 1 gets an error object */
} behaviour;

#define SCRIPT_MAX 16
#define BIG_BODY   ((size_t)40 << 20)

typedef struct test_server {
    int lfd;
    uint16_t port;
    pthread_t thread;
    behaviour script[SCRIPT_MAX];
    size_t n_script;
    const char *result;  /* JSON text of the B_OK result (NULL: "0x7a69") */
    const char *raw;     /* body of B_RAW_BODY */
    int retry_after;     /* seconds, for B_HTTP429 */
    atomic_int requests; /* connections served */
    atomic_int stop;
    pthread_mutex_t mu;
    char last[8192]; /* last request, headers and body, NUL-terminated */
} test_server;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool send_all(int fd, const void *p, size_t n)
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

static bool wait_readable(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, ms) > 0;
}

/* Reads one request (headers, then Content-Length bytes of body).
 * Returns the body (inside buf) or NULL. */
static char *read_request(int fd, char *buf, size_t cap)
{
    size_t n = 0, need = 0;
    char *body = NULL;
    for (;;) {
        if (!wait_readable(fd, 3000)) return NULL;
        ssize_t r = recv(fd, buf + n, cap - 1 - n, 0);
        if (r <= 0) return NULL;
        n += (size_t)r;
        buf[n] = '\0';
        if (!body) {
            char *end = strstr(buf, "\r\n\r\n");
            if (!end) {
                if (n == cap - 1) return NULL;
                continue;
            }
            body = end + 4;
            for (char *p = buf; p < end; p++)
                if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
            char *cl = strstr(buf, "\r\ncontent-length:");
            if (!cl) return NULL;
            need = (size_t)(body - buf) + strtoul(cl + 17, NULL, 10);
            if (need >= cap) return NULL;
        }
        if (n >= need) return body;
        if (n == cap - 1) return NULL;
    }
}

static bool send_response(int fd, const char *status, const char *headers, const char *body)
{
    char head[512];
    size_t bl = strlen(body);
    int hl = snprintf(head, sizeof(head),
                      "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                      "Connection: close\r\n%s\r\n",
                      status, bl, headers);
    return send_all(fd, head, (size_t)hl) && send_all(fd, body, bl);
}

/* Streams `total` bytes of an endless JSON string (until the peer gives up). */
static void stream_big(int fd, bool chunked, size_t total)
{
    static char block[65536];
    memset(block, 'a', sizeof(block));
    const char *open = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"";
    char ch[16];
    if (chunked) {
        int l = snprintf(ch, sizeof(ch), "%zx\r\n", strlen(open));
        if (!send_all(fd, ch, (size_t)l) || !send_all(fd, open, strlen(open)) ||
            !send_all(fd, "\r\n", 2))
            return;
    } else if (!send_all(fd, open, strlen(open)))
        return;
    for (size_t sent = 0; sent < total; sent += sizeof(block)) {
        if (chunked) {
            int l = snprintf(ch, sizeof(ch), "%zx\r\n", sizeof(block));
            if (!send_all(fd, ch, (size_t)l)) return;
        }
        if (!send_all(fd, block, sizeof(block))) return;
        if (chunked && !send_all(fd, "\r\n", 2)) return;
    }
}

static json_t *answer_for(const json_t *req, const char *result)
{
    json_error_t jerr;
    json_t *r = result ? json_loads(result, JSON_DECODE_ANY, &jerr) : json_string("0x7a69");
    return json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", json_object_get(req, "id"), "result",
                     r);
}

static char *batch_answer(const json_t *reqs, behaviour b)
{
    json_t *out = json_array(), *q;
    size_t i, n = json_array_size(reqs);
    json_array_foreach(reqs, i, q)
    {
        char res[96];
        snprintf(res, sizeof(res), "r:%s", json_string_value(json_object_get(q, "method")));
        json_t *a;
        if (b == B_BATCH_ENTRY_ERROR && i == 1)
            a = json_pack("{s:s,s:O,s:{s:i,s:s}}", "jsonrpc", "2.0", "id", json_object_get(q, "id"),
                          "error", "code", -32601, "message", "method not found");
        else
            a = json_pack("{s:s,s:O,s:s}", "jsonrpc", "2.0", "id", json_object_get(q, "id"),
                          "result", res);
        if (b == B_BATCH_UNKNOWN && i == 0) json_object_set_new(a, "id", json_integer(999999));
        if (b == B_BATCH_MISSING && i == n - 1) {
            json_decref(a);
            continue;
        }
        if (b == B_BATCH_DUP && i == n - 1) {
            json_decref(a);
            a = json_incref(json_array_get(out, 0));
        }
        if (b == B_BATCH_REVERSED)
            json_array_insert_new(out, 0, a);
        else
            json_array_append_new(out, a);
    }
    char *s = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return s;
}

static void send_head(int fd, const char *status, const char *headers)
{
    char head[512];
    int hl =
        snprintf(head, sizeof(head),
                 "HTTP/1.1 %s\r\nContent-Type: application/json\r\nConnection: close\r\n%s\r\n",
                 status, headers);
    send_all(fd, head, (size_t)hl);
}

static void serve_one(test_server *s, int fd, behaviour b)
{
    static char buf[1 << 18];
    char *body = read_request(fd, buf, sizeof(buf));
    if (!body) return;
    pthread_mutex_lock(&s->mu);
    size_t keep = strnlen(buf, sizeof(s->last) - 1);
    memcpy(s->last, buf, keep);
    s->last[keep] = '\0';
    pthread_mutex_unlock(&s->mu);
    /* The headers were lowered in place; the body is intact. */
    json_error_t jerr;
    json_t *req = json_loads(body, 0, &jerr);
    long long id = json_integer_value(json_object_get(req, "id"));
    char txt[512], hdr[96];
    char *dyn = NULL;
    const char *html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    const char *ok = "200 OK";
#define ANSWER(...) (snprintf(txt, sizeof(txt), __VA_ARGS__), send_response(fd, ok, "", txt))
    switch (b) {
    case B_OK:
        if (json_is_array(req)) {
            dyn = batch_answer(req, b);
        } else {
            json_t *a = answer_for(req, s->result);
            dyn = json_dumps(a, JSON_COMPACT);
            json_decref(a);
        }
        send_response(fd, ok, "", dyn);
        break;
    case B_BATCH_REVERSED:
    case B_BATCH_MISSING:
    case B_BATCH_DUP:
    case B_BATCH_UNKNOWN:
    case B_BATCH_ENTRY_ERROR:
        dyn = batch_answer(req, b);
        send_response(fd, ok, "", dyn);
        break;
    case B_GARBAGE_BODY:
        send_response(fd, ok, "", "\x01\x02\xfe\xff garbage \x7f\x80");
        break;
    case B_GARBAGE_RAW:
        send_all(fd, "\x16\x03\x01 not http at all\r\n\r\n", 23);
        break;
    case B_TRUNCATED:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":%lld,\"result\":\"0x7a", id);
        break;
    case B_CUT:
        send_head(fd, ok, "Content-Length: 200\r\n");
        send_all(fd, "{\"jsonrpc\":\"2.0\",\"id\":", 22);
        break;
    case B_CLOSE:
        break;
    case B_RESET: {
        struct linger lg = {1, 0}; /* close() then sends RST instead of FIN */
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        break;
    }
    case B_HTML_200:
        send_response(fd, ok, "", html);
        break;
    case B_HTML_502:
        send_response(fd, "502 Bad Gateway", "", html);
        break;
    case B_HTTP500:
        send_response(fd, "500 Internal Server Error", "", "");
        break;
    case B_HTTP503:
        send_response(fd, "503 Service Unavailable", "", "overloaded");
        break;
    case B_HTTP429:
        snprintf(hdr, sizeof(hdr), "Retry-After: %d\r\n", s->retry_after);
        send_response(fd, "429 Too Many Requests", hdr, "slow down");
        break;
    case B_HTTP404:
        send_response(fd, "404 Not Found", "", "no such path");
        break;
    case B_HTTP400_RPC:
        send_response(fd, "400 Bad Request", "",
                      "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":"
                      "\"parse error\"}}");
        break;
    case B_HTTP500_RPC:
        send_response(fd, "500 Internal Server Error", "",
                      "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":"
                      "\"execution reverted\"}}");
        break;
    case B_RPC_ERROR:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":{\"code\":-32000,\"message\":"
               "\"execution reverted\"}}",
               id);
        break;
    case B_RPC_ERROR_DATA:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":{\"code\":3,\"message\":"
               "\"execution reverted\\nforged line\",\"data\":\"0x08c379a0\"}}",
               id);
        break;
    case B_RPC_ERROR_NULL_ID:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":"
               "\"invalid request\"}}");
        break;
    case B_RPC_ERROR_BAD:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":\"oops\"}", id);
        break;
    case B_WRONG_ID:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":%lld,\"result\":\"0x1\"}", id + 1);
        break;
    case B_STRING_ID:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":\"%lld\",\"result\":\"0x1\"}", id);
        break;
    case B_NO_ID:
        ANSWER("{\"jsonrpc\":\"2.0\",\"result\":\"0x1\"}");
        break;
    case B_NULL_ID_RESULT:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":\"0x1\"}");
        break;
    case B_WRONG_VERSION:
        ANSWER("{\"jsonrpc\":\"1.0\",\"id\":%lld,\"result\":\"0x1\"}", id);
        break;
    case B_NO_VERSION:
        ANSWER("{\"id\":%lld,\"result\":\"0x1\"}", id);
        break;
    case B_NUMBER_VERSION:
        ANSWER("{\"jsonrpc\":2.0,\"id\":%lld,\"result\":\"0x1\"}", id);
        break;
    case B_BOTH:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":%lld,\"result\":\"0x1\",\"error\":{\"code\":1,"
               "\"message\":\"x\"}}",
               id);
        break;
    case B_NEITHER:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":%lld}", id);
        break;
    case B_DUP_KEY:
        ANSWER("{\"jsonrpc\":\"2.0\",\"id\":%lld,\"result\":\"0x1\",\"result\":\"0x2\"}", id);
        break;
    case B_RAW_BODY:
        send_response(fd, ok, "", s->raw);
        break;
    case B_BIG_DECLARED:
        snprintf(hdr, sizeof(hdr), "Content-Length: %zu\r\n", BIG_BODY + 64);
        send_head(fd, ok, hdr);
        stream_big(fd, false, BIG_BODY);
        break;
    case B_BIG_STREAM:
        send_head(fd, ok, "");
        stream_big(fd, false, BIG_BODY);
        break;
    case B_BIG_CHUNKED:
        send_head(fd, ok, "Transfer-Encoding: chunked\r\n");
        stream_big(fd, true, BIG_BODY);
        break;
    case B_HANG:
        /* Wait for the client to give up (EOF) or the test to end, 5 s at most. */
        for (int i = 0; i < 250 && !atomic_load(&s->stop); i++)
            if (wait_readable(fd, 20)) break;
        break;
    }
#undef ANSWER
    free(dyn);
    json_decref(req);
}

static void *server_main(void *arg)
{
    test_server *s = arg;
    while (!atomic_load(&s->stop)) {
        if (!wait_readable(s->lfd, 20)) continue;
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0) continue;
        int k = atomic_fetch_add(&s->requests, 1);
        behaviour b = s->script[(size_t)k < s->n_script ? (size_t)k : s->n_script - 1];
        struct timeval tv = {2, 0};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        serve_one(s, fd, b);
        close(fd);
    }
    return NULL;
}

/* Binds 127.0.0.1:0. Returns the socket (listening when listen_too) or -1. */
static int bind_loopback(uint16_t *port, bool listen_too)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || (listen_too && listen(fd, 16) != 0) ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static bool server_start(test_server *s, const behaviour *script, size_t n)
{
    memset(s, 0, sizeof(*s));
    memcpy(s->script, script, n * sizeof(*script));
    s->n_script = n;
    s->retry_after = 1;
    atomic_init(&s->requests, 0);
    atomic_init(&s->stop, 0);
    pthread_mutex_init(&s->mu, NULL);
    s->lfd = bind_loopback(&s->port, true);
    if (s->lfd < 0) return false;
    if (pthread_create(&s->thread, NULL, server_main, s) != 0) {
        close(s->lfd);
        return false;
    }
    return true;
}

static void server_stop(test_server *s)
{
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    close(s->lfd);
    pthread_mutex_destroy(&s->mu);
}

#define SERVER_START(s, ...)                                                                       \
    server_start((s), (const behaviour[]){__VA_ARGS__},                                            \
                 sizeof((const behaviour[]){__VA_ARGS__}) / sizeof(behaviour))

/* Small timeouts and backoffs keep the whole file within a few seconds. */
static rpc_options fast_opts(void)
{
    rpc_options o = rpc_options_default();
    o.timeout_ms = 1000;
    o.max_response_bytes = (size_t)1 << 20;
    o.max_retries = 3;
    o.backoff_initial_ms = 5;
    o.backoff_max_ms = 40;
    return o;
}

static rpc_client *client_for(const test_server *s, const rpc_options *o)
{
    char url[64];
    zk_errbuf err = {{0}, 0};
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/", s->port);
    rpc_client *c = rpc_client_new(url, o, &err);
    CHECK_MSG(c != NULL, "rpc_client_new: %s", err.msg);
    return c;
}

typedef struct outcome {
    int rc;
    zk_errbuf err;
    json_t *result;
    int requests; /* connections the server saw */
    double secs;
    rpc_stats stats;
} outcome;

/* Runs one eth_chainId call against a server following the script. */
static outcome call_with(const rpc_options *o, test_server *s)
{
    outcome r;
    memset(&r, 0, sizeof(r));
    rpc_client *c = client_for(s, o);
    if (!c) {
        r.rc = -1;
        return r;
    }
    double t0 = now_s();
    r.rc = rpc_call(c, &r.result, "eth_chainId", NULL, &r.err);
    r.secs = now_s() - t0;
    rpc_client_stats(c, &r.stats);
    rpc_client_free(c);
    r.requests = atomic_load(&s->requests);
    return r;
}

static bool has(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

/* One scripted case: the call's code, the number of attempts and a fragment of
 * the message. */
static void expect_case(const char *name, const behaviour *script, size_t n, int want_rc,
                        int want_attempts, const char *want_msg)
{
    test_server s;
    rpc_options o = fast_opts();
    CASE_BEGIN("%s", name);
    CHECK(server_start(&s, script, n));
    outcome r = call_with(&o, &s);
    server_stop(&s);
    CHECK_MSG(r.rc == want_rc, "%s: rc %d (%s), want %d", name, r.rc, r.err.msg, want_rc);
    CHECK_MSG(r.requests == want_attempts, "%s: %d attempts, want %d", name, r.requests,
              want_attempts);
    CHECK_EQ_INT(r.stats.attempts, want_attempts);
    if (want_msg) CHECK_MSG(has(r.err.msg, want_msg), "%s: message \"%s\"", name, r.err.msg);
    if (want_rc == ZK_OK)
        CHECK(r.result != NULL);
    else
        CHECK(r.result == NULL);
    json_decref(r.result);
    CASE_END();
}

#define EXPECT(name, rc, attempts, msg, ...)                                                       \
    expect_case(name, (const behaviour[]){__VA_ARGS__},                                            \
                sizeof((const behaviour[]){__VA_ARGS__}) / sizeof(behaviour), rc, attempts, msg)

TEST(test_call_ok_and_request_shape)
{
    test_server s;
    rpc_options o = fast_opts();
    CHECK(SERVER_START(&s, B_OK));
    outcome r = call_with(&o, &s);
    CHECK_EQ_INT(r.rc, ZK_OK);
    CHECK(json_is_string(r.result) && strcmp(json_string_value(r.result), "0x7a69") == 0);
    CHECK_EQ_INT(r.requests, 1);
    CHECK_EQ_INT(r.stats.calls, 1);
    CHECK_EQ_INT(r.stats.retries, 0);
    json_decref(r.result);
    /* The request as the server saw it (headers lowered by the reader). */
    pthread_mutex_lock(&s.mu);
    CHECK(strncmp(s.last, "post / http/1.1\r\n", 17) == 0);
    CHECK(has(s.last, "\r\ncontent-type: application/json\r\n"));
    CHECK(!has(s.last, "\r\nexpect:"));
    const char *body = strstr(s.last, "\r\n\r\n");
    json_error_t jerr;
    json_t *req = body ? json_loads(body + 4, 0, &jerr) : NULL;
    pthread_mutex_unlock(&s.mu);
    CHECK(req != NULL);
    CHECK(strcmp(json_string_value(json_object_get(req, "jsonrpc")), "2.0") == 0);
    CHECK(strcmp(json_string_value(json_object_get(req, "method")), "eth_chainId") == 0);
    CHECK(json_is_integer(json_object_get(req, "id")));
    CHECK(json_is_array(json_object_get(req, "params")) &&
          json_array_size(json_object_get(req, "params")) == 0);
    json_decref(req);
    server_stop(&s);

    /* Ids advance per call, and a null result is a result. */
    CHECK(SERVER_START(&s, B_OK));
    s.result = "null";
    rpc_client *c = client_for(&s, &o);
    json_t *res = NULL;
    zk_errbuf err;
    for (int i = 0; c && i < 3; i++) {
        CHECK_EQ_INT(rpc_call(c, &res, "eth_getTransactionReceipt", json_pack("[s]", "0x00"), &err),
                     ZK_OK);
        CHECK(json_is_null(res));
        json_decref(res);
    }
    rpc_client_free(c);
    server_stop(&s);
    CHECK_EQ_INT(atomic_load(&s.requests), 3);
}

TEST(test_malformed_answers)
{
    EXPECT("garbage body", ZK_ERR_MALFORMED, 1, "not valid JSON", B_GARBAGE_BODY);
    EXPECT("not HTTP", ZK_ERR_MALFORMED, 1, "rpc eth_chainId", B_GARBAGE_RAW);
    EXPECT("truncated JSON", ZK_ERR_MALFORMED, 1, "not valid JSON", B_TRUNCATED);
    EXPECT("HTML error page with 200", ZK_ERR_MALFORMED, 1, "<html>", B_HTML_200);
    EXPECT("wrong id", ZK_ERR_MALFORMED, 1, "does not match", B_WRONG_ID);
    EXPECT("string id", ZK_ERR_MALFORMED, 1, "integer ids", B_STRING_ID);
    EXPECT("missing id", ZK_ERR_MALFORMED, 1, "no \"id\"", B_NO_ID);
    EXPECT("null id with a result", ZK_ERR_MALFORMED, 1, "null id", B_NULL_ID_RESULT);
    EXPECT("jsonrpc 1.0", ZK_ERR_MALFORMED, 1, "jsonrpc \"1.0\"", B_WRONG_VERSION);
    EXPECT("no jsonrpc", ZK_ERR_MALFORMED, 1, "no \"jsonrpc\"", B_NO_VERSION);
    EXPECT("numeric jsonrpc", ZK_ERR_MALFORMED, 1, "expected \"2.0\"", B_NUMBER_VERSION);
    EXPECT("result and error", ZK_ERR_MALFORMED, 1, "both", B_BOTH);
    EXPECT("neither result nor error", ZK_ERR_MALFORMED, 1, "neither", B_NEITHER);
    EXPECT("error not an object", ZK_ERR_MALFORMED, 1, "\"error\"", B_RPC_ERROR_BAD);
    EXPECT("duplicate key", ZK_ERR_MALFORMED, 1, "duplicate", B_DUP_KEY);

    static const char *const non_objects[] = {"[]", "null", "42", "\"0x1\"", "true", "[{}]"};
    for (size_t i = 0; i < sizeof(non_objects) / sizeof(non_objects[0]); i++) {
        test_server s;
        rpc_options o = fast_opts();
        CASE_BEGIN("non-object answer %s", non_objects[i]);
        CHECK(SERVER_START(&s, B_RAW_BODY));
        s.raw = non_objects[i];
        outcome r = call_with(&o, &s);
        server_stop(&s);
        CHECK_EQ_INT(r.rc, ZK_ERR_MALFORMED);
        CHECK_MSG(has(r.err.msg, "not a JSON-RPC object"), "message \"%s\"", r.err.msg);
        CHECK(r.result == NULL);
        CASE_END();
    }
}

TEST(test_rpc_errors_not_retried)
{
    EXPECT("error object", ZK_ERR_RPC, 1, NULL, B_RPC_ERROR, B_OK);
    EXPECT("error with data", ZK_ERR_RPC, 1, "(data 0x08c379a0)", B_RPC_ERROR_DATA, B_OK);
    EXPECT("error with null id", ZK_ERR_RPC, 1, "error -32600: invalid request",
           B_RPC_ERROR_NULL_ID, B_OK);
    EXPECT("HTTP 400 carrying an error", ZK_ERR_RPC, 1, "error -32700: parse error (HTTP 400)",
           B_HTTP400_RPC, B_OK);
    EXPECT("HTTP 500 carrying an error", ZK_ERR_RPC, 1,
           "error -32000: execution reverted (HTTP 500)", B_HTTP500_RPC, B_OK);
    EXPECT("HTTP 404", ZK_ERR_TRANSPORT, 1, "HTTP 404", B_HTTP404, B_OK);

    /* The exact message, through a method other than the default one. */
    test_server s;
    rpc_options o = fast_opts();
    CHECK(SERVER_START(&s, B_RPC_ERROR));
    rpc_client *c = client_for(&s, &o);
    json_t *res = (json_t *)&res; /* must come back NULL */
    zk_errbuf err;
    CHECK_EQ_INT(rpc_call(c, &res, "eth_call", json_array(), &err), ZK_ERR_RPC);
    CHECK_MSG(strcmp(err.msg, "rpc eth_call: error -32000: execution reverted") == 0, "\"%s\"",
              err.msg);
    CHECK(res == NULL);
    rpc_stats st;
    rpc_client_stats(c, &st);
    CHECK_EQ_INT(st.rpc_errors, 1);
    CHECK_EQ_INT(st.failures, 0);
    rpc_client_free(c);
    server_stop(&s);

    /* A node's message cannot forge a log line. */
    CHECK(SERVER_START(&s, B_RPC_ERROR_DATA));
    c = client_for(&s, &o);
    CHECK_EQ_INT(rpc_call(c, &res, "eth_call", NULL, &err), ZK_ERR_RPC);
    CHECK(!has(err.msg, "\n"));
    CHECK(has(err.msg, "error 3: execution reverted.forged line"));
    rpc_client_free(c);
    server_stop(&s);
}

TEST(test_retries)
{
    EXPECT("500 then OK", ZK_OK, 2, NULL, B_HTTP500, B_OK);
    EXPECT("502 HTML then OK", ZK_OK, 2, NULL, B_HTML_502, B_OK);
    EXPECT("503 503 503 then OK", ZK_OK, 4, NULL, B_HTTP503, B_HTTP503, B_HTTP503, B_OK);
    EXPECT("always 503", ZK_ERR_TRANSPORT, 4, "HTTP 503 (gave up after 4 attempts)", B_HTTP503);
    EXPECT("empty reply then OK", ZK_OK, 2, NULL, B_CLOSE, B_OK);
    EXPECT("connection reset then OK", ZK_OK, 2, NULL, B_RESET, B_OK);
    EXPECT("always reset", ZK_ERR_TRANSPORT, 4, "gave up after 4", B_RESET);
    EXPECT("body cut short then OK", ZK_OK, 2, NULL, B_CUT, B_OK);
    EXPECT("always cut short", ZK_ERR_TRANSPORT, 4, "gave up after 4", B_CUT);

    /* Backoff stays within its cap: 3 retries of at most 40 ms each. */
    test_server s;
    rpc_options o = fast_opts();
    CHECK(SERVER_START(&s, B_HTTP503));
    outcome r = call_with(&o, &s);
    server_stop(&s);
    CHECK_EQ_INT(r.rc, ZK_ERR_TRANSPORT);
    CHECK_EQ_INT(r.stats.retries, 3);
    CHECK_EQ_INT(r.stats.failures, 1);
    CHECK_MSG(r.secs < 1.0, "always-503 took %.3f s", r.secs);

    /* No retries configured: one attempt. */
    o.max_retries = 0;
    CHECK(SERVER_START(&s, B_HTTP503));
    r = call_with(&o, &s);
    server_stop(&s);
    CHECK_EQ_INT(r.rc, ZK_ERR_TRANSPORT);
    CHECK_EQ_INT(r.requests, 1);
    CHECK(!has(r.err.msg, "gave up"));
}

TEST(test_retry_after)
{
    /* Retry-After: 1 is honoured when the cap allows it... */
    test_server s;
    rpc_options o = fast_opts();
    o.backoff_max_ms = 1500;
    CHECK(SERVER_START(&s, B_HTTP429, B_OK));
    outcome r = call_with(&o, &s);
    server_stop(&s);
    CHECK_EQ_INT(r.rc, ZK_OK);
    CHECK_EQ_INT(r.requests, 2);
    CHECK_MSG(r.secs >= 0.95 && r.secs < 2.0, "429 with Retry-After 1 took %.3f s", r.secs);
    json_decref(r.result);

    /* ...and capped at backoff_max_ms when the server asks for too much. */
    o.backoff_max_ms = 100;
    CHECK(SERVER_START(&s, B_HTTP429, B_OK));
    s.retry_after = 3600;
    r = call_with(&o, &s);
    server_stop(&s);
    CHECK_EQ_INT(r.rc, ZK_OK);
    CHECK_EQ_INT(r.requests, 2);
    CHECK_MSG(r.secs >= 0.09 && r.secs < 0.6, "capped Retry-After took %.3f s", r.secs);
    json_decref(r.result);

    /* Always 429: gives up with the status. */
    o.backoff_max_ms = 10;
    CHECK(SERVER_START(&s, B_HTTP429));
    r = call_with(&o, &s);
    server_stop(&s);
    CHECK_EQ_INT(r.rc, ZK_ERR_TRANSPORT);
    CHECK_EQ_INT(r.requests, 4);
    CHECK(has(r.err.msg, "HTTP 429"));
}

TEST(test_oversized)
{
    static const behaviour kinds[] = {B_BIG_DECLARED, B_BIG_STREAM, B_BIG_CHUNKED};
    static const char *const names[] = {"declared 40 MiB", "streamed 40 MiB", "chunked 40 MiB"};
    for (size_t i = 0; i < 3; i++) {
        test_server s;
        rpc_options o = fast_opts();
        CASE_BEGIN("oversized: %s against a 1 MiB cap", names[i]);
        CHECK(server_start(&s, &kinds[i], 1));
        outcome r = call_with(&o, &s);
        server_stop(&s);
        CHECK_MSG(r.rc == ZK_ERR_RANGE, "rc %d (%s)", r.rc, r.err.msg);
        CHECK(has(r.err.msg, "exceeds the limit of 1048576 bytes"));
        CHECK_EQ_INT(r.requests, 1);
        CHECK_MSG(r.secs < 2.0, "took %.3f s", r.secs);
        CHECK(r.result == NULL);
        CASE_END();
    }

    /* A body just under the cap is accepted. */
    test_server s;
    rpc_options o = fast_opts();
    size_t n = o.max_response_bytes - 64;
    char *big = malloc(n + 1);
    CHECK(big != NULL);
    if (!big) return;
    memset(big, 'a', n);
    big[n] = '\0';
    int head = snprintf(big, 64, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"");
    big[head] = 'a';
    memcpy(big + n - 2, "\"}", 2);
    CHECK(SERVER_START(&s, B_RAW_BODY));
    s.raw = big;
    outcome r = call_with(&o, &s);
    server_stop(&s);
    CHECK_MSG(r.rc == ZK_OK, "rc %d (%s)", r.rc, r.err.msg);
    CHECK(json_string_length(r.result) == n - (size_t)head - 2);
    json_decref(r.result);
    free(big);
}

TEST(test_timeout_and_refused)
{
    /* A server that accepts and never answers: the timeout is honoured. */
    test_server s;
    rpc_options o = fast_opts();
    o.timeout_ms = 300;
    o.max_retries = 0;
    CHECK(SERVER_START(&s, B_HANG));
    outcome r = call_with(&o, &s);
    server_stop(&s);
    CHECK_MSG(r.rc == ZK_ERR_TIMEOUT, "rc %d (%s)", r.rc, r.err.msg);
    CHECK_EQ_INT(r.requests, 1);
    CHECK_MSG(r.secs >= 0.29 && r.secs < 0.6, "timeout of 300 ms took %.3f s", r.secs);

    /* Timeouts are retried. */
    o.max_retries = 1;
    CHECK(SERVER_START(&s, B_HANG, B_HANG));
    r = call_with(&o, &s);
    server_stop(&s);
    CHECK_EQ_INT(r.rc, ZK_ERR_TIMEOUT);
    CHECK_EQ_INT(r.requests, 2);
    CHECK(has(r.err.msg, "gave up after 2 attempts"));
    CHECK_MSG(r.secs < 1.2, "two timeouts of 300 ms took %.3f s", r.secs);

    /* Connection refused: a port that was bound, then closed, has no listener. */
    uint16_t port = 0;
    int fd = bind_loopback(&port, false);
    CHECK(fd >= 0);
    close(fd);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/", port);
    o = fast_opts();
    zk_errbuf err;
    rpc_client *c = rpc_client_new(url, &o, &err);
    CHECK(c != NULL);
    json_t *res = NULL;
    double t0 = now_s();
    CHECK_EQ_INT(rpc_call(c, &res, "eth_chainId", NULL, &err), ZK_ERR_TRANSPORT);
    CHECK(now_s() - t0 < 1.0);
    CHECK(res == NULL);
    CHECK(has(err.msg, "gave up after 4 attempts"));
    rpc_stats st;
    rpc_client_stats(c, &st);
    CHECK_EQ_INT(st.attempts, 4);
    rpc_client_free(c);
}

/* Builds a batch of eth_chainId, eth_blockNumber, net_version. */
static void batch_reqs(rpc_request reqs[3])
{
    reqs[0].method = "eth_chainId";
    reqs[0].params = NULL;
    reqs[1].method = "eth_blockNumber";
    reqs[1].params = json_array();
    reqs[2].method = "net_version";
    reqs[2].params = json_pack("[i]", 7);
}

static int run_batch(behaviour b, json_t *results[3], int codes[3], zk_errbuf errs[3],
                     zk_errbuf *err, int *requests)
{
    test_server s;
    rpc_options o = fast_opts();
    rpc_request reqs[3];
    int rc = -1;
    CHECK(server_start(&s, &b, 1));
    rpc_client *c = client_for(&s, &o);
    batch_reqs(reqs);
    if (c) rc = rpc_batch(c, results, codes, errs, reqs, 3, err);
    rpc_client_free(c);
    server_stop(&s);
    *requests = atomic_load(&s.requests);
    return rc;
}

TEST(test_batch)
{
    json_t *res[3];
    int codes[3], requests;
    zk_errbuf errs[3], err;
    static const char *const want[] = {"r:eth_chainId", "r:eth_blockNumber", "r:net_version"};

    CASE_BEGIN("batch answered in reverse order");
    CHECK_EQ_INT(run_batch(B_BATCH_REVERSED, res, codes, errs, &err, &requests), ZK_OK);
    CHECK_EQ_INT(requests, 1);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_INT(codes[i], ZK_OK);
        CHECK(json_is_string(res[i]) && strcmp(json_string_value(res[i]), want[i]) == 0);
        json_decref(res[i]);
    }
    CASE_END();

    CASE_BEGIN("batch with one error entry");
    CHECK_EQ_INT(run_batch(B_BATCH_ENTRY_ERROR, res, codes, errs, &err, &requests), ZK_ERR_RPC);
    CHECK_EQ_INT(requests, 1);
    CHECK_EQ_INT(codes[0], ZK_OK);
    CHECK_EQ_INT(codes[1], ZK_ERR_RPC);
    CHECK_EQ_INT(codes[2], ZK_OK);
    CHECK(res[1] == NULL);
    CHECK_MSG(strcmp(errs[1].msg, "rpc eth_blockNumber: error -32601: method not found") == 0,
              "\"%s\"", errs[1].msg);
    CHECK(has(err.msg, "entry 1"));
    CHECK(res[0] && strcmp(json_string_value(res[0]), want[0]) == 0);
    CHECK(res[2] && strcmp(json_string_value(res[2]), want[2]) == 0);
    json_decref(res[0]);
    json_decref(res[2]);
    CASE_END();

    static const struct {
        behaviour b;
        const char *name, *msg;
    } bad[] = {
        {B_BATCH_MISSING, "missing id", "no answer for id"},
        {B_BATCH_DUP, "duplicated id", "answered twice"},
        {B_BATCH_UNKNOWN, "unknown id", "unknown id 999999"},
        {B_RPC_ERROR, "an entry-less single object", "rpc batch"},
        {B_GARBAGE_BODY, "garbage", "not valid JSON"},
        {B_HTTP404, "HTTP 404", "HTTP 404"},
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        CASE_BEGIN("batch: %s", bad[k].name);
        int want_rc = bad[k].b == B_HTTP404 ? ZK_ERR_TRANSPORT : ZK_ERR_MALFORMED;
        CHECK_EQ_INT(run_batch(bad[k].b, res, codes, errs, &err, &requests), want_rc);
        CHECK_MSG(has(err.msg, bad[k].msg), "\"%s\"", err.msg);
        for (int i = 0; i < 3; i++) {
            CHECK(res[i] == NULL);
            CHECK_EQ_INT(codes[i], want_rc);
            CHECK(strcmp(errs[i].msg, err.msg) == 0);
        }
        CASE_END();
    }

    CASE_BEGIN("batch refused with one error object");
    CHECK_EQ_INT(run_batch(B_RPC_ERROR_NULL_ID, res, codes, errs, &err, &requests), ZK_ERR_RPC);
    for (int i = 0; i < 3; i++) {
        CHECK(res[i] == NULL);
        CHECK_EQ_INT(codes[i], ZK_ERR_RPC);
    }
    CHECK(has(err.msg, "rpc batch: error -32600: invalid request"));
    CASE_END();

    CASE_BEGIN("batch usage errors send nothing");
    test_server s;
    rpc_options o = fast_opts();
    CHECK(SERVER_START(&s, B_OK));
    rpc_client *c = client_for(&s, &o);
    rpc_request reqs[3];
    CHECK_EQ_INT(rpc_batch(c, res, codes, errs, reqs, 0, &err), ZK_ERR_USAGE);
    batch_reqs(reqs);
    json_decref(reqs[1].params);
    reqs[1].params = json_string("not params"); /* stolen and released like the others */
    CHECK_EQ_INT(rpc_batch(c, res, codes, errs, reqs, 3, &err), ZK_ERR_USAGE);
    CHECK(has(err.msg, "entry 1"));
    CHECK_EQ_INT(codes[2], ZK_ERR_USAGE);
    batch_reqs(reqs);
    reqs[0].method = "";
    CHECK_EQ_INT(rpc_batch(c, res, codes, errs, reqs, 3, NULL), ZK_ERR_USAGE);
    rpc_client_free(c);
    server_stop(&s);
    CHECK_EQ_INT(atomic_load(&s.requests), 0);
    CASE_END();
}

TEST(test_client_usage)
{
    zk_errbuf err;
    rpc_options o = fast_opts();
    CHECK(rpc_client_new("ftp://127.0.0.1/", &o, &err) == NULL);
    CHECK(has(err.msg, "http or https"));
    CHECK(rpc_client_new("127.0.0.1:8545", &o, &err) == NULL);
    CHECK(rpc_client_new("http://[::1", &o, &err) == NULL);
    CHECK(!has(err.msg, "::1"));
    o.timeout_ms = 0;
    CHECK(rpc_client_new("http://127.0.0.1/", &o, &err) == NULL);
    o = fast_opts();
    o.max_retries = -1;
    CHECK(rpc_client_new("http://127.0.0.1/", &o, &err) == NULL);
    o = fast_opts();
    o.max_response_bytes = 0;
    CHECK(rpc_client_new("http://127.0.0.1/", &o, &err) == NULL);
    rpc_client_free(NULL);

    rpc_options d = rpc_options_default();
    CHECK_EQ_INT(d.timeout_ms, 10000);
    CHECK_EQ_INT(d.max_response_bytes, 32u << 20);
    CHECK_EQ_INT(d.max_retries, 5);
    CHECK_EQ_INT(d.backoff_initial_ms, 100);
    CHECK_EQ_INT(d.backoff_max_ms, 5000);
    rpc_client *c = rpc_client_new("https://127.0.0.1:1/", NULL, &err);
    CHECK(c != NULL);
    rpc_client_free(c);

    /* Bad method names and params are refused before anything is sent. */
    test_server s;
    o = fast_opts();
    CHECK(SERVER_START(&s, B_OK));
    c = client_for(&s, &o);
    json_t *res = NULL;
    CHECK_EQ_INT(rpc_call(c, &res, "eth_call", json_string("x"), &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(rpc_call(c, &res, "", NULL, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(rpc_call(c, &res, "eth_\"x", json_array(), &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(rpc_call(c, &res, "eth call", json_array(), NULL), ZK_ERR_USAGE);
    CHECK(res == NULL);
    rpc_client_free(c);
    server_stop(&s);
    CHECK_EQ_INT(atomic_load(&s.requests), 0);

    /* The URL (which may hold an API key) never reaches a message. */
    CHECK(SERVER_START(&s, B_HTTP503));
    char url[96];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/v3/SECRETKEY123", s.port);
    c = rpc_client_new(url, &o, &err);
    CHECK(c != NULL);
    CHECK_EQ_INT(rpc_call(c, &res, "eth_chainId", NULL, &err), ZK_ERR_TRANSPORT);
    CHECK(!has(err.msg, "SECRETKEY123"));
    rpc_client_free(c);
    server_stop(&s);
    CHECK(rpc_client_new("gopher://SECRETKEY123@x/", &o, &err) == NULL);
    CHECK(!has(err.msg, "SECRETKEY123"));
}

/* rpc_options.transport: a script of answers, one per attempt, and the requests seen. */
typedef struct scripted_transport {
    const long *status;
    const char *const *body; /* NULL: the attempt fails like a refused connection */
    size_t n, calls;
    char last_request[256];
} scripted_transport;

static int scripted_answer(void *ctx, const char *request, size_t request_len, long *http_status,
                           zk_buf *answer)
{
    scripted_transport *t = ctx;
    size_t i = t->calls < t->n ? t->calls : t->n - 1;
    t->calls++;
    snprintf(t->last_request, sizeof(t->last_request), "%.*s", (int)request_len, request);
    if (!t->body[i]) return ZK_ERR_TRANSPORT;
    *http_status = t->status[i];
    return buf_append(answer, t->body[i], strlen(t->body[i]));
}

static int transport_call(scripted_transport *t, const rpc_options *base, json_t **res,
                          zk_errbuf *err)
{
    rpc_options o = *base;
    o.transport = scripted_answer;
    o.transport_ctx = t;
    rpc_client *c = rpc_client_new("http://transport.invalid/", &o, err);
    if (!c) return -1;
    int rc = rpc_call(c, res, "eth_chainId", NULL, err);
    rpc_client_free(c);
    return rc;
}

TEST(test_transport_option)
{
    rpc_options o = fast_opts();
    zk_errbuf err;
    json_t *res = NULL;

    CASE_BEGIN("an answer through the transport: parsed and checked like an HTTP one");
    {
        const long st[] = {200};
        const char *const b[] = {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x539\"}"};
        scripted_transport t = {st, b, 1, 0, ""};
        CHECK_EQ_INT(transport_call(&t, &o, &res, &err), ZK_OK);
        CHECK(json_is_string(res) && strcmp(json_string_value(res), "0x539") == 0);
        CHECK(has(t.last_request, "\"method\":\"eth_chainId\""));
        json_decref(res);
        res = NULL;
    }
    CASE_END();

    CASE_BEGIN("503, then a refused attempt, then the answer: retried like HTTP");
    {
        const long st[] = {503, 0, 200};
        const char *const b[] = {"busy", NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}"};
        scripted_transport t = {st, b, 3, 0, ""};
        CHECK_EQ_INT(transport_call(&t, &o, &res, &err), ZK_OK);
        CHECK_EQ_INT(t.calls, 3);
        json_decref(res);
        res = NULL;
    }
    CASE_END();

    CASE_BEGIN("refused on every attempt: ZK_ERR_TRANSPORT after the retries");
    {
        const long st[] = {0};
        const char *const b[] = {NULL};
        scripted_transport t = {st, b, 1, 0, ""};
        CHECK_EQ_INT(transport_call(&t, &o, &res, &err), ZK_ERR_TRANSPORT);
        CHECK_EQ_INT(t.calls, (size_t)o.max_retries + 1);
        CHECK(res == NULL);
    }
    CASE_END();

    CASE_BEGIN("an answer over max_response_bytes: ZK_ERR_RANGE, not retried");
    {
        rpc_options small = o;
        small.max_response_bytes = 16;
        const long st[] = {200};
        const char *const b[] = {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x539\"}"};
        scripted_transport t = {st, b, 1, 0, ""};
        CHECK_EQ_INT(transport_call(&t, &small, &res, &err), ZK_ERR_RANGE);
        CHECK_EQ_INT(t.calls, 1);
        CHECK(res == NULL);
    }
    CASE_END();

    CASE_BEGIN("a wrong id through the transport: ZK_ERR_MALFORMED");
    {
        const long st[] = {200};
        const char *const b[] = {"{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0x539\"}"};
        scripted_transport t = {st, b, 1, 0, ""};
        CHECK_EQ_INT(transport_call(&t, &o, &res, &err), ZK_ERR_MALFORMED);
        CHECK(res == NULL);
    }
    CASE_END();
}

/* Runs fn against a server that answers every request with result `result`,
 * and returns the params the server received (a new reference). */
typedef int (*helper_fn)(rpc_client *c, zk_errbuf *err);

static json_t *helper_run(helper_fn fn, const char *result, int want_rc, const char *want_method)
{
    test_server s;
    rpc_options o = fast_opts();
    zk_errbuf err = {{0}, 0};
    json_t *params = NULL;
    CHECK(SERVER_START(&s, B_OK));
    s.result = result;
    rpc_client *c = client_for(&s, &o);
    if (c) {
        int rc = fn(c, &err);
        CHECK_MSG(rc == want_rc, "rc %d (%s), want %d (result %s)", rc, err.msg, want_rc, result);
    }
    rpc_client_free(c);
    server_stop(&s);
    const char *body = strstr(s.last, "\r\n\r\n");
    json_error_t jerr;
    json_t *req = body ? json_loads(body + 4, 0, &jerr) : NULL;
    if (want_method) {
        CHECK(req != NULL);
        CHECK_MSG(req &&
                      strcmp(json_string_value(json_object_get(req, "method")), want_method) == 0,
                  "method of %s", want_method);
        params = json_incref(json_object_get(req, "params"));
    } else {
        CHECK_EQ_INT(atomic_load(&s.requests), 0);
    }
    json_decref(req);
    return params;
}

/* Compares params with the JSON text want. */
static void check_params(json_t *params, const char *want)
{
    json_error_t jerr;
    json_t *w = json_loads(want, 0, &jerr);
    CHECK(w != NULL);
    char *got = params ? json_dumps(params, JSON_COMPACT) : NULL;
    CHECK_MSG(params && json_equal(params, w), "params %s, want %s", got ? got : "(none)", want);
    free(got);
    json_decref(w);
    json_decref(params);
}

static uint64_t h_u64;
static json_t *h_json;
static uint8_t h_bytes[32];

static int h_chain_id(rpc_client *c, zk_errbuf *err)
{
    return rpc_eth_chain_id(c, &h_u64, err);
}
static int h_block_number(rpc_client *c, zk_errbuf *err)
{
    return rpc_eth_block_number(c, &h_u64, err);
}
static int h_block_26(rpc_client *c, zk_errbuf *err)
{
    int rc = rpc_eth_get_block_by_number(c, &h_json, rpc_block_at(26), false, err);
    json_decref(h_json);
    return rc;
}
static int h_block_finalized(rpc_client *c, zk_errbuf *err)
{
    int rc =
        rpc_eth_get_block_by_number(c, &h_json, rpc_block_tagged(RPC_BLOCK_FINALIZED), true, err);
    json_decref(h_json);
    return rc;
}
static int h_block_bad_tag(rpc_client *c, zk_errbuf *err)
{
    rpc_block_id b = {(rpc_block_tag)99, 0};
    return rpc_eth_get_block_by_number(c, &h_json, b, false, err);
}
static int h_receipts_safe(rpc_client *c, zk_errbuf *err)
{
    int rc = rpc_eth_get_block_receipts(c, &h_json, rpc_block_tagged(RPC_BLOCK_SAFE), err);
    json_decref(h_json);
    return rc;
}
static int h_tx_receipt(rpc_client *c, zk_errbuf *err)
{
    uint8_t h[32];
    memset(h, 0xab, sizeof(h));
    int rc = rpc_eth_get_transaction_receipt(c, &h_json, h, err);
    json_decref(h_json);
    return rc;
}
static int h_logs(rpc_client *c, zk_errbuf *err)
{
    uint8_t addr[20], t1[32];
    memset(addr, 0x11, sizeof(addr));
    memset(t1, 0x22, sizeof(t1));
    rpc_log_filter f = {rpc_block_at(1), rpc_block_tagged(RPC_BLOCK_LATEST), addr, {NULL, t1}, 2};
    int rc = rpc_eth_get_logs(c, &h_json, &f, err);
    json_decref(h_json);
    return rc;
}
static int h_logs_too_many(rpc_client *c, zk_errbuf *err)
{
    rpc_log_filter f = {rpc_block_at(1), rpc_block_at(2), NULL, {NULL}, 5};
    return rpc_eth_get_logs(c, &h_json, &f, err);
}
static int h_proof(rpc_client *c, zk_errbuf *err)
{
    uint8_t addr[20], keys[2][32];
    memset(addr, 0x33, sizeof(addr));
    memset(keys, 0, sizeof(keys));
    keys[1][31] = 1;
    int rc = rpc_eth_get_proof(c, &h_json, addr, (const uint8_t(*)[32])keys, 2, rpc_block_at(0x100),
                               err);
    json_decref(h_json);
    return rc;
}
static int h_call(rpc_client *c, zk_errbuf *err)
{
    uint8_t to[20], *out = NULL;
    size_t out_len = 0;
    static const uint8_t data[4] = {0xde, 0xad, 0xbe, 0xef};
    memset(to, 0x44, sizeof(to));
    int rc = rpc_eth_call(c, &out, &out_len, to, data, 4, rpc_block_tagged(RPC_BLOCK_LATEST), err);
    if (!rc) {
        CHECK_EQ_INT(out_len, 2);
        CHECK(out[0] == 0x12 && out[1] == 0x34);
    }
    free(out);
    return rc;
}
static int h_send_raw(rpc_client *c, zk_errbuf *err)
{
    static const uint8_t raw[3] = {0x02, 0xc0, 0x01};
    return rpc_eth_send_raw_transaction(c, h_bytes, raw, 3, err);
}
static int h_nonce(rpc_client *c, zk_errbuf *err)
{
    uint8_t addr[20];
    memset(addr, 0x55, sizeof(addr));
    return rpc_eth_get_transaction_count(c, &h_u64, addr, rpc_block_tagged(RPC_BLOCK_PENDING), err);
}
static int h_fee_history(rpc_client *c, zk_errbuf *err)
{
    static const double p[2] = {25, 75};
    int rc = rpc_eth_fee_history(c, &h_json, 4, rpc_block_tagged(RPC_BLOCK_LATEST), p, 2, err);
    json_decref(h_json);
    return rc;
}
static int h_fee_history_bad(rpc_client *c, zk_errbuf *err)
{
    static const double p[2] = {75, 25};
    return rpc_eth_fee_history(c, &h_json, 4, rpc_block_tagged(RPC_BLOCK_LATEST), p, 2, err);
}

TEST(test_typed_helpers_scripted)
{
    CASE_BEGIN("eth_chainId");
    check_params(helper_run(h_chain_id, "\"0x7a69\"", ZK_OK, "eth_chainId"), "[]");
    CHECK_EQ_INT(h_u64, 31337);
    json_decref(helper_run(h_chain_id, "\"0x07a69\"", ZK_ERR_NONCANONICAL, "eth_chainId"));
    json_decref(helper_run(h_chain_id, "31337", ZK_ERR_MALFORMED, "eth_chainId"));
    json_decref(helper_run(h_chain_id, "\"0x1ffffffffffffffff\"", ZK_ERR_RANGE, "eth_chainId"));
    CASE_END();

    CASE_BEGIN("eth_blockNumber");
    check_params(helper_run(h_block_number, "\"0x0\"", ZK_OK, "eth_blockNumber"), "[]");
    CHECK_EQ_INT(h_u64, 0);
    json_decref(helper_run(h_block_number, "\"\"", ZK_ERR_MALFORMED, "eth_blockNumber"));
    CASE_END();

    CASE_BEGIN("eth_getBlockByNumber");
    check_params(helper_run(h_block_26, "{\"number\":\"0x1a\"}", ZK_OK, "eth_getBlockByNumber"),
                 "[\"0x1a\", false]");
    check_params(helper_run(h_block_finalized, "{}", ZK_OK, "eth_getBlockByNumber"),
                 "[\"finalized\", true]");
    json_decref(helper_run(h_block_26, "null", ZK_ERR_NOTFOUND, "eth_getBlockByNumber"));
    json_decref(helper_run(h_block_26, "[]", ZK_ERR_MALFORMED, "eth_getBlockByNumber"));
    json_decref(helper_run(h_block_bad_tag, "{}", ZK_ERR_USAGE, NULL));
    CASE_END();

    CASE_BEGIN("eth_getBlockReceipts");
    check_params(helper_run(h_receipts_safe, "[]", ZK_OK, "eth_getBlockReceipts"), "[\"safe\"]");
    json_decref(helper_run(h_receipts_safe, "null", ZK_ERR_NOTFOUND, "eth_getBlockReceipts"));
    json_decref(helper_run(h_receipts_safe, "{}", ZK_ERR_MALFORMED, "eth_getBlockReceipts"));
    CASE_END();

    CASE_BEGIN("eth_getTransactionReceipt");
    check_params(helper_run(h_tx_receipt, "{}", ZK_OK, "eth_getTransactionReceipt"),
                 "[\"0xabababababababababababababababababababababababababababababababab\"]");
    json_decref(helper_run(h_tx_receipt, "null", ZK_ERR_NOTFOUND, "eth_getTransactionReceipt"));
    json_decref(helper_run(h_tx_receipt, "\"0x\"", ZK_ERR_MALFORMED, "eth_getTransactionReceipt"));
    CASE_END();

    CASE_BEGIN("eth_getLogs");
    check_params(helper_run(h_logs, "[]", ZK_OK, "eth_getLogs"),
                 "[{\"fromBlock\":\"0x1\",\"toBlock\":\"latest\","
                 "\"address\":\"0x1111111111111111111111111111111111111111\","
                 "\"topics\":[null,"
                 "\"0x2222222222222222222222222222222222222222222222222222222222222222\"]}]");
    json_decref(helper_run(h_logs, "{}", ZK_ERR_MALFORMED, "eth_getLogs"));
    json_decref(helper_run(h_logs_too_many, "[]", ZK_ERR_USAGE, NULL));
    CASE_END();

    CASE_BEGIN("eth_getProof");
    check_params(helper_run(h_proof, "{}", ZK_OK, "eth_getProof"),
                 "[\"0x3333333333333333333333333333333333333333\","
                 "[\"0x0000000000000000000000000000000000000000000000000000000000000000\","
                 "\"0x0000000000000000000000000000000000000000000000000000000000000001\"],"
                 "\"0x100\"]");
    json_decref(helper_run(h_proof, "null", ZK_ERR_NOTFOUND, "eth_getProof"));
    CASE_END();

    CASE_BEGIN("eth_call");
    check_params(helper_run(h_call, "\"0x1234\"", ZK_OK, "eth_call"),
                 "[{\"to\":\"0x4444444444444444444444444444444444444444\","
                 "\"data\":\"0xdeadbeef\"},\"latest\"]");
    json_decref(helper_run(h_call, "\"1234\"", ZK_ERR_MALFORMED, "eth_call"));
    json_decref(helper_run(h_call, "\"0x123\"", ZK_ERR_MALFORMED, "eth_call"));
    json_decref(helper_run(h_call, "\"0xzz\"", ZK_ERR_MALFORMED, "eth_call"));
    CASE_END();

    CASE_BEGIN("eth_sendRawTransaction");
    check_params(
        helper_run(h_send_raw,
                   "\"0x0102030405060708091011121314151617181920212223242526272829303132\"", ZK_OK,
                   "eth_sendRawTransaction"),
        "[\"0x02c001\"]");
    CHECK(h_bytes[0] == 0x01 && h_bytes[31] == 0x32);
    json_decref(helper_run(h_send_raw, "\"0x01\"", ZK_ERR_MALFORMED, "eth_sendRawTransaction"));
    CASE_END();

    CASE_BEGIN("eth_getTransactionCount");
    check_params(helper_run(h_nonce, "\"0x5\"", ZK_OK, "eth_getTransactionCount"),
                 "[\"0x5555555555555555555555555555555555555555\",\"pending\"]");
    CHECK_EQ_INT(h_u64, 5);
    json_decref(helper_run(h_nonce, "null", ZK_ERR_MALFORMED, "eth_getTransactionCount"));
    CASE_END();

    CASE_BEGIN("eth_feeHistory");
    check_params(helper_run(h_fee_history, "{}", ZK_OK, "eth_feeHistory"),
                 "[\"0x4\",\"latest\",[25.0,75.0]]");
    json_decref(helper_run(h_fee_history, "[]", ZK_ERR_MALFORMED, "eth_feeHistory"));
    json_decref(helper_run(h_fee_history_bad, "{}", ZK_ERR_USAGE, NULL));
    CASE_END();
}

static void run_all(void)
{
    if (rpc_global_init() != ZK_OK) {
        fprintf(stderr, "rpc_global_init failed\n");
        exit(1);
    }
    RUN(test_call_ok_and_request_shape);
    RUN(test_malformed_answers);
    RUN(test_rpc_errors_not_retried);
    RUN(test_retries);
    RUN(test_retry_after);
    RUN(test_oversized);
    RUN(test_timeout_and_refused);
    RUN(test_batch);
    RUN(test_client_usage);
    RUN(test_transport_option);
    RUN(test_typed_helpers_scripted);
    rpc_global_cleanup();
}

TEST_MAIN(run_all())
