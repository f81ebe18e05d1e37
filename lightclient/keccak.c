#include "keccak.h"

#include <string.h>

#include "bytes.h"

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

#define ROL64(v, n) ((n) == 0 ? (v) : (((v) << (n)) | ((v) >> (64 - (n)))))

/* One round on named lanes: theta, rho+pi, chi, iota, fully unrolled so the
 * compiler keeps the 25 lanes in registers (the loop-and-table form is ~2x slower). */
void keccakf1600(uint64_t st[25])
{
    uint64_t a00 = st[0], a01 = st[1], a02 = st[2], a03 = st[3], a04 = st[4];
    uint64_t a05 = st[5], a06 = st[6], a07 = st[7], a08 = st[8], a09 = st[9];
    uint64_t a10 = st[10], a11 = st[11], a12 = st[12], a13 = st[13], a14 = st[14];
    uint64_t a15 = st[15], a16 = st[16], a17 = st[17], a18 = st[18], a19 = st[19];
    uint64_t a20 = st[20], a21 = st[21], a22 = st[22], a23 = st[23], a24 = st[24];

    for (int r = 0; r < 24; r++) {
        uint64_t c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
        uint64_t c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
        uint64_t c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
        uint64_t c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
        uint64_t c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
        uint64_t d0 = c4 ^ ROL64(c1, 1);
        uint64_t d1 = c0 ^ ROL64(c2, 1);
        uint64_t d2 = c1 ^ ROL64(c3, 1);
        uint64_t d3 = c2 ^ ROL64(c4, 1);
        uint64_t d4 = c3 ^ ROL64(c0, 1);

        /* rho and pi: B[y][2x+3y] = ROT(A[x][y] ^ D[x], r[x][y]) */
        uint64_t b00 = a00 ^ d0;
        uint64_t b10 = ROL64(a01 ^ d1, 1);
        uint64_t b20 = ROL64(a02 ^ d2, 62);
        uint64_t b05 = ROL64(a03 ^ d3, 28);
        uint64_t b15 = ROL64(a04 ^ d4, 27);
        uint64_t b16 = ROL64(a05 ^ d0, 36);
        uint64_t b01 = ROL64(a06 ^ d1, 44);
        uint64_t b11 = ROL64(a07 ^ d2, 6);
        uint64_t b21 = ROL64(a08 ^ d3, 55);
        uint64_t b06 = ROL64(a09 ^ d4, 20);
        uint64_t b07 = ROL64(a10 ^ d0, 3);
        uint64_t b17 = ROL64(a11 ^ d1, 10);
        uint64_t b02 = ROL64(a12 ^ d2, 43);
        uint64_t b12 = ROL64(a13 ^ d3, 25);
        uint64_t b22 = ROL64(a14 ^ d4, 39);
        uint64_t b23 = ROL64(a15 ^ d0, 41);
        uint64_t b08 = ROL64(a16 ^ d1, 45);
        uint64_t b18 = ROL64(a17 ^ d2, 15);
        uint64_t b03 = ROL64(a18 ^ d3, 21);
        uint64_t b13 = ROL64(a19 ^ d4, 8);
        uint64_t b14 = ROL64(a20 ^ d0, 18);
        uint64_t b24 = ROL64(a21 ^ d1, 2);
        uint64_t b09 = ROL64(a22 ^ d2, 61);
        uint64_t b19 = ROL64(a23 ^ d3, 56);
        uint64_t b04 = ROL64(a24 ^ d4, 14);

        a00 = b00 ^ (~b01 & b02) ^ keccak_rc[r];
        a01 = b01 ^ (~b02 & b03);
        a02 = b02 ^ (~b03 & b04);
        a03 = b03 ^ (~b04 & b00);
        a04 = b04 ^ (~b00 & b01);
        a05 = b05 ^ (~b06 & b07);
        a06 = b06 ^ (~b07 & b08);
        a07 = b07 ^ (~b08 & b09);
        a08 = b08 ^ (~b09 & b05);
        a09 = b09 ^ (~b05 & b06);
        a10 = b10 ^ (~b11 & b12);
        a11 = b11 ^ (~b12 & b13);
        a12 = b12 ^ (~b13 & b14);
        a13 = b13 ^ (~b14 & b10);
        a14 = b14 ^ (~b10 & b11);
        a15 = b15 ^ (~b16 & b17);
        a16 = b16 ^ (~b17 & b18);
        a17 = b17 ^ (~b18 & b19);
        a18 = b18 ^ (~b19 & b15);
        a19 = b19 ^ (~b15 & b16);
        a20 = b20 ^ (~b21 & b22);
        a21 = b21 ^ (~b22 & b23);
        a22 = b22 ^ (~b23 & b24);
        a23 = b23 ^ (~b24 & b20);
        a24 = b24 ^ (~b20 & b21);
    }

    st[0] = a00, st[1] = a01, st[2] = a02, st[3] = a03, st[4] = a04;
    st[5] = a05, st[6] = a06, st[7] = a07, st[8] = a08, st[9] = a09;
    st[10] = a10, st[11] = a11, st[12] = a12, st[13] = a13, st[14] = a14;
    st[15] = a15, st[16] = a16, st[17] = a17, st[18] = a18, st[19] = a19;
    st[20] = a20, st[21] = a21, st[22] = a22, st[23] = a23, st[24] = a24;
}

static void keccak_absorb_block(uint64_t st[25], const uint8_t *block)
{
    for (int i = 0; i < KECCAK256_RATE / 8; i++) st[i] ^= le64_load(block + 8 * i);
    keccakf1600(st);
}

void keccak256_init(keccak256_ctx *ctx) { memset(ctx, 0, sizeof(*ctx)); }

void keccak256_update(keccak256_ctx *ctx, const uint8_t *in, size_t len)
{
    if (ctx->buf_len > 0) {
        size_t take = KECCAK256_RATE - ctx->buf_len;
        if (take > len) take = len;
        memcpy(ctx->buf + ctx->buf_len, in, take);
        ctx->buf_len += take;
        in += take;
        len -= take;
        if (ctx->buf_len < KECCAK256_RATE) return;
        keccak_absorb_block(ctx->st, ctx->buf);
        ctx->buf_len = 0;
    }
    while (len >= KECCAK256_RATE) {
        keccak_absorb_block(ctx->st, in);
        in += KECCAK256_RATE;
        len -= KECCAK256_RATE;
    }
    if (len > 0) memcpy(ctx->buf, in, len);
    ctx->buf_len = len;
}

void keccak256_final(keccak256_ctx *ctx, uint8_t out[32])
{
    memset(ctx->buf + ctx->buf_len, 0, KECCAK256_RATE - ctx->buf_len);
    ctx->buf[ctx->buf_len] ^= 0x01; /* original Keccak padding, not SHA-3's 0x06 */
    ctx->buf[KECCAK256_RATE - 1] ^= 0x80;
    keccak_absorb_block(ctx->st, ctx->buf);
    for (int i = 0; i < 4; i++) le64_store(out + 8 * i, ctx->st[i]);
    memset(ctx, 0, sizeof(*ctx));
}

void keccak256(uint8_t out[32], const uint8_t *in, size_t len)
{
    keccak256_ctx ctx;
    keccak256_init(&ctx);
    keccak256_update(&ctx, in, len);
    keccak256_final(&ctx, out);
}
