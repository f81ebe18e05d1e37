/* The light client's trusted state, kept in LevelDB: the operator's
 * checkpoint, every verified header, the validator sets they hand over to, and
 * equivocation evidence with the frozen flag it raises.
 *
 * Every update that touches more than one key is one leveldb_writebatch
 * written with sync=true, so after a crash (even a power cut, given an honest
 * fsync) the store holds either all of an update or none of it: the head always
 * names a stored header, every stored header's next set is stored, and the aux
 * record is the one written with the batch that last moved the head (or later).
 *
 * Not thread safe: a store is used by one thread at a time (the daemon is a
 * single-threaded loop). An exclusive lock on the directory keeps a second
 * process, or a second handle in the same process, out.
 *
 * Key schema (schema version LC_STORE_SCHEMA_VERSION). One prefix byte names
 * the table; numbers are big-endian so keys sort by height.
 *
 *   "m"                 -> meta        (written by lc_store_init)
 *   "c"                 -> checkpoint
 *   "H"                 -> head
 *   "h" || be64(number) -> header record
 *   "v" || id[32]       -> validator set, id = valset_id(set)
 *   "e" || be64(number) -> equivocation evidence
 *   "f"                 -> frozen flag (absent: not frozen)
 *   "r" || be64(number) -> the raw RLP of the header at number (absent: none was kept)
 *   "a"                 -> aux record (absent: never written)
 *
 * Values. Every value starts with a layout version byte (LC_STORE_RECORD_V1)
 * and has an exact length; integers are big-endian, hashes raw 32 bytes:
 *
 *   meta        u8 ver | be32 schema_version | be64 chain_id                        (13 bytes)
 *   checkpoint  u8 ver | be64 chain_id | u8 consensus | be64 number | hash[32] |
 *               valset_id[32] | be64 clique_epoch | be64 clique_period             (98 bytes)
 *   head        u8 ver | be64 number | hash[32]                                      (41 bytes)
 *   header      u8 ver | be64 number | hash | parent_hash | state_root |
 *               transactions_root | receipts_root | be64 timestamp | valset_id |
 *               next_valset_id | u8 rule                                            (242 bytes)
 *   valset      u8 ver | be32 n | n x address[20], sorted ascending, distinct,
 *               1 <= n <= VALSET_MAX, and valset_id of it equal to the key's id
 *   evidence    u8 ver | be32 len_a | rlp_a | be32 len_b | rlp_b,
 *               1 <= len <= LC_STORE_EVIDENCE_MAX
 *   frozen      u8 ver | be64 number (the first equivocating height)                 (9 bytes)
 *   header rlp  u8 ver | be64 number | be32 len | rlp[len],
 *               1 <= len <= LC_STORE_EVIDENCE_MAX, number equal to the key's   (13 + len bytes)
 *   aux         u8 ver | be32 len | aux[len], 0 <= len <= LC_STORE_AUX_MAX        (5 + len bytes)
 *
 * Schema version 2 added "r" and "a". The aux record is the consensus layer's
 * state for the head (Clique's snapshot and finality window) and is written in
 * the same batch as the headers it goes with; a version-1 build would move the
 * head without it, so it is refused at open.
 *
 * A value that breaks its layout (wrong version, wrong length, a record whose
 * number or id disagrees with its key, a head naming a missing header) is
 * ZK_ERR_MALFORMED with the key named in the message. */
#ifndef ZKRELAY_LIGHTCLIENT_LC_STORE_H
#define ZKRELAY_LIGHTCLIENT_LC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "valset.h"
#include "zk_err.h"

/* Bumped whenever a key or value layout changes; a store of another version is
 * refused at open rather than misread. */
#define LC_STORE_SCHEMA_VERSION 2
#define LC_STORE_RECORD_V1      1
/* A header's RLP is a few hundred bytes plus extraData (a 256-validator BFT
 * list with its seals is about 22 KB); 1 MiB bounds what evidence may hold. */
#define LC_STORE_EVIDENCE_MAX (1u << 20)
/* The aux record holds a Clique snapshot (a signer list, its recent signers and
 * pending votes) and a finality window of headers: well under 4 MiB, and LevelDB
 * keeps a whole write batch in memory. */
#define LC_STORE_AUX_MAX (1u << 22)
/* A file in the store's directory that lc_store_open holds an exclusive flock
 * on, next to LevelDB's own LOCK (see lc_store.c for why both). */
#define LC_STORE_LOCK_FILE "zkrelay.lock"

typedef struct lc_store lc_store;

typedef enum lc_consensus { LC_QBFT = 1, LC_IBFT2 = 2, LC_CLIQUE = 3 } lc_consensus;

/* How a stored header was accepted. */
typedef enum lc_rule {
    LC_RULE_BFT_QUORUM = 1,    /* ceil(2n/3) distinct seals of the trusted set */
    LC_RULE_CLIQUE_WINDOW = 2, /* a window of following headers by > n/2 signers */
    LC_RULE_CHECKPOINT = 3,    /* the operator's checkpoint (lc_store_init only) */
} lc_rule;

/* The operator-given trust anchor. validators is the set that seals the header
 * after number (QBFT/IBFT 2.0) or the Clique signer list at number. */
typedef struct lc_checkpoint {
    uint64_t chain_id;
    lc_consensus consensus;
    uint64_t number;
    uint8_t hash[32];
    valset validators;
    uint64_t clique_epoch, clique_period; /* Clique only; epoch > 0 there */
} lc_checkpoint;

typedef struct lc_stored_header {
    uint64_t number;
    uint8_t hash[32], parent_hash[32], state_root[32], transactions_root[32], receipts_root[32];
    uint64_t timestamp;
    uint8_t valset_id[32];      /* the set that sealed it */
    uint8_t next_valset_id[32]; /* the set it hands over to (equal to valset_id when unchanged) */
    uint8_t rule;               /* an lc_rule: how it was accepted */
} lc_stored_header;

/* Opens (or creates) the store in directory dir.
 * Returns: ZK_OK;
 *          ZK_ERR_NOTFOUND when dir holds no database and create_if_missing is false;
 *          ZK_ERR_IO when another process (or another handle in this one) has it open
 *            (the message says "locked"), or on any other I/O failure;
 *          ZK_ERR_MALFORMED when LevelDB reports corruption, or the database is not a
 *            light-client store (keys but no meta record), or the meta record is bad;
 *          ZK_ERR_MISMATCH when the store has another schema version;
 *          ZK_ERR_NOMEM.
 * Out: *out, a handle the caller frees with lc_store_close (NULL on failure).
 * In:  dir, a directory path (NUL-terminated). */
int lc_store_open(lc_store **out, const char *dir, bool create_if_missing,
                  zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Closes the store and frees the handle. s may be NULL. */
void lc_store_close(lc_store *s);

/* Initialises an empty store from the operator's checkpoint: writes the meta
 * record, the checkpoint, its validator set and the checkpoint header (hash and
 * number from cp; parent, roots and timestamp zero; valset_id and
 * next_valset_id both the id of cp->validators; rule LC_RULE_CHECKPOINT) as the
 * head, in one synced batch.
 * Returns: ZK_OK, also when the store already holds exactly this checkpoint;
 *          ZK_ERR_MISMATCH when it holds another checkpoint;
 *          ZK_ERR_USAGE when cp is invalid (unknown consensus, a validator set that is
 *            empty, too large, unsorted or repeats an address, a Clique epoch of 0);
 *          ZK_ERR_MALFORMED (corrupt stored checkpoint), ZK_ERR_IO. */
int lc_store_init(lc_store *s, const lc_checkpoint *cp, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Reads the checkpoint, with its validator set.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND before lc_store_init; ZK_ERR_MALFORMED; ZK_ERR_IO.
 * Out: *out. */
int lc_store_checkpoint(lc_store *s, lc_checkpoint *out, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* The chain id the store was initialised for.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND before lc_store_init; ZK_ERR_MALFORMED; ZK_ERR_IO. */
int lc_store_chain_id(lc_store *s, uint64_t *out, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Checks that an initialised store belongs to chain_id (call after open, with
 * the chain id from config or from the RPC node's eth_chainId).
 * Returns: ZK_OK; ZK_ERR_MISMATCH when the store holds another chain;
 *          ZK_ERR_NOTFOUND before lc_store_init; ZK_ERR_MALFORMED; ZK_ERR_IO. */
int lc_store_expect_chain(lc_store *s, uint64_t chain_id, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Adds a verified header and moves the head to it when it is above the head,
 * storing next_set_or_null too when given, in ONE synced write batch. It is
 * lc_store_put_batch with one put and no RLP: the rules below apply to each put
 * of a batch.
 *
 * Linking: a header at head+1, or one filling a gap below the head, must name
 * the stored header at number-1 as its parent and be sealed by the set that
 * parent hands over to (h->valset_id == parent's next_valset_id); a gap filler
 * must also be the parent of a stored header at number+1. A header above
 * head+1 is accepted only when skip is true (the caller verified it directly
 * against the trusted set); it is then stored without a parent link but must
 * be sealed by the head's next set. Re-putting the stored header is a no-op
 * (it writes nothing: not its set, not its RLP).
 *
 * Returns: ZK_OK;
 *          ZK_ERR_MISMATCH when a header with another hash is stored at h->number:
 *            nothing is written (the caller records equivocation);
 *          ZK_ERR_REJECTED when the header does not link (parent unknown or another
 *            hash, sealed by a set other than its parent's next set, a gap above the
 *            head without skip, at or below the checkpoint), or the store is frozen;
 *          ZK_ERR_USAGE when the caller's data is inconsistent: h->rule is not
 *            LC_RULE_BFT_QUORUM or LC_RULE_CLIQUE_WINDOW, next_set_or_null is not a
 *            valid set or its id is not h->next_valset_id, h->next_valset_id names a
 *            set not stored and not given, or the stored header of the same hash has
 *            other metadata;
 *          ZK_ERR_NOTFOUND before lc_store_init; ZK_ERR_MALFORMED; ZK_ERR_IO.
 * In: h; next_set_or_null, the set h hands over to (NULL when it is already stored,
 *     e.g. unchanged). */
int lc_store_put_header(lc_store *s, const lc_stored_header *h, const valset *next_set_or_null,
                        bool skip, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* One header to add (see lc_store_put_batch). */
typedef struct lc_put {
    const lc_stored_header *h;
    const valset *next_set; /* the set h hands over to, or NULL when already stored / unchanged */
    /* The header's raw RLP as received, kept for auditors, equivocation evidence and
     * the consensus code's look-back (e.g. the parent's vote); NULL with rlp_len 0
     * when not kept. Opaque to the store: it is not checked against h->hash, since a
     * BFT block hash leaves the committed seals out of the RLP it hashes. */
    const uint8_t *rlp;
    size_t rlp_len; /* <= LC_STORE_EVIDENCE_MAX */
} lc_put;

/* Adds puts[0..n) in order, each checked exactly as lc_store_put_header checks
 * one header, against the store as it would be after the earlier puts of the
 * same call (a put may link to, or hand over through a set given by, an earlier
 * one; a repeat of an earlier put is a no-op, a conflicting one a mismatch).
 * skip applies to puts[0] only. When aux is non-NULL the aux record is
 * replaced too. Everything goes into ONE synced write batch, so a crash leaves
 * all of it or none of it, and the aux record always goes with the head it was
 * written with. The head record moves to the highest header added, if above
 * the old head. n == 0 with aux set writes just aux; n == 0 without aux does
 * nothing. A batch that adds nothing (only re-puts, no aux) writes nothing.
 *
 * The batch is built in memory (every header, set, RLP and aux): callers bound n.
 *
 * Returns: ZK_OK;
 *          on any failure nothing at all is written, and the code is the one
 *          lc_store_put_header would give for the failing put:
 *          ZK_ERR_MISMATCH when a header with another hash is stored (or put earlier
 *            in the batch) at its height;
 *          ZK_ERR_REJECTED when a put does not link, or the store is frozen (also
 *            for an aux-only write: a frozen store takes no new state);
 *          ZK_ERR_USAGE for inconsistent caller data as in lc_store_put_header, and
 *            when rlp is NULL but rlp_len is not 0 (or the reverse), rlp_len is above
 *            LC_STORE_EVIDENCE_MAX, aux_len is above LC_STORE_AUX_MAX, or puts is
 *            NULL with n > 0;
 *          ZK_ERR_NOTFOUND before lc_store_init; ZK_ERR_MALFORMED; ZK_ERR_IO;
 *          ZK_ERR_NOMEM.
 * Out: *failed_index (failed_index may be NULL): on failure, the index of the put
 *      that failed, or n when the failure is not tied to a put (aux over the cap,
 *      the write itself, an aux-only write to a frozen store); n on ZK_OK.
 * In:  puts[n] (NULL when n == 0); aux[aux_len] or NULL (keep the aux record):
 *      everything is copied. */
int lc_store_put_batch(lc_store *s, const lc_put *puts, size_t n, bool skip, const uint8_t *aux,
                       size_t aux_len, size_t *failed_index, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Reads the raw RLP kept with the header at number.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND when no header is stored at number or none was
 *          kept with it; ZK_ERR_MALFORMED; ZK_ERR_IO; ZK_ERR_NOMEM.
 * Out: *rlp[*len], malloc'd, the caller frees it (NULL and 0 on failure). */
int lc_store_get_header_rlp(lc_store *s, uint64_t number, uint8_t **rlp, size_t *len,
                            zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 3, 4);

/* Keeps the raw RLP of the checkpoint header, which lc_store_init does not take
 * (a rotation right after the checkpoint needs its vote, auditors its content),
 * under the header RLP key of the checkpoint's number. Synced. Opaque, as in
 * lc_put. Write-once: the same bytes again are a no-op.
 * Returns: ZK_OK; ZK_ERR_MISMATCH when other bytes are already kept;
 *          ZK_ERR_USAGE when len is 0 or above LC_STORE_EVIDENCE_MAX;
 *          ZK_ERR_NOTFOUND before lc_store_init; ZK_ERR_MALFORMED; ZK_ERR_IO; ZK_ERR_NOMEM.
 * In: rlp[len], copied. */
int lc_store_put_checkpoint_rlp(lc_store *s, const uint8_t *rlp, size_t len,
                                zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Reads the checkpoint header's raw RLP: lc_store_get_header_rlp at the
 * checkpoint's number.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND before lc_store_init or when none was kept;
 *          ZK_ERR_MALFORMED; ZK_ERR_IO; ZK_ERR_NOMEM.
 * Out: *rlp[*len], malloc'd, the caller frees it (NULL and 0 on failure). */
int lc_store_get_checkpoint_rlp(lc_store *s, uint8_t **rlp, size_t *len,
                                zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Reads the aux record (see lc_store_put_batch).
 * Returns: ZK_OK; ZK_ERR_NOTFOUND when it was never written; ZK_ERR_MALFORMED;
 *          ZK_ERR_IO; ZK_ERR_NOMEM.
 * Out: *aux[*len], malloc'd (non-NULL even when *len is 0), the caller frees it
 *      (NULL and 0 on failure). */
int lc_store_get_aux(lc_store *s, uint8_t **aux, size_t *len, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* Reads the stored header at number.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND; ZK_ERR_MALFORMED; ZK_ERR_IO. Out: *out. */
int lc_store_get_header(lc_store *s, lc_stored_header *out, uint64_t number,
                        zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Reads the head: the highest verified header.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND before lc_store_init; ZK_ERR_MALFORMED (also when
 *          the head record names a header that is missing or has another hash); ZK_ERR_IO.
 * Out: *out. */
int lc_store_head(lc_store *s, lc_stored_header *out, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Reads the validator set with identifier id.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND; ZK_ERR_MALFORMED; ZK_ERR_IO. Out: *out. */
int lc_store_get_valset(lc_store *s, valset *out, const uint8_t id[32],
                        zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Records equivocation at number: stores both raw header encodings as evidence
 * and sets the frozen flag, in one synced batch. When evidence for number is
 * already stored it is kept; when the store is already frozen the flag keeps
 * the first height.
 * Returns: ZK_OK; ZK_ERR_USAGE when a length is 0 or above LC_STORE_EVIDENCE_MAX, or
 *          the two encodings are identical (that is no equivocation); ZK_ERR_MALFORMED;
 *          ZK_ERR_IO.
 * In: rlp_a[len_a], rlp_b[len_b]: copied. */
int lc_store_record_equivocation(lc_store *s, uint64_t number, const uint8_t *rlp_a, size_t len_a,
                                 const uint8_t *rlp_b, size_t len_b, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 3, 5);

/* Whether the store is frozen, and at which height.
 * Returns: ZK_OK; ZK_ERR_MALFORMED; ZK_ERR_IO.
 * Out: *frozen; *number, the first equivocating height (0 when not frozen). */
int lc_store_frozen(lc_store *s, bool *frozen, uint64_t *number, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* Reads the evidence stored for number.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND; ZK_ERR_MALFORMED; ZK_ERR_IO; ZK_ERR_NOMEM.
 * Out: *rlp_a[*len_a], *rlp_b[*len_b]: malloc'd, the caller frees them (NULL on failure). */
int lc_store_get_evidence(lc_store *s, uint64_t number, uint8_t **rlp_a, size_t *len_a,
                          uint8_t **rlp_b, size_t *len_b, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 3, 4, 5, 6);

/* Operator action: clears the frozen flag (synced). The evidence stays.
 * Returns: ZK_OK (also when not frozen); ZK_ERR_IO. */
int lc_store_unfreeze(lc_store *s, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

#endif
