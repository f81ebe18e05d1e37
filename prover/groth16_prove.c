/* The Groth16 prover, step for step snarkjs's src/groth16_prove.js (see groth16.h). */
#include "prover/groth16.h"

#include <stdlib.h>
#include <string.h>

#include "prover/msm.h"
#include "prover/ntt.h"

/* out = in + [k] p, in Jacobian (a fixed-base term of the proof: r delta1, s pi_a, ...). */
static void g1_add_mul(g1_jacobian *out, const g1_jacobian *in, const g1_jacobian *p, const fr *k)
{
    uint64_t l[4];
    g1_jacobian t;
    fr_to_limbs(l, k);
    g1_jacobian_mul(&t, p, l);
    g1_jacobian_add(out, in, &t);
}

/* Out: h[0..n) = (A*B - C) at the odd 2n-th roots omega_2n^(2i+1), from the coefficient
 * list and the witness, as buildABC + ifft + batchApplyKey(omega_2n) + fft + joinABC do. */
static int h_scalars(fr *h, const groth16_pk *pk, const fr *w, unsigned threads, zk_errbuf *err)
{
    size_t n = pk->domain_size;
    fr *a = calloc(n, sizeof(fr)), *b = calloc(n, sizeof(fr)), *c = malloc(n * sizeof(fr));
    ntt_domain d;
    memset(&d, 0, sizeof(d));
    int rc = ZK_OK;
    if (!a || !b || !c) {
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "prove: out of memory for a domain of %zu", n);
        goto out;
    }
    for (size_t i = 0; i < pk->n_coefs; i++) {
        const groth16_coef *k = &pk->coefs[i];
        fr t;
        fr_mul(&t, &k->value, &w[k->signal]);
        fr *dst = k->matrix ? &b[k->constraint] : &a[k->constraint];
        fr_add(dst, dst, &t);
    }
    /* C is not in the key: on the domain, a satisfied system has C = A * B row by row
     * (the C matrix enters the proof through the C points instead). */
    for (size_t i = 0; i < n; i++)
        fr_mul(&c[i], &a[i], &b[i]);
    if ((rc = ntt_domain_init(&d, pk->log_domain, err))) goto out;
    fr shift;
    if (fr_root_of_unity(&shift, pk->log_domain + 1)) {
        rc = ZK_FAIL(err, ZK_ERR_RANGE, "prove: domain 2^%u too large", pk->log_domain);
        goto out;
    }
    fr *polys[3] = {a, b, c};
    for (int m = 0; m < 3; m++) {
        ntt_inverse(&d, polys[m], threads);
        ntt_coset_forward(&d, polys[m], &shift, threads);
    }
    for (size_t i = 0; i < n; i++) {
        fr_mul(&h[i], &a[i], &b[i]);
        fr_sub(&h[i], &h[i], &c[i]);
    }
out:
    ntt_domain_clear(&d);
    free(a);
    free(b);
    free(c);
    return rc;
}

int groth16_prove(groth16_proof *proof, const groth16_pk *pk, const r1cs *cs, const fr *witness,
                  size_t n_witness, unsigned threads, uint64_t (*rng)(void *ctx), void *rng_ctx,
                  zk_errbuf *err)
{
    int rc;
    if (n_witness != pk->n_vars)
        return ZK_FAIL(err, ZK_ERR_MISMATCH, "prove: witness has %zu values, the key %u", n_witness,
                       pk->n_vars);
    if (cs) {
        if (cs->n_vars != pk->n_vars || r1cs_n_public(cs) != pk->n_public)
            return ZK_FAIL(err, ZK_ERR_MISMATCH,
                           "prove: the constraint system (%u vars, %u public) is not the key's "
                           "(%u, %u)",
                           cs->n_vars, r1cs_n_public(cs), pk->n_vars, pk->n_public);
        size_t bad;
        if ((rc = r1cs_check_witness(cs, witness, n_witness, &bad, err)))
            return zk_fail_wrap(err, rc, "prove: refusing an unsatisfied witness");
    }
    const size_t nv = pk->n_vars, npub = (size_t)pk->n_public + 1, n = pk->domain_size;
    fr *h = malloc(n * sizeof(fr));
    groth16_vk vk;
    groth16_vk_init(&vk);
    if (!h) return ZK_FAIL(err, ZK_ERR_NOMEM, "prove: out of memory");
    if ((rc = h_scalars(h, pk, witness, threads, err))) goto out;

    g1_jacobian pa, pb1, pc, ph;
    g2_jacobian pb;
    if ((rc = g1_msm(&pa, pk->a, witness, nv, threads, NULL, err)) ||
        (rc = g1_msm(&pb1, pk->b1, witness, nv, threads, NULL, err)) ||
        (rc = g2_msm(&pb, pk->b2, witness, nv, threads, NULL, err)) ||
        (rc = g1_msm(&pc, pk->c, witness + npub, nv - npub, threads, NULL, err)) ||
        (rc = g1_msm(&ph, pk->h, h, n, threads, NULL, err)))
        goto out;

    fr r, s, rs;
    fr_random(&r, rng, rng_ctx);
    fr_random(&s, rng, rng_ctx);
    g1_jacobian alpha1, beta1, delta1;
    g2_jacobian beta2, delta2, t2;
    g1_jacobian_from_affine(&alpha1, &pk->alpha1);
    g1_jacobian_from_affine(&beta1, &pk->beta1);
    g1_jacobian_from_affine(&delta1, &pk->delta1);
    g2_jacobian_from_affine(&beta2, &pk->beta2);
    g2_jacobian_from_affine(&delta2, &pk->delta2);

    /* pi_a = A + alpha1 + r delta1 */
    g1_jacobian_add(&pa, &pa, &alpha1);
    g1_add_mul(&pa, &pa, &delta1, &r);
    /* pi_b = B2 + beta2 + s delta2 */
    g2_jacobian_add(&pb, &pb, &beta2);
    {
        uint64_t l[4];
        fr_to_limbs(l, &s);
        g2_jacobian_mul(&t2, &delta2, l);
        g2_jacobian_add(&pb, &pb, &t2);
    }
    /* pib1 = B1 + beta1 + s delta1 */
    g1_jacobian_add(&pb1, &pb1, &beta1);
    g1_add_mul(&pb1, &pb1, &delta1, &s);
    /* pi_c = C + H + s pi_a + r pib1 - r s delta1 */
    g1_jacobian_add(&pc, &pc, &ph);
    g1_add_mul(&pc, &pc, &pa, &s);
    g1_add_mul(&pc, &pc, &pb1, &r);
    fr_mul(&rs, &r, &s);
    fr_neg(&rs, &rs);
    g1_add_mul(&pc, &pc, &delta1, &rs);

    g1_jacobian_to_affine(&proof->a, &pa);
    g2_jacobian_to_affine(&proof->b, &pb);
    g1_jacobian_to_affine(&proof->c, &pc);

    /* Never hand out a proof that does not verify: without cs this is the only check
     * that the witness satisfies the circuit (the zkey does not hold the C matrix). */
    uint8_t(*pub)[32] = malloc((npub - 1 ? npub - 1 : 1) * 32);
    if (!pub || (rc = groth16_vk_from_pk(&vk, pk))) {
        free(pub);
        rc = ZK_FAIL(err, ZK_ERR_NOMEM, "prove: out of memory");
        goto out;
    }
    groth16_public_from_witness(pub, witness, pk->n_public);
    rc = groth16_verify(&vk, (const uint8_t(*)[32])pub, pk->n_public, proof, err);
    free(pub);
    if (rc)
        rc = zk_fail_wrap(err, ZK_ERR_REJECTED,
                          "prove: the proof does not verify (the witness does not satisfy the "
                          "circuit, or the key is inconsistent)");
out:
    groth16_vk_clear(&vk);
    free(h);
    return rc;
}
