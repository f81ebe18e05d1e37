/* The stand-in circuit of the tests that need a real Groth16 proof for given public
 * signals without proving a bridge statement (minutes on a small machine):
 * tests/contracts/bridge_env.h and tests/relayer/bundle_fixture.h. Publics s_i, a private
 * w = 7 and p_i = s_i * w, constraints s_i * w = p_i: a proof is valid for its own signals
 * only, since each signal is bound to w. */
#ifndef ZKRELAY_TESTS_STANDIN_CIRCUIT_H
#define ZKRELAY_TESTS_STANDIN_CIRCUIT_H

#include "prover/prover.h"

#define STANDIN_MAX_PUBLIC 8

/* Builds and finalizes the stand-in circuit for pub[0..n) (32-byte big-endian signals).
 * Returns: ZK_OK; ZK_ERR_RANGE (n > STANDIN_MAX_PUBLIC, or a signal >= r); ZK_ERR_NOMEM.
 * Out: cs (r1cs_clear it in every case). */
static inline int standin_circuit_build(r1cs *cs, const uint8_t (*pub)[32], size_t n)
{
    r1cs_var s[STANDIN_MAX_PUBLIC], w, p;
    fr sv[STANDIN_MAX_PUBLIC], wv, pv;
    r1cs_lc la, lb, lc;
    r1cs_lc_init(&la);
    r1cs_lc_init(&lb);
    r1cs_lc_init(&lc);
    fr_from_u64(&wv, 7);
    int rc = n <= STANDIN_MAX_PUBLIC ? r1cs_init(cs) : ZK_ERR_RANGE;
    for (size_t i = 0; rc == ZK_OK && i < n; i++) {
        rc = fr_from_bytes_be(&sv[i], pub[i], NULL);
        if (rc == ZK_OK) rc = r1cs_alloc_public(cs, &s[i], &sv[i]);
    }
    if (rc == ZK_OK) rc = r1cs_alloc_private(cs, &w, &wv);
    for (size_t i = 0; rc == ZK_OK && i < n; i++) {
        fr_mul(&pv, &sv[i], &wv);
        rc = r1cs_alloc_private(cs, &p, &pv);
        r1cs_lc_reset(&la);
        r1cs_lc_reset(&lb);
        r1cs_lc_reset(&lc);
        if (rc == ZK_OK)
            rc = r1cs_lc_add_var(&la, s[i]) || r1cs_lc_add_var(&lb, w) || r1cs_lc_add_var(&lc, p)
                     ? ZK_ERR_NOMEM
                     : ZK_OK;
        if (rc == ZK_OK) rc = r1cs_add_constraint(cs, &la, &lb, &lc, NULL);
    }
    if (rc == ZK_OK) rc = r1cs_finalize(cs);
    r1cs_lc_clear(&la);
    r1cs_lc_clear(&lb);
    r1cs_lc_clear(&lc);
    return rc;
}

#endif
