// SPDX-License-Identifier: GPL-2.0-or-later
#include "restarts.h"
#include "state_lines.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const restarts_names[] = { "running", "waiting", "given-up", "dead" };

const char *restarts_state_name(enum restarts_state s)
{
	return restarts_names[s];
}

static int restarts_parse_state(const char *word)
{
	for (size_t i = 0; i < sizeof(restarts_names) / sizeof(restarts_names[0]); i++)
		if (!strcmp(word, restarts_names[i]))
			return (int)i;
	return -1;
}

/* One line of "restarts": KIND NAME RESTARTS STATE LAST-EXIT... */
static int restarts_line(void *opaque, char *line)
{
	struct restarts *r = opaque;
	struct restarts_entry *e = &r->e[r->n];
	char state[16];
	int used = 0, s;

	if (sscanf(line, "%15s %31s %u %15s %n", e->kind, e->name, &e->restarts, state,
		   &used) < 4 || (s = restarts_parse_state(state)) < 0)
		return 0;
	e->state = (enum restarts_state)s;
	snprintf(e->last_exit, sizeof(e->last_exit), "%s", line + used);
	return ++r->n == STATE_MAX_PROCS;
}

void restarts_load(const struct state *st, struct restarts *r)
{
	char path[PATH_MAX];

	r->n = 0;
	state_file(st, "restarts", path, sizeof(path));
	state_lines_read(path, restarts_line, r); /* none yet: no restarts */
}

int restarts_save(const struct state *st, const struct restarts *r)
{
	FILE *f = state_new_file(st, "restarts");

	if (!f)
		return -errno;
	for (int i = 0; i < r->n; i++)
		fprintf(f, "%s %s %u %s %s\n", r->e[i].kind, r->e[i].name, r->e[i].restarts,
			restarts_state_name(r->e[i].state), r->e[i].last_exit);
	return state_commit_file(st, "restarts", f);
}

static int restarts_index(const struct restarts *r, const char *kind, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->e[i].kind, kind) && !strcmp(r->e[i].name, name))
			return i;
	return -1;
}

const struct restarts_entry *restarts_find(const struct restarts *r, const char *kind,
					   const char *name)
{
	int i = restarts_index(r, kind, name);

	return i < 0 ? NULL : &r->e[i];
}

struct restarts_entry *restarts_get(struct restarts *r, const char *kind, const char *name)
{
	int i = restarts_index(r, kind, name);
	struct restarts_entry *e;

	if (i >= 0)
		return &r->e[i];
	if (r->n == STATE_MAX_PROCS)
		return NULL;
	e = &r->e[r->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	snprintf(e->name, sizeof(e->name), "%s", name);
	return e;
}
