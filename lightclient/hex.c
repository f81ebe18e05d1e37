#include "hex.h"

#include <stdlib.h>
#include <string.h>

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static size_t hex_prefix_len(const char *text, size_t text_len)
{
    return (text_len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) ? 2 : 0;
}

int hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *text, size_t text_len,
               zk_errbuf *err)
{
    size_t skip = hex_prefix_len(text, text_len);
    size_t digits = text_len - skip;
    if (digits % 2 != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "hex: odd number of digits (%zu)", digits);
    if (digits / 2 > out_cap)
        return ZK_FAIL(err, ZK_ERR_RANGE, "hex: %zu bytes do not fit in %zu", digits / 2, out_cap);
    for (size_t i = 0; i < digits / 2; i++) {
        int hi = hex_digit(text[skip + 2 * i]), lo = hex_digit(text[skip + 2 * i + 1]);
        if (hi < 0 || lo < 0) {
            if (err) err->offset = skip + 2 * i + (hi < 0 ? 0 : 1);
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "hex: invalid character at offset %zu",
                           skip + 2 * i + (hi < 0 ? 0 : 1));
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *out_len = digits / 2;
    return ZK_OK;
}

int hex_decode_fixed(uint8_t *out, size_t n, const char *text, zk_errbuf *err)
{
    size_t tl = strlen(text), got = 0;
    size_t digits = tl - hex_prefix_len(text, tl);
    if (digits != 2 * n)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "hex: expected %zu bytes, got %zu digits", n, digits);
    return hex_decode(out, n, &got, text, tl, err);
}

int hex_decode_alloc(uint8_t **out, size_t *out_len, const char *text, zk_errbuf *err)
{
    size_t tl = strlen(text);
    size_t cap = (tl - hex_prefix_len(text, tl)) / 2;
    uint8_t *p = malloc(cap ? cap : 1);
    if (!p) return ZK_FAIL(err, ZK_ERR_NOMEM, "hex: out of memory");
    int rc = hex_decode(p, cap, out_len, text, tl, err);
    if (rc) {
        free(p);
        return rc;
    }
    *out = p;
    return ZK_OK;
}

int hex_decode_padded(uint8_t *out, size_t n, const char *text, zk_errbuf *err)
{
    if (strncmp(text, "0x", 2) != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "hex: expected 0x-prefixed hex");
    const char *d = text + 2;
    size_t nd = strlen(d);
    if (nd == 0) return ZK_FAIL(err, ZK_ERR_MALFORMED, "hex: no digits after 0x");
    for (size_t i = 0; i < nd; i++)
        if (hex_digit(d[i]) < 0) {
            if (err) err->offset = 2 + i;
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "hex: invalid character at offset %zu", 2 + i);
        }
    if (nd > 2 * n) return ZK_FAIL(err, ZK_ERR_RANGE, "hex: %zu digits exceed %zu bytes", nd, n);
    memset(out, 0, n);
    for (size_t i = 0; i < nd; i++) {
        size_t nib = nd - 1 - i; /* nibble index from the least significant end */
        uint8_t v = (uint8_t)hex_digit(d[i]);
        out[n - 1 - nib / 2] |= (nib % 2) ? (uint8_t)(v << 4) : v;
    }
    return ZK_OK;
}

void hex_encode(char *out, const uint8_t *in, size_t len, bool prefix)
{
    static const char digits[] = "0123456789abcdef";
    if (prefix) {
        *out++ = '0';
        *out++ = 'x';
    }
    for (size_t i = 0; i < len; i++) {
        *out++ = digits[in[i] >> 4];
        *out++ = digits[in[i] & 15];
    }
    *out = '\0';
}

/* Shared by both quantity parsers: checks the prefix and canonical form and
 * returns the digits. */
static int quantity_digits(const char **digits, size_t *n, const char *text, size_t max_digits,
                           zk_errbuf *err)
{
    size_t tl = strlen(text);
    if (tl < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "quantity: expected 0x followed by hex digits");
    const char *d = text + 2;
    size_t nd = tl - 2;
    if (nd > 1 && d[0] == '0')
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL, "quantity: leading zero digit in \"%.40s\"", text);
    for (size_t i = 0; i < nd; i++)
        if (hex_digit(d[i]) < 0)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "quantity: invalid character in \"%.40s\"", text);
    if (nd > max_digits)
        return ZK_FAIL(err, ZK_ERR_RANGE, "quantity: \"%.40s\" exceeds %zu bits", text,
                       max_digits * 4);
    *digits = d;
    *n = nd;
    return ZK_OK;
}

int hex_parse_quantity(uint64_t *out, const char *text, zk_errbuf *err)
{
    const char *d;
    size_t n;
    int rc = quantity_digits(&d, &n, text, 16, err);
    if (rc) return rc;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 4) | (uint64_t)hex_digit(d[i]);
    *out = v;
    return ZK_OK;
}

int hex_parse_quantity256(uint8_t out[32], const char *text, zk_errbuf *err)
{
    const char *d;
    size_t n;
    int rc = quantity_digits(&d, &n, text, 64, err);
    if (rc) return rc;
    return hex_decode_padded(out, 32, text, err);
}

void hex_format_quantity(char out[19], uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v);
    out[0] = '0';
    out[1] = 'x';
    for (size_t i = 0; i < n; i++)
        out[2 + i] = tmp[n - 1 - i];
    out[2 + n] = '\0';
}
