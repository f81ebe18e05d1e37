/* Recursive Length Prefix (Yellow Paper, appendix B) with strict canonical
 * decoding: every accepted input is the unique encoding of its value.
 *
 * Decoding never copies: an rlp_item points into the caller's buffer, which
 * must outlive it. */
#ifndef ZKRELAY_LIGHTCLIENT_RLP_H
#define ZKRELAY_LIGHTCLIENT_RLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "zk_err.h"

/* Lists nested deeper than this are rejected (ZK_ERR_RANGE); Ethereum's own
 * structures (headers, receipts, trie nodes) nest at most 4 deep. */
#define RLP_MAX_DEPTH 64

typedef struct rlp_item {
    bool is_list;
    const uint8_t *payload; /* string bytes, or the concatenated encodings of the list's items */
    size_t payload_len;
    const uint8_t *raw; /* the whole encoding, header included */
    size_t raw_len;
} rlp_item;

/* Decodes exactly one item spanning all of in[0..len) and validates everything
 * nested inside it (canonical headers, exact lengths, depth <= RLP_MAX_DEPTH).
 * Returns ZK_OK, or ZK_ERR_TRUNCATED (declared length past the end, empty input),
 * ZK_ERR_TRAILING (bytes after the item), ZK_ERR_NONCANONICAL (a single byte < 0x80
 * wrapped as a string, a long form for a short length, a length with leading zeros),
 * ZK_ERR_RANGE (nesting too deep, length does not fit size_t).
 * err->offset is the byte offset of the fault. */
int rlp_decode(rlp_item *out, const uint8_t *in, size_t len, zk_errbuf *err) ZK_MUST_CHECK;

/* Reads one item's header from the cursor and advances past the whole item,
 * without looking inside a list. Same error codes as rlp_decode. Used to walk
 * the items of a list already validated by rlp_decode. */
int rlp_next(zk_cursor *c, rlp_item *out, zk_errbuf *err) ZK_MUST_CHECK;

/* Iterator over a list's items. Returns ZK_ERR_MALFORMED when item is not a list. */
int rlp_list_iter(zk_cursor *it, const rlp_item *list) ZK_MUST_CHECK;

/* Number of items in a list (ZK_ERR_MALFORMED when it is a string). */
int rlp_list_count(size_t *count, const rlp_item *list, zk_errbuf *err) ZK_MUST_CHECK;

/* Copies a list's items into items[0..*n), *n in: capacity, out: number found.
 * Returns ZK_ERR_RANGE when the list has more items than fit. */
int rlp_list_items(rlp_item *items, size_t *n, const rlp_item *list, zk_errbuf *err) ZK_MUST_CHECK;

/* Reads a string item as an unsigned integer: empty = 0, no leading zero bytes,
 * at most 8 bytes. ZK_ERR_MALFORMED for a list, ZK_ERR_NONCANONICAL, ZK_ERR_RANGE. */
int rlp_item_uint64(uint64_t *out, const rlp_item *item, zk_errbuf *err) ZK_MUST_CHECK;

/* Reads a string item as an unsigned integer of up to 32 bytes into a 32-byte
 * big-endian buffer (left-padded). Same rules as rlp_item_uint64. */
int rlp_item_uint256(uint8_t out[32], const rlp_item *item, zk_errbuf *err) ZK_MUST_CHECK;

/* Reads a string item of exactly n bytes (hashes, addresses, blooms). */
int rlp_item_fixed(uint8_t *out, size_t n, const rlp_item *item, zk_errbuf *err) ZK_MUST_CHECK;

/* ---- encoding: appends to a zk_buf; each returns ZK_ERR_RANGE/ZK_ERR_NOMEM from the buffer. */

/* Appends the encoding of a byte string. */
int rlp_encode_bytes(zk_buf *b, const uint8_t *p, size_t n) ZK_MUST_CHECK;
/* Appends the encoding of an unsigned integer (minimal big-endian, 0 = empty string). */
int rlp_encode_uint64(zk_buf *b, uint64_t v) ZK_MUST_CHECK;
/* Appends a big-endian integer of n bytes with its leading zeros removed. */
int rlp_encode_uint_be(zk_buf *b, const uint8_t *be, size_t n) ZK_MUST_CHECK;
/* Appends already-encoded RLP verbatim. */
int rlp_encode_raw(zk_buf *b, const uint8_t *p, size_t n) ZK_MUST_CHECK;
/* Starts a list: items appended after this call become its payload.
 * Out: *mark, to pass to rlp_list_end. */
void rlp_list_begin(zk_buf *b, size_t *mark);
/* Closes the list opened at mark by inserting its header. */
int rlp_list_end(zk_buf *b, size_t mark) ZK_MUST_CHECK;

/* Size of the header for a payload of n bytes (1..9). */
size_t rlp_header_len(size_t n);

#endif
