#include "lc_clique.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "clique.h"
#include "hex.h"

/* A verified header waiting for the window rule. */
typedef struct pending_hdr {
    lc_stored_header rec;
    valset *next_set; /* the set after it when a vote changed it, else NULL */
    uint8_t *rlp;
    size_t rlp_len;
} pending_hdr;

struct lc_clique_state {
    const secp256k1_context *ctx;
    clique_snapshot base; /* after the last stored (final) header */
    clique_snapshot snap; /* after the last pending header */
    clique_finality fin;  /* pushes of the pending headers only */
    pending_hdr *pending;
    size_t n_pending, cap_pending;
    bool stale; /* memory ran ahead of a failed store write: reopen to continue */
};

static void pending_free(pending_hdr *p)
{
    free(p->next_set);
    free(p->rlp);
    memset(p, 0, sizeof(*p));
}

void lc_clique_free(lc_clique_state *st)
{
    if (!st) return;
    for (size_t i = 0; i < st->n_pending; i++)
        pending_free(&st->pending[i]);
    free(st->pending);
    free(st);
}

/* ---- aux encoding ---- */

static int put_u8(zk_buf *b, uint8_t v)
{
    return buf_append_byte(b, v);
}
static int put_be32(zk_buf *b, uint32_t v)
{
    uint8_t x[4];
    be32_store(x, v);
    return buf_append(b, x, 4);
}
static int put_be64(zk_buf *b, uint64_t v)
{
    uint8_t x[8];
    be64_store(x, v);
    return buf_append(b, x, 8);
}

static int put_set(zk_buf *b, const valset *s)
{
    int rc = put_be32(b, (uint32_t)s->n);
    return rc ? rc : buf_append(b, s->addrs, s->n * 20);
}

static int put_record(zk_buf *b, const lc_stored_header *r)
{
    int rc = put_be64(b, r->number);
    if (!rc) rc = buf_append(b, r->hash, 32);
    if (!rc) rc = buf_append(b, r->parent_hash, 32);
    if (!rc) rc = buf_append(b, r->state_root, 32);
    if (!rc) rc = buf_append(b, r->transactions_root, 32);
    if (!rc) rc = buf_append(b, r->receipts_root, 32);
    if (!rc) rc = put_be64(b, r->timestamp);
    if (!rc) rc = buf_append(b, r->valset_id, 32);
    if (!rc) rc = buf_append(b, r->next_valset_id, 32);
    if (!rc) rc = put_u8(b, r->rule);
    return rc;
}

static int put_snapshot(zk_buf *b, const clique_snapshot *s)
{
    int rc = put_be64(b, s->cfg.epoch);
    if (!rc) rc = put_be64(b, s->cfg.period);
    if (!rc) rc = put_be64(b, s->number);
    if (!rc) rc = buf_append(b, s->hash, 32);
    if (!rc) rc = put_be64(b, s->timestamp);
    if (!rc) rc = put_be64(b, s->gas_limit);
    if (!rc) rc = put_be32(b, (uint32_t)s->fields);
    if (!rc) rc = put_set(b, &s->signers);
    if (!rc) rc = put_be32(b, (uint32_t)s->n_recents);
    for (size_t i = 0; !rc && i < s->n_recents; i++) {
        rc = put_be64(b, s->recent_number[i]);
        if (!rc) rc = buf_append(b, s->recent_signer[i], 20);
    }
    if (!rc) rc = put_be32(b, (uint32_t)s->n_votes);
    for (size_t i = 0; !rc && i < s->n_votes; i++) {
        rc = buf_append(b, s->votes[i].signer, 20);
        if (!rc) rc = buf_append(b, s->votes[i].candidate, 20);
        if (!rc) rc = put_u8(b, s->votes[i].authorize ? 1 : 0);
        if (!rc) rc = put_be64(b, s->votes[i].block);
    }
    return rc;
}

/* Encodes base and the pending headers from index `from` on (the earlier ones
 * are stored as final by the same batch, and base already includes them). */
static int aux_encode(zk_buf *b, const clique_snapshot *base, const lc_clique_state *st,
                      size_t from)
{
    int rc = put_u8(b, LC_CLIQUE_AUX_V1);
    if (!rc) rc = put_snapshot(b, base);
    if (!rc) rc = put_be32(b, (uint32_t)(st->n_pending - from));
    for (size_t i = from; !rc && i < st->n_pending; i++) {
        const pending_hdr *p = &st->pending[i];
        rc = put_record(b, &p->rec);
        if (!rc) rc = put_u8(b, p->next_set ? 1 : 0);
        if (!rc && p->next_set) rc = put_set(b, p->next_set);
        if (!rc) rc = put_be32(b, (uint32_t)p->rlp_len);
        if (!rc) rc = buf_append(b, p->rlp, p->rlp_len);
    }
    return rc;
}

static int get_fixed(zk_cursor *c, void *out, size_t n)
{
    const uint8_t *p;
    int rc = cur_take(c, &p, n);
    if (rc == ZK_OK) memcpy(out, p, n);
    return rc;
}

static int get_set(zk_cursor *c, valset *s)
{
    uint32_t n;
    int rc = cur_be32(c, &n);
    if (rc) return rc;
    if (n == 0 || n > VALSET_MAX) return ZK_ERR_MALFORMED;
    const uint8_t *p;
    if ((rc = cur_take(c, &p, (size_t)n * 20))) return rc;
    rc = valset_from_list(s, (const uint8_t(*)[20])p, n, NULL);
    /* Stored sets are written sorted: anything else is damage. */
    if (rc == ZK_OK && memcmp(s->addrs, p, (size_t)n * 20) != 0) rc = ZK_ERR_MALFORMED;
    return rc;
}

static int get_record(zk_cursor *c, lc_stored_header *r)
{
    int rc = cur_be64(c, &r->number);
    if (!rc) rc = get_fixed(c, r->hash, 32);
    if (!rc) rc = get_fixed(c, r->parent_hash, 32);
    if (!rc) rc = get_fixed(c, r->state_root, 32);
    if (!rc) rc = get_fixed(c, r->transactions_root, 32);
    if (!rc) rc = get_fixed(c, r->receipts_root, 32);
    if (!rc) rc = cur_be64(c, &r->timestamp);
    if (!rc) rc = get_fixed(c, r->valset_id, 32);
    if (!rc) rc = get_fixed(c, r->next_valset_id, 32);
    if (!rc) rc = cur_u8(c, &r->rule);
    return rc;
}

static int pending_reserve(lc_clique_state *st, size_t need)
{
    if (need <= st->cap_pending) return ZK_OK;
    size_t cap = st->cap_pending ? st->cap_pending * 2 : 64;
    while (cap < need)
        cap *= 2;
    pending_hdr *p = realloc(st->pending, cap * sizeof(*p));
    if (!p) return ZK_ERR_NOMEM;
    st->pending = p;
    st->cap_pending = cap;
    return ZK_OK;
}

static int get_snapshot(zk_cursor *c, clique_snapshot *s)
{
    uint32_t n, fields;
    uint8_t flag;
    int rc = cur_be64(c, &s->cfg.epoch);
    if (!rc && s->cfg.epoch == 0) rc = ZK_ERR_MALFORMED;
    if (!rc) rc = cur_be64(c, &s->cfg.period);
    if (!rc) rc = cur_be64(c, &s->number);
    if (!rc) rc = get_fixed(c, s->hash, 32);
    if (!rc) rc = cur_be64(c, &s->timestamp);
    if (!rc) rc = cur_be64(c, &s->gas_limit);
    if (!rc) rc = cur_be32(c, &fields);
    if (!rc) s->fields = fields;
    if (!rc) rc = get_set(c, &s->signers);
    if (!rc) rc = cur_be32(c, &n);
    /* clique_apply keeps recents below floor(n/2) + 1 entries after a push. */
    if (!rc && n >= CLIQUE_MAX_RECENTS) rc = ZK_ERR_MALFORMED;
    if (!rc) s->n_recents = n;
    for (size_t i = 0; !rc && i < s->n_recents; i++) {
        rc = cur_be64(c, &s->recent_number[i]);
        if (!rc) rc = get_fixed(c, s->recent_signer[i], 20);
    }
    if (!rc) rc = cur_be32(c, &n);
    if (!rc && n > CLIQUE_MAX_VOTES) rc = ZK_ERR_MALFORMED;
    if (!rc) s->n_votes = n;
    for (size_t i = 0; !rc && i < s->n_votes; i++) {
        rc = get_fixed(c, s->votes[i].signer, 20);
        if (!rc) rc = get_fixed(c, s->votes[i].candidate, 20);
        if (!rc) rc = cur_u8(c, &flag);
        if (!rc && flag > 1) rc = ZK_ERR_MALFORMED;
        if (!rc) s->votes[i].authorize = flag == 1;
        if (!rc) rc = cur_be64(c, &s->votes[i].block);
    }
    return rc;
}

static int aux_decode(lc_clique_state *st, const uint8_t *in, size_t len)
{
    zk_cursor c = cur_make(in, len);
    uint8_t ver, flag;
    uint32_t n;
    int rc = cur_u8(&c, &ver);
    if (!rc && ver != LC_CLIQUE_AUX_V1) rc = ZK_ERR_MALFORMED;
    if (!rc) rc = get_snapshot(&c, &st->base);
    if (!rc) rc = cur_be32(&c, &n);
    if (!rc && n > CLIQUE_FINALITY_WINDOW) rc = ZK_ERR_MALFORMED;
    if (!rc) rc = pending_reserve(st, n);
    for (uint32_t i = 0; !rc && i < n; i++) {
        pending_hdr *p = &st->pending[i];
        memset(p, 0, sizeof(*p));
        st->n_pending = i + 1;
        uint32_t rl;
        rc = get_record(&c, &p->rec);
        if (!rc) rc = cur_u8(&c, &flag);
        if (!rc && flag > 1) rc = ZK_ERR_MALFORMED;
        if (!rc && flag) {
            p->next_set = malloc(sizeof(*p->next_set));
            rc = p->next_set ? get_set(&c, p->next_set) : ZK_ERR_NOMEM;
        }
        if (!rc) rc = cur_be32(&c, &rl);
        if (!rc && (rl == 0 || rl > LC_STORE_EVIDENCE_MAX)) rc = ZK_ERR_MALFORMED;
        if (!rc) {
            p->rlp = malloc(rl);
            p->rlp_len = rl;
            rc = p->rlp ? get_fixed(&c, p->rlp, rl) : ZK_ERR_NOMEM;
        }
    }
    if (!rc && c.len != 0) rc = ZK_ERR_TRAILING;
    return rc;
}

/* Re-applies pending[0..keep) on top of base (dropping the rest): the state
 * after a reorg inside the pending window, and after a load. The headers were
 * verified once already; re-verifying them costs one ecrecover each. */
static int pending_replay(lc_clique_state *st, size_t keep, zk_errbuf *err)
{
    for (size_t i = keep; i < st->n_pending; i++)
        pending_free(&st->pending[i]);
    st->n_pending = keep;
    st->snap = st->base;
    clique_finality_init(&st->fin);
    for (size_t i = 0; i < keep; i++) {
        eth_header h;
        uint8_t signer[20];
        pending_hdr *p = &st->pending[i];
        int rc = header_decode_rlp(&h, p->rlp, p->rlp_len, err);
        if (rc == ZK_OK) {
            rc = clique_apply(&st->snap, st->ctx, &h, signer, err);
            header_clear(&h);
        }
        if (rc == ZK_OK)
            rc = clique_finality_push(&st->fin, &st->snap, p->rec.number, p->rec.hash, signer);
        if (rc)
            return zk_fail_wrap(err, ZK_ERR_MALFORMED, "clique: replaying pending header %llu",
                                (unsigned long long)p->rec.number);
    }
    return ZK_OK;
}

/* ---- init / load ---- */

int lc_clique_init_state(lc_store *s, const secp256k1_context *ctx, const lc_checkpoint *cp,
                         const eth_header *cp_header, zk_errbuf *err)
{
    (void)ctx;
    uint8_t *aux = NULL;
    size_t len = 0;
    int rc = lc_store_get_aux(s, &aux, &len, err);
    free(aux);
    if (rc == ZK_OK) return ZK_OK; /* already initialised: keep the state */
    if (rc != ZK_ERR_NOTFOUND) return rc;
    lc_clique_state *st = calloc(1, sizeof(*st));
    if (!st) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    clique_config cfg = {cp->clique_epoch, cp->clique_period};
    rc = clique_snapshot_from_checkpoint(&st->base, &cfg, cp_header, err);
    if (rc == ZK_OK) {
        zk_buf b;
        buf_init(&b, 0);
        rc = aux_encode(&b, &st->base, st, 0);
        if (rc == ZK_OK) rc = lc_store_put_batch(s, NULL, 0, false, b.data, b.len, NULL, err);
        buf_clear(&b);
    }
    lc_clique_free(st);
    return rc;
}

int lc_clique_load(lc_clique_state **out, lc_store *s, const secp256k1_context *ctx, zk_errbuf *err)
{
    *out = NULL;
    uint8_t *aux = NULL;
    size_t len = 0;
    int rc = lc_store_get_aux(s, &aux, &len, err);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "clique: the store has no snapshot (interrupted init: run `zkrelay lc init` "
                       "again with the same checkpoint)");
    if (rc) return rc;
    lc_clique_state *st = calloc(1, sizeof(*st));
    if (!st) {
        free(aux);
        return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    }
    st->ctx = ctx;
    rc = aux_decode(st, aux, len);
    free(aux);
    if (rc) {
        lc_clique_free(st);
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "clique: the stored snapshot is damaged (%s)",
                       zk_strerror(rc));
    }
    rc = pending_replay(st, st->n_pending, err);
    if (rc) {
        lc_clique_free(st);
        return rc;
    }
    *out = st;
    return ZK_OK;
}

/* ---- submit ---- */

static void verdict_known(lc_verdict *v, const lc_stored_header *rec, lc_outcome o)
{
    memset(v, 0, sizeof(*v));
    v->outcome = o;
    v->rule = (lc_rule)rec->rule;
    v->number = rec->number;
    memcpy(v->hash, rec->hash, 32);
}

/* A header at or below the snapshot head. The same header again is known. A
 * different one inside the pending window is a reorg: *reorg_at is set to the
 * pending index it replaces (the caller replays and applies it). Below the
 * window it conflicts with a final header and is refused: that would mean the
 * probabilistic finality rule was wrong, which needs an operator. */
static int clique_old_header(lc_clique_state *st, lc_store *s, lc_verdict *v, const eth_header *h,
                             size_t *reorg_at, zk_errbuf *err)
{
    uint8_t hash[32];
    int rc = header_hash(hash, h);
    if (rc) return rc;
    for (size_t i = 0; i < st->n_pending; i++)
        if (st->pending[i].rec.number == h->number) {
            if (memcmp(st->pending[i].rec.hash, hash, 32) == 0)
                verdict_known(v, &st->pending[i].rec, LC_PENDING);
            else
                *reorg_at = i;
            return ZK_OK;
        }
    lc_stored_header stored;
    rc = lc_store_get_header(s, &stored, h->number, err);
    if (rc == ZK_OK && memcmp(stored.hash, hash, 32) == 0) {
        verdict_known(v, &stored, LC_KNOWN);
        return ZK_OK;
    }
    if (rc == ZK_OK)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: header %llu conflicts with the final header at that height "
                       "(Clique finality is probabilistic: a reorg this deep needs an operator)",
                       (unsigned long long)h->number);
    if (rc == ZK_ERR_NOTFOUND)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "clique: header %llu is below the checkpoint",
                       (unsigned long long)h->number);
    return rc;
}

/* Replaces the in-memory state by the stored one (after a failed reorg, so an
 * RPC node serving a bad branch cannot make us forget the good one). */
static int clique_reload(lc_clique_state *st, lc_store *s, zk_errbuf *err)
{
    lc_clique_state *fresh = NULL;
    int rc = lc_clique_load(&fresh, s, st->ctx, err);
    if (rc) {
        st->stale = true;
        return rc;
    }
    for (size_t i = 0; i < st->n_pending; i++)
        pending_free(&st->pending[i]);
    free(st->pending);
    *st = *fresh;
    free(fresh);
    return ZK_OK;
}

/* Applies one header to the in-memory state. */
static int clique_apply_one(lc_clique_state *st, lc_verdict *v, const eth_header *h, zk_errbuf *err)
{
    clique_snapshot *before = malloc(sizeof(*before));
    if (!before) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    *before = st->snap;
    uint8_t signer[20], hash[32];
    pending_hdr p;
    memset(&p, 0, sizeof(p));
    zk_buf raw;
    buf_init(&raw, LC_STORE_EVIDENCE_MAX);
    int rc = header_encode_rlp(&raw, h);
    if (rc == ZK_OK) rc = pending_reserve(st, st->n_pending + 1);
    if (rc == ZK_OK) rc = clique_apply(&st->snap, st->ctx, h, signer, err);
    if (rc == ZK_OK && st->snap.signers.n == 0)
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "clique: header %llu drops the last signer; the chain cannot continue",
                     (unsigned long long)h->number);
    /* clique_apply says MISMATCH for a wrong number, parent or checkpoint list;
     * to lc's callers MISMATCH means equivocation only. */
    if (rc == ZK_ERR_MISMATCH) rc = ZK_ERR_REJECTED;
    if (rc) {
        st->snap = *before;
        free(before);
        buf_clear(&raw);
        return rc;
    }
    rc = header_hash(hash, h);
    if (rc == ZK_OK) rc = clique_finality_push(&st->fin, &st->snap, h->number, hash, signer);
    if (rc == ZK_OK && !valset_equal(&before->signers, &st->snap.signers)) {
        p.next_set = malloc(sizeof(*p.next_set));
        if (!p.next_set)
            rc = ZK_ERR_NOMEM;
        else
            *p.next_set = st->snap.signers;
    }
    if (rc) {
        /* The snapshot moved but the window could not follow: undo both. */
        st->snap = *before;
        free(before);
        free(p.next_set);
        buf_clear(&raw);
        return ZK_FAIL(err, rc, "clique: header %llu: %s", (unsigned long long)h->number,
                       zk_strerror(rc));
    }
    lc_stored_header *r = &p.rec;
    r->number = h->number;
    memcpy(r->hash, hash, 32);
    memcpy(r->parent_hash, h->parent_hash, 32);
    memcpy(r->state_root, h->state_root, 32);
    memcpy(r->transactions_root, h->transactions_root, 32);
    memcpy(r->receipts_root, h->receipts_root, 32);
    r->timestamp = h->timestamp;
    valset_id(r->valset_id, &before->signers);
    valset_id(r->next_valset_id, &st->snap.signers);
    r->rule = LC_RULE_CLIQUE_WINDOW;
    p.rlp = raw.data; /* ownership moves to the pending entry */
    p.rlp_len = raw.len;
    st->pending[st->n_pending++] = p;

    memset(v, 0, sizeof(*v));
    v->outcome = LC_PENDING;
    v->rule = LC_RULE_CLIQUE_WINDOW;
    v->number = h->number;
    memcpy(v->hash, hash, 32);
    v->n_signers = 1;
    v->set_size = before->signers.n;
    v->rotated = p.next_set != NULL;
    free(before);
    return ZK_OK;
}

int lc_clique_submit(lc_clique_state *st, lc_store *s, lc_verdict *last, const eth_header *hs,
                     size_t n, size_t *done, zk_errbuf *err)
{
    if (st->stale)
        return ZK_FAIL(err, ZK_ERR_IO,
                       "clique: an earlier store write failed; reopen the light client");
    size_t applied = 0;
    bool changed = false;
    int fail = ZK_OK;
    zk_errbuf fail_err = {{0}, 0};
    for (; applied < n; applied++) {
        const eth_header *h = &hs[applied];
        if (h->number <= st->snap.number) {
            size_t reorg_at = SIZE_MAX;
            fail = clique_old_header(st, s, last, h, &reorg_at, &fail_err);
            if (fail == ZK_OK && reorg_at != SIZE_MAX) {
                fail = pending_replay(st, reorg_at, &fail_err);
                if (fail == ZK_OK) fail = clique_apply_one(st, last, h, &fail_err);
                if (fail) {
                    /* Keep the branch we had: the new one did not verify. */
                    zk_errbuf reload_err;
                    if (clique_reload(st, s, &reload_err) != ZK_OK) fail_err = reload_err;
                    break;
                }
                changed = true;
            }
        } else {
            fail = clique_apply_one(st, last, h, &fail_err);
            if (fail == ZK_OK) changed = true;
        }
        if (fail) break;
    }
    if (done) *done = applied;
    if (!changed) {
        if (fail && err) *err = fail_err;
        return fail;
    }

    /* Persist: the newly final pending headers and the new state, one batch. */
    uint64_t final_number = 0;
    bool has_final = clique_finality_latest(&st->fin, &final_number, NULL) == ZK_OK;
    size_t n_final = 0;
    while (has_final && n_final < st->n_pending && st->pending[n_final].rec.number <= final_number)
        n_final++;
    lc_put *puts = calloc(n_final ? n_final : 1, sizeof(*puts));
    int rc = puts ? ZK_OK : ZK_ERR_NOMEM;
    for (size_t i = 0; rc == ZK_OK && i < n_final; i++) {
        puts[i].h = &st->pending[i].rec;
        puts[i].next_set = st->pending[i].next_set;
        puts[i].rlp = st->pending[i].rlp;
        puts[i].rlp_len = st->pending[i].rlp_len;
    }
    /* The new base: the old one with the newly final headers applied. */
    clique_snapshot *base = malloc(sizeof(*base));
    if (rc == ZK_OK && !base) rc = ZK_ERR_NOMEM;
    if (rc == ZK_OK) *base = st->base;
    for (size_t i = 0; rc == ZK_OK && i < n_final; i++) {
        eth_header h;
        rc = header_decode_rlp(&h, st->pending[i].rlp, st->pending[i].rlp_len, err);
        if (rc == ZK_OK) {
            rc = clique_apply(base, st->ctx, &h, NULL, err);
            header_clear(&h);
        }
    }
    zk_buf b;
    buf_init(&b, 0);
    if (rc == ZK_OK) rc = aux_encode(&b, base, st, n_final);
    if (rc == ZK_OK) rc = lc_store_put_batch(s, puts, n_final, false, b.data, b.len, NULL, err);
    if (rc == ZK_OK) st->base = *base;
    buf_clear(&b);
    free(base);
    free(puts);
    if (rc) {
        /* Not persisted: the in-memory state is ahead of the store. Reload on
         * the next open; refuse to continue in this one. */
        st->stale = true;
        return zk_fail_wrap(err, rc, "clique: cannot persist the state");
    }
    for (size_t i = 0; i < n_final; i++)
        pending_free(&st->pending[i]);
    memmove(st->pending, st->pending + n_final, (st->n_pending - n_final) * sizeof(*st->pending));
    st->n_pending -= n_final;
    if (last) {
        last->has_final = has_final;
        last->final_number = final_number;
        if (last->outcome == LC_PENDING && has_final && last->number <= final_number)
            last->outcome = LC_ACCEPTED;
    }
    if (fail && err) *err = fail_err;
    return fail;
}
