// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"
#include "qemu_tty.h"
#include "base64.h"
#include "qemu.h"
#include "qemu_tty_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QEMU_TTY_SCRIPT_MAX 16384

int qemu_tty_ready(struct linesock *ls, const struct proc_id *proc, int timeout_ms)
{
	char line[512];

	for (int waited = 0; waited < timeout_ms; waited += 1000) {
		int err = linesock_read(ls, line, sizeof(line), 1000);

		if (!err && strstr(line, "UMLNET-READY"))
			return 0;
		if (err && err != -ETIMEDOUT)
			return err;
		if (!proc_alive(proc))
			return -ECHILD;
	}
	return -ETIMEDOUT;
}

/* A line of output, or the status line (which may follow output without a newline). 1 and
 * *status at the end, else 0. */
static int qemu_tty_line(char *line, const char *vm, int *status, guest_out_fn out,
			 void *opaque)
{
	int done = qemu_tty_status(line, status);

	if ((!done || line[0]) && out)
		out(opaque, vm, line);
	return done;
}

/* Writes the channel's one-line form of script into cmd (malloc'd): it first prints its own
 * begin line, so output left over from an earlier command that timed out is told apart. */
static int qemu_tty_command(const char *script, const char *begin, char **cmd)
{
	size_t n = strlen(script);
	char *b64;

	if (n > QEMU_TTY_SCRIPT_MAX || !(b64 = malloc((n + 2) / 3 * 4 + 1)))
		return n > QEMU_TTY_SCRIPT_MAX ? -EMSGSIZE : -ENOMEM;
	base64_encode((const unsigned char *)script, n, b64);
	n = asprintf(cmd, "echo %s; eval \"$(echo %s | base64 -d)\"\n", begin, b64) < 0 ? 0 : 1;
	free(b64);
	return n ? 0 : -ENOMEM;
}

static int qemu_tty_run(struct linesock *ls, const struct state_proc *p, const char *cmd,
			const char *begin, int timeout_ms, guest_out_fn out, void *opaque)
{
	char *line = malloc(LINESOCK_BUF);
	int err = line ? linesock_send(ls, cmd) : -ENOMEM, status = -1;
	bool begun = false;

	for (int waited = 0; !err && waited < timeout_ms; waited += 1000) {
		err = linesock_read(ls, line, LINESOCK_BUF, 1000);
		if (!err && !begun)
			begun = !strcmp(line, begin);
		else if (!err && qemu_tty_line(line, p->name, &status, out, opaque))
			break;
		if (err == -ETIMEDOUT)
			err = proc_alive(&p->id) ? 0 : -ECHILD;
	}
	if (!err && status < 0)
		err = -ETIMEDOUT;
	free(line);
	return err ? err : status;
}

int qemu_exec(struct state *st, const char *vm, const char *script, int timeout_ms,
	      guest_out_fn out, void *opaque)
{
	const struct state_proc *p = state_find(st, "qemu", vm);
	int gi = conf_find_guest(st->conf, vm);
	struct linesock *ls;
	char path[PATH_MAX], begin[64], *cmd = NULL;
	static unsigned int counter;
	int err;

	if (!p || !proc_alive(&p->id) || gi < 0) {
		log_err("guest '%s': not running in network '%s'", vm,
			st->conf->name);
		return -ESRCH;
	}
	if (!qemu_uses_image(&st->conf->g[gi])) {
		log_err("guest %s: boots its own kernel or disk, so umlnet "
				"has no command channel into it", vm);
		return -EOPNOTSUPP;
	}
	if (!(ls = malloc(sizeof(*ls))))
		return -ENOMEM;
	qemu_path(st, vm, "tty", path, sizeof(path));
	snprintf(begin, sizeof(begin), "UMLNET-BEGIN-%d-%u", (int)getpid(), ++counter);
	err = qemu_tty_command(script, begin, &cmd);
	if (!err && !(err = linesock_connect(ls, path, 0))) {
		err = qemu_tty_run(ls, p, cmd, begin, timeout_ms, out, opaque);
		linesock_close(ls);
	}
	if (err < 0)
		log_err("guest %s: command channel '%s': %s", vm, path,
			err == -ETIMEDOUT ? "the command did not finish in time" :
			err == -ECHILD ? "the VM ended" : strerror(-err));
	free(cmd);
	free(ls);
	return err;
}
