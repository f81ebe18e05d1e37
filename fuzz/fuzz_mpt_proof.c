/* libFuzzer harness: Merkle-Patricia proofs (lightclient/mpt.h).
 *
 * Input layout (all lengths big-endian):
 *   u8 mode
 *   mode bit 1 clear: proof verification of untrusted nodes
 *     root[32], u8 key_len, key[key_len], then nodes as (u16 len, node[len])...
 *     With mode bit 0 set the root is replaced by keccak256(node 0), so the
 *     fuzzer reaches past the root hash check without inverting Keccak.
 *     mpt_verify_proof must answer; when it accepts, asking again with exactly
 *     the value's length must give the same value, and a capacity too small
 *     must give ZK_ERR_RANGE with the length needed.
 *   mode bit 1 set: the in-memory trie against its own proofs
 *     (u8 key_len, key, u8 value_len, value)... : each entry is put (an empty
 *     value deletes); then for every key, mpt_get and verifying mpt_prove's
 *     proof against mpt_root must agree (same value, or both absent). */
#include "fuzz/fuzz.h"

#include <string.h>

#include "lightclient/bytes.h"
#include "lightclient/keccak.h"
#include "lightclient/mpt.h"

/* Verifies key against root with proof and checks the value-length protocol.
 * Out: *rc the first call's status; value[0..*value_len) when it is ZK_OK. */
static bool fuzz_mpt_verify(int *rc, uint8_t *value, size_t *value_len, size_t cap,
                            const uint8_t root[32], const uint8_t *key, size_t key_len,
                            const mpt_proof *proof)
{
    bool ok = true;
    *value_len = cap;
    *rc = mpt_verify_proof(value, value_len, root, key, key_len, proof, NULL);
    if (*rc == ZK_OK) {
        uint8_t *again = malloc(*value_len ? *value_len : 1);
        size_t n = *value_len;
        if (!again) return true;
        FUZZ_EXPECT(ok, mpt_verify_proof(again, &n, root, key, key_len, proof, NULL) == ZK_OK);
        FUZZ_EXPECT(ok, n == *value_len && memcmp(again, value, n) == 0);
        if (n > 0) {
            size_t small = n - 1;
            FUZZ_EXPECT(ok, mpt_verify_proof(again, &small, root, key, key_len, proof, NULL) ==
                                ZK_ERR_RANGE);
            FUZZ_EXPECT(ok, small == n);
        }
        free(again);
    } else if (*rc == ZK_ERR_RANGE && key_len <= MPT_MAX_KEY_LEN) {
        /* The value did not fit: a second call with the length given must succeed. */
        size_t need = *value_len, n = need;
        uint8_t *big = malloc(need ? need : 1);
        if (!big) return true;
        FUZZ_EXPECT(ok, need > cap);
        FUZZ_EXPECT(ok, mpt_verify_proof(big, &n, root, key, key_len, proof, NULL) == ZK_OK);
        FUZZ_EXPECT(ok, n == need);
        free(big);
    }
    return ok;
}

static bool fuzz_mpt_untrusted(zk_cursor c, bool root_from_node0)
{
    bool ok = true;
    const uint8_t *root, *key, *node;
    uint8_t k_len, value[64], root_buf[32];
    size_t value_len;
    mpt_proof proof;
    int rc;

    if (cur_take(&c, &root, 32) || cur_u8(&c, &k_len) || cur_take(&c, &key, k_len)) return true;
    mpt_proof_init(&proof);
    while (c.len >= 2) {
        uint64_t n;
        if (cur_be_uint(&c, &n, 2) || cur_take(&c, &node, (size_t)n)) break;
        if (mpt_proof_add(&proof, node, (size_t)n) != ZK_OK) break;
    }
    if (root_from_node0 && proof.n > 0) {
        keccak256(root_buf, proof.nodes[0], proof.lens[0]);
        root = root_buf;
    }
    ok = fuzz_mpt_verify(&rc, value, &value_len, sizeof(value), root, key, k_len, &proof);
    mpt_proof_clear(&proof);
    return ok;
}

#define FUZZ_MPT_MAX_KEYS 64

static bool fuzz_mpt_trie(zk_cursor c)
{
    bool ok = true;
    const uint8_t *keys[FUZZ_MPT_MAX_KEYS];
    uint8_t key_lens[FUZZ_MPT_MAX_KEYS], root[32];
    size_t n_keys = 0;
    mpt_trie t;

    mpt_init(&t);
    while (n_keys < FUZZ_MPT_MAX_KEYS) {
        const uint8_t *k, *v;
        uint8_t kl, vl;
        if (cur_u8(&c, &kl) || cur_take(&c, &k, kl) || cur_u8(&c, &vl) || cur_take(&c, &v, vl))
            break;
        /* An allocation failure leaves the trie unusable (see mpt_delete): stop there. */
        if (mpt_put(&t, k, kl, v, vl, NULL) != ZK_OK) goto out;
        keys[n_keys] = k;
        key_lens[n_keys++] = kl;
    }
    if (mpt_root(root, &t, NULL) != ZK_OK) goto out;
    for (size_t i = 0; i < n_keys; i++) {
        const uint8_t *stored;
        size_t stored_len, got_len;
        uint8_t got[255];
        int rc;
        mpt_proof proof;
        mpt_proof_init(&proof);
        int grc = mpt_get(&stored, &stored_len, &t, keys[i], key_lens[i]);
        if (mpt_prove(&proof, &t, keys[i], key_lens[i], NULL) == ZK_OK) {
            if (!fuzz_mpt_verify(&rc, got, &got_len, sizeof(got), root, keys[i], key_lens[i],
                                 &proof))
                ok = false;
            if (grc == ZK_OK) {
                FUZZ_EXPECT(ok, rc == ZK_OK);
                if (rc == ZK_OK)
                    FUZZ_EXPECT(ok, got_len == stored_len && memcmp(got, stored, got_len) == 0);
            } else {
                FUZZ_EXPECT(ok, grc == ZK_ERR_NOTFOUND && rc == ZK_ERR_NOTFOUND);
            }
        }
        mpt_proof_clear(&proof);
    }
out:
    mpt_clear(&t);
    return ok;
}

static bool fuzz_mpt_proof_check(const uint8_t *data, size_t size)
{
    zk_cursor c = cur_make(data, size);
    uint8_t mode;
    if (cur_u8(&c, &mode)) return true;
    if (mode & 2) return fuzz_mpt_trie(c);
    return fuzz_mpt_untrusted(c, (mode & 1) != 0);
}

FUZZ_ENTRY(fuzz_mpt_proof_check)
