/* QBFT / IBFT 2.0 header verification throughput with 4 and 16 validators, every
 * seal present, next to the bound the issue sets: the raw libsecp256k1 ecrecover
 * rate (secp256k1_ecdsa_recoverable_signature_parse_compact + secp256k1_ecdsa_recover,
 * measured in the same run over the same seals). A header with k seals cannot
 * verify faster than k recoveries; the goal is verify time <= 1.3 x that.
 * Each figure is the better of two runs of about one second, the runs of the
 * different operations interleaved so drifting load hits them alike. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>
#include <secp256k1_recovery.h>

#include "lightclient/bft.h"
#include "lightclient/ecdsa.h"
#include "lightclient/keccak.h"
#include "bench/bench_util.h"

#define BENCH_KEYS  16
#define BENCH_HDRS  32 /* distinct headers per configuration */
#define BENCH_SECS  1.0
#define BENCH_REPS  2
#define BENCH_BATCH 8
#define BENCH_CONFS 4 /* {qbft, ibft2} x {4, 16} validators */

typedef struct bench_conf {
    bft_flavor f;
    size_t n;
    valset set;
    eth_header hdr[BENCH_HDRS];
} bench_conf;

typedef struct bench_data {
    secp256k1_context *ctx;
    uint8_t sk[BENCH_KEYS][32];
    uint8_t addr[BENCH_KEYS][20];
    bench_conf conf[BENCH_CONFS];
    /* Every seal of the 16-validator QBFT headers with its digest, for the bound. */
    uint8_t digest[BENCH_HDRS * BENCH_KEYS][32];
    uint8_t seal[BENCH_HDRS * BENCH_KEYS][65];
    bft_result res;
    int failures;
} bench_data;

/* Runs op for about BENCH_SECS; returns operations per second. */
static double bench_once(void (*op)(bench_data *, size_t, size_t), bench_data *d, size_t arg)
{
    size_t n = 0;
    double t0 = bench_now_s(), t;
    do {
        for (int k = 0; k < BENCH_BATCH; k++, n++)
            op(d, arg, n);
        t = bench_now_s() - t0;
    } while (t < BENCH_SECS);
    return (double)n / t;
}

static void op_verify(bench_data *d, size_t c, size_t i)
{
    bench_conf *bc = &d->conf[c];
    if (bft_verify_header(&d->res, d->ctx, bc->f, &bc->hdr[i % BENCH_HDRS], &bc->set, NULL) !=
        ZK_OK)
        d->failures++;
}

static void op_recover(bench_data *d, size_t unused, size_t i)
{
    (void)unused;
    size_t k = i % (BENCH_HDRS * BENCH_KEYS);
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey pk;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(d->ctx, &sig, d->seal[k],
                                                             d->seal[k][64]) ||
        !secp256k1_ecdsa_recover(d->ctx, &pk, &sig, d->digest[k]))
        d->failures++;
}

static int setup_conf(bench_data *d, bench_conf *bc, bft_flavor f, size_t n)
{
    static const uint8_t c0 = 0xc0;
    bft_extra *x = calloc(1, sizeof(*x));
    if (!x) return ZK_ERR_NOMEM;
    int rc = ZK_OK;
    bc->f = f;
    bc->n = n;
    rc = valset_from_list(&bc->set, (const uint8_t(*)[20])d->addr, n, NULL);
    x->vanity_len = 32;
    x->n_validators = n;
    memcpy(x->validators, d->addr, n * 20);
    for (size_t i = 0; i < BENCH_HDRS && rc == ZK_OK; i++) {
        eth_header *h = &bc->hdr[i];
        header_init(h);
        h->number = 1000 + i;
        memcpy(h->mix_hash, bft_istanbul_digest, 32);
        h->difficulty[31] = 1;
        keccak256(h->ommers_hash, &c0, 1);
        if (RAND_bytes(h->state_root, 32) != 1 || RAND_bytes(h->parent_hash, 32) != 1)
            rc = ZK_ERR_INTERNAL;
        memcpy(h->coinbase, d->addr[i % n], 20);
        h->gas_limit = 30000000;
        h->timestamp = 1700000000 + i;
        h->has_base_fee = true;
        h->base_fee[31] = 7;
        x->round = (uint32_t)(i % 3);
        if (rc == ZK_OK)
            rc = bft_seal_header(h, d->ctx, f, x, (const uint8_t(*)[32])d->sk, n, NULL);
    }
    free(x);
    return rc;
}

int main(void)
{
    zk_errbuf err = {0};
    bench_data *d = calloc(1, sizeof(*d));
    if (!d) return 1;
    int rc = 1;
    d->ctx = ecdsa_context_new(&err);
    if (!d->ctx) {
        fprintf(stderr, "bench_bft: %s\n", err.msg);
        free(d);
        return 1;
    }
    for (size_t i = 0; i < BENCH_KEYS; i++) {
        uint8_t pub[64];
        do {
            if (RAND_bytes(d->sk[i], 32) != 1) goto out;
        } while (ecdsa_pubkey_from_seckey(d->ctx, pub, d->sk[i]) != ZK_OK);
        eth_address_from_pubkey(d->addr[i], pub);
    }
    static const struct {
        bft_flavor f;
        size_t n;
        const char *name;
    } confs[BENCH_CONFS] = {{BFT_QBFT, 4, "qbft"},
                            {BFT_QBFT, 16, "qbft"},
                            {BFT_IBFT2, 4, "ibft2"},
                            {BFT_IBFT2, 16, "ibft2"}};
    for (size_t c = 0; c < BENCH_CONFS; c++)
        if (setup_conf(d, &d->conf[c], confs[c].f, confs[c].n) != ZK_OK) goto out;

    /* The bound's inputs: the seals of the 16-validator QBFT headers. */
    bft_extra *x = malloc(sizeof(*x));
    if (!x) goto out;
    for (size_t i = 0; i < BENCH_HDRS; i++) {
        const eth_header *h = &d->conf[1].hdr[i];
        uint8_t digest[32];
        if (bft_commit_seal_hash(digest, BFT_QBFT, h, NULL) != ZK_OK ||
            bft_extra_decode(x, BFT_QBFT, h->extra_data, h->extra_len, NULL) != ZK_OK) {
            free(x);
            goto out;
        }
        for (size_t k = 0; k < BENCH_KEYS; k++) {
            memcpy(d->digest[i * BENCH_KEYS + k], digest, 32);
            memcpy(d->seal[i * BENCH_KEYS + k], x->seals[k], 65);
        }
    }
    free(x);

    double best[BENCH_CONFS + 1] = {0};
    for (int rep = 0; rep < BENCH_REPS; rep++) {
        for (size_t c = 0; c < BENCH_CONFS; c++) {
            double v = bench_once(op_verify, d, c);
            if (v > best[c]) best[c] = v;
        }
        double v = bench_once(op_recover, d, 0);
        if (v > best[BENCH_CONFS]) best[BENCH_CONFS] = v;
    }
    if (d->failures) {
        fprintf(stderr, "bench_bft: %d operations failed\n", d->failures);
        goto out;
    }
    double rec = best[BENCH_CONFS], rec_us = 1e6 / rec;
    printf("bft: raw libsecp256k1 ecrecover %.0f ops/s (%.1f us/op, parse_compact + recover)\n",
           rec, rec_us);
    for (size_t c = 0; c < BENCH_CONFS; c++) {
        double v = best[c], n = (double)confs[c].n, bound = rec / n;
        printf("bft: verify %s n=%zu: %.0f headers/s (%.1f us/header, %zu seals); bound %.0f "
               "headers/s (recover %.1f us x %zu); ratio %.2f (goal <= 1.30)\n",
               confs[c].name, confs[c].n, v, 1e6 / v, confs[c].n, bound, rec_us, confs[c].n,
               bound / v);
    }
    printf("bft: goal >= 10000 headers/s per core with 4 seals: %s (%.0f headers/s; the "
           "ecrecover bound alone allows %.0f)\n",
           best[0] >= 10000 ? "met" : "not met", best[0], rec / 4);
    rc = 0;
out:
    if (rc) fprintf(stderr, "bench_bft: setup failed\n");
    for (size_t i = 0; i < BENCH_KEYS; i++)
        zk_wipe(d->sk[i], 32);
    for (size_t c = 0; c < BENCH_CONFS; c++)
        for (size_t i = 0; i < BENCH_HDRS; i++)
            header_clear(&d->conf[c].hdr[i]);
    ecdsa_context_free(d->ctx);
    free(d);
    return rc;
}
