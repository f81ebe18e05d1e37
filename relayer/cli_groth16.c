/* zkrelay groth16 setup|prove|verify|info and zkrelay zkey export verificationkey
 * (export-verifier and export-calldata, in this command's table, live in
 * cli_groth16_export.c): Groth16 on snarkjs's files, with snarkjs's argument order, so that a
 * script written for snarkjs runs with zkrelay in its place:
 *   snarkjs groth16 prove circuit.zkey witness.wtns proof.json public.json
 *   snarkjs groth16 verify verification_key.json public.json proof.json
 *   snarkjs zkey export verificationkey circuit.zkey verification_key.json
 *
 * Exit codes per cli.h: 0 ok (for verify: the proof is valid, and only then), 1 a file
 * that cannot be read or does not parse, 2 usage, 3 the proof was read and is invalid.
 * Results go to stdout; diagnostics to stderr; prove's timing to stderr only when it is a
 * terminal. Every file is read with a size cap. */
#include "relayer/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "lightclient/hex.h"
#include "prover/prover.h"

/* Size caps. A zkey holds about 450 bytes per wire plus 64 per domain point: 8 GiB is
 * far beyond the 2^20-constraint circuits the relayer proves, and below what would
 * exhaust a prover machine before the parser could say why. */
#define G16_MAX_ZKEY (8ull << 30)
#define G16_MAX_WTNS (2ull << 30) /* 2^26 wires of 32 bytes */
#define G16_MAX_R1CS (8ull << 30)
/* A prepared ceremony file of power 24 (2^24 constraints) is about 19 GiB; the whole file
 * is held in memory, so the cap is what a prover machine can hold. */
#define G16_MAX_PTAU (32ull << 30)
#define G16_MAX_JSON ((size_t)GROTH16_JSON_MAX_TEXT)

/* ---- shared helpers -------------------------------------------------------- */

static double g16_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The setup's toxic waste and the provers' r, s come from OpenSSL's CSPRNG, drawn in
 * blocks. The prover API takes a uint64_t callback that cannot fail, so a RAND_bytes
 * failure is recorded in `failed` and the caller discards whatever was made with it;
 * meanwhile a counter keeps the callers' rejection loops (non-zero, tau^2n != 1)
 * finite. */
typedef struct g16_rng {
    uint8_t block[256];
    size_t pos;
    bool failed;
    uint64_t counter;
} g16_rng;

static void g16_rng_init(g16_rng *r)
{
    memset(r, 0, sizeof(*r));
    r->pos = sizeof(r->block);
}

static uint64_t g16_rng_next(void *ctx)
{
    g16_rng *r = ctx;
    if (r->pos + 8 > sizeof(r->block)) {
        if (RAND_bytes(r->block, (int)sizeof(r->block)) != 1) {
            r->failed = true;
            return ++r->counter;
        }
        r->pos = 0;
    }
    uint64_t v = le64_load(r->block + r->pos);
    /* Each word is handed out once and erased: the block is toxic waste too. */
    zk_wipe(r->block + r->pos, 8);
    r->pos += 8;
    return v;
}

static void g16_rng_clear(g16_rng *r)
{
    zk_wipe(r, sizeof(*r));
}

int cli_zkey_read(uint8_t **data, zkey_file *z, const char *path)
{
    zk_errbuf err = {{0}, 0};
    size_t len = 0;
    *data = NULL;
    memset(z, 0, sizeof(*z));
    if (binfile_read_file(data, &len, path, G16_MAX_ZKEY, &err) != ZK_OK) {
        fprintf(stderr, "error: %s\n", err.msg);
        return CLI_FAILURE;
    }
    if (zkey_file_parse(z, *data, len, &err) != ZK_OK) {
        fprintf(stderr, "error: %s: not a valid Groth16 .zkey: %s\n", path, err.msg);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

int cli_zkey_load_pk(groth16_pk *pk, zkey_file *z_info, const char *path)
{
    zk_errbuf err = {{0}, 0};
    uint8_t *data = NULL;
    zkey_file z;
    int rc = cli_zkey_read(&data, &z, path);
    if (rc == CLI_OK && groth16_pk_from_zkey(pk, &z, &err) != ZK_OK) {
        fprintf(stderr, "error: %s: invalid proving key: %s\n", path, err.msg);
        rc = CLI_FAILURE;
    }
    if (rc == CLI_OK && z_info) {
        *z_info = z;
        z_info->ic = z_info->a = z_info->b1 = z_info->b2 = z_info->c = z_info->h = NULL;
        z_info->coefs = NULL;
        z_info->contributions = NULL;
    }
    zkey_file_clear(&z);
    free(data);
    return rc;
}

/* Reads a JSON file with the JSON cap. Prints why and returns CLI_FAILURE on failure. */
static int g16_read_json(char **text, size_t *len, const char *path)
{
    return cli_read_input(text, len, path, G16_MAX_JSON);
}

int cli_vk_load_json(groth16_vk *vk, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = g16_read_json(&text, &len, path);
    if (rc) return rc;
    groth16_json_vk j;
    memset(&j, 0, sizeof(j));
    zk_errbuf err = {{0}, 0};
    rc = CLI_FAILURE;
    if (groth16_json_vk_parse(&j, text, len, &err) != ZK_OK)
        fprintf(stderr, "error: %s: not a valid verification key: %s\n", path, err.msg);
    else if (groth16_vk_from_json(vk, &j, &err) != ZK_OK)
        fprintf(stderr, "error: %s: invalid verification key: %s\n", path, err.msg);
    else
        rc = CLI_OK;
    groth16_json_vk_clear(&j);
    free(text);
    return rc;
}

int cli_public_load_json(uint8_t **pub, size_t *n, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = g16_read_json(&text, &len, path);
    if (rc) return rc;
    zk_errbuf err = {{0}, 0};
    if (groth16_json_public_parse(pub, n, text, len, &err) != ZK_OK) {
        fprintf(stderr, "error: %s: not a valid list of public signals: %s\n", path, err.msg);
        rc = CLI_FAILURE;
    }
    free(text);
    return rc;
}

int cli_proof_load_json(groth16_proof *p, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = g16_read_json(&text, &len, path);
    if (rc) return rc;
    groth16_json_proof j;
    zk_errbuf err = {{0}, 0};
    if (groth16_json_proof_parse(&j, text, len, &err) != ZK_OK ||
        groth16_proof_from_json(p, &j, &err) != ZK_OK) {
        fprintf(stderr, "error: %s: not a valid Groth16 proof: %s\n", path, err.msg);
        rc = CLI_FAILURE;
    }
    free(text);
    return rc;
}

/* Writes b to path. Prints why and returns CLI_FAILURE on failure. */
static int g16_write_buf(const char *path, const zk_buf *b)
{
    zk_errbuf err = {{0}, 0};
    if (binfile_write_file(path, b->data, b->len, &err) != ZK_OK) {
        fprintf(stderr, "error: cannot write %s\n", err.msg);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

/* Writes vk as snarkjs's verification_key.json to path. */
static int g16_write_vk(const char *path, const groth16_vk *vk)
{
    groth16_json_vk j;
    memset(&j, 0, sizeof(j));
    zk_buf b;
    buf_init(&b, 0);
    int rc = CLI_FAILURE;
    if (groth16_vk_to_json(&j, vk) != ZK_OK || groth16_json_vk_write(&b, &j) != ZK_OK)
        fprintf(stderr, "error: out of memory formatting %s\n", path);
    else
        rc = g16_write_buf(path, &b);
    groth16_json_vk_clear(&j);
    buf_clear(&b);
    return rc;
}

/* ---- setup ----------------------------------------------------------------- */

static void g16_setup_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay groth16 setup CIRCUIT.r1cs POT.ptau CIRCUIT.zkey [--vk VK.json]\n"
               "       zkrelay groth16 setup --dev CIRCUIT.r1cs CIRCUIT.zkey [--vk VK.json]\n"
               "\n"
               "Makes a Groth16 proving key (snarkjs .zkey) for a circom .r1cs circuit.\n"
               "\n"
               "From a .ptau (snarkjs's argument order): the key of a public Powers of Tau\n"
               "ceremony (a .ptau prepared for phase 2), byte for byte what snarkjs writes.\n"
               "Run `snarkjs powersoftau verify` on a downloaded .ptau once, and add phase-2\n"
               "contributions (snarkjs zkey contribute) before using the key for value.\n"
               "\n"
               "With --dev: a DEVELOPMENT setup from fresh randomness of this machine. It is\n"
               "INSECURE: the toxic waste was generated here, and whoever saw it can forge\n"
               "proofs. The key carries that label (see `zkrelay groth16 info`).\n"
               "\n"
               "options:\n"
               "  --dev         development setup from local randomness (insecure)\n"
               "  --vk FILE     also write the verification key (verification_key.json)\n"
               "  --threads N   worker threads for the ptau setup (default 0: one per core)\n"
               "  -h, --help    show this help\n"
               "\n"
               "exit status: 0 ok, 1 unreadable or invalid circuit or .ptau, or write error,\n"
               "             2 usage error\n");
}

/* Reads a .r1cs into a finalized system. Prints why and returns CLI_FAILURE on failure.
 * Out: cs (r1cs_clear it in every case). */
static int g16_load_r1cs(r1cs *cs, const char *path)
{
    zk_errbuf err = {{0}, 0};
    uint8_t *data = NULL;
    size_t len = 0;
    r1cs_file rf;
    memset(&rf, 0, sizeof(rf));
    int rc = CLI_FAILURE;
    if (binfile_read_file(&data, &len, path, G16_MAX_R1CS, &err) != ZK_OK)
        fprintf(stderr, "error: %s\n", err.msg);
    else if (r1cs_file_parse(&rf, data, len, &err) != ZK_OK)
        fprintf(stderr, "error: %s: not a valid .r1cs: %s\n", path, err.msg);
    else if (r1cs_from_files(cs, &rf, NULL, &err) != ZK_OK)
        fprintf(stderr, "error: %s: %s\n", path, err.msg);
    else
        rc = CLI_OK;
    r1cs_file_clear(&rf);
    free(data);
    return rc;
}

/* Writes a new key (and its vk when vk_path is non-NULL) and prints the summary. */
static int g16_setup_write(const groth16_pk *pk, const groth16_vk *vk, const r1cs *cs,
                           const char *zkey_path, const char *vk_path)
{
    zk_errbuf err = {{0}, 0};
    zk_buf b;
    buf_init(&b, 0);
    int rc = CLI_FAILURE;
    if (groth16_pk_write_zkey(&b, pk, &err) != ZK_OK)
        fprintf(stderr, "error: formatting %s: %s\n", zkey_path, err.msg);
    else if ((rc = g16_write_buf(zkey_path, &b)) == CLI_OK && vk_path)
        rc = g16_write_vk(vk_path, vk);
    buf_clear(&b);
    if (rc) return rc;
    printf("zkey: %s\n", zkey_path);
    if (vk_path) printf("verificationKey: %s\n", vk_path);
    printf("nVars: %u\n", pk->n_vars);
    printf("nPublic: %u\n", pk->n_public);
    printf("nConstraints: %zu\n", cs->n_cons);
    printf("domainSize: %u\n", pk->domain_size);
    printf("insecure: %s\n", pk->insecure_label ? "yes" : "no");
    return CLI_OK;
}

static int g16_setup_dev(const char *r1cs_path, const char *zkey_path, const char *vk_path)
{
    zk_errbuf err = {{0}, 0};
    r1cs cs;
    groth16_pk pk;
    groth16_vk vk;
    g16_rng rng;
    memset(&cs, 0, sizeof(cs));
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    g16_rng_init(&rng);
    int rc = g16_load_r1cs(&cs, r1cs_path);
    if (rc == CLI_OK) {
        rc = CLI_FAILURE;
        fprintf(stderr, "WARNING: %s\n", GROTH16_DEV_SETUP_WARNING);
        if (groth16_setup_dev(&pk, &vk, &cs, g16_rng_next, &rng, &err) != ZK_OK)
            fprintf(stderr, "error: setup of %s: %s\n", r1cs_path, err.msg);
        else if (rng.failed)
            fprintf(stderr, "error: the system random generator failed; no key written\n");
        else
            rc = g16_setup_write(&pk, &vk, &cs, zkey_path, vk_path);
    }
    r1cs_clear(&cs);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    g16_rng_clear(&rng);
    return rc;
}

/* snarkjs `groth16 setup circuit.r1cs pot.ptau circuit.zkey`: the key of a public
 * ceremony before any phase-2 contribution (gamma = delta = 1), as snarkjs writes it. */
static int g16_setup_ptau(const char *r1cs_path, const char *ptau_path, const char *zkey_path,
                          const char *vk_path, unsigned threads)
{
    zk_errbuf err = {{0}, 0};
    r1cs cs;
    groth16_pk pk;
    groth16_vk vk;
    ptau_file ptau;
    uint8_t *data = NULL;
    size_t len = 0;
    memset(&cs, 0, sizeof(cs));
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    int rc = g16_load_r1cs(&cs, r1cs_path);
    if (rc == CLI_OK) {
        rc = CLI_FAILURE;
        if (binfile_read_file(&data, &len, ptau_path, G16_MAX_PTAU, &err) != ZK_OK)
            fprintf(stderr, "error: %s\n", err.msg);
        else if (ptau_file_parse(&ptau, data, len, &err) != ZK_OK)
            fprintf(stderr, "error: %s: not a valid .ptau: %s\n", ptau_path, err.msg);
        else if (groth16_setup_from_ptau(&pk, &vk, &cs, &ptau, threads, &err) != ZK_OK)
            fprintf(stderr, "error: setup of %s from %s: %s\n", r1cs_path, ptau_path, err.msg);
        else
            rc = g16_setup_write(&pk, &vk, &cs, zkey_path, vk_path);
    }
    free(data);
    r1cs_clear(&cs);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    return rc;
}

static int g16_cmd_setup(int argc, char **argv)
{
    static const char prog[] = "zkrelay groth16 setup";
    if (cli_wants_help(argc, argv)) {
        g16_setup_usage(stdout);
        return CLI_OK;
    }
    const char *pos[3] = {NULL, NULL, NULL}, *vk_path = NULL, *threads_text = NULL;
    size_t n_pos = 0;
    unsigned threads = 0;
    bool dev = false;
    const cli_opt opts[] = {
        {"--dev", &dev, NULL}, {"--vk", NULL, &vk_path}, {"--threads", NULL, &threads_text}};
    int rc = cli_parse_argv(pos, &n_pos, 2, 3, prog, opts, 3, g16_setup_usage, argc, argv);
    if (rc == CLI_OK && threads_text) rc = cli_parse_threads(&threads, threads_text, prog);
    if (rc) return rc;
    if (dev) {
        if (n_pos != 2) {
            fprintf(stderr, "%s: --dev takes CIRCUIT.r1cs CIRCUIT.zkey (no .ptau)\n", prog);
            g16_setup_usage(stderr);
            return CLI_USAGE;
        }
        return cli_finish(g16_setup_dev(pos[0], pos[1], vk_path));
    }
    if (n_pos != 3) {
        fprintf(stderr,
                "%s: without --dev the setup derives the key from a Powers of Tau file:\n"
                "  zkrelay groth16 setup circuit.r1cs pot.ptau circuit.zkey\n"
                "(or --dev for an INSECURE development key)\n",
                prog);
        return CLI_USAGE;
    }
    return cli_finish(g16_setup_ptau(pos[0], pos[1], pos[2], vk_path, threads));
}

/* ---- prove ----------------------------------------------------------------- */

static void g16_prove_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay groth16 prove CIRCUIT.zkey WITNESS.wtns PROOF.json PUBLIC.json\n"
               "                             [--threads N]\n"
               "\n"
               "Proves with a snarkjs .zkey and a circom .wtns witness and writes proof.json\n"
               "and public.json as snarkjs does. The proof is verified before it is written:\n"
               "a witness that does not satisfy the circuit writes nothing.\n"
               "\n"
               "options:\n"
               "  --threads N   worker threads (default 0: one per core)\n"
               "  -h, --help    show this help\n"
               "\n"
               "exit status: 0 ok, 1 unreadable or mismatched files, unsatisfied witness or\n"
               "             write error, 2 usage error\n");
}

/* Converts the witness file into field elements. Prints why and returns CLI_FAILURE
 * when it does not fit the key. Out: *w (malloc'd pk->n_vars elements). */
static int g16_witness_for_key(fr **w, const wtns_file *wt, const groth16_pk *pk,
                               const char *wtns_path, const char *zkey_path)
{
    *w = NULL;
    if (wt->n_values != pk->n_vars) {
        fprintf(stderr,
                "error: %s holds %u values but %s has nVars = %u: the witness is for another "
                "circuit\n",
                wtns_path, wt->n_values, zkey_path, pk->n_vars);
        return CLI_FAILURE;
    }
    fr *v = malloc((size_t)wt->n_values * sizeof(fr));
    if (!v) {
        fprintf(stderr, "error: out of memory for %u witness values\n", wt->n_values);
        return CLI_FAILURE;
    }
    for (uint32_t i = 0; i < wt->n_values; i++) {
        /* wtns_file_parse checked every value < r, so this cannot fail. */
        if (fr_from_bytes_le(&v[i], wtns_file_value(wt, i), NULL) != ZK_OK) {
            fprintf(stderr, "error: %s: value %u is not below r\n", wtns_path, i);
            free(v);
            return CLI_FAILURE;
        }
    }
    /* circom's wire 0 is the constant 1; anything else is no witness of any circuit. */
    if (!fr_is_one(&v[0])) {
        fprintf(stderr, "error: %s: value 0 must be 1 (the constant wire)\n", wtns_path);
        free(v);
        return CLI_FAILURE;
    }
    *w = v;
    return CLI_OK;
}

/* Proves with a loaded key and writes proof.json and public.json. Prints why and returns
 * CLI_FAILURE on failure (an unsatisfied witness included). t0: when the work began. */
static int g16_prove_write(const groth16_pk *pk, const fr *w, const char *what,
                           const char *zkey_path, const char *proof_path, const char *public_path,
                           unsigned threads, double t0)
{
    zk_errbuf err = {{0}, 0};
    uint8_t(*pub)[32] = NULL;
    g16_rng rng;
    g16_rng_init(&rng);
    zk_buf b, b_pub;
    buf_init(&b, 0);
    buf_init(&b_pub, 0);
    int rc = CLI_FAILURE;
    double t_read = g16_now();
    groth16_proof proof;
    int zrc = groth16_prove(&proof, pk, NULL, w, pk->n_vars, threads_count(threads), g16_rng_next,
                            &rng, &err);
    double t_prove = g16_now();
    if (zrc == ZK_ERR_REJECTED) {
        fprintf(stderr, "error: %s does not satisfy the circuit of %s: %s\n", what, zkey_path,
                err.msg);
        goto out;
    }
    if (zrc != ZK_OK) {
        fprintf(stderr, "error: prove: %s\n", err.msg);
        goto out;
    }
    if (rng.failed) {
        fprintf(stderr, "error: the system random generator failed; no proof written\n");
        goto out;
    }
    /* Both files are formatted before either is written: a formatting failure writes neither. */
    groth16_json_proof jp;
    groth16_proof_to_json(&jp, &proof);
    pub = malloc((size_t)(pk->n_public ? pk->n_public : 1) * 32);
    if (!pub) {
        fprintf(stderr, "error: out of memory\n");
        goto out;
    }
    groth16_public_from_witness(pub, w, pk->n_public);
    if (groth16_json_proof_write(&b, &jp) != ZK_OK ||
        groth16_json_public_write(&b_pub, (const uint8_t *)pub, pk->n_public) != ZK_OK) {
        fprintf(stderr, "error: out of memory formatting %s and %s\n", proof_path, public_path);
        goto out;
    }
    if ((rc = g16_write_buf(proof_path, &b)) || (rc = g16_write_buf(public_path, &b_pub))) goto out;
    if (isatty(STDERR_FILENO))
        fprintf(stderr,
                "zkrelay prove: read %.3f s, prove %.3f s (%u threads, %u wires, domain %u)\n",
                t_read - t0, t_prove - t_read, threads_count(threads), pk->n_vars, pk->domain_size);
out:
    free(pub);
    g16_rng_clear(&rng);
    buf_clear(&b);
    buf_clear(&b_pub);
    return rc;
}

int cli_groth16_prove_witness(const char *zkey_path, const fr *w, size_t n_w,
                              const char *proof_path, const char *public_path, unsigned threads)
{
    double t0 = g16_now();
    groth16_pk pk;
    groth16_pk_init(&pk);
    int rc = cli_zkey_load_pk(&pk, NULL, zkey_path);
    if (rc == CLI_OK && pk.insecure_label)
        fprintf(stderr, "WARNING: %s: %s\n", zkey_path, pk.insecure_label);
    if (rc == CLI_OK && n_w != pk.n_vars) {
        fprintf(stderr,
                "error: the circuit has %zu wires but %s has nVars = %u: the key is for another "
                "circuit or other parameters\n",
                n_w, zkey_path, pk.n_vars);
        rc = CLI_FAILURE;
    }
    if (rc == CLI_OK)
        rc =
            g16_prove_write(&pk, w, "the witness", zkey_path, proof_path, public_path, threads, t0);
    groth16_pk_clear(&pk);
    return rc;
}

static int g16_prove(const char *zkey_path, const char *wtns_path, const char *proof_path,
                     const char *public_path, unsigned threads)
{
    zk_errbuf err = {{0}, 0};
    groth16_pk pk;
    groth16_pk_init(&pk);
    uint8_t *wdata = NULL;
    size_t wlen = 0;
    fr *w = NULL;
    wtns_file wt;
    double t0 = g16_now();
    int rc = cli_zkey_load_pk(&pk, NULL, zkey_path);
    if (rc) goto out;
    rc = CLI_FAILURE;
    if (pk.insecure_label) fprintf(stderr, "WARNING: %s: %s\n", zkey_path, pk.insecure_label);
    if (binfile_read_file(&wdata, &wlen, wtns_path, G16_MAX_WTNS, &err) != ZK_OK) {
        fprintf(stderr, "error: %s\n", err.msg);
        goto out;
    }
    if (wtns_file_parse(&wt, wdata, wlen, &err) != ZK_OK) {
        fprintf(stderr, "error: %s: not a valid .wtns: %s\n", wtns_path, err.msg);
        goto out;
    }
    if ((rc = g16_witness_for_key(&w, &wt, &pk, wtns_path, zkey_path))) goto out;
    free(wdata);
    wdata = NULL;
    rc = g16_prove_write(&pk, w, wtns_path, zkey_path, proof_path, public_path, threads, t0);
out:
    free(wdata);
    free(w);
    groth16_pk_clear(&pk);
    return rc;
}

static int g16_cmd_prove(int argc, char **argv)
{
    static const char prog[] = "zkrelay groth16 prove";
    if (cli_wants_help(argc, argv)) {
        g16_prove_usage(stdout);
        return CLI_OK;
    }
    const char *pos[4] = {NULL, NULL, NULL, NULL}, *threads_text = NULL;
    size_t n_pos = 0;
    unsigned threads = 0;
    const cli_opt opts[] = {{"--threads", NULL, &threads_text}};
    int rc = cli_parse_argv(pos, &n_pos, 4, 4, prog, opts, 1, g16_prove_usage, argc, argv);
    if (rc == CLI_OK && threads_text) rc = cli_parse_threads(&threads, threads_text, prog);
    if (rc) return rc;
    return cli_finish(g16_prove(pos[0], pos[1], pos[2], pos[3], threads));
}

/* ---- verify ---------------------------------------------------------------- */

static void g16_verify_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay groth16 verify VERIFICATION_KEY.json PUBLIC.json PROOF.json "
               "[--json]\n"
               "\n"
               "Verifies a Groth16 proof (snarkjs's files and argument order) and prints\n"
               "\"OK\" or \"INVALID proof: <reason>\".\n"
               "\n"
               "options:\n"
               "  --json        print one JSON object {\"valid\": bool, \"reason\": ...}\n"
               "  -h, --help    show this help\n"
               "\n"
               "exit status: 0 the proof is valid, 1 a file is unreadable or malformed,\n"
               "             2 usage error, 3 the proof is invalid\n");
}

static int g16_verify(const char *vk_path, const char *public_path, const char *proof_path,
                      bool as_json)
{
    groth16_vk vk;
    groth16_vk_init(&vk);
    groth16_proof proof;
    uint8_t *pub = NULL;
    size_t n_pub = 0;
    int rc = cli_vk_load_json(&vk, vk_path);
    if (rc == CLI_OK) rc = cli_public_load_json(&pub, &n_pub, public_path);
    if (rc == CLI_OK) rc = cli_proof_load_json(&proof, proof_path);
    if (rc) goto out;

    zk_errbuf err = {{0}, 0};
    int zrc = groth16_verify(&vk, (const uint8_t(*)[32])pub, n_pub, &proof, &err);
    char reason[320];
    switch (zrc) {
    case ZK_OK:
        reason[0] = '\0';
        break;
    case ZK_ERR_REJECTED:
        /* snarkjs says "Invalid proof"; the reason is the one check that failed. */
        snprintf(reason, sizeof(reason), "the pairing check failed");
        break;
    case ZK_ERR_MISMATCH:
        snprintf(reason, sizeof(reason), "%s holds %zu public signals, %s expects %u", public_path,
                 n_pub, vk_path, vk.n_public);
        break;
    default:
        snprintf(reason, sizeof(reason), "%s", err.msg);
        break;
    }
    rc = zrc == ZK_OK ? CLI_OK : CLI_REJECTED;
    if (as_json) {
        json_t *o = zrc == ZK_OK ? json_pack("{s:b}", "valid", 1)
                                 : json_pack("{s:b,s:s}", "valid", 0, "reason", reason);
        if (cli_print_json(o) != CLI_OK) rc = CLI_FAILURE;
    } else if (zrc == ZK_OK) {
        printf("OK\n");
    } else {
        printf("INVALID proof: %s\n", reason);
    }
out:
    free(pub);
    groth16_vk_clear(&vk);
    return rc;
}

static int g16_cmd_verify(int argc, char **argv)
{
    static const char prog[] = "zkrelay groth16 verify";
    if (cli_wants_help(argc, argv)) {
        g16_verify_usage(stdout);
        return CLI_OK;
    }
    const char *pos[3] = {NULL, NULL, NULL};
    size_t n_pos = 0;
    bool as_json = false;
    const cli_opt opts[] = {{"--json", &as_json, NULL}};
    int rc = cli_parse_argv(pos, &n_pos, 3, 3, prog, opts, 1, g16_verify_usage, argc, argv);
    if (rc) return rc;
    return cli_finish(g16_verify(pos[0], pos[1], pos[2], as_json));
}

/* ---- info ------------------------------------------------------------------ */

static void g16_info_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay groth16 info CIRCUIT.zkey [--json]\n"
               "\n"
               "Reads and checks a Groth16 .zkey and prints its sizes, its curve and whether\n"
               "it carries the INSECURE development-setup label.\n"
               "\n"
               "options:\n"
               "  --json        print one JSON object\n"
               "  -h, --help    show this help\n"
               "\n"
               "exit status: 0 ok, 1 unreadable or invalid key, 2 usage error\n");
}

static int g16_cmd_info(int argc, char **argv)
{
    static const char prog[] = "zkrelay groth16 info";
    if (cli_wants_help(argc, argv)) {
        g16_info_usage(stdout);
        return CLI_OK;
    }
    const char *path = NULL;
    size_t n_pos = 0;
    bool as_json = false;
    const cli_opt opts[] = {{"--json", &as_json, NULL}};
    int rc = cli_parse_argv(&path, &n_pos, 1, 1, prog, opts, 1, g16_info_usage, argc, argv);
    if (rc) return rc;
    groth16_pk pk;
    groth16_pk_init(&pk);
    zkey_file z;
    if ((rc = cli_zkey_load_pk(&pk, &z, path))) {
        groth16_pk_clear(&pk);
        return rc;
    }
    char cs_hash[2 * 64 + 3];
    hex_encode(cs_hash, pk.cs_hash, sizeof(pk.cs_hash), true);
    const bool insecure = pk.insecure_label != NULL;
    /* A development key's section 10 holds one entry: the label, not a contribution. */
    uint32_t n_contrib = z.has_mpc ? z.n_contributions : 0;
    if (insecure && n_contrib > 0) n_contrib--;
    if (as_json) {
        json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:b,s:s}", "protocol", "groth16",
                              "curve", "bn128", "nVars", (json_int_t)pk.n_vars, "nPublic",
                              (json_int_t)pk.n_public, "domainSize", (json_int_t)pk.domain_size,
                              "nCoefs", (json_int_t)pk.n_coefs, "contributions",
                              (json_int_t)n_contrib, "insecure", insecure, "csHash", cs_hash);
        rc = cli_print_json(o);
    } else {
        printf("protocol: groth16\n");
        printf("curve: bn128\n");
        printf("nVars: %u\n", pk.n_vars);
        printf("nPublic: %u\n", pk.n_public);
        printf("domainSize: %u (2^%u)\n", pk.domain_size, pk.log_domain);
        printf("nCoefs: %zu\n", pk.n_coefs);
        printf("contributions: %u\n", n_contrib);
        printf("csHash: %s\n", cs_hash);
        printf("insecure: %s\n", insecure ? "yes" : "no");
        if (insecure) fprintf(stderr, "WARNING: %s: %s\n", path, pk.insecure_label);
    }
    groth16_pk_clear(&pk);
    return cli_finish(rc);
}

/* ---- dispatch -------------------------------------------------------------- */

static const cli_cmd groth16_cmds[] = {
    {"setup", g16_cmd_setup, "make a proving key from a .ptau, or --dev (INSECURE, local)"},
    {"prove", g16_cmd_prove, "prove: CIRCUIT.zkey WITNESS.wtns PROOF.json PUBLIC.json"},
    {"verify", g16_cmd_verify, "verify: VERIFICATION_KEY.json PUBLIC.json PROOF.json"},
    {"info", g16_cmd_info, "print a .zkey's sizes, curve and insecure label"},
    {"export-verifier", cli_groth16_export_verifier,
     "write a Solidity verifier for a verification key or .zkey"},
    {"export-calldata", cli_groth16_export_calldata,
     "print the verifier's calldata for PUBLIC.json PROOF.json"},
};

int cli_groth16(int argc, char **argv)
{
    return cli_dispatch("zkrelay groth16", groth16_cmds,
                        sizeof(groth16_cmds) / sizeof(*groth16_cmds), argc, argv);
}

static void zkey_export_vk_usage(FILE *f)
{
    fprintf(f, "usage: zkrelay zkey export verificationkey CIRCUIT.zkey VERIFICATION_KEY.json\n"
               "\n"
               "Writes the verification key of a Groth16 .zkey exactly as snarkjs's\n"
               "`zkey export verificationkey` does.\n"
               "\n"
               "exit status: 0 ok, 1 unreadable or invalid key or write error, 2 usage error\n");
}

static int zkey_cmd_export_vk(int argc, char **argv)
{
    static const char prog[] = "zkrelay zkey export verificationkey";
    if (cli_wants_help(argc, argv)) {
        zkey_export_vk_usage(stdout);
        return CLI_OK;
    }
    const char *pos[2] = {NULL, NULL};
    size_t n_pos = 0;
    int rc = cli_parse_argv(pos, &n_pos, 2, 2, prog, NULL, 0, zkey_export_vk_usage, argc, argv);
    if (rc) return rc;
    groth16_pk pk;
    groth16_vk vk;
    groth16_pk_init(&pk);
    groth16_vk_init(&vk);
    rc = cli_zkey_load_pk(&pk, NULL, pos[0]);
    if (rc == CLI_OK && groth16_vk_from_pk(&vk, &pk) != ZK_OK) {
        fprintf(stderr, "error: out of memory\n");
        rc = CLI_FAILURE;
    }
    if (rc == CLI_OK) rc = g16_write_vk(pos[1], &vk);
    if (rc == CLI_OK && pk.insecure_label)
        fprintf(stderr, "WARNING: %s: %s\n", pos[0], pk.insecure_label);
    groth16_pk_clear(&pk);
    groth16_vk_clear(&vk);
    return cli_finish(rc);
}

static const cli_cmd zkey_export_cmds[] = {
    {"verificationkey", zkey_cmd_export_vk, "write verification_key.json of a .zkey"},
};

/* `zkrelay zkey export`; the `zkrelay zkey` table itself is in cli_zkey.c. */
int cli_zkey_export(int argc, char **argv)
{
    return cli_dispatch("zkrelay zkey export", zkey_export_cmds,
                        sizeof(zkey_export_cmds) / sizeof(*zkey_export_cmds), argc, argv);
}
