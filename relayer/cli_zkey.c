/* zkrelay zkey contribute|beacon|verify (and the `export` subtree, cli_groth16.c):
 * phase-2 of a Groth16 trusted setup on snarkjs .zkey files, with snarkjs's argument
 * order, so that participants of one ceremony may use either tool:
 *   snarkjs zkey contribute circuit_0000.zkey circuit_0001.zkey --name=... -e=...
 *   snarkjs zkey beacon circuit_0001.zkey circuit_final.zkey BEACONHASH NUMITERATIONSEXP
 *   snarkjs zkey verify circuit.r1cs pot.ptau circuit_final.zkey
 *
 * Exit codes per cli.h: 0 ok (for verify: the key is valid, and only then), 1 a file that
 * cannot be read or does not parse, or a write error, 2 usage, 3 verify read the key and
 * rejected it. Results go to stdout, diagnostics to stderr. The entropy of a contribution
 * is never printed. */
#include "relayer/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lightclient/hex.h"
#include "prover/prover.h"
#include "prover/zkey_contrib.h"

/* Caps as cli_groth16.c's: a zkey of a 2^20-constraint circuit is well under 1 GiB. */
#define ZK_MAX_R1CS (8ull << 30)
#define ZK_MAX_PTAU (32ull << 30)

/* ---- helpers --------------------------------------------------------------------- */

/* Prints a 64-byte hash as snarkjs's misc.formatHash does: 4 lines of 4 big-endian u32
 * words in hex, each line indented by two tabs. */
static void zk_print_hash(const char *title, const uint8_t h[64])
{
    printf("%s\n", title);
    for (int i = 0; i < 4; i++) {
        printf("\t\t");
        for (int j = 0; j < 4; j++) {
            const uint8_t *w = h + 16 * i + 4 * j;
            printf("%s%02x%02x%02x%02x", j ? " " : "", w[0], w[1], w[2], w[3]);
        }
        printf("\n");
    }
}

static json_t *zk_hex_json(const uint8_t *p, size_t n)
{
    char *s = malloc(hex_encoded_len(n, false));
    if (!s) return NULL;
    hex_encode(s, p, n, false);
    json_t *j = json_string(s);
    free(s);
    return j;
}

/* Prints the result of contribute/beacon: the circuit and contribution hashes. */
static int zk_print_contribution(const uint8_t cs_hash[64], const uint8_t hash[64],
                                 const char *out_path, bool json)
{
    if (json)
        return cli_print_json(json_pack("{s:s, s:o, s:o}", "zkey", out_path, "circuitHash",
                                        zk_hex_json(cs_hash, 64), "contributionHash",
                                        zk_hex_json(hash, 64)));
    zk_print_hash("Circuit Hash:", cs_hash);
    zk_print_hash("Contribution Hash:", hash);
    return CLI_OK;
}

/* What contribute or beacon adds: beacon == NULL for a contribution from the CSPRNG (with
 * entropy mixed in), else the beacon's hash and iteration exponent. */
typedef struct zk_contrib_req {
    const char *name;
    unsigned threads;
    const char *entropy;
    const uint8_t *beacon;
    size_t beacon_len;
    unsigned exp;
} zk_contrib_req;

/* The common body of contribute and beacon: reads in_path, adds the contribution, writes
 * out_path and prints the hashes. Returns a CLI_* code (CLI_USAGE for what the library
 * refuses as a usage error, such as a name too long). */
static int zk_contrib_run(const char *prog, const char *in_path, const char *out_path, bool json,
                          const zk_contrib_req *q)
{
    uint8_t *data = NULL;
    zkey_file z;
    zk_buf b;
    buf_init(&b, 0);
    uint8_t hash[64];
    zk_errbuf err = {{0}, 0};
    int rc = cli_zkey_read(&data, &z, in_path);
    if (rc == CLI_OK) {
        int zrc = q->beacon ? zkey_contrib_beacon(&b, hash, &z, q->beacon, q->beacon_len, q->exp,
                                                  q->name, q->threads, &err)
                            : zkey_contrib_contribute(&b, hash, &z, (const uint8_t *)q->entropy,
                                                      q->entropy ? strlen(q->entropy) : 0, q->name,
                                                      q->threads, &err);
        if (zrc == ZK_ERR_USAGE) {
            fprintf(stderr, "%s: %s\n", prog, err.msg);
            rc = CLI_USAGE;
        } else if (zrc != ZK_OK) {
            fprintf(stderr, "error: %s: %s\n", in_path, err.msg);
            rc = CLI_FAILURE;
        } else if (binfile_write_file(out_path, b.data, b.len, &err) != ZK_OK) {
            fprintf(stderr, "error: cannot write %s\n", err.msg);
            rc = CLI_FAILURE;
        } else {
            rc = zk_print_contribution(z.cs_hash, hash, out_path, json);
        }
    }
    buf_clear(&b);
    zkey_file_clear(&z);
    free(data);
    return cli_finish(rc);
}

/* ---- contribute -------------------------------------------------------------------- */

static void zk_contribute_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay zkey contribute IN.zkey OUT.zkey [--name NAME] [-e ENTROPY]\n"
               "\n"
               "Adds a phase-2 contribution to a Groth16 .zkey, as `snarkjs zkey contribute`\n"
               "does: a fresh secret delta (from this machine's CSPRNG, with ENTROPY mixed in)\n"
               "multiplies delta in the header and divides the L and H sections; the proof of\n"
               "knowledge and the contribution hash are appended to the MPC section. Publish\n"
               "the printed contribution hash; the secret is wiped before the command exits.\n"
               "ENTROPY given on the command line is visible to other local users (ps); it is\n"
               "optional, since the system randomness alone suffices.\n"
               "\n"
               "options:\n"
               "  -n, --name NAME     the contribution's name (snarkjs keeps 64 characters)\n"
               "  -e, --entropy TEXT  extra entropy, mixed in (never printed or stored)\n"
               "  --threads N         worker threads (default 0: one per core)\n"
               "  --json              print one JSON object instead of the text form\n"
               "  -h, --help          show this help\n"
               "\n"
               "exit status: 0 ok, 1 unreadable or invalid key, or write error, 2 usage error\n");
}

static int zk_cmd_contribute(int argc, char **argv)
{
    static const char prog[] = "zkrelay zkey contribute";
    if (cli_wants_help(argc, argv)) {
        zk_contribute_usage(stdout);
        return CLI_OK;
    }
    const char *pos[2] = {NULL, NULL}, *name = NULL, *name_s = NULL, *entropy = NULL,
               *entropy_s = NULL, *threads_text = NULL;
    size_t n_pos = 0;
    bool json = false;
    unsigned threads = 0;
    const cli_opt opts[] = {{"--name", NULL, &name},
                            {"-n", NULL, &name_s},
                            {"--entropy", NULL, &entropy},
                            {"-e", NULL, &entropy_s},
                            {"--threads", NULL, &threads_text},
                            {"--json", &json, NULL}};
    int rc = cli_parse_argv(pos, &n_pos, 2, 2, prog, opts, sizeof(opts) / sizeof(*opts),
                            zk_contribute_usage, argc, argv);
    if (rc == CLI_OK && threads_text) rc = cli_parse_threads(&threads, threads_text, prog);
    if (rc) return rc;
    if (!name) name = name_s;
    if (!entropy) entropy = entropy_s;
    const zk_contrib_req q = {name, threads, entropy, NULL, 0, 0};
    return zk_contrib_run(prog, pos[0], pos[1], json, &q);
}

/* ---- beacon ------------------------------------------------------------------------ */

static void zk_beacon_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay zkey beacon IN.zkey OUT.zkey BEACONHASH NUMITERATIONSEXP "
               "[--name NAME]\n"
               "\n"
               "Adds the final, public contribution of a ceremony, as `snarkjs zkey beacon`\n"
               "does: the secret is derived from BEACONHASH (hex, 1..255 bytes, no 0x; a\n"
               "public random value announced in advance) by 2^NUMITERATIONSEXP SHA-256\n"
               "iterations (10..63). Deterministic: snarkjs writes the same bytes.\n"
               "\n"
               "options:\n"
               "  -n, --name NAME   the contribution's name\n"
               "  --threads N       worker threads (default 0: one per core)\n"
               "  --json            print one JSON object instead of the text form\n"
               "  -h, --help        show this help\n"
               "\n"
               "exit status: 0 ok, 1 unreadable or invalid key, or write error, 2 usage error\n");
}

static int zk_cmd_beacon(int argc, char **argv)
{
    static const char prog[] = "zkrelay zkey beacon";
    if (cli_wants_help(argc, argv)) {
        zk_beacon_usage(stdout);
        return CLI_OK;
    }
    const char *pos[4] = {NULL, NULL, NULL, NULL}, *name = NULL, *name_s = NULL,
               *threads_text = NULL;
    size_t n_pos = 0;
    bool json = false;
    unsigned threads = 0, exp = 0;
    const cli_opt opts[] = {{"--name", NULL, &name},
                            {"-n", NULL, &name_s},
                            {"--threads", NULL, &threads_text},
                            {"--json", &json, NULL}};
    int rc = cli_parse_argv(pos, &n_pos, 4, 4, prog, opts, sizeof(opts) / sizeof(*opts),
                            zk_beacon_usage, argc, argv);
    if (rc == CLI_OK && threads_text) rc = cli_parse_threads(&threads, threads_text, prog);
    if (rc == CLI_OK)
        rc = cli_parse_uint(&exp, pos[3], ZKEY_CONTRIB_BEACON_MIN_EXP, ZKEY_CONTRIB_BEACON_MAX_EXP,
                            prog, "NUMITERATIONSEXP");
    if (rc) return rc;
    if (!name) name = name_s;
    uint8_t beacon[ZKEY_CONTRIB_BEACON_MAX_HASH];
    size_t beacon_len = 0, text_len = strlen(pos[2]);
    zk_errbuf err = {{0}, 0};
    /* snarkjs takes bare hex only (its length check refuses a 0x prefix). */
    if (text_len == 0 ||
        (text_len >= 2 && pos[2][0] == '0' && (pos[2][1] == 'x' || pos[2][1] == 'X')) ||
        hex_decode(beacon, sizeof(beacon), &beacon_len, pos[2], text_len, &err) != ZK_OK ||
        beacon_len == 0) {
        fprintf(stderr, "%s: BEACONHASH must be 1..%d bytes of hex without 0x, not '%s'\n", prog,
                ZKEY_CONTRIB_BEACON_MAX_HASH, pos[2]);
        return CLI_USAGE;
    }
    const zk_contrib_req q = {name, threads, NULL, beacon, beacon_len, exp};
    return zk_contrib_run(prog, pos[0], pos[1], json, &q);
}

/* ---- verify ------------------------------------------------------------------------ */

static void zk_verify_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay zkey verify CIRCUIT.r1cs POT.ptau FINAL.zkey [--json]\n"
               "\n"
               "Checks a .zkey against its circuit and ceremony, as `snarkjs zkey verify`\n"
               "does: recomputes the initial key from the .r1cs and the prepared .ptau, then\n"
               "checks every contribution (transcript, proof of knowledge, delta update,\n"
               "beacon), that the fixed sections equal the initial key's, and, with a random\n"
               "linear combination and a pairing, that the L and H sections are the initial\n"
               "ones divided by the final delta. Lists the contributions and their hashes.\n"
               "\n"
               "options:\n"
               "  --threads N   worker threads (default 0: one per core)\n"
               "  --json        print one JSON object instead of the text form\n"
               "  -h, --help    show this help\n"
               "\n"
               "exit status: 0 the key is valid, 1 unreadable or invalid input files,\n"
               "             2 usage error, 3 the key does not follow from the circuit and\n"
               "             ceremony\n");
}

/* The initial key: setup from the circuit and the ceremony, serialised and parsed back so
 * that sections compare byte for byte, as snarkjs compares them.
 * Out: *data (free it; init borrows it), init (zkey_file_clear it in every case). */
static int zk_initial_key(uint8_t **data, zkey_file *init, const char *r1cs_path,
                          const char *ptau_path, unsigned threads)
{
    zk_errbuf err = {{0}, 0};
    uint8_t *rd = NULL, *pd = NULL;
    size_t rl = 0, pl = 0;
    r1cs_file rf;
    r1cs cs;
    ptau_file ptau;
    groth16_pk pk;
    groth16_vk vk;
    zk_buf b;
    memset(&rf, 0, sizeof(rf));
    memset(&cs, 0, sizeof(cs));
    memset(init, 0, sizeof(*init));
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    buf_init(&b, 0);
    *data = NULL;
    int rc = CLI_FAILURE;
    if (binfile_read_file(&rd, &rl, r1cs_path, ZK_MAX_R1CS, &err) != ZK_OK ||
        binfile_read_file(&pd, &pl, ptau_path, ZK_MAX_PTAU, &err) != ZK_OK)
        fprintf(stderr, "error: %s\n", err.msg);
    else if (r1cs_file_parse(&rf, rd, rl, &err) != ZK_OK ||
             r1cs_from_files(&cs, &rf, NULL, &err) != ZK_OK)
        fprintf(stderr, "error: %s: not a valid .r1cs: %s\n", r1cs_path, err.msg);
    else if (ptau_file_parse(&ptau, pd, pl, &err) != ZK_OK)
        fprintf(stderr, "error: %s: not a valid .ptau: %s\n", ptau_path, err.msg);
    else if (groth16_setup_from_ptau(&pk, &vk, &cs, &ptau, threads, &err) != ZK_OK)
        fprintf(stderr, "error: initial key of %s from %s: %s\n", r1cs_path, ptau_path, err.msg);
    else if (groth16_pk_write_zkey(&b, &pk, &err) != ZK_OK ||
             zkey_file_parse(init, b.data, b.len, &err) != ZK_OK)
        fprintf(stderr, "error: initial key: %s\n", err.msg);
    else
        rc = CLI_OK;
    if (rc == CLI_OK) {
        *data = b.data; /* init borrows it: handed to the caller */
        b.data = NULL;
    }
    buf_clear(&b);
    r1cs_file_clear(&rf);
    r1cs_clear(&cs);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    free(rd);
    free(pd);
    return rc;
}

/* Prints the verified chain as snarkjs does (last contribution first), or as JSON. */
static int zk_print_chain(const zkey_file *z, const uint8_t (*hashes)[64], bool json)
{
    if (!json) {
        zk_print_hash("Circuit Hash:", z->cs_hash);
        for (uint32_t k = z->n_contributions; k-- > 0;) {
            const zkey_file_contrib *c = &z->contributions[k];
            /* The name comes from the file: control characters would reach the terminal. */
            char name[65] = {0}, title[128];
            size_t nl = c->params.name ? c->params.name_len : 0;
            for (size_t i = 0; i < nl && i < 64; i++) {
                uint8_t ch = c->params.name[i];
                name[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
            }
            printf("-------------------------\n");
            snprintf(title, sizeof(title), "contribution #%u %s:", k + 1, name);
            zk_print_hash(title, hashes[k]);
            if (c->type == 1) {
                char hex[2 * ZKEY_CONTRIB_BEACON_MAX_HASH + 1];
                hex_encode(hex, c->params.beacon_hash, c->params.beacon_hash_len, false);
                printf("Beacon generator: %s\n", hex);
                printf("Beacon iterations Exp: %u\n", c->params.iterations_exp);
            }
        }
        printf("-------------------------\n");
        printf("ZKey Ok!\n");
        return CLI_OK;
    }
    json_t *list = json_array(), *root = NULL;
    for (uint32_t k = 0; list && k < z->n_contributions; k++) {
        const zkey_file_contrib *c = &z->contributions[k];
        const char *nm = c->params.name ? (const char *)c->params.name : "";
        size_t nm_len = c->params.name ? c->params.name_len : 0;
        /* A name read from a file need not be UTF-8, which JSON strings must be: such a
         * name is given in hex instead. */
        json_t *name = json_stringn(nm, nm_len);
        json_t *e = json_pack("{s:I, s:s, s:o, s:o}", "index", (json_int_t)k + 1, "type",
                              c->type == 1 ? "beacon" : "contribution", "hash",
                              zk_hex_json(hashes[k], 64), name ? "name" : "nameHex",
                              name ? name : zk_hex_json((const uint8_t *)nm, nm_len));
        if (e && c->type == 1) {
            json_object_set_new(e, "beaconHash",
                                zk_hex_json(c->params.beacon_hash, c->params.beacon_hash_len));
            json_object_set_new(e, "iterationsExp", json_integer(c->params.iterations_exp));
        }
        if (!e || json_array_append_new(list, e) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    if (list)
        root = json_pack("{s:b, s:o, s:o}", "valid", 1, "circuitHash", zk_hex_json(z->cs_hash, 64),
                         "contributions", list);
    return cli_print_json(root);
}

static int zk_cmd_verify(int argc, char **argv)
{
    static const char prog[] = "zkrelay zkey verify";
    if (cli_wants_help(argc, argv)) {
        zk_verify_usage(stdout);
        return CLI_OK;
    }
    const char *pos[3] = {NULL, NULL, NULL}, *threads_text = NULL;
    size_t n_pos = 0;
    bool json = false;
    unsigned threads = 0;
    const cli_opt opts[] = {{"--threads", NULL, &threads_text}, {"--json", &json, NULL}};
    int rc = cli_parse_argv(pos, &n_pos, 3, 3, prog, opts, 2, zk_verify_usage, argc, argv);
    if (rc == CLI_OK && threads_text) rc = cli_parse_threads(&threads, threads_text, prog);
    if (rc) return rc;
    uint8_t *zd = NULL, *id = NULL;
    zkey_file z, init;
    uint8_t(*hashes)[64] = NULL;
    zk_errbuf err = {{0}, 0};
    memset(&init, 0, sizeof(init));
    rc = cli_zkey_read(&zd, &z, pos[2]);
    if (rc == CLI_OK) rc = zk_initial_key(&id, &init, pos[0], pos[1], threads);
    if (rc == CLI_OK && !(hashes = calloc((size_t)z.n_contributions + 1, 64))) {
        fprintf(stderr, "error: out of memory\n");
        rc = CLI_FAILURE;
    }
    if (rc == CLI_OK) {
        int zrc = zkey_contrib_verify(hashes, &init, &z, threads, &err);
        if (zrc == ZK_OK) {
            rc = zk_print_chain(&z, (const uint8_t(*)[64])hashes, json);
        } else if (zrc == ZK_ERR_NOMEM || zrc == ZK_ERR_INTERNAL) {
            fprintf(stderr, "error: %s\n", err.msg);
            rc = CLI_FAILURE;
        } else {
            fprintf(stderr, "INVALID: %s: %s\n", pos[2], err.msg);
            rc = CLI_REJECTED;
        }
    }
    free(hashes);
    zkey_file_clear(&z);
    zkey_file_clear(&init);
    free(zd);
    free(id);
    return cli_finish(rc);
}

/* ---- dispatch ---------------------------------------------------------------------- */

static const cli_cmd zkey_cmds[] = {
    {"contribute", zk_cmd_contribute, "add a phase-2 contribution: IN.zkey OUT.zkey"},
    {"beacon", zk_cmd_beacon, "add the final beacon: IN.zkey OUT.zkey HASH ITERATIONSEXP"},
    {"verify", zk_cmd_verify, "check a key's contributions: CIRCUIT.r1cs POT.ptau FINAL.zkey"},
    {"export", cli_zkey_export, "export from a .zkey: verificationkey"},
};

int cli_zkey(int argc, char **argv)
{
    return cli_dispatch("zkrelay zkey", zkey_cmds, sizeof(zkey_cmds) / sizeof(*zkey_cmds), argc,
                        argv);
}
