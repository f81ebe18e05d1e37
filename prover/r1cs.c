/* R1CS builder, satisfiability check, and .r1cs/.wtns conversion (see r1cs.h). */
#include "prover/r1cs.h"

#include <stdlib.h>
#include <string.h>

/* Grows *p (elements of size sz, capacity *cap) to hold at least need elements. */
static int grow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap) return ZK_OK;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / sz) return ZK_ERR_NOMEM;
        nc *= 2;
    }
    void *q = realloc(*p, nc * sz);
    if (!q) return ZK_ERR_NOMEM;
    *p = q;
    *cap = nc;
    return ZK_OK;
}

/* ---- linear combinations -------------------------------------------------- */

void r1cs_lc_init(r1cs_lc *lc)
{
    lc->terms = NULL;
    lc->n = lc->cap = 0;
}

void r1cs_lc_clear(r1cs_lc *lc)
{
    if (!lc) return;
    free(lc->terms);
    r1cs_lc_init(lc);
}

void r1cs_lc_reset(r1cs_lc *lc)
{
    lc->n = 0;
}

int r1cs_lc_add_term(r1cs_lc *lc, r1cs_var v, const fr *coef)
{
    /* Binary search for v: the terms stay sorted, so merging is O(log n) to find and
     * the representation of a combination is unique. */
    size_t lo = 0, hi = lc->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lc->terms[mid].var < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < lc->n && lc->terms[lo].var == v) {
        fr_add(&lc->terms[lo].coef, &lc->terms[lo].coef, coef);
        if (fr_is_zero(&lc->terms[lo].coef)) {
            memmove(&lc->terms[lo], &lc->terms[lo + 1], (lc->n - lo - 1) * sizeof(r1cs_term));
            lc->n--;
        }
        return ZK_OK;
    }
    if (fr_is_zero(coef)) return ZK_OK;
    int rc = grow((void **)&lc->terms, &lc->cap, lc->n + 1, sizeof(r1cs_term));
    if (rc) return rc;
    memmove(&lc->terms[lo + 1], &lc->terms[lo], (lc->n - lo) * sizeof(r1cs_term));
    lc->terms[lo].var = v;
    lc->terms[lo].coef = *coef;
    lc->n++;
    return ZK_OK;
}

int r1cs_lc_add_var(r1cs_lc *lc, r1cs_var v)
{
    fr one;
    fr_set_one(&one);
    return r1cs_lc_add_term(lc, v, &one);
}

int r1cs_lc_sub_var(r1cs_lc *lc, r1cs_var v)
{
    fr m;
    fr_set_one(&m);
    fr_neg(&m, &m);
    return r1cs_lc_add_term(lc, v, &m);
}

int r1cs_lc_add_constant(r1cs_lc *lc, const fr *c)
{
    return r1cs_lc_add_term(lc, R1CS_ONE, c);
}

int r1cs_lc_add_lc(r1cs_lc *lc, const r1cs_lc *other, const fr *scale)
{
    for (size_t i = 0; i < other->n; i++) {
        fr t;
        fr_mul(&t, &other->terms[i].coef, scale);
        int rc = r1cs_lc_add_term(lc, other->terms[i].var, &t);
        if (rc) return rc;
    }
    return ZK_OK;
}

void r1cs_lc_eval(fr *out, const r1cs_term *terms, size_t n_terms, const fr *w)
{
    fr acc, t;
    fr_set_zero(&acc);
    for (size_t i = 0; i < n_terms; i++) {
        fr_mul(&t, &terms[i].coef, &w[terms[i].var]);
        fr_add(&acc, &acc, &t);
    }
    *out = acc;
}

/* ---- the builder ---------------------------------------------------------- */

void r1cs_clear(r1cs *cs)
{
    if (!cs) return;
    free(cs->kinds);
    free(cs->values);
    free(cs->labels);
    free(cs->wire_of);
    free(cs->cons);
    free(cs->terms);
    memset(cs, 0, sizeof(*cs));
}

/* Makes room for n variables in every per-variable array. */
static int reserve_vars(r1cs *cs, size_t n)
{
    if (n <= cs->cap_vars) return ZK_OK;
    size_t cap = cs->cap_vars, cap2 = cs->cap_vars;
    int rc = grow((void **)&cs->kinds, &cap, n, sizeof(uint8_t));
    if (rc) return rc;
    rc = grow((void **)&cs->values, &cap2, n, sizeof(fr));
    if (rc) return rc;
    /* Both arrays grew by the same doubling rule from the same capacity. */
    cs->cap_vars = cap < cap2 ? cap : cap2;
    return ZK_OK;
}

int r1cs_init(r1cs *cs)
{
    memset(cs, 0, sizeof(*cs));
    if (reserve_vars(cs, 1)) {
        r1cs_clear(cs);
        return ZK_ERR_NOMEM;
    }
    cs->kinds[0] = R1CS_KIND_ONE;
    fr_set_one(&cs->values[0]);
    cs->n_vars = 1;
    return ZK_OK;
}

int r1cs_alloc(r1cs *cs, r1cs_var *out, r1cs_kind kind, const fr *value)
{
    if (cs->finalized || kind <= R1CS_KIND_ONE || kind > R1CS_KIND_INTERNAL) return ZK_ERR_USAGE;
    if (cs->n_vars >= R1CS_MAX_VARS) return ZK_ERR_RANGE;
    int rc = reserve_vars(cs, (size_t)cs->n_vars + 1);
    if (rc) return rc;
    uint32_t v = cs->n_vars++;
    cs->kinds[v] = (uint8_t)kind;
    cs->values[v] = *value;
    if (kind == R1CS_KIND_PUBLIC_OUTPUT) cs->n_pub_out++;
    if (kind == R1CS_KIND_PUBLIC_INPUT) cs->n_pub_in++;
    if (kind == R1CS_KIND_PRIVATE_INPUT) cs->n_prv_in++;
    *out = v;
    return ZK_OK;
}

int r1cs_alloc_public(r1cs *cs, r1cs_var *out, const fr *value)
{
    return r1cs_alloc(cs, out, R1CS_KIND_PUBLIC_INPUT, value);
}

int r1cs_alloc_private(r1cs *cs, r1cs_var *out, const fr *value)
{
    return r1cs_alloc(cs, out, R1CS_KIND_INTERNAL, value);
}

static int check_lc_vars(const r1cs *cs, const r1cs_lc *lc, const char *which, zk_errbuf *err)
{
    for (size_t i = 0; i < lc->n; i++)
        if (lc->terms[i].var >= cs->n_vars)
            return ZK_FAIL(err, ZK_ERR_USAGE,
                           "constraint %zu: %s names variable %u, only %u allocated", cs->n_cons,
                           which, lc->terms[i].var, cs->n_vars);
    return ZK_OK;
}

int r1cs_add_constraint(r1cs *cs, const r1cs_lc *a, const r1cs_lc *b, const r1cs_lc *c,
                        zk_errbuf *err)
{
    if (cs->finalized) return ZK_FAIL(err, ZK_ERR_USAGE, "constraint system is finalized");
    if (cs->n_cons >= R1CS_MAX_CONSTRAINTS)
        return ZK_FAIL(err, ZK_ERR_RANGE, "more than %u constraints", R1CS_MAX_CONSTRAINTS);
    int rc;
    if ((rc = check_lc_vars(cs, a, "A", err)) || (rc = check_lc_vars(cs, b, "B", err)) ||
        (rc = check_lc_vars(cs, c, "C", err)))
        return rc;
    size_t add = a->n + b->n + c->n;
    if (add > SIZE_MAX / 2 - cs->n_terms) return ZK_FAIL(err, ZK_ERR_NOMEM, "term count overflow");
    if (grow((void **)&cs->terms, &cs->cap_terms, cs->n_terms + add, sizeof(r1cs_term)) ||
        grow((void **)&cs->cons, &cs->cap_cons, cs->n_cons + 1, sizeof(r1cs_constraint)))
        return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory adding constraint %zu", cs->n_cons);
    r1cs_constraint *k = &cs->cons[cs->n_cons];
    const r1cs_lc *lcs[3] = {a, b, c};
    size_t *first[3] = {&k->a, &k->b, &k->c}, *cnt[3] = {&k->na, &k->nb, &k->nc};
    for (int m = 0; m < 3; m++) {
        *first[m] = cs->n_terms;
        *cnt[m] = lcs[m]->n;
        if (lcs[m]->n)
            memcpy(&cs->terms[cs->n_terms], lcs[m]->terms, lcs[m]->n * sizeof(r1cs_term));
        cs->n_terms += lcs[m]->n;
    }
    cs->n_cons++;
    return ZK_OK;
}

const fr *r1cs_value(const r1cs *cs, r1cs_var v)
{
    return &cs->values[r1cs_wire(cs, v)];
}

uint32_t r1cs_wire(const r1cs *cs, r1cs_var v)
{
    return cs->wire_of ? cs->wire_of[v] : v;
}

void r1cs_set_value(r1cs *cs, r1cs_var v, const fr *value)
{
    cs->values[r1cs_wire(cs, v)] = *value;
}

static int cmp_term(const void *x, const void *y)
{
    const r1cs_term *a = x, *b = y;
    return (a->var > b->var) - (a->var < b->var);
}

int r1cs_finalize(r1cs *cs)
{
    if (cs->finalized) return ZK_OK;
    size_t n = cs->n_vars;
    uint32_t *wire_of = malloc(n * sizeof(uint32_t));
    uint64_t *labels = malloc(n * sizeof(uint64_t));
    uint8_t *kinds = malloc(n);
    fr *values = malloc(n * sizeof(fr));
    if (!wire_of || !labels || !kinds || !values) {
        free(wire_of);
        free(labels);
        free(kinds);
        free(values);
        return ZK_ERR_NOMEM;
    }
    /* circom's layout: one, outputs, public inputs, private inputs, internal; each group
     * keeps allocation order, so a circuit that allocates in that order is unchanged. */
    uint32_t next = 0;
    for (int kind = R1CS_KIND_ONE; kind <= R1CS_KIND_INTERNAL; kind++)
        for (size_t v = 0; v < n; v++)
            if (cs->kinds[v] == kind) {
                wire_of[v] = next;
                labels[next] = v;
                kinds[next] = (uint8_t)kind;
                values[next] = cs->values[v];
                next++;
            }
    for (size_t i = 0; i < cs->n_terms; i++)
        cs->terms[i].var = wire_of[cs->terms[i].var];
    /* Renumbering can reorder a combination's terms; sort again so the sorted rule holds
     * in wire numbering too (the order .r1cs files are written in). */
    for (size_t k = 0; k < cs->n_cons; k++) {
        r1cs_constraint *c = &cs->cons[k];
        qsort(&cs->terms[c->a], c->na, sizeof(r1cs_term), cmp_term);
        qsort(&cs->terms[c->b], c->nb, sizeof(r1cs_term), cmp_term);
        qsort(&cs->terms[c->c], c->nc, sizeof(r1cs_term), cmp_term);
    }
    free(cs->kinds);
    free(cs->values);
    cs->kinds = kinds;
    cs->values = values;
    cs->cap_vars = n;
    cs->wire_of = wire_of;
    cs->labels = labels;
    cs->n_labels = n;
    cs->finalized = true;
    return ZK_OK;
}

/* ---- checking ------------------------------------------------------------- */

int r1cs_check_witness(const r1cs *cs, const fr *w, size_t n, size_t *first_failing, zk_errbuf *err)
{
    if (n != cs->n_vars)
        return ZK_FAIL(err, ZK_ERR_MISMATCH, "witness has %zu values, the system %u variables", n,
                       cs->n_vars);
    if (!fr_is_one(&w[0])) {
        if (first_failing) *first_failing = SIZE_MAX;
        return ZK_FAIL(err, ZK_ERR_REJECTED, "witness value 0 (the constant) is not 1");
    }
    for (size_t k = 0; k < cs->n_cons; k++) {
        const r1cs_constraint *c = &cs->cons[k];
        fr a, b, cc;
        r1cs_lc_eval(&a, &cs->terms[c->a], c->na, w);
        r1cs_lc_eval(&b, &cs->terms[c->b], c->nb, w);
        r1cs_lc_eval(&cc, &cs->terms[c->c], c->nc, w);
        fr_mul(&a, &a, &b);
        if (!fr_eq(&a, &cc)) {
            if (first_failing) *first_failing = k;
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "constraint %zu of %zu is not satisfied (A*B != C)", k, cs->n_cons);
        }
    }
    return ZK_OK;
}

int r1cs_is_satisfied(const r1cs *cs, size_t *first_failing, zk_errbuf *err)
{
    return r1cs_check_witness(cs, cs->values, cs->n_vars, first_failing, err);
}

/* ---- files ---------------------------------------------------------------- */

int r1cs_to_file(r1cs_file *f, const r1cs *cs, zk_errbuf *err)
{
    memset(f, 0, sizeof(*f));
    if (!cs->finalized) return ZK_FAIL(err, ZK_ERR_USAGE, "r1cs_to_file: system not finalized");
    f->n_wires = cs->n_vars;
    f->n_pub_out = cs->n_pub_out;
    f->n_pub_in = cs->n_pub_in;
    f->n_prv_in = cs->n_prv_in;
    f->n_labels = cs->n_labels;
    f->n_constraints = (uint32_t)cs->n_cons;
    f->n_terms = cs->n_terms;
    f->constraints = malloc((cs->n_cons ? cs->n_cons : 1) * sizeof(r1cs_file_constraint));
    f->terms = malloc((cs->n_terms ? cs->n_terms : 1) * sizeof(r1cs_file_term));
    f->wire_to_label = malloc((size_t)cs->n_vars * sizeof(uint64_t));
    if (!f->constraints || !f->terms || !f->wire_to_label)
        return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory converting the r1cs");
    for (size_t i = 0; i < cs->n_terms; i++) {
        f->terms[i].wire = cs->terms[i].var;
        fr_to_bytes_le(f->terms[i].coef, &cs->terms[i].coef);
    }
    for (size_t k = 0; k < cs->n_cons; k++) {
        const r1cs_constraint *c = &cs->cons[k];
        f->constraints[k].a = (r1cs_file_lc){c->a, c->na};
        f->constraints[k].b = (r1cs_file_lc){c->b, c->nb};
        f->constraints[k].c = (r1cs_file_lc){c->c, c->nc};
    }
    for (uint32_t i = 0; i < cs->n_vars; i++)
        f->wire_to_label[i] = cs->labels ? cs->labels[i] : i;
    return ZK_OK;
}

int r1cs_witness_to_file(wtns_file *w, uint8_t *buf, size_t buf_len, const r1cs *cs, zk_errbuf *err)
{
    memset(w, 0, sizeof(*w));
    if (!cs->finalized)
        return ZK_FAIL(err, ZK_ERR_USAGE, "r1cs_witness_to_file: system not finalized");
    if (buf_len / 32 < cs->n_vars)
        return ZK_FAIL(err, ZK_ERR_RANGE, "witness buffer holds %zu bytes, %zu needed", buf_len,
                       (size_t)cs->n_vars * 32);
    for (uint32_t i = 0; i < cs->n_vars; i++)
        fr_to_bytes_le(buf + (size_t)i * 32, &cs->values[i]);
    w->n_values = cs->n_vars;
    w->values = buf;
    return ZK_OK;
}

int r1cs_from_files(r1cs *cs, const r1cs_file *f, const wtns_file *wt, zk_errbuf *err)
{
    memset(cs, 0, sizeof(*cs));
    int rc = ZK_ERR_NOMEM;
    if (wt && wt->n_values != f->n_wires)
        return ZK_FAIL(err, ZK_ERR_MISMATCH, "witness has %u values, the r1cs %u wires",
                       wt->n_values, f->n_wires);
    if (f->n_wires == 0 || (uint64_t)f->n_pub_out + f->n_pub_in + f->n_prv_in >= f->n_wires)
        return ZK_FAIL(err, ZK_ERR_MISMATCH, "r1cs header counts exceed its %u wires", f->n_wires);
    size_t n = f->n_wires;
    cs->kinds = malloc(n);
    cs->values = calloc(n, sizeof(fr));
    cs->labels = malloc(n * sizeof(uint64_t));
    cs->cons = malloc((f->n_constraints ? f->n_constraints : 1) * sizeof(r1cs_constraint));
    cs->terms = malloc((f->n_terms ? f->n_terms : 1) * sizeof(r1cs_term));
    if (!cs->kinds || !cs->values || !cs->labels || !cs->cons || !cs->terms) {
        ZK_FAIL(err, rc, "out of memory importing the r1cs");
        goto out;
    }
    cs->cap_vars = n;
    cs->n_vars = f->n_wires;
    cs->n_pub_out = f->n_pub_out;
    cs->n_pub_in = f->n_pub_in;
    cs->n_prv_in = f->n_prv_in;
    cs->n_labels = f->n_labels;
    for (size_t i = 0; i < n; i++) {
        uint8_t kind = R1CS_KIND_INTERNAL;
        if (i == 0)
            kind = R1CS_KIND_ONE;
        else if (i <= f->n_pub_out)
            kind = R1CS_KIND_PUBLIC_OUTPUT;
        else if (i <= (size_t)f->n_pub_out + f->n_pub_in)
            kind = R1CS_KIND_PUBLIC_INPUT;
        else if (i <= (size_t)f->n_pub_out + f->n_pub_in + f->n_prv_in)
            kind = R1CS_KIND_PRIVATE_INPUT;
        cs->kinds[i] = kind;
        cs->labels[i] = f->wire_to_label[i];
    }
    for (size_t i = 0; i < f->n_terms; i++) {
        if (f->terms[i].wire >= f->n_wires) {
            rc = ZK_FAIL(err, ZK_ERR_RANGE, "term %zu names wire %u of %u", i, f->terms[i].wire,
                         f->n_wires);
            goto out;
        }
        cs->terms[i].var = f->terms[i].wire;
        if ((rc = fr_from_bytes_le(&cs->terms[i].coef, f->terms[i].coef, err)) != ZK_OK) goto out;
    }
    cs->n_terms = cs->cap_terms = f->n_terms;
    for (size_t k = 0; k < f->n_constraints; k++) {
        const r1cs_file_constraint *c = &f->constraints[k];
        const r1cs_file_lc *l[3] = {&c->a, &c->b, &c->c};
        for (int m = 0; m < 3; m++)
            if (l[m]->first > f->n_terms || l[m]->n > f->n_terms - l[m]->first) {
                rc = ZK_FAIL(err, ZK_ERR_RANGE, "constraint %zu: term range out of bounds", k);
                goto out;
            }
        cs->cons[k] = (r1cs_constraint){c->a.first, c->a.n, c->b.first, c->b.n, c->c.first, c->c.n};
    }
    cs->n_cons = cs->cap_cons = f->n_constraints;
    if (wt) {
        for (size_t i = 0; i < n; i++)
            if ((rc = fr_from_bytes_le(&cs->values[i], wtns_file_value(wt, (uint32_t)i), err)) !=
                ZK_OK)
                goto out;
        if (!fr_is_one(&cs->values[0])) {
            rc = ZK_FAIL(err, ZK_ERR_MISMATCH, "witness value 0 is not 1");
            goto out;
        }
    } else {
        fr_set_one(&cs->values[0]);
    }
    cs->finalized = true;
    rc = ZK_OK;
out:
    if (rc) r1cs_clear(cs);
    return rc;
}
