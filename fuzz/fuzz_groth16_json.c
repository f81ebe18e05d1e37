/* libFuzzer harness: snarkjs Groth16 JSON (prover/groth16_json.h): proof.json,
 * public.json and verification_key.json.
 *
 * Input: u8 kind (0 proof, 1 public signals, 2 verification key; mod 3), then the
 * text. An accepted file is written back the way snarkjs writes it; that output
 * must parse again to the same values and write back to itself. */
#include "fuzz/fuzz.h"

#include <string.h>

#include "prover/groth16_json.h"

static bool fuzz_g16_same_text(const zk_buf *a, const zk_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static bool fuzz_g16_proof(const char *text, size_t len)
{
    bool ok = true;
    groth16_json_proof p, p2;
    zk_buf out, out2;
    if (groth16_json_proof_parse(&p, text, len, NULL) != ZK_OK) return true;
    buf_init(&out, 0);
    buf_init(&out2, 0);
    FUZZ_EXPECT(ok, groth16_json_proof_write(&out, &p) == ZK_OK);
    FUZZ_EXPECT(ok, groth16_json_proof_parse(&p2, (const char *)out.data, out.len, NULL) == ZK_OK);
    FUZZ_EXPECT(ok, memcmp(&p, &p2, sizeof(p)) == 0);
    FUZZ_EXPECT(ok, groth16_json_proof_write(&out2, &p2) == ZK_OK);
    FUZZ_EXPECT(ok, fuzz_g16_same_text(&out, &out2));
    buf_clear(&out);
    buf_clear(&out2);
    return ok;
}

static bool fuzz_g16_public(const char *text, size_t len)
{
    bool ok = true;
    uint8_t *v = NULL, *v2 = NULL;
    size_t n = 0, n2 = 0;
    zk_buf out, out2;
    if (groth16_json_public_parse(&v, &n, text, len, NULL) != ZK_OK) return true;
    FUZZ_EXPECT(ok, v != NULL);
    buf_init(&out, 0);
    buf_init(&out2, 0);
    FUZZ_EXPECT(ok, groth16_json_public_write(&out, v, n) == ZK_OK);
    if (groth16_json_public_parse(&v2, &n2, (const char *)out.data, out.len, NULL) == ZK_OK) {
        FUZZ_EXPECT(ok, n2 == n && (n == 0 || memcmp(v, v2, 32 * n) == 0));
        FUZZ_EXPECT(ok, groth16_json_public_write(&out2, v2, n2) == ZK_OK);
        FUZZ_EXPECT(ok, fuzz_g16_same_text(&out, &out2));
    } else {
        FUZZ_EXPECT(ok, !"the written public.json does not parse");
    }
    free(v);
    free(v2);
    buf_clear(&out);
    buf_clear(&out2);
    return ok;
}

static bool fuzz_g16_vk(const char *text, size_t len)
{
    bool ok = true;
    groth16_json_vk vk, vk2;
    zk_buf out, out2;
    memset(&vk, 0, sizeof(vk));
    memset(&vk2, 0, sizeof(vk2));
    buf_init(&out, 0);
    buf_init(&out2, 0);
    if (groth16_json_vk_parse(&vk, text, len, NULL) != ZK_OK) goto out;
    FUZZ_EXPECT(ok, vk.ic != NULL);
    FUZZ_EXPECT(ok, groth16_json_vk_write(&out, &vk) == ZK_OK);
    if (groth16_json_vk_parse(&vk2, (const char *)out.data, out.len, NULL) == ZK_OK) {
        FUZZ_EXPECT(ok, vk2.n_public == vk.n_public);
        FUZZ_EXPECT(ok, groth16_json_vk_write(&out2, &vk2) == ZK_OK);
        FUZZ_EXPECT(ok, fuzz_g16_same_text(&out, &out2));
    } else {
        FUZZ_EXPECT(ok, !"the written verification_key.json does not parse");
    }
out:
    groth16_json_vk_clear(&vk);
    groth16_json_vk_clear(&vk2);
    buf_clear(&out);
    buf_clear(&out2);
    return ok;
}

static bool fuzz_groth16_json_check(const uint8_t *data, size_t size)
{
    if (size == 0) return true;
    const char *text = (const char *)data + 1;
    switch (data[0] % 3) {
    case 0:
        return fuzz_g16_proof(text, size - 1);
    case 1:
        return fuzz_g16_public(text, size - 1);
    default:
        return fuzz_g16_vk(text, size - 1);
    }
}

FUZZ_ENTRY(fuzz_groth16_json_check)
