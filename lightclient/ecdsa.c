/* secp256k1 ECDSA for Ethereum on libsecp256k1 (with its recovery module).
 * libsecp256k1 does the curve arithmetic; this file owns the Ethereum rules
 * around it (EIP-2 low-s, v encodings, the 0x01 precompile's input layout),
 * strict DER and public-key parsing, and the mapping to zk_err codes. */
#include "ecdsa.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>
#include <secp256k1_recovery.h>

#include "bytes.h"
#include "keccak.h"

/* Group order n of secp256k1 (SEC 2, section 2.4.1). */
static const uint8_t SECP256K1_N[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

/* floor(n / 2): EIP-2 (Homestead) requires s <= this in transactions. */
static const uint8_t SECP256K1_HALF_N[32] = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

/* Field prime p = 2^256 - 2^32 - 977. */
static const uint8_t SECP256K1_P[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xfc, 0x2f};

/* The largest DER length we decode. An ECDSA signature never needs more than a
 * one-byte length; longer forms are decoded only to name the error precisely. */
#define DER_MAX_LEN_BYTES 4

static bool is_zero32(const uint8_t a[32])
{
    uint8_t acc = 0;
    for (size_t i = 0; i < 32; i++)
        acc |= a[i];
    return acc == 0;
}

/* Big-endian comparison of two 32-byte numbers (variable time: public data only). */
static int cmp32(const uint8_t a[32], const uint8_t b[32])
{
    return memcmp(a, b, 32);
}

/* Checks the rules every signature scalar pair must meet: r, s in [1, n-1], and
 * s <= n/2 unless ECDSA_ALLOW_HIGH_S. Returns *high (s > n/2) for the caller. */
static int sig_check_scalars(const uint8_t r[32], const uint8_t s[32], int flags, bool *high,
                             zk_errbuf *err)
{
    if (flags & ~ECDSA_ALLOW_HIGH_S)
        return ZK_FAIL(err, ZK_ERR_USAGE, "ecdsa: unknown flags 0x%x", (unsigned)flags);
    if (is_zero32(r)) return ZK_FAIL(err, ZK_ERR_RANGE, "ecdsa: r is zero");
    if (cmp32(r, SECP256K1_N) >= 0) return ZK_FAIL(err, ZK_ERR_RANGE, "ecdsa: r >= n");
    if (is_zero32(s)) return ZK_FAIL(err, ZK_ERR_RANGE, "ecdsa: s is zero");
    if (cmp32(s, SECP256K1_N) >= 0) return ZK_FAIL(err, ZK_ERR_RANGE, "ecdsa: s >= n");
    *high = cmp32(s, SECP256K1_HALF_N) > 0;
    if (*high && !(flags & ECDSA_ALLOW_HIGH_S))
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "ecdsa: s > n/2 (high-s signatures are invalid under EIP-2)");
    return ZK_OK;
}

/* Loads x || y into libsecp256k1's form, checking coordinates < p and the curve
 * equation (secp256k1_ec_pubkey_parse does the latter). */
static int pubkey_load(const secp256k1_context *ctx, secp256k1_pubkey *pk,
                       const uint8_t pubkey64[64], zk_errbuf *err)
{
    if (cmp32(pubkey64, SECP256K1_P) >= 0)
        return ZK_FAIL(err, ZK_ERR_RANGE, "ecdsa: public key x >= p");
    if (cmp32(pubkey64 + 32, SECP256K1_P) >= 0)
        return ZK_FAIL(err, ZK_ERR_RANGE, "ecdsa: public key y >= p");
    uint8_t ser[65];
    ser[0] = 0x04;
    memcpy(ser + 1, pubkey64, 64);
    if (!secp256k1_ec_pubkey_parse(ctx, pk, ser, sizeof(ser)))
        return ZK_FAIL(err, ZK_ERR_REJECTED, "ecdsa: public key is not on secp256k1");
    return ZK_OK;
}

static void pubkey_store(const secp256k1_context *ctx, uint8_t pubkey64[64],
                         const secp256k1_pubkey *pk)
{
    uint8_t ser[65];
    size_t ser_len = sizeof(ser);
    /* Cannot fail for a valid secp256k1_pubkey and a 65-byte buffer. */
    (void)secp256k1_ec_pubkey_serialize(ctx, ser, &ser_len, pk, SECP256K1_EC_UNCOMPRESSED);
    memcpy(pubkey64, ser + 1, 64);
}

secp256k1_context *ecdsa_context_new(zk_errbuf *err)
{
    uint8_t seed[32];
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!ctx) {
        ZK_FAIL(err, ZK_ERR_NOMEM, "ecdsa: cannot allocate a secp256k1 context");
        return NULL;
    }
    /* Randomizing blinds the secret-dependent scalar multiplications in signing
     * and key derivation against side channels (secp256k1_context_randomize). */
    if (RAND_bytes(seed, (int)sizeof(seed)) != 1) {
        ZK_FAIL(err, ZK_ERR_INTERNAL, "ecdsa: no randomness from the OpenSSL CSPRNG");
        goto fail;
    }
    if (!secp256k1_context_randomize(ctx, seed)) {
        ZK_FAIL(err, ZK_ERR_INTERNAL, "ecdsa: secp256k1_context_randomize failed");
        goto fail;
    }
    zk_wipe(seed, sizeof(seed));
    return ctx;
fail:
    zk_wipe(seed, sizeof(seed));
    secp256k1_context_destroy(ctx);
    return NULL;
}

void ecdsa_context_free(secp256k1_context *ctx)
{
    if (ctx) secp256k1_context_destroy(ctx);
}

int ecdsa_sign(const secp256k1_context *ctx, uint8_t sig65[65], const uint8_t hash[32],
               const uint8_t seckey[32])
{
    int rc = ZK_ERR_INTERNAL, recid = -1;
    secp256k1_ecdsa_recoverable_signature sig;
    memset(sig65, 0, 65);
    if (!secp256k1_ec_seckey_verify(ctx, seckey)) {
        rc = ZK_ERR_RANGE;
        goto out;
    }
    /* NULL nonce function = RFC 6979 (HMAC-SHA256) deterministic nonces. */
    if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, hash, seckey, NULL, NULL)) goto out;
    (void)secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, sig65, &recid, &sig);
    /* Ids 2 and 3 (R.x >= n, probability ~2^-127) cannot be expressed in an
     * Ethereum v; refuse rather than emit an unusable signature. */
    if (recid != 0 && recid != 1) {
        memset(sig65, 0, 65);
        goto out;
    }
    sig65[64] = (uint8_t)recid;
    rc = ZK_OK;
out:
    zk_wipe(&sig, sizeof(sig));
    return rc;
}

int ecdsa_pubkey_from_seckey(const secp256k1_context *ctx, uint8_t pubkey64[64],
                             const uint8_t seckey[32])
{
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_create(ctx, &pk, seckey)) {
        memset(pubkey64, 0, 64);
        return ZK_ERR_RANGE;
    }
    pubkey_store(ctx, pubkey64, &pk);
    return ZK_OK;
}

void eth_address_from_pubkey(uint8_t addr[20], const uint8_t pubkey64[64])
{
    uint8_t h[32];
    keccak256(h, pubkey64, 64);
    memcpy(addr, h + 12, 20);
}

int ecdsa_recover(const secp256k1_context *ctx, uint8_t pubkey64[64], const uint8_t hash[32],
                  const uint8_t r[32], const uint8_t s[32], int v, int flags, zk_errbuf *err)
{
    bool high;
    int rc = sig_check_scalars(r, s, flags, &high, err);
    if (rc) return rc;
    if (v != 0 && v != 1)
        return ZK_FAIL(err, ZK_ERR_RANGE, "ecdsa: recovery id %d is not 0 or 1", v);

    uint8_t compact[64];
    memcpy(compact, r, 32);
    memcpy(compact + 32, s, 32);
    secp256k1_ecdsa_recoverable_signature sig;
    /* r, s < n were checked above, so parsing cannot overflow. Recovery works on
     * high s directly: (r, s, v) and (r, n - s, v ^ 1) name the same key. */
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, compact, v))
        return ZK_FAIL(err, ZK_ERR_INTERNAL, "ecdsa: libsecp256k1 refused a checked signature");
    secp256k1_pubkey pk;
    if (!secp256k1_ecdsa_recover(ctx, &pk, &sig, hash))
        return ZK_FAIL(err, ZK_ERR_REJECTED, "ecdsa: no public key recoverable from signature");
    pubkey_store(ctx, pubkey64, &pk);
    return ZK_OK;
}

int ecdsa_recover_address(const secp256k1_context *ctx, uint8_t addr[20], const uint8_t hash[32],
                          const uint8_t sig65[65], int flags, zk_errbuf *err)
{
    int v = sig65[64];
    /* 27/28 is the pre-EIP-155 transaction and eth_sign / ecrecover form. */
    if (v == 27 || v == 28) v -= 27;
    if (v != 0 && v != 1)
        return ZK_FAIL(err, ZK_ERR_RANGE, "ecdsa: v = %d is not 0, 1, 27 or 28", sig65[64]);
    uint8_t pub[64];
    int rc = ecdsa_recover(ctx, pub, hash, sig65, sig65 + 32, v, flags, err);
    if (rc) return rc;
    eth_address_from_pubkey(addr, pub);
    return ZK_OK;
}

int ecdsa_ecrecover_precompile(const secp256k1_context *ctx, uint8_t out[32], const uint8_t *input,
                               size_t input_len, zk_errbuf *err)
{
    /* The precompile reads its 128-byte input as if right-padded with zeros. */
    uint8_t in[128] = {0};
    const uint8_t *p;
    zk_cursor c = cur_make(input, input_len);
    size_t n = input_len < sizeof(in) ? input_len : sizeof(in);
    if (n > 0) {
        if (cur_take(&c, &p, n)) return ZK_FAIL(err, ZK_ERR_INTERNAL, "ecrecover: cursor");
        memcpy(in, p, n);
    }
    /* v is a whole 32-byte word: bytes 32..62 must be zero, byte 63 27 or 28
     * (go-ethereum allZero(input[32:63]), then v - 27 in {0, 1}). */
    for (size_t i = 32; i < 63; i++)
        if (in[i] != 0) return ZK_FAIL(err, ZK_ERR_RANGE, "ecrecover: v has high bits set");
    if (in[63] != 27 && in[63] != 28)
        return ZK_FAIL(err, ZK_ERR_RANGE, "ecrecover: v = %u is not 27 or 28", in[63]);
    uint8_t pub[64], addr[20];
    int rc = ecdsa_recover(ctx, pub, in, in + 64, in + 96, in[63] - 27, ECDSA_ALLOW_HIGH_S, err);
    if (rc) return zk_fail_wrap(err, rc, "ecrecover");
    eth_address_from_pubkey(addr, pub);
    memset(out, 0, 12);
    memcpy(out + 12, addr, 20);
    return ZK_OK;
}

int ecdsa_verify(const secp256k1_context *ctx, const uint8_t pubkey64[64], const uint8_t hash[32],
                 const uint8_t r[32], const uint8_t s[32], int flags, zk_errbuf *err)
{
    bool high;
    int rc = sig_check_scalars(r, s, flags, &high, err);
    if (rc) return rc;
    secp256k1_pubkey pk;
    rc = pubkey_load(ctx, &pk, pubkey64, err);
    if (rc) return rc;

    uint8_t compact[64];
    memcpy(compact, r, 32);
    memcpy(compact + 32, s, 32);
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ecdsa_signature_parse_compact(ctx, &sig, compact))
        return ZK_FAIL(err, ZK_ERR_INTERNAL, "ecdsa: libsecp256k1 refused a checked signature");
    /* secp256k1_ecdsa_verify accepts only low s. With ECDSA_ALLOW_HIGH_S, (r, s)
     * is valid exactly when (r, n - s) is, so normalizing loses nothing. */
    if (high) (void)secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
    if (!secp256k1_ecdsa_verify(ctx, &sig, hash, &pk))
        return ZK_FAIL(err, ZK_ERR_REJECTED, "ecdsa: signature does not verify");
    return ZK_OK;
}

/* DER failure with the byte offset where it was detected. */
static int der_fail(zk_errbuf *err, int code, const zk_cursor *c, size_t total, const char *what)
{
    ZK_FAIL(err, code, "ecdsa: DER signature: %s (at byte %zu)", what, total - c->len);
    if (err) err->offset = total - c->len;
    return code;
}

/* Reads a DER definite length: one byte < 0x80, or 0x8k then k big-endian bytes
 * holding a value >= 0x80 with no leading zero (X.690 section 10.1). */
static int der_read_len(zk_cursor *c, size_t total, size_t *len, zk_errbuf *err)
{
    uint8_t b;
    if (cur_u8(c, &b)) return der_fail(err, ZK_ERR_TRUNCATED, c, total, "missing length");
    if (b < 0x80) {
        *len = b;
        return ZK_OK;
    }
    if (b == 0x80) return der_fail(err, ZK_ERR_MALFORMED, c, total, "indefinite length (BER)");
    size_t k = b & 0x7f;
    if (k > DER_MAX_LEN_BYTES) return der_fail(err, ZK_ERR_MALFORMED, c, total, "length too long");
    uint64_t v = 0;
    for (size_t i = 0; i < k; i++) {
        if (cur_u8(c, &b)) return der_fail(err, ZK_ERR_TRUNCATED, c, total, "truncated length");
        if (i == 0 && b == 0)
            return der_fail(err, ZK_ERR_NONCANONICAL, c, total, "length with a leading zero byte");
        v = (v << 8) | b;
    }
    if (v < 0x80)
        return der_fail(err, ZK_ERR_NONCANONICAL, c, total,
                        "long-form length for a value below 128");
    *len = (size_t)v;
    return ZK_OK;
}

/* Reads one INTEGER holding a non-negative value of at most 32 bytes (X.690
 * section 8.3: two's complement, minimal, so a top bit of 1 needs one 0x00). */
static int der_read_int(zk_cursor *c, size_t total, uint8_t out[32], const char *name,
                        zk_errbuf *err)
{
    uint8_t tag, first, second;
    size_t len;
    const uint8_t *p;
    char what[64];
    if (cur_u8(c, &tag)) return der_fail(err, ZK_ERR_TRUNCATED, c, total, "missing INTEGER");
    if (tag != 0x02) {
        snprintf(what, sizeof(what), "%s: tag 0x%02x is not INTEGER (0x02)", name, tag);
        return der_fail(err, ZK_ERR_MALFORMED, c, total, what);
    }
    int rc = der_read_len(c, total, &len, err);
    if (rc) return rc;
    zk_cursor at = *c; /* offsets below point at the integer's first byte */
    if (len == 0) {
        snprintf(what, sizeof(what), "%s: empty INTEGER", name);
        return der_fail(err, ZK_ERR_MALFORMED, &at, total, what);
    }
    if (cur_take(c, &p, len)) {
        snprintf(what, sizeof(what), "%s: INTEGER runs past the end", name);
        return der_fail(err, ZK_ERR_TRUNCATED, &at, total, what);
    }
    zk_cursor v = cur_make(p, len), rest;
    if (cur_u8(&v, &first)) return der_fail(err, ZK_ERR_INTERNAL, &at, total, "cursor");
    if (first & 0x80) {
        snprintf(what, sizeof(what), "%s is negative", name);
        return der_fail(err, ZK_ERR_MALFORMED, &at, total, what);
    }
    rest = v;
    if (first == 0x00 && cur_u8(&rest, &second) == ZK_OK) {
        if (!(second & 0x80)) {
            snprintf(what, sizeof(what), "%s has a superfluous leading zero byte", name);
            return der_fail(err, ZK_ERR_NONCANONICAL, &at, total, what);
        }
        /* v now starts after the required 0x00 sign byte. */
    } else {
        v = cur_make(p, len);
    }
    if (v.len > 32) {
        snprintf(what, sizeof(what), "%s is longer than 32 bytes", name);
        return der_fail(err, ZK_ERR_RANGE, &at, total, what);
    }
    size_t vlen = v.len;
    if (cur_take(&v, &p, vlen)) return der_fail(err, ZK_ERR_INTERNAL, &at, total, "cursor");
    memset(out, 0, 32);
    memcpy(out + 32 - vlen, p, vlen);
    return ZK_OK;
}

int ecdsa_parse_der(uint8_t r[32], uint8_t s[32], const uint8_t *der, size_t len, zk_errbuf *err)
{
    zk_cursor c = cur_make(der, len);
    uint8_t tag;
    size_t seq_len;
    const uint8_t *body;
    uint8_t rr[32], ss[32];
    if (cur_u8(&c, &tag)) return der_fail(err, ZK_ERR_TRUNCATED, &c, len, "empty input");
    if (tag != 0x30) return der_fail(err, ZK_ERR_MALFORMED, &c, len, "not a SEQUENCE (0x30)");
    int rc = der_read_len(&c, len, &seq_len, err);
    if (rc) return rc;
    size_t body_at = len - c.len;
    if (cur_take(&c, &body, seq_len))
        return der_fail(err, ZK_ERR_TRUNCATED, &c, len, "SEQUENCE runs past the end");
    if (c.len != 0) return der_fail(err, ZK_ERR_TRAILING, &c, len, "bytes after the SEQUENCE");

    /* Offsets inside the body are reported relative to the whole input. */
    zk_cursor b = cur_make(body, seq_len);
    size_t total = body_at + seq_len;
    rc = der_read_int(&b, total, rr, "r", err);
    if (rc) return rc;
    rc = der_read_int(&b, total, ss, "s", err);
    if (rc) return rc;
    if (b.len != 0) return der_fail(err, ZK_ERR_TRAILING, &b, total, "bytes after s in SEQUENCE");
    memcpy(r, rr, 32);
    memcpy(s, ss, 32);
    return ZK_OK;
}

int ecdsa_parse_pubkey(const secp256k1_context *ctx, uint8_t pubkey64[64], const uint8_t *in,
                       size_t len, zk_errbuf *err)
{
    zk_cursor c = cur_make(in, len);
    const uint8_t *xy;
    uint8_t prefix;
    if (len == 65) {
        if (cur_u8(&c, &prefix)) return ZK_FAIL(err, ZK_ERR_INTERNAL, "ecdsa: cursor");
        if (prefix != 0x04)
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "ecdsa: public key prefix 0x%02x is not 0x04 (uncompressed)", prefix);
    } else if (len != 64) {
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "ecdsa: public key is %zu bytes, expected 65 (04||x||y) or 64 (x||y)", len);
    }
    if (cur_take(&c, &xy, 64)) return ZK_FAIL(err, ZK_ERR_INTERNAL, "ecdsa: cursor");
    secp256k1_pubkey pk;
    int rc = pubkey_load(ctx, &pk, xy, err);
    if (rc) return rc;
    memcpy(pubkey64, xy, 64);
    return ZK_OK;
}
