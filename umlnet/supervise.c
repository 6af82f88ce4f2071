// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"
#include "supervise.h"
#include "clock.h"
#include "qemu_nic.h"
#include "rejoin.h"
#include "restarts.h"
#include "umlnet.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SUPERVISE_BACKOFF_MAX_MS 8000

/* The parent's child, for passing signals on: a handler has no context, so this is global. */
static volatile pid_t supervise_child;

static void supervise_forward(int sig)
{
	if (supervise_child > 0)
		kill(supervise_child, sig);
}

int supervise_split(void)
{
	struct sigaction sa = { .sa_handler = supervise_forward, .sa_flags = SA_RESTART };
	int fds[2], status;
	char word = 1;
	ssize_t n;
	pid_t pid;

	fflush(NULL);
	if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		log_err("starting the supervisor: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		close(fds[0]);
		return fds[1];
	}
	close(fds[1]);
	supervise_child = pid;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while ((n = read(fds[0], &word, 1)) < 0 && errno == EINTR)
		;
	/* A child that failed is waited for: its last words are out before we return. */
	if (n != 1 || word)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	exit(n == 1 && !word ? 0 : 1);
}

static void supervise_word(int fd, char word)
{
	if (fd < 0)
		return;
	if (write(fd, &word, 1) != 1)
		log_err("telling up's caller: %s", strerror(errno));
	close(fd);
}

void supervise_failed(int word_fd)
{
	supervise_word(word_fd, 1);
}

void supervise_log(const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	printf("%02d:%02d:%02d.%03ld umlnet: ", tm.tm_hour, tm.tm_min, tm.tm_sec,
	       ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* What the supervisor knows of one recorded process (same index as st->procs). */
struct sv_proc {
	long long ends[SUPERVISE_MAX_RESTARTS + 1]; /* ms of its latest ends, a ring */
	unsigned int nends;
	long long retry_at;
	bool ended; /* and not started again yet */
};

struct sv {
	struct state *st;
	struct restarts r;
	struct sv_proc p[STATE_MAX_PROCS];
	bool dirty; /* r still to be saved (a save failed) */
};

/* Saved at every change, so that status never shows a process as running that waits. */
static void sv_save(struct sv *sv)
{
	sv->dirty = restarts_save(sv->st, &sv->r) != 0;
}

static bool sv_restartable(const char *kind)
{
	return !strcmp(kind, "switch") || !strcmp(kind, "slirp") || !strcmp(kind, "plug");
}

static bool sv_watched(const char *kind)
{
	return sv_restartable(kind) || !strcmp(kind, "guest") || !strcmp(kind, "qemu");
}

/* Whether the process ended; reason gets how. Our own children give their status. */
static bool sv_ended(const struct state_proc *p, char *reason, size_t len)
{
	int status;
	pid_t r = p->id.pid > 1 ? waitpid(p->id.pid, &status, WNOHANG) : -1;

	if (r > 0 && WIFSIGNALED(status)) {
		snprintf(reason, len, "killed by signal %d", WTERMSIG(status));
		return true;
	}
	if (r > 0) {
		snprintf(reason, len, "exited with status %d", WEXITSTATUS(status));
		return true;
	}
	if (r == 0 || proc_alive(&p->id))
		return false;
	snprintf(reason, len, "ended (exit status unknown)");
	return true;
}

/* How many of the process's ends fall within the window, the one just now included. */
static unsigned int sv_recent_ends(struct sv_proc *sp, long long now)
{
	unsigned int n = 0;

	sp->ends[sp->nends++ % (SUPERVISE_MAX_RESTARTS + 1)] = now;
	for (unsigned int i = 0; i < SUPERVISE_MAX_RESTARTS + 1 && i < sp->nends; i++)
		n += now - sp->ends[i] < SUPERVISE_WINDOW_S * 1000LL;
	return n;
}

/* A process ended: a guest is reported, anything else waits for its restart, or is given up
 * on when it ends too often. */
static void sv_on_end(struct sv *sv, int i, const char *reason)
{
	struct state_proc *p = &sv->st->procs[i];
	struct restarts_entry *e = restarts_get(&sv->r, p->kind, p->name);
	struct sv_proc *sp = &sv->p[i];
	long long now = clock_ms();
	unsigned int n;

	sp->ended = true;
	/* What is left of its session (a UML guest's helper processes) has no use now. */
	proc_stop(&p->id, SIGTERM, 0);
	if (!e)
		return;
	snprintf(e->last_exit, sizeof(e->last_exit), "%s", reason);
	if (!sv_restartable(p->kind)) {
		e->state = RESTARTS_DEAD;
		supervise_log("%s %s (pid %d) %s; not restarted", p->kind, p->name,
		       (int)p->id.pid, reason);
		sv_save(sv);
		return;
	}
	n = sv_recent_ends(sp, now);
	if (n > SUPERVISE_MAX_RESTARTS) {
		e->state = RESTARTS_GIVEN_UP;
		supervise_log("%s %s (pid %d) %s: it ended %u times within %d s; given up, it stays "
		       "stopped", p->kind, p->name, (int)p->id.pid, reason, n, SUPERVISE_WINDOW_S);
		sv_save(sv);
		return;
	}
	e->state = RESTARTS_WAITING;
	sp->retry_at = now;
	if (n > 1) {
		long long wait = (long long)SUPERVISE_BACKOFF_MS << (n - 2);

		sp->retry_at += wait < SUPERVISE_BACKOFF_MAX_MS ? wait : SUPERVISE_BACKOFF_MAX_MS;
	}
	sv_save(sv);
}

/* Whether the switch named name is running (not waiting to be started again). */
static bool sv_switch_up(const struct sv *sv, const char *name)
{
	const struct restarts_entry *e = restarts_find(&sv->r, "switch", name);

	return !e || e->state == RESTARTS_RUNNING;
}

/* Whether what process i joins is there: a gateway's switch, every switch of a plug. */
static bool sv_deps_up(const struct sv *sv, int i)
{
	const struct state_proc *p = &sv->st->procs[i];
	const struct conf *c = sv->st->conf;
	int gi;

	if (!strcmp(p->kind, "slirp"))
		return sv_switch_up(sv, p->name);
	if (strcmp(p->kind, "plug") || (gi = conf_find_guest(c, p->name)) < 0)
		return true;
	for (int k = 0; k < c->g[gi].neth; k++)
		if (c->g[gi].eth[k].sw >= 0 && !sv_switch_up(sv, c->g[gi].eth[k].sw_name))
			return false;
	return true;
}

/* Whether process i joins switch sw (a gateway on it, a plug with a device on it). */
static bool sv_depends_on(const struct sv *sv, int i, int sw)
{
	const struct state_proc *p = &sv->st->procs[i];
	const struct conf *c = sv->st->conf;
	int gi;

	if (!strcmp(p->kind, "slirp"))
		return !strcmp(p->name, c->sw[sw].name);
	if (strcmp(p->kind, "plug") || (gi = conf_find_guest(c, p->name)) < 0)
		return false;
	for (int k = 0; k < c->g[gi].neth; k++)
		if (c->g[gi].eth[k].sw == sw)
			return true;
	return false;
}

/* Switch sw is back: a gateway or plug still on the dead one is stopped (it is then started
 * again, on the new one), and the guests re-join. */
static void sv_switch_back(struct sv *sv, int sw)
{
	char reason[RESTARTS_REASON];

	for (int i = 0; i < sv->st->nprocs; i++) {
		struct state_proc *p = &sv->st->procs[i];

		if (sv->p[i].ended || !sv_depends_on(sv, i, sw))
			continue;
		if (!sv_ended(p, reason, sizeof(reason))) {
			proc_stop(&p->id, SIGTERM, 2000);
			snprintf(reason, sizeof(reason), "stopped: its switch %s started again",
				 sv->st->conf->sw[sw].name);
		}
		sv_on_end(sv, i, reason);
	}
	rejoin_switch(sv->st, sw);
	qemu_nic_rejoin(sv->st, sw);
}

static int sv_start(struct state *st, const struct state_proc *p)
{
	int sw = conf_find_switch(st->conf, p->name), gi = conf_find_guest(st->conf, p->name);

	if (!strcmp(p->kind, "switch"))
		return net_start_switch(st, sw);
	if (!strcmp(p->kind, "slirp"))
		return net_start_slirp(st, sw);
	return net_start_netns(st, gi);
}

/* Starts process i again with the arguments up gave it. */
static void sv_restart(struct sv *sv, int i)
{
	struct state_proc *p = &sv->st->procs[i];
	struct restarts_entry *e = restarts_get(&sv->r, p->kind, p->name);
	pid_t old = p->id.pid;

	if (sv_start(sv->st, p)) {
		/* One that runs but never became ready is not left behind. */
		proc_stop(&p->id, SIGTERM, 2000);
		supervise_log("%s %s: starting it again failed", p->kind, p->name);
		sv_on_end(sv, i, "did not start again");
		return;
	}
	sv->p[i].ended = false;
	if (e) {
		e->restarts++;
		e->state = RESTARTS_RUNNING;
	}
	sv_save(sv);
	supervise_log("%s %s (pid %d) %s; started again as pid %d (restart %u)", p->kind,
	       p->name, (int)old, e ? e->last_exit : "ended", (int)p->id.pid, e ? e->restarts : 0);
	fflush(stdout);
	if (!strcmp(p->kind, "switch"))
		sv_switch_back(sv, conf_find_switch(sv->st->conf, p->name));
	else if (!strcmp(p->kind, "slirp"))
		rejoin_gateway(sv->st, conf_find_switch(sv->st->conf, p->name));
}

static void sv_tick(struct sv *sv)
{
	static const char *const order[] = { "switch", "slirp", "plug" };
	char reason[RESTARTS_REASON];
	struct state *st = sv->st;

	for (int i = 0; i < st->nprocs; i++)
		if (sv_watched(st->procs[i].kind) && !sv->p[i].ended &&
		    sv_ended(&st->procs[i], reason, sizeof(reason)))
			sv_on_end(sv, i, reason);
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (int i = 0; i < st->nprocs; i++) {
			const struct restarts_entry *e =
				restarts_find(&sv->r, st->procs[i].kind, st->procs[i].name);

			if (!strcmp(st->procs[i].kind, order[k]) && sv->p[i].ended && e &&
			    e->state == RESTARTS_WAITING && clock_ms() >= sv->p[i].retry_at &&
			    sv_deps_up(sv, i))
				sv_restart(sv, i);
		}
	if (sv->dirty)
		sv_save(sv);
	fflush(stdout);
}

/* stdin from /dev/null, stdout and stderr appended to <state>/supervise.log. */
static int sv_redirect(const struct state *st)
{
	char path[PATH_MAX];
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC), out, err = 0;

	state_file(st, "supervise.log", path, sizeof(path));
	out = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	fflush(NULL);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		err = -errno;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return err;
}

int supervise_run(struct state *st, int word_fd)
{
	static struct sv sv;
	struct proc_id self = { getpid(), proc_start_time(getpid()) };
	int err;

	memset(&sv, 0, sizeof(sv));
	sv.st = st;
	signal(SIGPIPE, SIG_IGN);
	err = state_record(st, "supervisor", st->conf->name, &self);
	if (!err)
		err = supervise_drop_rights(st->conf);
	if (!err)
		err = sv_redirect(st);
	if (err) {
		log_err("starting the supervisor: %s", strerror(-err));
		supervise_failed(word_fd);
		return err;
	}
	setsid();
	supervise_word(word_fd, 0);
	supervise_log("supervising network %s (pid %d)", st->conf->name, (int)self.pid);
	fflush(stdout);
	while (!notify_interrupted()) {
		sv_tick(&sv);
		proc_sleep_ms(SUPERVISE_TICK_MS);
	}
	supervise_log("supervisor of network %s stopped", st->conf->name);
	return 0;
}
