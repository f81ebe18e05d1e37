/* A validator (or Clique signer) set: the addresses whose signatures a light
 * client counts. Kept sorted ascending and free of duplicates, so membership is
 * a binary search and two sets are equal exactly when their bytes are. */
#ifndef ZKRELAY_LIGHTCLIENT_VALSET_H
#define ZKRELAY_LIGHTCLIENT_VALSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zk_err.h"

/* Besu and GoQuorum networks run tens of validators; 256 bounds every
 * allocation made from a header's validator list. */
#define VALSET_MAX 256

typedef struct valset {
    size_t n;
    uint8_t addrs[VALSET_MAX][20]; /* sorted ascending, distinct */
} valset;

/* Builds a set from n addresses in any order.
 * Returns ZK_ERR_RANGE when n > VALSET_MAX or n == 0, ZK_ERR_MALFORMED when an
 * address repeats (a header listing a validator twice is malformed). */
int valset_from_list(valset *out, const uint8_t (*addrs)[20], size_t n,
                     zk_errbuf *err) ZK_MUST_CHECK;

/* Index of addr in the set, or -1. */
long valset_index(const valset *s, const uint8_t addr[20]);
static inline bool valset_contains(const valset *s, const uint8_t addr[20])
{
    return valset_index(s, addr) >= 0;
}

bool valset_equal(const valset *a, const valset *b);

/* The set's identifier in the trusted store: keccak256(be32(n) || addr_1 || ... || addr_n)
 * over the sorted addresses. (The circuits define their own commitment.) */
void valset_id(uint8_t out[32], const valset *s);

/* Signatures needed for a BFT quorum: ceil(2n/3) (Besu
 * BftHelpers.calculateRequiredValidatorQuorum). */
size_t valset_bft_quorum(size_t n);

#endif
