/* `zkrelay verify BUNDLE` and `zkrelay replay`: the auditor's tools (issue 7). Both re-check
 * proof bundles (relayer/bundle.h) offline with verification keys the auditor supplies; replay
 * walks the relayer's database or a directory of bundles, or the Inbox's delivery events on
 * the destination chain, and says which deliveries a bundle proves. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lightclient/ecdsa.h"
#include "lightclient/hex.h"
#include "lightclient/json_fields.h"
#include "relayer/bridge_abi.h"
#include "relayer/bundle.h"
#include "relayer/cli.h"
#include "relayer/msgstore.h"
#include "relayer/rpc.h"

/* eth_getLogs ranges: public nodes cap a query at a few thousand blocks. */
#define REPLAY_LOG_RANGE 1000u
/* A directory replay refuses more files than this (a bound on what it holds in memory). */
#define REPLAY_MAX_FILES 100000u
/* --trusted-commitment takes at most this many commitments (one per rotation audited). */
#define AUDIT_MAX_PINS 64u

/* The verification keys and the signing context one run needs, and the validator-set
 * commitments the auditor trusts. A bundle carries its own trusted set T: every check of
 * bundle_verify holds for a chain of any made-up validators (the circuits prove relative to
 * T), so only a commitment taken from outside the bundle (the light client's checkpoint and
 * ValidatorSetRotated events) ties a bundle to the real source chain. */
typedef struct audit_keys {
    groth16_vk fin, inc;
    secp256k1_context *ctx;
    size_t n_pins;
    uint8_t pins[AUDIT_MAX_PINS][32];
} audit_keys;

/* Parses "HEX[,HEX...]" (each a 32-byte 0x-prefixed hex commitment) into k->pins.
 * Returns false on any malformed element or too many. */
static bool audit_pins_parse(audit_keys *k, const char *list)
{
    k->n_pins = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char one[80];
        if (n == 0 || n >= sizeof(one) || k->n_pins == AUDIT_MAX_PINS) return false;
        memcpy(one, p, n);
        one[n] = '\0';
        if (hex_decode_fixed(k->pins[k->n_pins], 32, one, NULL) != ZK_OK) return false;
        /* A commitment is keccak256(...) >> 8: its top byte is zero. */
        if (k->pins[k->n_pins][0] != 0) return false;
        k->n_pins++;
        if (!comma) return true;
        p = comma + 1;
    }
}

static void audit_keys_clear(audit_keys *k)
{
    groth16_vk_clear(&k->fin);
    groth16_vk_clear(&k->inc);
    ecdsa_context_free(k->ctx);
    k->ctx = NULL;
}

static int audit_keys_load(audit_keys *k, const char *fin_path, const char *inc_path)
{
    groth16_vk_init(&k->fin);
    groth16_vk_init(&k->inc);
    k->ctx = NULL;
    int rc = cli_vk_load_json(&k->fin, fin_path);
    if (rc == CLI_OK) rc = cli_vk_load_json(&k->inc, inc_path);
    zk_errbuf err = {{0}, 0};
    if (rc == CLI_OK && !(k->ctx = ecdsa_context_new(&err))) {
        fprintf(stderr, "error: secp256k1 context: %s\n", err.msg);
        rc = CLI_FAILURE;
    }
    return rc;
}

static void hex_str(char *out, const uint8_t *p, size_t n)
{
    hex_encode(out, p, n, true);
}

/* The result of checking one bundle text. */
typedef struct audit_result {
    int exit;         /* CLI_OK verified, CLI_REJECTED a check failed, CLI_FAILURE unreadable */
    char reason[300]; /* the first failed check, or why it is unreadable */
    bundle b;         /* parsed (bundle_clear it) */
    bundle_report rep;
    bool parsed;
} audit_result;

/* Parses and verifies text. Out: r (bundle_clear(&r->b) afterwards). */
static void audit_bundle(audit_result *r, const audit_keys *k, const char *text, size_t len)
{
    memset(r, 0, sizeof(*r));
    zk_errbuf err = {{0}, 0};
    int rc = bundle_parse(&r->b, text, len, &err);
    if (rc) {
        r->exit = CLI_FAILURE;
        snprintf(r->reason, sizeof(r->reason), "unreadable bundle: %s", err.msg);
        return;
    }
    r->parsed = true;
    rc = bundle_verify(&r->rep, k->ctx, &r->b, &k->fin, &k->inc);
    if (rc == ZK_OK && k->n_pins) {
        bool pinned = false;
        for (size_t i = 0; i < k->n_pins && !pinned; i++)
            pinned = memcmp(k->pins[i], r->b.trusted_commit, 32) == 0;
        if (!pinned) {
            char c[67];
            hex_str(c, r->b.trusted_commit, 32);
            r->exit = CLI_REJECTED;
            snprintf(r->reason, sizeof(r->reason),
                     "trusted-set: the bundle's validators (commitment %s) are not a set "
                     "given by --trusted-commitment",
                     c);
            return;
        }
    }
    if (rc == ZK_OK) {
        r->exit = CLI_OK;
        return;
    }
    r->exit = rc == ZK_ERR_NOMEM ? CLI_FAILURE : CLI_REJECTED;
    for (int i = 0; i < BUNDLE_N_CHECKS; i++)
        if (r->rep.checks[i].status != ZK_OK) {
            snprintf(r->reason, sizeof(r->reason), "%s: %s", bundle_check_name(i),
                     r->rep.checks[i].detail);
            break;
        }
}

/* ---- zkrelay verify ------------------------------------------------------------------- */

static void verify_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay verify BUNDLE.json --finality-vk VK.json --inclusion-vk VK.json\n"
               "                      [--trusted-commitment C[,C...]] [--json]\n"
               "\n"
               "Re-verifies one proof bundle offline, each step a named check:\n"
               "  message-hash      m = keccak256(abi.encode(the message fields))\n"
               "  header            the QBFT header's seals, quorum and rotation rule against\n"
               "                    the trusted validators; its number, hash and receiptsRoot\n"
               "  trusted-set       the trusted list's commitment\n"
               "  finality-signals  the 6 public signals, recomputed from the header\n"
               "  finality-proof    Groth16 verify with the finality key\n"
               "  receipt-trie      the trie path proves the receipt under receiptsRoot\n"
               "  message-log       the receipt's log is the Outbox's MessageSent of m\n"
               "  inclusion-signal  keccak256(receiptsRoot || m || outbox) >> 8\n"
               "  inclusion-proof   Groth16 verify with the inclusion key\n"
               "  statement-params  the circuit parameters recorded fit the header and receipt\n"
               "The keys come from the auditor (zkey export verificationkey), never the bundle.\n"
               "So does the trust anchor: the checks hold for a chain of any validators, so\n"
               "without --trusted-commitment the bundle's validator set is only its claim.\n"
               "\n"
               "options:\n"
               "  --finality-vk FILE   verification_key.json of the finality circuit\n"
               "  --inclusion-vk FILE  verification_key.json of the inclusion circuit\n"
               "  --trusted-commitment C[,C...]\n"
               "                       the light client's validator-set commitments (0x + 64\n"
               "                       hex: validatorSetCommitment() at the checkpoint and after\n"
               "                       each rotation); a bundle proven against another set is\n"
               "                       rejected\n"
               "  --json               one JSON object with stable keys\n"
               "\n"
               "exit: 0 every check passed, 3 a check failed, 1 unreadable input, 2 usage\n");
}

static json_t *claims_json(const bundle *b)
{
    json_t *o = json_object();
    char h[67];
    if (!o) return NULL;
    if (b->has_src_tx_hash) {
        hex_str(h, b->src_tx_hash, 32);
        json_object_set_new(o, "sourceTxHash", json_string(h));
    }
    if (b->has_block_log_index)
        json_object_set_new(o, "sourceLogIndex", json_integer((json_int_t)b->block_log_index));
    if (b->has_inbox) {
        hex_str(h, b->inbox, 20);
        json_object_set_new(o, "inbox", json_string(h));
    }
    if (b->has_dst_tx_hash) {
        hex_str(h, b->dst_tx_hash, 32);
        json_object_set_new(o, "deliveryTxHash", json_string(h));
    }
    return o;
}

static void print_claims_text(const bundle *b)
{
    char h[67];
    if (b->has_src_tx_hash) {
        hex_str(h, b->src_tx_hash, 32);
        printf("claim source.txHash: %s (not checkable offline)\n", h);
    }
    if (b->has_block_log_index)
        printf("claim source.logIndex: %" PRIu64 " (not checkable offline)\n", b->block_log_index);
    if (b->has_inbox) {
        hex_str(h, b->inbox, 20);
        printf("claim destination.inbox: %s (replay --dest-rpc checks it)\n", h);
    }
    if (b->has_dst_tx_hash) {
        hex_str(h, b->dst_tx_hash, 32);
        printf("claim destination.txHash: %s (replay --dest-rpc checks it)\n", h);
    }
}

static void print_verify(const char *path, const audit_result *r, bool as_json, bool pinned)
{
    char m[67], hash[67];
    if (as_json) {
        json_t *o = json_object();
        json_object_set_new(o, "bundle", json_string(path));
        json_object_set_new(o, "verified", json_boolean(r->exit == CLI_OK));
        if (!r->parsed) {
            json_object_set_new(o, "error", json_string(r->reason));
        } else {
            hex_str(m, r->b.m, 32);
            hex_str(hash, r->b.block_hash, 32);
            json_object_set_new(o, "m", json_string(m));
            json_object_set_new(o, "nonce", json_integer((json_int_t)r->b.msg.nonce));
            json_object_set_new(o, "blockNumber", json_integer((json_int_t)r->b.block_number));
            json_object_set_new(o, "blockHash", json_string(hash));
            json_t *checks = json_array();
            for (int i = 0; i < BUNDLE_N_CHECKS; i++) {
                json_t *c = json_object();
                json_object_set_new(c, "name", json_string(bundle_check_name(i)));
                json_object_set_new(c, "ok", json_boolean(r->rep.checks[i].status == ZK_OK));
                json_object_set_new(c, "detail", json_string(r->rep.checks[i].detail));
                json_array_append_new(checks, c);
            }
            json_object_set_new(o, "checks", checks);
            json_object_set_new(o, "failed", json_integer((json_int_t)r->rep.n_failed));
            json_object_set_new(o, "trustedSetPinned", json_boolean(pinned));
            if (r->exit != CLI_OK && !r->rep.n_failed)
                json_object_set_new(o, "error", json_string(r->reason));
            json_object_set_new(o, "claims", claims_json(&r->b));
        }
        char *s = json_dumps(o, JSON_COMPACT);
        if (s) printf("%s\n", s);
        free(s);
        json_decref(o);
        return;
    }
    printf("bundle: %s\n", path);
    if (!r->parsed) {
        printf("result: unreadable\n");
        return;
    }
    hex_str(m, r->b.m, 32);
    hex_str(hash, r->b.block_hash, 32);
    printf("m: %s\nnonce: %" PRIu64 "\nblock: %" PRIu64 " %s\n", m, r->b.msg.nonce,
           r->b.block_number, hash);
    for (int i = 0; i < BUNDLE_N_CHECKS; i++)
        printf("%s: %s (%s)\n", bundle_check_name(i),
               r->rep.checks[i].status == ZK_OK ? "ok" : "FAIL", r->rep.checks[i].detail);
    if (!pinned)
        printf("trusted-set-pinned: no (the validators are the bundle's own claim; pin them "
               "with --trusted-commitment)\n");
    else if (r->rep.n_failed)
        printf("trusted-set-pinned: not compared (another check failed)\n");
    else if (r->exit != CLI_OK)
        printf("trusted-set-pinned: FAIL (%s)\n", r->reason);
    else
        printf("trusted-set-pinned: ok\n");
    print_claims_text(&r->b);
    if (r->exit == CLI_OK)
        printf("result: verified\n");
    else
        printf("result: rejected (%zu of %d checks failed%s)\n", r->rep.n_failed, BUNDLE_N_CHECKS,
               r->rep.n_failed ? "" : "; the trusted set is none of those pinned");
}

int cli_verify(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        verify_usage(stdout);
        return CLI_OK;
    }
    const char *fin_vk = NULL, *inc_vk = NULL, *input = NULL, *pins = NULL;
    bool as_json = false;
    const cli_opt opts[] = {
        {"--finality-vk", NULL, &fin_vk},
        {"--inclusion-vk", NULL, &inc_vk},
        {"--trusted-commitment", NULL, &pins},
        {"--json", &as_json, NULL},
    };
    int rc = cli_parse_args(&input, "zkrelay verify", opts, sizeof(opts) / sizeof(*opts),
                            verify_usage, argc, argv);
    if (rc) return rc;
    if (!fin_vk || !inc_vk) {
        fprintf(stderr, "zkrelay verify: --finality-vk and --inclusion-vk are required\n");
        verify_usage(stderr);
        return CLI_USAGE;
    }
    audit_keys k;
    memset(&k, 0, sizeof(k));
    if (pins && !audit_pins_parse(&k, pins)) {
        fprintf(stderr,
                "zkrelay verify: --trusted-commitment takes 1..%u commitments "
                "(0x + 64 hex digits, top byte 00), comma-separated\n",
                AUDIT_MAX_PINS);
        verify_usage(stderr);
        return CLI_USAGE;
    }
    rc = audit_keys_load(&k, fin_vk, inc_vk);
    char *text = NULL;
    size_t len = 0;
    if (rc == CLI_OK) rc = cli_read_input(&text, &len, input, BUNDLE_MAX_TEXT);
    if (rc == CLI_OK) {
        audit_result r;
        audit_bundle(&r, &k, text, len);
        if (!r.parsed) fprintf(stderr, "error: %s: %s\n", input, r.reason);
        print_verify(input, &r, as_json, k.n_pins > 0);
        rc = r.exit;
        bundle_clear(&r.b);
    }
    free(text);
    audit_keys_clear(&k);
    return rc;
}

/* ---- bundle sources: the relayer's database or a directory --------------------------- */

typedef struct replay_src {
    msgstore *db;
    char **paths;      /* directory mode: the *.json files, sorted */
    uint8_t (*ms)[32]; /* their m (directory mode, filled by replay_index) */
    bool *indexed;     /* ms[i] is valid */
    size_t n;
} replay_src;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_src_clear(replay_src *s)
{
    msgstore_close(s->db);
    for (size_t i = 0; i < s->n; i++)
        free(s->paths[i]);
    free(s->paths);
    free(s->ms);
    free(s->indexed);
    memset(s, 0, sizeof(*s));
}

static int replay_src_open(replay_src *s, const char *db, const char *dir)
{
    memset(s, 0, sizeof(*s));
    zk_errbuf err = {{0}, 0};
    if (db) {
        /* Opened without creating anything; the daemon's flock makes this fail with
         * "locked" while `zkrelay run` holds the database. */
        if (msgstore_open(&s->db, db, false, &err) != ZK_OK) {
            fprintf(stderr, "error: %s: %s\n", db, err.msg);
            return CLI_FAILURE;
        }
        return CLI_OK;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "error: cannot open %s: %s\n", dir, strerror(errno));
        return CLI_FAILURE;
    }
    size_t cap = 0;
    int rc = CLI_OK;
    struct dirent *e;
    while (rc == CLI_OK && (e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0 || e->d_name[0] == '.') continue;
        if (s->n == REPLAY_MAX_FILES) {
            fprintf(stderr, "error: %s holds more than %u bundles\n", dir, REPLAY_MAX_FILES);
            rc = CLI_FAILURE;
            break;
        }
        if (s->n == cap) {
            cap = cap ? 2 * cap : 64;
            char **np = realloc(s->paths, cap * sizeof(*np));
            if (!np) {
                rc = CLI_FAILURE;
                break;
            }
            s->paths = np;
        }
        size_t pl = strlen(dir) + 1 + nl + 1;
        char *p = malloc(pl);
        if (!p) {
            rc = CLI_FAILURE;
            break;
        }
        snprintf(p, pl, "%s/%s", dir, e->d_name);
        s->paths[s->n++] = p;
    }
    closedir(d);
    if (rc == CLI_OK && s->n) qsort(s->paths, s->n, sizeof(*s->paths), cmp_str);
    if (rc == CLI_OK) {
        s->ms = calloc(s->n ? s->n : 1, sizeof(*s->ms));
        s->indexed = calloc(s->n ? s->n : 1, sizeof(*s->indexed));
        if (!s->ms || !s->indexed) rc = CLI_FAILURE;
    }
    if (rc != CLI_OK) fprintf(stderr, "error: reading %s failed\n", dir);
    return rc;
}

/* Directory mode: learns each file's m (files that do not parse stay unindexed). */
static void replay_index(replay_src *s)
{
    for (size_t i = 0; i < s->n; i++) {
        char *text = NULL;
        size_t len = 0;
        if (cli_read_input(&text, &len, s->paths[i], BUNDLE_MAX_TEXT) != CLI_OK) continue;
        bundle b;
        if (bundle_parse(&b, text, len, NULL) == ZK_OK) {
            memcpy(s->ms[i], b.m, 32);
            s->indexed[i] = true;
        }
        bundle_clear(&b);
        free(text);
    }
}

/* The bundle text proving m. Returns ZK_OK, ZK_ERR_NOTFOUND, or another code with why in err.
 * Out: *text (malloc'd), *len, *where (a label: the file, or "db"). */
static int replay_find(const replay_src *s, char **text, size_t *len, const char **where,
                       const uint8_t m[32], zk_errbuf *err)
{
    if (s->db) {
        *where = "database";
        int rc = msgstore_get_bundle(s->db, text, m, err);
        if (rc == ZK_OK) *len = strlen(*text);
        return rc;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!s->indexed[i] || memcmp(s->ms[i], m, 32) != 0) continue;
        *where = s->paths[i];
        if (cli_read_input(text, len, s->paths[i], BUNDLE_MAX_TEXT) != CLI_OK)
            return ZK_FAIL(err, ZK_ERR_IO, "cannot read %s", s->paths[i]);
        return ZK_OK;
    }
    return ZK_ERR_NOTFOUND;
}

/* ---- zkrelay replay (offline) -------------------------------------------------------- */

typedef struct replay_tally {
    size_t total, verified, rejected, pending;
    json_t *items; /* --json: one object per item */
    bool as_json;
} replay_tally;

static void tally_line(replay_tally *t, const char *label, const uint8_t *m, const char *state,
                       const char *verdict, const char *reason)
{
    char mh[67] = "";
    if (m) hex_str(mh, m, 32);
    if (t->as_json) {
        json_t *o = json_object();
        json_object_set_new(o, "item", json_string(label));
        if (m) json_object_set_new(o, "m", json_string(mh));
        if (state) json_object_set_new(o, "state", json_string(state));
        json_object_set_new(o, "result", json_string(verdict));
        if (reason && reason[0]) json_object_set_new(o, "reason", json_string(reason));
        json_array_append_new(t->items, o);
        return;
    }
    bool why = reason && reason[0];
    printf("%s%s%s%s%s: %s%s%s%s\n", label, m ? " m=" : "", mh, state ? " " : "",
           state ? state : "", verdict, why ? " (" : "", why ? reason : "", why ? ")" : "");
}

/* The message record and the bundle agree on what was sent. */
static bool record_matches(const msg_record *r, const bundle *b, char *why, size_t cap)
{
    const char *bad = NULL;
    if (memcmp(r->m, b->m, 32) != 0)
        bad = "m";
    else if (r->nonce != b->msg.nonce)
        bad = "nonce";
    else if (memcmp(r->sender, b->msg.sender, 20) != 0)
        bad = "sender";
    else if (r->dst_chain_id != b->msg.dst_chain_id)
        bad = "dstChainId";
    else if (memcmp(r->receiver, b->msg.receiver, 20) != 0)
        bad = "receiver";
    else if (r->payload_len != b->msg.payload_len ||
             (r->payload_len && memcmp(r->payload, b->msg.payload, r->payload_len) != 0))
        bad = "payload";
    else if (r->block_number != b->block_number)
        bad = "block number";
    else if (r->tx_index != b->tx_index)
        bad = "txIndex";
    if (bad) snprintf(why, cap, "the database's record and the bundle disagree on %s", bad);
    return bad == NULL;
}

typedef struct collect {
    uint8_t (*ms)[32];
    size_t n, cap;
} collect;

static int collect_fn(void *arg, const msg_record *r)
{
    collect *c = arg;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        uint8_t(*p)[32] = realloc(c->ms, cap * sizeof(*p));
        if (!p) return ZK_ERR_NOMEM;
        c->ms = p;
        c->cap = cap;
    }
    memcpy(c->ms[c->n++], r->m, 32);
    return ZK_OK;
}

static int replay_db(replay_src *s, const audit_keys *k, replay_tally *t)
{
    collect c = {NULL, 0, 0};
    zk_errbuf err = {{0}, 0};
    int rc = msgstore_each(s->db, 0, collect_fn, &c, &err);
    if (rc) {
        fprintf(stderr, "error: reading the database: %s\n",
                err.msg[0] ? err.msg : zk_strerror(rc));
        free(c.ms);
        return CLI_FAILURE;
    }
    for (size_t i = 0; i < c.n && rc == ZK_OK; i++) {
        msg_record r;
        rc = msgstore_get(s->db, &r, c.ms[i], &err);
        if (rc) {
            fprintf(stderr, "error: reading a message: %s\n", err.msg);
            break;
        }
        const char *state = msg_state_name(r.state);
        char *text = NULL;
        size_t len = 0;
        int g = msgstore_get_bundle(s->db, &text, c.ms[i], &err);
        if (g == ZK_OK) len = strlen(text);
        t->total++;
        if (g == ZK_ERR_NOTFOUND &&
            (r.state == MSG_SEEN || r.state == MSG_HEADER_PROVEN || r.state == MSG_FAILED)) {
            t->pending++;
            tally_line(t, "message", r.m, state, "no bundle yet", NULL);
        } else if (g) {
            t->rejected++;
            tally_line(t, "message", r.m, state, "rejected",
                       g == ZK_ERR_NOTFOUND ? "no bundle stored for a proven message" : err.msg);
        } else {
            audit_result a;
            audit_bundle(&a, k, text, len);
            char why[160];
            if (a.exit == CLI_OK && !record_matches(&r, &a.b, why, sizeof(why))) {
                a.exit = CLI_REJECTED;
                snprintf(a.reason, sizeof(a.reason), "%s", why);
            }
            if (a.exit == CLI_OK) {
                t->verified++;
                tally_line(t, "message", r.m, state, "verified", NULL);
            } else {
                t->rejected++;
                tally_line(t, "message", r.m, state, "rejected", a.reason);
            }
            bundle_clear(&a.b);
        }
        free(text);
        msg_record_clear(&r);
    }
    free(c.ms);
    return rc ? CLI_FAILURE : CLI_OK;
}

static int replay_dir(replay_src *s, const audit_keys *k, replay_tally *t)
{
    for (size_t i = 0; i < s->n; i++) {
        char *text = NULL;
        size_t len = 0;
        t->total++;
        if (cli_read_input(&text, &len, s->paths[i], BUNDLE_MAX_TEXT) != CLI_OK) {
            t->rejected++;
            tally_line(t, s->paths[i], NULL, NULL, "rejected", "unreadable file");
            continue;
        }
        audit_result a;
        audit_bundle(&a, k, text, len);
        if (a.exit == CLI_OK)
            t->verified++;
        else
            t->rejected++;
        tally_line(t, s->paths[i], a.parsed ? a.b.m : NULL, NULL,
                   a.exit == CLI_OK ? "verified" : "rejected", a.reason);
        bundle_clear(&a.b);
        free(text);
    }
    return CLI_OK;
}

/* ---- zkrelay replay --dest-rpc ------------------------------------------------------- */

typedef struct replay_chain {
    rpc_client *dest, *source;
    uint8_t inbox[20];
    uint64_t dst_chain_id;
} replay_chain;

/* One Inbox event: checks a bundle proves it. Returns CLI_OK (counted) or CLI_FAILURE (RPC). */
static int replay_event(const replay_chain *ch, const replay_src *s, const audit_keys *k,
                        replay_tally *t, const json_t *log, const char *kind)
{
    const json_t *topics = json_object_get(log, "topics");
    uint8_t tp[4][32], tx[32];
    zk_errbuf err = {{0}, 0};
    bool ok = json_is_array(topics) && json_array_size(topics) == 4 &&
              json_get_data_fixed(tx, 32, log, "transactionHash", &err) == ZK_OK;
    for (size_t i = 0; ok && i < 4; i++) {
        const char *h = json_string_value(json_array_get(topics, i));
        ok = h && hex_decode_fixed(tp[i], 32, h, &err) == ZK_OK;
    }
    if (!ok) {
        fprintf(stderr, "error: the destination node returned a malformed %s log: %s\n", kind,
                err.msg);
        return CLI_FAILURE;
    }
    t->total++;
    char label[100], txh[67];
    hex_str(txh, tx, 32);
    snprintf(label, sizeof(label), "%s tx=%s", kind, txh);
    char *text = NULL;
    size_t len = 0;
    const char *where = NULL;
    int rc = replay_find(s, &text, &len, &where, tp[1], &err);
    if (rc) {
        t->pending++;
        tally_line(t, label, tp[1], NULL, "unproven",
                   rc == ZK_ERR_NOTFOUND ? "no bundle for this message" : err.msg);
        return CLI_OK;
    }
    audit_result a;
    audit_bundle(&a, k, text, len);
    free(text);
    uint8_t w[32];
    memset(w, 0, 32);
    if (a.exit == CLI_OK) {
        be64_store(w + 24, a.b.msg.nonce);
        uint8_t rw[32];
        memset(rw, 0, 12);
        memcpy(rw + 12, a.b.msg.receiver, 20);
        const char *bad = NULL;
        if (memcmp(w, tp[2], 32) != 0)
            bad = "the event's nonce is not the bundle's";
        else if (memcmp(rw, tp[3], 32) != 0)
            bad = "the event's receiver is not the bundle's";
        else if (a.b.msg.dst_chain_id != ch->dst_chain_id)
            bad = "the bundle's message is for another destination chain";
        else if (a.b.has_inbox && memcmp(a.b.inbox, ch->inbox, 20) != 0)
            bad = "the bundle names another Inbox";
        else if (a.b.has_dst_tx_hash && memcmp(a.b.dst_tx_hash, tx, 32) != 0)
            bad = "the bundle names another delivery transaction";
        if (bad) {
            a.exit = CLI_REJECTED;
            snprintf(a.reason, sizeof(a.reason), "%s", bad);
        }
    }
    if (a.exit == CLI_OK && ch->source) {
        /* The proven header must be the source chain's block at that height. */
        json_t *blk = NULL;
        uint8_t h[32];
        rc = rpc_eth_get_block_by_number(ch->source, &blk, rpc_block_at(a.b.block_number), false,
                                         &err);
        if (rc == ZK_OK) rc = json_get_data_fixed(h, 32, blk, "hash", &err);
        json_decref(blk);
        if (rc == ZK_ERR_NOTFOUND) {
            a.exit = CLI_REJECTED;
            snprintf(a.reason, sizeof(a.reason), "the source chain has no block %" PRIu64,
                     a.b.block_number);
        } else if (rc) {
            fprintf(stderr, "error: source node: %s\n", err.msg);
            bundle_clear(&a.b);
            return CLI_FAILURE;
        } else if (memcmp(h, a.b.block_hash, 32) != 0) {
            a.exit = CLI_REJECTED;
            snprintf(a.reason, sizeof(a.reason),
                     "the source chain's block %" PRIu64 " is another block", a.b.block_number);
        }
    }
    if (a.exit == CLI_OK) {
        t->verified++;
        tally_line(t, label, tp[1], NULL, "verified", NULL);
    } else {
        t->pending++;
        tally_line(t, label, tp[1], NULL, "unproven", a.reason);
    }
    bundle_clear(&a.b);
    return CLI_OK;
}

static int replay_chain_run(replay_chain *ch, const replay_src *s, const audit_keys *k,
                            replay_tally *t, uint64_t from, uint64_t to)
{
    static const struct {
        const uint8_t *topic;
        const char *kind;
    } events[2] = {{bridge_abi_topic_message_delivered, "delivered"},
                   {bridge_abi_topic_message_failed, "failed-call"}};
    zk_errbuf err = {{0}, 0};
    for (uint64_t lo = from; lo <= to;) {
        uint64_t hi = to - lo >= REPLAY_LOG_RANGE - 1 ? lo + REPLAY_LOG_RANGE - 1 : to;
        for (int e = 0; e < 2; e++) {
            rpc_log_filter f;
            memset(&f, 0, sizeof(f));
            f.from = rpc_block_at(lo);
            f.to = rpc_block_at(hi);
            f.address = ch->inbox;
            f.topics[0] = events[e].topic;
            f.n_topics = 1;
            json_t *logs = NULL;
            if (rpc_eth_get_logs(ch->dest, &logs, &f, &err) != ZK_OK || !json_is_array(logs)) {
                fprintf(stderr, "error: eth_getLogs on the destination: %s\n",
                        err.msg[0] ? err.msg : "not an array");
                json_decref(logs);
                return CLI_FAILURE;
            }
            for (size_t i = 0; i < json_array_size(logs); i++) {
                if (replay_event(ch, s, k, t, json_array_get(logs, i), events[e].kind)) {
                    json_decref(logs);
                    return CLI_FAILURE;
                }
            }
            json_decref(logs);
        }
        if (hi == UINT64_MAX) break;
        lo = hi + 1;
    }
    return CLI_OK;
}

static void replay_usage(FILE *f)
{
    fprintf(f,
            "usage: zkrelay replay (--db DIR | --bundles DIR) --finality-vk VK.json\n"
            "                      --inclusion-vk VK.json [--trusted-commitment C[,C...]]\n"
            "                      [--json]\n"
            "       zkrelay replay --dest-rpc URL --inbox ADDR [--from-block N] [--to-block N]\n"
            "                      [--source-rpc URL] (--db DIR | --bundles DIR)\n"
            "                      --finality-vk VK.json --inclusion-vk VK.json\n"
            "                      [--trusted-commitment C[,C...]] [--json]\n"
            "\n"
            "The first form re-verifies every proof bundle in the relayer's message database\n"
            "(opened read-only; it fails with \"locked\" while `zkrelay run` holds it) or in a\n"
            "directory of *.json bundle files, exactly as `zkrelay verify` does; for the\n"
            "database it also checks each message record against its bundle.\n"
            "\n"
            "The second form lists the Inbox's MessageDelivered and MessageFailed events on\n"
            "the destination chain (eth_getLogs, ranges of %u blocks) and checks that a\n"
            "verified bundle proves each: same m, nonce, receiver, destination chain, Inbox\n"
            "and delivery transaction (when the bundle names them); with --source-rpc, also\n"
            "that the proven header is the source chain's block at its height.\n"
            "\n"
            "options:\n"
            "  --db DIR             the daemon's message database (<database>/msgs)\n"
            "  --bundles DIR        a directory of bundle files instead\n"
            "  --finality-vk FILE   verification_key.json of the finality circuit\n"
            "  --inclusion-vk FILE  verification_key.json of the inclusion circuit\n"
            "  --dest-rpc URL       the destination chain's JSON-RPC endpoint\n"
            "  --inbox ADDR         the Inbox contract (0x + 40 hex digits)\n"
            "  --from-block N       first destination block to scan (default 0)\n"
            "  --to-block N         last one (default: the node's latest)\n"
            "  --source-rpc URL     the source chain's JSON-RPC endpoint (optional)\n"
            "  --trusted-commitment C[,C...]\n"
            "                       the light client's validator-set commitments; a bundle\n"
            "                       proven against another set is rejected (without it, a\n"
            "                       bundle's validator set is only its own claim)\n"
            "  --json               one JSON object with stable keys\n"
            "\n"
            "exit: 0 all verified (delivered = verified), 3 a bundle rejected or a delivery\n"
            "unproven, 1 runtime failure (database, RPC), 2 usage\n",
            REPLAY_LOG_RANGE);
}

static bool parse_u64(uint64_t *out, const char *s)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || *end) return false;
    *out = v;
    return true;
}

int cli_replay(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        replay_usage(stdout);
        return CLI_OK;
    }
    const char *db = NULL, *dir = NULL, *fin_vk = NULL, *inc_vk = NULL, *dest = NULL, *inbox = NULL,
               *from_s = NULL, *to_s = NULL, *source = NULL, *pins = NULL;
    bool as_json = false;
    const cli_opt opts[] = {
        {"--db", NULL, &db},
        {"--bundles", NULL, &dir},
        {"--finality-vk", NULL, &fin_vk},
        {"--inclusion-vk", NULL, &inc_vk},
        {"--dest-rpc", NULL, &dest},
        {"--inbox", NULL, &inbox},
        {"--from-block", NULL, &from_s},
        {"--to-block", NULL, &to_s},
        {"--source-rpc", NULL, &source},
        {"--trusted-commitment", NULL, &pins},
        {"--json", &as_json, NULL},
    };
    const char *pos[1];
    size_t n_pos = 0;
    int rc = cli_parse_argv(pos, &n_pos, 0, 0, "zkrelay replay", opts, sizeof(opts) / sizeof(*opts),
                            replay_usage, argc, argv);
    if (rc) return rc;
    const char *why = NULL;
    uint64_t from = 0, to = 0;
    replay_chain ch;
    memset(&ch, 0, sizeof(ch));
    audit_keys k;
    memset(&k, 0, sizeof(k));
    if (!db == !dir)
        why = "give exactly one of --db and --bundles";
    else if (!fin_vk || !inc_vk)
        why = "--finality-vk and --inclusion-vk are required";
    else if (!dest && (inbox || from_s || to_s || source))
        why = "--inbox, --from-block, --to-block and --source-rpc need --dest-rpc";
    else if (dest && !inbox)
        why = "--dest-rpc needs --inbox";
    else if (inbox && hex_decode_fixed(ch.inbox, 20, inbox, NULL) != ZK_OK)
        why = "--inbox is not a 20-byte hex address";
    else if (from_s && !parse_u64(&from, from_s))
        why = "--from-block is not a block number";
    else if (to_s && !parse_u64(&to, to_s))
        why = "--to-block is not a block number";
    else if (to_s && to < from)
        why = "--to-block is below --from-block";
    else if (pins && !audit_pins_parse(&k, pins))
        why = "--trusted-commitment takes commitments (0x + 64 hex digits, top byte 00), "
              "comma-separated";
    if (why) {
        fprintf(stderr, "zkrelay replay: %s\n", why);
        replay_usage(stderr);
        return CLI_USAGE;
    }

    replay_src s;
    memset(&s, 0, sizeof(s));
    replay_tally t;
    memset(&t, 0, sizeof(t));
    t.as_json = as_json;
    t.items = json_array();
    rc = t.items ? audit_keys_load(&k, fin_vk, inc_vk) : CLI_FAILURE;
    if (rc == CLI_OK) rc = replay_src_open(&s, db, dir);
    bool rpc_up = false;
    if (rc == CLI_OK && dest) {
        zk_errbuf err = {{0}, 0};
        rpc_up = rpc_global_init() == ZK_OK;
        if (!rpc_up) {
            fprintf(stderr, "error: cannot initialise libcurl\n");
            rc = CLI_FAILURE;
        }
        if (rc == CLI_OK && !(ch.dest = rpc_client_new(dest, NULL, &err))) rc = CLI_FAILURE;
        if (rc == CLI_OK && source && !(ch.source = rpc_client_new(source, NULL, &err)))
            rc = CLI_FAILURE;
        if (rc == CLI_OK && rpc_eth_chain_id(ch.dest, &ch.dst_chain_id, &err) != ZK_OK)
            rc = CLI_FAILURE;
        if (rc == CLI_OK && !to_s && rpc_eth_block_number(ch.dest, &to, &err) != ZK_OK)
            rc = CLI_FAILURE;
        if (rc != CLI_OK) fprintf(stderr, "error: %s\n", err.msg[0] ? err.msg : "RPC setup");
        if (rc == CLI_OK && !s.db) replay_index(&s);
        if (rc == CLI_OK && from <= to) rc = replay_chain_run(&ch, &s, &k, &t, from, to);
    } else if (rc == CLI_OK) {
        rc = s.db ? replay_db(&s, &k, &t) : replay_dir(&s, &k, &t);
    }

    if (rc == CLI_OK) {
        const char *what = dest ? "delivered" : db ? "messages" : "bundles";
        const char *bad = dest ? "unproven" : "rejected";
        size_t n_bad = dest ? t.pending : t.rejected;
        if (as_json) {
            json_t *o = json_object();
            json_object_set_new(o, what, json_integer((json_int_t)t.total));
            json_object_set_new(o, "verified", json_integer((json_int_t)t.verified));
            json_object_set_new(o, bad, json_integer((json_int_t)n_bad));
            if (!dest && db)
                json_object_set_new(o, "noBundle", json_integer((json_int_t)t.pending));
            json_object_set_new(o, "items", json_incref(t.items));
            char *txt = json_dumps(o, JSON_COMPACT);
            if (txt) printf("%s\n", txt);
            free(txt);
            json_decref(o);
        } else {
            printf("%s: %zu\nverified: %zu\n%s: %zu\n", what, t.total, t.verified, bad, n_bad);
            if (!dest && db) printf("no bundle yet: %zu\n", t.pending);
        }
        if (n_bad) rc = CLI_REJECTED;
    }
    json_decref(t.items);
    rpc_client_free(ch.dest);
    rpc_client_free(ch.source);
    if (rpc_up) rpc_global_cleanup();
    replay_src_clear(&s);
    audit_keys_clear(&k);
    return rc;
}
