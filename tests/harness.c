#include "harness.h"

#include <stdarg.h>
#include <time.h>

th_state th;

static void th_report_failure(void)
{
    if (th.in_case)
        fprintf(stderr, "  FAIL %s [%s]\n", th.test, th.vcase);
    else
        fprintf(stderr, "  FAIL %s\n", th.test);
}

void th_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    if (th.checks_failed == 0) th_report_failure();
    th.checks_failed++;
    if (th.checks_failed > 20) return; /* one broken loop should not flood the log */
    fprintf(stderr, "    %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void th_case_begin(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(th.vcase, sizeof(th.vcase), fmt, ap);
    va_end(ap);
    th.in_case = true;
    th.checks_failed = 0;
}

void th_case_end(void)
{
    if (th.checks_failed)
        th.failed++;
    else {
        th.passed++;
        th.case_passed++;
    }
    th.checks_failed = 0;
    th.in_case = false;
}

void th_run(void (*fn)(void), const char *name)
{
    int before_pass = th.passed, before_fail = th.failed;
    th.test = name;
    th.checks_failed = 0;
    th.in_case = false;
    fn();
    if (th.in_case) th_case_end();
    int cases = (th.passed - before_pass) + (th.failed - before_fail);
    if (cases == 0) {
        /* A plain test: it counts as one. */
        if (th.checks_failed)
            th.failed++;
        else
            th.passed++;
    } else if (th.checks_failed) {
        /* A check failed outside any case (a missing vector file, say). */
        th.failed++;
    }
    if (cases > 0 && getenv("ZK_TEST_VERBOSE"))
        fprintf(stderr, "  %s: %d cases\n", name, cases);
    th.checks_failed = 0;
}

int th_finish(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)(strcspn(base, ".")), base);
    printf("%s: %d passed, %d failed\n", name, th.passed, th.failed);
    return th.failed ? 1 : 0;
}

const char *th_vector_path(const char *rel)
{
    static char path[1024];
    const char *root = getenv("ZK_VECTORS");
    if (!root || !*root) root = "../shared/vectors";
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    return path;
}

json_t *th_load_json(const char *rel)
{
    json_error_t jerr;
    const char *path = th_vector_path(rel);
    json_t *j = json_load_file(path, JSON_ALLOW_NUL, &jerr);
    if (!j) th_fail(__FILE__, __LINE__, "cannot load vector %s: %s (line %d)", path, jerr.text, jerr.line);
    return j;
}

uint8_t *th_read_file(const char *rel, size_t *len)
{
    const char *path = th_vector_path(rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        th_fail(__FILE__, __LINE__, "cannot open vector %s", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) th_fail(__FILE__, __LINE__, "out of memory reading %s", path);
    *len = n;
    return buf;
}

static uint64_t th_rng;
static bool th_rng_seeded;

uint64_t th_rand64(void)
{
    if (!th_rng_seeded) {
        const char *s = getenv("ZK_TEST_SEED");
        th.seed = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32);
        th_rng = th.seed;
        th_rng_seeded = true;
        fprintf(stderr, "  random seed %" PRIu64 " (replay with ZK_TEST_SEED=%" PRIu64 ")\n", th.seed, th.seed);
    }
    /* splitmix64 */
    uint64_t z = (th_rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void th_rand_bytes(uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) out[i] = (uint8_t)th_rand64();
}
