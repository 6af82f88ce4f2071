// SPDX-License-Identifier: GPL-2.0-or-later
/* host_cork on real loopback TCP sockets: a burst's second segment on is held until the turn
 * ends and then arrives in one piece; a lone segment is never held; too many sockets, or
 * sockets that are not TCP, are left alone. */
#include "check.h"
#include "host_cork.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct pair {
	int client, server;
};

static struct pair tcp_pair(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct pair p = { -1, -1 };

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) != 0)
		return p;
	p.client = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(p.client, (struct sockaddr *)&a, sizeof(a)) == 0)
		p.server = accept(l, NULL, NULL);
	close(l);
	return p;
}

static void pair_close(struct pair p)
{
	close(p.client);
	close(p.server);
}

/* Bytes readable at fd within ms milliseconds, read into buf (one read). */
static ssize_t arrives(int fd, char *buf, size_t len, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	return read(fd, buf, len);
}

static void test_burst_is_held_until_release(void)
{
	struct pair p = tcp_pair();
	struct host_cork c;
	char buf[64] = "";

	CHECK(p.server >= 0);
	host_cork_init(&c);
	host_cork_track(&c, p.client);
	CHECK_EQ(c.n, 1);
	host_cork_segment(&c);                   /* the first segment of a turn goes at once */
	CHECK(!c.held);
	CHECK_EQ(send(p.client, "one", 3, 0), 3);
	CHECK_EQ(arrives(p.server, buf, sizeof(buf), 1000), 3);
	host_cork_segment(&c);                   /* the second: held from here */
	CHECK(c.held);
	CHECK_EQ(send(p.client, "two", 3, 0), 3);
	CHECK_EQ(send(p.client, "three", 5, 0), 5);
	CHECK_EQ(arrives(p.server, buf, sizeof(buf), 50), 0);
	host_cork_release(&c);
	CHECK(!c.held && c.segments == 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(arrives(p.server, buf, sizeof(buf), 1000), 8);
	CHECK_STR(buf, "twothree");
	pair_close(p);
}

static void test_lone_segments_never_held(void)
{
	struct pair p = tcp_pair();
	struct host_cork c;
	char buf[16];

	host_cork_init(&c);
	host_cork_track(&c, p.client);
	for (int i = 0; i < 3; i++) {           /* one segment per turn: request/answer */
		host_cork_segment(&c);
		CHECK(!c.held);
		CHECK_EQ(send(p.client, "x", 1, 0), 1);
		CHECK_EQ(arrives(p.server, buf, sizeof(buf), 1000), 1);
		host_cork_release(&c);
	}
	pair_close(p);
}

static void test_only_tcp_and_only_a_few(void)
{
	struct pair p[HOST_CORK_MAX + 1];
	struct host_cork c;
	int udp = socket(AF_INET, SOCK_DGRAM, 0);

	host_cork_init(&c);
	host_cork_track(&c, udp);
	CHECK_EQ(c.n, 0);
	for (int i = 0; i <= HOST_CORK_MAX; i++) {
		p[i] = tcp_pair();
		host_cork_track(&c, p[i].client);
	}
	host_cork_track(&c, p[0].client);       /* the same number again: one entry */
	CHECK_EQ(c.n, HOST_CORK_MAX);
	CHECK_EQ(c.untracked, 1);
	host_cork_segment(&c);
	host_cork_segment(&c);
	CHECK(!c.held);                          /* too many to cork: left alone */
	host_cork_release(&c);
	host_cork_untrack(&c, p[HOST_CORK_MAX].client);
	CHECK_EQ(c.untracked, 0);
	host_cork_segment(&c);
	host_cork_segment(&c);
	CHECK(c.held);
	host_cork_release(&c);
	host_cork_untrack(&c, p[0].client);
	CHECK_EQ(c.n, HOST_CORK_MAX - 1);
	for (int i = 0; i <= HOST_CORK_MAX; i++)
		pair_close(p[i]);
	close(udp);
}

#define TESTS(X)                                                                             \
	X(test_burst_is_held_until_release)                                                  \
	X(test_lone_segments_never_held)                                                     \
	X(test_only_tcp_and_only_a_few)
#include "check.h"
