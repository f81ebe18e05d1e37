/* zkrelay-devnet faultproxy (devnet/faultproxy.h, docs/faults.md).
 *
 * Shape: a small TCP front on the public port relays every connection to a
 * relayer/httpd.h server on an ephemeral loopback port, whose handler decides
 * the fault, forwards the request to the node with relayer/rpc.h and bends
 * the answer. The front exists for one fault only: httpd always answers, so a
 * handler that wants the connection dropped answers the private status
 * DROP_STATUS, and the front closes the client's connection instead of
 * relaying that answer. Everything else passes through the front unchanged.
 *
 * Request numbers count POST requests in the order the handler sees them, so
 * they are exact for a client that sends one request at a time (rpc_client
 * does; httpd answers "Connection: close", one request per connection). */
#include "devnet/faultproxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "devnet/chain.h"
#include "lightclient/bft.h"
#include "lightclient/ecdsa.h"
#include "lightclient/header.h"
#include "lightclient/hex.h"
#include "relayer/cli.h"
#include "relayer/httpd.h"
#include "relayer/rpc.h"

/* A status no node sends, private between the handler and the front. */
#define DROP_STATUS      599
#define DROP_STATUS_LINE "HTTP/1.1 599 "
/* Request bodies: a batch of 1000 eth_getBlockByNumber is about 100 KB. */
#define PROXY_MAX_BODY (8u << 20)
/* A relayed connection idle this long is closed (the handler's longest
 * delay is bounded by MAX_DELAY_MS, well below it). */
#define RELAY_IDLE_MS 120000
#define MAX_DELAY_MS  60000u
#define SCHEDULE_MAX  (256u * 1024u)

#define WARNING                                                                                    \
    "DEVNET TOOLING, NEVER FOR PRODUCTION: faultproxy forges answers on purpose\n"                 \
    "(altblock,reseal seals headers with the public devnet validator keys).\n"

/* ---- schedule ------------------------------------------------------------- */

static const struct {
    const char *name;
    faultproxy_kind kind;
} KINDS[] = {
    {"delay", FAULT_DELAY},       {"drop", FAULT_DROP},         {"http", FAULT_HTTP},
    {"truncate", FAULT_TRUNCATE}, {"garble", FAULT_GARBLE},     {"chainid", FAULT_CHAINID},
    {"oldhead", FAULT_OLDHEAD},   {"altblock", FAULT_ALTBLOCK},
};

static const char *const ALT_FIELDS[] = {"stateRoot", "receiptsRoot", "timestamp", "parentHash"};

static const char *kind_name(faultproxy_kind k)
{
    for (size_t i = 0; i < sizeof(KINDS) / sizeof(*KINDS); i++)
        if (KINDS[i].kind == k) return KINDS[i].name;
    return "unknown";
}

/* Parses a decimal uint64 (no sign, no leading '+', no empty string). */
static bool parse_u64(uint64_t *out, const char *s)
{
    if (s[0] < '0' || s[0] > '9') return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return false;
    *out = (uint64_t)v;
    return true;
}

/* Applies one key=value to r; the kind is already set. */
static int rule_set(faultproxy_rule *r, const char *key, const char *val, zk_errbuf *err)
{
    uint64_t v = 0;
    bool num = parse_u64(&v, val);
    faultproxy_kind k = r->kind;
    if (strcmp(key, "method") == 0) {
        size_t l = strlen(val);
        if (l == 0 || l >= sizeof(r->method))
            return ZK_FAIL(err, ZK_ERR_USAGE, "method: 1..%zu characters", sizeof(r->method) - 1);
        memcpy(r->method, val, l + 1);
        return ZK_OK;
    }
    if (strcmp(key, "field") == 0 && k == FAULT_ALTBLOCK) {
        for (size_t i = 0; i < sizeof(ALT_FIELDS) / sizeof(*ALT_FIELDS); i++)
            if (strcmp(val, ALT_FIELDS[i]) == 0) {
                memcpy(r->field, val, strlen(val) + 1);
                return ZK_OK;
            }
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "field: one of stateRoot, receiptsRoot, timestamp, parentHash");
    }
    if (strcmp(key, "reseal") == 0 && k == FAULT_ALTBLOCK) {
        if (!num || v > 1) return ZK_FAIL(err, ZK_ERR_USAGE, "reseal: 0 or 1");
        r->reseal = v == 1;
        return ZK_OK;
    }
    bool ok = num;
    if (!ok) {
        /* reported below, with the key */
    } else if (strcmp(key, "from") == 0 && v > 0)
        r->from = v;
    else if (strcmp(key, "to") == 0 && v > 0)
        r->to = v;
    else if (strcmp(key, "after_ms") == 0)
        r->after_ms = v;
    else if (strcmp(key, "until_ms") == 0 && v > 0)
        r->until_ms = v;
    else if (strcmp(key, "times") == 0 && v > 0)
        r->times = v;
    else if (strcmp(key, "ms") == 0 && k == FAULT_DELAY && v <= MAX_DELAY_MS)
        r->ms = v;
    else if (strcmp(key, "status") == 0 && k == FAULT_HTTP && v >= 400 && v <= 598)
        r->status = (int)v;
    else if (strcmp(key, "keep") == 0 && k == FAULT_TRUNCATE)
        r->keep = v;
    else if (strcmp(key, "value") == 0 && k == FAULT_CHAINID && v > 0)
        r->value = v;
    else if (strcmp(key, "back") == 0 && k == FAULT_OLDHEAD && v > 0)
        r->back = v;
    else if (strcmp(key, "block") == 0 && k == FAULT_ALTBLOCK) {
        r->has_block = true;
        r->block = v;
    } else {
        ok = false;
    }
    if (!ok)
        return ZK_FAIL(err, ZK_ERR_USAGE, "'%s=%s' is not a valid key or value for %s", key, val,
                       kind_name(k));
    return ZK_OK;
}

int faultproxy_rule_parse(faultproxy_rule *out, const char *spec, zk_errbuf *err)
{
    memset(out, 0, sizeof(*out));
    char buf[512];
    size_t len = strlen(spec);
    if (len == 0 || len >= sizeof(buf))
        return ZK_FAIL(err, ZK_ERR_USAGE, "a fault is 1..%zu characters", sizeof(buf) - 1);
    memcpy(buf, spec, len + 1);
    char *save = buf, *tok = buf;
    char *comma = strchr(save, ',');
    if (comma) *comma = '\0';
    for (size_t i = 0; i < sizeof(KINDS) / sizeof(*KINDS); i++)
        if (strcmp(tok, KINDS[i].name) == 0) out->kind = KINDS[i].kind;
    if (!out->kind)
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "unknown fault '%s' (delay, drop, http, truncate, garble, chainid, "
                       "oldhead, altblock)",
                       tok);
    out->from = 1;
    out->status = 500;
    out->back = 1;
    out->ms = 1000;
    memcpy(out->field, "stateRoot", sizeof("stateRoot"));
    while (comma) {
        tok = comma + 1;
        comma = strchr(tok, ',');
        if (comma) *comma = '\0';
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok) return ZK_FAIL(err, ZK_ERR_USAGE, "'%s' is not key=value", tok);
        *eq = '\0';
        int rc = rule_set(out, tok, eq + 1, err);
        if (rc) return rc;
    }
    if (out->to && out->to < out->from)
        return ZK_FAIL(err, ZK_ERR_USAGE, "to=%llu is below from=%llu", (unsigned long long)out->to,
                       (unsigned long long)out->from);
    if (out->until_ms && out->until_ms <= out->after_ms)
        return ZK_FAIL(err, ZK_ERR_USAGE, "until_ms must be above after_ms");
    /* These faults bend one method's answer: they imply it. */
    const char *implied = out->kind == FAULT_CHAINID    ? "eth_chainId"
                          : out->kind == FAULT_OLDHEAD  ? "eth_blockNumber"
                          : out->kind == FAULT_ALTBLOCK ? "eth_getBlockByNumber"
                                                        : NULL;
    if (implied) {
        if (out->method[0] && strcmp(out->method, implied) != 0)
            return ZK_FAIL(err, ZK_ERR_USAGE, "%s applies to %s only", kind_name(out->kind),
                           implied);
        memcpy(out->method, implied, strlen(implied) + 1);
    }
    return ZK_OK;
}

int faultproxy_schedule_load(faultproxy_rule *rules, size_t *n, const char *path, zk_errbuf *err)
{
    FILE *f = fopen(path, "r");
    if (!f) return ZK_FAIL(err, ZK_ERR_IO, "%s: %s", path, strerror(errno));
    char line[600];
    size_t lineno = 0;
    int rc = ZK_OK;
    while (rc == ZK_OK && fgets(line, sizeof(line), f)) {
        lineno++;
        size_t l = strlen(line);
        if (l == sizeof(line) - 1 && line[l - 1] != '\n') {
            rc = ZK_FAIL(err, ZK_ERR_USAGE, "%s:%zu: line too long", path, lineno);
            break;
        }
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r' || line[l - 1] == ' ' ||
                     line[l - 1] == '\t'))
            line[--l] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#') continue;
        if (*n == FAULTPROXY_MAX_RULES) {
            rc = ZK_FAIL(err, ZK_ERR_USAGE, "%s:%zu: more than %d rules", path, lineno,
                         FAULTPROXY_MAX_RULES);
        } else if ((rc = faultproxy_rule_parse(&rules[*n], p, err)) != ZK_OK) {
            rc = zk_fail_wrap(err, rc, "%s:%zu", path, lineno);
        } else {
            (*n)++;
        }
    }
    if (rc == ZK_OK && ferror(f)) rc = ZK_FAIL(err, ZK_ERR_IO, "%s: read error", path);
    fclose(f);
    return rc;
}

/* ---- the proxy's state -------------------------------------------------------- */

typedef struct proxy {
    pthread_mutex_t mu; /* rules, counters, head */
    faultproxy_rule rules[FAULTPROXY_MAX_RULES];
    size_t n_rules;
    uint64_t requests; /* POST requests seen */
    uint64_t highest_head;
    struct timespec t0;
    pthread_mutex_t up_mu; /* the upstream client is not thread safe */
    rpc_client *up;
    secp256k1_context *ctx; /* reseal */
    uint8_t keys[DEVNET_MAX_KEYS][32], addrs[DEVNET_MAX_KEYS][20];
    /* front */
    int lfd, wake[2];
    uint16_t inner_port;
    pthread_mutex_t conn_mu;
    pthread_cond_t conn_cv;
    unsigned active; /* relayed connections still open */
} proxy;

static uint64_t elapsed_ms(const proxy *p)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)(t.tv_sec - p->t0.tv_sec) * 1000u +
           (uint64_t)((t.tv_nsec - p->t0.tv_nsec) / 1000000L);
}

static bool req_has_method(const json_t *doc, const char *m)
{
    if (json_is_object(doc)) {
        const char *s = json_string_value(json_object_get(doc, "method"));
        return s && strcmp(s, m) == 0;
    }
    size_t i;
    json_t *e;
    json_array_foreach(doc, i, e)
    {
        if (req_has_method(e, m)) return true;
    }
    return false;
}

/* Whether req (or an entry of a batch) is eth_getBlockByNumber for block n. */
static bool req_asks_block(const json_t *doc, uint64_t n)
{
    if (json_is_array(doc)) {
        size_t i;
        json_t *e;
        json_array_foreach(doc, i, e)
        {
            if (req_asks_block(e, n)) return true;
        }
        return false;
    }
    const char *m = json_string_value(json_object_get(doc, "method"));
    const char *q = json_string_value(json_array_get(json_object_get(doc, "params"), 0));
    uint64_t v;
    return m && q && strcmp(m, "eth_getBlockByNumber") == 0 &&
           hex_parse_quantity(&v, q, NULL) == ZK_OK && v == n;
}

/* Picks the rule for this request (the first that matches) and counts it. */
static bool pick_rule(proxy *p, faultproxy_rule *out, const json_t *doc)
{
    bool found = false;
    pthread_mutex_lock(&p->mu);
    p->requests++;
    uint64_t now = elapsed_ms(p);
    for (size_t i = 0; i < p->n_rules; i++) {
        faultproxy_rule *r = &p->rules[i];
        if (r->method[0] && (!doc || !req_has_method(doc, r->method))) continue;
        if (r->kind == FAULT_ALTBLOCK && r->has_block && !req_asks_block(doc, r->block)) continue;
        if (now < r->after_ms || (r->until_ms && now >= r->until_ms)) continue;
        /* Without a method, numbers count every request; with one, only its requests. */
        uint64_t nth = r->method[0] ? ++r->seen : p->requests;
        if (!r->method[0]) r->seen = nth;
        if (nth < r->from || (r->to && nth > r->to)) continue;
        if (r->times && r->used >= r->times) continue;
        if (found) continue; /* the first match wins; the others still count */
        r->used++;
        *out = *r;
        found = true;
    }
    pthread_mutex_unlock(&p->mu);
    return found;
}

/* ---- forwarding ---------------------------------------------------------------- */

static json_t *envelope(json_t *id, json_t *result, const char *error)
{
    json_t *o = json_pack("{s:s, s:O}", "jsonrpc", "2.0", "id", id ? id : json_null());
    if (!o) {
        json_decref(result);
        return NULL;
    }
    if (error)
        json_object_set_new(o, "error", json_pack("{s:i, s:s}", "code", -32000, "message", error));
    else
        json_object_set_new(o, "result", result);
    return o;
}

static json_t *params_of(const json_t *req)
{
    json_t *pr = json_object_get(req, "params");
    return pr ? json_incref(pr) : NULL;
}

/* Sends doc (a request object or a batch array) upstream and rebuilds the
 * node's answer with the client's ids. Returns a new reference, or NULL with
 * err set when the exchange failed as a whole. */
static json_t *forward(proxy *p, const json_t *doc, zk_errbuf *err)
{
    json_t *answer = NULL;
    pthread_mutex_lock(&p->up_mu);
    if (json_is_object(doc)) {
        const char *m = json_string_value(json_object_get(doc, "method"));
        json_t *res = NULL;
        zk_errbuf e = {{0}, 0};
        int rc = m ? rpc_call(p->up, &res, m, params_of(doc), &e) : ZK_ERR_USAGE;
        if (rc == ZK_OK || rc == ZK_ERR_RPC)
            answer = envelope(json_object_get(doc, "id"), res, rc ? e.msg : NULL);
        else
            zk_fail(err, rc, "%s", m ? e.msg : "request without a method");
    } else {
        size_t n = json_array_size(doc);
        rpc_request *reqs = calloc(n ? n : 1, sizeof(*reqs));
        json_t **results = calloc(n ? n : 1, sizeof(*results));
        int *codes = calloc(n ? n : 1, sizeof(*codes));
        zk_errbuf *errs = calloc(n ? n : 1, sizeof(*errs));
        int rc = ZK_ERR_NOMEM;
        if (reqs && results && codes && errs) {
            rc = ZK_OK;
            for (size_t i = 0; i < n; i++) {
                const json_t *e = json_array_get(doc, i);
                reqs[i].method = json_string_value(json_object_get(e, "method"));
                reqs[i].params = params_of(e);
                if (!reqs[i].method) rc = ZK_ERR_USAGE;
            }
            if (rc) {
                for (size_t i = 0; i < n; i++)
                    json_decref(reqs[i].params);
                zk_fail(err, rc, "a batch entry without a method");
            } else {
                rc = rpc_batch(p->up, results, codes, errs, reqs, n, err);
            }
        }
        if (rc == ZK_OK || rc == ZK_ERR_RPC) {
            answer = json_array();
            for (size_t i = 0; answer && i < n; i++) {
                json_t *id = json_object_get(json_array_get(doc, i), "id");
                json_array_append_new(answer,
                                      envelope(id, results[i], codes[i] ? errs[i].msg : NULL));
                results[i] = NULL;
            }
        } else if (rc == ZK_ERR_NOMEM) {
            zk_fail(err, rc, "out of memory");
        }
        for (size_t i = 0; results && i < n; i++)
            json_decref(results[i]);
        free(reqs);
        free(results);
        free(codes);
        free(errs);
    }
    pthread_mutex_unlock(&p->up_mu);
    return answer;
}

/* The result objects of a single answer or of every batch entry, calling fn. */
typedef void (*result_fn)(proxy *p, const faultproxy_rule *r, const json_t *req, json_t *resp);

static void each_result(proxy *p, const faultproxy_rule *r, const json_t *doc, json_t *answer,
                        result_fn fn)
{
    if (json_is_object(doc)) {
        fn(p, r, doc, answer);
        return;
    }
    for (size_t i = 0; i < json_array_size(answer); i++) {
        json_t *resp = json_array_get(answer, i);
        json_t *id = json_object_get(resp, "id");
        for (size_t j = 0; j < json_array_size(doc); j++) {
            const json_t *req = json_array_get(doc, j);
            if (json_equal(json_object_get(req, "id"), id)) {
                fn(p, r, req, resp);
                break;
            }
        }
    }
}

static bool is_method(const json_t *req, const char *m)
{
    const char *s = json_string_value(json_object_get(req, "method"));
    return s && strcmp(s, m) == 0;
}

static void set_quantity(json_t *resp, uint64_t v)
{
    char q[19];
    hex_format_quantity(q, v);
    json_object_set_new(resp, "result", json_string(q));
}

/* Remembers the highest eth_blockNumber answered, for oldhead. */
static void note_head(proxy *p, const faultproxy_rule *r, const json_t *req, json_t *resp)
{
    (void)r;
    uint64_t v;
    const char *s = json_string_value(json_object_get(resp, "result"));
    if (!is_method(req, "eth_blockNumber") || !s || hex_parse_quantity(&v, s, NULL)) return;
    pthread_mutex_lock(&p->mu);
    if (v > p->highest_head) p->highest_head = v;
    pthread_mutex_unlock(&p->mu);
}

static void bend_chain_id(proxy *p, const faultproxy_rule *r, const json_t *req, json_t *resp)
{
    (void)p;
    uint64_t v = 0;
    const char *s = json_string_value(json_object_get(resp, "result"));
    if (!is_method(req, "eth_chainId") || !s || hex_parse_quantity(&v, s, NULL)) return;
    set_quantity(resp, r->value ? r->value : v + 1);
}

static void bend_head(proxy *p, const faultproxy_rule *r, const json_t *req, json_t *resp)
{
    if (!is_method(req, "eth_blockNumber") || !json_object_get(resp, "result")) return;
    pthread_mutex_lock(&p->mu);
    uint64_t h = p->highest_head;
    pthread_mutex_unlock(&p->mu);
    set_quantity(resp, h > r->back ? h - r->back : 0);
}

/* Re-seals h with the devnet keys of the validators its extraData lists. */
static int reseal(proxy *p, eth_header *h, zk_errbuf *err)
{
    bft_extra *x = malloc(sizeof(*x));
    uint8_t(*keys)[32] = calloc(DEVNET_MAX_KEYS, 32);
    int rc = ZK_ERR_NOMEM;
    size_t n = 0;
    if (!x || !keys) goto out;
    rc = bft_extra_decode(x, BFT_QBFT, h->extra_data, h->extra_len, err);
    if (rc) goto out;
    for (size_t i = 0; i < x->n_validators; i++)
        for (size_t k = 0; k < DEVNET_MAX_KEYS; k++)
            if (memcmp(x->validators[i], p->addrs[k], 20) == 0) memcpy(keys[n++], p->keys[k], 32);
    rc = bft_seal_header(h, p->ctx, BFT_QBFT, x, (const uint8_t(*)[32])keys, n, err);
out:
    if (keys) zk_wipe(keys, DEVNET_MAX_KEYS * 32);
    free(keys);
    free(x);
    return rc;
}

/* altblock: the block answered, with one field changed and its hash recomputed
 * (and re-sealed when asked), so it looks like a valid block of another chain. */
static void bend_block(proxy *p, const faultproxy_rule *r, const json_t *req, json_t *resp)
{
    json_t *blk = json_object_get(resp, "result");
    if (!is_method(req, "eth_getBlockByNumber") || !json_is_object(blk)) return;
    eth_header h;
    header_init(&h);
    json_t *nj = NULL;
    uint8_t hash[32];
    zk_errbuf e = {{0}, 0};
    if (header_from_json(&h, blk, &e) != ZK_OK) goto out;
    if (r->has_block && h.number != r->block) goto out;
    if (strcmp(r->field, "receiptsRoot") == 0)
        h.receipts_root[31] ^= 1;
    else if (strcmp(r->field, "timestamp") == 0)
        h.timestamp++;
    else if (strcmp(r->field, "parentHash") == 0)
        h.parent_hash[31] ^= 1;
    else
        h.state_root[31] ^= 1;
    if (r->reseal && h.number > 0 && reseal(p, &h, &e) != ZK_OK) {
        fprintf(stderr, "faultproxy: altblock: cannot re-seal block %llu: %s\n",
                (unsigned long long)h.number, e.msg);
        goto out;
    }
    if (bft_block_hash(hash, BFT_QBFT, &h, &e) != ZK_OK) goto out;
    if (header_to_json(&nj, &h, hash) != ZK_OK) goto out;
    json_object_update(blk, nj);
out:
    json_decref(nj);
    header_clear(&h);
}

/* ---- the handler ---------------------------------------------------------------- */

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int answer_text(httpd_response *resp, int status, const char *text)
{
    return httpd_response_set(resp, status, "text/plain", text, strlen(text));
}

static int proxy_handle(void *arg, const httpd_request *req, httpd_response *resp)
{
    proxy *p = arg;
    if (strcmp(req->method, "POST") != 0)
        return answer_text(resp, strcmp(req->method, "GET") == 0 ? 200 : 405,
                           "zkrelay-devnet faultproxy (devnet only): POST JSON-RPC here\n");
    json_error_t je;
    json_t *doc = json_loadb((const char *)req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (doc && !json_is_object(doc) && !(json_is_array(doc) && json_array_size(doc) > 0)) {
        json_decref(doc);
        doc = NULL;
    }
    faultproxy_rule r;
    bool fault = pick_rule(p, &r, doc);
    if (!doc) return answer_text(resp, 400, "faultproxy: the request is not a JSON-RPC request\n");
    int rc = ZK_OK;
    json_t *answer = NULL;
    char *text = NULL;
    if (fault && r.kind == FAULT_DELAY) sleep_ms(r.ms);
    if (fault && r.kind == FAULT_DROP) {
        rc = answer_text(resp, DROP_STATUS, "drop\n");
        goto out;
    }
    if (fault && r.kind == FAULT_HTTP) {
        char msg[64];
        snprintf(msg, sizeof(msg), "faultproxy: injected HTTP %d\n", r.status);
        rc = answer_text(resp, r.status, msg);
        goto out;
    }
    zk_errbuf err = {{0}, 0};
    answer = forward(p, doc, &err);
    if (!answer) {
        char msg[300];
        snprintf(msg, sizeof(msg), "faultproxy: upstream: %s\n", err.msg);
        rc = answer_text(resp, 502, msg);
        goto out;
    }
    each_result(p, NULL, doc, answer, note_head);
    if (fault && r.kind == FAULT_CHAINID) each_result(p, &r, doc, answer, bend_chain_id);
    if (fault && r.kind == FAULT_OLDHEAD) each_result(p, &r, doc, answer, bend_head);
    if (fault && r.kind == FAULT_ALTBLOCK) each_result(p, &r, doc, answer, bend_block);
    text = json_dumps(answer, JSON_COMPACT);
    if (!text) {
        rc = ZK_ERR_NOMEM;
        goto out;
    }
    size_t len = strlen(text);
    if (fault && r.kind == FAULT_TRUNCATE) len = r.keep && r.keep < len ? (size_t)r.keep : len / 2;
    if (fault && r.kind == FAULT_GARBLE) {
        /* Control bytes are invalid both inside a JSON string and between
         * tokens, so the answer cannot parse, wherever the middle falls. */
        for (size_t i = len / 2; i < len && i < len / 2 + 8; i++)
            text[i] = '\x01';
    }
    rc = httpd_response_set(resp, 200, "application/json", text, len);
out:
    free(text);
    json_decref(answer);
    json_decref(doc);
    return rc;
}

/* ---- the front -------------------------------------------------------------------- */

typedef struct relay_arg {
    proxy *p;
    int fd;
} relay_arg;

static bool write_all(int fd, const uint8_t *b, size_t n)
{
    while (n) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

static int connect_inner(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Copies bytes both ways until the server side closes; an answer that starts
 * with the drop status line is not relayed: the client's connection is closed. */
static void relay(proxy *p, int cfd)
{
    int ufd = connect_inner(p->inner_port);
    uint8_t buf[16384], head[sizeof(DROP_STATUS_LINE)];
    size_t head_len = 0;
    bool client_open = true, head_done = false;
    long idle = 0;
    while (ufd >= 0 && idle < RELAY_IDLE_MS) {
        struct pollfd fds[2] = {{ufd, POLLIN, 0}, {cfd, client_open ? POLLIN : 0, 0}};
        int n = poll(fds, 2, 200);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        if (n == 0) {
            idle += 200;
            continue;
        }
        idle = 0;
        if (client_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t r = recv(cfd, buf, sizeof(buf), 0);
            if (r > 0) {
                if (!write_all(ufd, buf, (size_t)r)) break;
            } else if (r == 0 || errno != EINTR) {
                client_open = false;
                shutdown(ufd, SHUT_WR);
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = recv(ufd, buf, sizeof(buf), 0);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            size_t off = 0;
            if (!head_done) {
                size_t want = sizeof(DROP_STATUS_LINE) - 1 - head_len;
                size_t take = (size_t)r < want ? (size_t)r : want;
                memcpy(head + head_len, buf, take);
                head_len += take;
                off = take;
                if (head_len < sizeof(DROP_STATUS_LINE) - 1) continue;
                head_done = true;
                if (memcmp(head, DROP_STATUS_LINE, head_len) == 0) break; /* the drop */
                if (!write_all(cfd, head, head_len)) break;
            }
            if (off < (size_t)r && !write_all(cfd, buf + off, (size_t)r - off)) break;
        }
    }
    if (ufd >= 0) close(ufd);
    close(cfd);
}

static void *relay_main(void *a)
{
    relay_arg ra = *(relay_arg *)a;
    free(a);
    relay(ra.p, ra.fd);
    pthread_mutex_lock(&ra.p->conn_mu);
    ra.p->active--;
    pthread_cond_broadcast(&ra.p->conn_cv);
    pthread_mutex_unlock(&ra.p->conn_mu);
    return NULL;
}

static void *accept_main(void *arg)
{
    proxy *p = arg;
    for (;;) {
        struct pollfd fds[2] = {{p->lfd, POLLIN, 0}, {p->wake[0], POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents) break;
        int cfd = accept(p->lfd, NULL, NULL);
        if (cfd < 0) continue;
        relay_arg *ra = malloc(sizeof(*ra));
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        pthread_mutex_lock(&p->conn_mu);
        p->active++;
        pthread_mutex_unlock(&p->conn_mu);
        if (ra) *ra = (relay_arg){p, cfd};
        if (!ra || pthread_create(&t, &at, relay_main, ra) != 0) {
            free(ra);
            close(cfd);
            pthread_mutex_lock(&p->conn_mu);
            p->active--;
            pthread_mutex_unlock(&p->conn_mu);
        }
        pthread_attr_destroy(&at);
    }
    return NULL;
}

static int front_listen(proxy *p, const char *host, uint16_t port, zk_errbuf *err)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return ZK_FAIL(err, ZK_ERR_USAGE, "--listen: '%s' is not an IPv4 address", host);
    p->lfd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (p->lfd < 0 || setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(p->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(p->lfd, 64) != 0)
        return ZK_FAIL(err, ZK_ERR_IO, "cannot listen on %s:%u: %s", host, port, strerror(errno));
    return ZK_OK;
}

/* ---- the command ------------------------------------------------------------------ */

static void faultproxy_usage(FILE *f)
{
    fputs("usage: zkrelay-devnet faultproxy --upstream URL --listen HOST:PORT\n"
          "                                 [--schedule FILE] [--fault SPEC]...\n"
          "\n"
          "A loopback JSON-RPC proxy that injects faults by a schedule (docs/faults.md).\n"
          "A SPEC is KIND[,key=value]...; kinds: delay, drop, http, truncate, garble,\n"
          "chainid, oldhead, altblock. Rules apply in order; the first match wins.\n"
          "Example: --fault http,status=503,from=1,to=2 --fault delay,ms=300,method=eth_chainId\n"
          "\n"
          "  --upstream URL     the node (http:// or https://)\n"
          "  --listen HOST:PORT where to serve (an IPv4 address; port 0 picks one)\n"
          "  --schedule FILE    rules, one per line ('#' comments)\n"
          "  --fault SPEC       one rule (repeatable; after the schedule's rules)\n"
          "\n"
          "Prints \"url: http://HOST:PORT\" on stdout once serving; stops on SIGINT/SIGTERM\n"
          "and prints how often each rule fired on stderr.\n"
          "\n" WARNING,
          f);
}

static bool split_listen(char *host, size_t cap, uint16_t *port, const char *s)
{
    const char *colon = strrchr(s, ':');
    uint64_t v;
    if (!colon || colon == s || (size_t)(colon - s) >= cap || !parse_u64(&v, colon + 1) ||
        v > 65535)
        return false;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (uint16_t)v;
    return true;
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("zkrelay-devnet faultproxy: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    faultproxy_usage(stderr);
    return CLI_USAGE;
}

int devnet_cmd_faultproxy(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        faultproxy_usage(stdout);
        return CLI_OK;
    }
    proxy *p = calloc(1, sizeof(*p));
    if (!p) return CLI_FAILURE;
    p->lfd = p->wake[0] = p->wake[1] = -1;
    const char *upstream = NULL, *listen_at = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = CLI_OK;
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--upstream") != 0 && strcmp(a, "--listen") != 0 &&
            strcmp(a, "--schedule") != 0 && strcmp(a, "--fault") != 0) {
            rc = usage_error("unknown argument '%s'", a);
            break;
        }
        if (!v) {
            rc = usage_error("%s needs a value", a);
            break;
        }
        i++;
        if (strcmp(a, "--upstream") == 0) {
            upstream = v;
        } else if (strcmp(a, "--listen") == 0) {
            listen_at = v;
        } else if (strcmp(a, "--schedule") == 0) {
            if (faultproxy_schedule_load(p->rules, &p->n_rules, v, &err) != ZK_OK)
                rc = usage_error("%s", err.msg);
        } else if (p->n_rules == FAULTPROXY_MAX_RULES) {
            rc = usage_error("more than 64 rules%s", "");
        } else if (faultproxy_rule_parse(&p->rules[p->n_rules], v, &err) != ZK_OK) {
            fprintf(stderr, "zkrelay-devnet faultproxy: --fault '%s': %s\n", v, err.msg);
            rc = CLI_USAGE;
        } else {
            p->n_rules++;
        }
    }
    char host[64];
    uint16_t port = 0;
    if (rc == CLI_OK && (!upstream || !listen_at))
        rc = usage_error("--upstream and --listen are required%s", "");
    if (rc == CLI_OK && !split_listen(host, sizeof(host), &port, listen_at))
        rc = usage_error("--listen wants HOST:PORT, got '%s'", listen_at);
    if (rc != CLI_OK) {
        free(p);
        return rc;
    }

    httpd *server = NULL;
    pthread_t acceptor;
    bool accepting = false;
    rc = CLI_FAILURE;
    pthread_mutex_init(&p->mu, NULL);
    pthread_mutex_init(&p->up_mu, NULL);
    pthread_mutex_init(&p->conn_mu, NULL);
    pthread_cond_init(&p->conn_cv, NULL);
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    if (rpc_global_init() != ZK_OK) {
        fputs("zkrelay-devnet faultproxy: cannot initialise libcurl\n", stderr);
        goto out;
    }
    /* One attempt per request: the client under test does its own retries,
     * and a proxy that retried would hide the node's own faults from it. */
    rpc_options ro = rpc_options_default();
    ro.max_retries = 0;
    p->ctx = ecdsa_context_new(&err);
    if (p->ctx) p->up = rpc_client_new(upstream, &ro, &err);
    for (size_t k = 0; p->up && k < DEVNET_MAX_KEYS; k++) {
        uint8_t pub[64];
        devnet_key_derive(p->keys[k], k);
        if (ecdsa_pubkey_from_seckey(p->ctx, pub, p->keys[k]) != ZK_OK) break;
        eth_address_from_pubkey(p->addrs[k], pub);
    }
    if (!p->up) {
        fprintf(stderr, "zkrelay-devnet faultproxy: %s\n", err.msg);
        goto out;
    }
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    httpd_options ho = httpd_options_default();
    ho.max_body_bytes = PROXY_MAX_BODY;
    ho.workers = 8; /* delayed requests hold a worker each */
    if (httpd_start(&server, "127.0.0.1", 0, &ho, proxy_handle, p, &err) != ZK_OK ||
        front_listen(p, host, port, &err) != ZK_OK) {
        fprintf(stderr, "zkrelay-devnet faultproxy: %s\n", err.msg);
        goto out;
    }
    p->inner_port = httpd_port(server);
    if (pipe(p->wake) != 0 || pthread_create(&acceptor, NULL, accept_main, p) != 0) {
        fprintf(stderr, "zkrelay-devnet faultproxy: cannot start: %s\n", strerror(errno));
        goto out;
    }
    accepting = true;
    struct sockaddr_in bound;
    socklen_t bl = sizeof(bound);
    getsockname(p->lfd, (struct sockaddr *)&bound, &bl);
    fputs(WARNING, stderr);
    printf("url: http://%s:%u\n", host, ntohs(bound.sin_port));
    printf("rules: %zu\n", p->n_rules);
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    rc = CLI_OK;
out:
    if (accepting) {
        if (write(p->wake[1], "x", 1) != 1) perror("faultproxy: wake");
        pthread_join(acceptor, NULL);
    }
    pthread_mutex_lock(&p->conn_mu);
    while (p->active)
        pthread_cond_wait(&p->conn_cv, &p->conn_mu);
    pthread_mutex_unlock(&p->conn_mu);
    httpd_stop(server);
    for (size_t i = 0; rc == CLI_OK && i < p->n_rules; i++)
        fprintf(stderr, "faultproxy: rule %zu (%s): %llu injected\n", i + 1,
                kind_name(p->rules[i].kind), (unsigned long long)p->rules[i].used);
    if (p->lfd >= 0) close(p->lfd);
    if (p->wake[0] >= 0) close(p->wake[0]);
    if (p->wake[1] >= 0) close(p->wake[1]);
    rpc_client_free(p->up);
    ecdsa_context_free(p->ctx);
    zk_wipe(p->keys, sizeof(p->keys));
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->up_mu);
    pthread_mutex_destroy(&p->conn_mu);
    pthread_cond_destroy(&p->conn_cv);
    free(p);
    rpc_global_cleanup();
    return rc;
}
