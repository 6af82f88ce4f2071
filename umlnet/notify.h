/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * notify - what the guests tell umlnet. Every UML guest is booted with
 * mconsole=notify:<state>/notify; its kernel reports there when its mconsole is ready, and the
 * guest's init (umlnet-guest-init.sh) writes to /proc/mconsole, which the kernel forwards:
 *   "up <guest>"          the network is configured
 *   "o <id> <line>"       a line of output of command <id>
 *   "x <id> <status>"     command <id> ended
 * Only one umlnet process at a time listens on a network's notify socket.
 */
#ifndef UMLNET_NOTIFY_H
#define UMLNET_NOTIFY_H

#include <stdbool.h>

enum notify_kind { NOTE_TICK, NOTE_READY, NOTE_UP, NOTE_OUT, NOTE_EXIT, NOTE_PANIC, NOTE_OTHER };

struct notify_msg {
	enum notify_kind kind;
	const char *id;   /* guest name (UP), command id (OUT, EXIT), socket path (READY) */
	const char *text; /* OUT: the line; PANIC: the message */
	int status;       /* EXIT */
};

/* Returns 0 to go on, 1 when done, or -errno to stop with that error. */
typedef int (*notify_fn)(void *opaque, const struct notify_msg *m);

struct notify {
	int fd;
	char path[4096];
	int extra_fd;                 /* also watched when >= 0 (the demo's TCP listener) */
	void (*extra_fn)(void *opaque);
	void *extra_opaque;
};

/* Binds path; -EADDRINUSE (reported) when another umlnet listens there. */
int notify_open(struct notify *n, const char *path);
void notify_close(struct notify *n);

/* From now on SIGINT, SIGTERM and SIGHUP make notify_loop return -EINTR, so that a command
 * waiting for guests can stop what it started instead of dying half-way. */
void notify_catch_signals(void);
bool notify_interrupted(void);

/* Delivers messages (and a NOTE_TICK about every 200 ms) to fn until it returns non-zero or
 * timeout_ms passes (-ETIMEDOUT). */
int notify_loop(struct notify *n, int timeout_ms, notify_fn fn, void *opaque);

#endif
