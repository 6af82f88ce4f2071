// SPDX-License-Identifier: GPL-2.0-or-later
#include "linesock.h"
#include "proc.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long linesock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int linesock_connect(struct linesock *ls, const char *path, int wait_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long end = linesock_now_ms() + wait_ms;
	int err;

	ls->n = 0;
	ls->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	for (;;) {
		ls->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (ls->fd < 0)
			return -errno;
		if (connect(ls->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return 0;
		err = -errno;
		close(ls->fd);
		ls->fd = -1;
		if ((err != -ENOENT && err != -ECONNREFUSED) || linesock_now_ms() >= end)
			return err;
		proc_sleep_ms(50);
	}
}

int linesock_send(struct linesock *ls, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = send(ls->fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Moves the first line of buf (or all of a full buffer) into line. true when one was there. */
static int linesock_take(struct linesock *ls, char *line, size_t len)
{
	char *nl = memchr(ls->buf, '\n', ls->n);
	size_t take, skip;

	if (!nl && ls->n < sizeof(ls->buf) && ls->n < len - 1)
		return 0;
	take = nl ? (size_t)(nl - ls->buf) : ls->n;
	if (take > len - 1)
		take = len - 1;
	skip = nl && take == (size_t)(nl - ls->buf) ? take + 1 : take;
	memcpy(line, ls->buf, take);
	if (take && line[take - 1] == '\r')
		take--;
	line[take] = '\0';
	memmove(ls->buf, ls->buf + skip, ls->n - skip);
	ls->n -= skip;
	return 1;
}

int linesock_read(struct linesock *ls, char *line, size_t len, int timeout_ms)
{
	long long end = linesock_now_ms() + timeout_ms;

	while (!linesock_take(ls, line, len)) {
		struct pollfd pfd = { .fd = ls->fd, .events = POLLIN };
		long long left = end - linesock_now_ms();
		ssize_t r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		r = recv(ls->fd, ls->buf + ls->n, sizeof(ls->buf) - ls->n, 0);
		if (r == 0)
			return -EPIPE;
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (r > 0)
			ls->n += (size_t)r;
	}
	return 0;
}

void linesock_close(struct linesock *ls)
{
	if (ls->fd >= 0)
		close(ls->fd);
	ls->fd = -1;
}
