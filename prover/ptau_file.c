#include "ptau_file.h"

#include <string.h>

#define PTAU_HEADER_SIZE (4 + BINFILE_N8 + 4 + 4)
/* tauG1, tauG2, alphaG1, betaG1, betaG2, key, partialHash, nextChallenge, type. */
#define PTAU_KEY_SIZE     (3 * (2 * BINFILE_G1_SIZE + BINFILE_G2_SIZE))
#define PTAU_CONTRIB_HEAD (3 * BINFILE_G1_SIZE + 2 * BINFILE_G2_SIZE + PTAU_KEY_SIZE + 216 + 64 + 4)

_Static_assert(PTAU_KEY_SIZE == 768, "ptau public key is 768 bytes");
_Static_assert(PTAU_CONTRIB_HEAD == 1500, "ptau contribution fixed part is 1500 bytes");

size_t ptau_file_point_size(uint32_t id)
{
    switch (id) {
    case PTAU_SECTION_TAU_G1:
    case PTAU_SECTION_ALPHA_TAU_G1:
    case PTAU_SECTION_BETA_TAU_G1:
    case PTAU_SECTION_LAGRANGE_TAU_G1:
    case PTAU_SECTION_LAGRANGE_ALPHA_TAU_G1:
    case PTAU_SECTION_LAGRANGE_BETA_TAU_G1:
        return BINFILE_G1_SIZE;
    case PTAU_SECTION_TAU_G2:
    case PTAU_SECTION_BETA_G2:
    case PTAU_SECTION_LAGRANGE_TAU_G2:
        return BINFILE_G2_SIZE;
    default:
        return 0;
    }
}

/* Point count of section id for power, independent of whether the file has it. */
static uint64_t points_for_power(uint32_t power, uint32_t id)
{
    uint64_t n = (uint64_t)1 << power;
    switch (id) {
    case PTAU_SECTION_TAU_G1:
        return 2 * n - 1;
    case PTAU_SECTION_TAU_G2:
    case PTAU_SECTION_ALPHA_TAU_G1:
    case PTAU_SECTION_BETA_TAU_G1:
        return n;
    case PTAU_SECTION_BETA_G2:
        return 1;
    /* Blocks p = 0..power+1 (tauG1) or 0..power hold 2^(last+1) - 1 points together. */
    case PTAU_SECTION_LAGRANGE_TAU_G1:
        return 4 * n - 1;
    case PTAU_SECTION_LAGRANGE_TAU_G2:
    case PTAU_SECTION_LAGRANGE_ALPHA_TAU_G1:
    case PTAU_SECTION_LAGRANGE_BETA_TAU_G1:
        return 2 * n - 1;
    default:
        return 0;
    }
}

uint64_t ptau_file_section_points(const ptau_file *p, uint32_t id)
{
    if (id >= PTAU_SECTION_LAGRANGE_TAU_G1 && !p->prepared) return 0;
    return points_for_power(p->power, id);
}

static int contribution_read(zk_cursor *c, ptau_file_contrib *k, uint32_t i, zk_errbuf *err)
{
    if (cur_take(c, &k->tau_g1, BINFILE_G1_SIZE) || cur_take(c, &k->tau_g2, BINFILE_G2_SIZE) ||
        cur_take(c, &k->alpha_g1, BINFILE_G1_SIZE) || cur_take(c, &k->beta_g1, BINFILE_G1_SIZE) ||
        cur_take(c, &k->beta_g2, BINFILE_G2_SIZE) || cur_take(c, &k->key, PTAU_KEY_SIZE) ||
        cur_take(c, &k->partial_hash, 216) || cur_take(c, &k->next_challenge, 64) ||
        cur_le32(c, &k->type))
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "ptau contribution %u is cut short", i);
    int rc = binfile_read_contrib_params(c, &k->params, err);
    if (rc) return zk_fail_wrap(err, rc, "ptau contribution %u", i);
    return ZK_OK;
}

/* Cursor positioned after the contribution count. */
static int contributions_begin(const ptau_file *p, zk_cursor *c, uint32_t *n, zk_errbuf *err)
{
    int rc = binfile_section_get(&p->bf, c, PTAU_SECTION_CONTRIBUTIONS, err);
    if (rc) return zk_fail_wrap(err, rc, "ptau contributions");
    if (cur_le32(c, n)) return ZK_FAIL(err, ZK_ERR_TRUNCATED, "ptau contributions: no count");
    return ZK_OK;
}

int ptau_file_parse(ptau_file *p, const uint8_t *data, size_t len, zk_errbuf *err)
{
    memset(p, 0, sizeof(*p));
    int rc = binfile_parse(&p->bf, data, len, "ptau", 1, err);
    if (rc) return rc;
    zk_cursor c;
    rc = binfile_section_get_sized(&p->bf, &c, 1, PTAU_HEADER_SIZE, err);
    if (rc) return zk_fail_wrap(err, rc, "ptau header");
    rc = binfile_read_prime(&c, binfile_bn254_q_le, "ptau header", err);
    if (rc) return rc;
    if (cur_le32(&c, &p->power) || cur_le32(&c, &p->ceremony_power)) return ZK_ERR_INTERNAL;
    if (p->power < 1 || p->power > PTAU_MAX_POWER || p->ceremony_power < p->power ||
        p->ceremony_power > PTAU_MAX_POWER)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "ptau header: power %u / ceremonyPower %u (want 1 <= power <= "
                       "ceremonyPower <= 28)",
                       p->power, p->ceremony_power);

    for (uint32_t id = PTAU_SECTION_TAU_G1; id <= PTAU_SECTION_BETA_G2; id++) {
        uint64_t n = points_for_power(p->power, id);
        rc = binfile_section_get_sized(&p->bf, &c, id, (size_t)n * ptau_file_point_size(id), err);
        if (rc) return zk_fail_wrap(err, rc, "ptau power %u", p->power);
    }
    unsigned n_lagrange = 0;
    for (uint32_t id = PTAU_SECTION_LAGRANGE_TAU_G1; id <= PTAU_SECTION_LAGRANGE_BETA_TAU_G1;
         id++) {
        uint64_t n = points_for_power(p->power, id);
        rc = binfile_section_get_sized(&p->bf, &c, id, (size_t)n * ptau_file_point_size(id), err);
        if (rc == ZK_ERR_NOTFOUND) continue;
        if (rc) return zk_fail_wrap(err, rc, "ptau power %u", p->power);
        n_lagrange++;
    }
    if (n_lagrange != 0 && n_lagrange != 4)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "ptau: %u of the 4 phase-2 sections 12..15 present (want all or none)",
                       n_lagrange);
    p->prepared = n_lagrange == 4;

    uint32_t n;
    rc = contributions_begin(p, &c, &n, err);
    if (rc) return rc;
    if ((size_t)n > c.len / (PTAU_CONTRIB_HEAD + 4))
        return ZK_FAIL(err, ZK_ERR_TRUNCATED,
                       "ptau: %u contributions cannot fit the %zu-byte section", n, c.len);
    for (uint32_t i = 0; i < n; i++) {
        ptau_file_contrib k;
        rc = contribution_read(&c, &k, i, err);
        if (rc) return rc;
    }
    rc = binfile_section_end(&c, PTAU_SECTION_CONTRIBUTIONS, err);
    if (rc) return rc;
    p->n_contributions = n;
    return ZK_OK;
}

static int point_at(const ptau_file *p, const uint8_t **out, uint32_t id, uint64_t k,
                    zk_errbuf *err)
{
    zk_cursor c;
    int rc = binfile_section_get(&p->bf, &c, id, err);
    if (rc) return rc;
    size_t ps = ptau_file_point_size(id);
    uint64_t n = ptau_file_section_points(p, id);
    if (ps == 0 || n == 0)
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "ptau section %u holds no points", id);
    if (k >= n)
        return ZK_FAIL(err, ZK_ERR_RANGE, "ptau section %u: point %llu of %llu", id,
                       (unsigned long long)k, (unsigned long long)n);
    const uint8_t *pt = c.p + (size_t)k * ps;
    rc = binfile_check_fes(pt, ps / BINFILE_N8, binfile_bn254_q_le, "ptau point", err);
    if (rc) return rc;
    *out = pt;
    return ZK_OK;
}

int ptau_file_point(const ptau_file *p, const uint8_t **out, uint32_t id, uint64_t k,
                    zk_errbuf *err)
{
    return point_at(p, out, id, k, err);
}

int ptau_file_lagrange_point(const ptau_file *p, const uint8_t **out, uint32_t id, uint32_t log_n,
                             uint64_t k, zk_errbuf *err)
{
    if (id < PTAU_SECTION_LAGRANGE_TAU_G1 || id > PTAU_SECTION_LAGRANGE_BETA_TAU_G1)
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "ptau section %u has no Lagrange blocks", id);
    if (!p->prepared) return ZK_FAIL(err, ZK_ERR_NOTFOUND, "ptau file is not prepared for phase 2");
    uint32_t last = id == PTAU_SECTION_LAGRANGE_TAU_G1 ? p->power + 1 : p->power;
    if (log_n > last)
        return ZK_FAIL(err, ZK_ERR_RANGE, "ptau section %u: no block for 2^%u (power %u)", id,
                       log_n, p->power);
    uint64_t n = (uint64_t)1 << log_n;
    if (k >= n)
        return ZK_FAIL(err, ZK_ERR_RANGE, "ptau Lagrange block 2^%u: point %llu", log_n,
                       (unsigned long long)k);
    return point_at(p, out, id, n - 1 + k, err);
}

int ptau_file_contribution(const ptau_file *p, ptau_file_contrib *out, uint32_t i, zk_errbuf *err)
{
    if (i >= p->n_contributions)
        return ZK_FAIL(err, ZK_ERR_RANGE, "ptau contribution %u of %u", i, p->n_contributions);
    zk_cursor c;
    uint32_t n;
    int rc = contributions_begin(p, &c, &n, err);
    for (uint32_t j = 0; j <= i && !rc; j++)
        rc = contribution_read(&c, out, j, err);
    return rc;
}
