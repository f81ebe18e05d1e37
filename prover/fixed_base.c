/* Fixed-base scalar multiplication (fixed_base.h): one generic body, expanded for
 * G1 and G2 by FIXED_BASE_IMPL below. */
#include "prover/fixed_base.h"

#include <stdint.h>
#include <stdlib.h>

#include "prover/threads.h"

/* 8-bit windows: 32 of them cover a 256-bit scalar, and digit 0 needs no entry. */
#define FB_BITS    8
#define FB_WINDOWS 32
#define FB_ENTRIES 255

/* Digit w (bits [8w, 8w + 8)) of a little-endian 256-bit scalar. */
static inline unsigned fb_digit(const uint64_t k[4], unsigned w)
{
    return (unsigned)(k[w / 8] >> (FB_BITS * (w % 8))) & 0xff;
}

/* The generic body over the point prefix G and coordinate field F. */
#define FIXED_BASE_IMPL(G, F)                                                                      \
    typedef struct G##_fb_ctx {                                                                    \
        const G##_affine *base;                                                                    \
        G##_affine *table; /* FB_WINDOWS * FB_ENTRIES, or NULL: one wNAF each */                   \
        G##_jacobian *jac; /* table build: the table in Jacobian form; else n results */           \
        F *scratch;        /* batch inversion, indexed like jac */                                 \
        const fr *s;                                                                               \
        G##_affine *out;                                                                           \
    } G##_fb_ctx;                                                                                  \
                                                                                                   \
    /* Table windows [begin, end): [j 2^(8w)] base for 1 <= j < 256. The 8w doublings to           \
     * reach 2^(8w) base are redone per window so that windows are independent. */                 \
    static void G##_fb_table(void *vctx, unsigned tid, size_t begin, size_t end)                   \
    {                                                                                              \
        G##_fb_ctx *ctx = vctx;                                                                    \
        (void)tid;                                                                                 \
        for (size_t w = begin; w < end; w++) {                                                     \
            G##_jacobian b, *t = ctx->jac + w * FB_ENTRIES;                                        \
            G##_jacobian_from_affine(&b, ctx->base);                                               \
            for (size_t d = 0; d < FB_BITS * w; d++)                                               \
                G##_jacobian_double(&b, &b);                                                       \
            t[0] = b;                                                                              \
            for (size_t j = 1; j < FB_ENTRIES; j++)                                                \
                G##_jacobian_add(&t[j], &t[j - 1], &b);                                            \
            G##_jacobian_batch_to_affine(ctx->table + w * FB_ENTRIES, t, FB_ENTRIES,               \
                                         ctx->scratch + w * FB_ENTRIES);                           \
        }                                                                                          \
    }                                                                                              \
                                                                                                   \
    /* Scalars [begin, end): one table addition per non-zero digit (or one wNAF                    \
     * multiplication), then this piece's results to affine with one inversion. */                 \
    static void G##_fb_mul(void *vctx, unsigned tid, size_t begin, size_t end)                     \
    {                                                                                              \
        G##_fb_ctx *ctx = vctx;                                                                    \
        G##_jacobian b;                                                                            \
        (void)tid;                                                                                 \
        G##_jacobian_from_affine(&b, ctx->base);                                                   \
        for (size_t i = begin; i < end; i++) {                                                     \
            uint64_t k[4];                                                                         \
            fr_to_limbs(k, &ctx->s[i]);                                                            \
            if (ctx->table) {                                                                      \
                G##_jacobian_set_infinity(&ctx->jac[i]);                                           \
                for (unsigned w = 0; w < FB_WINDOWS; w++) {                                        \
                    unsigned d = fb_digit(k, w);                                                   \
                    if (d)                                                                         \
                        G##_jacobian_add_affine(&ctx->jac[i], &ctx->jac[i],                        \
                                                &ctx->table[w * FB_ENTRIES + d - 1]);              \
                }                                                                                  \
            } else {                                                                               \
                G##_jacobian_mul(&ctx->jac[i], &b, k);                                             \
            }                                                                                      \
            /* Setup scalars are toxic waste (development setup only). */                          \
            zk_wipe(k, sizeof(k));                                                                 \
        }                                                                                          \
        G##_jacobian_batch_to_affine(ctx->out + begin, ctx->jac + begin, end - begin,              \
                                     ctx->scratch + begin);                                        \
    }                                                                                              \
                                                                                                   \
    int G##_fixed_base_mul(G##_affine *out, const G##_affine *base, const fr *s, size_t n,         \
                           unsigned threads, zk_errbuf *err)                                       \
    {                                                                                              \
        const size_t nt = FB_WINDOWS * FB_ENTRIES;                                                 \
        const int use_table = n >= FIXED_BASE_MIN_TABLE;                                           \
        const size_t nj = n > nt ? n : nt;                                                         \
        G##_fb_ctx ctx = {base, NULL, NULL, NULL, s, out};                                         \
        int rc = ZK_OK;                                                                            \
        if (n == 0) return ZK_OK;                                                                  \
        if (nj > SIZE_MAX / sizeof(G##_jacobian))                                                  \
            return ZK_FAIL(err, ZK_ERR_NOMEM, "fixed-base: %zu scalars are too many", n);          \
        ctx.jac = malloc(nj * sizeof(G##_jacobian));                                               \
        ctx.scratch = malloc(nj * sizeof(F));                                                      \
        if (use_table) ctx.table = malloc(nt * sizeof(G##_affine));                                \
        if (!ctx.jac || !ctx.scratch || (use_table && !ctx.table)) {                               \
            rc = ZK_FAIL(err, ZK_ERR_NOMEM, "fixed-base: out of memory for %zu scalars", n);       \
            goto out;                                                                              \
        }                                                                                          \
        if (use_table) threads_run(threads, FB_WINDOWS, G##_fb_table, &ctx);                       \
        threads_run(threads, n, G##_fb_mul, &ctx);                                                 \
    out:                                                                                           \
        free(ctx.jac);                                                                             \
        free(ctx.scratch);                                                                         \
        free(ctx.table);                                                                           \
        return rc;                                                                                 \
    }

FIXED_BASE_IMPL(g1, fp)
FIXED_BASE_IMPL(g2, fp2)
