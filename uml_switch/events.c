// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * events - the epoll registrations of uml_switch's loop (events.h).
 */
#include "daemon.h"
#include "events.h"

#include <errno.h>

static int ev_ctl(struct switchd *d, int op, int fd, enum ev_tag tag, uint32_t index,
		  uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)tag << 32 | index };

	return epoll_ctl(d->epfd, op, fd, &ev) == 0 ? 0 : -errno;
}

int ev_add(struct switchd *d, int fd, enum ev_tag tag, uint32_t index, uint32_t events)
{
	return ev_ctl(d, EPOLL_CTL_ADD, fd, tag, index, events);
}

int ev_mod(struct switchd *d, int fd, enum ev_tag tag, uint32_t index, uint32_t events)
{
	return ev_ctl(d, EPOLL_CTL_MOD, fd, tag, index, events);
}

void ev_del(struct switchd *d, int fd)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL);
}

enum ev_tag ev_tag_of(const struct epoll_event *ev)
{
	return (enum ev_tag)(ev->data.u64 >> 32);
}

uint32_t ev_index_of(const struct epoll_event *ev)
{
	return (uint32_t)ev->data.u64;
}
