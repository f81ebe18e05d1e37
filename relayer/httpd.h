/* A minimal HTTP/1.1 server for loopback services: the devnet sealer's
 * JSON-RPC endpoint and, later, the relayer's /metrics and /health.
 *
 * One request per connection ("Connection: close" on every answer), served by
 * a small pool of worker threads that accept on one listening socket, so a
 * client that keeps no connection open never blocks the others for long.
 *
 * Everything a client sends is untrusted: the request line and headers are
 * capped (431 when larger), the body is capped (413 when larger; the cap is
 * checked against Content-Length before a byte of the body is read), a socket
 * that stalls past the read timeout is dropped, and what does not follow
 * RFC 9112 as far as we read it is answered 400: a malformed request line or
 * header, a missing or non-decimal or repeated Content-Length, an HTTP version
 * other than 1.0 or 1.1 (505). Transfer-Encoding is not supported (501), so a
 * body is always delimited by Content-Length and request smuggling has nothing
 * to play with. "Expect: 100-continue" is answered before the body is read.
 *
 * The handler runs on a worker thread, possibly on several at once: it must be
 * thread safe (the sealer takes its own lock).
 *
 * Pointers are non-NULL unless stated; err may always be NULL. */
#ifndef ZKRELAY_RELAYER_HTTPD_H
#define ZKRELAY_RELAYER_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"

/* One parsed request, valid only during the handler call (borrowed). */
typedef struct httpd_request {
    const char *method;       /* "GET", "POST", ... (NUL-terminated, as sent) */
    const char *path;         /* the request target, "/metrics" (NUL-terminated) */
    const char *content_type; /* the Content-Type header value, or "" */
    const uint8_t *body;      /* body_len bytes, NUL-terminated for convenience */
    size_t body_len;
} httpd_request;

/* What the handler answers. The server initialises it to status 200,
 * content type "text/plain" and an empty body capped at max_response_bytes. */
typedef struct httpd_response {
    int status;            /* 100..599; an out-of-range value is sent as 500 */
    char content_type[64]; /* printable ASCII; other bytes are sent as '.' */
    zk_buf body;           /* append with buf_append or httpd_response_set */
} httpd_response;

/* Sets status, content type and body in one call.
 * Returns: ZK_OK; ZK_ERR_RANGE when body exceeds the response cap; ZK_ERR_NOMEM.
 * In: body[0..len) copied (may be NULL when len is 0). */
int httpd_response_set(httpd_response *resp, int status, const char *content_type, const void *body,
                       size_t len) ZK_MUST_CHECK ZK_NONNULL(1, 3);

/* The handler: fills resp for req. A return other than ZK_OK discards resp
 * and answers 500 with a fixed text (the handler's own detail is not sent). */
typedef int (*httpd_handler)(void *arg, const httpd_request *req, httpd_response *resp);

typedef struct httpd_options {
    size_t max_header_bytes;   /* request line + headers (> 0) */
    size_t max_body_bytes;     /* request body (may be 0: no body accepted) */
    size_t max_response_bytes; /* handler's body (> 0) */
    long read_timeout_ms;      /* per socket read while receiving a request (> 0) */
    unsigned workers;          /* threads serving connections, 1..64 */
} httpd_options;

/* Returns the defaults: 16 KiB of headers, 1 MiB bodies, 32 MiB responses,
 * 5 s read timeout, 4 workers. */
httpd_options httpd_options_default(void);

typedef struct httpd httpd;

/* Binds host:port (host an IPv4 literal such as "127.0.0.1"; port 0 picks a
 * free port, see httpd_port) and starts the workers.
 * Returns: ZK_OK; ZK_ERR_USAGE for a host that is not an IPv4 literal or an
 *          option out of range; ZK_ERR_IO when the address cannot be bound
 *          (in use, not local) or a thread cannot start; ZK_ERR_NOMEM.
 * Out: *out the running server (stop and free it with httpd_stop); NULL on
 *      failure.
 * In:  opts copied, NULL for the defaults; handler and arg kept until
 *      httpd_stop returns. */
int httpd_start(httpd **out, const char *host, uint16_t port, const httpd_options *opts,
                httpd_handler handler, void *arg, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 5);

/* The bound port (the kernel's choice when started with port 0). */
uint16_t httpd_port(const httpd *s) ZK_NONNULL(1);

/* Counters, for metrics and tests. */
typedef struct httpd_stats {
    uint64_t connections; /* accepted */
    uint64_t requests;    /* handed to the handler */
    uint64_t rejected;    /* answered 4xx/5xx by the server itself, or dropped */
} httpd_stats;

/* Out: *out a snapshot of the counters. */
void httpd_get_stats(httpd *s, httpd_stats *out) ZK_NONNULL(1, 2);

/* Stops accepting, lets each worker finish the request it is serving (a
 * stalled client is dropped after the read timeout), joins the workers, closes
 * the socket and frees s. httpd_stop(NULL) does nothing. */
void httpd_stop(httpd *s);

#endif
