/* ECDSA on secp256k1: Wycheproof (plain ECDSA with high s allowed, and the
 * Bitcoin low-s variant), go-ethereum's ecRecover precompile vectors, the EIP-155
 * known answer, random sign/recover round trips cross-checked against raw
 * libsecp256k1, and one negative test per rule (r, s, v ranges, EIP-2 high s,
 * strict DER, off-curve keys).
 *
 * Wycheproof 'acceptable' results: these files have none. Were one to appear it
 * would mark a lenient encoding (BER, say) that some libraries take; our DER
 * parser is strict, so the test requires such a case to be rejected. */
#include "harness.h"
#include "secp256k1_consts.h"

#include <openssl/sha.h>
#include <secp256k1_recovery.h>

#include "lightclient/bytes.h"
#include "lightclient/ecdsa.h"
#include "lightclient/hex.h"
#include "lightclient/keccak.h"
#include "lightclient/rlp.h"

static bool json_hex_alloc(uint8_t **out, size_t *len, const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && hex_decode_alloc(out, len, s, NULL) == ZK_OK;
}

/* Minimal DER encoding of one non-negative 32-byte integer (the test's own
 * encoder, used to check that every accepted DER input is canonical). */
static size_t der_int(uint8_t *out, const uint8_t v[32])
{
    size_t i = 0;
    while (i < 31 && v[i] == 0)
        i++;
    size_t n = 32 - i, pad = (v[i] & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = (uint8_t)(n + pad);
    out[2] = 0;
    memcpy(out + 2 + pad, v + i, n);
    return 2 + pad + n;
}

static size_t der_sig(uint8_t out[72], const uint8_t r[32], const uint8_t s[32])
{
    size_t n = der_int(out + 2, r);
    n += der_int(out + 2 + n, s);
    out[0] = 0x30;
    out[1] = (uint8_t)n;
    return n + 2;
}

static void rand_seckey(const secp256k1_context *ctx, uint8_t sk[32], uint8_t pub[64])
{
    do
        th_rand_bytes(sk, 32);
    while (ecdsa_pubkey_from_seckey(ctx, pub, sk) != ZK_OK);
}

static bool has_flag(const json_t *tc, const char *flag)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(tc, "flags"), i, f)
    {
        if (json_is_string(f) && strcmp(json_string_value(f), flag) == 0) return true;
    }
    return false;
}

/* Recovers with ids 0..3 through raw libsecp256k1; true when one gives pub. */
static bool raw_recovers_to(const secp256k1_context *ctx, const uint8_t pub[64],
                            const uint8_t hash[32], const uint8_t r[32], const uint8_t s[32])
{
    uint8_t compact[64], ser[65];
    memcpy(compact, r, 32);
    memcpy(compact + 32, s, 32);
    for (int id = 0; id < 4; id++) {
        secp256k1_ecdsa_recoverable_signature sig;
        secp256k1_pubkey pk;
        size_t len = sizeof(ser);
        if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, compact, id)) continue;
        if (!secp256k1_ecdsa_recover(ctx, &pk, &sig, hash)) continue;
        secp256k1_ec_pubkey_serialize(ctx, ser, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
        if (memcmp(ser + 1, pub, 64) == 0) return true;
    }
    return false;
}

/* Runs one Wycheproof ECDSA file; flags 0 is the Bitcoin / EIP-2 rule set. */
static void wycheproof_run(const char *rel, int flags)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    json_t *root = th_load_json(rel);
    CHECK(ctx != NULL);
    if (!root || !ctx) goto out;
    long long count = 0, valid = 0, recovered = 0;
    size_t gi, ti;
    json_t *group, *tc;
    json_array_foreach(json_object_get(root, "testGroups"), gi, group)
    {
        uint8_t *pk_raw = NULL, pub[64];
        size_t pk_len = 0;
        const json_t *pkobj = json_object_get(group, "publicKey");
        CHECK(json_hex_alloc(&pk_raw, &pk_len, pkobj, "uncompressed"));
        zk_errbuf perr = {0};
        int prc = ecdsa_parse_pubkey(ctx, pub, pk_raw, pk_len, &perr);
        CHECK_MSG(prc == ZK_OK, "group %zu public key: %s", gi, perr.msg);
        free(pk_raw);
        json_array_foreach(json_object_get(group, "tests"), ti, tc)
        {
            long long id = json_integer_value(json_object_get(tc, "tcId"));
            const char *result = json_string_value(json_object_get(tc, "result"));
            CASE_BEGIN("%s tcId %lld (%s)", rel, id,
                       json_string_value(json_object_get(tc, "comment")));
            count++;
            uint8_t *msg = NULL, *sig = NULL, digest[32], r[32], s[32];
            size_t msg_len = 0, sig_len = 0;
            CHECK(json_hex_alloc(&msg, &msg_len, tc, "msg"));
            CHECK(json_hex_alloc(&sig, &sig_len, tc, "sig"));
            CHECK(result != NULL);
            if (!msg || !sig || !result || prc != ZK_OK) goto next;
            SHA256(msg, msg_len, digest);
            zk_errbuf err = {0};
            int rc = ecdsa_parse_der(r, s, sig, sig_len, &err);
            if (rc == ZK_OK) {
                /* Strictness check: whatever we accept re-encodes to the same bytes,
                 * and libsecp256k1's own DER parser reads the same r, s. */
                uint8_t re[72];
                size_t re_len = der_sig(re, r, s);
                CHECK(re_len == sig_len && memcmp(re, sig, sig_len) == 0);
                secp256k1_ecdsa_signature ls;
                CHECK(secp256k1_ecdsa_signature_parse_der(ctx, &ls, sig, sig_len));
                rc = ecdsa_verify(ctx, pub, digest, r, s, flags, &err);
            }
            if (strcmp(result, "valid") == 0) {
                valid++;
                CHECK_MSG(rc == ZK_OK, "valid signature rejected: %s", err.msg);
                /* Cross-check recovery against verification: the signer's key is
                 * among the recoverable ones (ids 0/1 in our API when R.x < n). */
                uint8_t got[64];
                bool ours = false;
                for (int v = 0; v < 2 && !ours; v++)
                    ours = ecdsa_recover(ctx, got, digest, r, s, v, ECDSA_ALLOW_HIGH_S, NULL) ==
                               ZK_OK &&
                           memcmp(got, pub, 64) == 0;
                if (ours) recovered++;
                CHECK(ours || raw_recovers_to(ctx, pub, digest, r, s));
            } else if (strcmp(result, "invalid") == 0 || strcmp(result, "acceptable") == 0) {
                CHECK_MSG(rc != ZK_OK, "invalid signature accepted");
                CHECK_MSG(rc == ZK_OK || err.msg[0] != '\0', "rejected without a message");
                if (flags == 0 && has_flag(tc, "SignatureMalleabilityBitcoin")) {
                    /* The Bitcoin file's high-s cases: rejected for the EIP-2 rule
                     * alone, and valid once high s is allowed. */
                    CHECK_EQ_INT(rc, ZK_ERR_REJECTED);
                    CHECK(strstr(err.msg, "EIP-2") != NULL);
                    CHECK_EQ_INT(ecdsa_verify(ctx, pub, digest, r, s, ECDSA_ALLOW_HIGH_S, NULL),
                                 ZK_OK);
                }
            } else {
                CHECK_MSG(false, "unknown result '%s'", result);
            }
        next:
            free(msg);
            free(sig);
            CASE_END();
        }
    }
    CHECK_EQ_INT(count, json_integer_value(json_object_get(root, "numberOfTests")));
    fprintf(stderr, "  %s: %lld cases, %lld valid (%lld recovered with v in {0,1})\n", rel, count,
            valid, recovered);
out:
    json_decref(root);
    ecdsa_context_free(ctx);
}

TEST(wycheproof_ecdsa_secp256k1_sha256)
{
    wycheproof_run("wycheproof/ecdsa_secp256k1_sha256_test.json", ECDSA_ALLOW_HIGH_S);
}

TEST(wycheproof_ecdsa_secp256k1_sha256_bitcoin)
{
    wycheproof_run("wycheproof/ecdsa_secp256k1_sha256_bitcoin_test.json", 0);
}

TEST(geth_ecrecover_precompile)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    json_t *root = th_load_json("precompiles/ecRecover.json");
    CHECK(ctx != NULL);
    if (!root || !ctx) goto out;
    CHECK(json_array_size(root) > 0);
    size_t i;
    json_t *tc;
    json_array_foreach(root, i, tc)
    {
        CASE_BEGIN("ecRecover.json/%s", json_string_value(json_object_get(tc, "Name")));
        uint8_t *in = NULL, *want = NULL, out32[32];
        size_t in_len = 0, want_len = 0;
        CHECK(json_hex_alloc(&in, &in_len, tc, "Input"));
        CHECK(json_hex_alloc(&want, &want_len, tc, "Expected"));
        if (in && want) {
            zk_errbuf err = {0};
            int rc = ecdsa_ecrecover_precompile(ctx, out32, in, in_len, &err);
            if (want_len == 0) {
                CHECK_MSG(rc != ZK_OK, "expected empty output, got an address");
                CHECK(err.msg[0] != '\0');
            } else {
                CHECK_EQ_INT(want_len, 32);
                CHECK_MSG(rc == ZK_OK, "rejected: %s", err.msg);
                if (rc == ZK_OK && want_len == 32) CHECK_MEM(out32, want, 32);

                /* Longer input is truncated: trailing bytes change nothing. */
                uint8_t longer[160], out2[32];
                memset(longer, 0xab, sizeof(longer));
                memcpy(longer, in, in_len < 128 ? in_len : 128);
                CHECK_EQ_INT(ecdsa_ecrecover_precompile(ctx, out2, longer, 160, NULL), ZK_OK);
                CHECK_MEM(out2, out32, 32);
                /* A flipped hash bit recovers someone else (or nobody). */
                in[5] ^= 0x10;
                rc = ecdsa_ecrecover_precompile(ctx, out2, in, in_len, NULL);
                CHECK(rc != ZK_OK || memcmp(out2, out32, 32) != 0);
                in[5] ^= 0x10;
                /* v = 27 <-> 28 recovers the other candidate key. */
                in[63] ^= 27 ^ 28;
                rc = ecdsa_ecrecover_precompile(ctx, out2, in, in_len, NULL);
                CHECK(rc != ZK_OK || memcmp(out2, out32, 32) != 0);
                in[63] ^= 27 ^ 28;
                /* v = 0/1 is the transaction form, not the precompile's. */
                in[63] -= 27;
                CHECK_EQ_INT(ecdsa_ecrecover_precompile(ctx, out2, in, in_len, NULL), ZK_ERR_RANGE);
                /* Short input is zero-padded, so dropping s leaves s = 0. */
                CHECK_EQ_INT(ecdsa_ecrecover_precompile(ctx, out2, in, 96, NULL), ZK_ERR_RANGE);
            }
        }
        free(in);
        free(want);
        CASE_END();
    }
    uint8_t o[32];
    CHECK(ecdsa_ecrecover_precompile(ctx, o, NULL, 0, NULL) != ZK_OK);
out:
    json_decref(root);
    ecdsa_context_free(ctx);
}

/* EIP-155's worked example: nonce 9, gas price 20 gwei, gas 21000, to 0x3535..35,
 * value 10^18, chain id 1, signed with the key 0x4646..46. The signing hash,
 * r, s and the recovery id (v = 37 = 35 + 2 * 1 + 0) are quoted from the EIP. */
TEST(eip155_known_answer)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    uint8_t sk[32], to[20], want_hash[32], want_r[32], want_s[32], want_addr[20];
    memset(sk, 0x46, 32);
    memset(to, 0x35, 20);
    CHECK_EQ_INT(
        hex_decode_fixed(want_hash, 32,
                         "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53", NULL),
        ZK_OK);
    CHECK_EQ_INT(
        hex_decode_fixed(want_r, 32,
                         "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276", NULL),
        ZK_OK);
    CHECK_EQ_INT(
        hex_decode_fixed(want_s, 32,
                         "67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83", NULL),
        ZK_OK);
    CHECK_EQ_INT(
        hex_decode_fixed(want_addr, 20, "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F", NULL), ZK_OK);

    zk_buf b;
    size_t mark;
    buf_init(&b, 0);
    rlp_list_begin(&b, &mark);
    CHECK_EQ_INT(rlp_encode_uint64(&b, 9), ZK_OK);
    CHECK_EQ_INT(rlp_encode_uint64(&b, 20000000000ull), ZK_OK);
    CHECK_EQ_INT(rlp_encode_uint64(&b, 21000), ZK_OK);
    CHECK_EQ_INT(rlp_encode_bytes(&b, to, 20), ZK_OK);
    CHECK_EQ_INT(rlp_encode_uint64(&b, 1000000000000000000ull), ZK_OK);
    CHECK_EQ_INT(rlp_encode_bytes(&b, NULL, 0), ZK_OK);
    CHECK_EQ_INT(rlp_encode_uint64(&b, 1), ZK_OK);
    CHECK_EQ_INT(rlp_encode_uint64(&b, 0), ZK_OK);
    CHECK_EQ_INT(rlp_encode_uint64(&b, 0), ZK_OK);
    CHECK_EQ_INT(rlp_list_end(&b, mark), ZK_OK);
    uint8_t hash[32];
    keccak256(hash, b.data, b.len);
    buf_clear(&b);
    CHECK_MEM(hash, want_hash, 32);

    uint8_t pub[64], addr[20], sig[65], got[20];
    CHECK_EQ_INT(ecdsa_pubkey_from_seckey(ctx, pub, sk), ZK_OK);
    eth_address_from_pubkey(addr, pub);
    CHECK_MEM(addr, want_addr, 20);

    /* RFC 6979 makes the signature reproducible, so it must equal the EIP's. */
    CHECK_EQ_INT(ecdsa_sign(ctx, sig, hash, sk), ZK_OK);
    CHECK_MEM(sig, want_r, 32);
    CHECK_MEM(sig + 32, want_s, 32);
    CHECK_EQ_INT(sig[64], 0);
    CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, sig, 0, NULL), ZK_OK);
    CHECK_MEM(got, want_addr, 20);
    sig[64] = 27;
    CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, sig, 0, NULL), ZK_OK);
    CHECK_MEM(got, want_addr, 20);
    ecdsa_context_free(ctx);
}

/* Random keys and digests: sign, recover, verify, cross-checked against raw
 * libsecp256k1; then every single change that must break the signature. */
TEST(random_sign_recover_roundtrip)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    for (int iter = 0; iter < 64; iter++) {
        uint8_t sk[32], pub[64], addr[20], hash[32], sig[65], sig2[65], got[20], gpub[64];
        rand_seckey(ctx, sk, pub);
        th_rand_bytes(hash, 32);
        eth_address_from_pubkey(addr, pub);

        CHECK_EQ_INT(ecdsa_sign(ctx, sig, hash, sk), ZK_OK);
        CHECK_EQ_INT(ecdsa_sign(ctx, sig2, hash, sk), ZK_OK);
        CHECK_MEM(sig, sig2, 65); /* deterministic (RFC 6979) */
        CHECK(sig[64] <= 1);

        /* Independent path: libsecp256k1's own recover + serialize. */
        CHECK(raw_recovers_to(ctx, pub, hash, sig, sig + 32));
        CHECK_EQ_INT(ecdsa_recover(ctx, gpub, hash, sig, sig + 32, sig[64], 0, NULL), ZK_OK);
        CHECK_MEM(gpub, pub, 64);
        CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, sig, 0, NULL), ZK_OK);
        CHECK_MEM(got, addr, 20);
        CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, sig, ECDSA_ALLOW_HIGH_S, NULL), ZK_OK);
        CHECK_MEM(got, addr, 20);
        CHECK_EQ_INT(ecdsa_verify(ctx, pub, hash, sig, sig + 32, 0, NULL), ZK_OK);

        /* Precompile layout hash || v || r || s gives the same address. */
        uint8_t in[128] = {0}, out32[32];
        memcpy(in, hash, 32);
        in[63] = (uint8_t)(sig[64] + 27);
        memcpy(in + 64, sig, 64);
        CHECK_EQ_INT(ecdsa_ecrecover_precompile(ctx, out32, in, sizeof(in), NULL), ZK_OK);
        CHECK_MEM(out32 + 12, addr, 20);

        /* Flipped bits in r, s, the digest: another address, or a rejection. */
        size_t bit = (size_t)(th_rand64() % 256);
        for (int field = 0; field < 3; field++) {
            uint8_t h2[32], s65[65];
            memcpy(h2, hash, 32);
            memcpy(s65, sig, 65);
            uint8_t *target = field == 0 ? s65 : field == 1 ? s65 + 32 : h2;
            target[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            int rc = ecdsa_recover_address(ctx, got, h2, s65, ECDSA_ALLOW_HIGH_S, NULL);
            CHECK_MSG(rc != ZK_OK || memcmp(got, addr, 20) != 0, "field %d bit %zu", field, bit);
            rc = ecdsa_verify(ctx, pub, h2, s65, s65 + 32, ECDSA_ALLOW_HIGH_S, NULL);
            CHECK_MSG(rc != ZK_OK, "verify accepted flipped field %d bit %zu", field, bit);
        }
        /* Wrong v: the other candidate key. */
        memcpy(sig2, sig, 65);
        sig2[64] ^= 1;
        int rc = ecdsa_recover_address(ctx, got, hash, sig2, 0, NULL);
        CHECK(rc != ZK_OK || memcmp(got, addr, 20) != 0);

        /* EIP-2 malleability: (r, n - s, v ^ 1) names the same key. */
        sub256(sig2 + 32, SECP256K1_N, sig + 32);
        sig2[64] = sig[64] ^ 1;
        CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, sig2, ECDSA_ALLOW_HIGH_S, NULL), ZK_OK);
        CHECK_MEM(got, addr, 20);
        zk_errbuf err = {0};
        CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, sig2, 0, &err), ZK_ERR_REJECTED);
        CHECK(strstr(err.msg, "EIP-2") != NULL);
        CHECK_EQ_INT(ecdsa_verify(ctx, pub, hash, sig2, sig2 + 32, ECDSA_ALLOW_HIGH_S, NULL),
                     ZK_OK);
        CHECK_EQ_INT(ecdsa_verify(ctx, pub, hash, sig2, sig2 + 32, 0, NULL), ZK_ERR_REJECTED);

        /* Another key does not verify. */
        uint8_t sk2[32], pub2[64];
        rand_seckey(ctx, sk2, pub2);
        CHECK_EQ_INT(ecdsa_verify(ctx, pub2, hash, sig, sig + 32, 0, NULL), ZK_ERR_REJECTED);
        zk_wipe(sk, sizeof(sk));
        zk_wipe(sk2, sizeof(sk2));
    }
    ecdsa_context_free(ctx);
}

TEST(scalar_and_v_ranges)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    uint8_t sk[32], pub[64], hash[32], sig[65], bad[65], got[20], gpub[64];
    rand_seckey(ctx, sk, pub);
    th_rand_bytes(hash, 32);
    CHECK_EQ_INT(ecdsa_sign(ctx, sig, hash, sk), ZK_OK);

    static const uint8_t zero[32] = {0};
    const uint8_t *bad_vals[] = {zero, SECP256K1_N};
    for (int which = 0; which < 2; which++) {         /* r, then s */
        for (int k = 0; k < 2; k++) {                 /* 0, then n */
            for (int allow = 0; allow < 2; allow++) { /* both rule sets */
                memcpy(bad, sig, 65);
                memcpy(bad + 32 * which, bad_vals[k], 32);
                zk_errbuf err = {0};
                int flags = allow ? ECDSA_ALLOW_HIGH_S : 0;
                CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, bad, flags, &err), ZK_ERR_RANGE);
                CHECK(err.msg[0] != '\0');
                CHECK_EQ_INT(ecdsa_verify(ctx, pub, hash, bad, bad + 32, flags, NULL),
                             ZK_ERR_RANGE);
            }
        }
    }
    /* r = s = 0xff..ff (above n) too. */
    memset(bad, 0xff, 64);
    bad[64] = 0;
    CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, bad, ECDSA_ALLOW_HIGH_S, NULL),
                 ZK_ERR_RANGE);

    /* v: 0, 1, 27, 28 only. */
    const int bad_v[] = {2, 3, 26, 29, 35, 37, 255};
    for (size_t i = 0; i < sizeof(bad_v) / sizeof(bad_v[0]); i++) {
        memcpy(bad, sig, 65);
        bad[64] = (uint8_t)bad_v[i];
        CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, bad, 0, NULL), ZK_ERR_RANGE);
    }
    CHECK_EQ_INT(ecdsa_recover(ctx, gpub, hash, sig, sig + 32, 2, 0, NULL), ZK_ERR_RANGE);
    CHECK_EQ_INT(ecdsa_recover(ctx, gpub, hash, sig, sig + 32, -1, 0, NULL), ZK_ERR_RANGE);
    CHECK_EQ_INT(ecdsa_recover(ctx, gpub, hash, sig, sig + 32, 27, 0, NULL), ZK_ERR_RANGE);
    /* Unknown flag bits are a usage error, not a silent default. */
    CHECK_EQ_INT(ecdsa_recover(ctx, gpub, hash, sig, sig + 32, sig[64], 2, NULL), ZK_ERR_USAGE);
    CHECK_EQ_INT(ecdsa_verify(ctx, pub, hash, sig, sig + 32, 4, NULL), ZK_ERR_USAGE);

    /* s = n/2 is the largest low s (allowed), s = n/2 + 1 the smallest high s. */
    uint8_t half[32], halfp1[32], one[32] = {0}, minus1[32];
    one[31] = 1;
    memset(minus1, 0xff, 32); /* -1 mod 2^256, so x - minus1 = x + 1 */
    sub256(half, SECP256K1_N, one);
    for (int i = 0, carry = 0; i < 32; i++) { /* half = (n - 1) / 2 */
        int v = half[i] | (carry << 8);
        carry = v & 1;
        half[i] = (uint8_t)(v >> 1);
    }
    sub256(halfp1, half, minus1);
    memcpy(bad, sig, 64);
    memcpy(bad + 32, half, 32);
    bad[64] = 0;
    zk_errbuf err = {0};
    int rc = ecdsa_recover_address(ctx, got, hash, bad, 0, &err);
    /* Only recovery itself may fail at s = n/2, never the EIP-2 rule. */
    CHECK(rc == ZK_OK || (rc == ZK_ERR_REJECTED && strstr(err.msg, "EIP-2") == NULL));
    memcpy(bad + 32, halfp1, 32);
    memset(&err, 0, sizeof(err));
    CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, bad, 0, &err), ZK_ERR_REJECTED);
    CHECK(strstr(err.msg, "EIP-2") != NULL);
    CHECK_EQ_INT(ecdsa_recover_address(ctx, got, hash, bad, ECDSA_ALLOW_HIGH_S, NULL) == ZK_OK ||
                     ecdsa_recover_address(ctx, got, hash, bad, ECDSA_ALLOW_HIGH_S, NULL) ==
                         ZK_ERR_REJECTED,
                 1);

    /* Secret keys 0 and n are refused. */
    CHECK_EQ_INT(ecdsa_sign(ctx, bad, hash, zero), ZK_ERR_RANGE);
    CHECK_EQ_INT(ecdsa_sign(ctx, bad, hash, SECP256K1_N), ZK_ERR_RANGE);
    CHECK_EQ_INT(ecdsa_pubkey_from_seckey(ctx, gpub, zero), ZK_ERR_RANGE);
    CHECK_EQ_INT(ecdsa_pubkey_from_seckey(ctx, gpub, SECP256K1_N), ZK_ERR_RANGE);
    zk_wipe(sk, sizeof(sk));
    ecdsa_context_free(ctx);
}

/* r that is no point's x: go-ethereum's CallEcrecoverUnrecoverableKey uses one;
 * here r = 5, whose x^3 + 7 = 132 is not a square mod p, for both v. */
TEST(unrecoverable_r)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    uint8_t r[32] = {0}, s[32] = {0}, hash[32], pub[64];
    r[31] = 5;
    s[31] = 1;
    th_rand_bytes(hash, 32);
    uint8_t ser[33] = {0x02};
    memcpy(ser + 1, r, 32);
    secp256k1_pubkey pk;
    CHECK(!secp256k1_ec_pubkey_parse(ctx, &pk, ser, sizeof(ser))); /* x = 5 is off the curve */
    for (int v = 0; v < 2; v++) {
        zk_errbuf err = {0};
        CHECK_EQ_INT(ecdsa_recover(ctx, pub, hash, r, s, v, ECDSA_ALLOW_HIGH_S, &err),
                     ZK_ERR_REJECTED);
        CHECK(err.msg[0] != '\0');
    }
    ecdsa_context_free(ctx);
}

static int der_hex(uint8_t r[32], uint8_t s[32], const char *hex, zk_errbuf *err)
{
    uint8_t *der = NULL;
    size_t len = 0;
    if (hex_decode_alloc(&der, &len, hex, NULL) != ZK_OK) return -1;
    int rc = ecdsa_parse_der(r, s, der, len, err);
    free(der);
    return rc;
}

TEST(der_strict)
{
    uint8_t r[32], s[32];
    struct {
        const char *hex, *why;
        int rc;
    } cases[] = {
        {"3006020101020102", "minimal valid", ZK_OK},
        {"3006020100020100", "zero r and s encode fine (range is checked later)", ZK_OK},
        {"30070202008002017f", "0x80 needs one sign byte", ZK_OK},
        {"", "empty", ZK_ERR_TRUNCATED},
        {"30", "no length", ZK_ERR_TRUNCATED},
        {"3106020101020102", "SET instead of SEQUENCE", ZK_ERR_MALFORMED},
        {"3007020101020102", "sequence longer than input", ZK_ERR_TRUNCATED},
        {"300602010102010200", "trailing byte after sequence", ZK_ERR_TRAILING},
        {"3009020101020102020103", "third INTEGER in sequence", ZK_ERR_TRAILING},
        {"308006020101020102", "indefinite length (BER)", ZK_ERR_MALFORMED},
        {"30810602010102010", "odd hex", -1},
        {"308106020101020102", "long form for short length", ZK_ERR_NONCANONICAL},
        {"30820006020101020102", "long form with leading zero", ZK_ERR_NONCANONICAL},
        {"30850000000006020101020102", "5-byte length", ZK_ERR_MALFORMED},
        {"300702810101020102", "long-form INTEGER length", ZK_ERR_NONCANONICAL},
        {"3006030101020102", "BIT STRING for r", ZK_ERR_MALFORMED},
        {"3006020101030102", "BIT STRING for s", ZK_ERR_MALFORMED},
        {"30050200020102", "empty r", ZK_ERR_MALFORMED},
        {"30050201010200", "empty s", ZK_ERR_MALFORMED},
        {"3006020181020102", "negative r", ZK_ERR_MALFORMED},
        {"3006020101020180", "negative s", ZK_ERR_MALFORMED},
        {"300702020001020102", "superfluous zero before r", ZK_ERR_NONCANONICAL},
        {"300702010102020001", "superfluous zero before s", ZK_ERR_NONCANONICAL},
        {"30080203000080020102", "two zero bytes before 0x80", ZK_ERR_NONCANONICAL},
        {"3004020101", "s missing", ZK_ERR_TRUNCATED},
        {"3006020201020102", "r overruns into s", ZK_ERR_MALFORMED},
        {"302602210100000000000000000000000000000000000000000000000000000000000000000201"
         "01",
         "r of 33 significant bytes", ZK_ERR_RANGE},
        {"30270222008000000000000000000000000000000000000000000000000000000000000000000201"
         "01",
         "r of 33 bytes after the sign byte", ZK_ERR_RANGE},
        {"302602210080000000000000000000000000000000000000000000000000000000000000000201"
         "01",
         "r of 32 bytes with the top bit set", ZK_OK},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        zk_errbuf err = {0};
        int rc = der_hex(r, s, cases[i].hex, &err);
        CHECK_MSG(rc == cases[i].rc, "'%s' (%s): got %d, want %d (%s)", cases[i].hex, cases[i].why,
                  rc, cases[i].rc, err.msg);
        if (rc > 0) CHECK_MSG(err.msg[0] != '\0', "'%s' rejected without a message", cases[i].why);
    }
    CHECK_EQ_INT(der_hex(r, s, "30070202008002017f", NULL), ZK_OK);
    CHECK_EQ_INT(r[31], 0x80);
    CHECK_EQ_INT(r[30], 0);
    CHECK_EQ_INT(s[31], 0x7f);
}

/* Every 1- and 2-byte input, every truncation and random mutations of real
 * signatures: each input either fails cleanly or is the canonical encoding of
 * what it parsed to. */
TEST(der_exhaustive_and_mutations)
{
    uint8_t r[32], s[32], in[2];
    for (unsigned v = 0; v < 256; v++) {
        in[0] = (uint8_t)v;
        CHECK(ecdsa_parse_der(r, s, in, 1, NULL) != ZK_OK);
    }
    for (unsigned v = 0; v < 65536; v++) {
        in[0] = (uint8_t)(v >> 8);
        in[1] = (uint8_t)v;
        CHECK(ecdsa_parse_der(r, s, in, 2, NULL) != ZK_OK);
    }
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    for (int iter = 0; iter < 200; iter++) {
        uint8_t sk[32], pub[64], hash[32], sig[65], der[80], re[72];
        rand_seckey(ctx, sk, pub);
        th_rand_bytes(hash, 32);
        CHECK_EQ_INT(ecdsa_sign(ctx, sig, hash, sk), ZK_OK);
        /* Small r and s too, to exercise short INTEGERs. */
        if (iter % 4 == 1) memset(sig, 0, 31 - (size_t)(iter % 31));
        if (iter % 4 == 2) memset(sig + 32, 0, 31 - (size_t)(iter % 29));
        size_t len = der_sig(der, sig, sig + 32);
        CHECK_EQ_INT(ecdsa_parse_der(r, s, der, len, NULL), ZK_OK);
        CHECK_MEM(r, sig, 32);
        CHECK_MEM(s, sig + 32, 32);
        secp256k1_ecdsa_signature ls;
        uint8_t compact[64];
        CHECK(secp256k1_ecdsa_signature_parse_der(ctx, &ls, der, len));
        secp256k1_ecdsa_signature_serialize_compact(ctx, compact, &ls);
        CHECK_MEM(compact, sig, 64);
        for (size_t cut = 0; cut < len; cut++)
            CHECK(ecdsa_parse_der(r, s, der, cut, NULL) != 0);
        der[len] = 0;
        CHECK_EQ_INT(ecdsa_parse_der(r, s, der, len + 1, NULL), ZK_ERR_TRAILING);
        for (int m = 0; m < 50; m++) {
            uint8_t mut[80];
            memcpy(mut, der, len);
            size_t pos = (size_t)(th_rand64() % len);
            mut[pos] = (uint8_t)th_rand64();
            if (ecdsa_parse_der(r, s, mut, len, NULL) == ZK_OK) {
                size_t re_len = der_sig(re, r, s);
                CHECK(re_len == len && memcmp(re, mut, len) == 0);
            }
        }
        zk_wipe(sk, sizeof(sk));
    }
    ecdsa_context_free(ctx);
}

TEST(pubkey_parse)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
    if (!ctx) return;
    uint8_t sk[32], pub[64], in[65], got[64], hash[32], sig[65];
    rand_seckey(ctx, sk, pub);
    th_rand_bytes(hash, 32);
    CHECK_EQ_INT(ecdsa_sign(ctx, sig, hash, sk), ZK_OK);
    in[0] = 0x04;
    memcpy(in + 1, pub, 64);
    CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, in, 65, NULL), ZK_OK);
    CHECK_MEM(got, pub, 64);
    CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, pub, 64, NULL), ZK_OK);
    CHECK_MEM(got, pub, 64);

    /* Other prefixes: compressed and hybrid forms are refused even at 65 bytes
     * (libsecp256k1 itself would take the hybrid 0x06/0x07 form). */
    const uint8_t prefixes[] = {0x00, 0x02, 0x03, 0x05, 0x06, 0x07};
    for (size_t i = 0; i < sizeof(prefixes); i++) {
        in[0] = prefixes[i];
        CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, in, 65, NULL), ZK_ERR_MALFORMED);
    }
    in[0] = 0x04;
    uint8_t comp[33] = {0x02};
    memcpy(comp + 1, pub, 32);
    CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, comp, 33, NULL), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, in, 64, NULL), ZK_ERR_REJECTED); /* shifted */
    CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, in, 63, NULL), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, in, 0, NULL), ZK_ERR_MALFORMED);

    /* Off the curve: a flipped bit of y (and of x). */
    for (int coord = 0; coord < 2; coord++) {
        uint8_t off[65];
        memcpy(off, in, 65);
        off[1 + 32 * coord + 31] ^= 1;
        zk_errbuf err = {0};
        CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, off, 65, &err), ZK_ERR_REJECTED);
        CHECK(strstr(err.msg, "not on") != NULL);
        CHECK_EQ_INT(ecdsa_verify(ctx, off + 1, hash, sig, sig + 32, 0, NULL), ZK_ERR_REJECTED);
    }
    CHECK_EQ_INT(ecdsa_verify(ctx, pub, hash, sig, sig + 32, 0, NULL), ZK_OK);
    /* The all-zero key (the point at infinity has no affine form). */
    memset(got, 0, 64);
    CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, pub, got, 64, NULL), ZK_ERR_REJECTED);
    /* Coordinates >= p. */
    uint8_t big[64];
    memcpy(big, SECP256K1_P, 32);
    memcpy(big + 32, in + 33, 32);
    CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, big, 64, NULL), ZK_ERR_RANGE);
    memcpy(big, in + 1, 32);
    memcpy(big + 32, SECP256K1_P, 32);
    CHECK_EQ_INT(ecdsa_parse_pubkey(ctx, got, big, 64, NULL), ZK_ERR_RANGE);
    zk_wipe(sk, sizeof(sk));
    ecdsa_context_free(ctx);
}

TEST(context_lifecycle)
{
    zk_errbuf err = {0};
    secp256k1_context *a = ecdsa_context_new(&err), *b = ecdsa_context_new(&err);
    CHECK(a != NULL && b != NULL);
    if (a && b) {
        /* Two independently randomized contexts sign identically (blinding
         * changes the computation, never the RFC 6979 result). */
        uint8_t sk[32], hash[32], sa[65], sb[65], pub[64];
        rand_seckey(a, sk, pub);
        th_rand_bytes(hash, 32);
        CHECK_EQ_INT(ecdsa_sign(a, sa, hash, sk), ZK_OK);
        CHECK_EQ_INT(ecdsa_sign(b, sb, hash, sk), ZK_OK);
        CHECK_MEM(sa, sb, 65);
        zk_wipe(sk, sizeof(sk));
    }
    ecdsa_context_free(a);
    ecdsa_context_free(b);
    ecdsa_context_free(NULL);
}

TEST_MAIN(RUN(wycheproof_ecdsa_secp256k1_sha256); RUN(wycheproof_ecdsa_secp256k1_sha256_bitcoin);
          RUN(geth_ecrecover_precompile); RUN(eip155_known_answer);
          RUN(random_sign_recover_roundtrip); RUN(scalar_and_v_ranges); RUN(unrecoverable_r);
          RUN(der_strict); RUN(der_exhaustive_and_mutations); RUN(pubkey_parse);
          RUN(context_lifecycle))
