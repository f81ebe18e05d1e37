#include "json_fields.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"

/* Returns the string value of key, or fails with NOTFOUND/MALFORMED. */
static int json_get_str(const char **out, const json_t *obj, const char *key, zk_errbuf *err)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!v || json_is_null(v)) return ZK_FAIL(err, ZK_ERR_NOTFOUND, "field \"%s\" is missing", key);
    if (!json_is_string(v))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "field \"%s\" is not a string", key);
    *out = json_string_value(v);
    return ZK_OK;
}

int json_get_data_fixed(uint8_t *out, size_t n, const json_t *obj, const char *key, zk_errbuf *err)
{
    const char *s;
    int rc = json_get_str(&s, obj, key, err);
    if (rc) return rc;
    if (strncmp(s, "0x", 2) != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "field \"%s\": expected 0x-prefixed hex", key);
    rc = hex_decode_fixed(out, n, s, err);
    if (rc) return zk_fail_wrap(err, rc, "field \"%s\"", key);
    return ZK_OK;
}

int json_get_data_alloc(uint8_t **out, size_t *out_len, size_t max, const json_t *obj,
                        const char *key, zk_errbuf *err)
{
    const char *s;
    int rc = json_get_str(&s, obj, key, err);
    if (rc) return rc;
    if (strncmp(s, "0x", 2) != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "field \"%s\": expected 0x-prefixed hex", key);
    size_t digits = strlen(s) - 2;
    if (digits / 2 > max)
        return ZK_FAIL(err, ZK_ERR_RANGE, "field \"%s\": %zu bytes exceed the limit of %zu", key,
                       digits / 2, max);
    rc = hex_decode_alloc(out, out_len, s, err);
    if (rc) return zk_fail_wrap(err, rc, "field \"%s\"", key);
    return ZK_OK;
}

int json_get_quantity(uint64_t *out, const json_t *obj, const char *key, zk_errbuf *err)
{
    const char *s;
    int rc = json_get_str(&s, obj, key, err);
    if (rc) return rc;
    rc = hex_parse_quantity(out, s, err);
    if (rc) return zk_fail_wrap(err, rc, "field \"%s\"", key);
    return ZK_OK;
}

int json_get_quantity256(uint8_t out[32], const json_t *obj, const char *key, zk_errbuf *err)
{
    const char *s;
    int rc = json_get_str(&s, obj, key, err);
    if (rc) return rc;
    rc = hex_parse_quantity256(out, s, err);
    if (rc) return zk_fail_wrap(err, rc, "field \"%s\"", key);
    return ZK_OK;
}
