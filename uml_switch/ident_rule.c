// SPDX-License-Identifier: GPL-2.0-or-later
#include "ident_rule.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ident_rule_fail(char *err, size_t errlen, const char *field, const char *value,
			   const char *why)
{
	char shown[LOG_ESCAPED_LEN(64)];

	snprintf(err, errlen, "ident: %s '%s': %s", field, log_escape(value, 64, shown, sizeof(shown)),
		 why);
	return -EINVAL;
}

static bool ident_rule_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int ident_rule_path(const char *text, struct ident_rule *r, char *err, size_t errlen)
{
	if (text[0] != '/')
		return ident_rule_fail(err, errlen, "path", text, "not an absolute path");
	if (strlen(text) >= sizeof(r->path))
		return ident_rule_fail(err, errlen, "path", text, "longer than a socket address holds");
	if (!ident_rule_printable(text))
		return ident_rule_fail(err, errlen, "path", text, "holds spaces or control characters");
	strcpy(r->path, text);
	return 0;
}

/* pid=N (N > 0) or uid=N. */
static int ident_rule_scope(const char *text, struct ident_rule *r, char *err, size_t errlen)
{
	const char *num = strchr(text, '=') ? strchr(text, '=') + 1 : "";
	unsigned long v;
	char *end;

	r->by_uid = !strncmp(text, "uid=", 4);
	if (!r->by_uid && strncmp(text, "pid=", 4))
		return ident_rule_fail(err, errlen, "scope", text, "expected pid=PID or uid=UID");
	errno = 0;
	v = strtoul(num, &end, 10);
	if (*num < '0' || *num > '9' || *end || errno || v > UINT32_MAX - 1 || (!r->by_uid && !v))
		return ident_rule_fail(err, errlen, r->by_uid ? "uid" : "pid", num,
				       r->by_uid ? "expected a number" : "expected a number above 0");
	r->id = (uint32_t)v;
	return 0;
}

static int ident_rule_name(const char *text, struct ident_rule *r, char *err, size_t errlen)
{
	const char *v = text + 5;
	size_t len;

	if (strncmp(text, "name=", 5))
		return ident_rule_fail(err, errlen, "option", text, "expected name=DEV");
	len = strlen(v);
	if (!len || len >= sizeof(r->name) || strspn(v, "abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len)
		return ident_rule_fail(err, errlen, "name", v,
				       "expected 1 to 15 letters, digits, '.', '_' or '-'");
	strcpy(r->name, v);
	return 0;
}

int ident_rule_parse(char *const *words, int n, struct ident_rule *r, char *err, size_t errlen)
{
	char why[256];
	int e;

	memset(r, 0, sizeof(*r));
	if (n < 4 || n > 5) {
		snprintf(err, errlen, "ident: usage: ident PATH pid=PID|uid=UID "
				      "vlan=N|trunk=LIST[,native=N] [name=DEV]");
		return -EINVAL;
	}
	if ((e = ident_rule_path(words[1], r, err, errlen)) ||
	    (e = ident_rule_scope(words[2], r, err, errlen)))
		return e;
	if (vlan_port_parse(words[3], &r->vlan, why, sizeof(why))) {
		snprintf(err, errlen, "ident: %s", why);
		return -EINVAL;
	}
	return n == 5 ? ident_rule_name(words[4], r, err, errlen) : 0;
}

bool ident_rule_admits(const struct ident_rule *r, pid_t pid, uid_t uid)
{
	if (r->by_uid)
		return uid != (uid_t)-1 && (uint32_t)uid == r->id;
	return pid > 0 && (uint32_t)pid == r->id;
}

void ident_rule_format(const struct ident_rule *r, char *out, size_t len)
{
	char set[VLAN_TEXT_MAX];

	vlan_port_format(&r->vlan, set, sizeof(set));
	snprintf(out, len, "%s %s=%u %s%s%s", r->path, r->by_uid ? "uid" : "pid", (unsigned)r->id, set,
		 r->name[0] ? " name=" : "", r->name);
}
