/* The bridge's two statements: constraint counts of each gadget and statement, and the
 * setup time, prove time and peak memory of finality(4) and inclusion(4, 2 KiB) on this
 * machine (issue 5's table).
 *
 * Each measured statement runs in a forked child so its peak RSS (wait4) is its own:
 * build from a synthetic witness, finalize, development setup, prove, verify. The prove
 * part takes several minutes per statement on 2 cores; ZK_BENCH_STMT_PROVE=0 prints only
 * the counts; ZK_BENCH_STMT_ONLY=finality or inclusion measures one. Threads:
 * ZK_BENCH_THREADS (default 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lightclient/ecdsa.h"
#include "prover/gadget_mpt.h"
#include "prover/gadget_secp256k1.h"
#include "prover/prover.h"
#include "prover/stmt_finality.h"
#include "prover/stmt_inclusion.h"
#include "bench/bench_util.h"

static double rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

typedef struct stmt_case {
    const char *name;
    int finality;
    size_t validators;
    stmt_inc_params ip;
} stmt_case;

/* Builds the case's statement from a synthetic witness. Returns 0 on success. */
static int build(r1cs *cs, const stmt_case *k, const secp256k1_context *ctx, double *secs)
{
    zk_errbuf err;
    double t0 = bench_now_s();
    int rc = r1cs_init(cs);
    if (rc) return rc;
    if (k->finality) {
        stmt_fin_params p;
        stmt_fin_default_params(&p, k->validators);
        stmt_fin_witness w;
        rc = stmt_fin_witness_synthetic(&w, &p, ctx, k->validators, &err);
        if (rc == ZK_OK) rc = stmt_fin_build(cs, &p, &w, NULL, &err);
        stmt_fin_witness_clear(&w);
    } else {
        stmt_inc_witness w;
        rc = stmt_inc_witness_synthetic(&w, &k->ip, 3, &err);
        if (rc == ZK_OK) rc = stmt_inc_build(cs, &k->ip, &w, NULL, &err);
        stmt_inc_witness_clear(&w);
    }
    if (rc) fprintf(stderr, "bench_stmt: %s: %s\n", k->name, err.msg);
    *secs = bench_now_s() - t0;
    return rc;
}

/* Child: build, setup, prove, verify; prints one line. */
static int measure(const stmt_case *k, const secp256k1_context *ctx, unsigned threads, int prove)
{
    r1cs cs;
    double t_build = 0;
    if (build(&cs, k, ctx, &t_build)) return 1;
    size_t domain = 1;
    while (domain < cs.n_cons + r1cs_n_public(&cs) + 1)
        domain <<= 1;
    printf("stmt: %-28s constraints %9zu  variables %9u  public %u  domain 2^%d  build %.1f s\n",
           k->name, cs.n_cons, cs.n_vars, r1cs_n_public(&cs), __builtin_ctzll(domain), t_build);
    fflush(stdout);
    if (!prove) {
        r1cs_clear(&cs);
        return 0;
    }
    zk_errbuf err;
    if (r1cs_finalize(&cs)) return 1;
    groth16_pk pk;
    groth16_vk vk;
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    uint64_t rng_state = 0x2545f4914f6cdd1dULL;
    double t0 = bench_now_s();
    int rc = groth16_setup_dev(&pk, &vk, &cs, bench_xorshift, &rng_state, &err);
    double t_setup = bench_now_s() - t0;
    groth16_proof proof;
    double t_prove = 0;
    if (rc == ZK_OK) {
        t0 = bench_now_s();
        rc = groth16_prove(&proof, &pk, NULL, cs.values, cs.n_vars, threads, bench_xorshift,
                           &rng_state, &err);
        t_prove = bench_now_s() - t0;
    }
    if (rc == ZK_OK) {
        uint8_t(*pub)[32] = malloc(32 * (size_t)(r1cs_n_public(&cs) + 1));
        groth16_public_from_witness(pub, cs.values, r1cs_n_public(&cs));
        rc = groth16_verify(&vk, (const uint8_t(*)[32])pub, r1cs_n_public(&cs), &proof, &err);
        free(pub);
    }
    if (rc)
        fprintf(stderr, "bench_stmt: %s: %s\n", k->name, err.msg);
    else
        printf("stmt: %-28s dev setup %.1f s  prove %.1f s (%u threads)  peak RSS %.0f MiB  "
               "verify ok\n",
               k->name, t_setup, t_prove, threads, rss_mib());
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    r1cs_clear(&cs);
    return rc ? 1 : 0;
}

static int in_child(const stmt_case *k, const secp256k1_context *ctx, unsigned threads, int prove)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) _exit(measure(k, ctx, threads, prove));
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0) return 1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(void)
{
    zk_errbuf err;
    secp256k1_context *ctx = ecdsa_context_new(&err);
    if (!ctx) return 1;
    const char *e = getenv("ZK_BENCH_STMT_PROVE");
    int prove = !(e && !strcmp(e, "0"));
    e = getenv("ZK_BENCH_THREADS");
    unsigned threads = 2;
    if (e) {
        char *end = NULL;
        unsigned long v = strtoul(e, &end, 10);
        if (end == e || *end != '\0' || v > 256) {
            fprintf(stderr, "ZK_BENCH_THREADS wants a number from 0 to 256, not '%s'\n", e);
            return 1;
        }
        threads = (unsigned)v;
    }
    printf("# statements (prover/stmt_*.h); gadgets: Keccak-f 145,920 (bench_gadgets), "
           "ECDSA %zu per signature\n",
           gs_ecdsa_constraints());
    gm_params gp = {.max_depth = 4, .max_node_len = 532, .max_value_len = 2048};
    printf("# MPT path (4 nodes, 2 KiB receipt): %zu Keccak-f blocks\n", gm_keccak_blocks(&gp));
    const stmt_case count_only[] = {
        {"finality(16)", 1, 16, {0}},
        {"inclusion(6, 2 KiB)", 0, 0, {6, 2048, 8, 532}},
    };
    const stmt_case measured[] = {
        {"finality(4)", 1, 4, {0}},
        {"inclusion(4, 2 KiB)", 0, 0, {4, 2048, 8, 532}},
    };
    /* ZK_BENCH_STMT_ONLY=finality|inclusion measures one statement (and skips the counts). */
    const char *only = getenv("ZK_BENCH_STMT_ONLY");
    int rc = 0;
    for (size_t i = 0; i < sizeof measured / sizeof *measured; i++)
        if (!only || !strncmp(measured[i].name, only, strlen(only)))
            rc |= in_child(&measured[i], ctx, threads, prove);
    if (only) {
        ecdsa_context_free(ctx);
        return rc;
    }
    for (size_t i = 0; i < sizeof count_only / sizeof *count_only; i++)
        rc |= in_child(&count_only[i], ctx, threads, 0);
    ecdsa_context_free(ctx);
    return rc;
}
