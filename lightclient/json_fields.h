/* Typed reads of hex fields from JSON-RPC objects (jansson), shared by the
 * header, receipt and proof decoders. Every function returns ZK_ERR_NOTFOUND when
 * the key is absent or null (callers decide whether that is an error), and
 * ZK_ERR_MALFORMED / ZK_ERR_NONCANONICAL / ZK_ERR_RANGE, with the key named in
 * err, when the value is there but wrong. */
#ifndef ZKRELAY_LIGHTCLIENT_JSON_FIELDS_H
#define ZKRELAY_LIGHTCLIENT_JSON_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "zk_err.h"

/* DATA of exactly n bytes ("0x" + 2n hex digits). */
int json_get_data_fixed(uint8_t *out, size_t n, const json_t *obj, const char *key,
                        zk_errbuf *err) ZK_MUST_CHECK;

/* DATA of any length up to max bytes into a new malloc'd buffer (caller frees;
 * never NULL on success, even for "0x"). */
int json_get_data_alloc(uint8_t **out, size_t *out_len, size_t max, const json_t *obj,
                        const char *key, zk_errbuf *err) ZK_MUST_CHECK;

/* QUANTITY of up to 64 bits ("0x0", "0x1a"; leading zeros rejected). */
int json_get_quantity(uint64_t *out, const json_t *obj, const char *key,
                      zk_errbuf *err) ZK_MUST_CHECK;

/* QUANTITY of up to 256 bits into a 32-byte big-endian buffer. */
int json_get_quantity256(uint8_t out[32], const json_t *obj, const char *key,
                         zk_errbuf *err) ZK_MUST_CHECK;

#endif
