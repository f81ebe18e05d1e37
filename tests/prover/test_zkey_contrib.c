/* Phase-2 contributions (prover/zkey_contrib.c), without node: the snarkjs cross-checks that
 * run snarkjs itself are in tests/relayer/test_zkey_snarkjs.c.
 *  - beacons reproduce snarkjs 0.7.6's files byte for byte (sha256 and contribution hash
 *    recorded in tests/vectors/zkey_contrib/beacons.json, two chained cases);
 *  - two chained contributions and a beacon verify against snarkjs's initial key and
 *    against the key groth16_setup_from_ptau derives; the key proves and verifies;
 *  - verify rejects: delta1 or delta2 changed, one L or one H point changed, each field of
 *    a contribution record tampered with, a beacon record with another beacon hash, a key
 *    of another ceremony, a changed IC/A/coefficient section, a point off the curve;
 *  - contribute/beacon refuse a development key, a key without section 10, bad beacon
 *    parameters and a name that is not UTF-8, and truncate names as snarkjs does. */
#include "harness.h"

#include <openssl/evp.h>

#include "lightclient/bytes.h"
#include "lightclient/hex.h"
#include "prover/groth16.h"
#include "prover/ptau_file.h"
#include "prover/r1cs.h"
#include "prover/wtns_file.h"
#include "prover/zkey_contrib.h"
#include "prover/zkey_file.h"

#define ZKEY_0000  "snarkjs/derived/circuit_0000.zkey"
#define ZKEY_OTHER "snarkjs/groth16/circuit.zkey"
#define PTAU_FINAL "snarkjs/derived/pot10_final.ptau"
#define R1CS       "snarkjs/groth16/circuit.r1cs"
#define WTNS       "snarkjs/groth16/witness.wtns"
#define BEACONS    "tests/vectors/zkey_contrib/beacons.json"

/* A .zkey held in memory with its parsed model (which borrows data). */
typedef struct key {
    uint8_t *data;
    size_t len;
    zkey_file z;
    bool ok;
} key;

static void key_free(key *k)
{
    zkey_file_clear(&k->z);
    free(k->data);
    memset(k, 0, sizeof(*k));
}

/* Takes ownership of data. */
static void key_from(key *k, uint8_t *data, size_t len)
{
    memset(k, 0, sizeof(*k));
    k->data = data;
    k->len = len;
    zk_errbuf err = {{0}, 0};
    int rc = data ? zkey_file_parse(&k->z, data, len, &err) : ZK_ERR_IO;
    CHECK_MSG(rc == ZK_OK, "parse: %s", err.msg);
    k->ok = rc == ZK_OK;
}

static void key_load(key *k, const char *rel)
{
    size_t len = 0;
    uint8_t *d = th_read_file(rel, &len);
    key_from(k, d, len);
}

static void key_from_buf(key *k, zk_buf *b)
{
    key_from(k, b->data, b->len);
    b->data = NULL;
    buf_clear(b);
}

static void sha256(uint8_t out[32], const uint8_t *p, size_t n)
{
    unsigned len = 0;
    CHECK(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32);
}

static const char *json_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    CHECK_MSG(s != NULL, "vector field %s missing", k);
    return s ? s : "";
}

/* The initial key from the circuit and the ceremony file, as `zkrelay zkey verify` makes
 * it. */
static void key_setup(key *k)
{
    size_t rl = 0, pl = 0;
    uint8_t *rd = th_read_file(R1CS, &rl), *pd = th_read_file(PTAU_FINAL, &pl);
    r1cs_file rf;
    r1cs cs;
    ptau_file ptau;
    groth16_pk pk;
    groth16_vk vk;
    zk_buf b;
    zk_errbuf err = {{0}, 0};
    memset(&rf, 0, sizeof(rf));
    memset(&cs, 0, sizeof(cs));
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    buf_init(&b, 0);
    int rc = rd && pd ? ZK_OK : ZK_ERR_IO;
    if (!rc) rc = r1cs_file_parse(&rf, rd, rl, &err);
    if (!rc) rc = r1cs_from_files(&cs, &rf, NULL, &err);
    if (!rc) rc = ptau_file_parse(&ptau, pd, pl, &err);
    if (!rc) rc = groth16_setup_from_ptau(&pk, &vk, &cs, &ptau, 2, &err);
    if (!rc) rc = groth16_pk_write_zkey(&b, &pk, &err);
    CHECK_MSG(rc == ZK_OK, "initial key: %s", err.msg);
    key_from_buf(k, &b);
    r1cs_file_clear(&rf);
    r1cs_clear(&cs);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    free(rd);
    free(pd);
}

/* Shared across tests: snarkjs's initial key, our two contributions and a beacon. */
static key k0, k1, k2, k3;
static uint8_t h1[64], h2[64], h3[64];

TEST(test_beacon_matches_snarkjs)
{
    char *text = th_read_text(BEACONS);
    CHECK_MSG(text != NULL, "missing vector %s", BEACONS);
    json_t *root = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
    free(text);
    json_t *cases = json_object_get(root, "cases");
    CHECK(json_array_size(cases) == 2);
    key prev;
    memset(&prev, 0, sizeof(prev));
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        CASE_BEGIN("beacon %zu: %s", i, json_str(c, "name"));
        key in;
        if (th_streq(json_str(c, "input"), "previous")) {
            in = prev; /* ownership moves to in */
            memset(&prev, 0, sizeof(prev));
        } else {
            key_load(&in, json_str(c, "input"));
        }
        uint8_t beacon[255], want_sha[32], want_hash[64], got_sha[32], hash[64];
        size_t blen = 0;
        CHECK(hex_decode(beacon, sizeof(beacon), &blen, json_str(c, "beacon_hash"),
                         strlen(json_str(c, "beacon_hash")), NULL) == ZK_OK);
        CHECK(hex_decode_fixed(want_sha, 32, json_str(c, "output_sha256"), NULL) == ZK_OK);
        CHECK(hex_decode_fixed(want_hash, 64, json_str(c, "contribution_hash"), NULL) == ZK_OK);
        zk_buf b;
        buf_init(&b, 0);
        zk_errbuf err = {{0}, 0};
        int rc = in.ok ? zkey_contrib_beacon(
                             &b, hash, &in.z, beacon, blen,
                             (unsigned)json_integer_value(json_object_get(c, "iterations_exp")),
                             json_str(c, "contribution_name"), 1, &err)
                       : ZK_ERR_IO;
        CHECK_MSG(rc == ZK_OK, "beacon: %s", err.msg);
        CHECK_EQ_INT(b.len, json_integer_value(json_object_get(c, "output_size")));
        sha256(got_sha, b.data, b.len);
        CHECK_MEM(got_sha, want_sha, 32);
        CHECK_MEM(hash, want_hash, 64);
        /* Deterministic: a second run gives the same bytes. */
        zk_buf b2;
        buf_init(&b2, 0);
        uint8_t hash2[64];
        CHECK(in.ok && zkey_contrib_beacon(
                           &b2, hash2, &in.z, beacon, blen,
                           (unsigned)json_integer_value(json_object_get(c, "iterations_exp")),
                           json_str(c, "contribution_name"), 2, NULL) == ZK_OK);
        CHECK(b2.len == b.len && memcmp(b2.data, b.data, b.len) == 0);
        buf_clear(&b2);
        /* And it verifies against snarkjs's initial key, the name cut to 64 bytes. */
        key out;
        key_from_buf(&out, &b);
        uint8_t hashes[2][64];
        CHECK(out.ok && zkey_contrib_verify(hashes, &k0.z, &out.z, 1, &err) == ZK_OK);
        CHECK_MEM(hashes[i], want_hash, 64);
        const binfile_contrib_params *p = &out.z.contributions[i].params;
        CHECK_EQ_INT(p->name_len, i == 0 ? 12 : 64);
        CHECK(p->has_iterations_exp && p->beacon_hash_len == blen);
        key_free(&in);
        prev = out;
        CASE_END();
    }
    key_free(&prev);
    json_decref(root);
}

TEST(test_initial_key_verifies)
{
    key s;
    key_setup(&s);
    CHECK(s.ok && k0.ok);
    /* Our setup is snarkjs's initial key byte for byte, so each can serve as init. */
    CHECK(s.len == k0.len && memcmp(s.data, k0.data, s.len) == 0);
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(zkey_contrib_verify(NULL, &s.z, &k0.z, 2, &err) == ZK_OK, "%s", err.msg);
    key_free(&s);
}

TEST(test_two_contributions_and_beacon)
{
    zk_buf b;
    zk_errbuf err = {{0}, 0};
    static const uint8_t ent[] = "some entropy";
    buf_init(&b, 0);
    int rc = zkey_contrib_contribute(&b, h1, &k0.z, ent, sizeof(ent) - 1, "first", 2, &err);
    CHECK_MSG(rc == ZK_OK, "contribute 1: %s", err.msg);
    key_from_buf(&k1, &b);
    buf_init(&b, 0);
    rc = zkey_contrib_contribute(&b, h2, &k1.z, NULL, 0, NULL, 1, &err);
    CHECK_MSG(rc == ZK_OK, "contribute 2: %s", err.msg);
    key_from_buf(&k2, &b);
    buf_init(&b, 0);
    static const uint8_t bh[] = {0xca, 0xfe};
    rc = zkey_contrib_beacon(&b, h3, &k2.z, bh, 2, 10, "the end", 2, &err);
    CHECK_MSG(rc == ZK_OK, "beacon: %s", err.msg);
    key_from_buf(&k3, &b);
    CHECK(k1.ok && k2.ok && k3.ok);
    if (!k3.ok) return;
    CHECK_EQ_INT(k1.z.n_contributions, 1);
    CHECK_EQ_INT(k2.z.n_contributions, 2);
    CHECK_EQ_INT(k3.z.n_contributions, 3);
    CHECK(k1.z.contributions[0].params.name_len == 5 &&
          memcmp(k1.z.contributions[0].params.name, "first", 5) == 0);
    CHECK(k2.z.contributions[1].params.name == NULL);
    CHECK_EQ_INT(k3.z.contributions[2].type, 1);
    /* snarkjs's contribute order. */
    for (uint32_t i = 0; i < 10; i++)
        CHECK_EQ_INT(k3.z.order[i], i + 1);
    /* Delta moved; everything else of sections 1..7 did not. */
    CHECK(memcmp(k1.z.delta1, k0.z.delta1, 64) != 0 && memcmp(k2.z.delta1, k1.z.delta1, 64) != 0);
    CHECK(memcmp(k3.z.a, k0.z.a, (size_t)k0.z.n_vars * 64) == 0);
    CHECK(memcmp(k3.z.h, k0.z.h, (size_t)k0.z.domain_size * 64) != 0);
    /* Two contributions from the same key differ (fresh randomness). */
    uint8_t hx[64];
    buf_init(&b, 0);
    CHECK(zkey_contrib_contribute(&b, hx, &k0.z, ent, sizeof(ent) - 1, "first", 1, NULL) == ZK_OK);
    CHECK(memcmp(hx, h1, 64) != 0);
    buf_clear(&b);

    const key *keys[3] = {&k1, &k2, &k3};
    const uint8_t *want[3] = {h1, h2, h3};
    for (int i = 0; i < 3; i++) {
        CASE_BEGIN("verify after %d contributions", i + 1);
        uint8_t hashes[3][64];
        rc = zkey_contrib_verify(hashes, &k0.z, &keys[i]->z, 2, &err);
        CHECK_MSG(rc == ZK_OK, "verify: %s", err.msg);
        for (int j = 0; j <= i; j++)
            CHECK_MEM(hashes[j], want[j], 64);
        CASE_END();
    }
}

static uint64_t rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

/* The contributed key proves, and the proof verifies under its own vk only. */
TEST(test_contributed_key_proves)
{
    if (!k3.ok) return;
    size_t rl = 0, wl = 0;
    uint8_t *rd = th_read_file(R1CS, &rl), *wd = th_read_file(WTNS, &wl);
    r1cs_file rf;
    wtns_file wt;
    r1cs cs;
    groth16_pk pk, pk0;
    groth16_vk vk, vk0;
    groth16_proof p;
    zk_errbuf err = {{0}, 0};
    memset(&rf, 0, sizeof(rf));
    memset(&cs, 0, sizeof(cs));
    groth16_pk_init(&pk);
    groth16_pk_init(&pk0);
    groth16_vk_init(&vk);
    groth16_vk_init(&vk0);
    int rc = rd && wd ? ZK_OK : ZK_ERR_IO;
    if (!rc) rc = r1cs_file_parse(&rf, rd, rl, &err);
    if (!rc) rc = wtns_file_parse(&wt, wd, wl, &err);
    if (!rc) rc = r1cs_from_files(&cs, &rf, &wt, &err);
    if (!rc) rc = groth16_pk_from_zkey(&pk, &k3.z, &err);
    if (!rc) rc = groth16_pk_from_zkey(&pk0, &k0.z, &err);
    if (!rc) rc = groth16_vk_from_pk(&vk, &pk);
    if (!rc) rc = groth16_vk_from_pk(&vk0, &pk0);
    if (!rc) rc = groth16_prove(&p, &pk, &cs, cs.values, cs.n_vars, 2, rng, NULL, &err);
    CHECK_MSG(rc == ZK_OK, "prove with the contributed key: %s", err.msg);
    if (!rc) {
        uint8_t pub[1][32];
        groth16_public_from_witness(pub, cs.values, 1);
        CHECK(groth16_verify(&vk, (const uint8_t(*)[32])pub, 1, &p, NULL) == ZK_OK);
        /* The initial key's vk has another delta: the proof is not valid for it. */
        CHECK(groth16_verify(&vk0, (const uint8_t(*)[32])pub, 1, &p, NULL) == ZK_ERR_REJECTED);
    }
    r1cs_file_clear(&rf);
    r1cs_clear(&cs);
    groth16_pk_clear(&pk);
    groth16_pk_clear(&pk0);
    groth16_vk_clear(&vk);
    groth16_vk_clear(&vk0);
    free(rd);
    free(wd);
}

/* Verifies k2 with one change made by edit; expects code want. */
typedef void (*edit_fn)(zkey_file *z, uint8_t *scratch);

static void expect_reject(const char *what, const key *base, edit_fn edit, int want)
{
    CASE_BEGIN("verify rejects: %s", what);
    zkey_file z = base->z;
    zkey_file_contrib list[4];
    memcpy(list, base->z.contributions, base->z.n_contributions * sizeof(*list));
    z.contributions = list;
    /* Room for a copy of any section the edit replaces. */
    size_t big = (size_t)z.n_vars * 128 + (size_t)z.domain_size * 64 + 4096;
    uint8_t *scratch = malloc(big);
    CHECK(scratch != NULL);
    if (scratch) {
        edit(&z, scratch);
        zk_errbuf err = {{0}, 0};
        int rc = zkey_contrib_verify(NULL, &k0.z, &z, 2, &err);
        CHECK_MSG(rc == want, "%s: got %d (%s), want %d", what, rc, err.msg, want);
        CHECK(err.msg[0] != '\0');
    }
    free(scratch);
    CASE_END();
}

/* Copies n bytes of src into scratch, which the caller then changes and points at. */
static const uint8_t *copy_into(uint8_t *scratch, const uint8_t *src, size_t n)
{
    memcpy(scratch, src, n);
    return scratch;
}

static void edit_delta1(zkey_file *z, uint8_t *s)
{
    (void)s;
    memcpy(z->delta1, k1.z.delta1, 64); /* a valid point, the previous delta */
}
static void edit_delta2(zkey_file *z, uint8_t *s)
{
    (void)s;
    memcpy(z->delta2, k1.z.delta2, 128);
}
static void edit_l_point(zkey_file *z, uint8_t *s)
{
    size_t n = (size_t)(z->n_vars - z->n_public - 1) * 64;
    z->c = copy_into(s, z->c, n);
    memcpy(s + 64 * 5, z->c + 64 * 6, 64); /* point 5 := point 6 (both on the curve) */
}
static void edit_h_point(zkey_file *z, uint8_t *s)
{
    z->h = copy_into(s, z->h, (size_t)z->domain_size * 64);
    memcpy(s + 64 * 7, k1.z.h + 64 * 7, 64); /* the previous contribution's H point */
}
static void edit_l_off_curve(zkey_file *z, uint8_t *s)
{
    z->c = copy_into(s, z->c, (size_t)(z->n_vars - z->n_public - 1) * 64);
    s[64 * 3] ^= 1;
}
static void edit_rec_delta_after(zkey_file *z, uint8_t *s)
{
    z->contributions[1].delta_after = copy_into(s, k1.z.delta1, 64);
}
static void edit_rec_g1_sx(zkey_file *z, uint8_t *s)
{
    /* g1_sx := g1_s: still on the curve, the transcript no longer matches. */
    z->contributions[0].g1_sx = copy_into(s, z->contributions[0].g1_s, 64);
}
static void edit_rec_g2_spx(zkey_file *z, uint8_t *s)
{
    /* Another contribution's g2_spx: in G2, but not k times this transcript's g2_sp. */
    z->contributions[1].g2_spx = copy_into(s, z->contributions[0].g2_spx, 128);
}
static void edit_rec_transcript(zkey_file *z, uint8_t *s)
{
    z->contributions[0].transcript = copy_into(s, z->contributions[0].transcript, 64);
    s[17] ^= 0x40;
}
static void edit_rec_type(zkey_file *z, uint8_t *s)
{
    (void)s;
    z->contributions[0].type = 1; /* a "beacon" without beacon parameters */
}
static void edit_rec_swap(zkey_file *z, uint8_t *s)
{
    (void)s;
    zkey_file_contrib t = z->contributions[0];
    z->contributions[0] = z->contributions[1];
    z->contributions[1] = t;
}
static void edit_rec_drop(zkey_file *z, uint8_t *s)
{
    (void)s;
    z->n_contributions = 1; /* the file then claims one contribution only */
}
static void edit_ic(zkey_file *z, uint8_t *s)
{
    z->ic = copy_into(s, z->ic, (size_t)(z->n_public + 1) * 64);
    memcpy(s, k0.z.a + 64, 64);
}
static void edit_a(zkey_file *z, uint8_t *s)
{
    z->a = copy_into(s, z->a, (size_t)z->n_vars * 64);
    memcpy(s + 64 * 9, s + 64 * 10, 64);
}
static void edit_coef(zkey_file *z, uint8_t *s)
{
    zkey_file_coef *c = (zkey_file_coef *)s;
    memcpy(c, z->coefs, z->n_coefs * sizeof(*c));
    c[3].signal ^= 1;
    z->coefs = c;
}
static void edit_cs_hash(zkey_file *z, uint8_t *s)
{
    (void)s;
    z->cs_hash[0] ^= 1;
}

TEST(test_verify_rejects_tampering)
{
    if (!k2.ok || !k3.ok) return;
    expect_reject("delta1 changed", &k2, edit_delta1, ZK_ERR_REJECTED);
    expect_reject("delta2 changed", &k2, edit_delta2, ZK_ERR_REJECTED);
    expect_reject("one L point changed", &k2, edit_l_point, ZK_ERR_REJECTED);
    expect_reject("one H point changed", &k2, edit_h_point, ZK_ERR_REJECTED);
    expect_reject("an L point off the curve", &k2, edit_l_off_curve, ZK_ERR_NOT_ON_CURVE);
    expect_reject("record deltaAfter changed", &k2, edit_rec_delta_after, ZK_ERR_REJECTED);
    expect_reject("record g1_sx changed", &k2, edit_rec_g1_sx, ZK_ERR_REJECTED);
    expect_reject("record g2_spx changed", &k2, edit_rec_g2_spx, ZK_ERR_REJECTED);
    expect_reject("record transcript bit flipped", &k2, edit_rec_transcript, ZK_ERR_REJECTED);
    expect_reject("record type changed to beacon", &k2, edit_rec_type, ZK_ERR_REJECTED);
    expect_reject("records swapped", &k2, edit_rec_swap, ZK_ERR_REJECTED);
    expect_reject("last record dropped", &k2, edit_rec_drop, ZK_ERR_REJECTED);
    expect_reject("IC section changed", &k2, edit_ic, ZK_ERR_MISMATCH);
    expect_reject("A section changed", &k2, edit_a, ZK_ERR_MISMATCH);
    expect_reject("a coefficient changed", &k2, edit_coef, ZK_ERR_MISMATCH);
    /* csHash seeds the transcript: with contributions the first transcript breaks ... */
    expect_reject("csHash changed (transcripts)", &k2, edit_cs_hash, ZK_ERR_REJECTED);
    /* ... without, the comparison with the initial key catches it. */
    expect_reject("csHash changed (initial key)", &k0, edit_cs_hash, ZK_ERR_MISMATCH);

    /* A beacon record whose beacon hash was replaced. */
    CASE_BEGIN("verify rejects: beacon hash of the record changed");
    zkey_file z = k3.z;
    zkey_file_contrib list[3];
    memcpy(list, k3.z.contributions, sizeof(list));
    static const uint8_t other[] = {0xca, 0xff};
    list[2].params.beacon_hash = other;
    z.contributions = list;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(zkey_contrib_verify(NULL, &k0.z, &z, 1, &err), ZK_ERR_REJECTED);
    CHECK(strstr(err.msg, "beacon") != NULL);
    CASE_END();

    /* The key of another ceremony (snarkjs's upstream zkey of the same circuit). */
    CASE_BEGIN("verify rejects: initial key of another ceremony");
    key other_init;
    key_load(&other_init, ZKEY_OTHER);
    CHECK(other_init.ok &&
          zkey_contrib_verify(NULL, &other_init.z, &k2.z, 1, &err) == ZK_ERR_MISMATCH);
    key_free(&other_init);
    CASE_END();

    /* The name is not bound by the transcript (snarkjs neither): renaming still verifies. */
    CASE_BEGIN("a renamed contribution still verifies (as in snarkjs)");
    z = k2.z;
    memcpy(list, k2.z.contributions, 2 * sizeof(*list));
    list[0].params.name = (const uint8_t *)"renamed";
    list[0].params.name_len = 7;
    z.contributions = list;
    CHECK(zkey_contrib_verify(NULL, &k0.z, &z, 1, NULL) == ZK_OK);
    CASE_END();
}

TEST(test_contribute_refusals)
{
    zk_buf b;
    buf_init(&b, 0);
    uint8_t h[64];
    zk_errbuf err = {{0}, 0};
    static const uint8_t bh[] = {1};
    CASE_BEGIN("beacon parameters out of range");
    CHECK_EQ_INT(zkey_contrib_beacon(&b, h, &k0.z, bh, 0, 10, NULL, 1, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(zkey_contrib_beacon(&b, h, &k0.z, bh, 256, 10, NULL, 1, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(zkey_contrib_beacon(&b, h, &k0.z, bh, 1, 9, NULL, 1, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(zkey_contrib_beacon(&b, h, &k0.z, bh, 1, 64, NULL, 1, &err), ZK_ERR_USAGE);
    CASE_END();
    CASE_BEGIN("names that are not UTF-8");
    static const char *const bad[] = {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80",
                                      "\xf5\x80\x80\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        CHECK_EQ_INT(zkey_contrib_contribute(&b, h, &k0.z, NULL, 0, bad[i], 1, &err), ZK_ERR_USAGE);
    CASE_END();
    CASE_BEGIN("names cut at 64 UTF-16 units");
    /* 63 ASCII characters then U+1F600 (two UTF-16 units): the emoji does not fit. */
    char name[80];
    memset(name, 'a', 63);
    memcpy(name + 63,
           "\xf0\x9f\x98\x80"
           "b",
           6);
    CHECK(zkey_contrib_contribute(&b, h, &k0.z, NULL, 0, name, 1, &err) == ZK_OK);
    key k;
    key_from_buf(&k, &b);
    CHECK(k.ok && k.z.contributions[0].params.name_len == 63);
    key_free(&k);
    /* "é" is one unit in two bytes: 64 of them are kept whole. */
    char accents[2 * 70 + 1];
    for (int i = 0; i < 70; i++)
        memcpy(accents + 2 * i, "\xc3\xa9", 2);
    accents[140] = '\0';
    buf_init(&b, 0);
    CHECK(zkey_contrib_contribute(&b, h, &k0.z, NULL, 0, accents, 1, &err) == ZK_OK);
    key_from_buf(&k, &b);
    CHECK(k.ok && k.z.contributions[0].params.name_len == 128);
    key_free(&k);
    CASE_END();

    CASE_BEGIN("a key without section 10");
    zkey_file z = k0.z;
    z.has_mpc = false;
    buf_init(&b, 0);
    CHECK_EQ_INT(zkey_contrib_contribute(&b, h, &z, NULL, 0, NULL, 1, &err), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(zkey_contrib_verify(NULL, &k0.z, &z, 1, &err), ZK_ERR_NOTFOUND);
    CASE_END();

    CASE_BEGIN("a development key");
    zkey_file_contrib marker;
    memset(&marker, 0, sizeof(marker));
    static const uint8_t zero[128];
    marker.delta_after = marker.g1_s = marker.g1_sx = marker.g2_spx = marker.transcript = zero;
    marker.params.name = (const uint8_t *)GROTH16_DEV_SETUP_WARNING;
    marker.params.name_len = strlen(GROTH16_DEV_SETUP_WARNING);
    z = k0.z;
    z.contributions = &marker;
    z.n_contributions = 1;
    CHECK_EQ_INT(zkey_contrib_contribute(&b, h, &z, NULL, 0, NULL, 1, &err), ZK_ERR_REJECTED);
    /* verify refuses it too: the marker is no proof of knowledge. */
    CHECK(zkey_contrib_verify(NULL, &k0.z, &z, 1, &err) != ZK_OK);
    CASE_END();

    CASE_BEGIN("a delta1 off the curve");
    z = k0.z;
    z.delta1[5] ^= 1;
    CHECK_EQ_INT(zkey_contrib_contribute(&b, h, &z, NULL, 0, NULL, 1, &err), ZK_ERR_NOT_ON_CURVE);
    CASE_END();
    CHECK_EQ_INT(b.len, 0);
    buf_clear(&b);
}

static void teardown(void)
{
    key_free(&k0);
    key_free(&k1);
    key_free(&k2);
    key_free(&k3);
}

static void setup(void)
{
    key_load(&k0, ZKEY_0000);
}

TEST_MAIN(setup(); RUN(test_beacon_matches_snarkjs); RUN(test_initial_key_verifies);
          RUN(test_two_contributions_and_beacon); RUN(test_contributed_key_proves);
          RUN(test_verify_rejects_tampering); RUN(test_contribute_refusals); teardown())
