/* The daemon's start-up checks, main loop, logging and RPC fallback (daemon.h). */
#include "relayer/daemon.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "lightclient/bft.h"
#include "lightclient/hex.h"
#include "relayer/daemon_internal.h"
#include "relayer/keyfile.h"

volatile sig_atomic_t daemon_stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    daemon_stop_requested = 1;
}

uint64_t daemon_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *level_name(daemon_level l)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    return (unsigned)l < 4 ? names[l] : "info";
}

void daemon_log(const daemon *d, daemon_level level, const char *module, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[96];
    snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    if (d->log_format == CONFIG_LOG_JSON) {
        /* jansson escapes the message, so a node-chosen string cannot forge a line. */
        json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "ts", when, "level", level_name(level), "module",
                              module, "msg", msg);
        char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (line) fprintf(stderr, "%s\n", line);
        free(line);
        json_decref(o);
    } else {
        fprintf(stderr, "%s %s %s %s\n", when, level_name(level), module, msg);
    }
    fflush(stderr);
}

rpc_client *daemon_rpc(daemon *d, daemon_chain c)
{
    return d->rpc[c][d->cur_rpc[c]];
}

void daemon_rpc_failed(daemon *d, daemon_chain c, int code, const char *what, const zk_errbuf *err)
{
    pthread_mutex_lock(&d->m.mu);
    d->m.rpc_errors[c]++;
    pthread_mutex_unlock(&d->m.mu);
    size_t from = d->cur_rpc[c];
    /* A JSON-RPC error object is the node's answer, not its absence: keep the
     * node. Anything else (transport, timeout, garbage) moves to the next URL. */
    if (code != ZK_ERR_RPC && d->n_rpc[c] > 1) d->cur_rpc[c] = (from + 1) % d->n_rpc[c];
    daemon_log(d, DLOG_WARN, c == DAEMON_SRC ? "source" : "destination",
               "%s failed on rpc #%zu: %s%s", what, from, err ? err->msg : zk_strerror(code),
               d->cur_rpc[c] != from ? " (falling back to the next URL)" : "");
}

void daemon_alarm(daemon *d, const char *fmt, ...)
{
    char msg[sizeof(((daemon_metrics *)0)->alarm_reason)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&d->m.mu);
    d->m.alarm = true;
    snprintf(d->m.alarm_reason, sizeof(d->m.alarm_reason), "%s", msg);
    pthread_mutex_unlock(&d->m.mu);
    daemon_log(d, DLOG_ERROR, "alarm", "ALARM: %s (the source chain is stopped)", msg);
}

/* ---- start-up ------------------------------------------------------------------ */

/* Creates every RPC client of chain c and checks eth_chainId on each reachable one.
 * Returns a DAEMON_EXIT_* code. */
static int open_chain(daemon *d, daemon_chain c, zk_errbuf *err)
{
    const config *cfg = d->cfg;
    const char(*urls)[CONFIG_STR_MAX] = c == DAEMON_SRC ? cfg->source.rpc : cfg->destination.rpc;
    size_t n = c == DAEMON_SRC ? cfg->source.n_rpc : cfg->destination.n_rpc;
    uint64_t want = c == DAEMON_SRC ? cfg->source.chain_id : cfg->destination.chain_id;
    const char *name = c == DAEMON_SRC ? "source" : "destination";
    rpc_options o = rpc_options_default();
    o.max_retries = 2;
    o.timeout_ms = 5000;
    size_t reachable = 0;
    for (size_t i = 0; i < n; i++) {
        zk_errbuf e = {{0}, 0};
        d->rpc[c][i] = rpc_client_new(urls[i], &o, &e);
        if (!d->rpc[c][i]) {
            ZK_FAIL(err, ZK_ERR_USAGE, "%s.rpc[%zu]: %s", name, i, e.msg);
            return DAEMON_EXIT_CONFIG;
        }
        d->n_rpc[c] = i + 1;
        uint64_t got;
        int rc = rpc_eth_chain_id(d->rpc[c][i], &got, &e);
        if (rc != ZK_OK) {
            /* The URL itself may hold a credential: name its index, never the URL. */
            daemon_log(d, DLOG_WARN, name, "rpc #%zu unreachable at start: %s", i, e.msg);
            continue;
        }
        if (got != want) {
            ZK_FAIL(err, ZK_ERR_MISMATCH,
                    "%s.rpc[%zu] serves chain id %" PRIu64 ", the configuration says %" PRIu64,
                    name, i, got, want);
            return DAEMON_EXIT_CHAIN;
        }
        if (reachable++ == 0) d->cur_rpc[c] = i;
    }
    if (reachable == 0) {
        ZK_FAIL(err, ZK_ERR_TRANSPORT, "%s: no RPC URL answered eth_chainId", name);
        return DAEMON_EXIT_FAILURE;
    }
    return DAEMON_EXIT_OK;
}

/* The contracts must have code: a typo in an address would otherwise show up as
 * calls that "succeed" with empty return data. */
static int check_code(daemon *d, daemon_chain c, const uint8_t addr[20], const char *key,
                      zk_errbuf *err)
{
    char hex[43];
    hex_encode(hex, addr, 20, true);
    json_t *res = NULL;
    zk_errbuf e = {{0}, 0};
    int rc = rpc_call(daemon_rpc(d, c), &res, "eth_getCode", json_pack("[s,s]", hex, "latest"), &e);
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "%s: eth_getCode: %s", key, e.msg);
        return DAEMON_EXIT_FAILURE;
    }
    bool empty = !json_is_string(res) || strcmp(json_string_value(res), "0x") == 0;
    json_decref(res);
    if (empty) {
        ZK_FAIL(err, ZK_ERR_MISMATCH, "%s %s has no contract code on that chain", key, hex);
        return DAEMON_EXIT_CHAIN;
    }
    return DAEMON_EXIT_OK;
}

static int load_signer(daemon *d, zk_errbuf *err)
{
    uint8_t key[32];
    zk_errbuf e = {{0}, 0};
    const config_destination *dc = &d->cfg->destination;
    int rc = dc->key_file[0] ? keyfile_load(d->ctx, key, d->signer, dc->key_file, &e)
                             : keyfile_from_env(d->ctx, key, d->signer, dc->key_env, &e);
    /* The submitter signs with keyfile code when it runs; here the key only proves it loads. */
    zk_wipe(key, sizeof(key));
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "destination signer: %s", e.msg);
        return DAEMON_EXIT_CONFIG;
    }
    char addr[43];
    hex_encode(addr, d->signer, 20, true);
    daemon_log(d, DLOG_INFO, "destination", "signer %s", addr);
    return DAEMON_EXIT_OK;
}

/* The checkpoint header's validator list in extraData order: the list whose commitment
 * the light client contract is deployed with (zkrelay deploy uses that order), hence
 * the trusted set T of the first finality proofs. */
static int load_trusted0(daemon *d, zk_errbuf *err)
{
    uint8_t *rlp = NULL;
    size_t len = 0;
    zk_errbuf e = {{0}, 0};
    int rc = lc_store_get_checkpoint_rlp(lc_client_store(d->lc), &rlp, &len, &e);
    eth_header h;
    header_init(&h);
    bft_extra *x = malloc(sizeof(*x));
    if (rc == ZK_OK) rc = header_decode_rlp(&h, rlp, len, &e);
    if (rc == ZK_OK)
        rc = x ? bft_extra_decode(x, BFT_QBFT, h.extra_data, h.extra_len, &e) : ZK_ERR_NOMEM;
    if (rc == ZK_OK && x->n_validators > STMT_FIN_MAX_VALIDATORS) {
        ZK_FAIL(&e, ZK_ERR_RANGE, "%zu validators, more than any finality circuit holds",
                x->n_validators);
        rc = ZK_ERR_RANGE;
    }
    if (rc == ZK_OK) {
        d->n_trusted0 = x->n_validators;
        memcpy(d->trusted0, x->validators, x->n_validators * 20);
        d->have_trusted0 = true;
    }
    free(x);
    header_clear(&h);
    free(rlp);
    if (rc == ZK_ERR_NOTFOUND) {
        /* A store initialised from a checkpoint without its header: the first finality proof
         * needs the list's order, which only the header has. */
        ZK_FAIL(err, rc,
                "source.checkpoint: the checkpoint has no \"header\": the relayer needs "
                "its validator list in extraData order");
        return DAEMON_EXIT_CONFIG;
    }
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "checkpoint header: %s", e.msg);
        return DAEMON_EXIT_FAILURE;
    }
    return DAEMON_EXIT_OK;
}

/* Opens <database>/lc, initialising it from the checkpoint file on first start. */
static int open_lc(daemon *d, zk_errbuf *err)
{
    char dir[CONFIG_STR_MAX + 8];
    snprintf(dir, sizeof(dir), "%s/lc", d->cfg->database);
    zk_errbuf e = {{0}, 0};
    int rc = lc_open(&d->lc, d->ctx, dir, &e);
    if (rc == ZK_ERR_NOTFOUND) {
        json_error_t je;
        json_t *root = json_load_file(d->cfg->source.checkpoint, JSON_REJECT_DUPLICATES, &je);
        if (!root) {
            ZK_FAIL(err, ZK_ERR_MALFORMED, "source.checkpoint %s: line %d: %s",
                    d->cfg->source.checkpoint, je.line, je.text);
            return DAEMON_EXIT_CONFIG;
        }
        lc_checkpoint_file *cpf = calloc(1, sizeof(*cpf));
        rc = cpf ? lc_checkpoint_from_json(cpf, root, &e) : ZK_ERR_NOMEM;
        json_decref(root);
        if (rc == ZK_OK && cpf->cp.chain_id != d->cfg->source.chain_id) {
            ZK_FAIL(&e, ZK_ERR_MISMATCH, "its chainId %" PRIu64 " is not source.chainId",
                    cpf->cp.chain_id);
            rc = ZK_ERR_MISMATCH;
        }
        if (rc == ZK_OK && cpf->cp.consensus != LC_QBFT) {
            ZK_FAIL(&e, ZK_ERR_USAGE, "the finality circuit proves QBFT only");
            rc = ZK_ERR_USAGE;
        }
        if (rc == ZK_OK) rc = lc_init(d->ctx, dir, cpf, &e);
        if (cpf) lc_checkpoint_file_clear(cpf);
        free(cpf);
        if (rc != ZK_OK) {
            ZK_FAIL(err, rc, "source.checkpoint %s: %s", d->cfg->source.checkpoint, e.msg);
            return DAEMON_EXIT_CONFIG;
        }
        rc = lc_open(&d->lc, d->ctx, dir, &e);
    }
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "light client %s: %s", dir, e.msg);
        return DAEMON_EXIT_FAILURE;
    }
    rc = lc_store_expect_chain(lc_client_store(d->lc), d->cfg->source.chain_id, &e);
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "light client %s: %s", dir, e.msg);
        return rc == ZK_ERR_MISMATCH ? DAEMON_EXIT_CHAIN : DAEMON_EXIT_FAILURE;
    }
    lc_checkpoint cp;
    rc = lc_store_checkpoint(lc_client_store(d->lc), &cp, &e);
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "light client %s: %s", dir, e.msg);
        return DAEMON_EXIT_FAILURE;
    }
    d->start_block = d->cfg->source.start_block ? d->cfg->source.start_block : cp.number + 1;
    return load_trusted0(d, err);
}

static int open_msgs(daemon *d, zk_errbuf *err)
{
    char dir[CONFIG_STR_MAX + 8];
    if (mkdir(d->cfg->database, 0700) != 0 && errno != EEXIST) {
        ZK_FAIL(err, ZK_ERR_IO, "database %s: %s", d->cfg->database, strerror(errno));
        return DAEMON_EXIT_FAILURE;
    }
    snprintf(dir, sizeof(dir), "%s/msgs", d->cfg->database);
    zk_errbuf e = {{0}, 0};
    int rc = msgstore_open(&d->ms, dir, true, &e);
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "%s", e.msg);
        return DAEMON_EXIT_FAILURE;
    }
    return DAEMON_EXIT_OK;
}

/* Every seen message is confirmed or failed and the source is caught up. */
static bool is_idle(daemon *d)
{
    uint64_t counts[MSG_STATE_COUNT];
    if (msgstore_count(d->ms, counts, NULL) != ZK_OK) return false;
    return d->caught_up && !daemon_prove_busy(d) &&
           counts[MSG_CONFIRMED] + counts[MSG_FAILED] == counts[0];
}

static void sleep_ms(uint64_t ms)
{
    /* Slices of 50 ms so a signal ends the wait promptly. */
    while (ms > 0 && !daemon_stop_requested) {
        uint64_t step = ms < 50 ? ms : 50;
        struct timespec ts = {0, (long)step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

int daemon_run(const config *cfg, const daemon_opts *o, zk_errbuf *err)
{
    daemon *d = calloc(1, sizeof(*d));
    if (!d) {
        ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
        return DAEMON_EXIT_FAILURE;
    }
    d->cfg = cfg;
    d->log_format = o->log_format >= 0 ? o->log_format : (int)cfg->log_format;
    pthread_mutex_init(&d->m.mu, NULL);
    daemon_stop_requested = 0;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    int code = DAEMON_EXIT_OK;
    zk_errbuf e = {{0}, 0};
    d->ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!d->ctx) {
        code = DAEMON_EXIT_FAILURE;
        ZK_FAIL(err, ZK_ERR_NOMEM, "secp256k1 context");
        goto out;
    }
    if ((code = load_signer(d, err)) != DAEMON_EXIT_OK) goto out;
    if ((code = open_chain(d, DAEMON_SRC, err)) != DAEMON_EXIT_OK) goto out;
    if ((code = open_chain(d, DAEMON_DST, err)) != DAEMON_EXIT_OK) goto out;
    if ((code = check_code(d, DAEMON_SRC, cfg->source.outbox, "source.outbox", err)) ||
        (code = check_code(d, DAEMON_DST, cfg->destination.light_client, "destination.lightClient",
                           err)) ||
        (code = check_code(d, DAEMON_DST, cfg->destination.inbox, "destination.inbox", err)))
        goto out;
    if ((code = open_msgs(d, err)) != DAEMON_EXIT_OK) goto out;
    if ((code = open_lc(d, err)) != DAEMON_EXIT_OK) goto out;
    if (daemon_prove_start(d, &e) != ZK_OK) {
        ZK_FAIL(err, ZK_ERR_USAGE, "%s", e.msg);
        code = DAEMON_EXIT_CONFIG;
        goto out;
    }
    if (daemon_metrics_start(d, &e) != ZK_OK) {
        ZK_FAIL(err, ZK_ERR_IO, "metrics: %s", e.msg);
        code = DAEMON_EXIT_CONFIG;
        goto out;
    }
    if (daemon_metrics_refresh(d, &e) != ZK_OK)
        daemon_log(d, DLOG_WARN, "metrics", "refresh: %s", e.msg);
    pthread_mutex_lock(&d->m.mu);
    d->m.running = true;
    pthread_mutex_unlock(&d->m.mu);
    daemon_log(d, DLOG_INFO, "daemon",
               "started: source chain %" PRIu64 ", destination chain %" PRIu64
               ", scanning from block %" PRIu64,
               cfg->source.chain_id, cfg->destination.chain_id, d->start_block);

    while (!daemon_stop_requested) {
        int rc = daemon_source_step(d, &e);
        if (d->m.alarm) {
            ZK_FAIL(err, ZK_ERR_REJECTED, "%s", d->m.alarm_reason);
            code = DAEMON_EXIT_ALARM;
            break;
        }
        if (rc == ZK_OK && !d->m.alarm) rc = daemon_prove_step(d, &e);
        if (rc == ZK_OK && !d->m.alarm) rc = daemon_submit_step(d, &e);
        if (d->m.alarm) {
            ZK_FAIL(err, ZK_ERR_REJECTED, "%s", d->m.alarm_reason);
            code = DAEMON_EXIT_ALARM;
            break;
        }
        if (rc != ZK_OK) {
            ZK_FAIL(err, rc, "%s", e.msg);
            code = DAEMON_EXIT_FAILURE;
            break;
        }
        if (daemon_metrics_refresh(d, &e) != ZK_OK)
            daemon_log(d, DLOG_WARN, "metrics", "refresh: %s", e.msg);
        if (o->once) break;
        if (o->exit_when_idle && is_idle(d)) {
            daemon_log(d, DLOG_INFO, "daemon", "idle: every message is confirmed or failed");
            break;
        }
        sleep_ms(cfg->poll_interval_ms);
    }
    if (code == DAEMON_EXIT_ALARM && o->hold_on_alarm && !daemon_stop_requested) {
        /* No proof is worth finishing for a source that broke a safety rule. */
        daemon_prove_stop(d);
        if (daemon_metrics_refresh(d, &e) != ZK_OK)
            daemon_log(d, DLOG_WARN, "metrics", "refresh: %s", e.msg);
        daemon_log(d, DLOG_ERROR, "alarm",
                   "holding after the alarm: no work is done; /health answers 503 until SIGINT "
                   "or SIGTERM, then exit status 5");
        while (!daemon_stop_requested)
            sleep_ms(100);
    }
    if (daemon_stop_requested) daemon_log(d, DLOG_INFO, "daemon", "stopping on signal");
out:
    pthread_mutex_lock(&d->m.mu);
    d->m.running = false;
    pthread_mutex_unlock(&d->m.mu);
    daemon_metrics_stop(d);
    daemon_prove_stop(d);
    for (int c = 0; c < 2; c++)
        for (size_t i = 0; i < d->n_rpc[c]; i++)
            rpc_client_free(d->rpc[c][i]);
    lc_close(d->lc);
    msgstore_close(d->ms);
    if (d->ctx) secp256k1_context_destroy(d->ctx);
    pthread_mutex_destroy(&d->m.mu);
    free(d);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return code;
}
