/* /metrics (Prometheus text exposition format 0.0.4) and /health for the daemon.
 * The HTTP workers only read the daemon_metrics snapshot, under its mutex; the
 * main loop writes it. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "relayer/daemon_internal.h"

static int append(zk_buf *out, const char *fmt, ...) ZK_PRINTF(2, 3);
static int append(zk_buf *out, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line)) return ZK_ERR_RANGE;
    return buf_append(out, line, (size_t)n);
}

int daemon_metrics_render(daemon_metrics *m, zk_buf *out)
{
    pthread_mutex_lock(&m->mu);
    daemon_metrics s = *m; /* a consistent copy; the mutex field of the copy is not used */
    pthread_mutex_unlock(&m->mu);
    int rc = append(out, "# HELP zkrelay_messages Messages in the store by state.\n"
                         "# TYPE zkrelay_messages gauge\n");
    for (int st = MSG_SEEN; st <= MSG_FAILED && rc == ZK_OK; st++)
        rc = append(out, "zkrelay_messages{state=\"%s\"} %" PRIu64 "\n", msg_state_name(st),
                    s.messages[st]);
    static const char *const stmt[2] = {"finality", "inclusion"};
    if (rc == ZK_OK)
        rc = append(out, "# HELP zkrelay_proving_seconds Time spent proving, by statement.\n"
                         "# TYPE zkrelay_proving_seconds summary\n");
    for (int i = 0; i < 2 && rc == ZK_OK; i++) {
        rc = append(out, "zkrelay_proving_seconds_sum{statement=\"%s\"} %.3f\n", stmt[i],
                    s.proving_seconds_sum[i]);
        if (rc == ZK_OK)
            rc = append(out, "zkrelay_proving_seconds_count{statement=\"%s\"} %" PRIu64 "\n",
                        stmt[i], s.proving_count[i]);
    }
    if (rc == ZK_OK)
        rc = append(out,
                    "# HELP zkrelay_header_lag_blocks Source head minus the verified head.\n"
                    "# TYPE zkrelay_header_lag_blocks gauge\n"
                    "zkrelay_header_lag_blocks %" PRIu64 "\n"
                    "# HELP zkrelay_source_verified_head The light client's head.\n"
                    "# TYPE zkrelay_source_verified_head gauge\n"
                    "zkrelay_source_verified_head %" PRIu64 "\n"
                    "# HELP zkrelay_source_scan_height Last block scanned for messages.\n"
                    "# TYPE zkrelay_source_scan_height gauge\n"
                    "zkrelay_source_scan_height %" PRIu64 "\n",
                    s.header_lag_blocks, s.verified_head, s.scan_height);
    if (rc == ZK_OK)
        rc = append(out,
                    "# HELP zkrelay_gas_spent_total Gas used by the relayer's mined transactions.\n"
                    "# TYPE zkrelay_gas_spent_total counter\n"
                    "zkrelay_gas_spent_total %" PRIu64 "\n"
                    "# HELP zkrelay_rpc_errors_total Failed RPC calls by chain.\n"
                    "# TYPE zkrelay_rpc_errors_total counter\n"
                    "zkrelay_rpc_errors_total{chain=\"source\"} %" PRIu64 "\n"
                    "zkrelay_rpc_errors_total{chain=\"destination\"} %" PRIu64 "\n"
                    "# HELP zkrelay_alarm 1 after a safety alarm on the source chain.\n"
                    "# TYPE zkrelay_alarm gauge\n"
                    "zkrelay_alarm %d\n",
                    s.gas_spent_total, s.rpc_errors[DAEMON_SRC], s.rpc_errors[DAEMON_DST],
                    s.alarm ? 1 : 0);
    return rc;
}

static int handle(void *arg, const httpd_request *req, httpd_response *resp)
{
    daemon *d = arg;
    if (strcmp(req->method, "GET") != 0)
        return httpd_response_set(resp, 405, "text/plain", "method not allowed\n", 19);
    if (strcmp(req->path, "/metrics") == 0) {
        resp->status = 200;
        snprintf(resp->content_type, sizeof(resp->content_type), "text/plain; version=0.0.4");
        return daemon_metrics_render(&d->m, &resp->body);
    }
    if (strcmp(req->path, "/health") == 0) {
        pthread_mutex_lock(&d->m.mu);
        bool ok = d->m.running && !d->m.alarm;
        char body[576];
        int n = snprintf(body, sizeof(body), "%s\n",
                         ok           ? "ok"
                         : d->m.alarm ? d->m.alarm_reason
                                      : "not running");
        pthread_mutex_unlock(&d->m.mu);
        if (n < 0) n = 0;
        if ((size_t)n >= sizeof(body)) n = (int)sizeof(body) - 1;
        return httpd_response_set(resp, ok ? 200 : 503, "text/plain", body, (size_t)n);
    }
    return httpd_response_set(resp, 404, "text/plain", "not found\n", 10);
}

int daemon_metrics_start(daemon *d, zk_errbuf *err)
{
    if (!d->cfg->metrics[0]) return ZK_OK;
    char host[64];
    uint16_t port;
    if (config_parse_listen(host, &port, d->cfg->metrics) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_USAGE, "metrics: bad address");
    if (strcmp(host, "localhost") == 0) snprintf(host, sizeof(host), "127.0.0.1");
    httpd_options o = httpd_options_default();
    o.workers = 2;
    o.max_body_bytes = 0;
    int rc = httpd_start(&d->http, host, port, &o, handle, d, err);
    if (rc == ZK_OK)
        daemon_log(d, DLOG_INFO, "metrics", "serving /metrics and /health on %s:%u", host,
                   (unsigned)httpd_port(d->http));
    return rc;
}

void daemon_metrics_stop(daemon *d)
{
    httpd_stop(d->http);
    d->http = NULL;
}

int daemon_metrics_refresh(daemon *d, zk_errbuf *err)
{
    uint64_t counts[MSG_STATE_COUNT], scan = 0;
    bool found = false;
    lc_stored_header head;
    int rc = msgstore_count(d->ms, counts, err);
    if (rc == ZK_OK) rc = msgstore_get_scan_height(d->ms, &scan, &found, err);
    /* From the stores, so that the gauges are right from the first scrape after a
     * restart, before (or without) a successful source step. */
    if (rc == ZK_OK) rc = lc_store_head(lc_client_store(d->lc), &head, err);
    if (rc != ZK_OK) return rc;
    pthread_mutex_lock(&d->m.mu);
    memcpy(d->m.messages, counts, sizeof(counts));
    d->m.verified_head = head.number;
    if (found) d->m.scan_height = scan;
    pthread_mutex_unlock(&d->m.mu);
    return ZK_OK;
}
