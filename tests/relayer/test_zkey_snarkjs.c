/* Phase-2 ceremonies that mix zkrelay and snarkjs 0.7.6 (tools/node_modules, pinned),
 * through both command lines, on the 100-constraint circuit of $ZK_VECTORS/snarkjs and
 * its power-10 ceremony file:
 *   (1) two `zkrelay zkey contribute` on snarkjs's circuit_0000.zkey: snarkjs `zkey
 *       verify` accepts the key and lists our contribution hashes;
 *   (2) the contributed key works: snarkjs `groth16 prove` -> `zkrelay groth16 verify`
 *       and `zkrelay groth16 prove` -> snarkjs `groth16 verify`, and snarkjs exports the
 *       same verification key as we do;
 *   (3) snarkjs `zkey contribute` on top of ours: `zkrelay zkey verify` accepts and lists
 *       snarkjs's contribution hash;
 *   (4) `zkey beacon` on that mixed chain: zkrelay writes snarkjs's file byte for byte;
 *   (5) `zkrelay zkey verify` rejects (exit 3) a key whose delta was changed, whose L or
 *       H section has one point changed, whose contribution record was tampered with;
 *       snarkjs rejects the same files.
 * About 15 node runs (0.7 to 4 s each). A missing snarkjs is a failure (`make deps`). */
#include "harness.h"
#include "relayer/snarkjs_run.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prover/zkey_file.h"

#define BEACON "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"

static char v_r1cs[512], v_ptau[512], v_zkey0[512], v_wtns[512];
static char k1[512], k2[512], k3[512], kb_ours[512], kb_snarkjs[512];
/* The contribution hashes we printed, in snarkjs's 4-line text form. */
static char h1_text[256], h2_text[256];

/* snarkjs zkey verify r1cs ptau zkey: true when it says "ZKey Ok!" and exits 0. When
 * must_list is non-NULL, its lines must appear in snarkjs's listing too. */
static bool snarkjs_zkey_ok(const char *zkey, const char *must_list)
{
    th_proc p = snarkjs_run("zkey", "verify", v_r1cs, v_ptau, zkey, NULL);
    bool ok = p.status == 0 && strstr(p.out, "ZKey Ok!") != NULL;
    if (ok && must_list) CHECK_MSG(strstr(p.out, must_list) != NULL, "snarkjs: %s", p.out);
    th_proc_free(&p);
    return ok;
}

/* The 4 hash lines (tabs included) after the line `title` in a command's text output. */
static void hash_after(char out[256], const char *text, const char *title)
{
    out[0] = '\0';
    const char *p = text ? strstr(text, title) : NULL;
    if (!p || !(p = strchr(p, '\n'))) return;
    p++;
    size_t n = 0;
    for (int lines = 0; lines < 4 && p[n]; n++)
        if (p[n] == '\n') lines++;
    if (n < 256) snprintf(out, 256, "%.*s", (int)n, p);
}

TEST(test_tools_present)
{
    snarkjs_tools_present();
    path_copy(v_r1cs, th_vector_path("snarkjs/groth16/circuit.r1cs"));
    path_copy(v_ptau, th_vector_path("snarkjs/derived/pot10_final.ptau"));
    path_copy(v_zkey0, th_vector_path("snarkjs/derived/circuit_0000.zkey"));
    path_copy(v_wtns, th_vector_path("snarkjs/groth16/witness.wtns"));
    const char *all[] = {v_r1cs, v_ptau, v_zkey0, v_wtns};
    for (size_t i = 0; i < 4; i++)
        CHECK_MSG(access(all[i], R_OK) == 0, "missing vector %s", all[i]);
    path_copy(k1, th_tmp_path("c1.zkey"));
    path_copy(k2, th_tmp_path("c2.zkey"));
    path_copy(k3, th_tmp_path("c3_snarkjs.zkey"));
    path_copy(kb_ours, th_tmp_path("beacon_ours.zkey"));
    path_copy(kb_snarkjs, th_tmp_path("beacon_snarkjs.zkey"));
}

/* (1) our two contributions, accepted by snarkjs with our hashes. */
TEST(test_snarkjs_verifies_our_contributions)
{
    CASE_BEGIN("zkrelay zkey contribute x2 -> snarkjs zkey verify: ZKey Ok!");
    char *out = NULL;
    CHECK_EQ_INT(zkrelay_run(&out, "zkey", "contribute", v_zkey0, k1, "--name", "zkrelay one", "-e",
                             "entropy that is never printed", NULL),
                 0);
    CHECK(out && strstr(out, "entropy that") == NULL);
    hash_after(h1_text, out, "Contribution Hash:");
    free(out);
    CHECK_EQ_INT(zkrelay_run(&out, "zkey", "contribute", k1, k2, "-n", "zkrelay two", NULL), 0);
    hash_after(h2_text, out, "Contribution Hash:");
    free(out);
    CHECK(strlen(h1_text) > 100 && strlen(h2_text) > 100);
    CHECK(snarkjs_zkey_ok(k2, h1_text));
    CHECK(snarkjs_zkey_ok(k2, h2_text));
    /* Ours accepts it too, listing the same hashes. */
    CHECK_EQ_INT(zkrelay_run(&out, "zkey", "verify", v_r1cs, v_ptau, k2, NULL), 0);
    CHECK(out && strstr(out, h1_text) && strstr(out, h2_text) && strstr(out, "ZKey Ok!"));
    free(out);
    CASE_END();
}

/* (2) proofs across implementations with the contributed key. */
TEST(test_contributed_key_proves_across)
{
    char s_vk[512], z_vk[512], s_proof[512], s_pub[512], z_proof[512], z_pub[512];
    path_copy(s_vk, th_tmp_path("s_vk.json"));
    path_copy(z_vk, th_tmp_path("z_vk.json"));
    path_copy(s_proof, th_tmp_path("s_proof.json"));
    path_copy(s_pub, th_tmp_path("s_public.json"));
    path_copy(z_proof, th_tmp_path("z_proof.json"));
    path_copy(z_pub, th_tmp_path("z_public.json"));

    CASE_BEGIN("verification key of the contributed zkey: snarkjs == zkrelay");
    th_proc p = snarkjs_run("zkey", "export", "verificationkey", k2, s_vk, NULL);
    CHECK_MSG(p.status == 0, "snarkjs export: %s %s", p.out, p.err);
    th_proc_free(&p);
    CHECK_EQ_INT(zkrelay_run(NULL, "zkey", "export", "verificationkey", k2, z_vk, NULL), 0);
    CHECK(files_equal(s_vk, z_vk));
    CASE_END();

    CASE_BEGIN("snarkjs groth16 prove (contributed zkey) -> zkrelay groth16 verify");
    p = snarkjs_run("groth16", "prove", k2, v_wtns, s_proof, s_pub, NULL);
    CHECK_MSG(p.status == 0, "snarkjs prove: %s %s", p.out, p.err);
    th_proc_free(&p);
    CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "verify", z_vk, s_pub, s_proof, NULL), 0);
    /* Under the initial key's vk (another delta) the same proof is invalid. */
    CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "verify",
                             th_vector_path("snarkjs/derived/circuit_0000_verification_key.json"),
                             s_pub, s_proof, NULL),
                 3);
    CASE_END();

    CASE_BEGIN("zkrelay groth16 prove (contributed zkey) -> snarkjs groth16 verify");
    CHECK_EQ_INT(zkrelay_run(NULL, "groth16", "prove", k2, v_wtns, z_proof, z_pub, NULL), 0);
    p = snarkjs_run("groth16", "verify", s_vk, z_pub, z_proof, NULL);
    CHECK_MSG(p.status == 0 && strstr(p.out, "OK!"), "snarkjs verify: %s %s", p.out, p.err);
    th_proc_free(&p);
    CASE_END();
}

/* (3) snarkjs contributes on top of ours; (4) both beacons agree byte for byte. */
TEST(test_mixed_chain_and_beacon)
{
    CASE_BEGIN("snarkjs zkey contribute -> zkrelay zkey verify accepts");
    th_proc p =
        snarkjs_run("zkey", "contribute", k2, k3, "-n=snarkjs three", "-e=snarkjs entropy", NULL);
    CHECK_MSG(p.status == 0, "snarkjs contribute: %s %s", p.out, p.err);
    char h3_text[256];
    hash_after(h3_text, p.out, "Contribution Hash:");
    th_proc_free(&p);
    CHECK(strlen(h3_text) > 100);
    char *out = NULL;
    CHECK_EQ_INT(zkrelay_run(&out, "zkey", "verify", v_r1cs, v_ptau, k3, NULL), 0);
    CHECK(out && strstr(out, h3_text) && strstr(out, h1_text) && strstr(out, "snarkjs three"));
    free(out);
    CASE_END();

    CASE_BEGIN("zkey beacon on the mixed chain: zkrelay == snarkjs byte for byte");
    p = snarkjs_run("zkey", "beacon", k3, kb_snarkjs, BEACON, "10", "-n=Final Beacon", NULL);
    CHECK_MSG(p.status == 0, "snarkjs beacon: %s %s", p.out, p.err);
    th_proc_free(&p);
    CHECK_EQ_INT(zkrelay_run(NULL, "zkey", "beacon", k3, kb_ours, BEACON, "10", "--name",
                             "Final Beacon", NULL),
                 0);
    CHECK(files_equal(kb_ours, kb_snarkjs));
    CHECK_EQ_INT(zkrelay_run(&out, "zkey", "verify", v_r1cs, v_ptau, kb_ours, NULL), 0);
    CHECK(out && strstr(out, "Beacon generator: " BEACON) != NULL);
    free(out);
    CHECK_EQ_INT(zkrelay_run(&out, "zkey", "verify", v_r1cs, v_ptau, kb_ours, "--json", NULL), 0);
    json_t *j = out ? json_loads(out, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *list = json_object_get(j, "contributions");
    CHECK(json_is_true(json_object_get(j, "valid")) && json_array_size(list) == 4);
    json_t *last = json_array_get(list, 3);
    CHECK(th_streq(json_string_value(json_object_get(last, "type")), "beacon"));
    CHECK(th_streq(json_string_value(json_object_get(last, "name")), "Final Beacon"));
    CHECK(th_streq(json_string_value(json_object_get(last, "beaconHash")), BEACON));
    CHECK(th_streq(json_string_value(json_object_get(json_array_get(list, 2), "name")),
                   "snarkjs three"));
    json_decref(j);
    free(out);
    CASE_END();
}

/* Writes a copy of the key at src to dst with one change: the n bytes at the offset of
 * `find` (which must occur in the file) replaced by `with`. */
static bool write_edited(const char *dst, const char *src, const uint8_t *find, size_t flen,
                         size_t at, const uint8_t *with, size_t n)
{
    char *data = NULL;
    FILE *f = fopen(src, "rb");
    size_t len = 0;
    if (f) {
        data = malloc(1 << 20);
        len = data ? fread(data, 1, 1 << 20, f) : 0;
        fclose(f);
    }
    bool ok = false;
    for (size_t i = 0; data && i + flen <= len && !ok; i++)
        if (memcmp(data + i, find, flen) == 0 && i + at + n <= len) {
            memcpy(data + i + at, with, n);
            ok = th_write_file(dst, data, len);
        }
    free(data);
    CHECK_MSG(ok, "could not make %s", dst);
    return ok;
}

/* (5) tampered keys: rejected by both. */
TEST(test_both_reject_tampered_keys)
{
    size_t l1 = 0, l2 = 0;
    char *d1 = NULL, *d2 = NULL;
    FILE *f;
    if ((f = fopen(k1, "rb"))) {
        d1 = malloc(1 << 20);
        l1 = d1 ? fread(d1, 1, 1 << 20, f) : 0;
        fclose(f);
    }
    if ((f = fopen(k2, "rb"))) {
        d2 = malloc(1 << 20);
        l2 = d2 ? fread(d2, 1, 1 << 20, f) : 0;
        fclose(f);
    }
    zkey_file z1, z2;
    memset(&z1, 0, sizeof(z1));
    memset(&z2, 0, sizeof(z2));
    bool ok = d1 && d2 && zkey_file_parse(&z1, (uint8_t *)d1, l1, NULL) == ZK_OK &&
              zkey_file_parse(&z2, (uint8_t *)d2, l2, NULL) == ZK_OK;
    CHECK_MSG(ok, "cannot read back %s and %s", k1, k2);
    if (ok) {
        char bad[512];
        uint8_t flip[64];
        struct {
            const char *what;
            const uint8_t *find;
            size_t flen, at, n;
            const uint8_t *with;
            bool snarkjs_too;
        } cases[] = {
            /* delta1 := the previous key's delta1 (a valid point) */
            {"delta1 changed", z2.delta1, 64, 0, 64, z1.delta1, true},
            /* L[2] := L[3] */
            {"one L point changed", z2.c, 64 * 4, 64 * 2, 64, z2.c + 64 * 3, true},
            /* H[9] := the previous key's H[9] */
            {"one H point changed", z2.h, 64 * 10, 64 * 9, 64, z1.h + 64 * 9, true},
            /* the first record's transcript, one bit flipped */
            {"contribution record tampered (transcript)", z2.contributions[0].transcript, 64, 0, 64,
             flip, true},
            /* the second record's g1_sx := its g1_s */
            {"contribution record tampered (g1_sx)", z2.contributions[1].g1_sx, 64, 0, 64,
             z2.contributions[1].g1_s, false},
        };
        memcpy(flip, z2.contributions[0].transcript, 64);
        flip[40] ^= 0x08;
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
            CASE_BEGIN("zkey verify rejects: %s", cases[i].what);
            snprintf(bad, sizeof(bad), "%s", th_tmp_path("tampered.zkey"));
            if (write_edited(bad, k2, cases[i].find, cases[i].flen, cases[i].at, cases[i].with,
                             cases[i].n)) {
                char *out = NULL;
                CHECK_EQ_INT(zkrelay_run(&out, "zkey", "verify", v_r1cs, v_ptau, bad, NULL), 3);
                CHECK(out && strstr(out, "ZKey Ok!") == NULL);
                free(out);
                if (cases[i].snarkjs_too) CHECK(!snarkjs_zkey_ok(bad, NULL));
            }
            CASE_END();
        }
    }
    zkey_file_clear(&z1);
    zkey_file_clear(&z2);
    free(d1);
    free(d2);
}

TEST(test_cli_usage)
{
    CASE_BEGIN("zkey CLI usage errors exit 2");
    CHECK_EQ_INT(zkrelay_run(NULL, "zkey", "beacon", v_zkey0, kb_ours, "0x01", "10", NULL), 2);
    CHECK_EQ_INT(zkrelay_run(NULL, "zkey", "beacon", v_zkey0, kb_ours, BEACON, "9", NULL), 2);
    CHECK_EQ_INT(zkrelay_run(NULL, "zkey", "beacon", v_zkey0, kb_ours, "abc", "10", NULL), 2);
    CHECK_EQ_INT(zkrelay_run(NULL, "zkey", "contribute", v_zkey0, NULL), 2);
    CHECK_EQ_INT(zkrelay_run(NULL, "zkey", "verify", v_r1cs, v_ptau, NULL), 2);
    CHECK_EQ_INT(zkrelay_run(NULL, "zkey", "contribute", "--help", NULL), 0);
    /* An unreadable input is a runtime failure, not a rejection. */
    CHECK_EQ_INT(
        zkrelay_run(NULL, "zkey", "verify", v_r1cs, v_ptau, th_tmp_path("missing.zkey"), NULL), 1);
    CASE_END();
}

TEST_MAIN(RUN(test_tools_present); RUN(test_snarkjs_verifies_our_contributions);
          RUN(test_contributed_key_proves_across); RUN(test_mixed_chain_and_beacon);
          RUN(test_both_reject_tampered_keys); RUN(test_cli_usage))
