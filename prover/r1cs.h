/* Rank-1 constraint systems over Fr: the builder the circuits use, the satisfiability
 * check, and the bridge to circom's .r1cs / .wtns files (prover/r1cs_file.h,
 * prover/wtns_file.h).
 *
 * A system is a list of constraints <A, w> * <B, w> = <C, w>, each A, B, C a sparse
 * linear combination of the witness vector w. The builder assigns every variable its
 * witness value when it is allocated, so the witness is complete when the last
 * constraint is added.
 *
 * Two numberings:
 *   - variables (r1cs_var): handles in allocation order, 0 being the constant 1
 *     (R1CS_ONE). Circuit code may allocate public variables after private ones.
 *   - wires: circom's layout, which .r1cs, .wtns and .zkey files and public.json use:
 *     wire 0 = 1, then public outputs, public inputs, private inputs, internal
 *     variables, each group in allocation order. r1cs_finalize renumbers the system
 *     into wires once, after the last constraint; r1cs_wire maps a handle to its wire.
 * Before finalize everything is in variable numbering; after it in wire numbering,
 * and the system is frozen (allocation and new constraints fail with ZK_ERR_USAGE).
 * A system imported from files (r1cs_from_files) is already finalized.
 *
 * Linear combinations keep their terms sorted by variable, with distinct variables
 * and no zero coefficients (adding a term for a variable already present adds the
 * coefficients), so equal combinations have equal representations.
 *
 * Everything is variable time: witnesses of the relayer's circuits are public data. */
#ifndef ZKRELAY_PROVER_R1CS_H
#define ZKRELAY_PROVER_R1CS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"
#include "prover/fr.h"
#include "prover/r1cs_file.h"
#include "prover/wtns_file.h"

typedef uint32_t r1cs_var;

/* The variable (and wire) that always holds 1. */
#define R1CS_ONE ((r1cs_var)0)
/* Most variables or constraints a system may hold (the files count them in u32). */
#define R1CS_MAX_VARS        0xfffffff0u
#define R1CS_MAX_CONSTRAINTS 0xfffffff0u

typedef enum r1cs_kind {
    R1CS_KIND_ONE = 0,       /* the constant, variable 0 only */
    R1CS_KIND_PUBLIC_OUTPUT, /* public signal, listed first in public.json */
    R1CS_KIND_PUBLIC_INPUT,  /* public signal after the outputs */
    R1CS_KIND_PRIVATE_INPUT, /* private, counted as circom's nPrvIn */
    R1CS_KIND_INTERNAL,      /* private intermediate value */
} r1cs_kind;

typedef struct r1cs_term {
    uint32_t var; /* variable before finalize, wire after */
    fr coef;      /* never zero */
} r1cs_term;

/* A caller-owned linear combination under construction (r1cs_lc_init / _clear). */
typedef struct r1cs_lc {
    r1cs_term *terms; /* sorted by var, distinct, non-zero coefficients */
    size_t n, cap;
} r1cs_lc;

/* One constraint: three ranges of the system's term array. */
typedef struct r1cs_constraint {
    size_t a, na, b, nb, c, nc; /* first term index and count of A, B, C */
} r1cs_constraint;

typedef struct r1cs {
    uint32_t n_vars;   /* including the constant */
    uint8_t *kinds;    /* r1cs_kind per variable (per wire after finalize) */
    fr *values;        /* the witness, per variable (per wire after finalize) */
    uint64_t *labels;  /* after finalize: per wire, the .r1cs label (the builder handle) */
    uint32_t *wire_of; /* after finalize: variable handle -> wire (NULL for imports) */
    size_t cap_vars;
    r1cs_constraint *cons;
    size_t n_cons, cap_cons;
    r1cs_term *terms; /* every constraint's terms, in order */
    size_t n_terms, cap_terms;
    uint64_t n_labels; /* written to .r1cs; n_vars for built systems */
    uint32_t n_pub_out, n_pub_in, n_prv_in;
    bool finalized;
} r1cs;

/* ---- linear combinations -------------------------------------------------- */

/* Out: lc = the empty combination (owns nothing yet). */
void r1cs_lc_init(r1cs_lc *lc) ZK_NONNULL(1);
/* Frees lc's terms and empties it; a cleared or zeroed lc is a no-op. */
void r1cs_lc_clear(r1cs_lc *lc);
/* Empties lc but keeps its memory for reuse. */
void r1cs_lc_reset(r1cs_lc *lc) ZK_NONNULL(1);

/* Adds coef * v to lc, merging with an existing term for v (a sum of zero removes it).
 * Returns: ZK_OK; ZK_ERR_NOMEM. */
int r1cs_lc_add_term(r1cs_lc *lc, r1cs_var v, const fr *coef) ZK_MUST_CHECK ZK_NONNULL(1, 3);
/* Adds 1 * v (r1cs_lc_add_term with coefficient 1). Returns as r1cs_lc_add_term. */
int r1cs_lc_add_var(r1cs_lc *lc, r1cs_var v) ZK_MUST_CHECK ZK_NONNULL(1);
/* Adds -1 * v. Returns as r1cs_lc_add_term. */
int r1cs_lc_sub_var(r1cs_lc *lc, r1cs_var v) ZK_MUST_CHECK ZK_NONNULL(1);
/* Adds the constant c (a term on R1CS_ONE). Returns as r1cs_lc_add_term. */
int r1cs_lc_add_constant(r1cs_lc *lc, const fr *c) ZK_MUST_CHECK ZK_NONNULL(1, 2);
/* Adds scale * other to lc (other unchanged; it may not be lc itself).
 * Returns as r1cs_lc_add_term. */
int r1cs_lc_add_lc(r1cs_lc *lc, const r1cs_lc *other, const fr *scale) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* ---- the builder ---------------------------------------------------------- */

/* Out: cs = a system holding only the constant variable R1CS_ONE = 1.
 * Returns: ZK_OK; ZK_ERR_NOMEM (cs is then cleared). Release with r1cs_clear. */
int r1cs_init(r1cs *cs) ZK_MUST_CHECK ZK_NONNULL(1);
/* Frees everything cs owns and zeroes it; a zeroed cs is a no-op. */
void r1cs_clear(r1cs *cs);

/* Allocates a variable of the given kind holding value.
 * Returns: ZK_OK; ZK_ERR_USAGE (cs finalized, or kind is R1CS_KIND_ONE or unknown);
 *          ZK_ERR_RANGE (R1CS_MAX_VARS reached); ZK_ERR_NOMEM.
 * Out: *out the new variable's handle. */
int r1cs_alloc(r1cs *cs, r1cs_var *out, r1cs_kind kind, const fr *value) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 4);
/* r1cs_alloc with R1CS_KIND_PUBLIC_INPUT: a public signal (in public.json, verified). */
int r1cs_alloc_public(r1cs *cs, r1cs_var *out, const fr *value) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);
/* r1cs_alloc with R1CS_KIND_INTERNAL: a private witness variable. */
int r1cs_alloc_private(r1cs *cs, r1cs_var *out, const fr *value) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Adds the constraint A * B = C (the combinations are copied; the caller keeps them).
 * Returns: ZK_OK; ZK_ERR_USAGE (cs finalized, or a term names a variable that was not
 *          allocated); ZK_ERR_RANGE (R1CS_MAX_CONSTRAINTS reached); ZK_ERR_NOMEM. */
int r1cs_add_constraint(r1cs *cs, const r1cs_lc *a, const r1cs_lc *b, const r1cs_lc *c,
                        zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3, 4);

/* Returns the witness value of variable v (a handle; mapped through the renumbering
 * once finalized). Precondition: v was allocated. */
const fr *r1cs_value(const r1cs *cs, r1cs_var v) ZK_NONNULL(1);
/* Returns the wire of variable v: v itself before finalize. Precondition: v allocated. */
uint32_t r1cs_wire(const r1cs *cs, r1cs_var v) ZK_NONNULL(1);
/* Sets the witness value of variable v (for tests that corrupt a witness, and for
 * circuits that compute a value after allocating it). Precondition: v allocated and
 * v != R1CS_ONE. */
void r1cs_set_value(r1cs *cs, r1cs_var v, const fr *value) ZK_NONNULL(1, 3);

/* Renumbers the system into circom's wire layout and freezes it. Idempotent.
 * Returns: ZK_OK; ZK_ERR_NOMEM (cs unchanged). */
int r1cs_finalize(r1cs *cs) ZK_MUST_CHECK ZK_NONNULL(1);

/* Number of public signals (outputs + public inputs), i.e. snarkjs's nPublic. */
static inline uint32_t r1cs_n_public(const r1cs *cs)
{
    return cs->n_pub_out + cs->n_pub_in;
}

/* ---- checking ------------------------------------------------------------- */

/* Evaluates lc on the witness w (indexed like the terms' var fields).
 * Out: *out. Precondition: every term's var < n. */
void r1cs_lc_eval(fr *out, const r1cs_term *terms, size_t n_terms, const fr *w) ZK_NONNULL(1, 4);

/* Checks the system's own witness (cs->values): w[0] == 1 and every constraint holds.
 * Returns: ZK_OK; ZK_ERR_REJECTED when not, with *first_failing = the index of the
 *          first failing constraint (SIZE_MAX when w[0] != 1) and err naming it.
 * Out: *first_failing (may be NULL), set only on ZK_ERR_REJECTED. */
int r1cs_is_satisfied(const r1cs *cs, size_t *first_failing, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Like r1cs_is_satisfied for another witness w[0..n) in the system's current numbering.
 * Returns: as r1cs_is_satisfied; ZK_ERR_MISMATCH when n != cs->n_vars. */
int r1cs_check_witness(const r1cs *cs, const fr *w, size_t n, size_t *first_failing,
                       zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* ---- files ---------------------------------------------------------------- */

/* Converts a finalized system to the .r1cs model (canonical coefficients, circom's
 * header counts, labels).
 * Returns: ZK_OK; ZK_ERR_USAGE (not finalized); ZK_ERR_NOMEM.
 * Out: f (owns its arrays: release with r1cs_file_clear, also after a failure). */
int r1cs_to_file(r1cs_file *f, const r1cs *cs, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Writes the witness of a finalized system as .wtns values.
 * Returns: ZK_OK; ZK_ERR_USAGE (not finalized); ZK_ERR_RANGE (buf_len < 32 * n_vars).
 * Out: w (its values borrow buf), buf (32 * n_vars bytes, canonical little-endian). */
int r1cs_witness_to_file(wtns_file *w, uint8_t *buf, size_t buf_len, const r1cs *cs,
                         zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4);

/* Builds a finalized system from a parsed .r1cs and, when wt is non-NULL, its witness
 * (otherwise every value but w[0] = 1 is zero).
 * The terms keep the file's order (a setup derives the .zkey coefficient list in that
 * order, as snarkjs does), so the sorted-and-merged rule above holds only for built
 * systems; r1cs_to_file writes an imported system back term for term.
 * Returns: ZK_OK; ZK_ERR_MISMATCH (witness length != nWires, or value 0 != 1);
 *          ZK_ERR_RANGE (a coefficient >= r, for a model not made by r1cs_file_parse);
 *          ZK_ERR_NOMEM.
 * Out: cs (release with r1cs_clear, also after a failure). */
int r1cs_from_files(r1cs *cs, const r1cs_file *f, const wtns_file *wt, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

#endif
