/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc - the processes umlnet starts and later stops: switches, gateways, plugs and guests.
 *
 * Each child runs in a session of its own (so a guest and the helper processes it forks are one
 * process group), with stdin from /dev/null and stdout+stderr appended to its log file. A child
 * is remembered by pid and start time (/proc/<pid>/stat field 22): a pid that now names another
 * process is never signalled, nor is a record of pid <= 1 or of start time 0 (unknown: it would
 * match any process), and a process group is signalled only when it is still the session our
 * child made (setsid: group = session = the child's pid) and its members started no earlier
 * than the child.
 *
 * A child may run as another user (struct proc_as): its groups, then gid, then uid are set
 * (setgroups, setresgid, setresuid) before exec, so it keeps no right of ours.
 */
#ifndef UMLNET_PROC_H
#define UMLNET_PROC_H

#include <stdbool.h>
#include <sys/types.h>

struct proc_id {
	pid_t pid;
	unsigned long long start; /* 0: unknown */
};

/* Who a child runs as, and what it gets besides stdin/stdout/stderr. */
struct proc_as {
	bool drop;      /* run as uid/gid (supplementary groups: gid only), not as us */
	uid_t uid;
	gid_t gid;
	int fd3;        /* >= 0: given to the child as its fd 3 */
};

/* In a child about to run as as->uid: its groups, gid and uid, in that order (uid last: after
 * it nothing else could be changed). 0 or -errno. */
int proc_drop(const struct proc_as *as);

/* Starts argv[0] (a path) with its output appended to log; returns 0 and fills id, or -errno. */
int proc_spawn(char *const argv[], const char *log, struct proc_id *id);
/* The same, as as says (NULL: as proc_spawn). */
int proc_spawn_as(char *const argv[], const char *log, const struct proc_as *as,
		  struct proc_id *id);

/* Runs a short command to its end (proc_spawn, then wait); 0 when it exited with status 0,
 * -EIO for another status, or -errno. */
int proc_run(char *const argv[], const char *log);

/* Start time of pid, 0 if there is no such (live, non-zombie) process. */
unsigned long long proc_start_time(pid_t pid);

/* Whether the process still runs (a child of ours that ended is reaped here). */
bool proc_alive(const struct proc_id *id);

/* Waits up to ms for the process to end; true when it has. */
bool proc_wait_gone(const struct proc_id *id, int ms);

/* Ends a process: sig, then after wait_ms SIGKILL to it and its process group. Returns 0 when
 * nothing of it is left, -ETIMEDOUT otherwise. */
int proc_stop(const struct proc_id *id, int sig, int wait_ms);

/* Full path of one of our programs: next to this binary, in the build tree (../<name>/<name>),
 * then PATH. Returns 0 or -ENOENT. */
int proc_find_program(const char *name, char *out, size_t len);

/* A data file shipped with umlnet (next to the binary, ../share/umlnet/, the source tree). */
int proc_find_data(const char *name, char *out, size_t len);

void proc_sleep_ms(int ms);

#endif
