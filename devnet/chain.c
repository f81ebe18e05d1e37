/* The devnet sealer's chain state: see chain.h. */
#include "devnet/chain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lightclient/bft.h"
#include "lightclient/ecdsa.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "lightclient/keccak.h"

/* Reorganisations followed in one sync before giving up: anvil rewriting its
 * chain while we read it. */
#define DEVNET_MAX_REORGS 64

void devnet_key_derive(uint8_t key[32], size_t i)
{
    char text[64];
    int n = snprintf(text, sizeof(text), "zkrelay devnet validator %zu", i);
    keccak256(key, (const uint8_t *)text, (size_t)n);
}

static bool vote_is_pending(const devnet_vote_rec *v)
{
    return v->block == 0;
}

/* votes.json: [{"block": N, "address": "0x..", "add": true}, ...]; block 0
 * marks a vote scheduled but not sealed yet. */
static int votes_path(const devnet_chain *c, char *out, size_t cap, const char *suffix)
{
    int n = snprintf(out, cap, "%s/votes.json%s", c->cfg.state_dir, suffix);
    return n > 0 && (size_t)n < cap ? ZK_OK : ZK_ERR_RANGE;
}

static int votes_save(const devnet_chain *c, zk_errbuf *err)
{
    if (!c->cfg.state_dir) return ZK_OK;
    char path[4096], tmp[4096];
    if (votes_path(c, path, sizeof(path), "") || votes_path(c, tmp, sizeof(tmp), ".tmp"))
        return ZK_FAIL(err, ZK_ERR_RANGE, "state directory path too long");
    if (mkdir(c->cfg.state_dir, 0700) != 0 && errno != EEXIST)
        return ZK_FAIL(err, ZK_ERR_IO, "cannot create %s: %s", c->cfg.state_dir, strerror(errno));
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < c->n_votes; i++) {
        char a[43];
        hex_encode(a, c->votes[i].addr, 20, true);
        json_array_append_new(arr,
                              json_pack("{s:I, s:s, s:b}", "block", (json_int_t)c->votes[i].block,
                                        "address", a, "add", c->votes[i].add));
    }
    /* Write then rename, so a crash leaves the old file or the new one. */
    int rc = arr && json_dump_file(arr, tmp, JSON_INDENT(1)) == 0 && rename(tmp, path) == 0
                 ? ZK_OK
                 : ZK_FAIL(err, ZK_ERR_IO, "cannot write %s", path);
    json_decref(arr);
    return rc;
}

static int votes_load(devnet_chain *c, zk_errbuf *err)
{
    if (!c->cfg.state_dir) return ZK_OK;
    char path[4096];
    if (votes_path(c, path, sizeof(path), ""))
        return ZK_FAIL(err, ZK_ERR_RANGE, "state directory path too long");
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? ZK_OK : ZK_FAIL(err, ZK_ERR_IO, "cannot open %s", path);
    json_error_t je;
    json_t *arr = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    int rc = ZK_OK;
    if (!json_is_array(arr) || json_array_size(arr) > DEVNET_MAX_VOTES)
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: not an array of at most %d votes", path,
                     DEVNET_MAX_VOTES);
    for (size_t i = 0; rc == ZK_OK && i < json_array_size(arr); i++) {
        const json_t *o = json_array_get(arr, i);
        const json_t *b = json_object_get(o, "block"), *a = json_object_get(o, "address"),
                     *add = json_object_get(o, "add");
        devnet_vote_rec *v = &c->votes[c->n_votes];
        if (!json_is_integer(b) || json_integer_value(b) < 0 || !json_is_string(a) ||
            !json_is_boolean(add) || hex_decode_fixed(v->addr, 20, json_string_value(a), NULL))
            rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: vote %zu is malformed", path, i);
        else {
            v->block = (uint64_t)json_integer_value(b);
            v->add = json_is_true(add);
            c->n_votes++;
        }
    }
    json_decref(arr);
    return rc;
}

int devnet_chain_init(devnet_chain *c, const secp256k1_context *ctx, rpc_client *anvil,
                      const devnet_chain_config *cfg, const uint8_t (*keys)[32], size_t n_keys,
                      zk_errbuf *err)
{
    memset(c, 0, sizeof(*c));
    c->ctx = ctx;
    c->anvil = anvil;
    c->cfg = *cfg;
    if (!keys) n_keys = DEVNET_MAX_KEYS;
    if (n_keys > DEVNET_MAX_KEYS)
        return ZK_FAIL(err, ZK_ERR_USAGE, "at most %d keys", DEVNET_MAX_KEYS);
    if (cfg->n_validators == 0 || cfg->n_validators > n_keys)
        return ZK_FAIL(err, ZK_ERR_USAGE, "validators must be 1..%zu (the keys held)", n_keys);
    for (size_t i = 0; i < n_keys; i++) {
        if (keys)
            memcpy(c->keys[i], keys[i], 32);
        else
            devnet_key_derive(c->keys[i], i);
        uint8_t pub[64];
        if (ecdsa_pubkey_from_seckey(ctx, pub, c->keys[i]) != ZK_OK)
            return ZK_FAIL(err, ZK_ERR_RANGE, "key %zu is not a valid secp256k1 secret key", i);
        eth_address_from_pubkey(c->addrs[i], pub);
        for (size_t j = 0; j < i; j++)
            if (memcmp(c->addrs[i], c->addrs[j], 20) == 0)
                return ZK_FAIL(err, ZK_ERR_USAGE, "keys %zu and %zu are the same", j, i);
    }
    c->n_keys = n_keys;
    return votes_load(c, err);
}

void devnet_chain_truncate(devnet_chain *c, uint64_t n)
{
    while (c->n_blocks > n) {
        devnet_block *b = &c->blocks[--c->n_blocks];
        free(b->rlp);
        memset(b, 0, sizeof(*b));
    }
}

void devnet_chain_clear(devnet_chain *c)
{
    devnet_chain_truncate(c, 0);
    free(c->blocks);
    zk_wipe(c->keys, sizeof(c->keys));
    memset(c, 0, sizeof(*c));
}

int devnet_chain_find(const devnet_chain *c, uint64_t *n, const uint8_t hash[32], bool anvil)
{
    /* Linear: a devnet holds blocks mined on demand, thousands at most. */
    for (size_t i = c->n_blocks; i-- > 0;)
        if (memcmp(anvil ? c->blocks[i].anvil_hash : c->blocks[i].hash, hash, 32) == 0) {
            *n = i;
            return ZK_OK;
        }
    return ZK_ERR_NOTFOUND;
}

int devnet_chain_header(const devnet_chain *c, eth_header *h, uint64_t n, zk_errbuf *err)
{
    if (n >= c->n_blocks)
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "no block %llu", (unsigned long long)n);
    return header_decode_rlp(h, c->blocks[n].rlp, c->blocks[n].rlp_len, err);
}

static long key_index(const devnet_chain *c, const uint8_t addr[20])
{
    for (size_t i = 0; i < c->n_keys; i++)
        if (memcmp(c->addrs[i], addr, 20) == 0) return (long)i;
    return -1;
}

static size_t keyed_members(const devnet_chain *c, const valset *s)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (key_index(c, s->addrs[i]) >= 0) k++;
    return k;
}

/* Applies a vote to s. Returns ZK_OK, or ZK_ERR_REJECTED when it would not
 * change the set validly or would leave it unsealable by our keys. */
static int set_apply_vote(const devnet_chain *c, valset *s, const uint8_t addr[20], bool add,
                          zk_errbuf *err)
{
    char who[43];
    hex_encode(who, addr, 20, true);
    bool member = valset_contains(s, addr);
    if (add && member) return ZK_FAIL(err, ZK_ERR_REJECTED, "%s is already a validator", who);
    if (!add && !member) return ZK_FAIL(err, ZK_ERR_REJECTED, "%s is not a validator", who);
    if (!add && s->n == 1) return ZK_FAIL(err, ZK_ERR_REJECTED, "cannot drop the last validator");
    if (add && s->n == VALSET_MAX) return ZK_FAIL(err, ZK_ERR_REJECTED, "validator set is full");
    uint8_t(*list)[20] = malloc((s->n + 1) * 20);
    if (!list) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (add || memcmp(s->addrs[i], addr, 20) != 0) memcpy(list[n++], s->addrs[i], 20);
    if (add) memcpy(list[n++], addr, 20);
    valset next;
    int rc = valset_from_list(&next, (const uint8_t(*)[20])list, n, err);
    free(list);
    if (rc) return rc;
    if (keyed_members(c, &next) < valset_bft_quorum(next.n))
        return ZK_FAIL(err, ZK_ERR_REJECTED,
                       "after this vote the sealer would hold keys for %zu of %zu validators, "
                       "below the quorum of %zu",
                       keyed_members(c, &next), next.n, valset_bft_quorum(next.n));
    *s = next;
    return ZK_OK;
}

/* The list in block n and the vote it carries. */
static int block_extra(const devnet_chain *c, bft_extra *x, uint64_t n, zk_errbuf *err)
{
    eth_header h;
    int rc = devnet_chain_header(c, &h, n, err);
    if (rc) return rc;
    rc = bft_extra_decode(x, BFT_QBFT, h.extra_data, h.extra_len, err);
    header_clear(&h);
    return rc;
}

int devnet_chain_next_set(const devnet_chain *c, valset *out, zk_errbuf *err)
{
    if (c->n_blocks == 0) return ZK_FAIL(err, ZK_ERR_NOTFOUND, "no block sealed yet");
    bft_extra *x = malloc(sizeof(*x));
    if (!x) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    int rc = block_extra(c, x, c->n_blocks - 1, err);
    if (rc == ZK_OK)
        rc = valset_from_list(out, (const uint8_t(*)[20])x->validators, x->n_validators, err);
    /* Besu executes the deciding vote at the next block. */
    if (rc == ZK_OK && x->vote.present)
        rc = set_apply_vote(c, out, x->vote.recipient, x->vote.add, err);
    free(x);
    return rc;
}

/* The vote block n carries: the one recorded for n (a replay), else the first
 * pending vote that is valid for set (an invalid one is dropped, with a note). */
static int pick_vote(devnet_chain *c, bft_vote *vote, uint64_t n, const valset *set, zk_errbuf *err)
{
    memset(vote, 0, sizeof(*vote));
    for (size_t i = 0; i < c->n_votes; i++)
        if (c->votes[i].block == n) {
            vote->present = true;
            vote->add = c->votes[i].add;
            memcpy(vote->recipient, c->votes[i].addr, 20);
            return ZK_OK;
        }
    for (size_t i = 0; i < c->n_votes;) {
        if (!vote_is_pending(&c->votes[i])) {
            i++;
            continue;
        }
        valset trial = *set;
        zk_errbuf why = {{0}, 0};
        if (set_apply_vote(c, &trial, c->votes[i].addr, c->votes[i].add, &why) == ZK_OK) {
            c->votes[i].block = n;
            vote->present = true;
            vote->add = c->votes[i].add;
            memcpy(vote->recipient, c->votes[i].addr, 20);
            return votes_save(c, err);
        }
        fprintf(stderr, "zkrelay-devnet: dropping a vote no longer valid at block %llu: %s\n",
                (unsigned long long)n, why.msg);
        memmove(&c->votes[i], &c->votes[i + 1], (c->n_votes - i - 1) * sizeof(c->votes[0]));
        c->n_votes--;
    }
    return ZK_OK;
}

static int push_block(devnet_chain *c, const eth_header *h, const uint8_t anvil_hash[32],
                      zk_errbuf *err)
{
    if (c->n_blocks == c->cap_blocks) {
        size_t cap = c->cap_blocks ? c->cap_blocks * 2 : 64;
        devnet_block *p = realloc(c->blocks, cap * sizeof(*p));
        if (!p) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
        c->blocks = p;
        c->cap_blocks = cap;
    }
    devnet_block *b = &c->blocks[c->n_blocks];
    memset(b, 0, sizeof(*b));
    zk_buf rlp;
    buf_init(&rlp, 0);
    int rc = header_encode_rlp(&rlp, h);
    if (rc == ZK_OK) rc = bft_block_hash(b->hash, BFT_QBFT, h, err);
    if (rc) {
        buf_clear(&rlp);
        return rc;
    }
    memcpy(b->anvil_hash, anvil_hash, 32);
    b->rlp = rlp.data;
    b->rlp_len = rlp.len;
    c->n_blocks++;
    return ZK_OK;
}

/* Seals anvil's block object as QBFT block n = c->n_blocks. */
static int seal_block(devnet_chain *c, const json_t *ablock, uint64_t n, zk_errbuf *err)
{
    static const uint8_t empty_list = 0xc0;
    eth_header h;
    uint8_t anvil_hash[32];
    int rc = header_from_json(&h, ablock, err);
    if (rc) return zk_fail_wrap(err, rc, "anvil block %llu", (unsigned long long)n);
    bft_extra *x = calloc(1, sizeof(*x));
    if (!x) {
        header_clear(&h);
        return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    }
    rc = json_get_data_fixed(anvil_hash, 32, ablock, "hash", err);
    /* London layout: a Besu London network has none of the later fields. */
    h.has_withdrawals_root = h.has_blob_gas = h.has_parent_beacon_root = h.has_requests_hash =
        false;
    keccak256(h.ommers_hash, &empty_list, 1);
    memcpy(h.mix_hash, bft_istanbul_digest, 32);
    memset(h.difficulty, 0, 32);
    h.difficulty[31] = 1;
    memset(h.nonce, 0, 8);
    free(h.extra_data);
    h.extra_data = NULL;
    h.extra_len = 0;
    x->vanity_len = BFT_VANITY_LEN;
    valset set;
    set.n = 0;
    if (rc == ZK_OK && n == 0) {
        memset(h.parent_hash, 0, 32);
        memset(h.coinbase, 0, 20);
        rc = valset_from_list(&set, (const uint8_t(*)[20])c->addrs, c->cfg.n_validators, err);
        if (rc == ZK_OK) {
            x->n_validators = set.n;
            memcpy(x->validators, set.addrs, set.n * 20);
            zk_buf b;
            buf_init(&b, 0);
            rc = bft_extra_encode(&b, BFT_QBFT, x, BFT_EXTRA_FULL);
            h.extra_data = b.data;
            h.extra_len = b.len;
        }
    } else if (rc == ZK_OK) {
        memcpy(h.parent_hash, c->blocks[n - 1].hash, 32);
        rc = devnet_chain_next_set(c, &set, err);
        if (rc == ZK_OK) rc = pick_vote(c, &x->vote, n, &set, err);
        uint8_t(*signers)[32] = malloc(set.n * 32);
        size_t k = 0, want = c->cfg.seals ? c->cfg.seals : set.n;
        if (want < valset_bft_quorum(set.n)) want = valset_bft_quorum(set.n);
        if (!signers && rc == ZK_OK) rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; rc == ZK_OK && i < set.n && k < want; i++) {
            long ki = key_index(c, set.addrs[i]);
            if (ki >= 0) memcpy(signers[k++], c->keys[ki], 32);
        }
        if (rc == ZK_OK && k < valset_bft_quorum(set.n))
            rc = ZK_FAIL(err, ZK_ERR_REJECTED, "block %llu: keys for %zu of %zu validators",
                         (unsigned long long)n, k, set.n);
        if (rc == ZK_OK) {
            x->n_validators = set.n;
            memcpy(x->validators, set.addrs, set.n * 20);
            memcpy(h.coinbase, set.addrs[n % set.n], 20);
            rc = bft_seal_header(&h, c->ctx, BFT_QBFT, x, (const uint8_t(*)[32])signers, k, err);
        }
        if (signers) zk_wipe(signers, set.n * 32);
        free(signers);
    }
    if (rc == ZK_OK) rc = push_block(c, &h, anvil_hash, err);
    header_clear(&h);
    free(x);
    return rc;
}

int devnet_chain_sync(devnet_chain *c, zk_errbuf *err)
{
    uint64_t head;
    int rc = rpc_eth_block_number(c->anvil, &head, err);
    if (rc) return rc;
    if (c->n_blocks > head + 1) devnet_chain_truncate(c, head + 1);
    int reorgs = 0;
    while (rc == ZK_OK && c->n_blocks <= head) {
        uint64_t n = c->n_blocks;
        json_t *b = NULL;
        rc = rpc_eth_get_block_by_number(c->anvil, &b, rpc_block_at(n), false, err);
        if (rc == ZK_ERR_NOTFOUND) { /* anvil went back while we read */
            rc = ZK_OK;
            break;
        }
        uint8_t parent[32];
        if (rc == ZK_OK && n > 0) rc = json_get_data_fixed(parent, 32, b, "parentHash", err);
        if (rc == ZK_OK && n > 0 && memcmp(parent, c->blocks[n - 1].anvil_hash, 32) != 0) {
            /* Anvil replaced block n-1 (evm_revert, anvil_reset): re-seal from there. */
            json_decref(b);
            if (++reorgs > DEVNET_MAX_REORGS)
                return ZK_FAIL(err, ZK_ERR_RPC, "anvil keeps rewriting its chain");
            devnet_chain_truncate(c, n - 1);
            continue;
        }
        if (rc == ZK_OK) rc = seal_block(c, b, n, err);
        json_decref(b);
    }
    return rc;
}

int devnet_chain_vote(devnet_chain *c, const uint8_t addr[20], bool add, zk_errbuf *err)
{
    if (c->n_votes >= DEVNET_MAX_VOTES)
        return ZK_FAIL(err, ZK_ERR_RANGE, "%d votes remembered: no room", DEVNET_MAX_VOTES);
    valset s;
    int rc = devnet_chain_next_set(c, &s, err);
    for (size_t i = 0; rc == ZK_OK && i < c->n_votes; i++)
        if (vote_is_pending(&c->votes[i]))
            rc = set_apply_vote(c, &s, c->votes[i].addr, c->votes[i].add, err);
    if (rc == ZK_OK) rc = set_apply_vote(c, &s, addr, add, err);
    if (rc) return rc;
    devnet_vote_rec *v = &c->votes[c->n_votes++];
    v->block = 0;
    v->add = add;
    memcpy(v->addr, addr, 20);
    return votes_save(c, err);
}

int devnet_chain_checkpoint(const devnet_chain *c, json_t **out, uint64_t chain_id, zk_errbuf *err)
{
    *out = NULL;
    eth_header h;
    int rc = devnet_chain_header(c, &h, 0, err);
    if (rc) return rc;
    bft_extra *x = malloc(sizeof(*x));
    json_t *hj = NULL, *vals = json_array(), *cp = NULL;
    rc = x && vals ? bft_extra_decode(x, BFT_QBFT, h.extra_data, h.extra_len, err) : ZK_ERR_NOMEM;
    if (rc == ZK_OK) rc = header_to_json(&hj, &h, c->blocks[0].hash);
    for (size_t i = 0; rc == ZK_OK && i < x->n_validators; i++) {
        char a[43];
        hex_encode(a, x->validators[i], 20, true);
        json_array_append_new(vals, json_string(a));
    }
    char hash[67];
    hex_encode(hash, c->blocks[0].hash, 32, true);
    if (rc == ZK_OK)
        cp = json_pack("{s:I, s:s, s:i, s:s, s:O, s:O}", "chainId", (json_int_t)chain_id,
                       "consensus", "qbft", "number", 0, "hash", hash, "validators", vals, "header",
                       hj);
    if (rc == ZK_OK && !cp) rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory");
    json_decref(hj);
    json_decref(vals);
    free(x);
    header_clear(&h);
    *out = cp;
    return rc;
}
