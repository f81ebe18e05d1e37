/* The light client's fuzz harnesses (fuzz/fuzz_*.c) under the normal build: every
 * seed of the committed corpus and every crash reproducer of
 * tests/fuzz_regressions/<harness>/ goes through the same check function libFuzzer
 * runs, so a fixed crash stays fixed and the corpus keeps decoding. */
#define FUZZ_NO_ENTRY
#include "../../fuzz/fuzz_bft.c"
#include "../../fuzz/fuzz_header_json.c"
#include "../../fuzz/fuzz_header_rlp.c"
#include "../../fuzz/fuzz_mpt_proof.c"
#include "../../fuzz/fuzz_receipt.c"
#include "../../fuzz/fuzz_receipt_json.c"
#include "../../fuzz/fuzz_rlp.c"
#include "../../fuzz/fuzz_replay.h"

TEST(fuzz_rlp_corpus)
{
    FUZZ_REPLAY(rlp);
}
TEST(fuzz_header_rlp_corpus)
{
    FUZZ_REPLAY(header_rlp);
}
TEST(fuzz_header_json_corpus)
{
    FUZZ_REPLAY(header_json);
}
TEST(fuzz_receipt_corpus)
{
    FUZZ_REPLAY(receipt);
}
TEST(fuzz_receipt_json_corpus)
{
    FUZZ_REPLAY(receipt_json);
}
TEST(fuzz_mpt_proof_corpus)
{
    FUZZ_REPLAY(mpt_proof);
}
TEST(fuzz_bft_corpus)
{
    FUZZ_REPLAY(bft);
}

TEST_MAIN(RUN(fuzz_rlp_corpus), RUN(fuzz_header_rlp_corpus), RUN(fuzz_header_json_corpus),
          RUN(fuzz_receipt_corpus), RUN(fuzz_receipt_json_corpus), RUN(fuzz_mpt_proof_corpus),
          RUN(fuzz_bft_corpus))
