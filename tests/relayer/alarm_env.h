/* The dangerous RPC fault of the end-to-end and reliability runs
 * (tests/relayer/test_daemon_e2e.c, tests/reliability/rel_rpc_faults.c): the relayer
 * restarted with --hold-on-alarm behind a `zkrelay-devnet faultproxy` that serves a
 * different, validly re-sealed block for the height its light client verified last
 * (`altblock,block=H,reseal=1`, docs/faults.md).
 *
 * What must hold (docs/config.md, exit codes): the relayer raises the alarm (an ALARM
 * line), keeps /health answering 503 with the reason and /metrics saying zkrelay_alarm 1
 * (and the stored gauges: every earlier message confirmed, the verified head) while it
 * holds, sends no transaction (its account nonce does not move, a message sent
 * just before stays undelivered), and ends with exit status 5 on SIGTERM.
 *
 * Header-only, on top of devnet_env.h and faultproxy_env.h. */
#ifndef ZKRELAY_TESTS_RELAYER_ALARM_ENV_H
#define ZKRELAY_TESTS_RELAYER_ALARM_ENV_H

#include <curl/curl.h>

#include "lightclient/ecdsa.h"
#include "lightclient/lc.h"
#include "relayer/devnet_env.h"
#include "relayer/faultproxy_env.h"

/* The light client's verified head in the run's database (0, with a CHECK failure, when
 * it cannot be read). The relayer must not be running. */
DEVNET_FN uint64_t e2e_lc_head(const e2e *e)
{
    zk_errbuf err = {{0}, 0};
    secp256k1_context *ctx = ecdsa_context_new(&err);
    char dir[1100];
    snprintf(dir, sizeof(dir), "%s/lc", e2e_path(e, "state"));
    lc_client *lc = NULL;
    uint64_t n = 0;
    lc_stored_header head;
    if (ctx && lc_open(&lc, ctx, dir, &err) == ZK_OK &&
        lc_store_head(lc_client_store(lc), &head, &err) == ZK_OK)
        n = head.number;
    CHECK_MSG(n > 0, "light-client store %s: %s", dir, err.msg);
    lc_close(lc);
    ecdsa_context_free(ctx);
    return n;
}

static size_t e2e_http_body(void *p, size_t size, size_t n, void *arg)
{
    return buf_append(arg, p, size * n) == ZK_OK ? size * n : 0;
}

/* GETs url (500 ms at most). Returns the HTTP status, 0 when nothing answered; *body (when
 * body is not NULL) the answer, malloc'd and NUL-terminated, or NULL. */
DEVNET_FN long e2e_http_get(const char *url, char **body)
{
    zk_buf b;
    buf_init(&b, 1u << 20);
    long code = 0;
    if (body) *body = NULL;
    CURL *h = curl_easy_init();
    if (!h) return 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 500L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, e2e_http_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    if (body && code && buf_append_byte(&b, 0) == ZK_OK) {
        *body = (char *)b.data;
        return code;
    }
    buf_clear(&b);
    return code;
}

/* The alarm run described above, with the relayer's metrics on metrics_addr ("host:port")
 * and top_extra the configuration's top-level extra members (as e2e_write_config takes
 * them). Returns the faults the proxy injected; *alarms += 1 when the alarm was raised as
 * expected. The message sent here is removed from e->n_msgs again (undelivered by
 * design). */
DEVNET_FN uint64_t e2e_alarm_hold_check(e2e *e, const char *metrics_addr, const char *top_extra,
                                        uint64_t *alarms)
{
    char want_confirmed[96], want_head[96];
    uint64_t h = e2e_lc_head(e);
    uint64_t nonce0 = e2e_relayer_nonce(e);
    size_t sent_before = e->n_msgs;
    /* The gauges come from the stores: every message so far confirmed, the head kept. */
    snprintf(want_confirmed, sizeof(want_confirmed),
             "\nzkrelay_messages{state=\"confirmed\"} %zu\n", sent_before);
    snprintf(want_head, sizeof(want_head), "\nzkrelay_source_verified_head %" PRIu64 "\n", h);
    uint64_t injected = 0;
    char health[96], metrics[96];
    snprintf(health, sizeof(health), "http://%s/health", metrics_addr);
    snprintf(metrics, sizeof(metrics), "http://%s/metrics", metrics_addr);
    /* One more message the relayer would otherwise deliver. */
    CHECK(e2e_send(e, 1));
    char spec[64];
    snprintf(spec, sizeof(spec), "altblock,block=%" PRIu64 ",reseal=1", h);
    const char *faults[] = {spec, NULL};
    fp_proc src;
    if (h == 0 || !fp_proxy_start(&src, e->url_src, NULL, faults)) {
        e->n_msgs = sent_before;
        return 0;
    }
    if (e2e_write_config(e, src.url, NULL, "", top_extra)) {
        size_t from = e2e_log_len(e);
        e2e_relayer_start_opt(e, "--hold-on-alarm");
        bool held = e2e_wait_log(e, "holding after the alarm", from, 300.0);
        CHECK_MSG(held, "the relayer did not hold after an alarm (log %s)",
                  e2e_path(e, "relayer.log"));
        CHECK_MSG(e2e_log_count(e, "ALARM", from) >= 1, "no ALARM line in %s",
                  e2e_path(e, "relayer.log"));
        if (held) {
            char *body = NULL;
            long st = e2e_http_get(health, &body);
            CHECK_MSG(st == 503, "/health while holding: HTTP %ld", st);
            /* The reason names what the source did (the light client refused the block). */
            CHECK_MSG(body && strlen(body) > 3 && strcmp(body, "ok\n") != 0, "/health body: %s",
                      body ? body : "(none)");
            e2e_progress(e, "holding after the alarm: /health %ld: %s", st, body ? body : "");
            free(body);
            st = e2e_http_get(metrics, &body);
            CHECK_MSG(st == 200 && body && strstr(body, "\nzkrelay_alarm 1\n"),
                      "/metrics while holding: HTTP %ld, zkrelay_alarm 1 %s", st,
                      body && strstr(body, "\nzkrelay_alarm 1\n") ? "present" : "missing");
            CHECK_MSG(body && strstr(body, want_confirmed) && strstr(body, want_head),
                      "/metrics while holding: want%s and%s in:\n%s", want_confirmed, want_head,
                      body ? body : "(none)");
            free(body);
            /* Still holding a moment later: no exit of its own. */
            CHECK_EQ_INT(e2e_wait_exit(e, 1.0), -2);
        }
        if (e->relayer > 0) kill(e->relayer, SIGTERM);
        int code = e2e_wait_exit(e, 60.0);
        CHECK_MSG(code == 5, "after SIGTERM: status %d, expected the alarm exit 5", code);
        if (code == 5 && held) (*alarms)++;
        if (code != 5 || !held) e2e_dump_log(e);
        e2e_kill(&e->relayer, SIGKILL);
        /* Nothing submitted after the alarm. */
        CHECK_EQ_INT(e2e_relayer_nonce(e), nonce0);
        CHECK_EQ_INT(e2e_view(e, e->inbox, "status(uint64)", true, e->nonces[sent_before]), 0);
    }
    injected = fp_stop_injected(&src, 1);
    CHECK_MSG(injected >= 1, "the proxy served no other block (%s)", src.log);
    e->n_msgs = sent_before;
    return injected;
}

#endif
