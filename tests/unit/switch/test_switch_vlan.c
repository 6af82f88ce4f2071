// SPDX-License-Identifier: GPL-2.0-or-later
/* The forwarding core with VLANs: a VLAN-unaware switch unchanged, access ports isolated, trunks
 * tagging and untagging, native VLANs, 802.1ad passing, learning per VLAN, drops by reason. */
#include "check.h"
#include "switch_rig.h"

#include <stdio.h>
#include <string.h>

/* Builds a frame dst <- src (02:00:00:00:00:<n>, 0xff = broadcast) with an 802.1Q or 802.1ad tag
 * of tci when tpid is given; the payload counts up. Returns len. */
static uint32_t build(uint8_t *buf, uint32_t len, uint8_t dst, uint8_t src, uint16_t tpid,
		      uint16_t tci)
{
	uint32_t off = 12;

	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)i;
	if (dst == 0xff)
		memset(buf, 0xff, 6);
	else
		memcpy(buf, (uint8_t[]){ 2, 0, 0, 0, 0, dst }, 6);
	memcpy(buf + 6, (uint8_t[]){ 2, 0, 0, 0, 0, src }, 6);
	if (tpid) {
		buf[off++] = (uint8_t)(tpid >> 8);
		buf[off++] = (uint8_t)tpid;
		buf[off++] = (uint8_t)(tci >> 8);
		buf[off++] = (uint8_t)tci;
	}
	buf[off] = 0x08;
	buf[off + 1] = 0x00;
	return len;
}

static void input(struct rig *r, uint32_t in, uint8_t *buf, uint32_t len)
{
	struct frame f = { buf, len };

	sw_input(&r->s, in, &f);
	sw_flush(&r->s);
}

static void set(struct rig *r, uint32_t slot, const char *setting)
{
	struct vlan_port v;
	char err[128];

	CHECK_EQ(vlan_port_parse(setting, &v, err, sizeof(err)), 0);
	sw_port_set_vlan(&r->s, slot, &v);
}

/* Without any setting the switch forwards tagged frames as they are, as before VLANs. */
static void test_unaware_unchanged(void)
{
	uint8_t buf[1600];
	struct rig r;

	rig_init(&r, false);
	input(&r, 0, buf, build(buf, 64, 0xff, 1, VLAN_TPID_8021Q, 10));
	got(&r, 0, 1, 1, 1);
	CHECK_EQ(r.ep[1].last_len, 64);
	CHECK(!memcmp(r.ep[1].last, buf, 64));
	input(&r, 2, buf, build(buf, 1522, 1, 3, VLAN_TPID_8021Q, 10)); /* 1518 + a tag */
	got(&r, 1, 1, 1, 1);
	CHECK_EQ(r.ep[0].last_len, 1522);
	input(&r, 2, buf, build(buf, 1519, 1, 3, 0, 0));                 /* untagged: too long */
	CHECK_EQ(r.s.ports[2].st.drop_oversize, 1);
	CHECK_EQ(mactable_lookup(&r.s.macs, (uint8_t[]){ 2, 0, 0, 0, 0, 1 }, 0, r.s.now), 0);
	CHECK(!r.s.vlan_aware);
	sw_free(&r.s);
}

/* Access ports of different VLANs do not hear each other; the default port is in VLAN 1. */
static void test_access_isolated(void)
{
	uint8_t buf[1600];
	struct rig r;

	rig_init(&r, false);
	set(&r, 0, "vlan=10");
	set(&r, 1, "vlan=10");
	set(&r, 2, "vlan=20");                         /* port 3 keeps the default, VLAN 1 */
	input(&r, 0, buf, build(buf, 60, 0xff, 1, 0, 0));
	got(&r, 0, 1, 0, 0);
	CHECK(!memcmp(r.ep[1].last, buf, 60));
	input(&r, 2, buf, build(buf, 60, 0xff, 2, 0, 0));
	got(&r, 0, 1, 0, 0);
	input(&r, 3, buf, build(buf, 60, 1, 3, 0, 0)); /* to a VLAN 10 address: unknown in VLAN 1 */
	got(&r, 0, 1, 0, 0);
	input(&r, 1, buf, build(buf, 60, 1, 4, 0, 0)); /* unicast inside VLAN 10 */
	got(&r, 1, 1, 0, 0);
	CHECK_EQ(r.ep[0].last_len, 60);
	/* Tagged frames on an access port are dropped, counted by reason. */
	input(&r, 0, buf, build(buf, 64, 0xff, 1, VLAN_TPID_8021Q, 10));
	input(&r, 0, buf, build(buf, 64, 0xff, 1, VLAN_TPID_8021AD, 10));
	got(&r, 1, 1, 0, 0);
	CHECK_EQ(r.s.ports[0].st.drop_tagged_on_access, 2);
	CHECK_EQ(r.s.ports[0].st.rx_frames, 1);
	sw_free(&r.s);
}

/* A trunk carries two VLANs tagged to and from access ports of each. */
static void test_trunk_tags_and_untags(void)
{
	uint8_t buf[1600], want[1600];
	struct rig r;
	uint32_t n;

	rig_init(&r, false);
	set(&r, 0, "vlan=10");
	set(&r, 1, "vlan=20");
	set(&r, 2, "trunk=10,20");
	set(&r, 3, "vlan=30");
	/* Access 10 -> trunk: tagged 10, a 1518-byte frame becomes 1522. */
	n = build(buf, ETHER_FRAME_MAX, 0xff, 1, 0, 0);
	input(&r, 0, buf, n);
	got(&r, 0, 0, 1, 0);
	CHECK_EQ(r.ep[2].last_len, 1522);
	CHECK_EQ(build(want, 1522, 0xff, 1, VLAN_TPID_8021Q, 10), 1522);
	memcpy(want + 16, buf + 12, n - 12);
	CHECK(!memcmp(r.ep[2].last, want, 1522));
	/* Trunk tagged 20 (priority 5) -> access 20, untagged, the same bytes otherwise. */
	n = build(buf, 1522, 0xff, 2, VLAN_TPID_8021Q, 0xa000 | 20);
	input(&r, 2, buf, n);
	got(&r, 0, 1, 1, 0);
	CHECK_EQ(r.ep[1].last_len, 1518);
	CHECK(!memcmp(r.ep[1].last, buf, 12) && !memcmp(r.ep[1].last + 12, buf + 16, n - 16));
	/* Unicast both ways inside VLAN 20 after learning. */
	input(&r, 1, buf, build(buf, 60, 2, 3, 0, 0));
	got(&r, 0, 1, 2, 0);
	CHECK_EQ(r.ep[2].last_len, 64);
	CHECK_EQ(r.ep[2].last[15], 20);
	/* Not allowed, untagged without native: dropped, counted. */
	input(&r, 2, buf, build(buf, 64, 0xff, 2, VLAN_TPID_8021Q, 30));
	input(&r, 2, buf, build(buf, 60, 0xff, 2, 0, 0));
	input(&r, 2, buf, build(buf, 60, 0xff, 2, 0, 0));
	got(&r, 0, 1, 2, 0);
	CHECK_EQ(r.s.ports[2].st.drop_vlan_not_allowed, 1);
	CHECK_EQ(r.s.ports[2].st.drop_untagged_no_native, 2);
	sw_free(&r.s);
}

/* A trunk's native VLAN is untagged on its wire both ways. */
static void test_native_vlan(void)
{
	uint8_t buf[1600];
	struct rig r;

	rig_init(&r, false);
	set(&r, 0, "vlan=5");
	set(&r, 1, "trunk=10,native=5");
	set(&r, 2, "trunk=5,10");
	set(&r, 3, "vlan=10");
	input(&r, 1, buf, build(buf, 60, 0xff, 1, 0, 0)); /* untagged on the trunk: VLAN 5 */
	got(&r, 1, 0, 1, 0);
	CHECK_EQ(r.ep[0].last_len, 60);
	CHECK(!memcmp(r.ep[0].last, buf, 60));
	CHECK_EQ(r.ep[2].last_len, 64);                    /* tagged where 5 is not native */
	CHECK_EQ(r.ep[2].last[15], 5);
	input(&r, 2, buf, build(buf, 64, 0xff, 2, VLAN_TPID_8021Q, 5));
	got(&r, 2, 1, 1, 0);
	CHECK_EQ(r.ep[1].last_len, 60);                    /* native: untagged */
	input(&r, 3, buf, build(buf, 60, 0xff, 3, 0, 0));
	got(&r, 2, 2, 2, 0);
	CHECK_EQ(r.ep[1].last_len, 64);
	CHECK_EQ(r.ep[1].last[15], 10);
	sw_free(&r.s);
}

/* One address in two VLANs on two ports: each VLAN reaches its own. */
static void test_learning_per_vlan(void)
{
	uint8_t buf[1600];
	struct rig r;
	const uint8_t mac7[6] = { 2, 0, 0, 0, 0, 7 };

	rig_init(&r, false);
	set(&r, 0, "vlan=10");
	set(&r, 1, "vlan=20");
	set(&r, 2, "trunk=10,20");
	input(&r, 0, buf, build(buf, 60, 0xff, 7, 0, 0));
	input(&r, 1, buf, build(buf, 60, 0xff, 7, 0, 0));
	CHECK_EQ(mactable_lookup(&r.s.macs, mac7, 10, r.s.now), 0);
	CHECK_EQ(mactable_lookup(&r.s.macs, mac7, 20, r.s.now), 1);
	CHECK_EQ(r.s.st.mac_moves, 0);
	got(&r, 0, 0, 2, 0);
	input(&r, 2, buf, build(buf, 64, 7, 9, VLAN_TPID_8021Q, 20));
	got(&r, 0, 1, 2, 0);
	input(&r, 2, buf, build(buf, 64, 7, 9, VLAN_TPID_8021Q, 10));
	got(&r, 1, 1, 2, 0);
	/* A new setting forgets what the port learned. */
	set(&r, 0, "vlan=20");
	CHECK_EQ(mactable_lookup(&r.s.macs, mac7, 10, r.s.now), MACTABLE_NONE);
	CHECK_EQ(mactable_lookup(&r.s.macs, mac7, 20, r.s.now), 1);
	sw_free(&r.s);
}

/* 802.1ad frames pass between trunks untouched and never reach access ports. */
static void test_qinq_passes_trunks(void)
{
	uint8_t buf[1600];
	struct rig r;

	rig_init(&r, false);
	set(&r, 0, "trunk=10");
	set(&r, 1, "trunk=20");
	set(&r, 2, "vlan=100");
	input(&r, 0, buf, build(buf, 1522, 0xff, 1, VLAN_TPID_8021AD, 100));
	got(&r, 0, 1, 0, 0);
	CHECK_EQ(r.ep[1].last_len, 1522);
	CHECK(!memcmp(r.ep[1].last, buf, 1522));
	input(&r, 1, buf, build(buf, 68, 1, 2, VLAN_TPID_8021AD, 100)); /* learned in its class */
	got(&r, 1, 1, 0, 0);
	CHECK_EQ(mactable_lookup(&r.s.macs, (uint8_t[]){ 2, 0, 0, 0, 0, 1 }, VLAN_KEY_STAG | 100,
				 r.s.now), 0);
	sw_free(&r.s);
}

/* The first setting makes the switch VLAN-aware and forgets addresses learned before it. */
static void test_becoming_aware(void)
{
	uint8_t buf[1600];
	struct rig r;

	rig_init(&r, false);
	input(&r, 1, buf, build(buf, 60, 0xff, 1, 0, 0));
	CHECK_EQ(mactable_count(&r.s.macs), 1);
	set(&r, 0, "vlan=1");
	CHECK(r.s.vlan_aware);
	CHECK_EQ(mactable_count(&r.s.macs), 0);
	input(&r, 3, buf, build(buf, 64, 0xff, 3, VLAN_TPID_8021Q, 1));
	CHECK_EQ(r.s.ports[3].st.drop_tagged_on_access, 1);
	sw_free(&r.s);
}

#define TESTS(X)                                                                             \
	X(test_unaware_unchanged) X(test_access_isolated) X(test_trunk_tags_and_untags)         \
	X(test_native_vlan) X(test_learning_per_vlan) X(test_qinq_passes_trunks)                \
	X(test_becoming_aware)
#include "check.h"
