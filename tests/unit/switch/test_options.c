// SPDX-License-Identifier: GPL-2.0-or-later
/* uml_switch's command line: the classic forms and the new options, good and bad. */
#include "check.h"
#include "evwait.h"
#include "options.h"

#include <stdio.h>

static int parse(struct switch_options *o, const char *const *args)
{
	const char *all[32] = { "uml_switch" };
	char *argv[32];

	for (int i = 0; i < 30 && args[i]; i++)
		all[i + 1] = args[i];
	return switch_options_parse(o, check_argv(all, argv), argv);
}

static void test_defaults(void)
{
	struct switch_options o;

	CHECK_EQ(parse(&o, (const char *[]){ NULL }), 0);
	CHECK_STR(o.ctl_path, "/tmp/uml.ctl");
	CHECK(!o.hub && !o.compat_v0 && !o.tap);
	CHECK_EQ(o.age, 300);
}

static void test_classic(void)
{
	struct switch_options o;

	CHECK_EQ(parse(&o, (const char *[]){ "-unix", "/x.ctl", "-hub", "-tap", "tap0", NULL }), 0);
	CHECK_STR(o.ctl_path, "/x.ctl");
	CHECK(o.hub);
	CHECK_STR(o.tap, "tap0");
	/* The data socket argument only after -compat-v0. */
	CHECK_EQ(parse(&o, (const char *[]){ "-compat-v0", "-unix", "/c", "/d", NULL }), 0);
	CHECK_STR(o.data_path, "/d");
	CHECK_EQ(parse(&o, (const char *[]){ "-unix", "/c", "/d", NULL }), -1);
}

static void test_new_options(void)
{
	struct switch_options o;

	CHECK_EQ(parse(&o, (const char *[]){ "--mode", "0660", "-group", "0", "-age", "5",
					     "-port", "tuntap,tap9", "-pcap", "/x.pcap", NULL }), 0);
	CHECK_EQ(o.mode, 0660);
	CHECK_EQ(o.gid, 0);
	CHECK_EQ(o.age, 5);
	CHECK_EQ(o.nport_specs, 1);
	CHECK_STR(o.pcap_path, "/x.pcap");
	CHECK_EQ(o.spin_us, EVWAIT_DEFAULT_US);
	CHECK_EQ(parse(&o, (const char *[]){ "-spin", "0", NULL }), 0);
	CHECK_EQ(o.spin_us, 0);
	CHECK_EQ(parse(&o, (const char *[]){ "-spin", "1000", NULL }), 0);
	CHECK_EQ(o.spin_us, 1000);
}

static void test_bad(void)
{
	struct switch_options o;

	CHECK_EQ(parse(&o, (const char *[]){ "-mode", "999", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-group", "no-such-group-here", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-ports", "0", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-spin", "1001", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-spin", "-1", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-unix", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-frobnicate", NULL }), -1);
}

/* Endpoint specs are parsed with the options: one that does not parse stops the switch. */
static void test_bad_port_specs(void)
{
	struct switch_options o;

	CHECK_EQ(parse(&o, (const char *[]){ "-port", "bogus,x", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-port", "transport=vxlan,vni=99999999", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-port", "tuntap,tap0,zz:zz", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-tap", "a-name-longer-than-ifnamsiz", NULL }), -1);
	CHECK_EQ(parse(&o, (const char *[]){ "-tap", "tap3", "-port", "daemon,,unix,/x", NULL }), 0);
	CHECK_STR(o.tap, "tap3");
}

/* A VLAN setting after a -port spec: taken off the spec, parsed; a bad one stops the switch. */
static void test_port_vlans(void)
{
	static const char *const bad[] = { "tuntap,tap1,vlan=0", "tuntap,tap1,vlan=4095",
					   "tuntap,tap1,vlan=4096", "tuntap,tap1,vlan=abc",
					   "tuntap,tap1,trunk=10,abc", "tuntap,tap1,trunk=10,native=0" };
	struct switch_options o;

	CHECK_EQ(parse(&o, (const char *[]){ "-port", "tuntap,tap1,vlan=10", "-port",
					     "transport=vxlan,vni=42,remote=192.0.2.1,trunk=10,20-22,native=1",
					     "-port", "tuntap,tap2", NULL }), 0);
	CHECK_EQ(o.nport_specs, 3);
	CHECK_STR(o.port_specs[0].spec, "tuntap,tap1");
	CHECK_STR(o.port_specs[0].text, "tuntap,tap1,vlan=10");
	CHECK(o.port_specs[0].vlan_given && o.port_specs[0].vlan.mode == VLAN_ACCESS &&
	      o.port_specs[0].vlan.pvid == 10);
	CHECK_STR(o.port_specs[1].spec, "transport=vxlan,vni=42,remote=192.0.2.1");
	CHECK(o.port_specs[1].vlan.mode == VLAN_TRUNK && o.port_specs[1].vlan.pvid == 1 &&
	      vlan_member(&o.port_specs[1].vlan, 21) && !vlan_member(&o.port_specs[1].vlan, 23));
	CHECK(!o.port_specs[2].vlan_given);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(parse(&o, (const char *[]){ "-port", bad[i], NULL }), -1);
}

/* A VXLAN trunk with a VNI map sets its own VLANs: a VLAN setting after it stops the switch,
 * and so does a bad map. */
static void test_port_vnimap(void)
{
	static const char *const bad[] = {
		"transport=vxlan,vni=100:10,200:20,remote=192.0.2.1,vlan=10",
		"transport=vxlan,vni=100:10,200:20,remote=192.0.2.1,trunk=10,20",
		"transport=vxlan,vni=100:10,100:20,remote=192.0.2.1",
		"transport=vxlan,vni=100:10,200:10,remote=192.0.2.1",
		"transport=vxlan,vni=100:4095,remote=192.0.2.1",
	};
	struct switch_options o;

	CHECK_EQ(parse(&o, (const char *[]){ "-port", "transport=vxlan,vni=100:10,200:20,remote=192.0.2.1",
					     NULL }), 0);
	CHECK_STR(o.port_specs[0].spec, "transport=vxlan,vni=100:10,200:20,remote=192.0.2.1");
	CHECK(!o.port_specs[0].vlan_given);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(parse(&o, (const char *[]){ "-port", bad[i], NULL }), -1);
}

#define TESTS(X)                                                                             \
	X(test_defaults) X(test_classic) X(test_new_options) X(test_bad) X(test_bad_port_specs)  \
	X(test_port_vlans) X(test_port_vnimap)
#include "check.h"
