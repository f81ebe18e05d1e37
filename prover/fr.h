/* Fr: the scalar field of BN254, the order r of G1, G2 and GT; the field of
 * circuit witnesses and of the NTT.
 *   r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
 *     = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001
 * r - 1 = 2^28 * t with t odd, so Fr holds 2^k-th roots of unity for k <= 28:
 * FR_GENERATOR (5) generates the multiplicative group and FR_ROOT_OF_UNITY_2_28 =
 * 5^t has order exactly 2^28. A 2^k-th root is FR_ROOT_OF_UNITY_2_28 squared
 * (28 - k) times; fr_root_of_unity does that. Square roots are Tonelli-Shanks.
 * The API (fr_add, fr_mul, ...) is ZK_FIELD_API in prover/field.h. Variable time. */
#ifndef ZKRELAY_PROVER_FR_H
#define ZKRELAY_PROVER_FR_H

#include "prover/field.h"

static const zk_field FR_FIELD = {
    .p = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
          0x30644e72e131a029ULL},
    .inv = 0xc2e1f593efffffffULL,
    .r1 = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL,
           0x0e0a77c19a07df2fULL},
    .r2 = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL,
           0x0216d0b17f4e44a5ULL},
    .r3 = {0x5e94d8e1b4bf0040ULL, 0x2a489cbe1cfbb6b8ULL, 0x893cc664a19fcfedULL,
           0x0cf8594b7fcc657cULL},
    .ts_exp = {0xcdcb848a1f0fac9fULL, 0x0c0ac2e9419f4243ULL, 0x098d014dc2822db4ULL,
               0x0000000183227397ULL},
    /* 5^t = 19103219067921713944291392827692070036145651957329286315305642004821462161904 */
    .ts_root = {0x636e735580d13d9cULL, 0xa22bf3742445ffd6ULL, 0x56452ac01eb203d8ULL,
                0x1860ef942963f9e7ULL},
    .two_adicity = 28,
    .bits = 254,
};

ZK_FIELD_API(fr, &FR_FIELD);

/* The 2-adicity of r - 1: the largest NTT domain is 2^FR_TWO_ADICITY. */
#define FR_TWO_ADICITY 28
/* A generator of Fr^* (the smallest quadratic non-residue); NTT cosets use it as
 * their shift. */
#define FR_GENERATOR 5

/* Out: *r = a primitive 2^log_n-th root of unity (FR_ROOT_OF_UNITY_2_28 squared
 * 28 - log_n times), the same choice snarkjs/ffjavascript and arkworks make.
 * Returns ZK_ERR_RANGE when log_n > 28 (r is then unchanged). */
int fr_root_of_unity(fr *r, unsigned log_n) ZK_MUST_CHECK;

/* Out: *r = the primitive 2^28-th root of unity 5^t in Montgomery form. */
void fr_root_of_unity_2_28(fr *r);

#endif
