/* Receipts of a JSON array (eth_getBlockReceipts) as the trie values they are, for the
 * tests that rebuild or prove a receiptsRoot (tests/lightclient/test_receipt.c,
 * tests/prover/test_gadget_mpt.c). Header-only. */
#ifndef ZKRELAY_TESTS_RECEIPTS_UTIL_H
#define ZKRELAY_TESTS_RECEIPTS_UTIL_H

#include <stdlib.h>

#include "harness.h"
#include "lightclient/receipt.h"

/* Encodes every receipt of the JSON array receipts (each checked to decode and encode).
 * Returns their number; 0 when the arrays cannot be allocated.
 * Out: *vals, *lens (malloc'd arrays of n; the caller frees each value and both arrays). */
static inline size_t th_receipts_encode(uint8_t ***vals, size_t **lens, const json_t *receipts)
{
    size_t n = json_array_size(receipts);
    *vals = calloc(n, sizeof **vals);
    *lens = calloc(n, sizeof **lens);
    if (!*vals || !*lens) return 0;
    for (size_t i = 0; i < n; i++) {
        eth_receipt r;
        zk_buf b;
        buf_init(&b, 0);
        CHECK_EQ_INT(receipt_from_json(&r, json_array_get(receipts, i), NULL), ZK_OK);
        CHECK_EQ_INT(receipt_encode(&b, &r), ZK_OK);
        receipt_clear(&r);
        (*vals)[i] = b.data;
        (*lens)[i] = b.len;
    }
    return n;
}

#endif
