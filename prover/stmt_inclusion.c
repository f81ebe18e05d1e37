/* The inclusion statement (see stmt_inclusion.h). */
#include "prover/stmt_inclusion.h"

#include <stdlib.h>
#include <string.h>

#include "lightclient/keccak.h"
#include "lightclient/mpt.h"
#include "lightclient/receipt.h"
#include "prover/circuit.h"
#include "prover/gadget_bits.h"
#include "prover/gadget_keccak.h"
#include "prover/gadget_mpt.h"
#include "prover/gadget_rlp.h"

void stmt_inc_default_params(stmt_inc_params *p)
{
    p->max_depth = 6;
    p->max_receipt = 2048;
    p->max_logs = 8;
    p->max_node_len = 532;
}

int stmt_inc_check_params(const stmt_inc_params *p, zk_errbuf *err)
{
    if (p->max_depth < 1 || p->max_depth > STMT_INC_MAX_DEPTH)
        return ZK_FAIL(err, ZK_ERR_RANGE, "inclusion: depth must be 1..%d, not %zu",
                       STMT_INC_MAX_DEPTH, p->max_depth);
    if (p->max_receipt < 64 || p->max_receipt > 65535)
        return ZK_FAIL(err, ZK_ERR_RANGE, "inclusion: max receipt must be 64..65535 bytes, not %zu",
                       p->max_receipt);
    if (p->max_logs < 1 || p->max_logs > 256)
        return ZK_FAIL(err, ZK_ERR_RANGE, "inclusion: max logs must be 1..256, not %zu",
                       p->max_logs);
    if (p->max_node_len < 64 || p->max_node_len > 1024)
        return ZK_FAIL(err, ZK_ERR_RANGE, "inclusion: max node length must be 64..1024, not %zu",
                       p->max_node_len);
    return ZK_OK;
}

void stmt_inc_event_topic(uint8_t topic[32])
{
    keccak256(topic, (const uint8_t *)STMT_INC_EVENT_SIGNATURE, strlen(STMT_INC_EVENT_SIGNATURE));
}

static void public_digest(uint8_t d[32], const uint8_t root[32], const uint8_t m[32],
                          const uint8_t outbox[20])
{
    uint8_t in[84];
    memcpy(in, root, 32);
    memcpy(in + 32, m, 32);
    memcpy(in + 64, outbox, 20);
    keccak256(d, in, sizeof in);
}

void stmt_inc_public_signal(fr *sig, const uint8_t root[32], const uint8_t m[32],
                            const uint8_t outbox[20])
{
    uint8_t d[32], be[32] = {0};
    public_digest(d, root, m, outbox);
    memcpy(be + 1, d, 31);
    fr_from_bytes_be_reduce(sig, be);
}

void stmt_inc_witness_clear(stmt_inc_witness *w)
{
    if (!w) return;
    free(w->receipt);
    for (size_t i = 0; i < STMT_INC_MAX_DEPTH; i++)
        free(w->nodes[i]);
    memset(w, 0, sizeof *w);
}

int stmt_inc_witness_from_receipts(stmt_inc_witness *w, const stmt_inc_params *p,
                                   const uint8_t *const *receipts, const size_t *lens, size_t n,
                                   uint64_t tx_index, uint64_t log_index, const uint8_t outbox[20],
                                   zk_errbuf *err)
{
    memset(w, 0, sizeof *w);
    int rc = stmt_inc_check_params(p, err);
    if (rc) return rc;
    if (tx_index >= n)
        return ZK_FAIL(err, ZK_ERR_RANGE, "inclusion: transaction %llu of a block of %zu",
                       (unsigned long long)tx_index, n);
    if (lens[tx_index] > p->max_receipt)
        return ZK_FAIL(err, ZK_ERR_RANGE, "inclusion: receipt is %zu bytes, circuit holds %zu",
                       lens[tx_index], p->max_receipt);
    eth_receipt r;
    memset(&r, 0, sizeof r);
    rc = receipt_decode(&r, receipts[tx_index], lens[tx_index], err);
    if (rc) return zk_fail_wrap(err, rc, "inclusion: receipt %llu", (unsigned long long)tx_index);
    uint8_t topic[32];
    stmt_inc_event_topic(topic);
    if (log_index >= r.n_logs || log_index >= p->max_logs) {
        rc = ZK_FAIL(err, ZK_ERR_RANGE,
                     "inclusion: log %llu of a receipt with %zu logs (circuit: %zu)",
                     (unsigned long long)log_index, r.n_logs, p->max_logs);
    } else {
        const eth_log *lg = &r.logs[log_index];
        if (memcmp(lg->address, outbox, 20) || lg->n_topics < 2 || memcmp(lg->topics[0], topic, 32))
            rc = ZK_FAIL(err, ZK_ERR_REJECTED,
                         "inclusion: log %llu is not a MessageSent of the Outbox",
                         (unsigned long long)log_index);
        else
            memcpy(w->m, lg->topics[1], 32);
    }
    receipt_clear(&r);
    if (rc) return rc;
    if ((rc = mpt_root_of_list(w->root, receipts, lens, n, err))) return rc;
    mpt_proof pf;
    mpt_proof_init(&pf);
    rc = mpt_prove_index(&pf, receipts, lens, n, (size_t)tx_index, err);
    if (rc == ZK_OK && pf.n > p->max_depth)
        rc = ZK_FAIL(err, ZK_ERR_RANGE, "inclusion: trie path of %zu nodes, circuit holds %zu",
                     pf.n, p->max_depth);
    if (rc == ZK_OK) {
        w->n_nodes = pf.n;
        for (size_t i = 0; i < pf.n; i++) {
            w->nodes[i] = pf.nodes[i];
            w->node_lens[i] = pf.lens[i];
            pf.nodes[i] = NULL;
        }
        w->receipt = malloc(lens[tx_index]);
        if (!w->receipt) rc = ZK_FAIL(err, ZK_ERR_NOMEM, "inclusion: out of memory");
    }
    mpt_proof_clear(&pf);
    if (rc) {
        stmt_inc_witness_clear(w);
        return rc;
    }
    memcpy(w->receipt, receipts[tx_index], lens[tx_index]);
    w->receipt_len = lens[tx_index];
    w->tx_index = tx_index;
    w->log_index = log_index;
    memcpy(w->outbox, outbox, 20);
    return ZK_OK;
}

int stmt_inc_witness_synthetic(stmt_inc_witness *w, const stmt_inc_params *p, size_t n_receipts,
                               zk_errbuf *err)
{
    memset(w, 0, sizeof *w);
    if (n_receipts < 1 || n_receipts > 4096)
        return ZK_FAIL(err, ZK_ERR_RANGE, "inclusion: synthetic block of %zu receipts", n_receipts);
    uint8_t outbox[20], data[256];
    memset(outbox, 0x0b, sizeof outbox);
    memset(data, 0x5a, sizeof data);
    eth_log lg;
    memset(&lg, 0, sizeof lg);
    memcpy(lg.address, outbox, 20);
    lg.n_topics = 4;
    stmt_inc_event_topic(lg.topics[0]);
    lg.data = data;
    lg.data_len = p->max_receipt > 600 ? sizeof data : 16;
    eth_receipt r;
    memset(&r, 0, sizeof r);
    r.type = 2;
    r.has_status = true;
    r.status = 1;
    r.logs = &lg;
    r.n_logs = 1;
    receipt_compute_bloom(r.bloom, &r);
    uint8_t **enc = calloc(n_receipts, sizeof *enc);
    size_t *lens = calloc(n_receipts, sizeof *lens);
    int rc = enc && lens ? ZK_OK : ZK_FAIL(err, ZK_ERR_NOMEM, "inclusion: out of memory");
    for (size_t i = 0; i < n_receipts && rc == ZK_OK; i++) {
        keccak256(lg.topics[1], (const uint8_t *)&i, sizeof i);
        r.cumulative_gas = 21000 * (i + 1);
        zk_buf b;
        buf_init(&b, 1u << 20);
        rc = receipt_encode(&b, &r);
        enc[i] = b.data;
        lens[i] = b.len;
    }
    if (rc == ZK_OK)
        rc = stmt_inc_witness_from_receipts(w, p, (const uint8_t *const *)enc, lens, n_receipts,
                                            n_receipts / 2, 0, outbox, err);
    for (size_t i = 0; enc && i < n_receipts; i++)
        free(enc[i]);
    free(enc);
    free(lens);
    return rc;
}

int stmt_inc_build(r1cs *cs, const stmt_inc_params *p, const stmt_inc_witness *w, fr *sig,
                   zk_errbuf *err)
{
    int rc = stmt_inc_check_params(p, err);
    if (rc) return rc;
    if (w->receipt_len > p->max_receipt || w->n_nodes < 1 || w->n_nodes > p->max_depth)
        return ZK_FAIL(err, ZK_ERR_USAGE, "inclusion: witness does not match the parameters");
    circ cc, *c = &cc;
    circ_init(c, cs);
    const size_t nr = p->max_receipt;
    uint8_t *buf = calloc(nr, 1);
    r1cs_var *rb = malloc(sizeof(r1cs_var) * 8 * nr);
    if (!buf || !rb) {
        circ_fail(c, ZK_ERR_NOMEM, "inclusion: out of memory");
        goto done;
    }
    /* R || m || A, hashed for the public signal */
    uint8_t pubin[84];
    memcpy(pubin, w->root, 32);
    memcpy(pubin + 32, w->m, 32);
    memcpy(pubin + 64, w->outbox, 20);
    r1cs_var pin[8 * 84];
    gb_alloc_bytes(c, pubin, 84, pin);
    const r1cs_var *root = pin, *m = pin + 256, *outbox = pin + 512;

    memcpy(buf, w->receipt, w->receipt_len);
    gb_alloc_bytes(c, buf, nr, rb);
    r1cs_var rlen = circ_var_u64(c, w->receipt_len);
    r1cs_var index = circ_var_u64(c, w->tx_index);
    gm_params gp = {.max_depth = p->max_depth,
                    .max_node_len = p->max_node_len,
                    .max_value_len = p->max_receipt};
    gm_receipt_inclusion(c, &gp, root, index, (const uint8_t *const *)w->nodes, w->node_lens,
                         w->n_nodes, rb, rlen);

    r1cs_var log_index = circ_var_u64(c, w->log_index);
    r1cs_var addr[160], topics[512];
    gr_receipt_log(c, rb, nr, rlen, p->max_logs, log_index, 2, addr, topics);
    gb_assert_equal_bits(c, addr, outbox, 160);
    uint8_t topic[32];
    stmt_inc_event_topic(topic);
    for (int i = 0; i < 256; i++)
        circ_assert_const(c, topics[i], (topic[i / 8] >> (i % 8)) & 1);
    gb_assert_equal_bits(c, topics + 256, m, 256);

    r1cs_var d[256];
    gk_keccak256(c, pin, 84, d);
    gb_pack_be_public(c, d, 31);
    if (sig && circ_ok(c)) stmt_inc_public_signal(sig, w->root, w->m, w->outbox);
done:
    rc = circ_status(c, err);
    circ_clear(c);
    free(buf);
    free(rb);
    return rc;
}
