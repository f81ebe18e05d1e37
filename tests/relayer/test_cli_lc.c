/* `zkrelay lc ...` end to end: runs the built binary ($ZK_BIN) against a fake
 * JSON-RPC node (fake_rpc.h) serving a generated QBFT chain with a rotation at
 * 301: init from a checkpoint file, sync, status, verify-header on good,
 * forged and equivocating headers, evidence and unfreeze, usage errors and
 * --help at every level, and a Clique store's status and sync. */
#include "harness.h"

#include <dirent.h>
#include <unistd.h>

#include "chaingen.h"
#include "fake_rpc.h"
#include "lightclient/lc.h"

#define CHAIN_ID 1337

static chaingen chain;
static json_t *blocks;
static fake_rpc node;
static bool node_up;
static char db[512], cp_path[512], hdr_path[512];

static bool has(const char *text, const char *what)
{
    if (text && strstr(text, what)) return true;
    fprintf(stderr, "    '%s' not in: %s\n", what, text ? text : "(null)");
    return false;
}

/* Runs zkrelay lc <args...>. */
static th_proc lc_run(const char *const *args, size_t n)
{
    const char *argv[24] = {"lc"};
    if (n > 22) n = 22;
    for (size_t i = 0; i < n; i++)
        argv[1 + i] = args[i];
    th_proc p = th_run_zkrelay(argv, 1 + n, NULL);
    CHECK_MSG(th_proc_sanitizer_clean(&p), "sanitizer report: %s", p.err);
    return p;
}
#define LC_RUN(...)                                                                                \
    lc_run((const char *const[]){__VA_ARGS__},                                                     \
           sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static json_t *parse_out(const th_proc *p)
{
    json_t *j = json_loads(p->out ? p->out : "", 0, NULL);
    CHECK_MSG(j != NULL, "output is not JSON: %s", p->out);
    return j;
}

static long long jint(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static void hex32(char out[67], const uint8_t h[32])
{
    hex_encode(out, h, 32, true);
}

/* The block object of a header with its own consistent hash. */
static json_t *block_json(const chaingen *g, const eth_header *h)
{
    uint8_t hash[32];
    json_t *o = NULL;
    CHECK_EQ_INT(chaingen_hash(g, hash, h), ZK_OK);
    CHECK_EQ_INT(header_to_json(&o, h, hash), ZK_OK);
    return o;
}

static json_t *chain_blocks(const chaingen *g)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < g->n; i++)
        json_array_append_new(arr, block_json(g, &g->h[i]));
    return arr;
}

/* A copy of header i re-sealed by keys, timestamp moved by dts. */
static void reseal(eth_header *out, size_t i, const size_t *keys, size_t nk, uint64_t dts)
{
    const eth_header *h = &chain.h[i];
    bft_extra *x = malloc(sizeof(*x));
    CHECK_EQ_INT(bft_extra_decode(x, BFT_QBFT, h->extra_data, h->extra_len, NULL), ZK_OK);
    *out = *h;
    out->extra_data = malloc(h->extra_len);
    memcpy(out->extra_data, h->extra_data, h->extra_len);
    out->timestamp += dts;
    uint8_t sk[CHAINGEN_KEYS][32];
    for (size_t k = 0; k < nk; k++)
        memcpy(sk[k], chain.keys[keys[k]], 32);
    CHECK_EQ_INT(bft_seal_header(out, chain.ctx, BFT_QBFT, x, (const uint8_t(*)[32])sk, nk, NULL),
                 ZK_OK);
    free(x);
}

/* Writes header h as a JSON block file (or RLP hex when rlp) to hdr_path. */
static void write_header(const eth_header *h, bool rlp)
{
    if (rlp) {
        zk_buf b;
        buf_init(&b, 0);
        CHECK_EQ_INT(header_encode_rlp(&b, h), ZK_OK);
        char *hex = malloc(hex_encoded_len(b.len, true));
        hex_encode(hex, b.data, b.len, true);
        CHECK(th_write_file(hdr_path, hex, strlen(hex)));
        free(hex);
        buf_clear(&b);
        return;
    }
    json_t *j = block_json(&chain, h);
    CHECK_EQ_INT(json_dump_file(j, hdr_path, 0), 0);
    json_decref(j);
}

static bool write_checkpoint(const chaingen *g, const char *path)
{
    json_t *cp = chaingen_checkpoint_json(g, CHAIN_ID);
    bool ok = cp && json_dump_file(cp, path, JSON_INDENT(2)) == 0;
    json_decref(cp);
    return ok;
}

TEST(help_at_every_level)
{
    static const char *const subs[] = {"init",     "sync", "verify-header", "status", "unfreeze",
                                       "evidence", NULL};
    for (size_t i = 0; i < sizeof(subs) / sizeof(*subs); i++) {
        CASE_BEGIN("lc %s --help", subs[i] ? subs[i] : "");
        th_proc p = subs[i] ? LC_RUN(subs[i], "--help") : LC_RUN("--help");
        CHECK_EQ_INT(p.status, 0);
        CHECK(has(p.out, "usage: zkrelay lc"));
        if (subs[i]) CHECK(has(p.out, subs[i]));
        th_proc_free(&p);
        CASE_END();
    }
    CASE_BEGIN("zkrelay --help lists lc");
    const char *argv[] = {"--help"};
    th_proc p = th_run_zkrelay(argv, 1, NULL);
    CHECK_EQ_INT(p.status, 0);
    CHECK(has(p.out, "lc "));
    th_proc_free(&p);
    CASE_END();
    CASE_BEGIN("lc sync -h after other options");
    p = LC_RUN("sync", "--db", db, "-h");
    CHECK_EQ_INT(p.status, 0);
    CHECK(has(p.out, "--rpc URL"));
    th_proc_free(&p);
    CASE_END();
}

TEST(usage_errors)
{
    static const char *const cases[][8] = {
        {NULL},
        {"bogus"},
        {"init", "--db", "/tmp/x"},
        {"init", "--checkpoint"},
        {"init", "--checkpoint", "a.json", "--db", "d", "extra"},
        {"sync", "--db", "d"},
        {"sync", "--rpc", "http://127.0.0.1:1/"},
        {"sync", "--rpc", "http://127.0.0.1:1/", "--db", "d", "--to", "abc"},
        {"sync", "--rpc", "http://127.0.0.1:1/", "--db", "d", "--to", "-5"},
        {"sync", "--rpc", "http://127.0.0.1:1/", "--db", "d", "--to", "0"},
        {"sync", "--rpc", "http://127.0.0.1:1/", "--db", "d", "--batch", "0"},
        {"sync", "--rpc", "http://127.0.0.1:1/", "--db", "d", "--batch", "5000"},
        {"sync", "--rpc", "http://127.0.0.1:1/", "--db", "d", "--to", "5", "--finalized"},
        {"sync", "--rpc", "http://127.0.0.1:1/", "--db", "d", "--bogus"},
        {"status"},
        {"status", "--db", "d", "extra"},
        {"verify-header", "--db", "d"},
        {"verify-header", "a.json", "b.json", "--db", "d"},
        {"verify-header", "a.json"},
        {"unfreeze"},
        {"evidence", "--db", "d", "--number", "12x"},
        {"evidence", "--number", "1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        size_t n = 0;
        while (n < 8 && cases[i][n])
            n++;
        CASE_BEGIN("usage case %zu (%s %s)", i, n ? cases[i][0] : "", n > 1 ? cases[i][1] : "");
        th_proc p = lc_run(cases[i], n);
        CHECK_MSG(p.status == 2, "exit %d, stderr: %s", p.status, p.err);
        CHECK(p.err && p.err[0] != '\0');
        CHECK(p.out && p.out[0] == '\0');
        th_proc_free(&p);
        CASE_END();
    }
}

TEST(init_and_status)
{
    CASE_BEGIN("init");
    th_proc p = LC_RUN("init", "--checkpoint", cp_path, "--db", db);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_streq(th_out_line(p.out, "chainId"), "1337"));
    CHECK(th_streq(th_out_line(p.out, "consensus"), "qbft"));
    CHECK(th_streq(th_out_line(p.out, "number"), "0"));
    CHECK(th_streq(th_out_line(p.out, "validators"), "5"));
    uint8_t h0[32];
    char want[67];
    CHECK_EQ_INT(chaingen_hash(&chain, h0, &chain.h[0]), ZK_OK);
    hex32(want, h0);
    CHECK(th_streq(th_out_line(p.out, "hash"), want));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("init again: idempotent, --json");
    p = LC_RUN("init", "--checkpoint", cp_path, "--db", db, "--json");
    CHECK_EQ_INT(p.status, 0);
    json_t *j = parse_out(&p);
    CHECK_EQ_INT(jint(j, "chainId"), CHAIN_ID);
    CHECK_EQ_INT(jint(j, "validatorCount"), 5);
    CHECK(th_streq(json_string_value(json_object_get(j, "hash")), want));
    json_decref(j);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("init with another checkpoint: refused");
    json_t *cp = chaingen_checkpoint_json(&chain, 99);
    const char *other = th_tmp_path("other-cp.json");
    CHECK_EQ_INT(json_dump_file(cp, other, 0), 0);
    json_decref(cp);
    p = LC_RUN("init", "--checkpoint", other, "--db", db);
    CHECK_EQ_INT(p.status, 1);
    CHECK(p.err[0] != '\0');
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("init with a bad checkpoint file");
    const char *bad = th_tmp_path("bad-cp.json");
    CHECK(th_write_file(bad, "{\"chainId\": 1, \"typo\": 2}", 25));
    const char *baddb = th_tmp_path("baddb");
    p = LC_RUN("init", "--checkpoint", bad, "--db", baddb);
    CHECK_EQ_INT(p.status, 1);
    CHECK(has(p.err, "checkpoint"));
    th_proc_free(&p);
    CHECK(th_write_file(bad, "not json", 8));
    p = LC_RUN("init", "--checkpoint", bad, "--db", baddb);
    CHECK_EQ_INT(p.status, 1);
    th_proc_free(&p);
    th_rm_tree(baddb);
    CASE_END();

    CASE_BEGIN("status at the checkpoint");
    p = LC_RUN("status", "--db", db);
    CHECK_EQ_INT(p.status, 0);
    CHECK(th_streq(th_out_line(p.out, "head number"), "0"));
    CHECK(th_streq(th_out_line(p.out, "validators"), "5"));
    CHECK(th_streq(th_out_line(p.out, "frozen"), "false"));
    CHECK(th_streq(th_out_line(p.out, "finality rule"), "bft-quorum"));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("status of a missing store");
    p = LC_RUN("status", "--db", "/nonexistent/zkrelay-lc");
    CHECK_EQ_INT(p.status, 1);
    CHECK(has(p.err, "lc init"));
    th_proc_free(&p);
    CASE_END();
}

TEST(sync_and_status)
{
    CASE_BEGIN("sync --to 200");
    th_proc p = LC_RUN("sync", "--rpc", node.url, "--db", db, "--to", "200", "--batch", "64");
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_streq(th_out_line(p.out, "headers verified"), "200"));
    CHECK(th_streq(th_out_line(p.out, "head number"), "200"));
    CHECK(th_streq(th_out_line(p.out, "rotations"), "0"));
    CHECK(th_out_line(p.out, "headers/s") != NULL);
    CHECK_MSG(p.err[0] == '\0', "stderr is not a terminal, yet: %s", p.err);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("sync to the node's latest, --json");
    p = LC_RUN("sync", "--rpc", node.url, "--db", db, "--json");
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    json_t *j = parse_out(&p);
    CHECK_EQ_INT(jint(j, "from"), 201);
    CHECK_EQ_INT(jint(j, "to"), 400);
    CHECK_EQ_INT(jint(j, "submitted"), 200);
    CHECK_EQ_INT(jint(j, "headNumber"), 400);
    CHECK_EQ_INT(jint(j, "rotations"), 1);
    uint8_t h[32];
    char want[67];
    CHECK_EQ_INT(chaingen_hash(&chain, h, &chain.h[400]), ZK_OK);
    hex32(want, h);
    CHECK(th_streq(json_string_value(json_object_get(j, "headHash")), want));
    CHECK(json_is_real(json_object_get(j, "headersPerSecond")));
    json_decref(j);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("status --json after the sync");
    p = LC_RUN("status", "--db", db, "--json");
    CHECK_EQ_INT(p.status, 0);
    j = parse_out(&p);
    CHECK_EQ_INT(jint(j, "chainId"), CHAIN_ID);
    CHECK(th_streq(json_string_value(json_object_get(j, "consensus")), "qbft"));
    CHECK_EQ_INT(jint(json_object_get(j, "head"), "number"), 400);
    CHECK(th_streq(json_string_value(json_object_get(json_object_get(j, "head"), "hash")), want));
    CHECK_EQ_INT(jint(json_object_get(j, "head"), "timestamp"), (long long)chain.h[400].timestamp);
    CHECK_EQ_INT(jint(json_object_get(j, "checkpoint"), "number"), 0);
    CHECK_EQ_INT(jint(j, "validatorCount"), 6);
    CHECK_EQ_INT(json_array_size(json_object_get(j, "validators")), 6);
    CHECK(json_is_false(json_object_get(j, "frozen")));
    CHECK(json_is_null(json_object_get(j, "frozenAt")));
    CHECK(th_streq(json_string_value(json_object_get(j, "finalityRule")), "bft-quorum"));
    json_decref(j);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("a node on another chain: refused");
    fake_rpc_set_chain_id(&node, 5);
    p = LC_RUN("sync", "--rpc", node.url, "--db", db);
    CHECK_EQ_INT(p.status, 1);
    CHECK(has(p.err, "chain"));
    th_proc_free(&p);
    fake_rpc_set_chain_id(&node, CHAIN_ID);
    fake_rpc_set_latest(&node, chain.n - 1);
    CASE_END();
}

TEST(verify_header)
{
    CASE_BEGIN("verify-header: accepted (JSON), then known");
    write_header(&chain.h[401], false);
    th_proc p = LC_RUN("verify-header", hdr_path, "--db", db);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_streq(th_out_line(p.out, "verdict"), "accepted"));
    CHECK(th_streq(th_out_line(p.out, "number"), "401"));
    CHECK(th_streq(th_out_line(p.out, "rule"), "bft-quorum"));
    CHECK(th_streq(th_out_line(p.out, "signers"), "6 of 6 (quorum 4)"));
    CHECK(th_streq(th_out_line(p.out, "rotation"), "false"));
    th_proc_free(&p);
    p = LC_RUN("verify-header", hdr_path, "--db", db, "--json");
    CHECK_EQ_INT(p.status, 0);
    json_t *j = parse_out(&p);
    CHECK(th_streq(json_string_value(json_object_get(j, "verdict")), "known"));
    json_decref(j);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("verify-header: accepted (RLP hex on stdin)");
    write_header(&chain.h[402], true);
    const char *argv[] = {"lc", "verify-header", "-", "--db", db, "--json"};
    p = th_run_zkrelay(argv, 6, hdr_path);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    j = parse_out(&p);
    CHECK(th_streq(json_string_value(json_object_get(j, "verdict")), "accepted"));
    CHECK_EQ_INT(jint(j, "number"), 402);
    CHECK_EQ_INT(jint(j, "signers"), 6);
    CHECK_EQ_INT(jint(j, "quorum"), 4);
    json_decref(j);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("verify-header: forged by non-validators, exit 3 with the rule");
    static const size_t outsiders[] = {9, 10, 11, 12};
    eth_header bad;
    reseal(&bad, 403, outsiders, 4, 0);
    write_header(&bad, false);
    header_clear(&bad);
    p = LC_RUN("verify-header", hdr_path, "--db", db);
    CHECK_EQ_INT(p.status, 3);
    CHECK(th_streq(th_out_line(p.out, "verdict"), "rejected"));
    CHECK(has(p.err, "non-validator"));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("verify-header: a wrong \"hash\" in the input, exit 3");
    json_t *b = block_json(&chain, &chain.h[403]);
    json_object_set_new(b, "hash",
                        json_string("0x00000000000000000000000000000000000000000000000000"
                                    "00000000000001"));
    CHECK_EQ_INT(json_dump_file(b, hdr_path, 0), 0);
    json_decref(b);
    p = LC_RUN("verify-header", hdr_path, "--db", db);
    CHECK_EQ_INT(p.status, 3);
    CHECK(has(p.err, "hash"));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("verify-header: unreadable input, exit 1");
    CHECK(th_write_file(hdr_path, "0xzz", 4));
    p = LC_RUN("verify-header", hdr_path, "--db", db);
    CHECK_EQ_INT(p.status, 1);
    th_proc_free(&p);
    CASE_END();
}

TEST(equivocation_evidence_unfreeze)
{
    /* Another block 402 sealed by a quorum of the six validators. */
    static const size_t quorum[] = {0, 2, 3, 5};
    eth_header twin;
    reseal(&twin, 402, quorum, 4, 1);
    uint8_t twin_hash[32], real_hash[32];
    CHECK_EQ_INT(chaingen_hash(&chain, twin_hash, &twin), ZK_OK);
    CHECK_EQ_INT(chaingen_hash(&chain, real_hash, &chain.h[402]), ZK_OK);
    char twh[67], rh[67];
    hex32(twh, twin_hash);
    hex32(rh, real_hash);

    CASE_BEGIN("verify-header of a conflicting quorum header: EQUIVOCATION, exit 3");
    write_header(&twin, false);
    th_proc p = LC_RUN("verify-header", hdr_path, "--db", db);
    CHECK_EQ_INT(p.status, 3);
    CHECK(has(p.err, "EQUIVOCATION"));
    th_proc_free(&p);
    p = LC_RUN("status", "--db", db, "--json");
    json_t *j = parse_out(&p);
    CHECK(json_is_true(json_object_get(j, "frozen")));
    CHECK_EQ_INT(jint(j, "frozenAt"), 402);
    json_decref(j);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("frozen: sync refused");
    p = LC_RUN("sync", "--rpc", node.url, "--db", db);
    CHECK_EQ_INT(p.status, 3);
    CHECK(has(p.err, "frozen"));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("evidence: both headers, RLP and hashes");
    p = LC_RUN("evidence", "--db", db, "--number", "402");
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_streq(th_out_line(p.out, "number"), "402"));
    CHECK(th_streq(th_out_line(p.out, "stored hash"), rh));
    CHECK(th_streq(th_out_line(p.out, "conflicting hash"), twh));
    zk_buf b;
    buf_init(&b, 0);
    CHECK_EQ_INT(header_encode_rlp(&b, &twin), ZK_OK);
    char *hex = malloc(hex_encoded_len(b.len, true));
    hex_encode(hex, b.data, b.len, true);
    /* Longer than th_out_line's buffer: look for the whole line. */
    size_t ll = strlen(hex) + 32;
    char *line = malloc(ll);
    snprintf(line, ll, "\nconflicting rlp: %s\n", hex);
    CHECK(has(p.out, line));
    free(line);
    free(hex);
    buf_clear(&b);
    th_proc_free(&p);
    /* Without --number: the height that froze the client; --json. */
    p = LC_RUN("evidence", "--db", db, "--json");
    CHECK_EQ_INT(p.status, 0);
    j = parse_out(&p);
    CHECK_EQ_INT(jint(j, "number"), 402);
    CHECK(th_streq(json_string_value(json_object_get(json_object_get(j, "stored"), "hash")), rh));
    CHECK(th_streq(json_string_value(json_object_get(json_object_get(j, "conflicting"), "hash")),
                   twh));
    json_decref(j);
    th_proc_free(&p);
    p = LC_RUN("evidence", "--db", db, "--number", "5");
    CHECK_EQ_INT(p.status, 1);
    CHECK(has(p.err, "no equivocation evidence"));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("unfreeze, then the client goes on");
    p = LC_RUN("unfreeze", "--db", db);
    CHECK_EQ_INT(p.status, 0);
    CHECK(has(p.out, "unfrozen"));
    CHECK(has(p.out, "402"));
    th_proc_free(&p);
    p = LC_RUN("unfreeze", "--db", db);
    CHECK_EQ_INT(p.status, 0);
    CHECK(has(p.out, "not frozen"));
    th_proc_free(&p);
    p = LC_RUN("status", "--db", db);
    CHECK(th_streq(th_out_line(p.out, "frozen"), "false"));
    th_proc_free(&p);
    p = LC_RUN("evidence", "--db", db);
    CHECK_EQ_INT(p.status, 1); /* not frozen, no --number */
    th_proc_free(&p);
    p = LC_RUN("sync", "--rpc", node.url, "--db", db, "--to", "410");
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_streq(th_out_line(p.out, "head number"), "410"));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("sync meets a conflicting quorum header at its head: EQUIVOCATION ALARM");
    eth_header twin2;
    reseal(&twin2, 410, quorum, 4, 3);
    json_t *bj = block_json(&chain, &twin2);
    fake_rpc_forge(&node, 410, bj);
    json_decref(bj);
    header_clear(&twin2);
    p = LC_RUN("sync", "--rpc", node.url, "--db", db, "--to", "415");
    CHECK_EQ_INT(p.status, 3);
    CHECK(has(p.err, "EQUIVOCATION ALARM"));
    th_proc_free(&p);
    fake_rpc_forge(&node, 0, NULL);
    p = LC_RUN("unfreeze", "--db", db);
    CHECK_EQ_INT(p.status, 0);
    th_proc_free(&p);
    CASE_END();
    header_clear(&twin);
}

TEST(sync_rejects_forged_header)
{
    const char *db2 = th_tmp_path("db-forged");
    th_rm_tree(db2);
    th_proc p = LC_RUN("init", "--checkpoint", cp_path, "--db", db2);
    CHECK_EQ_INT(p.status, 0);
    th_proc_free(&p);
    static const size_t outsiders[] = {9, 10, 11, 12};
    eth_header bad;
    reseal(&bad, 100, outsiders, 4, 0);
    json_t *bj = block_json(&chain, &bad);
    fake_rpc_forge(&node, 100, bj);
    json_decref(bj);
    header_clear(&bad);
    p = LC_RUN("sync", "--rpc", node.url, "--db", db2, "--to", "150");
    CHECK_EQ_INT(p.status, 3);
    CHECK(has(p.err, "non-validator"));
    CHECK(has(p.err, "head: 99"));
    CHECK(p.out[0] == '\0');
    th_proc_free(&p);
    fake_rpc_forge(&node, 0, NULL);
    /* A lying "hash" is named. */
    fake_rpc_wrong_hash(&node, 120, true);
    p = LC_RUN("sync", "--rpc", node.url, "--db", db2, "--to", "150");
    CHECK_EQ_INT(p.status, 3);
    CHECK(has(p.err, "block 120"));
    th_proc_free(&p);
    fake_rpc_wrong_hash(&node, 120, false);
    p = LC_RUN("status", "--db", db2);
    CHECK(th_streq(th_out_line(p.out, "head number"), "119"));
    th_proc_free(&p);
    th_rm_tree(db2);
}

TEST(clique_store)
{
    chaingen g;
    CHECK_EQ_INT(chaingen_init(&g, LC_CLIQUE, 3, 11, 50), ZK_OK);
    for (int i = 0; i < 62; i++)
        CHECK_EQ_INT(chaingen_clique_next(&g), ZK_OK);
    json_t *cb = chain_blocks(&g);
    fake_rpc cnode;
    CHECK_EQ_INT(fake_rpc_start(&cnode, cb, CHAIN_ID), 0);
    fake_rpc_set_latest(&cnode, 60);
    const char *cdb = th_tmp_path("db-clique");
    const char *ccp = th_tmp_path("clique-cp.json");
    th_rm_tree(cdb);
    CHECK(write_checkpoint(&g, ccp));
    th_proc p = LC_RUN("init", "--checkpoint", ccp, "--db", cdb);
    CHECK_EQ_INT(p.status, 0);
    CHECK(th_streq(th_out_line(p.out, "consensus"), "clique"));
    th_proc_free(&p);
    p = LC_RUN("sync", "--rpc", cnode.url, "--db", cdb, "--skip");
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_streq(th_out_line(p.out, "headers verified"), "60"));
    /* 2 distinct signers of 3 (> 1) seal every 2 consecutive blocks: final
     * once 2 descendants exist. */
    CHECK(th_streq(th_out_line(p.out, "head number"), "58"));
    CHECK(th_streq(th_out_line(p.out, "pending"), "2"));
    th_proc_free(&p);
    p = LC_RUN("status", "--db", cdb);
    CHECK_EQ_INT(p.status, 0);
    CHECK(th_streq(th_out_line(p.out, "finality rule"), CLIQUE_FINALITY_RULE));
    CHECK(th_streq(th_out_line(p.out, "validators"), "3"));
    th_proc_free(&p);
    /* A header two above the snapshot: Clique's number rule refuses it, a
     * plain rejection (exit 3), never an equivocation alarm. */
    json_t *far = block_json(&g, &g.h[62]);
    CHECK_EQ_INT(json_dump_file(far, hdr_path, 0), 0);
    json_decref(far);
    p = LC_RUN("verify-header", hdr_path, "--db", cdb);
    CHECK_EQ_INT(p.status, 3);
    CHECK(th_streq(th_out_line(p.out, "verdict"), "rejected"));
    CHECK(p.err && !strstr(p.err, "EQUIVOCATION"));
    th_proc_free(&p);
    p = LC_RUN("status", "--db", cdb, "--json");
    json_t *j = parse_out(&p);
    CHECK(json_is_false(json_object_get(j, "frozen")));
    json_decref(j);
    th_proc_free(&p);
    /* The next header is verified and pending (not final under the window). */
    json_t *next = block_json(&g, &g.h[61]);
    CHECK_EQ_INT(json_dump_file(next, hdr_path, 0), 0);
    json_decref(next);
    p = LC_RUN("verify-header", hdr_path, "--db", cdb);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK(th_streq(th_out_line(p.out, "verdict"), "pending"));
    CHECK(th_streq(th_out_line(p.out, "rule"), CLIQUE_FINALITY_RULE));
    th_proc_free(&p);
    th_rm_tree(cdb);
    fake_rpc_stop(&cnode);
    json_decref(cb);
    chaingen_free(&g);
}

int main(void)
{
    if (!getenv("ZK_BIN")) {
        fprintf(stderr, "ZK_BIN is not set (make check sets it to the built zkrelay)\n");
        th.failed++;
        return th_finish(__FILE__);
    }
    CHECK_EQ_INT(chaingen_init(&chain, LC_QBFT, 5, 42, 0), ZK_OK);
    for (uint64_t n = 1; n <= 420; n++)
        CHECK_EQ_INT(chaingen_bft_next(&chain, n == 300 ? 5 : -1, true, 0), ZK_OK);
    blocks = chain_blocks(&chain);
    node_up = fake_rpc_start(&node, blocks, CHAIN_ID) == 0;
    fake_rpc_set_latest(&node, 400);
    snprintf(db, sizeof(db), "%s", th_tmp_path("db"));
    snprintf(cp_path, sizeof(cp_path), "%s", th_tmp_path("checkpoint.json"));
    snprintf(hdr_path, sizeof(hdr_path), "%s", th_tmp_path("header.json"));
    th_rm_tree(db);
    if (!node_up || !write_checkpoint(&chain, cp_path)) {
        fprintf(stderr, "setup failed: fake node or checkpoint file\n");
        th.failed++;
    } else {
        RUN(help_at_every_level);
        RUN(usage_errors);
        RUN(init_and_status);
        RUN(sync_and_status);
        RUN(verify_header);
        RUN(equivocation_evidence_unfreeze);
        RUN(sync_rejects_forged_header);
        RUN(clique_store);
    }
    th_rm_tree(db);
    fake_rpc_stop(&node);
    json_decref(blocks);
    chaingen_free(&chain);
    return th_finish(__FILE__);
}
