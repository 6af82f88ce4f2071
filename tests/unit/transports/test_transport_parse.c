// SPDX-License-Identifier: GPL-2.0-or-later
/* The field splitter and the parser's results that the golden files cannot show well. */
#include "transport_spec.h"

#include <errno.h>
#include <string.h>

#define TESTS(X) X(test_split_fields) X(test_split_too_long) X(test_mcast_defaults) X(test_mac_rules) \
	X(test_slirp_argv) X(test_unknown)
#include "check.h"

static void test_split_fields(void)
{
	struct transport_fields f;

	CHECK_EQ(transport_split("a,,c", 3, &f), 0);
	CHECK_STR(f.field[0], "a");
	CHECK(!transport_given(f.field[1]));
	CHECK_STR(f.field[2], "c");
	CHECK(f.rest == NULL);
	CHECK_EQ(transport_split("a", 3, &f), 0);
	CHECK(f.field[1] == NULL && f.field[2] == NULL && f.rest == NULL);
	CHECK_EQ(transport_split("a,b,c,", 3, &f), 0);
	CHECK(f.rest != NULL && f.rest[0] == 0);
	CHECK_EQ(transport_split("a,b,c,d,e", 3, &f), 0);
	CHECK_STR(f.rest, "d,e");
}

static void test_split_too_long(void)
{
	static char big[TRANSPORT_TEXT_MAX + 10];
	struct transport_fields f;

	memset(big, 'x', sizeof(big) - 1);
	CHECK_EQ(transport_split(big, 3, &f), -ENAMETOOLONG);
}

static void test_mcast_defaults(void)
{
	struct transport_spec t;
	char err[256];

	CHECK_EQ(transport_parse("mcast", &t, err, sizeof(err)), 0);
	CHECK_EQ(t.kind, TRANSPORT_MCAST);
	CHECK_EQ(ntohl(t.group.s_addr), 0xefc0a801); /* 239.192.168.1 */
	CHECK_EQ(t.port, 1102);
	CHECK_EQ(t.ttl, 1);
	CHECK(!t.has_mac);
}

static void test_mac_rules(void)
{
	struct transport_spec t;
	char err[256];

	CHECK_EQ(transport_parse("daemon,fe:fd:0a:00:00:01", &t, err, sizeof(err)), 0);
	CHECK(t.has_mac && t.mac[0] == 0xfe && t.mac[5] == 1);
	CHECK_EQ(transport_parse("daemon,ff:fd:0a:00:00:01", &t, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "multicast") && strstr(err, "'ff:fd:0a:00:00:01'"));
	CHECK_EQ(transport_parse("mcast,00:11:22:33:44:55", &t, err, sizeof(err)), 0);
	CHECK(strstr(t.warning, "globally valid") != NULL);
}

static void test_slirp_argv(void)
{
	struct transport_spec t;
	const char *argv[TRANSPORT_SLIRP_ARGS + 1];
	char err[256];

	CHECK_EQ(transport_parse("slirp,,/usr/bin/my_slirp,mtu_1500,,x", &t, err, sizeof(err)), 0);
	transport_slirp_argv(&t, argv);
	CHECK_STR(argv[0], "/usr/bin/my slirp");
	CHECK_STR(argv[1], "mtu 1500");
	CHECK_STR(argv[2], "");
	CHECK_STR(argv[3], "x");
	CHECK(argv[4] == NULL);
	CHECK_EQ(transport_parse("slirp", &t, err, sizeof(err)), 0);
	transport_slirp_argv(&t, argv);
	CHECK_STR(argv[0], "slirp");
	CHECK(argv[1] == NULL);
}

static void test_unknown(void)
{
	struct transport_spec t;
	char err[256];

	CHECK_EQ(transport_parse("mcastx", &t, err, sizeof(err)), -EPROTONOSUPPORT);
	CHECK(strstr(err, "'mcastx'") != NULL);
}

