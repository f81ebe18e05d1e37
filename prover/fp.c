/* Fp: the typed BN254 base field over the generic template. */
#include "prover/fp.h"

#include "prover/field_impl.h"

ZK_FIELD_DEFINE(fp, &FP_FIELD, "Fp element")
