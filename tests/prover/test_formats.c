/* snarkjs/circom file formats: every vector under snarkjs/ parsed and each field checked
 * against an independent fact (SOURCES.md's `snarkjs r1cs info` figures, the witness
 * satisfying the r1cs, the zkey coefficients equalling the r1cs rows, the zkey header
 * equalling verification_key.json after a Montgomery -> canonical conversion done here
 * with a tiny bignum, the derived zkey's points equalling the ptau's), byte-identical
 * round trips, hand-made corruptions, and random single-byte mutations. */
#include "harness.h"

#include "lightclient/bytes.h"
#include "prover/binfile.h"
#include "prover/groth16_json.h"
#include "prover/ptau_file.h"
#include "prover/r1cs_file.h"
#include "prover/wtns_file.h"
#include "prover/zkey_file.h"

/* ---- a minimal 256-bit modular arithmetic, independent of prover/ ---- */

typedef struct u256 {
    uint64_t l[4]; /* little-endian limbs */
} u256;

/* BN254 primes as 64-bit limbs (EIP-196/197). */
static const u256 Q = {
    {0x3c208c16d87cfd47ull, 0x97816a916871ca8dull, 0xb85045b68181585dull, 0x30644e72e131a029ull}};
static const u256 R = {
    {0x43e1f593f0000001ull, 0x2833e84879b97091ull, 0xb85045b68181585dull, 0x30644e72e131a029ull}};

static u256 u_le(const uint8_t *b)
{
    u256 o;
    for (int i = 0; i < 4; i++)
        o.l[i] = le64_load(b + 8 * i);
    return o;
}

static u256 u_be(const uint8_t *b)
{
    u256 o;
    for (int i = 0; i < 4; i++)
        o.l[3 - i] = be64_load(b + 8 * i);
    return o;
}

static u256 u_small(uint64_t v)
{
    u256 o = {{v, 0, 0, 0}};
    return o;
}

static bool u_eq(const u256 *a, const u256 *b)
{
    return memcmp(a->l, b->l, sizeof(a->l)) == 0;
}

static int u_cmp(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->l[i] != b->l[i]) return a->l[i] < b->l[i] ? -1 : 1;
    return 0;
}

static void u_sub(u256 *o, const u256 *a, const u256 *b)
{
    unsigned __int128 borrow = 0;
    for (int i = 0; i < 4; i++) {
        unsigned __int128 t = (unsigned __int128)a->l[i] - b->l[i] - borrow;
        o->l[i] = (uint64_t)t;
        borrow = (t >> 64) ? 1 : 0;
    }
}

static u256 mod_add(const u256 *a, const u256 *b, const u256 *m)
{
    u256 o;
    unsigned __int128 c = 0;
    for (int i = 0; i < 4; i++) {
        c += (unsigned __int128)a->l[i] + b->l[i];
        o.l[i] = (uint64_t)c;
        c >>= 64;
    }
    if (c || u_cmp(&o, m) >= 0) u_sub(&o, &o, m);
    return o;
}

/* a * b * 2^-256 mod m (CIOS Montgomery multiplication), for a, b < m. */
static u256 mont_mul(const u256 *a, const u256 *b, const u256 *m)
{
    uint64_t inv = 1;
    for (int i = 0; i < 6; i++)
        inv *= 2 - m->l[0] * inv; /* m^-1 mod 2^64 */
    uint64_t minv = (uint64_t)0 - inv;
    uint64_t t[6] = {0};
    for (int i = 0; i < 4; i++) {
        unsigned __int128 c = 0;
        for (int j = 0; j < 4; j++) {
            c += (unsigned __int128)a->l[j] * b->l[i] + t[j];
            t[j] = (uint64_t)c;
            c >>= 64;
        }
        c += t[4];
        t[4] = (uint64_t)c;
        t[5] = (uint64_t)(c >> 64);
        uint64_t k = t[0] * minv;
        c = (unsigned __int128)k * m->l[0] + t[0];
        c >>= 64;
        for (int j = 1; j < 4; j++) {
            c += (unsigned __int128)k * m->l[j] + t[j];
            t[j - 1] = (uint64_t)c;
            c >>= 64;
        }
        c += t[4];
        t[3] = (uint64_t)c;
        t[4] = t[5] + (uint64_t)(c >> 64);
    }
    u256 o = {{t[0], t[1], t[2], t[3]}};
    if (t[4] || u_cmp(&o, m) >= 0) u_sub(&o, &o, m);
    return o;
}

/* Montgomery -> canonical: x * R^-1 mod m. */
static u256 from_mont(const u256 *x, const u256 *m)
{
    u256 one = u_small(1);
    return mont_mul(x, &one, m);
}

/* 2^512 mod m, by doubling, so modular products can leave Montgomery form. */
static u256 r2_of(const u256 *m)
{
    u256 x = u_small(1);
    for (int i = 0; i < 512; i++)
        x = mod_add(&x, &x, m);
    return x;
}

static u256 mod_mul(const u256 *a, const u256 *b, const u256 *m, const u256 *r2)
{
    u256 t = mont_mul(a, b, m);
    return mont_mul(&t, r2, m);
}

/* Decimal text -> u256 (test-side; the strings come from the vectors via jansson). */
static u256 u_dec(const char *s)
{
    u256 o = u_small(0);
    for (; *s; s++) {
        unsigned __int128 c = (unsigned)(*s - '0');
        for (int i = 0; i < 4; i++) {
            c += (unsigned __int128)o.l[i] * 10;
            o.l[i] = (uint64_t)c;
            c >>= 64;
        }
    }
    return o;
}

/* ---- vector loading and a test-side section walker ---- */

static uint8_t *load(const char *rel, size_t *len)
{
    uint8_t *d = th_read_file(rel, len);
    CHECK_MSG(d != NULL, "missing vector %s", rel);
    return d;
}

static char *load_text(const char *rel, size_t *len)
{
    return (char *)load(rel, len);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

typedef struct tsec {
    uint32_t id;
    size_t hdr;  /* offset of the 12-byte section header */
    size_t off;  /* offset of the content */
    size_t size; /* content size */
} tsec;

/* Walks a known-good file's sections (no checks: only used on the vectors). */
static size_t walk(const uint8_t *d, size_t len, tsec *s, size_t cap)
{
    size_t n = 0, at = 12;
    while (at + 12 <= len && n < cap) {
        s[n].id = (uint32_t)le64_load(d + at) & 0xffffffffu;
        s[n].hdr = at;
        s[n].off = at + 12;
        s[n].size = (size_t)le64_load(d + at + 4);
        at = s[n].off + s[n].size;
        n++;
    }
    return n;
}

static const tsec *sec_find(const tsec *s, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].id == id) return &s[i];
    return NULL;
}

typedef enum fmt { F_R1CS, F_WTNS, F_ZKEY, F_PTAU } fmt;

/* Parses with the reader for f; on success also writes back (where a writer exists)
 * and checks the bytes are the input's. Returns the parse status. */
static int parse_any(fmt f, const uint8_t *d, size_t len, zk_errbuf *err, bool *roundtrip_ok)
{
    int rc;
    zk_buf b;
    buf_init(&b, 0);
    *roundtrip_ok = true;
    if (f == F_R1CS) {
        r1cs_file r;
        rc = r1cs_file_parse(&r, d, len, err);
        if (!rc) *roundtrip_ok = r1cs_file_write(&b, &r) == ZK_OK;
        r1cs_file_clear(&r);
    } else if (f == F_WTNS) {
        wtns_file w;
        rc = wtns_file_parse(&w, d, len, err);
        if (!rc) *roundtrip_ok = wtns_file_write(&b, &w) == ZK_OK;
    } else if (f == F_ZKEY) {
        zkey_file z;
        rc = zkey_file_parse(&z, d, len, err);
        if (!rc) *roundtrip_ok = zkey_file_write(&b, &z) == ZK_OK;
        zkey_file_clear(&z);
    } else {
        ptau_file p;
        rc = ptau_file_parse(&p, d, len, err);
        if (!rc) {
            /* Touch the first and last point of each section and every contribution. */
            for (uint32_t id = 2; id <= 15; id++) {
                uint64_t n = ptau_file_section_points(&p, id);
                const uint8_t *pt;
                if (n == 0) continue;
                int r1 = ptau_file_point(&p, &pt, id, 0, NULL);
                int r2 = ptau_file_point(&p, &pt, id, n - 1, NULL);
                if ((r1 && r1 != ZK_ERR_RANGE) || (r2 && r2 != ZK_ERR_RANGE)) *roundtrip_ok = false;
            }
            for (uint32_t i = 0; i < p.n_contributions; i++) {
                ptau_file_contrib c;
                if (ptau_file_contribution(&p, &c, i, NULL)) *roundtrip_ok = false;
            }
        }
        buf_clear(&b);
        return rc;
    }
    /* Unknown section ids are skipped on read and not written back (documented), so
     * only a file made of known sections must come back byte for byte. */
    uint32_t max_id = f == F_R1CS ? 3 : f == F_WTNS ? 2 : 10;
    tsec s[BINFILE_MAX_SECTIONS];
    size_t ns = rc ? 0 : walk(d, len, s, BINFILE_MAX_SECTIONS);
    bool all_known = true;
    for (size_t i = 0; i < ns; i++)
        if (s[i].id < 1 || s[i].id > max_id) all_known = false;
    if (!rc && *roundtrip_ok && all_known)
        *roundtrip_ok = b.len == len && memcmp(b.data, d, len) == 0;
    buf_clear(&b);
    return rc;
}

/* ---- .r1cs and .wtns ---- */

typedef struct r1cs_fact {
    const char *r1cs, *wtns;
    uint32_t wires, out, pub_in, prv_in, constraints;
    uint64_t labels;
} r1cs_fact;

/* From SOURCES.md: `snarkjs r1cs info` output for each circuit. */
static const r1cs_fact r1cs_facts[] = {
    {"snarkjs/groth16/circuit.r1cs", "snarkjs/groth16/witness.wtns", 103, 1, 0, 2, 100, 104},
    {"snarkjs/tip_groth16/circuit.r1cs", "snarkjs/tip_groth16/witness.wtns", 1003, 1, 1, 1, 1000,
     1004},
};

static u256 lc_eval(const r1cs_file *r, const r1cs_file_lc *lc, const wtns_file *w, const u256 *r2)
{
    u256 acc = u_small(0);
    for (size_t i = 0; i < lc->n; i++) {
        const r1cs_file_term *t = &r->terms[lc->first + i];
        u256 c = u_le(t->coef), x = u_le(wtns_file_value(w, t->wire));
        u256 p = mod_mul(&c, &x, &R, r2);
        acc = mod_add(&acc, &p, &R);
    }
    return acc;
}

TEST(test_r1cs_wtns_vectors)
{
    u256 r2 = r2_of(&R);
    for (size_t v = 0; v < sizeof(r1cs_facts) / sizeof(r1cs_facts[0]); v++) {
        const r1cs_fact *f = &r1cs_facts[v];
        CASE_BEGIN("%s", f->r1cs);
        size_t rl, wl;
        uint8_t *rd = load(f->r1cs, &rl), *wd = load(f->wtns, &wl);
        r1cs_file r;
        wtns_file w;
        zk_errbuf err = {{0}, 0};
        if (rd && wd) {
            CHECK_EQ_INT(r1cs_file_parse(&r, rd, rl, &err), ZK_OK);
            CHECK_EQ_INT(r.n_wires, f->wires);
            CHECK_EQ_INT(r.n_pub_out, f->out);
            CHECK_EQ_INT(r.n_pub_in, f->pub_in);
            CHECK_EQ_INT(r.n_prv_in, f->prv_in);
            CHECK_EQ_INT(r.n_constraints, f->constraints);
            CHECK_EQ_INT(r.n_labels, f->labels);
            CHECK_EQ_INT(r.wire_to_label[0], 0); /* spec: wire 0 is label 0 */
            /* circom's section order, recorded for the writer. */
            CHECK_EQ_INT(r.n_order, 3);
            CHECK(r.order[0] == 2 && r.order[1] == 1 && r.order[2] == 3);
            CHECK_EQ_INT(wtns_file_parse(&w, wd, wl, &err), ZK_OK);
            CHECK_EQ_INT(w.n_values, r.n_wires);
            u256 w0 = u_le(wtns_file_value(&w, 0)), one = u_small(1);
            CHECK(u_eq(&w0, &one));
            /* The witness satisfies every constraint A*B = C (mod r). */
            uint32_t bad = 0;
            for (uint32_t i = 0; i < r.n_constraints; i++) {
                u256 a = lc_eval(&r, &r.constraints[i].a, &w, &r2);
                u256 b = lc_eval(&r, &r.constraints[i].b, &w, &r2);
                u256 c = lc_eval(&r, &r.constraints[i].c, &w, &r2);
                u256 ab = mod_mul(&a, &b, &R, &r2);
                if (!u_eq(&ab, &c)) bad++;
            }
            CHECK_EQ_INT(bad, 0);
            /* Byte-identical round trips. */
            zk_buf b;
            buf_init(&b, 0);
            CHECK_EQ_INT(r1cs_file_write(&b, &r), ZK_OK);
            CHECK(b.len == rl && memcmp(b.data, rd, rl) == 0);
            buf_clear(&b);
            CHECK_EQ_INT(wtns_file_write(&b, &w), ZK_OK);
            CHECK(b.len == wl && memcmp(b.data, wd, wl) == 0);
            buf_clear(&b);
            /* Default order (a struct built by hand) is circom's too. */
            r.n_order = 0;
            CHECK_EQ_INT(r1cs_file_write(&b, &r), ZK_OK);
            CHECK(b.len == rl && memcmp(b.data, rd, rl) == 0);
            buf_clear(&b);
            r1cs_file_clear(&r);
        }
        free(rd);
        free(wd);
        CASE_END();
    }
}

/* Witness inputs equal the circuits' input files and the public signals public.json. */
TEST(test_wtns_inputs)
{
    struct {
        const char *wtns, *input;
        uint32_t first_input_wire;
    } cases[] = {
        {"snarkjs/groth16/witness.wtns", "snarkjs/groth16/witness.json", 2},
        {"snarkjs/tip_groth16/witness.wtns", "snarkjs/tip_groth16/input.json", 2},
    };
    for (size_t v = 0; v < 2; v++) {
        CASE_BEGIN("%s", cases[v].input);
        size_t wl;
        uint8_t *wd = load(cases[v].wtns, &wl);
        json_t *in = th_load_json(cases[v].input);
        wtns_file w;
        if (wd && in && wtns_file_parse(&w, wd, wl, NULL) == ZK_OK) {
            /* {a, b}: a then b are the next wires after the single output. */
            u256 a = u_small((uint64_t)json_integer_value(json_object_get(in, "a")));
            u256 b = u_small((uint64_t)json_integer_value(json_object_get(in, "b")));
            u256 wa = u_le(wtns_file_value(&w, cases[v].first_input_wire));
            u256 wb = u_le(wtns_file_value(&w, cases[v].first_input_wire + 1));
            CHECK(u_eq(&wa, &a));
            CHECK(u_eq(&wb, &b));
        } else {
            CHECK(0);
        }
        if (v == 0 && wd) {
            size_t pl;
            char *pt = load_text("snarkjs/groth16/public.json", &pl);
            uint8_t *pub = NULL;
            size_t np = 0;
            if (pt) {
                CHECK_EQ_INT(groth16_json_public_parse(&pub, &np, pt, pl, NULL), ZK_OK);
                CHECK_EQ_INT(np, 1);
                if (np == 1) {
                    u256 p0 = u_be(pub), w1 = u_le(wtns_file_value(&w, 1));
                    CHECK(u_eq(&p0, &w1));
                }
            }
            free(pub);
            free(pt);
        }
        json_decref(in);
        free(wd);
        CASE_END();
    }
}

/* ---- .zkey ---- */

static void check_g1_mont_vs_json(const uint8_t *mont, const json_t *arr, const char *what)
{
    for (size_t i = 0; i < 2; i++) {
        u256 m = u_le(mont + 32 * i), c = from_mont(&m, &Q);
        u256 j = u_dec(json_string_value(json_array_get(arr, i)));
        CHECK_MSG(u_eq(&c, &j), "%s coordinate %zu differs from the JSON", what, i);
    }
    CHECK_MSG(strcmp(json_string_value(json_array_get(arr, 2)), "1") == 0, "%s z", what);
}

static void check_g2_mont_vs_json(const uint8_t *mont, const json_t *arr, const char *what)
{
    for (size_t i = 0; i < 4; i++) {
        u256 m = u_le(mont + 32 * i), c = from_mont(&m, &Q);
        const json_t *pair = json_array_get(arr, i / 2);
        u256 j = u_dec(json_string_value(json_array_get(pair, i % 2)));
        CHECK_MSG(u_eq(&c, &j), "%s coordinate %zu differs from the JSON", what, i);
    }
}

/* The BN254 G2 generator of EIP-197 (snarkjs uses it for gamma2, and delta2 before any
 * contribution). */
static const char *const g2_gen[4] = {
    "10857046999023057135944570762232829481370756359578518086990519993285655852781",
    "11559732032986387107991004021392285783925812861821192530917403151452391805634",
    "8495653923123431417604973247489272438418190587263600148770280649306958101930",
    "4082367875863433681332203403145435568316851327593401208105741076214120093531",
};

static bool is_g1_gen(const uint8_t *mont)
{
    u256 x = u_le(mont), y = u_le(mont + 32);
    u256 cx = from_mont(&x, &Q), cy = from_mont(&y, &Q), one = u_small(1), two = u_small(2);
    return u_eq(&cx, &one) && u_eq(&cy, &two);
}

static bool is_g2_gen(const uint8_t *mont)
{
    for (size_t i = 0; i < 4; i++) {
        u256 m = u_le(mont + 32 * i), c = from_mont(&m, &Q), g = u_dec(g2_gen[i]);
        if (!u_eq(&c, &g)) return false;
    }
    return true;
}

/* The zkey coefficient for (matrix, constraint, signal) taken from the r1cs rows, plus
 * snarkjs's extra A entry 1 * s in row nConstraints + s for each public wire s. */
static bool r1cs_coef(const r1cs_file *r, uint32_t npub, const zkey_file_coef *k, u256 *out)
{
    if (k->constraint >= r->n_constraints) {
        uint32_t s = k->constraint - r->n_constraints;
        if (k->matrix != 0 || s > npub || k->signal != s) return false;
        *out = u_small(1);
        return true;
    }
    const r1cs_file_lc *lc =
        k->matrix == 0 ? &r->constraints[k->constraint].a : &r->constraints[k->constraint].b;
    for (size_t i = 0; i < lc->n; i++)
        if (r->terms[lc->first + i].wire == k->signal) {
            *out = u_le(r->terms[lc->first + i].coef);
            return true;
        }
    return false;
}

TEST(test_zkey_vectors)
{
    const char *zkeys[2] = {"snarkjs/groth16/circuit.zkey", "snarkjs/derived/circuit_0000.zkey"};
    const char *vks[2] = {"snarkjs/derived/verification_key.json",
                          "snarkjs/derived/circuit_0000_verification_key.json"};
    size_t rl, pl;
    uint8_t *rd = load("snarkjs/groth16/circuit.r1cs", &rl);
    char *pt = load_text("snarkjs/groth16/public.json", &pl);
    r1cs_file r;
    memset(&r, 0, sizeof(r));
    uint8_t *pub = NULL;
    size_t npub = 0;
    if (rd) CHECK_EQ_INT(r1cs_file_parse(&r, rd, rl, NULL), ZK_OK);
    if (pt) CHECK_EQ_INT(groth16_json_public_parse(&pub, &npub, pt, pl, NULL), ZK_OK);
    zkey_file_coef *first_coefs = NULL;
    uint32_t first_n = 0;
    for (size_t v = 0; v < 2; v++) {
        CASE_BEGIN("%s", zkeys[v]);
        size_t zl;
        uint8_t *zd = load(zkeys[v], &zl);
        json_t *vk = th_load_json(vks[v]);
        zkey_file z;
        zk_errbuf err = {{0}, 0};
        if (zd && vk && rd) {
            int rc = zkey_file_parse(&z, zd, zl, &err);
            CHECK_MSG(rc == ZK_OK, "parse: %s", err.msg);
            /* Facts from the other files. */
            CHECK_EQ_INT(z.n_public, npub);
            CHECK_EQ_INT(z.n_public, r.n_pub_out + r.n_pub_in);
            CHECK_EQ_INT(z.n_vars, r.n_wires);
            uint64_t need = (uint64_t)r.n_constraints + z.n_public + 1, dom = 1;
            while (dom < need)
                dom <<= 1;
            CHECK_EQ_INT(z.domain_size, dom);
            CHECK_EQ_INT(json_integer_value(json_object_get(vk, "nPublic")), z.n_public);
            CHECK_EQ_INT(json_array_size(json_object_get(vk, "IC")), z.n_public + 1);
            /* Header points = verification_key.json after Montgomery -> canonical. */
            check_g1_mont_vs_json(z.alpha1, json_object_get(vk, "vk_alpha_1"), "alpha1");
            check_g2_mont_vs_json(z.beta2, json_object_get(vk, "vk_beta_2"), "beta2");
            check_g2_mont_vs_json(z.gamma2, json_object_get(vk, "vk_gamma_2"), "gamma2");
            check_g2_mont_vs_json(z.delta2, json_object_get(vk, "vk_delta_2"), "delta2");
            for (uint32_t i = 0; i <= z.n_public; i++)
                check_g1_mont_vs_json(z.ic + 64 * i, json_array_get(json_object_get(vk, "IC"), i),
                                      "IC");
            /* snarkjs setup: gamma2 = G2 generator; with 0 contributions delta = generator. */
            CHECK(is_g2_gen(z.gamma2));
            CHECK(is_g2_gen(z.delta2));
            CHECK(is_g1_gen(z.delta1));
            CHECK(z.has_mpc);
            CHECK_EQ_INT(z.n_contributions, 0);
            /* Coefficients: A and B rows of the r1cs plus one per public wire, stored
             * v * R^2 mod r. */
            CHECK_EQ_INT(z.n_coefs, 202);
            size_t ab_terms = z.n_public + 1;
            for (uint32_t i = 0; i < r.n_constraints; i++)
                ab_terms += r.constraints[i].a.n + r.constraints[i].b.n;
            CHECK_EQ_INT(z.n_coefs, ab_terms);
            uint32_t mismatch = 0;
            for (uint32_t i = 0; i < z.n_coefs; i++) {
                u256 want, s = u_le(z.coefs[i].value), t1 = from_mont(&s, &R),
                           got = from_mont(&t1, &R);
                if (!r1cs_coef(&r, z.n_public, &z.coefs[i], &want) || !u_eq(&want, &got))
                    mismatch++;
            }
            CHECK_EQ_INT(mismatch, 0);
            /* SOURCES.md: section 4 of both zkeys is byte-identical. */
            if (v == 0 && !rc) {
                first_n = z.n_coefs;
                first_coefs = malloc(sizeof(zkey_file_coef) * (first_n ? first_n : 1));
                if (first_coefs) memcpy(first_coefs, z.coefs, sizeof(zkey_file_coef) * first_n);
            } else if (first_coefs && !rc) {
                CHECK_EQ_INT(z.n_coefs, first_n);
                if (z.n_coefs == first_n)
                    CHECK_MEM(z.coefs, first_coefs, sizeof(zkey_file_coef) * first_n);
            }
            /* Round trip, with the recorded order and with the default one. */
            zk_buf b;
            buf_init(&b, 0);
            CHECK_EQ_INT(zkey_file_write(&b, &z), ZK_OK);
            CHECK(b.len == zl && memcmp(b.data, zd, zl) == 0);
            buf_clear(&b);
            z.n_order = 0;
            CHECK_EQ_INT(zkey_file_write(&b, &z), ZK_OK);
            CHECK(b.len == zl && memcmp(b.data, zd, zl) == 0);
            buf_clear(&b);
            zkey_file_clear(&z);
        }
        json_decref(vk);
        free(zd);
        CASE_END();
    }
    free(first_coefs);
    free(pub);
    free(pt);
    free(rd);
    r1cs_file_clear(&r);
}

/* ---- .ptau ---- */

TEST(test_ptau_vectors)
{
    const char *files[2] = {"snarkjs/derived/pot10_beacon.ptau",
                            "snarkjs/derived/pot10_final.ptau"};
    for (size_t v = 0; v < 2; v++) {
        CASE_BEGIN("%s", files[v]);
        size_t len;
        uint8_t *d = load(files[v], &len);
        ptau_file p;
        zk_errbuf err = {{0}, 0};
        if (d) {
            CHECK_EQ_INT(ptau_file_parse(&p, d, len, &err), ZK_OK);
            CHECK_EQ_INT(p.power, 10);
            CHECK_EQ_INT(p.ceremony_power, 10);
            CHECK_EQ_INT(p.prepared, v == 1);
            CHECK_EQ_INT(p.n_contributions, 1);
            /* SOURCES.md sizes. */
            CHECK_EQ_INT(ptau_file_section_points(&p, 2), 2047);
            CHECK_EQ_INT(ptau_file_section_points(&p, 3), 1024);
            CHECK_EQ_INT(ptau_file_section_points(&p, 12), v == 1 ? 4095 : 0);
            CHECK_EQ_INT(ptau_file_section_points(&p, 13), v == 1 ? 2047 : 0);
            const uint8_t *pt;
            CHECK_EQ_INT(ptau_file_point(&p, &pt, 2, 0, NULL), ZK_OK);
            CHECK(is_g1_gen(pt)); /* tau^0 * G1 */
            CHECK_EQ_INT(ptau_file_point(&p, &pt, 3, 0, NULL), ZK_OK);
            CHECK(is_g2_gen(pt));
            CHECK_EQ_INT(ptau_file_point(&p, &pt, 2, 2047, NULL), ZK_ERR_RANGE);
            CHECK_EQ_INT(ptau_file_point(&p, &pt, 1, 0, NULL), ZK_ERR_NOTFOUND);
            ptau_file_contrib c;
            CHECK_EQ_INT(ptau_file_contribution(&p, &c, 0, NULL), ZK_OK);
            CHECK_EQ_INT(c.type, 1); /* beacon */
            CHECK(c.params.name_len == 12 && memcmp(c.params.name, "Final Beacon", 12) == 0);
            CHECK(c.params.has_iterations_exp && c.params.iterations_exp == 10);
            CHECK_EQ_INT(c.params.beacon_hash_len, 32);
            if (c.params.beacon_hash_len == 32)
                for (int i = 0; i < 32; i++)
                    CHECK_EQ_INT(c.params.beacon_hash[i], i + 1);
            CHECK_EQ_INT(ptau_file_contribution(&p, &c, 1, NULL), ZK_ERR_RANGE);
            if (v == 0) {
                CHECK_EQ_INT(ptau_file_lagrange_point(&p, &pt, 12, 0, 0, NULL), ZK_ERR_NOTFOUND);
            } else {
                /* The size-1 Lagrange basis is L0 = 1: block 0 of section 12 is G1. */
                CHECK_EQ_INT(ptau_file_lagrange_point(&p, &pt, 12, 0, 0, NULL), ZK_OK);
                CHECK(is_g1_gen(pt));
                CHECK_EQ_INT(ptau_file_lagrange_point(&p, &pt, 13, 0, 0, NULL), ZK_OK);
                CHECK(is_g2_gen(pt));
                CHECK_EQ_INT(ptau_file_lagrange_point(&p, &pt, 12, 11, 2047, NULL), ZK_OK);
                CHECK_EQ_INT(ptau_file_lagrange_point(&p, &pt, 12, 12, 0, NULL), ZK_ERR_RANGE);
                CHECK_EQ_INT(ptau_file_lagrange_point(&p, &pt, 13, 11, 0, NULL), ZK_ERR_RANGE);
                CHECK_EQ_INT(ptau_file_lagrange_point(&p, &pt, 14, 3, 8, NULL), ZK_ERR_RANGE);
            }
        }
        free(d);
        CASE_END();
    }
}

/* The derived zkey was set up from pot10_final.ptau: its points are ptau points. */
TEST(test_zkey_from_ptau)
{
    CASE_BEGIN("circuit_0000.zkey vs pot10_final.ptau");
    size_t zl, pl;
    uint8_t *zd = load("snarkjs/derived/circuit_0000.zkey", &zl);
    uint8_t *pd = load("snarkjs/derived/pot10_final.ptau", &pl);
    zkey_file z;
    ptau_file p;
    memset(&z, 0, sizeof(z));
    if (zd && pd && zkey_file_parse(&z, zd, zl, NULL) == ZK_OK &&
        ptau_file_parse(&p, pd, pl, NULL) == ZK_OK) {
        const uint8_t *pt;
        CHECK(ptau_file_point(&p, &pt, 4, 0, NULL) == ZK_OK && memcmp(pt, z.alpha1, 64) == 0);
        CHECK(ptau_file_point(&p, &pt, 5, 0, NULL) == ZK_OK && memcmp(pt, z.beta1, 64) == 0);
        CHECK(ptau_file_point(&p, &pt, 6, 0, NULL) == ZK_OK && memcmp(pt, z.beta2, 128) == 0);
        CHECK(ptau_file_point(&p, &pt, 2, 0, NULL) == ZK_OK && memcmp(pt, z.delta1, 64) == 0);
        /* H: the odd points of the Lagrange block of size 2 * domainSize (FORMATS.md). */
        uint32_t log2n = 0;
        while ((1u << log2n) < 2 * z.domain_size)
            log2n++;
        uint32_t bad = 0;
        for (uint32_t i = 0; i < z.domain_size; i++)
            if (ptau_file_lagrange_point(&p, &pt, 12, log2n, 2 * (uint64_t)i + 1, NULL) ||
                memcmp(pt, z.h + 64 * (size_t)i, 64) != 0)
                bad++;
        CHECK_EQ_INT(bad, 0);
    } else {
        CHECK(0);
    }
    zkey_file_clear(&z);
    free(zd);
    free(pd);
    CASE_END();
}

/* ---- JSON ---- */

static bool bytes_eq_file(const zk_buf *b, const char *text, size_t len)
{
    return b->len == len && memcmp(b->data, text, len) == 0;
}

TEST(test_json_vectors)
{
    const char *proofs[3] = {"snarkjs/groth16/proof.json",
                             "snarkjs/derived/proof_bad_pi_a_y_negated.json",
                             "snarkjs/derived/proof_bad_pi_c_x_plus1.json"};
    groth16_json_proof good;
    for (size_t v = 0; v < 3; v++) {
        CASE_BEGIN("%s", proofs[v]);
        size_t len;
        char *t = load_text(proofs[v], &len);
        json_t *j = th_load_json(proofs[v]);
        groth16_json_proof p;
        zk_errbuf err = {{0}, 0};
        if (t && j) {
            CHECK_EQ_INT(groth16_json_proof_parse(&p, t, len, &err), ZK_OK);
            /* Each value equals the test-side decimal decode. */
            const json_t *pa = json_object_get(j, "pi_a"), *pb = json_object_get(j, "pi_b");
            for (size_t i = 0; i < 2; i++) {
                u256 a = u_be(p.a[i]), ja = u_dec(json_string_value(json_array_get(pa, i)));
                CHECK(u_eq(&a, &ja));
            }
            for (size_t i = 0; i < 4; i++) {
                u256 b = u_be(p.b[i]);
                u256 jb =
                    u_dec(json_string_value(json_array_get(json_array_get(pb, i / 2), i % 2)));
                CHECK(u_eq(&b, &jb));
            }
            if (v == 0) good = p;
            if (v == 1) {
                /* y negated: y + y' = q. */
                u256 y = u_be(p.a[1]), gy = u_be(good.a[1]), s = mod_add(&y, &gy, &Q),
                     z = u_small(0);
                CHECK(u_eq(&s, &z));
            }
            zk_buf b;
            buf_init(&b, 0);
            CHECK_EQ_INT(groth16_json_proof_write(&b, &p), ZK_OK);
            CHECK_MSG(bytes_eq_file(&b, t, len), "proof.json not reproduced byte for byte");
            buf_clear(&b);
        }
        json_decref(j);
        free(t);
        CASE_END();
    }

    const char *publics[2] = {"snarkjs/groth16/public.json",
                              "snarkjs/derived/public_bad_plus1.json"};
    u256 pub0[2];
    for (size_t v = 0; v < 2; v++) {
        CASE_BEGIN("%s", publics[v]);
        size_t len, n = 0;
        char *t = load_text(publics[v], &len);
        uint8_t *vals = NULL;
        if (t) {
            CHECK_EQ_INT(groth16_json_public_parse(&vals, &n, t, len, NULL), ZK_OK);
            CHECK_EQ_INT(n, 1);
            if (n == 1) pub0[v] = u_be(vals);
            zk_buf b;
            buf_init(&b, 0);
            CHECK_EQ_INT(groth16_json_public_write(&b, vals, n), ZK_OK);
            CHECK(bytes_eq_file(&b, t, len));
            buf_clear(&b);
        }
        free(vals);
        free(t);
        CASE_END();
    }
    u256 one = u_small(1), p1 = mod_add(&pub0[0], &one, &R);
    CHECK(u_eq(&p1, &pub0[1]));

    const char *vks[2] = {"snarkjs/derived/verification_key.json",
                          "snarkjs/derived/circuit_0000_verification_key.json"};
    for (size_t v = 0; v < 2; v++) {
        CASE_BEGIN("%s", vks[v]);
        size_t len;
        char *t = load_text(vks[v], &len);
        json_t *j = th_load_json(vks[v]);
        groth16_json_vk vk;
        zk_errbuf err = {{0}, 0};
        if (t && j) {
            CHECK_EQ_INT(groth16_json_vk_parse(&vk, t, len, &err), ZK_OK);
            CHECK_EQ_INT(vk.n_public, 1);
            const json_t *ab = json_object_get(j, "vk_alphabeta_12");
            for (size_t i = 0; i < 12; i++) {
                const char *s = json_string_value(
                    json_array_get(json_array_get(json_array_get(ab, i / 6), (i % 6) / 2), i % 2));
                u256 x = u_be(vk.alphabeta12[i]), jx = u_dec(s ? s : "");
                CHECK(u_eq(&x, &jx));
            }
            zk_buf b;
            buf_init(&b, 0);
            CHECK_EQ_INT(groth16_json_vk_write(&b, &vk), ZK_OK);
            CHECK_MSG(bytes_eq_file(&b, t, len), "verification_key.json not reproduced");
            buf_clear(&b);
            groth16_json_vk_clear(&vk);
        }
        json_decref(j);
        free(t);
        CASE_END();
    }
}

TEST(test_json_decimal)
{
    uint8_t out[32], back[32];
    char s[GROTH16_JSON_DEC_MAX];
    struct {
        const char *text;
        int rc;
    } cases[] = {
        {"0", ZK_OK},
        {"1", ZK_OK},
        {"21888242871839275222246405745257275088696311157297823662689037894645226208582", ZK_OK},
        {"21888242871839275222246405745257275088696311157297823662689037894645226208583",
         ZK_ERR_RANGE}, /* q */
        {"115792089237316195423570985008687907853269984665640564039457584007913129639936",
         ZK_ERR_RANGE}, /* 2^256 */
        {"1157920892373161954235709850086879078532699846656405640394575840079131296399360",
         ZK_ERR_RANGE}, /* 79 digits */
        {"", ZK_ERR_MALFORMED},
        {"01", ZK_ERR_NONCANONICAL},
        {"00", ZK_ERR_NONCANONICAL},
        {"-1", ZK_ERR_MALFORMED},
        {"+1", ZK_ERR_MALFORMED},
        {" 1", ZK_ERR_MALFORMED},
        {"1 ", ZK_ERR_MALFORMED},
        {"0x1", ZK_ERR_MALFORMED},
        {"1e3", ZK_ERR_MALFORMED},
        {"1.0", ZK_ERR_MALFORMED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        zk_errbuf err = {{0}, 0};
        int rc = groth16_json_dec_parse(out, cases[i].text, groth16_json_q_be, &err);
        CHECK_MSG(rc == cases[i].rc, "\"%s\": %d, want %d", cases[i].text, rc, cases[i].rc);
        if (rc) {
            CHECK(err.msg[0] != '\0');
        } else {
            groth16_json_dec_format(s, out);
            CHECK_MSG(strcmp(s, cases[i].text) == 0, "format gave %s", s);
        }
    }
    /* r - 1 parses against r, r does not; random values round-trip. */
    CHECK_EQ_INT(
        groth16_json_dec_parse(
            out, "21888242871839275222246405745257275088548364400416034343698204186575808495616",
            groth16_json_r_be, NULL),
        ZK_OK);
    CHECK_EQ_INT(
        groth16_json_dec_parse(
            out, "21888242871839275222246405745257275088548364400416034343698204186575808495617",
            groth16_json_r_be, NULL),
        ZK_ERR_RANGE);
    for (int i = 0; i < 1000; i++) {
        th_rand_bytes(out, 32);
        out[0] &= 0x2f; /* below q */
        groth16_json_dec_format(s, out);
        CHECK_EQ_INT(groth16_json_dec_parse(back, s, groth16_json_q_be, NULL), ZK_OK);
        CHECK_MEM(back, out, 32);
        u256 a = u_be(out), b = u_dec(s);
        CHECK(u_eq(&a, &b));
    }
}

/* Applies mut to a copy of the proof JSON, prints it and parses the text. */
static int proof_mutated(json_t *orig, void (*mut)(json_t *), zk_errbuf *err)
{
    json_t *m = json_deep_copy(orig);
    mut(m);
    char *s = json_dumps(m, JSON_INDENT(1));
    groth16_json_proof p;
    int rc = s ? groth16_json_proof_parse(&p, s, strlen(s), err) : ZK_ERR_NOMEM;
    free(s);
    json_decref(m);
    return rc;
}

static void m_lead0(json_t *m)
{
    json_array_set_new(json_object_get(m, "pi_a"), 0, json_string("01"));
}
static void m_empty(json_t *m)
{
    json_array_set_new(json_object_get(m, "pi_a"), 1, json_string(""));
}
static void m_neg(json_t *m)
{
    json_array_set_new(json_object_get(m, "pi_c"), 0, json_string("-5"));
}
static void m_plus(json_t *m)
{
    json_array_set_new(json_object_get(m, "pi_c"), 1, json_string("+5"));
}
static void m_hex(json_t *m)
{
    json_array_set_new(json_object_get(m, "pi_c"), 1, json_string("0x5"));
}
static void m_num(json_t *m)
{
    json_array_set_new(json_object_get(m, "pi_a"), 0, json_integer(5));
}
static void m_q(json_t *m)
{
    json_array_set_new(
        json_object_get(m, "pi_a"), 0,
        json_string(
            "21888242871839275222246405745257275088696311157297823662689037894645226208583"));
}
static void m_z2(json_t *m)
{
    json_array_set_new(json_object_get(m, "pi_a"), 2, json_string("2"));
}
static void m_z0(json_t *m)
{
    json_array_set_new(json_object_get(m, "pi_c"), 2, json_string("0"));
}
static void m_bz(json_t *m)
{
    json_t *z = json_array_get(json_object_get(m, "pi_b"), 2);
    json_array_set_new(z, 1, json_string("1"));
}
static void m_bshort(json_t *m)
{
    json_array_remove(json_array_get(json_object_get(m, "pi_b"), 0), 1);
}
static void m_ashort(json_t *m)
{
    json_array_remove(json_object_get(m, "pi_a"), 2);
}
static void m_nopic(json_t *m)
{
    json_object_del(m, "pi_c");
}
static void m_proto(json_t *m)
{
    json_object_set_new(m, "protocol", json_string("plonk"));
}
static void m_noproto(json_t *m)
{
    json_object_del(m, "protocol");
}
static void m_curve(json_t *m)
{
    json_object_set_new(m, "curve", json_string("bls12381"));
}
static void m_zero(json_t *m)
{
    json_array_set_new(json_object_get(m, "pi_a"), 0, json_string("0"));
    json_array_set_new(json_object_get(m, "pi_a"), 1, json_string("0"));
}
static void m_inf(json_t *m)
{
    json_t *a = json_object_get(m, "pi_a");
    json_array_set_new(a, 0, json_string("0"));
    json_array_set_new(a, 1, json_string("1"));
    json_array_set_new(a, 2, json_string("0"));
}
static void m_nocurve(json_t *m)
{
    json_object_del(m, "curve");
}
static void m_extra(json_t *m)
{
    json_object_set_new(m, "extra", json_true());
}

TEST(test_json_negative)
{
    size_t len;
    char *t = load_text("snarkjs/groth16/proof.json", &len);
    json_t *orig = th_load_json("snarkjs/groth16/proof.json");
    struct {
        const char *name;
        void (*mut)(json_t *);
        int rc;
    } cases[] = {
        {"leading zero", m_lead0, ZK_ERR_NONCANONICAL},
        {"empty string", m_empty, ZK_ERR_MALFORMED},
        {"minus sign", m_neg, ZK_ERR_MALFORMED},
        {"plus sign", m_plus, ZK_ERR_MALFORMED},
        {"hex", m_hex, ZK_ERR_MALFORMED},
        {"number not string", m_num, ZK_ERR_MALFORMED},
        {"coordinate = q", m_q, ZK_ERR_RANGE},
        {"G1 z = 2", m_z2, ZK_ERR_MALFORMED},
        {"G1 z = 0 not infinity", m_z0, ZK_ERR_MALFORMED},
        {"G2 z = [1, 1]", m_bz, ZK_ERR_MALFORMED},
        {"G2 x one element", m_bshort, ZK_ERR_MALFORMED},
        {"G1 two elements", m_ashort, ZK_ERR_MALFORMED},
        {"pi_c missing", m_nopic, ZK_ERR_MALFORMED},
        {"protocol plonk", m_proto, ZK_ERR_MALFORMED},
        {"protocol missing", m_noproto, ZK_ERR_MALFORMED},
        {"curve bls", m_curve, ZK_ERR_MALFORMED},
        {"affine (0,0)", m_zero, ZK_ERR_MALFORMED},
        {"infinity pi_a", m_inf, ZK_OK},
        {"curve absent", m_nocurve, ZK_OK},
        {"extra key", m_extra, ZK_OK},
    };
    for (size_t i = 0; orig && i < sizeof(cases) / sizeof(cases[0]); i++) {
        CASE_BEGIN("proof.json %s", cases[i].name);
        zk_errbuf err = {{0}, 0};
        int rc = proof_mutated(orig, cases[i].mut, &err);
        CHECK_MSG(rc == cases[i].rc, "%s: rc %d (%s), want %d", cases[i].name, rc, err.msg,
                  cases[i].rc);
        if (rc) CHECK(err.msg[0] != '\0');
        CASE_END();
    }
    /* Infinity round-trips in snarkjs's form. */
    groth16_json_proof p;
    if (t && groth16_json_proof_parse(&p, t, len, NULL) == ZK_OK) {
        memset(p.a, 0, sizeof(p.a));
        memset(p.b, 0, sizeof(p.b));
        zk_buf b;
        buf_init(&b, 0);
        groth16_json_proof p2;
        CHECK_EQ_INT(groth16_json_proof_write(&b, &p), ZK_OK);
        CHECK_EQ_INT(buf_append_byte(&b, 0), ZK_OK);
        CHECK(strstr((char *)b.data, "\"pi_a\": [\n  \"0\",\n  \"1\",\n  \"0\"\n ]") != NULL);
        CHECK_EQ_INT(groth16_json_proof_parse(&p2, (char *)b.data, b.len - 1, NULL), ZK_OK);
        CHECK_MEM(&p2, &p, sizeof(p));
        buf_clear(&b);
    }
    /* Raw text cases. */
    const char *raw[] = {
        "", "{", "[]", "{\"pi_a\": 1, \"pi_a\": 2}", "null", "{} x",
    };
    for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
        CASE_BEGIN("proof.json raw %zu", i);
        zk_errbuf err = {{0}, 0};
        CHECK_EQ_INT(groth16_json_proof_parse(&p, raw[i], strlen(raw[i]), &err), ZK_ERR_MALFORMED);
        CHECK(err.msg[0] != '\0');
        CASE_END();
    }
    /* Duplicate key inside the real proof. */
    if (t) {
        CASE_BEGIN("proof.json duplicate protocol");
        char *dup = malloc(len + 32);
        if (dup) {
            memcpy(dup, t, len - 1); /* drop the closing brace */
            size_t n = len - 1;
            const char *tail = ",\"protocol\":\"groth16\"}";
            memcpy(dup + n, tail, strlen(tail));
            n += strlen(tail);
            CHECK_EQ_INT(groth16_json_proof_parse(&p, dup, n, NULL), ZK_ERR_MALFORMED);
            free(dup);
        }
        CASE_END();
    }

    /* public.json */
    const char *pubs[][2] = {
        {"[\"1\", \"01\"]", "leading zero"},
        {"[\"21888242871839275222246405745257275088548364400416034343698204186575808495617\"]",
         "= r"},
        {"[1]", "number"},
        {"{\"a\": \"1\"}", "object"},
        {"[\"\"]", "empty"},
        {"[\"1\",]", "syntax"},
    };
    for (size_t i = 0; i < sizeof(pubs) / sizeof(pubs[0]); i++) {
        CASE_BEGIN("public.json %s", pubs[i][1]);
        uint8_t *vals = NULL;
        size_t n = 0;
        zk_errbuf err = {{0}, 0};
        CHECK(groth16_json_public_parse(&vals, &n, pubs[i][0], strlen(pubs[i][0]), &err) != ZK_OK);
        CHECK(vals == NULL && err.msg[0] != '\0');
        CASE_END();
    }
    {
        CASE_BEGIN("public.json empty array");
        uint8_t *vals = NULL;
        size_t n = 9;
        CHECK_EQ_INT(groth16_json_public_parse(&vals, &n, "[]", 2, NULL), ZK_OK);
        CHECK_EQ_INT(n, 0);
        zk_buf b;
        buf_init(&b, 0);
        CHECK_EQ_INT(groth16_json_public_write(&b, vals, 0), ZK_OK);
        CHECK(b.len == 2 && memcmp(b.data, "[]", 2) == 0);
        buf_clear(&b);
        free(vals);
        CASE_END();
    }

    /* verification_key.json */
    json_t *vk = th_load_json("snarkjs/derived/verification_key.json");
    for (int k = 0; vk && k < 6; k++) {
        CASE_BEGIN("verification_key.json mutation %d", k);
        json_t *m = json_deep_copy(vk);
        int want = ZK_ERR_MALFORMED;
        if (k == 0) {
            json_object_set_new(m, "nPublic", json_integer(2));
            want = ZK_ERR_MISMATCH;
        } else if (k == 1) {
            json_object_set_new(m, "nPublic", json_integer(-1));
        } else if (k == 2) {
            json_object_set_new(m, "nPublic", json_string("1"));
        } else if (k == 3) {
            json_object_del(m, "vk_alphabeta_12");
        } else if (k == 4) {
            json_array_remove(json_array_get(json_object_get(m, "vk_alphabeta_12"), 1), 2);
        } else {
            json_array_set_new(json_array_get(json_object_get(m, "IC"), 1), 2, json_string("3"));
        }
        char *s = json_dumps(m, 0);
        groth16_json_vk v;
        zk_errbuf err = {{0}, 0};
        int rc = s ? groth16_json_vk_parse(&v, s, strlen(s), &err) : ZK_ERR_NOMEM;
        CHECK_MSG(rc == want, "vk mutation %d: %d (%s)", k, rc, err.msg);
        groth16_json_vk_clear(&v);
        free(s);
        json_decref(m);
        CASE_END();
    }
    json_decref(vk);
    json_decref(orig);
    free(t);
}

/* ---- binary negative tests ---- */

typedef struct bin_vec {
    const char *path;
    fmt f;
} bin_vec;

static const bin_vec bin_vecs[] = {
    {"snarkjs/groth16/circuit.r1cs", F_R1CS},      {"snarkjs/tip_groth16/circuit.r1cs", F_R1CS},
    {"snarkjs/groth16/witness.wtns", F_WTNS},      {"snarkjs/tip_groth16/witness.wtns", F_WTNS},
    {"snarkjs/groth16/circuit.zkey", F_ZKEY},      {"snarkjs/derived/circuit_0000.zkey", F_ZKEY},
    {"snarkjs/derived/pot10_beacon.ptau", F_PTAU}, {"snarkjs/derived/pot10_final.ptau", F_PTAU},
};

/* Parses a modified copy and checks the status (want < 0: any failure). */
static void expect(fmt f, const uint8_t *d, size_t len, int want, const char *what)
{
    zk_errbuf err = {{0}, 0};
    bool rt;
    int rc = parse_any(f, d, len, &err, &rt);
    if (want < 0)
        CHECK_MSG(rc != ZK_OK, "%s: accepted", what);
    else
        CHECK_MSG(rc == want, "%s: rc %d (%s), want %d", what, rc, err.msg, want);
    if (rc) CHECK_MSG(err.msg[0] != '\0', "%s: no message", what);
    CHECK_MSG(rt, "%s: accepted but not reproduced", what);
}

TEST(test_binary_structure_negative)
{
    for (size_t v = 0; v < sizeof(bin_vecs) / sizeof(bin_vecs[0]); v++) {
        CASE_BEGIN("%s structure", bin_vecs[v].path);
        size_t len;
        uint8_t *d = load(bin_vecs[v].path, &len);
        uint8_t *m = d ? malloc(len + 4096) : NULL;
        tsec s[32];
        size_t ns = d ? walk(d, len, s, 32) : 0;
        fmt f = bin_vecs[v].f;
        if (m) {
            expect(f, d, len, ZK_OK, "original");
            memcpy(m, d, len);
            m[0] ^= 0x20;
            expect(f, m, len, ZK_ERR_MALFORMED, "wrong magic");
            memcpy(m, d, len);
            m[4]++;
            expect(f, m, len, ZK_ERR_MALFORMED, "wrong version");
            memcpy(m, d, len);
            put_le32(m + 8, 0xffffffffu);
            expect(f, m, len, ZK_ERR_RANGE, "nSections 2^32-1");
            put_le32(m + 8, (uint32_t)ns + 1);
            expect(f, m, len, ZK_ERR_TRUNCATED, "nSections + 1");
            put_le32(m + 8, (uint32_t)ns - 1);
            expect(f, m, len, ZK_ERR_TRAILING, "nSections - 1");
            memcpy(m, d, len);
            m[len] = 0;
            expect(f, m, len + 1, ZK_ERR_TRAILING, "one byte appended");
            /* Truncation at every section boundary (and around it) and at random places. */
            for (size_t i = 0; i < ns; i++) {
                size_t cuts[5] = {s[i].hdr, s[i].hdr + 4, s[i].off, s[i].off + s[i].size / 2,
                                  s[i].off + s[i].size - 1};
                for (size_t k = 0; k < 5; k++)
                    expect(f, d, cuts[k], -1, "truncated at boundary");
            }
            for (int k = 0; k < 12; k++)
                expect(f, d, (size_t)k, -1, "truncated header");
            for (int k = 0; k < 100; k++)
                expect(f, d, th_rand64() % len, -1, "truncated");
            /* A section size larger than the file, and 2^64 - 1. */
            for (size_t i = 0; i < ns; i++) {
                memcpy(m, d, len);
                le64_store(m + s[i].hdr + 4, (uint64_t)len);
                expect(f, m, len, ZK_ERR_TRUNCATED, "section size > file");
                le64_store(m + s[i].hdr + 4, UINT64_MAX);
                expect(f, m, len, ZK_ERR_TRUNCATED, "section size 2^64-1");
            }
            /* Each section duplicated (appended again), and each removed. */
            for (size_t i = 0; i < ns; i++) {
                size_t sl = 12 + s[i].size;
                uint8_t *dup = malloc(len + sl);
                if (!dup) continue;
                memcpy(dup, d, len);
                memcpy(dup + len, d + s[i].hdr, sl);
                put_le32(dup + 8, (uint32_t)ns + 1);
                char what[64];
                snprintf(what, sizeof(what), "section %u duplicated", s[i].id);
                expect(f, dup, len + sl, ZK_ERR_MALFORMED, what);
                /* Removed: everything before, everything after. */
                memcpy(dup, d, s[i].hdr);
                memcpy(dup + s[i].hdr, d + s[i].hdr + sl, len - s[i].hdr - sl);
                put_le32(dup + 8, (uint32_t)ns - 1);
                snprintf(what, sizeof(what), "section %u removed", s[i].id);
                int want = ZK_ERR_NOTFOUND;
                if (f == F_ZKEY && s[i].id == 10) want = ZK_OK; /* optional, see zkey_file.h */
                if (f == F_PTAU && s[i].id >= 12) want = ZK_ERR_MALFORMED; /* partial */
                expect(f, dup, len - sl, want, what);
                free(dup);
            }
        }
        free(m);
        free(d);
        CASE_END();
    }
}

/* Overwrites 4 bytes at the start of section id + off and expects want. */
static void field_case(fmt f, const uint8_t *d, size_t len, uint32_t id, size_t off,
                       const uint8_t *val, size_t vlen, int want, const char *what)
{
    tsec s[32];
    size_t ns = walk(d, len, s, 32);
    const tsec *t = sec_find(s, ns, id);
    CHECK_MSG(t != NULL, "%s: no section %u", what, id);
    if (!t || off + vlen > t->size) return;
    uint8_t *m = malloc(len);
    if (!m) return;
    memcpy(m, d, len);
    memcpy(m + t->off + off, val, vlen);
    expect(f, m, len, want, what);
    free(m);
}

static void u32_case(fmt f, const uint8_t *d, size_t len, uint32_t id, size_t off, uint32_t v,
                     int want, const char *what)
{
    uint8_t b[4];
    put_le32(b, v);
    field_case(f, d, len, id, off, b, 4, want, what);
}

TEST(test_binary_field_negative)
{
    const uint8_t *q = binfile_bn254_q_le, *r = binfile_bn254_r_le;
    size_t len;
    uint8_t *d;

    CASE_BEGIN("r1cs fields");
    d = load("snarkjs/groth16/circuit.r1cs", &len);
    if (d) {
        /* Header: n8 @0, prime @4, nWires @36, nPubOut @40, nPubIn @44, nPrvIn @48,
         * nLabels @52, nConstraints @60. */
        u32_case(F_R1CS, d, len, 1, 0, 64, ZK_ERR_MALFORMED, "r1cs n8 64");
        field_case(F_R1CS, d, len, 1, 4, q, 32, ZK_ERR_MALFORMED, "r1cs prime q");
        u32_case(F_R1CS, d, len, 1, 36, 0xffffffffu, ZK_ERR_MALFORMED, "r1cs nWires 2^32-1");
        u32_case(F_R1CS, d, len, 1, 36, 3, ZK_ERR_MALFORMED, "r1cs nWires < inputs");
        u32_case(F_R1CS, d, len, 1, 48, 0xfffffff0u, ZK_ERR_MALFORMED, "r1cs nPrvIn overflow");
        u32_case(F_R1CS, d, len, 1, 60, 0xffffffffu, ZK_ERR_TRUNCATED, "r1cs nConstraints 2^32-1");
        u32_case(F_R1CS, d, len, 1, 60, 99, ZK_ERR_TRAILING, "r1cs nConstraints - 1");
        /* Constraint 0's A: nTerms @0, first term wire @4, coef @8. */
        u32_case(F_R1CS, d, len, 2, 0, 0xffffffffu, ZK_ERR_TRUNCATED, "r1cs nTerms 2^32-1");
        u32_case(F_R1CS, d, len, 2, 4, 103, ZK_ERR_MALFORMED, "r1cs wire id = nWires");
        field_case(F_R1CS, d, len, 2, 8, r, 32, ZK_ERR_RANGE, "r1cs coefficient = r");
        uint8_t big[32];
        memset(big, 0xff, 32);
        field_case(F_R1CS, d, len, 2, 8, big, 32, ZK_ERR_RANGE, "r1cs coefficient 2^256-1");
    }
    free(d);
    CASE_END();

    CASE_BEGIN("wtns fields");
    d = load("snarkjs/groth16/witness.wtns", &len);
    if (d) {
        field_case(F_WTNS, d, len, 1, 4, q, 32, ZK_ERR_MALFORMED, "wtns prime q");
        u32_case(F_WTNS, d, len, 1, 36, 0xffffffffu, ZK_ERR_MALFORMED, "wtns n 2^32-1");
        u32_case(F_WTNS, d, len, 1, 36, 102, ZK_ERR_MALFORMED, "wtns n - 1");
        field_case(F_WTNS, d, len, 2, 32, r, 32, ZK_ERR_RANGE, "wtns value = r");
    }
    free(d);
    CASE_END();

    CASE_BEGIN("zkey fields");
    d = load("snarkjs/groth16/circuit.zkey", &len);
    if (d) {
        u32_case(F_ZKEY, d, len, 1, 0, 2, ZK_ERR_MALFORMED, "zkey protocol plonk");
        field_case(F_ZKEY, d, len, 2, 4, r, 32, ZK_ERR_MALFORMED, "zkey q := r");
        field_case(F_ZKEY, d, len, 2, 40, q, 32, ZK_ERR_MALFORMED, "zkey r := q");
        u32_case(F_ZKEY, d, len, 2, 72, 0xffffffffu, ZK_ERR_MALFORMED, "zkey nVars 2^32-1");
        u32_case(F_ZKEY, d, len, 2, 76, 0xffffffffu, ZK_ERR_MALFORMED, "zkey nPublic 2^32-1");
        u32_case(F_ZKEY, d, len, 2, 76, 2, ZK_ERR_MALFORMED, "zkey nPublic + 1");
        u32_case(F_ZKEY, d, len, 2, 80, 0x80000000u, ZK_ERR_MALFORMED, "zkey domain 2^31");
        u32_case(F_ZKEY, d, len, 2, 80, 96, ZK_ERR_MALFORMED, "zkey domain not 2^k");
        u32_case(F_ZKEY, d, len, 2, 80, 256, ZK_ERR_MALFORMED, "zkey domain 2x");
        field_case(F_ZKEY, d, len, 2, 84, q, 32, ZK_ERR_RANGE, "zkey alpha1.x = q");
        field_case(F_ZKEY, d, len, 2, 628, q, 32, ZK_ERR_RANGE, "zkey delta2 y.c1 = q");
        /* Coefficients: count @0, then matrix @4, constraint @8, signal @12, value @16. */
        u32_case(F_ZKEY, d, len, 4, 0, 0xffffffffu, ZK_ERR_MALFORMED, "zkey nCoefs 2^32-1");
        u32_case(F_ZKEY, d, len, 4, 4, 2, ZK_ERR_MALFORMED, "zkey coef matrix C");
        u32_case(F_ZKEY, d, len, 4, 8, 128, ZK_ERR_MALFORMED, "zkey coef constraint = domain");
        u32_case(F_ZKEY, d, len, 4, 12, 103, ZK_ERR_MALFORMED, "zkey coef signal = nVars");
        field_case(F_ZKEY, d, len, 4, 16, r, 32, ZK_ERR_RANGE, "zkey coef value = r");
        field_case(F_ZKEY, d, len, 3, 32, q, 32, ZK_ERR_RANGE, "zkey IC y = q");
        field_case(F_ZKEY, d, len, 9, 8192 - 32, q, 32, ZK_ERR_RANGE, "zkey last H y = q");
        field_case(F_ZKEY, d, len, 7, 96, q, 32, ZK_ERR_RANGE, "zkey B2 y.c1 = q");
        u32_case(F_ZKEY, d, len, 10, 64, 0xffffffffu, ZK_ERR_TRUNCATED, "zkey contributions");
        u32_case(F_ZKEY, d, len, 10, 64, 1, ZK_ERR_TRUNCATED, "zkey contributions 1");
    }
    free(d);
    CASE_END();

    CASE_BEGIN("ptau fields");
    d = load("snarkjs/derived/pot10_final.ptau", &len);
    if (d) {
        field_case(F_PTAU, d, len, 1, 4, r, 32, ZK_ERR_MALFORMED, "ptau prime r");
        u32_case(F_PTAU, d, len, 1, 36, 0xffffffffu, ZK_ERR_MALFORMED, "ptau power 2^32-1");
        u32_case(F_PTAU, d, len, 1, 36, 0, ZK_ERR_MALFORMED, "ptau power 0");
        u32_case(F_PTAU, d, len, 1, 36, 11, ZK_ERR_MALFORMED, "ptau power > ceremony");
        u32_case(F_PTAU, d, len, 1, 36, 9, ZK_ERR_MALFORMED, "ptau power 9: sizes");
        u32_case(F_PTAU, d, len, 1, 40, 29, ZK_ERR_MALFORMED, "ptau ceremonyPower 29");
        u32_case(F_PTAU, d, len, 7, 0, 0xffffffffu, ZK_ERR_TRUNCATED, "ptau contributions");
        u32_case(F_PTAU, d, len, 7, 0, 0, ZK_ERR_TRAILING, "ptau contributions 0");
        /* Contribution params at 4 + 1500: u32 length, then (1, 12, "Final Beacon"), ... */
        u32_case(F_PTAU, d, len, 7, 1504, 49, ZK_ERR_MALFORMED, "ptau params length - 1");
        uint8_t t = 9;
        field_case(F_PTAU, d, len, 7, 1508, &t, 1, ZK_ERR_MALFORMED, "ptau param type 9");
        t = 1;
        field_case(F_PTAU, d, len, 7, 1522, &t, 1, ZK_ERR_MALFORMED, "ptau params unsorted");
        /* A coordinate = q is found when that point is fetched, not at parse. */
        tsec s[32];
        size_t ns = walk(d, len, s, 32);
        const tsec *t2 = sec_find(s, ns, 2);
        uint8_t *m = malloc(len);
        if (t2 && m) {
            memcpy(m, d, len);
            memcpy(m + t2->off + 5 * 64, q, 32);
            ptau_file p;
            const uint8_t *pt;
            zk_errbuf err = {{0}, 0};
            CHECK_EQ_INT(ptau_file_parse(&p, m, len, NULL), ZK_OK);
            CHECK_EQ_INT(ptau_file_point(&p, &pt, 2, 5, &err), ZK_ERR_RANGE);
            CHECK(err.msg[0] != '\0');
            CHECK_EQ_INT(ptau_file_point(&p, &pt, 2, 4, NULL), ZK_OK);
        }
        free(m);
    }
    free(d);
    CASE_END();
}

/* Random single-byte mutations: each mutated file parses or fails cleanly, and one that
 * parses is written back byte for byte. Half the mutations hit the first 128 bytes or
 * the bytes around a section header, where the structure lives. */
TEST(test_binary_mutations)
{
    for (size_t v = 0; v < sizeof(bin_vecs) / sizeof(bin_vecs[0]); v++) {
        CASE_BEGIN("%s 10000 mutations", bin_vecs[v].path);
        size_t len;
        uint8_t *d = load(bin_vecs[v].path, &len);
        tsec s[32];
        size_t ns = d ? walk(d, len, s, 32) : 0;
        unsigned accepted = 0, rejected = 0, bad = 0;
        for (int i = 0; d && i < 10000; i++) {
            uint64_t x = th_rand64();
            size_t pos;
            if (i % 2 == 0) {
                pos = (size_t)(x % len);
            } else if (i % 4 == 1) {
                pos = (size_t)(x % 128);
            } else {
                const tsec *t = &s[(x >> 8) % ns];
                pos = t->hdr + (size_t)(x % 24);
                if (pos >= len) pos = len - 1;
            }
            uint8_t old = d[pos];
            d[pos] ^= (uint8_t)(1 + (x >> 32) % 255);
            zk_errbuf err = {{0}, 0};
            bool rt;
            int rc = parse_any(bin_vecs[v].f, d, len, &err, &rt);
            if (rc == ZK_OK) {
                accepted++;
                if (!rt) bad++;
            } else {
                rejected++;
                if (err.msg[0] == '\0' || rc < 0 || rc > ZK_ERR_INTERNAL || rc == ZK_ERR_INTERNAL) {
                    bad++;
                    if (bad < 4) printf("  pos %zu rc %d msg %s\n", pos, rc, err.msg);
                }
            }
            d[pos] = old;
        }
        CHECK_EQ_INT(bad, 0);
        CHECK(rejected > 0);
        printf("  %s: %u accepted, %u rejected\n", bin_vecs[v].path, accepted, rejected);
        free(d);
        CASE_END();
    }
}

/* File helpers: read with a cap, write, read back. */
TEST(test_file_io)
{
    uint8_t *d = NULL;
    size_t n = 0;
    zk_errbuf err = {{0}, 0};
    CHECK_EQ_INT(
        binfile_read_file(&d, &n, th_vector_path("snarkjs/groth16/circuit.zkey"), 1000, &err),
        ZK_ERR_RANGE);
    CHECK(d == NULL);
    CHECK_EQ_INT(
        binfile_read_file(&d, &n, th_vector_path("snarkjs/groth16/circuit.zkey"), 1 << 20, &err),
        ZK_OK);
    CHECK_EQ_INT(n, 50908);
    const char *path = th_tmp_path("copy.zkey");
    CHECK_EQ_INT(binfile_write_file(path, d, n, &err), ZK_OK);
    uint8_t *d2 = NULL;
    size_t n2 = 0;
    CHECK_EQ_INT(binfile_read_file(&d2, &n2, path, 1 << 20, &err), ZK_OK);
    CHECK(n2 == n && d2 && memcmp(d, d2, n) == 0);
    free(d2);
    d2 = NULL;
    CHECK_EQ_INT(binfile_read_file(&d2, &n2, "/nonexistent/x.zkey", 1 << 20, &err), ZK_ERR_IO);
    CHECK(d2 == NULL);
    free(d);
    free(d2);
}

TEST_MAIN(RUN(test_r1cs_wtns_vectors); RUN(test_wtns_inputs); RUN(test_zkey_vectors);
          RUN(test_ptau_vectors); RUN(test_zkey_from_ptau); RUN(test_json_vectors);
          RUN(test_json_decimal); RUN(test_json_negative); RUN(test_binary_structure_negative);
          RUN(test_binary_field_negative); RUN(test_binary_mutations); RUN(test_file_io))
