// SPDX-License-Identifier: GPL-2.0-or-later
#include "proc.h"

#include <errno.h>
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

int proc_spawn(char *const argv[], const char *log, struct proc_id *id)
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
		execve(argv[0], argv, environ);
		/* Tell the parent why: it reports once, with the program's name. */
		e = errno;
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

unsigned long long proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "pid (comm) S ppid ..." : comm may hold spaces, so start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start ? start : 1;
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

	if (id->pid <= 0)
		return false;
	/* A child of ours that ended is a zombie until reaped: reap it, it is not alive. */
	waitpid(id->pid, NULL, WNOHANG);
	s = proc_start_time(id->pid);
	return s && (!id->start || s == id->start);
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

/* Whether the process group still has members while its leader is gone: a pid is not reused
 * while a group of that number exists, so they are the leader's own children. */
static bool proc_group_orphans(pid_t pgid)
{
	return proc_start_time(pgid) == 0 && kill(-pgid, 0) == 0;
}

int proc_stop(const struct proc_id *id, int sig, int wait_ms)
{
	if (proc_alive(id)) {
		kill(id->pid, sig);
		if (!proc_wait_gone(id, wait_ms)) {
			kill(-id->pid, SIGKILL);
			kill(id->pid, SIGKILL);
			proc_wait_gone(id, 2000);
		}
	}
	if (id->pid > 0 && proc_group_orphans(id->pid)) {
		kill(-id->pid, SIGTERM);
		proc_sleep_ms(200);
		if (proc_group_orphans(id->pid))
			kill(-id->pid, SIGKILL);
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
