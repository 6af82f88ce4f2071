/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uml_net's policy: parsing, with errors naming the line, and the allow decision. */
#include "check.h"
#include "policy.h"

#include "netlink.h"

#include <errno.h>
#include <string.h>

static int resolve(bool group, const char *name, uint32_t *id)
{
	if (!group && strcmp(name, "alice") == 0)
		*id = 1000;
	else if (group && strcmp(name, "umlnet") == 0)
		*id = 500;
	else
		return -ENOENT;
	return 0;
}

static const char sample[] = "# sample\n"
			     "user alice tuntap,add 192.168.0.0/24,10.9.9.9\n"
			     "\n"
			     "group umlnet ethertap,slip,del 10.0.0.0/8   # comment\n"
			     "user 1002 all any\n";

static struct in_addr ip(const char *s)
{
	struct in_addr a = { 0 };

	nl_ipv4_parse(s, &a);
	return a;
}

static void test_parse_sample(void)
{
	struct policy pol;
	char err[160] = "";

	CHECK_EQ(policy_parse(&pol, sample, strlen(sample), resolve, err, sizeof(err)), 0);
	CHECK_EQ(pol.nrules, 3);
	CHECK_EQ(pol.rules[0].id, 1000);
	CHECK_EQ(pol.rules[0].ops, POLICY_OP_TUNTAP | POLICY_OP_ADDR);
	CHECK_EQ(pol.rules[0].nranges, 2);
	CHECK(pol.rules[1].is_group);
	CHECK_EQ(pol.rules[1].id, 500);
	CHECK_EQ(pol.rules[2].ops, POLICY_OP_ALL);
}

static void test_allows(void)
{
	struct policy pol;
	char err[160];
	struct policy_caller alice = { .uid = 1000, .gid = 1000 };
	struct policy_caller bob = { .uid = 1001, .gid = 1001, .ngroups = 1, .groups = { 500 } };
	struct policy_caller eve = { .uid = 1003, .gid = 1003 };
	struct policy_caller any = { .uid = 1002, .gid = 1002 };
	struct in_addr a[2];

	policy_parse(&pol, sample, strlen(sample), resolve, err, sizeof(err));
	a[0] = ip("192.168.0.7");
	a[1] = ip("10.9.9.9");
	CHECK(policy_allows(&pol, &alice, POLICY_OP_TUNTAP, a, 2));
	CHECK(policy_allows(&pol, &alice, POLICY_OP_ADDR, a, 1));
	CHECK(!policy_allows(&pol, &alice, POLICY_OP_SLIP, a, 1));
	a[1] = ip("10.9.9.10");
	CHECK(!policy_allows(&pol, &alice, POLICY_OP_TUNTAP, a, 2)); /* one address outside */
	a[0] = ip("10.1.2.3");
	CHECK(policy_allows(&pol, &bob, POLICY_OP_SLIP, a, 1)); /* by supplementary group */
	CHECK(!policy_allows(&pol, &bob, POLICY_OP_TUNTAP, a, 1));
	CHECK(!policy_allows(&pol, &eve, POLICY_OP_ADDR, a, 1));
	CHECK(policy_allows(&pol, &any, POLICY_OP_ETHERTAP, a, 0));
	CHECK(policy_allows(&pol, &any, POLICY_OP_ADDR, a, 1));
}

static void expect_error(const char *text, const char *msg)
{
	struct policy pol;
	char err[160] = "";

	CHECK_EQ(policy_parse(&pol, text, strlen(text), resolve, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, msg);
}

static void test_errors(void)
{
	expect_error("user alice tuntap\n", "line 1: expected '<user|group> <who> <ops> <addresses>', got 'user'");
	expect_error("\nperson alice tuntap any\n", "line 2: expected 'user' or 'group', got 'person'");
	expect_error("user mallory tuntap any\n", "line 1: unknown user 'mallory'");
	expect_error("group nope tuntap any\n", "line 1: unknown group 'nope'");
	expect_error("user alice frob any\n", "line 1: unknown operation 'frob'");
	expect_error("user alice tuntap 10.0.0.0/33\n", "line 1: bad prefix length '33'");
	expect_error("user alice tuntap 10.0.0/8\n", "line 1: bad address '10.0.0'");
	expect_error("user alice tuntap any extra\n", "line 1: extra text 'extra'");
	expect_error("user 99999999999 tuntap any\n", "line 1: bad id '99999999999'");
	expect_error("user alice tuntap 10.0.0.1/\n", "line 1: bad prefix length ''");
}

#define TESTS(X) X(test_parse_sample) X(test_allows) X(test_errors)
#include "check.h"
