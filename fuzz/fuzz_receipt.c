/* libFuzzer harness: consensus-encoded receipts (lightclient/receipt.h
 * receipt_decode), as stored in the receipts trie and served by
 * debug_getRawReceipts.
 *
 * The contract says every accepted input re-encodes to itself with
 * receipt_encode; the bloom is recomputed on every accepted receipt. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "lightclient/receipt.h"

static bool fuzz_receipt_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    eth_receipt r;
    zk_buf enc;
    uint8_t bloom[256];

    memset(&r, 0, sizeof(r));
    buf_init(&enc, 0);
    /* receipt_decode wants a non-NULL pointer even for an empty input. */
    static const uint8_t empty[1] = {0};
    if (receipt_decode(&r, size ? data : empty, size, NULL) != ZK_OK) goto out;

    FUZZ_EXPECT(ok, r.type <= RECEIPT_MAX_TYPE && r.n_logs <= RECEIPT_MAX_LOGS);
    for (size_t i = 0; i < r.n_logs; i++)
        FUZZ_EXPECT(ok, r.logs[i].n_topics <= 4 && r.logs[i].data != NULL);
    FUZZ_EXPECT(ok, receipt_encode(&enc, &r) == ZK_OK);
    FUZZ_EXPECT(ok, enc.len == size && memcmp(enc.data, data, size) == 0);
    FUZZ_EXPECT(ok, receipt_compute_bloom(bloom, &r) == ZK_OK);
out:
    receipt_clear(&r);
    buf_clear(&enc);
    return ok;
}

FUZZ_ENTRY(fuzz_receipt_check)
