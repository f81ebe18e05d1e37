/* Internal to prover/: the body of the generic curve (contracts in curve.h).
 * Included once per curve, after defining
 *   CURVE_G      the prefix (g1, g2)
 *   CURVE_F      the coordinate field type and function prefix (fp, fp2)
 *   CURVE_B      an expression of type const CURVE_F *: the coefficient b
 *   CURVE_GEN    an expression of type const CURVE_G##_affine *: the generator
 * No include guard on purpose: this is a template, expanded per curve. The names it
 * defines are static except the curve.h API. */

/* Included on its own (no CURVE_G), as the header check does, it expands to nothing. */
#if defined(CURVE_G)

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"

#define ZKC_CAT2(a, b) a##b
#define ZKC_CAT(a, b)  ZKC_CAT2(a, b)
#define PT(s)          ZKC_CAT(CURVE_G, s)
#define FE(s)          ZKC_CAT(CURVE_F, s)
#define AFF            PT(_affine)
#define JAC            PT(_jacobian)
#define F              CURVE_F

void PT(_affine_set_infinity)(AFF *r)
{
    FE(_set_zero)(&r->x);
    FE(_set_zero)(&r->y);
}

bool PT(_affine_is_infinity)(const AFF *a)
{
    return FE(_is_zero)(&a->x) && FE(_is_zero)(&a->y);
}

bool PT(_affine_is_on_curve)(const AFF *a)
{
    if (PT(_affine_is_infinity)(a)) return true;
    F l, r;
    FE(_sqr)(&l, &a->y);
    FE(_sqr)(&r, &a->x);
    FE(_mul)(&r, &r, &a->x);
    FE(_add)(&r, &r, CURVE_B);
    return FE(_eq)(&l, &r);
}

bool PT(_affine_eq)(const AFF *a, const AFF *b)
{
    return FE(_eq)(&a->x, &b->x) && FE(_eq)(&a->y, &b->y);
}

void PT(_affine_neg)(AFF *r, const AFF *a)
{
    r->x = a->x;
    FE(_neg)(&r->y, &a->y); /* -0 = 0 keeps infinity (0, 0) */
}

void PT(_jacobian_set_infinity)(JAC *r)
{
    FE(_set_one)(&r->x);
    FE(_set_one)(&r->y);
    FE(_set_zero)(&r->z);
}

bool PT(_jacobian_is_infinity)(const JAC *a)
{
    return FE(_is_zero)(&a->z);
}

bool PT(_jacobian_is_on_curve)(const JAC *a)
{
    if (PT(_jacobian_is_infinity)(a)) return true;
    /* Y^2 = X^3 + b Z^6 */
    F l, r, z6;
    FE(_sqr)(&l, &a->y);
    FE(_sqr)(&r, &a->x);
    FE(_mul)(&r, &r, &a->x);
    FE(_sqr)(&z6, &a->z);
    FE(_mul)(&z6, &z6, &a->z);
    FE(_sqr)(&z6, &z6);
    FE(_mul)(&z6, &z6, CURVE_B);
    FE(_add)(&r, &r, &z6);
    return FE(_eq)(&l, &r);
}

bool PT(_jacobian_eq)(const JAC *a, const JAC *b)
{
    bool ia = PT(_jacobian_is_infinity)(a), ib = PT(_jacobian_is_infinity)(b);
    if (ia || ib) return ia && ib;
    /* X1 Z2^2 == X2 Z1^2 and Y1 Z2^3 == Y2 Z1^3 */
    F z1z1, z2z2, u1, u2, s1, s2;
    FE(_sqr)(&z1z1, &a->z);
    FE(_sqr)(&z2z2, &b->z);
    FE(_mul)(&u1, &a->x, &z2z2);
    FE(_mul)(&u2, &b->x, &z1z1);
    if (!FE(_eq)(&u1, &u2)) return false;
    FE(_mul)(&s1, &a->y, &z2z2);
    FE(_mul)(&s1, &s1, &b->z);
    FE(_mul)(&s2, &b->y, &z1z1);
    FE(_mul)(&s2, &s2, &a->z);
    return FE(_eq)(&s1, &s2);
}

void PT(_jacobian_from_affine)(JAC *r, const AFF *a)
{
    if (PT(_affine_is_infinity)(a)) {
        PT(_jacobian_set_infinity)(r);
        return;
    }
    r->x = a->x;
    r->y = a->y;
    FE(_set_one)(&r->z);
}

/* r = (X zinv^2, Y zinv^3) */
static void PT(_scale_to_affine)(AFF *r, const JAC *a, const F *zinv)
{
    F z2, z3;
    FE(_sqr)(&z2, zinv);
    FE(_mul)(&z3, &z2, zinv);
    FE(_mul)(&r->x, &a->x, &z2);
    FE(_mul)(&r->y, &a->y, &z3);
}

void PT(_jacobian_to_affine)(AFF *r, const JAC *a)
{
    F zinv;
    if (FE(_inv)(&zinv, &a->z) != ZK_OK) { /* z == 0: infinity */
        PT(_affine_set_infinity)(r);
        return;
    }
    PT(_scale_to_affine)(r, a, &zinv);
}

void PT(_jacobian_batch_to_affine)(AFF *r, const JAC *a, size_t n, F *scratch)
{
    F acc, t;
    FE(_set_one)(&acc);
    for (size_t i = 0; i < n; i++) {
        scratch[i] = acc; /* product of the non-zero z of a[0..i) */
        if (!PT(_jacobian_is_infinity)(&a[i])) FE(_mul)(&acc, &acc, &a[i].z);
    }
    if (FE(_inv)(&acc, &acc) != ZK_OK) return; /* unreachable: acc is a product of non-zeros */
    for (size_t i = n; i-- > 0;) {
        if (PT(_jacobian_is_infinity)(&a[i])) {
            PT(_affine_set_infinity)(&r[i]);
            continue;
        }
        FE(_mul)(&t, &acc, &scratch[i]); /* z_i^-1 */
        FE(_mul)(&acc, &acc, &a[i].z);
        PT(_scale_to_affine)(&r[i], &a[i], &t);
    }
}

void PT(_jacobian_neg)(JAC *r, const JAC *a)
{
    r->x = a->x;
    FE(_neg)(&r->y, &a->y);
    r->z = a->z;
}

void PT(_jacobian_double)(JAC *r, const JAC *a)
{
    if (PT(_jacobian_is_infinity)(a) || FE(_is_zero)(&a->y)) {
        /* y == 0 would be a 2-torsion point; neither BN254 group has one. */
        PT(_jacobian_set_infinity)(r);
        return;
    }
    F A, B, C, D, E, Fs, t;
    FE(_sqr)(&A, &a->x);
    FE(_sqr)(&B, &a->y);
    FE(_sqr)(&C, &B);
    /* D = 2 ((X + B)^2 - A - C) */
    FE(_add)(&D, &a->x, &B);
    FE(_sqr)(&D, &D);
    FE(_sub)(&D, &D, &A);
    FE(_sub)(&D, &D, &C);
    FE(_dbl)(&D, &D);
    /* E = 3A, F = E^2 */
    FE(_dbl)(&E, &A);
    FE(_add)(&E, &E, &A);
    FE(_sqr)(&Fs, &E);
    /* Z3 = 2 Y Z (before r->y is overwritten: r may alias a) */
    FE(_mul)(&t, &a->y, &a->z);
    FE(_dbl)(&r->z, &t);
    /* X3 = F - 2D */
    FE(_dbl)(&t, &D);
    FE(_sub)(&r->x, &Fs, &t);
    /* Y3 = E (D - X3) - 8C */
    FE(_sub)(&t, &D, &r->x);
    FE(_mul)(&t, &E, &t);
    FE(_dbl)(&C, &C);
    FE(_dbl)(&C, &C);
    FE(_dbl)(&C, &C);
    FE(_sub)(&r->y, &t, &C);
}

void PT(_jacobian_add)(JAC *r, const JAC *a, const JAC *b)
{
    if (PT(_jacobian_is_infinity)(a)) {
        *r = *b;
        return;
    }
    if (PT(_jacobian_is_infinity)(b)) {
        *r = *a;
        return;
    }
    F z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    FE(_sqr)(&z1z1, &a->z);
    FE(_sqr)(&z2z2, &b->z);
    FE(_mul)(&u1, &a->x, &z2z2);
    FE(_mul)(&u2, &b->x, &z1z1);
    FE(_mul)(&s1, &a->y, &b->z);
    FE(_mul)(&s1, &s1, &z2z2);
    FE(_mul)(&s2, &b->y, &a->z);
    FE(_mul)(&s2, &s2, &z1z1);
    FE(_sub)(&h, &u2, &u1);
    FE(_sub)(&rr, &s2, &s1);
    if (FE(_is_zero)(&h)) {
        if (FE(_is_zero)(&rr))
            PT(_jacobian_double)(r, a);
        else
            PT(_jacobian_set_infinity)(r); /* b = -a */
        return;
    }
    FE(_dbl)(&rr, &rr);
    FE(_dbl)(&i, &h);
    FE(_sqr)(&i, &i);
    FE(_mul)(&j, &h, &i);
    FE(_mul)(&v, &u1, &i);
    /* Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H */
    FE(_add)(&t, &a->z, &b->z);
    FE(_sqr)(&t, &t);
    FE(_sub)(&t, &t, &z1z1);
    FE(_sub)(&t, &t, &z2z2);
    FE(_mul)(&r->z, &t, &h);
    /* X3 = r^2 - J - 2V */
    FE(_sqr)(&t, &rr);
    FE(_sub)(&t, &t, &j);
    FE(_sub)(&t, &t, &v);
    FE(_sub)(&r->x, &t, &v);
    /* Y3 = r (V - X3) - 2 S1 J */
    FE(_sub)(&t, &v, &r->x);
    FE(_mul)(&t, &rr, &t);
    FE(_mul)(&s1, &s1, &j);
    FE(_dbl)(&s1, &s1);
    FE(_sub)(&r->y, &t, &s1);
}

void PT(_jacobian_add_affine)(JAC *r, const JAC *a, const AFF *b)
{
    if (PT(_affine_is_infinity)(b)) {
        *r = *a;
        return;
    }
    if (PT(_jacobian_is_infinity)(a)) {
        PT(_jacobian_from_affine)(r, b);
        return;
    }
    F z1z1, u2, s2, h, hh, i, j, rr, v, t, y1 = a->y;
    FE(_sqr)(&z1z1, &a->z);
    FE(_mul)(&u2, &b->x, &z1z1);
    FE(_mul)(&s2, &b->y, &a->z);
    FE(_mul)(&s2, &s2, &z1z1);
    FE(_sub)(&h, &u2, &a->x);
    FE(_sub)(&rr, &s2, &a->y);
    if (FE(_is_zero)(&h)) {
        if (FE(_is_zero)(&rr))
            PT(_jacobian_double)(r, a);
        else
            PT(_jacobian_set_infinity)(r);
        return;
    }
    FE(_dbl)(&rr, &rr);
    FE(_sqr)(&hh, &h);
    FE(_dbl)(&i, &hh);
    FE(_dbl)(&i, &i);
    FE(_mul)(&j, &h, &i);
    FE(_mul)(&v, &a->x, &i);
    /* Z3 = (Z1 + H)^2 - Z1Z1 - HH */
    FE(_add)(&t, &a->z, &h);
    FE(_sqr)(&t, &t);
    FE(_sub)(&t, &t, &z1z1);
    FE(_sub)(&r->z, &t, &hh);
    /* X3 = r^2 - J - 2V */
    FE(_sqr)(&t, &rr);
    FE(_sub)(&t, &t, &j);
    FE(_sub)(&t, &t, &v);
    FE(_sub)(&r->x, &t, &v);
    /* Y3 = r (V - X3) - 2 Y1 J */
    FE(_sub)(&t, &v, &r->x);
    FE(_mul)(&t, &rr, &t);
    FE(_mul)(&y1, &y1, &j);
    FE(_dbl)(&y1, &y1);
    FE(_sub)(&r->y, &t, &y1);
}

void PT(_jacobian_mul)(JAC *r, const JAC *a, const uint64_t k[4])
{
    /* Width-5 NAF: digits in {0, +-1, +-3, ..., +-15}, at most one non-zero in any
     * 5 consecutive positions; 257 digits cover a 256-bit k (one carry digit). */
    enum { W = 5, TABLE = 1 << (W - 2), MAX_DIGITS = 258 };
    int8_t naf[MAX_DIGITS];
    uint64_t e[5] = {k[0], k[1], k[2], k[3], 0};
    int len = 0;
    while ((e[0] | e[1] | e[2] | e[3] | e[4]) != 0) {
        int d = 0;
        if (e[0] & 1) {
            d = (int)(e[0] & ((1u << W) - 1));
            if (d >= 1 << (W - 1)) d -= 1 << W;
            /* e -= d: subtract d >= 0 or add -d, with carries across limbs. */
            uint64_t add = d < 0 ? (uint64_t)-d : 0, sub = d > 0 ? (uint64_t)d : 0;
            for (int i = 0; i < 5 && (add | sub); i++) {
                uint64_t old = e[i];
                e[i] = old + add - sub;
                add = add ? (e[i] < old) : 0;
                sub = sub ? (e[i] > old) : 0;
            }
        }
        naf[len++] = (int8_t)d;
        for (int i = 0; i < 4; i++)
            e[i] = (e[i] >> 1) | (e[i + 1] << 63);
        e[4] >>= 1;
    }
    /* table[i] = (2i + 1) a */
    JAC table[TABLE], twice;
    table[0] = *a;
    PT(_jacobian_double)(&twice, a);
    for (int i = 1; i < TABLE; i++)
        PT(_jacobian_add)(&table[i], &table[i - 1], &twice);
    JAC acc, neg;
    PT(_jacobian_set_infinity)(&acc);
    for (int i = len - 1; i >= 0; i--) {
        PT(_jacobian_double)(&acc, &acc);
        if (naf[i] > 0) {
            PT(_jacobian_add)(&acc, &acc, &table[naf[i] / 2]);
        } else if (naf[i] < 0) {
            PT(_jacobian_neg)(&neg, &table[-naf[i] / 2]);
            PT(_jacobian_add)(&acc, &acc, &neg);
        }
    }
    *r = acc;
}

void PT(_generator)(AFF *r)
{
    *r = *(CURVE_GEN);
}

#undef ZKC_CAT2
#undef ZKC_CAT
#undef PT
#undef FE
#undef AFF
#undef JAC
#undef F

#endif /* CURVE_G */
