/* libFuzzer harness: ABI decoding and revert data (relayer/abi.h), the readers
 * of eth_call answers and event data.
 *
 * Input: u8 mode.
 *   mode even: the rest is revert data for abi_revert_decode and abi_revert_format.
 *   mode odd:  u8 n_ops, n_ops op bytes, then the data. The ops are a type
 *              program run on the data with the abi_dec_* readers: low 3 bits
 *              0 uint64, 1 uint256, 2 address, 3 bool, 4 bytesN (N = op >> 3),
 *              5 bytes, 6 tuple (runs the next op inside it), 7 array (runs the
 *              next op on each element). Whatever the data says, a dynamic
 *              value must lie inside the buffer and an array's count must fit
 *              the words after it. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "relayer/abi.h"

#define FUZZ_ABI_MAX_OPS 16

/* True when p[0..n) lies inside d's buffer. */
static bool fuzz_abi_inside(const abi_dec *d, const uint8_t *p, size_t n)
{
    if (!p) return false;
    if (d->len == 0) return n == 0;
    uintptr_t b = (uintptr_t)d->base, q = (uintptr_t)p;
    return q >= b && q - b <= d->len && n <= d->len - (q - b);
}

/* Runs ops[*pc] on d. Returns false on a broken guarantee. */
static bool fuzz_abi_run(abi_dec *d, const uint8_t *ops, size_t n_ops, size_t *pc, int depth)
{
    bool ok = true;
    if (*pc >= n_ops || depth > ABI_MAX_DEPTH) return true;
    uint8_t op = ops[(*pc)++];
    uint64_t u;
    uint8_t w[32];
    bool bv;
    const uint8_t *p;
    size_t n, count;
    abi_dec sub;
    switch (op & 7) {
    case 0:
        FUZZ_IGNORE(abi_dec_uint64(d, &u));
        break;
    case 1:
        FUZZ_IGNORE(abi_dec_uint256(d, w));
        break;
    case 2:
        FUZZ_IGNORE(abi_dec_address(d, w));
        break;
    case 3:
        FUZZ_IGNORE(abi_dec_bool(d, &bv));
        break;
    case 4:
        n = op >> 3; /* 0..31: 0 is a usage error */
        FUZZ_EXPECT(ok, abi_dec_bytes_fixed(d, w, n) != ZK_OK || (n >= 1 && n <= 32));
        break;
    case 5:
        if (abi_dec_bytes(d, &p, &n, NULL) == ZK_OK) FUZZ_EXPECT(ok, fuzz_abi_inside(d, p, n));
        break;
    case 6:
        if (abi_dec_tuple(d, &sub, NULL) == ZK_OK) {
            FUZZ_EXPECT(ok, fuzz_abi_inside(d, sub.base, sub.len));
            if (!fuzz_abi_run(&sub, ops, n_ops, pc, depth + 1)) ok = false;
        }
        break;
    default: {
        size_t next = *pc;
        if (abi_dec_array(d, &sub, &count, NULL) != ZK_OK) break;
        FUZZ_EXPECT(ok, fuzz_abi_inside(d, sub.base, sub.len));
        /* Every element takes at least one head word. */
        FUZZ_EXPECT(ok, count <= (sub.len - sub.pos) / 32);
        for (size_t i = 0; i < count && i < 8; i++) {
            *pc = next;
            if (!fuzz_abi_run(&sub, ops, n_ops, pc, depth + 1)) ok = false;
        }
        break;
    }
    }
    return ok;
}

static bool fuzz_abi_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    if (size == 0) return true;
    if ((data[0] & 1) == 0) {
        abi_revert r;
        char line[300];
        if (abi_revert_decode(&r, data + 1, size - 1, NULL) == ZK_OK) {
            abi_revert_format(line, sizeof(line), &r);
            FUZZ_EXPECT(ok, strlen(line) < sizeof(line));
            FUZZ_EXPECT(ok, strnlen(r.reason, sizeof(r.reason)) < sizeof(r.reason));
            for (const char *s = r.reason; *s; s++)
                FUZZ_EXPECT(ok, *s >= 0x20 && *s < 0x7f); /* control bytes become '.' */
            if (r.kind == ABI_REVERT_CUSTOM) FUZZ_EXPECT(ok, r.args_len <= size - 1);
        }
        return ok;
    }
    if (size < 2) return true;
    size_t n_ops = data[1] % (FUZZ_ABI_MAX_OPS + 1);
    if (size - 2 < n_ops) return true;
    const uint8_t *ops = data + 2;
    abi_dec d;
    abi_dec_init(&d, data + 2 + n_ops, size - 2 - n_ops);
    size_t pc = 0;
    while (pc < n_ops)
        if (!fuzz_abi_run(&d, ops, n_ops, &pc, 0)) ok = false;
    return ok;
}

FUZZ_ENTRY(fuzz_abi_check)
