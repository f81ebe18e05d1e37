/* libFuzzer harness: block headers from their consensus RLP (lightclient/header.h).
 *
 * An accepted header must re-encode to exactly the input (the decoder is strict),
 * hash, and survive the JSON-RPC form: header_to_json then header_from_json gives
 * a header with the same RLP. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "lightclient/header.h"

static bool fuzz_header_rlp_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    eth_header h, back;
    zk_buf enc, enc2;
    json_t *obj = NULL;
    uint8_t hash[32];

    header_init(&h);
    header_init(&back);
    buf_init(&enc, 0);
    buf_init(&enc2, 0);
    if (header_decode_rlp(&h, data, size, NULL) != ZK_OK) goto out;

    FUZZ_EXPECT(ok, header_field_count(&h) != 0);
    FUZZ_EXPECT(ok, strcmp(header_fork_name(&h), "invalid") != 0);
    FUZZ_EXPECT(ok, header_encode_rlp(&enc, &h) == ZK_OK);
    FUZZ_EXPECT(ok, enc.len == size && memcmp(enc.data, data, size) == 0);
    FUZZ_EXPECT(ok, header_hash(hash, &h) == ZK_OK);

    FUZZ_EXPECT(ok, header_to_json(&obj, &h, hash) == ZK_OK && obj);
    if (!obj) goto out;
    FUZZ_EXPECT(ok, header_from_json(&back, obj, NULL) == ZK_OK);
    FUZZ_EXPECT(ok, header_encode_rlp(&enc2, &back) == ZK_OK);
    FUZZ_EXPECT(ok, enc2.len == size && memcmp(enc2.data, data, size) == 0);
out:
    json_decref(obj);
    header_clear(&h);
    header_clear(&back);
    buf_clear(&enc);
    buf_clear(&enc2);
    return ok;
}

FUZZ_ENTRY(fuzz_header_rlp_check)
