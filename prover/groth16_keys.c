/* Groth16 keys and proofs: conversion between the arithmetic form (groth16.h) and the
 * snarkjs file models (.zkey: Montgomery little-endian coordinates, coefficients stored
 * as v * R^2; JSON: canonical big-endian integers). */
#include "prover/groth16.h"

#include <stdlib.h>
#include <string.h>

#include "prover/pairing.h"

void groth16_pk_init(groth16_pk *pk)
{
    memset(pk, 0, sizeof(*pk));
}

void groth16_vk_init(groth16_vk *vk)
{
    memset(vk, 0, sizeof(*vk));
}

void groth16_pk_clear(groth16_pk *pk)
{
    if (!pk) return;
    free(pk->ic);
    free(pk->a);
    free(pk->b1);
    free(pk->b2);
    free(pk->c);
    free(pk->h);
    free(pk->coefs);
    memset(pk, 0, sizeof(*pk));
}

void groth16_vk_clear(groth16_vk *vk)
{
    if (!vk) return;
    free(vk->ic);
    memset(vk, 0, sizeof(*vk));
}

/* ---- point codecs ---------------------------------------------------------- */

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

int groth16_g1_from_zkey(g1_affine *r, const uint8_t in[64], const char *what, size_t idx,
                         zk_errbuf *err)
{
    if (all_zero(in, 64)) {
        g1_affine_set_infinity(r);
        return ZK_OK;
    }
    if (fp_from_mont_le(&r->x, in, NULL) || fp_from_mont_le(&r->y, in + 32, NULL))
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL, "%s[%zu]: coordinate >= q", what, idx);
    if (!g1_affine_is_on_curve(r))
        return ZK_FAIL(err, ZK_ERR_NOT_ON_CURVE, "%s[%zu] is not on G1", what, idx);
    return ZK_OK;
}

int groth16_g2_from_zkey(g2_affine *r, const uint8_t in[128], bool subgroup, const char *what,
                         size_t idx, zk_errbuf *err)
{
    if (all_zero(in, 128)) {
        g2_affine_set_infinity(r);
        return ZK_OK;
    }
    if (fp_from_mont_le(&r->x.c0, in, NULL) || fp_from_mont_le(&r->x.c1, in + 32, NULL) ||
        fp_from_mont_le(&r->y.c0, in + 64, NULL) || fp_from_mont_le(&r->y.c1, in + 96, NULL))
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL, "%s[%zu]: coordinate >= q", what, idx);
    if (!g2_affine_is_on_curve(r))
        return ZK_FAIL(err, ZK_ERR_NOT_ON_CURVE, "%s[%zu] is not on the G2 twist", what, idx);
    if (subgroup && !g2_affine_is_in_subgroup(r))
        return ZK_FAIL(err, ZK_ERR_NOT_IN_GROUP, "%s[%zu] is not in G2", what, idx);
    return ZK_OK;
}

void groth16_g1_to_zkey(uint8_t out[64], const g1_affine *a)
{
    if (g1_affine_is_infinity(a)) {
        memset(out, 0, 64);
        return;
    }
    fp_to_mont_le(out, &a->x);
    fp_to_mont_le(out + 32, &a->y);
}

void groth16_g2_to_zkey(uint8_t out[128], const g2_affine *a)
{
    if (g2_affine_is_infinity(a)) {
        memset(out, 0, 128);
        return;
    }
    fp_to_mont_le(out, &a->x.c0);
    fp_to_mont_le(out + 32, &a->x.c1);
    fp_to_mont_le(out + 64, &a->y.c0);
    fp_to_mont_le(out + 96, &a->y.c1);
}

/* JSON G1: [x, y] canonical big-endian; all zero = infinity. */
static int g1_from_be(g1_affine *r, const uint8_t in[2][32], bool check, const char *what,
                      size_t idx, zk_errbuf *err)
{
    if (all_zero(in[0], 32) && all_zero(in[1], 32)) {
        g1_affine_set_infinity(r);
        return ZK_OK;
    }
    if (fp_from_bytes_be(&r->x, in[0], NULL) || fp_from_bytes_be(&r->y, in[1], NULL))
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL, "%s[%zu]: coordinate >= q", what, idx);
    if (check && !g1_affine_is_on_curve(r))
        return ZK_FAIL(err, ZK_ERR_NOT_ON_CURVE, "%s[%zu] is not on G1", what, idx);
    return ZK_OK;
}

static int g2_from_be(g2_affine *r, const uint8_t in[4][32], bool check, const char *what,
                      zk_errbuf *err)
{
    if (all_zero(in[0], 32) && all_zero(in[1], 32) && all_zero(in[2], 32) && all_zero(in[3], 32)) {
        g2_affine_set_infinity(r);
        return ZK_OK;
    }
    if (fp_from_bytes_be(&r->x.c0, in[0], NULL) || fp_from_bytes_be(&r->x.c1, in[1], NULL) ||
        fp_from_bytes_be(&r->y.c0, in[2], NULL) || fp_from_bytes_be(&r->y.c1, in[3], NULL))
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL, "%s: coordinate >= q", what);
    if (check && !g2_affine_is_on_curve(r))
        return ZK_FAIL(err, ZK_ERR_NOT_ON_CURVE, "%s is not on the G2 twist", what);
    if (check && !g2_affine_is_in_subgroup(r))
        return ZK_FAIL(err, ZK_ERR_NOT_IN_GROUP, "%s is not in G2", what);
    return ZK_OK;
}

static void g1_to_be(uint8_t out[2][32], const g1_affine *a)
{
    if (g1_affine_is_infinity(a)) {
        memset(out, 0, 64);
        return;
    }
    fp_to_bytes_be(out[0], &a->x);
    fp_to_bytes_be(out[1], &a->y);
}

static void g2_to_be(uint8_t out[4][32], const g2_affine *a)
{
    if (g2_affine_is_infinity(a)) {
        memset(out, 0, 128);
        return;
    }
    fp_to_bytes_be(out[0], &a->x.c0);
    fp_to_bytes_be(out[1], &a->x.c1);
    fp_to_bytes_be(out[2], &a->y.c0);
    fp_to_bytes_be(out[3], &a->y.c1);
}

/* ---- zkey <-> pk ------------------------------------------------------------- */

/* The plain integer 1 as a Montgomery representation: multiplying by it divides by R. */
static const fr FR_R_INV = {{1, 0, 0, 0}};

int groth16_pk_from_zkey(groth16_pk *pk, const zkey_file *z, zk_errbuf *err)
{
    groth16_pk_init(pk);
    int rc = ZK_OK;
    if (z->n_public >= z->n_vars || z->domain_size < 2 ||
        (z->domain_size & (z->domain_size - 1)) != 0 || z->domain_size > ZKEY_MAX_DOMAIN_SIZE)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "zkey counts: nVars %u, nPublic %u, domainSize %u",
                       z->n_vars, z->n_public, z->domain_size);
    if (!z->ic || !z->a || !z->b1 || !z->b2 || !z->c || !z->h)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "zkey model is missing a point section");
    pk->n_vars = z->n_vars;
    pk->n_public = z->n_public;
    pk->domain_size = z->domain_size;
    while ((1u << pk->log_domain) < z->domain_size)
        pk->log_domain++;
    size_t nv = z->n_vars, npub = (size_t)z->n_public + 1, nprv = nv - npub, nd = z->domain_size;
    pk->ic = malloc(npub * sizeof(g1_affine));
    pk->a = malloc(nv * sizeof(g1_affine));
    pk->b1 = malloc(nv * sizeof(g1_affine));
    pk->b2 = malloc(nv * sizeof(g2_affine));
    pk->c = malloc((nprv ? nprv : 1) * sizeof(g1_affine));
    pk->h = malloc(nd * sizeof(g1_affine));
    pk->coefs = malloc((z->n_coefs ? z->n_coefs : 1) * sizeof(groth16_coef));
    if (!pk->ic || !pk->a || !pk->b1 || !pk->b2 || !pk->c || !pk->h || !pk->coefs) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory for a %u-variable proving key", z->n_vars);
        goto out;
    }
    if ((rc = groth16_g1_from_zkey(&pk->alpha1, z->alpha1, "alpha1", 0, err)) ||
        (rc = groth16_g1_from_zkey(&pk->beta1, z->beta1, "beta1", 0, err)) ||
        (rc = groth16_g1_from_zkey(&pk->delta1, z->delta1, "delta1", 0, err)) ||
        (rc = groth16_g2_from_zkey(&pk->beta2, z->beta2, true, "beta2", 0, err)) ||
        (rc = groth16_g2_from_zkey(&pk->gamma2, z->gamma2, true, "gamma2", 0, err)) ||
        (rc = groth16_g2_from_zkey(&pk->delta2, z->delta2, true, "delta2", 0, err)))
        goto out;
    for (size_t i = 0; i < npub; i++)
        if ((rc = groth16_g1_from_zkey(&pk->ic[i], z->ic + 64 * i, "IC", i, err))) goto out;
    for (size_t i = 0; i < nv; i++)
        if ((rc = groth16_g1_from_zkey(&pk->a[i], z->a + 64 * i, "A", i, err)) ||
            (rc = groth16_g1_from_zkey(&pk->b1[i], z->b1 + 64 * i, "B1", i, err)) ||
            (rc = groth16_g2_from_zkey(&pk->b2[i], z->b2 + 128 * i, false, "B2", i, err)))
            goto out;
    for (size_t i = 0; i < nprv; i++)
        if ((rc = groth16_g1_from_zkey(&pk->c[i], z->c + 64 * i, "C", i, err))) goto out;
    for (size_t i = 0; i < nd; i++)
        if ((rc = groth16_g1_from_zkey(&pk->h[i], z->h + 64 * i, "H", i, err))) goto out;
    for (size_t i = 0; i < z->n_coefs; i++) {
        const zkey_file_coef *k = &z->coefs[i];
        groth16_coef *o = &pk->coefs[i];
        if (k->matrix > 1 || k->constraint >= z->domain_size || k->signal >= z->n_vars) {
            rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "zkey coefficient %zu out of range", i);
            goto out;
        }
        o->matrix = k->matrix;
        o->constraint = k->constraint;
        o->signal = k->signal;
        /* Stored v R^2; as a Montgomery representation that is the element v R, so one
         * more division by R gives the element v. */
        if (fr_from_mont_le(&o->value, k->value, NULL)) {
            rc = ZK_FAIL(err, ZK_ERR_NONCANONICAL, "zkey coefficient %zu >= r", i);
            goto out;
        }
        fr_mul(&o->value, &o->value, &FR_R_INV);
    }
    pk->n_coefs = z->n_coefs;
    if (z->has_mpc) memcpy(pk->cs_hash, z->cs_hash, 64);
    for (uint32_t i = 0; i < z->n_contributions; i++) {
        const binfile_contrib_params *p = &z->contributions[i].params;
        if (p->name && p->name_len == strlen(GROTH16_DEV_SETUP_WARNING) &&
            memcmp(p->name, GROTH16_DEV_SETUP_WARNING, p->name_len) == 0)
            pk->insecure_label = GROTH16_DEV_SETUP_WARNING;
    }
out:
    if (rc) groth16_pk_clear(pk);
    return rc;
}

int groth16_pk_write_zkey(zk_buf *out, const groth16_pk *pk, zk_errbuf *err)
{
    zkey_file z;
    memset(&z, 0, sizeof(z));
    size_t nv = pk->n_vars, npub = (size_t)pk->n_public + 1, nprv = nv - npub, nd = pk->domain_size;
    uint8_t *ic = malloc(npub * 64), *a = malloc(nv * 64), *b1 = malloc(nv * 64);
    uint8_t *b2 = malloc(nv * 128), *c = malloc(nprv ? nprv * 64 : 1), *h = malloc(nd * 64);
    zkey_file_coef *coefs = malloc((pk->n_coefs ? pk->n_coefs : 1) * sizeof(zkey_file_coef));
    static const uint8_t zero[128];
    zkey_file_contrib marker;
    int rc = ZK_OK;
    if (!ic || !a || !b1 || !b2 || !c || !h || !coefs) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory writing the zkey");
        goto out;
    }
    z.n_vars = pk->n_vars;
    z.n_public = pk->n_public;
    z.domain_size = pk->domain_size;
    groth16_g1_to_zkey(z.alpha1, &pk->alpha1);
    groth16_g1_to_zkey(z.beta1, &pk->beta1);
    groth16_g2_to_zkey(z.beta2, &pk->beta2);
    groth16_g2_to_zkey(z.gamma2, &pk->gamma2);
    groth16_g1_to_zkey(z.delta1, &pk->delta1);
    groth16_g2_to_zkey(z.delta2, &pk->delta2);
    for (size_t i = 0; i < npub; i++)
        groth16_g1_to_zkey(ic + 64 * i, &pk->ic[i]);
    for (size_t i = 0; i < nv; i++) {
        groth16_g1_to_zkey(a + 64 * i, &pk->a[i]);
        groth16_g1_to_zkey(b1 + 64 * i, &pk->b1[i]);
        groth16_g2_to_zkey(b2 + 128 * i, &pk->b2[i]);
    }
    for (size_t i = 0; i < nprv; i++)
        groth16_g1_to_zkey(c + 64 * i, &pk->c[i]);
    for (size_t i = 0; i < nd; i++)
        groth16_g1_to_zkey(h + 64 * i, &pk->h[i]);
    fr r2;
    memcpy(r2.v, FR_FIELD.r2, sizeof(r2.v));
    for (size_t i = 0; i < pk->n_coefs; i++) {
        coefs[i].matrix = pk->coefs[i].matrix;
        coefs[i].constraint = pk->coefs[i].constraint;
        coefs[i].signal = pk->coefs[i].signal;
        fr t; /* the element v R, whose Montgomery representation is v R^2 */
        fr_mul(&t, &pk->coefs[i].value, &r2);
        fr_to_mont_le(coefs[i].value, &t);
    }
    z.ic = ic;
    z.a = a;
    z.b1 = b1;
    z.b2 = b2;
    z.c = c;
    z.h = h;
    z.coefs = coefs;
    z.n_coefs = (uint32_t)pk->n_coefs;
    z.has_mpc = true;
    memcpy(z.cs_hash, pk->cs_hash, 64);
    if (pk->insecure_label) {
        memset(&marker, 0, sizeof(marker));
        marker.delta_after = zero;
        marker.g1_s = zero;
        marker.g1_sx = zero;
        marker.g2_spx = zero;
        marker.transcript = zero;
        marker.params.name = (const uint8_t *)pk->insecure_label;
        marker.params.name_len = strlen(pk->insecure_label);
        z.contributions = &marker;
        z.n_contributions = 1;
    }
    rc = zkey_file_write(out, &z);
    if (rc) ZK_FAIL(err, rc, "writing the zkey: %s", zk_strerror(rc));
out:
    free(ic);
    free(a);
    free(b1);
    free(b2);
    free(c);
    free(h);
    free(coefs);
    return rc;
}

int groth16_vk_from_pk(groth16_vk *vk, const groth16_pk *pk)
{
    groth16_vk_init(vk);
    vk->ic = malloc(((size_t)pk->n_public + 1) * sizeof(g1_affine));
    if (!vk->ic) return ZK_ERR_NOMEM;
    memcpy(vk->ic, pk->ic, ((size_t)pk->n_public + 1) * sizeof(g1_affine));
    vk->n_public = pk->n_public;
    vk->alpha1 = pk->alpha1;
    vk->beta2 = pk->beta2;
    vk->gamma2 = pk->gamma2;
    vk->delta2 = pk->delta2;
    return ZK_OK;
}

/* ---- JSON -------------------------------------------------------------------- */

int groth16_vk_from_json(groth16_vk *vk, const groth16_json_vk *j, zk_errbuf *err)
{
    groth16_vk_init(vk);
    int rc;
    size_t n = (size_t)j->n_public + 1;
    vk->ic = malloc(n * sizeof(g1_affine));
    if (!vk->ic) return ZK_FAIL(err, ZK_ERR_NOMEM, "out of memory for the verification key");
    vk->n_public = j->n_public;
    if ((rc = g1_from_be(&vk->alpha1, j->alpha1, true, "vk_alpha_1", 0, err)) ||
        (rc = g2_from_be(&vk->beta2, j->beta2, true, "vk_beta_2", err)) ||
        (rc = g2_from_be(&vk->gamma2, j->gamma2, true, "vk_gamma_2", err)) ||
        (rc = g2_from_be(&vk->delta2, j->delta2, true, "vk_delta_2", err)))
        goto out;
    for (size_t i = 0; i < n; i++)
        if ((rc = g1_from_be(&vk->ic[i], (const uint8_t(*)[32])j->ic[i], true, "IC", i, err)))
            goto out;
out:
    if (rc) groth16_vk_clear(vk);
    return rc;
}

int groth16_vk_to_json(groth16_json_vk *j, const groth16_vk *vk)
{
    memset(j, 0, sizeof(*j));
    size_t n = (size_t)vk->n_public + 1;
    j->ic = malloc(n * sizeof(*j->ic));
    if (!j->ic) return ZK_ERR_NOMEM;
    j->n_public = vk->n_public;
    g1_to_be(j->alpha1, &vk->alpha1);
    g2_to_be(j->beta2, &vk->beta2);
    g2_to_be(j->gamma2, &vk->gamma2);
    g2_to_be(j->delta2, &vk->delta2);
    for (size_t i = 0; i < n; i++)
        g1_to_be(j->ic[i], &vk->ic[i]);
    fp12 ab;
    pairing(&ab, &vk->alpha1, &vk->beta2);
    const fp *coeffs[12] = {&ab.c0.c0.c0, &ab.c0.c0.c1, &ab.c0.c1.c0, &ab.c0.c1.c1,
                            &ab.c0.c2.c0, &ab.c0.c2.c1, &ab.c1.c0.c0, &ab.c1.c0.c1,
                            &ab.c1.c1.c0, &ab.c1.c1.c1, &ab.c1.c2.c0, &ab.c1.c2.c1};
    for (int i = 0; i < 12; i++)
        fp_to_bytes_be(j->alphabeta12[i], coeffs[i]);
    return ZK_OK;
}

int groth16_proof_from_json(groth16_proof *p, const groth16_json_proof *j, zk_errbuf *err)
{
    int rc;
    if ((rc = g1_from_be(&p->a, j->a, false, "pi_a", 0, err)) ||
        (rc = g2_from_be(&p->b, j->b, false, "pi_b", err)) ||
        (rc = g1_from_be(&p->c, j->c, false, "pi_c", 0, err)))
        return rc;
    return ZK_OK;
}

void groth16_proof_to_json(groth16_json_proof *j, const groth16_proof *p)
{
    g1_to_be(j->a, &p->a);
    g2_to_be(j->b, &p->b);
    g1_to_be(j->c, &p->c);
}

void groth16_public_from_witness(uint8_t (*pub)[32], const fr *witness, uint32_t n_public)
{
    for (uint32_t i = 0; i < n_public; i++)
        fr_to_bytes_be(pub[i], &witness[i + 1]);
}
