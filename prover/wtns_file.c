#include "wtns_file.h"

#include <string.h>

#include "binfile.h"

#define WTNS_HEADER_SIZE (4 + BINFILE_N8 + 4)

static const uint32_t wtns_known[2] = {1, 2};

int wtns_file_parse(wtns_file *w, const uint8_t *data, size_t len, zk_errbuf *err)
{
    memset(w, 0, sizeof(*w));
    binfile bf;
    zk_cursor c;
    int rc = binfile_parse(&bf, data, len, "wtns", 2, err);
    if (rc) return rc;
    rc = binfile_section_get_sized(&bf, &c, 1, WTNS_HEADER_SIZE, err);
    if (rc) return zk_fail_wrap(err, rc, "wtns header");
    rc = binfile_read_prime(&c, binfile_bn254_r_le, "wtns header", err);
    if (rc) return rc;
    uint32_t n;
    if (cur_le32(&c, &n)) return ZK_ERR_INTERNAL;
    rc = binfile_section_get_sized(&bf, &c, 2, (size_t)n * BINFILE_N8, err);
    if (rc) return zk_fail_wrap(err, rc, "wtns values (%u declared)", n);
    for (uint32_t i = 0; i < n; i++)
        if (!binfile_le_is_less(c.p + (size_t)i * BINFILE_N8, binfile_bn254_r_le, BINFILE_N8))
            return ZK_FAIL(err, ZK_ERR_RANGE, "wtns value %u is not below r", i);
    w->n_values = n;
    w->values = c.p;
    binfile_section_order(&bf, w->order, &w->n_order, 2, wtns_known, 2);
    return ZK_OK;
}

int wtns_file_write(zk_buf *out, const wtns_file *w)
{
    static const uint32_t snarkjs_order[2] = {1, 2};
    const uint32_t *order = w->n_order == 2 ? w->order : snarkjs_order;
    int rc = binfile_write_header(out, "wtns", 2, 2);
    for (size_t i = 0; i < 2 && !rc; i++) {
        size_t mark;
        rc = binfile_write_section_begin(out, &mark, order[i]);
        if (rc) break;
        if (order[i] == 1) {
            rc = binfile_write_le32(out, BINFILE_N8);
            if (!rc) rc = buf_append(out, binfile_bn254_r_le, BINFILE_N8);
            if (!rc) rc = binfile_write_le32(out, w->n_values);
        } else if (w->n_values) {
            rc = buf_append(out, w->values, (size_t)w->n_values * BINFILE_N8);
        }
        if (!rc) binfile_write_section_end(out, mark);
    }
    return rc;
}
