// SPDX-License-Identifier: GPL-2.0-or-later
#include "qemu_tty_parse.h"

#include <stdlib.h>
#include <string.h>

int qemu_tty_status(char *line, int *status)
{
	char *end = NULL, *n;
	size_t digits;

	/* The last marker: output may itself hold the text before the init's own. */
	for (char *p = line; (p = strstr(p, QEMU_TTY_EXIT)); p++)
		end = p;
	if (!end)
		return 0;
	n = end + strlen(QEMU_TTY_EXIT);
	digits = strspn(n, "0123456789");
	if (digits == 0 || digits > 3 || n[digits] || atoi(n) > 255)
		return 0;
	*status = atoi(n);
	*end = '\0';
	return 1;
}
