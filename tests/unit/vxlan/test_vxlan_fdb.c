// SPDX-License-Identifier: GPL-2.0-or-later
/* vxlan_fdb: learning, ageing and the flood list (doc/vxlan.md §3, §5 requirement 3). */
#include "vxlan_fdb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TESTS(X) X(test_flood_list_dedup_and_limit) X(test_unknown_and_broadcast_flood) \
	X(test_learned_unicast_goes_to_one) X(test_ageing) X(test_move) X(test_not_learned) \
	X(test_bounded) X(test_accepts_remotes_only) X(test_accepts_members) X(test_accepts_any) \
	X(test_v6_flood_learn) X(test_v6_link_local_scope) X(test_v6_members) X(test_v6_not_learned) \
	X(test_remote_slots)
#include "check.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

/* "a.b.c.d", "x::y" or "fe80::1%N" (N: an interface index). */
static struct vxlan_ip ip(const char *s)
{
	char text[64];
	const char *pct = strchr(s, '%');
	struct in_addr a4;
	struct in6_addr a6;

	snprintf(text, sizeof(text), "%.*s", pct ? (int)(pct - s) : (int)strlen(s), s);
	if (inet_pton(AF_INET, text, &a4) == 1)
		return vxlan_ip_v4(a4);
	CHECK_EQ(inet_pton(AF_INET6, text, &a6), 1);
	return vxlan_ip_v6(&a6, pct ? (uint32_t)atoi(pct + 1) : 0);
}

static const struct vxlan_ip *at(const char *s)
{
	static struct vxlan_ip slots[8];
	static unsigned int next;
	struct vxlan_ip *p = &slots[next++ % 8];

	*p = ip(s);
	return p;
}

static bool is(const struct vxlan_ip *x, const char *s)
{
	return vxlan_ip_equal(x, at(s));
}

static void setup(struct vxlan_fdb *f)
{
	CHECK_EQ(vxlan_fdb_init(f, 16, VXLAN_FDB_AGE), 0);
	CHECK_EQ(vxlan_fdb_flood_add(f, at("10.99.0.1")), 0);
	CHECK_EQ(vxlan_fdb_flood_add(f, at("10.99.0.3")), 0);
	CHECK_EQ(vxlan_fdb_flood_add(f, at("239.1.1.1")), 0);
}

static void test_flood_list_dedup_and_limit(void)
{
	struct vxlan_fdb f;
	char a[32];

	setup(&f);
	CHECK_EQ(vxlan_fdb_flood_add(&f, at("10.99.0.1")), 0);
	CHECK_EQ(f.nflood, 3);
	for (unsigned int i = 3; i < VXLAN_FLOOD_MAX; i++) {
		snprintf(a, sizeof(a), "10.98.0.%u", i);
		CHECK_EQ(vxlan_fdb_flood_add(&f, at(a)), 0);
	}
	CHECK_EQ(vxlan_fdb_flood_add(&f, at("10.97.0.1")), -ENOSPC);
	CHECK_EQ(f.nflood, VXLAN_FLOOD_MAX);
	vxlan_fdb_free(&f);
}

static void test_unknown_and_broadcast_flood(void)
{
	struct vxlan_fdb f;
	struct vxlan_ip out[VXLAN_FLOOD_MAX];

	setup(&f);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 0, 100, out), 3);
	CHECK(is(&out[0], "10.99.0.1") && is(&out[1], "10.99.0.3") && is(&out[2], "239.1.1.1"));
	CHECK_EQ(vxlan_fdb_dests(&f, bcast, 0, 100, out), 3);
	CHECK_EQ(vxlan_fdb_dests(&f, mcast, 0, 100, out), 3);
	vxlan_fdb_free(&f);
}

static void test_learned_unicast_goes_to_one(void)
{
	struct vxlan_fdb f;
	struct vxlan_ip out[VXLAN_FLOOD_MAX];

	setup(&f);
	vxlan_fdb_learn(&f, mac_a, 0, at("10.99.0.3"), 100);
	CHECK_EQ(vxlan_fdb_count(&f), 1);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 0, 101, out), 1);
	CHECK(is(&out[0], "10.99.0.3"));
	/* A learned address need not be a static remote (Linux learns from anyone). */
	vxlan_fdb_learn(&f, mac_b, 0, at("10.99.0.7"), 100);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_b, 0, 101, out), 1);
	CHECK(is(&out[0], "10.99.0.7"));
	/* Broadcast still floods. */
	CHECK_EQ(vxlan_fdb_dests(&f, bcast, 0, 101, out), 3);
	vxlan_fdb_free(&f);
}

static void test_ageing(void)
{
	struct vxlan_fdb f;
	struct vxlan_ip out[VXLAN_FLOOD_MAX];

	setup(&f);
	vxlan_fdb_learn(&f, mac_a, 0, at("10.99.0.3"), 1000);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 0, 1000 + VXLAN_FDB_AGE, out), 1);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 0, 1000 + VXLAN_FDB_AGE + 1, out), 3);
	/* Refreshing keeps it alive. */
	vxlan_fdb_learn(&f, mac_b, 0, at("10.99.0.1"), 2000);
	vxlan_fdb_learn(&f, mac_b, 0, at("10.99.0.1"), 2200);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_b, 0, 2400, out), 1);
	/* The periodic sweep frees aged entries: only mac_b is left after a later learn. */
	vxlan_fdb_learn(&f, mac_a, 0, at("10.99.0.3"), 3000);
	vxlan_fdb_learn(&f, mac_b, 0, at("10.99.0.1"), 3000 + VXLAN_FDB_AGE + VXLAN_FDB_SWEEP);
	CHECK_EQ(vxlan_fdb_count(&f), 1);
	vxlan_fdb_free(&f);
}

static void test_move(void)
{
	struct vxlan_fdb f;
	struct vxlan_ip out[VXLAN_FLOOD_MAX];

	setup(&f);
	vxlan_fdb_learn(&f, mac_a, 0, at("10.99.0.1"), 10);
	vxlan_fdb_learn(&f, mac_a, 0, at("10.99.0.3"), 11);
	CHECK_EQ(f.moves, 1);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 0, 12, out), 1);
	CHECK(is(&out[0], "10.99.0.3"));
	vxlan_fdb_free(&f);
}

static void test_not_learned(void)
{
	struct vxlan_fdb f;

	setup(&f);
	vxlan_fdb_learn(&f, bcast, 0, at("10.99.0.1"), 10);
	vxlan_fdb_learn(&f, mcast, 0, at("10.99.0.1"), 10);
	vxlan_fdb_learn(&f, mac_a, 0, at("0.0.0.0"), 10);
	vxlan_fdb_learn(&f, mac_a, 0, at("239.1.1.1"), 10);
	vxlan_fdb_learn(&f, mac_a, 0, at("255.255.255.255"), 10);
	CHECK_EQ(vxlan_fdb_count(&f), 0);
	vxlan_fdb_free(&f);
}

static void test_accepts_remotes_only(void)
{
	struct vxlan_fdb f;

	setup(&f);
	CHECK(vxlan_fdb_accepts(&f, at("10.99.0.1")));
	CHECK(vxlan_fdb_accepts(&f, at("10.99.0.3")));
	CHECK(!vxlan_fdb_accepts(&f, at("10.99.0.2")));
	CHECK(!vxlan_fdb_accepts(&f, at("239.1.1.1"))); /* the group is a destination only */
	CHECK(!vxlan_fdb_accepts(&f, at("0.0.0.0")));
	vxlan_fdb_free(&f);
}

static void test_accepts_members(void)
{
	struct vxlan_fdb f;
	char a[32];

	setup(&f);
	CHECK_EQ(vxlan_fdb_member_add(&f, at("10.98.4.2"), 24), 0);
	CHECK_EQ(vxlan_fdb_member_add(&f, at("10.98.4.9"), 24), 0); /* same subnet */
	CHECK_EQ(f.nmember, 1);
	CHECK(vxlan_fdb_accepts(&f, at("10.98.4.77")));
	CHECK(!vxlan_fdb_accepts(&f, at("10.98.5.1")));
	CHECK_EQ(vxlan_fdb_member_add(&f, at("10.98.4.2"), 0), -EINVAL);
	for (unsigned int i = 1; i < VXLAN_MEMBER_SUBNETS; i++) {
		snprintf(a, sizeof(a), "10.97.%u.1", i);
		CHECK_EQ(vxlan_fdb_member_add(&f, at(a), 24), 0);
	}
	CHECK_EQ(vxlan_fdb_member_add(&f, at("10.96.0.1"), 24), -ENOSPC);
	vxlan_fdb_free(&f);
}

static void test_accepts_any(void)
{
	struct vxlan_fdb f;

	setup(&f);
	f.learn_any = true;
	CHECK(vxlan_fdb_accepts(&f, at("192.0.2.1")));
	vxlan_fdb_free(&f);
}

static void test_bounded(void)
{
	struct vxlan_fdb f;
	struct vxlan_ip out[VXLAN_FLOOD_MAX];
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };

	setup(&f);
	for (unsigned int i = 0; i < 100; i++) {
		mac[5] = (uint8_t)i;
		vxlan_fdb_learn(&f, mac, 0, at("10.99.0.1"), 10);
	}
	CHECK_EQ(vxlan_fdb_count(&f), 16);
	CHECK_EQ(f.full, 84);
	/* One that did not fit is flooded. */
	mac[5] = 99;
	CHECK_EQ(vxlan_fdb_dests(&f, mac, 0, 11, out), 3);
	vxlan_fdb_free(&f);
}

/* IPv6 remotes: flooded to, learned from, unicast to the learned one. */
static void test_v6_flood_learn(void)
{
	struct vxlan_fdb f;
	struct vxlan_ip out[VXLAN_FLOOD_MAX];

	CHECK_EQ(vxlan_fdb_init(&f, 16, VXLAN_FDB_AGE), 0);
	CHECK_EQ(vxlan_fdb_flood_add(&f, at("2001:db8::1")), 0);
	CHECK_EQ(vxlan_fdb_flood_add(&f, at("2001:db8::3")), 0);
	CHECK_EQ(vxlan_fdb_flood_add(&f, at("2001:db8::1")), 0);
	CHECK_EQ(vxlan_fdb_flood_add(&f, at("ff05::42")), 0);
	CHECK_EQ(vxlan_fdb_dests(&f, bcast, 0, 1, out), 3);
	CHECK(is(&out[0], "2001:db8::1") && is(&out[1], "2001:db8::3") && is(&out[2], "ff05::42"));
	CHECK(vxlan_fdb_accepts(&f, at("2001:db8::3")));
	CHECK(!vxlan_fdb_accepts(&f, at("2001:db8::2")));
	CHECK(!vxlan_fdb_accepts(&f, at("ff05::42")));
	/* An IPv4-mapped twin of nothing we know is not one of the IPv6 remotes. */
	CHECK(!vxlan_fdb_accepts(&f, at("0.0.0.1")));
	vxlan_fdb_learn(&f, mac_a, 0, at("2001:db8::3"), 10);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 0, 11, out), 1);
	CHECK(is(&out[0], "2001:db8::3"));
	vxlan_fdb_learn(&f, mac_a, 0, at("2001:db8::1"), 12);
	CHECK_EQ(f.moves, 1);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 0, 13, out), 1);
	CHECK(is(&out[0], "2001:db8::1"));
	vxlan_fdb_free(&f);
}

/* fe80::1 on interface 2 and fe80::1 on interface 3 are two hosts; a global address carries no
 * interface, so one given with a scope is still the same remote. */
static void test_v6_link_local_scope(void)
{
	struct vxlan_fdb f;
	struct vxlan_ip out[VXLAN_FLOOD_MAX];

	CHECK_EQ(vxlan_fdb_init(&f, 16, VXLAN_FDB_AGE), 0);
	CHECK_EQ(vxlan_fdb_flood_add(&f, at("fe80::1%2")), 0);
	CHECK(vxlan_fdb_accepts(&f, at("fe80::1%2")));
	CHECK(!vxlan_fdb_accepts(&f, at("fe80::1%3")));
	CHECK(!vxlan_fdb_accepts(&f, at("fe80::1")));
	CHECK(vxlan_ip_equal(at("2001:db8::1%2"), at("2001:db8::1")));
	vxlan_fdb_learn(&f, mac_a, 0, at("fe80::1%2"), 10);
	CHECK_EQ(vxlan_fdb_dests(&f, mac_a, 0, 11, out), 1);
	CHECK_EQ(out[0].scope, 2);
	vxlan_fdb_free(&f);
}

/* Group members over IPv6: a /64 of the group's interface; a link-local subnet only on its own
 * interface. Prefix lengths are the family's own. */
static void test_v6_members(void)
{
	struct vxlan_fdb f;

	CHECK_EQ(vxlan_fdb_init(&f, 16, VXLAN_FDB_AGE), 0);
	CHECK_EQ(vxlan_fdb_member_add(&f, at("2001:db8:1::7"), 64), 0);
	CHECK_EQ(vxlan_fdb_member_add(&f, at("2001:db8:1::8"), 64), 0);
	CHECK_EQ(f.nmember, 1);
	CHECK_EQ(vxlan_fdb_member_add(&f, at("fe80::7%2"), 64), 0);
	CHECK(vxlan_fdb_accepts(&f, at("2001:db8:1::99")));
	CHECK(vxlan_fdb_accepts(&f, at("2001:db8:1:0:ffff::1")));
	CHECK(!vxlan_fdb_accepts(&f, at("2001:db8:2::1")));
	CHECK(vxlan_fdb_accepts(&f, at("fe80::9%2")));
	CHECK(!vxlan_fdb_accepts(&f, at("fe80::9%3")));
	CHECK_EQ(vxlan_fdb_member_add(&f, at("2001:db8::1"), 129), -EINVAL);
	CHECK_EQ(vxlan_fdb_member_add(&f, at("10.0.0.1"), 33), -EINVAL);
	CHECK_EQ(vxlan_fdb_member_add(&f, at("10.0.0.1"), 32), 0);
	CHECK(vxlan_fdb_accepts(&f, at("10.0.0.1")));
	CHECK(!vxlan_fdb_accepts(&f, at("10.0.0.2")));
	vxlan_fdb_free(&f);
}

static void test_v6_not_learned(void)
{
	struct vxlan_fdb f;

	CHECK_EQ(vxlan_fdb_init(&f, 16, VXLAN_FDB_AGE), 0);
	f.learn_any = true;
	vxlan_fdb_learn(&f, mac_a, 0, at("::"), 10);
	vxlan_fdb_learn(&f, mac_a, 0, at("ff02::1%2"), 10);
	vxlan_fdb_learn(&f, mac_a, 0, at("ff05::42"), 10);
	CHECK_EQ(vxlan_fdb_count(&f), 0);
	vxlan_fdb_free(&f);
}

/* More remotes than slots: the MAC behind one more is not learned (counted), and a slot whose
 * MACs aged out takes the next remote. */
static void test_remote_slots(void)
{
	struct vxlan_fdb f;
	struct vxlan_ip out[VXLAN_FLOOD_MAX];
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	char a[64];

	CHECK_EQ(vxlan_fdb_init(&f, 1024, VXLAN_FDB_AGE), 0);
	for (unsigned int i = 0; i < VXLAN_VTEPS_MAX; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		snprintf(a, sizeof(a), "2001:db8::%x", i + 1);
		vxlan_fdb_learn(&f, mac, 0, at(a), 10);
	}
	CHECK_EQ(vxlan_fdb_count(&f), VXLAN_VTEPS_MAX);
	CHECK_EQ(f.vteps_full, 0);
	mac[4] = 0xee;
	vxlan_fdb_learn(&f, mac, 0, at("2001:db8::ffff"), 10);
	CHECK_EQ(f.vteps_full, 1);
	CHECK_EQ(vxlan_fdb_dests(&f, mac, 0, 11, out), 0);
	/* Everything ages out; after the sweep the new remote gets a slot. */
	vxlan_fdb_learn(&f, mac, 0, at("2001:db8::ffff"), 10 + VXLAN_FDB_AGE + VXLAN_FDB_SWEEP);
	CHECK_EQ(f.vteps_full, 1);
	CHECK_EQ(vxlan_fdb_dests(&f, mac, 0, 11 + VXLAN_FDB_AGE + VXLAN_FDB_SWEEP, out), 1);
	CHECK(is(&out[0], "2001:db8::ffff"));
	vxlan_fdb_free(&f);
}

#include "check.h"
