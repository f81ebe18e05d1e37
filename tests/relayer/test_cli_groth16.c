/* `zkrelay groth16 setup|prove|verify|info` and `zkrelay zkey export verificationkey`
 * end to end: runs the built binary ($ZK_BIN) on the snarkjs vectors. Our proof from the
 * upstream zkey verifies under snarkjs's verification key; the upstream proof verifies
 * (exit 0) and each derived forgery is rejected (exit 3); a development setup of the
 * vector circuit proves and verifies and carries the INSECURE label; the exported
 * verification key equals snarkjs's byte for byte; malformed files exit 1 without a
 * crash or sanitizer report; usage errors exit 2; --help exits 0 at every level. */
#include "harness.h"

#include <stdarg.h>
#include <unistd.h>

#include "lightclient/bytes.h"
#include "prover/groth16_json.h"
#include "prover/wtns_file.h"

/* Vector paths, copied out of th_vector_path's static buffer. */
static char v_zkey[512], v_wtns[512], v_r1cs[512], v_proof[512], v_public[512], v_vk[512];
static char v_bad_a[512], v_bad_c[512], v_bad_pub[512], v_vk0[512];

static void vec(char *out, const char *rel)
{
    snprintf(out, 512, "%s", th_vector_path(rel));
    CHECK_MSG(access(out, R_OK) == 0, "missing vector %s", out);
}

static bool has(const char *text, const char *what)
{
    if (text && strstr(text, what)) return true;
    fprintf(stderr, "    '%s' not in: %s\n", what, text ? text : "(null)");
    return false;
}

/* Runs zkrelay with the NULL-terminated arguments a0, ap...; checks it ran clean (no
 * signal, no sanitizer report) and exited with status. The caller frees the result. */
static th_proc run_va(int status, const char *a0, va_list ap)
{
    const char *argv[24];
    size_t n = 0;
    for (const char *a = a0; a && n < 24; a = va_arg(ap, const char *))
        argv[n++] = a;
    th_proc p = th_run_zkrelay(argv, n, NULL);
    CHECK_MSG(p.status >= 0, "zkrelay %s ... died (signal) or did not start", a0);
    CHECK_MSG(th_proc_sanitizer_clean(&p), "sanitizer report: %s", p.err);
    CHECK_MSG(p.status == status, "zkrelay %s %s: exit %d, expected %d; stdout: %s stderr: %s",
              a0 ? a0 : "", n > 1 ? argv[1] : "", p.status, status, p.out, p.err);
    return p;
}

static th_proc run_expect(int status, const char *a0, ...)
{
    va_list ap;
    va_start(ap, a0);
    th_proc p = run_va(status, a0, ap);
    va_end(ap);
    return p;
}

/* Runs, checks the status, and that stdout / stderr contain want_out / want_err (when
 * non-NULL). */
static void expect(int status, const char *want_out, const char *want_err, const char *a0, ...)
{
    va_list ap;
    va_start(ap, a0);
    th_proc p = run_va(status, a0, ap);
    va_end(ap);
    if (want_out) CHECK(has(p.out, want_out));
    if (want_err) CHECK(has(p.err, want_err));
    th_proc_free(&p);
}

static bool files_equal(const char *a, const char *b)
{
    char *x = th_read_text(a), *y = th_read_text(b);
    bool eq = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    return eq;
}

TEST(test_vectors_present)
{
    vec(v_zkey, "snarkjs/groth16/circuit.zkey");
    vec(v_wtns, "snarkjs/groth16/witness.wtns");
    vec(v_r1cs, "snarkjs/groth16/circuit.r1cs");
    vec(v_proof, "snarkjs/groth16/proof.json");
    vec(v_public, "snarkjs/groth16/public.json");
    vec(v_vk, "snarkjs/derived/verification_key.json");
    vec(v_vk0, "snarkjs/derived/circuit_0000_verification_key.json");
    vec(v_bad_a, "snarkjs/derived/proof_bad_pi_a_y_negated.json");
    vec(v_bad_c, "snarkjs/derived/proof_bad_pi_c_x_plus1.json");
    vec(v_bad_pub, "snarkjs/derived/public_bad_plus1.json");
}

TEST(binary_is_set)
{
    const char *bin = getenv("ZK_BIN");
    CHECK_MSG(bin && *bin, "ZK_BIN is not set (make check sets it to the built zkrelay)");
    CHECK_MSG(bin && access(bin, X_OK) == 0, "ZK_BIN=%s is not executable", bin ? bin : "");
}

/* Our proof from the upstream zkey, verified under snarkjs's key. */
TEST(test_prove_upstream)
{
    char proof[512], pub[512], proof2[512], pub2[512];
    snprintf(proof, sizeof(proof), "%s", th_tmp_path("proof.json"));
    snprintf(pub, sizeof(pub), "%s", th_tmp_path("public.json"));
    snprintf(proof2, sizeof(proof2), "%s", th_tmp_path("proof2.json"));
    snprintf(pub2, sizeof(pub2), "%s", th_tmp_path("public2.json"));

    CASE_BEGIN("prove upstream zkey + witness: exit 0, public.json equals snarkjs's");
    expect(0, NULL, NULL, "groth16", "prove", v_zkey, v_wtns, proof, pub, NULL);
    CHECK_MSG(files_equal(pub, v_public), "public.json differs from the upstream one");
    CASE_END();

    CASE_BEGIN("our proof verifies under snarkjs's verification_key.json");
    th_proc p = run_expect(0, "groth16", "verify", v_vk, pub, proof, NULL);
    CHECK_MSG(strcmp(p.out, "OK\n") == 0, "stdout: %s", p.out);
    th_proc_free(&p);
    expect(0, "{\"valid\":true}", NULL, "groth16", "verify", "--json", v_vk, pub, proof, NULL);
    CASE_END();

    CASE_BEGIN("proofs are randomized; --threads 1 gives another valid proof");
    expect(0, NULL, NULL, "groth16", "prove", "--threads", "1", v_zkey, v_wtns, proof2, pub2, NULL);
    CHECK(!files_equal(proof, proof2));
    CHECK(files_equal(pub, pub2));
    expect(0, "OK", NULL, "groth16", "verify", v_vk, pub2, proof2, NULL);
    CASE_END();

    CASE_BEGIN("our proof is rejected under another key and for other public inputs");
    expect(3, "INVALID proof: ", NULL, "groth16", "verify", v_vk0, pub, proof, NULL);
    expect(3, "INVALID proof: ", NULL, "groth16", "verify", v_vk, v_bad_pub, proof, NULL);
    CASE_END();
}

/* The upstream proof and its derived forgeries. */
TEST(test_verify_vectors)
{
    CASE_BEGIN("upstream proof.json + public.json: OK, exit 0");
    expect(0, "OK", NULL, "groth16", "verify", v_vk, v_public, v_proof, NULL);
    CASE_END();

    CASE_BEGIN("proof_bad_pi_a_y_negated: exit 3");
    expect(3, "INVALID proof: the pairing check failed", NULL, "groth16", "verify", v_vk, v_public,
           v_bad_a, NULL);
    CASE_END();

    CASE_BEGIN("proof_bad_pi_c_x_plus1: exit 3, names point C");
    expect(3, "INVALID proof: proof point C is not on G1", NULL, "groth16", "verify", v_vk,
           v_public, v_bad_c, NULL);
    expect(3, "\"valid\":false", NULL, "groth16", "verify", "--json", v_vk, v_public, v_bad_c,
           NULL);
    CASE_END();

    CASE_BEGIN("public_bad_plus1: exit 3");
    expect(3, "INVALID proof: ", NULL, "groth16", "verify", v_vk, v_bad_pub, v_proof, NULL);
    CASE_END();

    CASE_BEGIN("public.json with two signals for a one-signal key: exit 3");
    const char *two = th_tmp_path("public_two.json");
    char *text = th_read_text(v_public);
    json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
    CHECK(arr && json_is_array(arr));
    if (arr) {
        json_array_append_new(arr, json_string("7"));
        char *s = json_dumps(arr, JSON_INDENT(1));
        CHECK(s && th_write_file(two, s, strlen(s)));
        free(s);
        expect(3, "INVALID proof: ", NULL, "groth16", "verify", v_vk, two, v_proof, NULL);
    }
    json_decref(arr);
    free(text);
    CASE_END();
}

/* --dev setup of the vector circuit -> prove -> verify, the label, and the vk export. */
TEST(test_dev_setup)
{
    char zkey[512], zkey2[512], vk[512], vk2[512], vk_exp[512], vk_up[512], proof[512], pub[512];
    snprintf(zkey, sizeof(zkey), "%s", th_tmp_path("dev.zkey"));
    snprintf(zkey2, sizeof(zkey2), "%s", th_tmp_path("dev2.zkey"));
    snprintf(vk, sizeof(vk), "%s", th_tmp_path("dev_vk.json"));
    snprintf(vk2, sizeof(vk2), "%s", th_tmp_path("dev2_vk.json"));
    snprintf(vk_exp, sizeof(vk_exp), "%s", th_tmp_path("dev_vk_exported.json"));
    snprintf(vk_up, sizeof(vk_up), "%s", th_tmp_path("upstream_vk.json"));
    snprintf(proof, sizeof(proof), "%s", th_tmp_path("dev_proof.json"));
    snprintf(pub, sizeof(pub), "%s", th_tmp_path("dev_public.json"));

    CASE_BEGIN("setup --dev: exit 0, INSECURE on stderr, sizes on stdout");
    th_proc p = run_expect(0, "groth16", "setup", "--dev", v_r1cs, zkey, "--vk", vk, NULL);
    CHECK(has(p.err, "INSECURE"));
    CHECK(has(p.err, "toxic waste"));
    const char *line = th_out_line(p.out, "insecure");
    CHECK(line && strcmp(line, "yes") == 0);
    line = th_out_line(p.out, "nPublic");
    CHECK(line && strcmp(line, "1") == 0);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("info: the dev key carries the label, the upstream one does not");
    p = run_expect(0, "groth16", "info", zkey, NULL);
    line = th_out_line(p.out, "insecure");
    CHECK(line && strcmp(line, "yes") == 0);
    line = th_out_line(p.out, "curve");
    CHECK(line && strcmp(line, "bn128") == 0);
    line = th_out_line(p.out, "contributions");
    CHECK(line && strcmp(line, "0") == 0);
    CHECK(has(p.err, "INSECURE"));
    th_proc_free(&p);
    p = run_expect(0, "groth16", "info", v_zkey, NULL);
    line = th_out_line(p.out, "insecure");
    CHECK(line && strcmp(line, "no") == 0);
    line = th_out_line(p.out, "nVars");
    CHECK(line && strcmp(line, "103") == 0);
    line = th_out_line(p.out, "domainSize");
    CHECK(line && strcmp(line, "128 (2^7)") == 0);
    th_proc_free(&p);
    p = run_expect(0, "groth16", "info", "--json", zkey, NULL);
    json_t *o = json_loads(p.out, 0, NULL);
    CHECK(o && json_is_true(json_object_get(o, "insecure")));
    CHECK(o && json_integer_value(json_object_get(o, "nVars")) == 103);
    json_decref(o);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("zkey export verificationkey: the dev vk as --vk wrote it, upstream as snarkjs");
    expect(0, NULL, "INSECURE", "zkey", "export", "verificationkey", zkey, vk_exp, NULL);
    CHECK_MSG(files_equal(vk, vk_exp), "exported vk differs from setup --vk");
    expect(0, NULL, NULL, "zkey", "export", "verificationkey", v_zkey, vk_up, NULL);
    CHECK_MSG(files_equal(vk_up, v_vk), "exported upstream vk differs from snarkjs's bytes");
    CASE_END();

    CASE_BEGIN("prove with the dev key, verify with its vk; rejected under other keys");
    p = run_expect(0, "groth16", "prove", zkey, v_wtns, proof, pub, NULL);
    CHECK(has(p.err, "INSECURE"));
    th_proc_free(&p);
    CHECK(files_equal(pub, v_public));
    expect(0, "OK", NULL, "groth16", "verify", vk, pub, proof, NULL);
    expect(3, "INVALID proof: ", NULL, "groth16", "verify", v_vk, pub, proof, NULL);
    expect(3, "INVALID proof: ", NULL, "groth16", "verify", vk, v_public, v_proof, NULL);
    CASE_END();

    CASE_BEGIN("a second dev setup draws fresh randomness");
    expect(0, NULL, "INSECURE", "groth16", "setup", "--dev", "--vk", vk2, v_r1cs, zkey2, NULL);
    CHECK(!files_equal(vk, vk2));
    expect(3, "INVALID proof: ", NULL, "groth16", "verify", vk2, pub, proof, NULL);
    CASE_END();
}

/* The trustless setup from the derived ptau: snarkjs's circuit_0000.zkey byte for byte. */
TEST(test_ptau_setup)
{
    char ptau[512], unprepared[512], zkey0[512], zkey[512], vk[512], proof[512], pub[512];
    vec(ptau, "snarkjs/derived/pot10_final.ptau");
    vec(unprepared, "snarkjs/derived/pot10_beacon.ptau");
    vec(zkey0, "snarkjs/derived/circuit_0000.zkey");
    snprintf(zkey, sizeof(zkey), "%s", th_tmp_path("ptau.zkey"));
    snprintf(vk, sizeof(vk), "%s", th_tmp_path("ptau_vk.json"));
    snprintf(proof, sizeof(proof), "%s", th_tmp_path("ptau_proof.json"));
    snprintf(pub, sizeof(pub), "%s", th_tmp_path("ptau_public.json"));

    CASE_BEGIN("setup circuit.r1cs pot10_final.ptau: snarkjs's zkey and vk byte for byte");
    th_proc p = run_expect(0, "groth16", "setup", v_r1cs, ptau, zkey, "--vk", vk, NULL);
    const char *line = th_out_line(p.out, "insecure");
    CHECK(line && strcmp(line, "no") == 0);
    CHECK(!strstr(p.err, "INSECURE"));
    th_proc_free(&p);
    size_t a_len = 0, b_len = 0;
    char *a = th_read_text(zkey);
    uint8_t *b = th_read_file("snarkjs/derived/circuit_0000.zkey", &b_len);
    FILE *f = fopen(zkey, "rb");
    if (f) {
        fseek(f, 0, SEEK_END);
        a_len = (size_t)ftell(f);
        fclose(f);
    }
    CHECK_EQ_INT(a_len, b_len);
    if (a && b && a_len == b_len) CHECK_MEM(a, b, b_len);
    free(a);
    free(b);
    CHECK(files_equal(vk, v_vk0));
    CASE_END();

    CASE_BEGIN("prove with the ptau key, verify with snarkjs's vk for it");
    expect(0, NULL, NULL, "groth16", "prove", zkey, v_wtns, proof, pub, "--threads", "2", NULL);
    expect(0, "OK", NULL, "groth16", "verify", v_vk0, pub, proof, NULL);
    expect(3, "INVALID proof: ", NULL, "groth16", "verify", v_vk, pub, proof, NULL);
    CASE_END();

    CASE_BEGIN("ptau setup refuses an unprepared or missing ptau and a zkey as ptau: exit 1");
    expect(1, NULL, "prepare phase2", "groth16", "setup", v_r1cs, unprepared,
           th_tmp_path("never1.zkey"), NULL);
    expect(1, NULL, "nope.ptau", "groth16", "setup", v_r1cs, th_tmp_path("nope.ptau"),
           th_tmp_path("never2.zkey"), NULL);
    expect(1, NULL, "circuit.zkey", "groth16", "setup", v_r1cs, v_zkey, th_tmp_path("never3.zkey"),
           NULL);
    CASE_END();
}

/* Writes the first len bytes of a vector (or a whole text) to a scratch file. */
static const char *scratch(const char *name, const void *data, size_t len)
{
    const char *path = th_tmp_path(name);
    CHECK(th_write_file(path, data, len));
    return path;
}

/* Writes the witness vector with its values rewritten by edit (NULL: none) and n values. */
static void write_wtns(char *out_path, const char *name, uint32_t n_values, int edit)
{
    size_t len = 0;
    uint8_t *data = th_read_file("snarkjs/groth16/witness.wtns", &len);
    wtns_file w;
    zk_buf b;
    buf_init(&b, 0);
    CHECK(data != NULL);
    if (data && wtns_file_parse(&w, data, len, NULL) == ZK_OK && n_values <= w.n_values) {
        uint8_t *vals = malloc((size_t)w.n_values * 32);
        CHECK(vals != NULL);
        if (vals) {
            memcpy(vals, w.values, (size_t)w.n_values * 32);
            if (edit == 1) vals[0] = 2;        /* the constant wire is no longer 1 */
            if (edit == 2) vals[10 * 32] ^= 1; /* an internal wire: unsatisfied */
            w.values = vals;
            w.n_values = n_values;
            CHECK_EQ_INT(wtns_file_write(&b, &w), ZK_OK);
            free(vals);
        }
    } else {
        CHECK_MSG(false, "cannot parse the witness vector");
    }
    const char *path = scratch(name, b.data, b.len);
    snprintf(out_path, 512, "%s", path);
    buf_clear(&b);
    free(data);
}

TEST(test_malformed)
{
    char proof[512], pub[512];
    snprintf(proof, sizeof(proof), "%s", th_tmp_path("m_proof.json"));
    snprintf(pub, sizeof(pub), "%s", th_tmp_path("m_public.json"));
    char missing[512];
    snprintf(missing, sizeof(missing), "%s", th_tmp_path("does-not-exist.json"));
    size_t zlen = 0;
    uint8_t *zdata = th_read_file("snarkjs/groth16/circuit.zkey", &zlen);
    CHECK(zdata != NULL);
    char trunc_zkey[512], trunc_r1cs[512], wtns_short[512], wtns_one[512], wtns_bad[512];
    snprintf(trunc_zkey, sizeof(trunc_zkey), "%s",
             scratch("trunc.zkey", zdata ? zdata : (const uint8_t *)"", zdata ? zlen / 2 : 0));
    size_t rlen = 0;
    uint8_t *rdata = th_read_file("snarkjs/groth16/circuit.r1cs", &rlen);
    CHECK(rdata != NULL);
    snprintf(trunc_r1cs, sizeof(trunc_r1cs), "%s",
             scratch("trunc.r1cs", rdata ? rdata : (const uint8_t *)"", rdata ? rlen - 7 : 0));

    CASE_BEGIN("prove: missing, truncated and foreign zkey files exit 1 naming the file");
    expect(1, NULL, "does-not-exist", "groth16", "prove", missing, v_wtns, proof, pub, NULL);
    expect(1, NULL, "trunc.zkey", "groth16", "prove", trunc_zkey, v_wtns, proof, pub, NULL);
    expect(1, NULL, "circuit.r1cs", "groth16", "prove", v_r1cs, v_wtns, proof, pub, NULL);
    CHECK(access(proof, F_OK) != 0);
    CASE_END();

    CASE_BEGIN("prove: a witness that does not fit the zkey exits 1");
    write_wtns(wtns_short, "short.wtns", 102, 0);
    expect(1, NULL, "another circuit", "groth16", "prove", v_zkey, wtns_short, proof, pub, NULL);
    write_wtns(wtns_one, "one.wtns", 103, 1);
    expect(1, NULL, "value 0 must be 1", "groth16", "prove", v_zkey, wtns_one, proof, pub, NULL);
    write_wtns(wtns_bad, "unsat.wtns", 103, 2);
    expect(1, NULL, "does not satisfy", "groth16", "prove", v_zkey, wtns_bad, proof, pub, NULL);
    expect(1, NULL, "circuit.zkey", "groth16", "prove", v_zkey, v_zkey, proof, pub, NULL);
    CHECK(access(proof, F_OK) != 0);
    CASE_END();

    CASE_BEGIN("verify: unreadable or malformed files exit 1 naming file and field");
    expect(1, NULL, "does-not-exist", "groth16", "verify", missing, v_public, v_proof, NULL);
    expect(1, NULL, "does-not-exist", "groth16", "verify", v_vk, missing, v_proof, NULL);
    expect(1, NULL, "does-not-exist", "groth16", "verify", v_vk, v_public, missing, NULL);
    const char *notjson = scratch("notjson.json", "{\"pi_a\": [", 10);
    expect(1, NULL, "notjson.json", "groth16", "verify", v_vk, v_public, notjson, NULL);
    expect(1, NULL, "notjson.json", "groth16", "verify", notjson, v_public, v_proof, NULL);
    /* proof.json without pi_a */
    char *text = th_read_text(v_proof);
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    CHECK(o != NULL);
    if (o) {
        json_object_del(o, "pi_a");
        char *s = json_dumps(o, 0);
        const char *no_a = scratch("no_pi_a.json", s, s ? strlen(s) : 0);
        expect(1, NULL, "pi_a", "groth16", "verify", v_vk, v_public, no_a, NULL);
        free(s);
    }
    json_decref(o);
    free(text);
    /* a public signal >= r, and one with a leading zero */
    static const char big[] =
        "[\"21888242871839275222246405745257275088548364400416034343698204186575808495617\"]";
    expect(1, NULL, "public", "groth16", "verify", v_vk, scratch("big.json", big, strlen(big)),
           v_proof, NULL);
    static const char lead0[] = "[\"01\"]";
    expect(1, NULL, "leading zero", "groth16", "verify", v_vk,
           scratch("lead0.json", lead0, strlen(lead0)), v_proof, NULL);
    /* a verification key whose IC[0] is moved off the curve */
    text = th_read_text(v_vk);
    o = text ? json_loads(text, 0, NULL) : NULL;
    CHECK(o != NULL);
    if (o) {
        json_t *ic0 = json_array_get(json_object_get(o, "IC"), 0);
        json_array_set_new(ic0, 1, json_string("5"));
        char *s = json_dumps(o, 0);
        const char *bad_vk = scratch("bad_vk.json", s, s ? strlen(s) : 0);
        expect(1, NULL, "bad_vk.json", "groth16", "verify", bad_vk, v_public, v_proof, NULL);
        free(s);
        /* and one with a truncated file */
        const char *tvk = scratch("trunc_vk.json", text, strlen(text) / 2);
        expect(1, NULL, "trunc_vk.json", "groth16", "verify", tvk, v_public, v_proof, NULL);
    }
    json_decref(o);
    free(text);
    CASE_END();

    CASE_BEGIN("setup, info, export: malformed inputs exit 1");
    const char *out_zkey = th_tmp_path("never.zkey");
    expect(1, NULL, "trunc.r1cs", "groth16", "setup", "--dev", trunc_r1cs, out_zkey, NULL);
    expect(1, NULL, "circuit.zkey", "groth16", "setup", "--dev", v_zkey, out_zkey, NULL);
    CHECK(access(out_zkey, F_OK) != 0);
    expect(1, NULL, "trunc.zkey", "groth16", "info", trunc_zkey, NULL);
    expect(1, NULL, "witness.wtns", "groth16", "info", v_wtns, NULL);
    expect(1, NULL, "trunc.zkey", "zkey", "export", "verificationkey", trunc_zkey,
           th_tmp_path("never_vk.json"), NULL);
    CASE_END();
    free(zdata);
    free(rdata);
}

TEST(test_usage)
{
    const char *t = th_tmp_path("u");
    CASE_BEGIN("usage errors exit 2");
    expect(2, NULL, "usage", "groth16", NULL);
    expect(2, NULL, "unknown command", "groth16", "frobnicate", NULL);
    expect(2, NULL, "missing", "groth16", "verify", v_vk, v_public, NULL);
    expect(2, NULL, "unexpected argument", "groth16", "verify", v_vk, v_public, v_proof, t, NULL);
    expect(2, NULL, "unknown option", "groth16", "verify", "--frob", v_vk, v_public, v_proof, NULL);
    expect(2, NULL, "missing", "groth16", "prove", v_zkey, v_wtns, t, NULL);
    expect(2, NULL, "--threads", "groth16", "prove", v_zkey, v_wtns, t, t, "--threads", "x", NULL);
    expect(2, NULL, "--threads", "groth16", "prove", v_zkey, v_wtns, t, t, "--threads", "99999",
           NULL);
    expect(2, NULL, "needs a value", "groth16", "prove", v_zkey, v_wtns, t, t, "--threads", NULL);
    expect(2, NULL, "missing", "groth16", "setup", "--dev", v_r1cs, NULL);
    expect(2, NULL, "no .ptau", "groth16", "setup", "--dev", v_r1cs, t, t, NULL);
    expect(2, NULL, "groth16 setup circuit.r1cs pot.ptau circuit.zkey", "groth16", "setup", v_r1cs,
           t, NULL);
    expect(2, NULL, "missing", "groth16", "info", NULL);
    expect(2, NULL, "usage", "zkey", NULL);
    expect(2, NULL, "unknown command", "zkey", "export", "vkey", NULL);
    expect(2, NULL, "missing", "zkey", "export", "verificationkey", v_zkey, NULL);
    CASE_END();
}

TEST(test_help)
{
    static const char *const cmds[][4] = {
        {"groth16", "--help", NULL, NULL},
        {"groth16", "setup", "--help", NULL},
        {"groth16", "prove", "-h", NULL},
        {"groth16", "verify", "--help", NULL},
        {"groth16", "info", "--help", NULL},
        {"groth16", "export-verifier", "--help", NULL},
        {"zkey", "--help", NULL, NULL},
        {"zkey", "export", "--help", NULL},
        {"zkey", "export", "verificationkey", "--help"},
    };
    for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
        CASE_BEGIN("zkrelay %s %s %s: exit 0, usage on stdout", cmds[i][0], cmds[i][1],
                   cmds[i][2] ? cmds[i][2] : "");
        expect(0, "usage", NULL, cmds[i][0], cmds[i][1], cmds[i][2], cmds[i][3], NULL);
        CASE_END();
    }
    CASE_BEGIN("top-level help lists groth16 and zkey; groth16's lists export-verifier");
    expect(0, "groth16", NULL, "--help", NULL);
    expect(0, "zkey", NULL, "--help", NULL);
    expect(0, "export-verifier", NULL, "groth16", "--help", NULL);
    expect(0, "verificationkey", NULL, "zkey", "export", "--help", NULL);
    CASE_END();
}

TEST_MAIN(RUN(test_vectors_present); RUN(binary_is_set); RUN(test_prove_upstream);
          RUN(test_verify_vectors); RUN(test_dev_setup); RUN(test_ptau_setup); RUN(test_malformed);
          RUN(test_usage); RUN(test_help))
