/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output - the text uml_net hands the UML kernel, which prints it on the guest's console
 * (doc/helper-protocol.md §1.2). Lines accumulate in a fixed buffer (the kernel reads at most one
 * page); out_send_record() writes the output record: a 4-byte native length L, then L bytes of
 * text including the terminating NUL.
 */
#ifndef UML_NET_OUTPUT_H
#define UML_NET_OUTPUT_H

#include <stddef.h>

#define OUT_MAX 4000 /* under the kernel's one-page buffer, NUL included */

struct out {
	char text[OUT_MAX];
	size_t len; /* without the NUL, which is always there */
};

void out_init(struct out *o);
/* Appends one line ("uml_net: " prefix and newline added); cut silently when full. */
void out_line(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the output record to fd; returns 0 or -errno. */
int out_send_record(const struct out *o, int fd);
/* Bytes of the text with its NUL, for the tuntap reply datagram. */
size_t out_size(const struct out *o);

#endif
