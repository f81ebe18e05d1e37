/* Validator sets: sorting, duplicates, membership, identifiers, BFT quorum. */
#include "harness.h"

#include "lightclient/valset.h"

TEST(build_and_lookup)
{
    uint8_t addrs[5][20];
    for (int i = 0; i < 5; i++) {
        memset(addrs[i], 0, 20);
        addrs[i][19] = (uint8_t)(50 - i * 10); /* unsorted */
    }
    valset s;
    CHECK_EQ_INT(valset_from_list(&s, addrs, 5, NULL), ZK_OK);
    CHECK_EQ_INT(s.n, 5);
    for (size_t i = 1; i < s.n; i++)
        CHECK(memcmp(s.addrs[i - 1], s.addrs[i], 20) < 0);
    for (int i = 0; i < 5; i++)
        CHECK(valset_contains(&s, addrs[i]));
    uint8_t other[20] = {0};
    other[19] = 15;
    CHECK(!valset_contains(&s, other));
    CHECK_EQ_INT(valset_index(&s, addrs[4]), 0); /* 10 is the smallest */

    /* The same members in another order: equal sets, equal ids. */
    uint8_t rev[5][20];
    for (int i = 0; i < 5; i++)
        memcpy(rev[i], addrs[4 - i], 20);
    valset t;
    CHECK_EQ_INT(valset_from_list(&t, rev, 5, NULL), ZK_OK);
    CHECK(valset_equal(&s, &t));
    uint8_t id1[32], id2[32];
    valset_id(id1, &s);
    valset_id(id2, &t);
    CHECK_MEM(id1, id2, 32);
    /* One member fewer: different set, different id. */
    CHECK_EQ_INT(valset_from_list(&t, rev, 4, NULL), ZK_OK);
    CHECK(!valset_equal(&s, &t));
    valset_id(id2, &t);
    CHECK(memcmp(id1, id2, 32) != 0);
}

TEST(rejects)
{
    uint8_t addrs[3][20] = {{1}, {2}, {1}};
    valset s;
    zk_errbuf err = {0};
    CHECK_EQ_INT(valset_from_list(&s, addrs, 3, &err), ZK_ERR_MALFORMED);
    CHECK(strstr(err.msg, "twice") != NULL);
    CHECK_EQ_INT(valset_from_list(&s, addrs, 0, &err), ZK_ERR_RANGE);
    CHECK_EQ_INT(valset_from_list(&s, addrs, VALSET_MAX + 1, &err), ZK_ERR_RANGE);
}

TEST(quorum)
{
    /* ceil(2n/3), Besu's BftHelpers.calculateRequiredValidatorQuorum */
    static const size_t want[] = {0, 1, 2, 2, 3, 4, 4, 5, 6, 6, 7};
    for (size_t n = 0; n <= 10; n++)
        CHECK_EQ_INT(valset_bft_quorum(n), want[n]);
    CHECK_EQ_INT(valset_bft_quorum(16), 11);
    CHECK_EQ_INT(valset_bft_quorum(100), 67);
}

TEST_MAIN(RUN(build_and_lookup); RUN(rejects); RUN(quorum))
