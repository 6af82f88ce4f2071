/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy - uml_net's access rules (see policy.h). */
#include "policy.h"

#include "ids.h"
#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLICY_LINE_MAX 1024
#define POLICY_WORD_MAX 512

struct policy_parser {
	struct policy *pol;
	policy_resolve_fn resolve;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int policy_bad(struct policy_parser *ps, const char *what, const char *value)
{
	snprintf(ps->err, ps->errlen, "line %u: %s '%.60s'", ps->line, what, value);
	return -EINVAL;
}

static int policy_id(struct policy_parser *ps, struct policy_rule *rule, const char *s)
{
	if (*s >= '0' && *s <= '9') {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || *end || v > UINT32_MAX - 1)
			return policy_bad(ps, "bad id", s);
		rule->id = (uint32_t)v;
		return 0;
	}
	if (ps->resolve(rule->is_group, s, &rule->id) < 0)
		return policy_bad(ps, rule->is_group ? "unknown group" : "unknown user", s);
	return 0;
}

static int policy_ops(struct policy_parser *ps, struct policy_rule *rule, char *s)
{
	static const struct {
		const char *name;
		unsigned int op;
	} ops[] = { { "tuntap", POLICY_OP_TUNTAP }, { "ethertap", POLICY_OP_ETHERTAP },
		    { "slip", POLICY_OP_SLIP },     { "add", POLICY_OP_ADDR },
		    { "del", POLICY_OP_ADDR },      { "all", POLICY_OP_ALL } };
	char *save = NULL;

	for (char *w = strtok_r(s, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (strcmp(w, ops[i].name) == 0)
				break;
		if (i == sizeof(ops) / sizeof(ops[0]))
			return policy_bad(ps, "unknown operation", w);
		rule->ops |= ops[i].op;
	}
	return rule->ops ? 0 : policy_bad(ps, "no operation", "");
}

static int policy_range(struct policy_parser *ps, struct policy_rule *rule, char *w)
{
	char *slash = strchr(w, '/');
	unsigned long prefix = 32;
	struct in_addr a;
	uint32_t mask;

	if (rule->nranges == POLICY_MAX_RANGES)
		return policy_bad(ps, "too many address ranges at", w);
	if (slash) {
		char *end;

		*slash = '\0';
		if (slash[1] < '0' || slash[1] > '9')
			return policy_bad(ps, "bad prefix length", slash + 1);
		prefix = strtoul(slash + 1, &end, 10);
		if (*end || prefix > 32)
			return policy_bad(ps, "bad prefix length", slash + 1);
	}
	if (nl_ipv4_parse(w, &a) < 0)
		return policy_bad(ps, "bad address", w);
	mask = prefix ? ~UINT32_C(0) << (32 - prefix) : 0;
	rule->ranges[rule->nranges].net = ntohl(a.s_addr) & mask;
	rule->ranges[rule->nranges].mask = mask;
	rule->nranges++;
	return 0;
}

static int policy_ranges(struct policy_parser *ps, struct policy_rule *rule, char *s)
{
	char *save = NULL;

	if (strcmp(s, "any") == 0) {
		rule->ranges[0].net = rule->ranges[0].mask = 0;
		rule->nranges = 1;
		return 0;
	}
	for (char *w = strtok_r(s, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (policy_range(ps, rule, w) < 0)
			return -EINVAL;
	return rule->nranges ? 0 : policy_bad(ps, "no address range", "");
}

static int policy_line(struct policy_parser *ps, char *line)
{
	char *words[5], *save = NULL, *hash = strchr(line, '#');
	struct policy_rule *rule;
	unsigned int n = 0;

	if (hash)
		*hash = '\0';
	for (char *w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
		if (n == 4)
			return policy_bad(ps, "extra text", w);
		words[n++] = w;
	}
	if (n == 0)
		return 0;
	if (n < 4)
		return policy_bad(ps, "expected '<user|group> <who> <ops> <addresses>', got", words[0]);
	if (ps->pol->nrules == POLICY_MAX_RULES)
		return policy_bad(ps, "too many rules", words[0]);
	rule = &ps->pol->rules[ps->pol->nrules];
	memset(rule, 0, sizeof(*rule));
	if (strcmp(words[0], "group") == 0)
		rule->is_group = true;
	else if (strcmp(words[0], "user") != 0)
		return policy_bad(ps, "expected 'user' or 'group', got", words[0]);
	if (policy_id(ps, rule, words[1]) < 0 || policy_ops(ps, rule, words[2]) < 0 ||
	    policy_ranges(ps, rule, words[3]) < 0)
		return -EINVAL;
	ps->pol->nrules++;
	return 0;
}

int policy_parse(struct policy *pol, const char *text, size_t len, policy_resolve_fn resolve,
		 char *err, size_t errlen)
{
	struct policy_parser ps = { pol, resolve, 0, err, errlen };
	char line[POLICY_LINE_MAX];
	size_t pos = 0;

	pol->nrules = 0;
	if (len > POLICY_MAX_SIZE)
		return policy_bad(&ps, "file too large, bytes", "> 65536");
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		ps.line++;
		if (n >= sizeof(line))
			return policy_bad(&ps, "line too long", "");
		if (memchr(text + pos, '\0', n))
			return policy_bad(&ps, "NUL byte in", "line");
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (policy_line(&ps, line) < 0)
			return -EINVAL;
		pos += n + 1;
	}
	return 0;
}

static bool policy_names(const struct policy_rule *rule, const struct policy_caller *who)
{
	if (!rule->is_group)
		return rule->id == who->uid;
	if (rule->id == who->gid)
		return true;
	for (unsigned int i = 0; i < who->ngroups; i++)
		if (rule->id == who->groups[i])
			return true;
	return false;
}

static bool policy_covers(const struct policy_rule *rule, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	for (unsigned int i = 0; i < rule->nranges; i++)
		if ((h & rule->ranges[i].mask) == rule->ranges[i].net)
			return true;
	return false;
}

bool policy_allows(const struct policy *pol, const struct policy_caller *who, unsigned int op,
		   const struct in_addr *addrs, unsigned int n)
{
	for (unsigned int r = 0; r < pol->nrules; r++) {
		const struct policy_rule *rule = &pol->rules[r];
		unsigned int i;

		if (!policy_names(rule, who) || !(rule->ops & op))
			continue;
		for (i = 0; i < n; i++)
			if (!policy_covers(rule, addrs[i]))
				break;
		if (i == n)
			return true;
	}
	return false;
}

int policy_resolve_nss(bool group, const char *name, uint32_t *id)
{
	return ids_by_name(group, name, id);
}
