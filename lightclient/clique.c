/* Clique (EIP-225): seal hash, signer recovery, snapshot voting, window
 * finality. The rule order follows go-ethereum consensus/clique: header-only
 * checks (verifyHeader), checks against the parent (verifyCascadingFields),
 * then the seal against the snapshot (verifySeal), then snapshot.go apply. */
#include "clique.h"

#include <string.h>

#include "bytes.h"
#include "ecdsa.h"
#include "keccak.h"

/* keccak256(RLP([])): the only ommers hash a Clique header may carry. */
static const uint8_t empty_ommers_hash[32] = {
    0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
    0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};

static const uint8_t nonce_add[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t nonce_drop[8] = {0};

#define MAX_GAS_LIMIT   0x7fffffffffffffffULL /* params.MaxGasLimit */
#define MIN_GAS_LIMIT   5000u                 /* params.MinGasLimit */
#define GAS_LIMIT_BOUND 1024u                 /* params.GasLimitBoundDivisor */
#define ELASTICITY      2u                    /* EIP-1559 elasticity multiplier */

static bool is_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* The three parts of extraData, borrowed from the header. */
typedef struct extra_parts {
    const uint8_t *vanity, *signers, *seal;
    size_t signers_len;
} extra_parts;

/* Splits extraData into vanity || signers || seal (clique.go verifyHeader:
 * errMissingVanity, errMissingSignature). */
static int extra_split(extra_parts *out, const eth_header *h, zk_errbuf *err)
{
    if (h->extra_len < CLIQUE_VANITY)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "clique: extra-vanity: extraData has %zu bytes, needs the 32-byte vanity",
                       h->extra_len);
    if (h->extra_len < CLIQUE_VANITY + CLIQUE_SEAL)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "clique: extra-seal: extraData has %zu bytes, needs 32 vanity + 65 seal",
                       h->extra_len);
    zk_cursor c = cur_make(h->extra_data, h->extra_len);
    out->signers_len = h->extra_len - CLIQUE_VANITY - CLIQUE_SEAL;
    if (cur_take(&c, &out->vanity, CLIQUE_VANITY) != ZK_OK ||
        cur_take(&c, &out->signers, out->signers_len) != ZK_OK ||
        cur_take(&c, &out->seal, CLIQUE_SEAL) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_INTERNAL, "clique: extraData split failed");
    return ZK_OK;
}

int clique_seal_hash(uint8_t out[32], const eth_header *h, zk_errbuf *err)
{
    if (h->extra_len < CLIQUE_SEAL)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "clique: extra-seal: extraData has %zu bytes, shorter than the 65-byte seal",
                       h->extra_len);
    /* A shallow copy that sees extraData without its seal; it borrows h's
     * buffer and is never cleared. */
    eth_header unsealed = *h;
    unsealed.extra_len = h->extra_len - CLIQUE_SEAL;
    zk_buf b;
    buf_init(&b, 0);
    int rc = header_encode_rlp(&b, &unsealed);
    if (rc != ZK_OK) {
        buf_clear(&b);
        return ZK_FAIL(err, rc, "clique: cannot encode the header for its seal hash: %s",
                       zk_strerror(rc));
    }
    keccak256(out, b.data, b.len);
    buf_clear(&b);
    return ZK_OK;
}

int clique_recover_signer(uint8_t signer[20], const secp256k1_context *ctx, const eth_header *h,
                          zk_errbuf *err)
{
    uint8_t sh[32];
    int rc = clique_seal_hash(sh, h, err);
    if (rc != ZK_OK) return rc;
    zk_cursor c = cur_make(h->extra_data, h->extra_len);
    const uint8_t *skip, *seal;
    if (cur_take(&c, &skip, h->extra_len - CLIQUE_SEAL) != ZK_OK ||
        cur_take(&c, &seal, CLIQUE_SEAL) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_INTERNAL, "clique: seal slice failed");
    /* ecdsa_recover_address also takes 27/28; a Clique seal's v is the raw
     * recovery id (go-ethereum crypto.Ecrecover). */
    if (seal[64] > 1)
        return ZK_FAIL(err, ZK_ERR_RANGE, "clique: seal: v is %u, must be 0 or 1", seal[64]);
    zk_errbuf inner = {{0}, 0};
    rc = ecdsa_recover_address(ctx, signer, sh, seal, ECDSA_ALLOW_HIGH_S, &inner);
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "clique: seal: %s", inner.msg);
    return ZK_OK;
}

static bool is_checkpoint(const clique_config *cfg, uint64_t number)
{
    return number % cfg->epoch == 0;
}

int clique_snapshot_from_checkpoint(clique_snapshot *out, const clique_config *cfg,
                                    const eth_header *checkpoint, zk_errbuf *err)
{
    if (cfg->epoch == 0) return ZK_FAIL(err, ZK_ERR_USAGE, "clique: epoch must be positive");
    if (!is_checkpoint(cfg, checkpoint->number))
        return ZK_FAIL(err, ZK_ERR_USAGE, "clique: block %llu is not a checkpoint (epoch %llu)",
                       (unsigned long long)checkpoint->number, (unsigned long long)cfg->epoch);
    extra_parts x;
    int rc = extra_split(&x, checkpoint, err);
    if (rc != ZK_OK) return rc;
    if (x.signers_len == 0 || x.signers_len % 20 != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "clique: checkpoint-signers-length: %zu signer bytes, need a positive "
                       "multiple of 20",
                       x.signers_len);
    size_t n = x.signers_len / 20;
    if (n > VALSET_MAX)
        return ZK_FAIL(err, ZK_ERR_RANGE, "clique: %zu signers exceed the limit of %d", n,
                       VALSET_MAX);
    zk_cursor c = cur_make(x.signers, x.signers_len);
    uint8_t list[VALSET_MAX][20];
    for (size_t i = 0; i < n; i++) {
        const uint8_t *a;
        if (cur_take(&c, &a, 20) != ZK_OK)
            return ZK_FAIL(err, ZK_ERR_INTERNAL, "clique: signer slice failed");
        memcpy(list[i], a, 20);
        /* Every sealer writes the list ascending (snapshot.signers()); only the
         * genesis file is free-form, and go-ethereum reads it as a set. */
        if (checkpoint->number != 0 && i > 0 && memcmp(list[i - 1], list[i], 20) >= 0)
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "clique: checkpoint signer %zu is not above its predecessor", i);
    }
    uint8_t hash[32];
    rc = header_hash(hash, checkpoint);
    if (rc != ZK_OK)
        return ZK_FAIL(err, rc, "clique: cannot hash the checkpoint: %s", zk_strerror(rc));
    /* Build into a local so *out is untouched on failure; the struct is big,
     * so fill *out field by field afterwards instead of copying a whole one. */
    valset set;
    zk_errbuf inner = {{0}, 0};
    rc = valset_from_list(&set, (const uint8_t(*)[20])list, n, &inner);
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "clique: checkpoint signers: %s", inner.msg);
    memset(out, 0, sizeof *out);
    out->cfg = *cfg;
    out->number = checkpoint->number;
    memcpy(out->hash, hash, 32);
    out->timestamp = checkpoint->timestamp;
    out->gas_limit = checkpoint->gas_limit;
    out->fields = header_field_count(checkpoint);
    out->signers = set;
    return ZK_OK;
}

/* floor(n/2) + 1: the recents window, and also the votes a change needs. */
static uint64_t recent_limit(const clique_snapshot *snap)
{
    return (uint64_t)(snap->signers.n / 2 + 1);
}

bool clique_is_inturn(const clique_snapshot *snap, uint64_t number, const uint8_t signer[20])
{
    long idx = valset_index(&snap->signers, signer);
    if (idx < 0 || snap->signers.n == 0) return false;
    return number % (uint64_t)snap->signers.n == (uint64_t)idx;
}

/* True when signer sealed a block that still blocks it at `number`: a recent
 * entry newer than number - limit (clique.go verifySeal). */
static bool signed_recently(const clique_snapshot *snap, const uint8_t signer[20], uint64_t number)
{
    uint64_t limit = recent_limit(snap);
    for (size_t i = 0; i < snap->n_recents; i++) {
        if (memcmp(snap->recent_signer[i], signer, 20) != 0) continue;
        if (number < limit || snap->recent_number[i] > number - limit) return true;
    }
    return false;
}

bool clique_can_seal(const clique_snapshot *snap, const uint8_t signer[20])
{
    return valset_contains(&snap->signers, signer) &&
           !signed_recently(snap, signer, snap->number + 1);
}

size_t clique_tally(const clique_snapshot *snap, const uint8_t candidate[20])
{
    size_t count = 0;
    for (size_t i = 0; i < snap->n_votes; i++)
        if (memcmp(snap->votes[i].candidate, candidate, 20) == 0) count++;
    return count;
}

/* Header-only rules (clique.go verifyHeader). */
static int check_header_fields(const clique_snapshot *snap, const eth_header *h,
                               const extra_parts *x, zk_errbuf *err)
{
    bool checkpoint = is_checkpoint(&snap->cfg, h->number);
    if (checkpoint && !is_zero(h->coinbase, 20))
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: checkpoint-coinbase: checkpoint block %llu has a non-zero coinbase",
                       (unsigned long long)h->number);
    bool add = memcmp(h->nonce, nonce_add, 8) == 0;
    if (!add && memcmp(h->nonce, nonce_drop, 8) != 0)
        return ZK_FAIL(
            err, ZK_ERR_REJECTED,
            "clique: vote-nonce: nonce must be 0x0000000000000000 or 0xffffffffffffffff");
    if (checkpoint && add)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: checkpoint-vote: checkpoint block %llu carries a vote",
                       (unsigned long long)h->number);
    if (!checkpoint && x->signers_len != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "clique: extra-signers: non-checkpoint block carries %zu signer bytes",
                       x->signers_len);
    if (checkpoint && x->signers_len % 20 != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "clique: checkpoint-signers-length: %zu signer bytes, not a multiple of 20",
                       x->signers_len);
    if (!is_zero(h->mix_hash, 32))
        return ZK_FAIL(err, ZK_ERR_REJECTED, "clique: mix-hash: mixHash must be zero");
    if (memcmp(h->ommers_hash, empty_ommers_hash, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: ommers-hash: ommers hash must be that of the empty list");
    if (!is_zero(h->difficulty, 31) || (h->difficulty[31] != 1 && h->difficulty[31] != 2))
        return ZK_FAIL(err, ZK_ERR_REJECTED, "clique: difficulty: must be 1 or 2");
    if (h->gas_limit > MAX_GAS_LIMIT)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "clique: gas-limit: %llu exceeds 2^63-1",
                       (unsigned long long)h->gas_limit);
    return ZK_OK;
}

/* Rules against the parent, the snapshot's head (clique.go verifyCascadingFields). */
static int check_parent(const clique_snapshot *snap, const eth_header *h, const extra_parts *x,
                        zk_errbuf *err)
{
    if (snap->number == UINT64_MAX || h->number != snap->number + 1)
        return ZK_FAIL(err, ZK_ERR_MISMATCH, "clique: number: block %llu does not follow %llu",
                       (unsigned long long)h->number, (unsigned long long)snap->number);
    if (memcmp(h->parent_hash, snap->hash, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_MISMATCH,
                       "clique: parent-hash: parentHash is not the hash of block %llu",
                       (unsigned long long)snap->number);
    if (snap->timestamp > UINT64_MAX - snap->cfg.period ||
        h->timestamp < snap->timestamp + snap->cfg.period)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: timestamp: %llu is earlier than parent %llu + period %llu",
                       (unsigned long long)h->timestamp, (unsigned long long)snap->timestamp,
                       (unsigned long long)snap->cfg.period);
    size_t fields = header_field_count(h);
    if (fields < snap->fields)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: fork-fields: %zu header fields after a parent with %zu", fields,
                       snap->fields);
    if (h->gas_used > h->gas_limit)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "clique: gas-used: %llu exceeds the limit %llu",
                       (unsigned long long)h->gas_used, (unsigned long long)h->gas_limit);
    /* misc.VerifyGaslimit; at the London block the parent's limit is doubled
     * (EIP-1559 elasticity). MAX_GAS_LIMIT * 2 still fits in 64 bits. */
    uint64_t parent_limit = snap->gas_limit;
    if (h->has_base_fee && snap->fields < HEADER_FIELDS_LONDON) parent_limit *= ELASTICITY;
    uint64_t diff =
        h->gas_limit > parent_limit ? h->gas_limit - parent_limit : parent_limit - h->gas_limit;
    if (diff >= parent_limit / GAS_LIMIT_BOUND || h->gas_limit < MIN_GAS_LIMIT)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: gas-limit: %llu is not within parent %llu / 1024 (or below 5000)",
                       (unsigned long long)h->gas_limit, (unsigned long long)parent_limit);
    if (is_checkpoint(&snap->cfg, h->number) &&
        (x->signers_len != snap->signers.n * 20 ||
         memcmp(x->signers, snap->signers.addrs, x->signers_len) != 0))
        return ZK_FAIL(err, ZK_ERR_MISMATCH,
                       "clique: checkpoint-signers: checkpoint block %llu lists %zu signers, not "
                       "the snapshot's %zu in ascending order",
                       (unsigned long long)h->number, x->signers_len / 20, snap->signers.n);
    return ZK_OK;
}

/* The seal against the snapshot (clique.go verifySeal). */
static int check_seal(const clique_snapshot *snap, const secp256k1_context *ctx,
                      const eth_header *h, uint8_t signer[20], zk_errbuf *err)
{
    int rc = clique_recover_signer(signer, ctx, h, err);
    /* A seal out of range or unrecoverable is a consensus rejection; err
     * already reads "clique: seal: ...". */
    if (rc == ZK_ERR_RANGE || rc == ZK_ERR_REJECTED) return ZK_ERR_REJECTED;
    if (rc != ZK_OK) return rc;
    if (!valset_contains(&snap->signers, signer))
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: unauthorized-signer: block %llu sealed by a non-signer",
                       (unsigned long long)h->number);
    if (signed_recently(snap, signer, h->number))
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: recently-signed: the signer of block %llu sealed one of the last "
                       "%llu blocks",
                       (unsigned long long)h->number, (unsigned long long)(recent_limit(snap) - 1));
    bool inturn = clique_is_inturn(snap, h->number, signer);
    if (h->difficulty[31] != (inturn ? 2 : 1))
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "clique: difficulty-turn: %s signer with difficulty %u (needs %u)",
                       inturn ? "in-turn" : "out-of-turn", h->difficulty[31], inturn ? 2u : 1u);
    return ZK_OK;
}

static void recents_drop_upto(clique_snapshot *snap, uint64_t number)
{
    size_t keep = 0;
    for (size_t i = 0; i < snap->n_recents; i++) {
        if (snap->recent_number[i] <= number) continue;
        snap->recent_number[keep] = snap->recent_number[i];
        memmove(snap->recent_signer[keep], snap->recent_signer[i], 20);
        keep++;
    }
    snap->n_recents = keep;
}

static void votes_remove_at(clique_snapshot *snap, size_t i)
{
    memmove(&snap->votes[i], &snap->votes[i + 1], (snap->n_votes - i - 1) * sizeof snap->votes[0]);
    snap->n_votes--;
}

static long vote_find(const clique_snapshot *snap, const uint8_t signer[20],
                      const uint8_t candidate[20])
{
    for (size_t i = 0; i < snap->n_votes; i++)
        if (memcmp(snap->votes[i].signer, signer, 20) == 0 &&
            memcmp(snap->votes[i].candidate, candidate, 20) == 0)
            return (long)i;
    return -1;
}

static void signers_add(valset *s, const uint8_t addr[20])
{
    size_t at = 0;
    while (at < s->n && memcmp(s->addrs[at], addr, 20) < 0)
        at++;
    memmove(s->addrs[at + 1], s->addrs[at], (s->n - at) * 20);
    memcpy(s->addrs[at], addr, 20);
    s->n++;
}

static void signers_remove(valset *s, size_t at)
{
    memmove(s->addrs[at], s->addrs[at + 1], (s->n - at - 1) * 20);
    s->n--;
}

int clique_apply(clique_snapshot *snap, const secp256k1_context *ctx, const eth_header *h,
                 uint8_t signer_out[20], zk_errbuf *err)
{
    /* Every check runs before the first write, so a rejection leaves the
     * snapshot as it was without copying it. */
    extra_parts x;
    int rc = extra_split(&x, h, err);
    if (rc != ZK_OK) return rc;
    if ((rc = check_header_fields(snap, h, &x, err)) != ZK_OK) return rc;
    if ((rc = check_parent(snap, h, &x, err)) != ZK_OK) return rc;
    uint8_t signer[20];
    if ((rc = check_seal(snap, ctx, h, signer, err)) != ZK_OK) return rc;
    uint8_t hash[32];
    if ((rc = header_hash(hash, h)) != ZK_OK)
        return ZK_FAIL(err, rc, "clique: cannot hash block %llu: %s", (unsigned long long)h->number,
                       zk_strerror(rc));

    /* Plan the vote (snapshot.go apply, cast/uncast) without writing. */
    bool checkpoint = is_checkpoint(&snap->cfg, h->number);
    bool authorize = memcmp(h->nonce, nonce_add, 8) == 0;
    bool member = valset_contains(&snap->signers, h->coinbase);
    /* validVote: add a non-member or drop a member; anything else is a no-op. */
    bool valid = member != authorize;
    /* At a checkpoint the vote list is emptied before this header's vote is
     * cast (which then only counts if the zero address were a signer). */
    long old = checkpoint ? -1 : vote_find(snap, signer, h->coinbase);
    size_t tally = checkpoint ? 0 : clique_tally(snap, h->coinbase);
    size_t n_votes = checkpoint ? 0 : snap->n_votes;
    if (old >= 0) tally--;
    if (valid) tally++;
    if (valid && old < 0 && n_votes == CLIQUE_MAX_VOTES)
        return ZK_FAIL(err, ZK_ERR_RANGE, "clique: vote-limit: more than %d pending votes",
                       CLIQUE_MAX_VOTES);
    /* A tally only ever holds votes of one direction (the candidate's
     * membership decides it), so passing means flipping membership. */
    bool passes = tally > snap->signers.n / 2;
    if (passes && !member && snap->signers.n == VALSET_MAX)
        return ZK_FAIL(err, ZK_ERR_RANGE, "clique: signer-limit: a vote would exceed %d signers",
                       VALSET_MAX);

    /* The recents invariant bounds the list by floor(n/2) + 1 <= CLIQUE_MAX_RECENTS;
     * a snapshot that breaks it did not come from this file. */
    uint64_t limit = recent_limit(snap);
    size_t kept = 0;
    for (size_t i = 0; i < snap->n_recents; i++)
        kept += h->number < limit || snap->recent_number[i] > h->number - limit;
    if (kept >= CLIQUE_MAX_RECENTS || snap->n_votes > CLIQUE_MAX_VOTES)
        return ZK_FAIL(err, ZK_ERR_INTERNAL, "clique: snapshot invariant broken");

    /* Apply. Votes and tallies reset at every checkpoint. */
    if (checkpoint) snap->n_votes = 0;
    if (h->number >= limit) recents_drop_upto(snap, h->number - limit);
    snap->recent_number[snap->n_recents] = h->number;
    memcpy(snap->recent_signer[snap->n_recents], signer, 20);
    snap->n_recents++;
    /* One vote per (signer, candidate): a new vote replaces the old one. */
    if (old >= 0) votes_remove_at(snap, (size_t)old);
    if (valid) {
        clique_vote *v = &snap->votes[snap->n_votes++];
        memcpy(v->signer, signer, 20);
        memcpy(v->candidate, h->coinbase, 20);
        v->authorize = authorize;
        v->block = h->number;
    }
    if (passes) {
        if (!member) {
            signers_add(&snap->signers, h->coinbase);
        } else {
            signers_remove(&snap->signers, (size_t)valset_index(&snap->signers, h->coinbase));
            /* The set shrank: the recents window shrinks with it. */
            limit = recent_limit(snap);
            if (h->number >= limit) recents_drop_upto(snap, h->number - limit);
            /* The dropped signer's own votes no longer count. */
            for (size_t i = 0; i < snap->n_votes;) {
                if (memcmp(snap->votes[i].signer, h->coinbase, 20) == 0)
                    votes_remove_at(snap, i);
                else
                    i++;
            }
        }
        /* Votes about the candidate are settled. */
        for (size_t i = 0; i < snap->n_votes;) {
            if (memcmp(snap->votes[i].candidate, h->coinbase, 20) == 0)
                votes_remove_at(snap, i);
            else
                i++;
        }
    }
    snap->number = h->number;
    memcpy(snap->hash, hash, 32);
    snap->timestamp = h->timestamp;
    snap->gas_limit = h->gas_limit;
    snap->fields = header_field_count(h);
    if (signer_out) memcpy(signer_out, signer, 20);
    return ZK_OK;
}

void clique_finality_init(clique_finality *f)
{
    f->len = 0;
    f->first = 0;
    f->has_final = false;
    f->final_number = 0;
    memset(f->final_hash, 0, 32);
}

int clique_finality_push(clique_finality *f, const clique_snapshot *snap, uint64_t number,
                         const uint8_t hash[32], const uint8_t signer[20])
{
    if (f->len > 0) {
        size_t last = (f->first + f->len - 1) % CLIQUE_FINALITY_WINDOW;
        if (f->number[last] == UINT64_MAX || number != f->number[last] + 1) return ZK_ERR_MISMATCH;
    }
    size_t slot;
    if (f->len == CLIQUE_FINALITY_WINDOW) {
        slot = f->first;
        f->first = (f->first + 1) % CLIQUE_FINALITY_WINDOW;
    } else {
        slot = (f->first + f->len) % CLIQUE_FINALITY_WINDOW;
        f->len++;
    }
    f->number[slot] = number;
    memcpy(f->hash[slot], hash, 32);
    memcpy(f->signer[slot], signer, 20);

    /* Walk back from the head until more than floor(n/2) distinct members of
     * the current set have sealed: the parent of the oldest of those headers,
     * and all before it, are final. Only descendants count: the header's own
     * signer is not a vote for it (an honest out-of-turn orphan plus one
     * byzantine signer building on it must not finalise it). */
    bool seen[VALSET_MAX] = {false};
    size_t distinct = 0, need = snap->signers.n / 2 + 1;
    for (size_t k = 0; k + 1 < f->len; k++) {
        size_t i = (f->first + f->len - 1 - k) % CLIQUE_FINALITY_WINDOW;
        long idx = valset_index(&snap->signers, f->signer[i]);
        if (idx >= 0 && !seen[idx]) {
            seen[idx] = true;
            distinct++;
        }
        if (distinct >= need) {
            size_t fin = (f->first + f->len - 2 - k) % CLIQUE_FINALITY_WINDOW;
            if (!f->has_final || f->number[fin] > f->final_number) {
                f->has_final = true;
                f->final_number = f->number[fin];
                memcpy(f->final_hash, f->hash[fin], 32);
            }
            break;
        }
    }
    return ZK_OK;
}

int clique_finality_latest(const clique_finality *f, uint64_t *number, uint8_t hash[32])
{
    if (!f->has_final) return ZK_ERR_NOTFOUND;
    *number = f->final_number;
    if (hash) memcpy(hash, f->final_hash, 32);
    return ZK_OK;
}
