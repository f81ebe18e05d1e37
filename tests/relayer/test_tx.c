/* Transactions offline: known answers (tests/vectors/tx: anvil's own signature
 * of a type-2 transaction, the EIP-155 example), sign/decode round trips,
 * forgeries (every byte flipped, every prefix, high s, a non-empty access
 * list, pre-EIP-155 v), and the fee logic (suggestion, bump, caps). */
#include "harness.h"

#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "relayer/fees.h"
#include "relayer/tx.h"

#define TX_VECTORS "tests/vectors/tx/signed.json"
#define DEV_KEY    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define DEV_ADDR   "f39fd6e51aad88f6f4ce6ab8827279cfffb92266"

static secp256k1_context *ctx;

TEST(test_tx_setup)
{
    ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
}

static json_t *load_vectors(void)
{
    json_error_t jerr;
    json_t *j = json_load_file(TX_VECTORS, 0, &jerr);
    CHECK_MSG(j != NULL, "cannot load %s: %s", TX_VECTORS, jerr.text);
    return j;
}

/* Reads the common fields of a vector. Out: data is a new buffer. */
static bool vec_common(const json_t *v, uint8_t key[32], uint64_t *chain_id, uint64_t *nonce,
                       uint64_t *gas, uint8_t to[20], uint8_t value[32], uint8_t **data,
                       size_t *data_len)
{
    return json_get_data_fixed(key, 32, v, "key", NULL) == ZK_OK &&
           json_get_quantity(chain_id, v, "chainId", NULL) == ZK_OK &&
           json_get_quantity(nonce, v, "nonce", NULL) == ZK_OK &&
           json_get_quantity(gas, v, "gas", NULL) == ZK_OK &&
           json_get_data_fixed(to, 20, v, "to", NULL) == ZK_OK &&
           json_get_quantity256(value, v, "value", NULL) == ZK_OK &&
           json_get_data_alloc(data, data_len, 1 << 16, v, "input", NULL) == ZK_OK;
}

TEST(test_tx_known_answers)
{
    json_t *doc = load_vectors();
    if (!doc) return;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "eip1559"), i, v)
    {
        CASE_BEGIN("%s", json_string_value(json_object_get(v, "name")));
        tx_eip1559 tx;
        uint8_t key[32], from[20], *data = NULL, *raw = NULL, hash[32];
        size_t raw_len = 0;
        memset(&tx, 0, sizeof(tx));
        CHECK(vec_common(v, key, &tx.chain_id, &tx.nonce, &tx.gas_limit, tx.to, tx.value, &data,
                         &tx.data_len));
        tx.data = data;
        CHECK(json_get_quantity(&tx.max_fee, v, "maxFeePerGas", NULL) == ZK_OK);
        CHECK(json_get_quantity(&tx.max_priority_fee, v, "maxPriorityFeePerGas", NULL) == ZK_OK);
        CHECK(json_get_data_fixed(from, 20, v, "from", NULL) == ZK_OK);
        CHECK(json_get_data_alloc(&raw, &raw_len, 1 << 16, v, "raw", NULL) == ZK_OK);
        zk_buf out;
        zk_errbuf err = {{0}, 0};
        buf_init(&out, 0);
        CHECK_MSG(tx_sign(ctx, &out, hash, &tx, key, &err) == ZK_OK, "%s", err.msg);
        CHECK_EQ_INT(out.len, raw_len);
        if (raw && out.len == raw_len) CHECK_MEM(out.data, raw, raw_len);
        uint8_t h2[32];
        keccak256(h2, raw, raw_len);
        CHECK_MEM(hash, h2, 32);
        tx_decoded d;
        CHECK(tx_decode(ctx, &d, raw, raw_len, &err) == ZK_OK);
        CHECK_MEM(d.sender, from, 20);
        CHECK_EQ_INT(d.tx.max_fee, tx.max_fee);
        CHECK_EQ_INT(d.tx.data_len, 2);
        zk_wipe(key, sizeof(key));
        buf_clear(&out);
        free(data);
        free(raw);
        CASE_END();
    }
    json_array_foreach(json_object_get(doc, "legacy"), i, v)
    {
        CASE_BEGIN("%s", json_string_value(json_object_get(v, "name")));
        tx_legacy tx;
        uint8_t key[32], *data = NULL, *raw = NULL, hash[32], sighash[32];
        size_t raw_len = 0;
        memset(&tx, 0, sizeof(tx));
        CHECK(vec_common(v, key, &tx.chain_id, &tx.nonce, &tx.gas_limit, tx.to, tx.value, &data,
                         &tx.data_len));
        tx.data = tx.data_len ? data : NULL;
        CHECK(json_get_quantity(&tx.gas_price, v, "gasPrice", NULL) == ZK_OK);
        CHECK(json_get_data_fixed(sighash, 32, v, "sighash", NULL) == ZK_OK);
        CHECK(json_get_data_alloc(&raw, &raw_len, 1 << 16, v, "raw", NULL) == ZK_OK);
        zk_buf out;
        zk_errbuf err = {{0}, 0};
        buf_init(&out, 0);
        CHECK_MSG(tx_sign_legacy(ctx, &out, hash, &tx, key, &err) == ZK_OK, "%s", err.msg);
        CHECK_EQ_INT(out.len, raw_len);
        if (raw && out.len == raw_len) CHECK_MEM(out.data, raw, raw_len);
        tx_decoded d;
        CHECK_MSG(tx_decode(ctx, &d, raw, raw_len, &err) == ZK_OK, "%s", err.msg);
        CHECK_MEM(d.sighash, sighash, 32);
        CHECK_EQ_INT(d.type, 0);
        CHECK_EQ_INT(d.legacy.chain_id, 1);
        CHECK_EQ_INT(d.legacy.nonce, 9);
        /* The sender is the key's address. */
        uint8_t pub[64], addr[20];
        CHECK(ecdsa_pubkey_from_seckey(ctx, pub, key) == ZK_OK);
        eth_address_from_pubkey(addr, pub);
        CHECK_MEM(d.sender, addr, 20);
        zk_wipe(key, sizeof(key));
        buf_clear(&out);
        free(data);
        free(raw);
        CASE_END();
    }
    json_decref(doc);
}

/* A random transaction signed with the dev key. */
static void random_tx(tx_eip1559 *tx, uint8_t *data, size_t cap)
{
    memset(tx, 0, sizeof(*tx));
    tx->chain_id = 1 + th_rand64() % 100000;
    tx->nonce = th_rand64() >> (th_rand64() % 64);
    tx->max_fee = th_rand64() >> (th_rand64() % 64);
    tx->max_priority_fee = tx->max_fee >> (th_rand64() % 64);
    tx->gas_limit = th_rand64() % 30000000;
    tx->create = th_rand64() % 8 == 0;
    th_rand_bytes(tx->to, 20);
    th_rand_bytes(tx->value, 32);
    tx->value[0] = (uint8_t)(th_rand64() % 3 ? 0 : tx->value[0]);
    tx->data_len = (size_t)(th_rand64() % cap);
    th_rand_bytes(data, tx->data_len);
    tx->data = tx->data_len ? data : NULL;
}

TEST(test_tx_roundtrip)
{
    uint8_t key[32], dev[20], data[300], hash[32];
    CHECK(hex_decode_fixed(key, 32, DEV_KEY, NULL) == ZK_OK);
    CHECK(hex_decode_fixed(dev, 20, DEV_ADDR, NULL) == ZK_OK);
    for (int iter = 0; iter < 100; iter++) {
        tx_eip1559 tx;
        random_tx(&tx, data, sizeof(data));
        zk_buf raw;
        zk_errbuf err = {{0}, 0};
        buf_init(&raw, 0);
        CHECK(buf_append_byte(&raw, 0xee) == ZK_OK); /* tx_sign appends */
        CHECK_MSG(tx_sign(ctx, &raw, hash, &tx, key, &err) == ZK_OK, "%s", err.msg);
        tx_decoded d;
        CHECK_MSG(tx_decode(ctx, &d, raw.data + 1, raw.len - 1, &err) == ZK_OK, "%s", err.msg);
        CHECK_MEM(d.sender, dev, 20);
        CHECK_MEM(d.hash, hash, 32);
        CHECK(d.tx.chain_id == tx.chain_id && d.tx.nonce == tx.nonce &&
              d.tx.max_fee == tx.max_fee && d.tx.max_priority_fee == tx.max_priority_fee &&
              d.tx.gas_limit == tx.gas_limit && d.tx.create == tx.create &&
              d.tx.data_len == tx.data_len);
        if (!tx.create) CHECK_MEM(d.tx.to, tx.to, 20);
        CHECK_MEM(d.tx.value, tx.value, 32);
        if (tx.data_len) CHECK_MEM(d.tx.data, tx.data, tx.data_len);
        uint8_t sh[32];
        CHECK(tx_eip1559_sighash(sh, &tx, NULL) == ZK_OK);
        CHECK_MEM(d.sighash, sh, 32);
        buf_clear(&raw);
    }
    zk_wipe(key, sizeof(key));
}

/* Signs the fixed transaction the forgery tests start from. */
static void base_signed(zk_buf *raw, uint8_t key[32], uint8_t dev[20])
{
    static const uint8_t data[] = {0xde, 0xad, 0xbe, 0xef, 0x01};
    tx_eip1559 tx;
    uint8_t hash[32];
    memset(&tx, 0, sizeof(tx));
    tx.chain_id = 31337;
    tx.nonce = 7;
    tx.max_priority_fee = 1000000000;
    tx.max_fee = 3000000000;
    tx.gas_limit = 100000;
    memset(tx.to, 0x11, 20);
    tx.value[31] = 5;
    tx.data = data;
    tx.data_len = sizeof(data);
    CHECK(hex_decode_fixed(key, 32, DEV_KEY, NULL) == ZK_OK);
    CHECK(hex_decode_fixed(dev, 20, DEV_ADDR, NULL) == ZK_OK);
    buf_init(raw, 0);
    CHECK(tx_sign(ctx, raw, hash, &tx, key, NULL) == ZK_OK);
}

TEST(test_tx_forgeries)
{
    zk_buf raw;
    uint8_t key[32], dev[20];
    tx_decoded d;
    zk_errbuf err = {{0}, 0};
    base_signed(&raw, key, dev);
    CHECK(tx_decode(ctx, &d, raw.data, raw.len, &err) == ZK_OK);
    CHECK_MEM(d.sender, dev, 20);

    /* Every single-bit flip either fails to decode or changes the sender. */
    int rejected = 0, other_sender = 0;
    for (size_t i = 0; i < raw.len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            raw.data[i] ^= (uint8_t)(1u << bit);
            int rc = tx_decode(ctx, &d, raw.data, raw.len, NULL);
            if (rc)
                rejected++;
            else if (memcmp(d.sender, dev, 20) != 0)
                other_sender++;
            else
                CHECK_MSG(false, "bit %d of byte %zu flipped and still from the dev key", bit, i);
            raw.data[i] ^= (uint8_t)(1u << bit);
        }
    }
    CHECK_EQ_INT(rejected + other_sender, (long long)raw.len * 8);
    CHECK(rejected > 0 && other_sender > 0);

    /* Every proper prefix fails; one trailing byte fails. */
    for (size_t n = 0; n < raw.len; n++)
        CHECK_MSG(tx_decode(ctx, &d, raw.data, n, NULL) != ZK_OK, "prefix %zu", n);
    CHECK(buf_append_byte(&raw, 0) == ZK_OK);
    CHECK_EQ_INT(tx_decode(ctx, &d, raw.data, raw.len, NULL), ZK_ERR_TRAILING);
    raw.len--;

    /* High s (n - s with the other parity) is the same signature mathematically
     * but refused since EIP-2. */
    CHECK(tx_decode(ctx, &d, raw.data, raw.len, NULL) == ZK_OK);
    {
        static const char *N = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
        uint8_t n[32], hs[32];
        CHECK(hex_decode_fixed(n, 32, N, NULL) == ZK_OK);
        int borrow = 0;
        for (int i = 31; i >= 0; i--) {
            int x = n[i] - d.s[i] - borrow;
            borrow = x < 0;
            hs[i] = (uint8_t)(x + (borrow ? 256 : 0));
        }
        zk_buf forged;
        size_t mark, m2;
        buf_init(&forged, 0);
        CHECK(buf_append_byte(&forged, 2) == ZK_OK);
        rlp_list_begin(&forged, &mark);
        int rc = rlp_encode_uint64(&forged, d.tx.chain_id);
        rc |= rlp_encode_uint64(&forged, d.tx.nonce);
        rc |= rlp_encode_uint64(&forged, d.tx.max_priority_fee);
        rc |= rlp_encode_uint64(&forged, d.tx.max_fee);
        rc |= rlp_encode_uint64(&forged, d.tx.gas_limit);
        rc |= rlp_encode_bytes(&forged, d.tx.to, 20);
        rc |= rlp_encode_uint_be(&forged, d.tx.value, 32);
        rc |= rlp_encode_bytes(&forged, d.tx.data, d.tx.data_len);
        rlp_list_begin(&forged, &m2);
        rc |= rlp_list_end(&forged, m2);
        rc |= rlp_encode_uint64(&forged, d.y_parity ^ 1u);
        rc |= rlp_encode_uint_be(&forged, d.r, 32);
        rc |= rlp_encode_uint_be(&forged, hs, 32);
        rc |= rlp_list_end(&forged, mark);
        CHECK(rc == ZK_OK);
        CHECK_EQ_INT(tx_decode(ctx, &d, forged.data, forged.len, &err), ZK_ERR_REJECTED);
        buf_clear(&forged);
    }

    /* A non-empty access list, yParity 2 and a leading-zero nonce. */
    {
        struct {
            const char *what;
            int variant;
            int want;
        } t[] = {{"access list", 0, ZK_ERR_RANGE},
                 {"yParity 2", 1, ZK_ERR_RANGE},
                 {"nonce with a leading zero", 2, ZK_ERR_NONCANONICAL},
                 {"to of 19 bytes", 3, ZK_ERR_MALFORMED},
                 {"11 items", 4, ZK_ERR_MALFORMED}};
        for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
            CASE_BEGIN("forged: %s", t[k].what);
            zk_buf f;
            size_t mark, m2;
            static const uint8_t nonce_lz[2] = {0x00, 0x07};
            uint8_t one[32] = {0};
            one[31] = 1;
            buf_init(&f, 0);
            int rc = buf_append_byte(&f, 2);
            rlp_list_begin(&f, &mark);
            rc |= rlp_encode_uint64(&f, 1);
            if (t[k].variant == 2)
                rc |= rlp_encode_bytes(&f, nonce_lz, 2);
            else
                rc |= rlp_encode_uint64(&f, 7);
            rc |= rlp_encode_uint64(&f, 1);
            rc |= rlp_encode_uint64(&f, 2);
            rc |= rlp_encode_uint64(&f, 21000);
            rc |= rlp_encode_bytes(&f, one, t[k].variant == 3 ? 19 : 20);
            rc |= rlp_encode_uint64(&f, 0);
            rc |= rlp_encode_bytes(&f, NULL, 0);
            rlp_list_begin(&f, &m2);
            if (t[k].variant == 0) {
                size_t m3;
                rlp_list_begin(&f, &m3);
                rc |= rlp_encode_bytes(&f, one, 20);
                rc |= rlp_list_end(&f, m3);
            }
            rc |= rlp_list_end(&f, m2);
            rc |= rlp_encode_uint64(&f, t[k].variant == 1 ? 2 : 0);
            rc |= rlp_encode_uint_be(&f, one, 32);
            if (t[k].variant != 4) rc |= rlp_encode_uint_be(&f, one, 32);
            rc |= rlp_list_end(&f, mark);
            CHECK(rc == ZK_OK);
            CHECK_EQ_INT(tx_decode(ctx, &d, f.data, f.len, &err), t[k].want);
            CHECK(err.msg[0] != '\0');
            buf_clear(&f);
            CASE_END();
        }
    }

    /* Other type bytes and a pre-EIP-155 legacy v. */
    uint8_t t1[] = {0x01, 0xc0};
    CHECK_EQ_INT(tx_decode(ctx, &d, t1, sizeof(t1), NULL), ZK_ERR_MALFORMED);
    CHECK_EQ_INT(tx_decode(ctx, &d, t1, 0, NULL), ZK_ERR_TRUNCATED);
    {
        zk_buf f;
        size_t mark;
        uint8_t one[32] = {0};
        one[31] = 1;
        buf_init(&f, 0);
        rlp_list_begin(&f, &mark);
        int rc = 0;
        for (int i = 0; i < 3; i++)
            rc |= rlp_encode_uint64(&f, 1);
        rc |= rlp_encode_bytes(&f, one, 20);
        rc |= rlp_encode_uint64(&f, 0);
        rc |= rlp_encode_bytes(&f, NULL, 0);
        rc |= rlp_encode_uint64(&f, 27);
        rc |= rlp_encode_uint_be(&f, one, 32);
        rc |= rlp_encode_uint_be(&f, one, 32);
        rc |= rlp_list_end(&f, mark);
        CHECK(rc == ZK_OK);
        CHECK_EQ_INT(tx_decode(ctx, &d, f.data, f.len, &err), ZK_ERR_RANGE);
        CHECK(strstr(err.msg, "EIP-155") != NULL);
        buf_clear(&f);
    }
    buf_clear(&raw);
    zk_wipe(key, sizeof(key));
}

TEST(test_tx_sign_misuse)
{
    tx_eip1559 tx;
    uint8_t key[32] = {0}, hash[32];
    zk_buf raw;
    zk_errbuf err = {{0}, 0};
    memset(&tx, 0, sizeof(tx));
    tx.chain_id = 1;
    tx.max_fee = 10;
    tx.max_priority_fee = 11;
    buf_init(&raw, 0);
    key[31] = 1;
    CHECK_EQ_INT(tx_sign(ctx, &raw, hash, &tx, key, &err), ZK_ERR_USAGE);
    tx.max_priority_fee = 10;
    tx.data_len = 3; /* data NULL */
    CHECK_EQ_INT(tx_sign(ctx, &raw, hash, &tx, key, &err), ZK_ERR_USAGE);
    tx.data_len = 0;
    memset(key, 0, 32);
    CHECK_EQ_INT(tx_sign(ctx, &raw, hash, &tx, key, &err), ZK_ERR_RANGE);
    CHECK(strstr(err.msg, "secret key") != NULL);
    CHECK_EQ_INT(raw.len, 0);
    /* A raw buffer whose cap is too small: nothing is left behind. */
    zk_buf small;
    buf_init(&small, 40);
    key[31] = 1;
    CHECK_EQ_INT(tx_sign(ctx, &small, hash, &tx, key, &err), ZK_ERR_RANGE);
    CHECK_EQ_INT(small.len, 0);
    buf_clear(&small);
    tx_legacy lt;
    memset(&lt, 0, sizeof(lt));
    CHECK_EQ_INT(tx_sign_legacy(ctx, &raw, hash, &lt, key, &err), ZK_ERR_USAGE); /* chain 0 */
    buf_clear(&raw);
}

/* ---- fees ---- */

static json_t *history(const char *const *base, size_t nb, const char *const *tips, size_t nt)
{
    json_t *h = json_object(), *b = json_array(), *r = json_array();
    for (size_t i = 0; i < nb; i++)
        json_array_append_new(b, json_string(base[i]));
    for (size_t i = 0; i < nt; i++)
        json_array_append_new(r, json_pack("[s,s]", tips[i], "0x0"));
    json_object_set_new(h, "baseFeePerGas", b);
    json_object_set_new(h, "reward", r);
    json_object_set_new(h, "oldestBlock", json_string("0x10"));
    return h;
}

TEST(test_fees_suggest)
{
    const fees_caps caps = {100000000000ull, 5000000000ull, 100000000ull}; /* 100, 5, 0.1 gwei */
    fees_pair f;
    zk_errbuf err = {{0}, 0};
    /* Next base 2 gwei; tips 1, 3, 40 gwei: the median 3 ignores the outlier. */
    const char *base[] = {"0x3b9aca00", "0x59682f00", "0x77359400"};
    const char *tips[] = {"0x9502f9000", "0x3b9aca00", "0xb2d05e00"};
    json_t *h = history(base, 3, tips, 3);
    CHECK_MSG(fees_suggest(&f, h, &caps, &err) == ZK_OK, "%s", err.msg);
    CHECK_EQ_INT(f.max_priority_fee, 3000000000ull);
    CHECK_EQ_INT(f.max_fee, 2 * 2000000000ull + 3000000000ull);
    json_decref(h);

    /* A tip above the priority cap is clamped; none at all gives the floor. */
    const char *big[] = {"0x2540be400"}; /* 10 gwei */
    h = history(base, 3, big, 1);
    CHECK(fees_suggest(&f, h, &caps, NULL) == ZK_OK && f.max_priority_fee == caps.priority_cap);
    json_decref(h);
    h = history(base, 3, NULL, 0);
    CHECK(fees_suggest(&f, h, &caps, NULL) == ZK_OK && f.max_priority_fee == caps.priority_floor);
    json_decref(h);

    /* 2 * base + tip above the cap, base + tip below: max fee saturates. */
    const char *high[] = {"0x1"};
    const char *b60[] = {"0xdf8475800"}; /* 60 gwei */
    h = history(b60, 1, high, 1);
    CHECK(fees_suggest(&f, h, &caps, NULL) == ZK_OK);
    CHECK_EQ_INT(f.max_fee, caps.max_fee_cap);
    CHECK_EQ_INT(f.max_priority_fee, caps.priority_floor);
    json_decref(h);

    /* base + tip above the cap: refused, naming the numbers. */
    const char *b200[] = {"0x2e90edd000"}; /* 200 gwei */
    h = history(b200, 1, high, 1);
    CHECK_EQ_INT(fees_suggest(&f, h, &caps, &err), ZK_ERR_RANGE);
    CHECK(strstr(err.msg, "200000000000") != NULL && strstr(err.msg, "cap") != NULL);
    json_decref(h);

    /* Malformed answers. */
    const char *lz[] = {"0x01"};
    h = history(lz, 1, NULL, 0);
    CHECK_EQ_INT(fees_suggest(&f, h, &caps, &err), ZK_ERR_NONCANONICAL);
    json_decref(h);
    h = history(NULL, 0, NULL, 0);
    CHECK_EQ_INT(fees_suggest(&f, h, &caps, &err), ZK_ERR_MALFORMED);
    json_decref(h);
    const char *nothex[] = {"0xzz"};
    h = history(base, 3, nothex, 1);
    CHECK_EQ_INT(fees_suggest(&f, h, &caps, &err), ZK_ERR_MALFORMED);
    json_decref(h);
    h = json_pack("{s:[s], s:[[]]}", "baseFeePerGas", "0x1", "reward");
    CHECK_EQ_INT(fees_suggest(&f, h, &caps, &err), ZK_ERR_MALFORMED);
    json_decref(h);
    const fees_caps bad = {0, 1, 0};
    h = history(base, 3, NULL, 0);
    CHECK_EQ_INT(fees_suggest(&f, h, &bad, &err), ZK_ERR_USAGE);
    json_decref(h);
}

TEST(test_fees_bump)
{
    const fees_caps caps = {1000, 500, 0};
    fees_pair f, old = {100, 15};
    zk_errbuf err = {{0}, 0};
    CHECK(fees_bump(&f, &old, 10, &caps, &err) == ZK_OK);
    CHECK_EQ_INT(f.max_fee, 110);
    CHECK_EQ_INT(f.max_priority_fee, 17); /* ceil(16.5) */
    old = (fees_pair){0, 0};
    CHECK(fees_bump(&f, &old, 10, &caps, &err) == ZK_OK && f.max_fee == 1 &&
          f.max_priority_fee == 1);
    old = (fees_pair){100, 15};
    CHECK_EQ_INT(fees_bump(&f, &old, 9, &caps, &err), ZK_ERR_USAGE);
    CHECK(strstr(err.msg, "10") != NULL);
    old = (fees_pair){950, 15};
    CHECK_EQ_INT(fees_bump(&f, &old, 10, &caps, &err), ZK_ERR_RANGE);
    CHECK(strstr(err.msg, "max fee cap 1000") != NULL);
    old = (fees_pair){500, 480};
    CHECK_EQ_INT(fees_bump(&f, &old, 10, &caps, &err), ZK_ERR_RANGE);
    CHECK(strstr(err.msg, "priority cap 500") != NULL);
    const fees_caps huge = {UINT64_MAX, UINT64_MAX, 0};
    old = (fees_pair){UINT64_MAX - 5, 1};
    CHECK_EQ_INT(fees_bump(&f, &old, 10, &huge, &err), ZK_ERR_RANGE);
    /* In place, and geth's rule new >= old * (100 + 10) / 100 on random values. */
    for (int i = 0; i < 1000; i++) {
        fees_pair p = {th_rand64() >> (th_rand64() % 60 + 4), 0};
        p.max_priority_fee = p.max_fee >> (th_rand64() % 64);
        fees_pair o = p;
        unsigned pct = 10 + (unsigned)(th_rand64() % 50);
        CHECK(fees_bump(&p, &p, pct, &huge, NULL) == ZK_OK);
        unsigned __int128 need = (unsigned __int128)o.max_fee * (100 + pct) / 100;
        unsigned __int128 need_tip = (unsigned __int128)o.max_priority_fee * (100 + pct) / 100;
        CHECK(p.max_fee >= need && p.max_fee > o.max_fee);
        CHECK(p.max_priority_fee >= need_tip && p.max_priority_fee > o.max_priority_fee);
        CHECK(p.max_fee <= need + 1 && p.max_priority_fee <= p.max_fee);
    }
}

TEST(test_tx_teardown)
{
    ecdsa_context_free(ctx);
}

TEST_MAIN(RUN(test_tx_setup); RUN(test_tx_known_answers); RUN(test_tx_roundtrip);
          RUN(test_tx_forgeries); RUN(test_tx_sign_misuse); RUN(test_fees_suggest);
          RUN(test_fees_bump); RUN(test_tx_teardown))
