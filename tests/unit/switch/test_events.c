// SPDX-License-Identifier: GPL-2.0-or-later
/* The loop's epoll registrations: what an fd was added with comes back with its event. */
#include "daemon.h"
#include "events.h"
#include "check.h"

#include <errno.h>
#include <unistd.h>

static struct switchd d; /* large: not on the stack */

static void test_tag_and_index_come_back(void)
{
	struct epoll_event ev;
	int p[2];

	d.epfd = epoll_create1(0);
	CHECK(d.epfd >= 0);
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(ev_add(&d, p[0], EV_MGMT_CONN, 63, EPOLLIN), 0);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(epoll_wait(d.epfd, &ev, 1, 1000), 1);
	CHECK_EQ(ev_tag_of(&ev), EV_MGMT_CONN);
	CHECK_EQ(ev_index_of(&ev), 63);
	/* The largest index keeps its tag apart. */
	CHECK_EQ(ev_mod(&d, p[0], EV_STREAM_LISTEN, UINT32_MAX, EPOLLIN), 0);
	CHECK_EQ(epoll_wait(d.epfd, &ev, 1, 1000), 1);
	CHECK_EQ(ev_tag_of(&ev), EV_STREAM_LISTEN);
	CHECK_EQ(ev_index_of(&ev), UINT32_MAX);
	ev_del(&d, p[0]);
	CHECK_EQ(epoll_wait(d.epfd, &ev, 1, 0), 0);
	close(p[0]);
	close(p[1]);
	close(d.epfd);
}

static void test_errors_are_negative_errno(void)
{
	int p[2];

	d.epfd = epoll_create1(0);
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(ev_mod(&d, p[0], EV_STDIN, 0, EPOLLIN), -ENOENT); /* never added */
	CHECK_EQ(ev_add(&d, -1, EV_STDIN, 0, EPOLLIN), -EBADF);
	close(p[0]);
	close(p[1]);
	close(d.epfd);
}

#define TESTS(X) X(test_tag_and_index_come_back) X(test_errors_are_negative_errno)
#include "check.h"
