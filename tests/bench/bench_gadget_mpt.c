/* Size and build time of the receipts-trie inclusion gadget (prover/gadget_mpt.h) on a
 * real proof: receipt 0 of mainnet block 21925176 (1553 bytes, 3 nodes), from
 * $ZK_VECTORS/receipts. Two parameter sets: the goal (depth 4, 2 KiB receipts,
 * about 4M constraints) and the defaults (depth 6). Each figure is one build; the
 * system is checked satisfied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lightclient/hex.h"
#include "lightclient/mpt.h"
#include "lightclient/receipt.h"
#include "prover/circuit.h"
#include "prover/gadget_bits.h"
#include "prover/gadget_keccak.h"
#include "prover/gadget_mpt.h"

#define RECEIPT_INDEX 0

/* Process CPU time: the build is single-threaded, and the machine may be shared. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static json_t *load(const char *name)
{
    const char *vectors = getenv("ZK_VECTORS");
    char path[600];
    snprintf(path, sizeof path, "%s/receipts/%s", vectors ? vectors : "../shared/vectors", name);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j) fprintf(stderr, "gadget_mpt: %s: %s\n", path, e.text);
    return j;
}

/* Returns the constraints of one gk_keccak256_var over max_len bytes (0 on failure). */
static size_t keccak_var_cost(size_t max_len)
{
    r1cs cs;
    circ c;
    size_t n = 0;
    r1cs_var *bits = calloc(8 * max_len, sizeof *bits), digest[256];
    uint8_t *zero = calloc(max_len, 1);
    if (bits && zero && r1cs_init(&cs) == ZK_OK) {
        circ_init(&c, &cs);
        gb_alloc_bytes(&c, zero, max_len, bits);
        r1cs_var len = circ_var_u64(&c, max_len / 2);
        size_t before = cs.n_cons;
        gk_keccak256_var(&c, bits, max_len, len, digest);
        if (circ_status(&c, NULL) == ZK_OK) n = cs.n_cons - before;
        circ_clear(&c);
        r1cs_clear(&cs);
    }
    free(bits);
    free(zero);
    return n;
}

/* Builds the gadget for the proof under p and prints its figures. Returns 0 on success. */
static int bench_one(const char *label, const gm_params *p, const uint8_t root[32], uint64_t index,
                     const mpt_proof *pr, const uint8_t *value, size_t vlen)
{
    r1cs cs;
    circ c;
    int rc = 1;
    r1cs_var root_bits[256], *value_bits = calloc(8 * p->max_value_len, sizeof *value_bits);
    uint8_t *vbuf = calloc(p->max_value_len, 1);
    if (!value_bits || !vbuf || vlen > p->max_value_len || r1cs_init(&cs) != ZK_OK) {
        fprintf(stderr, "gadget_mpt: setup failed\n");
        free(value_bits);
        free(vbuf);
        return 1;
    }
    memcpy(vbuf, value, vlen);
    circ_init(&c, &cs);
    double t0 = now_s();
    gb_alloc_bytes(&c, root, 32, root_bits);
    r1cs_var iv = circ_var_u64(&c, index);
    gb_alloc_bytes(&c, vbuf, p->max_value_len, value_bits);
    r1cs_var lv = circ_var_u64(&c, vlen);
    size_t before = cs.n_cons;
    gm_receipt_inclusion(&c, p, root_bits, iv, (const uint8_t *const *)pr->nodes, pr->lens, pr->n,
                         value_bits, lv);
    double t_build = now_s() - t0;
    zk_errbuf err;
    if (circ_status(&c, &err) != ZK_OK) {
        fprintf(stderr, "gadget_mpt: build failed: %s\n", err.msg);
        goto out;
    }
    t0 = now_s();
    int sat = r1cs_is_satisfied(&cs, NULL, NULL);
    double t_sat = now_s() - t0;
    size_t total = cs.n_cons - before;
    size_t hashing = (p->max_depth - 1) * keccak_var_cost(p->max_node_len) +
                     keccak_var_cost(p->max_value_len + GM_LEAF_OVERHEAD);
    printf("gadget_mpt: receipt inclusion depth %zu, nodes %zu B, receipt %zu B (%s): "
           "%zu constraints (%.2fM: hashing %zu Keccak-f blocks %.2fM, RLP walk and the rest "
           "%.2fM), build %.2f s cpu, satisfiability check %.2f s cpu, %s\n",
           p->max_depth, p->max_node_len, p->max_value_len, label, total, (double)total / 1e6,
           gm_keccak_blocks(p), (double)hashing / 1e6, ((double)total - (double)hashing) / 1e6,
           t_build, t_sat, sat == ZK_OK ? "satisfied" : "NOT SATISFIED");
    rc = sat == ZK_OK ? 0 : 1;
out:
    circ_clear(&c);
    r1cs_clear(&cs);
    free(value_bits);
    free(vbuf);
    return rc;
}

int main(void)
{
    int rc = 1;
    json_t *receipts = load("helios_mainnet_21925176_receipts.json");
    json_t *block = load("helios_mainnet_21925176_block.json");
    size_t n = receipts ? json_array_size(receipts) : 0;
    uint8_t **vals = calloc(n ? n : 1, sizeof *vals), root[32];
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    mpt_proof pr;
    mpt_proof_init(&pr);
    const char *hex = block ? json_string_value(json_object_get(block, "receiptsRoot")) : NULL;
    if (!vals || !lens || n <= RECEIPT_INDEX || !hex ||
        hex_decode_fixed(root, 32, hex, NULL) != ZK_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        eth_receipt r;
        zk_buf b;
        buf_init(&b, 0);
        if (receipt_from_json(&r, json_array_get(receipts, i), NULL) != ZK_OK) goto out;
        int erc = receipt_encode(&b, &r);
        receipt_clear(&r);
        vals[i] = b.data;
        lens[i] = b.len;
        if (erc != ZK_OK) goto out;
    }
    if (mpt_prove_index(&pr, (const uint8_t *const *)vals, lens, n, RECEIPT_INDEX, NULL) != ZK_OK)
        goto out;
    gm_params goal = {4, 532, 2048}, def;
    gm_params_default(&def);
    rc = bench_one("the issue's goal", &goal, root, RECEIPT_INDEX, &pr, vals[RECEIPT_INDEX],
                   lens[RECEIPT_INDEX]);
    rc |= bench_one("the defaults", &def, root, RECEIPT_INDEX, &pr, vals[RECEIPT_INDEX],
                    lens[RECEIPT_INDEX]);
out:
    if (rc) fprintf(stderr, "gadget_mpt: benchmark failed\n");
    mpt_proof_clear(&pr);
    for (size_t i = 0; i < n; i++)
        free(vals ? vals[i] : NULL);
    free(vals);
    free(lens);
    json_decref(receipts);
    json_decref(block);
    return rc;
}
