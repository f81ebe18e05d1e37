/* secp256k1 ECDSA as Ethereum uses it, on top of libsecp256k1 and its recovery
 * module: recoverable signing, public-key recovery (ecrecover), addresses,
 * plain verification, strict DER signatures and uncompressed public keys.
 *
 * Two rule sets exist for the scalar s (flags):
 *   0                    transactions and consensus seals (EIP-2, Homestead):
 *                        s must be <= n/2; a high-s signature is rejected.
 *   ECDSA_ALLOW_HIGH_S   the ecrecover precompile (0x01) and plain ECDSA
 *                        (Wycheproof): any s in [1, n-1].
 * In both, r and s must lie in [1, n-1] and the recovery id v in {0, 1}
 * (Ethereum never uses ids 2 and 3, which need r >= p - n).
 *
 * Error codes used throughout:
 *   ZK_ERR_MALFORMED / ZK_ERR_NONCANONICAL / ZK_ERR_TRUNCATED / ZK_ERR_TRAILING:
 *                        an encoding (DER, public key) that breaks its format;
 *   ZK_ERR_RANGE         a number outside its domain: r or s zero or >= n,
 *                        v not in {0, 1} (or 27/28 where stated), a secret key
 *                        zero or >= n, a public-key coordinate >= p;
 *   ZK_ERR_REJECTED      a well-formed signature that fails: high s under
 *                        flags 0, no key recoverable, verification failed, or a
 *                        public key off the curve;
 *   ZK_ERR_USAGE         unknown flag bits;  ZK_ERR_NOMEM / ZK_ERR_INTERNAL.
 *
 * Every function takes the process's one secp256k1_context first (made by
 * ecdsa_context_new, randomized once at startup) and keeps no state of its own.
 * Pointers are non-NULL unless stated; err may always be NULL. Only ecdsa_sign
 * and ecdsa_pubkey_from_seckey touch secrets (constant time in seckey, inside
 * libsecp256k1); everything else handles public data and is variable time. */
#ifndef ZKRELAY_LIGHTCLIENT_ECDSA_H
#define ZKRELAY_LIGHTCLIENT_ECDSA_H

#include <stddef.h>
#include <stdint.h>

#include <secp256k1.h>

#include "zk_err.h"

/* Accept s > n/2 (precompile / plain ECDSA semantics); see the top comment. */
#define ECDSA_ALLOW_HIGH_S 1

/* Creates a context for signing and verification and randomizes it (side-channel
 * blinding) with 32 bytes from the OpenSSL CSPRNG.
 * Returns: a new context (free with ecdsa_context_free), or NULL with err set
 *          (ZK_ERR_NOMEM, or ZK_ERR_INTERNAL when no randomness is available). */
secp256k1_context *ecdsa_context_new(zk_errbuf *err);

/* Destroys a context from ecdsa_context_new. ctx may be NULL (no-op). */
void ecdsa_context_free(secp256k1_context *ctx);

/* Signs a 32-byte digest with RFC 6979 deterministic nonces. libsecp256k1
 * always returns low-s, so the result passes the flags-0 rule.
 * Returns: ZK_OK; ZK_ERR_RANGE when seckey is zero or >= n (sig65 zeroed);
 *          ZK_ERR_INTERNAL if libsecp256k1 fails otherwise.
 * Out: sig65 = r (32, big-endian) || s (32) || v (1, the recovery id 0 or 1).
 * In:  hash (32 bytes), seckey (32 bytes, big-endian; constant time in it). */
int ecdsa_sign(const secp256k1_context *ctx, uint8_t sig65[65], const uint8_t hash[32],
               const uint8_t seckey[32]) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4);

/* Recovers the public key that produced (r, s, v) over hash.
 * Returns: ZK_OK; ZK_ERR_USAGE for unknown flag bits; ZK_ERR_RANGE when r or s
 *          is zero or >= n or v is not 0 or 1; ZK_ERR_REJECTED when flags lacks
 *          ECDSA_ALLOW_HIGH_S and s > n/2 (EIP-2), or when no point has x = r
 *          (recovery failed).
 * Out: pubkey64 = x || y (32 bytes each, big-endian; the 0x04 prefix dropped),
 *      written only on ZK_OK.
 * In:  hash, r, s (32 bytes each, big-endian), v (0 or 1), flags (0 or
 *      ECDSA_ALLOW_HIGH_S). */
int ecdsa_recover(const secp256k1_context *ctx, uint8_t pubkey64[64], const uint8_t hash[32],
                  const uint8_t r[32], const uint8_t s[32], int v, int flags,
                  zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4, 5);

/* ecrecover to an address: ecdsa_recover, then eth_address_from_pubkey.
 * Returns: as ecdsa_recover; v (sig65[64]) may be 0, 1, 27 or 28, anything else
 *          is ZK_ERR_RANGE.
 * Out: addr (20 bytes), written only on ZK_OK.
 * In:  hash (32 bytes), sig65 = r || s || v, flags as for ecdsa_recover. */
int ecdsa_recover_address(const secp256k1_context *ctx, uint8_t addr[20], const uint8_t hash[32],
                          const uint8_t sig65[65], int flags, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3, 4);

/* The ecrecover precompile at address 0x01 (Yellow Paper appendix E, go-ethereum
 * core/vm/contracts.go): input is hash || v || r || s as four 32-byte words,
 * right-padded with zeros when shorter and truncated when longer; v must be the
 * word 27 or 28; high s is allowed.
 * Returns: ZK_OK with out = the address left-padded to 32 bytes; otherwise the
 *          code of the failed check (ZK_ERR_RANGE for v, r, s; ZK_ERR_REJECTED
 *          when no key is recoverable). Every failure corresponds to the
 *          precompile returning empty output (the EVM call itself succeeds).
 * Out: out (32 bytes), written only on ZK_OK.
 * In:  input, input_len bytes (input may be NULL when input_len is 0). */
int ecdsa_ecrecover_precompile(const secp256k1_context *ctx, uint8_t out[32], const uint8_t *input,
                               size_t input_len, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Ethereum address of a public key: the last 20 bytes of keccak256(x || y).
 * Out: addr (20 bytes).  In: pubkey64 = x || y (64 bytes). */
void eth_address_from_pubkey(uint8_t addr[20], const uint8_t pubkey64[64]) ZK_NONNULL(1, 2);

/* Public key of a secret key (constant time in seckey).
 * Returns: ZK_OK; ZK_ERR_RANGE when seckey is zero or >= n (pubkey64 zeroed).
 * Out: pubkey64 = x || y.  In: seckey (32 bytes, big-endian). */
int ecdsa_pubkey_from_seckey(const secp256k1_context *ctx, uint8_t pubkey64[64],
                             const uint8_t seckey[32]) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Verifies an ECDSA signature (r, s) over a 32-byte digest.
 * Returns: ZK_OK when valid; ZK_ERR_USAGE for unknown flag bits; ZK_ERR_RANGE
 *          when r or s is zero or >= n or a key coordinate is >= p;
 *          ZK_ERR_REJECTED when the key is not on the curve, when s > n/2 and
 *          flags lacks ECDSA_ALLOW_HIGH_S (with the flag, s is replaced by n - s
 *          first, which verifies exactly when (r, s) does), or when the
 *          signature does not verify.
 * In: pubkey64 = x || y, hash, r, s (32 bytes each, big-endian), flags. */
int ecdsa_verify(const secp256k1_context *ctx, const uint8_t pubkey64[64], const uint8_t hash[32],
                 const uint8_t r[32], const uint8_t s[32], int flags, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3, 4, 5);

/* Parses a strict DER ECDSA signature (X.690 DER as BIP-66 and Wycheproof read
 * it): SEQUENCE { INTEGER r, INTEGER s } with minimal definite lengths, no
 * negative integers, no superfluous leading zero byte, nothing after the
 * sequence. It checks the encoding only: r or s may be 0 or >= n here.
 * Returns: ZK_OK; ZK_ERR_TRUNCATED when input ends early; ZK_ERR_MALFORMED for a
 *          wrong tag, an indefinite or oversize length, an empty or negative
 *          integer; ZK_ERR_NONCANONICAL for a long-form length that fits the
 *          short form (or has a leading zero) or an integer with a superfluous
 *          leading zero; ZK_ERR_TRAILING for bytes after the sequence or after s
 *          inside it; ZK_ERR_RANGE when r or s needs more than 32 bytes.
 * Out: r, s (32 bytes each, big-endian, left-padded), written only on ZK_OK.
 * In:  der, len bytes. */
int ecdsa_parse_der(uint8_t r[32], uint8_t s[32], const uint8_t *der, size_t len,
                    zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Parses an uncompressed public key: 65 bytes 0x04 || x || y, or 64 bytes x || y.
 * Compressed (0x02/0x03) and hybrid (0x06/0x07) forms are refused.
 * Returns: ZK_OK; ZK_ERR_MALFORMED for another length or prefix; ZK_ERR_RANGE
 *          when x or y >= p; ZK_ERR_REJECTED when (x, y) is not on the curve.
 * Out: pubkey64 = x || y, written only on ZK_OK.
 * In:  in, len bytes. */
int ecdsa_parse_pubkey(const secp256k1_context *ctx, uint8_t pubkey64[64], const uint8_t *in,
                       size_t len, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

#endif
