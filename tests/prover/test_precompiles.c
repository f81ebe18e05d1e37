/* EIP-196/197 precompiles: every case of go-ethereum's bn256Add, bn256ScalarMul
 * and bn256Pairing vectors, the derived failure cases (each with its kind of
 * error), padding/truncation rules, and flipped bits in valid pairing inputs. */
#include "harness.h"

#include "lightclient/hex.h"
#include "prover/prover.h"

typedef int (*precompile_fn)(uint8_t *out, const uint8_t *in, size_t len, zk_errbuf *err);

static int call_add(uint8_t *out, const uint8_t *in, size_t len, zk_errbuf *err)
{
    return bn254_add_precompile(out, in, len, err);
}
static int call_mul(uint8_t *out, const uint8_t *in, size_t len, zk_errbuf *err)
{
    return bn254_mul_precompile(out, in, len, err);
}
static int call_pairing(uint8_t *out, const uint8_t *in, size_t len, zk_errbuf *err)
{
    return bn254_pairing_precompile(out, in, len, err);
}

/* Runs every case of an upstream vector file: all must succeed with Expected. */
static void run_vectors(const char *file, precompile_fn fn, size_t out_len)
{
    json_t *root = th_load_json(file);
    if (!root) return;
    CHECK(json_is_array(root) && json_array_size(root) > 0);
    size_t i;
    json_t *c;
    json_array_foreach(root, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "Name"));
        CASE_BEGIN("%s %s", file, name ? name : "?");
        uint8_t *in = NULL, *want = NULL;
        size_t in_len = 0, want_len = 0;
        zk_errbuf err = {0};
        CHECK_EQ_INT(
            hex_decode_alloc(&in, &in_len, json_string_value(json_object_get(c, "Input")), NULL),
            ZK_OK);
        CHECK_EQ_INT(hex_decode_alloc(&want, &want_len,
                                      json_string_value(json_object_get(c, "Expected")), NULL),
                     ZK_OK);
        if (in && want) {
            uint8_t out[64];
            int rc = fn(out, in, in_len, &err);
            CHECK_MSG(rc == ZK_OK, "rc %d: %s", rc, err.msg);
            CHECK_EQ_INT(want_len, out_len);
            if (rc == ZK_OK && want_len == out_len) CHECK_MEM(out, want, out_len);
        }
        free(in);
        free(want);
        CASE_END();
    }
    json_decref(root);
}

TEST(bn256_add_vectors)
{
    run_vectors("precompiles/bn256Add.json", call_add, 64);
}
TEST(bn256_mul_vectors)
{
    run_vectors("precompiles/bn256ScalarMul.json", call_mul, 64);
}
TEST(bn256_pairing_vectors)
{
    run_vectors("precompiles/bn256Pairing.json", call_pairing, 32);
}

/* The kind of error a derived failure case must give, from its name. */
static int expected_error(const char *name)
{
    if (strstr(name, "length")) return ZK_ERR_TRUNCATED;
    if (strstr(name, "not_in_subgroup")) return BN254_ERR_NOT_IN_SUBGROUP;
    if (strstr(name, "not_on")) return BN254_ERR_NOT_ON_CURVE;
    if (strstr(name, "equal_to_p") || strstr(name, "not_reduced")) return BN254_ERR_COORD;
    return -1;
}

TEST(derived_failures)
{
    json_t *root = th_load_json("precompiles/derived_fail_bn256.json");
    if (!root) return;
    CHECK_EQ_INT(json_array_size(root), 10);
    size_t i;
    json_t *c;
    json_array_foreach(root, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "Name"));
        const char *pc = json_string_value(json_object_get(c, "Precompile"));
        CASE_BEGIN("derived %s", name ? name : "?");
        uint8_t *in = NULL;
        size_t in_len = 0;
        CHECK(name && pc);
        CHECK_EQ_INT(
            hex_decode_alloc(&in, &in_len, json_string_value(json_object_get(c, "Input")), NULL),
            ZK_OK);
        if (name && pc && in) {
            precompile_fn fn = strcmp(pc, "0x06") == 0   ? call_add
                               : strcmp(pc, "0x07") == 0 ? call_mul
                               : strcmp(pc, "0x08") == 0 ? call_pairing
                                                         : NULL;
            CHECK(fn != NULL);
            int want = expected_error(name);
            CHECK(want > 0);
            if (fn) {
                uint8_t out[64];
                zk_errbuf err = {0};
                int rc = fn(out, in, in_len, &err);
                CHECK_MSG(rc == want, "rc %d (%s), expected %d", rc, err.msg, want);
                CHECK(err.msg[0] != '\0');
            }
        }
        free(in);
        CASE_END();
    }
    json_decref(root);
}

/* Short input is right-padded with zeros, long input truncated (EIP-196). */
TEST(padding_and_truncation)
{
    uint8_t in[200], out[64], out2[64], zero[64] = {0};
    memset(in, 0, sizeof(in));
    /* Empty input: 0 + 0 = 0 and [0] 0 = 0. */
    CHECK_EQ_INT(bn254_add_precompile(out, NULL, 0, NULL), ZK_OK);
    CHECK_MEM(out, zero, 64);
    CHECK_EQ_INT(bn254_mul_precompile(out, NULL, 0, NULL), ZK_OK);
    CHECK_MEM(out, zero, 64);
    /* G + (nothing) = G: 64 bytes of input, the second point padded to infinity. */
    g1_affine g;
    g1_generator(&g);
    g1_affine_to_bytes(in, &g);
    CHECK_EQ_INT(bn254_add_precompile(out, in, 64, NULL), ZK_OK);
    CHECK_MEM(out, in, 64);
    /* [s] G with s = 2 written as 95 bytes "...00 02"? No: a 95-byte input pads the
     * scalar's last byte with zero, so s = 0x02 << 8 ... check against 96 bytes. */
    in[64 + 30] = 2; /* s = 0x0200 = 512 when all 96 bytes are given */
    CHECK_EQ_INT(bn254_mul_precompile(out, in, 95, NULL), ZK_OK);
    CHECK_EQ_INT(bn254_mul_precompile(out2, in, 96, NULL), ZK_OK);
    CHECK_MEM(out, out2, 64);
    /* Trailing garbage past 96 / 128 bytes is ignored. */
    memset(in + 96, 0xff, sizeof(in) - 96);
    CHECK_EQ_INT(bn254_mul_precompile(out, in, sizeof(in), NULL), ZK_OK);
    CHECK_MEM(out, out2, 64);
    g1_affine_to_bytes(in + 64, &g);
    memset(in + 128, 0xff, sizeof(in) - 128);
    CHECK_EQ_INT(bn254_add_precompile(out, in, sizeof(in), NULL), ZK_OK);
    CHECK_EQ_INT(bn254_add_precompile(out2, in, 128, NULL), ZK_OK);
    CHECK_MEM(out, out2, 64);
    /* Pairing: empty is 1; every length that is not a multiple of 192 fails. */
    uint8_t word[32];
    CHECK_EQ_INT(bn254_pairing_precompile(word, NULL, 0, NULL), ZK_OK);
    CHECK(word[31] == 1);
    for (size_t len = 1; len < sizeof(in); len++)
        if (len != 192)
            CHECK_EQ_INT(bn254_pairing_precompile(word, in, len, NULL), ZK_ERR_TRUNCATED);
}

/* A flipped bit anywhere in a valid pairing input turns the answer to 0 or to an
 * encoding error, never a false 1. */
TEST(pairing_bit_flips)
{
    json_t *root = th_load_json("precompiles/bn256Pairing.json");
    if (!root) return;
    size_t i;
    json_t *c;
    json_array_foreach(root, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "Name"));
        const char *exp = json_string_value(json_object_get(c, "Expected"));
        uint8_t *in = NULL;
        size_t in_len = 0;
        if (!exp || exp[strlen(exp) - 1] != '1') continue;
        if (hex_decode_alloc(&in, &in_len, json_string_value(json_object_get(c, "Input")), NULL) !=
            ZK_OK) {
            CHECK(0);
            continue;
        }
        if (in_len == 0 || in_len > 384) { /* the 10-pair cases are slow; cover 2-3 pairs */
            free(in);
            continue;
        }
        CASE_BEGIN("bit flips in %s", name ? name : "?");
        for (int k = 0; k < 6; k++) {
            size_t bit = (size_t)(th_rand64() % (in_len * 8));
            uint8_t out[32];
            zk_errbuf err = {0};
            in[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            int rc = bn254_pairing_precompile(out, in, in_len, &err);
            CHECK_MSG(rc != ZK_OK || out[31] == 0, "bit %zu still pairs to 1", bit);
            in[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        free(in);
        CASE_END();
    }
    json_decref(root);
}

TEST_MAIN(RUN(bn256_add_vectors); RUN(bn256_mul_vectors); RUN(bn256_pairing_vectors);
          RUN(derived_failures); RUN(padding_and_truncation); RUN(pairing_bit_flips))
