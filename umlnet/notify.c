// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"
#include "notify.h"
#include "clock.h"
#include "mconsole.h"
#include "state.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Set by the signal handler; a handler cannot be given a context, so this one flag is global. */
static volatile sig_atomic_t notify_stop;

static void notify_on_signal(int sig)
{
	notify_stop = sig;
}

void notify_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = notify_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool notify_interrupted(void)
{
	return notify_stop != 0;
}

/* Credentials on every datagram, and as root the guests' group may send (not read). */
static int notify_share(struct notify *n)
{
	static const int on = 1;
	uid_t uid;
	gid_t gid;

	if (setsockopt(n->fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0)
		return -errno;
	if (geteuid() != 0 || state_guest_ids(n->st, &uid, &gid))
		return 0;
	if (chown(n->path, 0, gid) < 0 || chmod(n->path, 0620) < 0)
		return -errno;
	return 0;
}

int notify_open(struct notify *n, const struct state *st)
{
	int err;

	memset(n, 0, sizeof(*n));
	n->extra_fd = -1;
	n->st = st;
	state_file(st, "notify", n->path, sizeof(n->path));
	n->fd = mconsole_notify_listen(n->path);
	if (n->fd == -EADDRINUSE) {
		log_err("notify socket '%s': another umlnet command is "
				"listening on it; try again when it is done", n->path);
		return n->fd;
	}
	err = n->fd < 0 ? n->fd : notify_share(n);
	if (err) {
		log_err("notify socket '%s': %s", n->path, strerror(-err));
		notify_close(n);
	}
	return err;
}

void notify_close(struct notify *n)
{
	if (n->fd >= 0) {
		close(n->fd);
		unlink(n->path);
	}
	n->fd = -1;
	if (n->refused > 1)
		log_info("refused %lu notifications in all", n->refused);
	if (n->refused)
		state_add_refused(n->st, n->refused);
	n->refused = 0;
}

void notify_refuse(struct notify *n, const char *fmt, ...)
{
	va_list ap;

	if (n->refused++)
		return;
	va_start(ap, fmt);
	fputs("umlnet: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Receives one datagram into buf and the sender's pid (0: none attached). */
static ssize_t notify_recv(int fd, char *buf, size_t size, pid_t *pid)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	ssize_t len = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	*pid = 0;
	for (struct cmsghdr *c = len >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			*pid = cred.pid;
		}
	}
	return len;
}

/* Splits a user notification ("up a", "o 12 text", "x 12 0") into m. */
static void notify_parse_user(char *data, struct notify_msg *m)
{
	char *sp = strchr(data, ' ');

	m->kind = NOTE_OTHER;
	m->text = data;
	if (!sp)
		return;
	*sp = '\0';
	m->id = sp + 1;
	if (!strcmp(data, "up")) {
		m->kind = NOTE_UP;
		return;
	}
	sp = strchr(m->id, ' ');
	if (!strcmp(data, "o")) {
		m->kind = NOTE_OUT;
		m->text = "";
		if (sp) {
			*sp = '\0';
			m->text = sp + 1;
		}
	} else if (!strcmp(data, "x") && sp) {
		*sp = '\0';
		m->kind = NOTE_EXIT;
		m->status = atoi(sp + 1);
	}
}

static int notify_one(struct notify *n, notify_fn fn, void *opaque)
{
	char buf[sizeof(struct mconsole_notify) + 16];
	struct mconsole_notify note;
	struct notify_msg m = { .kind = NOTE_OTHER, .id = "", .text = "" };
	pid_t pid;
	ssize_t len = notify_recv(n->fd, buf, sizeof(buf), &pid);

	if (len < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	m.guest = state_guest_by_pid(n->st, pid);
	if (!m.guest) {
		notify_refuse(n, "ignoring a notification from pid %d: not a guest of network '%s'",
			      (int)pid, n->st->conf->name);
		return 0;
	}
	if (mconsole_decode_notify(buf, (size_t)len, &note) < 0)
		return 0; /* not from a UML kernel: ignore it */
	switch (note.type) {
	case MCONSOLE_NOTIFY_SOCKET:
		m.kind = NOTE_READY;
		m.id = note.data;
		break;
	case MCONSOLE_NOTIFY_PANIC:
		m.kind = NOTE_PANIC;
		m.text = note.data;
		break;
	case MCONSOLE_NOTIFY_USER:
		notify_parse_user(note.data, &m);
		break;
	default:
		break;
	}
	return fn ? fn(opaque, &m) : 0;
}

int notify_loop(struct notify *n, int timeout_ms, notify_fn fn, void *opaque)
{
	long long deadline = clock_ms() + timeout_ms, next_tick = 0;

	for (;;) {
		struct pollfd p[2] = { { .fd = n->fd, .events = POLLIN },
				       { .fd = n->extra_fd, .events = POLLIN } };
		long long now = clock_ms();
		int r;

		if (notify_stop) {
			log_info("interrupted by signal %d", (int)notify_stop);
			return -EINTR;
		}
		if (now >= next_tick) {
			struct notify_msg tick = { .kind = NOTE_TICK, .id = "", .text = "" };

			r = fn ? fn(opaque, &tick) : 0;
			if (r)
				return r < 0 ? r : 0;
			next_tick = now + 200;
		}
		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(p, n->extra_fd >= 0 ? 2 : 1, (int)(next_tick - now));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0 && (p[1].revents & POLLIN) && n->extra_fn)
			n->extra_fn(n->extra_opaque);
		if (r > 0 && (p[0].revents & POLLIN)) {
			r = notify_one(n, fn, opaque);
			if (r)
				return r < 0 ? r : 0;
		}
	}
}
