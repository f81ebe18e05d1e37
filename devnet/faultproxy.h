/* `zkrelay-devnet faultproxy`: a loopback JSON-RPC proxy that injects faults
 * between a client (the relayer, the light client's sync) and a node, by a
 * schedule, so tests can show which faults the client survives and which it
 * refuses. docs/faults.md describes the schedule format and every fault.
 *
 * DEVNET TOOLING, NEVER FOR PRODUCTION: the "altblock reseal" fault seals
 * forged headers with the public devnet validator keys (devnet/chain.h).
 *
 * Pointers are non-NULL unless stated; err may always be NULL. */
#ifndef ZKRELAY_DEVNET_FAULTPROXY_H
#define ZKRELAY_DEVNET_FAULTPROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"

/* The faults (docs/faults.md). */
typedef enum faultproxy_kind {
    FAULT_DELAY = 1, /* wait ms, then answer normally */
    FAULT_DROP,      /* close the connection without an answer */
    FAULT_HTTP,      /* answer an HTTP error status (500, 503, 429, ...) */
    FAULT_TRUNCATE,  /* cut the JSON answer after keep bytes (default: half) */
    FAULT_GARBLE,    /* overwrite bytes in the middle of the JSON answer: not JSON */
    FAULT_CHAINID,   /* eth_chainId answers value (default: the node's + 1) */
    FAULT_OLDHEAD,   /* eth_blockNumber answers back blocks below the highest seen */
    FAULT_ALTBLOCK,  /* eth_getBlockByNumber: one field changed, hash recomputed */
} faultproxy_kind;

/* Largest number of rules in one schedule. */
#define FAULTPROXY_MAX_RULES 64

/* One rule: a fault and the requests it applies to. */
typedef struct faultproxy_rule {
    faultproxy_kind kind;
    char method[64];     /* "" for any method; a batch matches when any entry does */
    uint64_t from, to;   /* matching request numbers, 1-based, inclusive (to 0: no end) */
    uint64_t after_ms;   /* applies only after this many ms since the proxy started */
    uint64_t until_ms;   /* ... and before this many (0: no end) */
    uint64_t times;      /* applied at most this many times (0: no limit) */
    uint64_t ms;         /* delay */
    int status;          /* http: 400..599 */
    uint64_t keep;       /* truncate: bytes kept (0: half the body) */
    uint64_t value;      /* chainid: the id answered (0: the node's + 1) */
    uint64_t back;       /* oldhead: blocks below the highest head seen (default 1) */
    bool has_block;      /* altblock: only the block at this height ... */
    uint64_t block;      /* ... (otherwise every block the request asks for) */
    char field[24];      /* altblock: stateRoot (default), receiptsRoot, timestamp, parentHash */
    bool reseal;         /* altblock: re-seal with the devnet keys (a valid quorum) */
    uint64_t seen, used; /* state: requests matched by method/time, faults applied */
} faultproxy_rule;

/* Parses one rule "KIND[,key=value]..." (see docs/faults.md).
 * Returns: ZK_OK; ZK_ERR_USAGE for an unknown kind or key, a bad value, or a
 *          key that does not go with the kind (err names it).
 * Out: *out. In: spec (NUL-terminated). */
int faultproxy_rule_parse(faultproxy_rule *out, const char *spec, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Reads a schedule file: one rule per line, blank lines and '#' comments
 * skipped, appended to rules[*n] (up to FAULTPROXY_MAX_RULES).
 * Returns: ZK_OK; ZK_ERR_USAGE for a bad line (err names path:line) or too
 *          many rules; ZK_ERR_IO when the file cannot be read.
 * In/Out: rules, *n. */
int faultproxy_schedule_load(faultproxy_rule *rules, size_t *n, const char *path,
                             zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* The `faultproxy` command. argv[0] == "faultproxy".
 * Prints "url: http://HOST:PORT" on stdout once serving; runs until SIGINT or
 * SIGTERM, then prints how many faults each rule injected on stderr.
 * Returns CLI_OK, CLI_FAILURE (cannot bind or start) or CLI_USAGE. */
int devnet_cmd_faultproxy(int argc, char **argv);

#endif
