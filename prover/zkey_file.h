/* snarkjs Groth16 .zkey proving keys (snarkjs src/zkey_utils.js), version 1, BN254.
 *
 * Sections (all required except 10):
 *   1  u32 protocol (1 = Groth16; PLONK 2 and FFLONK 10 are rejected)
 *   2  u32 n8q, q, u32 n8r, r, u32 nVars, u32 nPublic, u32 domainSize, alpha1 (G1),
 *      beta1 (G1), beta2 (G2), gamma2 (G2), delta1 (G1), delta2 (G2)      (660 bytes)
 *   3  IC: (nPublic + 1) x G1
 *   4  u32 nCoefs, nCoefs x (u32 matrix, u32 constraint, u32 signal, value[32])
 *   5  A: nVars x G1    6  B1: nVars x G1    7  B2: nVars x G2
 *   8  C: (nVars - nPublic - 1) x G1 (private wires only)
 *   9  H: domainSize x G1
 *   10 MPC: csHash[64], u32 n, n x contribution (optional: older snarkjs writeZKey
 *      omits it, and the prover never reads it)
 *
 * Representations, exactly as stored:
 *  - every point coordinate is in MONTGOMERY form mod q (x * 2^256 mod q), 32 bytes LE,
 *    checked < q; G1 = x, y (64 bytes); G2 = x.c0, x.c1, y.c0, y.c1 (128 bytes); the
 *    all-zero encoding is the point at infinity. On-curve and subgroup checks belong to
 *    the curve layer, not here.
 *  - coefficient values are v * R^2 mod r (R = 2^256; snarkjs writeFr2 "double
 *    Montgomery"), 32 bytes LE, checked < r: decode with stored * R^-2 mod r, i.e. two
 *    Montgomery reductions. */
#ifndef ZKRELAY_PROVER_ZKEY_FILE_H
#define ZKRELAY_PROVER_ZKEY_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"
#include "prover/binfile.h"

#define ZKEY_PROTOCOL_GROTH16 1
/* Largest domain: r - 1 has 2-adicity 28, so no larger NTT domain exists. */
#define ZKEY_MAX_DOMAIN_SIZE (1u << 28)

typedef struct zkey_file_coef {
    uint32_t matrix; /* 0 = A, 1 = B */
    uint32_t constraint;
    uint32_t signal;
    uint8_t value[32]; /* v * R^2 mod r, LE, < r */
} zkey_file_coef;

/* One phase-2 contribution of section 10. The pointers borrow the parsed buffer. */
typedef struct zkey_file_contrib {
    const uint8_t *delta_after; /* G1, Montgomery */
    const uint8_t *g1_s;        /* G1 */
    const uint8_t *g1_sx;       /* G1 */
    const uint8_t *g2_spx;      /* G2 */
    const uint8_t *transcript;  /* 64 bytes */
    uint32_t type;              /* 0 = contribution, 1 = beacon */
    binfile_contrib_params params;
} zkey_file_contrib;

typedef struct zkey_file {
    uint32_t n_vars;
    uint32_t n_public; /* public signals, not counting the constant 1 */
    uint32_t domain_size;
    /* Header points, Montgomery form (copied). */
    uint8_t alpha1[BINFILE_G1_SIZE];
    uint8_t beta1[BINFILE_G1_SIZE];
    uint8_t beta2[BINFILE_G2_SIZE];
    uint8_t gamma2[BINFILE_G2_SIZE];
    uint8_t delta1[BINFILE_G1_SIZE];
    uint8_t delta2[BINFILE_G2_SIZE];
    /* Point arrays: after zkey_file_parse they borrow the parsed buffer; for the writer
     * the caller points them at its own arrays. Counts follow from the header. */
    const uint8_t *ic;     /* (n_public + 1) x G1 */
    const uint8_t *a;      /* n_vars x G1 */
    const uint8_t *b1;     /* n_vars x G1 */
    const uint8_t *b2;     /* n_vars x G2 */
    const uint8_t *c;      /* (n_vars - n_public - 1) x G1 */
    const uint8_t *h;      /* domain_size x G1 */
    zkey_file_coef *coefs; /* n_coefs entries; owned after parse (freed by zkey_file_clear) */
    uint32_t n_coefs;
    /* Section 10. */
    bool has_mpc;
    uint8_t cs_hash[64];
    zkey_file_contrib *contributions; /* owned after parse */
    uint32_t n_contributions;
    /* File order of the known sections; n_order == 0 writes snarkjs's order
     * 1, 2, 4, 3, 9, 8, 5, 6, 7, 10. */
    uint32_t order[10];
    size_t n_order;
} zkey_file;

/* Parses a Groth16 .zkey. Checks q and r are BN254's, nPublic + 1 <= nVars, domainSize is a
 * power of two <= 2^28, every section has exactly the size its counts imply, every
 * coordinate < q, every coefficient value < r with matrix 0 or 1, constraint <
 * domainSize and signal < nVars, and the contribution list fills section 10 exactly.
 * Returns: ZK_OK; ZK_ERR_MALFORMED (magic, version, protocol, primes, duplicate section,
 *          sizes, coefficient fields), ZK_ERR_NOTFOUND (missing section), ZK_ERR_TRUNCATED,
 *          ZK_ERR_TRAILING, ZK_ERR_RANGE (a value >= its prime), ZK_ERR_NOMEM.
 * Out: z (borrows data, which must outlive it; owns coefs/contributions: call
 *      zkey_file_clear, also after a failure). */
int zkey_file_parse(zkey_file *z, const uint8_t *data, size_t len, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Serialises z; the output of zkey_file_parse writes back the same bytes.
 * Returns: ZK_OK, ZK_ERR_USAGE (a required array is NULL or nPublic + 1 > nVars),
 *          ZK_ERR_RANGE (buffer cap, a parameter longer than 255 bytes), ZK_ERR_NOMEM.
 * In/Out: out, appended to. */
int zkey_file_write(zk_buf *out, const zkey_file *z) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Frees coefs and contributions and zeroes z; a zeroed z is a no-op. */
void zkey_file_clear(zkey_file *z);

#endif
