/* G1 and G2 through the one generic curve implementation: group laws, infinity in
 * every position, scalar multiplication against double-and-add, batch
 * normalisation, the G2 subgroup check against [r] Q == 0, and the EIP-196/197
 * codecs with their three distinct rejections. */
#include "harness.h"

#include "lightclient/hex.h"
#include "prover/prover.h"

static uint64_t rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

static void rand_scalar(uint64_t k[4])
{
    fr s;
    fr_random(&s, rng, NULL);
    fr_to_limbs(k, &s);
}

/* The same property tests for both groups, written once over the prefix G. */
#define CURVE_LAWS(G, LABEL)                                                                       \
    do {                                                                                           \
        CASE_BEGIN(LABEL " group laws");                                                           \
        G##_affine ga;                                                                             \
        G##_jacobian g, t, u, v, inf;                                                              \
        G##_generator(&ga);                                                                        \
        CHECK(G##_affine_is_on_curve(&ga));                                                        \
        G##_jacobian_from_affine(&g, &ga);                                                         \
        G##_jacobian_set_infinity(&inf);                                                           \
        /* r G = O, (r - 1) G = -G, 0 G = O, 1 G = G */                                            \
        G##_jacobian_mul(&t, &g, FR_FIELD.p);                                                      \
        CHECK(G##_jacobian_is_infinity(&t));                                                       \
        uint64_t k[4], l[4], kl[4];                                                                \
        (void)zkf_limbs_sub(k, FR_FIELD.p, (const uint64_t[4]){1, 0, 0, 0});                       \
        G##_jacobian_mul(&t, &g, k);                                                               \
        G##_jacobian_neg(&u, &g);                                                                  \
        CHECK(G##_jacobian_eq(&t, &u));                                                            \
        G##_jacobian_mul(&t, &g, (const uint64_t[4]){0, 0, 0, 0});                                 \
        CHECK(G##_jacobian_is_infinity(&t));                                                       \
        G##_jacobian_mul(&t, &g, (const uint64_t[4]){1, 0, 0, 0});                                 \
        CHECK(G##_jacobian_eq(&t, &g));                                                            \
        /* [2^256 - 1] G = [(2^256 - 1) mod r] G: unreduced scalars work */                        \
        uint64_t all[4] = {~0ULL, ~0ULL, ~0ULL, ~0ULL};                                            \
        fr red;                                                                                    \
        fr_from_limbs(&red, all);                                                                  \
        fr_to_limbs(k, &red);                                                                      \
        G##_jacobian_mul(&t, &g, all);                                                             \
        G##_jacobian_mul(&u, &g, k);                                                               \
        CHECK(G##_jacobian_eq(&t, &u));                                                            \
        for (int i = 0; i < 8; i++) {                                                              \
            fr a, b, ab;                                                                           \
            fr_random(&a, rng, NULL);                                                              \
            fr_random(&b, rng, NULL);                                                              \
            fr_add(&ab, &a, &b);                                                                   \
            fr_to_limbs(k, &a);                                                                    \
            fr_to_limbs(l, &b);                                                                    \
            fr_to_limbs(kl, &ab);                                                                  \
            G##_jacobian p, q, s, s2;                                                              \
            G##_jacobian_mul(&p, &g, k);                                                           \
            G##_jacobian_mul(&q, &g, l);                                                           \
            G##_jacobian_mul(&s, &g, kl);                                                          \
            CHECK(G##_jacobian_is_on_curve(&p));                                                   \
            G##_jacobian_add(&s2, &p, &q);                                                         \
            CHECK(G##_jacobian_eq(&s, &s2)); /* (a + b) G = aG + bG */                             \
            /* mixed addition agrees with the Jacobian one (p has z != 1) */                       \
            G##_affine qa, pa;                                                                     \
            G##_jacobian_to_affine(&qa, &q);                                                       \
            G##_jacobian_to_affine(&pa, &p);                                                       \
            CHECK(G##_affine_is_on_curve(&qa));                                                    \
            G##_jacobian_add_affine(&s2, &p, &qa);                                                 \
            CHECK(G##_jacobian_eq(&s, &s2));                                                       \
            /* doubling = adding to itself, in both forms; P + (-P) = O */                         \
            G##_jacobian_double(&s, &p);                                                           \
            G##_jacobian_add(&s2, &p, &p);                                                         \
            CHECK(G##_jacobian_eq(&s, &s2));                                                       \
            G##_jacobian_add_affine(&s2, &p, &pa);                                                 \
            CHECK(G##_jacobian_eq(&s, &s2));                                                       \
            G##_jacobian_neg(&s, &p);                                                              \
            G##_jacobian_add(&s2, &p, &s);                                                         \
            CHECK(G##_jacobian_is_infinity(&s2));                                                  \
            G##_affine_neg(&qa, &pa);                                                              \
            G##_jacobian_add_affine(&s2, &p, &qa);                                                 \
            CHECK(G##_jacobian_is_infinity(&s2));                                                  \
            CHECK(!G##_jacobian_eq(&p, &s));                                                       \
            /* wNAF against plain double-and-add */                                                \
            G##_jacobian_set_infinity(&s2);                                                        \
            for (int bit = 255; bit >= 0; bit--) {                                                 \
                G##_jacobian_double(&s2, &s2);                                                     \
                if ((k[bit / 64] >> (bit % 64)) & 1) G##_jacobian_add(&s2, &s2, &g);               \
            }                                                                                      \
            CHECK(G##_jacobian_eq(&p, &s2));                                                       \
        }                                                                                          \
        /* infinity in every position */                                                           \
        G##_affine ainf;                                                                           \
        G##_affine_set_infinity(&ainf);                                                            \
        CHECK(G##_affine_is_infinity(&ainf) && G##_affine_is_on_curve(&ainf));                     \
        CHECK(G##_jacobian_is_on_curve(&inf));                                                     \
        G##_jacobian_add(&t, &inf, &g);                                                            \
        CHECK(G##_jacobian_eq(&t, &g));                                                            \
        G##_jacobian_add(&t, &g, &inf);                                                            \
        CHECK(G##_jacobian_eq(&t, &g));                                                            \
        G##_jacobian_add(&t, &inf, &inf);                                                          \
        CHECK(G##_jacobian_is_infinity(&t));                                                       \
        G##_jacobian_add_affine(&t, &g, &ainf);                                                    \
        CHECK(G##_jacobian_eq(&t, &g));                                                            \
        G##_jacobian_add_affine(&t, &inf, &ga);                                                    \
        CHECK(G##_jacobian_eq(&t, &g));                                                            \
        G##_jacobian_double(&t, &inf);                                                             \
        CHECK(G##_jacobian_is_infinity(&t));                                                       \
        rand_scalar(k);                                                                            \
        G##_jacobian_mul(&t, &inf, k);                                                             \
        CHECK(G##_jacobian_is_infinity(&t));                                                       \
        G##_jacobian_neg(&t, &inf);                                                                \
        CHECK(G##_jacobian_is_infinity(&t));                                                       \
        G##_jacobian_to_affine(&ga, &inf);                                                         \
        CHECK(G##_affine_is_infinity(&ga));                                                        \
        G##_jacobian_from_affine(&t, &ainf);                                                       \
        CHECK(G##_jacobian_is_infinity(&t));                                                       \
        CHECK(!G##_jacobian_eq(&inf, &g) && !G##_jacobian_eq(&g, &inf));                           \
        CHECK(G##_jacobian_eq(&inf, &inf));                                                        \
        /* batch normalisation, with an infinity inside */                                         \
        G##_jacobian js[5];                                                                        \
        G##_affine as[5], one;                                                                     \
        for (int i = 0; i < 5; i++) {                                                              \
            rand_scalar(k);                                                                        \
            G##_jacobian_mul(&js[i], &g, k);                                                       \
        }                                                                                          \
        js[2] = inf;                                                                               \
        G##_jacobian_batch_to_affine(as, js, 5, scratch_##G);                                      \
        for (int i = 0; i < 5; i++) {                                                              \
            G##_jacobian_to_affine(&one, &js[i]);                                                  \
            CHECK(G##_affine_eq(&one, &as[i]));                                                    \
        }                                                                                          \
        (void)v;                                                                                   \
        CASE_END();                                                                                \
    } while (0)

TEST(g1_laws)
{
    fp scratch_g1[5];
    CURVE_LAWS(g1, "G1");
}

TEST(g2_laws)
{
    fp2 scratch_g2[5];
    CURVE_LAWS(g2, "G2");
}

/* A random point of the twist E'(Fp2), almost surely outside G2. */
static void random_twist_point(g2_affine *q)
{
    for (;;) {
        fp2 x, rhs, y;
        fp_random(&x.c0, rng, NULL);
        fp_random(&x.c1, rng, NULL);
        fp2_sqr(&rhs, &x);
        fp2_mul(&rhs, &rhs, &x);
        fp2_add(&rhs, &rhs, &G2_B);
        if (fp2_sqrt(&y, &rhs) == ZK_OK) {
            q->x = x;
            q->y = y;
            return;
        }
    }
}

/* The psi-based subgroup test agrees with [r] Q == 0 on random twist points (not
 * in G2) and on the same points with the cofactor 2p - r cleared (in G2). */
TEST(g2_subgroup_check)
{
    uint64_t h[4];
    (void)zkf_limbs_add(h, FP_FIELD.p, FP_FIELD.p);
    (void)zkf_limbs_sub(h, h, FR_FIELD.p);
    for (int i = 0; i < 6; i++) {
        CASE_BEGIN("twist point %d", i);
        g2_affine q, qh;
        g2_jacobian j, t;
        random_twist_point(&q);
        CHECK(g2_affine_is_on_curve(&q));
        g2_jacobian_from_affine(&j, &q);
        g2_jacobian_mul(&t, &j, FR_FIELD.p);
        CHECK_EQ_INT(g2_affine_is_in_subgroup(&q), g2_jacobian_is_infinity(&t));
        CHECK(!g2_affine_is_in_subgroup(&q));
        g2_jacobian_mul(&t, &j, h);
        g2_jacobian_to_affine(&qh, &t);
        CHECK(g2_affine_is_in_subgroup(&qh));
        g2_jacobian_from_affine(&j, &qh);
        g2_jacobian_mul(&t, &j, FR_FIELD.p);
        CHECK(g2_jacobian_is_infinity(&t));
        /* psi acts as [p] on G2 */
        g2_affine ps;
        g2_affine_psi(&ps, &qh);
        g2_jacobian_mul(&t, &j, FP_FIELD.p);
        g2_jacobian_from_affine(&j, &ps);
        CHECK(g2_jacobian_eq(&t, &j));
        CASE_END();
    }
    /* The derived vector's on-twist, off-subgroup point. */
    json_t *root = th_load_json("precompiles/derived_fail_bn256.json");
    if (!root) return;
    size_t i;
    json_t *c;
    bool found = false;
    json_array_foreach(root, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "Name"));
        if (!name || strcmp(name, "pairing_g2_on_twist_not_in_subgroup") != 0) continue;
        found = true;
        uint8_t in[192];
        CHECK_EQ_INT(
            hex_decode_fixed(in, 192, json_string_value(json_object_get(c, "Input")), NULL), ZK_OK);
        g2_affine q;
        zk_errbuf err = {0};
        CHECK_EQ_INT(g2_affine_from_bytes(&q, in + 64, &err), BN254_ERR_NOT_IN_SUBGROUP);
        CHECK(strstr(err.msg, "subgroup") != NULL);
        CHECK(g2_affine_is_on_curve(&q));
        CHECK(!g2_affine_is_in_subgroup(&q));
    }
    CHECK(found);
    json_decref(root);
}

TEST(codecs)
{
    uint8_t b1[64], b2[128], back[128], zero[128] = {0};
    g1_affine p, p2;
    g2_affine q, q2;
    g1_jacobian j;
    g2_jacobian k;
    uint64_t s[4];
    zk_errbuf err = {0};
    for (int i = 0; i < 10; i++) {
        rand_scalar(s);
        g1_generator(&p);
        g1_jacobian_from_affine(&j, &p);
        g1_jacobian_mul(&j, &j, s);
        g1_jacobian_to_affine(&p, &j);
        g1_affine_to_bytes(b1, &p);
        CHECK_EQ_INT(g1_affine_from_bytes(&p2, b1, NULL), ZK_OK);
        CHECK(g1_affine_eq(&p, &p2));
        g2_generator(&q);
        g2_jacobian_from_affine(&k, &q);
        g2_jacobian_mul(&k, &k, s);
        g2_jacobian_to_affine(&q, &k);
        g2_affine_to_bytes(b2, &q);
        CHECK_EQ_INT(g2_affine_from_bytes(&q2, b2, NULL), ZK_OK);
        CHECK(g2_affine_eq(&q, &q2));
        g2_affine_to_bytes(back, &q2);
        CHECK_MEM(back, b2, 128);
        /* flipping the low bit of y gives a point off the curve (y^2 changes) */
        b1[63] ^= 1;
        CHECK_EQ_INT(g1_affine_from_bytes(&p2, b1, NULL), BN254_ERR_NOT_ON_CURVE);
        b2[127] ^= 1;
        CHECK_EQ_INT(g2_affine_from_bytes(&q2, b2, NULL), BN254_ERR_NOT_ON_CURVE);
    }
    /* Infinity is all zeros both ways. */
    g1_affine_set_infinity(&p);
    g1_affine_to_bytes(b1, &p);
    CHECK_MEM(b1, zero, 64);
    CHECK_EQ_INT(g1_affine_from_bytes(&p, zero, NULL), ZK_OK);
    CHECK(g1_affine_is_infinity(&p));
    CHECK_EQ_INT(g2_affine_from_bytes(&q, zero, NULL), ZK_OK);
    CHECK(g2_affine_is_infinity(&q));
    /* The generators encode to the EIP-197 constants. */
    g2_generator(&q);
    g2_affine_to_bytes(b2, &q);
    uint8_t want[32];
    CHECK_EQ_INT(
        hex_decode_fixed(want, 32,
                         "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2", NULL),
        ZK_OK);
    CHECK_MEM(b2, want, 32); /* x_imag comes first */
    /* A coordinate equal to p, in each position, is BN254_ERR_COORD. */
    uint8_t pbe[32];
    zkf_limbs_to_be(pbe, FP_FIELD.p);
    for (int w = 0; w < 2; w++) {
        g1_generator(&p);
        g1_affine_to_bytes(b1, &p);
        memcpy(b1 + 32 * w, pbe, 32);
        CHECK_EQ_INT(g1_affine_from_bytes(&p2, b1, &err), BN254_ERR_COORD);
    }
    for (int w = 0; w < 4; w++) {
        g2_affine_to_bytes(b2, &q);
        memcpy(b2 + 32 * w, pbe, 32);
        CHECK_EQ_INT(g2_affine_from_bytes(&q2, b2, &err), BN254_ERR_COORD);
    }
    /* (1, 3) is not on the curve; (0, 0) with one flipped bit neither. */
    memset(b1, 0, 64);
    b1[31] = 1;
    b1[63] = 3;
    CHECK_EQ_INT(g1_affine_from_bytes(&p, b1, &err), BN254_ERR_NOT_ON_CURVE);
    CHECK(strstr(err.msg, "curve") != NULL);
    memset(b2, 0, 128);
    b2[100] = 1;
    CHECK_EQ_INT(g2_affine_from_bytes(&q, b2, NULL), BN254_ERR_NOT_ON_CURVE);
    /* The three codes are distinct. */
    CHECK(BN254_ERR_COORD != BN254_ERR_NOT_ON_CURVE);
    CHECK(BN254_ERR_COORD != BN254_ERR_NOT_IN_SUBGROUP);
    CHECK(BN254_ERR_NOT_ON_CURVE != BN254_ERR_NOT_IN_SUBGROUP);
}

TEST_MAIN(RUN(g1_laws); RUN(g2_laws); RUN(g2_subgroup_check); RUN(codecs))
