/* EIP-1559 fee suggestion and replacement bumps (see fees.h). */
#include "relayer/fees.h"

#include <stdlib.h>
#include <string.h>

/* Most blocks read from one feeHistory answer (nodes cap block_count at 1024). */
#define FEES_MAX_BLOCKS 1024

static int check_caps(const fees_caps *caps, zk_errbuf *err)
{
    if (caps->max_fee_cap == 0 || caps->priority_floor > caps->priority_cap)
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "fees: caps need max_fee_cap > 0 and priority_floor <= priority_cap");
    return ZK_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int quantity_of(uint64_t *out, const json_t *v, const char *what, size_t i, zk_errbuf *err)
{
    if (!json_is_string(v))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "fees: %s[%zu] is not a hex quantity", what, i);
    int rc = hex_parse_quantity(out, json_string_value(v), err);
    if (rc) return zk_fail_wrap(err, rc, "fees: %s[%zu]", what, i);
    return ZK_OK;
}

int fees_suggest(fees_pair *out, const json_t *history, const fees_caps *caps, zk_errbuf *err)
{
    int rc = check_caps(caps, err);
    if (rc) return rc;
    const json_t *base = json_object_get(history, "baseFeePerGas");
    const json_t *reward = json_object_get(history, "reward");
    if (!json_is_array(base) || json_array_size(base) == 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "fees: feeHistory has no baseFeePerGas entries");
    uint64_t next_base;
    size_t nb = json_array_size(base);
    rc = quantity_of(&next_base, json_array_get(base, nb - 1), "baseFeePerGas", nb - 1, err);
    if (rc) return rc;

    uint64_t tip = caps->priority_floor;
    if (reward && !json_is_null(reward)) {
        if (!json_is_array(reward))
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "fees: feeHistory reward is not an array");
        size_t n = json_array_size(reward);
        if (n > FEES_MAX_BLOCKS)
            return ZK_FAIL(err, ZK_ERR_RANGE, "fees: %zu reward rows (at most %d)", n,
                           FEES_MAX_BLOCKS);
        if (n > 0) {
            uint64_t vals[FEES_MAX_BLOCKS];
            for (size_t i = 0; i < n; i++) {
                const json_t *row = json_array_get(reward, i);
                if (!json_is_array(row) || json_array_size(row) == 0)
                    return ZK_FAIL(err, ZK_ERR_MALFORMED,
                                   "fees: reward[%zu] is not a non-empty array", i);
                rc = quantity_of(&vals[i], json_array_get(row, 0), "reward", i, err);
                if (rc) return rc;
            }
            /* The median resists one block of outlier tips (an MEV bundle
             * paying 100 gwei) that a mean would follow. */
            qsort(vals, n, sizeof(vals[0]), cmp_u64);
            tip = vals[n / 2];
        }
    }
    if (tip < caps->priority_floor) tip = caps->priority_floor;
    if (tip > caps->priority_cap) tip = caps->priority_cap;

    if (next_base > caps->max_fee_cap || tip > caps->max_fee_cap - next_base)
        return ZK_FAIL(err, ZK_ERR_RANGE,
                       "fees: next base fee %llu + tip %llu wei/gas exceeds the max fee cap %llu",
                       (unsigned long long)next_base, (unsigned long long)tip,
                       (unsigned long long)caps->max_fee_cap);
    /* 2 * base + tip, saturating at the cap (the check above keeps base + tip
     * within it, so the transaction stays includable now). */
    uint64_t max_fee = caps->max_fee_cap;
    if (next_base <= (caps->max_fee_cap - tip) / 2) max_fee = 2 * next_base + tip;
    out->max_fee = max_fee;
    out->max_priority_fee = tip;
    return ZK_OK;
}

/* ceil(v * (100 + pct) / 100), or ZK_ERR_RANGE when it overflows 64 bits. */
static int bump_one(uint64_t *out, uint64_t v, unsigned pct)
{
    uint64_t m = 100 + (uint64_t)pct;
    uint64_t q = v / 100, r = v % 100;
    if (q > UINT64_MAX / m) return ZK_ERR_RANGE;
    uint64_t hi = q * m, lo = (r * m + 99) / 100; /* r * m < 100 * m: no overflow */
    if (lo > UINT64_MAX - hi) return ZK_ERR_RANGE;
    uint64_t x = hi + lo;
    if (x == v) {
        if (x == UINT64_MAX) return ZK_ERR_RANGE;
        x++;
    }
    *out = x;
    return ZK_OK;
}

int fees_bump(fees_pair *out, const fees_pair *old, unsigned percent, const fees_caps *caps,
              zk_errbuf *err)
{
    uint64_t fee, tip;
    int rc = check_caps(caps, err);
    if (rc) return rc;
    if (percent < FEES_MIN_BUMP_PERCENT || percent > 1000)
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "fees: a replacement bump must be %d..1000 %% (nodes refuse less), got %u",
                       FEES_MIN_BUMP_PERCENT, percent);
    if (bump_one(&fee, old->max_fee, percent) || fee > caps->max_fee_cap)
        return ZK_FAIL(err, ZK_ERR_RANGE,
                       "fees: bumping max fee %llu by %u %% exceeds the max fee cap %llu wei/gas",
                       (unsigned long long)old->max_fee, percent,
                       (unsigned long long)caps->max_fee_cap);
    if (bump_one(&tip, old->max_priority_fee, percent) || tip > caps->priority_cap)
        return ZK_FAIL(err, ZK_ERR_RANGE,
                       "fees: bumping tip %llu by %u %% exceeds the priority cap %llu wei/gas",
                       (unsigned long long)old->max_priority_fee, percent,
                       (unsigned long long)caps->priority_cap);
    if (tip > fee) tip = fee; /* only when old had tip > max fee, which no node accepts */
    out->max_fee = fee;
    out->max_priority_fee = tip;
    return ZK_OK;
}
