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

/* r = the plain integer a^-1 mod p for a plain non-zero a < p: the bit-by-bit
 * binary Euclid, the fallback of inv_pornin (which never needs it for a prime p). */
static void inv_euclid(const zk_field *f, uint64_t r[4], const uint64_t a[4])
{
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
    limbs_copy(r, limbs_eq(u, LIMBS_ONE) ? b : c);
}

/* Pornin's optimised binary GCD ("Optimized Binary GCD for Modular Inversion",
 * eprint 2020/972, algorithm 2 with k = 32), in its variable-time form. The
 * bit-by-bit binary Euclid keeps a = u*y and b = v*y (mod p) and spends a few
 * 256-bit operations per bit of a and b; here 31 of those steps at a time run on
 * 64-bit approximations of a and b (their top 33 and low 31 bits), recording the
 * steps as a 2x2 matrix of small integers (|f| + |g| <= 2^31), and then one
 * matrix product updates the full-size a, b, u, v. The paper proves that
 * ceil((2 len(p) - 1) / 31) rounds bring a to 0 (17 rounds for 254 bits), with
 * b = gcd(y, p) = 1 and v = y^-1; the approximations can make a or b negative,
 * which the rounds fix by negating a row of the matrix. */

/* The signed 320-bit value a*f + b*g for 256-bit a, b and |f|, |g| <= 2^31, as
 * five limbs in two's complement. */
static void lin_comb(uint64_t t[5], const uint64_t a[4], int64_t f, const uint64_t b[4], int64_t g)
{
    zkf_s128 acc = 0;
    for (int i = 0; i < 4; i++) {
        acc += (zkf_s128)a[i] * f + (zkf_s128)b[i] * g;
        t[i] = (uint64_t)acc;
        acc >>= 64; /* arithmetic shift: GCC and Clang define it for signed values */
    }
    t[4] = (uint64_t)acc;
}

/* t = t >> 31 for a signed 320-bit t whose low 31 bits are zero, truncated to four
 * limbs; returns true when t is negative (the caller negates it). */
static bool shr31_signed(uint64_t r[4], const uint64_t t[5])
{
    for (int i = 0; i < 4; i++)
        r[i] = (t[i] >> 31) | (t[i + 1] << 33);
    return (int64_t)t[4] < 0;
}

static void limbs_negate(uint64_t r[4])
{
    uint64_t zero[4] = {0, 0, 0, 0};
    (void)zkf_limbs_sub(r, zero, r);
}

/* r = (u*f + v*g) / 2^31 mod p, for u, v < p and |f| + |g| <= 2^31. Adding mu*p
 * with mu = -(u*f + v*g) / p mod 2^31 makes the sum divisible by 2^31 without
 * changing it mod p (Montgomery's reduction on 31 bits); the quotient lies in
 * (-p, 2p) and one correction brings it into [0, p). */
static void update_mod(const zk_field *f, uint64_t r[4], const uint64_t u[4], int64_t fu,
                       const uint64_t v[4], int64_t gv)
{
    uint64_t t[5];
    lin_comb(t, u, fu, v, gv);
    uint64_t mu = (t[0] * f->inv) & 0x7fffffffu;
    zkf_u128 acc = 0;
    for (int i = 0; i < 4; i++) {
        acc += (zkf_u128)mu * f->p[i] + t[i];
        t[i] = (uint64_t)acc;
        acc >>= 64;
    }
    t[4] += (uint64_t)acc;
    bool neg = shr31_signed(r, t);
    if (neg)
        (void)zkf_limbs_add(r, r, f->p);
    else if (zkf_limbs_geq(r, f->p))
        (void)zkf_limbs_sub(r, r, f->p);
}

/* The 64 bits of a starting at bit pos (pos < 256). */
static uint64_t limbs_window(const uint64_t a[4], unsigned pos)
{
    unsigned w = pos / 64, s = pos % 64;
    uint64_t lo = a[w] >> s;
    if (s != 0 && w < 3) lo |= a[w + 1] << (64 - s);
    return lo;
}

/* r = y^-1 mod p for a plain non-zero y < p. */
static void inv_pornin(const zk_field *f, uint64_t r[4], const uint64_t y[4])
{
    uint64_t a[4], b[4], u[4] = {1, 0, 0, 0}, v[4] = {0, 0, 0, 0}, t[5];
    limbs_copy(a, y);
    limbs_copy(b, f->p);
    /* 2 * 254 - 1 bits at 31 per round: 17 rounds; the cap only guards the proof. */
    for (int round = 0; round < 40 && !zkf_limbs_is_zero(a); round++) {
        unsigned la = limbs_bits(a), lb = limbs_bits(b);
        unsigned n = la > lb ? la : lb;
        if (n < 64) n = 64;
        const uint64_t low = 0x7fffffffu;
        uint64_t aa = (a[0] & low) | (limbs_window(a, n - 33) << 31);
        uint64_t bb = (b[0] & low) | (limbs_window(b, n - 33) << 31);
        int64_t f0 = 1, g0 = 0, f1 = 0, g1 = 1;
        for (int j = 0; j < 31;) {
            if ((aa & 1) == 0) {
                /* Several halvings at once: ctz of aa, capped by the steps left
                 * (aa == 0 means a's approximation is done: just the doublings). */
                int z = aa == 0 ? 31 - j : __builtin_ctzll(aa);
                if (z > 31 - j) z = 31 - j;
                aa >>= z;
                f1 = (int64_t)((uint64_t)f1 << z);
                g1 = (int64_t)((uint64_t)g1 << z);
                j += z;
                continue;
            }
            if (aa < bb) {
                uint64_t x = aa;
                aa = bb;
                bb = x;
                int64_t y0 = f0, y1 = g0;
                f0 = f1;
                g0 = g1;
                f1 = y0;
                g1 = y1;
            }
            aa = (aa - bb) >> 1;
            f0 -= f1;
            g0 -= g1;
            f1 = (int64_t)((uint64_t)f1 << 1);
            g1 = (int64_t)((uint64_t)g1 << 1);
            j++;
        }
        uint64_t na[4], nb[4];
        lin_comb(t, a, f0, b, g0);
        if (shr31_signed(na, t)) {
            limbs_negate(na);
            f0 = -f0;
            g0 = -g0;
        }
        lin_comb(t, a, f1, b, g1);
        if (shr31_signed(nb, t)) {
            limbs_negate(nb);
            f1 = -f1;
            g1 = -g1;
        }
        limbs_copy(a, na);
        limbs_copy(b, nb);
        uint64_t nu[4];
        update_mod(f, nu, u, f0, v, g0);
        update_mod(f, v, u, f1, v, g1);
        limbs_copy(u, nu);
    }
    if (!zkf_limbs_is_zero(a) || !limbs_eq(b, LIMBS_ONE)) {
        /* Outside the paper's guarantee (p not prime?): take the slow exact path. */
        inv_euclid(f, r, y);
        return;
    }
    limbs_copy(r, v);
}

int zkf_inv(const zk_field *f, uint64_t r[4], const uint64_t a[4])
{
    if (zkf_limbs_is_zero(a)) {
        for (int i = 0; i < 4; i++)
            r[i] = 0;
        return ZK_ERR_RANGE;
    }
    uint64_t y[4];
    inv_pornin(f, y, a);
    /* y = (aR)^-1 = a^-1 R^-1; Montgomery product with R^3 gives a^-1 R. */
    zkf_mul(f, r, y, f->r3);
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

void zkf_mul_fallback(const zk_field *f, uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    zkf_mul_portable(f, r, a, b);
}
