/* A small fork-join helper over pthreads: split an index range [0, n) into one
 * contiguous piece per thread and run a function on each piece, the calling
 * thread taking the first. MSM and NTT use it; nothing here keeps state between
 * calls (no pool), since their work items run for milliseconds and a
 * pthread_create costs microseconds. */
#ifndef ZKRELAY_PROVER_THREADS_H
#define ZKRELAY_PROVER_THREADS_H

#include <stddef.h>

/* The work function: processes indices [begin, end). tid is the piece's number,
 * 0 <= tid < the thread count threads_run used, distinct among pieces that run at
 * the same time, so it can index per-thread scratch. */
typedef void (*threads_fn)(void *ctx, unsigned tid, size_t begin, size_t end);

/* Returns the thread count to use for a request: threads itself when non-zero,
 * otherwise the number of online processors (at least 1). Capped at
 * THREADS_MAX. */
#define THREADS_MAX 256
unsigned threads_count(unsigned threads);

/* Runs fn over [0, n) split into min(threads_count(threads), n) near-equal
 * contiguous pieces, piece k on its own thread with tid k (piece 0 on the calling
 * thread), and returns when all are done. n == 0 calls nothing. When a thread
 * cannot be created its piece runs on the calling thread afterwards, with the same
 * tid, so the result never depends on thread creation succeeding.
 * In: ctx is passed through to fn, unread here. */
void threads_run(unsigned threads, size_t n, threads_fn fn, void *ctx);

#endif
