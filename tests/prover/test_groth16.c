/* Groth16: the upstream snarkjs proof accepted and its derived forgeries rejected; our
 * prover on the snarkjs zkeys (upstream and ptau-derived) accepted by their keys, with the
 * exported verification key byte-identical to snarkjs's; tampered proofs and other
 * public inputs rejected; development setups of built circuits round-tripped through a
 * .zkey; unsatisfied witnesses refused; proofs randomized. */
#include "harness.h"

#include "lightclient/bytes.h"
#include "prover/groth16.h"
#include "prover/groth16_json.h"
#include "prover/r1cs.h"
#include "prover/wtns_file.h"
#include "prover/zkey_file.h"

static uint64_t rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

static char *load_text(const char *rel, size_t *len)
{
    char *t = (char *)th_read_file(rel, len);
    CHECK_MSG(t != NULL, "missing vector %s", rel);
    return t;
}

static int load_vk(groth16_vk *vk, const char *rel)
{
    size_t len = 0;
    char *t = load_text(rel, &len);
    groth16_json_vk j;
    memset(&j, 0, sizeof(j));
    int rc = t ? groth16_json_vk_parse(&j, t, len, NULL) : ZK_ERR_IO;
    if (!rc) rc = groth16_vk_from_json(vk, &j, NULL);
    groth16_json_vk_clear(&j);
    free(t);
    return rc;
}

static int load_proof(groth16_proof *p, const char *rel)
{
    size_t len = 0;
    char *t = load_text(rel, &len);
    groth16_json_proof j;
    int rc = t ? groth16_json_proof_parse(&j, t, len, NULL) : ZK_ERR_IO;
    if (!rc) rc = groth16_proof_from_json(p, &j, NULL);
    free(t);
    return rc;
}

/* Out: *pub (malloc'd), *n. */
static int load_public(uint8_t **pub, size_t *n, const char *rel)
{
    size_t len = 0;
    char *t = load_text(rel, &len);
    int rc = t ? groth16_json_public_parse(pub, n, t, len, NULL) : ZK_ERR_IO;
    free(t);
    return rc;
}

TEST(test_verify_upstream)
{
    groth16_vk vk;
    groth16_vk_init(&vk);
    groth16_proof good, p;
    uint8_t *pub = NULL, *bad_pub = NULL;
    size_t n = 0, nb = 0;
    bool ok = load_vk(&vk, "snarkjs/derived/verification_key.json") == ZK_OK &&
              load_proof(&good, "snarkjs/groth16/proof.json") == ZK_OK &&
              load_public(&pub, &n, "snarkjs/groth16/public.json") == ZK_OK &&
              load_public(&bad_pub, &nb, "snarkjs/derived/public_bad_plus1.json") == ZK_OK;
    CHECK(ok);
    if (ok) {
        CASE_BEGIN("upstream proof.json + public.json accepted");
        CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, n, &good, NULL), ZK_OK);
        CASE_END();

        CASE_BEGIN("proof_bad_pi_a_y_negated rejected");
        CHECK_EQ_INT(load_proof(&p, "snarkjs/derived/proof_bad_pi_a_y_negated.json"), ZK_OK);
        CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, n, &p, NULL), ZK_ERR_REJECTED);
        CASE_END();

        CASE_BEGIN("proof_bad_pi_c_x_plus1 rejected (off the curve)");
        CHECK_EQ_INT(load_proof(&p, "snarkjs/derived/proof_bad_pi_c_x_plus1.json"), ZK_OK);
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, n, &p, &err),
                     ZK_ERR_NOT_ON_CURVE);
        CHECK(strstr(err.msg, "C") != NULL);
        CASE_END();

        CASE_BEGIN("public_bad_plus1 rejected");
        CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])bad_pub, nb, &good, NULL),
                     ZK_ERR_REJECTED);
        CASE_END();

        CASE_BEGIN("public value >= r and wrong count refused");
        uint8_t big[1][32];
        memcpy(big[0], groth16_json_r_be, 32);
        CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])big, 1, &good, NULL), ZK_ERR_RANGE);
        CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, 0, &good, NULL),
                     ZK_ERR_MISMATCH);
        CASE_END();

        CASE_BEGIN("B outside G2 refused");
        /* A twist point outside the subgroup: hash-and-check x = 1, 2, ... until on the
         * twist; the cofactor makes it almost surely not in G2. */
        p = good;
        for (uint64_t x = 1; x < 100; x++) {
            fp2 rhs, y;
            fp_from_u64(&p.b.x.c0, x);
            fp_set_zero(&p.b.x.c1);
            fp2_sqr(&rhs, &p.b.x);
            fp2_mul(&rhs, &rhs, &p.b.x);
            fp2_add(&rhs, &rhs, &G2_B);
            if (fp2_sqrt(&y, &rhs) == ZK_OK) {
                p.b.y = y;
                break;
            }
        }
        CHECK(g2_affine_is_on_curve(&p.b));
        CHECK(!g2_affine_is_in_subgroup(&p.b));
        CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, n, &p, NULL),
                     ZK_ERR_NOT_IN_GROUP);
        CASE_END();
    }
    free(pub);
    free(bad_pub);
    groth16_vk_clear(&vk);
}

/* Changes each of the 8 proof coordinates (+1 mod p) in turn; each must be rejected. */
static void check_tampered(const groth16_vk *vk, const uint8_t (*pub)[32], size_t n,
                           const groth16_proof *good, const char *what)
{
    for (int i = 0; i < 8; i++) {
        CASE_BEGIN("%s: coordinate %d changed", what, i);
        groth16_proof p = *good;
        fp *co[8] = {&p.a.x, &p.a.y, &p.b.x.c0, &p.b.x.c1, &p.b.y.c0, &p.b.y.c1, &p.c.x, &p.c.y};
        fp one;
        fp_set_one(&one);
        fp_add(co[i], co[i], &one);
        CHECK(groth16_verify(vk, pub, n, &p, NULL) != ZK_OK);
        CASE_END();
    }
}

/* Proves with a snarkjs zkey and the upstream witness, and checks the result. */
static void prove_with_zkey(const char *zkey_rel, const char *vk_rel)
{
    size_t zl = 0, wl = 0, vl = 0, rl = 0;
    uint8_t *zd = th_read_file(zkey_rel, &zl);
    uint8_t *wd = th_read_file("snarkjs/groth16/witness.wtns", &wl);
    uint8_t *rd = th_read_file("snarkjs/groth16/circuit.r1cs", &rl);
    char *vt = load_text(vk_rel, &vl);
    CHECK_MSG(zd && wd && rd, "missing vectors for %s", zkey_rel);
    zkey_file z;
    wtns_file w;
    r1cs_file rf;
    r1cs cs;
    groth16_pk pk;
    groth16_vk vk, vkj;
    memset(&z, 0, sizeof(z));
    memset(&rf, 0, sizeof(rf));
    memset(&cs, 0, sizeof(cs));
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    groth16_vk_init(&vkj);
    uint8_t(*pub)[32] = NULL;
    if (!zd || !wd || !rd || !vt) goto out;

    CASE_BEGIN("%s: key conversion, vk equals %s byte for byte", zkey_rel, vk_rel);
    CHECK_EQ_INT(zkey_file_parse(&z, zd, zl, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_pk_from_zkey(&pk, &z, NULL), ZK_OK);
    CHECK(pk.insecure_label == NULL);
    CHECK_EQ_INT(groth16_vk_from_pk(&vk, &pk), ZK_OK);
    groth16_json_vk j;
    zk_buf b;
    buf_init(&b, 0);
    CHECK_EQ_INT(groth16_vk_to_json(&j, &vk), ZK_OK);
    CHECK_EQ_INT(groth16_json_vk_write(&b, &j), ZK_OK);
    CHECK_EQ_INT(b.len, vl);
    if (b.len == vl) CHECK_MEM(b.data, vt, vl);
    groth16_json_vk_clear(&j);
    buf_clear(&b);
    /* The pk writes back the same zkey bytes (csHash kept, no contributions). */
    CHECK_EQ_INT(groth16_pk_write_zkey(&b, &pk, NULL), ZK_OK);
    CHECK_EQ_INT(b.len, zl);
    if (b.len == zl) CHECK_MEM(b.data, zd, zl);
    buf_clear(&b);
    CASE_END();

    CASE_BEGIN("%s: our proof verifies under the snarkjs vk", zkey_rel);
    CHECK_EQ_INT(wtns_file_parse(&w, wd, wl, NULL), ZK_OK);
    CHECK_EQ_INT(r1cs_file_parse(&rf, rd, rl, NULL), ZK_OK);
    CHECK_EQ_INT(r1cs_from_files(&cs, &rf, &w, NULL), ZK_OK);
    CHECK_EQ_INT(load_vk(&vkj, vk_rel), ZK_OK);
    groth16_proof p1, p2;
    zk_errbuf err = {{0}, 0};
    int rc = groth16_prove(&p1, &pk, &cs, cs.values, cs.n_vars, 2, rng, NULL, &err);
    CHECK_MSG(rc == ZK_OK, "prove: %s", err.msg);
    pub = malloc((size_t)pk.n_public * 32);
    if (!pub || rc) goto out_case;
    groth16_public_from_witness(pub, cs.values, pk.n_public);
    CHECK_EQ_INT(groth16_verify(&vkj, (const uint8_t(*)[32])pub, pk.n_public, &p1, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, pk.n_public, &p1, NULL), ZK_OK);
    /* The proof survives proof.json. */
    groth16_json_proof jp, jp2;
    groth16_proof back;
    groth16_proof_to_json(&jp, &p1);
    buf_init(&b, 0);
    CHECK_EQ_INT(groth16_json_proof_write(&b, &jp), ZK_OK);
    CHECK_EQ_INT(groth16_json_proof_parse(&jp2, (const char *)b.data, b.len, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_proof_from_json(&back, &jp2, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_verify(&vkj, (const uint8_t(*)[32])pub, pk.n_public, &back, NULL), ZK_OK);
    buf_clear(&b);
    /* Without the r1cs (as `groth16 prove zkey wtns` runs) the same. */
    CHECK_EQ_INT(groth16_prove(&p2, &pk, NULL, cs.values, cs.n_vars, 1, rng, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_verify(&vkj, (const uint8_t(*)[32])pub, pk.n_public, &p2, NULL), ZK_OK);
out_case:
    CASE_END();
    if (!pub || rc) goto out;

    CASE_BEGIN("%s: proof for other public inputs rejected", zkey_rel);
    uint8_t other[1][32];
    memcpy(other[0], pub[0], 32);
    other[0][31] ^= 1;
    CHECK_EQ_INT(groth16_verify(&vkj, (const uint8_t(*)[32])other, 1, &p1, NULL), ZK_ERR_REJECTED);
    CASE_END();
    check_tampered(&vkj, (const uint8_t(*)[32])pub, pk.n_public, &p1, zkey_rel);

    CASE_BEGIN("%s: unsatisfied witness refused, with and without the r1cs", zkey_rel);
    fr one;
    fr_set_one(&one);
    fr_add(&cs.values[10], &cs.values[10], &one);
    size_t bad = 0;
    CHECK_EQ_INT(r1cs_is_satisfied(&cs, &bad, NULL), ZK_ERR_REJECTED);
    zk_errbuf e2 = {{0}, 0};
    char expect[64];
    snprintf(expect, sizeof(expect), "constraint %zu ", bad);
    CHECK_EQ_INT(groth16_prove(&p2, &pk, &cs, cs.values, cs.n_vars, 2, rng, NULL, &e2),
                 ZK_ERR_REJECTED);
    CHECK_MSG(strstr(e2.msg, expect) != NULL, "error names the constraint: %s", e2.msg);
    CHECK_EQ_INT(groth16_prove(&p2, &pk, NULL, cs.values, cs.n_vars, 2, rng, NULL, NULL),
                 ZK_ERR_REJECTED);
    CHECK_EQ_INT(groth16_prove(&p2, &pk, NULL, cs.values, cs.n_vars - 1, 2, rng, NULL, NULL),
                 ZK_ERR_MISMATCH);
    fr_sub(&cs.values[10], &cs.values[10], &one);
    CASE_END();
out:
    free(pub);
    free(zd);
    free(wd);
    free(rd);
    free(vt);
    zkey_file_clear(&z);
    r1cs_file_clear(&rf);
    r1cs_clear(&cs);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    groth16_vk_clear(&vkj);
}

TEST(test_prove_upstream_zkey)
{
    prove_with_zkey("snarkjs/groth16/circuit.zkey", "snarkjs/derived/verification_key.json");
}

TEST(test_prove_derived_zkey)
{
    prove_with_zkey("snarkjs/derived/circuit_0000.zkey",
                    "snarkjs/derived/circuit_0000_verification_key.json");
}

/* x^3 + x + 5 = out, out public (allocated last), plus a public input p and p*p = q. */
static int build_circuit(r1cs *cs, uint64_t xv, uint64_t pv)
{
    r1cs_var x, x2, x3, out, p, q;
    r1cs_lc a, b, c;
    r1cs_lc_init(&a);
    r1cs_lc_init(&b);
    r1cs_lc_init(&c);
    fr X, X2, X3, O, five, one, P, Q;
    fr_from_u64(&X, xv);
    fr_from_u64(&P, pv);
    fr_from_u64(&five, 5);
    fr_set_one(&one);
    fr_mul(&X2, &X, &X);
    fr_mul(&X3, &X2, &X);
    fr_add(&O, &X3, &X);
    fr_add(&O, &O, &five);
    fr_mul(&Q, &P, &P);
    int rc = r1cs_init(cs);
    if (!rc) rc = r1cs_alloc_private(cs, &x, &X);
    if (!rc) rc = r1cs_alloc_private(cs, &x2, &X2);
    if (!rc) rc = r1cs_alloc_private(cs, &x3, &X3);
    if (!rc) rc = r1cs_alloc_private(cs, &q, &Q);
    if (!rc) rc = r1cs_alloc(cs, &out, R1CS_KIND_PUBLIC_OUTPUT, &O);
    if (!rc) rc = r1cs_alloc_public(cs, &p, &P);
    if (!rc) rc = r1cs_lc_add_var(&a, x) || r1cs_lc_add_var(&b, x) || r1cs_lc_add_var(&c, x2);
    if (!rc) rc = r1cs_add_constraint(cs, &a, &b, &c, NULL);
    r1cs_lc_reset(&a);
    r1cs_lc_reset(&b);
    r1cs_lc_reset(&c);
    if (!rc) rc = r1cs_lc_add_var(&a, x2) || r1cs_lc_add_var(&b, x) || r1cs_lc_add_var(&c, x3);
    if (!rc) rc = r1cs_add_constraint(cs, &a, &b, &c, NULL);
    r1cs_lc_reset(&a);
    r1cs_lc_reset(&b);
    r1cs_lc_reset(&c);
    if (!rc)
        rc = r1cs_lc_add_var(&a, x3) || r1cs_lc_add_var(&a, x) || r1cs_lc_add_constant(&a, &five) ||
             r1cs_lc_add_constant(&b, &one) || r1cs_lc_add_var(&c, out);
    if (!rc) rc = r1cs_add_constraint(cs, &a, &b, &c, NULL);
    r1cs_lc_reset(&a);
    r1cs_lc_reset(&b);
    r1cs_lc_reset(&c);
    if (!rc) rc = r1cs_lc_add_var(&a, p) || r1cs_lc_add_var(&b, p) || r1cs_lc_add_var(&c, q);
    if (!rc) rc = r1cs_add_constraint(cs, &a, &b, &c, NULL);
    if (!rc) rc = r1cs_finalize(cs);
    r1cs_lc_clear(&a);
    r1cs_lc_clear(&b);
    r1cs_lc_clear(&c);
    return rc;
}

TEST(test_dev_setup)
{
    r1cs cs;
    groth16_pk pk, pk2;
    groth16_vk vk;
    zkey_file z;
    zk_buf b;
    memset(&z, 0, sizeof(z));
    buf_init(&b, 0);
    groth16_pk_init(&pk2);

    CASE_BEGIN("dev setup: prove/verify round trip");
    CHECK_EQ_INT(build_circuit(&cs, 3, 11), ZK_OK);
    CHECK_EQ_INT(r1cs_is_satisfied(&cs, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_setup_dev(&pk, &vk, &cs, rng, NULL, NULL), ZK_OK);
    CHECK(pk.insecure_label != NULL);
    /* 4 constraints + 2 public + 1 = 7 rows -> domain 8, as snarkjs picks. */
    CHECK_EQ_INT(pk.domain_size, 8);
    CHECK_EQ_INT(pk.n_public, 2);
    groth16_proof p1, p2;
    uint8_t pub[2][32];
    groth16_public_from_witness(pub, cs.values, 2);
    CHECK_EQ_INT(groth16_prove(&p1, &pk, &cs, cs.values, cs.n_vars, 2, rng, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, 2, &p1, NULL), ZK_OK);
    CASE_END();

    CASE_BEGIN("dev setup: proofs are randomized");
    CHECK_EQ_INT(groth16_prove(&p2, &pk, &cs, cs.values, cs.n_vars, 1, rng, NULL, NULL), ZK_OK);
    CHECK(!g1_affine_eq(&p1.a, &p2.a));
    CHECK(!g2_affine_eq(&p1.b, &p2.b));
    CHECK(!g1_affine_eq(&p1.c, &p2.c));
    CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, 2, &p2, NULL), ZK_OK);
    CASE_END();

    CASE_BEGIN("dev setup: other public inputs rejected");
    uint8_t other[2][32];
    memcpy(other, pub, sizeof(pub));
    other[1][31] ^= 2;
    CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])other, 2, &p1, NULL), ZK_ERR_REJECTED);
    memcpy(other, pub, sizeof(pub));
    other[0][31] ^= 1;
    CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])other, 2, &p1, NULL), ZK_ERR_REJECTED);
    CASE_END();
    check_tampered(&vk, (const uint8_t(*)[32])pub, 2, &p1, "dev setup");

    CASE_BEGIN("dev setup: unsatisfied witness refused naming the constraint");
    fr *w = malloc(cs.n_vars * sizeof(fr));
    if (w) {
        memcpy(w, cs.values, cs.n_vars * sizeof(fr));
        fr one;
        fr_set_one(&one);
        /* wire layout: 0 one, 1 out, 2 p, 3 x, 4 x2, 5 x3, 6 q; corrupt x3 -> constraint 1 */
        fr_add(&w[5], &w[5], &one);
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(groth16_prove(&p2, &pk, &cs, w, cs.n_vars, 2, rng, NULL, &err),
                     ZK_ERR_REJECTED);
        CHECK_MSG(strstr(err.msg, "constraint 1 ") != NULL, "message: %s", err.msg);
        CHECK_EQ_INT(groth16_prove(&p2, &pk, NULL, w, cs.n_vars, 2, rng, NULL, NULL),
                     ZK_ERR_REJECTED);
        free(w);
    } else {
        CHECK(false);
    }
    CASE_END();

    CASE_BEGIN("dev setup: zkey written, re-read by the formats layer, proves again");
    CHECK_EQ_INT(groth16_pk_write_zkey(&b, &pk, NULL), ZK_OK);
    CHECK_EQ_INT(zkey_file_parse(&z, b.data, b.len, NULL), ZK_OK);
    CHECK_EQ_INT(z.n_contributions, 1);
    CHECK_EQ_INT(groth16_pk_from_zkey(&pk2, &z, NULL), ZK_OK);
    CHECK(pk2.insecure_label != NULL);
    CHECK_EQ_INT(pk2.n_coefs, pk.n_coefs);
    CHECK_EQ_INT(groth16_prove(&p2, &pk2, NULL, cs.values, cs.n_vars, 2, rng, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, 2, &p2, NULL), ZK_OK);
    zk_buf b2;
    buf_init(&b2, 0);
    CHECK_EQ_INT(groth16_pk_write_zkey(&b2, &pk2, NULL), ZK_OK);
    CHECK_EQ_INT(b2.len, b.len);
    if (b2.len == b.len) CHECK_MEM(b2.data, b.data, b.len);
    buf_clear(&b2);
    CASE_END();

    CASE_BEGIN("dev setup: a second setup's vk rejects the first's proof");
    groth16_pk pk3;
    groth16_vk vk3;
    CHECK_EQ_INT(groth16_setup_dev(&pk3, &vk3, &cs, rng, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(groth16_verify(&vk3, (const uint8_t(*)[32])pub, 2, &p1, NULL), ZK_ERR_REJECTED);
    groth16_pk_clear(&pk3);
    groth16_vk_clear(&vk3);
    CASE_END();

    CASE_BEGIN("dev setup refuses an unfinalized system");
    r1cs raw;
    CHECK_EQ_INT(r1cs_init(&raw), ZK_OK);
    CHECK_EQ_INT(groth16_setup_dev(&pk3, &vk3, &raw, rng, NULL, NULL), ZK_ERR_USAGE);
    r1cs_clear(&raw);
    CASE_END();

    zkey_file_clear(&z);
    buf_clear(&b);
    groth16_pk_clear(&pk);
    groth16_pk_clear(&pk2);
    groth16_vk_clear(&vk);
    r1cs_clear(&cs);
}

TEST_MAIN(RUN(test_verify_upstream); RUN(test_prove_upstream_zkey); RUN(test_prove_derived_zkey);
          RUN(test_dev_setup))
