#include "rlp.h"

#include <string.h>

/* Parses the header at the cursor. On success *payload_len is the payload size,
 * *hdr_len the header size, *is_list the kind, and for a single-byte string the
 * payload is the prefix byte itself (hdr_len 0). The cursor is not moved. */
static int rlp_parse_header(const zk_cursor *c, bool *is_list, size_t *hdr_len, size_t *payload_len,
                            size_t base, zk_errbuf *err)
{
    if (c->len == 0) {
        if (err) err->offset = base;
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "rlp: empty input at offset %zu", base);
    }
    uint8_t b0 = c->p[0];
    size_t short_base, long_base;
    if (b0 < 0x80) {
        *is_list = false;
        *hdr_len = 0;
        *payload_len = 1;
        return ZK_OK;
    }
    if (b0 < 0xc0) {
        *is_list = false;
        short_base = 0x80;
        long_base = 0xb7;
    } else {
        *is_list = true;
        short_base = 0xc0;
        long_base = 0xf7;
    }
    if (err) err->offset = base;
    if (b0 <= long_base) {
        size_t n = b0 - short_base;
        if (n + 1 > c->len)
            return ZK_FAIL(err, ZK_ERR_TRUNCATED,
                           "rlp: %s of %zu bytes at offset %zu runs past the end (%zu left)",
                           *is_list ? "list" : "string", n, base, c->len - 1);
        if (!*is_list && n == 1 && c->p[1] < 0x80)
            return ZK_FAIL(err, ZK_ERR_NONCANONICAL,
                           "rlp: single byte 0x%02x < 0x80 wrapped as a string at offset %zu",
                           c->p[1], base);
        *hdr_len = 1;
        *payload_len = n;
        return ZK_OK;
    }
    size_t lenlen = b0 - long_base;
    if (lenlen + 1 > c->len)
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "rlp: length of length %zu at offset %zu truncated",
                       lenlen, base);
    if (c->p[1] == 0)
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL, "rlp: length with leading zero at offset %zu",
                       base);
    if (lenlen > sizeof(size_t))
        return ZK_FAIL(err, ZK_ERR_RANGE, "rlp: %zu-byte length at offset %zu overflows", lenlen,
                       base);
    size_t n = 0;
    for (size_t i = 0; i < lenlen; i++) n = (n << 8) | c->p[1 + i];
    if (n < 56)
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL,
                       "rlp: long form for length %zu < 56 at offset %zu", n, base);
    if (n > c->len - 1 - lenlen)
        return ZK_FAIL(err, ZK_ERR_TRUNCATED,
                       "rlp: %s of %zu bytes at offset %zu runs past the end (%zu left)",
                       *is_list ? "list" : "string", n, base, c->len - 1 - lenlen);
    *hdr_len = 1 + lenlen;
    *payload_len = n;
    return ZK_OK;
}

static int rlp_next_at(zk_cursor *c, rlp_item *out, size_t base, zk_errbuf *err)
{
    bool is_list;
    size_t hdr, n;
    int rc = rlp_parse_header(c, &is_list, &hdr, &n, base, err);
    if (rc) return rc;
    out->is_list = is_list;
    out->raw = c->p;
    out->raw_len = hdr + n;
    out->payload = c->p + hdr;
    out->payload_len = n;
    c->p += hdr + n;
    c->len -= hdr + n;
    return ZK_OK;
}

int rlp_next(zk_cursor *c, rlp_item *out, zk_errbuf *err) { return rlp_next_at(c, out, 0, err); }

/* Validates every item inside a list payload; base is the payload's offset in
 * the original input, for error messages. */
static int rlp_validate_list(const rlp_item *list, size_t base, int depth, zk_errbuf *err)
{
    if (depth > RLP_MAX_DEPTH) {
        if (err) err->offset = base;
        return ZK_FAIL(err, ZK_ERR_RANGE, "rlp: lists nested deeper than %d at offset %zu",
                       RLP_MAX_DEPTH, base);
    }
    zk_cursor c = cur_make(list->payload, list->payload_len);
    while (c.len > 0) {
        size_t off = base + (size_t)(c.p - list->payload);
        rlp_item it;
        int rc = rlp_next_at(&c, &it, off, err);
        if (rc) return rc;
        if (it.is_list) {
            rc = rlp_validate_list(&it, off + (size_t)(it.payload - it.raw), depth + 1, err);
            if (rc) return rc;
        }
    }
    return ZK_OK;
}

int rlp_decode(rlp_item *out, const uint8_t *in, size_t len, zk_errbuf *err)
{
    zk_cursor c = cur_make(in, len);
    int rc = rlp_next_at(&c, out, 0, err);
    if (rc) return rc;
    if (c.len != 0) {
        if (err) err->offset = out->raw_len;
        return ZK_FAIL(err, ZK_ERR_TRAILING, "rlp: %zu trailing bytes after the item at offset %zu",
                       c.len, out->raw_len);
    }
    if (out->is_list) return rlp_validate_list(out, (size_t)(out->payload - out->raw), 1, err);
    return ZK_OK;
}

int rlp_list_iter(zk_cursor *it, const rlp_item *list)
{
    if (!list->is_list) return ZK_ERR_MALFORMED;
    *it = cur_make(list->payload, list->payload_len);
    return ZK_OK;
}

int rlp_list_count(size_t *count, const rlp_item *list, zk_errbuf *err)
{
    zk_cursor c;
    if (rlp_list_iter(&c, list)) return ZK_FAIL(err, ZK_ERR_MALFORMED, "rlp: expected a list");
    size_t n = 0;
    while (c.len > 0) {
        rlp_item it;
        int rc = rlp_next(&c, &it, err);
        if (rc) return rc;
        n++;
    }
    *count = n;
    return ZK_OK;
}

int rlp_list_items(rlp_item *items, size_t *n, const rlp_item *list, zk_errbuf *err)
{
    zk_cursor c;
    if (rlp_list_iter(&c, list)) return ZK_FAIL(err, ZK_ERR_MALFORMED, "rlp: expected a list");
    size_t i = 0;
    while (c.len > 0) {
        if (i == *n)
            return ZK_FAIL(err, ZK_ERR_RANGE, "rlp: list has more than %zu items", *n);
        int rc = rlp_next(&c, &items[i], err);
        if (rc) return rc;
        i++;
    }
    *n = i;
    return ZK_OK;
}

int rlp_item_uint64(uint64_t *out, const rlp_item *item, zk_errbuf *err)
{
    uint8_t be[32];
    int rc = rlp_item_uint256(be, item, err);
    if (rc) return rc;
    for (int i = 0; i < 24; i++)
        if (be[i]) return ZK_FAIL(err, ZK_ERR_RANGE, "rlp: integer does not fit in 64 bits");
    *out = be64_load(be + 24);
    return ZK_OK;
}

int rlp_item_uint256(uint8_t out[32], const rlp_item *item, zk_errbuf *err)
{
    if (item->is_list) return ZK_FAIL(err, ZK_ERR_MALFORMED, "rlp: expected an integer, got a list");
    if (item->payload_len > 32)
        return ZK_FAIL(err, ZK_ERR_RANGE, "rlp: integer of %zu bytes exceeds 256 bits",
                       item->payload_len);
    if (item->payload_len > 0 && item->payload[0] == 0)
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL, "rlp: integer with leading zero byte");
    memset(out, 0, 32);
    memcpy(out + 32 - item->payload_len, item->payload, item->payload_len);
    return ZK_OK;
}

int rlp_item_fixed(uint8_t *out, size_t n, const rlp_item *item, zk_errbuf *err)
{
    if (item->is_list || item->payload_len != n)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "rlp: expected a %zu-byte string, got %s of %zu", n,
                       item->is_list ? "a list" : "a string", item->payload_len);
    memcpy(out, item->payload, n);
    return ZK_OK;
}

size_t rlp_header_len(size_t n) { return n < 56 ? 1 : 1 + be_uint_len((uint64_t)n); }

/* Writes the header for a payload of n bytes; short_base is 0x80 or 0xc0. */
static size_t rlp_write_header(uint8_t out[9], size_t n, uint8_t short_base)
{
    if (n < 56) {
        out[0] = (uint8_t)(short_base + n);
        return 1;
    }
    size_t ll = be_uint_minimal(out + 1, (uint64_t)n);
    out[0] = (uint8_t)(short_base + 55 + ll);
    return 1 + ll;
}

int rlp_encode_bytes(zk_buf *b, const uint8_t *p, size_t n)
{
    if (n == 1 && p[0] < 0x80) return buf_append(b, p, 1);
    uint8_t hdr[9];
    size_t hl = rlp_write_header(hdr, n, 0x80);
    int rc = buf_reserve(b, hl + n);
    if (rc) return rc;
    rc = buf_append(b, hdr, hl);
    if (rc) return rc;
    return buf_append(b, p, n);
}

int rlp_encode_uint64(zk_buf *b, uint64_t v)
{
    uint8_t be[8];
    size_t n = be_uint_minimal(be, v);
    return rlp_encode_bytes(b, be, n);
}

int rlp_encode_uint_be(zk_buf *b, const uint8_t *be, size_t n)
{
    size_t skip = 0;
    while (skip < n && be[skip] == 0) skip++;
    return rlp_encode_bytes(b, be + skip, n - skip);
}

int rlp_encode_raw(zk_buf *b, const uint8_t *p, size_t n) { return buf_append(b, p, n); }

void rlp_list_begin(zk_buf *b, size_t *mark) { *mark = b->len; }

int rlp_list_end(zk_buf *b, size_t mark)
{
    if (mark > b->len) return ZK_ERR_INTERNAL;
    size_t n = b->len - mark;
    uint8_t hdr[9];
    size_t hl = rlp_write_header(hdr, n, 0xc0);
    int rc = buf_reserve(b, hl);
    if (rc) return rc;
    memmove(b->data + mark + hl, b->data + mark, n);
    memcpy(b->data + mark, hdr, hl);
    b->len += hl;
    return ZK_OK;
}
