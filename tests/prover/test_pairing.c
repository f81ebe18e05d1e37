/* The optimal ate pairing: bilinearity, non-degeneracy, order r, e(P, -Q) e(P, Q)
 * = 1 through pairing_check, multi-pairing past one Miller chunk, infinity, and
 * flipped bits in an encoded check turning it false or into an encoding error. */
#include "harness.h"

#include "prover/prover.h"

static uint64_t rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

static void g1_mul_gen(g1_affine *r, const fr *s)
{
    uint64_t k[4];
    g1_jacobian j;
    g1_generator(r);
    fr_to_limbs(k, s);
    g1_jacobian_from_affine(&j, r);
    g1_jacobian_mul(&j, &j, k);
    g1_jacobian_to_affine(r, &j);
}

static void g2_mul_gen(g2_affine *r, const fr *s)
{
    uint64_t k[4];
    g2_jacobian j;
    g2_generator(r);
    fr_to_limbs(k, s);
    g2_jacobian_from_affine(&j, r);
    g2_jacobian_mul(&j, &j, k);
    g2_jacobian_to_affine(r, &j);
}

TEST(bilinearity)
{
    g1_affine p;
    g2_affine q;
    fp12 base, t, u;
    g1_generator(&p);
    g2_generator(&q);
    pairing(&base, &p, &q);
    CHECK(!fp12_is_one(&base)); /* non-degenerate */
    fp12_pow(&t, &base, FR_FIELD.p, 4);
    CHECK(fp12_is_one(&t)); /* in GT: order r */
    for (int i = 0; i < 3; i++) {
        CASE_BEGIN("bilinear %d", i);
        fr a, b, ab;
        uint64_t e[4];
        fr_random(&a, rng, NULL);
        fr_random(&b, rng, NULL);
        fr_mul(&ab, &a, &b);
        g1_affine ap;
        g2_affine bq, aq;
        g1_mul_gen(&ap, &a);
        g2_mul_gen(&bq, &b);
        g2_mul_gen(&aq, &a);
        pairing(&t, &ap, &bq);
        fr_to_limbs(e, &ab);
        fp12_pow(&u, &base, e, 4);
        CHECK(fp12_eq(&t, &u)); /* e(aP, bQ) = e(P, Q)^(ab) */
        pairing(&t, &ap, &q);
        pairing(&u, &p, &aq);
        CHECK(fp12_eq(&t, &u)); /* e(aP, Q) = e(P, aQ) */
        CASE_END();
    }
    /* Infinity on either side gives 1. */
    g1_affine pinf;
    g2_affine qinf;
    g1_affine_set_infinity(&pinf);
    g2_affine_set_infinity(&qinf);
    pairing(&t, &pinf, &q);
    CHECK(fp12_is_one(&t));
    pairing(&t, &p, &qinf);
    CHECK(fp12_is_one(&t));
}

TEST(product_checks)
{
    g1_affine p[12];
    g2_affine q[12];
    g1_generator(&p[0]);
    g2_generator(&q[0]);
    p[1] = p[0];
    g2_affine_neg(&q[1], &q[0]);
    CHECK(pairing_check(p, q, 2));  /* e(P, Q) e(P, -Q) = 1 */
    CHECK(!pairing_check(p, q, 1)); /* e(P, Q) alone is not 1 */
    q[1] = q[0];
    CHECK(!pairing_check(p, q, 2));
    CHECK(pairing_check(p, q, 0));
    /* sum a_i = 0 over 11 pairs (more than one Miller chunk), with infinities mixed in:
     * prod e(a_i G1, b G2) = e(G1, G2)^(b sum a_i) = 1. */
    fr sum, a, b;
    fr_set_zero(&sum);
    fr_random(&b, rng, NULL);
    g2_affine bq;
    g2_mul_gen(&bq, &b);
    for (int i = 0; i < 10; i++) {
        fr_random(&a, rng, NULL);
        fr_add(&sum, &sum, &a);
        g1_mul_gen(&p[i], &a);
        q[i] = bq;
    }
    fr_neg(&sum, &sum);
    g1_mul_gen(&p[10], &sum);
    q[10] = bq;
    g1_affine_set_infinity(&p[11]);
    q[11] = bq;
    CHECK(pairing_check(p, q, 12));
    g1_affine_neg(&p[3], &p[3]);
    CHECK(!pairing_check(p, q, 12));
}

/* Flipping any of a sample of bits of an encoded valid 2-pair check makes the
 * precompile answer 0 or fail to decode; never 1. */
TEST(flipped_bits)
{
    uint8_t in[384], out[32];
    g1_affine p;
    g2_affine q, nq;
    fr a;
    fr_random(&a, rng, NULL);
    g1_mul_gen(&p, &a);
    g2_generator(&q);
    g2_affine_neg(&nq, &q);
    g1_affine_to_bytes(in, &p);
    g2_affine_to_bytes(in + 64, &q);
    g1_affine_to_bytes(in + 192, &p);
    g2_affine_to_bytes(in + 256, &nq);
    CHECK_EQ_INT(bn254_pairing_precompile(out, in, sizeof(in), NULL), ZK_OK);
    CHECK(out[31] == 1);
    /* The lowest and highest bit of each of the 12 words, plus random ones. */
    size_t bits[40];
    size_t nb = 0;
    for (size_t w = 0; w < 12; w++) {
        bits[nb++] = w * 256 + 255; /* last byte, low bit */
        bits[nb++] = w * 256 + 2;   /* first byte, a high bit */
    }
    while (nb < 40)
        bits[nb++] = (size_t)(th_rand64() % (sizeof(in) * 8));
    int bad = 0;
    for (size_t i = 0; i < nb; i++) {
        size_t byte = bits[i] / 8;
        uint8_t mask = (uint8_t)(0x80u >> (bits[i] % 8));
        in[byte] ^= mask;
        int rc = bn254_pairing_precompile(out, in, sizeof(in), NULL);
        if (rc == ZK_OK && out[31] != 0) bad++;
        in[byte] ^= mask;
    }
    CHECK_EQ_INT(bad, 0);
}

TEST_MAIN(RUN(bilinearity); RUN(product_checks); RUN(flipped_bits))
