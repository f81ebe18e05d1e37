/* The relayer's message database (issue 7): every Outbox message the daemon has
 * seen, its state, its destination transaction and its proof bundle; the source
 * blocks that hold messages with their finality proof and header transaction;
 * the source scan height and the destination nonce. It lives in LevelDB, in its
 * own directory (the daemon keeps it next to the light client's store:
 * <database>/msgs and <database>/lc).
 *
 * Atomicity. Every state transition is ONE leveldb_write with sync = true: the
 * caller collects its puts in a msgstore_batch (a message record, its state
 * index entry, its bundle, a block record, the scan height, the next nonce) and
 * commits them together with msgstore_batch_commit. After a crash (kill -9, even
 * a power cut given an honest fsync) the database holds all of a transition or
 * none of it. That is what makes the write-ahead rule of the submitter work: the
 * state submitted, with the signed raw transaction and its hash, is committed
 * BEFORE the transaction is broadcast, so a restarted daemon rebroadcasts those
 * same bytes (same nonce, same hash) instead of signing a new transaction.
 *
 * State machine of a message (msg_state), each step one batch:
 *
 *   seen -> header_proven -> inclusion_proven -> submitted -> confirmed
 *                                                          \-> failed(reason)
 *
 * (any state may also go to confirmed when another relayer delivered it, and to
 * failed when it can never be delivered). The timestamp of each transition is
 * kept (unix milliseconds, 0 = not reached) for the latency metrics.
 *
 * Not thread safe: one thread uses a handle at a time (the daemon's main loop;
 * prover workers hand their results back to it). LevelDB admits one process per
 * database, and an exclusive flock on MSGSTORE_LOCK_FILE says so clearly: while
 * `zkrelay run` holds the database, another open (a second daemon, `zkrelay
 * status`, `zkrelay replay --db`) fails with ZK_ERR_IO and "locked".
 *
 * Key schema (MSGSTORE_SCHEMA_VERSION). A prefix byte names the table; numbers
 * are big-endian so keys sort numerically:
 *
 *   "V"                      -> schema record: u8 1 | be32 schema version
 *   "M" || m[32]             -> message record (msg_record)
 *   "S" || u8 state || m[32] -> empty: the state index, kept in the same batch as "M"
 *   "P" || m[32]             -> the message's proof bundle (JSON text)
 *   "B" || be64 number       -> block record (msg_block)
 *   "H"                      -> scan height: u8 1 | be64 (every block <= it was scanned)
 *   "N"                      -> destination nonce: u8 1 | be64 (the next nonce to use)
 *
 * The proof bundle ("P" || m) is the message's proof bundle as relayer/bundle.h
 * defines it (format version 1, bundle_write's canonical JSON text): everything an
 * auditor needs to re-verify the delivery offline (`zkrelay verify BUNDLE`). The
 * daemon writes it in the same batch as the message's move to inclusion_proven.
 * A block record's proof_json is the daemon's own finality proof document
 * (relayer/daemon_prove.c: proof.json, public signals, trusted list, parameters).
 *
 * Values "M" and "B" are u8 MSGSTORE_RECORD_V1 followed by ONE strict RLP list
 * (decoded with lightclient/rlp.h: canonical integers, exact field counts, no
 * trailing bytes); their layouts are in msgstore.c. A value that breaks its
 * layout, or disagrees with its key, is ZK_ERR_MALFORMED naming the key. */
#ifndef ZKRELAY_RELAYER_MSGSTORE_H
#define ZKRELAY_RELAYER_MSGSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lightclient/zk_err.h"

/* Bumped whenever a key or value layout changes. A database written by a newer
 * schema is refused at open (an old binary must not misread it). */
#define MSGSTORE_SCHEMA_VERSION 1
#define MSGSTORE_RECORD_V1      1
#define MSGSTORE_LOCK_FILE      "zkrelay-msgs.lock"
/* The Outbox caps a payload at 1024 bytes (Outbox.MAX_PAYLOAD). */
#define MSGSTORE_PAYLOAD_MAX 1024u
/* A signed deliver/submitHeader transaction is well under 8 KB (calldata: a proof,
 * the message and its payload); tx.h caps any raw tx at 128 KiB. */
#define MSGSTORE_RAW_TX_MAX (128u * 1024u)
/* A proof bundle holds two proofs, the header RLP, the validator list, the
 * receipt and its trie nodes as JSON hex: a few hundred KB at most. */
#define MSGSTORE_BUNDLE_MAX (8u * 1024u * 1024u)
/* A block's finality proof document (statement, proof.json, public signals). */
#define MSGSTORE_PROOF_MAX  (64u * 1024u)
#define MSGSTORE_REASON_MAX 256u

typedef struct msgstore msgstore;

typedef enum msg_state {
    MSG_SEEN = 1,             /* found in a verified source block, nothing proven yet */
    MSG_HEADER_PROVEN = 2,    /* its block's header (receipts root) is on the light client */
    MSG_INCLUSION_PROVEN = 3, /* its inclusion proof is built and the bundle stored */
    MSG_SUBMITTED = 4,        /* a deliver tx is signed and stored (maybe broadcast) */
    MSG_CONFIRMED = 5, /* delivered (by us after `confirmations` blocks, or by another relayer) */
    MSG_FAILED = 6,    /* cannot be delivered: reason says why */
} msg_state;
#define MSG_STATE_COUNT 7 /* states are 1..6; arrays indexed by state have 7 slots */

/* Returns a fixed name: "seen", "header-proven", "inclusion-proven", "submitted",
 * "confirmed", "failed", or "unknown". */
const char *msg_state_name(int state);

/* Parses a name msg_state_name returns. Returns: ZK_OK; ZK_ERR_USAGE for another name. */
int msg_state_parse(msg_state *out, const char *name) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* One destination transaction as signed and stored before it is broadcast. */
typedef struct msgstore_tx {
    uint8_t hash[32];          /* keccak256(raw) */
    uint64_t nonce;            /* the signer's account nonce */
    uint64_t max_fee;          /* maxFeePerGas, wei */
    uint64_t max_priority_fee; /* maxPriorityFeePerGas, wei */
    uint64_t gas_limit;
    uint64_t sent_ms;  /* when this raw tx was written (the replacement clock starts here) */
    uint32_t attempts; /* 1 for the first signature, +1 per fee-bumped replacement */
    uint8_t *raw;      /* the signed raw transaction, owned by the enclosing record */
    size_t raw_len;    /* 0 when no tx was signed; <= MSGSTORE_RAW_TX_MAX */
} msgstore_tx;

/* The outcome of a mined destination transaction. */
typedef struct msgstore_outcome {
    uint64_t block_number; /* 0 when not mined */
    uint64_t gas_used;
    uint64_t effective_gas_price; /* wei */
} msgstore_outcome;

/* A message record. Heap parts (payload, tx.raw) are owned by the record: free
 * with msg_record_clear. */
typedef struct msg_record {
    uint8_t m[32]; /* the message hash (Outbox topic1), the key */
    msg_state state;
    /* where it was found on the source chain */
    uint64_t block_number;
    uint8_t block_hash[32];
    uint8_t src_tx_hash[32];
    uint32_t tx_index;  /* transaction (receipt) index in the block */
    uint32_t log_index; /* log index in the block (eth_getLogs logIndex) */
    /* the message fields (Outbox.MessageSent) */
    uint64_t nonce;
    uint8_t sender[20];
    uint64_t dst_chain_id;
    uint8_t receiver[20];
    uint8_t *payload; /* NULL when payload_len is 0; <= MSGSTORE_PAYLOAD_MAX */
    size_t payload_len;
    /* unix milliseconds of each transition, indexed by msg_state (0 = not reached) */
    uint64_t t_ms[MSG_STATE_COUNT];
    /* submitted: the current deliver transaction */
    msgstore_tx tx;
    /* confirmed / failed */
    msgstore_outcome outcome;
    char reason[MSGSTORE_REASON_MAX]; /* failed: the decoded revert reason; confirmed: a note
                                       * ("delivered by another relayer") or "" */
} msg_record;

/* Zeroes r (state 0, no heap parts). */
void msg_record_init(msg_record *r) ZK_NONNULL(1);
/* Frees r's heap parts and zeroes it. r may be NULL. */
void msg_record_clear(msg_record *r);
/* Replaces r->payload with a copy of payload[len] (NULL when len is 0).
 * Returns: ZK_OK; ZK_ERR_RANGE above MSGSTORE_PAYLOAD_MAX; ZK_ERR_NOMEM. */
int msg_record_set_payload(msg_record *r, const uint8_t *payload, size_t len) ZK_MUST_CHECK
    ZK_NONNULL(1);
/* Replaces tx->raw with a copy of raw[len].
 * Returns: ZK_OK; ZK_ERR_RANGE above MSGSTORE_RAW_TX_MAX; ZK_ERR_NOMEM. */
int msgstore_tx_set_raw(msgstore_tx *tx, const uint8_t *raw, size_t len) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* The state of a source block's header on the destination light client. */
typedef enum blk_state {
    BLK_PENDING = 1,   /* holds seen messages; no finality proof yet */
    BLK_PROVEN = 2,    /* finality proof built (proof_json set) */
    BLK_SUBMITTED = 3, /* submitHeader signed and stored (tx set) */
    BLK_CONFIRMED = 4, /* the light client has its receipts root */
    BLK_FAILED = 5,    /* cannot be submitted: reason says why */
} blk_state;

/* Returns a fixed name: "pending", "proven", "submitted", "confirmed", "failed", "unknown". */
const char *blk_state_name(int state);

/* A block record: a source header the relayer has to put on the light client
 * (because it holds messages, or because it rotates the validator set on the way
 * to one that does). Heap parts owned: free with msg_block_clear. */
typedef struct msg_block {
    uint64_t number; /* the key */
    blk_state state;
    uint8_t hash[32];
    uint8_t receipts_root[32];
    bool rotation;            /* its extraData hands over to another validator set */
    uint8_t cur_set[32];      /* commitment of the set that sealed it (public signal 0) */
    uint8_t next_set[32];     /* commitment it hands over to (public signal 1) */
    char *proof_json;         /* the finality proof document (JSON text), or NULL */
    uint64_t t_ms[6];         /* unix ms of each blk_state transition (0 = not reached) */
    msgstore_tx tx;           /* the submitHeader transaction */
    msgstore_outcome outcome; /* when mined */
    char reason[MSGSTORE_REASON_MAX];
} msg_block;

void msg_block_init(msg_block *b) ZK_NONNULL(1);
void msg_block_clear(msg_block *b);
/* Replaces b->proof_json with a copy of json (NULL clears it).
 * Returns: ZK_OK; ZK_ERR_RANGE above MSGSTORE_PROOF_MAX; ZK_ERR_NOMEM. */
int msg_block_set_proof(msg_block *b, const char *json) ZK_MUST_CHECK ZK_NONNULL(1);

/* ---- open / close ---------------------------------------------------------- */

/* Opens (or creates) the database in directory dir and checks its schema
 * record (writing it into a new, empty database).
 * Returns: ZK_OK;
 *          ZK_ERR_NOTFOUND when dir holds no database and create_if_missing is false;
 *          ZK_ERR_IO when another process holds it ("locked") or on I/O failure;
 *          ZK_ERR_MALFORMED on LevelDB corruption, a bad schema record, or keys but
 *            no schema record (not a message database);
 *          ZK_ERR_MISMATCH when the schema version is not MSGSTORE_SCHEMA_VERSION
 *            (the message says whether it is newer: upgrade zkrelay);
 *          ZK_ERR_NOMEM.
 * Out: *out, freed with msgstore_close (NULL on failure). */
int msgstore_open(msgstore **out, const char *dir, bool create_if_missing,
                  zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Closes the database and frees the handle. s may be NULL. */
void msgstore_close(msgstore *s);

/* ---- reads ------------------------------------------------------------------- */

/* Reads the message with hash m.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND; ZK_ERR_MALFORMED (corrupt record, named by key); ZK_ERR_IO;
 *          ZK_ERR_NOMEM.
 * Out: *out (initialised by the call; the caller clears it with msg_record_clear on ZK_OK;
 *      nothing to free on failure). */
int msgstore_get(msgstore *s, msg_record *out, const uint8_t m[32], zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* Reads the proof bundle of message m.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND; ZK_ERR_IO; ZK_ERR_NOMEM.
 * Out: *json, a malloc'd NUL-terminated copy the caller frees. */
int msgstore_get_bundle(msgstore *s, char **json, const uint8_t m[32], zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2, 3);

/* Reads the block record at number.
 * Returns: ZK_OK; ZK_ERR_NOTFOUND; ZK_ERR_MALFORMED; ZK_ERR_IO; ZK_ERR_NOMEM.
 * Out: *out (clear with msg_block_clear on ZK_OK). */
int msgstore_get_block(msgstore *s, msg_block *out, uint64_t number, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Reads the scan height (every source block <= it was scanned) and the next
 * destination nonce. A value never written reads as *found = false, *out = 0.
 * Returns: ZK_OK; ZK_ERR_MALFORMED; ZK_ERR_IO. found may be NULL. */
int msgstore_get_scan_height(msgstore *s, uint64_t *out, bool *found, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);
int msgstore_get_next_nonce(msgstore *s, uint64_t *out, bool *found, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Called once per message by msgstore_each; a non-zero return stops the walk and
 * is returned by msgstore_each. r is valid during the call only. */
typedef int (*msgstore_each_fn)(void *arg, const msg_record *r);

/* Calls fn on every message in state (0: every message), in key order (by m).
 * The walk reads a LevelDB snapshot, so fn may write to the store (a
 * transition moves the record to another state's index without disturbing the walk).
 * Returns: ZK_OK; fn's non-zero return; ZK_ERR_MALFORMED (a corrupt record or an
 *          index entry without its record); ZK_ERR_IO; ZK_ERR_NOMEM. */
int msgstore_each(msgstore *s, int state, msgstore_each_fn fn, void *arg,
                  zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 3);

/* Counts the messages per state: counts[st] for st in 1..6 (counts[0] = total).
 * Returns: ZK_OK; ZK_ERR_IO. */
int msgstore_count(msgstore *s, uint64_t counts[MSG_STATE_COUNT], zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Calls fn on every block record in ascending number order (snapshot as in msgstore_each).
 * Returns: ZK_OK; fn's non-zero return; ZK_ERR_MALFORMED; ZK_ERR_IO; ZK_ERR_NOMEM. */
typedef int (*msgstore_block_fn)(void *arg, const msg_block *b);
int msgstore_each_block(msgstore *s, msgstore_block_fn fn, void *arg, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* ---- atomic writes --------------------------------------------------------- */

typedef struct msgstore_batch msgstore_batch;

/* Starts a batch on s. Nothing is written until msgstore_batch_commit.
 * Returns: a new batch, or NULL when out of memory. Free with msgstore_batch_free. */
msgstore_batch *msgstore_batch_new(msgstore *s) ZK_NONNULL(1);
void msgstore_batch_free(msgstore_batch *b);

/* Adds a put of the message record r (state r->state): the record under "M",
 * its index entry under its state, and the delete of its old index entry when
 * prev_state differs (prev_state 0: a new message). The caller passes the state
 * the stored record had (it read it or created it in this loop).
 * Returns: ZK_OK; ZK_ERR_USAGE (bad state, payload or raw tx over its cap,
 *          a state that needs a tx without one: submitted with tx.raw_len 0);
 *          ZK_ERR_NOMEM. On failure the batch is unchanged. */
int msgstore_batch_put_msg(msgstore_batch *b, const msg_record *r, int prev_state,
                           zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2);

/* Adds a put of message m's proof bundle (JSON text, <= MSGSTORE_BUNDLE_MAX).
 * Returns: ZK_OK; ZK_ERR_USAGE (empty or too large); ZK_ERR_NOMEM. */
int msgstore_batch_put_bundle(msgstore_batch *b, const uint8_t m[32], const char *json,
                              zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1, 2, 3);

/* Adds a put of the block record blk.
 * Returns: ZK_OK; ZK_ERR_USAGE (bad state, proof or raw tx over its cap); ZK_ERR_NOMEM. */
int msgstore_batch_put_block(msgstore_batch *b, const msg_block *blk, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1, 2);

/* Adds a put of the scan height / the next destination nonce. */
void msgstore_batch_put_scan_height(msgstore_batch *b, uint64_t height) ZK_NONNULL(1);
void msgstore_batch_put_next_nonce(msgstore_batch *b, uint64_t nonce) ZK_NONNULL(1);

/* Writes everything added to b in ONE leveldb_write with sync = true, then
 * empties b (it may be reused). An empty batch writes nothing.
 * Returns: ZK_OK; ZK_ERR_IO (nothing of the batch was written). */
int msgstore_batch_commit(msgstore_batch *b, zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

#endif
