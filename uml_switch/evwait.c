// SPDX-License-Identifier: GPL-2.0-or-later
#include "evwait.h"

#include <sched.h>
#include <stdbool.h>
#include <time.h>

static uint64_t evwait_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void evwait_init(struct evwait *w, int epfd, uint32_t max_us)
{
	*w = (struct evwait){ .epfd = epfd, .max_ns = max_us * 1000u };
}

/* Polls until events arrive or the window ends: the events, or 0. */
static int evwait_spin(struct evwait *w, struct epoll_event *evs, int max)
{
	uint64_t end = evwait_now_ns() + w->window_ns;
	int n;

	w->spins++;
	do {
		n = epoll_wait(w->epfd, evs, max, 0);
		if (n != 0)
			return n;
		/* Polling must not take the CPU from work that is ready (the guests sending us
		 * frames, on a host with few cores): on an idle CPU this returns at once. */
		sched_yield();
	} while (evwait_now_ns() < end);
	return 0;
}

void evwait_adapt(struct evwait *w, uint64_t slept_ns)
{
	if (slept_ns + w->window_ns <= w->max_ns) {
		uint32_t grown = w->window_ns ? w->window_ns * 2 : EVWAIT_MIN_NS;

		w->window_ns = grown < w->max_ns ? grown : w->max_ns;
	} else {
		w->window_ns /= 2;
		if (w->window_ns < EVWAIT_MIN_NS)
			w->window_ns = 0;
	}
}

int evwait_wait(struct evwait *w, struct epoll_event *evs, int max, uint64_t frames_before)
{
	bool lone = w->max_ns && frames_before > 0 && frames_before <= EVWAIT_LONE_FRAMES;
	uint64_t t0;
	int n;

	if (!lone)
		return epoll_wait(w->epfd, evs, max, -1);
	if (w->window_ns && (n = evwait_spin(w, evs, max)) != 0) {
		w->spin_hits += n > 0;
		return n;
	}
	t0 = evwait_now_ns();
	n = epoll_wait(w->epfd, evs, max, -1);
	evwait_adapt(w, evwait_now_ns() - t0);
	return n;
}
