/* snarkjs 0.7.6 (tools/node_modules, pinned in tools/package-lock.json) as an independent
 * implementation, run through fork/exec of node in the same test run:
 *   (1) snarkjs `groth16 verify` accepts the proof `zkrelay groth16 prove` makes from the
 *       upstream (snarkjs-made) zkey;
 *   (2) snarkjs accepts our proof from OUR development-setup zkey of the same circuit
 *       under the verification key we export, and snarkjs's `zkey export
 *       verificationkey` of our zkey is the same JSON as ours;
 *   (3) we accept the proofs `snarkjs groth16 prove` makes on both zkeys (and its
 *       public.json is byte for byte ours);
 *   (4) a proof with one coordinate changed, and public.json with a changed value, are
 *       rejected by BOTH implementations.
 * Each snarkjs call costs about 0.7 s of node start-up, so the calls are few (about 10).
 * A missing snarkjs is a failure: `make deps` installs it. */
#include "harness.h"
#include "relayer/snarkjs_run.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prover/fp.h"
#include "prover/groth16_json.h"

static char v_zkey[512], v_wtns[512], v_r1cs[512], v_public[512], v_vk[512];
/* Scratch files, made once. */
static char dev_zkey[512], dev_vk[512], our_proof[512], our_pub[512], dev_proof[512], dev_pub[512];

/* snarkjs groth16 verify vk pub proof: true when snarkjs says OK! and exits 0. */
static bool snarkjs_accepts(const char *vk, const char *pub, const char *proof)
{
    th_proc p = snarkjs_run("groth16", "verify", vk, pub, proof, NULL);
    bool ok = p.status == 0 && strstr(p.out, "OK!") != NULL;
    /* Anything but a clean accept or a clean reject (exit 1) is a broken run. */
    CHECK_MSG(p.status == 0 || p.status == 1, "snarkjs verify exit %d: %s %s", p.status, p.out,
              p.err);
    th_proc_free(&p);
    return ok;
}

static json_t *load_json_file(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    CHECK_MSG(j != NULL, "%s: %s", path, e.text);
    return j;
}

TEST(test_tools_present)
{
    snarkjs_tools_present();
    path_copy(v_zkey, th_vector_path("snarkjs/groth16/circuit.zkey"));
    path_copy(v_wtns, th_vector_path("snarkjs/groth16/witness.wtns"));
    path_copy(v_r1cs, th_vector_path("snarkjs/groth16/circuit.r1cs"));
    path_copy(v_public, th_vector_path("snarkjs/groth16/public.json"));
    path_copy(v_vk, th_vector_path("snarkjs/derived/verification_key.json"));
    const char *all[] = {v_zkey, v_wtns, v_r1cs, v_public, v_vk};
    for (size_t i = 0; i < 5; i++)
        CHECK_MSG(access(all[i], R_OK) == 0, "missing vector %s", all[i]);
    path_copy(dev_zkey, th_tmp_path("dev.zkey"));
    path_copy(dev_vk, th_tmp_path("dev_vk.json"));
    path_copy(our_proof, th_tmp_path("our_proof.json"));
    path_copy(our_pub, th_tmp_path("our_public.json"));
    path_copy(dev_proof, th_tmp_path("dev_proof.json"));
    path_copy(dev_pub, th_tmp_path("dev_public.json"));
}

/* (1) our proof from the upstream zkey, verified by snarkjs. */
TEST(test_snarkjs_accepts_our_proof)
{
    CASE_BEGIN("zkrelay prove (upstream zkey) -> snarkjs groth16 verify: OK");
    CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "prove", v_zkey, v_wtns, our_proof, our_pub, NULL),
                 0);
    CHECK(files_equal(our_pub, v_public));
    CHECK(snarkjs_accepts(v_vk, our_pub, our_proof));
    CASE_END();
}

/* (2) our development setup, end to end through snarkjs. */
TEST(test_snarkjs_on_our_dev_key)
{
    char s_vk[512];
    path_copy(s_vk, th_tmp_path("snarkjs_dev_vk.json"));

    CASE_BEGIN("snarkjs zkey export verificationkey of our dev zkey = our vk (parsed)");
    CHECK_EQ_INT(
        zkrelay_run(NULL, "groth16", "setup", "--dev", v_r1cs, dev_zkey, "--vk", dev_vk, NULL), 0);
    th_proc p = snarkjs_run("zkey", "export", "verificationkey", dev_zkey, s_vk, NULL);
    CHECK_MSG(p.status == 0, "snarkjs zkey export: exit %d: %s %s", p.status, p.out, p.err);
    th_proc_free(&p);
    json_t *ours = load_json_file(dev_vk), *theirs = load_json_file(s_vk);
    CHECK_MSG(ours && theirs && json_equal(ours, theirs), "the verification keys differ");
    json_decref(ours);
    json_decref(theirs);
    CASE_END();

    CASE_BEGIN("zkrelay prove (our dev zkey) -> snarkjs verify with our vk: OK");
    CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "prove", dev_zkey, v_wtns, dev_proof, dev_pub, NULL),
                 0);
    CHECK(snarkjs_accepts(dev_vk, dev_pub, dev_proof));
    CASE_END();
}

/* (3) snarkjs's proofs, verified by us. */
TEST(test_we_accept_snarkjs_proofs)
{
    const char *zkeys[2] = {v_zkey, dev_zkey}, *vks[2] = {v_vk, dev_vk};
    const char *names[2] = {"upstream", "our dev"};
    for (int i = 0; i < 2; i++) {
        char proof[512], pub[512];
        path_copy(proof, th_tmp_path(i ? "s_dev_proof.json" : "s_up_proof.json"));
        path_copy(pub, th_tmp_path(i ? "s_dev_public.json" : "s_up_public.json"));
        CASE_BEGIN("snarkjs groth16 prove (%s zkey) -> zkrelay groth16 verify: exit 0", names[i]);
        th_proc p = snarkjs_run("groth16", "prove", zkeys[i], v_wtns, proof, pub, NULL);
        CHECK_MSG(p.status == 0, "snarkjs prove: exit %d: %s %s", p.status, p.out, p.err);
        th_proc_free(&p);
        CHECK(files_equal(pub, v_public));
        CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "verify", vks[i], pub, proof, NULL), 0);
        /* and not under the other key */
        CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "verify", vks[1 - i], pub, proof, NULL), 3);
        CASE_END();
    }
}

/* Rewrites the decimal string s (a coordinate < q) as q - s (negation: the point stays
 * on the curve) or s + 1 mod q (almost surely off the curve). */
static bool dec_tweak(char out[GROTH16_JSON_DEC_MAX], const char *s, bool negate)
{
    uint8_t be[32];
    fp x, one;
    if (groth16_json_dec_parse(be, s, groth16_json_q_be, NULL) != ZK_OK) return false;
    if (fp_from_bytes_be(&x, be, NULL) != ZK_OK) return false;
    fp_set_one(&one);
    if (negate)
        fp_neg(&x, &x);
    else
        fp_add(&x, &x, &one);
    fp_to_bytes_be(be, &x);
    groth16_json_dec_format(out, be);
    return true;
}

/* Writes proof with the string at key[i] (or key[i][j] when j >= 0) tweaked. */
static bool write_tweaked(const char *in, const char *out, const char *key, size_t i, int j,
                          bool negate)
{
    json_t *root = load_json_file(in);
    json_t *arr = root ? json_object_get(root, key) : NULL;
    json_t *elem = json_array_get(arr, i);
    json_t *holder = j >= 0 ? elem : arr;
    size_t idx = j >= 0 ? (size_t)j : i;
    json_t *str = json_array_get(holder, idx);
    char dec[GROTH16_JSON_DEC_MAX];
    bool ok = str && json_is_string(str) && dec_tweak(dec, json_string_value(str), negate) &&
              json_array_set_new(holder, idx, json_string(dec)) == 0 &&
              json_dump_file(root, out, JSON_INDENT(1)) == 0;
    CHECK_MSG(ok, "cannot write the tweaked %s", out);
    json_decref(root);
    return ok;
}

/* (4) forgeries rejected by both implementations. */
TEST(test_both_reject_forgeries)
{
    char p_neg[512], p_plus[512], p_b[512], pub_bad[512];
    path_copy(p_neg, th_tmp_path("f_pi_a_y_negated.json"));
    path_copy(p_plus, th_tmp_path("f_pi_c_x_plus1.json"));
    path_copy(p_b, th_tmp_path("f_pi_b_x_c1_negated.json"));
    path_copy(pub_bad, th_tmp_path("f_public_plus1.json"));

    CASE_BEGIN("our dev proof, pi_a.y negated (on the curve): both reject");
    if (write_tweaked(dev_proof, p_neg, "pi_a", 1, -1, true)) {
        CHECK(!snarkjs_accepts(dev_vk, dev_pub, p_neg));
        CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "verify", dev_vk, dev_pub, p_neg, NULL), 3);
    }
    CASE_END();

    CASE_BEGIN("our upstream-key proof, pi_c.x + 1 (off the curve): both reject");
    if (write_tweaked(our_proof, p_plus, "pi_c", 0, -1, false)) {
        CHECK(!snarkjs_accepts(v_vk, our_pub, p_plus));
        CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "verify", v_vk, our_pub, p_plus, NULL), 3);
    }
    CASE_END();

    CASE_BEGIN("our upstream-key proof, pi_b.x.c1 negated: both reject");
    if (write_tweaked(our_proof, p_b, "pi_b", 0, 1, true)) {
        CHECK(!snarkjs_accepts(v_vk, our_pub, p_b));
        CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "verify", v_vk, our_pub, p_b, NULL), 3);
    }
    CASE_END();

    CASE_BEGIN("public.json value + 1: both reject our proof");
    json_t *arr = load_json_file(our_pub);
    json_t *s = json_array_get(arr, 0);
    char dec[GROTH16_JSON_DEC_MAX];
    uint8_t be[32];
    bool ok = s && json_is_string(s) &&
              groth16_json_dec_parse(be, json_string_value(s), groth16_json_r_be, NULL) == ZK_OK;
    /* + 1, big-endian; the vector's value is far enough below r to stay below it */
    for (int k = 31, carry = 1; ok && carry && k >= 0; k--) {
        be[k]++;
        carry = be[k] == 0;
    }
    if (ok) {
        groth16_json_dec_format(dec, be);
        ok = json_array_set_new(arr, 0, json_string(dec)) == 0 &&
             json_dump_file(arr, pub_bad, JSON_INDENT(1)) == 0;
    }
    CHECK(ok);
    json_decref(arr);
    if (ok) {
        CHECK(!snarkjs_accepts(v_vk, pub_bad, our_proof));
        CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "verify", v_vk, pub_bad, our_proof, NULL), 3);
        /* the same file under our dev key and its proof */
        CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "verify", dev_vk, pub_bad, dev_proof, NULL), 3);
    }
    CASE_END();
}

TEST_MAIN(RUN(test_tools_present); RUN(test_snarkjs_accepts_our_proof);
          RUN(test_snarkjs_on_our_dev_key); RUN(test_we_accept_snarkjs_proofs);
          RUN(test_both_reject_forgeries))
