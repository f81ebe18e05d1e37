/* JSON-RPC transport: one CURL easy handle per client, a capped response
 * buffer, retries with capped exponential backoff and full jitter ("Exponential
 * Backoff And Jitter", AWS architecture blog: sleep = random(0, min(cap,
 * base * 2^n))), and strict validation of every answer's envelope
 * (JSON-RPC 2.0 specification, section 5). */
#include "relayer/rpc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "lightclient/lightclient.h"

/* Method names are short identifiers; anything longer is a caller bug. */
#define RPC_METHOD_MAX 64
/* A response buffer larger than this is released after the call instead of
 * being kept for the next one. */
#define RPC_KEEP_BUFFER (1u << 20)

struct rpc_client {
    CURL *curl;
    struct curl_slist *headers;
    rpc_options opts;
    uint64_t next_id;
    uint64_t rng; /* splitmix64 state for the backoff jitter */
    rpc_stats stats;
    zk_buf body;   /* the response being received */
    int write_err; /* why on_write refused bytes: ZK_ERR_RANGE or ZK_ERR_NOMEM */
    char curl_err[CURL_ERROR_SIZE];
    char *error_data; /* the last JSON-RPC error's "data" string (revert data), or NULL */
};

rpc_options rpc_options_default(void)
{
    rpc_options o;
    o.timeout_ms = 10000;
    o.max_response_bytes = (size_t)32 << 20;
    o.max_retries = 5;
    o.backoff_initial_ms = 100;
    o.backoff_max_ms = 5000;
    o.transport = NULL;
    o.transport_ctx = NULL;
    return o;
}

int rpc_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? ZK_OK : ZK_ERR_INTERNAL;
}

void rpc_global_cleanup(void)
{
    curl_global_cleanup();
}

static uint64_t rng_next(uint64_t *s)
{
    /* splitmix64: statistical quality is all the jitter needs. */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Seeds differ between processes and clients so that relayers restarted
 * together do not retry in lockstep. */
static uint64_t rng_seed(const void *salt)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s)) return s;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^ (uint64_t)(uintptr_t)salt ^
           ((uint64_t)getpid() << 32);
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
    rpc_client *c = ud;
    size_t n = size * nmemb; /* libcurl: size is always 1 */
    int rc = buf_append(&c->body, p, n);
    if (rc) {
        /* Returning less than n makes libcurl abort the transfer now, so an
         * oversized answer costs at most max_response_bytes of memory. */
        c->write_err = rc;
        return 0;
    }
    return n;
}

void rpc_copy_printable(char *out, size_t cap, const char *s, size_t len)
{
    size_t n = 0;
    for (; n < len && n + 1 < cap; n++) {
        unsigned char ch = (unsigned char)s[n];
        out[n] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '.';
    }
    out[n] = '\0';
    if (n < len && n >= 3) memcpy(out + n - 3, "...", 3);
}

static int set_options(rpc_client *c, const char *url)
{
    CURL *h = c->curl;
    CURLcode r = CURLE_OK;
    /* The URL was checked to be http(s); the protocol lists also forbid any
     * other scheme, redirects included (they are not followed anyway). */
    if (!r) r = curl_easy_setopt(h, CURLOPT_URL, url);
    if (!r) r = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!r) r = curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    if (!r) r = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    if (!r) r = curl_easy_setopt(h, CURLOPT_POST, 1L);
    if (!r) r = curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
    if (!r) r = curl_easy_setopt(h, CURLOPT_USERAGENT, "zkrelay");
    if (!r) r = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    if (!r) r = curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    if (!r) r = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->curl_err);
    /* No SIGALRM-based DNS timeouts: the relayer may be multi-threaded. */
    if (!r) r = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (!r) r = curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->opts.timeout_ms);
    if (!r) r = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->opts.timeout_ms);
    if (!r) r = curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    /* A declared Content-Length above the cap fails before any byte is read;
     * the write callback enforces the cap on the decoded bytes. */
    if (!r)
        r = curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->opts.max_response_bytes);
    if (!r) r = curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    return r == CURLE_OK ? ZK_OK : ZK_ERR_INTERNAL;
}

static int check_url(const char *url, zk_errbuf *err)
{
    CURLU *u = curl_url();
    char *scheme = NULL;
    int rc = ZK_OK;
    if (!u) return ZK_FAIL(err, ZK_ERR_NOMEM, "rpc: out of memory");
    /* The URL is not quoted in messages: it may hold an API key. */
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        rc = ZK_FAIL(err, ZK_ERR_USAGE, "rpc: the node URL is not a valid absolute URL");
    else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
        rc = ZK_FAIL(err, ZK_ERR_USAGE, "rpc: the node URL must use http or https");
    curl_free(scheme);
    curl_url_cleanup(u);
    return rc;
}

rpc_client *rpc_client_new(const char *url, const rpc_options *opts, zk_errbuf *err)
{
    rpc_options o = opts ? *opts : rpc_options_default();
    if (o.timeout_ms <= 0 || o.max_response_bytes == 0 || o.max_retries < 0 ||
        o.max_retries > 100 || o.backoff_initial_ms < 0 || o.backoff_max_ms < 0) {
        ZK_FAIL(err, ZK_ERR_USAGE, "rpc: invalid client options");
        return NULL;
    }
    if (check_url(url, err)) return NULL;
    rpc_client *c = calloc(1, sizeof(*c));
    if (!c) {
        ZK_FAIL(err, ZK_ERR_NOMEM, "rpc: out of memory");
        return NULL;
    }
    c->opts = o;
    c->next_id = 1;
    c->rng = rng_seed(c);
    buf_init(&c->body, o.max_response_bytes);
    c->curl = curl_easy_init();
    struct curl_slist *h = NULL, *t;
    static const char *const hdrs[] = {
        "Content-Type: application/json", "Accept: application/json",
        "Expect:", /* no 100-continue round trip before large bodies */
    };
    for (size_t i = 0; c->curl && i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
        t = curl_slist_append(h, hdrs[i]);
        if (!t) {
            curl_slist_free_all(h);
            h = NULL;
            break;
        }
        h = t;
    }
    c->headers = h;
    if (!c->curl || !c->headers) {
        ZK_FAIL(err, ZK_ERR_NOMEM, "rpc: cannot create the HTTP handle");
        rpc_client_free(c);
        return NULL;
    }
    if (set_options(c, url)) {
        ZK_FAIL(err, ZK_ERR_INTERNAL, "rpc: libcurl rejected an option (is it older than 7.85?)");
        rpc_client_free(c);
        return NULL;
    }
    return c;
}

void rpc_client_free(rpc_client *c)
{
    if (!c) return;
    free(c->error_data);
    if (c->curl) curl_easy_cleanup(c->curl);
    curl_slist_free_all(c->headers);
    buf_clear(&c->body);
    free(c);
}

void rpc_client_stats(const rpc_client *c, rpc_stats *out)
{
    *out = c->stats;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Backoff before retry number `retry` (0 for the first): full jitter over
 * [0, min(max, initial * 2^retry)], raised to the server's Retry-After (capped
 * at backoff_max_ms) when it sent one. */
static long backoff_ms(rpc_client *c, int retry, curl_off_t retry_after_s)
{
    long cap = c->opts.backoff_max_ms, base = c->opts.backoff_initial_ms;
    for (int i = 0; i < retry && base < cap; i++)
        base = base > cap / 2 ? cap : base * 2;
    if (base > cap) base = cap;
    long wait = base > 0 ? (long)(rng_next(&c->rng) % ((uint64_t)base + 1)) : 0;
    if (retry_after_s > 0) {
        long ra = retry_after_s > cap / 1000 ? cap : (long)retry_after_s * 1000;
        if (ra > wait) wait = ra;
    }
    return wait;
}

static bool curl_is_retryable(CURLcode r)
{
    switch (r) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "an unknown value";
}

/* Keeps e's "data" string (revert data: why an eth_call reverted) for rpc_last_error_data. */
static void keep_error_data(rpc_client *c, const json_t *e)
{
    const json_t *d = json_object_get(e, "data");
    if (json_is_object(d)) d = json_object_get(d, "data"); /* some nodes nest it */
    if (!json_is_string(d)) return;
    size_t n = json_string_length(d);
    char *copy = malloc(n + 1);
    if (!copy) return;
    memcpy(copy, json_string_value(d), n);
    copy[n] = '\0';
    free(c->error_data);
    c->error_data = copy;
}

const char *rpc_last_error_data(const rpc_client *c)
{
    return c->error_data;
}

/* Writes the JSON-RPC error object e (already validated by envelope_check)
 * into err and returns ZK_ERR_RPC. */
static int fail_rpc_error(zk_errbuf *err, const char *what, const json_t *e, const char *suffix)
{
    const json_t *m = json_object_get(e, "message"), *d = json_object_get(e, "data");
    char msg[128], data[80] = "";
    rpc_copy_printable(msg, sizeof(msg), json_string_value(m), json_string_length(m));
    if (json_is_string(d)) {
        /* Revert data ("0x08c379a0...") says why a call reverted. */
        char dv[64];
        rpc_copy_printable(dv, sizeof(dv), json_string_value(d), json_string_length(d));
        snprintf(data, sizeof(data), " (data %s)", dv);
    }
    return ZK_FAIL(err, ZK_ERR_RPC, "rpc %s: error %lld: %s%s%s", what,
                   (long long)json_integer_value(json_object_get(e, "code")), msg, data, suffix);
}

/* Validates one response object's envelope. The id is reported, not compared:
 * single calls and batches match it differently.
 * Out: *id_null (the id was JSON null), *id, and exactly one of *result and
 *      *error non-NULL (borrowed from o). */
static int envelope_check(const json_t *o, bool *id_null, json_int_t *id, json_t **result,
                          json_t **error, zk_errbuf *err)
{
    *id_null = false;
    *id = 0;
    *result = *error = NULL;
    if (!json_is_object(o))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "the response is %s, not a JSON-RPC object",
                       json_kind(o));
    const json_t *v = json_object_get(o, "jsonrpc");
    if (!v) return ZK_FAIL(err, ZK_ERR_MALFORMED, "the response has no \"jsonrpc\" member");
    if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0 ||
        json_string_length(v) != 3) {
        char got[24] = "";
        if (json_is_string(v))
            rpc_copy_printable(got, sizeof(got), json_string_value(v), json_string_length(v));
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "the response has jsonrpc %s%s%s, expected \"2.0\"",
                       json_is_string(v) ? "\"" : "", json_is_string(v) ? got : json_kind(v),
                       json_is_string(v) ? "\"" : "");
    }
    v = json_object_get(o, "id");
    if (!v) return ZK_FAIL(err, ZK_ERR_MALFORMED, "the response has no \"id\" member");
    if (json_is_null(v))
        *id_null = true;
    else if (json_is_integer(v))
        *id = json_integer_value(v);
    else
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "the response id is %s; we send integer ids",
                       json_kind(v));
    *result = json_object_get(o, "result");
    *error = json_object_get(o, "error");
    if (*result && *error)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "the response has both \"result\" and \"error\"");
    if (!*result && !*error)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "the response has neither \"result\" nor \"error\"");
    if (*error) {
        const json_t *e = *error;
        if (!json_is_object(e) || !json_is_integer(json_object_get(e, "code")) ||
            !json_is_string(json_object_get(e, "message")))
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "the response's \"error\" is not an object with an integer code and a "
                           "string message");
    } else if (*id_null) {
        /* Only an error may carry a null id (the node could not read ours). */
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "the response has a result but a null id");
    }
    return ZK_OK;
}

/* Parses the received body. Out: *doc a new reference to any JSON value. */
static int body_parse(rpc_client *c, json_t **doc, const char *what, zk_errbuf *err)
{
    json_error_t jerr;
    char snip[48];
    if (c->body.len == 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc %s: empty response body", what);
    /* Duplicate keys would let two readers of one answer see different values. */
    *doc = json_loadb((const char *)c->body.data, c->body.len,
                      JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (*doc) return ZK_OK;
    rpc_copy_printable(snip, sizeof(snip), (const char *)c->body.data, c->body.len);
    return ZK_FAIL(err, ZK_ERR_MALFORMED,
                   "rpc %s: the response is not valid JSON (%s at byte %d); it starts \"%s\"", what,
                   jerr.text, jerr.position, snip);
}

/* Answers with a non-retryable HTTP status. Nodes sometimes put a JSON-RPC
 * error in a 4xx body; when they do, that error is reported as such. */
static int fail_http_status(rpc_client *c, const char *what, long status, zk_errbuf *err)
{
    json_error_t jerr;
    json_t *doc = c->body.len ? json_loadb((const char *)c->body.data, c->body.len,
                                           JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr)
                              : NULL;
    bool id_null;
    json_int_t id;
    json_t *res, *e;
    char suffix[32];
    int rc;
    snprintf(suffix, sizeof(suffix), " (HTTP %ld)", status);
    if (doc && envelope_check(doc, &id_null, &id, &res, &e, NULL) == ZK_OK && e)
        rc = fail_rpc_error(err, what, e, suffix);
    else
        rc = ZK_FAIL(err, ZK_ERR_TRANSPORT, "rpc %s: HTTP %ld", what, status);
    json_decref(doc);
    return rc;
}

/* One attempt: libcurl, or the options' transport, whose outcome is mapped to
 * the libcurl codes the caller handles (a failure is a refused connection, an
 * answer over the cap an oversized file). Out: *status the HTTP status. */
static CURLcode perform(rpc_client *c, long *status, const char *body, size_t len)
{
    if (!c->opts.transport) {
        CURLcode r = curl_easy_perform(c->curl);
        if (r == CURLE_OK) curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
        return r;
    }
    int rc = c->opts.transport(c->opts.transport_ctx, body, len, status, &c->body);
    if (rc == ZK_ERR_RANGE || c->body.len > c->opts.max_response_bytes) {
        c->write_err = ZK_ERR_RANGE;
        return CURLE_FILESIZE_EXCEEDED;
    }
    if (rc == ZK_ERR_NOMEM) {
        c->write_err = ZK_ERR_NOMEM;
        return CURLE_OUT_OF_MEMORY;
    }
    return rc == ZK_OK ? CURLE_OK : CURLE_COULDNT_CONNECT;
}

/* POSTs body and returns the parsed answer of an HTTP 200, retrying what is
 * worth retrying.
 * Out: *doc  a new reference to the parsed JSON (any type). */
static int rpc_post(rpc_client *c, json_t **doc, const char *what, const char *body, size_t len,
                    zk_errbuf *err)
{
    *doc = NULL;
    if (curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) != CURLE_OK)
        return ZK_FAIL(err, ZK_ERR_INTERNAL, "rpc %s: cannot set the request body", what);
    int rc = ZK_ERR_INTERNAL;
    for (int attempt = 0;; attempt++) {
        curl_off_t retry_after = 0;
        bool retry = false;
        long status = 0;
        c->body.len = 0;
        c->write_err = ZK_OK;
        c->curl_err[0] = '\0';
        c->stats.attempts++;
        if (attempt > 0) c->stats.retries++;
        CURLcode r = perform(c, &status, body, len);
        if (r == CURLE_OK) {
            if (status == 200) {
                rc = body_parse(c, doc, what, err);
                break;
            }
            if (status == 429 || (status >= 500 && status <= 599)) {
                /* Some nodes and proxies wrap a JSON-RPC error in a 5xx: that is
                 * still the node's final word, not a transport failure. */
                rc = status == 429 ? ZK_ERR_TRANSPORT : fail_http_status(c, what, status, err);
                if (rc == ZK_ERR_RPC) break;
                if (!c->opts.transport)
                    curl_easy_getinfo(c->curl, CURLINFO_RETRY_AFTER, &retry_after);
                rc = ZK_FAIL(err, ZK_ERR_TRANSPORT, "rpc %s: HTTP %ld", what, status);
                retry = true;
            } else {
                rc = fail_http_status(c, what, status, err);
                break;
            }
        } else if ((r == CURLE_WRITE_ERROR && c->write_err == ZK_ERR_RANGE) ||
                   r == CURLE_FILESIZE_EXCEEDED) {
            rc = ZK_FAIL(err, ZK_ERR_RANGE, "rpc %s: the response exceeds the limit of %zu bytes",
                         what, c->opts.max_response_bytes);
            break;
        } else if ((r == CURLE_WRITE_ERROR && c->write_err == ZK_ERR_NOMEM) ||
                   r == CURLE_OUT_OF_MEMORY) {
            rc = ZK_FAIL(err, ZK_ERR_NOMEM, "rpc %s: out of memory receiving the response", what);
            break;
        } else {
            const char *why = c->curl_err[0] ? c->curl_err : curl_easy_strerror(r);
            size_t wl = strcspn(why, "\r\n");
            /* Not HTTP at all (libcurl reports an HTTP/0.9 answer as an
             * unsupported protocol; our URL's scheme was checked): a wrong
             * port or a broken proxy, not a glitch worth retrying. */
            if (r == CURLE_WEIRD_SERVER_REPLY || r == CURLE_UNSUPPORTED_PROTOCOL ||
                r == CURLE_BAD_CONTENT_ENCODING)
                rc = ZK_ERR_MALFORMED;
            else if (r == CURLE_OPERATION_TIMEDOUT)
                rc = ZK_ERR_TIMEOUT;
            else
                rc = ZK_ERR_TRANSPORT;
            ZK_FAIL(err, rc, "rpc %s: %.*s", what, (int)wl, why);
            retry = curl_is_retryable(r);
        }
        if (!retry || attempt >= c->opts.max_retries) {
            if (retry && attempt > 0 && err) {
                size_t l = strnlen(err->msg, sizeof(err->msg));
                snprintf(err->msg + l, sizeof(err->msg) - l, " (gave up after %d attempts)",
                         attempt + 1);
            }
            break;
        }
        sleep_ms(backoff_ms(c, attempt, retry_after));
    }
    /* Keep a small buffer for the next call; give a large one back. */
    if (c->body.cap > RPC_KEEP_BUFFER) buf_clear(&c->body);
    return rc;
}

static bool method_is_valid(const char *m)
{
    size_t n = strnlen(m, RPC_METHOD_MAX + 1);
    if (n == 0 || n > RPC_METHOD_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if (m[i] <= 0x20 || m[i] >= 0x7f || m[i] == '"' || m[i] == '\\') return false;
    return true;
}

/* Builds one request object; params is stolen. Returns NULL when out of memory. */
static json_t *request_new(uint64_t id, const char *method, json_t *params)
{
    json_t *req = json_object();
    if (!req || json_object_set_new(req, "jsonrpc", json_string("2.0")) ||
        json_object_set_new(req, "id", json_integer((json_int_t)id)) ||
        json_object_set_new(req, "method", json_string(method))) {
        json_decref(req);
        json_decref(params);
        return NULL;
    }
    if (json_object_set_new(req, "params", params)) {
        json_decref(req);
        return NULL;
    }
    return req;
}

/* Checks a request's method and params; params is released on failure. */
static int request_check(const char *method, json_t **params, zk_errbuf *err)
{
    if (!method_is_valid(method)) {
        json_decref(*params);
        return ZK_FAIL(err, ZK_ERR_USAGE, "rpc: invalid method name");
    }
    if (!*params) *params = json_array();
    if (!*params) return ZK_FAIL(err, ZK_ERR_NOMEM, "rpc %s: out of memory", method);
    if (!json_is_array(*params) && !json_is_object(*params)) {
        json_decref(*params);
        return ZK_FAIL(err, ZK_ERR_USAGE, "rpc %s: params must be an array or an object", method);
    }
    return ZK_OK;
}

/* Serialises req (and releases it). Returns NULL when out of memory. */
static char *request_dump(json_t *req)
{
    char *s = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    return s;
}

int rpc_call(rpc_client *c, json_t **result, const char *method, json_t *params, zk_errbuf *err)
{
    json_t *doc = NULL, *res, *e;
    bool id_null;
    json_int_t id;
    *result = NULL;
    c->stats.calls++;
    int rc = request_check(method, &params, err);
    if (rc) goto out;
    uint64_t want = c->next_id++;
    char *body = request_dump(request_new(want, method, params));
    if (!body) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "rpc %s: out of memory", method);
        goto out;
    }
    rc = rpc_post(c, &doc, method, body, strlen(body), err);
    free(body);
    if (rc) goto out;
    rc = envelope_check(doc, &id_null, &id, &res, &e, err);
    if (rc) {
        zk_fail_wrap(err, rc, "rpc %s", method);
        goto out;
    }
    if (!id_null && (uint64_t)id != want) {
        rc =
            ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc %s: the response id %lld does not match ours, %llu",
                    method, (long long)id, (unsigned long long)want);
        goto out;
    }
    if (e) {
        keep_error_data(c, e);
        rc = fail_rpc_error(err, method, e, "");
        goto out;
    }
    *result = json_incref(res);
out:
    if (rc == ZK_ERR_RPC)
        c->stats.rpc_errors++;
    else if (rc)
        c->stats.failures++;
    json_decref(doc);
    return rc;
}

/* Matches a batch answer to its n requests (ids base .. base+n-1).
 * Out: slots[i] the response object for request i (borrowed from doc). */
static int batch_match(json_t **slots, const json_t *doc, uint64_t base, size_t n, zk_errbuf *err)
{
    size_t i;
    json_t *o, *res, *e;
    bool id_null;
    json_int_t id;
    if (!json_is_array(doc))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc batch: the response is %s, not an array",
                       json_kind(doc));
    json_array_foreach(doc, i, o)
    {
        int rc = envelope_check(o, &id_null, &id, &res, &e, err);
        if (rc) return zk_fail_wrap(err, rc, "rpc batch: entry %zu", i);
        if (id_null || (uint64_t)id < base || (uint64_t)id - base >= n)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc batch: entry %zu answers unknown id %lld", i,
                           (long long)id);
        size_t k = (size_t)((uint64_t)id - base);
        if (slots[k])
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc batch: id %lld is answered twice",
                           (long long)id);
        slots[k] = o;
    }
    for (i = 0; i < n; i++)
        if (!slots[i])
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "rpc batch: no answer for id %llu",
                           (unsigned long long)(base + i));
    return ZK_OK;
}

int rpc_batch(rpc_client *c, json_t **results, int *codes, zk_errbuf *errs, const rpc_request *reqs,
              size_t n, zk_errbuf *err)
{
    zk_errbuf local;
    json_t *doc = NULL, *arr = NULL, **slots = NULL;
    char *body = NULL;
    size_t i;
    int rc = ZK_OK;
    bool per_entry = false; /* reached the per-entry results */
    local.msg[0] = '\0';
    local.offset = 0;
    c->stats.calls++;
    for (i = 0; i < n; i++)
        results[i] = NULL;
    if (n == 0 || n > RPC_BATCH_MAX) {
        for (i = 0; i < n; i++)
            json_decref(reqs[i].params);
        rc = ZK_FAIL(&local, ZK_ERR_USAGE, "rpc batch: %zu requests (1..%d allowed)", n,
                     RPC_BATCH_MAX);
        goto out;
    }
    uint64_t base = c->next_id;
    c->next_id += n;
    arr = json_array();
    if (!arr) rc = ZK_FAIL(&local, ZK_ERR_NOMEM, "rpc batch: out of memory");
    for (i = 0; i < n; i++) {
        json_t *params = reqs[i].params;
        int r = request_check(reqs[i].method, &params, &local);
        if (!rc && r) rc = zk_fail_wrap(&local, r, "rpc batch: entry %zu", i);
        if (r) continue;
        if (rc) {
            json_decref(params);
            continue;
        }
        if (json_array_append_new(arr, request_new(base + i, reqs[i].method, params)))
            rc = ZK_FAIL(&local, ZK_ERR_NOMEM, "rpc batch: out of memory");
    }
    if (rc) goto out;
    body = request_dump(arr);
    arr = NULL;
    slots = calloc(n, sizeof(*slots));
    if (!body || !slots) {
        rc = ZK_FAIL(&local, ZK_ERR_NOMEM, "rpc batch: out of memory");
        goto out;
    }
    rc = rpc_post(c, &doc, "batch", body, strlen(body), &local);
    if (rc) goto out;
    if (json_is_object(doc)) {
        /* A node that refuses the batch (too large, unsupported) answers with
         * one error object and a null id. */
        bool id_null;
        json_int_t id;
        json_t *res, *e;
        rc = envelope_check(doc, &id_null, &id, &res, &e, &local);
        if (rc == ZK_OK && e && id_null)
            rc = fail_rpc_error(&local, "batch", e, "");
        else if (rc == ZK_OK)
            rc = ZK_FAIL(&local, ZK_ERR_MALFORMED,
                         "rpc batch: a single object with id %lld answers a batch", (long long)id);
        else
            zk_fail_wrap(&local, rc, "rpc batch");
        goto out;
    }
    rc = batch_match(slots, doc, base, n, &local);
    if (rc) goto out;
    per_entry = true;
    for (i = 0; i < n; i++) {
        json_t *res = json_object_get(slots[i], "result");
        codes[i] = ZK_OK;
        if (res) {
            results[i] = json_incref(res);
            continue;
        }
        zk_errbuf *ei = errs ? &errs[i] : NULL;
        if (ei) ei->offset = i;
        codes[i] = fail_rpc_error(ei, reqs[i].method, json_object_get(slots[i], "error"), "");
        c->stats.rpc_errors++;
        if (!rc) {
            rc = ZK_ERR_RPC;
            ZK_FAIL(&local, rc, "rpc batch: entry %zu (%s) failed", i, reqs[i].method);
        }
    }

out:
    if (!per_entry) {
        /* The batch failed as a whole: every entry carries the same code. */
        for (i = 0; i < n; i++) {
            codes[i] = rc;
            if (errs) errs[i] = local;
        }
        if (rc == ZK_ERR_RPC)
            c->stats.rpc_errors++;
        else if (rc)
            c->stats.failures++;
    }
    if (rc && err) *err = local;
    json_decref(arr);
    json_decref(doc);
    free(body);
    free(slots);
    return rc;
}
