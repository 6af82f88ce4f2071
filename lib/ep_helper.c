// SPDX-License-Identifier: GPL-2.0-or-later
#include "ep_helper.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The kernel waits for `add`/`del` without a limit; we bound it like the other helper steps. */
#define EP_HELPER_ADDR_TIMEOUT_MS 10000

/* In the child: put the fds in place and exec; reports the exec errno through err_fd. */
static void helper_child(const char *const *argv, int in_fd, int out_fd, int keep_fd, int err_fd)
{
	int e;

	if (in_fd >= 0 && dup2(in_fd, 0) < 0)
		goto fail;
	if (dup2(out_fd, 1) < 0)
		goto fail;
	if (keep_fd >= 0 && fcntl(keep_fd, F_SETFD, 0) < 0)
		goto fail;
	execvp(argv[0], (char *const *)(uintptr_t)argv);
fail:
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

pid_t ep_helper_spawn(const char *const *argv, int in_fd, int out_fd, int keep_fd)
{
	int errp[2], e = 0;
	pid_t pid;
	ssize_t r;

	/* A close-on-exec pipe: EOF means the exec worked, an int means it did not. */
	if (pipe2(errp, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(errp[0]);
		close(errp[1]);
		return -e;
	}
	if (pid == 0)
		helper_child(argv, in_fd, out_fd, keep_fd, errp[1]);
	close(errp[1]);
	do
		r = read(errp[0], &e, sizeof(e));
	while (r < 0 && errno == EINTR);
	close(errp[0]);
	if (r == (ssize_t)sizeof(e)) {
		waitpid(pid, NULL, 0);
		return -e;
	}
	return pid;
}

int ep_helper_wait(pid_t pid, int timeout_ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int status = 0;

	for (int waited = 0;; waited += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0)
			return -ECHILD;
		if (waited >= timeout_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ECHILD;
		}
		nanosleep(&ts, NULL);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

int ep_helper_read_full(int fd, void *buf, size_t len, int timeout_ms)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -ETIMEDOUT;
		r = read(fd, (uint8_t *)buf + got, len - got);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (r > 0)
			got += (size_t)r;
	}
	return 0;
}

int ep_helper_read_output(int fd, char *text, size_t len, int timeout_ms)
{
	char chunk[256];
	int n, r;
	size_t used = 0;

	text[0] = 0;
	if ((r = ep_helper_read_full(fd, &n, sizeof(n), timeout_ms)))
		return r;
	if (n < 0 || n > 65536)
		return -EBADMSG;
	while (n > 0) {
		size_t want = (size_t)n < sizeof(chunk) ? (size_t)n : sizeof(chunk);

		if ((r = ep_helper_read_full(fd, chunk, want, timeout_ms)))
			return r;
		if (used + 1 < len) {
			size_t take = want < len - 1 - used ? want : len - 1 - used;

			memcpy(text + used, chunk, take);
			used += take;
		}
		n -= (int)want;
	}
	text[used] = 0;
	return 0;
}

void ep_helper_one_line(char *text)
{
	size_t n = strlen(text);

	while (n && (text[n - 1] == '\n' || text[n - 1] == 0))
		text[--n] = 0;
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ';';
}

int ep_helper_run(const char *const *argv, int in_fd, char *text, size_t len, int timeout_ms)
{
	int sv[2], r;
	pid_t pid;

	text[0] = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = ep_helper_spawn(argv, in_fd, sv[1], -1);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return (int)pid;
	}
	r = ep_helper_read_output(sv[0], text, len, timeout_ms);
	close(sv[0]);
	r = ep_helper_wait(pid, timeout_ms) ? -ECHILD : r;
	ep_helper_one_line(text);
	return r;
}

int ep_helper_addr(const char *dev, bool add, uint32_t addr_be, uint32_t mask_be, char *text,
		   size_t len)
{
	char addr[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	const char *argv[] = { "uml_net", "4", add ? "add" : "del", dev, addr, mask, NULL };
	struct in_addr a = { .s_addr = addr_be }, m = { .s_addr = mask_be };

	inet_ntop(AF_INET, &a, addr, sizeof(addr));
	inet_ntop(AF_INET, &m, mask, sizeof(mask));
	return ep_helper_run(argv, -1, text, len, EP_HELPER_ADDR_TIMEOUT_MS);
}
