/* zkrelay groth16 export-verifier and export-calldata: the Solidity side of a Groth16
 * key, with snarkjs's argument order so that scripts written for snarkjs keep working:
 *   snarkjs zkey export solidityverifier circuit.zkey verifier.sol
 *     -> zkrelay groth16 export-verifier verification_key.json|circuit.zkey verifier.sol
 *   snarkjs zkey export soliditycalldata public.json proof.json
 *     -> zkrelay groth16 export-calldata public.json proof.json
 * The contract and the calldata layout are described in prover/solidity_verifier.h.
 *
 * Exit codes per cli.h: 0 ok, 1 a file that cannot be read, does not parse or holds an
 * invalid key, 2 usage. Results go to stdout (or the named file); diagnostics to stderr. */
#include "relayer/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lightclient/hex.h"
#include "prover/binfile.h"
#include "prover/prover.h"
#include "prover/solidity_verifier.h"

/* The keys, proofs and public signals are read by cli_groth16.c's loaders, with its caps. */
/* Generous for the largest verifier (SOLIDITY_VERIFIER_MAX_PUBLIC inputs: about 40 KiB). */
#define G16X_MAX_SOURCE (1u << 20)

/* True when the file starts with the .zkey magic "zkey"; false for anything else,
 * including a file too short to tell (the JSON parser then says what is wrong). */
static bool g16x_is_zkey(const char *path)
{
    char magic[4];
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    bool yes = fread(magic, 1, 4, f) == 4 && memcmp(magic, "zkey", 4) == 0;
    fclose(f);
    return yes;
}

/* Reads a verification key from verification_key.json, or from a .zkey (its vk part, after
 * the full checks of groth16_pk_from_zkey). Prints why and returns CLI_FAILURE on failure.
 * Out: vk (groth16_vk_clear it in every case). */
static int g16x_load_key(groth16_vk *vk, const char *path)
{
    if (!g16x_is_zkey(path)) return cli_vk_load_json(vk, path);
    groth16_pk pk;
    groth16_pk_init(&pk);
    int rc = cli_zkey_load_pk(&pk, NULL, path);
    if (rc == CLI_OK && groth16_vk_from_pk(vk, &pk) != ZK_OK) {
        fprintf(stderr, "error: out of memory\n");
        rc = CLI_FAILURE;
    }
    groth16_pk_clear(&pk);
    return rc;
}

/* Writes b to path, or to stdout when path is "-". Prints why and returns CLI_FAILURE on
 * failure. */
static int g16x_write(const char *path, const zk_buf *b)
{
    zk_errbuf err = {{0}, 0};
    if (strcmp(path, "-") == 0) {
        if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
            fprintf(stderr, "error: cannot write to stdout: %s\n", strerror(errno));
            return CLI_FAILURE;
        }
        return CLI_OK;
    }
    if (binfile_write_file(path, b->data, b->len, &err) != ZK_OK) {
        fprintf(stderr, "error: cannot write %s\n", err.msg);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

/* ---- export-verifier --------------------------------------------------------- */

static void g16x_verifier_usage(FILE *f)
{
    fprintf(
        f, "usage: zkrelay groth16 export-verifier [--name NAME] KEY [VERIFIER.sol]\n"
           "\n"
           "Writes a Solidity Groth16 verifier for a verification key, with the interface of\n"
           "snarkjs's `zkey export solidityverifier`:\n"
           "  function verifyProof(uint[2] _pA, uint[2][2] _pB, uint[2] _pC, uint[N] _pubSignals)\n"
           "      public view returns (bool)\n"
           "KEY is verification_key.json or a Groth16 .zkey (checked in full first).\n"
           "VERIFIER.sol defaults to verifier.sol, as in snarkjs; - writes to stdout.\n"
           "Compile it with solc 0.8 (node tools/solc-compile.js VERIFIER.sol OUT.json).\n"
           "\n"
           "options:\n"
           "  --name NAME   contract name (default " SOLIDITY_VERIFIER_DEFAULT_NAME ")\n"
           "  -h, --help    show this help\n"
           "\n"
           "exit status: 0 written, 1 unreadable or invalid key or unwritable output,\n"
           "             2 usage error\n");
}

int cli_groth16_export_verifier(int argc, char **argv)
{
    static const char prog[] = "zkrelay groth16 export-verifier";
    if (cli_wants_help(argc, argv)) {
        g16x_verifier_usage(stdout);
        return CLI_OK;
    }
    const char *name = NULL;
    const char *pos[2];
    size_t n_pos = 0;
    const cli_opt opts[] = {{"--name", NULL, &name}};
    int rc = cli_parse_argv(pos, &n_pos, 1, 2, prog, opts, sizeof(opts) / sizeof(*opts),
                            g16x_verifier_usage, argc, argv);
    if (rc != CLI_OK) return rc;
    if (name && !solidity_verifier_is_valid_name(name)) {
        fprintf(stderr,
                "%s: --name '%s' is not a Solidity identifier ([A-Za-z_][A-Za-z0-9_]*, "
                "at most %d characters)\n",
                prog, name, SOLIDITY_VERIFIER_NAME_MAX);
        return CLI_USAGE;
    }
    const char *out_path = n_pos == 2 ? pos[1] : "verifier.sol";

    groth16_vk vk;
    groth16_vk_init(&vk);
    zk_buf src;
    buf_init(&src, G16X_MAX_SOURCE);
    zk_errbuf err = {{0}, 0};
    rc = g16x_load_key(&vk, pos[0]);
    if (rc == CLI_OK) {
        int zrc = solidity_verifier_write(&src, &vk, name, &err);
        if (zrc != ZK_OK) {
            fprintf(stderr, "error: %s: %s\n", pos[0], err.msg);
            rc = CLI_FAILURE;
        }
    }
    if (rc == CLI_OK) rc = g16x_write(out_path, &src);
    buf_clear(&src);
    groth16_vk_clear(&vk);
    return rc;
}

/* ---- export-calldata --------------------------------------------------------- */

static void g16x_calldata_usage(FILE *f)
{
    fprintf(f,
            "usage: zkrelay groth16 export-calldata [--hex] [PUBLIC.json [PROOF.json]]\n"
            "\n"
            "Prints the arguments of verifyProof for a proof, exactly as snarkjs's\n"
            "`zkey export soliditycalldata` prints them:\n"
            "  [\"0x<A.x>\", \"0x<A.y>\"],[[\"0x<B.x.c1>\", \"0x<B.x.c0>\"],[...]],[C],[pub...]\n"
            "(G2 coordinates imaginary part first, the order EIP-197 reads).\n"
            "PUBLIC.json and PROOF.json default to public.json and proof.json, as in snarkjs.\n"
            "The proof is not verified.\n"
            "\n"
            "options:\n"
            "  --hex        print instead the whole ABI-encoded call (selector included) as\n"
            "               0x-hex, ready for eth_call or `cast call <addr> <data>`\n"
            "  -h, --help   show this help\n"
            "\n"
            "exit status: 0 printed, 1 unreadable or malformed file, 2 usage error\n");
}

/* Reads public.json and proof.json. Prints why and returns CLI_FAILURE on failure.
 * Out: *pub (malloc'd *n x 32 bytes; the caller frees it in every case), *n, *proof. */
static int g16x_load_call(uint8_t **pub, size_t *n, groth16_proof *proof, const char *pub_path,
                          const char *proof_path)
{
    int rc = cli_public_load_json(pub, n, pub_path);
    if (rc) return rc;
    if (*n > SOLIDITY_VERIFIER_MAX_PUBLIC) {
        fprintf(stderr, "error: %s: %zu public signals; a verifier takes at most %d\n", pub_path,
                *n, SOLIDITY_VERIFIER_MAX_PUBLIC);
        return CLI_FAILURE;
    }
    return cli_proof_load_json(proof, proof_path);
}

int cli_groth16_export_calldata(int argc, char **argv)
{
    static const char prog[] = "zkrelay groth16 export-calldata";
    if (cli_wants_help(argc, argv)) {
        g16x_calldata_usage(stdout);
        return CLI_OK;
    }
    bool as_hex = false;
    const char *pos[2];
    size_t n_pos = 0;
    const cli_opt opts[] = {{"--hex", &as_hex, NULL}};
    int rc = cli_parse_argv(pos, &n_pos, 0, 2, prog, opts, sizeof(opts) / sizeof(*opts),
                            g16x_calldata_usage, argc, argv);
    if (rc != CLI_OK) return rc;
    const char *pub_path = n_pos >= 1 ? pos[0] : "public.json";
    const char *proof_path = n_pos >= 2 ? pos[1] : "proof.json";

    uint8_t *pub = NULL;
    size_t n = 0;
    groth16_proof proof;
    zk_buf text;
    buf_init(&text, 0);
    uint8_t *data = NULL;
    char *hex = NULL;
    rc = g16x_load_call(&pub, &n, &proof, pub_path, proof_path);
    if (rc == CLI_OK) {
        int zrc;
        if (as_hex) {
            size_t len = solidity_verifier_calldata_len(n);
            data = malloc(len);
            hex = malloc(hex_encoded_len(len, true));
            zrc = data && hex
                      ? solidity_verifier_calldata(data, &len, &proof, (const uint8_t(*)[32])pub, n)
                      : ZK_ERR_NOMEM;
            if (zrc == ZK_OK) {
                hex_encode(hex, data, len, true);
                zrc = buf_append(&text, hex, strlen(hex));
            }
        } else {
            zrc = solidity_calldata_text_write(&text, &proof, (const uint8_t(*)[32])pub, n);
        }
        if (zrc == ZK_OK) zrc = buf_append_byte(&text, '\n');
        if (zrc != ZK_OK) {
            fprintf(stderr, "error: %s\n", zk_strerror(zrc));
            rc = CLI_FAILURE;
        }
    }
    if (rc == CLI_OK) rc = g16x_write("-", &text);
    free(hex);
    free(data);
    free(pub);
    buf_clear(&text);
    return rc;
}
