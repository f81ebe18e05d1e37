/* The finality and inclusion statements (prover/stmt_finality.h, prover/stmt_inclusion.h):
 * true statements satisfy their systems with the right public signals, on a real Besu
 * QBFT header ($ZK_VECTORS/qbft/real_headers.json) and on synthetic ones; the system's
 * shape does not depend on the witness; every rule, broken alone, leaves the system
 * unsatisfied or the builder refusing; one small inclusion circuit is set up, proved and
 * verified with real keys.
 *
 * White-box facts used to corrupt witnesses after a build: stmt_fin_build allocates the
 * preimage bits first (variables 1 .. 8 max_header_len, byte i bit j at 1 + 8i + j), and
 * stmt_inc_build allocates root || m || outbox first (variables 1 .. 672). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lightclient/bft.h"
#include "lightclient/ecdsa.h"
#include "lightclient/hex.h"
#include "lightclient/keccak.h"
#include "lightclient/receipt.h"
#include "prover/prover.h"
#include "prover/stmt_finality.h"
#include "prover/stmt_inclusion.h"

static secp256k1_context *ctx;

static uint64_t rng(void *c)
{
    (void)c;
    return th_rand64();
}

/* The .r1cs bytes of a built system (its shape, no witness). */
static uint8_t *shape_of(r1cs *cs, size_t *len)
{
    r1cs_file f;
    memset(&f, 0, sizeof f);
    zk_buf b;
    buf_init(&b, 0);
    zk_errbuf err;
    if (r1cs_finalize(cs) != ZK_OK || r1cs_to_file(&f, cs, &err) != ZK_OK ||
        r1cs_file_write(&b, &f) != ZK_OK) {
        r1cs_file_clear(&f);
        buf_clear(&b);
        return NULL;
    }
    r1cs_file_clear(&f);
    *len = b.len;
    return b.data;
}

/* True when the system rejects its own witness with bit variable v flipped. */
static bool flip_rejected(const r1cs *cs, r1cs_var v)
{
    fr *w = malloc(sizeof(fr) * cs->n_vars);
    if (!w) return false;
    memcpy(w, cs->values, sizeof(fr) * cs->n_vars);
    fr one;
    fr_set_one(&one);
    fr_sub(&w[v], &one, &w[v]);
    size_t bad = 0;
    zk_errbuf err;
    int rc = r1cs_check_witness(cs, w, cs->n_vars, &bad, &err);
    free(w);
    return rc == ZK_ERR_REJECTED;
}

/* Builds w; true when the builder refuses or the system is unsatisfied. */
static bool fin_rejected(const stmt_fin_params *p, const stmt_fin_witness *w)
{
    r1cs cs;
    if (r1cs_init(&cs) != ZK_OK) return false;
    zk_errbuf err;
    int rc = stmt_fin_build(&cs, p, w, NULL, &err);
    if (rc == ZK_OK) {
        size_t bad;
        rc = r1cs_is_satisfied(&cs, &bad, &err);
    }
    r1cs_clear(&cs);
    return rc != ZK_OK;
}

static bool inc_rejected(const stmt_inc_params *p, const stmt_inc_witness *w)
{
    r1cs cs;
    if (r1cs_init(&cs) != ZK_OK) return false;
    zk_errbuf err;
    int rc = stmt_inc_build(&cs, p, w, NULL, &err);
    if (rc == ZK_OK) {
        size_t bad;
        rc = r1cs_is_satisfied(&cs, &bad, &err);
    }
    r1cs_clear(&cs);
    return rc != ZK_OK;
}

/* The real Besu QBFT block 7528 (3 of 4 seals) and its parent's validators. */
static bool load_real(eth_header *h, uint8_t trusted[4][20], uint8_t hash[32])
{
    json_t *v = th_load_json("qbft/real_headers.json");
    if (!v) return false;
    bool ok = false;
    for (size_t i = 0; i < json_array_size(v) && !ok; i++) {
        json_t *e = json_array_get(v, i);
        if (strcmp(json_string_value(json_object_get(e, "consensus")), "qbft")) continue;
        uint8_t *rlp = NULL;
        size_t len = 0;
        zk_errbuf err;
        json_t *vp = json_object_get(e, "validators_of_parent");
        ok = json_array_size(vp) == 4 &&
             hex_decode_alloc(&rlp, &len, json_string_value(json_object_get(e, "header_rlp")),
                              &err) == ZK_OK &&
             header_decode_rlp(h, rlp, len, &err) == ZK_OK &&
             hex_decode_fixed(
                 hash, 32,
                 json_string_value(json_object_get(json_object_get(e, "expected"), "block_hash")),
                 &err) == ZK_OK;
        for (size_t k = 0; ok && k < 4; k++)
            ok = hex_decode_fixed(trusted[k], 20, json_string_value(json_array_get(vp, k)), &err) ==
                 ZK_OK;
        free(rlp);
    }
    json_decref(v);
    return ok;
}

static uint8_t *fin_shape;
static size_t fin_shape_len;

TEST(test_finality_synthetic)
{
    stmt_fin_params p;
    stmt_fin_default_params(&p, 4);
    stmt_fin_witness w;
    zk_errbuf err;
    CASE_BEGIN("finality(4) on a synthetic header sealed by 4 of 4");
    CHECK_EQ_INT(stmt_fin_witness_synthetic(&w, &p, ctx, 4, &err), ZK_OK);
    r1cs cs;
    CHECK_EQ_INT(r1cs_init(&cs), ZK_OK);
    stmt_fin_public pub;
    int rc = stmt_fin_build(&cs, &p, &w, &pub, &err);
    CHECK_MSG(rc == ZK_OK, "build: %s", err.msg);
    if (rc) {
        r1cs_clear(&cs);
        stmt_fin_witness_clear(&w);
        CASE_END();
        return;
    }
    size_t bad = 0;
    CHECK_MSG(r1cs_is_satisfied(&cs, &bad, &err) == ZK_OK, "unsatisfied: %s", err.msg);
    printf("finality(4): %zu constraints, %u variables, %u public\n", cs.n_cons, cs.n_vars,
           r1cs_n_public(&cs));
    CHECK_EQ_INT(r1cs_n_public(&cs), STMT_FIN_N_PUBLIC);
    /* the circuit's public values are the native ones, in order */
    fr sig[STMT_FIN_N_PUBLIC];
    stmt_fin_public_signals(sig, &pub);
    fin_shape = shape_of(&cs, &fin_shape_len);
    CHECK(fin_shape != NULL);
    for (uint32_t i = 0; i < STMT_FIN_N_PUBLIC; i++)
        CHECK_MSG(fr_eq(&cs.values[1 + i], &sig[i]), "public signal %u differs", i);
    CHECK(!memcmp(pub.trusted_commit, pub.next_commit, 32));
    CHECK(pub.number == 1);
    r1cs_clear(&cs);
    stmt_fin_witness_clear(&w);
    CASE_END();
}

TEST(test_finality_real_besu)
{
    stmt_fin_params p;
    stmt_fin_default_params(&p, 4);
    eth_header h;
    uint8_t trusted[4][20], hash[32];
    CASE_BEGIN("finality(4) on Besu QBFT block 7528: public hash, number, root, shape");
    CHECK(load_real(&h, trusted, hash));
    stmt_fin_witness w;
    zk_errbuf err;
    int rc = stmt_fin_witness_from_header(&w, &p, ctx, &h, (const uint8_t(*)[20])trusted, 4, &err);
    CHECK_MSG(rc == ZK_OK, "witness: %s", err.msg);
    r1cs cs;
    CHECK_EQ_INT(r1cs_init(&cs), ZK_OK);
    stmt_fin_public pub;
    if (rc == ZK_OK) rc = stmt_fin_build(&cs, &p, &w, &pub, &err);
    CHECK_MSG(rc == ZK_OK, "build: %s", err.msg);
    if (rc) {
        r1cs_clear(&cs);
        stmt_fin_witness_clear(&w);
        header_clear(&h);
        CASE_END();
        return;
    }
    size_t bad = 0;
    CHECK_MSG(r1cs_is_satisfied(&cs, &bad, &err) == ZK_OK, "unsatisfied: %s", err.msg);
    CHECK_MEM(pub.header_hash, hash, 32);
    CHECK(pub.number == h.number);
    CHECK_MEM(pub.receipts_root, h.receipts_root, 32);
    uint8_t cv[32];
    stmt_fin_commit(cv, (const uint8_t(*)[20])trusted, 4);
    CHECK_MEM(pub.trusted_commit, cv, 32);
    CASE_END();

    CASE_BEGIN("finality: a header byte changed after building is caught (each field)");
    static const size_t bytes[] = {10, 160, 300, 449, 500, 560, 600};
    for (size_t i = 0; i < sizeof bytes / sizeof *bytes; i++)
        if (bytes[i] < w.preimage_len)
            CHECK_MSG(flip_rejected(&cs, (r1cs_var)(1 + 8 * bytes[i] + 3)), "byte %zu", bytes[i]);
    CASE_END();

    CASE_BEGIN("finality: the shape is the synthetic header's, byte for byte");
    size_t len = 0;
    uint8_t *shape = shape_of(&cs, &len);
    CHECK(shape && fin_shape && len == fin_shape_len && !memcmp(shape, fin_shape, len));
    free(shape);
    r1cs_clear(&cs);
    CASE_END();

    stmt_fin_witness bad_w;
    CASE_BEGIN("finality: the same validator counted twice");
    bad_w = w;
    bad_w.slots[1] = bad_w.slots[0];
    CHECK(fin_rejected(&p, &bad_w));
    CASE_END();

    CASE_BEGIN("finality: a valid signature by a non-member counted");
    bad_w = w;
    uint8_t key[32], z[32], sig[65];
    memset(key, 0x42, 32);
    keccak256(z, w.preimage, w.preimage_len);
    CHECK_EQ_INT(ecdsa_sign(ctx, sig, z, key), ZK_OK);
    CHECK_EQ_INT(ecdsa_pubkey_from_seckey(ctx, bad_w.slots[0].pub, key), ZK_OK);
    memcpy(bad_w.slots[0].sig, sig, 64);
    bad_w.slots[0].rec_id = sig[64];
    CHECK(fin_rejected(&p, &bad_w));
    CASE_END();

    CASE_BEGIN("finality: one seal short of quorum");
    bad_w = w;
    size_t last = 0;
    for (size_t i = 0; i < bad_w.n_slots; i++)
        if (bad_w.slots[i].counted) last = i;
    bad_w.slots[last].counted = 0;
    bad_w.slots[last].in_trusted = 0;
    CHECK(fin_rejected(&p, &bad_w));
    CASE_END();

    CASE_BEGIN("finality: a seal over another header (bad signature)");
    bad_w = w;
    bad_w.slots[0].sig[40] ^= 1;
    CHECK(fin_rejected(&p, &bad_w));
    CASE_END();

    CASE_BEGIN("finality: signers claimed in a trusted set that does not hold them");
    uint8_t other[4][20];
    memcpy(other, trusted, sizeof other);
    for (int i = 0; i < 4; i++)
        other[i][0] ^= 0x80;
    stmt_fin_witness w2;
    CHECK_EQ_INT(
        stmt_fin_witness_from_header(&w2, &p, ctx, &h, (const uint8_t(*)[20])other, 4, &err),
        ZK_ERR_REJECTED);
    bad_w = w;
    memcpy(bad_w.trusted, other, sizeof other);
    CHECK(fin_rejected(&p, &bad_w));
    CASE_END();

    CASE_BEGIN("finality: a trusted set larger than L still vouches (rotation shape)");
    uint8_t five[5][20];
    memcpy(five, trusted, sizeof trusted);
    memset(five[4], 0x77, 20);
    stmt_fin_params p5;
    stmt_fin_default_params(&p5, 5);
    rc = stmt_fin_witness_from_header(&w2, &p5, ctx, &h, (const uint8_t(*)[20])five, 5, &err);
    CHECK_MSG(rc == ZK_OK, "witness: %s", err.msg);
    CHECK(!fin_rejected(&p5, &w2));
    stmt_fin_witness_clear(&w2);
    CASE_END();

    stmt_fin_witness_clear(&w);
    header_clear(&h);
}

/* A block of n receipts whose receipt `at` carries a MessageSent of outbox for m. */
static int make_block(uint8_t ***enc, size_t **lens, size_t n, size_t at, const uint8_t outbox[20],
                      const uint8_t m[32])
{
    *enc = calloc(n, sizeof **enc);
    *lens = calloc(n, sizeof **lens);
    if (!*enc || !*lens) return ZK_ERR_NOMEM;
    uint8_t data[96];
    memset(data, 0x33, sizeof data);
    for (size_t i = 0; i < n; i++) {
        eth_log lg[2];
        memset(lg, 0, sizeof lg);
        memset(lg[0].address, 0xee, 20); /* an unrelated log first */
        lg[0].n_topics = 1;
        lg[0].data = data;
        lg[0].data_len = 8;
        memcpy(lg[1].address, outbox, 20);
        lg[1].n_topics = 3;
        stmt_inc_event_topic(lg[1].topics[0]);
        if (i == at)
            memcpy(lg[1].topics[1], m, 32);
        else
            keccak256(lg[1].topics[1], (const uint8_t *)&i, sizeof i);
        lg[1].data = data;
        lg[1].data_len = sizeof data;
        eth_receipt r;
        memset(&r, 0, sizeof r);
        r.type = (uint8_t)(i % 3 == 0 ? 0 : 2);
        r.has_status = true;
        r.status = 1;
        r.cumulative_gas = 50000 * (i + 1);
        r.logs = lg;
        r.n_logs = 2;
        receipt_compute_bloom(r.bloom, &r);
        zk_buf b;
        buf_init(&b, 1 << 20);
        int rc = receipt_encode(&b, &r);
        if (rc) return rc;
        (*enc)[i] = b.data;
        (*lens)[i] = b.len;
    }
    return ZK_OK;
}

static void free_block(uint8_t **enc, size_t *lens, size_t n)
{
    for (size_t i = 0; enc && i < n; i++)
        free(enc[i]);
    free(enc);
    free(lens);
}

TEST(test_inclusion)
{
    stmt_inc_params p = {.max_depth = 5, .max_receipt = 640, .max_logs = 2, .max_node_len = 532};
    uint8_t outbox[20], m[32];
    memset(outbox, 0xab, 20);
    memset(m, 0xcd, 32);
    uint8_t **enc = NULL;
    size_t *lens = NULL;
    const size_t n = 130;
    zk_errbuf err;
    stmt_inc_witness w;
    CASE_BEGIN("inclusion(5, 640 B): receipt 128 of a 130-receipt block (a 5-node path)");
    CHECK_EQ_INT(make_block(&enc, &lens, n, 128, outbox, m), ZK_OK);
    int rc = stmt_inc_witness_from_receipts(&w, &p, (const uint8_t *const *)enc, lens, n, 128, 1,
                                            outbox, &err);
    CHECK_MSG(rc == ZK_OK, "witness: %s", err.msg);
    CHECK_MEM(w.m, m, 32);
    r1cs cs;
    CHECK_EQ_INT(r1cs_init(&cs), ZK_OK);
    fr sig;
    rc = stmt_inc_build(&cs, &p, &w, &sig, &err);
    CHECK_MSG(rc == ZK_OK, "build: %s", err.msg);
    if (rc) {
        r1cs_clear(&cs);
        stmt_inc_witness_clear(&w);
        free_block(enc, lens, n);
        return;
    }
    size_t bad = 0;
    CHECK_MSG(r1cs_is_satisfied(&cs, &bad, &err) == ZK_OK, "unsatisfied: %s", err.msg);
    printf("inclusion(depth 5, 640 B, 2 logs): %zu constraints, %u variables\n", cs.n_cons,
           cs.n_vars);
    CHECK_EQ_INT(r1cs_n_public(&cs), 1);
    CASE_END();

    CASE_BEGIN("inclusion: another root, message or outbox in the hashed signal is caught");
    CHECK(flip_rejected(&cs, 1 + 5));       /* root */
    CHECK(flip_rejected(&cs, 1 + 256 + 7)); /* m */
    CHECK(flip_rejected(&cs, 1 + 512 + 9)); /* outbox */
    CASE_END();

    CASE_BEGIN("inclusion: the shape does not depend on the index, block or receipt");
    size_t len1 = 0, len2 = 0;
    uint8_t *s1 = shape_of(&cs, &len1);
    r1cs_clear(&cs);
    stmt_inc_witness w2;
    free_block(enc, lens, n);
    CHECK_EQ_INT(make_block(&enc, &lens, 1, 0, outbox, m), ZK_OK);
    CHECK_EQ_INT(stmt_inc_witness_from_receipts(&w2, &p, (const uint8_t *const *)enc, lens, 1, 0, 1,
                                                outbox, &err),
                 ZK_OK);
    CHECK_EQ_INT(r1cs_init(&cs), ZK_OK);
    CHECK_EQ_INT(stmt_inc_build(&cs, &p, &w2, NULL, &err), ZK_OK);
    CHECK_EQ_INT(r1cs_is_satisfied(&cs, &bad, &err), ZK_OK);
    uint8_t *s2 = shape_of(&cs, &len2);
    CHECK(s1 && s2 && len1 == len2 && !memcmp(s1, s2, len1));
    free(s1);
    free(s2);
    r1cs_clear(&cs);
    stmt_inc_witness_clear(&w2);
    CASE_END();

    stmt_inc_witness bad_w;
    CASE_BEGIN("inclusion: a proof for another message");
    bad_w = w;
    bad_w.m[0] ^= 1;
    CHECK(inc_rejected(&p, &bad_w));
    CASE_END();
    CASE_BEGIN("inclusion: a log from another contract");
    bad_w = w;
    bad_w.outbox[19] ^= 1;
    CHECK(inc_rejected(&p, &bad_w));
    CASE_END();
    CASE_BEGIN("inclusion: another topic (the unrelated log 0)");
    bad_w = w;
    bad_w.log_index = 0;
    CHECK(inc_rejected(&p, &bad_w));
    CASE_END();
    CASE_BEGIN("inclusion: a wrong root");
    bad_w = w;
    bad_w.root[31] ^= 1;
    CHECK(inc_rejected(&p, &bad_w));
    CASE_END();
    CASE_BEGIN("inclusion: a trie node swapped or changed");
    bad_w = w;
    uint8_t *saved = bad_w.nodes[1];
    bad_w.nodes[1] = bad_w.nodes[0];
    size_t saved_len = bad_w.node_lens[1];
    bad_w.node_lens[1] = bad_w.node_lens[0];
    CHECK(inc_rejected(&p, &bad_w));
    bad_w.nodes[1] = saved;
    bad_w.node_lens[1] = saved_len;
    bad_w.nodes[1][40] ^= 4;
    CHECK(inc_rejected(&p, &bad_w));
    bad_w.nodes[1][40] ^= 4;
    CASE_END();
    CASE_BEGIN("inclusion: another transaction index");
    bad_w = w;
    bad_w.tx_index = 127;
    CHECK(inc_rejected(&p, &bad_w));
    CASE_END();
    stmt_inc_witness_clear(&w);
    free_block(enc, lens, 1);
}

TEST(test_inclusion_prove_verify)
{
    stmt_inc_params p = {.max_depth = 1, .max_receipt = 600, .max_logs = 2, .max_node_len = 532};
    uint8_t outbox[20], m[32];
    memset(outbox, 0x1b, 20);
    memset(m, 0x2c, 32);
    uint8_t **enc = NULL;
    size_t *lens = NULL;
    zk_errbuf err;
    stmt_inc_witness w;
    CASE_BEGIN("inclusion(1, 600 B): dev setup, prove, verify; other signals rejected");
    CHECK_EQ_INT(make_block(&enc, &lens, 1, 0, outbox, m), ZK_OK);
    CHECK_EQ_INT(stmt_inc_witness_from_receipts(&w, &p, (const uint8_t *const *)enc, lens, 1, 0, 1,
                                                outbox, &err),
                 ZK_OK);
    r1cs cs;
    CHECK_EQ_INT(r1cs_init(&cs), ZK_OK);
    fr sig;
    CHECK_EQ_INT(stmt_inc_build(&cs, &p, &w, &sig, &err), ZK_OK);
    CHECK_EQ_INT(r1cs_finalize(&cs), ZK_OK);
    groth16_pk pk;
    groth16_vk vk;
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    int rc = groth16_setup_dev(&pk, &vk, &cs, rng, NULL, &err);
    CHECK_MSG(rc == ZK_OK, "setup: %s", err.msg);
    groth16_proof proof;
    rc = groth16_prove(&proof, &pk, &cs, cs.values, cs.n_vars, 2, rng, NULL, &err);
    CHECK_MSG(rc == ZK_OK, "prove: %s", err.msg);
    uint8_t pub[1][32];
    fr_to_bytes_be(pub[0], &sig);
    CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, 1, &proof, &err), ZK_OK);
    fr other;
    uint8_t m2[32];
    memcpy(m2, m, 32);
    m2[5] ^= 1;
    stmt_inc_public_signal(&other, w.root, m2, outbox);
    fr_to_bytes_be(pub[0], &other);
    CHECK_EQ_INT(groth16_verify(&vk, (const uint8_t(*)[32])pub, 1, &proof, &err), ZK_ERR_REJECTED);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    r1cs_clear(&cs);
    stmt_inc_witness_clear(&w);
    free_block(enc, lens, 1);
    CASE_END();
}

int main(void)
{
    zk_errbuf err;
    ctx = ecdsa_context_new(&err);
    if (!ctx) return 1;
    RUN(test_inclusion);
    RUN(test_inclusion_prove_verify);
    if (!getenv("ZK_STMT_ONLY_INC")) RUN(test_finality_synthetic);
    if (!getenv("ZK_STMT_ONLY_INC")) RUN(test_finality_real_besu);
    free(fin_shape);
    ecdsa_context_free(ctx);
    return th_finish("test_stmt");
}
