/* libFuzzer harness: the proof bundle reader (relayer/bundle.h bundle_parse).
 *
 * bundle_parse accepts only the canonical text bundle_write writes, so an
 * accepted input must be written back byte for byte. (bundle_verify is left
 * out: it checks Groth16 proofs against verification keys the bundle does not
 * carry, and its parsing part is what bundle_parse already covers.) */
#include "fuzz/fuzz.h"

#include <string.h>

#include "relayer/bundle.h"

static bool fuzz_bundle_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    static bundle b; /* about 20 KB */
    zk_buf out;

    buf_init(&out, 0);
    if (bundle_parse(&b, (const char *)data, size, NULL) == ZK_OK) {
        FUZZ_EXPECT(ok, bundle_write(&out, &b, NULL) == ZK_OK);
        FUZZ_EXPECT(ok, out.len == size && memcmp(out.data, data, size) == 0);
    }
    bundle_clear(&b);
    buf_clear(&out);
    return ok;
}

FUZZ_ENTRY(fuzz_bundle_check)
