/* Internal to prover/: the x86-64 MULX/ADCX/ADOX Montgomery product behind
 * field.h's zkf_mul. Compiled only for x86-64 GCC/Clang without ZKF_NO_ASM; used
 * only when the CPU reports BMI2 (MULX) and ADX (ADCX/ADOX), which field.h checks
 * at run time (zkf_cpu_has_adx); the portable C product is the fallback and the
 * reference the tests compare against.
 *
 * The algorithm is the CIOS product of field.h's zkf_mul_portable: four rounds of
 * t += a[i] * b; t = (t + m * p) / 2^64 with m = t * (-p^-1) mod 2^64, then one
 * conditional subtraction of p. The running sum lives in five registers that
 * rotate from round to round (the word shifted out is zero and becomes the next
 * round's top word), and each round keeps two independent carry chains: ADOX adds
 * the low halves of the products and ADCX the high halves, so the CPU overlaps
 * them instead of serialising on one carry flag.
 *
 * Bounds (p < 2^254, b < 2p, a < 2^256; field.h states the same for the portable
 * product): t < 2p before every round, so t + a[i] * b + m * p < 2^320 always fits
 * the five registers and the carries that leave the top register are zero; the
 * final t < 2p needs only one subtraction. */
#ifndef ZKRELAY_PROVER_FIELD_X86_64_H
#define ZKRELAY_PROVER_FIELD_X86_64_H

#include <stdint.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(ZKF_NO_ASM)
#define ZKF_HAVE_ADX 1
/* The addition and subtraction below use only base x86-64 instructions: no CPU
 * check. */
#define ZKF_HAVE_X86_ASM 1

/* r = a + b mod p, for p < 2^254 (4 limbs). In: a, b < p. Out: r < p. r may alias
 * a or b. Branch-free: the C version's data-dependent branch on the comparison
 * with p mispredicts about half the time on random inputs, and its limb loops
 * carry through 128-bit temporaries. a + b < 2p < 2^255 never carries out. */
static inline void zkf_add_x86(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                               const uint64_t p[4])
{
    uint64_t t0 = a[0], t1 = a[1], t2 = a[2], t3 = a[3], u0, u1, u2, u3;
    __asm__("addq 0(%[b]), %[t0]\n\t"
            "adcq 8(%[b]), %[t1]\n\t"
            "adcq 16(%[b]), %[t2]\n\t"
            "adcq 24(%[b]), %[t3]\n\t"
            "movq %[t0], %[u0]\n\t"
            "subq 0(%[p]), %[u0]\n\t"
            "movq %[t1], %[u1]\n\t"
            "sbbq 8(%[p]), %[u1]\n\t"
            "movq %[t2], %[u2]\n\t"
            "sbbq 16(%[p]), %[u2]\n\t"
            "movq %[t3], %[u3]\n\t"
            "sbbq 24(%[p]), %[u3]\n\t"
            /* no borrow: a + b >= p, keep a + b - p */
            "cmovncq %[u0], %[t0]\n\t"
            "cmovncq %[u1], %[t1]\n\t"
            "cmovncq %[u2], %[t2]\n\t"
            "cmovncq %[u3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [u0] "=&r"(u0),
              [u1] "=&r"(u1), [u2] "=&r"(u2), [u3] "=&r"(u3)
            : [b] "r"(b), "m"(*(const uint64_t(*)[4])b), [p] "r"(p), "m"(*(const uint64_t(*)[4])p)
            : "cc");
    r[0] = t0;
    r[1] = t1;
    r[2] = t2;
    r[3] = t3;
}

/* r = a - b mod p. In: a, b < p. Out: r < p. r may alias a or b. Branch-free: on a
 * borrow, adds p masked by the borrow. */
static inline void zkf_sub_x86(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                               const uint64_t p[4])
{
    uint64_t t0 = a[0], t1 = a[1], t2 = a[2], t3 = a[3], m, u0, u1, u2, u3;
    __asm__("subq 0(%[b]), %[t0]\n\t"
            "sbbq 8(%[b]), %[t1]\n\t"
            "sbbq 16(%[b]), %[t2]\n\t"
            "sbbq 24(%[b]), %[t3]\n\t"
            "sbbq %[m], %[m]\n\t" /* m = a < b ? all ones : 0 */
            "movq 0(%[p]), %[u0]\n\t"
            "andq %[m], %[u0]\n\t"
            "movq 8(%[p]), %[u1]\n\t"
            "andq %[m], %[u1]\n\t"
            "movq 16(%[p]), %[u2]\n\t"
            "andq %[m], %[u2]\n\t"
            "movq 24(%[p]), %[u3]\n\t"
            "andq %[m], %[u3]\n\t"
            "addq %[u0], %[t0]\n\t"
            "adcq %[u1], %[t1]\n\t"
            "adcq %[u2], %[t2]\n\t"
            "adcq %[u3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [m] "=&r"(m),
              [u0] "=&r"(u0), [u1] "=&r"(u1), [u2] "=&r"(u2), [u3] "=&r"(u3)
            : [b] "r"(b), "m"(*(const uint64_t(*)[4])b), [p] "r"(p), "m"(*(const uint64_t(*)[4])p)
            : "cc");
    r[0] = t0;
    r[1] = t1;
    r[2] = t2;
    r[3] = t3;
}

/* r = a * b * 2^-256 mod p, for p (4 limbs, odd, < 2^254) and pinv = -p^-1 mod
 * 2^64. In: a < 2^256, b < 2p. Out: r < p. r may alias a or b. Requires BMI2 and
 * ADX: call it only after zkf_cpu_has_adx() (field.h) said yes. */
static inline void zkf_mul_adx(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                               const uint64_t p[4], uint64_t pinv)
{
    uint64_t t0, t1, t2, t3, t4, lo, hi, z;
    __asm__("movq 0(%[a]), %%rdx\n\t"
            "mulxq 0(%[b]), %[t0], %[t1]\n\t"
            "mulxq 8(%[b]), %[lo], %[t2]\n\t"
            "addq %[lo], %[t1]\n\t"
            "mulxq 16(%[b]), %[lo], %[t3]\n\t"
            "adcq %[lo], %[t2]\n\t"
            "mulxq 24(%[b]), %[lo], %[t4]\n\t"
            "adcq %[lo], %[t3]\n\t"
            "adcq $0, %[t4]\n\t"
            "movq %[t0], %%rdx\n\t"
            "imulq %[inv], %%rdx\n\t"
            "xorl %k[z], %k[z]\n\t"
            "mulxq %[p0], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t0]\n\t"
            "adoxq %[hi], %[t1]\n\t"
            "mulxq %[p1], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t1]\n\t"
            "adoxq %[hi], %[t2]\n\t"
            "mulxq %[p2], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t2]\n\t"
            "adoxq %[hi], %[t3]\n\t"
            "mulxq %[p3], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "adoxq %[hi], %[t4]\n\t"
            "adcxq %[z], %[t4]\n\t"
            "movq 8(%[a]), %%rdx\n\t"
            "xorl %k[z], %k[z]\n\t"
            "mulxq 0(%[b]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t1]\n\t"
            "adcxq %[hi], %[t2]\n\t"
            "mulxq 8(%[b]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t2]\n\t"
            "adcxq %[hi], %[t3]\n\t"
            "mulxq 16(%[b]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t3]\n\t"
            "adcxq %[hi], %[t4]\n\t"
            "mulxq 24(%[b]), %[lo], %[t0]\n\t"
            "adoxq %[lo], %[t4]\n\t"
            "adcxq %[z], %[t0]\n\t"
            "adoxq %[z], %[t0]\n\t"
            "movq %[t1], %%rdx\n\t"
            "imulq %[inv], %%rdx\n\t"
            "xorl %k[z], %k[z]\n\t"
            "mulxq %[p0], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t1]\n\t"
            "adoxq %[hi], %[t2]\n\t"
            "mulxq %[p1], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t2]\n\t"
            "adoxq %[hi], %[t3]\n\t"
            "mulxq %[p2], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "adoxq %[hi], %[t4]\n\t"
            "mulxq %[p3], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t4]\n\t"
            "adoxq %[hi], %[t0]\n\t"
            "adcxq %[z], %[t0]\n\t"
            "movq 16(%[a]), %%rdx\n\t"
            "xorl %k[z], %k[z]\n\t"
            "mulxq 0(%[b]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t2]\n\t"
            "adcxq %[hi], %[t3]\n\t"
            "mulxq 8(%[b]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t3]\n\t"
            "adcxq %[hi], %[t4]\n\t"
            "mulxq 16(%[b]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t4]\n\t"
            "adcxq %[hi], %[t0]\n\t"
            "mulxq 24(%[b]), %[lo], %[t1]\n\t"
            "adoxq %[lo], %[t0]\n\t"
            "adcxq %[z], %[t1]\n\t"
            "adoxq %[z], %[t1]\n\t"
            "movq %[t2], %%rdx\n\t"
            "imulq %[inv], %%rdx\n\t"
            "xorl %k[z], %k[z]\n\t"
            "mulxq %[p0], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t2]\n\t"
            "adoxq %[hi], %[t3]\n\t"
            "mulxq %[p1], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "adoxq %[hi], %[t4]\n\t"
            "mulxq %[p2], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t4]\n\t"
            "adoxq %[hi], %[t0]\n\t"
            "mulxq %[p3], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t0]\n\t"
            "adoxq %[hi], %[t1]\n\t"
            "adcxq %[z], %[t1]\n\t"
            "movq 24(%[a]), %%rdx\n\t"
            "xorl %k[z], %k[z]\n\t"
            "mulxq 0(%[b]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t3]\n\t"
            "adcxq %[hi], %[t4]\n\t"
            "mulxq 8(%[b]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t4]\n\t"
            "adcxq %[hi], %[t0]\n\t"
            "mulxq 16(%[b]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t0]\n\t"
            "adcxq %[hi], %[t1]\n\t"
            "mulxq 24(%[b]), %[lo], %[t2]\n\t"
            "adoxq %[lo], %[t1]\n\t"
            "adcxq %[z], %[t2]\n\t"
            "adoxq %[z], %[t2]\n\t"
            "movq %[t3], %%rdx\n\t"
            "imulq %[inv], %%rdx\n\t"
            "xorl %k[z], %k[z]\n\t"
            "mulxq %[p0], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "adoxq %[hi], %[t4]\n\t"
            "mulxq %[p1], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t4]\n\t"
            "adoxq %[hi], %[t0]\n\t"
            "mulxq %[p2], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t0]\n\t"
            "adoxq %[hi], %[t1]\n\t"
            "mulxq %[p3], %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t1]\n\t"
            "adoxq %[hi], %[t2]\n\t"
            "adcxq %[z], %[t2]\n\t"
            "movq %[t4], %[lo]\n\t"
            "subq %[p0], %[lo]\n\t"
            "movq %[t0], %[hi]\n\t"
            "sbbq %[p1], %[hi]\n\t"
            "movq %[t1], %%rdx\n\t"
            "sbbq %[p2], %%rdx\n\t"
            "movq %[t2], %[t3]\n\t"
            "sbbq %[p3], %[t3]\n\t"
            "cmovncq %[lo], %[t4]\n\t"
            "cmovncq %[hi], %[t0]\n\t"
            "cmovncq %%rdx, %[t1]\n\t"
            "cmovncq %[t3], %[t2]\n\t"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),
              [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(z)
            : [a] "r"(a), [b] "r"(b), "m"(*(const uint64_t(*)[4])a), "m"(*(const uint64_t(*)[4])b),
              [p0] "m"(p[0]), [p1] "m"(p[1]), [p2] "m"(p[2]), [p3] "m"(p[3]), [inv] "rm"(pinv)
            : "rdx", "cc");
    /* The rounds leave the result in t4, t0, t1, t2 (the register ring turned four
     * times). */
    r[0] = t4;
    r[1] = t0;
    r[2] = t1;
    r[3] = t2;
    (void)t3;
    (void)lo;
    (void)hi;
    (void)z;
}

/* r = a^2 * 2^-256 mod p (the Montgomery square), for p < 2^254 and pinv = -p^-1
 * mod 2^64. In: a < p. Out: r < p. r may alias a. Requires BMI2 and ADX, as
 * zkf_mul_adx.
 *
 * Separated operand scanning: the 512-bit square first, with each cross product
 * a_i a_j (i < j) computed once and doubled (10 MULX instead of the product's 16),
 * then the Montgomery reduction of its low half in four rounds of
 * u = (u + m p) / 2^64, m = u * pinv mod 2^64 (zkf_mul_adx's rounds), and the high
 * half added at the end. Bounds: a^2 < p^2 < 2^508; the rounds leave
 * (lo + M p) / 2^256 < p + 1; the high half is a^2 / 2^256 < p^2 / 2^256 < p / 4
 * (p < 2^254); so the sum is below 2p and one conditional subtraction of p
 * finishes. The pointer register is reused as the zero register once a is read. */
static inline void zkf_sqr_adx(uint64_t r[4], const uint64_t a[4], const uint64_t p[4],
                               uint64_t pinv)
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__(/* cross products a_i a_j, i < j, at limbs 1..6 */
            "movq 0(%[a]), %%rdx\n\t"
            "mulxq 8(%[a]), %[t1], %[t2]\n\t"
            "mulxq 16(%[a]), %[lo], %[t3]\n\t"
            "addq %[lo], %[t2]\n\t"
            "mulxq 24(%[a]), %[lo], %[t4]\n\t"
            "adcq %[lo], %[t3]\n\t"
            "adcq $0, %[t4]\n\t"
            "movq 8(%[a]), %%rdx\n\t"
            "mulxq 16(%[a]), %[lo], %[hi]\n\t"
            "mulxq 24(%[a]), %[t0], %[t5]\n\t"
            "addq %[t0], %[hi]\n\t"
            "adcq $0, %[t5]\n\t"
            "addq %[lo], %[t3]\n\t"
            "adcq %[hi], %[t4]\n\t"
            "adcq $0, %[t5]\n\t"
            "movq 16(%[a]), %%rdx\n\t"
            "mulxq 24(%[a]), %[lo], %[t6]\n\t"
            "addq %[lo], %[t5]\n\t"
            "adcq $0, %[t6]\n\t"
            /* doubled; t7 takes the bit shifted out */
            "xorl %k[t7], %k[t7]\n\t"
            "addq %[t1], %[t1]\n\t"
            "adcq %[t2], %[t2]\n\t"
            "adcq %[t3], %[t3]\n\t"
            "adcq %[t4], %[t4]\n\t"
            "adcq %[t5], %[t5]\n\t"
            "adcq %[t6], %[t6]\n\t"
            "adcq $0, %[t7]\n\t"
            /* plus the squares a_i^2 at limb 2i */
            "movq 0(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[t0], %[hi]\n\t"
            "addq %[hi], %[t1]\n\t"
            "movq 8(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcq %[lo], %[t2]\n\t"
            "adcq %[hi], %[t3]\n\t"
            "movq 16(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcq %[lo], %[t4]\n\t"
            "adcq %[hi], %[t5]\n\t"
            "movq 24(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcq %[lo], %[t6]\n\t"
            "adcq %[hi], %[t7]\n\t"
            /* reduce t0..t3: the register ring turns once per round */
            "movq %[t0], %%rdx\n\t"
            "imulq %[inv], %%rdx\n\t"
            "xorl %k[lo], %k[lo]\n\t"
            "mulxq 0(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t0]\n\t"
            "adoxq %[hi], %[t1]\n\t"
            "mulxq 8(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t1]\n\t"
            "adoxq %[hi], %[t2]\n\t"
            "mulxq 16(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t2]\n\t"
            "adoxq %[hi], %[t3]\n\t"
            "mulxq 24(%[p]), %[lo], %[t0]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "movq $0, %[lo]\n\t"
            "adoxq %[lo], %[t0]\n\t"
            "adcxq %[lo], %[t0]\n\t"
            "movq %[t1], %%rdx\n\t"
            "imulq %[inv], %%rdx\n\t"
            "xorl %k[lo], %k[lo]\n\t"
            "mulxq 0(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t1]\n\t"
            "adoxq %[hi], %[t2]\n\t"
            "mulxq 8(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t2]\n\t"
            "adoxq %[hi], %[t3]\n\t"
            "mulxq 16(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "adoxq %[hi], %[t0]\n\t"
            "mulxq 24(%[p]), %[lo], %[t1]\n\t"
            "adcxq %[lo], %[t0]\n\t"
            "movq $0, %[lo]\n\t"
            "adoxq %[lo], %[t1]\n\t"
            "adcxq %[lo], %[t1]\n\t"
            "movq %[t2], %%rdx\n\t"
            "imulq %[inv], %%rdx\n\t"
            "xorl %k[lo], %k[lo]\n\t"
            "mulxq 0(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t2]\n\t"
            "adoxq %[hi], %[t3]\n\t"
            "mulxq 8(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "adoxq %[hi], %[t0]\n\t"
            "mulxq 16(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t0]\n\t"
            "adoxq %[hi], %[t1]\n\t"
            "mulxq 24(%[p]), %[lo], %[t2]\n\t"
            "adcxq %[lo], %[t1]\n\t"
            "movq $0, %[lo]\n\t"
            "adoxq %[lo], %[t2]\n\t"
            "adcxq %[lo], %[t2]\n\t"
            "movq %[t3], %%rdx\n\t"
            "imulq %[inv], %%rdx\n\t"
            "xorl %k[lo], %k[lo]\n\t"
            "mulxq 0(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "adoxq %[hi], %[t0]\n\t"
            "mulxq 8(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t0]\n\t"
            "adoxq %[hi], %[t1]\n\t"
            "mulxq 16(%[p]), %[lo], %[hi]\n\t"
            "adcxq %[lo], %[t1]\n\t"
            "adoxq %[hi], %[t2]\n\t"
            "mulxq 24(%[p]), %[lo], %[t3]\n\t"
            "adcxq %[lo], %[t2]\n\t"
            "movq $0, %[lo]\n\t"
            "adoxq %[lo], %[t3]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            /* plus the high half t4..t7 */
            "addq %[t4], %[t0]\n\t"
            "adcq %[t5], %[t1]\n\t"
            "adcq %[t6], %[t2]\n\t"
            "adcq %[t7], %[t3]\n\t"
            /* minus p when no borrow */
            "movq %[t0], %[t4]\n\t"
            "subq 0(%[p]), %[t4]\n\t"
            "movq %[t1], %[t5]\n\t"
            "sbbq 8(%[p]), %[t5]\n\t"
            "movq %[t2], %[t6]\n\t"
            "sbbq 16(%[p]), %[t6]\n\t"
            "movq %[t3], %[t7]\n\t"
            "sbbq 24(%[p]), %[t7]\n\t"
            "cmovncq %[t4], %[t0]\n\t"
            "cmovncq %[t5], %[t1]\n\t"
            "cmovncq %[t6], %[t2]\n\t"
            "cmovncq %[t7], %[t3]\n\t"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),
              [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi)
            : [a] "r"(a), [p] "r"(p), [inv] "rm"(pinv)
            : "rdx", "cc", "memory");
    r[0] = t0;
    r[1] = t1;
    r[2] = t2;
    r[3] = t3;
    (void)t4;
    (void)t5;
    (void)t6;
    (void)t7;
    (void)lo;
    (void)hi;
}

#endif
#endif
