/* libFuzzer harness: powers-of-tau files (prover/ptau_file.h).
 *
 * ptau_file_parse checks structure only; an accepted file is then read the way
 * zkey setup reads it: a few points of every section (first, last, one past the
 * end), the Lagrange blocks, and every contribution. A point fetched inside the
 * counted range may still fail its < q check, but one past the end must fail. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "prover/ptau_file.h"

static bool fuzz_ptau_check(const uint8_t *data, size_t size)
{
    bool ok = true;
    ptau_file p;
    const uint8_t *pt;
    static const uint32_t ids[] = {1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 99};

    if (ptau_file_parse(&p, data, size, NULL) != ZK_OK) return true;
    FUZZ_EXPECT(ok, p.power >= 1 && p.power <= PTAU_MAX_POWER && p.power <= p.ceremony_power);
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        uint64_t n = ptau_file_section_points(&p, ids[i]);
        if (n > 0) {
            FUZZ_EXPECT(ok, ptau_file_point_size(ids[i]) != 0);
            FUZZ_IGNORE(ptau_file_point(&p, &pt, ids[i], 0, NULL));
            FUZZ_IGNORE(ptau_file_point(&p, &pt, ids[i], n - 1, NULL));
        }
        FUZZ_EXPECT(ok, ptau_file_point(&p, &pt, ids[i], n, NULL) != ZK_OK);
        FUZZ_EXPECT(ok, ptau_file_point(&p, &pt, ids[i], UINT64_MAX, NULL) != ZK_OK);
        if (ids[i] >= 12 && ids[i] <= 15) {
            for (uint32_t log_n = 0; log_n <= p.power + 2; log_n++) {
                FUZZ_IGNORE(ptau_file_lagrange_point(&p, &pt, ids[i], log_n, 0, NULL));
                FUZZ_EXPECT(ok, ptau_file_lagrange_point(&p, &pt, ids[i], log_n,
                                                         (uint64_t)1 << log_n, NULL) != ZK_OK);
            }
        }
    }
    for (uint32_t i = 0; i <= p.n_contributions && i < 64; i++) {
        ptau_file_contrib c;
        int rc = ptau_file_contribution(&p, &c, i, NULL);
        FUZZ_EXPECT(ok, i < p.n_contributions ? rc == ZK_OK : rc == ZK_ERR_RANGE);
    }
    return ok;
}

FUZZ_ENTRY(fuzz_ptau_check)
