/* Loading the destination signer's secp256k1 key from a file or from an
 * environment variable, and deriving its address.
 *
 * Format: 64 hex digits, upper or lower case, with or without a "0x" prefix,
 * optionally followed by one "\n" or "\r\n". Nothing else (no spaces, no
 * second line) is accepted, so a key file with stray content fails loudly.
 *
 * A key file must be a regular file (symbolic links are not followed), owned
 * by the effective user, with no group or other permission bits (mode 0600 or
 * stricter), as ssh does for private keys: a key readable by others is
 * treated as leaked and refused.
 *
 * The key never reaches a message: errors name the path, the variable, the
 * mode or the length, never the content. Every copy is wiped (zk_wipe) before
 * return, on every path, and the hex is decoded without branching on the
 * key's digits (only the final "was every digit valid" is a branch).
 *
 * Pointers are non-NULL unless stated; err may always be NULL. */
#ifndef ZKRELAY_RELAYER_KEYFILE_H
#define ZKRELAY_RELAYER_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/lightclient.h"

/* Longest key file read: "0x" + 64 digits + "\r\n", with room to spot extra. */
#define KEYFILE_MAX_BYTES 128

/* Parses the key text described above.
 * Returns: ZK_OK; ZK_ERR_MALFORMED for a non-hex character or a wrong number
 *          of digits; ZK_ERR_RANGE when the key is zero or >= the group order n.
 * Out: key (32 bytes; zeroed on failure), addr (20 bytes, the Ethereum address
 *      of the key; may be NULL).
 * In:  ctx, text (len bytes, not NUL-terminated, read in constant time up to
 *      the length and digit-validity checks). */
int keyfile_parse(const secp256k1_context *ctx, uint8_t key[32], uint8_t *addr, const char *text,
                  size_t len, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4);

/* Loads a key from a file, after checking the file's type, owner and mode.
 * Returns: ZK_OK; ZK_ERR_IO when the file cannot be opened or read (err names
 *          the path and the system's reason); ZK_ERR_REJECTED when it is not a
 *          regular file, is owned by another user, or has group/other bits set
 *          (err names the mode, e.g. "has mode 0644; ... chmod 600");
 *          ZK_ERR_RANGE when the file is longer than KEYFILE_MAX_BYTES;
 *          keyfile_parse's codes.
 * Out: key (32 bytes; zeroed on failure), addr (20 bytes or NULL). */
int keyfile_load(const secp256k1_context *ctx, uint8_t key[32], uint8_t *addr, const char *path,
                 zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4);

/* Loads a key from the environment variable `name`.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND when the variable is unset or empty;
 *          keyfile_parse's codes (err names the variable).
 * Out: key (32 bytes; zeroed on failure), addr (20 bytes or NULL).
 * The variable's value is left in the environment: the caller may unsetenv
 * it once loaded so that child processes do not inherit it. */
int keyfile_from_env(const secp256k1_context *ctx, uint8_t key[32], uint8_t *addr, const char *name,
                     zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4);

#endif
