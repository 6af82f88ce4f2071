// SPDX-License-Identifier: GPL-2.0-or-later
/* vxlan: the header bytes we send and what a receiver accepts (doc/vxlan.md §1.1). */
#include "vxlan.h"

#include <string.h>

#define TESTS(X) X(test_header_bytes_vni_42) X(test_header_vni_limits) X(test_accept_plain) \
	X(test_short) X(test_missing_i_bit) X(test_wrong_vni) X(test_reserved_bits_counted_not_dropped)
#include "check.h"

/* Header + a 14-byte inner Ethernet header: the shortest packet accepted. */
static uint8_t pkt[VXLAN_HDR_LEN + 14];

static void make(uint32_t vni)
{
	memset(pkt, 0, sizeof(pkt));
	vxlan_hdr_write(pkt, vni);
}

static void test_header_bytes_vni_42(void)
{
	static const uint8_t want[8] = { 0x08, 0, 0, 0, 0x00, 0x00, 0x2a, 0x00 };

	make(42);
	CHECK(memcmp(pkt, want, 8) == 0);
	CHECK_EQ(vxlan_hdr_vni(pkt), 42);
	CHECK(!vxlan_hdr_reserved(pkt));
}

static void test_header_vni_limits(void)
{
	static const uint8_t want[8] = { 0x08, 0, 0, 0, 0xff, 0xff, 0xff, 0x00 };

	make(0xffffff);
	CHECK(memcmp(pkt, want, 8) == 0);
	make(0x123456);
	CHECK(pkt[4] == 0x12 && pkt[5] == 0x34 && pkt[6] == 0x56 && pkt[7] == 0);
	make(0);
	CHECK_EQ(vxlan_hdr_vni(pkt), 0);
	CHECK(pkt[0] == 0x08);
}

static void test_accept_plain(void)
{
	bool r = true;

	make(42);
	CHECK_EQ(vxlan_check(pkt, sizeof(pkt), 42, &r), VXLAN_OK);
	CHECK(!r);
	CHECK_EQ(vxlan_check(pkt, 1500, 42, &r), VXLAN_OK);
}

static void test_short(void)
{
	bool r = true;

	make(42);
	CHECK_EQ(vxlan_check(pkt, sizeof(pkt) - 1, 42, &r), VXLAN_SHORT);
	CHECK(!r);
	CHECK_EQ(vxlan_check(pkt, 0, 42, &r), VXLAN_SHORT);
	CHECK_EQ(vxlan_check(pkt, VXLAN_HDR_LEN, 42, &r), VXLAN_SHORT);
	CHECK_STR(vxlan_verdict_name(VXLAN_SHORT), "short");
}

static void test_missing_i_bit(void)
{
	bool r = false;

	make(42);
	pkt[0] = 0x00; /* flags 0x00: not for us */
	CHECK_EQ(vxlan_check(pkt, sizeof(pkt), 42, &r), VXLAN_NO_I_BIT);
	CHECK(!r);
	pkt[0] = 0x04; /* another flag without I: refused, and its bit reported */
	CHECK_EQ(vxlan_check(pkt, sizeof(pkt), 42, &r), VXLAN_NO_I_BIT);
	CHECK(r);
}

static void test_wrong_vni(void)
{
	bool r = true;

	make(43);
	CHECK_EQ(vxlan_check(pkt, sizeof(pkt), 42, &r), VXLAN_WRONG_VNI);
	CHECK(!r);
	make(42 | 0x10000); /* differs only in the VNI's first byte */
	CHECK_EQ(vxlan_check(pkt, sizeof(pkt), 42, &r), VXLAN_WRONG_VNI);
	CHECK_STR(vxlan_verdict_name(VXLAN_WRONG_VNI), "wrong-vni");
}

/* The five reserved places of §1.1: every one is reported, none makes the packet refused. */
static void test_reserved_bits_counted_not_dropped(void)
{
	static const struct {
		unsigned int byte;
		uint8_t val;
	} cases[] = { { 0, 0x0c }, { 0, 0x88 }, { 1, 0x01 }, { 2, 0x80 }, { 3, 0x01 }, { 7, 0x01 } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool r = false;

		make(42);
		pkt[cases[i].byte] |= cases[i].val;
		CHECK_EQ(vxlan_check(pkt, sizeof(pkt), 42, &r), VXLAN_OK);
		CHECK(r);
		CHECK(vxlan_hdr_reserved(pkt));
		CHECK_EQ(vxlan_hdr_vni(pkt), 42);
	}
}

#include "check.h"
