/* circom .r1cs files (iden3/r1csfile, docs/r1cs_bin_format.md), version 1, BN254.
 *
 * Sections: 1 header (u32 n8, prime[n8] = r, u32 nWires, u32 nPubOut, u32 nPubIn,
 * u32 nPrvIn, u64 nLabels, u32 nConstraints), 2 constraints (per constraint three linear
 * combinations A, B, C: u32 nTerms, then nTerms x (u32 wireId, coef[32])), 3 wire-to-label
 * map (nWires x u64). Sections 4 and 5 (PLONK custom gates) and unknown ids are skipped
 * and not written back.
 *
 * Coefficients are CANONICAL little-endian Fr values (not Montgomery), each < r.
 * Wire 0 is the constant 1; then outputs, public inputs, private inputs, internal. */
#ifndef ZKRELAY_PROVER_R1CS_FILE_H
#define ZKRELAY_PROVER_R1CS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"

typedef struct r1cs_file_term {
    uint32_t wire;
    uint8_t coef[32]; /* canonical LE, < r */
} r1cs_file_term;

/* One linear combination: terms[0..n) of the file's term array. */
typedef struct r1cs_file_lc {
    size_t first; /* index into r1cs_file.terms */
    size_t n;
} r1cs_file_lc;

typedef struct r1cs_file_constraint {
    r1cs_file_lc a, b, c; /* A * B - C = 0 */
} r1cs_file_constraint;

typedef struct r1cs_file {
    uint32_t n_wires;
    uint32_t n_pub_out;
    uint32_t n_pub_in;
    uint32_t n_prv_in;
    uint64_t n_labels;
    uint32_t n_constraints;
    r1cs_file_constraint *constraints; /* owned, n_constraints entries */
    r1cs_file_term *terms;             /* owned, n_terms entries, in file order */
    size_t n_terms;
    uint64_t *wire_to_label; /* owned, n_wires entries */
    /* File order of sections 1..3 for the writer; n_order == 0 writes circom's order
     * 2, 1, 3 (the order circom emits). */
    uint32_t order[3];
    size_t n_order;
} r1cs_file;

/* Parses a whole .r1cs file. Checks every count against the section sizes before it
 * allocates, every coefficient < r, every wire id < nWires, the prime is BN254's r, and
 * nPubOut + nPubIn + nPrvIn < nWires.
 * Returns: ZK_OK; ZK_ERR_MALFORMED (magic, version, prime, duplicate section, wrong size,
 *          wire id out of range), ZK_ERR_NOTFOUND (missing section), ZK_ERR_TRUNCATED,
 *          ZK_ERR_TRAILING, ZK_ERR_RANGE (coefficient >= r), ZK_ERR_NOMEM.
 * Out: r (owns copies; release with r1cs_file_clear, also after a failure).
 * In: data/len the file (not kept). */
int r1cs_file_parse(r1cs_file *r, const uint8_t *data, size_t len, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Serialises r as a version-1 .r1cs file; the output of r1cs_file_parse writes back the
 * same bytes (for files without unknown sections).
 * Returns: ZK_OK; ZK_ERR_RANGE when the buffer cap is hit or a term index is out of range;
 *          ZK_ERR_NOMEM.
 * In/Out: out, appended to. */
int r1cs_file_write(zk_buf *out, const r1cs_file *r) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Frees what r owns and zeroes it. r1cs_file_clear on a zeroed struct does nothing. */
void r1cs_file_clear(r1cs_file *r);

#endif
