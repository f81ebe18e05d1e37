/* Solidity Groth16 verifiers and their calldata: `zkrelay groth16 export-verifier` and
 * `zkrelay groth16 export-calldata`.
 *
 * The generated contract keeps snarkjs's interface (templates/verifier_groth16.sol.ejs,
 * `snarkjs zkey export solidityverifier`), so that scripts and dApps written for a snarkjs
 * verifier work unchanged:
 *   contract Groth16Verifier {
 *     function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB,
 *                          uint[2] calldata _pC, uint[N] calldata _pubSignals)
 *         public view returns (bool);
 *   }
 * with the key in constants, vk_x = IC_0 + sum s_i IC_{i+1} through ecMul (0x07) and ecAdd
 * (0x06), and one call of the pairing precompile (0x08, EIP-197) on
 *   e(-A, B) e(alpha1, beta2) e(vk_x, gamma2) e(C, delta2) == 1.
 *
 * G2 coordinates: EIP-197 reads an Fp2 element imaginary part first, so pB is
 * [[x.c1, x.c0], [y.c1, y.c0]] in calldata, the reverse of proof.json's pi_b
 * [[x.c0, x.c1], [y.c0, y.c1]] (snarkjs's soliditycalldata swaps them the same way).
 *
 * One deliberate difference: the contract returns false for any proof coordinate >= q,
 * where snarkjs's template reduces -A.y mod q and so also accepts an alias of A.y above q
 * (a second calldata for the same proof). The other coordinates need no check of their
 * own: the precompiles fail on any coordinate >= q. On canonical input both contracts
 * return the same answer, and ours costs slightly less gas. A public signal >= r returns false in
 * both; nothing reverts on a bad proof (short calldata is refused by the Solidity ABI decoder,
 * which reverts). */
#ifndef ZKRELAY_PROVER_SOLIDITY_VERIFIER_H
#define ZKRELAY_PROVER_SOLIDITY_VERIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"
#include "prover/groth16.h"

/* The contract name snarkjs uses, and ours unless the caller picks another. */
#define SOLIDITY_VERIFIER_DEFAULT_NAME "Groth16Verifier"
/* Longest contract name accepted (a Solidity identifier). */
#define SOLIDITY_VERIFIER_NAME_MAX 64
/* Most public signals a generated verifier takes. Each adds about 87 bytes of runtime
 * code (solc 0.8.37, optimizer 200 runs: 256 signals give 23602 bytes), and EIP-170
 * caps a contract at 24576 bytes, so much more could never be deployed. */
#define SOLIDITY_VERIFIER_MAX_PUBLIC 256

/* Returns true when name is a Solidity identifier ([A-Za-z_][A-Za-z0-9_]*) of 1 to
 * SOLIDITY_VERIFIER_NAME_MAX characters, usable as the contract name. */
bool solidity_verifier_is_valid_name(const char *name) ZK_NONNULL(1);

/* Appends the Solidity source of a verifier for vk.
 * Returns: ZK_OK; ZK_ERR_USAGE (name is not an identifier [A-Za-z_][A-Za-z0-9_]* of at
 *          most SOLIDITY_VERIFIER_NAME_MAX characters, or vk->n_public is 0: Solidity has
 *          no uint[0]); ZK_ERR_RANGE (n_public > SOLIDITY_VERIFIER_MAX_PUBLIC, or out's
 *          cap); ZK_ERR_NOMEM. On failure out may hold part of the text.
 * In/Out: out, appended to.
 * In: vk (validated by groth16_vk_from_json / groth16_vk_from_pk); name, NULL for
 *     SOLIDITY_VERIFIER_DEFAULT_NAME. */
int solidity_verifier_write(zk_buf *out, const groth16_vk *vk, const char *name,
                            zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Out: sel = the first 4 bytes of keccak256("verifyProof(uint256[2],uint256[2][2],
 *      uint256[2],uint256[n_public])"), the function's ABI selector. */
void solidity_verifier_selector(uint8_t sel[4], size_t n_public) ZK_NONNULL(1);

/* The length of verifyProof's calldata: 4 + 32 * (8 + n_public) bytes. */
static inline size_t solidity_verifier_calldata_len(size_t n_public)
{
    return 4 + 32 * (8 + n_public);
}

/* Encodes a verifyProof call (ABI: selector, then the static arrays in place):
 * A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y, pub[0..n_public), 32-byte words.
 * The point at infinity is (0, 0), as EIP-196/197 encode it.
 * Returns: ZK_OK; ZK_ERR_RANGE (n_public > SOLIDITY_VERIFIER_MAX_PUBLIC, or *out_len is
 *          below solidity_verifier_calldata_len(n_public)).
 * Out: out (*out_len bytes of room); *out_len = the length written.
 * In: proof; pub (n_public values, 32-byte big-endian; NULL only when n_public is 0). */
int solidity_verifier_calldata(uint8_t *out, size_t *out_len, const groth16_proof *proof,
                               const uint8_t (*pub)[32], size_t n_public) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* Appends the call's arguments as text exactly as `snarkjs zkey export soliditycalldata`
 * prints them (without its trailing newline):
 *   ["0x<A.x>", "0x<A.y>"],[["0x<B.x.c1>", "0x<B.x.c0>"],["0x<B.y.c1>", "0x<B.y.c0>"]],
 *   ["0x<C.x>", "0x<C.y>"],["0x<pub0>","0x<pub1>",...]
 * (one line; 64 lower-case hex digits per value). The one difference: a point at
 * infinity prints as (0, 0), which the precompiles read as infinity, where snarkjs
 * prints its projective (0, 1).
 * Returns: ZK_OK; ZK_ERR_RANGE (out's cap); ZK_ERR_NOMEM.
 * In/Out: out, appended to. In: as solidity_verifier_calldata. */
int solidity_calldata_text_write(zk_buf *out, const groth16_proof *proof, const uint8_t (*pub)[32],
                                 size_t n_public) ZK_MUST_CHECK ZK_NONNULL(1, 2);

#endif
