// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The transport table (transport_registry.h), row by row: each row is whole and its example
 * parses back to it, names are unique, the "known:" lists are the table's names, and each
 * transport has golden cases and an entry in umlnet-plug(1) (GOLDEN_DIR, PLUG_MAN: meson).
 */
#include "transport_registry.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TESTS(X) X(test_rows_whole) X(test_names_unique) X(test_examples_parse_back) \
	X(test_names_exact) X(test_known_lists) X(test_golden_cases) X(test_man_page)
#include "check.h"

static struct transport_spec spec;
static char err[512], out[8192];

static void test_rows_whole(void)
{
	for (enum transport_kind k = 0; k < TRANSPORT_KINDS; k++) {
		const struct transport_row *row = transport_row(k);

		CHECK(row->name && row->name[0] && !strchr(row->name, ',') && !strchr(row->name, '='));
		CHECK(row->syntax == TRANSPORT_SYNTAX_CLASSIC ? row->parse.classic != NULL
							       : row->parse.vector != NULL);
		CHECK(row->print && row->open && row->example);
		CHECK_STR(transport_kind_name(k), row->name);
	}
	CHECK_STR(transport_kind_name(TRANSPORT_KINDS), "?");
}

static void test_names_unique(void)
{
	for (enum transport_kind a = 0; a < TRANSPORT_KINDS; a++)
		for (enum transport_kind b = a + 1; b < TRANSPORT_KINDS; b++)
			CHECK(strcmp(transport_row(a)->name, transport_row(b)->name) != 0);
}

/* The example is of the row's syntax, parses to the row's kind without a warning, and prints as
 * the row's transport; parsing it again over a spec full of garbage prints the same text. */
static void test_examples_parse_back(void)
{
	char first[8192], head[64];

	for (enum transport_kind k = 0; k < TRANSPORT_KINDS; k++) {
		const struct transport_row *row = transport_row(k);
		bool vector = strncmp(row->example, "transport=", 10) == 0;

		CHECK_EQ(vector, row->syntax == TRANSPORT_SYNTAX_VECTOR);
		CHECK_EQ(transport_parse(row->example, &spec, err, sizeof(err)), 0);
		CHECK_EQ(spec.kind, k);
		CHECK_STR(spec.warning, "");
		transport_print(&spec, first, sizeof(first));
		snprintf(head, sizeof(head), "transport=%s\n", row->name);
		CHECK(strncmp(first, head, strlen(head)) == 0);
		CHECK(strlen(first) > strlen(head));
		memset(&spec, 0xa5, sizeof(spec));
		CHECK_EQ(transport_parse(row->example, &spec, err, sizeof(err)), 0);
		transport_print(&spec, out, sizeof(out));
		CHECK_STR(out, first);
	}
}

/* A name is matched whole and only in its own syntax. */
static void test_names_exact(void)
{
	char text[128];

	for (enum transport_kind k = 0; k < TRANSPORT_KINDS; k++) {
		const struct transport_row *row = transport_row(k);
		bool vector = row->syntax == TRANSPORT_SYNTAX_VECTOR;

		snprintf(text, sizeof(text), vector ? "transport=%sx,a=b" : "%sx,", row->name);
		CHECK_EQ(transport_parse(text, &spec, err, sizeof(err)), -EPROTONOSUPPORT);
		snprintf(text, sizeof(text), vector ? "%s,a=b" : "transport=%s", row->name);
		CHECK_EQ(transport_parse(text, &spec, err, sizeof(err)), -EPROTONOSUPPORT);
	}
}

/* The names of syntax in table order, joined by sep, as the test builds it. */
static void names(enum transport_syntax syntax, const char *sep, char *buf, size_t len)
{
	buf[0] = 0;
	for (enum transport_kind k = 0; k < TRANSPORT_KINDS; k++) {
		if (transport_row(k)->syntax != syntax)
			continue;
		if (buf[0])
			strncat(buf, sep, len - strlen(buf) - 1);
		strncat(buf, transport_row(k)->name, len - strlen(buf) - 1);
	}
}

static void test_known_lists(void)
{
	char classic[TRANSPORT_KNOWN_MAX], vector[TRANSPORT_KNOWN_MAX], bars[TRANSPORT_KNOWN_MAX];
	char want[1024];

	names(TRANSPORT_SYNTAX_CLASSIC, ", ", classic, sizeof(classic));
	names(TRANSPORT_SYNTAX_VECTOR, ", ", vector, sizeof(vector));
	names(TRANSPORT_SYNTAX_VECTOR, "|", bars, sizeof(bars));
	CHECK_EQ(transport_parse("nosuch,x", &spec, err, sizeof(err)), -EPROTONOSUPPORT);
	snprintf(want, sizeof(want), "unknown transport in 'nosuch,x' (known: %s; or transport=%s,...)",
		 classic, bars);
	CHECK_STR(err, want);
	CHECK_EQ(transport_parse("transport=nosuch", &spec, err, sizeof(err)), -EPROTONOSUPPORT);
	snprintf(want, sizeof(want), "unknown vector transport 'nosuch' (known: %s)", vector);
	CHECK_STR(err, want);
	/* A list that does not fit is cut, still a string. */
	transport_known(TRANSPORT_SYNTAX_CLASSIC, ", ", want, 5);
	CHECK_EQ(strlen(want), 4);
}

/* Marks in seen[] the kinds that the golden file's lines parse to. */
static void golden_kinds(const char *file, bool seen[TRANSPORT_KINDS])
{
	static char line[4096];
	FILE *f = fopen(file, "r");

	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] && line[0] != '#' && transport_parse(line, &spec, err, sizeof(err)) == 0)
			seen[spec.kind] = true;
	}
	fclose(f);
}

static void test_golden_cases(void)
{
	bool seen[TRANSPORT_KINDS] = { false };
	char file[4096];
	DIR *d = opendir(GOLDEN_DIR);
	struct dirent *e;

	CHECK(d != NULL);
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 3 && strcmp(e->d_name + n - 3, ".in") == 0) {
			snprintf(file, sizeof(file), "%s/%s", GOLDEN_DIR, e->d_name);
			golden_kinds(file, seen);
		}
	}
	closedir(d);
	for (enum transport_kind k = 0; k < TRANSPORT_KINDS; k++) {
		if (!seen[k])
			fprintf(stderr, "  no golden case parses as %s\n", transport_row(k)->name);
		CHECK(seen[k]);
	}
}

/* umlnet-plug(1)'s TRANSPORTS section has an entry for each transport: ".BI name," for the
 * classic syntax, "transport=name," for the vector one. */
static void test_man_page(void)
{
	static char page[65536];
	char entry[128];
	FILE *f = fopen(PLUG_MAN, "r");
	size_t n;

	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(page, 1, sizeof(page) - 1, f);
	page[n] = 0;
	fclose(f);
	for (enum transport_kind k = 0; k < TRANSPORT_KINDS; k++) {
		const struct transport_row *row = transport_row(k);

		snprintf(entry, sizeof(entry),
			 row->syntax == TRANSPORT_SYNTAX_VECTOR ? "transport=%s," : "\n.BI %s,", row->name);
		if (!strstr(page, entry))
			fprintf(stderr, "  umlnet-plug.1 has no '%s'\n", entry);
		CHECK(strstr(page, entry) != NULL);
	}
}
