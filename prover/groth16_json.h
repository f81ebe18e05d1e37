/* snarkjs Groth16 JSON files: proof.json, public.json, verification_key.json
 * (snarkjs src/groth16_prove.js, src/zkey_export_verificationkey.js), BN254 ("bn128").
 *
 * Numbers are decimal strings. Here every value is a 32-byte BIG-ENDIAN canonical
 * integer (< q for coordinates, < r for public signals), NOT Montgomery. Points are
 * projective as snarkjs writes them: G1 [x, y, "1"], G2 [[x.c0, x.c1], [y.c0, y.c1],
 * ["1", "0"]]. The point at infinity, which snarkjs writes as G1 ["0", "1", "0"] and G2
 * [["0","0"], ["1","0"], ["0","0"]], is all-zero coordinates here (as in .zkey); any other
 * z is rejected, and so is the affine (0, 0), which is no curve point and would alias it.
 *
 * Writers print exactly what snarkjs prints: JSON.stringify(value, null, 1) with snarkjs's
 * key order, one-space indent and no trailing newline. */
#ifndef ZKRELAY_PROVER_GROTH16_JSON_H
#define ZKRELAY_PROVER_GROTH16_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"

/* Longest decimal string of a value below 2^256 (78 digits), plus NUL. */
#define GROTH16_JSON_DEC_MAX 79
/* Cap on the JSON text the parsers accept (a vk with many public inputs stays far below). */
#define GROTH16_JSON_MAX_TEXT (64u << 20)

/* BN254 q and r, 32 bytes big-endian. */
extern const uint8_t groth16_json_q_be[32];
extern const uint8_t groth16_json_r_be[32];

typedef struct groth16_json_proof {
    uint8_t a[2][32]; /* pi_a x, y (< q) */
    uint8_t b[4][32]; /* pi_b x.c0, x.c1, y.c0, y.c1 */
    uint8_t c[2][32]; /* pi_c x, y */
} groth16_json_proof;

typedef struct groth16_json_vk {
    uint32_t n_public;
    uint8_t alpha1[2][32];
    uint8_t beta2[4][32];
    uint8_t gamma2[4][32];
    uint8_t delta2[4][32];
    /* e(alpha1, beta2) in Fp12 in snarkjs's order: [c0, c1] of Fp6, each [c0, c1, c2] of
     * Fp2, each [c0, c1]: 12 values, flattened in that order (not checked here). */
    uint8_t alphabeta12[12][32];
    uint8_t (*ic)[2][32]; /* n_public + 1 points; owned after parse (groth16_json_vk_clear) */
} groth16_json_vk;

/* Parses a canonical decimal string: 1..78 ASCII digits, no sign, no leading zero (except
 * "0" itself), no spaces, value < mod.
 * Returns: ZK_OK; ZK_ERR_MALFORMED (empty, non-digit, sign); ZK_ERR_NONCANONICAL (leading
 *          zero); ZK_ERR_RANGE (value >= mod).
 * Out: out (32 bytes big-endian). In: mod (32 bytes big-endian). */
int groth16_json_dec_parse(uint8_t out[32], const char *s, const uint8_t mod[32],
                           zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Formats a 32-byte big-endian value in decimal (no leading zeros; "0" for zero).
 * Out: out (GROTH16_JSON_DEC_MAX bytes, NUL-terminated). */
void groth16_json_dec_format(char out[GROTH16_JSON_DEC_MAX], const uint8_t in[32]) ZK_NONNULL(1, 2);

/* Parses proof.json text: an object with pi_a, pi_b, pi_c, "protocol": "groth16" and,
 * when present, "curve": "bn128" (other keys are ignored, as snarkjs does).
 * Returns: ZK_OK; ZK_ERR_MALFORMED (JSON syntax, duplicate key, missing or mistyped field,
 *          wrong protocol/curve, z not 1, affine (0,0)); ZK_ERR_NONCANONICAL / ZK_ERR_RANGE
 *          from the decimal strings; ZK_ERR_RANGE for text over GROTH16_JSON_MAX_TEXT.
 *          err names the field ("pi_b[1][0]").
 * Out: p. */
int groth16_json_proof_parse(groth16_json_proof *p, const char *text, size_t len,
                             zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Writes p as snarkjs writes proof.json. In/Out: out, appended to.
 * Returns ZK_OK, ZK_ERR_RANGE (buffer cap), ZK_ERR_NOMEM. */
int groth16_json_proof_write(zk_buf *out, const groth16_json_proof *p) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Parses public.json: an array of decimal strings, each < r.
 * Returns: as groth16_json_proof_parse; ZK_ERR_NOMEM.
 * Out: *values (malloc'd, *n x 32 bytes big-endian; the caller frees; non-NULL on
 *      success even for an empty array), *n. */
int groth16_json_public_parse(uint8_t **values, size_t *n, const char *text, size_t len,
                              zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Writes n values (n x 32 bytes big-endian) as snarkjs writes public.json. */
int groth16_json_public_write(zk_buf *out, const uint8_t *values, size_t n) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Parses verification_key.json: protocol "groth16", curve "bn128", nPublic (integer),
 * vk_alpha_1, vk_beta_2, vk_gamma_2, vk_delta_2, vk_alphabeta_12 (< q each), and IC with
 * exactly nPublic + 1 G1 points. Other keys are ignored.
 * Returns: as groth16_json_proof_parse; ZK_ERR_MISMATCH when IC's length is not
 *          nPublic + 1; ZK_ERR_NOMEM.
 * Out: vk (owns ic: release with groth16_json_vk_clear, also after a failure). */
int groth16_json_vk_parse(groth16_json_vk *vk, const char *text, size_t len,
                          zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Writes vk as snarkjs `zkey export verificationkey` writes it (vk->ic holds
 * n_public + 1 points). */
int groth16_json_vk_write(zk_buf *out, const groth16_json_vk *vk) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Frees vk->ic and zeroes vk; a zeroed vk is a no-op. */
void groth16_json_vk_clear(groth16_json_vk *vk);

#endif
