// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * endpoint_spec - from UML's "<transport>,<args>" text to an open endpoint.
 *
 * transport_parse() (transport_parse.c) does all the text work without touching the system;
 * this file is only the table from transport to opener (ep_transports.h), one row per transport.
 */
#include "endpoint.h"
#include "ep_transports.h"
#include "transport_spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* tuntap: a named device is preconfigured (doc/transports.md §3.1); no name means helper mode. */
static int open_tuntap(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	int r;

	if (!t->dev[0])
		return ep_helper_tuntap_open(t, out, err, errlen);
	r = ep_tap_open(t->dev, out);
	if (r)
		snprintf(err, errlen, "tuntap: device '%s': %s", t->dev, strerror(-r));
	return r;
}

static const struct {
	enum transport_kind kind;
	int (*open)(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
} openers[] = {
	{ TRANSPORT_ETHERTAP, ep_ethertap_open },
	{ TRANSPORT_TUNTAP, open_tuntap },
	{ TRANSPORT_DAEMON, ep_daemon_open },
	{ TRANSPORT_MCAST, ep_mcast_open },
	{ TRANSPORT_SLIP, ep_slip_open },
	{ TRANSPORT_SLIRP, ep_slirp_open },
	{ TRANSPORT_PCAP, ep_pcap_open },
	{ TRANSPORT_BESS, ep_bess_open },
	{ TRANSPORT_FD, ep_fdvec_open },
	{ TRANSPORT_L2TPV3, ep_l2tpv3_open },
	{ TRANSPORT_VXLAN, ep_vxlan_open },
	{ TRANSPORT_STREAM, ep_stream_open },
	{ TRANSPORT_DGRAM, ep_dgramsock_open },
};

int endpoint_open_parsed(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(openers) / sizeof(openers[0]); i++)
		if (openers[i].kind == t->kind)
			return openers[i].open(t, out, err, errlen);
	snprintf(err, errlen, "transport '%s' cannot be opened here", transport_kind_name(t->kind));
	return -EPROTONOSUPPORT;
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
