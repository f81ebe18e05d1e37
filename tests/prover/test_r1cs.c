/* R1CS builder: small circuits (x^3 + x + 5 = out, a boolean, a 4-bit range check)
 * satisfied, every single-wire corruption caught at the right constraint, exhaustive
 * witnesses of the range gadget, linear-combination merging, the wire renumbering,
 * .r1cs/.wtns export/import round trips, and the snarkjs vectors imported and checked. */
#include "harness.h"

#include "lightclient/bytes.h"
#include "prover/r1cs.h"
#include "prover/r1cs_file.h"
#include "prover/wtns_file.h"

static fr fu(uint64_t v)
{
    fr r;
    fr_from_u64(&r, v);
    return r;
}

/* x^3 + x + 5 = out, with the public output allocated after the private wires so that
 * finalize has to move it to wire 1. Variables: x, sym1 = x*x, y = sym1*x, out. */
typedef struct cubic {
    r1cs cs;
    r1cs_var x, sym1, y, out;
} cubic;

static bool cubic_build(cubic *c, uint64_t xv)
{
    r1cs_lc a, b, k;
    r1cs_lc_init(&a);
    r1cs_lc_init(&b);
    r1cs_lc_init(&k);
    bool ok = r1cs_init(&c->cs) == ZK_OK;
    fr x = fu(xv), x2, x3, o, five = fu(5);
    fr_mul(&x2, &x, &x);
    fr_mul(&x3, &x2, &x);
    fr_add(&o, &x3, &x);
    fr_add(&o, &o, &five);
    ok = ok && r1cs_alloc(&c->cs, &c->x, R1CS_KIND_PRIVATE_INPUT, &x) == ZK_OK;
    ok = ok && r1cs_alloc_private(&c->cs, &c->sym1, &x2) == ZK_OK;
    ok = ok && r1cs_alloc_private(&c->cs, &c->y, &x3) == ZK_OK;
    ok = ok && r1cs_alloc(&c->cs, &c->out, R1CS_KIND_PUBLIC_OUTPUT, &o) == ZK_OK;
    /* x * x = sym1 */
    ok = ok && r1cs_lc_add_var(&a, c->x) == ZK_OK && r1cs_lc_add_var(&b, c->x) == ZK_OK &&
         r1cs_lc_add_var(&k, c->sym1) == ZK_OK &&
         r1cs_add_constraint(&c->cs, &a, &b, &k, NULL) == ZK_OK;
    r1cs_lc_reset(&a);
    r1cs_lc_reset(&b);
    r1cs_lc_reset(&k);
    /* sym1 * x = y */
    ok = ok && r1cs_lc_add_var(&a, c->sym1) == ZK_OK && r1cs_lc_add_var(&b, c->x) == ZK_OK &&
         r1cs_lc_add_var(&k, c->y) == ZK_OK &&
         r1cs_add_constraint(&c->cs, &a, &b, &k, NULL) == ZK_OK;
    r1cs_lc_reset(&a);
    r1cs_lc_reset(&b);
    r1cs_lc_reset(&k);
    /* (y + x + 5) * 1 = out */
    fr one = fu(1);
    ok = ok && r1cs_lc_add_var(&a, c->y) == ZK_OK && r1cs_lc_add_var(&a, c->x) == ZK_OK &&
         r1cs_lc_add_constant(&a, &five) == ZK_OK && r1cs_lc_add_constant(&b, &one) == ZK_OK &&
         r1cs_lc_add_var(&k, c->out) == ZK_OK &&
         r1cs_add_constraint(&c->cs, &a, &b, &k, NULL) == ZK_OK;
    r1cs_lc_clear(&a);
    r1cs_lc_clear(&b);
    r1cs_lc_clear(&k);
    return ok;
}

TEST(test_cubic_satisfied_and_corruptions)
{
    cubic c;
    CASE_BEGIN("cubic x=3 satisfied, before and after finalize");
    CHECK(cubic_build(&c, 3));
    size_t bad = 77;
    CHECK_EQ_INT(r1cs_is_satisfied(&c.cs, &bad, NULL), ZK_OK);
    CHECK_EQ_INT(bad, 77); /* untouched on success */
    CHECK_EQ_INT(r1cs_finalize(&c.cs), ZK_OK);
    CHECK_EQ_INT(r1cs_finalize(&c.cs), ZK_OK); /* idempotent */
    CHECK_EQ_INT(r1cs_is_satisfied(&c.cs, &bad, NULL), ZK_OK);
    /* circom layout: one, the output, then the private input, then internals. */
    CHECK_EQ_INT(r1cs_wire(&c.cs, R1CS_ONE), 0);
    CHECK_EQ_INT(r1cs_wire(&c.cs, c.out), 1);
    CHECK_EQ_INT(r1cs_wire(&c.cs, c.x), 2);
    CHECK_EQ_INT(r1cs_wire(&c.cs, c.sym1), 3);
    CHECK_EQ_INT(r1cs_wire(&c.cs, c.y), 4);
    CHECK_EQ_INT(r1cs_n_public(&c.cs), 1);
    fr o = fu(35);
    CHECK(fr_eq(r1cs_value(&c.cs, c.out), &o));
    CHECK(fr_eq(&c.cs.values[1], &o));
    CASE_END();

    /* Every single-wire corruption, named by the first constraint that reads the wire. */
    struct {
        const char *name;
        size_t expect;
    } exp[5] = {{"one", SIZE_MAX}, {"out", 2}, {"x", 0}, {"sym1", 0}, {"y", 1}};
    r1cs_var vars[5] = {R1CS_ONE, c.out, c.x, c.sym1, c.y};
    for (int i = 0; i < 5; i++) {
        CASE_BEGIN("cubic: corrupt %s", exp[i].name);
        fr saved = *r1cs_value(&c.cs, vars[i]), t, one = fu(1);
        fr_add(&t, &saved, &one);
        c.cs.values[r1cs_wire(&c.cs, vars[i])] = t;
        size_t bad2 = 0;
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(r1cs_is_satisfied(&c.cs, &bad2, &err), ZK_ERR_REJECTED);
        CHECK_EQ_INT(bad2, exp[i].expect);
        CHECK(strlen(err.msg) > 0);
        c.cs.values[r1cs_wire(&c.cs, vars[i])] = saved;
        CHECK_EQ_INT(r1cs_is_satisfied(&c.cs, NULL, NULL), ZK_OK);
        CASE_END();
    }

    CASE_BEGIN("finalized system is frozen");
    r1cs_var v;
    fr z = fu(0);
    r1cs_lc e;
    r1cs_lc_init(&e);
    CHECK_EQ_INT(r1cs_alloc_private(&c.cs, &v, &z), ZK_ERR_USAGE);
    CHECK_EQ_INT(r1cs_add_constraint(&c.cs, &e, &e, &e, NULL), ZK_ERR_USAGE);
    CASE_END();
    r1cs_clear(&c.cs);
    r1cs_clear(&c.cs); /* a cleared system is a no-op */
}

/* b * (1 - b) = 0 */
static int build_bool(r1cs *cs, uint64_t bv)
{
    r1cs_var b;
    r1cs_lc a, m, z;
    r1cs_lc_init(&a);
    r1cs_lc_init(&m);
    r1cs_lc_init(&z);
    fr v = fu(bv), one = fu(1);
    int rc = r1cs_init(cs);
    if (!rc) rc = r1cs_alloc_private(cs, &b, &v);
    if (!rc) rc = r1cs_lc_add_var(&a, b);
    if (!rc) rc = r1cs_lc_add_constant(&m, &one);
    if (!rc) rc = r1cs_lc_sub_var(&m, b);
    if (!rc) rc = r1cs_add_constraint(cs, &a, &m, &z, NULL);
    r1cs_lc_clear(&a);
    r1cs_lc_clear(&m);
    r1cs_lc_clear(&z);
    return rc;
}

TEST(test_boolean)
{
    for (uint64_t v = 0; v < 4; v++) {
        CASE_BEGIN("boolean b=%llu", (unsigned long long)v);
        r1cs cs;
        CHECK_EQ_INT(build_bool(&cs, v), ZK_OK);
        size_t bad = 9;
        CHECK_EQ_INT(r1cs_is_satisfied(&cs, &bad, NULL), v < 2 ? ZK_OK : ZK_ERR_REJECTED);
        if (v >= 2) CHECK_EQ_INT(bad, 0);
        r1cs_clear(&cs);
        CASE_END();
    }
}

/* 4-bit range check: bits b0..b3 boolean, sum b_i 2^i = v (v public). Constraint i < 4
 * is the boolean check of bit i, constraint 4 the recomposition. */
static int build_range(r1cs *cs, uint64_t v, const uint64_t bits[4])
{
    r1cs_var vv, b[4];
    r1cs_lc a, m, z;
    r1cs_lc_init(&a);
    r1cs_lc_init(&m);
    r1cs_lc_init(&z);
    fr one = fu(1), val = fu(v);
    int rc = r1cs_init(cs);
    for (int i = 0; i < 4 && !rc; i++) {
        fr bi = fu(bits[i]);
        rc = r1cs_alloc_private(cs, &b[i], &bi);
    }
    if (!rc) rc = r1cs_alloc_public(cs, &vv, &val); /* public after private: renumbered */
    for (int i = 0; i < 4 && !rc; i++) {
        r1cs_lc_reset(&a);
        r1cs_lc_reset(&m);
        rc = r1cs_lc_add_var(&a, b[i]);
        if (!rc) rc = r1cs_lc_add_constant(&m, &one);
        if (!rc) rc = r1cs_lc_sub_var(&m, b[i]);
        if (!rc) rc = r1cs_add_constraint(cs, &a, &m, &z, NULL);
    }
    r1cs_lc_reset(&a);
    r1cs_lc_reset(&m);
    for (int i = 0; i < 4 && !rc; i++) {
        fr p = fu(1u << i);
        rc = r1cs_lc_add_term(&a, b[i], &p);
    }
    if (!rc) rc = r1cs_lc_add_constant(&m, &one);
    if (!rc) rc = r1cs_lc_add_var(&z, vv);
    if (!rc) rc = r1cs_add_constraint(cs, &a, &m, &z, NULL);
    if (!rc) rc = r1cs_finalize(cs);
    r1cs_lc_clear(&a);
    r1cs_lc_clear(&m);
    r1cs_lc_clear(&z);
    return rc;
}

TEST(test_range_exhaustive)
{
    /* Every witness of the gadget with bits in {0,1,2} and v < 32: 3^4 * 32 = 2592. It is
     * satisfied exactly when every bit is boolean and v is their binary value; otherwise
     * the first failing constraint is the first non-boolean bit, else the recomposition. */
    CASE_BEGIN("range check: 2592 witnesses");
    int sat = 0;
    for (uint64_t code = 0; code < 81; code++)
        for (uint64_t v = 0; v < 32; v++) {
            uint64_t bits[4], c = code;
            for (int i = 0; i < 4; i++, c /= 3)
                bits[i] = c % 3;
            r1cs cs;
            if (build_range(&cs, v, bits)) {
                CHECK(false);
                r1cs_clear(&cs);
                continue;
            }
            size_t expect = SIZE_MAX;
            for (int i = 0; i < 4 && expect == SIZE_MAX; i++)
                if (bits[i] > 1) expect = (size_t)i;
            if (expect == SIZE_MAX && bits[0] + 2 * bits[1] + 4 * bits[2] + 8 * bits[3] != v)
                expect = 4;
            size_t bad = 0;
            int rc = r1cs_is_satisfied(&cs, &bad, NULL);
            if (expect == SIZE_MAX) {
                CHECK_EQ_INT(rc, ZK_OK);
                sat++;
            } else {
                CHECK_EQ_INT(rc, ZK_ERR_REJECTED);
                CHECK_EQ_INT(bad, expect);
            }
            r1cs_clear(&cs);
        }
    CHECK_EQ_INT(sat, 16); /* exactly the 16 in-range values */
    CASE_END();

    CASE_BEGIN("range check layout: public v on wire 1");
    uint64_t bits[4] = {1, 0, 1, 0};
    r1cs cs;
    CHECK_EQ_INT(build_range(&cs, 5, bits), ZK_OK);
    fr five = fu(5);
    CHECK(fr_eq(&cs.values[1], &five));
    CHECK_EQ_INT(cs.n_pub_in, 1);
    CHECK_EQ_INT(cs.n_cons, 5);
    r1cs_clear(&cs);
    CASE_END();
}

TEST(test_lc_merge)
{
    r1cs_lc lc, o;
    r1cs_lc_init(&lc);
    r1cs_lc_init(&o);
    fr two = fu(2), three = fu(3), m2;
    fr_neg(&m2, &two);

    CASE_BEGIN("equal wires merge, sorted");
    CHECK_EQ_INT(r1cs_lc_add_var(&lc, 5), ZK_OK);
    CHECK_EQ_INT(r1cs_lc_add_var(&lc, 2), ZK_OK);
    CHECK_EQ_INT(r1cs_lc_add_var(&lc, 5), ZK_OK);
    CHECK_EQ_INT(r1cs_lc_add_constant(&lc, &three), ZK_OK);
    CHECK_EQ_INT(lc.n, 3);
    CHECK_EQ_INT(lc.terms[0].var, 0);
    CHECK_EQ_INT(lc.terms[1].var, 2);
    CHECK_EQ_INT(lc.terms[2].var, 5);
    CHECK(fr_eq(&lc.terms[2].coef, &two));
    CHECK(fr_eq(&lc.terms[0].coef, &three));
    CASE_END();

    CASE_BEGIN("cancelling terms disappear, zero terms are not added");
    CHECK_EQ_INT(r1cs_lc_add_term(&lc, 5, &m2), ZK_OK);
    CHECK_EQ_INT(lc.n, 2);
    fr z = fu(0);
    CHECK_EQ_INT(r1cs_lc_add_term(&lc, 9, &z), ZK_OK);
    CHECK_EQ_INT(lc.n, 2);
    CASE_END();

    CASE_BEGIN("add_lc scales and merges");
    CHECK_EQ_INT(r1cs_lc_add_var(&o, 2), ZK_OK);
    CHECK_EQ_INT(r1cs_lc_add_var(&o, 7), ZK_OK);
    CHECK_EQ_INT(r1cs_lc_add_lc(&lc, &o, &two), ZK_OK); /* 3 + 1*w2 + 2*w2 + 2*w7 */
    CHECK_EQ_INT(lc.n, 3);
    CHECK(fr_eq(&lc.terms[1].coef, &three));
    fr w[8];
    for (int i = 0; i < 8; i++)
        w[i] = fu((uint64_t)i + (i == 0));
    fr got, want = fu(3 + 3 * 2 + 2 * 7);
    r1cs_lc_eval(&got, lc.terms, lc.n, w);
    CHECK(fr_eq(&got, &want));
    CASE_END();
    r1cs_lc_clear(&lc);
    r1cs_lc_clear(&o);

    CASE_BEGIN("constraint naming an unallocated variable is refused");
    r1cs cs;
    CHECK_EQ_INT(r1cs_init(&cs), ZK_OK);
    r1cs_lc_init(&lc);
    CHECK_EQ_INT(r1cs_lc_add_var(&lc, 3), ZK_OK);
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(r1cs_add_constraint(&cs, &lc, &lc, &lc, &err), ZK_ERR_USAGE);
    CHECK(strstr(err.msg, "variable 3") != NULL);
    r1cs_var v;
    CHECK_EQ_INT(r1cs_alloc(&cs, &v, R1CS_KIND_ONE, &two), ZK_ERR_USAGE);
    CHECK_EQ_INT(r1cs_to_file(&(r1cs_file){0}, &cs, NULL), ZK_ERR_USAGE);
    r1cs_lc_clear(&lc);
    r1cs_clear(&cs);
    CASE_END();
}

/* Writes cs as .r1cs and .wtns bytes. */
static bool export_files(const r1cs *cs, zk_buf *rb, zk_buf *wb)
{
    r1cs_file f;
    wtns_file w;
    size_t len = (size_t)cs->n_vars * 32;
    uint8_t *vals = malloc(len);
    bool ok = vals && r1cs_to_file(&f, cs, NULL) == ZK_OK && r1cs_file_write(rb, &f) == ZK_OK &&
              r1cs_witness_to_file(&w, vals, len, cs, NULL) == ZK_OK &&
              wtns_file_write(wb, &w) == ZK_OK;
    r1cs_file_clear(&f);
    free(vals);
    return ok;
}

/* Parses .r1cs + .wtns bytes into a system. */
static int import_files(r1cs *cs, const zk_buf *rb, const zk_buf *wb)
{
    r1cs_file f;
    wtns_file w;
    int rc = r1cs_file_parse(&f, rb->data, rb->len, NULL);
    if (!rc) rc = wtns_file_parse(&w, wb->data, wb->len, NULL);
    if (!rc) rc = r1cs_from_files(cs, &f, &w, NULL);
    r1cs_file_clear(&f);
    return rc;
}

TEST(test_export_import)
{
    CASE_BEGIN("cubic: export, import, satisfied, same bytes again");
    cubic c;
    CHECK(cubic_build(&c, 7));
    CHECK_EQ_INT(r1cs_finalize(&c.cs), ZK_OK);
    zk_buf rb, wb, rb2, wb2;
    buf_init(&rb, 0);
    buf_init(&wb, 0);
    buf_init(&rb2, 0);
    buf_init(&wb2, 0);
    CHECK(export_files(&c.cs, &rb, &wb));
    r1cs in;
    CHECK_EQ_INT(import_files(&in, &rb, &wb), ZK_OK);
    CHECK_EQ_INT(r1cs_is_satisfied(&in, NULL, NULL), ZK_OK);
    CHECK_EQ_INT(in.n_vars, 5);
    CHECK_EQ_INT(in.n_pub_out, 1);
    CHECK_EQ_INT(in.n_prv_in, 1);
    CHECK_EQ_INT(in.n_cons, 3);
    CHECK(export_files(&in, &rb2, &wb2));
    CHECK_EQ_INT(rb2.len, rb.len);
    CHECK_EQ_INT(wb2.len, wb.len);
    if (rb2.len == rb.len) CHECK_MEM(rb2.data, rb.data, rb.len);
    if (wb2.len == wb.len) CHECK_MEM(wb2.data, wb.data, wb.len);
    CASE_END();

    CASE_BEGIN("imported witness corrupted: named constraint");
    fr one = fu(1);
    fr_add(&in.values[4], &in.values[4], &one); /* y */
    size_t bad = 0;
    CHECK_EQ_INT(r1cs_is_satisfied(&in, &bad, NULL), ZK_ERR_REJECTED);
    CHECK_EQ_INT(bad, 1);
    CASE_END();
    r1cs_clear(&in);

    CASE_BEGIN("import refuses a witness of the wrong length and w[0] != 1");
    r1cs_file f;
    wtns_file w;
    CHECK_EQ_INT(r1cs_file_parse(&f, rb.data, rb.len, NULL), ZK_OK);
    CHECK_EQ_INT(wtns_file_parse(&w, wb.data, wb.len, NULL), ZK_OK);
    wtns_file w2 = w;
    w2.n_values = w.n_values - 1;
    CHECK_EQ_INT(r1cs_from_files(&in, &f, &w2, NULL), ZK_ERR_MISMATCH);
    uint8_t *vals = malloc((size_t)w.n_values * 32);
    if (vals) {
        memcpy(vals, w.values, (size_t)w.n_values * 32);
        vals[0] = 2;
        w2 = w;
        w2.values = vals;
        CHECK_EQ_INT(r1cs_from_files(&in, &f, &w2, NULL), ZK_ERR_MISMATCH);
        free(vals);
    }
    CHECK_EQ_INT(r1cs_from_files(&in, &f, NULL, NULL), ZK_OK); /* no witness: zeros */
    size_t bad2 = 0;
    CHECK_EQ_INT(r1cs_is_satisfied(&in, &bad2, NULL), ZK_ERR_REJECTED);
    CHECK_EQ_INT(bad2, 2); /* 0*0 = 0 twice, then (0 + 0 + 5) * 1 != 0 */
    r1cs_clear(&in);
    r1cs_file_clear(&f);
    CASE_END();
    buf_clear(&rb);
    buf_clear(&wb);
    buf_clear(&rb2);
    buf_clear(&wb2);
    r1cs_clear(&c.cs);
}

TEST(test_snarkjs_vectors)
{
    static const struct {
        const char *r1cs, *wtns;
        uint32_t n_cons;
    } v[2] = {{"snarkjs/groth16/circuit.r1cs", "snarkjs/groth16/witness.wtns", 100},
              {"snarkjs/tip_groth16/circuit.r1cs", "snarkjs/tip_groth16/witness.wtns", 1000}};
    for (int i = 0; i < 2; i++) {
        CASE_BEGIN("%s", v[i].r1cs);
        size_t rl = 0, wl = 0;
        uint8_t *rd = th_read_file(v[i].r1cs, &rl), *wd = th_read_file(v[i].wtns, &wl);
        CHECK_MSG(rd && wd, "missing vector %s / %s", v[i].r1cs, v[i].wtns);
        r1cs_file f;
        wtns_file w;
        r1cs cs;
        memset(&f, 0, sizeof(f));
        if (rd && wd && r1cs_file_parse(&f, rd, rl, NULL) == ZK_OK &&
            wtns_file_parse(&w, wd, wl, NULL) == ZK_OK) {
            CHECK_EQ_INT(r1cs_from_files(&cs, &f, &w, NULL), ZK_OK);
            CHECK_EQ_INT(cs.n_cons, v[i].n_cons);
            size_t bad = 5;
            CHECK_EQ_INT(r1cs_is_satisfied(&cs, &bad, NULL), ZK_OK);
            /* The circuit is a chain int[i] = int[i-1]^2 + b: corrupting the last wire
             * breaks exactly one constraint; check each corruption names one whose LC
             * reads the wire. */
            fr one = fu(1);
            for (uint32_t wire = 1; wire < cs.n_vars; wire += cs.n_vars / 7 + 1) {
                fr saved = cs.values[wire];
                fr_add(&cs.values[wire], &saved, &one);
                CHECK_EQ_INT(r1cs_is_satisfied(&cs, &bad, NULL), ZK_ERR_REJECTED);
                bool reads = false;
                if (bad < cs.n_cons) {
                    const r1cs_constraint *k = &cs.cons[bad];
                    for (size_t t = k->a; t < k->c + k->nc; t++)
                        reads = reads || cs.terms[t].var == wire;
                }
                CHECK_MSG(reads, "wire %u corruption named constraint %zu", wire, bad);
                cs.values[wire] = saved;
            }
            CHECK_EQ_INT(r1cs_is_satisfied(&cs, NULL, NULL), ZK_OK);
            /* Exporting the imported file gives back the upstream bytes. */
            r1cs_file g;
            zk_buf b;
            buf_init(&b, 0);
            CHECK_EQ_INT(r1cs_to_file(&g, &cs, NULL), ZK_OK);
            CHECK_EQ_INT(r1cs_file_write(&b, &g), ZK_OK);
            CHECK_EQ_INT(b.len, rl);
            if (b.len == rl) CHECK_MEM(b.data, rd, rl);
            r1cs_file_clear(&g);
            buf_clear(&b);
            r1cs_clear(&cs);
        } else {
            CHECK(false);
        }
        r1cs_file_clear(&f);
        free(rd);
        free(wd);
        CASE_END();
    }
}

TEST_MAIN(RUN(test_cubic_satisfied_and_corruptions); RUN(test_boolean); RUN(test_range_exhaustive);
          RUN(test_lc_merge); RUN(test_export_import); RUN(test_snarkjs_vectors))
