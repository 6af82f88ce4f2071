// SPDX-License-Identifier: GPL-2.0-or-later
/* hostsetup's change record: what umlnet host-up writes, host-down reads back and undoes. */
#include "check.h"
#include "hostsetup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

static struct hostsetup_change change(enum hostsetup_kind kind, const char *ifname, int ifindex,
				      const char *addr, unsigned int len, const char *gw,
				      int other)
{
	struct hostsetup_change c = { .kind = kind, .ifindex = ifindex, .prefixlen = len,
				      .other = other };

	snprintf(c.ifname, sizeof(c.ifname), "%s", ifname);
	inet_pton(AF_INET, addr, &c.addr);
	inet_pton(AF_INET, gw, &c.gw);
	return c;
}

static void test_round_trip(void)
{
	const struct hostsetup_change cases[] = {
		change(HOSTSETUP_LINK, "tap0", 5, "0.0.0.0", 0, "0.0.0.0", 0),
		change(HOSTSETUP_ADDR, "br0", 4, "192.168.50.1", 24, "0.0.0.0", 0),
		change(HOSTSETUP_MASTER, "tap0", 5, "0.0.0.0", 0, "0.0.0.0", 4),
		change(HOSTSETUP_ROUTE, "tap2", 7, "10.77.1.50", 32, "0.0.0.0", 0),
		change(HOSTSETUP_ROUTE, "", 0, "10.8.0.0", 16, "10.9.0.2", 0),
		change(HOSTSETUP_ROUTE, "", 0, "0.0.0.0", 0, "10.9.0.2", 0),
		change(HOSTSETUP_NEIGH, "vh", 3, "10.77.1.50", 32, "0.0.0.0", 0),
		change(HOSTSETUP_FORWARD, "", 0, "0.0.0.0", 0, "0.0.0.0", 0),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hostsetup_change back;
		char line[160];

		CHECK_EQ(hostsetup_change_format(&cases[i], line, sizeof(line)), 0);
		CHECK_EQ(hostsetup_change_parse(line, &back), 0);
		CHECK(memcmp(&back, &cases[i], sizeof(back)) == 0);
	}
}

static void test_text(void)
{
	struct hostsetup_change c = change(HOSTSETUP_ROUTE, "", 0, "10.8.0.0", 16, "10.9.0.2", 0);
	char line[160];

	CHECK_EQ(hostsetup_change_format(&c, line, sizeof(line)), 0);
	CHECK_STR(line, "route - 0 10.8.0.0/16 10.9.0.2 0");
	CHECK_EQ(hostsetup_change_format(&c, line, 10), -ENOSPC);
	CHECK_EQ(hostsetup_change_parse("link tap0 5 0.0.0.0/0 0.0.0.0 0\n", &c), 0);
	CHECK_STR(c.ifname, "tap0");
}

static void test_rejects(void)
{
	static const char *const bad[] = {
		"",
		"link tap0 5 0.0.0.0/0 0.0.0.0",           /* a field short */
		"link tap0 5 0.0.0.0/0 0.0.0.0 0 extra",   /* trailing text */
		"bogus tap0 5 0.0.0.0/0 0.0.0.0 0",        /* unknown kind */
		"link - 5 0.0.0.0/0 0.0.0.0 0",            /* a device change without a device */
		"link tap/0 5 0.0.0.0/0 0.0.0.0 0",        /* not an interface name */
		"link 0123456789abcdef 5 0.0.0.0/0 0.0.0.0 0", /* 16 characters */
		"addr tap0 5 10.0.0.1/33 0.0.0.0 0",       /* prefix */
		"addr tap0 5 10.0.0.256/24 0.0.0.0 0",     /* address */
		"addr tap0 -5 10.0.0.1/24 0.0.0.0 0",      /* index */
		"route - 0 10.0.0.0/8 10.0.0.01 0",        /* gateway with a leading zero */
	};
	struct hostsetup_change c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = hostsetup_change_parse(bad[i], &c);

		if (err != -EINVAL)
			fprintf(stderr, "  accepted: '%s'\n", bad[i]);
		CHECK_EQ(err, -EINVAL);
	}
}

#define TESTS(X) X(test_round_trip) X(test_text) X(test_rejects)
#include "check.h"
