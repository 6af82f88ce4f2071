/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu_tty - the command channel of a VM booted from umlnet-qemu-image: its second serial port,
 * a unix socket QEMU listens on (uml/<vm>.tty, one client at a time: concurrent callers wait
 * their turn in the listen queue). The init writes "UMLNET-READY" once configured, then runs
 * one shell command per line and ends its output with "UMLNET-EXIT <status>". Commands travel
 * base64-encoded (eval "$(echo B64 | base64 -d)"), so any script, quotes and newlines
 * included, is one line.
 */
#ifndef UMLNET_QEMU_TTY_H
#define UMLNET_QEMU_TTY_H

#include "guest.h"
#include "linesock.h"

/* Waits for UMLNET-READY on the open channel while proc lives. 0 or -errno. */
int qemu_tty_ready(struct linesock *ls, const struct proc_id *proc, int timeout_ms);

/* Runs script in VM vm; out gets each output line. Returns its exit status or -errno
 * (reported). */
int qemu_exec(struct state *st, const char *vm, const char *script, int timeout_ms,
	      guest_out_fn out, void *opaque);

#endif
