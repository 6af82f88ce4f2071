// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *log_name = "umlnet";
static enum log_level log_max = LOG_LVL_INFO;

void log_init(const char *prog, enum log_level level)
{
	log_name = prog;
	log_max = level;
}

bool log_enabled(enum log_level level)
{
	return level <= log_max;
}

const char *log_prog(void)
{
	return log_name;
}

static bool log_byte_is_plain(unsigned char c, bool keep_backslash)
{
	return c >= 0x20 && c < 0x7f && (c != '\\' || keep_backslash);
}

/* The one escaper: log_escape() for client text; log_vmsg() for a formatted line, keeping its
 * backslashes (those of already escaped text) and catching any control byte a caller let in. */
static const char *log_escape_into(const unsigned char *p, size_t n, char *buf, size_t len,
				   bool keep_backslash)
{
	size_t o = 0;

	if (len == 0)
		return buf;
	for (size_t i = 0; i < n && p[i]; i++) {
		if (log_byte_is_plain(p[i], keep_backslash)) {
			if (o + 1 >= len)
				break;
			buf[o++] = (char)p[i];
		} else {
			if (o + 4 >= len)
				break;
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", p[i]);
		}
	}
	buf[o] = 0;
	return buf;
}

const char *log_escape(const void *data, size_t n, char *buf, size_t len)
{
	return log_escape_into(data, n, buf, len, false);
}

static void log_vmsg(const char *tag, const char *fmt, va_list ap)
{
	char line[1024], safe[LOG_ESCAPED_LEN(sizeof(line))];

	/* Format first, then write once: lines from several processes sharing a log stay whole. */
	vsnprintf(line, sizeof(line), fmt, ap);
	log_escape_into((const unsigned char *)line, sizeof(line), safe, sizeof(safe), true);
	fprintf(stderr, "%s: %s%s\n", log_name, tag, safe);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tags[] = { "error: ", "warning: ", "", "debug: " };
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_vmsg(tags[level], fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg("error: ", fmt, ap);
	va_end(ap);
	exit(1);
}
