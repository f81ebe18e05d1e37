/* zkrelay's test harness: one binary per source file, each TEST a function run
 * by main through RUN(). A TEST that loops over a vector file counts every case
 * with CASE_BEGIN/CASE_END, so the summary counts vector cases, not files.
 *
 * Each binary ends with "<name>: N passed, N failed" and exits 1 on any
 * failure; tests/run.sh adds the binaries up into the closing summary line.
 *
 * Vector files are read at run time from $ZK_VECTORS (default ../shared/vectors,
 * relative to the repository root where make runs the tests). A missing vector
 * file is a failure, never a skip. */
#ifndef ZKRELAY_TESTS_HARNESS_H
#define ZKRELAY_TESTS_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

typedef struct th_state {
    int passed, failed;
    int checks_failed; /* failures inside the current test or case */
    const char *test;
    char vcase[160];
    bool in_case;
    int case_passed;
    uint64_t seed;
} th_state;

extern th_state th;

void th_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void th_run(void (*fn)(void), const char *name);
void th_case_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void th_case_end(void);
int th_finish(const char *binary);

/* Returns the path of a vector file under the vectors root (static buffer; copy it). */
const char *th_vector_path(const char *rel);
/* Loads a JSON vector file; a missing or bad file fails the current test and returns NULL. */
json_t *th_load_json(const char *rel);
/* Reads a whole file under the vectors root into a malloc'd buffer; NULL on failure. */
uint8_t *th_read_file(const char *rel, size_t *len);

/* The "<< " response line of an execution-apis .io transcript under the vectors
 * root: the whole JSON-RPC response, or its "result" (new references). A missing
 * file or line fails the current test and returns NULL. */
json_t *th_load_io_response(const char *rel);
json_t *th_load_io_result(const char *rel);

/* A scratch directory for this test binary, made on first use and removed with
 * its files by th_finish. Returns dir/name in one of 8 rotating static buffers. */
const char *th_tmp_path(const char *name);
bool th_write_file(const char *path, const void *data, size_t len);
/* Removes a file or a directory tree (a LevelDB store, say); missing is fine. */
void th_rm_tree(const char *path);
/* Both non-NULL and equal. */
static inline bool th_streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}
/* Reads a whole file (any path) into a NUL-terminated malloc'd buffer, or NULL. */
char *th_read_text(const char *path);

/* Runs the built zkrelay ($ZK_BIN) with args, stdin from stdin_path (NULL:
 * /dev/null), and captures stdout and stderr. status is the exit code, or -1
 * when the process died from a signal or could not start. */
typedef struct th_proc {
    int status;
    char *out, *err; /* never NULL after th_run_zkrelay */
} th_proc;
th_proc th_run_zkrelay(const char *const *args, size_t nargs, const char *stdin_path);
/* Runs argv (NULL-terminated; argv[0] looked up in PATH unless it holds a '/') the same
 * way: stdin from stdin_path (NULL: /dev/null), stdout and stderr captured. */
th_proc th_run_argv(const char *const *argv, const char *stdin_path);
void th_proc_free(th_proc *p);
/* True when stderr holds no sanitizer report. */
bool th_proc_sanitizer_clean(const th_proc *p);
/* The value of the "name: value" line of a command's text output (static buffer), or NULL. */
const char *th_out_line(const char *out, const char *name);

/* Deterministic PRNG seeded from ZK_TEST_SEED (or time); the seed is printed. */
uint64_t th_rand64(void);
void th_rand_bytes(uint8_t *out, size_t n);

#define TEST(name) static void name(void)
#define RUN(name)  th_run(name, #name)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) th_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                              \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) th_fail(__FILE__, __LINE__, __VA_ARGS__);                                     \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long th_a = (long long)(a), th_b = (long long)(b);                                    \
        if (th_a != th_b)                                                                          \
            th_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, th_a, th_b);              \
    } while (0)

#define CHECK_MEM(a, b, n)                                                                         \
    do {                                                                                           \
        if (memcmp((a), (b), (n)) != 0) th_fail(__FILE__, __LINE__, "%s differs from %s", #a, #b); \
    } while (0)

/* Counts the statements between them as one test case named by the format. */
#define CASE_BEGIN(...) th_case_begin(__VA_ARGS__)
#define CASE_END()      th_case_end()

#define TEST_MAIN(...)                                                                             \
    int main(void)                                                                                 \
    {                                                                                              \
        __VA_ARGS__;                                                                               \
        return th_finish(__FILE__);                                                                \
    }

#endif
