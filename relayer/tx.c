/* EIP-1559 and EIP-155 transaction encoding, signing and decoding. */
#include "relayer/tx.h"

#include <string.h>

/* Appends the unsigned type-2 payload list (9 fields, EIP-1559 "Specification"). */
static int enc_1559_fields(zk_buf *b, const tx_eip1559 *tx)
{
    int rc = rlp_encode_uint64(b, tx->chain_id);
    if (!rc) rc = rlp_encode_uint64(b, tx->nonce);
    if (!rc) rc = rlp_encode_uint64(b, tx->max_priority_fee);
    if (!rc) rc = rlp_encode_uint64(b, tx->max_fee);
    if (!rc) rc = rlp_encode_uint64(b, tx->gas_limit);
    if (!rc) rc = rlp_encode_bytes(b, tx->to, tx->create ? 0 : 20);
    if (!rc) rc = rlp_encode_uint_be(b, tx->value, 32);
    if (!rc) rc = rlp_encode_bytes(b, tx->data, tx->data_len);
    if (!rc) {
        size_t al; /* accessList: always empty (see tx.h) */
        rlp_list_begin(b, &al);
        rc = rlp_list_end(b, al);
    }
    return rc;
}

static int enc_legacy_fields(zk_buf *b, const tx_legacy *tx)
{
    int rc = rlp_encode_uint64(b, tx->nonce);
    if (!rc) rc = rlp_encode_uint64(b, tx->gas_price);
    if (!rc) rc = rlp_encode_uint64(b, tx->gas_limit);
    if (!rc) rc = rlp_encode_bytes(b, tx->to, tx->create ? 0 : 20);
    if (!rc) rc = rlp_encode_uint_be(b, tx->value, 32);
    if (!rc) rc = rlp_encode_bytes(b, tx->data, tx->data_len);
    return rc;
}

static int check_1559(const tx_eip1559 *tx, zk_errbuf *err)
{
    /* EIP-1559: "assert transaction.max_fee_per_gas >= transaction.max_priority_fee_per_gas". */
    if (tx->max_priority_fee > tx->max_fee)
        return ZK_FAIL(err, ZK_ERR_USAGE, "tx: max priority fee %llu above max fee %llu",
                       (unsigned long long)tx->max_priority_fee, (unsigned long long)tx->max_fee);
    if (!tx->data && tx->data_len)
        return ZK_FAIL(err, ZK_ERR_USAGE, "tx: data is NULL with length %zu", tx->data_len);
    return ZK_OK;
}

/* The signing payload 0x02 || rlp(9 fields) into b (empty on entry). */
static int payload_1559(zk_buf *b, const tx_eip1559 *tx)
{
    size_t mark;
    int rc = buf_append_byte(b, TX_TYPE_EIP1559);
    if (rc) return rc;
    rlp_list_begin(b, &mark);
    rc = enc_1559_fields(b, tx);
    if (!rc) rc = rlp_list_end(b, mark);
    return rc;
}

int tx_eip1559_sighash(uint8_t sighash[32], const tx_eip1559 *tx, zk_errbuf *err)
{
    zk_buf b;
    int rc = check_1559(tx, err);
    if (rc) return rc;
    buf_init(&b, 0);
    rc = payload_1559(&b, tx);
    if (rc)
        ZK_FAIL(err, rc, "tx: encoding: %s", zk_strerror(rc));
    else
        keccak256(sighash, b.data, b.len);
    buf_clear(&b);
    return rc;
}

/* Appends r and s as RLP integers (leading zeros removed, as every client
 * encodes them; a 31-byte r is valid and must not be padded). */
static int enc_rs(zk_buf *b, const uint8_t sig65[65])
{
    int rc = rlp_encode_uint_be(b, sig65, 32);
    if (!rc) rc = rlp_encode_uint_be(b, sig65 + 32, 32);
    return rc;
}

int tx_sign(const secp256k1_context *ctx, zk_buf *raw, uint8_t hash[32], const tx_eip1559 *tx,
            const uint8_t key[32], zk_errbuf *err)
{
    uint8_t sighash[32], sig[65];
    size_t start = raw->len, mark;
    int rc = tx_eip1559_sighash(sighash, tx, err);
    if (rc) return rc;
    rc = ecdsa_sign(ctx, sig, sighash, key);
    if (rc) {
        ZK_FAIL(err, rc, "tx: signing: %s",
                rc == ZK_ERR_RANGE ? "the key is not a valid secret key" : zk_strerror(rc));
        goto out;
    }
    rc = buf_append_byte(raw, TX_TYPE_EIP1559);
    if (!rc) {
        rlp_list_begin(raw, &mark);
        rc = enc_1559_fields(raw, tx);
    }
    if (!rc) rc = rlp_encode_uint64(raw, sig[64]);
    if (!rc) rc = enc_rs(raw, sig);
    if (!rc) rc = rlp_list_end(raw, mark);
    if (rc) {
        ZK_FAIL(err, rc, "tx: encoding: %s", zk_strerror(rc));
        raw->len = start;
        goto out;
    }
    keccak256(hash, raw->data + start, raw->len - start);
out:
    zk_wipe(sig, sizeof(sig));
    return rc;
}

int tx_sign_legacy(const secp256k1_context *ctx, zk_buf *raw, uint8_t hash[32], const tx_legacy *tx,
                   const uint8_t key[32], zk_errbuf *err)
{
    uint8_t sighash[32], sig[65];
    size_t start = raw->len, mark;
    zk_buf b;
    int rc;
    if (tx->chain_id == 0 || tx->chain_id > (UINT64_MAX - 36) / 2)
        return ZK_FAIL(err, ZK_ERR_USAGE, "tx: EIP-155 needs a chain id in [1, 2^63 - 19)");
    if (!tx->data && tx->data_len)
        return ZK_FAIL(err, ZK_ERR_USAGE, "tx: data is NULL with length %zu", tx->data_len);
    /* EIP-155: hash rlp([6 fields, chainId, 0, 0]). */
    buf_init(&b, 0);
    rlp_list_begin(&b, &mark);
    rc = enc_legacy_fields(&b, tx);
    if (!rc) rc = rlp_encode_uint64(&b, tx->chain_id);
    if (!rc) rc = rlp_encode_uint64(&b, 0);
    if (!rc) rc = rlp_encode_uint64(&b, 0);
    if (!rc) rc = rlp_list_end(&b, mark);
    if (!rc) keccak256(sighash, b.data, b.len);
    buf_clear(&b);
    if (rc) return ZK_FAIL(err, rc, "tx: encoding: %s", zk_strerror(rc));
    rc = ecdsa_sign(ctx, sig, sighash, key);
    if (rc) {
        ZK_FAIL(err, rc, "tx: signing: %s",
                rc == ZK_ERR_RANGE ? "the key is not a valid secret key" : zk_strerror(rc));
        goto out;
    }
    rlp_list_begin(raw, &mark);
    rc = enc_legacy_fields(raw, tx);
    if (!rc) rc = rlp_encode_uint64(raw, tx->chain_id * 2 + 35 + sig[64]);
    if (!rc) rc = enc_rs(raw, sig);
    if (!rc) rc = rlp_list_end(raw, mark);
    if (rc) {
        ZK_FAIL(err, rc, "tx: encoding: %s", zk_strerror(rc));
        raw->len = start;
        goto out;
    }
    keccak256(hash, raw->data + start, raw->len - start);
out:
    zk_wipe(sig, sizeof(sig));
    return rc;
}

/* Reads `to`: empty (creation) or exactly 20 bytes. */
static int dec_to(bool *create, uint8_t to[20], const rlp_item *it, zk_errbuf *err)
{
    if (it->is_list || (it->payload_len != 0 && it->payload_len != 20))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "tx: `to` is neither empty nor 20 bytes");
    *create = it->payload_len == 0;
    memset(to, 0, 20);
    if (!*create) memcpy(to, it->payload, 20);
    return ZK_OK;
}

static int dec_data(const uint8_t **p, size_t *n, const rlp_item *it, zk_errbuf *err)
{
    if (it->is_list) return ZK_FAIL(err, ZK_ERR_MALFORMED, "tx: data is a list");
    *p = it->payload_len ? it->payload : NULL;
    *n = it->payload_len;
    return ZK_OK;
}

/* Reads r or s: an integer of at most 32 bytes, no leading zeros. */
static int dec_sig_int(uint8_t out[32], const rlp_item *it, const char *what, zk_errbuf *err)
{
    int rc = rlp_item_uint256(out, it, err);
    if (rc) return zk_fail_wrap(err, rc, "tx: %s", what);
    return ZK_OK;
}

#define U64(field, item, name)                                                                     \
    do {                                                                                           \
        rc = rlp_item_uint64(&(field), &(item), err);                                              \
        if (rc) return zk_fail_wrap(err, rc, "tx: %s", name);                                      \
    } while (0)

static int decode_1559(tx_decoded *out, const uint8_t *raw, size_t raw_len, zk_errbuf *err)
{
    rlp_item list, it[12];
    size_t n = 12;
    uint64_t yp;
    int rc = rlp_decode(&list, raw + 1, raw_len - 1, err);
    if (rc) return zk_fail_wrap(err, rc, "tx: type-2 payload");
    if (!list.is_list) return ZK_FAIL(err, ZK_ERR_MALFORMED, "tx: type-2 payload is not a list");
    rc = rlp_list_items(it, &n, &list, err);
    if (rc || n != 12) return ZK_FAIL(err, ZK_ERR_MALFORMED, "tx: type-2 list needs 12 items");
    tx_eip1559 *t = &out->tx;
    U64(t->chain_id, it[0], "chainId");
    U64(t->nonce, it[1], "nonce");
    U64(t->max_priority_fee, it[2], "maxPriorityFeePerGas");
    U64(t->max_fee, it[3], "maxFeePerGas");
    U64(t->gas_limit, it[4], "gasLimit");
    if ((rc = dec_to(&t->create, t->to, &it[5], err))) return rc;
    rc = rlp_item_uint256(t->value, &it[6], err);
    if (rc) return zk_fail_wrap(err, rc, "tx: value");
    if ((rc = dec_data(&t->data, &t->data_len, &it[7], err))) return rc;
    if (!it[8].is_list) return ZK_FAIL(err, ZK_ERR_MALFORMED, "tx: accessList is not a list");
    if (it[8].payload_len != 0)
        return ZK_FAIL(err, ZK_ERR_RANGE, "tx: a non-empty access list is not supported");
    U64(yp, it[9], "yParity");
    if (yp > 1)
        return ZK_FAIL(err, ZK_ERR_RANGE, "tx: yParity %llu is not 0 or 1", (unsigned long long)yp);
    if ((rc = dec_sig_int(out->r, &it[10], "r", err))) return rc;
    if ((rc = dec_sig_int(out->s, &it[11], "s", err))) return rc;
    out->y_parity = (uint8_t)yp;
    /* The signing payload is recomputed from the decoded fields: since the
     * decoding was canonical, it is the same bytes minus the signature. */
    zk_buf b;
    buf_init(&b, 0);
    rc = payload_1559(&b, t);
    if (!rc) keccak256(out->sighash, b.data, b.len);
    buf_clear(&b);
    if (rc) return ZK_FAIL(err, rc, "tx: re-encoding: %s", zk_strerror(rc));
    return ZK_OK;
}

static int decode_legacy(tx_decoded *out, const uint8_t *raw, size_t raw_len, zk_errbuf *err)
{
    rlp_item list, it[9];
    size_t n = 9, mark;
    uint64_t v;
    int rc = rlp_decode(&list, raw, raw_len, err);
    if (rc) return zk_fail_wrap(err, rc, "tx: legacy");
    if (!list.is_list) return ZK_FAIL(err, ZK_ERR_MALFORMED, "tx: legacy payload is not a list");
    rc = rlp_list_items(it, &n, &list, err);
    if (rc || n != 9) return ZK_FAIL(err, ZK_ERR_MALFORMED, "tx: legacy list needs 9 items");
    tx_legacy *t = &out->legacy;
    U64(t->nonce, it[0], "nonce");
    U64(t->gas_price, it[1], "gasPrice");
    U64(t->gas_limit, it[2], "gasLimit");
    if ((rc = dec_to(&t->create, t->to, &it[3], err))) return rc;
    rc = rlp_item_uint256(t->value, &it[4], err);
    if (rc) return zk_fail_wrap(err, rc, "tx: value");
    if ((rc = dec_data(&t->data, &t->data_len, &it[5], err))) return rc;
    U64(v, it[6], "v");
    /* EIP-155: v = chainId * 2 + 35 + yParity. 27/28 (no replay protection)
     * is refused: the relayer never signs one and must not accept one. */
    if (v < 37)
        return ZK_FAIL(err, ZK_ERR_RANGE, "tx: legacy v %llu is not EIP-155",
                       (unsigned long long)v);
    t->chain_id = (v - 35) / 2;
    out->y_parity = (uint8_t)((v - 35) % 2);
    if ((rc = dec_sig_int(out->r, &it[7], "r", err))) return rc;
    if ((rc = dec_sig_int(out->s, &it[8], "s", err))) return rc;
    zk_buf b;
    buf_init(&b, 0);
    rlp_list_begin(&b, &mark);
    rc = enc_legacy_fields(&b, t);
    if (!rc) rc = rlp_encode_uint64(&b, t->chain_id);
    if (!rc) rc = rlp_encode_uint64(&b, 0);
    if (!rc) rc = rlp_encode_uint64(&b, 0);
    if (!rc) rc = rlp_list_end(&b, mark);
    if (!rc) keccak256(out->sighash, b.data, b.len);
    buf_clear(&b);
    if (rc) return ZK_FAIL(err, rc, "tx: re-encoding: %s", zk_strerror(rc));
    return ZK_OK;
}

int tx_decode(const secp256k1_context *ctx, tx_decoded *out, const uint8_t *raw, size_t raw_len,
              zk_errbuf *err)
{
    int rc;
    memset(out, 0, sizeof(*out));
    if (raw_len == 0) return ZK_FAIL(err, ZK_ERR_TRUNCATED, "tx: empty");
    if (raw_len > TX_MAX_RAW)
        return ZK_FAIL(err, ZK_ERR_RANGE, "tx: %zu bytes (at most %d)", raw_len, TX_MAX_RAW);
    if (raw[0] == TX_TYPE_EIP1559) {
        out->type = TX_TYPE_EIP1559;
        rc = decode_1559(out, raw, raw_len, err);
    } else if (raw[0] >= 0xc0) {
        /* EIP-2718: a first byte >= 0xc0 is a legacy RLP list. */
        out->type = 0;
        rc = decode_legacy(out, raw, raw_len, err);
    } else {
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "tx: unsupported transaction type 0x%02x", raw[0]);
    }
    if (rc) return rc;
    /* EIP-2 rules (flags 0): low s only, as every client since Homestead. */
    uint8_t sig[65];
    memcpy(sig, out->r, 32);
    memcpy(sig + 32, out->s, 32);
    sig[64] = out->y_parity;
    rc = ecdsa_recover_address(ctx, out->sender, out->sighash, sig, 0, err);
    if (rc) return zk_fail_wrap(err, rc, "tx: signature");
    keccak256(out->hash, raw, raw_len);
    return ZK_OK;
}
