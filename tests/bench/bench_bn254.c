/* BN254 arithmetic costs: Fp product, square and inverse, Fr product, G1 add/double, G1 and G2
 * scalar multiplication (random 254-bit scalars, width-5 wNAF), one pairing, and a 2-pair
 * pairing_check (one shared final exponentiation). Each figure is the better of
 * two runs of about 0.5 s. Reference points (published, not measured here, no
 * implementation to compare against is available offline): gnark-crypto / blst /
 * mcl report an Fp product around 10-20 ns and a BN254 pairing around 0.5-1 ms per
 * core on modern x86-64 with assembly. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "prover/prover.h"

#define BENCH_SECS 0.5

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void *ctx)
{
    (void)ctx;
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Keeps results observable so the compiler cannot drop the loops. */
static volatile uint64_t sink;

enum op { FP_MUL, FP_SQR, FP_INV, FR_MUL, G1_ADD, G1_DBL, G1_MUL, G2_MUL, PAIR, CHECK2 };

/* Runs batch iterations of op; returns the number done. */
static size_t run(enum op op, size_t batch)
{
    static fp a, b;
    static fr c, d;
    static g1_jacobian j1, j2;
    static g2_jacobian k1;
    static g1_affine p[2];
    static g2_affine q[2];
    static uint64_t s[4];
    static int init;
    if (!init) {
        init = 1;
        fp_random(&a, rng, NULL);
        fp_random(&b, rng, NULL);
        fr_random(&c, rng, NULL);
        fr_random(&d, rng, NULL);
        fr_to_limbs(s, &d);
        g1_generator(&p[0]);
        g2_generator(&q[0]);
        g1_jacobian_from_affine(&j1, &p[0]);
        g1_jacobian_mul(&j1, &j1, s);
        j2 = j1;
        g1_jacobian_double(&j2, &j2);
        g2_jacobian_from_affine(&k1, &q[0]);
        p[1] = p[0];
        g2_affine_neg(&q[1], &q[0]);
    }
    fp12 e;
    for (size_t i = 0; i < batch; i++) {
        switch (op) {
        case FP_MUL:
            fp_mul(&a, &a, &b);
            break;
        case FP_SQR:
            fp_sqr(&a, &a);
            break;
        case FP_INV:
            /* a stays non-zero: the inverse of a non-zero element is non-zero. */
            sink ^= (uint64_t)fp_inv(&a, &a);
            break;
        case FR_MUL:
            fr_mul(&c, &c, &d);
            break;
        case G1_ADD:
            g1_jacobian_add(&j1, &j1, &j2);
            break;
        case G1_DBL:
            g1_jacobian_double(&j1, &j1);
            break;
        case G1_MUL: {
            g1_jacobian r;
            s[0]++;
            g1_jacobian_mul(&r, &j2, s);
            sink ^= r.x.v[0];
            break;
        }
        case G2_MUL: {
            g2_jacobian r;
            s[0]++;
            g2_jacobian_mul(&r, &k1, s);
            sink ^= r.x.c0.v[0];
            break;
        }
        case PAIR:
            pairing(&e, &p[0], &q[0]);
            sink ^= e.c0.c0.c0.v[0];
            break;
        case CHECK2:
            sink ^= (uint64_t)pairing_check(p, q, 2);
            break;
        }
    }
    sink ^= a.v[0] ^ c.v[0] ^ j1.x.v[0];
    return batch;
}

/* Seconds per operation: the better of two runs. */
static double per_op(enum op op, size_t batch)
{
    double best = 1e30;
    for (int rep = 0; rep < 2; rep++) {
        size_t n = 0;
        double t0 = now_s(), t;
        do {
            n += run(op, batch);
            t = now_s() - t0;
        } while (t < BENCH_SECS);
        if (t / (double)n < best) best = t / (double)n;
    }
    return best;
}

int main(void)
{
    printf("bn254 fp_mul: %.1f ns\n", per_op(FP_MUL, 100000) * 1e9);
    printf("bn254 fp_sqr: %.1f ns\n", per_op(FP_SQR, 100000) * 1e9);
    printf("bn254 fp_inv: %.2f us\n", per_op(FP_INV, 1000) * 1e6);
    printf("bn254 fr_mul: %.1f ns\n", per_op(FR_MUL, 100000) * 1e9);
    printf("bn254 g1_add (jacobian): %.1f ns\n", per_op(G1_ADD, 10000) * 1e9);
    printf("bn254 g1_double (jacobian): %.1f ns\n", per_op(G1_DBL, 10000) * 1e9);
    printf("bn254 g1_mul (254-bit scalar): %.1f us\n", per_op(G1_MUL, 10) * 1e6);
    printf("bn254 g2_mul (254-bit scalar): %.1f us\n", per_op(G2_MUL, 10) * 1e6);
    printf("bn254 pairing: %.3f ms\n", per_op(PAIR, 1) * 1e3);
    printf("bn254 pairing_check 2 pairs: %.3f ms\n", per_op(CHECK2, 1) * 1e3);
    printf("bn254 reference (published, not measured here): fp_mul ~10-20 ns, pairing "
           "~0.5-1 ms per core (gnark-crypto/blst/mcl class, x86-64 assembly)\n");
    return sink == 42 ? 1 : 0;
}
