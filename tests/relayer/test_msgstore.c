/* relayer/msgstore.c: the relayer's message database (transitions, atomic batches,
 * reopen, iteration by state, schema version, corrupt records). */
#include <leveldb/c.h>

#include "harness.h"
#include "lightclient/bytes.h"
#include "relayer/msgstore.h"

/* A message with deterministic, distinct fields derived from i. */
static void make_msg(msg_record *r, unsigned i)
{
    msg_record_init(r);
    memset(r->m, 0, 32);
    r->m[0] = 0xab;
    r->m[31] = (uint8_t)i;
    r->state = MSG_SEEN;
    r->block_number = 100 + i;
    memset(r->block_hash, (int)(0x10 + i), 32);
    memset(r->src_tx_hash, (int)(0x20 + i), 32);
    r->tx_index = i;
    r->log_index = 2 * i;
    r->nonce = i;
    memset(r->sender, 0x33, 20);
    r->dst_chain_id = 31337;
    memset(r->receiver, 0x44, 20);
    uint8_t payload[40];
    memset(payload, (int)i, sizeof(payload));
    CHECK_EQ_INT(msg_record_set_payload(r, payload, sizeof(payload)), ZK_OK);
    r->t_ms[MSG_SEEN] = 1700000000000ull + i;
}

static msgstore *open_fresh(const char *name)
{
    const char *dir = th_tmp_path(name);
    th_rm_tree(dir);
    msgstore *s = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = msgstore_open(&s, dir, true, &err);
    CHECK_MSG(rc == ZK_OK, "open: %s", err.msg);
    return s;
}

static int put_one(msgstore *s, const msg_record *r, int prev)
{
    msgstore_batch *b = msgstore_batch_new(s);
    if (!b) return ZK_ERR_NOMEM;
    int rc = msgstore_batch_put_msg(b, r, prev, NULL);
    if (rc == ZK_OK) rc = msgstore_batch_commit(b, NULL);
    msgstore_batch_free(b);
    return rc;
}

static int count_fn(void *arg, const msg_record *r)
{
    (void)r;
    (*(int *)arg)++;
    return 0;
}

TEST(test_msgstore_roundtrip_and_transitions)
{
    msgstore *s = open_fresh("rt");
    if (!s) return;
    msg_record r;
    make_msg(&r, 1);
    CHECK_EQ_INT(put_one(s, &r, 0), ZK_OK);

    msg_record got;
    CHECK_EQ_INT(msgstore_get(s, &got, r.m, NULL), ZK_OK);
    CHECK_EQ_INT(got.state, MSG_SEEN);
    CHECK_EQ_INT(got.block_number, 101);
    CHECK_MEM(got.block_hash, r.block_hash, 32);
    CHECK_MEM(got.src_tx_hash, r.src_tx_hash, 32);
    CHECK_EQ_INT(got.payload_len, 40);
    CHECK_MEM(got.payload, r.payload, 40);
    CHECK_EQ_INT(got.t_ms[MSG_SEEN], 1700000000001ull);
    CHECK_EQ_INT(got.tx.raw_len, 0);
    msg_record_clear(&got);

    /* seen -> header-proven -> inclusion-proven (with bundle) -> submitted -> confirmed */
    r.state = MSG_HEADER_PROVEN;
    r.t_ms[MSG_HEADER_PROVEN] = 5;
    CHECK_EQ_INT(put_one(s, &r, MSG_SEEN), ZK_OK);

    msgstore_batch *b = msgstore_batch_new(s);
    r.state = MSG_INCLUSION_PROVEN;
    CHECK_EQ_INT(msgstore_batch_put_msg(b, &r, MSG_HEADER_PROVEN, NULL), ZK_OK);
    CHECK_EQ_INT(msgstore_batch_put_bundle(b, r.m, "{\"version\":1}", NULL), ZK_OK);
    CHECK_EQ_INT(msgstore_batch_commit(b, NULL), ZK_OK);

    /* submitted without a raw tx violates write-ahead: refused */
    r.state = MSG_SUBMITTED;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(msgstore_batch_put_msg(b, &r, MSG_INCLUSION_PROVEN, &err), ZK_ERR_USAGE);
    CHECK(strstr(err.msg, "raw tx") != NULL);
    uint8_t raw[300];
    memset(raw, 0x02, sizeof(raw));
    CHECK_EQ_INT(msgstore_tx_set_raw(&r.tx, raw, sizeof(raw)), ZK_OK);
    memset(r.tx.hash, 0x77, 32);
    r.tx.nonce = 9;
    r.tx.max_fee = 30000000000ull;
    r.tx.max_priority_fee = 1000000000ull;
    r.tx.gas_limit = 600000;
    r.tx.attempts = 1;
    r.tx.sent_ms = 42;
    CHECK_EQ_INT(msgstore_batch_put_msg(b, &r, MSG_INCLUSION_PROVEN, NULL), ZK_OK);
    msgstore_batch_put_next_nonce(b, 10);
    CHECK_EQ_INT(msgstore_batch_commit(b, NULL), ZK_OK);

    CHECK_EQ_INT(msgstore_get(s, &got, r.m, NULL), ZK_OK);
    CHECK_EQ_INT(got.state, MSG_SUBMITTED);
    CHECK_EQ_INT(got.tx.raw_len, 300);
    CHECK_MEM(got.tx.raw, raw, 300);
    CHECK_MEM(got.tx.hash, r.tx.hash, 32);
    CHECK_EQ_INT(got.tx.nonce, 9);
    CHECK_EQ_INT(got.tx.max_fee, 30000000000ull);
    CHECK_EQ_INT(got.t_ms[MSG_HEADER_PROVEN], 5);
    msg_record_clear(&got);
    uint64_t nonce = 0;
    bool found = false;
    CHECK_EQ_INT(msgstore_get_next_nonce(s, &nonce, &found, NULL), ZK_OK);
    CHECK(found);
    CHECK_EQ_INT(nonce, 10);

    r.state = MSG_FAILED;
    snprintf(r.reason, sizeof(r.reason), "InvalidProof()");
    r.outcome.block_number = 77;
    r.outcome.gas_used = 123456;
    CHECK_EQ_INT(msgstore_batch_put_msg(b, &r, MSG_SUBMITTED, NULL), ZK_OK);
    CHECK_EQ_INT(msgstore_batch_commit(b, NULL), ZK_OK);
    CHECK_EQ_INT(msgstore_get(s, &got, r.m, NULL), ZK_OK);
    CHECK(th_streq(got.reason, "InvalidProof()"));
    CHECK_EQ_INT(got.outcome.gas_used, 123456);
    msg_record_clear(&got);

    /* the index moved with the record: only the failed state lists it */
    uint64_t counts[MSG_STATE_COUNT];
    CHECK_EQ_INT(msgstore_count(s, counts, NULL), ZK_OK);
    CHECK_EQ_INT(counts[0], 1);
    CHECK_EQ_INT(counts[MSG_FAILED], 1);
    CHECK_EQ_INT(counts[MSG_SUBMITTED], 0);
    CHECK_EQ_INT(counts[MSG_SEEN], 0);

    char *bundle = NULL;
    CHECK_EQ_INT(msgstore_get_bundle(s, &bundle, r.m, NULL), ZK_OK);
    CHECK(th_streq(bundle, "{\"version\":1}"));
    free(bundle);

    uint8_t other[32] = {1};
    CHECK_EQ_INT(msgstore_get(s, &got, other, NULL), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(msgstore_get_bundle(s, &bundle, other, NULL), ZK_ERR_NOTFOUND);
    CHECK(bundle == NULL);

    msgstore_batch_free(b);
    msg_record_clear(&r);
    msgstore_close(s);
}

TEST(test_msgstore_batch_is_atomic)
{
    msgstore *s = open_fresh("atomic");
    if (!s) return;
    msg_record a, c;
    make_msg(&a, 1);
    make_msg(&c, 2);
    msgstore_batch *b = msgstore_batch_new(s);
    CHECK_EQ_INT(msgstore_batch_put_msg(b, &a, 0, NULL), ZK_OK);
    CHECK_EQ_INT(msgstore_batch_put_msg(b, &c, 0, NULL), ZK_OK);
    msgstore_batch_put_scan_height(b, 500);
    /* nothing is visible before the commit */
    msg_record got;
    CHECK_EQ_INT(msgstore_get(s, &got, a.m, NULL), ZK_ERR_NOTFOUND);
    uint64_t h = 1;
    bool found = true;
    CHECK_EQ_INT(msgstore_get_scan_height(s, &h, &found, NULL), ZK_OK);
    CHECK(!found);
    CHECK_EQ_INT(h, 0);
    /* a failing put leaves the batch as it was */
    a.state = (msg_state)9;
    CHECK_EQ_INT(msgstore_batch_put_msg(b, &a, 0, NULL), ZK_ERR_USAGE);
    a.state = MSG_SEEN;
    CHECK_EQ_INT(msgstore_batch_commit(b, NULL), ZK_OK);
    CHECK_EQ_INT(msgstore_get(s, &got, a.m, NULL), ZK_OK);
    msg_record_clear(&got);
    CHECK_EQ_INT(msgstore_get(s, &got, c.m, NULL), ZK_OK);
    msg_record_clear(&got);
    CHECK_EQ_INT(msgstore_get_scan_height(s, &h, &found, NULL), ZK_OK);
    CHECK(found);
    CHECK_EQ_INT(h, 500);
    /* a batch dropped without commit writes nothing */
    msg_record d;
    make_msg(&d, 3);
    CHECK_EQ_INT(msgstore_batch_put_msg(b, &d, 0, NULL), ZK_OK);
    msgstore_batch_put_scan_height(b, 900);
    msgstore_batch_free(b);
    CHECK_EQ_INT(msgstore_get(s, &got, d.m, NULL), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(msgstore_get_scan_height(s, &h, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(h, 500);
    msg_record_clear(&a);
    msg_record_clear(&c);
    msg_record_clear(&d);
    msgstore_close(s);
}

TEST(test_msgstore_reopen_and_iteration)
{
    const char *dir = th_tmp_path("reopen");
    th_rm_tree(dir);
    msgstore *s = NULL;
    CHECK_EQ_INT(msgstore_open(&s, dir, false, NULL), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(msgstore_open(&s, dir, true, NULL), ZK_OK);
    if (!s) return;
    /* a second handle is refused while the first is open */
    msgstore *s2 = NULL;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(msgstore_open(&s2, dir, true, &err), ZK_ERR_IO);
    CHECK(strstr(err.msg, "locked") != NULL);
    for (unsigned i = 0; i < 10; i++) {
        msg_record r;
        make_msg(&r, i);
        r.state = (msg_state)(i % 3 == 0   ? MSG_SEEN
                              : i % 3 == 1 ? MSG_HEADER_PROVEN
                                           : MSG_CONFIRMED);
        CHECK_EQ_INT(put_one(s, &r, 0), ZK_OK);
        msg_record_clear(&r);
    }
    msg_block blk;
    msg_block_init(&blk);
    blk.number = 101;
    blk.state = BLK_PROVEN;
    memset(blk.hash, 0x11, 32);
    blk.rotation = true;
    CHECK_EQ_INT(msg_block_set_proof(&blk, "{\"pi_a\":[]}"), ZK_OK);
    msgstore_batch *b = msgstore_batch_new(s);
    CHECK_EQ_INT(msgstore_batch_put_block(b, &blk, NULL), ZK_OK);
    blk.number = 99;
    blk.rotation = false;
    blk.state = BLK_PENDING;
    CHECK_EQ_INT(msgstore_batch_put_block(b, &blk, NULL), ZK_OK);
    blk.state = BLK_SUBMITTED; /* without a raw tx: refused */
    CHECK_EQ_INT(msgstore_batch_put_block(b, &blk, NULL), ZK_ERR_USAGE);
    CHECK_EQ_INT(msgstore_batch_commit(b, NULL), ZK_OK);
    msgstore_batch_free(b);
    msg_block_clear(&blk);
    msgstore_close(s);

    CHECK_EQ_INT(msgstore_open(&s, dir, false, NULL), ZK_OK);
    if (!s) return;
    int n = 0;
    CHECK_EQ_INT(msgstore_each(s, MSG_SEEN, count_fn, &n, NULL), ZK_OK);
    CHECK_EQ_INT(n, 4); /* 0 3 6 9 */
    n = 0;
    CHECK_EQ_INT(msgstore_each(s, MSG_HEADER_PROVEN, count_fn, &n, NULL), ZK_OK);
    CHECK_EQ_INT(n, 3);
    n = 0;
    CHECK_EQ_INT(msgstore_each(s, 0, count_fn, &n, NULL), ZK_OK);
    CHECK_EQ_INT(n, 10);
    n = 0;
    CHECK_EQ_INT(msgstore_each(s, MSG_FAILED, count_fn, &n, NULL), ZK_OK);
    CHECK_EQ_INT(n, 0);
    CHECK_EQ_INT(msgstore_each(s, 42, count_fn, &n, NULL), ZK_ERR_USAGE);

    CHECK_EQ_INT(msgstore_get_block(s, &blk, 101, NULL), ZK_OK);
    CHECK_EQ_INT(blk.state, BLK_PROVEN);
    CHECK(blk.rotation);
    CHECK(th_streq(blk.proof_json, "{\"pi_a\":[]}"));
    msg_block_clear(&blk);
    CHECK_EQ_INT(msgstore_get_block(s, &blk, 100, NULL), ZK_ERR_NOTFOUND);
    msgstore_close(s);
}

typedef struct walk_ctx {
    msgstore *s;
    int n;
} walk_ctx;

/* Moves each seen message on while the walk runs: the walk reads a snapshot. */
static int advance_fn(void *arg, const msg_record *r)
{
    walk_ctx *w = arg;
    msg_record copy;
    msg_record_init(&copy);
    memcpy(copy.m, r->m, 32);
    copy.state = MSG_HEADER_PROVEN;
    w->n++;
    return put_one(w->s, &copy, MSG_SEEN);
}

static int stop_fn(void *arg, const msg_record *r)
{
    (void)r;
    (*(int *)arg)++;
    return 77;
}

TEST(test_msgstore_walk_while_writing)
{
    msgstore *s = open_fresh("walk");
    if (!s) return;
    for (unsigned i = 0; i < 5; i++) {
        msg_record r;
        make_msg(&r, i);
        CHECK_EQ_INT(put_one(s, &r, 0), ZK_OK);
        msg_record_clear(&r);
    }
    walk_ctx w = {s, 0};
    CHECK_EQ_INT(msgstore_each(s, MSG_SEEN, advance_fn, &w, NULL), ZK_OK);
    CHECK_EQ_INT(w.n, 5);
    uint64_t counts[MSG_STATE_COUNT];
    CHECK_EQ_INT(msgstore_count(s, counts, NULL), ZK_OK);
    CHECK_EQ_INT(counts[MSG_SEEN], 0);
    CHECK_EQ_INT(counts[MSG_HEADER_PROVEN], 5);
    int n = 0;
    CHECK_EQ_INT(msgstore_each(s, 0, stop_fn, &n, NULL), 77);
    CHECK_EQ_INT(n, 1);
    msgstore_close(s);
}

/* Writes raw bytes under key with LevelDB directly (the store must be closed). */
static void raw_put(const char *dir, const uint8_t *key, size_t klen, const uint8_t *val,
                    size_t vlen)
{
    leveldb_options_t *o = leveldb_options_create();
    char *lerr = NULL;
    leveldb_t *db = leveldb_open(o, dir, &lerr);
    CHECK_MSG(lerr == NULL, "raw open: %s", lerr ? lerr : "");
    if (db) {
        leveldb_writeoptions_t *wo = leveldb_writeoptions_create();
        leveldb_put(db, wo, (const char *)key, klen, (const char *)val, vlen, &lerr);
        CHECK(lerr == NULL);
        leveldb_writeoptions_destroy(wo);
        leveldb_close(db);
    }
    if (lerr) leveldb_free(lerr);
    leveldb_options_destroy(o);
}

/* Reads raw bytes under key (malloc'd copy; NULL when absent). */
static uint8_t *raw_get(const char *dir, const uint8_t *key, size_t klen, size_t *vlen)
{
    leveldb_options_t *o = leveldb_options_create();
    leveldb_readoptions_t *ro = leveldb_readoptions_create();
    char *lerr = NULL;
    uint8_t *out = NULL;
    leveldb_t *db = leveldb_open(o, dir, &lerr);
    if (db) {
        char *v = leveldb_get(db, ro, (const char *)key, klen, vlen, &lerr);
        if (v) {
            out = malloc(*vlen);
            if (out) memcpy(out, v, *vlen);
            leveldb_free(v);
        }
        leveldb_close(db);
    }
    if (lerr) leveldb_free(lerr);
    leveldb_readoptions_destroy(ro);
    leveldb_options_destroy(o);
    return out;
}

TEST(test_msgstore_corrupt_record)
{
    const char *dir = th_tmp_path("corrupt");
    th_rm_tree(dir);
    msgstore *s = NULL;
    CHECK_EQ_INT(msgstore_open(&s, dir, true, NULL), ZK_OK);
    if (!s) return;
    msg_record r;
    make_msg(&r, 7);
    CHECK_EQ_INT(put_one(s, &r, 0), ZK_OK);
    msgstore_close(s);

    uint8_t key[33] = {'M'};
    memcpy(key + 1, r.m, 32);
    size_t len = 0;
    uint8_t *val = raw_get(dir, key, sizeof(key), &len);
    CHECK(val != NULL && len > 10);
    if (!val) {
        msg_record_clear(&r);
        return;
    }
    struct {
        const char *name;
        size_t cut;  /* truncate to this length (0: keep) */
        size_t flip; /* flip a bit at this offset (SIZE_MAX: none) */
        uint8_t ver; /* replace the version byte (0: keep) */
    } cases[] = {
        {"truncated by one byte", 1, SIZE_MAX, 0}, {"version byte 2", 0, SIZE_MAX, 2},
        {"list header bit flipped", 0, 1, 0},      {"hash differs from key", 0, 6, 0},
        {"empty value", SIZE_MAX, SIZE_MAX, 0},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        CASE_BEGIN("%s", cases[c].name);
        uint8_t *bad = malloc(len);
        memcpy(bad, val, len);
        size_t blen = len;
        if (cases[c].cut == SIZE_MAX)
            blen = 0;
        else if (cases[c].cut)
            blen = len - cases[c].cut;
        if (cases[c].flip != SIZE_MAX) bad[cases[c].flip] ^= 0x01;
        if (cases[c].ver) bad[0] = cases[c].ver;
        raw_put(dir, key, sizeof(key), bad, blen);
        free(bad);
        CHECK_EQ_INT(msgstore_open(&s, dir, false, NULL), ZK_OK);
        if (s) {
            msg_record got;
            zk_errbuf err = {{0}, 0};
            CHECK_EQ_INT(msgstore_get(s, &got, r.m, &err), ZK_ERR_MALFORMED);
            CHECK_MSG(strstr(err.msg, "corrupt value under key M/0xab") != NULL, "msg: %s",
                      err.msg);
            int n = 0;
            CHECK_EQ_INT(msgstore_each(s, MSG_SEEN, count_fn, &n, NULL), ZK_ERR_MALFORMED);
            CHECK_EQ_INT(n, 0);
            msgstore_close(s);
        }
        CASE_END();
    }
    /* restored: readable again */
    raw_put(dir, key, sizeof(key), val, len);
    CHECK_EQ_INT(msgstore_open(&s, dir, false, NULL), ZK_OK);
    if (s) {
        msg_record got;
        CHECK_EQ_INT(msgstore_get(s, &got, r.m, NULL), ZK_OK);
        msg_record_clear(&got);
        msgstore_close(s);
    }
    /* a bad scan height record */
    uint8_t hkey[1] = {'H'}, hval[5] = {1, 0, 0, 0, 9};
    raw_put(dir, hkey, 1, hval, sizeof(hval));
    CHECK_EQ_INT(msgstore_open(&s, dir, false, NULL), ZK_OK);
    if (s) {
        uint64_t h;
        CHECK_EQ_INT(msgstore_get_scan_height(s, &h, NULL, NULL), ZK_ERR_MALFORMED);
        msgstore_close(s);
    }
    free(val);
    msg_record_clear(&r);
}

TEST(test_msgstore_schema_version)
{
    const char *dir = th_tmp_path("schema");
    th_rm_tree(dir);
    msgstore *s = NULL;
    CHECK_EQ_INT(msgstore_open(&s, dir, true, NULL), ZK_OK);
    msgstore_close(s);
    uint8_t key[1] = {'V'};
    size_t len = 0;
    uint8_t *val = raw_get(dir, key, 1, &len);
    CHECK(val != NULL && len == 5);
    if (val)
        CHECK_EQ_INT(be64_load((const uint8_t[8]){0, 0, 0, 0, val[1], val[2], val[3], val[4]}),
                     MSGSTORE_SCHEMA_VERSION);
    free(val);

    /* newer schema: refused, naming the upgrade */
    uint8_t newer[5] = {1, 0, 0, 0, MSGSTORE_SCHEMA_VERSION + 1};
    raw_put(dir, key, 1, newer, sizeof(newer));
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(msgstore_open(&s, dir, false, &err), ZK_ERR_MISMATCH);
    CHECK(s == NULL);
    CHECK(strstr(err.msg, "newer") != NULL);
    /* older schema: refused too */
    uint8_t older[5] = {1, 0, 0, 0, 0};
    raw_put(dir, key, 1, older, sizeof(older));
    CHECK_EQ_INT(msgstore_open(&s, dir, false, NULL), ZK_ERR_MISMATCH);
    /* a schema record of the wrong length */
    raw_put(dir, key, 1, older, 3);
    CHECK_EQ_INT(msgstore_open(&s, dir, false, NULL), ZK_ERR_MALFORMED);

    /* a database with keys but no schema record is not ours */
    const char *dir2 = th_tmp_path("notours");
    th_rm_tree(dir2);
    uint8_t k2[3] = {'x', 'y', 'z'};
    leveldb_options_t *o = leveldb_options_create();
    leveldb_options_set_create_if_missing(o, 1);
    char *lerr = NULL;
    leveldb_t *db = leveldb_open(o, dir2, &lerr);
    if (db) leveldb_close(db);
    leveldb_options_destroy(o);
    if (lerr) leveldb_free(lerr);
    raw_put(dir2, k2, 3, k2, 3);
    err.msg[0] = '\0';
    CHECK_EQ_INT(msgstore_open(&s, dir2, false, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "not a message store") != NULL);
}

TEST(test_msgstore_caps)
{
    msg_record r;
    msg_record_init(&r);
    uint8_t *big = calloc(1, MSGSTORE_RAW_TX_MAX + 1);
    CHECK_EQ_INT(msg_record_set_payload(&r, big, MSGSTORE_PAYLOAD_MAX + 1), ZK_ERR_RANGE);
    CHECK_EQ_INT(msgstore_tx_set_raw(&r.tx, big, MSGSTORE_RAW_TX_MAX + 1), ZK_ERR_RANGE);
    CHECK_EQ_INT(msg_record_set_payload(&r, big, MSGSTORE_PAYLOAD_MAX), ZK_OK);
    free(big);
    msg_record_clear(&r);
    msg_state st;
    CHECK_EQ_INT(msg_state_parse(&st, "inclusion-proven"), ZK_OK);
    CHECK_EQ_INT(st, MSG_INCLUSION_PROVEN);
    CHECK_EQ_INT(msg_state_parse(&st, "delivered"), ZK_ERR_USAGE);
    CHECK(th_streq(msg_state_name(99), "unknown"));
    msgstore *s = open_fresh("caps");
    if (!s) return;
    msgstore_batch *b = msgstore_batch_new(s);
    uint8_t m[32] = {0};
    CHECK_EQ_INT(msgstore_batch_put_bundle(b, m, "", NULL), ZK_ERR_USAGE);
    msgstore_batch_free(b);
    msgstore_close(s);
}

TEST_MAIN(RUN(test_msgstore_roundtrip_and_transitions); RUN(test_msgstore_batch_is_atomic);
          RUN(test_msgstore_reopen_and_iteration); RUN(test_msgstore_walk_while_writing);
          RUN(test_msgstore_corrupt_record); RUN(test_msgstore_schema_version);
          RUN(test_msgstore_caps))
