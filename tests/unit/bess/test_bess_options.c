// SPDX-License-Identifier: GPL-2.0-or-later
/* uml_switch -bess PATH on the command line. */
#include "check.h"
#include "options.h"

#include <stdio.h>
#include <string.h>

static int parse(struct switch_options *o, const char *const *args)
{
	const char *all[32] = { "uml_switch" };
	char *argv[32];

	for (int i = 0; i < 30 && args[i]; i++)
		all[i + 1] = args[i];
	return switch_options_parse(o, check_argv(all, argv), argv);
}

static void test_bess_option(void)
{
	struct switch_options o;

	CHECK_EQ(parse(&o, (const char *[]){ NULL }), 0);
	CHECK(o.bess_path == NULL);
	CHECK_EQ(parse(&o, (const char *[]){ "-bess", "/run/sw/bess.sock", "-mode", "0660", NULL }), 0);
	CHECK_STR(o.bess_path, "/run/sw/bess.sock");
	CHECK_EQ(o.mode, 0660);
	CHECK_EQ(parse(&o, (const char *[]){ "--bess", "rel.sock", NULL }), 0);
	CHECK_STR(o.bess_path, "rel.sock");
	CHECK_EQ(parse(&o, (const char *[]){ "-bess", NULL }), -1);
}

static void test_bess_in_usage(void)
{
	char buf[4096] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	switch_usage(f, "uml_switch");
	fclose(f);
	CHECK(strstr(buf, "-bess PATH") != NULL);
}

#define TESTS(X) X(test_bess_option) X(test_bess_in_usage)
#include "check.h"
