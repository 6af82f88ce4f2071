// SPDX-License-Identifier: GPL-2.0-or-later
/* The state directory's line reader: every line whole and without its newline, early stops,
 * the last line without a newline, a missing file. */
#include "state_lines.h"
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[] = "/tmp/test_state_lines.XXXXXX";

static void write_file(const char *text)
{
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

struct seen {
	int n, stop_at;
	char lines[4][600];
};

static int collect(void *opaque, char *line)
{
	struct seen *s = opaque;

	snprintf(s->lines[s->n % 4], sizeof(s->lines[0]), "%s", line);
	return ++s->n == s->stop_at ? 7 : 0;
}

static void test_every_line_without_newline(void)
{
	char long_line[501];
	char text[700];
	struct seen s = { 0 };

	memset(long_line, 'x', 500);
	long_line[500] = '\0';
	snprintf(text, sizeof(text), "pids a 1 2\n\n%s\nlast", long_line);
	write_file(text);
	CHECK_EQ(state_lines_read(path, collect, &s), 0);
	CHECK_EQ(s.n, 4);
	CHECK_STR(s.lines[0], "pids a 1 2");
	CHECK_STR(s.lines[1], "");
	CHECK_STR(s.lines[2], long_line); /* longer than any fixed buffer the readers had */
	CHECK_STR(s.lines[3], "last");
	unlink(path);
}

static void test_callback_stops_reading(void)
{
	struct seen s = { .stop_at = 2 };

	strcpy(path, "/tmp/test_state_lines.XXXXXX");
	write_file("one\ntwo\nthree\n");
	CHECK_EQ(state_lines_read(path, collect, &s), 7);
	CHECK_EQ(s.n, 2);
	unlink(path);
}

static void test_first_line(void)
{
	char out[4] = "zz";

	strcpy(path, "/tmp/test_state_lines.XXXXXX");
	write_file("kvm\ntcg\n");
	CHECK_EQ(state_lines_first(path, out, sizeof(out)), 0);
	CHECK_STR(out, "kvm");
	unlink(path);
	strcpy(path, "/tmp/test_state_lines.XXXXXX");
	write_file("toolong\n");
	CHECK_EQ(state_lines_first(path, out, sizeof(out)), 0);
	CHECK_STR(out, "too"); /* cut to the buffer */
	unlink(path);
	strcpy(path, "/tmp/test_state_lines.XXXXXX");
	write_file("");
	CHECK_EQ(state_lines_first(path, out, sizeof(out)), 0);
	CHECK_STR(out, "");
	unlink(path);
}

static void test_missing_file(void)
{
	struct seen s = { 0 };
	char out[8] = "zz";

	CHECK_EQ(state_lines_read("/nonexistent/pids", collect, &s), -ENOENT);
	CHECK_EQ(s.n, 0);
	CHECK_EQ(state_lines_first("/nonexistent/host", out, sizeof(out)), -ENOENT);
	CHECK_STR(out, "");
}

#define TESTS(X) X(test_every_line_without_newline) X(test_callback_stops_reading) \
	X(test_first_line) X(test_missing_file)
#include "check.h"
