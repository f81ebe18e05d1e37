/* The gadget layer over the R1CS builder (prover/r1cs.h): what every circuit is written in.
 *
 * A circ wraps one r1cs under construction with a sticky status: the first failure
 * (allocation, a bad argument, a witness value a gadget cannot represent) is recorded
 * and every later call becomes a no-op that returns R1CS_ONE or does nothing. Gadget
 * code therefore reads like the statement it builds and checks circ_status once at the
 * end (the SQLite StrAccum / Go bufio.Writer pattern), instead of testing every call.
 *
 * Values are variables (r1cs_var) holding their witness, or caller-owned linear
 * combinations (r1cs_lc) for sums that cost no constraint. Small constraints are written
 * with circ_term lists of (variable, small signed coefficient), e.g.
 *     circ_enforce(c, CT2(a, 1, R1CS_ONE, 0), ...)
 * Every gadget that returns a "bit" guarantees, by constraints, that the variable is 0
 * or 1; a gadget that takes a bit requires the caller to have such a guarantee (its
 * contract says so). The witness is whatever the builder computes: a test corrupts it
 * with r1cs_set_value to show a constraint catches the corruption.
 *
 * Everything is variable time: the relayer's witnesses are public chain data. */
#ifndef ZKRELAY_PROVER_CIRCUIT_H
#define ZKRELAY_PROVER_CIRCUIT_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"
#include "prover/fr.h"
#include "prover/r1cs.h"

typedef struct circ {
    r1cs *cs;
    int status;         /* ZK_OK until the first failure */
    zk_errbuf err;      /* the first failure's message */
    r1cs_lc sa, sb, sc; /* scratch for circ_enforce */
} circ;

/* A term with a small coefficient, for the constraints gadgets write by hand. */
typedef struct circ_term {
    r1cs_var v;
    int64_t k;
} circ_term;

/* An inline term list: circ_enforce(c, CT(a), CT(b), CT(out)) for a*b = out, or
 * CTL({x, 1}, {R1CS_ONE, -1}) for x - 1. */
#define CTL(...)                                                                                   \
    ((const circ_term[]){__VA_ARGS__}), (sizeof((circ_term[]){__VA_ARGS__}) / sizeof(circ_term))
#define CT(v) CTL({(v), 1})

/* Out: c wraps cs (which must be initialised and not finalized). Never fails. */
void circ_init(circ *c, r1cs *cs) ZK_NONNULL(1, 2);
/* Frees the scratch combinations (cs itself stays the caller's). */
void circ_clear(circ *c);

/* Returns the sticky status: ZK_OK, or the first failure's code with its message
 * copied into err (when non-NULL). */
int circ_status(const circ *c, zk_errbuf *err) ZK_NONNULL(1);
/* Records a failure (if none is recorded yet) and returns the recorded code. For gadgets
 * that meet an input they cannot handle (e.g. a witness longer than the circuit's
 * maximum): the circuit cannot be built for it. */
int circ_fail(circ *c, int code, const char *fmt, ...) ZK_PRINTF(3, 4) ZK_NONNULL(1);
/* True when no failure has been recorded. */
static inline int circ_ok(const circ *c)
{
    return c->status == ZK_OK;
}

/* ---- variables ------------------------------------------------------------ */

/* A new private variable holding value (no constraint). */
r1cs_var circ_var(circ *c, const fr *value) ZK_NONNULL(1, 2);
/* A new private variable holding the integer v. */
r1cs_var circ_var_u64(circ *c, uint64_t v) ZK_NONNULL(1);
/* A new public input holding value (public.json order = allocation order). */
r1cs_var circ_public(circ *c, const fr *value) ZK_NONNULL(1, 2);
/* The witness value of v. */
const fr *circ_val(const circ *c, r1cs_var v) ZK_NONNULL(1);
/* The witness value of v as an integer; the caller knows it is below 2^64 (bits, bytes,
 * words). Records ZK_ERR_INTERNAL when it is not. */
uint64_t circ_val_u64(circ *c, r1cs_var v) ZK_NONNULL(1);

/* ---- constraints ---------------------------------------------------------- */

/* Adds the constraint (sum a) * (sum b) = (sum out). */
void circ_enforce(circ *c, const circ_term *a, size_t na, const circ_term *b, size_t nb,
                  const circ_term *out, size_t nout) ZK_NONNULL(1);
/* Adds A * B = C for caller-built combinations. */
void circ_enforce_lc(circ *c, const r1cs_lc *a, const r1cs_lc *b, const r1cs_lc *out)
    ZK_NONNULL(1, 2, 3, 4);

/* Linear-combination builders with the sticky status (lc is caller-owned, r1cs_lc_init'ed). */
void circ_lc_add(circ *c, r1cs_lc *lc, r1cs_var v, const fr *coef) ZK_NONNULL(1, 2, 4);
void circ_lc_add_k(circ *c, r1cs_lc *lc, r1cs_var v, int64_t k) ZK_NONNULL(1, 2);
void circ_lc_add_lc(circ *c, r1cs_lc *lc, const r1cs_lc *other, int64_t k) ZK_NONNULL(1, 2, 3);
/* Evaluates lc on the current witness. */
void circ_lc_value(const circ *c, fr *out, const r1cs_lc *lc) ZK_NONNULL(1, 2, 3);
/* A new variable equal to lc (one constraint: lc * 1 = v). */
r1cs_var circ_lc_to_var(circ *c, const r1cs_lc *lc) ZK_NONNULL(1, 2);

/* ---- arithmetic and bits -------------------------------------------------- */

/* Returns a new variable = a * b (one constraint). */
r1cs_var circ_mul(circ *c, r1cs_var a, r1cs_var b) ZK_NONNULL(1);
/* Constrains a == b (one constraint). */
void circ_assert_equal(circ *c, r1cs_var a, r1cs_var b) ZK_NONNULL(1);
/* Constrains a == k for a constant k (one constraint). */
void circ_assert_const(circ *c, r1cs_var a, uint64_t k) ZK_NONNULL(1);
/* Constrains lc == 0 (one constraint). */
void circ_assert_zero_lc(circ *c, const r1cs_lc *lc) ZK_NONNULL(1, 2);

/* Constrains v to be 0 or 1 (one constraint). */
void circ_assert_bit(circ *c, r1cs_var v) ZK_NONNULL(1);
/* A new constrained bit holding b (one constraint). */
r1cs_var circ_bit(circ *c, int b) ZK_NONNULL(1);
/* Bits a, b -> a XOR b, a AND b, a OR b, NOT a (one constraint each; the result is a bit). */
r1cs_var circ_xor(circ *c, r1cs_var a, r1cs_var b) ZK_NONNULL(1);
r1cs_var circ_and(circ *c, r1cs_var a, r1cs_var b) ZK_NONNULL(1);
r1cs_var circ_or(circ *c, r1cs_var a, r1cs_var b) ZK_NONNULL(1);
r1cs_var circ_not(circ *c, r1cs_var a) ZK_NONNULL(1);
/* Bit s -> s ? a : b (one constraint). a, b any values. */
r1cs_var circ_select(circ *c, r1cs_var s, r1cs_var a, r1cs_var b) ZK_NONNULL(1);

/* Decomposes v into n bits, little-endian, each constrained, and constrains
 * v == sum bits[i] 2^i (n + 1 constraints). Precondition: 1 <= n <= 253, so that the
 * decomposition is unique in Fr. Records ZK_ERR_RANGE when v's witness does not fit:
 * the statement is false for this witness. Out: bits[0..n). */
void circ_to_bits(circ *c, r1cs_var v, unsigned n, r1cs_var *bits) ZK_NONNULL(1, 4);
/* Constrains 0 <= v < 2^n (circ_to_bits, bits discarded). Precondition: n <= 253. */
void circ_range(circ *c, r1cs_var v, unsigned n) ZK_NONNULL(1);
/* Out: lc = sum bits[i] 2^i (lc reset first; no constraint). Precondition: n <= 253. */
void circ_pack_bits(circ *c, r1cs_lc *lc, const r1cs_var *bits, unsigned n) ZK_NONNULL(1, 2, 3);
/* A new variable = sum bits[i] 2^i (one constraint). */
r1cs_var circ_from_bits(circ *c, const r1cs_var *bits, unsigned n) ZK_NONNULL(1, 2);

/* Returns a bit = (v == 0) (two constraints, an inverse hint). */
r1cs_var circ_is_zero(circ *c, r1cs_var v) ZK_NONNULL(1);
/* Returns a bit = (a == b) (three constraints). */
r1cs_var circ_is_equal(circ *c, r1cs_var a, r1cs_var b) ZK_NONNULL(1);
/* Returns a bit = (a == k) for a constant k. */
r1cs_var circ_is_equal_const(circ *c, r1cs_var a, uint64_t k) ZK_NONNULL(1);
/* Returns a bit = (a < b) for a, b already known to be below 2^n (the caller's range
 * checks). n + 2 constraints. Precondition: n <= 252. */
r1cs_var circ_less_than(circ *c, r1cs_var a, r1cs_var b, unsigned n) ZK_NONNULL(1);

#endif
