/* Proof bundles for real statements, for tests/relayer/test_bundle.c and test_cli_verify.c:
 * a QBFT block 1 from tests/chaingen.h (4 validators, real seals by 3 of them) whose
 * receiptsRoot is the root of generated receipts, one of which carries the Outbox's
 * MessageSent of the message; the trie path from lightclient/mpt.h; the signals computed by
 * prover/stmt_finality.h and stmt_inclusion.h.
 *
 * THE GROTH16 PROOFS ARE OF STAND-IN CIRCUITS, NOT OF stmt_fin / stmt_inc: a development
 * setup and a proof of the finality circuit (about 2M constraints even at one validator) take
 * minutes on this 2-core machine. Each stand-in has the statement's public signals (6 and 1),
 * each bound by s_i * w = p_i to a private w, so its proof is valid for its own signals only
 * (as tests/contracts/bridge_env.h does). Every native check of the bundle is real.
 *
 * Header-only (static functions marked unused). */
#ifndef ZKRELAY_TESTS_RELAYER_BUNDLE_FIXTURE_H
#define ZKRELAY_TESTS_RELAYER_BUNDLE_FIXTURE_H

#include "harness.h"

#include "chaingen.h"
#include "lightclient/mpt.h"
#include "lightclient/receipt.h"
#include "prover/prover.h"
#include "relayer/bridge_abi.h"
#include "relayer/bundle.h"
#include "standin_circuit.h"

#define BFX_FN static __attribute__((unused))

typedef struct bfx {
    chaingen g;
    groth16_pk fin_pk, inc_pk;
    groth16_vk fin_vk, inc_vk;
    bool ready;
} bfx;

BFX_FN uint64_t bfx_rng(void *c)
{
    (void)c;
    return th_rand64();
}

BFX_FN bool bfx_setup(groth16_pk *pk, groth16_vk *vk, size_t n)
{
    uint8_t zero[8][32];
    memset(zero, 0, sizeof(zero));
    r1cs cs;
    memset(&cs, 0, sizeof(cs));
    groth16_pk_init(pk);
    groth16_vk_init(vk);
    int rc = standin_circuit_build(&cs, (const uint8_t(*)[32])zero, n);
    if (rc == ZK_OK) rc = groth16_setup_dev(pk, vk, &cs, bfx_rng, NULL, NULL);
    r1cs_clear(&cs);
    CHECK_EQ_INT(rc, ZK_OK);
    return rc == ZK_OK;
}

BFX_FN bool bfx_prove(groth16_proof *proof, const groth16_pk *pk, const uint8_t (*pub)[32],
                      size_t n)
{
    r1cs cs;
    memset(&cs, 0, sizeof(cs));
    int rc = standin_circuit_build(&cs, pub, n);
    if (rc == ZK_OK)
        rc = groth16_prove(proof, pk, &cs, cs.values, cs.n_vars, 1, bfx_rng, NULL, NULL);
    r1cs_clear(&cs);
    CHECK_EQ_INT(rc, ZK_OK);
    return rc == ZK_OK;
}

/* Writes vk as snarkjs's verification_key.json to path (for `zkrelay verify`).
 * Returns true on success. */
BFX_FN bool bfx_write_vk(const char *path, const groth16_vk *vk)
{
    groth16_json_vk j;
    memset(&j, 0, sizeof(j));
    zk_buf b;
    buf_init(&b, 0);
    bool ok = groth16_vk_to_json(&j, vk) == ZK_OK && groth16_json_vk_write(&b, &j) == ZK_OK &&
              th_write_file(path, b.data, b.len);
    groth16_json_vk_clear(&j);
    buf_clear(&b);
    return ok;
}

/* Keys of both stand-ins and a QBFT chain of 4 validators (chaingen seed 7). */
BFX_FN bool bfx_init(bfx *f)
{
    memset(f, 0, sizeof(*f));
    f->ready = chaingen_init(&f->g, LC_QBFT, 4, 7, 0) == ZK_OK &&
               bfx_setup(&f->fin_pk, &f->fin_vk, STMT_FIN_N_PUBLIC) &&
               bfx_setup(&f->inc_pk, &f->inc_vk, STMT_INC_N_PUBLIC);
    CHECK(f->ready);
    return f->ready;
}

BFX_FN void bfx_free(bfx *f)
{
    groth16_pk_clear(&f->fin_pk);
    groth16_pk_clear(&f->inc_pk);
    groth16_vk_clear(&f->fin_vk);
    groth16_vk_clear(&f->inc_vk);
    chaingen_free(&f->g);
}

/* n_receipts receipts; receipt `at` has an unrelated log 0 and the MessageSent of msg (m) as
 * log 1; the others carry MessageSent logs of other messages. Out: enc[i] (malloc'd). */
BFX_FN bool bfx_receipts(uint8_t **enc, size_t *lens, size_t n_receipts, size_t at,
                         const bundle_message *msg, const uint8_t m[32])
{
    uint8_t other[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    for (size_t i = 0; i < n_receipts; i++) {
        eth_log lg[2];
        memset(lg, 0, sizeof(lg));
        memset(lg[0].address, 0xee, 20);
        lg[0].n_topics = 1;
        lg[0].data = other;
        lg[0].data_len = sizeof(other);
        memcpy(lg[1].address, msg->outbox, 20);
        lg[1].n_topics = 4;
        memcpy(lg[1].topics[0], bridge_abi_topic_message_sent, 32);
        if (i == at)
            memcpy(lg[1].topics[1], m, 32);
        else
            keccak256(lg[1].topics[1], (const uint8_t *)&i, sizeof(i));
        be64_store(lg[1].topics[2] + 24, msg->nonce);
        memcpy(lg[1].topics[3] + 12, msg->sender, 20);
        /* data = abi.encode(uint64 dstChainId, address receiver, bytes payload) */
        zk_buf d;
        buf_init(&d, 0);
        uint8_t word[32];
        memset(word, 0, 32);
        be64_store(word + 24, msg->dst_chain_id);
        bool ok = buf_append(&d, word, 32) == ZK_OK;
        memset(word, 0, 32);
        memcpy(word + 12, msg->receiver, 20);
        ok = ok && buf_append(&d, word, 32) == ZK_OK;
        memset(word, 0, 32);
        be64_store(word + 24, 96);
        ok = ok && buf_append(&d, word, 32) == ZK_OK;
        memset(word, 0, 32);
        be64_store(word + 24, msg->payload_len);
        ok = ok && buf_append(&d, word, 32) == ZK_OK;
        ok = ok && (msg->payload_len == 0 || buf_append(&d, msg->payload, msg->payload_len) == 0);
        memset(word, 0, 32);
        ok = ok && buf_append(&d, word, (32 - msg->payload_len % 32) % 32) == ZK_OK;
        lg[1].data = d.data;
        lg[1].data_len = d.len;
        eth_receipt r;
        memset(&r, 0, sizeof(r));
        r.type = (uint8_t)(i % 2 ? 2 : 0);
        r.has_status = true;
        r.status = 1;
        r.cumulative_gas = 60000 * (i + 1);
        r.logs = lg;
        r.n_logs = 2;
        receipt_compute_bloom(r.bloom, &r);
        zk_buf b;
        buf_init(&b, 0);
        ok = ok && receipt_encode(&b, &r) == ZK_OK;
        buf_clear(&d);
        enc[i] = b.data;
        lens[i] = b.len;
        CHECK(ok);
        if (!ok) return false;
    }
    return true;
}

/* Builds the bundle of a message with this nonce and payload, in block 1 + nonce % 3 of a
 * block of `n_receipts` receipts, at index n_receipts - 1. Optional claims are set when
 * claims is true. Out: b (bundle_clear it). */
BFX_FN bool bfx_bundle(bfx *f, bundle *b, uint64_t nonce, const uint8_t *payload,
                       size_t payload_len, size_t n_receipts, bool claims)
{
    bundle_init(b);
    if (!f->ready || n_receipts == 0 || n_receipts > 64) return false;
    bundle_input in;
    memset(&in, 0, sizeof(in));
    in.msg.src_chain_id = 1337;
    memset(in.msg.outbox, 0x0b, 20);
    in.msg.nonce = nonce;
    memset(in.msg.sender, 0x5e, 20);
    in.msg.dst_chain_id = 31337;
    memset(in.msg.receiver, 0x7e, 20);
    in.msg.payload = (uint8_t *)payload;
    in.msg.payload_len = payload_len;
    uint8_t m[32];
    bridge_abi_message_hash(m, in.msg.src_chain_id, in.msg.outbox, nonce, in.msg.sender,
                            in.msg.dst_chain_id, in.msg.receiver, payload, payload_len);
    uint8_t *enc[64];
    size_t lens[64];
    size_t at = n_receipts - 1;
    memset(enc, 0, sizeof(enc));
    bool ok = bfx_receipts(enc, lens, n_receipts, at, &in.msg, m);
    uint8_t root[32];
    mpt_proof path;
    mpt_proof_init(&path);
    ok = ok &&
         mpt_root_of_list(root, (const uint8_t *const *)enc, lens, n_receipts, NULL) == ZK_OK &&
         mpt_prove_index(&path, (const uint8_t *const *)enc, lens, n_receipts, at, NULL) == ZK_OK;
    /* A chain block re-sealed with this receiptsRoot by validators 0..2 (3 of 4). */
    eth_header h;
    header_init(&h);
    bft_extra *x = calloc(1, sizeof(*x));
    ok = ok && x && f->g.n >= 1;
    while (ok && f->g.n < 4)
        ok = chaingen_bft_next(&f->g, -1, false, 3) == ZK_OK;
    const eth_header *src = ok ? &f->g.h[1 + nonce % 3] : NULL;
    ok = ok && bft_extra_decode(x, BFT_QBFT, src->extra_data, src->extra_len, NULL) == ZK_OK;
    if (ok) {
        h = *src;
        h.extra_data = NULL;
        h.extra_len = 0;
        memcpy(h.receipts_root, root, 32);
        ok = bft_seal_header(&h, f->g.ctx, BFT_QBFT, x, (const uint8_t(*)[32])f->g.keys, 3, NULL) ==
             ZK_OK;
    }
    zk_buf hr;
    buf_init(&hr, 0);
    ok = ok && header_encode_rlp(&hr, &h) == ZK_OK;
    in.header_rlp = hr.data;
    in.header_len = hr.len;
    in.trusted = (const uint8_t(*)[20])x->validators;
    in.n_trusted = ok ? x->n_validators : 0;
    stmt_fin_default_params(&in.fin_params, 4);
    stmt_inc_default_params(&in.inc_params);
    in.receipt = ok ? enc[at] : NULL;
    in.receipt_len = ok ? lens[at] : 0;
    in.tx_index = at;
    in.log_index = 1;
    in.nodes = (const uint8_t *const *)path.nodes;
    in.node_lens = path.lens;
    in.n_nodes = path.n;
    uint8_t txh[32], dtx[32], inbox[20];
    memset(txh, 0x71, 32);
    memset(dtx, 0xd7, 32);
    memset(inbox, 0x1b, 20);
    if (claims) {
        in.src_tx_hash = txh;
        in.has_block_log_index = true;
        in.block_log_index = 2 * at + 1;
        in.inbox = inbox;
        in.dst_tx_hash = dtx;
    }
    /* The public signals, natively; proofs of the stand-ins for exactly these signals. */
    if (ok) {
        stmt_fin_public pub;
        memset(&pub, 0, sizeof(pub));
        stmt_fin_commit(pub.trusted_commit, in.trusted, in.n_trusted);
        stmt_fin_commit(pub.next_commit, (const uint8_t(*)[20])x->validators, x->n_validators);
        pub.number = h.number;
        ok = bft_block_hash(pub.header_hash, BFT_QBFT, &h, NULL) == ZK_OK;
        memcpy(pub.receipts_root, root, 32);
        fr sig[STMT_FIN_N_PUBLIC];
        stmt_fin_public_signals(sig, &pub);
        for (size_t i = 0; i < STMT_FIN_N_PUBLIC; i++)
            fr_to_bytes_be(in.fin_public[i], &sig[i]);
        fr s1;
        stmt_inc_public_signal(&s1, root, m, in.msg.outbox);
        fr_to_bytes_be(in.inc_public[0], &s1);
        ok = ok &&
             bfx_prove(&in.fin_proof, &f->fin_pk, (const uint8_t(*)[32])in.fin_public,
                       STMT_FIN_N_PUBLIC) &&
             bfx_prove(&in.inc_proof, &f->inc_pk, (const uint8_t(*)[32])in.inc_public, 1);
    }
    zk_errbuf err = {{0}, 0};
    int rc = ok ? bundle_build(b, &in, &err) : ZK_ERR_INTERNAL;
    CHECK_MSG(rc == ZK_OK, "bundle_build: %s", err.msg);
    ok = ok && rc == ZK_OK && memcmp(b->m, m, 32) == 0;
    buf_clear(&hr);
    header_clear(&h);
    free(x);
    mpt_proof_clear(&path);
    for (size_t i = 0; i < n_receipts; i++)
        free(enc[i]);
    return ok;
}

/* The canonical text of b. Out: *len; returns a malloc'd NUL-terminated buffer or NULL. */
BFX_FN char *bfx_text(const bundle *b, size_t *len)
{
    zk_buf t;
    buf_init(&t, 0);
    if (bundle_write(&t, b, NULL) != ZK_OK || buf_append_byte(&t, 0) != ZK_OK) {
        buf_clear(&t);
        return NULL;
    }
    *len = t.len - 1;
    return (char *)t.data;
}

#endif
