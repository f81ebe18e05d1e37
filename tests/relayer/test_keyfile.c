/* Key loading: the file checks (mode, type, symlink, size), the text format,
 * the key range, the environment variable, and that no message quotes the
 * key. The key is anvil's dev account 0, a published test key. */
#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

#include "lightclient/hex.h"
#include "relayer/keyfile.h"

#define DEV_KEY  "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define DEV_ADDR "f39fd6e51aad88f6f4ce6ab8827279cfffb92266"

static secp256k1_context *ctx;

TEST(test_keyfile_setup)
{
    ctx = ecdsa_context_new(NULL);
    CHECK(ctx != NULL);
}

static const char *write_key(const char *name, const char *text, mode_t mode)
{
    const char *p = th_tmp_path(name);
    unlink(p);
    CHECK(th_write_file(p, text, strlen(text)));
    CHECK(chmod(p, mode) == 0);
    return p;
}

static bool is_zero32(const uint8_t k[32])
{
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++)
        acc |= k[i];
    return acc == 0;
}

/* Loads path and checks the code; on success the key and address are the dev
 * account's, on failure the key is zeroed and the message does not quote it. */
static void expect_load(const char *path, int want, const char *msg_part)
{
    uint8_t key[32], addr[20], want_key[32], want_addr[20];
    zk_errbuf err = {{0}, 0};
    memset(key, 0xa5, sizeof(key));
    int rc = keyfile_load(ctx, key, addr, path, &err);
    CHECK_MSG(rc == want, "%s: rc %d (%s), expected %d", path, rc, err.msg, want);
    if (want == ZK_OK && rc == ZK_OK) {
        CHECK(hex_decode_fixed(want_key, 32, DEV_KEY, NULL) == ZK_OK);
        CHECK(hex_decode_fixed(want_addr, 20, DEV_ADDR, NULL) == ZK_OK);
        CHECK_MEM(key, want_key, 32);
        CHECK_MEM(addr, want_addr, 20);
    } else {
        CHECK(is_zero32(key));
        CHECK(strstr(err.msg, "ac0974bec39a17e3") == NULL);
        CHECK(strstr(err.msg, "AC0974BEC39A17E3") == NULL);
        if (msg_part) CHECK_MSG(strstr(err.msg, msg_part) != NULL, "message: %s", err.msg);
    }
}

TEST(test_keyfile_modes)
{
    static const struct {
        mode_t mode;
        int want;
        const char *msg;
    } t[] = {{0600, ZK_OK, NULL},
             {0400, ZK_OK, NULL},
             {0644, ZK_ERR_REJECTED, "mode 0644"},
             {0640, ZK_ERR_REJECTED, "mode 0640"},
             {0604, ZK_ERR_REJECTED, "mode 0604"},
             {0610, ZK_ERR_REJECTED, "mode 0610"},
             {0601, ZK_ERR_REJECTED, "chmod 600"}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        CASE_BEGIN("mode %04o", (unsigned)t[i].mode);
        expect_load(write_key("mode.key", "0x" DEV_KEY "\n", t[i].mode), t[i].want, t[i].msg);
        CASE_END();
    }
}

TEST(test_keyfile_formats)
{
    static const struct {
        const char *text;
        int want;
        const char *what;
    } t[] = {
        {"0x" DEV_KEY "\n", ZK_OK, "0x, newline"},
        {DEV_KEY, ZK_OK, "bare"},
        {DEV_KEY "\r\n", ZK_OK, "CRLF"},
        {"0XAC0974BEC39A17E36BA4A6B4D238FF944BACB478CBED5EFCAE784D7BF4F2FF80", ZK_OK, "upper case"},
        {"0x" DEV_KEY "\n\n", ZK_ERR_MALFORMED, "two newlines"},
        {" 0x" DEV_KEY, ZK_ERR_MALFORMED, "leading space"},
        {"0x" DEV_KEY " ", ZK_ERR_MALFORMED, "trailing space"},
        {"0x"
         "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff8",
         ZK_ERR_MALFORMED, "63 digits"},
        {"0x" DEV_KEY "00", ZK_ERR_MALFORMED, "33 bytes"},
        {"0x"
         "gc0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
         ZK_ERR_MALFORMED, "non-hex digit"},
        {"0x"
         "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff8:",
         ZK_ERR_MALFORMED, "':' after '9'"},
        {"", ZK_ERR_MALFORMED, "empty"},
        {"0x0000000000000000000000000000000000000000000000000000000000000000", ZK_ERR_RANGE,
         "zero key"},
        {"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", ZK_ERR_RANGE,
         "key == n"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        CASE_BEGIN("%s", t[i].what);
        expect_load(write_key("fmt.key", t[i].text, 0600), t[i].want,
                    t[i].want == ZK_ERR_MALFORMED ? "fmt.key" : NULL);
        CASE_END();
    }
}

TEST(test_keyfile_file_kinds)
{
    expect_load(th_tmp_path("missing.key"), ZK_ERR_IO, "missing.key");
    /* A directory is not a regular file. */
    const char *dir = th_tmp_path("keydir");
    CHECK(mkdir(dir, 0700) == 0);
    expect_load(dir, ZK_ERR_REJECTED, "not a regular file");
    rmdir(dir);
    /* A symlink is not followed, even to a good 0600 file. */
    const char *good = write_key("good.key", DEV_KEY "\n", 0600);
    const char *link = th_tmp_path("link.key");
    unlink(link);
    CHECK(symlink(good, link) == 0);
    expect_load(link, ZK_ERR_IO, "link.key");
    unlink(link);
    /* Longer than KEYFILE_MAX_BYTES. */
    char big[KEYFILE_MAX_BYTES + 40];
    memset(big, '0', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    expect_load(write_key("big.key", big, 0600), ZK_ERR_RANGE, "longer than");
    expect_load(good, ZK_OK, NULL);
}

TEST(test_keyfile_env)
{
    uint8_t key[32], addr[20], want_addr[20];
    zk_errbuf err = {{0}, 0};
    CHECK(hex_decode_fixed(want_addr, 20, DEV_ADDR, NULL) == ZK_OK);
    unsetenv("ZK_TEST_RELAYER_KEY");
    CHECK_EQ_INT(keyfile_from_env(ctx, key, addr, "ZK_TEST_RELAYER_KEY", &err), ZK_ERR_NOTFOUND);
    CHECK(strstr(err.msg, "ZK_TEST_RELAYER_KEY") != NULL);
    setenv("ZK_TEST_RELAYER_KEY", "", 1);
    CHECK_EQ_INT(keyfile_from_env(ctx, key, addr, "ZK_TEST_RELAYER_KEY", &err), ZK_ERR_NOTFOUND);
    setenv("ZK_TEST_RELAYER_KEY", "0x" DEV_KEY, 1);
    CHECK_EQ_INT(keyfile_from_env(ctx, key, addr, "ZK_TEST_RELAYER_KEY", &err), ZK_OK);
    CHECK_MEM(addr, want_addr, 20);
    /* addr may be NULL. */
    CHECK_EQ_INT(keyfile_from_env(ctx, key, NULL, "ZK_TEST_RELAYER_KEY", &err), ZK_OK);
    setenv("ZK_TEST_RELAYER_KEY", "0x" DEV_KEY "zz", 1);
    CHECK_EQ_INT(keyfile_from_env(ctx, key, addr, "ZK_TEST_RELAYER_KEY", &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "ZK_TEST_RELAYER_KEY") != NULL);
    CHECK(strstr(err.msg, "ac0974") == NULL);
    CHECK(is_zero32(key));
    unsetenv("ZK_TEST_RELAYER_KEY");
    zk_wipe(key, sizeof(key));
}

/* Every printable byte in every digit position of an otherwise good key:
 * exactly the 22 hex digits are accepted (the branch-free decoder agrees with
 * the plain one). */
TEST(test_keyfile_digit_table)
{
    uint8_t key[32], ref[32];
    char text[65];
    int accepted = 0;
    for (int c = 0x20; c < 0x7f; c++) {
        memcpy(text, DEV_KEY, 64);
        text[0] = (char)c;
        text[64] = '\0';
        int rc = keyfile_parse(ctx, key, NULL, text, 64, NULL);
        int ref_rc = hex_decode_fixed(ref, 32, text, NULL);
        CHECK_MSG((rc == ZK_OK) == (ref_rc == ZK_OK), "digit '%c'", c);
        if (rc == ZK_OK) {
            accepted++;
            CHECK_MEM(key, ref, 32);
        }
    }
    CHECK_EQ_INT(accepted, 22);
}

TEST(test_keyfile_teardown)
{
    ecdsa_context_free(ctx);
}

TEST_MAIN(RUN(test_keyfile_setup); RUN(test_keyfile_modes); RUN(test_keyfile_formats);
          RUN(test_keyfile_file_kinds); RUN(test_keyfile_env); RUN(test_keyfile_digit_table);
          RUN(test_keyfile_teardown))
