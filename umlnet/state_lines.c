// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int state_lines_read(const char *path, state_line_fn fn, void *opaque)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	if (!f)
		return -errno;
	while (!rc && (n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		rc = fn(opaque, line);
	}
	if (!rc && ferror(f))
		rc = -EIO;
	free(line);
	fclose(f);
	return rc;
}

struct first_line {
	char *out;
	size_t len;
};

static int first_line_copy(void *opaque, char *line)
{
	const struct first_line *fl = opaque;

	snprintf(fl->out, fl->len, "%s", line);
	return 1;
}

int state_lines_first(const char *path, char *out, size_t len)
{
	int rc;

	out[0] = '\0';
	rc = state_lines_read(path, first_line_copy, &(struct first_line){ out, len });
	return rc < 0 ? rc : 0;
}
