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

#endif
#endif
