/* relayer/httpd: a real server on 127.0.0.1 (port 0) driven by raw sockets,
 * so malformed requests can be sent byte for byte, and by the project's
 * libcurl JSON-RPC client: requests and answers, every refusal the server
 * makes itself (400, 411, 413, 431, 501, 505), Expect: 100-continue, a client
 * that hangs up mid-body, concurrent clients, handler failure, bind errors,
 * and a stop that joins its workers while a client stalls. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "relayer/httpd.h"
#include "relayer/rpc.h"

#define MAX_BODY 4096

/* The handler: /echo returns the body with the request's content type,
 * /rpc answers any JSON-RPC call with result "0x2a", /fail fails, anything
 * else returns "METHOD PATH". */
static int handler(void *arg, const httpd_request *req, httpd_response *resp)
{
    (void)arg;
    if (strcmp(req->path, "/echo") == 0)
        return httpd_response_set(resp, 200, req->content_type[0] ? req->content_type : "none",
                                  req->body, req->body_len);
    if (strcmp(req->path, "/fail") == 0) return ZK_ERR_INTERNAL;
    if (strcmp(req->path, "/rpc") == 0) {
        json_error_t je;
        json_t *in = json_loadb((const char *)req->body, req->body_len, 0, &je);
        json_t *out = json_pack("{s:s, s:O?, s:s}", "jsonrpc", "2.0", "id",
                                in ? json_object_get(in, "id") : NULL, "result", "0x2a");
        char *text = json_dumps(out, JSON_COMPACT);
        int rc = httpd_response_set(resp, 200, "application/json", text, strlen(text));
        free(text);
        json_decref(out);
        json_decref(in);
        return rc;
    }
    char line[300];
    int n = snprintf(line, sizeof(line), "%s %s", req->method, req->path);
    return httpd_response_set(resp, 404, "text/plain", line, (size_t)n);
}

static httpd *start_server(long read_timeout_ms)
{
    httpd_options o = httpd_options_default();
    o.max_body_bytes = MAX_BODY;
    o.max_header_bytes = 2048;
    o.read_timeout_ms = read_timeout_ms;
    httpd *s = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = httpd_start(&s, "127.0.0.1", 0, &o, handler, NULL, &err);
    CHECK_MSG(rc == ZK_OK, "httpd_start: %s", err.msg);
    return s;
}

static int connect_to(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    struct timeval tv = {5, 0};
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static bool send_bytes(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w <= 0) return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads until the server closes (at most cap-1 bytes), NUL-terminated. */
static size_t recv_all(int fd, char *out, size_t cap)
{
    size_t have = 0;
    while (have + 1 < cap) {
        ssize_t r = recv(fd, out + have, cap - 1 - have, 0);
        if (r <= 0) break;
        have += (size_t)r;
    }
    out[have] = '\0';
    return have;
}

/* Sends raw request bytes on a new connection; returns the status code of the
 * last answer (after a "100 Continue", the final one) and its body in body. */
static int exchange(uint16_t port, const void *req, size_t len, char *body, size_t body_cap)
{
    char resp[16 * 1024]; /* per call: clients run on several threads */
    int fd = connect_to(port);
    if (fd < 0) return -1;
    bool sent = send_bytes(fd, req, len);
    size_t n = recv_all(fd, resp, sizeof(resp));
    close(fd);
    if (!sent && n == 0) return -1;
    const char *p = resp;
    if (strncmp(p, "HTTP/1.1 100 ", 13) == 0) {
        p = strstr(p, "\r\n\r\n");
        if (!p) return -1;
        p += 4;
    }
    int status = -1;
    if (sscanf(p, "HTTP/1.1 %d ", &status) != 1) return -1;
    const char *b = strstr(p, "\r\n\r\n");
    if (body) snprintf(body, body_cap, "%s", b ? b + 4 : "");
    if (!strstr(p, "Connection: close\r\n")) return -2;
    return status;
}

static int exchange_str(uint16_t port, const char *req, char *body, size_t body_cap)
{
    return exchange(port, req, strlen(req), body, body_cap);
}

static uint64_t requests_seen(httpd *s)
{
    httpd_stats st;
    httpd_get_stats(s, &st);
    return st.requests;
}

TEST(requests_and_answers)
{
    httpd *s = start_server(2000);
    if (!s) return;
    uint16_t port = httpd_port(s);
    CHECK(port != 0);
    char body[512];

    CASE_BEGIN("GET answers with method and path");
    CHECK_EQ_INT(exchange_str(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", body, sizeof(body)),
                 404);
    CHECK(th_streq(body, "GET /health"));
    CASE_END();

    CASE_BEGIN("HTTP/1.0 is served");
    CHECK_EQ_INT(exchange_str(port, "GET /v10 HTTP/1.0\r\n\r\n", body, sizeof(body)), 404);
    CHECK(th_streq(body, "GET /v10"));
    CASE_END();

    CASE_BEGIN("POST body echoed with its content type");
    const char *req = "POST /echo HTTP/1.1\r\nContent-Type: application/json\r\n"
                      "content-length:   7  \r\n\r\n{\"a\":1}";
    static char raw[1024];
    int fd = connect_to(port);
    CHECK(fd >= 0 && send_bytes(fd, req, strlen(req)));
    recv_all(fd, raw, sizeof(raw));
    close(fd);
    CHECK(strncmp(raw, "HTTP/1.1 200 OK\r\n", 17) == 0);
    CHECK(strstr(raw, "Content-Type: application/json\r\n") != NULL);
    CHECK(strstr(raw, "Content-Length: 7\r\n") != NULL);
    CHECK(strstr(raw, "\r\n\r\n{\"a\":1}") != NULL);
    CASE_END();

    CASE_BEGIN("body of exactly the cap is accepted");
    static char big[MAX_BODY + 128];
    int hl =
        snprintf(big, sizeof(big), "POST /echo HTTP/1.1\r\nContent-Length: %d\r\n\r\n", MAX_BODY);
    memset(big + hl, 'z', MAX_BODY);
    static char bigbody[MAX_BODY + 1];
    CHECK_EQ_INT(exchange(port, big, (size_t)hl + MAX_BODY, bigbody, sizeof(bigbody)), 200);
    CHECK_EQ_INT(strlen(bigbody), MAX_BODY);
    CASE_END();

    CASE_BEGIN("body sent in pieces after Expect: 100-continue");
    fd = connect_to(port);
    const char *h100 = "POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
    CHECK(fd >= 0 && send_bytes(fd, h100, strlen(h100)));
    char cont[64] = {0};
    ssize_t r = recv(fd, cont, sizeof(cont) - 1, 0);
    CHECK(r > 0 && strncmp(cont, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0);
    CHECK(send_bytes(fd, "he", 2) && send_bytes(fd, "llo", 3));
    recv_all(fd, raw, sizeof(raw));
    close(fd);
    CHECK(strncmp(raw, "HTTP/1.1 200 ", 13) == 0 && strstr(raw, "\r\n\r\nhello"));
    CASE_END();

    CASE_BEGIN("the libcurl JSON-RPC client talks to it");
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/rpc", port);
    rpc_client *c = rpc_client_new(url, NULL, NULL);
    uint64_t n = 0;
    CHECK(c != NULL);
    if (c) CHECK_EQ_INT(rpc_eth_block_number(c, &n, NULL), ZK_OK);
    CHECK_EQ_INT(n, 42);
    rpc_client_free(c);
    CASE_END();

    CASE_BEGIN("handler failure is a 500 without its detail");
    CHECK_EQ_INT(exchange_str(port, "GET /fail HTTP/1.1\r\n\r\n", body, sizeof(body)), 500);
    CHECK(strstr(body, "handler failed") != NULL);
    CASE_END();
    httpd_stop(s);
}

TEST(refusals)
{
    httpd *s = start_server(2000);
    if (!s) return;
    uint16_t port = httpd_port(s);
    static const struct {
        const char *req;
        int status;
    } cases[] = {
        {"GARBAGE\r\n\r\n", 400},
        {"GET /\r\n\r\n", 400},
        {"GET  / HTTP/1.1\r\n\r\n", 400},
        {"GET / HTTP/1.1 \r\n\r\n", 400},
        {"GET / HTTX/1.1\r\n\r\n", 400},
        {"G(T / HTTP/1.1\r\n\r\n", 400},
        {"GET / HTTP/2.0\r\n\r\n", 505},
        {"GET / HTTP/1.2\r\n\r\n", 505},
        {"GET /a\x01 HTTP/1.1\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\n: empty-name\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nX: a\nY: b\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", 400},
        {"POST /echo HTTP/1.1\r\n\r\n", 411},
        {"POST /echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", 400},
        {"POST /echo HTTP/1.1\r\nContent-Length: +2\r\n\r\nab", 400},
        {"POST /echo HTTP/1.1\r\nContent-Length: 0x2\r\n\r\nab", 400},
        {"POST /echo HTTP/1.1\r\nContent-Length:\r\n\r\n", 400},
        {"POST /echo HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400},
        {"POST /echo HTTP/1.1\r\nContent-Length: 4097\r\n\r\n", 413},
        {"POST /echo HTTP/1.1\r\nContent-Length: 1000000000\r\n\r\n", 413},
        {"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n", 501},
        {"POST /echo HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nab", 501},
        {"POST /echo HTTP/1.1\r\nExpect: magic\r\nContent-Length: 2\r\n\r\nab", 400},
    };
    uint64_t before = requests_seen(s);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CASE_BEGIN("refused %zu: expect %d", i, cases[i].status);
        char body[512];
        int st = exchange_str(port, cases[i].req, body, sizeof(body));
        CHECK_MSG(st == cases[i].status, "case %zu: status %d, body %s", i, st, body);
        CASE_END();
    }
    CASE_BEGIN("oversized body actually sent: 413, and the answer survives");
    static char big[MAX_BODY * 4 + 128];
    int hl = snprintf(big, sizeof(big), "POST /echo HTTP/1.1\r\nContent-Length: %d\r\n\r\n",
                      MAX_BODY * 4);
    memset(big + hl, 'q', MAX_BODY * 4);
    char body[512];
    CHECK_EQ_INT(exchange(port, big, (size_t)hl + MAX_BODY * 4, body, sizeof(body)), 413);
    CHECK(strstr(body, "too large") != NULL);
    CASE_END();

    CASE_BEGIN("request head over the cap: 431");
    static char head[4096];
    int n = snprintf(head, sizeof(head), "GET / HTTP/1.1\r\nX-Pad: ");
    memset(head + n, 'p', 3000);
    memcpy(head + n + 3000, "\r\n\r\n", 4);
    CHECK_EQ_INT(exchange(port, head, (size_t)n + 3004, body, sizeof(body)), 431);
    CASE_END();

    CASE_BEGIN("none of the refused requests reached the handler");
    CHECK_EQ_INT(requests_seen(s), before);
    httpd_stats st;
    httpd_get_stats(s, &st);
    CHECK(st.rejected >= sizeof(cases) / sizeof(*cases) + 2);
    CASE_END();
    httpd_stop(s);
}

TEST(client_hangs_up_or_stalls)
{
    httpd *s = start_server(300);
    if (!s) return;
    uint16_t port = httpd_port(s);
    uint64_t before = requests_seen(s);

    CASE_BEGIN("hang-up in the middle of the body: handler not called");
    int fd = connect_to(port);
    const char *part = "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly a bit";
    CHECK(fd >= 0 && send_bytes(fd, part, strlen(part)));
    close(fd);
    CASE_END();

    CASE_BEGIN("stalled head: answered 408 after the read timeout");
    fd = connect_to(port);
    CHECK(fd >= 0 && send_bytes(fd, "GET / HT", 8));
    char resp[512];
    recv_all(fd, resp, sizeof(resp));
    close(fd);
    CHECK(strncmp(resp, "HTTP/1.1 408 ", 13) == 0);
    CASE_END();

    CASE_BEGIN("the server still answers afterwards");
    char body[128];
    CHECK_EQ_INT(exchange_str(port, "GET /after HTTP/1.1\r\n\r\n", body, sizeof(body)), 404);
    CHECK_EQ_INT(requests_seen(s), before + 1);
    CASE_END();
    httpd_stop(s);
}

typedef struct client_arg {
    uint16_t port;
    int id, ok;
} client_arg;

static void *client_main(void *p)
{
    client_arg *a = p;
    for (int i = 0; i < 25; i++) {
        char payload[64], req[256], body[128];
        int pl = snprintf(payload, sizeof(payload), "client %d request %d", a->id, i);
        int rl = snprintf(req, sizeof(req), "POST /echo HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s",
                          pl, payload);
        if (exchange(a->port, req, (size_t)rl, body, sizeof(body)) == 200 &&
            strcmp(body, payload) == 0)
            a->ok++;
    }
    return NULL;
}

TEST(concurrent_clients)
{
    httpd *s = start_server(2000);
    if (!s) return;
    CASE_BEGIN("8 clients x 25 requests, each gets its own answer");
    enum { N = 8 };
    pthread_t t[N];
    client_arg a[N];
    for (int i = 0; i < N; i++) {
        a[i] = (client_arg){httpd_port(s), i, 0};
        CHECK_EQ_INT(pthread_create(&t[i], NULL, client_main, &a[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ_INT(a[i].ok, 25);
    }
    httpd_stats st;
    httpd_get_stats(s, &st);
    CHECK_EQ_INT(st.requests, N * 25);
    CASE_END();
    httpd_stop(s);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(start_and_stop)
{
    CASE_BEGIN("bad host, options and a port in use are refused");
    httpd *s = NULL;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(httpd_start(&s, "localhost", 0, NULL, handler, NULL, &err), ZK_ERR_USAGE);
    CHECK(s == NULL);
    httpd_options o = httpd_options_default();
    o.workers = 0;
    CHECK_EQ_INT(httpd_start(&s, "127.0.0.1", 0, &o, handler, NULL, &err), ZK_ERR_USAGE);
    httpd *a = start_server(2000);
    if (a) {
        CHECK_EQ_INT(httpd_start(&s, "127.0.0.1", httpd_port(a), NULL, handler, NULL, &err),
                     ZK_ERR_IO);
        CHECK(strstr(err.msg, "cannot listen") != NULL);
        CHECK(s == NULL);
        httpd_stop(a);
    }
    httpd_stop(NULL);
    CASE_END();

    CASE_BEGIN("stop joins while a client stalls, then the port refuses");
    s = start_server(300);
    if (!s) return;
    uint16_t port = httpd_port(s);
    int stalled = connect_to(port);
    CHECK(stalled >= 0);
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL); /* let a worker pick the connection up */
    double t0 = now_s();
    httpd_stop(s);
    double dt = now_s() - t0;
    CHECK_MSG(dt < 3.0, "stop took %.2f s", dt);
    if (stalled >= 0) close(stalled);
    CHECK_EQ_INT(connect_to(port), -1);
    CASE_END();
}

int main(void)
{
    CHECK_EQ_INT(rpc_global_init(), ZK_OK);
    RUN(requests_and_answers);
    RUN(refusals);
    RUN(client_hangs_up_or_stalls);
    RUN(concurrent_clients);
    RUN(start_and_stop);
    rpc_global_cleanup();
    return th_finish(__FILE__);
}
