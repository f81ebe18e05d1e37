/* Ethereum execution-layer block headers of every fork, in both their wire
 * forms: the consensus RLP list (Yellow Paper section 4.3, plus the fields
 * appended by EIP-1559, EIP-4895, EIP-4844/EIP-4788 and EIP-7685) and the
 * eth_getBlockByNumber JSON-RPC object. The block hash is keccak256 of the RLP.
 *
 * A header's layout is fixed by its field count, because each fork only ever
 * appends fields:
 *   15  legacy    (Frontier .. Berlin)
 *   16  london    + baseFeePerGas                        (EIP-1559)
 *   17  shanghai  + withdrawalsRoot                      (EIP-4895)
 *   20  cancun    + blobGasUsed, excessBlobGas           (EIP-4844)
 *                 + parentBeaconBlockRoot                (EIP-4788)
 *   21  prague    + requestsHash                         (EIP-7685)
 * Every other count is rejected. */
#ifndef ZKRELAY_LIGHTCLIENT_HEADER_H
#define ZKRELAY_LIGHTCLIENT_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "bytes.h"
#include "zk_err.h"

/* Upper bound on extraData. Mainnet caps it at 32 bytes, but QBFT/IBFT 2.0
 * chains store the validator list and the commit seals there, so the cap is
 * generous; it only bounds what a hostile peer can make us allocate. */
#define HEADER_MAX_EXTRA (64u * 1024u)

/* Field counts of the five layouts. */
#define HEADER_FIELDS_LEGACY   15
#define HEADER_FIELDS_LONDON   16
#define HEADER_FIELDS_SHANGHAI 17
#define HEADER_FIELDS_CANCUN   20
#define HEADER_FIELDS_PRAGUE   21

/* A decoded header. The has_* flags say which fork fields are present; they
 * always form a prefix of the fork order (has_withdrawals_root implies
 * has_base_fee, and so on). extra_data is heap memory owned by the struct
 * (free it with header_clear); it may be NULL when extra_len is 0. */
typedef struct eth_header {
    uint8_t parent_hash[32], ommers_hash[32], coinbase[20], state_root[32], transactions_root[32],
        receipts_root[32], logs_bloom[256];
    uint8_t difficulty[32]; /* big-endian uint256 */
    uint64_t number, gas_limit, gas_used, timestamp;
    uint8_t *extra_data;
    size_t extra_len;
    uint8_t mix_hash[32], nonce[8];
    bool has_base_fee;
    uint8_t base_fee[32]; /* big-endian uint256 */
    bool has_withdrawals_root;
    uint8_t withdrawals_root[32];
    bool has_blob_gas; /* blobGasUsed, excessBlobGas and parentBeaconBlockRoot come together */
    uint64_t blob_gas_used, excess_blob_gas;
    bool has_parent_beacon_root;
    uint8_t parent_beacon_root[32];
    bool has_requests_hash;
    uint8_t requests_hash[32];
} eth_header;

/* Sets every field to zero and extra_data to NULL (a legacy header of zeros).
 * Out: h. */
void header_init(eth_header *h) ZK_NONNULL(1);

/* Frees extra_data and zeroes the struct. h may be NULL (does nothing). */
void header_clear(eth_header *h);

/* Decodes a header from its consensus RLP, strictly: the input is exactly one
 * canonical RLP list of 15, 16, 17, 20 or 21 string items, each hash/address/
 * bloom/nonce of its exact size, each integer minimal (no leading zero byte,
 * number/gasLimit/gasUsed/timestamp/blobGasUsed/excessBlobGas at most 64 bits,
 * difficulty/baseFeePerGas at most 256 bits), extraData at most HEADER_MAX_EXTRA.
 * Returns ZK_OK; ZK_ERR_TRUNCATED / ZK_ERR_TRAILING / ZK_ERR_NONCANONICAL from
 * the RLP layer; ZK_ERR_MALFORMED (not a list, wrong field count, a field of the
 * wrong size or a list in place of a string); ZK_ERR_NONCANONICAL (an integer
 * with a leading zero); ZK_ERR_RANGE (an integer or extraData too large);
 * ZK_ERR_NOMEM. err names the offending field.
 * Out: *out, fully written; on success the caller owns out->extra_data (free
 *      with header_clear); on failure *out holds no allocation. Any previous
 *      contents of *out are overwritten without being freed.
 * In:  rlp[0..len). */
int header_decode_rlp(eth_header *out, const uint8_t *rlp, size_t len, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Decodes a header from an eth_getBlockByNumber / eth_getBlockByHash result
 * object (JSON-RPC field names; DATA and QUANTITY hex as the spec writes them).
 * Other keys (hash, size, transactions, ...) are ignored. The fork fields
 * (baseFeePerGas, withdrawalsRoot, blobGasUsed, excessBlobGas,
 * parentBeaconBlockRoot, requestsHash) are optional but must form a prefix of
 * that order, since otherwise the RLP, and so the hash, would be ambiguous.
 * Returns ZK_OK; ZK_ERR_MALFORMED (not an object, a field missing or not a hex
 * string, wrong length, odd digits, a fork field without an earlier one);
 * ZK_ERR_NONCANONICAL (a quantity with a leading zero); ZK_ERR_RANGE (too large);
 * ZK_ERR_NOMEM. err names the offending field.
 * Out: *out as for header_decode_rlp.
 * In:  obj (borrowed; not kept). */
int header_from_json(eth_header *out, const json_t *obj, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Appends the consensus RLP of h to out.
 * Returns ZK_OK; ZK_ERR_MALFORMED when the has_* flags are not a fork prefix or
 * extra_len exceeds HEADER_MAX_EXTRA; ZK_ERR_RANGE / ZK_ERR_NOMEM from the buffer.
 * In/Out: out (on failure its length may have grown: discard it). */
int header_encode_rlp(zk_buf *out, const eth_header *h) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* The block hash: keccak256 of the header's RLP.
 * Returns as header_encode_rlp.
 * Out: out[32]. */
int header_hash(uint8_t out[32], const eth_header *h) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Number of RLP fields h encodes to (15, 16, 17, 20 or 21), or 0 when its
 * has_* flags are not a fork prefix. */
size_t header_field_count(const eth_header *h) ZK_NONNULL(1);

/* Returns "legacy", "london", "shanghai", "cancun" or "prague" (a static string),
 * or "invalid" when the has_* flags are not a fork prefix. */
const char *header_fork_name(const eth_header *h) ZK_NONNULL(1);

/* Builds the JSON-RPC object of h: the same keys header_from_json reads,
 * DATA as 0x-prefixed lower-case hex, QUANTITY minimal ("0x0"), the fork fields
 * only when present; plus "hash" when hash is non-NULL.
 * Returns ZK_OK; ZK_ERR_MALFORMED (flags not a fork prefix); ZK_ERR_NOMEM.
 * Out: *out, a new reference (the caller decrefs it); NULL on failure.
 * In:  h; hash (32 bytes, may be NULL). */
int header_to_json(json_t **out, const eth_header *h, const uint8_t hash[32]) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

#endif
