/* G1 of BN254 over the generic curve template, and its EIP-196 codec. */
#include "prover/g1.h"

const fp G1_B = {
    {0x7a17caa950ad28d7ULL, 0x1f6ac17ae15521b9ULL, 0x334bea4e696bd284ULL, 0x2a1f6744ce179d8eULL}};

/* (1, 2) in Montgomery form. */
static const g1_affine G1_GENERATOR = {
    {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}},
    {{0xa6ba871b8b1e1b3aULL, 0x14f1d651eb8e167bULL, 0xccdd46def0f28c58ULL, 0x1c14ef83340fbe5eULL}},
};

#define CURVE_G   g1
#define CURVE_F   fp
#define CURVE_B   (&G1_B)
#define CURVE_GEN (&G1_GENERATOR)
#include "prover/curve_impl.h"

int g1_affine_from_bytes(g1_affine *r, const uint8_t in[64], zk_errbuf *err)
{
    if (fp_from_bytes_be(&r->x, in, NULL) != ZK_OK)
        return ZK_FAIL(err, BN254_ERR_COORD, "G1 x coordinate is not below p");
    if (fp_from_bytes_be(&r->y, in + 32, NULL) != ZK_OK)
        return ZK_FAIL(err, BN254_ERR_COORD, "G1 y coordinate is not below p");
    if (!g1_affine_is_on_curve(r))
        return ZK_FAIL(err, BN254_ERR_NOT_ON_CURVE, "G1 point is not on the curve y^2 = x^3 + 3");
    return ZK_OK; /* cofactor 1: on the curve means in the group */
}

void g1_affine_to_bytes(uint8_t out[64], const g1_affine *a)
{
    fp_to_bytes_be(out, &a->x);
    fp_to_bytes_be(out + 32, &a->y);
}
