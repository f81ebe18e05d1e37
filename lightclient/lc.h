/* The light client: the operator's checkpoint and every header verified since,
 * under the source chain's own consensus (QBFT / IBFT 2.0 committed seals, or
 * Clique signatures with a finality window), kept in an lc_store.
 *
 * Nothing an RPC node says is believed until a header carrying it passed
 * lc_submit_header: the relayer reads roots (receipts, state) only from
 * headers this module stored.
 *
 * Trust rules (BFT):
 *   - header N is verified against the set its parent handed over to (the
 *     checkpoint's set, or the list in verified header N-1) with
 *     bft_verify_header: ceil(2n/3) distinct seals of that set;
 *   - a rotation (N lists another set than N-1) is accepted only when the
 *     handover header N-1, already verified under the old set's quorum, carries
 *     the vote that the change executes (Besu's vote tally changes the set at
 *     the block after the deciding vote): the new set must be the old one with
 *     exactly the voted address added or dropped. Validator sets managed by a
 *     contract (QBFT "validator contract" mode) are not supported;
 *   - skipping: a header above head+1 is verified directly against the head's
 *     set and accepted only when it lists that same set (unchanged); otherwise
 *     the handover headers in between must be submitted first;
 *   - a second header at a stored height that carries a valid quorum of the set
 *     that sealed the stored one is equivocation: both encodings are stored as
 *     evidence and the client is frozen until an operator runs lc_unfreeze.
 * Clique has no finality: headers are verified with clique_apply as they come
 * and stored only once final under the window rule (CLIQUE_FINALITY_RULE, see
 * clique.h); the snapshot and the pending window persist in the store's aux
 * record, written in the same batch as the headers.
 *
 * Pointers are non-NULL unless stated; err may always be NULL. Not thread safe. */
#ifndef ZKRELAY_LIGHTCLIENT_LC_H
#define ZKRELAY_LIGHTCLIENT_LC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <secp256k1.h>

#include "header.h"
#include "lc_store.h"
#include "zk_err.h"

/* The checkpoint file an operator writes (never taken from an RPC node):
 *   { "chainId": 1337, "consensus": "qbft" | "ibft2" | "clique",
 *     "number": 0, "hash": "0x..32 bytes..",
 *     "validators": ["0x..20 bytes..", ...],       the set that seals number+1
 *                                                  (Clique: the signers at number)
 *     "clique": { "epoch": 30000, "period": 15 },   Clique only
 *     "header": { eth_getBlockByNumber object }    optional for BFT, required for
 *                                                  Clique; must hash to "hash" }
 * Unknown keys are errors, so a typo cannot silently change the trust anchor. */
typedef struct lc_checkpoint_file {
    lc_checkpoint cp;
    bool has_header;
    eth_header header; /* owned: free with lc_checkpoint_file_clear */
} lc_checkpoint_file;

/* Parses and checks a checkpoint object: fields, a valid validator set, and
 * when "header" is given that it hashes to "hash" (BFT block hash or Clique
 * keccak of the RLP), has the number, and (Clique) lists exactly the signers.
 * Returns: ZK_OK; ZK_ERR_MALFORMED / ZK_ERR_RANGE for a bad field (named in err);
 *          ZK_ERR_MISMATCH when the header disagrees with the other fields.
 * Out: *out; call lc_checkpoint_file_clear on it after ZK_OK. */
int lc_checkpoint_from_json(lc_checkpoint_file *out, const json_t *obj,
                            zk_errbuf *err) ZK_MUST_CHECK;
void lc_checkpoint_file_clear(lc_checkpoint_file *f);

/* Creates the store in db_dir (or opens an existing one holding the same
 * checkpoint: idempotent) and writes the consensus state for the checkpoint.
 * Returns: ZK_OK; ZK_ERR_MISMATCH when db_dir holds another checkpoint; the
 *          codes of lc_store_open / lc_store_init. */
int lc_init(const secp256k1_context *ctx, const char *db_dir, const lc_checkpoint_file *cpf,
            zk_errbuf *err) ZK_MUST_CHECK;

typedef struct lc_client lc_client;

/* Opens an initialised store. The client borrows ctx (kept until lc_close).
 * Returns: ZK_OK; ZK_ERR_NOTFOUND when db_dir holds no initialised store; the
 *          codes of lc_store_open; ZK_ERR_MALFORMED for a damaged consensus state.
 * Out: *out, freed with lc_close. */
int lc_open(lc_client **out, const secp256k1_context *ctx, const char *db_dir,
            zk_errbuf *err) ZK_MUST_CHECK;
void lc_close(lc_client *lc); /* NULL ok */

/* The store underneath (borrowed), for read-only queries. */
lc_store *lc_client_store(lc_client *lc);
lc_consensus lc_client_consensus(const lc_client *lc);

typedef enum lc_outcome {
    LC_ACCEPTED = 1, /* verified and stored (final) */
    LC_KNOWN,        /* the same header is already stored: nothing to do */
    LC_PENDING,      /* Clique: verified, stored once final under the window rule */
} lc_outcome;

/* What lc_submit_header did with a header. */
typedef struct lc_verdict {
    lc_outcome outcome;
    lc_rule rule; /* the rule that made it trusted (LC_ACCEPTED / LC_KNOWN) */
    uint64_t number;
    uint8_t hash[32];
    size_t n_signers, quorum, set_size; /* BFT: seals counted and needed, of set_size */
    bool rotated;                       /* BFT: it hands over to a new set */
    bool skipped;                       /* accepted above head+1 */
    bool has_final;                     /* Clique: the finality frontier after it */
    uint64_t final_number;
} lc_verdict;

/* Verifies h under the rules above and stores it when final.
 * Returns: ZK_OK (see v->outcome);
 *          ZK_ERR_REJECTED with the rule named in err (bad seal, quorum, unknown
 *            parent, unauthorised rotation, set changed across a skip, frozen, ...);
 *          ZK_ERR_MALFORMED for an undecodable extraData;
 *          ZK_ERR_MISMATCH when h is equivocation: it was recorded as evidence
 *            and the client is now frozen (err says so);
 *          ZK_ERR_IO / ZK_ERR_MALFORMED from the store.
 * Out: *v (meaningful on ZK_OK). In: h (not kept). */
int lc_submit_header(lc_client *lc, lc_verdict *v, const eth_header *h,
                     zk_errbuf *err) ZK_MUST_CHECK;

/* Submits hs[0..n) in order, storing all that become final in one synced batch
 * (much faster than one call per header). Stops at the first failure, after
 * storing what came before it.
 * Out: *done, how many were accepted; *last, the verdict of the last accepted.
 * Returns: as lc_submit_header for the failing header. */
int lc_submit_headers(lc_client *lc, lc_verdict *last, size_t *done, const eth_header *hs, size_t n,
                      zk_errbuf *err) ZK_MUST_CHECK;

/* The hash a node reports for h under this client's consensus (BFT: the block
 * hash without seals and round; Clique: keccak of the full RLP). */
int lc_header_hash(const lc_client *lc, uint8_t out[32], const eth_header *h,
                   zk_errbuf *err) ZK_MUST_CHECK;

/* Operator action after equivocation: clears the frozen flag (the evidence
 * stays). Returns the codes of lc_store_unfreeze. */
int lc_unfreeze(lc_client *lc, zk_errbuf *err) ZK_MUST_CHECK;

#endif
