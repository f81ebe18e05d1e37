/* The out-of-line half of the generic Montgomery field (field.h): constant
 * derivation, exponentiation, inversion, square roots, batch inversion, codecs. */
#include "prover/field.h"

#include "lightclient/bytes.h"

static const uint64_t LIMBS_ONE[4] = {1, 0, 0, 0};

static void limbs_copy(uint64_t r[4], const uint64_t a[4])
{
    for (int i = 0; i < 4; i++)
        r[i] = a[i];
}

static bool limbs_eq(const uint64_t a[4], const uint64_t b[4])
{
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* r = a >> k for 0 <= k < 64. */
static void limbs_shr(uint64_t r[4], const uint64_t a[4], unsigned k)
{
    if (k == 0) {
        limbs_copy(r, a);
        return;
    }
    for (int i = 0; i < 3; i++)
        r[i] = (a[i] >> k) | (a[i + 1] << (64 - k));
    r[3] = a[3] >> k;
}

static unsigned limbs_bits(const uint64_t a[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i]) return (unsigned)(64 * i + 64 - __builtin_clzll(a[i]));
    return 0;
}

int zkf_params_init(zk_field *f, const uint64_t p[4])
{
    /* p < 2^254 keeps the no-carry Montgomery product and the lazy 2p bounds valid. */
    if ((p[0] & 1) == 0 || p[3] >= (1ULL << 62) || ((p[1] | p[2] | p[3]) == 0 && p[0] < 3))
        return ZK_ERR_RANGE;
    *f = (zk_field){0};
    limbs_copy(f->p, p);
    f->bits = limbs_bits(p);

    /* Newton's iteration doubles the correct low bits each round: 1 -> 64 in 6. */
    uint64_t x = 1;
    for (int i = 0; i < 6; i++)
        x *= 2 - p[0] * x;
    f->inv = (uint64_t)0 - x;

    /* R^k mod p by doubling 1 modulo p, 256 times per power of R. */
    uint64_t acc[4] = {1, 0, 0, 0};
    uint64_t *dst[3] = {f->r1, f->r2, f->r3};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 256; i++)
            zkf_add(f, acc, acc, acc);
        limbs_copy(dst[k], acc);
    }

    /* p - 1 = 2^s * t with t odd. */
    uint64_t pm1[4], t[4];
    (void)zkf_limbs_sub(pm1, p, LIMBS_ONE);
    unsigned s = 0;
    limbs_copy(t, pm1);
    while ((t[0] & 1) == 0) {
        limbs_shr(t, t, 1);
        s++;
    }
    f->two_adicity = s;
    limbs_shr(f->ts_exp, t, 1); /* (t - 1) / 2 since t is odd */

    /* The smallest quadratic non-residue z: z^((p-1)/2) == -1. */
    uint64_t half[4], minus_one[4], z[4], e[4];
    limbs_shr(half, pm1, 1);
    zkf_neg(f, minus_one, f->r1);
    for (uint64_t cand = 2;; cand++) {
        uint64_t c[4] = {cand, 0, 0, 0};
        zkf_from_plain(f, z, c);
        zkf_pow(f, e, z, half);
        if (limbs_eq(e, minus_one)) break;
    }
    zkf_pow(f, f->ts_root, z, t);
    return ZK_OK;
}

void zkf_from_plain(const zk_field *f, uint64_t r[4], const uint64_t a[4])
{
    /* Montgomery product by R^2: valid for any a < 2^256 because only b must be < p. */
    zkf_mul(f, r, a, f->r2);
}

void zkf_to_plain(const zk_field *f, uint64_t r[4], const uint64_t a[4])
{
    zkf_mul(f, r, a, LIMBS_ONE);
}

void zkf_reduce(const zk_field *f, uint64_t r[4], const uint64_t a[4])
{
    uint64_t t[4];
    zkf_from_plain(f, t, a);
    zkf_to_plain(f, r, t);
}

void zkf_pow(const zk_field *f, uint64_t r[4], const uint64_t a[4], const uint64_t e[4])
{
    uint64_t acc[4], base[4];
    limbs_copy(acc, f->r1);
    limbs_copy(base, a);
    for (int i = (int)limbs_bits(e) - 1; i >= 0; i--) {
        zkf_sqr(f, acc, acc);
        if ((e[i / 64] >> (i % 64)) & 1) zkf_mul(f, acc, acc, base);
    }
    limbs_copy(r, acc);
}

/* b = b / 2 mod p. b + p < 2^255 never carries out. */
static void half_mod(const zk_field *f, uint64_t b[4])
{
    if (b[0] & 1) (void)zkf_limbs_add(b, b, f->p);
    limbs_shr(b, b, 1);
}

int zkf_inv(const zk_field *f, uint64_t r[4], const uint64_t a[4])
{
    if (zkf_limbs_is_zero(a)) {
        for (int i = 0; i < 4; i++)
            r[i] = 0;
        return ZK_ERR_RANGE;
    }
    /* Binary extended Euclid (Hankerson-Menezes-Vanstone, Guide to ECC, alg. 2.22)
     * on the integer x = a*R: invariants b*x = u and c*x = v (mod p). It runs in
     * about 2 log2(p) shift/subtract steps, far cheaper than the ~300 Montgomery
     * products of Fermat's x^(p-2); its timing depends on x, which is public. */
    uint64_t u[4], v[4], b[4] = {1, 0, 0, 0}, c[4] = {0, 0, 0, 0};
    limbs_copy(u, a);
    limbs_copy(v, f->p);
    while (!limbs_eq(u, LIMBS_ONE) && !limbs_eq(v, LIMBS_ONE)) {
        while ((u[0] & 1) == 0) {
            limbs_shr(u, u, 1);
            half_mod(f, b);
        }
        while ((v[0] & 1) == 0) {
            limbs_shr(v, v, 1);
            half_mod(f, c);
        }
        if (zkf_limbs_geq(u, v)) {
            (void)zkf_limbs_sub(u, u, v);
            zkf_sub(f, b, b, c);
        } else {
            (void)zkf_limbs_sub(v, v, u);
            zkf_sub(f, c, c, b);
        }
    }
    /* y = (aR)^-1 = a^-1 R^-1; Montgomery product with R^3 gives a^-1 R. */
    zkf_mul(f, r, limbs_eq(u, LIMBS_ONE) ? b : c, f->r3);
    return ZK_OK;
}

int zkf_sqrt(const zk_field *f, uint64_t r[4], const uint64_t a[4])
{
    if (zkf_limbs_is_zero(a)) {
        for (int i = 0; i < 4; i++)
            r[i] = 0;
        return ZK_OK;
    }
    /* Tonelli-Shanks. With s = 1 (p = 3 mod 4, e.g. Fp) the loop never runs and x
     * is a^((p+1)/4), the classic shortcut; Fr has s = 28. */
    uint64_t w[4], x[4], b[4], z[4], t[4];
    zkf_pow(f, w, a, f->ts_exp); /* a^((t-1)/2) */
    zkf_mul(f, x, a, w);         /* a^((t+1)/2) */
    zkf_mul(f, b, x, w);         /* a^t */
    limbs_copy(z, f->ts_root);
    unsigned v = f->two_adicity;
    while (!limbs_eq(b, f->r1)) {
        unsigned k = 0;
        limbs_copy(t, b);
        while (!limbs_eq(t, f->r1)) {
            zkf_sqr(f, t, t);
            if (++k >= v) {
                /* b's order is 2^v: a is a non-residue. */
                for (int i = 0; i < 4; i++)
                    r[i] = 0;
                return ZK_ERR_RANGE;
            }
        }
        limbs_copy(w, z);
        for (unsigned j = 0; j + k + 1 < v; j++)
            zkf_sqr(f, w, w);
        zkf_sqr(f, z, w);
        zkf_mul(f, b, b, z);
        zkf_mul(f, x, x, w);
        v = k;
    }
    limbs_copy(r, x);
    return ZK_OK;
}

void zkf_batch_inv(const zk_field *f, uint64_t (*out)[4], const uint64_t (*in)[4], size_t n,
                   uint64_t (*scratch)[4])
{
    uint64_t acc[4], t[4];
    limbs_copy(acc, f->r1);
    for (size_t i = 0; i < n; i++) {
        limbs_copy(scratch[i], acc); /* product of the non-zero in[0..i) */
        if (!zkf_limbs_is_zero(in[i])) zkf_mul(f, acc, acc, in[i]);
    }
    /* acc is a product of non-zero elements, so it is invertible. */
    if (zkf_inv(f, acc, acc) != ZK_OK) return;
    for (size_t i = n; i-- > 0;) {
        if (zkf_limbs_is_zero(in[i])) {
            for (int j = 0; j < 4; j++)
                out[i][j] = 0;
            continue;
        }
        zkf_mul(f, t, acc, scratch[i]);
        zkf_mul(f, acc, acc, in[i]); /* read in[i] before out[i] may overwrite it */
        limbs_copy(out[i], t);
    }
}

void zkf_limbs_from_be(uint64_t r[4], const uint8_t in[32])
{
    for (int i = 0; i < 4; i++)
        r[i] = be64_load(in + 8 * (3 - i));
}

void zkf_limbs_to_be(uint8_t out[32], const uint64_t a[4])
{
    for (int i = 0; i < 4; i++)
        be64_store(out + 8 * (3 - i), a[i]);
}

void zkf_limbs_from_le(uint64_t r[4], const uint8_t in[32])
{
    for (int i = 0; i < 4; i++)
        r[i] = le64_load(in + 8 * i);
}

void zkf_limbs_to_le(uint8_t out[32], const uint64_t a[4])
{
    for (int i = 0; i < 4; i++)
        le64_store(out + 8 * i, a[i]);
}

void zkf_random_plain(const zk_field *f, uint64_t r[4], uint64_t (*rng)(void *ctx), void *ctx)
{
    /* Draw bits(p) uniform bits and retry when >= p: at most 2 tries on average. */
    for (;;) {
        for (unsigned i = 0; i < 4; i++) {
            unsigned lo = 64 * i;
            if (lo >= f->bits)
                r[i] = 0;
            else if (f->bits - lo >= 64)
                r[i] = rng(ctx);
            else
                r[i] = rng(ctx) & ((1ULL << (f->bits - lo)) - 1);
        }
        if (!zkf_limbs_geq(r, f->p)) return;
    }
}

int zkf_check_canonical(const zk_field *f, const uint64_t a[4], const char *what, zk_errbuf *err)
{
    if (zkf_limbs_geq(a, f->p))
        return ZK_FAIL(err, ZK_ERR_NONCANONICAL, "%s is not below the field modulus", what);
    return ZK_OK;
}
