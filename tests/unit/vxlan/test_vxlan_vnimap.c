// SPDX-License-Identifier: GPL-2.0-or-later
/* The VNI map of a VXLAN trunk: parsing, both lookups, the port setting it makes, its text. */
#include "vlan.h"
#include "vxlan_vnimap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TESTS(X) X(test_parse_and_lookup) X(test_refusals) X(test_index_and_port) X(test_format)
#include "check.h"

static void test_parse_and_lookup(void)
{
	struct vxlan_vnimap m;
	char err[200] = "";

	CHECK(vxlan_vnimap_is_map("100:10"));
	CHECK(!vxlan_vnimap_is_map("100"));
	CHECK_EQ(vxlan_vnimap_parse("200:20,100:10,0:4094,16777215:1", &m, err, sizeof(err)), 0);
	CHECK_EQ(m.n, 4);
	CHECK_EQ(vxlan_vnimap_vlan(&m, 100), 10);
	CHECK_EQ(vxlan_vnimap_vlan(&m, 200), 20);
	CHECK_EQ(vxlan_vnimap_vlan(&m, 0), 4094);
	CHECK_EQ(vxlan_vnimap_vlan(&m, 16777215), 1);
	CHECK_EQ(vxlan_vnimap_vlan(&m, 150), VXLAN_VNIMAP_NONE);
	CHECK_EQ(vxlan_vnimap_vlan(&m, 300), VXLAN_VNIMAP_NONE);
}

static void refused(const char *text, const char *want)
{
	struct vxlan_vnimap m;
	char err[200] = "";

	CHECK_EQ(vxlan_vnimap_parse(text, &m, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, want);
}

static void test_refusals(void)
{
	char big[VXLAN_VNIMAP_MAX * 8 + 16] = "";

	refused("100:10,100:20", "vni map '100:20': VNI 100 is mapped twice");
	refused("100:10,200:10", "vni map '200:10': VLAN 10 is mapped twice");
	refused("100:0", "vni map '100:0': VLAN is not a number in 1..4094");
	refused("100:4095", "vni map '100:4095': VLAN is not a number in 1..4094");
	refused("16777216:1", "vni map '16777216:1': VNI is not a number in 0..16777215");
	refused("100", "vni map '100': not VNI:VLAN");
	refused("1:2:3", "vni map '1:2:3': not VNI:VLAN");
	refused("+1:2", "vni map '+1:2': VNI is not a number in 0..16777215");
	refused("1: 2", "vni map '1: 2': VLAN is not a number in 1..4094");
	refused("1:2,", "vni map '': not VNI:VLAN");
	for (unsigned int i = 0; i <= VXLAN_VNIMAP_MAX; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%s%u:%u", i ? "," : "", i,
			 i + 1);
	refused(big, "vni map: more than 64 pairs");
}

static void test_index_and_port(void)
{
	static uint32_t vni_of[VLAN_VID_MAX + 2];
	struct vxlan_vnimap m;
	struct vlan_port p;
	char err[200];
	bool tagged;

	CHECK_EQ(vxlan_vnimap_parse("100:10,200:20", &m, err, sizeof(err)), 0);
	vxlan_vnimap_index(&m, vni_of);
	CHECK_EQ(vni_of[10], 100);
	CHECK_EQ(vni_of[20], 200);
	CHECK_EQ(vni_of[1], VXLAN_VNIMAP_UNMAPPED);
	CHECK_EQ(vni_of[VLAN_VID_MAX + 1], VXLAN_VNIMAP_UNMAPPED);
	vxlan_vnimap_port(&m, &p);
	CHECK_EQ(p.mode, VLAN_TRUNK);
	CHECK_EQ(p.pvid, 0);
	CHECK(vlan_egress(&p, 10, &tagged) && tagged);
	CHECK(vlan_egress(&p, 20, &tagged) && tagged);
	CHECK(!vlan_egress(&p, 30, &tagged));
	CHECK(!vlan_egress(&p, 1, &tagged));
}

static void test_format(void)
{
	struct vxlan_vnimap m;
	char err[200], text[64];

	CHECK_EQ(vxlan_vnimap_parse("200:20,100:10", &m, err, sizeof(err)), 0);
	vxlan_vnimap_format(&m, text, sizeof(text));
	CHECK_STR(text, "100:10,200:20");
	vxlan_vnimap_format(&m, text, 8); /* cut, still a string */
	CHECK_STR(text, "100:10,");
}
