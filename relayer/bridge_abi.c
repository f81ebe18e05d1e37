/* Selectors, topics and errors of the bridge contracts; the hashes they share with the
 * circuits. Every constant is checked against contracts-abi/build/<Name>.json by
 * tests/contracts/test_contracts_build.c. */
#include "relayer/bridge_abi.h"

#include <string.h>

#include "lightclient/bytes.h"
#include "lightclient/keccak.h"

/* keccak256("MessageSent(bytes32,uint64,address,uint64,address,bytes)") */
const uint8_t bridge_abi_topic_message_sent[32] = {
    0xc2, 0xd2, 0x15, 0x94, 0xff, 0xa2, 0x03, 0x74, 0x64, 0x96, 0x27, 0x2b, 0x8a, 0x0d, 0x0c, 0xbb,
    0x16, 0xd0, 0x62, 0x4e, 0x45, 0x55, 0xea, 0x04, 0x8f, 0xcc, 0x3c, 0x85, 0x83, 0x31, 0xc8, 0xb1,
};

/* keccak256("HeaderSubmitted(uint64,bytes32,bytes32,uint256)") */
const uint8_t bridge_abi_topic_header_submitted[32] = {
    0xc4, 0xcd, 0x6a, 0xa6, 0x4c, 0x90, 0x23, 0xf6, 0x64, 0xa0, 0xbb, 0x9f, 0x89, 0x51, 0x1b, 0xfb,
    0xc9, 0xad, 0xd0, 0x52, 0x21, 0xca, 0xaa, 0x0a, 0xbe, 0x21, 0x13, 0x6b, 0xa8, 0x34, 0x0a, 0xca,
};

/* keccak256("ValidatorSetRotated(uint64,uint256,uint256)") */
const uint8_t bridge_abi_topic_validator_set_rotated[32] = {
    0xe3, 0x80, 0x1b, 0x46, 0x09, 0xb6, 0xa7, 0x2e, 0x4e, 0x7b, 0xfc, 0x50, 0x4c, 0x7a, 0x3f, 0x3f,
    0x1a, 0x22, 0x92, 0x50, 0x33, 0x07, 0xba, 0xfe, 0xcc, 0x4f, 0xea, 0xd3, 0x02, 0xad, 0xd9, 0xd0,
};

/* keccak256("EquivocationDetected(uint64,bytes32,bytes32,address)") */
const uint8_t bridge_abi_topic_equivocation_detected[32] = {
    0xf6, 0xa6, 0xeb, 0x29, 0x1e, 0x2b, 0x39, 0xff, 0xdc, 0x6c, 0x2f, 0x9d, 0xa6, 0xdf, 0x08, 0x58,
    0x98, 0xa0, 0x85, 0x7f, 0x84, 0xe1, 0x6e, 0x3e, 0xb3, 0x13, 0x14, 0x5e, 0x68, 0x77, 0x61, 0xe7,
};

/* keccak256("MessageDelivered(bytes32,uint64,address)") */
const uint8_t bridge_abi_topic_message_delivered[32] = {
    0xdd, 0x91, 0x26, 0xc7, 0xf1, 0xd0, 0x25, 0xfe, 0xa1, 0x0a, 0x31, 0x31, 0x4a, 0xcd, 0x0b, 0xf4,
    0xec, 0x3c, 0xdc, 0x86, 0x95, 0xcf, 0x03, 0xd5, 0x01, 0xe3, 0xba, 0x84, 0x9c, 0xc9, 0x69, 0xb1,
};

/* keccak256("MessageFailed(bytes32,uint64,address,bytes)") */
const uint8_t bridge_abi_topic_message_failed[32] = {
    0x35, 0x27, 0x93, 0x49, 0xc0, 0xc9, 0x36, 0x2e, 0xfa, 0xd3, 0x25, 0x24, 0xe2, 0x3b, 0x68, 0x7a,
    0x44, 0x1a, 0x12, 0x98, 0xad, 0x1c, 0x87, 0x4c, 0x95, 0xb3, 0xf0, 0x85, 0x95, 0x5e, 0x72, 0x6a,
};

/* keccak256("MessageRetried(bytes32,uint64,address,address)") */
const uint8_t bridge_abi_topic_message_retried[32] = {
    0x16, 0xcb, 0x77, 0x61, 0x21, 0x5b, 0x91, 0x28, 0x52, 0xa9, 0x83, 0xd0, 0x0f, 0x66, 0x5a, 0x79,
    0xb6, 0x2e, 0x35, 0x94, 0x40, 0xaf, 0x49, 0x7b, 0xa7, 0xad, 0xf9, 0x01, 0x58, 0x8d, 0x4d, 0xb6,
};

/* send(uint64,address,bytes) */
const uint8_t bridge_abi_sel_send[4] = {0x67, 0x91, 0x4f, 0x6e};

/* submitHeader(uint256[2],uint256[2][2],uint256[2],uint256,uint64,bytes32,bytes32) */
const uint8_t bridge_abi_sel_submit_header[4] = {0xba, 0xb3, 0xfe, 0xf7};

/* receiptsRoot(uint64) */
const uint8_t bridge_abi_sel_receipts_root[4] = {0x2b, 0xd8, 0x70, 0x6c};

/* headerHash(uint64) */
const uint8_t bridge_abi_sel_header_hash[4] = {0x95, 0x93, 0x4b, 0xae};

/* validatorSetCommitment() */
const uint8_t bridge_abi_sel_validator_set_commitment[4] = {0x56, 0xba, 0x3f, 0x5f};

/* frozen() */
const uint8_t bridge_abi_sel_frozen[4] = {0x05, 0x4f, 0x7d, 0x9c};

/* deliver(uint256[2],uint256[2][2],uint256[2],uint64,uint64,address,address,bytes) */
const uint8_t bridge_abi_sel_deliver[4] = {0x2e, 0xfa, 0x52, 0x56};

/* deliverBatch((uint256[2],uint256[2][2],uint256[2],uint64,uint64,address,address,bytes)[]) */
const uint8_t bridge_abi_sel_deliver_batch[4] = {0xa9, 0x6a, 0x6c, 0x95};

/* retry(uint64,address,address,bytes) */
const uint8_t bridge_abi_sel_retry[4] = {0x18, 0xac, 0x1a, 0x9c};

/* status(uint64) */
const uint8_t bridge_abi_sel_status[4] = {0x20, 0xbf, 0xf8, 0x93};

/* processed(uint64) */
const uint8_t bridge_abi_sel_processed[4] = {0x22, 0xdc, 0x36, 0xe2};

const bridge_abi_error bridge_abi_errors[] = {
    {{0x20, 0xc7, 0xe4, 0x02}, "ChainIdTooLarge(uint256)"},
    {{0x04, 0x24, 0x75, 0x64}, "PayloadTooLarge(uint256,uint256)"},
    {{0x6b, 0xa9, 0xec, 0xd8}, "ZeroReceiver()"},
    {{0x86, 0x89, 0x4e, 0xa7}, "AtOrBelowCheckpoint(uint64,uint64)"},
    {{0x03, 0xc3, 0x00, 0x82}, "BadValidatorSet(uint256)"},
    {{0x39, 0x28, 0x49, 0x35}, "CommitmentOutOfRange(uint256)"},
    {{0xa8, 0xca, 0xb3, 0xd1}, "Frozen()"},
    {{0x09, 0xbd, 0xe3, 0x39}, "InvalidProof()"},
    {{0xf0, 0xfb, 0xb5, 0xa5}, "NoVerifierCode(address)"},
    {{0x8e, 0x96, 0x8b, 0x85}, "NotAboveLastRotation(uint64,uint64)"},
    {{0x77, 0xc4, 0x6f, 0xa9}, "ZeroHeader()"},
    {{0x05, 0x73, 0x13, 0xb9}, "BadAncestor(uint64)"},
    {{0x3d, 0x16, 0xf9, 0xd9}, "AlreadyProcessed(uint64)"},
    {{0x03, 0x52, 0x86, 0x4e}, "HeaderNotStored(uint64)"},
    {{0x23, 0xe2, 0x28, 0xcb}, "InsufficientGas(uint256,uint256)"},
    {{0x67, 0x45, 0x20, 0xb6}, "NoCode(address)"},
    {{0x46, 0x2a, 0xf5, 0xaa}, "NotFailed(uint64,bytes32)"},
    {{0xde, 0xe5, 0xfa, 0x40}, "RetryFailed(bytes)"},
    {{0x98, 0xc5, 0x40, 0x7b}, "WrongChain(uint256,uint64)"},
};
const size_t bridge_abi_n_errors = sizeof(bridge_abi_errors) / sizeof(bridge_abi_errors[0]);

const bridge_abi_error *bridge_abi_error_find(const uint8_t *data, size_t len)
{
    if (len < 4) return NULL;
    for (size_t i = 0; i < bridge_abi_n_errors; i++)
        if (memcmp(bridge_abi_errors[i].selector, data, 4) == 0) return &bridge_abi_errors[i];
    return NULL;
}

/* An ABI word: v right-aligned in 32 bytes (uint64 and address are left-padded with zeros). */
static void abi_word(uint8_t w[32], const uint8_t *v, size_t len)
{
    memset(w, 0, 32);
    memcpy(w + 32 - len, v, len);
}

static void abi_word_u64(uint8_t w[32], uint64_t v)
{
    uint8_t be[8];
    be64_store(be, v);
    abi_word(w, be, 8);
}

void bridge_abi_message_hash(uint8_t m[32], uint64_t src_chain_id, const uint8_t outbox[20],
                             uint64_t nonce, const uint8_t sender[20], uint64_t dst_chain_id,
                             const uint8_t receiver[20], const uint8_t *payload, size_t payload_len)
{
    /* abi.encode of 7 values: six static words, the offset of the bytes tail (7 * 32), then
     * the tail: its length and the data zero-padded to a multiple of 32. Hashed as a stream:
     * the payload is never copied. */
    static const uint8_t zeros[32] = {0};
    uint8_t w[32];
    keccak256_ctx k;
    keccak256_init(&k);
    abi_word_u64(w, src_chain_id);
    keccak256_update(&k, w, 32);
    abi_word(w, outbox, 20);
    keccak256_update(&k, w, 32);
    abi_word_u64(w, nonce);
    keccak256_update(&k, w, 32);
    abi_word(w, sender, 20);
    keccak256_update(&k, w, 32);
    abi_word_u64(w, dst_chain_id);
    keccak256_update(&k, w, 32);
    abi_word(w, receiver, 20);
    keccak256_update(&k, w, 32);
    abi_word_u64(w, 7 * 32);
    keccak256_update(&k, w, 32);
    abi_word_u64(w, (uint64_t)payload_len);
    keccak256_update(&k, w, 32);
    if (payload_len > 0) keccak256_update(&k, payload, payload_len);
    if (payload_len % 32 != 0) keccak256_update(&k, zeros, 32 - payload_len % 32);
    keccak256_final(&k, m);
}

/* out = h >> 8 as a 256-bit big-endian integer. */
static void shift_right_8(uint8_t out[32], const uint8_t h[32])
{
    uint8_t t[32];
    t[0] = 0;
    memcpy(t + 1, h, 31);
    memcpy(out, t, 32);
}

void bridge_abi_validator_commitment(uint8_t c[32], const uint8_t (*validators)[20], size_t n)
{
    uint8_t h[32];
    keccak256_ctx k;
    keccak256_init(&k);
    for (size_t i = 0; i < n; i++)
        keccak256_update(&k, validators[i], 20);
    keccak256_final(&k, h);
    shift_right_8(c, h);
}

void bridge_abi_inclusion_signal(uint8_t s[32], const uint8_t receipts_root[32],
                                 const uint8_t m[32], const uint8_t outbox[20])
{
    uint8_t h[32];
    keccak256_ctx k;
    keccak256_init(&k);
    keccak256_update(&k, receipts_root, 32);
    keccak256_update(&k, m, 32);
    keccak256_update(&k, outbox, 20);
    keccak256_final(&k, h);
    shift_right_8(s, h);
}

void bridge_abi_finality_signals(uint8_t pub[6][32], const uint8_t cur_set[32],
                                 const uint8_t next_set[32], uint64_t number,
                                 const uint8_t header_hash[32], const uint8_t receipts_root[32])
{
    memcpy(pub[0], cur_set, 32);
    memcpy(pub[1], next_set, 32);
    /* [2]: bytes 0..7 zero, 8..15 the number, 16..31 the hash's high half. */
    memset(pub[2], 0, 32);
    be64_store(pub[2] + 8, number);
    memcpy(pub[2] + 16, header_hash, 16);
    memset(pub[3], 0, 16);
    memcpy(pub[3] + 16, header_hash + 16, 16);
    memset(pub[4], 0, 16);
    memcpy(pub[4] + 16, receipts_root, 16);
    memset(pub[5], 0, 16);
    memcpy(pub[5] + 16, receipts_root + 16, 16);
}
