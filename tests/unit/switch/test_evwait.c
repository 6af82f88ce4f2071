// SPDX-License-Identifier: GPL-2.0-or-later
/* The event loop's wait: when it spins before sleeping, and how its window adapts. */
#include "check.h"
#include "evwait.h"

#include <sys/epoll.h>
#include <unistd.h>

/* An epoll set holding a pipe whose read end is readable. */
static int ready_set(int p[2])
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(0);

	if (ep < 0 || pipe(p) < 0 || write(p[1], "x", 1) != 1 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0)
		return -1;
	return ep;
}

static void test_spins_only_after_lone_rounds(void)
{
	struct epoll_event evs[4];
	struct evwait w;
	int p[2], ep = ready_set(p);

	CHECK(ep >= 0);
	evwait_init(&w, ep, 50);
	w.window_ns = 50000;
	CHECK_EQ(evwait_wait(&w, evs, 4, 64), 1); /* a batch: straight to epoll_wait */
	CHECK_EQ(evwait_wait(&w, evs, 4, 0), 1);  /* nothing received: nothing to answer */
	CHECK_EQ(w.spins, 0);
	CHECK_EQ(evwait_wait(&w, evs, 4, 1), 1);  /* a lone frame: poll first */
	CHECK_EQ(w.spins, 1);
	CHECK_EQ(w.spin_hits, 1);
	CHECK_EQ(evwait_wait(&w, evs, 4, EVWAIT_LONE_FRAMES), 1);
	CHECK_EQ(w.spins, 2);
	evwait_init(&w, ep, 0); /* -spin 0 */
	w.window_ns = 50000;
	CHECK_EQ(evwait_wait(&w, evs, 4, 1), 1);
	CHECK_EQ(w.spins, 0);
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void test_window_grows_after_short_sleeps(void)
{
	struct evwait w;

	evwait_init(&w, -1, 50);
	evwait_adapt(&w, 10000);
	CHECK_EQ(w.window_ns, EVWAIT_MIN_NS);
	evwait_adapt(&w, 10000);
	CHECK_EQ(w.window_ns, 2 * EVWAIT_MIN_NS);
	for (int i = 0; i < 10; i++)
		evwait_adapt(&w, 1000);
	CHECK_EQ(w.window_ns, 50000); /* never above -spin */
}

static void test_window_shrinks_after_long_sleeps(void)
{
	struct evwait w;

	evwait_init(&w, -1, 50);
	w.window_ns = 40000;
	evwait_adapt(&w, 1000000); /* the next frame came 1 ms later: the spin was wasted */
	CHECK_EQ(w.window_ns, 20000);
	evwait_adapt(&w, 45000); /* window + sleep over -spin: still too far */
	CHECK_EQ(w.window_ns, 10000);
	for (int i = 0; i < 3; i++)
		evwait_adapt(&w, 1000000);
	CHECK_EQ(w.window_ns, 0); /* below the least window: no spin at all */
	evwait_adapt(&w, 1000000);
	CHECK_EQ(w.window_ns, 0); /* sparse traffic keeps it off */
}

#define TESTS(X)                                                                             \
	X(test_spins_only_after_lone_rounds)                                                 \
	X(test_window_grows_after_short_sleeps)                                              \
	X(test_window_shrinks_after_long_sleeps)
#include "check.h"
