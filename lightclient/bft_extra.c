/* The QBFT / IBFT 2.0 extraData codec (Besu QbftExtraDataCodec and
 * IbftExtraDataCodec; GoQuorum core/types/istanbul.go for QBFT). The decoder is
 * strict so that every accepted input re-encodes to the same bytes: the hashes
 * are computed over re-encodings, so any leniency here would let two byte
 * strings share one hash. */
#include "bft.h"

#include <stdio.h>
#include <string.h>

#include "rlp.h"

#define BFT_EXTRA_ITEMS 5

/* Vote type bytes (Besu Vote.ADD_BYTE_VALUE / DROP_BYTE_VALUE). */
#define BFT_VOTE_ADD  0xff
#define BFT_VOTE_DROP 0x00

/* Group order n of secp256k1 (SEC 2, section 2.4.1): Besu's SECPSignature.create
 * refuses r or s outside [1, n-1] while decoding extraData. */
static const uint8_t secp256k1_order[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

static bool scalar_in_range(const uint8_t v[32])
{
    uint8_t acc = 0;
    for (size_t i = 0; i < 32; i++)
        acc |= v[i];
    return acc != 0 && memcmp(v, secp256k1_order, 32) < 0;
}

/* Failure with the byte offset of item inside the extraData buffer. */
static int extra_fail(zk_errbuf *err, int code, const uint8_t *base, const rlp_item *item,
                      const char *what, const char *detail)
{
    size_t off = item ? (size_t)(item->raw - base) : 0;
    ZK_FAIL(err, code, "extraData: %s%s%s (at byte %zu)", what, detail ? ": " : "",
            detail ? detail : "", off);
    if (err) err->offset = off;
    return code;
}

static int decode_validators(bft_extra *out, const uint8_t *base, const rlp_item *list,
                             zk_errbuf *err)
{
    if (!list->is_list)
        return extra_fail(err, ZK_ERR_MALFORMED, base, list, "validators is not a list", NULL);
    zk_cursor c;
    if (rlp_list_iter(&c, list)) return ZK_ERR_INTERNAL;
    size_t n = 0;
    while (c.len > 0) {
        rlp_item it;
        /* Cannot fail: rlp_decode validated every nested item already. */
        if (rlp_next(&c, &it, err)) return ZK_ERR_INTERNAL;
        if (n == VALSET_MAX)
            return extra_fail(err, ZK_ERR_RANGE, base, list, "validators",
                              "more than VALSET_MAX addresses");
        if (it.is_list || it.payload_len != 20)
            return extra_fail(err, ZK_ERR_MALFORMED, base, &it, "validators",
                              "an entry is not a 20-byte address");
        memcpy(out->validators[n++], it.payload, 20);
    }
    out->n_validators = n;
    return ZK_OK;
}

/* [recipient (20 bytes), type]; the type's accepted encodings differ per flavor. */
static int decode_vote(bft_vote *v, bft_flavor f, const uint8_t *base, const rlp_item *item,
                       zk_errbuf *err)
{
    rlp_item parts[2];
    size_t n = 2;
    if (!item->is_list || rlp_list_items(parts, &n, item, NULL) || n != 2)
        return extra_fail(err, ZK_ERR_MALFORMED, base, item, "vote",
                          "not a [recipient, type] list");
    if (parts[0].is_list || parts[0].payload_len != 20)
        return extra_fail(err, ZK_ERR_MALFORMED, base, &parts[0], "vote",
                          "recipient is not a 20-byte address");
    const rlp_item *t = &parts[1];
    if (t->is_list) return extra_fail(err, ZK_ERR_MALFORMED, base, t, "vote", "type is a list");
    if (t->payload_len == 1 && t->payload[0] == BFT_VOTE_ADD) {
        v->add = true;
    } else if (f == BFT_QBFT && t->payload_len == 0) {
        v->add = false; /* QBFT writes DROP with writeNull: 0x80 */
    } else if (f == BFT_IBFT2 && t->payload_len == 1 && t->payload[0] == BFT_VOTE_DROP) {
        v->add = false; /* IBFT2 writes DROP with writeByte(0x00): 0x00 */
    } else {
        return extra_fail(err, ZK_ERR_MALFORMED, base, t, "vote",
                          f == BFT_QBFT ? "type is not 0xff (add) or empty (drop)"
                                        : "type is not 0xff (add) or 0x00 (drop)");
    }
    memcpy(v->recipient, parts[0].payload, 20);
    v->present = true;
    return ZK_OK;
}

static int decode_round(uint32_t *round, bft_flavor f, const uint8_t *base, const rlp_item *item,
                        zk_errbuf *err)
{
    if (item->is_list) return extra_fail(err, ZK_ERR_MALFORMED, base, item, "round", "a list");
    if (f == BFT_IBFT2) {
        /* RLPInput.readInt: exactly four bytes, leading zeros included. */
        if (item->payload_len != 4)
            return extra_fail(err, ZK_ERR_MALFORMED, base, item, "round",
                              "IBFT2 round is not a 4-byte integer");
        zk_cursor c = cur_make(item->payload, 4);
        if (cur_be32(&c, round)) return ZK_ERR_INTERNAL;
        return ZK_OK;
    }
    /* RLPInput.readIntScalar: minimal big-endian, at most 4 bytes. */
    if (item->payload_len > 4)
        return extra_fail(err, ZK_ERR_MALFORMED, base, item, "round",
                          "QBFT round is longer than 4 bytes");
    uint64_t v;
    if (rlp_item_uint64(&v, item, NULL))
        return extra_fail(err, ZK_ERR_MALFORMED, base, item, "round",
                          "QBFT round is not a minimal scalar (leading zero byte)");
    *round = (uint32_t)v;
    return ZK_OK;
}

static int decode_seals(bft_extra *out, const uint8_t *base, const rlp_item *list, zk_errbuf *err)
{
    if (!list->is_list)
        return extra_fail(err, ZK_ERR_MALFORMED, base, list, "seals is not a list", NULL);
    zk_cursor c;
    if (rlp_list_iter(&c, list)) return ZK_ERR_INTERNAL;
    size_t n = 0;
    while (c.len > 0) {
        rlp_item it;
        if (rlp_next(&c, &it, err)) return ZK_ERR_INTERNAL;
        if (n == VALSET_MAX)
            return extra_fail(err, ZK_ERR_RANGE, base, list, "seals", "more than VALSET_MAX seals");
        char what[40];
        snprintf(what, sizeof(what), "malformed seal %zu", n);
        if (it.is_list || it.payload_len != BFT_SEAL_LEN)
            return extra_fail(err, ZK_ERR_MALFORMED, base, &it, what, "not a 65-byte string");
        const uint8_t *s = it.payload;
        if (!scalar_in_range(s))
            return extra_fail(err, ZK_ERR_MALFORMED, base, &it, what, "r is not in [1, n-1]");
        if (!scalar_in_range(s + 32))
            return extra_fail(err, ZK_ERR_MALFORMED, base, &it, what, "s is not in [1, n-1]");
        if (s[64] != 0 && s[64] != 1)
            return extra_fail(err, ZK_ERR_MALFORMED, base, &it, what, "recovery id is not 0 or 1");
        memcpy(out->seals[n++], s, BFT_SEAL_LEN);
    }
    out->n_seals = n;
    return ZK_OK;
}

int bft_extra_decode(bft_extra *out, bft_flavor f, const uint8_t *extra, size_t len, zk_errbuf *err)
{
    if (f != BFT_QBFT && f != BFT_IBFT2)
        return ZK_FAIL(err, ZK_ERR_USAGE, "extraData: unknown BFT flavor %d", (int)f);
    if (len == 0 || !extra) return ZK_FAIL(err, ZK_ERR_MALFORMED, "extraData: empty");
    rlp_item top;
    int rc = rlp_decode(&top, extra, len, err);
    if (rc) return zk_fail_wrap(err, rc, "extraData");
    if (!top.is_list)
        return extra_fail(err, ZK_ERR_MALFORMED, extra, &top, "not an RLP list", NULL);

    rlp_item items[BFT_EXTRA_ITEMS];
    size_t n = BFT_EXTRA_ITEMS;
    if (rlp_list_items(items, &n, &top, NULL) == ZK_ERR_RANGE)
        return extra_fail(err, ZK_ERR_MALFORMED, extra, &top, "list has more than 5 items", NULL);
    if (n != BFT_EXTRA_ITEMS) {
        char d[32];
        snprintf(d, sizeof(d), "%zu items, expected 5", n);
        return extra_fail(err, ZK_ERR_MALFORMED, extra, &top, "wrong item count", d);
    }

    memset(out, 0, sizeof(*out));
    if (items[0].is_list)
        return extra_fail(err, ZK_ERR_MALFORMED, extra, &items[0], "vanity is a list", NULL);
    if (items[0].payload_len > BFT_VANITY_LEN)
        return extra_fail(err, ZK_ERR_RANGE, extra, &items[0], "vanity is longer than 32 bytes",
                          NULL);
    memcpy(out->vanity, items[0].payload, items[0].payload_len);
    out->vanity_len = items[0].payload_len;

    rc = decode_validators(out, extra, &items[1], err);
    if (rc) return rc;

    /* No vote: QBFT writes an empty list, IBFT2 an empty string. */
    const rlp_item *vote = &items[2];
    bool none = f == BFT_QBFT ? vote->is_list && vote->payload_len == 0
                              : !vote->is_list && vote->payload_len == 0;
    if (!none) {
        rc = decode_vote(&out->vote, f, extra, vote, err);
        if (rc) return rc;
    }

    rc = decode_round(&out->round, f, extra, &items[3], err);
    if (rc) return rc;
    return decode_seals(out, extra, &items[4], err);
}

static int encode_vote(zk_buf *out, bft_flavor f, const bft_vote *v)
{
    static const uint8_t add = BFT_VOTE_ADD, drop = BFT_VOTE_DROP;
    if (!v->present) {
        size_t mark;
        if (f == BFT_IBFT2) return rlp_encode_bytes(out, NULL, 0);
        rlp_list_begin(out, &mark);
        return rlp_list_end(out, mark);
    }
    size_t mark;
    rlp_list_begin(out, &mark);
    int rc = rlp_encode_bytes(out, v->recipient, 20);
    if (rc) return rc;
    if (v->add)
        rc = rlp_encode_bytes(out, &add, 1);
    else if (f == BFT_QBFT)
        rc = rlp_encode_bytes(out, NULL, 0);
    else
        rc = rlp_encode_bytes(out, &drop, 1);
    if (rc) return rc;
    return rlp_list_end(out, mark);
}

int bft_extra_encode(zk_buf *out, bft_flavor f, const bft_extra *x, bft_extra_form form)
{
    if (f != BFT_QBFT && f != BFT_IBFT2) return ZK_ERR_USAGE;
    if (form != BFT_EXTRA_FULL && form != BFT_EXTRA_FOR_COMMIT_SEAL &&
        form != BFT_EXTRA_FOR_BLOCK_HASH)
        return ZK_ERR_USAGE;
    if (x->vanity_len > BFT_VANITY_LEN || x->n_validators > VALSET_MAX || x->n_seals > VALSET_MAX)
        return ZK_ERR_RANGE;

    size_t top, mark;
    int rc;
    rlp_list_begin(out, &top);
    if ((rc = rlp_encode_bytes(out, x->vanity, x->vanity_len))) return rc;
    rlp_list_begin(out, &mark);
    for (size_t i = 0; i < x->n_validators; i++)
        if ((rc = rlp_encode_bytes(out, x->validators[i], 20))) return rc;
    if ((rc = rlp_list_end(out, mark))) return rc;
    if ((rc = encode_vote(out, f, &x->vote))) return rc;

    if (f == BFT_IBFT2) {
        /* IBFT2 drops trailing items instead of blanking them. */
        if (form != BFT_EXTRA_FOR_BLOCK_HASH) {
            uint8_t r[4];
            be32_store(r, x->round);
            if ((rc = rlp_encode_bytes(out, r, 4))) return rc;
        }
        if (form == BFT_EXTRA_FULL) {
            rlp_list_begin(out, &mark);
            for (size_t i = 0; i < x->n_seals; i++)
                if ((rc = rlp_encode_bytes(out, x->seals[i], BFT_SEAL_LEN))) return rc;
            if ((rc = rlp_list_end(out, mark))) return rc;
        }
        return rlp_list_end(out, top);
    }

    /* QBFT keeps all five items: the round becomes 0 and the seals an empty list. */
    if ((rc = rlp_encode_uint64(out, form == BFT_EXTRA_FOR_BLOCK_HASH ? 0 : x->round))) return rc;
    rlp_list_begin(out, &mark);
    if (form == BFT_EXTRA_FULL)
        for (size_t i = 0; i < x->n_seals; i++)
            if ((rc = rlp_encode_bytes(out, x->seals[i], BFT_SEAL_LEN))) return rc;
    if ((rc = rlp_list_end(out, mark))) return rc;
    return rlp_list_end(out, top);
}
