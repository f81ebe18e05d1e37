/* `zkrelay circuit info|export-r1cs|witness` and `zkrelay prove` (relayer/cli_circuit.c):
 * sizes as JSON, a circom .r1cs + .wtns that snarkjs checks independently (`snarkjs wtns
 * check`), a development key made from the exported file, proofs that both zkrelay and
 * snarkjs verify, and `zkrelay prove inclusion --rpc` on a real anvil receipt: a message
 * sent through the deployed Outbox (tests/contracts/bridge_env.h), whose public signal is
 * recomputed here from the block's receiptsRoot. Usage and rejection exit codes too. */
#include "harness.h"

#include "contracts/bridge_env.h"
#include "prover/stmt_inclusion.h"
#include "relayer/cli.h"

#define SNARKJS "tools/node_modules/.bin/snarkjs"
/* Small inclusion parameters: a one-node trie (anvil seals one transaction per block) and a
 * receipt of one MessageSent with a short payload. */
#define INC_PARAMS "--depth", "1", "--max-receipt", "1024", "--max-logs", "2"

static bridge_env env;

static int zk(const char *const *args, size_t n, char **out)
{
    th_proc p = th_run_zkrelay(args, n, NULL);
    int st = p.status;
    if (st != 0)
        printf("    zkrelay %s %s: exit %d: %s\n", args[0], n > 1 ? args[1] : "", st, p.err);
    if (out) {
        *out = p.out;
        p.out = NULL;
    }
    th_proc_free(&p);
    return st;
}

TEST(test_info_and_usage)
{
    CASE_BEGIN("circuit info inclusion --json: sizes of the statement");
    char *out = NULL;
    const char *a[] = {"circuit", "info", "inclusion", INC_PARAMS, "--json"};
    CHECK_EQ_INT(zk(a, sizeof a / sizeof *a, &out), 0);
    json_t *o = out ? json_loads(out, 0, NULL) : NULL;
    CHECK(o != NULL);
    CHECK_EQ_INT(json_integer_value(json_object_get(o, "publicSignals")), 1);
    CHECK(json_integer_value(json_object_get(o, "constraints")) > 100000);
    CHECK_EQ_INT(json_integer_value(json_object_get(o, "depth")), 1);
    json_decref(o);
    free(out);
    CASE_END();

    CASE_BEGIN("usage errors exit 2");
    const char *b1[] = {"circuit", "info", "sideways"};
    CHECK_EQ_INT(zk(b1, 3, NULL), CLI_USAGE);
    const char *b2[] = {"circuit", "info", "finality", "--validators", "0"};
    CHECK_EQ_INT(zk(b2, 5, NULL), CLI_USAGE);
    const char *b3[] = {"circuit", "info", "inclusion", "--depth", "99"};
    CHECK_EQ_INT(zk(b3, 5, NULL), CLI_USAGE);
    const char *b4[] = {"prove", "inclusion", "--outbox", "0x00"};
    CHECK_EQ_INT(zk(b4, 4, NULL), CLI_USAGE);
    const char *b5[] = {"prove", "finality", "--zkey", "k", "--proof", "p", "--public", "q"};
    CHECK_EQ_INT(zk(b5, 8, NULL), CLI_USAGE);
    CASE_END();
}

static char r1cs_path[512], wtns_path[512], zkey_path[512], vk_path[512];

TEST(test_export_setup_prove)
{
    snprintf(r1cs_path, sizeof r1cs_path, "%s", th_tmp_path("inc.r1cs"));
    snprintf(wtns_path, sizeof wtns_path, "%s", th_tmp_path("inc.wtns"));
    snprintf(zkey_path, sizeof zkey_path, "%s", th_tmp_path("inc.zkey"));
    snprintf(vk_path, sizeof vk_path, "%s", th_tmp_path("inc.vk.json"));
    CASE_BEGIN("export-r1cs + --wtns: snarkjs wtns check accepts the pair");
    const char *a[] = {"circuit", "export-r1cs", "inclusion", INC_PARAMS,
                       r1cs_path, "--wtns",      wtns_path};
    CHECK_EQ_INT(zk(a, sizeof a / sizeof *a, NULL), 0);
    const char *sj[] = {"node", SNARKJS, "wtns", "check", r1cs_path, wtns_path, NULL};
    char *out = NULL, *err = NULL;
    int st = be_run(sj, &out, &err);
    CHECK_MSG(st == 0 && out && strstr(out, "WITNESS IS CORRECT"), "snarkjs wtns check: %d %s %s",
              st, out ? out : "", err ? err : "");
    free(out);
    free(err);
    CASE_END();

    CASE_BEGIN("groth16 setup --dev on the export; prove; zkrelay and snarkjs verify");
    const char *s[] = {"groth16", "setup", "--dev", r1cs_path, zkey_path, "--vk", vk_path};
    CHECK_EQ_INT(zk(s, 7, NULL), 0);
    char proof[512], pub[512];
    snprintf(proof, sizeof proof, "%s", th_tmp_path("proof.json"));
    snprintf(pub, sizeof pub, "%s", th_tmp_path("public.json"));
    const char *p[] = {"groth16", "prove", zkey_path, wtns_path, proof, pub};
    CHECK_EQ_INT(zk(p, 6, NULL), 0);
    const char *v[] = {"groth16", "verify", vk_path, pub, proof};
    CHECK_EQ_INT(zk(v, 5, NULL), 0);
    const char *sv[] = {"node", SNARKJS, "groth16", "verify", vk_path, pub, proof, NULL};
    out = err = NULL;
    st = be_run(sv, &out, &err);
    CHECK_MSG(st == 0 && out && strstr(out, "OK"), "snarkjs groth16 verify: %d %s", st,
              out ? out : "");
    free(out);
    free(err);
    CASE_END();
}

TEST(test_prove_inclusion_rpc)
{
    CASE_BEGIN("prove inclusion --rpc: a real Outbox message on anvil, signal recomputed");
    if (!bridge_env_start(&env)) {
        CHECK_MSG(false, "bridge environment did not start");
        CASE_END();
        return;
    }
    be_msg msg;
    uint8_t payload[5] = {'h', 'e', 'l', 'l', 'o'};
    if (!be_send_message(&env, &msg, env.counter, payload, sizeof payload, NULL)) {
        CASE_END();
        return;
    }
    json_t *blk = NULL;
    zk_errbuf e;
    CHECK_EQ_INT(rpc_eth_get_block_by_number(env.c, &blk, rpc_block_at(msg.block), false, &e),
                 ZK_OK);
    const char *txh = json_string_value(json_array_get(json_object_get(blk, "transactions"), 0));
    uint8_t root[32];
    CHECK_EQ_INT(json_get_data_fixed(root, 32, blk, "receiptsRoot", &e), ZK_OK);
    char outbox[43], proof[512], pub[512];
    be_addr_hex(outbox, env.outbox);
    snprintf(proof, sizeof proof, "%s", th_tmp_path("rpc_proof.json"));
    snprintf(pub, sizeof pub, "%s", th_tmp_path("rpc_public.json"));
    const char *a[] = {"prove",     "inclusion", INC_PARAMS, "--rpc",    env.node.url,
                       "--tx-hash", txh,         "--outbox", outbox,     "--zkey",
                       zkey_path,   "--proof",   proof,      "--public", pub};
    CHECK_EQ_INT(zk(a, sizeof a / sizeof *a, NULL), 0);
    const char *v[] = {"groth16", "verify", vk_path, pub, proof};
    CHECK_EQ_INT(zk(v, 5, NULL), 0);
    /* public.json holds exactly keccak(root || m || outbox) >> 8 */
    fr want;
    stmt_inc_public_signal(&want, root, msg.m, env.outbox);
    uint8_t wb[32];
    fr_to_bytes_be(wb, &want);
    char *text = th_read_text(pub);
    uint8_t *vals = NULL;
    size_t n = 0;
    CHECK(text && groth16_json_public_parse(&vals, &n, text, strlen(text), &e) == ZK_OK);
    CHECK(n == 1 && vals && !memcmp(vals, wb, 32));
    free(vals);
    free(text);

    const char *bad[] = {"prove",  "inclusion",  INC_PARAMS,
                         "--rpc",  env.node.url, "--tx-hash",
                         txh,      "--outbox",   "0x1111111111111111111111111111111111111111",
                         "--zkey", zkey_path,    "--proof",
                         proof,    "--public",   pub};
    CHECK_EQ_INT(zk(bad, sizeof bad / sizeof *bad, NULL), CLI_REJECTED);
    json_decref(blk);
    CASE_END();
}

int main(void)
{
    RUN(test_info_and_usage);
    RUN(test_export_setup_prove);
    RUN(test_prove_inclusion_rpc);
    bridge_env_stop(&env);
    return th_finish("test_cli_circuit");
}
