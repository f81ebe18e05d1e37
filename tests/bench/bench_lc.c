/* The light client end to end: generated QBFT chains (4 and 16 validators)
 * submitted in batches of 128 to a fresh LevelDB store, so verification, hashing
 * and the synced batch writes are all counted. Compare with bench_bft's
 * verification-only figures and the ecrecover bound printed there. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "chaingen.h"
#include "lightclient/lc.h"
#include "bench/bench_util.h"

static int run(size_t validators, size_t headers)
{
    chaingen g;
    zk_errbuf err = {0};
    if (chaingen_init(&g, LC_QBFT, validators, 99, 0)) return 1;
    for (size_t i = 0; i < headers; i++)
        if (chaingen_bft_next(&g, -1, true, 0)) return 1;
    char dir[] = "/tmp/zkrelay-bench-lc-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    json_t *cpj = chaingen_checkpoint_json(&g, 1);
    lc_checkpoint_file cpf;
    lc_client *lc = NULL;
    int rc = lc_checkpoint_from_json(&cpf, cpj, &err);
    if (rc == ZK_OK) rc = lc_init(g.ctx, dir, &cpf, &err);
    if (rc == ZK_OK) rc = lc_open(&lc, g.ctx, dir, &err);
    double t0 = bench_now_s();
    for (size_t i = 1; rc == ZK_OK && i < g.n; i += 128) {
        size_t n = g.n - i < 128 ? g.n - i : 128, done;
        lc_verdict v;
        rc = lc_submit_headers(lc, &v, &done, &g.h[i], n, &err);
    }
    double t = bench_now_s() - t0;
    if (rc == ZK_OK)
        printf("lc: sync qbft n=%zu: %zu headers verified and stored in %.2f s = %.0f headers/s "
               "(batches of 128, one synced LevelDB write each)\n",
               validators, headers, t, (double)headers / t);
    else
        fprintf(stderr, "bench_lc: %s\n", err.msg);
    lc_close(lc);
    lc_checkpoint_file_clear(&cpf);
    json_decref(cpj);
    chaingen_free(&g);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_lc: could not remove %s\n", dir);
    return rc ? 1 : 0;
}

int main(void)
{
    return run(4, 2000) | run(16, 500);
}
