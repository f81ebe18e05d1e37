/* The trustless Groth16 setup: a circuit's key from a prepared phase-1 .ptau, following
 * snarkjs 0.7.6 src/zkey_new.js step for step so the .zkey (csHash included) comes out
 * byte-identical (see groth16_setup_from_ptau in groth16.h).
 *
 * Where snarkjs does arithmetic it is exact group arithmetic (multiexps, subtractions),
 * so any correct implementation gives the same affine points; the bytes then depend only
 * on the encodings, which are the .zkey's Montgomery LE for the file and, for the hash,
 * ffjavascript's "uncompressed" form (wasmcurves build_curve_jacobian_a0.js LEMtoU:
 * big-endian x then y, a G2 coordinate c1 then c0, the point at infinity as all zero
 * bytes without any flag), which is exactly g1_affine_to_bytes / g2_affine_to_bytes. */
#include "prover/groth16.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "prover/msm.h"
#include "prover/threads.h"

/* snarkjs hashHPoints hashes in chunks of this many points. */
#define HASH_H_CHUNK 16384u
/* A wire with more terms than this is summed with one MSM instead of term by term. */
#define WIRE_MSM_MIN 64u

/* ---- decoding ptau points ---------------------------------------------------- */

/* Which points a decode job reads: block 2^log_n of a Lagrange section (lagrange) or
 * the plain section, indices first + k * step for k < count. */
typedef struct point_src {
    uint32_t section;
    bool lagrange;
    uint32_t log_n;
    uint64_t first, step;
} point_src;

static const char *section_name(uint32_t id)
{
    switch (id) {
    case PTAU_SECTION_TAU_G1:
        return "tauG1";
    case PTAU_SECTION_ALPHA_TAU_G1:
        return "alphaTauG1";
    case PTAU_SECTION_BETA_TAU_G1:
        return "betaTauG1";
    case PTAU_SECTION_BETA_G2:
        return "betaG2";
    case PTAU_SECTION_LAGRANGE_TAU_G1:
        return "Lagrange tauG1";
    case PTAU_SECTION_LAGRANGE_TAU_G2:
        return "Lagrange tauG2";
    case PTAU_SECTION_LAGRANGE_ALPHA_TAU_G1:
        return "Lagrange alphaTauG1";
    case PTAU_SECTION_LAGRANGE_BETA_TAU_G1:
        return "Lagrange betaTauG1";
    default:
        return "?";
    }
}

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* Decodes point k of src into out (a g1_affine or g2_affine, by the section's point
 * size), checking coordinates < q (ptau_file_point) and the curve equation. */
static int point_decode(void *out, const ptau_file *ptau, const point_src *src, uint64_t k,
                        zk_errbuf *err)
{
    const uint8_t *b;
    uint64_t idx = src->first + k * src->step;
    int rc = src->lagrange ? ptau_file_lagrange_point(ptau, &b, src->section, src->log_n, idx, err)
                           : ptau_file_point(ptau, &b, src->section, idx, err);
    if (rc) return rc;
    if (ptau_file_point_size(src->section) == BINFILE_G1_SIZE) {
        g1_affine *r = out;
        if (all_zero(b, BINFILE_G1_SIZE)) {
            g1_affine_set_infinity(r);
            return ZK_OK;
        }
        if (fp_from_mont_le(&r->x, b, NULL) || fp_from_mont_le(&r->y, b + 32, NULL))
            return ZK_ERR_RANGE; /* ptau_file_point checked < q */
        return g1_affine_is_on_curve(r) ? ZK_OK : ZK_ERR_NOT_ON_CURVE;
    }
    g2_affine *r = out;
    if (all_zero(b, BINFILE_G2_SIZE)) {
        g2_affine_set_infinity(r);
        return ZK_OK;
    }
    if (fp_from_mont_le(&r->x.c0, b, NULL) || fp_from_mont_le(&r->x.c1, b + 32, NULL) ||
        fp_from_mont_le(&r->y.c0, b + 64, NULL) || fp_from_mont_le(&r->y.c1, b + 96, NULL))
        return ZK_ERR_RANGE;
    return g2_affine_is_on_curve(r) ? ZK_OK : ZK_ERR_NOT_ON_CURVE;
}

/* Names the failing point in err, keeping ptau_file's message for a range failure. */
static int point_fail(zk_errbuf *err, int rc, const point_src *src, uint64_t k)
{
    uint64_t idx = src->first + k * src->step;
    char where[96];
    if (src->lagrange)
        snprintf(where, sizeof(where), "ptau section %u (%s), block 2^%u, point %llu", src->section,
                 section_name(src->section), src->log_n, (unsigned long long)idx);
    else
        snprintf(where, sizeof(where), "ptau section %u (%s), point %llu", src->section,
                 section_name(src->section), (unsigned long long)idx);
    const char *curve = ptau_file_point_size(src->section) == BINFILE_G1_SIZE ? "G1" : "the twist";
    if (rc == ZK_ERR_NOT_ON_CURVE)
        return ZK_FAIL(err, rc, "%s is not on %s: the file is corrupt", where, curve);
    return zk_fail_wrap(err, rc, "%s", where);
}

typedef struct decode_job {
    const ptau_file *ptau;
    const point_src *src;
    uint8_t *out; /* count points of elem bytes */
    size_t elem;
    uint64_t fail[THREADS_MAX]; /* per piece: first failing k, UINT64_MAX for none */
} decode_job;

static void decode_piece(void *ctx, unsigned tid, size_t begin, size_t end)
{
    decode_job *j = ctx;
    for (size_t k = begin; k < end; k++)
        if (point_decode(j->out + k * j->elem, j->ptau, j->src, k, NULL)) {
            j->fail[tid] = k;
            return;
        }
}

/* Decodes count points of src into out on threads; on failure decodes the first failing
 * point again to name it in err. */
static int points_decode(void *out, size_t count, const ptau_file *ptau, const point_src *src,
                         unsigned threads, zk_errbuf *err)
{
    decode_job *j = malloc(sizeof(*j));
    if (!j) return ZK_FAIL(err, ZK_ERR_NOMEM, "setup: out of memory decoding the ptau");
    j->ptau = ptau;
    j->src = src;
    j->out = out;
    j->elem = ptau_file_point_size(src->section) == BINFILE_G1_SIZE ? sizeof(g1_affine)
                                                                    : sizeof(g2_affine);
    for (size_t t = 0; t < THREADS_MAX; t++)
        j->fail[t] = UINT64_MAX;
    threads_run(threads, count, decode_piece, j);
    uint64_t first = UINT64_MAX;
    for (size_t t = 0; t < THREADS_MAX; t++)
        if (j->fail[t] < first) first = j->fail[t];
    int rc = ZK_OK;
    if (first != UINT64_MAX) {
        rc = point_decode(j->out + first * j->elem, ptau, src, first, err);
        rc = point_fail(err, rc ? rc : ZK_ERR_INTERNAL, src, first);
    }
    free(j);
    return rc;
}

/* ---- per-wire sums ------------------------------------------------------------ */

/* One term of a wire's sum: coef * bases[base][idx]. */
typedef struct wire_term {
    uint32_t base, idx;
    fr coef;
} wire_term;

/* Every wire's terms, grouped by wire: wire s owns terms[first[s] .. first[s + 1]). */
typedef struct wire_terms {
    size_t *first; /* n_wires + 1 */
    wire_term *terms;
    size_t n_wires;
} wire_terms;

static void wire_terms_free(wire_terms *w)
{
    free(w->first);
    free(w->terms);
    memset(w, 0, sizeof(*w));
}

/* (r - 1) / 2: a scalar above it is summed as the negation of r - k, so the ±small
 * coefficients circuits use cost a short multiplication. */
static const uint64_t FR_HALF[4] = {0xa1f0fac9f8000000ULL, 0x9419f4243cdcb848ULL,
                                    0xdc2822db40c0ac2eULL, 0x183227397098d014ULL};

/* The sums out[s] = sum_t coef_t * bases[base_t][idx_t] over one group (G1 or G2),
 * pieces of wires on threads, each piece converted to affine with one inversion. A wire
 * with many terms (the constant wire often has one per constraint) goes through the
 * group's MSM on its piece's thread. */
#define WIRE_SUMS_IMPL(G, F)                                                                       \
    typedef struct G##_sums_job {                                                                  \
        const wire_terms *w;                                                                       \
        const G##_affine *const *bases;                                                            \
        G##_affine *out;                                                                           \
        int rc[THREADS_MAX];                                                                       \
    } G##_sums_job;                                                                                \
                                                                                                   \
    static int G##_wire_sum(G##_jacobian *acc, const wire_term *t, size_t n,                       \
                            const G##_affine *const *bases)                                        \
    {                                                                                              \
        G##_jacobian_set_infinity(acc);                                                            \
        if (n > WIRE_MSM_MIN) {                                                                    \
            G##_affine *pts = malloc(n * sizeof(*pts));                                            \
            fr *sc = malloc(n * sizeof(*sc));                                                      \
            int rc = pts && sc ? ZK_OK : ZK_ERR_NOMEM;                                             \
            for (size_t i = 0; !rc && i < n; i++) {                                                \
                pts[i] = bases[t[i].base][t[i].idx];                                               \
                sc[i] = t[i].coef;                                                                 \
            }                                                                                      \
            if (!rc) rc = G##_msm(acc, pts, sc, n, 1, NULL, NULL);                                 \
            free(pts);                                                                             \
            free(sc);                                                                              \
            return rc;                                                                             \
        }                                                                                          \
        for (size_t i = 0; i < n; i++) {                                                           \
            G##_affine p = bases[t[i].base][t[i].idx];                                             \
            uint64_t k[4];                                                                         \
            fr_to_limbs(k, &t[i].coef);                                                            \
            if (zkf_limbs_geq(k, FR_HALF)) {                                                       \
                zkf_limbs_sub(k, FR_FIELD.p, k);                                                   \
                G##_affine_neg(&p, &p);                                                            \
            }                                                                                      \
            if (zkf_limbs_is_zero(k)) continue;                                                    \
            if (k[0] == 1 && (k[1] | k[2] | k[3]) == 0) {                                          \
                G##_jacobian_add_affine(acc, acc, &p);                                             \
            } else {                                                                               \
                G##_jacobian pj;                                                                   \
                G##_jacobian_from_affine(&pj, &p);                                                 \
                G##_jacobian_mul(&pj, &pj, k);                                                     \
                G##_jacobian_add(acc, acc, &pj);                                                   \
            }                                                                                      \
        }                                                                                          \
        return ZK_OK;                                                                              \
    }                                                                                              \
                                                                                                   \
    static void G##_sums_piece(void *ctx, unsigned tid, size_t begin, size_t end)                  \
    {                                                                                              \
        G##_sums_job *j = ctx;                                                                     \
        size_t n = end - begin;                                                                    \
        G##_jacobian *acc = malloc(n * sizeof(*acc));                                              \
        F *scratch = malloc(n * sizeof(*scratch));                                                 \
        int rc = acc && scratch ? ZK_OK : ZK_ERR_NOMEM;                                            \
        for (size_t s = begin; !rc && s < end; s++)                                                \
            rc = G##_wire_sum(&acc[s - begin], j->w->terms + j->w->first[s],                       \
                              j->w->first[s + 1] - j->w->first[s], j->bases);                      \
        if (!rc) G##_jacobian_batch_to_affine(j->out + begin, acc, n, scratch);                    \
        j->rc[tid] = rc;                                                                           \
        free(acc);                                                                                 \
        free(scratch);                                                                             \
    }                                                                                              \
                                                                                                   \
    static int G##_wire_sums(G##_affine *out, const wire_terms *w, const G##_affine *const *bases, \
                             unsigned threads)                                                     \
    {                                                                                              \
        G##_sums_job *j = calloc(1, sizeof(*j));                                                   \
        if (!j) return ZK_ERR_NOMEM;                                                               \
        j->w = w;                                                                                  \
        j->bases = bases;                                                                          \
        j->out = out;                                                                              \
        threads_run(threads, w->n_wires, G##_sums_piece, j);                                       \
        int rc = ZK_OK;                                                                            \
        for (size_t t = 0; t < THREADS_MAX && !rc; t++)                                            \
            rc = j->rc[t];                                                                         \
        free(j);                                                                                   \
        return rc;                                                                                 \
    }

WIRE_SUMS_IMPL(g1, fp)
WIRE_SUMS_IMPL(g2, fp2)

/* The bases of the G1 sums (the G2 sums use only the tau G2 points, base 0). */
enum { BASE_TAU = 0, BASE_ALPHA_TAU = 1, BASE_BETA_TAU = 2 };
/* The four sums zkey_new.js processConstraints builds. K_s is IC_s for s <= nPublic and
 * C_{s - nPublic - 1} after: beta A_s + alpha B_s + C_s (gamma = delta = 1 before any
 * contribution). */
enum { SUM_A = 0, SUM_B1 = 1, SUM_B2 = 2, SUM_K = 3, N_SUMS = 4 };

/* Calls add(ctx, sum, wire, base, idx, coef) for every term of every sum, in
 * processConstraints's order; the extra row per public wire s (A[nc + s][s] = 1) last. */
typedef void (*term_fn)(void *ctx, int sum, uint32_t wire, uint32_t base, uint32_t idx,
                        const fr *coef);

static void terms_walk(const r1cs *cs, uint32_t npub, term_fn add, void *ctx)
{
    for (size_t k = 0; k < cs->n_cons; k++) {
        const r1cs_constraint *c = &cs->cons[k];
        for (size_t i = 0; i < c->na; i++) {
            const r1cs_term *t = &cs->terms[c->a + i];
            add(ctx, SUM_A, t->var, BASE_TAU, (uint32_t)k, &t->coef);
            add(ctx, SUM_K, t->var, BASE_BETA_TAU, (uint32_t)k, &t->coef);
        }
        for (size_t i = 0; i < c->nb; i++) {
            const r1cs_term *t = &cs->terms[c->b + i];
            add(ctx, SUM_B1, t->var, BASE_TAU, (uint32_t)k, &t->coef);
            add(ctx, SUM_B2, t->var, BASE_TAU, (uint32_t)k, &t->coef);
            add(ctx, SUM_K, t->var, BASE_ALPHA_TAU, (uint32_t)k, &t->coef);
        }
        for (size_t i = 0; i < c->nc; i++) {
            const r1cs_term *t = &cs->terms[c->c + i];
            add(ctx, SUM_K, t->var, BASE_TAU, (uint32_t)k, &t->coef);
        }
    }
    fr one;
    fr_set_one(&one);
    for (uint32_t s = 0; s < npub; s++) {
        add(ctx, SUM_A, s, BASE_TAU, (uint32_t)(cs->n_cons + s), &one);
        add(ctx, SUM_K, s, BASE_BETA_TAU, (uint32_t)(cs->n_cons + s), &one);
    }
}

static void term_count(void *ctx, int sum, uint32_t wire, uint32_t base, uint32_t idx,
                       const fr *coef)
{
    (void)base;
    (void)idx;
    (void)coef;
    wire_terms *w = ctx;
    w[sum].first[wire + 1]++;
}

static void term_fill(void *ctx, int sum, uint32_t wire, uint32_t base, uint32_t idx,
                      const fr *coef)
{
    wire_terms *w = ctx;
    /* first[wire] is the fill cursor here; terms_build shifts it back afterwards. */
    wire_term *t = &w[sum].terms[w[sum].first[wire]++];
    t->base = base;
    t->idx = idx;
    t->coef = *coef;
}

/* Groups the terms of the four sums by wire (two passes: count, then fill). */
static int terms_build(wire_terms w[N_SUMS], const r1cs *cs, uint32_t npub)
{
    const size_t nv = cs->n_vars;
    for (int m = 0; m < N_SUMS; m++) {
        w[m].n_wires = nv;
        w[m].first = calloc(nv + 2, sizeof(size_t));
        if (!w[m].first) return ZK_ERR_NOMEM;
    }
    terms_walk(cs, npub, term_count, w);
    for (int m = 0; m < N_SUMS; m++) {
        /* Exclusive prefix sums: first[s] = the start of wire s. */
        for (size_t s = 1; s <= nv; s++)
            w[m].first[s] += w[m].first[s - 1];
        size_t total = w[m].first[nv];
        w[m].terms = malloc((total ? total : 1) * sizeof(wire_term));
        if (!w[m].terms) return ZK_ERR_NOMEM;
    }
    terms_walk(cs, npub, term_fill, w);
    /* Filling advanced first[s] to the start of wire s + 1: shift back by one. */
    for (int m = 0; m < N_SUMS; m++) {
        memmove(w[m].first + 1, w[m].first, nv * sizeof(size_t));
        w[m].first[0] = 0;
    }
    return ZK_OK;
}

/* ---- csHash -------------------------------------------------------------------- */

static int hash_u32(EVP_MD_CTX *h, uint32_t v)
{
    uint8_t b[4];
    be32_store(b, v);
    return EVP_DigestUpdate(h, b, 4) == 1 ? ZK_OK : ZK_ERR_INTERNAL;
}

static int hash_g1(EVP_MD_CTX *h, const g1_affine *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b[64];
        g1_affine_to_bytes(b, &p[i]);
        if (EVP_DigestUpdate(h, b, sizeof(b)) != 1) return ZK_ERR_INTERNAL;
    }
    return ZK_OK;
}

static int hash_g2(EVP_MD_CTX *h, const g2_affine *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b[128];
        g2_affine_to_bytes(b, &p[i]);
        if (EVP_DigestUpdate(h, b, sizeof(b)) != 1) return ZK_ERR_INTERNAL;
    }
    return ZK_OK;
}

/* Number of H points snarkjs hashes for the domain n. hashHPoints walks offsets 0,
 * 2^14, ... below n - 1 and hashes min(n - 1, 2^14) points at each (not the points left),
 * so above 2^14 it hashes n points under the count n - 1. Reproduced as written, since
 * `zkey verify` recomputes the hash with the same code. */
static size_t hash_h_count(size_t n)
{
    size_t total = 0, chunk = n - 1 < HASH_H_CHUNK ? n - 1 : HASH_H_CHUNK;
    for (size_t i = 0; i < n - 1; i += HASH_H_CHUNK)
        total += chunk;
    return total;
}

typedef struct hdiff_job {
    const g1_affine *tau; /* tau^i G1 for i < count + n */
    size_t n;
    g1_affine *out; /* count */
    int rc[THREADS_MAX];
} hdiff_job;

static void hdiff_piece(void *ctx, unsigned tid, size_t begin, size_t end)
{
    hdiff_job *j = ctx;
    size_t cnt = end - begin;
    g1_jacobian *d = malloc(cnt * sizeof(*d));
    fp *scratch = malloc(cnt * sizeof(*scratch));
    if (!d || !scratch) {
        j->rc[tid] = ZK_ERR_NOMEM;
    } else {
        for (size_t i = begin; i < end; i++) {
            g1_affine neg;
            g1_affine_neg(&neg, &j->tau[i]);
            g1_jacobian_from_affine(&d[i - begin], &j->tau[i + j->n]);
            g1_jacobian_add_affine(&d[i - begin], &d[i - begin], &neg);
        }
        g1_jacobian_batch_to_affine(j->out + begin, d, cnt, scratch);
    }
    free(d);
    free(scratch);
}

/* Hashes the count n - 1, then [tau^(i+n) - tau^i]1 for i < hash_h_count(n) from
 * section 2, as zkey_new.js hashHPoints. */
static int hash_h(EVP_MD_CTX *h, const ptau_file *ptau, size_t n, unsigned threads, zk_errbuf *err)
{
    size_t count = hash_h_count(n);
    g1_affine *tau = malloc((count + n) * sizeof(g1_affine));
    hdiff_job *j = calloc(1, sizeof(*j));
    g1_affine *d = malloc((count ? count : 1) * sizeof(g1_affine));
    int rc = ZK_OK;
    if (!tau || !j || !d) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "setup: out of memory hashing H");
        goto out;
    }
    const point_src src = {PTAU_SECTION_TAU_G1, false, 0, 0, 1};
    if ((rc = points_decode(tau, count + n, ptau, &src, threads, err))) goto out;
    j->tau = tau;
    j->n = n;
    j->out = d;
    threads_run(threads, count, hdiff_piece, j);
    for (size_t t = 0; t < THREADS_MAX && !rc; t++)
        rc = j->rc[t];
    if (rc) {
        ZK_FAIL(err, rc, "setup: out of memory hashing H");
        goto out;
    }
    if ((rc = hash_u32(h, (uint32_t)(n - 1))) || (rc = hash_g1(h, d, count)))
        ZK_FAIL(err, rc, "setup: blake2b failed");
out:
    free(tau);
    free(j);
    free(d);
    return rc;
}

/* ---- the setup ------------------------------------------------------------------ */

int groth16_setup_from_ptau(groth16_pk *pk, groth16_vk *vk, const r1cs *cs, const ptau_file *ptau,
                            unsigned threads, zk_errbuf *err)
{
    groth16_pk_init(pk);
    groth16_vk_init(vk);
    if (!cs->finalized) return ZK_FAIL(err, ZK_ERR_USAGE, "setup: constraint system not finalized");
    const uint32_t n_public = r1cs_n_public(cs);
    const size_t nv = cs->n_vars, npub = (size_t)n_public + 1, nprv = nv - npub;
    const size_t nc = cs->n_cons;
    /* zkey_new.js: cirPower = log2(nConstraints + nPublic) + 1, i.e. the least power of
     * two >= the nConstraints + nPublic + 1 rows (and at least 2). */
    unsigned log_n = 1;
    while (((size_t)1 << log_n) < nc + npub)
        log_n++;
    const size_t n = (size_t)1 << log_n;
    if (log_n + 1 > FR_TWO_ADICITY)
        return ZK_FAIL(err, ZK_ERR_RANGE, "setup: %zu constraints need a domain of 2^%u > 2^%u", nc,
                       log_n, FR_TWO_ADICITY - 1);
    if (log_n > ptau->power)
        return ZK_FAIL(err, ZK_ERR_RANGE,
                       "setup: the circuit (%zu constraints + %u public + 1) needs a domain of "
                       "2^%u, but the ptau has power %u: use a powers-of-tau file of power >= %u",
                       nc, n_public, log_n, ptau->power, log_n);
    if (!ptau->prepared)
        return ZK_FAIL(err, ZK_ERR_NOTFOUND,
                       "setup: the ptau is a raw phase-1 accumulation without the Lagrange "
                       "sections 12..15; run `snarkjs powersoftau prepare phase2 <in.ptau> "
                       "<out.ptau>` and pass its output");
    const size_t n_hash = hash_h_count(n);
    if ((uint64_t)(n_hash + n) > ptau_file_section_points(ptau, PTAU_SECTION_TAU_G1))
        return ZK_FAIL(err, ZK_ERR_RANGE,
                       "setup: for a domain of 2^%u filling a ptau of power %u, snarkjs's csHash "
                       "reads past ptau section 2 (hashHPoints over-reads above 2^14 points); "
                       "use a ptau of power >= %u to get a key snarkjs accepts",
                       log_n, ptau->power, log_n + 1);

    int rc = ZK_ERR_NOMEM;
    wire_terms w[N_SUMS];
    memset(w, 0, sizeof(w));
    g1_affine *l1 = malloc(n * sizeof(g1_affine)), *la = malloc(n * sizeof(g1_affine));
    g1_affine *lb = malloc(n * sizeof(g1_affine)), *k = malloc(nv * sizeof(g1_affine));
    g2_affine *l2 = malloc(n * sizeof(g2_affine));
    EVP_MD_CTX *h = EVP_MD_CTX_new();
    size_t n_coefs = npub;
    for (size_t i = 0; i < nc; i++)
        n_coefs += cs->cons[i].na + cs->cons[i].nb;
    pk->ic = malloc(npub * sizeof(g1_affine));
    pk->a = malloc(nv * sizeof(g1_affine));
    pk->b1 = malloc(nv * sizeof(g1_affine));
    pk->b2 = malloc(nv * sizeof(g2_affine));
    pk->c = malloc((nprv ? nprv : 1) * sizeof(g1_affine));
    pk->h = malloc(n * sizeof(g1_affine));
    pk->coefs = malloc(n_coefs * sizeof(groth16_coef));
    if (!l1 || !la || !lb || !k || !l2 || !h || !pk->ic || !pk->a || !pk->b1 || !pk->b2 || !pk->c ||
        !pk->h || !pk->coefs) {
        ZK_FAIL(err, rc, "setup: out of memory for %zu variables, domain 2^%u", nv, log_n);
        goto out;
    }
    pk->n_vars = cs->n_vars;
    pk->n_public = n_public;
    pk->domain_size = (uint32_t)n;
    pk->log_domain = log_n;
    pk->insecure_label = NULL;

    /* Header: alpha, beta from the ceremony; gamma = delta = 1 until a contribution. */
    const point_src s_alpha = {PTAU_SECTION_ALPHA_TAU_G1, false, 0, 0, 1};
    const point_src s_beta = {PTAU_SECTION_BETA_TAU_G1, false, 0, 0, 1};
    const point_src s_beta2 = {PTAU_SECTION_BETA_G2, false, 0, 0, 1};
    if ((rc = points_decode(&pk->alpha1, 1, ptau, &s_alpha, 1, err)) ||
        (rc = points_decode(&pk->beta1, 1, ptau, &s_beta, 1, err)) ||
        (rc = points_decode(&pk->beta2, 1, ptau, &s_beta2, 1, err)))
        goto out;
    if (!g2_affine_is_in_subgroup(&pk->beta2)) {
        rc = ZK_FAIL(err, ZK_ERR_NOT_IN_GROUP, "ptau section 6 (betaG2) point 0 is not in G2");
        goto out;
    }
    g1_generator(&pk->delta1);
    g2_generator(&pk->gamma2);
    g2_generator(&pk->delta2);

    /* The Lagrange bases of this domain, and H: the odd points of the 2n block. */
    const point_src s_l1 = {PTAU_SECTION_LAGRANGE_TAU_G1, true, log_n, 0, 1};
    const point_src s_l2 = {PTAU_SECTION_LAGRANGE_TAU_G2, true, log_n, 0, 1};
    const point_src s_la = {PTAU_SECTION_LAGRANGE_ALPHA_TAU_G1, true, log_n, 0, 1};
    const point_src s_lb = {PTAU_SECTION_LAGRANGE_BETA_TAU_G1, true, log_n, 0, 1};
    const point_src s_h = {PTAU_SECTION_LAGRANGE_TAU_G1, true, log_n + 1, 1, 2};
    if ((rc = points_decode(l1, n, ptau, &s_l1, threads, err)) ||
        (rc = points_decode(l2, n, ptau, &s_l2, threads, err)) ||
        (rc = points_decode(la, n, ptau, &s_la, threads, err)) ||
        (rc = points_decode(lb, n, ptau, &s_lb, threads, err)) ||
        (rc = points_decode(pk->h, n, ptau, &s_h, threads, err)))
        goto out;

    /* The coefficient list in zkey_new.js's order: per constraint its A terms then its B
     * terms, then one A row per public wire. */
    size_t k_out = 0;
    for (size_t i = 0; i < nc; i++) {
        const r1cs_constraint *c = &cs->cons[i];
        const size_t first[2] = {c->a, c->b}, cnt[2] = {c->na, c->nb};
        for (uint32_t m = 0; m < 2; m++)
            for (size_t t = 0; t < cnt[m]; t++) {
                groth16_coef *o = &pk->coefs[k_out++];
                o->matrix = m;
                o->constraint = (uint32_t)i;
                o->signal = cs->terms[first[m] + t].var;
                o->value = cs->terms[first[m] + t].coef;
            }
    }
    for (size_t s = 0; s < npub; s++) {
        groth16_coef *o = &pk->coefs[k_out++];
        o->matrix = 0;
        o->constraint = (uint32_t)(nc + s);
        o->signal = (uint32_t)s;
        fr_set_one(&o->value);
    }
    pk->n_coefs = k_out;

    if ((rc = terms_build(w, cs, (uint32_t)npub))) {
        ZK_FAIL(err, rc, "setup: out of memory grouping %zu terms", cs->n_terms);
        goto out;
    }
    const g1_affine *b1s[3] = {l1, la, lb};
    const g2_affine *b2s[1] = {l2};
    if ((rc = g1_wire_sums(pk->a, &w[SUM_A], b1s, threads)) ||
        (rc = g1_wire_sums(pk->b1, &w[SUM_B1], b1s, threads)) ||
        (rc = g2_wire_sums(pk->b2, &w[SUM_B2], b2s, threads)) ||
        (rc = g1_wire_sums(k, &w[SUM_K], b1s, threads))) {
        ZK_FAIL(err, rc, "setup: out of memory summing the key points");
        goto out;
    }
    memcpy(pk->ic, k, npub * sizeof(g1_affine));
    memcpy(pk->c, k + npub, nprv * sizeof(g1_affine));

    /* csHash, in zkey_new.js's order: header, IC, H, C, A, B1, B2. */
    if (EVP_DigestInit_ex(h, EVP_blake2b512(), NULL) != 1 || hash_g1(h, &pk->alpha1, 1) ||
        hash_g1(h, &pk->beta1, 1) || hash_g2(h, &pk->beta2, 1) || hash_g2(h, &pk->gamma2, 1) ||
        hash_g1(h, &pk->delta1, 1) || hash_g2(h, &pk->delta2, 1) || hash_u32(h, (uint32_t)npub) ||
        hash_g1(h, pk->ic, npub)) {
        rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "setup: blake2b failed");
        goto out;
    }
    if ((rc = hash_h(h, ptau, n, threads, err))) goto out;
    unsigned md_len = 0;
    if (hash_u32(h, (uint32_t)nprv) || hash_g1(h, pk->c, nprv) || hash_u32(h, (uint32_t)nv) ||
        hash_g1(h, pk->a, nv) || hash_u32(h, (uint32_t)nv) || hash_g1(h, pk->b1, nv) ||
        hash_u32(h, (uint32_t)nv) || hash_g2(h, pk->b2, nv) ||
        EVP_DigestFinal_ex(h, pk->cs_hash, &md_len) != 1 || md_len != sizeof(pk->cs_hash)) {
        rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "setup: blake2b failed");
        goto out;
    }
    rc = groth16_vk_from_pk(vk, pk);
    if (rc) ZK_FAIL(err, rc, "setup: out of memory for the verification key");
out:
    for (int m = 0; m < N_SUMS; m++)
        wire_terms_free(&w[m]);
    free(l1);
    free(la);
    free(lb);
    free(k);
    free(l2);
    EVP_MD_CTX_free(h);
    if (rc) {
        groth16_pk_clear(pk);
        groth16_vk_clear(vk);
    }
    return rc;
}
