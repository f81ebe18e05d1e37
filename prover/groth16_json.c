#include "groth16_json.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

const uint8_t groth16_json_q_be[32] = {
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
    0x97, 0x81, 0x6a, 0x91, 0x68, 0x71, 0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47};
const uint8_t groth16_json_r_be[32] = {
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
    0x28, 0x33, 0xe8, 0x48, 0x79, 0xb9, 0x70, 0x91, 0x43, 0xe1, 0xf5, 0x93, 0xf0, 0x00, 0x00, 0x01};

/* ---- decimal <-> 32-byte big-endian ---- */

int groth16_json_dec_parse(uint8_t out[32], const char *s, const uint8_t mod[32], zk_errbuf *err)
{
    size_t n = strlen(s);
    if (n == 0) return ZK_FAIL(err, ZK_ERR_MALFORMED, "empty decimal string");
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "decimal string has a non-digit at %zu", i);
    if (n > 1 && s[0] == '0')
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL, "decimal string has a leading zero");
    if (n > GROTH16_JSON_DEC_MAX - 1)
        return ZK_FAIL(err, ZK_ERR_RANGE, "decimal string of %zu digits exceeds 256 bits", n);
    uint8_t v[32] = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned carry = (unsigned)(s[i] - '0');
        for (size_t j = 32; j-- > 0;) {
            unsigned t = v[j] * 10u + carry;
            v[j] = (uint8_t)t;
            carry = t >> 8;
        }
        if (carry) return ZK_FAIL(err, ZK_ERR_RANGE, "decimal value exceeds 256 bits");
    }
    if (memcmp(v, mod, 32) >= 0)
        return ZK_FAIL(err, ZK_ERR_RANGE, "decimal value is not below the field prime");
    memcpy(out, v, 32);
    return ZK_OK;
}

void groth16_json_dec_format(char out[GROTH16_JSON_DEC_MAX], const uint8_t in[32])
{
    uint8_t v[32];
    char rev[GROTH16_JSON_DEC_MAX];
    size_t n = 0;
    memcpy(v, in, 32);
    bool nonzero;
    do {
        unsigned rem = 0;
        nonzero = false;
        for (size_t j = 0; j < 32; j++) {
            unsigned t = (rem << 8) | v[j];
            v[j] = (uint8_t)(t / 10);
            rem = t % 10;
            if (v[j]) nonzero = true;
        }
        rev[n++] = (char)('0' + rem);
    } while (nonzero);
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
}

/* ---- parsing ---- */

static int json_load_text(json_t **root, const char *text, size_t len, const char *what,
                          zk_errbuf *err)
{
    if (len > GROTH16_JSON_MAX_TEXT)
        return ZK_FAIL(err, ZK_ERR_RANGE, "%s: %zu bytes of JSON exceed the limit", what, len);
    json_error_t je;
    *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!*root) {
        if (err) err->offset = (size_t)je.position;
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: JSON error at line %d: %s", what, je.line,
                       je.text);
    }
    return ZK_OK;
}

static int dec_field(uint8_t out[32], const json_t *v, const uint8_t mod[32], const char *path,
                     zk_errbuf *err)
{
    if (!json_is_string(v))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: expected a decimal string", path);
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: string contains NUL", path);
    int rc = groth16_json_dec_parse(out, s, mod, err);
    if (rc) return zk_fail_wrap(err, rc, "%s", path);
    return ZK_OK;
}

static bool str_is(const json_t *v, const char *s)
{
    return json_is_string(v) && strcmp(json_string_value(v), s) == 0 &&
           json_string_length(v) == strlen(s);
}

static const json_t *array_n(const json_t *v, size_t n)
{
    return json_is_array(v) && json_array_size(v) == n ? v : NULL;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

static bool is_one(const uint8_t v[32])
{
    for (size_t i = 0; i < 31; i++)
        if (v[i]) return false;
    return v[31] == 1;
}

/* G1: [x, y, "1"] affine, or ["0", "1", "0"] for infinity (stored as all zero). */
static int g1_field(uint8_t out[2][32], const json_t *v, const char *path, zk_errbuf *err)
{
    char sub[96];
    const json_t *a = array_n(v, 3);
    if (!a) return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: expected a G1 point [x, y, z]", path);
    uint8_t xy[2][32];
    for (size_t i = 0; i < 2; i++) {
        snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
        int rc = dec_field(xy[i], json_array_get(a, i), groth16_json_q_be, sub, err);
        if (rc) return rc;
    }
    const json_t *z = json_array_get(a, 2);
    if (str_is(z, "1")) {
        if (all_zero(xy[0], 64))
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "%s: (0, 0) is not a curve point (infinity is [\"0\", \"1\", \"0\"])",
                           path);
        memcpy(out, xy, sizeof(xy));
        return ZK_OK;
    }
    if (str_is(z, "0") && all_zero(xy[0], 32) && is_one(xy[1])) {
        memset(out, 0, 64);
        return ZK_OK;
    }
    return ZK_FAIL(err, ZK_ERR_MALFORMED,
                   "%s[2]: projective z must be \"1\" (or [\"0\", \"1\", \"0\"] for infinity)",
                   path);
}

static int fp2_field(uint8_t out[2][32], const json_t *v, const char *path, zk_errbuf *err)
{
    char sub[96];
    const json_t *a = array_n(v, 2);
    if (!a) return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: expected an Fp2 pair [c0, c1]", path);
    for (size_t i = 0; i < 2; i++) {
        snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
        int rc = dec_field(out[i], json_array_get(a, i), groth16_json_q_be, sub, err);
        if (rc) return rc;
    }
    return ZK_OK;
}

/* G2: [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]], or [["0","0"], ["1","0"], ["0","0"]]. */
static int g2_field(uint8_t out[4][32], const json_t *v, const char *path, zk_errbuf *err)
{
    char sub[96];
    const json_t *a = array_n(v, 3);
    if (!a) return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: expected a G2 point [x, y, z]", path);
    uint8_t c[4][32];
    for (size_t i = 0; i < 2; i++) {
        snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
        int rc = fp2_field(&c[2 * i], json_array_get(a, i), sub, err);
        if (rc) return rc;
    }
    const json_t *z = array_n(json_array_get(a, 2), 2);
    bool z0 = z && str_is(json_array_get(z, 1), "0");
    if (z0 && str_is(json_array_get(z, 0), "1")) {
        if (all_zero(c[0], 128))
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: (0, 0) is not a curve point", path);
        memcpy(out, c, sizeof(c));
        return ZK_OK;
    }
    if (z0 && str_is(json_array_get(z, 0), "0") && all_zero(c[0], 64) && is_one(c[2]) &&
        all_zero(c[3], 32)) {
        memset(out, 0, 128);
        return ZK_OK;
    }
    return ZK_FAIL(err, ZK_ERR_MALFORMED,
                   "%s[2]: projective z must be [\"1\", \"0\"] (or infinity [[\"0\",\"0\"], "
                   "[\"1\",\"0\"], [\"0\",\"0\"]])",
                   path);
}

static int check_tags(const json_t *root, bool curve_required, const char *what, zk_errbuf *err)
{
    const json_t *protocol = json_object_get(root, "protocol");
    const json_t *curve = json_object_get(root, "curve");
    if (!str_is(protocol, "groth16"))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: \"protocol\" must be \"groth16\"", what);
    if ((curve || curve_required) && !str_is(curve, "bn128"))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: \"curve\" must be \"bn128\"", what);
    return ZK_OK;
}

int groth16_json_proof_parse(groth16_json_proof *p, const char *text, size_t len, zk_errbuf *err)
{
    json_t *root = NULL;
    int rc = json_load_text(&root, text, len, "proof.json", err);
    if (rc) return rc;
    groth16_json_proof t;
    if (!json_is_object(root)) {
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "proof.json: not a JSON object");
        goto out;
    }
    /* snarkjs writes "curve"; other provers (rapidsnark) may leave it out. */
    rc = check_tags(root, false, "proof.json", err);
    if (!rc) rc = g1_field(t.a, json_object_get(root, "pi_a"), "pi_a", err);
    if (!rc) rc = g2_field(t.b, json_object_get(root, "pi_b"), "pi_b", err);
    if (!rc) rc = g1_field(t.c, json_object_get(root, "pi_c"), "pi_c", err);
    if (!rc) *p = t;
out:
    json_decref(root);
    return rc;
}

int groth16_json_public_parse(uint8_t **values, size_t *n, const char *text, size_t len,
                              zk_errbuf *err)
{
    *values = NULL;
    *n = 0;
    json_t *root = NULL;
    int rc = json_load_text(&root, text, len, "public.json", err);
    if (rc) return rc;
    uint8_t *v = NULL;
    if (!json_is_array(root)) {
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "public.json: not a JSON array");
        goto out;
    }
    size_t count = json_array_size(root);
    v = malloc(count ? count * 32 : 1);
    if (!v) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "public.json: out of memory");
        goto out;
    }
    for (size_t i = 0; i < count && !rc; i++) {
        char path[32];
        snprintf(path, sizeof(path), "public[%zu]", i);
        rc = dec_field(v + 32 * i, json_array_get(root, i), groth16_json_r_be, path, err);
    }
    if (!rc) {
        *values = v;
        *n = count;
        v = NULL;
    }
out:
    free(v);
    json_decref(root);
    return rc;
}

void groth16_json_vk_clear(groth16_json_vk *vk)
{
    if (!vk) return;
    free(vk->ic);
    memset(vk, 0, sizeof(*vk));
}

static int alphabeta_field(uint8_t out[12][32], const json_t *v, zk_errbuf *err)
{
    const json_t *a = array_n(v, 2);
    if (!a) return ZK_FAIL(err, ZK_ERR_MALFORMED, "vk_alphabeta_12: expected [c0, c1] of Fp6");
    for (size_t i = 0; i < 2; i++) {
        const json_t *f6 = array_n(json_array_get(a, i), 3);
        if (!f6)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "vk_alphabeta_12[%zu]: expected 3 Fp2 values", i);
        for (size_t j = 0; j < 3; j++) {
            char path[48];
            snprintf(path, sizeof(path), "vk_alphabeta_12[%zu][%zu]", i, j);
            int rc = fp2_field(&out[6 * i + 2 * j], json_array_get(f6, j), path, err);
            if (rc) return rc;
        }
    }
    return ZK_OK;
}

int groth16_json_vk_parse(groth16_json_vk *vk, const char *text, size_t len, zk_errbuf *err)
{
    memset(vk, 0, sizeof(*vk));
    json_t *root = NULL;
    int rc = json_load_text(&root, text, len, "verification_key.json", err);
    if (rc) return rc;
    if (!json_is_object(root)) {
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "verification_key.json: not a JSON object");
        goto out;
    }
    rc = check_tags(root, true, "verification_key.json", err);
    if (rc) goto out;
    const json_t *np = json_object_get(root, "nPublic");
    if (!json_is_integer(np) || json_integer_value(np) < 0 ||
        json_integer_value(np) >= (json_int_t)UINT32_MAX) {
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "nPublic: expected a non-negative integer");
        goto out;
    }
    vk->n_public = (uint32_t)json_integer_value(np);
    rc = g1_field(vk->alpha1, json_object_get(root, "vk_alpha_1"), "vk_alpha_1", err);
    if (!rc) rc = g2_field(vk->beta2, json_object_get(root, "vk_beta_2"), "vk_beta_2", err);
    if (!rc) rc = g2_field(vk->gamma2, json_object_get(root, "vk_gamma_2"), "vk_gamma_2", err);
    if (!rc) rc = g2_field(vk->delta2, json_object_get(root, "vk_delta_2"), "vk_delta_2", err);
    if (!rc) rc = alphabeta_field(vk->alphabeta12, json_object_get(root, "vk_alphabeta_12"), err);
    if (rc) goto out;
    const json_t *ic = json_object_get(root, "IC");
    if (!json_is_array(ic)) {
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "IC: expected an array of G1 points");
        goto out;
    }
    if (json_array_size(ic) != (size_t)vk->n_public + 1) {
        rc = ZK_FAIL(err, ZK_ERR_MISMATCH, "IC has %zu points, nPublic %u needs %llu",
                     json_array_size(ic), vk->n_public, (unsigned long long)vk->n_public + 1);
        goto out;
    }
    vk->ic = calloc(json_array_size(ic), sizeof(*vk->ic));
    if (!vk->ic) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "IC: out of memory");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(ic) && !rc; i++) {
        char path[32];
        snprintf(path, sizeof(path), "IC[%zu]", i);
        rc = g1_field(vk->ic[i], json_array_get(ic, i), path, err);
    }
out:
    json_decref(root);
    return rc;
}

/* ---- writing: JSON.stringify(value, null, 1) ---- */

typedef struct emitter {
    zk_buf *b;
    int rc;
} emitter;

static void emit(emitter *e, const char *s)
{
    if (!e->rc) e->rc = buf_append(e->b, s, strlen(s));
}

static void emit_indent(emitter *e, unsigned depth)
{
    for (unsigned i = 0; i < depth; i++)
        emit(e, " ");
}

static void emit_strs(emitter *e, unsigned depth, const char *const *items, size_t n)
{
    if (n == 0) {
        emit(e, "[]");
        return;
    }
    emit(e, "[\n");
    for (size_t i = 0; i < n; i++) {
        emit_indent(e, depth + 1);
        emit(e, "\"");
        emit(e, items[i]);
        emit(e, i + 1 < n ? "\",\n" : "\"\n");
    }
    emit_indent(e, depth);
    emit(e, "]");
}

static void emit_g1(emitter *e, unsigned depth, const uint8_t p[2][32])
{
    char x[GROTH16_JSON_DEC_MAX], y[GROTH16_JSON_DEC_MAX];
    const char *items[3] = {x, y, "1"};
    if (all_zero(p[0], 64)) {
        items[0] = "0";
        items[1] = "1";
        items[2] = "0";
    } else {
        groth16_json_dec_format(x, p[0]);
        groth16_json_dec_format(y, p[1]);
    }
    emit_strs(e, depth, items, 3);
}

/* A list of Fp2 values at depth: [[c0, c1], ...]. */
static void emit_fp2s(emitter *e, unsigned depth, const uint8_t (*v)[32], size_t n_pairs)
{
    emit(e, "[\n");
    for (size_t i = 0; i < n_pairs; i++) {
        char c0[GROTH16_JSON_DEC_MAX], c1[GROTH16_JSON_DEC_MAX];
        const char *items[2] = {c0, c1};
        groth16_json_dec_format(c0, v[2 * i]);
        groth16_json_dec_format(c1, v[2 * i + 1]);
        emit_indent(e, depth + 1);
        emit_strs(e, depth + 1, items, 2);
        emit(e, i + 1 < n_pairs ? ",\n" : "\n");
    }
    emit_indent(e, depth);
    emit(e, "]");
}

static void emit_g2(emitter *e, unsigned depth, const uint8_t p[4][32])
{
    /* x, y, z as Fp2 pairs; infinity is (0, 1, 0) as snarkjs's toObject writes it. */
    uint8_t v[6][32] = {{0}};
    if (all_zero(p[0], 128)) {
        v[2][31] = 1;
    } else {
        memcpy(v, p, 128);
        v[4][31] = 1;
    }
    emit_fp2s(e, depth, (const uint8_t(*)[32])v, 3);
}

static void emit_key(emitter *e, const char *key)
{
    emit(e, " \"");
    emit(e, key);
    emit(e, "\": ");
}

int groth16_json_proof_write(zk_buf *out, const groth16_json_proof *p)
{
    emitter e = {out, ZK_OK};
    emit(&e, "{\n");
    emit_key(&e, "pi_a");
    emit_g1(&e, 1, p->a);
    emit(&e, ",\n");
    emit_key(&e, "pi_b");
    emit_g2(&e, 1, p->b);
    emit(&e, ",\n");
    emit_key(&e, "pi_c");
    emit_g1(&e, 1, p->c);
    emit(&e, ",\n");
    emit_key(&e, "protocol");
    emit(&e, "\"groth16\",\n");
    emit_key(&e, "curve");
    emit(&e, "\"bn128\"\n}");
    return e.rc;
}

int groth16_json_public_write(zk_buf *out, const uint8_t *values, size_t n)
{
    emitter e = {out, ZK_OK};
    if (n == 0) {
        emit(&e, "[]");
        return e.rc;
    }
    emit(&e, "[\n");
    for (size_t i = 0; i < n; i++) {
        char d[GROTH16_JSON_DEC_MAX];
        groth16_json_dec_format(d, values + 32 * i);
        emit(&e, " \"");
        emit(&e, d);
        emit(&e, i + 1 < n ? "\",\n" : "\"\n");
    }
    emit(&e, "]");
    return e.rc;
}

int groth16_json_vk_write(zk_buf *out, const groth16_json_vk *vk)
{
    if (!vk->ic) return ZK_ERR_USAGE;
    emitter e = {out, ZK_OK};
    char np[16];
    snprintf(np, sizeof(np), "%u", vk->n_public);
    emit(&e, "{\n");
    emit_key(&e, "protocol");
    emit(&e, "\"groth16\",\n");
    emit_key(&e, "curve");
    emit(&e, "\"bn128\",\n");
    emit_key(&e, "nPublic");
    emit(&e, np);
    emit(&e, ",\n");
    emit_key(&e, "vk_alpha_1");
    emit_g1(&e, 1, vk->alpha1);
    emit(&e, ",\n");
    emit_key(&e, "vk_beta_2");
    emit_g2(&e, 1, vk->beta2);
    emit(&e, ",\n");
    emit_key(&e, "vk_gamma_2");
    emit_g2(&e, 1, vk->gamma2);
    emit(&e, ",\n");
    emit_key(&e, "vk_delta_2");
    emit_g2(&e, 1, vk->delta2);
    emit(&e, ",\n");
    emit_key(&e, "vk_alphabeta_12");
    emit(&e, "[\n");
    for (size_t i = 0; i < 2; i++) {
        emit_indent(&e, 2);
        emit_fp2s(&e, 2, &vk->alphabeta12[6 * i], 3);
        emit(&e, i == 0 ? ",\n" : "\n");
    }
    emit(&e, " ],\n");
    emit_key(&e, "IC");
    emit(&e, "[\n");
    for (uint64_t i = 0; i <= vk->n_public; i++) {
        emit_indent(&e, 2);
        emit_g1(&e, 2, (const uint8_t(*)[32])vk->ic[i]);
        emit(&e, i < vk->n_public ? ",\n" : "\n");
    }
    emit(&e, " ]\n}");
    return e.rc;
}
