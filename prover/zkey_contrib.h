/* Phase-2 contributions to a Groth16 .zkey, byte-compatible with snarkjs 0.7
 * (src/zkey_contribute.js, zkey_beacon.js, zkey_verify_frominit.js, mpc_applykey.js,
 * keypair.js, misc.js; ffjavascript's ChaCha and fromRng), so that a key can go through
 * a ceremony where some participants run snarkjs and others run zkrelay.
 *
 * One contribution with secret k (an Fr element):
 *  - delta1, delta2 (section 2) are multiplied by k; the L (section 8) and H (section 9)
 *    points by k^-1; sections 1, 3..7 are copied;
 *  - a record is appended to section 10: deltaAfter (the new delta1), the proof of
 *    knowledge of k: g1_s (a random G1 point), g1_sx = k g1_s and g2_spx = k g2_sp, where
 *    g2_sp = hashToG2(transcript) and transcript = blake2b-512(csHash || hashPubKey of
 *    every earlier record || g1_s || g1_sx); then the transcript, the type (0 =
 *    contribution, 1 = beacon) and the parameters (name, beacon hash, iterations);
 *  - the contribution hash is blake2b-512(hashPubKey(record)), hashPubKey = the
 *    uncompressed deltaAfter, g1_s, g1_sx, g2_spx (EIP-196/197 byte order) then the
 *    transcript.
 * The output's sections are in snarkjs's contribute order 1, 2, 3, ..., 10.
 *
 * Randomness is snarkjs's: a ChaCha20 stream (ffjavascript: 8 u32 key words, zero nonce,
 * the u32 output words used directly) seeded with the first 32 bytes of a hash read as
 * 8 big-endian words; Fr and Fq elements are drawn as 4 u64 limbs (each the high then
 * the low u32), masked to 254 bits and rejected when >= the prime, and taken as the
 * MONTGOMERY representation (so k = drawn * 2^-256 mod r); a curve point is x from the
 * stream, one u32 whose low bit picks the sign of y, retried until x^3 + b is a square,
 * G2 points then multiplied by the cofactor 2p - r. With that, a beacon is deterministic
 * and reproduces snarkjs's file byte for byte.
 *
 * SECRETS: the contribution's k (toxic waste) is computed on with the prover's
 * variable-time arithmetic, as snarkjs's wasm does; it is wiped before return. Run a
 * contribution on a machine nobody else shares at that time. */
#ifndef ZKRELAY_PROVER_ZKEY_CONTRIB_H
#define ZKRELAY_PROVER_ZKEY_CONTRIB_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"
#include "prover/zkey_file.h"

/* snarkjs truncates a contribution name to 64 UTF-16 code units (c.name.substring(0,
 * 64)) before writing it. */
#define ZKEY_CONTRIB_NAME_MAX_UNITS 64
/* snarkjs beacon bounds: the hash is 1..255 bytes, 2^exp SHA-256 iterations, 10..63. */
#define ZKEY_CONTRIB_BEACON_MAX_HASH 255
#define ZKEY_CONTRIB_BEACON_MIN_EXP  10
#define ZKEY_CONTRIB_BEACON_MAX_EXP  63

/* Adds one contribution with a fresh secret, as `snarkjs zkey contribute` does: the
 * ChaCha seed is blake2b-512(64 bytes of OpenSSL's CSPRNG || entropy), so the secret is
 * unpredictable even when entropy is empty or known.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND (in has no section 10: snarkjs refuses such a key too);
 *          ZK_ERR_REJECTED (in is a zkrelay development key: contributing cannot make
 *          it safe); ZK_ERR_USAGE (name is not valid UTF-8); ZK_ERR_NOT_ON_CURVE /
 *          ZK_ERR_NOT_IN_GROUP / ZK_ERR_NONCANONICAL (a delta, L or H point of in);
 *          ZK_ERR_RANGE (output cap); ZK_ERR_NOMEM; ZK_ERR_INTERNAL (OpenSSL failed).
 * Out: out (appended to: the new .zkey); hash (the contribution hash, 64 bytes).
 * In: in (a parsed .zkey; its buffer must be live); entropy[0..entropy_len) (may be
 *     NULL when entropy_len is 0; mixed in, never stored); name (NUL-terminated UTF-8,
 *     NULL or "" for none; truncated as snarkjs does); threads (0 = online processors). */
int zkey_contrib_contribute(zk_buf *out, uint8_t hash[64], const zkey_file *in,
                            const uint8_t *entropy, size_t entropy_len, const char *name,
                            unsigned threads, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Adds the final beacon contribution, as `snarkjs zkey beacon` does: the ChaCha seed is
 * SHA-256 applied 2^iter_exp times to beacon_hash, so anyone can recompute the secret
 * (that is the point: it comes from a public random beacon announced in advance).
 * Deterministic: the same inputs give snarkjs's output byte for byte.
 * Returns: as zkey_contrib_contribute, plus ZK_ERR_USAGE for a beacon hash of 0 or more
 *          than 255 bytes or iter_exp outside 10..63.
 * Out: out (appended to); hash (the contribution hash).
 * In: in; beacon_hash[0..beacon_len); iter_exp; name (as for contribute); threads. */
int zkey_contrib_beacon(zk_buf *out, uint8_t hash[64], const zkey_file *in,
                        const uint8_t *beacon_hash, size_t beacon_len, unsigned iter_exp,
                        const char *name, unsigned threads, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3, 4);

/* Verifies that z descends from the initial key init through the contributions listed in
 * z's section 10, with the checks of snarkjs's `zkey verify` (phase2verifyFromInit):
 *  - per record: the transcript is the hash of what precedes it; e(g1_s, g2_spx) ==
 *    e(g1_sx, g2_sp) (knowledge of k) and e(prevDelta, g2_spx) == e(deltaAfter, g2_sp)
 *    (delta moved by that k), prevDelta starting at the G1 generator; a beacon record's
 *    g1_s and g1_sx are recomputed from its beacon hash and iterations;
 *  - nVars, nPublic, domainSize, alpha1, beta1, beta2, gamma2, csHash and sections 3..7
 *    equal init's; delta1 is the last deltaAfter and e(G1, delta2) == e(delta1, G2);
 *  - L and H: for fresh random Fr scalars s_i, e(sum s_i L_i, delta2) ==
 *    e(sum s_i L0_i, delta2_0), L0 init's points (the same for H): every point is init's
 *    divided by the product of the contributions' k, except with probability ~ 1/r.
 * init should be the key groth16_setup_from_ptau derives from the circuit and the ceremony
 * file (snarkjs's `groth16 setup` output): its H points are then the ptau's, as snarkjs's
 * own H check demands.
 * Returns: ZK_OK only when every check passes; ZK_ERR_REJECTED (a proof of knowledge,
 *          transcript, beacon, delta or L/H check fails; an unknown record type);
 *          ZK_ERR_MISMATCH (a parameter, header point, csHash or section 3..7 differs
 *          from init: another circuit or ceremony); ZK_ERR_NOTFOUND (z or init lacks
 *          section 10); ZK_ERR_NOT_ON_CURVE / ZK_ERR_NOT_IN_GROUP / ZK_ERR_NONCANONICAL
 *          (a point of z or init); ZK_ERR_NOMEM; ZK_ERR_INTERNAL (OpenSSL failed).
 *          The message names the first failing check.
 * Out: hashes (NULL, or z->n_contributions entries: the contribution hashes, in file
 *      order; filled for the records checked before a failure).
 * In: init, z (parsed .zkeys, buffers live); threads (0 = online processors). */
int zkey_contrib_verify(uint8_t (*hashes)[64], const zkey_file *init, const zkey_file *z,
                        unsigned threads, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(2, 3);

#endif
