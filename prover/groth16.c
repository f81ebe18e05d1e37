/* Groth16 verification (see groth16.h). */
#include "prover/groth16.h"

#include <string.h>

#include "prover/pairing.h"

int groth16_verify(const groth16_vk *vk, const uint8_t (*pub)[32], size_t n_public,
                   const groth16_proof *proof, zk_errbuf *err)
{
    int result = ZK_ERR_REJECTED;
    if (n_public != vk->n_public)
        return ZK_FAIL(err, ZK_ERR_MISMATCH, "%zu public signals given, the key expects %u",
                       n_public, vk->n_public);
    if (n_public && !pub) return ZK_FAIL(err, ZK_ERR_USAGE, "public signals missing");
    /* snarkjs groth16_verify.js refuses public values >= r rather than reducing them: a
     * reduced value would let two public.json files share one proof. */
    g1_jacobian acc, t;
    g1_jacobian_from_affine(&acc, &vk->ic[0]);
    for (size_t i = 0; i < n_public; i++) {
        fr s;
        if (fr_from_bytes_be(&s, pub[i], NULL))
            return ZK_FAIL(err, ZK_ERR_RANGE, "public signal %zu is not below r", i);
        uint64_t k[4];
        fr_to_limbs(k, &s);
        g1_jacobian_from_affine(&t, &vk->ic[i + 1]);
        g1_jacobian_mul(&t, &t, k);
        g1_jacobian_add(&acc, &acc, &t);
    }
    /* Every proof point is validated before the pairing: the Miller loop computes garbage
     * on points off the curve, and a B outside G2 could pair into a small subgroup. */
    if (!g1_affine_is_on_curve(&proof->a))
        return ZK_FAIL(err, ZK_ERR_NOT_ON_CURVE, "proof point A is not on G1");
    if (!g1_affine_is_on_curve(&proof->c))
        return ZK_FAIL(err, ZK_ERR_NOT_ON_CURVE, "proof point C is not on G1");
    if (!g2_affine_is_on_curve(&proof->b))
        return ZK_FAIL(err, ZK_ERR_NOT_ON_CURVE, "proof point B is not on the G2 twist");
    if (!g2_affine_is_in_subgroup(&proof->b))
        return ZK_FAIL(err, ZK_ERR_NOT_IN_GROUP, "proof point B is not in G2");

    g1_affine p[4];
    g2_affine q[4];
    g1_affine_neg(&p[0], &proof->a);
    q[0] = proof->b;
    p[1] = vk->alpha1;
    q[1] = vk->beta2;
    g1_jacobian_to_affine(&p[2], &acc);
    q[2] = vk->gamma2;
    p[3] = proof->c;
    q[3] = vk->delta2;
    if (!pairing_check(p, q, 4))
        return ZK_FAIL(err, result, "the pairing check fails: the proof is invalid");
    result = ZK_OK;
    return result;
}
