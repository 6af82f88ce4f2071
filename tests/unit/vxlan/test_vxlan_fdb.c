// SPDX-License-Identifier: GPL-2.0-or-later
/* vxlan_fdb: learning, ageing and the flood list (doc/vxlan.md §3, §5 requirement 3). */
#include "vxlan_fdb.h"

#include <arpa/inet.h>
#include <errno.h>

#define TESTS(X) X(test_flood_list_dedup_and_limit) X(test_unknown_and_broadcast_flood) \
	X(test_learned_unicast_goes_to_one) X(test_ageing) X(test_move) X(test_not_learned) \
	X(test_bounded) X(test_accepts_remotes_only) X(test_accepts_members) X(test_accepts_any)
#include "check.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static void setup(struct vxlan_fdb *f)
{
	CHECK_EQ(vxlan_fdb_init(f, 16, VXLAN_FDB_AGE), 0);
	CHECK_EQ(vxlan_fdb_flood_add(f, ip("10.99.0.1")), 0);
	CHECK_EQ(vxlan_fdb_flood_add(f, ip("10.99.0.3")), 0);
	CHECK_EQ(vxlan_fdb_flood_add(f, ip("239.1.1.1")), 0);
}

static void test_flood_list_dedup_and_limit(void)
{
	struct vxlan_fdb f;
	char a[32];

	setup(&f);
	CHECK_EQ(vxlan_fdb_flood_add(&f, ip("10.99.0.1")), 0);
	CHECK_EQ(f.nflood, 3);
	for (unsigned int i = 3; i < VXLAN_FLOOD_MAX; i++) {
		snprintf(a, sizeof(a), "10.98.0.%u", i);
		CHECK_EQ(vxlan_fdb_flood_add(&f, ip(a)), 0);
	}
	CHECK_EQ(vxlan_fdb_flood_add(&f, ip("10.97.0.1")), -ENOSPC);
	CHECK_EQ(f.nflood, VXLAN_FLOOD_MAX);
	vxlan_fdb_free(&f);
}

static void test_unknown_and_broadcast_flood(void)
{
	struct vxlan_fdb f;
	uint32_t out[VXLAN_FLOOD_MAX];

	setup(&f);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 100, out), 3);
	CHECK(out[0] == ip("10.99.0.1") && out[1] == ip("10.99.0.3") && out[2] == ip("239.1.1.1"));
	CHECK_EQ(vxlan_fdb_dests(&f, bcast, 100, out), 3);
	CHECK_EQ(vxlan_fdb_dests(&f, mcast, 100, out), 3);
	vxlan_fdb_free(&f);
}

static void test_learned_unicast_goes_to_one(void)
{
	struct vxlan_fdb f;
	uint32_t out[VXLAN_FLOOD_MAX];

	setup(&f);
	vxlan_fdb_learn(&f, mac_a, ip("10.99.0.3"), 100);
	CHECK_EQ(vxlan_fdb_count(&f), 1);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 101, out), 1);
	CHECK(out[0] == ip("10.99.0.3"));
	/* A learned address need not be a static remote (Linux learns from anyone). */
	vxlan_fdb_learn(&f, mac_b, ip("10.99.0.7"), 100);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_b, 101, out), 1);
	CHECK(out[0] == ip("10.99.0.7"));
	/* Broadcast still floods. */
	CHECK_EQ(vxlan_fdb_dests(&f, bcast, 101, out), 3);
	vxlan_fdb_free(&f);
}

static void test_ageing(void)
{
	struct vxlan_fdb f;
	uint32_t out[VXLAN_FLOOD_MAX];

	setup(&f);
	vxlan_fdb_learn(&f, mac_a, ip("10.99.0.3"), 1000);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 1000 + VXLAN_FDB_AGE, out), 1);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 1000 + VXLAN_FDB_AGE + 1, out), 3);
	/* Refreshing keeps it alive. */
	vxlan_fdb_learn(&f, mac_b, ip("10.99.0.1"), 2000);
	vxlan_fdb_learn(&f, mac_b, ip("10.99.0.1"), 2200);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_b, 2400, out), 1);
	/* The periodic sweep frees aged entries: only mac_b is left after a later learn. */
	vxlan_fdb_learn(&f, mac_a, ip("10.99.0.3"), 3000);
	vxlan_fdb_learn(&f, mac_b, ip("10.99.0.1"), 3000 + VXLAN_FDB_AGE + VXLAN_FDB_SWEEP);
	CHECK_EQ(vxlan_fdb_count(&f), 1);
	vxlan_fdb_free(&f);
}

static void test_move(void)
{
	struct vxlan_fdb f;
	uint32_t out[VXLAN_FLOOD_MAX];

	setup(&f);
	vxlan_fdb_learn(&f, mac_a, ip("10.99.0.1"), 10);
	vxlan_fdb_learn(&f, mac_a, ip("10.99.0.3"), 11);
	CHECK_EQ(f.moves, 1);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 12, out), 1);
	CHECK(out[0] == ip("10.99.0.3"));
	vxlan_fdb_free(&f);
}

static void test_not_learned(void)
{
	struct vxlan_fdb f;

	setup(&f);
	vxlan_fdb_learn(&f, bcast, ip("10.99.0.1"), 10);
	vxlan_fdb_learn(&f, mcast, ip("10.99.0.1"), 10);
	vxlan_fdb_learn(&f, mac_a, ip("0.0.0.0"), 10);
	vxlan_fdb_learn(&f, mac_a, ip("239.1.1.1"), 10);
	vxlan_fdb_learn(&f, mac_a, ip("255.255.255.255"), 10);
	CHECK_EQ(vxlan_fdb_count(&f), 0);
	vxlan_fdb_free(&f);
}

static void test_accepts_remotes_only(void)
{
	struct vxlan_fdb f;

	setup(&f);
	CHECK(vxlan_fdb_accepts(&f, ip("10.99.0.1")));
	CHECK(vxlan_fdb_accepts(&f, ip("10.99.0.3")));
	CHECK(!vxlan_fdb_accepts(&f, ip("10.99.0.2")));
	CHECK(!vxlan_fdb_accepts(&f, ip("239.1.1.1"))); /* the group is a destination only */
	CHECK(!vxlan_fdb_accepts(&f, ip("0.0.0.0")));
	vxlan_fdb_free(&f);
}

static void test_accepts_members(void)
{
	struct vxlan_fdb f;
	char a[32];

	setup(&f);
	CHECK_EQ(vxlan_fdb_member_add(&f, ip("10.98.4.2"), ip("255.255.255.0")), 0);
	CHECK_EQ(vxlan_fdb_member_add(&f, ip("10.98.4.9"), ip("255.255.255.0")), 0); /* same subnet */
	CHECK_EQ(f.nmember, 1);
	CHECK(vxlan_fdb_accepts(&f, ip("10.98.4.77")));
	CHECK(!vxlan_fdb_accepts(&f, ip("10.98.5.1")));
	CHECK_EQ(vxlan_fdb_member_add(&f, ip("10.98.4.2"), 0), -EINVAL);
	for (unsigned int i = 1; i < VXLAN_MEMBER_SUBNETS; i++) {
		snprintf(a, sizeof(a), "10.97.%u.1", i);
		CHECK_EQ(vxlan_fdb_member_add(&f, ip(a), ip("255.255.255.0")), 0);
	}
	CHECK_EQ(vxlan_fdb_member_add(&f, ip("10.96.0.1"), ip("255.255.255.0")), -ENOSPC);
	vxlan_fdb_free(&f);
}

static void test_accepts_any(void)
{
	struct vxlan_fdb f;

	setup(&f);
	f.learn_any = true;
	CHECK(vxlan_fdb_accepts(&f, ip("192.0.2.1")));
	vxlan_fdb_free(&f);
}

static void test_bounded(void)
{
	struct vxlan_fdb f;
	uint32_t out[VXLAN_FLOOD_MAX];
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };

	setup(&f);
	for (unsigned int i = 0; i < 100; i++) {
		mac[5] = (uint8_t)i;
		vxlan_fdb_learn(&f, mac, ip("10.99.0.1"), 10);
	}
	CHECK_EQ(vxlan_fdb_count(&f), 16);
	CHECK_EQ(f.full, 84);
	/* One that did not fit is flooded. */
	mac[5] = 99;
	CHECK_EQ(vxlan_fdb_dests(&f, mac, 11, out), 3);
	vxlan_fdb_free(&f);
}

#include "check.h"
