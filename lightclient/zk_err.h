/* Error codes and the optional error-message buffer shared by every module.
 *
 * Convention: a function that can fail returns int, 0 (ZK_OK) on success and
 * one zk_err value otherwise. Where a person needs details (parsers, config,
 * RPC) its last argument is a zk_errbuf *, which may be NULL. */
#ifndef ZKRELAY_LIGHTCLIENT_ZK_ERR_H
#define ZKRELAY_LIGHTCLIENT_ZK_ERR_H

#include <stddef.h>

#if defined(__GNUC__)
#define ZK_MUST_CHECK        __attribute__((warn_unused_result))
#define ZK_NONNULL(...)      __attribute__((nonnull(__VA_ARGS__)))
#define ZK_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ZK_MUST_CHECK
#define ZK_NONNULL(...)
#define ZK_PRINTF(fmt, args)
#endif

typedef enum zk_err {
    ZK_OK = 0,
    ZK_ERR_MALFORMED = 1, /* bytes or text that do not follow the format */
    ZK_ERR_NONCANONICAL,  /* well-formed but not the unique canonical encoding */
    ZK_ERR_TRUNCATED,     /* input ends before the format says it should */
    ZK_ERR_TRAILING,      /* bytes left after a complete value */
    ZK_ERR_RANGE,         /* a value outside the accepted range (too long, too deep, too big) */
    ZK_ERR_NOMEM,         /* allocation failed */
    ZK_ERR_IO,            /* file or socket error */
    ZK_ERR_RPC,           /* the JSON-RPC node answered with an error object */
    ZK_ERR_TRANSPORT,     /* HTTP/transport failure talking to a node */
    ZK_ERR_TIMEOUT,       /* a deadline passed */
    ZK_ERR_REJECTED,      /* a well-formed input failed verification (hash, signature, proof) */
    ZK_ERR_MISMATCH,      /* a value disagrees with the one it was declared to equal */
    ZK_ERR_NOTFOUND,      /* the requested item does not exist */
    ZK_ERR_USAGE,         /* bad arguments from the caller or the command line */
    ZK_ERR_INTERNAL,      /* a bug: an invariant of our own code failed */
    ZK_ERR_NOT_ON_CURVE,  /* an encoded point that does not satisfy the curve equation */
    ZK_ERR_NOT_IN_GROUP,  /* a point on the curve but outside the prime-order subgroup */
} zk_err;

/* A human-readable message plus where in the input it was detected. */
typedef struct zk_errbuf {
    char msg[256];
    size_t offset; /* byte offset or line number in the input, when known */
} zk_errbuf;

/* Returns a fixed, static description of code (never NULL). */
const char *zk_strerror(int code);

/* Writes a formatted message into err (when err is non-NULL) and returns code.
 * Use through ZK_FAIL so the call site stays one line. */
int zk_fail(zk_errbuf *err, int code, const char *fmt, ...) ZK_PRINTF(3, 4);

/* Like zk_fail but prefixes what err already holds with a context string:
 * "ctx: <old message>". Returns code. */
int zk_fail_wrap(zk_errbuf *err, int code, const char *fmt, ...) ZK_PRINTF(3, 4);

#define ZK_FAIL(err, code, ...) zk_fail((err), (code), __VA_ARGS__)

/* Overwrites n bytes at p with zeros in a way the compiler cannot drop
 * (OPENSSL_cleanse). Use on every copy of a secret. */
void zk_wipe(void *p, size_t n);

#endif
