/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output - output records for the UML kernel (see output.h). */
#include "output.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

void out_init(struct out *o)
{
	o->text[0] = '\0';
	o->len = 0;
}

void out_line(struct out *o, const char *fmt, ...)
{
	char line[OUT_MAX];
	size_t room = sizeof(o->text) - o->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* "uml_net: " + line + "\n" + NUL must fit; a line that does not is dropped whole. */
	n = snprintf(o->text + o->len, room, "uml_net: %s\n", line);
	if (n < 0 || (size_t)n >= room) {
		o->text[o->len] = '\0';
		return;
	}
	o->len += (size_t)n;
}

size_t out_size(const struct out *o)
{
	return o->len + 1;
}

int out_send_record(const struct out *o, int fd)
{
	int32_t len = (int32_t)out_size(o);
	struct iovec iov[2] = { { &len, sizeof(len) }, { (void *)(uintptr_t)o->text, out_size(o) } };
	size_t want = sizeof(len) + out_size(o);
	ssize_t n = writev(fd, iov, 2);

	if (n < 0)
		return -errno;
	return (size_t)n == want ? 0 : -EIO;
}
