/* G2 of BN254 over the generic curve template, its subgroup check and EIP-197 codec. */
#include "prover/g2.h"

const fp2 G2_B = {
    {{0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL, 0x2514c6324384a86dULL}},
    {{0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL, 0x0141b9ce4a688d4dULL}},
};

/* x = 10857046999023057135944570762232829481370756359578518086990519993285655852781
 *   + 11559732032986387107991004021392285783925812861821192530917403151452391805634 u
 * y = 8495653923123431417604973247489272438418190587263600148770280649306958101930
 *   + 4082367875863433681332203403145435568316851327593401208105741076214120093531 u */
static const g2_affine G2_GENERATOR = {
    {{{0x8e83b5d102bc2026ULL, 0xdceb1935497b0172ULL, 0xfbb8264797811adfULL, 0x19573841af96503bULL}},
     {{0xafb4737da84c6140ULL, 0x6043dd5a5802d8c4ULL, 0x09e950fc52a02f86ULL,
       0x14fef0833aea7b6bULL}}},
    {{{0x619dfa9d886be9f6ULL, 0xfe7fd297f59e9b78ULL, 0xff9e1a62231b7dfeULL, 0x28fd7eebae9e4206ULL}},
     {{0x64095b56c71856eeULL, 0xdc57f922327d3cbbULL, 0x55f935be33351076ULL,
       0x0da4a0e693fd6482ULL}}},
};

#define CURVE_G   g2
#define CURVE_F   fp2
#define CURVE_B   (&G2_B)
#define CURVE_GEN (&G2_GENERATOR)
#include "prover/curve_impl.h"

void g2_affine_psi(g2_affine *r, const g2_affine *a)
{
    fp2 t;
    fp2_conj(&t, &a->x);
    fp2_mul(&r->x, &t, &FP12_FROBENIUS_GAMMA[0][1]);
    fp2_conj(&t, &a->y);
    fp2_mul(&r->y, &t, &FP12_FROBENIUS_GAMMA[0][2]);
}

bool g2_affine_is_in_subgroup(const g2_affine *a)
{
    if (g2_affine_is_infinity(a)) return true;
    /* 6 x^2 for the BN seed x = 4965661367192848881 (127 bits). */
    static const uint64_t SIX_X_SQ[4] = {0xf83e9682e87cfd46ULL, 0x6f4d8248eeb859fbULL, 0, 0};
    g2_affine psi;
    g2_jacobian j, m, pj;
    g2_affine_psi(&psi, a);
    g2_jacobian_from_affine(&j, a);
    g2_jacobian_mul(&m, &j, SIX_X_SQ);
    g2_jacobian_from_affine(&pj, &psi);
    return g2_jacobian_eq(&m, &pj);
}

int g2_affine_from_bytes(g2_affine *r, const uint8_t in[128], zk_errbuf *err)
{
    static const char *const NAMES[4] = {"x_imag", "x_real", "y_imag", "y_real"};
    fp *dst[4] = {&r->x.c1, &r->x.c0, &r->y.c1, &r->y.c0};
    for (int i = 0; i < 4; i++)
        if (fp_from_bytes_be(dst[i], in + 32 * i, NULL) != ZK_OK)
            return ZK_FAIL(err, BN254_ERR_COORD, "G2 %s coordinate is not below p", NAMES[i]);
    if (!g2_affine_is_on_curve(r))
        return ZK_FAIL(err, BN254_ERR_NOT_ON_CURVE, "G2 point is not on the twist");
    if (!g2_affine_is_in_subgroup(r))
        return ZK_FAIL(err, BN254_ERR_NOT_IN_SUBGROUP,
                       "G2 point is on the twist but not in the order-r subgroup");
    return ZK_OK;
}

void g2_affine_to_bytes(uint8_t out[128], const g2_affine *a)
{
    fp_to_bytes_be(out, &a->x.c1);
    fp_to_bytes_be(out + 32, &a->x.c0);
    fp_to_bytes_be(out + 64, &a->y.c1);
    fp_to_bytes_be(out + 96, &a->y.c0);
}
