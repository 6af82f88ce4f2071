/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * supervise - what keeps a network running after `umlnet up` returns.
 *
 * up forks before it starts anything (supervise_split): the child starts the network, so that
 * every process of it is the child's own (exit statuses are its to read, and a pid it holds
 * unreaped is never reused), and once the network is up it becomes the network's supervisor
 * (supervise_run): recorded in pids as "supervisor <network>", in a session of its own, its
 * output appended to <state>/supervise.log. The parent only waits for the child's word and
 * exits with up's status.
 *
 * The supervisor notices a process ending within SUPERVISE_TICK_MS and:
 *  - a switch, slirp gateway or plug is started again with the same arguments, on the same
 *    sockets: the first time at once, then after a back-off doubling from SUPERVISE_BACKOFF_MS
 *    (to 8 s); one that ends more than SUPERVISE_MAX_RESTARTS times within
 *    SUPERVISE_WINDOW_S seconds is given up on and left stopped (logged, shown in status);
 *  - after a switch is back, what depended on it re-joins: the UML guests' devices on it
 *    (rejoin.h), and a gateway or plug still attached to the dead switch is stopped and started
 *    again; a gateway or plug waits for its switch to be back before it is started;
 *  - a UML guest that ends is reported (status: dead, its exit reason), not restarted: starting
 *    it again is a reboot that loses what it held in memory (its copy-on-write root among it),
 *    which is the user's call, and a guest that panics at boot would only loop.
 * Each restart is logged once and counted in <state>/restarts (restarts.h).
 *
 * It keeps no more rights than restarting needs (supervise_rights.c) and signals only the
 * processes it started, by pid and start time (proc.h). `umlnet down` ends it first.
 */
#ifndef UMLNET_SUPERVISE_H
#define UMLNET_SUPERVISE_H

#include "state.h"

#define SUPERVISE_TICK_MS 100
#define SUPERVISE_MAX_RESTARTS 5
#define SUPERVISE_WINDOW_S 60
#define SUPERVISE_BACKOFF_MS 500

/* Forks. Returns in the child the descriptor on which the parent waits for its word (given to
 * supervise_run or supervise_failed), or -errno (reported) when it cannot fork. The parent
 * never returns: it exits with the child's word (0: up, 1: failed, also when the child ends
 * without a word), passing SIGINT, SIGTERM and SIGHUP on to the child meanwhile. */
int supervise_split(void);

/* In the child: up failed; tells the parent. */
void supervise_failed(int word_fd);

/* In the child: the network of st is up. Records the supervisor, tells the parent, and
 * supervises until SIGTERM (or SIGINT, SIGHUP). Returns 0, or -errno (reported) when it could
 * not start (the parent then reports failure; the network is left as it is, for down). */
int supervise_run(struct state *st, int word_fd);

/* One line of the supervisor's log, with the time of day (to the millisecond). */
void supervise_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Keeps only the rights restarting the network of c needs (as root: a bounding set of
 * capabilities, no new privileges for anything started). 0 or -errno. */
int supervise_drop_rights(const struct conf *c);

#endif
