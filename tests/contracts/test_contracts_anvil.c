/* The bridge contracts on a real EVM (anvil, a free loopback port, stopped by PID):
 * Outbox -> ZkLightClient -> Inbox -> receiver, driven with REAL Groth16 proofs.
 *
 * The proofs come from two stand-in circuits (tests/contracts/bridge_env.h) with exactly
 * the public signals of the finality (6) and inclusion (1) statements. They prove nothing
 * about headers or receipts: they only make every proof valid for its own signals and no
 * others, so the contracts' own computation of the signals is what is tested here. They
 * are replaced by the finality and inclusion circuits when those land.
 *
 * One anvil plays both chains (source and destination are chain 31337): the Outbox's
 * MessageSent lands in a real block, whose real hash and receiptsRoot the light client
 * stores through submitHeader. Every rejection is checked by its custom error, both as an
 * eth_call and as a mined transaction with status 0. */
#include "bridge_env.h"

static bridge_env E;
static be_msg M1, M2, M3;

/* A 32-byte payload: the amount CrossChainCounter adds. */
static void amount_payload(uint8_t p[32], uint64_t amount)
{
    memset(p, 0, 32);
    be64_store(p + 24, amount);
}

static bool ready(void)
{
    CHECK_MSG(E.ready, "the bridge is not deployed");
    return E.ready;
}

static void deliver_ok(const be_msg *m, uint64_t *gas, const char *what)
{
    zk_buf b;
    buf_init(&b, 0);
    be_deliver_data(&E, &b, m, NULL);
    json_t *r = be_send_ok(&E, E.inbox, b.data, b.len, gas, what);
    buf_clear(&b);
    json_decref(r);
}

TEST(test_setup)
{
    CASE_BEGIN("stand-in circuits, verifiers compiled, anvil up, bridge deployed");
    bridge_env_start(&E);
    CHECK(E.ready);
    CASE_END();
    if (!E.ready) return;
    CASE_BEGIN("the light client holds the checkpoint and the set commitment");
    uint8_t w[32], hash[32], root[32], sel[4];
    be_selector(sel, "validatorSetCommitment()");
    CHECK(be_view_word(&E, w, E.lc, sel, 4));
    CHECK_MEM(w, E.cur_set, 32);
    CHECK_EQ_INT(w[0], 0); /* 248 bits */
    CHECK(be_block(&E, hash, root, E.checkpoint));
    zk_buf b;
    buf_init(&b, 0);
    abi_raw(&b, bridge_abi_sel_receipts_root, 4);
    abi_u64(&b, E.checkpoint);
    CHECK(be_view_word(&E, w, E.lc, b.data, b.len));
    CHECK_MEM(w, root, 32);
    buf_clear(&b);
    CHECK_EQ_INT(be_view_u64(&E, E.lc, "frozen()", false, 0), 0);
    CASE_END();
}

TEST(test_send)
{
    if (!ready()) return;
    uint8_t p[32];
    CASE_BEGIN("Outbox.send emits MessageSent whose m is the C message hash");
    amount_payload(p, 5);
    uint64_t gas = 0;
    CHECK(be_send_message(&E, &M1, E.counter, p, 32, &gas));
    uint8_t m[32], sender[20];
    CHECK(hex_decode_fixed(sender, 20, E.from, NULL) == ZK_OK);
    CHECK_MEM(M1.sender, sender, 20);
    bridge_abi_message_hash(m, ANVIL_CHAIN_ID, E.outbox, M1.nonce, sender, ANVIL_CHAIN_ID,
                            E.counter, p, 32);
    CHECK_MEM(m, M1.m, 32);
    CHECK_EQ_INT(M1.nonce, 0);
    printf("gas: Outbox.send (32-byte payload): %" PRIu64 "\n", gas);
    CASE_END();

    CASE_BEGIN("nonces count up; an odd-length payload hashes the same in C and Solidity");
    static const uint8_t odd[5] = {1, 2, 3, 4, 5};
    CHECK(be_send_message(&E, &M2, E.counter, odd, sizeof(odd), NULL));
    CHECK_EQ_INT(M2.nonce, 1);
    bridge_abi_message_hash(m, ANVIL_CHAIN_ID, E.outbox, M2.nonce, sender, ANVIL_CHAIN_ID,
                            E.counter, odd, sizeof(odd));
    CHECK_MEM(m, M2.m, 32);
    amount_payload(p, 100);
    CHECK(be_send_message(&E, &M3, E.counter, p, 32, NULL));
    CHECK_EQ_INT(M3.nonce, 2);
    CASE_END();

    CASE_BEGIN("Outbox refuses a payload above MAX_PAYLOAD and the zero receiver");
    zk_buf b;
    buf_init(&b, 0);
    uint8_t *big = calloc(1, 1025);
    uint8_t zero[20] = {0};
    abi_raw(&b, bridge_abi_sel_send, 4);
    abi_u64(&b, ANVIL_CHAIN_ID);
    abi_word(&b, E.counter, 20);
    abi_u64(&b, 96);
    if (big) abi_bytes_tail(&b, big, 1025);
    be_expect_revert(&E, NULL, E.outbox, b.data, b.len, "PayloadTooLarge(uint256,uint256)");
    b.len = 0;
    abi_raw(&b, bridge_abi_sel_send, 4);
    abi_u64(&b, ANVIL_CHAIN_ID);
    abi_word(&b, zero, 20);
    abi_u64(&b, 96);
    abi_bytes_tail(&b, p, 32);
    be_expect_revert(&E, NULL, E.outbox, b.data, b.len, "ZeroReceiver()");
    free(big);
    buf_clear(&b);
    CASE_END();
}

TEST(test_deliver)
{
    if (!ready()) return;
    zk_buf b;
    buf_init(&b, 0);

    CASE_BEGIN("deliver before the block's header is stored: HeaderNotStored");
    be_deliver_data(&E, &b, &M1, NULL);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "HeaderNotStored(uint64)");
    CASE_END();

    CASE_BEGIN("submitHeader of M1's block with a real finality proof");
    uint64_t gas = 0;
    CHECK(be_submit_block(&E, M1.block, &gas));
    printf("gas: submitHeader (no rotation): %" PRIu64 "\n", gas);
    uint8_t w[32], hash[32], root[32];
    CHECK(be_block(&E, hash, root, M1.block));
    zk_buf q;
    buf_init(&q, 0);
    abi_raw(&q, bridge_abi_sel_header_hash, 4);
    abi_u64(&q, M1.block);
    CHECK(be_view_word(&E, w, E.lc, q.data, q.len));
    CHECK_MEM(w, hash, 32);
    buf_clear(&q);
    CASE_END();

    CASE_BEGIN("a proof with one byte changed: InvalidProof");
    uint8_t *d = malloc(b.len);
    if (d) {
        memcpy(d, b.data, b.len);
        d[4 + 6 * 32 + 17] ^= 0x40; /* C.x */
        be_expect_revert(&E, NULL, E.inbox, d, b.len, "InvalidProof()");
    }
    free(d);
    CASE_END();

    CASE_BEGIN("a payload changed by one byte under M1's valid proof: InvalidProof");
    be_msg forged = M1;
    forged.payload[31] ^= 1;
    b.len = 0;
    abi_raw(&b, bridge_abi_sel_deliver, 4);
    {
        /* M1's proof (its head) with the forged payload in the tail. */
        zk_buf h;
        buf_init(&h, 0);
        be_deliver_data(&E, &h, &M1, NULL);
        abi_raw(&b, h.data + 4, 13 * 32);
        abi_bytes_tail(&b, forged.payload, forged.payload_len);
        buf_clear(&h);
    }
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "InvalidProof()");
    CASE_END();

    CASE_BEGIN("deliver M1: the receiver is called once, status Delivered");
    deliver_ok(&M1, &gas, "deliver M1");
    printf("gas: deliver (1 message, first in its 256-nonce slot, counter 0 -> 5): %" PRIu64 "\n",
           gas);
    CHECK_EQ_INT(be_view_u64(&E, E.counter, "count()", false, 0), 5);
    CHECK_EQ_INT(be_view_u64(&E, E.counter, "messages()", false, 0), 1);
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, M1.nonce), 1);
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "delivered(uint64)", true, M1.nonce), 1);
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, M2.nonce), 0);
    CASE_END();

    CASE_BEGIN("a replay of M1: AlreadyProcessed, the receiver is not called again");
    b.len = 0;
    be_deliver_data(&E, &b, &M1, NULL);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "AlreadyProcessed(uint64)");
    CHECK_EQ_INT(be_view_u64(&E, E.counter, "messages()", false, 0), 1);
    CASE_END();

    CASE_BEGIN("M2 with the proof made for M3: InvalidProof");
    CHECK(be_submit_block(&E, M2.block, NULL));
    CHECK(be_submit_block(&E, M3.block, NULL));
    b.len = 0;
    be_deliver_data(&E, &b, &M2, &M3);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "InvalidProof()");
    CASE_END();

    CASE_BEGIN("M2 with a proof for its m under another block's root: InvalidProof");
    be_msg other_block = M2;
    other_block.block = M3.block;
    b.len = 0;
    be_deliver_data(&E, &b, &other_block, &M2);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "InvalidProof()");
    CASE_END();

    CASE_BEGIN("deliver M2 (second in the slot)");
    deliver_ok(&M2, &gas, "deliver M2");
    printf("gas: deliver (1 message, warm nonce slot, counter 5 -> 6): %" PRIu64 "\n", gas);
    CHECK_EQ_INT(be_view_u64(&E, E.counter, "count()", false, 0), 6);
    CASE_END();
    buf_clear(&b);
}

TEST(test_batch)
{
    if (!ready()) return;
    CASE_BEGIN("deliverBatch: M3 plus 3 new messages, M2 already delivered is skipped");
    be_msg ms[5];
    uint8_t p[32];
    ms[0] = M3;
    for (int i = 1; i < 4; i++) {
        amount_payload(p, 1000);
        CHECK(be_send_message(&E, &ms[i], E.counter, p, 32, NULL));
        CHECK(be_submit_block(&E, ms[i].block, NULL));
    }
    ms[4] = M2;
    zk_buf b;
    buf_init(&b, 0);
    be_deliver_batch_data(&E, &b, ms, 5);
    uint8_t *out = NULL, sel[4];
    size_t n = 0;
    CHECK_EQ_INT(be_call(&E, &out, &n, sel, E.inbox, b.data, b.len), ZK_OK);
    CHECK(n == 32 && out[31] == 4); /* returns the count processed */
    free(out);
    uint64_t gas = 0;
    json_t *r = be_send_ok(&E, E.inbox, b.data, b.len, &gas, "deliverBatch");
    json_decref(r);
    CHECK_EQ_INT(be_view_u64(&E, E.counter, "count()", false, 0), 6 + 100 + 3000);
    for (int i = 0; i < 4; i++)
        CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, ms[i].nonce), 1);
    printf("gas: deliverBatch (4 messages + 1 skipped): %" PRIu64 " total, %" PRIu64
           " per message\n",
           gas, gas / 4);
    buf_clear(&b);
    CASE_END();
}

/* Sends a message to receiver and stores its header. */
static bool send_to(be_msg *m, const uint8_t receiver[20])
{
    static const uint8_t p[3] = {0xab, 0xcd, 0xef};
    return be_send_message(&E, m, receiver, p, sizeof(p), NULL) &&
           be_submit_block(&E, m->block, NULL);
}

TEST(test_receivers)
{
    if (!ready()) return;
    uint8_t rev[20], burner[20], reent[20], sel[4];
    zk_buf b, args;
    buf_init(&b, 0);
    buf_init(&args, 0);
    abi_word(&args, E.inbox, 20);
    CASE_BEGIN("the test receivers deploy");
    bool ok = be_deploy(&E, rev, "RevertingReceiver", NULL, 0, NULL) &&
              be_deploy(&E, burner, "GasBurner", NULL, 0, NULL) &&
              be_deploy(&E, reent, "ReentrantReceiver", args.data, args.len, NULL);
    CHECK(ok);
    CASE_END();
    buf_clear(&args);
    if (!ok) return;

    be_msg mr, mb, mre, mok, mre2;
    uint64_t gas = 0;
    CASE_BEGIN("a reverting receiver: the message is stored Failed, the tx succeeds");
    CHECK(send_to(&mr, rev));
    deliver_ok(&mr, &gas, "deliver to a reverting receiver");
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, mr.nonce), 2);
    CHECK_EQ_INT(be_view_u64(&E, rev, "calls()", false, 0), 0);
    CASE_END();

    CASE_BEGIN("a receiver that runs out of gas: Failed, the tx succeeds with bounded gas");
    CHECK(send_to(&mb, burner));
    deliver_ok(&mb, &gas, "deliver to a gas burner");
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, mb.nonce), 2);
    CHECK_MSG(gas < 600000, "gas used %" PRIu64, gas);
    printf("gas: deliver to a receiver that burns its RECEIVER_GAS: %" PRIu64 "\n", gas);
    CASE_END();

    CASE_BEGIN("the failed messages do not block a later one; a replay of a failed one is refused");
    CHECK(send_to(&mok, E.counter));
    uint64_t before = be_view_u64(&E, E.counter, "messages()", false, 0);
    deliver_ok(&mok, NULL, "deliver after failures");
    CHECK_EQ_INT(be_view_u64(&E, E.counter, "messages()", false, 0), before + 1);
    be_deliver_data(&E, &b, &mr, NULL);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "AlreadyProcessed(uint64)");
    CASE_END();

    CASE_BEGIN("retry while the receiver still reverts: RetryFailed, still Failed");
    b.len = 0;
    be_retry_data(&b, &mr);
    be_expect_revert(&E, E.other, E.inbox, b.data, b.len, "RetryFailed(bytes)");
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, mr.nonce), 2);
    CASE_END();

    CASE_BEGIN("retry by another account once the receiver accepts: Delivered, called once");
    zk_buf s;
    buf_init(&s, 0);
    be_selector(sel, "setFailing(bool)");
    abi_raw(&s, sel, 4);
    abi_u64(&s, 0);
    json_decref(be_send_ok(&E, rev, s.data, s.len, NULL, "setFailing"));
    buf_clear(&s);
    json_t *r = be_send(&E, E.other, E.inbox, b.data, b.len);
    CHECK_EQ_INT(be_receipt_u64(r, "status"), 1);
    CHECK(r && be_find_log(r, E.inbox, bridge_abi_topic_message_retried) != NULL);
    json_decref(r);
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, mr.nonce), 1);
    CHECK_EQ_INT(be_view_u64(&E, rev, "calls()", false, 0), 1);
    CASE_END();

    CASE_BEGIN("a second retry: NotFailed; a retry of a delivered message: NotFailed");
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "NotFailed(uint64,bytes32)");
    b.len = 0;
    be_retry_data(&b, &M1);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "NotFailed(uint64,bytes32)");
    CHECK_EQ_INT(be_view_u64(&E, rev, "calls()", false, 0), 1);
    CASE_END();

    CASE_BEGIN("a receiver re-entering deliver with the same message: delivered once");
    CHECK(send_to(&mre, reent));
    b.len = 0;
    be_deliver_data(&E, &b, &mre, NULL);
    zk_buf arm;
    buf_init(&arm, 0);
    be_selector(sel, "arm(bytes,bool)");
    abi_raw(&arm, sel, 4);
    abi_u64(&arm, 64);
    abi_u64(&arm, 0);
    abi_bytes_tail(&arm, b.data, b.len);
    json_decref(be_send_ok(&E, reent, arm.data, arm.len, NULL, "arm"));
    json_decref(be_send_ok(&E, E.inbox, b.data, b.len, NULL, "deliver to a re-entrant receiver"));
    CHECK_EQ_INT(be_view_u64(&E, reent, "calls()", false, 0), 1);
    CHECK_EQ_INT(be_view_u64(&E, reent, "reentryOk()", false, 0), 0);
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, mre.nonce), 1);
    /* reentryResult() returns bytes: offset, length, then the inner revert data. */
    uint8_t *out = NULL, rsel[4], want[4];
    size_t n = 0;
    be_selector(sel, "reentryResult()");
    CHECK_EQ_INT(be_call(&E, &out, &n, rsel, reent, sel, 4), ZK_OK);
    be_selector(want, "AlreadyProcessed(uint64)");
    CHECK(out && n >= 68 && memcmp(out + 64, want, 4) == 0);
    free(out);
    CASE_END();

    CASE_BEGIN("a receiver re-entering retry from inside its retry: called once");
    arm.len = 0;
    abi_raw(&arm, sel, 0);
    be_selector(sel, "arm(bytes,bool)");
    abi_raw(&arm, sel, 4);
    abi_u64(&arm, 64);
    abi_u64(&arm, 1); /* fail after: the delivery fails */
    abi_bytes_tail(&arm, NULL, 0);
    json_decref(be_send_ok(&E, reent, arm.data, arm.len, NULL, "arm to fail"));
    CHECK(send_to(&mre2, reent));
    deliver_ok(&mre2, NULL, "deliver to a failing re-entrant receiver");
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, mre2.nonce), 2);
    b.len = 0;
    be_retry_data(&b, &mre2);
    arm.len = 0;
    abi_raw(&arm, sel, 4);
    abi_u64(&arm, 64);
    abi_u64(&arm, 0);
    abi_bytes_tail(&arm, b.data, b.len);
    json_decref(be_send_ok(&E, reent, arm.data, arm.len, NULL, "arm with retry"));
    json_decref(be_send_ok(&E, E.inbox, b.data, b.len, NULL, "retry of a re-entrant receiver"));
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, mre2.nonce), 1);
    CHECK_EQ_INT(be_view_u64(&E, reent, "calls()", false, 0), 2);
    be_selector(sel, "reentryResult()");
    CHECK_EQ_INT(be_call(&E, &out, &n, rsel, reent, sel, 4), ZK_OK);
    be_selector(want, "NotFailed(uint64,bytes32)");
    CHECK(out && n >= 68 && memcmp(out + 64, want, 4) == 0);
    free(out);
    buf_clear(&arm);
    CASE_END();
    buf_clear(&b);
}

TEST(test_light_client)
{
    if (!ready()) return;
    zk_buf b;
    buf_init(&b, 0);
    uint8_t hash[32], root[32], new_set[32], vals[3][20];
    uint64_t head = 0, gas = 0;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(rpc_eth_block_number(E.c, &head, &err), ZK_OK);

    CASE_BEGIN("submitHeader refuses: a changed proof byte, the checkpoint, a 249-bit commitment");
    CHECK(be_block(&E, hash, root, head));
    be_submit_data(&E, &b, E.cur_set, E.cur_set, head, hash, root);
    b.data[4 + 32 + 5] ^= 1; /* A.y */
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "InvalidProof()");
    b.len = 0;
    be_submit_data(&E, &b, E.cur_set, E.cur_set, E.checkpoint, hash, root);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "AtOrBelowCheckpoint(uint64,uint64)");
    uint8_t big[32];
    memset(big, 0, 32);
    big[0] = 1;
    b.len = 0;
    be_submit_data(&E, &b, E.cur_set, big, head, hash, root);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "CommitmentOutOfRange(uint256)");
    CASE_END();

    CASE_BEGIN("a proof whose signals name another header (number + 1): InvalidProof");
    uint8_t sig[6][32], words[8 * 32];
    bridge_abi_finality_signals(sig, E.cur_set, E.cur_set, head - 1, hash, root);
    CHECK(be_prove(words, &E.fin, (const uint8_t(*)[32])sig));
    b.len = 0;
    abi_raw(&b, bridge_abi_sel_submit_header, 4);
    abi_raw(&b, words, sizeof(words));
    abi_raw(&b, E.cur_set, 32);
    abi_u64(&b, head);
    abi_raw(&b, hash, 32);
    abi_raw(&b, root, 32);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "InvalidProof()");
    CASE_END();

    CASE_BEGIN("a rotation: the header carries a new set, the commitment moves");
    th_rand_bytes(&vals[0][0], sizeof(vals));
    bridge_abi_validator_commitment(new_set, (const uint8_t(*)[20])vals, 3);
    b.len = 0;
    be_submit_data(&E, &b, E.cur_set, new_set, head, hash, root);
    json_t *r = be_send_ok(&E, E.lc, b.data, b.len, &gas, "rotation");
    CHECK(r && be_find_log(r, E.lc, bridge_abi_topic_validator_set_rotated) != NULL);
    json_decref(r);
    printf("gas: submitHeader (with a rotation): %" PRIu64 "\n", gas);
    uint8_t old_set[32], w[32], sel[4];
    memcpy(old_set, E.cur_set, 32);
    memcpy(E.cur_set, new_set, 32);
    be_selector(sel, "validatorSetCommitment()");
    CHECK(be_view_word(&E, w, E.lc, sel, 4));
    CHECK_MEM(w, new_set, 32);
    CHECK_EQ_INT(be_view_u64(&E, E.lc, "lastRotationNumber()", false, 0), head);
    CASE_END();

    /* Two more blocks above the rotation. */
    be_msg x;
    uint8_t p[32];
    amount_payload(p, 1);
    CHECK(be_send_message(&E, &x, E.counter, p, 32, NULL));
    CHECK(be_block(&E, hash, root, x.block));

    CASE_BEGIN("a proof against the old set after the rotation: InvalidProof");
    b.len = 0;
    be_submit_data(&E, &b, old_set, old_set, x.block, hash, root);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "InvalidProof()");
    CASE_END();

    CASE_BEGIN("a header at or below the last rotation: NotAboveLastRotation");
    uint8_t h2[32], r2[32];
    CHECK(be_block(&E, h2, r2, head - 1));
    b.len = 0;
    be_submit_data(&E, &b, E.cur_set, E.cur_set, head - 1, h2, r2);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "NotAboveLastRotation(uint64,uint64)");
    CASE_END();

    CASE_BEGIN("the new set's header is accepted; resubmitting it is a no-op");
    CHECK(be_submit_block(&E, x.block, NULL));
    b.len = 0;
    be_submit_data(&E, &b, E.cur_set, E.cur_set, x.block, hash, root);
    r = be_send_ok(&E, E.lc, b.data, b.len, NULL, "resubmit");
    CHECK(r && be_find_log(r, E.lc, bridge_abi_topic_header_submitted) == NULL);
    json_decref(r);
    CHECK_EQ_INT(be_view_u64(&E, E.lc, "frozen()", false, 0), 0);
    deliver_ok(&x, NULL, "deliver under the new set");
    CASE_END();

    be_msg y;
    CHECK(be_send_message(&E, &y, E.counter, p, 32, NULL));

    CASE_BEGIN("a conflicting proven header: evidence recorded, the client frozen");
    uint8_t fake[32];
    memcpy(fake, hash, 32);
    fake[0] ^= 0xff;
    b.len = 0;
    be_submit_data(&E, &b, E.cur_set, E.cur_set, x.block, fake, root);
    r = be_send_ok(&E, E.lc, b.data, b.len, NULL, "conflicting header");
    CHECK(r && be_find_log(r, E.lc, bridge_abi_topic_equivocation_detected) != NULL);
    json_decref(r);
    CHECK_EQ_INT(be_view_u64(&E, E.lc, "frozen()", false, 0), 1);
    /* equivocation(): number, storedHash, storedRoot, conflictingHash, ... */
    uint8_t *out = NULL, rsel[4];
    size_t n = 0;
    be_selector(sel, "equivocation()");
    CHECK_EQ_INT(be_call(&E, &out, &n, rsel, E.lc, sel, 4), ZK_OK);
    CHECK(out && n == 7 * 32 && be64_load(out + 24) == x.block && memcmp(out + 32, hash, 32) == 0 &&
          memcmp(out + 96, fake, 32) == 0);
    free(out);
    b.len = 0;
    abi_raw(&b, bridge_abi_sel_header_hash, 4);
    abi_u64(&b, x.block);
    CHECK(be_view_word(&E, w, E.lc, b.data, b.len));
    CHECK_MEM(w, hash, 32); /* never overwritten */
    CASE_END();

    CASE_BEGIN("once frozen: submitHeader, deliver and retry revert with Frozen");
    b.len = 0;
    CHECK(be_block(&E, hash, root, y.block));
    be_submit_data(&E, &b, E.cur_set, E.cur_set, y.block, hash, root);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "Frozen()");
    b.len = 0;
    be_deliver_data(&E, &b, &y, NULL);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "Frozen()");
    b.len = 0;
    be_retry_data(&b, &y);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "Frozen()");
    CASE_END();
    buf_clear(&b);
}

static void run_all(void)
{
    if (rpc_global_init() != ZK_OK) {
        fprintf(stderr, "rpc_global_init failed\n");
        exit(1);
    }
    RUN(test_setup);
    RUN(test_send);
    RUN(test_deliver);
    RUN(test_batch);
    RUN(test_receivers);
    RUN(test_light_client);
    bridge_env_stop(&E);
    rpc_global_cleanup();
}

TEST_MAIN(run_all())
