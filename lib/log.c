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

static void log_vmsg(const char *tag, const char *fmt, va_list ap)
{
	char line[1024];

	/* Format first, then write once: lines from several processes sharing a log stay whole. */
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s: %s%s\n", log_name, tag, line);
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
