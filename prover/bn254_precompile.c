/* EIP-196/197 precompiles on top of g1/g2/pairing. */
#include "prover/bn254_precompile.h"

#include <string.h>

#include "lightclient/bytes.h"
#include "prover/pairing.h"

/* EIP-196: "Input data ... is padded with zeros on the right if shorter, and
 * truncated if longer": copy min(len, n) bytes into a zeroed buffer of n. */
static void pad_input(uint8_t *buf, size_t n, const uint8_t *in, size_t len)
{
    memset(buf, 0, n);
    if (len > 0) memcpy(buf, in, len < n ? len : n);
}

static int read_g1(g1_affine *p, const uint8_t in[64], const char *what, zk_errbuf *err)
{
    int rc = g1_affine_from_bytes(p, in, err);
    if (rc != ZK_OK) return zk_fail_wrap(err, rc, "%s", what);
    return ZK_OK;
}

int bn254_add_precompile(uint8_t out[64], const uint8_t *in, size_t len, zk_errbuf *err)
{
    uint8_t buf[128];
    g1_affine a, b, s;
    g1_jacobian j;
    pad_input(buf, sizeof(buf), in, len);
    int rc = read_g1(&a, buf, "ECADD first point", err);
    if (rc == ZK_OK) rc = read_g1(&b, buf + 64, "ECADD second point", err);
    if (rc != ZK_OK) return rc;
    g1_jacobian_from_affine(&j, &a);
    g1_jacobian_add_affine(&j, &j, &b);
    g1_jacobian_to_affine(&s, &j);
    g1_affine_to_bytes(out, &s);
    return ZK_OK;
}

int bn254_mul_precompile(uint8_t out[64], const uint8_t *in, size_t len, zk_errbuf *err)
{
    uint8_t buf[96];
    g1_affine a, s;
    g1_jacobian j;
    uint64_t k[4];
    pad_input(buf, sizeof(buf), in, len);
    int rc = read_g1(&a, buf, "ECMUL point", err);
    if (rc != ZK_OK) return rc;
    zkf_limbs_from_be(k, buf + 64);
    g1_jacobian_from_affine(&j, &a);
    g1_jacobian_mul(&j, &j, k);
    g1_jacobian_to_affine(&s, &j);
    g1_affine_to_bytes(out, &s);
    return ZK_OK;
}

int bn254_pairing_precompile(uint8_t out[32], const uint8_t *in, size_t len, zk_errbuf *err)
{
    enum { PAIR = 192, CHUNK = 16 };
    if (len % PAIR != 0)
        return ZK_FAIL(err, ZK_ERR_TRUNCATED, "ECPAIRING input length %zu is not a multiple of 192",
                       len);
    /* Miller loops in chunks of CHUNK pairs, multiplied together, then one final
     * exponentiation: bounded stack, no allocation, any number of pairs. */
    zk_cursor c = cur_make(in, len);
    g1_affine p[CHUNK];
    g2_affine q[CHUNK];
    fp12 acc, part;
    fp12_set_one(&acc);
    size_t idx = 0;
    while (c.len > 0) {
        size_t m = 0;
        for (; m < CHUNK && c.len > 0; m++, idx++) {
            const uint8_t *pair;
            int rc = cur_take(&c, &pair, PAIR);
            if (rc != ZK_OK) return ZK_FAIL(err, rc, "ECPAIRING pair %zu truncated", idx);
            rc = g1_affine_from_bytes(&p[m], pair, err);
            if (rc != ZK_OK) return zk_fail_wrap(err, rc, "ECPAIRING pair %zu G1", idx);
            rc = g2_affine_from_bytes(&q[m], pair + 64, err);
            if (rc != ZK_OK) return zk_fail_wrap(err, rc, "ECPAIRING pair %zu G2", idx);
        }
        pairing_miller_loop(&part, p, q, m);
        fp12_mul(&acc, &acc, &part);
    }
    pairing_final_exp(&acc, &acc);
    memset(out, 0, 32);
    out[31] = fp12_is_one(&acc) ? 1 : 0;
    return ZK_OK;
}
