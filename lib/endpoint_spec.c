// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * endpoint_spec - from UML's "<transport>,<args>" text to an open endpoint.
 *
 * transport_parse() (transport_parse.c) does all the text work without touching the system;
 * this file calls the opener of the spec's row in the transport table (transport_registry.h).
 */
#include "endpoint.h"
#include "transport_registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int endpoint_open_parsed(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	if ((unsigned int)t->kind >= TRANSPORT_KINDS) {
		snprintf(err, errlen, "transport kind %d cannot be opened here", (int)t->kind);
		return -EPROTONOSUPPORT;
	}
	return transport_row(t->kind)->open(t, out, err, errlen);
}

int transport_parse_new(const char *spec, struct transport_spec **out, char *err, size_t errlen)
{
	/* A parsed spec is a few KiB: on the heap, not on a caller's stack. */
	struct transport_spec *t = malloc(sizeof(*t));
	int r;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = transport_parse(spec, t, err, errlen);
	if (r)
		free(t);
	else
		*out = t;
	return r;
}

int endpoint_open_spec(const char *spec, struct endpoint **out, char *err, size_t errlen)
{
	struct transport_spec *t;
	int r = transport_parse_new(spec, &t, err, errlen);

	if (r)
		return r;
	r = endpoint_open_parsed(t, out, err, errlen);
	free(t);
	return r;
}

int endpoint_liveness_fd(const struct endpoint *ep)
{
	return ep->ops->liveness_fd ? ep->ops->liveness_fd(ep) : -1;
}
