/* Non-native integer arithmetic in circuits (prefix gn_): the layer under the secp256k1
 * gadget (prover/gadget_secp256k1.h). Numbers wider than Fr are polynomials in X = 2^32
 * whose coefficients are linear combinations over the witness, each standing for a signed
 * integer of known bound.
 *
 * Why this shape (the constraint count is the whole point):
 *   - A product of two polynomials costs one constraint per evaluation point
 *     (deg a + deg b + 1 of them, at 0, 1, -1, 2, -2, ...); its coefficients are then free
 *     linear combinations of those products (the inverse Vandermonde matrix). The identity
 *     holds in Fr[X], and since every true coefficient is below r/2 in absolute value it
 *     holds over the integers too.
 *   - Nothing is reduced unless asked: sums and products stay "lazy" polynomials with a
 *     bound; only gn_reduce_p and witnesses cost range checks (one constraint per bit).
 *   - A claimed integer identity V = 0 (gn_assert_zero) is checked modulo r (one
 *     constraint on the packed value) and modulo 2^T through a short carry chain, with T
 *     just large enough that r * 2^T exceeds 2|V|: V is then 0 (CRT). A congruence modulo
 *     m (gn_assert_zero_mod) witnesses the quotient q and checks V - q*m = 0.
 *   - Modulo secp256k1's p = 2^256 - 2^32 - 977, X^8 = X + 977 (gn_poly_fold_p) folds a
 *     product back to 8 coefficients for free, so quotients by p stay small (~bound/2^32).
 *
 * Bounds are tracked per polynomial as log2 of a bound on every coefficient over every
 * witness (not just the honest one): that is what makes the checks sound. A check whose
 * bound would let an Fr combination wrap records ZK_ERR_INTERNAL instead of building.
 * A witness value that breaks an identity (a false statement) records ZK_ERR_REJECTED.
 *
 * Everything is variable time (public data). Errors go to the circ's sticky status. */
#ifndef ZKRELAY_PROVER_GADGET_NONNATIVE_H
#define ZKRELAY_PROVER_GADGET_NONNATIVE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>

#include "prover/circuit.h"

#define GN_LIMB_BITS 32
/* Most coefficients a polynomial may have (products of 16 x 16 limbs fit). */
#define GN_MAX_COEFS 32

/* A polynomial sum c[i] X^i, X = 2^32, each c[i] a signed integer |c[i]| <= 2^lb. */
typedef struct gn_poly {
    r1cs_lc c[GN_MAX_COEFS];
    size_t n;
    double lb;
} gn_poly;

/* The builder: the circ, big-number scratch and the interpolation matrices. */
typedef struct gn_ctx {
    circ *c;
    BN_CTX *bn;
    fr *interp[GN_MAX_COEFS + 1]; /* interp[N]: N x N inverse Vandermonde, made on demand */
    BIGNUM *p;                    /* secp256k1's field prime */
    BIGNUM *r;                    /* Fr's modulus, for signed conversions */
} gn_ctx;

/* Out: g ready to build into c. Returns ZK_OK or ZK_ERR_NOMEM (g then cleared). */
int gn_ctx_init(gn_ctx *g, circ *c) ZK_MUST_CHECK ZK_NONNULL(1, 2);
/* Frees what g owns; a zeroed g is a no-op. */
void gn_ctx_clear(gn_ctx *g);

/* Out: a = the empty polynomial (zeroed). */
void gn_poly_init(gn_poly *a) ZK_NONNULL(1);
/* Frees a's combinations and empties it. */
void gn_poly_clear(gn_poly *a);
/* Out: dst = a copy of src (dst's old content freed). */
void gn_poly_copy(gn_ctx *g, gn_poly *dst, const gn_poly *src) ZK_NONNULL(1, 2, 3);

/* Out: a = the constant v (0 <= v < 2^(32 GN_MAX_COEFS)), no constraint. */
void gn_poly_const(gn_ctx *g, gn_poly *a, const BIGNUM *v) ZK_NONNULL(1, 2, 3);
/* Out: a = a new witness v, 0 <= v < 2^nbits, as ceil(nbits/32) limb variables, each
 * range-checked (nbits + limbs constraints); bits (may be NULL) gets the nbits constrained
 * bits, least significant first. Records ZK_ERR_RANGE when v does not fit. */
void gn_poly_witness(gn_ctx *g, gn_poly *a, const BIGNUM *v, unsigned nbits, r1cs_var *bits)
    ZK_NONNULL(1, 2, 3);
/* Out: a = the limbs packed from bits[0..nbits) (least significant first, the caller's
 * constrained bits), no constraint. */
void gn_poly_from_bits(gn_ctx *g, gn_poly *a, const r1cs_var *bits, unsigned nbits)
    ZK_NONNULL(1, 2, 3);

/* Out: out = ka * a + kb * b (b may be NULL; out may alias a or b). No constraint. */
void gn_poly_lin(gn_ctx *g, gn_poly *out, int64_t ka, const gn_poly *a, int64_t kb,
                 const gn_poly *b) ZK_NONNULL(1, 2, 4);
/* Out: out = a * b (out may alias). deg a + deg b + 1 constraints. */
void gn_poly_mul(gn_ctx *g, gn_poly *out, const gn_poly *a, const gn_poly *b)
    ZK_NONNULL(1, 2, 3, 4);
/* Out: out = a * k for a constant k >= 0 (out may alias). No constraint. */
void gn_poly_mul_const(gn_ctx *g, gn_poly *out, const gn_poly *a, const BIGNUM *k)
    ZK_NONNULL(1, 2, 3, 4);
/* Out: out = a * bit (out may alias). One constraint per coefficient. In: bit, a
 * constrained bit (the caller's guarantee). */
void gn_poly_mul_bit(gn_ctx *g, gn_poly *out, const gn_poly *a, r1cs_var bit) ZK_NONNULL(1, 2, 3);
/* In/Out: a folded to at most 8 coefficients with X^8 = X + 977: same value mod p. */
void gn_poly_fold_p(gn_ctx *g, gn_poly *a) ZK_NONNULL(1, 2);
/* In/Out: every coefficient with more than one term becomes a fresh variable (one
 * constraint each), so later evaluations stay short. */
void gn_poly_compress(gn_ctx *g, gn_poly *a) ZK_NONNULL(1, 2);

/* Out: v = the integer value of a on the current witness (signed). */
void gn_poly_value(gn_ctx *g, BIGNUM *v, const gn_poly *a) ZK_NONNULL(1, 2, 3);

/* Constrains the integer value of z to be 0. */
void gn_assert_zero(gn_ctx *g, const gn_poly *z) ZK_NONNULL(1, 2);
/* Constrains z == 0 modulo m (m > 0): witnesses the signed quotient. */
void gn_assert_zero_mod(gn_ctx *g, const gn_poly *z, const BIGNUM *m) ZK_NONNULL(1, 2, 3);
/* Out: out = a new 256-bit witness congruent to a modulo p (the canonical residue), with
 * the congruence constrained (out may alias a). */
void gn_reduce_p(gn_ctx *g, gn_poly *out, const gn_poly *a) ZK_NONNULL(1, 2, 3);

#endif
