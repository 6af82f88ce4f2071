// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * control - the control side of the daemon protocol: accepting clients, decoding their one
 * request, creating their port, and removing the port when its control connection closes.
 *
 * A client may send its request in pieces and may take its time, but not forever: a
 * connection that has not completed a request within SWITCHD_PENDING_TIMEOUT seconds is
 * closed, and at most SWITCHD_MAX_PENDING can wait at once, so idle or broken clients cannot
 * use up the switch's descriptors. Every refusal is one log line naming the client (its pid
 * and uid, from the connection's credentials) and the reason.
 *
 * The data socket a client names is reached only as the client could reach it itself (see
 * ep_unix_connect_as in lib/ep_unix.c): a privileged switch must not lend its rights to a
 * client that names somebody else's socket. Such refusals are counted (status:
 * refused_data_socket) and logged once per user and minute, so a client retrying in a loop
 * cannot flood the log. Names a client chose are shown escaped (log_escape).
 */
#include "daemon.h"
#include "log.h"
#include "peercred.h"
#include "transport_spec.h"
#include "unixsock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int control_open(struct switchd *d)
{
	int fd = unixsock_listen(d->ctl_path, SOCK_STREAM, 15, &d->access);

	if (fd < 0)
		return fd;
	d->listen_fd = fd;
	return ev_add(d, fd, EV_LISTEN, 0, EPOLLIN);
}

void peer_creds(int fd, pid_t *pid, uid_t *uid)
{
	struct peercred c;

	peercred_get(fd, &c); /* on failure: pid 0, uid -1 */
	*pid = c.pid;
	*uid = c.uid;
}

static struct pending *pending_slot(struct switchd *d)
{
	for (int i = 0; i < SWITCHD_MAX_PENDING; i++)
		if (d->pending[i].fd < 0)
			return &d->pending[i];
	return NULL;
}

/* The pending slot is free again; the connection, closed or now a port's, is not ours. */
static void pending_release(struct switchd *d, struct pending *p)
{
	ev_del(d, p->fd);
	p->fd = -1;
	uidlim_put(&d->uids, UIDLIM_PENDING, p->uid);
}

static void pending_close(struct switchd *d, struct pending *p)
{
	close(p->fd);
	pending_release(d, p);
}

void control_accept(struct switchd *d)
{
	control_accept_on(d, d->listen_fd, 0);
}

void control_accept_on(struct switchd *d, int listen_fd, uint16_t ident)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct pending *p;
		pid_t pid;
		uid_t uid;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				log_warn("accepting a client: %s", strerror(errno));
			return;
		}
		peer_creds(fd, &pid, &uid);
		if (!uidlim_take(&d->uids, UIDLIM_PENDING, uid, pid)) {
			close(fd);
			continue;
		}
		p = pending_slot(d); /* there is one: the total is capped at their number */
		p->pid = pid;
		p->uid = uid;
		p->fd = fd;
		p->ident = ident;
		p->len = 0;
		p->deadline = d->sw.now + SWITCHD_PENDING_TIMEOUT;
		if (ev_add(d, fd, EV_PENDING, (uint32_t)(p - d->pending), EPOLLIN) < 0)
			pending_close(d, p);
	}
}

/* A unique abstract name for a port's data socket. */
static void port_local_addr(struct switchd *d, struct sockaddr_un *a)
{
	char name[64];

	snprintf(name, sizeof(name), "umlnet-switch/%d/%llu", (int)getpid(),
		 (unsigned long long)++d->port_serial);
	unixsock_abstract_addr(a, name);
}

/* The endpoint a new client's frames will use: a socket of its own, or the shared one, reached
 * with the client's rights. */
static int port_endpoint(struct switchd *d, const struct daemon_request *req,
			 const struct peercred *client, struct sockaddr_un *local,
			 struct endpoint **ep, const char **why)
{
	if (req->kind == DREQ_V0) {
		if (d->shared_fd < 0) {
			*why = "version 0 request, but the switch was not started with -compat-v0";
			return -EPROTONOSUPPORT;
		}
		return ep_unix_shared(d->shared_fd, &req->addr, client, ep, why);
	}
	port_local_addr(d, local);
	/* Connecting now, before the reply, also holds on to clients (libvdeplug) that unlink
	 * their socket file once the handshake is done. */
	return ep_unix_connected(local, &req->addr, client, ep, why);
}

static void port_describe_client(const struct port *p, char *buf, size_t len)
{
	char name[LOG_ESCAPED_LEN(sizeof(p->peer.sun_path))], descr[LOG_ESCAPED_LEN(sizeof(p->descr))];

	log_escape(p->descr, sizeof(p->descr), descr, sizeof(descr));
	snprintf(buf, len, "%s client pid %d uid %d, data socket %s%s%s%s", daemon_req_kind_name(p->proto),
		 (int)p->pid, (int)p->uid, unixsock_addr_text(&p->peer, name, sizeof(name)),
		 descr[0] ? " (\"" : "", descr, descr[0] ? "\")" : "");
}

/* A port for ep: a slot, and its data socket (when it has one of its own) in the loop. Returns
 * the slot, or -errno with *why set and ep destroyed. */
int port_attach(struct switchd *d, struct endpoint *ep, int ctl_fd, const char **why)
{
	int slot = sw_port_add(&d->sw, ep, ctl_fd), err;

	if (slot < 0) {
		*why = "the switch has no free port (see -ports)";
		endpoint_destroy(ep);
		return slot;
	}
	if (ep->fd >= 0 && (err = ev_add(d, ep->fd, EV_PORT_DATA, (uint32_t)slot, EPOLLIN)) < 0) {
		*why = "registering its data socket";
		sw_port_del(&d->sw, (uint32_t)slot);
		return err;
	}
	return slot;
}

int port_attach_accepted(struct switchd *d, struct endpoint *ep, pid_t pid, uid_t uid,
			 uint64_t *refused)
{
	const char *why;
	char what[256];
	int slot;

	ep->ops->describe(ep, what, sizeof(what));
	slot = port_attach(d, ep, -1, &why);
	if (slot < 0) {
		(*refused)++;
		log_warn("%s: refused: %s: %s (%llu refused so far)", what, why, strerror(-slot),
			 (unsigned long long)*refused);
		return slot;
	}
	if (uid != (uid_t)-1 && sw_port_set_owner(&d->sw, (uint32_t)slot, pid, uid) < 0) {
		/* Logged once per user by the accounting; the endpoint's destroy closes its fd. */
		(*refused)++;
		ev_del(d, ep->fd);
		sw_port_del(&d->sw, (uint32_t)slot);
		return -EUSERS;
	}
	d->ports_total++;
	log_info("port %d: new %s", slot + 1, what);
	return slot;
}

static int port_register(struct switchd *d, struct pending *pd, const struct daemon_request *req,
			 struct endpoint *ep, const char **why)
{
	int slot = port_attach(d, ep, pd->fd, why);
	struct port *p;
	int err;

	if (slot < 0)
		return slot;
	p = &d->sw.ports[slot];
	err = sw_port_set_owner(&d->sw, (uint32_t)slot, pd->pid, pd->uid);
	if (err) {
		*why = NULL; /* logged once per user by the accounting */
		sw_port_del(&d->sw, (uint32_t)slot);
		return err;
	}
	p->proto = req->kind;
	p->peer = req->addr;
	memcpy(p->descr, req->descr, sizeof(p->descr));
	if (p->proto == DREQ_V0) { /* reached through the shared data socket */
		err = portmap_add(&d->shared_map, &req->addr, (uint32_t)slot);
		if (err) {
			*why = "its data socket name is already registered by another port";
			sw_port_del(&d->sw, (uint32_t)slot);
			return err;
		}
	}
	return slot;
}

/* Undoes port_register(); the control connection is the caller's. */
static void port_unregister(struct switchd *d, uint32_t slot)
{
	struct port *p = &d->sw.ports[slot];

	if (p->ep->fd >= 0)
		ev_del(d, p->ep->fd);
	if (p->proto == DREQ_V0)
		portmap_del(&d->shared_map, &p->peer);
	sw_port_del(&d->sw, slot);
}

static void port_remove(struct switchd *d, uint32_t slot, const char *reason)
{
	struct port *p = &d->sw.ports[slot];
	char who[1024];

	port_describe_client(p, who, sizeof(who));
	if (p->ctl_fd >= 0) {
		ev_del(d, p->ctl_fd);
		close(p->ctl_fd);
	}
	log_info("port %u: %s; removed (%s)", slot + 1, reason, who);
	port_unregister(d, slot);
}

/* Whether to log a refusal of access: the first for a user in a minute; all are counted. */
static bool control_refusal_is_news(struct switchd *d, uid_t uid)
{
	struct access_refusals *r = &d->refused;

	r->count++;
	if (r->logged && r->last_uid == uid && d->sw.now - r->last_logged < 60)
		return false;
	r->logged = true;
	r->last_uid = uid;
	r->last_logged = d->sw.now;
	return true;
}

static void control_refuse(struct switchd *d, struct pending *pd, const struct daemon_request *req,
			   const char *why, int err)
{
	bool access = err == -EACCES || err == -EPERM;

	/* why NULL: the refusal was logged where it was decided */
	if (why && (!access || control_refusal_is_news(d, pd->uid))) {
		char name[LOG_ESCAPED_LEN(sizeof(req->addr.sun_path))];

		log_warn("client pid %d uid %d (%s request, data socket %s): refused: %s: %s%s",
			 (int)pd->pid, (int)pd->uid, daemon_req_kind_name(req->kind),
			 unixsock_addr_text(&req->addr, name, sizeof(name)), why, strerror(-err),
			 access ? " (such refusals: refused_data_socket in the status)" : "");
	}
	pending_close(d, pd);
}

/* The request is complete: make the port and answer with its data socket's address. */
static void control_new_port(struct switchd *d, struct pending *pd, const struct daemon_request *req)
{
	struct sockaddr_un local;
	struct endpoint *ep = NULL;
	struct peercred client;
	const char *why = "reading its credentials";
	char who[1024];
	int slot = peercred_get(pd->fd, &client); /* 0 or -errno until registered */

	if (slot >= 0 && pd->ident)
		slot = ident_sock_admit(d, pd, &why);
	if (slot >= 0)
		slot = port_endpoint(d, req, &client, &local, &ep, &why);
	if (slot >= 0)
		slot = port_register(d, pd, req, ep, &why);
	if (slot >= 0 && req->kind != DREQ_V0 &&
	    write(pd->fd, &local, sizeof(local)) != (ssize_t)sizeof(local)) {
		int err = errno ? -errno : -EIO;

		why = "sending the reply";
		port_unregister(d, (uint32_t)slot);
		slot = err;
	}
	if (slot < 0) {
		control_refuse(d, pd, req, why, slot);
		return;
	}
	if (pd->ident)
		ident_sock_apply(d, pd, (uint32_t)slot);
	/* The connection now belongs to the port: readable means the client is gone. */
	pending_release(d, pd);
	ev_add(d, d->sw.ports[slot].ctl_fd, EV_PORT_CTL, (uint32_t)slot, EPOLLIN | EPOLLRDHUP);
	d->ports_total++;
	port_describe_client(&d->sw.ports[slot], who, sizeof(who));
	log_info("port %d: new %s", slot + 1, who);
}

void control_pending_input(struct switchd *d, uint32_t index)
{
	struct pending *pd = &d->pending[index];
	struct daemon_request req;
	const char *why;
	ssize_t r = read(pd->fd, pd->buf + pd->len, sizeof(pd->buf) - pd->len);
	int n;

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		log_warn("client pid %d uid %d: %s after %zu bytes of its request", (int)pd->pid,
			 (int)pd->uid, r == 0 ? "closed the connection" : strerror(errno), pd->len);
		pending_close(d, pd);
		return;
	}
	pd->len += (size_t)r;
	n = pd->len > DAEMON_REQ_MAX_LEN ? -EMSGSIZE : daemon_request_decode(pd->buf, pd->len, &req, &why);
	if (n == -EMSGSIZE)
		why = "request longer than any request of the protocol";
	if (n < 0) {
		log_warn("client pid %d uid %d: bad request (%zu bytes): %s", (int)pd->pid,
			 (int)pd->uid, pd->len, why);
		pending_close(d, pd);
	} else if (n > 0) {
		control_new_port(d, pd, &req);
	}
}

void control_port_event(struct switchd *d, uint32_t slot)
{
	struct port *p = &d->sw.ports[slot];
	char byte;
	ssize_t r = read(p->ctl_fd, &byte, 1);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	port_remove(d, slot, r == 0 ? "client disconnected"
			     : r > 0 ? "client sent data on its control connection (protocol violation)"
				     : "control connection failed");
}

void control_endpoint_gone(struct switchd *d, uint32_t slot, int err)
{
	struct port *p = &d->sw.ports[slot];
	char what[256];

	p->ep->ops->describe(p->ep, what, sizeof(what));
	log_info("port %u: %s; removed (%s)", slot + 1,
		 err == -ENOTCONN ? "peer closed the connection" : strerror(-err), what);
	if (p->ep->fd >= 0)
		ev_del(d, p->ep->fd);
	sw_port_del(&d->sw, slot);
}

void control_expire_pending(struct switchd *d)
{
	for (int i = 0; i < SWITCHD_MAX_PENDING; i++) {
		struct pending *pd = &d->pending[i];

		if (pd->fd < 0 || (int32_t)(d->sw.now - pd->deadline) < 0)
			continue;
		log_warn("client pid %d uid %d: no complete request within %d s (%zu bytes); closed",
			 (int)pd->pid, (int)pd->uid, SWITCHD_PENDING_TIMEOUT, pd->len);
		pending_close(d, pd);
	}
}

void control_close_all(struct switchd *d)
{
	for (int i = 0; i < SWITCHD_MAX_PENDING; i++)
		if (d->pending[i].fd >= 0)
			pending_close(d, &d->pending[i]);
	for (uint32_t i = 0; i < d->sw.max_ports; i++)
		if (d->sw.ports[i].used && d->sw.ports[i].ctl_fd >= 0)
			close(d->sw.ports[i].ctl_fd);
}

void port_set_vlan(struct switchd *d, uint32_t slot, const struct vlan_port *v, const char *by)
{
	char set[VLAN_TEXT_MAX];

	if (!d->sw.vlan_aware)
		log_info("the switch is VLAN-aware from now on: ports without a setting are access "
			 "ports of VLAN %d", VLAN_DEFAULT);
	sw_port_set_vlan(&d->sw, slot, v);
	vlan_port_format(v, set, sizeof(set));
	log_info("port %u: %s (%s)", slot + 1, set, by);
}

/* A port whose endpoint needs its own VLAN setting (a VXLAN trunk with a VNI map) gets it. */
static void control_own_vlans(struct switchd *d, uint32_t slot)
{
	const struct endpoint *ep = d->sw.ports[slot].ep;
	struct vlan_port v;

	if (endpoint_vlan_port(ep, &v))
		port_set_vlan(d, slot, &v, "its VNI map");
}

/* A parsed spec: stream specs are listeners or reconnecting connectors (stream_ports.h), which
 * keep the VLAN setting for their ports to come; the others one endpoint. */
static int control_attach_parsed(struct switchd *d, const char *spec, const struct transport_spec *t,
				 const struct vlan_port *vlan, char *err, size_t errlen)
{
	struct endpoint *ep;
	const char *why;
	int r, slot;

	if (t->kind == TRANSPORT_STREAM)
		return stream_ports_add(d, t, vlan, err, errlen);
	if ((r = endpoint_open_parsed(t, &ep, err, errlen)))
		return r;
	slot = port_attach(d, ep, -1, &why);
	if (slot < 0) {
		snprintf(err, errlen, "%s: %s", why, strerror(-slot));
		return slot;
	}
	d->ports_total++;
	log_info("port %d: %s", slot + 1, spec);
	control_own_vlans(d, (uint32_t)slot);
	if (vlan)
		port_set_vlan(d, (uint32_t)slot, vlan, "-port");
	return 0;
}

int control_attach_spec(struct switchd *d, const char *spec, const struct vlan_port *vlan, char *err,
			size_t errlen)
{
	struct transport_spec *t;
	int r = transport_parse_new(spec, &t, err, errlen);

	if (r)
		return r;
	r = control_attach_parsed(d, spec, t, vlan, err, errlen);
	free(t);
	return r;
}
