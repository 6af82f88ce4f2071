// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu_tty_parse.c: the status line that ends a command's output in a VM is believed only as the
 * init writes it; anything else the VM prints stays output. */
#include "qemu_tty_parse.h"

#include <string.h>

#include "check.h"

/* want < 0: not a status line (the line unchanged); else the status, out the output before. */
static void check_line(const char *text, int want, const char *out)
{
	char line[256];
	int status = -1000, done;

	snprintf(line, sizeof(line), "%s", text);
	done = qemu_tty_status(line, &status);
	CHECK_EQ(done, want >= 0);
	CHECK_EQ(status, want >= 0 ? want : -1000);
	CHECK_STR(line, want >= 0 ? out : text);
	if (done != (want >= 0) || (want >= 0 && status != want))
		fprintf(stderr, "  for the line: %s\n", text);
}

static void test_status_as_the_init_writes_it(void)
{
	check_line("UMLNET-EXIT 0", 0, "");
	check_line("UMLNET-EXIT 1", 1, "");
	check_line("UMLNET-EXIT 255", 255, "");
	check_line("no newlineUMLNET-EXIT 3", 3, "no newline");
	check_line("UMLNET-EXIT UMLNET-EXIT 7", 7, "UMLNET-EXIT ");
}

/* A VM's lies or its own output: never a negative "status" (read as umlnet's -errno), no number
 * past int, nothing after the digits. */
static void test_other_lines_are_output(void)
{
	static const char *const lines[] = {
		"UMLNET-EXIT -5", "UMLNET-EXIT -1", "UMLNET-EXIT 256", "UMLNET-EXIT 0256",
		"UMLNET-EXIT 99999999999999999999", "UMLNET-EXIT +1", "UMLNET-EXIT ",
		"UMLNET-EXIT 0 and more", "UMLNET-EXIT 0\033[2J", "  echo \"UMLNET-EXIT $?\" >&3",
		"UMLNET-EXIT", "hello",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		check_line(lines[i], -1, NULL);
}

#define TESTS(X)                                                                             \
	X(test_status_as_the_init_writes_it)                                                 \
	X(test_other_lines_are_output)
#include "check.h"
