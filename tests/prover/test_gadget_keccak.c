/* In-circuit bytes/bits helpers (prover/gadget_bits.c) and the Keccak gadgets
 * (prover/gadget_keccak.c): Keccak-f against the Keccak team's permutation trace,
 * keccak256 against the ShortMsgKAT and lightclient keccak256 at the rate boundaries,
 * the variable-length gadget for edge lengths with garbage after len, and soundness:
 * single corrupted variables (digest, theta, chi, length, padding) and a consistent
 * attempt to claim another length all leave the system unsatisfied. */
#include "harness.h"
#include "keccak_vectors.h"
#include "prover/circuit_sys.h"

#include <ctype.h>
#include <time.h>

#include "lightclient/bytes.h"
#include "lightclient/hex.h"
#include "lightclient/keccak.h"
#include "prover/circuit.h"
#include "prover/gadget_bits.h"
#include "prover/gadget_keccak.h"

#define RATE 136

/* Changes v's witness (a bit flips; anything else grows by one), checks the system
 * rejects it, and restores it. Returns true when the corruption was caught. */
static bool corruption_caught(sys *s, r1cs_var v)
{
    fr old = *r1cs_value(&s->cs, v), one, bad;
    fr_set_one(&one);
    if (fr_is_zero(&old))
        bad = one;
    else if (fr_eq(&old, &one))
        fr_set_zero(&bad);
    else
        fr_add(&bad, &old, &one);
    r1cs_set_value(&s->cs, v, &bad);
    bool caught = !sys_satisfied(s);
    r1cs_set_value(&s->cs, v, &old);
    return caught;
}

/* ---- gadget_bits ---------------------------------------------------------------- */

TEST(bits_alloc_pack_roundtrip)
{
    sys s;
    CHECK(sys_init(&s));
    uint8_t data[31], back[31];
    th_rand_bytes(data, sizeof data);
    data[0] |= 0x80; /* the top bit set: the packing must not lose it */
    r1cs_var bits[8 * 31];
    size_t n0 = s.cs.n_cons;
    gb_alloc_bytes(&s.c, data, sizeof data, bits);
    CHECK_EQ_INT(s.cs.n_cons - n0, 8 * 31);
    gb_bytes_value(&s.c, bits, sizeof data, back);
    CHECK_MEM(back, data, sizeof data);

    /* gb_byte_lc: byte 5's value */
    r1cs_lc lc;
    r1cs_lc_init(&lc);
    gb_byte_lc(&s.c, &lc, bits + 8 * 5);
    fr v, want;
    circ_lc_value(&s.c, &v, &lc);
    fr_from_u64(&want, data[5]);
    CHECK(fr_eq(&v, &want));
    r1cs_lc_clear(&lc);

    /* pack_be of 31 bytes and of 3 bytes, private and public */
    uint32_t pub0 = r1cs_n_public(&s.cs);
    n0 = s.cs.n_cons;
    r1cs_var p31 = gb_pack_be(&s.c, bits, 31);
    r1cs_var p3 = gb_pack_be_public(&s.c, bits + 8 * 28, 3);
    CHECK_EQ_INT(s.cs.n_cons - n0, 2);
    CHECK_EQ_INT(r1cs_n_public(&s.cs) - pub0, 1);
    uint8_t be[32] = {0};
    memcpy(be + 1, data, 31);
    CHECK_EQ_INT(fr_from_bytes_be(&want, be, NULL), ZK_OK);
    CHECK(fr_eq(circ_val(&s.c, p31), &want));
    CHECK_EQ_INT(circ_val_u64(&s.c, p3),
                 ((uint64_t)data[28] << 16) | ((uint64_t)data[29] << 8) | data[30]);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
    CHECK(sys_satisfied(&s));
    /* Negative: the packed values and the bits are pinned. */
    CHECK(corruption_caught(&s, p31));
    CHECK(corruption_caught(&s, p3));
    CHECK(corruption_caught(&s, bits[0]));
    /* a non-bit value in a byte's bit is caught by its boolean constraint and by
     * gb_bytes_value */
    fr two;
    fr_from_u64(&two, 2);
    fr old = *r1cs_value(&s.cs, bits[9]);
    r1cs_set_value(&s.cs, bits[9], &two);
    CHECK(!sys_satisfied(&s));
    gb_bytes_value(&s.c, bits, 2, back);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_ERR_INTERNAL);
    r1cs_set_value(&s.cs, bits[9], &old);
    sys_clear(&s);
}

TEST(bits_pack_rejects_bad_sizes)
{
    sys s;
    CHECK(sys_init(&s));
    r1cs_var bits[8 * 32];
    uint8_t data[32] = {0};
    gb_alloc_bytes(&s.c, data, 32, bits);
    CHECK_EQ_INT(gb_pack_be(&s.c, bits, 32), R1CS_ONE);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_ERR_USAGE);
    sys_clear(&s);
    CHECK(sys_init(&s));
    CHECK_EQ_INT(gb_pack_be_public(&s.c, bits, 0), R1CS_ONE);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_ERR_USAGE);
    sys_clear(&s);
}

TEST(bits_assert_equal)
{
    uint8_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 4};
    for (int flip = 0; flip < 2; flip++) {
        sys s;
        CHECK(sys_init(&s));
        if (flip) b[2] ^= 0x10;
        r1cs_var ba[32], bb[32];
        gb_alloc_bytes(&s.c, a, 4, ba);
        gb_alloc_bytes(&s.c, b, 4, bb);
        size_t n0 = s.cs.n_cons;
        gb_assert_equal_bits(&s.c, ba, bb, 32);
        CHECK_EQ_INT(s.cs.n_cons - n0, 32);
        CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
        CHECK(sys_satisfied(&s) == !flip);
        sys_clear(&s);
    }
}

/* ---- Keccak-f --------------------------------------------------------------------- */

TEST(keccak_f_trace)
{
    FILE *f = fopen(th_vector_path("keccak/KeccakF-1600-IntermediateValues.txt"), "r");
    CHECK_MSG(f != NULL, "missing keccak/KeccakF-1600-IntermediateValues.txt");
    if (!f) return;
    uint8_t in[200], out[200];
    int examples = 0, more;
    while ((more = kat_trace_next(f, in, out)) == 1) {
        CASE_BEGIN("gk_keccak_f example %d", examples + 1);
        sys s;
        CHECK(sys_init(&s));
        static r1cs_var bin[1600], bout[1600];
        gb_alloc_bytes(&s.c, in, 200, bin);
        size_t n0 = s.cs.n_cons;
        uint32_t v0 = s.cs.n_vars;
        gk_keccak_f(&s.c, bin, bout);
        size_t cost = s.cs.n_cons - n0;
        uint32_t v1 = s.cs.n_vars;
        CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
        uint8_t got[200];
        gb_bytes_value(&s.c, bout, 200, got);
        CHECK_MEM(got, out, 200);
        CHECK(sys_satisfied(&s));
        CHECK_MSG(cost <= 150000, "Keccak-f costs %zu constraints", cost);
        if (examples == 0) {
            printf("  gk_keccak_f: %zu constraints, %u variables\n", cost, v1 - v0);
            /* Outputs are new variables, not the inputs. */
            for (size_t i = 0; i < 1600; i++)
                if (bout[i] < v0) {
                    CHECK_MSG(0, "output bit %zu is an old variable", i);
                    break;
                }
            /* Soundness: a digest/output bit (chi + iota on lane 0, and a plain
             * chi lane), the first theta column parity, a first-round chi output,
             * an input bit, and random internal variables. */
            CHECK(corruption_caught(&s, bout[0]));
            CHECK(corruption_caught(&s, bout[3]));
            CHECK(corruption_caught(&s, bout[1599]));
            CHECK(corruption_caught(&s, v0));           /* theta C[0][0] of round 0 */
            CHECK(corruption_caught(&s, v0 + 2 * 320)); /* theta D[0][0] of round 0 */
            CHECK(corruption_caught(&s, bin[77]));
            for (int k = 0; k < 6; k++) {
                r1cs_var v = v0 + (r1cs_var)(th_rand64() % (v1 - v0));
                CHECK_MSG(corruption_caught(&s, v), "corrupting variable %u passes", v);
            }
        }
        sys_clear(&s);
        CASE_END();
        examples++;
    }
    CHECK_EQ_INT(more, 0);
    fclose(f);
    CHECK_EQ_INT(examples, 2);
}

/* Internal variables of round 0, located by allocation order: with variable inputs
 * nothing folds, so theta makes 320 column parities (the parity and one quotient bit
 * each), 320 D bits and 1600 A ^ D bits, then chi two per bit (the AND-NOT, then the
 * XOR with iota). Corrupting any of them is caught. */
TEST(keccak_f_chi_theta_corruption)
{
    sys s;
    CHECK(sys_init(&s));
    uint8_t in[200];
    th_rand_bytes(in, sizeof in);
    static r1cs_var bin[1600], bout[1600];
    gb_alloc_bytes(&s.c, in, 200, bin);
    uint32_t v0 = s.cs.n_vars;
    gk_keccak_f(&s.c, bin, bout);
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
    CHECK(sys_satisfied(&s));
    uint32_t theta_d = v0 + 2 * 320;    /* first D bit of round 0 */
    uint32_t theta_xor = theta_d + 320; /* first A ^ D of round 0 */
    uint32_t chi0 = theta_xor + 1600;   /* first chi variable of round 0 */
    CHECK(corruption_caught(&s, theta_xor));
    CHECK(corruption_caught(&s, theta_xor + 999));
    CHECK(corruption_caught(&s, v0 + 1));      /* a column parity's quotient bit */
    CHECK(corruption_caught(&s, theta_d + 5)); /* a D bit */
    CHECK(corruption_caught(&s, chi0));        /* AND-NOT */
    CHECK(corruption_caught(&s, chi0 + 1));    /* XOR (+ iota) of lane 0 */
    CHECK(corruption_caught(&s, chi0 + 3201));
    /* Variables across the whole first round are pinned (a sample). */
    for (uint32_t v = v0; v < chi0 + 3200; v += 577)
        CHECK_MSG(corruption_caught(&s, v), "corrupting variable %u passes", v);
    sys_clear(&s);
}

/* ---- keccak256 fixed length ------------------------------------------------------- */

/* Builds keccak256 of msg[0..len) and compares with want; returns the constraint count
 * of the gadget (0 on failure). With check_sound, also corrupts a digest bit. */
static size_t check_fixed(const uint8_t *msg, size_t len, const uint8_t want[32], bool check_sound)
{
    sys s;
    if (!sys_init(&s)) {
        CHECK(0);
        return 0;
    }
    r1cs_var *bits = malloc((8 * len + 1) * sizeof *bits), digest[256];
    CHECK(bits != NULL);
    if (!bits) {
        sys_clear(&s);
        return 0;
    }
    gb_alloc_bytes(&s.c, msg, len, bits);
    size_t n0 = s.cs.n_cons;
    gk_keccak256(&s.c, bits, len, digest);
    size_t cost = s.cs.n_cons - n0;
    CHECK_EQ_INT(circ_status(&s.c, NULL), ZK_OK);
    uint8_t got[32];
    gb_bytes_value(&s.c, digest, 32, got);
    CHECK_MEM(got, want, 32);
    CHECK(sys_satisfied(&s));
    if (check_sound) {
        CHECK(corruption_caught(&s, digest[0]));
        CHECK(corruption_caught(&s, digest[255]));
        if (len > 0) CHECK(corruption_caught(&s, bits[8 * len - 1]));
    }
    free(bits);
    sys_clear(&s);
    return cost;
}

TEST(keccak256_short_msg_kat)
{
    FILE *f = fopen(th_vector_path("keccak/ShortMsgKAT_256.txt"), "r");
    CHECK_MSG(f != NULL, "missing keccak/ShortMsgKAT_256.txt");
    if (!f) return;
    static char line[8192];
    long bits = -1;
    static uint8_t msg[4096];
    uint8_t md[32];
    size_t msg_len = 0;
    int cases = 0, seen = 0;
    while (fgets(line, sizeof(line), f)) {
        kat_strip(line);
        const char *v;
        if ((v = kat_value(line, "Len"))) {
            bits = strtol(v, NULL, 10);
        } else if ((v = kat_value(line, "Msg"))) {
            CHECK_EQ_INT(hex_decode(msg, sizeof(msg), &msg_len, v, strlen(v), NULL), ZK_OK);
        } else if ((v = kat_value(line, "MD"))) {
            seen++;
            /* A subset that keeps the run short: the first bytes, a word, and the rate
             * boundary (a two-block message); keccak256_block_boundaries adds more. */
            if (bits < 0 || bits % 8) continue;
            size_t n = (size_t)bits / 8;
            if (!(n <= 2 || n == 32 || n == 135 || n == 136)) continue;
            CASE_BEGIN("gk_keccak256 ShortMsgKAT_256 Len=%ld", bits);
            CHECK(n <= msg_len);
            CHECK_EQ_INT(hex_decode_fixed(md, 32, v, NULL), ZK_OK);
            uint8_t ref[32];
            keccak256(ref, msg, n);
            CHECK_MEM(ref, md, 32);
            check_fixed(msg, n, md, n == 32);
            CASE_END();
            cases++;
        }
    }
    fclose(f);
    CHECK_EQ_INT(seen, 256);
    CHECK_EQ_INT(cases, 6);
}

TEST(keccak256_block_boundaries)
{
    static const size_t lens[] = {0, 1, 135, 136, 137, 271, 272, 273};
    static uint8_t msg[273];
    th_rand_bytes(msg, sizeof msg);
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        CASE_BEGIN("gk_keccak256 random len %zu", lens[i]);
        uint8_t want[32];
        keccak256(want, msg, lens[i]);
        size_t cost = check_fixed(msg, lens[i], want, lens[i] == 137);
        printf("  gk_keccak256 len %3zu: %zu constraints\n", lens[i], cost);
        CASE_END();
    }
}

/* ---- keccak256 variable length ---------------------------------------------------- */

typedef struct var_build {
    sys s;
    r1cs_var *bits, len, digest[256];
    uint32_t v0; /* first variable of the gadget: keep[i] = v0 + i */
    size_t cost;
} var_build;

/* Builds gk_keccak256_var over msg[0..max_len) with length lv. Returns the status. */
static int var_build_run(var_build *b, const uint8_t *msg, size_t max_len, uint64_t lv)
{
    memset(b, 0, sizeof *b);
    if (!sys_init(&b->s)) return ZK_ERR_NOMEM;
    b->bits = malloc((8 * max_len + 1) * sizeof *b->bits);
    if (!b->bits) return ZK_ERR_NOMEM;
    gb_alloc_bytes(&b->s.c, msg, max_len, b->bits);
    b->len = circ_var_u64(&b->s.c, lv);
    size_t n0 = b->s.cs.n_cons;
    b->v0 = b->s.cs.n_vars;
    gk_keccak256_var(&b->s.c, b->bits, max_len, b->len, b->digest);
    b->cost = b->s.cs.n_cons - n0;
    return circ_status(&b->s.c, NULL);
}

static void var_build_clear(var_build *b)
{
    free(b->bits);
    sys_clear(&b->s);
}

/* Soundness of the length and padding encoding on a good build of length lv. */
static void var_soundness(var_build *b, const uint8_t *msg, size_t max_len, size_t lv)
{
    /* the length itself, a keep bit at the step, the 0x01 padding bit */
    CHECK(corruption_caught(&b->s, b->len));
    if (lv > 0) CHECK(corruption_caught(&b->s, b->v0 + (r1cs_var)(lv - 1)));
    if (lv < max_len) CHECK(corruption_caught(&b->s, b->v0 + (r1cs_var)lv));
    CHECK(corruption_caught(&b->s, b->digest[0]));
    CHECK(corruption_caught(&b->s, b->digest[200]));
    if (lv < RATE && lv < max_len) {
        /* block 0's bits follow the keep bits, one variable per message bit: bit 0
         * of byte lv is the 0x01 that padding puts there */
        r1cs_var pad = b->v0 + (r1cs_var)max_len + 8 * (r1cs_var)lv;
        CHECK_EQ_INT(circ_val_u64(&b->s.c, pad), 1);
        CHECK(corruption_caught(&b->s, pad));
    }
    /* A consistent claim of another length: len + 1 with its unary encoding, the
     * block bits unchanged. The masking/padding constraints refuse it. */
    if (lv < max_len) {
        fr nl;
        fr_from_u64(&nl, lv + 1);
        fr old_len = *r1cs_value(&b->s.cs, b->len), one, zero;
        fr_set_one(&one);
        fr_set_zero(&zero);
        r1cs_set_value(&b->s.cs, b->len, &nl);
        r1cs_set_value(&b->s.cs, b->v0 + (r1cs_var)lv, &one);
        CHECK(!sys_satisfied(&b->s));
        r1cs_set_value(&b->s.cs, b->len, &old_len);
        r1cs_set_value(&b->s.cs, b->v0 + (r1cs_var)lv, &zero);
        CHECK(sys_satisfied(&b->s));
    }
    /* len = max_len + 1 cannot be satisfied whatever the keep bits: set them all */
    fr big, one;
    fr_from_u64(&big, max_len + 1);
    fr_set_one(&one);
    fr old_len = *r1cs_value(&b->s.cs, b->len);
    r1cs_set_value(&b->s.cs, b->len, &big);
    CHECK(!sys_satisfied(&b->s));
    r1cs_set_value(&b->s.cs, b->len, &old_len);
    (void)msg;
}

TEST(keccak256_var_edges)
{
    const size_t max_len = 3 * RATE;
    static const size_t lens[] = {0, 1, 135, 136, 137, 273, 408};
    static uint8_t msg[3 * RATE];
    th_rand_bytes(msg, sizeof msg);
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        size_t lv = lens[i];
        CASE_BEGIN("gk_keccak256_var max_len %zu len %zu", max_len, lv);
        uint8_t want[32], got[32];
        keccak256(want, msg, lv);
        /* garbage after len: a fresh random tail each case */
        th_rand_bytes(msg + lv, max_len - lv);
        var_build b;
        CHECK_EQ_INT(var_build_run(&b, msg, max_len, lv), ZK_OK);
        gb_bytes_value(&b.s.c, b.digest, 32, got);
        CHECK_MEM(got, want, 32);
        CHECK(sys_satisfied(&b.s));
        if (i == 0) printf("  gk_keccak256_var max_len %zu: %zu constraints\n", max_len, b.cost);
        if (lv == 136) var_soundness(&b, msg, max_len, lv);
        var_build_clear(&b);
        CASE_END();
    }
}

/* The same length with two different tails: the same digest. Small max_len, every len. */
TEST(keccak256_var_garbage_ignored)
{
    const size_t max_len = 5;
    uint8_t msg[5], msg2[5];
    th_rand_bytes(msg, sizeof msg);
    for (size_t lv = 0; lv <= max_len; lv++) {
        CASE_BEGIN("gk_keccak256_var max_len 5 len %zu", lv);
        memcpy(msg2, msg, sizeof msg);
        for (size_t k = lv; k < max_len; k++)
            msg2[k] = (uint8_t)~msg[k];
        uint8_t want[32], g1[32], g2[32];
        keccak256(want, msg, lv);
        var_build b1, b2;
        CHECK_EQ_INT(var_build_run(&b1, msg, max_len, lv), ZK_OK);
        CHECK_EQ_INT(var_build_run(&b2, msg2, max_len, lv), ZK_OK);
        gb_bytes_value(&b1.s.c, b1.digest, 32, g1);
        gb_bytes_value(&b2.s.c, b2.digest, 32, g2);
        CHECK_MEM(g1, want, 32);
        CHECK_MEM(g2, want, 32);
        CHECK(sys_satisfied(&b1.s) && sys_satisfied(&b2.s));
        CHECK_EQ_INT(b1.cost, b2.cost);
        var_soundness(&b1, msg, max_len, lv);
        var_build_clear(&b1);
        var_build_clear(&b2);
        CASE_END();
    }
    /* max_len = 0: only the empty message. */
    CASE_BEGIN("gk_keccak256_var max_len 0");
    var_build b;
    uint8_t want[32], got[32];
    keccak256(want, NULL, 0);
    CHECK_EQ_INT(var_build_run(&b, NULL, 0, 0), ZK_OK);
    gb_bytes_value(&b.s.c, b.digest, 32, got);
    CHECK_MEM(got, want, 32);
    CHECK(sys_satisfied(&b.s));
    CHECK(corruption_caught(&b.s, b.len));
    var_build_clear(&b);
    CASE_END();
}

TEST(keccak256_var_len_over_max)
{
    uint8_t msg[5] = {1, 2, 3, 4, 5};
    var_build b;
    CHECK_EQ_INT(var_build_run(&b, msg, 5, 6), ZK_ERR_RANGE);
    var_build_clear(&b);
}

TEST_MAIN(RUN(bits_alloc_pack_roundtrip); RUN(bits_pack_rejects_bad_sizes); RUN(bits_assert_equal);
          RUN(keccak_f_trace); RUN(keccak_f_chi_theta_corruption); RUN(keccak256_short_msg_kat);
          RUN(keccak256_block_boundaries); RUN(keccak256_var_edges);
          RUN(keccak256_var_garbage_ignored); RUN(keccak256_var_len_over_max))
