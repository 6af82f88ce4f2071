/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * evwait - how the event loop waits for its next events: a short, adaptive spin before it sleeps.
 *
 * A lone frame through a sleeping switch pays for waking the switch's CPU (an inter-processor
 * interrupt, and on a virtual machine the hypervisor scheduling the halted vCPU back in): most of
 * its time in the switch, several times any system call. After a round that carried only a few
 * frames, the loop polls (epoll_wait with timeout 0) for up to a window before it sleeps, so that
 * the answer of a request/response exchange finds the switch awake. The window adapts the way
 * the kernel's haltpoll governor does: it grows when a sleep ended soon after the window (a
 * longer spin would have caught the frame), and shrinks when the sleep was long (the spin was
 * wasted). Rounds of many frames never spin: their wake-up is shared by the batch, and a spin
 * would only add CPU time.
 */
#ifndef UMLNET_SWITCH_EVWAIT_H
#define UMLNET_SWITCH_EVWAIT_H

#include <stdint.h>
#include <sys/epoll.h>

#define EVWAIT_DEFAULT_US 50      /* largest window (-spin) */
#define EVWAIT_MAX_US 1000
#define EVWAIT_LONE_FRAMES 4      /* a round of at most this many frames may spin after it */
#define EVWAIT_MIN_NS 2000u       /* the first window, once spinning would have paid */

struct evwait {
	int epfd;
	uint32_t max_ns;          /* the largest window; 0: never spin */
	uint32_t window_ns;       /* the current one */
	uint64_t spins, spin_hits; /* windows spun, and those that ended with events */
};

void evwait_init(struct evwait *w, int epfd, uint32_t max_us);
/* Up to max events, as epoll_wait with no timeout; spins first when the round before handled
 * at most EVWAIT_LONE_FRAMES frames (frames_before: frames received in that round). Returns the
 * number of events or -1 with errno set. */
int evwait_wait(struct evwait *w, struct epoll_event *evs, int max, uint64_t frames_before);

/* A sleep of slept_ns followed a lone round's window: a short one means the window should have
 * been longer (it doubles, from EVWAIT_MIN_NS, up to the maximum), a long one that the spin was
 * wasted (it halves, and falls to 0 below EVWAIT_MIN_NS). */
void evwait_adapt(struct evwait *w, uint64_t slept_ns);

#endif
