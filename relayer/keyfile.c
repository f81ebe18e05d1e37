/* Secret-key loading (see keyfile.h for the format and the file checks). */
#include "relayer/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Mask of all ones when a <= x <= b, else 0, without branches
 * (x, a, b < 256, so the differences stay inside an int). */
static unsigned in_range_mask(unsigned x, unsigned a, unsigned b)
{
    unsigned lo = (unsigned)((int)x - (int)a) >> 31; /* 1 when x < a */
    unsigned hi = (unsigned)((int)b - (int)x) >> 31; /* 1 when x > b */
    return ((lo | hi) & 1u) - 1u;                    /* ~0 when neither */
}

/* Value of one hex digit and a validity mask (~0 valid, 0 not), branch-free. */
static unsigned hex_digit_ct(unsigned c, unsigned *valid)
{
    unsigned d = in_range_mask(c, '0', '9');
    unsigned l = in_range_mask(c, 'a', 'f');
    unsigned u = in_range_mask(c, 'A', 'F');
    *valid &= d | l | u;
    return ((c - '0') & d) | ((c - 'a' + 10) & l) | ((c - 'A' + 10) & u);
}

int keyfile_parse(const secp256k1_context *ctx, uint8_t key[32], uint8_t *addr, const char *text,
                  size_t len, zk_errbuf *err)
{
    uint8_t pub[64];
    unsigned valid = ~0u;
    int rc;
    memset(key, 0, 32);
    /* The length, the prefix and the line ending are public (they are the
     * same for every key), so branching on them leaks nothing. */
    if (len >= 1 && text[len - 1] == '\n') len--;
    if (len >= 1 && text[len - 1] == '\r') len--;
    if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text += 2;
        len -= 2;
    }
    if (len != 64)
        return ZK_FAIL(err, ZK_ERR_MALFORMED,
                       "key: expected 64 hex digits (32 bytes), found %zu characters", len);
    for (size_t i = 0; i < 32; i++) {
        unsigned hi = hex_digit_ct((unsigned char)text[2 * i], &valid);
        unsigned lo = hex_digit_ct((unsigned char)text[2 * i + 1], &valid);
        key[i] = (uint8_t)((hi << 4) | lo);
    }
    if (!valid) {
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "key: not hexadecimal");
        goto out;
    }
    rc = ecdsa_pubkey_from_seckey(ctx, pub, key);
    if (rc) {
        ZK_FAIL(err, rc, "key: not a valid secp256k1 secret key (zero or >= the group order)");
        goto out;
    }
    if (addr) eth_address_from_pubkey(addr, pub);
out:
    if (rc) zk_wipe(key, 32);
    zk_wipe(pub, sizeof(pub));
    return rc;
}

int keyfile_load(const secp256k1_context *ctx, uint8_t key[32], uint8_t *addr, const char *path,
                 zk_errbuf *err)
{
    char text[KEYFILE_MAX_BYTES + 1];
    size_t len = 0;
    struct stat st;
    int rc;
    memset(key, 0, 32);
    /* O_NOFOLLOW: a symlink could point the check at one file and the read
     * at another; fstat on the open descriptor then checks what is read.
     * O_NONBLOCK: opening a FIFO for reading would otherwise block until a
     * writer appears, before the S_ISREG check can refuse it (it changes
     * nothing for a regular file). */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return ZK_FAIL(err, ZK_ERR_IO, "key file %s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = ZK_FAIL(err, ZK_ERR_IO, "key file %s: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED, "key file %s is not a regular file", path);
        goto out;
    }
    if (st.st_uid != geteuid()) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "key file %s is owned by uid %lu, not by this user (uid %lu)", path,
                     (unsigned long)st.st_uid, (unsigned long)geteuid());
        goto out;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                     "key file %s has mode %04o; group and other must have no access "
                     "(chmod 600 %s)",
                     path, (unsigned)(st.st_mode & 07777), path);
        goto out;
    }
    for (;;) {
        ssize_t n = read(fd, text + len, sizeof(text) - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = ZK_FAIL(err, ZK_ERR_IO, "key file %s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0) break;
        len += (size_t)n;
        if (len == sizeof(text)) {
            rc = ZK_FAIL(err, ZK_ERR_RANGE, "key file %s is longer than %d bytes", path,
                         KEYFILE_MAX_BYTES);
            goto out;
        }
    }
    rc = keyfile_parse(ctx, key, addr, text, len, err);
    if (rc) zk_fail_wrap(err, rc, "key file %s", path);
out:
    zk_wipe(text, sizeof(text));
    close(fd);
    return rc;
}

int keyfile_from_env(const secp256k1_context *ctx, uint8_t key[32], uint8_t *addr, const char *name,
                     zk_errbuf *err)
{
    memset(key, 0, 32);
    const char *v = getenv(name);
    if (!v || !*v) return ZK_FAIL(err, ZK_ERR_NOTFOUND, "environment variable %s is not set", name);
    int rc = keyfile_parse(ctx, key, addr, v, strlen(v), err);
    if (rc) zk_fail_wrap(err, rc, "environment variable %s", name);
    return rc;
}
