// SPDX-License-Identifier: GPL-2.0-or-later
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int proc_drop(const struct proc_as *as)
{
	const char *tmp = getenv("TMPDIR");

	if (setgroups(1, &as->gid) < 0 || setresgid(as->gid, as->gid, as->gid) < 0 ||
	    setresuid(as->uid, as->uid, as->uid) < 0)
		return -errno;
	/* UML keeps its memory file in TMPDIR: one only we could write would stop it. */
	if (tmp && access(tmp, W_OK | X_OK) < 0)
		unsetenv("TMPDIR");
	return 0;
}

/* In the child: as's fd 3 and user. 0 or -errno. */
static int proc_child_setup(const struct proc_as *as)
{
	if (!as)
		return 0;
	if (as->fd3 >= 0 && (as->fd3 == 3 ? fcntl(3, F_SETFD, 0) : dup2(as->fd3, 3)) < 0)
		return -errno;
	return as->drop ? proc_drop(as) : 0;
}

int proc_spawn(char *const argv[], const char *log, struct proc_id *id)
{
	return proc_spawn_as(argv, log, NULL, id);
}

int proc_spawn_as(char *const argv[], const char *log, const struct proc_as *as,
		  struct proc_id *id)
{
	int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int pipefd[2], err = 0;
	pid_t pid;

	if (out < 0 || in < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		err = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		goto out;
	}
	if (pid == 0) {
		int e;

		setsid();
		signal(SIGPIPE, SIG_DFL);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		e = -proc_child_setup(as);
		if (!e) {
			execve(argv[0], argv, environ);
			e = errno;
		}
		/* Tell the parent why: it reports once, with the program's name. */
		if (write(pipefd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	{
		int e;

		if (read(pipefd[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
			waitpid(pid, NULL, 0);
			err = -e;
		}
	}
	close(pipefd[0]);
	if (!err) {
		id->pid = pid;
		id->start = proc_start_time(pid);
	}
out:
	if (out >= 0)
		close(out);
	if (in >= 0)
		close(in);
	return err;
}

/* The process group, session and start time of a live (non-zombie) pid from /proc/<pid>/stat:
 * "pid (comm) S ppid pgrp session ... starttime(22)". 0, or -ESRCH. */
static int proc_stat(pid_t pid, pid_t *pgrp, pid_t *sid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, pg, se;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* comm may hold spaces and ')': start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X' ||
	    sscanf(p + 2, "%*c %*d %d %d", &pg, &se) != 2)
		return -ESRCH;
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -ESRCH;
	*pgrp = pg;
	*sid = se;
	*start = strtoull(p, NULL, 10);
	if (!*start)
		*start = 1; /* a process started in the first tick is still a process */
	return 0;
}

unsigned long long proc_start_time(pid_t pid)
{
	unsigned long long start;
	pid_t pgrp, sid;

	return proc_stat(pid, &pgrp, &sid, &start) ? 0 : start;
}

int proc_run(char *const argv[], const char *log)
{
	struct proc_id id;
	int status, err = proc_spawn(argv, log, &id);

	if (err)
		return err;
	if (waitpid(id.pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

bool proc_alive(const struct proc_id *id)
{
	unsigned long long s;

	/* pid 1 is never ours, and start time 0 (unknown) would match whatever has the pid. */
	if (id->pid <= 1 || !id->start)
		return false;
	/* A child of ours that ended is a zombie until reaped: reap it, it is not alive. */
	waitpid(id->pid, NULL, WNOHANG);
	s = proc_start_time(id->pid);
	return s && s == id->start;
}

void proc_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool proc_wait_gone(const struct proc_id *id, int ms)
{
	for (int t = 0; t < ms; t += 20) {
		if (!proc_alive(id))
			return true;
		proc_sleep_ms(20);
	}
	return !proc_alive(id);
}

/* Signals what is left of the session our child id made with setsid (its group and session
 * are its pid): only while that pid is still the child or names no process (a pid is not reused
 * while a group of its number exists), and only processes of that group and session that
 * started no earlier than the child, one by one, never kill(-pgid): a group we did not create
 * is never touched. Returns how many were signalled. */
static int proc_signal_session(const struct proc_id *id, int sig)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	unsigned long long lstart;
	pid_t lpgrp, lsid;

	if (id->pid <= 1 || !id->start)
		return 0;
	/* Its pid names another process now: the group of that number is not ours. */
	if (!proc_stat(id->pid, &lpgrp, &lsid, &lstart) && lstart != id->start)
		return 0;
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		unsigned long long start;
		pid_t pid = (pid_t)atoi(e->d_name), pgrp, sid;

		if (pid > 1 && pid != getpid() && !proc_stat(pid, &pgrp, &sid, &start) &&
		    pgrp == id->pid && sid == id->pid && start >= id->start && kill(pid, sig) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int proc_stop(const struct proc_id *id, int sig, int wait_ms)
{
	if (proc_alive(id)) {
		kill(id->pid, sig);
		if (!proc_wait_gone(id, wait_ms)) {
			proc_signal_session(id, SIGKILL);
			proc_wait_gone(id, 2000);
		}
	}
	if (proc_signal_session(id, SIGTERM)) {
		proc_sleep_ms(200);
		proc_signal_session(id, SIGKILL);
	}
	return proc_alive(id) ? -ETIMEDOUT : 0;
}

static int proc_self_dir(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", out, len - 1);
	char *slash;

	if (n <= 0)
		return -ENOENT;
	out[n] = '\0';
	slash = strrchr(out, '/');
	if (slash)
		*slash = '\0';
	return 0;
}

static bool proc_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int proc_find_program(const char *name, char *out, size_t len)
{
	char dir[PATH_MAX];
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return proc_executable(out) ? 0 : -ENOENT;
	}
	if (!proc_self_dir(dir, sizeof(dir))) {
		if (snprintf(out, len, "%s/%s", dir, name) < (int)len && proc_executable(out))
			return 0;
		if (snprintf(out, len, "%s/../%s/%s", dir, name, name) < (int)len &&
		    proc_executable(out))
			return 0;
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");

		if (n && snprintf(out, len, "%.*s/%s", (int)n, p, name) < (int)len &&
		    proc_executable(out))
			return 0;
		p += n + (p[n] == ':');
	}
	return -ENOENT;
}

int proc_find_data(const char *name, char *out, size_t len)
{
	char dir[PATH_MAX];
	const char *cands[] = { "%s/%s", "%s/../share/umlnet/%s" };

	if (!proc_self_dir(dir, sizeof(dir))) {
		for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
			if (snprintf(out, len, cands[i], dir, name) < (int)len && access(out, R_OK) == 0) {
				char *real = realpath(out, NULL);

				if (real) {
					snprintf(out, len, "%s", real);
					free(real);
				}
				return 0;
			}
		}
	}
	if (snprintf(out, len, "%s/%s", UMLNET_DATADIR, name) < (int)len && access(out, R_OK) == 0)
		return 0;
	if (snprintf(out, len, "%s/%s", UMLNET_SRCDIR, name) < (int)len && access(out, R_OK) == 0)
		return 0;
	return -ENOENT;
}
