// SPDX-License-Identifier: GPL-2.0-or-later
/* ep_bess: the bess and fd vector transports against sockets made here (doc/vector-transports.md §6, §10). */
#include "endpoint.h"
#include "ep_bess.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define TESTS(X) X(test_frames_both_ways) X(test_batches) X(test_zero_length_record_dropped) \
	X(test_eof_after_frames) X(test_connect_refused_message) X(test_src_bound_and_unlinked) \
	X(test_accepted_unlinks_peer_socket_only) X(test_unlink_needs_the_peers_directory) \
	X(test_fd_refuses_stream_and_pipe) \
	X(test_fd_dgram_pair)
#include "check.h"

static char dir[64];

/* The test's own directory and whatever sockets and files are left in it. */
static void remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
}

static void path_in_dir(char *buf, size_t len, const char *name)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/umlnet-bess-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	snprintf(buf, len, "%s/%s", dir, name);
}

static int listen_at(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	unlink(path);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	CHECK_EQ(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_EQ(listen(fd, 4), 0);
	return fd;
}

struct link {
	struct endpoint *ep; /* our client end */
	int far;             /* the accepted end, played by the test */
	int lfd;
};

static void link_open(struct link *l, const char *src_name)
{
	char dst[108], spec[300], err[256] = "";

	path_in_dir(dst, sizeof(dst), "sw.sock");
	l->lfd = listen_at(dst);
	if (src_name) {
		char src[108];

		path_in_dir(src, sizeof(src), src_name);
		snprintf(spec, sizeof(spec), "transport=bess,dst=%s,src=%s", dst, src);
	} else {
		snprintf(spec, sizeof(spec), "transport=bess,dst=%s", dst);
	}
	CHECK_EQ(endpoint_open_spec(spec, &l->ep, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	l->far = accept(l->lfd, NULL, NULL);
	CHECK(l->far >= 0);
}

static void link_close(struct link *l)
{
	endpoint_destroy(l->ep);
	if (l->far >= 0)
		close(l->far);
	close(l->lfd);
}

static bool readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 500) == 1;
}

static void fill(uint8_t *f, size_t len, uint8_t tag)
{
	memset(f, 0xff, 6);
	for (size_t i = 6; i < len; i++)
		f[i] = (uint8_t)(tag + i);
}

/* Receives up to n frames into bufs; returns the endpoint's answer. */
static int recv_into(struct endpoint *ep, uint8_t (*bufs)[ENDPOINT_BUF], struct frame *f, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		f[i] = (struct frame){ bufs[i], 0 };
	return ep->ops->recv(ep, f, n);
}

static uint8_t bufs[ENDPOINT_BATCH][ENDPOINT_BUF];

static void test_frames_both_ways(void)
{
	struct frame f[ENDPOINT_BATCH], out;
	uint8_t arp[42], big[1518], got[4096];
	char desc[256];
	struct link l;

	link_open(&l, NULL);
	l.ep->ops->describe(l.ep, desc, sizeof(desc));
	CHECK(strncmp(desc, "bess /tmp/umlnet-bess-", 22) == 0 && strstr(desc, "/sw.sock"));
	CHECK_STR(l.ep->ops->kind, "bess");
	/* far -> ep: exactly one record, no prefix */
	fill(arp, sizeof(arp), 1);
	CHECK_EQ(send(l.far, arp, sizeof(arp), 0), 42);
	CHECK(readable(l.ep->fd));
	CHECK_EQ(recv_into(l.ep, bufs, f, ENDPOINT_BATCH), 1);
	CHECK_EQ(f[0].len, 42);
	CHECK(memcmp(f[0].data, arp, 42) == 0);
	/* ep -> far: the largest frame UML sends (1518, tagged) arrives whole */
	fill(big, sizeof(big), 7);
	out = (struct frame){ big, sizeof(big) };
	CHECK_EQ(l.ep->ops->send(l.ep, &out, 1), 1);
	CHECK_EQ(recv(l.far, got, sizeof(got), MSG_DONTWAIT), 1518);
	CHECK(memcmp(got, big, sizeof(big)) == 0);
	/* nothing waits: 0, not an error */
	CHECK_EQ(recv_into(l.ep, bufs, f, ENDPOINT_BATCH), 0);
	link_close(&l);
}

static void test_batches(void)
{
	static uint8_t frames[70][140];
	struct frame f[ENDPOINT_BATCH], out[10];
	uint8_t got[4096];
	struct link l;

	link_open(&l, NULL);
	for (int i = 0; i < 70; i++) {
		fill(frames[i], 60 + (size_t)i, (uint8_t)i);
		CHECK_EQ(send(l.far, frames[i], 60 + (size_t)i, 0), 60 + i);
	}
	/* one call takes a full batch, the next the rest, each record one frame */
	CHECK_EQ(recv_into(l.ep, bufs, f, ENDPOINT_BATCH), ENDPOINT_BATCH);
	for (int i = 0; i < ENDPOINT_BATCH; i++)
		CHECK(f[i].len == 60u + (unsigned int)i && memcmp(f[i].data, frames[i], f[i].len) == 0);
	CHECK_EQ(recv_into(l.ep, bufs, f, ENDPOINT_BATCH), 70 - ENDPOINT_BATCH);
	CHECK_EQ(f[5].len, 60 + 69);
	for (int i = 0; i < 10; i++)
		out[i] = (struct frame){ frames[i], 60 + (uint32_t)i };
	CHECK_EQ(l.ep->ops->send(l.ep, out, 10), 10);
	for (int i = 0; i < 10; i++) {
		int n = (int)recv(l.far, got, sizeof(got), MSG_DONTWAIT);

		CHECK(n == 60 + i && memcmp(got, frames[i], (size_t)n) == 0);
	}
	link_close(&l);
}

static void test_zero_length_record_dropped(void)
{
	struct frame f[ENDPOINT_BATCH];
	uint8_t fr[60];
	struct link l;

	link_open(&l, NULL);
	fill(fr, sizeof(fr), 3);
	CHECK_EQ(send(l.far, fr, 0, 0), 0);
	CHECK_EQ(send(l.far, fr, sizeof(fr), 0), 60);
	CHECK_EQ(send(l.far, fr, 0, 0), 0);
	CHECK_EQ(recv_into(l.ep, bufs, f, ENDPOINT_BATCH), 1);
	CHECK_EQ(f[0].len, 60);
	/* only empty records while the peer is alive: nothing, and no EOF */
	CHECK_EQ(send(l.far, fr, 0, 0), 0);
	CHECK_EQ(recv_into(l.ep, bufs, f, ENDPOINT_BATCH), 0);
	CHECK_EQ(recv_into(l.ep, bufs, f, ENDPOINT_BATCH), 0);
	link_close(&l);
}

static void test_eof_after_frames(void)
{
	struct frame f[ENDPOINT_BATCH];
	uint8_t fr[60];
	struct link l;
	int r;

	link_open(&l, NULL);
	fill(fr, sizeof(fr), 9);
	CHECK_EQ(send(l.far, fr, sizeof(fr), 0), 60);
	CHECK_EQ(send(l.far, fr, sizeof(fr), 0), 60);
	close(l.far);
	l.far = -1;
	/* frames sent before the close first, then the end */
	CHECK_EQ(recv_into(l.ep, bufs, f, ENDPOINT_BATCH), 2);
	r = recv_into(l.ep, bufs, f, ENDPOINT_BATCH);
	CHECK_EQ(r, -ENOTCONN);
	CHECK(endpoint_peer_gone(r));
	CHECK(!endpoint_peer_gone(0) && !endpoint_peer_gone(-EAGAIN) && !endpoint_peer_gone(-ECONNREFUSED));
	/* sending to a closed peer is an error too, not a silent success */
	f[0] = (struct frame){ fr, sizeof(fr) };
	CHECK(l.ep->ops->send(l.ep, f, 1) < 0);
	link_close(&l);
}

static void test_connect_refused_message(void)
{
	char dst[108], spec[300], want[400], err[256] = "";
	struct endpoint *ep = NULL;
	int fd;

	path_in_dir(dst, sizeof(dst), "nobody.sock");
	unlink(dst);
	snprintf(spec, sizeof(spec), "transport=bess,dst=%s", dst);
	CHECK_EQ(endpoint_open_spec(spec, &ep, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "bess: connect to '%s': No such file or directory", dst);
	CHECK_STR(err, want);
	/* a socket file with nobody listening (a switch that died) */
	fd = listen_at(dst);
	close(fd);
	CHECK_EQ(endpoint_open_spec(spec, &ep, err, sizeof(err)), -ECONNREFUSED);
	snprintf(want, sizeof(want), "bess: connect to '%s': Connection refused", dst);
	CHECK_STR(err, want);
	unlink(dst);
}

static void test_src_bound_and_unlinked(void)
{
	struct sockaddr_un a;
	socklen_t alen = sizeof(a);
	char src[108], desc[256];
	struct stat st;
	struct link l;

	path_in_dir(src, sizeof(src), "g1-vec0.sock");
	link_open(&l, "g1-vec0.sock");
	CHECK_EQ(getpeername(l.far, (struct sockaddr *)&a, &alen), 0);
	CHECK_STR(a.sun_path, src);
	l.ep->ops->describe(l.ep, desc, sizeof(desc));
	CHECK(strstr(desc, " from ") && strstr(desc, src));
	CHECK(lstat(src, &st) == 0 && S_ISSOCK(st.st_mode));
	endpoint_destroy(l.ep);
	l.ep = NULL;
	CHECK(lstat(src, &st) < 0 && errno == ENOENT);
	link_close(&l);
}

/* The switch's side: a guest's src socket goes when the connection ends; a file that is not a
 * socket never does. */
static void test_accepted_unlinks_peer_socket_only(void)
{
	struct ep_bess_peer peer = { .pid = 1234, .uid = getuid(), .unlink_src = true };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char dst[108], src[108], desc[256];
	struct endpoint *ep;
	struct stat st;
	int lfd, c, fd;

	path_in_dir(dst, sizeof(dst), "sw2.sock");
	path_in_dir(src, sizeof(src), "g2.sock");
	unlink(src);
	for (int round = 0; round < 2; round++) {
		lfd = listen_at(dst);
		c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", src);
		CHECK_EQ(bind(c, (struct sockaddr *)&a, sizeof(a)), 0);
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", dst);
		CHECK_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
		fd = accept(lfd, NULL, NULL);
		CHECK_EQ(ep_bess_accepted(fd, &peer, &ep), 0);
		ep->ops->describe(ep, desc, sizeof(desc));
		CHECK(strstr(desc, "bess peer ") && strstr(desc, src) && strstr(desc, "pid 1234"));
		if (round == 1) { /* swapped for a regular file before the end */
			unlink(src);
			close(open(src, O_CREAT | O_WRONLY, 0600));
		}
		close(c);
		endpoint_destroy(ep);
		if (round == 0)
			CHECK(lstat(src, &st) < 0 && errno == ENOENT);
		else
			CHECK(lstat(src, &st) == 0 && S_ISREG(st.st_mode));
		close(lfd);
	}
	unlink(src);
	/* without a name: described as unnamed */
	lfd = listen_at(dst);
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	fd = accept(lfd, NULL, NULL);
	CHECK_EQ(ep_bess_accepted(fd, &peer, &ep), 0);
	ep->ops->describe(ep, desc, sizeof(desc));
	CHECK_STR(desc, "bess peer unnamed (pid 1234)");
	endpoint_destroy(ep);
	close(c);
	/* an abstract name: shown, nothing to unlink */
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	{
		struct sockaddr_un ab = { .sun_family = AF_UNIX };

		memcpy(ab.sun_path + 1, "umlnet-bess-test", 16);
		CHECK_EQ(bind(c, (struct sockaddr *)&ab, sizeof(ab)), 0);
	}
	CHECK_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	fd = accept(lfd, NULL, NULL);
	CHECK_EQ(ep_bess_accepted(fd, &peer, &ep), 0);
	ep->ops->describe(ep, desc, sizeof(desc));
	CHECK_STR(desc, "bess peer @umlnet-bess-test (pid 1234)");
	endpoint_destroy(ep);
	close(c);
	close(lfd);
	unlink(dst);
}

/* One connection from a socket bound at src and handed to uid 4321, ended at once; the
 * accepted side believes its peer is uid 4321. */
static void end_one_of_4321(const char *dst, const char *src)
{
	struct ep_bess_peer peer = { .pid = 1, .uid = 4321, .unlink_src = true };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct endpoint *ep;
	int lfd = listen_at(dst), c = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	unlink(src);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", src);
	CHECK_EQ(bind(c, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_EQ(chown(src, 4321, 4321), 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", dst);
	CHECK_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_EQ(ep_bess_accepted(accept(lfd, NULL, NULL), &peer, &ep), 0);
	close(c);
	endpoint_destroy(ep);
	close(lfd);
}

/* A socket of the peer's user in a directory that user cannot write (a service's, say) stays:
 * a root switch must not delete what the guest could not. A sticky world-writable directory is
 * the guest's to clean, like its own. Needs root (chown). */
static void test_unlink_needs_the_peers_directory(void)
{
	char dst[108], src[108];
	struct stat st;

	if (getuid() != 0)
		return;
	path_in_dir(dst, sizeof(dst), "sw3.sock");
	path_in_dir(src, sizeof(src), "g3.sock");
	CHECK_EQ(chmod(dir, 0755), 0); /* root's, not the peer's */
	end_one_of_4321(dst, src);
	CHECK(lstat(src, &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK_EQ(chmod(dir, 01777), 0);
	end_one_of_4321(dst, src);
	CHECK(lstat(src, &st) < 0 && errno == ENOENT);
	CHECK_EQ(chmod(dir, 0700), 0);
	unlink(dst);
}

static int open_fd_spec(int fd, struct endpoint **ep, char *err, size_t errlen)
{
	char spec[64];

	snprintf(spec, sizeof(spec), "transport=fd,fd=%d", fd);
	return endpoint_open_spec(spec, ep, err, errlen);
}

static void test_fd_refuses_stream_and_pipe(void)
{
	char err[256], want[256];
	struct endpoint *ep = NULL;
	int sv[2], p[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK(open_fd_spec(sv[0], &ep, err, sizeof(err)) < 0);
	snprintf(want, sizeof(want), "fd: descriptor %d is a stream socket: frames would run together "
		 "(need SOCK_SEQPACKET or SOCK_DGRAM)", sv[0]);
	CHECK_STR(err, want);
	CHECK(fcntl(sv[0], F_GETFD) >= 0); /* refused, not closed */
	close(sv[0]);
	close(sv[1]);
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(open_fd_spec(p[0], &ep, err, sizeof(err)), -ENOTSOCK);
	snprintf(want, sizeof(want), "fd: descriptor %d is not a socket (need a SOCK_SEQPACKET or "
		 "SOCK_DGRAM socket)", p[0]);
	CHECK_STR(err, want);
	close(p[0]);
	close(p[1]);
	CHECK_EQ(open_fd_spec(p[0], &ep, err, sizeof(err)), -EBADF);
	snprintf(want, sizeof(want), "fd: descriptor %d is not open: Bad file descriptor", p[0]);
	CHECK_STR(err, want);
}

static void fd_pair_round(int type)
{
	struct frame f[ENDPOINT_BATCH], out;
	char err[256] = "", desc[64], want[64];
	struct endpoint *ep;
	uint8_t fr[60], got[128];
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, type, 0, sv), 0);
	CHECK_EQ(open_fd_spec(sv[0], &ep, err, sizeof(err)), 0);
	CHECK_STR(ep->ops->kind, "fd");
	ep->ops->describe(ep, desc, sizeof(desc));
	snprintf(want, sizeof(want), "fd %d", sv[0]);
	CHECK_STR(desc, want);
	fill(fr, sizeof(fr), 5);
	CHECK_EQ(send(sv[1], fr, sizeof(fr), 0), 60);
	CHECK_EQ(send(sv[1], fr, 50, 0), 50);
	CHECK_EQ(recv_into(ep, bufs, f, ENDPOINT_BATCH), 2);
	CHECK(f[0].len == 60 && f[1].len == 50);
	out = (struct frame){ fr, 44 };
	CHECK_EQ(ep->ops->send(ep, &out, 1), 1);
	CHECK_EQ(recv(sv[1], got, sizeof(got), MSG_DONTWAIT), 44);
	close(sv[1]);
	if (type == SOCK_SEQPACKET)
		CHECK_EQ(recv_into(ep, bufs, f, ENDPOINT_BATCH), -ENOTCONN);
	else /* a datagram pair has no EOF: the loss shows when sending */
		CHECK(ep->ops->send(ep, &out, 1) < 0);
	endpoint_destroy(ep);
	CHECK(fcntl(sv[0], F_GETFD) < 0); /* the endpoint owned it */
}

static void test_fd_dgram_pair(void)
{
	fd_pair_round(SOCK_SEQPACKET);
	fd_pair_round(SOCK_DGRAM);
}
