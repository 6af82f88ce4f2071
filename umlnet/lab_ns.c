// SPDX-License-Identifier: GPL-2.0-or-later
#include "lab_ns.h"

#include "clock.h"
#include "image.h"
#include "lab.h"
#include "lab_ns_make.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* A startup that failed with one of these in its logs met a limit of namespace machines, not a
 * fault of the lab: what the host's kernel lacks, and changing to another user. */
static const struct ns_limit {
	const char *pattern; /* grep -E */
	const char *why;
} ns_limits[] = {
	{ "Specified qdisc kind is unknown|Unknown qdisc|Error: Unknown device type|modprobe: "
	  "FATAL|Module [^ ]+ not found|RTNETLINK answers: Operation not supported",
	  "namespace machines have only what the host's kernel offers, and it lacks this" },
	{ "could not setgroups|could not (setuid|setgid|lower privileges)|cannot change owner|"
	  "changing ownership of .*Invalid argument",
	  "namespace machines map only their root's uid, so a daemon cannot change to a user "
	  "of its own" },
};

/* A command running in a machine: the child that entered it, and its output pipe. */
struct ns_run {
	const char *name;
	pid_t pid;
	int fd;
	char buf[1024];
	size_t len;
	int status;   /* -1 while running */
	long long deadline;
};

int lab_ns_possible(void)
{
	if (geteuid() == 0)
		return 0;
	log_err("--machines ns: needs umlnet run as root (it maps the "
			"host's / into each machine and plugs the machines in; the machines "
			"themselves run as the guests' user)");
	return -EPERM;
}

const struct state_proc *lab_ns_machine(const struct state *st, const char *name)
{
	const struct state_proc *p = state_find(st, LAB_NS_KIND, name);

	return p && proc_alive(&p->id) ? p : NULL;
}

static char *const ns_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
	"LANG=C.UTF-8", "LAB_NS=1", NULL, NULL, NULL
};

/* In the child: enters the machine, forks into its PID namespace, runs script by bash there
 * (NULL: a login shell) with the machine's environment (plus term) and exits with its status. */
static _Noreturn void ns_run_child(pid_t machine, const char *name, const char *script,
				   const char *term)
{
	char *argv[] = { strdup("/bin/bash"), strdup(script ? "-c" : "-l"),
			 script ? strdup(script) : NULL, NULL };
	char uname[CONF_NAME + 16], tvar[64], *env[sizeof(ns_env) / sizeof(ns_env[0])];
	int err = lab_ns_enter(machine), status;
	pid_t pid;

	if (err) {
		log_err("entering machine %s: %s", name, strerror(-err));
		_exit(126);
	}
	memcpy(env, ns_env, sizeof(env));
	snprintf(uname, sizeof(uname), "UMLNET_NAME=%s", name);
	env[4] = uname;
	if (term) {
		snprintf(tvar, sizeof(tvar), "TERM=%s", term);
		env[5] = tvar;
	}
	pid = fork();
	if (pid == 0) {
		if (chdir("/") < 0)
			_exit(126);
		execve(argv[0], argv, env);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(126);
	if (pid < 0)
		_exit(126);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int ns_run_start(const struct state *st, struct ns_run *r, const char *name,
			const char *script, int timeout_ms)
{
	const struct state_proc *p = lab_ns_machine(st, name);
	int pipefd[2];

	*r = (struct ns_run){ .name = name, .fd = -1, .status = -1,
			      .deadline = clock_ms() + timeout_ms };
	if (!p) {
		log_err("machine '%s': not running in network '%s'", name,
			st->conf->name);
		return -ESRCH;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	r->pid = fork();
	if (r->pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(pipefd[1], 1) < 0 || dup2(pipefd[1], 2) < 0)
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		ns_run_child(p->id.pid, name, script, NULL);
	}
	close(pipefd[1]);
	if (r->pid < 0) {
		close(pipefd[0]);
		return -errno;
	}
	r->fd = pipefd[0];
	fcntl(r->fd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Hands complete lines (all, at the end) to out. */
static void ns_run_lines(struct ns_run *r, bool end, guest_out_fn out, void *opaque)
{
	char *nl;

	while ((nl = memchr(r->buf, '\n', r->len)) || (end && r->len) ||
	       r->len == sizeof(r->buf) - 1) {
		size_t n = nl ? (size_t)(nl - r->buf) : r->len;

		r->buf[n] = '\0';
		if (out)
			out(opaque, r->name, r->buf);
		n += nl ? 1 : 0;
		memmove(r->buf, r->buf + n, r->len - n);
		r->len -= n;
	}
}

/* Reads what there is; notices the end. Daemons a script started may hold the pipe: the
 * command ends when its child does. Returns whether it ended. */
static bool ns_run_step(struct ns_run *r, guest_out_fn out, void *opaque)
{
	int status;
	ssize_t n;

	if (r->status >= 0)
		return true;
	while ((n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len)) > 0) {
		r->len += (size_t)n;
		ns_run_lines(r, false, out, opaque);
	}
	if (waitpid(r->pid, &status, WNOHANG) != r->pid) {
		if (clock_ms() < r->deadline)
			return false;
		log_err("machine %s: the command did not finish in time",
			r->name);
		kill(r->pid, SIGKILL);
		waitpid(r->pid, &status, 0);
		status = 137 << 8;
	}
	while ((n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len)) > 0) {
		r->len += (size_t)n;
		ns_run_lines(r, false, out, opaque);
	}
	ns_run_lines(r, true, out, opaque);
	close(r->fd);
	r->fd = -1;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return true;
}

/* Waits for output of any of runs (up to 50 ms). */
static void ns_run_wait(struct ns_run *runs, int n)
{
	struct pollfd p[LAB_MAX_MACHINES];
	int k = 0;

	for (int i = 0; i < n && k < LAB_MAX_MACHINES; i++)
		if (runs[i].status < 0 && runs[i].fd >= 0)
			p[k++] = (struct pollfd){ .fd = runs[i].fd, .events = POLLIN };
	poll(p, (nfds_t)k, 50);
}

int lab_ns_exec(const struct state *st, const char *name, const char *script, int timeout_ms,
		guest_out_fn out, void *opaque)
{
	struct ns_run r;
	int err = ns_run_start(st, &r, name, script, timeout_ms);

	if (err)
		return err;
	while (!ns_run_step(&r, out, opaque))
		ns_run_wait(&r, 1);
	return r.status;
}

int lab_ns_exec_all(const struct state *st, const char *script, int timeout_ms,
		    guest_out_fn out, void *opaque)
{
	struct ns_run *runs = calloc(CONF_MAX_GUESTS, sizeof(*runs));
	int n = 0, failed = 0, left;

	if (!runs)
		return 1;
	for (int i = 0; i < st->conf->ng; i++) {
		const char *name = st->conf->g[i].name;

		if (!lab_ns_machine(st, name))
			continue;
		if (ns_run_start(st, &runs[n], name, script, timeout_ms))
			failed++;
		else
			n++;
	}
	do {
		left = 0;
		for (int i = 0; i < n; i++)
			left += !ns_run_step(&runs[i], out, opaque);
		if (left)
			ns_run_wait(runs, n);
	} while (left);
	for (int i = 0; i < n; i++)
		failed += runs[i].status != 0;
	free(runs);
	return failed;
}

/* Boot scheduling: a machine's startup starts once those it depends on have finished. */
struct ns_boot {
	struct state *st;
	const struct lab *l;
	struct ns_run run[CONF_MAX_GUESTS];
	int mi[CONF_MAX_GUESTS];
	bool started[CONF_MAX_GUESTS];
	int total, running, done, jobs, timeout_ms;
	long long t0;
	bool quiet;
};

/* What a machine runs to start: its interfaces up (one ip for all), then the lab init (as in
 * UML machines). */
#define NS_STARTUP "cd /sys/class/net && printf -v b 'link set %s up\\n' * && ip -force -b - <<< \"$b\"; " \
	"cd / && exec sh /run/lab/" LAB_INIT " \"$UMLNET_NAME\""

static bool ns_deps_done(const struct ns_boot *b, int gi)
{
	const struct lab_machine *m = &b->l->m[b->mi[gi]];

	for (int k = 0; k < m->ndep; k++) {
		int dg = conf_find_guest(b->st->conf, b->l->m[m->dep[k]].name);

		if (dg >= 0 && (!b->started[dg] || b->run[dg].status < 0))
			return false;
	}
	return true;
}

static void ns_print_line(void *opaque, const char *guest, const char *line)
{
	(void)opaque;
	printf("  %s: %s\n", guest, line);
}

static int ns_boot_fill(struct ns_boot *b)
{
	for (int gi = 0; gi < b->total && b->running < b->jobs; gi++) {
		int err;

		if (b->started[gi] || !ns_deps_done(b, gi))
			continue;
		err = ns_run_start(b->st, &b->run[gi], b->st->conf->g[gi].name, NS_STARTUP,
				   b->timeout_ms);
		if (err)
			return err;
		b->started[gi] = true;
		b->running++;
	}
	return 0;
}

static void ns_keep_line(void *opaque, const char *guest, const char *line)
{
	(void)guest;
	snprintf(opaque, 256, "%s", line);
}

/* The first line of machine name's startup logs matching pattern (into line), or "". */
static void ns_log_match(const struct ns_boot *b, const char *name, const char *pattern,
			 char line[256])
{
	char script[512];
	struct ns_run r;

	line[0] = '\0';
	snprintf(script, sizeof(script), "cat /var/log/shared.log /var/log/startup.log 2>/dev/null"
		 " | grep -m1 -E '%s'", pattern);
	if (ns_run_start(b->st, &r, name, script, 10000))
		return;
	while (!ns_run_step(&r, ns_keep_line, line))
		ns_run_wait(&r, 1);
	if (r.status != 0)
		line[0] = '\0';
}

/* After a failed startup: whether its logs show a limit of namespace machines (said once). */
static void ns_say_limit(const struct ns_boot *b, int gi)
{
	const char *name = b->st->conf->g[gi].name;
	char line[256];

	for (size_t i = 0; i < sizeof(ns_limits) / sizeof(ns_limits[0]); i++) {
		ns_log_match(b, name, ns_limits[i].pattern, line);
		if (line[0]) {
			log_info("machine %s: '%s': %s; run the lab with "
					"--machines uml", name, line, ns_limits[i].why);
			return;
		}
	}
}

static void ns_boot_done(struct ns_boot *b, int gi)
{
	int status = b->run[gi].status;

	b->running--;
	b->done++;
	if (b->quiet)
		return;
	lab_say_ready(b->st->conf->g[gi].name, b->t0, status);
	if (status)
		ns_say_limit(b, gi);
}

static int ns_boot_run(struct ns_boot *b)
{
	int err = ns_boot_fill(b);

	while (!err && b->done < b->total) {
		for (int gi = 0; gi < b->total; gi++)
			if (b->started[gi] && b->run[gi].fd >= 0 &&
			    ns_run_step(&b->run[gi], b->quiet ? NULL : ns_print_line, NULL))
				ns_boot_done(b, gi);
		err = ns_boot_fill(b);
		if (!err && b->done < b->total)
			ns_run_wait(b->run, b->total);
	}
	return err;
}

static pid_t ns_machine_pid(const struct state *st, int gi)
{
	const struct state_proc *p = state_find(st, LAB_NS_KIND, st->conf->g[gi].name);

	return p ? p->id.pid : -1;
}

/* The lower layer of machine mi's root into dir: its image when built, else the host's /
 * (lab_check_images said so of an image not built). */
static void ns_lower(const struct lab *l, int mi, char dir[PATH_MAX])
{
	char img[IMAGE_NAME];

	if (mi < 0 || !l->m[mi].image[0] || !image_name(l->m[mi].image, img) ||
	    !image_built(img, dir, PATH_MAX))
		snprintf(dir, PATH_MAX, "/");
}

/* Every machine's namespaces, root and plug. */
static int ns_make_all(struct state *st, const struct lab *l)
{
	struct lab_ns_spec *s = calloc(CONF_MAX_GUESTS, sizeof(*s));
	char (*lower)[PATH_MAX] = calloc(CONF_MAX_GUESTS, sizeof(*lower));
	int err = s && lower ? 0 : -ENOMEM, n = st->conf->ng;

	for (int gi = 0; !err && gi < n; gi++) {
		ns_lower(l, lab_find_machine(l, st->conf->g[gi].name), lower[gi]);
		s[gi] = (struct lab_ns_spec){ st->conf->g[gi].name, l->dir, lower[gi] };
	}
	if (!err)
		err = lab_ns_make(st, s, n);
	free(s);
	free(lower);
	for (int gi = 0; !err && gi < n; gi++)
		err = lab_ns_plug_wait(st, gi, ns_machine_pid(st, gi));
	return err;
}

/* One warning for every machine of st given mem=: a namespace machine shares the host's memory
 * (no cgroup limit is set). */
static void ns_warn_mem(const struct state *st, const struct lab *l)
{
	char names[LAB_MAX_MACHINES * (LAB_NAME + 1)] = "";
	size_t len = 0;

	for (int gi = 0; gi < st->conf->ng; gi++) {
		int mi = lab_find_machine(l, st->conf->g[gi].name);

		if (mi >= 0 && l->m[mi].mem_mb && len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						len ? ", " : "", l->m[mi].name);
	}
	if (len)
		log_warn("mem= of %s is not applied: namespace machines "
				"share the host's memory, without a limit", names);
}

int lab_ns_boot(struct umlnet_opts *o, struct state *st, const struct lab *l)
{
	struct ns_boot *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	*b = (struct ns_boot){ .st = st, .l = l, .total = st->conf->ng, .t0 = clock_ms(),
			       .jobs = o->jobs_given ? o->jobs : CONF_MAX_GUESTS, .quiet = o->quiet,
			       .timeout_ms = o->timeout_s * 1000 + 60000 };
	for (int gi = 0; gi < b->total; gi++)
		b->mi[gi] = lab_find_machine(l, st->conf->g[gi].name);
	ns_warn_mem(st, l);
	err = ns_make_all(st, l);
	if (!err)
		err = ns_boot_run(b);
	free(b);
	return err;
}

pid_t lab_ns_shell(const struct state *st, const char *name, int tty)
{
	const struct state_proc *p = lab_ns_machine(st, name);
	const char *term = getenv("TERM");
	pid_t pid;

	if (!p) {
		log_err("machine '%s': not running in network '%s'", name,
			st->conf->name);
		return -ESRCH;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (setsid() < 0 || ioctl(tty, TIOCSCTTY, 0) < 0 || dup2(tty, 0) < 0 ||
		    dup2(tty, 1) < 0 || dup2(tty, 2) < 0)
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		ns_run_child(p->id.pid, name, NULL, term ? term : "xterm");
	}
	return pid < 0 ? -errno : pid;
}
