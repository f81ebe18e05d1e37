/* prover/stmt_prove.c: a proving key read from a .zkey file, the shape check of a built
 * system against it, and proofs that verify; every refusal path (another shape, a wrong
 * public count, an unsatisfied witness, a missing or cut file). The circuit is a small
 * chain x_{i+1} = x_i^2 + 1 with x_n public, so the test runs in well under a second. */
#include "harness.h"
#include "prover/groth16.h"
#include "prover/stmt_prove.h"

/* Builds the chain of n squarings from x0 into cs (initialised here), not finalized.
 * Out: *mid = the handle of x_1 (a private wire the negative test corrupts). */
static int chain_build(r1cs *cs, size_t n, uint64_t x0, r1cs_var *mid)
{
    fr x, one;
    fr_from_u64(&x, x0);
    fr_set_one(&one);
    r1cs_var prev, cur, out;
    int rc = r1cs_init(cs);
    if (!rc) rc = r1cs_alloc_private(cs, &prev, &x);
    r1cs_lc a, b, c;
    r1cs_lc_init(&a);
    r1cs_lc_init(&b);
    r1cs_lc_init(&c);
    for (size_t i = 0; i < n && !rc; i++) {
        fr nx;
        fr_mul(&nx, &x, &x);
        fr_add(&nx, &nx, &one);
        rc = i + 1 == n ? r1cs_alloc(cs, &cur, R1CS_KIND_PUBLIC_OUTPUT, &nx)
                        : r1cs_alloc_private(cs, &cur, &nx);
        if (!rc && i == 0 && mid) *mid = cur;
        r1cs_lc_reset(&a);
        r1cs_lc_reset(&b);
        r1cs_lc_reset(&c);
        if (!rc)
            rc = r1cs_lc_add_var(&a, prev) || r1cs_lc_add_var(&b, prev) ||
                         r1cs_lc_add_var(&c, cur) || r1cs_lc_add_constant(&c, &one)
                     ? ZK_ERR_NOMEM
                     : 0;
        /* x * x = x' - 1 */
        if (!rc) {
            fr m1;
            fr_neg(&m1, &one);
            r1cs_lc_reset(&c);
            rc = r1cs_lc_add_var(&c, cur) || r1cs_lc_add_constant(&c, &m1) ? ZK_ERR_NOMEM : 0;
        }
        if (!rc) rc = r1cs_add_constraint(cs, &a, &b, &c, NULL);
        prev = cur;
        x = nx;
    }
    out = prev;
    (void)out;
    r1cs_lc_clear(&a);
    r1cs_lc_clear(&b);
    r1cs_lc_clear(&c);
    return rc;
}

static uint64_t rng_state = 1;
static uint64_t rng(void *ctx)
{
    (void)ctx;
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state ^ th_rand64();
}

TEST(test_stmt_prove)
{
    r1cs cs;
    groth16_pk pk;
    groth16_vk vk;
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    CHECK_EQ_INT(chain_build(&cs, 8, 3, NULL), ZK_OK);
    CHECK_EQ_INT(r1cs_finalize(&cs), ZK_OK);
    CHECK_EQ_INT(groth16_setup_dev(&pk, &vk, &cs, rng, NULL, NULL), ZK_OK);
    r1cs_clear(&cs);
    zk_buf z;
    buf_init(&z, 0);
    CHECK_EQ_INT(groth16_pk_write_zkey(&z, &pk, NULL), ZK_OK);
    const char *path = th_tmp_path("chain.zkey");
    CHECK(th_write_file(path, z.data, z.len));
    groth16_pk_clear(&pk);

    CASE_BEGIN("load: shape read from the key");
    stmt_key k;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(stmt_key_load(&k, path, &err), ZK_OK);
    CHECK_EQ_INT(k.n_constraints, 8);
    CHECK_EQ_INT(k.pk.n_public, 1);
    CHECK(k.pk.insecure_label != NULL);
    CASE_END();

    CASE_BEGIN("prove: a proof that verifies, with the public signal");
    uint8_t pub[1][32];
    groth16_proof proof;
    CHECK_EQ_INT(chain_build(&cs, 8, 5, NULL), ZK_OK);
    CHECK_EQ_INT(stmt_prove(&proof, pub, 1, &cs, &k, 2, &err), ZK_OK);
    CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, 1, &proof, NULL), ZK_OK);
    /* the signal is x_8 of the chain from 5 */
    uint8_t want[32];
    groth16_public_from_witness(&want, cs.values, 1);
    CHECK_MEM(pub[0], want, 32);
    r1cs_clear(&cs);
    pub[0][31] ^= 1;
    CHECK(groth16_verify(&vk, (const uint8_t(*)[32])pub, 1, &proof, NULL) != ZK_OK);
    CASE_END();

    CASE_BEGIN("another shape: ZK_ERR_MISMATCH naming both");
    CHECK_EQ_INT(chain_build(&cs, 9, 5, NULL), ZK_OK);
    CHECK_EQ_INT(stmt_prove(&proof, pub, 1, &cs, &k, 1, &err), ZK_ERR_MISMATCH);
    CHECK(strstr(err.msg, "other circuit parameters") != NULL);
    CHECK_EQ_INT(stmt_key_check_shape(&k, &cs, NULL), ZK_ERR_MISMATCH);
    r1cs_clear(&cs);
    CASE_END();

    CASE_BEGIN("a wrong public count: ZK_ERR_RANGE");
    CHECK_EQ_INT(chain_build(&cs, 8, 5, NULL), ZK_OK);
    uint8_t pub2[2][32];
    CHECK_EQ_INT(stmt_prove(&proof, pub2, 2, &cs, &k, 1, NULL), ZK_ERR_RANGE);
    r1cs_clear(&cs);
    CASE_END();

    CASE_BEGIN("an unsatisfied witness: refused, no proof");
    r1cs_var mid = 0;
    CHECK_EQ_INT(chain_build(&cs, 8, 5, &mid), ZK_OK);
    fr bad;
    fr_from_u64(&bad, 7);
    r1cs_set_value(&cs, mid, &bad);
    CHECK_EQ_INT(stmt_prove(&proof, pub, 1, &cs, &k, 1, NULL), ZK_ERR_REJECTED);
    r1cs_clear(&cs);
    CASE_END();
    stmt_key_clear(&k);

    CASE_BEGIN("missing and cut files");
    CHECK_EQ_INT(stmt_key_load(&k, th_tmp_path("nonexistent.zkey"), &err), ZK_ERR_IO);
    CHECK(strstr(err.msg, "nonexistent.zkey") != NULL);
    stmt_key_clear(&k);
    const char *cut = th_tmp_path("cut.zkey");
    CHECK(th_write_file(cut, z.data, z.len / 2));
    CHECK(stmt_key_load(&k, cut, &err) != ZK_OK);
    stmt_key_clear(&k);
    z.data[0] ^= 0x20; /* the magic */
    CHECK(th_write_file(cut, z.data, z.len));
    CHECK(stmt_key_load(&k, cut, &err) != ZK_OK);
    stmt_key_clear(&k);
    CASE_END();
    buf_clear(&z);
    groth16_vk_clear(&vk);
}

TEST_MAIN(RUN(test_stmt_prove))
