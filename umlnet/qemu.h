/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu - QEMU virtual machines as guests of a network (`guest NAME qemu`, man/umlnet.8).
 *
 * Theory of operation. A VM runs qemu-system-x86_64 as the guests' user (runas.h), never as
 * root, with KVM when the guests' user can make a VM with a vCPU on /dev/kvm (probed once per
 * `up`, in a child that has dropped to that user), else TCG; the choice is kept in the state
 * file qemu-accel. Without kernel= and disk= it boots umlnet-qemu-image's kernel and initrd
 * (cached; as root in /var/cache/umlnet unless $UMLNET_CACHE says otherwise, so that the guests'
 * user can read them).
 *
 * Network: every switch of a network that has a VM listens for QEMU's stream netdev at
 * <state>/<switch>.qemu (uml_switch -port transport=stream,listen=...): each NIC of a VM is a
 * connection there (QEMU the client, server=off), which the switch makes a port of its own,
 * owned by the VM's pid. NIC ethN has MAC mac= or conf_hashed_mac(VM, N); it is named ethN in
 * the VM (umlnet.hw.ethN=MAC on the kernel command line), addresses and routes travel there too
 * (umlnet.ethN=, umlnet.route=): umlnet-qemu-image's init applies them.
 *
 * Per VM, in uml/ (the guests' user's): <vm>.qmp (QMP: powerdown, NIC hot-plug), <vm>.tty
 * (the second serial port: the init's command channel, qemu_tty.h) and <vm>.console (the
 * kernel console). QEMU's own output goes to <state>/<vm>.log. pids records it as kind "qemu".
 */
#ifndef UMLNET_QEMU_H
#define UMLNET_QEMU_H

#include "argv.h"
#include "linesock.h"
#include "state.h"

#include <limits.h>
#include <stdbool.h>

#define QEMU_PROGRAM "qemu-system-x86_64"
#define QEMU_STOP_MS 15000 /* for an ACPI powerdown before QEMU is killed */

/* What every VM of one `up` shares: the accelerator and the default image. */
struct qemu_env {
	char accel[8];          /* "kvm" or "tcg" */
	char kernel[PATH_MAX];  /* umlnet-qemu-image's, "" when no VM needs it */
	char initrd[PATH_MAX];
};

/* Files of VM vm in uml/: ext "qmp", "tty" or "console". */
void qemu_path(const struct state *st, const char *vm, const char *ext, char *out, size_t len);

/* The stream listener of switch sw, where VMs' NICs connect. */
void qemu_switch_listen(const struct state *st, int sw, char *out, size_t len);

/* value as one value of a QEMU option list (-drive, -chardev, -netdev, -qmp unix:): each ','
 * doubled, which QEMU reads as a comma of the value rather than the start of another option
 * (a path is the user's text: "disk=/vm/a,readonly=on" must stay one file name). */
#define QEMU_OPT_VALUE (2 * PATH_MAX)
const char *qemu_opt_value(const char *value, char out[QEMU_OPT_VALUE]);

/* The MAC of a VM's NIC (lower case). out: 18 bytes. */
const char *qemu_mac(const char *vm, const struct conf_eth *e, char *out);

/* Whether the VM boots umlnet-qemu-image's kernel and init (and so speaks its command
 * channel). */
bool qemu_uses_image(const struct conf_guest *g);

/* Probes the accelerator and builds (or finds) the image if some VM needs it. Reports. */
int qemu_prepare(struct state *st, struct qemu_env *env);

/* Starts VM gi as the guests' user and records it; a VM of the image gets its command channel
 * connected at once in *tty (malloc'd; else NULL), since what the VM writes there while no one
 * listens is lost, its UMLNET-READY too. Reports errors. */
int qemu_start(struct state *st, const struct qemu_env *env, int gi, struct linesock **tty);

/* Waits until VM gi is up: UMLNET-READY on tty (qemu_start's, closed and freed here), or, with
 * tty NULL (a VM of one's own), its QMP answers. Reports errors, with the console's end. */
int qemu_wait_ready(struct state *st, int gi, struct linesock *tty, int timeout_ms);

/* ACPI powerdown of every running VM of st at once, then waits, then SIGTERM/SIGKILL. */
void qemu_stop_all(struct state *st);

/* The accelerator recorded by up ("kvm", "tcg"), or "?" */
const char *qemu_accel(const struct state *st, char *out, size_t len);

#endif
