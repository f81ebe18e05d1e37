/* Declarations shared by the daemon's files (daemon.c, daemon_source.c,
 * daemon_prove.c, daemon_submit.c, daemon_metrics.c); not part of any public interface. */
#ifndef ZKRELAY_RELAYER_DAEMON_INTERNAL_H
#define ZKRELAY_RELAYER_DAEMON_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <secp256k1.h>

#include "lightclient/lc.h"
#include "prover/groth16.h"
#include "prover/stmt_finality.h"
#include "prover/stmt_inclusion.h"
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
    char alarm_reason[512];
} daemon_metrics;

typedef struct daemon_pool daemon_pool; /* the proving workers (daemon_prove.c) */

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
    uint64_t start_block;       /* first block scanned */
    bool caught_up;             /* the last source step reached the node's head */
    stmt_fin_params fin_params; /* the circuits' parameters (config.prover) */
    stmt_inc_params inc_params;
    daemon_pool *pool;
    size_t n_trusted0; /* the checkpoint header's validator list, extraData order: the set */
    uint8_t trusted0[STMT_FIN_MAX_VALIDATORS][20]; /* the light client contract starts with */
    bool have_trusted0;
    uint64_t dst_head;   /* destination head at the last submit step */
    char last_warn[256]; /* the last repeated warning, logged once until it changes */
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

/* Proving (daemon_prove.c): header (finality) and inclusion proofs in a pool of
 * cfg->prover.workers threads with a bounded queue. The workers only build and prove;
 * every store write happens here, on the main loop, one batch per transition.
 * daemon_prove_start: Returns ZK_OK; ZK_ERR_NOMEM; ZK_ERR_USAGE (bad parameters). */
int daemon_prove_start(daemon *d, zk_errbuf *err);
/* Waits for proofs in progress, stops the workers, frees the pool. */
void daemon_prove_stop(daemon *d);
/* One step: collects finished proofs (committing their transitions), then schedules new
 * ones. Returns: ZK_OK (transient RPC failures are retried next step); a store error;
 * ZK_ERR_MISMATCH / ZK_ERR_IO for a proving key that cannot serve (fatal). */
int daemon_prove_step(daemon *d, zk_errbuf *err);
/* True while a proof is queued or running. */
bool daemon_prove_busy(daemon *d);

/* Submission (daemon_submit.c): submitHeader and deliver transactions, write-ahead,
 * tracked to confirmation, rebroadcast, fee bumps.
 * Returns: ZK_OK (transient RPC failures are retried next step); a store error. */
int daemon_submit_step(daemon *d, zk_errbuf *err);

/* A block's finality proof document (msg_block.proof_json), parsed: what the bundle and
 * the submitHeader calldata are built from (daemon_prove.c writes it). */
typedef struct daemon_fin_doc {
    groth16_proof proof;
    uint8_t pub[STMT_FIN_N_PUBLIC][32];
    size_t n_trusted;
    uint8_t trusted[STMT_FIN_MAX_VALIDATORS][20];
    stmt_fin_params params;
} daemon_fin_doc;
/* Returns: ZK_OK; ZK_ERR_MALFORMED. Out: out. */
int daemon_fin_doc_parse(daemon_fin_doc *out, const char *text, zk_errbuf *err);

/* Logs a warning unless it is the same text as the last one (a loop that polls every
 * few hundred milliseconds would repeat it). */
void daemon_warn_once(daemon *d, const char *module, const char *fmt, ...) ZK_PRINTF(3, 4);

/* Views on the destination (daemon_submit.c): eth_call of a no-argument or uint64-argument
 * view returning one word. Returns ZK_OK or the RPC code (counted and logged). */
int daemon_view_word(daemon *d, uint8_t out[32], const uint8_t to[20], const char *signature,
                     bool has_arg, uint64_t arg, zk_errbuf *err);

/* Moves every message of block `number` in state `from` to state `to` (failed: with
 * reason), adding the puts to batch b. Returns ZK_OK or a store code. */
int daemon_block_messages(daemon *d, msgstore_batch *b, uint64_t number, msg_state from,
                          msg_state to, const char *reason, zk_errbuf *err);

/* Metrics (daemon_metrics.c). */
int daemon_metrics_start(daemon *d, zk_errbuf *err);
void daemon_metrics_stop(daemon *d);
/* Refreshes the gauges kept in the stores: message counts, scan height, verified head. */
int daemon_metrics_refresh(daemon *d, zk_errbuf *err);
/* Renders the Prometheus text into out (appending). */
int daemon_metrics_render(daemon_metrics *m, zk_buf *out);

#endif
