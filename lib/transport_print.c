// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transport_print - a parsed transport spec as "key=value" lines, one field each, only the
 * fields the transport has. The golden tests compare this text; `umlnet-plug --check` shows it.
 */
#include "transport_spec.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct out {
	char *buf;
	size_t len, used;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->used >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n < o->len - o->used ? (size_t)n : o->len - o->used - 1;
}

static void put_mac(struct out *o, const struct transport_spec *t)
{
	char text[MAC_TEXT_LEN];

	put(o, "mac=%s\n", t->has_mac ? mac_format(t->mac, text) : "(none)");
}

static void put_gate(struct out *o, const struct transport_spec *t)
{
	put(o, "gate=%s\n", t->gate[0] ? t->gate : "(none)");
}

/* "addr" or "addr%dev" of a vector address. */
static const char *addr_text(const struct vector_addr *a, char *buf, size_t len)
{
	size_t n;

	inet_ntop(a->family, &a->a, buf, (socklen_t)len);
	n = strlen(buf);
	if (a->scope[0])
		snprintf(buf + n, len - n, "%%%s", a->scope);
	return buf;
}

static void put_addr(struct out *o, const char *key, const struct vector_addr *a)
{
	char text[INET6_ADDRSTRLEN + TRANSPORT_IFNAMSIZ];

	if (a->family == AF_UNSPEC)
		put(o, "%s=(none)\n", key);
	else
		put(o, "%s=%s port %u\n", key, addr_text(a, text, sizeof(text)), a->port);
}

static void put_vector(struct out *o, const struct vector_spec *v, enum transport_kind kind)
{
	char text[INET6_ADDRSTRLEN + TRANSPORT_IFNAMSIZ];

	switch (kind) {
	case TRANSPORT_BESS:
		put(o, "dst=%s\nsrc=%s\n", v->dst, v->src[0] ? v->src : "(none)");
		break;
	case TRANSPORT_FD:
		put(o, "fd=%d\n", v->fd);
		break;
	case TRANSPORT_L2TPV3:
		put(o, "encapsulation=%s\n", v->udp ? "udp" : "ip");
		put_addr(o, "local", &v->local);
		put_addr(o, "peer", &v->peer);
		put(o, "rx_session=0x%08x\ntx_session=0x%08x\n", v->rx_session, v->tx_session);
		if (v->cookie)
			put(o, "cookie-bytes=%d\nrx_cookie=0x%llx\ntx_cookie=0x%llx\n", v->cookie64 ? 8 : 4,
			    (unsigned long long)v->rx_cookie, (unsigned long long)v->tx_cookie);
		else
			put(o, "cookie-bytes=0\n");
		put(o, "counter=%s\n", !v->counter ? "no" : v->pin_counter ? "pinned to 0" : "yes");
		break;
	case TRANSPORT_VXLAN:
		if (v->vnimap.n) {
			char map[VXLAN_VNIMAP_MAX * 16];

			vxlan_vnimap_format(&v->vnimap, map, sizeof(map));
			put(o, "vni=%s\n", map);
		} else {
			put(o, "vni=%u\n", v->vni);
		}
		put_addr(o, "local", &v->local);
		for (unsigned int i = 0; i < v->nremotes; i++)
			put(o, "remote=%s\n", addr_text(&v->remote[i], text, sizeof(text)));
		put(o, "group=%s\nttl=%u\nlearn=%s\n",
		    v->group.family != AF_UNSPEC ? addr_text(&v->group, text, sizeof(text)) : "(none)",
		    v->ttl, v->learn_any ? "any" : "remotes");
		break;
	case TRANSPORT_STREAM:
		put(o, "role=%s\n", v->listen ? "listen" : "connect");
		if (v->listen)
			v->local.family ? put_addr(o, "listen", &v->local) : put(o, "listen=%s\n", v->src);
		else
			v->peer.family ? put_addr(o, "connect", &v->peer) : put(o, "connect=%s\n", v->dst);
		break;
	case TRANSPORT_DGRAM:
		if (v->local.family) {
			put_addr(o, "local", &v->local);
			put_addr(o, "peer", &v->peer);
		} else {
			put(o, "src=%s\ndst=%s\n", v->src, v->dst);
		}
		break;
	default:
		break;
	}
}

void transport_print(const struct transport_spec *t, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	char group[INET_ADDRSTRLEN];

	if (len)
		buf[0] = 0;
	put(&o, "transport=%s\n", transport_kind_name(t->kind));
	switch (t->kind) {
	case TRANSPORT_ETHERTAP:
	case TRANSPORT_TUNTAP:
		put(&o, "dev=%s\n", t->dev[0] ? t->dev : "(none: helper mode)");
		put_mac(&o, t);
		put_gate(&o, t);
		break;
	case TRANSPORT_DAEMON:
		put_mac(&o, t);
		put(&o, "socket-type=unix\ncontrol=%s\n", t->ctl);
		break;
	case TRANSPORT_MCAST:
		put_mac(&o, t);
		put(&o, "group=%s\nport=%u\nttl=%u\n", inet_ntop(AF_INET, &t->group, group, sizeof(group)),
		    t->port, t->ttl);
		break;
	case TRANSPORT_SLIP:
		put_gate(&o, t);
		break;
	case TRANSPORT_SLIRP:
		put_mac(&o, t);
		for (unsigned int i = 0; i < t->argc; i++)
			put(&o, "argv[%u]='%s'\n", i, t->args + t->arg_off[i]);
		break;
	case TRANSPORT_PCAP:
		put(&o, "host-if=%s\nfilter=%s\npromisc=%s\noptimize=%s\n", t->dev,
		    t->filter[0] ? t->filter : "(none)", t->promisc ? "yes" : "no",
		    t->optimize ? "yes" : "no");
		put_mac(&o, t);
		break;
	case TRANSPORT_BESS:
	case TRANSPORT_FD:
	case TRANSPORT_L2TPV3:
	case TRANSPORT_VXLAN:
	case TRANSPORT_STREAM:
	case TRANSPORT_DGRAM:
		put_vector(&o, &t->vec, t->kind);
		put_mac(&o, t);
		break;
	}
	if (t->warning[0])
		put(&o, "warning=%s\n", t->warning);
}
