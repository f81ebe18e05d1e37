/* The lightclient module's public API: Ethereum encodings, hashing, tries,
 * receipts, headers, state proofs and secp256k1, everything the relayer and the
 * prover's witness builder read untrusted chain data with. Other folders include
 * this header only; each header below documents its own contracts. */
#ifndef ZKRELAY_LIGHTCLIENT_LIGHTCLIENT_H
#define ZKRELAY_LIGHTCLIENT_LIGHTCLIENT_H

#include "lightclient/zk_err.h"      /* error codes, zk_errbuf, zk_wipe */
#include "lightclient/bytes.h"       /* zk_cursor, big-endian helpers, zk_buf */
#include "lightclient/hex.h"         /* hex data and JSON-RPC quantities */
#include "lightclient/json_fields.h" /* typed hex fields of JSON-RPC objects */
#include "lightclient/rlp.h"         /* strict RLP */
#include "lightclient/keccak.h"      /* Keccak-256 (Ethereum padding) */
#include "lightclient/header.h"      /* block headers, every fork */
#include "lightclient/receipt.h"     /* receipts, logs, bloom, receiptsRoot */
#include "lightclient/mpt.h"         /* Merkle-Patricia trie, proofs */
#include "lightclient/state_proof.h" /* eth_getProof verification */
#include "lightclient/ecdsa.h"       /* secp256k1 sign/recover, Ethereum rules */
#include "lightclient/valset.h"      /* validator sets, BFT quorum */
#include "lightclient/bft.h"         /* QBFT / IBFT 2.0 headers and seals */
#include "lightclient/clique.h"      /* Clique (EIP-225) headers and snapshots */
#include "lightclient/lc_store.h"    /* the trusted store (LevelDB) */
#include "lightclient/lc.h"          /* the light client */

#endif
