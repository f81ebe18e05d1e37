/* eth_getProof (EIP-1186) answers checked against a trusted state root: the
 * account proof in the state trie and every storage proof in the account's
 * storage trie. Both tries are "secure": the key is keccak256 of the address,
 * or of the 32-byte big-endian storage slot. */
#ifndef ZKRELAY_LIGHTCLIENT_STATE_PROOF_H
#define ZKRELAY_LIGHTCLIENT_STATE_PROOF_H

#include <stdint.h>

#include <jansson.h>

#include "zk_err.h"

/* Most storage proofs accepted in one answer. */
#define STATE_PROOF_MAX_SLOTS 1024

/* Verifies an eth_getProof result object {address, accountProof[], balance,
 * codeHash, nonce, storageHash, storageProof[{key, value, proof[]}]}:
 *  - accountProof, from state_root with key keccak256(address), must end in the
 *    leaf RLP([nonce, balance, storageHash, codeHash]) built from the answer's
 *    own fields; or prove the account absent, and then the answer must carry the
 *    empty account (nonce 0, balance 0, storageHash the empty-trie root and
 *    codeHash keccak256(""); all-zero hashes, as some nodes write them, are
 *    accepted too);
 *  - each storage proof, from storageHash with key keccak256(slot as 32 bytes),
 *    must end in RLP(value as minimal big-endian bytes), or prove the slot absent
 *    when value is 0. Keys and values are hex of up to 32 bytes (leading zeros
 *    and an odd digit count allowed, as nodes differ there).
 * Returns: ZK_OK when every proof holds;
 *          ZK_ERR_REJECTED, with the failing proof named in err, when a proof does
 *          not verify or proves something other than the answer claims;
 *          ZK_ERR_MALFORMED / ZK_ERR_NOTFOUND / ZK_ERR_RANGE for an answer that is
 *          not a well-formed eth_getProof result (field named in err);
 *          ZK_ERR_NOMEM.
 * In: state_root (32 bytes, trusted: from a verified header), get_proof_result
 *     (borrowed). */
int state_proof_verify(const uint8_t state_root[32], const json_t *get_proof_result,
                       zk_errbuf *err) ZK_MUST_CHECK ZK_NONNULL(1);

#endif
