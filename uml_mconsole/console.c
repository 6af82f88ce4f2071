// SPDX-License-Identifier: GPL-2.0-or-later
#include "console.h"
#include "mconsole.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static void warn_missing(void *opaque, const char *path)
{
	(void)opaque;
	fprintf(stderr, "Warning: couldn't stat file: %s - %s\n", path, strerror(ENOENT));
}

/* The umid is the name of the directory holding the socket ("<uml_dir><umid>/mconsole"). */
static void mcc_set_name(struct mcc *ctx, const char *arg)
{
	const char *end = ctx->sock + strlen(ctx->sock), *start;
	const char *tail = "/mconsole";
	size_t tl = strlen(tail);

	if ((size_t)(end - ctx->sock) > tl && !strcmp(end - tl, tail)) {
		end -= tl;
		for (start = end; start > ctx->sock && start[-1] != '/'; start--)
			;
		snprintf(ctx->name, sizeof(ctx->name), "%.*s", (int)(end - start), start);
	} else {
		snprintf(ctx->name, sizeof(ctx->name), "%s", arg);
	}
}

int mcc_switch(struct mcc *ctx, const char *arg)
{
	char path[4096];
	int err = mconsole_resolve(arg, path, sizeof(path), warn_missing, NULL);

	if (err) {
		fprintf(stderr, "Warning: couldn't stat file: %s - %s\n", arg, strerror(-err));
		return err;
	}
	if (strlen(path) >= sizeof(ctx->sock)) {
		fprintf(stderr, "uml_mconsole: error: socket path '%s': longer than 107 bytes\n", path);
		return -ENAMETOOLONG;
	}
	snprintf(ctx->sock, sizeof(ctx->sock), "%s", path);
	mcc_set_name(ctx, arg);
	return 0;
}

/* Sends cmd; fills res. Transport failures are reported here, once. */
static int mcc_send(struct mcc *ctx, const char *cmd, struct mconsole_result *res)
{
	int err = mconsole_run(ctx->sock, cmd, ctx->timeout_ms, res);

	if (err == -ETIMEDOUT)
		fprintf(stderr, "uml_mconsole: error: no reply from %s within %d ms\n", ctx->sock,
			ctx->timeout_ms);
	else if (err == -EMSGSIZE)
		fprintf(stderr, "uml_mconsole: error: command of %zu bytes: the limit is %d\n",
			strlen(cmd), MCONSOLE_MAX_DATA - 1);
	else if (err)
		fprintf(stderr, "uml_mconsole: error: sending to '%s': %s\n", ctx->sock, strerror(-err));
	return err;
}

static void mcc_print(struct mcc *ctx, const struct mconsole_result *res)
{
	fprintf(ctx->out, "%s %s\n", res->failed ? "ERR" : "OK", res->text);
	fflush(ctx->out);
}

/* "config eth1=..." answers OK even when no device was made: check that it exists. */
static int mcc_verify_config(struct mcc *ctx, const char *args)
{
	char dev[32];
	size_t n = strcspn(args, "=:");

	if (args[n] == '\0' || n == 0 || n >= sizeof(dev) ||
	    (strncmp(args, "eth", 3) && strncmp(args, "vec", 3)))
		return 0; /* a query, or not a network device */
	snprintf(dev, sizeof(dev), "%.*s", (int)n, args);
	if (mconsole_netdev_exists(ctx->sock, dev, ctx->timeout_ms) != 0)
		return 0; /* there, or we cannot tell: the OK stands */
	fprintf(ctx->out, "ERR config %s: the guest answered OK but has no device %s "
			  "(the reason is in its kernel log)\n", dev, dev);
	return 1;
}

/*
 * "config ubdN=file[,file]": the guest opens the files relative to its own working directory,
 * so, like the classic client, make relative names absolute against ours. Returns cmd itself,
 * or buf holding the rewritten command.
 */
static const char *mcc_absolute_ubd(const char *cmd, char *buf, size_t len)
{
	const char *eq = strchr(cmd, '='), *p;
	char cwd[4096];
	size_t used;

	if (strncmp(cmd, "config ubd", 10) || !eq || !getcwd(cwd, sizeof(cwd)))
		return cmd;
	used = (size_t)snprintf(buf, len, "%.*s", (int)(eq + 1 - cmd), cmd);
	for (p = eq + 1; used < len;) {
		size_t n = strcspn(p, ",");

		used += (size_t)snprintf(buf + used, len - used, "%s%s%.*s",
					 n && *p != '/' ? cwd : "", n && *p != '/' ? "/" : "",
					 (int)n, p);
		if (!p[n] || used >= len)
			break;
		used += (size_t)snprintf(buf + used, len - used, ",");
		p += n + 1;
	}
	return used < len ? buf : cmd;
}

static int mcc_remote(struct mcc *ctx, const char *cmd)
{
	struct mconsole_result res;
	char abs[MCONSOLE_MAX_DATA];
	const char *p = cmd;
	int status;

	cmd = mcc_absolute_ubd(cmd, abs, sizeof(abs));
	if (mcc_send(ctx, cmd, &res))
		return 1;
	status = (uint8_t)res.last_err;
	if (ctx->verify && !res.failed && !strncmp(p, "config", 6)) {
		for (p += 6; *p == ' '; p++)
			;
		if (mcc_verify_config(ctx, p)) {
			mconsole_result_free(&res);
			return 1;
		}
	}
	mcc_print(ctx, &res);
	mconsole_result_free(&res);
	return status;
}

static int mcc_help(struct mcc *ctx)
{
	int status = mcc_remote(ctx, "help");

	fputs("Additional local mconsole commands:\n"
	      "    quit - Quit mconsole\n"
	      "    switch <socket-name> - Switch control to the given machine\n"
	      "    log -f <filename> - use contents of <filename> as UML log messages\n"
	      "    mconsole-version - version of this mconsole program\n"
	      "    int  - Interrupt UML session\n", ctx->out);
	return status;
}

/* int: SIGINT to the guest's main process, whose pid is in <uml_dir><umid>/pid. */
static int mcc_int(struct mcc *ctx)
{
	char path[4096];
	const char *slash = strrchr(ctx->sock, '/');
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof(path), "%.*s/pid", slash ? (int)(slash - ctx->sock) : 1,
		 slash ? ctx->sock : ".");
	f = fopen(path, "r");
	if (!f || fscanf(f, "%d", &pid) != 1 || pid <= 0) {
		fprintf(stderr, "uml_mconsole: error: pid file '%s': %s\n", path,
			f ? "no pid in it" : strerror(errno));
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	if (kill(pid, SIGINT) < 0) {
		fprintf(stderr, "uml_mconsole: error: SIGINT to pid %d: %s\n", pid, strerror(errno));
		return 1;
	}
	return 0;
}

/* log: one request per piece that fits, the last one ending in a newline so the kernel log
 * line is closed (the classic client sends a separate "log \n" for that). */
static int mcc_log_text(struct mcc *ctx, const char *text)
{
	const size_t room = MCONSOLE_MAX_DATA - 1 - 4 - 1;
	size_t len = strlen(text);
	int status = 0;

	do {
		char cmd[MCONSOLE_MAX_DATA];
		size_t n = len < room ? len : room;
		bool last = n == len;

		snprintf(cmd, sizeof(cmd), "log %.*s%s", (int)n, text,
			 last && (n == 0 || text[n - 1] != '\n') ? "\n" : "");
		status = mcc_remote(ctx, cmd);
		text += n;
		len -= n;
	} while (len && status == 0);
	return status;
}

static int mcc_log_file(struct mcc *ctx, const char *file)
{
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen(file, "r");
	int status = 0;

	if (!f) {
		fprintf(stderr, "uml_mconsole: error: log file '%s': %s\n", file, strerror(errno));
		return 1;
	}
	while (status == 0 && getline(&buf, &cap, f) > 0)
		status = mcc_log_text(ctx, buf);
	free(buf);
	fclose(f);
	return status;
}

static const char *skip_word(const char *line, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(line, word, n) || (line[n] && line[n] != ' ' && line[n] != '\t'))
		return NULL;
	for (line += n; *line == ' ' || *line == '\t'; line++)
		;
	return line;
}

int mcc_execute(struct mcc *ctx, const char *line)
{
	const char *arg;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0')
		return 0;
	if (skip_word(line, "quit")) {
		ctx->quit = true;
		return 0;
	}
	if (skip_word(line, "mconsole-version")) {
		fprintf(ctx->out, "uml_mconsole client version %u\n", MCONSOLE_VERSION);
		return 0;
	}
	if ((arg = skip_word(line, "switch")))
		return mcc_switch(ctx, arg) ? 1 : 0;
	if (skip_word(line, "int"))
		return mcc_int(ctx);
	if (skip_word(line, "help"))
		return mcc_help(ctx);
	if ((arg = skip_word(line, "log"))) {
		const char *file = skip_word(arg, "-f");

		return file ? mcc_log_file(ctx, file) : mcc_log_text(ctx, arg);
	}
	return mcc_remote(ctx, line);
}
