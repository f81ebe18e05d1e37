/* Merkle-Patricia proofs: the node list container and the verifier for proofs
 * received from the network. Every node is untrusted until its hash matched the
 * reference held by an already-verified parent (or the root). */
#include "mpt.h"

#include <stdlib.h>
#include <string.h>

#include "keccak.h"
#include "rlp.h"

const uint8_t MPT_EMPTY_ROOT[32] = {
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
};

void mpt_proof_init(mpt_proof *proof)
{
    memset(proof, 0, sizeof(*proof));
}

void mpt_proof_clear(mpt_proof *proof)
{
    for (size_t i = 0; i < proof->n; i++)
        free(proof->nodes[i]);
    free(proof->nodes);
    free(proof->lens);
    mpt_proof_init(proof);
}

int mpt_proof_add(mpt_proof *proof, const uint8_t *node, size_t len)
{
    if (proof->n >= MPT_PROOF_MAX_NODES || len > MPT_NODE_MAX_LEN) return ZK_ERR_RANGE;
    if (proof->n == proof->cap) {
        size_t cap = proof->cap ? 2 * proof->cap : 8;
        uint8_t **nodes = realloc(proof->nodes, cap * sizeof(*nodes));
        if (!nodes) return ZK_ERR_NOMEM;
        proof->nodes = nodes;
        size_t *lens = realloc(proof->lens, cap * sizeof(*lens));
        if (!lens) return ZK_ERR_NOMEM;
        proof->lens = lens;
        proof->cap = cap;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return ZK_ERR_NOMEM;
    if (len) memcpy(copy, node, len);
    proof->nodes[proof->n] = copy;
    proof->lens[proof->n] = len;
    proof->n++;
    return ZK_OK;
}

/* Decodes a hex-prefix path (appendix C) into nibbles.
 * Out: nib (2 * MPT_MAX_KEY_LEN + 1 nibbles at most), *n, *leaf. */
static int hp_decode(uint8_t *nib, size_t *n, bool *leaf, const rlp_item *it, size_t node_idx,
                     zk_errbuf *err)
{
    if (it->is_list || it->payload_len == 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: node %zu: path is not a non-empty string",
                       node_idx);
    if (it->payload_len > MPT_MAX_KEY_LEN + 1)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: node %zu: path of %zu bytes is too long",
                       node_idx, it->payload_len);
    uint8_t flag = it->payload[0] >> 4;
    if (flag > 3)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: node %zu: bad hex-prefix flag %u",
                       node_idx, flag);
    size_t o = 0;
    if (flag & 1)
        nib[o++] = it->payload[0] & 15;
    else if ((it->payload[0] & 15) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "mpt proof: node %zu: even hex-prefix path with a non-zero pad nibble",
                       node_idx);
    for (size_t i = 1; i < it->payload_len; i++) {
        nib[o++] = it->payload[i] >> 4;
        nib[o++] = it->payload[i] & 15;
    }
    *n = o;
    *leaf = (flag & 2) != 0;
    return ZK_OK;
}

/* A child reference is empty (no child), a 32-byte hash, or an embedded node:
 * a list whose encoding is shorter than 32 bytes. Anything else is malformed. */
static bool is_wellformed_ref(const rlp_item *r)
{
    if (r->is_list) return r->raw_len < 32;
    return r->payload_len == 0 || r->payload_len == 32;
}

int mpt_verify_proof(uint8_t *value_out, size_t *value_len, const uint8_t root[32],
                     const uint8_t *key, size_t key_len, const mpt_proof *proof, zk_errbuf *err)
{
    uint8_t nib[2 * MPT_MAX_KEY_LEN], path[2 * MPT_MAX_KEY_LEN + 2];
    uint8_t h[32];
    size_t cap = *value_len;
    if (key_len > MPT_MAX_KEY_LEN)
        return ZK_FAIL(err, ZK_ERR_RANGE, "mpt proof: key of %zu bytes exceeds %d", key_len,
                       MPT_MAX_KEY_LEN);
    if (proof->n > MPT_PROOF_MAX_NODES)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: %zu nodes exceed the limit of %d",
                       proof->n, MPT_PROOF_MAX_NODES);
    for (size_t i = 0; i < key_len; i++) {
        nib[2 * i] = key[i] >> 4;
        nib[2 * i + 1] = key[i] & 15;
    }
    const size_t nkey = 2 * key_len;

    if (proof->n == 0) {
        if (memcmp(root, MPT_EMPTY_ROOT, 32) == 0) return ZK_ERR_NOTFOUND;
        return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: empty proof for a non-empty trie");
    }
    if (proof->lens[0] > MPT_NODE_MAX_LEN)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: node 0 of %zu bytes is too large",
                       proof->lens[0]);
    keccak256(h, proof->nodes[0], proof->lens[0]);
    if (memcmp(h, root, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: node 0 does not hash to the root");

    const uint8_t *node = proof->nodes[0];
    size_t node_len = proof->lens[0], node_idx = 0, next = 1, pos = 0;
    if (proof->n == 1 && node_len == 1 && node[0] == 0x80) return ZK_ERR_NOTFOUND; /* empty trie */

    /* Each pass consumes at least one key nibble or ends the walk, so the loop
     * runs at most nkey + 1 times. */
    for (;;) {
        rlp_item it, items[17];
        size_t cnt = 17;
        const rlp_item *ref = NULL, *value = NULL;
        bool absent = false;
        zk_errbuf sub = {{0}, 0};
        if (rlp_decode(&it, node, node_len, &sub) != ZK_OK)
            return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: node %zu: bad RLP: %s", node_idx,
                           sub.msg);
        if (!it.is_list || rlp_list_items(items, &cnt, &it, &sub) != ZK_OK ||
            (cnt != 2 && cnt != 17))
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "mpt proof: node %zu: not a branch (17 items) or a leaf/extension (2)",
                           node_idx);
        if (cnt == 17) {
            for (int i = 0; i < 16; i++)
                if (!is_wellformed_ref(&items[i]))
                    return ZK_FAIL(err, ZK_ERR_REJECTED,
                                   "mpt proof: node %zu: branch slot %d is not a valid reference",
                                   node_idx, i);
            if (items[16].is_list)
                return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: node %zu: branch value is a list",
                               node_idx);
            if (pos == nkey) {
                value = &items[16];
                absent = value->payload_len == 0;
            } else {
                ref = &items[nib[pos++]];
            }
        } else {
            size_t plen = 0;
            bool leaf = false;
            int rc = hp_decode(path, &plen, &leaf, &items[0], node_idx, err);
            if (rc) return rc;
            bool match = plen <= nkey - pos && memcmp(path, nib + pos, plen) == 0;
            if (leaf) {
                if (items[1].is_list || items[1].payload_len == 0)
                    return ZK_FAIL(err, ZK_ERR_REJECTED,
                                   "mpt proof: node %zu: leaf value is not a non-empty string",
                                   node_idx);
                /* A leaf whose path differs from the rest of the key proves absence. */
                value = &items[1];
                absent = !(match && plen == nkey - pos);
            } else {
                if (plen == 0 || !is_wellformed_ref(&items[1]) ||
                    (!items[1].is_list && items[1].payload_len == 0))
                    return ZK_FAIL(err, ZK_ERR_REJECTED, "mpt proof: node %zu: malformed extension",
                                   node_idx);
                if (match) {
                    pos += plen;
                    ref = &items[1];
                } else {
                    absent = true; /* the key leaves the extension's path */
                }
            }
        }
        if (ref && !ref->is_list && ref->payload_len == 0) absent = true; /* empty branch slot */

        if (absent || value) {
            /* The walk ended: every node supplied must have been used. */
            if (next != proof->n)
                return ZK_FAIL(err, ZK_ERR_REJECTED,
                               "mpt proof: %zu extra node(s) after the end of the path",
                               proof->n - next);
            if (absent) return ZK_ERR_NOTFOUND;
            *value_len = value->payload_len;
            if (value->payload_len > cap)
                return ZK_FAIL(err, ZK_ERR_RANGE, "mpt proof: value of %zu bytes exceeds %zu",
                               value->payload_len, cap);
            memcpy(value_out, value->payload, value->payload_len);
            return ZK_OK;
        }
        if (ref->is_list) {
            /* Embedded child: its bytes are inside the node just verified. */
            node = ref->raw;
            node_len = ref->raw_len;
            continue;
        }
        if (next >= proof->n)
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "mpt proof: ends after %zu node(s) before the key's path does", next);
        if (proof->lens[next] < 32 || proof->lens[next] > MPT_NODE_MAX_LEN)
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "mpt proof: node %zu of %zu bytes cannot be a hashed node", next,
                           proof->lens[next]);
        keccak256(h, proof->nodes[next], proof->lens[next]);
        if (memcmp(h, ref->payload, 32) != 0)
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "mpt proof: node %zu does not hash to the reference in node %zu", next,
                           node_idx);
        node = proof->nodes[next];
        node_len = proof->lens[next];
        node_idx = next++;
    }
}
