// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transport_qemu - the text of QEMU's socket backends as switch and plug ports (doc/qemu.md):
 * transport=stream (listen= or connect=) and transport=dgram (src= and dst=), unix paths or
 * numeric addresses with ports; their parsers and printers (transport_parts.h). The openers are
 * ep_stream.c and ep_dgramsock.c.
 */
#include "transport_parts.h"

#include <arpa/inet.h>
#include <string.h>

/* A socket address of QEMU's stream and dgram backends: a numeric IPv4 or IPv6 address with
 * portkey= giving its port (TCP or UDP), or else a unix path. */
static int sockaddr_or_path(struct vparse *p, const char *key, const char *v, const char *portkey,
			    struct vector_addr *addr, char *path_out)
{
	const char *port_v = vector_get(p, portkey);
	int family = strchr(v, ':') ? AF_INET6 : AF_INET, r;
	struct in6_addr probe;

	if (inet_pton(family, v, &probe) != 1) {
		if (port_v)
			return vector_fail(p, "%s= is not a numeric IP address, so %s= has nothing to "
					   "go with", key, portkey);
		return vector_path(p, key, v, path_out);
	}
	if (!port_v)
		return vector_fail(p, "%s=%s needs %s=", key, v, portkey);
	if ((r = vector_address(p, key, v, family, addr)))
		return r;
	return vector_port(p, portkey, port_v, &addr->port);
}

/* stream: listen=PATH|IP,port=N (the switch serves QEMU's server=off) or connect=PATH|IP,port=N
 * (QEMU's server=on; the switch reconnects). */
int vector_parse_stream(struct vparse *p)
{
	struct vector_spec *vs = &vector_spec(p)->vec;
	const char *l = vector_get(p, "listen"), *c = vector_get(p, "connect");

	if (!l == !c)
		return vector_fail(p, "give one of listen= or connect=");
	vs->listen = l != NULL;
	if (l)
		return sockaddr_or_path(p, "listen", l, "port", &vs->local, vs->src);
	return sockaddr_or_path(p, "connect", c, "port", &vs->peer, vs->dst);
}

/* dgram: src= (bound here) and dst= (QEMU's local), both paths or both addresses with ports. */
int vector_parse_dgram(struct vparse *p)
{
	struct vector_spec *vs = &vector_spec(p)->vec;
	int r = 0;
	const char *src = vector_need(p, "src", &r), *dst = vector_need(p, "dst", &r);

	if (r || (r = sockaddr_or_path(p, "src", src, "srcport", &vs->local, vs->src)) ||
	    (r = sockaddr_or_path(p, "dst", dst, "dstport", &vs->peer, vs->dst)))
		return r;
	if (vs->local.family != vs->peer.family)
		return vector_fail(p, "src and dst must both be unix paths or both IP addresses of one "
				   "family");
	return 0;
}

void transport_print_stream(struct print_out *o, const struct transport_spec *t)
{
	const struct vector_spec *v = &t->vec;

	transport_put(o, "role=%s\n", v->listen ? "listen" : "connect");
	if (v->listen && v->local.family)
		transport_put_addr(o, "listen", &v->local);
	else if (v->listen)
		transport_put(o, "listen=%s\n", v->src);
	else if (v->peer.family)
		transport_put_addr(o, "connect", &v->peer);
	else
		transport_put(o, "connect=%s\n", v->dst);
}

void transport_print_dgram(struct print_out *o, const struct transport_spec *t)
{
	const struct vector_spec *v = &t->vec;

	if (v->local.family) {
		transport_put_addr(o, "local", &v->local);
		transport_put_addr(o, "peer", &v->peer);
	} else {
		transport_put(o, "src=%s\ndst=%s\n", v->src, v->dst);
	}
}
