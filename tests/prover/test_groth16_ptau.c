/* The trustless setup from a powers-of-tau file (prover/groth16_ptau.c): the key derived
 * from derived/pot10_final.ptau and groth16/circuit.r1cs is snarkjs 0.7.6's
 * derived/circuit_0000.zkey byte for byte (csHash included) and its vk is
 * circuit_0000_verification_key.json; a proof made with it verifies and a tampered one
 * does not; the same on the 1000-constraint circuit whose domain fills the ptau, checked
 * against the size, sha256 and csHash of snarkjs's key for it; and the
 * failures: a ptau too small, an unprepared ptau, corrupted points, an unfinalized
 * system. */
#include "harness.h"

#include <openssl/evp.h>

#include "lightclient/bytes.h"
#include "lightclient/hex.h"
#include "prover/groth16.h"
#include "prover/groth16_json.h"
#include "prover/ptau_file.h"
#include "prover/r1cs.h"
#include "prover/wtns_file.h"

#define PTAU_FINAL  "snarkjs/derived/pot10_final.ptau"
#define PTAU_BEACON "snarkjs/derived/pot10_beacon.ptau"
/* snarkjs's key for the tip circuit, as size, sha256 and csHash (source in the file). */
#define TIP_DIGEST "tests/vectors/groth16_ptau/tip_circuit_0000.json"

static uint64_t rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

/* A circuit and its witness from the vectors. Out: cs (release with r1cs_clear). */
static int load_circuit(r1cs *cs, const char *r1cs_rel, const char *wtns_rel)
{
    size_t rl = 0, wl = 0;
    uint8_t *rd = th_read_file(r1cs_rel, &rl), *wd = th_read_file(wtns_rel, &wl);
    CHECK_MSG(rd && wd, "missing vector %s or %s", r1cs_rel, wtns_rel);
    r1cs_file rf;
    wtns_file wt;
    memset(&rf, 0, sizeof(rf));
    memset(cs, 0, sizeof(*cs));
    int rc = rd && wd ? ZK_OK : ZK_ERR_IO;
    if (!rc) rc = r1cs_file_parse(&rf, rd, rl, NULL);
    if (!rc) rc = wtns_file_parse(&wt, wd, wl, NULL);
    if (!rc) rc = r1cs_from_files(cs, &rf, &wt, NULL);
    r1cs_file_clear(&rf);
    free(rd);
    free(wd);
    return rc;
}

/* Proves with pk and checks the proof verifies under vk, and that a proof with one
 * coordinate changed and a proof for another public input are rejected. */
static void check_prove(const groth16_pk *pk, const groth16_vk *vk, const r1cs *cs)
{
    groth16_proof p;
    zk_errbuf err = {{0}, 0};
    int rc = groth16_prove(&p, pk, cs, cs->values, cs->n_vars, 2, rng, NULL, &err);
    CHECK_MSG(rc == ZK_OK, "prove: %s", err.msg);
    uint8_t(*pub)[32] = malloc((size_t)pk->n_public * 32 + 1);
    CHECK(pub != NULL);
    if (rc || !pub) {
        free(pub);
        return;
    }
    groth16_public_from_witness(pub, cs->values, pk->n_public);
    CHECK_EQ_INT(groth16_verify(vk, (const uint8_t(*)[32])pub, pk->n_public, &p, NULL), ZK_OK);
    groth16_proof bad = p;
    g1_affine_neg(&bad.a, &bad.a);
    CHECK_EQ_INT(groth16_verify(vk, (const uint8_t(*)[32])pub, pk->n_public, &bad, NULL),
                 ZK_ERR_REJECTED);
    pub[0][31] ^= 1;
    CHECK_EQ_INT(groth16_verify(vk, (const uint8_t(*)[32])pub, pk->n_public, &p, NULL),
                 ZK_ERR_REJECTED);
    free(pub);
}

TEST(test_setup_matches_snarkjs)
{
    size_t pl = 0, zl = 0, vl = 0;
    uint8_t *pd = th_read_file(PTAU_FINAL, &pl);
    uint8_t *zd = th_read_file("snarkjs/derived/circuit_0000.zkey", &zl);
    char *vt = (char *)th_read_file("snarkjs/derived/circuit_0000_verification_key.json", &vl);
    CHECK_MSG(pd && zd && vt, "missing vectors");
    r1cs cs;
    ptau_file ptau;
    groth16_pk pk;
    groth16_vk vk, vkj;
    zkey_file z;
    memset(&z, 0, sizeof(z));
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    groth16_vk_init(&vkj);
    int rc = load_circuit(&cs, "snarkjs/groth16/circuit.r1cs", "snarkjs/groth16/witness.wtns");
    CHECK_EQ_INT(rc, ZK_OK);
    if (!pd || !zd || !vt || rc) goto out;
    CHECK_EQ_INT(ptau_file_parse(&ptau, pd, pl, NULL), ZK_OK);
    CHECK_EQ_INT(zkey_file_parse(&z, zd, zl, NULL), ZK_OK);

    CASE_BEGIN("circuit_0000.zkey from pot10_final.ptau, byte for byte");
    zk_errbuf err = {{0}, 0};
    rc = groth16_setup_from_ptau(&pk, &vk, &cs, &ptau, 2, &err);
    CHECK_MSG(rc == ZK_OK, "setup: %s", err.msg);
    CHECK(pk.insecure_label == NULL);
    CHECK_EQ_INT(pk.domain_size, 128);
    /* The hash alone first, so a mismatch says which part differs. */
    CHECK_MEM(pk.cs_hash, z.cs_hash, 64);
    zk_buf b;
    buf_init(&b, 0);
    CHECK_EQ_INT(groth16_pk_write_zkey(&b, &pk, NULL), ZK_OK);
    CHECK_EQ_INT(b.len, zl);
    if (b.len == zl) CHECK_MEM(b.data, zd, zl);
    buf_clear(&b);
    CASE_END();

    CASE_BEGIN("the vk equals circuit_0000_verification_key.json");
    groth16_json_vk j;
    CHECK_EQ_INT(groth16_vk_to_json(&j, &vk), ZK_OK);
    CHECK_EQ_INT(groth16_json_vk_write(&b, &j), ZK_OK);
    CHECK_EQ_INT(b.len, vl);
    if (b.len == vl) CHECK_MEM(b.data, vt, vl);
    groth16_json_vk_clear(&j);
    buf_clear(&b);
    CASE_END();

    CASE_BEGIN("one thread gives the same key");
    groth16_pk pk1;
    groth16_vk vk1;
    CHECK_EQ_INT(groth16_setup_from_ptau(&pk1, &vk1, &cs, &ptau, 1, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_pk_write_zkey(&b, &pk1, NULL), ZK_OK);
    CHECK_EQ_INT(b.len, zl);
    if (b.len == zl) CHECK_MEM(b.data, zd, zl);
    buf_clear(&b);
    groth16_pk_clear(&pk1);
    groth16_vk_clear(&vk1);
    CASE_END();

    CASE_BEGIN("a proof with the derived key verifies (ours and snarkjs's vk), forgeries do not");
    groth16_json_vk jv;
    memset(&jv, 0, sizeof(jv));
    CHECK_EQ_INT(groth16_json_vk_parse(&jv, vt, vl, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_vk_from_json(&vkj, &jv, NULL), ZK_OK);
    groth16_json_vk_clear(&jv);
    if (!rc) {
        check_prove(&pk, &vk, &cs);
        check_prove(&pk, &vkj, &cs);
    }
    CASE_END();
out:
    r1cs_clear(&cs);
    zkey_file_clear(&z);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    groth16_vk_clear(&vkj);
    free(pd);
    free(zd);
    free(vt);
}

/* The tip circuit (1000 constraints, 2 public): its domain 2^10 fills the power-10
 * ptau, the largest circuit the file allows, and the H hash reads section 2 up to its
 * second-to-last point. snarkjs's zkey for it is recorded by size, sha256 and csHash. */
TEST(test_setup_fills_ptau)
{
    size_t pl = 0;
    uint8_t *pd = th_read_file(PTAU_FINAL, &pl);
    char *dt = th_read_text(TIP_DIGEST);
    json_t *dj = dt ? json_loads(dt, 0, NULL) : NULL;
    CHECK_MSG(pd && dj, "missing or bad %s / %s", PTAU_FINAL, TIP_DIGEST);
    r1cs cs;
    ptau_file ptau;
    groth16_pk pk;
    groth16_vk vk;
    zk_buf b;
    buf_init(&b, 0);
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    int rc =
        load_circuit(&cs, "snarkjs/tip_groth16/circuit.r1cs", "snarkjs/tip_groth16/witness.wtns");
    CHECK_EQ_INT(rc, ZK_OK);
    if (!pd || !dj || rc) goto out;
    CHECK_EQ_INT(ptau_file_parse(&ptau, pd, pl, NULL), ZK_OK);

    CASE_BEGIN("tip_groth16 circuit: domain 2^10 from a power-10 ptau equals snarkjs's zkey");
    zk_errbuf err = {{0}, 0};
    rc = groth16_setup_from_ptau(&pk, &vk, &cs, &ptau, 0, &err);
    CHECK_MSG(rc == ZK_OK, "setup: %s", err.msg);
    CHECK_EQ_INT(pk.domain_size, 1024);
    CHECK_EQ_INT(pk.n_public, 2);
    uint8_t want_hash[64], want_sha[32], sha[32];
    unsigned sha_len = 0;
    CHECK_EQ_INT(
        hex_decode_fixed(want_hash, 64, json_string_value(json_object_get(dj, "cs_hash")), NULL),
        ZK_OK);
    CHECK_EQ_INT(
        hex_decode_fixed(want_sha, 32, json_string_value(json_object_get(dj, "zkey_sha256")), NULL),
        ZK_OK);
    CHECK_MEM(pk.cs_hash, want_hash, 64);
    CHECK_EQ_INT(groth16_pk_write_zkey(&b, &pk, NULL), ZK_OK);
    CHECK_EQ_INT(b.len, json_integer_value(json_object_get(dj, "zkey_bytes")));
    CHECK(EVP_Digest(b.data, b.len, sha, &sha_len, EVP_sha256(), NULL) == 1 && sha_len == 32);
    CHECK_MEM(sha, want_sha, 32);
    CASE_END();

    CASE_BEGIN("tip_groth16 circuit: a proof with the derived key verifies");
    if (!rc) check_prove(&pk, &vk, &cs);
    CASE_END();
out:
    buf_clear(&b);
    json_decref(dj);
    free(dt);
    r1cs_clear(&cs);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    free(pd);
}

/* A built circuit of n_cons squarings x_{i+1} = x_i^2 with x_0 public. */
static int build_chain(r1cs *cs, size_t n_cons)
{
    int rc = r1cs_init(cs);
    if (rc) return rc;
    fr v;
    fr_from_u64(&v, 3);
    r1cs_var x, y;
    r1cs_lc a, c;
    r1cs_lc_init(&a);
    r1cs_lc_init(&c);
    rc = r1cs_alloc_public(cs, &x, &v);
    for (size_t i = 0; !rc && i < n_cons; i++) {
        fr_sqr(&v, &v);
        r1cs_lc_reset(&a);
        r1cs_lc_reset(&c);
        if ((rc = r1cs_alloc_private(cs, &y, &v)) || (rc = r1cs_lc_add_var(&a, x)) ||
            (rc = r1cs_lc_add_var(&c, y)) || (rc = r1cs_add_constraint(cs, &a, &a, &c, NULL)))
            break;
        x = y;
    }
    r1cs_lc_clear(&a);
    r1cs_lc_clear(&c);
    return rc;
}

TEST(test_ptau_too_small)
{
    size_t pl = 0;
    uint8_t *pd = th_read_file(PTAU_FINAL, &pl);
    CHECK_MSG(pd != NULL, "missing %s", PTAU_FINAL);
    r1cs cs;
    ptau_file ptau;
    groth16_pk pk;
    groth16_vk vk;
    memset(&cs, 0, sizeof(cs));
    if (!pd) goto out;
    CHECK_EQ_INT(ptau_file_parse(&ptau, pd, pl, NULL), ZK_OK);

    CASE_BEGIN("1022 constraints + 1 public + 1 fill power 10; one more does not");
    CHECK_EQ_INT(build_chain(&cs, 1022), ZK_OK);
    CHECK_EQ_INT(r1cs_finalize(&cs), ZK_OK);
    zk_errbuf err = {{0}, 0};
    int rc = groth16_setup_from_ptau(&pk, &vk, &cs, &ptau, 2, &err);
    CHECK_MSG(rc == ZK_OK, "setup: %s", err.msg);
    CHECK_EQ_INT(pk.domain_size, 1024);
    if (!rc) check_prove(&pk, &vk, &cs);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    r1cs_clear(&cs);
    CHECK_EQ_INT(build_chain(&cs, 1023), ZK_OK);
    CHECK_EQ_INT(r1cs_finalize(&cs), ZK_OK);
    CHECK_EQ_INT(groth16_setup_from_ptau(&pk, &vk, &cs, &ptau, 2, &err), ZK_ERR_RANGE);
    CHECK_MSG(strstr(err.msg, "2^11") && strstr(err.msg, "power 10"), "message: %s", err.msg);
    CHECK(pk.a == NULL && vk.ic == NULL);
    CASE_END();

    CASE_BEGIN("a system that is not finalized is refused");
    r1cs_clear(&cs);
    CHECK_EQ_INT(build_chain(&cs, 3), ZK_OK);
    CHECK_EQ_INT(groth16_setup_from_ptau(&pk, &vk, &cs, &ptau, 2, NULL), ZK_ERR_USAGE);
    CASE_END();
out:
    r1cs_clear(&cs);
    free(pd);
}

TEST(test_ptau_unprepared)
{
    size_t pl = 0;
    uint8_t *pd = th_read_file(PTAU_BEACON, &pl);
    CHECK_MSG(pd != NULL, "missing %s", PTAU_BEACON);
    r1cs cs;
    ptau_file ptau;
    groth16_pk pk;
    groth16_vk vk;
    int rc = load_circuit(&cs, "snarkjs/groth16/circuit.r1cs", "snarkjs/groth16/witness.wtns");
    CHECK_EQ_INT(rc, ZK_OK);
    if (!pd || rc) goto out;
    CASE_BEGIN("pot10_beacon.ptau (raw accumulation): refused, the message names the fix");
    CHECK_EQ_INT(ptau_file_parse(&ptau, pd, pl, NULL), ZK_OK);
    CHECK(!ptau.prepared);
    CHECK_EQ_INT(ptau_file_section_points(&ptau, PTAU_SECTION_LAGRANGE_TAU_G1), 0);
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(groth16_setup_from_ptau(&pk, &vk, &cs, &ptau, 2, &err), ZK_ERR_NOTFOUND);
    CHECK_MSG(strstr(err.msg, "snarkjs powersoftau prepare phase2") != NULL, "message: %s",
              err.msg);
    CASE_END();
out:
    r1cs_clear(&cs);
    free(pd);
}

/* One corruption of a ptau point the setup reads. */
typedef struct corruption {
    const char *what;
    uint32_t section;
    bool lagrange;
    uint32_t log_n;
    uint64_t k;
    size_t byte; /* offset in the point */
    bool set_q;  /* write q into the coordinate at byte (>= q) instead of adding 1 */
    int want;
    const char *msg; /* expected in the message */
} corruption;

TEST(test_ptau_corrupted)
{
    static const corruption cases[] = {
        {"Lagrange tauG1 (A, B1, C) y + 1", PTAU_SECTION_LAGRANGE_TAU_G1, true, 7, 3, 32, false,
         ZK_ERR_NOT_ON_CURVE, "section 12 (Lagrange tauG1), block 2^7, point 3 is not on G1"},
        {"Lagrange tauG2 (B2) x.c1 + 1", PTAU_SECTION_LAGRANGE_TAU_G2, true, 7, 100, 32, false,
         ZK_ERR_NOT_ON_CURVE,
         "section 13 (Lagrange tauG2), block 2^7, point 100 is not on the "
         "twist"},
        {"Lagrange alphaTauG1 x + 1", PTAU_SECTION_LAGRANGE_ALPHA_TAU_G1, true, 7, 0, 0, false,
         ZK_ERR_NOT_ON_CURVE, "section 14"},
        {"Lagrange betaTauG1 y + 1", PTAU_SECTION_LAGRANGE_BETA_TAU_G1, true, 7, 127, 32, false,
         ZK_ERR_NOT_ON_CURVE, "section 15"},
        {"H point (odd point of the 2^8 block) y + 1", PTAU_SECTION_LAGRANGE_TAU_G1, true, 8, 201,
         32, false, ZK_ERR_NOT_ON_CURVE, "block 2^8, point 201"},
        {"tauG1 (H hash) point 254 y + 1", PTAU_SECTION_TAU_G1, false, 0, 254, 32, false,
         ZK_ERR_NOT_ON_CURVE, "section 2 (tauG1), point 254 is not on G1"},
        {"alpha1 x + 1", PTAU_SECTION_ALPHA_TAU_G1, false, 0, 0, 0, false, ZK_ERR_NOT_ON_CURVE,
         "section 4 (alphaTauG1), point 0"},
        {"beta1 y + 1", PTAU_SECTION_BETA_TAU_G1, false, 0, 0, 32, false, ZK_ERR_NOT_ON_CURVE,
         "section 5"},
        {"betaG2 y.c0 + 1", PTAU_SECTION_BETA_G2, false, 0, 0, 64, false, ZK_ERR_NOT_ON_CURVE,
         "section 6"},
        {"Lagrange tauG1 coordinate = q", PTAU_SECTION_LAGRANGE_TAU_G1, true, 7, 5, 0, true,
         ZK_ERR_RANGE, "block 2^7, point 5"},
    };
    size_t pl = 0;
    uint8_t *pd = th_read_file(PTAU_FINAL, &pl);
    uint8_t *copy = pd ? malloc(pl) : NULL;
    CHECK_MSG(pd && copy, "missing %s", PTAU_FINAL);
    r1cs cs;
    int rc = load_circuit(&cs, "snarkjs/groth16/circuit.r1cs", "snarkjs/groth16/witness.wtns");
    CHECK_EQ_INT(rc, ZK_OK);
    if (!pd || !copy || rc) goto out;
    ptau_file orig;
    CHECK_EQ_INT(ptau_file_parse(&orig, pd, pl, NULL), ZK_OK);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const corruption *t = &cases[i];
        CASE_BEGIN("corrupted ptau: %s", t->what);
        const uint8_t *pt = NULL;
        int prc = t->lagrange
                      ? ptau_file_lagrange_point(&orig, &pt, t->section, t->log_n, t->k, NULL)
                      : ptau_file_point(&orig, &pt, t->section, t->k, NULL);
        CHECK_EQ_INT(prc, ZK_OK);
        if (prc) {
            CASE_END();
            continue;
        }
        size_t off = (size_t)(pt - pd) + t->byte;
        memcpy(copy, pd, pl);
        if (t->set_q) {
            memcpy(copy + off, binfile_bn254_q_le, 32);
        } else {
            CHECK(copy[off] != 0xff); /* + 1 without a carry keeps the value < q */
            copy[off]++;
        }
        ptau_file bad;
        groth16_pk pk;
        groth16_vk vk;
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(ptau_file_parse(&bad, copy, pl, NULL), ZK_OK);
        CHECK_EQ_INT(groth16_setup_from_ptau(&pk, &vk, &cs, &bad, 2, &err), t->want);
        CHECK_MSG(strstr(err.msg, t->msg) != NULL, "message: %s", err.msg);
        CHECK(pk.a == NULL && vk.ic == NULL);
        groth16_pk_clear(&pk);
        groth16_vk_clear(&vk);
        CASE_END();
    }
out:
    r1cs_clear(&cs);
    free(pd);
    free(copy);
}

TEST_MAIN(RUN(test_setup_matches_snarkjs); RUN(test_setup_fills_ptau); RUN(test_ptau_too_small);
          RUN(test_ptau_unprepared); RUN(test_ptau_corrupted))
