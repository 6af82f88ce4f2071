// SPDX-License-Identifier: GPL-2.0-or-later
/* Device socket rules (uml_switch/ident_rule.c): the command's parsing, its refusals naming the
 * field, the round trip through the text form, and which clients a scope admits. */
#include "check.h"
#include "ident_rule.h"

#include <string.h>

/* Parses the words of line (split at spaces, as the management socket does). */
static int parse_line(const char *line, struct ident_rule *r, char *err, size_t errlen)
{
	char copy[1024], *words[8];
	int n = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok(copy, " "); w && n < 8; w = strtok(NULL, " "))
		words[n++] = w;
	err[0] = '\0';
	return ident_rule_parse(words, n, r, err, errlen);
}

static void test_parse(void)
{
	struct ident_rule r;
	char err[320];

	CHECK_EQ(parse_line("ident /run/u/sw0.a.eth0.ctl pid=123 vlan=10 name=eth0", &r, err,
			    sizeof(err)), 0);
	CHECK_STR(r.path, "/run/u/sw0.a.eth0.ctl");
	CHECK(!r.by_uid && r.id == 123);
	CHECK(r.vlan.mode == VLAN_ACCESS && r.vlan.pvid == 10);
	CHECK_STR(r.name, "eth0");
	CHECK_EQ(parse_line("ident /s uid=0 trunk=10,20,native=1", &r, err, sizeof(err)), 0);
	CHECK(r.by_uid && r.id == 0 && r.name[0] == '\0');
	CHECK(r.vlan.mode == VLAN_TRUNK && r.vlan.pvid == 1 && vlan_member(&r.vlan, 20) &&
	      !vlan_member(&r.vlan, 30));
}

static void test_refusals(void)
{
	static const char *const bad[][2] = {
		{ "ident /s pid=1", "ident: usage: ident PATH pid=PID|uid=UID "
				    "vlan=N|trunk=LIST[,native=N] [name=DEV]" },
		{ "ident s pid=1 vlan=10", "ident: path 's': not an absolute path" },
		{ "ident /s pid=0 vlan=10", "ident: pid '0': expected a number above 0" },
		{ "ident /s pid=-3 vlan=10", "ident: pid '-3': expected a number above 0" },
		{ "ident /s uid=x vlan=10", "ident: uid 'x': expected a number" },
		{ "ident /s gid=1 vlan=10", "ident: scope 'gid=1': expected pid=PID or uid=UID" },
		{ "ident /s pid=1 vlan=4095", "ident: vlan: '4095' is not a VLAN id (1-4094)" },
		{ "ident /s pid=1 vlan=10 nam=eth0", "ident: option 'nam=eth0': expected name=DEV" },
		{ "ident /s pid=1 vlan=10 na", "ident: option 'na': expected name=DEV" },
		{ "ident /s pid=1 vlan=10 name=eth0/1",
		  "ident: name 'eth0/1': expected 1 to 15 letters, digits, '.', '_' or '-'" },
		{ "ident /s pid=1 vlan=10 name=0123456789abcdef",
		  "ident: name '0123456789abcdef': expected 1 to 15 letters, digits, '.', '_' or '-'" },
	};
	char longpath[200], line[300], err[320];
	struct ident_rule r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(parse_line(bad[i][0], &r, err, sizeof(err)), -22);
		CHECK_STR(err, bad[i][1]);
	}
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(r.path)] = '\0'; /* one byte more than an address holds with its NUL */
	snprintf(line, sizeof(line), "ident %s pid=1 vlan=10", longpath);
	CHECK_EQ(parse_line(line, &r, err, sizeof(err)), -22);
	CHECK(strstr(err, "longer than a socket address holds") != NULL);
	longpath[sizeof(r.path) - 1] = '\0';
	snprintf(line, sizeof(line), "ident %s pid=1 vlan=10", longpath);
	CHECK_EQ(parse_line(line, &r, err, sizeof(err)), 0);
}

static void test_round_trip(void)
{
	struct ident_rule r, again;
	char text[800], line[820], err[320];

	CHECK_EQ(parse_line("ident /x/y pid=77 trunk=20,10,11-12 name=eth1", &r, err, sizeof(err)),
		 0);
	ident_rule_format(&r, text, sizeof(text));
	CHECK_STR(text, "/x/y pid=77 trunk=10-12,20 name=eth1");
	snprintf(line, sizeof(line), "ident %s", text);
	CHECK_EQ(parse_line(line, &again, err, sizeof(err)), 0);
	CHECK_STR(again.path, r.path);
	CHECK(again.by_uid == r.by_uid && again.id == r.id && again.vlan.mode == r.vlan.mode &&
	      again.vlan.pvid == r.vlan.pvid &&
	      !memcmp(again.vlan.member, r.vlan.member, sizeof(r.vlan.member)));
	CHECK_STR(again.name, r.name);
}

/* A pid scope admits that process only; a uid scope that user's processes; nobody unknown. */
static void test_scope(void)
{
	struct ident_rule r;
	char err[320];

	CHECK_EQ(parse_line("ident /s pid=100 vlan=10", &r, err, sizeof(err)), 0);
	CHECK(ident_rule_admits(&r, 100, 995));
	CHECK(!ident_rule_admits(&r, 101, 995));
	CHECK(!ident_rule_admits(&r, 0, 995));
	CHECK_EQ(parse_line("ident /s uid=995 vlan=10", &r, err, sizeof(err)), 0);
	CHECK(ident_rule_admits(&r, 100, 995) && ident_rule_admits(&r, 5, 995));
	CHECK(!ident_rule_admits(&r, 100, 994));
	CHECK(!ident_rule_admits(&r, 100, (uid_t)-1));
	CHECK_EQ(parse_line("ident /s uid=0 vlan=10", &r, err, sizeof(err)), 0);
	CHECK(ident_rule_admits(&r, 1, 0) && !ident_rule_admits(&r, 1, 1000));
}

#define TESTS(X) X(test_parse) X(test_refusals) X(test_round_trip) X(test_scope)
#include "check.h"
