/* The finality statement: a QBFT header is final under the validator set the destination
 * contract trusts, and it hands over to the set listed in its extraData.
 *
 * Public signals (in public.json order; contracts-abi/README.md has the contract side):
 *   [0] cV  = commit(trusted set)             commit(L) = keccak256(addr_1 || ... || addr_k) >> 8
 *   [1] cV' = commit(the header's own list L) (the set for the next blocks; != cV: rotation)
 *   [2] number << 128 | headerHash >> 128
 *   [3] headerHash mod 2^128
 *   [4] receiptsRoot >> 128
 *   [5] receiptsRoot mod 2^128
 * Six signals cost the verifier six ecMul/ecAdd pairs (about 6.2k gas each); hashing them
 * into one signal in-circuit would cost two Keccak-f (about 292k constraints) per proof.
 *
 * What the constraints establish, for a witness P (the Besu QBFT commit-seal preimage: the
 * header RLP with extraData = [vanity, L, vote, round, []]):
 *   - P is an RLP list laid out as an Ethereum header (fixed offsets up to the bloom,
 *     difficulty 1, then number, gasLimit, gasUsed, timestamp, extraData walked item by item);
 *     extraData is [32-byte vanity, list of k 20-byte addresses, vote, round < 128, []];
 *   - z = keccak256(P) is the commit-seal hash; headerHash = keccak256(P') where P' is P with
 *     the round byte replaced by 0x80 (Besu's block-hash preimage: round 0, no seals);
 *   - q signature slots hold valid ECDSA signatures over z whose signers' addresses are
 *     strictly increasing (so distinct), each a member of L, with 3q >= 2|L| (Besu's quorum
 *     ceil(2n/3) of the header's own list), and at least ceil(|T|/3) of them members of the
 *     trusted set T (the native light client's rule, lightclient/bft.h: more than the faults T
 *     tolerates vouch for L; when L = T this is implied by the quorum).
 * These are bft_verify_header's seal, quorum and rotation rules, so every header the native
 * light client accepts (with round < 128 and at most N validators) has a proof. The circuit
 * checks less of the header's shape than the native client (mixHash, nonce, ommers hash,
 * duplicates in L, leading zeros in scalars): a header that only differs there still needs
 * a quorum of L and ceil(|T|/3) signers of T over its exact bytes, so it is one the
 * validators signed.
 *
 * The constraint system's shape depends only on the parameters, never on the witness: one
 * proving key serves every header. */
#ifndef ZKRELAY_PROVER_STMT_FINALITY_H
#define ZKRELAY_PROVER_STMT_FINALITY_H

#include <secp256k1.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/header.h"
#include "lightclient/zk_err.h"
#include "prover/fr.h"
#include "prover/r1cs.h"

#define STMT_FIN_N_PUBLIC 6
/* The largest validator set a finality circuit may be built for. */
#define STMT_FIN_MAX_VALIDATORS 32

typedef struct stmt_fin_params {
    size_t max_validators; /* N: bound on |T| and |L| (1..STMT_FIN_MAX_VALIDATORS) */
    size_t max_header_len; /* bound on the commit-seal preimage's length in bytes */
} stmt_fin_params;

/* One signature slot of the witness. */
typedef struct stmt_fin_slot {
    uint8_t pub[64]; /* signer's key x || y */
    uint8_t sig[64]; /* r || s */
    int rec_id;
    uint8_t addr[20];
    int counted;    /* part of the quorum (the first q slots) */
    size_t l_index; /* position of addr in L (counted slots) */
    int in_trusted; /* counted and a member of T */
    size_t t_index; /* position of addr in T (when in_trusted) */
} stmt_fin_slot;

typedef struct stmt_fin_witness {
    uint8_t *preimage; /* commit-seal preimage RLP (heap, owned) */
    size_t preimage_len;
    size_t n_trusted;
    uint8_t trusted[STMT_FIN_MAX_VALIDATORS][20]; /* T in the order its commitment uses */
    size_t n_slots;                               /* stmt_fin_slots(params) */
    stmt_fin_slot slots[STMT_FIN_MAX_VALIDATORS];
} stmt_fin_witness;

/* What the statement makes public, natively. */
typedef struct stmt_fin_public {
    uint8_t trusted_commit[32]; /* cV as a 32-byte big-endian integer (top byte 0) */
    uint8_t next_commit[32];    /* cV' */
    uint64_t number;
    uint8_t header_hash[32];
    uint8_t receipts_root[32];
} stmt_fin_public;

/* Out: p = the defaults for sets of up to n validators (max_header_len leaves room for a
 * Prague-shaped header with n validators and a 32-byte vanity). */
void stmt_fin_default_params(stmt_fin_params *p, size_t n) ZK_NONNULL(1);
/* Returns the number of signature slots: ceil(2N/3), enough for a quorum of any set size. */
size_t stmt_fin_slots(const stmt_fin_params *p) ZK_NONNULL(1);
/* Returns: ZK_OK when the parameters are buildable; ZK_ERR_RANGE with err saying why. */
int stmt_fin_check_params(const stmt_fin_params *p, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

/* Out: *out = commit(addrs[0..n)) = keccak256(concatenation) >> 8, 32 bytes big-endian. */
void stmt_fin_commit(uint8_t out[32], const uint8_t (*addrs)[20], size_t n) ZK_NONNULL(1);

/* Builds the witness for QBFT header h (number >= 1, seals in its extraData) against the
 * trusted set T = trusted[0..n_trusted) (in the order of its commitment): recovers the
 * seals, keeps the distinct signers that are members of h's list, picks a quorum preferring
 * members of T, and orders it by address.
 * Returns: ZK_OK; ZK_ERR_MALFORMED (extraData); ZK_ERR_RANGE (a set larger than the circuit,
 *          a preimage longer than max_header_len, a round >= 128); ZK_ERR_REJECTED (no quorum,
 *          or too few members of T: the native light client refuses such a header too);
 *          ZK_ERR_NOMEM.
 * Out: w (release with stmt_fin_witness_clear, also after a failure). */
int stmt_fin_witness_from_header(stmt_fin_witness *w, const stmt_fin_params *p,
                                 const secp256k1_context *ctx, const eth_header *h,
                                 const uint8_t (*trusted)[20], size_t n_trusted,
                                 zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4);
void stmt_fin_witness_clear(stmt_fin_witness *w);

/* A valid witness for a synthetic header sealed by all of n deterministic development
 * validators (T = L): for circuit-size tables, `circuit export-r1cs` and setups, which need
 * the shape only. Returns as stmt_fin_witness_from_header. */
int stmt_fin_witness_synthetic(stmt_fin_witness *w, const stmt_fin_params *p,
                               const secp256k1_context *ctx, size_t n, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* Builds the statement into cs (initialised, empty) with w's values.
 * Returns: ZK_OK with the system built (not finalized) and satisfied by its witness when w is
 *          a true statement; the circuit's failure code otherwise (err says which rule).
 * Out: pub (may be NULL) = the public values, computed natively from w. */
int stmt_fin_build(r1cs *cs, const stmt_fin_params *p, const stmt_fin_witness *w,
                   stmt_fin_public *pub, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Out: sig[0..6) = the public signals of pub, in the order above. */
void stmt_fin_public_signals(fr sig[STMT_FIN_N_PUBLIC], const stmt_fin_public *pub)
    ZK_NONNULL(1, 2);

#endif
