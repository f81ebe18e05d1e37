/* Keccak-256: the Keccak team's KATs (original padding, as Ethereum uses), the
 * Keccak-f[1600] trace, incremental hashing, and the 1 GiB extremely-long KAT. */
#include "harness.h"
#include "keccak_vectors.h"

#include <ctype.h>

#include "lightclient/bytes.h"
#include "lightclient/hex.h"
#include "lightclient/keccak.h"

TEST(short_msg_kat)
{
    FILE *f = fopen(th_vector_path("keccak/ShortMsgKAT_256.txt"), "r");
    CHECK_MSG(f != NULL, "missing keccak/ShortMsgKAT_256.txt");
    if (!f) return;
    static char line[8192];
    long bits = -1;
    uint8_t msg[4096], md[32], got[32];
    size_t msg_len = 0;
    int cases = 0;
    while (fgets(line, sizeof(line), f)) {
        kat_strip(line);
        const char *v;
        if ((v = kat_value(line, "Len"))) {
            bits = strtol(v, NULL, 10);
        } else if ((v = kat_value(line, "Msg"))) {
            CHECK_EQ_INT(hex_decode(msg, sizeof(msg), &msg_len, v, strlen(v), NULL), ZK_OK);
        } else if ((v = kat_value(line, "MD"))) {
            CASE_BEGIN("ShortMsgKAT_256 Len=%ld", bits);
            CHECK(bits >= 0 && bits % 8 == 0);
            size_t n = (size_t)bits / 8; /* Len = 0 is written as Msg = 00 */
            CHECK(n <= msg_len);
            CHECK_EQ_INT(hex_decode_fixed(md, 32, v, NULL), ZK_OK);
            keccak256(got, msg, n);
            CHECK_MEM(got, md, 32);
            /* The same message fed in uneven pieces must give the same digest. */
            keccak256_ctx ctx;
            keccak256_init(&ctx);
            for (size_t off = 0, step = 1; off < n; off += step, step = step * 2 + 1)
                keccak256_update(&ctx, msg + off, step < n - off ? step : n - off);
            keccak256_final(&ctx, got);
            CHECK_MEM(got, md, 32);
            CASE_END();
            cases++;
        }
    }
    fclose(f);
    CHECK_EQ_INT(cases, 256);
}

TEST(keccakf_trace)
{
    FILE *f = fopen(th_vector_path("keccak/KeccakF-1600-IntermediateValues.txt"), "r");
    CHECK_MSG(f != NULL, "missing keccak/KeccakF-1600-IntermediateValues.txt");
    if (!f) return;
    uint8_t in[200], out[200];
    int examples = 0, more;
    while ((more = kat_trace_next(f, in, out)) == 1) {
        CASE_BEGIN("KeccakF-1600 example %d", examples + 1);
        uint64_t st[25];
        for (int i = 0; i < 25; i++)
            st[i] = le64_load(in + 8 * i);
        keccakf1600(st);
        uint8_t got[200];
        for (int i = 0; i < 25; i++)
            le64_store(got + 8 * i, st[i]);
        CHECK_MEM(got, out, 200);
        CASE_END();
        examples++;
    }
    CHECK_EQ_INT(more, 0);
    fclose(f);
    CHECK_EQ_INT(examples, 2);
}

TEST(extremely_long_kat)
{
    FILE *f = fopen(th_vector_path("keccak/ExtremelyLongMsgKAT_256.txt"), "r");
    CHECK_MSG(f != NULL, "missing keccak/ExtremelyLongMsgKAT_256.txt");
    if (!f) return;
    static char line[512], text[128];
    long repeat = 0;
    uint8_t md[32] = {0}, got[32];
    while (fgets(line, sizeof(line), f)) {
        kat_strip(line);
        const char *v;
        if ((v = kat_value(line, "Repeat"))) repeat = strtol(v, NULL, 10);
        if ((v = kat_value(line, "Text")))
            snprintf(text, sizeof(text), "%.*s", (int)sizeof(text) - 1, v);
        if ((v = kat_value(line, "MD"))) CHECK_EQ_INT(hex_decode_fixed(md, 32, v, NULL), ZK_OK);
    }
    fclose(f);
    CASE_BEGIN("ExtremelyLongMsgKAT_256 (%ld x %zu bytes)", repeat, strlen(text));
    CHECK(repeat > 0 && strlen(text) == 64);
    /* Hash 1 GiB without holding it: feed a 64 KiB block of repeated text. */
    static uint8_t block[1024 * 64];
    for (size_t i = 0; i < sizeof(block); i += 64)
        memcpy(block + i, text, 64);
    keccak256_ctx ctx;
    keccak256_init(&ctx);
    long per_block = (long)sizeof(block) / 64, left = repeat;
    for (; left >= per_block; left -= per_block)
        keccak256_update(&ctx, block, sizeof(block));
    keccak256_update(&ctx, block, (size_t)left * 64);
    keccak256_final(&ctx, got);
    CHECK_MEM(got, md, 32);
    CASE_END();
}

TEST(known_ethereum_values)
{
    uint8_t got[32], want[32];
    keccak256(got, NULL, 0);
    CHECK_EQ_INT(
        hex_decode_fixed(want, 32,
                         "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", NULL),
        ZK_OK);
    CHECK_MEM(got, want, 32);
    /* The empty trie root: keccak256(rlp("")) = keccak256(0x80). */
    const uint8_t empty_rlp = 0x80;
    keccak256(got, &empty_rlp, 1);
    CHECK_EQ_INT(
        hex_decode_fixed(want, 32,
                         "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", NULL),
        ZK_OK);
    CHECK_MEM(got, want, 32);
    /* One flipped input bit changes the digest. */
    uint8_t one = 0x81;
    keccak256(want, &one, 1);
    CHECK(memcmp(got, want, 32) != 0);
}

/* Rate-boundary lengths hashed one-shot and byte by byte agree. */
TEST(incremental_matches_oneshot)
{
    uint8_t data[600], a[32], b[32];
    th_rand_bytes(data, sizeof(data));
    size_t lens[] = {0, 1, 135, 136, 137, 271, 272, 273, 599};
    for (size_t i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
        keccak256(a, data, lens[i]);
        keccak256_ctx ctx;
        keccak256_init(&ctx);
        for (size_t j = 0; j < lens[i]; j++)
            keccak256_update(&ctx, data + j, 1);
        keccak256_final(&ctx, b);
        CHECK_MEM(a, b, 32);
    }
    /* out may alias in */
    memcpy(b, data, 32);
    keccak256(b, b, 32);
    keccak256(a, data, 32);
    CHECK_MEM(a, b, 32);
}

TEST_MAIN(RUN(short_msg_kat); RUN(keccakf_trace); RUN(extremely_long_kat);
          RUN(known_ethereum_values); RUN(incremental_matches_oneshot))
