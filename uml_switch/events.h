/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * events - the uml_switch loop's epoll registrations.
 *
 * Every file descriptor in the epoll set carries a tag (what it is) and an index (which one),
 * packed into the event's u64, so dispatch is a switch on the tag. The files that own sockets
 * (control.c, mgmt.c, bess_listen.c, shared_data.c, stream_ports.c) register them here and
 * main.c's loop dispatches on ev_tag_of(); nothing here calls back into them.
 */
#ifndef UMLNET_SWITCH_EVENTS_H
#define UMLNET_SWITCH_EVENTS_H

#include <stdint.h>
#include <sys/epoll.h>

enum ev_tag {
	EV_LISTEN = 1,   /* control socket: accept */
	EV_PENDING,      /* a control connection before its request is complete */
	EV_PORT_CTL,     /* a port's control connection: readable = the port is gone */
	EV_PORT_DATA,    /* a port's endpoint: frames wait */
	EV_SHARED_DATA,  /* the -compat-v0 shared data socket */
	EV_MGMT_LISTEN,
	EV_MGMT_CONN,
	EV_SIGNAL,
	EV_TIMER,
	EV_STDIN,
	EV_BESS_LISTEN,  /* -bess socket: accept */
	EV_STREAM_LISTEN, /* a -port transport=stream,listen= socket: accept */
	EV_IDENT_LISTEN, /* a device's own control socket (ident_sock.h): accept */
};

struct switchd;

/* Adds fd to d's epoll set for events, tagged with tag and index. 0 or -errno. */
int ev_add(struct switchd *d, int fd, enum ev_tag tag, uint32_t index, uint32_t events);
/* Changes the events of an fd already added (ports waiting for room, replies in progress). */
int ev_mod(struct switchd *d, int fd, enum ev_tag tag, uint32_t index, uint32_t events);
/* Takes fd out of the set (before it is closed, or when it becomes another's). */
void ev_del(struct switchd *d, int fd);

/* What a ready event was added with. */
enum ev_tag ev_tag_of(const struct epoll_event *ev);
uint32_t ev_index_of(const struct epoll_event *ev);

#endif
