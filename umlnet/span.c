// SPDX-License-Identifier: GPL-2.0-or-later
#include "span.h"

#include "transport_spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPAN_ALL_HOSTS(c) ((uint32_t)((1ull << (c)->nhost) - 1))

static int span_fail(char *err, size_t errlen, const char *fname, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int span_fail(char *err, size_t errlen, const char *fname, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fname)
		snprintf(err, errlen, "%s:%d: %s", fname, line, msg);
	else
		snprintf(err, errlen, "%s", msg);
	return -EINVAL;
}

uint32_t span_vni(const char *net, const char *sw)
{
	uint32_t h = 2166136261u;
	const char *parts[] = { net, "/", sw };

	for (size_t i = 0; i < 3; i++)
		for (const char *s = parts[i]; *s; s++)
			h = (h ^ (uint8_t)*s) * 16777619u;
	return (h ^ (h >> 24)) % 0xffffffu + 1; /* 1 .. 16777215: 0 is easily a default elsewhere */
}

static int span_popcount(uint32_t m)
{
	return __builtin_popcount(m);
}

bool span_switch_spans(const struct conf *c, int i)
{
	return c->nhost > 1 && span_popcount(c->sw[i].hosts) > 1;
}

/* on=A,B,...: the mask of the hosts named. */
static int span_on_hosts(const struct conf *c, const struct conf_switch *s, const char *fname,
			 char *err, size_t errlen, uint32_t *mask)
{
	char list[CONF_ON];

	*mask = 0;
	snprintf(list, sizeof(list), "%s", s->on);
	for (char *save, *h = strtok_r(list, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
		int k = conf_find_host(c, h);

		if (k < 0)
			return span_fail(err, errlen, fname, s->line, "switch %s on=%s: no host '%s' "
					 "in the file", s->name, s->on, h);
		*mask |= 1u << k;
	}
	if (!*mask)
		return span_fail(err, errlen, fname, s->line, "switch %s on='%s': name a host",
				 s->name, s->on);
	return 0;
}

static bool span_is_v6(const struct conf_host *h)
{
	return strchr(h->addr, ':') != NULL;
}

/* Every host of a spanning switch speaks one address family (a trunk has one). */
static int span_one_family(const struct conf *c, const struct conf_switch *s, const char *fname,
			   char *err, size_t errlen)
{
	int first = -1;

	for (int k = 0; k < c->nhost; k++) {
		if (!(s->hosts & (1u << k)))
			continue;
		if (first < 0)
			first = k;
		else if (span_is_v6(&c->host[k]) != span_is_v6(&c->host[first]))
			return span_fail(err, errlen, fname, s->line, "switch %s: hosts %s (%s) and %s "
					 "(%s) need addresses of one family for its trunk", s->name,
					 c->host[first].name, c->host[first].addr, c->host[k].name,
					 c->host[k].addr);
	}
	return 0;
}

static int span_switches(struct conf *c, const char *fname, char *err, size_t errlen)
{
	int rank = 0, r;

	for (int i = 0; i < c->nsw; i++) {
		struct conf_switch *s = &c->sw[i];

		s->hosts = SPAN_ALL_HOSTS(c);
		if (s->on[0] && (r = span_on_hosts(c, s, fname, err, errlen, &s->hosts)))
			return r;
		if (!span_switch_spans(c, i))
			continue;
		if ((r = span_one_family(c, s, fname, err, errlen)))
			return r;
		if (!s->vni_given)
			s->vni = span_vni(c->name, s->name);
		s->trunk_port = (uint16_t)(SPAN_PORT_BASE + rank++);
		for (int k = 0; k < i; k++)
			if (span_switch_spans(c, k) && c->sw[k].vni == s->vni)
				return span_fail(err, errlen, fname, s->line, "switch %s vni=%u: switch %s "
						 "(line %d) has that VNI too%s", s->name, s->vni,
						 c->sw[k].name, c->sw[k].line,
						 s->vni_given ? "" : " (derived: give one of them vni=)");
	}
	return 0;
}

/* The host of guest g: on=, else the one host of all its switches. */
static int span_guest_host(struct conf *c, struct conf_guest *g, const char *fname, char *err,
			   size_t errlen)
{
	uint32_t common = SPAN_ALL_HOSTS(c);
	char dev[CONF_DEV_NAME];

	if (g->on[0]) {
		if ((g->host = conf_find_host(c, g->on)) < 0)
			return span_fail(err, errlen, fname, g->line, "guest %s on=%s: no host '%s' in "
					 "the file", g->name, g->on, g->on);
	}
	for (int j = 0; j < g->neth; j++) {
		const struct conf_eth *e = &g->eth[j];

		if (e->sw < 0)
			continue;
		if (g->host >= 0 && !(c->sw[e->sw].hosts & (1u << g->host)))
			return span_fail(err, errlen, fname, e->line, "%s %s: switch %s is not on host "
					 "%s (its on=%s)", g->name, conf_dev_name(e, dev), e->sw_name,
					 c->host[g->host].name, c->sw[e->sw].on);
		common &= c->sw[e->sw].hosts;
	}
	if (g->host >= 0)
		return 0;
	if (span_popcount(common) != 1)
		return span_fail(err, errlen, fname, g->line, "guest %s: %s: give on=HOST", g->name,
				 common ? "its switches are on several hosts" :
				 g->neth ? "its switches share no host" : "no switch places it");
	g->host = __builtin_ctz(common);
	return 0;
}

/* Whether a port= spec is a VXLAN trunk; its VNI and UDP port. */
static bool span_port_vxlan(const char *spec, uint32_t *vni, uint16_t *port)
{
	struct transport_spec *t = malloc(sizeof(*t)); /* a few KiB */
	char why[256];
	bool vx;

	if (!t)
		return false;
	vx = transport_parse(spec, t, why, sizeof(why)) == 0 && t->kind == TRANSPORT_VXLAN;
	*vni = t->vec.vni;
	*port = t->vec.local.port;
	free(t);
	return vx;
}

/* A hand-written VXLAN port= must not take a trunk's VNI or UDP port (the trunk's socket could
 * not bind, or the two segments would merge). */
static int span_check_ports(const struct conf *c, const char *fname, char *err, size_t errlen)
{
	for (int i = 0; i < c->nsw; i++)
		for (int k = 0; k < c->sw[i].nport; k++) {
			uint32_t vni;
			uint16_t port;

			if (!span_port_vxlan(c->sw[i].port[k], &vni, &port))
				continue;
			for (int j = 0; j < c->nsw; j++)
				if (span_switch_spans(c, j) && (vni == c->sw[j].vni ||
								port == c->sw[j].trunk_port))
					return span_fail(err, errlen, fname, c->sw[i].line, "switch %s port "
							 "'%s': %s %u: switch %s's trunk uses it", c->sw[i].name,
							 c->sw[i].port[k], vni == c->sw[j].vni ? "vni" :
							 "udp port", vni == c->sw[j].vni ? vni : port,
							 c->sw[j].name);
		}
	return 0;
}

int span_resolve(struct conf *c, const char *fname, char *err, size_t errlen)
{
	int r;

	c->local_host = -1;
	for (int i = 0; i < c->ng; i++)
		c->g[i].host = -1;
	if (!c->nhost) {
		for (int i = 0; i < c->nsw; i++)
			if (c->sw[i].on[0] || c->sw[i].vni_given)
				return span_fail(err, errlen, fname, c->sw[i].line, "switch %s: %s needs "
						 "host lines", c->sw[i].name,
						 c->sw[i].on[0] ? "on=" : "vni=");
		for (int i = 0; i < c->ng; i++)
			if (c->g[i].on[0])
				return span_fail(err, errlen, fname, c->g[i].line, "guest %s on=%s: there "
						 "are no host lines", c->g[i].name, c->g[i].on);
		return 0;
	}
	if ((r = span_switches(c, fname, err, errlen)) ||
	    (r = span_check_ports(c, fname, err, errlen)))
		return r;
	for (int i = 0; i < c->ng; i++)
		if ((r = span_guest_host(c, &c->g[i], fname, err, errlen)))
			return r;
	return 0;
}

void span_peers(const struct conf *c, int i, char *out, size_t len)
{
	size_t n = 0;

	out[0] = 0;
	for (int k = 0; k < c->nhost && n < len; k++)
		if ((c->sw[i].hosts & (1u << k)) && k != c->local_host)
			n += (size_t)snprintf(out + n, len - n, "%s%s %s", n ? ", " : "",
					      c->host[k].name, c->host[k].addr);
}

/* The trunk of spanning switch i: VXLAN from the local host to every other host of it. */
static int span_add_trunk(struct conf *c, int i, char *err, size_t errlen)
{
	struct conf_switch *s = &c->sw[i];
	char spec[CONF_PATH];
	int n;

	if (s->nport == CONF_MAX_SWITCH_PORTS)
		return span_fail(err, errlen, NULL, 0, "switch %s: %d port= already, no room for its "
				 "trunk to the other hosts", s->name, CONF_MAX_SWITCH_PORTS);
	n = snprintf(spec, CONF_PATH, "transport=vxlan,vni=%u,port=%u,local=%s,remote=", s->vni,
		     s->trunk_port, c->host[c->local_host].addr);
	for (int k = 0, first = 1; k < c->nhost; k++) {
		if (!(s->hosts & (1u << k)) || k == c->local_host)
			continue;
		n += snprintf(spec + n, CONF_PATH - (size_t)n, "%s%s", first ? "" : "+",
			      c->host[k].addr);
		first = 0;
	}
	if (n >= CONF_PATH)
		return span_fail(err, errlen, NULL, 0, "switch %s: its trunk's remote list is longer "
				 "than %d characters", s->name, CONF_PATH - 1);
	memcpy(s->port[s->nport++], spec, sizeof(spec));
	return 0;
}

/* Drops the switches and guests elsewhere; the guests' switch indexes follow. */
static void span_compact(struct conf *c)
{
	uint32_t me = 1u << c->local_host;
	int nsw = 0, ng = 0;

	for (int i = 0; i < c->nsw; i++)
		if (c->sw[i].hosts & me)
			c->sw[nsw++] = c->sw[i];
	c->nsw = nsw;
	for (int i = 0; i < c->ng; i++)
		if (c->g[i].host == c->local_host)
			c->g[ng++] = c->g[i];
	c->ng = ng;
	for (int i = 0; i < c->ng; i++)
		for (int j = 0; j < c->g[i].neth; j++)
			if (c->g[i].eth[j].sw >= 0)
				c->g[i].eth[j].sw = conf_find_switch(c, c->g[i].eth[j].sw_name);
}

int span_localize(struct conf *c, const char *host, char *err, size_t errlen)
{
	char names[CONF_MAX_HOSTS * (CONF_NAME + 2)] = "";
	int r;

	if (!c->nhost)
		return span_fail(err, errlen, NULL, 0, "--host %s: %s has no host lines", host,
				 c->file);
	c->local_host = conf_find_host(c, host);
	if (c->local_host < 0) {
		for (int k = 0; k < c->nhost; k++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 k ? ", " : "", c->host[k].name);
		return span_fail(err, errlen, NULL, 0, "--host %s: no host of that name in %s "
				 "(hosts: %s)", host, c->file, names);
	}
	for (int i = 0; i < c->nsw; i++)
		if ((c->sw[i].hosts & (1u << c->local_host)) && span_switch_spans(c, i) &&
		    (r = span_add_trunk(c, i, err, errlen)))
			return r;
	span_compact(c);
	return 0;
}
