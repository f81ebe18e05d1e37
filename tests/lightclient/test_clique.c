/* Clique (EIP-225): the real Goerli genesis and blocks 1-7 (seal hashes,
 * signers and hashes reproduced exactly, applied in order from the genesis
 * snapshot), generated chains of 3 and 5 signers with in-turn and out-of-turn
 * blocks, votes that add and drop signers and epoch checkpoints, one negative
 * test per rule (each asserting the rule's name and an unchanged snapshot),
 * and the window finality rule.
 *
 * The generated chains keep their own model of the signer set, the recents
 * and the vote tally, independent of clique.c: headers are built from the
 * model (difficulty, checkpoint lists) and the snapshot must agree with it. */
#include "harness.h"

#include "lightclient/clique.h"
#include "lightclient/ecdsa.h"
#include "lightclient/hex.h"
#include "lightclient/keccak.h"

static secp256k1_context *g_ctx;

static const secp256k1_context *ctx_get(void)
{
    if (!g_ctx) g_ctx = ecdsa_context_new(NULL);
    return g_ctx;
}

static bool names(const zk_errbuf *err, const char *rule)
{
    char want[64];
    snprintf(want, sizeof want, "clique: %s: ", rule);
    return strstr(err->msg, want) == err->msg;
}

#define CHECK_RULE(err, rule)                                                                      \
    CHECK_MSG(names(&(err), (rule)), "error \"%s\" does not name rule %s", (err).msg, (rule))

static bool hex_fixed(uint8_t *out, size_t n, const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && hex_decode_fixed(out, n, s, NULL) == ZK_OK;
}

/* ---------------------------------------------------------------- Goerli */

TEST(goerli_headers)
{
    json_t *arr = th_load_json("clique/goerli_headers.json");
    if (!arr) return;
    CHECK_EQ_INT(json_array_size(arr), 8);
    const clique_config cfg = {30000, 15}; /* Goerli genesis config: clique.epoch, clique.period */
    clique_snapshot *snap = calloc(1, sizeof *snap);
    eth_header hs[8];
    for (size_t i = 0; i < 8; i++)
        header_init(&hs[i]);
    bool have_snap = false;
    for (size_t i = 0; i < json_array_size(arr) && i < 8; i++) {
        const json_t *v = json_array_get(arr, i);
        const json_t *exp = json_object_get(v, "expected");
        CASE_BEGIN("goerli %s", json_string_value(json_object_get(v, "name")));
        uint8_t *rlp = NULL;
        size_t rlp_len = 0;
        const char *rlp_hex = json_string_value(json_object_get(v, "header_rlp"));
        CHECK(rlp_hex && hex_decode_alloc(&rlp, &rlp_len, rlp_hex, NULL) == ZK_OK);
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(header_decode_rlp(&hs[i], rlp, rlp_len, &err), ZK_OK);
        /* The JSON form decodes to the same header. */
        eth_header hj;
        header_init(&hj);
        CHECK_EQ_INT(header_from_json(&hj, json_object_get(v, "header"), &err), ZK_OK);
        zk_buf b;
        buf_init(&b, 0);
        CHECK_EQ_INT(header_encode_rlp(&b, &hj), ZK_OK);
        CHECK(b.len == rlp_len && memcmp(b.data, rlp, rlp_len) == 0);
        buf_clear(&b);
        header_clear(&hj);
        free(rlp);

        uint8_t want_hash[32], hash[32];
        CHECK(hex_fixed(want_hash, 32, exp, "hash"));
        CHECK_EQ_INT(header_hash(hash, &hs[i]), ZK_OK);
        CHECK_MEM(hash, want_hash, 32);

        if (i == 0) {
            CHECK_EQ_INT(clique_snapshot_from_checkpoint(snap, &cfg, &hs[0], &err), ZK_OK);
            have_snap = true;
            const json_t *want = json_object_get(exp, "initial_signers");
            CHECK_EQ_INT(snap->signers.n, json_array_size(want));
            for (size_t k = 0; k < json_array_size(want); k++) {
                uint8_t a[20];
                const char *s = json_string_value(json_array_get(want, k));
                CHECK(s && hex_decode_fixed(a, 20, s, NULL) == ZK_OK);
                CHECK(valset_contains(&snap->signers, a));
            }
            /* The layout's signer list, too. */
            const json_t *lay = json_object_get(json_object_get(v, "extraData_layout"), "signers");
            CHECK_EQ_INT(json_array_size(lay), snap->signers.n);
            CHECK_MEM(snap->hash, want_hash, 32);
            CHECK_EQ_INT(snap->number, 0);
            CHECK_EQ_INT(snap->n_recents, 0);
        } else {
            uint8_t want_seal[32], seal_hash[32], want_signer[20], signer[20], applied[20];
            CHECK(hex_fixed(want_seal, 32, exp, "seal_hash"));
            CHECK(hex_fixed(want_signer, 20, exp, "signer"));
            CHECK_EQ_INT(clique_seal_hash(seal_hash, &hs[i], &err), ZK_OK);
            CHECK_MEM(seal_hash, want_seal, 32);
            CHECK_EQ_INT(clique_recover_signer(signer, ctx_get(), &hs[i], &err), ZK_OK);
            CHECK_MEM(signer, want_signer, 20);
            if (have_snap) {
                CHECK_EQ_INT(clique_is_inturn(snap, hs[i].number, signer),
                             json_is_true(json_object_get(exp, "in_turn")));
                int rc = clique_apply(snap, ctx_get(), &hs[i], applied, &err);
                CHECK_MSG(rc == ZK_OK, "apply block %zu: %s", i, err.msg);
                if (rc == ZK_OK) CHECK_MEM(applied, want_signer, 20);
                CHECK_EQ_INT(snap->number, i);
                CHECK_MEM(snap->hash, want_hash, 32);
            }
        }
        CASE_END();
    }

    /* Negatives on the real data. */
    if (have_snap && hs[7].extra_len > CLIQUE_SEAL) {
        clique_snapshot *g = calloc(1, sizeof *g);
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(clique_snapshot_from_checkpoint(g, &cfg, &hs[0], &err), ZK_OK);

        CASE_BEGIN("goerli block 2 on genesis: gap");
        CHECK_EQ_INT(clique_apply(g, ctx_get(), &hs[2], NULL, &err), ZK_ERR_MISMATCH);
        CHECK_RULE(err, "number");
        CASE_END();

        CASE_BEGIN("goerli block 7 applied twice");
        CHECK_EQ_INT(clique_apply(snap, ctx_get(), &hs[7], NULL, &err), ZK_ERR_MISMATCH);
        CHECK_RULE(err, "number");
        CASE_END();

        CASE_BEGIN("goerli block 1 with a bit flipped in stateRoot");
        hs[1].state_root[5] ^= 0x10;
        CHECK_EQ_INT(clique_apply(g, ctx_get(), &hs[1], NULL, &err), ZK_ERR_REJECTED);
        CHECK_RULE(err, "unauthorized-signer");
        hs[1].state_root[5] ^= 0x10;
        CASE_END();

        CASE_BEGIN("goerli block 1 with a bit flipped in the seal's s");
        hs[1].extra_data[hs[1].extra_len - 2] ^= 0x01;
        CHECK_EQ_INT(clique_apply(g, ctx_get(), &hs[1], NULL, &err), ZK_ERR_REJECTED);
        CHECK(names(&err, "unauthorized-signer") || names(&err, "seal"));
        hs[1].extra_data[hs[1].extra_len - 2] ^= 0x01;
        CASE_END();

        CASE_BEGIN("goerli block 1 with v = 27");
        uint8_t v = hs[1].extra_data[hs[1].extra_len - 1];
        hs[1].extra_data[hs[1].extra_len - 1] = (uint8_t)(27 + v);
        CHECK_EQ_INT(clique_apply(g, ctx_get(), &hs[1], NULL, &err), ZK_ERR_REJECTED);
        CHECK_RULE(err, "seal");
        hs[1].extra_data[hs[1].extra_len - 1] = v;
        CASE_END();

        CASE_BEGIN("goerli with the wrong period");
        const clique_config slow = {30000, 16};
        CHECK_EQ_INT(clique_snapshot_from_checkpoint(g, &slow, &hs[0], &err), ZK_OK);
        CHECK_EQ_INT(clique_apply(g, ctx_get(), &hs[1], NULL, &err), ZK_OK); /* day-long gap */
        CHECK_EQ_INT(clique_apply(g, ctx_get(), &hs[2], NULL, &err), ZK_ERR_REJECTED);
        CHECK_RULE(err, "timestamp");
        CASE_END();

        CASE_BEGIN("goerli with the wrong epoch");
        const clique_config every = {1, 15}; /* block 1 would be a checkpoint */
        CHECK_EQ_INT(clique_snapshot_from_checkpoint(g, &every, &hs[0], &err), ZK_OK);
        CHECK_EQ_INT(clique_apply(g, ctx_get(), &hs[1], NULL, &err), ZK_ERR_MISMATCH);
        CHECK_RULE(err, "checkpoint-signers");
        CASE_END();

        CASE_BEGIN("goerli block 1 is not a checkpoint");
        CHECK_EQ_INT(clique_snapshot_from_checkpoint(g, &cfg, &hs[1], &err), ZK_ERR_USAGE);
        CASE_END();
        free(g);
    }
    for (size_t i = 0; i < 8; i++)
        header_clear(&hs[i]);
    free(snap);
    json_decref(arr);
}

/* ------------------------------------------------------ generated chains */

#define MAX_KEYS   10
#define MAX_BLOCKS 400

typedef struct key {
    uint8_t sk[32], addr[20];
} key;

/* A chain under construction plus the test's own model of it. */
typedef struct chain {
    clique_config cfg;
    clique_snapshot snap;
    clique_finality fin;
    key keys[MAX_KEYS];
    size_t nkeys;
    valset model;                   /* the signer set as the test expects it */
    uint64_t last_signed[MAX_KEYS]; /* block each key last sealed, 0 = never */
    uint8_t signer_of[MAX_BLOCKS][20];
    /* the test's tally: voted[cand][voter], keys as candidates */
    bool voted[MAX_KEYS][MAX_KEYS];
    int inturn_blocks, outturn_blocks;
} chain;

static void make_keys(chain *c, size_t n)
{
    c->nkeys = n;
    for (size_t i = 0; i < n; i++) {
        uint8_t pub[64];
        int rc;
        do {
            th_rand_bytes(c->keys[i].sk, 32);
            rc = ecdsa_pubkey_from_seckey(ctx_get(), pub, c->keys[i].sk);
        } while (rc != ZK_OK);
        eth_address_from_pubkey(c->keys[i].addr, pub);
    }
}

static int key_index(const chain *c, const uint8_t addr[20])
{
    for (size_t i = 0; i < c->nkeys; i++)
        if (memcmp(c->keys[i].addr, addr, 20) == 0) return (int)i;
    return -1;
}

static bool set_extra(eth_header *h, const uint8_t *signers, size_t signers_len, size_t total)
{
    free(h->extra_data);
    h->extra_data = calloc(1, total ? total : 1);
    h->extra_len = total;
    if (!h->extra_data) return false;
    static const char vanity[] = "zkrelay clique test";
    memcpy(h->extra_data, vanity, total < sizeof vanity - 1 ? total : sizeof vanity - 1);
    if (signers_len && total >= CLIQUE_VANITY + signers_len)
        memcpy(h->extra_data + CLIQUE_VANITY, signers, signers_len);
    return true;
}

static bool model_inturn(const chain *c, uint64_t number, const uint8_t addr[20])
{
    long idx = valset_index(&c->model, addr);
    return idx >= 0 && number % c->model.n == (uint64_t)idx;
}

/* A child of the snapshot's head sealed by key k, every rule satisfied as the
 * model sees it: difficulty by the model's turn, the model's list at a
 * checkpoint. */
static void build_child(eth_header *h, const chain *c, size_t k)
{
    header_init(h);
    uint64_t number = c->snap.number + 1;
    memcpy(h->parent_hash, c->snap.hash, 32);
    static const uint8_t empty_ommers[32] = {0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a,
                                             0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
                                             0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13,
                                             0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47};
    memcpy(h->ommers_hash, empty_ommers, 32);
    th_rand_bytes(h->state_root, 32);
    keccak256(h->transactions_root, NULL, 0);
    keccak256(h->receipts_root, (const uint8_t *)"r", 1);
    h->difficulty[31] = model_inturn(c, number, c->keys[k].addr) ? 2 : 1;
    h->number = number;
    h->gas_limit = c->snap.gas_limit;
    h->gas_used = c->snap.gas_limit / 3;
    h->timestamp = c->snap.timestamp + c->cfg.period + (th_rand64() % 3);
    if (c->snap.fields >= HEADER_FIELDS_LONDON) { /* forks only add fields */
        h->has_base_fee = true;
        h->base_fee[31] = 7;
    }
    if (number % c->cfg.epoch == 0)
        set_extra(h, &c->model.addrs[0][0], c->model.n * 20,
                  CLIQUE_VANITY + c->model.n * 20 + CLIQUE_SEAL);
    else
        set_extra(h, NULL, 0, CLIQUE_VANITY + CLIQUE_SEAL);
}

static void seal_with(eth_header *h, const uint8_t sk[32])
{
    uint8_t sh[32], sig[65];
    if (h->extra_len < CLIQUE_SEAL) return; /* nowhere to put a seal */
    CHECK_EQ_INT(clique_seal_hash(sh, h, NULL), ZK_OK);
    CHECK_EQ_INT(ecdsa_sign(ctx_get(), sig, sh, sk), ZK_OK);
    memcpy(h->extra_data + h->extra_len - CLIQUE_SEAL, sig, 65);
}

static void chain_init(chain *c, size_t nsigners, size_t nkeys, const clique_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    make_keys(c, nkeys);
    uint8_t list[MAX_KEYS][20];
    for (size_t i = 0; i < nsigners; i++)
        memcpy(list[i], c->keys[i].addr, 20);
    CHECK_EQ_INT(valset_from_list(&c->model, (const uint8_t(*)[20])list, nsigners, NULL), ZK_OK);
    /* Genesis lists its signers in key order, not sorted: go-ethereum reads it as a set. */
    eth_header g;
    header_init(&g);
    keccak256(g.ommers_hash, (const uint8_t *)"\xc0", 1);
    g.difficulty[31] = 1;
    g.gas_limit = 8000000;
    g.timestamp = 1700000000;
    set_extra(&g, &list[0][0], nsigners * 20, CLIQUE_VANITY + nsigners * 20 + CLIQUE_SEAL);
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(clique_snapshot_from_checkpoint(&c->snap, cfg, &g, &err), ZK_OK);
    CHECK(valset_equal(&c->snap.signers, &c->model));
    header_clear(&g);
    clique_finality_init(&c->fin);
}

static bool model_can_seal(const chain *c, size_t k, uint64_t number)
{
    if (!valset_contains(&c->model, c->keys[k].addr)) return false;
    uint64_t limit = c->model.n / 2 + 1;
    return c->last_signed[k] == 0 || c->last_signed[k] + limit <= number;
}

/* Applies h, built by build_child and sealed by key k, expecting success,
 * then updates the model: recents, finality, and the vote on cand (add or
 * drop; NULL: none), which passes on a majority of the model's set. */
static bool chain_commit(chain *c, const eth_header *h, size_t k, const uint8_t *cand, bool add)
{
    uint64_t number = h->number;
    bool checkpoint = number % c->cfg.epoch == 0;
    zk_errbuf err = {{0}, 0};
    uint8_t signer[20];
    int rc = clique_apply(&c->snap, ctx_get(), h, signer, &err);
    CHECK_MSG(rc == ZK_OK, "block %llu by key %zu: %s", (unsigned long long)number, k, err.msg);
    if (rc != ZK_OK) return false;
    CHECK_MEM(signer, c->keys[k].addr, 20);
    if (h->difficulty[31] == 2)
        c->inturn_blocks++;
    else
        c->outturn_blocks++;
    c->last_signed[k] = number;
    if (number < MAX_BLOCKS) memcpy(c->signer_of[number], signer, 20);
    CHECK_EQ_INT(clique_finality_push(&c->fin, &c->snap, number, c->snap.hash, signer), ZK_OK);
    if (checkpoint) memset(c->voted, 0, sizeof c->voted);
    int ci = cand ? key_index(c, cand) : -1;
    if (ci >= 0 && !checkpoint) {
        /* A signer's new vote on cand replaces its old one; an invalid vote
         * (add a member, drop a non-member) only removes the old one. */
        c->voted[ci][k] = valset_contains(&c->model, cand) != add;
        size_t votes = 0;
        for (size_t i = 0; i < c->nkeys; i++)
            votes += c->voted[ci][i];
        if (votes > c->model.n / 2) {
            uint8_t list[MAX_KEYS][20];
            size_t n = 0;
            for (size_t i = 0; i < c->model.n; i++)
                if (add || memcmp(c->model.addrs[i], cand, 20) != 0)
                    memcpy(list[n++], c->model.addrs[i], 20);
            if (add) memcpy(list[n++], cand, 20);
            CHECK_EQ_INT(valset_from_list(&c->model, (const uint8_t(*)[20])list, n, NULL), ZK_OK);
            memset(c->voted[ci], 0, sizeof c->voted[ci]);
            if (!add) /* the dropped signer's own votes are void */
                for (size_t i = 0; i < c->nkeys; i++)
                    c->voted[i][ci] = false;
        }
    }
    CHECK(valset_equal(&c->snap.signers, &c->model));
    return valset_equal(&c->snap.signers, &c->model);
}

/* Builds, seals and commits the next block by key k with an optional vote. */
static bool chain_step(chain *c, size_t k, const uint8_t *cand, bool add)
{
    eth_header h;
    build_child(&h, c, k);
    if (cand && h.number % c->cfg.epoch != 0) {
        memcpy(h.coinbase, cand, 20);
        if (add) memset(h.nonce, 0xff, 8);
    }
    seal_with(&h, c->keys[k].sk);
    bool ok = chain_commit(c, &h, k, cand, add);
    header_clear(&h);
    return ok;
}

/* The signer the model picks for the next block: the in-turn one three times
 * in four when it may seal, otherwise a random other eligible signer. */
static size_t pick_signer(const chain *c)
{
    uint64_t number = c->snap.number + 1;
    size_t eligible[MAX_KEYS], ne = 0;
    for (size_t k = 0; k < c->nkeys; k++)
        if (model_can_seal(c, k, number)) eligible[ne++] = k;
    for (size_t i = 0; i < ne; i++)
        if (model_inturn(c, number, c->keys[eligible[i]].addr) && th_rand64() % 4 != 0)
            return eligible[i];
    return ne ? eligible[th_rand64() % ne] : 0;
}

/* The model's answer to the window rule over all blocks of the chain. */
static bool model_final(const chain *c, uint64_t *out)
{
    for (uint64_t k = c->snap.number; k >= 1; k--) {
        bool seen[MAX_KEYS] = {false};
        size_t distinct = 0;
        /* Descendants only: block k's own signer does not count. */
        for (uint64_t j = k + 1; j <= c->snap.number; j++) {
            int i = key_index(c, c->signer_of[j]);
            if (i >= 0 && !seen[i] && valset_contains(&c->model, c->signer_of[j])) {
                seen[i] = true;
                distinct++;
            }
        }
        if (distinct > c->model.n / 2) {
            *out = k;
            return true;
        }
    }
    return false;
}

/* 230 blocks, epoch 50: an add vote from block 10, a drop vote from block 60,
 * a lone vote cut off by the checkpoint at 150. */
static void run_chain(size_t nsigners)
{
    chain *c = calloc(1, sizeof *c);
    if (!c) return;
    const clique_config cfg = {50, 5};
    chain_init(c, nsigners, nsigners + 2, &cfg);
    const size_t cand = nsigners, outsider = nsigners + 1;
    uint64_t added_at = 0, dropped_at = 0;
    uint8_t dropped[20];
    memcpy(dropped, c->keys[0].addr, 20);
    for (uint64_t number = 1; number <= 230; number++) {
        size_t k = pick_signer(c);
        const uint8_t *vote = NULL;
        bool add = false;
        if (number >= 10 && !added_at) {
            vote = c->keys[cand].addr;
            add = true;
        } else if (number >= 60 && !dropped_at) {
            vote = dropped;
        } else if (number == 149) {
            vote = c->keys[outsider].addr;
            add = true;
        }
        size_t before = vote ? clique_tally(&c->snap, vote) : 0;
        size_t n_before = c->snap.signers.n;
        if (!chain_step(c, k, vote, add)) break;
        if (vote && add && !added_at && valset_contains(&c->snap.signers, vote)) {
            added_at = number;
            /* It passed on the vote that made a majority of the old set. */
            CHECK_EQ_INT(before, n_before / 2);
            CHECK_EQ_INT(c->snap.signers.n, n_before + 1);
            CHECK_EQ_INT(clique_tally(&c->snap, vote), 0);
        }
        if (vote && !add && !dropped_at && !valset_contains(&c->snap.signers, vote)) {
            dropped_at = number;
            CHECK_EQ_INT(before, n_before / 2);
            CHECK_EQ_INT(c->snap.signers.n, n_before - 1);
        }
        if (number == 149) CHECK_EQ_INT(clique_tally(&c->snap, c->keys[outsider].addr), 1);
        if (number == 150) {
            CHECK_EQ_INT(clique_tally(&c->snap, c->keys[outsider].addr), 0);
            CHECK_EQ_INT(c->snap.n_votes, 0);
        }
    }
    CHECK_EQ_INT(c->snap.number, 230);
    CHECK_MSG(added_at > 10 && added_at < 50, "add passed at %llu", (unsigned long long)added_at);
    CHECK_MSG(dropped_at > 60 && dropped_at < 100, "drop passed at %llu",
              (unsigned long long)dropped_at);
    CHECK(valset_contains(&c->snap.signers, c->keys[cand].addr));
    CHECK(!valset_contains(&c->snap.signers, dropped));
    CHECK_EQ_INT(c->snap.signers.n, nsigners);
    CHECK(c->inturn_blocks > 100);
    CHECK(c->outturn_blocks > 10);

    /* The dropped signer may no longer seal. */
    eth_header h;
    build_child(&h, c, 0);
    h.difficulty[31] = 1;
    seal_with(&h, c->keys[0].sk);
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(clique_apply(&c->snap, ctx_get(), &h, NULL, &err), ZK_ERR_REJECTED);
    CHECK_RULE(err, "unauthorized-signer");
    header_clear(&h);

    /* Finality agrees with the model, and a run that obeys the recents rule
     * finalizes within floor(n/2) + 1 blocks of the head. */
    uint64_t fin = 0, want = 0;
    uint8_t fin_hash[32];
    CHECK_EQ_INT(clique_finality_latest(&c->fin, &fin, fin_hash), ZK_OK);
    CHECK(model_final(c, &want));
    CHECK_EQ_INT(fin, want);
    CHECK(fin + c->snap.signers.n / 2 + 1 >= c->snap.number);
    free(c);
}

TEST(generated_chain_3_signers)
{
    CASE_BEGIN("3 signers, 230 blocks, add, drop, checkpoints");
    run_chain(3);
    CASE_END();
}

TEST(generated_chain_5_signers)
{
    CASE_BEGIN("5 signers, 230 blocks, add, drop, checkpoints");
    run_chain(5);
    CASE_END();
}

/* ---------------------------------------------------------------- votes */

/* A key among the first five whose address sits at rank r in the model. */
static size_t by_rank(const chain *c, size_t r)
{
    int k = key_index(c, c->model.addrs[r]);
    return k < 0 ? 0 : (size_t)k;
}

TEST(vote_semantics)
{
    chain *c = calloc(1, sizeof *c);
    if (!c) return;
    const clique_config cfg = {1000, 1};
    chain_init(c, 5, 7, &cfg);
    const uint8_t *x = c->keys[5].addr;
    size_t a = by_rank(c, 0), b = by_rank(c, 1), cc = by_rank(c, 2), d = by_rank(c, 3),
           e = by_rank(c, 4);
    uint8_t c_addr[20];
    memcpy(c_addr, c->keys[cc].addr, 20);

    CASE_BEGIN("votes: tally, replace, a dropped signer's votes discarded");
    CHECK(chain_step(c, a, x, true));
    CHECK(chain_step(c, cc, x, true));
    CHECK_EQ_INT(clique_tally(&c->snap, x), 2); /* 5 signers need 3 */
    CHECK(chain_step(c, b, c_addr, false));
    CHECK(chain_step(c, d, c_addr, false));
    CHECK_EQ_INT(clique_tally(&c->snap, c_addr), 2);
    CHECK(chain_step(c, e, c_addr, false)); /* third drop vote: C is out */
    CHECK(!valset_contains(&c->snap.signers, c_addr));
    CHECK_EQ_INT(c->snap.signers.n, 4);
    /* C's vote for X went with it: only A's remains. */
    CHECK_EQ_INT(clique_tally(&c->snap, x), 1);
    CHECK_EQ_INT(clique_tally(&c->snap, c_addr), 0);
    /* A votes for X again: still one vote. (4 signers: window 3 blocks.) */
    CHECK(chain_step(c, b, x, true));
    CHECK_EQ_INT(clique_tally(&c->snap, x), 2);
    CHECK(chain_step(c, d, NULL, false));
    CHECK(chain_step(c, a, x, true)); /* A repeats its vote: replaced, not added */
    CHECK_EQ_INT(clique_tally(&c->snap, x), 2);
    /* A vote to add an existing signer is a no-op. */
    CHECK(chain_step(c, e, c->keys[a].addr, true));
    CHECK_EQ_INT(clique_tally(&c->snap, c->keys[a].addr), 0);
    CHECK_EQ_INT(c->snap.signers.n, 4);
    CHECK(chain_step(c, d, x, true)); /* third distinct vote of 4: X is in */
    CHECK(valset_contains(&c->snap.signers, x));
    CHECK_EQ_INT(c->snap.signers.n, 5);
    CHECK_EQ_INT(clique_tally(&c->snap, x), 0);
    CASE_END();

    CASE_BEGIN("votes: the new signer may seal at once");
    uint64_t next = c->snap.number + 1;
    CHECK(model_can_seal(c, 5, next));
    CHECK(chain_step(c, 5, NULL, false));
    CASE_END();
    free(c);
}

/* ------------------------------------------------------------ negatives */

/* Applies h expecting rejection by rule with code; the snapshot must be
 * byte-for-byte unchanged. */
static void expect_reject(chain *c, const eth_header *h, int code, const char *rule)
{
    clique_snapshot *before = malloc(sizeof *before);
    if (!before) return;
    memcpy(before, &c->snap, sizeof *before);
    zk_errbuf err = {{0}, 0};
    uint8_t signer[20] = {0};
    int rc = clique_apply(&c->snap, ctx_get(), h, signer, &err);
    CHECK_MSG(rc == code, "%s: got %d (%s), expected %d", rule, rc, err.msg, code);
    CHECK_RULE(err, rule);
    CHECK_MSG(memcmp(before, &c->snap, sizeof *before) == 0, "%s: snapshot changed", rule);
    free(before);
}

/* A valid child by key k, then changed by the caller and re-sealed. */
#define NEG(name, k, code, rule, mutate)                                                           \
    do {                                                                                           \
        CASE_BEGIN("%s", name);                                                                    \
        eth_header h;                                                                              \
        build_child(&h, c, (k));                                                                   \
        mutate;                                                                                    \
        seal_with(&h, c->keys[(k)].sk);                                                            \
        expect_reject(c, &h, (code), (rule));                                                      \
        header_clear(&h);                                                                          \
        CASE_END();                                                                                \
    } while (0)

static size_t inturn_key(const chain *c)
{
    uint64_t number = c->snap.number + 1;
    return by_rank(c, number % c->model.n);
}

/* An eligible out-of-turn signer (3 signers: the one that is neither in turn
 * nor the head's sealer). */
static size_t outturn_key(const chain *c)
{
    uint64_t number = c->snap.number + 1;
    for (size_t k = 0; k < c->nkeys; k++)
        if (model_can_seal(c, k, number) && !model_inturn(c, number, c->keys[k].addr)) return k;
    return 0;
}

TEST(negatives)
{
    chain *c = calloc(1, sizeof *c);
    if (!c) return;
    const clique_config cfg = {50, 5};
    chain_init(c, 3, 5, &cfg);
    const size_t outsider = 4;
    /* Reach block 10 with in-turn signers only: then the head's signer is known. */
    for (int i = 0; i < 10; i++)
        if (!chain_step(c, inturn_key(c), NULL, false)) break;
    const size_t in = inturn_key(c), out = outturn_key(c);
    const size_t recent = by_rank(c, c->snap.number % 3);
    CHECK(model_can_seal(c, in, c->snap.number + 1));
    CHECK(out != in && model_can_seal(c, out, c->snap.number + 1));
    CHECK(!model_can_seal(c, recent, c->snap.number + 1));

    NEG("signer not in the set", outsider, ZK_ERR_REJECTED, "unauthorized-signer", (void)0);
    NEG("recent signer seals again", recent, ZK_ERR_REJECTED, "recently-signed",
        h.difficulty[31] = 1);
    NEG("in-turn signer with difficulty 1", in, ZK_ERR_REJECTED, "difficulty-turn",
        h.difficulty[31] = 1);
    NEG("out-of-turn signer with difficulty 2", out, ZK_ERR_REJECTED, "difficulty-turn",
        h.difficulty[31] = 2);
    NEG("difficulty 3", in, ZK_ERR_REJECTED, "difficulty", h.difficulty[31] = 3);
    NEG("difficulty 0", in, ZK_ERR_REJECTED, "difficulty", h.difficulty[31] = 0);
    NEG("difficulty 2^8 + 2", in, ZK_ERR_REJECTED, "difficulty", h.difficulty[30] = 1);
    NEG("nonce 0x..01", in, ZK_ERR_REJECTED, "vote-nonce", h.nonce[7] = 1);
    NEG("nonce 0xff..fe", in, ZK_ERR_REJECTED, "vote-nonce",
        (memset(h.nonce, 0xff, 8), h.nonce[7] = 0xfe));
    NEG("non-zero mixHash", in, ZK_ERR_REJECTED, "mix-hash", h.mix_hash[31] = 1);
    NEG("non-empty ommers hash", in, ZK_ERR_REJECTED, "ommers-hash", h.ommers_hash[0] ^= 1);
    NEG("timestamp one second early", in, ZK_ERR_REJECTED, "timestamp",
        h.timestamp = c->snap.timestamp + cfg.period - 1);
    NEG("timestamp equal to the parent's", in, ZK_ERR_REJECTED, "timestamp",
        h.timestamp = c->snap.timestamp);
    NEG("wrong parent hash", in, ZK_ERR_MISMATCH, "parent-hash", h.parent_hash[31] ^= 0x80);
    NEG("number gap (+2)", in, ZK_ERR_MISMATCH, "number", h.number += 1);
    NEG("number repeated", in, ZK_ERR_MISMATCH, "number", h.number -= 1);
    NEG("gasUsed above gasLimit", in, ZK_ERR_REJECTED, "gas-used", h.gas_used = h.gas_limit + 1);
    NEG("gasLimit moved by parent/1024", in, ZK_ERR_REJECTED, "gas-limit",
        h.gas_limit += h.gas_limit / 1024);
    NEG("extraData 31 bytes", in, ZK_ERR_MALFORMED, "extra-vanity", set_extra(&h, NULL, 0, 31));
    NEG("extraData 96 bytes", in, ZK_ERR_MALFORMED, "extra-seal", set_extra(&h, NULL, 0, 96));
    NEG("signer bytes on a non-checkpoint", in, ZK_ERR_MALFORMED, "extra-signers",
        set_extra(&h, c->model.addrs[0], 20, CLIQUE_VANITY + 20 + CLIQUE_SEAL));

    /* extraData too short to hold a seal cannot be sealed at all. */
    CASE_BEGIN("empty extraData");
    {
        eth_header h;
        build_child(&h, c, in);
        set_extra(&h, NULL, 0, 0);
        uint8_t sh[32];
        CHECK_EQ_INT(clique_seal_hash(sh, &h, NULL), ZK_ERR_MALFORMED);
        expect_reject(c, &h, ZK_ERR_MALFORMED, "extra-vanity");
        header_clear(&h);
    }
    CASE_END();

    /* Seal forgeries: a flipped bit anywhere in the seal, and a field changed
     * after sealing. */
    for (size_t bit = 0; bit < 65 * 8; bit += 37) {
        CASE_BEGIN("seal bit %zu flipped", bit);
        eth_header h;
        build_child(&h, c, in);
        seal_with(&h, c->keys[in].sk);
        h.extra_data[h.extra_len - CLIQUE_SEAL + bit / 8] ^= (uint8_t)(1u << (bit % 8));
        clique_snapshot *before = malloc(sizeof *before);
        if (before) memcpy(before, &c->snap, sizeof *before);
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(clique_apply(&c->snap, ctx_get(), &h, NULL, &err), ZK_ERR_REJECTED);
        CHECK_MSG(names(&err, "seal") || names(&err, "unauthorized-signer") ||
                      names(&err, "difficulty-turn") || names(&err, "recently-signed"),
                  "bit %zu: %s", bit, err.msg);
        /* A different key never recovers to the in-turn signer. */
        CHECK(!names(&err, "difficulty-turn") && !names(&err, "recently-signed"));
        if (before) CHECK(memcmp(before, &c->snap, sizeof *before) == 0);
        free(before);
        header_clear(&h);
        CASE_END();
    }
    CASE_BEGIN("v flipped 0 <-> 1");
    {
        eth_header h;
        build_child(&h, c, in);
        seal_with(&h, c->keys[in].sk);
        h.extra_data[h.extra_len - 1] ^= 1;
        expect_reject(c, &h, ZK_ERR_REJECTED, "unauthorized-signer");
        h.extra_data[h.extra_len - 1] ^= 1;
        h.extra_data[h.extra_len - 1] += 27;
        expect_reject(c, &h, ZK_ERR_REJECTED, "seal");
        header_clear(&h);
    }
    CASE_END();
    CASE_BEGIN("field changed after sealing");
    {
        eth_header h;
        build_child(&h, c, in);
        seal_with(&h, c->keys[in].sk);
        h.receipts_root[0] ^= 1;
        expect_reject(c, &h, ZK_ERR_REJECTED, "unauthorized-signer");
        header_clear(&h);
    }
    CASE_END();

    /* High s is accepted, as go-ethereum's ecrecover accepts it: s' = n - s,
     * v' = 1 - v is the same signature. */
    CASE_BEGIN("high-s seal accepted");
    {
        static const uint8_t n[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
                                      0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
                                      0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
        eth_header h;
        build_child(&h, c, in);
        seal_with(&h, c->keys[in].sk);
        uint8_t *s = h.extra_data + h.extra_len - 33;
        int borrow = 0;
        for (int i = 31; i >= 0; i--) {
            int dlt = n[i] - s[i] - borrow;
            borrow = dlt < 0;
            s[i] = (uint8_t)(dlt + (borrow ? 256 : 0));
        }
        h.extra_data[h.extra_len - 1] ^= 1;
        uint8_t signer[20];
        CHECK_EQ_INT(clique_recover_signer(signer, ctx_get(), &h, NULL), ZK_OK);
        CHECK_MEM(signer, c->keys[in].addr, 20);
        header_clear(&h);
    }
    CASE_END();

    /* Fork fields: a London block may not be followed by a legacy one. */
    CASE_BEGIN("London transition, then a pre-London child");
    {
        eth_header h;
        build_child(&h, c, in);
        h.has_base_fee = true;
        h.base_fee[28] = 0x3b; /* 1 gwei, the EIP-1559 initial base fee */
        h.base_fee[29] = 0x9a;
        h.base_fee[30] = 0xca;
        h.gas_limit = c->snap.gas_limit * 2; /* elasticity doubles the target */
        seal_with(&h, c->keys[in].sk);
        CHECK(chain_commit(c, &h, in, NULL, false));
        CHECK_EQ_INT(c->snap.fields, HEADER_FIELDS_LONDON);
        /* The seal hash covers baseFee. */
        uint8_t s1[32], s2[32];
        CHECK_EQ_INT(clique_seal_hash(s1, &h, NULL), ZK_OK);
        h.base_fee[31] ^= 1;
        CHECK_EQ_INT(clique_seal_hash(s2, &h, NULL), ZK_OK);
        CHECK(memcmp(s1, s2, 32) != 0);
        header_clear(&h);
    }
    CASE_END();
    NEG("legacy header after a London parent", inturn_key(c), ZK_ERR_REJECTED, "fork-fields",
        h.has_base_fee = false);

    /* Checkpoint block 50. */
    while (c->snap.number < 49)
        if (!chain_step(c, pick_signer(c), NULL, false)) break;
    size_t ck = pick_signer(c);
    uint8_t unsorted[3][20];
    memcpy(unsorted[0], c->model.addrs[1], 20);
    memcpy(unsorted[1], c->model.addrs[0], 20);
    memcpy(unsorted[2], c->model.addrs[2], 20);
    uint8_t extra4[4][20];
    memcpy(extra4, c->model.addrs, 60);
    memcpy(extra4[3], c->keys[outsider].addr, 20);
    NEG("checkpoint lists a signer short", ck, ZK_ERR_MISMATCH, "checkpoint-signers",
        set_extra(&h, c->model.addrs[0], 40, CLIQUE_VANITY + 40 + CLIQUE_SEAL));
    NEG("checkpoint lists an outsider", ck, ZK_ERR_MISMATCH, "checkpoint-signers",
        set_extra(&h, extra4[0], 80, CLIQUE_VANITY + 80 + CLIQUE_SEAL));
    NEG("checkpoint list unsorted", ck, ZK_ERR_MISMATCH, "checkpoint-signers",
        set_extra(&h, unsorted[0], 60, CLIQUE_VANITY + 60 + CLIQUE_SEAL));
    NEG("checkpoint lists nobody", ck, ZK_ERR_MISMATCH, "checkpoint-signers",
        set_extra(&h, NULL, 0, CLIQUE_VANITY + CLIQUE_SEAL));
    NEG("checkpoint list of 59 bytes", ck, ZK_ERR_MALFORMED, "checkpoint-signers-length",
        set_extra(&h, c->model.addrs[0], 59, CLIQUE_VANITY + 59 + CLIQUE_SEAL));
    NEG("checkpoint list of 19 bytes", ck, ZK_ERR_MALFORMED, "checkpoint-signers-length",
        set_extra(&h, c->model.addrs[0], 19, CLIQUE_VANITY + 19 + CLIQUE_SEAL));
    NEG("vote on a checkpoint (nonce)", ck, ZK_ERR_REJECTED, "checkpoint-vote",
        memset(h.nonce, 0xff, 8));
    NEG("vote on a checkpoint (coinbase)", ck, ZK_ERR_REJECTED, "checkpoint-coinbase",
        memcpy(h.coinbase, c->keys[outsider].addr, 20));
    NEG("vote on a checkpoint (both)", ck, ZK_ERR_REJECTED, "checkpoint-coinbase",
        (memcpy(h.coinbase, c->keys[outsider].addr, 20), memset(h.nonce, 0xff, 8)));
    CASE_BEGIN("valid checkpoint after the rejections");
    CHECK(chain_step(c, ck, NULL, false));
    CHECK_EQ_INT(c->snap.number, 50);
    CASE_END();
    free(c);
}

TEST(snapshot_from_checkpoint_rejects)
{
    eth_header g;
    header_init(&g);
    g.number = 0;
    clique_snapshot *s = calloc(1, sizeof *s);
    if (!s) return;
    const clique_config cfg = {100, 1}, zero = {0, 1};
    uint8_t list[3][20] = {{3}, {1}, {2}};
    zk_errbuf err = {{0}, 0};
    struct {
        const char *name;
        uint64_t number;
        size_t signers_len, total;
        int code;
    } cases[] = {
        {"no signers", 0, 0, 97, ZK_ERR_MALFORMED},
        {"19 signer bytes", 0, 19, 97 + 19, ZK_ERR_MALFORMED},
        {"no seal", 0, 20, 32 + 20, ZK_ERR_MALFORMED},
        {"no vanity", 0, 0, 20, ZK_ERR_MALFORMED},
        {"unsorted list after genesis", 100, 60, 97 + 60, ZK_ERR_MALFORMED},
        {"not a checkpoint", 7, 60, 97 + 60, ZK_ERR_USAGE},
        {"unsorted genesis list", 0, 60, 97 + 60, ZK_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CASE_BEGIN("from_checkpoint: %s", cases[i].name);
        g.number = cases[i].number;
        set_extra(&g, &list[0][0], cases[i].signers_len, cases[i].total);
        CHECK_EQ_INT(clique_snapshot_from_checkpoint(s, &cfg, &g, &err), cases[i].code);
        if (cases[i].code == ZK_OK) {
            CHECK_EQ_INT(s->signers.n, 3);
            CHECK(memcmp(s->signers.addrs[0], s->signers.addrs[1], 20) < 0);
        }
        CASE_END();
    }
    CASE_BEGIN("from_checkpoint: duplicate signer");
    memcpy(list[1], list[0], 20);
    set_extra(&g, &list[0][0], 60, 97 + 60);
    CHECK_EQ_INT(clique_snapshot_from_checkpoint(s, &cfg, &g, &err), ZK_ERR_MALFORMED);
    CASE_END();
    CASE_BEGIN("from_checkpoint: epoch 0");
    CHECK_EQ_INT(clique_snapshot_from_checkpoint(s, &zero, &g, &err), ZK_ERR_USAGE);
    CASE_END();
    header_clear(&g);
    free(s);
}

/* -------------------------------------------------------------- finality */

/* A snapshot of n signers with addresses {i+1, 0, ..., 0}. */
static void small_snap(clique_snapshot *s, size_t n)
{
    memset(s, 0, sizeof *s);
    uint8_t list[8][20] = {{0}};
    for (size_t i = 0; i < n; i++)
        list[i][0] = (uint8_t)(i + 1);
    CHECK_EQ_INT(valset_from_list(&s->signers, (const uint8_t(*)[20])list, n, NULL), ZK_OK);
}

static int push(clique_finality *f, const clique_snapshot *s, uint64_t number, uint8_t who)
{
    uint8_t hash[32] = {0}, signer[20] = {0};
    be64_store(hash, number);
    signer[0] = who;
    return clique_finality_push(f, s, number, hash, signer);
}

TEST(finality_window)
{
    clique_snapshot *s = calloc(1, sizeof *s);
    clique_finality *f = calloc(1, sizeof *f);
    if (!s || !f) goto out;
    uint64_t num = 0;
    uint8_t hash[32];

    CASE_BEGIN("finality: 3 signers, B then C finalize A's block");
    small_snap(s, 3);
    clique_finality_init(f);
    CHECK_EQ_INT(clique_finality_latest(f, &num, hash), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(push(f, s, 101, 1), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, hash), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(push(f, s, 102, 2), ZK_OK);
    /* 101's descendants: {B}, 1 of 3; its own signer A does not count. */
    CHECK_EQ_INT(clique_finality_latest(f, &num, hash), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(push(f, s, 103, 3), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, hash), ZK_OK);
    CHECK_EQ_INT(num, 101); /* descendants {B, C}: 2 > 1 */
    CHECK_EQ_INT(be64_load(hash), 101);
    CHECK_EQ_INT(push(f, s, 104, 3), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_OK);
    CHECK_EQ_INT(num, 101); /* 103..104 only C */
    CHECK_EQ_INT(push(f, s, 105, 2), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_OK);
    CHECK_EQ_INT(num, 103); /* 104, 105: {C, B} */
    CASE_END();

    CASE_BEGIN("finality: an orphan's signer plus one other cannot finalize it");
    /* The reviewer's fork: A seals an out-of-turn block, one byzantine signer
     * B builds on it; the orphan's own seal is no vote for it. */
    small_snap(s, 3);
    clique_finality_init(f);
    CHECK_EQ_INT(push(f, s, 1, 1), ZK_OK);
    CHECK_EQ_INT(push(f, s, 2, 2), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_ERR_NOTFOUND);
    CASE_END();

    CASE_BEGIN("finality: one signer out of turn forever never finalizes");
    clique_finality_init(f);
    for (uint64_t n = 1; n <= 2 * CLIQUE_FINALITY_WINDOW; n++)
        CHECK_EQ_INT(push(f, s, n, 2), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_ERR_NOTFOUND);
    /* A second signer arrives: two distinct signers now sealed the last two
     * blocks, so their parent is final. */
    CHECK_EQ_INT(push(f, s, 2 * CLIQUE_FINALITY_WINDOW + 1, 3), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_OK);
    CHECK_EQ_INT(num, 2 * CLIQUE_FINALITY_WINDOW - 1);
    CASE_END();

    CASE_BEGIN("finality: non-members do not count");
    clique_finality_init(f);
    CHECK_EQ_INT(push(f, s, 1, 1), ZK_OK);
    CHECK_EQ_INT(push(f, s, 2, 9), ZK_OK); /* 9 is not a signer */
    CHECK_EQ_INT(push(f, s, 3, 1), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_ERR_NOTFOUND);
    CASE_END();

    CASE_BEGIN("finality: 5 signers need 3 distinct");
    small_snap(s, 5);
    clique_finality_init(f);
    CHECK_EQ_INT(push(f, s, 10, 1), ZK_OK);
    CHECK_EQ_INT(push(f, s, 11, 2), ZK_OK);
    CHECK_EQ_INT(push(f, s, 12, 1), ZK_OK);
    CHECK_EQ_INT(push(f, s, 13, 2), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_ERR_NOTFOUND);
    CHECK_EQ_INT(push(f, s, 14, 5), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_OK);
    CHECK_EQ_INT(num, 11); /* 12..14 sealed by {1, 2, 5}; 13..14 only by {2, 5} */
    CASE_END();

    CASE_BEGIN("finality: a larger set does not withdraw finality");
    small_snap(s, 3);
    clique_finality_init(f);
    CHECK_EQ_INT(push(f, s, 1, 1), ZK_OK);
    CHECK_EQ_INT(push(f, s, 2, 2), ZK_OK);
    CHECK_EQ_INT(push(f, s, 3, 3), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_OK);
    CHECK_EQ_INT(num, 1);
    small_snap(s, 7); /* now 4 distinct needed */
    CHECK_EQ_INT(push(f, s, 4, 1), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_OK);
    CHECK_EQ_INT(num, 1);
    CASE_END();

    CASE_BEGIN("finality: 1 signer finalizes each block once its child exists");
    small_snap(s, 1);
    clique_finality_init(f);
    CHECK_EQ_INT(push(f, s, 5, 1), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_ERR_NOTFOUND);
    CASE_END();

    CASE_BEGIN("finality: gaps and repeats refused");
    CHECK_EQ_INT(push(f, s, 7, 1), ZK_ERR_MISMATCH);
    CHECK_EQ_INT(push(f, s, 5, 1), ZK_ERR_MISMATCH);
    CHECK_EQ_INT(push(f, s, 4, 1), ZK_ERR_MISMATCH);
    CHECK_EQ_INT(f->len, 1);
    CHECK_EQ_INT(push(f, s, 6, 1), ZK_OK);
    CHECK_EQ_INT(clique_finality_latest(f, &num, NULL), ZK_OK);
    CHECK_EQ_INT(num, 5);
    CASE_END();
out:
    free(s);
    free(f);
}

TEST_MAIN(RUN(goerli_headers); RUN(generated_chain_3_signers); RUN(generated_chain_5_signers);
          RUN(vote_semantics); RUN(negatives); RUN(snapshot_from_checkpoint_rejects);
          RUN(finality_window); ecdsa_context_free(g_ctx))
