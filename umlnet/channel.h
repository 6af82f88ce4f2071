/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * channel - the command channel of a UML guest: how `umlnet exec` reaches the guest's init.
 *
 * Host side: the FIFO <state>/<guest>.cmd (mode 0600, root's as root), which the guest's kernel
 * holds open as the input of its console 1 (con1=fd:3,null; the output goes nowhere). Only who
 * may open that file in the state directory can write commands: umlnet's user, never the
 * guests' user, which cannot reach it (and a guest's hostfs opens a FIFO as a FIFO of its own
 * kernel, not the host's).
 *
 * Guest side: console 1 is /dev/tty1; init reads it from a node of its own in a directory only
 * guest root may enter (umlnet-guest-init.sh). A guest process that is not root can neither read
 * nor inject into it, and nothing else in the guest (the kernel log least of all) is a way in.
 *
 * Lines: "<id> <base64 script>\n", one per command, written whole (one write, under PIPE_BUF).
 * Nothing is written before the guest's init reports "up": the kernel drops what it reads from
 * the FIFO while no one has the terminal open.
 *
 * No secret is added to the lines: the channel is not shared (the host side has one writer,
 * umlnet's user; the guest side one reader, guest root), and a guest process that is not root
 * cannot open the terminal at all, so it cannot type into it either (TIOCSTI needs an open
 * terminal that is its controlling one).
 */
#ifndef UMLNET_CHANNEL_H
#define UMLNET_CHANNEL_H

#include "state.h"

/* A line fits a terminal's canonical line (4095) and one atomic pipe write (PIPE_BUF). */
#define CHANNEL_LINE_MAX 3072

/* Makes guest's FIFO afresh and returns the fd to give the guest's kernel, or -errno
 * (reported). */
int channel_open(const struct state *st, const char *guest);

/* Sends one command line ("<id> <base64>\n", at most CHANNEL_LINE_MAX) to a running guest. 0 or
 * -errno (reported). */
int channel_send(const struct state *st, const char *guest, const char *line);

#endif
