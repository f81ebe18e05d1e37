/* Generated source chains for light-client tests and benchmarks: QBFT / IBFT 2.0
 * chains sealed by real keys with rotations by vote, and Clique chains sealed
 * in turn. Header-only (static functions) so each test binary links it alone.
 *
 * A BFT chain follows Besu's rules: header N lists the set that seals it; a
 * vote in header N-1 that decides a change makes header N list the new set. */
#ifndef ZKRELAY_TESTS_CHAINGEN_H
#define ZKRELAY_TESTS_CHAINGEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lightclient/bft.h"
#include "lightclient/bytes.h"
#include "lightclient/clique.h"
#include "lightclient/ecdsa.h"
#include "lightclient/header.h"
#include "lightclient/hex.h"
#include "lightclient/keccak.h"
#include "lightclient/lc.h"

#define CHAINGEN_KEYS 32
/* Not every includer uses every generator. */
#define CHAINGEN_FN static __attribute__((unused))

typedef struct chaingen {
    secp256k1_context *ctx;
    lc_consensus consensus;
    uint8_t keys[CHAINGEN_KEYS][32];
    uint8_t addrs[CHAINGEN_KEYS][20];
    bool active[CHAINGEN_KEYS];  /* members of the current set */
    bool genesis[CHAINGEN_KEYS]; /* members of the genesis set */
    eth_header *h;              /* h[0] is the genesis (number 0) */
    size_t n, cap;
    clique_snapshot *snap; /* Clique: the generator's own view, to seal in turn */
} chaingen;

CHAINGEN_FN void chaingen_fields(eth_header *h, uint64_t number, const uint8_t parent[32])
{
    static const uint8_t empty_list = 0xc0;
    uint8_t seed[8];
    header_init(h);
    be64_store(seed, number);
    if (parent) memcpy(h->parent_hash, parent, 32);
    keccak256(h->ommers_hash, &empty_list, 1);
    keccak256(h->state_root, seed, 8);
    keccak256(h->transactions_root, h->state_root, 32);
    keccak256(h->receipts_root, h->transactions_root, 32);
    h->number = number;
    h->gas_limit = 30000000;
    h->timestamp = 1700000000 + number * 2;
    h->has_base_fee = true;
    h->base_fee[31] = 7;
}

CHAINGEN_FN uint8_t (*chaingen_list(const chaingen *g, size_t *n))[20]
{
    static uint8_t list[CHAINGEN_KEYS][20];
    *n = 0;
    for (size_t i = 0; i < CHAINGEN_KEYS; i++)
        if (g->active[i]) memcpy(list[(*n)++], g->addrs[i], 20);
    return list;
}

CHAINGEN_FN int chaingen_push(chaingen *g, const eth_header *h)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 256;
        eth_header *p = realloc(g->h, cap * sizeof(*p));
        if (!p) return ZK_ERR_NOMEM;
        g->h = p;
        g->cap = cap;
    }
    g->h[g->n++] = *h;
    return ZK_OK;
}

CHAINGEN_FN int chaingen_hash(const chaingen *g, uint8_t out[32], const eth_header *h)
{
    if (g->consensus == LC_CLIQUE) return header_hash(out, h);
    return bft_block_hash(out, g->consensus == LC_IBFT2 ? BFT_IBFT2 : BFT_QBFT, h, NULL);
}

CHAINGEN_FN void chaingen_keys(chaingen *g, uint64_t seed)
{
    for (size_t i = 0; i < CHAINGEN_KEYS; i++) {
        uint8_t s[16];
        be64_store(s, seed);
        be64_store(s + 8, i);
        keccak256(g->keys[i], s, 16);
        uint8_t pub[64];
        if (ecdsa_pubkey_from_seckey(g->ctx, pub, g->keys[i]) == ZK_OK)
            eth_address_from_pubkey(g->addrs[i], pub);
    }
}

/* Starts a chain with validators 0..n_validators-1 and its genesis block. */
CHAINGEN_FN int chaingen_init(chaingen *g, lc_consensus consensus, size_t n_validators, uint64_t seed,
                         uint64_t clique_epoch)
{
    memset(g, 0, sizeof(*g));
    zk_errbuf err;
    g->ctx = ecdsa_context_new(&err);
    if (!g->ctx) return ZK_ERR_INTERNAL;
    g->consensus = consensus;
    chaingen_keys(g, seed);
    for (size_t i = 0; i < n_validators; i++)
        g->active[i] = g->genesis[i] = true;
    eth_header gen;
    chaingen_fields(&gen, 0, NULL);
    size_t n;
    uint8_t(*list)[20] = chaingen_list(g, &n);
    if (consensus == LC_CLIQUE) {
        /* vanity || signers ascending || 65 zero bytes */
        valset s;
        if (valset_from_list(&s, (const uint8_t(*)[20])list, n, NULL)) return ZK_ERR_INTERNAL;
        gen.extra_len = 32 + n * 20 + 65;
        gen.extra_data = calloc(1, gen.extra_len);
        memcpy(gen.extra_data + 32, s.addrs, n * 20);
        gen.difficulty[31] = 1;
        g->snap = malloc(sizeof(*g->snap));
        clique_config cfg = {clique_epoch, 1};
        int rc = chaingen_push(g, &gen);
        if (rc) return rc;
        return clique_snapshot_from_checkpoint(g->snap, &cfg, &g->h[0], NULL);
    }
    bft_extra *x = calloc(1, sizeof(*x));
    x->vanity_len = 32;
    x->n_validators = n;
    memcpy(x->validators, list, n * 20);
    zk_buf b;
    buf_init(&b, 0);
    int rc = bft_extra_encode(&b, consensus == LC_IBFT2 ? BFT_IBFT2 : BFT_QBFT, x, BFT_EXTRA_FULL);
    gen.extra_data = b.data;
    gen.extra_len = b.len;
    memcpy(gen.mix_hash, bft_istanbul_digest, 32);
    gen.difficulty[31] = 1;
    free(x);
    return rc ? rc : chaingen_push(g, &gen);
}

/* Appends a BFT block sealed by the first n_seals members of its set (all
 * when n_seals is 0), carrying vote (may be NULL). When the parent carried a
 * vote, it is executed here: the set this block lists has the voted key added
 * or dropped. vote_key indexes keys; add says which. */
CHAINGEN_FN int chaingen_bft_next(chaingen *g, int vote_key, bool add, size_t n_seals)
{
    const eth_header *parent = &g->h[g->n - 1];
    bft_flavor f = g->consensus == LC_IBFT2 ? BFT_IBFT2 : BFT_QBFT;
    bft_extra *px = malloc(sizeof(*px)), *x = calloc(1, sizeof(*x));
    if (!px || !x) return ZK_ERR_NOMEM;
    int rc = parent->number == 0
                 ? ZK_OK
                 : bft_extra_decode(px, f, parent->extra_data, parent->extra_len, NULL);
    if (rc == ZK_OK && parent->number > 0 && px->vote.present)
        for (size_t i = 0; i < CHAINGEN_KEYS; i++)
            if (memcmp(g->addrs[i], px->vote.recipient, 20) == 0) g->active[i] = px->vote.add;
    eth_header h;
    uint8_t ph[32];
    if (rc == ZK_OK) rc = chaingen_hash(g, ph, parent);
    chaingen_fields(&h, parent->number + 1, ph);
    memcpy(h.mix_hash, bft_istanbul_digest, 32);
    h.difficulty[31] = 1;
    size_t n;
    uint8_t(*list)[20] = chaingen_list(g, &n);
    x->vanity_len = 32;
    x->n_validators = n;
    memcpy(x->validators, list, n * 20);
    x->round = (uint32_t)(h.number % 3);
    if (vote_key >= 0) {
        x->vote.present = true;
        x->vote.add = add;
        memcpy(x->vote.recipient, g->addrs[vote_key], 20);
    }
    uint8_t signers[CHAINGEN_KEYS][32];
    size_t k = 0;
    for (size_t i = 0; i < CHAINGEN_KEYS; i++)
        if (g->active[i] && (n_seals == 0 || k < n_seals)) memcpy(signers[k++], g->keys[i], 32);
    memcpy(h.coinbase, list[0], 20);
    if (rc == ZK_OK) rc = bft_seal_header(&h, g->ctx, f, x, (const uint8_t(*)[32])signers, k, NULL);
    free(px);
    free(x);
    if (rc) {
        header_clear(&h);
        return rc;
    }
    return chaingen_push(g, &h);
}

/* Appends a Clique block sealed by the in-turn signer, or the first signer
 * allowed to seal when the in-turn one is recent. */
CHAINGEN_FN int chaingen_clique_next(chaingen *g)
{
    const eth_header *parent = &g->h[g->n - 1];
    eth_header h;
    uint8_t ph[32];
    int rc = header_hash(ph, parent);
    if (rc) return rc;
    chaingen_fields(&h, parent->number + 1, ph);
    h.timestamp = parent->timestamp + g->snap->cfg.period;
    h.gas_limit = parent->gas_limit;
    const valset *s = &g->snap->signers;
    size_t inturn = (size_t)(h.number % s->n), pick = inturn;
    if (!clique_can_seal(g->snap, s->addrs[inturn]))
        for (pick = 0; pick < s->n && !clique_can_seal(g->snap, s->addrs[pick]); pick++) {
        }
    if (pick == s->n) return ZK_ERR_INTERNAL;
    h.difficulty[31] = pick == inturn ? 2 : 1;
    bool checkpoint = h.number % g->snap->cfg.epoch == 0;
    size_t body = checkpoint ? s->n * 20 : 0;
    h.extra_len = 32 + body + 65;
    h.extra_data = calloc(1, h.extra_len);
    if (checkpoint) memcpy(h.extra_data + 32, s->addrs, body);
    size_t key = 0;
    while (key < CHAINGEN_KEYS && memcmp(g->addrs[key], s->addrs[pick], 20) != 0)
        key++;
    uint8_t sh[32], sig[65];
    rc = key < CHAINGEN_KEYS ? clique_seal_hash(sh, &h, NULL) : ZK_ERR_INTERNAL;
    if (rc == ZK_OK) rc = ecdsa_sign(g->ctx, sig, sh, g->keys[key]);
    if (rc == ZK_OK) memcpy(h.extra_data + h.extra_len - 65, sig, 65);
    if (rc == ZK_OK) rc = clique_apply(g->snap, g->ctx, &h, NULL, NULL);
    if (rc) {
        header_clear(&h);
        return rc;
    }
    return chaingen_push(g, &h);
}

/* The checkpoint object for the genesis, as an operator would write it. */
CHAINGEN_FN json_t *chaingen_checkpoint_json(const chaingen *g, uint64_t chain_id)
{
    uint8_t hash[32];
    char hex[67];
    if (chaingen_hash(g, hash, &g->h[0])) return NULL;
    hex_encode(hex, hash, 32, true);
    json_t *cp = json_object();
    json_object_set_new(cp, "chainId", json_integer((json_int_t)chain_id));
    json_object_set_new(cp, "consensus",
                        json_string(g->consensus == LC_CLIQUE  ? "clique"
                                    : g->consensus == LC_IBFT2 ? "ibft2"
                                                               : "qbft"));
    json_object_set_new(cp, "number", json_integer(0));
    json_object_set_new(cp, "hash", json_string(hex));
    json_t *vals = json_array();
    for (size_t i = 0; i < CHAINGEN_KEYS; i++)
        if (g->genesis[i]) {
            char a[43];
            hex_encode(a, g->addrs[i], 20, true);
            json_array_append_new(vals, json_string(a));
        }
    json_object_set_new(cp, "validators", vals);
    if (g->consensus == LC_CLIQUE) {
        json_t *c = json_object();
        json_object_set_new(c, "epoch", json_integer((json_int_t)g->snap->cfg.epoch));
        json_object_set_new(c, "period", json_integer((json_int_t)g->snap->cfg.period));
        json_object_set_new(cp, "clique", c);
    }
    json_t *hj = NULL;
    if (header_to_json(&hj, &g->h[0], hash) == ZK_OK) json_object_set_new(cp, "header", hj);
    return cp;
}

CHAINGEN_FN void chaingen_free(chaingen *g)
{
    for (size_t i = 0; i < g->n; i++)
        header_clear(&g->h[i]);
    free(g->h);
    free(g->snap);
    ecdsa_context_free(g->ctx);
    memset(g, 0, sizeof(*g));
}

#endif
