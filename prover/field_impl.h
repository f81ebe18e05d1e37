/* Internal to prover/: the out-of-line half of a typed field (field.h
 * ZK_FIELD_API), expanded once in the .c file that owns the field (fp.c, fr.c). */
#ifndef ZKRELAY_PROVER_FIELD_IMPL_H
#define ZKRELAY_PROVER_FIELD_IMPL_H

#include "prover/field.h"

/* The out-of-line half of ZK_FIELD_API, for the one .c file that owns F. */
#define ZK_FIELD_DEFINE(F, FIELD, NAME)                                                            \
    void F##_from_u64(F *r, uint64_t v)                                                            \
    {                                                                                              \
        uint64_t a[4] = {v, 0, 0, 0};                                                              \
        zkf_reduce(FIELD, a, a);                                                                   \
        zkf_from_plain(FIELD, r->v, a);                                                            \
    }                                                                                              \
    void F##_from_limbs(F *r, const uint64_t a[4])                                                 \
    {                                                                                              \
        uint64_t t[4];                                                                             \
        zkf_reduce(FIELD, t, a);                                                                   \
        zkf_from_plain(FIELD, r->v, t);                                                            \
    }                                                                                              \
    void F##_to_limbs(uint64_t out[4], const F *a)                                                 \
    {                                                                                              \
        zkf_to_plain(FIELD, out, a->v);                                                            \
    }                                                                                              \
    void F##_pow(F *r, const F *a, const uint64_t e[4])                                            \
    {                                                                                              \
        zkf_pow(FIELD, r->v, a->v, e);                                                             \
    }                                                                                              \
    int F##_inv(F *r, const F *a)                                                                  \
    {                                                                                              \
        return zkf_inv(FIELD, r->v, a->v);                                                         \
    }                                                                                              \
    int F##_sqrt(F *r, const F *a)                                                                 \
    {                                                                                              \
        return zkf_sqrt(FIELD, r->v, a->v);                                                        \
    }                                                                                              \
    void F##_batch_inv(F *out, const F *in, size_t n, F *scratch)                                  \
    {                                                                                              \
        zkf_batch_inv(FIELD, (uint64_t(*)[4])out, (const uint64_t(*)[4])in, n,                     \
                      (uint64_t(*)[4])scratch);                                                    \
    }                                                                                              \
    int F##_from_bytes_be(F *r, const uint8_t in[32], zk_errbuf *err)                              \
    {                                                                                              \
        uint64_t a[4];                                                                             \
        zkf_limbs_from_be(a, in);                                                                  \
        int rc_ = zkf_check_canonical(FIELD, a, NAME, err);                                        \
        if (rc_ == ZK_OK) zkf_from_plain(FIELD, r->v, a);                                          \
        return rc_;                                                                                \
    }                                                                                              \
    int F##_from_bytes_le(F *r, const uint8_t in[32], zk_errbuf *err)                              \
    {                                                                                              \
        uint64_t a[4];                                                                             \
        zkf_limbs_from_le(a, in);                                                                  \
        int rc_ = zkf_check_canonical(FIELD, a, NAME, err);                                        \
        if (rc_ == ZK_OK) zkf_from_plain(FIELD, r->v, a);                                          \
        return rc_;                                                                                \
    }                                                                                              \
    void F##_to_bytes_be(uint8_t out[32], const F *a)                                              \
    {                                                                                              \
        uint64_t t[4];                                                                             \
        zkf_to_plain(FIELD, t, a->v);                                                              \
        zkf_limbs_to_be(out, t);                                                                   \
    }                                                                                              \
    void F##_to_bytes_le(uint8_t out[32], const F *a)                                              \
    {                                                                                              \
        uint64_t t[4];                                                                             \
        zkf_to_plain(FIELD, t, a->v);                                                              \
        zkf_limbs_to_le(out, t);                                                                   \
    }                                                                                              \
    int F##_from_mont_le(F *r, const uint8_t in[32], zk_errbuf *err)                               \
    {                                                                                              \
        uint64_t a[4];                                                                             \
        zkf_limbs_from_le(a, in);                                                                  \
        int rc_ = zkf_check_canonical(FIELD, a, NAME " (Montgomery form)", err);                   \
        if (rc_ == ZK_OK)                                                                          \
            for (int i_ = 0; i_ < 4; i_++)                                                         \
                r->v[i_] = a[i_];                                                                  \
        return rc_;                                                                                \
    }                                                                                              \
    void F##_to_mont_le(uint8_t out[32], const F *a)                                               \
    {                                                                                              \
        zkf_limbs_to_le(out, a->v);                                                                \
    }                                                                                              \
    void F##_from_bytes_be_reduce(F *r, const uint8_t in[32])                                      \
    {                                                                                              \
        uint64_t a[4];                                                                             \
        zkf_limbs_from_be(a, in);                                                                  \
        zkf_reduce(FIELD, a, a);                                                                   \
        zkf_from_plain(FIELD, r->v, a);                                                            \
    }                                                                                              \
    void F##_random(F *r, uint64_t (*rng)(void *ctx), void *ctx)                                   \
    {                                                                                              \
        uint64_t a[4];                                                                             \
        zkf_random_plain(FIELD, a, rng, ctx);                                                      \
        zkf_from_plain(FIELD, r->v, a);                                                            \
    }

#endif
