// SPDX-License-Identifier: GPL-2.0-or-later
#include "ident_sock.h"
#include "daemon.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

void ident_socks_init(struct ident_socks *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < IDENT_SOCKS; i++)
		t->s[i].fd = -1;
}

static struct ident_sock *ident_sock_find(struct switchd *d, const char *path)
{
	for (int i = 0; i < IDENT_SOCKS; i++)
		if (d->ident.s[i].fd >= 0 && !strcmp(d->ident.s[i].rule.path, path))
			return &d->ident.s[i];
	return NULL;
}

int ident_sock_open(struct switchd *d, const struct ident_rule *r, char *err, size_t errlen)
{
	struct ident_sock *s = ident_sock_find(d, r->path);
	char why[256];
	int fd, e;

	if (s) {
		s->rule = *r;
		s->refusal_logged = false;
		return 0;
	}
	for (s = d->ident.s; s < d->ident.s + IDENT_SOCKS && s->fd >= 0; s++)
		;
	if (s == d->ident.s + IDENT_SOCKS) {
		snprintf(err, errlen, "ident: the switch holds %d device sockets already (close one "
				      "with 'ident-close PATH')", IDENT_SOCKS);
		return -ENOSPC;
	}
	/* Only where nobody else can replace it, as every socket of the switch (SECURITY). */
	if (unixsock_dir_check(r->path, why, sizeof(why))) {
		snprintf(err, errlen, "ident: path '%s': %s", r->path, why);
		return -EPERM;
	}
	fd = unixsock_listen(r->path, SOCK_STREAM, 15, &d->access);
	if (fd < 0) {
		snprintf(err, errlen, "ident: path '%s': %s", r->path, strerror(-fd));
		return fd;
	}
	if ((e = ev_add(d, fd, EV_IDENT_LISTEN, (uint32_t)(s - d->ident.s), EPOLLIN)) < 0) {
		snprintf(err, errlen, "ident: path '%s': %s", r->path, strerror(-e));
		close(fd);
		unlink(r->path);
		return e;
	}
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->rule = *r;
	return 0;
}

static void ident_sock_drop(struct switchd *d, struct ident_sock *s)
{
	uint16_t id = (uint16_t)(s - d->ident.s + 1);

	/* Clients still handshaking came for this socket's rule, not for whatever takes the slot. */
	for (int i = 0; i < SWITCHD_MAX_PENDING; i++)
		if (d->pending[i].fd >= 0 && d->pending[i].ident == id)
			d->pending[i].ident = IDENT_SOCK_GONE;
	ev_del(d, s->fd);
	close(s->fd);
	unlink(s->rule.path);
	s->fd = -1;
}

int ident_sock_close(struct switchd *d, const char *path)
{
	struct ident_sock *s = ident_sock_find(d, path);

	if (!s)
		return -ENOENT;
	ident_sock_drop(d, s);
	return 0;
}

void ident_socks_list(const struct switchd *d, FILE *f)
{
	fprintf(f, "ident_refused %llu\n", (unsigned long long)d->ident.refused);
	for (int i = 0; i < IDENT_SOCKS; i++) {
		const struct ident_sock *s = &d->ident.s[i];
		char text[VLAN_TEXT_MAX + 192];

		if (s->fd < 0)
			continue;
		ident_rule_format(&s->rule, text, sizeof(text));
		fprintf(f, "ident %s ports=%llu refused=%llu\n", text, (unsigned long long)s->ports,
			(unsigned long long)s->refused);
	}
}

void ident_sock_accept(struct switchd *d, uint32_t index)
{
	if (index < IDENT_SOCKS && d->ident.s[index].fd >= 0)
		control_accept_on(d, d->ident.s[index].fd, (uint16_t)(index + 1));
}

int ident_sock_admit(struct switchd *d, const struct pending *pd, const char **why)
{
	struct ident_sock *s;

	*why = NULL; /* counted and logged here */
	d->ident.refused += pd->ident == IDENT_SOCK_GONE;
	if (pd->ident == IDENT_SOCK_GONE)
		return -EPERM;
	s = &d->ident.s[pd->ident - 1];
	if (ident_rule_admits(&s->rule, pd->pid, pd->uid))
		return 0;
	d->ident.refused++;
	s->refused++;
	if (s->refusal_logged)
		return -EPERM;
	s->refusal_logged = true;
	log_warn("device socket %s (%s %u): refused client pid %d uid %d: not in its scope "
		 "(further refusals here are counted in ident_refused, not logged)", s->rule.path,
		 s->rule.by_uid ? "uid" : "pid", (unsigned)s->rule.id, (int)pd->pid, (int)pd->uid);
	return -EPERM;
}

void ident_sock_apply(struct switchd *d, const struct pending *pd, uint32_t slot)
{
	struct ident_sock *s = &d->ident.s[pd->ident - 1];
	struct port *p = &d->sw.ports[slot];
	char by[IDENT_NAME_MAX + 64];

	s->ports++;
	if (s->rule.name[0] && !p->descr[0])
		snprintf(p->descr, sizeof(p->descr), "%s", s->rule.name);
	snprintf(by, sizeof(by), "device socket%s%s", s->rule.name[0] ? " of " : "", s->rule.name);
	port_set_vlan(d, slot, &s->rule.vlan, by);
}

void ident_socks_close_all(struct switchd *d)
{
	for (int i = 0; i < IDENT_SOCKS; i++)
		if (d->ident.s[i].fd >= 0)
			ident_sock_drop(d, &d->ident.s[i]);
}
