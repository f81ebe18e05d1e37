/* libFuzzer harness: receipts in their JSON-RPC form (lightclient/receipt.h
 * receipt_from_json, receipts_root_from_json), as eth_getBlockReceipts and
 * eth_getTransactionReceipt answer.
 *
 * An array goes through receipts_root_from_json and each entry through
 * receipt_from_json; an object through receipt_from_json. Every accepted
 * receipt must encode to bytes that receipt_decode accepts and re-encodes to
 * themselves. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "lightclient/receipt.h"

static bool fuzz_receipt_json_one(const json_t *obj)
{
    bool ok = true;
    eth_receipt r, back;
    zk_buf enc, enc2;

    memset(&r, 0, sizeof(r));
    memset(&back, 0, sizeof(back));
    buf_init(&enc, 0);
    buf_init(&enc2, 0);
    if (receipt_from_json(&r, obj, NULL) != ZK_OK) goto out;
    FUZZ_EXPECT(ok, receipt_encode(&enc, &r) == ZK_OK);
    FUZZ_EXPECT(ok, receipt_decode(&back, enc.data, enc.len, NULL) == ZK_OK);
    FUZZ_EXPECT(ok, receipt_encode(&enc2, &back) == ZK_OK);
    FUZZ_EXPECT(ok, enc2.len == enc.len && memcmp(enc2.data, enc.data, enc.len) == 0);
out:
    receipt_clear(&r);
    receipt_clear(&back);
    buf_clear(&enc);
    buf_clear(&enc2);
    return ok;
}

static bool fuzz_receipt_json_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    json_t *doc =
        json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
    if (!doc) return true;
    if (json_is_array(doc)) {
        uint8_t root[32];
        size_t i;
        json_t *e;
        FUZZ_IGNORE(receipts_root_from_json(root, doc, NULL));
        json_array_foreach(doc, i, e)
        {
            if (!fuzz_receipt_json_one(e)) ok = false;
        }
    } else if (!fuzz_receipt_json_one(doc)) {
        ok = false;
    }
    json_decref(doc);
    return ok;
}

FUZZ_ENTRY(fuzz_receipt_json_check)
