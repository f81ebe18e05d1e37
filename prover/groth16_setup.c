/* Groth16 development setup from fresh randomness (see groth16.h for the QAP). The key
 * has exactly the layout snarkjs's zkey_new.js gives, with the toxic waste chosen here
 * instead of read from a powers-of-tau file. */
#include "prover/groth16.h"

#include <stdlib.h>
#include <string.h>

#include "prover/fixed_base.h"

/* Out: *log_n and *n = snarkjs's domain for m = nConstraints + nPublic + 1 rows:
 * 2^(floor(log2(m - 1)) + 1), i.e. the least power of two >= m, and at least 2. */
static void domain_for(unsigned *log_n, size_t *n, size_t m)
{
    unsigned l = 1;
    while (((size_t)1 << l) < m)
        l++;
    *log_n = l;
    *n = (size_t)1 << l;
}

/* Out: out[k] = L_{first + k * step}(tau) for k < count, L the Lagrange basis of the
 * 2^log_n-th roots of unity: L_i(tau) = (tau^N - 1) / N * w^i / (tau - w^i).
 * Precondition: tau is not an N-th root of unity. scratch holds count elements. */
static int lagrange_at(fr *out, fr *scratch, const fr *tau, unsigned log_n, size_t first,
                       size_t step, size_t count)
{
    fr w, wi, wstep, zn, ninv, t;
    size_t N = (size_t)1 << log_n;
    if (fr_root_of_unity(&w, log_n)) return ZK_ERR_RANGE;
    uint64_t e[4] = {first, 0, 0, 0};
    fr_pow(&wi, &w, e);
    e[0] = step;
    fr_pow(&wstep, &w, e);
    e[0] = N;
    fr_pow(&zn, tau, e);
    fr_set_one(&t);
    fr_sub(&zn, &zn, &t); /* tau^N - 1 */
    fr_from_u64(&ninv, N);
    if (fr_inv(&ninv, &ninv)) return ZK_ERR_INTERNAL;
    fr_mul(&zn, &zn, &ninv);
    fr w0 = wi;
    for (size_t k = 0; k < count; k++) {
        fr_sub(&out[k], tau, &wi);
        fr_mul(&wi, &wi, &wstep);
    }
    fr_batch_inv(out, out, count, scratch); /* 1 / (tau - w^i); tau is no root */
    wi = w0;
    for (size_t k = 0; k < count; k++) {
        fr_mul(&out[k], &out[k], &wi);
        fr_mul(&out[k], &out[k], &zn);
        fr_mul(&wi, &wi, &wstep);
    }
    return ZK_OK;
}

/* out[i] = [s[i]] G for the standard generator, on every processor (fixed_base.h).
 * The scalars are toxic waste and the multiplication is variable time: acceptable
 * only because this is a development setup, labelled insecure
 * (GROTH16_DEV_SETUP_WARNING); fixed_base.c wipes the scalar limbs it makes. */
static int g1_fixed_base(g1_affine *out, const fr *s, size_t n, zk_errbuf *err)
{
    g1_affine gen;
    g1_generator(&gen);
    return g1_fixed_base_mul(out, &gen, s, n, 0, err);
}

static int g2_fixed_base(g2_affine *out, const fr *s, size_t n, zk_errbuf *err)
{
    g2_affine gen;
    g2_generator(&gen);
    return g2_fixed_base_mul(out, &gen, s, n, 0, err);
}

/* A non-zero uniform element. */
static void random_nonzero(fr *r, uint64_t (*rng)(void *ctx), void *ctx)
{
    do
        fr_random(r, rng, ctx);
    while (fr_is_zero(r));
}

/* The toxic waste and everything derived from it, wiped as one block. */
typedef struct setup_secrets {
    fr tau, alpha, beta, gamma, delta, gamma_inv, delta_inv;
} setup_secrets;

int groth16_setup_dev(groth16_pk *pk, groth16_vk *vk, const r1cs *cs, uint64_t (*rng)(void *ctx),
                      void *rng_ctx, zk_errbuf *err)
{
    groth16_pk_init(pk);
    groth16_vk_init(vk);
    if (!cs->finalized) return ZK_FAIL(err, ZK_ERR_USAGE, "setup: constraint system not finalized");
    const size_t nv = cs->n_vars, npub = (size_t)r1cs_n_public(cs) + 1, nprv = nv - npub;
    const size_t nc = cs->n_cons;
    unsigned log_n;
    size_t n;
    domain_for(&log_n, &n, nc + npub);
    if (log_n + 1 > FR_TWO_ADICITY)
        return ZK_FAIL(err, ZK_ERR_RANGE, "setup: %zu constraints need a domain of 2^%u > 2^%u", nc,
                       log_n + 1, FR_TWO_ADICITY - 1);

    setup_secrets sec;
    int rc = ZK_ERR_NOMEM;
    size_t n_coefs = npub;
    for (size_t k = 0; k < nc; k++)
        n_coefs += cs->cons[k].na + cs->cons[k].nb;
    /* Scalars: L (n), scratch (n), a, b, c (nv each), h (n), t (max(nv, n)). */
    size_t nt = nv > n ? nv : n;
    fr *L = calloc(n, sizeof(fr)), *scr = calloc(n > nv ? n : nv, sizeof(fr));
    fr *sa = calloc(nv, sizeof(fr)), *sb = calloc(nv, sizeof(fr)), *sc = calloc(nv, sizeof(fr));
    fr *sh = calloc(n, sizeof(fr)), *st = calloc(nt, sizeof(fr));
    pk->ic = malloc(npub * sizeof(g1_affine));
    pk->a = malloc(nv * sizeof(g1_affine));
    pk->b1 = malloc(nv * sizeof(g1_affine));
    pk->b2 = malloc(nv * sizeof(g2_affine));
    pk->c = malloc((nprv ? nprv : 1) * sizeof(g1_affine));
    pk->h = malloc(n * sizeof(g1_affine));
    pk->coefs = malloc(n_coefs * sizeof(groth16_coef));
    if (!L || !scr || !sa || !sb || !sc || !sh || !st || !pk->ic || !pk->a || !pk->b1 || !pk->b2 ||
        !pk->c || !pk->h || !pk->coefs) {
        ZK_FAIL(err, rc, "setup: out of memory for %zu variables", nv);
        goto out;
    }
    pk->n_vars = cs->n_vars;
    pk->n_public = r1cs_n_public(cs);
    pk->domain_size = (uint32_t)n;
    pk->log_domain = log_n;
    pk->insecure_label = GROTH16_DEV_SETUP_WARNING;

    /* tau must avoid the 2n-th roots of unity (the Lagrange formulas divide by
     * tau - w^i); the chance of a retry is 2n / r. */
    for (;;) {
        fr t2n, one;
        uint64_t e[4] = {2 * n, 0, 0, 0};
        random_nonzero(&sec.tau, rng, rng_ctx);
        fr_pow(&t2n, &sec.tau, e);
        fr_set_one(&one);
        if (!fr_eq(&t2n, &one)) break;
    }
    random_nonzero(&sec.alpha, rng, rng_ctx);
    random_nonzero(&sec.beta, rng, rng_ctx);
    random_nonzero(&sec.gamma, rng, rng_ctx);
    random_nonzero(&sec.delta, rng, rng_ctx);
    if (fr_inv(&sec.gamma_inv, &sec.gamma) || fr_inv(&sec.delta_inv, &sec.delta)) {
        rc = ZK_FAIL(err, ZK_ERR_INTERNAL, "setup: inverse of a non-zero element failed");
        goto out;
    }

    if ((rc = lagrange_at(L, scr, &sec.tau, log_n, 0, 1, n))) goto out;
    /* The coefficient list and the per-wire QAP polynomials at tau, in zkey_new.js's
     * order: per constraint its A terms then its B terms, then one A row per public wire. */
    size_t k_out = 0;
    for (size_t k = 0; k < nc; k++) {
        const r1cs_constraint *c = &cs->cons[k];
        const size_t first[3] = {c->a, c->b, c->c}, cnt[3] = {c->na, c->nb, c->nc};
        fr *acc[3] = {sa, sb, sc};
        for (int m = 0; m < 3; m++)
            for (size_t i = 0; i < cnt[m]; i++) {
                const r1cs_term *t = &cs->terms[first[m] + i];
                fr v;
                fr_mul(&v, &t->coef, &L[k]);
                fr_add(&acc[m][t->var], &acc[m][t->var], &v);
                if (m < 2) {
                    pk->coefs[k_out].matrix = (uint32_t)m;
                    pk->coefs[k_out].constraint = (uint32_t)k;
                    pk->coefs[k_out].signal = t->var;
                    pk->coefs[k_out].value = t->coef;
                    k_out++;
                }
            }
    }
    for (size_t s = 0; s < npub; s++) {
        fr_add(&sa[s], &sa[s], &L[nc + s]);
        pk->coefs[k_out].matrix = 0;
        pk->coefs[k_out].constraint = (uint32_t)(nc + s);
        pk->coefs[k_out].signal = (uint32_t)s;
        fr_set_one(&pk->coefs[k_out].value);
        k_out++;
    }
    pk->n_coefs = k_out;

    /* [A_s]1, [B_s]1, [B_s]2. */
    if ((rc = g1_fixed_base(pk->a, sa, nv, err)) || (rc = g1_fixed_base(pk->b1, sb, nv, err)) ||
        (rc = g2_fixed_base(pk->b2, sb, nv, err)))
        goto out;
    /* IC and C: (beta A_s + alpha B_s + C_s) / gamma or / delta. */
    for (size_t s = 0; s < nv; s++) {
        fr u, v;
        fr_mul(&u, &sec.beta, &sa[s]);
        fr_mul(&v, &sec.alpha, &sb[s]);
        fr_add(&u, &u, &v);
        fr_add(&u, &u, &sc[s]);
        fr_mul(&st[s], &u, s < npub ? &sec.gamma_inv : &sec.delta_inv);
    }
    if ((rc = g1_fixed_base(pk->ic, st, npub, err)) ||
        (rc = g1_fixed_base(pk->c, st + npub, nprv, err)))
        goto out;
    /* H: L'_{2i+1}(tau) / delta over the 2n-th roots. */
    if ((rc = lagrange_at(sh, scr, &sec.tau, log_n + 1, 1, 2, n))) goto out;
    for (size_t i = 0; i < n; i++)
        fr_mul(&sh[i], &sh[i], &sec.delta_inv);
    if ((rc = g1_fixed_base(pk->h, sh, n, err))) goto out;

    /* The header points. */
    fr hdr[3] = {sec.alpha, sec.beta, sec.delta};
    g1_affine h1[3];
    if ((rc = g1_fixed_base(h1, hdr, 3, err))) goto out;
    pk->alpha1 = h1[0];
    pk->beta1 = h1[1];
    pk->delta1 = h1[2];
    fr hdr2[3] = {sec.beta, sec.gamma, sec.delta};
    g2_affine h2[3];
    if ((rc = g2_fixed_base(h2, hdr2, 3, err))) goto out;
    pk->beta2 = h2[0];
    pk->gamma2 = h2[1];
    pk->delta2 = h2[2];
    zk_wipe(hdr, sizeof(hdr));
    zk_wipe(hdr2, sizeof(hdr2));
    memset(pk->cs_hash, 0, sizeof(pk->cs_hash));
    rc = groth16_vk_from_pk(vk, pk);
    if (rc) ZK_FAIL(err, rc, "setup: out of memory for the verification key");
out:
    zk_wipe(&sec, sizeof(sec));
    /* Every scalar array is a function of tau: wipe before freeing. */
    if (L) zk_wipe(L, n * sizeof(fr));
    if (scr) zk_wipe(scr, (n > nv ? n : nv) * sizeof(fr));
    if (sa) zk_wipe(sa, nv * sizeof(fr));
    if (sb) zk_wipe(sb, nv * sizeof(fr));
    if (sc) zk_wipe(sc, nv * sizeof(fr));
    if (sh) zk_wipe(sh, n * sizeof(fr));
    if (st) zk_wipe(st, nt * sizeof(fr));
    free(L);
    free(scr);
    free(sa);
    free(sb);
    free(sc);
    free(sh);
    free(st);
    if (rc) {
        groth16_pk_clear(pk);
        groth16_vk_clear(vk);
    }
    return rc;
}
