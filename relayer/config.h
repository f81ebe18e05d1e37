/* The relayer daemon's configuration (`zkrelay run --config FILE`): one JSON file,
 * read strictly. One static table in config.c describes every key (its path,
 * type, default or "required", bounds and help); the loader, `config_describe`
 * (docs/config.md and relayer.example.json follow it) are driven by it, as
 * Redis's static_configs[] is.
 *
 * Strict: an unknown key, a missing required key, a value of the wrong type or
 * out of its bounds, a bad address, a duplicate key, a key file readable by
 * group or others, or both / neither of keyFile and keyEnv, is an error whose
 * message names the key ("destination.chainId: ...") and, for JSON syntax
 * errors, the line. The config never holds the signing key: it names a key
 * file (mode 0600 enforced) or an environment variable, and nothing here ever
 * reads, prints or logs the key itself.
 *
 * Relative paths (checkpoint, keyFile, zkeys, database) are resolved against the
 * directory of the config file, so a config and its files move together. */
#ifndef ZKRELAY_RELAYER_CONFIG_H
#define ZKRELAY_RELAYER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lightclient/zk_err.h"

/* Up to this many RPC URLs per chain, tried in order (fallback). */
#define CONFIG_MAX_URLS 8
#define CONFIG_STR_MAX  1024
/* A config file larger than this is refused (it is a few KB). */
#define CONFIG_FILE_MAX (256u * 1024u)

typedef enum config_log_format { CONFIG_LOG_TEXT = 0, CONFIG_LOG_JSON = 1 } config_log_format;

typedef struct config_source {
    char rpc[CONFIG_MAX_URLS][CONFIG_STR_MAX];
    size_t n_rpc;
    uint64_t chain_id;
    uint8_t outbox[20];
    char checkpoint[CONFIG_STR_MAX]; /* path of the `zkrelay lc init` checkpoint JSON */
    uint64_t start_block;            /* first block scanned for Outbox logs */
    uint64_t log_range;              /* blocks per eth_getLogs call */
    char flavor[16];                 /* "qbft" */
} config_source;

typedef struct config_destination {
    char rpc[CONFIG_MAX_URLS][CONFIG_STR_MAX];
    size_t n_rpc;
    uint64_t chain_id;
    uint8_t light_client[20];
    uint8_t inbox[20];
    char key_file[CONFIG_STR_MAX]; /* "" when key_env is used */
    char key_env[256];             /* "" when key_file is used */
    uint64_t confirmations;
    uint64_t max_fee_gwei;
    uint64_t max_priority_fee_gwei;
    uint64_t gas_limit_header;  /* submitHeader */
    uint64_t gas_limit_deliver; /* deliver */
    uint64_t replace_after_seconds;
} config_destination;

typedef struct config_prover {
    char finality_zkey[CONFIG_STR_MAX];
    char inclusion_zkey[CONFIG_STR_MAX];
    uint64_t validators;     /* finality circuit: max validators */
    uint64_t max_header_len; /* finality circuit: max commit-seal preimage bytes (0: from N) */
    uint64_t depth;          /* inclusion circuit: max trie depth */
    uint64_t max_receipt;    /* inclusion circuit: max receipt bytes */
    uint64_t max_logs;       /* inclusion circuit: max logs per receipt */
    uint64_t max_node_len;   /* inclusion circuit: max trie node bytes (0: 532, a full branch) */
    uint64_t workers;        /* proving threads (proofs at once) */
    uint64_t threads;        /* MSM threads per proof */
} config_prover;

typedef struct config {
    config_source source;
    config_destination destination;
    config_prover prover;
    char database[CONFIG_STR_MAX]; /* directory: <database>/lc and <database>/msgs */
    uint64_t poll_interval_ms;
    char metrics[256]; /* "host:port", or "" to disable */
    config_log_format log_format;
} config;

/* Parses config text (JSON) into out: defaults first, then every key of text.
 * base_dir (may be NULL: the current directory) resolves relative paths.
 * Returns: ZK_OK;
 *          ZK_ERR_MALFORMED for a JSON syntax error (err->offset = the line);
 *          ZK_ERR_USAGE for any other bad configuration (unknown, missing or duplicate
 *            key, wrong type, out of bounds, bad address or URL, keyFile and keyEnv both
 *            or neither set); err->msg names the key;
 *          ZK_ERR_REJECTED when the key file has group/other permissions or is not a
 *            regular file (err names the mode; the file's content is never read here);
 *          ZK_ERR_IO when the key file does not exist.
 * Out: *out (fixed size; nothing to free). */
int config_parse(config *out, const char *text, size_t len, const char *base_dir,
                 zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Reads the file at path (at most CONFIG_FILE_MAX bytes) and parses it with its
 * directory as base_dir. Returns: config_parse's codes; ZK_ERR_IO when the file
 * cannot be read; ZK_ERR_RANGE when it is too large. Error messages start with path. */
int config_load(config *out, const char *path, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Writes one line per key to f: "path  type  default|required  help" (the
 * reference that docs/config.md is written from). */
void config_describe(FILE *f) ZK_NONNULL(1);

/* Parses "host:port" (port 1..65535, host an IPv4 literal or "localhost").
 * Returns: ZK_OK; ZK_ERR_USAGE. Out: host[64], *port. */
int config_parse_listen(char host[64], uint16_t *port, const char *text) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

#endif
