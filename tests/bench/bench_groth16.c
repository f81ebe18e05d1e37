/* Groth16 prove: zkrelay next to snarkjs 0.7.6 on the same .zkey + .wtns files, in the
 * same run, with the ratio.
 *   - the upstream snarkjs vector circuit (103 wires, domain 2^7): start-up dominated;
 *   - a built circuit x_{i+1} = x_i^2 + 1 with 2^k - 2 constraints (domain 2^k; k = 16
 *     by default, ZK_BENCH_G16_LOG=k for another size, 10..22), development setup,
 *     files written to a scratch directory under /tmp.
 * zkrelay is timed in-process (groth16_prove on a loaded key: the proving work) and as
 * `zkrelay groth16 prove` through fork/exec/wait (reading the files included), snarkjs as
 * `node tools/node_modules/.bin/snarkjs groth16 prove` through fork/exec/wait, with
 * clock_gettime around each; each child's peak RSS comes from wait4. The ratio is
 * snarkjs / zkrelay CLI: the same work, files in and out, on both sides. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lightclient/bytes.h"
#include "prover/binfile.h"
#include "prover/prover.h"
#include "prover/wtns_file.h"
#include "prover/zkey_file.h"

#define SNARKJS "tools/node_modules/.bin/snarkjs"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void *ctx)
{
    (void)ctx;
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Runs argv (argv[0] looked up in PATH) with output to /dev/null. Returns the wall time
 * in seconds, or a negative value when it failed; *rss_mib the child's peak RSS. */
static double run_timed(char *const *argv, double *rss_mib)
{
    fflush(NULL);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0) _exit(126);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    if (pid < 0 || wait4(pid, &st, 0, &ru) != pid) return -1;
    double dt = now_s() - t0;
    *rss_mib = (double)ru.ru_maxrss / 1024.0;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? dt : -1;
}

/* Loads a zkey and a witness, as `zkrelay groth16 prove` does. */
static int load_inputs(groth16_pk *pk, fr **w, const char *zkey_path, const char *wtns_path)
{
    uint8_t *zd = NULL, *wd = NULL;
    size_t zl = 0, wl = 0;
    zkey_file z;
    wtns_file wt;
    memset(&z, 0, sizeof(z));
    zk_errbuf err = {{0}, 0};
    int rc = binfile_read_file(&zd, &zl, zkey_path, (size_t)8 << 30, &err);
    if (!rc) rc = zkey_file_parse(&z, zd, zl, &err);
    if (!rc) rc = groth16_pk_from_zkey(pk, &z, &err);
    if (!rc) rc = binfile_read_file(&wd, &wl, wtns_path, (size_t)2 << 30, &err);
    if (!rc) rc = wtns_file_parse(&wt, wd, wl, &err);
    if (!rc && wt.n_values != pk->n_vars) rc = ZK_ERR_MISMATCH;
    if (!rc) {
        *w = malloc((size_t)wt.n_values * sizeof(fr));
        if (!*w) rc = ZK_ERR_NOMEM;
        for (uint32_t i = 0; !rc && i < wt.n_values; i++)
            rc = fr_from_bytes_le(&(*w)[i], wtns_file_value(&wt, i), &err);
    }
    if (rc) fprintf(stderr, "groth16: cannot load %s / %s: %s\n", zkey_path, wtns_path, err.msg);
    zkey_file_clear(&z);
    free(zd);
    free(wd);
    return rc;
}

/* Times prove on zkey_path + wtns_path: in-process (best of runs), the CLI, snarkjs. */
static int bench_files(const char *what, const char *zkey_path, const char *wtns_path,
                       const char *tmp, int runs)
{
    groth16_pk pk;
    groth16_pk_init(&pk);
    fr *w = NULL;
    unsigned threads = threads_count(0);
    if (load_inputs(&pk, &w, zkey_path, wtns_path)) {
        groth16_pk_clear(&pk);
        return 1;
    }
    double best = 1e30;
    int rc = 0;
    for (int i = 0; i < runs && !rc; i++) {
        groth16_proof proof;
        zk_errbuf err = {{0}, 0};
        double t0 = now_s();
        rc = groth16_prove(&proof, &pk, NULL, w, pk.n_vars, threads, rng, NULL, &err);
        double dt = now_s() - t0;
        if (rc) fprintf(stderr, "groth16: prove failed: %s\n", err.msg);
        if (dt < best) best = dt;
    }
    const uint32_t n_vars = pk.n_vars, domain = pk.domain_size;
    groth16_pk_clear(&pk);
    free(w);
    if (rc) return 1;

    char proof[600], pub[600], threads_text[16];
    snprintf(proof, sizeof(proof), "%s/proof.json", tmp);
    snprintf(pub, sizeof(pub), "%s/public.json", tmp);
    snprintf(threads_text, sizeof(threads_text), "%u", threads);
    const char *bin = getenv("ZK_BIN");
    double cli = -1, cli_rss = 0, sj = -1, sj_rss = 0;
    for (int i = 0; i < (runs > 1 ? 2 : 1); i++) {
        double rss = 0, t;
        if (bin) {
            char *const zargv[] = {(char *)bin,       "groth16", "prove", (char *)zkey_path,
                                   (char *)wtns_path, proof,     pub,     "--threads",
                                   threads_text,      NULL};
            t = run_timed(zargv, &rss);
            if (t >= 0 && (cli < 0 || t < cli)) {
                cli = t;
                cli_rss = rss;
            }
        }
        char *const sargv[] = {
            "node", SNARKJS, "groth16", "prove", (char *)zkey_path, (char *)wtns_path,
            proof,  pub,     NULL};
        t = run_timed(sargv, &rss);
        if (t >= 0 && (sj < 0 || t < sj)) {
            sj = t;
            sj_rss = rss;
        }
    }
    printf("groth16: prove %s (%u wires, domain 2^%u, %u threads): zkrelay %.3f s in-process", what,
           n_vars, (unsigned)__builtin_ctz(domain), threads, best);
    if (cli >= 0)
        printf(", %.3f s CLI (peak RSS %.0f MiB)", cli, cli_rss);
    else
        printf(", CLI not run (ZK_BIN unset or it failed)");
    if (sj >= 0) {
        printf("; snarkjs 0.7.6 %.3f s (peak RSS %.0f MiB); ratio snarkjs/zkrelay %.1fx CLI, "
               "%.1fx in-process\n",
               sj, sj_rss, cli >= 0 ? sj / cli : 0.0, sj / best);
    } else {
        printf("; snarkjs not run (%s missing or it failed)\n", SNARKJS);
        rc = 1;
    }
    fflush(stdout);
    return rc;
}

/* x_{i+1} = x_i^2 + 1 for i < n_cons, x_0 private, x_{n_cons} the public output. */
static int build_chain(r1cs *cs, size_t n_cons)
{
    r1cs_lc a, c;
    r1cs_lc_init(&a);
    r1cs_lc_init(&c);
    fr x, one, minus_one;
    fr_from_u64(&x, 3);
    fr_set_one(&one);
    fr_neg(&minus_one, &one);
    r1cs_var cur = 0, next = 0;
    int rc = r1cs_init(cs);
    if (!rc) rc = r1cs_alloc_private(cs, &cur, &x);
    for (size_t i = 0; !rc && i < n_cons; i++) {
        fr_sqr(&x, &x);
        fr_add(&x, &x, &one);
        rc = i + 1 == n_cons ? r1cs_alloc(cs, &next, R1CS_KIND_PUBLIC_OUTPUT, &x)
                             : r1cs_alloc_private(cs, &next, &x);
        r1cs_lc_reset(&a);
        r1cs_lc_reset(&c);
        if (!rc) rc = r1cs_lc_add_var(&a, cur);
        if (!rc) rc = r1cs_lc_add_var(&c, next);
        if (!rc) rc = r1cs_lc_add_constant(&c, &minus_one);
        if (!rc) rc = r1cs_add_constraint(cs, &a, &a, &c, NULL);
        cur = next;
    }
    if (!rc) rc = r1cs_finalize(cs);
    r1cs_lc_clear(&a);
    r1cs_lc_clear(&c);
    return rc;
}

/* Builds the chain circuit, sets it up (development setup), writes zkey + wtns. */
static int make_chain_files(const char *zkey_path, const char *wtns_path, unsigned log_n)
{
    r1cs cs;
    memset(&cs, 0, sizeof(cs));
    groth16_pk pk;
    groth16_vk vk;
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    zk_buf b;
    buf_init(&b, 0);
    zk_errbuf err = {{0}, 0};
    uint8_t *wbuf = NULL;
    /* nConstraints + nPublic + 1 = 2^log_n exactly. */
    const size_t n_cons = ((size_t)1 << log_n) - 2;
    double t0 = now_s();
    int rc = build_chain(&cs, n_cons);
    double t1 = now_s();
    if (!rc) rc = groth16_setup_dev(&pk, &vk, &cs, rng, NULL, &err);
    double t2 = now_s();
    if (!rc) rc = groth16_pk_write_zkey(&b, &pk, &err);
    if (!rc) rc = binfile_write_file(zkey_path, b.data, b.len, &err);
    const size_t zkey_len = b.len;
    buf_clear(&b);
    wtns_file wt;
    if (!rc) {
        wbuf = malloc((size_t)cs.n_vars * 32);
        rc = wbuf ? r1cs_witness_to_file(&wt, wbuf, (size_t)cs.n_vars * 32, &cs, &err)
                  : ZK_ERR_NOMEM;
    }
    if (!rc) rc = wtns_file_write(&b, &wt);
    if (!rc) rc = binfile_write_file(wtns_path, b.data, b.len, &err);
    if (rc)
        fprintf(stderr, "groth16: building the 2^%u chain circuit failed: %s\n", log_n, err.msg);
    else
        printf("groth16: chain circuit x' = x^2 + 1, %zu constraints: build %.2f s, development "
               "setup %.2f s, zkey %.1f MiB\n",
               n_cons, t1 - t0, t2 - t1, (double)zkey_len / (1 << 20));
    fflush(stdout);
    free(wbuf);
    buf_clear(&b);
    r1cs_clear(&cs);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    return rc;
}

int main(void)
{
    const char *vectors = getenv("ZK_VECTORS");
    char zkey[600], wtns[600], tmp[] = "/tmp/zkrelay-bench-groth16-XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("groth16: mkdtemp");
        return 1;
    }
    snprintf(zkey, sizeof(zkey), "%s/snarkjs/groth16/circuit.zkey",
             vectors ? vectors : "../shared/vectors");
    snprintf(wtns, sizeof(wtns), "%s/snarkjs/groth16/witness.wtns",
             vectors ? vectors : "../shared/vectors");
    int rc = bench_files("upstream vector circuit", zkey, wtns, tmp, 5);

    unsigned log_n = 16;
    const char *env = getenv("ZK_BENCH_G16_LOG");
    if (env) {
        char *end = NULL;
        unsigned long v = strtoul(env, &end, 10);
        if (end && *end == '\0' && v >= 10 && v <= 22) log_n = (unsigned)v;
    }
    char czkey[600], cwtns[600], what[64];
    snprintf(czkey, sizeof(czkey), "%s/chain.zkey", tmp);
    snprintf(cwtns, sizeof(cwtns), "%s/chain.wtns", tmp);
    snprintf(what, sizeof(what), "chain circuit 2^%u", log_n);
    if (make_chain_files(czkey, cwtns, log_n) == ZK_OK)
        rc |= bench_files(what, czkey, cwtns, tmp, 1);
    else
        rc = 1;

    char path[700];
    const char *names[] = {"chain.zkey", "chain.wtns", "proof.json", "public.json"};
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        snprintf(path, sizeof(path), "%s/%s", tmp, names[i]);
        unlink(path);
    }
    rmdir(tmp);
    return rc;
}
