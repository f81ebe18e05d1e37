/* A LevelDB database as zkrelay's stores use it (lightclient/lc_store.h, relayer/msgstore.h):
 * one directory, held exclusively through an flock on a lock file, opened with paranoid checks,
 * read with checksum verification and written with sync = true, so every write batch is durable
 * and all-or-nothing when it returns.
 *
 * LevelDB's own LOCK uses fcntl locks, which POSIX drops when the process closes ANY descriptor
 * of the file; LevelDB 1.23 does exactly that when a second handle in the same process fails to
 * open, silently letting a second process in. An flock belongs to the open file description,
 * so it holds against both. */
#ifndef ZKRELAY_LIGHTCLIENT_KVDB_H
#define ZKRELAY_LIGHTCLIENT_KVDB_H

#include <stdbool.h>
#include <sys/types.h>

#include <leveldb/c.h>

#include "zk_err.h"

typedef struct kvdb {
    leveldb_t *db;
    leveldb_options_t *opts;
    leveldb_readoptions_t *ropts;  /* verify_checksums */
    leveldb_writeoptions_t *wopts; /* sync = true: every update is durable when it returns */
    int lock_fd;                   /* holds the flock on the lock file, or -1 */
    char dir[256];                 /* for messages */
    const char *what;              /* "light-client store", "message store": for messages */
} kvdb;

/* Opens (or, with create_if_missing, creates with mode dir_mode) the database in dir, after
 * taking an exclusive flock on dir/lock_file.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND (no database and !create_if_missing); ZK_ERR_IO (cannot create
 *          or lock, "... is locked: another process (or handle) has it open", other open errors);
 *          ZK_ERR_MALFORMED (LevelDB reports corruption); ZK_ERR_USAGE (path too long).
 * Out: kv (release with kvdb_close, also after a failure). In: what, lock_file (static strings). */
int kvdb_open(kvdb *kv, const char *dir, bool create_if_missing, mode_t dir_mode,
              const char *lock_file, const char *what, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 5, 6);

/* Closes the database and releases the lock; a zeroed or failed kv is a no-op to close. */
void kvdb_close(kvdb *kv);

/* Out: *empty = the database holds no key.
 * Returns: ZK_OK; ZK_ERR_IO when LevelDB reports an error while iterating. */
int kvdb_is_empty(const kvdb *kv, bool *empty, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

#endif
