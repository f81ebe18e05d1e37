/* libFuzzer harness: circom/snarkjs .wtns witnesses (prover/wtns_file.h).
 *
 * wtns_file_parse must reject or accept; an accepted file is written back with
 * wtns_file_write, and that output must parse and write back to itself byte for
 * byte (the writer's output is always a file the reader accepts). */
#include "fuzz/fuzz.h"

#include <string.h>

#include "prover/wtns_file.h"

static bool fuzz_wtns_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    wtns_file z, z2;
    zk_buf out, out2;

    memset(&z, 0, sizeof(z));
    memset(&z2, 0, sizeof(z2));
    buf_init(&out, 0);
    buf_init(&out2, 0);
    if (wtns_file_parse(&z, data, size, NULL) != ZK_OK) goto out;
    FUZZ_EXPECT(ok, wtns_file_write(&out, &z) == ZK_OK);
    FUZZ_EXPECT(ok, wtns_file_parse(&z2, out.data, out.len, NULL) == ZK_OK);
    FUZZ_EXPECT(ok, wtns_file_write(&out2, &z2) == ZK_OK);
    FUZZ_EXPECT(ok, out2.len == out.len && memcmp(out2.data, out.data, out.len) == 0);
out:

    buf_clear(&out);
    buf_clear(&out2);
    return ok;
}

FUZZ_ENTRY(fuzz_wtns_check)
