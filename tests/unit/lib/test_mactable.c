// SPDX-License-Identifier: GPL-2.0-or-later
/* The MAC table: learning, moves, aging, capacity, purge; and the hash under it. */
#include "check.h"
#include "mactable.h"

static void mac_of(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static void test_learn_lookup_move(void)
{
	struct mactable t;
	uint8_t m[6];

	CHECK_EQ(mactable_init(&t, 64, 300), 0);
	mac_of(1, m);
	CHECK_EQ(mactable_lookup(&t, m, 0, 100), MACTABLE_NONE);
	CHECK_EQ(mactable_learn(&t, m, 0, 3, 100), MAC_NEW);
	CHECK_EQ(mactable_lookup(&t, m, 0, 100), 3);
	CHECK_EQ(mactable_learn(&t, m, 0, 3, 101), MAC_REFRESHED);
	CHECK_EQ(mactable_learn(&t, m, 0, 5, 102), MAC_MOVED);
	CHECK_EQ(mactable_lookup(&t, m, 0, 102), 5);
	/* Same MAC on another VLAN is another entry. */
	CHECK_EQ(mactable_lookup(&t, m, 7, 102), MACTABLE_NONE);
	CHECK_EQ(mactable_count(&t), 1);
	mactable_free(&t);
}

static void test_aging(void)
{
	struct mactable t;
	uint8_t a[6], b[6];

	CHECK_EQ(mactable_init(&t, 64, 10), 0);
	mac_of(1, a);
	mac_of(2, b);
	mactable_learn(&t, a, 0, 1, 100);
	mactable_learn(&t, b, 0, 2, 105);
	CHECK_EQ(mactable_lookup(&t, a, 0, 110), 1);        /* exactly the aging time: alive */
	CHECK_EQ(mactable_lookup(&t, a, 0, 111), MACTABLE_NONE); /* one second past: gone */
	CHECK_EQ(mactable_expire(&t, 116), 1);               /* b ages out at 116 */
	CHECK_EQ(mactable_count(&t), 0);
	/* An aged-out entry learned again on another port is new, not a move. */
	mactable_learn(&t, a, 0, 1, 200);
	CHECK_EQ(mactable_learn(&t, a, 0, 4, 300), MAC_NEW);
	mactable_free(&t);
}

static void test_capacity(void)
{
	struct mactable t;
	uint8_t m[6];

	CHECK_EQ(mactable_init(&t, 100, 300), 0);
	for (uint32_t i = 0; i < 100; i++) {
		mac_of(i, m);
		CHECK_EQ(mactable_learn(&t, m, 0, i % 7, 1), MAC_NEW);
	}
	mac_of(1000, m);
	CHECK_EQ(mactable_learn(&t, m, 0, 1, 1), MAC_FULL);
	CHECK_EQ(mactable_lookup(&t, m, 0, 1), MACTABLE_NONE);
	for (uint32_t i = 0; i < 100; i++) {
		mac_of(i, m);
		CHECK_EQ(mactable_lookup(&t, m, 0, 1), i % 7);
	}
	mactable_free(&t);
}

static void test_purge_port(void)
{
	struct mactable t;
	uint8_t m[6];

	CHECK_EQ(mactable_init(&t, 4096, 300), 0);
	for (uint32_t i = 0; i < 3000; i++) {
		mac_of(i * 2654435761u, m);
		mactable_learn(&t, m, 0, i % 3, 1);
	}
	CHECK_EQ(mactable_purge_port(&t, 1), 1000);
	CHECK_EQ(mactable_count(&t), 2000);
	for (uint32_t i = 0; i < 3000; i++) {
		mac_of(i * 2654435761u, m);
		CHECK_EQ(mactable_lookup(&t, m, 0, 1), i % 3 == 1 ? MACTABLE_NONE : i % 3);
	}
	mactable_free(&t);
}

/* Backward-shift deletion must keep every other key findable, whatever the removal order. */
static void test_hash_churn(void)
{
	struct ohash h;
	uint8_t key[6];
	bool added;

	CHECK_EQ(ohash_init(&h, 512, 6), 0);
	for (uint32_t round = 0; round < 20; round++) {
		for (uint32_t i = 0; i < 512; i++) {
			mac_of(i + round * 7919, key);
			CHECK(ohash_insert(&h, key, i, &added) != OHASH_NONE);
		}
		for (uint32_t i = 0; i < 512; i += 2) {
			mac_of(i + round * 7919, key);
			ohash_remove(&h, ohash_find(&h, key));
		}
		for (uint32_t i = 0; i < 512; i++) {
			mac_of(i + round * 7919, key);
			uint32_t s = ohash_find(&h, key);

			CHECK(i % 2 ? s != OHASH_NONE && h.vals[s] == i : s == OHASH_NONE);
		}
		for (uint32_t i = 1; i < 512; i += 2) {
			mac_of(i + round * 7919, key);
			ohash_remove(&h, ohash_find(&h, key));
		}
		CHECK_EQ(h.count, 0);
	}
	ohash_free(&h);
}

static void test_iterate(void)
{
	struct mactable t;
	struct mac_entry e;
	uint8_t m[6];
	uint32_t n = 0;

	CHECK_EQ(mactable_init(&t, 64, 300), 0);
	for (uint32_t i = 0; i < 10; i++) {
		mac_of(i, m);
		mactable_learn(&t, m, 0, i, 50 + i);
	}
	for (uint32_t s = mactable_next(&t, 0, &e); s != OHASH_NONE; s = mactable_next(&t, s + 1, &e)) {
		CHECK_EQ(e.mac[5], e.port);
		CHECK_EQ(e.seen, 50 + e.port);
		n++;
	}
	CHECK_EQ(n, 10);
	mactable_free(&t);
}

#define TESTS(X)                                                                             \
	X(test_learn_lookup_move) X(test_aging) X(test_capacity) X(test_purge_port)          \
	X(test_hash_churn) X(test_iterate)
#include "check.h"
