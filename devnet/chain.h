/* The devnet sealer's chain: every anvil block n re-issued as a QBFT block n.
 *
 * DEVNET TOOLING, NEVER FOR PRODUCTION. The validator keys are public
 * (keccak256("zkrelay devnet validator <i>")), so anyone can forge this chain.
 *
 * Block n's header keeps anvil's execution fields (stateRoot,
 * transactionsRoot, receiptsRoot, logsBloom, number, gasLimit, gasUsed,
 * timestamp, baseFeePerGas) in the London layout (anvil's later fork fields
 * are dropped, as a London Besu network would have none), and carries the QBFT
 * consensus fields: parentHash = the previous QBFT block's hash, mixHash = the
 * Istanbul digest, difficulty 1, nonce 0, ommers = keccak256(0xc0), coinbase =
 * the round-0 proposer (the list's member at index n mod size, Besu's
 * round robin), and extraData = RLP [32 zero bytes, validators, vote, round 0,
 * seals] with seals by the first max(seals, quorum) members whose keys we hold
 * (lightclient/bft.h bft_seal_header). Block 0 lists the genesis set with no
 * seals and keeps anvil's zero parentHash and coinbase.
 *
 * Seals are RFC 6979 deterministic, so the chain is a pure function of
 * anvil's blocks, the keys and the votes: a restarted sealer serves the same
 * hashes. Votes are the only input that is not in anvil; with a state
 * directory they are kept in DIR/votes.json and replayed at their heights.
 *
 * Votes follow QBFT as lightclient/lc.c checks it: a vote scheduled with
 * devnet_chain_vote goes into the vote field of the next block sealed (one per
 * block, in order), and the block after it lists the set with the address added
 * or dropped (Besu executes a deciding vote at the next block). The new set
 * seals that block.
 *
 * Following anvil: devnet_chain_sync asks anvil for its head and seals what is
 * new; a head that went back or a block whose parent is not the block we hold
 * (evm_revert, anvil_reset) drops our blocks from there and re-seals.
 *
 * Not thread safe: the server serialises calls with its own lock. */
#ifndef ZKRELAY_DEVNET_CHAIN_H
#define ZKRELAY_DEVNET_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <secp256k1.h>

#include "lightclient/header.h"
#include "lightclient/valset.h"
#include "lightclient/zk_err.h"
#include "relayer/rpc.h"

/* Keys the sealer derives: the first n_validators form the genesis set, the
 * rest can be voted in (and then seal). */
#define DEVNET_MAX_KEYS 16

/* Largest number of votes remembered (scheduled or applied). */
#define DEVNET_MAX_VOTES 1024

typedef struct devnet_vote_rec {
    uint64_t block; /* the block whose vote field carries it (0: not yet sealed) */
    uint8_t addr[20];
    bool add;
} devnet_vote_rec;

typedef struct devnet_block {
    uint8_t hash[32];       /* the QBFT block hash */
    uint8_t anvil_hash[32]; /* anvil's hash of block n */
    uint8_t *rlp;           /* the sealed header's RLP (owned) */
    size_t rlp_len;
} devnet_block;

typedef struct devnet_chain_config {
    size_t n_validators;   /* genesis set size, 1..n_keys */
    size_t seals;          /* seals per block (0: all members we hold keys for); at
                              least the quorum is always used */
    const char *state_dir; /* may be NULL: votes are then forgotten at exit */
} devnet_chain_config;

typedef struct devnet_chain {
    const secp256k1_context *ctx; /* borrowed */
    rpc_client *anvil;            /* borrowed */
    devnet_chain_config cfg;
    uint8_t keys[DEVNET_MAX_KEYS][32];
    uint8_t addrs[DEVNET_MAX_KEYS][20];
    size_t n_keys;
    devnet_block *blocks; /* blocks[n] is QBFT block n */
    size_t n_blocks, cap_blocks;
    devnet_vote_rec votes[DEVNET_MAX_VOTES]; /* applied (block > 0) then pending */
    size_t n_votes;
} devnet_chain;

/* The devnet key of index i: keccak256("zkrelay devnet validator <i>").
 * Out: key[32]. */
void devnet_key_derive(uint8_t key[32], size_t i);

/* Sets up an empty chain (no anvil call yet). keys: n_keys secret keys, or
 * NULL for the DEVNET_MAX_KEYS derived ones. When cfg->state_dir holds a
 * votes.json, its votes are loaded.
 * Returns: ZK_OK; ZK_ERR_USAGE for a validator count of 0 or above the keys,
 *          or n_keys above DEVNET_MAX_KEYS; ZK_ERR_RANGE for an invalid key;
 *          ZK_ERR_MALFORMED / ZK_ERR_IO for a bad votes.json.
 * Out: *c (free with devnet_chain_clear, also on failure).
 * In:  ctx and anvil borrowed until devnet_chain_clear; cfg copied (state_dir
 *      borrowed). */
int devnet_chain_init(devnet_chain *c, const secp256k1_context *ctx, rpc_client *anvil,
                      const devnet_chain_config *cfg, const uint8_t (*keys)[32], size_t n_keys,
                      zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4);

/* Frees the blocks and wipes the keys. */
void devnet_chain_clear(devnet_chain *c) ZK_NONNULL(1);

/* Seals every anvil block not sealed yet (see the top comment).
 * Returns: ZK_OK; the rpc_* codes talking to anvil; ZK_ERR_MALFORMED for an
 *          anvil block that does not decode; ZK_ERR_REJECTED when a set has
 *          fewer keyed members than its quorum; ZK_ERR_NOMEM. */
int devnet_chain_sync(devnet_chain *c, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

/* Drops blocks n and above (anvil replaced them). */
void devnet_chain_truncate(devnet_chain *c, uint64_t n) ZK_NONNULL(1);

/* The number of the block whose QBFT hash (or, when anvil is true, anvil
 * hash) is hash. Returns ZK_OK or ZK_ERR_NOTFOUND. */
int devnet_chain_find(const devnet_chain *c, uint64_t *n, const uint8_t hash[32],
                      bool anvil) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Decodes block n's header. Returns ZK_OK, ZK_ERR_NOTFOUND, or the decoder's
 * codes. Out: *h (free with header_clear). */
int devnet_chain_header(const devnet_chain *c, eth_header *h, uint64_t n,
                        zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* The set listed by the last sealed block after executing its vote: the set
 * that will seal the next block. Returns ZK_OK or the decoder's codes. */
int devnet_chain_next_set(const devnet_chain *c, valset *out, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Schedules a vote for the next block sealed (see the top comment). Checks it
 * against the set as the votes already scheduled will leave it: an add of a
 * member, a drop of a non-member or of the last member, and a change after
 * which the members we hold keys for fall short of the quorum are refused.
 * Returns: ZK_OK; ZK_ERR_REJECTED (err says why); ZK_ERR_RANGE when
 *          DEVNET_MAX_VOTES are remembered; ZK_ERR_IO writing votes.json. */
int devnet_chain_vote(devnet_chain *c, const uint8_t addr[20], bool add,
                      zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* The light client's checkpoint for block 0 (lightclient/lc.h format, with the
 * header), as an operator would write it.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND before the first sync; ZK_ERR_NOMEM.
 * Out: *out a new reference. */
int devnet_chain_checkpoint(const devnet_chain *c, json_t **out, uint64_t chain_id,
                            zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

#endif
