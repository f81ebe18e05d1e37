/* The in-memory Merkle-Patricia trie: insert, delete, lookup, root and proof
 * generation (Yellow Paper, appendix D). The verifier for untrusted proofs is
 * in mpt_proof.c.
 *
 * Invariants kept after every update (they make the shape, and so the root,
 * a function of the key set alone):
 *  - an extension has a non-empty path and its child is a branch;
 *  - a branch has at least two entries (children plus its value);
 *  - leaf and branch values are non-empty. */
#include "mpt.h"

#include <stdlib.h>
#include <string.h>

#include "keccak.h"
#include "rlp.h"

enum mpt_kind { MPT_LEAF, MPT_EXT, MPT_BRANCH };

struct mpt_node {
    enum mpt_kind kind;
    uint8_t *path; /* nibbles, one per byte (leaf, extension) */
    size_t path_len;
    uint8_t *value; /* leaf value, or branch value (NULL = none) */
    size_t value_len;
    mpt_node *child;        /* extension */
    mpt_node *children[16]; /* branch */
    uint8_t *enc;           /* cached RLP of the node, NULL when stale */
    size_t enc_len;
    uint8_t hash[32]; /* keccak256(enc), valid while enc is */
};

static void node_invalidate(mpt_node *nd)
{
    free(nd->enc);
    nd->enc = NULL;
    nd->enc_len = 0;
}

static void node_free(mpt_node *nd)
{
    if (!nd) return;
    node_free(nd->child);
    for (int i = 0; i < 16; i++)
        node_free(nd->children[i]);
    free(nd->path);
    free(nd->value);
    free(nd->enc);
    free(nd);
}

static uint8_t *mem_dup(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

/* A leaf with a copy of path and value, or NULL when out of memory. */
static mpt_node *leaf_new(const uint8_t *path, size_t path_len, const uint8_t *value,
                          size_t value_len)
{
    mpt_node *nd = calloc(1, sizeof(*nd));
    if (!nd) return NULL;
    nd->kind = MPT_LEAF;
    nd->path = mem_dup(path, path_len);
    nd->value = mem_dup(value, value_len);
    if (!nd->path || !nd->value) {
        node_free(nd);
        return NULL;
    }
    nd->path_len = path_len;
    nd->value_len = value_len;
    return nd;
}

static size_t common_prefix(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t i = 0;
    while (i < an && i < bn && a[i] == b[i])
        i++;
    return i;
}

static size_t key_to_nibbles(uint8_t *nib, const uint8_t *key, size_t key_len)
{
    for (size_t i = 0; i < key_len; i++) {
        nib[2 * i] = key[i] >> 4;
        nib[2 * i + 1] = key[i] & 15;
    }
    return 2 * key_len;
}

/* Splits the leaf or extension *slot, whose path shares exactly c < path_len
 * nibbles with nib[0..n) (or c == path_len < n for a leaf), into
 * [extension nib[0..c)] -> branch holding the old node's rest and the new value.
 * Every allocation happens before the trie is touched, so on ZK_ERR_NOMEM the
 * trie is unchanged. */
static int node_split(mpt_node **slot, size_t c, const uint8_t *nib, size_t n, const uint8_t *value,
                      size_t value_len)
{
    mpt_node *old = *slot;
    mpt_node *br = calloc(1, sizeof(*br));
    mpt_node *ext = NULL, *leaf = NULL;
    uint8_t *vcopy = NULL;
    if (!br) goto nomem;
    br->kind = MPT_BRANCH;
    if (c > 0) {
        ext = calloc(1, sizeof(*ext));
        if (!ext || !(ext->path = mem_dup(nib, c))) goto nomem;
        ext->kind = MPT_EXT;
        ext->path_len = c;
    }
    if (n > c) {
        if (!(leaf = leaf_new(nib + c + 1, n - c - 1, value, value_len))) goto nomem;
    } else if (!(vcopy = mem_dup(value, value_len))) {
        goto nomem;
    }

    /* Nothing below can fail. */
    if (leaf)
        br->children[nib[c]] = leaf;
    else {
        br->value = vcopy;
        br->value_len = value_len;
    }
    if (old->path_len == c) {
        /* Only a leaf ends exactly here (an extension that matched in full is
         * descended into, never split): its value moves into the branch. */
        br->value = old->value;
        br->value_len = old->value_len;
        old->value = NULL;
        node_free(old);
    } else {
        uint8_t at = old->path[c];
        size_t rest = old->path_len - c - 1;
        if (old->kind == MPT_EXT && rest == 0) {
            br->children[at] = old->child;
            old->child = NULL;
            node_free(old);
        } else {
            memmove(old->path, old->path + c + 1, rest);
            old->path_len = rest;
            node_invalidate(old);
            br->children[at] = old;
        }
    }
    if (ext) {
        ext->child = br;
        *slot = ext;
    } else {
        *slot = br;
    }
    return ZK_OK;
nomem:
    node_free(br);
    node_free(ext);
    node_free(leaf);
    free(vcopy);
    return ZK_ERR_NOMEM;
}

static int node_set_value(mpt_node *nd, const uint8_t *value, size_t value_len)
{
    uint8_t *v = mem_dup(value, value_len);
    if (!v) return ZK_ERR_NOMEM;
    free(nd->value);
    nd->value = v;
    nd->value_len = value_len;
    return ZK_OK;
}

static int node_insert(mpt_node **slot, const uint8_t *nib, size_t n, const uint8_t *value,
                       size_t value_len, bool *added)
{
    mpt_node *nd = *slot;
    if (!nd) {
        if (!(*slot = leaf_new(nib, n, value, value_len))) return ZK_ERR_NOMEM;
        *added = true;
        return ZK_OK;
    }
    node_invalidate(nd);
    if (nd->kind == MPT_BRANCH) {
        if (n == 0) {
            *added = nd->value == NULL;
            return node_set_value(nd, value, value_len);
        }
        return node_insert(&nd->children[nib[0]], nib + 1, n - 1, value, value_len, added);
    }
    size_t c = common_prefix(nd->path, nd->path_len, nib, n);
    if (nd->kind == MPT_LEAF && c == nd->path_len && c == n)
        return node_set_value(nd, value, value_len);
    if (nd->kind == MPT_EXT && c == nd->path_len)
        return node_insert(&nd->child, nib + c, n - c, value, value_len, added);
    *added = true;
    return node_split(slot, c, nib, n, value, value_len);
}

/* Puts the nibbles pre[0..pre_len) in front of nd's path (leaf or extension). */
static int path_prepend(mpt_node *nd, const uint8_t *pre, size_t pre_len)
{
    uint8_t *p = realloc(nd->path, nd->path_len + pre_len);
    if (!p) return ZK_ERR_NOMEM;
    memmove(p + pre_len, p, nd->path_len);
    memcpy(p, pre, pre_len);
    nd->path = p;
    nd->path_len += pre_len;
    node_invalidate(nd);
    return ZK_OK;
}

/* Restores the invariants of the branch *slot after one of its entries went. */
static int branch_normalize(mpt_node **slot)
{
    mpt_node *br = *slot;
    int entries = br->value ? 1 : 0, last = -1;
    for (int i = 0; i < 16; i++)
        if (br->children[i]) {
            entries++;
            last = i;
        }
    if (entries >= 2) return ZK_OK;
    if (entries == 0) {
        node_free(br);
        *slot = NULL;
        return ZK_OK;
    }
    if (last < 0) {
        /* Only the value is left: the branch becomes a leaf with an empty path. */
        uint8_t *p = mem_dup(NULL, 0);
        if (!p) return ZK_ERR_NOMEM;
        br->kind = MPT_LEAF;
        br->path = p;
        br->path_len = 0;
        return ZK_OK;
    }
    mpt_node *ch = br->children[last];
    uint8_t at = (uint8_t)last;
    if (ch->kind == MPT_BRANCH) {
        uint8_t *p = mem_dup(&at, 1);
        if (!p) return ZK_ERR_NOMEM;
        br->kind = MPT_EXT;
        br->path = p;
        br->path_len = 1;
        br->children[last] = NULL;
        br->child = ch;
        return ZK_OK;
    }
    int rc = path_prepend(ch, &at, 1);
    if (rc) return rc;
    br->children[last] = NULL;
    node_free(br);
    *slot = ch;
    return ZK_OK;
}

static int node_remove(mpt_node **slot, const uint8_t *nib, size_t n, bool *removed)
{
    mpt_node *nd = *slot;
    if (!nd) return ZK_OK;
    if (nd->kind == MPT_LEAF) {
        if (nd->path_len == n && memcmp(nd->path, nib, n) == 0) {
            node_free(nd);
            *slot = NULL;
            *removed = true;
        }
        return ZK_OK;
    }
    if (nd->kind == MPT_BRANCH) {
        if (n == 0) {
            if (!nd->value) return ZK_OK;
            free(nd->value);
            nd->value = NULL;
            nd->value_len = 0;
            *removed = true;
        } else {
            int rc = node_remove(&nd->children[nib[0]], nib + 1, n - 1, removed);
            if (rc || !*removed) return rc;
        }
        node_invalidate(nd);
        return branch_normalize(slot);
    }
    /* Extension. */
    if (n < nd->path_len || memcmp(nd->path, nib, nd->path_len) != 0) return ZK_OK;
    int rc = node_remove(&nd->child, nib + nd->path_len, n - nd->path_len, removed);
    if (rc || !*removed) return rc;
    node_invalidate(nd);
    mpt_node *ch = nd->child;
    if (!ch) {
        node_free(nd);
        *slot = NULL;
        return ZK_OK;
    }
    if (ch->kind == MPT_BRANCH) return ZK_OK;
    /* The branch below collapsed into a leaf or extension: absorb our path. */
    rc = path_prepend(ch, nd->path, nd->path_len);
    if (rc) return rc;
    nd->child = NULL;
    node_free(nd);
    *slot = ch;
    return ZK_OK;
}

void mpt_init(mpt_trie *t)
{
    t->root = NULL;
    t->count = 0;
}

void mpt_clear(mpt_trie *t)
{
    node_free(t->root);
    mpt_init(t);
}

int mpt_delete(mpt_trie *t, const uint8_t *key, size_t key_len, zk_errbuf *err)
{
    uint8_t nib[2 * MPT_MAX_KEY_LEN];
    if (key_len > MPT_MAX_KEY_LEN)
        return ZK_FAIL(err, ZK_ERR_RANGE, "mpt: key of %zu bytes exceeds %d", key_len,
                       MPT_MAX_KEY_LEN);
    size_t n = key_to_nibbles(nib, key, key_len);
    bool removed = false;
    int rc = node_remove(&t->root, nib, n, &removed);
    if (removed) t->count--;
    if (rc) return ZK_FAIL(err, rc, "mpt: out of memory deleting a key");
    return ZK_OK;
}

int mpt_put(mpt_trie *t, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len,
            zk_errbuf *err)
{
    uint8_t nib[2 * MPT_MAX_KEY_LEN];
    if (value_len == 0) return mpt_delete(t, key, key_len, err);
    if (key_len > MPT_MAX_KEY_LEN)
        return ZK_FAIL(err, ZK_ERR_RANGE, "mpt: key of %zu bytes exceeds %d", key_len,
                       MPT_MAX_KEY_LEN);
    size_t n = key_to_nibbles(nib, key, key_len);
    bool added = false;
    int rc = node_insert(&t->root, nib, n, value, value_len, &added);
    if (rc) return ZK_FAIL(err, rc, "mpt: out of memory inserting a key");
    if (added) t->count++;
    return ZK_OK;
}

/* Follows nib[0..n) from the root; returns the node holding the value, or NULL.
 * When visit is non-NULL it is called for every node on the path, root first. */
static mpt_node *node_walk(mpt_node *nd, const uint8_t *nib, size_t n,
                           int (*visit)(void *, mpt_node *), void *ctx, int *rc)
{
    while (nd) {
        if (visit && (*rc = visit(ctx, nd)) != ZK_OK) return NULL;
        if (nd->kind == MPT_LEAF)
            return (nd->path_len == n && memcmp(nd->path, nib, n) == 0) ? nd : NULL;
        if (nd->kind == MPT_BRANCH) {
            if (n == 0) return nd->value ? nd : NULL;
            nd = nd->children[nib[0]];
            nib++;
            n--;
            continue;
        }
        if (n < nd->path_len || memcmp(nd->path, nib, nd->path_len) != 0) return NULL;
        nib += nd->path_len;
        n -= nd->path_len;
        nd = nd->child;
    }
    return NULL;
}

int mpt_get(const uint8_t **value, size_t *value_len, const mpt_trie *t, const uint8_t *key,
            size_t key_len)
{
    uint8_t nib[2 * MPT_MAX_KEY_LEN];
    if (key_len > MPT_MAX_KEY_LEN) return ZK_ERR_NOTFOUND;
    size_t n = key_to_nibbles(nib, key, key_len);
    int rc = ZK_OK;
    const mpt_node *nd = node_walk(t->root, nib, n, NULL, NULL, &rc);
    if (!nd) return ZK_ERR_NOTFOUND;
    *value = nd->value;
    *value_len = nd->value_len;
    return ZK_OK;
}

/* ---- encoding ---- */

/* Hex-prefix encoding (appendix C): flag nibble 2 for a leaf, +1 for an odd
 * path, whose first nibble then shares the flag's byte. */
static int hp_encode(zk_buf *b, const uint8_t *path, size_t n, bool leaf)
{
    uint8_t hp[MPT_MAX_KEY_LEN + 1];
    size_t o = 0, i = 0;
    uint8_t flag = (uint8_t)((leaf ? 2 : 0) + (n & 1));
    if (n & 1)
        hp[o++] = (uint8_t)(flag << 4 | path[i++]);
    else
        hp[o++] = (uint8_t)(flag << 4);
    for (; i < n; i += 2)
        hp[o++] = (uint8_t)(path[i] << 4 | path[i + 1]);
    return rlp_encode_bytes(b, hp, o);
}

static int node_encode(mpt_node *nd);

/* Appends ref(child): the child's RLP when shorter than 32 bytes, else its hash. */
static int ref_encode(zk_buf *b, mpt_node *ch)
{
    if (!ch) return rlp_encode_bytes(b, NULL, 0);
    int rc = node_encode(ch);
    if (rc) return rc;
    if (ch->enc_len < 32) return rlp_encode_raw(b, ch->enc, ch->enc_len);
    return rlp_encode_bytes(b, ch->hash, 32);
}

/* Fills nd->enc (and nd->hash) unless cached, children first. */
static int node_encode(mpt_node *nd)
{
    if (nd->enc) return ZK_OK;
    zk_buf b;
    size_t mark;
    int rc = ZK_OK;
    buf_init(&b, 0);
    rlp_list_begin(&b, &mark);
    if (nd->kind == MPT_BRANCH) {
        for (int i = 0; i < 16; i++) {
            if ((rc = ref_encode(&b, nd->children[i])) != ZK_OK) goto out;
        }
        rc = rlp_encode_bytes(&b, nd->value, nd->value_len);
    } else if (nd->kind == MPT_LEAF) {
        if ((rc = hp_encode(&b, nd->path, nd->path_len, true)) != ZK_OK) goto out;
        rc = rlp_encode_bytes(&b, nd->value, nd->value_len);
    } else {
        if ((rc = hp_encode(&b, nd->path, nd->path_len, false)) != ZK_OK) goto out;
        rc = ref_encode(&b, nd->child);
    }
    if (rc == ZK_OK) rc = rlp_list_end(&b, mark);
out:
    if (rc != ZK_OK) {
        buf_clear(&b);
        return rc;
    }
    nd->enc = b.data;
    nd->enc_len = b.len;
    keccak256(nd->hash, nd->enc, nd->enc_len);
    return ZK_OK;
}

int mpt_root(uint8_t root[32], mpt_trie *t, zk_errbuf *err)
{
    if (!t->root) {
        memcpy(root, MPT_EMPTY_ROOT, 32);
        return ZK_OK;
    }
    int rc = node_encode(t->root);
    if (rc) return ZK_FAIL(err, rc, "mpt: cannot encode the trie (%s)", zk_strerror(rc));
    memcpy(root, t->root->hash, 32);
    return ZK_OK;
}

typedef struct prove_ctx {
    mpt_proof *proof;
    bool first;
} prove_ctx;

/* Adds the root, and every node referenced by hash; embedded nodes travel
 * inside their parent, as geth's trie.Prove writes them. */
static int prove_visit(void *vctx, mpt_node *nd)
{
    prove_ctx *ctx = vctx;
    int rc = node_encode(nd);
    if (rc) return rc;
    bool add = ctx->first || nd->enc_len >= 32;
    ctx->first = false;
    return add ? mpt_proof_add(ctx->proof, nd->enc, nd->enc_len) : ZK_OK;
}

int mpt_prove(mpt_proof *proof, mpt_trie *t, const uint8_t *key, size_t key_len, zk_errbuf *err)
{
    uint8_t nib[2 * MPT_MAX_KEY_LEN];
    if (key_len > MPT_MAX_KEY_LEN)
        return ZK_FAIL(err, ZK_ERR_RANGE, "mpt: key of %zu bytes exceeds %d", key_len,
                       MPT_MAX_KEY_LEN);
    size_t n = key_to_nibbles(nib, key, key_len);
    prove_ctx ctx = {proof, true};
    int rc = ZK_OK;
    (void)node_walk(t->root, nib, n, prove_visit, &ctx, &rc);
    if (rc) return ZK_FAIL(err, rc, "mpt: cannot build the proof (%s)", zk_strerror(rc));
    return ZK_OK;
}

/* ---- ordered lists ---- */

size_t mpt_index_key(uint8_t key[9], uint64_t index)
{
    /* RLP of an integer: 0 is the empty string 0x80, 1..127 a single byte,
     * larger values 0x80+len followed by the minimal big-endian bytes. */
    if (index == 0) {
        key[0] = 0x80;
        return 1;
    }
    if (index < 0x80) {
        key[0] = (uint8_t)index;
        return 1;
    }
    size_t len = be_uint_minimal(key + 1, index);
    key[0] = (uint8_t)(0x80 + len);
    return len + 1;
}

static int list_build(mpt_trie *t, const uint8_t *const *values, const size_t *value_lens, size_t n,
                      zk_errbuf *err)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t key[9];
        size_t kl = mpt_index_key(key, i);
        if (value_lens[i] == 0)
            return ZK_FAIL(err, ZK_ERR_RANGE, "mpt: list element %zu is empty", i);
        int rc = mpt_put(t, key, kl, values[i], value_lens[i], err);
        if (rc) return rc;
    }
    return ZK_OK;
}

int mpt_root_of_list(uint8_t root[32], const uint8_t *const *values, const size_t *value_lens,
                     size_t n, zk_errbuf *err)
{
    mpt_trie t;
    mpt_init(&t);
    int rc = list_build(&t, values, value_lens, n, err);
    if (rc == ZK_OK) rc = mpt_root(root, &t, err);
    mpt_clear(&t);
    return rc;
}

int mpt_prove_index(mpt_proof *proof, const uint8_t *const *values, const size_t *value_lens,
                    size_t n, size_t index, zk_errbuf *err)
{
    if (index >= n)
        return ZK_FAIL(err, ZK_ERR_RANGE, "mpt: index %zu is past the list's %zu elements", index,
                       n);
    mpt_trie t;
    mpt_init(&t);
    int rc = list_build(&t, values, value_lens, n, err);
    if (rc == ZK_OK) {
        uint8_t key[9];
        size_t kl = mpt_index_key(key, index);
        rc = mpt_prove(proof, &t, key, kl, err);
    }
    mpt_clear(&t);
    return rc;
}
