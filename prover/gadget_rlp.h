/* RLP structure in-circuit (prefix gr_): the prover points at items of a byte array
 * (Yellow Paper appendix B) and the constraints force every offset and length it
 * reports from the prefix bytes themselves.
 *
 * Arrays are byte-bit arrays (prover/gadget_select.h): n bytes as 8n boolean bits,
 * bits[8*i + j] = bit j of byte i, constrained boolean by the caller. Offsets and
 * lengths are variables range-checked to 24 bits wherever they are computed, so that
 * no field wrap-around makes a huge length look small; items are shorter than 65536
 * bytes (long forms with at most two length bytes).
 *
 * When the builder's witness bytes are not the RLP a gadget requires (non-canonical,
 * running past the bound, too few items), the gadget records a circ failure
 * (ZK_ERR_MALFORMED / ZK_ERR_NONCANONICAL / ZK_ERR_RANGE): the statement is false and
 * the circuit cannot be built for it. A witness altered after building leaves the
 * system unsatisfiable. Everything is variable time (public chain data). */
#ifndef ZKRELAY_PROVER_GADGET_RLP_H
#define ZKRELAY_PROVER_GADGET_RLP_H

#include <stddef.h>

#include "prover/circuit.h"

/* One RLP item located in an array; every field is forced by the prefix bytes. */
typedef struct gr_item {
    r1cs_var off;         /* the item's first (prefix) byte */
    r1cs_var payload_off; /* first payload byte (== off for a single byte < 0x80) */
    r1cs_var payload_len; /* payload length in bytes */
    r1cs_var end;         /* off + total length: the next item's offset */
    r1cs_var is_list;     /* constrained bit */
} gr_item;

/* Decodes, with constraints, the RLP prefix at a variable offset: a single byte (< 0x80),
 * a short or long string, a short or long list, long forms with 1 or 2 length bytes (so
 * items < 65536 bytes), canonical (a short form where it fits, no leading zero length
 * byte, a single byte < 0x80 not wrapped in 0x81), and end <= limit.
 * Out: *out, new variables (off is the caller's off).
 * In:  bits[0..8n) the array; off the prefix byte (constrained off < n); limit a variable
 *      bound, e.g. the enclosing item's end or the array's used length (the caller
 *      guarantees limit <= n and limit < 2^24).
 * Records a circ failure when the witness bytes are not such RLP.
 * Cost: 2n + 87 constraints: one indicator (n + 2) and one packed read of the three header
 * bytes (n), then the classification (2135 at n = 1024, 4183 at n = 2048). */
void gr_item_at(circ *c, const r1cs_var *bits, size_t n, r1cs_var off, r1cs_var limit, gr_item *out)
    ZK_NONNULL(1, 2, 6);

/* Walks a list: returns item number k of its payload, constraining that items 0..k-1
 * precede it contiguously from list->payload_off and that it ends within the list
 * (end <= list->end).
 * Out: *out, the item (new variables).
 * In:  list an item from gr_item_at (is_list is not required here: the caller constrains
 *      it when it matters); k the item number, constrained 0 <= k < max_items.
 * Precondition: 1 <= max_items. Records a circ failure when the list has at most k items.
 * Cost: about max_items (2n + 100) constraints: one item decode per step, the steps past
 * k disabled (19676 for 16 items at n = 531). */
void gr_list_get(circ *c, const r1cs_var *bits, size_t n, const gr_item *list, r1cs_var k,
                 size_t max_items, gr_item *out) ZK_NONNULL(1, 2, 4, 7);

/* Extracts log number log_index of a transaction receipt.
 * In:  rcpt_bits[0..8 max_len) the array; its first rcpt_len bytes (a variable) are the
 *      consensus encoding of a receipt: a legacy RLP list, or an EIP-2718 type byte
 *      0x01..0x04 then the list, [status, cumulativeGasUsed, logsBloom (256 B), logs],
 *      each log being [address (20 B), topics (list of 32-byte strings), data].
 *      Constrained: rcpt_len <= max_len; the receipt is one item ending exactly at
 *      rcpt_len; logs holds at most max_logs logs and log_index < its number of logs;
 *      the log has at least n_topics topics (0..4).
 * Out: address_bits[0..160) the log's address, topic_bits[0..256 n_topics) its first
 *      n_topics topics, as new constrained bits (byte-bit layout).
 * Precondition: 1 <= max_logs. Records a circ failure when the witness is not such a
 * receipt or log_index is out of range.
 * Cost: about (max_logs + n_topics + 9) item decodes of 2 max_len + 90 each, plus the
 * address and topic windows (~2 and ~3 max_len each): 102729 constraints for
 * max_len = 2048, max_logs = 8, n_topics = 3. */
void gr_receipt_log(circ *c, const r1cs_var *rcpt_bits, size_t max_len, r1cs_var rcpt_len,
                    size_t max_logs, r1cs_var log_index, size_t n_topics, r1cs_var *address_bits,
                    r1cs_var *topic_bits) ZK_NONNULL(1, 2, 8);

#endif
