/* Proving a built statement with a .zkey (stmt_prove.h). */
#include "prover/stmt_prove.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "prover/binfile.h"
#include "prover/zkey_file.h"

void stmt_key_init(stmt_key *k)
{
    memset(k, 0, sizeof(*k));
    groth16_pk_init(&k->pk);
}

void stmt_key_clear(stmt_key *k)
{
    if (!k) return;
    groth16_pk_clear(&k->pk);
    memset(k, 0, sizeof(*k));
}

int stmt_key_load(stmt_key *k, const char *path, zk_errbuf *err)
{
    stmt_key_init(k);
    uint8_t *data = NULL;
    size_t len = 0;
    zkey_file z;
    memset(&z, 0, sizeof(z));
    zk_errbuf e = {{0}, 0};
    int rc = binfile_read_file(&data, &len, path, STMT_KEY_MAX_FILE, &e);
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "%s: %s", path, e.msg);
        goto out;
    }
    rc = zkey_file_parse(&z, data, len, &e);
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "%s: not a valid Groth16 .zkey: %s", path, e.msg);
        goto out;
    }
    rc = groth16_pk_from_zkey(&k->pk, &z, &e);
    if (rc != ZK_OK) {
        ZK_FAIL(err, rc, "%s: invalid proving key: %s", path, e.msg);
        goto out;
    }
    /* snarkjs's coefficient list ends with the rows A[nConstraints + s][s] = 1 for
     * s = 0..nPublic (groth16.h), so its highest row is nConstraints + nPublic. */
    uint32_t max_row = 0;
    for (size_t i = 0; i < k->pk.n_coefs; i++)
        if (k->pk.coefs[i].constraint > max_row) max_row = k->pk.coefs[i].constraint;
    if (k->pk.n_coefs == 0 || max_row < k->pk.n_public) {
        rc = ZK_FAIL(err, ZK_ERR_MALFORMED, "%s: the coefficient list lacks the public rows", path);
        goto out;
    }
    k->n_constraints = max_row - k->pk.n_public;
out:
    zkey_file_clear(&z);
    free(data);
    return rc;
}

int stmt_key_check_shape(const stmt_key *k, const r1cs *cs, zk_errbuf *err)
{
    if (cs->n_vars != k->pk.n_vars || r1cs_n_public(cs) != k->pk.n_public ||
        cs->n_cons != k->n_constraints)
        return ZK_FAIL(err, ZK_ERR_MISMATCH,
                       "the circuit (%" PRIu32 " wires, %" PRIu32 " public, %zu constraints) is "
                       "not the proving key's (%" PRIu32 " wires, %" PRIu32 " public, %" PRIu32
                       " constraints): the key was made for other circuit parameters",
                       cs->n_vars, r1cs_n_public(cs), cs->n_cons, k->pk.n_vars, k->pk.n_public,
                       k->n_constraints);
    return ZK_OK;
}

/* r and s of a proof hide the witness: they come from OpenSSL's CSPRNG, 256 bytes at a
 * time, each word handed out once and wiped. */
typedef struct prove_rng {
    uint8_t block[256];
    size_t pos;
    bool failed;
} prove_rng;

static uint64_t prove_rng_next(void *ctx)
{
    prove_rng *r = ctx;
    if (r->pos + 8 > sizeof(r->block)) {
        if (RAND_bytes(r->block, (int)sizeof(r->block)) != 1) {
            r->failed = true;
            return 0;
        }
        r->pos = 0;
    }
    uint64_t v = le64_load(r->block + r->pos);
    zk_wipe(r->block + r->pos, 8);
    r->pos += 8;
    return v;
}

int stmt_prove(groth16_proof *proof, uint8_t (*pub)[32], size_t n_pub, r1cs *cs, const stmt_key *k,
               unsigned threads, zk_errbuf *err)
{
    int rc = stmt_key_check_shape(k, cs, err);
    if (rc != ZK_OK) return rc;
    if (n_pub != k->pk.n_public)
        return ZK_FAIL(err, ZK_ERR_RANGE, "%zu public signals asked, the key has %" PRIu32, n_pub,
                       k->pk.n_public);
    if ((rc = r1cs_finalize(cs)) != ZK_OK) return ZK_FAIL(err, rc, "finalize: out of memory");
    prove_rng rng;
    memset(&rng, 0, sizeof(rng));
    rng.pos = sizeof(rng.block);
    rc = groth16_prove(proof, &k->pk, cs, cs->values, cs->n_vars, threads ? threads : 1,
                       prove_rng_next, &rng, err);
    bool failed = rng.failed;
    zk_wipe(&rng, sizeof(rng));
    if (rc != ZK_OK) return rc;
    if (failed) return ZK_FAIL(err, ZK_ERR_INTERNAL, "the system random generator failed");
    groth16_public_from_witness(pub, cs->values, k->pk.n_public);
    return ZK_OK;
}
