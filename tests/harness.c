/* nftw is XSI. */
#define _XOPEN_SOURCE 700

#include "harness.h"

#include <ftw.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
    if (cases > 0 && getenv("ZK_TEST_VERBOSE")) fprintf(stderr, "  %s: %d cases\n", name, cases);
    th.checks_failed = 0;
}

static char th_tmpdir[512];

static int th_rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

void th_rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (nftw(path, th_rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "  warning: could not remove %s\n", path);
}

/* Removes the scratch directory and everything tests left in it (LevelDB
 * stores are directories). */
static void th_tmp_cleanup(void)
{
    if (!th_tmpdir[0]) return;
    th_rm_tree(th_tmpdir);
    th_tmpdir[0] = '\0';
}

int th_finish(const char *file)
{
    th_tmp_cleanup();
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
    if (!j)
        th_fail(__FILE__, __LINE__, "cannot load vector %s: %s (line %d)", path, jerr.text,
                jerr.line);
    return j;
}

/* Reads all of f into a malloc'd buffer with one spare byte for a NUL. */
static char *th_read_all(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - 1 - n, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
    }
    if (buf) buf[n] = '\0';
    *len = n;
    return buf;
}

uint8_t *th_read_file(const char *rel, size_t *len)
{
    const char *path = th_vector_path(rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        th_fail(__FILE__, __LINE__, "cannot open vector %s", path);
        return NULL;
    }
    char *buf = th_read_all(f, len);
    fclose(f);
    if (!buf) th_fail(__FILE__, __LINE__, "out of memory reading %s", path);
    return (uint8_t *)buf;
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
        fprintf(stderr, "  random seed %" PRIu64 " (replay with ZK_TEST_SEED=%" PRIu64 ")\n",
                th.seed, th.seed);
    }
    /* splitmix64 */
    uint64_t z = (th_rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void th_rand_bytes(uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)th_rand64();
}

json_t *th_load_io_response(const char *rel)
{
    size_t len = 0;
    uint8_t *data = th_read_file(rel, &len);
    if (!data) return NULL;
    json_t *resp = NULL;
    json_error_t jerr = {0};
    for (size_t i = 0; i < len && !resp;) {
        size_t j = i;
        while (j < len && data[j] != '\n')
            j++;
        if (j - i > 3 && memcmp(data + i, "<< ", 3) == 0)
            resp = json_loadb((const char *)data + i + 3, j - i - 3, 0, &jerr);
        i = j + 1;
    }
    free(data);
    if (!resp) th_fail(__FILE__, __LINE__, "%s: no response line (%s)", rel, jerr.text);
    return resp;
}

json_t *th_load_io_result(const char *rel)
{
    json_t *resp = th_load_io_response(rel);
    if (!resp) return NULL;
    json_t *res = json_incref(json_object_get(resp, "result"));
    json_decref(resp);
    if (!res) th_fail(__FILE__, __LINE__, "%s: response has no result", rel);
    return res;
}

static void th_tmp_make(void)
{
    if (!th_tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(th_tmpdir, sizeof(th_tmpdir), "%s/zkrelay-test-XXXXXX",
                 base && *base ? base : "/tmp");
        if (!mkdtemp(th_tmpdir)) {
            fprintf(stderr, "cannot create a temporary directory under %s\n", th_tmpdir);
            exit(1);
        }
    }
}

const char *th_tmp_path(const char *name)
{
    /* Rotating buffers, so that a few paths can be held at once. */
    static char paths[8][1024];
    static unsigned next;
    char *path = paths[next++ % 8];
    th_tmp_make();
    snprintf(path, sizeof(paths[0]), "%s/%s", th_tmpdir, name);
    return path;
}

bool th_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

char *th_read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t len;
    char *buf = th_read_all(f, &len);
    fclose(f);
    return buf;
}

th_proc th_run_argv(const char *const *argv, const char *stdin_path)
{
    th_proc r = {-1, NULL, NULL};
    char out_path[1024], err_path[1024];
    th_tmp_make();
    snprintf(out_path, sizeof(out_path), "%s/proc.stdout", th_tmpdir);
    snprintf(err_path, sizeof(err_path), "%s/proc.stderr", th_tmpdir);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0) _exit(126);
        if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    if (pid > 0 && waitpid(pid, &st, 0) == pid) {
        r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        r.out = th_read_text(out_path);
        r.err = th_read_text(err_path);
    }
    if (!r.out) r.out = calloc(1, 1);
    if (!r.err) r.err = calloc(1, 1);
    return r;
}

th_proc th_run_zkrelay(const char *const *args, size_t nargs, const char *stdin_path)
{
    const char *bin = getenv("ZK_BIN");
    const char *argv[32];
    if (!bin || nargs >= 30) {
        th_proc r = {-1, calloc(1, 1), calloc(1, 1)};
        return r;
    }
    argv[0] = bin;
    for (size_t i = 0; i < nargs; i++)
        argv[1 + i] = args[i];
    argv[1 + nargs] = NULL;
    return th_run_argv(argv, stdin_path);
}

void th_proc_free(th_proc *p)
{
    free(p->out);
    free(p->err);
    p->out = p->err = NULL;
}

bool th_proc_sanitizer_clean(const th_proc *p)
{
    return p->err && !strstr(p->err, "Sanitizer") && !strstr(p->err, "runtime error");
}

const char *th_out_line(const char *out, const char *name)
{
    static char val[1024];
    size_t nl = strlen(name);
    for (const char *p = out; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > nl + 2 && strncmp(p, name, nl) == 0 && p[nl] == ':' && p[nl + 1] == ' ') {
            snprintf(val, sizeof(val), "%.*s", (int)(len - nl - 2), p + nl + 2);
            return val;
        }
        p = e ? e + 1 : NULL;
    }
    return NULL;
}
