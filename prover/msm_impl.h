/* Internal to prover/: the body of the generic MSM (contracts in msm.h), expanded
 * once per group in msm.c after defining
 *   MSM_G   the point prefix (g1, g2)
 *   MSM_F   the coordinate field type and function prefix (fp, fp2)
 * and the shared plan/recoding helpers msm.c defines first (msm_plan,
 * msm_plan_make, msm_digit). No include guard on purpose: this is a template.
 * Everything it defines is static except G_msm and G_msm_scratch_size. */

/* Included on its own (no MSM_G), as the header check does, it expands to nothing. */
#if defined(MSM_G)

#define MSM_CAT2(a, b) a##b
#define MSM_CAT(a, b)  MSM_CAT2(a, b)
#define PT(s)          MSM_CAT(MSM_G, s)
#define FE(s)          MSM_CAT(MSM_F, s)
#define AFF            PT(_affine)
#define JAC            PT(_jacobian)
#define F              MSM_F
#define CTX            PT(_msm_ctx)

typedef struct CTX {
    const msm_plan *plan;
    const AFF *points;
    const fr *scalars;
    size_t n;
    int16_t *digits; /* digit of point i in window w at [w n + i] (msm.c) */
    JAC *partial;    /* one window sum per task */
    JAC *ones;       /* per thread: the sum of the points with scalar 1 */
    unsigned char *thread_mem;
} CTX;

/* The affine point at infinity is (0, 0) (curve.h); inlined here because the
 * curve's out-of-line version is a call in the innermost loop. */
static inline bool PT(_msm_aff_is_inf)(const AFF *a)
{
    return FE(_is_zero)(&a->x) && FE(_is_zero)(&a->y);
}

/* Scalar recoding, and the points with scalar 0 or 1 or at infinity set aside:
 * their recoded scalar is H, whose every signed digit is 0. */
static void PT(_msm_prepare)(void *vctx, unsigned tid, size_t begin, size_t end)
{
    CTX *ctx = vctx;
    JAC acc;
    PT(_jacobian_set_infinity)(&acc);
    for (size_t i = begin; i < end; i++) {
        const fr *s = &ctx->scalars[i];
        const AFF *p = &ctx->points[i];
        uint64_t plain[4] = {0, 0, 0, 0};
        if (fr_is_one(s) && !PT(_affine_is_infinity)(p))
            PT(_jacobian_add_affine)(&acc, &acc, p);
        else if (!fr_is_zero(s) && !PT(_affine_is_infinity)(p))
            fr_to_limbs(plain, s);
        /* All the windows' digits now, once: each window task then reads a
         * contiguous int16_t array instead of re-extracting bits from 40-byte
         * scalars, and the recoded scalar itself is never stored. */
        uint64_t k[MSM_LIMBS];
        msm_recode(k, plain, ctx->plan);
        for (unsigned w = 0; w < ctx->plan->nwin; w++)
            ctx->digits[(size_t)w * ctx->n + i] = (int16_t)msm_digit(k, w, ctx->plan->c);
    }
    ctx->ones[tid] = acc;
}

/* Jacobian buckets: one mixed addition per point, then the running-sum reduction
 * sum_b (b + 1) bucket[b] with 2 full additions per bucket. */
static void PT(_msm_window_jacobian)(JAC *res, const CTX *ctx, unsigned w, size_t pb, size_t pe,
                                     void *mem)
{
    const msm_plan *pl = ctx->plan;
    JAC *bucket = mem;
    const int16_t *dig = ctx->digits + (size_t)w * ctx->n;
    for (size_t b = 0; b < pl->nbuckets; b++)
        PT(_jacobian_set_infinity)(&bucket[b]);
    AFF neg;
    for (size_t i = pb; i < pe; i++) {
        int32_t d = dig[i];
        if (d > 0) {
            PT(_jacobian_add_affine)(&bucket[d - 1], &bucket[d - 1], &ctx->points[i]);
        } else if (d < 0) {
            PT(_affine_neg)(&neg, &ctx->points[i]);
            PT(_jacobian_add_affine)(&bucket[-d - 1], &bucket[-d - 1], &neg);
        }
    }
    JAC run, sum;
    PT(_jacobian_set_infinity)(&run);
    PT(_jacobian_set_infinity)(&sum);
    for (size_t b = pl->nbuckets; b-- > 0;) {
        PT(_jacobian_add)(&run, &run, &bucket[b]);
        PT(_jacobian_add)(&sum, &sum, &run);
    }
    *res = sum;
}

/* The batch-affine state of one window: buckets in affine form, and a batch of
 * pending additions bucket[idx[j]] += pt[j] whose denominators x_pt - x_bucket
 * are inverted together. A bucket is in the batch at most once (busy[]); a point
 * whose bucket is busy waits in the queue, and when the queue is full it goes to
 * the bucket's Jacobian overflow (extra[]) by a mixed addition instead. So inputs
 * that hit few buckets (all scalars equal, repeated points) cost no more than
 * Jacobian buckets, never one inversion per point. Bucket b holds
 * bucket[b] + extra[b]. */
typedef struct PT(_msm_batch) {
    AFF *bucket;
    JAC *extra;
    unsigned char *busy;
    uint32_t *idx, *qidx;
    AFF *pt, *qpt;
    F *den, *pre;
    size_t nbat, nq, cap_batch, cap_queue;
} PT(_msm_batch);

/* bucket[b] += p now when no field inversion is shared (empty bucket, p equal to
 * the bucket or to its negative), otherwise adds it to the batch. */
static void PT(_msm_schedule)(PT(_msm_batch) * st, uint32_t b, const AFF *p)
{
    AFF *bk = &st->bucket[b];
    if (PT(_msm_aff_is_inf)(bk)) {
        *bk = *p;
        return;
    }
    if (FE(_eq)(&bk->x, &p->x)) {
        if (FE(_eq)(&bk->y, &p->y)) /* p = bucket: the affine formula would divide by 0 */
            PT(_jacobian_add_affine)(&st->extra[b], &st->extra[b], p);
        else /* p = -bucket */
            PT(_affine_set_infinity)(bk);
        return;
    }
    size_t j = st->nbat++;
    st->busy[b] = 1;
    st->idx[j] = b;
    st->pt[j] = *p;
    FE(_sub)(&st->den[j], &p->x, &bk->x);
}

/* Applies the batch (one inversion for all of it), then, when drain is set, moves
 * the queued points whose bucket is free into the new batch. */
static void PT(_msm_flush)(PT(_msm_batch) * st, bool drain)
{
    size_t m = st->nbat;
    if (m > 0) {
        /* Montgomery's trick: pre[j] = den[0] ... den[j]. Every den is non-zero
         * (the x coordinates differ), so the product is invertible. */
        st->pre[0] = st->den[0];
        for (size_t j = 1; j < m; j++)
            FE(_mul)(&st->pre[j], &st->pre[j - 1], &st->den[j]);
        F inv, t;
        if (FE(_inv)(&inv, &st->pre[m - 1]) != ZK_OK) FE(_set_zero)(&inv); /* unreachable */
        for (size_t j = m - 1; j > 0; j--) {
            FE(_mul)(&t, &inv, &st->pre[j - 1]);
            FE(_mul)(&inv, &inv, &st->den[j]);
            st->den[j] = t;
        }
        st->den[0] = inv;
        for (size_t j = 0; j < m; j++) {
            /* lambda = (y2 - y1) / (x2 - x1); x3 = lambda^2 - x1 - x2;
             * y3 = lambda (x1 - x3) - y1 */
            AFF *bk = &st->bucket[st->idx[j]];
            const AFF *p = &st->pt[j];
            F lambda, x3;
            FE(_sub)(&lambda, &p->y, &bk->y);
            FE(_mul)(&lambda, &lambda, &st->den[j]);
            FE(_sqr)(&x3, &lambda);
            FE(_sub)(&x3, &x3, &bk->x);
            FE(_sub)(&x3, &x3, &p->x);
            FE(_sub)(&t, &bk->x, &x3);
            FE(_mul)(&t, &t, &lambda);
            FE(_sub)(&bk->y, &t, &bk->y);
            bk->x = x3;
            st->busy[st->idx[j]] = 0;
        }
        st->nbat = 0;
    }
    if (!drain) return;
    size_t keep = 0;
    for (size_t j = 0; j < st->nq; j++) {
        uint32_t b = st->qidx[j];
        if (!st->busy[b] && st->nbat < st->cap_batch) {
            PT(_msm_schedule)(st, b, &st->qpt[j]);
        } else {
            st->qidx[keep] = b;
            st->qpt[keep] = st->qpt[j];
            keep++;
        }
    }
    st->nq = keep;
}

/* Batch-affine buckets: about 6 field products per point instead of 11 for a
 * mixed Jacobian addition, and a cheaper reduction (the running sum adds affine
 * buckets with mixed additions). */
static void PT(_msm_window_affine)(JAC *res, const CTX *ctx, unsigned w, size_t pb, size_t pe,
                                   void *mem)
{
    const msm_plan *pl = ctx->plan;
    unsigned char *m = mem;
    PT(_msm_batch) st = {.cap_batch = pl->batch, .cap_queue = pl->batch};
    st.bucket = (AFF *)(void *)m;
    m += msm_align(pl->nbuckets * sizeof(AFF));
    st.pt = (AFF *)(void *)m;
    m += msm_align(pl->batch * sizeof(AFF));
    st.qpt = (AFF *)(void *)m;
    m += msm_align(pl->batch * sizeof(AFF));
    st.den = (F *)(void *)m;
    m += msm_align(pl->batch * sizeof(F));
    st.pre = (F *)(void *)m;
    m += msm_align(pl->batch * sizeof(F));
    st.idx = (uint32_t *)(void *)m;
    m += msm_align(pl->batch * sizeof(uint32_t));
    st.qidx = (uint32_t *)(void *)m;
    m += msm_align(pl->batch * sizeof(uint32_t));
    st.extra = (JAC *)(void *)m;
    m += msm_align(pl->nbuckets * sizeof(JAC));
    st.busy = m;

    for (size_t b = 0; b < pl->nbuckets; b++) {
        PT(_affine_set_infinity)(&st.bucket[b]);
        PT(_jacobian_set_infinity)(&st.extra[b]);
        st.busy[b] = 0;
    }
    const int16_t *dig = ctx->digits + (size_t)w * ctx->n;
    AFF p;
    for (size_t i = pb; i < pe; i++) {
        /* The buckets of a wide window outgrow the L2 cache, and each point lands
         * on a random one: prefetching the bucket of a point MSM_PREFETCH ahead
         * hides the miss that otherwise stalls the schedule. */
        if (i + MSM_PREFETCH < pe) {
            int32_t da = dig[i + MSM_PREFETCH];
            if (da != 0) {
                size_t ba = (size_t)(da > 0 ? da - 1 : -da - 1);
                __builtin_prefetch(&st.bucket[ba]);
                __builtin_prefetch(&st.busy[ba]);
            }
        }
        int32_t d = dig[i];
        if (d == 0) continue;
        uint32_t b;
        if (d > 0) {
            b = (uint32_t)(d - 1);
            p = ctx->points[i];
        } else {
            b = (uint32_t)(-d - 1);
            p.x = ctx->points[i].x;
            FE(_neg)(&p.y, &ctx->points[i].y); /* no infinity here: msm_prepare zeroed it */
        }
        if (!st.busy[b]) {
            PT(_msm_schedule)(&st, b, &p);
            /* The drain can refill the batch to the brim: flush until it has room. */
            while (st.nbat == st.cap_batch)
                PT(_msm_flush)(&st, true);
        } else if (st.nq < st.cap_queue) {
            st.qidx[st.nq] = b;
            st.qpt[st.nq] = p;
            st.nq++;
        } else {
            PT(_jacobian_add_affine)(&st.extra[b], &st.extra[b], &p);
        }
    }
    /* Two more inversions at most: the batch with what the queue can join, then the
     * last batch; the rest of the queue goes to the overflow. */
    PT(_msm_flush)(&st, true);
    PT(_msm_flush)(&st, false);
    for (size_t j = 0; j < st.nq; j++)
        PT(_jacobian_add_affine)(&st.extra[st.qidx[j]], &st.extra[st.qidx[j]], &st.qpt[j]);

    JAC run, sum;
    PT(_jacobian_set_infinity)(&run);
    PT(_jacobian_set_infinity)(&sum);
    for (size_t b = pl->nbuckets; b-- > 0;) {
        PT(_jacobian_add_affine)(&run, &run, &st.bucket[b]);
        if (!PT(_jacobian_is_infinity)(&st.extra[b])) PT(_jacobian_add)(&run, &run, &st.extra[b]);
        PT(_jacobian_add)(&sum, &sum, &run);
    }
    *res = sum;
}

/* Task t is window t / chunks over the slice t % chunks of the points. */
static void PT(_msm_tasks)(void *vctx, unsigned tid, size_t begin, size_t end)
{
    CTX *ctx = vctx;
    const msm_plan *pl = ctx->plan;
    void *mem = ctx->thread_mem + (size_t)tid * pl->thread_bytes;
    for (size_t t = begin; t < end; t++) {
        unsigned w = (unsigned)(t / pl->chunks);
        size_t ch = t % pl->chunks;
        size_t pb = ch * ctx->n / pl->chunks, pe = (ch + 1) * ctx->n / pl->chunks;
        if (pl->affine)
            PT(_msm_window_affine)(&ctx->partial[t], ctx, w, pb, pe, mem);
        else
            PT(_msm_window_jacobian)(&ctx->partial[t], ctx, w, pb, pe, mem);
    }
}

size_t PT(_msm_scratch_size)(size_t n, unsigned threads)
{
    msm_plan pl;
    if (msm_plan_make(&pl, n, threads, sizeof(AFF), sizeof(JAC), sizeof(F)) != ZK_OK) return 0;
    return pl.total;
}

int PT(_msm)(JAC *out, const AFF *points, const fr *scalars, size_t n, unsigned threads,
             void *scratch, zk_errbuf *err)
{
    PT(_jacobian_set_infinity)(out);
    if (n == 0) return ZK_OK;
    msm_plan pl;
    if (msm_plan_make(&pl, n, threads, sizeof(AFF), sizeof(JAC), sizeof(F)) != ZK_OK)
        return ZK_FAIL(err, ZK_ERR_RANGE, "MSM of %zu points: scratch size overflows", n);
    void *owned = NULL;
    if (scratch == NULL) {
        owned = malloc(pl.total);
        if (owned == NULL)
            return ZK_FAIL(err, ZK_ERR_NOMEM, "MSM of %zu points: cannot allocate %zu bytes", n,
                           pl.total);
        scratch = owned;
    }
    /* The caller's scratch has any alignment; the plan reserved MSM_ALIGN bytes
     * of slack to round it up. */
    unsigned char *base = scratch;
    base += (MSM_ALIGN - (uintptr_t)base % MSM_ALIGN) % MSM_ALIGN;
    CTX ctx = {
        .plan = &pl,
        .points = points,
        .scalars = scalars,
        .n = n,
        .digits = (int16_t *)(void *)(base + pl.off_digits),
        .partial = (JAC *)(void *)(base + pl.off_partial),
        .ones = (JAC *)(void *)(base + pl.off_ones),
        .thread_mem = base + pl.off_thread,
    };
    for (unsigned t = 0; t < pl.threads; t++)
        PT(_jacobian_set_infinity)(&ctx.ones[t]);
    threads_run(pl.threads, n, PT(_msm_prepare), &ctx);
    threads_run(pl.threads, pl.ntasks, PT(_msm_tasks), &ctx);

    /* Horner over the windows, most significant first: acc = 2^c acc + W_w. */
    JAC acc, win;
    PT(_jacobian_set_infinity)(&acc);
    for (unsigned w = pl.nwin; w-- > 0;) {
        for (unsigned i = 0; i < pl.c && !PT(_jacobian_is_infinity)(&acc); i++)
            PT(_jacobian_double)(&acc, &acc);
        win = ctx.partial[(size_t)w * pl.chunks];
        for (size_t ch = 1; ch < pl.chunks; ch++)
            PT(_jacobian_add)(&win, &win, &ctx.partial[(size_t)w * pl.chunks + ch]);
        PT(_jacobian_add)(&acc, &acc, &win);
    }
    for (unsigned t = 0; t < pl.threads; t++)
        PT(_jacobian_add)(&acc, &acc, &ctx.ones[t]);
    *out = acc;
    free(owned);
    return ZK_OK;
}

#undef MSM_CAT2
#undef MSM_CAT
#undef PT
#undef FE
#undef AFF
#undef JAC
#undef F
#undef CTX

#endif /* MSM_G */
