/* The bridge contracts' ABI as the relayer uses it (contracts-abi/, issue 6): function
 * selectors, event topics and custom-error selectors of Outbox, ZkLightClient and Inbox,
 * and the hashes the contracts and the circuits share (the message hash m, the
 * validator-set commitment, the public signals of the finality and inclusion proofs).
 *
 * Each constant is keccak256 of the canonical signature written above it (the first 4
 * bytes for a selector, all 32 for an event topic). tests/contracts/test_contracts_build.c
 * recomputes every one from the committed ABI (contracts-abi/build/<Name>.json) and fails when
 * a contract changed and this file did not. */
#ifndef ZKRELAY_RELAYER_BRIDGE_ABI_H
#define ZKRELAY_RELAYER_BRIDGE_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"

/* ---- event topics (topic0) -------------------------------------------------- */

/* Outbox: MessageSent(bytes32 indexed m, uint64 indexed nonce, address indexed sender,
 * uint64 dstChainId, address receiver, bytes payload): topic1 = m, topic2 = nonce,
 * topic3 = sender; data = abi.encode(dstChainId, receiver, payload). */
extern const uint8_t bridge_abi_topic_message_sent[32];
/* ZkLightClient: HeaderSubmitted(uint64 indexed number, bytes32 headerHash,
 * bytes32 receiptsRoot, uint256 setCommitment). */
extern const uint8_t bridge_abi_topic_header_submitted[32];
/* ZkLightClient: ValidatorSetRotated(uint64 indexed number, uint256 oldCommitment,
 * uint256 newCommitment). */
extern const uint8_t bridge_abi_topic_validator_set_rotated[32];
/* ZkLightClient: EquivocationDetected(uint64 indexed number, bytes32 storedHash,
 * bytes32 conflictingHash, address reporter). */
extern const uint8_t bridge_abi_topic_equivocation_detected[32];
/* Inbox: MessageDelivered(bytes32 indexed m, uint64 indexed nonce, address indexed receiver). */
extern const uint8_t bridge_abi_topic_message_delivered[32];
/* Inbox: MessageFailed(bytes32 indexed m, uint64 indexed nonce, address indexed receiver,
 * bytes reason). */
extern const uint8_t bridge_abi_topic_message_failed[32];
/* Inbox: MessageRetried(bytes32 indexed m, uint64 indexed nonce, address indexed receiver,
 * address caller). */
extern const uint8_t bridge_abi_topic_message_retried[32];

/* ---- function selectors ------------------------------------------------------- */

/* Outbox: send(uint64,address,bytes). */
extern const uint8_t bridge_abi_sel_send[4];
/* ZkLightClient: submitHeader(uint256[2],uint256[2][2],uint256[2],uint256,uint64,bytes32,bytes32).
 */
extern const uint8_t bridge_abi_sel_submit_header[4];
/* ZkLightClient: receiptsRoot(uint64) -> bytes32 (zero when not stored). */
extern const uint8_t bridge_abi_sel_receipts_root[4];
/* ZkLightClient: headerHash(uint64) -> bytes32 (zero when not stored). */
extern const uint8_t bridge_abi_sel_header_hash[4];
/* ZkLightClient: validatorSetCommitment() -> uint256. */
extern const uint8_t bridge_abi_sel_validator_set_commitment[4];
/* ZkLightClient: frozen() -> bool. */
extern const uint8_t bridge_abi_sel_frozen[4];
/* Inbox: deliver(uint256[2],uint256[2][2],uint256[2],uint64,uint64,address,address,bytes). */
extern const uint8_t bridge_abi_sel_deliver[4];
/* Inbox: deliverBatch((uint256[2],uint256[2][2],uint256[2],uint64,uint64,address,address,bytes)[]).
 */
extern const uint8_t bridge_abi_sel_deliver_batch[4];
/* Inbox: retry(uint64,address,address,bytes). */
extern const uint8_t bridge_abi_sel_retry[4];
/* Inbox: status(uint64) -> uint8 (0 None, 1 Delivered, 2 Failed). */
extern const uint8_t bridge_abi_sel_status[4];
/* Inbox: processed(uint64) -> bool. */
extern const uint8_t bridge_abi_sel_processed[4];

/* ---- custom errors (revert reasons) ------------------------------------------- */

/* One custom error of the bridge contracts: its selector (the first 4 bytes of the revert
 * data) and canonical signature, e.g. "InvalidProof()". */
typedef struct bridge_abi_error {
    uint8_t selector[4];
    const char *signature;
} bridge_abi_error;

/* Every custom error of Outbox, ZkLightClient and Inbox (Frozen() and InvalidProof() are
 * declared in both ZkLightClient and Inbox, with one selector: listed once). */
extern const bridge_abi_error bridge_abi_errors[];
extern const size_t bridge_abi_n_errors;

/* Returns the entry whose selector begins data (revert data of a bridge call), or NULL
 * when data is shorter than 4 bytes or names no bridge error (e.g. Error(string)).
 * In: data, len (data may be NULL when len is 0). */
const bridge_abi_error *bridge_abi_error_find(const uint8_t *data, size_t len);

/* ---- hashes shared with the contracts and the circuits ----------------------- */

/* Out: m = keccak256(abi.encode(uint64 src_chain_id, address outbox, uint64 nonce,
 *      address sender, uint64 dst_chain_id, address receiver, bytes payload)), the message
 *      hash of Outbox.messageHash and Inbox.messageHash.
 * In: outbox, sender, receiver 20 bytes; payload[0..payload_len) (NULL when 0). */
void bridge_abi_message_hash(uint8_t m[32], uint64_t src_chain_id, const uint8_t outbox[20],
                             uint64_t nonce, const uint8_t sender[20], uint64_t dst_chain_id,
                             const uint8_t receiver[20], const uint8_t *payload, size_t payload_len)
    ZK_NONNULL(1, 3, 5, 7);

/* Out: c = uint256(keccak256(abi.encodePacked(address[] validators))) >> 8 as 32 bytes
 *      big-endian (c[0] = 0): the validator-set commitment of ZkLightClient.commitValidators
 *      and of the finality circuit.
 * In: validators[0..n) 20-byte addresses in the header's order. */
void bridge_abi_validator_commitment(uint8_t c[32], const uint8_t (*validators)[20], size_t n)
    ZK_NONNULL(1);

/* Out: s = uint256(keccak256(abi.encodePacked(bytes32 receipts_root, bytes32 m,
 *      address outbox))) >> 8, the one public signal of the inclusion proof (Inbox). */
void bridge_abi_inclusion_signal(uint8_t s[32], const uint8_t receipts_root[32],
                                 const uint8_t m[32], const uint8_t outbox[20])
    ZK_NONNULL(1, 2, 3, 4);

/* Out: pub = the six public signals of the finality proof (ZkLightClient.submitHeader), as
 *      32-byte big-endian integers:
 *        [0] cur_set, [1] next_set (!= cur_set: a rotation),
 *        [2] (number << 128) | (header_hash >> 128), [3] header_hash & (2^128 - 1),
 *        [4] receipts_root >> 128, [5] receipts_root & (2^128 - 1).
 * In: cur_set, next_set commitments (bridge_abi_validator_commitment); header_hash and
 *     receipts_root 32 bytes. */
void bridge_abi_finality_signals(uint8_t pub[6][32], const uint8_t cur_set[32],
                                 const uint8_t next_set[32], uint64_t number,
                                 const uint8_t header_hash[32], const uint8_t receipts_root[32])
    ZK_NONNULL(1, 2, 3, 5, 6);

#endif
