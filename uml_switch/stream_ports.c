// SPDX-License-Identifier: GPL-2.0-or-later
#include "stream_ports.h"
#include "daemon.h"
#include "ep_stream.h"
#include "json.h"
#include "log.h"
#include "sockaddr_any.h"
#include "unixsock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define STREAM_BACKLOG 16

/* A listening TCP socket at the spec's address. */
static int stream_listen_tcp(const struct vector_spec *v)
{
	union sockaddr_any sa;
	int alen = sockaddr_any_from(&sa, &v->local, v->src), one = 1, fd, err;

	if (alen < 0)
		return alen;
	fd = socket(sa.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &sa.sa, (socklen_t)alen) < 0 || listen(fd, STREAM_BACKLOG) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static struct stream_vlan stream_vlan_of(const struct vlan_port *vlan)
{
	return vlan ? (struct stream_vlan){ true, *vlan } : (struct stream_vlan){ 0 };
}

/* A new port of a listener or connector gets their VLAN setting. */
static void stream_vlan_apply(struct switchd *d, const struct stream_vlan *v, int slot)
{
	if (v->given)
		port_set_vlan(d, (uint32_t)slot, &v->port, "its stream listener or connector");
}

static int stream_add_listener(struct switchd *d, const struct vector_spec *v,
			       const struct vlan_port *vlan, char *err, size_t errlen)
{
	struct stream_listener *l = &d->stream.l[d->stream.nl];
	int fd;

	*l = (struct stream_listener){ .fd = -1, .vlan = stream_vlan_of(vlan) };
	ep_stream_addr_text(v, l->where, sizeof(l->where));
	if (v->local.family) {
		fd = stream_listen_tcp(v);
	} else {
		char why[PATH_MAX + 96];

		if (unixsock_dir_check(v->src, why, sizeof(why))) {
			snprintf(err, errlen, "stream: listen '%s': refused: %s", v->src, why);
			return -EPERM;
		}
		/* -mode and -group of the control socket, like -bess. */
		fd = unixsock_listen(v->src, SOCK_STREAM, STREAM_BACKLOG, &d->access);
		if (fd >= 0 && !realpath(v->src, l->path))
			snprintf(l->path, sizeof(l->path), "%s", v->src);
	}
	if (fd < 0) {
		snprintf(err, errlen, "stream: listen '%s': %s", l->where,
			 fd == -EADDRINUSE ? "another server is using it" : strerror(-fd));
		return fd;
	}
	l->fd = fd;
	if ((fd = ev_add(d, l->fd, EV_STREAM_LISTEN, d->stream.nl, EPOLLIN)) < 0) {
		snprintf(err, errlen, "stream: listen '%s': %s", l->where, strerror(-fd));
		close(l->fd);
		if (l->path[0])
			unlink(l->path);
		return fd;
	}
	d->stream.nl++;
	log_info("listening for stream connections on '%s'", l->where);
	return 0;
}

int stream_ports_add(struct switchd *d, const struct transport_spec *t, const struct vlan_port *vlan,
		     char *err, size_t errlen)
{
	struct stream_connector *c;

	if (t->vec.listen) {
		if (d->stream.nl == STREAM_PORTS_MAX)
			goto full;
		return stream_add_listener(d, &t->vec, vlan, err, errlen);
	}
	if (d->stream.nc == STREAM_PORTS_MAX)
		goto full;
	c = &d->stream.c[d->stream.nc++];
	*c = (struct stream_connector){ .spec = t->vec, .vlan = stream_vlan_of(vlan), .fd = -1,
					.slot = -1 };
	ep_stream_addr_text(&t->vec, c->where, sizeof(c->where));
	stream_ports_tick(d); /* the first attempt now, not in a second */
	return 0;
full:
	snprintf(err, errlen, "stream: more than %d stream %s", STREAM_PORTS_MAX,
		 t->vec.listen ? "listeners" : "connectors");
	return -ENOSPC;
}

void stream_ports_accept(struct switchd *d, uint32_t index)
{
	struct stream_listener *l = &d->stream.l[index];

	for (;;) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), r;
		struct endpoint *ep;
		pid_t pid = 0;
		uid_t uid = (uid_t)-1;
		char what[200];

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				log_warn("stream %s: accept: %s", l->where, strerror(errno));
			return;
		}
		if (l->path[0])
			peer_creds(fd, &pid, &uid);
		snprintf(what, sizeof(what), "stream peer on %s (pid %d)", l->where, (int)pid);
		if ((r = ep_stream_new(fd, what, &l->bad_framing, &ep)) < 0) {
			log_warn("%s: %s", what, strerror(-r));
			close(fd);
			continue;
		}
		if ((r = port_attach_accepted(d, ep, pid, uid, &l->refused)) >= 0) {
			l->accepted++;
			stream_vlan_apply(d, &l->vlan, r);
		}
	}
}

/* The connector's port is still the one it made. */
static bool stream_connector_up(const struct switchd *d, const struct stream_connector *c)
{
	const struct port *p;

	if (c->slot < 0)
		return false;
	p = &d->sw.ports[c->slot];
	return p->used && p->ep == c->ep;
}

static void stream_connector_fail(struct stream_connector *c, int err)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->failures++;
	if (!c->down_logged)
		log_warn("stream %s: connect: %s; trying again every second", c->where, strerror(-err));
	c->down_logged = true;
}

static void stream_connector_attach(struct switchd *d, struct stream_connector *c)
{
	struct endpoint *ep;
	const char *why;
	char what[200];
	int r, slot;

	snprintf(what, sizeof(what), "stream to %s", c->where);
	r = ep_stream_new(c->fd, what, &c->bad_framing, &ep);
	if (r < 0) {
		stream_connector_fail(c, r);
		return;
	}
	c->fd = -1; /* the endpoint's now */
	slot = port_attach(d, ep, -1, &why);
	if (slot < 0) {
		log_warn("%s: refused: %s: %s", what, why, strerror(-slot));
		c->failures++;
		return;
	}
	c->slot = slot;
	c->ep = ep;
	c->connects++;
	c->down_logged = false;
	d->ports_total++;
	log_info("port %d: %s (connection %llu)", slot + 1, what, (unsigned long long)c->connects);
	stream_vlan_apply(d, &c->vlan, slot);
}

static void stream_connector_tick(struct switchd *d, struct stream_connector *c)
{
	int r;

	if (stream_connector_up(d, c))
		return;
	c->slot = -1;
	if (c->fd < 0 && (c->fd = ep_stream_connect(&c->spec)) < 0) {
		r = c->fd;
		c->fd = -1;
		stream_connector_fail(c, r);
		return;
	}
	r = ep_stream_connected(c->fd);
	if (r < 0)
		stream_connector_fail(c, r);
	else if (r > 0)
		stream_connector_attach(d, c);
}

void stream_ports_tick(struct switchd *d)
{
	for (unsigned int i = 0; i < d->stream.nc; i++)
		stream_connector_tick(d, &d->stream.c[i]);
}

void stream_ports_close(struct switchd *d)
{
	for (unsigned int i = 0; i < d->stream.nl; i++) {
		struct stream_listener *l = &d->stream.l[i];

		ev_del(d, l->fd);
		close(l->fd);
		if (l->path[0])
			unlink(l->path);
	}
	d->stream.nl = 0;
	for (unsigned int i = 0; i < d->stream.nc; i++)
		if (d->stream.c[i].fd >= 0)
			close(d->stream.c[i].fd);
	d->stream.nc = 0;
}

/* "vlan=10, " or "trunk=10,20, " before a listener's or connector's counters; "" without. */
static const char *stream_vlan_text(const struct stream_vlan *v, char *buf, size_t len)
{
	size_t n;

	if (!v->given)
		return "";
	vlan_port_format(&v->port, buf, len - 2);
	n = strlen(buf);
	snprintf(buf + n, len - n, ", ");
	return buf;
}

void stream_ports_status_text(const struct switchd *d, FILE *f)
{
	char vlan[VLAN_TEXT_MAX + 2];

	for (unsigned int i = 0; i < d->stream.nl; i++) {
		const struct stream_listener *l = &d->stream.l[i];

		fprintf(f, "stream listen %s (%saccepted %llu, refused %llu, bad_framing %llu)\n",
			l->where, stream_vlan_text(&l->vlan, vlan, sizeof(vlan)),
			(unsigned long long)l->accepted, (unsigned long long)l->refused,
			(unsigned long long)l->bad_framing);
	}
	for (unsigned int i = 0; i < d->stream.nc; i++) {
		const struct stream_connector *c = &d->stream.c[i];

		fprintf(f, "stream connect %s (%s, %sconnects %llu, failures %llu, bad_framing %llu)\n",
			c->where, stream_connector_up(d, c) ? "up" : "down",
			stream_vlan_text(&c->vlan, vlan, sizeof(vlan)), (unsigned long long)c->connects,
			(unsigned long long)c->failures, (unsigned long long)c->bad_framing);
	}
}

/* ,"vlan":"vlan=10" when the listener or connector gives its ports a VLAN setting. */
static void stream_vlan_json(const struct stream_vlan *v, FILE *f)
{
	char text[VLAN_TEXT_MAX];

	if (!v->given)
		return;
	vlan_port_format(&v->port, text, sizeof(text));
	json_key(f, "vlan", 0);
	json_str(f, text);
}

void stream_ports_status_json(const struct switchd *d, FILE *f)
{
	if (!d->stream.nl && !d->stream.nc)
		return;
	fputs(",\"stream\":[", f);
	for (unsigned int i = 0; i < d->stream.nl + d->stream.nc; i++) {
		bool listener = i < d->stream.nl;
		const struct stream_listener *l = listener ? &d->stream.l[i] : NULL;
		const struct stream_connector *c = listener ? NULL : &d->stream.c[i - d->stream.nl];

		fputs(i ? ",{" : "{", f);
		json_key(f, "role", 1);
		json_str(f, listener ? "listen" : "connect");
		json_key(f, "address", 0);
		json_str(f, listener ? l->where : c->where);
		stream_vlan_json(listener ? &l->vlan : &c->vlan, f);
		if (listener)
			fprintf(f, ",\"accepted\":%llu,\"refused\":%llu,\"bad_framing\":%llu}",
				(unsigned long long)l->accepted, (unsigned long long)l->refused,
				(unsigned long long)l->bad_framing);
		else
			fprintf(f, ",\"up\":%s,\"connects\":%llu,\"failures\":%llu,\"bad_framing\":%llu}",
				stream_connector_up(d, c) ? "true" : "false",
				(unsigned long long)c->connects, (unsigned long long)c->failures,
				(unsigned long long)c->bad_framing);
	}
	fputc(']', f);
}
