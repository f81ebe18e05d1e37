/* Byte strings inside circuits (see gadget_bits.h). */
#include "prover/gadget_bits.h"

void gb_alloc_bytes(circ *c, const uint8_t *data, size_t n, r1cs_var *bits)
{
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; j < 8; j++)
            bits[8 * i + j] = circ_bit(c, (data[i] >> j) & 1);
}

void gb_byte_lc(circ *c, r1cs_lc *lc, const r1cs_var bits8[8])
{
    circ_pack_bits(c, lc, bits8, 8);
}

/* Out: lc = sum over bytes i of 256^(n-1-i) * byte i (lc reset first); *value its witness.
 * Returns 0, or -1 after recording ZK_ERR_USAGE when n is outside 1..31 (a 32-byte
 * value could exceed r and two byte strings would then pack to the same element). */
static int pack_be_lc(circ *c, r1cs_lc *lc, fr *value, const r1cs_var *bits, size_t n)
{
    if (n == 0 || n > 31) {
        circ_fail(c, ZK_ERR_USAGE, "gb_pack_be: %zu bytes (1..31 allowed)", n);
        return -1;
    }
    r1cs_lc_reset(lc);
    fr w;
    fr_set_one(&w);
    /* The last byte is the least significant: walk from the end, doubling the weight. */
    for (size_t i = n; i-- > 0;)
        for (unsigned j = 0; j < 8; j++) {
            circ_lc_add(c, lc, bits[8 * i + j], &w);
            fr_dbl(&w, &w);
        }
    circ_lc_value(c, value, lc);
    return 0;
}

r1cs_var gb_pack_be(circ *c, const r1cs_var *bits, size_t n)
{
    if (!circ_ok(c)) return R1CS_ONE;
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    fr value;
    r1cs_var v = R1CS_ONE;
    if (pack_be_lc(c, &lc, &value, bits, n) == 0) v = circ_lc_to_var(c, &lc);
    r1cs_lc_clear(&lc);
    return circ_ok(c) ? v : R1CS_ONE;
}

r1cs_var gb_pack_be_public(circ *c, const r1cs_var *bits, size_t n)
{
    if (!circ_ok(c)) return R1CS_ONE;
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    fr value;
    r1cs_var v = R1CS_ONE;
    if (pack_be_lc(c, &lc, &value, bits, n) == 0) {
        v = circ_public(c, &value);
        /* lc - v = 0 */
        circ_lc_add_k(c, &lc, v, -1);
        circ_assert_zero_lc(c, &lc);
    }
    r1cs_lc_clear(&lc);
    return circ_ok(c) ? v : R1CS_ONE;
}

void gb_assert_equal_bits(circ *c, const r1cs_var *a, const r1cs_var *b, size_t nbits)
{
    for (size_t i = 0; i < nbits; i++)
        circ_assert_equal(c, a[i], b[i]);
}

void gb_bytes_value(circ *c, const r1cs_var *bits, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned byte = 0;
        for (unsigned j = 0; j < 8; j++) {
            uint64_t b = circ_val_u64(c, bits[8 * i + j]);
            if (b > 1) {
                circ_fail(c, ZK_ERR_INTERNAL, "gb_bytes_value: bit %zu holds %llu", 8 * i + j,
                          (unsigned long long)b);
                b &= 1;
            }
            byte |= (unsigned)b << j;
        }
        out[i] = (uint8_t)byte;
    }
}
