// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transport_dump - golden-test driver: for each line of stdin (a UML transport spec, the text
 * after "eth<N>="), prints "> <line>" and then the parsed fields or "error: <message>".
 * Lines starting with '#' and empty lines are copied as they are.
 */
#include "transport_spec.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
	static char line[4096], out[8192], err[512];
	static struct transport_spec t;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || line[0] == 0) {
			printf("%s\n", line);
			continue;
		}
		printf("> %s\n", line);
		if (transport_parse(line, &t, err, sizeof(err)) < 0) {
			printf("error: %s\n", err);
			continue;
		}
		transport_print(&t, out, sizeof(out));
		fputs(out, stdout);
	}
	return 0;
}
