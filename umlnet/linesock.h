/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linesock - a unix stream socket read line by line with a deadline: what QMP (qmp.h) and a
 * QEMU guest's command port (qemu_tty.h) speak. A line longer than the buffer is handed on in
 * pieces; a line's "\r\n" or "\n" is removed.
 */
#ifndef UMLNET_LINESOCK_H
#define UMLNET_LINESOCK_H

#include <stddef.h>

#define LINESOCK_BUF 65536

struct linesock {
	int fd;
	size_t n;              /* bytes in buf */
	char buf[LINESOCK_BUF];
};

/* Connects to path, retrying while it does not exist or refuses for up to wait_ms (QEMU makes
 * it just after it starts). 0 or -errno. */
int linesock_connect(struct linesock *ls, const char *path, int wait_ms);

/* Sends all of s. 0 or -errno. */
int linesock_send(struct linesock *ls, const char *s);

/* Reads the next line into line (len bytes, NUL-terminated) within timeout_ms. 0, -ETIMEDOUT,
 * -EPIPE (the other end closed) or -errno. */
int linesock_read(struct linesock *ls, char *line, size_t len, int timeout_ms);

void linesock_close(struct linesock *ls);

#endif
