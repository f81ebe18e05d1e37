/* Hex and quantity parsing, big-endian helpers, the cursor and the capped buffer. */
#include "harness.h"

#include "lightclient/bytes.h"
#include "lightclient/hex.h"

TEST(hex_decode_forms)
{
    uint8_t out[8];
    size_t n = 99;
    CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, "0xdeADbeef", 10, NULL), ZK_OK);
    CHECK_EQ_INT(n, 4);
    CHECK(out[0] == 0xde && out[3] == 0xef);
    CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, "00ff", 4, NULL), ZK_OK);
    CHECK(n == 2 && out[1] == 0xff);
    CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, "0x", 2, NULL), ZK_OK);
    CHECK_EQ_INT(n, 0);
    CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, "", 0, NULL), ZK_OK);
    CHECK_EQ_INT(n, 0);
}

TEST(hex_decode_rejects)
{
    uint8_t out[4];
    size_t n;
    zk_errbuf err = {0};
    CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, "0xabc", 5, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "odd") != NULL);
    CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, "0xzz", 4, &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, "0x0g", 4, &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(err.offset, 3);
    CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, "0x 0", 4, &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, "0x0102030405", 12, &err), ZK_ERR_RANGE);
    CHECK_EQ_INT(hex_decode_fixed(out, 4, "0x010203", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_decode_fixed(out, 2, "0x010203", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_decode_fixed(out, 3, "0x010203", &err), ZK_OK);
    /* Every non-hex byte value is rejected in either digit position. */
    for (int c = 1; c < 256; c++) {
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        char s[3] = {(char)c, '0', 0}, t[3] = {'0', (char)c, 0};
        CHECK_EQ_INT(hex_decode(out, 4, &n, s, 2, NULL), ok ? ZK_OK : ZK_ERR_MALFORMED);
        bool prefix = c == 'x' || c == 'X'; /* "0x" alone is the empty string */
        CHECK_EQ_INT(hex_decode(out, 4, &n, t, 2, NULL), ok || prefix ? ZK_OK : ZK_ERR_MALFORMED);
    }
}

TEST(hex_roundtrip_random)
{
    for (int i = 0; i < 500; i++) {
        uint8_t in[64], out[64];
        char text[2 * 64 + 3];
        size_t len = (size_t)(th_rand64() % 65), n;
        th_rand_bytes(in, len);
        bool prefix = i & 1;
        hex_encode(text, in, len, prefix);
        CHECK_EQ_INT(strlen(text), 2 * len + (prefix ? 2 : 0));
        CHECK_EQ_INT(hex_decode(out, sizeof(out), &n, text, strlen(text), NULL), ZK_OK);
        CHECK(n == len && memcmp(in, out, len) == 0);
    }
}

TEST(quantities)
{
    uint64_t v;
    zk_errbuf err;
    CHECK_EQ_INT(hex_parse_quantity(&v, "0x0", &err), ZK_OK);
    CHECK_EQ_INT(v, 0);
    CHECK_EQ_INT(hex_parse_quantity(&v, "0x1a", &err), ZK_OK);
    CHECK_EQ_INT(v, 26);
    CHECK_EQ_INT(hex_parse_quantity(&v, "0xffffffffffffffff", &err), ZK_OK);
    CHECK(v == UINT64_MAX);
    CHECK_EQ_INT(hex_parse_quantity(&v, "0x10000000000000000", &err), ZK_ERR_RANGE);
    CHECK_EQ_INT(hex_parse_quantity(&v, "0x01", &err), ZK_ERR_NONCANONICAL);
    CHECK_EQ_INT(hex_parse_quantity(&v, "0x", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_parse_quantity(&v, "12", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_parse_quantity(&v, "0x1g", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_parse_quantity(&v, "", &err), ZK_ERR_MALFORMED);
    char buf[19];
    uint64_t samples[] = {0, 1, 15, 16, 255, 0x1234567, UINT64_MAX};
    for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
        hex_format_quantity(buf, samples[i]);
        CHECK_EQ_INT(hex_parse_quantity(&v, buf, NULL), ZK_OK);
        CHECK(v == samples[i]);
    }
    uint8_t be[32];
    CHECK_EQ_INT(hex_parse_quantity256(be, "0x1ff", &err), ZK_OK);
    CHECK(be[30] == 0x01 && be[31] == 0xff && be[29] == 0);
    CHECK_EQ_INT(
        hex_parse_quantity256(be,
                              "0x1"
                              "0000000000000000000000000000000000000000000000000000000000000000",
                              &err),
        ZK_ERR_RANGE);
    CHECK_EQ_INT(hex_parse_quantity256(be, "0x00", &err), ZK_ERR_NONCANONICAL);
}

TEST(padded_words)
{
    uint8_t w[32];
    zk_errbuf err;
    CHECK_EQ_INT(hex_decode_padded(w, 32, "0x0", &err), ZK_OK);
    for (int i = 0; i < 32; i++)
        CHECK_EQ_INT(w[i], 0);
    CHECK_EQ_INT(hex_decode_padded(w, 32, "0x1200", &err), ZK_OK);
    CHECK(w[30] == 0x12 && w[31] == 0x00 && w[29] == 0);
    CHECK_EQ_INT(
        hex_decode_padded(
            w, 32, "0x00000000000000000000000000000000000000000000000000000000000001ab", &err),
        ZK_OK);
    CHECK(w[30] == 0x01 && w[31] == 0xab);
    CHECK_EQ_INT(hex_decode_padded(w, 2, "0xabc", &err), ZK_OK);
    CHECK(w[0] == 0x0a && w[1] == 0xbc);
    /* A second prefix is not hex: never read as a shifted number. */
    CHECK_EQ_INT(hex_decode_padded(w, 32, "0x0x12", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_decode_padded(w, 32, "0xx12", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_decode_padded(w, 32, "0x0X12", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_decode_padded(w, 32, "0x", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_decode_padded(w, 32, "12", &err), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(hex_decode_padded(w, 2, "0x10000", &err), ZK_ERR_RANGE);
}

TEST(cursor_and_be)
{
    static const uint8_t data[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    zk_cursor c = cur_make(data, sizeof(data));
    uint8_t b;
    uint32_t w;
    uint64_t q;
    const uint8_t *p;
    CHECK_EQ_INT(cur_u8(&c, &b), ZK_OK);
    CHECK_EQ_INT(b, 1);
    CHECK_EQ_INT(cur_be32(&c, &w), ZK_OK);
    CHECK_EQ_INT(w, 0x02030405);
    CHECK_EQ_INT(cur_be64(&c, &q), ZK_ERR_TRUNCATED);
    CHECK_EQ_INT(c.len, 4); /* a failed read does not move */
    CHECK_EQ_INT(cur_take(&c, &p, 5), ZK_ERR_TRUNCATED);
    CHECK_EQ_INT(cur_le32(&c, &w), ZK_OK);
    CHECK_EQ_INT(w, 0x09080706);
    CHECK_EQ_INT(cur_u8(&c, &b), ZK_ERR_TRUNCATED);

    uint8_t m[8];
    CHECK_EQ_INT(be_uint_minimal(m, 0), 0);
    CHECK_EQ_INT(be_uint_minimal(m, 0x0100), 2);
    CHECK(m[0] == 1 && m[1] == 0);
    static const uint8_t lz[] = {0, 1};
    CHECK_EQ_INT(be_uint_parse(&q, lz, 2, true), ZK_ERR_NONCANONICAL);
    CHECK_EQ_INT(be_uint_parse(&q, lz, 2, false), ZK_OK);
    CHECK_EQ_INT(q, 1);
    CHECK_EQ_INT(be_uint_parse(&q, data, 9, false), ZK_ERR_RANGE);
}

TEST(capped_buffer)
{
    zk_buf b;
    buf_init(&b, 10);
    CHECK_EQ_INT(buf_append(&b, "0123456789", 10), ZK_OK);
    CHECK_EQ_INT(buf_append_byte(&b, 'x'), ZK_ERR_RANGE);
    CHECK_EQ_INT(b.len, 10);
    buf_clear(&b);
    CHECK_EQ_INT(b.len, 0);
    buf_clear(&b); /* twice is harmless */
}

TEST(error_strings)
{
    for (int c = 0; c <= ZK_ERR_NOT_IN_GROUP; c++)
        CHECK(strcmp(zk_strerror(c), "unknown error") != 0);
    zk_errbuf err = {0};
    CHECK_EQ_INT(zk_fail(&err, ZK_ERR_IO, "inner %d", 7), ZK_ERR_IO);
    CHECK_EQ_INT(zk_fail_wrap(&err, ZK_ERR_IO, "outer"), ZK_ERR_IO);
    CHECK(strcmp(err.msg, "outer: inner 7") == 0);
}

TEST_MAIN(RUN(hex_decode_forms); RUN(hex_decode_rejects); RUN(hex_roundtrip_random);
          RUN(quantities); RUN(padded_words); RUN(cursor_and_be); RUN(capped_buffer);
          RUN(error_strings))
