/* The stores' LevelDB database: lock, open, close (see kvdb.h). */
#include "kvdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Maps a LevelDB open error to a code and a message a person can act on. */
static int open_error(const kvdb *kv, const char *lerr, zk_errbuf *err)
{
    if (strstr(lerr, "does not exist"))
        return ZK_FAIL(err, ZK_ERR_NOTFOUND, "%s %s does not exist (%s)", kv->what, kv->dir, lerr);
    /* LevelDB words both a lock held by another process (fcntl) and one held
     * through another handle in this process as "IO error: lock <dir>/LOCK: ...". */
    if (strstr(lerr, "IO error: lock "))
        return ZK_FAIL(err, ZK_ERR_IO,
                       "%s %s is locked: another process (or handle) has it open (%s)", kv->what,
                       kv->dir, lerr);
    if (strncmp(lerr, "Corruption", 10) == 0)
        return ZK_FAIL(err, ZK_ERR_MALFORMED, "%s %s is corrupt: %s", kv->what, kv->dir, lerr);
    return ZK_FAIL(err, ZK_ERR_IO, "%s %s: cannot open: %s", kv->what, kv->dir, lerr);
}

static int lock_dir(kvdb *kv, const char *lock_file, zk_errbuf *err)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s", kv->dir, lock_file);
    if (n < 0 || (size_t)n >= sizeof(path))
        return ZK_FAIL(err, ZK_ERR_USAGE, "%s: path too long", kv->what);
    kv->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (kv->lock_fd < 0)
        return ZK_FAIL(err, ZK_ERR_IO, "%s %s: cannot open %s: %s", kv->what, kv->dir, path,
                       strerror(errno));
    if (flock(kv->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK)
            return ZK_FAIL(err, ZK_ERR_IO,
                           "%s %s is locked: another process (or handle) has it open", kv->what,
                           kv->dir);
        return ZK_FAIL(err, ZK_ERR_IO, "%s %s: cannot lock %s: %s", kv->what, kv->dir, path,
                       strerror(e));
    }
    return ZK_OK;
}

int kvdb_open(kvdb *kv, const char *dir, bool create_if_missing, mode_t dir_mode,
              const char *lock_file, const char *what, zk_errbuf *err)
{
    memset(kv, 0, sizeof(*kv));
    kv->lock_fd = -1;
    kv->what = what;
    snprintf(kv->dir, sizeof(kv->dir), "%s", dir);
    if (create_if_missing) {
        if (mkdir(dir, dir_mode) != 0 && errno != EEXIST)
            return ZK_FAIL(err, ZK_ERR_IO, "%s %s: cannot create: %s", what, dir, strerror(errno));
    } else {
        /* Checked before LevelDB runs: leveldb_open creates the directory (and its
         * LOCK) even when told not to create the database. */
        char current[4096];
        struct stat st;
        int n = snprintf(current, sizeof(current), "%s/CURRENT", dir);
        if (n < 0 || (size_t)n >= sizeof(current) || stat(current, &st) != 0)
            return ZK_FAIL(err, ZK_ERR_NOTFOUND, "%s %s does not exist", what, dir);
    }
    int rc = lock_dir(kv, lock_file, err);
    if (rc != ZK_OK) return rc;
    kv->opts = leveldb_options_create();
    kv->ropts = leveldb_readoptions_create();
    kv->wopts = leveldb_writeoptions_create();
    leveldb_options_set_create_if_missing(kv->opts, create_if_missing);
    /* Stop at the first sign of damage rather than serve a partial log. */
    leveldb_options_set_paranoid_checks(kv->opts, 1);
    leveldb_readoptions_set_verify_checksums(kv->ropts, 1);
    leveldb_writeoptions_set_sync(kv->wopts, 1);
    char *lerr = NULL;
    kv->db = leveldb_open(kv->opts, dir, &lerr);
    if (lerr) {
        rc = open_error(kv, lerr, err);
        leveldb_free(lerr);
        kv->db = NULL;
        return rc;
    }
    return ZK_OK;
}

void kvdb_close(kvdb *kv)
{
    if (!kv) return;
    if (kv->db) leveldb_close(kv->db);
    if (kv->opts) leveldb_options_destroy(kv->opts);
    if (kv->ropts) leveldb_readoptions_destroy(kv->ropts);
    if (kv->wopts) leveldb_writeoptions_destroy(kv->wopts);
    if (kv->lock_fd >= 0) close(kv->lock_fd); /* releases the flock */
    kv->db = NULL;
    kv->opts = NULL;
    kv->ropts = NULL;
    kv->wopts = NULL;
    kv->lock_fd = -1;
}

int kvdb_is_empty(const kvdb *kv, bool *empty, zk_errbuf *err)
{
    leveldb_iterator_t *it = leveldb_create_iterator(kv->db, kv->ropts);
    leveldb_iter_seek_to_first(it);
    *empty = !leveldb_iter_valid(it);
    char *lerr = NULL;
    leveldb_iter_get_error(it, &lerr);
    leveldb_iter_destroy(it);
    if (lerr) {
        int rc = ZK_FAIL(err, ZK_ERR_IO, "%s %s: %s", kv->what, kv->dir, lerr);
        leveldb_free(lerr);
        return rc;
    }
    return ZK_OK;
}
