// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transport_args - UML's split_if_spec (doc/transports.md §1.2): positional comma fields, an empty
 * field keeps its default, and text after the last field's comma is "remaining" (a trailing
 * comma gives remaining text "", which the transports treat like extra text).
 */
#include "transport_spec.h"

#include <errno.h>
#include <string.h>

int transport_split(const char *args, unsigned int nfields, struct transport_fields *f)
{
	size_t n = strlen(args);
	char *s;

	memset(f->field, 0, sizeof(f->field));
	f->rest = NULL;
	if (n >= sizeof(f->buf))
		return -ENAMETOOLONG;
	if (nfields > TRANSPORT_MAX_FIELDS)
		nfields = TRANSPORT_MAX_FIELDS;
	memcpy(f->buf, args, n + 1);
	s = f->buf;
	for (unsigned int i = 0; i < nfields && s; i++) {
		char *end = strchr(s, ',');

		f->field[i] = s;
		if (end) {
			*end = 0;
			s = end + 1;
		} else {
			s = NULL;
		}
	}
	f->rest = s;
	return 0;
}
