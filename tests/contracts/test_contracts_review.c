/* Security review of the bridge contracts (issue 6), on anvil with real Groth16 proofs of
 * the stand-in circuits (tests/contracts/bridge_env.h: each proof is valid for its own
 * signals only).
 *
 * Finding: ZkLightClient.submitHeader refuses every height at or below lastRotationNumber
 * (the current set did not seal them), and submitHeader is permissionless. Whoever submits
 * a rotation header first therefore stranded, for good, every message in the blocks between
 * the previous rotation and that header whose own header was not stored yet: deliver then
 * reverts HeaderNotStored forever. The fix is ZkLightClient.importAncestors: the ancestors
 * of a stored header are stored from their RLP by the source chain's hash chain alone (no
 * proof, no set), so the stranded block's receiptsRoot becomes available and the message is
 * delivered. A linked ancestor that conflicts with a stored header freezes the client like
 * any equivocation. */
#include "bridge_env.h"

#include "lightclient/header.h"

static bridge_env E;
static be_msg M, X;
static uint64_t R; /* the rotation header's height */

static bool ready(void)
{
    CHECK_MSG(E.ready, "the bridge is not deployed");
    return E.ready;
}

/* Out: rlp (appended) = the RLP of source block `number`, whose keccak256 is its hash. */
static bool block_rlp(zk_buf *rlp, uint64_t number)
{
    json_t *b = NULL;
    zk_errbuf err = {{0}, 0};
    eth_header h;
    header_init(&h);
    uint8_t want[32], got[32];
    size_t start = rlp->len;
    bool ok = rpc_eth_get_block_by_number(E.c, &b, rpc_block_at(number), false, &err) == ZK_OK &&
              json_get_data_fixed(want, 32, b, "hash", NULL) == ZK_OK &&
              header_from_json(&h, b, &err) == ZK_OK && header_encode_rlp(rlp, &h) == ZK_OK;
    if (ok) keccak256(got, rlp->data + start, rlp->len - start);
    ok = ok && memcmp(got, want, 32) == 0;
    CHECK_MSG(ok, "block %llu: RLP does not hash to the block hash (%s)",
              (unsigned long long)number, err.msg);
    header_clear(&h);
    json_decref(b);
    return ok;
}

/* importAncestors(number, chain) calldata, chain = the RLPs of blocks from[0..n) in order
 * (from[i] is a block number; a negative flip index changes no byte, else byte flip of
 * element flip_elem is xored with 1). */
static void import_data(zk_buf *b, uint64_t number, const uint64_t *from, size_t n,
                        size_t flip_elem, size_t flip_at)
{
    zk_buf rlp[16];
    uint8_t sel[4];
    CHECK(n <= 16);
    if (n > 16) return;
    for (size_t i = 0; i < n; i++) {
        buf_init(&rlp[i], 0);
        block_rlp(&rlp[i], from[i]);
        if (i == flip_elem && flip_at < rlp[i].len) rlp[i].data[flip_at] ^= 1;
    }
    be_selector(sel, "importAncestors(uint64,bytes[])");
    abi_raw(b, sel, 4);
    abi_u64(b, number);
    abi_u64(b, 64); /* offset of the array */
    abi_u64(b, n);
    size_t off = 32 * n; /* element offsets are relative to the first offset word */
    for (size_t i = 0; i < n; i++) {
        abi_u64(b, off);
        off += 32 + (rlp[i].len + 31) / 32 * 32;
    }
    for (size_t i = 0; i < n; i++) {
        abi_bytes_tail(b, rlp[i].data, rlp[i].len);
        buf_clear(&rlp[i]);
    }
}

static void deliver_data(zk_buf *b, const be_msg *m)
{
    be_deliver_data(&E, b, m, NULL);
}

static uint64_t counter_messages(void)
{
    return be_view_u64(&E, E.counter, "messages()", false, 0);
}

TEST(test_setup)
{
    CASE_BEGIN("review: stand-in circuits, verifiers, anvil, bridge deployed");
    bridge_env_start(&E);
    CHECK(E.ready);
    CASE_END();
}

TEST(test_rotation_front_run)
{
    if (!ready()) return;
    uint8_t p[32], hash[32], root[32], new_set[32], vals[3][20];
    zk_buf b;
    buf_init(&b, 0);
    memset(p, 0, 32);
    p[31] = 7;

    CASE_BEGIN("a message M in block B, then block R > B carries a rotation");
    CHECK(be_send_message(&E, &M, E.counter, p, 32, NULL));
    CHECK(be_send_message(&E, &X, E.counter, p, 32, NULL)); /* a block between */
    CHECK(be_send_message(&E, &X, E.counter, p, 32, NULL));
    R = X.block;
    CHECK(R >= M.block + 2);
    CASE_END();

    CASE_BEGIN("anyone (account 1) submits the rotation header R first");
    th_rand_bytes(&vals[0][0], sizeof(vals));
    bridge_abi_validator_commitment(new_set, (const uint8_t(*)[20])vals, 3);
    CHECK(be_block(&E, hash, root, R));
    be_submit_data(&E, &b, E.cur_set, new_set, R, hash, root);
    json_t *r = be_send(&E, E.other, E.lc, b.data, b.len);
    CHECK_EQ_INT(be_receipt_u64(r, "status"), 1);
    json_decref(r);
    uint8_t old_set[32];
    memcpy(old_set, E.cur_set, 32);
    memcpy(E.cur_set, new_set, 32);
    CHECK_EQ_INT(be_view_u64(&E, E.lc, "lastRotationNumber()", false, 0), R);
    CASE_END();

    CASE_BEGIN("M's header can no longer be submitted (old or new set): NotAboveLastRotation");
    CHECK(be_block(&E, hash, root, M.block));
    b.len = 0;
    be_submit_data(&E, &b, old_set, old_set, M.block, hash, root);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "NotAboveLastRotation(uint64,uint64)");
    b.len = 0;
    be_submit_data(&E, &b, E.cur_set, E.cur_set, M.block, hash, root);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "NotAboveLastRotation(uint64,uint64)");
    b.len = 0;
    deliver_data(&b, &M);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "HeaderNotStored(uint64)");
    CASE_END();

    uint64_t chain[16];
    size_t n = 0;
    for (uint64_t k = R; k + 1 > M.block && n < 16; k--)
        chain[n++] = k;

    CASE_BEGIN("importAncestors refuses: a flipped byte, a gap, a wrong start, too short");
    b.len = 0;
    import_data(&b, R, chain, n, n - 1, 200); /* a byte of M's block's RLP */
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "BadAncestor(uint64)");
    b.len = 0;
    import_data(&b, R, chain, n, 0, 5); /* a byte of the proven header's RLP */
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "BadAncestor(uint64)");
    uint64_t gap[2] = {R, R - 2};
    b.len = 0;
    import_data(&b, R, gap, 2, SIZE_MAX, 0);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "BadAncestor(uint64)");
    uint64_t wrong[2] = {R - 1, R - 2}; /* chain[0] is not header R */
    b.len = 0;
    import_data(&b, R, wrong, 2, SIZE_MAX, 0);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "BadAncestor(uint64)");
    b.len = 0;
    import_data(&b, R, chain, 1, SIZE_MAX, 0);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "BadAncestor(uint64)");
    CASE_END();

    CASE_BEGIN("importAncestors refuses: a start not stored, a chain reaching the checkpoint");
    b.len = 0;
    import_data(&b, R - 1, chain + 1, 2, SIZE_MAX, 0);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "HeaderNotStored(uint64)");
    uint64_t deep[16];
    size_t nd = 0;
    for (uint64_t k = R; k + 1 > E.checkpoint && nd < 16; k--)
        deep[nd++] = k;
    CHECK(deep[nd - 1] == E.checkpoint);
    b.len = 0;
    import_data(&b, R, deep, nd, SIZE_MAX, 0);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "BadAncestor(uint64)");
    CASE_END();

    CASE_BEGIN("importAncestors R..B by the hash chain: M's block stored, M delivered once");
    b.len = 0;
    import_data(&b, R, chain, n, SIZE_MAX, 0);
    uint64_t gas = 0;
    r = be_send_ok(&E, E.lc, b.data, b.len, &gas, "importAncestors");
    uint8_t topic[32];
    static const char ev[] = "AncestorImported(uint64,bytes32,bytes32,uint64)";
    keccak256(topic, (const uint8_t *)ev, strlen(ev));
    CHECK(r && be_find_log(r, E.lc, topic) != NULL);
    json_decref(r);
    printf("gas: importAncestors, %zu ancestors: %" PRIu64 "\n", n - 1, gas);
    uint8_t w[32];
    b.len = 0;
    abi_raw(&b, bridge_abi_sel_receipts_root, 4);
    abi_u64(&b, M.block);
    CHECK(be_view_word(&E, w, E.lc, b.data, b.len));
    CHECK(be_block(&E, hash, root, M.block));
    CHECK_MEM(w, root, 32);
    uint64_t before = counter_messages();
    b.len = 0;
    deliver_data(&b, &M);
    r = be_send_ok(&E, E.inbox, b.data, b.len, NULL, "deliver M");
    json_decref(r);
    CHECK_EQ_INT(be_view_u64(&E, E.inbox, "status(uint64)", true, M.nonce), 1);
    CHECK_EQ_INT(counter_messages(), before + 1);
    b.len = 0;
    deliver_data(&b, &M);
    be_expect_revert(&E, NULL, E.inbox, b.data, b.len, "AlreadyProcessed(uint64)");
    CASE_END();

    CASE_BEGIN("importing the same ancestors again is a no-op");
    b.len = 0;
    import_data(&b, R, chain, 3, SIZE_MAX, 0);
    r = be_send_ok(&E, E.lc, b.data, b.len, NULL, "importAncestors again");
    CHECK(r && be_find_log(r, E.lc, topic) == NULL);
    json_decref(r);
    CHECK_EQ_INT(be_view_u64(&E, E.lc, "frozen()", false, 0), 0);
    CASE_END();
    buf_clear(&b);
}

TEST(test_ancestor_equivocation)
{
    if (!ready()) return;
    uint8_t p[32], hash[32], root[32], fake[32];
    zk_buf b;
    buf_init(&b, 0);
    memset(p, 0, 32);
    p[31] = 1;
    be_msg a, c;
    CASE_BEGIN("a proven header conflicting with a linked ancestor: evidence, frozen");
    CHECK(be_send_message(&E, &a, E.counter, p, 32, NULL));
    CHECK(be_send_message(&E, &c, E.counter, p, 32, NULL));
    CHECK(c.block == a.block + 1 && a.block > R);
    /* The set "finalizes" a different header at a's height (the stand-in proves it). */
    CHECK(be_block(&E, hash, root, a.block));
    memcpy(fake, hash, 32);
    fake[31] ^= 1;
    be_submit_data(&E, &b, E.cur_set, E.cur_set, a.block, fake, root);
    json_t *r = be_send_ok(&E, E.lc, b.data, b.len, NULL, "fake header");
    json_decref(r);
    CHECK(be_submit_block(&E, c.block, NULL));
    uint64_t chain[2] = {c.block, a.block};
    b.len = 0;
    import_data(&b, c.block, chain, 2, SIZE_MAX, 0);
    r = be_send_ok(&E, E.lc, b.data, b.len, NULL, "importAncestors (conflict)");
    CHECK(r && be_find_log(r, E.lc, bridge_abi_topic_equivocation_detected) != NULL);
    json_decref(r);
    CHECK_EQ_INT(be_view_u64(&E, E.lc, "frozen()", false, 0), 1);
    uint8_t w[32];
    b.len = 0;
    abi_raw(&b, bridge_abi_sel_header_hash, 4);
    abi_u64(&b, a.block);
    CHECK(be_view_word(&E, w, E.lc, b.data, b.len));
    CHECK_MEM(w, fake, 32); /* the stored header is never overwritten */
    CASE_END();

    CASE_BEGIN("once frozen: importAncestors and deliver revert Frozen");
    b.len = 0;
    import_data(&b, c.block, chain, 2, SIZE_MAX, 0);
    be_expect_revert(&E, NULL, E.lc, b.data, b.len, "Frozen()");
    b.len = 0;
    deliver_data(&b, &c);
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
    RUN(test_rotation_front_run);
    RUN(test_ancestor_equivocation);
    bridge_env_stop(&E);
    rpc_global_cleanup();
}

TEST_MAIN(run_all())
