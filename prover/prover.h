/* The prover module's public header: BN254 arithmetic (fields, tower, G1, G2,
 * pairing, EVM precompiles), layered like blst:
 *   field.h (generic Montgomery template) -> fp.h, fr.h -> fp_tower.h
 *   -> curve.h (generic point template) -> g1.h, g2.h -> pairing.h
 *   -> bn254_precompile.h
 *   threads.h (fork-join helper) -> msm.h (G1/G2 Pippenger), ntt.h (Fr NTT)
 *   -> r1cs.h (constraint systems, builder) -> groth16.h (setup, prove, verify, keys)
 * A lower layer never includes a higher one.
 *
 * The prover handles only public data (headers, seals, receipts, proofs, public
 * setup files). Everything in it is VARIABLE TIME by design: branches and memory
 * accesses depend on the values. Never feed it a secret (a private key, setup
 * toxic waste you intend to keep) unless the timing leak is acceptable. */
#ifndef ZKRELAY_PROVER_PROVER_H
#define ZKRELAY_PROVER_PROVER_H

#include "prover/field.h"
#include "prover/fp.h"
#include "prover/fr.h"
#include "prover/fp_tower.h"
#include "prover/curve.h"
#include "prover/g1.h"
#include "prover/g2.h"
#include "prover/pairing.h"
#include "prover/bn254_precompile.h"
#include "prover/threads.h"
#include "prover/msm.h"
#include "prover/ntt.h"
#include "prover/r1cs.h"
#include "prover/groth16.h"
#include "prover/zkey_contrib.h"

#endif
