/* Constraint counts of the selection and RLP gadgets at the sizes the statements use:
 * trie nodes (532 B), headers (~1 KiB), receipts (2 KiB). Builds each gadget on a
 * random array (or a synthetic receipt) and prints constraints, variables and the
 * build time; the circuit size, not the time, is the figure that matters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lightclient/rlp.h"
#include "prover/gadget_rlp.h"
#include "prover/gadget_select.h"
#include "bench/bench_util.h"

typedef struct bctx {
    r1cs cs;
    circ c;
    r1cs_var *bits;
    size_t n;
    size_t cons0, vars0;
    double t0;
} bctx;

/* A system holding n bytes (bits allocated and constrained; not counted). */
static int bctx_init(bctx *b, const uint8_t *bytes, size_t n)
{
    if (r1cs_init(&b->cs) != ZK_OK) return -1;
    circ_init(&b->c, &b->cs);
    b->n = n;
    b->bits = malloc(8 * n * sizeof *b->bits);
    if (!b->bits) return -1;
    for (size_t i = 0; i < 8 * n; i++)
        b->bits[i] = circ_bit(&b->c, (bytes[i / 8] >> (i % 8)) & 1);
    b->cons0 = b->cs.n_cons;
    b->vars0 = b->cs.n_vars;
    b->t0 = bench_now_s();
    return 0;
}

static int bctx_report(bctx *b, const char *what)
{
    double dt = bench_now_s() - b->t0;
    zk_errbuf err;
    int rc = circ_status(&b->c, &err);
    if (rc == ZK_OK && r1cs_is_satisfied(&b->cs, NULL, NULL) != ZK_OK) rc = ZK_ERR_INTERNAL;
    if (rc != ZK_OK)
        fprintf(stderr, "bench_gadget_rlp: %s failed: %s\n", what, err.msg);
    else
        printf("gadget_rlp: %-44s n=%5zu  %7zu constraints  %7zu variables  (%.1f ms build)\n",
               what, b->n, b->cs.n_cons - b->cons0, (size_t)(b->cs.n_vars - b->vars0), 1e3 * dt);
    circ_clear(&b->c);
    r1cs_clear(&b->cs);
    free(b->bits);
    return rc;
}

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        p[i] = (uint8_t)(seed >> 56);
    }
}

int main(void)
{
    int rc = 0;
    static uint8_t arr[2048];
    fill(arr, sizeof arr, 1);
    static const size_t sizes[] = {532, 1024, 2048};
    for (size_t s = 0; s < 3; s++) {
        size_t n = sizes[s];
        bctx b;
        r1cs_var out[8 * 256];
        if (bctx_init(&b, arr, n)) return 1;
        gsel_byte_at(&b.c, b.bits, n, circ_var_u64(&b.c, n / 3));
        rc |= bctx_report(&b, "gsel_byte_at");
        static const size_t ws[] = {20, 32, 256};
        for (size_t k = 0; k < 3; k++) {
            if (bctx_init(&b, arr, n)) return 1;
            gsel_window(&b.c, b.bits, n, circ_var_u64(&b.c, n / 5), ws[k], out);
            char name[64];
            snprintf(name, sizeof name, "gsel_window w=%zu", ws[k]);
            rc |= bctx_report(&b, name);
        }
        /* an item: a 2-byte-length string at offset 0 spanning the array */
        uint8_t item[2048];
        fill(item, n, 2);
        item[0] = 0xb9;
        item[1] = (uint8_t)((n - 3) >> 8);
        item[2] = (uint8_t)(n - 3);
        if (bctx_init(&b, item, n)) return 1;
        gr_item it;
        gr_item_at(&b.c, b.bits, n, circ_var_u64(&b.c, 0), circ_var_u64(&b.c, n), &it);
        rc |= bctx_report(&b, "gr_item_at");
    }
    /* a list of 16 short items, item 9 */
    {
        uint8_t list[2048];
        size_t n = 1 + 16 * 33;
        fill(list, n, 3);
        list[0] = 0xf9;
        list[1] = (uint8_t)((n - 3) >> 8);
        list[2] = (uint8_t)(n - 3);
        for (size_t i = 0; i < 16; i++)
            list[3 + 33 * i] = 0xa0;
        n = 3 + 16 * 33;
        bctx b;
        if (bctx_init(&b, list, n)) return 1;
        gr_item l, it;
        gr_item_at(&b.c, b.bits, n, circ_var_u64(&b.c, 0), circ_var_u64(&b.c, n), &l);
        gr_list_get(&b.c, b.bits, n, &l, circ_var_u64(&b.c, 9), 16, &it);
        rc |= bctx_report(&b, "gr_item_at + gr_list_get (16 items)");
    }
    /* a synthetic EIP-1559 receipt with 4 logs of 3 topics and 100 data bytes, 2 KiB array */
    {
        zk_buf e;
        buf_init(&e, 4096);
        uint8_t blob[256];
        fill(blob, sizeof blob, 4);
        size_t m0, m1, m2, m3;
        int ok = buf_append_byte(&e, 2) == ZK_OK;
        rlp_list_begin(&e, &m0);
        ok &= rlp_encode_uint64(&e, 1) == ZK_OK && rlp_encode_uint64(&e, 1234567) == ZK_OK &&
              rlp_encode_bytes(&e, blob, 256) == ZK_OK;
        rlp_list_begin(&e, &m1);
        for (int l = 0; l < 4; l++) {
            rlp_list_begin(&e, &m2);
            ok &= rlp_encode_bytes(&e, blob + l, 20) == ZK_OK;
            rlp_list_begin(&e, &m3);
            for (int t = 0; t < 3; t++)
                ok &= rlp_encode_bytes(&e, blob + 32 * t + l, 32) == ZK_OK;
            ok &= rlp_list_end(&e, m3) == ZK_OK && rlp_encode_bytes(&e, blob, 100) == ZK_OK;
            ok &= rlp_list_end(&e, m2) == ZK_OK;
        }
        ok &= rlp_list_end(&e, m1) == ZK_OK && rlp_list_end(&e, m0) == ZK_OK;
        static uint8_t rc_arr[2048];
        if (!ok || e.len > sizeof rc_arr) return 1;
        memcpy(rc_arr, e.data, e.len);
        bctx b;
        if (bctx_init(&b, rc_arr, sizeof rc_arr)) return 1;
        r1cs_var addr[160], topics[3 * 256];
        gr_receipt_log(&b.c, b.bits, sizeof rc_arr, circ_var_u64(&b.c, e.len), 8,
                       circ_var_u64(&b.c, 2), 3, addr, topics);
        rc |= bctx_report(&b, "gr_receipt_log (8 logs max, 3 topics)");
        buf_clear(&e);
    }
    return rc ? 1 : 0;
}
