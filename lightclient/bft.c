/* QBFT / IBFT 2.0 header hashing, seal recovery, quorum and verification
 * (Besu BftBlockHashing, BftCommitSealsValidationRule, BftHelpers; the header
 * shape rules of BftBlockHeaderValidationRulesetFactory). bft.h explains the
 * rules and the choices made where Besu and GoQuorum differ. */
#include "bft.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecdsa.h"
#include "hex.h"
#include "keccak.h"
#include "rlp.h"

const uint8_t bft_istanbul_digest[32] = {
    0x63, 0x74, 0x69, 0x63, 0x61, 0x6c, 0x20, 0x62, 0x79, 0x7a, 0x61, 0x6e, 0x74, 0x69, 0x6e, 0x65,
    0x20, 0x66, 0x61, 0x75, 0x6c, 0x74, 0x20, 0x74, 0x6f, 0x6c, 0x65, 0x72, 0x61, 0x6e, 0x63, 0x65};

/* A header's RLP is at most its extraData plus about 700 bytes of fixed fields. */
#define BFT_HEADER_RLP_MAX (HEADER_MAX_EXTRA + 4096u)

static bool flavor_ok(bft_flavor f)
{
    return f == BFT_QBFT || f == BFT_IBFT2;
}

static bool form_ok(bft_extra_form form)
{
    return form == BFT_EXTRA_FULL || form == BFT_EXTRA_FOR_COMMIT_SEAL ||
           form == BFT_EXTRA_FOR_BLOCK_HASH;
}

/* Appends the RLP of h with extraData replaced by x encoded in form. */
static int encode_with_extra(zk_buf *out, bft_flavor f, const eth_header *h, const bft_extra *x,
                             bft_extra_form form)
{
    zk_buf e;
    buf_init(&e, HEADER_MAX_EXTRA);
    int rc = bft_extra_encode(&e, f, x, form);
    if (rc == ZK_OK) {
        /* A shallow copy that borrows e's bytes; it is never header_clear'ed. */
        eth_header tmp = *h;
        tmp.extra_data = e.data;
        tmp.extra_len = e.len;
        rc = header_encode_rlp(out, &tmp);
    }
    buf_clear(&e);
    return rc;
}

/* keccak256 of the preimage in form, from an already decoded extraData. */
static int hash_with_extra(uint8_t out[32], bft_flavor f, const eth_header *h, const bft_extra *x,
                           bft_extra_form form)
{
    zk_buf b;
    buf_init(&b, BFT_HEADER_RLP_MAX);
    int rc = h->number == 0 ? header_encode_rlp(&b, h) : encode_with_extra(&b, f, h, x, form);
    if (rc == ZK_OK) keccak256(out, b.data, b.len);
    buf_clear(&b);
    return rc;
}

int bft_header_encode(zk_buf *out, bft_flavor f, const eth_header *h, bft_extra_form form,
                      zk_errbuf *err)
{
    if (!flavor_ok(f) || !form_ok(form))
        return ZK_FAIL(err, ZK_ERR_USAGE, "bft: unknown flavor or extraData form");
    /* Besu serializeHeader: block 0 keeps its extraData byte for byte. */
    if (h->number == 0) return header_encode_rlp(out, h);
    bft_extra x;
    int rc = bft_extra_decode(&x, f, h->extra_data, h->extra_len, err);
    if (rc) return rc;
    rc = encode_with_extra(out, f, h, &x, form);
    if (rc) return ZK_FAIL(err, rc, "bft: cannot encode the header (%s)", zk_strerror(rc));
    return ZK_OK;
}

static int hash_form(uint8_t out[32], bft_flavor f, const eth_header *h, bft_extra_form form,
                     zk_errbuf *err)
{
    zk_buf b;
    buf_init(&b, BFT_HEADER_RLP_MAX);
    int rc = bft_header_encode(&b, f, h, form, err);
    if (rc == ZK_OK) keccak256(out, b.data, b.len);
    buf_clear(&b);
    return rc;
}

int bft_block_hash(uint8_t out[32], bft_flavor f, const eth_header *h, zk_errbuf *err)
{
    return hash_form(out, f, h, BFT_EXTRA_FOR_BLOCK_HASH, err);
}

int bft_commit_seal_hash(uint8_t out[32], bft_flavor f, const eth_header *h, zk_errbuf *err)
{
    return hash_form(out, f, h, BFT_EXTRA_FOR_COMMIT_SEAL, err);
}

static bool is_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* The constant fields every BFT header carries (Besu
 * BftBlockHeaderValidationRulesetFactory: ConstantFieldValidationRule for
 * MixHash, OmmersHash, Difficulty and Nonce). */
static int check_shape(const eth_header *h, zk_errbuf *err)
{
    static const uint8_t empty_list = 0xc0;
    uint8_t ommers_empty[32];
    if (memcmp(h->mix_hash, bft_istanbul_digest, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "mixHash is not the Istanbul digest");
    if (!is_zero(h->difficulty, 31) || h->difficulty[31] != 1)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "difficulty is not 1");
    if (!is_zero(h->nonce, 8)) return ZK_FAIL(err, ZK_ERR_REJECTED, "nonce is not zero");
    keccak256(ommers_empty, &empty_list, 1);
    if (memcmp(h->ommers_hash, ommers_empty, 32) != 0)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "ommers hash is not the empty-list hash");
    return ZK_OK;
}

static void addr_hex(char out[43], const uint8_t addr[20])
{
    hex_encode(out, addr, 20, true);
}

int bft_verify_header(bft_result *res, const secp256k1_context *ctx, bft_flavor f,
                      const eth_header *h, const valset *trusted, zk_errbuf *err)
{
    bft_extra x;
    valset own;
    bool seen[VALSET_MAX];
    uint8_t seal_hash[32];
    char hex[43];

    memset(res, 0, sizeof(*res));
    if (!flavor_ok(f)) return ZK_FAIL(err, ZK_ERR_USAGE, "bft: unknown flavor %d", (int)f);
    if (trusted->n == 0 || trusted->n > VALSET_MAX)
        return ZK_FAIL(err, ZK_ERR_USAGE, "bft: the trusted validator set is empty or too large");
    if (h->number == 0)
        return ZK_FAIL(err, ZK_ERR_USAGE,
                       "block 0 is the trust anchor: it carries no seals to verify");

    int rc = check_shape(h, err);
    if (rc) return rc;
    rc = bft_extra_decode(&x, f, h->extra_data, h->extra_len, err);
    if (rc == ZK_ERR_NOMEM || rc == ZK_ERR_INTERNAL) return rc;
    if (rc) return ZK_ERR_MALFORMED; /* err already says "extraData: ..." */
    if (x.vanity_len != BFT_VANITY_LEN)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "vanity is %zu bytes, not 32", x.vanity_len);
    rc = valset_from_list(&own, (const uint8_t(*)[20])x.validators, x.n_validators, err);
    if (rc) return zk_fail_wrap(err, ZK_ERR_REJECTED, "validator list");

    rc = hash_with_extra(seal_hash, f, h, &x, BFT_EXTRA_FOR_COMMIT_SEAL);
    if (rc) return ZK_FAIL(err, rc, "bft: cannot encode the header (%s)", zk_strerror(rc));

    /* Besu BftCommitSealsValidationRule, against the header's own list (bft.h). */
    memset(seen, 0, own.n * sizeof(seen[0]));
    for (size_t i = 0; i < x.n_seals; i++) {
        uint8_t addr[20];
        rc = ecdsa_recover_address(ctx, addr, seal_hash, x.seals[i], ECDSA_ALLOW_HIGH_S, err);
        if (rc) return zk_fail_wrap(err, ZK_ERR_REJECTED, "malformed seal %zu", i);
        long idx = valset_index(&own, addr);
        addr_hex(hex, addr);
        if (idx < 0) return ZK_FAIL(err, ZK_ERR_REJECTED, "seal by non-validator %s", hex);
        if (seen[idx]) return ZK_FAIL(err, ZK_ERR_REJECTED, "duplicate seal by %s", hex);
        seen[idx] = true;
        memcpy(res->signers[res->n_signers++], addr, 20);
    }
    size_t quorum = valset_bft_quorum(own.n);
    if (res->n_signers < quorum)
        return ZK_FAIL(err, ZK_ERR_REJECTED, "quorum not reached: %zu of %zu, need %zu",
                       res->n_signers, own.n, quorum);

    bool changed = !valset_equal(&own, trusted);
    if (changed) {
        /* More signers from trusted than the f = floor((n-1)/3) faults it
         * tolerates: at least one honest old validator vouches for the list. */
        size_t k = 0, need = (trusted->n - 1) / 3 + 1;
        for (size_t i = 0; i < res->n_signers; i++)
            if (valset_contains(trusted, res->signers[i])) k++;
        if (k < need)
            return ZK_FAIL(err, ZK_ERR_REJECTED,
                           "rotation not authorised by the trusted set: %zu of %zu signed, "
                           "need %zu",
                           k, trusted->n, need);
    }

    rc = hash_with_extra(res->block_hash, f, h, &x, BFT_EXTRA_FOR_BLOCK_HASH);
    if (rc) return ZK_FAIL(err, rc, "bft: cannot encode the header (%s)", zk_strerror(rc));
    res->next_validators = own;
    res->validators_changed = changed;
    res->round = x.round;
    return ZK_OK;
}

int bft_seal_header(eth_header *h, const secp256k1_context *ctx, bft_flavor f,
                    const bft_extra *x_without_seals, const uint8_t (*seckeys)[32], size_t n_keys,
                    zk_errbuf *err)
{
    if (!flavor_ok(f)) return ZK_FAIL(err, ZK_ERR_USAGE, "bft: unknown flavor %d", (int)f);
    if (h->number == 0) return ZK_FAIL(err, ZK_ERR_USAGE, "bft: block 0 carries no seals");
    if (n_keys > VALSET_MAX)
        return ZK_FAIL(err, ZK_ERR_USAGE, "bft: %zu keys exceed VALSET_MAX", n_keys);
    if (n_keys > 0 && !seckeys) return ZK_FAIL(err, ZK_ERR_USAGE, "bft: no keys");

    bft_extra *x = malloc(sizeof(*x));
    if (!x) return ZK_FAIL(err, ZK_ERR_NOMEM, "bft: out of memory");
    zk_buf e;
    buf_init(&e, HEADER_MAX_EXTRA);
    uint8_t hash[32];
    *x = *x_without_seals;
    x->n_seals = 0;
    int rc = hash_with_extra(hash, f, h, x, BFT_EXTRA_FOR_COMMIT_SEAL);
    if (rc) {
        ZK_FAIL(err, rc, "bft: cannot encode the header (%s)", zk_strerror(rc));
        goto out;
    }
    for (size_t i = 0; i < n_keys; i++) {
        rc = ecdsa_sign(ctx, x->seals[i], hash, seckeys[i]);
        if (rc) {
            ZK_FAIL(err, rc, "bft: signing with key %zu failed (%s)", i, zk_strerror(rc));
            goto out;
        }
    }
    x->n_seals = n_keys;
    rc = bft_extra_encode(&e, f, x, BFT_EXTRA_FULL);
    if (rc) {
        ZK_FAIL(err, rc, "bft: cannot encode extraData (%s)", zk_strerror(rc));
        goto out;
    }
    /* Hand the buffer's heap memory to h (header_clear frees it). */
    free(h->extra_data);
    h->extra_data = e.data;
    h->extra_len = e.len;
    e.data = NULL;
    e.len = e.cap = 0;
out:
    buf_clear(&e);
    free(x);
    return rc;
}
