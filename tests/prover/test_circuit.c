/* The gadget layer (prover/circuit.c): each primitive gives the right value on good
 * inputs and satisfies its system; corrupting its output or hint leaves the system
 * unsatisfied; the sticky status records the first failure and turns later calls into
 * no-ops. Small gadgets are checked exhaustively: every witness of the bit gadgets,
 * every pair of the 4-bit comparator. */
#include "harness.h"
#include "prover/circuit_sys.h"

#include "prover/circuit.h"

static fr fu(uint64_t v)
{
    fr r;
    fr_from_u64(&r, v);
    return r;
}

/* Sets v to x, returns whether the system is then satisfied, and restores v. */
static bool sat_with(sys *s, r1cs_var v, uint64_t x)
{
    fr old = *r1cs_value(&s->cs, v), nv = fu(x);
    r1cs_set_value(&s->cs, v, &nv);
    bool ok = sys_satisfied(s);
    r1cs_set_value(&s->cs, v, &old);
    return ok;
}

/* Adds one to v's witness (any field value changes), returns whether still satisfied. */
static bool sat_bumped(sys *s, r1cs_var v)
{
    fr old = *r1cs_value(&s->cs, v), one, nv;
    fr_set_one(&one);
    fr_add(&nv, &old, &one);
    r1cs_set_value(&s->cs, v, &nv);
    bool ok = sys_satisfied(s);
    r1cs_set_value(&s->cs, v, &old);
    return ok;
}

TEST(sticky_status)
{
    sys s;
    CHECK(sys_init(&s));
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
    r1cs_var a = circ_var_u64(&s.c, 7);
    CHECK(a != R1CS_ONE);
    CHECK_EQ_INT(circ_val_u64(&s.c, a), 7);
    CHECK_EQ_INT(circ_fail(&s.c, ZK_ERR_RANGE, "first %d", 1), ZK_ERR_RANGE);
    CHECK_EQ_INT(circ_fail(&s.c, ZK_ERR_USAGE, "second"), ZK_ERR_RANGE);
    CHECK(!circ_ok(&s.c));
    size_t n = s.cs.n_cons;
    uint32_t nv = s.cs.n_vars;
    /* later calls do nothing and return R1CS_ONE */
    CHECK_EQ_INT(circ_var_u64(&s.c, 3), R1CS_ONE);
    CHECK_EQ_INT(circ_mul(&s.c, a, a), R1CS_ONE);
    circ_assert_equal(&s.c, a, R1CS_ONE);
    CHECK_EQ_INT(s.cs.n_cons, n);
    CHECK_EQ_INT(s.cs.n_vars, nv);
    zk_errbuf e;
    CHECK_EQ_INT(circ_status(&s.c, &e), ZK_ERR_RANGE);
    CHECK(strstr(e.msg, "first 1") != NULL);
    sys_clear(&s);

    /* a value that is not 64-bit */
    CHECK(sys_init(&s));
    fr big = fu(1);
    fr_neg(&big, &big);
    r1cs_var b = circ_var(&s.c, &big);
    CHECK_EQ_INT(circ_val_u64(&s.c, b), 0);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_ERR_INTERNAL);
    sys_clear(&s);
    circ_clear(NULL);
}

TEST(public_inputs)
{
    sys s;
    CHECK(sys_init(&s));
    fr v = fu(42);
    r1cs_var p = circ_public(&s.c, &v);
    r1cs_var q = circ_var_u64(&s.c, 42);
    circ_assert_equal(&s.c, p, q);
    CHECK_EQ_INT(r1cs_n_public(&s.cs), 1);
    CHECK(fr_eq(circ_val(&s.c, p), &v));
    CHECK(sys_satisfied(&s));
    CHECK(!sat_bumped(&s, p));
    CHECK(!sat_bumped(&s, q));
    sys_clear(&s);
}

TEST(mul_and_asserts)
{
    sys s;
    CHECK(sys_init(&s));
    r1cs_var a = circ_var_u64(&s.c, 6), b = circ_var_u64(&s.c, 7);
    r1cs_var m = circ_mul(&s.c, a, b);
    CHECK_EQ_INT(circ_val_u64(&s.c, m), 42);
    circ_assert_const(&s.c, m, 42);
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    circ_lc_add_k(&s.c, &lc, a, 7);
    circ_lc_add_k(&s.c, &lc, m, -1);
    circ_assert_zero_lc(&s.c, &lc); /* 7a - m = 0 */
    fr val;
    circ_lc_value(&s.c, &val, &lc);
    CHECK(fr_is_zero(&val));
    r1cs_lc_reset(&lc);
    circ_lc_add_k(&s.c, &lc, a, 3);
    circ_lc_add_k(&s.c, &lc, b, 1);
    r1cs_var t = circ_lc_to_var(&s.c, &lc); /* 3a + b = 25 */
    CHECK_EQ_INT(circ_val_u64(&s.c, t), 25);
    /* enforce_lc: (3a + b) * 1 = t, written by hand */
    r1cs_lc one, out;
    r1cs_lc_init(&one);
    r1cs_lc_init(&out);
    circ_lc_add_k(&s.c, &one, R1CS_ONE, 1);
    circ_lc_add_k(&s.c, &out, t, 1);
    circ_enforce_lc(&s.c, &lc, &one, &out);
    r1cs_lc_reset(&out);
    circ_lc_add_lc(&s.c, &out, &lc, 2); /* 2(3a + b) = 50 */
    circ_lc_value(&s.c, &val, &out);
    fr fifty = fu(50);
    CHECK(fr_eq(&val, &fifty));
    r1cs_lc_clear(&lc);
    r1cs_lc_clear(&one);
    r1cs_lc_clear(&out);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
    CHECK(sys_satisfied(&s));
    CHECK(!sat_bumped(&s, m));
    CHECK(!sat_bumped(&s, t));
    CHECK(!sat_bumped(&s, a));
    sys_clear(&s);

    /* assert_equal / assert_const on unequal values */
    CHECK(sys_init(&s));
    r1cs_var x = circ_var_u64(&s.c, 5), y = circ_var_u64(&s.c, 6);
    circ_assert_equal(&s.c, x, y);
    CHECK(!sys_satisfied(&s));
    CHECK(sat_with(&s, y, 5));
    sys_clear(&s);
    CHECK(sys_init(&s));
    x = circ_var_u64(&s.c, 5);
    circ_assert_const(&s.c, x, 4);
    CHECK(!sys_satisfied(&s));
    CHECK(sat_with(&s, x, 4));
    sys_clear(&s);
}

/* Every witness of the one-constraint bit gadgets: with a, b constrained bits and the
 * output set to 0, 1 or 2, the system is satisfied exactly when the output is right. */
TEST(bit_gadgets_exhaustive)
{
    static const char *names[] = {"xor", "and", "or", "not"};
    for (int g = 0; g < 4; g++)
        for (unsigned a = 0; a < 2; a++)
            for (unsigned b = 0; b < 2; b++) {
                CASE_BEGIN("circ_%s(%u, %u)", names[g], a, b);
                sys s;
                CHECK(sys_init(&s));
                r1cs_var va = circ_bit(&s.c, (int)a), vb = circ_bit(&s.c, (int)b), o;
                unsigned want;
                switch (g) {
                case 0:
                    o = circ_xor(&s.c, va, vb);
                    want = a ^ b;
                    break;
                case 1:
                    o = circ_and(&s.c, va, vb);
                    want = a & b;
                    break;
                case 2:
                    o = circ_or(&s.c, va, vb);
                    want = a | b;
                    break;
                default:
                    o = circ_not(&s.c, va);
                    want = a ^ 1;
                    break;
                }
                CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
                CHECK_EQ_INT(circ_val_u64(&s.c, o), want);
                CHECK(sys_satisfied(&s));
                for (uint64_t x = 0; x < 3; x++)
                    CHECK_EQ_INT(sat_with(&s, o, x), x == want);
                sys_clear(&s);
                CASE_END();
            }
}

TEST(bits_and_booleans)
{
    sys s;
    CHECK(sys_init(&s));
    r1cs_var b0 = circ_bit(&s.c, 0), b1 = circ_bit(&s.c, 1);
    r1cs_var v = circ_var_u64(&s.c, 1);
    circ_assert_bit(&s.c, v);
    CHECK(sys_satisfied(&s));
    CHECK(!sat_with(&s, b0, 2));
    CHECK(!sat_with(&s, b1, 2));
    CHECK(!sat_with(&s, v, 3));
    CHECK(sat_with(&s, v, 0));
    sys_clear(&s);
}

TEST(select_gadget)
{
    for (unsigned sv = 0; sv < 2; sv++) {
        sys s;
        CHECK(sys_init(&s));
        r1cs_var sel = circ_bit(&s.c, (int)sv);
        r1cs_var a = circ_var_u64(&s.c, 1000), b = circ_var_u64(&s.c, 77);
        r1cs_var o = circ_select(&s.c, sel, a, b);
        CHECK_EQ_INT(circ_val_u64(&s.c, o), sv ? 1000 : 77);
        CHECK(sys_satisfied(&s));
        CHECK(!sat_bumped(&s, o));
        CHECK(!sat_with(&s, o, sv ? 77 : 1000));
        /* flipping the selector alone is caught too */
        CHECK(!sat_with(&s, sel, sv ^ 1));
        sys_clear(&s);
    }
}

TEST(to_bits_range_pack)
{
    sys s;
    CHECK(sys_init(&s));
    r1cs_var v = circ_var_u64(&s.c, 0xb5);
    r1cs_var bits[8];
    size_t n0 = s.cs.n_cons;
    circ_to_bits(&s.c, v, 8, bits);
    CHECK_EQ_INT(s.cs.n_cons - n0, 9);
    for (int i = 0; i < 8; i++)
        CHECK_EQ_INT(circ_val_u64(&s.c, bits[i]), (0xb5 >> i) & 1);
    r1cs_var back = circ_from_bits(&s.c, bits, 8);
    CHECK_EQ_INT(circ_val_u64(&s.c, back), 0xb5);
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    circ_pack_bits(&s.c, &lc, bits, 4);
    fr val, want = fu(0x5);
    circ_lc_value(&s.c, &val, &lc);
    CHECK(fr_eq(&val, &want));
    r1cs_lc_clear(&lc);
    circ_range(&s.c, v, 8);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
    CHECK(sys_satisfied(&s));
    /* a flipped bit, a non-bit, the packed value */
    CHECK(!sat_with(&s, bits[3], 1));
    CHECK(!sat_with(&s, bits[0], 2));
    CHECK(!sat_bumped(&s, back));
    CHECK(!sat_bumped(&s, v));
    sys_clear(&s);

    /* 256 does not fit in 8 bits: the builder records ZK_ERR_RANGE */
    CHECK(sys_init(&s));
    v = circ_var_u64(&s.c, 256);
    circ_range(&s.c, v, 8);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_ERR_RANGE);
    sys_clear(&s);
    /* bad widths */
    CHECK(sys_init(&s));
    v = circ_var_u64(&s.c, 1);
    circ_to_bits(&s.c, v, 0, bits);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_ERR_USAGE);
    sys_clear(&s);
    CHECK(sys_init(&s));
    v = circ_var_u64(&s.c, 1);
    circ_range(&s.c, v, 254);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_ERR_USAGE);
    sys_clear(&s);
    /* the widest decomposition: r - 1 does not fit 253 bits, 2^253 - 1 does */
    CHECK(sys_init(&s));
    fr m1 = fu(1);
    fr_neg(&m1, &m1);
    v = circ_var(&s.c, &m1);
    circ_range(&s.c, v, 253);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_ERR_RANGE);
    sys_clear(&s);
    CHECK(sys_init(&s));
    fr top = fu(1);
    for (int i = 0; i < 253; i++)
        fr_dbl(&top, &top);
    fr one = fu(1);
    fr_sub(&top, &top, &one);
    v = circ_var(&s.c, &top);
    circ_range(&s.c, v, 253);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
    CHECK(sys_satisfied(&s));
    sys_clear(&s);
}

TEST(is_zero_and_equal)
{
    for (uint64_t x = 0; x < 3; x++) {
        CASE_BEGIN("circ_is_zero(%llu)", (unsigned long long)x);
        sys s;
        CHECK(sys_init(&s));
        r1cs_var v = circ_var_u64(&s.c, x);
        uint32_t inv = s.cs.n_vars; /* the hint is allocated first */
        r1cs_var z = circ_is_zero(&s.c, v);
        CHECK_EQ_INT(circ_val_u64(&s.c, z), x == 0);
        CHECK(sys_satisfied(&s));
        CHECK(!sat_with(&s, z, x != 0));
        CHECK(!sat_with(&s, z, 2));
        if (x != 0)
            CHECK(!sat_bumped(&s, inv)); /* a wrong inverse hint */
        else
            CHECK(sat_bumped(&s, inv)); /* the hint is free at 0, the output is not */
        sys_clear(&s);
        CASE_END();
    }
    for (uint64_t x = 0; x < 3; x++) {
        CASE_BEGIN("circ_is_equal(%llu, 1) and circ_is_equal_const", (unsigned long long)x);
        sys s;
        CHECK(sys_init(&s));
        r1cs_var a = circ_var_u64(&s.c, x), b = circ_var_u64(&s.c, 1);
        r1cs_var e = circ_is_equal(&s.c, a, b);
        r1cs_var k = circ_is_equal_const(&s.c, a, 1);
        CHECK_EQ_INT(circ_val_u64(&s.c, e), x == 1);
        CHECK_EQ_INT(circ_val_u64(&s.c, k), x == 1);
        CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
        CHECK(sys_satisfied(&s));
        CHECK(!sat_with(&s, e, x != 1));
        CHECK(!sat_with(&s, k, x != 1));
        sys_clear(&s);
        CASE_END();
    }
}

/* Every pair of the 4-bit comparator (the STYLE.md exhaustive example): the output is
 * a < b, the system holds, and the opposite answer or a shifted difference hint does not. */
TEST(less_than_exhaustive_4bit)
{
    int bad = 0;
    CASE_BEGIN("circ_less_than 4-bit, 256 pairs");
    for (uint64_t a = 0; a < 16; a++)
        for (uint64_t b = 0; b < 16; b++) {
            sys s;
            if (!sys_init(&s)) {
                bad++;
                continue;
            }
            r1cs_var va = circ_var_u64(&s.c, a), vb = circ_var_u64(&s.c, b);
            circ_range(&s.c, va, 4);
            circ_range(&s.c, vb, 4);
            uint32_t d = s.cs.n_vars; /* the difference hint */
            r1cs_var lt = circ_less_than(&s.c, va, vb, 4);
            bool ok = circ_status(&s.c, NULL) == ZK_OK && circ_val_u64(&s.c, lt) == (a < b) &&
                      sys_satisfied(&s) && !sat_with(&s, lt, !(a < b)) && !sat_bumped(&s, d);
            if (!ok) {
                bad++;
                CHECK_MSG(0, "less_than(%llu, %llu) wrong", (unsigned long long)a,
                          (unsigned long long)b);
            }
            sys_clear(&s);
        }
    CHECK_EQ_INT(bad, 0);
    CASE_END();

    /* too wide */
    sys s;
    CHECK(sys_init(&s));
    r1cs_var a = circ_var_u64(&s.c, 1);
    CHECK_EQ_INT(circ_less_than(&s.c, a, a, 253), R1CS_ONE);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_ERR_USAGE);
    sys_clear(&s);
}

/* circ_enforce with CT/CTL term lists, including a negative coefficient and an empty
 * output (the form gadgets use for "= 0"). */
TEST(enforce_term_lists)
{
    sys s;
    CHECK(sys_init(&s));
    r1cs_var x = circ_var_u64(&s.c, 3), y = circ_var_u64(&s.c, 5);
    /* (x + 2) * (y - 4) = x + 2 */
    circ_enforce(&s.c, CTL({x, 1}, {R1CS_ONE, 2}), CTL({y, 1}, {R1CS_ONE, -4}),
                 CTL({x, 1}, {R1CS_ONE, 2}));
    /* (x - 3) * y = 0 */
    circ_enforce(&s.c, CTL({x, 1}, {R1CS_ONE, -3}), CT(y), NULL, 0);
    CHECK_EQ_INT(s.cs.n_cons, 2);
    CHECK(sys_satisfied(&s));
    CHECK(!sat_with(&s, y, 6));
    CHECK(!sat_with(&s, x, 4));
    sys_clear(&s);
}

TEST_MAIN(RUN(sticky_status); RUN(public_inputs); RUN(mul_and_asserts); RUN(bit_gadgets_exhaustive);
          RUN(bits_and_booleans); RUN(select_gadget); RUN(to_bits_range_pack);
          RUN(is_zero_and_equal); RUN(less_than_exhaustive_4bit); RUN(enforce_term_lists))
