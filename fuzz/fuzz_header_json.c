/* libFuzzer harness: block headers from an eth_getBlockByNumber result object
 * (lightclient/header.h header_from_json), parsed with jansson as the relayer
 * parses node answers (duplicate keys rejected).
 *
 * An accepted header must encode to RLP that header_decode_rlp accepts and that
 * re-encodes to itself, and header_to_json must give an object that decodes to
 * the same header. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "lightclient/header.h"

static bool fuzz_header_json_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    eth_header h, back;
    zk_buf enc, enc2;
    json_t *obj2 = NULL;
    json_t *obj =
        json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);

    header_init(&h);
    header_init(&back);
    buf_init(&enc, 0);
    buf_init(&enc2, 0);
    if (!obj || header_from_json(&h, obj, NULL) != ZK_OK) goto out;

    FUZZ_EXPECT(ok, header_encode_rlp(&enc, &h) == ZK_OK);
    FUZZ_EXPECT(ok, header_decode_rlp(&back, enc.data, enc.len, NULL) == ZK_OK);
    FUZZ_EXPECT(ok, header_encode_rlp(&enc2, &back) == ZK_OK);
    FUZZ_EXPECT(ok, enc2.len == enc.len && memcmp(enc2.data, enc.data, enc.len) == 0);
    header_clear(&back);
    enc2.len = 0;

    FUZZ_EXPECT(ok, header_to_json(&obj2, &h, NULL) == ZK_OK && obj2);
    if (!obj2) goto out;
    FUZZ_EXPECT(ok, header_from_json(&back, obj2, NULL) == ZK_OK);
    FUZZ_EXPECT(ok, header_encode_rlp(&enc2, &back) == ZK_OK);
    FUZZ_EXPECT(ok, enc2.len == enc.len && memcmp(enc2.data, enc.data, enc.len) == 0);
out:
    json_decref(obj);
    json_decref(obj2);
    header_clear(&h);
    header_clear(&back);
    buf_clear(&enc);
    buf_clear(&enc2);
    return ok;
}

FUZZ_ENTRY(fuzz_header_json_check)
