/* RLP: ethereum/tests RLPTests (valid and invalid), exhaustive short inputs,
 * random round trips, and the canonical-form rules one by one. */
#include "harness.h"

#include "lightclient/hex.h"
#include "lightclient/rlp.h"

/* Decimal string -> minimal big-endian bytes (for the "#..." big integers). */
static size_t decimal_to_be(uint8_t *out, size_t cap, const char *dec)
{
    size_t n = 0; /* out[cap-n .. cap) holds the value */
    for (const char *p = dec; *p; p++) {
        unsigned carry = (unsigned)(*p - '0');
        for (size_t i = 0; i < n; i++) {
            unsigned v = out[cap - 1 - i] * 10u + carry;
            out[cap - 1 - i] = (uint8_t)v;
            carry = v >> 8;
        }
        while (carry && n < cap) {
            out[cap - 1 - n++] = (uint8_t)carry;
            carry >>= 8;
        }
    }
    memmove(out, out + cap - n, n);
    return n;
}

static int encode_json(zk_buf *b, const json_t *v)
{
    if (json_is_integer(v)) return rlp_encode_uint64(b, (uint64_t)json_integer_value(v));
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (s[0] == '#') {
            uint8_t be[128];
            size_t n = decimal_to_be(be, sizeof(be), s + 1);
            return rlp_encode_bytes(b, be, n);
        }
        return rlp_encode_bytes(b, (const uint8_t *)s, json_string_length(v));
    }
    if (json_is_array(v)) {
        size_t mark, i;
        json_t *e;
        rlp_list_begin(b, &mark);
        json_array_foreach(v, i, e)
        {
            int rc = encode_json(b, e);
            if (rc) return rc;
        }
        return rlp_list_end(b, mark);
    }
    return ZK_ERR_MALFORMED;
}

static bool item_matches_json(const rlp_item *it, const json_t *v)
{
    if (json_is_integer(v)) {
        uint64_t x;
        return rlp_item_uint64(&x, it, NULL) == ZK_OK && x == (uint64_t)json_integer_value(v);
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (it->is_list) return false;
        if (s[0] == '#') {
            uint8_t be[128];
            size_t n = decimal_to_be(be, sizeof(be), s + 1);
            return n == it->payload_len && memcmp(be, it->payload, n) == 0;
        }
        return json_string_length(v) == it->payload_len &&
               memcmp(s, it->payload, it->payload_len) == 0;
    }
    if (json_is_array(v)) {
        zk_cursor c;
        if (rlp_list_iter(&c, it)) return false;
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            rlp_item sub;
            if (rlp_next(&c, &sub, NULL)) return false;
            if (!item_matches_json(&sub, e)) return false;
        }
        return c.len == 0;
    }
    return false;
}

static bool hex_to_bytes(uint8_t **out, size_t *len, const char *hex)
{
    return hex_decode_alloc(out, len, hex, NULL) == ZK_OK;
}

TEST(rlptest_valid)
{
    json_t *root = th_load_json("rlp/rlptest.json");
    if (!root) return;
    const char *name;
    json_t *tc;
    json_object_foreach(root, name, tc)
    {
        CASE_BEGIN("rlptest.json/%s", name);
        const json_t *in = json_object_get(tc, "in");
        uint8_t *want;
        size_t want_len;
        CHECK(hex_to_bytes(&want, &want_len, json_string_value(json_object_get(tc, "out"))));
        zk_buf b;
        buf_init(&b, 0);
        CHECK_EQ_INT(encode_json(&b, in), ZK_OK);
        CHECK_EQ_INT(b.len, want_len);
        if (b.len == want_len) CHECK_MEM(b.data, want, want_len);
        rlp_item it;
        zk_errbuf err = {0};
        int rc = rlp_decode(&it, want, want_len, &err);
        CHECK_MSG(rc == ZK_OK, "decode failed: %s", err.msg);
        if (rc == ZK_OK) CHECK(item_matches_json(&it, in));
        buf_clear(&b);
        free(want);
        CASE_END();
    }
    json_decref(root);
}

TEST(rlptest_invalid)
{
    json_t *root = th_load_json("rlp/invalidRLPTest.json");
    if (!root) return;
    const char *name;
    json_t *tc;
    json_object_foreach(root, name, tc)
    {
        CASE_BEGIN("invalidRLPTest.json/%s", name);
        uint8_t *in;
        size_t len;
        CHECK(hex_to_bytes(&in, &len, json_string_value(json_object_get(tc, "out"))));
        rlp_item it;
        zk_errbuf err = {0};
        int rc = rlp_decode(&it, in, len, &err);
        CHECK_MSG(rc != ZK_OK, "accepted malformed RLP");
        CHECK_MSG(rc == ZK_OK || err.msg[0] != '\0', "rejected without a message");
        free(in);
        CASE_END();
    }
    json_decref(root);
}

TEST(random_rlp_example)
{
    json_t *root = th_load_json("rlp/RandomRLPTests/example.json");
    if (!root) return;
    const char *name;
    json_t *tc;
    json_object_foreach(root, name, tc)
    {
        CASE_BEGIN("RandomRLPTests/example.json/%s", name);
        uint8_t *in;
        size_t len;
        CHECK(hex_to_bytes(&in, &len, json_string_value(json_object_get(tc, "out"))));
        rlp_item it;
        CHECK_EQ_INT(rlp_decode(&it, in, len, NULL), ZK_OK);
        free(in);
        CASE_END();
    }
    json_decref(root);
}

/* Re-encodes a decoded item from its parts; canonical decoding means this must
 * reproduce the input byte for byte. */
static int reencode(zk_buf *b, const rlp_item *it)
{
    if (!it->is_list) return rlp_encode_bytes(b, it->payload, it->payload_len);
    size_t mark;
    zk_cursor c;
    rlp_list_begin(b, &mark);
    if (rlp_list_iter(&c, it)) return ZK_ERR_INTERNAL;
    while (c.len) {
        rlp_item sub;
        int rc = rlp_next(&c, &sub, NULL);
        if (rc) return rc;
        rc = reencode(b, &sub);
        if (rc) return rc;
    }
    return rlp_list_end(b, mark);
}

static void check_decode_roundtrip(const uint8_t *in, size_t len, int *accepted)
{
    rlp_item it;
    zk_errbuf err = {0};
    int rc = rlp_decode(&it, in, len, &err);
    if (rc != ZK_OK) {
        CHECK_MSG(err.msg[0] != '\0', "rejection without message");
        return;
    }
    (*accepted)++;
    zk_buf b;
    buf_init(&b, 0);
    CHECK_EQ_INT(reencode(&b, &it), ZK_OK);
    CHECK_MSG(b.len == len && memcmp(b.data, in, len) == 0,
              "accepted non-canonical input of %zu bytes %02x %02x", len, in[0],
              len > 1 ? in[1] : 0);
    buf_clear(&b);
}

/* Every 1-, 2- and 3-byte input either round-trips exactly or fails cleanly. */
TEST(exhaustive_short_inputs)
{
    int accepted = 0;
    uint8_t in[3];
    for (unsigned a = 0; a < 256; a++) {
        in[0] = (uint8_t)a;
        check_decode_roundtrip(in, 1, &accepted);
        for (unsigned b = 0; b < 256; b++) {
            in[1] = (uint8_t)b;
            check_decode_roundtrip(in, 2, &accepted);
            for (unsigned c = 0; c < 256; c++) {
                in[2] = (uint8_t)c;
                check_decode_roundtrip(in, 3, &accepted);
            }
        }
    }
    /* 1 byte: 0x00-0x7f, 0x80, 0xc0 (130); the count pins the canonical rules. */
    CHECK(accepted > 130);
}

static void random_tree(zk_buf *b, int depth)
{
    uint64_t r = th_rand64();
    if (depth < 4 && (r & 3) == 0) {
        size_t mark, n = (r >> 8) % 6;
        rlp_list_begin(b, &mark);
        for (size_t i = 0; i < n; i++)
            random_tree(b, depth + 1);
        CHECK_EQ_INT(rlp_list_end(b, mark), ZK_OK);
        return;
    }
    uint8_t data[300];
    size_t lens[] = {0, 1, 2, 55, 56, 57, 255, 256, 300};
    size_t n = lens[(r >> 8) % 9];
    th_rand_bytes(data, n);
    if (n == 1 && (r & 16)) data[0] &= 0x7f;
    CHECK_EQ_INT(rlp_encode_bytes(b, data, n), ZK_OK);
}

TEST(random_roundtrip)
{
    for (int i = 0; i < 2000; i++) {
        zk_buf b;
        size_t mark;
        buf_init(&b, 0);
        rlp_list_begin(&b, &mark);
        random_tree(&b, 0);
        random_tree(&b, 0);
        CHECK_EQ_INT(rlp_list_end(&b, mark), ZK_OK);
        int accepted = 0;
        check_decode_roundtrip(b.data, b.len, &accepted);
        CHECK_EQ_INT(accepted, 1);
        /* Every strict prefix is truncated, never accepted. */
        size_t cut = (size_t)(th_rand64() % b.len);
        rlp_item it;
        CHECK(rlp_decode(&it, b.data, cut, NULL) != ZK_OK);
        buf_clear(&b);
    }
}

TEST(rejects_named_faults)
{
    rlp_item it;
    zk_errbuf err;
    static const uint8_t wrapped[] = {0x81, 0x05};
    CHECK_EQ_INT(rlp_decode(&it, wrapped, sizeof(wrapped), &err), ZK_ERR_NONCANONICAL);
    static const uint8_t trailing[] = {0x83, 'd', 'o', 'g', 0x00};
    CHECK_EQ_INT(rlp_decode(&it, trailing, sizeof(trailing), &err), ZK_ERR_TRAILING);
    static const uint8_t truncated[] = {0x83, 'd', 'o'};
    CHECK_EQ_INT(rlp_decode(&it, truncated, sizeof(truncated), &err), ZK_ERR_TRUNCATED);
    static const uint8_t inner_trunc[] = {0xc2, 0x83, 'd'};
    CHECK_EQ_INT(rlp_decode(&it, inner_trunc, sizeof(inner_trunc), &err), ZK_ERR_TRUNCATED);
    static const uint8_t long_short[] = {0xb8, 0x01, 0xff};
    CHECK_EQ_INT(rlp_decode(&it, long_short, sizeof(long_short), &err), ZK_ERR_NONCANONICAL);
    static const uint8_t huge[] = {0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    CHECK_EQ_INT(rlp_decode(&it, huge, sizeof(huge), &err), ZK_ERR_TRUNCATED);

    /* Nesting: RLP_MAX_DEPTH lists deep is fine, one more is rejected. */
    for (size_t d = RLP_MAX_DEPTH; d <= RLP_MAX_DEPTH + 1; d++) {
        zk_buf b;
        size_t marks[RLP_MAX_DEPTH + 1];
        buf_init(&b, 0);
        for (size_t i = 0; i < d; i++)
            rlp_list_begin(&b, &marks[i]);
        for (size_t i = d; i-- > 0;)
            CHECK_EQ_INT(rlp_list_end(&b, marks[i]), ZK_OK);
        int rc = rlp_decode(&it, b.data, b.len, &err);
        CHECK_EQ_INT(rc, d <= RLP_MAX_DEPTH ? ZK_OK : ZK_ERR_RANGE);
        buf_clear(&b);
    }

    /* Integers: leading zero rejected, empty is zero, 9 bytes do not fit 64 bits. */
    uint64_t v;
    static const uint8_t lz[] = {0x82, 0x00, 0x01};
    CHECK_EQ_INT(rlp_decode(&it, lz, sizeof(lz), NULL), ZK_OK);
    CHECK_EQ_INT(rlp_item_uint64(&v, &it, &err), ZK_ERR_NONCANONICAL);
    static const uint8_t zero[] = {0x80};
    CHECK_EQ_INT(rlp_decode(&it, zero, 1, NULL), ZK_OK);
    CHECK_EQ_INT(rlp_item_uint64(&v, &it, &err), ZK_OK);
    CHECK_EQ_INT(v, 0);
    static const uint8_t nine[] = {0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    CHECK_EQ_INT(rlp_decode(&it, nine, sizeof(nine), NULL), ZK_OK);
    CHECK_EQ_INT(rlp_item_uint64(&v, &it, &err), ZK_ERR_RANGE);
    static const uint8_t zerobyte[] = {0x00};
    CHECK_EQ_INT(rlp_decode(&it, zerobyte, 1, NULL), ZK_OK);
    CHECK_EQ_INT(rlp_item_uint64(&v, &it, &err), ZK_ERR_NONCANONICAL);
}

TEST(list_helpers)
{
    static const uint8_t l[] = {0xcc, 0x83, 'd',  'o', 'g', 0x83, 'g',
                                'o',  'd',  0x83, 'c', 'a', 't'};
    rlp_item it, items[3];
    size_t n = 0;
    CHECK_EQ_INT(rlp_decode(&it, l, sizeof(l), NULL), ZK_OK);
    CHECK_EQ_INT(rlp_list_count(&n, &it, NULL), ZK_OK);
    CHECK_EQ_INT(n, 3);
    n = 2;
    CHECK_EQ_INT(rlp_list_items(items, &n, &it, NULL), ZK_ERR_RANGE);
    n = 3;
    CHECK_EQ_INT(rlp_list_items(items, &n, &it, NULL), ZK_OK);
    CHECK(items[2].payload_len == 3 && memcmp(items[2].payload, "cat", 3) == 0);
    uint8_t fixed[3];
    CHECK_EQ_INT(rlp_item_fixed(fixed, 3, &items[1], NULL), ZK_OK);
    CHECK_EQ_INT(rlp_item_fixed(fixed, 2, &items[1], NULL), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(rlp_item_fixed(fixed, 3, &it, NULL), ZK_ERR_MALFORMED);
}

TEST_MAIN(RUN(rlptest_valid); RUN(rlptest_invalid); RUN(random_rlp_example);
          RUN(exhaustive_short_inputs); RUN(random_roundtrip); RUN(rejects_named_faults);
          RUN(list_helpers))
