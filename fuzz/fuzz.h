/* Shared glue of the libFuzzer harnesses in fuzz/fuzz_*.c.
 *
 * Each harness defines one static check function
 *     static bool fuzz_<name>_check(const uint8_t *data, size_t size);
 * that feeds the input to the real entry points and returns false only when a
 * guarantee the code's contract states is broken (a round trip that must hold,
 * an output that must be set). Input the code rejects is fine: the sanitizers
 * catch what the return value cannot (out-of-bounds reads, UB, leaks).
 *
 * Built by fuzz/run.sh, FUZZ_ENTRY turns the check into LLVMFuzzerTestOneInput
 * and aborts on false, so libFuzzer saves the input as a crash. The regression
 * tests (tests/<module>/test_fuzz_regressions.c) define FUZZ_NO_ENTRY and
 * #include the harness sources, so the committed corpus and every reproducer
 * run through the very same code under the normal build. */
#ifndef ZKRELAY_FUZZ_FUZZ_H
#define ZKRELAY_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Reports a broken guarantee and clears ok (the check's result), so that the
 * check still runs its cleanup before it returns. */
#define FUZZ_EXPECT(ok, cond)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond);      \
            (ok) = false;                                                                          \
        }                                                                                          \
    } while (0)

/* Calls a status-returning function whose answer the harness does not need (any
 * answer is fine; only a crash or a sanitizer report is not). */
#define FUZZ_IGNORE(call)                                                                          \
    do {                                                                                           \
        int fuzz_ignored_ = (call);                                                                \
        (void)fuzz_ignored_;                                                                       \
    } while (0)

#ifdef FUZZ_NO_ENTRY
#define FUZZ_ENTRY(check)
#else
#define FUZZ_ENTRY(check)                                                                          \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                                  \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                                   \
    {                                                                                              \
        if (!check(data, size)) abort();                                                           \
        return 0;                                                                                  \
    }
#endif

#endif
