/* The proof bundle: build, canonical JSON write, strict parse, verify (relayer/bundle.h). */
#include "relayer/bundle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lightclient/bft.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "lightclient/keccak.h"
#include "lightclient/mpt.h"
#include "lightclient/receipt.h"
#include "prover/fr.h"
#include "relayer/abi.h"
#include "relayer/bridge_abi.h"

static const char *const check_names[BUNDLE_N_CHECKS] = {
    "message-hash", "header",      "trusted-set",      "finality-signals", "finality-proof",
    "receipt-trie", "message-log", "inclusion-signal", "inclusion-proof",  "statement-params",
};

const char *bundle_check_name(int id)
{
    return id >= 0 && id < BUNDLE_N_CHECKS ? check_names[id] : "unknown";
}

void bundle_init(bundle *b)
{
    memset(b, 0, sizeof(*b));
}

void bundle_clear(bundle *b)
{
    if (!b) return;
    free(b->msg.payload);
    free(b->header_rlp);
    free(b->receipt);
    for (size_t i = 0; i < BUNDLE_MAX_NODES; i++)
        free(b->nodes[i]);
    memset(b, 0, sizeof(*b));
}

/* A malloc'd copy of p[0..n) (a 1-byte allocation for n == 0, so success is never NULL). */
static uint8_t *bundle_dup(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);
    if (q && n) memcpy(q, p, n);
    return q;
}

/* m = keccak256(abi.encode(uint64 srcChainId, address outbox, uint64 nonce, address sender,
 * uint64 dstChainId, address receiver, bytes payload)) through the generic ABI encoder, so
 * the auditor's m does not depend on bridge_abi_message_hash's hand-laid stream (the tests
 * compare the two). */
static int bundle_message_hash(uint8_t m[32], const bundle_message *msg)
{
    abi_enc e;
    abi_enc_init(&e, 0);
    abi_enc_uint64(&e, msg->src_chain_id);
    abi_enc_address(&e, msg->outbox);
    abi_enc_uint64(&e, msg->nonce);
    abi_enc_address(&e, msg->sender);
    abi_enc_uint64(&e, msg->dst_chain_id);
    abi_enc_address(&e, msg->receiver);
    abi_enc_bytes(&e, msg->payload, msg->payload_len);
    zk_buf out;
    buf_init(&out, 0);
    int rc = abi_enc_finish(&e, &out, NULL);
    abi_enc_clear(&e);
    if (rc == ZK_OK) keccak256(m, out.data, out.len);
    buf_clear(&out);
    return rc;
}

/* The data of the MessageSent log: abi.encode(uint64 dstChainId, address receiver, bytes
 * payload) (relayer/bridge_abi.h). Out: out (appended). */
static int bundle_log_data(zk_buf *out, const bundle_message *msg)
{
    abi_enc e;
    abi_enc_init(&e, 0);
    abi_enc_uint64(&e, msg->dst_chain_id);
    abi_enc_address(&e, msg->receiver);
    abi_enc_bytes(&e, msg->payload, msg->payload_len);
    int rc = abi_enc_finish(&e, out, NULL);
    abi_enc_clear(&e);
    return rc;
}

/* What the verifier derives from the header RLP alone (no seal checked yet). */
typedef struct bundle_hdr {
    eth_header h;
    bft_extra x; /* QBFT extraData: L in header order */
    uint8_t hash[32];
    size_t preimage_len; /* commit-seal preimage bytes (the finality circuit's witness) */
} bundle_hdr;

static int bundle_hdr_decode(bundle_hdr *d, const uint8_t *rlp, size_t len, zk_errbuf *err)
{
    header_init(&d->h);
    int rc = header_decode_rlp(&d->h, rlp, len, err);
    if (rc) return zk_fail_wrap(err, ZK_ERR_MALFORMED, "header RLP");
    rc = bft_extra_decode(&d->x, BFT_QBFT, d->h.extra_data, d->h.extra_len, err);
    if (rc) return zk_fail_wrap(err, ZK_ERR_MALFORMED, "header extraData (QBFT)");
    if (d->h.number == 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "header: block 0 is a trust anchor, not proven");
    rc = bft_block_hash(d->hash, BFT_QBFT, &d->h, err);
    if (rc) return zk_fail_wrap(err, ZK_ERR_MALFORMED, "header hash");
    zk_buf pre;
    buf_init(&pre, 0);
    rc = bft_header_encode(&pre, BFT_QBFT, &d->h, BFT_EXTRA_FOR_COMMIT_SEAL, err);
    d->preimage_len = pre.len;
    buf_clear(&pre);
    if (rc) return zk_fail_wrap(err, rc == ZK_ERR_NOMEM ? rc : ZK_ERR_MALFORMED, "header");
    return ZK_OK;
}

/* ---- build ------------------------------------------------------------------------------ */

int bundle_build(bundle *out, const bundle_input *in, zk_errbuf *err)
{
    bundle_init(out);
    if (in->msg.payload_len > BUNDLE_MAX_PAYLOAD)
        return ZK_FAIL(err, ZK_ERR_RANGE, "payload: %zu bytes, at most %u", in->msg.payload_len,
                       BUNDLE_MAX_PAYLOAD);
    if (in->header_len == 0 || in->header_len > BUNDLE_MAX_HEADER)
        return ZK_FAIL(err, ZK_ERR_RANGE, "header: %zu bytes", in->header_len);
    if (in->n_trusted == 0 || in->n_trusted > BUNDLE_MAX_TRUSTED)
        return ZK_FAIL(err, ZK_ERR_RANGE, "trusted set: %zu validators, 1..%d", in->n_trusted,
                       BUNDLE_MAX_TRUSTED);
    if (in->receipt_len == 0 || in->receipt_len > BUNDLE_MAX_RECEIPT)
        return ZK_FAIL(err, ZK_ERR_RANGE, "receipt: %zu bytes", in->receipt_len);
    if (in->n_nodes == 0 || in->n_nodes > BUNDLE_MAX_NODES)
        return ZK_FAIL(err, ZK_ERR_RANGE, "trie path: %zu nodes, 1..%d", in->n_nodes,
                       BUNDLE_MAX_NODES);
    for (size_t i = 0; i < in->n_nodes; i++)
        if (in->node_lens[i] == 0 || in->node_lens[i] > BUNDLE_MAX_NODE)
            return ZK_FAIL(err, ZK_ERR_RANGE, "trie node %zu: %zu bytes", i, in->node_lens[i]);

    bundle_hdr *d = calloc(1, sizeof(*d));
    if (!d) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    int rc = bundle_hdr_decode(d, in->header_rlp, in->header_len, err);
    if (rc == ZK_OK) {
        out->block_number = d->h.number;
        memcpy(out->block_hash, d->hash, 32);
        memcpy(out->receipts_root, d->h.receipts_root, 32);
    }
    header_clear(&d->h);
    free(d);
    if (rc) return rc;

    out->msg = in->msg;
    out->msg.payload = NULL;
    out->header_rlp = bundle_dup(in->header_rlp, in->header_len);
    out->header_len = in->header_len;
    out->receipt = bundle_dup(in->receipt, in->receipt_len);
    out->receipt_len = in->receipt_len;
    bool ok = out->header_rlp && out->receipt;
    if (in->msg.payload_len) {
        out->msg.payload = bundle_dup(in->msg.payload, in->msg.payload_len);
        ok = ok && out->msg.payload;
    }
    out->n_nodes = in->n_nodes;
    for (size_t i = 0; i < in->n_nodes; i++) {
        out->nodes[i] = bundle_dup(in->nodes[i], in->node_lens[i]);
        out->node_lens[i] = in->node_lens[i];
        ok = ok && out->nodes[i];
    }
    if (!ok) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");

    rc = bundle_message_hash(out->m, &out->msg);
    if (rc) return ZK_FAIL(err, rc, "message hash: %s", zk_strerror(rc));
    out->tx_index = in->tx_index;
    out->log_index = in->log_index;
    out->n_trusted = in->n_trusted;
    memcpy(out->trusted, in->trusted, in->n_trusted * 20);
    stmt_fin_commit(out->trusted_commit, (const uint8_t(*)[20])out->trusted, out->n_trusted);
    out->fin_params = in->fin_params;
    groth16_proof_to_json(&out->fin_proof, &in->fin_proof);
    memcpy(out->fin_public, in->fin_public, sizeof(out->fin_public));
    out->inc_params = in->inc_params;
    groth16_proof_to_json(&out->inc_proof, &in->inc_proof);
    memcpy(out->inc_public, in->inc_public, sizeof(out->inc_public));
    if (in->src_tx_hash) {
        out->has_src_tx_hash = true;
        memcpy(out->src_tx_hash, in->src_tx_hash, 32);
    }
    out->has_block_log_index = in->has_block_log_index;
    out->block_log_index = in->block_log_index;
    if (in->inbox) {
        out->has_inbox = true;
        memcpy(out->inbox, in->inbox, 20);
    }
    if (in->dst_tx_hash) {
        out->has_dst_tx_hash = true;
        memcpy(out->dst_tx_hash, in->dst_tx_hash, 32);
    }
    return ZK_OK;
}

/* ---- write ------------------------------------------------------------------------------ */

/* Sets obj[key] to a new value; a NULL value (out of memory) poisons *ok. */
static void jset(json_t *obj, const char *key, json_t *v, bool *ok)
{
    if (!v || !obj || json_object_set_new(obj, key, v) != 0) *ok = false;
}

static json_t *jhex(const uint8_t *p, size_t n)
{
    char *s = malloc(hex_encoded_len(n, true));
    if (!s) return NULL;
    hex_encode(s, p, n, true);
    json_t *v = json_string(s);
    free(s);
    return v;
}

static json_t *jqty(uint64_t v)
{
    char s[19];
    hex_format_quantity(s, v);
    return json_string(s);
}

static json_t *jdec(const uint8_t v[32])
{
    char s[GROTH16_JSON_DEC_MAX];
    groth16_json_dec_format(s, v);
    return json_string(s);
}

static json_t *jproof(const groth16_json_proof *p)
{
    zk_buf b;
    buf_init(&b, 1u << 20);
    json_t *v = NULL;
    if (groth16_json_proof_write(&b, p) == ZK_OK)
        v = json_loadb((const char *)b.data, b.len, 0, NULL);
    buf_clear(&b);
    return v;
}

static json_t *jsignals(const uint8_t (*pub)[32], size_t n, bool *ok)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, jdec(pub[i])) != 0) *ok = false;
    if (!a) *ok = false;
    return a;
}

static json_t *bundle_to_json(const bundle *b, bool *ok)
{
    json_t *root = json_object(), *msg = json_object(), *src = json_object(), *hdr = json_object(),
           *fin = json_object(), *inc = json_object(), *dst = json_object(), *fst = json_object(),
           *ist = json_object(), *trusted = json_array(), *nodes = json_array();
    *ok = root && msg && src && hdr && fin && inc && dst && fst && ist && trusted && nodes;

    jset(msg, "srcChainId", jqty(b->msg.src_chain_id), ok);
    jset(msg, "outbox", jhex(b->msg.outbox, 20), ok);
    jset(msg, "nonce", jqty(b->msg.nonce), ok);
    jset(msg, "sender", jhex(b->msg.sender, 20), ok);
    jset(msg, "dstChainId", jqty(b->msg.dst_chain_id), ok);
    jset(msg, "receiver", jhex(b->msg.receiver, 20), ok);
    jset(msg, "payload", jhex(b->msg.payload, b->msg.payload_len), ok);

    jset(src, "blockNumber", jqty(b->block_number), ok);
    jset(src, "txIndex", jqty(b->tx_index), ok);
    jset(src, "logIndexInReceipt", jqty(b->log_index), ok);
    if (b->has_src_tx_hash) jset(src, "txHash", jhex(b->src_tx_hash, 32), ok);
    if (b->has_block_log_index) jset(src, "logIndex", jqty(b->block_log_index), ok);

    for (size_t i = 0; trusted && i < b->n_trusted; i++)
        if (json_array_append_new(trusted, jhex(b->trusted[i], 20)) != 0) *ok = false;
    jset(hdr, "rlp", jhex(b->header_rlp, b->header_len), ok);
    jset(hdr, "hash", jhex(b->block_hash, 32), ok);
    jset(hdr, "receiptsRoot", jhex(b->receipts_root, 32), ok);
    jset(hdr, "trustedValidators", trusted, ok);
    jset(hdr, "trustedCommitment", jhex(b->trusted_commit, 32), ok);

    jset(fst, "name", json_string("finality"), ok);
    jset(fst, "maxValidators", json_integer((json_int_t)b->fin_params.max_validators), ok);
    jset(fst, "maxHeaderLen", json_integer((json_int_t)b->fin_params.max_header_len), ok);
    jset(fin, "statement", fst, ok);
    jset(fin, "proof", jproof(&b->fin_proof), ok);
    jset(fin, "publicSignals", jsignals(b->fin_public, STMT_FIN_N_PUBLIC, ok), ok);

    jset(ist, "name", json_string("inclusion"), ok);
    jset(ist, "maxDepth", json_integer((json_int_t)b->inc_params.max_depth), ok);
    jset(ist, "maxReceipt", json_integer((json_int_t)b->inc_params.max_receipt), ok);
    jset(ist, "maxLogs", json_integer((json_int_t)b->inc_params.max_logs), ok);
    jset(ist, "maxNodeLen", json_integer((json_int_t)b->inc_params.max_node_len), ok);
    jset(inc, "statement", ist, ok);
    jset(inc, "proof", jproof(&b->inc_proof), ok);
    jset(inc, "publicSignals", jsignals(b->inc_public, STMT_INC_N_PUBLIC, ok), ok);

    for (size_t i = 0; nodes && i < b->n_nodes; i++)
        if (json_array_append_new(nodes, jhex(b->nodes[i], b->node_lens[i])) != 0) *ok = false;

    if (b->has_inbox) jset(dst, "inbox", jhex(b->inbox, 20), ok);
    if (b->has_dst_tx_hash) jset(dst, "txHash", jhex(b->dst_tx_hash, 32), ok);

    jset(root, "version", json_integer(BUNDLE_VERSION), ok);
    jset(root, "m", jhex(b->m, 32), ok);
    jset(root, "message", msg, ok);
    jset(root, "source", src, ok);
    jset(root, "header", hdr, ok);
    jset(root, "finality", fin, ok);
    jset(root, "inclusion", inc, ok);
    jset(root, "receipt", jhex(b->receipt, b->receipt_len), ok);
    jset(root, "trieNodes", nodes, ok);
    jset(root, "destination", dst, ok);
    return root;
}

int bundle_write(zk_buf *out, const bundle *b, zk_errbuf *err)
{
    if (b->msg.payload_len > BUNDLE_MAX_PAYLOAD || b->header_len > BUNDLE_MAX_HEADER ||
        b->n_trusted > BUNDLE_MAX_TRUSTED || b->receipt_len > BUNDLE_MAX_RECEIPT ||
        b->n_nodes > BUNDLE_MAX_NODES)
        return ZK_FAIL(err, ZK_ERR_RANGE, "bundle: a part exceeds its cap");
    bool ok;
    json_t *root = bundle_to_json(b, &ok);
    char *text = ok ? json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(root);
    if (!text) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory writing the bundle");
    size_t len = strlen(text);
    int rc = len > BUNDLE_MAX_TEXT - 1 ? ZK_ERR_RANGE : buf_append(out, text, len);
    if (rc == ZK_OK) rc = buf_append_byte(out, '\n');
    free(text);
    if (rc) return ZK_FAIL(err, rc, "bundle: %s", zk_strerror(rc));
    return ZK_OK;
}

/* ---- parse ------------------------------------------------------------------------------ */

/* Checks obj is an object whose keys are exactly the required ones plus any of the optional
 * ones (a NULL-terminated list each). */
static int keys_check(const json_t *obj, const char *where, const char *const *req,
                      const char *const *opt, zk_errbuf *err)
{
    if (!json_is_object(obj)) return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: not an object", where);
    for (size_t i = 0; req[i]; i++)
        if (!json_object_get(obj, req[i]))
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: missing \"%s\"", where, req[i]);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool known = false;
        for (size_t i = 0; req[i] && !known; i++)
            known = strcmp(key, req[i]) == 0;
        for (size_t i = 0; opt && opt[i] && !known; i++)
            known = strcmp(key, opt[i]) == 0;
        if (!known) return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: unknown key \"%.64s\"", where, key);
    }
    return ZK_OK;
}

/* Wraps a json_fields.h failure with the object's name; a null value is malformed here. */
static int field_fail(int rc, const char *where, const char *key, zk_errbuf *err)
{
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: \"%s\" is null", where, key);
    return zk_fail_wrap(err, rc, "%s", where);
}

static int get_fixed(uint8_t *out, size_t n, const json_t *o, const char *where, const char *key,
                     zk_errbuf *err)
{
    int rc = json_get_data_fixed(out, n, o, key, err);
    return rc ? field_fail(rc, where, key, err) : ZK_OK;
}

static int get_qty(uint64_t *out, const json_t *o, const char *where, const char *key,
                   zk_errbuf *err)
{
    int rc = json_get_quantity(out, o, key, err);
    return rc ? field_fail(rc, where, key, err) : ZK_OK;
}

static int get_data(uint8_t **out, size_t *len, size_t max, const json_t *o, const char *where,
                    const char *key, zk_errbuf *err)
{
    int rc = json_get_data_alloc(out, len, max, o, key, err);
    return rc ? field_fail(rc, where, key, err) : ZK_OK;
}

static bool name_is(const json_t *v, const char *name)
{
    return json_is_string(v) && strcmp(json_string_value(v), name) == 0;
}

/* A JSON integer in [1, max]. */
static int get_param(size_t *out, const json_t *o, const char *where, const char *key, size_t max,
                     zk_errbuf *err)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: \"%s\" is not an integer", where, key);
    json_int_t i = json_integer_value(v);
    if (i < 1 || (unsigned long long)i > max)
        return ZK_FAIL(err, ZK_ERR_RANGE, "%s: \"%s\" = %lld outside 1..%zu", where, key,
                       (long long)i, max);
    *out = (size_t)i;
    return ZK_OK;
}

/* A 0x-hex string array element of exactly n bytes, or of 1..max bytes into *alloc. */
static int elem_hex(uint8_t *fixed, size_t n, uint8_t **alloc, size_t *alloc_len, size_t max,
                    const json_t *v, const char *where, size_t i, zk_errbuf *err)
{
    const char *s = json_string_value(v);
    if (!s || strncmp(s, "0x", 2) != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s[%zu]: expected a 0x-prefixed hex string", where,
                       i);
    int rc;
    if (fixed) {
        rc = hex_decode_fixed(fixed, n, s, err);
    } else {
        size_t digits = strlen(s) - 2;
        if (digits == 0 || digits / 2 > max)
            return ZK_FAIL(err, ZK_ERR_RANGE, "%s[%zu]: %zu bytes, 1..%zu allowed", where, i,
                           digits / 2, max);
        rc = hex_decode_alloc(alloc, alloc_len, s, err);
    }
    return rc ? zk_fail_wrap(err, rc, "%s[%zu]", where, i) : ZK_OK;
}

/* A proof.json object: exactly snarkjs's five keys (groth16_json_proof_parse ignores others,
 * which would let a changed key name pass unnoticed). */
static int get_proof(groth16_json_proof *p, const json_t *o, const char *where, zk_errbuf *err)
{
    static const char *const req[] = {"pi_a", "pi_b", "pi_c", "protocol", "curve", NULL};
    int rc = keys_check(o, where, req, NULL, err);
    if (rc) return rc;
    char *text = json_dumps(o, JSON_COMPACT);
    if (!text) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    rc = groth16_json_proof_parse(p, text, strlen(text), err);
    free(text);
    return rc ? zk_fail_wrap(err, rc, "%s", where) : ZK_OK;
}

static int get_signals(uint8_t (*pub)[32], size_t n, const json_t *a, const char *where,
                       zk_errbuf *err)
{
    if (!json_is_array(a) || json_array_size(a) != n)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: expected an array of %zu decimal strings", where,
                       n);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (!s) return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s[%zu]: not a string", where, i);
        int rc = groth16_json_dec_parse(pub[i], s, groth16_json_r_be, err);
        if (rc) return zk_fail_wrap(err, rc, "%s[%zu]", where, i);
    }
    return ZK_OK;
}

static int parse_message(bundle *b, const json_t *o, zk_errbuf *err)
{
    static const char *const req[] = {"srcChainId", "outbox",   "nonce",   "sender",
                                      "dstChainId", "receiver", "payload", NULL};
    const char *w = "message";
    int rc = keys_check(o, w, req, NULL, err);
    if (!rc) rc = get_qty(&b->msg.src_chain_id, o, w, "srcChainId", err);
    if (!rc) rc = get_fixed(b->msg.outbox, 20, o, w, "outbox", err);
    if (!rc) rc = get_qty(&b->msg.nonce, o, w, "nonce", err);
    if (!rc) rc = get_fixed(b->msg.sender, 20, o, w, "sender", err);
    if (!rc) rc = get_qty(&b->msg.dst_chain_id, o, w, "dstChainId", err);
    if (!rc) rc = get_fixed(b->msg.receiver, 20, o, w, "receiver", err);
    if (!rc)
        rc = get_data(&b->msg.payload, &b->msg.payload_len, BUNDLE_MAX_PAYLOAD, o, w, "payload",
                      err);
    if (!rc && b->msg.payload_len == 0) {
        free(b->msg.payload); /* the owned form of an empty payload is NULL */
        b->msg.payload = NULL;
    }
    return rc;
}

static int parse_source(bundle *b, const json_t *o, zk_errbuf *err)
{
    static const char *const req[] = {"blockNumber", "txIndex", "logIndexInReceipt", NULL};
    static const char *const opt[] = {"txHash", "logIndex", NULL};
    const char *w = "source";
    int rc = keys_check(o, w, req, opt, err);
    if (!rc) rc = get_qty(&b->block_number, o, w, "blockNumber", err);
    if (!rc) rc = get_qty(&b->tx_index, o, w, "txIndex", err);
    if (!rc) rc = get_qty(&b->log_index, o, w, "logIndexInReceipt", err);
    if (!rc && json_object_get(o, "txHash")) {
        b->has_src_tx_hash = true;
        rc = get_fixed(b->src_tx_hash, 32, o, w, "txHash", err);
    }
    if (!rc && json_object_get(o, "logIndex")) {
        b->has_block_log_index = true;
        rc = get_qty(&b->block_log_index, o, w, "logIndex", err);
    }
    return rc;
}

static int parse_header(bundle *b, const json_t *o, zk_errbuf *err)
{
    static const char *const req[] = {
        "rlp", "hash", "receiptsRoot", "trustedValidators", "trustedCommitment", NULL};
    const char *w = "header";
    int rc = keys_check(o, w, req, NULL, err);
    if (!rc) rc = get_data(&b->header_rlp, &b->header_len, BUNDLE_MAX_HEADER, o, w, "rlp", err);
    if (!rc) rc = get_fixed(b->block_hash, 32, o, w, "hash", err);
    if (!rc) rc = get_fixed(b->receipts_root, 32, o, w, "receiptsRoot", err);
    if (!rc) rc = get_fixed(b->trusted_commit, 32, o, w, "trustedCommitment", err);
    if (rc) return rc;
    const json_t *t = json_object_get(o, "trustedValidators");
    if (!json_is_array(t) || json_array_size(t) == 0 || json_array_size(t) > BUNDLE_MAX_TRUSTED)
        return ZK_FAIL(err, ZK_ERR_RANGE, "header.trustedValidators: expected 1..%d addresses",
                       BUNDLE_MAX_TRUSTED);
    b->n_trusted = json_array_size(t);
    for (size_t i = 0; !rc && i < b->n_trusted; i++)
        rc = elem_hex(b->trusted[i], 20, NULL, NULL, 0, json_array_get(t, i),
                      "header.trustedValidators", i, err);
    return rc;
}

static int parse_finality(bundle *b, const json_t *o, zk_errbuf *err)
{
    static const char *const req[] = {"statement", "proof", "publicSignals", NULL};
    static const char *const st_req[] = {"name", "maxValidators", "maxHeaderLen", NULL};
    int rc = keys_check(o, "finality", req, NULL, err);
    const json_t *st = json_object_get(o, "statement");
    if (!rc) rc = keys_check(st, "finality.statement", st_req, NULL, err);
    if (!rc && !name_is(json_object_get(st, "name"), "finality"))
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "finality.statement.name is not \"finality\"");
    if (!rc)
        rc = get_param(&b->fin_params.max_validators, st, "finality.statement", "maxValidators",
                       STMT_FIN_MAX_VALIDATORS, err);
    if (!rc)
        rc = get_param(&b->fin_params.max_header_len, st, "finality.statement", "maxHeaderLen",
                       BUNDLE_MAX_HEADER, err);
    if (!rc) rc = get_proof(&b->fin_proof, json_object_get(o, "proof"), "finality.proof", err);
    if (!rc)
        rc = get_signals(b->fin_public, STMT_FIN_N_PUBLIC, json_object_get(o, "publicSignals"),
                         "finality.publicSignals", err);
    return rc;
}

static int parse_inclusion(bundle *b, const json_t *o, zk_errbuf *err)
{
    static const char *const req[] = {"statement", "proof", "publicSignals", NULL};
    static const char *const st_req[] = {"name",    "maxDepth",   "maxReceipt",
                                         "maxLogs", "maxNodeLen", NULL};
    const char *ws = "inclusion.statement";
    int rc = keys_check(o, "inclusion", req, NULL, err);
    const json_t *st = json_object_get(o, "statement");
    if (!rc) rc = keys_check(st, ws, st_req, NULL, err);
    if (!rc && !name_is(json_object_get(st, "name"), "inclusion"))
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "inclusion.statement.name is not \"inclusion\"");
    if (!rc) rc = get_param(&b->inc_params.max_depth, st, ws, "maxDepth", STMT_INC_MAX_DEPTH, err);
    if (!rc)
        rc = get_param(&b->inc_params.max_receipt, st, ws, "maxReceipt", BUNDLE_MAX_RECEIPT, err);
    if (!rc) rc = get_param(&b->inc_params.max_logs, st, ws, "maxLogs", RECEIPT_MAX_LOGS, err);
    if (!rc)
        rc = get_param(&b->inc_params.max_node_len, st, ws, "maxNodeLen", BUNDLE_MAX_NODE, err);
    if (!rc) rc = get_proof(&b->inc_proof, json_object_get(o, "proof"), "inclusion.proof", err);
    if (!rc)
        rc = get_signals(b->inc_public, STMT_INC_N_PUBLIC, json_object_get(o, "publicSignals"),
                         "inclusion.publicSignals", err);
    return rc;
}

static int parse_destination(bundle *b, const json_t *o, zk_errbuf *err)
{
    static const char *const req[] = {NULL};
    static const char *const opt[] = {"inbox", "txHash", NULL};
    int rc = keys_check(o, "destination", req, opt, err);
    if (!rc && json_object_get(o, "inbox")) {
        b->has_inbox = true;
        rc = get_fixed(b->inbox, 20, o, "destination", "inbox", err);
    }
    if (!rc && json_object_get(o, "txHash")) {
        b->has_dst_tx_hash = true;
        rc = get_fixed(b->dst_tx_hash, 32, o, "destination", "txHash", err);
    }
    return rc;
}

static int parse_root(bundle *b, const json_t *root, zk_errbuf *err)
{
    static const char *const req[] = {"version",   "m",           "message",   "source",
                                      "header",    "finality",    "inclusion", "receipt",
                                      "trieNodes", "destination", NULL};
    int rc = keys_check(root, "bundle", req, NULL, err);
    if (rc) return rc;
    const json_t *v = json_object_get(root, "version");
    if (!json_is_integer(v) || json_integer_value(v) != BUNDLE_VERSION)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "bundle: version is not %d", BUNDLE_VERSION);
    rc = get_fixed(b->m, 32, root, "bundle", "m", err);
    if (!rc) rc = parse_message(b, json_object_get(root, "message"), err);
    if (!rc) rc = parse_source(b, json_object_get(root, "source"), err);
    if (!rc) rc = parse_header(b, json_object_get(root, "header"), err);
    if (!rc) rc = parse_finality(b, json_object_get(root, "finality"), err);
    if (!rc) rc = parse_inclusion(b, json_object_get(root, "inclusion"), err);
    if (!rc)
        rc = get_data(&b->receipt, &b->receipt_len, BUNDLE_MAX_RECEIPT, root, "bundle", "receipt",
                      err);
    if (!rc && b->receipt_len == 0) rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "bundle: empty receipt");
    if (!rc) rc = parse_destination(b, json_object_get(root, "destination"), err);
    if (rc) return rc;
    const json_t *nodes = json_object_get(root, "trieNodes");
    if (!json_is_array(nodes) || json_array_size(nodes) == 0 ||
        json_array_size(nodes) > BUNDLE_MAX_NODES)
        return ZK_FAIL(err, ZK_ERR_RANGE, "trieNodes: expected 1..%d nodes", BUNDLE_MAX_NODES);
    size_t n = json_array_size(nodes);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = elem_hex(NULL, 0, &b->nodes[i], &b->node_lens[i], BUNDLE_MAX_NODE,
                      json_array_get(nodes, i), "trieNodes", i, err);
        if (!rc) b->n_nodes = i + 1;
    }
    return rc;
}

int bundle_parse(bundle *out, const char *text, size_t len, zk_errbuf *err)
{
    bundle_init(out);
    if (len > BUNDLE_MAX_TEXT)
        return ZK_FAIL(err, ZK_ERR_RANGE, "bundle: %zu bytes, at most %u", len, BUNDLE_MAX_TEXT);
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (err) err->offset = (size_t)je.position;
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "bundle: JSON: %s (line %d, column %d)", je.text,
                       je.line, je.column);
    }
    int rc = parse_root(out, root, err);
    json_decref(root);
    if (rc) return rc;
    /* Canonical form: exactly the bytes bundle_write gives for what was parsed. That leaves
     * one text per bundle, so no byte of a bundle can change without changing its content. */
    zk_buf canon;
    buf_init(&canon, BUNDLE_MAX_TEXT);
    rc = bundle_write(&canon, out, err);
    if (rc == ZK_OK && (canon.len != len || memcmp(canon.data, text, len) != 0)) {
        size_t at = 0;
        while (at < len && at < canon.len && canon.data[at] == (uint8_t)text[at])
            at++;
        if (err) err->offset = at;
        rc = ZK_FAIL(err, ZK_ERR_NONCANONICAL,
                     "bundle: not in canonical form (compact JSON, sorted keys, lower-case hex, "
                     "one final newline): first difference at byte %zu",
                     at);
    }
    buf_clear(&canon);
    return rc;
}

/* ---- verify ----------------------------------------------------------------------------- */

static int check_set(bundle_report *rep, int id, int status, const char *fmt, ...) ZK_PRINTF(4, 5);

static int check_set(bundle_report *rep, int id, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->checks[id].detail, sizeof(rep->checks[id].detail), fmt, ap);
    va_end(ap);
    rep->checks[id].status = status;
    return status;
}

static void hex_short(char out[20], const uint8_t *p, size_t n)
{
    char full[67];
    hex_encode(full, p, n > 32 ? 32 : n, true);
    snprintf(out, 20, "%.10s..%.6s", full, full + strlen(full) - 6);
}

static void verify_message_hash(bundle_report *rep, const bundle *b)
{
    uint8_t m[32];
    int rc = bundle_message_hash(m, &b->msg);
    char h[20];
    if (rc) {
        check_set(rep, BUNDLE_CHECK_MESSAGE_HASH, rc, "abi.encode failed: %s", zk_strerror(rc));
    } else if (memcmp(m, b->m, 32) != 0) {
        hex_short(h, m, 32);
        check_set(rep, BUNDLE_CHECK_MESSAGE_HASH, ZK_ERR_MISMATCH,
                  "the fields hash to %s, the bundle says another m", h);
    } else {
        hex_short(h, m, 32);
        check_set(rep, BUNDLE_CHECK_MESSAGE_HASH, ZK_OK, "m = %s (nonce %llu)", h,
                  (unsigned long long)b->msg.nonce);
    }
}

static void verify_header(bundle_report *rep, const secp256k1_context *ctx, const bundle *b,
                          const bundle_hdr *d, bool hdr_ok, const char *hdr_err,
                          const valset *trusted, bool trusted_ok, const char *trusted_err,
                          bft_result *res)
{
    const int id = BUNDLE_CHECK_HEADER;
    if (!hdr_ok) {
        check_set(rep, id, ZK_ERR_MALFORMED, "%s", hdr_err);
        return;
    }
    if (!trusted_ok) {
        check_set(rep, id, ZK_ERR_MALFORMED, "trusted list: %s", trusted_err);
        return;
    }
    zk_errbuf e = {{0}, 0};
    int rc = bft_verify_header(res, ctx, BFT_QBFT, &d->h, trusted, &e);
    if (rc) {
        check_set(rep, id, rc == ZK_ERR_NOMEM ? rc : ZK_ERR_REJECTED, "block %llu: %s",
                  (unsigned long long)d->h.number, e.msg);
    } else if (d->h.number != b->block_number) {
        check_set(rep, id, ZK_ERR_MISMATCH, "the header is block %llu, the bundle says %llu",
                  (unsigned long long)d->h.number, (unsigned long long)b->block_number);
    } else if (memcmp(res->block_hash, b->block_hash, 32) != 0) {
        check_set(rep, id, ZK_ERR_MISMATCH, "the header's hash differs from header.hash");
    } else if (memcmp(d->h.receipts_root, b->receipts_root, 32) != 0) {
        check_set(rep, id, ZK_ERR_MISMATCH,
                  "the header's receiptsRoot differs from header.receiptsRoot");
    } else {
        char h[20];
        hex_short(h, res->block_hash, 32);
        check_set(rep, id, ZK_OK, "block %llu %s: %zu of %zu validators sealed, %s",
                  (unsigned long long)d->h.number, h, res->n_signers, d->x.n_validators,
                  res->validators_changed ? "rotates to a new set" : "set unchanged");
    }
}

static void verify_finality(bundle_report *rep, const bundle *b, const bundle_hdr *d, bool hdr_ok,
                            const groth16_vk *vk)
{
    uint8_t c[32];
    stmt_fin_commit(c, (const uint8_t(*)[20])b->trusted, b->n_trusted);
    if (memcmp(c, b->trusted_commit, 32) != 0)
        check_set(rep, BUNDLE_CHECK_TRUSTED_SET, ZK_ERR_MISMATCH,
                  "commit(trustedValidators) differs from header.trustedCommitment");
    else
        check_set(rep, BUNDLE_CHECK_TRUSTED_SET, ZK_OK, "%zu validators, commitment matches",
                  b->n_trusted);

    if (!hdr_ok) {
        check_set(rep, BUNDLE_CHECK_FIN_SIGNALS, ZK_ERR_MALFORMED,
                  "not checked: the header does not decode");
    } else {
        stmt_fin_public pub;
        memset(&pub, 0, sizeof(pub));
        memcpy(pub.trusted_commit, c, 32);
        stmt_fin_commit(pub.next_commit, (const uint8_t(*)[20])d->x.validators, d->x.n_validators);
        pub.number = d->h.number;
        memcpy(pub.header_hash, d->hash, 32);
        memcpy(pub.receipts_root, d->h.receipts_root, 32);
        fr sig[STMT_FIN_N_PUBLIC];
        stmt_fin_public_signals(sig, &pub);
        size_t bad = STMT_FIN_N_PUBLIC;
        for (size_t i = STMT_FIN_N_PUBLIC; i-- > 0;) {
            uint8_t be[32];
            fr_to_bytes_be(be, &sig[i]);
            if (memcmp(be, b->fin_public[i], 32) != 0) bad = i;
        }
        static const char *const what[STMT_FIN_N_PUBLIC] = {
            "trusted-set commitment", "next-set commitment", "number and hash (high)", "hash (low)",
            "receiptsRoot (high)",    "receiptsRoot (low)"};
        if (bad < STMT_FIN_N_PUBLIC)
            check_set(rep, BUNDLE_CHECK_FIN_SIGNALS, ZK_ERR_MISMATCH,
                      "signal %zu (%s) differs from the one computed from the header", bad,
                      what[bad]);
        else
            check_set(rep, BUNDLE_CHECK_FIN_SIGNALS, ZK_OK, "6 signals match the header");
    }

    groth16_proof p;
    zk_errbuf e = {{0}, 0};
    int rc = groth16_proof_from_json(&p, &b->fin_proof, &e);
    if (rc == ZK_OK && vk->n_public != STMT_FIN_N_PUBLIC)
        rc = ZK_FAIL(&e, ZK_ERR_MISMATCH, "the finality vk has %u public inputs, not %d",
                     vk->n_public, STMT_FIN_N_PUBLIC);
    if (rc == ZK_OK)
        rc = groth16_verify(vk, (const uint8_t(*)[32])b->fin_public, STMT_FIN_N_PUBLIC, &p, &e);
    if (rc)
        check_set(rep, BUNDLE_CHECK_FIN_PROOF, rc, "%s", e.msg[0] ? e.msg : zk_strerror(rc));
    else
        check_set(rep, BUNDLE_CHECK_FIN_PROOF, ZK_OK, "Groth16 proof valid for the 6 signals");
}

/* Verifies the trie path; on success *value holds exactly the receipt bytes found. */
static void verify_trie(bundle_report *rep, const bundle *b, const bundle_hdr *d, bool hdr_ok)
{
    const int id = BUNDLE_CHECK_RECEIPT_TRIE;
    if (!hdr_ok) {
        check_set(rep, id, ZK_ERR_MALFORMED, "not checked: the header does not decode");
        return;
    }
    mpt_proof pr;
    mpt_proof_init(&pr);
    int rc = ZK_OK;
    for (size_t i = 0; rc == ZK_OK && i < b->n_nodes; i++)
        rc = mpt_proof_add(&pr, b->nodes[i], b->node_lens[i]);
    uint8_t key[9];
    size_t key_len = mpt_index_key(key, b->tx_index);
    uint8_t *val = malloc(b->receipt_len);
    size_t val_len = b->receipt_len;
    zk_errbuf e = {{0}, 0};
    if (rc == ZK_OK && !val) rc = ZK_ERR_NOMEM;
    if (rc == ZK_OK)
        rc = mpt_verify_proof(val, &val_len, d->h.receipts_root, key, key_len, &pr, &e);
    if (rc == ZK_ERR_NOMEM)
        check_set(rep, id, rc, "out of memory");
    else if (rc == ZK_ERR_NOTFOUND)
        check_set(rep, id, ZK_ERR_REJECTED, "the path proves txIndex %llu absent",
                  (unsigned long long)b->tx_index);
    else if (rc == ZK_ERR_RANGE)
        check_set(rep, id, ZK_ERR_MISMATCH,
                  "the trie holds another receipt (%zu bytes, the bundle's has %zu)", val_len,
                  b->receipt_len);
    else if (rc)
        check_set(rep, id, ZK_ERR_REJECTED, "%s", e.msg[0] ? e.msg : zk_strerror(rc));
    else if (val_len != b->receipt_len || memcmp(val, b->receipt, val_len) != 0)
        check_set(rep, id, ZK_ERR_MISMATCH, "the trie holds another receipt at txIndex %llu",
                  (unsigned long long)b->tx_index);
    else
        check_set(rep, id, ZK_OK, "receipt %llu (%zu bytes) under receiptsRoot, %zu nodes",
                  (unsigned long long)b->tx_index, b->receipt_len, b->n_nodes);
    free(val);
    mpt_proof_clear(&pr);
}

static void verify_log(bundle_report *rep, const bundle *b, size_t *n_logs)
{
    const int id = BUNDLE_CHECK_MESSAGE_LOG;
    eth_receipt r;
    memset(&r, 0, sizeof(r));
    zk_errbuf e = {{0}, 0};
    *n_logs = 0;
    int rc = receipt_decode(&r, b->receipt, b->receipt_len, &e);
    if (rc) {
        check_set(rep, id, rc == ZK_ERR_NOMEM ? rc : ZK_ERR_MALFORMED, "receipt: %s", e.msg);
        return;
    }
    *n_logs = r.n_logs;
    uint8_t topic0[32], nonce_w[32], sender_w[32];
    stmt_inc_event_topic(topic0);
    memset(nonce_w, 0, 32);
    be64_store(nonce_w + 24, b->msg.nonce);
    memset(sender_w, 0, 12);
    memcpy(sender_w + 12, b->msg.sender, 20);
    zk_buf data;
    buf_init(&data, 0);
    rc = bundle_log_data(&data, &b->msg);
    const eth_log *lg = b->log_index < r.n_logs ? &r.logs[b->log_index] : NULL;
    if (rc)
        check_set(rep, id, rc, "abi.encode failed: %s", zk_strerror(rc));
    else if (!lg)
        check_set(rep, id, ZK_ERR_REJECTED, "the receipt has %zu logs, no log %llu", r.n_logs,
                  (unsigned long long)b->log_index);
    else if (memcmp(lg->address, b->msg.outbox, 20) != 0)
        check_set(rep, id, ZK_ERR_REJECTED, "log %llu was not emitted by the outbox",
                  (unsigned long long)b->log_index);
    else if (lg->n_topics != 4 || memcmp(lg->topics[0], topic0, 32) != 0)
        check_set(rep, id, ZK_ERR_REJECTED, "log %llu is not a MessageSent event",
                  (unsigned long long)b->log_index);
    else if (memcmp(lg->topics[1], b->m, 32) != 0)
        check_set(rep, id, ZK_ERR_MISMATCH, "the log's topic1 is another message hash");
    else if (memcmp(lg->topics[2], nonce_w, 32) != 0 || memcmp(lg->topics[3], sender_w, 32) != 0)
        check_set(rep, id, ZK_ERR_MISMATCH, "the log's nonce or sender differs from the message");
    else if (lg->data_len != data.len || memcmp(lg->data, data.data, data.len) != 0)
        check_set(rep, id, ZK_ERR_MISMATCH,
                  "the log's data is not abi.encode(dstChainId, receiver, payload)");
    else
        check_set(rep, id, ZK_OK, "log %llu of %zu: MessageSent(m, nonce %llu) by the outbox",
                  (unsigned long long)b->log_index, r.n_logs, (unsigned long long)b->msg.nonce);
    buf_clear(&data);
    receipt_clear(&r);
}

static void verify_inclusion(bundle_report *rep, const bundle *b, const bundle_hdr *d, bool hdr_ok,
                             const groth16_vk *vk)
{
    if (!hdr_ok) {
        check_set(rep, BUNDLE_CHECK_INC_SIGNAL, ZK_ERR_MALFORMED,
                  "not checked: the header does not decode");
    } else {
        fr sig;
        uint8_t be[32];
        stmt_inc_public_signal(&sig, d->h.receipts_root, b->m, b->msg.outbox);
        fr_to_bytes_be(be, &sig);
        if (memcmp(be, b->inc_public[0], 32) != 0)
            check_set(rep, BUNDLE_CHECK_INC_SIGNAL, ZK_ERR_MISMATCH,
                      "the signal is not keccak256(receiptsRoot || m || outbox) >> 8");
        else
            check_set(rep, BUNDLE_CHECK_INC_SIGNAL, ZK_OK,
                      "keccak256(receiptsRoot || m || outbox) >> 8 matches");
    }
    groth16_proof p;
    zk_errbuf e = {{0}, 0};
    int rc = groth16_proof_from_json(&p, &b->inc_proof, &e);
    if (rc == ZK_OK && vk->n_public != STMT_INC_N_PUBLIC)
        rc = ZK_FAIL(&e, ZK_ERR_MISMATCH, "the inclusion vk has %u public inputs, not %d",
                     vk->n_public, STMT_INC_N_PUBLIC);
    if (rc == ZK_OK)
        rc = groth16_verify(vk, (const uint8_t(*)[32])b->inc_public, STMT_INC_N_PUBLIC, &p, &e);
    if (rc)
        check_set(rep, BUNDLE_CHECK_INC_PROOF, rc, "%s", e.msg[0] ? e.msg : zk_strerror(rc));
    else
        check_set(rep, BUNDLE_CHECK_INC_PROOF, ZK_OK, "Groth16 proof valid for the signal");
}

static void verify_statements(bundle_report *rep, const bundle *b, const bundle_hdr *d, bool hdr_ok,
                              size_t n_logs)
{
    const int id = BUNDLE_CHECK_STATEMENTS;
    zk_errbuf e = {{0}, 0};
    const stmt_fin_params *fpar = &b->fin_params;
    const stmt_inc_params *ipar = &b->inc_params;
    if (stmt_fin_check_params(fpar, &e) != ZK_OK || stmt_inc_check_params(ipar, &e) != ZK_OK) {
        check_set(rep, id, ZK_ERR_RANGE, "%s", e.msg);
        return;
    }
    if (!hdr_ok) {
        check_set(rep, id, ZK_ERR_MALFORMED, "not checked: the header does not decode");
        return;
    }
    /* A proof exists only for a witness within the circuit's bounds: a statement recorded
     * with bounds the header or receipt exceeds cannot be the one proven. */
    if (b->n_trusted > fpar->max_validators || d->x.n_validators > fpar->max_validators)
        check_set(rep, id, ZK_ERR_RANGE, "finality(%zu) cannot hold %zu trusted / %zu listed",
                  fpar->max_validators, b->n_trusted, d->x.n_validators);
    else if (d->preimage_len > fpar->max_header_len)
        check_set(rep, id, ZK_ERR_RANGE, "finality: the seal preimage has %zu bytes, max %zu",
                  d->preimage_len, fpar->max_header_len);
    else if (b->receipt_len > ipar->max_receipt || b->n_nodes > ipar->max_depth ||
             n_logs > ipar->max_logs || b->log_index >= ipar->max_logs)
        check_set(rep, id, ZK_ERR_RANGE,
                  "inclusion(depth %zu, %zu B, %zu logs) cannot hold this receipt and path",
                  ipar->max_depth, ipar->max_receipt, ipar->max_logs);
    else
        check_set(rep, id, ZK_OK, "finality(%zu validators, %zu B), inclusion(depth %zu, %zu B)",
                  fpar->max_validators, fpar->max_header_len, ipar->max_depth, ipar->max_receipt);
    for (size_t i = 0; rep->checks[id].status == ZK_OK && i + 1 < b->n_nodes; i++)
        if (b->node_lens[i] > ipar->max_node_len)
            check_set(rep, id, ZK_ERR_RANGE, "trie node %zu has %zu bytes, max %zu", i,
                      b->node_lens[i], ipar->max_node_len);
}

int bundle_verify(bundle_report *rep, const secp256k1_context *ctx, const bundle *b,
                  const groth16_vk *fin_vk, const groth16_vk *inc_vk)
{
    memset(rep, 0, sizeof(*rep));
    for (int i = 0; i < BUNDLE_N_CHECKS; i++)
        rep->checks[i].status = ZK_ERR_REJECTED; /* until the check says otherwise */
    struct work {
        bundle_hdr d;
        valset trusted;
        bft_result res;
    } *w = calloc(1, sizeof(*w));
    if (!w) {
        for (int i = 0; i < BUNDLE_N_CHECKS; i++)
            check_set(rep, i, ZK_ERR_NOMEM, "out of memory");
        rep->n_failed = BUNDLE_N_CHECKS;
        return ZK_ERR_NOMEM;
    }
    zk_errbuf he = {{0}, 0}, te = {{0}, 0};
    bool hdr_ok = bundle_hdr_decode(&w->d, b->header_rlp, b->header_len, &he) == ZK_OK;
    bool trusted_ok =
        b->n_trusted > 0 &&
        valset_from_list(&w->trusted, (const uint8_t(*)[20])b->trusted, b->n_trusted, &te) == ZK_OK;
    if (b->n_trusted == 0) snprintf(te.msg, sizeof(te.msg), "empty");

    verify_message_hash(rep, b);
    verify_header(rep, ctx, b, &w->d, hdr_ok, he.msg, &w->trusted, trusted_ok, te.msg, &w->res);
    verify_finality(rep, b, &w->d, hdr_ok, fin_vk);
    verify_trie(rep, b, &w->d, hdr_ok);
    size_t n_logs = 0;
    verify_log(rep, b, &n_logs);
    verify_inclusion(rep, b, &w->d, hdr_ok, inc_vk);
    verify_statements(rep, b, &w->d, hdr_ok, n_logs);
    header_clear(&w->d.h);
    free(w);

    int first = ZK_OK;
    bool nomem = false;
    for (int i = 0; i < BUNDLE_N_CHECKS; i++) {
        int st = rep->checks[i].status;
        if (st == ZK_OK) continue;
        rep->n_failed++;
        if (st == ZK_ERR_NOMEM) nomem = true;
        if (first == ZK_OK) first = st;
    }
    return nomem ? ZK_ERR_NOMEM : first;
}
