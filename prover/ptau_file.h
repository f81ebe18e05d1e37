/* snarkjs / Perpetual Powers of Tau .ptau files (snarkjs src/powersoftau_utils.js,
 * powersoftau_preparephase2.js), version 1, BN254. Reader only.
 *
 * Sections (1..7 required; 12..15 all present in a file prepared for phase 2, or none):
 *   1  u32 n8, q[n8], u32 power, u32 ceremonyPower                          (44 bytes)
 *   2  tauG1: 2^(power+1) - 1 G1      3  tauG2: 2^power G2
 *   4  alphaTauG1: 2^power G1         5  betaTauG1: 2^power G1      6  betaG2: 1 G2
 *   7  contributions: u32 n, then n x (tauG1, tauG2, alphaG1, betaG1, betaG2, public key
 *      (3 x (G1 s, G1 s*x, G2 s*p*x) = 768 bytes), partialHash[216], nextChallenge[64],
 *      u32 type, u32 paramLength, params)
 *   12 Lagrange tauG1: blocks p = 0..power+1    13 Lagrange tauG2: p = 0..power
 *   14 Lagrange alphaTauG1: p = 0..power        15 Lagrange betaTauG1: p = 0..power
 *      Block p holds the 2^p Lagrange-basis points of the domain of size 2^p and starts
 *      at point index 2^p - 1.
 * Every coordinate is MONTGOMERY form mod q, 32 bytes LE (as in .zkey); G1 = x, y;
 * G2 = x.c0, x.c1, y.c0, y.c1; all zero bytes = infinity.
 *
 * Public ceremony files run to gigabytes, so the parser checks structure only (header,
 * each section's size against power, the contribution list) in time independent of the
 * number of points, and points are fetched one at a time, range-checked on fetch. */
#ifndef ZKRELAY_PROVER_PTAU_FILE_H
#define ZKRELAY_PROVER_PTAU_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"
#include "prover/binfile.h"

/* 2-adicity of BN254's r - 1: no larger evaluation domain exists. */
#define PTAU_MAX_POWER 28

enum {
    PTAU_SECTION_TAU_G1 = 2,
    PTAU_SECTION_TAU_G2 = 3,
    PTAU_SECTION_ALPHA_TAU_G1 = 4,
    PTAU_SECTION_BETA_TAU_G1 = 5,
    PTAU_SECTION_BETA_G2 = 6,
    PTAU_SECTION_CONTRIBUTIONS = 7,
    PTAU_SECTION_LAGRANGE_TAU_G1 = 12,
    PTAU_SECTION_LAGRANGE_TAU_G2 = 13,
    PTAU_SECTION_LAGRANGE_ALPHA_TAU_G1 = 14,
    PTAU_SECTION_LAGRANGE_BETA_TAU_G1 = 15,
};

typedef struct ptau_file {
    binfile bf; /* section index; borrows the parsed buffer */
    uint32_t power;
    uint32_t ceremony_power;
    bool prepared; /* sections 12..15 present */
    uint32_t n_contributions;
} ptau_file;

/* One contribution of section 7; every pointer borrows the parsed buffer. */
typedef struct ptau_file_contrib {
    const uint8_t *tau_g1;         /* G1 */
    const uint8_t *tau_g2;         /* G2 */
    const uint8_t *alpha_g1;       /* G1 */
    const uint8_t *beta_g1;        /* G1 */
    const uint8_t *beta_g2;        /* G2 */
    const uint8_t *key;            /* 768 bytes: tau, alpha, beta x (G1 s, G1 sx, G2 spx) */
    const uint8_t *partial_hash;   /* 216 bytes (blake2b state) */
    const uint8_t *next_challenge; /* 64 bytes */
    uint32_t type;                 /* 0 = contribution, 1 = beacon */
    binfile_contrib_params params;
} ptau_file_contrib;

/* Parses the section index and checks structure: the prime is q, 1 <= power <= 28,
 * power <= ceremonyPower <= 28, each section's size equals its count for power times
 * the point size, 12..15 all or none, and the contribution list fills section 7.
 * Point coordinates are not read here (see ptau_file_point).
 * Returns: ZK_OK; ZK_ERR_MALFORMED (magic, version, prime, power, sizes, duplicate
 *          section, partial preparation), ZK_ERR_NOTFOUND, ZK_ERR_TRUNCATED,
 *          ZK_ERR_TRAILING.
 * Out: p (borrows data, which must outlive it; owns nothing). */
int ptau_file_parse(ptau_file *p, const uint8_t *data, size_t len, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Number of points in section id for this file's power; 0 for an id without points
 * (1, 7, an unknown id, or 12..15 in an unprepared file). */
uint64_t ptau_file_section_points(const ptau_file *p, uint32_t id) ZK_NONNULL(1);

/* Size in bytes of one point of section id (64 for G1 sections, 128 for G2, 0 otherwise). */
size_t ptau_file_point_size(uint32_t id);

/* Fetches point k of section id without copying, and checks its coordinates are < q.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND (no such section); ZK_ERR_RANGE (k out of range, or a
 *          coordinate >= q).
 * Out: *out points into the parsed buffer (ptau_file_point_size(id) bytes). */
int ptau_file_point(const ptau_file *p, const uint8_t **out, uint32_t id, uint64_t k,
                    zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Fetches point k of the Lagrange block for the domain of size 2^log_n (block start
 * 2^log_n - 1) of section id (12..15), as snarkjs zkey_new reads it.
 * Returns: as ptau_file_point; ZK_ERR_NOTFOUND when the file is not prepared;
 *          ZK_ERR_RANGE when log_n exceeds the blocks the section holds or k >= 2^log_n. */
int ptau_file_lagrange_point(const ptau_file *p, const uint8_t **out, uint32_t id, uint32_t log_n,
                             uint64_t k, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Decodes contribution i (0-based, < n_contributions) of section 7.
 * Returns: ZK_OK; ZK_ERR_RANGE for i out of range (the section was validated by parse). */
int ptau_file_contribution(const ptau_file *p, ptau_file_contrib *out, uint32_t i,
                           zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

#endif
