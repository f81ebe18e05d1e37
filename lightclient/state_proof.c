/* eth_getProof verification (EIP-1186) over the Merkle-Patricia verifier. */
#include "state_proof.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "hex.h"
#include "json_fields.h"
#include "keccak.h"
#include "mpt.h"
#include "rlp.h"

/* keccak256 of empty code (EIP-1052's hash of an account without code). */
static const uint8_t EMPTY_CODE_HASH[32] = {
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
};

static bool is_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* A 256-bit word written as "0x" + 1..64 hex digits, left-padded to 32 bytes.
 * Storage keys arrive as "0x0" from some nodes and as 32 zero-padded bytes from
 * others; both name the same slot. */
static int word_from_json(uint8_t out[32], const json_t *v, const char *what, size_t idx,
                          zk_errbuf *err)
{
    const char *s = json_string_value(v);
    if (!s)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "storageProof[%zu].%s: expected 0x-prefixed hex", idx,
                       what);
    int rc = hex_decode_padded(out, 32, s, err);
    if (rc) return zk_fail_wrap(err, rc, "storageProof[%zu].%s", idx, what);
    return ZK_OK;
}

/* Copies a JSON array of 0x-hex node strings into proof. */
static int proof_from_json(mpt_proof *proof, const json_t *arr, const char *what, zk_errbuf *err)
{
    if (!json_is_array(arr)) return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s is not an array", what);
    if (json_array_size(arr) > MPT_PROOF_MAX_NODES)
        return ZK_FAIL(err, ZK_ERR_RANGE, "%s: %zu nodes exceed the limit of %d", what,
                       json_array_size(arr), MPT_PROOF_MAX_NODES);
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || strncmp(s, "0x", 2) != 0)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s[%zu]: expected 0x-prefixed hex", what, i);
        if (strlen(s) / 2 > MPT_NODE_MAX_LEN + 1)
            return ZK_FAIL(err, ZK_ERR_RANGE, "%s[%zu]: node too large", what, i);
        uint8_t *node;
        size_t len;
        int rc = hex_decode_alloc(&node, &len, s, err);
        if (rc) return zk_fail_wrap(err, rc, "%s[%zu]", what, i);
        rc = mpt_proof_add(proof, node, len);
        free(node);
        if (rc) return ZK_FAIL(err, rc, "%s[%zu]: %s", what, i, zk_strerror(rc));
    }
    return ZK_OK;
}

typedef struct account {
    uint8_t address[20];
    uint64_t nonce;
    uint8_t balance[32];
    uint8_t storage_hash[32];
    uint8_t code_hash[32];
} account;

static int account_from_json(account *a, const json_t *obj, zk_errbuf *err)
{
    int rc;
    if (!json_is_object(obj))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "eth_getProof result is not an object");
    if ((rc = json_get_data_fixed(a->address, 20, obj, "address", err)) ||
        (rc = json_get_quantity(&a->nonce, obj, "nonce", err)) ||
        (rc = json_get_quantity256(a->balance, obj, "balance", err)) ||
        (rc = json_get_data_fixed(a->storage_hash, 32, obj, "storageHash", err)) ||
        (rc = json_get_data_fixed(a->code_hash, 32, obj, "codeHash", err)))
        return rc;
    return ZK_OK;
}

/* The state trie's leaf: RLP([nonce, balance, storageRoot, codeHash]). */
static int account_encode(zk_buf *b, const account *a)
{
    size_t mark;
    int rc;
    rlp_list_begin(b, &mark);
    if ((rc = rlp_encode_uint64(b, a->nonce)) || (rc = rlp_encode_uint_be(b, a->balance, 32)) ||
        (rc = rlp_encode_bytes(b, a->storage_hash, 32)) ||
        (rc = rlp_encode_bytes(b, a->code_hash, 32)))
        return rc;
    return rlp_list_end(b, mark);
}

static bool is_empty_account(const account *a)
{
    return a->nonce == 0 && is_zero(a->balance, 32) &&
           (memcmp(a->storage_hash, MPT_EMPTY_ROOT, 32) == 0 || is_zero(a->storage_hash, 32)) &&
           (memcmp(a->code_hash, EMPTY_CODE_HASH, 32) == 0 || is_zero(a->code_hash, 32));
}

/* Checks the account proof. Out: *exists. */
static int verify_account(bool *exists, const uint8_t state_root[32], const account *a,
                          const mpt_proof *proof, zk_errbuf *err)
{
    uint8_t key[32], leaf[256];
    size_t leaf_len = sizeof(leaf);
    zk_buf want;
    keccak256(key, a->address, 20);
    int rc = mpt_verify_proof(leaf, &leaf_len, state_root, key, 32, proof, err);
    if (rc == ZK_ERR_NOTFOUND) {
        if (!is_empty_account(a))
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "accountProof proves the account absent, but the answer gives it "
                           "a nonce, balance, code or storage");
        *exists = false;
        return ZK_OK;
    }
    if (rc == ZK_ERR_RANGE)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "accountProof: leaf of %zu bytes is not an account",
                       leaf_len);
    if (rc) return zk_fail_wrap(err, ZK_ERR_REJECTED, "accountProof");
    buf_init(&want, 0);
    rc = account_encode(&want, a);
    if (rc == ZK_OK && (want.len != leaf_len || memcmp(want.data, leaf, leaf_len) != 0))
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "accountProof: the proven account differs from the answer's nonce, balance, "
                     "storageHash or codeHash");
    else if (rc)
        rc = ZK_FAIL(err, rc, "accountProof: cannot encode the account");
    buf_clear(&want);
    *exists = true;
    return rc;
}

static int verify_slot(const uint8_t storage_root[32], const json_t *sp, size_t idx, zk_errbuf *err)
{
    uint8_t slot[32], value[32], key[32], leaf[64];
    size_t leaf_len = sizeof(leaf);
    mpt_proof proof;
    zk_buf want;
    int rc;
    char what[48];
    if (!json_is_object(sp))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "storageProof[%zu] is not an object", idx);
    if ((rc = word_from_json(slot, json_object_get(sp, "key"), "key", idx, err)) ||
        (rc = word_from_json(value, json_object_get(sp, "value"), "value", idx, err)))
        return rc;
    snprintf(what, sizeof(what), "storageProof[%zu].proof", idx);
    mpt_proof_init(&proof);
    rc = proof_from_json(&proof, json_object_get(sp, "proof"), what, err);
    if (rc) goto out;
    keccak256(key, slot, 32);
    rc = mpt_verify_proof(leaf, &leaf_len, storage_root, key, 32, &proof, err);
    if (is_zero(value, 32)) {
        /* A zero slot is not stored: the proof must show absence (EIP-1186). */
        if (rc == ZK_ERR_NOTFOUND)
            rc = ZK_OK;
        else if (rc == ZK_OK || rc == ZK_ERR_RANGE)
            rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                         "storageProof[%zu]: the slot holds a value, but the answer says 0", idx);
        else
            rc = zk_fail_wrap(err, ZK_ERR_REJECTED, "storageProof[%zu]", idx);
        goto out;
    }
    if (rc == ZK_ERR_NOTFOUND) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "storageProof[%zu]: the slot is proven empty, but the answer gives a value",
                     idx);
        goto out;
    }
    if (rc == ZK_ERR_RANGE) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED, "storageProof[%zu]: leaf of %zu bytes is not a word",
                     idx, leaf_len);
        goto out;
    }
    if (rc) {
        rc = zk_fail_wrap(err, ZK_ERR_REJECTED, "storageProof[%zu]", idx);
        goto out;
    }
    /* The leaf is RLP of the value's minimal big-endian bytes. */
    buf_init(&want, 0);
    rc = rlp_encode_uint_be(&want, value, 32);
    if (rc == ZK_OK && (want.len != leaf_len || memcmp(want.data, leaf, leaf_len) != 0))
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "storageProof[%zu]: the proven value differs from the answer's", idx);
    buf_clear(&want);
out:
    mpt_proof_clear(&proof);
    return rc;
}

int state_proof_verify(const uint8_t state_root[32], const json_t *get_proof_result, zk_errbuf *err)
{
    account a;
    mpt_proof proof;
    bool exists = false;
    int rc = account_from_json(&a, get_proof_result, err);
    if (rc) return rc;
    const json_t *slots = json_object_get(get_proof_result, "storageProof");
    if (!json_is_array(slots))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "field \"storageProof\" is not an array");
    if (json_array_size(slots) > STATE_PROOF_MAX_SLOTS)
        return ZK_FAIL(err, ZK_ERR_RANGE, "%zu storage proofs exceed the limit of %d",
                       json_array_size(slots), STATE_PROOF_MAX_SLOTS);

    mpt_proof_init(&proof);
    rc = proof_from_json(&proof, json_object_get(get_proof_result, "accountProof"), "accountProof",
                         err);
    if (rc == ZK_OK) rc = verify_account(&exists, state_root, &a, &proof, err);
    mpt_proof_clear(&proof);
    if (rc) return rc;

    /* An absent account has an empty storage trie, whatever hash the answer wrote. */
    const uint8_t *storage_root = exists ? a.storage_hash : MPT_EMPTY_ROOT;
    size_t i;
    const json_t *sp;
    json_array_foreach(slots, i, sp)
    {
        if ((rc = verify_slot(storage_root, sp, i, err)) != ZK_OK) return rc;
    }
    return ZK_OK;
}
