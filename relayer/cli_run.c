/* `zkrelay run` (the daemon) and `zkrelay status` (the queue from its database). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lightclient/hex.h"
#include "relayer/cli.h"
#include "relayer/config.h"
#include "relayer/daemon.h"
#include "relayer/msgstore.h"
#include "relayer/rpc.h"

static void run_usage(FILE *f)
{
    fprintf(f,
            "usage: zkrelay run --config FILE [--once | --exit-when-idle] [--hold-on-alarm]\n"
            "                   [--log-format text|json]\n"
            "\n"
            "Runs the relayer: follows the source chain through the light client, records every\n"
            "Outbox message for the destination in <database>/msgs and serves /metrics and\n"
            "/health. The configuration is documented in docs/config.md (example:\n"
            "relayer.example.json). SIGINT/SIGTERM stop it cleanly; a restart resumes every\n"
            "message from its stored state.\n"
            "\n"
            "  --config FILE       the JSON configuration\n"
            "  --once              one pass of every job, then exit\n"
            "  --exit-when-idle    exit 0 once every message is confirmed or failed and the\n"
            "                      source is caught up\n"
            "  --hold-on-alarm     after a safety alarm, do no more work but keep /health\n"
            "                      (503, the reason) and /metrics up until SIGINT/SIGTERM,\n"
            "                      then exit 5 (default: exit 5 at once)\n"
            "  --log-format FMT    text or json (overrides log.format)\n"
            "  --print-config-keys print every configuration key with its default and exit\n"
            "\n"
            "exit status: 0 stopped cleanly, 1 runtime failure, 2 bad configuration or usage\n"
            "(also a key file readable by others), 4 a node serves another chain id (or a\n"
            "contract address has no code), 5 safety alarm on the source chain\n");
}

int cli_run(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        run_usage(stdout);
        return CLI_OK;
    }
    const char *cfg_path = NULL, *log_format = NULL;
    bool once = false, idle = false, keys = false, hold = false;
    const cli_opt opts[] = {
        {"--config", NULL, &cfg_path},       {"--once", &once, NULL},
        {"--exit-when-idle", &idle, NULL},   {"--hold-on-alarm", &hold, NULL},
        {"--log-format", NULL, &log_format}, {"--print-config-keys", &keys, NULL}};
    const char *pos[1];
    size_t n_pos = 0;
    int rc = cli_parse_argv(pos, &n_pos, 0, 0, "zkrelay run", opts, sizeof(opts) / sizeof(*opts),
                            run_usage, argc, argv);
    if (rc != CLI_OK) return rc;
    if (keys) {
        config_describe(stdout);
        return CLI_OK;
    }
    if (!cfg_path) {
        fprintf(stderr, "zkrelay run: --config FILE is required\n");
        run_usage(stderr);
        return CLI_USAGE;
    }
    daemon_opts o = {.once = once, .exit_when_idle = idle, .log_format = -1, .hold_on_alarm = hold};
    if (once && idle) {
        fprintf(stderr, "zkrelay run: --once and --exit-when-idle exclude each other\n");
        return CLI_USAGE;
    }
    if (log_format) {
        if (strcmp(log_format, "text") == 0)
            o.log_format = CONFIG_LOG_TEXT;
        else if (strcmp(log_format, "json") == 0)
            o.log_format = CONFIG_LOG_JSON;
        else {
            fprintf(stderr, "zkrelay run: --log-format must be text or json\n");
            return CLI_USAGE;
        }
    }
    config *cfg = malloc(sizeof(*cfg));
    if (!cfg) {
        fprintf(stderr, "zkrelay run: out of memory\n");
        return CLI_FAILURE;
    }
    zk_errbuf err = {{0}, 0};
    rc = config_load(cfg, cfg_path, &err);
    if (rc != ZK_OK) {
        fprintf(stderr, "zkrelay run: %s\n", err.msg);
        free(cfg);
        return rc == ZK_ERR_IO && strstr(err.msg, "keyFile") == NULL ? CLI_FAILURE : CLI_USAGE;
    }
    if (rpc_global_init() != ZK_OK) {
        fprintf(stderr, "zkrelay run: cannot initialise libcurl\n");
        free(cfg);
        return CLI_FAILURE;
    }
    int code = daemon_run(cfg, &o, &err);
    if (code != DAEMON_EXIT_OK) fprintf(stderr, "zkrelay run: %s\n", err.msg);
    rpc_global_cleanup();
    free(cfg);
    return code;
}

/* ---- status ---- */

static void status_usage(FILE *f)
{
    fprintf(f,
            "usage: zkrelay status --db DIR [--json]\n"
            "\n"
            "Prints the relayer's queue from its database (the `database` directory of the\n"
            "configuration, or its msgs/ subdirectory): the count of messages per state, the\n"
            "scan height and the next nonce, then one line per message (hash, nonce, state, age,\n"
            "source block, destination tx). The daemon must not be running (LevelDB admits one\n"
            "process).\n"
            "\n"
            "  --db DIR   the database directory\n"
            "  --json     one JSON object instead of text\n"
            "\n"
            "exit status: 0 ok, 1 no database or a store error, 2 usage\n");
}

typedef struct status_ctx {
    bool json;
    json_t *arr;
    uint64_t now_ms;
} status_ctx;

static int status_each(void *arg, const msg_record *r)
{
    status_ctx *s = arg;
    char m[67], tx[67] = "";
    hex_encode(m, r->m, 32, true);
    if (r->tx.raw_len) hex_encode(tx, r->tx.hash, 32, true);
    uint64_t since = r->t_ms[r->state] ? r->t_ms[r->state] : r->t_ms[MSG_SEEN];
    double age = since && s->now_ms > since ? (double)(s->now_ms - since) / 1000.0 : 0.0;
    if (s->json) {
        json_t *o =
            json_pack("{s:s,s:I,s:s,s:f,s:I,s:s,s:s}", "m", m, "nonce", (json_int_t)r->nonce,
                      "state", msg_state_name(r->state), "ageSeconds", age, "blockNumber",
                      (json_int_t)r->block_number, "txHash", tx, "reason", r->reason);
        if (!o || json_array_append_new(s->arr, o) != 0) return ZK_ERR_NOMEM;
    } else {
        printf("%s nonce=%" PRIu64 " state=%s age=%.0fs block=%" PRIu64 "%s%s%s%s\n", m, r->nonce,
               msg_state_name(r->state), age, r->block_number, tx[0] ? " tx=" : "", tx,
               r->reason[0] ? " reason=" : "", r->reason);
    }
    return 0;
}

int cli_status(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        status_usage(stdout);
        return CLI_OK;
    }
    const char *db = NULL;
    bool as_json = false;
    const cli_opt opts[] = {{"--db", NULL, &db}, {"--json", &as_json, NULL}};
    const char *pos[1];
    size_t n_pos = 0;
    int rc = cli_parse_argv(pos, &n_pos, 0, 0, "zkrelay status", opts, sizeof(opts) / sizeof(*opts),
                            status_usage, argc, argv);
    if (rc != CLI_OK) return rc;
    if (!db) {
        fprintf(stderr, "zkrelay status: --db DIR is required\n");
        status_usage(stderr);
        return CLI_USAGE;
    }
    /* Accept the daemon's database directory or its msgs/ subdirectory. */
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/msgs", db);
    msgstore *s = NULL;
    zk_errbuf err = {{0}, 0};
    rc = msgstore_open(&s, dir, false, &err);
    if (rc == ZK_ERR_NOTFOUND) rc = msgstore_open(&s, db, false, &err);
    if (rc != ZK_OK) {
        fprintf(stderr, "zkrelay status: %s\n", err.msg);
        return CLI_FAILURE;
    }
    uint64_t counts[MSG_STATE_COUNT], scan = 0, nonce = 0;
    bool has_scan = false, has_nonce = false;
    rc = msgstore_count(s, counts, &err);
    if (rc == ZK_OK) rc = msgstore_get_scan_height(s, &scan, &has_scan, &err);
    if (rc == ZK_OK) rc = msgstore_get_next_nonce(s, &nonce, &has_nonce, &err);
    status_ctx sc = {as_json, json_array(), 0};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sc.now_ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    if (rc == ZK_OK && !as_json) {
        printf("messages: %" PRIu64 "\n", counts[0]);
        for (int st = MSG_SEEN; st <= MSG_FAILED; st++)
            printf("%s: %" PRIu64 "\n", msg_state_name(st), counts[st]);
        if (has_scan)
            printf("scan height: %" PRIu64 "\n", scan);
        else
            printf("scan height: none\n");
        if (has_nonce)
            printf("next nonce: %" PRIu64 "\n", nonce);
        else
            printf("next nonce: none\n");
    }
    if (rc == ZK_OK) rc = msgstore_each(s, 0, status_each, &sc, &err);
    if (rc == ZK_OK && as_json) {
        json_t *by = json_object();
        for (int st = MSG_SEEN; st <= MSG_FAILED; st++)
            json_object_set_new(by, msg_state_name(st), json_integer((json_int_t)counts[st]));
        json_t *o = json_pack(
            "{s:I,s:o,s:o,s:o,s:O}", "messages", (json_int_t)counts[0], "byState", by, "scanHeight",
            has_scan ? json_integer((json_int_t)scan) : json_null(), "nextNonce",
            has_nonce ? json_integer((json_int_t)nonce) : json_null(), "queue", sc.arr);
        char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (text)
            printf("%s\n", text);
        else
            rc = ZK_ERR_NOMEM;
        free(text);
        json_decref(o);
    }
    json_decref(sc.arr);
    msgstore_close(s);
    if (rc != ZK_OK) {
        fprintf(stderr, "zkrelay status: %s\n", err.msg[0] ? err.msg : zk_strerror(rc));
        return CLI_FAILURE;
    }
    return CLI_OK;
}
