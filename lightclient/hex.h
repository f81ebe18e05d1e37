/* Hexadecimal text <-> bytes, as Ethereum JSON-RPC writes data and quantities. */
#ifndef ZKRELAY_LIGHTCLIENT_HEX_H
#define ZKRELAY_LIGHTCLIENT_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zk_err.h"

/* Decodes hex text of exactly text_len chars, with or without a "0x"/"0X" prefix,
 * upper or lower case, into bytes.
 * Out: out (out_cap bytes), *out_len the number of bytes written.
 * Returns ZK_ERR_MALFORMED for an odd number of digits or a non-hex character,
 * ZK_ERR_RANGE when the result needs more than out_cap bytes. */
int hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *text, size_t text_len,
               zk_errbuf *err) ZK_MUST_CHECK;

/* Decodes a NUL-terminated hex string into exactly n bytes; ZK_ERR_MALFORMED when
 * it decodes to any other length. */
int hex_decode_fixed(uint8_t *out, size_t n, const char *text, zk_errbuf *err) ZK_MUST_CHECK;

/* Decodes a NUL-terminated hex string into a new malloc'd buffer (caller frees).
 * Zero-length data yields *out == NULL-free allocation of 1 byte and *out_len 0. */
int hex_decode_alloc(uint8_t **out, size_t *out_len, const char *text, zk_errbuf *err) ZK_MUST_CHECK;

/* Decodes "0x" + 1..2n hex digits (leading zeros allowed, odd count allowed) as a
 * big-endian number left-padded to exactly n bytes: the form nodes use for storage
 * keys and values ("0x0" and 32 zero-padded bytes name the same slot).
 * Returns ZK_ERR_MALFORMED for a missing prefix, no digits, or a non-hex character,
 * ZK_ERR_RANGE for more than 2n digits. */
int hex_decode_padded(uint8_t *out, size_t n, const char *text, zk_errbuf *err) ZK_MUST_CHECK;

/* Writes "0x" (when prefix) and 2*len lower-case digits plus NUL.
 * Out: out must hold hex_encoded_len(len, prefix) bytes. */
void hex_encode(char *out, const uint8_t *in, size_t len, bool prefix);
static inline size_t hex_encoded_len(size_t len, bool prefix) { return 2 * len + (prefix ? 3 : 1); }

/* Parses a JSON-RPC QUANTITY: "0x" then 1..16 hex digits, no leading zeros
 * ("0x0" is zero). Returns ZK_ERR_MALFORMED / ZK_ERR_NONCANONICAL / ZK_ERR_RANGE. */
int hex_parse_quantity(uint64_t *out, const char *text, zk_errbuf *err) ZK_MUST_CHECK;

/* Parses a QUANTITY of up to 256 bits into a 32-byte big-endian buffer. */
int hex_parse_quantity256(uint8_t out[32], const char *text, zk_errbuf *err) ZK_MUST_CHECK;

/* Formats v as a QUANTITY ("0x0", "0x1a"). Out: out holds at least 19 bytes. */
void hex_format_quantity(char out[19], uint64_t v);

#endif
