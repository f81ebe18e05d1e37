/* The relayer's fuzz harnesses (fuzz/fuzz_*.c) under the normal build: every seed
 * of the committed corpus and every crash reproducer of
 * tests/fuzz_regressions/<harness>/ goes through the same check function libFuzzer
 * runs (fuzz_rpc serves each input from a loopback HTTP server, as under libFuzzer). */
#define FUZZ_NO_ENTRY
#include "../../fuzz/fuzz_abi.c"
#include "../../fuzz/fuzz_bundle.c"
#include "../../fuzz/fuzz_config.c"
#include "../../fuzz/fuzz_rpc.c"
#include "../../fuzz/fuzz_replay.h"

TEST(fuzz_abi_corpus)
{
    FUZZ_REPLAY(abi);
}
TEST(fuzz_rpc_corpus)
{
    FUZZ_REPLAY(rpc);
}
TEST(fuzz_config_corpus)
{
    FUZZ_REPLAY(config);
}
TEST(fuzz_bundle_corpus)
{
    FUZZ_REPLAY(bundle);
}

TEST_MAIN(RUN(fuzz_abi_corpus), RUN(fuzz_rpc_corpus), RUN(fuzz_config_corpus),
          RUN(fuzz_bundle_corpus))
