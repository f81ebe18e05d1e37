/* relayer/config.c: the daemon's strict JSON configuration. */
#include <sys/stat.h>

#include "harness.h"
#include "relayer/config.h"

/* A complete, valid configuration whose key file is keyfile. New reference. */
static json_t *base_config(const char *keyfile)
{
    return json_pack("{s:{s:[s,s],s:i,s:s,s:s,s:i,s:i},"
                     "s:{s:[s],s:i,s:s,s:s,s:s,s:i,s:i,s:i},"
                     "s:{s:s,s:s,s:i,s:i,s:i,s:i,s:i},"
                     "s:s,s:i,s:s,s:{s:s}}",
                     "source", "rpc", "http://127.0.0.1:8545", "http://backup:8545", "chainId",
                     1337, "outbox", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "checkpoint",
                     "cp.json", "startBlock", 1, "logRange", 500, "destination", "rpc",
                     "https://dest.example", "chainId", 31337, "lightClient",
                     "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "inbox",
                     "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "keyFile", keyfile,
                     "confirmations", 3, "maxFeeGwei", 50, "maxPriorityFeeGwei", 2, "prover",
                     "finalityZkey", "/keys/fin.zkey", "inclusionZkey", "inc.zkey", "validators", 1,
                     "depth", 3, "maxReceipt", 640, "maxLogs", 2, "workers", 2, "database", "state",
                     "pollIntervalMs", 250, "metrics", "", "log", "format", "json");
}

static const char *make_keyfile(mode_t mode)
{
    const char *p = th_tmp_path(mode == 0600 ? "key600" : "key644");
    const char *key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318\n";
    CHECK(th_write_file(p, key, strlen(key)));
    CHECK(chmod(p, mode) == 0);
    return p;
}

static int parse_json(config *c, json_t *root, zk_errbuf *err)
{
    char *text = json_dumps(root, 0);
    int rc = config_parse(c, text, strlen(text), "/etc/zk", err);
    free(text);
    return rc;
}

/* Sets (v non-NULL, stolen) or deletes (v NULL) the value at "a.b". */
static void set_path(json_t *root, const char *path, json_t *v)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", path);
    char *dot = strchr(buf, '.');
    json_t *obj = root;
    const char *key = buf;
    if (dot) {
        *dot = '\0';
        obj = json_object_get(root, buf);
        key = dot + 1;
    }
    if (v)
        json_object_set_new(obj, key, v);
    else
        json_object_del(obj, key);
}

TEST(test_config_valid)
{
    const char *kf = make_keyfile(0600);
    json_t *root = base_config(kf);
    config c;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(parse_json(&c, root, &err), ZK_OK);
    CHECK_MSG(err.msg[0] == 0, "%s", err.msg);
    CHECK_EQ_INT(c.source.n_rpc, 2);
    CHECK(th_streq(c.source.rpc[1], "http://backup:8545"));
    CHECK_EQ_INT(c.source.chain_id, 1337);
    CHECK_EQ_INT(c.source.outbox[0], 0x5f);
    CHECK_EQ_INT(c.source.outbox[19], 0xa3);
    CHECK(th_streq(c.source.checkpoint, "/etc/zk/cp.json"));   /* relative: config's directory */
    CHECK(th_streq(c.prover.finality_zkey, "/keys/fin.zkey")); /* absolute: kept */
    CHECK(th_streq(c.prover.inclusion_zkey, "/etc/zk/inc.zkey"));
    CHECK(th_streq(c.database, "/etc/zk/state"));
    CHECK_EQ_INT(c.source.log_range, 500);
    CHECK(th_streq(c.source.flavor, "qbft"));
    CHECK_EQ_INT(c.destination.confirmations, 3);
    CHECK_EQ_INT(c.destination.replace_after_seconds, 120); /* default */
    CHECK_EQ_INT(c.destination.gas_limit_deliver, 1500000);
    CHECK_EQ_INT(c.prover.validators, 1);
    CHECK_EQ_INT(c.prover.threads, 0);
    CHECK_EQ_INT(c.poll_interval_ms, 250);
    CHECK(th_streq(c.metrics, ""));
    CHECK_EQ_INT(c.log_format, CONFIG_LOG_JSON);

    /* defaults of the optional keys */
    set_path(root, "metrics", NULL);
    set_path(root, "log", NULL);
    set_path(root, "source.startBlock", NULL);
    CHECK_EQ_INT(parse_json(&c, root, NULL), ZK_OK);
    CHECK(th_streq(c.metrics, "127.0.0.1:9464"));
    CHECK_EQ_INT(c.log_format, CONFIG_LOG_TEXT);
    CHECK_EQ_INT(c.source.start_block, 0);

    /* keyEnv instead of keyFile */
    set_path(root, "destination.keyFile", NULL);
    set_path(root, "destination.keyEnv", json_string("ZK_RELAYER_KEY"));
    CHECK_EQ_INT(parse_json(&c, root, NULL), ZK_OK);
    CHECK(th_streq(c.destination.key_env, "ZK_RELAYER_KEY"));
    CHECK(c.destination.key_file[0] == '\0');
    json_decref(root);
}

typedef struct bad_case {
    const char *name;
    const char *path;  /* key to change */
    const char *value; /* JSON text of the new value; NULL deletes the key */
    int code;
    const char *needle; /* must appear in the message */
} bad_case;

TEST(test_config_errors)
{
    const char *kf = make_keyfile(0600);
    const bad_case cases[] = {
        {"unknown top-level key", "databse", "\"x\"", ZK_ERR_USAGE, "unknown key \"databse\""},
        {"unknown nested key", "source.chainID", "1", ZK_ERR_USAGE,
         "unknown key \"source.chainID\""},
        {"missing chainId", "source.chainId", NULL, ZK_ERR_USAGE, "missing key \"source.chainId\""},
        {"missing inbox", "destination.inbox", NULL, ZK_ERR_USAGE,
         "missing key \"destination.inbox\""},
        {"missing database", "database", NULL, ZK_ERR_USAGE, "missing key \"database\""},
        {"missing section", "prover", NULL, ZK_ERR_USAGE, "missing key \"prover\""},
        {"short address", "source.outbox", "\"0x5FbDB2315678afecb367f032d93F642f64180a\"",
         ZK_ERR_USAGE, "source.outbox: expected an address"},
        {"address without 0x", "destination.inbox",
         "\"9fE46736679d2D9a65F0992F2272dE9f3c7fa6e000\"", ZK_ERR_USAGE,
         "destination.inbox: expected an address"},
        {"address not hex", "destination.lightClient",
         "\"0xg7f1725E7734CE288F8367e1Bb143E90bb3F0512\"", ZK_ERR_USAGE,
         "destination.lightClient: \"0xg7f1"},
        {"zero address", "source.outbox", "\"0x0000000000000000000000000000000000000000\"",
         ZK_ERR_USAGE, "the zero address"},
        {"chainId as string", "destination.chainId", "\"31337\"", ZK_ERR_USAGE,
         "destination.chainId: expected a non-negative integer"},
        {"chainId zero", "source.chainId", "0", ZK_ERR_USAGE, "source.chainId: 0 is out of range"},
        {"negative", "destination.confirmations", "-1", ZK_ERR_USAGE,
         "destination.confirmations: expected a non-negative integer"},
        {"float", "pollIntervalMs", "2.5", ZK_ERR_USAGE, "pollIntervalMs: expected"},
        {"validators above 32", "prover.validators", "33", ZK_ERR_USAGE,
         "prover.validators: 33 is out of range"},
        {"workers zero", "prover.workers", "0", ZK_ERR_USAGE, "prover.workers: 0 is out of range"},
        {"empty rpc list", "source.rpc", "[]", ZK_ERR_USAGE, "source.rpc: expected a non-empty"},
        {"rpc not a URL", "destination.rpc", "[\"127.0.0.1:8545\"]", ZK_ERR_USAGE,
         "destination.rpc[0]: expected an http"},
        {"rpc a string", "source.rpc", "\"http://x\"", ZK_ERR_USAGE, "source.rpc: expected"},
        {"flavor clique", "source.flavor", "\"clique\"", ZK_ERR_USAGE, "only \"qbft\""},
        {"metrics without port", "metrics", "\"127.0.0.1\"", ZK_ERR_USAGE, "metrics: expected"},
        {"metrics port 0", "metrics", "\"127.0.0.1:0\"", ZK_ERR_USAGE, "metrics: expected"},
        {"log format xml", "log.format", "\"xml\"", ZK_ERR_USAGE, "log.format: expected"},
        {"section a string", "log", "\"json\"", ZK_ERR_USAGE, "log: expected an object"},
        {"tip above max fee", "destination.maxPriorityFeeGwei", "60", ZK_ERR_USAGE,
         "maxPriorityFeeGwei (60) is above"},
        {"both keyFile and keyEnv", "destination.keyEnv", "\"K\"", ZK_ERR_USAGE,
         "exactly one of \"keyFile\" and \"keyEnv\""},
        {"neither keyFile nor keyEnv", "destination.keyFile", NULL, ZK_ERR_USAGE, "exactly one of"},
        {"key file missing", "destination.keyFile", "\"/nonexistent/zk.key\"", ZK_ERR_IO,
         "/nonexistent/zk.key"},
        {"key file a directory", "destination.keyFile", "\"/tmp\"", ZK_ERR_REJECTED,
         "not a regular file"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CASE_BEGIN("%s", cases[i].name);
        json_t *root = base_config(kf);
        json_t *v = NULL;
        if (cases[i].value) {
            json_error_t je;
            v = json_loads(cases[i].value, JSON_DECODE_ANY, &je);
            CHECK(v != NULL);
        }
        set_path(root, cases[i].path, v);
        config c;
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(parse_json(&c, root, &err), cases[i].code);
        CHECK_MSG(strstr(err.msg, cases[i].needle) != NULL, "message \"%s\" lacks \"%s\"", err.msg,
                  cases[i].needle);
        json_decref(root);
        CASE_END();
    }
}

TEST(test_config_keyfile_mode)
{
    const char *kf = make_keyfile(0644);
    json_t *root = base_config(kf);
    config c;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(parse_json(&c, root, &err), ZK_ERR_REJECTED);
    CHECK_MSG(strstr(err.msg, "mode 0644") != NULL && strstr(err.msg, "chmod 600") != NULL, "%s",
              err.msg);
    /* the message names the path and mode, never the key */
    CHECK(strstr(err.msg, "4c0883a6") == NULL);
    CHECK(chmod(kf, 0640) == 0);
    CHECK_EQ_INT(parse_json(&c, root, NULL), ZK_ERR_REJECTED);
    CHECK(chmod(kf, 0400) == 0);
    CHECK_EQ_INT(parse_json(&c, root, NULL), ZK_OK);
    json_decref(root);
}

TEST(test_config_syntax_and_files)
{
    config c;
    zk_errbuf err = {{0}, 0};
    const char *bad = "{\n  \"source\": {\n    \"chainId\": 1,\n  }\n}\n";
    CHECK_EQ_INT(config_parse(&c, bad, strlen(bad), NULL, &err), ZK_ERR_MALFORMED);
    CHECK_MSG(strstr(err.msg, "line 4") != NULL, "%s", err.msg);
    CHECK_EQ_INT(err.offset, 4);
    const char *dup = "{\"database\": \"a\", \"database\": \"b\"}";
    CHECK_EQ_INT(config_parse(&c, dup, strlen(dup), NULL, &err), ZK_ERR_USAGE);
    CHECK(strstr(err.msg, "duplicate") != NULL);
    const char *arr = "[1, 2]";
    CHECK_EQ_INT(config_parse(&c, arr, strlen(arr), NULL, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(config_parse(&c, "", 0, NULL, &err), ZK_ERR_MALFORMED);

    CHECK_EQ_INT(config_load(&c, "/nonexistent/zkrelay.json", &err), ZK_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent/zkrelay.json") != NULL);

    /* config_load resolves relative paths against the file's directory */
    const char *kf = make_keyfile(0600);
    json_t *root = base_config(kf);
    char *text = json_dumps(root, JSON_INDENT(2));
    const char *path = th_tmp_path("relayer.json");
    CHECK(th_write_file(path, text, strlen(text)));
    CHECK_EQ_INT(config_load(&c, path, &err), ZK_OK);
    char want[1200];
    snprintf(want, sizeof(want), "%s", path);
    *strrchr(want, '/') = '\0';
    size_t dl = strlen(want);
    CHECK(strncmp(c.database, want, dl) == 0 && th_streq(c.database + dl, "/state"));
    free(text);

    /* the example config at the repository root parses (its key file aside) */
    char *example = th_read_text("relayer.example.json");
    CHECK_MSG(example != NULL, "relayer.example.json is missing");
    if (example) {
        int rc = config_parse(&c, example, strlen(example), "/opt/zkrelay", &err);
        /* it names a key file that does not exist here: everything before that check passed */
        CHECK_EQ_INT(rc, ZK_ERR_IO);
        CHECK_MSG(strstr(err.msg, "keyFile") != NULL, "%s", err.msg);
        free(example);
    }
    json_decref(root);

    char host[64];
    uint16_t port = 0;
    CHECK_EQ_INT(config_parse_listen(host, &port, "127.0.0.1:9464"), ZK_OK);
    CHECK(th_streq(host, "127.0.0.1"));
    CHECK_EQ_INT(port, 9464);
    CHECK_EQ_INT(config_parse_listen(host, &port, ":9464"), ZK_ERR_USAGE);
    CHECK_EQ_INT(config_parse_listen(host, &port, "h:65536"), ZK_ERR_USAGE);
    CHECK_EQ_INT(config_parse_listen(host, &port, "h:09"), ZK_ERR_USAGE);
}

TEST_MAIN(RUN(test_config_valid); RUN(test_config_errors); RUN(test_config_keyfile_mode);
          RUN(test_config_syntax_and_files))
