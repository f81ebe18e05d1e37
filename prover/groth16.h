/* Groth16 over BN254 (Groth, "On the Size of Pairing-based Non-interactive Arguments",
 * EUROCRYPT 2016), in the exact shape snarkjs uses, so that keys, proofs and public
 * signals interoperate with snarkjs files (prover/zkey_file.h, prover/groth16_json.h).
 *
 * Keys are held in arithmetic form (Montgomery field elements, affine points; the point
 * at infinity is (0, 0) as in prover/curve.h) and converted from/to the file models.
 *
 * The QAP is snarkjs's (src/zkey_new.js, src/groth16_prove.js):
 *  - n = domainSize = the smallest power of two >= nConstraints + nPublic + 1 (at
 *    least 2); L_i is the Lagrange basis of the n-th roots of unity omega^i, omega the
 *    root fr_root_of_unity gives.
 *  - the A matrix gets one extra row per public wire s = 0..nPublic: constraint
 *    nConstraints + s, A[s] = 1 (that keeps the IC points linearly independent).
 *  - A_s = sum_c A[c][s] L_c(tau), B_s, C_s alike; the key holds [A_s]1, [B_s]1, [B_s]2,
 *    IC_s = [(beta A_s + alpha B_s + C_s) / gamma]1 for s <= nPublic and
 *    C_s = [(beta A_s + alpha B_s + C_s) / delta]1 for the private wires.
 *  - H holds [L'_{2i+1}(tau) / delta]1, i < n, L' the Lagrange basis of the 2n-th roots:
 *    the prover evaluates A*B - C at the odd 2n-th roots omega_2n^(2i+1) (a coset of the
 *    n-th roots on which Z = x^n - 1 is -2, never 0) and takes those values as the H
 *    scalars. On the even 2n-th roots (the n-th roots) A*B - C vanishes when the witness
 *    satisfies the system, so the sum is (A*B - C)(tau) / delta = h(tau) Z(tau) / delta.
 *
 * Everything is variable time. The setup's toxic waste (tau, alpha, beta, gamma, delta)
 * is wiped before groth16_setup_dev returns, but it was computed on with variable-time
 * code: that setup is for development only (GROTH16_DEV_SETUP_WARNING). */
#ifndef ZKRELAY_PROVER_GROTH16_H
#define ZKRELAY_PROVER_GROTH16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"
#include "prover/fr.h"
#include "prover/g1.h"
#include "prover/g2.h"
#include "prover/groth16_json.h"
#include "prover/ptau_file.h"
#include "prover/r1cs.h"
#include "prover/zkey_file.h"

/* The label a development setup carries: in groth16_pk.insecure_label, as the name of
 * the marker entry in the .zkey's section 10, and printed by the CLI. */
#define GROTH16_DEV_SETUP_WARNING                                                                  \
    "INSECURE zkrelay development setup: one party generated and saw the toxic waste; "            \
    "anyone holding it can forge proofs. Never use this key for real funds."

/* One entry of the zkey coefficient list (section 4): value = A or B [constraint][signal]. */
typedef struct groth16_coef {
    uint32_t matrix; /* 0 = A, 1 = B */
    uint32_t constraint;
    uint32_t signal;
    fr value;
} groth16_coef;

typedef struct groth16_pk {
    uint32_t n_vars;
    uint32_t n_public; /* public signals, not counting the constant 1 */
    uint32_t domain_size;
    unsigned log_domain;
    g1_affine alpha1, beta1, delta1;
    g2_affine beta2, gamma2, delta2;
    g1_affine *ic; /* n_public + 1 */
    g1_affine *a;  /* n_vars */
    g1_affine *b1; /* n_vars */
    g2_affine *b2; /* n_vars */
    g1_affine *c;  /* n_vars - n_public - 1 (private wires) */
    g1_affine *h;  /* domain_size */
    groth16_coef *coefs;
    size_t n_coefs;
    /* Section 10 as read (only cs_hash is kept; contributions are not re-written). */
    uint8_t cs_hash[64];
    /* NULL for a key read from a .zkey without the marker; GROTH16_DEV_SETUP_WARNING for
     * a development setup (static string, not owned). */
    const char *insecure_label;
} groth16_pk;

typedef struct groth16_vk {
    uint32_t n_public;
    g1_affine alpha1;
    g2_affine beta2, gamma2, delta2;
    g1_affine *ic; /* n_public + 1, owned */
} groth16_vk;

typedef struct groth16_proof {
    g1_affine a;
    g2_affine b;
    g1_affine c;
} groth16_proof;

/* ---- keys ------------------------------------------------------------------ */

/* Out: pk / vk zeroed (owning nothing). */
void groth16_pk_init(groth16_pk *pk) ZK_NONNULL(1);
void groth16_vk_init(groth16_vk *vk) ZK_NONNULL(1);
/* Free what the key owns and zero it; a zeroed key is a no-op; NULL is a no-op. */
void groth16_pk_clear(groth16_pk *pk);
void groth16_vk_clear(groth16_vk *vk);

/* The .zkey point encodings, shared with the phase-2 code (zkey_contrib.c).
 * Decodes a .zkey G1 point (x, y Montgomery little-endian; all zero = infinity) and checks
 * it is on the curve (G1 has cofactor 1: that is membership). what[idx] names the point
 * in a failure message.
 * Returns: ZK_OK; ZK_ERR_NONCANONICAL (a coordinate >= q); ZK_ERR_NOT_ON_CURVE.
 * Out: r (unspecified after a failure). In: in[64]. */
int groth16_g1_from_zkey(g1_affine *r, const uint8_t in[64], const char *what, size_t idx,
                         zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);
/* Decodes a .zkey G2 point (x.c0, x.c1, y.c0, y.c1 Montgomery little-endian; all zero =
 * infinity) and checks it is on the twist and, when subgroup is set, in G2.
 * Returns: ZK_OK; ZK_ERR_NONCANONICAL; ZK_ERR_NOT_ON_CURVE; ZK_ERR_NOT_IN_GROUP.
 * Out: r (unspecified after a failure). In: in[128]. */
int groth16_g2_from_zkey(g2_affine *r, const uint8_t in[128], bool subgroup, const char *what,
                         size_t idx, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4);
/* Encodes a point as .zkey stores it (the inverse of the decoders; infinity = zeros).
 * Out: out[64] / out[128]. */
void groth16_g1_to_zkey(uint8_t out[64], const g1_affine *a) ZK_NONNULL(1, 2);
void groth16_g2_to_zkey(uint8_t out[128], const g2_affine *a) ZK_NONNULL(1, 2);

/* Converts a parsed .zkey into a proving key. Checks every point is on its curve (G1
 * has cofactor 1, so that is membership), the header points and IC are in G2's
 * subgroup where they are G2 points, nVars >= nPublic + 1, and the coefficients decode
 * (stored v * R^2 -> v). The B2 array is checked on the curve only: a subgroup check
 * per point would cost more than proving, and a bad B2 point only spoils this prover's
 * own proof, which groth16_prove verifies before returning it.
 * Returns: ZK_OK; ZK_ERR_NOT_ON_CURVE / ZK_ERR_NOT_IN_GROUP naming the point;
 *          ZK_ERR_NONCANONICAL (a coordinate >= q); ZK_ERR_MALFORMED (counts);
 *          ZK_ERR_NOMEM.
 * Out: pk (release with groth16_pk_clear, also after a failure). In: z (unchanged). */
int groth16_pk_from_zkey(groth16_pk *pk, const zkey_file *z, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Serialises pk as a snarkjs .zkey (sections 1..10 in snarkjs's order). A development
 * key gets one section-10 entry named GROTH16_DEV_SETUP_WARNING with all-zero points:
 * a label, not a contribution proof, so `snarkjs zkey verify` rejects the key (as it
 * must: no ceremony produced it) while `snarkjs groth16 prove` and `zkey export
 * verificationkey` use it as any zkey.
 * Returns: ZK_OK; ZK_ERR_RANGE (buffer cap); ZK_ERR_NOMEM.
 * In/Out: out, appended to. */
int groth16_pk_write_zkey(zk_buf *out, const groth16_pk *pk, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Out: vk = the verification key of pk (copies; release with groth16_vk_clear).
 * Returns: ZK_OK; ZK_ERR_NOMEM. */
int groth16_vk_from_pk(groth16_vk *vk, const groth16_pk *pk) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Converts a parsed verification_key.json. Checks every point: on the curve, G2 points
 * in the subgroup. vk_alphabeta_12 is not used (verification recomputes the pairing).
 * Returns: ZK_OK; ZK_ERR_NOT_ON_CURVE / ZK_ERR_NOT_IN_GROUP naming the point;
 *          ZK_ERR_NONCANONICAL; ZK_ERR_NOMEM.
 * Out: vk (release with groth16_vk_clear, also after a failure). */
int groth16_vk_from_json(groth16_vk *vk, const groth16_json_vk *j, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Converts vk to the JSON model, computing vk_alphabeta_12 = e(alpha1, beta2) as snarkjs
 * does, so groth16_json_vk_write prints snarkjs's `zkey export verificationkey` bytes.
 * Returns: ZK_OK; ZK_ERR_NOMEM.
 * Out: j (owns ic: release with groth16_json_vk_clear). */
int groth16_vk_to_json(groth16_json_vk *j, const groth16_vk *vk) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* ---- proofs and public signals --------------------------------------------- */

/* Converts a parsed proof.json (coordinates already < q). The points are NOT validated
 * here; groth16_verify validates them. Returns ZK_OK or ZK_ERR_NONCANONICAL. */
int groth16_proof_from_json(groth16_proof *p, const groth16_json_proof *j,
                            zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);
/* Out: j = p as snarkjs writes it. */
void groth16_proof_to_json(groth16_json_proof *j, const groth16_proof *p) ZK_NONNULL(1, 2);

/* Out: pub[0..n_public) = witness values 1..n_public as 32-byte big-endian integers
 * (public.json's values). Precondition: witness holds at least n_public + 1 values. */
void groth16_public_from_witness(uint8_t (*pub)[32], const fr *witness, uint32_t n_public)
    ZK_NONNULL(2);

/* ---- setup, prove, verify ---------------------------------------------------- */

/* A development setup: fresh tau, alpha, beta, gamma, delta from rng, and a key with
 * exactly the layout of snarkjs's `groth16 setup` (same domain, coefficient list order,
 * sections). Unlike snarkjs, gamma is random too (snarkjs fixes gamma = 1 and lets
 * contributions move delta only); both are sound. csHash is left zero (it is snarkjs's
 * hash of the delta = 1 key, which this setup never computes). Labelled insecure
 * (pk->insecure_label). rng should be a CSPRNG: its output is toxic waste.
 * Returns: ZK_OK; ZK_ERR_USAGE (cs not finalized); ZK_ERR_RANGE (the domain 2n would
 *          exceed 2^28); ZK_ERR_NOMEM.
 * Out: pk, vk (release with the _clear functions, also after a failure).
 * In: cs (finalized; its witness is not used). */
int groth16_setup_dev(groth16_pk *pk, groth16_vk *vk, const r1cs *cs, uint64_t (*rng)(void *ctx),
                      void *rng_ctx, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4);

/* The trustless setup: derives the circuit's key from a phase-1 powers-of-tau ceremony
 * file exactly as snarkjs 0.7.6 `groth16 setup` (src/zkey_new.js) does, so
 * groth16_pk_write_zkey gives snarkjs's .zkey byte for byte, csHash included:
 *  - alpha1, beta1, beta2 are ptau sections 4, 5, 6 point 0; gamma2, delta1, delta2 are
 *    the generators (no phase-2 contribution yet: gamma = delta = 1);
 *  - A_s, B1_s, B2_s, IC_s, C_s are sums of coefficient x Lagrange point over the wire's
 *    terms, from the block for this domain of sections 12 (tau G1), 13 (tau G2),
 *    14 (alpha tau G1) and 15 (beta tau G1);
 *  - H is the odd points of section 12's block for the domain 2n (see the QAP above);
 *  - csHash = blake2b-512 over the uncompressed points (the EIP-196/197 byte order,
 *    infinity as zeros) in snarkjs's order, each point section preceded by its count as
 *    u32 big-endian, H hashed as [tau^(i+n) - tau^i]1 from section 2.
 * Every ptau point used is checked on its curve (beta2 also in G2; the tau G2 points
 * only on the twist, as groth16_pk_from_zkey checks B2). The ceremony's own transcript is
 * not verified here: run `snarkjs powersoftau verify` on the file once.
 * Returns: ZK_OK; ZK_ERR_USAGE (cs not finalized);
 *          ZK_ERR_RANGE (the domain exceeds 2^power of the ptau or 2^27, a ptau
 *          coordinate >= q, or the one size where snarkjs's csHash reads past section
 *          2: domain == 2^power > 2^14; the message says which);
 *          ZK_ERR_NOTFOUND (the ptau lacks the Lagrange sections 12..15: the message asks
 *          for `snarkjs powersoftau prepare phase2`);
 *          ZK_ERR_NOT_ON_CURVE / ZK_ERR_NOT_IN_GROUP naming the ptau point;
 *          ZK_ERR_NOMEM; ZK_ERR_INTERNAL (OpenSSL's blake2b failed).
 * Out: pk (cs_hash set, insecure_label NULL), vk (release with the _clear functions, also
 *      after a failure).
 * In: cs (finalized; terms in the order the key's coefficient list takes them, as
 *     r1cs_from_files keeps a .r1cs file's order; the witness is not used); ptau (parsed
 *     with ptau_file_parse; its buffer must be live); threads (0 = online processors). */
int groth16_setup_from_ptau(groth16_pk *pk, groth16_vk *vk, const r1cs *cs, const ptau_file *ptau,
                            unsigned threads, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4);

/* Proves, following snarkjs's groth16 prover: A, B evaluations on the domain from the
 * coefficient list, C = A * B pointwise, H scalars by inverse NTT, multiplication by the
 * powers of omega_2n and forward NTT (the odd 2n-th roots), five MSMs, random r, s:
 *   pi_a = alpha1 + sum w_i A_i + r delta1
 *   pi_b = beta2 + sum w_i B2_i + s delta2
 *   pi_c = sum_{private} w_i C_i + sum h_i H_i + s pi_a + r (beta1 + sum w_i B1_i + s delta1)
 *          - r s delta1
 * When cs is non-NULL the witness is first checked against it and an unsatisfied witness
 * is refused naming its first failing constraint. Whatever cs is, the proof is verified
 * against pk's verification key before it is returned, so no proof for an unsatisfied
 * witness ever leaves this function.
 * Returns: ZK_OK; ZK_ERR_MISMATCH (n_witness != pk->n_vars, or cs disagrees with pk);
 *          ZK_ERR_REJECTED (witness does not satisfy cs, or the proof does not verify);
 *          ZK_ERR_NOMEM.
 * Out: proof (unspecified on failure).
 * In: witness[0..n_witness) in wire order; threads (0 = 1); rng for r and s. */
int groth16_prove(groth16_proof *proof, const groth16_pk *pk, const r1cs *cs, const fr *witness,
                  size_t n_witness, unsigned threads, uint64_t (*rng)(void *ctx), void *rng_ctx,
                  zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4, 7);

/* Verifies a proof for the public signals pub[0..n_public) (32-byte big-endian integers,
 * as public.json holds them) with one multi-pairing:
 *   e(-A, B) e(alpha1, beta2) e(vk_x, gamma2) e(C, delta2) == 1,
 *   vk_x = IC_0 + sum_i pub_i IC_{i+1}.
 * Validates first: every public value < r, A and C on G1, B on the twist and in G2.
 * Returns: ZK_OK only for a valid proof; ZK_ERR_MISMATCH (n_public != vk->n_public);
 *          ZK_ERR_RANGE (a public value >= r); ZK_ERR_NOT_ON_CURVE / ZK_ERR_NOT_IN_GROUP
 *          (a proof point); ZK_ERR_REJECTED (the pairing check fails). */
int groth16_verify(const groth16_vk *vk, const uint8_t (*pub)[32], size_t n_public,
                   const groth16_proof *proof, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 4);

#endif
