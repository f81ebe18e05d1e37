#include "bytes.h"

#include <stdlib.h>
#include <string.h>

int cur_take(zk_cursor *c, const uint8_t **out, size_t n)
{
    if (n > c->len) return ZK_ERR_TRUNCATED;
    *out = c->p;
    c->p += n;
    c->len -= n;
    return ZK_OK;
}

int cur_u8(zk_cursor *c, uint8_t *out)
{
    if (c->len < 1) return ZK_ERR_TRUNCATED;
    *out = c->p[0];
    c->p++;
    c->len--;
    return ZK_OK;
}

int cur_be_uint(zk_cursor *c, uint64_t *out, size_t n)
{
    if (n > 8) return ZK_ERR_RANGE;
    if (n > c->len) return ZK_ERR_TRUNCATED;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v = (v << 8) | c->p[i];
    c->p += n;
    c->len -= n;
    *out = v;
    return ZK_OK;
}

int cur_be32(zk_cursor *c, uint32_t *out)
{
    uint64_t v;
    int rc = cur_be_uint(c, &v, 4);
    if (rc == ZK_OK) *out = (uint32_t)v;
    return rc;
}

int cur_be64(zk_cursor *c, uint64_t *out) { return cur_be_uint(c, out, 8); }

int cur_le32(zk_cursor *c, uint32_t *out)
{
    if (c->len < 4) return ZK_ERR_TRUNCATED;
    *out = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 |
           (uint32_t)c->p[3] << 24;
    c->p += 4;
    c->len -= 4;
    return ZK_OK;
}

int cur_le64(zk_cursor *c, uint64_t *out)
{
    if (c->len < 8) return ZK_ERR_TRUNCATED;
    *out = le64_load(c->p);
    c->p += 8;
    c->len -= 8;
    return ZK_OK;
}

size_t be_uint_len(uint64_t v)
{
    size_t n = 0;
    for (; v; v >>= 8) n++;
    return n;
}

size_t be_uint_minimal(uint8_t out[8], uint64_t v)
{
    size_t n = be_uint_len(v);
    for (size_t i = 0; i < n; i++) out[n - 1 - i] = (uint8_t)(v >> (8 * i));
    return n;
}

int be_uint_parse(uint64_t *out, const uint8_t *in, size_t len, bool strict)
{
    if (strict && len > 0 && in[0] == 0) return ZK_ERR_NONCANONICAL;
    size_t skip = 0;
    while (skip < len && in[skip] == 0) skip++;
    if (len - skip > 8) return ZK_ERR_RANGE;
    uint64_t v = 0;
    for (size_t i = skip; i < len; i++) v = (v << 8) | in[i];
    *out = v;
    return ZK_OK;
}

void buf_init(zk_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : SIZE_MAX / 2;
}

void buf_clear(zk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

int buf_reserve(zk_buf *b, size_t n)
{
    if (n > b->max - b->len) return ZK_ERR_RANGE;
    size_t need = b->len + n;
    if (need <= b->cap) return ZK_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > SIZE_MAX / 4 ? need : cap * 2;
    if (cap > b->max) cap = b->max;
    uint8_t *p = realloc(b->data, cap ? cap : 1);
    if (!p) return ZK_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return ZK_OK;
}

int buf_append(zk_buf *b, const void *p, size_t n)
{
    if (n == 0) return ZK_OK;
    int rc = buf_reserve(b, n);
    if (rc) return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return ZK_OK;
}

int buf_append_byte(zk_buf *b, uint8_t v) { return buf_append(b, &v, 1); }
