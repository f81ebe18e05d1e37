/* Circuit gadgets: constraint counts of Keccak-f[1600] and of keccak256 over 1..4
 * blocks, fixed-length and variable-length, with the time to build each circuit and
 * to check its witness (r1cs_is_satisfied). Each build is checked against lightclient
 * keccak256 so a wrong circuit cannot report a figure. Builds are single-threaded;
 * the better of two runs is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lightclient/keccak.h"
#include "prover/circuit.h"
#include "prover/gadget_bits.h"
#include "prover/gadget_keccak.h"
#include "bench/bench_util.h"

#define RATE 136
#define REPS 2

typedef struct figures {
    size_t constraints; /* of the gadget alone (the message bits' booleans excluded) */
    uint32_t vars;
    double build_s, check_s;
} figures;

enum kind { KIND_F, KIND_FIXED, KIND_VAR };

/* One build + check of the chosen gadget over msg[0..len) (max_len = len for the
 * variable-length one, whose len is set to len - 1 to exercise the masking).
 * Returns 0 on success. */
static int run_once(enum kind kind, const uint8_t *msg, size_t len, figures *f)
{
    r1cs cs;
    circ c;
    if (r1cs_init(&cs) != ZK_OK) return 1;
    circ_init(&c, &cs);
    int rc = 1;
    r1cs_var *bits = malloc((8 * len + 1) * sizeof *bits);
    r1cs_var *out = malloc(1600 * sizeof *out);
    if (!bits || !out) goto done;
    double t0 = bench_now_s();
    gb_alloc_bytes(&c, msg, len, bits);
    size_t n0 = cs.n_cons;
    uint32_t v0 = cs.n_vars;
    size_t hashed = len;
    if (kind == KIND_F) {
        gk_keccak_f(&c, bits, out);
    } else if (kind == KIND_FIXED) {
        gk_keccak256(&c, bits, len, out);
    } else {
        hashed = len ? len - 1 : 0;
        r1cs_var lv = circ_var_u64(&c, hashed);
        gk_keccak256_var(&c, bits, len, lv, out);
    }
    double t1 = bench_now_s();
    if (circ_status(&c, NULL) != ZK_OK) goto done;
    if (r1cs_is_satisfied(&cs, NULL, NULL) != ZK_OK) goto done;
    double t2 = bench_now_s();
    if (kind != KIND_F) {
        uint8_t got[32], want[32];
        gb_bytes_value(&c, out, 32, got);
        keccak256(want, msg, hashed);
        if (memcmp(got, want, 32) != 0) goto done;
    }
    f->constraints = cs.n_cons - n0;
    f->vars = cs.n_vars - v0;
    f->build_s = t1 - t0;
    f->check_s = t2 - t1;
    rc = 0;
done:
    free(bits);
    free(out);
    circ_clear(&c);
    r1cs_clear(&cs);
    return rc;
}

static int report(enum kind kind, const uint8_t *msg, size_t len, const char *label)
{
    figures best = {0}, f;
    for (int r = 0; r < REPS; r++) {
        if (run_once(kind, msg, len, &f)) {
            fprintf(stderr, "bench_gadgets: %s failed\n", label);
            return 1;
        }
        if (r == 0 || f.build_s < best.build_s) best.build_s = f.build_s;
        if (r == 0 || f.check_s < best.check_s) best.check_s = f.check_s;
        best.constraints = f.constraints;
        best.vars = f.vars;
    }
    printf("gadgets: %s %zu constraints, %u variables; build %.0f ms, check %.0f ms\n", label,
           best.constraints, best.vars, best.build_s * 1e3, best.check_s * 1e3);
    return 0;
}

int main(void)
{
    static uint8_t msg[4 * RATE];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 131 + 7);
    int rc = report(KIND_F, msg, 200, "keccak_f");
    /* n blocks: the longest message that still fits n blocks with its padding. */
    for (size_t n = 1; n <= 4 && !rc; n++) {
        char label[64];
        size_t len = n * RATE - 1;
        snprintf(label, sizeof label, "keccak256 fixed %zu B (%zu block%s)", len, n,
                 n > 1 ? "s" : "");
        rc |= report(KIND_FIXED, msg, len, label);
    }
    /* variable length: max_len = n * 136 - 1 gives n possible blocks */
    for (size_t n = 1; n <= 4 && !rc; n++) {
        char label[64];
        size_t len = n * RATE - 1;
        snprintf(label, sizeof label, "keccak256 var max_len %zu (%zu block%s)", len, n,
                 n > 1 ? "s" : "");
        rc |= report(KIND_VAR, msg, len, label);
    }
    return rc;
}
