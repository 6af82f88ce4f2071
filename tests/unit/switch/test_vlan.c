// SPDX-License-Identifier: GPL-2.0-or-later
/* The VLAN rules (lib/vlan.c): every mode against untagged, tagged allowed and not allowed and
 * 802.1ad frames, native VLANs, egress forms, tag push/pop, sizes, and the setting's text. */
#include "check.h"
#include "vlan.h"

#include <string.h>

/* A frame of len bytes whose type field is tpid (0: IPv4) with TCI tci after it. */
static uint32_t frame(uint8_t *buf, uint32_t len, uint16_t tpid, uint16_t tci)
{
	memset(buf, 0xab, len);
	memcpy(buf, (uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1 }, 12);
	buf[12] = (uint8_t)((tpid ? tpid : 0x0800) >> 8);
	buf[13] = (uint8_t)(tpid ? tpid : 0x0800);
	buf[14] = (uint8_t)(tci >> 8);
	buf[15] = (uint8_t)tci;
	return len;
}

static enum vlan_verdict in(const char *setting, uint16_t tpid, uint16_t tci, uint32_t len,
			    struct vlan_rx *rx)
{
	uint8_t buf[2048];
	struct vlan_port p;
	char err[128];

	CHECK_EQ(vlan_port_parse(setting, &p, err, sizeof(err)), 0);
	return vlan_ingress(&p, buf, frame(buf, len, tpid, tci), rx);
}

/* The ingress table of vlan.h, cell by cell. */
static void test_ingress_table(void)
{
	struct vlan_rx rx;

	/* access */
	CHECK_EQ(in("vlan=10", 0, 0, 60, &rx), VLAN_ADMIT);
	CHECK_EQ(rx.key, 10);
	CHECK(!rx.tagged);
	CHECK_EQ(in("vlan=10", VLAN_TPID_8021Q, 10, 64, &rx), VLAN_DROP_TAGGED_ON_ACCESS);
	CHECK_EQ(in("vlan=10", VLAN_TPID_8021Q, 20, 64, &rx), VLAN_DROP_TAGGED_ON_ACCESS);
	CHECK_EQ(in("vlan=10", VLAN_TPID_8021AD, 10, 64, &rx), VLAN_DROP_TAGGED_ON_ACCESS);
	/* trunk without a native VLAN */
	CHECK_EQ(in("trunk=10,20", VLAN_TPID_8021Q, 20, 64, &rx), VLAN_ADMIT);
	CHECK_EQ(rx.key, 20);
	CHECK(rx.tagged);
	CHECK_EQ(in("trunk=10,20", VLAN_TPID_8021Q, 0xe000 | 10, 64, &rx), VLAN_ADMIT); /* prio 7 */
	CHECK_EQ(rx.key, 10);
	CHECK_EQ(in("trunk=10,20", VLAN_TPID_8021Q, 30, 64, &rx), VLAN_DROP_NOT_ALLOWED);
	CHECK_EQ(in("trunk=10,20", VLAN_TPID_8021Q, 0, 64, &rx), VLAN_DROP_NOT_ALLOWED);
	CHECK_EQ(in("trunk=1-4094", VLAN_TPID_8021Q, 4095, 64, &rx), VLAN_DROP_NOT_ALLOWED);
	CHECK_EQ(in("trunk=10,20", 0, 0, 60, &rx), VLAN_DROP_UNTAGGED_NO_NATIVE);
	/* trunk with a native VLAN: untagged frames join it, tagged ones of it are taken too */
	CHECK_EQ(in("trunk=10,20,native=5", 0, 0, 60, &rx), VLAN_ADMIT);
	CHECK_EQ(rx.key, 5);
	CHECK_EQ(in("trunk=10,20,native=5", VLAN_TPID_8021Q, 5, 64, &rx), VLAN_ADMIT);
	CHECK_EQ(rx.key, 5);
	CHECK_EQ(in("trunk=10,20,native=5", VLAN_TPID_8021Q, 6, 64, &rx), VLAN_DROP_NOT_ALLOWED);
	/* 802.1ad: a class of its own on any trunk, whatever VLANs it allows */
	CHECK_EQ(in("trunk=10", VLAN_TPID_8021AD, 300, 68, &rx), VLAN_ADMIT);
	CHECK_EQ(rx.key, VLAN_KEY_STAG | 300);
	CHECK(rx.tagged);
}

static void test_sizes(void)
{
	struct vlan_rx rx;

	CHECK_EQ(in("vlan=1", 0, 0, ETHER_FRAME_MAX, &rx), VLAN_ADMIT);
	CHECK_EQ(in("vlan=1", 0, 0, ETHER_FRAME_MAX + 1, &rx), VLAN_DROP_OVERSIZE);
	CHECK_EQ(in("trunk=7", VLAN_TPID_8021Q, 7, 1522, &rx), VLAN_ADMIT);
	CHECK_EQ(in("trunk=7", VLAN_TPID_8021Q, 7, 1523, &rx), VLAN_DROP_OVERSIZE);
	CHECK_EQ(in("trunk=7", VLAN_TPID_8021AD, 7, 1522, &rx), VLAN_ADMIT);
	CHECK_EQ(in("trunk=7", VLAN_TPID_8021Q, 7, 17, &rx), VLAN_DROP_RUNT);
	CHECK_EQ(in("vlan=7", VLAN_TPID_8021Q, 7, 17, &rx), VLAN_DROP_RUNT);
	CHECK_EQ(in("trunk=7", VLAN_TPID_8021Q, 7, 18, &rx), VLAN_ADMIT);
}

static void test_egress(void)
{
	struct vlan_port acc, trunk, bare;
	char err[128];
	bool tagged;

	vlan_port_access(&acc, 10);
	CHECK_EQ(vlan_port_parse("trunk=10,20,native=20", &trunk, err, sizeof(err)), 0);
	CHECK_EQ(vlan_port_parse("trunk=30", &bare, err, sizeof(err)), 0);
	CHECK(vlan_egress(&acc, 10, &tagged));
	CHECK(!tagged);
	CHECK(!vlan_egress(&acc, 20, &tagged));
	CHECK(!vlan_egress(&acc, VLAN_KEY_STAG | 10, &tagged));
	CHECK(vlan_egress(&trunk, 10, &tagged));
	CHECK(tagged);
	CHECK(vlan_egress(&trunk, 20, &tagged)); /* native: untagged */
	CHECK(!tagged);
	CHECK(!vlan_egress(&trunk, 30, &tagged));
	CHECK(vlan_egress(&trunk, VLAN_KEY_STAG | 99, &tagged));
	CHECK(tagged);
	CHECK(vlan_egress(&bare, 30, &tagged));
	CHECK(tagged);
	vlan_port_default(&acc);
	CHECK(vlan_egress(&acc, 1, &tagged));
	CHECK(!tagged);
	CHECK(!vlan_egress(&acc, 2, &tagged));
}

static void test_push_pop(void)
{
	uint8_t a[1600], b[1600], c[1600];
	uint32_t len = frame(a, 1518, 0, 0), tl, ul;

	for (uint32_t i = 14; i < len; i++)
		a[i] = (uint8_t)i;
	tl = vlan_push(b, a, len, 4094);
	CHECK_EQ(tl, 1522);
	CHECK(!memcmp(b, a, 12));
	CHECK(!memcmp(b + 12, (uint8_t[]){ 0x81, 0x00, 0x0f, 0xfe }, 4));
	CHECK(!memcmp(b + 16, a + 12, len - 12));
	ul = vlan_pop(c, b, tl);
	CHECK_EQ(ul, len);
	CHECK(!memcmp(c, a, len));
}

static void test_parse_vids(void)
{
	static const char *const bad[] = { "0", "4095", "4096", "abc", "", "-1", "10a", "00010x",
					   "99999" };
	uint16_t v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(vlan_parse_vid(bad[i], &v), -22);
	CHECK_EQ(vlan_parse_vid("1", &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(vlan_parse_vid("4094", &v), 0);
	CHECK_EQ(v, 4094);
}

static void test_parse_settings(void)
{
	static const char *const bad[] = { "vlan=0", "vlan=4095", "vlan=4096", "vlan=abc", "vlan=",
					   "vlan=1,2", "trunk=", "trunk=10,,20", "trunk=10,",
					   "trunk=20-10", "trunk=1-4095", "trunk=10,native=0",
					   "trunk=10,native=x", "access=3", "vlan", "",
					   "vlan=1\n2", "trunk=1,a\nb", "x\ny", "trunk=1,native=\n" };
	struct vlan_port p;
	char err[160], text[VLAN_TEXT_MAX];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		CHECK_EQ(vlan_port_parse(bad[i], &p, err, sizeof(err)), -22);
		CHECK(err[0] != 0 && !strchr(err, '\n'));
	}
	CHECK_EQ(vlan_port_parse("vlan=abc", &p, err, sizeof(err)), -22);
	CHECK_STR(err, "vlan: 'abc' is not a VLAN id (1-4094)");
	CHECK_EQ(vlan_port_parse("trunk=10,4096", &p, err, sizeof(err)), -22);
	CHECK_STR(err, "trunk: '4096' is not a VLAN id (1-4094) or a range A-B of them");
	CHECK_EQ(vlan_port_parse("trunk=10,20,native=4095", &p, err, sizeof(err)), -22);
	CHECK_STR(err, "native: '4095' is not a VLAN id (1-4094)");

	CHECK_EQ(vlan_port_parse("trunk=30,10,11-14,20,native=1", &p, err, sizeof(err)), 0);
	CHECK_EQ(p.mode, VLAN_TRUNK);
	CHECK_EQ(p.pvid, 1);
	CHECK(vlan_member(&p, 12) && vlan_member(&p, 1) && !vlan_member(&p, 15));
	vlan_port_format(&p, text, sizeof(text));
	CHECK_STR(text, "trunk=1,10-14,20,30,native=1");
	CHECK_EQ(vlan_port_parse("trunk=1-4094", &p, err, sizeof(err)), 0);
	vlan_port_format(&p, text, sizeof(text));
	CHECK_STR(text, "trunk=1-4094");
	CHECK_EQ(p.pvid, 0);
	CHECK_EQ(vlan_port_parse("vlan=4094", &p, err, sizeof(err)), 0);
	vlan_port_format(&p, text, sizeof(text));
	CHECK_STR(text, "vlan=4094");
	/* Every other VID: the longest list text still fits and reads back the same. */
	memset(&p, 0, sizeof(p));
	p.mode = VLAN_TRUNK;
	for (uint16_t v = 1; v <= 4094; v += 2)
		vlan_set(p.member, v);
	vlan_list_format(&p, text, sizeof(text));
	CHECK(strlen(text) < sizeof(text));
}

static void test_spec_split(void)
{
	struct vlan_port p;
	char base[64], err[160];
	bool given;

	CHECK_EQ(vlan_spec_split("tuntap,tap1", base, sizeof(base), &p, &given, err, sizeof(err)), 0);
	CHECK_STR(base, "tuntap,tap1");
	CHECK(!given);
	CHECK(p.mode == VLAN_ACCESS && p.pvid == 1);
	CHECK_EQ(vlan_spec_split("tuntap,tap1,vlan=10", base, sizeof(base), &p, &given, err,
				 sizeof(err)), 0);
	CHECK_STR(base, "tuntap,tap1");
	CHECK(given && p.mode == VLAN_ACCESS && p.pvid == 10);
	CHECK_EQ(vlan_spec_split("transport=vxlan,vni=42,local=1.2.3.4,trunk=10,20,native=3", base,
				 sizeof(base), &p, &given, err, sizeof(err)), 0);
	CHECK_STR(base, "transport=vxlan,vni=42,local=1.2.3.4");
	CHECK(given && p.mode == VLAN_TRUNK && p.pvid == 3 && vlan_member(&p, 20));
	CHECK_EQ(vlan_spec_split("tuntap,tap1,vlan=0", base, sizeof(base), &p, &given, err,
				 sizeof(err)), -22);
	CHECK_STR(err, "vlan: '0' is not a VLAN id (1-4094)");
}

#define TESTS(X)                                                                             \
	X(test_ingress_table) X(test_sizes) X(test_egress) X(test_push_pop) X(test_parse_vids)  \
	X(test_parse_settings) X(test_spec_split)
#include "check.h"
