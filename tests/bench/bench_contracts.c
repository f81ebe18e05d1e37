/* Gas of the bridge contracts on anvil ("gas: ..." lines): deployments, Outbox.send,
 * ZkLightClient.submitHeader, Inbox.deliver of one message (the first into a fresh
 * 256-nonce slot, then a steady-state one) and deliverBatch of 2, 4 and 8 messages (per
 * message). Receiver: CrossChainCounter. Proofs are real Groth16 proofs of the stand-in
 * circuits of tests/contracts/bridge_env.h; the verifier's cost depends only on the number
 * of public signals (6 and 1), which the real statements share, so these figures hold for
 * them. Anvil is tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil unless
 * $ZK_ANVIL says otherwise. */
#include "harness.c"

#include "contracts/bridge_env.h"

static void bench(void)
{
    bridge_env e;
    if (!bridge_env_start(&e)) {
        bridge_env_stop(&e);
        return;
    }
    uint8_t p[32] = {0};
    p[31] = 1;
    be_msg m[16];
    uint64_t gas = 0;
    /* 2 single deliveries, then batches of 2, 4 and 8. */
    for (int i = 0; i < 16; i++) {
        if (!be_send_message(&e, &m[i], e.counter, p, 32, i == 0 ? &gas : NULL)) goto out;
        if (i == 0) printf("gas: Outbox.send (32-byte payload): %" PRIu64 "\n", gas);
        if (!be_submit_block(&e, m[i].block, i == 0 ? &gas : NULL)) goto out;
        if (i == 0)
            printf("gas: ZkLightClient.submitHeader (6 signals, no rotation): %" PRIu64 "\n", gas);
    }
    for (int i = 0; i < 2; i++) {
        zk_buf b;
        buf_init(&b, 0);
        be_deliver_data(&e, &b, &m[i], NULL);
        json_decref(be_send_ok(&e, e.inbox, b.data, b.len, &gas, "deliver"));
        buf_clear(&b);
        printf("gas: Inbox.deliver (1 message, %s): %" PRIu64 "\n",
               i == 0 ? "fresh nonce slot, counter 0 -> 1" : "steady state", gas);
    }
    static const size_t sizes[3] = {2, 4, 8};
    size_t at = 2;
    for (int k = 0; k < 3; k++) {
        zk_buf b;
        buf_init(&b, 0);
        be_deliver_batch_data(&e, &b, &m[at], sizes[k]);
        json_decref(be_send_ok(&e, e.inbox, b.data, b.len, &gas, "deliverBatch"));
        buf_clear(&b);
        printf("gas: Inbox.deliverBatch (%zu messages): %" PRIu64 " total, %" PRIu64
               " per message\n",
               sizes[k], gas, gas / sizes[k]);
        at += sizes[k];
    }
out:
    bridge_env_stop(&e);
}

int main(void)
{
    setenv("ZK_ANVIL", "tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil", 0);
    if (rpc_global_init() != ZK_OK) return 1;
    printf("# bench_contracts: bridge contracts on anvil (solc-js, optimizer 200 runs, paris)\n");
    th_run(bench, "bench_contracts");
    rpc_global_cleanup();
    th_tmp_cleanup();
    return th.failed ? 1 : 0;
}
