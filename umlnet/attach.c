// SPDX-License-Identifier: GPL-2.0-or-later
#include "attach.h"
#include "state_lines.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One line of "attached": GUEST DEV TARGET. */
static int attach_line(void *opaque, char *line)
{
	struct attach_list *l = opaque;
	struct attach_entry *e = &l->a[l->n];

	e->vlan[0] = '\0';
	if (sscanf(line, "%31s %15s %255s %127s", e->guest, e->dev, e->target, e->vlan) >= 3)
		l->n++;
	return l->n == ATTACH_MAX;
}

void attach_load(const struct state *st, struct attach_list *l)
{
	char path[PATH_MAX];

	l->n = 0;
	state_file(st, "attached", path, sizeof(path));
	state_lines_read(path, attach_line, l); /* none: nothing attached */
}

int attach_save(const struct state *st, const struct attach_list *l)
{
	char path[PATH_MAX];
	FILE *f;

	state_file(st, "attached", path, sizeof(path));
	if (l->n == 0)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	for (int i = 0; i < l->n; i++)
		fprintf(f, "%s %s %s%s%s\n", l->a[i].guest, l->a[i].dev, l->a[i].target,
			l->a[i].vlan[0] ? " " : "", l->a[i].vlan);
	return fclose(f) < 0 ? -errno : 0;
}
