/* Keccak-256 as Ethereum uses it: the original Keccak padding (0x01 ... 0x80),
 * not FIPS 202 SHA3-256 (0x06). keccak256("") =
 * c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470. */
#ifndef ZKRELAY_LIGHTCLIENT_KECCAK_H
#define ZKRELAY_LIGHTCLIENT_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define KECCAK256_RATE 136 /* bytes absorbed per permutation: (1600 - 2*256) / 8 */

typedef struct keccak256_ctx {
    uint64_t st[25];
    uint8_t buf[KECCAK256_RATE];
    size_t buf_len;
} keccak256_ctx;

/* The Keccak-f[1600] permutation, 24 rounds, lanes indexed x + 5*y. */
void keccakf1600(uint64_t st[25]);

void keccak256_init(keccak256_ctx *ctx);
void keccak256_update(keccak256_ctx *ctx, const uint8_t *in, size_t len);
/* Writes the digest and wipes the context. */
void keccak256_final(keccak256_ctx *ctx, uint8_t out[32]);

/* One-shot: out = keccak256(in[0..len)). out may alias in. */
void keccak256(uint8_t out[32], const uint8_t *in, size_t len);

#endif
