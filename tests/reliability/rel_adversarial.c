/* Reliability scenario 4 (issue 8): adversarial source chains, natively, in the circuit
 * and on chain.
 *
 * Part A, a generated QBFT chain (tests/chaingen.h) with 4 validators and the finality
 * circuit for 4 (stmt_fin_default_params(4)). For each forged header at height 1:
 *   - sealed by non-validators, by fewer than quorum, by one validator twice, with seals
 *     over another hash, listing a new set not signed by the old one;
 * three layers must all refuse it:
 *   native   the light client (lightclient/lc.h, a fresh store from the genesis
 *            checkpoint): ZK_ERR_REJECTED;
 *   builder  stmt_fin_witness_from_header against the trusted set: refused;
 *   R1CS     the honest header's witness changed into the forgery (the same rule broken
 *            inside the witness: a non-member's seal, a slot uncounted, a slot twice, the
 *            preimage changed under the seals, the trusted set swapped): the system is
 *            unsatisfied (or the build refuses it), so no proof exists; the honest
 *            witness satisfies it (the control).
 * Two conflicting headers at height 1 both sealed by all four are each provable (both
 * satisfy the circuit) and the light client records the second as equivocation and
 * freezes.
 *
 * Part B, the devnet (tests/relayer/devnet_env.h: QBFT sealer with 1 validator, the
 * contracts deployed with the real finality verifier): block H of chain A and a
 * conflicting block H re-sealed with the devnet validator's key (the fault proxy's
 * `altblock,block=H,reseal=1`) are both proven with `zkrelay prove finality` (real
 * Groth16 proofs) and submitted to ZkLightClient: the first is stored, the honest proof
 * replayed for the other block's hash reverts, and the second proof records the
 * EquivocationDetected evidence and freezes the client (frozen() == 1, the stored hash
 * unchanged); the native light client calls the pair equivocation too. */
#include "chaingen.h"
#include "harness.h"
#include "lightclient/json_fields.h"
#include "prover/groth16_json.h"
#include "prover/r1cs.h"
#include "prover/stmt_finality.h"
#include "relayer/devnet_env.h"
#include "relayer/faultproxy_env.h"
#include "relayer/lc_sync.h"

#define DEPLOYER_ADDR "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

static secp256k1_context *ctx;
static e2e_counters C;

/* ---- part A ------------------------------------------------------------------------------ */

/* A header at height 1 over g's genesis listing list[0..n_list), sealed by the keys of
 * g with the given indexes (repeats allowed). */
static bool forge(const chaingen *g, eth_header *h, const uint8_t (*list)[20], size_t n_list,
                  const int *keys, size_t n_keys, uint8_t state_seed)
{
    uint8_t ph[32];
    if (chaingen_hash(g, ph, &g->h[0]) != ZK_OK) return false;
    chaingen_fields(h, 1, ph);
    h->state_root[0] ^= state_seed;
    memcpy(h->mix_hash, bft_istanbul_digest, 32);
    h->difficulty[31] = 1;
    memcpy(h->coinbase, list[0], 20);
    bft_extra *x = calloc(1, sizeof(*x));
    uint8_t(*sk)[32] = calloc(n_keys, 32);
    bool ok = x && sk;
    if (ok) {
        x->vanity_len = 32;
        x->n_validators = n_list;
        memcpy(x->validators, list, n_list * 20);
        for (size_t i = 0; i < n_keys; i++)
            memcpy(sk[i], g->keys[keys[i]], 32);
        ok = bft_seal_header(h, ctx, BFT_QBFT, x, (const uint8_t(*)[32])sk, n_keys, NULL) == ZK_OK;
    }
    free(x);
    free(sk);
    CHECK_MSG(ok, "forging a header failed");
    return ok;
}

/* A fresh light-client store at g's genesis, opened. */
static lc_client *fresh_lc(const chaingen *g, const char *name)
{
    const char *dir = th_tmp_path(name);
    th_rm_tree(dir);
    json_t *cpj = chaingen_checkpoint_json(g, 1337);
    lc_checkpoint_file cpf;
    zk_errbuf err = {{0}, 0};
    lc_client *lc = NULL;
    bool ok = cpj && lc_checkpoint_from_json(&cpf, cpj, &err) == ZK_OK;
    if (ok) {
        ok = lc_init(ctx, dir, &cpf, &err) == ZK_OK && lc_open(&lc, ctx, dir, &err) == ZK_OK;
        lc_checkpoint_file_clear(&cpf);
    }
    json_decref(cpj);
    CHECK_MSG(ok, "light client %s: %s", dir, err.msg);
    return lc;
}

/* Builds the finality statement for w: ZK_OK when built and satisfied. */
static int fin_check(const stmt_fin_params *p, const stmt_fin_witness *w, zk_errbuf *err)
{
    r1cs cs;
    int rc = r1cs_init(&cs);
    if (rc != ZK_OK) return rc;
    rc = stmt_fin_build(&cs, p, w, NULL, err);
    if (rc == ZK_OK) {
        size_t bad = 0;
        rc = r1cs_is_satisfied(&cs, &bad, err);
    }
    r1cs_clear(&cs);
    return rc;
}

/* One forgery through the three layers; counts attempts and acceptances. */
static void refuse_all(const char *what, const chaingen *g, const eth_header *forged,
                       const uint8_t (*trusted)[20], const stmt_fin_params *p,
                       const stmt_fin_witness *bad_w)
{
    zk_errbuf err = {{0}, 0};
    lc_client *lc = fresh_lc(g, what);
    lc_verdict v;
    int rc = lc ? lc_submit_header(lc, &v, forged, &err) : ZK_OK;
    CHECK_MSG(rc == ZK_ERR_REJECTED, "%s: native light client: %d (%s)", what, rc, err.msg);
    printf("  %-34s native:  %s\n", what, rc == ZK_ERR_REJECTED ? err.msg : "ACCEPTED");
    C.forgeries++;
    C.forgeries_accepted += rc == ZK_OK;
    lc_close(lc);

    stmt_fin_witness w;
    memset(&w, 0, sizeof(w));
    err.msg[0] = 0;
    rc = stmt_fin_witness_from_header(&w, p, ctx, forged, trusted, 4, &err);
    stmt_fin_witness_clear(&w);
    CHECK_MSG(rc != ZK_OK, "%s: the witness builder accepted it", what);
    printf("  %-34s builder: %s\n", what, rc != ZK_OK ? err.msg : "ACCEPTED");
    C.forgeries++;
    C.forgeries_accepted += rc == ZK_OK;

    err.msg[0] = 0;
    rc = fin_check(p, bad_w, &err);
    CHECK_MSG(rc != ZK_OK, "%s: the R1CS is satisfied by the forged witness", what);
    printf("  %-34s R1CS:    %s (%s)\n", what,
           rc != ZK_OK ? "no proof (refused or unsatisfied)" : "SATISFIED", err.msg);
    C.forgeries++;
    C.forgeries_accepted += rc == ZK_OK;
}

TEST(rel_adversarial_native_and_circuit)
{
    chaingen g;
    CASE_BEGIN("generated QBFT chain, 4 validators: the honest header passes all layers");
    CHECK_EQ_INT(chaingen_init(&g, LC_QBFT, 4, 7, 0), ZK_OK);
    CHECK_EQ_INT(chaingen_bft_next(&g, -1, false, 0), ZK_OK);
    uint8_t trusted[4][20], fresh[4][20];
    for (int i = 0; i < 4; i++) {
        memcpy(trusted[i], g.addrs[i], 20);
        memcpy(fresh[i], g.addrs[4 + i], 20);
    }
    const uint8_t(*T)[20] = (const uint8_t(*)[20])trusted;
    stmt_fin_params p;
    stmt_fin_default_params(&p, 4);
    stmt_fin_witness w;
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(stmt_fin_witness_from_header(&w, &p, ctx, &g.h[1], T, 4, &err) == ZK_OK,
              "witness: %s", err.msg);
    CHECK_MSG(fin_check(&p, &w, &err) == ZK_OK, "the honest header: %s", err.msg);
    lc_client *lc = fresh_lc(&g, "honest");
    lc_verdict v;
    CHECK_EQ_INT(lc ? lc_submit_header(lc, &v, &g.h[1], &err) : -1, ZK_OK);
    lc_close(lc);
    CASE_END();

    stmt_fin_witness bad;
    eth_header h;

    CASE_BEGIN("sealed by non-validators");
    static const int outsiders[] = {4, 5, 6};
    if (forge(&g, &h, T, 4, outsiders, 3, 0)) {
        bad = w;
        uint8_t z[32], sig[65];
        keccak256(z, w.preimage, w.preimage_len);
        CHECK_EQ_INT(ecdsa_sign(ctx, sig, z, g.keys[4]), ZK_OK);
        CHECK_EQ_INT(ecdsa_pubkey_from_seckey(ctx, bad.slots[0].pub, g.keys[4]), ZK_OK);
        memcpy(bad.slots[0].sig, sig, 64);
        bad.slots[0].rec_id = sig[64];
        memcpy(bad.slots[0].addr, g.addrs[4], 20);
        refuse_all("non-validators", &g, &h, T, &p, &bad);
        header_clear(&h);
    }
    CASE_END();

    CASE_BEGIN("sealed by fewer than quorum (2 of 4, quorum 3)");
    static const int two[] = {0, 1};
    if (forge(&g, &h, T, 4, two, 2, 0)) {
        bad = w;
        size_t last = 0;
        for (size_t i = 0; i < bad.n_slots; i++)
            if (bad.slots[i].counted) last = i;
        bad.slots[last].counted = 0;
        bad.slots[last].in_trusted = 0;
        refuse_all("fewer than quorum", &g, &h, T, &p, &bad);
        header_clear(&h);
    }
    CASE_END();

    CASE_BEGIN("one validator's seal twice");
    static const int twice[] = {0, 0, 1};
    if (forge(&g, &h, T, 4, twice, 3, 0)) {
        bad = w;
        bad.slots[1] = bad.slots[0];
        refuse_all("one validator twice", &g, &h, T, &p, &bad);
        header_clear(&h);
    }
    CASE_END();

    CASE_BEGIN("seals over another hash");
    static const int all4[] = {0, 1, 2, 3};
    if (forge(&g, &h, T, 4, all4, 4, 0)) {
        /* the seals stay, the header under them changes */
        h.state_root[5] ^= 0x01;
        bad = w;
        bad.preimage = malloc(w.preimage_len);
        CHECK(bad.preimage != NULL);
        if (bad.preimage) {
            memcpy(bad.preimage, w.preimage, w.preimage_len);
            /* inside stateRoot: RLP list header, parentHash, ommersHash, coinbase come first */
            bad.preimage[100] ^= 0x01;
            refuse_all("seals over another hash", &g, &h, T, &p, &bad);
            free(bad.preimage);
        }
        header_clear(&h);
    }
    CASE_END();

    CASE_BEGIN("a rotation not signed by the old set");
    static const int newset[] = {4, 5, 6, 7};
    if (forge(&g, &h, (const uint8_t(*)[20])fresh, 4, newset, 4, 0)) {
        /* The witness the new set can make (trusting itself), claimed against the old set. */
        stmt_fin_witness w2;
        memset(&w2, 0, sizeof(w2));
        CHECK_EQ_INT(
            stmt_fin_witness_from_header(&w2, &p, ctx, &h, (const uint8_t(*)[20])fresh, 4, &err),
            ZK_OK);
        CHECK_MSG(fin_check(&p, &w2, &err) == ZK_OK, "self-trusted: %s", err.msg);
        bad = w2;
        memcpy(bad.trusted, trusted, sizeof(trusted));
        refuse_all("rotation not signed by old set", &g, &h, T, &p, &bad);
        stmt_fin_witness_clear(&w2);
        header_clear(&h);
    }
    CASE_END();

    CASE_BEGIN("equivocation: two quorum-sealed headers at height 1, both provable; the light "
               "client records the second and freezes");
    eth_header a, b;
    if (forge(&g, &a, T, 4, all4, 4, 0) && forge(&g, &b, T, 4, all4, 4, 0x5a)) {
        stmt_fin_witness wa, wb;
        memset(&wa, 0, sizeof(wa));
        memset(&wb, 0, sizeof(wb));
        CHECK_EQ_INT(stmt_fin_witness_from_header(&wa, &p, ctx, &a, T, 4, &err), ZK_OK);
        CHECK_EQ_INT(stmt_fin_witness_from_header(&wb, &p, ctx, &b, T, 4, &err), ZK_OK);
        CHECK_MSG(fin_check(&p, &wa, &err) == ZK_OK, "a: %s", err.msg);
        CHECK_MSG(fin_check(&p, &wb, &err) == ZK_OK, "b: %s", err.msg);
        stmt_fin_witness_clear(&wa);
        stmt_fin_witness_clear(&wb);
        lc = fresh_lc(&g, "equivocation");
        CHECK_EQ_INT(lc ? lc_submit_header(lc, &v, &a, &err) : -1, ZK_OK);
        int rc = lc ? lc_submit_header(lc, &v, &b, &err) : -1;
        CHECK_MSG(rc == ZK_ERR_MISMATCH, "the conflicting header: %d (%s)", rc, err.msg);
        printf("  %-34s native:  %s\n", "equivocation", err.msg);
        bool frozen = false;
        uint64_t at = 0;
        CHECK_EQ_INT(lc ? lc_store_frozen(lc_client_store(lc), &frozen, &at, NULL) : -1, ZK_OK);
        CHECK(frozen && at == 1);
        C.forgeries++;
        C.forgeries_accepted += rc == ZK_OK;
        if (frozen) C.alarms++;
        lc_close(lc);
        header_clear(&a);
        header_clear(&b);
    }
    CASE_END();
    stmt_fin_witness_clear(&w);
    chaingen_free(&g);
}

/* ---- part B ------------------------------------------------------------------------------ */

/* submitHeader calldata from a proof.json / public.json pair; out 4 + 13 * 32 bytes.
 * Out: number, hash, root (from the public signals). */
static bool header_call(uint8_t out[4 + 13 * 32], uint64_t *number, uint8_t hash[32],
                        uint8_t root[32], const char *proof_path, const char *public_path)
{
    char *pt = th_read_text(proof_path), *ut = th_read_text(public_path);
    groth16_json_proof pr;
    uint8_t *pub = NULL;
    size_t n = 0;
    zk_errbuf err = {{0}, 0};
    bool ok = pt && ut && groth16_json_proof_parse(&pr, pt, strlen(pt), &err) == ZK_OK &&
              groth16_json_public_parse(&pub, &n, ut, strlen(ut), &err) == ZK_OK &&
              n == STMT_FIN_N_PUBLIC;
    CHECK_MSG(ok, "%s / %s: %s", proof_path, public_path, err.msg);
    if (ok) {
        memcpy(out, bridge_abi_sel_submit_header, 4);
        uint8_t *w = out + 4;
        /* A, B with each Fp2 pair swapped (the EVM precompile's order), C */
        memcpy(w, pr.a[0], 32);
        memcpy(w + 32, pr.a[1], 32);
        memcpy(w + 64, pr.b[1], 32);
        memcpy(w + 96, pr.b[0], 32);
        memcpy(w + 128, pr.b[3], 32);
        memcpy(w + 160, pr.b[2], 32);
        memcpy(w + 192, pr.c[0], 32);
        memcpy(w + 224, pr.c[1], 32);
        memcpy(w + 256, pub + 32, 32); /* newSetCommitment = signal 1 */
        /* signal 2 = number << 128 | hash >> 128, 3 = hash low, 4/5 = root high/low */
        *number = be64_load(pub + 64 + 8);
        memset(w + 288, 0, 32);
        be64_store(w + 288 + 24, *number);
        memcpy(hash, pub + 64 + 16, 16);
        memcpy(hash + 16, pub + 96 + 16, 16);
        memcpy(root, pub + 128 + 16, 16);
        memcpy(root + 16, pub + 160 + 16, 16);
        memcpy(w + 320, hash, 32);
        memcpy(w + 352, root, 32);
    }
    free(pt);
    free(ut);
    free(pub);
    return ok;
}

/* Sends data to the light client from the deployer (anvil's unlocked account #0) and
 * waits for the receipt (new reference, or NULL). */
static json_t *send_lc(e2e *e, const uint8_t *data, size_t len)
{
    char *hex = malloc(2 * len + 3);
    if (!hex) return NULL;
    hex_encode(hex, data, len, true);
    json_t *h = NULL, *r = NULL;
    zk_errbuf err = {{0}, 0};
    int rc = rpc_call(e->dst, &h, "eth_sendTransaction",
                      json_pack("[{s:s,s:s,s:s,s:s}]", "from", DEPLOYER_ADDR, "to", e->light_client,
                                "data", hex, "gas", "0x7a1200"),
                      &err);
    free(hex);
    CHECK_MSG(rc == ZK_OK, "eth_sendTransaction: %s", err.msg);
    for (int i = 0; rc == ZK_OK && i < 300; i++) {
        json_decref(r);
        r = NULL;
        if (rpc_call(e->dst, &r, "eth_getTransactionReceipt", json_pack("[O]", h), NULL) == ZK_OK &&
            json_is_object(r))
            break;
        anvil_sleep_ms(100);
    }
    json_decref(h);
    if (r && !json_is_object(r)) {
        json_decref(r);
        r = NULL;
    }
    CHECK_MSG(r != NULL, "no receipt for the submitHeader transaction");
    return r;
}

/* True when receipt r holds a log whose first topic is topic. */
static bool has_topic(const json_t *r, const uint8_t topic[32])
{
    char t[67];
    hex_encode(t, topic, 32, true);
    const json_t *logs = json_object_get(r, "logs");
    for (size_t i = 0; i < json_array_size(logs); i++) {
        const char *t0 = json_string_value(
            json_array_get(json_object_get(json_array_get(logs, i), "topics"), 0));
        if (t0 && strcasecmp(t0, t) == 0) return true;
    }
    return false;
}

/* `zkrelay prove finality` of block number through url; false on failure. */
static bool prove(e2e *e, const char *url, uint64_t number, const char *tag)
{
    char blk[24], tb[24], zkey[800], proof[64], pub[64];
    snprintf(blk, sizeof(blk), "%" PRIu64, number);
    snprintf(tb, sizeof(tb), "%" PRIu64, number - 1);
    snprintf(zkey, sizeof(zkey), "%s/finality.zkey", e->fin_dir);
    snprintf(proof, sizeof(proof), "%s.proof.json", tag);
    snprintf(pub, sizeof(pub), "%s.public.json", tag);
    const char *argv[] = {getenv("ZK_BIN"),
                          "prove",
                          "finality",
                          "--validators",
                          "1",
                          "--max-header",
                          "679",
                          "--rpc",
                          url,
                          "--block",
                          blk,
                          "--trusted-block",
                          tb,
                          "--zkey",
                          zkey,
                          "--proof",
                          e2e_path(e, proof),
                          "--public",
                          e2e_path(e, pub),
                          NULL};
    double t0 = anvil_now_s();
    int st = e2e_run(argv, NULL, e2e_path(e, "prove.log"), NULL);
    CHECK_MSG(st == 0, "zkrelay prove finality (%s): exit %d (see %s)", tag, st,
              e2e_path(e, "prove.log"));
    e2e_progress(e, "%s block %" PRIu64 " proven in %.1f s", tag, number, anvil_now_s() - t0);
    return st == 0;
}

/* The header of block number as served by url (the native light client's input). */
static bool fetch_header(eth_header *h, const char *url, uint64_t number)
{
    rpc_client *c = rpc_client_new(url, NULL, NULL);
    json_t *b = NULL;
    char q[19];
    hex_format_quantity(q, number);
    bool ok = c &&
              rpc_call(c, &b, "eth_getBlockByNumber", json_pack("[sb]", q, 0), NULL) == ZK_OK &&
              header_from_json(h, b, NULL) == ZK_OK;
    json_decref(b);
    rpc_client_free(c);
    CHECK_MSG(ok, "block %" PRIu64 " from %s", number, url);
    return ok;
}

TEST(rel_adversarial_on_chain_equivocation)
{
    e2e E;
    e2e *e = &E;
    fp_proc alt;
    memset(&alt, 0, sizeof(alt));
    if (!e2e_init(e, "adversarial") || !e2e_setup_chains(e)) {
        e2e_stop(e);
        return;
    }
    json_t *cp = json_load_file(e2e_path(e, "checkpoint.json"), 0, NULL);
    uint64_t cpn = (uint64_t)json_integer_value(json_object_get(cp, "number"));
    json_decref(cp);
    uint64_t head = 0;
    for (int i = 0; i < 100 && head < cpn + 2; i++) {
        if (rpc_eth_block_number(e->src, &head, NULL) != ZK_OK) head = 0;
        anvil_sleep_ms(200);
    }
    uint64_t h = head;
    char spec[64];
    snprintf(spec, sizeof(spec), "altblock,block=%" PRIu64 ",reseal=1", h);
    const char *f[] = {spec, NULL};
    bool ok = h > cpn + 1 && fp_proxy_start(&alt, e->url_src, NULL, f);
    CHECK_MSG(ok, "no block above the checkpoint %" PRIu64, cpn);

    CASE_BEGIN("the native light client: the re-sealed block %" PRIu64 " is equivocation", h);
    eth_header real, forged;
    header_init(&real);
    header_init(&forged);
    if (ok && fetch_header(&real, e->url_src, h) && fetch_header(&forged, alt.url, h)) {
        zk_errbuf err = {{0}, 0};
        json_t *cpj = json_load_file(e2e_path(e, "checkpoint.json"), 0, NULL);
        lc_checkpoint_file cpf;
        const char *dir = th_tmp_path("lc-b");
        th_rm_tree(dir);
        lc_client *lc = NULL;
        bool lok = cpj && lc_checkpoint_from_json(&cpf, cpj, &err) == ZK_OK;
        if (lok) {
            lok = lc_init(ctx, dir, &cpf, &err) == ZK_OK && lc_open(&lc, ctx, dir, &err) == ZK_OK;
            lc_checkpoint_file_clear(&cpf);
        }
        json_decref(cpj);
        lc_sync_options so;
        memset(&so, 0, sizeof(so));
        so.to = h;
        lc_sync_report rep;
        lok = lok && lc_sync(lc, e->src, &so, &rep, &err) == ZK_OK;
        CHECK_MSG(lok, "light client up to %" PRIu64 ": %s", h, err.msg);
        lc_verdict v;
        int rc = lok ? lc_submit_header(lc, &v, &forged, &err) : -1;
        CHECK_MSG(rc == ZK_ERR_MISMATCH, "the re-sealed block: %d (%s)", rc, err.msg);
        printf("  devnet native: %s\n", err.msg);
        C.forgeries++;
        C.forgeries_accepted += rc == ZK_OK;
        lc_close(lc);
    }
    header_clear(&real);
    header_clear(&forged);
    CASE_END();

    uint8_t call_a[4 + 13 * 32], call_b[4 + 13 * 32], ha[32], hb[32], ra[32], rb[32];
    uint64_t na = 0, nb = 0;
    ok = ok && prove(e, e->url_src, h, "honest") && prove(e, alt.url, h, "resealed") &&
         header_call(call_a, &na, ha, ra, e2e_path(e, "honest.proof.json"),
                     e2e_path(e, "honest.public.json")) &&
         header_call(call_b, &nb, hb, rb, e2e_path(e, "resealed.proof.json"),
                     e2e_path(e, "resealed.public.json"));
    if (ok) {
        CASE_BEGIN("two real proofs for block %" PRIu64 " with different hashes", h);
        CHECK_EQ_INT(na, h);
        CHECK_EQ_INT(nb, h);
        CHECK(memcmp(ha, hb, 32) != 0);
        CASE_END();

        CASE_BEGIN("the honest proof is stored (HeaderSubmitted)");
        json_t *r = send_lc(e, call_a, sizeof(call_a));
        CHECK(r && th_streq(json_string_value(json_object_get(r, "status")), "0x1"));
        CHECK(r && has_topic(r, bridge_abi_topic_header_submitted));
        json_decref(r);
        CASE_END();

        CASE_BEGIN("the honest proof replayed with the other block's hash: reverts");
        uint8_t forged_call[sizeof(call_a)];
        memcpy(forged_call, call_a, sizeof(call_a));
        memcpy(forged_call + 4 + 10 * 32, hb, 32);
        char hex[2 * sizeof(forged_call) + 3];
        hex_encode(hex, forged_call, sizeof(forged_call), true);
        json_t *res = NULL;
        int rc = rpc_call(e->dst, &res, "eth_call",
                          json_pack("[{s:s,s:s,s:s},s]", "from", DEPLOYER_ADDR, "to",
                                    e->light_client, "data", hex, "latest"),
                          NULL);
        json_decref(res);
        CHECK_MSG(rc != ZK_OK, "submitHeader with a replayed proof did not revert");
        C.forgeries++;
        C.forgeries_accepted += rc == ZK_OK;
        CASE_END();

        CASE_BEGIN("the conflicting proven header: EquivocationDetected, frozen, hash kept");
        r = send_lc(e, call_b, sizeof(call_b));
        CHECK(r && th_streq(json_string_value(json_object_get(r, "status")), "0x1"));
        bool evidence = r && has_topic(r, bridge_abi_topic_equivocation_detected);
        CHECK(evidence);
        json_decref(r);
        uint64_t frozen = e2e_view(e, e->light_client, "frozen()", false, 0);
        CHECK_EQ_INT(frozen, 1);
        uint8_t to[20], data[36] = {0}, *out = NULL;
        size_t n = 0;
        CHECK_EQ_INT(hex_decode_fixed(to, 20, e->light_client, NULL), ZK_OK);
        memcpy(data, bridge_abi_sel_header_hash, 4);
        be64_store(data + 28, h);
        CHECK_EQ_INT(
            rpc_eth_call(e->dst, &out, &n, to, data, 36, rpc_block_tagged(RPC_BLOCK_LATEST), NULL),
            ZK_OK);
        CHECK(out && n == 32 && memcmp(out, ha, 32) == 0);
        free(out);
        C.forgeries++; /* a conflicting header: recorded, never stored over the honest one */
        C.forgeries_accepted += !(evidence && frozen == 1);
        if (evidence && frozen == 1) C.alarms++;
        e2e_progress(e, "ZkLightClient frozen with the evidence of block %" PRIu64, h);
        CASE_END();
    }
    if (alt.pid > 0) free(fp_stop(&alt));
    e2e_stop(e);
}

TEST_MAIN(if (rpc_global_init() != ZK_OK) return 1; ctx = ecdsa_context_new(NULL);
          RUN(rel_adversarial_native_and_circuit); RUN(rel_adversarial_on_chain_equivocation);
          e2e_print_counters("adversarial", &C); ecdsa_context_free(ctx); rpc_global_cleanup())
