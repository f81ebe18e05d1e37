/* The daemon's configuration: one table of keys drives parsing, defaults and the
 * reference (config.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "lightclient/hex.h"

typedef enum cfg_type {
    CT_SECTION, /* a nested object */
    CT_U64,
    CT_ADDR,   /* 0x + 40 hex digits */
    CT_STR,    /* a plain string */
    CT_PATH,   /* a string resolved against the config's directory ("" stays "") */
    CT_URLS,   /* a non-empty array of http(s) URLs */
    CT_FLAVOR, /* "qbft" */
    CT_LOGFMT, /* "text" | "json" */
    CT_LISTEN, /* "host:port" or "" */
} cfg_type;

typedef struct cfg_key {
    const char *path; /* "source.chainId" */
    cfg_type type;
    bool required;
    const char *def; /* the default as text (for CT_U64 a decimal), NULL when required */
    uint64_t min, max;
    size_t off;   /* offset of the field in config */
    size_t cap;   /* capacity of a string field */
    size_t off_n; /* CT_URLS: offset of the count */
    const char *help;
} cfg_key;

#define F(field)   offsetof(config, field)
#define CAP(field) sizeof(((config *)0)->field)
#define U64(p, req, d, lo, hi, field, help)                                                        \
    {                                                                                              \
        p, CT_U64, req, d, lo, hi, F(field), 0, 0, help                                            \
    }
#define STRK(p, t, req, d, field, help)                                                            \
    {                                                                                              \
        p, t, req, d, 0, 0, F(field), CAP(field), 0, help                                          \
    }

/* Every key. Sections come before their keys. */
static const cfg_key cfg_keys[] = {
    {"source", CT_SECTION, true, NULL, 0, 0, 0, 0, 0, "the source chain (QBFT) and its Outbox"},
    {"source.rpc", CT_URLS, true, NULL, 0, 0, F(source.rpc), CAP(source.rpc[0]), F(source.n_rpc),
     "JSON-RPC URLs of the source chain, tried in order (fallback)"},
    U64("source.chainId", true, NULL, 1, UINT64_MAX / 2, source.chain_id,
        "the source chain id (checked against eth_chainId at start)"),
    STRK("source.outbox", CT_ADDR, true, NULL, source.outbox, "the Outbox contract address"),
    STRK("source.checkpoint", CT_PATH, true, NULL, source.checkpoint,
         "the trusted checkpoint JSON (the file `zkrelay lc init --checkpoint` takes)"),
    U64("source.startBlock", false, "0", 0, UINT64_MAX / 2, source.start_block,
        "first block scanned for messages (0: the block after the checkpoint)"),
    U64("source.logRange", false, "1000", 1, 100000, source.log_range,
        "blocks per eth_getLogs request"),
    STRK("source.flavor", CT_FLAVOR, false, "qbft", source.flavor,
         "the source consensus: qbft (the only one the finality circuit proves)"),
    {"destination", CT_SECTION, true, NULL, 0, 0, 0, 0, 0, "the destination chain and contracts"},
    {"destination.rpc", CT_URLS, true, NULL, 0, 0, F(destination.rpc), CAP(destination.rpc[0]),
     F(destination.n_rpc), "JSON-RPC URLs of the destination chain, tried in order"},
    U64("destination.chainId", true, NULL, 1, UINT64_MAX / 2, destination.chain_id,
        "the destination chain id (checked against eth_chainId; signed into every tx)"),
    STRK("destination.lightClient", CT_ADDR, true, NULL, destination.light_client,
         "the ZkLightClient contract address"),
    STRK("destination.inbox", CT_ADDR, true, NULL, destination.inbox, "the Inbox contract address"),
    STRK("destination.keyFile", CT_PATH, false, "", destination.key_file,
         "file holding the signer's key (hex), mode 0600; exactly one of keyFile/keyEnv"),
    STRK("destination.keyEnv", CT_STR, false, "", destination.key_env,
         "environment variable holding the signer's key; exactly one of keyFile/keyEnv"),
    U64("destination.confirmations", false, "2", 1, 10000, destination.confirmations,
        "blocks a transaction must be buried under before its message is confirmed"),
    U64("destination.maxFeeGwei", false, "200", 1, 1000000, destination.max_fee_gwei,
        "never sign a maxFeePerGas above this (gwei)"),
    U64("destination.maxPriorityFeeGwei", false, "2", 0, 1000000, destination.max_priority_fee_gwei,
        "never sign a tip above this (gwei)"),
    U64("destination.gasLimitHeader", false, "1500000", 21000, 30000000,
        destination.gas_limit_header, "gas limit of a submitHeader transaction"),
    U64("destination.gasLimitDeliver", false, "1500000", 21000, 30000000,
        destination.gas_limit_deliver, "gas limit of a deliver transaction"),
    U64("destination.replaceAfterSeconds", false, "120", 1, 86400,
        destination.replace_after_seconds,
        "replace a transaction not mined after this long by one with bumped fees (same nonce)"),
    {"prover", CT_SECTION, true, NULL, 0, 0, 0, 0, 0, "proving keys and circuit parameters"},
    STRK("prover.finalityZkey", CT_PATH, true, NULL, prover.finality_zkey,
         "the finality statement's .zkey (its shape is checked against the parameters)"),
    STRK("prover.inclusionZkey", CT_PATH, true, NULL, prover.inclusion_zkey,
         "the inclusion statement's .zkey"),
    U64("prover.validators", false, "4", 1, 32, prover.validators,
        "finality circuit: the largest validator set (N)"),
    U64("prover.maxHeaderLen", false, "0", 0, 16384, prover.max_header_len,
        "finality circuit: largest commit-seal preimage in bytes (0: the default for N)"),
    U64("prover.depth", false, "6", 1, 16, prover.depth, "inclusion circuit: trie depth"),
    U64("prover.maxReceipt", false, "2048", 64, 65536, prover.max_receipt,
        "inclusion circuit: receipt bytes"),
    U64("prover.maxLogs", false, "8", 1, 64, prover.max_logs,
        "inclusion circuit: logs per receipt"),
    U64("prover.maxNodeLen", false, "0", 0, 65536, prover.max_node_len,
        "inclusion circuit: largest branch/extension node in bytes (0: 532)"),
    U64("prover.workers", false, "1", 1, 64, prover.workers, "proofs built at once (threads)"),
    U64("prover.threads", false, "0", 0, 256, prover.threads,
        "MSM threads per proof (0: one per CPU core)"),
    STRK("database", CT_PATH, true, NULL, database,
         "state directory: <database>/lc (light client), <database>/msgs (messages)"),
    U64("pollIntervalMs", false, "2000", 10, 3600000, poll_interval_ms,
        "how often the source and destination are polled"),
    STRK("metrics", CT_LISTEN, false, "127.0.0.1:9464", metrics,
         "listen address of /metrics and /health, or \"\" to disable"),
    {"log", CT_SECTION, false, NULL, 0, 0, 0, 0, 0, "logging"},
    {"log.format", CT_LOGFMT, false, "text", 0, 0, F(log_format), 0, 0,
     "text or json (`zkrelay run --log-format` overrides)"},
};
#define N_KEYS (sizeof(cfg_keys) / sizeof(cfg_keys[0]))

static const cfg_key *key_find(const char *path)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(cfg_keys[i].path, path) == 0) return &cfg_keys[i];
    return NULL;
}

static const char *type_name(cfg_type t)
{
    switch (t) {
    case CT_SECTION:
        return "object";
    case CT_U64:
        return "integer";
    case CT_ADDR:
        return "address";
    case CT_STR:
        return "string";
    case CT_PATH:
        return "path";
    case CT_URLS:
        return "array of URLs";
    case CT_FLAVOR:
        return "\"qbft\"";
    case CT_LOGFMT:
        return "\"text\"|\"json\"";
    case CT_LISTEN:
        return "\"host:port\"|\"\"";
    }
    return "?";
}

int config_parse_listen(char host[64], uint16_t *port, const char *text)
{
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text || (size_t)(colon - text) >= 64) return ZK_ERR_USAGE;
    size_t hl = (size_t)(colon - text);
    for (size_t i = 0; i < hl; i++) {
        char c = text[i];
        if (!((c >= '0' && c <= '9') || c == '.' || (c >= 'a' && c <= 'z'))) return ZK_ERR_USAGE;
    }
    const char *ps = colon + 1;
    if (*ps < '1' || *ps > '9') return ZK_ERR_USAGE;
    char *end;
    errno = 0;
    unsigned long long p = strtoull(ps, &end, 10);
    if (errno || *end || p == 0 || p > 65535) return ZK_ERR_USAGE;
    memcpy(host, text, hl);
    host[hl] = '\0';
    *port = (uint16_t)p;
    return ZK_OK;
}

static int set_string(char *dst, size_t cap, const char *s, const char *base_dir, bool is_path,
                      const char *path, zk_errbuf *err)
{
    int n;
    if (is_path && s[0] != '\0' && s[0] != '/' && base_dir && base_dir[0])
        n = snprintf(dst, cap, "%s/%s", base_dir, s);
    else
        n = snprintf(dst, cap, "%s", s);
    if (n < 0 || (size_t)n >= cap)
        return ZK_FAIL(err, ZK_ERR_USAGE, "%s: longer than %zu bytes", path, cap - 1);
    return ZK_OK;
}

static bool is_url(const char *s)
{
    return (strncmp(s, "http://", 7) == 0 && s[7]) || (strncmp(s, "https://", 8) == 0 && s[8]);
}

/* Applies one value (JSON or, for defaults, text) to its key. */
static int apply(config *c, const cfg_key *k, const json_t *v, const char *text,
                 const char *base_dir, zk_errbuf *err)
{
    uint8_t *base = (uint8_t *)c;
    const char *s = text;
    if (v && k->type != CT_U64 && k->type != CT_URLS && k->type != CT_SECTION) {
        if (!json_is_string(v))
            return ZK_FAIL(err, ZK_ERR_USAGE, "%s: expected %s", k->path, type_name(k->type));
        s = json_string_value(v);
        if (strlen(s) != json_string_length(v))
            return ZK_FAIL(err, ZK_ERR_USAGE, "%s: contains a NUL character", k->path);
    }
    switch (k->type) {
    case CT_SECTION:
        return ZK_OK;
    case CT_U64: {
        uint64_t x;
        if (v) {
            /* JSON numbers only: a quoted "5" or a 5.0 is a typo worth naming. */
            if (!json_is_integer(v) || json_integer_value(v) < 0)
                return ZK_FAIL(err, ZK_ERR_USAGE, "%s: expected a non-negative integer", k->path);
            x = (uint64_t)json_integer_value(v);
        } else {
            char *end;
            errno = 0;
            x = strtoull(text, &end, 10);
            if (errno || *end) return ZK_FAIL(err, ZK_ERR_INTERNAL, "%s: bad default", k->path);
        }
        if (x < k->min || x > k->max)
            return ZK_FAIL(err, ZK_ERR_USAGE,
                           "%s: %" PRIu64 " is out of range [%" PRIu64 ", %" PRIu64 "]", k->path, x,
                           k->min, k->max);
        memcpy(base + k->off, &x, sizeof(x));
        return ZK_OK;
    }
    case CT_ADDR: {
        if (strlen(s) != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
            return ZK_FAIL(err, ZK_ERR_USAGE,
                           "%s: expected an address (0x and 40 hex digits), got \"%.60s\"", k->path,
                           s);
        uint8_t a[20];
        if (hex_decode_fixed(a, 20, s, NULL) != ZK_OK)
            return ZK_FAIL(err, ZK_ERR_USAGE, "%s: \"%.60s\" is not hex", k->path, s);
        static const uint8_t zero[20];
        if (memcmp(a, zero, 20) == 0)
            return ZK_FAIL(err, ZK_ERR_USAGE, "%s: the zero address", k->path);
        memcpy(base + k->off, a, 20);
        return ZK_OK;
    }
    case CT_STR:
    case CT_PATH:
        return set_string((char *)base + k->off, k->cap, s, base_dir, k->type == CT_PATH, k->path,
                          err);
    case CT_FLAVOR:
        if (strcmp(s, "qbft") != 0)
            return ZK_FAIL(err, ZK_ERR_USAGE, "%s: \"%.40s\" is not supported (only \"qbft\")",
                           k->path, s);
        return set_string((char *)base + k->off, k->cap, s, NULL, false, k->path, err);
    case CT_LOGFMT: {
        config_log_format f;
        if (strcmp(s, "text") == 0)
            f = CONFIG_LOG_TEXT;
        else if (strcmp(s, "json") == 0)
            f = CONFIG_LOG_JSON;
        else
            return ZK_FAIL(err, ZK_ERR_USAGE, "%s: expected \"text\" or \"json\"", k->path);
        memcpy(base + k->off, &f, sizeof(f));
        return ZK_OK;
    }
    case CT_LISTEN: {
        char host[64];
        uint16_t port;
        if (s[0] && config_parse_listen(host, &port, s) != ZK_OK)
            return ZK_FAIL(err, ZK_ERR_USAGE,
                           "%s: expected \"host:port\" (e.g. \"127.0.0.1:9464\") or \"\"", k->path);
        return set_string((char *)base + k->off, k->cap, s, NULL, false, k->path, err);
    }
    case CT_URLS: {
        size_t *n = (size_t *)(base + k->off_n);
        *n = 0;
        if (!v) return ZK_OK;
        if (!json_is_array(v) || json_array_size(v) == 0)
            return ZK_FAIL(err, ZK_ERR_USAGE, "%s: expected a non-empty array of URLs", k->path);
        if (json_array_size(v) > CONFIG_MAX_URLS)
            return ZK_FAIL(err, ZK_ERR_USAGE, "%s: at most %d URLs", k->path, CONFIG_MAX_URLS);
        for (size_t i = 0; i < json_array_size(v); i++) {
            const json_t *u = json_array_get(v, i);
            if (!json_is_string(u) || !is_url(json_string_value(u)))
                return ZK_FAIL(err, ZK_ERR_USAGE, "%s[%zu]: expected an http:// or https:// URL",
                               k->path, i);
            char *dst = (char *)base + k->off + i * k->cap;
            int rc = set_string(dst, k->cap, json_string_value(u), NULL, false, k->path, err);
            if (rc != ZK_OK) return rc;
        }
        *n = json_array_size(v);
        return ZK_OK;
    }
    }
    return ZK_FAIL(err, ZK_ERR_INTERNAL, "%s: unknown type", k->path);
}

/* Walks obj (the object at prefix), applying known keys and refusing unknown ones. */
static int walk(config *c, const json_t *obj, const char *prefix, const char *base_dir,
                bool seen[N_KEYS], zk_errbuf *err)
{
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)obj, name, v)
    {
        char path[160];
        int n = prefix[0] ? snprintf(path, sizeof(path), "%s.%s", prefix, name)
                          : snprintf(path, sizeof(path), "%s", name);
        const cfg_key *k = (n > 0 && (size_t)n < sizeof(path)) ? key_find(path) : NULL;
        if (!k) {
            /* A near miss ("chainID") deserves naming the section's keys; the path is enough
             * for the operator to spot it in docs/config.md. */
            return ZK_FAIL(err, ZK_ERR_USAGE, "unknown key \"%.120s%s%.60s\"", prefix,
                           prefix[0] ? "." : "", name);
        }
        seen[k - cfg_keys] = true;
        if (k->type == CT_SECTION) {
            if (!json_is_object(v))
                return ZK_FAIL(err, ZK_ERR_USAGE, "%s: expected an object", k->path);
            int rc = walk(c, v, k->path, base_dir, seen, err);
            if (rc != ZK_OK) return rc;
            continue;
        }
        int rc = apply(c, k, v, NULL, base_dir, err);
        if (rc != ZK_OK) return rc;
    }
    return ZK_OK;
}

int config_parse(config *out, const char *text, size_t len, const char *base_dir, zk_errbuf *err)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < N_KEYS; i++) {
        const cfg_key *k = &cfg_keys[i];
        if (k->def && k->type != CT_SECTION) {
            int rc = apply(out, k, NULL, k->def, base_dir, err);
            if (rc != ZK_OK) return rc;
        }
    }
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        int rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "line %d: %s", jerr.line, jerr.text);
        if (err) err->offset = jerr.line > 0 ? (size_t)jerr.line : 0;
        /* jansson words a duplicate as "duplicate object key": a usage error like the others. */
        if (strstr(jerr.text, "duplicate")) rc = ZK_ERR_USAGE;
        return rc;
    }
    int rc = ZK_OK;
    bool seen[N_KEYS] = {false};
    if (!json_is_object(root)) {
        rc = ZK_FAIL(err, ZK_ERR_USAGE, "the configuration must be a JSON object");
        goto out;
    }
    rc = walk(out, root, "", base_dir, seen, err);
    if (rc != ZK_OK) goto out;
    for (size_t i = 0; i < N_KEYS; i++) {
        const cfg_key *k = &cfg_keys[i];
        if (!k->required || seen[i]) continue;
        /* A required key of an absent optional section would be reported there. */
        rc = ZK_FAIL(err, ZK_ERR_USAGE, "missing key \"%s\" (%s)", k->path, k->help);
        goto out;
    }
    config_destination *d = &out->destination;
    if (!!d->key_file[0] == !!d->key_env[0]) {
        rc = ZK_FAIL(err, ZK_ERR_USAGE,
                     "destination: set exactly one of \"keyFile\" and \"keyEnv\" (the signer's "
                     "key is never written in the configuration)");
        goto out;
    }
    if (d->max_priority_fee_gwei > d->max_fee_gwei) {
        rc = ZK_FAIL(err, ZK_ERR_USAGE,
                     "destination.maxPriorityFeeGwei (%" PRIu64
                     ") is above destination.maxFeeGwei (%" PRIu64 ")",
                     d->max_priority_fee_gwei, d->max_fee_gwei);
        goto out;
    }
    if (d->key_file[0]) {
        /* Checked here (mode and type only, the content is read by keyfile_load at
         * start) so a leaked key is refused before anything else runs. */
        struct stat st;
        if (lstat(d->key_file, &st) != 0) {
            rc = ZK_FAIL(err, ZK_ERR_IO, "destination.keyFile %.200s: %s", d->key_file,
                         strerror(errno));
            goto out;
        }
        if (!S_ISREG(st.st_mode)) {
            rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                         "destination.keyFile %.200s is not a regular file (links are refused)",
                         d->key_file);
            goto out;
        }
        if (st.st_mode & 077) {
            rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                         "destination.keyFile %.200s has mode %04o: a key readable by others "
                         "counts as leaked; chmod 600 it",
                         d->key_file, (unsigned)(st.st_mode & 07777));
            goto out;
        }
    }
out:
    json_decref(root);
    return rc;
}

int config_load(config *out, const char *path, zk_errbuf *err)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "rb");
    if (!f) return ZK_FAIL(err, ZK_ERR_IO, "%s: %s", path, strerror(errno));
    char *buf = malloc(CONFIG_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return ZK_FAIL(err, ZK_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t n = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
    int ferr = ferror(f);
    fclose(f);
    int rc;
    if (ferr) {
        rc = ZK_FAIL(err, ZK_ERR_IO, "%s: read error", path);
    } else if (n > CONFIG_FILE_MAX) {
        rc = ZK_FAIL(err, ZK_ERR_RANGE, "%s: larger than %u bytes", path, CONFIG_FILE_MAX);
    } else {
        char dir[CONFIG_STR_MAX];
        snprintf(dir, sizeof(dir), "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof(dir), ".");
        if (slash == dir) snprintf(dir, sizeof(dir), "/");
        rc = config_parse(out, buf, n, dir, err);
        if (rc != ZK_OK) zk_fail_wrap(err, rc, "%s", path);
    }
    free(buf);
    return rc;
}

void config_describe(FILE *f)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        const cfg_key *k = &cfg_keys[i];
        if (k->type == CT_SECTION) {
            fprintf(f, "%-34s %s\n", k->path, k->help);
            continue;
        }
        char def[80];
        if (k->required)
            snprintf(def, sizeof(def), "required");
        else
            snprintf(def, sizeof(def), "default \"%s\"", k->def);
        fprintf(f, "  %-32s %-16s %-20s %s\n", k->path, type_name(k->type), def, k->help);
    }
}
