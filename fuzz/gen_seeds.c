/* Writes the seeds of fuzz/corpus/ that need the library's encoders: receipts-trie
 * and account proofs (mpt_proof), a proof bundle (bundle) and a minimal .ptau (ptau).
 * The other seeds come straight from the vector files (fuzz/gen_seeds.py).
 *
 * Build and run from the repository root after `make` (see fuzz/README.md):
 *   cc -std=c11 -I. -D_DEFAULT_SOURCE fuzz/gen_seeds.c build/rel/libzkrelay.a \
 *      -lsecp256k1 -ljansson -lcurl -lcrypto -lleveldb -lpthread -lm -o build/gen_seeds
 *   ZK_VECTORS=../shared/vectors build/gen_seeds */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "lightclient/lightclient.h"
#include "prover/binfile.h"
#include "prover/g1.h"
#include "prover/g2.h"
#include "prover/ptau_file.h"
#include "relayer/bundle.h"

static const char *vectors_dir(void)
{
    const char *v = getenv("ZK_VECTORS");
    return v && *v ? v : "../shared/vectors";
}

static int put(const char *harness, const char *name, const void *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof(path), "fuzz/corpus/%s", harness);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "fuzz/corpus/%s/%s", harness, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "gen_seeds: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

/* The "<< " line of an execution-apis .io transcript, parsed. */
static json_t *io_response(const char *rel)
{
    char path[512], line[1 << 16];
    snprintf(path, sizeof(path), "%s/%s", vectors_dir(), rel);
    FILE *f = fopen(path, "r");
    json_t *doc = NULL;
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "<< ", 3) == 0) doc = json_loads(line + 3, 0, NULL);
    if (f) fclose(f);
    return doc;
}

static json_t *load(const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", vectors_dir(), rel);
    return json_load_file(path, 0, NULL);
}

/* mpt_proof seed: mode, root, key, nodes as (u16 len, node). */
static int put_proof(const char *name, uint8_t mode, const uint8_t root[32], const uint8_t *key,
                     size_t key_len, const mpt_proof *p)
{
    zk_buf b;
    uint8_t be[2];
    int rc = 0;
    buf_init(&b, 0);
    rc |= buf_append_byte(&b, mode);
    rc |= buf_append(&b, root, 32);
    rc |= buf_append_byte(&b, (uint8_t)key_len);
    rc |= buf_append(&b, key, key_len);
    for (size_t i = 0; i < p->n && !rc; i++) {
        if (p->lens[i] > 0xffff) break;
        be[0] = (uint8_t)(p->lens[i] >> 8);
        be[1] = (uint8_t)p->lens[i];
        rc |= buf_append(&b, be, 2);
        rc |= buf_append(&b, p->nodes[i], p->lens[i]);
    }
    rc = rc ? rc : put("mpt_proof", name, b.data, b.len);
    buf_clear(&b);
    return rc;
}

static int gen_mpt(void)
{
    int rc = 0;
    json_t *res = io_response("receipts/execution-apis_debug_getRawReceipts_get-block-n.io");
    json_t *arr = json_object_get(res, "result");
    size_t n = json_array_size(arr);
    uint8_t *vals[16];
    size_t lens[16], i;
    if (n == 0 || n > 16) {
        json_decref(res);
        return 1;
    }
    for (i = 0; i < n; i++)
        if (hex_decode_alloc(&vals[i], &lens[i], json_string_value(json_array_get(arr, i)), NULL))
            return 1;
    uint8_t root[32], key[9];
    if (mpt_root_of_list(root, (const uint8_t *const *)vals, lens, n, NULL)) return 1;
    for (i = 0; i <= n; i++) {
        mpt_proof p;
        char name[64];
        mpt_proof_init(&p);
        /* i == n proves the absence of the next index. */
        size_t at = i < n ? i : n - 1;
        if (mpt_prove_index(&p, (const uint8_t *const *)vals, lens, n, at, NULL)) return 1;
        size_t kl = mpt_index_key(key, i);
        snprintf(name, sizeof(name), "receipts_index_%zu", i);
        rc |= put_proof(name, 0, root, key, kl, &p);
        snprintf(name, sizeof(name), "receipts_index_%zu_rootless", i);
        rc |= put_proof(name, 1, root, key, kl, &p);
        mpt_proof_clear(&p);
    }
    /* The in-memory trie mode: the same receipts, keyed by RLP(index), values cut to 255. */
    zk_buf b;
    buf_init(&b, 0);
    rc |= buf_append_byte(&b, 2);
    for (i = 0; i < n; i++) {
        size_t kl = mpt_index_key(key, i), vl = lens[i] > 255 ? 255 : lens[i];
        rc |= buf_append_byte(&b, (uint8_t)kl) | buf_append(&b, key, kl);
        rc |= buf_append_byte(&b, (uint8_t)vl) | buf_append(&b, vals[i], vl);
    }
    static const uint8_t extra[] = {1, 0xaa, 1, 0x01, 2, 0xaa, 0xbb, 1, 0x02, 1, 0xaa, 0};
    rc |= buf_append(&b, extra, sizeof(extra)); /* a prefix key, then its deletion */
    rc = rc ? rc : put("mpt_proof", "trie_mode_receipts", b.data, b.len);
    buf_clear(&b);
    for (i = 0; i < n; i++)
        free(vals[i]);
    json_decref(res);

    /* eth_getProof account proofs: key keccak256(address), root the block's stateRoot. */
    json_t *pr = load("proofs/helios_mainnet_21925176_proof.json");
    json_t *blk = load("receipts/helios_mainnet_21925176_block.json");
    uint8_t addr[20], hkey[32];
    const json_t *ap = json_object_get(pr, "accountProof");
    if (json_get_data_fixed(addr, 20, pr, "address", NULL) ||
        json_get_data_fixed(root, 32, blk, "stateRoot", NULL) || !json_is_array(ap)) {
        fprintf(stderr, "gen_seeds: helios proof vectors unreadable\n");
        rc = 1;
    } else {
        mpt_proof p;
        mpt_proof_init(&p);
        const json_t *node;
        json_array_foreach(ap, i, node)
        {
            uint8_t *nb;
            size_t nl;
            if (hex_decode_alloc(&nb, &nl, json_string_value(node), NULL) == ZK_OK) {
                rc |= mpt_proof_add(&p, nb, nl);
                free(nb);
            }
        }
        keccak256(hkey, addr, 20);
        rc |= put_proof("helios_account_proof", 0, root, hkey, 32, &p);
        mpt_proof_clear(&p);
    }
    json_decref(pr);
    json_decref(blk);
    return rc;
}

/* A power-1 .ptau of infinity points: the smallest file ptau_file_parse accepts. */
static int gen_ptau(void)
{
    zk_buf b;
    size_t mark;
    int rc = 0;
    static const uint8_t zero[128];
    struct {
        uint32_t id;
        size_t points, size;
    } secs[] = {{2, 3, 64}, {3, 2, 128}, {4, 2, 64}, {5, 2, 64}, {6, 1, 128}};
    buf_init(&b, 0);
    rc |= binfile_write_header(&b, "ptau", 1, 7);
    rc |= binfile_write_section_begin(&b, &mark, 1);
    rc |= binfile_write_le32(&b, 32) | buf_append(&b, binfile_bn254_q_le, 32);
    rc |= binfile_write_le32(&b, 1) | binfile_write_le32(&b, 1);
    binfile_write_section_end(&b, mark);
    for (size_t s = 0; s < sizeof(secs) / sizeof(secs[0]); s++) {
        rc |= binfile_write_section_begin(&b, &mark, secs[s].id);
        for (size_t k = 0; k < secs[s].points; k++)
            rc |= buf_append(&b, zero, secs[s].size);
        binfile_write_section_end(&b, mark);
    }
    rc |= binfile_write_section_begin(&b, &mark, 7);
    rc |= binfile_write_le32(&b, 0);
    binfile_write_section_end(&b, mark);
    ptau_file p;
    if (!rc && ptau_file_parse(&p, b.data, b.len, NULL) != ZK_OK) {
        fprintf(stderr, "gen_seeds: the minimal ptau does not parse\n");
        rc = 1;
    }
    rc = rc ? rc : put("ptau", "minimal_power1.ptau", b.data, b.len);
    buf_clear(&b);
    return rc;
}

/* A bundle around the real Besu QBFT block of the vectors: its header, its validators
 * as the trusted set, a receipts trie of the execution-apis receipts, and generator
 * points standing in for the proofs (bundle_build verifies nothing). */
static int gen_bundle(void)
{
    int rc = 1;
    json_t *hs = load("qbft/real_headers.json");
    json_t *res = io_response("receipts/execution-apis_debug_getRawReceipts_get-block-n.io");
    json_t *arr = json_object_get(res, "result");
    uint8_t *hdr = NULL, *vals[16] = {0};
    size_t hdr_len = 0, lens[16], n = json_array_size(arr), i;
    static bft_extra x;
    eth_header h;
    bundle b;
    mpt_proof p;
    zk_buf out;
    header_init(&h);
    bundle_init(&b);
    mpt_proof_init(&p);
    buf_init(&out, 0);
    if (n == 0 || n > 16 ||
        hex_decode_alloc(&hdr, &hdr_len,
                         json_string_value(json_object_get(json_array_get(hs, 0), "header_rlp")),
                         NULL) ||
        header_decode_rlp(&h, hdr, hdr_len, NULL) ||
        bft_extra_decode(&x, BFT_QBFT, h.extra_data, h.extra_len, NULL))
        goto out;
    for (i = 0; i < n; i++)
        if (hex_decode_alloc(&vals[i], &lens[i], json_string_value(json_array_get(arr, i)), NULL))
            goto out;
    if (mpt_prove_index(&p, (const uint8_t *const *)vals, lens, n, 0, NULL)) goto out;

    bundle_input in;
    memset(&in, 0, sizeof(in));
    in.msg.src_chain_id = 1337;
    memset(in.msg.outbox, 0x0b, 20);
    in.msg.nonce = 1;
    memset(in.msg.sender, 0x5e, 20);
    in.msg.dst_chain_id = 31337;
    memset(in.msg.receiver, 0x7e, 20);
    static uint8_t payload[4] = {0xde, 0xad, 0xbe, 0xef};
    in.msg.payload = payload;
    in.msg.payload_len = sizeof(payload);
    in.header_rlp = hdr;
    in.header_len = hdr_len;
    in.trusted = (const uint8_t(*)[20])x.validators;
    in.n_trusted = x.n_validators;
    stmt_fin_default_params(&in.fin_params, 4);
    stmt_inc_default_params(&in.inc_params);
    g1_generator(&in.fin_proof.a);
    g2_generator(&in.fin_proof.b);
    g1_generator(&in.fin_proof.c);
    in.inc_proof = in.fin_proof;
    for (i = 0; i < STMT_FIN_N_PUBLIC; i++)
        in.fin_public[i][31] = (uint8_t)(i + 1);
    in.inc_public[0][31] = 7;
    in.receipt = vals[0];
    in.receipt_len = lens[0];
    in.tx_index = 0;
    in.log_index = 0;
    in.nodes = (const uint8_t *const *)p.nodes;
    in.node_lens = p.lens;
    in.n_nodes = p.n;
    uint8_t txh[32], inbox[20];
    memset(txh, 0x71, 32);
    memset(inbox, 0x1b, 20);
    in.src_tx_hash = txh;
    in.has_block_log_index = true;
    in.block_log_index = 3;
    in.inbox = inbox;
    zk_errbuf err = {{0}, 0};
    if (bundle_build(&b, &in, &err) || bundle_write(&out, &b, &err)) {
        fprintf(stderr, "gen_seeds: bundle: %s\n", err.msg);
        goto out;
    }
    rc = put("bundle", "qbft_block_7528.json", out.data, out.len);
out:
    if (rc) fprintf(stderr, "gen_seeds: no bundle seed\n");
    for (i = 0; i < 16; i++)
        free(vals[i]);
    free(hdr);
    header_clear(&h);
    bundle_clear(&b);
    mpt_proof_clear(&p);
    buf_clear(&out);
    json_decref(hs);
    json_decref(res);
    return rc;
}

int main(void)
{
    int rc = gen_mpt();
    rc |= gen_ptau();
    rc |= gen_bundle();
    if (!rc) printf("gen_seeds: mpt_proof, ptau and bundle seeds written\n");
    return rc ? 1 : 0;
}
