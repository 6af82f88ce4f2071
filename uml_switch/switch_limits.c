// SPDX-License-Identifier: GPL-2.0-or-later
#include "switch_limits.h"
#include "backlog.h"
#include "switch.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const struct switch_limit {
	const char *name;
	size_t field;
	uint32_t def, min, max;
	const char *what;
} switch_limit_table[] = {
	{ "macs-per-port", offsetof(struct switch_limits, macs_per_port), SW_DEFAULT_MACS_PER_PORT, 1,
	  1u << 24, "addresses one port may have learned" },
	{ "ports-per-uid", offsetof(struct switch_limits, ports_per_uid), 256, 1, 65536,
	  "ports of one user" },
	{ "pending-per-uid", offsetof(struct switch_limits, pending_per_uid), 16, 1, 256,
	  "unfinished handshakes of one user" },
	{ "mgmt-per-uid", offsetof(struct switch_limits, mgmt_per_uid), 8, 1, 64,
	  "management connections of one user" },
	{ "mgmt-idle", offsetof(struct switch_limits, mgmt_idle), 30, 1, 86400,
	  "seconds before a silent management connection is closed" },
	{ "backlog-kb", offsetof(struct switch_limits, backlog_kb), BACKLOG_DEFAULT_KB, 64, 1u << 22,
	  "KiB for frames held for full ports, all ports together" },
};

#define SWITCH_NLIMITS (sizeof(switch_limit_table) / sizeof(switch_limit_table[0]))

static uint32_t *limit_field(struct switch_limits *l, const struct switch_limit *d)
{
	return (uint32_t *)((char *)l + d->field);
}

void switch_limits_defaults(struct switch_limits *l)
{
	for (size_t i = 0; i < SWITCH_NLIMITS; i++)
		*limit_field(l, &switch_limit_table[i]) = switch_limit_table[i].def;
}

void switch_limits_usage(FILE *f)
{
	for (size_t i = 0; i < SWITCH_NLIMITS; i++)
		fprintf(f, "                     %s=%u  %s\n", switch_limit_table[i].name,
			switch_limit_table[i].def, switch_limit_table[i].what);
}

static const struct switch_limit *limit_find(const char *name, size_t len)
{
	for (size_t i = 0; i < SWITCH_NLIMITS; i++)
		if (strlen(switch_limit_table[i].name) == len &&
		    !strncmp(switch_limit_table[i].name, name, len))
			return &switch_limit_table[i];
	return NULL;
}

/* One "name=N" of length len. */
static int limit_apply(struct switch_limits *l, const char *item, size_t len)
{
	const char *eq = memchr(item, '=', len);
	const struct switch_limit *d = eq ? limit_find(item, (size_t)(eq - item)) : NULL;
	char *end;
	unsigned long v;

	if (!d) {
		fprintf(stderr, "uml_switch: error: -limit '%.*s': unknown limit (try -help)\n",
			(int)len, item);
		return -1;
	}
	errno = 0;
	v = strtoul(eq + 1, &end, 10);
	if (errno || end == eq + 1 || end != item + len || v < d->min || v > d->max) {
		fprintf(stderr, "uml_switch: error: -limit %s '%.*s': expected a number from %u to %u\n",
			d->name, (int)(item + len - eq - 1), eq + 1, d->min, d->max);
		return -1;
	}
	*limit_field(l, d) = (uint32_t)v;
	return 0;
}

int switch_limits_parse(struct switch_limits *l, const char *spec)
{
	for (const char *p = spec;;) {
		size_t len = strcspn(p, ",");

		if (limit_apply(l, p, len))
			return -1;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}
