/* Keccak-f[1600] and Keccak-256 gadgets (see gadget_keccak.h).
 *
 * Internally a state bit is a kbit: the affine form v or 1 - v of one variable, with
 * its witness value carried alongside (so the builder never reads values back from
 * the field). The constant variable R1CS_ONE makes constants the same shape: 1 is
 * {R1CS_ONE, neg 0} and 0 is {R1CS_ONE, neg 1}. This buys three things for free:
 *   - NOT and iota (XOR with a round-constant bit) flip neg and cost no constraint;
 *   - XOR/AND with a constant fold away, so the zero capacity and the padding bytes of
 *     a first block, and the bytes beyond a variable-length message, cost nothing;
 *   - every gadget takes affine inputs directly, so no variable is ever made only to
 *     name a sum.
 * Each constraint that makes a new variable pins it to one value given its inputs,
 * so no output bit is a free choice of the prover; the tests corrupt single internal
 * variables to check that. */
#include "prover/gadget_keccak.h"

#include <stdlib.h>
#include <string.h>

#define KECCAK_RATE   136 /* bytes: Keccak-256's rate, 1600 - 2 * 256 bits */
#define KECCAK_ROUNDS 24

/* FIPS 202 section 3.2.5, iota's round constants RC[i]. */
static const uint64_t keccak_rc[KECCAK_ROUNDS] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* FIPS 202 section 3.2.2, rho's offsets, indexed [x + 5y]. */
static const uint8_t keccak_rho[25] = {
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
};

typedef struct kbit {
    r1cs_var v;
    uint8_t neg; /* the bit is 1 - w[v] */
    uint8_t val; /* its witness value, 0 or 1 */
} kbit;

static kbit kb_const(unsigned b)
{
    return (kbit){R1CS_ONE, (uint8_t)!b, (uint8_t)(b & 1)};
}

static int kb_is_const(kbit a)
{
    return a.v == R1CS_ONE;
}

static kbit kb_flip(kbit a, unsigned f)
{
    a.neg ^= (uint8_t)(f & 1);
    a.val ^= (uint8_t)(f & 1);
    return a;
}

/* Appends scale * a (its affine form) to t[*n]. At most two terms. */
static void kb_terms(circ_term *t, size_t *n, kbit a, int64_t scale)
{
    if (a.neg) {
        t[(*n)++] = (circ_term){R1CS_ONE, scale};
        t[(*n)++] = (circ_term){a.v, -scale};
    } else {
        t[(*n)++] = (circ_term){a.v, scale};
    }
}

/* Builder context: the circuit plus the field constants the gadgets use, computed once
 * (converting small integers to Montgomery form per term dominated the build time). */
#define KB_KMAX 16 /* coefficients -KB_KMAX..KB_KMAX */
typedef struct kb_ctx {
    circ *c;
    fr k[2 * KB_KMAX + 1]; /* k[KB_KMAX + i] = i */
    r1cs_lc la, lb, lo;
} kb_ctx;

static void kb_ctx_init(kb_ctx *kx, circ *c)
{
    kx->c = c;
    fr one;
    fr_set_one(&one);
    fr_set_zero(&kx->k[KB_KMAX]);
    for (int i = 1; i <= KB_KMAX; i++) {
        fr_add(&kx->k[KB_KMAX + i], &kx->k[KB_KMAX + i - 1], &one);
        fr_neg(&kx->k[KB_KMAX - i], &kx->k[KB_KMAX + i]);
    }
    r1cs_lc_init(&kx->la);
    r1cs_lc_init(&kx->lb);
    r1cs_lc_init(&kx->lo);
}

static void kb_ctx_clear(kb_ctx *kx)
{
    r1cs_lc_clear(&kx->la);
    r1cs_lc_clear(&kx->lb);
    r1cs_lc_clear(&kx->lo);
}

static void kb_lc(kb_ctx *kx, r1cs_lc *lc, const circ_term *t, size_t n)
{
    r1cs_lc_reset(lc);
    for (size_t i = 0; i < n; i++) {
        if (t[i].k < -KB_KMAX || t[i].k > KB_KMAX) {
            circ_fail(kx->c, ZK_ERR_INTERNAL, "keccak gadget: coefficient %lld out of table",
                      (long long)t[i].k);
            return;
        }
        circ_lc_add(kx->c, lc, t[i].v, &kx->k[KB_KMAX + t[i].k]);
    }
}

/* circ_enforce with the cached coefficients. */
static void kb_enforce(kb_ctx *kx, const circ_term *a, size_t na, const circ_term *b, size_t nb,
                       const circ_term *o, size_t no)
{
    if (!circ_ok(kx->c)) return;
    kb_lc(kx, &kx->la, a, na);
    kb_lc(kx, &kx->lb, b, nb);
    kb_lc(kx, &kx->lo, o, no);
    circ_enforce_lc(kx->c, &kx->la, &kx->lb, &kx->lo);
}

/* A new private variable holding the bit b (no constraint). */
static r1cs_var kb_new(kb_ctx *kx, unsigned b)
{
    return circ_var(kx->c, &kx->k[KB_KMAX + (b & 1)]);
}

/* A new constrained bit holding b (one constraint b * (b - 1) = 0). */
static r1cs_var kb_new_bit(kb_ctx *kx, unsigned b)
{
    r1cs_var v = kb_new(kx, b);
    kb_enforce(kx, CT(v), CTL({v, 1}, {R1CS_ONE, -1}), NULL, 0);
    return v;
}

/* Reads a caller's bit, recording ZK_ERR_INTERNAL when its witness is not 0 or 1 (the
 * caller broke the "constrained bits" precondition while building). */
static kbit kb_from_var(kb_ctx *kx, r1cs_var v)
{
    const fr *x = circ_val(kx->c, v);
    int one = fr_eq(x, &kx->k[KB_KMAX + 1]);
    if (!one && !fr_is_zero(x))
        circ_fail(kx->c, ZK_ERR_INTERNAL, "keccak gadget: input variable %u is not a bit", v);
    return (kbit){v, 0, (uint8_t)one};
}

/* a XOR b XOR f: free when a or b is constant, otherwise one constraint
 * (2a) * b = a + b - x where x is the new variable's affine form for a XOR b (so a
 * round constant's flip is written into the same constraint, no extra variable). */
static kbit kb_xor(kb_ctx *kx, kbit a, kbit b, unsigned f)
{
    if (kb_is_const(a)) return kb_flip(b, a.val ^ f);
    if (kb_is_const(b)) return kb_flip(a, b.val ^ f);
    unsigned val = (unsigned)(a.val ^ b.val ^ (f & 1));
    kbit out = {kb_new(kx, val), 0, (uint8_t)val};
    kbit x = kb_flip(out, f); /* the affine form that equals a XOR b */
    circ_term ta[2], tb[2], tc[6];
    size_t na = 0, nb = 0, nc = 0;
    kb_terms(ta, &na, a, 2);
    kb_terms(tb, &nb, b, 1);
    kb_terms(tc, &nc, a, 1);
    kb_terms(tc, &nc, b, 1);
    kb_terms(tc, &nc, x, -1);
    kb_enforce(kx, ta, na, tb, nb, tc, nc);
    return out;
}

/* (NOT a) AND b: free when either is constant, otherwise one constraint (1-a) * b = out. */
static kbit kb_andn(kb_ctx *kx, kbit a, kbit b)
{
    kbit na = kb_flip(a, 1);
    if (kb_is_const(na)) return na.val ? b : kb_const(0);
    if (kb_is_const(b)) return b.val ? na : kb_const(0);
    unsigned val = (unsigned)(na.val & b.val);
    kbit out = {kb_new(kx, val), 0, (uint8_t)val};
    circ_term ta[2], tb[2], tc[1];
    size_t nta = 0, ntb = 0, ntc = 0;
    kb_terms(ta, &nta, na, 1);
    kb_terms(tb, &ntb, b, 1);
    kb_terms(tc, &ntc, out, 1);
    kb_enforce(kx, ta, nta, tb, ntb, tc, ntc);
    return out;
}

/* Bit s ? a : b (one constraint s * (a - b) = out - b); free when s is constant. */
static kbit kb_select(kb_ctx *kx, kbit s, kbit a, kbit b)
{
    if (kb_is_const(s)) return s.val ? a : b;
    unsigned val = s.val ? a.val : b.val;
    kbit out = {kb_new(kx, val), 0, (uint8_t)val};
    circ_term ts[2], td[4], to[3];
    size_t ns = 0, nd = 0, no = 0;
    kb_terms(ts, &ns, s, 1);
    kb_terms(td, &nd, a, 1);
    kb_terms(td, &nd, b, -1);
    kb_terms(to, &no, out, 1);
    kb_terms(to, &no, b, -1);
    kb_enforce(kx, ts, ns, td, nd, to, no);
    return out;
}

#define PARITY_MAX 7 /* most non-constant inputs kb_parity takes (theta uses 5) */

/* The XOR of n bits. Constants fold in; with k non-constant inputs it costs 0 (k <= 1),
 * 1 (k = 2, kb_xor), or 1 + m constraints for k >= 3, where m = bits of floor(k/2):
 * with S the integer sum of the inputs (0 <= S <= k), out boolean and q_0..q_{m-2}
 * boolean, the rest R = S - out - sum 2^(i+1) q_i is constrained to {0, 2^m} by
 * R * (R - 2^m) = 0. Both sides of S = out + 2q stay far below r, so the field
 * equation is the integer one and out is S mod 2: the prover has no choice. For the
 * 5-input column sums of theta that is 3 constraints. */
static kbit kb_parity(kb_ctx *kx, const kbit *in, size_t n)
{
    kbit var[PARITY_MAX];
    size_t k = 0;
    unsigned cst = 0, sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (kb_is_const(in[i])) {
            cst ^= in[i].val;
        } else if (k < PARITY_MAX) {
            var[k++] = in[i];
            sum += in[i].val;
        } else {
            circ_fail(kx->c, ZK_ERR_INTERNAL, "kb_parity: more than %d inputs", PARITY_MAX);
            return kb_const(0);
        }
    }
    if (k == 0) return kb_const(cst);
    if (k == 1) return kb_flip(var[0], cst);
    if (k == 2) return kb_xor(kx, var[0], var[1], cst);
    unsigned half = (unsigned)k / 2, m = 0;
    while ((1u << m) <= half)
        m++;
    unsigned par = sum & 1, q = sum >> 1;
    kbit out = {kb_new(kx, par), 0, (uint8_t)par};
    kb_enforce(kx, CT(out.v), CTL({out.v, 1}, {R1CS_ONE, -1}), NULL, 0);
    /* R = S - out - sum_{i < m-1} 2^(i+1) q_i */
    circ_term r[2 * PARITY_MAX + 1 + 3 + 1];
    size_t nr = 0;
    for (size_t i = 0; i < k; i++)
        kb_terms(r, &nr, var[i], 1);
    r[nr++] = (circ_term){out.v, -1};
    for (unsigned i = 0; i + 1 < m; i++) {
        r1cs_var qi = kb_new_bit(kx, (int)((q >> i) & 1));
        r[nr++] = (circ_term){qi, -((int64_t)2 << i)};
    }
    circ_term rm[sizeof r / sizeof *r];
    memcpy(rm, r, nr * sizeof *r);
    rm[nr] = (circ_term){R1CS_ONE, -((int64_t)1 << m)};
    kb_enforce(kx, r, nr, rm, nr + 1, NULL, 0);
    return kb_flip(out, cst);
}

/* Keccak-f[1600] on st (in place), FIPS 202 algorithm 7 with the step mappings of
 * section 3.2. With digest_only, the last round computes only lanes (0..3, 0), the
 * 256 digest bits (theta's A XOR D only for the diagonal lanes that pi moves into row
 * 0, chi only for those four lanes); the other lanes are left as constant 0 and must
 * not be used. */
static void keccak_perm(kb_ctx *kx, kbit st[1600], int digest_only)
{
    kbit col[5 * 64], d[5 * 64], b[1600];
    for (unsigned round = 0; round < KECCAK_ROUNDS && circ_ok(kx->c); round++) {
        int last = digest_only && round == KECCAK_ROUNDS - 1;
        /* theta: C[x] = XOR of the column, D[x] = C[x-1] ^ rot(C[x+1], 1) */
        for (unsigned x = 0; x < 5; x++)
            for (unsigned z = 0; z < 64; z++) {
                kbit in[5];
                for (unsigned y = 0; y < 5; y++)
                    in[y] = st[64 * (x + 5 * y) + z];
                col[64 * x + z] = kb_parity(kx, in, 5);
            }
        for (unsigned x = 0; x < 5; x++)
            for (unsigned z = 0; z < 64; z++)
                d[64 * x + z] = kb_xor(kx, col[64 * ((x + 4) % 5) + z],
                                       col[64 * ((x + 1) % 5) + (z + 63) % 64], 0);
        /* theta's A ^ D, then rho and pi as wiring: B[y, 2x+3y] = rot(A'[x, y], r[x, y]) */
        for (unsigned x = 0; x < 5; x++)
            for (unsigned y = 0; y < 5; y++) {
                unsigned src = x + 5 * y, dst = y + 5 * ((2 * x + 3 * y) % 5);
                for (unsigned z = 0; z < 64; z++) {
                    kbit a = st[64 * src + z];
                    kbit v = last && x != y ? kb_const(0) : kb_xor(kx, a, d[64 * x + z], 0);
                    b[64 * dst + (z + keccak_rho[src]) % 64] = v;
                }
            }
        /* chi, with iota folded into the XOR of lane (0, 0) */
        for (unsigned y = 0; y < 5; y++)
            for (unsigned x = 0; x < 5; x++) {
                unsigned lane = x + 5 * y;
                for (unsigned z = 0; z < 64; z++) {
                    if (last && (y != 0 || x > 3)) {
                        st[64 * lane + z] = kb_const(0);
                        continue;
                    }
                    kbit t = kb_andn(kx, b[64 * ((x + 1) % 5 + 5 * y) + z],
                                     b[64 * ((x + 2) % 5 + 5 * y) + z]);
                    unsigned rc = lane == 0 ? (unsigned)(keccak_rc[round] >> z) & 1 : 0;
                    st[64 * lane + z] = kb_xor(kx, b[64 * lane + z], t, rc);
                }
            }
    }
}

/* Out: out = a plain variable holding a (a itself when it is one already; otherwise a
 * new variable and one constraint a * 1 = out). */
static r1cs_var kb_to_var(kb_ctx *kx, kbit a)
{
    if (!kb_is_const(a) && !a.neg) return a.v;
    r1cs_var v = kb_new(kx, a.val);
    circ_term t[2];
    size_t n = 0;
    kb_terms(t, &n, a, 1);
    kb_enforce(kx, t, n, CT(R1CS_ONE), CT(v));
    return v;
}

void gk_keccak_f(circ *c, const r1cs_var in[1600], r1cs_var out[1600])
{
    for (size_t i = 0; i < 1600; i++)
        out[i] = R1CS_ONE; /* what a failed build leaves */
    if (!circ_ok(c)) return;
    kb_ctx kxs, *kx = &kxs;
    kb_ctx_init(kx, c);
    kbit *st = malloc(1600 * sizeof *st);
    if (!st) {
        circ_fail(c, ZK_ERR_NOMEM, "gk_keccak_f: out of memory");
        kb_ctx_clear(kx);
        return;
    }
    for (size_t i = 0; i < 1600; i++)
        st[i] = kb_from_var(kx, in[i]);
    keccak_perm(kx, st, 0);
    for (size_t i = 0; i < 1600; i++)
        out[i] = kb_to_var(kx, st[i]);
    free(st);
    kb_ctx_clear(kx);
}

/* Absorbs one rate block blk[0..8*136) into st (st ^= blk; free where either is constant). */
static void keccak_absorb(kb_ctx *kx, kbit st[1600], const kbit *blk)
{
    for (size_t i = 0; i < 8 * KECCAK_RATE; i++)
        st[i] = kb_xor(kx, st[i], blk[i], 0);
}

void gk_keccak256(circ *c, const r1cs_var *msg_bits, size_t len, r1cs_var digest[256])
{
    for (size_t i = 0; i < 256; i++)
        digest[i] = R1CS_ONE; /* what a failed build leaves */
    if (!circ_ok(c)) return;
    kb_ctx kxs, *kx = &kxs;
    kb_ctx_init(kx, c);
    kbit *st = malloc((1600 + 8 * KECCAK_RATE) * sizeof *st);
    if (!st) {
        circ_fail(c, ZK_ERR_NOMEM, "gk_keccak256: out of memory");
        kb_ctx_clear(kx);
        return;
    }
    kbit *blk = st + 1600;
    for (size_t i = 0; i < 1600; i++)
        st[i] = kb_const(0);
    size_t nblocks = len / KECCAK_RATE + 1;
    for (size_t bi = 0; bi < nblocks && circ_ok(c); bi++) {
        for (size_t i = 0; i < KECCAK_RATE; i++) {
            size_t pos = bi * KECCAK_RATE + i;
            /* Keccak's pad10*1 with Ethereum's domain byte: 0x01 after the message, 0x80
             * at the end of the block (0x81 when they meet). */
            unsigned pad = (pos == len ? 0x01u : 0u) | (i == KECCAK_RATE - 1 ? 0x80u : 0u);
            for (unsigned j = 0; j < 8; j++)
                blk[8 * i + j] =
                    pos < len ? kb_from_var(kx, msg_bits[8 * pos + j]) : kb_const((pad >> j) & 1);
        }
        keccak_absorb(kx, st, blk);
        keccak_perm(kx, st, bi + 1 == nblocks);
    }
    for (size_t i = 0; i < 256; i++)
        digest[i] = kb_to_var(kx, st[i]);
    free(st);
    kb_ctx_clear(kx);
}

/* The variable-length gadget's length encoding: keep[i] = (i < len) for i < max_len,
 * boolean and non-increasing, with len = sum keep[i]. That alone forces
 * 0 <= len <= max_len and makes keep the unary form of len. Everything else is linear
 * in keep: the 0x01 byte sits where keep steps down (e[i] = keep[i-1] - keep[i]) and the
 * block that holds it is the final one (f[b] = keep[136b - 1] - keep[136b + 135]). */
typedef struct var_len {
    const r1cs_var *keep;
    size_t max_len;
} var_len;

/* keep[i] as a kbit, with keep[-1] = 1 and keep[i] = 0 for i >= max_len. i is offset
 * by one so that "-1" is representable: pass i + 1. */
static kbit vl_keep(const var_len *vl, const uint8_t *vals, size_t i_plus_1)
{
    if (i_plus_1 == 0) return kb_const(1);
    size_t i = i_plus_1 - 1;
    if (i >= vl->max_len) return kb_const(0);
    return (kbit){vl->keep[i], 0, vals[i]};
}

/* Fills blk with block bi of the padded message: keep[pos] * msg + padding bits. */
static void var_block(kb_ctx *kx, const var_len *vl, const uint8_t *kv, const r1cs_var *msg_bits,
                      size_t bi, kbit *blk)
{
    const r1cs_var *keep = vl->keep;
    const size_t max_len = vl->max_len;
    /* f[bi] = keep[136 bi - 1] - keep[136 bi + 135]: this block holds byte len. */
    kbit f_hi = vl_keep(vl, kv, bi * KECCAK_RATE);
    kbit f_lo = vl_keep(vl, kv, bi * KECCAK_RATE + KECCAK_RATE);
    for (size_t i = 0; i < KECCAK_RATE; i++) {
        size_t pos = bi * KECCAK_RATE + i;
        /* e[pos] = keep[pos - 1] - keep[pos]: byte pos holds the 0x01. */
        kbit e_hi = vl_keep(vl, kv, pos), e_lo = vl_keep(vl, kv, pos + 1);
        for (unsigned j = 0; j < 8; j++) {
            /* The padding bits added to this bit: e[pos] on bit 0, f[bi] on bit 7 of
             * the block's last byte. They never meet a kept message bit (both need
             * pos >= len), so the bit is keep * msg + pad with no carry. */
            kbit hi = kb_const(0), lo = kb_const(0);
            if (j == 0) {
                hi = e_hi;
                lo = e_lo;
            } else if (j == 7 && i == KECCAK_RATE - 1) {
                hi = f_hi;
                lo = f_lo;
            }
            unsigned padv = (unsigned)(hi.val - lo.val) & 1;
            kbit *o = &blk[8 * i + j];
            if (pos >= max_len) {
                /* No message byte here: lo is keep[>= max_len] = 0, the bit is hi. */
                *o = hi;
                continue;
            }
            kbit m = kb_from_var(kx, msg_bits[8 * pos + j]);
            unsigned val = (unsigned)(kv[pos] & m.val) | padv;
            *o = (kbit){kb_new(kx, val), 0, (uint8_t)val};
            /* keep[pos] * msg = out - hi + lo */
            circ_term tc[5];
            size_t nc = 0;
            kb_terms(tc, &nc, *o, 1);
            kb_terms(tc, &nc, hi, -1);
            kb_terms(tc, &nc, lo, 1);
            kb_enforce(kx, CT(keep[pos]), CT(m.v), tc, nc);
        }
    }
}

/* The variable-length hash of one message, or of two of the same length whose first
 * shared_blocks blocks are the same variables (msgs[1] may be NULL for one message). */
static void keccak256_var_impl(circ *c, const r1cs_var *const msgs[2], size_t max_len, r1cs_var len,
                               size_t shared_blocks, r1cs_var *const digests[2])
{
    size_t n_msgs = msgs[1] ? 2 : 1;
    for (size_t k = 0; k < n_msgs; k++)
        for (size_t i = 0; i < 256; i++)
            digests[k][i] = R1CS_ONE; /* what a failed build leaves */
    if (!circ_ok(c)) return;
    if (max_len > UINT32_MAX) {
        circ_fail(c, ZK_ERR_USAGE, "gk_keccak256_var: max_len %zu too large", max_len);
        return;
    }
    kb_ctx kxs, *kx = &kxs;
    kb_ctx_init(kx, c);
    size_t nblocks = max_len / KECCAK_RATE + 1;
    if (shared_blocks > nblocks) shared_blocks = nblocks;
    /* The final block's padding end may reach one block past max_len. */
    kbit *st = malloc((2 * 1600 + 8 * KECCAK_RATE + 2 * 256 * nblocks) * sizeof *st);
    r1cs_var *keep = malloc((max_len ? max_len : 1) * sizeof *keep);
    uint8_t *kv = malloc(max_len ? max_len : 1);
    if (!st || !keep || !kv) {
        circ_fail(c, ZK_ERR_NOMEM, "gk_keccak256_var: out of memory");
        goto out;
    }
    kbit *sts[2] = {st, st + 1600};
    kbit *blk = st + 2 * 1600,
         *hashes[2] = {blk + 8 * KECCAK_RATE, blk + 8 * KECCAK_RATE + 256 * nblocks};
    uint64_t lv = circ_val_u64(c, len);
    if (circ_ok(c) && lv > max_len) {
        circ_fail(c, ZK_ERR_RANGE, "gk_keccak256_var: len %llu exceeds max_len %zu",
                  (unsigned long long)lv, max_len);
        goto out;
    }

    /* keep bits, monotone: keep[i] * (1 - keep[i-1]) = 0; then len = sum keep. */
    r1cs_lc sum;
    r1cs_lc_init(&sum);
    for (size_t i = 0; i < max_len; i++) {
        kv[i] = i < lv;
        keep[i] = kb_new_bit(kx, kv[i]);
        if (i > 0) kb_enforce(kx, CT(keep[i]), CTL({R1CS_ONE, 1}, {keep[i - 1], -1}), NULL, 0);
        circ_lc_add_k(c, &sum, keep[i], 1);
    }
    circ_lc_add_k(c, &sum, len, -1);
    circ_assert_zero_lc(c, &sum);
    r1cs_lc_clear(&sum);
    var_len vl = {keep, max_len};

    for (size_t i = 0; i < 1600; i++)
        sts[0][i] = kb_const(0);
    for (size_t bi = 0; bi < nblocks && circ_ok(c); bi++) {
        /* Inside the shared prefix both messages have the same state: compute it once. */
        size_t todo = bi < shared_blocks ? 1 : n_msgs;
        if (bi == shared_blocks && n_msgs == 2) memcpy(sts[1], sts[0], 1600 * sizeof *st);
        for (size_t k = 0; k < todo; k++) {
            var_block(kx, &vl, kv, msgs[k], bi, blk);
            keccak_absorb(kx, sts[k], blk);
            keccak_perm(kx, sts[k], bi + 1 == nblocks);
        }
        for (size_t k = 0; k < n_msgs; k++)
            memcpy(hashes[k] + 256 * bi, sts[k < todo ? k : 0], 256 * sizeof *st);
    }

    /* The digest is block b's state for the last b with len >= 136 b (keep[136b - 1]),
     * i.e. the block holding the padding end: a chain of selects on monotone bits. */
    for (size_t k = 0; k < n_msgs; k++)
        for (size_t i = 0; i < 256 && circ_ok(c); i++) {
            kbit acc = hashes[k][i];
            for (size_t bi = 1; bi < nblocks; bi++)
                acc =
                    kb_select(kx, vl_keep(&vl, kv, bi * KECCAK_RATE), hashes[k][256 * bi + i], acc);
            digests[k][i] = kb_to_var(kx, acc);
        }
out:
    free(st);
    free(keep);
    free(kv);
    kb_ctx_clear(kx);
}

void gk_keccak256_var(circ *c, const r1cs_var *msg_bits, size_t max_len, r1cs_var len,
                      r1cs_var digest[256])
{
    const r1cs_var *const msgs[2] = {msg_bits, NULL};
    r1cs_var *const digests[2] = {digest, NULL};
    keccak256_var_impl(c, msgs, max_len, len, 0, digests);
}

void gk_keccak256_var_pair(circ *c, const r1cs_var *msg_a, const r1cs_var *msg_b, size_t max_len,
                           r1cs_var len, size_t shared_len, r1cs_var digest_a[256],
                           r1cs_var digest_b[256])
{
    for (size_t i = 0; i < 8 * shared_len && i < 8 * max_len; i++)
        if (msg_a[i] != msg_b[i]) {
            circ_fail(c, ZK_ERR_USAGE, "gk_keccak256_var_pair: the prefix is not shared");
            return;
        }
    const r1cs_var *const msgs[2] = {msg_a, msg_b};
    r1cs_var *const digests[2] = {digest_a, digest_b};
    keccak256_var_impl(c, msgs, max_len, len, shared_len / KECCAK_RATE, digests);
}
