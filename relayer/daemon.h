/* The relayer daemon, `zkrelay run`: follows the source chain through the native
 * light client, finds Outbox messages and records them in the message store
 * (relayer/msgstore.h), serves /metrics and /health, and resumes every message
 * from its stored state after a restart.
 *
 * Design (issue 7). One main loop, like Redis's ae: each step reads the stores,
 * does one idempotent piece of work and commits its result in ONE synced write
 * batch before the next step starts, so a kill -9 between any two instructions
 * loses nothing: the next run redoes at most the step that was cut.
 *
 * Exit codes of daemon_run (docs/config.md lists them for operators):
 *   DAEMON_EXIT_OK       0  stopped cleanly (SIGINT/SIGTERM, --once done, --exit-when-idle idle)
 *   DAEMON_EXIT_FAILURE  1  runtime failure (an RPC unreachable at start, I/O, a store error)
 *   DAEMON_EXIT_CONFIG   2  bad configuration or usage (config.h), key file refused
 *   DAEMON_EXIT_CHAIN    4  a node reports another chain id than the configuration
 *   DAEMON_EXIT_ALARM    5  the source chain broke a safety rule (a finalized height changed
 *                          hash, the head went below the verified head, equivocation, a log
 *                          whose block hash is not the verified header's): the daemon stops
 *                          all work at once; /health answers 503 with the reason until it
 *                          exits, which is at once, or on SIGINT/SIGTERM with hold_on_alarm
 *                          (so that a health check or a scrape can see the alarm). */
#ifndef ZKRELAY_RELAYER_DAEMON_H
#define ZKRELAY_RELAYER_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "lightclient/zk_err.h"
#include "relayer/config.h"

enum {
    DAEMON_EXIT_OK = 0,
    DAEMON_EXIT_FAILURE = 1,
    DAEMON_EXIT_CONFIG = 2,
    DAEMON_EXIT_CHAIN = 4,
    DAEMON_EXIT_ALARM = 5,
};

typedef struct daemon_opts {
    bool once;           /* one pass of every job, then exit */
    bool exit_when_idle; /* exit 0 once every message is confirmed/failed and the source is caught
                            up */
    int log_format;      /* CONFIG_LOG_TEXT / CONFIG_LOG_JSON, or -1: the config's */
    bool hold_on_alarm;  /* after a safety alarm, stop all work but keep /health (503, the
                            reason) and /metrics served until SIGINT/SIGTERM, then exit 5 */
} daemon_opts;

/* Runs the daemon with cfg until a signal, --once, idleness (exit_when_idle) or a
 * fatal error. Installs SIGINT/SIGTERM handlers for its duration.
 * Returns: a DAEMON_EXIT_* code; err holds the reason of a non-zero one.
 * In: cfg (borrowed for the call), o. */
int daemon_run(const config *cfg, const daemon_opts *o, zk_errbuf *err) ZK_NONNULL(1, 2);

#endif
