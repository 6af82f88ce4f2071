// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uml_mconsole - drop-in client of UML's management console.
 *   uml_mconsole [options] <umid|socket> [command...]
 * With a command it runs it once and exits with the guest's status; without, it reads commands
 * from stdin (a "(<umid>) " prompt when stdin is a terminal).
 */
#include "console.h"
#include "mconsole.h"
#include "stdfds.h"
#include "version.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("Usage: uml_mconsole [-t SECONDS] [--no-verify] <umid|socket> [command [args...]]\n"
	      "Sends a command to a UML guest's management console and prints OK <reply> or\n"
	      "ERR <reply>; without a command, reads commands from standard input.\n"
	      "The guest is found at $HOME/.uml/<umid>/mconsole, /tmp/uml/<umid>/mconsole,\n"
	      "or the socket path given.\n"
	      "Guest commands: version, help, halt, reboot, config <dev>[=<spec>], remove <dev>,\n"
	      "  sysrq <c>, cad, stop, go, log <text>, proc <file>, stack <pid>\n"
	      "Local commands: quit, switch <umid|socket>, log -f <file>, mconsole-version, int\n"
	      "Options:\n"
	      "  -t, --timeout SECONDS  wait this long for each reply (default 10)\n"
	      "  --no-verify            do not check that 'config ethN=...' created ethN\n"
	      "  -h, --help             this text;  --version  the version\n", f);
}

static int interactive(struct mcc *ctx)
{
	char *line = NULL;
	size_t cap = 0;
	bool tty = isatty(STDIN_FILENO);

	while (!ctx->quit) {
		ssize_t n;

		if (tty) {
			printf("(%s) ", ctx->name);
			fflush(stdout);
		}
		n = getline(&line, &cap, stdin);
		if (n < 0)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		mcc_execute(ctx, line);
	}
	if (tty && !ctx->quit)
		putchar('\n');
	free(line);
	return 0;
}

/* Joins the command words with single spaces, as the guest expects one line. */
static int join_words(char **words, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", words[i]);

		if (w < 0 || (size_t)w >= len - used)
			return -1;
		used += (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "no-verify", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct mcc ctx = { .timeout_ms = 10000, .verify = true, .out = stdout };
	char cmd[4096];
	int c;

	if (stdfds_reserve() < 0)
		return 1; /* nothing to report on: see stdfds.h */
	while ((c = getopt_long(argc, argv, "+t:h", opts, NULL)) != -1) {
		char *end;
		double t;

		switch (c) {
		case 't':
			t = strtod(optarg, &end);
			if (*end || end == optarg || t <= 0 || t > 3600) {
				fprintf(stderr, "uml_mconsole: error: --timeout '%s': expected seconds "
						"from 0.001 to 3600\n", optarg);
				return 1;
			}
			ctx.timeout_ms = (int)(t * 1000) ? (int)(t * 1000) : 1;
			break;
		case 'V':
			ctx.verify = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			return version_print("uml_mconsole");
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	if (mcc_switch(&ctx, argv[optind]) < 0)
		return 1;
	if (optind + 1 == argc)
		return interactive(&ctx);
	if (join_words(argv + optind + 1, argc - optind - 1, cmd, sizeof(cmd)) < 0) {
		fprintf(stderr, "uml_mconsole: error: command: longer than %zu bytes\n", sizeof(cmd));
		return 1;
	}
	return mcc_execute(&ctx, cmd);
}
