/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ep_helper - running a host helper as the UML kernel does (doc/helper-protocol.md §1): the program
 * is found on PATH (uml_net, a slirp program), fd 0 and fd 1 are given ones, one more fd may be
 * kept open across exec (ethertap's data socket, named by number in argv), everything else is
 * close-on-exec. Plus the helper's "output record" (a native int length, then text).
 */
#ifndef UMLNET_EP_HELPER_H
#define UMLNET_EP_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Starts argv[0] (PATH search) with stdin = in_fd (-1: inherited), stdout = out_fd, and keep_fd
 * (-1: none) left open. Returns the pid, or -errno (-ENOENT when the program is not found). */
pid_t ep_helper_spawn(const char *const *argv, int in_fd, int out_fd, int keep_fd);

/* Waits for pid at most timeout_ms, then kills it. Returns 0 for exit status 0, else -ECHILD. */
int ep_helper_wait(pid_t pid, int timeout_ms);

/* Reads one output record from fd into text (NUL-terminated, truncated to len). Returns 0 or
 * -errno (-ETIMEDOUT, -ECONNRESET when the helper closed without one). */
int ep_helper_read_output(int fd, char *text, size_t len, int timeout_ms);

/* Reads exactly len bytes from fd within timeout_ms (per chunk). Returns 0 or -errno. */
int ep_helper_read_full(int fd, void *buf, size_t len, int timeout_ms);

/* Runs argv with stdin = in_fd (-1: inherited) and stdout = a stream socketpair, reads one output
 * record into text (one line, see ep_helper_one_line) and waits for the helper, as the kernel's
 * run_helper() users do. Returns 0, or -errno (-ECHILD: the helper failed). */
int ep_helper_run(const char *const *argv, int in_fd, char *text, size_t len, int timeout_ms);

/* `uml_net 4 add|del <dev> <addr> <mask>` (doc/helper-protocol.md §4): the host route and proxy ARP
 * follow a guest address. addr_be and mask_be are in network byte order. Returns as
 * ep_helper_run(); text gets the helper's answer. */
int ep_helper_addr(const char *dev, bool add, uint32_t addr_be, uint32_t mask_be, char *text,
		   size_t len);

/* Drops trailing newlines and turns inner ones into ';' so helper text fits one log line. */
void ep_helper_one_line(char *text);

#endif
