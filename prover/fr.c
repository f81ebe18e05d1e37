/* Fr: the typed BN254 scalar field over the generic template, and its roots of unity. */
#include "prover/fr.h"

#include "prover/field_impl.h"

ZK_FIELD_DEFINE(fr, &FR_FIELD, "Fr element")

void fr_root_of_unity_2_28(fr *r)
{
    for (int i = 0; i < 4; i++)
        r->v[i] = FR_FIELD.ts_root[i];
}

int fr_root_of_unity(fr *r, unsigned log_n)
{
    if (log_n > FR_TWO_ADICITY) return ZK_ERR_RANGE;
    fr w;
    fr_root_of_unity_2_28(&w);
    for (unsigned i = log_n; i < FR_TWO_ADICITY; i++)
        fr_sqr(&w, &w);
    *r = w;
    return ZK_OK;
}
