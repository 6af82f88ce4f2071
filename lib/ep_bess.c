// SPDX-License-Identifier: GPL-2.0-or-later
/* ep_bess - the bess and fd vector transports; see ep_bess.h for the theory of operation. */
#include "ep_bess.h"
#include "ep_dgram.h"
#include "ep_transports.h"
#include "log.h"
#include "unixsock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* As for daemon ports (ep_unix.c): frames queued towards a slow peer are charged to our send
 * buffer; room for a burst of full-size frames. */
#define EP_BESS_SNDBUF (1 << 20)

struct ep_bess {
	struct endpoint ep;
	struct ep_dgram io;
	char desc[240];
	char own_path[VECTOR_PATH_MAX];  /* client: the src we bound, unlinked at destroy; "" = none */
	char unlink_path[VECTOR_PATH_MAX]; /* switch: the peer's bound path, to unlink; "" = none */
	uid_t peer_uid;
};

static struct ep_bess *to_bess(const struct endpoint *ep)
{
	return (struct ep_bess *)(uintptr_t)ep;
}

/* Whether the peer has closed or shut down its side (our receive side is shut). */
static bool ep_bess_peer_closed(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLRDHUP };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP));
}

static int ep_bess_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct ep_bess *b = to_bess(ep);
	int got = ep_dgram_recv(&b->io, frames, n);
	unsigned int kept = 0;

	/* Compact in place: zero-length records go (and at EOF the batch is nothing else). */
	for (int i = 0; i < got; i++)
		if (frames[i].len != 0)
			kept = endpoint_keep_frame(frames, kept, (unsigned int)i);
	if (got > 0 && kept == 0 && ep_bess_peer_closed(ep->fd))
		return -ENOTCONN;
	return got < 0 ? got : (int)kept;
}

static int ep_bess_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	return ep_dgram_send(&to_bess(ep)->io, frames, n);
}

static void ep_bess_describe(const struct endpoint *ep, char *buf, size_t len)
{
	snprintf(buf, len, "%s", to_bess(ep)->desc);
}

/* Whether the peer's user could remove a file of its own from the directory itself: the
 * directory is that user's, or sticky and world-writable (/tmp). A privileged switch must not
 * delete a socket that a service handed to the user in a directory the user cannot write. */
static bool ep_bess_dir_is_peers(int dfd, uid_t uid)
{
	struct stat st;

	if (fstat(dfd, &st) < 0)
		return false;
	return st.st_uid == uid || ((st.st_mode & S_ISVTX) && (st.st_mode & S_IWOTH));
}

/* The peer's socket file, removed only if it still is a socket owned by the peer's user, in a
 * directory from which that user could remove it. The directory is opened first so that the
 * checks and the unlink look at the same directory. */
static void ep_bess_unlink_peer(const struct ep_bess *b)
{
	const char *slash = strrchr(b->unlink_path, '/');
	char dir[VECTOR_PATH_MAX];
	struct stat st;
	int dfd;

	if (b->unlink_path[0] != '/' || !slash || !slash[1])
		return;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash == b->unlink_path ? 1 : slash - b->unlink_path),
		 b->unlink_path);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	if (ep_bess_dir_is_peers(dfd, b->peer_uid) &&
	    fstatat(dfd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_uid == b->peer_uid)
		unlinkat(dfd, slash + 1, 0);
	close(dfd);
}

static void ep_bess_destroy(struct endpoint *ep)
{
	struct ep_bess *b = to_bess(ep);

	close(ep->fd);
	if (b->own_path[0])
		unlink(b->own_path);
	if (b->unlink_path[0])
		ep_bess_unlink_peer(b);
	free(b);
}

static const struct endpoint_ops ep_bess_ops = {
	.kind = "bess",
	.recv = ep_bess_recv,
	.send = ep_bess_send,
	.describe = ep_bess_describe,
	.destroy = ep_bess_destroy,
};

static const struct endpoint_ops ep_fdvec_ops = {
	.kind = "fd",
	.recv = ep_bess_recv,
	.send = ep_bess_send,
	.describe = ep_bess_describe,
	.destroy = ep_bess_destroy,
};

/* An endpoint over a connected socket fd (not closed on failure). */
static struct ep_bess *ep_bess_new(int fd, const struct endpoint_ops *ops)
{
	struct ep_bess *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->ep.ops = ops;
	b->ep.fd = fd;
	b->io.fd = fd; /* connected: io.peer stays NULL */
	unixsock_grow_sndbuf(fd, EP_BESS_SNDBUF);
	return b;
}

int ep_bess_accepted(int fd, const struct ep_bess_peer *peer, struct endpoint **out)
{
	struct sockaddr_un a = { 0 };
	socklen_t alen = sizeof(a);
	struct ep_bess *b = ep_bess_new(fd, &ep_bess_ops);
	char name[VECTOR_PATH_MAX + 8] = "", shown[LOG_ESCAPED_LEN(sizeof(a.sun_path))] = "unnamed";
	size_t plen;

	if (!b)
		return -ENOMEM;
	/* An unbound peer's address is the family alone; an abstract name starts with a NUL. */
	if (getpeername(fd, (struct sockaddr *)&a, &alen) < 0)
		alen = 0;
	plen = alen > offsetof(struct sockaddr_un, sun_path) ? alen - offsetof(struct sockaddr_un, sun_path) : 0;
	if (plen && a.sun_path[0])
		snprintf(name, sizeof(name), "%.*s", (int)strnlen(a.sun_path, plen), a.sun_path);
	if (plen > 1 || name[0]) /* the peer chose the name: shown escaped */
		unixsock_addr_text(&a, shown, sizeof(shown));
	snprintf(b->desc, sizeof(b->desc), "bess peer %s (pid %d)", shown, (int)peer->pid);
	if (peer->unlink_src && name[0] == '/')
		snprintf(b->unlink_path, sizeof(b->unlink_path), "%s", name);
	b->peer_uid = peer->uid;
	*out = &b->ep;
	return 0;
}

/* What failed in bess_connect(): the step and the path it was about (NULL: none). */
struct bess_step {
	const char *what;
	const char *path;
};

/* socket, bind src (if any), connect dst; returns the fd or -errno with *st set. */
static int bess_connect(const struct vector_spec *v, struct bess_step *st)
{
	struct sockaddr_un dst, src;
	int fd, err;

	*st = (struct bess_step){ "dst", v->dst };
	if ((err = unixsock_path_addr(&dst, v->dst)))
		return err;
	*st = (struct bess_step){ "src", v->src };
	if (v->src[0] && (err = unixsock_path_addr(&src, v->src)))
		return err;
	*st = (struct bess_step){ "socket", NULL };
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* No stale-file removal for src: a live UML guest's bound src never answers a connect
	 * either, so "nobody answers" would not tell a leftover from someone else's name. */
	*st = (struct bess_step){ "bind src", v->src };
	if (v->src[0] && bind(fd, (const struct sockaddr *)&src, sizeof(src)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	*st = (struct bess_step){ "connect to", v->dst };
	err = unixsock_connect(fd, &dst);
	if (err) {
		close(fd);
		if (v->src[0])
			unlink(v->src);
		return err;
	}
	return fd;
}

int ep_bess_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	const struct vector_spec *v = &t->vec;
	struct bess_step st;
	struct ep_bess *b;
	int fd = bess_connect(v, &st);

	if (fd < 0) {
		snprintf(err, errlen, "bess: %s%s%s%s: %s", st.what, st.path ? " '" : "",
			 st.path ? st.path : "", st.path ? "'" : "", strerror(-fd));
		return fd;
	}
	b = ep_bess_new(fd, &ep_bess_ops);
	if (!b) {
		close(fd);
		if (v->src[0])
			unlink(v->src);
		snprintf(err, errlen, "bess: out of memory");
		return -ENOMEM;
	}
	snprintf(b->own_path, sizeof(b->own_path), "%s", v->src);
	snprintf(b->desc, sizeof(b->desc), "bess %s%s%s", v->dst, v->src[0] ? " from " : "", v->src);
	*out = &b->ep;
	return 0;
}

/* Why fd cannot carry one frame per message, or NULL if it can; *errnum: the error to return,
 * *show: whether its text adds anything to the reason. */
static const char *fdvec_unfit(int fd, int *errnum, bool *show)
{
	int type;
	socklen_t len = sizeof(type);

	*show = true;
	if (fcntl(fd, F_GETFD) < 0) {
		*errnum = errno;
		return "is not open";
	}
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) {
		*errnum = errno;
		*show = errno != ENOTSOCK;
		return *show ? "SO_TYPE" : "is not a socket (need a SOCK_SEQPACKET or SOCK_DGRAM socket)";
	}
	*show = false;
	*errnum = EPROTOTYPE;
	if (type == SOCK_STREAM)
		return "is a stream socket: frames would run together (need SOCK_SEQPACKET or SOCK_DGRAM)";
	if (type != SOCK_SEQPACKET && type != SOCK_DGRAM)
		return "is not a SOCK_SEQPACKET or SOCK_DGRAM socket";
	return NULL;
}

int ep_fdvec_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	int fd = t->vec.fd, e = 0;
	bool show;
	const char *why = fdvec_unfit(fd, &e, &show);
	struct ep_bess *b;

	if (why) {
		snprintf(err, errlen, "fd: descriptor %d %s%s%s", fd, why, show ? ": " : "",
			 show ? strerror(e) : "");
		return -e;
	}
	/* Inherited: not for our own children (a helper must not hold the guest's link open). */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	b = ep_bess_new(fd, &ep_fdvec_ops);
	if (!b) {
		snprintf(err, errlen, "fd: out of memory");
		return -ENOMEM;
	}
	snprintf(b->desc, sizeof(b->desc), "fd %d", fd);
	*out = &b->ep;
	return 0;
}
