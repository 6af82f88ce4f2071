/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tunctl's command line: the classic options and messages, and the host-recipe options. */
#include "check.h"
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>

static char err[160];

static int parse(struct tunctl_opts *o, const char *const *args)
{
	char *argv[32];
	int argc = check_argv(args, argv);

	err[0] = '\0';
	return tunctl_parse(argc, argv, o, err, sizeof(err));
}

#define ARGS(...) ((const char *const[]){ "tunctl", __VA_ARGS__, NULL })

static void test_classic(void)
{
	struct tunctl_opts o;

	CHECK_EQ(parse(&o, ARGS("-b", "-u", "1000", "-t", "tap3")), 0);
	CHECK(o.brief && o.has_uid && !o.has_gid && !o.del);
	CHECK_EQ(o.uid, 1000);
	CHECK_STR(o.dev, "tap3");
	CHECK_STR(o.clone, "/dev/net/tun");
	CHECK_EQ(parse(&o, ARGS("-u", "root", "-g", "0x10")), 0);
	CHECK_EQ(o.uid, 0);
	CHECK_EQ(o.gid, 16);
	CHECK_EQ(parse(&o, ARGS("-d", "tap3", "-f", "/dev/misc/net/tun")), 0);
	CHECK(o.del);
	CHECK_STR(o.clone, "/dev/misc/net/tun");
	CHECK_EQ(parse(&o, ARGS("-n", "-t", "tun%d")), 0);
	CHECK(o.tun);
}

static void test_classic_errors(void)
{
	struct tunctl_opts o;

	CHECK_EQ(parse(&o, ARGS("-u", "no-such-user-here")), -EINVAL);
	CHECK_STR(err, "'no-such-user-here' is neither a username nor a numeric uid.");
	CHECK_EQ(parse(&o, ARGS("-g", "no-such-group-here")), -EINVAL);
	CHECK_STR(err, "'no-such-group-here' is neither a groupname nor a numeric group.");
	CHECK_EQ(parse(&o, ARGS("-x")), -EINVAL);
	CHECK_STR(err, "invalid option -- 'x'");
	CHECK_EQ(parse(&o, ARGS("-t")), -EINVAL);
	CHECK_EQ(parse(&o, ARGS("extra")), -EINVAL);
	CHECK_EQ(parse(&o, ARGS("-t", "abcdefghijklmnop")), -EINVAL);
	CHECK_STR(err, "device name 'abcdefghijklmnop' is longer than 15 characters");
}

static void test_host_recipe(void)
{
	struct tunctl_opts o;

	CHECK_EQ(parse(&o, ARGS("-u", "1000", "-a", "10.0.0.254", "-r", "10.0.0.5", "-r",
				"10.0.0.6")), 0);
	CHECK(o.has_addr);
	CHECK_STR(inet_ntoa(o.addr), "10.0.0.254");
	CHECK_EQ(o.nroutes, 2);
	CHECK_STR(inet_ntoa(o.routes[1]), "10.0.0.6");
	CHECK_EQ(parse(&o, ARGS("-B", "br0")), 0);
	CHECK_STR(o.bridge, "br0");
	CHECK_EQ(parse(&o, ARGS("-a", "10.0.0.256")), -EINVAL);
	CHECK_STR(err, "bad address '10.0.0.256'");
	CHECK_EQ(parse(&o, ARGS("-B", "br0;x")), -EINVAL);
	CHECK_EQ(parse(&o, ARGS("-B", "br0", "-r", "10.0.0.5")), -EINVAL);
	CHECK_EQ(parse(&o, ARGS("-d", "tap0", "-a", "10.0.0.1")), -EINVAL);
}

#define TESTS(X) X(test_classic) X(test_classic_errors) X(test_host_recipe)
#include "check.h"
