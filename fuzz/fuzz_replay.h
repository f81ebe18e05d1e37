/* Replays fuzz inputs through a harness's check function under the normal build,
 * for tests/<module>/test_fuzz_regressions.c: the committed seed corpus
 * fuzz/corpus/<harness>/ and the crash reproducers tests/fuzz_regressions/<harness>/.
 * Each file is one test case (CASE_BEGIN/CASE_END) that must pass the check
 * without a sanitizer report. Paths are relative to the repository root, where
 * make runs the tests. */
#ifndef ZKRELAY_FUZZ_FUZZ_REPLAY_H
#define ZKRELAY_FUZZ_FUZZ_REPLAY_H

#include <dirent.h>

#include "harness.h"

typedef bool (*fuzz_check_fn)(const uint8_t *data, size_t size);

static int fuzz_replay_name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reads a whole file into a buffer of exactly its size (so ASan catches a read one
 * byte past the end, as under libFuzzer). Returns NULL on failure. */
static uint8_t *fuzz_replay_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0) n = ftell(f);
    uint8_t *p = n >= 0 ? malloc(n > 0 ? (size_t)n : 1) : NULL;
    if (p && (fseek(f, 0, SEEK_SET) != 0 || fread(p, 1, (size_t)n, f) != (size_t)n)) {
        free(p);
        p = NULL;
    }
    if (f) fclose(f);
    *len = p ? (size_t)n : 0;
    return p;
}

/* Runs check on every regular file of dir in name order. A missing directory fails
 * the test when required (the seed corpus), and is fine otherwise (no crash was
 * ever found for that harness). Returns the number of files run. */
static __attribute__((unused)) size_t fuzz_replay_dir(const char *dir, fuzz_check_fn check,
                                                      bool required)
{
    DIR *d = opendir(dir);
    if (!d) {
        CHECK_MSG(!required, "%s: cannot open the directory", dir);
        return 0;
    }
    char *names[4096];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < sizeof(names) / sizeof(names[0]))
        if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(names[0]), fuzz_replay_name_cmp);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i] ? names[i] : "");
        CASE_BEGIN("%s", path);
        size_t len = 0;
        uint8_t *data = fuzz_replay_read(path, &len);
        CHECK_MSG(data != NULL, "%s: cannot read", path);
        if (data) CHECK_MSG(check(data, len), "%s: a fuzz invariant failed", path);
        CASE_END();
        free(data);
        free(names[i]);
    }
    CHECK_MSG(!required || n > 0, "%s: no seed", dir);
    return n;
}

/* The corpus and the reproducers of one harness. */
#define FUZZ_REPLAY(name)                                                                          \
    do {                                                                                           \
        fuzz_replay_dir("fuzz/corpus/" #name, fuzz_##name##_check, true);                          \
        fuzz_replay_dir("tests/fuzz_regressions/" #name, fuzz_##name##_check, false);              \
    } while (0)

#endif
