/* `zkrelay inspect receipts` end to end: runs the built binary ($ZK_BIN) on the
 * receipt vectors (bare arrays and whole JSON-RPC responses written to a
 * scratch directory) and checks the printed counts and roots against the
 * headers' receiptsRoot, the exit codes, and tampered or malformed inputs. */
#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool write_text(const char *name, const char *text, size_t len)
{
    return th_write_file(th_tmp_path(name), text, len);
}

static bool write_json(const char *name, const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    bool ok = s && write_text(name, s, strlen(s));
    free(s);
    return ok;
}

/* Runs $ZK_BIN inspect receipts args... */
static th_proc run_cli(const char *const *args, size_t nargs, const char *stdin_path)
{
    const char *argv[16] = {"inspect", "receipts"};
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

TEST(help)
{
    const char *a[] = {"--help"};
    th_proc r = run_cli(a, 1, NULL);
    CHECK_EQ_INT(r.status, 0);
    CHECK(r.out && strstr(r.out, "usage: zkrelay inspect receipts") != NULL);
    CHECK(r.out && strstr(r.out, "--expect-root") != NULL);
    th_proc_free(&r);
    /* The inspect level lists the command. */
    const char *bin = getenv("ZK_BIN");
    if (bin) {
        th_proc r2 = {-1, NULL, NULL};
        char cmd[1200];
        snprintf(cmd, sizeof(cmd), "'%s' inspect --help > '%s' 2>&1", bin,
                 th_tmp_path("inspect_help"));
        int st = system(cmd);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        r2.out = th_read_text(th_tmp_path("inspect_help"));
        CHECK(r2.out && strstr(r2.out, "receipts") != NULL);
        th_proc_free(&r2);
    }
}

static const char *json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The helios mainnet block: 202 receipts, 12 legacy and 190 EIP-1559. */
TEST(helios_block)
{
    json_t *block = th_load_json("receipts/helios_mainnet_21925176_block.json");
    if (!block) return;
    const char *want = json_str(block, "receiptsRoot");
    char file[1024];
    snprintf(file, sizeof(file), "%s",
             th_vector_path("receipts/helios_mainnet_21925176_receipts.json"));

    CASE_BEGIN("helios receipts: text output");
    const char *a1[] = {file};
    th_proc r = run_cli(a1, 1, NULL);
    CHECK_EQ_INT(r.status, 0);
    CHECK(th_streq(th_out_line(r.out, "receipts"), "202"));
    CHECK(th_streq(th_out_line(r.out, "type 0x0"), "12"));
    CHECK(th_streq(th_out_line(r.out, "type 0x2"), "190"));
    CHECK(th_out_line(r.out, "type 0x1") == NULL);
    CHECK(th_streq(th_out_line(r.out, "receiptsRoot"), want));
    CHECK(th_proc_sanitizer_clean(&r));
    th_proc_free(&r);
    CASE_END();

    CASE_BEGIN("helios receipts: --json and --expect-root");
    const char *a2[] = {"--json", "--expect-root", want, file};
    r = run_cli(a2, 4, NULL);
    CHECK_EQ_INT(r.status, 0);
    json_t *j = json_loads(r.out, 0, NULL);
    CHECK(j != NULL);
    CHECK_EQ_INT(json_object_size(j), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "count")), 202);
    CHECK(th_streq(json_str(j, "receiptsRoot"), want));
    json_decref(j);
    CHECK(th_proc_sanitizer_clean(&r));
    th_proc_free(&r);
    CASE_END();

    CASE_BEGIN("helios receipts: wrong --expect-root exits 3");
    char wrong[67];
    snprintf(wrong, sizeof(wrong), "%s", want);
    wrong[10] = wrong[10] == 'a' ? 'b' : 'a';
    const char *a3[] = {"--expect-root", wrong, file};
    r = run_cli(a3, 3, NULL);
    CHECK_EQ_INT(r.status, 3);
    CHECK(strstr(r.err, "mismatch") != NULL);
    CHECK(th_streq(th_out_line(r.out, "receiptsRoot"),
                   want)); /* the computed root is still printed */
    th_proc_free(&r);
    CASE_END();

    CASE_BEGIN("helios receipts: tampered log exits 3");
    json_t *arr = th_load_json("receipts/helios_mainnet_21925176_receipts.json");
    if (arr) {
        /* Change one byte of the first log data that has any. */
        bool done = false;
        for (size_t i = 0; i < json_array_size(arr) && !done; i++) {
            json_t *logs = json_object_get(json_array_get(arr, i), "logs");
            for (size_t k = 0; k < json_array_size(logs) && !done; k++) {
                json_t *lg = json_array_get(logs, k);
                const char *d = json_str(lg, "data");
                if (!d || strlen(d) < 4) continue;
                char *m = strdup(d);
                m[2] = m[2] == 'f' ? 'e' : 'f';
                json_object_set_new(lg, "data", json_string(m));
                free(m);
                done = true;
            }
        }
        CHECK(done);
        CHECK(write_json("tampered.json", arr));
        const char *a4[] = {"--expect-root", want, th_tmp_path("tampered.json")};
        r = run_cli(a4, 3, NULL);
        CHECK_EQ_INT(r.status, 3);
        CHECK(strstr(r.err, "mismatch") != NULL);
        const char *got = th_out_line(r.out, "receiptsRoot");
        CHECK(got && !th_streq(got, want));
        CHECK(th_proc_sanitizer_clean(&r));
        th_proc_free(&r);
        json_decref(arr);
    }
    CASE_END();
    json_decref(block);
}

/* execution-apis answers as whole JSON-RPC responses, from a file and from stdin. */
TEST(execution_apis_responses)
{
    static const char *const pairs[][3] = {
        {"receipts/execution-apis_eth_getBlockReceipts_get-block-receipts-latest.io",
         "receipts/execution-apis_eth_getBlockByNumber_get-latest.io", "4"},
        {"receipts/execution-apis_eth_getBlockReceipts_get-block-receipts-n.io",
         "receipts/execution-apis_eth_getBlockByHash_get-block-by-hash.io", "4"},
        {"receipts/execution-apis_eth_getBlockReceipts_get-block-receipts-by-hash.io",
         "receipts/execution-apis_eth_getBlockByHash_get-block-by-hash.io", "4"},
    };
    for (size_t p = 0; p < sizeof(pairs) / sizeof(*pairs); p++) {
        CASE_BEGIN("%s", pairs[p][0]);
        json_t *resp = th_load_io_response(pairs[p][0]);
        json_t *hdr = th_load_io_response(pairs[p][1]);
        const char *want = hdr ? json_str(json_object_get(hdr, "result"), "receiptsRoot") : NULL;
        CHECK(want != NULL);
        if (resp && want) {
            CHECK(write_json("response.json", resp));
            const char *a[] = {"--expect-root", want, th_tmp_path("response.json")};
            th_proc r = run_cli(a, 3, NULL);
            CHECK_EQ_INT(r.status, 0);
            CHECK(th_streq(th_out_line(r.out, "receipts"), pairs[p][2]));
            CHECK(th_streq(th_out_line(r.out, "type 0x0"), pairs[p][2]));
            CHECK(th_streq(th_out_line(r.out, "receiptsRoot"), want));
            CHECK(th_proc_sanitizer_clean(&r));
            th_proc_free(&r);
            /* The bare result array on stdin. */
            CHECK(write_json("bare.json", json_object_get(resp, "result")));
            char in[512];
            snprintf(in, sizeof(in), "%s", th_tmp_path("bare.json"));
            const char *b[] = {"--json", "-"};
            r = run_cli(b, 2, in);
            CHECK_EQ_INT(r.status, 0);
            json_t *j = json_loads(r.out, 0, NULL);
            CHECK(j && th_streq(json_str(j, "receiptsRoot"), want));
            json_decref(j);
            th_proc_free(&r);
        }
        json_decref(resp);
        json_decref(hdr);
        CASE_END();
    }
}

static void expect_status(const char *what, const char *const *args, size_t nargs, int want,
                          const char *err_substr)
{
    th_proc r = run_cli(args, nargs, NULL);
    CHECK_MSG(r.status == want, "%s: exit %d, want %d (stderr: %s)", what, r.status, want,
              r.err ? r.err : "");
    if (err_substr)
        CHECK_MSG(r.err && strstr(r.err, err_substr) != NULL, "%s: stderr lacks '%s': %s", what,
                  err_substr, r.err ? r.err : "");
    CHECK_MSG(r.out && r.out[0] == '\0', "%s: printed a result: %s", what, r.out ? r.out : "");
    CHECK(th_proc_sanitizer_clean(&r));
    th_proc_free(&r);
}

TEST(bad_input_and_usage)
{
    static const struct {
        const char *name, *text, *err;
    } files[] = {
        {"notjson.txt", "this is not json", "invalid JSON"},
        {"number.json", "42", "expected a JSON array"},
        {"noresult.json", "{\"jsonrpc\":\"2.0\",\"id\":1}", "expected a JSON array"},
        {"rpcerror.json",
         "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"header not "
         "found\"}}",
         "header not found"},
        {"nullresult.json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}", "null"},
        {"badreceipt.json", "[{\"status\":\"0x1\",\"cumulativeGasUsed\":\"0x1\",\"logs\":[]}]",
         "logsBloom"},
        {"notobject.json", "[1,2]", "receipt 0"},
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
        CASE_BEGIN("bad input %s", files[i].name);
        CHECK(write_text(files[i].name, files[i].text, strlen(files[i].text)));
        char path[512];
        snprintf(path, sizeof(path), "%s", th_tmp_path(files[i].name));
        const char *a[] = {path};
        expect_status(files[i].name, a, 1, 1, files[i].err);
        CASE_END();
    }
    CASE_BEGIN("usage errors");
    const char *missing[] = {th_tmp_path("does-not-exist.json")};
    expect_status("missing file", missing, 1, 1, "cannot open");
    expect_status("no FILE", NULL, 0, 2, "missing FILE");
    const char *unknown[] = {"--frobnicate", "x.json"};
    expect_status("unknown option", unknown, 2, 2, "unknown option");
    const char *badroot[] = {"--expect-root", "0x1234", "x.json"};
    expect_status("short --expect-root", badroot, 3, 2, "--expect-root");
    const char *noroot[] = {"--expect-root"};
    expect_status("--expect-root without a value", noroot, 1, 2, "--expect-root");
    const char *two[] = {"a.json", "b.json"};
    expect_status("two inputs", two, 2, 2, "more than one input");
    CASE_END();

    CASE_BEGIN("empty array");
    CHECK(write_text("empty.json", "[]", 2));
    const char *a[] = {"--json", th_tmp_path("empty.json")};
    th_proc r = run_cli(a, 2, NULL);
    CHECK_EQ_INT(r.status, 0);
    CHECK(th_streq(r.out,
                   "{\"count\":0,\"receiptsRoot\":"
                   "\"0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421\"}\n"));
    th_proc_free(&r);
    CASE_END();
}

TEST_MAIN(RUN(binary_is_set); RUN(help); RUN(helios_block); RUN(execution_apis_responses);
          RUN(bad_input_and_usage))
