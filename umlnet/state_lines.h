/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state_lines - the one reader of the state directory's line files ("pids", "restarts",
 * "attached", "host", "refused", "qemu-accel", host-up's record, the logs a failure quotes):
 * each line, without its newline, to a callback. Lines have no length limit; the callbacks'
 * sscanf widths and buffers bound what they keep.
 */
#ifndef UMLNET_STATE_LINES_H
#define UMLNET_STATE_LINES_H

#include <stddef.h>

/* One line (its newline removed); returns 0 for the next line, else stops the reading with
 * that value. */
typedef int (*state_line_fn)(void *opaque, char *line);

/* Calls fn for each line of the file at path. Returns 0 at the end of the file, fn's non-zero
 * value when it stopped, or -errno when the file cannot be opened or read (-ENOENT: there is
 * none). */
int state_lines_read(const char *path, state_line_fn fn, void *opaque);

/* The first line of the file at path into out (cut to len - 1 bytes); "" when there is none.
 * Returns 0 or -errno as state_lines_read. */
int state_lines_first(const char *path, char *out, size_t len);

#endif
