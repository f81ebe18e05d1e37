#include "valset.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "keccak.h"

static int addr_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 20);
}

int valset_from_list(valset *out, const uint8_t (*addrs)[20], size_t n, zk_errbuf *err)
{
    if (n == 0) return ZK_FAIL(err, ZK_ERR_RANGE, "validator set: empty");
    if (n > VALSET_MAX)
        return ZK_FAIL(err, ZK_ERR_RANGE, "validator set: %zu members exceed the limit of %d", n,
                       VALSET_MAX);
    memcpy(out->addrs, addrs, n * 20);
    qsort(out->addrs, n, 20, addr_cmp);
    for (size_t i = 1; i < n; i++)
        if (memcmp(out->addrs[i - 1], out->addrs[i], 20) == 0)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "validator set: an address appears twice");
    out->n = n;
    return ZK_OK;
}

long valset_index(const valset *s, const uint8_t addr[20])
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(s->addrs[mid], addr, 20);
        if (c == 0) return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

bool valset_equal(const valset *a, const valset *b)
{
    return a->n == b->n && memcmp(a->addrs, b->addrs, a->n * 20) == 0;
}

void valset_id(uint8_t out[32], const valset *s)
{
    keccak256_ctx ctx;
    uint8_t n[4];
    be32_store(n, (uint32_t)s->n);
    keccak256_init(&ctx);
    keccak256_update(&ctx, n, 4);
    keccak256_update(&ctx, &s->addrs[0][0], s->n * 20);
    keccak256_final(&ctx, out);
}

size_t valset_bft_quorum(size_t n)
{
    return (2 * n + 2) / 3;
}
