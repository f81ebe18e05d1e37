/* libFuzzer harness: strict RLP decoding (lightclient/rlp.h).
 *
 * Any input: rlp_decode either rejects it or accepts it; an accepted input is
 * walked with the list iterator and the item readers, and re-encoded from the
 * decoded tree, which must give back exactly the input (strict decoding
 * accepts only the unique canonical encoding, Yellow Paper appendix B). */
#include "fuzz/fuzz.h"

#include <string.h>

#include "lightclient/rlp.h"

/* Re-encodes item into b, walking lists through rlp_list_iter / rlp_next, and
 * exercises the typed readers on strings. Returns false on a broken guarantee. */
static bool fuzz_rlp_reencode(zk_buf *b, const rlp_item *item, int depth, bool *ok)
{
    if (depth > RLP_MAX_DEPTH + 1) {
        *ok = false; /* rlp_decode promised depth <= RLP_MAX_DEPTH */
        return false;
    }
    if (!item->is_list) {
        uint64_t v;
        uint8_t w[32], fixed[32];
        FUZZ_IGNORE(rlp_item_uint64(&v, item, NULL));
        FUZZ_IGNORE(rlp_item_uint256(w, item, NULL));
        if (item->payload_len <= sizeof(fixed))
            FUZZ_EXPECT(*ok, rlp_item_fixed(fixed, item->payload_len, item, NULL) == ZK_OK);
        return rlp_encode_bytes(b, item->payload, item->payload_len) == ZK_OK;
    }
    zk_cursor it;
    size_t count = 0, seen = 0, mark;
    FUZZ_EXPECT(*ok, rlp_list_iter(&it, item) == ZK_OK);
    FUZZ_EXPECT(*ok, rlp_list_count(&count, item, NULL) == ZK_OK);
    rlp_list_begin(b, &mark);
    while (it.len > 0) {
        rlp_item child;
        if (rlp_next(&it, &child, NULL) != ZK_OK) {
            *ok = false; /* every item inside a decoded list was validated */
            return false;
        }
        seen++;
        if (!fuzz_rlp_reencode(b, &child, depth + 1, ok)) return false;
    }
    FUZZ_EXPECT(*ok, seen == count);
    /* rlp_list_items must agree with the iterator on the first few items. */
    rlp_item first[4];
    size_t n = sizeof(first) / sizeof(first[0]);
    int rc = rlp_list_items(first, &n, item, NULL);
    FUZZ_EXPECT(*ok, count > 4 ? rc == ZK_ERR_RANGE : (rc == ZK_OK && n == count));
    return rlp_list_end(b, mark) == ZK_OK;
}

static bool fuzz_rlp_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    rlp_item item;
    zk_errbuf err;
    int rc = rlp_decode(&item, data, size, &err);

    /* rlp_next reads one item off the front without looking inside it. */
    zk_cursor c = cur_make(data, size);
    rlp_item first;
    if (rlp_next(&c, &first, NULL) == ZK_OK) {
        FUZZ_EXPECT(ok, first.raw == data && first.raw_len + c.len == size);
        FUZZ_EXPECT(ok, first.payload_len <= first.raw_len);
    }
    if (rc != ZK_OK) return ok;
    FUZZ_EXPECT(ok, item.raw == data && item.raw_len == size);

    zk_buf b;
    buf_init(&b, 0);
    bool encoded = fuzz_rlp_reencode(&b, &item, 0, &ok);
    FUZZ_EXPECT(ok, encoded);
    if (encoded) FUZZ_EXPECT(ok, b.len == size && memcmp(b.data, data, size) == 0);
    buf_clear(&b);
    return ok;
}

FUZZ_ENTRY(fuzz_rlp_check)
