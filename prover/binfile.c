#include "binfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* q = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47 (EIP-196). */
const uint8_t binfile_bn254_q_le[BINFILE_N8] = {
    0x47, 0xfd, 0x7c, 0xd8, 0x16, 0x8c, 0x20, 0x3c, 0x8d, 0xca, 0x71, 0x68, 0x91, 0x6a, 0x81, 0x97,
    0x5d, 0x58, 0x81, 0x81, 0xb6, 0x45, 0x50, 0xb8, 0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30};
/* r = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001 (group order). */
const uint8_t binfile_bn254_r_le[BINFILE_N8] = {
    0x01, 0x00, 0x00, 0xf0, 0x93, 0xf5, 0xe1, 0x43, 0x91, 0x70, 0xb9, 0x79, 0x48, 0xe8, 0x33, 0x28,
    0x5d, 0x58, 0x81, 0x81, 0xb6, 0x45, 0x50, 0xb8, 0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30};

static void magic_print(char out[24], const uint8_t *m)
{
    /* Printable bytes as they are, others as '?', so an error message stays text. */
    size_t j = 0;
    out[j++] = '"';
    for (size_t i = 0; i < 4; i++)
        out[j++] = (m[i] >= 0x20 && m[i] < 0x7f) ? (char)m[i] : '?';
    out[j++] = '"';
    out[j] = '\0';
}

int binfile_parse(binfile *bf, const uint8_t *data, size_t len, const char magic[4],
                  uint32_t version, zk_errbuf *err)
{
    memset(bf, 0, sizeof(*bf));
    zk_cursor c = cur_make(data, len);
    const uint8_t *m;
    uint32_t ver, n;
    if (cur_take(&c, &m, 4) || cur_le32(&c, &ver) || cur_le32(&c, &n))
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "%.4s file: %zu bytes, shorter than its header",
                       magic, len);
    if (memcmp(m, magic, 4) != 0) {
        char got[24];
        magic_print(got, m);
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "not a %.4s file: magic %s", magic, got);
    }
    if (ver != version)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%.4s file version %u is not supported (want %u)",
                       magic, ver, version);
    if (n > BINFILE_MAX_SECTIONS)
        return ZK_FAIL(err, ZK_ERR_RANGE, "%.4s file lists %u sections, more than %d", magic, n,
                       BINFILE_MAX_SECTIONS);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id;
        uint64_t size;
        size_t at = len - c.len;
        if (cur_le32(&c, &id) || cur_le64(&c, &size)) {
            if (err) err->offset = at;
            return ZK_FAIL(err, ZK_ERR_TRUNCATED,
                           "%.4s file ends inside the header of section %u of %u at byte %zu",
                           magic, i + 1, n, at);
        }
        if (size > c.len) {
            if (err) err->offset = at;
            return ZK_FAIL(err, ZK_ERR_TRUNCATED,
                           "%.4s section id %u (at byte %zu) declares %llu bytes but only %zu "
                           "remain",
                           magic, id, at, (unsigned long long)size, c.len);
        }
        const uint8_t *body;
        size_t off = len - c.len;
        if (cur_take(&c, &body, (size_t)size)) return ZK_ERR_INTERNAL;
        bf->sections[i].id = id;
        bf->sections[i].offset = off;
        bf->sections[i].size = (size_t)size;
    }
    if (c.len != 0) {
        if (err) err->offset = len - c.len;
        return ZK_FAIL(err, ZK_ERR_TRAILING, "%.4s file has %zu bytes after its last section",
                       magic, c.len);
    }
    bf->data = data;
    bf->len = len;
    bf->version = ver;
    bf->n_sections = n;
    return ZK_OK;
}

int binfile_section_get(const binfile *bf, zk_cursor *c, uint32_t id, zk_errbuf *err)
{
    const binfile_section *found = NULL;
    for (size_t i = 0; i < bf->n_sections; i++) {
        if (bf->sections[i].id != id) continue;
        if (found) {
            if (err) err->offset = bf->sections[i].offset;
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "section id %u occurs more than once", id);
        }
        found = &bf->sections[i];
    }
    if (!found) return ZK_FAIL(err, ZK_ERR_NOTFOUND, "required section id %u is missing", id);
    *c = cur_make(bf->data + found->offset, found->size);
    return ZK_OK;
}

int binfile_section_get_sized(const binfile *bf, zk_cursor *c, uint32_t id, size_t want,
                              zk_errbuf *err)
{
    int rc = binfile_section_get(bf, c, id, err);
    if (rc) return rc;
    if (c->len != want)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "section id %u has %zu bytes, expected %zu", id,
                       c->len, want);
    return ZK_OK;
}

int binfile_section_end(const zk_cursor *c, uint32_t id, zk_errbuf *err)
{
    if (c->len != 0)
        return ZK_FAIL(err, ZK_ERR_TRAILING, "section id %u has %zu unread bytes at its end", id,
                       c->len);
    return ZK_OK;
}

void binfile_section_order(const binfile *bf, uint32_t *order, size_t *n, size_t cap,
                           const uint32_t *known, size_t n_known)
{
    *n = 0;
    for (size_t i = 0; i < bf->n_sections && *n < cap; i++)
        for (size_t k = 0; k < n_known; k++)
            if (bf->sections[i].id == known[k]) {
                order[(*n)++] = known[k];
                break;
            }
}

bool binfile_le_is_less(const uint8_t *a, const uint8_t *m, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (a[i] != m[i]) return a[i] < m[i];
    return false;
}

int binfile_read_prime(zk_cursor *c, const uint8_t want[BINFILE_N8], const char *what,
                       zk_errbuf *err)
{
    uint32_t n8;
    const uint8_t *p;
    if (cur_le32(c, &n8)) return ZK_FAIL(err, ZK_ERR_TRUNCATED, "%s: no field size", what);
    if (n8 != BINFILE_N8)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: field size %u bytes, only 32 (BN254) supported",
                       what, n8);
    if (cur_take(c, &p, BINFILE_N8)) return ZK_FAIL(err, ZK_ERR_TRUNCATED, "%s: no prime", what);
    if (memcmp(p, want, BINFILE_N8) != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: prime is not BN254's %s", what,
                       want == binfile_bn254_q_le ? "base field q" : "scalar field r");
    return ZK_OK;
}

int binfile_read_fe(zk_cursor *c, const uint8_t **out, const uint8_t mod[BINFILE_N8],
                    const char *what, zk_errbuf *err)
{
    const uint8_t *p;
    if (cur_take(c, &p, BINFILE_N8))
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "%s: field element cut short", what);
    if (!binfile_le_is_less(p, mod, BINFILE_N8))
        return ZK_FAIL(err, ZK_ERR_RANGE, "%s: field element not below the prime", what);
    if (out) *out = p;
    return ZK_OK;
}

int binfile_check_fes(const uint8_t *p, size_t n_coords, const uint8_t mod[BINFILE_N8],
                      const char *what, zk_errbuf *err)
{
    for (size_t i = 0; i < n_coords; i++)
        if (!binfile_le_is_less(p + i * BINFILE_N8, mod, BINFILE_N8))
            return ZK_FAIL(err, ZK_ERR_RANGE, "%s: coordinate %zu not below the prime q", what, i);
    return ZK_OK;
}

int binfile_write_le32(zk_buf *b, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return buf_append(b, t, 4);
}

int binfile_write_le64(zk_buf *b, uint64_t v)
{
    uint8_t t[8];
    le64_store(t, v);
    return buf_append(b, t, 8);
}

int binfile_write_header(zk_buf *b, const char magic[4], uint32_t version, uint32_t n_sections)
{
    int rc = buf_append(b, magic, 4);
    if (!rc) rc = binfile_write_le32(b, version);
    if (!rc) rc = binfile_write_le32(b, n_sections);
    return rc;
}

int binfile_write_section_begin(zk_buf *b, size_t *mark, uint32_t id)
{
    int rc = binfile_write_le32(b, id);
    if (!rc) rc = binfile_write_le64(b, 0);
    *mark = b->len;
    return rc;
}

void binfile_write_section_end(zk_buf *b, size_t mark)
{
    /* mark is where the content starts; the u64 size sits in the 8 bytes before it. */
    le64_store(b->data + mark - 8, (uint64_t)(b->len - mark));
}

int binfile_read_contrib_params(zk_cursor *c, binfile_contrib_params *out, zk_errbuf *err)
{
    memset(out, 0, sizeof(*out));
    uint32_t plen;
    const uint8_t *body;
    if (cur_le32(c, &plen))
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "contribution: no parameter length");
    if (cur_take(c, &body, plen))
        return ZK_FAIL(err, ZK_ERR_TRUNCATED,
                       "contribution: parameters declare %u bytes, fewer remain", plen);
    zk_cursor p = cur_make(body, plen);
    unsigned last = 0;
    while (p.len > 0) {
        uint8_t type, n;
        if (cur_u8(&p, &type)) return ZK_ERR_INTERNAL;
        /* snarkjs: "Parameters in the contribution must be sorted". */
        if (type <= last)
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "contribution: parameter type %u after %u (must increase)", type, last);
        last = type;
        if (type == 2) {
            if (cur_u8(&p, &out->iterations_exp))
                return ZK_FAIL(err, ZK_ERR_MALFORMED, "contribution: parameter 2 overruns");
            out->has_iterations_exp = true;
            continue;
        }
        if (type != 1 && type != 3)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "contribution: unknown parameter type %u", type);
        const uint8_t *v;
        if (cur_u8(&p, &n) || cur_take(&p, &v, n))
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "contribution: parameter %u overruns", type);
        if (type == 1) {
            out->name = v;
            out->name_len = n;
        } else {
            out->beacon_hash = v;
            out->beacon_hash_len = n;
        }
    }
    return ZK_OK;
}

int binfile_write_contrib_params(zk_buf *b, const binfile_contrib_params *p)
{
    if ((p->name && p->name_len > 255) || (p->beacon_hash && p->beacon_hash_len > 255))
        return ZK_ERR_RANGE;
    size_t n = (p->name ? 2 + p->name_len : 0) + (p->has_iterations_exp ? 2 : 0) +
               (p->beacon_hash ? 2 + p->beacon_hash_len : 0);
    int rc = binfile_write_le32(b, (uint32_t)n);
    if (!rc && p->name) rc = buf_append_byte(b, 1);
    if (!rc && p->name) rc = buf_append_byte(b, (uint8_t)p->name_len);
    if (!rc && p->name) rc = buf_append(b, p->name, p->name_len);
    if (!rc && p->has_iterations_exp) rc = buf_append_byte(b, 2);
    if (!rc && p->has_iterations_exp) rc = buf_append_byte(b, p->iterations_exp);
    if (!rc && p->beacon_hash) rc = buf_append_byte(b, 3);
    if (!rc && p->beacon_hash) rc = buf_append_byte(b, (uint8_t)p->beacon_hash_len);
    if (!rc && p->beacon_hash) rc = buf_append(b, p->beacon_hash, p->beacon_hash_len);
    return rc;
}

int binfile_read_file(uint8_t **out, size_t *out_len, const char *path, size_t max_len,
                      zk_errbuf *err)
{
    *out = NULL;
    *out_len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return ZK_FAIL(err, ZK_ERR_IO, "%s: %s", path, strerror(errno));
    int rc = ZK_OK;
    uint8_t *data = NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = ZK_FAIL(err, ZK_ERR_IO, "%s: not a regular file", path);
        goto out;
    }
    if ((uintmax_t)st.st_size > (uintmax_t)max_len) {
        rc = ZK_FAIL(err, ZK_ERR_RANGE, "%s: %lld bytes, more than the limit %zu", path,
                     (long long)st.st_size, max_len);
        goto out;
    }
    size_t n = (size_t)st.st_size;
    data = malloc(n ? n : 1);
    if (!data) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "%s: cannot allocate %zu bytes", path, n);
        goto out;
    }
    /* One byte more than stat said detects a file that grew while we read it. */
    if (fread(data, 1, n, f) != n || fgetc(f) != EOF || ferror(f)) {
        rc = ZK_FAIL(err, ZK_ERR_IO, "%s: short read or file changed while reading", path);
        goto out;
    }
    *out = data;
    *out_len = n;
    data = NULL;
out:
    free(data);
    fclose(f);
    return rc;
}

int binfile_write_file(const char *path, const uint8_t *data, size_t len, zk_errbuf *err)
{
    FILE *f = fopen(path, "wb");
    if (!f) return ZK_FAIL(err, ZK_ERR_IO, "%s: %s", path, strerror(errno));
    bool ok = (len == 0 || fwrite(data, 1, len, f) == len);
    if (fclose(f) != 0) ok = false;
    if (!ok) return ZK_FAIL(err, ZK_ERR_IO, "%s: write failed", path);
    return ZK_OK;
}
