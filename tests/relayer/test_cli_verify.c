/* `zkrelay verify` and `zkrelay replay` (relayer/cli_verify.c), run as the built binary:
 * a good bundle verifies (exit 0, every check named ok, text and --json); one byte changed
 * gives exit 3 naming the failed check; unreadable input exit 1; usage exit 2; replay over a
 * directory and over the daemon's message database (relayer/msgstore.h). The proofs are of
 * stand-in circuits (tests/relayer/bundle_fixture.h). */
#include <sys/stat.h>

#include "harness.h"

#include "relayer/bundle_fixture.h"
#include "relayer/msgstore.h"

static bfx fx;
static char fin_vk[512], inc_vk[512];

static th_proc run_verify(const char *bundle_path, bool as_json)
{
    const char *args[] = {"verify",         bundle_path, "--finality-vk", fin_vk,
                          "--inclusion-vk", inc_vk,      "--json"};
    return th_run_zkrelay(args, as_json ? 7 : 6, NULL);
}

TEST(test_verify)
{
    bundle b;
    size_t len = 0;
    char *text = NULL;
    CASE_BEGIN("verify: a good bundle, exit 0, each check ok (text and --json)");
    uint8_t payload[5] = {'h', 'e', 'l', 'l', 'o'};
    CHECK(bfx_bundle(&fx, &b, 9, payload, 5, 4, true));
    text = bfx_text(&b, &len);
    const char *path = th_tmp_path("good.json");
    CHECK(text && th_write_file(path, text, len));
    th_proc p = run_verify(path, false);
    CHECK_MSG(p.status == 0, "exit %d: %s%s", p.status, p.out, p.err);
    CHECK(th_streq(th_out_line(p.out, "result"), "verified"));
    CHECK(th_out_line(p.out, "finality-proof") &&
          !strncmp(th_out_line(p.out, "finality-proof"), "ok", 2));
    CHECK(th_out_line(p.out, "message-log") &&
          !strncmp(th_out_line(p.out, "message-log"), "ok", 2));
    CHECK(strstr(p.out, "claim destination.txHash: 0xd7d7") != NULL);
    CHECK(th_proc_sanitizer_clean(&p));
    th_proc_free(&p);
    p = run_verify(path, true);
    json_t *o = json_loads(p.out, 0, NULL);
    CHECK(p.status == 0 && json_is_true(json_object_get(o, "verified")));
    CHECK_EQ_INT(json_array_size(json_object_get(o, "checks")), BUNDLE_N_CHECKS);
    CHECK_EQ_INT(json_integer_value(json_object_get(o, "nonce")), 9);
    json_decref(o);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("verify: a byte of the payload changed: exit 3, message-hash FAIL");
    bundle c;
    CHECK(bundle_parse(&c, text, len, NULL) == ZK_OK);
    c.msg.payload[0] ^= 1;
    size_t l2 = 0;
    char *t2 = bfx_text(&c, &l2);
    const char *bad = th_tmp_path("bad.json");
    CHECK(t2 && th_write_file(bad, t2, l2));
    p = run_verify(bad, false);
    CHECK_EQ_INT(p.status, 3);
    CHECK(th_out_line(p.out, "message-hash") &&
          !strncmp(th_out_line(p.out, "message-hash"), "FAIL", 4));
    CHECK(th_out_line(p.out, "result") && !strncmp(th_out_line(p.out, "result"), "rejected", 8));
    th_proc_free(&p);
    free(t2);
    bundle_clear(&c);
    CASE_END();

    CASE_BEGIN("verify: a seal byte changed in the text: exit 3, header FAIL");
    char *t3 = malloc(len + 1);
    memcpy(t3, text, len + 1);
    char *rlp = strstr(t3, "\"rlp\":\"0x");
    char *end = rlp ? strchr(rlp + 9, '"') : NULL;
    CHECK(end != NULL);
    if (end) end[-20] = end[-20] == '1' ? '2' : '1';
    CHECK(th_write_file(bad, t3, len));
    p = run_verify(bad, false);
    CHECK_EQ_INT(p.status, 3);
    CHECK(th_out_line(p.out, "header") && !strncmp(th_out_line(p.out, "header"), "FAIL", 4));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("verify: unreadable bundle exit 1, missing key exit 2, wrong vk exit 3");
    CHECK(th_write_file(bad, text, len - 3));
    p = run_verify(bad, false);
    CHECK_EQ_INT(p.status, 1);
    CHECK(strstr(p.err, "unreadable bundle") != NULL);
    th_proc_free(&p);
    const char *a2[] = {"verify", path, "--finality-vk", fin_vk};
    p = th_run_zkrelay(a2, 4, NULL);
    CHECK_EQ_INT(p.status, 2);
    th_proc_free(&p);
    const char *a3[] = {"verify", path, "--finality-vk", inc_vk, "--inclusion-vk", fin_vk};
    p = th_run_zkrelay(a3, 6, NULL);
    CHECK_EQ_INT(p.status, 3);
    CHECK(th_out_line(p.out, "finality-proof") &&
          !strncmp(th_out_line(p.out, "finality-proof"), "FAIL", 4));
    th_proc_free(&p);
    const char *a4[] = {"verify", "--help"};
    p = th_run_zkrelay(a4, 2, NULL);
    CHECK(p.status == 0 && strstr(p.out, "receipt-trie") != NULL);
    th_proc_free(&p);
    CASE_END();
    free(t3);
    free(text);
    bundle_clear(&b);
}

TEST(test_replay)
{
    const char *dir = th_tmp_path("bundles");
    th_rm_tree(dir);
    CHECK(mkdir(dir, 0700) == 0);
    const char *db = th_tmp_path("msgs");
    th_rm_tree(db);
    msgstore *s = NULL;
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(msgstore_open(&s, db, true, &err) == ZK_OK, "open: %s", err.msg);
    char *texts[3] = {NULL, NULL, NULL};
    size_t lens[3];
    CASE_BEGIN("replay --bundles and --db: three good bundles verify (exit 0)");
    for (uint64_t i = 0; i < 3 && s; i++) {
        bundle b;
        uint8_t pl[3] = {1, 2, (uint8_t)i};
        CHECK(bfx_bundle(&fx, &b, 100 + i, pl, 3, 2, false));
        texts[i] = bfx_text(&b, &lens[i]);
        char name[300];
        snprintf(name, sizeof(name), "%s/m%u.json", dir, (unsigned)i);
        CHECK(texts[i] && th_write_file(name, texts[i], lens[i]));
        msg_record r;
        msg_record_init(&r);
        memcpy(r.m, b.m, 32);
        r.state = MSG_INCLUSION_PROVEN;
        r.block_number = b.block_number;
        r.tx_index = (uint32_t)b.tx_index;
        r.log_index = 1;
        r.nonce = b.msg.nonce;
        memcpy(r.sender, b.msg.sender, 20);
        r.dst_chain_id = b.msg.dst_chain_id;
        memcpy(r.receiver, b.msg.receiver, 20);
        CHECK(msg_record_set_payload(&r, b.msg.payload, b.msg.payload_len) == ZK_OK);
        msgstore_batch *wb = msgstore_batch_new(s);
        CHECK(wb && msgstore_batch_put_msg(wb, &r, 0, &err) == ZK_OK &&
              msgstore_batch_put_bundle(wb, b.m, texts[i], &err) == ZK_OK &&
              msgstore_batch_commit(wb, &err) == ZK_OK);
        msgstore_batch_free(wb);
        msg_record_clear(&r);
        bundle_clear(&b);
    }
    /* a message seen but not proven yet: no bundle, not a failure */
    msg_record r;
    msg_record_init(&r);
    memset(r.m, 0xaa, 32);
    r.state = MSG_SEEN;
    r.block_number = 3;
    msgstore_batch *wb = s ? msgstore_batch_new(s) : NULL;
    CHECK(wb && msgstore_batch_put_msg(wb, &r, 0, &err) == ZK_OK &&
          msgstore_batch_commit(wb, &err) == ZK_OK);
    msgstore_batch_free(wb);
    msgstore_close(s);
    s = NULL;

    const char *a1[] = {"replay", "--bundles",      dir,   "--finality-vk",
                        fin_vk,   "--inclusion-vk", inc_vk};
    th_proc p = th_run_zkrelay(a1, 7, NULL);
    CHECK_MSG(p.status == 0, "exit %d: %s%s", p.status, p.out, p.err);
    CHECK(th_streq(th_out_line(p.out, "bundles"), "3"));
    CHECK(th_streq(th_out_line(p.out, "verified"), "3"));
    th_proc_free(&p);
    const char *a2[] = {"replay", "--db", db, "--finality-vk", fin_vk, "--inclusion-vk", inc_vk};
    p = th_run_zkrelay(a2, 7, NULL);
    CHECK_MSG(p.status == 0, "exit %d: %s%s", p.status, p.out, p.err);
    CHECK(th_streq(th_out_line(p.out, "messages"), "4"));
    CHECK(th_streq(th_out_line(p.out, "verified"), "3"));
    CHECK(th_streq(th_out_line(p.out, "no bundle yet"), "1"));
    CHECK(th_proc_sanitizer_clean(&p));
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("replay --bundles: one bundle with a byte changed: exit 3, named");
    char name[300];
    snprintf(name, sizeof(name), "%s/m1.json", dir);
    char *t = texts[1] ? malloc(lens[1]) : NULL;
    if (t) {
        memcpy(t, texts[1], lens[1]);
        char *rc = strstr(t, "\"receipt\":\"0x");
        if (rc) rc[40] = rc[40] == '0' ? '1' : '0';
        CHECK(th_write_file(name, t, lens[1]));
    }
    p = th_run_zkrelay(a1, 7, NULL);
    CHECK_EQ_INT(p.status, 3);
    CHECK(th_streq(th_out_line(p.out, "rejected"), "1"));
    CHECK(strstr(p.out, "receipt-trie") != NULL);
    th_proc_free(&p);
    free(t);
    CASE_END();

    CASE_BEGIN("replay: usage errors exit 2");
    const char *a3[] = {"replay", "--db",           db,    "--bundles", dir, "--finality-vk",
                        fin_vk,   "--inclusion-vk", inc_vk};
    p = th_run_zkrelay(a3, 9, NULL);
    CHECK_EQ_INT(p.status, 2);
    th_proc_free(&p);
    const char *a4[] = {"replay",         "--db", db,           "--finality-vk",      fin_vk,
                        "--inclusion-vk", inc_vk, "--dest-rpc", "http://127.0.0.1:1/"};
    p = th_run_zkrelay(a4, 9, NULL);
    CHECK_EQ_INT(p.status, 2);
    CHECK(strstr(p.err, "--inbox") != NULL);
    th_proc_free(&p);
    CASE_END();
    for (int i = 0; i < 3; i++)
        free(texts[i]);
    msg_record_clear(&r);
}

int main(void)
{
    if (bfx_init(&fx)) {
        snprintf(fin_vk, sizeof(fin_vk), "%s", th_tmp_path("fin_vk.json"));
        snprintf(inc_vk, sizeof(inc_vk), "%s", th_tmp_path("inc_vk.json"));
        CHECK(bfx_write_vk(fin_vk, &fx.fin_vk) && bfx_write_vk(inc_vk, &fx.inc_vk));
        RUN(test_verify);
        RUN(test_replay);
    }
    bfx_free(&fx);
    return th_finish("test_cli_verify");
}
