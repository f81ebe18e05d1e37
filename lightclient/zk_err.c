#include "zk_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

const char *zk_strerror(int code)
{
    switch (code) {
    case ZK_OK: return "ok";
    case ZK_ERR_MALFORMED: return "malformed input";
    case ZK_ERR_NONCANONICAL: return "non-canonical encoding";
    case ZK_ERR_TRUNCATED: return "truncated input";
    case ZK_ERR_TRAILING: return "trailing bytes after value";
    case ZK_ERR_RANGE: return "value out of range";
    case ZK_ERR_NOMEM: return "out of memory";
    case ZK_ERR_IO: return "i/o error";
    case ZK_ERR_RPC: return "json-rpc error";
    case ZK_ERR_TRANSPORT: return "transport error";
    case ZK_ERR_TIMEOUT: return "timeout";
    case ZK_ERR_REJECTED: return "verification rejected";
    case ZK_ERR_MISMATCH: return "mismatch";
    case ZK_ERR_NOTFOUND: return "not found";
    case ZK_ERR_USAGE: return "usage error";
    case ZK_ERR_INTERNAL: return "internal error";
    case ZK_ERR_NOT_ON_CURVE: return "point not on the curve";
    case ZK_ERR_NOT_IN_GROUP: return "point not in the prime-order subgroup";
    default: return "unknown error";
    }
}

int zk_fail(zk_errbuf *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}

int zk_fail_wrap(zk_errbuf *err, int code, const char *fmt, ...)
{
    if (err) {
        char prefix[128], old[sizeof(err->msg)];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof(prefix), fmt, ap);
        va_end(ap);
        memcpy(old, err->msg, sizeof(old));
        old[sizeof(old) - 1] = '\0';
        const char *rest = old[0] ? old : zk_strerror(code);
        size_t pl = strnlen(prefix, sizeof(err->msg) - 3), rl = strlen(rest);
        if (rl > sizeof(err->msg) - 3 - pl) rl = sizeof(err->msg) - 3 - pl;
        memcpy(err->msg, prefix, pl);
        memcpy(err->msg + pl, ": ", 2);
        memcpy(err->msg + pl + 2, rest, rl);
        err->msg[pl + 2 + rl] = '\0';
    }
    return code;
}

void zk_wipe(void *p, size_t n)
{
    if (p && n) OPENSSL_cleanse(p, n);
}
