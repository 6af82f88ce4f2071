// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmt - the management socket: a line-based text protocol for reading the switch's state.
 *
 * Protocol: the client sends one command per line; the switch answers with zero or more
 * non-empty lines and then one empty line, so a client reads until a blank line. Commands:
 *   help | version | status | ports | macs | show      (add "json" or "-j" for JSON)
 *   vlan PORT VID | trunk PORT LIST [native=N]         (VLAN settings: mgmt_vlan.c)
 * JSON replies are one line. An unknown command is answered with
 *   "error: unknown command '<word>' (try 'help')" and the blank line.
 * Replies are built in memory and written without blocking; a slow reader gets the rest when
 * its socket is writable, so it never holds up the data path.
 *
 * Limits: each user (SO_PEERCRED) may hold -limit mgmt-per-uid connections, SWITCHD_MAX_MGMT in
 * all, and a connection that neither sends a command nor takes reply bytes for mgmt-idle
 * seconds is closed, so idle connections cannot lock others (or umlnet's readiness check) out.
 */
#include "daemon.h"
#include "json.h"
#include "log.h"
#include "unixsock.h"
#include "version.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int mgmt_open(struct switchd *d)
{
	int fd = unixsock_listen(d->mgmt_path, SOCK_STREAM, 8, &d->access);

	if (fd < 0)
		return fd;
	d->mgmt_fd = fd;
	return ev_add(d, fd, EV_MGMT_LISTEN, 0, EPOLLIN);
}

static void mgmt_close(struct switchd *d, struct mgmt_conn *c)
{
	ev_del(d, c->fd);
	close(c->fd);
	uidlim_put(&d->uids, UIDLIM_MGMT, c->uid);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void mgmt_accept(struct switchd *d)
{
	for (;;) {
		int fd = accept4(d->mgmt_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct mgmt_conn *c = d->mgmt;
		pid_t pid;
		uid_t uid;

		if (fd < 0)
			return;
		peer_creds(fd, &pid, &uid);
		if (!uidlim_take(&d->uids, UIDLIM_MGMT, uid, pid)) {
			close(fd);
			continue;
		}
		while (c->fd >= 0) /* there is a free one: the total is capped at their number */
			c++;
		c->fd = fd;
		c->pid = pid;
		c->uid = uid;
		c->last = d->sw.now;
		if (ev_add(d, fd, EV_MGMT_CONN, (uint32_t)(c - d->mgmt), EPOLLIN) < 0)
			mgmt_close(d, c);
	}
}

void mgmt_expire_idle(struct switchd *d)
{
	for (int i = 0; i < SWITCHD_MAX_MGMT; i++) {
		struct mgmt_conn *c = &d->mgmt[i];

		if (c->fd < 0 || d->sw.now - c->last <= d->opt.limits.mgmt_idle)
			continue;
		log_debug("management: closed the connection of pid %d uid %d, silent for %u s",
			  (int)c->pid, (int)c->uid, d->opt.limits.mgmt_idle);
		d->mgmt_idle_closed++;
		mgmt_close(d, c);
	}
}

static const char *sw_mode(const struct switchd *d)
{
	return d->sw.hub ? "hub" : "switch";
}

/* Limits and what they refused, in one order for both formats: name and value. */
#define LIMIT_FIELDS(X, d)                                                                   \
	X("macs_per_port", (d)->opt.limits.macs_per_port)                                    \
	X("mac_port_full", (d)->sw.st.mac_port_full)                                         \
	X("mac_evictions", (d)->sw.st.mac_evictions)                                         \
	X("mac_move_refused", (d)->sw.st.mac_move_refused)                                   \
	X("ports_per_uid", (d)->opt.limits.ports_per_uid)                                    \
	X("refused_ports", (d)->uids.refused[UIDLIM_PORTS])                                  \
	X("pending", (d)->uids.total[UIDLIM_PENDING])                                        \
	X("pending_per_uid", (d)->opt.limits.pending_per_uid)                                \
	X("refused_pending", (d)->uids.refused[UIDLIM_PENDING])                              \
	X("mgmt_conns", (d)->uids.total[UIDLIM_MGMT])                                        \
	X("mgmt_per_uid", (d)->opt.limits.mgmt_per_uid)                                      \
	X("refused_mgmt", (d)->uids.refused[UIDLIM_MGMT])                                    \
	X("mgmt_idle", (d)->opt.limits.mgmt_idle)                                            \
	X("mgmt_idle_closed", (d)->mgmt_idle_closed)                                         \
	X("mgmt_refused", (d)->mgmt_refused)                                                 \
	X("ident_refused", (d)->ident.refused)                                               \
	X("vlan_aware", (d)->sw.vlan_aware)                                                  \
	X("backlog_bytes", backlog_pool_used(&(d)->sw.bl_pool))                              \
	X("backlog_budget", backlog_pool_size(&(d)->sw.bl_pool))                             \
	X("drop_full", (d)->sw.st.drop_full)                                                 \
	X("drop_budget", (d)->sw.st.drop_budget)                                             \
	X("drop_share", (d)->sw.st.drop_share)

static void limits_text(struct switchd *d, FILE *f)
{
#define X(name, v) fprintf(f, name " %llu\n", (unsigned long long)(v));
	LIMIT_FIELDS(X, d)
#undef X
}

static void limits_json(struct switchd *d, FILE *f)
{
#define X(name, v) fprintf(f, ",\"" name "\":%llu", (unsigned long long)(v));
	LIMIT_FIELDS(X, d)
#undef X
}

static void status_text(struct switchd *d, FILE *f)
{
	const struct switch_stats *st = &d->sw.st;

	fprintf(f, "switch uml_switch (umlnet) %s\npid %d\nmode %s\ncontrol %s\nuptime %u\n",
		umlnet_version(), (int)getpid(), sw_mode(d), d->ctl_path,
		(unsigned int)(d->sw.now - d->started));
	fprintf(f, "ports %u (max %u, %llu since start)\nmacs %u (max %u, aging %u s)\n",
		d->sw.nactive, d->sw.max_ports, (unsigned long long)d->ports_total,
		mactable_count(&d->sw.macs), d->opt.max_macs, d->sw.macs.age);
	fprintf(f, "drop_unknown_sender %llu\nmac_table_full %llu\nmac_moves %llu\n"
		   "rx_batches %llu\ntx_batches %llu\n",
		(unsigned long long)st->drop_unknown_sender, (unsigned long long)st->mac_table_full,
		(unsigned long long)st->mac_moves, (unsigned long long)st->rx_batches,
		(unsigned long long)st->tx_batches);
	fprintf(f, "refused_data_socket %llu\n", (unsigned long long)d->refused.count);
	limits_text(d, f);
	if (d->bess.fd >= 0)
		fprintf(f, "bess %s (accepted %llu, refused %llu)\n", d->bess.path,
			(unsigned long long)d->bess.accepted, (unsigned long long)d->bess.refused);
	stream_ports_status_text(d, f);
}

static void status_json(struct switchd *d, FILE *f)
{
	const struct switch_stats *st = &d->sw.st;

	fputc('{', f);
	json_key(f, "version", 1);
	json_str(f, umlnet_version());
	json_key(f, "mode", 0);
	json_str(f, sw_mode(d));
	json_key(f, "control", 0);
	json_str(f, d->ctl_path);
	if (d->bess.fd >= 0) {
		json_key(f, "bess", 0);
		json_str(f, d->bess.path);
		fprintf(f, ",\"bess_accepted\":%llu,\"bess_refused\":%llu",
			(unsigned long long)d->bess.accepted, (unsigned long long)d->bess.refused);
	}
	stream_ports_status_json(d, f);
	fprintf(f, ",\"refused_data_socket\":%llu", (unsigned long long)d->refused.count);
	limits_json(d, f);
	fprintf(f, ",\"pid\":%d,\"uptime\":%u,\"ports\":%u,\"max_ports\":%u,\"ports_total\":%llu,"
		   "\"macs\":%u,\"max_macs\":%u,\"age\":%u,\"drop_unknown_sender\":%llu,"
		   "\"mac_table_full\":%llu,\"mac_moves\":%llu,\"rx_batches\":%llu,"
		   "\"tx_batches\":%llu}",
		(int)getpid(), (unsigned int)(d->sw.now - d->started), d->sw.nactive, d->sw.max_ports,
		(unsigned long long)d->ports_total, mactable_count(&d->sw.macs), d->opt.max_macs,
		d->sw.macs.age, (unsigned long long)st->drop_unknown_sender,
		(unsigned long long)st->mac_table_full, (unsigned long long)st->mac_moves,
		(unsigned long long)st->rx_batches, (unsigned long long)st->tx_batches);
}

/* The counters of a port, in one order for both formats. */
#define PORT_COUNTERS(X)                                                                     \
	X(rx_frames) X(rx_bytes) X(tx_frames) X(tx_bytes) X(drop_runt) X(drop_oversize)      \
	X(drop_full) X(drop_error) X(filtered) X(drop_budget) X(drop_share) X(mac_limit)     \
	X(mac_move_refused) X(drop_tagged_on_access) X(drop_vlan_not_allowed)              \
	X(drop_untagged_no_native)

/* A port's VLAN setting as JSON fields: "vlan_mode" (none on a VLAN-unaware switch), "native"
 * (its untagged VLAN: the access VLAN, a trunk's native VLAN or 0) and "vlans" (members). */
static void port_vlan_json(FILE *f, bool aware, const struct vlan_port *v)
{
	bool first = true;

	fprintf(f, ",\"vlan_mode\":\"%s\",\"native\":%u,\"vlans\":[",
		!aware ? "none" : v->mode == VLAN_TRUNK ? "trunk" : "access",
		aware ? (unsigned int)v->pvid : 0u);
	for (uint32_t vid = VLAN_VID_MIN; aware && vid <= VLAN_VID_MAX; vid++)
		if (vlan_member(v, (uint16_t)vid)) {
			fprintf(f, "%s%u", first ? "" : ",", vid);
			first = false;
		}
	fputc(']', f);
}

/* The same in the text table: one word, "-" on a VLAN-unaware switch. */
static void port_vlan_text(FILE *f, bool aware, const struct vlan_port *v)
{
	char set[VLAN_TEXT_MAX];

	if (aware)
		vlan_port_format(v, set, sizeof(set));
	fprintf(f, " %s", aware ? set : "-");
}

static void port_json(FILE *f, const struct sw *s, uint32_t slot, const struct port *p)
{
	char what[256];

	p->ep->ops->describe(p->ep, what, sizeof(what));
	fprintf(f, "{\"port\":%u,", slot + 1);
	json_key(f, "kind", 1);
	json_str(f, p->ep->ops->kind);
	json_key(f, "proto", 0);
	json_str(f, p->ctl_fd >= 0 ? daemon_req_kind_name(p->proto) : "");
	fprintf(f, ",\"pid\":%d,\"uid\":%d,", (int)p->pid, p->ctl_fd >= 0 ? (int)p->uid : -1);
	json_key(f, "endpoint", 1);
	json_str(f, what);
	json_key(f, "description", 0);
	json_str(f, p->descr);
#define X(c) fprintf(f, ",\"" #c "\":%llu", (unsigned long long)p->st.c);
	PORT_COUNTERS(X)
#undef X
	port_vlan_json(f, s->vlan_aware, &p->vlan);
	fprintf(f, ",\"queued\":%u,\"macs\":%u}", p->bl.count, mactable_port_count(&s->macs, slot));
}

static void port_text(FILE *f, const struct sw *s, uint32_t slot, const struct port *p)
{
	char what[256];

	p->ep->ops->describe(p->ep, what, sizeof(what));
	fprintf(f, "%-4u %-4s %-5s %-7d", slot + 1, p->ep->ops->kind,
		p->ctl_fd >= 0 ? daemon_req_kind_name(p->proto) : "-", (int)p->pid);
#define X(c) fprintf(f, " %llu", (unsigned long long)p->st.c);
	PORT_COUNTERS(X)
#undef X
	fprintf(f, " %u", p->bl.count);
	port_vlan_text(f, s->vlan_aware, &p->vlan);
	fprintf(f, " %s\n", what);
}

static void ports_out(struct switchd *d, FILE *f, bool json)
{
	if (json)
		fputc('[', f);
	else
		fprintf(f, "port kind proto pid    "
#define X(c) " " #c
			PORT_COUNTERS(X)
#undef X
			" queued vlan endpoint\n");
	for (uint32_t i = 0; i < d->sw.nactive; i++) {
		uint32_t slot = d->sw.active[i];

		if (json) {
			if (i)
				fputc(',', f);
			port_json(f, &d->sw, slot, &d->sw.ports[slot]);
		} else {
			port_text(f, &d->sw, slot, &d->sw.ports[slot]);
		}
	}
	if (json)
		fputc(']', f);
}

static void macs_out(struct switchd *d, FILE *f, bool json)
{
	struct mac_entry e;
	char mac[MAC_TEXT_LEN];
	bool first = true;

	fputs(json ? "[" : "mac               vlan port age\n", f);
	for (uint32_t s = mactable_next(&d->sw.macs, 0, &e); s != OHASH_NONE;
	     s = mactable_next(&d->sw.macs, s + 1, &e)) {
		uint32_t age = d->sw.now - e.seen, vid;
		bool svlan = e.vlan & VLAN_KEY_STAG;

		if (mactable_entry_expired(&d->sw.macs, &e, d->sw.now))
			continue; /* aged out, not swept yet */
		mac_format(e.mac, mac);
		/* An 802.1ad class (vlan.h) shows its S-VLAN, marked "s" / "svlan". */
		vid = e.vlan & ~VLAN_KEY_STAG;
		if (json)
			fprintf(f, "%s{\"mac\":\"%s\",\"vlan\":%u,%s\"port\":%u,\"age\":%u}",
				first ? "" : ",", mac, vid, svlan ? "\"svlan\":true," : "", e.port + 1,
				age);
		else
			fprintf(f, "%s %s%-*u %-4u %u\n", mac, svlan ? "s" : "", svlan ? 3 : 4, vid,
				e.port + 1, age);
		first = false;
	}
	if (json)
		fputc(']', f);
}

static void show_json(struct switchd *d, FILE *f)
{
	fputs("{\"switch\":", f);
	status_json(d, f);
	fputs(",\"ports\":", f);
	ports_out(d, f, true);
	fputs(",\"macs\":", f);
	macs_out(d, f, true);
	fputc('}', f);
}

static void help_out(FILE *f)
{
	fputs("commands: help, version, status, ports, macs, show (all of them);\n"
	      "add 'json' or '-j' for JSON; every reply ends with an empty line\n"
	      "vlan PORT VID, trunk PORT LIST [native=N]: a port's VLANs (root, the switch's user)\n"
	      "ident PATH pid=PID|uid=UID vlan=N|trunk=LIST [name=DEV], ident-close PATH, idents:\n"
	      "a device's own control socket and its VLANs (root, the switch's user)\n",
	      f);
}

/* Runs one command line into f. */
static void mgmt_command(struct switchd *d, const struct mgmt_conn *c, char *line, FILE *f)
{
	char *words[5];
	int n = 0;
	bool json = false;

	for (char *w = strtok(line, " \t\r"); w && n < 5; w = strtok(NULL, " \t\r")) {
		if (!strcmp(w, "json") || !strcmp(w, "-j"))
			json = true;
		else
			words[n++] = w;
	}
	if (n == 0 || !strcmp(words[0], "help"))
		help_out(f);
	else if (!strcmp(words[0], "version"))
		fprintf(f, json ? "{\"version\":\"%s\"}" : "uml_switch (umlnet) %s", umlnet_version());
	else if (!strcmp(words[0], "status"))
		json ? status_json(d, f) : status_text(d, f);
	else if (!strcmp(words[0], "ports"))
		ports_out(d, f, json);
	else if (!strcmp(words[0], "macs"))
		macs_out(d, f, json);
	else if (mgmt_vlan_is_command(words[0]))
		mgmt_vlan_command(d, c, words, n, f);
	else if (!strcmp(words[0], "show")) {
		if (json) {
			show_json(d, f);
		} else {
			status_text(d, f);
			ports_out(d, f, false);
			macs_out(d, f, false);
		}
	} else {
		char shown[LOG_ESCAPED_LEN(64)];

		fprintf(f, "error: unknown command '%s' (try 'help')",
			log_escape(words[0], 64, shown, sizeof(shown)));
	}
}

/* Appends the reply to c->out; the reply ends with one empty line. */
static int mgmt_reply(struct switchd *d, struct mgmt_conn *c, char *line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *joined;

	if (!f)
		return -ENOMEM;
	mgmt_command(d, c, line, f);
	fclose(f);
	/* Exactly one "\n\n" at the end, whatever the command printed last. */
	while (len && buf[len - 1] == '\n')
		len--;
	joined = realloc(c->out, c->outlen + len + 2);
	if (!joined) {
		free(buf);
		return -ENOMEM;
	}
	memcpy(joined + c->outlen, buf, len);
	memcpy(joined + c->outlen + len, "\n\n", 2);
	c->out = joined;
	c->outlen += len + 2;
	free(buf);
	return 0;
}

/* Writes what it can; returns -errno if the client is gone. */
static int mgmt_write(struct switchd *d, struct mgmt_conn *c, uint32_t index)
{
	while (c->outoff < c->outlen) {
		ssize_t w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno != EAGAIN)
				return -errno;
			break;
		}
		c->outoff += (size_t)w;
		c->last = d->sw.now;
	}
	if (c->outoff == c->outlen) {
		free(c->out);
		c->out = NULL;
		c->outlen = c->outoff = 0;
	}
	if (!c->out && c->eof)
		return -ENOTCONN;
	return ev_mod(d, c->fd, EV_MGMT_CONN, index, c->out ? EPOLLOUT : EPOLLIN);
}

static int mgmt_read(struct switchd *d, struct mgmt_conn *c)
{
	ssize_t r = read(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen);
	char *nl;

	if (r == 0) {
		c->eof = true; /* answer what was asked, then close */
		return 0;
	}
	if (r < 0)
		return errno == EAGAIN ? 0 : -1;
	c->inlen += (size_t)r;
	c->in[c->inlen] = 0;
	c->last = d->sw.now;
	while ((nl = strchr(c->in, '\n'))) {
		size_t used = (size_t)(nl - c->in) + 1;

		*nl = 0;
		if (mgmt_reply(d, c, c->in) < 0)
			return -1;
		memmove(c->in, c->in + used, c->inlen - used + 1);
		c->inlen -= used;
	}
	if (c->inlen == sizeof(c->in) - 1) {
		log_warn("management: closing a client whose command line exceeds %zu bytes",
			 sizeof(c->in) - 2);
		return -1;
	}
	return 0;
}

void mgmt_event(struct switchd *d, uint32_t index, uint32_t events)
{
	struct mgmt_conn *c = &d->mgmt[index];

	if ((events & EPOLLIN) && mgmt_read(d, c) < 0) {
		mgmt_close(d, c);
		return;
	}
	if ((c->out || c->eof || (events & EPOLLOUT)) && mgmt_write(d, c, index) < 0)
		mgmt_close(d, c);
}

void mgmt_close_all(struct switchd *d)
{
	for (int i = 0; i < SWITCHD_MAX_MGMT; i++)
		if (d->mgmt[i].fd >= 0)
			mgmt_close(d, &d->mgmt[i]);
}
