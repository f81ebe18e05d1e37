/* Merkle-Patricia trie: ethereum/tests TrieTests (every case, plain and secure),
 * proofs of every key of every vector trie, forged proofs, and random tries
 * checked against an independent naive builder that derives the root from the
 * sorted key set alone. */
#include "harness.h"

#include "lightclient/hex.h"
#include "lightclient/keccak.h"
#include "lightclient/mpt.h"
#include "lightclient/rlp.h"

/* ---- vector helpers ---- */

/* TrieTests strings: "0x..." is hex, anything else its raw bytes. */
static bool vec_bytes(uint8_t **out, size_t *len, const json_t *v)
{
    const char *s = json_string_value(v);
    if (!s) return false;
    size_t n = json_string_length(v);
    if (n >= 2 && s[0] == '0' && s[1] == 'x') return hex_decode_alloc(out, len, s, NULL) == ZK_OK;
    *out = malloc(n ? n : 1);
    if (!*out) return false;
    memcpy(*out, s, n);
    *len = n;
    return true;
}

/* A simple map of the keys the trie should hold, for proofs and the naive root. */
typedef struct kv {
    uint8_t *key;
    size_t key_len;
    uint8_t *val;
    size_t val_len;
} kv;

typedef struct kvset {
    kv *e;
    size_t n;
} kvset;

static kv *kvset_find(kvset *s, const uint8_t *k, size_t kl)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->e[i].key_len == kl && memcmp(s->e[i].key, k, kl) == 0) return &s->e[i];
    return NULL;
}

/* Mirrors Ethereum semantics: an empty value deletes. */
static void kvset_put(kvset *s, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    kv *e = kvset_find(s, k, kl);
    if (vl == 0) {
        if (e) {
            free(e->key);
            free(e->val);
            *e = s->e[--s->n];
        }
        return;
    }
    if (!e) {
        kv *ne = realloc(s->e, (s->n + 1) * sizeof(*ne));
        if (!ne) abort();
        s->e = ne;
        e = &s->e[s->n++];
        e->key = malloc(kl ? kl : 1);
        if (kl) memcpy(e->key, k, kl);
        e->key_len = kl;
    } else {
        free(e->val);
    }
    e->val = malloc(vl);
    memcpy(e->val, v, vl);
    e->val_len = vl;
}

static void kvset_clear(kvset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->e[i].key);
        free(s->e[i].val);
    }
    free(s->e);
    s->e = NULL;
    s->n = 0;
}

/* ---- the naive reference: root from the sorted key set, recursively ---- */

typedef struct nk {
    uint8_t nib[2 * MPT_MAX_KEY_LEN];
    size_t n;
    const uint8_t *val;
    size_t val_len;
} nk;

static int nk_cmp(const void *a, const void *b)
{
    const nk *x = a, *y = b;
    size_t m = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->nib, y->nib, m);
    if (c) return c;
    return (x->n > y->n) - (x->n < y->n);
}

static void naive_hp(zk_buf *b, const uint8_t *p, size_t n, bool leaf)
{
    uint8_t hp[MPT_MAX_KEY_LEN + 1];
    size_t o = 0, i = 0;
    if (n & 1)
        hp[o++] = (uint8_t)(((leaf ? 2 : 0) + 1) << 4 | p[i++]);
    else
        hp[o++] = (uint8_t)((leaf ? 2 : 0) << 4);
    for (; i < n; i += 2)
        hp[o++] = (uint8_t)(p[i] << 4 | p[i + 1]);
    CHECK_EQ_INT(rlp_encode_bytes(b, hp, o), ZK_OK);
}

static void naive_node(zk_buf *out, const nk *k, size_t cnt, size_t d);

static void naive_ref(zk_buf *out, const nk *k, size_t cnt, size_t d)
{
    if (cnt == 0) {
        CHECK_EQ_INT(rlp_encode_bytes(out, NULL, 0), ZK_OK);
        return;
    }
    zk_buf sub;
    buf_init(&sub, 0);
    naive_node(&sub, k, cnt, d);
    if (sub.len < 32) {
        CHECK_EQ_INT(rlp_encode_raw(out, sub.data, sub.len), ZK_OK);
    } else {
        uint8_t h[32];
        keccak256(h, sub.data, sub.len);
        CHECK_EQ_INT(rlp_encode_bytes(out, h, 32), ZK_OK);
    }
    buf_clear(&sub);
}

/* k[0..cnt) sorted, all sharing their first d nibbles. */
static void naive_node(zk_buf *out, const nk *k, size_t cnt, size_t d)
{
    size_t mark;
    rlp_list_begin(out, &mark);
    if (cnt == 1) {
        naive_hp(out, k[0].nib + d, k[0].n - d, true);
        CHECK_EQ_INT(rlp_encode_bytes(out, k[0].val, k[0].val_len), ZK_OK);
    } else {
        /* Sorted, so the first and last keys share the whole group's prefix. */
        size_t c = 0;
        while (d + c < k[0].n && d + c < k[cnt - 1].n && k[0].nib[d + c] == k[cnt - 1].nib[d + c])
            c++;
        if (c > 0) {
            naive_hp(out, k[0].nib + d, c, false);
            naive_ref(out, k, cnt, d + c);
        } else {
            size_t i = 0;
            const nk *val = NULL;
            if (k[0].n == d) val = &k[i++];
            for (uint8_t nb = 0; nb < 16; nb++) {
                size_t j = i;
                while (j < cnt && k[j].nib[d] == nb)
                    j++;
                naive_ref(out, k + i, j - i, d + 1);
                i = j;
            }
            CHECK_EQ_INT(rlp_encode_bytes(out, val ? val->val : NULL, val ? val->val_len : 0),
                         ZK_OK);
        }
    }
    CHECK_EQ_INT(rlp_list_end(out, mark), ZK_OK);
}

static void naive_root(uint8_t root[32], const kvset *s)
{
    if (s->n == 0) {
        memcpy(root, MPT_EMPTY_ROOT, 32);
        return;
    }
    nk *k = calloc(s->n, sizeof(*k));
    for (size_t i = 0; i < s->n; i++) {
        for (size_t j = 0; j < s->e[i].key_len; j++) {
            k[i].nib[2 * j] = s->e[i].key[j] >> 4;
            k[i].nib[2 * j + 1] = s->e[i].key[j] & 15;
        }
        k[i].n = 2 * s->e[i].key_len;
        k[i].val = s->e[i].val;
        k[i].val_len = s->e[i].val_len;
    }
    qsort(k, s->n, sizeof(*k), nk_cmp);
    zk_buf b;
    buf_init(&b, 0);
    naive_node(&b, k, s->n, 0);
    keccak256(root, b.data, b.len);
    buf_clear(&b);
    free(k);
}

/* Every stored key proves its value, and an absent key proves absence. */
static void check_all_proofs(mpt_trie *t, const kvset *s, const uint8_t root[32])
{
    uint8_t *val = malloc(1 << 16);
    for (size_t i = 0; i < s->n; i++) {
        mpt_proof p;
        mpt_proof_init(&p);
        CHECK_EQ_INT(mpt_prove(&p, t, s->e[i].key, s->e[i].key_len, NULL), ZK_OK);
        size_t vl = 1 << 16;
        zk_errbuf err = {{0}, 0};
        int rc = mpt_verify_proof(val, &vl, root, s->e[i].key, s->e[i].key_len, &p, &err);
        CHECK_MSG(rc == ZK_OK, "proof of key %zu: %s (%s)", i, zk_strerror(rc), err.msg);
        if (rc == ZK_OK) {
            CHECK_EQ_INT(vl, s->e[i].val_len);
            if (vl == s->e[i].val_len) CHECK_MEM(val, s->e[i].val, vl);
        }
        const uint8_t *got;
        size_t got_len;
        CHECK_EQ_INT(mpt_get(&got, &got_len, t, s->e[i].key, s->e[i].key_len), ZK_OK);
        mpt_proof_clear(&p);
    }
    /* A key that is not stored: the proof shows its absence. */
    static const uint8_t absent[] = "\xde\xad\xbe\xef-not-a-key";
    if (!kvset_find((kvset *)s, absent, sizeof(absent) - 1)) {
        mpt_proof p;
        mpt_proof_init(&p);
        CHECK_EQ_INT(mpt_prove(&p, t, absent, sizeof(absent) - 1, NULL), ZK_OK);
        size_t vl = 1 << 16;
        zk_errbuf err = {{0}, 0};
        int rc = mpt_verify_proof(val, &vl, root, absent, sizeof(absent) - 1, &p, &err);
        CHECK_MSG(rc == ZK_ERR_NOTFOUND, "absence proof: %s (%s)", zk_strerror(rc), err.msg);
        mpt_proof_clear(&p);
    }
    free(val);
}

static void check_root_hex(const uint8_t got[32], const json_t *want_hex)
{
    uint8_t want[32];
    CHECK_EQ_INT(hex_decode_fixed(want, 32, json_string_value(want_hex), NULL), ZK_OK);
    CHECK_MEM(got, want, 32);
}

/* Applies one [key, value] step; secure tries hash the key first. */
static void apply(mpt_trie *t, kvset *s, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl,
                  bool secure)
{
    uint8_t hk[32];
    if (secure) {
        keccak256(hk, k, kl);
        k = hk;
        kl = 32;
    }
    CHECK_EQ_INT(mpt_put(t, k, kl, v, vl, NULL), ZK_OK);
    kvset_put(s, k, kl, v, vl);
    CHECK_EQ_INT(t->count, s->n);
}

static void finish_case(mpt_trie *t, kvset *s, const json_t *want_root)
{
    uint8_t root[32], ref[32];
    CHECK_EQ_INT(mpt_root(root, t, NULL), ZK_OK);
    check_root_hex(root, want_root);
    naive_root(ref, s);
    CHECK_MEM(ref, root, 32);
    check_all_proofs(t, s, root);
}

static void run_ordered(const char *file, bool secure)
{
    json_t *doc = th_load_json(file);
    if (!doc) return;
    const char *name;
    json_t *tc;
    json_object_foreach(doc, name, tc)
    {
        CASE_BEGIN("%s/%s", file, name);
        mpt_trie t;
        kvset s = {0};
        mpt_init(&t);
        size_t i;
        json_t *step;
        json_array_foreach(json_object_get(tc, "in"), i, step)
        {
            uint8_t *k = NULL, *v = NULL;
            size_t kl = 0, vl = 0;
            CHECK(vec_bytes(&k, &kl, json_array_get(step, 0)));
            const json_t *jv = json_array_get(step, 1);
            if (!json_is_null(jv)) CHECK(vec_bytes(&v, &vl, jv));
            if (k) apply(&t, &s, k, kl, v, vl, secure);
            free(k);
            free(v);
        }
        finish_case(&t, &s, json_object_get(tc, "root"));
        mpt_clear(&t);
        kvset_clear(&s);
        CASE_END();
    }
    json_decref(doc);
}

/* Inserts the map in file order, in reverse and in a random order: same root. */
static void run_anyorder(const char *file, bool secure)
{
    json_t *doc = th_load_json(file);
    if (!doc) return;
    const char *name;
    json_t *tc;
    json_object_foreach(doc, name, tc)
    {
        CASE_BEGIN("%s/%s", file, name);
        const json_t *in = json_object_get(tc, "in");
        size_t n = json_object_size(in), j = 0;
        const char **keys = calloc(n ? n : 1, sizeof(*keys));
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)in, k, v) keys[j++] = k;
        for (int order = 0; order < 3; order++) {
            if (order == 2)
                for (size_t a = n; a > 1; a--) {
                    size_t b = (size_t)(th_rand64() % a);
                    const char *tmp = keys[a - 1];
                    keys[a - 1] = keys[b];
                    keys[b] = tmp;
                }
            mpt_trie t;
            kvset s = {0};
            mpt_init(&t);
            for (size_t x = 0; x < n; x++) {
                size_t idx = order == 1 ? n - 1 - x : x;
                json_t *jk = json_string(keys[idx]);
                uint8_t *kb = NULL, *vb = NULL;
                size_t kl = 0, vl = 0;
                CHECK(vec_bytes(&kb, &kl, jk));
                CHECK(vec_bytes(&vb, &vl, json_object_get(in, keys[idx])));
                if (kb && vb) apply(&t, &s, kb, kl, vb, vl, secure);
                free(kb);
                free(vb);
                json_decref(jk);
            }
            finish_case(&t, &s, json_object_get(tc, "root"));
            mpt_clear(&t);
            kvset_clear(&s);
        }
        free(keys);
        CASE_END();
    }
    json_decref(doc);
}

TEST(trietest)
{
    run_ordered("trie/trietest.json", false);
}
TEST(trietest_secure)
{
    run_ordered("trie/trietest_secureTrie.json", true);
}
TEST(trieanyorder)
{
    run_anyorder("trie/trieanyorder.json", false);
}
TEST(trieanyorder_secure)
{
    run_anyorder("trie/trieanyorder_secureTrie.json", true);
}
TEST(hex_encoded_securetrie)
{
    run_anyorder("trie/hex_encoded_securetrie_test.json", true);
}

TEST(empty_trie)
{
    uint8_t root[32], want[32], val[8];
    static const uint8_t rlp_empty = 0x80;
    keccak256(want, &rlp_empty, 1);
    CHECK_MEM(MPT_EMPTY_ROOT, want, 32);
    CHECK_EQ_INT(mpt_root_of_list(root, NULL, NULL, 0, NULL), ZK_OK);
    CHECK_MEM(root, want, 32);
    mpt_trie t;
    mpt_init(&t);
    CHECK_EQ_INT(mpt_root(root, &t, NULL), ZK_OK);
    CHECK_MEM(root, want, 32);
    /* Absence in the empty trie: no nodes, or the single node 0x80. */
    mpt_proof p;
    mpt_proof_init(&p);
    CHECK_EQ_INT(mpt_prove(&p, &t, (const uint8_t *)"k", 1, NULL), ZK_OK);
    CHECK_EQ_INT(p.n, 0);
    size_t vl = sizeof(val);
    CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, (const uint8_t *)"k", 1, &p, NULL),
                 ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(mpt_proof_add(&p, &rlp_empty, 1), ZK_OK);
    CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, (const uint8_t *)"k", 1, &p, NULL),
                 ZK_ERR_NOTFOUND);
    /* An empty proof says nothing about a non-empty trie. */
    mpt_proof_clear(&p);
    root[0] ^= 1;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, (const uint8_t *)"k", 1, &p, &err),
                 ZK_ERR_REJECTED);
    CHECK(err.msg[0] != '\0');
    /* Deleting the only key returns to the empty root. */
    CHECK_EQ_INT(mpt_put(&t, (const uint8_t *)"a", 1, (const uint8_t *)"b", 1, NULL), ZK_OK);
    CHECK_EQ_INT(mpt_delete(&t, (const uint8_t *)"a", 1, NULL), ZK_OK);
    CHECK_EQ_INT(mpt_delete(&t, (const uint8_t *)"zz", 2, NULL), ZK_OK);
    CHECK_EQ_INT(mpt_root(root, &t, NULL), ZK_OK);
    CHECK_MEM(root, want, 32);
    CHECK_EQ_INT(t.count, 0);
    mpt_clear(&t);
}

TEST(index_keys)
{
    uint8_t key[9];
    zk_buf b;
    uint64_t samples[] = {0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, UINT64_MAX};
    for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
        buf_init(&b, 0);
        CHECK_EQ_INT(rlp_encode_uint64(&b, samples[i]), ZK_OK);
        size_t kl = mpt_index_key(key, samples[i]);
        CHECK_EQ_INT(kl, b.len);
        CHECK_MEM(key, b.data, kl);
        buf_clear(&b);
    }
}

/* A random list: values[i] of min_len..100 bytes (list elements are never empty). */
typedef struct rlist {
    uint8_t **v;
    size_t *len;
    size_t n;
} rlist;

static void rlist_make(rlist *l, size_t n, size_t min_len)
{
    l->n = n;
    l->v = calloc(n ? n : 1, sizeof(*l->v));
    l->len = calloc(n ? n : 1, sizeof(*l->len));
    for (size_t i = 0; i < n; i++) {
        l->len[i] = min_len + (size_t)(th_rand64() % (101 - min_len));
        l->v[i] = malloc(l->len[i]);
        th_rand_bytes(l->v[i], l->len[i]);
    }
}

static void rlist_free(rlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->len);
}

TEST(random_lists_prove_every_index)
{
    for (int round = 0; round < 40; round++) {
        rlist l;
        size_t n = round < 3 ? (size_t)round : (size_t)(th_rand64() % 301);
        rlist_make(&l, n, 1);
        uint8_t root[32], ref[32];
        CHECK_EQ_INT(mpt_root_of_list(root, (const uint8_t *const *)l.v, l.len, n, NULL), ZK_OK);
        /* Independent check of the root: the naive builder over {RLP(i): v[i]}. */
        kvset s = {0};
        for (size_t i = 0; i < n; i++) {
            uint8_t key[9];
            size_t kl = mpt_index_key(key, i);
            kvset_put(&s, key, kl, l.v[i], l.len[i]);
        }
        naive_root(ref, &s);
        CHECK_MEM(root, ref, 32);
        kvset_clear(&s);
        for (size_t i = 0; i < n; i++) {
            mpt_proof p;
            uint8_t key[9], val[100];
            size_t kl = mpt_index_key(key, i), vl = sizeof(val);
            mpt_proof_init(&p);
            CHECK_EQ_INT(mpt_prove_index(&p, (const uint8_t *const *)l.v, l.len, n, i, NULL),
                         ZK_OK);
            zk_errbuf err = {{0}, 0};
            int rc = mpt_verify_proof(val, &vl, root, key, kl, &p, &err);
            CHECK_MSG(rc == ZK_OK, "n=%zu index %zu: %s", n, i, err.msg);
            if (rc == ZK_OK) {
                CHECK_EQ_INT(vl, l.len[i]);
                if (vl == l.len[i]) CHECK_MEM(val, l.v[i], vl);
            }
            /* The index one past the end is absent. */
            kl = mpt_index_key(key, n);
            vl = sizeof(val);
            mpt_proof_clear(&p);
            if (i == 0) {
                mpt_trie t;
                mpt_init(&t);
                for (size_t j = 0; j < n; j++) {
                    uint8_t kj[9];
                    CHECK_EQ_INT(mpt_put(&t, kj, mpt_index_key(kj, j), l.v[j], l.len[j], NULL),
                                 ZK_OK);
                }
                CHECK_EQ_INT(mpt_prove(&p, &t, key, kl, NULL), ZK_OK);
                CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, key, kl, &p, NULL), ZK_ERR_NOTFOUND);
                mpt_proof_clear(&p);
                mpt_clear(&t);
            }
        }
        mpt_proof p;
        mpt_proof_init(&p);
        CHECK_EQ_INT(mpt_prove_index(&p, (const uint8_t *const *)l.v, l.len, n, n, NULL),
                     ZK_ERR_RANGE);
        rlist_free(&l);
    }
    /* An empty element is refused: it would read as a missing one. */
    const uint8_t *vals[2] = {(const uint8_t *)"x", (const uint8_t *)""};
    size_t lens[2] = {1, 0};
    uint8_t root[32];
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(mpt_root_of_list(root, vals, lens, 2, &err), ZK_ERR_RANGE);
    CHECK(err.msg[0] != '\0');
}

/* Random puts and deletes over a small alphabet (so keys share prefixes, one key
 * is often a prefix of another, values are often short enough to embed): after
 * every step the root equals the naive root of the final key set. */
TEST(random_insert_delete_matches_naive)
{
    static const uint8_t alphabet[] = {0x00, 0x01, 0x10, 0x11, 0xff};
    for (int round = 0; round < 60; round++) {
        mpt_trie t;
        kvset s = {0};
        mpt_init(&t);
        int steps = 1 + (int)(th_rand64() % 200);
        for (int st = 0; st < steps; st++) {
            uint8_t k[6], v[64];
            size_t kl = (size_t)(th_rand64() % 7) % 6, vl;
            for (size_t i = 0; i < kl; i++)
                k[i] = alphabet[th_rand64() % sizeof(alphabet)];
            uint64_t r = th_rand64();
            if (r % 3 == 0 && s.n > 0) {
                /* delete an existing key */
                kv *e = &s.e[(r >> 8) % s.n];
                kl = e->key_len;
                memcpy(k, e->key, kl);
                vl = 0;
            } else if (r % 7 == 1) {
                vl = 0; /* delete whatever is there, maybe nothing */
            } else {
                vl = 1 + (size_t)((r >> 16) % (r & 8 ? 40 : 4));
                th_rand_bytes(v, vl);
            }
            if (vl == 0 && (r & 16))
                CHECK_EQ_INT(mpt_delete(&t, k, kl, NULL), ZK_OK);
            else
                CHECK_EQ_INT(mpt_put(&t, k, kl, v, vl, NULL), ZK_OK);
            kvset_put(&s, k, kl, v, vl);
            CHECK_EQ_INT(t.count, s.n);
            if (st % 10 == 0 || st == steps - 1) {
                uint8_t root[32], ref[32];
                CHECK_EQ_INT(mpt_root(root, &t, NULL), ZK_OK);
                naive_root(ref, &s);
                CHECK_MSG(memcmp(root, ref, 32) == 0, "round %d step %d: root differs", round, st);
            }
        }
        uint8_t root[32];
        CHECK_EQ_INT(mpt_root(root, &t, NULL), ZK_OK);
        check_all_proofs(&t, &s, root);
        for (size_t i = 0; i < s.n; i++) {
            const uint8_t *got;
            size_t gl;
            CHECK_EQ_INT(mpt_get(&got, &gl, &t, s.e[i].key, s.e[i].key_len), ZK_OK);
            CHECK(gl == s.e[i].val_len && memcmp(got, s.e[i].val, gl) == 0);
        }
        /* Delete everything in a random order: back to the empty root. */
        while (s.n) {
            kv *e = &s.e[th_rand64() % s.n];
            uint8_t k[6];
            size_t kl = e->key_len;
            memcpy(k, e->key, kl);
            CHECK_EQ_INT(mpt_delete(&t, k, kl, NULL), ZK_OK);
            kvset_put(&s, k, kl, NULL, 0);
        }
        CHECK_EQ_INT(mpt_root(root, &t, NULL), ZK_OK);
        CHECK_MEM(root, MPT_EMPTY_ROOT, 32);
        CHECK(t.root == NULL);
        mpt_clear(&t);
        kvset_clear(&s);
    }
}

/* ---- forged proofs ---- */

static int verify(const mpt_proof *p, const uint8_t root[32], const uint8_t *key, size_t kl,
                  zk_errbuf *err)
{
    uint8_t val[4096];
    size_t vl = sizeof(val);
    memset(err, 0, sizeof(*err));
    return mpt_verify_proof(val, &vl, root, key, kl, p, err);
}

static void proof_copy(mpt_proof *dst, const mpt_proof *src)
{
    mpt_proof_init(dst);
    for (size_t i = 0; i < src->n; i++)
        CHECK_EQ_INT(mpt_proof_add(dst, src->nodes[i], src->lens[i]), ZK_OK);
}

TEST(forged_proofs_rejected)
{
    rlist l;
    rlist_make(&l, 300, 40); /* hashed leaves: every node shows up in the proof */
    uint8_t root[32];
    CHECK_EQ_INT(mpt_root_of_list(root, (const uint8_t *const *)l.v, l.len, l.n, NULL), ZK_OK);
    zk_errbuf err;
    for (size_t idx = 0; idx < l.n; idx += 37) {
        uint8_t key[9];
        size_t kl = mpt_index_key(key, idx);
        mpt_proof good, bad;
        mpt_proof_init(&good);
        CHECK_EQ_INT(mpt_prove_index(&good, (const uint8_t *const *)l.v, l.len, l.n, idx, NULL),
                     ZK_OK);
        CHECK(good.n >= 2);
        CHECK_EQ_INT(verify(&good, root, key, kl, &err), ZK_OK);

        uint8_t wrong[32];
        memcpy(wrong, root, 32);
        wrong[31] ^= 0x01;
        CHECK_EQ_INT(verify(&good, wrong, key, kl, &err), ZK_ERR_REJECTED);
        CHECK(err.msg[0] != '\0');

        /* A flipped bit anywhere in any node. */
        for (size_t ni = 0; ni < good.n; ni++) {
            proof_copy(&bad, &good);
            size_t bit = (size_t)(th_rand64() % (bad.lens[ni] * 8));
            bad.nodes[ni][bit / 8] ^= (uint8_t)(1u << (bit % 8));
            CHECK_EQ_INT(verify(&bad, root, key, kl, &err), ZK_ERR_REJECTED);
            mpt_proof_clear(&bad);
        }
        /* The last node dropped: the path is truncated. */
        proof_copy(&bad, &good);
        free(bad.nodes[--bad.n]);
        CHECK_EQ_INT(verify(&bad, root, key, kl, &err), ZK_ERR_REJECTED);
        CHECK(strstr(err.msg, "before the key's path") != NULL);
        /* A middle node dropped. */
        mpt_proof_clear(&bad);
        proof_copy(&bad, &good);
        free(bad.nodes[0 + 1]);
        memmove(bad.nodes + 1, bad.nodes + 2, (bad.n - 2) * sizeof(*bad.nodes));
        memmove(bad.lens + 1, bad.lens + 2, (bad.n - 2) * sizeof(*bad.lens));
        bad.n--;
        CHECK_EQ_INT(verify(&bad, root, key, kl, &err), ZK_ERR_REJECTED);
        mpt_proof_clear(&bad);
        /* An extra node appended after the leaf (a copy of the root). */
        proof_copy(&bad, &good);
        CHECK_EQ_INT(mpt_proof_add(&bad, good.nodes[0], good.lens[0]), ZK_OK);
        CHECK_EQ_INT(verify(&bad, root, key, kl, &err), ZK_ERR_REJECTED);
        CHECK(strstr(err.msg, "extra node") != NULL);
        mpt_proof_clear(&bad);
        /* Two nodes swapped. */
        proof_copy(&bad, &good);
        uint8_t *tn = bad.nodes[0];
        size_t tl = bad.lens[0];
        bad.nodes[0] = bad.nodes[1];
        bad.lens[0] = bad.lens[1];
        bad.nodes[1] = tn;
        bad.lens[1] = tl;
        CHECK_EQ_INT(verify(&bad, root, key, kl, &err), ZK_ERR_REJECTED);
        mpt_proof_clear(&bad);
        /* The proof for idx checked with another index's key. */
        for (size_t j = 0; j < l.n; j += 29) {
            if (j == idx) continue;
            uint8_t kj[9];
            int rc = verify(&good, root, kj, mpt_index_key(kj, j), &err);
            CHECK_MSG(rc == ZK_ERR_REJECTED || rc == ZK_ERR_NOTFOUND,
                      "proof of %zu accepted for key %zu", idx, j);
        }
        /* A value buffer too small: ZK_ERR_RANGE with the length needed. */
        uint8_t small[4];
        size_t sl = sizeof(small);
        CHECK_EQ_INT(mpt_verify_proof(small, &sl, root, key, kl, &good, NULL), ZK_ERR_RANGE);
        CHECK_EQ_INT(sl, l.len[idx]);
        mpt_proof_clear(&good);
    }
    rlist_free(&l);
}

/* A proof node whose hash is the root by construction, but whose content breaks
 * a rule: each must be rejected as malformed, never followed. */
static void check_crafted_root_node(const uint8_t *node, size_t len, const uint8_t *key, size_t kl,
                                    const char *what)
{
    mpt_proof p;
    uint8_t root[32];
    zk_errbuf err;
    mpt_proof_init(&p);
    CHECK_EQ_INT(mpt_proof_add(&p, node, len), ZK_OK);
    keccak256(root, node, len);
    int rc = verify(&p, root, key, kl, &err);
    CHECK_MSG(rc == ZK_ERR_REJECTED, "%s: got %s", what, zk_strerror(rc));
    CHECK_MSG(rc != ZK_ERR_REJECTED || err.msg[0] != '\0', "%s: no message", what);
    mpt_proof_clear(&p);
}

static void build_list(zk_buf *b, const char *spec)
{
    /* spec: one char per item: 'e' empty string, 'h' 32-byte string, 'x' 5-byte
     * string, 'L' list of 40 bytes (too long to embed), 'l' small list, 'v' 1 byte. */
    size_t mark;
    uint8_t z[40] = {0};
    rlp_list_begin(b, &mark);
    for (const char *c = spec; *c; c++) {
        size_t m2;
        switch (*c) {
        case 'e':
            CHECK_EQ_INT(rlp_encode_bytes(b, NULL, 0), ZK_OK);
            break;
        case 'h':
            CHECK_EQ_INT(rlp_encode_bytes(b, z, 32), ZK_OK);
            break;
        case 'x':
            CHECK_EQ_INT(rlp_encode_bytes(b, z, 5), ZK_OK);
            break;
        case 'v':
            CHECK_EQ_INT(rlp_encode_bytes(b, (const uint8_t *)"v", 1), ZK_OK);
            break;
        case 'L':
        case 'l':
            rlp_list_begin(b, &m2);
            CHECK_EQ_INT(rlp_encode_bytes(b, z, *c == 'L' ? 40 : 2), ZK_OK);
            CHECK_EQ_INT(rlp_list_end(b, m2), ZK_OK);
            break;
        }
    }
    CHECK_EQ_INT(rlp_list_end(b, mark), ZK_OK);
}

TEST(malformed_nodes_rejected)
{
    static const uint8_t key[] = {0x12};
    zk_buf b;
    static const char *const specs[][2] = {
        {"eee", "3-item node"},
        {"v", "1-item node"},
        {"eeeeeeeeeeeeeeeeee", "18-item node"},
        {"xeeeeeeeeeeeeeeee", "branch slot of 5 bytes"},
        {"Leeeeeeeeeeeeeeee", "embedded node of 40 bytes"},
        {"eeeeeeeeeeeeeeeel", "branch value that is a list"},
    };
    for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++) {
        buf_init(&b, 0);
        build_list(&b, specs[i][0]);
        check_crafted_root_node(b.data, b.len, key, 1, specs[i][1]);
        buf_clear(&b);
    }
    /* Leaf and extension paths: bad flag, even path with a pad nibble, leaf with an
     * empty value, extension with an empty path or an empty child. */
    static const uint8_t bad_flag[] = {0xc4, 0x82, 0x41, 0x12, 0x01};
    static const uint8_t pad_nibble[] = {0xc4, 0x82, 0x21, 0x12, 0x01};
    static const uint8_t empty_leaf[] = {0xc4, 0x82, 0x20, 0x12, 0x80};
    static const uint8_t ext_empty_path[] = {0xc3, 0x00, 0xc1, 0x01};
    static const uint8_t ext_empty_child[] = {0xc4, 0x82, 0x00, 0x12, 0x80};
    static const uint8_t not_list[] = {0x83, 'a', 'b', 'c'};
    static const uint8_t bad_rlp[] = {0xc3, 0x82, 0x20};
    static const uint8_t noncanon[] = {0xc5, 0x82, 0x20, 0x12, 0x81, 0x01};
    check_crafted_root_node(bad_flag, sizeof(bad_flag), key, 1, "hex-prefix flag 4");
    check_crafted_root_node(pad_nibble, sizeof(pad_nibble), key, 1, "pad nibble");
    check_crafted_root_node(empty_leaf, sizeof(empty_leaf), key, 1, "empty leaf value");
    check_crafted_root_node(ext_empty_path, sizeof(ext_empty_path), key, 1, "empty ext path");
    check_crafted_root_node(ext_empty_child, sizeof(ext_empty_child), key, 1, "empty ext child");
    check_crafted_root_node(not_list, sizeof(not_list), key, 1, "string node");
    check_crafted_root_node(bad_rlp, sizeof(bad_rlp), key, 1, "truncated RLP");
    check_crafted_root_node(noncanon, sizeof(noncanon), key, 1, "non-canonical RLP");

    /* A well-formed leaf with key 0x12 is accepted, so the rejections above are
     * about the named fault. */
    static const uint8_t good_leaf[] = {0xc4, 0x82, 0x20, 0x12, 0x01};
    mpt_proof p;
    uint8_t root[32], val[4];
    size_t vl = sizeof(val);
    mpt_proof_init(&p);
    CHECK_EQ_INT(mpt_proof_add(&p, good_leaf, sizeof(good_leaf)), ZK_OK);
    keccak256(root, good_leaf, sizeof(good_leaf));
    CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, key, 1, &p, NULL), ZK_OK);
    CHECK_EQ_INT(vl, 1);
    CHECK_EQ_INT(val[0], 0x01);
    /* A hashed node shorter than 32 bytes is never referenced by hash. */
    uint8_t ext[64];
    size_t el = 0;
    ext[el++] = 0xe2; /* list of 34 bytes: [HP(ext "1"), hash] */
    ext[el++] = 0x11;
    ext[el++] = 0xa0;
    keccak256(ext + el, good_leaf, sizeof(good_leaf));
    el += 32;
    mpt_proof_clear(&p);
    CHECK_EQ_INT(mpt_proof_add(&p, ext, el), ZK_OK);
    CHECK_EQ_INT(mpt_proof_add(&p, good_leaf, sizeof(good_leaf)), ZK_OK);
    keccak256(root, ext, el);
    zk_errbuf err;
    CHECK_EQ_INT(verify(&p, root, key, 1, &err), ZK_ERR_REJECTED);
    CHECK(strstr(err.msg, "cannot be a hashed node") != NULL);
    mpt_proof_clear(&p);

    /* Key and proof size limits. */
    uint8_t longkey[MPT_MAX_KEY_LEN + 1] = {0};
    mpt_trie t;
    mpt_init(&t);
    CHECK_EQ_INT(mpt_put(&t, longkey, sizeof(longkey), (const uint8_t *)"v", 1, NULL),
                 ZK_ERR_RANGE);
    CHECK_EQ_INT(mpt_put(&t, longkey, MPT_MAX_KEY_LEN, (const uint8_t *)"v", 1, NULL), ZK_OK);
    CHECK_EQ_INT(mpt_root(root, &t, NULL), ZK_OK);
    CHECK_EQ_INT(mpt_prove(&p, &t, longkey, MPT_MAX_KEY_LEN, NULL), ZK_OK);
    vl = sizeof(val);
    CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, longkey, MPT_MAX_KEY_LEN, &p, NULL), ZK_OK);
    vl = sizeof(val);
    CHECK_EQ_INT(mpt_verify_proof(val, &vl, root, longkey, sizeof(longkey), &p, NULL),
                 ZK_ERR_RANGE);
    mpt_proof_clear(&p);
    mpt_clear(&t);
    for (int i = 0; i < MPT_PROOF_MAX_NODES; i++)
        CHECK_EQ_INT(mpt_proof_add(&p, good_leaf, sizeof(good_leaf)), ZK_OK);
    CHECK_EQ_INT(mpt_proof_add(&p, good_leaf, sizeof(good_leaf)), ZK_ERR_RANGE);
    mpt_proof_clear(&p);
}

TEST_MAIN(RUN(trietest); RUN(trietest_secure); RUN(trieanyorder); RUN(trieanyorder_secure);
          RUN(hex_encoded_securetrie); RUN(empty_trie); RUN(index_keys);
          RUN(random_lists_prove_every_index); RUN(random_insert_delete_matches_naive);
          RUN(forged_proofs_rejected); RUN(malformed_nodes_rejected))
