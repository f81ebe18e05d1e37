/* Byte buffers, big-endian integer helpers and the cursor through which all
 * untrusted bytes are read. */
#ifndef ZKRELAY_LIGHTCLIENT_BYTES_H
#define ZKRELAY_LIGHTCLIENT_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zk_err.h"

/* Read-only view over untrusted bytes. Every cur_* function fails with
 * ZK_ERR_TRUNCATED when too few bytes remain and moves forward only on success. */
typedef struct zk_cursor {
    const uint8_t *p;
    size_t len; /* bytes remaining */
} zk_cursor;

static inline zk_cursor cur_make(const uint8_t *p, size_t len)
{
    zk_cursor c = {p, len};
    return c;
}

/* Out: *out points at the next n bytes (borrowed from the cursor's buffer). */
int cur_take(zk_cursor *c, const uint8_t **out, size_t n) ZK_MUST_CHECK;
int cur_u8(zk_cursor *c, uint8_t *out) ZK_MUST_CHECK;
/* Reads an n-byte (0 <= n <= 8) big-endian unsigned integer. */
int cur_be_uint(zk_cursor *c, uint64_t *out, size_t n) ZK_MUST_CHECK;
int cur_be32(zk_cursor *c, uint32_t *out) ZK_MUST_CHECK;
int cur_be64(zk_cursor *c, uint64_t *out) ZK_MUST_CHECK;
int cur_le32(zk_cursor *c, uint32_t *out) ZK_MUST_CHECK;
int cur_le64(zk_cursor *c, uint64_t *out) ZK_MUST_CHECK;

static inline void be32_store(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

static inline void be64_store(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) out[i] = (uint8_t)v;
}

static inline uint64_t be64_load(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | in[i];
    return v;
}

static inline void le64_store(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++, v >>= 8) out[i] = (uint8_t)v;
}

static inline uint64_t le64_load(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | in[i];
    return v;
}

/* Number of bytes in the minimal big-endian form of v (0 for v == 0). */
size_t be_uint_len(uint64_t v);

/* Writes the minimal big-endian form of v (no leading zeros; empty for 0).
 * Out: out (at least 8 bytes). Returns the number of bytes written. */
size_t be_uint_minimal(uint8_t out[8], uint64_t v);

/* Parses a big-endian unsigned integer of up to 8 bytes.
 * Returns ZK_ERR_RANGE when len > 8 and the value does not fit, ZK_ERR_NONCANONICAL
 * when strict and the encoding has a leading zero byte. */
int be_uint_parse(uint64_t *out, const uint8_t *in, size_t len, bool strict) ZK_MUST_CHECK;

/* A growable byte buffer with a hard capacity cap (curl dynbuf). */
typedef struct zk_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len; 0 means SIZE_MAX/2 */
} zk_buf;

void buf_init(zk_buf *b, size_t max);
/* Frees the buffer's memory and resets it to empty (keeps max). */
void buf_clear(zk_buf *b);
/* Returns ZK_ERR_RANGE when the cap would be exceeded, ZK_ERR_NOMEM on allocation failure. */
int buf_append(zk_buf *b, const void *p, size_t n) ZK_MUST_CHECK;
int buf_append_byte(zk_buf *b, uint8_t v) ZK_MUST_CHECK;
/* Ensures room for n more bytes. */
int buf_reserve(zk_buf *b, size_t n) ZK_MUST_CHECK;

#endif
