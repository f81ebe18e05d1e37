/* A constraint system and the circuit builder over it, made and released together: the
 * fixture of the gadget tests (test_circuit.c, test_gadget_keccak.c,
 * test_soundness_review.c). Header-only. */
#ifndef ZKRELAY_TESTS_PROVER_CIRCUIT_SYS_H
#define ZKRELAY_TESTS_PROVER_CIRCUIT_SYS_H

#include <stdbool.h>
#include <string.h>

#include "prover/circuit.h"

typedef struct sys {
    r1cs cs;
    circ c;
} sys;

/* Returns false when the system cannot be made (out of memory).
 * Out: s (sys_clear it in every case). */
static inline bool sys_init(sys *s)
{
    memset(s, 0, sizeof *s);
    if (r1cs_init(&s->cs) != ZK_OK) return false;
    circ_init(&s->c, &s->cs);
    return true;
}

static inline void sys_clear(sys *s)
{
    circ_clear(&s->c);
    r1cs_clear(&s->cs);
}

/* True when the witness values satisfy every constraint. */
static inline bool sys_satisfied(const sys *s)
{
    return r1cs_is_satisfied(&s->cs, NULL, NULL) == ZK_OK;
}

#endif
