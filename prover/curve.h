/* The generic short-Weierstrass point y^2 = x^3 + b (a = 0) over a field F, the
 * one implementation behind G1 (F = fp) and G2 (F = fp2), in the manner of blst's
 * point.h. ZK_CURVE_API(G, F) declares the API below for the prefix G; curve_impl.h
 * expands the code once per curve (g1.c, g2.c).
 *
 * Types:
 *   G_affine   { F x, y; }     the point at infinity is (0, 0), which is on
 *                              neither curve because b != 0, and is also how the
 *                              EVM precompiles encode it (EIP-196/197).
 *   G_jacobian { F x, y, z; }  (X/Z^2, Y/Z^3); z == 0 is the point at infinity.
 *
 * Every function handles the point at infinity and every degenerate case (P + P,
 * P + (-P)). Outputs come first and may alias inputs of the same type. Points
 * passed in are assumed to be on the curve (the decoders in g1.h/g2.h check it);
 * the functions are total anyway, they just compute garbage for off-curve input.
 * Everything is variable time: public data only.
 *
 *   void G_affine_set_infinity(G_affine *r);
 *   bool G_affine_is_infinity(const G_affine *a);
 *   bool G_affine_is_on_curve(const G_affine *a);    infinity counts as on the curve
 *   bool G_affine_eq(const G_affine *a, const G_affine *b);
 *   void G_affine_neg(G_affine *r, const G_affine *a);
 *   void G_jacobian_set_infinity(G_jacobian *r);
 *   bool G_jacobian_is_infinity(const G_jacobian *a);
 *   bool G_jacobian_is_on_curve(const G_jacobian *a);
 *   bool G_jacobian_eq(const G_jacobian *a, const G_jacobian *b);   as points, not as
 *                                                                 representations
 *   void G_jacobian_from_affine(G_jacobian *r, const G_affine *a);
 *   void G_jacobian_to_affine(G_affine *r, const G_jacobian *a);   one inversion
 *   void G_jacobian_batch_to_affine(G_affine *r, const G_jacobian *a, size_t n,
 *                                   F *scratch);
 *            r[i] = a[i] for i < n with one inversion in all (Montgomery's trick);
 *            scratch holds n elements of F, owned by the caller; r must not
 *            overlap a.
 *   void G_jacobian_neg(G_jacobian *r, const G_jacobian *a);
 *   void G_jacobian_double(G_jacobian *r, const G_jacobian *a);     dbl-2009-l
 *   void G_jacobian_add(G_jacobian *r, const G_jacobian *a, const G_jacobian *b);
 *            add-2007-bl
 *   void G_jacobian_add_affine(G_jacobian *r, const G_jacobian *a, const G_affine *b);
 *            madd-2007-bl (the mixed addition MSM buckets use)
 *   void G_jacobian_mul(G_jacobian *r, const G_jacobian *a, const uint64_t k[4]);
 *            r = [k] a for any 256-bit k (little-endian limbs), not reduced mod r:
 *            width-5 wNAF, variable time. For an Fr scalar use fr_to_limbs first.
 *   void G_generator(G_affine *r);                     the standard generator
 *
 * The formulas are from the Explicit-Formulas Database (hyperelliptic.org/EFD,
 * g1p/shortw-jacobian-0). */
#ifndef ZKRELAY_PROVER_CURVE_H
#define ZKRELAY_PROVER_CURVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"

/* The three ways a point encoding fails, as distinct codes (blst's BLST_ERROR
 * split): a coordinate >= p, a point not on the curve, a G2 point outside the
 * order-r subgroup. */
#define BN254_ERR_COORD           ZK_ERR_NONCANONICAL
#define BN254_ERR_NOT_ON_CURVE    ZK_ERR_NOT_ON_CURVE
#define BN254_ERR_NOT_IN_SUBGROUP ZK_ERR_NOT_IN_GROUP

#define ZK_CURVE_API(G, F)                                                                         \
    typedef struct G##_affine {                                                                    \
        F x, y;                                                                                    \
    } G##_affine;                                                                                  \
    typedef struct G##_jacobian {                                                                  \
        F x, y, z;                                                                                 \
    } G##_jacobian;                                                                                \
    void G##_affine_set_infinity(G##_affine *r);                                                   \
    bool G##_affine_is_infinity(const G##_affine *a);                                              \
    bool G##_affine_is_on_curve(const G##_affine *a);                                              \
    bool G##_affine_eq(const G##_affine *a, const G##_affine *b);                                  \
    void G##_affine_neg(G##_affine *r, const G##_affine *a);                                       \
    void G##_jacobian_set_infinity(G##_jacobian *r);                                               \
    bool G##_jacobian_is_infinity(const G##_jacobian *a);                                          \
    bool G##_jacobian_is_on_curve(const G##_jacobian *a);                                          \
    bool G##_jacobian_eq(const G##_jacobian *a, const G##_jacobian *b);                            \
    void G##_jacobian_from_affine(G##_jacobian *r, const G##_affine *a);                           \
    void G##_jacobian_to_affine(G##_affine *r, const G##_jacobian *a);                             \
    void G##_jacobian_batch_to_affine(G##_affine *r, const G##_jacobian *a, size_t n, F *scratch); \
    void G##_jacobian_neg(G##_jacobian *r, const G##_jacobian *a);                                 \
    void G##_jacobian_double(G##_jacobian *r, const G##_jacobian *a);                              \
    void G##_jacobian_add(G##_jacobian *r, const G##_jacobian *a, const G##_jacobian *b);          \
    void G##_jacobian_add_affine(G##_jacobian *r, const G##_jacobian *a, const G##_affine *b);     \
    void G##_jacobian_mul(G##_jacobian *r, const G##_jacobian *a, const uint64_t k[4]);            \
    void G##_generator(G##_affine *r)

#endif
