/* QBFT and IBFT 2.0 headers as Hyperledger Besu (and GoQuorum for QBFT) write
 * and verify them: the extraData codec, the two hashes derived from a header
 * (the on-chain block hash and the commit-seal hash every validator signs),
 * seal recovery and the quorum rule. IBFT 1.0 ("legacy istanbul") is a
 * different format and is not handled here.
 *
 * extraData = RLP [vanity, [validator...], vote, round, [seal...]]
 *   QBFT  (Besu QbftExtraDataCodec, GoQuorum QBFTExtra):
 *         no vote = empty list 0xc0; vote = [addr, 0x81ff] (add) or [addr, 0x80]
 *         (drop); round = minimal big-endian scalar (round 0 = 0x80).
 *   IBFT2 (Besu IbftExtraDataCodec):
 *         no vote = empty string 0x80; vote = [addr, 0x81ff] (add) or [addr, 0x00]
 *         (drop); round = a 4-byte big-endian string 0x84xxxxxxxx.
 *   seal  = r (32) || s (32) || recovery id (1, 0 or 1) over the commit-seal hash.
 *
 * Hashes (Besu BftBlockHashing; the header RLP is the ordinary Ethereum one with
 * extraData replaced by a re-encoding of the decoded fields):
 *   commit-seal hash  QBFT: seals -> empty list, round kept.
 *                     IBFT2: 4-item list, the seals item dropped.
 *   block hash        QBFT: round -> 0, seals -> empty list.
 *                     IBFT2: 3-item list [vanity, validators, vote].
 *   block 0           extraData is hashed unchanged in both (serializeHeader).
 * Seals sign the raw 32-byte commit-seal hash (no message prefix).
 *
 * Which set seals a header: Besu's BftValidatorsValidationRule requires header
 * N's validator list to equal getValidatorsAfterBlock(N-1), and
 * BftCommitSealsValidationRule checks N's seals against that same set. So a
 * header is sealed by the set it lists itself, and that list is what the light
 * client trusts for N+1 (it becomes N+1's parent set). See bft_verify_header for
 * how a change of set is authorised. */
#ifndef ZKRELAY_LIGHTCLIENT_BFT_H
#define ZKRELAY_LIGHTCLIENT_BFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <secp256k1.h>

#include "bytes.h"
#include "header.h"
#include "valset.h"
#include "zk_err.h"

#define BFT_VANITY_LEN 32 /* BftVanityDataValidationRule: exactly 32 bytes */
#define BFT_SEAL_LEN   65 /* SECPSignature.BYTES_REQUIRED */

/* The mixHash of every QBFT/IBFT 2.0 header: "ctical byzantine fault
 * tolerance" (Besu BftHelpers.EXPECTED_MIX_HASH, GoQuorum IstanbulDigest). */
extern const uint8_t bft_istanbul_digest[32];

typedef enum bft_flavor { BFT_QBFT, BFT_IBFT2 } bft_flavor;

typedef struct bft_vote {
    bool present;
    uint8_t recipient[20];
    bool add; /* true: add the recipient (0xff); false: drop it */
} bft_vote;

typedef struct bft_extra {
    uint8_t vanity[32];
    size_t vanity_len; /* 0..32; a header needs exactly 32 */
    size_t n_validators;
    uint8_t validators[VALSET_MAX][20]; /* header order */
    bft_vote vote;
    uint32_t round;
    size_t n_seals;
    uint8_t seals[VALSET_MAX][65];
} bft_extra;

/* Which re-encoding of extraData to produce (Besu EncodingType). */
typedef enum bft_extra_form {
    BFT_EXTRA_FULL,            /* every field: the bytes found in the header */
    BFT_EXTRA_FOR_COMMIT_SEAL, /* EXCLUDE_COMMIT_SEALS */
    BFT_EXTRA_FOR_BLOCK_HASH   /* EXCLUDE_COMMIT_SEALS_AND_ROUND_NUMBER */
} bft_extra_form;

/* Decodes extraData strictly, so that re-encoding it (BFT_EXTRA_FULL) gives
 * back exactly the input: one canonical RLP list of exactly 5 items with
 * nothing after it (Besu rejects trailing bytes; Besu's QBFT decoder ignores
 * items after the seals but GoQuorum and Besu's IBFT2 decoder reject them, and
 * such an item lies outside every hash, so we reject it too); vanity at most 32
 * bytes; each validator a 20-byte string, at most VALSET_MAX; the vote in the
 * flavor's form (a QBFT drop written 0x00 is refused: GoQuorum rejects it and
 * re-encoding would change the bytes); the round minimal and at most 4 bytes
 * (QBFT) or exactly 4 bytes (IBFT2); each seal a 65-byte string with r and s in
 * [1, n-1] and recovery id 0 or 1 (Besu SECPSignature.create), at most VALSET_MAX.
 * s above n/2 is accepted: see bft_verify_header.
 * Returns: ZK_OK; ZK_ERR_TRUNCATED / ZK_ERR_TRAILING / ZK_ERR_NONCANONICAL from
 *          the RLP layer (err->offset is the byte offset); ZK_ERR_MALFORMED for
 *          a wrong shape (empty input, not a list, wrong item count or type, a
 *          field of the wrong size, a bad vote or seal, a non-minimal round);
 *          ZK_ERR_RANGE for a list longer than VALSET_MAX or a vanity over 32
 *          bytes; ZK_ERR_USAGE for an unknown flavor. err names the field.
 * Out: *out (fully written on ZK_OK; unspecified otherwise).
 * In:  extra[0..len) (extra may be NULL when len is 0). */
int bft_extra_decode(bft_extra *out, bft_flavor f, const uint8_t *extra, size_t len,
                     zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

/* Appends the flavor's encoding of x in the given form (see the top comment).
 * Returns: ZK_OK; ZK_ERR_RANGE when vanity_len > 32 or a count exceeds
 *          VALSET_MAX, or from the buffer; ZK_ERR_NOMEM; ZK_ERR_USAGE for an
 *          unknown flavor or form.
 * In/Out: out (on failure its length may have grown: discard it). */
int bft_extra_encode(zk_buf *out, bft_flavor f, const bft_extra *x,
                     bft_extra_form form) ZK_MUST_CHECK ZK_NONNULL(1, 3);

/* Appends the RLP of h with its extraData decoded and re-encoded in the given
 * form: FOR_COMMIT_SEAL gives the commit-seal preimage, FOR_BLOCK_HASH the
 * block-hash preimage. For block 0 it appends h's RLP unchanged (Besu
 * serializeHeader keeps the genesis extraData as is).
 * Returns: ZK_OK; the codes of bft_extra_decode (extraData undecodable) and of
 *          header_encode_rlp; ZK_ERR_USAGE for an unknown flavor or form.
 * In/Out: out (on failure its length may have grown: discard it). */
int bft_header_encode(zk_buf *out, bft_flavor f, const eth_header *h, bft_extra_form form,
                      zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 3);

/* The block hash as the chain refers to it: keccak256 of the block-hash preimage.
 * Returns: as bft_header_encode.  Out: out[32]. */
int bft_block_hash(uint8_t out[32], bft_flavor f, const eth_header *h, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 3);

/* The digest every committed seal signs: keccak256 of the commit-seal preimage.
 * Returns: as bft_header_encode.  Out: out[32]. */
int bft_commit_seal_hash(uint8_t out[32], bft_flavor f, const eth_header *h,
                         zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 3);

/* What bft_verify_header learnt from an accepted header. */
typedef struct bft_result {
    uint8_t block_hash[32];
    size_t n_signers;
    uint8_t signers[VALSET_MAX][20]; /* distinct, in seal order */
    valset next_validators;          /* h's own list: the set to trust for h+1 */
    bool validators_changed;         /* next_validators differs from trusted */
    uint32_t round;
} bft_result;

/* Verifies header h (number >= 1) against trusted, the set the light client
 * trusts for it: the list of its parent (the checkpoint's set, or the
 * next_validators of the previously verified header).
 *
 * Rules, in the order checked (the first failure is reported):
 *   shape      mixHash = bft_istanbul_digest, difficulty 1, nonce 0, ommers hash
 *              = keccak256(0xc0) (Besu BftBlockHeaderValidationRulesetFactory);
 *   extraData  decodes (bft_extra_decode), vanity exactly 32 bytes, the
 *              validator list a valid set (non-empty, no duplicates, at most
 *              VALSET_MAX; list order is not checked);
 *   seals      each recovers from the raw commit-seal hash; each signer is a
 *              member of h's own list L (Besu checks seals against
 *              getValidatorsAfterBlock(parent), which its
 *              BftValidatorsValidationRule makes equal to L); no signer twice
 *              (Besu rejects a duplicate outright, it is not merely counted
 *              once); at least valset_bft_quorum(|L|) distinct signers.
 *   trust      when L equals trusted (every header but a rotation) the rules
 *              above are exactly Besu's, with trusted as the stored set.
 *              When L differs, the light client cannot replay Besu's vote tally,
 *              so L must be vouched for by trusted: at least
 *              floor((|trusted| - 1) / 3) + 1 signers must be members of
 *              trusted, i.e. more than the faults trusted tolerates, so at least
 *              one honest old validator signed the header that lists L. A Besu
 *              rotation changes one member per block, and then L's own quorum
 *              always contains that many old members; a header sealed only by
 *              validators new to trusted never passes. (Requiring trusted's
 *              full quorum would stall on real chains: after dropping 1 of 5
 *              validators, blocks carry 3 seals from the remaining 4.)
 *
 * High-s seals are accepted. Besu decodes seals with SECPSignature.create, which
 * checks only 1 <= r, s < n and recId in {0, 1}, and recovers without a low-s
 * rule (only transaction signatures get EIP-2); GoQuorum recovers with
 * crypto.SigToPub, which has none either. Rejecting them would stall the light
 * client on a header both clients accept, and it buys nothing: (r, n-s) recovers
 * the same signer, and signers are deduplicated by address.
 *
 * Variable time (public data only). Cost: one ecrecover per seal plus two
 * header encodings and Keccak-256 hashes; the first bad seal stops the work.
 * Returns: ZK_OK only after every rule passed; ZK_ERR_MALFORMED when extraData
 *          does not decode (err: "extraData: ..."); ZK_ERR_REJECTED with the rule
 *          in err ("mixHash is not the Istanbul digest", "difficulty is not 1",
 *          "nonce is not zero", "ommers hash is not the empty-list hash",
 *          "vanity is N bytes, not 32", "validator list: ...", "malformed seal
 *          i: ...", "seal by non-validator 0x..", "duplicate seal by 0x..",
 *          "quorum not reached: k of n, need q", "rotation not authorised by
 *          the trusted set: k of n signed, need m"); ZK_ERR_USAGE for block 0
 *          (the genesis is the trust anchor, not verified by seals), an empty
 *          trusted set or an unknown flavor; ZK_ERR_NOMEM.
 * Out: *res, meaningful only on ZK_OK.
 * In:  ctx (from ecdsa_context_new), h, trusted. */
int bft_verify_header(bft_result *res, const secp256k1_context *ctx, bft_flavor f,
                      const eth_header *h, const valset *trusted, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 4, 5);

/* Seals a header, for tests, the devnet sealer and benchmarks: encodes
 * x_without_seals (its n_seals and seals are ignored), signs the resulting
 * commit-seal hash with each key in order, and stores the FULL encoding with
 * those seals as h's extraData (the old extra_data is freed). h's other fields
 * (mixHash, difficulty, ...) are left as the caller set them.
 * Returns: ZK_OK; ZK_ERR_USAGE for block 0, n_keys > VALSET_MAX or an unknown
 *          flavor; ZK_ERR_RANGE for a key that is zero or >= n, or from the
 *          encoder; ZK_ERR_NOMEM. On failure h is unchanged.
 * In/Out: h (owns the new extra_data; free with header_clear).
 * In:  ctx, x_without_seals, seckeys[0..n_keys) (32 bytes each, constant time
 *      in them inside libsecp256k1). */
int bft_seal_header(eth_header *h, const secp256k1_context *ctx, bft_flavor f,
                    const bft_extra *x_without_seals, const uint8_t (*seckeys)[32], size_t n_keys,
                    zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4);

#endif
