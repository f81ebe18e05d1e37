#include "zkey_file.h"

#include <stdlib.h>
#include <string.h>

#define ZKEY_HEADER_SIZE                                                                           \
    (4 + BINFILE_N8 + 4 + BINFILE_N8 + 3 * 4 + 3 * BINFILE_G1_SIZE + 3 * BINFILE_G2_SIZE)
#define ZKEY_COEF_SIZE (3 * 4 + BINFILE_N8)
/* deltaAfter, g1_s, g1_sx (G1), g2_spx (G2), transcript, u32 type, u32 paramLength. */
#define ZKEY_CONTRIB_MIN (3 * BINFILE_G1_SIZE + BINFILE_G2_SIZE + 64 + 4 + 4)

_Static_assert(ZKEY_HEADER_SIZE == 660, "zkey Groth16 header is 660 bytes for BN254");

static const uint32_t zkey_known[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

void zkey_file_clear(zkey_file *z)
{
    if (!z) return;
    free(z->coefs);
    free(z->contributions);
    memset(z, 0, sizeof(*z));
}

/* A section of exactly n points of point_size bytes, every coordinate < q. */
static int points_get(const binfile *bf, const uint8_t **out, uint32_t id, uint64_t n,
                      size_t point_size, const char *what, zk_errbuf *err)
{
    zk_cursor c;
    int rc = binfile_section_get_sized(bf, &c, id, (size_t)n * point_size, err);
    if (rc) return zk_fail_wrap(err, rc, "zkey %s (%llu points)", what, (unsigned long long)n);
    rc = binfile_check_fes(c.p, c.len / BINFILE_N8, binfile_bn254_q_le, what, err);
    if (rc) return zk_fail_wrap(err, rc, "zkey section %u", id);
    *out = c.p;
    return ZK_OK;
}

static int header_point(zk_cursor *c, uint8_t *out, size_t size, const char *what, zk_errbuf *err)
{
    const uint8_t *p;
    if (cur_take(c, &p, size)) return ZK_ERR_INTERNAL; /* section size checked */
    int rc = binfile_check_fes(p, size / BINFILE_N8, binfile_bn254_q_le, what, err);
    if (rc) return zk_fail_wrap(err, rc, "zkey header");
    memcpy(out, p, size);
    return ZK_OK;
}

static int header_read(const binfile *bf, zkey_file *z, zk_errbuf *err)
{
    zk_cursor c;
    uint32_t protocol;
    int rc = binfile_section_get_sized(bf, &c, 1, 4, err);
    if (rc) return zk_fail_wrap(err, rc, "zkey protocol section");
    if (cur_le32(&c, &protocol)) return ZK_ERR_INTERNAL;
    if (protocol != ZKEY_PROTOCOL_GROTH16)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "zkey protocol %u is not supported (only 1 = groth16; 2 = plonk, 10 = "
                       "fflonk)",
                       protocol);

    rc = binfile_section_get_sized(bf, &c, 2, ZKEY_HEADER_SIZE, err);
    if (rc) return zk_fail_wrap(err, rc, "zkey header");
    rc = binfile_read_prime(&c, binfile_bn254_q_le, "zkey header q", err);
    if (!rc) rc = binfile_read_prime(&c, binfile_bn254_r_le, "zkey header r", err);
    if (rc) return rc;
    if (cur_le32(&c, &z->n_vars) || cur_le32(&c, &z->n_public) || cur_le32(&c, &z->domain_size))
        return ZK_ERR_INTERNAL;
    if ((uint64_t)z->n_public + 1 > z->n_vars)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "zkey header: nPublic %u + 1 exceeds nVars %u",
                       z->n_public, z->n_vars);
    if (z->domain_size == 0 || (z->domain_size & (z->domain_size - 1)) != 0 ||
        z->domain_size > ZKEY_MAX_DOMAIN_SIZE)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "zkey header: domainSize %u is not a power of two <= 2^28", z->domain_size);
    rc = header_point(&c, z->alpha1, BINFILE_G1_SIZE, "alpha1", err);
    if (!rc) rc = header_point(&c, z->beta1, BINFILE_G1_SIZE, "beta1", err);
    if (!rc) rc = header_point(&c, z->beta2, BINFILE_G2_SIZE, "beta2", err);
    if (!rc) rc = header_point(&c, z->gamma2, BINFILE_G2_SIZE, "gamma2", err);
    if (!rc) rc = header_point(&c, z->delta1, BINFILE_G1_SIZE, "delta1", err);
    if (!rc) rc = header_point(&c, z->delta2, BINFILE_G2_SIZE, "delta2", err);
    return rc;
}

static int coefs_read(const binfile *bf, zkey_file *z, zk_errbuf *err)
{
    zk_cursor c;
    uint32_t n;
    int rc = binfile_section_get(bf, &c, 4, err);
    if (rc) return zk_fail_wrap(err, rc, "zkey coefficients");
    if (cur_le32(&c, &n)) return ZK_FAIL(err, ZK_ERR_TRUNCATED, "zkey coefficients: no count");
    /* Exact size first: the allocation below is then bounded by bytes present. */
    if (c.len != (size_t)n * ZKEY_COEF_SIZE)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "zkey coefficients: %u entries need %zu bytes, section has %zu", n,
                       (size_t)n * ZKEY_COEF_SIZE, c.len);
    z->coefs = calloc(n ? n : 1, sizeof(*z->coefs));
    if (!z->coefs) return ZK_FAIL(err, ZK_ERR_NOMEM, "zkey coefficients: out of memory");
    for (uint32_t i = 0; i < n; i++) {
        zkey_file_coef *k = &z->coefs[i];
        const uint8_t *v;
        if (cur_le32(&c, &k->matrix) || cur_le32(&c, &k->constraint) || cur_le32(&c, &k->signal) ||
            cur_take(&c, &v, BINFILE_N8))
            return ZK_ERR_INTERNAL;
        if (k->matrix > 1)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "zkey coefficient %u: matrix %u (want 0 or 1)", i,
                           k->matrix);
        if (k->constraint >= z->domain_size || k->signal >= z->n_vars)
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "zkey coefficient %u: constraint %u / signal %u outside domain %u / "
                           "%u vars",
                           i, k->constraint, k->signal, z->domain_size, z->n_vars);
        if (!binfile_le_is_less(v, binfile_bn254_r_le, BINFILE_N8))
            return ZK_FAIL(err, ZK_ERR_RANGE, "zkey coefficient %u: value is not below r", i);
        memcpy(k->value, v, BINFILE_N8);
    }
    z->n_coefs = n;
    return ZK_OK;
}

static int contribution_read(zk_cursor *c, zkey_file_contrib *k, uint32_t i, zk_errbuf *err)
{
    int rc = ZK_OK;
    if (cur_take(c, &k->delta_after, BINFILE_G1_SIZE) || cur_take(c, &k->g1_s, BINFILE_G1_SIZE) ||
        cur_take(c, &k->g1_sx, BINFILE_G1_SIZE) || cur_take(c, &k->g2_spx, BINFILE_G2_SIZE) ||
        cur_take(c, &k->transcript, 64) || cur_le32(c, &k->type))
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "zkey contribution %u is cut short", i);
    rc = binfile_check_fes(k->delta_after, 2, binfile_bn254_q_le, "deltaAfter", err);
    if (!rc) rc = binfile_check_fes(k->g1_s, 2, binfile_bn254_q_le, "delta.g1_s", err);
    if (!rc) rc = binfile_check_fes(k->g1_sx, 2, binfile_bn254_q_le, "delta.g1_sx", err);
    if (!rc) rc = binfile_check_fes(k->g2_spx, 4, binfile_bn254_q_le, "delta.g2_spx", err);
    if (!rc) rc = binfile_read_contrib_params(c, &k->params, err);
    if (rc) return zk_fail_wrap(err, rc, "zkey contribution %u", i);
    return ZK_OK;
}

static int mpc_read(const binfile *bf, zkey_file *z, zk_errbuf *err)
{
    zk_cursor c;
    const uint8_t *hash;
    uint32_t n;
    int rc = binfile_section_get(bf, &c, 10, err);
    if (rc == ZK_ERR_NOTFOUND) return ZK_OK; /* optional */
    if (rc) return zk_fail_wrap(err, rc, "zkey MPC parameters");
    if (cur_take(&c, &hash, 64) || cur_le32(&c, &n))
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "zkey MPC parameters: section too short");
    if ((size_t)n > c.len / ZKEY_CONTRIB_MIN)
        return ZK_FAIL(err, ZK_ERR_TRUNCATED,
                       "zkey MPC parameters: %u contributions cannot fit %zu bytes", n, c.len);
    z->contributions = calloc(n ? n : 1, sizeof(*z->contributions));
    if (!z->contributions) return ZK_FAIL(err, ZK_ERR_NOMEM, "zkey contributions: out of memory");
    for (uint32_t i = 0; i < n; i++) {
        rc = contribution_read(&c, &z->contributions[i], i, err);
        if (rc) return rc;
    }
    rc = binfile_section_end(&c, 10, err);
    if (rc) return rc;
    memcpy(z->cs_hash, hash, 64);
    z->n_contributions = n;
    z->has_mpc = true;
    return ZK_OK;
}

int zkey_file_parse(zkey_file *z, const uint8_t *data, size_t len, zk_errbuf *err)
{
    memset(z, 0, sizeof(*z));
    binfile bf;
    int rc = binfile_parse(&bf, data, len, "zkey", 1, err);
    if (rc) return rc;
    rc = header_read(&bf, z, err);
    if (rc) return rc;
    uint64_t n_priv = (uint64_t)z->n_vars - z->n_public - 1;
    rc = points_get(&bf, &z->ic, 3, (uint64_t)z->n_public + 1, BINFILE_G1_SIZE, "IC", err);
    if (!rc) rc = coefs_read(&bf, z, err);
    if (!rc) rc = points_get(&bf, &z->a, 5, z->n_vars, BINFILE_G1_SIZE, "A", err);
    if (!rc) rc = points_get(&bf, &z->b1, 6, z->n_vars, BINFILE_G1_SIZE, "B1", err);
    if (!rc) rc = points_get(&bf, &z->b2, 7, z->n_vars, BINFILE_G2_SIZE, "B2", err);
    if (!rc) rc = points_get(&bf, &z->c, 8, n_priv, BINFILE_G1_SIZE, "C", err);
    if (!rc) rc = points_get(&bf, &z->h, 9, z->domain_size, BINFILE_G1_SIZE, "H", err);
    if (!rc) rc = mpc_read(&bf, z, err);
    if (rc) return rc;
    binfile_section_order(&bf, z->order, &z->n_order, 10, zkey_known, 10);
    return ZK_OK;
}

static int contribution_write(zk_buf *out, const zkey_file_contrib *k)
{
    if (!k->delta_after || !k->g1_s || !k->g1_sx || !k->g2_spx || !k->transcript)
        return ZK_ERR_USAGE;
    int rc = buf_append(out, k->delta_after, BINFILE_G1_SIZE);
    if (!rc) rc = buf_append(out, k->g1_s, BINFILE_G1_SIZE);
    if (!rc) rc = buf_append(out, k->g1_sx, BINFILE_G1_SIZE);
    if (!rc) rc = buf_append(out, k->g2_spx, BINFILE_G2_SIZE);
    if (!rc) rc = buf_append(out, k->transcript, 64);
    if (!rc) rc = binfile_write_le32(out, k->type);
    if (!rc) rc = binfile_write_contrib_params(out, &k->params);
    return rc;
}

static int points_write(zk_buf *out, const uint8_t *p, uint64_t n, size_t point_size)
{
    if (n == 0) return ZK_OK;
    if (!p) return ZK_ERR_USAGE;
    return buf_append(out, p, (size_t)n * point_size);
}

static int section_body_write(zk_buf *out, const zkey_file *z, uint32_t id)
{
    int rc = ZK_OK;
    switch (id) {
    case 1:
        return binfile_write_le32(out, ZKEY_PROTOCOL_GROTH16);
    case 2:
        rc = binfile_write_le32(out, BINFILE_N8);
        if (!rc) rc = buf_append(out, binfile_bn254_q_le, BINFILE_N8);
        if (!rc) rc = binfile_write_le32(out, BINFILE_N8);
        if (!rc) rc = buf_append(out, binfile_bn254_r_le, BINFILE_N8);
        if (!rc) rc = binfile_write_le32(out, z->n_vars);
        if (!rc) rc = binfile_write_le32(out, z->n_public);
        if (!rc) rc = binfile_write_le32(out, z->domain_size);
        if (!rc) rc = buf_append(out, z->alpha1, BINFILE_G1_SIZE);
        if (!rc) rc = buf_append(out, z->beta1, BINFILE_G1_SIZE);
        if (!rc) rc = buf_append(out, z->beta2, BINFILE_G2_SIZE);
        if (!rc) rc = buf_append(out, z->gamma2, BINFILE_G2_SIZE);
        if (!rc) rc = buf_append(out, z->delta1, BINFILE_G1_SIZE);
        if (!rc) rc = buf_append(out, z->delta2, BINFILE_G2_SIZE);
        return rc;
    case 3:
        return points_write(out, z->ic, (uint64_t)z->n_public + 1, BINFILE_G1_SIZE);
    case 4:
        if (z->n_coefs && !z->coefs) return ZK_ERR_USAGE;
        rc = binfile_write_le32(out, z->n_coefs);
        for (uint32_t i = 0; i < z->n_coefs && !rc; i++) {
            rc = binfile_write_le32(out, z->coefs[i].matrix);
            if (!rc) rc = binfile_write_le32(out, z->coefs[i].constraint);
            if (!rc) rc = binfile_write_le32(out, z->coefs[i].signal);
            if (!rc) rc = buf_append(out, z->coefs[i].value, BINFILE_N8);
        }
        return rc;
    case 5:
        return points_write(out, z->a, z->n_vars, BINFILE_G1_SIZE);
    case 6:
        return points_write(out, z->b1, z->n_vars, BINFILE_G1_SIZE);
    case 7:
        return points_write(out, z->b2, z->n_vars, BINFILE_G2_SIZE);
    case 8:
        return points_write(out, z->c, (uint64_t)z->n_vars - z->n_public - 1, BINFILE_G1_SIZE);
    case 9:
        return points_write(out, z->h, z->domain_size, BINFILE_G1_SIZE);
    case 10:
        if (z->n_contributions && !z->contributions) return ZK_ERR_USAGE;
        rc = buf_append(out, z->cs_hash, 64);
        if (!rc) rc = binfile_write_le32(out, z->n_contributions);
        for (uint32_t i = 0; i < z->n_contributions && !rc; i++)
            rc = contribution_write(out, &z->contributions[i]);
        return rc;
    default:
        return ZK_ERR_INTERNAL;
    }
}

int zkey_file_write(zk_buf *out, const zkey_file *z)
{
    static const uint32_t snarkjs_order[10] = {1, 2, 4, 3, 9, 8, 5, 6, 7, 10};
    if ((uint64_t)z->n_public + 1 > z->n_vars) return ZK_ERR_USAGE;
    const uint32_t *order = z->n_order ? z->order : snarkjs_order;
    size_t n_order = z->n_order ? z->n_order : 10;
    if (n_order > 10) return ZK_ERR_USAGE;
    /* The order (ours or the reader's) must name sections 1..9 once each, and 10 once
     * exactly when there is an MPC section to write. */
    unsigned seen[11] = {0};
    for (size_t i = 0; i < n_order; i++) {
        if (order[i] < 1 || order[i] > 10) return ZK_ERR_USAGE;
        if (order[i] == 10 && !z->has_mpc) continue;
        seen[order[i]]++;
    }
    for (uint32_t id = 1; id <= 10; id++)
        if (seen[id] != (id == 10 ? (unsigned)z->has_mpc : 1u)) return ZK_ERR_USAGE;
    int rc = binfile_write_header(out, "zkey", 1, z->has_mpc ? 10 : 9);
    for (size_t i = 0; i < n_order && !rc; i++) {
        if (order[i] == 10 && !z->has_mpc) continue;
        size_t mark;
        rc = binfile_write_section_begin(out, &mark, order[i]);
        if (!rc) rc = section_body_write(out, z, order[i]);
        if (!rc) binfile_write_section_end(out, mark);
    }
    return rc;
}
