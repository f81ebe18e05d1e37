/* `zkrelay inspect header` end to end: runs the built binary ($ZK_BIN) on files
 * written from the header vectors and checks exit codes and printed hashes. */
#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs $ZK_BIN inspect header args... */
static th_proc run_cli(const char *const *args, size_t nargs, const char *stdin_path)
{
    const char *argv[16] = {"inspect", "header"};
    if (nargs > 14) nargs = 14;
    for (size_t i = 0; i < nargs; i++)
        argv[2 + i] = args[i];
    return th_run_zkrelay(argv, 2 + nargs, stdin_path);
}

TEST(binary_is_set)
{
    const char *bin = getenv("ZK_BIN");
    CHECK_MSG(bin && *bin, "ZK_BIN is not set (make check sets it to the built zkrelay)");
    CHECK_MSG(bin && access(bin, X_OK) == 0, "ZK_BIN=%s is not executable", bin ? bin : "");
}

/* Every headers.json header as a bare result object, as a JSON-RPC response,
 * and as RLP hex; each prints the vector's hash. */
TEST(vectors)
{
    json_t *root = th_load_json("headers/headers.json");
    if (!root || !getenv("ZK_BIN")) {
        CHECK(getenv("ZK_BIN") != NULL);
        json_decref(root);
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(root, i, e)
    {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *hash = json_string_value(json_object_get(e, "hash"));
        const char *layout = json_string_value(json_object_get(e, "layout"));
        const char *rlp = json_string_value(json_object_get(e, "rlp"));
        json_t *hdr = json_object_get(e, "header");
        const char *path = th_tmp_path("header.json");

        CASE_BEGIN("%s: JSON file", name);
        CHECK_EQ_INT(json_dump_file(hdr, path, 0), 0);
        const char *args[] = {path};
        th_proc r = run_cli(args, 1, NULL);
        CHECK_EQ_INT(r.status, 0);
        CHECK_MSG(th_streq(th_out_line(r.out, "hash"), hash), "printed hash %s, want %s",
                  th_out_line(r.out, "hash"), hash);
        CHECK(th_streq(th_out_line(r.out, "fork"), layout));
        CHECK(th_streq(th_out_line(r.out, "hashMatches"), "true"));
        CHECK(th_streq(th_out_line(r.out, "parentHash"),
                       json_string_value(json_object_get(hdr, "parentHash"))));
        CHECK(th_proc_sanitizer_clean(&r));
        th_proc_free(&r);
        CASE_END();

        CASE_BEGIN("%s: JSON-RPC response on stdin, --json", name);
        json_t *resp = json_pack("{s:s, s:i, s:O}", "jsonrpc", "2.0", "id", 1, "result", hdr);
        CHECK_EQ_INT(json_dump_file(resp, path, JSON_COMPACT), 0);
        json_decref(resp);
        const char *args2[] = {"--json", "-"};
        r = run_cli(args2, 2, path);
        CHECK_EQ_INT(r.status, 0);
        json_t *out = json_loads(r.out ? r.out : "", 0, NULL);
        CHECK_MSG(out != NULL, "--json output is not JSON: %s", r.out);
        CHECK(th_streq(json_string_value(json_object_get(out, "hash")), hash));
        CHECK(th_streq(json_string_value(json_object_get(out, "fork")), layout));
        CHECK(json_is_true(json_object_get(out, "hashMatches")));
        CHECK(th_streq(json_string_value(json_object_get(out, "stateRoot")),
                       json_string_value(json_object_get(hdr, "stateRoot"))));
        json_decref(out);
        CHECK(th_proc_sanitizer_clean(&r));
        th_proc_free(&r);
        CASE_END();

        CASE_BEGIN("%s: RLP hex", name);
        /* Alternate the 0x prefix; surround with whitespace. */
        char *text = malloc(strlen(rlp) + 8);
        if (text) {
            int n = snprintf(text, strlen(rlp) + 8, "  %s\n\n", (i % 2) ? rlp : rlp + 2);
            CHECK(th_write_file(path, text, (size_t)n));
            free(text);
        }
        r = run_cli(args, 1, NULL);
        CHECK_EQ_INT(r.status, 0);
        CHECK(th_streq(th_out_line(r.out, "hash"), hash));
        CHECK(th_streq(th_out_line(r.out, "fork"), layout));
        CHECK(th_out_line(r.out, "hashMatches") == NULL); /* RLP names no hash */
        CHECK(th_proc_sanitizer_clean(&r));
        th_proc_free(&r);
        CASE_END();
    }
    json_decref(root);
}

/* A "hash" that disagrees with the fields: exit 3, the computed hash printed,
 * both hashes named on stderr. */
TEST(tampered_hash)
{
    json_t *root = th_load_json("headers/headers.json");
    if (!root) return;
    const char *path = th_tmp_path("tampered.json");
    size_t i;
    json_t *e;
    json_array_foreach(root, i, e)
    {
        CASE_BEGIN("%s: tampered", json_string_value(json_object_get(e, "name")));
        const char *hash = json_string_value(json_object_get(e, "hash"));
        json_t *hdr = json_deep_copy(json_object_get(e, "header"));
        char bad[67];
        snprintf(bad, sizeof(bad), "%s", hash);
        bad[2 + i % 64] = bad[2 + i % 64] == '0' ? '1' : '0';
        json_object_set_new(hdr, "hash", json_string(bad));
        CHECK_EQ_INT(json_dump_file(hdr, path, 0), 0);
        const char *args[] = {path};
        th_proc r = run_cli(args, 1, NULL);
        CHECK_EQ_INT(r.status, 3);
        CHECK(th_streq(th_out_line(r.out, "hash"), hash));
        CHECK(th_streq(th_out_line(r.out, "hashMatches"), "false"));
        CHECK(r.err && strstr(r.err, hash) && strstr(r.err, bad));
        th_proc_free(&r);

        /* Same with --json. */
        const char *args2[] = {path, "--json"};
        r = run_cli(args2, 2, NULL);
        CHECK_EQ_INT(r.status, 3);
        json_t *out = json_loads(r.out ? r.out : "", 0, NULL);
        CHECK(out != NULL);
        CHECK(th_streq(json_string_value(json_object_get(out, "hash")), hash));
        CHECK(json_is_false(json_object_get(out, "hashMatches")));
        json_decref(out);
        th_proc_free(&r);

        /* Changing a field instead of the hash is caught the same way. */
        json_decref(hdr);
        hdr = json_deep_copy(json_object_get(e, "header"));
        json_object_set_new(hdr, "gasUsed", json_string("0x1"));
        CHECK_EQ_INT(json_dump_file(hdr, path, 0), 0);
        r = run_cli(args, 1, NULL);
        CHECK_EQ_INT(r.status, 3);
        CHECK(!th_streq(th_out_line(r.out, "hash"), hash));
        th_proc_free(&r);
        json_decref(hdr);
        CASE_END();
    }
    json_decref(root);
}

/* Malformed inputs: exit 1, a message on stderr, nothing on stdout, no crash. */
/* A key given twice is refused: two readers of one file must not see two headers. */
TEST(duplicate_keys)
{
    json_t *root = th_load_json("headers/headers.json");
    if (!root) return;
    char *text = json_dumps(json_object_get(json_array_get(root, 0), "header"), JSON_COMPACT);
    CHECK(text && text[0] == '{');
    if (text) {
        size_t n = strlen(text) + 32;
        char *dup = malloc(n);
        snprintf(dup, n, "{\"number\":\"0x99\",%s", text + 1);
        const char *path = th_tmp_path("dup.json");
        CHECK(th_write_file(path, dup, strlen(dup)));
        const char *args[] = {path};
        th_proc r = run_cli(args, 1, NULL);
        CHECK_EQ_INT(r.status, 1);
        CHECK_MSG(strstr(r.err, "duplicate") != NULL, "stderr: %s", r.err);
        th_proc_free(&r);
        free(dup);
    }
    free(text);
    json_decref(root);
}

TEST(bad_inputs)
{
    static const char *const inputs[] = {
        "",
        "   \n",
        "garbage",
        "0xzz",
        "0x123",
        "0xc0",
        "c0",
        "0x80",
        "{",
        "{}",
        "[]",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"boom\"}}",
        "{\"parentHash\":\"0x00\"}",
        "\x01\x02\xff\xfe",
    };
    const char *path = th_tmp_path("bad.txt");
    const char *args[] = {path};
    for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++) {
        CASE_BEGIN("bad input %zu", i);
        CHECK(th_write_file(path, inputs[i], strlen(inputs[i])));
        th_proc r = run_cli(args, 1, NULL);
        CHECK_MSG(r.status == 1, "input %zu: exit %d", i, r.status);
        CHECK(r.out && r.out[0] == '\0');
        CHECK(r.err && r.err[0] != '\0');
        CHECK(th_proc_sanitizer_clean(&r));
        th_proc_free(&r);
        CASE_END();
    }

    /* Truncated RLP, a bad field in JSON (named on stderr), random bytes. */
    json_t *root = th_load_json("headers/headers.json");
    if (!root) return;
    json_t *e = json_array_get(root, json_array_size(root) - 1);
    const char *rlp = json_string_value(json_object_get(e, "rlp"));
    CASE_BEGIN("truncated RLP hex");
    CHECK(rlp && th_write_file(path, rlp, strlen(rlp) - 2));
    th_proc r = run_cli(args, 1, NULL);
    CHECK_EQ_INT(r.status, 1);
    CHECK(th_proc_sanitizer_clean(&r));
    th_proc_free(&r);
    CASE_END();

    CASE_BEGIN("leading-zero quantity");
    json_t *hdr = json_deep_copy(json_object_get(e, "header"));
    json_object_set_new(hdr, "gasLimit", json_string("0x0abc"));
    CHECK_EQ_INT(json_dump_file(hdr, path, 0), 0);
    r = run_cli(args, 1, NULL);
    CHECK_EQ_INT(r.status, 1);
    CHECK(r.err && strstr(r.err, "gasLimit"));
    th_proc_free(&r);
    json_decref(hdr);
    CASE_END();

    CASE_BEGIN("fork field out of order");
    hdr = json_deep_copy(json_object_get(e, "header"));
    json_object_del(hdr, "withdrawalsRoot");
    CHECK_EQ_INT(json_dump_file(hdr, path, 0), 0);
    r = run_cli(args, 1, NULL);
    CHECK_EQ_INT(r.status, 1);
    CHECK(r.err && strstr(r.err, "withdrawalsRoot"));
    th_proc_free(&r);
    json_decref(hdr);
    CASE_END();
    json_decref(root);

    for (int k = 0; k < 5; k++) {
        CASE_BEGIN("random bytes %d", k);
        uint8_t junk[512];
        th_rand_bytes(junk, sizeof(junk));
        junk[0] = (uint8_t)(k == 0 ? '{' : junk[0] | 0x80);
        CHECK(th_write_file(path, (const char *)junk, sizeof(junk)));
        r = run_cli(args, 1, NULL);
        CHECK_EQ_INT(r.status, 1);
        CHECK(th_proc_sanitizer_clean(&r));
        th_proc_free(&r);
        CASE_END();
    }
}

TEST(usage)
{
    static const struct {
        const char *args[3];
        size_t n;
        int status;
    } cases[] = {
        {{"--help"}, 1, 0},
        {{"-h"}, 1, 0},
        {{"x.json", "--help"}, 2, 0},
        {{NULL}, 0, 2},
        {{"--bogus", "x.json"}, 2, 2},
        {{"a.json", "b.json"}, 2, 2},
        {{"/nonexistent/zkrelay/header.json"}, 1, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CASE_BEGIN("usage case %zu (%s)", i, cases[i].args[0] ? cases[i].args[0] : "no args");
        th_proc r = run_cli(cases[i].args, cases[i].n, NULL);
        CHECK_EQ_INT(r.status, cases[i].status);
        if (cases[i].status == 0)
            CHECK(r.out && strstr(r.out, "usage: zkrelay inspect header"));
        else
            CHECK(r.err && r.err[0] != '\0');
        th_proc_free(&r);
        CASE_END();
    }
}

/* Collects the values of every "name: value" line of out, in order (at most
 * max, each up to 63 chars). Returns how many. */
static size_t out_lines(const char *out, const char *name, char (*vals)[64], size_t max)
{
    size_t n = 0, nl = strlen(name);
    for (const char *p = out; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > nl + 2 && strncmp(p, name, nl) == 0 && p[nl] == ':' && p[nl + 1] == ' ' &&
            n < max)
            snprintf(vals[n++], 64, "%.*s", (int)(len - nl - 2), p + nl + 2);
        p = e ? e + 1 : NULL;
    }
    return n;
}

/* QBFT / IBFT 2.0 vectors: decoded extraData, both hashes and the seal signers
 * (expected.seal_signers, in seal order), from JSON and from RLP hex. */
static void bft_vector_file(const char *rel)
{
    json_t *root = th_load_json(rel);
    if (!root) return;
    const char *path = th_tmp_path("bft.json");
    size_t i;
    json_t *e;
    json_array_foreach(root, i, e)
    {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *consensus = json_string_value(json_object_get(e, "consensus"));
        const json_t *exp = json_object_get(e, "expected");
        const json_t *want = json_object_get(exp, "seal_signers");
        const json_t *dec = json_object_get(e, "decoded");
        json_t *hdr = json_object_get(e, "header");
        for (int form = 0; form < 2; form++) {
            CASE_BEGIN("%s: %s: extraData decoded, signers recovered", rel, name);
            if (form == 0) {
                CHECK_EQ_INT(json_dump_file(hdr, path, 0), 0);
            } else {
                const char *rlp = json_string_value(json_object_get(e, "header_rlp"));
                CHECK(rlp && th_write_file(path, rlp, strlen(rlp)));
            }
            const char *args[] = {path};
            th_proc r = run_cli(args, 1, NULL);
            CHECK_EQ_INT(r.status, 0);
            CHECK(th_streq(th_out_line(r.out, "extraData.consensus"), consensus));
            CHECK(th_streq(th_out_line(r.out, "extraData.commitSealHash"),
                           json_string_value(json_object_get(exp, "commit_seal_hash"))));
            CHECK(th_streq(th_out_line(r.out, "extraData.blockHash"),
                           json_string_value(json_object_get(exp, "block_hash"))));
            CHECK(th_streq(th_out_line(r.out, "extraData.vanity"),
                           json_string_value(json_object_get(dec, "vanity"))));
            char got[64][64];
            size_t n = out_lines(r.out, "extraData.signer", got, 64);
            CHECK_EQ_INT(n, json_array_size(want));
            for (size_t k = 0; k < n && k < json_array_size(want); k++)
                CHECK_MSG(th_streq(got[k], json_string_value(json_array_get(want, k))),
                          "signer %zu: %s, want %s", k, got[k],
                          json_string_value(json_array_get(want, k)));
            n = out_lines(r.out, "extraData.validator", got, 64);
            CHECK_EQ_INT(n, json_array_size(json_object_get(dec, "validators")));
            for (size_t k = 0; k < n; k++)
                CHECK(th_streq(got[k], json_string_value(
                                           json_array_get(json_object_get(dec, "validators"), k))));
            char round[24];
            snprintf(round, sizeof(round), "%lld",
                     (long long)json_integer_value(json_object_get(dec, "round")));
            CHECK(th_streq(th_out_line(r.out, "extraData.round"), round));
            const json_t *vote = json_object_get(dec, "vote");
            if (json_is_object(vote)) {
                char v[96];
                snprintf(v, sizeof(v), "%s %s", json_string_value(json_object_get(vote, "type")),
                         json_string_value(json_object_get(vote, "recipient")));
                CHECK(th_streq(th_out_line(r.out, "extraData.vote"), v));
            } else {
                CHECK(th_streq(th_out_line(r.out, "extraData.vote"), "none"));
            }
            CHECK(th_proc_sanitizer_clean(&r));
            th_proc_free(&r);
            CASE_END();
        }

        CASE_BEGIN("%s: %s: --json extraDataDecoded, the BFT hash matches", rel, name);
        json_t *h2 = json_deep_copy(hdr);
        json_object_set(h2, "hash", json_object_get(exp, "block_hash"));
        CHECK_EQ_INT(json_dump_file(h2, path, 0), 0);
        json_decref(h2);
        const char *args[] = {"--json", "--consensus", consensus, path};
        th_proc r = run_cli(args, 4, NULL);
        CHECK_MSG(r.status == 0, "exit %d: %s", r.status, r.err);
        json_t *out = json_loads(r.out, 0, NULL);
        json_t *d = json_object_get(out, "extraDataDecoded");
        CHECK(json_is_object(d));
        CHECK(json_is_true(json_object_get(out, "hashMatches")));
        json_t *seals = json_object_get(d, "seals");
        CHECK_EQ_INT(json_array_size(seals), json_array_size(want));
        for (size_t k = 0; k < json_array_size(seals); k++)
            CHECK(th_streq(json_string_value(json_object_get(json_array_get(seals, k), "signer")),
                           json_string_value(json_array_get(want, k))));
        json_decref(out);
        th_proc_free(&r);
        CASE_END();

        if (json_array_size(want) > 0) {
            CASE_BEGIN("%s: %s: a flipped seal byte changes the signer", rel, name);
            json_t *h3 = json_deep_copy(hdr);
            const char *ed = json_string_value(json_object_get(hdr, "extraData"));
            char *bad = strdup(ed);
            size_t L = strlen(bad);
            /* A byte inside the last seal's s (the seals close the list). */
            bad[L - 20] = bad[L - 20] == '1' ? '2' : '1';
            json_object_set_new(h3, "extraData", json_string(bad));
            free(bad);
            CHECK_EQ_INT(json_dump_file(h3, path, 0), 0);
            json_decref(h3);
            const char *a1[] = {path};
            r = run_cli(a1, 1, NULL);
            CHECK_EQ_INT(r.status, 0);
            char got[64][64];
            size_t n = out_lines(r.out, "extraData.signer", got, 64);
            size_t last = json_array_size(want) - 1;
            CHECK_EQ_INT(n, json_array_size(want));
            CHECK(n == 0 || !th_streq(got[n - 1], json_string_value(json_array_get(want, last))));
            th_proc_free(&r);
            CASE_END();
        }
    }
    json_decref(root);
}

TEST(extra_data_bft_vectors)
{
    bft_vector_file("qbft/real_headers.json");
    bft_vector_file("qbft/synthetic_valid.json");
}

/* Clique (Goerli): the seal hash and the signer; the genesis' signer list. */
TEST(extra_data_clique_vectors)
{
    json_t *root = th_load_json("clique/goerli_headers.json");
    if (!root) return;
    const char *path = th_tmp_path("clique.json");
    size_t i;
    json_t *e;
    json_array_foreach(root, i, e)
    {
        CASE_BEGIN("clique %s", json_string_value(json_object_get(e, "name")));
        const json_t *exp = json_object_get(e, "expected");
        CHECK_EQ_INT(json_dump_file(json_object_get(e, "header"), path, 0), 0);
        const char *args[] = {path};
        th_proc r = run_cli(args, 1, NULL);
        CHECK_EQ_INT(r.status, 0);
        CHECK(th_streq(th_out_line(r.out, "extraData.consensus"), "clique"));
        const char *signer = json_string_value(json_object_get(exp, "signer"));
        const char *seal_hash = json_string_value(json_object_get(exp, "seal_hash"));
        if (signer) CHECK(th_streq(th_out_line(r.out, "extraData.signer"), signer));
        if (seal_hash) CHECK(th_streq(th_out_line(r.out, "extraData.sealHash"), seal_hash));
        const json_t *initial = json_object_get(exp, "initial_signers");
        if (initial) {
            char got[8][64];
            size_t n = out_lines(r.out, "extraData.checkpointSigner", got, 8);
            CHECK_EQ_INT(n, json_array_size(initial));
            for (size_t k = 0; k < n; k++)
                CHECK(th_streq(got[k], json_string_value(json_array_get(initial, k))));
            /* The genesis seal is 65 zero bytes: no signer, and no crash. */
            CHECK(th_out_line(r.out, "extraData.signer") &&
                  strncmp(th_out_line(r.out, "extraData.signer"), "unrecoverable", 13) == 0);
        }
        CHECK(th_proc_sanitizer_clean(&r));
        th_proc_free(&r);
        if (signer) {
            const char *a2[] = {"--json", path};
            r = run_cli(a2, 2, NULL);
            json_t *out = json_loads(r.out, 0, NULL);
            CHECK(th_streq(json_string_value(
                               json_object_get(json_object_get(out, "extraDataDecoded"), "signer")),
                           signer));
            json_decref(out);
            th_proc_free(&r);
        }
        CASE_END();
    }
    json_decref(root);
}

/* Forcing a format the header is not in is an error; none turns decoding off. */
TEST(extra_data_modes)
{
    json_t *q = th_load_json("qbft/real_headers.json");
    json_t *c = th_load_json("clique/goerli_headers.json");
    json_t *m = th_load_json("headers/headers.json");
    if (!q || !c || !m) {
        json_decref(q);
        json_decref(c);
        json_decref(m);
        return;
    }
    const char *path = th_tmp_path("mode.json");
    static const struct {
        int file; /* 0 qbft real, 1 clique block 1, 2 mainnet */
        const char *mode;
        int status;
        const char *consensus; /* extraData.consensus, NULL: no line */
    } cases[] = {
        {0, "clique", 1, NULL}, {0, "ibft2", 1, NULL},    {1, "qbft", 1, NULL},
        {0, "none", 0, NULL},   {1, "auto", 0, "clique"}, {2, "auto", 0, "none"},
        {0, "bogus", 2, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CASE_BEGIN("--consensus %s on file %d", cases[i].mode, cases[i].file);
        const json_t *hdr = cases[i].file == 0   ? json_object_get(json_array_get(q, 0), "header")
                            : cases[i].file == 1 ? json_object_get(json_array_get(c, 1), "header")
                                                 : json_object_get(json_array_get(m, 0), "header");
        CHECK_EQ_INT(json_dump_file(hdr, path, 0), 0);
        const char *args[] = {"--consensus", cases[i].mode, path};
        th_proc r = run_cli(args, 3, NULL);
        CHECK_MSG(r.status == cases[i].status, "exit %d: %s", r.status, r.err);
        if (cases[i].status == 0)
            CHECK(cases[i].consensus
                      ? th_streq(th_out_line(r.out, "extraData.consensus"), cases[i].consensus)
                      : th_out_line(r.out, "extraData.consensus") == NULL);
        else
            CHECK(r.out[0] == '\0' && r.err[0] != '\0');
        CHECK(th_proc_sanitizer_clean(&r));
        th_proc_free(&r);
        CASE_END();
    }
    json_decref(q);
    json_decref(c);
    json_decref(m);
}

int main(void)
{
    RUN(binary_is_set);
    if (getenv("ZK_BIN")) {
        RUN(vectors);
        RUN(tampered_hash);
        RUN(bad_inputs);
        RUN(duplicate_keys);
        RUN(usage);
        RUN(extra_data_bft_vectors);
        RUN(extra_data_clique_vectors);
        RUN(extra_data_modes);
    }
    return th_finish(__FILE__);
}
