/* Declarations shared by the daemon's files (daemon.c, daemon_source.c,
 * daemon_metrics.c); not part of any public interface. */
#ifndef ZKRELAY_RELAYER_DAEMON_INTERNAL_H
#define ZKRELAY_RELAYER_DAEMON_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <secp256k1.h>

#include "lightclient/lc.h"
#include "relayer/config.h"
#include "relayer/daemon.h"
#include "relayer/httpd.h"
#include "relayer/msgstore.h"
#include "relayer/rpc.h"

typedef enum daemon_chain { DAEMON_SRC = 0, DAEMON_DST = 1 } daemon_chain;

/* What /metrics and /health show: written by the main loop, read by the HTTP
 * workers, under mu. */
typedef struct daemon_metrics {
    pthread_mutex_t mu;
    uint64_t messages[MSG_STATE_COUNT];
    uint64_t header_lag_blocks; /* node head - verified head */
    uint64_t gas_spent_total;
    uint64_t rpc_errors[2]; /* by daemon_chain */
    double proving_seconds_sum[2];
    uint64_t proving_count[2]; /* [0] finality, [1] inclusion */
    uint64_t verified_head, scan_height, node_head;
    bool running;
    bool alarm;
    char alarm_reason[256];
} daemon_metrics;

typedef struct daemon {
    const config *cfg;
    int log_format;
    secp256k1_context *ctx;
    rpc_client *rpc[2][CONFIG_MAX_URLS];
    size_t n_rpc[2], cur_rpc[2];
    lc_client *lc;
    msgstore *ms;
    uint8_t signer[20]; /* the destination signer's address (the key stays in keyfile code) */
    httpd *http;
    daemon_metrics m;
    uint64_t start_block; /* first block scanned */
    bool caught_up;       /* the last source step reached the node's head */
} daemon;

/* Set by the signal handler; read by the loop. */
extern volatile sig_atomic_t daemon_stop_requested;

/* ---- logging (daemon.c) ---- */
typedef enum daemon_level { DLOG_ERROR = 0, DLOG_WARN, DLOG_INFO, DLOG_DEBUG } daemon_level;
/* One line to stderr: text "ts level module msg" or a JSON object {ts,level,module,msg}.
 * The key never reaches it: callers log addresses and hashes only. */
void daemon_log(const daemon *d, daemon_level level, const char *module, const char *fmt, ...)
    ZK_PRINTF(4, 5);

/* The current RPC client of a chain. */
rpc_client *daemon_rpc(daemon *d, daemon_chain c);
/* Counts an RPC failure for chain c and moves to its next URL (fallback). */
void daemon_rpc_failed(daemon *d, daemon_chain c, int code, const char *what, const zk_errbuf *err);
/* Raises the alarm: logged, /health answers 503, the loop stops with DAEMON_EXIT_ALARM. */
void daemon_alarm(daemon *d, const char *fmt, ...) ZK_PRINTF(2, 3);
uint64_t daemon_now_ms(void);

/* ---- jobs ---- */
/* Source scanner (daemon_source.c): one step of sync + log scan.
 * Returns: ZK_OK (also when the RPC failed transiently: retried next step);
 *          ZK_ERR_REJECTED after an alarm; a store error code. */
int daemon_source_step(daemon *d, zk_errbuf *err);

/* Metrics (daemon_metrics.c). */
int daemon_metrics_start(daemon *d, zk_errbuf *err);
void daemon_metrics_stop(daemon *d);
/* Refreshes the message counts from the store. */
int daemon_metrics_refresh(daemon *d, zk_errbuf *err);
/* Renders the Prometheus text into out (appending). */
int daemon_metrics_render(daemon_metrics *m, zk_buf *out);

#endif
