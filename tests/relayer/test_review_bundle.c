/* Security review of the offline verifier (relayer/bundle.c, relayer/cli_verify.c; issue 7).
 *
 * Finding: a bundle carries its own trusted validator set T, and every check of
 * bundle_verify holds for a chain of ANY validators: the header's seals are checked against
 * T, the commitment against T, and the circuits prove relative to whatever T is. So a bundle
 * for a message that was never sent, on a made-up chain sealed by keys the forger holds, with
 * real proofs under the real verification keys, made `zkrelay verify` print "verified" and
 * exit 0, and `zkrelay replay` count it verified. The fix: --trusted-commitment C[,C...] pins
 * the sets the auditor takes from the light client (its checkpoint and rotations); a bundle
 * proven against another set is rejected (exit 3), and without a pin the output says that the
 * trusted set is only the bundle's claim. The proofs are of stand-in circuits
 * (tests/relayer/bundle_fixture.h); every native check is real.
 *
 * Finding (relayer/keyfile.c): keyfile_load opened the key path with a blocking open(), so a
 * FIFO there hung `zkrelay run` at start (open waits for a writer) before the regular-file
 * check could refuse it. */
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#include "relayer/bundle_fixture.h"
#include "relayer/keyfile.h"

static bfx fx;
static char fin_vk[512], inc_vk[512];

/* Writes the canonical text of b to path. */
static bool write_bundle(const char *path, const bundle *b)
{
    size_t len = 0;
    char *text = bfx_text(b, &len);
    bool ok = text && th_write_file(path, text, len);
    free(text);
    CHECK(ok);
    return ok;
}

static th_proc verify(const char *path, const char *pins, bool as_json)
{
    const char *args[9] = {"verify", path, "--finality-vk", fin_vk, "--inclusion-vk", inc_vk};
    size_t n = 6;
    if (pins) {
        args[n++] = "--trusted-commitment";
        args[n++] = pins;
    }
    if (as_json) args[n++] = "--json";
    return th_run_zkrelay(args, n, NULL);
}

TEST(test_forged_chain)
{
    bundle real, forged;
    uint8_t payload[4] = {'m', 'i', 'n', 't'};
    char real_c[67], forged_c[67], both[140];
    const char *real_path = th_tmp_path("real.json");
    const char *forged_path = th_tmp_path("forged.json");

    CASE_BEGIN("a bundle of the real chain and one of a chain sealed by the forger's keys");
    CHECK(bfx_bundle(&fx, &real, 5, payload, sizeof(payload), 3, false));
    /* The forger's chain: 4 validators of its own (another chaingen seed). */
    chaingen_free(&fx.g);
    CHECK(chaingen_init(&fx.g, LC_QBFT, 4, 0xf0f0, 0) == ZK_OK);
    CHECK(bfx_bundle(&fx, &forged, 5, payload, sizeof(payload), 3, false));
    CHECK(memcmp(real.trusted_commit, forged.trusted_commit, 32) != 0);
    CHECK_MEM(real.m, forged.m, 32); /* the same message, "proven" on the forged chain */
    hex_encode(real_c, real.trusted_commit, 32, true);
    hex_encode(forged_c, forged.trusted_commit, 32, true);
    snprintf(both, sizeof(both), "%s,%s", forged_c, real_c);
    CHECK(write_bundle(real_path, &real) && write_bundle(forged_path, &forged));
    CASE_END();

    CASE_BEGIN("bundle_verify alone accepts the forged chain: it has no trust anchor");
    bundle_report rep;
    CHECK_EQ_INT(bundle_verify(&rep, fx.g.ctx, &forged, &fx.fin_vk, &fx.inc_vk), ZK_OK);
    CASE_END();

    CASE_BEGIN("verify without a pin: exit 0 but says the trusted set is only claimed");
    th_proc p = verify(forged_path, NULL, false);
    CHECK_MSG(p.status == 0, "exit %d: %s%s", p.status, p.out, p.err);
    CHECK(th_out_line(p.out, "trusted-set-pinned") &&
          !strncmp(th_out_line(p.out, "trusted-set-pinned"), "no", 2));
    th_proc_free(&p);
    p = verify(forged_path, NULL, true);
    json_t *o = json_loads(p.out, 0, NULL);
    CHECK(json_is_false(json_object_get(o, "trustedSetPinned")));
    json_decref(o);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("verify --trusted-commitment <real set>: the forged bundle is rejected (exit 3)");
    p = verify(forged_path, real_c, false);
    CHECK_EQ_INT(p.status, 3);
    CHECK(th_out_line(p.out, "trusted-set-pinned") &&
          !strncmp(th_out_line(p.out, "trusted-set-pinned"), "FAIL", 4));
    CHECK(th_out_line(p.out, "result") && !strncmp(th_out_line(p.out, "result"), "rejected", 8));
    CHECK(th_proc_sanitizer_clean(&p));
    th_proc_free(&p);
    p = verify(forged_path, real_c, true);
    o = json_loads(p.out, 0, NULL);
    CHECK_EQ_INT(p.status, 3);
    CHECK(json_is_false(json_object_get(o, "verified")));
    CHECK(json_is_true(json_object_get(o, "trustedSetPinned")));
    const char *e = json_string_value(json_object_get(o, "error"));
    CHECK(e && strstr(e, "trusted-set") != NULL);
    json_decref(o);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("verify --trusted-commitment: the real bundle verifies (one pin, or in a list)");
    p = verify(real_path, real_c, false);
    CHECK_MSG(p.status == 0, "exit %d: %s%s", p.status, p.out, p.err);
    CHECK(th_streq(th_out_line(p.out, "trusted-set-pinned"), "ok"));
    CHECK(th_streq(th_out_line(p.out, "result"), "verified"));
    th_proc_free(&p);
    p = verify(real_path, both, false);
    CHECK_EQ_INT(p.status, 0);
    th_proc_free(&p);
    CASE_END();

    CASE_BEGIN("--trusted-commitment refuses bad values: exit 2");
    static const char *const bad[] = {
        "",
        "0x00",
        "0x01" /* top byte not 0: no commitment */
        "00000000000000000000000000000000000000000000000000000000000000",
        "0x0000000000000000000000000000000000000000000000000000000000000001,",
        "0xzz00000000000000000000000000000000000000000000000000000000000000",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p = verify(real_path, bad[i], false);
        CHECK_MSG(p.status == 2, "pin \"%s\": exit %d", bad[i], p.status);
        th_proc_free(&p);
    }
    CASE_END();

    CASE_BEGIN("replay --bundles with a pin: the forged bundle rejected, the real one verified");
    const char *dir = th_tmp_path("review_bundles");
    th_rm_tree(dir);
    CHECK(mkdir(dir, 0700) == 0);
    char a[600], b[600];
    snprintf(a, sizeof(a), "%s/a.json", dir);
    snprintf(b, sizeof(b), "%s/b.json", dir);
    CHECK(write_bundle(a, &real) && write_bundle(b, &forged));
    const char *args[] = {"replay", "--bundles",      dir,    "--finality-vk",
                          fin_vk,   "--inclusion-vk", inc_vk, "--trusted-commitment",
                          real_c};
    p = th_run_zkrelay(args, 9, NULL);
    CHECK_EQ_INT(p.status, 3);
    CHECK(th_streq(th_out_line(p.out, "verified"), "1"));
    CHECK(th_streq(th_out_line(p.out, "rejected"), "1"));
    CHECK(strstr(p.out, "trusted-set") != NULL);
    th_proc_free(&p);
    p = th_run_zkrelay(args, 7, NULL); /* unpinned: both "verify" */
    CHECK_EQ_INT(p.status, 0);
    CHECK(th_streq(th_out_line(p.out, "verified"), "2"));
    th_proc_free(&p);
    CASE_END();

    bundle_clear(&real);
    bundle_clear(&forged);
}

TEST(test_keyfile_fifo)
{
    CASE_BEGIN("keyfile_load on a FIFO: refused at once (not a regular file), no hang");
    const char *path = th_tmp_path("key.fifo");
    unlink(path);
    CHECK(mkfifo(path, 0600) == 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10); /* a blocking open is killed by SIGALRM: the parent sees a failure */
        uint8_t key[32];
        zk_errbuf err = {{0}, 0};
        int rc = keyfile_load(fx.g.ctx, key, NULL, path, &err);
        _exit(rc == ZK_ERR_REJECTED && strstr(err.msg, "not a regular file") ? 0 : 1);
    }
    int st = 0;
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s %d",
              WIFSIGNALED(st) ? "killed by signal" : "exit",
              WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    unlink(path);
    CASE_END();
}

int main(void)
{
    if (bfx_init(&fx)) {
        snprintf(fin_vk, sizeof(fin_vk), "%s", th_tmp_path("fin_vk.json"));
        snprintf(inc_vk, sizeof(inc_vk), "%s", th_tmp_path("inc_vk.json"));
        CHECK(bfx_write_vk(fin_vk, &fx.fin_vk) && bfx_write_vk(inc_vk, &fx.inc_vk));
        RUN(test_forged_chain);
        RUN(test_keyfile_fifo);
    }
    bfx_free(&fx);
    return th_finish("test_review_bundle");
}
