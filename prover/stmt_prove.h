/* Proving a built statement (prover/stmt_finality.h, prover/stmt_inclusion.h) with a
 * Groth16 proving key read from a snarkjs .zkey: the small library step between a
 * statement's builder and a proof, shared by the relayer daemon's workers.
 *
 * The key is loaded once (stmt_key_load) and then only read, so several threads may
 * prove with one key at the same time (groth16_prove takes it const). Before proving,
 * the built system's shape is checked against the key: the same number of wires, of
 * public signals and of constraints. A key made for other circuit parameters (another
 * validator count, receipt size, trie depth) is a clear ZK_ERR_MISMATCH naming both
 * shapes, never a proof that fails later on chain.
 *
 * Pointers are non-NULL unless stated; err may always be NULL. Variable time: the
 * witnesses are public data (headers, seals, receipts). */
#ifndef ZKRELAY_PROVER_STMT_PROVE_H
#define ZKRELAY_PROVER_STMT_PROVE_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"
#include "prover/groth16.h"
#include "prover/r1cs.h"

/* The largest .zkey stmt_key_load reads (a 2^24-domain key is about 3 GiB). */
#define STMT_KEY_MAX_FILE (8ull << 30)

/* A proving key with the shape of the circuit it was made for. */
typedef struct stmt_key {
    groth16_pk pk;
    uint32_t n_constraints; /* the circuit's constraints (the key's A rows minus the
                               nPublic + 1 rows Groth16 adds for the public wires) */
} stmt_key;

/* Out: k empty (owning nothing). */
void stmt_key_init(stmt_key *k) ZK_NONNULL(1);
/* Frees what k owns and empties it. k may be NULL. */
void stmt_key_clear(stmt_key *k);

/* Reads the .zkey at path (zkey_file_parse + groth16_pk_from_zkey).
 * Returns: ZK_OK; ZK_ERR_IO (unreadable); ZK_ERR_RANGE (over STMT_KEY_MAX_FILE);
 *          zkey_file_parse's and groth16_pk_from_zkey's codes for a bad file or key;
 *          ZK_ERR_MALFORMED when the coefficient list does not have the public rows;
 *          ZK_ERR_NOMEM. err starts with path.
 * Out: k (stmt_key_clear it, also after a failure). A development key keeps
 *      k->pk.insecure_label set: the caller should say so. */
int stmt_key_load(stmt_key *k, const char *path, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Checks that cs (built, finalized or not) has the key's shape.
 * Returns: ZK_OK; ZK_ERR_MISMATCH naming the first count that differs. */
int stmt_key_check_shape(const stmt_key *k, const r1cs *cs, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Proves the statement built into cs: checks its shape against k, finalizes it (circom's
 * wire order, which the key uses), proves with threads MSM threads and fresh randomness
 * from OpenSSL's CSPRNG, and returns the proof with its public signals. groth16_prove
 * verifies the proof before it returns it, so no invalid proof leaves this function.
 * Returns: ZK_OK; stmt_key_check_shape's ZK_ERR_MISMATCH; ZK_ERR_REJECTED (the witness
 *          does not satisfy cs: err names the first failing constraint);
 *          ZK_ERR_RANGE (n_pub is not the key's public count); ZK_ERR_INTERNAL (the
 *          random generator failed); ZK_ERR_NOMEM.
 * Out: proof; pub[0..n_pub) the public signals as 32-byte big-endian integers (public.json
 *      order).
 * In/Out: cs (finalized by the call; the caller still clears it).
 * In: k (only read: shareable between threads), threads (0 = 1). */
int stmt_prove(groth16_proof *proof, uint8_t (*pub)[32], size_t n_pub, r1cs *cs, const stmt_key *k,
               unsigned threads, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 4, 5);

#endif
