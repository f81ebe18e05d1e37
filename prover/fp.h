/* Fp: the base field of BN254 (alt_bn128), the coordinates of G1 and, through
 * Fp2, of G2.
 *   p = 21888242871839275222246405745257275088696311157297823662689037894645226208583
 *     = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47
 * p = 3 mod 4, so fp_sqrt is a single exponentiation by (p+1)/4.
 * The API (fp_add, fp_mul, fp_inv, fp_from_bytes_be, ...) is ZK_FIELD_API in
 * prover/field.h; the contracts are written there. Variable time. */
#ifndef ZKRELAY_PROVER_FP_H
#define ZKRELAY_PROVER_FP_H

#include "prover/field.h"

/* The modulus and its Montgomery constants (R = 2^256), checked against
 * zkf_params_init by tests/prover/test_fields.c. */
static const zk_field FP_FIELD = {
    .p = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
          0x30644e72e131a029ULL},
    .inv = 0x87d20782e4866389ULL,
    .r1 = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
           0x0e0a77c19a07df2fULL},
    .r2 = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL,
           0x06d89f71cab8351fULL},
    .r3 = {0xb1cd6dafda1530dfULL, 0x62f210e6a7283db6ULL, 0xef7f0b0c0ada0afbULL,
           0x20fd6e902d592544ULL},
    .ts_exp = {0x4f082305b61f3f51ULL, 0x65e05aa45a1c72a3ULL, 0x6e14116da0605617ULL,
               0x0c19139cb84c680aULL},
    .ts_root = {0x68c3488912edefaaULL, 0x8d087f6872aabf4fULL, 0x51e1a24709081231ULL,
                0x2259d6b14729c0faULL},
    .two_adicity = 1,
    .bits = 254,
};

ZK_FIELD_API(fp, &FP_FIELD);

#endif
