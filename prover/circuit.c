/* The gadget layer over the R1CS builder (see circuit.h). */
#include "prover/circuit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void circ_init(circ *c, r1cs *cs)
{
    memset(c, 0, sizeof *c);
    c->cs = cs;
    c->status = ZK_OK;
    r1cs_lc_init(&c->sa);
    r1cs_lc_init(&c->sb);
    r1cs_lc_init(&c->sc);
}

void circ_clear(circ *c)
{
    if (!c) return;
    r1cs_lc_clear(&c->sa);
    r1cs_lc_clear(&c->sb);
    r1cs_lc_clear(&c->sc);
}

int circ_status(const circ *c, zk_errbuf *err)
{
    if (c->status != ZK_OK && err) *err = c->err;
    return c->status;
}

int circ_fail(circ *c, int code, const char *fmt, ...)
{
    if (c->status != ZK_OK) return c->status;
    c->status = code ? code : ZK_ERR_INTERNAL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err.msg, sizeof c->err.msg, fmt, ap);
    va_end(ap);
    c->err.offset = 0;
    return c->status;
}

/* Records rc (a builder status) when it is a failure. */
static void note(circ *c, int rc, const char *what)
{
    if (rc != ZK_OK) circ_fail(c, rc, "%s: %s", what, zk_strerror(rc));
}

static void fr_from_i64(fr *r, int64_t k)
{
    if (k >= 0) {
        fr_from_u64(r, (uint64_t)k);
    } else {
        fr_from_u64(r, (uint64_t)0 - (uint64_t)k);
        fr_neg(r, r);
    }
}

/* ---- variables ------------------------------------------------------------ */

r1cs_var circ_var(circ *c, const fr *value)
{
    if (!circ_ok(c)) return R1CS_ONE;
    r1cs_var v = R1CS_ONE;
    note(c, r1cs_alloc_private(c->cs, &v, value), "allocating a variable");
    return circ_ok(c) ? v : R1CS_ONE;
}

r1cs_var circ_var_u64(circ *c, uint64_t v)
{
    fr x;
    fr_from_u64(&x, v);
    return circ_var(c, &x);
}

r1cs_var circ_public(circ *c, const fr *value)
{
    if (!circ_ok(c)) return R1CS_ONE;
    r1cs_var v = R1CS_ONE;
    note(c, r1cs_alloc_public(c->cs, &v, value), "allocating a public input");
    return circ_ok(c) ? v : R1CS_ONE;
}

const fr *circ_val(const circ *c, r1cs_var v)
{
    return r1cs_value(c->cs, v);
}

uint64_t circ_val_u64(circ *c, r1cs_var v)
{
    uint64_t l[4];
    fr_to_limbs(l, circ_val(c, v));
    if (l[1] | l[2] | l[3]) {
        circ_fail(c, ZK_ERR_INTERNAL, "variable %u does not hold a 64-bit value", v);
        return 0;
    }
    return l[0];
}

/* ---- constraints ---------------------------------------------------------- */

void circ_lc_add(circ *c, r1cs_lc *lc, r1cs_var v, const fr *coef)
{
    if (!circ_ok(c)) return;
    note(c, r1cs_lc_add_term(lc, v, coef), "building a linear combination");
}

void circ_lc_add_k(circ *c, r1cs_lc *lc, r1cs_var v, int64_t k)
{
    fr f;
    fr_from_i64(&f, k);
    circ_lc_add(c, lc, v, &f);
}

void circ_lc_add_lc(circ *c, r1cs_lc *lc, const r1cs_lc *other, int64_t k)
{
    if (!circ_ok(c)) return;
    fr f;
    fr_from_i64(&f, k);
    note(c, r1cs_lc_add_lc(lc, other, &f), "building a linear combination");
}

void circ_lc_value(const circ *c, fr *out, const r1cs_lc *lc)
{
    fr_set_zero(out);
    for (size_t i = 0; i < lc->n; i++) {
        fr t;
        fr_mul(&t, &lc->terms[i].coef, circ_val(c, lc->terms[i].var));
        fr_add(out, out, &t);
    }
}

static void terms_to_lc(circ *c, r1cs_lc *lc, const circ_term *t, size_t n)
{
    r1cs_lc_reset(lc);
    for (size_t i = 0; i < n; i++)
        circ_lc_add_k(c, lc, t[i].v, t[i].k);
}

void circ_enforce_lc(circ *c, const r1cs_lc *a, const r1cs_lc *b, const r1cs_lc *out)
{
    if (!circ_ok(c)) return;
    zk_errbuf e;
    int rc = r1cs_add_constraint(c->cs, a, b, out, &e);
    if (rc) circ_fail(c, rc, "adding a constraint: %s", e.msg);
}

void circ_enforce(circ *c, const circ_term *a, size_t na, const circ_term *b, size_t nb,
                  const circ_term *out, size_t nout)
{
    if (!circ_ok(c)) return;
    terms_to_lc(c, &c->sa, a, na);
    terms_to_lc(c, &c->sb, b, nb);
    terms_to_lc(c, &c->sc, out, nout);
    circ_enforce_lc(c, &c->sa, &c->sb, &c->sc);
}

r1cs_var circ_lc_to_var(circ *c, const r1cs_lc *lc)
{
    fr x;
    circ_lc_value(c, &x, lc);
    r1cs_var v = circ_var(c, &x);
    if (!circ_ok(c)) return R1CS_ONE;
    terms_to_lc(c, &c->sb, (const circ_term[]){{R1CS_ONE, 1}}, 1);
    terms_to_lc(c, &c->sc, (const circ_term[]){{v, 1}}, 1);
    circ_enforce_lc(c, lc, &c->sb, &c->sc);
    return v;
}

/* ---- arithmetic and bits -------------------------------------------------- */

r1cs_var circ_mul(circ *c, r1cs_var a, r1cs_var b)
{
    fr x;
    fr_mul(&x, circ_val(c, a), circ_val(c, b));
    r1cs_var v = circ_var(c, &x);
    circ_enforce(c, CT(a), CT(b), CT(v));
    return v;
}

void circ_assert_equal(circ *c, r1cs_var a, r1cs_var b)
{
    circ_enforce(c, CTL({a, 1}, {b, -1}), CT(R1CS_ONE), NULL, 0);
}

void circ_assert_const(circ *c, r1cs_var a, uint64_t k)
{
    if (!circ_ok(c)) return;
    fr f;
    fr_from_u64(&f, k);
    fr_neg(&f, &f);
    r1cs_lc_reset(&c->sa);
    circ_lc_add_k(c, &c->sa, a, 1);
    circ_lc_add(c, &c->sa, R1CS_ONE, &f);
    terms_to_lc(c, &c->sb, (const circ_term[]){{R1CS_ONE, 1}}, 1);
    r1cs_lc_reset(&c->sc);
    circ_enforce_lc(c, &c->sa, &c->sb, &c->sc);
}

void circ_assert_zero_lc(circ *c, const r1cs_lc *lc)
{
    if (!circ_ok(c)) return;
    terms_to_lc(c, &c->sb, (const circ_term[]){{R1CS_ONE, 1}}, 1);
    r1cs_lc_reset(&c->sc);
    circ_enforce_lc(c, lc, &c->sb, &c->sc);
}

void circ_assert_bit(circ *c, r1cs_var v)
{
    /* v * (v - 1) = 0 */
    circ_enforce(c, CT(v), CTL({v, 1}, {R1CS_ONE, -1}), NULL, 0);
}

r1cs_var circ_bit(circ *c, int b)
{
    r1cs_var v = circ_var_u64(c, b ? 1 : 0);
    circ_assert_bit(c, v);
    return v;
}

r1cs_var circ_xor(circ *c, r1cs_var a, r1cs_var b)
{
    /* (2a) * b = a + b - out */
    uint64_t x = circ_val_u64(c, a) ^ circ_val_u64(c, b);
    r1cs_var v = circ_var_u64(c, x);
    circ_enforce(c, CTL({a, 2}), CT(b), CTL({a, 1}, {b, 1}, {v, -1}));
    return v;
}

r1cs_var circ_and(circ *c, r1cs_var a, r1cs_var b)
{
    return circ_mul(c, a, b);
}

r1cs_var circ_or(circ *c, r1cs_var a, r1cs_var b)
{
    /* a * b = a + b - out */
    uint64_t x = circ_val_u64(c, a) | circ_val_u64(c, b);
    r1cs_var v = circ_var_u64(c, x);
    circ_enforce(c, CT(a), CT(b), CTL({a, 1}, {b, 1}, {v, -1}));
    return v;
}

r1cs_var circ_not(circ *c, r1cs_var a)
{
    uint64_t x = circ_val_u64(c, a) ^ 1;
    r1cs_var v = circ_var_u64(c, x);
    circ_enforce(c, CTL({R1CS_ONE, 1}, {a, -1}), CT(R1CS_ONE), CT(v));
    return v;
}

r1cs_var circ_select(circ *c, r1cs_var s, r1cs_var a, r1cs_var b)
{
    /* s * (a - b) = out - b */
    const fr *x = circ_val_u64(c, s) ? circ_val(c, a) : circ_val(c, b);
    fr xv = *x;
    r1cs_var v = circ_var(c, &xv);
    circ_enforce(c, CT(s), CTL({a, 1}, {b, -1}), CTL({v, 1}, {b, -1}));
    return v;
}

void circ_pack_bits(circ *c, r1cs_lc *lc, const r1cs_var *bits, unsigned n)
{
    r1cs_lc_reset(lc);
    fr p;
    fr_set_one(&p);
    for (unsigned i = 0; i < n; i++) {
        circ_lc_add(c, lc, bits[i], &p);
        fr_dbl(&p, &p);
    }
}

void circ_to_bits(circ *c, r1cs_var v, unsigned n, r1cs_var *bits)
{
    if (!circ_ok(c)) return;
    if (n == 0 || n > 253) {
        circ_fail(c, ZK_ERR_USAGE, "circ_to_bits: %u bits (1..253 allowed)", n);
        return;
    }
    uint64_t l[4];
    fr_to_limbs(l, circ_val(c, v));
    for (unsigned i = n; i < 256; i++)
        if ((l[i / 64] >> (i % 64)) & 1) {
            circ_fail(c, ZK_ERR_RANGE, "a value does not fit in %u bits", n);
            return;
        }
    for (unsigned i = 0; i < n; i++)
        bits[i] = circ_bit(c, (int)((l[i / 64] >> (i % 64)) & 1));
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    circ_pack_bits(c, &lc, bits, n);
    circ_lc_add_k(c, &lc, v, -1);
    circ_assert_zero_lc(c, &lc);
    r1cs_lc_clear(&lc);
}

void circ_range(circ *c, r1cs_var v, unsigned n)
{
    r1cs_var buf[253];
    if (n > 253) {
        circ_fail(c, ZK_ERR_USAGE, "circ_range: %u bits (at most 253)", n);
        return;
    }
    circ_to_bits(c, v, n, buf);
}

r1cs_var circ_from_bits(circ *c, const r1cs_var *bits, unsigned n)
{
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    circ_pack_bits(c, &lc, bits, n);
    r1cs_var v = circ_lc_to_var(c, &lc);
    r1cs_lc_clear(&lc);
    return v;
}

r1cs_var circ_is_zero(circ *c, r1cs_var v)
{
    /* inv * v = 1 - out and v * out = 0: out = 1 exactly when v = 0, whatever inv is. */
    const fr *x = circ_val(c, v);
    fr inv;
    fr_set_zero(&inv);
    int zero = fr_is_zero(x);
    if (!zero && fr_inv(&inv, x) != ZK_OK) circ_fail(c, ZK_ERR_INTERNAL, "inverse failed");
    r1cs_var iv = circ_var(c, &inv);
    r1cs_var out = circ_var_u64(c, zero ? 1 : 0);
    circ_enforce(c, CT(iv), CT(v), CTL({R1CS_ONE, 1}, {out, -1}));
    circ_enforce(c, CT(v), CT(out), NULL, 0);
    return out;
}

r1cs_var circ_is_equal(circ *c, r1cs_var a, r1cs_var b)
{
    fr d;
    fr_sub(&d, circ_val(c, a), circ_val(c, b));
    r1cs_var dv = circ_var(c, &d);
    circ_enforce(c, CTL({a, 1}, {b, -1}), CT(R1CS_ONE), CT(dv));
    return circ_is_zero(c, dv);
}

r1cs_var circ_is_equal_const(circ *c, r1cs_var a, uint64_t k)
{
    if (!circ_ok(c)) return R1CS_ONE;
    fr kf, d;
    fr_from_u64(&kf, k);
    fr_sub(&d, circ_val(c, a), &kf);
    r1cs_var dv = circ_var(c, &d);
    fr_neg(&kf, &kf);
    r1cs_lc_reset(&c->sa);
    circ_lc_add_k(c, &c->sa, a, 1);
    circ_lc_add(c, &c->sa, R1CS_ONE, &kf);
    circ_lc_add_k(c, &c->sa, dv, -1);
    circ_assert_zero_lc(c, &c->sa);
    return circ_is_zero(c, dv);
}

r1cs_var circ_less_than(circ *c, r1cs_var a, r1cs_var b, unsigned n)
{
    /* d = a - b + 2^n lies in [0, 2^(n+1)); its bit n is 1 exactly when a >= b. */
    if (!circ_ok(c)) return R1CS_ONE;
    if (n > 252) {
        circ_fail(c, ZK_ERR_USAGE, "circ_less_than: %u bits (at most 252)", n);
        return R1CS_ONE;
    }
    fr two_n, d;
    fr_set_one(&two_n);
    for (unsigned i = 0; i < n; i++)
        fr_dbl(&two_n, &two_n);
    fr_sub(&d, circ_val(c, a), circ_val(c, b));
    fr_add(&d, &d, &two_n);
    r1cs_var dv = circ_var(c, &d);
    r1cs_lc_reset(&c->sa);
    circ_lc_add_k(c, &c->sa, a, 1);
    circ_lc_add_k(c, &c->sa, b, -1);
    circ_lc_add(c, &c->sa, R1CS_ONE, &two_n);
    circ_lc_add_k(c, &c->sa, dv, -1);
    circ_assert_zero_lc(c, &c->sa);
    r1cs_var bits[253];
    circ_to_bits(c, dv, n + 1, bits);
    return circ_not(c, bits[n]);
}
