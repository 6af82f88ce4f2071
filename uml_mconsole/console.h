/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * console - what uml_mconsole does with one command line: local commands (quit, switch,
 * mconsole-version, int, log -f, help's local part) are handled here, everything else is sent
 * to the guest and printed as "OK <text>" or "ERR <text>" like the classic client.
 */
#ifndef UML_MCONSOLE_CONSOLE_H
#define UML_MCONSOLE_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

struct mcc {
	char sock[108];    /* the guest's mconsole socket */
	char name[64];     /* shown in the prompt: the umid */
	int timeout_ms;
	bool verify;       /* check that "config ethN=..." really made ethN */
	bool quit;
	FILE *out;
};

/* Points ctx at a umid or socket path (classic resolution); 0 or -ENOENT (warnings printed). */
int mcc_switch(struct mcc *ctx, const char *arg);

/* Runs one command line; returns the exit status the classic client would give for it. */
int mcc_execute(struct mcc *ctx, const char *line);

#endif
