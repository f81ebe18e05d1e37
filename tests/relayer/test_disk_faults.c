/* Disk faults on the two LevelDB stores, the light client's (lightclient/lc_store.h)
 * and the relayer's messages (relayer/msgstore.h), issue 8:
 *   - disk full: a forked child writes a large batch under RLIMIT_FSIZE (SIGXFSZ
 *     ignored, so write() fails with EFBIG part-way through LevelDB's log);
 *   - read-only: the directory is chmod 0500 when we are not root; root ignores
 *     the mode, so there the child opens the store under RLIMIT_FSIZE 0 (no file
 *     can grow: LevelDB cannot write its new log), which is what a read-only
 *     file system does to it;
 *   - the directory replaced by a file.
 * Each fault must give ZK_ERR_IO (or a clear open error) with a message, and
 * after the fault is removed the store reopens with the state from before the
 * failed write: every batch is all-or-nothing. Then the same batch succeeds. */
#include "harness.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lightclient/bytes.h"
#include "lightclient/keccak.h"
#include "lightclient/lc_store.h"
#include "lightclient/valset.h"
#include "relayer/msgstore.h"

#define BIG_RLP   (200u * 1024u) /* per header; 10 of them make a 2 MB batch */
#define N_HEADERS 10
#define FSIZE_CAP (256u * 1024u) /* below the batch, above what the store holds before */

static void fill_hash(uint8_t out[32], const char *tag, uint64_t n)
{
    uint8_t in[48] = {0};
    size_t tl = strlen(tag) < 40 ? strlen(tag) : 40;
    memcpy(in, tag, tl);
    be64_store(in + 40, n);
    keccak256(out, in, sizeof(in));
}

static void make_checkpoint(lc_checkpoint *cp)
{
    uint8_t addrs[4][20];
    memset(cp, 0, sizeof(*cp));
    cp->chain_id = 1337;
    cp->consensus = LC_QBFT;
    cp->number = 100;
    fill_hash(cp->hash, "checkpoint", 100);
    for (size_t i = 0; i < 4; i++) {
        uint8_t h[32];
        fill_hash(h, "validator", i);
        memcpy(addrs[i], h, 20);
    }
    CHECK_EQ_INT(valset_from_list(&cp->validators, (const uint8_t(*)[20])addrs, 4, NULL), ZK_OK);
}

/* Headers 101..100+N_HEADERS linked from the checkpoint, each with a big RLP. */
static void make_headers(lc_stored_header *hs, const lc_checkpoint *cp)
{
    uint8_t set_id[32];
    valset_id(set_id, &cp->validators);
    const uint8_t *parent = cp->hash;
    for (size_t i = 0; i < N_HEADERS; i++) {
        lc_stored_header *h = &hs[i];
        memset(h, 0, sizeof(*h));
        h->number = cp->number + 1 + i;
        memcpy(h->parent_hash, parent, 32);
        fill_hash(h->hash, "hash", h->number);
        fill_hash(h->state_root, "state", h->number);
        fill_hash(h->receipts_root, "receipts", h->number);
        h->timestamp = 1700000000 + h->number;
        memcpy(h->valset_id, set_id, 32);
        memcpy(h->next_valset_id, set_id, 32);
        h->rule = LC_RULE_BFT_QUORUM;
        parent = h->hash;
    }
}

/* The result of a child: its code and message. */
typedef struct child_out {
    int rc;
    char msg[256];
} child_out;

typedef int (*child_fn)(void *arg, zk_errbuf *err);

/* Runs fn in a forked child under RLIMIT_FSIZE fsize (0: none... see below).
 * limit_all: the limit is set before fn runs at all; otherwise fn itself calls
 * apply_fsize_limit when it is ready (after opening the store). */
static uint64_t g_fsize; /* the child's limit: set in the parent before fork, read in the child */

static void apply_fsize_limit(void)
{
    struct rlimit rl = {(rlim_t)g_fsize, (rlim_t)g_fsize};
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(120);
}

static child_out run_child(child_fn fn, void *arg, uint64_t fsize)
{
    child_out out = {-1, "the child died"};
    int fds[2];
    if (pipe(fds) != 0) return out;
    g_fsize = fsize;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        zk_errbuf err = {{0}, 0};
        child_out r = {0, ""};
        r.rc = fn(arg, &err);
        memcpy(r.msg, err.msg, sizeof(r.msg));
        ssize_t w = write(fds[1], &r, sizeof(r));
        _exit(w == (ssize_t)sizeof(r) ? 0 : 121);
    }
    close(fds[1]);
    ssize_t n = pid > 0 ? read(fds[0], &out, sizeof(out)) : -1;
    close(fds[0]);
    int status = 0;
    if (pid > 0) waitpid(pid, &status, 0);
    CHECK_MSG(n == (ssize_t)sizeof(out) && WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "child status %d", status);
    out.msg[sizeof(out.msg) - 1] = '\0';
    if (out.rc != ZK_OK) printf("  the operator reads (%s): %s\n", zk_strerror(out.rc), out.msg);
    return out;
}

static char lc_dir[512], msg_dir[512];
static lc_checkpoint cp;
static lc_stored_header hs[N_HEADERS];
static uint8_t *big_rlp;

/* ---- light-client store ---------------------------------------------------- */

static int lc_write_batch(void *arg, zk_errbuf *err)
{
    (void)arg;
    lc_store *s = NULL;
    int rc = lc_store_open(&s, lc_dir, false, err);
    if (rc) return rc;
    apply_fsize_limit();
    lc_put puts[N_HEADERS];
    for (size_t i = 0; i < N_HEADERS; i++)
        puts[i] = (lc_put){&hs[i], NULL, big_rlp, BIG_RLP};
    rc = lc_store_put_batch(s, puts, N_HEADERS, false, NULL, 0, NULL, err);
    lc_store_close(s);
    return rc;
}

static int lc_open_only(void *arg, zk_errbuf *err)
{
    (void)arg;
    lc_store *s = NULL;
    apply_fsize_limit();
    int rc = lc_store_open(&s, lc_dir, false, err);
    lc_store_close(s);
    return rc;
}

/* The store's head number after a clean reopen, and that every header up to it
 * (and none above) is stored with its RLP intact. */
static uint64_t lc_check_state(void)
{
    lc_store *s = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = lc_store_open(&s, lc_dir, false, &err);
    CHECK_MSG(rc == ZK_OK, "reopen after the fault: %s", err.msg);
    if (rc) return UINT64_MAX;
    lc_stored_header head;
    uint64_t n = UINT64_MAX;
    if (lc_store_head(s, &head, &err) == ZK_OK) n = head.number;
    CHECK_MSG(n != UINT64_MAX, "head: %s", err.msg);
    for (size_t i = 0; i < N_HEADERS; i++) {
        lc_stored_header got;
        uint8_t *rlp = NULL;
        size_t len = 0;
        int g = lc_store_get_header(s, &got, hs[i].number, NULL);
        int r = lc_store_get_header_rlp(s, hs[i].number, &rlp, &len, NULL);
        if (hs[i].number <= n) {
            CHECK_EQ_INT(g, ZK_OK);
            CHECK_MEM(got.hash, hs[i].hash, 32);
            CHECK_EQ_INT(r, ZK_OK);
            CHECK(len == BIG_RLP && rlp && memcmp(rlp, big_rlp, len) == 0);
        } else {
            CHECK_EQ_INT(g, ZK_ERR_NOTFOUND);
            CHECK_EQ_INT(r, ZK_ERR_NOTFOUND);
        }
        free(rlp);
    }
    lc_store_close(s);
    return n;
}

TEST(lc_store_disk_full)
{
    CASE_BEGIN("lc_store: a 2 MB batch on a full disk: ZK_ERR_IO, nothing written");
    child_out r = run_child(lc_write_batch, NULL, FSIZE_CAP);
    CHECK_MSG(r.rc == ZK_ERR_IO, "rc %d (%s)", r.rc, r.msg);
    CHECK_MSG(r.msg[0] != '\0', "no message");
    CHECK_EQ_INT(lc_check_state(), cp.number);
    CASE_END();
    CASE_BEGIN("lc_store: with space again the same batch is written whole");
    r = run_child(lc_write_batch, NULL, RLIM_INFINITY);
    CHECK_MSG(r.rc == ZK_OK, "rc %d (%s)", r.rc, r.msg);
    CHECK_EQ_INT(lc_check_state(), cp.number + N_HEADERS);
    CASE_END();
}

/* Read-only: chmod when not root; a file system refusing every write when root. */
static void make_read_only(const char *dir, bool on)
{
    if (geteuid() != 0) CHECK_EQ_INT(chmod(dir, on ? 0500 : 0700), 0);
}

TEST(lc_store_read_only)
{
    CASE_BEGIN("lc_store: opening a read-only directory: a clear error, state intact");
    make_read_only(lc_dir, true);
    child_out r = run_child(lc_open_only, NULL, geteuid() == 0 ? 0 : RLIM_INFINITY);
    make_read_only(lc_dir, false);
    CHECK_MSG(r.rc == ZK_ERR_IO, "rc %d (%s)", r.rc, r.msg);
    CHECK_MSG(r.msg[0] != '\0', "no message");
    CHECK_EQ_INT(lc_check_state(), cp.number + N_HEADERS);
    CASE_END();
}

TEST(lc_store_dir_replaced_by_file)
{
    CASE_BEGIN("lc_store: the directory is a file: open fails clearly; restored, it opens");
    char aside[600];
    snprintf(aside, sizeof(aside), "%s.aside", lc_dir);
    CHECK_EQ_INT(rename(lc_dir, aside), 0);
    CHECK(th_write_file(lc_dir, "not a directory\n", 16));
    lc_store *s = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = lc_store_open(&s, lc_dir, true, &err);
    CHECK_MSG(rc != ZK_OK && s == NULL, "rc %d", rc);
    CHECK_MSG(err.msg[0] != '\0', "no message");
    lc_store_close(s);
    CHECK_EQ_INT(unlink(lc_dir), 0);
    CHECK_EQ_INT(rename(aside, lc_dir), 0);
    CHECK_EQ_INT(lc_check_state(), cp.number + N_HEADERS);
    CASE_END();
}

/* ---- message store ----------------------------------------------------------- */

static char *big_bundle;

static void make_msg(msg_record *r, size_t i)
{
    msg_record_init(r);
    fill_hash(r->m, "message", i);
    r->state = MSG_INCLUSION_PROVEN;
    r->block_number = 1000 + i;
    fill_hash(r->block_hash, "block", i);
    fill_hash(r->src_tx_hash, "tx", i);
    r->nonce = i;
    r->dst_chain_id = 31337;
    r->t_ms[MSG_SEEN] = 1700000000000u + i;
    r->t_ms[MSG_INCLUSION_PROVEN] = 1700000001000u + i;
}

static int msg_write_batch(void *arg, zk_errbuf *err)
{
    (void)arg;
    msgstore *s = NULL;
    int rc = msgstore_open(&s, msg_dir, false, err);
    if (rc) return rc;
    apply_fsize_limit();
    msgstore_batch *b = msgstore_batch_new(s);
    rc = b ? ZK_OK : ZK_ERR_NOMEM;
    for (size_t i = 0; rc == ZK_OK && i < 4; i++) {
        msg_record r;
        make_msg(&r, i);
        rc = msgstore_batch_put_msg(b, &r, 0, err);
        if (rc == ZK_OK) rc = msgstore_batch_put_bundle(b, r.m, big_bundle, err);
        msg_record_clear(&r);
    }
    if (rc == ZK_OK) {
        msgstore_batch_put_scan_height(b, 2000);
        msgstore_batch_put_next_nonce(b, 7);
        rc = msgstore_batch_commit(b, err);
    }
    msgstore_batch_free(b);
    msgstore_close(s);
    return rc;
}

static int msg_open_only(void *arg, zk_errbuf *err)
{
    (void)arg;
    msgstore *s = NULL;
    apply_fsize_limit();
    int rc = msgstore_open(&s, msg_dir, false, err);
    msgstore_close(s);
    return rc;
}

/* Checks the message store holds all of the batch (want true) or none of it. */
static void msg_check_state(bool want)
{
    msgstore *s = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = msgstore_open(&s, msg_dir, false, &err);
    CHECK_MSG(rc == ZK_OK, "reopen after the fault: %s", err.msg);
    if (rc) return;
    uint64_t counts[MSG_STATE_COUNT] = {0}, h = 0, nonce = 0;
    bool hf = false, nf = false;
    CHECK_EQ_INT(msgstore_count(s, counts, NULL), ZK_OK);
    CHECK_EQ_INT(msgstore_get_scan_height(s, &h, &hf, NULL), ZK_OK);
    CHECK_EQ_INT(msgstore_get_next_nonce(s, &nonce, &nf, NULL), ZK_OK);
    CHECK_EQ_INT(counts[0], want ? 4 : 0);
    CHECK_EQ_INT(counts[MSG_INCLUSION_PROVEN], want ? 4 : 0);
    CHECK_EQ_INT(hf, want);
    CHECK_EQ_INT(h, want ? 2000 : 0);
    CHECK_EQ_INT(nf, want);
    CHECK_EQ_INT(nonce, want ? 7 : 0);
    for (size_t i = 0; i < 4; i++) {
        msg_record r;
        uint8_t m[32];
        char *json = NULL;
        fill_hash(m, "message", i);
        int g = msgstore_get(s, &r, m, NULL);
        int bg = msgstore_get_bundle(s, &json, m, NULL);
        CHECK_EQ_INT(g, want ? ZK_OK : ZK_ERR_NOTFOUND);
        CHECK_EQ_INT(bg, want ? ZK_OK : ZK_ERR_NOTFOUND);
        if (g == ZK_OK) {
            CHECK_EQ_INT(r.block_number, 1000 + i);
            msg_record_clear(&r);
        }
        if (bg == ZK_OK) CHECK(th_streq(json, big_bundle));
        free(json);
    }
    msgstore_close(s);
}

TEST(msgstore_disk_full)
{
    CASE_BEGIN("msgstore: a 4 MB transition on a full disk: ZK_ERR_IO, nothing written");
    msgstore *s = NULL;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(msgstore_open(&s, msg_dir, true, &err), ZK_OK);
    msgstore_close(s);
    child_out r = run_child(msg_write_batch, NULL, FSIZE_CAP);
    CHECK_MSG(r.rc == ZK_ERR_IO, "rc %d (%s)", r.rc, r.msg);
    CHECK_MSG(r.msg[0] != '\0', "no message");
    msg_check_state(false);
    CASE_END();
    CASE_BEGIN("msgstore: with space again the same transition is written whole");
    r = run_child(msg_write_batch, NULL, RLIM_INFINITY);
    CHECK_MSG(r.rc == ZK_OK, "rc %d (%s)", r.rc, r.msg);
    msg_check_state(true);
    CASE_END();
}

TEST(msgstore_read_only_and_not_a_dir)
{
    CASE_BEGIN("msgstore: opening a read-only directory: a clear error, state intact");
    make_read_only(msg_dir, true);
    child_out r = run_child(msg_open_only, NULL, geteuid() == 0 ? 0 : RLIM_INFINITY);
    make_read_only(msg_dir, false);
    CHECK_MSG(r.rc == ZK_ERR_IO, "rc %d (%s)", r.rc, r.msg);
    CHECK_MSG(r.msg[0] != '\0', "no message");
    msg_check_state(true);
    CASE_END();
    CASE_BEGIN("msgstore: the directory is a file: open fails clearly; restored, it opens");
    char aside[600];
    snprintf(aside, sizeof(aside), "%s.aside", msg_dir);
    CHECK_EQ_INT(rename(msg_dir, aside), 0);
    CHECK(th_write_file(msg_dir, "not a directory\n", 16));
    msgstore *s = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = msgstore_open(&s, msg_dir, true, &err);
    CHECK_MSG(rc != ZK_OK && s == NULL, "rc %d", rc);
    CHECK_MSG(err.msg[0] != '\0', "no message");
    msgstore_close(s);
    CHECK_EQ_INT(unlink(msg_dir), 0);
    CHECK_EQ_INT(rename(aside, msg_dir), 0);
    msg_check_state(true);
    CASE_END();
}

TEST_MAIN({
    snprintf(lc_dir, sizeof(lc_dir), "%s", th_tmp_path("lc"));
    snprintf(msg_dir, sizeof(msg_dir), "%s", th_tmp_path("msgs"));
    big_rlp = malloc(BIG_RLP);
    big_bundle = malloc(1024u * 1024u + 1);
    if (!big_rlp || !big_bundle) return 1;
    th_rand_bytes(big_rlp, BIG_RLP);
    /* A JSON text of 1 MiB; its content is opaque to the store. */
    memset(big_bundle, 'a', 1024u * 1024u);
    big_bundle[0] = '"';
    big_bundle[1024u * 1024u - 1] = '"';
    big_bundle[1024u * 1024u] = '\0';
    make_checkpoint(&cp);
    make_headers(hs, &cp);
    lc_store *s = NULL;
    zk_errbuf err = {{0}, 0};
    if (lc_store_open(&s, lc_dir, true, &err) == ZK_OK && lc_store_init(s, &cp, &err) == ZK_OK) {
        lc_store_close(s);
        RUN(lc_store_disk_full);
        RUN(lc_store_read_only);
        RUN(lc_store_dir_replaced_by_file);
    } else {
        lc_store_close(s);
        th_fail(__FILE__, __LINE__, "init: %s", err.msg);
    }
    RUN(msgstore_disk_full);
    RUN(msgstore_read_only_and_not_a_dir);
    free(big_rlp);
    free(big_bundle);
})
