/* Helpers shared by the benchmarks in tests/bench (header-only). */
#ifndef ZKRELAY_TESTS_BENCH_BENCH_UTIL_H
#define ZKRELAY_TESTS_BENCH_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

/* Wall-clock seconds from an arbitrary origin (CLOCK_MONOTONIC: immune to clock steps). */
static inline double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64, as the prover's uint64_t (*)(void *) randomness callback: fast and
 * reproducible, for benchmark setups and provers only (never a secret).
 * In/Out: ctx, a uint64_t state, non-zero. */
static inline uint64_t bench_xorshift(void *ctx)
{
    uint64_t *s = ctx;
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

#endif
