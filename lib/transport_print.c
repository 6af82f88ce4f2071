// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transport_print - a parsed transport spec as "key=value" lines, one field each, only the
 * fields the transport has. The golden tests compare this text; `umlnet-plug --check` shows it.
 */
#include "transport_parts.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct print_out {
	char *buf;
	size_t len, used;
};

void transport_put(struct print_out *o, const char *fmt, ...)
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

static void put_mac(struct print_out *o, const struct transport_spec *t)
{
	char text[MAC_TEXT_LEN];

	transport_put(o, "mac=%s\n", t->has_mac ? mac_format(t->mac, text) : "(none)");
}

static void put_gate(struct print_out *o, const struct transport_spec *t)
{
	transport_put(o, "gate=%s\n", t->gate[0] ? t->gate : "(none)");
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

void transport_put_addr(struct print_out *o, const char *key, const struct vector_addr *a)
{
	char text[INET6_ADDRSTRLEN + TRANSPORT_IFNAMSIZ];

	if (a->family == AF_UNSPEC)
		transport_put(o, "%s=(none)\n", key);
	else
		transport_put(o, "%s=%s port %u\n", key, addr_text(a, text, sizeof(text)), a->port);
}

void transport_print_tap(struct print_out *o, const struct transport_spec *t)
{
	transport_put(o, "dev=%s\n", t->dev[0] ? t->dev : "(none: helper mode)");
	put_mac(o, t);
	put_gate(o, t);
}

void transport_print_daemon(struct print_out *o, const struct transport_spec *t)
{
	put_mac(o, t);
	transport_put(o, "socket-type=unix\ncontrol=%s\n", t->ctl);
}

void transport_print_mcast(struct print_out *o, const struct transport_spec *t)
{
	char group[INET_ADDRSTRLEN];

	put_mac(o, t);
	transport_put(o, "group=%s\nport=%u\nttl=%u\n",
		      inet_ntop(AF_INET, &t->group, group, sizeof(group)), t->port, t->ttl);
}

void transport_print_slip(struct print_out *o, const struct transport_spec *t)
{
	put_gate(o, t);
}

void transport_print_slirp(struct print_out *o, const struct transport_spec *t)
{
	put_mac(o, t);
	for (unsigned int i = 0; i < t->argc; i++)
		transport_put(o, "argv[%u]='%s'\n", i, t->args + t->arg_off[i]);
}

void transport_print_pcap(struct print_out *o, const struct transport_spec *t)
{
	transport_put(o, "host-if=%s\nfilter=%s\npromisc=%s\noptimize=%s\n", t->dev,
		      t->filter[0] ? t->filter : "(none)", t->promisc ? "yes" : "no", t->optimize ? "yes" : "no");
	put_mac(o, t);
}

void transport_print_bess(struct print_out *o, const struct transport_spec *t)
{
	transport_put(o, "dst=%s\nsrc=%s\n", t->vec.dst, t->vec.src[0] ? t->vec.src : "(none)");
}

void transport_print_fd(struct print_out *o, const struct transport_spec *t)
{
	transport_put(o, "fd=%d\n", t->vec.fd);
}

void transport_print_l2tpv3(struct print_out *o, const struct transport_spec *t)
{
	const struct vector_spec *v = &t->vec;

	transport_put(o, "encapsulation=%s\n", v->udp ? "udp" : "ip");
	transport_put_addr(o, "local", &v->local);
	transport_put_addr(o, "peer", &v->peer);
	transport_put(o, "rx_session=0x%08x\ntx_session=0x%08x\n", v->rx_session, v->tx_session);
	if (v->cookie)
		transport_put(o, "cookie-bytes=%d\nrx_cookie=0x%llx\ntx_cookie=0x%llx\n", v->cookie64 ? 8 : 4,
			      (unsigned long long)v->rx_cookie, (unsigned long long)v->tx_cookie);
	else
		transport_put(o, "cookie-bytes=0\n");
	transport_put(o, "counter=%s\n", !v->counter ? "no" : v->pin_counter ? "pinned to 0" : "yes");
}

void transport_print_vxlan(struct print_out *o, const struct transport_spec *t)
{
	const struct vector_spec *v = &t->vec;
	char text[INET6_ADDRSTRLEN + TRANSPORT_IFNAMSIZ];

	if (v->vnimap.n) {
		char map[VXLAN_VNIMAP_MAX * 16];

		vxlan_vnimap_format(&v->vnimap, map, sizeof(map));
		transport_put(o, "vni=%s\n", map);
	} else {
		transport_put(o, "vni=%u\n", v->vni);
	}
	transport_put_addr(o, "local", &v->local);
	for (unsigned int i = 0; i < v->nremotes; i++)
		transport_put(o, "remote=%s\n", addr_text(&v->remote[i], text, sizeof(text)));
	transport_put(o, "group=%s\nttl=%u\nlearn=%s\n",
		      v->group.family != AF_UNSPEC ? addr_text(&v->group, text, sizeof(text)) : "(none)", v->ttl,
		      v->learn_any ? "any" : "remotes");
}

void transport_print(const struct transport_spec *t, char *buf, size_t len)
{
	struct print_out o = { buf, len, 0 };
	const struct transport_row *row;

	if (len)
		buf[0] = 0;
	transport_put(&o, "transport=%s\n", transport_kind_name(t->kind));
	if ((unsigned int)t->kind >= TRANSPORT_KINDS)
		return;
	row = transport_row(t->kind);
	row->print(&o, t);
	/* The vector syntax's mac= key is common to its transports: printed after their fields. */
	if (row->syntax == TRANSPORT_SYNTAX_VECTOR)
		put_mac(&o, t);
	if (t->warning[0])
		transport_put(&o, "warning=%s\n", t->warning);
}
