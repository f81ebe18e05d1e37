/* Command-line front end: `zkrelay <command> <subcommand> [options] [args]`.
 * Each level has a dispatch table (name, handler, one-line help) that also
 * answers --help/-h on stdout with exit 0.
 *
 * Exit codes (every handler returns one): */
#ifndef ZKRELAY_RELAYER_CLI_H
#define ZKRELAY_RELAYER_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "prover/fr.h"

enum {
    CLI_OK = 0,       /* success */
    CLI_FAILURE = 1,  /* runtime failure (I/O, RPC, malformed input) */
    CLI_USAGE = 2,    /* bad command line */
    CLI_REJECTED = 3, /* the input was read but failed verification (hash mismatch, bad proof) */
};

/* A handler gets argv starting at its own name (argv[0] == "header"). */
typedef int (*cli_handler)(int argc, char **argv);

typedef struct cli_cmd {
    const char *name;
    cli_handler fn;
    const char *summary;
} cli_cmd;

/* Runs the handler named by argv[1] from table, or prints the table's help.
 * prefix names the level for messages ("zkrelay inspect"). */
int cli_dispatch(const char *prefix, const cli_cmd *table, size_t n, int argc, char **argv);

/* True when argv[1..] holds -h or --help. */
bool cli_wants_help(int argc, char **argv);

/* Reads a whole file, or stdin when path is "-", into a NUL-terminated malloc'd
 * buffer of at most max bytes. Returns 0, or prints the reason to stderr and
 * returns CLI_FAILURE. */
int cli_read_input(char **out, size_t *out_len, const char *path, size_t max);

/* One option of a command: a flag (value == NULL) sets *flag; an option with a
 * value stores the next argument in *value (borrowed from argv). */
typedef struct cli_opt {
    const char *name; /* "--json" */
    bool *flag;
    const char **value;
} cli_opt;

/* Parses argv[1..] against opts and takes between min_pos and max_pos positional
 * arguments into pos[0..*n_pos) (a lone "-" is positional: stdin). On a usage
 * error prints the reason and usage to stderr and returns CLI_USAGE; otherwise
 * CLI_OK. Callers handle --help first. */
int cli_parse_argv(const char **pos, size_t *n_pos, size_t min_pos, size_t max_pos,
                   const char *prog, const cli_opt *opts, size_t n_opts, void (*usage)(FILE *),
                   int argc, char **argv);

/* Parses argv[1..] against opts and takes exactly one positional argument into
 * *input ("-" allowed: stdin). On a usage error prints the reason and usage to
 * stderr and returns CLI_USAGE; otherwise CLI_OK. Callers handle --help first. */
int cli_parse_args(const char **input, const char *prog, const cli_opt *opts, size_t n_opts,
                   void (*usage)(FILE *), int argc, char **argv);

/* Ends a command: flushes stdout, turning a write error into a failure.
 * Returns rc, or CLI_FAILURE (after printing why) when rc is CLI_OK and stdout cannot be
 * flushed. */
int cli_finish(int rc);

/* Prints obj as one compact, key-sorted JSON line on stdout and releases it.
 * Returns CLI_OK; CLI_FAILURE after printing why when obj is NULL (an allocation failed
 * while building it) or cannot be written.
 * In: obj (stolen: decref'd in every case; NULL allowed). */
int cli_print_json(json_t *obj);

/* Parses text as a decimal number lo..hi: digits only (no sign, no space), at most 9.
 * Returns CLI_OK; CLI_USAGE after printing "<prog>: <what> wants a number from lo to hi".
 * Out: *out (written only on CLI_OK). */
int cli_parse_uint(unsigned *out, const char *text, unsigned lo, unsigned hi, const char *prog,
                   const char *what);

/* Parses a --threads value: 0 (one thread per core) .. THREADS_MAX, as cli_parse_uint.
 * Returns CLI_OK; CLI_USAGE after printing why. Out: *out (written only on CLI_OK). */
int cli_parse_threads(unsigned *out, const char *text, const char *prog);

struct eth_header;
struct zkey_file;
struct groth16_pk;
struct groth16_vk;
struct groth16_proof;

/* Decodes one block header from text[0..len) (whitespace around it ignored):
 * an eth_getBlockByNumber result object, a whole JSON-RPC response holding
 * one, or the header RLP in hex (0x optional). Duplicate JSON keys are refused.
 * Returns CLI_OK, or CLI_FAILURE after printing why to stderr.
 * Out: *h (header_clear it after CLI_OK; nothing to free otherwise);
 *      *has_claim, claim[32]: whether the JSON named a "hash", and which. */
int cli_header_decode(struct eth_header *h, bool *has_claim, uint8_t claim[32], char *text,
                      size_t len);

/* Unwraps a parsed JSON-RPC response: returns its "result" (borrowed), or root
 * itself when root is not a response object. Returns NULL after printing why
 * when the response is an error or its result is null. */
const json_t *cli_rpc_result(const json_t *root);

/* The top-level entry point (main calls it). */
int cli_main(int argc, char **argv);

/* Commands, one file each. */
int cli_inspect(int argc, char **argv);          /* cli_inspect.c */
int cli_inspect_header(int argc, char **argv);   /* cli_inspect_header.c */
int cli_inspect_receipts(int argc, char **argv); /* cli_inspect_receipts.c */
int cli_lc(int argc, char **argv);               /* cli_lc.c: the light client */
int cli_groth16(int argc, char **argv);          /* cli_groth16.c: setup, prove, verify, info */
int cli_zkey(int argc, char **argv);             /* cli_zkey.c: contribute, beacon, verify */
/* `zkrelay deploy` (cli_deploy.c): the bridge contracts from the command line, an operator's
 * one-off step before `zkrelay run`: the destination's two Groth16 verifiers (compiled
 * artifacts of `groth16 export-verifier`), ZkLightClient trusting a checkpoint, and the
 * Inbox; or, with `deploy outbox`, the source Outbox. Signed EIP-1559 transactions. */
int cli_deploy(int argc, char **argv);
/* `zkrelay prove finality|inclusion` (cli_circuit.c): proof.json + public.json of a real header
 * or message, from files or over JSON-RPC. */
int cli_prove(int argc, char **argv);
int cli_circuit(int argc, char **argv);     /* cli_circuit.c: the statements as circuits */
int cli_zkey_export(int argc, char **argv); /* cli_groth16.c: export verificationkey */
/* `zkrelay groth16 export-verifier` and `export-calldata` (cli_groth16_export.c): a
 * Solidity verifier for a key, and the calldata of a proof for it. */
int cli_groth16_export_verifier(int argc, char **argv);
/* Proves witness w[0..n_w) (wire order) with the .zkey at zkey_path and writes snarkjs's
 * proof.json and public.json (cli_groth16.c; `zkrelay prove` uses it). Prints why on stderr.
 * Returns CLI_OK; CLI_FAILURE (unreadable key, a witness for another circuit, an unsatisfied
 * witness, a write error). threads: MSM threads, 0 = one per core. */
int cli_groth16_prove_witness(const char *zkey_path, const fr *w, size_t n_w,
                              const char *proof_path, const char *public_path, unsigned threads);
int cli_groth16_export_calldata(int argc, char **argv);
/* Shared by the commands that read Groth16 files (cli_groth16.c owns them). Each reads the
 * file with the size cap of its kind, and on failure prints why on stderr, naming path. */
/* Reads and parses a snarkjs .zkey. Returns CLI_OK or CLI_FAILURE.
 * Out: *data (malloc'd file bytes; free it in every case: z borrows it), z (zkey_file_clear
 * it in every case). */
int cli_zkey_read(uint8_t **data, struct zkey_file *z, const char *path);
/* Reads a .zkey and converts it to a checked proving key. Returns CLI_OK or CLI_FAILURE.
 * Out: pk (groth16_pk_clear it in every case); z_info, when non-NULL and on CLI_OK, the
 * header counts of the parsed file (its pointers are NULL: the file buffer is freed). */
int cli_zkey_load_pk(struct groth16_pk *pk, struct zkey_file *z_info, const char *path);
/* Reads and checks a snarkjs verification_key.json. Returns CLI_OK or CLI_FAILURE.
 * Out: vk (groth16_vk_clear it in every case). */
int cli_vk_load_json(struct groth16_vk *vk, const char *path);
/* Reads a snarkjs public.json. Returns CLI_OK or CLI_FAILURE.
 * Out: *pub (malloc'd *n x 32 bytes big-endian; the caller frees it), *n. */
int cli_public_load_json(uint8_t **pub, size_t *n, const char *path);
/* Reads a snarkjs proof.json (its points are validated by groth16_verify, not here).
 * Returns CLI_OK or CLI_FAILURE. Out: *proof. */
int cli_proof_load_json(struct groth16_proof *proof, const char *path);
int cli_run(int argc, char **argv);    /* cli_run.c: the relayer daemon */
int cli_status(int argc, char **argv); /* cli_run.c: the queue from the daemon's database */
int cli_verify(int argc, char **argv); /* cli_verify.c: re-verify one proof bundle offline */
int cli_replay(int argc, char **argv); /* cli_verify.c: re-verify every delivery (auditors) */

#endif
