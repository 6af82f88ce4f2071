/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state - where a running network lives: one directory per network holding a copy of its
 * topology (topology.conf), the processes started for it (pids), the switches' sockets, the
 * guests' umid directories (uml/<guest>/mconsole), the notify socket and every log. A switch
 * that carries vec devices also listens on <switch>.bess, and each vec device binds its own end
 * to uml/<guest>.vec<N> (the switch removes that file when the connection ends). Each UML guest
 * also has a command channel <guest>.cmd (a FIFO its kernel holds open as console 1:
 * channel.h); guest-init.sh is the copy of init the guests boot.
 *
 * As root the guests run as an unprivileged user (runas.h): uml/ is that user's (its UML
 * processes make their umid directories and vec sockets there), the state directory is 0711
 * root's and everything else in it root's, so that the guests reach only the files they are
 * given by name and can change none of them. The owner of uml/ is how later commands know the
 * guests' user.
 *
 * The directory is --state DIR, else $UMLNET_STATE_DIR/<network>, else
 * $XDG_RUNTIME_DIR/umlnet/<network>, else /run/umlnet/<network> for root, else
 * /tmp/umlnet-<uid>/<network> (created 0700 and checked to be ours).
 *
 * pids has one line per process: "<kind> <name> <pid> <start time>", kinds switch, slirp,
 * plug, guest, supervisor; and "netns <name> 0 0" for a namespace umlnet created. restarts
 * is the supervisor's account of each process (restarts.h).
 */
#ifndef UMLNET_STATE_H
#define UMLNET_STATE_H

#include "conf.h"
#include "proc.h"

#include <limits.h>
#include <stdio.h>
#include <stdbool.h>

#define STATE_MAX_PROCS (CONF_MAX_SWITCHES * 2 + CONF_MAX_GUESTS * 2 + 1) /* + the supervisor */

struct state_proc {
	char kind[16];
	char name[CONF_NAME];
	struct proc_id id;
};

struct state {
	char dir[PATH_MAX - 128]; /* room for the file names appended to it */
	struct conf *conf;        /* owned */
	struct state_proc procs[STATE_MAX_PROCS];
	int nprocs;
	struct proc_as as;        /* who guests started now run as (runas.h) */
};

/* The directory under which networks live when --state is not given. */
int state_base(char *out, size_t len);
/* The same, created if missing (mode 0755). Errors are reported. */
int state_base_create(char *out, size_t len);

/* Opens the state of a running network: dir (if set) or base/<network>, or the only network
 * under the base when network is NULL. Loads topology.conf and pids. Errors are reported. */
int state_open(struct state *st, const char *dir, const char *network);

/* Creates dir (or base/<conf->name>) for a network about to start; takes conf. Fails if a
 * network with live processes is there already. */
int state_create(struct state *st, const char *dir, struct conf *conf, const char *text);

void state_close(struct state *st);

/* Appends a process (or a netns with pid 0) to pids; one started again in place of a recorded
 * one of the same kind and name replaces its record. */
int state_record(struct state *st, const char *kind, const char *name, const struct proc_id *id);

/* Reads pids again (another process, the supervisor, may have replaced records). */
int state_reload_pids(struct state *st);

const struct state_proc *state_find(const struct state *st, const char *kind, const char *name);

/* Paths inside the state directory. */
void state_switch_ctl(const struct state *st, int sw, char *out, size_t len);
void state_mconsole(const struct state *st, const char *guest, char *out, size_t len);
/* The switch's -bess socket, and the src socket of a guest's vec device. */
void state_switch_bess(const struct state *st, int sw, char *out, size_t len);
void state_vec_src(const struct state *st, const struct conf_guest *g, const struct conf_eth *e,
		   char *out, size_t len);
void state_file(const struct state *st, const char *name, char *out, size_t len);

/* The guests' user and group: the owner of uml/. 0, or -ENOENT. */
int state_guest_ids(const struct state *st, uid_t *uid, gid_t *gid);

/* The name of the guest whose recorded, still running UML process is pid, or NULL. */
const char *state_guest_by_pid(const struct state *st, pid_t pid);

/* Makes uml/ afresh for the guests, as as says: when dropping, owned by its user and the state
 * directory 0711, checked reachable by that user (reported). 0 or -errno. */
int state_share(struct state *st, const struct proc_as *as, const char *user);

/* Writes state file name afresh (never through a symlink) with mode, and group gid unless -1. */
int state_write_file(const struct state *st, const char *name, const char *data, mode_t mode,
		     gid_t gid);

/* A state file written whole or not at all: state_new_file opens <name>.new afresh (never
 * through a symlink), state_commit_file closes it and renames it over name, so a reader sees
 * the old file or the new. NULL (errno) / 0 or -errno. */
FILE *state_new_file(const struct state *st, const char *name);
int state_commit_file(const struct state *st, const char *name, FILE *f);

/* Notifications refused so far (file "refused"), and adding n to that count. */
unsigned long state_refused(const struct state *st);
void state_add_refused(const struct state *st, unsigned long n);

/* Removes what umlnet put in the directory, then the directory if it is empty. */
void state_remove(struct state *st);

#endif
