/* libFuzzer harness: QBFT / IBFT 2.0 extraData and header verification
 * (lightclient/bft.h).
 *
 * Input: u8 flags, then the payload. flags bit 0 picks the flavor (QBFT, IBFT2).
 *   bit 1 clear: the payload is extraData. bft_extra_decode is strict, so an
 *                accepted payload must re-encode (BFT_EXTRA_FULL) to itself, and
 *                the two hash forms must encode.
 *   bit 1 set:   the payload is a header's RLP. A decoded header (number >= 1) is
 *                hashed both ways and verified with bft_verify_header against the
 *                set its own extraData lists, so the seal checks run; an accepted
 *                header must report a quorum of distinct signers. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "lightclient/bft.h"
#include "lightclient/ecdsa.h"

static bool fuzz_bft_extra(bft_flavor f, const uint8_t *p, size_t n)
{
    bool ok = true;
    static bft_extra x; /* 22 KB: kept off the stack */
    zk_buf b;
    if (bft_extra_decode(&x, f, p, n, NULL) != ZK_OK) return true;
    FUZZ_EXPECT(ok, x.vanity_len <= 32 && x.n_validators <= VALSET_MAX && x.n_seals <= VALSET_MAX);
    buf_init(&b, 0);
    FUZZ_EXPECT(ok, bft_extra_encode(&b, f, &x, BFT_EXTRA_FULL) == ZK_OK);
    FUZZ_EXPECT(ok, b.len == n && memcmp(b.data, p, n) == 0);
    b.len = 0;
    FUZZ_EXPECT(ok, bft_extra_encode(&b, f, &x, BFT_EXTRA_FOR_COMMIT_SEAL) == ZK_OK);
    b.len = 0;
    FUZZ_EXPECT(ok, bft_extra_encode(&b, f, &x, BFT_EXTRA_FOR_BLOCK_HASH) == ZK_OK);
    buf_clear(&b);
    return ok;
}

static bool fuzz_bft_header(bft_flavor f, const uint8_t *p, size_t n)
{
    bool ok = true;
    static secp256k1_context *ctx; /* one per process, as the relayer keeps it */
    static bft_extra x;
    static valset trusted;
    static bft_result res;
    eth_header h;
    uint8_t hash[32];

    if (!ctx) ctx = ecdsa_context_new(NULL);
    if (!ctx) return true;
    header_init(&h);
    if (header_decode_rlp(&h, p, n, NULL) != ZK_OK) goto out;
    FUZZ_IGNORE(bft_block_hash(hash, f, &h, NULL));
    FUZZ_IGNORE(bft_commit_seal_hash(hash, f, &h, NULL));
    if (h.number == 0) goto out;
    /* Trust the header's own list when it forms a set (the common, no-rotation
     * case); otherwise one fixed validator, so verification still runs. */
    if (bft_extra_decode(&x, f, h.extra_data, h.extra_len, NULL) != ZK_OK ||
        valset_from_list(&trusted, (const uint8_t(*)[20])x.validators, x.n_validators, NULL) !=
            ZK_OK) {
        static const uint8_t one[1][20] = {{1}};
        if (valset_from_list(&trusted, one, 1, NULL) != ZK_OK) goto out;
    }
    if (bft_verify_header(&res, ctx, f, &h, &trusted, NULL) == ZK_OK) {
        FUZZ_EXPECT(ok, res.next_validators.n > 0);
        FUZZ_EXPECT(ok, res.n_signers >= valset_bft_quorum(res.next_validators.n));
        for (size_t i = 0; i < res.n_signers; i++)
            FUZZ_EXPECT(ok, valset_contains(&res.next_validators, res.signers[i]));
    }
out:
    header_clear(&h);
    return ok;
}

static bool fuzz_bft_check(const uint8_t *data, size_t size)
{
    if (size == 0) return true;
    bft_flavor f = (data[0] & 1) ? BFT_IBFT2 : BFT_QBFT;
    if (data[0] & 2) return fuzz_bft_header(f, data + 1, size - 1);
    return fuzz_bft_extra(f, data + 1, size - 1);
}

FUZZ_ENTRY(fuzz_bft_check)
