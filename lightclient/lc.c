#include "lc.h"

#include <stdlib.h>
#include <string.h>

#include "bft.h"
#include "clique.h"
#include "hex.h"
#include "json_fields.h"
#include "keccak.h"
#include "lc_clique.h"

struct lc_client {
    const secp256k1_context *ctx;
    lc_store *store;
    lc_checkpoint cp;
    lc_clique_state *clique; /* Clique only */
};

/* What a BFT header is checked against: its parent as stored (or as verified
 * earlier in the same batch). */
typedef struct bft_parent {
    lc_stored_header rec;
    valset next_set;    /* the set rec hands over to */
    const uint8_t *rlp; /* rec's raw RLP, NULL when not kept (checkpoint, skipped) */
    size_t rlp_len;
} bft_parent;

/* ---- checkpoint file ---- */

static int consensus_from_name(lc_consensus *out, const char *name)
{
    if (strcmp(name, "qbft") == 0)
        *out = LC_QBFT;
    else if (strcmp(name, "ibft2") == 0)
        *out = LC_IBFT2;
    else if (strcmp(name, "clique") == 0)
        *out = LC_CLIQUE;
    else
        return ZK_ERR_MALFORMED;
    return ZK_OK;
}

static bft_flavor flavor_of(lc_consensus c)
{
    return c == LC_IBFT2 ? BFT_IBFT2 : BFT_QBFT;
}

static int consensus_hash(uint8_t out[32], lc_consensus c, const eth_header *h, zk_errbuf *err)
{
    if (c == LC_CLIQUE) return header_hash(out, h);
    return bft_block_hash(out, flavor_of(c), h, err);
}

/* A non-negative JSON integer. */
static int json_get_u64(uint64_t *out, const json_t *obj, const char *key, zk_errbuf *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "checkpoint: \"%s\" must be a non-negative integer",
                       key);
    *out = (uint64_t)json_integer_value(v);
    return ZK_OK;
}

static int checkpoint_keys_known(const json_t *obj, const char *const *keys, size_t n,
                                 const char *where, zk_errbuf *err)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        size_t i = 0;
        while (i < n && strcmp(key, keys[i]) != 0)
            i++;
        if (i == n) return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: unknown key \"%s\"", where, key);
    }
    return ZK_OK;
}

/* The Clique signers a checkpoint header lists (vanity || N x 20 || seal). */
static int clique_header_signers(valset *out, const eth_header *h, zk_errbuf *err)
{
    if (h->extra_len < CLIQUE_VANITY + CLIQUE_SEAL ||
        (h->extra_len - CLIQUE_VANITY - CLIQUE_SEAL) % 20 != 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "checkpoint: header extraData is not vanity || signers || seal");
    size_t n = (h->extra_len - CLIQUE_VANITY - CLIQUE_SEAL) / 20;
    return valset_from_list(out, (const uint8_t(*)[20])(h->extra_data + CLIQUE_VANITY), n, err);
}

void lc_checkpoint_file_clear(lc_checkpoint_file *f)
{
    if (f && f->has_header) header_clear(&f->header);
    if (f) f->has_header = false;
}

int lc_checkpoint_from_json(lc_checkpoint_file *out, const json_t *obj, zk_errbuf *err)
{
    static const char *const keys[] = {"chainId",    "consensus", "number", "hash",
                                       "validators", "clique",    "header"};
    memset(out, 0, sizeof(*out));
    if (!json_is_object(obj))
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "checkpoint: not a JSON object");
    int rc = checkpoint_keys_known(obj, keys, sizeof(keys) / sizeof(*keys), "checkpoint", err);
    if (rc) return rc;
    lc_checkpoint *cp = &out->cp;
    const char *cons = json_string_value(json_object_get(obj, "consensus"));
    if (!cons || consensus_from_name(&cp->consensus, cons) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "checkpoint: \"consensus\" must be \"qbft\", \"ibft2\" or \"clique\"");
    if ((rc = json_get_u64(&cp->chain_id, obj, "chainId", err))) return rc;
    if ((rc = json_get_u64(&cp->number, obj, "number", err))) return rc;
    if ((rc = json_get_data_fixed(cp->hash, 32, obj, "hash", err)))
        return zk_fail_wrap(err, rc == ZK_ERR_NOTFOUND ? ZK_ERR_MALFORMED : rc, "checkpoint");

    const json_t *vals = json_object_get(obj, "validators");
    if (!json_is_array(vals) || json_array_size(vals) == 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "checkpoint: \"validators\" must be a non-empty array of addresses");
    if (json_array_size(vals) > VALSET_MAX)
        return ZK_FAIL(err, ZK_ERR_RANGE, "checkpoint: more than %d validators", VALSET_MAX);
    uint8_t(*addrs)[20] = malloc(json_array_size(vals) * 20);
    if (!addrs) return ZK_FAIL(err, ZK_ERR_NOMEM, "checkpoint: out of memory");
    size_t i;
    const json_t *a;
    json_array_foreach(vals, i, a)
    {
        const char *s = json_string_value(a);
        if (!s || strncmp(s, "0x", 2) != 0 || hex_decode_fixed(addrs[i], 20, s, NULL) != ZK_OK) {
            free(addrs);
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "checkpoint: validators[%zu] is not a 20-byte 0x address", i);
        }
    }
    rc = valset_from_list(&cp->validators, (const uint8_t(*)[20])addrs, json_array_size(vals), err);
    free(addrs);
    if (rc) return zk_fail_wrap(err, rc, "checkpoint: validators");

    const json_t *clq = json_object_get(obj, "clique");
    if (cp->consensus == LC_CLIQUE) {
        static const char *const ckeys[] = {"epoch", "period"};
        if (!json_is_object(clq))
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "checkpoint: \"clique\": {\"epoch\", \"period\"} is required");
        if ((rc = checkpoint_keys_known(clq, ckeys, 2, "checkpoint.clique", err))) return rc;
        if ((rc = json_get_u64(&cp->clique_epoch, clq, "epoch", err))) return rc;
        if ((rc = json_get_u64(&cp->clique_period, clq, "period", err))) return rc;
        if (cp->clique_epoch == 0)
            return ZK_FAIL(err, ZK_ERR_MALFORMED, "checkpoint: clique epoch must be > 0");
        if (cp->number % cp->clique_epoch != 0)
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "checkpoint: a Clique checkpoint must be an epoch block (number %% "
                           "epoch == 0)");
    } else if (clq) {
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "checkpoint: \"clique\" is only for Clique chains");
    }

    const json_t *hj = json_object_get(obj, "header");
    if (!hj) {
        if (cp->consensus == LC_CLIQUE)
            return ZK_FAIL(err, ZK_ERR_MALFORMED,
                           "checkpoint: a Clique checkpoint needs its \"header\" (the snapshot "
                           "starts from its timestamp, gas limit and signer list)");
        return ZK_OK;
    }
    if ((rc = header_from_json(&out->header, hj, err)))
        return zk_fail_wrap(err, rc, "checkpoint: header");
    out->has_header = true;
    uint8_t hash[32];
    if ((rc = consensus_hash(hash, cp->consensus, &out->header, err))) {
        lc_checkpoint_file_clear(out);
        return zk_fail_wrap(err, rc, "checkpoint: header");
    }
    if (memcmp(hash, cp->hash, 32) != 0 || out->header.number != cp->number) {
        lc_checkpoint_file_clear(out);
        return ZK_FAIL(err, ZK_ERR_MISMATCH,
                       "checkpoint: \"header\" does not hash to \"hash\" at \"number\"");
    }
    if (cp->consensus == LC_CLIQUE) {
        valset listed;
        if ((rc = clique_header_signers(&listed, &out->header, err)) ||
            !valset_equal(&listed, &cp->validators)) {
            lc_checkpoint_file_clear(out);
            return rc ? rc
                      : ZK_FAIL(err, ZK_ERR_MISMATCH,
                                "checkpoint: \"validators\" differ from the signers the header "
                                "lists");
        }
    }
    return ZK_OK;
}

/* ---- open / init ---- */

int lc_init(const secp256k1_context *ctx, const char *db_dir, const lc_checkpoint_file *cpf,
            zk_errbuf *err)
{
    lc_store *s = NULL;
    int rc = lc_store_open(&s, db_dir, true, err);
    if (rc) return rc;
    rc = lc_store_init(s, &cpf->cp, err);
    if (rc == ZK_OK && cpf->has_header) {
        /* Keep the checkpoint header's bytes: a rotation right after the
         * checkpoint needs its vote, and auditors its content. */
        zk_buf b;
        buf_init(&b, 0);
        rc = header_encode_rlp(&b, &cpf->header);
        if (rc == ZK_OK) rc = lc_store_put_checkpoint_rlp(s, b.data, b.len, err);
        buf_clear(&b);
    }
    if (rc == ZK_OK && cpf->cp.consensus == LC_CLIQUE)
        rc = lc_clique_init_state(s, ctx, &cpf->cp, &cpf->header, err);
    lc_store_close(s);
    return rc;
}

int lc_open(lc_client **out, const secp256k1_context *ctx, const char *db_dir, zk_errbuf *err)
{
    *out = NULL;
    lc_client *lc = calloc(1, sizeof(*lc));
    if (!lc) return ZK_FAIL(err, ZK_ERR_NOMEM, "light client: out of memory");
    lc->ctx = ctx;
    int rc = lc_store_open(&lc->store, db_dir, false, err);
    if (rc == ZK_OK) rc = lc_store_checkpoint(lc->store, &lc->cp, err);
    if (rc == ZK_ERR_NOTFOUND)
        zk_fail(err, rc, "light client: %s holds no initialised store (run `zkrelay lc init`)",
                db_dir);
    if (rc == ZK_OK && lc->cp.consensus == LC_CLIQUE)
        rc = lc_clique_load(&lc->clique, lc->store, ctx, err);
    if (rc) {
        lc_close(lc);
        return rc;
    }
    *out = lc;
    return ZK_OK;
}

void lc_close(lc_client *lc)
{
    if (!lc) return;
    lc_clique_free(lc->clique);
    lc_store_close(lc->store);
    free(lc);
}

lc_store *lc_client_store(lc_client *lc)
{
    return lc->store;
}
lc_consensus lc_client_consensus(const lc_client *lc)
{
    return lc->cp.consensus;
}

int lc_header_hash(const lc_client *lc, uint8_t out[32], const eth_header *h, zk_errbuf *err)
{
    return consensus_hash(out, lc->cp.consensus, h, err);
}

int lc_unfreeze(lc_client *lc, zk_errbuf *err)
{
    return lc_store_unfreeze(lc->store, err);
}

/* ---- BFT ---- */

static int refuse_if_frozen(lc_client *lc, zk_errbuf *err)
{
    bool frozen;
    uint64_t at;
    int rc = lc_store_frozen(lc->store, &frozen, &at, err);
    if (rc) return rc;
    if (frozen)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "light client frozen: equivocation at block %llu; an operator must "
                       "inspect the evidence and run `zkrelay lc unfreeze`",
                       (unsigned long long)at);
    return ZK_OK;
}

/* Loads the stored header at number as a parent (its raw RLP when kept). */
static int load_parent(lc_client *lc, bft_parent *p, uint8_t **rlp_owned, uint64_t number,
                       zk_errbuf *err)
{
    *rlp_owned = NULL;
    int rc = lc_store_get_header(lc->store, &p->rec, number, err);
    if (rc) return rc;
    rc = lc_store_get_valset(lc->store, &p->next_set, p->rec.next_valset_id, err);
    if (rc) return rc;
    size_t len = 0;
    rc = number == lc->cp.number ? lc_store_get_checkpoint_rlp(lc->store, rlp_owned, &len, err)
                                 : lc_store_get_header_rlp(lc->store, number, rlp_owned, &len, err);
    if (rc == ZK_ERR_NOTFOUND) {
        p->rlp = NULL;
        p->rlp_len = 0;
        return ZK_OK;
    }
    if (rc) return rc;
    p->rlp = *rlp_owned;
    p->rlp_len = len;
    return ZK_OK;
}

/* A rotation at h: its list L differs from trusted. Besu changes the set at
 * the block after the vote that decided it, so the parent (sealed by the old
 * set's quorum) must carry a vote whose execution turns trusted into L. */
static int check_rotation_vote(const bft_parent *parent, bft_flavor f, const valset *trusted,
                               const valset *next, uint64_t number, zk_errbuf *err)
{
    if (!parent->rlp)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "rotation at block %llu: the handover header %llu is not stored with its "
                       "bytes (checkpoint without \"header\", or skipped); submit it first",
                       (unsigned long long)number, (unsigned long long)number - 1);
    eth_header ph;
    bft_extra *x = malloc(sizeof(*x));
    if (!x) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    int rc = header_decode_rlp(&ph, parent->rlp, parent->rlp_len, err);
    if (rc == ZK_OK) {
        rc = bft_extra_decode(x, f, ph.extra_data, ph.extra_len, err);
        header_clear(&ph);
    }
    if (rc) {
        free(x);
        return zk_fail_wrap(err, ZK_ERR_MALFORMED, "stored header %llu",
                            (unsigned long long)number - 1);
    }
    bft_vote vote = x->vote;
    free(x);
    if (!vote.present)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "rotation at block %llu not authorised: the handover header %llu carries "
                       "no vote",
                       (unsigned long long)number, (unsigned long long)number - 1);
    bool member = valset_contains(trusted, vote.recipient);
    bool expect_size_ok =
        vote.add ? (!member && next->n == trusted->n + 1) : (member && next->n + 1 == trusted->n);
    bool ok = expect_size_ok;
    /* Every member of the smaller set is in the larger one, and the voted
     * address is the one difference. */
    const valset *small = vote.add ? trusted : next, *large = vote.add ? next : trusted;
    for (size_t i = 0; ok && i < small->n; i++)
        ok = valset_contains(large, small->addrs[i]);
    if (ok) ok = valset_contains(large, vote.recipient) && !valset_contains(small, vote.recipient);
    if (!ok) {
        char who[43];
        hex_encode(who, vote.recipient, 20, true);
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "rotation at block %llu not authorised: the set changed by more than the "
                       "%s of %s voted in header %llu",
                       (unsigned long long)number, vote.add ? "addition" : "removal", who,
                       (unsigned long long)number - 1);
    }
    return ZK_OK;
}

/* Verifies h as the child of parent (or, when skip, as a far header under
 * parent's set) and fills the record to store. */
static int bft_check(lc_client *lc, lc_stored_header *rec, valset *next, lc_verdict *v,
                     const bft_parent *parent, const eth_header *h, bool skip, zk_errbuf *err)
{
    bft_flavor f = flavor_of(lc->cp.consensus);
    if (!skip && memcmp(h->parent_hash, parent->rec.hash, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "header %llu: parentHash is not the verified header %llu",
                       (unsigned long long)h->number, (unsigned long long)parent->rec.number);
    bft_result *res = malloc(sizeof(*res));
    if (!res) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    int rc = bft_verify_header(res, lc->ctx, f, h, &parent->next_set, err);
    if (rc) {
        free(res);
        return zk_fail_wrap(err, rc, "header %llu", (unsigned long long)h->number);
    }
    if (res->validators_changed) {
        if (skip)
            rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                         "header %llu lists another validator set than block %llu: the set "
                         "changed in between; submit the handover headers first",
                         (unsigned long long)h->number, (unsigned long long)parent->rec.number);
        else
            rc = check_rotation_vote(parent, f, &parent->next_set, &res->next_validators, h->number,
                                     err);
        if (rc) {
            free(res);
            return rc;
        }
    }
    memset(rec, 0, sizeof(*rec));
    rec->number = h->number;
    memcpy(rec->hash, res->block_hash, 32);
    memcpy(rec->parent_hash, h->parent_hash, 32);
    memcpy(rec->state_root, h->state_root, 32);
    memcpy(rec->transactions_root, h->transactions_root, 32);
    memcpy(rec->receipts_root, h->receipts_root, 32);
    rec->timestamp = h->timestamp;
    memcpy(rec->valset_id, parent->rec.next_valset_id, 32);
    valset_id(rec->next_valset_id, &res->next_validators);
    rec->rule = LC_RULE_BFT_QUORUM;
    *next = res->next_validators;

    memset(v, 0, sizeof(*v));
    v->outcome = LC_ACCEPTED;
    v->rule = LC_RULE_BFT_QUORUM;
    v->number = h->number;
    memcpy(v->hash, res->block_hash, 32);
    v->n_signers = res->n_signers;
    v->set_size = res->next_validators.n;
    v->quorum = valset_bft_quorum(res->next_validators.n);
    v->rotated = res->validators_changed;
    v->skipped = skip;
    free(res);
    return ZK_OK;
}

/* A second header at a stored height: equivocation when it carries a valid
 * quorum of the set that sealed the stored one, a plain rejection otherwise. */
static int bft_conflict(lc_client *lc, const lc_stored_header *stored, const eth_header *h,
                        const uint8_t *rlp, size_t rlp_len, zk_errbuf *err)
{
    valset *trusted = malloc(sizeof(*trusted));
    bft_result *res = malloc(sizeof(*res));
    int rc = trusted && res ? ZK_OK : ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    if (rc == ZK_OK) rc = lc_store_get_valset(lc->store, trusted, stored->valset_id, err);
    if (rc == ZK_OK) {
        rc = bft_verify_header(res, lc->ctx, flavor_of(lc->cp.consensus), h, trusted, err);
        if (rc)
            rc = zk_fail_wrap(err, ZK_ERR_REJECTED,
                              "header %llu conflicts with the stored one and fails verification",
                              (unsigned long long)h->number);
    }
    /* Equivocation means two quorums of one set. A conflicting header that
     * lists another set must pass the same rotation rule as on the main path
     * (the stored parent's vote), or f+1 keys could freeze the client. */
    if (rc == ZK_OK && res->validators_changed) {
        bft_parent parent;
        uint8_t *parent_rlp = NULL;
        rc = load_parent(lc, &parent, &parent_rlp, h->number - 1, err);
        if (rc == ZK_OK && memcmp(parent.rec.hash, h->parent_hash, 32) != 0)
            rc = ZK_FAIL(err, ZK_ERR_REJECTED, "parent is not the verified header");
        if (rc == ZK_OK)
            rc = check_rotation_vote(&parent, flavor_of(lc->cp.consensus), trusted,
                                     &res->next_validators, h->number, err);
        free(parent_rlp);
        if (rc)
            rc = zk_fail_wrap(err, ZK_ERR_REJECTED,
                              "header %llu conflicts with the stored one and lists another "
                              "validator set without a valid handover",
                              (unsigned long long)h->number);
    }
    free(trusted);
    free(res);
    if (rc) return rc;

    uint8_t *stored_rlp = NULL;
    size_t stored_len = 0;
    rc = lc_store_get_header_rlp(lc->store, h->number, &stored_rlp, &stored_len, err);
    if (rc == ZK_ERR_NOTFOUND) {
        /* Without the stored bytes, the record itself is the evidence of what
         * was accepted (its hash and roots). */
        stored_len = sizeof(*stored);
        stored_rlp = malloc(stored_len);
        rc = stored_rlp ? ZK_OK : ZK_ERR_NOMEM;
        if (stored_rlp) memcpy(stored_rlp, stored, stored_len);
    }
    if (rc == ZK_OK)
        rc = lc_store_record_equivocation(lc->store, h->number, stored_rlp, stored_len, rlp,
                                          rlp_len, err);
    free(stored_rlp);
    if (rc) return rc;
    char a[67], b[67];
    uint8_t hb[32];
    if (bft_block_hash(hb, flavor_of(lc->cp.consensus), h, NULL) != ZK_OK) memset(hb, 0, 32);
    hex_encode(a, stored->hash, 32, true);
    hex_encode(b, hb, 32, true);
    return ZK_FAIL(err, ZK_ERR_MISMATCH,
                   "EQUIVOCATION at block %llu: %s and %s both carry a valid quorum; evidence "
                   "stored, light client frozen until an operator acts",
                   (unsigned long long)h->number, a, b);
}

/* One BFT header through the store's current state. */
static int bft_submit_one(lc_client *lc, lc_verdict *v, const eth_header *h, zk_errbuf *err)
{
    lc_stored_header head, stored;
    int rc = lc_store_head(lc->store, &head, err);
    if (rc) return rc;
    if (h->number <= lc->cp.number)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "header %llu is at or below the checkpoint %llu",
                       (unsigned long long)h->number, (unsigned long long)lc->cp.number);

    zk_buf raw;
    buf_init(&raw, 0);
    if ((rc = header_encode_rlp(&raw, h))) return rc;

    rc = lc_store_get_header(lc->store, &stored, h->number, err);
    if (rc == ZK_OK) {
        uint8_t hash[32];
        rc = bft_block_hash(hash, flavor_of(lc->cp.consensus), h, err);
        if (rc == ZK_OK && memcmp(hash, stored.hash, 32) == 0) {
            memset(v, 0, sizeof(*v));
            v->outcome = LC_KNOWN;
            v->rule = (lc_rule)stored.rule;
            v->number = h->number;
            memcpy(v->hash, hash, 32);
        } else if (rc == ZK_OK) {
            rc = bft_conflict(lc, &stored, h, raw.data, raw.len, err);
        }
        buf_clear(&raw);
        return rc;
    }
    if (rc != ZK_ERR_NOTFOUND) {
        buf_clear(&raw);
        return rc;
    }

    bool skip = h->number > head.number + 1;
    bft_parent parent;
    uint8_t *parent_rlp = NULL;
    if (skip)
        rc = load_parent(lc, &parent, &parent_rlp, head.number, err);
    else {
        rc = load_parent(lc, &parent, &parent_rlp, h->number - 1, err);
        if (rc == ZK_ERR_NOTFOUND)
            rc = ZK_FAIL(err, ZK_ERR_REJECTED, "header %llu: its parent %llu is not verified yet",
                         (unsigned long long)h->number, (unsigned long long)h->number - 1);
    }
    lc_stored_header rec;
    valset *next = malloc(sizeof(*next));
    if (rc == ZK_OK && !next) rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    if (rc == ZK_OK) rc = bft_check(lc, &rec, next, v, &parent, h, skip, err);
    if (rc == ZK_OK) {
        lc_put put = {&rec, next, raw.data, raw.len};
        rc = lc_store_put_batch(lc->store, &put, 1, skip, NULL, 0, NULL, err);
    }
    free(next);
    free(parent_rlp);
    buf_clear(&raw);
    return rc;
}

/* Consecutive BFT headers after the head, verified in memory and stored in one
 * batch. Returns how many were verified in *n_ok; the first failure stops it. */
static int bft_submit_run(lc_client *lc, lc_verdict *last, size_t *n_ok, const eth_header *hs,
                          size_t n, zk_errbuf *err)
{
    *n_ok = 0;
    lc_stored_header head;
    int rc = lc_store_head(lc->store, &head, err);
    if (rc) return rc;
    lc_stored_header *recs = calloc(n, sizeof(*recs));
    valset *sets = calloc(n, sizeof(*sets));
    zk_buf *raws = calloc(n, sizeof(*raws));
    lc_put *puts = calloc(n, sizeof(*puts));
    bft_parent *parent = malloc(sizeof(*parent));
    uint8_t *parent_rlp = NULL;
    if (!recs || !sets || !raws || !puts || !parent)
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    if (rc == ZK_OK) rc = load_parent(lc, parent, &parent_rlp, head.number, err);
    size_t i = 0;
    int fail = ZK_OK;
    for (; rc == ZK_OK && i < n; i++) {
        buf_init(&raws[i], 0);
        fail = header_encode_rlp(&raws[i], &hs[i]);
        if (fail == ZK_OK)
            fail = bft_check(lc, &recs[i], &sets[i], last, parent, &hs[i], false, err);
        if (fail) break;
        puts[i].h = &recs[i];
        puts[i].next_set = &sets[i];
        puts[i].rlp = raws[i].data;
        puts[i].rlp_len = raws[i].len;
        parent->rec = recs[i];
        parent->next_set = sets[i];
        parent->rlp = raws[i].data;
        parent->rlp_len = raws[i].len;
    }
    size_t verified = rc == ZK_OK ? i : 0;
    if (rc == ZK_OK && verified > 0) {
        zk_errbuf store_err;
        int src = lc_store_put_batch(lc->store, puts, verified, false, NULL, 0, NULL,
                                     fail ? &store_err : err);
        if (src) {
            if (fail && err) *err = store_err;
            rc = src;
            verified = 0;
        }
    }
    if (rc == ZK_OK) rc = fail;
    *n_ok = verified;
    for (size_t k = 0; raws && k < n && k <= i; k++)
        buf_clear(&raws[k]);
    free(recs);
    free(sets);
    free(raws);
    free(puts);
    free(parent);
    free(parent_rlp);
    return rc;
}

int lc_submit_header(lc_client *lc, lc_verdict *v, const eth_header *h, zk_errbuf *err)
{
    int rc = refuse_if_frozen(lc, err);
    if (rc) return rc;
    if (lc->cp.consensus == LC_CLIQUE)
        return lc_clique_submit(lc->clique, lc->store, v, h, 1, NULL, err);
    return bft_submit_one(lc, v, h, err);
}

int lc_submit_headers(lc_client *lc, lc_verdict *last, size_t *done, const eth_header *hs, size_t n,
                      zk_errbuf *err)
{
    *done = 0;
    int rc = refuse_if_frozen(lc, err);
    if (rc) return rc;
    if (lc->cp.consensus == LC_CLIQUE)
        return lc_clique_submit(lc->clique, lc->store, last, hs, n, done, err);
    while (*done < n) {
        lc_stored_header head;
        if ((rc = lc_store_head(lc->store, &head, err))) return rc;
        /* The run of headers that extend the head goes in one batch; anything
         * else (known, conflicting, far) goes through the single path. */
        size_t run = 0;
        while (*done + run < n && hs[*done + run].number == head.number + 1 + run)
            run++;
        if (run == 0) {
            if ((rc = bft_submit_one(lc, last, &hs[*done], err))) return rc;
            (*done)++;
            continue;
        }
        size_t ok = 0;
        rc = bft_submit_run(lc, last, &ok, hs + *done, run, err);
        *done += ok;
        if (rc) return rc;
    }
    return ZK_OK;
}
