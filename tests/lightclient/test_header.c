/* Block headers of every fork: the verified vectors under headers/ (mainnet and
 * the execution-apis test chain, legacy through Prague), the 54 linked blocks of
 * chain.rlp, the header-bearing JSON-RPC transcripts under receipts/ and
 * proofs/, then one negative test per way a header can be wrong. */
#include "harness.h"

#include "lightclient/header.h"
#include "lightclient/hex.h"
#include "lightclient/keccak.h"
#include "lightclient/rlp.h"

/* JSON-RPC names in consensus order, with how each is written: 'D' DATA of
 * size bytes, 'Q' 64-bit QUANTITY, 'B' 256-bit QUANTITY, 'X' extraData. */
static const struct {
    const char *name;
    char kind;
    size_t size;
} fields[HEADER_FIELDS_PRAGUE] = {
    {"parentHash", 'D', 32},
    {"sha3Uncles", 'D', 32},
    {"miner", 'D', 20},
    {"stateRoot", 'D', 32},
    {"transactionsRoot", 'D', 32},
    {"receiptsRoot", 'D', 32},
    {"logsBloom", 'D', 256},
    {"difficulty", 'B', 32},
    {"number", 'Q', 8},
    {"gasLimit", 'Q', 8},
    {"gasUsed", 'Q', 8},
    {"timestamp", 'Q', 8},
    {"extraData", 'X', 0},
    {"mixHash", 'D', 32},
    {"nonce", 'D', 8},
    {"baseFeePerGas", 'B', 32},
    {"withdrawalsRoot", 'D', 32},
    {"blobGasUsed", 'Q', 8},
    {"excessBlobGas", 'Q', 8},
    {"parentBeaconBlockRoot", 'D', 32},
    {"requestsHash", 'D', 32},
};

static bool names(const zk_errbuf *err, const char *what)
{
    return err->msg[0] != '\0' && strstr(err->msg, what) != NULL;
}

#define CHECK_NAMES(err, what)                                                                     \
    CHECK_MSG(names(&(err), (what)), "error \"%s\" does not name %s", (err).msg, (what))

static uint8_t *hex_dup(size_t *len, const char *hex)
{
    uint8_t *p = NULL;
    if (!hex || hex_decode_alloc(&p, len, hex, NULL) != ZK_OK) return NULL;
    return p;
}

static bool hash_from_hex(uint8_t out[32], const char *hex)
{
    return hex && hex_decode_fixed(out, 32, hex, NULL) == ZK_OK;
}

static bool encode_equals(const eth_header *h, const uint8_t *rlp, size_t len)
{
    zk_buf b;
    buf_init(&b, 0);
    bool ok = header_encode_rlp(&b, h) == ZK_OK && b.len == len && memcmp(b.data, rlp, len) == 0;
    buf_clear(&b);
    return ok;
}

/* Every JSON-RPC value header_to_json writes equals the input's string. The
 * vectors write lower-case hex and minimal quantities, as the spec requires. */
static void check_to_json_matches(const eth_header *h, const json_t *in, const uint8_t hash[32])
{
    json_t *out = NULL;
    CHECK_EQ_INT(header_to_json(&out, h, hash), ZK_OK);
    if (!out) return;
    const char *key;
    json_t *v;
    json_object_foreach(out, key, v)
    {
        const char *want = json_string_value(json_object_get(in, key));
        CHECK_MSG(want && strcmp(want, json_string_value(v)) == 0, "%s: wrote %s, input has %s",
                  key, json_string_value(v), want ? want : "(none)");
    }
    /* And it reads back to the same header. */
    eth_header back;
    zk_errbuf err = {0};
    CHECK_EQ_INT(header_from_json(&back, out, &err), ZK_OK);
    zk_buf b;
    buf_init(&b, 0);
    CHECK_EQ_INT(header_encode_rlp(&b, h), ZK_OK);
    CHECK(encode_equals(&back, b.data, b.len));
    buf_clear(&b);
    header_clear(&back);
    json_decref(out);
}

/* The shared checks for one vector header: JSON and RLP both decode, both hash
 * to want_hash, both re-encode to the given RLP exactly. layout may be NULL. */
static void check_vector_header(const json_t *obj, const char *rlp_hex, const char *hash_hex,
                                const char *layout)
{
    uint8_t want[32], got[32];
    size_t rlp_len = 0;
    uint8_t *rlp = hex_dup(&rlp_len, rlp_hex);
    CHECK(rlp != NULL);
    CHECK(hash_from_hex(want, hash_hex));
    if (!rlp) return;

    eth_header hj, hr;
    zk_errbuf err = {0};
    int rc = header_from_json(&hj, obj, &err);
    CHECK_MSG(rc == ZK_OK, "from JSON: %s", err.msg);
    if (rc == ZK_OK) {
        CHECK_EQ_INT(header_hash(got, &hj), ZK_OK);
        CHECK_MEM(got, want, 32);
        CHECK(encode_equals(&hj, rlp, rlp_len));
        if (layout)
            CHECK_MSG(strcmp(header_fork_name(&hj), layout) == 0, "fork %s, want %s",
                      header_fork_name(&hj), layout);
        check_to_json_matches(&hj, obj, want);
    }
    rc = header_decode_rlp(&hr, rlp, rlp_len, &err);
    CHECK_MSG(rc == ZK_OK, "from RLP: %s", err.msg);
    if (rc == ZK_OK) {
        CHECK_EQ_INT(header_hash(got, &hr), ZK_OK);
        CHECK_MEM(got, want, 32);
        CHECK(encode_equals(&hr, rlp, rlp_len));
        if (layout) CHECK(strcmp(header_fork_name(&hr), layout) == 0);
    }
    /* keccak of the given bytes is the hash too: the vector is self-consistent. */
    keccak256(got, rlp, rlp_len);
    CHECK_MEM(got, want, 32);
    header_clear(&hj);
    header_clear(&hr);
    free(rlp);
}

TEST(headers_json)
{
    json_t *root = th_load_json("headers/headers.json");
    if (!root) return;
    CHECK(json_array_size(root) >= 15);
    size_t i;
    json_t *e;
    json_array_foreach(root, i, e)
    {
        CASE_BEGIN("headers.json/%s", json_string_value(json_object_get(e, "name")));
        const json_t *hdr = json_object_get(e, "header");
        check_vector_header(hdr, json_string_value(json_object_get(e, "rlp")),
                            json_string_value(json_object_get(e, "hash")),
                            json_string_value(json_object_get(e, "layout")));
        /* The upstream object's own "hash" agrees. */
        CHECK(strcmp(json_string_value(json_object_get(hdr, "hash")),
                     json_string_value(json_object_get(e, "hash"))) == 0);
        eth_header h;
        if (header_from_json(&h, hdr, NULL) == ZK_OK)
            CHECK_EQ_INT(h.number, json_integer_value(json_object_get(e, "number")));
        header_clear(&h);
        CASE_END();
    }
    json_decref(root);
}

TEST(testchain_headers_json)
{
    json_t *root = th_load_json("headers/testchain_headers.json");
    if (!root) return;
    const json_t *blocks = json_object_get(root, "blocks");
    CHECK_EQ_INT(json_array_size(blocks), 54);
    size_t i;
    json_t *e;
    json_array_foreach(blocks, i, e)
    {
        CASE_BEGIN("testchain_headers.json/%zu", i + 1);
        check_vector_header(json_object_get(e, "header"),
                            json_string_value(json_object_get(e, "rlp")),
                            json_string_value(json_object_get(e, "hash")),
                            json_string_value(json_object_get(e, "layout")));
        CASE_END();
    }
    json_decref(root);
}

/* chain.rlp: 54 full blocks; each header's parentHash is the hash of the one
 * before, and block 1's is the genesis hash. */
TEST(chain_rlp_links)
{
    size_t len = 0;
    uint8_t *data = th_read_file("headers/chain.rlp", &len);
    json_t *tc = th_load_json("headers/testchain_headers.json");
    if (!data || !tc) goto out;
    uint8_t prev[32];
    CHECK(hash_from_hex(prev, json_string_value(json_object_get(tc, "genesisHash"))));
    const json_t *blocks = json_object_get(tc, "blocks");
    zk_cursor c = cur_make(data, len);
    size_t n = 0;
    while (c.len > 0) {
        CASE_BEGIN("chain.rlp/block %zu", n + 1);
        rlp_item blk, hdr;
        zk_cursor items;
        zk_errbuf err = {0};
        int rc = rlp_next(&c, &blk, &err);
        CHECK_MSG(rc == ZK_OK, "block %zu: %s", n + 1, err.msg);
        if (rc) {
            CASE_END();
            break;
        }
        CHECK_EQ_INT(rlp_decode(&blk, blk.raw, blk.raw_len, &err), ZK_OK);
        CHECK_EQ_INT(rlp_list_iter(&items, &blk), ZK_OK);
        CHECK_EQ_INT(rlp_next(&items, &hdr, &err), ZK_OK);
        eth_header h;
        rc = header_decode_rlp(&h, hdr.raw, hdr.raw_len, &err);
        CHECK_MSG(rc == ZK_OK, "header: %s", err.msg);
        if (rc == ZK_OK) {
            uint8_t hash[32], want[32];
            CHECK_EQ_INT(h.number, n + 1);
            CHECK_MEM(h.parent_hash, prev, 32);
            CHECK_EQ_INT(header_hash(hash, &h), ZK_OK);
            CHECK(encode_equals(&h, hdr.raw, hdr.raw_len));
            const json_t *b = json_array_get(blocks, n);
            CHECK(hash_from_hex(want, json_string_value(json_object_get(b, "hash"))));
            CHECK_MEM(hash, want, 32);
            memcpy(prev, hash, 32);
        }
        header_clear(&h);
        n++;
        CASE_END();
    }
    CHECK_EQ_INT(n, 54);
out:
    free(data);
    json_decref(tc);
}

/* A JSON-RPC block object whose fields hash to its own "hash". */
static void check_block_object(const json_t *obj)
{
    eth_header h;
    zk_errbuf err = {0};
    uint8_t got[32], want[32];
    int rc = header_from_json(&h, obj, &err);
    CHECK_MSG(rc == ZK_OK, "from JSON: %s", err.msg);
    CHECK(hash_from_hex(want, json_string_value(json_object_get(obj, "hash"))));
    if (rc == ZK_OK) {
        CHECK_EQ_INT(header_hash(got, &h), ZK_OK);
        CHECK_MEM(got, want, 32);
        /* Through the RLP and back. */
        zk_buf b;
        eth_header again;
        buf_init(&b, 0);
        CHECK_EQ_INT(header_encode_rlp(&b, &h), ZK_OK);
        CHECK_EQ_INT(header_decode_rlp(&again, b.data, b.len, &err), ZK_OK);
        CHECK(encode_equals(&again, b.data, b.len));
        header_clear(&again);
        buf_clear(&b);
    }
    header_clear(&h);
}

TEST(transcripts_with_headers)
{
    static const char *const blocks[] = {
        "receipts/execution-apis_eth_getBlockByHash_get-block-by-hash.io",
        "receipts/execution-apis_eth_getBlockByNumber_get-latest.io",
        "proofs/execution-apis_eth_getBlockByNumber_get-latest.io",
    };
    for (size_t i = 0; i < sizeof(blocks) / sizeof(*blocks); i++) {
        CASE_BEGIN("%s", blocks[i]);
        json_t *resp = th_load_io_response(blocks[i]);
        if (resp) check_block_object(json_object_get(resp, "result"));
        json_decref(resp);
        CASE_END();
    }

    CASE_BEGIN("receipts/helios_mainnet_21925176_block.json");
    json_t *helios = th_load_json("receipts/helios_mainnet_21925176_block.json");
    if (helios) check_block_object(helios);
    json_decref(helios);
    CASE_END();

    /* debug_getRawHeader gives bare RLP; its hash is the test chain's block. */
    CASE_BEGIN("receipts/execution-apis_debug_getRawHeader_get-block-n.io");
    json_t *resp = th_load_io_response("receipts/execution-apis_debug_getRawHeader_get-block-n.io");
    json_t *tc = th_load_json("headers/testchain_headers.json");
    if (resp && tc) {
        size_t len = 0;
        uint8_t *rlp = hex_dup(&len, json_string_value(json_object_get(resp, "result")));
        eth_header h;
        zk_errbuf err = {0};
        CHECK(rlp != NULL);
        if (rlp && header_decode_rlp(&h, rlp, len, &err) == ZK_OK) {
            uint8_t got[32], want[32];
            CHECK_EQ_INT(h.number, 3);
            const json_t *b = json_array_get(json_object_get(tc, "blocks"), 2);
            CHECK(hash_from_hex(want, json_string_value(json_object_get(b, "hash"))));
            CHECK_EQ_INT(header_hash(got, &h), ZK_OK);
            CHECK_MEM(got, want, 32);
            header_clear(&h);
        } else {
            CHECK_MSG(false, "raw header: %s", err.msg);
        }
        free(rlp);
    }
    json_decref(resp);
    json_decref(tc);
    CASE_END();
}

/* Loads the headers.json entries as decoded headers plus their hashes.
 * Returns the count (0 on failure); frees with free_vectors. */
typedef struct vec_header {
    eth_header h;
    uint8_t hash[32];
    uint8_t *rlp;
    size_t rlp_len;
    json_t *obj; /* borrowed from the file's root */
} vec_header;

static size_t load_vectors(vec_header **out, json_t **root)
{
    *out = NULL;
    *root = th_load_json("headers/headers.json");
    if (!*root) return 0;
    size_t n = json_array_size(*root), i;
    vec_header *v = calloc(n ? n : 1, sizeof(*v));
    json_t *e;
    if (!v) return 0;
    json_array_foreach(*root, i, e)
    {
        v[i].obj = json_object_get(e, "header");
        v[i].rlp = hex_dup(&v[i].rlp_len, json_string_value(json_object_get(e, "rlp")));
        CHECK(v[i].rlp != NULL);
        CHECK(hash_from_hex(v[i].hash, json_string_value(json_object_get(e, "hash"))));
        CHECK_EQ_INT(header_from_json(&v[i].h, v[i].obj, NULL), ZK_OK);
    }
    *out = v;
    return n;
}

static void free_vectors(vec_header *v, size_t n, json_t *root)
{
    for (size_t i = 0; v && i < n; i++) {
        header_clear(&v[i].h);
        free(v[i].rlp);
    }
    free(v);
    json_decref(root);
}

/* Changes field i of h in place (one bit, or one byte of extraData). */
static void mutate_field(eth_header *h, size_t i, uint64_t r)
{
    uint8_t bit = (uint8_t)(1u << (r % 8));
    switch (i) {
    case 0:
        h->parent_hash[r % 32] ^= bit;
        break;
    case 1:
        h->ommers_hash[r % 32] ^= bit;
        break;
    case 2:
        h->coinbase[r % 20] ^= bit;
        break;
    case 3:
        h->state_root[r % 32] ^= bit;
        break;
    case 4:
        h->transactions_root[r % 32] ^= bit;
        break;
    case 5:
        h->receipts_root[r % 32] ^= bit;
        break;
    case 6:
        h->logs_bloom[r % 256] ^= bit;
        break;
    case 7:
        h->difficulty[31 - r % 32] ^= bit;
        break;
    case 8:
        h->number ^= 1ull << (r % 64);
        break;
    case 9:
        h->gas_limit ^= 1ull << (r % 64);
        break;
    case 10:
        h->gas_used ^= 1ull << (r % 64);
        break;
    case 11:
        h->timestamp ^= 1ull << (r % 64);
        break;
    case 12:
        if (h->extra_len)
            h->extra_data[r % h->extra_len] ^= bit;
        else
            h->extra_len = 0; /* handled by the caller: empty extraData grows instead */
        break;
    case 13:
        h->mix_hash[r % 32] ^= bit;
        break;
    case 14:
        h->nonce[r % 8] ^= bit;
        break;
    case 15:
        h->base_fee[31 - r % 32] ^= bit;
        break;
    case 16:
        h->withdrawals_root[r % 32] ^= bit;
        break;
    case 17:
        h->blob_gas_used ^= 1ull << (r % 64);
        break;
    case 18:
        h->excess_blob_gas ^= 1ull << (r % 64);
        break;
    case 19:
        h->parent_beacon_root[r % 32] ^= bit;
        break;
    case 20:
        h->requests_hash[r % 32] ^= bit;
        break;
    default:
        break;
    }
}

/* Every field of every header is hashed: change any one, the hash changes, and
 * the changed value survives an RLP round trip. */
TEST(each_field_changes_hash)
{
    json_t *root;
    vec_header *v;
    size_t n = load_vectors(&v, &root);
    for (size_t k = 0; k < n; k++) {
        size_t count = header_field_count(&v[k].h);
        for (size_t i = 0; i < count; i++) {
            CASE_BEGIN("headers.json[%zu] field %s", k, fields[i].name);
            eth_header m;
            zk_buf b;
            uint8_t hash[32];
            CHECK_EQ_INT(header_decode_rlp(&m, v[k].rlp, v[k].rlp_len, NULL), ZK_OK);
            if (i == 12 && m.extra_len == 0) {
                free(m.extra_data);
                m.extra_data = malloc(1);
                if (m.extra_data) m.extra_data[0] = 0;
                m.extra_len = m.extra_data ? 1 : 0;
            } else {
                mutate_field(&m, i, th_rand64());
            }
            CHECK_EQ_INT(header_hash(hash, &m), ZK_OK);
            CHECK_MSG(memcmp(hash, v[k].hash, 32) != 0, "changing %s kept the hash",
                      fields[i].name);
            buf_init(&b, 0);
            CHECK_EQ_INT(header_encode_rlp(&b, &m), ZK_OK);
            eth_header back;
            CHECK_EQ_INT(header_decode_rlp(&back, b.data, b.len, NULL), ZK_OK);
            CHECK(encode_equals(&back, b.data, b.len));
            header_clear(&back);
            buf_clear(&b);
            header_clear(&m);
            CASE_END();
        }
        /* Dropping the newest fork field changes the layout and the hash. */
        if (count > HEADER_FIELDS_LEGACY) {
            CASE_BEGIN("headers.json[%zu] one fork fewer", k);
            eth_header m = v[k].h;
            uint8_t hash[32];
            if (m.has_requests_hash)
                m.has_requests_hash = false;
            else if (m.has_blob_gas)
                m.has_blob_gas = m.has_parent_beacon_root = false;
            else if (m.has_withdrawals_root)
                m.has_withdrawals_root = false;
            else
                m.has_base_fee = false;
            CHECK(header_field_count(&m) < count);
            CHECK_EQ_INT(header_hash(hash, &m), ZK_OK);
            CHECK(memcmp(hash, v[k].hash, 32) != 0);
            CASE_END();
        }
    }
    free_vectors(v, n, root);
}

/* Any single flipped bit in the RLP is either rejected or decodes to a header
 * with another hash (and then re-encodes to exactly the flipped bytes). */
TEST(rlp_bit_flips)
{
    json_t *root;
    vec_header *v;
    size_t n = load_vectors(&v, &root);
    for (size_t k = 0; k < n; k++) {
        CASE_BEGIN("headers.json[%zu] every bit flipped", k);
        uint8_t *m = malloc(v[k].rlp_len);
        CHECK(m != NULL);
        if (!m) {
            CASE_END();
            continue;
        }
        memcpy(m, v[k].rlp, v[k].rlp_len);
        size_t rejected = 0;
        for (size_t bit = 0; bit < 8 * v[k].rlp_len; bit++) {
            m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            eth_header h;
            zk_errbuf err = {0};
            if (header_decode_rlp(&h, m, v[k].rlp_len, &err) == ZK_OK) {
                uint8_t hash[32];
                CHECK_EQ_INT(header_hash(hash, &h), ZK_OK);
                CHECK(memcmp(hash, v[k].hash, 32) != 0);
                CHECK(encode_equals(&h, m, v[k].rlp_len));
                header_clear(&h);
            } else {
                CHECK(err.msg[0] != '\0');
                rejected++;
            }
            m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        CHECK(rejected > 0); /* at least the list header's bits */
        free(m);
        CASE_END();
    }
    free_vectors(v, n, root);
}

TEST(rlp_truncated_and_trailing)
{
    json_t *root;
    vec_header *v;
    size_t n = load_vectors(&v, &root);
    for (size_t k = 0; k < n; k++) {
        CASE_BEGIN("headers.json[%zu] prefixes and suffixes", k);
        eth_header h;
        zk_errbuf err;
        for (size_t cut = 0; cut < v[k].rlp_len; cut++) {
            int rc = header_decode_rlp(&h, v[k].rlp, cut, &err);
            CHECK_MSG(rc != ZK_OK, "accepted a %zu-byte prefix", cut);
            if (rc == ZK_OK) header_clear(&h);
        }
        uint8_t *longer = malloc(v[k].rlp_len + 2);
        if (longer) {
            memcpy(longer, v[k].rlp, v[k].rlp_len);
            longer[v[k].rlp_len] = 0x80;
            longer[v[k].rlp_len + 1] = 0x00;
            CHECK_EQ_INT(header_decode_rlp(&h, longer, v[k].rlp_len + 1, &err), ZK_ERR_TRAILING);
            CHECK_EQ_INT(header_decode_rlp(&h, longer, v[k].rlp_len + 2, &err), ZK_ERR_TRAILING);
            free(longer);
        }
        CASE_END();
    }
    free_vectors(v, n, root);
}

/* Builds a header list from items[0..n), with item `swap` (if < n) replaced by
 * the raw encoding repl[0..repl_len). */
static void build_list(zk_buf *b, const rlp_item *items, size_t n, size_t swap, const uint8_t *repl,
                       size_t repl_len)
{
    size_t mark;
    buf_init(b, 0);
    rlp_list_begin(b, &mark);
    for (size_t i = 0; i < n; i++) {
        if (i == swap)
            CHECK_EQ_INT(rlp_encode_raw(b, repl, repl_len), ZK_OK);
        else
            CHECK_EQ_INT(rlp_encode_raw(b, items[i].raw, items[i].raw_len), ZK_OK);
    }
    CHECK_EQ_INT(rlp_list_end(b, mark), ZK_OK);
}

/* The items of the first Prague vector header (21 fields). */
static bool prague_items(rlp_item items[HEADER_FIELDS_PRAGUE], vec_header *v, size_t n,
                         size_t *which)
{
    for (size_t k = 0; k < n; k++) {
        if (header_field_count(&v[k].h) != HEADER_FIELDS_PRAGUE) continue;
        rlp_item top;
        size_t cnt = HEADER_FIELDS_PRAGUE;
        if (rlp_decode(&top, v[k].rlp, v[k].rlp_len, NULL) != ZK_OK ||
            rlp_list_items(items, &cnt, &top, NULL) != ZK_OK || cnt != HEADER_FIELDS_PRAGUE)
            return false;
        *which = k;
        return true;
    }
    return false;
}

TEST(rlp_field_counts)
{
    json_t *root;
    vec_header *v;
    size_t n = load_vectors(&v, &root), which = 0;
    rlp_item items[HEADER_FIELDS_PRAGUE + 3];
    CHECK(prague_items(items, v, n, &which));
    if (!n || !prague_items(items, v, n, &which)) goto out;
    /* Extra items past the 21st: more 32-byte hashes. */
    for (size_t i = HEADER_FIELDS_PRAGUE; i < HEADER_FIELDS_PRAGUE + 3; i++)
        items[i] = items[0];
    for (size_t cnt = 0; cnt <= HEADER_FIELDS_PRAGUE + 3; cnt++) {
        CASE_BEGIN("%zu fields", cnt);
        zk_buf b;
        eth_header h;
        zk_errbuf err = {0};
        build_list(&b, items, cnt, SIZE_MAX, NULL, 0);
        int rc = header_decode_rlp(&h, b.data, b.len, &err);
        bool valid = cnt == 15 || cnt == 16 || cnt == 17 || cnt == 20 || cnt == 21;
        CHECK_EQ_INT(rc, valid ? ZK_OK : ZK_ERR_MALFORMED);
        if (rc == ZK_OK) {
            CHECK_EQ_INT(header_field_count(&h), cnt);
            CHECK(encode_equals(&h, b.data, b.len));
        } else {
            CHECK_NAMES(err, "fields");
        }
        header_clear(&h);
        buf_clear(&b);
        CASE_END();
    }
    /* A string instead of a list. */
    CASE_BEGIN("not a list");
    eth_header h;
    zk_errbuf err = {0};
    CHECK_EQ_INT(header_decode_rlp(&h, items[0].raw, items[0].raw_len, &err), ZK_ERR_MALFORMED);
    CASE_END();
out:
    free_vectors(v, n, root);
}

/* Replaces one field of a valid Prague header with a bad encoding and checks
 * the decoder rejects it with code want and names the field. */
static void check_bad_field(const rlp_item *items, size_t i, const uint8_t *repl, size_t repl_len,
                            int want, const char *what)
{
    CASE_BEGIN("%s: %s", fields[i].name, what);
    zk_buf b;
    eth_header h;
    zk_errbuf err = {0};
    build_list(&b, items, HEADER_FIELDS_PRAGUE, i, repl, repl_len);
    int rc = header_decode_rlp(&h, b.data, b.len, &err);
    CHECK_EQ_INT(rc, want);
    if (rc == ZK_OK) header_clear(&h);
    CHECK_NAMES(err, fields[i].name);
    buf_clear(&b);
    CASE_END();
}

TEST(rlp_bad_fields)
{
    json_t *root;
    vec_header *v;
    size_t n = load_vectors(&v, &root), which = 0;
    rlp_item items[HEADER_FIELDS_PRAGUE];
    CHECK(n && prague_items(items, v, n, &which));
    if (!n || !prague_items(items, v, n, &which)) goto out;
    for (size_t i = 0; i < HEADER_FIELDS_PRAGUE; i++) {
        zk_buf r;
        uint8_t bytes[260] = {0};
        buf_init(&r, 0);
        if (fields[i].kind == 'D') {
            /* One byte short and one byte long. */
            CHECK_EQ_INT(rlp_encode_bytes(&r, bytes + 1, fields[i].size - 1), ZK_OK);
            check_bad_field(items, i, r.data, r.len, ZK_ERR_MALFORMED, "short");
            r.len = 0;
            bytes[1] = 1;
            CHECK_EQ_INT(rlp_encode_bytes(&r, bytes + 1, fields[i].size + 1), ZK_OK);
            check_bad_field(items, i, r.data, r.len, ZK_ERR_MALFORMED, "long");
        } else if (fields[i].kind == 'Q' || fields[i].kind == 'B') {
            /* A leading zero byte before the value 1. */
            static const uint8_t lz[] = {0x82, 0x00, 0x01};
            check_bad_field(items, i, lz, sizeof(lz), ZK_ERR_NONCANONICAL, "leading zero");
            /* The single byte 0x00 is the non-canonical zero (zero is 0x80). */
            static const uint8_t zero[] = {0x00};
            check_bad_field(items, i, zero, sizeof(zero), ZK_ERR_NONCANONICAL, "zero as 0x00");
            /* One byte past the type's width. */
            bytes[0] = 1;
            CHECK_EQ_INT(rlp_encode_bytes(&r, bytes, fields[i].size + 1), ZK_OK);
            check_bad_field(items, i, r.data, r.len, ZK_ERR_RANGE, "too wide");
        } else {
            uint8_t *big = calloc(HEADER_MAX_EXTRA + 1, 1);
            if (big) {
                CHECK_EQ_INT(rlp_encode_bytes(&r, big, HEADER_MAX_EXTRA + 1), ZK_OK);
                check_bad_field(items, i, r.data, r.len, ZK_ERR_RANGE, "over the cap");
                /* Exactly at the cap is fine. */
                zk_buf b;
                eth_header h;
                r.len = 0;
                CHECK_EQ_INT(rlp_encode_bytes(&r, big, HEADER_MAX_EXTRA), ZK_OK);
                build_list(&b, items, HEADER_FIELDS_PRAGUE, i, r.data, r.len);
                CHECK_EQ_INT(header_decode_rlp(&h, b.data, b.len, NULL), ZK_OK);
                CHECK_EQ_INT(h.extra_len, HEADER_MAX_EXTRA);
                header_clear(&h);
                buf_clear(&b);
                free(big);
            }
        }
        /* A list where a string belongs. */
        static const uint8_t list[] = {0xc1, 0x01};
        check_bad_field(items, i, list, sizeof(list), ZK_ERR_MALFORMED, "list");
        buf_clear(&r);
    }
out:
    free_vectors(v, n, root);
}

/* A deep copy of the first Prague JSON header of headers.json (new reference). */
static json_t *prague_json(void)
{
    json_t *root = th_load_json("headers/headers.json");
    json_t *copy = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(root, i, e)
    {
        const char *layout = json_string_value(json_object_get(e, "layout"));
        if (layout && strcmp(layout, "prague") == 0) {
            copy = json_deep_copy(json_object_get(e, "header"));
            break;
        }
    }
    json_decref(root);
    CHECK(copy != NULL);
    return copy;
}

static void check_json_reject(json_t *obj, const char *key, const char *value, int want,
                              const char *what)
{
    CASE_BEGIN("JSON %s: %s", key, what);
    json_t *bad = json_deep_copy(obj);
    eth_header h;
    zk_errbuf err = {0};
    if (value)
        json_object_set_new(bad, key, json_string(value));
    else
        json_object_del(bad, key);
    int rc = header_from_json(&h, bad, &err);
    CHECK_EQ_INT(rc, want);
    if (rc == ZK_OK) header_clear(&h);
    CHECK_NAMES(err, key);
    json_decref(bad);
    CASE_END();
}

TEST(json_bad_fields)
{
    json_t *obj = prague_json();
    if (!obj) return;
    char buf[600];
    for (size_t i = 0; i < HEADER_FIELDS_PRAGUE; i++) {
        const char *key = fields[i].name;
        const char *good = json_string_value(json_object_get(obj, key));
        CHECK(good != NULL);
        if (!good) continue;
        size_t gl = strlen(good);
        if (fields[i].kind == 'D') {
            snprintf(buf, sizeof(buf), "%.*s", (int)(gl - 2), good);
            check_json_reject(obj, key, buf, ZK_ERR_MALFORMED, "one byte short");
            snprintf(buf, sizeof(buf), "%s00", good);
            check_json_reject(obj, key, buf, ZK_ERR_MALFORMED, "one byte long");
            snprintf(buf, sizeof(buf), "%.*s", (int)(gl - 1), good);
            check_json_reject(obj, key, buf, ZK_ERR_MALFORMED, "odd digits");
            snprintf(buf, sizeof(buf), "%s", good + 2);
            check_json_reject(obj, key, buf, ZK_ERR_MALFORMED, "no 0x");
            snprintf(buf, sizeof(buf), "0xzz%s", good + 4);
            check_json_reject(obj, key, buf, ZK_ERR_MALFORMED, "not hex");
        } else if (fields[i].kind == 'Q' || fields[i].kind == 'B') {
            snprintf(buf, sizeof(buf), "0x0%s", good + 2);
            check_json_reject(obj, key, buf, ZK_ERR_NONCANONICAL, "leading zero");
            check_json_reject(obj, key, "0x", ZK_ERR_MALFORMED, "no digits");
            check_json_reject(obj, key, "12", ZK_ERR_MALFORMED, "decimal");
            /* One hex digit past the type's width: "0x1" then 16 or 64 zeros. */
            size_t zeros = fields[i].kind == 'Q' ? 16 : 64;
            snprintf(buf, sizeof(buf), "0x1%0*d", (int)zeros, 0);
            check_json_reject(obj, key, buf, ZK_ERR_RANGE, "too wide");
        } else {
            snprintf(buf, sizeof(buf), "%s0", good);
            check_json_reject(obj, key, buf, ZK_ERR_MALFORMED, "odd digits");
        }
        /* Missing: an error for the 15 legacy fields and for any fork field that a
         * later one depends on; requestsHash alone may go (a Cancun header). */
        if (i < HEADER_FIELDS_PRAGUE - 1)
            check_json_reject(obj, key, NULL, ZK_ERR_MALFORMED, "missing");
        /* Not a string. */
        CASE_BEGIN("JSON %s: a number", key);
        json_t *bad = json_deep_copy(obj);
        eth_header h;
        zk_errbuf err = {0};
        json_object_set_new(bad, key, json_integer(1));
        CHECK_EQ_INT(header_from_json(&h, bad, &err), ZK_ERR_MALFORMED);
        CHECK_NAMES(err, key);
        json_decref(bad);
        CASE_END();
    }

    /* extraData over the cap. */
    CASE_BEGIN("JSON extraData over the cap");
    size_t n = 2 * (HEADER_MAX_EXTRA + 1) + 3;
    char *big = malloc(n);
    if (big) {
        memset(big, 'a', n - 1);
        big[0] = '0';
        big[1] = 'x';
        big[n - 1] = '\0';
        json_t *bad = json_deep_copy(obj);
        eth_header h;
        zk_errbuf err = {0};
        json_object_set_new(bad, "extraData", json_string(big));
        CHECK_EQ_INT(header_from_json(&h, bad, &err), ZK_ERR_RANGE);
        CHECK_NAMES(err, "extraData");
        json_decref(bad);
        free(big);
    }
    CASE_END();

    CASE_BEGIN("JSON not an object");
    json_t *arr = json_array();
    eth_header h;
    zk_errbuf err = {0};
    CHECK_EQ_INT(header_from_json(&h, arr, &err), ZK_ERR_MALFORMED);
    json_decref(arr);
    CASE_END();
    json_decref(obj);
}

/* Fork fields must form a prefix of the fork order: each subset of the six is
 * accepted exactly when it is one of the five layouts. */
TEST(json_fork_field_order)
{
    json_t *obj = prague_json();
    if (!obj) return;
    for (unsigned mask = 0; mask < 64; mask++) {
        CASE_BEGIN("fork fields subset 0x%02x", mask);
        json_t *o = json_deep_copy(obj);
        size_t prefix = 0;
        bool is_prefix = true;
        for (size_t j = 0; j < 6; j++) {
            bool keep = (mask >> j) & 1;
            if (!keep) json_object_del(o, fields[HEADER_FIELDS_LEGACY + j].name);
            if (keep && is_prefix)
                prefix++;
            else
                is_prefix = false;
        }
        size_t count = HEADER_FIELDS_LEGACY + prefix;
        bool valid = (mask >> prefix) == 0 && count != 18 && count != 19;
        eth_header h;
        zk_errbuf err = {0};
        int rc = header_from_json(&h, o, &err);
        CHECK_EQ_INT(rc, valid ? ZK_OK : ZK_ERR_MALFORMED);
        if (rc == ZK_OK) {
            CHECK_EQ_INT(header_field_count(&h), count);
            header_clear(&h);
        } else if (!valid) {
            /* The message names the first missing fork field. */
            CHECK_NAMES(err, fields[count].name);
        }
        json_decref(o);
        CASE_END();
    }
    json_decref(obj);
}

/* Random headers of each layout round-trip through RLP and JSON. */
TEST(random_roundtrip)
{
    static const size_t counts[] = {15, 16, 17, 20, 21};
    for (int iter = 0; iter < 500; iter++) {
        eth_header h, back;
        header_init(&h);
        size_t count = counts[iter % 5];
        th_rand_bytes((uint8_t *)&h, offsetof(eth_header, extra_data));
        /* Integers of every width, zero included. */
        uint64_t r = th_rand64();
        h.number = (r & 7) == 0 ? 0 : h.number >> (r >> 3) % 64;
        h.gas_used >>= (r >> 8) % 64;
        memset(h.difficulty, 0, (r >> 16) % 33);
        h.extra_len = (size_t)((r >> 24) % 100);
        h.extra_data = malloc(h.extra_len ? h.extra_len : 1);
        th_rand_bytes(h.mix_hash, 32);
        th_rand_bytes(h.nonce, 8);
        if (h.extra_data) th_rand_bytes(h.extra_data, h.extra_len);
        h.has_base_fee = count >= 16;
        h.has_withdrawals_root = count >= 17;
        h.has_blob_gas = h.has_parent_beacon_root = count >= 20;
        h.has_requests_hash = count >= 21;
        th_rand_bytes(h.base_fee, 32);
        memset(h.base_fee, 0, (r >> 32) % 33);
        h.blob_gas_used = th_rand64() >> (r >> 40) % 64;
        h.excess_blob_gas = 0;
        th_rand_bytes(h.requests_hash, 32);
        CHECK_EQ_INT(header_field_count(&h), count);

        zk_buf b;
        buf_init(&b, 0);
        CHECK_EQ_INT(header_encode_rlp(&b, &h), ZK_OK);
        CHECK_EQ_INT(header_decode_rlp(&back, b.data, b.len, NULL), ZK_OK);
        CHECK(encode_equals(&back, b.data, b.len));
        CHECK_EQ_INT(back.number, h.number);
        CHECK_MEM(back.difficulty, h.difficulty, 32);
        header_clear(&back);

        json_t *j = NULL;
        CHECK_EQ_INT(header_to_json(&j, &h, NULL), ZK_OK);
        CHECK(json_object_get(j, "hash") == NULL);
        zk_errbuf err = {0};
        CHECK_EQ_INT(header_from_json(&back, j, &err), ZK_OK);
        CHECK(encode_equals(&back, b.data, b.len));
        header_clear(&back);
        json_decref(j);
        buf_clear(&b);
        header_clear(&h);
    }
}

TEST(fork_flags_and_names)
{
    eth_header h;
    header_init(&h);
    CHECK(strcmp(header_fork_name(&h), "legacy") == 0);
    h.has_base_fee = true;
    CHECK(strcmp(header_fork_name(&h), "london") == 0);
    h.has_withdrawals_root = true;
    CHECK(strcmp(header_fork_name(&h), "shanghai") == 0);
    h.has_blob_gas = h.has_parent_beacon_root = true;
    CHECK(strcmp(header_fork_name(&h), "cancun") == 0);
    h.has_requests_hash = true;
    CHECK(strcmp(header_fork_name(&h), "prague") == 0);

    /* Flags with a gap have no RLP form: encode, hash and to_json refuse. */
    uint8_t hash[32];
    zk_buf b;
    json_t *j = NULL;
    buf_init(&b, 0);
    h.has_withdrawals_root = false;
    CHECK_EQ_INT(header_field_count(&h), 0);
    CHECK(strcmp(header_fork_name(&h), "invalid") == 0);
    CHECK_EQ_INT(header_encode_rlp(&b, &h), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(header_hash(hash, &h), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(header_to_json(&j, &h, NULL), ZK_ERR_MALFORMED);
    CHECK(j == NULL);
    header_init(&h);
    h.has_blob_gas = true; /* without parentBeaconBlockRoot */
    h.has_base_fee = h.has_withdrawals_root = true;
    CHECK_EQ_INT(header_field_count(&h), 0);
    header_init(&h);
    h.extra_len = HEADER_MAX_EXTRA + 1; /* and no buffer */
    CHECK_EQ_INT(header_encode_rlp(&b, &h), ZK_ERR_MALFORMED);
    buf_clear(&b);
    header_clear(NULL);
}

TEST_MAIN(RUN(headers_json); RUN(testchain_headers_json); RUN(chain_rlp_links);
          RUN(transcripts_with_headers); RUN(each_field_changes_hash); RUN(rlp_bit_flips);
          RUN(rlp_truncated_and_trailing); RUN(rlp_field_counts); RUN(rlp_bad_fields);
          RUN(json_bad_fields); RUN(json_fork_field_order); RUN(random_roundtrip);
          RUN(fork_flags_and_names))
