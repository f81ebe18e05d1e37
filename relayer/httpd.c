/* Minimal HTTP/1.1 server: see httpd.h. One request per connection; workers
 * poll the listening socket and a wake-up pipe, so httpd_stop reaches a worker
 * blocked waiting for a connection at once. */
#include "relayer/httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define HTTPD_MAX_WORKERS 64
/* After an error answer the client may still be sending a body we refused:
 * closing at once with unread bytes makes the kernel send RST, which can
 * destroy our answer in flight. Drain at most this much first. */
#define HTTPD_LINGER_BYTES (1u << 20)
#define HTTPD_LINGER_MS    500

struct httpd {
    int lfd;
    int wake[2]; /* written once by httpd_stop; never read, so it stays readable */
    uint16_t port;
    httpd_options o;
    httpd_handler handler;
    void *arg;
    pthread_t threads[HTTPD_MAX_WORKERS];
    unsigned n_threads;
    pthread_mutex_t mu; /* guards stats */
    httpd_stats stats;
};

httpd_options httpd_options_default(void)
{
    httpd_options o = {16u << 10, 1u << 20, 32u << 20, 5000, 4};
    return o;
}

int httpd_response_set(httpd_response *resp, int status, const char *content_type, const void *body,
                       size_t len)
{
    resp->status = status;
    snprintf(resp->content_type, sizeof(resp->content_type), "%s", content_type);
    resp->body.len = 0;
    return len ? buf_append(&resp->body, body, len) : ZK_OK;
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Status";
    }
}

enum { COUNT_CONNECTION, COUNT_REQUEST, COUNT_REJECTED };

static void stats_count(httpd *s, int which)
{
    pthread_mutex_lock(&s->mu);
    if (which == COUNT_CONNECTION) s->stats.connections++;
    if (which == COUNT_REQUEST) s->stats.requests++;
    if (which == COUNT_REJECTED) s->stats.rejected++;
    pthread_mutex_unlock(&s->mu);
}

static bool send_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

/* Writes the status line, our fixed headers and the body. */
static bool send_response(int fd, int status, const char *content_type, const uint8_t *body,
                          size_t len)
{
    if (status < 100 || status > 599) status = 500;
    /* The content type comes from the handler; keep it one printable line. */
    char ct[64];
    size_t i = 0;
    for (; content_type[i] && i + 1 < sizeof(ct); i++) {
        unsigned char c = (unsigned char)content_type[i];
        ct[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
    }
    ct[i] = '\0';
    char head[256];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, reason_phrase(status), ct, len);
    if (n < 0 || (size_t)n >= sizeof(head)) return false;
    return send_all(fd, head, (size_t)n) && (len == 0 || send_all(fd, body, len));
}

/* An answer the server writes itself: a short text body naming the problem. */
static void send_error(httpd *s, int fd, int status, const char *why)
{
    stats_count(s, COUNT_REJECTED);
    char body[160];
    int n = snprintf(body, sizeof(body), "%d %s: %s\n", status, reason_phrase(status), why);
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof(body)) n = (int)sizeof(body) - 1;
    send_response(fd, status, "text/plain", (const uint8_t *)body, (size_t)n);
}

/* Index of the first "\r\n" in p[from..len), or len when there is none. */
static size_t find_crlf(const char *p, size_t from, size_t len)
{
    for (size_t i = from; i + 1 < len; i++)
        if (p[i] == '\r' && p[i + 1] == '\n') return i;
    return len;
}

static bool is_tchar(char c)
{
    /* RFC 9110 section 5.6.2 token characters. */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* The parts of a request head we act on. Pointers are into the head buffer,
 * NUL-terminated in place. */
typedef struct req_head {
    char *method, *target, *content_type;
    bool has_length, expect_continue;
    size_t content_length;
} req_head;

/* Parses head[0..len) (the request line and header lines, each ended by CRLF,
 * without the blank line). Returns 0 or the HTTP status to answer, with *why. */
static int parse_head(req_head *h, char *head, size_t len, size_t max_body, const char **why)
{
    memset(h, 0, sizeof(*h));
    h->content_type = head + len; /* an empty string: head[len] is NUL */
    size_t eol = find_crlf(head, 0, len);
    /* Request line: method SP request-target SP HTTP-version (RFC 9112 3). */
    size_t i = 0;
    while (i < eol && is_tchar(head[i]))
        i++;
    if (i == 0 || i >= eol || head[i] != ' ' || i > 16) return *why = "bad request line", 400;
    head[i] = '\0';
    h->method = head;
    size_t t = ++i;
    while (i < eol && (unsigned char)head[i] > 0x20 && (unsigned char)head[i] < 0x7f)
        i++;
    if (i == t || i >= eol || head[i] != ' ') return *why = "bad request line", 400;
    head[i] = '\0';
    h->target = head + t;
    size_t v = ++i;
    /* HTTP-version = "HTTP/" DIGIT "." DIGIT */
    if (eol - v != 8 || memcmp(head + v, "HTTP/", 5) != 0 || head[v + 5] < '0' ||
        head[v + 5] > '9' || head[v + 6] != '.' || head[v + 7] < '0' || head[v + 7] > '9')
        return *why = "bad request line", 400;
    if (head[v + 5] != '1' || (head[v + 7] != '0' && head[v + 7] != '1'))
        return *why = "only HTTP/1.0 and 1.1", 505;
    /* Header fields: name ":" OWS value OWS (RFC 9112 5); obs-fold refused. */
    size_t pos = eol + 2;
    while (pos < len) {
        size_t end = find_crlf(head, pos, len);
        if (end == len) end = len; /* the last line: head was cut before its CRLF */
        size_t n = pos;
        while (n < end && is_tchar(head[n]))
            n++;
        if (n == pos || n >= end || head[n] != ':') return *why = "malformed header line", 400;
        char *name = head + pos;
        size_t name_len = n - pos;
        size_t a = n + 1, b = end;
        while (a < b && (head[a] == ' ' || head[a] == '\t'))
            a++;
        while (b > a && (head[b - 1] == ' ' || head[b - 1] == '\t'))
            b--;
        for (size_t k = a; k < b; k++) {
            unsigned char c = (unsigned char)head[k];
            if ((c < 0x20 && c != '\t') || c == 0x7f) return *why = "control byte in header", 400;
        }
        char *value = head + a;
        head[b] = '\0';
        if (name_len == 14 && strncasecmp(name, "content-length", 14) == 0) {
            if (h->has_length) return *why = "repeated Content-Length", 400;
            if (a == b || b - a > 19) return *why = "bad Content-Length", 400;
            size_t cl = 0;
            for (size_t k = a; k < b; k++) {
                if (head[k] < '0' || head[k] > '9') return *why = "bad Content-Length", 400;
                cl = cl * 10 + (size_t)(head[k] - '0');
            }
            h->has_length = true;
            h->content_length = cl;
        } else if (name_len == 17 && strncasecmp(name, "transfer-encoding", 17) == 0) {
            return *why = "Transfer-Encoding is not supported; send Content-Length", 501;
        } else if (name_len == 12 && strncasecmp(name, "content-type", 12) == 0) {
            h->content_type = value;
        } else if (name_len == 6 && strncasecmp(name, "expect", 6) == 0) {
            if (strcasecmp(value, "100-continue") != 0) return *why = "unsupported Expect", 400;
            h->expect_continue = true;
        }
        pos = end + 2;
    }
    bool wants_body = strcmp(h->method, "POST") == 0 || strcmp(h->method, "PUT") == 0;
    if (wants_body && !h->has_length) return *why = "a body needs Content-Length", 411;
    if (h->content_length > max_body) return *why = "request body too large", 413;
    return 0;
}

/* Reads at most cap bytes; returns the count, 0 at EOF, -1 on error or timeout. */
static ssize_t recv_some(int fd, void *p, size_t cap)
{
    for (;;) {
        ssize_t r = recv(fd, p, cap, 0);
        if (r < 0 && errno == EINTR) continue;
        return r;
    }
}

/* Drains what the client still sends, briefly, before close (see HTTPD_LINGER_BYTES). */
static void linger_close(int fd)
{
    shutdown(fd, SHUT_WR);
    struct timeval tv = {0, HTTPD_LINGER_MS * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char sink[4096];
    size_t total = 0;
    while (total < HTTPD_LINGER_BYTES) {
        ssize_t r = recv_some(fd, sink, sizeof(sink));
        if (r <= 0) break;
        total += (size_t)r;
    }
    close(fd);
}

static void serve_connection(httpd *s, int fd)
{
    struct timeval tv = {s->o.read_timeout_ms / 1000, (s->o.read_timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    size_t cap = s->o.max_header_bytes;
    char *head = malloc(cap + 1);
    uint8_t *body = NULL;
    httpd_response resp;
    buf_init(&resp.body, s->o.max_response_bytes);
    if (!head) goto out;
    /* Receive up to the blank line that ends the head. */
    size_t have = 0, head_len = 0;
    for (;;) {
        size_t from = have > 3 ? have - 3 : 0;
        if (have == cap) {
            send_error(s, fd, 431, "request head too large");
            goto out;
        }
        ssize_t r = recv_some(fd, head + have, cap - have);
        if (r <= 0) {
            if (r < 0 && have)
                send_error(s, fd, 408, "timed out reading the request");
            else
                stats_count(s, COUNT_REJECTED);
            goto out;
        }
        have += (size_t)r;
        size_t k = from;
        for (; k + 3 < have; k++)
            if (memcmp(head + k, "\r\n\r\n", 4) == 0) break;
        if (k + 3 < have) {
            head_len = k;
            break;
        }
    }
    size_t extra = have - (head_len + 4); /* body bytes that came with the head */
    head[head_len] = '\0';
    req_head h;
    const char *why = "";
    int status = parse_head(&h, head, head_len, s->o.max_body_bytes, &why);
    if (status) {
        send_error(s, fd, status, why);
        goto out;
    }
    if (extra > h.content_length) extra = h.content_length; /* Connection: close: ignore more */
    body = malloc(h.content_length + 1);
    if (!body) {
        send_error(s, fd, 500, "out of memory");
        goto out;
    }
    memcpy(body, head + head_len + 4, extra);
    if (h.expect_continue && extra < h.content_length) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        if (!send_all(fd, cont, sizeof(cont) - 1)) goto out;
    }
    for (size_t got = extra; got < h.content_length;) {
        ssize_t r = recv_some(fd, body + got, h.content_length - got);
        if (r <= 0) {
            if (r < 0)
                send_error(s, fd, 408, "timed out reading the body");
            else
                stats_count(s, COUNT_REJECTED);
            goto out;
        }
        got += (size_t)r;
    }
    body[h.content_length] = '\0';
    httpd_request req = {h.method, h.target, h.content_type, body, h.content_length};
    resp.status = 200;
    snprintf(resp.content_type, sizeof(resp.content_type), "text/plain");
    stats_count(s, COUNT_REQUEST);
    if (s->handler(s->arg, &req, &resp) != ZK_OK) {
        send_error(s, fd, 500, "the handler failed");
        goto out;
    }
    send_response(fd, resp.status, resp.content_type, resp.body.data, resp.body.len);
out:
    buf_clear(&resp.body);
    free(body);
    free(head);
    linger_close(fd);
}

static void *worker_main(void *p)
{
    httpd *s = p;
    for (;;) {
        struct pollfd fds[2] = {{s->lfd, POLLIN, 0}, {s->wake[0], POLLIN, 0}};
        int r = poll(fds, 2, -1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 || fds[1].revents) break;
        if (!(fds[0].revents & POLLIN)) continue;
        /* Every worker wakes for one connection; the listening socket is
         * non-blocking so the losers get EAGAIN and go back to poll. */
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0) continue;
        stats_count(s, COUNT_CONNECTION);
        serve_connection(s, fd);
    }
    return NULL;
}

int httpd_start(httpd **out, const char *host, uint16_t port, const httpd_options *opts,
                httpd_handler handler, void *arg, zk_errbuf *err)
{
    *out = NULL;
    httpd_options o = opts ? *opts : httpd_options_default();
    if (o.max_header_bytes == 0 || o.max_response_bytes == 0 || o.read_timeout_ms <= 0 ||
        o.workers == 0 || o.workers > HTTPD_MAX_WORKERS || o.max_body_bytes > SIZE_MAX / 2)
        return ZK_FAIL(err, ZK_ERR_USAGE, "httpd: option out of range");
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return ZK_FAIL(err, ZK_ERR_USAGE, "httpd: host '%.64s' is not an IPv4 address", host);
    httpd *s = calloc(1, sizeof(*s));
    if (!s) return ZK_FAIL(err, ZK_ERR_NOMEM, "httpd: out of memory");
    s->o = o;
    s->handler = handler;
    s->arg = arg;
    s->wake[0] = s->wake[1] = -1;
    pthread_mutex_init(&s->mu, NULL);
    int rc = ZK_OK;
    int one = 1;
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->lfd < 0) {
        rc = ZK_FAIL(err, ZK_ERR_IO, "httpd: socket: %s", strerror(errno));
        goto fail;
    }
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    socklen_t al = sizeof(a);
    if (bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s->lfd, 64) != 0 ||
        getsockname(s->lfd, (struct sockaddr *)&a, &al) != 0) {
        rc = ZK_FAIL(err, ZK_ERR_IO, "httpd: cannot listen on %.64s:%u: %s", host, port,
                     strerror(errno));
        goto fail;
    }
    s->port = ntohs(a.sin_port);
    if (pipe(s->wake) != 0) {
        rc = ZK_FAIL(err, ZK_ERR_IO, "httpd: pipe: %s", strerror(errno));
        goto fail;
    }
    for (; s->n_threads < o.workers; s->n_threads++)
        if (pthread_create(&s->threads[s->n_threads], NULL, worker_main, s) != 0) {
            rc = ZK_FAIL(err, ZK_ERR_IO, "httpd: cannot start worker thread");
            goto fail;
        }
    *out = s;
    return ZK_OK;
fail:
    httpd_stop(s);
    return rc;
}

uint16_t httpd_port(const httpd *s)
{
    return s->port;
}

void httpd_get_stats(httpd *s, httpd_stats *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->mu);
}

void httpd_stop(httpd *s)
{
    if (!s) return;
    if (s->wake[1] >= 0) {
        ssize_t w;
        do
            w = write(s->wake[1], "x", 1);
        while (w < 0 && errno == EINTR);
    }
    for (unsigned i = 0; i < s->n_threads; i++)
        pthread_join(s->threads[i], NULL);
    if (s->lfd >= 0) close(s->lfd);
    if (s->wake[0] >= 0) close(s->wake[0]);
    if (s->wake[1] >= 0) close(s->wake[1]);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
