/* Running snarkjs (tools/node_modules, pinned in tools/package-lock.json) and the built
 * zkrelay side by side, for the tests that compare the two implementations. Paths are
 * relative to the repository root, where tests run. */
#ifndef ZKRELAY_TESTS_RELAYER_SNARKJS_RUN_H
#define ZKRELAY_TESTS_RELAYER_SNARKJS_RUN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

#define SNARKJS "tools/node_modules/.bin/snarkjs"

/* Copies a path (th_tmp_path and th_vector_path return rotating buffers) into out[512]. */
static inline void path_copy(char *out, const char *in)
{
    snprintf(out, 512, "%s", in);
}

/* True when both files exist and hold the same bytes. */
static inline bool files_equal(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool eq = fa && fb;
    while (eq) {
        int x = fgetc(fa), y = fgetc(fb);
        if (x != y) eq = false;
        if (x == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return eq;
}

/* Checks (as failures of the current test) that snarkjs is installed and that $ZK_BIN
 * names the built zkrelay. Returns true when both are there. */
static inline bool snarkjs_tools_present(void)
{
    bool sj = access(SNARKJS, R_OK) == 0;
    CHECK_MSG(sj, "%s is missing (run `make deps`, from the repository root)", SNARKJS);
    const char *bin = getenv("ZK_BIN");
    bool zk = bin && access(bin, X_OK) == 0;
    CHECK_MSG(zk, "ZK_BIN is not set to the built zkrelay");
    return sj && zk;
}

/* Runs `node SNARKJS args...` (NULL-terminated, at most 21), capturing its output.
 * status: the exit code, or -1 when it died from a signal or did not start.
 * Out: the result (th_proc_free it). */
static inline th_proc snarkjs_run(const char *a0, ...)
{
    const char *argv[24] = {"node", SNARKJS};
    size_t n = 2;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && n < 23; a = va_arg(ap, const char *))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return th_run_argv(argv, NULL);
}

/* Runs zkrelay args... (NULL-terminated, at most 24), checks its stderr holds no sanitizer
 * report, and prints stderr when it exits other than 0 or 3 (CLI_REJECTED).
 * Returns the exit status (-1: died). Out: *out, when out is non-NULL: its stdout
 * (malloc'd; the caller frees it). */
static inline int zkrelay_run(char **out, const char *a0, ...)
{
    const char *argv[24];
    size_t n = 0;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && n < 24; a = va_arg(ap, const char *))
        argv[n++] = a;
    va_end(ap);
    th_proc p = th_run_zkrelay(argv, n, NULL);
    CHECK_MSG(th_proc_sanitizer_clean(&p), "sanitizer report: %s", p.err);
    if (p.status != 0 && p.status != 3)
        fprintf(stderr, "    zkrelay %s %s: exit %d: %s", a0, n > 1 ? argv[1] : "", p.status,
                p.err);
    int st = p.status;
    if (out) {
        *out = p.out;
        p.out = NULL;
    }
    th_proc_free(&p);
    return st;
}

#endif
