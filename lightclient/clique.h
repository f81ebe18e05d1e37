/* Clique proof-of-authority (EIP-225) header verification, as go-ethereum's
 * consensus/clique implements it (clique.go verifyHeader / verifyCascadingFields
 * / verifySeal, snapshot.go apply), plus a finality rule for a chain that has
 * none of its own.
 *
 * Header layout (EIP-225):
 *   extraData = vanity (32 bytes)
 *               || signers (checkpoint blocks only: N x 20-byte addresses, ascending)
 *               || seal (65 bytes: r || s || v, v in {0, 1})
 *   seal hash = keccak256(RLP(header with extraData minus its last 65 bytes)),
 *               every other field unchanged (baseFeePerGas and any later fork
 *               field included when present, as go-ethereum's SealHash);
 *   block hash = keccak256(RLP(full header)).
 * A checkpoint is a block whose number is a multiple of the epoch.
 *
 * Rules clique_apply enforces. A rejection's err message starts with
 * "clique: <rule>: " where <rule> is one of these fixed tokens:
 *   extra-vanity               extraData shorter than 32 bytes
 *   extra-seal                 extraData shorter than 32 + 65 bytes
 *   extra-signers              signer bytes on a non-checkpoint block
 *   checkpoint-signers-length  checkpoint signer bytes not a multiple of 20
 *   checkpoint-signers         checkpoint list differs from the snapshot's set
 *                              (same members in ascending order, byte for byte)
 *   checkpoint-coinbase        non-zero coinbase on a checkpoint
 *   checkpoint-vote            non-zero nonce on a checkpoint
 *   vote-nonce                 nonce neither 0x00..00 (drop) nor 0xff..ff (add)
 *   mix-hash                   non-zero mixHash
 *   ommers-hash                ommers hash other than keccak256(RLP([]))
 *   difficulty                 difficulty other than 1 or 2
 *   difficulty-turn            2 from an out-of-turn signer, or 1 from the in-turn one
 *   number                     number is not the snapshot head's number + 1
 *   parent-hash                parentHash is not the snapshot head's hash
 *   timestamp                  timestamp < parent timestamp + period
 *   gas-limit                  gasLimit > 2^63-1, < 5000, or moved by >= parent/1024
 *                              (with the parent limit doubled at the London block)
 *   gas-used                   gasUsed > gasLimit
 *   fork-fields                fewer fork fields than the parent (forks only add)
 *   seal                       seal not recoverable (v not 0/1, r or s out of range)
 *   unauthorized-signer        the recovered signer is not in the snapshot's set
 *   recently-signed            the signer sealed one of the last floor(n/2) blocks
 *   vote-limit / signer-limit  the snapshot's fixed capacity would be exceeded
 * Not checked (they need a clock or execution): a timestamp in the future, and
 * EIP-1559 baseFee arithmetic.
 *
 * Seals are recovered with high s allowed: go-ethereum's ecrecover does not
 * enforce EIP-2 on seals, so a signer could otherwise fork this client off.
 *
 * Pointers are non-NULL unless stated; err may always be NULL. Variable time
 * (public data only). */
#ifndef ZKRELAY_LIGHTCLIENT_CLIQUE_H
#define ZKRELAY_LIGHTCLIENT_CLIQUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <secp256k1.h>

#include "header.h"
#include "valset.h"
#include "zk_err.h"

#define CLIQUE_VANITY 32 /* extraData prefix reserved for signer vanity */
#define CLIQUE_SEAL   65 /* extraData suffix: r || s || v */

/* The recent-signer window is floor(n/2) + 1 blocks, so at most this many. */
#define CLIQUE_MAX_RECENTS (VALSET_MAX / 2 + 1)

/* Pending votes a snapshot holds. go-ethereum's list is unbounded within an
 * epoch; a header whose vote would exceed this is refused (vote-limit) rather
 * than letting a hostile signer set grow our memory. Honest networks carry a
 * handful of votes at a time. */
#define CLIQUE_MAX_VOTES 512

/* Chain parameters from the genesis config's "clique" object.
 * Goerli: epoch 30000, period 15. */
typedef struct clique_config {
    uint64_t epoch;  /* checkpoint interval in blocks, > 0 */
    uint64_t period; /* minimum seconds between consecutive blocks */
} clique_config;

/* One pending vote (snapshot.go Vote). */
typedef struct clique_vote {
    uint8_t signer[20];    /* who voted */
    uint8_t candidate[20]; /* the header's coinbase */
    bool authorize;        /* nonce 0xff..ff: add; 0x00..00: drop */
    uint64_t block;        /* where it was cast */
} clique_vote;

/* The authorization state after block `number` (snapshot.go Snapshot). A flat
 * struct with no heap memory: copy it with memcpy or assignment.
 * Invariants: recents are the signers of the blocks in
 * (number - (floor(signers.n/2)+1), number] that this snapshot saw, ascending by
 * block number; every vote is valid for its candidate (an add for a non-member,
 * a drop for a member) and no (signer, candidate) pair appears twice, so the
 * tally of a candidate is simply its number of votes. */
typedef struct clique_snapshot {
    clique_config cfg;
    uint64_t number;               /* head block number */
    uint8_t hash[32];              /* head block hash */
    uint64_t timestamp, gas_limit; /* of the head, for its child's checks */
    size_t fields;                 /* head's RLP field count (fork level) */
    valset signers;                /* the authorized set, ascending */
    size_t n_recents;
    uint64_t recent_number[CLIQUE_MAX_RECENTS];
    uint8_t recent_signer[CLIQUE_MAX_RECENTS][20];
    size_t n_votes;
    clique_vote votes[CLIQUE_MAX_VOTES]; /* chronological */
} clique_snapshot;

/* The seal hash of h (see the top comment).
 * Returns: ZK_OK; ZK_ERR_MALFORMED when extraData is shorter than 65 bytes or
 *          the header's fork flags are inconsistent; ZK_ERR_NOMEM.
 * Out: out[32].  In: h. */
int clique_seal_hash(uint8_t out[32], const eth_header *h, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Recovers the address that sealed h: ecrecover(seal hash, last 65 bytes of
 * extraData). It does not check that the signer is authorized.
 * Returns: ZK_OK; ZK_ERR_MALFORMED as clique_seal_hash; ZK_ERR_RANGE when v is
 *          not 0 or 1 or r or s is zero or >= n; ZK_ERR_REJECTED when no key is
 *          recoverable.
 * Out: signer[20], written only on ZK_OK.
 * In:  ctx (ecdsa_context_new), h. */
int clique_recover_signer(uint8_t signer[20], const secp256k1_context *ctx, const eth_header *h,
                          zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* A snapshot at a trusted checkpoint header (genesis, or any epoch block the
 * operator vouches for): signers from its extraData, no recents, no votes. Its
 * seal is not checked (the genesis seal is 65 zero bytes). At genesis the list
 * may be in any order, as go-ethereum reads it; at a later epoch block it must
 * be strictly ascending, as every honest sealer writes it.
 * Returns: ZK_OK; ZK_ERR_USAGE when cfg->epoch is 0 or checkpoint->number is
 *          not a multiple of it; ZK_ERR_MALFORMED when extraData is not
 *          32 + 20N + 65 bytes with N >= 1, lists an address twice, or (after
 *          genesis) is not ascending; ZK_ERR_RANGE when N > VALSET_MAX;
 *          ZK_ERR_MALFORMED / ZK_ERR_NOMEM from hashing the header.
 * Out: *out, fully written on ZK_OK.
 * In:  cfg, checkpoint (neither kept). */
int clique_snapshot_from_checkpoint(clique_snapshot *out, const clique_config *cfg,
                                    const eth_header *checkpoint, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* Verifies that h is a valid child of the snapshot's head under every rule in
 * the top comment, then applies it: head moves to h, h's signer enters the
 * recents, its vote is tallied (votes reset at checkpoints), and a candidate
 * with more than floor(n/2) votes is added or dropped (snapshot.go apply).
 * Returns: ZK_OK; ZK_ERR_MALFORMED (extraData layout rules); ZK_ERR_MISMATCH
 *          (number, parent-hash, checkpoint-signers); ZK_ERR_REJECTED (every
 *          other consensus rule, seal included); ZK_ERR_RANGE (vote-limit,
 *          signer-limit); ZK_ERR_NOMEM. err starts with "clique: <rule>: ".
 * In/Out: snap, unchanged unless ZK_OK.
 * Out: signer_out[20], the recovered signer, written only on ZK_OK (may be NULL).
 * In:  ctx, h (not kept). */
int clique_apply(clique_snapshot *snap, const secp256k1_context *ctx, const eth_header *h,
                 uint8_t signer_out[20], zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* True when signer is the in-turn signer for block number under snap's set:
 * its index in the ascending list equals number % n (difficulty 2). False for a
 * non-member or an empty set. */
bool clique_is_inturn(const clique_snapshot *snap, uint64_t number, const uint8_t signer[20])
    ZK_NONNULL(1, 3);

/* True when signer may seal block snap->number + 1: it is in the set and has
 * not sealed one of the last floor(n/2) blocks. For sealers and tests. */
bool clique_can_seal(const clique_snapshot *snap, const uint8_t signer[20]) ZK_NONNULL(1, 2);

/* Number of pending votes for candidate (snapshot.go Tally.Votes). */
size_t clique_tally(const clique_snapshot *snap, const uint8_t candidate[20]) ZK_NONNULL(1, 2);

/* How many recent headers clique_finality keeps. A chain that obeys the recents
 * rule reaches the threshold within floor(n/2) + 1 <= 129 headers. */
#define CLIQUE_FINALITY_WINDOW 512

/* Names the finality rule, for status output and logs. */
#define CLIQUE_FINALITY_RULE "clique-window-majority"

/* Finality for a chain without finality: the window rule.
 *
 * Rule (exact): let head be the last header pushed, S the signer set of the
 * snapshot passed with that push and n = |S|. A pushed header at number k is
 * final when the addresses that sealed its descendants k+1, ..., head, counted
 * once each and only if in S, number more than floor(n/2). Only the last
 * CLIQUE_FINALITY_WINDOW pushed headers are considered. After each push the
 * highest such k is computed; clique_finality_latest reports the highest k
 * ever found, so a header once final stays final (a larger set after a vote
 * cannot withdraw it).
 *
 * Why: a majority of the signers built on k. The header's own signer does not
 * count, so an honest out-of-turn orphan plus a byzantine minority building on
 * it never reaches the threshold, and one signer sealing every block never
 * does (when n > 1). This is probabilistic finality, not BFT finality: Clique
 * signers may legitimately seal competing branches, and a deep reorg during a
 * network partition can still undo a header this rule called final.
 *
 * The headers pushed must be contiguous in number; the caller verifies each
 * with clique_apply first (this struct trusts the signer it is given). */
typedef struct clique_finality {
    size_t len;   /* headers held, <= CLIQUE_FINALITY_WINDOW */
    size_t first; /* ring index of the oldest */
    uint64_t number[CLIQUE_FINALITY_WINDOW];
    uint8_t hash[CLIQUE_FINALITY_WINDOW][32];
    uint8_t signer[CLIQUE_FINALITY_WINDOW][20];
    bool has_final;
    uint64_t final_number;
    uint8_t final_hash[32];
} clique_finality;

/* Empties f (no headers, nothing final). Out: f. */
void clique_finality_init(clique_finality *f) ZK_NONNULL(1);

/* Appends a verified header and re-evaluates the rule.
 * Returns: ZK_OK; ZK_ERR_MISMATCH when f is not empty and number is not the
 *          last pushed number + 1 (f unchanged; start again with
 *          clique_finality_init after a reorg).
 * In/Out: f.
 * In:  snap (the snapshot after clique_apply of this header; not kept), number,
 *      hash[32], signer[20]. */
int clique_finality_push(clique_finality *f, const clique_snapshot *snap, uint64_t number,
                         const uint8_t hash[32], const uint8_t signer[20]) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 4, 5);

/* The highest header final under the window rule (see clique_finality).
 * Returns: ZK_OK; ZK_ERR_NOTFOUND when no header is final yet.
 * Out: *number, hash[32], written only on ZK_OK (hash may be NULL).
 * In:  f. */
int clique_finality_latest(const clique_finality *f, uint64_t *number,
                           uint8_t hash[32]) ZK_MUST_CHECK ZK_NONNULL(1, 2);

#endif
