/* Fixed-base multiplication (fixed_base.h) against one G_jacobian_mul per scalar,
 * in G1 and G2, on both paths (wNAF below FIXED_BASE_MIN_TABLE scalars, the comb
 * table from there on), with the generator, a random base and the point at
 * infinity as base, on 1, 2 and 3 threads. The scalars mix uniform elements with
 * the edge cases 0, 1, r - 1, small integers and single-byte digits (a lone
 * non-zero window, including the top one). */
#include "harness.h"

#include "prover/fixed_base.h"
#include "prover/prover.h"

static uint64_t rng(void *ctx)
{
    (void)ctx;
    return th_rand64();
}

/* Scalar i of a test input: the first ones are the fixed edge cases. */
static void edge_scalar(fr *s, size_t i)
{
    uint64_t k[4] = {0, 0, 0, 0};
    switch (i) {
    case 0:
        fr_set_zero(s);
        return;
    case 1:
        fr_set_one(s);
        return;
    case 2: /* r - 1 */
        fr_set_one(s);
        fr_neg(s, s);
        return;
    case 3:
        fr_from_u64(s, 255);
        return;
    case 4:
        fr_from_u64(s, 256);
        return;
    case 5: /* 0x2a << 248: only the top window is non-zero */
        k[3] = (uint64_t)0x2a << 56;
        fr_from_limbs(s, k);
        return;
    case 6: /* r - 2 */
        fr_set_one(s);
        fr_add(s, s, s);
        fr_neg(s, s);
        return;
    default:
        break;
    }
    if (th_rand64() % 8 == 0)
        fr_from_u64(s, th_rand64() % 100000);
    else
        fr_random(s, rng, NULL);
}

/* Everything below is written once over the group prefix G. */
#define FIXED_BASE_TESTS(G)                                                                        \
    /* Checks G_fixed_base_mul on n scalars against G_jacobian_mul, with each thread               \
     * count. base_kind: 0 the generator, 1 a random multiple of it, 2 infinity. */                \
    static void G##_case(size_t n, int base_kind)                                                  \
    {                                                                                              \
        G##_affine base, *out = calloc(n ? n : 1, sizeof *out);                                    \
        fr *s = calloc(n ? n : 1, sizeof *s);                                                      \
        G##_jacobian bj, want;                                                                     \
        uint64_t k[4];                                                                             \
        CHECK(out &&s);                                                                            \
        if (!out || !s) goto done;                                                                 \
        G##_generator(&base);                                                                      \
        if (base_kind == 1) {                                                                      \
            fr t;                                                                                  \
            fr_random(&t, rng, NULL);                                                              \
            fr_to_limbs(k, &t);                                                                    \
            G##_jacobian_from_affine(&bj, &base);                                                  \
            G##_jacobian_mul(&bj, &bj, k);                                                         \
            G##_jacobian_to_affine(&base, &bj);                                                    \
        } else if (base_kind == 2) {                                                               \
            G##_affine_set_infinity(&base);                                                        \
        }                                                                                          \
        G##_jacobian_from_affine(&bj, &base);                                                      \
        for (size_t i = 0; i < n; i++)                                                             \
            edge_scalar(&s[i], i);                                                                 \
        for (unsigned threads = 1; threads <= 3; threads++) {                                      \
            CHECK_EQ_INT(G##_fixed_base_mul(out, &base, s, n, threads, NULL), ZK_OK);              \
            size_t bad = 0;                                                                        \
            for (size_t i = 0; i < n; i++) {                                                       \
                G##_jacobian got;                                                                  \
                fr_to_limbs(k, &s[i]);                                                             \
                G##_jacobian_mul(&want, &bj, k);                                                   \
                G##_jacobian_from_affine(&got, &out[i]);                                           \
                if (!G##_jacobian_eq(&got, &want) || !G##_affine_is_on_curve(&out[i])) bad++;      \
            }                                                                                      \
            CHECK_EQ_INT(bad, 0);                                                                  \
            /* Scalar 0 gives infinity, scalar 1 the base itself. */                               \
            if (n > 1) {                                                                           \
                CHECK(G##_affine_is_infinity(&out[0]));                                            \
                CHECK(G##_affine_eq(&out[1], &base));                                              \
            }                                                                                      \
            /* A wrong scalar must not match: out[i] != [s[i] + 1] base (base not infinity). */    \
            if (n > 2 && base_kind != 2) {                                                         \
                fr one, t;                                                                         \
                G##_jacobian got;                                                                  \
                fr_set_one(&one);                                                                  \
                fr_add(&t, &s[n - 1], &one);                                                       \
                fr_to_limbs(k, &t);                                                                \
                G##_jacobian_mul(&want, &bj, k);                                                   \
                G##_jacobian_from_affine(&got, &out[n - 1]);                                       \
                CHECK(!G##_jacobian_eq(&got, &want));                                              \
            }                                                                                      \
        }                                                                                          \
    done:                                                                                          \
        free(out);                                                                                 \
        free(s);                                                                                   \
    }                                                                                              \
                                                                                                   \
    static void G##_cases(const size_t *sizes, size_t count)                                       \
    {                                                                                              \
        for (size_t i = 0; i < count; i++)                                                         \
            for (int kind = 0; kind < 3; kind++) {                                                 \
                CASE_BEGIN(#G " fixed-base");                                                      \
                G##_case(sizes[i], kind);                                                          \
                CASE_END();                                                                        \
            }                                                                                      \
    }

FIXED_BASE_TESTS(g1)
FIXED_BASE_TESTS(g2)

TEST(g1_fixed_base_vs_mul)
{
    static const size_t SIZES[] = {0, 1, 3, 7, FIXED_BASE_MIN_TABLE - 1, FIXED_BASE_MIN_TABLE, 300};
    g1_cases(SIZES, sizeof SIZES / sizeof SIZES[0]);
}

TEST(g2_fixed_base_vs_mul)
{
    static const size_t SIZES[] = {0, 3, 7, FIXED_BASE_MIN_TABLE - 1, FIXED_BASE_MIN_TABLE, 130};
    g2_cases(SIZES, sizeof SIZES / sizeof SIZES[0]);
}

TEST_MAIN(RUN(g1_fixed_base_vs_mul); RUN(g2_fixed_base_vs_mul);)
