/* The EVM's BN254 precompiles, byte for byte: ECADD (0x06) and ECMUL (0x07) of
 * EIP-196, ECPAIRING (0x08) of EIP-197, with the gas repricing of EIP-1108 being
 * the caller's business. Each returns ZK_OK with the output the EVM returns, or an
 * error where the EVM call fails (PrecompileError: all gas consumed, no output).
 * Variable time; the inputs are public call data. */
#ifndef ZKRELAY_PROVER_BN254_PRECOMPILE_H
#define ZKRELAY_PROVER_BN254_PRECOMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"

/* ECADD: in is x1 || y1 || x2 || y2 (32-byte big-endian words); shorter input is
 * right-padded with zeros, longer input is truncated to 128 bytes.
 * Out: out (64 bytes) = x || y of the sum; infinity is 64 zero bytes.
 * Returns ZK_OK; BN254_ERR_COORD (a coordinate >= p) or BN254_ERR_NOT_ON_CURVE
 * (see curve.h), naming the point in err. in may be NULL when len == 0. */
int bn254_add_precompile(uint8_t out[64], const uint8_t *in, size_t len,
                         zk_errbuf *err) ZK_MUST_CHECK;

/* ECMUL: in is x || y || s, padded or truncated to 96 bytes as above; s is any
 * 256-bit scalar (not reduced mod r). Out: out (64 bytes) = [s](x, y).
 * Returns as bn254_add_precompile. */
int bn254_mul_precompile(uint8_t out[64], const uint8_t *in, size_t len,
                         zk_errbuf *err) ZK_MUST_CHECK;

/* ECPAIRING: in is k 192-byte pairs (G1 x || y, then G2 x_imag || x_real ||
 * y_imag || y_real); k = 0 is allowed.
 * Out: out (32 bytes) = the word 1 when prod e(P_i, Q_i) == 1, else 0.
 * Returns ZK_OK; ZK_ERR_TRUNCATED when len is not a multiple of 192;
 * BN254_ERR_COORD / BN254_ERR_NOT_ON_CURVE / BN254_ERR_NOT_IN_SUBGROUP for an
 * invalid point (err names the pair). A product that is not 1 is ZK_OK with 0. */
int bn254_pairing_precompile(uint8_t out[32], const uint8_t *in, size_t len,
                             zk_errbuf *err) ZK_MUST_CHECK;

#endif
