/* Signed Ethereum transactions built in C: EIP-1559 (type 2) for the
 * destination side, and legacy EIP-155 for chains without London.
 *
 * EIP-1559 (with EIP-2718 typing):
 *   signing hash = keccak256(0x02 || rlp([chainId, nonce, maxPriorityFeePerGas,
 *                   maxFeePerGas, gasLimit, to, value, data, accessList]))
 *   raw          = 0x02 || rlp([... the 9 fields ..., yParity, r, s])
 *   tx hash      = keccak256(raw)
 * EIP-155 legacy:
 *   signing hash = keccak256(rlp([nonce, gasPrice, gasLimit, to, value, data,
 *                   chainId, 0, 0]))
 *   raw          = rlp([nonce, gasPrice, gasLimit, to, value, data,
 *                   v = chainId * 2 + 35 + yParity, r, s])
 *
 * The access list is always empty: the relayer never needs one, and the
 * decoder refuses a non-empty one (ZK_ERR_RANGE) rather than drop it.
 * Signatures are RFC 6979 deterministic and low-s (EIP-2), so the same fields
 * and key always give the same bytes, which other signers reproduce.
 *
 * Pointers are non-NULL unless stated; err may always be NULL. */
#ifndef ZKRELAY_RELAYER_TX_H
#define ZKRELAY_RELAYER_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/lightclient.h"

/* EIP-2718 type byte of an EIP-1559 transaction. */
#define TX_TYPE_EIP1559 0x02

/* Largest raw transaction tx_decode accepts (geth's txpool refuses > 128 KiB). */
#define TX_MAX_RAW (128 * 1024)

/* The unsigned fields of a type-2 transaction. Fees are in wei per gas. */
typedef struct tx_eip1559 {
    uint64_t chain_id;
    uint64_t nonce;
    uint64_t max_priority_fee; /* maxPriorityFeePerGas */
    uint64_t max_fee;          /* maxFeePerGas, >= max_priority_fee */
    uint64_t gas_limit;
    bool create;         /* contract creation: `to` is the empty string */
    uint8_t to[20];      /* ignored when create */
    uint8_t value[32];   /* wei, big-endian */
    const uint8_t *data; /* calldata or init code, borrowed; NULL when data_len is 0 */
    size_t data_len;
} tx_eip1559;

/* The unsigned fields of a legacy transaction signed under EIP-155. */
typedef struct tx_legacy {
    uint64_t chain_id; /* > 0 */
    uint64_t nonce;
    uint64_t gas_price;
    uint64_t gas_limit;
    bool create;
    uint8_t to[20];
    uint8_t value[32];
    const uint8_t *data;
    size_t data_len;
} tx_legacy;

/* A decoded, signature-checked transaction. */
typedef struct tx_decoded {
    uint8_t type;     /* TX_TYPE_EIP1559, or 0 for legacy */
    tx_eip1559 tx;    /* type 2 fields (data borrows the raw bytes) */
    tx_legacy legacy; /* legacy fields (data borrows the raw bytes) */
    uint8_t y_parity; /* 0 or 1 */
    uint8_t r[32], s[32];
    uint8_t sender[20];  /* recovered from the signature */
    uint8_t sighash[32]; /* the digest that was signed */
    uint8_t hash[32];    /* keccak256(raw): the transaction hash */
} tx_decoded;

/* The digest a type-2 transaction's signature covers.
 * Returns: ZK_OK; ZK_ERR_USAGE when max_priority_fee > max_fee or data is NULL
 *          with data_len > 0; ZK_ERR_NOMEM.
 * Out: sighash (32 bytes). */
int tx_eip1559_sighash(uint8_t sighash[32], const tx_eip1559 *tx, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Signs a type-2 transaction with a secret key.
 * Returns: ZK_OK; ZK_ERR_USAGE as tx_eip1559_sighash; ZK_ERR_RANGE when key is
 *          zero or >= n; raw's ZK_ERR_RANGE / ZK_ERR_NOMEM; ZK_ERR_INTERNAL.
 * Out: raw   the EIP-2718 encoding 0x02 || rlp(...) is appended (on failure
 *            raw is left at its old length);
 *      hash  keccak256 of the appended bytes, the transaction hash (32 bytes).
 * In:  ctx   the process's context (ecdsa_context_new);
 *      key   32-byte secret key; constant time in it (libsecp256k1), never
 *            copied outside the stack frame of ecdsa_sign. */
int tx_sign(const secp256k1_context *ctx, zk_buf *raw, uint8_t hash[32], const tx_eip1559 *tx,
            const uint8_t key[32], zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4, 5);

/* Signs a legacy transaction under EIP-155 replay protection.
 * Returns: as tx_sign, plus ZK_ERR_USAGE when chain_id is 0 or so large that
 *          v = chain_id * 2 + 36 overflows 64 bits.
 * Out: raw (appended), hash (32 bytes). In: as tx_sign. */
int tx_sign_legacy(const secp256k1_context *ctx, zk_buf *raw, uint8_t hash[32], const tx_legacy *tx,
                   const uint8_t key[32], zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4, 5);

/* Decodes a raw transaction (type 2, or legacy with EIP-155 v) and recovers
 * its sender, so what was sent can be audited.
 * Returns: ZK_OK; ZK_ERR_MALFORMED for another type byte, a list of the wrong
 *          length or an item of the wrong kind, a `to` that is neither 0 nor 20
 *          bytes; the RLP decoder's codes (ZK_ERR_TRUNCATED, ZK_ERR_TRAILING,
 *          ZK_ERR_NONCANONICAL) for bad encoding or integers with leading
 *          zeros; ZK_ERR_RANGE for an integer too wide, a non-empty access list,
 *          a yParity other than 0/1, a legacy v without EIP-155, or raw longer
 *          than TX_MAX_RAW; ecdsa_recover's ZK_ERR_RANGE / ZK_ERR_REJECTED for
 *          a signature that yields no sender (high s included).
 * Out: out (data fields borrow raw, which must outlive out).
 * In:  raw, raw_len. */
int tx_decode(const secp256k1_context *ctx, tx_decoded *out, const uint8_t *raw, size_t raw_len,
              zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

#endif
