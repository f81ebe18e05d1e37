/* The relayer's message database in LevelDB. Keys and the atomicity rules are in
 * msgstore.h; the value layouts are here.
 *
 * Message record "M" || m: u8 MSGSTORE_RECORD_V1 || rlp([
 *     m, state, block_number, block_hash, src_tx_hash, tx_index, log_index,
 *     nonce, sender, dst_chain_id, receiver, payload,
 *     [t_ms[0..7)], tx, outcome, reason ])
 * Block record "B" || be64(n): u8 MSGSTORE_RECORD_V1 || rlp([
 *     number, state, hash, receipts_root, rotation, cur_set, next_set, proof_json,
 *     [t_ms[0..6)], tx, outcome, reason ])
 * where tx = [hash, nonce, max_fee, max_priority_fee, gas_limit, sent_ms, attempts, raw]
 * and outcome = [block_number, gas_used, effective_gas_price].
 *
 * RLP because its strict decoder (lightclient/rlp.h) already rejects every
 * non-canonical or truncated form, and a record is read back field by field
 * through it: a damaged record is an error, never a half-read struct. */
#include "msgstore.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leveldb/c.h>

#include "lightclient/bytes.h"
#include "lightclient/hex.h"
#include "lightclient/kvdb.h"
#include "lightclient/rlp.h"

struct msgstore {
    kvdb kv; /* the database, its lock and options (lightclient/kvdb.h) */
};

struct msgstore_batch {
    msgstore *s;
    leveldb_writebatch_t *wb;
    size_t n; /* puts and deletes added since the last commit */
};

enum {
    KEY_SCHEMA = 'V',
    KEY_MSG = 'M',
    KEY_STATE = 'S',
    KEY_BUNDLE = 'P',
    KEY_BLOCK = 'B',
    KEY_SCAN = 'H',
    KEY_NONCE = 'N',
};

#define N_MSG_FIELDS   16
#define N_BLOCK_FIELDS 12
#define N_TX_FIELDS    8
#define N_OUT_FIELDS   3
#define N_BLK_TIMES    6
/* Generous bound on an encoded record: a payload, a raw tx, a proof document and small fields. */
#define RECORD_MAX (MSGSTORE_RAW_TX_MAX + MSGSTORE_PROOF_MAX + MSGSTORE_PAYLOAD_MAX + 4096)

typedef struct ms_key {
    uint8_t b[34];
    size_t len;
} ms_key;

static ms_key key_single(uint8_t prefix)
{
    ms_key k = {{prefix}, 1};
    return k;
}

static ms_key key_hash(uint8_t prefix, const uint8_t m[32])
{
    ms_key k = {{prefix}, 33};
    memcpy(k.b + 1, m, 32);
    return k;
}

static ms_key key_state(int state, const uint8_t m[32])
{
    ms_key k = {{KEY_STATE, (uint8_t)state}, 34};
    memcpy(k.b + 2, m, 32);
    return k;
}

static ms_key key_block(uint64_t number)
{
    ms_key k = {{KEY_BLOCK}, 9};
    be64_store(k.b + 1, number);
    return k;
}

/* "M/0x1a2b3c4d..", "B/1234", "H" for messages. */
static const char *key_describe(char out[48], const ms_key *k)
{
    if ((k->b[0] == KEY_MSG || k->b[0] == KEY_BUNDLE) && k->len == 33) {
        char hex[2 * 8 + 3];
        hex_encode(hex, k->b + 1, 8, true);
        snprintf(out, 48, "%c/%s..", k->b[0], hex);
    } else if (k->b[0] == KEY_BLOCK && k->len == 9) {
        snprintf(out, 48, "B/%" PRIu64, be64_load(k->b + 1));
    } else {
        snprintf(out, 48, "%c", k->b[0]);
    }
    return out;
}

static int fail_corrupt(zk_errbuf *err, const msgstore *s, const ms_key *k, const char *what)
{
    char name[48];
    return ZK_FAIL(err, ZK_ERR_MALFORMED, "message store %s: corrupt value under key %s: %s",
                   s->kv.dir, key_describe(name, k), what);
}

const char *msg_state_name(int state)
{
    switch (state) {
    case MSG_SEEN:
        return "seen";
    case MSG_HEADER_PROVEN:
        return "header-proven";
    case MSG_INCLUSION_PROVEN:
        return "inclusion-proven";
    case MSG_SUBMITTED:
        return "submitted";
    case MSG_CONFIRMED:
        return "confirmed";
    case MSG_FAILED:
        return "failed";
    default:
        return "unknown";
    }
}

int msg_state_parse(msg_state *out, const char *name)
{
    for (int st = MSG_SEEN; st <= MSG_FAILED; st++)
        if (strcmp(name, msg_state_name(st)) == 0) {
            *out = (msg_state)st;
            return ZK_OK;
        }
    return ZK_ERR_USAGE;
}

const char *blk_state_name(int state)
{
    switch (state) {
    case BLK_PENDING:
        return "pending";
    case BLK_PROVEN:
        return "proven";
    case BLK_SUBMITTED:
        return "submitted";
    case BLK_CONFIRMED:
        return "confirmed";
    case BLK_FAILED:
        return "failed";
    default:
        return "unknown";
    }
}

static bool msg_state_is_valid(int st)
{
    return st >= MSG_SEEN && st <= MSG_FAILED;
}

static bool blk_state_is_valid(int st)
{
    return st >= BLK_PENDING && st <= BLK_FAILED;
}

/* ---- record helpers ------------------------------------------------------------ */

void msg_record_init(msg_record *r)
{
    memset(r, 0, sizeof(*r));
}

void msg_record_clear(msg_record *r)
{
    if (!r) return;
    free(r->payload);
    free(r->tx.raw);
    memset(r, 0, sizeof(*r));
}

static int copy_bytes(uint8_t **dst, size_t *dst_len, const uint8_t *src, size_t len, size_t max)
{
    if (len > max) return ZK_ERR_RANGE;
    uint8_t *p = NULL;
    if (len) {
        if (!src) return ZK_ERR_USAGE;
        p = malloc(len);
        if (!p) return ZK_ERR_NOMEM;
        memcpy(p, src, len);
    }
    free(*dst);
    *dst = p;
    *dst_len = len;
    return ZK_OK;
}

int msg_record_set_payload(msg_record *r, const uint8_t *payload, size_t len)
{
    return copy_bytes(&r->payload, &r->payload_len, payload, len, MSGSTORE_PAYLOAD_MAX);
}

int msgstore_tx_set_raw(msgstore_tx *tx, const uint8_t *raw, size_t len)
{
    return copy_bytes(&tx->raw, &tx->raw_len, raw, len, MSGSTORE_RAW_TX_MAX);
}

void msg_block_init(msg_block *b)
{
    memset(b, 0, sizeof(*b));
}

void msg_block_clear(msg_block *b)
{
    if (!b) return;
    free(b->proof_json);
    free(b->tx.raw);
    memset(b, 0, sizeof(*b));
}

int msg_block_set_proof(msg_block *b, const char *json)
{
    char *p = NULL;
    if (json) {
        size_t n = strlen(json);
        if (n > MSGSTORE_PROOF_MAX) return ZK_ERR_RANGE;
        p = malloc(n + 1);
        if (!p) return ZK_ERR_NOMEM;
        memcpy(p, json, n + 1);
    }
    free(b->proof_json);
    b->proof_json = p;
    return ZK_OK;
}

/* ---- encoding ------------------------------------------------------------------ */

static int enc_tx(zk_buf *w, const msgstore_tx *tx)
{
    size_t mark;
    rlp_list_begin(w, &mark);
    int rc = rlp_encode_bytes(w, tx->hash, 32);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, tx->nonce);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, tx->max_fee);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, tx->max_priority_fee);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, tx->gas_limit);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, tx->sent_ms);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, tx->attempts);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, tx->raw, tx->raw_len);
    if (rc == ZK_OK) rc = rlp_list_end(w, mark);
    return rc;
}

static int enc_outcome(zk_buf *w, const msgstore_outcome *o)
{
    size_t mark;
    rlp_list_begin(w, &mark);
    int rc = rlp_encode_uint64(w, o->block_number);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, o->gas_used);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, o->effective_gas_price);
    if (rc == ZK_OK) rc = rlp_list_end(w, mark);
    return rc;
}

static int enc_times(zk_buf *w, const uint64_t *t, size_t n)
{
    size_t mark;
    rlp_list_begin(w, &mark);
    int rc = ZK_OK;
    for (size_t i = 0; i < n && rc == ZK_OK; i++)
        rc = rlp_encode_uint64(w, t[i]);
    if (rc == ZK_OK) rc = rlp_list_end(w, mark);
    return rc;
}

static int enc_reason(zk_buf *w, const char *reason)
{
    size_t n = strnlen(reason, MSGSTORE_REASON_MAX - 1);
    return rlp_encode_bytes(w, (const uint8_t *)reason, n);
}

static int msg_encode(zk_buf *w, const msg_record *r)
{
    int rc = buf_append_byte(w, MSGSTORE_RECORD_V1);
    size_t mark;
    rlp_list_begin(w, &mark);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, r->m, 32);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, (uint64_t)r->state);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, r->block_number);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, r->block_hash, 32);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, r->src_tx_hash, 32);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, r->tx_index);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, r->log_index);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, r->nonce);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, r->sender, 20);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, r->dst_chain_id);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, r->receiver, 20);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, r->payload, r->payload_len);
    if (rc == ZK_OK) rc = enc_times(w, r->t_ms, MSG_STATE_COUNT);
    if (rc == ZK_OK) rc = enc_tx(w, &r->tx);
    if (rc == ZK_OK) rc = enc_outcome(w, &r->outcome);
    if (rc == ZK_OK) rc = enc_reason(w, r->reason);
    if (rc == ZK_OK) rc = rlp_list_end(w, mark);
    return rc;
}

static int block_encode(zk_buf *w, const msg_block *b)
{
    int rc = buf_append_byte(w, MSGSTORE_RECORD_V1);
    size_t mark;
    rlp_list_begin(w, &mark);
    const char *proof = b->proof_json ? b->proof_json : "";
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, b->number);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, (uint64_t)b->state);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, b->hash, 32);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, b->receipts_root, 32);
    if (rc == ZK_OK) rc = rlp_encode_uint64(w, b->rotation ? 1 : 0);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, b->cur_set, 32);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, b->next_set, 32);
    if (rc == ZK_OK) rc = rlp_encode_bytes(w, (const uint8_t *)proof, strlen(proof));
    if (rc == ZK_OK) rc = enc_times(w, b->t_ms, N_BLK_TIMES);
    if (rc == ZK_OK) rc = enc_tx(w, &b->tx);
    if (rc == ZK_OK) rc = enc_outcome(w, &b->outcome);
    if (rc == ZK_OK) rc = enc_reason(w, b->reason);
    if (rc == ZK_OK) rc = rlp_list_end(w, mark);
    return rc;
}

/* ---- decoding ------------------------------------------------------------------ */

/* Splits a record value into its top-level list items: checks the version byte,
 * decodes the RLP strictly and requires exactly n items. */
static int rec_open(rlp_item *items, size_t n, const uint8_t *val, size_t len)
{
    zk_cursor c = cur_make(val, len);
    uint8_t ver;
    if (cur_u8(&c, &ver) != ZK_OK || ver != MSGSTORE_RECORD_V1) return ZK_ERR_MALFORMED;
    rlp_item top;
    if (rlp_decode(&top, c.p, c.len, NULL) != ZK_OK || !top.is_list) return ZK_ERR_MALFORMED;
    size_t got = n;
    if (rlp_list_items(items, &got, &top, NULL) != ZK_OK || got != n) return ZK_ERR_MALFORMED;
    return ZK_OK;
}

static int dec_u32(uint32_t *out, const rlp_item *it)
{
    uint64_t v;
    if (rlp_item_uint64(&v, it, NULL) != ZK_OK || v > UINT32_MAX) return ZK_ERR_MALFORMED;
    *out = (uint32_t)v;
    return ZK_OK;
}

static int dec_u64(uint64_t *out, const rlp_item *it)
{
    return rlp_item_uint64(out, it, NULL) == ZK_OK ? ZK_OK : ZK_ERR_MALFORMED;
}

static int dec_fixed(uint8_t *out, size_t n, const rlp_item *it)
{
    return rlp_item_fixed(out, n, it, NULL) == ZK_OK ? ZK_OK : ZK_ERR_MALFORMED;
}

static int dec_string(const rlp_item *it, size_t max)
{
    return !it->is_list && it->payload_len <= max ? ZK_OK : ZK_ERR_MALFORMED;
}

static int dec_times(uint64_t *t, size_t n, const rlp_item *it)
{
    rlp_item items[MSG_STATE_COUNT];
    size_t got = MSG_STATE_COUNT;
    if (!it->is_list || rlp_list_items(items, &got, it, NULL) != ZK_OK || got != n)
        return ZK_ERR_MALFORMED;
    for (size_t i = 0; i < n; i++)
        if (dec_u64(&t[i], &items[i]) != ZK_OK) return ZK_ERR_MALFORMED;
    return ZK_OK;
}

static int dec_tx(msgstore_tx *tx, const rlp_item *it)
{
    rlp_item f[N_TX_FIELDS];
    size_t got = N_TX_FIELDS;
    if (!it->is_list || rlp_list_items(f, &got, it, NULL) != ZK_OK || got != N_TX_FIELDS)
        return ZK_ERR_MALFORMED;
    if (dec_fixed(tx->hash, 32, &f[0]) || dec_u64(&tx->nonce, &f[1]) ||
        dec_u64(&tx->max_fee, &f[2]) || dec_u64(&tx->max_priority_fee, &f[3]) ||
        dec_u64(&tx->gas_limit, &f[4]) || dec_u64(&tx->sent_ms, &f[5]) ||
        dec_u32(&tx->attempts, &f[6]) || dec_string(&f[7], MSGSTORE_RAW_TX_MAX))
        return ZK_ERR_MALFORMED;
    return msgstore_tx_set_raw(tx, f[7].payload, f[7].payload_len);
}

static int dec_outcome(msgstore_outcome *o, const rlp_item *it)
{
    rlp_item f[N_OUT_FIELDS];
    size_t got = N_OUT_FIELDS;
    if (!it->is_list || rlp_list_items(f, &got, it, NULL) != ZK_OK || got != N_OUT_FIELDS)
        return ZK_ERR_MALFORMED;
    if (dec_u64(&o->block_number, &f[0]) || dec_u64(&o->gas_used, &f[1]) ||
        dec_u64(&o->effective_gas_price, &f[2]))
        return ZK_ERR_MALFORMED;
    return ZK_OK;
}

static int dec_reason(char out[MSGSTORE_REASON_MAX], const rlp_item *it)
{
    if (dec_string(it, MSGSTORE_REASON_MAX - 1) != ZK_OK) return ZK_ERR_MALFORMED;
    if (it->payload_len) memcpy(out, it->payload, it->payload_len);
    out[it->payload_len] = '\0';
    /* A NUL inside would silently cut the reason short: not something we write. */
    if (strlen(out) != it->payload_len) return ZK_ERR_MALFORMED;
    return ZK_OK;
}

/* Decodes into r (initialised). On failure r may hold heap parts: the caller clears it. */
static int msg_decode(msg_record *r, const uint8_t *val, size_t len, const uint8_t m[32])
{
    rlp_item f[N_MSG_FIELDS];
    if (rec_open(f, N_MSG_FIELDS, val, len) != ZK_OK) return ZK_ERR_MALFORMED;
    uint64_t st;
    if (dec_fixed(r->m, 32, &f[0]) || dec_u64(&st, &f[1]) || dec_u64(&r->block_number, &f[2]) ||
        dec_fixed(r->block_hash, 32, &f[3]) || dec_fixed(r->src_tx_hash, 32, &f[4]) ||
        dec_u32(&r->tx_index, &f[5]) || dec_u32(&r->log_index, &f[6]) ||
        dec_u64(&r->nonce, &f[7]) || dec_fixed(r->sender, 20, &f[8]) ||
        dec_u64(&r->dst_chain_id, &f[9]) || dec_fixed(r->receiver, 20, &f[10]) ||
        dec_string(&f[11], MSGSTORE_PAYLOAD_MAX) || dec_times(r->t_ms, MSG_STATE_COUNT, &f[12]) ||
        dec_tx(&r->tx, &f[13]) || dec_outcome(&r->outcome, &f[14]) || dec_reason(r->reason, &f[15]))
        return ZK_ERR_MALFORMED;
    if (!msg_state_is_valid((int)st)) return ZK_ERR_MALFORMED;
    r->state = (msg_state)st;
    if (memcmp(r->m, m, 32) != 0) return ZK_ERR_MISMATCH;
    if (msg_record_set_payload(r, f[11].payload, f[11].payload_len) != ZK_OK) return ZK_ERR_NOMEM;
    return ZK_OK;
}

static int block_decode(msg_block *b, const uint8_t *val, size_t len, uint64_t number)
{
    rlp_item f[N_BLOCK_FIELDS];
    if (rec_open(f, N_BLOCK_FIELDS, val, len) != ZK_OK) return ZK_ERR_MALFORMED;
    uint64_t st, rot;
    if (dec_u64(&b->number, &f[0]) || dec_u64(&st, &f[1]) || dec_fixed(b->hash, 32, &f[2]) ||
        dec_fixed(b->receipts_root, 32, &f[3]) || dec_u64(&rot, &f[4]) ||
        dec_fixed(b->cur_set, 32, &f[5]) || dec_fixed(b->next_set, 32, &f[6]) ||
        dec_string(&f[7], MSGSTORE_PROOF_MAX) || dec_times(b->t_ms, N_BLK_TIMES, &f[8]) ||
        dec_tx(&b->tx, &f[9]) || dec_outcome(&b->outcome, &f[10]) || dec_reason(b->reason, &f[11]))
        return ZK_ERR_MALFORMED;
    if (!blk_state_is_valid((int)st) || rot > 1) return ZK_ERR_MALFORMED;
    b->state = (blk_state)st;
    b->rotation = rot == 1;
    if (b->number != number) return ZK_ERR_MISMATCH;
    if (f[7].payload_len) {
        b->proof_json = malloc(f[7].payload_len + 1);
        if (!b->proof_json) return ZK_ERR_NOMEM;
        memcpy(b->proof_json, f[7].payload, f[7].payload_len);
        b->proof_json[f[7].payload_len] = '\0';
        if (strlen(b->proof_json) != f[7].payload_len) return ZK_ERR_MALFORMED;
    }
    return ZK_OK;
}

/* ---- LevelDB access ------------------------------------------------------------ */

static int db_get(msgstore *s, const ms_key *k, char **val, size_t *len, zk_errbuf *err)
{
    char *lerr = NULL;
    *val = leveldb_get(s->kv.db, s->kv.ropts, (const char *)k->b, k->len, len, &lerr);
    if (lerr) {
        char name[48];
        int code = strncmp(lerr, "Corruption", 10) == 0 ? ZK_ERR_MALFORMED : ZK_ERR_IO;
        ZK_FAIL(err, code, "message store %s: reading key %s: %s", s->kv.dir, key_describe(name, k),
                lerr);
        leveldb_free(lerr);
        *val = NULL;
        return code;
    }
    return *val ? ZK_OK : ZK_ERR_NOTFOUND;
}

static int read_u64_record(msgstore *s, uint8_t prefix, uint64_t *out, bool *found, zk_errbuf *err)
{
    ms_key k = key_single(prefix);
    char *val;
    size_t len;
    *out = 0;
    if (found) *found = false;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND) return ZK_OK;
    if (rc != ZK_OK) return rc;
    zk_cursor c = cur_make((const uint8_t *)val, len);
    uint8_t ver = 0;
    uint64_t v = 0;
    if (len != 9 || cur_u8(&c, &ver) != ZK_OK || ver != MSGSTORE_RECORD_V1 ||
        cur_be64(&c, &v) != ZK_OK)
        rc = fail_corrupt(err, s, &k, "expected version 1 and a 64-bit number (9 bytes)");
    leveldb_free(val);
    if (rc != ZK_OK) return rc;
    *out = v;
    if (found) *found = true;
    return ZK_OK;
}

int msgstore_get_scan_height(msgstore *s, uint64_t *out, bool *found, zk_errbuf *err)
{
    return read_u64_record(s, KEY_SCAN, out, found, err);
}

int msgstore_get_next_nonce(msgstore *s, uint64_t *out, bool *found, zk_errbuf *err)
{
    return read_u64_record(s, KEY_NONCE, out, found, err);
}

static int msg_from_value(msgstore *s, msg_record *out, const ms_key *k, const char *val,
                          size_t len, zk_errbuf *err)
{
    msg_record_init(out);
    int rc = msg_decode(out, (const uint8_t *)val, len, k->b + 1);
    if (rc == ZK_OK) return ZK_OK;
    msg_record_clear(out);
    if (rc == ZK_ERR_NOMEM) return ZK_FAIL(err, rc, "message store: out of memory");
    return fail_corrupt(err, s, k,
                        rc == ZK_ERR_MISMATCH ? "the record's hash differs from its key"
                                              : "the record does not decode");
}

int msgstore_get(msgstore *s, msg_record *out, const uint8_t m[32], zk_errbuf *err)
{
    msg_record_init(out);
    ms_key k = key_hash(KEY_MSG, m);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND) {
        char hex[67];
        hex_encode(hex, m, 32, true);
        return ZK_FAIL(err, rc, "message store: no message %s", hex);
    }
    if (rc != ZK_OK) return rc;
    rc = msg_from_value(s, out, &k, val, len, err);
    leveldb_free(val);
    return rc;
}

int msgstore_get_bundle(msgstore *s, char **json, const uint8_t m[32], zk_errbuf *err)
{
    *json = NULL;
    ms_key k = key_hash(KEY_BUNDLE, m);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND) {
        char hex[67];
        hex_encode(hex, m, 32, true);
        return ZK_FAIL(err, rc, "message store: no proof bundle for %s", hex);
    }
    if (rc != ZK_OK) return rc;
    char *p = malloc(len + 1);
    if (!p) {
        leveldb_free(val);
        return ZK_FAIL(err, ZK_ERR_NOMEM, "message store: out of memory");
    }
    memcpy(p, val, len);
    p[len] = '\0';
    leveldb_free(val);
    if (strlen(p) != len) {
        free(p);
        return fail_corrupt(err, s, &k, "the bundle holds a NUL byte");
    }
    *json = p;
    return ZK_OK;
}

static int block_from_value(msgstore *s, msg_block *out, const ms_key *k, const char *val,
                            size_t len, zk_errbuf *err)
{
    msg_block_init(out);
    int rc = block_decode(out, (const uint8_t *)val, len, be64_load(k->b + 1));
    if (rc == ZK_OK) return ZK_OK;
    msg_block_clear(out);
    if (rc == ZK_ERR_NOMEM) return ZK_FAIL(err, rc, "message store: out of memory");
    return fail_corrupt(err, s, k,
                        rc == ZK_ERR_MISMATCH ? "the record's number differs from its key"
                                              : "the record does not decode");
}

int msgstore_get_block(msgstore *s, msg_block *out, uint64_t number, zk_errbuf *err)
{
    msg_block_init(out);
    ms_key k = key_block(number);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, rc, "message store: no block record %" PRIu64, number);
    if (rc != ZK_OK) return rc;
    rc = block_from_value(s, out, &k, val, len, err);
    leveldb_free(val);
    return rc;
}

/* ---- iteration ----------------------------------------------------------------- */

/* A snapshot iterator over the keys starting with prefix[0..plen). */
typedef struct ms_iter {
    leveldb_iterator_t *it;
    leveldb_readoptions_t *ro;
    const leveldb_snapshot_t *snap;
    uint8_t prefix[2];
    size_t plen;
} ms_iter;

static void iter_open(ms_iter *i, msgstore *s, const uint8_t *prefix, size_t plen)
{
    i->snap = leveldb_create_snapshot(s->kv.db);
    i->ro = leveldb_readoptions_create();
    leveldb_readoptions_set_verify_checksums(i->ro, 1);
    leveldb_readoptions_set_snapshot(i->ro, i->snap);
    i->it = leveldb_create_iterator(s->kv.db, i->ro);
    memcpy(i->prefix, prefix, plen);
    i->plen = plen;
    leveldb_iter_seek(i->it, (const char *)prefix, plen);
}

static bool iter_valid(ms_iter *i, const uint8_t **key, size_t *klen)
{
    if (!leveldb_iter_valid(i->it)) return false;
    *key = (const uint8_t *)leveldb_iter_key(i->it, klen);
    return *klen >= i->plen && memcmp(*key, i->prefix, i->plen) == 0;
}

/* Closes the iterator; returns ZK_ERR_IO (with err) when LevelDB reported an error. */
static int iter_close(ms_iter *i, msgstore *s, int rc, zk_errbuf *err)
{
    char *lerr = NULL;
    leveldb_iter_get_error(i->it, &lerr);
    leveldb_iter_destroy(i->it);
    leveldb_readoptions_destroy(i->ro);
    leveldb_release_snapshot(s->kv.db, i->snap);
    if (lerr) {
        if (rc == ZK_OK) rc = ZK_FAIL(err, ZK_ERR_IO, "message store %s: %s", s->kv.dir, lerr);
        leveldb_free(lerr);
    }
    return rc;
}

int msgstore_each(msgstore *s, int state, msgstore_each_fn fn, void *arg, zk_errbuf *err)
{
    if (state != 0 && !msg_state_is_valid(state))
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: no state %d", state);
    ms_iter i;
    uint8_t prefix[2] = {state ? KEY_STATE : KEY_MSG, (uint8_t)state};
    iter_open(&i, s, prefix, state ? 2 : 1);
    int rc = ZK_OK;
    const uint8_t *key;
    size_t klen;
    for (; rc == ZK_OK && iter_valid(&i, &key, &klen); leveldb_iter_next(i.it)) {
        const uint8_t *m = key + i.plen;
        if (klen != i.plen + 32) {
            ms_key bad = key_single(key[0]);
            rc = fail_corrupt(err, s, &bad, "a key of the wrong length");
            break;
        }
        ms_key k = key_hash(KEY_MSG, m);
        msg_record r;
        if (state == 0) {
            size_t vlen;
            const char *val = leveldb_iter_value(i.it, &vlen);
            rc = msg_from_value(s, &r, &k, val, vlen, err);
        } else {
            /* Read the record through the same snapshot as the index. */
            char *lerr = NULL, *val;
            size_t vlen;
            val = leveldb_get(s->kv.db, i.ro, (const char *)k.b, k.len, &vlen, &lerr);
            if (lerr) {
                rc = ZK_FAIL(err, ZK_ERR_IO, "message store %s: %s", s->kv.dir, lerr);
                leveldb_free(lerr);
                break;
            }
            if (!val) {
                rc = fail_corrupt(err, s, &k, "an index entry names a missing message");
                break;
            }
            rc = msg_from_value(s, &r, &k, val, vlen, err);
            leveldb_free(val);
            if (rc == ZK_OK && (int)r.state != state) {
                msg_record_clear(&r);
                rc = fail_corrupt(err, s, &k, "the state index disagrees with the record");
            }
        }
        if (rc != ZK_OK) break;
        rc = fn(arg, &r);
        msg_record_clear(&r);
    }
    return iter_close(&i, s, rc, err);
}

int msgstore_count(msgstore *s, uint64_t counts[MSG_STATE_COUNT], zk_errbuf *err)
{
    memset(counts, 0, sizeof(uint64_t) * MSG_STATE_COUNT);
    ms_iter i;
    uint8_t prefix[1] = {KEY_STATE};
    iter_open(&i, s, prefix, 1);
    const uint8_t *key;
    size_t klen;
    int rc = ZK_OK;
    for (; iter_valid(&i, &key, &klen); leveldb_iter_next(i.it)) {
        if (klen != 34 || !msg_state_is_valid(key[1])) {
            ms_key bad = key_single(KEY_STATE);
            rc = fail_corrupt(err, s, &bad, "a malformed state index key");
            break;
        }
        counts[key[1]]++;
        counts[0]++;
    }
    return iter_close(&i, s, rc, err);
}

int msgstore_each_block(msgstore *s, msgstore_block_fn fn, void *arg, zk_errbuf *err)
{
    ms_iter i;
    uint8_t prefix[1] = {KEY_BLOCK};
    iter_open(&i, s, prefix, 1);
    const uint8_t *key;
    size_t klen;
    int rc = ZK_OK;
    for (; rc == ZK_OK && iter_valid(&i, &key, &klen); leveldb_iter_next(i.it)) {
        if (klen != 9) {
            ms_key bad = key_single(KEY_BLOCK);
            rc = fail_corrupt(err, s, &bad, "a block key of the wrong length");
            break;
        }
        ms_key k = key_block(be64_load(key + 1));
        size_t vlen;
        const char *val = leveldb_iter_value(i.it, &vlen);
        msg_block b;
        rc = block_from_value(s, &b, &k, val, vlen, err);
        if (rc != ZK_OK) break;
        rc = fn(arg, &b);
        msg_block_clear(&b);
    }
    return iter_close(&i, s, rc, err);
}

/* ---- batches ------------------------------------------------------------------- */

msgstore_batch *msgstore_batch_new(msgstore *s)
{
    msgstore_batch *b = calloc(1, sizeof(*b));
    if (!b) return NULL;
    b->s = s;
    b->wb = leveldb_writebatch_create();
    return b;
}

void msgstore_batch_free(msgstore_batch *b)
{
    if (!b) return;
    leveldb_writebatch_destroy(b->wb);
    free(b);
}

static void batch_put(msgstore_batch *b, const ms_key *k, const uint8_t *v, size_t n)
{
    leveldb_writebatch_put(b->wb, (const char *)k->b, k->len, (const char *)v, n);
    b->n++;
}

int msgstore_batch_put_msg(msgstore_batch *b, const msg_record *r, int prev_state, zk_errbuf *err)
{
    if (!msg_state_is_valid((int)r->state))
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: bad state %d", (int)r->state);
    if (prev_state != 0 && !msg_state_is_valid(prev_state))
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: bad previous state %d", prev_state);
    if (r->payload_len > MSGSTORE_PAYLOAD_MAX || (r->payload_len && !r->payload))
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: payload of %zu bytes (at most %u)",
                       r->payload_len, MSGSTORE_PAYLOAD_MAX);
    if (r->tx.raw_len > MSGSTORE_RAW_TX_MAX || (r->tx.raw_len && !r->tx.raw))
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: raw transaction of %zu bytes",
                       r->tx.raw_len);
    /* The write-ahead rule: a submitted message carries the bytes to rebroadcast. */
    if (r->state == MSG_SUBMITTED && r->tx.raw_len == 0)
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: state submitted without a raw tx");
    zk_buf w;
    buf_init(&w, RECORD_MAX);
    int rc = msg_encode(&w, r);
    if (rc != ZK_OK) {
        buf_clear(&w);
        return ZK_FAIL(err, rc, "message store: encoding a message record: %s", zk_strerror(rc));
    }
    ms_key k = key_hash(KEY_MSG, r->m);
    batch_put(b, &k, w.data, w.len);
    buf_clear(&w);
    if (prev_state != 0 && prev_state != (int)r->state) {
        ms_key old = key_state(prev_state, r->m);
        leveldb_writebatch_delete(b->wb, (const char *)old.b, old.len);
    }
    ms_key idx = key_state((int)r->state, r->m);
    batch_put(b, &idx, NULL, 0);
    return ZK_OK;
}

int msgstore_batch_put_bundle(msgstore_batch *b, const uint8_t m[32], const char *json,
                              zk_errbuf *err)
{
    size_t n = strlen(json);
    if (n == 0 || n > MSGSTORE_BUNDLE_MAX)
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: a bundle of %zu bytes (1..%u)", n,
                       MSGSTORE_BUNDLE_MAX);
    ms_key k = key_hash(KEY_BUNDLE, m);
    batch_put(b, &k, (const uint8_t *)json, n);
    return ZK_OK;
}

int msgstore_batch_put_block(msgstore_batch *b, const msg_block *blk, zk_errbuf *err)
{
    if (!blk_state_is_valid((int)blk->state))
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: bad block state %d", (int)blk->state);
    if (blk->tx.raw_len > MSGSTORE_RAW_TX_MAX || (blk->tx.raw_len && !blk->tx.raw))
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: raw transaction of %zu bytes",
                       blk->tx.raw_len);
    if (blk->proof_json && strlen(blk->proof_json) > MSGSTORE_PROOF_MAX)
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: a finality proof over %u bytes",
                       MSGSTORE_PROOF_MAX);
    if (blk->state == BLK_SUBMITTED && blk->tx.raw_len == 0)
        return ZK_FAIL(err, ZK_ERR_USAGE, "message store: block submitted without a raw tx");
    zk_buf w;
    buf_init(&w, RECORD_MAX);
    int rc = block_encode(&w, blk);
    if (rc != ZK_OK) {
        buf_clear(&w);
        return ZK_FAIL(err, rc, "message store: encoding a block record: %s", zk_strerror(rc));
    }
    ms_key k = key_block(blk->number);
    batch_put(b, &k, w.data, w.len);
    buf_clear(&w);
    return ZK_OK;
}

static void put_u64_record(msgstore_batch *b, uint8_t prefix, uint64_t v)
{
    uint8_t val[9] = {MSGSTORE_RECORD_V1};
    be64_store(val + 1, v);
    ms_key k = key_single(prefix);
    batch_put(b, &k, val, sizeof(val));
}

void msgstore_batch_put_scan_height(msgstore_batch *b, uint64_t height)
{
    put_u64_record(b, KEY_SCAN, height);
}

void msgstore_batch_put_next_nonce(msgstore_batch *b, uint64_t nonce)
{
    put_u64_record(b, KEY_NONCE, nonce);
}

int msgstore_batch_commit(msgstore_batch *b, zk_errbuf *err)
{
    if (b->n == 0) return ZK_OK;
    char *lerr = NULL;
    leveldb_write(b->s->kv.db, b->s->kv.wopts, b->wb, &lerr);
    leveldb_writebatch_clear(b->wb);
    b->n = 0;
    if (lerr) {
        int rc = ZK_FAIL(err, ZK_ERR_IO, "message store %s: write failed: %s", b->s->kv.dir, lerr);
        leveldb_free(lerr);
        return rc;
    }
    return ZK_OK;
}

/* ---- open / close -------------------------------------------------------------- */

/* A new database gets the schema record; an existing one must carry ours. */
static int check_schema(msgstore *s, zk_errbuf *err)
{
    ms_key k = key_single(KEY_SCHEMA);
    char *val;
    size_t len;
    int rc = db_get(s, &k, &val, &len, err);
    if (rc == ZK_OK) {
        zk_cursor c = cur_make((const uint8_t *)val, len);
        uint8_t ver = 0;
        uint32_t schema = 0;
        if (len != 5 || cur_u8(&c, &ver) != ZK_OK || ver != MSGSTORE_RECORD_V1 ||
            cur_be32(&c, &schema) != ZK_OK)
            rc = fail_corrupt(err, s, &k, "bad schema record");
        leveldb_free(val);
        if (rc != ZK_OK) return rc;
        if (schema > MSGSTORE_SCHEMA_VERSION)
            return ZK_FAIL(err, ZK_ERR_MISMATCH,
                           "message store %s was written by a newer zkrelay (schema %" PRIu32
                           ", this build reads %d): upgrade zkrelay",
                           s->kv.dir, schema, MSGSTORE_SCHEMA_VERSION);
        if (schema != MSGSTORE_SCHEMA_VERSION)
            return ZK_FAIL(err, ZK_ERR_MISMATCH,
                           "message store %s has schema %" PRIu32 "; this build reads %d",
                           s->kv.dir, schema, MSGSTORE_SCHEMA_VERSION);
        return ZK_OK;
    }
    if (rc != ZK_ERR_NOTFOUND) return rc;
    bool empty = false;
    if ((rc = kvdb_is_empty(&s->kv, &empty, err)) != ZK_OK) return rc;
    if (!empty)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "%s is not a message store (it has keys but no schema record)", s->kv.dir);
    uint8_t rec[5] = {MSGSTORE_RECORD_V1};
    be32_store(rec + 1, MSGSTORE_SCHEMA_VERSION);
    leveldb_writebatch_t *wb = leveldb_writebatch_create();
    leveldb_writebatch_put(wb, (const char *)k.b, k.len, (const char *)rec, sizeof(rec));
    char *lerr = NULL;
    leveldb_write(s->kv.db, s->kv.wopts, wb, &lerr);
    leveldb_writebatch_destroy(wb);
    if (lerr) {
        rc = ZK_FAIL(err, ZK_ERR_IO, "message store %s: writing the schema record: %s", s->kv.dir,
                     lerr);
        leveldb_free(lerr);
        return rc;
    }
    return ZK_OK;
}

int msgstore_open(msgstore **out, const char *dir, bool create_if_missing, zk_errbuf *err)
{
    *out = NULL;
    msgstore *s = calloc(1, sizeof(*s));
    if (!s) return ZK_FAIL(err, ZK_ERR_NOMEM, "message store: out of memory");
    int rc =
        kvdb_open(&s->kv, dir, create_if_missing, 0700, MSGSTORE_LOCK_FILE, "message store", err);
    if (rc == ZK_OK) rc = check_schema(s, err);
    if (rc != ZK_OK) {
        msgstore_close(s);
        return rc;
    }
    *out = s;
    return ZK_OK;
}

void msgstore_close(msgstore *s)
{
    if (!s) return;
    kvdb_close(&s->kv);
    free(s);
}
