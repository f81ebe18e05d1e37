/* Clique inside the light client (internal to lightclient/, used by lc.c): the
 * snapshot and the finality window, persisted in the store's aux record, and
 * headers stored once final under CLIQUE_FINALITY_RULE.
 *
 * Reorgs inside the pending window (headers verified but not yet final) are
 * followed: the pending headers after the fork point are dropped, the state is
 * replayed from the last final snapshot, and the new branch applied; a branch
 * that does not verify leaves the old one in place. A header conflicting with a
 * final (stored) one is refused.
 *
 * Aux record layout (version LC_CLIQUE_AUX_V1, big-endian integers):
 *   u8 ver
 *   base       the snapshot after the last final header:
 *              be64 epoch | be64 period | be64 number | hash[32] | be64 timestamp |
 *              be64 gas_limit | be32 fields | be32 n | n x addr[20] |
 *              be32 r | r x (be64 number | addr[20]) |
 *              be32 v | v x (signer[20] | candidate[20] | u8 authorize | be64 block)
 *   pending    be32 p | p x (record | u8 has_set [| be32 n | n x addr[20]] |
 *              be32 rlp_len | rlp), verified, not yet final, ascending and
 *              contiguous; record = the lc_stored_header fields in order
 *              (be64 number | hash | parent | state | tx | receipts | be64 timestamp |
 *              valset_id | next_valset_id | u8 rule).
 * On load the pending headers are replayed on base (one ecrecover each) to
 * rebuild the head snapshot and the finality window. */
#ifndef ZKRELAY_LIGHTCLIENT_LC_CLIQUE_H
#define ZKRELAY_LIGHTCLIENT_LC_CLIQUE_H

#include <secp256k1.h>

#include "header.h"
#include "lc.h"
#include "lc_store.h"
#include "zk_err.h"

#define LC_CLIQUE_AUX_V1 2

typedef struct lc_clique_state lc_clique_state;

/* Writes the initial aux record for a Clique checkpoint when none exists yet
 * (idempotent: an existing record is kept). */
int lc_clique_init_state(lc_store *s, const secp256k1_context *ctx, const lc_checkpoint *cp,
                         const eth_header *cp_header, zk_errbuf *err) ZK_MUST_CHECK;

/* Loads the state from the aux record. ZK_ERR_MALFORMED when it is missing or damaged. */
int lc_clique_load(lc_clique_state **out, lc_store *s, const secp256k1_context *ctx,
                   zk_errbuf *err) ZK_MUST_CHECK;
void lc_clique_free(lc_clique_state *st); /* NULL ok */

/* Applies hs[0..n) in order (clique_apply), stores the headers that became
 * final, and persists the new state, all in one synced batch. Stops at the
 * first failure after persisting what came before it.
 * Out: *done (may be NULL when n == 1), *last. */
int lc_clique_submit(lc_clique_state *st, lc_store *s, lc_verdict *last, const eth_header *hs,
                     size_t n, size_t *done, zk_errbuf *err) ZK_MUST_CHECK;

#endif
