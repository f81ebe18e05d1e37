/* eth_getProof: every answer in the vectors verifies against its block's
 * stateRoot; tampered answers (balance, nonce, hashes, storage values, proof
 * nodes) are rejected; absent accounts and zero slots, built with our own trie,
 * verify only with the empty values. */
#include "harness.h"

#include "lightclient/hex.h"
#include "lightclient/keccak.h"
#include "lightclient/mpt.h"
#include "lightclient/rlp.h"
#include "lightclient/state_proof.h"

static bool state_root_of(uint8_t out[32], const json_t *block)
{
    const char *s = json_string_value(json_object_get(block, "stateRoot"));
    return s && hex_decode_fixed(out, 32, s, NULL) == ZK_OK;
}

typedef struct vec {
    const char *proof;
    const char *block;
    bool proof_is_io, block_is_io;
} vec;

static const vec vectors[] = {
    {"proofs/helios_mainnet_21925176_proof.json", "receipts/helios_mainnet_21925176_block.json",
     false, false},
    {"proofs/helios_mainnet_21925176_block_miner_proof.json",
     "receipts/helios_mainnet_21925176_block.json", false, false},
    {"proofs/execution-apis_eth_getProof_get-account-proof-blockhash.io",
     "proofs/execution-apis_eth_getBlockByNumber_get-latest.io", true, true},
    {"proofs/execution-apis_eth_getProof_get-account-proof-default-block.io",
     "proofs/execution-apis_eth_getBlockByNumber_get-latest.io", true, true},
    {"proofs/execution-apis_eth_getProof_get-account-proof-latest.io",
     "proofs/execution-apis_eth_getBlockByNumber_get-latest.io", true, true},
    {"proofs/execution-apis_eth_getProof_get-account-proof-with-storage.io",
     "proofs/execution-apis_eth_getBlockByNumber_get-latest.io", true, true},
};

static bool load_vec(const vec *v, json_t **proof, uint8_t root[32])
{
    *proof = v->proof_is_io ? th_load_io_result(v->proof) : th_load_json(v->proof);
    json_t *block = v->block_is_io ? th_load_io_result(v->block) : th_load_json(v->block);
    bool ok = *proof && block && state_root_of(root, block);
    json_decref(block);
    if (!ok) {
        json_decref(*proof);
        *proof = NULL;
    }
    return ok;
}

static int verify(const uint8_t root[32], const json_t *res, zk_errbuf *err)
{
    memset(err, 0, sizeof(*err));
    return state_proof_verify(root, res, err);
}

TEST(vectors_verify)
{
    for (size_t i = 0; i < sizeof(vectors) / sizeof(*vectors); i++) {
        CASE_BEGIN("%s", vectors[i].proof);
        json_t *res;
        uint8_t root[32];
        CHECK(load_vec(&vectors[i], &res, root));
        if (res) {
            zk_errbuf err;
            int rc = verify(root, res, &err);
            CHECK_MSG(rc == ZK_OK, "%s (%s)", zk_strerror(rc), err.msg);
            /* The same answer against another root fails. */
            root[7] ^= 0x40;
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
            CHECK(err.msg[0] != '\0');
            json_decref(res);
        }
        CASE_END();
    }
}

/* Replaces the last hex digit of a string field with another digit. */
static void tweak_last_digit(json_t *obj, const char *key)
{
    char *s = strdup(json_string_value(json_object_get(obj, key)));
    size_t L = strlen(s);
    s[L - 1] = s[L - 1] == '1' ? '2' : '1';
    json_object_set_new(obj, key, json_string(s));
    free(s);
}

static void tweak_array_string(json_t *arr, size_t idx, size_t pos)
{
    char *s = strdup(json_string_value(json_array_get(arr, idx)));
    s[pos] = s[pos] == 'a' ? 'b' : 'a';
    json_array_set_new(arr, idx, json_string(s));
    free(s);
}

/* Each tampering of a valid answer must be rejected. */
TEST(tampered_answers_rejected)
{
    static const char *const fields[] = {"balance", "nonce", "storageHash", "codeHash", "address"};
    for (size_t vi = 0; vi < sizeof(vectors) / sizeof(*vectors); vi++) {
        json_t *orig;
        uint8_t root[32];
        if (!load_vec(&vectors[vi], &orig, root)) continue;
        zk_errbuf err;
        for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++) {
            CASE_BEGIN("%s: tampered %s", vectors[vi].proof, fields[f]);
            json_t *res = json_deep_copy(orig);
            tweak_last_digit(res, fields[f]);
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
            CHECK(err.msg[0] != '\0');
            json_decref(res);
            CASE_END();
        }
        CASE_BEGIN("%s: tampered account proof nodes", vectors[vi].proof);
        json_t *ap = json_object_get(orig, "accountProof");
        size_t n = json_array_size(ap);
        for (size_t k = 0; k < n; k++) {
            json_t *res = json_deep_copy(orig);
            json_t *arr = json_object_get(res, "accountProof");
            tweak_array_string(
                arr, k,
                2 + (size_t)(th_rand64() %
                             (strlen(json_string_value(json_array_get(arr, k))) - 2)));
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
            json_decref(res);
            res = json_deep_copy(orig);
            json_array_remove(json_object_get(res, "accountProof"), k); /* node dropped */
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
            json_decref(res);
        }
        json_t *res = json_deep_copy(orig);
        json_t *arr = json_object_get(res, "accountProof");
        json_array_append(arr, json_array_get(arr, 0)); /* extra node */
        CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
        CHECK(strstr(err.msg, "extra node") != NULL);
        json_decref(res);
        res = json_deep_copy(orig);
        json_object_set_new(res, "accountProof", json_array()); /* empty proof */
        CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
        json_decref(res);
        CASE_END();

        json_t *sp = json_object_get(orig, "storageProof");
        for (size_t si = 0; si < json_array_size(sp); si++) {
            CASE_BEGIN("%s: tampered storage proof %zu", vectors[vi].proof, si);
            /* value changed */
            res = json_deep_copy(orig);
            tweak_last_digit(json_array_get(json_object_get(res, "storageProof"), si), "value");
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
            json_decref(res);
            /* value claimed zero (a hidden slot) */
            res = json_deep_copy(orig);
            json_object_set_new(json_array_get(json_object_get(res, "storageProof"), si), "value",
                                json_string("0x0"));
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
            json_decref(res);
            /* A doubled prefix is malformed, never read as a shifted number. */
            res = json_deep_copy(orig);
            json_t *ent = json_array_get(json_object_get(res, "storageProof"), si);
            char twice[80];
            snprintf(twice, sizeof(twice), "0x%.70s",
                     json_string_value(json_object_get(ent, "value")));
            json_object_set_new(ent, "value", json_string(twice));
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_MALFORMED);
            json_decref(res);
            /* another slot with this slot's proof */
            res = json_deep_copy(orig);
            json_object_set_new(json_array_get(json_object_get(res, "storageProof"), si), "key",
                                json_string("0x1234"));
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
            json_decref(res);
            /* last node dropped, a node flipped */
            res = json_deep_copy(orig);
            json_t *pr =
                json_object_get(json_array_get(json_object_get(res, "storageProof"), si), "proof");
            json_array_remove(pr, json_array_size(pr) - 1);
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
            json_decref(res);
            res = json_deep_copy(orig);
            pr = json_object_get(json_array_get(json_object_get(res, "storageProof"), si), "proof");
            tweak_array_string(pr, 0, 10);
            CHECK_EQ_INT(verify(root, res, &err), ZK_ERR_REJECTED);
            json_decref(res);
            /* The same slot written with leading zeros still verifies. */
            res = json_deep_copy(orig);
            json_t *e = json_array_get(json_object_get(res, "storageProof"), si);
            uint8_t slot[32];
            size_t got;
            char hexslot[67];
            const char *k = json_string_value(json_object_get(e, "key"));
            memset(slot, 0, 32);
            size_t digits = strlen(k) - 2;
            if (digits % 2 == 0) {
                CHECK_EQ_INT(
                    hex_decode(slot + 32 - digits / 2, digits / 2, &got, k, strlen(k), NULL),
                    ZK_OK);
                hex_encode(hexslot, slot, 32, true);
                json_object_set_new(e, "key", json_string(hexslot));
            }
            CHECK_EQ_INT(verify(root, res, &err), ZK_OK);
            json_decref(res);
            CASE_END();
        }
        json_decref(orig);
    }
}

/* ---- synthetic state tries built with our own trie ---- */

static void put_account(mpt_trie *t, const uint8_t addr[20], uint64_t nonce, uint64_t balance,
                        const uint8_t storage[32], const uint8_t code[32])
{
    uint8_t key[32];
    zk_buf b;
    size_t mark;
    buf_init(&b, 0);
    rlp_list_begin(&b, &mark);
    CHECK_EQ_INT(rlp_encode_uint64(&b, nonce), ZK_OK);
    CHECK_EQ_INT(rlp_encode_uint64(&b, balance), ZK_OK);
    CHECK_EQ_INT(rlp_encode_bytes(&b, storage, 32), ZK_OK);
    CHECK_EQ_INT(rlp_encode_bytes(&b, code, 32), ZK_OK);
    CHECK_EQ_INT(rlp_list_end(&b, mark), ZK_OK);
    keccak256(key, addr, 20);
    CHECK_EQ_INT(mpt_put(t, key, 32, b.data, b.len, NULL), ZK_OK);
    buf_clear(&b);
}

static json_t *proof_json(mpt_trie *t, const uint8_t key[32])
{
    mpt_proof p;
    mpt_proof_init(&p);
    CHECK_EQ_INT(mpt_prove(&p, t, key, 32, NULL), ZK_OK);
    json_t *arr = json_array();
    for (size_t i = 0; i < p.n; i++) {
        char *h = malloc(hex_encoded_len(p.lens[i], true));
        hex_encode(h, p.nodes[i], p.lens[i], true);
        json_array_append_new(arr, json_string(h));
        free(h);
    }
    mpt_proof_clear(&p);
    return arr;
}

static json_t *hex_json(const uint8_t *p, size_t n)
{
    char h[80];
    hex_encode(h, p, n, true);
    return json_string(h);
}

TEST(synthetic_accounts_and_slots)
{
    static const uint8_t empty_code[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c,
                                           0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
                                           0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b,
                                           0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};
    uint8_t k[32];
    keccak256(k, NULL, 0);
    CHECK_MEM(k, empty_code, 32);

    /* Storage trie of one contract: slots 0..49 hold i + 1 (odd slots skipped). */
    mpt_trie st;
    mpt_init(&st);
    for (uint64_t s = 0; s < 50; s += 2) {
        uint8_t slot[32] = {0}, key[32];
        zk_buf v;
        slot[31] = (uint8_t)s;
        keccak256(key, slot, 32);
        buf_init(&v, 0);
        CHECK_EQ_INT(rlp_encode_uint64(&v, s + 1), ZK_OK);
        CHECK_EQ_INT(mpt_put(&st, key, 32, v.data, v.len, NULL), ZK_OK);
        buf_clear(&v);
    }
    uint8_t storage_root[32], state_root[32];
    CHECK_EQ_INT(mpt_root(storage_root, &st, NULL), ZK_OK);

    mpt_trie state;
    mpt_init(&state);
    uint8_t contract[20], absent[20];
    for (int i = 0; i < 40; i++) {
        uint8_t addr[20];
        th_rand_bytes(addr, 20);
        put_account(&state, addr, (uint64_t)i, 1000u * (uint64_t)i, MPT_EMPTY_ROOT, empty_code);
    }
    memset(contract, 0xcc, 20);
    memset(absent, 0xab, 20);
    put_account(&state, contract, 1, 77, storage_root, storage_root /* any code hash */);
    CHECK_EQ_INT(mpt_root(state_root, &state, NULL), ZK_OK);

    /* The contract with slots 4 (value 5) and 5 (absent, value 0). */
    json_t *res = json_object();
    uint8_t key[32];
    keccak256(key, contract, 20);
    json_object_set_new(res, "address", hex_json(contract, 20));
    json_object_set_new(res, "accountProof", proof_json(&state, key));
    json_object_set_new(res, "balance", json_string("0x4d"));
    json_object_set_new(res, "nonce", json_string("0x1"));
    json_object_set_new(res, "codeHash", hex_json(storage_root, 32));
    json_object_set_new(res, "storageHash", hex_json(storage_root, 32));
    json_t *sps = json_array();
    for (int s = 4; s <= 5; s++) {
        uint8_t slot[32] = {0}, skey[32];
        slot[31] = (uint8_t)s;
        keccak256(skey, slot, 32);
        json_t *e = json_object();
        json_object_set_new(e, "key", json_string(s == 4 ? "0x4" : "0x05"));
        json_object_set_new(e, "value", json_string(s == 4 ? "0x5" : "0x0"));
        json_object_set_new(e, "proof", proof_json(&st, skey));
        json_array_append_new(sps, e);
    }
    json_object_set_new(res, "storageProof", sps);
    zk_errbuf err;
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_OK);
    /* Slot 5 claimed non-zero, slot 4 claimed zero: both rejected. */
    json_object_set_new(json_array_get(sps, 1), "value", json_string("0x6"));
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_ERR_REJECTED);
    CHECK(strstr(err.msg, "proven empty") != NULL);
    json_object_set_new(json_array_get(sps, 1), "value", json_string("0x0"));
    json_object_set_new(json_array_get(sps, 0), "value", json_string("0x0"));
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_ERR_REJECTED);
    json_object_set_new(json_array_get(sps, 0), "value", json_string("0x5"));
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_OK);
    /* Malformed answers. */
    json_object_set_new(
        json_array_get(sps, 0), "key",
        json_string("0x"
                    "00000000000000000000000000000000000000000000000000000000000000004"));
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_ERR_RANGE);
    json_object_set_new(json_array_get(sps, 0), "key", json_string("4"));
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_ERR_MALFORMED);
    json_object_set_new(json_array_get(sps, 0), "key", json_string("0x4"));
    json_incref(sps);
    json_object_del(res, "storageProof");
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_ERR_MALFORMED);
    json_object_set_new(res, "storageProof", sps);
    json_object_del(res, "balance");
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_ERR_NOTFOUND);
    json_decref(res);

    /* An absent account: valid only with the empty values. */
    res = json_object();
    keccak256(key, absent, 20);
    json_object_set_new(res, "address", hex_json(absent, 20));
    json_object_set_new(res, "accountProof", proof_json(&state, key));
    json_object_set_new(res, "balance", json_string("0x0"));
    json_object_set_new(res, "nonce", json_string("0x0"));
    json_object_set_new(res, "codeHash", hex_json(empty_code, 32));
    json_object_set_new(res, "storageHash", hex_json(MPT_EMPTY_ROOT, 32));
    sps = json_array();
    json_t *e = json_object();
    json_object_set_new(e, "key", json_string("0x0"));
    json_object_set_new(e, "value", json_string("0x0"));
    json_object_set_new(e, "proof", json_array());
    json_array_append_new(sps, e);
    json_object_set_new(res, "storageProof", sps);
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_OK);
    /* Some nodes write zero hashes for an absent account. */
    uint8_t zero[32] = {0};
    json_object_set_new(res, "codeHash", hex_json(zero, 32));
    json_object_set_new(res, "storageHash", hex_json(zero, 32));
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_OK);
    /* An absent account's slot cannot hold a value. */
    json_object_set_new(e, "value", json_string("0x1"));
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_ERR_REJECTED);
    json_object_set_new(e, "value", json_string("0x0"));
    static const char *const nonempty[][2] = {
        {"balance", "0x1"}, {"nonce", "0x1"}, {"codeHash", NULL}, {"storageHash", NULL}};
    for (size_t i = 0; i < 4; i++) {
        json_t *copy = json_deep_copy(res);
        if (nonempty[i][1])
            json_object_set_new(copy, nonempty[i][0], json_string(nonempty[i][1]));
        else
            json_object_set_new(copy, nonempty[i][0], hex_json(storage_root, 32));
        CHECK_EQ_INT(verify(state_root, copy, &err), ZK_ERR_REJECTED);
        CHECK(strstr(err.msg, "absent") != NULL);
        json_decref(copy);
    }
    /* No proof at all for a non-empty state trie. */
    json_object_set_new(res, "accountProof", json_array());
    CHECK_EQ_INT(verify(state_root, res, &err), ZK_ERR_REJECTED);
    json_decref(res);

    mpt_clear(&st);
    mpt_clear(&state);
}

TEST_MAIN(RUN(vectors_verify); RUN(tampered_answers_rejected); RUN(synthetic_accounts_and_slots))
