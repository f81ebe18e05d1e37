#include "r1cs_file.h"

#include <stdlib.h>
#include <string.h>

#include "binfile.h"

#define R1CS_HEADER_SIZE (4 + BINFILE_N8 + 4 * 4 + 8 + 4)
#define R1CS_TERM_SIZE   (4 + BINFILE_N8)

_Static_assert(R1CS_HEADER_SIZE == 64, "r1cs header is 64 bytes for BN254");

static const uint32_t r1cs_known[3] = {1, 2, 3};

void r1cs_file_clear(r1cs_file *r)
{
    if (!r) return;
    free(r->constraints);
    free(r->terms);
    free(r->wire_to_label);
    memset(r, 0, sizeof(*r));
}

/* Reads one linear combination. With terms == NULL it only validates and counts
 * (first pass); otherwise it stores into terms[*n_terms..]. */
static int lc_read(zk_cursor *c, r1cs_file_lc *lc, r1cs_file_term *terms, size_t *n_terms,
                   uint32_t n_wires, uint32_t ci, char which, zk_errbuf *err)
{
    uint32_t n;
    if (cur_le32(c, &n))
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "r1cs constraint %u: %c has no term count", ci,
                       which);
    if ((size_t)n > c->len / R1CS_TERM_SIZE)
        return ZK_FAIL(err, ZK_ERR_TRUNCATED,
                       "r1cs constraint %u: %c declares %u terms, the section holds fewer", ci,
                       which, n);
    lc->first = *n_terms;
    lc->n = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t wire;
        const uint8_t *coef;
        if (cur_le32(c, &wire)) return ZK_ERR_INTERNAL; /* length checked above */
        if (wire >= n_wires)
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "r1cs constraint %u: %c term %u names wire %u, only %u wires", ci, which,
                           i, wire, n_wires);
        if (cur_take(c, &coef, BINFILE_N8)) return ZK_ERR_INTERNAL;
        if (!binfile_le_is_less(coef, binfile_bn254_r_le, BINFILE_N8))
            return ZK_FAIL(err, ZK_ERR_RANGE,
                           "r1cs constraint %u: %c term %u coefficient is not below r", ci, which,
                           i);
        if (terms) {
            terms[*n_terms].wire = wire;
            memcpy(terms[*n_terms].coef, coef, BINFILE_N8);
        }
        (*n_terms)++;
    }
    return ZK_OK;
}

static int constraints_read(zk_cursor c, r1cs_file *r, r1cs_file_constraint *out,
                            r1cs_file_term *terms, size_t *n_terms, zk_errbuf *err)
{
    *n_terms = 0;
    for (uint32_t i = 0; i < r->n_constraints; i++) {
        r1cs_file_constraint k;
        int rc = lc_read(&c, &k.a, terms, n_terms, r->n_wires, i, 'A', err);
        if (!rc) rc = lc_read(&c, &k.b, terms, n_terms, r->n_wires, i, 'B', err);
        if (!rc) rc = lc_read(&c, &k.c, terms, n_terms, r->n_wires, i, 'C', err);
        if (rc) return rc;
        if (out) out[i] = k;
    }
    return binfile_section_end(&c, 2, err);
}

int r1cs_file_parse(r1cs_file *r, const uint8_t *data, size_t len, zk_errbuf *err)
{
    memset(r, 0, sizeof(*r));
    binfile bf;
    zk_cursor c;
    int rc = binfile_parse(&bf, data, len, "r1cs", 1, err);
    if (rc) return rc;

    rc = binfile_section_get_sized(&bf, &c, 1, R1CS_HEADER_SIZE, err);
    if (rc) return zk_fail_wrap(err, rc, "r1cs header");
    rc = binfile_read_prime(&c, binfile_bn254_r_le, "r1cs header", err);
    if (rc) return rc;
    if (cur_le32(&c, &r->n_wires) || cur_le32(&c, &r->n_pub_out) || cur_le32(&c, &r->n_pub_in) ||
        cur_le32(&c, &r->n_prv_in) || cur_le64(&c, &r->n_labels) || cur_le32(&c, &r->n_constraints))
        return ZK_ERR_INTERNAL; /* size checked above */
    if (1 + (uint64_t)r->n_pub_out + r->n_pub_in + r->n_prv_in > r->n_wires)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "r1cs header: 1 + %u outputs + %u public + %u private inputs exceed %u "
                       "wires",
                       r->n_pub_out, r->n_pub_in, r->n_prv_in, r->n_wires);

    /* Constraints: a first pass validates and counts terms, so the allocations below
     * are bounded by bytes that are present (each constraint needs >= 12 bytes). */
    rc = binfile_section_get(&bf, &c, 2, err);
    if (rc) return zk_fail_wrap(err, rc, "r1cs constraints");
    if ((size_t)r->n_constraints > c.len / 12)
        return ZK_FAIL(err, ZK_ERR_TRUNCATED,
                       "r1cs: %u constraints cannot fit the %zu-byte constraints section",
                       r->n_constraints, c.len);
    size_t n_terms;
    rc = constraints_read(c, r, NULL, NULL, &n_terms, err);
    if (rc) return rc;

    zk_cursor m;
    rc = binfile_section_get_sized(&bf, &m, 3, (size_t)r->n_wires * 8, err);
    if (rc) return zk_fail_wrap(err, rc, "r1cs wire-to-label map");

    r->constraints = calloc(r->n_constraints ? r->n_constraints : 1, sizeof(*r->constraints));
    r->terms = calloc(n_terms ? n_terms : 1, sizeof(*r->terms));
    r->wire_to_label = calloc(r->n_wires ? r->n_wires : 1, sizeof(*r->wire_to_label));
    if (!r->constraints || !r->terms || !r->wire_to_label) {
        r1cs_file_clear(r);
        return ZK_FAIL(err, ZK_ERR_NOMEM, "r1cs: out of memory for %zu terms", n_terms);
    }
    rc = constraints_read(c, r, r->constraints, r->terms, &r->n_terms, err);
    if (rc) return rc;
    for (uint32_t i = 0; i < r->n_wires; i++)
        if (cur_le64(&m, &r->wire_to_label[i])) return ZK_ERR_INTERNAL;
    binfile_section_order(&bf, r->order, &r->n_order, 3, r1cs_known, 3);
    return ZK_OK;
}

static int lc_write(zk_buf *out, const r1cs_file *r, const r1cs_file_lc *lc)
{
    if (lc->n > UINT32_MAX || lc->first > r->n_terms || lc->n > r->n_terms - lc->first)
        return ZK_ERR_RANGE;
    int rc = binfile_write_le32(out, (uint32_t)lc->n);
    for (size_t i = 0; i < lc->n && !rc; i++) {
        const r1cs_file_term *t = &r->terms[lc->first + i];
        rc = binfile_write_le32(out, t->wire);
        if (!rc) rc = buf_append(out, t->coef, BINFILE_N8);
    }
    return rc;
}

static int section_write(zk_buf *out, const r1cs_file *r, uint32_t id)
{
    size_t mark;
    int rc = binfile_write_section_begin(out, &mark, id);
    if (rc) return rc;
    if (id == 1) {
        rc = binfile_write_le32(out, BINFILE_N8);
        if (!rc) rc = buf_append(out, binfile_bn254_r_le, BINFILE_N8);
        if (!rc) rc = binfile_write_le32(out, r->n_wires);
        if (!rc) rc = binfile_write_le32(out, r->n_pub_out);
        if (!rc) rc = binfile_write_le32(out, r->n_pub_in);
        if (!rc) rc = binfile_write_le32(out, r->n_prv_in);
        if (!rc) rc = binfile_write_le64(out, r->n_labels);
        if (!rc) rc = binfile_write_le32(out, r->n_constraints);
    } else if (id == 2) {
        for (uint32_t i = 0; i < r->n_constraints && !rc; i++) {
            rc = lc_write(out, r, &r->constraints[i].a);
            if (!rc) rc = lc_write(out, r, &r->constraints[i].b);
            if (!rc) rc = lc_write(out, r, &r->constraints[i].c);
        }
    } else {
        for (uint32_t i = 0; i < r->n_wires && !rc; i++)
            rc = binfile_write_le64(out, r->wire_to_label[i]);
    }
    if (rc) return rc;
    binfile_write_section_end(out, mark);
    return ZK_OK;
}

int r1cs_file_write(zk_buf *out, const r1cs_file *r)
{
    static const uint32_t circom_order[3] = {2, 1, 3};
    const uint32_t *order = r->n_order == 3 ? r->order : circom_order;
    int rc = binfile_write_header(out, "r1cs", 1, 3);
    for (size_t i = 0; i < 3 && !rc; i++)
        rc = section_write(out, r, order[i]);
    return rc;
}
