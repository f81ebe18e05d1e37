/* The light client's trusted state in LevelDB. Layouts are documented in lc_store.h. */
#include "lc_store.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leveldb/c.h>

#include "bytes.h"
#include "hex.h"
#include "kvdb.h"

struct lc_store {
    kvdb kv; /* the database, its lock and options (lightclient/kvdb.h) */
};

enum {
    KEY_META = 'm',
    KEY_CHECKPOINT = 'c',
    KEY_HEAD = 'H',
    KEY_HEADER = 'h',
    KEY_VALSET = 'v',
    KEY_EVIDENCE = 'e',
    KEY_FROZEN = 'f',
    KEY_HEADER_RLP = 'r',
    KEY_AUX = 'a',
};

#define META_LEN       13
#define CHECKPOINT_LEN 98
#define HEAD_LEN       41
#define HEADER_LEN     242
#define FROZEN_LEN     9

/* The longest key: a prefix and a 32-byte id. */
typedef struct store_key {
    uint8_t b[33];
    size_t len;
} store_key;

static store_key key_single(uint8_t prefix)
{
    store_key k = {{prefix}, 1};
    return k;
}

static store_key key_number(uint8_t prefix, uint64_t number)
{
    store_key k = {{prefix}, 9};
    be64_store(k.b + 1, number);
    return k;
}

static store_key key_id(const uint8_t id[32])
{
    store_key k = {{KEY_VALSET}, 33};
    memcpy(k.b + 1, id, 32);
    return k;
}

/* A key as a person reads it in an error message: "h/1234", "v/0x1a2b3c4d..", "c". */
static const char *key_describe(char out[40], const store_key *k)
{
    if ((k->b[0] == KEY_HEADER || k->b[0] == KEY_EVIDENCE || k->b[0] == KEY_HEADER_RLP) &&
        k->len == 9) {
        snprintf(out, 40, "%c/%" PRIu64, k->b[0], be64_load(k->b + 1));
    } else if (k->b[0] == KEY_VALSET && k->len == 33) {
        char hex[2 * 8 + 3];
        hex_encode(hex, k->b + 1, 8, true);
        snprintf(out, 40, "v/%s..", hex);
    } else {
        snprintf(out, 40, "%c", k->b[0]);
    }
    return out;
}

static int fail_corrupt(zk_errbuf *err, const store_key *k, const char *what)
{
    char name[40];
    return ZK_FAIL(err, ZK_ERR_MALFORMED, "light-client store: corrupt value under key %s: %s",
                   key_describe(name, k), what);
}

/* Reads one key. Out: *val (malloc'd by LevelDB, free with leveldb_free), *len.
 * Returns ZK_ERR_NOTFOUND when absent. */
static int db_get(lc_store *s, const store_key *k, char **val, size_t *len, zk_errbuf *err)
{
    char *lerr = NULL;
    *val = leveldb_get(s->kv.db, s->kv.ropts, (const char *)k->b, k->len, len, &lerr);
    if (lerr) {
        char name[40];
        int code = strncmp(lerr, "Corruption", 10) == 0 ? ZK_ERR_MALFORMED : ZK_ERR_IO;
        ZK_FAIL(err, code, "light-client store %s: reading key %s: %s", s->kv.dir,
                key_describe(name, k), lerr);
        leveldb_free(lerr);
        *val = NULL;
        return code;
    }
    if (!*val) return ZK_ERR_NOTFOUND;
    return ZK_OK;
}

/* Writes batch with sync=true: all of it or none of it survives a crash. */
static int db_write(lc_store *s, leveldb_writebatch_t *batch, const char *what, zk_errbuf *err)
{
    char *lerr = NULL;
    leveldb_write(s->kv.db, s->kv.wopts, batch, &lerr);
    if (lerr) {
        ZK_FAIL(err, ZK_ERR_IO, "light-client store %s: writing %s: %s", s->kv.dir, what, lerr);
        leveldb_free(lerr);
        return ZK_ERR_IO;
    }
    return ZK_OK;
}

static void batch_put(leveldb_writebatch_t *b, const store_key *k, const uint8_t *v, size_t n)
{
    leveldb_writebatch_put(b, (const char *)k->b, k->len, (const char *)v, n);
}

/* ---- value layouts ---- */

/* Checks the version byte and exact length, then hands back a cursor past the version. */
static int value_open(zk_cursor *c, const store_key *k, const char *val, size_t len, size_t want,
                      zk_errbuf *err)
{
    *c = cur_make((const uint8_t *)val, len);
    uint8_t ver;
    if (cur_u8(c, &ver) != ZK_OK) return fail_corrupt(err, k, "empty value");
    if (ver != LC_STORE_RECORD_V1) {
        char what[64];
        snprintf(what, sizeof(what), "layout version %u, expected %u", ver, LC_STORE_RECORD_V1);
        return fail_corrupt(err, k, what);
    }
    if (want && len != want) {
        char what[64];
        snprintf(what, sizeof(what), "%zu bytes, expected %zu", len, want);
        return fail_corrupt(err, k, what);
    }
    return ZK_OK;
}

static int cur_hash(zk_cursor *c, uint8_t out[32])
{
    const uint8_t *p;
    int rc = cur_take(c, &p, 32);
    if (rc == ZK_OK) memcpy(out, p, 32);
    return rc;
}

/* Writes a fixed layout into a caller's buffer; the assert at the end of each
 * encoder pins the layout's length to the one lc_store.h documents. */
typedef struct rec_writer {
    uint8_t *p;
    size_t len, cap;
} rec_writer;

static void w_bytes(rec_writer *w, const uint8_t *src, size_t n)
{
    assert(n <= w->cap - w->len);
    memcpy(w->p + w->len, src, n);
    w->len += n;
}

static void w_u8(rec_writer *w, uint8_t v)
{
    w_bytes(w, &v, 1);
}

static void w_be32(rec_writer *w, uint32_t v)
{
    uint8_t b[4];
    be32_store(b, v);
    w_bytes(w, b, 4);
}

static void w_be64(rec_writer *w, uint64_t v)
{
    uint8_t b[8];
    be64_store(b, v);
    w_bytes(w, b, 8);
}

static void header_encode(uint8_t out[HEADER_LEN], const lc_stored_header *h)
{
    rec_writer w = {out, 0, HEADER_LEN};
    w_u8(&w, LC_STORE_RECORD_V1);
    w_be64(&w, h->number);
    w_bytes(&w, h->hash, 32);
    w_bytes(&w, h->parent_hash, 32);
    w_bytes(&w, h->state_root, 32);
    w_bytes(&w, h->transactions_root, 32);
    w_bytes(&w, h->receipts_root, 32);
    w_be64(&w, h->timestamp);
    w_bytes(&w, h->valset_id, 32);
    w_bytes(&w, h->next_valset_id, 32);
    w_u8(&w, h->rule);
    assert(w.len == HEADER_LEN);
}

static bool rule_is_known(uint8_t r)
{
    return r == LC_RULE_BFT_QUORUM || r == LC_RULE_CLIQUE_WINDOW || r == LC_RULE_CHECKPOINT;
}

static int header_decode(lc_stored_header *h, const store_key *k, const char *val, size_t len,
                         uint64_t number, zk_errbuf *err)
{
    zk_cursor c;
    int rc = value_open(&c, k, val, len, HEADER_LEN, err);
    if (rc != ZK_OK) return rc;
    /* The length was checked above, so these reads cannot run short; they still go
     * through the cursor so no offset arithmetic is written by hand. */
    if (cur_be64(&c, &h->number) != ZK_OK || cur_hash(&c, h->hash) != ZK_OK ||
        cur_hash(&c, h->parent_hash) != ZK_OK || cur_hash(&c, h->state_root) != ZK_OK ||
        cur_hash(&c, h->transactions_root) != ZK_OK || cur_hash(&c, h->receipts_root) != ZK_OK ||
        cur_be64(&c, &h->timestamp) != ZK_OK || cur_hash(&c, h->valset_id) != ZK_OK ||
        cur_hash(&c, h->next_valset_id) != ZK_OK || cur_u8(&c, &h->rule) != ZK_OK || c.len != 0)
        return fail_corrupt(err, k, "header record truncated");
    if (h->number != number) return fail_corrupt(err, k, "header number differs from its key");
    if (!rule_is_known(h->rule)) return fail_corrupt(err, k, "unknown acceptance rule");
    return ZK_OK;
}

/* A set must be what valset_from_list builds: 1..VALSET_MAX members, strictly ascending. */
static bool valset_is_valid(const valset *v)
{
    if (v->n == 0 || v->n > VALSET_MAX) return false;
    for (size_t i = 1; i < v->n; i++)
        if (memcmp(v->addrs[i - 1], v->addrs[i], 20) >= 0) return false;
    return true;
}

static int valset_encode(uint8_t **out, size_t *out_len, const valset *v)
{
    size_t n = 1 + 4 + v->n * 20;
    uint8_t *p = malloc(n);
    if (!p) return ZK_ERR_NOMEM;
    rec_writer w = {p, 0, n};
    w_u8(&w, LC_STORE_RECORD_V1);
    w_be32(&w, (uint32_t)v->n);
    w_bytes(&w, &v->addrs[0][0], v->n * 20);
    assert(w.len == n);
    *out = p;
    *out_len = n;
    return ZK_OK;
}

static int valset_decode(valset *v, const store_key *k, const char *val, size_t len, zk_errbuf *err)
{
    zk_cursor c;
    int rc = value_open(&c, k, val, len, 0, err);
    if (rc != ZK_OK) return rc;
    uint32_t n;
    if (cur_be32(&c, &n) != ZK_OK) return fail_corrupt(err, k, "validator set truncated");
    if (n == 0 || n > VALSET_MAX) return fail_corrupt(err, k, "validator count out of range");
    if (c.len != (size_t)n * 20) return fail_corrupt(err, k, "validator list length differs");
    const uint8_t *p;
    if (cur_take(&c, &p, (size_t)n * 20) != ZK_OK)
        return fail_corrupt(err, k, "validator set truncated");
    v->n = n;
    memcpy(v->addrs, p, (size_t)n * 20);
    if (!valset_is_valid(v)) return fail_corrupt(err, k, "validators not sorted and distinct");
    uint8_t id[32];
    valset_id(id, v);
    if (memcmp(id, k->b + 1, 32) != 0) return fail_corrupt(err, k, "set does not hash to its key");
    return ZK_OK;
}

static void checkpoint_encode(uint8_t out[CHECKPOINT_LEN], const lc_checkpoint *cp,
                              const uint8_t vid[32])
{
    rec_writer w = {out, 0, CHECKPOINT_LEN};
    w_u8(&w, LC_STORE_RECORD_V1);
    w_be64(&w, cp->chain_id);
    w_u8(&w, (uint8_t)cp->consensus);
    w_be64(&w, cp->number);
    w_bytes(&w, cp->hash, 32);
    w_bytes(&w, vid, 32);
    w_be64(&w, cp->clique_epoch);
    w_be64(&w, cp->clique_period);
    assert(w.len == CHECKPOINT_LEN);
}

/* ---- typed reads ---- */

static int read_header(lc_store *s, lc_stored_header *out, uint64_t number, zk_errbuf *err)
{
    store_key k = key_number(KEY_HEADER, number);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, rc, "light-client store: no header at %" PRIu64, number);
    if (rc != ZK_OK) return rc;
    rc = header_decode(out, &k, val, len, number, err);
    leveldb_free(val);
    return rc;
}

static int read_valset(lc_store *s, valset *out, const uint8_t id[32], zk_errbuf *err)
{
    store_key k = key_id(id);
    char *val, name[40];
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, rc, "light-client store: no validator set %s", key_describe(name, &k));
    if (rc != ZK_OK) return rc;
    rc = valset_decode(out, &k, val, len, err);
    leveldb_free(val);
    return rc;
}

static int has_key(lc_store *s, const store_key *k, bool *out, zk_errbuf *err)
{
    char *val;
    size_t len;
    int rc = db_get(s, k, &val, &len, err);
    *out = rc == ZK_OK;
    if (rc == ZK_OK) leveldb_free(val);
    return rc == ZK_ERR_NOTFOUND ? ZK_OK : rc;
}

typedef struct meta_rec {
    uint32_t schema;
    uint64_t chain_id;
} meta_rec;

static int read_meta(lc_store *s, meta_rec *m, zk_errbuf *err)
{
    store_key k = key_single(KEY_META);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, rc, "light-client store %s: not initialised", s->kv.dir);
    if (rc != ZK_OK) return rc;
    zk_cursor c;
    rc = value_open(&c, &k, val, len, META_LEN, err);
    if (rc == ZK_OK && (cur_be32(&c, &m->schema) != ZK_OK || cur_be64(&c, &m->chain_id) != ZK_OK))
        rc = fail_corrupt(err, &k, "meta record truncated");
    leveldb_free(val);
    return rc;
}

/* Reads the checkpoint record without its set. Out: *vid, the set's id. */
static int read_checkpoint(lc_store *s, lc_checkpoint *cp, uint8_t vid[32], zk_errbuf *err)
{
    store_key k = key_single(KEY_CHECKPOINT);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, rc, "light-client store %s: not initialised (no checkpoint)",
                       s->kv.dir);
    if (rc != ZK_OK) return rc;
    zk_cursor c;
    rc = value_open(&c, &k, val, len, CHECKPOINT_LEN, err);
    uint8_t cons = 0;
    if (rc == ZK_OK && (cur_be64(&c, &cp->chain_id) != ZK_OK || cur_u8(&c, &cons) != ZK_OK ||
                        cur_be64(&c, &cp->number) != ZK_OK || cur_hash(&c, cp->hash) != ZK_OK ||
                        cur_hash(&c, vid) != ZK_OK || cur_be64(&c, &cp->clique_epoch) != ZK_OK ||
                        cur_be64(&c, &cp->clique_period) != ZK_OK || c.len != 0))
        rc = fail_corrupt(err, &k, "checkpoint record truncated");
    leveldb_free(val);
    if (rc != ZK_OK) return rc;
    if (cons != LC_QBFT && cons != LC_IBFT2 && cons != LC_CLIQUE)
        return fail_corrupt(err, &k, "unknown consensus");
    cp->consensus = (lc_consensus)cons;
    return ZK_OK;
}

/* The head: the record under "H" and the header it names, which must exist with that hash. */
static int read_head(lc_store *s, lc_stored_header *out, zk_errbuf *err)
{
    store_key k = key_single(KEY_HEAD);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, rc, "light-client store %s: not initialised (no head)", s->kv.dir);
    if (rc != ZK_OK) return rc;
    zk_cursor c;
    uint64_t number = 0;
    uint8_t hash[32];
    rc = value_open(&c, &k, val, len, HEAD_LEN, err);
    if (rc == ZK_OK && (cur_be64(&c, &number) != ZK_OK || cur_hash(&c, hash) != ZK_OK))
        rc = fail_corrupt(err, &k, "head record truncated");
    leveldb_free(val);
    if (rc != ZK_OK) return rc;
    rc = read_header(s, out, number, err);
    if (rc == ZK_ERR_NOTFOUND) return fail_corrupt(err, &k, "the head header is missing");
    if (rc != ZK_OK) return rc;
    if (memcmp(out->hash, hash, 32) != 0)
        return fail_corrupt(err, &k, "the head header has another hash");
    return ZK_OK;
}

static void head_encode(uint8_t out[HEAD_LEN], const lc_stored_header *h)
{
    rec_writer w = {out, 0, HEAD_LEN};
    w_u8(&w, LC_STORE_RECORD_V1);
    w_be64(&w, h->number);
    w_bytes(&w, h->hash, 32);
    assert(w.len == HEAD_LEN);
}

/* ---- open / close ---- */

/* A database without a meta record is ours only while it is empty (created and
 * not yet initialised). */
static int check_schema(lc_store *s, zk_errbuf *err)
{
    meta_rec m;
    zk_errbuf local;
    int rc = read_meta(s, &m, &local);
    if (rc == ZK_OK) {
        if (m.schema != LC_STORE_SCHEMA_VERSION)
            return ZK_FAIL(err, ZK_ERR_MISMATCH,
                           "light-client store %s has schema version %" PRIu32
                           "; this build reads version %d",
                           s->kv.dir, m.schema, LC_STORE_SCHEMA_VERSION);
        return ZK_OK;
    }
    if (rc != ZK_ERR_NOTFOUND) {
        if (err) *err = local;
        return rc;
    }
    bool empty = false;
    if ((rc = kvdb_is_empty(&s->kv, &empty, err)) != ZK_OK) return rc;
    if (!empty)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "%s is not a light-client store (it has keys but no meta record)",
                       s->kv.dir);
    return ZK_OK;
}

void lc_store_close(lc_store *s)
{
    if (!s) return;
    kvdb_close(&s->kv);
    free(s);
}

int lc_store_open(lc_store **out, const char *dir, bool create_if_missing, zk_errbuf *err)
{
    *out = NULL;
    lc_store *s = calloc(1, sizeof(*s));
    if (!s) return ZK_FAIL(err, ZK_ERR_NOMEM, "light-client store: out of memory");
    int rc = kvdb_open(&s->kv, dir, create_if_missing, 0755, LC_STORE_LOCK_FILE,
                       "light-client store", err);
    if (rc == ZK_OK) rc = check_schema(s, err);
    if (rc != ZK_OK) {
        lc_store_close(s);
        return rc;
    }
    *out = s;
    return ZK_OK;
}

/* ---- checkpoint ---- */

int lc_store_init(lc_store *s, const lc_checkpoint *cp, zk_errbuf *err)
{
    if (cp->consensus != LC_QBFT && cp->consensus != LC_IBFT2 && cp->consensus != LC_CLIQUE)
        return ZK_FAIL(err, ZK_ERR_USAGE, "checkpoint: unknown consensus %d", (int)cp->consensus);
    if (!valset_is_valid(&cp->validators))
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "checkpoint: the validator set must have 1..%d sorted, distinct members",
                       VALSET_MAX);
    if (cp->consensus == LC_CLIQUE && cp->clique_epoch == 0)
        return ZK_FAIL(err, ZK_ERR_USAGE, "checkpoint: a Clique epoch of 0");

    uint8_t vid[32];
    valset_id(vid, &cp->validators);

    lc_checkpoint have;
    uint8_t have_vid[32];
    int rc = read_checkpoint(s, &have, have_vid, err);
    if (rc == ZK_OK) {
        if (have.chain_id != cp->chain_id || have.consensus != cp->consensus ||
            have.number != cp->number || memcmp(have.hash, cp->hash, 32) != 0 ||
            memcmp(have_vid, vid, 32) != 0 || have.clique_epoch != cp->clique_epoch ||
            have.clique_period != cp->clique_period)
            return ZK_FAIL(err, ZK_ERR_MISMATCH,
                           "light-client store %s is already initialised with another checkpoint "
                           "(chain %" PRIu64 ", block %" PRIu64 ")",
                           s->kv.dir, have.chain_id, have.number);
        return ZK_OK;
    }
    if (rc != ZK_ERR_NOTFOUND) return rc;

    lc_stored_header h;
    memset(&h, 0, sizeof(h));
    h.number = cp->number;
    memcpy(h.hash, cp->hash, 32);
    memcpy(h.valset_id, vid, 32);
    memcpy(h.next_valset_id, vid, 32);
    h.rule = LC_RULE_CHECKPOINT;

    uint8_t meta[META_LEN], cprec[CHECKPOINT_LEN], hrec[HEADER_LEN], head[HEAD_LEN];
    rec_writer w = {meta, 0, META_LEN};
    w_u8(&w, LC_STORE_RECORD_V1);
    w_be32(&w, LC_STORE_SCHEMA_VERSION);
    w_be64(&w, cp->chain_id);
    assert(w.len == META_LEN);
    checkpoint_encode(cprec, cp, vid);
    header_encode(hrec, &h);
    head_encode(head, &h);
    uint8_t *vrec;
    size_t vlen;
    if (valset_encode(&vrec, &vlen, &cp->validators) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_NOMEM, "light-client store: out of memory");

    store_key km = key_single(KEY_META), kc = key_single(KEY_CHECKPOINT), kv = key_id(vid),
              kh = key_number(KEY_HEADER, h.number), kH = key_single(KEY_HEAD);
    leveldb_writebatch_t *b = leveldb_writebatch_create();
    batch_put(b, &km, meta, sizeof(meta));
    batch_put(b, &kc, cprec, sizeof(cprec));
    batch_put(b, &kv, vrec, vlen);
    batch_put(b, &kh, hrec, sizeof(hrec));
    batch_put(b, &kH, head, sizeof(head));
    rc = db_write(s, b, "the checkpoint", err);
    leveldb_writebatch_destroy(b);
    free(vrec);
    return rc;
}

int lc_store_checkpoint(lc_store *s, lc_checkpoint *out, zk_errbuf *err)
{
    uint8_t vid[32];
    int rc = read_checkpoint(s, out, vid, err);
    if (rc != ZK_OK) return rc;
    rc = read_valset(s, &out->validators, vid, err);
    if (rc == ZK_ERR_NOTFOUND) {
        store_key k = key_single(KEY_CHECKPOINT);
        return fail_corrupt(err, &k, "the checkpoint's validator set is missing");
    }
    return rc;
}

int lc_store_chain_id(lc_store *s, uint64_t *out, zk_errbuf *err)
{
    meta_rec m;
    int rc = read_meta(s, &m, err);
    if (rc == ZK_OK) *out = m.chain_id;
    return rc;
}

int lc_store_expect_chain(lc_store *s, uint64_t chain_id, zk_errbuf *err)
{
    uint64_t have;
    int rc = lc_store_chain_id(s, &have, err);
    if (rc != ZK_OK) return rc;
    if (have != chain_id)
        return ZK_FAIL(err, ZK_ERR_MISMATCH,
                       "light-client store %s holds chain %" PRIu64 ", not chain %" PRIu64,
                       s->kv.dir, have, chain_id);
    return ZK_OK;
}

/* ---- headers ---- */

static bool header_equal(const lc_stored_header *a, const lc_stored_header *b)
{
    uint8_t ea[HEADER_LEN], eb[HEADER_LEN];
    header_encode(ea, a);
    header_encode(eb, b);
    return memcmp(ea, eb, HEADER_LEN) == 0;
}

static int check_link(const lc_stored_header *parent, const lc_stored_header *h, zk_errbuf *err)
{
    if (memcmp(h->parent_hash, parent->hash, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "header %" PRIu64 ": parent hash is not the stored header %" PRIu64,
                       h->number, parent->number);
    if (memcmp(h->valset_id, parent->next_valset_id, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "header %" PRIu64 ": sealed by another set than its parent hands over to",
                       h->number);
    return ZK_OK;
}

/* The store as it will be once the batch being built is written: the headers and
 * sets that earlier puts of the same call add, over what is on disk. Two
 * open-addressing tables (linear probing, at most n entries in at least 2n slots,
 * so a probe always meets an empty slot) hold 1 + the index of the put that
 * added a header (keyed by its number) or a set (keyed by the first 8 bytes of
 * its id, then compared whole); 0 marks an empty slot. */
typedef struct batch_view {
    const lc_put *puts;
    size_t *by_number, *by_set;
    size_t mask;
    bool loaded; /* head, cp and frozen read from disk (once, before the first store check) */
    bool frozen;
    uint64_t frozen_at;
    lc_stored_header head; /* the head as it will be */
    bool head_moved;
    lc_checkpoint cp;
    bool dirty; /* the write batch holds something */
} batch_view;

static int view_init(batch_view *v, const lc_put *puts, size_t n)
{
    memset(v, 0, sizeof(*v));
    v->puts = puts;
    size_t slots = 2;
    while (slots < 2 * n) {
        if (slots > SIZE_MAX / 2 / sizeof(size_t)) return ZK_ERR_NOMEM;
        slots *= 2;
    }
    v->mask = slots - 1;
    v->by_number = calloc(slots, sizeof(size_t));
    v->by_set = calloc(slots, sizeof(size_t));
    if (!v->by_number || !v->by_set) return ZK_ERR_NOMEM;
    return ZK_OK;
}

static void view_clear(batch_view *v)
{
    free(v->by_number);
    free(v->by_set);
    v->by_number = v->by_set = NULL;
}

static const lc_stored_header *view_find_header(const batch_view *v, uint64_t number)
{
    for (size_t i = (size_t)(number & v->mask); v->by_number[i]; i = (i + 1) & v->mask) {
        const lc_stored_header *h = v->puts[v->by_number[i] - 1].h;
        if (h->number == number) return h;
    }
    return NULL;
}

static bool view_has_set(const batch_view *v, const uint8_t id[32])
{
    for (size_t i = (size_t)(be64_load(id) & v->mask); v->by_set[i]; i = (i + 1) & v->mask)
        if (memcmp(v->puts[v->by_set[i] - 1].h->next_valset_id, id, 32) == 0) return true;
    return false;
}

/* Precondition (both adds): the key is not in its table yet. */
static void view_add_header(batch_view *v, size_t idx)
{
    size_t i = (size_t)(v->puts[idx].h->number & v->mask);
    while (v->by_number[i])
        i = (i + 1) & v->mask;
    v->by_number[i] = idx + 1;
}

static void view_add_set(batch_view *v, size_t idx)
{
    size_t i = (size_t)(be64_load(v->puts[idx].h->next_valset_id) & v->mask);
    while (v->by_set[i])
        i = (i + 1) & v->mask;
    v->by_set[i] = idx + 1;
}

/* The header at number: one added earlier in the batch, else the stored one. */
static int view_read_header(lc_store *s, const batch_view *v, lc_stored_header *out,
                            uint64_t number, zk_errbuf *err)
{
    const lc_stored_header *h = view_find_header(v, number);
    if (h) {
        *out = *h;
        return ZK_OK;
    }
    return read_header(s, out, number, err);
}

/* Reads what every put is checked against, in lc_store_put_header's order. */
static int view_load(lc_store *s, batch_view *v, zk_errbuf *err)
{
    int rc = lc_store_frozen(s, &v->frozen, &v->frozen_at, err);
    if (rc != ZK_OK) return rc;
    rc = read_head(s, &v->head, err);
    if (rc != ZK_OK) return rc;
    uint8_t cp_vid[32];
    rc = read_checkpoint(s, &v->cp, cp_vid, err);
    if (rc != ZK_OK) return rc;
    v->loaded = true;
    return ZK_OK;
}

static int fail_frozen(zk_errbuf *err, uint64_t frozen_at)
{
    return ZK_FAIL(err, ZK_ERR_REJECTED,
                   "light-client store is frozen after equivocation at %" PRIu64
                   "; an operator must act",
                   frozen_at);
}

static int rlp_record_put(leveldb_writebatch_t *b, const lc_put *p)
{
    /* rlp_len <= LC_STORE_EVIDENCE_MAX (checked), so this neither wraps nor
     * overflows be32. */
    size_t n = 1 + 8 + 4 + p->rlp_len;
    uint8_t *rec = malloc(n);
    if (!rec) return ZK_ERR_NOMEM;
    rec_writer w = {rec, 0, n};
    w_u8(&w, LC_STORE_RECORD_V1);
    w_be64(&w, p->h->number);
    w_be32(&w, (uint32_t)p->rlp_len);
    w_bytes(&w, p->rlp, p->rlp_len);
    assert(w.len == n);
    store_key k = key_number(KEY_HEADER_RLP, p->h->number);
    batch_put(b, &k, rec, n); /* LevelDB copies the value into the batch */
    free(rec);
    return ZK_OK;
}

/* Checks puts[idx] against the view and, when it is new, adds its records to b
 * and to the view. The checks and their order are lc_store_put_header's. */
static int put_one(lc_store *s, batch_view *v, leveldb_writebatch_t *b, size_t idx, bool skip,
                   zk_errbuf *err)
{
    const lc_put *p = &v->puts[idx];
    const lc_stored_header *h = p->h;
    if (!h) return ZK_FAIL(err, ZK_ERR_USAGE, "put %zu: no header", idx);
    if (h->rule != LC_RULE_BFT_QUORUM && h->rule != LC_RULE_CLIQUE_WINDOW)
        return ZK_FAIL(err, ZK_ERR_USAGE, "header %" PRIu64 ": rule %u cannot be stored", h->number,
                       h->rule);
    if ((p->rlp == NULL) != (p->rlp_len == 0) || p->rlp_len > LC_STORE_EVIDENCE_MAX)
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "header %" PRIu64 ": raw RLP must be NULL with length 0, or 1..%u bytes",
                       h->number, LC_STORE_EVIDENCE_MAX);
    int rc = v->loaded ? ZK_OK : view_load(s, v, err);
    if (rc != ZK_OK) return rc;
    if (v->frozen) return fail_frozen(err, v->frozen_at);

    lc_stored_header have;
    rc = view_read_header(s, v, &have, h->number, err);
    if (rc == ZK_OK) {
        if (memcmp(have.hash, h->hash, 32) != 0)
            return ZK_FAIL(err, ZK_ERR_MISMATCH,
                           "header %" PRIu64 ": another header is stored at this height",
                           h->number);
        if (!header_equal(&have, h))
            return ZK_FAIL(err, ZK_ERR_USAGE,
                           "header %" PRIu64 ": stored with the same hash but other metadata",
                           h->number);
        return ZK_OK; /* already stored: nothing is written, its RLP stays as it was */
    }
    if (rc != ZK_ERR_NOTFOUND) return rc;
    /* Nothing at or below the checkpoint can be added: the operator's anchor is
     * where trust starts. */
    if (h->number <= v->cp.number)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "header %" PRIu64 ": at or below the checkpoint %" PRIu64, h->number,
                       v->cp.number);

    /* h->number > cp.number, so number - 1 does not wrap. */
    const lc_stored_header *head = &v->head;
    if (h->number > head->number + 1 && head->number != UINT64_MAX) {
        if (!skip)
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "header %" PRIu64 ": parent %" PRIu64 " unknown (head is %" PRIu64 ")",
                           h->number, h->number - 1, head->number);
        if (memcmp(h->valset_id, head->next_valset_id, 32) != 0)
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "header %" PRIu64 ": skipped to, but sealed by another set than the "
                           "head %" PRIu64 " hands over to",
                           h->number, head->number);
    } else {
        lc_stored_header parent;
        rc = view_read_header(s, v, &parent, h->number - 1, err);
        if (rc == ZK_ERR_NOTFOUND)
            return ZK_FAIL(err, ZK_ERR_REJECTED, "header %" PRIu64 ": parent %" PRIu64 " unknown",
                           h->number, h->number - 1);
        if (rc != ZK_OK) return rc;
        rc = check_link(&parent, h, err);
        if (rc != ZK_OK) return rc;
        if (h->number < head->number) {
            /* Filling a gap below the head: a stored header at number+1 must
             * name h as its parent, or h is a sibling of the trusted chain. */
            lc_stored_header child;
            rc = view_read_header(s, v, &child, h->number + 1, err);
            if (rc == ZK_OK) rc = check_link(h, &child, err);
            if (rc != ZK_OK && rc != ZK_ERR_NOTFOUND) return rc;
        }
    }

    if (p->next_set) {
        uint8_t id[32];
        if (!valset_is_valid(p->next_set))
            return ZK_FAIL(err, ZK_ERR_USAGE,
                           "header %" PRIu64 ": next validator set is not sorted and distinct",
                           h->number);
        valset_id(id, p->next_set);
        if (memcmp(id, h->next_valset_id, 32) != 0)
            return ZK_FAIL(err, ZK_ERR_USAGE,
                           "header %" PRIu64 ": the given next set is not next_valset_id",
                           h->number);
        uint8_t *vrec;
        size_t vlen;
        if (valset_encode(&vrec, &vlen, p->next_set) != ZK_OK)
            return ZK_FAIL(err, ZK_ERR_NOMEM, "light-client store: out of memory");
        store_key kv = key_id(h->next_valset_id);
        batch_put(b, &kv, vrec, vlen);
        free(vrec);
        if (!view_has_set(v, h->next_valset_id)) view_add_set(v, idx);
    } else if (!view_has_set(v, h->next_valset_id)) {
        store_key kv = key_id(h->next_valset_id);
        bool stored;
        rc = has_key(s, &kv, &stored, err);
        if (rc != ZK_OK) return rc;
        if (!stored)
            return ZK_FAIL(err, ZK_ERR_USAGE,
                           "header %" PRIu64 ": its next validator set is not stored; pass it",
                           h->number);
    }

    uint8_t hrec[HEADER_LEN];
    header_encode(hrec, h);
    store_key kh = key_number(KEY_HEADER, h->number);
    batch_put(b, &kh, hrec, sizeof(hrec));
    if (p->rlp_len && rlp_record_put(b, p) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_NOMEM, "light-client store: out of memory");
    view_add_header(v, idx);
    if (h->number > head->number) {
        v->head = *h;
        v->head_moved = true;
    }
    v->dirty = true;
    return ZK_OK;
}

int lc_store_put_batch(lc_store *s, const lc_put *puts, size_t n, bool skip, const uint8_t *aux,
                       size_t aux_len, size_t *failed_index, zk_errbuf *err)
{
    if (failed_index) *failed_index = n;
    if (n > 0 && !puts)
        return ZK_FAIL(err, ZK_ERR_USAGE, "light-client store: %zu puts but no array", n);
    if (aux && aux_len > LC_STORE_AUX_MAX)
        return ZK_FAIL(err, ZK_ERR_USAGE, "light-client store: aux record of %zu bytes, above %u",
                       aux_len, LC_STORE_AUX_MAX);
    if (n == 0 && !aux) return ZK_OK;

    size_t fail_at = n;
    int rc = ZK_OK;
    batch_view v;
    leveldb_writebatch_t *b = leveldb_writebatch_create();
    uint8_t *arec = NULL;
    if (view_init(&v, puts, n) != ZK_OK) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "light-client store: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        rc = put_one(s, &v, b, i, skip && i == 0, err);
        if (rc != ZK_OK) {
            fail_at = i;
            goto out;
        }
    }
    if (!v.loaded) { /* n == 0: aux alone still needs an initialised, unfrozen store */
        rc = view_load(s, &v, err);
        if (rc != ZK_OK) goto out;
        if (v.frozen) {
            rc = fail_frozen(err, v.frozen_at);
            goto out;
        }
    }
    if (v.head_moved) {
        uint8_t headrec[HEAD_LEN];
        head_encode(headrec, &v.head);
        store_key kH = key_single(KEY_HEAD);
        batch_put(b, &kH, headrec, sizeof(headrec));
    }
    if (aux) {
        size_t alen = 1 + 4 + aux_len; /* aux_len <= LC_STORE_AUX_MAX: no overflow */
        arec = malloc(alen);
        if (!arec) {
            rc = ZK_FAIL(err, ZK_ERR_NOMEM, "light-client store: out of memory");
            goto out;
        }
        rec_writer w = {arec, 0, alen};
        w_u8(&w, LC_STORE_RECORD_V1);
        w_be32(&w, (uint32_t)aux_len);
        if (aux_len) w_bytes(&w, aux, aux_len);
        assert(w.len == alen);
        store_key ka = key_single(KEY_AUX);
        batch_put(b, &ka, arec, alen);
        v.dirty = true;
    }
    /* Re-puts of stored headers alone write nothing (and cost no fsync). */
    if (v.dirty) rc = db_write(s, b, n == 1 ? "a header" : "a batch of headers", err);
out:
    free(arec);
    view_clear(&v);
    leveldb_writebatch_destroy(b);
    if (failed_index) *failed_index = rc == ZK_OK ? n : fail_at;
    return rc;
}

int lc_store_put_header(lc_store *s, const lc_stored_header *h, const valset *next_set_or_null,
                        bool skip, zk_errbuf *err)
{
    lc_put p = {h, next_set_or_null, NULL, 0};
    return lc_store_put_batch(s, &p, 1, skip, NULL, 0, NULL, err);
}

/* Copies a be32-length-prefixed payload of lo..hi bytes that ends the value. */
static int take_tail(zk_cursor *c, size_t lo, size_t hi, uint8_t **out, size_t *out_len)
{
    uint32_t n;
    const uint8_t *p;
    if (cur_be32(c, &n) != ZK_OK || n < lo || n > hi || c->len != n || cur_take(c, &p, n) != ZK_OK)
        return ZK_ERR_MALFORMED;
    /* One byte more than asked, so an empty aux is still a non-NULL buffer. */
    *out = malloc((size_t)n + 1);
    if (!*out) return ZK_ERR_NOMEM;
    if (n) memcpy(*out, p, n);
    *out_len = n;
    return ZK_OK;
}

int lc_store_get_header_rlp(lc_store *s, uint64_t number, uint8_t **rlp, size_t *len,
                            zk_errbuf *err)
{
    *rlp = NULL;
    *len = 0;
    store_key k = key_number(KEY_HEADER_RLP, number);
    char *val;
    size_t vlen;
    int rc = db_get(s, &k, &val, &vlen, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, rc, "light-client store: no raw header kept at %" PRIu64, number);
    if (rc != ZK_OK) return rc;
    zk_cursor c;
    uint64_t have = 0;
    rc = value_open(&c, &k, val, vlen, 0, err);
    if (rc == ZK_OK && cur_be64(&c, &have) != ZK_OK)
        rc = fail_corrupt(err, &k, "header RLP record truncated");
    if (rc == ZK_OK && have != number)
        rc = fail_corrupt(err, &k, "header RLP number differs from its key");
    if (rc == ZK_OK) {
        rc = take_tail(&c, 1, LC_STORE_EVIDENCE_MAX, rlp, len);
        if (rc == ZK_ERR_NOMEM)
            ZK_FAIL(err, rc, "light-client store: out of memory");
        else if (rc != ZK_OK)
            fail_corrupt(err, &k, "header RLP length out of range or not the record's length");
    }
    leveldb_free(val);
    return rc;
}

int lc_store_put_checkpoint_rlp(lc_store *s, const uint8_t *rlp, size_t len, zk_errbuf *err)
{
    if (len == 0 || len > LC_STORE_EVIDENCE_MAX)
        return ZK_FAIL(err, ZK_ERR_USAGE, "checkpoint header RLP must be 1..%u bytes",
                       LC_STORE_EVIDENCE_MAX);
    lc_checkpoint cp;
    uint8_t vid[32];
    int rc = read_checkpoint(s, &cp, vid, err);
    if (rc != ZK_OK) return rc;
    uint8_t *have;
    size_t have_len;
    rc = lc_store_get_header_rlp(s, cp.number, &have, &have_len, err);
    if (rc == ZK_OK) {
        bool same = have_len == len && memcmp(have, rlp, len) == 0;
        free(have);
        if (!same)
            return ZK_FAIL(err, ZK_ERR_MISMATCH,
                           "checkpoint %" PRIu64 ": other header RLP is already kept", cp.number);
        return ZK_OK;
    }
    if (rc != ZK_ERR_NOTFOUND) return rc;
    lc_stored_header h;
    memset(&h, 0, sizeof(h));
    h.number = cp.number;
    lc_put p = {&h, NULL, rlp, len};
    leveldb_writebatch_t *b = leveldb_writebatch_create();
    rc = rlp_record_put(b, &p);
    if (rc != ZK_OK)
        rc = ZK_FAIL(err, rc, "light-client store: out of memory");
    else
        rc = db_write(s, b, "the checkpoint header RLP", err);
    leveldb_writebatch_destroy(b);
    return rc;
}

int lc_store_get_checkpoint_rlp(lc_store *s, uint8_t **rlp, size_t *len, zk_errbuf *err)
{
    *rlp = NULL;
    *len = 0;
    lc_checkpoint cp;
    uint8_t vid[32];
    int rc = read_checkpoint(s, &cp, vid, err);
    if (rc != ZK_OK) return rc;
    return lc_store_get_header_rlp(s, cp.number, rlp, len, err);
}

int lc_store_get_aux(lc_store *s, uint8_t **aux, size_t *len, zk_errbuf *err)
{
    *aux = NULL;
    *len = 0;
    store_key k = key_single(KEY_AUX);
    char *val;
    size_t vlen;
    int rc = db_get(s, &k, &val, &vlen, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, rc, "light-client store %s: no aux record", s->kv.dir);
    if (rc != ZK_OK) return rc;
    zk_cursor c;
    rc = value_open(&c, &k, val, vlen, 0, err);
    if (rc == ZK_OK) {
        rc = take_tail(&c, 0, LC_STORE_AUX_MAX, aux, len);
        if (rc == ZK_ERR_NOMEM)
            ZK_FAIL(err, rc, "light-client store: out of memory");
        else if (rc != ZK_OK)
            fail_corrupt(err, &k, "aux length out of range or not the record's length");
    }
    leveldb_free(val);
    return rc;
}

int lc_store_get_header(lc_store *s, lc_stored_header *out, uint64_t number, zk_errbuf *err)
{
    return read_header(s, out, number, err);
}

int lc_store_head(lc_store *s, lc_stored_header *out, zk_errbuf *err)
{
    return read_head(s, out, err);
}

int lc_store_get_valset(lc_store *s, valset *out, const uint8_t id[32], zk_errbuf *err)
{
    return read_valset(s, out, id, err);
}

/* ---- equivocation ---- */

int lc_store_record_equivocation(lc_store *s, uint64_t number, const uint8_t *rlp_a, size_t len_a,
                                 const uint8_t *rlp_b, size_t len_b, zk_errbuf *err)
{
    if (len_a == 0 || len_b == 0 || len_a > LC_STORE_EVIDENCE_MAX || len_b > LC_STORE_EVIDENCE_MAX)
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "equivocation at %" PRIu64 ": evidence must be 1..%u bytes each", number,
                       LC_STORE_EVIDENCE_MAX);
    if (len_a == len_b && memcmp(rlp_a, rlp_b, len_a) == 0)
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "equivocation at %" PRIu64 ": the two headers are identical", number);
    bool frozen;
    uint64_t frozen_at;
    int rc = lc_store_frozen(s, &frozen, &frozen_at, err);
    if (rc != ZK_OK) return rc;
    store_key ke = key_number(KEY_EVIDENCE, number), kf = key_single(KEY_FROZEN);
    bool have_evidence;
    rc = has_key(s, &ke, &have_evidence, err);
    if (rc != ZK_OK) return rc;

    uint8_t *ev = NULL;
    size_t evlen = 1 + 4 + len_a + 4 + len_b; /* at most 2 MiB + 9: no overflow */
    leveldb_writebatch_t *b = leveldb_writebatch_create();
    if (!have_evidence) {
        ev = malloc(evlen);
        if (!ev) {
            leveldb_writebatch_destroy(b);
            return ZK_FAIL(err, ZK_ERR_NOMEM, "light-client store: out of memory");
        }
        rec_writer w = {ev, 0, evlen};
        w_u8(&w, LC_STORE_RECORD_V1);
        w_be32(&w, (uint32_t)len_a);
        w_bytes(&w, rlp_a, len_a);
        w_be32(&w, (uint32_t)len_b);
        w_bytes(&w, rlp_b, len_b);
        assert(w.len == evlen);
        batch_put(b, &ke, ev, evlen);
    }
    if (!frozen) {
        uint8_t f[FROZEN_LEN];
        rec_writer w = {f, 0, FROZEN_LEN};
        w_u8(&w, LC_STORE_RECORD_V1);
        w_be64(&w, number);
        batch_put(b, &kf, f, sizeof(f));
    }
    rc = db_write(s, b, "equivocation evidence", err);
    leveldb_writebatch_destroy(b);
    free(ev);
    return rc;
}

int lc_store_frozen(lc_store *s, bool *frozen, uint64_t *number, zk_errbuf *err)
{
    *frozen = false;
    *number = 0;
    store_key k = key_single(KEY_FROZEN);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND) return ZK_OK;
    if (rc != ZK_OK) return rc;
    zk_cursor c;
    uint64_t n = 0;
    rc = value_open(&c, &k, val, len, FROZEN_LEN, err);
    if (rc == ZK_OK && cur_be64(&c, &n) != ZK_OK) rc = fail_corrupt(err, &k, "frozen truncated");
    leveldb_free(val);
    if (rc != ZK_OK) return rc;
    *frozen = true;
    *number = n;
    return ZK_OK;
}

static int take_copy(zk_cursor *c, uint8_t **out, size_t *out_len)
{
    uint32_t n;
    const uint8_t *p;
    if (cur_be32(c, &n) != ZK_OK || n == 0 || n > LC_STORE_EVIDENCE_MAX ||
        cur_take(c, &p, n) != ZK_OK)
        return ZK_ERR_MALFORMED;
    *out = malloc(n);
    if (!*out) return ZK_ERR_NOMEM;
    memcpy(*out, p, n);
    *out_len = n;
    return ZK_OK;
}

int lc_store_get_evidence(lc_store *s, uint64_t number, uint8_t **rlp_a, size_t *len_a,
                          uint8_t **rlp_b, size_t *len_b, zk_errbuf *err)
{
    *rlp_a = *rlp_b = NULL;
    *len_a = *len_b = 0;
    store_key k = key_number(KEY_EVIDENCE, number);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, rc, "light-client store: no equivocation evidence at %" PRIu64, number);
    if (rc != ZK_OK) return rc;
    zk_cursor c;
    rc = value_open(&c, &k, val, len, 0, err);
    if (rc == ZK_OK) {
        rc = take_copy(&c, rlp_a, len_a);
        if (rc == ZK_OK) rc = take_copy(&c, rlp_b, len_b);
        if (rc == ZK_OK && c.len != 0) rc = ZK_ERR_MALFORMED;
        if (rc == ZK_ERR_NOMEM)
            ZK_FAIL(err, rc, "light-client store: out of memory");
        else if (rc != ZK_OK)
            fail_corrupt(err, &k, "evidence record truncated or with trailing bytes");
    }
    leveldb_free(val);
    if (rc != ZK_OK) {
        free(*rlp_a);
        free(*rlp_b);
        *rlp_a = *rlp_b = NULL;
        *len_a = *len_b = 0;
    }
    return rc;
}

int lc_store_unfreeze(lc_store *s, zk_errbuf *err)
{
    store_key k = key_single(KEY_FROZEN);
    leveldb_writebatch_t *b = leveldb_writebatch_create();
    leveldb_writebatch_delete(b, (const char *)k.b, k.len);
    int rc = db_write(s, b, "the frozen flag", err);
    leveldb_writebatch_destroy(b);
    return rc;
}
