/* The in-circuit secp256k1 ECDSA gadget (prover/gadget_secp256k1.h): constraints per
 * verification, and the time to build one verification's system with its witness and
 * to check it (r1cs_is_satisfied). Each time is the better of three runs. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lightclient/ecdsa.h"
#include "prover/gadget_secp256k1.h"
#include "bench/bench_util.h"

int main(void)
{
    secp256k1_context *ctx = ecdsa_context_new(NULL);
    uint8_t sk[32], pub[64], hash[32], sig[65];
    memset(sk, 0x42, sizeof sk);
    memset(hash, 0x17, sizeof hash);
    if (!ctx || ecdsa_pubkey_from_seckey(ctx, pub, sk) != ZK_OK ||
        ecdsa_sign(ctx, sig, hash, sk) != ZK_OK) {
        fprintf(stderr, "bench_gadget_ecdsa: setup failed\n");
        ecdsa_context_free(ctx);
        return 1;
    }
    double best_build = 1e9, best_check = 1e9;
    size_t cons = 0, vars = 0;
    int rc = 0;
    for (int rep = 0; rep < 3 && rc == 0; rep++) {
        r1cs cs;
        if (r1cs_init(&cs) != ZK_OK) return 1;
        circ c;
        circ_init(&c, &cs);
        r1cs_var zb[256], pb[512];
        for (int i = 0; i < 256; i++)
            zb[i] = circ_bit(&c, (hash[i / 8] >> (i % 8)) & 1);
        size_t c0 = cs.n_cons, v0 = cs.n_vars;
        double t0 = bench_now_s();
        gs_ecdsa_verify(&c, zb, pub, sig, sig[64], pb);
        double t1 = bench_now_s();
        rc = circ_status(&c, NULL) != ZK_OK || r1cs_is_satisfied(&cs, NULL, NULL) != ZK_OK;
        double t2 = bench_now_s();
        cons = cs.n_cons - c0;
        vars = cs.n_vars - v0;
        if (t1 - t0 < best_build) best_build = t1 - t0;
        if (t2 - t1 < best_check) best_check = t2 - t1;
        circ_clear(&c);
        r1cs_clear(&cs);
    }
    ecdsa_context_free(ctx);
    if (rc) {
        fprintf(stderr, "bench_gadget_ecdsa: the verification circuit failed\n");
        return 1;
    }
    printf("gadget_ecdsa: %zu constraints, %zu variables per secp256k1 signature "
           "(gs_ecdsa_constraints %zu)\n",
           cons, vars, gs_ecdsa_constraints());
    printf("gadget_ecdsa: build %.1f ms, r1cs_is_satisfied %.1f ms per signature\n",
           best_build * 1e3, best_check * 1e3);
    return 0;
}
