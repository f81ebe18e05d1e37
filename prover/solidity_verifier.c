#include "prover/solidity_verifier.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lightclient/hex.h"
#include "lightclient/keccak.h"
#include "prover/g1.h"
#include "prover/g2.h"
#include "prover/groth16_json.h"

/* Appends printf-formatted text. Every line this file writes is far below the local
 * buffer; a longer one is a bug in this file, not an input error. */
static int sv_printf(zk_buf *out, const char *fmt, ...) ZK_PRINTF(2, 3);
static int sv_printf(zk_buf *out, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line)) return ZK_ERR_INTERNAL;
    return buf_append(out, line, (size_t)n);
}

bool solidity_verifier_is_valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SOLIDITY_VERIFIER_NAME_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
    }
    return true;
}

/* One `uint256 constant NAME = <decimal>;` line for a 32-byte big-endian value. */
static int sv_const(zk_buf *out, const char *name, const uint8_t be[32])
{
    char dec[GROTH16_JSON_DEC_MAX];
    groth16_json_dec_format(dec, be);
    return sv_printf(out, "    uint256 internal constant %s = %s;\n", name, dec);
}

/* Constants NAME_X_IM, NAME_X_RE, NAME_Y_IM, NAME_Y_RE of a G2 point, in the order
 * g2_affine_to_bytes writes them, which is EIP-197's. */
static int sv_const_g2(zk_buf *out, const char *name, const g2_affine *p)
{
    static const char *const part[4] = {"X_IM", "X_RE", "Y_IM", "Y_RE"};
    uint8_t b[128];
    char cname[32];
    g2_affine_to_bytes(b, p);
    for (int i = 0; i < 4; i++) {
        snprintf(cname, sizeof(cname), "%s_%s", name, part[i]);
        int rc = sv_const(out, cname, b + 32 * i);
        if (rc != ZK_OK) return rc;
    }
    return ZK_OK;
}

static int sv_const_g1(zk_buf *out, const char *name, const g1_affine *p)
{
    uint8_t b[64];
    char cname[32];
    g1_affine_to_bytes(b, p);
    snprintf(cname, sizeof(cname), "%s_X", name);
    int rc = sv_const(out, cname, b);
    if (rc != ZK_OK) return rc;
    snprintf(cname, sizeof(cname), "%s_Y", name);
    return sv_const(out, cname, b + 32);
}

/* Appends the text of a list of lines. */
static int sv_lines(zk_buf *out, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = buf_append(out, lines[i], strlen(lines[i]));
        if (rc != ZK_OK) return rc;
    }
    return ZK_OK;
}

/* The contract's text around the key constants. The pairing input is six 192-byte
 * (G1, G2) pairs laid out at m = the free memory pointer:
 *   m+0   -A       m+64  B        (pair 1)
 *   m+192 alpha1   m+256 beta2    (pair 2)
 *   m+384 vk_x     m+448 gamma2   (pair 3)
 *   m+576 C        m+640 delta2   (pair 4)
 * vk_x is accumulated in place at m+384, with the ecMul scratch at m+448..m+544 (so that
 * ecAdd reads vk_x || term as one 128-byte input); gamma2 overwrites the scratch after.
 * The function ends with RETURN from assembly, so the free memory pointer is never
 * advanced and nothing after it runs. */
static const char *const sv_head[] = {
    "pragma solidity >=0.8.0 <0.9.0;\n",
    "\n",
};

static const char *const sv_doc[] = {
    "/// @notice Verifies Groth16 proofs over BN254 for one verification key with the\n",
    "/// EIP-196/197 precompiles: vk_x = IC0 + sum pubSignals[i] * IC[i+1] by ecMul (0x07)\n",
    "/// and ecAdd (0x06), then one pairing check (0x08)\n",
    "///   e(-A, B) * e(alpha1, beta2) * e(vk_x, gamma2) * e(C, delta2) == 1.\n",
    "/// Same ABI as snarkjs's verifier: pB is [[x.c1, x.c0], [y.c1, y.c0]], the imaginary\n",
    "/// part of each Fp2 coordinate first, the order EIP-197 reads.\n",
};

static const char *const sv_fields[] = {
    "    // The scalar field order r: every public signal must be below it.\n",
    "    uint256 internal constant R = "
    "21888242871839275222246405745257275088548364400416034343698204186575808495617;\n",
    "    // The base field order q: every proof coordinate must be below it, so that each\n",
    "    // proof has exactly one calldata encoding.\n",
    "    uint256 internal constant Q = "
    "21888242871839275222246405745257275088696311157297823662689037894645226208583;\n",
    "\n",
};

static const char *const sv_fn_head_doc[] = {
    "\n",
    "    /// @return true only when the proof verifies for _pubSignals; false for a\n",
    "    /// coordinate >= q, a signal >= r, a point not on its curve or outside G2, or a\n",
    "    /// failed pairing check. Never reverts on a bad proof.\n",
};

/* Canonical encodings. Seven of the eight proof coordinates go to the precompiles as they
 * are, and EIP-196/197 fail on any coordinate >= q, which clears ok. A.y alone is
 * computed on (negated) before a precompile sees it: without its own check, A.y and its
 * aliases A.y + k q (mod 2^256 wrap-around included) would all verify. The public signals
 * are checked in a loop: unrolled, each check would push R again (33 bytes of code per
 * signal), and the code size limit matters more there than ~30 gas per signal. */
static const char *const sv_canon[] = {
    "        assembly {\n",
    "            // Canonical encodings only. A.y is checked < q here; the precompiles fail\n",
    "            // on any other coordinate >= q. Each public signal must be < r. ok collects\n",
    "            // every check, and one failure makes it 0.\n",
    "            let ok := lt(calldataload(add(_pA, 32)), Q)\n",
};

static const char *const sv_vkx_head[] = {
    "\n",
    "            let m := mload(0x40)\n",
    "            // vk_x = IC0 + sum pubSignals[i] * IC[i+1], accumulated at m+384.\n",
    "            mstore(add(m, 384), IC0_X)\n",
    "            mstore(add(m, 416), IC0_Y)\n",
};

static const char *const sv_pairing[] = {
    "\n",
    "            // -A = (x, q - y); the point at infinity (0, 0) stays (0, 0).\n",
    "            mstore(m, calldataload(_pA))\n",
    "            mstore(add(m, 32), mod(sub(Q, calldataload(add(_pA, 32))), Q))\n",
    "            calldatacopy(add(m, 64), _pB, 128)\n",
    "            mstore(add(m, 192), ALPHA_X)\n",
    "            mstore(add(m, 224), ALPHA_Y)\n",
    "            mstore(add(m, 256), BETA_X_IM)\n",
    "            mstore(add(m, 288), BETA_X_RE)\n",
    "            mstore(add(m, 320), BETA_Y_IM)\n",
    "            mstore(add(m, 352), BETA_Y_RE)\n",
    "            mstore(add(m, 448), GAMMA_X_IM)\n",
    "            mstore(add(m, 480), GAMMA_X_RE)\n",
    "            mstore(add(m, 512), GAMMA_Y_IM)\n",
    "            mstore(add(m, 544), GAMMA_Y_RE)\n",
    "            calldatacopy(add(m, 576), _pC, 64)\n",
    "            mstore(add(m, 640), DELTA_X_IM)\n",
    "            mstore(add(m, 672), DELTA_X_RE)\n",
    "            mstore(add(m, 704), DELTA_Y_IM)\n",
    "            mstore(add(m, 736), DELTA_Y_RE)\n",
    "\n",
    "            // The precompile fails (success 0) on a point off its curve or outside G2,\n",
    "            // and otherwise writes 1 or 0.\n",
    "            ok := and(ok, staticcall(gas(), 0x08, m, 768, m, 32))\n",
    "            ok := and(ok, eq(mload(m), 1))\n",
    "            mstore(0, ok)\n",
    "            return(0, 32)\n",
    "        }\n",
    "    }\n",
    "}\n",
};

#define SV_LINES(out, arr) sv_lines((out), (arr), sizeof(arr) / sizeof((arr)[0]))

int solidity_verifier_write(zk_buf *out, const groth16_vk *vk, const char *name, zk_errbuf *err)
{
    if (!name) name = SOLIDITY_VERIFIER_DEFAULT_NAME;
    if (!solidity_verifier_is_valid_name(name))
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "contract name must be a Solidity identifier of 1..%d characters "
                       "([A-Za-z_][A-Za-z0-9_]*)",
                       SOLIDITY_VERIFIER_NAME_MAX);
    if (vk->n_public == 0)
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "the key has no public signal; a Solidity verifier needs at least one "
                       "(uint256[0] is not a Solidity type)");
    if (vk->n_public > SOLIDITY_VERIFIER_MAX_PUBLIC)
        return ZK_FAIL(err, ZK_ERR_RANGE,
                       "the key has %u public signals; a verifier for more than %d would exceed "
                       "the EIP-170 contract size limit",
                       (unsigned)vk->n_public, SOLIDITY_VERIFIER_MAX_PUBLIC);
    const uint32_t n = vk->n_public;
    char cname[32];
    int rc = sv_printf(out,
                       "// SPDX-License-Identifier: MIT\n"
                       "// Generated by `zkrelay groth16 export-verifier` from a Groth16 "
                       "verification key\n"
                       "// (BN254, %u public signal%s). Do not edit: regenerate it from the key.\n",
                       (unsigned)n, n == 1 ? "" : "s");
    if (rc == ZK_OK) rc = SV_LINES(out, sv_head);
    if (rc == ZK_OK) rc = SV_LINES(out, sv_doc);
    if (rc == ZK_OK) rc = sv_printf(out, "contract %s {\n", name);
    if (rc == ZK_OK) rc = SV_LINES(out, sv_fields);
    if (rc == ZK_OK)
        rc = sv_printf(out, "    // The verification key. G2 coordinates in EIP-197 order: "
                            "x imaginary, x real,\n"
                            "    // y imaginary, y real.\n");
    if (rc == ZK_OK) rc = sv_const_g1(out, "ALPHA", &vk->alpha1);
    if (rc == ZK_OK) rc = sv_const_g2(out, "BETA", &vk->beta2);
    if (rc == ZK_OK) rc = sv_const_g2(out, "GAMMA", &vk->gamma2);
    if (rc == ZK_OK) rc = sv_const_g2(out, "DELTA", &vk->delta2);
    for (uint32_t i = 0; rc == ZK_OK && i <= n; i++) {
        snprintf(cname, sizeof(cname), "IC%u", (unsigned)i);
        rc = sv_const_g1(out, cname, &vk->ic[i]);
    }
    if (rc == ZK_OK) rc = SV_LINES(out, sv_fn_head_doc);
    if (rc == ZK_OK)
        rc = sv_printf(out,
                       "    function verifyProof(\n"
                       "        uint256[2] calldata _pA,\n"
                       "        uint256[2][2] calldata _pB,\n"
                       "        uint256[2] calldata _pC,\n"
                       "        uint256[%u] calldata _pubSignals\n"
                       "    ) public view returns (bool) {\n",
                       (unsigned)n);
    if (rc == ZK_OK) rc = SV_LINES(out, sv_canon);
    if (rc == ZK_OK)
        rc = sv_printf(out,
                       "            for { let i := 0 } lt(i, %u) { i := add(i, 32) } {\n"
                       "                ok := and(ok, lt(calldataload(add(_pubSignals, i)), R))\n"
                       "            }\n",
                       (unsigned)(32 * n));
    if (rc == ZK_OK) rc = SV_LINES(out, sv_vkx_head);
    /* Unrolled: each term names its own IC constants. A staticcall that fails (it cannot
     * for these valid key points, short of running out of gas) clears ok. A signal >= r
     * still goes through ecMul (which takes any 256-bit scalar); ok is 0 by then, and the
     * checks do not return early: a bad proof costs gas only to whoever sends it. */
    for (uint32_t i = 1; rc == ZK_OK && i <= n; i++)
        rc = sv_printf(out,
                       "            mstore(add(m, 448), IC%u_X)\n"
                       "            mstore(add(m, 480), IC%u_Y)\n"
                       "            mstore(add(m, 512), calldataload(add(_pubSignals, %u)))\n"
                       "            ok := and(ok, staticcall(gas(), 0x07, add(m, 448), 96, "
                       "add(m, 448), 64))\n"
                       "            ok := and(ok, staticcall(gas(), 0x06, add(m, 384), 128, "
                       "add(m, 384), 64))\n",
                       (unsigned)i, (unsigned)i, (unsigned)(32 * (i - 1)));
    if (rc == ZK_OK) rc = SV_LINES(out, sv_pairing);
    if (rc == ZK_ERR_INTERNAL) return ZK_FAIL(err, rc, "solidity_verifier: a line overflowed");
    if (rc != ZK_OK) return ZK_FAIL(err, rc, "solidity_verifier: %s", zk_strerror(rc));
    return ZK_OK;
}

void solidity_verifier_selector(uint8_t sel[4], size_t n_public)
{
    char sig[96];
    int n = snprintf(sig, sizeof(sig),
                     "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[%zu])", n_public);
    uint8_t h[32];
    keccak256(h, (const uint8_t *)sig, (size_t)n);
    memcpy(sel, h, 4);
}

/* The eight proof words in calldata order: A.x, A.y, then B from its EIP-197 encoding
 * (x.c1, x.c0, y.c1, y.c0: already the calldata order), then C.x, C.y. */
static void sv_proof_words(uint8_t words[8][32], const groth16_proof *proof)
{
    uint8_t a[64], b[128], c[64];
    g1_affine_to_bytes(a, &proof->a);
    g2_affine_to_bytes(b, &proof->b);
    g1_affine_to_bytes(c, &proof->c);
    memcpy(words[0], a, 64);
    memcpy(words[2], b, 128);
    memcpy(words[6], c, 64);
}

int solidity_verifier_calldata(uint8_t *out, size_t *out_len, const groth16_proof *proof,
                               const uint8_t (*pub)[32], size_t n_public)
{
    if (n_public > SOLIDITY_VERIFIER_MAX_PUBLIC) return ZK_ERR_RANGE;
    size_t need = solidity_verifier_calldata_len(n_public);
    if (*out_len < need) return ZK_ERR_RANGE;
    uint8_t words[8][32];
    sv_proof_words(words, proof);
    solidity_verifier_selector(out, n_public);
    memcpy(out + 4, words, sizeof(words));
    for (size_t i = 0; i < n_public; i++)
        memcpy(out + 4 + sizeof(words) + 32 * i, pub[i], 32);
    *out_len = need;
    return ZK_OK;
}

/* "0x" + 64 hex digits in double quotes, as snarkjs's p256() prints a value. */
static int sv_p256(zk_buf *out, const uint8_t v[32])
{
    char hex[67];
    hex_encode(hex, v, 32, true);
    return sv_printf(out, "\"%s\"", hex);
}

int solidity_calldata_text_write(zk_buf *out, const groth16_proof *proof, const uint8_t (*pub)[32],
                                 size_t n_public)
{
    uint8_t w[8][32];
    sv_proof_words(w, proof);
    /* snarkjs's exact punctuation: ", " inside the point pairs, "," between the
     * arguments and between the public signals. */
    static const char *const sep[8] = {"[", ", ", "],[[", ", ", "],[", ", ", "]],[", ", "};
    int rc = ZK_OK;
    for (int i = 0; rc == ZK_OK && i < 8; i++) {
        rc = buf_append(out, sep[i], strlen(sep[i]));
        if (rc == ZK_OK) rc = sv_p256(out, w[i]);
    }
    if (rc == ZK_OK) rc = buf_append(out, "],[", 3);
    for (size_t i = 0; rc == ZK_OK && i < n_public; i++) {
        if (i > 0) rc = buf_append_byte(out, ',');
        if (rc == ZK_OK) rc = sv_p256(out, pub[i]);
    }
    if (rc == ZK_OK) rc = buf_append_byte(out, ']');
    return rc;
}
