/* Block headers: one table drives the RLP decoder, the JSON decoder, the
 * encoder and the JSON writer, so the four can never disagree on field order,
 * names or sizes. */
#include "header.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "json_fields.h"
#include "keccak.h"
#include "rlp.h"

typedef enum header_kind {
    HK_FIXED, /* byte string of exactly size bytes (hash, address, bloom, nonce) */
    HK_U64,   /* minimal big-endian integer, at most 64 bits */
    HK_U256,  /* minimal big-endian integer, at most 256 bits, stored as 32 bytes BE */
    HK_EXTRA, /* extraData: variable length, at most HEADER_MAX_EXTRA */
} header_kind;

typedef struct header_field {
    const char *name; /* JSON-RPC key, also used in every error message */
    header_kind kind;
    size_t size;   /* HK_FIXED: byte length */
    size_t offset; /* into eth_header */
} header_field;

#define HF(name, kind, size, member)                                                               \
    {                                                                                              \
        name, kind, size, offsetof(eth_header, member)                                             \
    }

/* Consensus order (Yellow Paper eq. 33, then each fork's EIP appends). */
static const header_field header_fields[HEADER_FIELDS_PRAGUE] = {
    HF("parentHash", HK_FIXED, 32, parent_hash),
    HF("sha3Uncles", HK_FIXED, 32, ommers_hash),
    HF("miner", HK_FIXED, 20, coinbase),
    HF("stateRoot", HK_FIXED, 32, state_root),
    HF("transactionsRoot", HK_FIXED, 32, transactions_root),
    HF("receiptsRoot", HK_FIXED, 32, receipts_root),
    HF("logsBloom", HK_FIXED, 256, logs_bloom),
    HF("difficulty", HK_U256, 32, difficulty),
    HF("number", HK_U64, 8, number),
    HF("gasLimit", HK_U64, 8, gas_limit),
    HF("gasUsed", HK_U64, 8, gas_used),
    HF("timestamp", HK_U64, 8, timestamp),
    HF("extraData", HK_EXTRA, 0, extra_data),
    HF("mixHash", HK_FIXED, 32, mix_hash),
    HF("nonce", HK_FIXED, 8, nonce),
    HF("baseFeePerGas", HK_U256, 32, base_fee),                    /* EIP-1559 */
    HF("withdrawalsRoot", HK_FIXED, 32, withdrawals_root),         /* EIP-4895 */
    HF("blobGasUsed", HK_U64, 8, blob_gas_used),                   /* EIP-4844 */
    HF("excessBlobGas", HK_U64, 8, excess_blob_gas),               /* EIP-4844 */
    HF("parentBeaconBlockRoot", HK_FIXED, 32, parent_beacon_root), /* EIP-4788 */
    HF("requestsHash", HK_FIXED, 32, requests_hash),               /* EIP-7685 */
};

_Static_assert(sizeof(((eth_header *)0)->logs_bloom) == 256, "bloom is 2048 bits");
_Static_assert(sizeof(((eth_header *)0)->nonce) == 8, "nonce is 64 bits");

/* Encoded headers are a few hundred bytes plus extraData; this bounds the
 * encoder's buffer with room to spare. */
#define HEADER_MAX_RLP (HEADER_MAX_EXTRA + 4096u)

static bool header_count_valid(size_t n)
{
    return n == HEADER_FIELDS_LEGACY || n == HEADER_FIELDS_LONDON || n == HEADER_FIELDS_SHANGHAI ||
           n == HEADER_FIELDS_CANCUN || n == HEADER_FIELDS_PRAGUE;
}

static void header_set_layout(eth_header *h, size_t n)
{
    h->has_base_fee = n >= HEADER_FIELDS_LONDON;
    h->has_withdrawals_root = n >= HEADER_FIELDS_SHANGHAI;
    h->has_blob_gas = n >= HEADER_FIELDS_CANCUN;
    h->has_parent_beacon_root = n >= HEADER_FIELDS_CANCUN;
    h->has_requests_hash = n >= HEADER_FIELDS_PRAGUE;
}

size_t header_field_count(const eth_header *h)
{
    size_t n = HEADER_FIELDS_LEGACY;
    if (h->has_base_fee) n = HEADER_FIELDS_LONDON;
    if (h->has_withdrawals_root) n = HEADER_FIELDS_SHANGHAI;
    if (h->has_blob_gas || h->has_parent_beacon_root) n = HEADER_FIELDS_CANCUN;
    if (h->has_requests_hash) n = HEADER_FIELDS_PRAGUE;
    /* The flags must describe exactly that layout: no gaps. */
    eth_header want;
    header_set_layout(&want, n);
    if (want.has_base_fee != h->has_base_fee ||
        want.has_withdrawals_root != h->has_withdrawals_root ||
        want.has_blob_gas != h->has_blob_gas ||
        want.has_parent_beacon_root != h->has_parent_beacon_root ||
        want.has_requests_hash != h->has_requests_hash)
        return 0;
    return n;
}

const char *header_fork_name(const eth_header *h)
{
    switch (header_field_count(h)) {
    case HEADER_FIELDS_LEGACY:
        return "legacy";
    case HEADER_FIELDS_LONDON:
        return "london";
    case HEADER_FIELDS_SHANGHAI:
        return "shanghai";
    case HEADER_FIELDS_CANCUN:
        return "cancun";
    case HEADER_FIELDS_PRAGUE:
        return "prague";
    default:
        return "invalid";
    }
}

void header_init(eth_header *h)
{
    memset(h, 0, sizeof(*h));
}

void header_clear(eth_header *h)
{
    if (!h) return;
    free(h->extra_data);
    memset(h, 0, sizeof(*h));
}

static uint8_t *header_member(eth_header *h, const header_field *f)
{
    return (uint8_t *)h + f->offset;
}

static const uint8_t *header_member_const(const eth_header *h, const header_field *f)
{
    return (const uint8_t *)h + f->offset;
}

static const char *header_layouts_text(void)
{
    return "expected 15 (legacy), 16 (london), 17 (shanghai), 20 (cancun) or 21 (prague)";
}

/* ---- RLP */

static int header_decode_field(eth_header *h, const header_field *f, const rlp_item *it,
                               zk_errbuf *err)
{
    uint8_t *m = header_member(h, f);
    switch (f->kind) {
    case HK_FIXED:
        return rlp_item_fixed(m, f->size, it, err);
    case HK_U256:
        return rlp_item_uint256(m, it, err);
    case HK_U64: {
        uint64_t v;
        int rc = rlp_item_uint64(&v, it, err);
        if (rc == ZK_OK) memcpy(m, &v, sizeof(v));
        return rc;
    }
    case HK_EXTRA:
        if (it->is_list) return ZK_FAIL(err, ZK_ERR_MALFORMED, "expected a string, got a list");
        if (it->payload_len > HEADER_MAX_EXTRA)
            return ZK_FAIL(err, ZK_ERR_RANGE, "%zu bytes exceed the limit of %u", it->payload_len,
                           HEADER_MAX_EXTRA);
        h->extra_data = malloc(it->payload_len ? it->payload_len : 1);
        if (!h->extra_data) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
        if (it->payload_len) memcpy(h->extra_data, it->payload, it->payload_len);
        h->extra_len = it->payload_len;
        return ZK_OK;
    }
    return ZK_FAIL(err, ZK_ERR_INTERNAL, "unknown field kind");
}

int header_decode_rlp(eth_header *out, const uint8_t *rlp, size_t len, zk_errbuf *err)
{
    rlp_item top, items[HEADER_FIELDS_PRAGUE];
    size_t n = 0;
    header_init(out);
    int rc = rlp_decode(&top, rlp, len, err);
    if (rc) return zk_fail_wrap(err, rc, "header RLP");
    if (!top.is_list)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "header RLP: expected a list, got a string");
    rc = rlp_list_count(&n, &top, err);
    if (rc) return zk_fail_wrap(err, rc, "header RLP");
    if (!header_count_valid(n))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "header RLP: %zu fields; %s", n,
                       header_layouts_text());
    n = sizeof(items) / sizeof(*items); /* capacity, whatever the count said */
    rc = rlp_list_items(items, &n, &top, err);
    if (rc) return zk_fail_wrap(err, rc, "header RLP");
    for (size_t i = 0; i < n; i++) {
        rc = header_decode_field(out, &header_fields[i], &items[i], err);
        if (rc) {
            header_clear(out);
            return zk_fail_wrap(err, rc, "header RLP field %zu (%s)", i, header_fields[i].name);
        }
    }
    header_set_layout(out, n);
    return ZK_OK;
}

int header_encode_rlp(zk_buf *out, const eth_header *h)
{
    static const uint8_t empty[1] = {0};
    size_t n = header_field_count(h), mark;
    if (n == 0) return ZK_ERR_MALFORMED;
    if (h->extra_len > HEADER_MAX_EXTRA || (h->extra_len && !h->extra_data))
        return ZK_ERR_MALFORMED;
    rlp_list_begin(out, &mark);
    for (size_t i = 0; i < n; i++) {
        const header_field *f = &header_fields[i];
        const uint8_t *m = header_member_const(h, f);
        int rc = ZK_ERR_INTERNAL;
        switch (f->kind) {
        case HK_FIXED:
            rc = rlp_encode_bytes(out, m, f->size);
            break;
        case HK_U256:
            rc = rlp_encode_uint_be(out, m, 32);
            break;
        case HK_U64: {
            uint64_t v;
            memcpy(&v, m, sizeof(v));
            rc = rlp_encode_uint64(out, v);
            break;
        }
        case HK_EXTRA:
            rc = rlp_encode_bytes(out, h->extra_len ? h->extra_data : empty, h->extra_len);
            break;
        }
        if (rc) return rc;
    }
    return rlp_list_end(out, mark);
}

int header_hash(uint8_t out[32], const eth_header *h)
{
    zk_buf b;
    buf_init(&b, HEADER_MAX_RLP);
    int rc = header_encode_rlp(&b, h);
    if (rc == ZK_OK) keccak256(out, b.data, b.len);
    buf_clear(&b);
    return rc;
}

/* ---- JSON */

static bool json_has(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v);
}

static int header_json_field(eth_header *h, const header_field *f, const json_t *obj,
                             zk_errbuf *err)
{
    uint8_t *m = header_member(h, f);
    switch (f->kind) {
    case HK_FIXED:
        return json_get_data_fixed(m, f->size, obj, f->name, err);
    case HK_U256:
        return json_get_quantity256(m, obj, f->name, err);
    case HK_U64: {
        uint64_t v;
        int rc = json_get_quantity(&v, obj, f->name, err);
        if (rc == ZK_OK) memcpy(m, &v, sizeof(v));
        return rc;
    }
    case HK_EXTRA:
        return json_get_data_alloc(&h->extra_data, &h->extra_len, HEADER_MAX_EXTRA, obj, f->name,
                                   err);
    }
    return ZK_FAIL(err, ZK_ERR_INTERNAL, "unknown field kind");
}

/* The fork fields present in obj must be a prefix of the fork order, and the
 * three Cancun fields come together; otherwise the RLP layout (and the hash)
 * would be a guess. Out: *count, the header's field count. */
static int header_json_layout(size_t *count, const json_t *obj, zk_errbuf *err)
{
    size_t first_absent = HEADER_FIELDS_PRAGUE;
    for (size_t i = HEADER_FIELDS_LEGACY; i < HEADER_FIELDS_PRAGUE; i++) {
        bool has = json_has(obj, header_fields[i].name);
        if (!has && first_absent == HEADER_FIELDS_PRAGUE) first_absent = i;
        if (has && first_absent < i)
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "field \"%s\" is present but the earlier fork field \"%s\" is missing",
                           header_fields[i].name, header_fields[first_absent].name);
    }
    if (!header_count_valid(first_absent))
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "field \"%s\" is missing (blobGasUsed, excessBlobGas and "
                       "parentBeaconBlockRoot come together since Cancun)",
                       header_fields[first_absent].name);
    *count = first_absent;
    return ZK_OK;
}

int header_from_json(eth_header *out, const json_t *obj, zk_errbuf *err)
{
    size_t n = 0;
    header_init(out);
    if (!json_is_object(obj))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "header: expected a JSON object");
    int rc = header_json_layout(&n, obj, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        rc = header_json_field(out, &header_fields[i], obj, err);
        if (rc == ZK_ERR_NOTFOUND) rc = ZK_ERR_MALFORMED; /* a required field */
        if (rc) {
            header_clear(out);
            return rc;
        }
    }
    header_set_layout(out, n);
    return ZK_OK;
}

/* Minimal QUANTITY form of a 32-byte big-endian integer ("0x0" for zero).
 * Out: out holds at least 67 bytes. */
static void header_format_quantity256(char out[67], const uint8_t be[32])
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0, i = 0;
    out[o++] = '0';
    out[o++] = 'x';
    while (i < 32 && be[i] == 0)
        i++;
    if (i == 32) {
        out[o++] = '0';
    } else {
        if (be[i] >> 4) out[o++] = digits[be[i] >> 4];
        out[o++] = digits[be[i] & 15];
        for (i++; i < 32; i++) {
            out[o++] = digits[be[i] >> 4];
            out[o++] = digits[be[i] & 15];
        }
    }
    out[o] = '\0';
}

/* Sets key to a new string; takes care of the reference either way. */
static int header_json_set(json_t *obj, const char *key, const char *text)
{
    json_t *s = json_string(text);
    if (!s || json_object_set_new(obj, key, s) != 0) return ZK_ERR_NOMEM;
    return ZK_OK;
}

static int header_json_set_data(json_t *obj, const char *key, const uint8_t *p, size_t n)
{
    char small[2 * 256 + 3];
    char *text = n <= 256 ? small : malloc(hex_encoded_len(n, true));
    if (!text) return ZK_ERR_NOMEM;
    hex_encode(text, p, n, true);
    int rc = header_json_set(obj, key, text);
    if (text != small) free(text);
    return rc;
}

int header_to_json(json_t **out, const eth_header *h, const uint8_t hash[32])
{
    *out = NULL;
    size_t n = header_field_count(h);
    if (n == 0 || h->extra_len > HEADER_MAX_EXTRA || (h->extra_len && !h->extra_data))
        return ZK_ERR_MALFORMED;
    json_t *obj = json_object();
    if (!obj) return ZK_ERR_NOMEM;
    int rc = ZK_OK;
    if (hash) rc = header_json_set_data(obj, "hash", hash, 32);
    for (size_t i = 0; i < n && rc == ZK_OK; i++) {
        const header_field *f = &header_fields[i];
        const uint8_t *m = header_member_const(h, f);
        char q[67];
        switch (f->kind) {
        case HK_FIXED:
            rc = header_json_set_data(obj, f->name, m, f->size);
            break;
        case HK_U256:
            header_format_quantity256(q, m);
            rc = header_json_set(obj, f->name, q);
            break;
        case HK_U64: {
            uint64_t v;
            memcpy(&v, m, sizeof(v));
            hex_format_quantity(q, v);
            rc = header_json_set(obj, f->name, q);
            break;
        }
        case HK_EXTRA:
            rc = header_json_set_data(obj, f->name, h->extra_data, h->extra_len);
            break;
        }
    }
    if (rc) {
        json_decref(obj);
        return rc;
    }
    *out = obj;
    return ZK_OK;
}
