/* The committed contract artifacts and the relayer's constants:
 *  - `node tools/build-contracts.js --check` passes on the tree (contracts-abi/build is
 *    what a fresh solc-js compile of contracts-abi/src gives), and fails naming the file
 *    when an artifact is stale, missing or has no source (on a scratch copy);
 *  - every selector, event topic and custom error in relayer/bridge_abi.c equals keccak256
 *    of the canonical signature built from the committed ABI, and the ABI's errors are all
 *    in bridge_abi_errors (so the relayer can name every revert). */
#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lightclient/keccak.h"
#include "relayer/bridge_abi.h"

#define BUILD_DIR "contracts-abi/build/"

static int run_node(const char *const *argv, char **err_text)
{
    char ep[1024];
    snprintf(ep, sizeof(ep), "%s", th_tmp_path("node.stderr"));
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        int e = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (nul < 0 || e < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(e, 2) < 0) _exit(126);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0, status = -1;
    if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st)) status = WEXITSTATUS(st);
    *err_text = th_read_text(ep);
    if (!*err_text) *err_text = calloc(1, 1);
    return status;
}

TEST(test_check_artifacts)
{
    CASE_BEGIN("build-contracts.js --check: the committed artifacts are current");
    const char *argv[] = {"node", "tools/build-contracts.js", "--check", NULL};
    char *err = NULL;
    int st = run_node(argv, &err);
    CHECK_MSG(st == 0, "exit %d: %.3000s", st, err);
    free(err);
    CASE_END();

    CASE_BEGIN("--check names a stale artifact, a missing one and one without a source");
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s", th_tmp_path("build"));
    CHECK(mkdir(dir, 0700) == 0);
    static const char *const names[] = {
        "CrossChainCounter", "GasBurner",         "IMessageReceiver", "Inbox", "Outbox",
        "ReentrantReceiver", "RevertingReceiver", "ZkLightClient"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char src[256], dst[1100];
        snprintf(src, sizeof(src), BUILD_DIR "%s.json", names[i]);
        snprintf(dst, sizeof(dst), "%s/%s.json", dir, names[i]);
        char *text = th_read_text(src);
        CHECK_MSG(text != NULL, "cannot read %s", src);
        if (!text) continue;
        size_t len = strlen(text);
        if (strcmp(names[i], "Outbox") == 0) {
            /* One hex digit of the deployed code changed. */
            char *p = strstr(text, "\"deployedBytecode\": \"0x");
            CHECK(p != NULL);
            if (p) p[30] = p[30] == 'a' ? 'b' : 'a';
        }
        if (strcmp(names[i], "GasBurner") != 0) CHECK(th_write_file(dst, text, len));
        free(text);
    }
    char extra[1100];
    snprintf(extra, sizeof(extra), "%s/Removed.json", dir);
    CHECK(th_write_file(extra, "{}\n", 3));
    const char *argv2[] = {"node", "tools/build-contracts.js", "--check", "--out", dir, NULL};
    st = run_node(argv2, &err);
    CHECK_EQ_INT(st, 1);
    CHECK_MSG(strstr(err, "Outbox.json: stale") != NULL, "stderr: %s", err);
    CHECK_MSG(strstr(err, "GasBurner.json: missing") != NULL, "stderr: %s", err);
    CHECK_MSG(strstr(err, "Removed.json: no source") != NULL, "stderr: %s", err);
    CHECK_MSG(strstr(err, "Inbox.json") == NULL, "stderr: %s", err);
    free(err);
    CASE_END();
}

/* Appends the canonical ABI type of input `in` (tuples expanded) to out (cap 1024). */
static void canonical_type(char *out, size_t cap, const json_t *in)
{
    const char *type = json_string_value(json_object_get(in, "type"));
    if (!type) return;
    size_t l = strlen(out);
    if (strncmp(type, "tuple", 5) == 0) {
        snprintf(out + l, cap - l, "(");
        const json_t *comps = json_object_get(in, "components");
        for (size_t i = 0; i < json_array_size(comps); i++) {
            if (i) {
                l = strlen(out);
                snprintf(out + l, cap - l, ",");
            }
            canonical_type(out, cap, json_array_get(comps, i));
        }
        l = strlen(out);
        snprintf(out + l, cap - l, ")%s", type + 5);
    } else {
        snprintf(out + l, cap - l, "%s", type);
    }
}

/* The canonical signature name(type,...) of an ABI entry. */
static void signature(char out[1024], const json_t *entry)
{
    snprintf(out, 1024, "%s(", json_string_value(json_object_get(entry, "name")));
    const json_t *ins = json_object_get(entry, "inputs");
    for (size_t i = 0; i < json_array_size(ins); i++) {
        if (i) strncat(out, ",", 1024 - strlen(out) - 1);
        canonical_type(out, 1024, json_array_get(ins, i));
    }
    strncat(out, ")", 1024 - strlen(out) - 1);
}

/* Finds the ABI entry of kind `type` and canonical signature sig in artifact a, checks it
 * exists and that keccak256(sig) starts with id[0..n). */
static void check_id(json_t *a, const char *type, const char *sig, const uint8_t *id, size_t n)
{
    CASE_BEGIN("%s %s", type, sig);
    json_t *abi = json_object_get(a, "abi");
    bool found = false;
    for (size_t i = 0; i < json_array_size(abi); i++) {
        json_t *e = json_array_get(abi, i);
        if (strcmp(json_string_value(json_object_get(e, "type")), type) != 0) continue;
        char s[1024];
        signature(s, e);
        if (strcmp(s, sig) != 0) continue;
        found = true;
        uint8_t h[32];
        keccak256(h, (const uint8_t *)s, strlen(s));
        CHECK_MSG(memcmp(h, id, n) == 0, "%s: the relayer's constant differs from the ABI", s);
        if (strcmp(type, "function") == 0) {
            /* solc's own methodIdentifiers agree. */
            const char *mid =
                json_string_value(json_object_get(json_object_get(a, "methodIdentifiers"), s));
            char hex[9];
            snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", id[0], id[1], id[2], id[3]);
            CHECK_MSG(mid && strcmp(mid, hex) == 0, "%s: solc says %s", s, mid ? mid : "(none)");
        }
    }
    CHECK_MSG(found, "no %s %s in the ABI", type, sig);
    CASE_END();
}

TEST(test_relayer_constants)
{
    json_error_t jerr;
    json_t *ob = json_load_file(BUILD_DIR "Outbox.json", 0, &jerr);
    json_t *lc = json_load_file(BUILD_DIR "ZkLightClient.json", 0, &jerr);
    json_t *ib = json_load_file(BUILD_DIR "Inbox.json", 0, &jerr);
    CHECK_MSG(ob && lc && ib, "cannot load the artifacts: %s", jerr.text);
    if (!ob || !lc || !ib) goto out;

    check_id(ob, "event", "MessageSent(bytes32,uint64,address,uint64,address,bytes)",
             bridge_abi_topic_message_sent, 32);
    check_id(lc, "event", "HeaderSubmitted(uint64,bytes32,bytes32,uint256)",
             bridge_abi_topic_header_submitted, 32);
    check_id(lc, "event", "ValidatorSetRotated(uint64,uint256,uint256)",
             bridge_abi_topic_validator_set_rotated, 32);
    check_id(lc, "event", "EquivocationDetected(uint64,bytes32,bytes32,address)",
             bridge_abi_topic_equivocation_detected, 32);
    check_id(ib, "event", "MessageDelivered(bytes32,uint64,address)",
             bridge_abi_topic_message_delivered, 32);
    check_id(ib, "event", "MessageFailed(bytes32,uint64,address,bytes)",
             bridge_abi_topic_message_failed, 32);
    check_id(ib, "event", "MessageRetried(bytes32,uint64,address,address)",
             bridge_abi_topic_message_retried, 32);
    check_id(ob, "function", "send(uint64,address,bytes)", bridge_abi_sel_send, 4);
    check_id(lc, "function",
             "submitHeader(uint256[2],uint256[2][2],uint256[2],uint256,uint64,bytes32,bytes32)",
             bridge_abi_sel_submit_header, 4);
    check_id(lc, "function", "receiptsRoot(uint64)", bridge_abi_sel_receipts_root, 4);
    check_id(lc, "function", "headerHash(uint64)", bridge_abi_sel_header_hash, 4);
    check_id(lc, "function", "validatorSetCommitment()", bridge_abi_sel_validator_set_commitment,
             4);
    check_id(lc, "function", "frozen()", bridge_abi_sel_frozen, 4);
    check_id(ib, "function",
             "deliver(uint256[2],uint256[2][2],uint256[2],uint64,uint64,address,address,bytes)",
             bridge_abi_sel_deliver, 4);
    check_id(ib, "function",
             "deliverBatch((uint256[2],uint256[2][2],uint256[2],uint64,uint64,address,address,"
             "bytes)[])",
             bridge_abi_sel_deliver_batch, 4);
    check_id(ib, "function", "retry(uint64,address,address,bytes)", bridge_abi_sel_retry, 4);
    check_id(ib, "function", "status(uint64)", bridge_abi_sel_status, 4);
    check_id(ib, "function", "processed(uint64)", bridge_abi_sel_processed, 4);

    /* Errors: each ABI error is in the table with its selector, and each table entry is an
     * error of one of the three contracts. */
    json_t *arts[3] = {ob, lc, ib};
    size_t matched = 0;
    bool seen[64] = {false};
    CHECK(bridge_abi_n_errors <= 64);
    for (int k = 0; k < 3; k++) {
        json_t *abi = json_object_get(arts[k], "abi");
        for (size_t i = 0; i < json_array_size(abi); i++) {
            json_t *e = json_array_get(abi, i);
            if (strcmp(json_string_value(json_object_get(e, "type")), "error") != 0) continue;
            char s[1024];
            signature(s, e);
            CASE_BEGIN("error %s is in bridge_abi_errors with its selector", s);
            uint8_t h[32];
            keccak256(h, (const uint8_t *)s, strlen(s));
            const bridge_abi_error *f = bridge_abi_error_find(h, 4);
            CHECK_MSG(f && strcmp(f->signature, s) == 0, "%s missing", s);
            if (f && !seen[f - bridge_abi_errors] && bridge_abi_n_errors <= 64) {
                seen[f - bridge_abi_errors] = true;
                matched++;
            }
            CASE_END();
        }
    }
    CASE_BEGIN("every bridge_abi_errors entry is an error of the contracts");
    CHECK_EQ_INT(matched, bridge_abi_n_errors);
    CASE_END();

    CASE_BEGIN("bridge_abi_error_find: short data and Error(string) are not bridge errors");
    static const uint8_t error_string[4] = {0x08, 0xc3, 0x79, 0xa0};
    CHECK(bridge_abi_error_find(error_string, 4) == NULL);
    CHECK(bridge_abi_error_find(bridge_abi_errors[0].selector, 3) == NULL);
    CHECK(bridge_abi_error_find(NULL, 0) == NULL);
    CASE_END();
out:
    json_decref(ob);
    json_decref(lc);
    json_decref(ib);
}

TEST(test_shared_hashes)
{
    CASE_BEGIN("finality signals split number, hash and root as the contract does");
    uint8_t cur[32], nxt[32], hash[32], root[32], pub[6][32];
    for (int i = 0; i < 32; i++) {
        cur[i] = (uint8_t)i;
        nxt[i] = (uint8_t)(100 + i);
        hash[i] = (uint8_t)(0xa0 + i);
        root[i] = (uint8_t)(0x40 + i);
    }
    bridge_abi_finality_signals(pub, cur, nxt, 0x0102030405060708ULL, hash, root);
    CHECK_MEM(pub[0], cur, 32);
    CHECK_MEM(pub[1], nxt, 32);
    static const uint8_t z[16] = {0};
    static const uint8_t num[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK_MEM(pub[2], z, 8);
    CHECK_MEM(pub[2] + 8, num, 8);
    CHECK_MEM(pub[2] + 16, hash, 16);
    CHECK_MEM(pub[3], z, 16);
    CHECK_MEM(pub[3] + 16, hash + 16, 16);
    CHECK_MEM(pub[4] + 16, root, 16);
    CHECK_MEM(pub[5] + 16, root + 16, 16);
    CHECK_MEM(pub[4], z, 16);
    CASE_END();

    CASE_BEGIN("validator commitment: keccak256 of the 20-byte addresses, shifted right 8");
    uint8_t v[2][20], c[32], h[32], cat[40];
    memset(v[0], 0x11, 20);
    memset(v[1], 0x22, 20);
    memcpy(cat, v[0], 20);
    memcpy(cat + 20, v[1], 20);
    keccak256(h, cat, 40);
    bridge_abi_validator_commitment(c, (const uint8_t(*)[20])v, 2);
    CHECK_EQ_INT(c[0], 0);
    CHECK_MEM(c + 1, h, 31);
    uint8_t c2[32];
    memcpy(v[1], v[0], 20);
    memset(v[0], 0x22, 20);
    bridge_abi_validator_commitment(c2, (const uint8_t(*)[20])v, 2);
    CHECK(memcmp(c, c2, 32) != 0); /* order matters */
    CASE_END();
}

TEST_MAIN(RUN(test_check_artifacts); RUN(test_relayer_constants); RUN(test_shared_hashes))
