/* Fork-join over pthreads (threads.h). */
#include "prover/threads.h"

#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

typedef struct threads_piece {
    threads_fn fn;
    void *ctx;
    unsigned tid;
    size_t begin, end;
    pthread_t handle;
    bool started;
} threads_piece;

unsigned threads_count(unsigned threads)
{
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)(n > THREADS_MAX ? THREADS_MAX : n) : 1;
    }
    return threads > THREADS_MAX ? THREADS_MAX : threads;
}

static void *threads_trampoline(void *arg)
{
    threads_piece *p = arg;
    p->fn(p->ctx, p->tid, p->begin, p->end);
    return NULL;
}

void threads_run(unsigned threads, size_t n, threads_fn fn, void *ctx)
{
    if (n == 0) return;
    size_t t = threads_count(threads);
    if (t > n) t = n;
    if (t == 1) {
        fn(ctx, 0, 0, n);
        return;
    }
    threads_piece pieces[THREADS_MAX];
    /* Piece k covers [k n / t, (k + 1) n / t): sizes differ by at most one.
     * n < 2^64 / THREADS_MAX holds for any array that fits in memory. */
    for (size_t k = 0; k < t; k++) {
        pieces[k] = (threads_piece){
            .fn = fn, .ctx = ctx, .tid = (unsigned)k, .begin = k * n / t, .end = (k + 1) * n / t};
    }
    for (size_t k = 1; k < t; k++)
        pieces[k].started =
            pthread_create(&pieces[k].handle, NULL, threads_trampoline, &pieces[k]) == 0;
    fn(ctx, 0, pieces[0].begin, pieces[0].end);
    for (size_t k = 1; k < t; k++) {
        if (pieces[k].started)
            (void)pthread_join(pieces[k].handle, NULL);
        else
            fn(ctx, pieces[k].tid, pieces[k].begin, pieces[k].end);
    }
}
