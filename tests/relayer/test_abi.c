/* Solidity ABI: the spec's worked examples (tests/vectors/abi, encoded and
 * decoded back), decoder negatives (offsets and lengths past the end,
 * truncation, dirty padding), revert data, builder misuse, random round trips. */
#include "harness.h"

#include "lightclient/hex.h"
#include "relayer/abi.h"

/* ---- a typed-value interpreter over the vector's "args" trees ---- */

static bool val_is_dynamic(const json_t *v)
{
    const char *t = json_string_value(json_object_get(v, "t"));
    if (th_streq(t, "bytes") || th_streq(t, "string") || th_streq(t, "array")) return true;
    if (th_streq(t, "tuple")) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(v, "items"), i, x) if (val_is_dynamic(x)) return true;
    }
    return false;
}

static void val_encode(abi_enc *e, const json_t *v)
{
    const char *t = json_string_value(json_object_get(v, "t"));
    const char *text = json_string_value(json_object_get(v, "text"));
    if (th_streq(t, "uint")) {
        uint8_t be[32];
        CHECK(hex_decode_padded(be, 32, json_string_value(json_object_get(v, "v")), NULL) == ZK_OK);
        abi_enc_uint_be(e, be, 32);
    } else if (th_streq(t, "bool")) {
        abi_enc_bool(e, json_is_true(json_object_get(v, "v")));
    } else if (th_streq(t, "bytesN")) {
        abi_enc_bytes_fixed(e, (const uint8_t *)text, strlen(text));
    } else if (th_streq(t, "bytes")) {
        abi_enc_bytes(e, (const uint8_t *)text, strlen(text));
    } else if (th_streq(t, "string")) {
        abi_enc_string(e, text);
    } else if (th_streq(t, "array") || th_streq(t, "tuple")) {
        if (th_streq(t, "array"))
            abi_enc_begin_array(e);
        else
            abi_enc_begin_tuple(e);
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(v, "items"), i, x) val_encode(e, x);
        abi_enc_end(e);
    } else {
        CHECK_MSG(false, "unknown arg type %s", t ? t : "(none)");
    }
}

/* Decodes one value of v's type from d and compares it with v. */
static bool val_decode_matches(abi_dec *d, const json_t *v)
{
    const char *t = json_string_value(json_object_get(v, "t"));
    const char *text = json_string_value(json_object_get(v, "text"));
    if (th_streq(t, "uint")) {
        uint8_t want[32], got[32];
        if (hex_decode_padded(want, 32, json_string_value(json_object_get(v, "v")), NULL))
            return false;
        return abi_dec_uint256(d, got) == ZK_OK && memcmp(want, got, 32) == 0;
    }
    if (th_streq(t, "bool")) {
        bool b;
        return abi_dec_bool(d, &b) == ZK_OK && b == json_is_true(json_object_get(v, "v"));
    }
    if (th_streq(t, "bytesN")) {
        uint8_t got[32];
        size_t n = strlen(text);
        return abi_dec_bytes_fixed(d, got, n) == ZK_OK && memcmp(got, text, n) == 0;
    }
    if (th_streq(t, "bytes") || th_streq(t, "string")) {
        const uint8_t *p;
        size_t n;
        return abi_dec_bytes(d, &p, &n, NULL) == ZK_OK && n == strlen(text) &&
               memcmp(p, text, n) == 0;
    }
    const json_t *items = json_object_get(v, "items");
    abi_dec sub;
    if (th_streq(t, "array")) {
        size_t count;
        if (abi_dec_array(d, &sub, &count, NULL) || count != json_array_size(items)) return false;
    } else if (th_streq(t, "tuple")) {
        if (!val_is_dynamic(v)) {
            sub = *d; /* a static tuple's words are in place */
        } else if (abi_dec_tuple(d, &sub, NULL)) {
            return false;
        }
    } else {
        return false;
    }
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) if (!val_decode_matches(&sub, x)) return false;
    if (th_streq(t, "tuple") && !val_is_dynamic(v)) *d = sub;
    return true;
}

/* The spec examples live in tests/vectors/abi (SOURCES.md there names the
 * spec's commit); make runs tests from the repository root. */
#define SPEC_EXAMPLES "tests/vectors/abi/spec_examples.json"

static json_t *load_spec(void)
{
    json_error_t jerr;
    json_t *j = json_load_file(SPEC_EXAMPLES, 0, &jerr);
    CHECK_MSG(j != NULL, "cannot load %s: %s", SPEC_EXAMPLES, jerr.text);
    return j;
}

static bool load_hex(uint8_t **out, size_t *len, const json_t *v)
{
    return json_is_string(v) && hex_decode_alloc(out, len, json_string_value(v), NULL) == ZK_OK;
}

/* Encodes each spec example and compares it byte for byte with the spec's
 * calldata, then decodes the spec's bytes back into the same values. */
TEST(test_abi_spec_examples)
{
    json_t *doc = load_spec();
    if (!doc) return;
    size_t i;
    json_t *c;
    CHECK(json_array_size(json_object_get(doc, "cases")) == 5);
    json_array_foreach(json_object_get(doc, "cases"), i, c)
    {
        CASE_BEGIN("%s", json_string_value(json_object_get(c, "name")));
        uint8_t *want = NULL;
        size_t want_len = 0;
        CHECK(load_hex(&want, &want_len, json_object_get(c, "calldata")));
        abi_enc e;
        zk_buf out;
        zk_errbuf err = {{0}, 0};
        buf_init(&out, 0);
        abi_enc_init(&e, 0);
        abi_enc_selector(&e, json_string_value(json_object_get(c, "signature")));
        size_t j;
        json_t *a;
        json_array_foreach(json_object_get(c, "args"), j, a) val_encode(&e, a);
        int rc = abi_enc_finish(&e, &out, &err);
        CHECK_MSG(rc == ZK_OK, "finish: %s", err.msg);
        CHECK_EQ_INT(out.len, want_len);
        if (want && out.len == want_len) CHECK_MEM(out.data, want, want_len);
        /* Decode the spec's own bytes (not ours) back to the arguments. */
        abi_dec d;
        abi_dec_init(&d, want + 4, want_len - 4);
        json_array_foreach(json_object_get(c, "args"), j, a) CHECK(val_decode_matches(&d, a));
        CHECK_EQ_INT(d.pos, d.len - (d.len - d.pos)); /* pos stays within the buffer */
        abi_enc_clear(&e);
        buf_clear(&out);
        free(want);
        CASE_END();
    }
    json_decref(doc);
}

/* The selectors the spec names, and the two revert selectors. */
TEST(test_abi_selectors)
{
    static const struct {
        const char *sig;
        uint32_t sel;
    } t[] = {{"baz(uint32,bool)", 0xcdcd77c0},
             {"bar(bytes3[2])", 0xfce353f6},
             {"sam(bytes,bool,uint256[])", 0xa5643bf2},
             {"Error(string)", 0x08c379a0},
             {"Panic(uint256)", 0x4e487b71},
             {"transfer(address,uint256)", 0xa9059cbb}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        uint8_t s[4], want[4];
        abi_selector(s, t[i].sig);
        be32_store(want, t[i].sel);
        CHECK_MSG(memcmp(s, want, 4) == 0, "selector of %s", t[i].sig);
    }
    /* keccak256("Transfer(address,address,uint256)"), the ERC-20 event topic. */
    uint8_t topic[32], want[32];
    abi_event_topic(topic, "Transfer(address,address,uint256)");
    CHECK(hex_decode_fixed(want, 32,
                           "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                           NULL) == ZK_OK);
    CHECK_MEM(topic, want, 32);
}

/* sam's spec encoding without its selector, for the negatives below. */
static bool sam_args(uint8_t **buf, size_t *len)
{
    json_t *doc = load_spec();
    if (!doc) return false;
    uint8_t *all = NULL;
    size_t n = 0;
    bool ok = load_hex(
        &all, &n, json_object_get(json_array_get(json_object_get(doc, "cases"), 2), "calldata"));
    json_decref(doc);
    CHECK(ok && n == 292);
    if (!ok || n != 292) {
        free(all);
        return false;
    }
    memmove(all, all + 4, n - 4);
    *buf = all;
    *len = n - 4;
    return true;
}

static void put_word_u64(uint8_t *w, uint64_t v)
{
    memset(w, 0, 24);
    be64_store(w + 24, v);
}

TEST(test_abi_decode_negatives)
{
    uint8_t *b;
    size_t n;
    if (!sam_args(&b, &n)) return;
    abi_dec d, sub;
    const uint8_t *p;
    size_t len, count;
    bool flag;
    zk_errbuf err = {{0}, 0};

    /* Untouched: bytes "dave", true, [1,2,3]. */
    abi_dec_init(&d, b, n);
    CHECK(abi_dec_bytes(&d, &p, &len, &err) == ZK_OK && len == 4 && memcmp(p, "dave", 4) == 0);
    CHECK(abi_dec_bool(&d, &flag) == ZK_OK && flag);
    CHECK(abi_dec_array(&d, &sub, &count, &err) == ZK_OK && count == 3);

    struct {
        const char *what;
        size_t at;  /* word index to overwrite */
        uint64_t v; /* new low 64 bits */
        bool high;  /* set a high byte instead (value beyond 64 bits) */
        int which;  /* 0 bytes, 2 array */
        int want;
    } neg[] = {
        {"bytes offset == len", 0, 288, false, 0, ZK_ERR_RANGE},
        {"bytes offset past end", 0, 1u << 20, false, 0, ZK_ERR_RANGE},
        {"bytes offset beyond 64 bits", 0, 0x60, true, 0, ZK_ERR_RANGE},
        {"bytes offset leaves no length word", 0, 288 - 31, false, 0, ZK_ERR_RANGE},
        {"bytes length past end", 3, 200, false, 0, ZK_ERR_RANGE},
        {"bytes length 2^64-1", 3, UINT64_MAX, false, 0, ZK_ERR_RANGE},
        {"bytes length beyond 64 bits", 3, 4, true, 0, ZK_ERR_RANGE},
        {"array offset past end", 2, 4096, false, 2, ZK_ERR_RANGE},
        {"array count past end", 5, 6, false, 2, ZK_ERR_RANGE},
        {"array count 2^64-1", 5, UINT64_MAX, false, 2, ZK_ERR_RANGE},
    };
    for (size_t i = 0; i < sizeof(neg) / sizeof(neg[0]); i++) {
        CASE_BEGIN("%s", neg[i].what);
        uint8_t *m = malloc(n);
        memcpy(m, b, n);
        put_word_u64(m + 32 * neg[i].at, neg[i].v);
        if (neg[i].high) m[32 * neg[i].at] = 1;
        abi_dec_init(&d, m, n);
        if (neg[i].which == 2) {
            d.pos = 64;
            CHECK_EQ_INT(abi_dec_array(&d, &sub, &count, &err), neg[i].want);
        } else {
            CHECK_EQ_INT(abi_dec_bytes(&d, &p, &len, &err), neg[i].want);
        }
        CHECK(err.msg[0] != '\0');
        CHECK_EQ_INT(d.pos, neg[i].which == 2 ? 64 : 0); /* no advance on failure */
        free(m);
        CASE_END();
    }

    /* Truncated: every proper prefix either fails cleanly or, when the
     * pieces still fit, yields different counts; never reads past n. */
    for (size_t cut = 0; cut < n; cut += 1) {
        abi_dec_init(&d, b, cut);
        int rc = abi_dec_bytes(&d, &p, &len, NULL);
        if (!rc) rc = abi_dec_bool(&d, &flag);
        if (!rc) rc = abi_dec_array(&d, &sub, &count, NULL);
        uint64_t x;
        for (size_t k = 0; !rc && k < count; k++)
            rc = abi_dec_uint64(&sub, &x);
        CHECK_MSG(rc != ZK_OK, "prefix of %zu bytes decoded", cut);
    }
    abi_dec_init(&d, b, 16);
    CHECK_EQ_INT(abi_dec_bool(&d, &flag), ZK_ERR_TRUNCATED);
    abi_dec_init(&d, NULL, 0);
    CHECK_EQ_INT(abi_dec_uint64(&d, &(uint64_t){0}), ZK_ERR_TRUNCATED);
    free(b);

    /* Dirty padding in static words. */
    uint8_t w[32] = {0};
    uint64_t v;
    uint8_t addr[20], b3[3];
    w[31] = 2;
    abi_dec_init(&d, w, 32);
    CHECK_EQ_INT(abi_dec_bool(&d, &flag), ZK_ERR_NONCANONICAL);
    w[31] = 1;
    w[0] = 1;
    CHECK_EQ_INT(abi_dec_bool(&d, &flag), ZK_ERR_NONCANONICAL);
    CHECK_EQ_INT(abi_dec_address(&d, addr), ZK_ERR_NONCANONICAL);
    CHECK_EQ_INT(abi_dec_uint64(&d, &v), ZK_ERR_RANGE);
    memset(w, 0, 32);
    w[3] = 0x80;
    CHECK_EQ_INT(abi_dec_bytes_fixed(&d, b3, 3), ZK_ERR_NONCANONICAL);
    CHECK_EQ_INT(abi_dec_bytes_fixed(&d, b3, 0), ZK_ERR_USAGE);
    w[3] = 0;
    w[11] = 0x01; /* address padding is the first 12 bytes */
    CHECK_EQ_INT(abi_dec_address(&d, addr), ZK_ERR_NONCANONICAL);
    w[11] = 0;
    w[12] = 0xaa;
    CHECK_EQ_INT(abi_dec_address(&d, addr), ZK_OK);
    CHECK_EQ_INT(addr[0], 0xaa);
}

/* Builds revert data with the encoder, as a contract would return it. */
static void build(zk_buf *out, const char *sig, int kind, const char *s, uint64_t v)
{
    abi_enc e;
    abi_enc_init(&e, 0);
    abi_enc_selector(&e, sig);
    if (kind == 0) abi_enc_string(&e, s);
    if (kind == 1) abi_enc_uint64(&e, v);
    if (kind == 2) {
        abi_enc_uint64(&e, v);
        abi_enc_string(&e, s);
    }
    out->len = 0;
    CHECK(abi_enc_finish(&e, out, NULL) == ZK_OK);
    abi_enc_clear(&e);
}

TEST(test_abi_revert)
{
    zk_buf b;
    abi_revert r;
    char line[300];
    zk_errbuf err = {{0}, 0};
    buf_init(&b, 0);

    build(&b, "Error(string)", 0, "Inbox: already delivered", 0);
    CHECK(abi_revert_decode(&r, b.data, b.len, &err) == ZK_OK);
    CHECK_EQ_INT(r.kind, ABI_REVERT_ERROR);
    CHECK(th_streq(r.reason, "Inbox: already delivered"));
    abi_revert_format(line, sizeof(line), &r);
    CHECK(th_streq(line, "Error(\"Inbox: already delivered\")"));

    /* A reason with a newline and an escape cannot forge a log line. */
    build(&b, "Error(string)", 0, "bad\n\x1b[31mred", 0);
    CHECK(abi_revert_decode(&r, b.data, b.len, &err) == ZK_OK);
    CHECK(th_streq(r.reason, "bad..[31mred"));

    build(&b, "Panic(uint256)", 1, NULL, 0x11);
    CHECK(abi_revert_decode(&r, b.data, b.len, &err) == ZK_OK);
    CHECK_EQ_INT(r.kind, ABI_REVERT_PANIC);
    CHECK_EQ_INT(r.panic_code, 0x11);
    abi_revert_format(line, sizeof(line), &r);
    CHECK(th_streq(line, "Panic(0x11: arithmetic overflow or underflow)"));

    /* A custom error: the caller gets the selector to name it, and its args. */
    build(&b, "AlreadyDelivered(uint64,string)", 2, "x", 7);
    CHECK(abi_revert_decode(&r, b.data, b.len, &err) == ZK_OK);
    CHECK_EQ_INT(r.kind, ABI_REVERT_CUSTOM);
    uint8_t sel[4];
    abi_selector(sel, "AlreadyDelivered(uint64,string)");
    CHECK_MEM(r.selector, sel, 4);
    CHECK_EQ_INT(r.args_len, b.len - 4);
    abi_dec d;
    uint64_t id = 0;
    const uint8_t *p;
    size_t n;
    abi_dec_init(&d, r.args, r.args_len);
    CHECK(abi_dec_uint64(&d, &id) == ZK_OK && id == 7);
    CHECK(abi_dec_bytes(&d, &p, &n, NULL) == ZK_OK && n == 1 && p[0] == 'x');

    CHECK(abi_revert_decode(&r, NULL, 0, &err) == ZK_OK);
    CHECK_EQ_INT(r.kind, ABI_REVERT_EMPTY);

    /* Negatives: a partial selector, Error/Panic bodies cut or forged. */
    CHECK_EQ_INT(abi_revert_decode(&r, b.data, 3, &err), ZK_ERR_TRUNCATED);
    build(&b, "Error(string)", 0, "abc", 0);
    CHECK_EQ_INT(abi_revert_decode(&r, b.data, 4 + 16, &err), ZK_ERR_TRUNCATED);
    CHECK(abi_revert_decode(&r, b.data, b.len - 32, &err) == ZK_ERR_RANGE); /* data word cut */
    b.data[4 + 31] = 0xff; /* offset 0xff: past the end */
    CHECK_EQ_INT(abi_revert_decode(&r, b.data, b.len, &err), ZK_ERR_RANGE);
    CHECK(strstr(err.msg, "offset") != NULL);
    build(&b, "Panic(uint256)", 1, NULL, 1);
    b.data[4] = 1; /* a code beyond 64 bits */
    CHECK_EQ_INT(abi_revert_decode(&r, b.data, b.len, &err), ZK_ERR_RANGE);
    CHECK_EQ_INT(abi_revert_decode(&r, b.data, 4 + 31, &err), ZK_ERR_TRUNCATED);
    buf_clear(&b);
}

/* The relayer's own call: deliver(uint256[2],uint256[2][2],uint256[2],uint64,
 * uint64,address,address,bytes), static fixed arrays in place, then bytes. */
TEST(test_abi_deliver_roundtrip)
{
    uint8_t words[8][32], a1[20], a2[20], msg[70];
    th_rand_bytes(&words[0][0], sizeof(words));
    th_rand_bytes(a1, 20);
    th_rand_bytes(a2, 20);
    th_rand_bytes(msg, sizeof(msg));
    abi_enc e;
    zk_buf out;
    buf_init(&out, 0);
    abi_enc_init(&e, 0);
    abi_enc_selector(&e, "deliver(uint256[2],uint256[2][2],uint256[2],uint64,uint64,address,"
                         "address,bytes)");
    abi_enc_begin_tuple(&e);
    abi_enc_uint_be(&e, words[0], 32);
    abi_enc_uint_be(&e, words[1], 32);
    abi_enc_end(&e);
    abi_enc_begin_tuple(&e);
    for (int i = 0; i < 2; i++) {
        abi_enc_begin_tuple(&e);
        abi_enc_uint_be(&e, words[2 + 2 * i], 32);
        abi_enc_uint_be(&e, words[3 + 2 * i], 32);
        abi_enc_end(&e);
    }
    abi_enc_end(&e);
    abi_enc_begin_tuple(&e);
    abi_enc_uint_be(&e, words[6], 32);
    abi_enc_uint_be(&e, words[7], 32);
    abi_enc_end(&e);
    abi_enc_uint64(&e, 5);
    abi_enc_uint64(&e, UINT64_MAX);
    abi_enc_address(&e, a1);
    abi_enc_address(&e, a2);
    abi_enc_bytes(&e, msg, sizeof(msg));
    CHECK(abi_enc_finish(&e, &out, NULL) == ZK_OK);
    /* 4 + 13 head words + length word + 3 padded data words. */
    CHECK_EQ_INT(out.len, 4 + 32 * 13 + 32 + 96);
    abi_dec d;
    abi_dec_init(&d, out.data + 4, out.len - 4);
    uint8_t w[32], ad[20];
    uint64_t v;
    for (int i = 0; i < 8; i++) {
        CHECK(abi_dec_uint256(&d, w) == ZK_OK);
        CHECK_MEM(w, words[i], 32);
    }
    CHECK(abi_dec_uint64(&d, &v) == ZK_OK && v == 5);
    CHECK(abi_dec_uint64(&d, &v) == ZK_OK && v == UINT64_MAX);
    CHECK(abi_dec_address(&d, ad) == ZK_OK && memcmp(ad, a1, 20) == 0);
    CHECK(abi_dec_address(&d, ad) == ZK_OK && memcmp(ad, a2, 20) == 0);
    const uint8_t *p;
    size_t n;
    CHECK(abi_dec_bytes(&d, &p, &n, NULL) == ZK_OK && n == sizeof(msg) && !memcmp(p, msg, n));
    /* The offset of bytes (head word 12) is the head size: 13 words = 0x1a0. */
    CHECK_EQ_INT(out.data[4 + 32 * 12 + 31], 0xa0);
    CHECK_EQ_INT(out.data[4 + 32 * 12 + 30], 0x01);
    abi_enc_clear(&e);
    buf_clear(&out);

    /* int64 sign extension, bytes32, empty bytes (a length word only). */
    buf_init(&out, 0);
    abi_enc_init(&e, 0);
    abi_enc_int64(&e, -2);
    abi_enc_bytes_fixed(&e, words[0], 32);
    abi_enc_bytes(&e, NULL, 0);
    CHECK(abi_enc_finish(&e, &out, NULL) == ZK_OK);
    CHECK_EQ_INT(out.len, 32 * 3 + 32);
    CHECK(out.data[0] == 0xff && out.data[31] == 0xfe);
    abi_dec_init(&d, out.data, out.len);
    d.pos = 64;
    CHECK(abi_dec_bytes(&d, &p, &n, NULL) == ZK_OK && n == 0 && p != NULL);
    abi_enc_clear(&e);
    buf_clear(&out);
}

TEST(test_abi_encoder_misuse)
{
    abi_enc e;
    zk_buf out;
    zk_errbuf err = {{0}, 0};
    uint8_t big[64] = {0};
    buf_init(&out, 0);

    abi_enc_init(&e, 0);
    CHECK_EQ_INT(abi_enc_end(&e), ZK_ERR_USAGE);
    CHECK_EQ_INT(abi_enc_uint64(&e, 1), ZK_ERR_USAGE); /* sticky */
    CHECK_EQ_INT(abi_enc_finish(&e, &out, &err), ZK_ERR_USAGE);
    CHECK(strstr(err.msg, "abi_enc_end") != NULL);
    abi_enc_clear(&e);

    abi_enc_init(&e, 0);
    abi_enc_begin_array(&e);
    CHECK_EQ_INT(abi_enc_finish(&e, &out, &err), ZK_ERR_USAGE); /* left open */
    abi_enc_clear(&e);

    abi_enc_init(&e, 0);
    for (int i = 0; i < ABI_MAX_DEPTH; i++)
        CHECK_EQ_INT(abi_enc_begin_array(&e), ZK_OK);
    CHECK_EQ_INT(abi_enc_begin_tuple(&e), ZK_ERR_RANGE);
    abi_enc_clear(&e);

    abi_enc_init(&e, 0);
    CHECK_EQ_INT(abi_enc_bytes_fixed(&e, big, 33), ZK_ERR_RANGE);
    abi_enc_clear(&e);
    abi_enc_init(&e, 0);
    CHECK_EQ_INT(abi_enc_uint_be(&e, big, 33), ZK_ERR_RANGE);
    abi_enc_clear(&e);

    /* The cap: 3 words fit in 100 bytes, the 4th does not. */
    abi_enc_init(&e, 100);
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(abi_enc_uint64(&e, 1), ZK_OK);
    CHECK_EQ_INT(abi_enc_uint64(&e, 1), ZK_ERR_RANGE);
    CHECK_EQ_INT(abi_enc_finish(&e, &out, &err), ZK_ERR_RANGE);
    CHECK_EQ_INT(out.len, 0);
    abi_enc_clear(&e);
    buf_clear(&out);
}

/* Random nested shapes: bytes[] of random lengths inside a tuple with a
 * uint, encoded and decoded back. */
TEST(test_abi_random_roundtrip)
{
    for (int iter = 0; iter < 200; iter++) {
        size_t n = (size_t)(th_rand64() % 6);
        uint8_t data[6][80];
        size_t lens[6];
        uint64_t x = th_rand64();
        abi_enc e;
        zk_buf out;
        buf_init(&out, 0);
        abi_enc_init(&e, 0);
        abi_enc_begin_tuple(&e);
        abi_enc_uint64(&e, x);
        abi_enc_begin_array(&e);
        for (size_t i = 0; i < n; i++) {
            lens[i] = (size_t)(th_rand64() % 80);
            th_rand_bytes(data[i], lens[i]);
            abi_enc_bytes(&e, data[i], lens[i]);
        }
        abi_enc_end(&e);
        abi_enc_end(&e);
        CHECK(abi_enc_finish(&e, &out, NULL) == ZK_OK);
        abi_dec d, t, a;
        size_t count;
        uint64_t y;
        abi_dec_init(&d, out.data, out.len);
        CHECK(abi_dec_tuple(&d, &t, NULL) == ZK_OK);
        CHECK(abi_dec_uint64(&t, &y) == ZK_OK && y == x);
        CHECK(abi_dec_array(&t, &a, &count, NULL) == ZK_OK && count == n);
        for (size_t i = 0; i < n && i < count; i++) {
            const uint8_t *p;
            size_t l;
            CHECK(abi_dec_bytes(&a, &p, &l, NULL) == ZK_OK && l == lens[i] &&
                  memcmp(p, data[i], l) == 0);
        }
        abi_enc_clear(&e);
        buf_clear(&out);
    }
}

TEST_MAIN(RUN(test_abi_spec_examples); RUN(test_abi_selectors); RUN(test_abi_decode_negatives);
          RUN(test_abi_revert); RUN(test_abi_deliver_roundtrip); RUN(test_abi_encoder_misuse);
          RUN(test_abi_random_roundtrip))
