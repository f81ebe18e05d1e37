/* Receipts: every eth_getBlockReceipts answer in the vectors rebuilds its
 * block's receiptsRoot, every receipt round-trips through the consensus
 * encoding and recomputes its logsBloom, the pre-Byzantium raw receipts of
 * block 3 decode and re-encode byte-exact, every receipt of the 202-receipt
 * mainnet block has a verified inclusion proof, and tampered receipts, forged
 * proofs and malformed encodings are rejected. */
#include "harness.h"
#include "receipts_util.h"

#include "lightclient/hex.h"
#include "lightclient/keccak.h"
#include "lightclient/mpt.h"
#include "lightclient/receipt.h"
#include "lightclient/rlp.h"

static bool field32(uint8_t out[32], const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && hex_decode_fixed(out, 32, s, NULL) == ZK_OK;
}

/* Decodes, re-encodes and re-blooms one JSON receipt. */
static void check_receipt_roundtrip(const json_t *obj, size_t idx)
{
    eth_receipt r, d;
    zk_errbuf err = {{0}, 0};
    int rc = receipt_from_json(&r, obj, &err);
    CHECK_MSG(rc == ZK_OK, "receipt %zu: %s", idx, err.msg);
    if (rc) return;
    uint8_t bloom[256];
    CHECK_EQ_INT(receipt_compute_bloom(bloom, &r), ZK_OK);
    CHECK_MSG(memcmp(bloom, r.bloom, 256) == 0, "receipt %zu: computed bloom differs", idx);
    zk_buf enc, again;
    buf_init(&enc, 0);
    buf_init(&again, 0);
    CHECK_EQ_INT(receipt_encode(&enc, &r), ZK_OK);
    rc = receipt_decode(&d, enc.data, enc.len, &err);
    CHECK_MSG(rc == ZK_OK, "receipt %zu: decode of own encoding: %s", idx, err.msg);
    if (rc == ZK_OK) {
        CHECK_EQ_INT(d.type, r.type);
        CHECK_EQ_INT(d.has_status, r.has_status);
        CHECK_EQ_INT(d.status, r.status);
        CHECK_EQ_INT(d.cumulative_gas, r.cumulative_gas);
        CHECK_EQ_INT(d.n_logs, r.n_logs);
        CHECK_EQ_INT(receipt_encode(&again, &d), ZK_OK);
        CHECK(again.len == enc.len && memcmp(again.data, enc.data, enc.len) == 0);
        receipt_clear(&d);
    }
    /* The type byte leads typed receipts only. */
    if (r.type)
        CHECK_EQ_INT(enc.data[0], r.type);
    else
        CHECK(enc.data[0] >= 0xc0);
    buf_clear(&enc);
    buf_clear(&again);
    receipt_clear(&r);
}

static void check_block_receipts(const char *name, const json_t *receipts, const json_t *block)
{
    CASE_BEGIN("%s: receiptsRoot", name);
    uint8_t want[32], got[32];
    zk_errbuf err = {{0}, 0};
    CHECK(json_is_array(receipts) && json_array_size(receipts) > 0);
    CHECK(field32(want, block, "receiptsRoot"));
    /* The header is the receipts' own block. */
    const json_t *r0 = json_array_get(receipts, 0);
    CHECK(json_equal(json_object_get(r0, "blockHash"), json_object_get(block, "hash")));
    int rc = receipts_root_from_json(got, receipts, &err);
    CHECK_MSG(rc == ZK_OK, "%s", err.msg);
    CHECK_MEM(got, want, 32);
    CASE_END();
    size_t i;
    json_t *obj;
    json_array_foreach(receipts, i, obj)
    {
        CASE_BEGIN("%s: receipt %zu", name, i);
        check_receipt_roundtrip(obj, i);
        CASE_END();
    }
}

TEST(helios_mainnet_block)
{
    json_t *receipts = th_load_json("receipts/helios_mainnet_21925176_receipts.json");
    json_t *block = th_load_json("receipts/helios_mainnet_21925176_block.json");
    if (receipts && block) {
        CHECK_EQ_INT(json_array_size(receipts), 202);
        check_block_receipts("helios 21925176", receipts, block);
    }
    json_decref(receipts);
    json_decref(block);
}

TEST(execution_apis_blocks)
{
    static const char *const pairs[][2] = {
        {"receipts/execution-apis_eth_getBlockReceipts_get-block-receipts-latest.io",
         "receipts/execution-apis_eth_getBlockByNumber_get-latest.io"},
        {"receipts/execution-apis_eth_getBlockReceipts_get-block-receipts-n.io",
         "receipts/execution-apis_eth_getBlockByHash_get-block-by-hash.io"},
        {"receipts/execution-apis_eth_getBlockReceipts_get-block-receipts-by-hash.io",
         "receipts/execution-apis_eth_getBlockByHash_get-block-by-hash.io"},
    };
    for (size_t p = 0; p < sizeof(pairs) / sizeof(*pairs); p++) {
        json_t *receipts = th_load_io_result(pairs[p][0]);
        json_t *block = th_load_io_result(pairs[p][1]);
        if (receipts && block) check_block_receipts(strrchr(pairs[p][0], '/') + 1, receipts, block);
        json_decref(receipts);
        json_decref(block);
    }
}

/* Field 5 of a header's RLP is receiptsRoot (Yellow Paper 4.3). */
static bool raw_header_receipts_root(uint8_t out[32], const uint8_t *hdr, size_t len)
{
    rlp_item it, f[6];
    size_t n = 6;
    zk_cursor c;
    if (rlp_decode(&it, hdr, len, NULL) || rlp_list_iter(&c, &it)) return false;
    for (size_t i = 0; i < n; i++)
        if (rlp_next(&c, &f[i], NULL)) return false;
    return rlp_item_fixed(out, 32, &f[5], NULL) == ZK_OK;
}

TEST(pre_byzantium_raw_receipts)
{
    json_t *raw = th_load_io_result("receipts/execution-apis_debug_getRawReceipts_get-block-n.io");
    json_t *hdr = th_load_io_result("receipts/execution-apis_debug_getRawHeader_get-block-n.io");
    if (!raw || !hdr) goto out;
    uint8_t *h;
    size_t hl;
    uint8_t want[32], got[32];
    CHECK_EQ_INT(hex_decode_alloc(&h, &hl, json_string_value(hdr), NULL), ZK_OK);
    CHECK(raw_header_receipts_root(want, h, hl));
    free(h);

    size_t n = json_array_size(raw), i;
    CHECK_EQ_INT(n, 3);
    uint8_t **vals = calloc(n, sizeof(*vals));
    size_t *lens = calloc(n, sizeof(*lens));
    json_t *v;
    json_array_foreach(raw, i, v)
    {
        CASE_BEGIN("debug_getRawReceipts block 3: receipt %zu", i);
        CHECK_EQ_INT(hex_decode_alloc(&vals[i], &lens[i], json_string_value(v), NULL), ZK_OK);
        eth_receipt r;
        zk_errbuf err = {{0}, 0};
        int rc = receipt_decode(&r, vals[i], lens[i], &err);
        CHECK_MSG(rc == ZK_OK, "%s", err.msg);
        if (rc == ZK_OK) {
            CHECK(!r.has_status); /* pre-Byzantium: a post-state root */
            CHECK_EQ_INT(r.type, 0);
            zk_buf b;
            buf_init(&b, 0);
            CHECK_EQ_INT(receipt_encode(&b, &r), ZK_OK);
            CHECK(b.len == lens[i] && memcmp(b.data, vals[i], lens[i]) == 0);
            uint8_t bloom[256];
            CHECK_EQ_INT(receipt_compute_bloom(bloom, &r), ZK_OK);
            CHECK_MEM(bloom, r.bloom, 256);
            buf_clear(&b);
            receipt_clear(&r);
        }
        CASE_END();
    }
    CASE_BEGIN("debug_getRawReceipts block 3: receiptsRoot");
    CHECK_EQ_INT(mpt_root_of_list(got, (const uint8_t *const *)vals, lens, n, NULL), ZK_OK);
    CHECK_MEM(got, want, 32);
    CASE_END();
    for (i = 0; i < n; i++)
        free(vals[i]);
    free(vals);
    free(lens);
out:
    json_decref(raw);
    json_decref(hdr);
}

TEST(inclusion_proof_every_index)
{
    json_t *receipts = th_load_json("receipts/helios_mainnet_21925176_receipts.json");
    json_t *block = th_load_json("receipts/helios_mainnet_21925176_block.json");
    if (!receipts || !block) goto out;
    uint8_t root[32], **vals;
    size_t *lens;
    CHECK(field32(root, block, "receiptsRoot"));
    size_t n = th_receipts_encode(&vals, &lens, receipts);
    size_t maxlen = 0;
    for (size_t i = 0; i < n; i++)
        if (lens[i] > maxlen) maxlen = lens[i];
    uint8_t *val = malloc(maxlen);
    for (size_t i = 0; i < n; i++) {
        CASE_BEGIN("block 21925176: inclusion proof of receipt %zu", i);
        mpt_proof p;
        uint8_t key[9];
        size_t kl = mpt_index_key(key, i), vl = maxlen;
        zk_errbuf err = {{0}, 0};
        mpt_proof_init(&p);
        CHECK_EQ_INT(mpt_prove_index(&p, (const uint8_t *const *)vals, lens, n, i, NULL), ZK_OK);
        int rc = mpt_verify_proof(val, &vl, root, key, kl, &p, &err);
        CHECK_MSG(rc == ZK_OK, "%s", err.msg);
        if (rc == ZK_OK) {
            CHECK_EQ_INT(vl, lens[i]);
            if (vl == lens[i]) CHECK_MEM(val, vals[i], vl);
            /* And the proven bytes decode as the receipt. */
            eth_receipt r;
            CHECK_EQ_INT(receipt_decode(&r, val, vl, NULL), ZK_OK);
            receipt_clear(&r);
        }
        /* Forgeries against the real root: another key, a flipped bit, a node
         * dropped, an extra node, nodes swapped. */
        uint8_t kj[9];
        size_t j = (i + 1 + (size_t)(th_rand64() % (n - 1))) % n;
        vl = maxlen;
        rc = mpt_verify_proof(val, &vl, root, kj, mpt_index_key(kj, j), &p, NULL);
        CHECK(rc == ZK_ERR_REJECTED || rc == ZK_ERR_NOTFOUND);
        size_t ni = (size_t)(th_rand64() % p.n);
        size_t bit = (size_t)(th_rand64() % (p.lens[ni] * 8));
        p.nodes[ni][bit / 8] ^= (uint8_t)(1u << (bit % 8));
        vl = maxlen;
        CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, key, kl, &p, NULL), ZK_ERR_REJECTED);
        p.nodes[ni][bit / 8] ^= (uint8_t)(1u << (bit % 8));
        p.n--; /* the leaf's node dropped */
        vl = maxlen;
        CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, key, kl, &p, NULL), ZK_ERR_REJECTED);
        p.n++;
        CHECK_EQ_INT(mpt_proof_add(&p, p.nodes[p.n - 1], p.lens[p.n - 1]), ZK_OK);
        vl = maxlen;
        CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, key, kl, &p, NULL), ZK_ERR_REJECTED);
        free(p.nodes[--p.n]);
        if (p.n >= 2) {
            uint8_t *t = p.nodes[p.n - 1];
            size_t tl = p.lens[p.n - 1];
            p.nodes[p.n - 1] = p.nodes[p.n - 2];
            p.lens[p.n - 1] = p.lens[p.n - 2];
            p.nodes[p.n - 2] = t;
            p.lens[p.n - 2] = tl;
            vl = maxlen;
            CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, key, kl, &p, NULL), ZK_ERR_REJECTED);
        }
        mpt_proof_clear(&p);
        CASE_END();
    }
    free(val);
    for (size_t i = 0; i < n; i++)
        free(vals[i]);
    free(vals);
    free(lens);
out:
    json_decref(receipts);
    json_decref(block);
}

/* Tampering with any receipt field changes the root. */
TEST(tampered_receipts_change_root)
{
    json_t *orig = th_load_json("receipts/helios_mainnet_21925176_receipts.json");
    if (!orig) return;
    uint8_t root[32], root2[32];
    CHECK_EQ_INT(receipts_root_from_json(root, orig, NULL), ZK_OK);
    /* Find a receipt with a log that has data. */
    size_t ri = 0, li = 0;
    bool found = false;
    for (ri = 0; ri < json_array_size(orig) && !found; ri++) {
        json_t *logs = json_object_get(json_array_get(orig, ri), "logs");
        for (li = 0; li < json_array_size(logs) && !found; li++)
            found =
                strlen(json_string_value(json_object_get(json_array_get(logs, li), "data"))) > 2;
    }
    CHECK(found);
    ri--;
    li--;
    static const char *const what[] = {"log data",          "log topic", "log address", "status",
                                       "cumulativeGasUsed", "logsBloom", "log dropped"};
    for (size_t w = 0; w < sizeof(what) / sizeof(*what); w++) {
        json_t *doc = json_deep_copy(orig);
        json_t *rec = json_array_get(doc, ri);
        json_t *lg = json_array_get(json_object_get(rec, "logs"), li);
        char *s = NULL;
        const char *key = NULL;
        json_t *holder = rec;
        switch (w) {
        case 0:
            holder = lg;
            key = "data";
            break;
        case 1:
            holder = json_object_get(lg, "topics");
            break;
        case 2:
            holder = lg;
            key = "address";
            break;
        case 3:
            key = "status";
            break;
        case 4:
            key = "cumulativeGasUsed";
            break;
        case 5:
            key = "logsBloom";
            break;
        default:
            json_array_remove(json_object_get(rec, "logs"), li);
            break;
        }
        if (w == 1) {
            s = strdup(json_string_value(json_array_get(holder, 0)));
            s[5] = s[5] == '0' ? '1' : '0';
            json_array_set_new(holder, 0, json_string(s));
        } else if (key) {
            s = strdup(json_string_value(json_object_get(holder, key)));
            size_t L = strlen(s);
            if (w == 3)
                s[L - 1] = s[L - 1] == '1' ? '0' : '1';
            else
                s[L - 1] = s[L - 1] == '0' ? '1' : '0';
            json_object_set_new(holder, key, json_string(s));
        }
        zk_errbuf err = {{0}, 0};
        int rc = receipts_root_from_json(root2, doc, &err);
        CHECK_MSG(rc == ZK_OK, "%s: %s", what[w], err.msg);
        CHECK_MSG(memcmp(root, root2, 32) != 0, "%s: root unchanged", what[w]);
        free(s);
        json_decref(doc);
    }
    /* Two receipts swapped: transactionIndex catches it; without the index the
     * root changes. */
    json_t *doc = json_deep_copy(orig);
    json_t *a = json_incref(json_array_get(doc, 0));
    json_array_set(doc, 0, json_array_get(doc, 1));
    json_array_set_new(doc, 1, a);
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(receipts_root_from_json(root2, doc, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "transactionIndex") != NULL);
    json_object_del(json_array_get(doc, 0), "transactionIndex");
    json_object_del(json_array_get(doc, 1), "transactionIndex");
    CHECK_EQ_INT(receipts_root_from_json(root2, doc, NULL), ZK_OK);
    CHECK(memcmp(root, root2, 32) != 0);
    json_decref(doc);
    /* A receipt dropped. */
    doc = json_deep_copy(orig);
    json_array_remove(doc, json_array_size(doc) - 1);
    CHECK_EQ_INT(receipts_root_from_json(root2, doc, NULL), ZK_OK);
    CHECK(memcmp(root, root2, 32) != 0);
    json_decref(doc);
    json_decref(orig);
}

/* Test JSON uses @B for a zero bloom, @A for an address, @T for a topic or a root. */
static char *expand_json(const char *tmpl)
{
    char bloom[2 + 512 + 3];
    bloom[0] = '"';
    bloom[1] = '0';
    bloom[2] = 'x';
    memset(bloom + 3, '0', 512);
    bloom[515] = '"';
    bloom[516] = '\0';
    static const char addr[] = "\"0x00000000000000000000000000000000000000aa\"";
    static const char topic[] =
        "\"0x00000000000000000000000000000000000000000000000000000000000000bb\"";
    zk_buf b;
    buf_init(&b, 0);
    for (const char *c = tmpl; *c; c++) {
        const char *sub = NULL;
        if (c[0] == '@' && c[1] == 'B') sub = bloom;
        if (c[0] == '@' && c[1] == 'A') sub = addr;
        if (c[0] == '@' && c[1] == 'T') sub = topic;
        if (sub) {
            CHECK_EQ_INT(buf_append(&b, sub, strlen(sub)), ZK_OK);
            c++;
        } else {
            CHECK_EQ_INT(buf_append_byte(&b, (uint8_t)*c), ZK_OK);
        }
    }
    CHECK_EQ_INT(buf_append_byte(&b, 0), ZK_OK);
    return (char *)b.data;
}

static void check_json_rejects(const char *mutation, const char *tmpl, int want)
{
    json_error_t jerr;
    char *text = expand_json(tmpl);
    json_t *obj = json_loads(text, 0, &jerr);
    free(text);
    CHECK_MSG(obj != NULL, "%s: test JSON: %s", mutation, jerr.text);
    eth_receipt r;
    zk_errbuf err = {{0}, 0};
    int rc = receipt_from_json(&r, obj, &err);
    CHECK_MSG(rc == want, "%s: got %s, want %s (%s)", mutation, zk_strerror(rc), zk_strerror(want),
              err.msg);
    CHECK_MSG(rc == ZK_OK || err.msg[0], "%s: no message", mutation);
    if (rc == ZK_OK) receipt_clear(&r);
    json_decref(obj);
}

TEST(json_receipt_rules)
{
    static const struct {
        const char *what, *json;
        int want;
    } cases[] = {
        {"minimal", "{'status':'0x1','cumulativeGasUsed':'0x5208','logsBloom':@B,'logs':[]}",
         ZK_OK},
        {"pre-byzantium root", "{'root':@T,'cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[]}",
         ZK_OK},
        {"typed with root",
         "{'type':'0x2','root':@T,'cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[]}",
         ZK_ERR_MALFORMED},
        {"status and root",
         "{'status':'0x1','root':@T,'cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[]}",
         ZK_ERR_MALFORMED},
        {"neither status nor root", "{'cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[]}",
         ZK_ERR_NOTFOUND},
        {"status 2", "{'status':'0x2','cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[]}",
         ZK_ERR_RANGE},
        {"type 5",
         "{'type':'0x5','status':'0x1','cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[]}",
         ZK_ERR_RANGE},
        {"no bloom", "{'status':'0x1','cumulativeGasUsed':'0x1','logs':[]}", ZK_ERR_NOTFOUND},
        {"short bloom", "{'status':'0x1','cumulativeGasUsed':'0x1','logsBloom':'0x00','logs':[]}",
         ZK_ERR_MALFORMED},
        {"no logs", "{'status':'0x1','cumulativeGasUsed':'0x1','logsBloom':@B}", ZK_ERR_NOTFOUND},
        {"gas with a leading zero",
         "{'status':'0x1','cumulativeGasUsed':'0x01','logsBloom':@B,'logs':[]}",
         ZK_ERR_NONCANONICAL},
        {"5 topics",
         "{'status':'0x1','cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[{'address':@A,"
         "'topics':[@T,@T,@T,@T,@T],'data':'0x'}]}",
         ZK_ERR_RANGE},
        {"4 topics",
         "{'status':'0x1','cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[{'address':@A,"
         "'topics':[@T,@T,@T,@T],'data':'0x'}]}",
         ZK_OK},
        {"short topic",
         "{'status':'0x1','cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[{'address':@A,"
         "'topics':['0x01'],'data':'0x'}]}",
         ZK_ERR_MALFORMED},
        {"bad data hex",
         "{'status':'0x1','cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[{'address':@A,"
         "'topics':[],'data':'0xzz'}]}",
         ZK_ERR_MALFORMED},
        {"log not an object",
         "{'status':'0x1','cumulativeGasUsed':'0x1','logsBloom':@B,'logs':[1]}", ZK_ERR_MALFORMED},
        {"not an object", "[1]", ZK_ERR_MALFORMED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        /* Single quotes keep the table readable; JSON wants double quotes. */
        char *t = strdup(cases[i].json);
        for (char *c = t; *c; c++)
            if (*c == '\'') *c = '"';
        check_json_rejects(cases[i].what, t, cases[i].want);
        free(t);
    }

    uint8_t root[32];
    json_t *notarr = json_object();
    CHECK_EQ_INT(receipts_root_from_json(root, notarr, NULL), ZK_ERR_MALFORMED);
    json_decref(notarr);
    json_t *empty = json_array();
    CHECK_EQ_INT(receipts_root_from_json(root, empty, NULL), ZK_OK);
    CHECK_MEM(root, MPT_EMPTY_ROOT, 32);
    json_decref(empty);
}

/* Named malformed encodings, each built from a valid one. */
static void check_decode_rejects(const uint8_t *enc, size_t len, const char *what)
{
    eth_receipt r;
    zk_errbuf err = {{0}, 0};
    int rc = receipt_decode(&r, enc, len, &err);
    CHECK_MSG(rc != ZK_OK, "%s: accepted", what);
    CHECK_MSG(rc == ZK_OK || err.msg[0], "%s: no message", what);
    if (rc == ZK_OK) receipt_clear(&r);
}

/* Writes RLP([f0, gas 1, bloom, logs]) with the given raw f0 and logs items. */
static void build_receipt(zk_buf *b, int type, const uint8_t *f0, size_t f0_len,
                          const uint8_t *logs, size_t logs_len, bool extra_field)
{
    uint8_t bloom[256] = {0};
    size_t mark;
    buf_init(b, 0);
    if (type >= 0) CHECK_EQ_INT(buf_append_byte(b, (uint8_t)type), ZK_OK);
    rlp_list_begin(b, &mark);
    CHECK_EQ_INT(rlp_encode_raw(b, f0, f0_len), ZK_OK);
    CHECK_EQ_INT(rlp_encode_uint64(b, 1), ZK_OK);
    CHECK_EQ_INT(rlp_encode_bytes(b, bloom, 256), ZK_OK);
    CHECK_EQ_INT(rlp_encode_raw(b, logs, logs_len), ZK_OK);
    if (extra_field) CHECK_EQ_INT(rlp_encode_uint64(b, 7), ZK_OK);
    CHECK_EQ_INT(rlp_list_end(b, mark), ZK_OK);
}

TEST(strict_decoding)
{
    static const uint8_t st1[] = {0x01}, st0[] = {0x80}, st0x00[] = {0x00}, st2[] = {0x02},
                         stlist[] = {0xc0}, nologs[] = {0xc0};
    uint8_t root[33] = {0xa0};
    zk_buf b;
    eth_receipt r;

    build_receipt(&b, -1, st1, 1, nologs, 1, false);
    CHECK_EQ_INT(receipt_decode(&r, b.data, b.len, NULL), ZK_OK);
    receipt_clear(&r);
    /* Every strict prefix is rejected, and so is a trailing byte. */
    for (size_t cut = 0; cut < b.len; cut++)
        check_decode_rejects(b.data, cut, "truncated");
    CHECK_EQ_INT(buf_append_byte(&b, 0), ZK_OK);
    check_decode_rejects(b.data, b.len, "trailing byte");
    buf_clear(&b);

    build_receipt(&b, 2, st0, 1, nologs, 1, false);
    CHECK_EQ_INT(receipt_decode(&r, b.data, b.len, NULL), ZK_OK);
    CHECK_EQ_INT(r.type, 2);
    CHECK(r.has_status && r.status == 0);
    receipt_clear(&r);
    buf_clear(&b);

    build_receipt(&b, -1, root, 33, nologs, 1, false);
    CHECK_EQ_INT(receipt_decode(&r, b.data, b.len, NULL), ZK_OK);
    CHECK(!r.has_status);
    receipt_clear(&r);
    buf_clear(&b);

    struct {
        int type;
        const uint8_t *f0;
        size_t f0_len;
        bool extra;
        const char *what;
    } bad[] = {
        {0, st1, 1, false, "type byte 0"},
        {5, st1, 1, false, "type 5"},
        {0x7f, st1, 1, false, "type 0x7f"},
        {-1, st0x00, 1, false, "status 0x00 (non-canonical zero)"},
        {-1, st2, 1, false, "status 2"},
        {-1, stlist, 1, false, "status as a list"},
        {2, root, 33, false, "typed receipt with a post-state root"},
        {-1, st1, 1, true, "5 fields"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        build_receipt(&b, bad[i].type, bad[i].f0, bad[i].f0_len, nologs, 1, bad[i].extra);
        check_decode_rejects(b.data, b.len, bad[i].what);
        buf_clear(&b);
    }
    static const uint8_t str_first[] = {0x83, 1, 2, 3};
    check_decode_rejects(str_first, sizeof(str_first), "an RLP string");

    /* Logs: 5 topics, a 19-byte address, a log of 2 fields, data as a list. */
    static const char *const log_specs[] = {"5 topics", "short address", "2 fields", "data list"};
    for (size_t i = 0; i < 4; i++) {
        zk_buf lb;
        size_t lm, one, tm;
        uint8_t z[32] = {0};
        buf_init(&lb, 0);
        rlp_list_begin(&lb, &lm);
        rlp_list_begin(&lb, &one);
        CHECK_EQ_INT(rlp_encode_bytes(&lb, z, i == 1 ? 19 : 20), ZK_OK);
        rlp_list_begin(&lb, &tm);
        for (int t = 0; t < (i == 0 ? 5 : 1); t++)
            CHECK_EQ_INT(rlp_encode_bytes(&lb, z, 32), ZK_OK);
        CHECK_EQ_INT(rlp_list_end(&lb, tm), ZK_OK);
        if (i == 3)
            CHECK_EQ_INT(rlp_encode_raw(&lb, nologs, 1), ZK_OK);
        else if (i != 2)
            CHECK_EQ_INT(rlp_encode_bytes(&lb, z, 3), ZK_OK);
        CHECK_EQ_INT(rlp_list_end(&lb, one), ZK_OK);
        CHECK_EQ_INT(rlp_list_end(&lb, lm), ZK_OK);
        build_receipt(&b, -1, st1, 1, lb.data, lb.len, false);
        check_decode_rejects(b.data, b.len, log_specs[i]);
        buf_clear(&b);
        buf_clear(&lb);
    }
}

/* Mutations of real encodings: every single-byte change either fails to decode
 * or decodes to something that re-encodes to exactly the mutated bytes. */
TEST(mutations_never_accept_noncanonical)
{
    json_t *receipts = th_load_io_result(
        "receipts/execution-apis_eth_getBlockReceipts_get-block-receipts-latest.io");
    if (!receipts) return;
    uint8_t **vals;
    size_t *lens;
    size_t n = th_receipts_encode(&vals, &lens, receipts);
    size_t accepted = 0, rejected = 0;
    for (size_t i = 0; i < n; i++) {
        for (int trial = 0; trial < 300; trial++) {
            uint8_t *m = malloc(lens[i]);
            memcpy(m, vals[i], lens[i]);
            size_t pos = (size_t)(th_rand64() % lens[i]);
            m[pos] = (uint8_t)th_rand64();
            eth_receipt r;
            if (receipt_decode(&r, m, lens[i], NULL) == ZK_OK) {
                zk_buf b;
                buf_init(&b, 0);
                CHECK_EQ_INT(receipt_encode(&b, &r), ZK_OK);
                CHECK(b.len == lens[i] && memcmp(b.data, m, lens[i]) == 0);
                buf_clear(&b);
                receipt_clear(&r);
                accepted++;
            } else {
                rejected++;
            }
            free(m);
        }
        free(vals[i]);
    }
    CHECK(accepted > 0 && rejected > 0);
    free(vals);
    free(lens);
    json_decref(receipts);
}

TEST_MAIN(RUN(helios_mainnet_block); RUN(execution_apis_blocks); RUN(pre_byzantium_raw_receipts);
          RUN(inclusion_proof_every_index); RUN(tampered_receipts_change_root);
          RUN(json_receipt_rules); RUN(strict_decoding); RUN(mutations_never_accept_noncanonical))
