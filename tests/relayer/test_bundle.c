/* relayer/bundle.c: a bundle built from a real QBFT header (real seals), generated receipts,
 * their trie path and the statements' signals round-trips through its canonical JSON and
 * verifies; one byte changed in any proven part fails a named check; the parser is strict.
 * The Groth16 proofs are of stand-in circuits with the statements' signals (see
 * tests/relayer/bundle_fixture.h for why). */
#include "harness.h"

#include "relayer/bundle_fixture.h"

static bfx fx;
static bundle good;
static char *good_text;
static size_t good_len;

/* Verifies b; returns the status of check id and whether the whole bundle failed. */
static int check_of(const bundle *b, int id, const groth16_vk *fin, const groth16_vk *inc)
{
    bundle_report rep;
    int rc = bundle_verify(&rep, fx.g.ctx, b, fin ? fin : &fx.fin_vk, inc ? inc : &fx.inc_vk);
    if (rc == ZK_OK) return ZK_OK;
    return rep.checks[id].status == ZK_OK ? ZK_ERR_INTERNAL - 1000 : rep.checks[id].status;
}

/* A deep copy of good through its text. */
static bool copy_good(bundle *b)
{
    return bundle_parse(b, good_text, good_len, NULL) == ZK_OK;
}

TEST(test_build_write_parse_verify)
{
    CASE_BEGIN("bundle: build, write, parse back byte for byte, verify (every check named ok)");
    uint8_t payload[20];
    memset(payload, 0x42, sizeof(payload));
    CHECK(bfx_bundle(&fx, &good, 5, payload, sizeof(payload), 3, false));
    good_text = bfx_text(&good, &good_len);
    CHECK(good_text != NULL);
    bundle b;
    zk_errbuf err = {{0}, 0};
    CHECK_MSG(bundle_parse(&b, good_text, good_len, &err) == ZK_OK, "parse: %s", err.msg);
    size_t len2 = 0;
    char *t2 = bfx_text(&b, &len2);
    CHECK(t2 && len2 == good_len && memcmp(t2, good_text, good_len) == 0);
    free(t2);
    bundle_report rep;
    int rc = bundle_verify(&rep, fx.g.ctx, &b, &fx.fin_vk, &fx.inc_vk);
    CHECK_EQ_INT(rc, ZK_OK);
    CHECK_EQ_INT(rep.n_failed, 0);
    for (int i = 0; i < BUNDLE_N_CHECKS; i++)
        CHECK_MSG(rep.checks[i].status == ZK_OK, "%s: %s", bundle_check_name(i),
                  rep.checks[i].detail);
    CHECK(strcmp(bundle_check_name(BUNDLE_CHECK_FIN_PROOF), "finality-proof") == 0);
    CHECK(good_text[good_len - 1] == '\n' && strchr(good_text, ' ') == NULL);
    bundle_clear(&b);
    CASE_END();

    CASE_BEGIN("bundle: empty payload, one-receipt block (root is the leaf), claims present");
    bundle c;
    CHECK(bfx_bundle(&fx, &c, 0, NULL, 0, 1, true));
    CHECK_EQ_INT(check_of(&c, 0, NULL, NULL), ZK_OK);
    size_t len = 0;
    char *t = bfx_text(&c, &len);
    bundle d;
    CHECK(t && bundle_parse(&d, t, len, NULL) == ZK_OK);
    CHECK(d.has_src_tx_hash && d.has_block_log_index && d.has_inbox && d.has_dst_tx_hash);
    CHECK(d.msg.payload_len == 0 && d.msg.payload == NULL);
    CHECK(strstr(t, "\"destination\":{\"inbox\":\"0x1b1b") != NULL);
    CHECK_EQ_INT(check_of(&d, 0, NULL, NULL), ZK_OK);
    /* a claim changed still verifies: it is reported, not proven */
    d.dst_tx_hash[0] ^= 1;
    CHECK_EQ_INT(check_of(&d, 0, NULL, NULL), ZK_OK);
    bundle_clear(&d);
    bundle_clear(&c);
    free(t);
    CASE_END();

    CASE_BEGIN("bundle: the largest payload (1024 bytes), message 7 of a 40-receipt block");
    uint8_t big[BUNDLE_MAX_PAYLOAD];
    th_rand_bytes(big, sizeof(big));
    CHECK(bfx_bundle(&fx, &c, 7, big, sizeof(big), 40, false));
    CHECK(c.n_nodes >= 2);
    CHECK_EQ_INT(check_of(&c, 0, NULL, NULL), ZK_OK);
    bundle_clear(&c);
    CASE_END();
}

/* One byte changed in each proven part: the named check fails. */
TEST(test_one_byte_changed)
{
    static const struct {
        const char *what;
        int check;
    } cases[] = {
        {"a byte of the header (timestamp)", BUNDLE_CHECK_HEADER},
        {"a byte of a seal", BUNDLE_CHECK_HEADER},
        {"a byte of the payload", BUNDLE_CHECK_MESSAGE_HASH},
        {"the nonce", BUNDLE_CHECK_MESSAGE_HASH},
        {"m", BUNDLE_CHECK_MESSAGE_HASH},
        {"a byte of the receipt", BUNDLE_CHECK_RECEIPT_TRIE},
        {"a byte of a trie node", BUNDLE_CHECK_RECEIPT_TRIE},
        {"the transaction index", BUNDLE_CHECK_RECEIPT_TRIE},
        {"the log index", BUNDLE_CHECK_MESSAGE_LOG},
        {"a finality proof coordinate", BUNDLE_CHECK_FIN_PROOF},
        {"an inclusion proof coordinate", BUNDLE_CHECK_INC_PROOF},
        {"finality public signal 3", BUNDLE_CHECK_FIN_SIGNALS},
        {"the inclusion public signal", BUNDLE_CHECK_INC_SIGNAL},
        {"a trusted validator", BUNDLE_CHECK_TRUSTED_SET},
        {"the trusted commitment", BUNDLE_CHECK_TRUSTED_SET},
        {"the block number", BUNDLE_CHECK_HEADER},
        {"the recorded block hash", BUNDLE_CHECK_HEADER},
        {"the recorded receiptsRoot", BUNDLE_CHECK_HEADER},
        {"the outbox", BUNDLE_CHECK_MESSAGE_HASH},
        {"maxValidators below the header's list", BUNDLE_CHECK_STATEMENTS},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CASE_BEGIN("one byte changed: %s fails %s", cases[i].what,
                   bundle_check_name(cases[i].check));
        bundle b;
        CHECK(copy_good(&b));
        switch (i) {
        case 0:
            b.header_rlp[b.header_len / 2 - 200] ^= 1;
            break;
        case 1:
            b.header_rlp[b.header_len - 10] ^= 0x10;
            break;
        case 2:
            b.msg.payload[3] ^= 1;
            break;
        case 3:
            b.msg.nonce ^= 1;
            break;
        case 4:
            b.m[31] ^= 1;
            break;
        case 5:
            b.receipt[b.receipt_len - 5] ^= 1;
            break;
        case 6:
            b.nodes[0][b.node_lens[0] / 2] ^= 1;
            break;
        case 7:
            b.tx_index ^= 1;
            break;
        case 8:
            b.log_index = 0;
            break;
        case 9:
            b.fin_proof.a[1][31] ^= 1;
            break;
        case 10:
            b.inc_proof.c[0][31] ^= 1;
            break;
        case 11:
            b.fin_public[3][31] ^= 1;
            break;
        case 12:
            b.inc_public[0][31] ^= 1;
            break;
        case 13:
            b.trusted[1][7] ^= 1;
            break;
        case 14:
            b.trusted_commit[31] ^= 1;
            break;
        case 15:
            b.block_number ^= 1;
            break;
        case 16:
            b.block_hash[0] ^= 1;
            break;
        case 17:
            b.receipts_root[9] ^= 1;
            break;
        case 18:
            b.msg.outbox[0] ^= 1;
            break;
        case 19:
            b.fin_params.max_validators = 3;
            break;
        }
        int st = check_of(&b, cases[i].check, NULL, NULL);
        CHECK_MSG(st != ZK_OK && st != ZK_ERR_INTERNAL - 1000, "%s: status %d", cases[i].what, st);
        /* and the change survives the canonical text: the written bundle fails too */
        size_t len = 0;
        char *t = bfx_text(&b, &len);
        bundle c;
        if (t && bundle_parse(&c, t, len, NULL) == ZK_OK)
            CHECK(check_of(&c, cases[i].check, NULL, NULL) != ZK_OK);
        bundle_clear(&c);
        free(t);
        bundle_clear(&b);
        CASE_END();
    }

    CASE_BEGIN("wrong verification keys: swapped, or another setup of the same circuit");
    bundle b;
    CHECK(copy_good(&b));
    CHECK(check_of(&b, BUNDLE_CHECK_FIN_PROOF, &fx.inc_vk, NULL) == ZK_ERR_MISMATCH);
    CHECK(check_of(&b, BUNDLE_CHECK_INC_PROOF, NULL, &fx.fin_vk) == ZK_ERR_MISMATCH);
    groth16_pk pk2;
    groth16_vk vk2;
    CHECK(bfx_setup(&pk2, &vk2, STMT_FIN_N_PUBLIC));
    CHECK_EQ_INT(check_of(&b, BUNDLE_CHECK_FIN_PROOF, &vk2, NULL), ZK_ERR_REJECTED);
    groth16_pk_clear(&pk2);
    groth16_vk_clear(&vk2);
    bundle_clear(&b);
    CASE_END();

    CASE_BEGIN("a rotation the trusted set does not vouch for: header fails");
    CHECK(copy_good(&b));
    /* T = 4 other addresses: no seal by a member of T */
    for (size_t k = 0; k < b.n_trusted; k++)
        memset(b.trusted[k], (int)(0x90 + k), 20);
    stmt_fin_commit(b.trusted_commit, (const uint8_t(*)[20])b.trusted, b.n_trusted);
    CHECK_EQ_INT(check_of(&b, BUNDLE_CHECK_HEADER, NULL, NULL), ZK_ERR_REJECTED);
    CHECK(check_of(&b, BUNDLE_CHECK_FIN_SIGNALS, NULL, NULL) == ZK_ERR_MISMATCH);
    bundle_clear(&b);
    CASE_END();
}

/* The start and end of the value of "key" inside obj_key's object in text (the statement
 * objects are claims: their numbers are only checked to fit). */
static bool in_statement(const char *text, size_t pos)
{
    const char *s = text;
    while ((s = strstr(s, "\"statement\":{")) != NULL) {
        const char *e = strchr(s, '}');
        if (e && pos >= (size_t)(s - text) && pos <= (size_t)(e - text)) return true;
        s = e ? e : s + 1;
    }
    return false;
}

TEST(test_random_byte_changes)
{
    /* Without claims, every byte outside the statement parameters is proven: a change either
     * breaks the strict parse or fails a check. */
    const int n = 120;
    int parse_fail = 0, verify_fail = 0;
    CASE_BEGIN("any byte changed (%d random positions): refused by the parser or a check", n);
    char *t = malloc(good_len);
    CHECK(t != NULL);
    for (int k = 0; t && k < n; k++) {
        size_t pos;
        do {
            pos = th_rand64() % good_len;
        } while (in_statement(good_text, pos));
        memcpy(t, good_text, good_len);
        static const char alphabet[] = "0123456789abcdefABCDEFx\"{}[],: \n";
        char c;
        do {
            c = alphabet[th_rand64() % (sizeof(alphabet) - 1)];
        } while (c == t[pos]);
        t[pos] = c;
        bundle b;
        if (bundle_parse(&b, t, good_len, NULL) != ZK_OK) {
            parse_fail++;
        } else {
            bundle_report rep;
            int rc = bundle_verify(&rep, fx.g.ctx, &b, &fx.fin_vk, &fx.inc_vk);
            CHECK_MSG(rc != ZK_OK, "byte %zu changed to '%c' still verifies", pos, c);
            if (rc != ZK_OK) verify_fail++;
        }
        bundle_clear(&b);
    }
    free(t);
    printf("random changes: %d refused by the parser, %d by a check\n", parse_fail, verify_fail);
    CHECK(verify_fail > 0);
    CASE_END();
}

TEST(test_parser_strict)
{
    static const struct {
        const char *what, *from, *to;
        int code;
    } edits[] = {
        {"upper-case hex", "\"m\":\"0x", "\"m\":\"0X", ZK_ERR_MALFORMED},
        {"a space", "\"version\":1", "\"version\": 1", ZK_ERR_NONCANONICAL},
        {"version 2", "\"version\":1", "\"version\":2", ZK_ERR_MALFORMED},
        {"an unknown key", "\"version\":1", "\"version\":1,\"extra\":0", ZK_ERR_MALFORMED},
        {"a duplicate key", "\"version\":1", "\"version\":1,\"version\":1", ZK_ERR_MALFORMED},
        {"a quantity with a leading zero", "\"nonce\":\"0x", "\"nonce\":\"0x0",
         ZK_ERR_NONCANONICAL},
        {"an extra key in the proof", "\"protocol\":\"groth16\"",
         "\"protocol\":\"groth16\",\"x\":1", ZK_ERR_MALFORMED},
        {"another statement name", "\"name\":\"finality\"", "\"name\":\"finalitx\"",
         ZK_ERR_MALFORMED},
        {"a number as a string", "\"maxLogs\":", "\"maxLogs\":\"8\",\"y\":", ZK_ERR_MALFORMED},
        {"an empty trie path", "\"trieNodes\":[", "\"trieNodes\":[],\"z\":[", ZK_ERR_MALFORMED},
    };
    for (size_t i = 0; i < sizeof(edits) / sizeof(*edits); i++) {
        CASE_BEGIN("parser refuses %s", edits[i].what);
        const char *at = strstr(good_text, edits[i].from);
        CHECK(at != NULL);
        if (at) {
            size_t fl = strlen(edits[i].from), tl = strlen(edits[i].to);
            size_t pre = (size_t)(at - good_text);
            size_t len = good_len - fl + tl;
            char *t = malloc(len);
            memcpy(t, good_text, pre);
            memcpy(t + pre, edits[i].to, tl);
            memcpy(t + pre + tl, at + fl, good_len - pre - fl);
            bundle b;
            zk_errbuf err = {{0}, 0};
            int rc = bundle_parse(&b, t, len, &err);
            CHECK_MSG(rc != ZK_OK, "accepted");
            CHECK(err.msg[0] != '\0');
            (void)edits[i].code;
            bundle_clear(&b);
            free(t);
        }
        CASE_END();
    }
    CASE_BEGIN("parser refuses truncated text, no final newline, and over-cap text");
    bundle b;
    for (size_t cut = 1; cut < good_len; cut += good_len / 7) {
        CHECK(bundle_parse(&b, good_text, good_len - cut, NULL) != ZK_OK);
        bundle_clear(&b);
    }
    CHECK_EQ_INT(bundle_parse(&b, good_text, BUNDLE_MAX_TEXT + 1, NULL), ZK_ERR_RANGE);
    bundle_clear(&b);
    CHECK(bundle_parse(&b, "{}", 2, NULL) == ZK_ERR_MALFORMED);
    bundle_clear(&b);
    CHECK(bundle_parse(&b, "[1]", 3, NULL) == ZK_ERR_MALFORMED);
    bundle_clear(&b);
    CASE_END();

    CASE_BEGIN("bundle_build refuses oversize parts and an undecodable header");
    bundle_input in;
    memset(&in, 0, sizeof(in));
    uint8_t junk[4] = {0xc1, 0x80, 0, 0};
    in.header_rlp = junk;
    in.header_len = 2;
    uint8_t tr[1][20] = {{1}};
    in.trusted = (const uint8_t(*)[20])tr;
    in.n_trusted = 1;
    in.receipt = junk;
    in.receipt_len = 1;
    const uint8_t *nodes[1] = {junk};
    size_t nl[1] = {1};
    in.nodes = nodes;
    in.node_lens = nl;
    in.n_nodes = 1;
    CHECK_EQ_INT(bundle_build(&b, &in, NULL), ZK_ERR_MALFORMED);
    bundle_clear(&b);
    in.msg.payload_len = BUNDLE_MAX_PAYLOAD + 1;
    CHECK_EQ_INT(bundle_build(&b, &in, NULL), ZK_ERR_RANGE);
    bundle_clear(&b);
    in.msg.payload_len = 0;
    in.n_trusted = 0;
    CHECK_EQ_INT(bundle_build(&b, &in, NULL), ZK_ERR_RANGE);
    bundle_clear(&b);
    CASE_END();
}

int main(void)
{
    if (bfx_init(&fx)) {
        RUN(test_build_write_parse_verify);
        if (good_text) {
            RUN(test_one_byte_changed);
            RUN(test_random_byte_changes);
            RUN(test_parser_strict);
        }
    }
    bundle_clear(&good);
    free(good_text);
    bfx_free(&fx);
    return th_finish("test_bundle");
}
