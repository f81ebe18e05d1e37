/* The in-circuit secp256k1 ECDSA gadget (prover/gadget_secp256k1.c) against libsecp256k1:
 * valid signatures (random, high s, s = 1, s = n - 1, z >= n, Wycheproof's valid edge
 * cases) satisfy the system and output the key's bits; every single witness variable of
 * the gadget is pinned (changing any one of them breaks a constraint); flipping a digest
 * or key bit leaves the system unsatisfied; and every signature libsecp256k1 rejects
 * (flipped r or s bits, another digest, another key, off-curve keys, r or s out of range,
 * Wycheproof's invalid cases) makes the gadget refuse with ZK_ERR_REJECTED.
 *
 * A signature with x(R) >= n (f = 1) cannot be produced on purpose (probability about
 * 2^-128), so that path is covered only by the constraints on f, not by a vector. */
#include "harness.h"
#include "secp256k1_consts.h"

#include <openssl/sha.h>

#include "lightclient/ecdsa.h"
#include "lightclient/hex.h"
#include "prover/gadget_secp256k1.h"

/* One circuit: the digest bits allocated by the "caller", then the gadget. */
typedef struct build {
    r1cs cs;
    circ c;
    r1cs_var zb[256], pb[512];
    uint32_t first_var; /* first variable the gadget allocated */
    size_t n_cons;      /* constraints the gadget added */
    int status;
    zk_errbuf err;
} build;

static void build_run(build *b, const uint8_t hash[32], const uint8_t pub[64],
                      const uint8_t sig[64], int rec_id)
{
    memset(b, 0, sizeof *b);
    if (r1cs_init(&b->cs) != ZK_OK) {
        b->status = ZK_ERR_NOMEM;
        return;
    }
    circ_init(&b->c, &b->cs);
    for (int i = 0; i < 256; i++)
        b->zb[i] = circ_bit(&b->c, (hash[i / 8] >> (i % 8)) & 1);
    b->first_var = b->cs.n_vars;
    size_t before = b->cs.n_cons;
    gs_ecdsa_verify(&b->c, b->zb, pub, sig, rec_id, b->pb);
    b->n_cons = b->cs.n_cons - before;
    b->status = circ_status(&b->c, &b->err);
}

static void build_free(build *b)
{
    circ_clear(&b->c);
    r1cs_clear(&b->cs);
}

static bool satisfied(const build *b)
{
    size_t first = 0;
    return r1cs_is_satisfied(&b->cs, &first, NULL) == ZK_OK;
}

/* The gadget accepts (hash, pub, sig): satisfied, pub_bits = the key's bytes. */
static void expect_valid(const uint8_t hash[32], const uint8_t pub[64], const uint8_t sig[64],
                         int rec_id, size_t want_cons)
{
    build b;
    build_run(&b, hash, pub, sig, rec_id);
    CHECK_MSG(b.status == ZK_OK, "gadget failed: %s", b.err.msg);
    if (b.status == ZK_OK) {
        CHECK(satisfied(&b));
        if (want_cons) CHECK_EQ_INT(b.n_cons, want_cons);
        bool same = true;
        for (int i = 0; i < 512; i++)
            same = same && circ_val_u64(&b.c, b.pb[i]) == (uint64_t)((pub[i / 8] >> (i % 8)) & 1);
        CHECK(same);
    }
    build_free(&b);
}

/* The gadget refuses (hash, pub, sig) natively. */
static void expect_refused(const uint8_t hash[32], const uint8_t pub[64], const uint8_t sig[64])
{
    build b;
    build_run(&b, hash, pub, sig, 0);
    CHECK_EQ_INT(b.status, ZK_ERR_REJECTED);
    build_free(&b);
}

static void rand_key(const secp256k1_context *ctx, uint8_t sk[32], uint8_t pub[64])
{
    do
        th_rand_bytes(sk, 32);
    while (ecdsa_pubkey_from_seckey(ctx, pub, sk) != ZK_OK);
}

TEST(constraint_count_and_random_signature)
{
    size_t n = gs_ecdsa_constraints();
    fprintf(stderr, "  gs_ecdsa_verify: %zu constraints\n", n);
    CHECK(n > 0 && n <= 300000);
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    uint8_t sk[32], pub[64], hash[32], sig[65];
    rand_key(ctx, sk, pub);
    th_rand_bytes(hash, 32);
    CHECK_EQ_INT(ecdsa_sign(ctx, sig, hash, sk), ZK_OK);
    expect_valid(hash, pub, sig, sig[64], n);
    /* The same signature made high-s (n - s) is valid plain ECDSA. */
    sub256(sig + 32, SECP256K1_N, sig + 32);
    CHECK_EQ_INT(ecdsa_verify(ctx, pub, hash, sig, sig + 32, ECDSA_ALLOW_HIGH_S, NULL), ZK_OK);
    expect_valid(hash, pub, sig, sig[64] ^ 1, n);
    ecdsa_context_free(ctx);
}

/* A signature with a chosen s: R = kG for a random k, then the key is what (r, s, z)
 * recovers to, so the signature is valid by construction. */
static bool chosen_s(const secp256k1_context *ctx, uint8_t pub[64], uint8_t sig[64],
                     const uint8_t hash[32], const uint8_t s[32])
{
    uint8_t k[32], rpt[64];
    rand_key(ctx, k, rpt);
    memcpy(sig, rpt, 32);
    /* x(R) < n with overwhelming probability, so r = x(R) and v = y parity. */
    if (memcmp(sig, SECP256K1_N, 32) >= 0) return false;
    memcpy(sig + 32, s, 32);
    return ecdsa_recover(ctx, pub, hash, sig, sig + 32, rpt[63] & 1, ECDSA_ALLOW_HIGH_S, NULL) ==
           ZK_OK;
}

TEST(edge_scalars)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    uint8_t hash[32], pub[64], sig[64], s[32];
    /* s = 1 with z >= n (the digest 0xff..ff) */
    memset(hash, 0xff, 32);
    memset(s, 0, 32);
    s[31] = 1;
    CASE_BEGIN("s = 1, z >= n");
    CHECK(chosen_s(ctx, pub, sig, hash, s));
    CHECK_EQ_INT(ecdsa_verify(ctx, pub, hash, sig, sig + 32, ECDSA_ALLOW_HIGH_S, NULL), ZK_OK);
    expect_valid(hash, pub, sig, 0, 0);
    CASE_END();
    /* s = n - 1, z = 0 */
    memset(hash, 0, 32);
    memset(s, 0, 32);
    s[31] = 1;
    sub256(s, SECP256K1_N, s);
    CASE_BEGIN("s = n - 1, z = 0");
    CHECK(chosen_s(ctx, pub, sig, hash, s));
    CHECK_EQ_INT(ecdsa_verify(ctx, pub, hash, sig, sig + 32, ECDSA_ALLOW_HIGH_S, NULL), ZK_OK);
    expect_valid(hash, pub, sig, 0, 0);
    CASE_END();
    ecdsa_context_free(ctx);
}

/* Every variable the gadget allocated is pinned: setting any single one to value + 1
 * breaks at least one constraint (only the constraints that mention it are evaluated,
 * which is equivalent for a one-variable change). Also: flipping a digest or key bit
 * (staying boolean) leaves the whole system unsatisfied. */
TEST(every_witness_variable_is_pinned)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    uint8_t sk[32], pub[64], hash[32], sig[65];
    rand_key(ctx, sk, pub);
    th_rand_bytes(hash, 32);
    CHECK_EQ_INT(ecdsa_sign(ctx, sig, hash, sk), ZK_OK);
    build b;
    build_run(&b, hash, pub, sig, sig[64]);
    CHECK_MSG(b.status == ZK_OK, "gadget failed: %s", b.err.msg);
    r1cs *cs = &b.cs;
    size_t nv = cs->n_vars, *start = calloc(nv + 1, sizeof *start), *list = NULL;
    if (b.status != ZK_OK || !start) goto out;
    /* var -> constraints index (CSR) */
    for (size_t k = 0; k < cs->n_cons; k++) {
        const r1cs_constraint *q = &cs->cons[k];
        for (size_t t = q->a; t < q->c + q->nc; t++)
            start[cs->terms[t].var + 1]++;
    }
    for (size_t v = 0; v < nv; v++)
        start[v + 1] += start[v];
    list = malloc(start[nv] * sizeof *list + 1);
    size_t *fill = calloc(nv, sizeof *fill);
    if (!list || !fill) {
        free(fill);
        CHECK(false);
        goto out;
    }
    for (size_t k = 0; k < cs->n_cons; k++) {
        const r1cs_constraint *q = &cs->cons[k];
        for (size_t t = q->a; t < q->c + q->nc; t++) {
            uint32_t v = cs->terms[t].var;
            list[start[v] + fill[v]++] = k;
        }
    }
    free(fill);
    size_t unpinned = 0, checked = 0;
    for (uint32_t v = b.first_var; v < nv; v++) {
        fr old = cs->values[v], nw, one;
        fr_set_one(&one);
        fr_add(&nw, &old, &one);
        r1cs_set_value(cs, v, &nw);
        bool broken = false;
        for (size_t i = start[v]; i < start[v + 1] && !broken; i++) {
            const r1cs_constraint *q = &cs->cons[list[i]];
            fr va, vb, vc, ab;
            r1cs_lc_eval(&va, cs->terms + q->a, q->na, cs->values);
            r1cs_lc_eval(&vb, cs->terms + q->b, q->nb, cs->values);
            r1cs_lc_eval(&vc, cs->terms + q->c, q->nc, cs->values);
            fr_mul(&ab, &va, &vb);
            broken = !fr_eq(&ab, &vc);
        }
        r1cs_set_value(cs, v, &old);
        checked++;
        if (!broken) unpinned++;
    }
    fprintf(stderr, "  %zu gadget variables checked, %zu not pinned\n", checked, unpinned);
    CHECK(checked > 200000);
    CHECK_EQ_INT(unpinned, 0);
    CHECK(satisfied(&b));
    /* flipped digest bits and key bits, each staying a bit */
    for (int i = 0; i < 6; i++) {
        r1cs_var v = i < 2 ? b.zb[th_rand64() % 256] : b.pb[th_rand64() % 512];
        fr old = cs->values[v], nw;
        fr_from_u64(&nw, circ_val_u64(&b.c, v) ^ 1);
        r1cs_set_value(cs, v, &nw);
        CHECK(!satisfied(&b));
        r1cs_set_value(cs, v, &old);
    }
    CHECK(satisfied(&b));
out:
    free(start);
    free(list);
    build_free(&b);
    ecdsa_context_free(ctx);
}

TEST(refuses_invalid_signatures)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    uint8_t sk[32], pub[64], pub2[64], hash[32], sig[65], t[64], h2[32];
    rand_key(ctx, sk, pub);
    th_rand_bytes(hash, 32);
    CHECK_EQ_INT(ecdsa_sign(ctx, sig, hash, sk), ZK_OK);
    for (int i = 0; i < 8; i++) {
        CASE_BEGIN("flipped bit %d of r/s", i);
        memcpy(t, sig, 64);
        size_t bit = th_rand64() % 512;
        t[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CHECK(ecdsa_verify(ctx, pub, hash, t, t + 32, ECDSA_ALLOW_HIGH_S, NULL) != ZK_OK);
        expect_refused(hash, pub, t);
        CASE_END();
    }
    CASE_BEGIN("another digest");
    memcpy(h2, hash, 32);
    h2[5] ^= 0x10;
    expect_refused(h2, pub, sig);
    CASE_END();
    CASE_BEGIN("another key");
    rand_key(ctx, t, pub2);
    expect_refused(hash, pub2, sig);
    CASE_END();
    CASE_BEGIN("key off the curve");
    memcpy(pub2, pub, 64);
    pub2[63] ^= 1;
    expect_refused(hash, pub2, sig);
    CASE_END();
    CASE_BEGIN("key x = x + p does not fit / x >= p");
    memcpy(pub2, pub, 64);
    memcpy(pub2, SECP256K1_P, 32);
    expect_refused(hash, pub2, sig);
    CASE_END();
    const uint8_t zero[32] = {0};
    const uint8_t *bad[] = {zero, SECP256K1_N};
    for (int i = 0; i < 4; i++) {
        CASE_BEGIN("%s = %s", i % 2 ? "s" : "r", i / 2 ? "n" : "0");
        memcpy(t, sig, 64);
        memcpy(t + 32 * (i % 2), bad[i / 2], 32);
        expect_refused(hash, pub, t);
        CASE_END();
    }
    ecdsa_context_free(ctx);
}

/* Wycheproof ECDSA secp256k1/SHA-256 (high s allowed): every invalid case whose DER
 * parses into 32-byte r, s is refused; one valid case per flag is proven (a full
 * circuit each). Cases whose encoding cannot be expressed as r || s are not the gadget's
 * business (the DER parser's tests cover them). */
TEST(wycheproof)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    json_t *root = th_load_json("wycheproof/ecdsa_secp256k1_sha256_test.json");
    CHECK(ctx != NULL);
    if (!ctx || !root) goto out;
    const char *seen[16];
    size_t nseen = 0, gi, ti, refused = 0, proven = 0, skipped = 0;
    json_t *group, *tc;
    json_array_foreach(json_object_get(root, "testGroups"), gi, group)
    {
        uint8_t *pk = NULL, pub[64];
        size_t pk_len = 0;
        const char *pkhex =
            json_string_value(json_object_get(json_object_get(group, "publicKey"), "uncompressed"));
        CHECK(pkhex && hex_decode_alloc(&pk, &pk_len, pkhex, NULL) == ZK_OK);
        bool pk_ok = pk && pk_len == 65;
        if (pk_ok) memcpy(pub, pk + 1, 64);
        free(pk);
        json_array_foreach(json_object_get(group, "tests"), ti, tc)
        {
            const char *result = json_string_value(json_object_get(tc, "result"));
            const char *msgh = json_string_value(json_object_get(tc, "msg"));
            const char *sigh = json_string_value(json_object_get(tc, "sig"));
            uint8_t *msg = NULL, *der = NULL, digest[32], sig[64];
            size_t msg_len = 0, der_len = 0;
            bool parsed = result && msgh && sigh && pk_ok &&
                          hex_decode_alloc(&msg, &msg_len, msgh, NULL) == ZK_OK &&
                          hex_decode_alloc(&der, &der_len, sigh, NULL) == ZK_OK &&
                          ecdsa_parse_der(sig, sig + 32, der, der_len, NULL) == ZK_OK;
            if (!parsed) {
                CHECK(result && strcmp(result, "valid") != 0);
                skipped++;
            } else {
                SHA256(msg, msg_len, digest);
                if (strcmp(result, "valid") != 0) {
                    CASE_BEGIN("wycheproof tcId %lld (invalid)",
                               json_integer_value(json_object_get(tc, "tcId")));
                    expect_refused(digest, pub, sig);
                    refused++;
                    CASE_END();
                } else {
                    const char *flag =
                        json_string_value(json_array_get(json_object_get(tc, "flags"), 0));
                    bool fresh = flag != NULL;
                    for (size_t i = 0; i < nseen && fresh; i++)
                        fresh = strcmp(seen[i], flag) != 0;
                    if (fresh && nseen < 16) {
                        seen[nseen++] = flag;
                        CASE_BEGIN("wycheproof tcId %lld (valid, %s)",
                                   json_integer_value(json_object_get(tc, "tcId")), flag);
                        expect_valid(digest, pub, sig, 0, 0);
                        proven++;
                        CASE_END();
                    }
                }
            }
            free(msg);
            free(der);
        }
    }
    fprintf(stderr, "  wycheproof: %zu refused, %zu valid proven, %zu not expressible as r||s\n",
            refused, proven, skipped);
    CHECK(refused >= 50 && proven >= 5);
out:
    json_decref(root);
    ecdsa_context_free(ctx);
}

TEST_MAIN(RUN(constraint_count_and_random_signature); RUN(edge_scalars);
          RUN(every_witness_variable_is_pinned); RUN(refuses_invalid_signatures); RUN(wycheproof))
