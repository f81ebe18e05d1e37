/* circom/snarkjs .wtns witness files (snarkjs src/wtns_utils.js), version 2, BN254.
 *
 * Sections: 1 header (u32 n8, prime[n8] = r, u32 nWitness), 2 values (nWitness x 32 bytes).
 * Values are CANONICAL little-endian Fr elements (not Montgomery), each < r; value[0]
 * is the constant 1 by circom's convention (not checked here: a format concern only). */
#ifndef ZKRELAY_PROVER_WTNS_FILE_H
#define ZKRELAY_PROVER_WTNS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "lightclient/bytes.h"
#include "lightclient/zk_err.h"

typedef struct wtns_file {
    uint32_t n_values;
    /* n_values x 32 bytes, canonical LE. After wtns_file_parse it points into the parsed
     * buffer (borrowed: the buffer must outlive the struct); for the writer the caller
     * sets it. */
    const uint8_t *values;
    uint32_t order[2]; /* file order of sections 1, 2; n_order == 0 writes 1, 2 */
    size_t n_order;
} wtns_file;

/* Parses a .wtns file; checks the prime is r and every value < r.
 * Returns: ZK_OK; ZK_ERR_MALFORMED (magic, version, prime, duplicate section, sizes),
 *          ZK_ERR_NOTFOUND, ZK_ERR_TRUNCATED, ZK_ERR_TRAILING, ZK_ERR_RANGE (value >= r).
 * Out: w (borrows data). */
int wtns_file_parse(wtns_file *w, const uint8_t *data, size_t len, zk_errbuf *err) ZK_MUST_CHECK
    ZK_NONNULL(1);

/* Returns a pointer to value i (32 bytes LE canonical). Precondition: i < w->n_values. */
static inline const uint8_t *wtns_file_value(const wtns_file *w, uint32_t i)
{
    return w->values + (size_t)i * 32;
}

/* Serialises w as a version-2 .wtns file (snarkjs wtns_utils.write layout).
 * Returns: ZK_OK, ZK_ERR_RANGE (buffer cap), ZK_ERR_NOMEM.
 * In/Out: out, appended to. */
int wtns_file_write(zk_buf *out, const wtns_file *w) ZK_MUST_CHECK ZK_NONNULL(1, 2);

#endif
