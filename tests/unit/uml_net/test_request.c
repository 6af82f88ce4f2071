/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uml_net's argv validation: what the 6.1 kernel sends is accepted, anything else is refused
 * with a reason naming the field. */
#include "check.h"
#include "netlink.h"
#include "request.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>

static char err[160];

static int parse(struct request *r, const char *const *args)
{
	char *argv[32];
	int argc = check_argv(args, argv);

	err[0] = '\0';
	return request_parse(argc, argv, r, err, sizeof(err));
}

#define ARGS(...) ((const char *const[]){ "uml_net", __VA_ARGS__, NULL })

static void test_tuntap_up(void)
{
	struct request r;

	CHECK_EQ(parse(&r, ARGS("4", "tuntap", "up", "192.168.0.254")), 0);
	CHECK_EQ(r.op, REQ_TUNTAP_UP);
	CHECK(r.has_gate);
	CHECK_STR(inet_ntoa(r.gate), "192.168.0.254");
	CHECK_EQ(parse(&r, ARGS("4", "tuntap", "up")), -EINVAL);
	CHECK_STR(err, "too few arguments for 'tuntap up <gate>'");
	CHECK_EQ(parse(&r, ARGS("4", "tuntap", "down", "1.2.3.4")), -EINVAL);
}

static void test_ethertap(void)
{
	struct request r;

	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap0", "7")), 0);
	CHECK_EQ(r.op, REQ_ETHERTAP);
	CHECK_STR(r.dev, "tap0");
	CHECK_EQ(r.data_fd, 7);
	CHECK(!r.has_gate);
	/* A 15-character gate arrives with the kernel's garbage after it: cut at 15. */
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap0", "7", "192.168.100.200\x7f\x01")), 0);
	CHECK_STR(inet_ntoa(r.gate), "192.168.100.200");
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap0", "2")), -EINVAL);
	CHECK_STR(err, "bad data fd '2'");
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap0", "7x")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap0", "-7")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap0", "99999")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap0")), -EINVAL);
	/* Only tap<N>: no squatting on names other host software expects. */
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap12", "7")), 0);
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "br0", "7")), -EINVAL);
	CHECK_STR(err, "bad ethertap device (tap<N>) 'br0'");
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap", "7")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tapx", "7")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap0x", "7")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap-1", "7")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "ethertap", "tap0123456789012", "7")), -EINVAL);
}

static void test_add_del(void)
{
	struct request r;

	CHECK_EQ(parse(&r, ARGS("4", "add", "tap0", "10.0.0.5", "255.255.255.0")), 0);
	CHECK_EQ(r.op, REQ_ADD);
	CHECK_EQ(r.prefix, 24);
	CHECK_EQ(parse(&r, ARGS("4", "del", "tap0", "10.0.0.5", "255.255.255.255")), 0);
	CHECK_EQ(r.op, REQ_DEL);
	CHECK_EQ(r.prefix, 32);
	CHECK_EQ(parse(&r, ARGS("4", "add", "tap0", "10.0.0.5", "255.0.255.0")), -EINVAL);
	CHECK_STR(err, "bad netmask '255.0.255.0'");
	CHECK_EQ(parse(&r, ARGS("4", "add", "tap0", "10.0.0.5")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "add", "tap0", "10.0.0.5", "255.255.255.0", "x")), -EINVAL);
	CHECK_STR(err, "too many arguments for 'add|del <dev> <addr> <netmask>'");
}

static void test_slip(void)
{
	struct request r;

	CHECK_EQ(parse(&r, ARGS("4", "slip", "up", "10.0.0.1")), 0);
	CHECK_EQ(r.op, REQ_SLIP_UP);
	CHECK_EQ(parse(&r, ARGS("4", "slip", "down", "sl0")), 0);
	CHECK_EQ(r.op, REQ_SLIP_DOWN);
	CHECK_EQ(parse(&r, ARGS("4", "slip", "down", "")), 0); /* no gate: empty name */
	CHECK_EQ(parse(&r, ARGS("4", "slip", "down", "sl0;reboot")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "slip", "up")), -EINVAL);
}

static void test_bad_device_names(void)
{
	static const char *const bad[] = { "", "abcdefghijklmnop", "tap0;id", "$(reboot)", "a b",
					   "../x", "tap`x`", "tap0\n", "tap|x", "tap/0" };
	struct request r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(parse(&r, ARGS("4", "add", bad[i], "10.0.0.5", "255.255.255.0")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "add", "tap0;id", "10.0.0.5", "255.255.255.0")), -EINVAL);
	CHECK_STR(err, "bad device name 'tap0;id'");
	CHECK_EQ(parse(&r, ARGS("4", "add", "abcdefghijklmno", "10.0.0.5", "255.255.255.0")), 0);
}

static void test_bad_addresses(void)
{
	static const char *const bad[] = { "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4",
					   "1.2.3.4 ", " 1.2.3.4", "+1.2.3.4", "1..2.3", "1.2.3.4;x",
					   "0x1.2.3.4", "1.2.3.", "", "1.2.3.1000" };
	struct request r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(parse(&r, ARGS("4", "add", "tap0", bad[i], "255.255.255.0")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "tuntap", "up", "1.2.3.4;x")), -EINVAL);
	CHECK_STR(err, "bad gate address '1.2.3.4;x'");
	CHECK_EQ(parse(&r, ARGS("4", "add", "tap0", "0.0.0.0", "0.0.0.0")), 0);
}

static void test_versions_and_ops(void)
{
	struct request r;

	CHECK_EQ(parse(&r, ARGS("3", "tuntap", "up", "1.2.3.4")), -EINVAL);
	CHECK_STR(err, "bad protocol version (only 4 is supported) '3'");
	CHECK_EQ(parse(&r, ARGS("5", "tuntap", "up", "1.2.3.4")), -EINVAL);
	CHECK_EQ(parse(&r, ARGS("4", "frob", "x")), -EINVAL);
	CHECK_STR(err, "bad operation 'frob'");
	CHECK_EQ(parse(&r, ARGS("4")), -EINVAL);
}

/* Addresses no policy can hand out (uml_net refuses them before it looks at the policy). */
static void test_unicast_only(void)
{
	static const char *const never[] = { "0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.0.9",
					     "224.0.0.251", "239.1.1.1", "240.0.0.1",
					     "255.255.255.255" };
	static const char *const fine[] = { "1.0.0.0", "10.77.1.50", "126.255.255.255",
					    "192.168.0.254", "223.255.255.254" };
	struct in_addr a;

	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		CHECK_EQ(nl_ipv4_parse(never[i], &a), 0);
		CHECK(!nl_ipv4_unicast(a));
	}
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		CHECK_EQ(nl_ipv4_parse(fine[i], &a), 0);
		CHECK(nl_ipv4_unicast(a));
	}
}

#define TESTS(X)                                                                                   \
	X(test_tuntap_up) X(test_ethertap) X(test_add_del) X(test_slip) X(test_bad_device_names)    \
	X(test_bad_addresses) X(test_versions_and_ops) X(test_unicast_only)
#include "check.h"
