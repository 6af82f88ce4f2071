/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * notify - what the guests tell umlnet. Every UML guest is booted with
 * mconsole=notify:<state>/notify; its kernel reports there when its mconsole is ready, and the
 * guest's init (umlnet-guest-init.sh) writes to /proc/mconsole, which the kernel forwards:
 *   "up <guest>"          the network is configured
 *   "o <id> <line>"       a line of output of command <id>
 *   "x <id> <status>"     command <id> ended
 * Only one umlnet process at a time listens on a network's notify socket.
 *
 * Every guest can write anything to its /proc/mconsole, so a message's words say nothing of who
 * sent it: each datagram is attributed by the sender's pid, which the host kernel attaches
 * (SO_PASSCRED), to the recorded guest whose UML process has that pid and start time. A
 * message no guest of the network sent has no guest and is dropped here; the commands accept a
 * guest's "up" or a command's output only from that guest (notify_msg.guest). As root the
 * socket is given to the guests' group (mode 0620): they may send, not bind or read.
 */
#ifndef UMLNET_NOTIFY_H
#define UMLNET_NOTIFY_H

#include <stdbool.h>
#include <sys/types.h>

enum notify_kind { NOTE_TICK, NOTE_READY, NOTE_UP, NOTE_OUT, NOTE_EXIT, NOTE_PANIC, NOTE_OTHER };

struct notify_msg {
	enum notify_kind kind;
	const char *id;   /* guest name (UP), command id (OUT, EXIT), socket path (READY) */
	const char *text; /* OUT: the line; PANIC: the message */
	int status;       /* EXIT */
	const char *guest; /* the guest that sent it (never NULL but for TICK) */
};

/* Returns 0 to go on, 1 when done, or -errno to stop with that error. */
typedef int (*notify_fn)(void *opaque, const struct notify_msg *m);

struct state;

struct notify {
	int fd;
	char path[4096];
	const struct state *st;       /* the network whose guests may send */
	unsigned long refused;        /* notifications dropped: no guest of st sent them, or one
				       * guest spoke for another (notify_refuse) */
	int extra_fd;                 /* also watched when >= 0 (the demo's TCP listener) */
	void (*extra_fn)(void *opaque);
	void *extra_opaque;
};

/* Binds st's notify socket, for st's guests only; -EADDRINUSE (reported) when another umlnet
 * listens there. st must outlive n (its guests are looked up as they send). */
int notify_open(struct notify *n, const struct state *st);
/* Closes n; what it refused is reported once and added to the network's count (status). */
void notify_close(struct notify *n);

/* Counts a refused notification; only the first of n is reported (fmt: the one line). */
void notify_refuse(struct notify *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* From now on SIGINT, SIGTERM and SIGHUP make notify_loop return -EINTR, so that a command
 * waiting for guests can stop what it started instead of dying half-way. */
void notify_catch_signals(void);
bool notify_interrupted(void);

/* Delivers messages (and a NOTE_TICK about every 200 ms) to fn until it returns non-zero or
 * timeout_ms passes (-ETIMEDOUT). */
int notify_loop(struct notify *n, int timeout_ms, notify_fn fn, void *opaque);

#endif
