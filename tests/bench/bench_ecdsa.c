/* ECDSA throughput: our ecrecover-to-address (range checks, EIP-2 rule,
 * libsecp256k1 recovery, serialization, keccak256) next to the raw libsecp256k1
 * recovery it wraps, plus RFC 6979 signing. Each figure is the better of two
 * runs of about one second over 256 distinct random signatures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>
#include <secp256k1_recovery.h>

#include "lightclient/ecdsa.h"
#include "bench/bench_util.h"

#define BENCH_SIGS  256
#define BENCH_SECS  1.0
#define BENCH_REPS  2
#define BENCH_BATCH 32

typedef struct bench_data {
    secp256k1_context *ctx;
    uint8_t sk[BENCH_SIGS][32];
    uint8_t hash[BENCH_SIGS][32];
    uint8_t sig[BENCH_SIGS][65];
    int failures;
} bench_data;

typedef void (*bench_op)(bench_data *d, size_t i);

/* One run of about BENCH_SECS; returns ops/s. */
static double bench_once(bench_op op, bench_data *d)
{
    size_t n = 0;
    double t0 = bench_now_s(), t;
    do {
        for (int k = 0; k < BENCH_BATCH; k++, n++)
            op(d, n % BENCH_SIGS);
        t = bench_now_s() - t0;
    } while (t < BENCH_SECS);
    return (double)n / t;
}

static void op_recover_address(bench_data *d, size_t i)
{
    uint8_t addr[20];
    if (ecdsa_recover_address(d->ctx, addr, d->hash[i], d->sig[i], 0, NULL) != ZK_OK) d->failures++;
}

/* The reference: what libsecp256k1 alone costs for the same work minus keccak. */
static void op_raw_recover(bench_data *d, size_t i)
{
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey pk;
    uint8_t ser[65];
    size_t len = sizeof(ser);
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(d->ctx, &sig, d->sig[i],
                                                             d->sig[i][64]) ||
        !secp256k1_ecdsa_recover(d->ctx, &pk, &sig, d->hash[i]) ||
        !secp256k1_ec_pubkey_serialize(d->ctx, ser, &len, &pk, SECP256K1_EC_UNCOMPRESSED))
        d->failures++;
}

static void op_sign(bench_data *d, size_t i)
{
    uint8_t sig[65];
    if (ecdsa_sign(d->ctx, sig, d->hash[i], d->sk[i]) != ZK_OK) d->failures++;
}

int main(void)
{
    zk_errbuf err = {0};
    bench_data *d = calloc(1, sizeof(*d));
    if (!d) return 1;
    d->ctx = ecdsa_context_new(&err);
    if (!d->ctx) {
        fprintf(stderr, "bench_ecdsa: %s\n", err.msg);
        free(d);
        return 1;
    }
    int rc = 1;
    for (size_t i = 0; i < BENCH_SIGS; i++) {
        uint8_t pub[64];
        do {
            if (RAND_bytes(d->sk[i], 32) != 1) goto out;
        } while (ecdsa_pubkey_from_seckey(d->ctx, pub, d->sk[i]) != ZK_OK);
        if (RAND_bytes(d->hash[i], 32) != 1) goto out;
        if (ecdsa_sign(d->ctx, d->sig[i], d->hash[i], d->sk[i]) != ZK_OK) goto out;
    }

    /* The repetitions alternate between the operations, so load from other
     * processes drifting over the run hits ours and the reference alike. */
    static const bench_op ops[3] = {op_recover_address, op_raw_recover, op_sign};
    double best[3] = {0, 0, 0};
    for (int rep = 0; rep < BENCH_REPS; rep++)
        for (int k = 0; k < 3; k++) {
            double v = bench_once(ops[k], d);
            if (v > best[k]) best[k] = v;
        }
    double rec = best[0], raw = best[1], sign = best[2];
    if (d->failures) {
        fprintf(stderr, "bench_ecdsa: %d operations failed\n", d->failures);
        goto out;
    }
    printf("ecdsa: ecrecover_address %.0f ops/s (%.1f us/op); reference libsecp256k1 recover "
           "%.0f ops/s (%.1f us/op, parse_compact + recover + serialize, no keccak)\n",
           rec, 1e6 / rec, raw, 1e6 / raw);
    printf("ecdsa: sign %.0f ops/s (%.1f us/op, RFC 6979, recoverable)\n", sign, 1e6 / sign);
    rc = 0;
out:
    if (rc) fprintf(stderr, "bench_ecdsa: setup failed\n");
    for (size_t i = 0; i < BENCH_SIGS; i++)
        zk_wipe(d->sk[i], 32);
    ecdsa_context_free(d->ctx);
    free(d);
    return rc;
}
