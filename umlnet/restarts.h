/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * restarts - the supervisor's account of each process of a network (supervise.h), kept in
 * <state>/restarts for status: one line per process it has seen end,
 *   "<kind> <name> <restarts> <state> <last exit reason...>"
 * state: running (restarted or never ended), waiting (to be restarted after a back-off or once
 * its switch is back), given-up (ended too often; left stopped), dead (a guest: reported, not
 * restarted). Written afresh and renamed into place, so a reader sees a whole file.
 */
#ifndef UMLNET_RESTARTS_H
#define UMLNET_RESTARTS_H

#include "state.h"

#define RESTARTS_REASON 64

enum restarts_state { RESTARTS_RUNNING, RESTARTS_WAITING, RESTARTS_GIVEN_UP, RESTARTS_DEAD };

struct restarts_entry {
	char kind[16];
	char name[CONF_NAME];
	unsigned int restarts;
	enum restarts_state state;
	char last_exit[RESTARTS_REASON]; /* "killed by signal 9", "exited with status 1" */
};

struct restarts {
	struct restarts_entry e[STATE_MAX_PROCS];
	int n;
};

/* Reads the file (none: no entries). */
void restarts_load(const struct state *st, struct restarts *r);
/* Writes it afresh. 0 or -errno. */
int restarts_save(const struct state *st, const struct restarts *r);

/* The entry of a process, or NULL. */
const struct restarts_entry *restarts_find(const struct restarts *r, const char *kind,
					   const char *name);
/* The same, made (zeroed, running) when missing; NULL when the table is full. */
struct restarts_entry *restarts_get(struct restarts *r, const char *kind, const char *name);

/* "running", "waiting", "given-up", "dead". */
const char *restarts_state_name(enum restarts_state s);

#endif
