/* The light client's LevelDB store: init and reopen, header linking, conflicts,
 * equivocation and the frozen flag, locking, corrupt values, crash consistency
 * under SIGKILL, and bulk throughput.
 *
 * Processes that must not share this one's LevelDB state (a second opener, a
 * writer killed mid-write) are this binary re-executed through /proc/self/exe
 * with LC_STORE_TEST_CHILD set: forking a process that has run LevelDB's
 * background thread and opening a database in the child is not safe. */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <leveldb/c.h>

#include "lightclient/bytes.h"
#include "lightclient/keccak.h"
#include "lightclient/lc_store.h"
#include "lightclient/rlp.h"

extern char **environ;

static char base_dir[512];

/* A fresh directory path (not created) under this run's scratch directory. */
static const char *dir_path(const char *name)
{
    static char paths[4][600];
    static int next;
    if (!base_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(base_dir, sizeof(base_dir), "%s/zkrelay-lcstore-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(base_dir)) {
            fprintf(stderr, "mkdtemp %s: %s\n", base_dir, strerror(errno));
            exit(1);
        }
    }
    char *p = paths[next++ % 4];
    snprintf(p, sizeof(paths[0]), "%s/%s", base_dir, name);
    return p;
}

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            char sub[1024];
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
                snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
                rm_tree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- fixtures ---- */

static void fill_hash(uint8_t out[32], const char *tag, uint64_t n, uint64_t salt)
{
    uint8_t in[64] = {0};
    size_t tl = strlen(tag) < 40 ? strlen(tag) : 40;
    memcpy(in, tag, tl);
    be64_store(in + 40, n);
    be64_store(in + 48, salt);
    keccak256(out, in, sizeof(in));
}

/* A set of n members derived from seed. */
static void make_set(valset *v, uint64_t seed, size_t n)
{
    uint8_t addrs[16][20];
    for (size_t i = 0; i < n; i++) {
        uint8_t h[32];
        fill_hash(h, "validator", seed, i);
        memcpy(addrs[i], h, 20);
    }
    if (valset_from_list(v, addrs, n, NULL) != ZK_OK) abort();
}

static void make_checkpoint(lc_checkpoint *cp, uint64_t salt)
{
    memset(cp, 0, sizeof(*cp));
    cp->chain_id = 1337;
    cp->consensus = LC_QBFT;
    cp->number = 100;
    fill_hash(cp->hash, "checkpoint", 100, salt);
    make_set(&cp->validators, 1, 4);
}

/* The child of parent, handing over to next (NULL: the parent's next set). */
static void make_child(lc_stored_header *h, const lc_stored_header *parent, const valset *next,
                       uint64_t salt)
{
    memset(h, 0, sizeof(*h));
    h->number = parent->number + 1;
    memcpy(h->parent_hash, parent->hash, 32);
    fill_hash(h->hash, "hash", h->number, salt ^ parent->hash[0]);
    fill_hash(h->state_root, "state", h->number, salt);
    fill_hash(h->transactions_root, "txs", h->number, salt);
    fill_hash(h->receipts_root, "receipts", h->number, salt);
    h->timestamp = 1700000000 + h->number * 2;
    memcpy(h->valset_id, parent->next_valset_id, 32);
    if (next)
        valset_id(h->next_valset_id, next);
    else
        memcpy(h->next_valset_id, parent->next_valset_id, 32);
    h->rule = LC_RULE_BFT_QUORUM;
}

static bool header_same(const lc_stored_header *a, const lc_stored_header *b)
{
    return a->number == b->number && memcmp(a->hash, b->hash, 32) == 0 &&
           memcmp(a->parent_hash, b->parent_hash, 32) == 0 &&
           memcmp(a->state_root, b->state_root, 32) == 0 &&
           memcmp(a->transactions_root, b->transactions_root, 32) == 0 &&
           memcmp(a->receipts_root, b->receipts_root, 32) == 0 && a->timestamp == b->timestamp &&
           memcmp(a->valset_id, b->valset_id, 32) == 0 &&
           memcmp(a->next_valset_id, b->next_valset_id, 32) == 0 && a->rule == b->rule;
}

/* A store in a new directory, initialised with make_checkpoint(cp, 0). */
static lc_store *fresh_store(const char *name, lc_checkpoint *cp)
{
    lc_store *s = NULL;
    zk_errbuf err = {0};
    const char *dir = dir_path(name);
    if (lc_store_open(&s, dir, true, &err) != ZK_OK) {
        th_fail(__FILE__, __LINE__, "open %s: %s", dir, err.msg);
        return NULL;
    }
    make_checkpoint(cp, 0);
    if (lc_store_init(s, cp, &err) != ZK_OK) {
        th_fail(__FILE__, __LINE__, "init: %s", err.msg);
        lc_store_close(s);
        return NULL;
    }
    return s;
}

/* Appends n linked headers to the head, a new 4-member set every `rotate` headers (0: never). */
static int append_headers(lc_store *s, uint64_t n, uint64_t rotate, zk_errbuf *err)
{
    lc_stored_header head, h;
    int rc = lc_store_head(s, &head, err);
    for (uint64_t i = 0; rc == ZK_OK && i < n; i++) {
        valset next;
        bool rot = rotate && (head.number + 1) % rotate == 0;
        if (rot) make_set(&next, head.number + 1, 4);
        make_child(&h, &head, rot ? &next : NULL, 0);
        rc = lc_store_put_header(s, &h, rot ? &next : NULL, false, err);
        head = h;
    }
    return rc;
}

/* The raw RLP a test keeps with h: a list of its fields and an extraData whose
 * length varies with the number, so records of many sizes are written. The
 * store treats it as opaque bytes; building it through the RLP encoder keeps
 * the test's data shaped like what the light client stores. */
static int make_rlp(zk_buf *b, const lc_stored_header *h)
{
    uint8_t extra[96];
    size_t extra_len = 32 + (size_t)(h->number % 64);
    for (size_t i = 0; i < extra_len; i += 32) {
        uint8_t d[32];
        fill_hash(d, "extra", h->number, i);
        memcpy(extra + i, d, extra_len - i < 32 ? extra_len - i : 32);
    }
    size_t mark;
    b->len = 0;
    rlp_list_begin(b, &mark);
    int rc = rlp_encode_bytes(b, h->parent_hash, 32);
    if (rc == ZK_OK) rc = rlp_encode_bytes(b, h->state_root, 32);
    if (rc == ZK_OK) rc = rlp_encode_bytes(b, h->transactions_root, 32);
    if (rc == ZK_OK) rc = rlp_encode_bytes(b, h->receipts_root, 32);
    if (rc == ZK_OK) rc = rlp_encode_uint64(b, h->number);
    if (rc == ZK_OK) rc = rlp_encode_uint64(b, h->timestamp);
    if (rc == ZK_OK) rc = rlp_encode_bytes(b, extra, extra_len);
    if (rc == ZK_OK) rc = rlp_list_end(b, mark);
    return rc;
}

/* n linked headers above head, each with its RLP, a new set of set_size members
 * every `rotate` heights (0: never), ready as puts[0..n) for lc_store_put_batch. */
typedef struct test_chain {
    size_t n;
    lc_stored_header *hs;
    valset *sets; /* sets[i] is puts[i].next_set where one is given */
    zk_buf *rlps;
    lc_put *puts;
} test_chain;

static void chain_free(test_chain *c)
{
    for (size_t i = 0; c->rlps && i < c->n; i++)
        buf_clear(&c->rlps[i]);
    free(c->hs);
    free(c->sets);
    free(c->rlps);
    free(c->puts);
    memset(c, 0, sizeof(*c));
}

static bool chain_build(test_chain *c, const lc_stored_header *head, size_t n, uint64_t rotate,
                        size_t set_size, uint64_t salt)
{
    memset(c, 0, sizeof(*c));
    c->n = n;
    c->hs = calloc(n, sizeof(*c->hs));
    c->sets = calloc(n, sizeof(*c->sets));
    c->rlps = calloc(n, sizeof(*c->rlps));
    c->puts = calloc(n, sizeof(*c->puts));
    if (!c->hs || !c->sets || !c->rlps || !c->puts) {
        chain_free(c);
        return false;
    }
    const lc_stored_header *parent = head;
    for (size_t i = 0; i < n; i++) {
        bool rot = rotate && (parent->number + 1) % rotate == 0;
        if (rot) make_set(&c->sets[i], parent->number + 1, set_size);
        make_child(&c->hs[i], parent, rot ? &c->sets[i] : NULL, salt);
        buf_init(&c->rlps[i], 0);
        if (make_rlp(&c->rlps[i], &c->hs[i]) != ZK_OK) {
            chain_free(c);
            return false;
        }
        c->puts[i].h = &c->hs[i];
        c->puts[i].next_set = rot ? &c->sets[i] : NULL;
        c->puts[i].rlp = c->rlps[i].data;
        c->puts[i].rlp_len = c->rlps[i].len;
        parent = &c->hs[i];
    }
    return true;
}

/* Whether the RLP stored at h->number is make_rlp(h). */
static bool rlp_matches(lc_store *s, const lc_stored_header *h, zk_errbuf *err)
{
    uint8_t *got = NULL;
    size_t len = 0;
    zk_buf want;
    buf_init(&want, 0);
    bool ok = make_rlp(&want, h) == ZK_OK &&
              lc_store_get_header_rlp(s, h->number, &got, &len, err) == ZK_OK && len == want.len &&
              memcmp(got, want.data, len) == 0;
    free(got);
    buf_clear(&want);
    return ok;
}

/* The aux record the crash writer keeps: the head it goes with. */
enum { AUX_TEST_LEN = 1 + 8 + 32 + 64 };
static void make_aux(uint8_t out[AUX_TEST_LEN], const lc_stored_header *head)
{
    memset(out, 0xa5, AUX_TEST_LEN);
    out[0] = 'A';
    be64_store(out + 1, head->number);
    memcpy(out + 9, head->hash, 32);
}

/* ---- raw LevelDB access, to plant values the store would never write ---- */

static void raw_put(const char *dir, const uint8_t *key, size_t klen, const uint8_t *val,
                    size_t vlen)
{
    leveldb_options_t *o = leveldb_options_create();
    leveldb_options_set_create_if_missing(o, 1);
    char *lerr = NULL;
    leveldb_t *db = leveldb_open(o, dir, &lerr);
    if (lerr) {
        th_fail(__FILE__, __LINE__, "raw open %s: %s", dir, lerr);
        leveldb_free(lerr);
        leveldb_options_destroy(o);
        return;
    }
    leveldb_writeoptions_t *w = leveldb_writeoptions_create();
    leveldb_put(db, w, (const char *)key, klen, (const char *)val, vlen, &lerr);
    if (lerr) {
        th_fail(__FILE__, __LINE__, "raw put: %s", lerr);
        leveldb_free(lerr);
    }
    leveldb_writeoptions_destroy(w);
    leveldb_close(db);
    leveldb_options_destroy(o);
}

static void raw_put_numbered(const char *dir, char prefix, uint64_t n, const uint8_t *val,
                             size_t vlen)
{
    uint8_t key[9] = {(uint8_t)prefix};
    be64_store(key + 1, n);
    raw_put(dir, key, sizeof(key), val, vlen);
}

/* ---- child processes ---- */

/* Runs this binary as a child in mode with LC_STORE_TEST_DIR=dir and its stdout
 * on a pipe. Out: *rd, the pipe's read end. Returns the pid, or -1. */
static pid_t spawn_child(const char *mode, const char *dir, int *rd)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 3, sizeof(char *));
    char mode_var[64], dir_var[700];
    if (!env) return -1;
    snprintf(mode_var, sizeof(mode_var), "LC_STORE_TEST_CHILD=%s", mode);
    snprintf(dir_var, sizeof(dir_var), "LC_STORE_TEST_DIR=%s", dir);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LC_STORE_TEST_", 14) != 0) env[k++] = environ[i];
    env[k++] = mode_var;
    env[k++] = dir_var;
    env[k] = NULL;
    int fds[2];
    if (pipe(fds) != 0) {
        free(env);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        char *argv[] = {(char *)"test_lc_store", NULL};
        execve("/proc/self/exe", argv, env);
        _exit(127);
    }
    free(env);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    *rd = fds[0];
    return pid;
}

/* Child "lock": tries to open the store and prints the code and message. */
static int child_lock(const char *dir)
{
    lc_store *s = NULL;
    zk_errbuf err = {0};
    int rc = lc_store_open(&s, dir, false, &err);
    printf("%d %s\n", rc, err.msg);
    lc_store_close(s);
    return 0;
}

/* Child "writer": until killed, appends batches of 1..48 linked headers with
 * their RLP (a new set every 5 heights, so sets are handed over inside batches)
 * and an aux record naming the new head. The batch size comes from the head's
 * number, so a run is reproducible from the store alone. */
static int child_writer(const char *dir)
{
    lc_store *s = NULL;
    zk_errbuf err = {0};
    if (lc_store_open(&s, dir, false, &err) != ZK_OK) {
        fprintf(stderr, "writer: %s\n", err.msg);
        return 2;
    }
    if (write(1, "R", 1) != 1) return 2; /* ready: the parent starts its timer */
    for (int i = 0; i < 100000; i++) {
        lc_stored_header head;
        test_chain c;
        if (lc_store_head(s, &head, &err) != ZK_OK) break;
        uint8_t salt[32];
        fill_hash(salt, "batch", head.number, 0);
        size_t n = 1 + salt[0] % 48;
        if (!chain_build(&c, &head, n, 5, 4, 0)) {
            snprintf(err.msg, sizeof(err.msg), "out of memory");
            break;
        }
        uint8_t aux[AUX_TEST_LEN];
        make_aux(aux, &c.hs[n - 1]);
        size_t failed = 0;
        int rc = lc_store_put_batch(s, c.puts, n, false, aux, sizeof(aux), &failed, &err);
        chain_free(&c);
        if (rc != ZK_OK) break;
    }
    fprintf(stderr, "writer: %s\n", err.msg);
    lc_store_close(s);
    return 2;
}

/* ---- tests ---- */

TEST(init_then_reopen)
{
    lc_store *s = NULL;
    zk_errbuf err = {0};
    const char *dir = dir_path("reopen");
    CHECK_EQ_INT(lc_store_open(&s, dir, true, &err), ZK_OK);
    if (!s) return;
    lc_checkpoint cp, got;
    lc_stored_header head;
    CHECK_EQ_INT(lc_store_checkpoint(s, &got, &err), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_ERR_NOTFOUND);
    uint64_t chain;
    CHECK_EQ_INT(lc_store_chain_id(s, &chain, &err), ZK_ERR_NOTFOUND);
    lc_stored_header h;
    memset(&h, 0, sizeof(h));
    h.number = 101;
    h.rule = LC_RULE_BFT_QUORUM;
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_ERR_NOTFOUND);

    make_checkpoint(&cp, 0);
    CHECK_EQ_INT(lc_store_init(s, &cp, &err), ZK_OK);
    lc_store_close(s);

    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (!s) return;
    CHECK_EQ_INT(lc_store_checkpoint(s, &got, &err), ZK_OK);
    CHECK_EQ_INT(got.chain_id, 1337);
    CHECK_EQ_INT(got.consensus, LC_QBFT);
    CHECK_EQ_INT(got.number, 100);
    CHECK_MEM(got.hash, cp.hash, 32);
    CHECK(valset_equal(&got.validators, &cp.validators));
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    CHECK_EQ_INT(head.number, 100);
    CHECK_MEM(head.hash, cp.hash, 32);
    CHECK_EQ_INT(head.rule, LC_RULE_CHECKPOINT);
    uint8_t id[32];
    valset_id(id, &cp.validators);
    CHECK_MEM(head.valset_id, id, 32);
    CHECK_MEM(head.next_valset_id, id, 32);
    valset v;
    CHECK_EQ_INT(lc_store_get_valset(s, &v, id, &err), ZK_OK);
    CHECK(valset_equal(&v, &cp.validators));
    CHECK_EQ_INT(lc_store_chain_id(s, &chain, &err), ZK_OK);
    CHECK_EQ_INT(chain, 1337);
    CHECK_EQ_INT(lc_store_expect_chain(s, 1337, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_expect_chain(s, 1, &err), ZK_ERR_MISMATCH);
    CHECK(strstr(err.msg, "chain 1337") != NULL);

    /* Headers written before a reopen are there after it. */
    CHECK_EQ_INT(append_headers(s, 7, 3, &err), ZK_OK);
    lc_stored_header before[8];
    for (uint64_t n = 100; n <= 107; n++)
        CHECK_EQ_INT(lc_store_get_header(s, &before[n - 100], n, &err), ZK_OK);
    lc_store_close(s);
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (!s) return;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    CHECK_EQ_INT(head.number, 107);
    for (uint64_t n = 100; n <= 107; n++) {
        CHECK_EQ_INT(lc_store_get_header(s, &h, n, &err), ZK_OK);
        CHECK(header_same(&h, &before[n - 100]));
        CHECK_EQ_INT(lc_store_get_valset(s, &v, h.next_valset_id, &err), ZK_OK);
    }
    lc_store_close(s);
    lc_store_close(NULL);
}

TEST(init_twice)
{
    lc_checkpoint cp, other;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("twice", &cp);
    if (!s) return;
    CHECK_EQ_INT(lc_store_init(s, &cp, &err), ZK_OK);

    other = cp;
    other.hash[31] ^= 1;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_MISMATCH);
    CHECK(strstr(err.msg, "another checkpoint") != NULL);
    other = cp;
    other.number++;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_MISMATCH);
    other = cp;
    other.chain_id = 1;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_MISMATCH);
    other = cp;
    other.consensus = LC_IBFT2;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_MISMATCH);
    other = cp;
    make_set(&other.validators, 2, 4);
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_MISMATCH);
    other = cp;
    other.clique_period = 15;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_MISMATCH);

    /* Invalid checkpoints are refused before the stored one is even read. */
    other = cp;
    other.consensus = (lc_consensus)9;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_USAGE);
    other = cp;
    other.validators.n = 0;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_USAGE);
    other = cp;
    memcpy(other.validators.addrs[1], other.validators.addrs[0], 20); /* repeated */
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_USAGE);
    other = cp;
    other.validators.n = VALSET_MAX + 1;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_USAGE);
    other = cp;
    other.consensus = LC_CLIQUE;
    other.clique_epoch = 0;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_ERR_USAGE);
    lc_store_close(s);

    /* A Clique checkpoint round-trips its epoch and period. */
    CHECK_EQ_INT(lc_store_open(&s, dir_path("clique"), true, &err), ZK_OK);
    if (!s) return;
    other = cp;
    other.consensus = LC_CLIQUE;
    other.clique_epoch = 30000;
    other.clique_period = 15;
    CHECK_EQ_INT(lc_store_init(s, &other, &err), ZK_OK);
    lc_checkpoint got;
    CHECK_EQ_INT(lc_store_checkpoint(s, &got, &err), ZK_OK);
    CHECK_EQ_INT(got.consensus, LC_CLIQUE);
    CHECK_EQ_INT(got.clique_epoch, 30000);
    CHECK_EQ_INT(got.clique_period, 15);
    lc_store_close(s);
}

TEST(put_get_round_trip)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("putget", &cp);
    if (!s) return;
    lc_stored_header head, h, got;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);

    /* 101: same set; 102: hands over to a new set, which is stored with it. */
    make_child(&h, &head, NULL, 0);
    h.rule = LC_RULE_CLIQUE_WINDOW;
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 101, &err), ZK_OK);
    CHECK(header_same(&got, &h));
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    CHECK(header_same(&head, &h));
    /* Putting it again is a no-op. */
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_OK);

    valset next, v;
    make_set(&next, 77, 7);
    make_child(&h, &head, &next, 0);
    /* The new set must come with it, and be the set the header names. */
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_ERR_USAGE);
    CHECK(strstr(err.msg, "not stored") != NULL);
    CHECK_EQ_INT(lc_store_put_header(s, &h, &cp.validators, false, &err), ZK_ERR_USAGE);
    valset bad = next;
    memcpy(bad.addrs[0], bad.addrs[1], 20);
    CHECK_EQ_INT(lc_store_put_header(s, &h, &bad, false, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 102, &err), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(lc_store_put_header(s, &h, &next, false, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 102, &err), ZK_OK);
    CHECK(header_same(&got, &h));
    CHECK_EQ_INT(lc_store_get_valset(s, &v, h.next_valset_id, &err), ZK_OK);
    CHECK(valset_equal(&v, &next));
    head = h;

    /* 103 must be sealed by the set 102 hands over to. */
    make_child(&h, &head, NULL, 0);
    valset_id(h.valset_id, &cp.validators);
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_ERR_REJECTED);
    CHECK(strstr(err.msg, "sealed by another set") != NULL);
    /* The checkpoint rule and unknown rules are not for put. */
    make_child(&h, &head, NULL, 0);
    h.rule = LC_RULE_CHECKPOINT;
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_ERR_USAGE);
    h.rule = 0;
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_ERR_USAGE);
    h.rule = LC_RULE_BFT_QUORUM;
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_OK);
    lc_stored_header h103 = h;

    /* Skipping: 104..109 are built but not stored; 110 without skip is a gap, with skip
     * it is stored and becomes the head, but only when sealed by the head's next set. */
    lc_stored_header mid[7]; /* 104..110 */
    make_child(&mid[0], &h103, NULL, 0);
    for (int i = 1; i < 7; i++)
        make_child(&mid[i], &mid[i - 1], NULL, 0);
    lc_stored_header h110 = mid[6];
    CHECK_EQ_INT(h110.number, 110);
    CHECK_EQ_INT(lc_store_put_header(s, &h110, NULL, false, &err), ZK_ERR_REJECTED);
    CHECK(strstr(err.msg, "unknown") != NULL);
    lc_stored_header wrongset = h110;
    valset_id(wrongset.valset_id, &cp.validators);
    CHECK_EQ_INT(lc_store_put_header(s, &wrongset, NULL, true, &err), ZK_ERR_REJECTED);
    CHECK_EQ_INT(lc_store_put_header(s, &h110, NULL, true, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    CHECK_EQ_INT(head.number, 110);
    /* Filling the gap: 106 has no stored parent yet. */
    CHECK_EQ_INT(lc_store_put_header(s, &mid[2], NULL, false, &err), ZK_ERR_REJECTED);
    /* 104..108 link to 103 one by one; the head stays at 110. */
    for (int i = 0; i < 5; i++)
        CHECK_EQ_INT(lc_store_put_header(s, &mid[i], NULL, false, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    CHECK_EQ_INT(head.number, 110);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 104, &err), ZK_OK);
    CHECK(header_same(&got, &mid[0]));
    /* A 109 that links to 108 but is not the parent of the stored 110. */
    lc_stored_header h109;
    make_child(&h109, &mid[4], NULL, 42);
    CHECK_EQ_INT(lc_store_put_header(s, &h109, NULL, false, &err), ZK_ERR_REJECTED);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 109, &err), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(lc_store_put_header(s, &mid[5], NULL, false, &err), ZK_OK);
    for (uint64_t n = 101; n <= 110; n++)
        CHECK_EQ_INT(lc_store_get_header(s, &got, n, &err), ZK_OK);
    h = mid[0];
    /* At or below the checkpoint: never. */
    lc_stored_header low = h;
    low.number = 99;
    CHECK_EQ_INT(lc_store_put_header(s, &low, NULL, true, &err), ZK_ERR_REJECTED);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 99, &err), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 111, &err), ZK_ERR_NOTFOUND);
    CHECK(strstr(err.msg, "111") != NULL);
    uint8_t unknown_id[32] = {1};
    CHECK_EQ_INT(lc_store_get_valset(s, &v, unknown_id, &err), ZK_ERR_NOTFOUND);
    lc_store_close(s);
}

TEST(unknown_parent_rejected)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("parent", &cp);
    if (!s) return;
    CHECK_EQ_INT(append_headers(s, 3, 0, &err), ZK_OK);
    lc_stored_header head, h, got;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    /* Every single-bit flip of the parent hash is refused, and nothing is stored. */
    for (int bit = 0; bit < 256; bit++) {
        CASE_BEGIN("parent hash bit %d flipped", bit);
        make_child(&h, &head, NULL, 0);
        h.parent_hash[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_ERR_REJECTED);
        CASE_END();
    }
    CHECK(strstr(err.msg, "parent hash") != NULL);
    CHECK_EQ_INT(lc_store_get_header(s, &got, head.number + 1, &err), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK(header_same(&got, &head));
    /* skip does not lift the parent check at head+1. */
    make_child(&h, &head, NULL, 0);
    h.parent_hash[0] ^= 1;
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, true, &err), ZK_ERR_REJECTED);
    lc_store_close(s);
}

TEST(conflicting_header)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("conflict", &cp);
    if (!s) return;
    CHECK_EQ_INT(append_headers(s, 4, 0, &err), ZK_OK);
    lc_stored_header stored, h, got, parent;
    CHECK_EQ_INT(lc_store_get_header(s, &stored, 102, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_get_header(s, &parent, 101, &err), ZK_OK);
    /* A sibling of 102: same parent, another hash. */
    make_child(&h, &parent, NULL, 99);
    CHECK(memcmp(h.hash, stored.hash, 32) != 0);
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_ERR_MISMATCH);
    CHECK(strstr(err.msg, "another header is stored") != NULL);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 102, &err), ZK_OK);
    CHECK(header_same(&got, &stored));
    /* Also at the head's height, and with skip. */
    lc_stored_header head;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    h = head;
    h.hash[0] ^= 0x80;
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, true, &err), ZK_ERR_MISMATCH);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK(header_same(&got, &head));
    /* The same hash with other metadata is the caller's inconsistency, not equivocation. */
    h = stored;
    h.timestamp++;
    CHECK_EQ_INT(lc_store_put_header(s, &h, NULL, false, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 102, &err), ZK_OK);
    CHECK(header_same(&got, &stored));
    lc_store_close(s);
}

TEST(equivocation_freezes)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("equiv", &cp);
    if (!s) return;
    const char *dir = dir_path("equiv");
    CHECK_EQ_INT(append_headers(s, 2, 0, &err), ZK_OK);
    bool frozen = true;
    uint64_t at = 1;
    CHECK_EQ_INT(lc_store_frozen(s, &frozen, &at, &err), ZK_OK);
    CHECK(!frozen);
    CHECK_EQ_INT(at, 0);

    uint8_t a[300], b[301];
    th_rand_bytes(a, sizeof(a));
    th_rand_bytes(b, sizeof(b));
    CHECK_EQ_INT(lc_store_record_equivocation(s, 102, a, sizeof(a), a, sizeof(a), &err),
                 ZK_ERR_USAGE);
    CHECK_EQ_INT(lc_store_record_equivocation(s, 102, a, 0, b, sizeof(b), &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(lc_store_frozen(s, &frozen, &at, &err), ZK_OK);
    CHECK(!frozen);
    CHECK_EQ_INT(lc_store_record_equivocation(s, 102, a, sizeof(a), b, sizeof(b), &err), ZK_OK);
    lc_store_close(s);

    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (!s) return;
    CHECK_EQ_INT(lc_store_frozen(s, &frozen, &at, &err), ZK_OK);
    CHECK(frozen);
    CHECK_EQ_INT(at, 102);
    uint8_t *ea = NULL, *eb = NULL;
    size_t la = 0, lb = 0;
    CHECK_EQ_INT(lc_store_get_evidence(s, 102, &ea, &la, &eb, &lb, &err), ZK_OK);
    CHECK_EQ_INT(la, sizeof(a));
    CHECK_EQ_INT(lb, sizeof(b));
    if (ea && eb && la == sizeof(a) && lb == sizeof(b)) {
        CHECK_MEM(ea, a, sizeof(a));
        CHECK_MEM(eb, b, sizeof(b));
    }
    free(ea);
    free(eb);
    CHECK_EQ_INT(lc_store_get_evidence(s, 101, &ea, &la, &eb, &lb, &err), ZK_ERR_NOTFOUND);
    CHECK(ea == NULL && eb == NULL);

    /* Frozen: no header is accepted. */
    CHECK_EQ_INT(append_headers(s, 1, 0, &err), ZK_ERR_REJECTED);
    CHECK(strstr(err.msg, "frozen") != NULL);
    /* A second equivocation adds its evidence; the flag keeps the first height. */
    CHECK_EQ_INT(lc_store_record_equivocation(s, 101, b, 10, a, 10, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_frozen(s, &frozen, &at, &err), ZK_OK);
    CHECK_EQ_INT(at, 102);
    CHECK_EQ_INT(lc_store_get_evidence(s, 101, &ea, &la, &eb, &lb, &err), ZK_OK);
    CHECK_EQ_INT(la, 10);
    free(ea);
    free(eb);

    CHECK_EQ_INT(lc_store_unfreeze(s, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_frozen(s, &frozen, &at, &err), ZK_OK);
    CHECK(!frozen);
    CHECK_EQ_INT(lc_store_unfreeze(s, &err), ZK_OK);
    lc_store_close(s);
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (!s) return;
    CHECK_EQ_INT(lc_store_frozen(s, &frozen, &at, &err), ZK_OK);
    CHECK(!frozen);
    /* The evidence stays; headers are accepted again. */
    CHECK_EQ_INT(lc_store_get_evidence(s, 102, &ea, &la, &eb, &lb, &err), ZK_OK);
    free(ea);
    free(eb);
    CHECK_EQ_INT(append_headers(s, 1, 0, &err), ZK_OK);
    lc_store_close(s);
}

TEST(locked_and_missing)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("locked", &cp);
    if (!s) return;
    const char *dir = dir_path("locked");
    /* A second handle in this process. */
    lc_store *s2 = NULL;
    CHECK_EQ_INT(lc_store_open(&s2, dir, false, &err), ZK_ERR_IO);
    CHECK(s2 == NULL);
    CHECK(strstr(err.msg, "locked") != NULL);
    /* A second process. */
    int rd = -1;
    pid_t pid = spawn_child("lock", dir, &rd);
    CHECK(pid > 0);
    if (pid > 0) {
        char buf[512] = {0};
        size_t got = 0;
        ssize_t r;
        while (got < sizeof(buf) - 1 && (r = read(rd, buf + got, sizeof(buf) - 1 - got)) > 0)
            got += (size_t)r;
        close(rd);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CHECK_EQ_INT(strtol(buf, NULL, 10), ZK_ERR_IO);
        CHECK_MSG(strstr(buf, "locked") != NULL, "child said: %s", buf);
    }
    lc_store_close(s);
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    lc_store_close(s);

    /* Missing, and not created by looking. */
    const char *missing = dir_path("missing");
    CHECK_EQ_INT(lc_store_open(&s, missing, false, &err), ZK_ERR_NOTFOUND);
    CHECK(strstr(err.msg, "does not exist") != NULL);
    struct stat st;
    CHECK(stat(missing, &st) != 0);
    /* An existing directory without a database. */
    const char *empty = dir_path("emptydir");
    CHECK(mkdir(empty, 0700) == 0);
    CHECK_EQ_INT(lc_store_open(&s, empty, false, &err), ZK_ERR_NOTFOUND);
    CHECK(s == NULL);
}

TEST(foreign_and_other_schema)
{
    zk_errbuf err = {0};
    lc_store *s = NULL;
    /* A LevelDB database that is not ours. */
    const char *dir = dir_path("foreign");
    raw_put(dir, (const uint8_t *)"x", 1, (const uint8_t *)"y", 1);
    CHECK_EQ_INT(lc_store_open(&s, dir, true, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "not a light-client store") != NULL);

    /* Another schema version. */
    lc_checkpoint cp;
    s = fresh_store("schema", &cp);
    lc_store_close(s);
    dir = dir_path("schema");
    uint8_t meta[13] = {LC_STORE_RECORD_V1};
    be32_store(meta + 1, LC_STORE_SCHEMA_VERSION + 1);
    be64_store(meta + 5, 1337);
    raw_put(dir, (const uint8_t *)"m", 1, meta, sizeof(meta));
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_ERR_MISMATCH);
    {
        char want[40];
        snprintf(want, sizeof(want), "schema version %d", LC_STORE_SCHEMA_VERSION + 1);
        CHECK_MSG(strstr(err.msg, want) != NULL, "message %s", err.msg);
    }
    /* A meta record of another length. */
    raw_put(dir, (const uint8_t *)"m", 1, meta, 12);
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "key m") != NULL);

    /* A damaged CURRENT file: LevelDB's corruption becomes ZK_ERR_MALFORMED. */
    s = fresh_store("current", &cp);
    lc_store_close(s);
    char path[700];
    snprintf(path, sizeof(path), "%s/CURRENT", dir_path("current"));
    CHECK(th_write_file(path, "garbage", 7));
    CHECK_EQ_INT(lc_store_open(&s, dir_path("current"), false, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "corrupt") != NULL);
    CHECK(s == NULL);
}

TEST(corrupt_values)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("corrupt", &cp);
    if (!s) return;
    const char *dir = dir_path("corrupt");
    CHECK_EQ_INT(append_headers(s, 4, 0, &err), ZK_OK);
    lc_stored_header h;
    CHECK_EQ_INT(lc_store_get_header(s, &h, 104, &err), ZK_OK);
    lc_store_close(s);

    /* A valid header record to damage: 242 bytes under h/104 (see lc_store.h). */
    uint8_t rec[242];
    rec[0] = LC_STORE_RECORD_V1;
    be64_store(rec + 1, 104);
    memcpy(rec + 9, h.hash, 32);
    memcpy(rec + 41, h.parent_hash, 32);
    memcpy(rec + 73, h.state_root, 32);
    memcpy(rec + 105, h.transactions_root, 32);
    memcpy(rec + 137, h.receipts_root, 32);
    be64_store(rec + 169, h.timestamp);
    memcpy(rec + 177, h.valset_id, 32);
    memcpy(rec + 209, h.next_valset_id, 32);
    rec[241] = h.rule;
    /* Every truncation, one extra byte, another version, another number, an unknown rule:
     * planted at heights 1000 + i, read back through the store. */
    uint8_t longer[243];
    memcpy(longer, rec, 242);
    longer[242] = 0;
    for (size_t len = 0; len < 242; len++)
        raw_put_numbered(dir, 'h', 1000 + len, rec, len);
    raw_put_numbered(dir, 'h', 2000, longer, sizeof(longer));
    uint8_t bad[242];
    memcpy(bad, rec, 242);
    bad[0] = 2;
    raw_put_numbered(dir, 'h', 2001, bad, 242);
    memcpy(bad, rec, 242);
    raw_put_numbered(dir, 'h', 2002, bad, 242); /* says 104 */
    bad[241] = 9;
    be64_store(bad + 1, 2003);
    raw_put_numbered(dir, 'h', 2003, bad, 242);
    memcpy(bad, rec, 242);
    be64_store(bad + 1, 2004);
    raw_put_numbered(dir, 'h', 2004, bad, 242); /* sound: the control case */

    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (!s) return;
    lc_stored_header got;
    for (size_t len = 0; len < 242; len++) {
        CASE_BEGIN("header record truncated to %zu bytes", len);
        CHECK_EQ_INT(lc_store_get_header(s, &got, 1000 + len, &err), ZK_ERR_MALFORMED);
        char want[32];
        snprintf(want, sizeof(want), "key h/%zu", 1000 + len);
        CHECK_MSG(strstr(err.msg, want) != NULL, "message %s", err.msg);
        CASE_END();
    }
    for (uint64_t n = 2000; n <= 2003; n++) {
        CASE_BEGIN("damaged header record %" PRIu64, n);
        CHECK_EQ_INT(lc_store_get_header(s, &got, n, &err), ZK_ERR_MALFORMED);
        CASE_END();
    }
    CHECK_EQ_INT(lc_store_get_header(s, &got, 2004, &err), ZK_OK);
    CHECK_EQ_INT(got.number, 2004);
    lc_store_close(s);

    /* Validator sets: truncated, a count past the list, unsorted, a set under another id. */
    uint8_t vid[32];
    valset_id(vid, &cp.validators);
    uint8_t vkey[33] = {'v'};
    memcpy(vkey + 1, vid, 32);
    uint8_t vrec[1 + 4 + 4 * 20];
    vrec[0] = LC_STORE_RECORD_V1;
    be32_store(vrec + 1, 4);
    memcpy(vrec + 5, cp.validators.addrs, 80);
    static const char *const vcase[] = {"truncated", "count",    "zero",
                                        "unsorted",  "other id", "version"};
    for (size_t i = 0; i < sizeof(vcase) / sizeof(vcase[0]); i++) {
        CASE_BEGIN("valset %s", vcase[i]);
        uint8_t v2[sizeof(vrec)];
        size_t vlen = sizeof(vrec);
        memcpy(v2, vrec, sizeof(vrec));
        if (i == 0) vlen = 3;
        if (i == 1) be32_store(v2 + 1, 5);
        if (i == 2) be32_store(v2 + 1, 0);
        if (i == 3) {
            memcpy(v2 + 5, cp.validators.addrs[1], 20);
            memcpy(v2 + 25, cp.validators.addrs[0], 20);
        }
        if (i == 4) be32_store(v2 + 1, 3), vlen -= 20;
        if (i == 5) v2[0] = 0;
        raw_put(dir, vkey, sizeof(vkey), v2, vlen);
        CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
        if (s) {
            valset v;
            CHECK_EQ_INT(lc_store_get_valset(s, &v, vid, &err), ZK_ERR_MALFORMED);
            CHECK(strstr(err.msg, "key v/0x") != NULL);
            lc_checkpoint c2;
            CHECK_EQ_INT(lc_store_checkpoint(s, &c2, &err), ZK_ERR_MALFORMED);
            lc_store_close(s);
        }
        CASE_END();
    }
    raw_put(dir, vkey, sizeof(vkey), vrec, sizeof(vrec));

    /* Single-key records: checkpoint, head, frozen, evidence. */
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    lc_checkpoint c2;
    CHECK_EQ_INT(lc_store_checkpoint(s, &c2, &err), ZK_OK);
    lc_store_close(s);
    uint8_t junk[16];
    memset(junk, 0xee, sizeof(junk));
    raw_put(dir, (const uint8_t *)"c", 1, junk, sizeof(junk));
    raw_put(dir, (const uint8_t *)"f", 1, junk, 3);
    uint8_t head[41] = {LC_STORE_RECORD_V1};
    be64_store(head + 1, 5000); /* names a header that is not there */
    raw_put(dir, (const uint8_t *)"H", 1, head, sizeof(head));
    uint8_t ev[1 + 4 + 2 + 4 + 2] = {
        LC_STORE_RECORD_V1, 0, 0, 0, 2, 'a', 'b', 0xff, 0xff, 0xff, 0xff, 'c', 'd'};
    raw_put_numbered(dir, 'e', 7, ev, sizeof(ev));
    ev[sizeof(ev) - 3] = 2;
    ev[7] = ev[8] = ev[9] = 0;
    raw_put_numbered(dir, 'e', 8, ev, sizeof(ev)); /* sound */
    raw_put_numbered(dir, 'e', 9, ev, sizeof(ev) - 1);

    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (!s) return;
    CHECK_EQ_INT(lc_store_checkpoint(s, &c2, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "key c") != NULL);
    bool frozen;
    uint64_t at;
    CHECK_EQ_INT(lc_store_frozen(s, &frozen, &at, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "key f") != NULL);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "key H") != NULL);
    /* A header cannot be added on top of a corrupt state. */
    CHECK_EQ_INT(append_headers(s, 1, 0, &err), ZK_ERR_MALFORMED);
    uint8_t *ea, *eb;
    size_t la, lb;
    CHECK_EQ_INT(lc_store_get_evidence(s, 7, &ea, &la, &eb, &lb, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "key e/7") != NULL);
    CHECK(ea == NULL && eb == NULL);
    CHECK_EQ_INT(lc_store_get_evidence(s, 8, &ea, &la, &eb, &lb, &err), ZK_OK);
    CHECK(la == 2 && lb == 2);
    free(ea);
    free(eb);
    CHECK_EQ_INT(lc_store_get_evidence(s, 9, &ea, &la, &eb, &lb, &err), ZK_ERR_MALFORMED);
    lc_store_close(s);

    /* The head naming a stored header with another hash. */
    head[0] = LC_STORE_RECORD_V1;
    be64_store(head + 1, 104);
    memset(head + 9, 0x11, 32);
    raw_put(dir, (const uint8_t *)"H", 1, head, sizeof(head));
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (!s) return;
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "another hash") != NULL);
    lc_store_close(s);
}

/* Damage below our layouts: a byte flipped inside LevelDB's table files. Each
 * read then either returns what was written or ZK_ERR_MALFORMED, never other
 * bytes and never a crash. */
TEST(table_file_corruption)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("tables", &cp);
    if (!s) return;
    const char *dir = dir_path("tables");
    CHECK_EQ_INT(append_headers(s, 60, 10, &err), ZK_OK);
    lc_stored_header want[61];
    for (uint64_t n = 100; n <= 160; n++)
        CHECK_EQ_INT(lc_store_get_header(s, &want[n - 100], n, &err), ZK_OK);
    lc_store_close(s);
    /* Reopening moves the log into a level-0 table (.ldb). */
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    lc_store_close(s);

    int flipped = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 4 || strcmp(e->d_name + nl - 4, ".ldb") != 0) continue;
        char path[800];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r+b");
        if (!f) continue;
        struct stat st;
        if (fstat(fileno(f), &st) == 0 && st.st_size > 64) {
            long at = (long)(st.st_size / 3); /* inside the data blocks */
            int c;
            if (fseek(f, at, SEEK_SET) == 0 && (c = fgetc(f)) != EOF &&
                fseek(f, at, SEEK_SET) == 0 && fputc(c ^ 0x40, f) != EOF)
                flipped++;
        }
        fclose(f);
    }
    if (d) closedir(d);
    CHECK(flipped > 0);

    int rc = lc_store_open(&s, dir, false, &err);
    CHECK(rc == ZK_OK || rc == ZK_ERR_MALFORMED);
    if (rc != ZK_OK) return;
    int bad = 0;
    for (uint64_t n = 100; n <= 160; n++) {
        lc_stored_header got;
        rc = lc_store_get_header(s, &got, n, &err);
        if (rc == ZK_OK)
            CHECK(header_same(&got, &want[n - 100]));
        else {
            CHECK_EQ_INT(rc, ZK_ERR_MALFORMED);
            bad++;
        }
    }
    CHECK(bad > 0);
    /* LevelDB's checksum failure, with the key that hit it. */
    CHECK_MSG(strstr(err.msg, "Corruption") != NULL && strstr(err.msg, "key h/") != NULL,
              "message: %s", err.msg);
    lc_store_close(s);
}

/* Walks the store from its head down to the checkpoint: every header present,
 * linked by parent hash and set, every next set readable, nothing above the head. */
static uint64_t verify_chain(const char *dir)
{
    lc_store *s = NULL;
    zk_errbuf err = {0};
    if (lc_store_open(&s, dir, false, &err) != ZK_OK) {
        th_fail(__FILE__, __LINE__, "reopen: %s", err.msg);
        return 0;
    }
    lc_checkpoint cp;
    lc_stored_header head, h, parent;
    uint64_t top = 0;
    CHECK_EQ_INT(lc_store_checkpoint(s, &cp, &err), ZK_OK);
    if (lc_store_head(s, &head, &err) != ZK_OK) {
        th_fail(__FILE__, __LINE__, "head: %s", err.msg);
        goto out;
    }
    top = head.number;
    CHECK_EQ_INT(lc_store_get_header(s, &h, head.number + 1, &err), ZK_ERR_NOTFOUND);
    /* The aux record was written in the batch that moved the head there. */
    uint8_t *aux = NULL, want[AUX_TEST_LEN];
    size_t aux_len = 0;
    make_aux(want, &head);
    CHECK_EQ_INT(lc_store_get_aux(s, &aux, &aux_len, &err), ZK_OK);
    CHECK_MSG(aux && aux_len == sizeof(want) && memcmp(aux, want, sizeof(want)) == 0,
              "aux names block %" PRIu64 ", the head is %" PRIu64,
              aux && aux_len >= 9 ? be64_load(aux + 1) : 0, head.number);
    free(aux);
    h = head;
    for (uint64_t n = head.number; n > cp.number; n--) {
        valset v;
        if (!rlp_matches(s, &h, &err)) {
            th_fail(__FILE__, __LINE__, "header %" PRIu64 ": RLP missing or wrong: %s", n, err.msg);
            goto out;
        }
        if (lc_store_get_valset(s, &v, h.next_valset_id, &err) != ZK_OK ||
            lc_store_get_header(s, &parent, n - 1, &err) != ZK_OK) {
            th_fail(__FILE__, __LINE__, "at %" PRIu64 ": %s", n, err.msg);
            goto out;
        }
        if (memcmp(h.parent_hash, parent.hash, 32) != 0 ||
            memcmp(h.valset_id, parent.next_valset_id, 32) != 0) {
            th_fail(__FILE__, __LINE__, "header %" PRIu64 " does not link to its parent", n);
            goto out;
        }
        h = parent;
    }
    CHECK_MEM(h.hash, cp.hash, 32);
out:
    lc_store_close(s);
    return top;
}

TEST(crash_consistency)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("crash", &cp);
    if (!s) return;
    /* The aux record goes with the head from the start (an aux-only write). */
    lc_stored_header head;
    uint8_t aux[AUX_TEST_LEN];
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    make_aux(aux, &head);
    CHECK_EQ_INT(lc_store_put_batch(s, NULL, 0, false, aux, sizeof(aux), NULL, &err), ZK_OK);
    lc_store_close(s);
    const char *dir = dir_path("crash");
    uint64_t last = cp.number;
    for (int round = 0; round < 20; round++) {
        CASE_BEGIN("SIGKILL round %d", round);
        int rd = -1;
        pid_t pid = spawn_child("writer", dir, &rd);
        CHECK(pid > 0);
        if (pid > 0) {
            char ready = 0;
            CHECK(read(rd, &ready, 1) == 1 && ready == 'R');
            /* 0..20 ms of writing: each batch is an fsync, so the kill lands mid-write
             * often enough. */
            struct timespec d = {0, (long)(th_rand64() % 20000000)};
            nanosleep(&d, NULL);
            kill(pid, SIGKILL);
            int status = 0;
            waitpid(pid, &status, 0);
            close(rd);
            CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                      "writer ended on its own (status %d)", status);
        }
        uint64_t top = verify_chain(dir);
        CHECK(top >= last);
        last = top;
        CASE_END();
    }
    fprintf(stderr, "  crash consistency: %" PRIu64 " headers written across 20 kills\n",
            last - cp.number);
    CHECK(last > cp.number);
}

/* ---- batches ---- */

/* 1,000 headers in one put_batch against 1,000 single puts: the same records,
 * one fsync instead of 1,000. */
TEST(batch_1000_throughput)
{
    enum { N = 1000 };
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("batch1k", &cp);
    if (!s) return;
    lc_stored_header head, got;
    test_chain c;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    if (!chain_build(&c, &head, N, 100, 16, 5)) {
        CHECK(!"out of memory");
        lc_store_close(s);
        return;
    }
    size_t failed = 12345;
    double t0 = now_s();
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts, N, false, NULL, 0, &failed, &err), ZK_OK);
    double t1 = now_s();
    CHECK_EQ_INT(failed, N);
    int diffs = 0;
    for (size_t i = 0; i < N; i++) {
        if (lc_store_get_header(s, &got, c.hs[i].number, &err) != ZK_OK ||
            !header_same(&got, &c.hs[i]) || !rlp_matches(s, &c.hs[i], &err))
            diffs++;
        valset v;
        if (c.puts[i].next_set &&
            (lc_store_get_valset(s, &v, c.hs[i].next_valset_id, &err) != ZK_OK ||
             !valset_equal(&v, &c.sets[i])))
            diffs++;
    }
    CHECK_EQ_INT(diffs, 0);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK(header_same(&got, &c.hs[N - 1]));
    /* The checkpoint has no RLP unless one is put for it. */
    uint8_t *r = NULL;
    size_t rl = 0;
    CHECK_EQ_INT(lc_store_get_header_rlp(s, cp.number, &r, &rl, &err), ZK_ERR_NOTFOUND);
    CHECK(r == NULL && rl == 0);
    CHECK_EQ_INT(lc_store_get_header_rlp(s, cp.number + N + 1, &r, &rl, &err), ZK_ERR_NOTFOUND);
    lc_store_close(s);

    /* The same 1,000 headers one put (and one fsync) each. */
    s = fresh_store("single1k", &cp);
    if (!s) {
        chain_free(&c);
        return;
    }
    int fails = 0;
    double t2 = now_s();
    for (size_t i = 0; i < N; i++)
        if (lc_store_put_header(s, &c.hs[i], c.puts[i].next_set, false, &err) != ZK_OK) fails++;
    double t3 = now_s();
    CHECK_EQ_INT(fails, 0);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK(header_same(&got, &c.hs[N - 1]));
    /* lc_store_put_header keeps no RLP. */
    CHECK_EQ_INT(lc_store_get_header_rlp(s, c.hs[0].number, &r, &rl, &err), ZK_ERR_NOTFOUND);
    lc_store_close(s);
    double batch_rate = N / (t1 - t0), single_rate = N / (t3 - t2);
    fprintf(stderr,
            "  lc_store: 1000 headers (with RLP) in one batch: %.4f s, %.0f headers/s; "
            "1000 single puts: %.3f s, %.0f headers/s (x%.1f)\n",
            t1 - t0, batch_rate, t3 - t2, single_rate, batch_rate / single_rate);
    CHECK_MSG(t1 - t0 < t3 - t2, "one batch (%.4f s) was not faster than single puts (%.4f s)",
              t1 - t0, t3 - t2);
    chain_free(&c);
}

/* Reads the head, header head+1, its RLP and aux, to compare before and after a failed batch. */
typedef struct store_snapshot {
    lc_stored_header head;
    int next_rc, next_rlp_rc, aux_rc;
    uint8_t *aux;
    size_t aux_len;
} store_snapshot;

static void snapshot_take(store_snapshot *snap, lc_store *s)
{
    zk_errbuf err;
    lc_stored_header h;
    uint8_t *r = NULL;
    size_t rl = 0;
    memset(snap, 0, sizeof(*snap));
    CHECK_EQ_INT(lc_store_head(s, &snap->head, &err), ZK_OK);
    snap->next_rc = lc_store_get_header(s, &h, snap->head.number + 1, &err);
    snap->next_rlp_rc = lc_store_get_header_rlp(s, snap->head.number + 1, &r, &rl, &err);
    free(r);
    snap->aux_rc = lc_store_get_aux(s, &snap->aux, &snap->aux_len, &err);
}

/* The store still reads as it did when before was taken. */
static void snapshot_same(lc_store *s, store_snapshot *before, int line)
{
    store_snapshot now;
    snapshot_take(&now, s);
    if (!header_same(&now.head, &before->head) || now.next_rc != before->next_rc ||
        now.next_rlp_rc != before->next_rlp_rc || now.aux_rc != before->aux_rc ||
        now.aux_len != before->aux_len ||
        (now.aux_len && memcmp(now.aux, before->aux, now.aux_len) != 0))
        th_fail(__FILE__, line,
                "a failed batch changed the store (head %" PRIu64 " -> %" PRIu64 ")",
                before->head.number, now.head.number);
    free(now.aux);
}

/* A batch whose 500th put does not link: nothing of it is written. */
TEST(batch_atomic_on_failure)
{
    enum { N = 1000 };
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("batchfail", &cp);
    if (!s) return;
    CHECK_EQ_INT(append_headers(s, 3, 0, &err), ZK_OK);
    uint8_t aux0[4] = {1, 2, 3, 4};
    CHECK_EQ_INT(lc_store_put_batch(s, NULL, 0, false, aux0, sizeof(aux0), NULL, &err), ZK_OK);
    lc_stored_header head, got;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    test_chain c;
    if (!chain_build(&c, &head, N, 50, 4, 0)) {
        CHECK(!"out of memory");
        lc_store_close(s);
        return;
    }
    store_snapshot before;
    snapshot_take(&before, s);
    uint8_t aux[64];
    memset(aux, 7, sizeof(aux));

    /* Each way one put can fail, at index 499. */
    static const char *const how[] = {
        "parent hash",       "sealing set", "rule", "rlp over cap", "rlp NULL with a length",
        "next set not given"};
    static const int code[] = {ZK_ERR_REJECTED, ZK_ERR_REJECTED, ZK_ERR_USAGE,
                               ZK_ERR_USAGE,    ZK_ERR_USAGE,    ZK_ERR_USAGE};
    for (size_t k = 0; k < sizeof(how) / sizeof(how[0]); k++) {
        CASE_BEGIN("batch of %d failing at put 499: %s", N, how[k]);
        lc_stored_header bad = c.hs[499];
        lc_put saved = c.puts[499];
        c.puts[499].h = &bad;
        if (k == 0) bad.parent_hash[7] ^= 0x10;
        if (k == 1) bad.valset_id[0] ^= 1;
        if (k == 2) bad.rule = LC_RULE_CHECKPOINT;
        if (k == 3) c.puts[499].rlp_len = LC_STORE_EVIDENCE_MAX + 1;
        if (k == 4) c.puts[499].rlp = NULL;
        if (k == 5) c.puts[499].next_set = &c.sets[46]; /* the set from 150, not 600's */
        size_t failed = 0;
        CHECK_EQ_INT(lc_store_put_batch(s, c.puts, N, false, aux, sizeof(aux), &failed, &err),
                     code[k]);
        CHECK_EQ_INT(failed, 499);
        CHECK_MSG(strstr(err.msg, "header 603") != NULL, "message %s", err.msg);
        c.puts[499] = saved;
        /* Nothing at all: not the head, not header 1 of the batch or its RLP, not the
         * sets handed over before 499, not aux. */
        snapshot_same(s, &before, __LINE__);
        CHECK_EQ_INT(lc_store_get_header(s, &got, c.hs[0].number, &err), ZK_ERR_NOTFOUND);
        CHECK_EQ_INT(lc_store_get_header(s, &got, c.hs[498].number, &err), ZK_ERR_NOTFOUND);
        valset v;
        CHECK(c.puts[46].next_set != NULL); /* 150 */
        CHECK_EQ_INT(lc_store_get_valset(s, &v, c.hs[46].next_valset_id, &err), ZK_ERR_NOTFOUND);
        CASE_END();
    }
    /* A batch that skips without skip at its first put, and the same batch with skip
     * at a later put only: the index names the put. */
    size_t failed = 0;
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts + 1, 10, false, aux, sizeof(aux), &failed, &err),
                 ZK_ERR_REJECTED);
    CHECK_EQ_INT(failed, 0);
    lc_put two[2] = {c.puts[0], c.puts[2]};
    CHECK_EQ_INT(lc_store_put_batch(s, two, 2, true, aux, sizeof(aux), &failed, &err),
                 ZK_ERR_REJECTED);
    CHECK_EQ_INT(failed, 1);
    snapshot_same(s, &before, __LINE__);

    /* The whole chain, then, goes in with aux. */
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts, N, false, aux, sizeof(aux), &failed, &err), ZK_OK);
    CHECK_EQ_INT(failed, N);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK(header_same(&got, &c.hs[N - 1]));
    uint8_t *a = NULL;
    size_t al = 0;
    CHECK_EQ_INT(lc_store_get_aux(s, &a, &al, &err), ZK_OK);
    CHECK(al == sizeof(aux) && a && memcmp(a, aux, sizeof(aux)) == 0);
    free(a);
    free(before.aux);
    chain_free(&c);
    lc_store_close(s);
}

TEST(batch_conflicts)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("batchconf", &cp);
    if (!s) return;
    lc_stored_header head, got, stored, sibling;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    test_chain c; /* 101..110 */
    if (!chain_build(&c, &head, 10, 0, 4, 0)) {
        CHECK(!"out of memory");
        lc_store_close(s);
        return;
    }
    /* 101..104 stored, 101 and 102 with their RLP. */
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts, 2, false, NULL, 0, NULL, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_put_header(s, &c.hs[2], NULL, false, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_put_header(s, &c.hs[3], NULL, false, &err), ZK_OK);
    store_snapshot before;
    snapshot_take(&before, s);
    stored = c.hs[2];
    make_child(&sibling, &c.hs[1], NULL, 99); /* another 103 */
    CHECK(memcmp(sibling.hash, stored.hash, 32) != 0);
    uint8_t aux[3] = {9, 9, 9};

    /* 105, 106, then a 103 with another hash: the third put conflicts. */
    lc_put p[3] = {c.puts[4], c.puts[5], {&sibling, NULL, NULL, 0}};
    size_t failed = 0;
    CHECK_EQ_INT(lc_store_put_batch(s, p, 3, false, aux, sizeof(aux), &failed, &err),
                 ZK_ERR_MISMATCH);
    CHECK_EQ_INT(failed, 2);
    CHECK(strstr(err.msg, "another header is stored") != NULL);
    snapshot_same(s, &before, __LINE__);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 103, &err), ZK_OK);
    CHECK(header_same(&got, &stored));

    /* A conflict within the batch: 105, then another 105. */
    lc_stored_header other105;
    make_child(&other105, &c.hs[3], NULL, 77);
    lc_put q[2] = {c.puts[4], {&other105, NULL, NULL, 0}};
    CHECK_EQ_INT(lc_store_put_batch(s, q, 2, false, NULL, 0, &failed, &err), ZK_ERR_MISMATCH);
    CHECK_EQ_INT(failed, 1);
    /* The same metadata twice is a no-op; the same hash with other metadata is USAGE. */
    lc_stored_header odd105 = c.hs[4];
    odd105.timestamp++;
    q[1].h = &odd105;
    CHECK_EQ_INT(lc_store_put_batch(s, q, 2, false, NULL, 0, &failed, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(failed, 1);
    snapshot_same(s, &before, __LINE__);

    /* Re-putting stored headers (102 with other RLP, 103 with RLP where none was
     * kept) writes nothing, not even RLP; 105 then 105 again is stored once. */
    uint8_t junk[5] = {0xc4, 1, 2, 3, 4};
    lc_put r[4] = {{&c.hs[1], NULL, junk, sizeof(junk)},
                   {&c.hs[2], NULL, junk, sizeof(junk)},
                   c.puts[4],
                   c.puts[4]};
    CHECK_EQ_INT(lc_store_put_batch(s, r, 4, false, NULL, 0, &failed, &err), ZK_OK);
    CHECK_EQ_INT(failed, 4);
    CHECK(rlp_matches(s, &c.hs[1], &err));
    uint8_t *rl = NULL;
    size_t rn = 0;
    CHECK_EQ_INT(lc_store_get_header_rlp(s, 103, &rl, &rn, &err), ZK_ERR_NOTFOUND);
    CHECK(rlp_matches(s, &c.hs[4], &err));
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK_EQ_INT(got.number, 105);
    /* A batch of nothing but stored headers succeeds and changes nothing. */
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts, 5, false, NULL, 0, &failed, &err), ZK_OK);
    /* Frozen: the first put fails, and so does aux alone. */
    uint8_t ea[2] = {1, 2}, eb[2] = {3, 4};
    CHECK_EQ_INT(lc_store_record_equivocation(s, 103, ea, 2, eb, 2, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts + 5, 5, false, aux, sizeof(aux), &failed, &err),
                 ZK_ERR_REJECTED);
    CHECK_EQ_INT(failed, 0);
    CHECK(strstr(err.msg, "frozen") != NULL);
    CHECK_EQ_INT(lc_store_put_batch(s, NULL, 0, false, aux, sizeof(aux), &failed, &err),
                 ZK_ERR_REJECTED);
    CHECK_EQ_INT(failed, 0);
    uint8_t *a = NULL;
    size_t al = 0;
    CHECK_EQ_INT(lc_store_get_aux(s, &a, &al, &err), ZK_ERR_NOTFOUND);
    CHECK(a == NULL && al == 0);
    CHECK_EQ_INT(lc_store_unfreeze(s, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts + 5, 5, false, aux, sizeof(aux), &failed, &err),
                 ZK_OK);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK_EQ_INT(got.number, 110);
    free(before.aux);
    chain_free(&c);
    lc_store_close(s);
}

/* skip lifts the parent check for puts[0] only; later puts link to it, and a
 * batch may fill a gap below the head up to the stored header above it. */
TEST(batch_skip)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("batchskip", &cp);
    if (!s) return;
    lc_stored_header head, got;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    test_chain c; /* 101..130, a new set at 110, 120, 130 */
    if (!chain_build(&c, &head, 30, 10, 5, 0)) {
        CHECK(!"out of memory");
        lc_store_close(s);
        return;
    }
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts, 3, false, NULL, 0, NULL, &err), ZK_OK); /* ..103 */
    size_t failed = 0;
    /* 106..108 without skip: a gap at the first put. */
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts + 5, 3, false, NULL, 0, &failed, &err),
                 ZK_ERR_REJECTED);
    CHECK_EQ_INT(failed, 0);
    /* 106..108 with skip: 106 sealed by the head's next set, 107 and 108 link to it. */
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts + 5, 3, true, NULL, 0, &failed, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK(header_same(&got, &c.hs[7]));
    CHECK(rlp_matches(s, &c.hs[5], &err));
    /* skip does not apply past puts[0]: 109 links, 115 above the new head is a gap. */
    lc_put p[2] = {c.puts[8], c.puts[14]};
    CHECK_EQ_INT(lc_store_put_batch(s, p, 2, true, NULL, 0, &failed, &err), ZK_ERR_REJECTED);
    CHECK_EQ_INT(failed, 1);
    CHECK(strstr(err.msg, "header 115") != NULL);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 109, &err), ZK_ERR_NOTFOUND);
    /* A skip across a rotation: 112 must be sealed by the set 110 hands over to, which
     * only 110's put carries, so skipping there from 108 is refused. */
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts + 11, 2, true, NULL, 0, &failed, &err),
                 ZK_ERR_REJECTED);
    CHECK_EQ_INT(failed, 0);
    CHECK(strstr(err.msg, "sealed by another set") != NULL);
    /* 109..120 in one batch: 110 hands over to a new set that 111.. are sealed by. */
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts + 8, 12, false, NULL, 0, &failed, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK_EQ_INT(got.number, 120);
    /* Fill 104, 105 below the head: 105 must be the parent of the stored 106. */
    lc_stored_header wrong105;
    make_child(&wrong105, &c.hs[3], NULL, 31);
    lc_put gap[2] = {c.puts[3], {&wrong105, NULL, NULL, 0}};
    CHECK_EQ_INT(lc_store_put_batch(s, gap, 2, false, NULL, 0, &failed, &err), ZK_ERR_REJECTED);
    CHECK_EQ_INT(failed, 1);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 104, &err), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts + 3, 2, false, NULL, 0, &failed, &err), ZK_OK);
    for (size_t i = 0; i < 20; i++) {
        CHECK_EQ_INT(lc_store_get_header(s, &got, c.hs[i].number, &err), ZK_OK);
        CHECK(header_same(&got, &c.hs[i]));
        CHECK(rlp_matches(s, &c.hs[i], &err));
    }
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK_EQ_INT(got.number, 120);
    chain_free(&c);
    lc_store_close(s);
}

TEST(aux_and_rlp_limits)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    uint8_t *a = NULL, *r = NULL;
    size_t al = 0, rl = 0, failed = 0;
    /* Before init there is no head for aux to go with. */
    lc_store *s = NULL;
    CHECK_EQ_INT(lc_store_open(&s, dir_path("auxinit"), true, &err), ZK_OK);
    if (s) {
        uint8_t one = 1;
        CHECK_EQ_INT(lc_store_put_batch(s, NULL, 0, false, &one, 1, &failed, &err),
                     ZK_ERR_NOTFOUND);
        CHECK_EQ_INT(failed, 0);
        CHECK_EQ_INT(lc_store_get_aux(s, &a, &al, &err), ZK_ERR_NOTFOUND);
        CHECK_EQ_INT(lc_store_get_checkpoint_rlp(s, &r, &rl, &err), ZK_ERR_NOTFOUND);
        CHECK_EQ_INT(lc_store_put_checkpoint_rlp(s, &one, 1, &err), ZK_ERR_NOTFOUND);
        lc_store_close(s);
    }

    s = fresh_store("aux", &cp);
    if (!s) return;
    const char *dir = dir_path("aux");
    CHECK_EQ_INT(lc_store_get_aux(s, &a, &al, &err), ZK_ERR_NOTFOUND);
    CHECK(strstr(err.msg, "no aux") != NULL);
    CHECK(a == NULL && al == 0);
    /* n == 0 without aux: nothing to do. */
    CHECK_EQ_INT(lc_store_put_batch(s, NULL, 0, false, NULL, 0, &failed, &err), ZK_OK);
    CHECK_EQ_INT(failed, 0);
    /* Write, read, replace with a longer, a shorter and an empty record. */
    static const size_t sizes[] = {100, 70000, 3, 0, LC_STORE_AUX_MAX};
    uint8_t *blob = malloc(LC_STORE_AUX_MAX + 1);
    if (!blob) {
        CHECK(blob != NULL);
        lc_store_close(s);
        return;
    }
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        CASE_BEGIN("aux of %zu bytes", sizes[k]);
        th_rand_bytes(blob, sizes[k] < 4096 ? sizes[k] : 4096);
        blob[sizes[k]] = 0x5a; /* past the end: must not be stored */
        CHECK_EQ_INT(lc_store_put_batch(s, NULL, 0, false, blob, sizes[k], &failed, &err), ZK_OK);
        CHECK_EQ_INT(lc_store_get_aux(s, &a, &al, &err), ZK_OK);
        CHECK(a != NULL);
        CHECK_EQ_INT(al, sizes[k]);
        if (a && al == sizes[k]) CHECK_MEM(a, blob, al);
        free(a);
        CASE_END();
    }
    /* Over the cap: refused before anything else, index n. */
    uint8_t small[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK_EQ_INT(lc_store_put_batch(s, NULL, 0, false, small, sizeof(small), NULL, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_put_batch(s, NULL, 0, false, blob, LC_STORE_AUX_MAX + 1, &failed, &err),
                 ZK_ERR_USAGE);
    CHECK_EQ_INT(failed, 0);
    lc_stored_header head, got;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    test_chain c;
    if (!chain_build(&c, &head, 4, 0, 4, 0)) {
        CHECK(!"out of memory");
        free(blob);
        lc_store_close(s);
        return;
    }
    CHECK_EQ_INT(lc_store_put_batch(s, c.puts, 4, false, blob, LC_STORE_AUX_MAX + 1, &failed, &err),
                 ZK_ERR_USAGE);
    CHECK_EQ_INT(failed, 4);
    CHECK(strstr(err.msg, "aux") != NULL);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 101, &err), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(lc_store_get_aux(s, &a, &al, &err), ZK_OK);
    CHECK(al == sizeof(small) && a && memcmp(a, small, sizeof(small)) == 0);
    free(a);
    CHECK_EQ_INT(lc_store_put_batch(s, (const lc_put *)NULL, 2, false, NULL, 0, &failed, &err),
                 ZK_ERR_USAGE);
    CHECK_EQ_INT(failed, 2);

    /* RLP: over the cap, NULL with a length, a pointer with length 0, no header. */
    lc_put p = c.puts[0];
    p.rlp = blob;
    p.rlp_len = LC_STORE_EVIDENCE_MAX + 1;
    CHECK_EQ_INT(lc_store_put_batch(s, &p, 1, false, NULL, 0, &failed, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(failed, 0);
    CHECK(strstr(err.msg, "raw RLP") != NULL);
    p.rlp = NULL;
    p.rlp_len = 10;
    CHECK_EQ_INT(lc_store_put_batch(s, &p, 1, false, NULL, 0, &failed, &err), ZK_ERR_USAGE);
    p.rlp = blob;
    p.rlp_len = 0;
    CHECK_EQ_INT(lc_store_put_batch(s, &p, 1, false, NULL, 0, &failed, &err), ZK_ERR_USAGE);
    p.h = NULL;
    CHECK_EQ_INT(lc_store_put_batch(s, &p, 1, false, NULL, 0, &failed, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(lc_store_get_header(s, &got, 101, &err), ZK_ERR_NOTFOUND);
    /* Exactly at the cap: kept and read back. */
    p = c.puts[0];
    p.rlp = blob;
    p.rlp_len = LC_STORE_EVIDENCE_MAX;
    CHECK_EQ_INT(lc_store_put_batch(s, &p, 1, false, NULL, 0, &failed, &err), ZK_OK);
    CHECK_EQ_INT(lc_store_get_header_rlp(s, 101, &r, &rl, &err), ZK_OK);
    CHECK_EQ_INT(rl, LC_STORE_EVIDENCE_MAX);
    if (r && rl == LC_STORE_EVIDENCE_MAX) CHECK_MEM(r, blob, rl);
    free(r);

    /* The checkpoint header's RLP: kept once, the same bytes again are a no-op. */
    CHECK_EQ_INT(lc_store_get_checkpoint_rlp(s, &r, &rl, &err), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(lc_store_put_checkpoint_rlp(s, small, 0, &err), ZK_ERR_USAGE);
    CHECK_EQ_INT(lc_store_put_checkpoint_rlp(s, blob, LC_STORE_EVIDENCE_MAX + 1, &err),
                 ZK_ERR_USAGE);
    CHECK_EQ_INT(lc_store_put_checkpoint_rlp(s, small, sizeof(small), &err), ZK_OK);
    CHECK_EQ_INT(lc_store_put_checkpoint_rlp(s, small, sizeof(small), &err), ZK_OK);
    CHECK_EQ_INT(lc_store_put_checkpoint_rlp(s, small, sizeof(small) - 1, &err), ZK_ERR_MISMATCH);
    lc_store_close(s);
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (s) {
        CHECK_EQ_INT(lc_store_get_checkpoint_rlp(s, &r, &rl, &err), ZK_OK);
        CHECK(rl == sizeof(small) && r && memcmp(r, small, rl) == 0);
        free(r);
        CHECK_EQ_INT(lc_store_get_header_rlp(s, cp.number, &r, &rl, &err), ZK_OK);
        CHECK_EQ_INT(rl, sizeof(small));
        free(r);
        lc_store_close(s);
    }
    chain_free(&c);
    free(blob);
}

/* Damaged "r" and "a" values read as ZK_ERR_MALFORMED naming the key. */
TEST(corrupt_rlp_and_aux)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("corruptra", &cp);
    if (!s) return;
    const char *dir = dir_path("corruptra");
    lc_store_close(s);

    /* A sound record for 2004 (the control), then damaged ones: every truncation,
     * an extra byte, another version, another number, a length of 0, a length field
     * that disagrees with the bytes, and one above the cap. */
    enum { L = 20, REC = 13 + L };
    uint8_t rec[REC + 1];
    rec[0] = LC_STORE_RECORD_V1;
    be64_store(rec + 1, 2004);
    be32_store(rec + 9, L);
    for (size_t i = 0; i < L; i++)
        rec[13 + i] = (uint8_t)(0xc0 + i);
    rec[REC] = 0;
    raw_put_numbered(dir, 'r', 2004, rec, REC);
    for (size_t len = 0; len < REC; len++) {
        be64_store(rec + 1, 3000 + len);
        raw_put_numbered(dir, 'r', 3000 + len, rec, len);
    }
    uint8_t bad[REC + 1];
    for (int k = 0; k < 6; k++) {
        memcpy(bad, rec, sizeof(bad));
        be64_store(bad + 1, 2010 + (uint64_t)k);
        size_t blen = REC;
        if (k == 0) blen = REC + 1;
        if (k == 1) bad[0] = 2;
        if (k == 2) be64_store(bad + 1, 2004);
        if (k == 3) be32_store(bad + 9, 0), blen = 13;
        if (k == 4) be32_store(bad + 9, L + 1);
        if (k == 5) be32_store(bad + 9, LC_STORE_EVIDENCE_MAX + 1);
        raw_put_numbered(dir, 'r', 2010 + (uint64_t)k, bad, blen);
    }

    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (!s) return;
    uint8_t *r = NULL;
    size_t rl = 0;
    CHECK_EQ_INT(lc_store_get_header_rlp(s, 2004, &r, &rl, &err), ZK_OK);
    CHECK(rl == L && r && memcmp(r, rec + 13, L) == 0);
    free(r);
    for (uint64_t n = 2010; n < 2016; n++) {
        CASE_BEGIN("damaged header RLP record %" PRIu64, n);
        CHECK_EQ_INT(lc_store_get_header_rlp(s, n, &r, &rl, &err), ZK_ERR_MALFORMED);
        char want[32];
        snprintf(want, sizeof(want), "key r/%" PRIu64, n);
        CHECK_MSG(strstr(err.msg, want) != NULL, "message %s", err.msg);
        CHECK(r == NULL && rl == 0);
        CASE_END();
    }
    for (size_t len = 0; len < REC; len++) {
        CASE_BEGIN("header RLP record truncated to %zu bytes", len);
        CHECK_EQ_INT(lc_store_get_header_rlp(s, 3000 + len, &r, &rl, &err), ZK_ERR_MALFORMED);
        char want[32];
        snprintf(want, sizeof(want), "key r/%zu", 3000 + len);
        CHECK_MSG(strstr(err.msg, want) != NULL, "message %s", err.msg);
        CHECK(r == NULL);
        CASE_END();
    }
    lc_store_close(s);

    /* Aux: one damaged record at a time under the single key "a". */
    static const char *const acase[] = {"empty",       "version",        "no length",
                                        "short bytes", "one extra byte", "over the cap"};
    size_t big_len = 5 + (size_t)LC_STORE_AUX_MAX + 1;
    uint8_t *big = calloc(1, big_len);
    CHECK(big != NULL);
    for (size_t k = 0; big && k < sizeof(acase) / sizeof(acase[0]); k++) {
        CASE_BEGIN("aux record: %s", acase[k]);
        uint8_t av[5 + 10 + 1] = {LC_STORE_RECORD_V1, 0, 0, 0, 10};
        const uint8_t *val = av;
        size_t vlen = 15;
        if (k == 0) vlen = 0;
        if (k == 1) av[0] = 0;
        if (k == 2) vlen = 4;
        if (k == 3) vlen = 14;
        if (k == 4) vlen = 16;
        if (k == 5) {
            big[0] = LC_STORE_RECORD_V1;
            be32_store(big + 1, LC_STORE_AUX_MAX + 1);
            val = big;
            vlen = big_len;
        }
        raw_put(dir, (const uint8_t *)"a", 1, val, vlen);
        CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
        if (s) {
            uint8_t *a = NULL;
            size_t al = 0;
            CHECK_EQ_INT(lc_store_get_aux(s, &a, &al, &err), ZK_ERR_MALFORMED);
            CHECK_MSG(strstr(err.msg, "key a") != NULL, "message %s", err.msg);
            CHECK(a == NULL && al == 0);
            lc_store_close(s);
        }
        CASE_END();
    }
    free(big);
    /* The sound record reads back. */
    uint8_t av[5 + 10] = {LC_STORE_RECORD_V1, 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    raw_put(dir, (const uint8_t *)"a", 1, av, sizeof(av));
    CHECK_EQ_INT(lc_store_open(&s, dir, false, &err), ZK_OK);
    if (s) {
        uint8_t *a = NULL;
        size_t al = 0;
        CHECK_EQ_INT(lc_store_get_aux(s, &a, &al, &err), ZK_OK);
        CHECK(al == 10 && a && memcmp(a, av + 5, 10) == 0);
        free(a);
        lc_store_close(s);
    }
}

TEST(bulk_10k)
{
    lc_checkpoint cp;
    zk_errbuf err = {0};
    lc_store *s = fresh_store("bulk", &cp);
    if (!s) return;
    enum { N = 10000 };
    lc_stored_header *hs = malloc(N * sizeof(*hs));
    if (!hs) {
        lc_store_close(s);
        CHECK(hs != NULL);
        return;
    }
    lc_stored_header head;
    CHECK_EQ_INT(lc_store_head(s, &head, &err), ZK_OK);
    double t0 = now_s();
    int fails = 0;
    for (int i = 0; i < N; i++) {
        valset next;
        bool rot = (head.number + 1) % 100 == 0;
        if (rot) make_set(&next, head.number + 1, 16);
        make_child(&hs[i], &head, rot ? &next : NULL, 5);
        if (lc_store_put_header(s, &hs[i], rot ? &next : NULL, false, &err) != ZK_OK) fails++;
        head = hs[i];
    }
    double t1 = now_s();
    CHECK_EQ_INT(fails, 0);
    lc_stored_header got;
    int diffs = 0;
    for (int i = 0; i < N; i++) {
        if (lc_store_get_header(s, &got, hs[i].number, &err) != ZK_OK || !header_same(&got, &hs[i]))
            diffs++;
    }
    double t2 = now_s();
    CHECK_EQ_INT(diffs, 0);
    CHECK_EQ_INT(lc_store_head(s, &got, &err), ZK_OK);
    CHECK_EQ_INT(got.number, cp.number + N);
    fprintf(stderr,
            "  lc_store: %d headers put (synced) in %.2f s, %.0f headers/s; read back in %.3f s, "
            "%.0f headers/s\n",
            N, t1 - t0, N / (t1 - t0), t2 - t1, N / (t2 - t1));
    lc_store_close(s);
    free(hs);
}

int main(void)
{
    const char *mode = getenv("LC_STORE_TEST_CHILD");
    if (mode) {
        const char *dir = getenv("LC_STORE_TEST_DIR");
        if (!dir) return 2;
        if (strcmp(mode, "lock") == 0) return child_lock(dir);
        if (strcmp(mode, "writer") == 0) return child_writer(dir);
        return 2;
    }
    RUN(init_then_reopen);
    RUN(init_twice);
    RUN(put_get_round_trip);
    RUN(unknown_parent_rejected);
    RUN(conflicting_header);
    RUN(equivocation_freezes);
    RUN(locked_and_missing);
    RUN(foreign_and_other_schema);
    RUN(corrupt_values);
    RUN(table_file_corruption);
    RUN(batch_1000_throughput);
    RUN(batch_atomic_on_failure);
    RUN(batch_conflicts);
    RUN(batch_skip);
    RUN(aux_and_rlp_limits);
    RUN(corrupt_rlp_and_aux);
    RUN(crash_consistency);
    RUN(bulk_10k);
    if (base_dir[0]) rm_tree(base_dir);
    return th_finish(__FILE__);
}
