/* The proving job of the daemon: finality proofs of the source headers that hold
 * messages (and of the rotation headers on the way to them), inclusion proofs of
 * the messages, and the proof bundle of each message.
 *
 * Threads. The main loop prepares each job natively (the header from the light
 * client's store, the receipts of the block re-checked against the verified
 * receiptsRoot, the witness), hands it to a pool of cfg->prover.workers threads
 * through a bounded queue, and keeps polling meanwhile. A worker only builds the
 * statement and proves it (prover/stmt_prove.h); it never touches a store. The main
 * loop collects finished jobs and commits each result in ONE batch (block proven;
 * message inclusion-proven with its bundle). A kill -9 loses at most the proofs in
 * flight, which the next run schedules again from the stored states.
 *
 * Ordering on the light client contract. Every header must be above the contract's
 * last rotation, and a header is proven against the set the contract trusts now, so
 * blocks are proven in ascending order and no block is proven past a rotation block
 * that is not confirmed yet. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
/* unistd.h declares BSD's daemon(3), whose name our struct takes: rename it away. */
#define daemon unistd_daemon
#include <unistd.h>
#undef daemon

#include <jansson.h>

#include "lightclient/bft.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "lightclient/mpt.h"
#include "lightclient/receipt.h"
#include "prover/solidity_verifier.h"
#include "prover/stmt_prove.h"
#include "relayer/bridge_abi.h"
#include "relayer/bundle.h"
#include "relayer/daemon_internal.h"

#define KIND_FIN 0
#define KIND_INC 1
/* Jobs waiting for a worker, beyond those running: the main loop stops scheduling
 * when the queue is full, so memory stays bounded (a witness holds a header or a
 * block's receipts). */
#define POOL_QUEUE_MAX 4
/* A block's receipts: more than any real block holds. */
#define MAX_RECEIPTS 65536
/* What a walk callback returns to stop msgstore_each early (distinct from every zk_err). */
#define WALK_STOP (-1)

typedef struct prove_job {
    struct prove_job *next;
    int kind;
    uint64_t block;
    uint8_t m[32];
    stmt_fin_witness fw;
    stmt_inc_witness iw;
    /* results */
    int rc;
    zk_errbuf err;
    groth16_proof proof;
    uint8_t pub[STMT_FIN_N_PUBLIC][32];
    double seconds;
} prove_job;

struct daemon_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    prove_job *queue, *queue_tail, *done;
    prove_job *running[64];
    size_t n_queued, n_running;
    uint64_t n_done;
    bool stop;
    pthread_t th[64];
    size_t n_th;
    /* proving keys, loaded by the first worker that needs one (under key_mu) */
    pthread_mutex_t key_mu[2];
    stmt_key keys[2];
    int key_state[2]; /* 0 not loaded, 1 loaded, -1 failed (key_err) */
    char key_err[2][256];
    const daemon *d;
    unsigned threads;
    bool tty;
    char last_progress[128];
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void job_free(prove_job *j)
{
    if (!j) return;
    stmt_fin_witness_clear(&j->fw);
    stmt_inc_witness_clear(&j->iw);
    free(j);
}

static const char *const kind_name[2] = {"finality", "inclusion"};

/* Loads the key of kind once. Returns ZK_OK or the load's code (err set). */
static int pool_key(daemon_pool *p, int kind, zk_errbuf *err)
{
    pthread_mutex_lock(&p->key_mu[kind]);
    if (p->key_state[kind] == 0) {
        const char *path =
            kind == KIND_FIN ? p->d->cfg->prover.finality_zkey : p->d->cfg->prover.inclusion_zkey;
        zk_errbuf e = {{0}, 0};
        double t0 = mono_s();
        int rc = stmt_key_load(&p->keys[kind], path, &e);
        if (rc == ZK_OK) {
            p->key_state[kind] = 1;
            daemon_log(p->d, DLOG_INFO, "prover",
                       "%s proving key loaded in %.1f s (%" PRIu32 " wires, %" PRIu32
                       " constraints)%s",
                       kind_name[kind], mono_s() - t0, p->keys[kind].pk.n_vars,
                       p->keys[kind].n_constraints,
                       p->keys[kind].pk.insecure_label ? ": INSECURE development setup" : "");
        } else {
            p->key_state[kind] = -1;
            snprintf(p->key_err[kind], sizeof(p->key_err[kind]), "%s", e.msg);
        }
    }
    int rc = p->key_state[kind] == 1 ? ZK_OK : ZK_ERR_IO;
    if (rc != ZK_OK)
        ZK_FAIL(err, ZK_ERR_IO, "prover.%sZkey: %s", kind_name[kind], p->key_err[kind]);
    pthread_mutex_unlock(&p->key_mu[kind]);
    return rc;
}

static void job_run(daemon_pool *p, prove_job *j)
{
    double t0 = mono_s();
    j->rc = pool_key(p, j->kind, &j->err);
    if (j->rc != ZK_OK) return;
    r1cs cs;
    j->rc = r1cs_init(&cs);
    if (j->rc != ZK_OK) {
        ZK_FAIL(&j->err, j->rc, "out of memory");
        return;
    }
    if (j->kind == KIND_FIN) {
        j->rc = stmt_fin_build(&cs, &p->d->fin_params, &j->fw, NULL, &j->err);
        if (j->rc == ZK_OK)
            j->rc = stmt_prove(&j->proof, j->pub, STMT_FIN_N_PUBLIC, &cs, &p->keys[KIND_FIN],
                               p->threads, &j->err);
    } else {
        j->rc = stmt_inc_build(&cs, &p->d->inc_params, &j->iw, NULL, &j->err);
        if (j->rc == ZK_OK)
            j->rc = stmt_prove(&j->proof, j->pub, STMT_INC_N_PUBLIC, &cs, &p->keys[KIND_INC],
                               p->threads, &j->err);
    }
    r1cs_clear(&cs);
    j->seconds = mono_s() - t0;
}

typedef struct worker_arg {
    daemon_pool *p;
    size_t slot;
} worker_arg;

static void *worker_main(void *arg)
{
    worker_arg wa = *(worker_arg *)arg;
    free(arg);
    daemon_pool *p = wa.p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !p->queue)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop) break;
        prove_job *j = p->queue;
        p->queue = j->next;
        if (!p->queue) p->queue_tail = NULL;
        p->n_queued--;
        p->running[wa.slot] = j;
        p->n_running++;
        pthread_mutex_unlock(&p->mu);
        job_run(p, j);
        pthread_mutex_lock(&p->mu);
        p->running[wa.slot] = NULL;
        p->n_running--;
        j->next = p->done;
        p->done = j;
        p->n_done++;
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int daemon_prove_start(daemon *d, zk_errbuf *err)
{
    const config_prover *cp = &d->cfg->prover;
    stmt_fin_default_params(&d->fin_params, (size_t)cp->validators);
    if (cp->max_header_len) d->fin_params.max_header_len = (size_t)cp->max_header_len;
    stmt_inc_default_params(&d->inc_params);
    d->inc_params.max_depth = (size_t)cp->depth;
    d->inc_params.max_receipt = (size_t)cp->max_receipt;
    d->inc_params.max_logs = (size_t)cp->max_logs;
    if (cp->max_node_len) d->inc_params.max_node_len = (size_t)cp->max_node_len;
    zk_errbuf e = {{0}, 0};
    if (stmt_fin_check_params(&d->fin_params, &e) != ZK_OK ||
        stmt_inc_check_params(&d->inc_params, &e) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_USAGE, "prover: %s", e.msg);
    daemon_pool *p = calloc(1, sizeof(*p));
    if (!p) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (int k = 0; k < 2; k++) {
        pthread_mutex_init(&p->key_mu[k], NULL);
        stmt_key_init(&p->keys[k]);
    }
    p->d = d;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    p->threads = cp->threads ? (unsigned)cp->threads : (unsigned)(ncpu > 0 ? ncpu : 1);
    p->tty = isatty(STDERR_FILENO) == 1;
    d->pool = p;
    size_t n = cp->workers < 64 ? (size_t)cp->workers : 64;
    for (size_t i = 0; i < n; i++) {
        worker_arg *wa = malloc(sizeof(*wa));
        if (!wa) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
        wa->p = p;
        wa->slot = i;
        if (pthread_create(&p->th[i], NULL, worker_main, wa) != 0) {
            free(wa);
            return ZK_FAIL(err, ZK_ERR_NOMEM, "cannot start prover thread %zu", i);
        }
        p->n_th++;
    }
    daemon_log(d, DLOG_INFO, "prover",
               "%zu worker(s), %u MSM thread(s) each; finality: %zu validators, header <= %zu "
               "bytes; inclusion: depth %zu, receipt <= %zu bytes, %zu logs",
               p->n_th, p->threads, d->fin_params.max_validators, d->fin_params.max_header_len,
               d->inc_params.max_depth, d->inc_params.max_receipt, d->inc_params.max_logs);
    return ZK_OK;
}

void daemon_prove_stop(daemon *d)
{
    daemon_pool *p = d->pool;
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    size_t running = p->n_running;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (running)
        daemon_log(d, DLOG_INFO, "prover", "waiting for %zu proof(s) in progress", running);
    for (size_t i = 0; i < p->n_th; i++)
        pthread_join(p->th[i], NULL);
    while (p->queue) {
        prove_job *j = p->queue;
        p->queue = j->next;
        job_free(j);
    }
    while (p->done) {
        prove_job *j = p->done;
        p->done = j->next;
        job_free(j);
    }
    for (int k = 0; k < 2; k++) {
        stmt_key_clear(&p->keys[k]);
        pthread_mutex_destroy(&p->key_mu[k]);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    if (p->tty && p->last_progress[0]) fputc('\n', stderr);
    free(p);
    d->pool = NULL;
}

bool daemon_prove_busy(daemon *d)
{
    daemon_pool *p = d->pool;
    if (!p) return false;
    pthread_mutex_lock(&p->mu);
    bool busy = p->n_queued || p->n_running || p->done;
    pthread_mutex_unlock(&p->mu);
    return busy;
}

/* Whether a job of kind for (block, m) is queued, running or finished but not collected. */
static bool in_flight(daemon_pool *p, int kind, uint64_t block, const uint8_t *m)
{
    bool found = false;
    pthread_mutex_lock(&p->mu);
    prove_job *lists[2] = {p->queue, p->done};
    for (int l = 0; l < 2 && !found; l++)
        for (prove_job *j = lists[l]; j && !found; j = j->next)
            found = j->kind == kind &&
                    (kind == KIND_FIN ? j->block == block : memcmp(j->m, m, 32) == 0);
    for (size_t i = 0; i < p->n_th && !found; i++) {
        prove_job *j = p->running[i];
        found = j && j->kind == kind &&
                (kind == KIND_FIN ? j->block == block : memcmp(j->m, m, 32) == 0);
    }
    pthread_mutex_unlock(&p->mu);
    return found;
}

static bool queue_full(daemon_pool *p)
{
    pthread_mutex_lock(&p->mu);
    bool full = p->n_queued >= POOL_QUEUE_MAX;
    pthread_mutex_unlock(&p->mu);
    return full;
}

static void enqueue(daemon_pool *p, prove_job *j)
{
    pthread_mutex_lock(&p->mu);
    j->next = NULL;
    if (p->queue_tail)
        p->queue_tail->next = j;
    else
        p->queue = j;
    p->queue_tail = j;
    p->n_queued++;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static prove_job *take_done(daemon_pool *p)
{
    pthread_mutex_lock(&p->mu);
    prove_job *j = p->done;
    if (j) p->done = j->next;
    pthread_mutex_unlock(&p->mu);
    return j;
}

/* A progress line on a terminal; nothing otherwise (the metrics and the per-proof log
 * lines carry the counters). */
static void progress(daemon *d)
{
    daemon_pool *p = d->pool;
    if (!p->tty) return;
    char line[128];
    pthread_mutex_lock(&p->mu);
    snprintf(line, sizeof(line), "proving: %zu queued, %zu running, %" PRIu64 " done", p->n_queued,
             p->n_running, p->n_done);
    pthread_mutex_unlock(&p->mu);
    if (strcmp(line, p->last_progress) == 0) return;
    snprintf(p->last_progress, sizeof(p->last_progress), "%s", line);
    fprintf(stderr, "\r%s\033[K\n", line);
}

/* ---- shared helpers ------------------------------------------------------------ */

void daemon_warn_once(daemon *d, const char *module, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (strcmp(msg, d->last_warn) == 0) return;
    snprintf(d->last_warn, sizeof(d->last_warn), "%s", msg);
    daemon_log(d, DLOG_WARN, module, "%s", msg);
}

typedef struct blk_msgs_ctx {
    daemon *d;
    msgstore_batch *b;
    uint64_t number;
    msg_state to;
    const char *reason;
    zk_errbuf *err;
} blk_msgs_ctx;

static int blk_msgs_each(void *arg, const msg_record *r)
{
    blk_msgs_ctx *c = arg;
    if (r->block_number != c->number) return 0;
    msg_record n;
    msg_record_init(&n);
    /* A shallow copy with the heap parts shared: put_msg only reads them. */
    n = *r;
    int prev = (int)r->state;
    n.state = c->to;
    n.t_ms[c->to] = daemon_now_ms();
    if (c->reason) snprintf(n.reason, sizeof(n.reason), "%s", c->reason);
    int rc = msgstore_batch_put_msg(c->b, &n, prev, c->err);
    if (rc == ZK_OK) {
        char mh[67];
        hex_encode(mh, r->m, 32, true);
        daemon_log(c->d, DLOG_INFO, "prover", "%s m=%s nonce=%" PRIu64 " block=%" PRIu64 "%s%s",
                   msg_state_name(c->to), mh, r->nonce, r->block_number,
                   c->reason ? " reason=" : "", c->reason ? c->reason : "");
    }
    return rc;
}

int daemon_block_messages(daemon *d, msgstore_batch *b, uint64_t number, msg_state from,
                          msg_state to, const char *reason, zk_errbuf *err)
{
    blk_msgs_ctx c = {d, b, number, to, reason, err};
    return msgstore_each(d->ms, (int)from, blk_msgs_each, &c, err);
}

/* The validator list of the stored header at number (the checkpoint's too), in
 * extraData order: the order its commitment uses. */
static int header_list(daemon *d, uint8_t (*out)[20], size_t *n, eth_header *h_out, uint64_t number,
                       bool checkpoint, zk_errbuf *err)
{
    uint8_t *rlp = NULL;
    size_t len = 0;
    lc_store *s = lc_client_store(d->lc);
    int rc = checkpoint ? lc_store_get_checkpoint_rlp(s, &rlp, &len, err)
                        : lc_store_get_header_rlp(s, number, &rlp, &len, err);
    if (rc != ZK_OK) return rc;
    eth_header h;
    header_init(&h);
    rc = header_decode_rlp(&h, rlp, len, err);
    free(rlp);
    bft_extra *x = NULL;
    if (rc == ZK_OK && out) {
        x = malloc(sizeof(*x));
        rc = x ? bft_extra_decode(x, BFT_QBFT, h.extra_data, h.extra_len, err) : ZK_ERR_NOMEM;
        if (rc == ZK_OK && x->n_validators > STMT_FIN_MAX_VALIDATORS)
            rc = ZK_FAIL(err, ZK_ERR_RANGE, "block %" PRIu64 " lists %zu validators", number,
                         x->n_validators);
        if (rc == ZK_OK) {
            *n = x->n_validators;
            memcpy(out, x->validators, x->n_validators * 20);
        }
    }
    free(x);
    if (rc == ZK_OK && h_out)
        *h_out = h;
    else
        header_clear(&h);
    return rc;
}

/* ---- finality ---------------------------------------------------------------- */

typedef struct blk_list {
    msg_block *v;
    size_t n, cap;
} blk_list;

static int blk_collect(void *arg, const msg_block *b)
{
    blk_list *l = arg;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        msg_block *v = realloc(l->v, cap * sizeof(*v));
        if (!v) return ZK_ERR_NOMEM;
        l->v = v;
        l->cap = cap;
    }
    msg_block *c = &l->v[l->n];
    *c = *b;
    c->proof_json = NULL;
    c->tx.raw = NULL;
    c->tx.raw_len = 0;
    /* The walk's record is valid during the call only: copy its heap parts. */
    if (b->proof_json && msg_block_set_proof(c, b->proof_json) != ZK_OK) return ZK_ERR_NOMEM;
    if (b->tx.raw_len && msgstore_tx_set_raw(&c->tx, b->tx.raw, b->tx.raw_len) != ZK_OK) {
        msg_block_clear(c);
        return ZK_ERR_NOMEM;
    }
    l->n++;
    return 0;
}

static void blk_list_clear(blk_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        msg_block_clear(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* The list whose commitment the light client contract holds: the checkpoint's, or the
 * list of a rotation header we submitted. Returns ZK_OK, ZK_ERR_NOTFOUND (an unknown
 * commitment: a rotation by another relayer, or another deployment), or an RPC code. */
static int trusted_list(daemon *d, uint8_t (*out)[20], size_t *n, const blk_list *blocks,
                        zk_errbuf *err)
{
    uint8_t c[32];
    int rc = daemon_view_word(d, c, d->cfg->destination.light_client, "validatorSetCommitment()",
                              false, 0, err);
    if (rc != ZK_OK) return rc;
    uint8_t mine[32];
    if (d->have_trusted0) {
        stmt_fin_commit(mine, (const uint8_t(*)[20])d->trusted0, d->n_trusted0);
        if (memcmp(mine, c, 32) == 0) {
            *n = d->n_trusted0;
            memcpy(out, d->trusted0, d->n_trusted0 * 20);
            return ZK_OK;
        }
    }
    for (size_t i = blocks->n; i-- > 0;) {
        const msg_block *b = &blocks->v[i];
        if (!b->rotation || b->state != BLK_CONFIRMED || memcmp(b->next_set, c, 32) != 0) continue;
        rc = header_list(d, out, n, NULL, b->number, false, err);
        if (rc != ZK_OK) return rc;
        stmt_fin_commit(mine, (const uint8_t(*)[20])out, *n);
        if (memcmp(mine, c, 32) == 0) return ZK_OK;
    }
    char ch[67];
    hex_encode(ch, c, 32, true);
    return ZK_FAIL(err, ZK_ERR_NOTFOUND,
                   "the light client contract's validatorSetCommitment() %s is neither the "
                   "checkpoint's set nor one this relayer rotated to",
                   ch);
}

/* Marks block b failed (and its seen messages) in one batch. */
static int block_fail(daemon *d, msg_block *b, const char *reason, zk_errbuf *err)
{
    msgstore_batch *bt = msgstore_batch_new(d->ms);
    if (!bt) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    b->state = BLK_FAILED;
    b->t_ms[BLK_FAILED] = daemon_now_ms();
    snprintf(b->reason, sizeof(b->reason), "%s", reason);
    int rc = msgstore_batch_put_block(bt, b, err);
    if (rc == ZK_OK)
        rc = daemon_block_messages(d, bt, b->number, MSG_SEEN, MSG_FAILED, reason, err);
    if (rc == ZK_OK) rc = msgstore_batch_commit(bt, err);
    msgstore_batch_free(bt);
    if (rc == ZK_OK)
        daemon_log(d, DLOG_ERROR, "prover", "block %" PRIu64 " failed: %s", b->number, reason);
    return rc;
}

/* Finds the first rotation header in (after, before) in the light client's store and
 * records it as a pending rotation block. Returns ZK_OK with *found; a store code. */
static int add_rotation(daemon *d, bool *found, uint64_t after, uint64_t before, zk_errbuf *err)
{
    *found = false;
    lc_store *s = lc_client_store(d->lc);
    for (uint64_t n = after + 1; n < before; n++) {
        lc_stored_header h;
        zk_errbuf e = {{0}, 0};
        int rc = lc_store_get_header(s, &h, n, &e);
        if (rc == ZK_ERR_NOTFOUND) continue;
        if (rc != ZK_OK) return ZK_FAIL(err, rc, "light client: %s", e.msg);
        if (memcmp(h.valset_id, h.next_valset_id, 32) == 0) continue;
        msg_block existing;
        if (msgstore_get_block(d->ms, &existing, n, NULL) == ZK_OK) {
            msg_block_clear(&existing);
            *found = true;
            return ZK_OK;
        }
        msg_block b;
        msg_block_init(&b);
        b.number = n;
        b.state = BLK_PENDING;
        b.rotation = true;
        memcpy(b.hash, h.hash, 32);
        memcpy(b.receipts_root, h.receipts_root, 32);
        b.t_ms[BLK_PENDING] = daemon_now_ms();
        msgstore_batch *bt = msgstore_batch_new(d->ms);
        if (!bt) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
        rc = msgstore_batch_put_block(bt, &b, err);
        if (rc == ZK_OK) rc = msgstore_batch_commit(bt, err);
        msgstore_batch_free(bt);
        msg_block_clear(&b);
        if (rc != ZK_OK) return rc;
        daemon_log(d, DLOG_INFO, "prover",
                   "block %" PRIu64 " rotates the validator set: proving it first", n);
        *found = true;
        return ZK_OK;
    }
    return ZK_OK;
}

/* Prepares and queues the finality proof of pending block b. */
static int schedule_finality(daemon *d, msg_block *b, const blk_list *blocks, zk_errbuf *err)
{
    daemon_pool *p = d->pool;
    uint8_t(*trusted)[20] = malloc(STMT_FIN_MAX_VALIDATORS * 20);
    if (!trusted) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    size_t n_trusted = 0;
    zk_errbuf e = {{0}, 0};
    int rc = trusted_list(d, trusted, &n_trusted, blocks, &e);
    if (rc != ZK_OK) {
        free(trusted);
        if (rc == ZK_ERR_NOTFOUND)
            daemon_warn_once(d, "prover", "block %" PRIu64 ": %s", b->number, e.msg);
        return ZK_OK; /* an RPC failure or an unknown set: retried next step */
    }
    eth_header h;
    rc = header_list(d, NULL, NULL, &h, b->number, false, &e);
    if (rc != ZK_OK) {
        free(trusted);
        return ZK_FAIL(err, rc, "block %" PRIu64 ": the light client's header: %s", b->number,
                       e.msg);
    }
    prove_job *j = calloc(1, sizeof(*j));
    if (!j) {
        header_clear(&h);
        free(trusted);
        return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    }
    j->kind = KIND_FIN;
    j->block = b->number;
    rc = stmt_fin_witness_from_header(&j->fw, &d->fin_params, d->ctx, &h,
                                      (const uint8_t(*)[20])trusted, n_trusted, &e);
    header_clear(&h);
    free(trusted);
    if (rc == ZK_OK) {
        enqueue(p, j);
        daemon_log(d, DLOG_INFO, "prover", "proving finality of block %" PRIu64 "%s", b->number,
                   b->rotation ? " (rotation)" : "");
        return ZK_OK;
    }
    job_free(j);
    if (rc == ZK_ERR_REJECTED) {
        /* Too few of the trusted validators sealed b: the set changed in between. */
        uint8_t w[32];
        zk_errbuf e2 = {{0}, 0};
        int vrc = daemon_view_word(d, w, d->cfg->destination.light_client, "lastRotationNumber()",
                                   false, 0, &e2);
        if (vrc != ZK_OK) return ZK_OK;
        bool found = false;
        int arc = add_rotation(d, &found, be64_load(w + 24), b->number, err);
        if (arc != ZK_OK) return arc;
        if (found) return ZK_OK;
        return block_fail(d, b, e.msg, err);
    }
    if (rc == ZK_ERR_NOMEM) return ZK_FAIL(err, rc, "%s", e.msg);
    /* Too large for the circuit, a bad extraData: this block can never be proven. */
    return block_fail(d, b, e.msg, err);
}

/* The block's finality proof document (msg_block.proof_json): the proof as snarkjs's
 * proof.json, the six public signals (hex words), the trusted list T and the circuit's
 * parameters: what the bundle and the submitHeader transaction are built from. */
static int fin_doc(char **out, const daemon *d, const prove_job *j)
{
    groth16_json_proof jp;
    groth16_proof_to_json(&jp, &j->proof);
    zk_buf pb;
    buf_init(&pb, 64 * 1024);
    int rc = groth16_json_proof_write(&pb, &jp);
    json_t *proof = NULL;
    if (rc == ZK_OK) proof = json_loadb((const char *)pb.data, pb.len, 0, NULL);
    buf_clear(&pb);
    json_t *pub = json_array(), *tr = json_array();
    json_t *o = json_object();
    if (!proof || !pub || !tr || !o) rc = ZK_ERR_NOMEM;
    for (size_t i = 0; i < STMT_FIN_N_PUBLIC && rc == ZK_OK; i++) {
        char h[67];
        hex_encode(h, j->pub[i], 32, true);
        if (json_array_append_new(pub, json_string(h))) rc = ZK_ERR_NOMEM;
    }
    for (size_t i = 0; i < j->fw.n_trusted && rc == ZK_OK; i++) {
        char h[43];
        hex_encode(h, j->fw.trusted[i], 20, true);
        if (json_array_append_new(tr, json_string(h))) rc = ZK_ERR_NOMEM;
    }
    if (rc == ZK_OK &&
        (json_object_set(o, "proof", proof) || json_object_set(o, "publicSignals", pub) ||
         json_object_set(o, "trustedValidators", tr) ||
         json_object_set_new(o, "maxValidators",
                             json_integer((json_int_t)d->fin_params.max_validators)) ||
         json_object_set_new(o, "maxHeaderLen",
                             json_integer((json_int_t)d->fin_params.max_header_len))))
        rc = ZK_ERR_NOMEM;
    *out = rc == ZK_OK ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (rc == ZK_OK && !*out) rc = ZK_ERR_NOMEM;
    json_decref(proof);
    json_decref(pub);
    json_decref(tr);
    json_decref(o);
    return rc;
}

int daemon_fin_doc_parse(daemon_fin_doc *out, const char *text, zk_errbuf *err)
{
    json_error_t je;
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!o) return ZK_FAIL(err, ZK_ERR_MALFORMED, "finality proof document: %s", je.text);
    int rc = ZK_OK;
    char *ptext = json_dumps(json_object_get(o, "proof"), JSON_COMPACT);
    groth16_json_proof jp;
    if (!ptext || groth16_json_proof_parse(&jp, ptext, strlen(ptext), err) != ZK_OK ||
        groth16_proof_from_json(&out->proof, &jp, err) != ZK_OK)
        rc = ZK_ERR_MALFORMED;
    free(ptext);
    const json_t *pub = json_object_get(o, "publicSignals");
    const json_t *tr = json_object_get(o, "trustedValidators");
    if (rc == ZK_OK && (json_array_size(pub) != STMT_FIN_N_PUBLIC || !json_is_array(tr) ||
                        json_array_size(tr) == 0 || json_array_size(tr) > STMT_FIN_MAX_VALIDATORS))
        rc = ZK_ERR_MALFORMED;
    for (size_t i = 0; rc == ZK_OK && i < STMT_FIN_N_PUBLIC; i++) {
        const char *s = json_string_value(json_array_get(pub, i));
        if (!s || hex_decode_fixed(out->pub[i], 32, s, err) != ZK_OK) rc = ZK_ERR_MALFORMED;
    }
    out->n_trusted = json_array_size(tr);
    for (size_t i = 0; rc == ZK_OK && i < out->n_trusted; i++) {
        const char *s = json_string_value(json_array_get(tr, i));
        if (!s || hex_decode_fixed(out->trusted[i], 20, s, err) != ZK_OK) rc = ZK_ERR_MALFORMED;
    }
    json_int_t mv = json_integer_value(json_object_get(o, "maxValidators"));
    json_int_t mh = json_integer_value(json_object_get(o, "maxHeaderLen"));
    if (rc == ZK_OK && (mv <= 0 || mh <= 0)) rc = ZK_ERR_MALFORMED;
    out->params.max_validators = (size_t)mv;
    out->params.max_header_len = (size_t)mh;
    json_decref(o);
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "finality proof document does not parse");
    return ZK_OK;
}

static int collect_finality(daemon *d, prove_job *j, zk_errbuf *err)
{
    msg_block b;
    int rc = msgstore_get_block(d->ms, &b, j->block, err);
    if (rc != ZK_OK) return rc;
    if (b.state != BLK_PENDING) { /* a stale job (the block moved on meanwhile) */
        msg_block_clear(&b);
        return ZK_OK;
    }
    if (j->rc != ZK_OK) {
        if (j->rc == ZK_ERR_MISMATCH || j->rc == ZK_ERR_IO) {
            msg_block_clear(&b);
            return ZK_FAIL(err, j->rc, "finality proof: %s", j->err.msg);
        }
        rc = block_fail(d, &b, j->err.msg, err);
        msg_block_clear(&b);
        return rc;
    }
    char *doc = NULL;
    rc = fin_doc(&doc, d, j);
    if (rc == ZK_OK) rc = msg_block_set_proof(&b, doc);
    free(doc);
    if (rc != ZK_OK) {
        msg_block_clear(&b);
        return ZK_FAIL(err, rc, "finality proof document: %s", zk_strerror(rc));
    }
    b.state = BLK_PROVEN;
    b.t_ms[BLK_PROVEN] = daemon_now_ms();
    memcpy(b.cur_set, j->pub[0], 32);
    memcpy(b.next_set, j->pub[1], 32);
    b.rotation = memcmp(b.cur_set, b.next_set, 32) != 0;
    msgstore_batch *bt = msgstore_batch_new(d->ms);
    rc = bt ? msgstore_batch_put_block(bt, &b, err) : ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    if (rc == ZK_OK) rc = msgstore_batch_commit(bt, err);
    msgstore_batch_free(bt);
    if (rc == ZK_OK) {
        pthread_mutex_lock(&d->m.mu);
        d->m.proving_seconds_sum[0] += j->seconds;
        d->m.proving_count[0]++;
        pthread_mutex_unlock(&d->m.mu);
        daemon_log(d, DLOG_INFO, "prover", "header-proof block=%" PRIu64 " seconds=%.1f%s",
                   b.number, j->seconds, b.rotation ? " rotation" : "");
    }
    msg_block_clear(&b);
    return rc;
}

/* ---- inclusion --------------------------------------------------------------- */

/* A block's receipts, fetched once per step for all its messages. */
typedef struct rcpt_cache {
    uint64_t block;
    bool valid;
    json_t *json; /* the eth_getBlockReceipts array */
    uint8_t **enc;
    size_t *lens;
    size_t n;
} rcpt_cache;

static void rcpt_cache_clear(rcpt_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->enc[i]);
    free(c->enc);
    free(c->lens);
    json_decref(c->json);
    memset(c, 0, sizeof(*c));
}

/* Fetches and re-encodes the receipts of block number and checks their trie root is the
 * verified header's receiptsRoot. Returns ZK_OK; ZK_ERR_REJECTED (the node's receipts
 * are not the block's: alarm); an RPC or decoding code. */
static int rcpt_fetch(daemon *d, rcpt_cache *c, uint64_t number, zk_errbuf *err)
{
    if (c->valid && c->block == number) return ZK_OK;
    rcpt_cache_clear(c);
    lc_stored_header h;
    int rc = lc_store_get_header(lc_client_store(d->lc), &h, number, err);
    if (rc != ZK_OK) return rc;
    rc = rpc_eth_get_block_receipts(daemon_rpc(d, DAEMON_SRC), &c->json, rpc_block_at(number), err);
    if (rc != ZK_OK) {
        daemon_rpc_failed(d, DAEMON_SRC, rc, "eth_getBlockReceipts", err);
        return rc;
    }
    size_t n = json_array_size(c->json);
    if (!json_is_array(c->json) || n == 0 || n > MAX_RECEIPTS)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "eth_getBlockReceipts(%" PRIu64 "): %zu receipts",
                       number, n);
    c->enc = calloc(n, sizeof(*c->enc));
    c->lens = calloc(n, sizeof(*c->lens));
    if (!c->enc || !c->lens) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        eth_receipt r;
        rc = receipt_from_json(&r, json_array_get(c->json, i), err);
        if (rc != ZK_OK) return rc;
        zk_buf b;
        buf_init(&b, BUNDLE_MAX_RECEIPT);
        rc = receipt_encode(&b, &r);
        receipt_clear(&r);
        if (rc != ZK_OK) {
            buf_clear(&b);
            return ZK_FAIL(err, rc, "receipt %zu of block %" PRIu64 " does not encode", i, number);
        }
        c->enc[i] = b.data;
        c->lens[i] = b.len;
        c->n = i + 1;
    }
    uint8_t root[32];
    rc = mpt_root_of_list(root, (const uint8_t *const *)c->enc, c->lens, c->n, err);
    if (rc != ZK_OK) return rc;
    if (memcmp(root, h.receipts_root, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "the receipts the source served for block %" PRIu64
                       " do not hash to its verified receiptsRoot",
                       number);
    c->block = number;
    c->valid = true;
    return ZK_OK;
}

/* The index of the message's log inside its receipt: logIndex counts the logs of the
 * whole block, the circuit counts those of one receipt. */
static int log_in_receipt(uint64_t *out, const rcpt_cache *c, const msg_record *r, zk_errbuf *err)
{
    if (r->tx_index >= c->n)
        return ZK_FAIL(err, ZK_ERR_RANGE, "transaction index %" PRIu32 " beyond the block's %zu",
                       r->tx_index, c->n);
    const json_t *logs = json_object_get(json_array_get(c->json, r->tx_index), "logs");
    if (!json_is_array(logs) || json_array_size(logs) == 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "receipt %" PRIu32 " has no logs", r->tx_index);
    uint64_t first;
    int rc = json_get_quantity(&first, json_array_get(logs, 0), "logIndex", err);
    if (rc != ZK_OK) return rc;
    if (r->log_index < first || r->log_index - first >= json_array_size(logs))
        return ZK_FAIL(err, ZK_ERR_RANGE, "log %" PRIu32 " is not in receipt %" PRIu32,
                       r->log_index, r->tx_index);
    *out = r->log_index - first;
    return ZK_OK;
}

typedef struct inc_walk {
    daemon *d;
    rcpt_cache cache;
    int rc;
    zk_errbuf *err;
} inc_walk;

static int inc_each(void *arg, const msg_record *r)
{
    inc_walk *w = arg;
    daemon *d = w->d;
    if (in_flight(d->pool, KIND_INC, 0, r->m)) return 0;
    if (queue_full(d->pool)) return WALK_STOP;
    zk_errbuf e = {{0}, 0};
    int rc = rcpt_fetch(d, &w->cache, r->block_number, &e);
    if (rc == ZK_ERR_REJECTED) {
        daemon_alarm(d, "source: %s", e.msg);
        return WALK_STOP;
    }
    if (rc != ZK_OK) {
        daemon_warn_once(d, "prover", "block %" PRIu64 " receipts: %s", r->block_number, e.msg);
        return 0;
    }
    uint64_t li = 0;
    prove_job *j = NULL;
    rc = log_in_receipt(&li, &w->cache, r, &e);
    if (rc == ZK_OK) {
        j = calloc(1, sizeof(*j));
        if (!j) {
            w->rc = ZK_FAIL(w->err, ZK_ERR_NOMEM, "out of memory");
            return WALK_STOP;
        }
        j->kind = KIND_INC;
        j->block = r->block_number;
        memcpy(j->m, r->m, 32);
        rc = stmt_inc_witness_from_receipts(&j->iw, &d->inc_params,
                                            (const uint8_t *const *)w->cache.enc, w->cache.lens,
                                            w->cache.n, r->tx_index, li, d->cfg->source.outbox, &e);
    }
    if (rc == ZK_OK && memcmp(j->iw.m, r->m, 32) != 0) {
        ZK_FAIL(&e, ZK_ERR_REJECTED, "the log at that index is another message");
        rc = ZK_ERR_REJECTED;
    }
    if (rc == ZK_OK) {
        enqueue(d->pool, j);
        char mh[67];
        hex_encode(mh, r->m, 32, true);
        daemon_log(d, DLOG_INFO, "prover", "proving inclusion of m=%s block=%" PRIu64, mh,
                   r->block_number);
        return 0;
    }
    job_free(j);
    if (rc == ZK_ERR_NOMEM) {
        w->rc = ZK_FAIL(w->err, rc, "%s", e.msg);
        return WALK_STOP;
    }
    /* A receipt beyond the circuit, a log that is not the message: never provable. */
    msg_record n = *r;
    n.state = MSG_FAILED;
    n.t_ms[MSG_FAILED] = daemon_now_ms();
    snprintf(n.reason, sizeof(n.reason), "inclusion: %.240s", e.msg);
    msgstore_batch *bt = msgstore_batch_new(d->ms);
    rc = bt ? msgstore_batch_put_msg(bt, &n, (int)r->state, w->err) : ZK_ERR_NOMEM;
    if (rc == ZK_OK) rc = msgstore_batch_commit(bt, w->err);
    msgstore_batch_free(bt);
    if (rc != ZK_OK) {
        w->rc = rc;
        return WALK_STOP;
    }
    char mh[67];
    hex_encode(mh, r->m, 32, true);
    daemon_log(d, DLOG_ERROR, "prover", "failed m=%s reason=%s", mh, n.reason);
    return 0;
}

static int collect_inclusion(daemon *d, prove_job *j, zk_errbuf *err)
{
    msg_record r;
    int rc = msgstore_get(d->ms, &r, j->m, err);
    if (rc != ZK_OK) return rc;
    char mh[67];
    hex_encode(mh, r.m, 32, true);
    if (r.state != MSG_HEADER_PROVEN) {
        msg_record_clear(&r);
        return ZK_OK;
    }
    if (j->rc == ZK_ERR_MISMATCH || j->rc == ZK_ERR_IO) {
        msg_record_clear(&r);
        return ZK_FAIL(err, j->rc, "inclusion proof: %s", j->err.msg);
    }
    msg_block blk;
    msg_block_init(&blk);
    daemon_fin_doc *fd = calloc(1, sizeof(*fd));
    uint8_t *hrlp = NULL;
    size_t hlen = 0;
    bundle *bu = calloc(1, sizeof(*bu));
    zk_buf text;
    buf_init(&text, MSGSTORE_BUNDLE_MAX);
    zk_errbuf e = {{0}, 0};
    int why = j->rc; /* non-zero: the message fails with e's reason */
    if (why != ZK_OK) e = j->err;
    if (!fd || !bu) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (why == ZK_OK) {
        rc = msgstore_get_block(d->ms, &blk, r.block_number, err);
        if (rc != ZK_OK) goto out;
        if (!blk.proof_json) {
            rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "block %" PRIu64 " has no finality proof",
                         r.block_number);
            goto out;
        }
        rc = daemon_fin_doc_parse(fd, blk.proof_json, err);
        if (rc == ZK_OK)
            rc = lc_store_get_header_rlp(lc_client_store(d->lc), r.block_number, &hrlp, &hlen, err);
        if (rc != ZK_OK) goto out;
        bundle_input in;
        memset(&in, 0, sizeof(in));
        in.msg.src_chain_id = d->cfg->source.chain_id;
        memcpy(in.msg.outbox, d->cfg->source.outbox, 20);
        in.msg.nonce = r.nonce;
        memcpy(in.msg.sender, r.sender, 20);
        in.msg.dst_chain_id = r.dst_chain_id;
        memcpy(in.msg.receiver, r.receiver, 20);
        in.msg.payload = r.payload;
        in.msg.payload_len = r.payload_len;
        in.header_rlp = hrlp;
        in.header_len = hlen;
        in.trusted = (const uint8_t(*)[20])fd->trusted;
        in.n_trusted = fd->n_trusted;
        in.fin_params = fd->params;
        in.fin_proof = fd->proof;
        memcpy(in.fin_public, fd->pub, sizeof(in.fin_public));
        in.receipt = j->iw.receipt;
        in.receipt_len = j->iw.receipt_len;
        in.tx_index = j->iw.tx_index;
        in.log_index = j->iw.log_index;
        in.nodes = (const uint8_t *const *)j->iw.nodes;
        in.node_lens = j->iw.node_lens;
        in.n_nodes = j->iw.n_nodes;
        in.inc_params = d->inc_params;
        in.inc_proof = j->proof;
        memcpy(in.inc_public, j->pub, 32);
        in.src_tx_hash = r.src_tx_hash;
        in.has_block_log_index = true;
        in.block_log_index = r.log_index;
        in.inbox = d->cfg->destination.inbox;
        why = bundle_build(bu, &in, &e);
        if (why == ZK_OK) why = bundle_write(&text, bu, &e);
    }
    msg_record n = r;
    if (why == ZK_OK) {
        n.state = MSG_INCLUSION_PROVEN;
        n.t_ms[MSG_INCLUSION_PROVEN] = daemon_now_ms();
    } else {
        n.state = MSG_FAILED;
        n.t_ms[MSG_FAILED] = daemon_now_ms();
        snprintf(n.reason, sizeof(n.reason), "inclusion: %.240s", e.msg);
    }
    msgstore_batch *bt = msgstore_batch_new(d->ms);
    rc = bt ? msgstore_batch_put_msg(bt, &n, MSG_HEADER_PROVEN, err)
            : ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    if (rc == ZK_OK && why == ZK_OK) {
        if (buf_append_byte(&text, 0) != ZK_OK)
            rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
        else
            rc = msgstore_batch_put_bundle(bt, r.m, (const char *)text.data, err);
    }
    if (rc == ZK_OK) rc = msgstore_batch_commit(bt, err);
    msgstore_batch_free(bt);
    if (rc == ZK_OK && why == ZK_OK) {
        pthread_mutex_lock(&d->m.mu);
        d->m.proving_seconds_sum[1] += j->seconds;
        d->m.proving_count[1]++;
        pthread_mutex_unlock(&d->m.mu);
        daemon_log(d, DLOG_INFO, "prover",
                   "inclusion-proven m=%s nonce=%" PRIu64 " block=%" PRIu64 " seconds=%.1f", mh,
                   r.nonce, r.block_number, j->seconds);
    } else if (rc == ZK_OK) {
        daemon_log(d, DLOG_ERROR, "prover", "failed m=%s reason=%s", mh, n.reason);
    }
out:
    buf_clear(&text);
    bundle_clear(bu);
    free(bu);
    free(hrlp);
    free(fd);
    msg_block_clear(&blk);
    msg_record_clear(&r);
    return rc;
}

/* ---- the step ------------------------------------------------------------------- */

int daemon_prove_step(daemon *d, zk_errbuf *err)
{
    int rc = ZK_OK;
    /* 1. Results first: each is one batch. */
    for (prove_job *j; rc == ZK_OK && (j = take_done(d->pool)) != NULL;) {
        rc = j->kind == KIND_FIN ? collect_finality(d, j, err) : collect_inclusion(d, j, err);
        job_free(j);
    }
    if (rc != ZK_OK) return rc;

    /* 2. Header proofs, ascending; none past an unconfirmed rotation. */
    blk_list blocks = {NULL, 0, 0};
    rc = msgstore_each_block(d->ms, blk_collect, &blocks, err);
    if (rc == ZK_ERR_NOMEM) ZK_FAIL(err, rc, "out of memory");
    for (size_t i = 0; rc == ZK_OK && i < blocks.n && !d->m.alarm; i++) {
        msg_block *b = &blocks.v[i];
        if (b->state == BLK_PENDING && !in_flight(d->pool, KIND_FIN, b->number, NULL)) {
            if (queue_full(d->pool)) break;
            rc = schedule_finality(d, b, &blocks, err);
        }
        if (b->rotation && b->state != BLK_CONFIRMED && b->state != BLK_FAILED) break;
    }
    blk_list_clear(&blocks);
    if (rc != ZK_OK) return rc;

    /* 3. Inclusion proofs of the messages whose header the light client holds. */
    inc_walk w;
    memset(&w, 0, sizeof(w));
    w.d = d;
    w.err = err;
    rc = msgstore_each(d->ms, MSG_HEADER_PROVEN, inc_each, &w, err);
    rcpt_cache_clear(&w.cache);
    if (rc == WALK_STOP) rc = ZK_OK; /* the walk stopped early on purpose */
    if (rc == ZK_OK) rc = w.rc;
    progress(d);
    return rc;
}
