/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log - one place where every umlnet program reports to its user.
 *
 * Messages go to stderr, one line each, prefixed with the program name. Inside the programs,
 * functions return -errno and the caller at the edge reports once through here; die() is only
 * for set-up, never on a data path.
 */
#ifndef UMLNET_LOG_H
#define UMLNET_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *prog, enum log_level level);
bool log_enabled(enum log_level level);
const char *log_prog(void);

/* Room for n bytes escaped by log_escape(): each byte may become four, plus the NUL. */
#define LOG_ESCAPED_LEN(n) (4 * (n) + 1)

/* Text a client chose (socket names, paths, descriptions, anything from the wire), made safe
 * for one log line or one reply line: every byte outside printable ASCII, and the backslash
 * itself, becomes \xNN, so a name can neither end a line nor pass for one of our own. Copies
 * at most n bytes of data (stopping early at a NUL) into buf (len bytes, truncated to fit
 * whole escapes); returns buf. */
const char *log_escape(const void *data, size_t n, char *buf, size_t len);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
