/* In-circuit byte selection (prover/gadget_select.h) and RLP decoding
 * (prover/gadget_rlp.h): every accepted witness is checked against lightclient/rlp.h
 * or the receipt JSON, and every rejection both ways: the builder refuses a false
 * statement, and a corrupted witness leaves the system unsatisfied. */
#include "harness.h"

#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "lightclient/receipt.h"
#include "lightclient/rlp.h"
#include "prover/gadget_rlp.h"
#include "prover/gadget_select.h"

/* A system with its circ, built fresh for each statement. */
typedef struct tc {
    r1cs cs;
    circ c;
} tc;

static void tc_init(tc *t)
{
    CHECK(r1cs_init(&t->cs) == ZK_OK);
    circ_init(&t->c, &t->cs);
}

static void tc_clear(tc *t)
{
    circ_clear(&t->c);
    r1cs_clear(&t->cs);
}

static bool tc_sat(const tc *t)
{
    return r1cs_is_satisfied(&t->cs, NULL, NULL) == ZK_OK;
}

/* Out: bits[0..8n) new constrained bits holding bytes. */
static void alloc_bytes(circ *c, r1cs_var *bits, const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < 8 * n; i++)
        bits[i] = circ_bit(c, (bytes[i / 8] >> (i % 8)) & 1);
}

static uint64_t val(tc *t, r1cs_var v)
{
    return circ_val_u64(&t->c, v);
}

static void set_u64(tc *t, r1cs_var v, uint64_t x)
{
    fr f;
    fr_from_u64(&f, x);
    r1cs_set_value(&t->cs, v, &f);
}

/* Bytes of a byte-bit array's witness. */
static void bits_to_bytes(tc *t, uint8_t *out, const r1cs_var *bits, size_t n)
{
    memset(out, 0, n);
    for (size_t i = 0; i < 8 * n; i++)
        if (val(t, bits[i])) out[i / 8] |= (uint8_t)(1u << (i % 8));
}

/* Adds 1 to v's witness (any corruption of a forced value). */
static void bump(tc *t, r1cs_var v)
{
    fr f, one;
    fr_set_one(&one);
    fr_add(&f, circ_val(&t->c, v), &one);
    r1cs_set_value(&t->cs, v, &f);
}

TEST(onehot_exhaustive)
{
    /* every index of a 5-position indicator, in and out of range */
    for (uint64_t idx = 0; idx < 8; idx++) {
        CASE_BEGIN("onehot idx %" PRIu64, idx);
        tc t;
        tc_init(&t);
        r1cs_var ind[5];
        r1cs_var iv = circ_var_u64(&t.c, idx);
        gsel_onehot(&t.c, iv, 5, ind);
        if (idx < 5) {
            CHECK(circ_status(&t.c, NULL) == ZK_OK);
            CHECK(tc_sat(&t));
            for (size_t i = 0; i < 5; i++)
                CHECK_EQ_INT(val(&t, ind[i]), i == idx);
            /* moving the set bit, clearing it, or setting a second one */
            size_t q = (idx + 1) % 5;
            set_u64(&t, ind[idx], 0);
            set_u64(&t, ind[q], 1);
            CHECK(!tc_sat(&t));
            set_u64(&t, ind[q], 0);
            CHECK(!tc_sat(&t));
            set_u64(&t, ind[idx], 1);
            CHECK(tc_sat(&t));
            set_u64(&t, ind[q], 1);
            CHECK(!tc_sat(&t));
            set_u64(&t, ind[q], 0);
            set_u64(&t, iv, (idx + 5) % 8);
            CHECK(!tc_sat(&t));
        } else {
            CHECK_EQ_INT(circ_status(&t.c, NULL), ZK_ERR_RANGE);
            CHECK(!tc_sat(&t));
        }
        tc_clear(&t);
        CASE_END();
    }
}

/* One window of w bytes at off in a random array of n: both gsel_window and
 * gsel_assert_window, with their forgeries. Returns the constraints gsel_window took. */
static size_t check_window(size_t n, size_t w, size_t off)
{
    uint8_t *arr = malloc(n), *got = malloc(w);
    r1cs_var *bits = malloc(8 * n * sizeof *bits), *out = malloc(8 * w * sizeof *out),
             *want = malloc(8 * w * sizeof *want);
    th_rand_bytes(arr, n);
    tc t;
    tc_init(&t);
    alloc_bytes(&t.c, bits, arr, n);
    r1cs_var ov = circ_var_u64(&t.c, off);
    size_t before = t.cs.n_cons;
    gsel_window(&t.c, bits, n, ov, w, out);
    size_t cost = t.cs.n_cons - before;
    CHECK(circ_status(&t.c, NULL) == ZK_OK);
    CHECK(tc_sat(&t));
    bits_to_bytes(&t, got, out, w);
    CHECK_MEM(got, arr + off, w);
    /* another offset, or a flipped output bit */
    set_u64(&t, ov, off == 0 ? 1 : off - 1);
    CHECK(!tc_sat(&t));
    set_u64(&t, ov, off);
    size_t b = th_rand64() % (8 * w);
    set_u64(&t, out[b], !val(&t, out[b]));
    CHECK(!tc_sat(&t));
    tc_clear(&t);

    /* the assertion: right bytes, then one wrong byte (refused and unsatisfied) */
    for (int wrong = 0; wrong < 2; wrong++) {
        tc_init(&t);
        alloc_bytes(&t.c, bits, arr, n);
        memcpy(got, arr + off, w);
        if (wrong) got[th_rand64() % w] ^= (uint8_t)(1u << (th_rand64() % 8));
        alloc_bytes(&t.c, want, got, w);
        ov = circ_var_u64(&t.c, off);
        gsel_assert_window(&t.c, bits, n, ov, w, want);
        CHECK_EQ_INT(circ_status(&t.c, NULL), wrong ? ZK_ERR_MISMATCH : ZK_OK);
        CHECK(tc_sat(&t) == !wrong);
        if (!wrong && off + w < n) {
            set_u64(&t, ov, off + 1);
            CHECK(!tc_sat(&t));
        }
        tc_clear(&t);
    }
    free(arr);
    free(got);
    free(bits);
    free(out);
    free(want);
    return cost;
}

TEST(select_windows)
{
    static const size_t shapes[][2] = {{1, 1},   {7, 1},   {40, 1},   {40, 5},   {40, 20},
                                       {40, 32}, {40, 40}, {100, 31}, {100, 32}, {100, 63}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t n = shapes[s][0], w = shapes[s][1];
        size_t offs[3] = {0, n - w, (size_t)(th_rand64() % (n - w + 1))};
        for (size_t k = 0; k < 3; k++) {
            CASE_BEGIN("window n=%zu w=%zu off=%zu", n, w, offs[k]);
            check_window(n, w, offs[k]);
            CASE_END();
        }
    }
    /* a long window, where the barrel shifter is the cheaper: under the one-hot cost of
     * (n - w + 1) * (1 + ceil(w / 31)) + 8w */
    CASE_BEGIN("window barrel n=1600 w=800");
    size_t cost = check_window(1600, 800, (size_t)(th_rand64() % 801));
    CHECK_MSG(cost < 801u * 27u + 8u * 800u, "barrel window took %zu constraints", cost);
    CASE_END();
}

TEST(select_refusals)
{
    uint8_t arr[16];
    r1cs_var bits[128], out[64];
    th_rand_bytes(arr, sizeof arr);
    for (int k = 0; k < 4; k++) {
        CASE_BEGIN("select refusal %d", k);
        tc t;
        tc_init(&t);
        alloc_bytes(&t.c, bits, arr, 16);
        if (k == 0) {
            /* byte_at past the end */
            gsel_byte_at(&t.c, bits, 16, circ_var_u64(&t.c, 16));
            CHECK_EQ_INT(circ_status(&t.c, NULL), ZK_ERR_RANGE);
            CHECK(!tc_sat(&t));
        } else if (k == 1) {
            /* a window running one byte past the end */
            gsel_window(&t.c, bits, 16, circ_var_u64(&t.c, 9), 8, out);
            CHECK_EQ_INT(circ_status(&t.c, NULL), ZK_ERR_RANGE);
        } else if (k == 2) {
            /* an offset that wraps around: r - 1 */
            fr m1;
            fr_set_one(&m1);
            fr_neg(&m1, &m1);
            gsel_window(&t.c, bits, 16, circ_var(&t.c, &m1), 8, out);
            CHECK_EQ_INT(circ_status(&t.c, NULL), ZK_ERR_RANGE);
        } else {
            /* every byte_at read, then a corrupted read and indicator */
            r1cs_var offv = circ_var_u64(&t.c, 0), r = R1CS_ONE;
            for (uint64_t i = 0; i < 16; i++) {
                set_u64(&t, offv, i);
                tc u;
                tc_init(&u);
                r1cs_var ub[128];
                alloc_bytes(&u.c, ub, arr, 16);
                r1cs_var uo = circ_var_u64(&u.c, i);
                r = gsel_byte_at(&u.c, ub, 16, uo);
                CHECK(tc_sat(&u));
                CHECK_EQ_INT(val(&u, r), arr[i]);
                bump(&u, r);
                CHECK(!tc_sat(&u));
                tc_clear(&u);
            }
        }
        tc_clear(&t);
        CASE_END();
    }
}

/* The independent header decode: the lengths of the item at in[0..] if its prefix is
 * canonical (lightclient/rlp.h validates the whole item, nested content included, so it
 * decides only strings; list prefixes are checked here rule by rule). */
static bool ref_item(const uint8_t *in, size_t len, size_t *hdr, size_t *plen, bool *is_list)
{
    rlp_item it;
    zk_cursor cur = {in, len};
    if (len == 0) return false;
    if (in[0] < 0xc0) {
        if (rlp_next(&cur, &it, NULL) != ZK_OK) return false;
        *hdr = it.raw_len - it.payload_len;
        *plen = it.payload_len;
        *is_list = false;
        return true;
    }
    size_t ll = 0, n = 0;
    if (in[0] <= 0xf7) {
        n = in[0] - 0xc0u;
    } else {
        ll = in[0] - 0xf7u;
        if (ll > len - 1 || in[1] == 0) return false;
        for (size_t i = 0; i < ll; i++)
            n = (n << 8) | in[1 + i];
        if (n <= 55) return false;
    }
    if (1 + ll + n > len) return false;
    *hdr = 1 + ll;
    *plen = n;
    *is_list = true;
    return true;
}

/* gr_item_at on in[0..len) placed at off in an array of n (padding random), limit
 * off + len; compares with ref_item. Returns whether the gadget accepted. */
static bool check_item(const uint8_t *in, size_t len, size_t off, size_t n, bool corrupt)
{
    uint8_t *arr = malloc(n);
    r1cs_var *bits = malloc(8 * n * sizeof *bits);
    th_rand_bytes(arr, n);
    memcpy(arr + off, in, len);
    tc t;
    tc_init(&t);
    alloc_bytes(&t.c, bits, arr, n);
    gr_item it;
    r1cs_var ov = circ_var_u64(&t.c, off), lim = circ_var_u64(&t.c, off + len);
    gr_item_at(&t.c, bits, n, ov, lim, &it);
    size_t hdr = 0, plen = 0;
    bool is_list = false, ok = ref_item(in, len, &hdr, &plen, &is_list);
    bool got = circ_status(&t.c, NULL) == ZK_OK;
    CHECK_MSG(got == ok, "gadget %d, reference %d on %02x %02x (len %zu)", got, ok, in[0],
              len > 1 ? in[1] : 0, len);
    /* the constraints themselves agree with the verdict */
    CHECK(tc_sat(&t) == ok);
    if (got && ok) {
        CHECK_EQ_INT(val(&t, it.is_list), is_list);
        CHECK_EQ_INT(val(&t, it.payload_len), plen);
        CHECK_EQ_INT(val(&t, it.payload_off), off + hdr);
        CHECK_EQ_INT(val(&t, it.end), off + hdr + plen);
        CHECK_EQ_INT(val(&t, it.off), off);
        if (corrupt) {
            /* any forced value moved: unsatisfied */
            r1cs_var f[4] = {it.payload_off, it.payload_len, it.end, it.is_list};
            for (size_t i = 0; i < 4; i++) {
                fr keep = *circ_val(&t.c, f[i]);
                bump(&t, f[i]);
                CHECK(!tc_sat(&t));
                r1cs_set_value(&t.cs, f[i], &keep);
            }
            CHECK(tc_sat(&t));
            /* pointing at another byte (a wrong offset witness) */
            set_u64(&t, ov, off + 1);
            CHECK(!tc_sat(&t));
        }
    }
    tc_clear(&t);
    free(arr);
    free(bits);
    return got;
}

TEST(item_short_inputs)
{
    /* every prefix byte with a set of second bytes, in a 2-byte bound: the edges of each
     * form (0x7f/0x80, 0xb7/0xb8, 0xbf/0xc0, 0xf7/0xf8) and their canonical rules */
    static const uint8_t seconds[] = {0x00, 0x01, 0x37, 0x38, 0x7f, 0x80, 0x81, 0xff};
    int accepted = 0;
    for (unsigned a = 0; a < 256; a++) {
        CASE_BEGIN("rlp prefix 0x%02x", a);
        for (size_t s = 0; s < sizeof seconds; s++) {
            uint8_t in[2] = {(uint8_t)a, seconds[s]};
            accepted += check_item(in, 2, 1, 4, a == 0x81 && s == 6);
            accepted += check_item(in, 1, 0, 3, false);
        }
        CASE_END();
    }
    CHECK(accepted > 256);
}

/* A random RLP value of about budget bytes: strings at the length edges, nested lists. */
static int rand_rlp(zk_buf *b, size_t budget, int depth)
{
    static const size_t lens[] = {0, 1, 1, 2, 20, 32, 55, 56, 57, 255, 256, 300};
    uint64_t r = th_rand64();
    if (depth < 3 && r % 3 == 0) {
        size_t mark;
        rlp_list_begin(b, &mark);
        size_t k = (size_t)(th_rand64() % 5);
        for (size_t i = 0; i < k; i++)
            if (rand_rlp(b, budget / (k + 1), depth + 1) != ZK_OK) return ZK_ERR_INTERNAL;
        return rlp_list_end(b, mark);
    }
    size_t n = lens[th_rand64() % (sizeof lens / sizeof lens[0])];
    if (n > budget) n = budget % 57;
    uint8_t s[300];
    th_rand_bytes(s, n);
    return rlp_encode_bytes(b, s, n);
}

TEST(item_random_and_lists)
{
    for (int iter = 0; iter < 40; iter++) {
        CASE_BEGIN("random rlp %d", iter);
        zk_buf b;
        buf_init(&b, 4096);
        size_t mark;
        rlp_list_begin(&b, &mark);
        size_t k = 1 + (size_t)(th_rand64() % 6);
        for (size_t i = 0; i < k; i++)
            CHECK(rand_rlp(&b, 400, 1) == ZK_OK);
        CHECK(rlp_list_end(&b, mark) == ZK_OK);
        rlp_item top;
        CHECK(rlp_decode(&top, b.data, b.len, NULL) == ZK_OK);
        rlp_item items[8];
        size_t nit = 8;
        CHECK(rlp_list_items(items, &nit, &top, NULL) == ZK_OK);
        CHECK_EQ_INT(nit, k);

        size_t off = (size_t)(th_rand64() % 4), n = b.len + off + 3;
        check_item(b.data, b.len, off, n, iter < 4);
        /* each item of the list by gr_list_get, then one past the last */
        uint8_t *arr = malloc(n);
        r1cs_var *bits = malloc(8 * n * sizeof *bits);
        th_rand_bytes(arr, n);
        memcpy(arr + off, b.data, b.len);
        for (size_t j = 0; j <= nit && j < 7; j++) {
            tc t;
            tc_init(&t);
            alloc_bytes(&t.c, bits, arr, n);
            gr_item list, it;
            gr_item_at(&t.c, bits, n, circ_var_u64(&t.c, off), circ_var_u64(&t.c, off + b.len),
                       &list);
            r1cs_var kv = circ_var_u64(&t.c, j);
            gr_list_get(&t.c, bits, n, &list, kv, 7, &it);
            if (j < nit) {
                CHECK(circ_status(&t.c, NULL) == ZK_OK);
                CHECK(tc_sat(&t));
                size_t start = (size_t)(items[j].raw - b.data) + off;
                CHECK_EQ_INT(val(&t, it.off), start);
                CHECK_EQ_INT(val(&t, it.end), start + items[j].raw_len);
                CHECK_EQ_INT(val(&t, it.payload_len), items[j].payload_len);
                CHECK_EQ_INT(val(&t, it.is_list), items[j].is_list);
                /* another item's number, or a moved output */
                set_u64(&t, kv, (j + 1) % 7);
                CHECK(!tc_sat(&t));
                set_u64(&t, kv, j);
                bump(&t, it.off);
                CHECK(!tc_sat(&t));
            } else {
                zk_errbuf e;
                CHECK_MSG(circ_status(&t.c, &e) == ZK_ERR_RANGE, "list past its end: %s", e.msg);
            }
            tc_clear(&t);
        }
        free(arr);
        free(bits);
        buf_clear(&b);
        CASE_END();
    }
}

TEST(item_refusals)
{
    /* each: bytes, bound, expected code; the constraints alone must reject them too */
    static const struct {
        const char *hex;
        size_t limit;
        int code;
    } cases[] = {
        {"8105", 2, ZK_ERR_NONCANONICAL},         /* a single byte wrapped */
        {"b80500000000", 6, ZK_ERR_NONCANONICAL}, /* long form for 5 bytes */
        {"b837", 57, ZK_ERR_NONCANONICAL},        /* long form for 55 bytes */
        {"b9003a", 61, ZK_ERR_NONCANONICAL},      /* leading zero length byte */
        {"f90010", 19, ZK_ERR_NONCANONICAL},      /* list: leading zero */
        {"ba010000", 70000, ZK_ERR_RANGE},        /* three length bytes */
        {"c3010203", 3, ZK_ERR_MALFORMED},        /* runs past the bound */
        {"83010203", 2, ZK_ERR_MALFORMED},        /* string past the bound */
        {"b838", 40, ZK_ERR_MALFORMED},           /* 56 bytes in a 40-byte bound */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CASE_BEGIN("refused %s", cases[i].hex);
        uint8_t arr[64] = {0};
        size_t len = 0;
        CHECK(hex_decode(arr, sizeof arr, &len, cases[i].hex, strlen(cases[i].hex), NULL) == ZK_OK);
        r1cs_var bits[8 * 64];
        tc t;
        tc_init(&t);
        alloc_bytes(&t.c, bits, arr, 64);
        gr_item it;
        gr_item_at(&t.c, bits, 64, circ_var_u64(&t.c, 0), circ_var_u64(&t.c, cases[i].limit), &it);
        CHECK_EQ_INT(circ_status(&t.c, NULL), cases[i].code);
        CHECK(!tc_sat(&t));
        tc_clear(&t);
        CASE_END();
    }
    /* an item running past its list: [0xc2, 0x82 a b] holds a 3-byte item in 2 */
    CASE_BEGIN("item past its list");
    uint8_t arr[8] = {0xc2, 0x82, 0xaa, 0xbb, 0, 0, 0, 0};
    r1cs_var bits[64];
    tc t;
    tc_init(&t);
    alloc_bytes(&t.c, bits, arr, 8);
    gr_item list, it;
    gr_item_at(&t.c, bits, 8, circ_var_u64(&t.c, 0), circ_var_u64(&t.c, 8), &list);
    CHECK(circ_status(&t.c, NULL) == ZK_OK);
    gr_list_get(&t.c, bits, 8, &list, circ_var_u64(&t.c, 0), 2, &it);
    CHECK_EQ_INT(circ_status(&t.c, NULL), ZK_ERR_MALFORMED);
    CHECK(!tc_sat(&t));
    tc_clear(&t);
    CASE_END();
}

/* Receipts: a selection of legacy and EIP-1559 receipts of the mainnet block, every log
 * (up to 4 per receipt) extracted and compared with the JSON, and the forgeries. */
#define RCPT_MAX 1000

static void check_receipt_log(const uint8_t *enc, size_t len, const json_t *jlog, size_t n_logs,
                              size_t k, bool forge)
{
    json_t *jt = json_object_get(jlog, "topics");
    size_t nt = json_array_size(jt);
    size_t use_topics = nt < 3 ? nt : 3;
    uint8_t want_addr[20], want_topics[3][32];
    CHECK(json_get_data_fixed(want_addr, 20, jlog, "address", NULL) == ZK_OK);
    for (size_t i = 0; i < use_topics; i++)
        CHECK(hex_decode_fixed(want_topics[i], 32, json_string_value(json_array_get(jt, i)),
                               NULL) == ZK_OK);
    size_t n = len + 5, max_logs = n_logs < 4 ? n_logs : 4;
    uint8_t *arr = calloc(n, 1);
    r1cs_var *bits = malloc(8 * n * sizeof *bits), addr[160], topics[3 * 256];
    memcpy(arr, enc, len);
    tc t;
    tc_init(&t);
    alloc_bytes(&t.c, bits, arr, n);
    r1cs_var lv = circ_var_u64(&t.c, len), kv = circ_var_u64(&t.c, k);
    gr_receipt_log(&t.c, bits, n, lv, max_logs, kv, use_topics, addr, topics);
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(circ_status(&t.c, &err) == ZK_OK, "gr_receipt_log: %s", err.msg);
    CHECK(tc_sat(&t));
    uint8_t got[32];
    bits_to_bytes(&t, got, addr, 20);
    CHECK_MEM(got, want_addr, 20);
    for (size_t i = 0; i < use_topics; i++) {
        bits_to_bytes(&t, got, topics + 256 * i, 32);
        CHECK_MEM(got, want_topics[i], 32);
    }
    if (forge) {
        /* another log number, another length, a flipped output bit, a flipped address byte
         * of the receipt itself */
        set_u64(&t, kv, (k + 1) % max_logs);
        if (max_logs > 1) CHECK(!tc_sat(&t));
        set_u64(&t, kv, k);
        set_u64(&t, lv, len - 1);
        CHECK(!tc_sat(&t));
        set_u64(&t, lv, len);
        size_t b = th_rand64() % 160;
        set_u64(&t, addr[b], !val(&t, addr[b]));
        CHECK(!tc_sat(&t));
        set_u64(&t, addr[b], !val(&t, addr[b]));
        CHECK(tc_sat(&t));
    }
    tc_clear(&t);
    if (forge) {
        /* refused: the log index past the last log, a wrong length, too many topics */
        for (int f = 0; f < 3; f++) {
            tc_init(&t);
            alloc_bytes(&t.c, bits, arr, n);
            size_t kk = f == 0 ? n_logs : k, ll = f == 1 ? len - 1 : len;
            size_t ntop = f == 2 ? nt + 1 : use_topics;
            if (ntop > 3) {
                tc_clear(&t);
                continue;
            }
            gr_receipt_log(&t.c, bits, n, circ_var_u64(&t.c, ll), n_logs + 1,
                           circ_var_u64(&t.c, kk), ntop, addr, topics);
            CHECK_MSG(circ_status(&t.c, NULL) != ZK_OK, "forgery %d accepted", f);
            tc_clear(&t);
        }
    }
    free(arr);
    free(bits);
}

TEST(receipt_logs)
{
    json_t *all = th_load_json("receipts/helios_mainnet_21925176_receipts.json");
    CHECK(all != NULL);
    if (!all) return;
    size_t idx;
    json_t *jr;
    int legacy = 0, typed = 0;
    json_array_foreach(all, idx, jr)
    {
        json_t *logs = json_object_get(jr, "logs");
        size_t n_logs = json_array_size(logs);
        bool is_legacy = th_streq(json_string_value(json_object_get(jr, "type")), "0x0");
        if (n_logs == 0 || (is_legacy ? legacy : typed) >= 2) continue;
        eth_receipt r;
        CHECK(receipt_from_json(&r, jr, NULL) == ZK_OK);
        zk_buf b;
        buf_init(&b, 1 << 20);
        CHECK(receipt_encode(&b, &r) == ZK_OK);
        receipt_clear(&r);
        if (b.len > RCPT_MAX) {
            buf_clear(&b);
            continue;
        }
        *(is_legacy ? &legacy : &typed) += 1;
        for (size_t k = 0; k < n_logs && k < 3; k++) {
            CASE_BEGIN("receipt %zu (%s, %zu bytes) log %zu", idx, is_legacy ? "legacy" : "typed",
                       b.len, k);
            check_receipt_log(b.data, b.len, json_array_get(logs, k), n_logs, k, k == 0);
            CASE_END();
        }
        buf_clear(&b);
    }
    CHECK(legacy >= 1 && typed >= 2);
    json_decref(all);
}

TEST_MAIN(RUN(onehot_exhaustive); RUN(select_windows); RUN(select_refusals); RUN(item_short_inputs);
          RUN(item_random_and_lists); RUN(item_refusals); RUN(receipt_logs))
