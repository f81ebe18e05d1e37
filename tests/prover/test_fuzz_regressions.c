/* The prover's fuzz harnesses (snarkjs file readers, fuzz/fuzz_*.c) under the normal
 * build: every seed of the committed corpus and every crash reproducer of
 * tests/fuzz_regressions/<harness>/ goes through the same check function libFuzzer
 * runs. */
#define FUZZ_NO_ENTRY
#include "../../fuzz/fuzz_groth16_json.c"
#include "../../fuzz/fuzz_ptau.c"
#include "../../fuzz/fuzz_r1cs.c"
#include "../../fuzz/fuzz_wtns.c"
#include "../../fuzz/fuzz_zkey.c"
#include "../../fuzz/fuzz_replay.h"

TEST(fuzz_zkey_corpus)
{
    FUZZ_REPLAY(zkey);
}
TEST(fuzz_wtns_corpus)
{
    FUZZ_REPLAY(wtns);
}
TEST(fuzz_r1cs_corpus)
{
    FUZZ_REPLAY(r1cs);
}
TEST(fuzz_ptau_corpus)
{
    FUZZ_REPLAY(ptau);
}
TEST(fuzz_groth16_json_corpus)
{
    FUZZ_REPLAY(groth16_json);
}

TEST_MAIN(RUN(fuzz_zkey_corpus), RUN(fuzz_wtns_corpus), RUN(fuzz_r1cs_corpus),
          RUN(fuzz_ptau_corpus), RUN(fuzz_groth16_json_corpus))
