// SPDX-License-Identifier: GPL-2.0-or-later
#include "conf.h"

#include "ether.h"
#include "span.h"
#include "transport_spec.h"
#include "vlan.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CONF_MAX_WORDS 32

struct conf_word {
	char *key;   /* the whole word, or the part before '=' */
	char *value; /* after '=', or NULL for a flag */
};

struct conf_parser {
	struct conf *c;
	const char *fname;
	int line;
	int guest; /* the block indented lines belong to, or -1 */
	enum conf_guest_kind guest_kind; /* of the guest line being read */
	char *err;
	size_t errlen;
};

static int conf_fail(struct conf_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reports "<file>:<line>: <message>" once; every parse error goes through here. */
static int conf_fail(struct conf_parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->fname, p->line, msg);
	return -EINVAL;
}

bool conf_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= CONF_NAME || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

/*
 * Splits a line (modified in place) into words; "#" starts a comment outside quotes; a value may
 * be double-quoted with \" and \\ inside. Returns the count or -EINVAL (error reported).
 */
static int conf_split(struct conf_parser *p, char *s, struct conf_word *w)
{
	int n = 0;

	for (;;) {
		char *out;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			return n;
		if (n == CONF_MAX_WORDS)
			return conf_fail(p, "more than %d words on one line", CONF_MAX_WORDS);
		w[n].key = out = s;
		w[n].value = NULL;
		while (*s && *s != ' ' && *s != '\t') {
			/* Control characters cannot be written back unchanged (a trailing CR is a
			 * line end), and no name or path needs one. */
			if ((unsigned char)*s < 0x20)
				return conf_fail(p, "control character 0x%02x in the line",
						 (unsigned char)*s);
			if (*s == '=' && !w[n].value) {
				*out++ = '\0';
				w[n].value = out;
				s++;
				if (*s == '"') {
					for (s++; *s && *s != '"'; s++) {
						if ((unsigned char)*s < 0x20 && *s != '\t')
							return conf_fail(p, "control character 0x%02x in a quoted value",
									 (unsigned char)*s);
						if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
							s++;
						*out++ = *s;
					}
					if (*s != '"')
						return conf_fail(p, "%s: the quoted value has no closing '\"'",
								 w[n].key);
					s++;
					continue;
				}
				continue;
			}
			*out++ = *s++;
		}
		if (*s)
			s++;
		*out = '\0';
		n++;
	}
}

static int conf_copy(struct conf_parser *p, const struct conf_word *w, char *dst, size_t len)
{
	if (!w->value || !*w->value)
		return conf_fail(p, "%s: needs a value (%s=...)", w->key, w->key);
	if (strlen(w->value) >= len)
		return conf_fail(p, "%s '%.40s...': longer than %zu characters", w->key, w->value,
				 len - 1);
	strcpy(dst, w->value);
	return 0;
}

static int conf_flag(struct conf_parser *p, const struct conf_word *w, bool *flag)
{
	if (w->value)
		return conf_fail(p, "%s: is a flag and takes no value (got '%s')", w->key, w->value);
	*flag = true;
	return 0;
}

static int conf_unknown(struct conf_parser *p, const char *what, const struct conf_word *w,
			const char *known)
{
	return conf_fail(p, "%s: unknown option '%s' (known: %s)", what, w->key, known);
}

/* a.b.c.d/len (with_len) or a.b.c.d. */
bool conf_ipv4_ok(const char *s, bool with_len)
{
	char addr[CONF_ADDR];
	struct in_addr a;
	const char *slash = strchr(s, '/');
	char *end;
	long len;

	if (!with_len)
		return !slash && inet_pton(AF_INET, s, &a) == 1;
	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return false;
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - s), s);
	len = strtol(slash + 1, &end, 10);
	return inet_pton(AF_INET, addr, &a) == 1 && end != slash + 1 && !*end && len >= 0 &&
	       len <= 32;
}

static int conf_ip(struct conf_parser *p, const struct conf_word *w, char *dst)
{
	int err = conf_copy(p, w, dst, CONF_ADDR);

	if (!err && !conf_ipv4_ok(dst, true))
		return conf_fail(p, "%s '%s': expected an IPv4 address with a prefix length, such "
				    "as 10.0.0.1/24", w->key, w->value);
	return err;
}

/* A MAC the UML kernel takes without falling back to a random one (doc/mac-and-misc.md §1.1). */
static int conf_mac(struct conf_parser *p, const struct conf_word *w, char *dst)
{
	unsigned int b[6];
	char tail;
	int err = conf_copy(p, w, dst, 18);

	if (err)
		return err;
	if (sscanf(dst, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6 || strlen(dst) != 17)
		return conf_fail(p, "mac '%s': expected six hex bytes such as 02:00:0a:00:00:01",
				 w->value);
	if (b[0] & 1)
		return conf_fail(p, "mac '%s': a multicast address (the first byte is odd); the "
				    "guest kernel would refuse it", w->value);
	if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
		return conf_fail(p, "mac '%s': all zero; the guest kernel would refuse it", w->value);
	return 0;
}

static int conf_mem(struct conf_parser *p, const struct conf_word *w, char *dst)
{
	char *end;
	unsigned long v;
	int err = conf_copy(p, w, dst, 16);

	if (err)
		return err;
	v = strtoul(dst, &end, 10);
	if (end == dst || !isdigit((unsigned char)dst[0]) ||
	    !(*end == '\0' || (strchr("KMG", toupper((unsigned char)*end)) && end[1] == '\0')) ||
	    v == 0)
		return conf_fail(p, "mem '%s': expected a size such as 64M", w->value);
	return 0;
}

static int conf_abs_path(struct conf_parser *p, const struct conf_word *w, char *dst, size_t len)
{
	int err = conf_copy(p, w, dst, len);

	if (!err && dst[0] != '/')
		return conf_fail(p, "%s '%s': expected an absolute path (%s)", w->key, w->value,
				 p->guest_kind == CONF_GUEST_QEMU ? "QEMU runs in the state "
				 "directory" : "the guest reads it through the host's /");
	return err;
}

/* base=DIR: it travels on the kernel command line to overlayfs's lowerdir=, which split at
 * spaces, ',' and ':'. */
static int conf_base(struct conf_parser *p, const struct conf_word *w, char *dst, size_t len)
{
	int err = conf_abs_path(p, w, dst, len);

	if (!err && dst[strcspn(dst, ",: \t\"'\\")])
		return conf_fail(p, "base '%s': a lower layer's path takes no space, quote, ',' or "
				    "':'", dst);
	return err;
}

static int conf_new_name(struct conf_parser *p, const char *what, const struct conf_word *w,
			 int nwords, char *dst)
{
	const struct conf *c = p->c;

	if (nwords < 2)
		return conf_fail(p, "%s: needs a name", what);
	if (w->value || !conf_name_ok(w->key))
		return conf_fail(p, "%s name '%s%s%s': use 1 to 31 letters, digits, '_' or '-'", what,
				 w->key, w->value ? "=" : "", w->value ? w->value : "");
	if (conf_find_switch(c, w->key) >= 0 || conf_find_guest(c, w->key) >= 0)
		return conf_fail(p, "%s name '%s': already used by a switch or guest", what, w->key);
	for (int i = 0; i < c->ndev; i++)
		if (!strcmp(c->dev[i].name, w->key))
			return conf_fail(p, "%s name '%s': already used by a host device", what,
					 w->key);
	strcpy(dst, w->key);
	return 0;
}

/* port=SPEC: an endpoint of UML's syntax (uml_switch -port), checked here so that a typo is
 * reported with its line, not by a switch that fails to start. */
static int conf_switch_port(struct conf_parser *p, struct conf_word *w, struct conf_switch *s)
{
	struct transport_spec *t;
	struct vlan_port vlan;
	char why[256], base[CONF_PATH];
	bool given;
	int err;

	if (s->nport == CONF_MAX_SWITCH_PORTS)
		return conf_fail(p, "switch: more than %d port=", CONF_MAX_SWITCH_PORTS);
	if ((err = conf_copy(p, w, s->port[s->nport], CONF_PATH)))
		return err;
	/* A trailing ",vlan=N" or ",trunk=..." is the switch's, not the transport's (-port). */
	if (vlan_spec_split(s->port[s->nport], base, sizeof(base), &vlan, &given, why, sizeof(why)))
		return conf_fail(p, "switch port '%s': %s", s->port[s->nport], why);
	t = malloc(sizeof(*t)); /* a few KiB */
	if (!t)
		return conf_fail(p, "out of memory");
	err = transport_parse(base, t, why, sizeof(why));
	free(t);
	if (err)
		return conf_fail(p, "switch port '%s': %s", s->port[s->nport], why);
	s->nport++;
	return 0;
}

/* vni=N of a switch that spans hosts: its trunks' VXLAN network identifier. */
static int conf_vni(struct conf_parser *p, const struct conf_word *w, struct conf_switch *s)
{
	char *end;
	unsigned long v;

	if (!w->value || !isdigit((unsigned char)w->value[0]))
		return conf_fail(p, "vni '%s': expected a number from 0 to 16777215",
				 w->value ? w->value : "");
	errno = 0;
	v = strtoul(w->value, &end, 10);
	if (errno || *end || v > 0xffffff)
		return conf_fail(p, "vni '%s': expected a number from 0 to 16777215", w->value);
	s->vni = (uint32_t)v;
	s->vni_given = true;
	return 0;
}

/* hostfwd=tcp|udp:...: checked for its shape here (the words umlnet-slirp takes), for its
 * addresses and ports by umlnet-slirp. */
static int conf_hostfwd(struct conf_parser *p, const struct conf_word *w, struct conf_switch *s)
{
	char *dst;
	int err;

	if (s->nhostfwd >= CONF_MAX_HOSTFWD)
		return conf_fail(p, "switch %s: more than %d hostfwd=", s->name, CONF_MAX_HOSTFWD);
	dst = s->hostfwd[s->nhostfwd];
	err = conf_copy(p, w, dst, CONF_HOSTFWD);
	if (!err && ((strncmp(dst, "tcp:", 4) && strncmp(dst, "udp:", 4)) ||
		     dst[4 + strspn(dst + 4, "0123456789.:-")]))
		return conf_fail(p, "hostfwd '%s': expected tcp|udp:HOSTPORT:GUESTPORT or "
				    "tcp|udp:[HADDR]:HPORT-[GADDR]:GPORT", dst);
	s->nhostfwd += !err;
	return err;
}

static int conf_switch_line(struct conf_parser *p, struct conf_word *w, int n)
{
	struct conf *c = p->c;
	struct conf_switch *s;
	int err;

	if (c->nsw == CONF_MAX_SWITCHES)
		return conf_fail(p, "switch: more than %d switches", CONF_MAX_SWITCHES);
	s = &c->sw[c->nsw];
	memset(s, 0, sizeof(*s));
	err = conf_new_name(p, "switch", &w[1], n, s->name);
	for (int i = 2; !err && i < n; i++) {
		if (!strcmp(w[i].key, "hub"))
			err = conf_flag(p, &w[i], &s->hub);
		else if (!strcmp(w[i].key, "slirp"))
			err = conf_flag(p, &w[i], &s->slirp);
		else if (!strcmp(w[i].key, "host-loopback"))
			err = conf_flag(p, &w[i], &s->host_loopback);
		else if (!strcmp(w[i].key, "hostfwd"))
			err = conf_hostfwd(p, &w[i], s);
		else if (!strcmp(w[i].key, "socket"))
			err = conf_abs_path(p, &w[i], s->socket, 100);
		else if (!strcmp(w[i].key, "tap")) {
			err = conf_copy(p, &w[i], s->tap, 16);
			if (!err && !conf_name_ok(s->tap))
				err = conf_fail(p, "tap '%s': not a valid interface name", s->tap);
		} else if (!strcmp(w[i].key, "port"))
			err = conf_switch_port(p, &w[i], s);
		else if (!strcmp(w[i].key, "on"))
			err = conf_copy(p, &w[i], s->on, sizeof(s->on));
		else if (!strcmp(w[i].key, "vni"))
			err = conf_vni(p, &w[i], s);
		else
			err = conf_unknown(p, "switch", &w[i],
					   "hub, slirp, host-loopback, hostfwd=, socket=, tap=, port=, "
					   "on=, vni=");
	}
	if (!err && s->host_loopback && !s->slirp)
		err = conf_fail(p, "switch %s: host-loopback is a property of its slirp gateway: "
				"add slirp", s->name);
	if (!err && s->nhostfwd && !s->slirp)
		err = conf_fail(p, "switch %s: hostfwd= is a property of its slirp gateway: add slirp",
				s->name);
	if (err)
		return err;
	s->line = p->line;
	c->nsw++;
	return 0;
}

/* The keys of a `guest NAME qemu` line. */
static int conf_qemu_key(struct conf_parser *p, struct conf_word *w, struct conf_guest *g)
{
	if (!strcmp(w->key, "mem"))
		return conf_mem(p, w, g->mem);
	if (!strcmp(w->key, "kernel"))
		return conf_abs_path(p, w, g->kernel, sizeof(g->kernel));
	if (!strcmp(w->key, "initrd"))
		return conf_abs_path(p, w, g->initrd, sizeof(g->initrd));
	if (!strcmp(w->key, "disk"))
		return conf_abs_path(p, w, g->disk, sizeof(g->disk));
	if (!strcmp(w->key, "append"))
		return conf_copy(p, w, g->append, sizeof(g->append));
	return conf_unknown(p, "guest (qemu)", w, "mem=, kernel=, initrd=, append=, disk=, on=");
}

/* What a QEMU guest's keys must agree on. */
static int conf_qemu_check(struct conf_parser *p, const struct conf_guest *g)
{
	if (g->initrd[0] && !g->kernel[0])
		return conf_fail(p, "initrd '%s': needs kernel= too", g->initrd);
	if (g->append[0] && !g->kernel[0] && g->disk[0])
		return conf_fail(p, "append '%s': needs kernel= (a disk= VM boots its own kernel "
				    "command line)", g->append);
	return 0;
}

static int conf_guest_line(struct conf_parser *p, struct conf_word *w, int n,
			   enum conf_guest_kind kind)
{
	struct conf *c = p->c;
	struct conf_guest *g;
	int err;

	if (c->ng == CONF_MAX_GUESTS)
		return conf_fail(p, "guest: more than %d guests", CONF_MAX_GUESTS);
	g = &c->g[c->ng];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	strcpy(g->mem, "64M");
	err = conf_new_name(p, w[0].key, &w[1], n, g->name);
	if (kind == CONF_GUEST_UML && n > 2 && !strcmp(w[2].key, "qemu") && !w[2].value) {
		g->kind = kind = CONF_GUEST_QEMU;
		strcpy(g->mem, "256M");
	}
	p->guest_kind = kind;
	for (int i = kind == CONF_GUEST_QEMU ? 3 : 2; !err && i < n; i++) {
		if (!strcmp(w[i].key, "on")) {
			err = conf_copy(p, &w[i], g->on, sizeof(g->on));
			if (!err && !conf_name_ok(g->on))
				err = conf_fail(p, "on '%s': one host name", g->on);
		} else if (kind == CONF_GUEST_NETNS)
			err = conf_unknown(p, "netns", &w[i], "on=; add eth lines below it");
		else if (kind == CONF_GUEST_QEMU)
			err = conf_qemu_key(p, &w[i], g);
		else if (!strcmp(w[i].key, "mem"))
			err = conf_mem(p, &w[i], g->mem);
		else if (!strcmp(w[i].key, "kernel"))
			err = conf_copy(p, &w[i], g->kernel, sizeof(g->kernel));
		else if (!strcmp(w[i].key, "root"))
			err = conf_abs_path(p, &w[i], g->root, sizeof(g->root));
		else if (!strcmp(w[i].key, "init"))
			err = conf_abs_path(p, &w[i], g->init, sizeof(g->init));
		else if (!strcmp(w[i].key, "base"))
			err = conf_base(p, &w[i], g->base, sizeof(g->base));
		else if (!strcmp(w[i].key, "run"))
			err = conf_copy(p, &w[i], g->run, sizeof(g->run));
		else if (!strcmp(w[i].key, "forward"))
			err = conf_flag(p, &w[i], &g->forward);
		else
			err = conf_unknown(p, "guest", &w[i], "qemu (first), mem=, kernel=, root=, "
							     "init=, base=, run=, forward, on=");
	}
	if (!err && kind == CONF_GUEST_QEMU)
		err = conf_qemu_check(p, g);
	if (err)
		return err;
	g->line = p->line;
	p->guest = c->ng++;
	return 0;
}

/* "eth<N>" or "vec<N>" with N from 0 to CONF_MAX_ETH - 1, written without leading zeros; *vec
 * tells which. */
static int conf_dev_index(const char *s, bool *vec)
{
	char *end;
	long v;

	*vec = !strncmp(s, "vec", 3);
	if ((!*vec && strncmp(s, "eth", 3)) || !isdigit((unsigned char)s[3]) ||
	    (s[3] == '0' && s[4]))
		return -1;
	v = strtol(s + 3, &end, 10);
	return *end || v >= CONF_MAX_ETH ? -1 : (int)v;
}

const char *conf_dev_name(const struct conf_eth *e, char *out)
{
	snprintf(out, CONF_DEV_NAME, "%s%d", e->vec ? "vec" : "eth", e->index);
	return out;
}

const char *conf_hashed_mac(const char *name, int index, char *out)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	uint8_t mac[ETHER_ADDR_LEN];

	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	h = (h ^ (uint8_t)index) * 0x100000001b3ULL;
	mac[0] = 0x02; /* locally administered, unicast */
	for (int k = 1; k < ETHER_ADDR_LEN; k++)
		mac[k] = (uint8_t)(h >> (8 * k));
	return mac_format(mac, out);
}

bool conf_has_qemu(const struct conf *c)
{
	for (int i = 0; i < c->ng; i++)
		if (c->g[i].kind == CONF_GUEST_QEMU)
			return true;
	return false;
}

bool conf_switch_has_vec(const struct conf *c, int sw)
{
	for (int i = 0; i < c->ng; i++)
		for (int j = 0; j < c->g[i].neth; j++)
			if (c->g[i].eth[j].vec && c->g[i].eth[j].sw == sw)
				return true;
	return false;
}

/* vlan=N or trunk=LIST[,native=N] on a device line, checked and kept in canonical form. */
static int conf_eth_vlan(struct conf_parser *p, const struct conf_word *w, struct conf_eth *e)
{
	char text[CONF_VLAN + 8], why[256];
	struct vlan_port v;
	int err;

	if (e->vlan[0])
		return conf_fail(p, "%s: a device has one VLAN setting (already %s)", w->key, e->vlan);
	if ((err = conf_copy(p, w, text, CONF_VLAN - 8)))
		return err;
	snprintf(text, sizeof(text), "%s=%s", w->key, w->value);
	if (vlan_port_parse(text, &v, why, sizeof(why)))
		return conf_fail(p, "%s", why);
	vlan_port_format(&v, e->vlan, sizeof(e->vlan));
	return 0;
}

static int conf_eth_line(struct conf_parser *p, struct conf_word *w, int n)
{
	struct conf_guest *g = &p->c->g[p->guest];
	bool uml = g->kind == CONF_GUEST_UML, qemu = g->kind == CONF_GUEST_QEMU, vec;
	struct conf_eth *e;
	int idx = conf_dev_index(w[0].key, &vec), err = 0;

	if (w[0].value)
		return conf_fail(p, "%s: write '%s %s', a space not '='", w[0].key, w[0].key,
				 w[0].value);
	if (idx < 0)
		return conf_fail(p, uml ? "device '%s': expected eth0 to eth%d or vec0 to vec%d" :
				 "device '%s': expected eth0 to eth%d", w[0].key, CONF_MAX_ETH - 1,
				 CONF_MAX_ETH - 1);
	if (vec && !uml)
		return conf_fail(p, "%s: vector devices belong to UML guests; %s '%s' takes eth "
				    "devices only", w[0].key, qemu ? "qemu guest" : "netns", g->name);
	for (int i = 0; i < g->neth; i++)
		if (g->eth[i].index == idx && g->eth[i].vec == vec)
			return conf_fail(p, "%s: already defined for %s '%s' on line %d", w[0].key,
					 uml || qemu ? "guest" : "netns", g->name, g->eth[i].line);
	e = &g->eth[g->neth];
	memset(e, 0, sizeof(*e));
	e->vec = vec;
	e->index = idx;
	e->sw = -1;
	if (n < 2)
		return conf_fail(p, vec ? "%s: needs a switch name" :
				 "%s: needs a switch name or spec=<transport>", w[0].key);
	for (int i = 1; !err && i < n; i++) {
		if (i == 1 && !w[i].value) {
			if (!conf_name_ok(w[i].key))
				err = conf_fail(p, "%s switch '%s': not a valid name", w[0].key,
						w[i].key);
			else
				strcpy(e->sw_name, w[i].key);
		} else if (!strcmp(w[i].key, "ip")) {
			err = conf_ip(p, &w[i], e->ip);
		} else if (!strcmp(w[i].key, "mac")) {
			err = conf_mac(p, &w[i], e->mac);
		} else if ((!strcmp(w[i].key, "vlan") || !strcmp(w[i].key, "trunk")) && qemu) {
			err = conf_fail(p, "%s: %s=: not for a qemu guest's device (its port is a "
					   "stream connection, which takes no VLAN setting)", w[0].key,
					w[i].key);
		} else if (!strcmp(w[i].key, "vlan") || !strcmp(w[i].key, "trunk")) {
			err = conf_eth_vlan(p, &w[i], e);
		} else if (!strcmp(w[i].key, "spec") && vec) {
			err = conf_fail(p, "%s: spec= is for eth devices; a vec device names its "
					   "switch (its bess socket is made by umlnet)", w[0].key);
		} else if (!strcmp(w[i].key, "spec") && uml) {
			err = conf_copy(p, &w[i], e->spec, sizeof(e->spec));
			if (!err && e->sw_name[0])
				err = conf_fail(p, "%s: give a switch or spec=, not both", w[0].key);
		} else {
			err = conf_unknown(p, w[0].key, &w[i], uml && !vec ?
					   "a switch name first, then ip=, mac=, vlan=, trunk=; "
					   "or spec=" :
					   "a switch name first, then ip=, mac=, vlan=, trunk=");
		}
	}
	if (err)
		return err;
	if (!e->sw_name[0] && !e->spec[0])
		return conf_fail(p, "%s: needs a switch name (or spec=<transport>) first", w[0].key);
	if (e->spec[0] && e->mac[0])
		return conf_fail(p, "%s: mac= goes inside spec= for a raw transport", w[0].key);
	if (e->spec[0] && e->vlan[0])
		return conf_fail(p, "%s: %s: VLANs are set on a switch's port; a raw spec= has none",
				 w[0].key, e->vlan);
	e->line = p->line;
	g->neth++;
	return 0;
}

/* route DEST via GW */
static int conf_route_line(struct conf_parser *p, struct conf_word *w, int n,
			   struct conf_route *r, int *count)
{
	if (*count == CONF_MAX_ROUTES)
		return conf_fail(p, "route: more than %d routes", CONF_MAX_ROUTES);
	if (n != 4 || strcmp(w[2].key, "via") || w[1].value || w[3].value)
		return conf_fail(p, "route: expected 'route <dest> via <gateway>'");
	if (strcmp(w[1].key, "default") && !conf_ipv4_ok(w[1].key, true))
		return conf_fail(p, "route destination '%s': expected 'default' or a network such as "
				    "10.2.0.0/24", w[1].key);
	if (!conf_ipv4_ok(w[3].key, false))
		return conf_fail(p, "route gateway '%s': expected an IPv4 address", w[3].key);
	r = &r[*count];
	snprintf(r->dest, sizeof(r->dest), "%s", w[1].key);
	snprintf(r->via, sizeof(r->via), "%s", w[3].key);
	r->line = p->line;
	(*count)++;
	return 0;
}

/* guest=a.b.c.d on a tap line (repeatable) */
static int conf_hostguest(struct conf_parser *p, const struct conf_word *w,
			  struct conf_hostdev *d)
{
	int err;

	if (d->nguest == CONF_MAX_HOSTGUESTS)
		return conf_fail(p, "guest: more than %d per tap", CONF_MAX_HOSTGUESTS);
	err = conf_copy(p, w, d->guest[d->nguest], sizeof(d->guest[0]));
	if (!err && !conf_ipv4_ok(d->guest[d->nguest], false))
		return conf_fail(p, "guest '%s': expected an IPv4 address such as 10.0.0.2",
				 w->value);
	if (!err)
		d->nguest++;
	return err;
}

static int conf_hostdev_line(struct conf_parser *p, struct conf_word *w, int n, bool bridge)
{
	struct conf *c = p->c;
	struct conf_hostdev *d;
	int err;

	if (c->ndev == CONF_MAX_HOSTDEVS)
		return conf_fail(p, "%s: more than %d host devices", w[0].key, CONF_MAX_HOSTDEVS);
	d = &c->dev[c->ndev];
	memset(d, 0, sizeof(*d));
	d->bridge = bridge;
	err = conf_new_name(p, w[0].key, &w[1], n, d->name);
	if (!err && strlen(d->name) > 15)
		err = conf_fail(p, "%s name '%s': interface names have at most 15 characters",
				w[0].key, d->name);
	for (int i = 2; !err && i < n; i++) {
		if (!strcmp(w[i].key, "ip"))
			err = conf_ip(p, &w[i], d->ip);
		else if (!strcmp(w[i].key, "proxyarp"))
			err = conf_flag(p, &w[i], &d->proxy_arp);
		else if (!bridge && !strcmp(w[i].key, "user"))
			err = conf_copy(p, &w[i], d->user, sizeof(d->user));
		else if (!bridge && !strcmp(w[i].key, "bridge"))
			err = conf_copy(p, &w[i], d->master, sizeof(d->master));
		else if (!bridge && !strcmp(w[i].key, "guest"))
			err = conf_hostguest(p, &w[i], d);
		else
			err = conf_unknown(p, w[0].key, &w[i], bridge ? "ip=, proxyarp" :
					   "ip=, user=, bridge=, guest=, proxyarp");
	}
	if (err)
		return err;
	d->line = p->line;
	c->ndev++;
	return 0;
}

/* host NAME addr=IP (span.h). The address is numeric, IPv4 or IPv6 but not link-local: every
 * host reads the same file, and an interface name would differ between them. */
static int conf_host_line(struct conf_parser *p, struct conf_word *w, int n)
{
	struct conf *c = p->c;
	struct conf_host *h = &c->host[c->nhost];
	struct in6_addr a6;
	struct in_addr a4;
	int k;

	if (n < 2 || w[1].value || !conf_name_ok(w[1].key))
		return conf_fail(p, "host name '%s': use 1 to 31 letters, digits, '_' or '-'",
				 n > 1 ? w[1].key : "");
	if ((k = conf_find_host(c, w[1].key)) >= 0)
		return conf_fail(p, "host '%s': already defined on line %d", w[1].key,
				 c->host[k].line);
	if (c->nhost == CONF_MAX_HOSTS)
		return conf_fail(p, "host: more than %d hosts", CONF_MAX_HOSTS);
	memset(h, 0, sizeof(*h));
	strcpy(h->name, w[1].key);
	for (int i = 2; i < n; i++) {
		int err;

		if (strcmp(w[i].key, "addr"))
			return conf_unknown(p, "host", &w[i], "addr=");
		if ((err = conf_copy(p, &w[i], h->addr, sizeof(h->addr))))
			return err;
		if (inet_pton(AF_INET, h->addr, &a4) != 1 &&
		    (inet_pton(AF_INET6, h->addr, &a6) != 1 || IN6_IS_ADDR_LINKLOCAL(&a6) ||
		     IN6_IS_ADDR_MULTICAST(&a6)))
			return conf_fail(p, "host %s addr '%s': expected a numeric IPv4 or global IPv6 "
					 "address", h->name, h->addr);
	}
	if (!h->addr[0])
		return conf_fail(p, "host %s: needs addr=IP (its end of the VXLAN trunks)", h->name);
	for (k = 0; k < c->nhost; k++)
		if (!strcmp(c->host[k].addr, h->addr))
			return conf_fail(p, "host %s addr=%s: host %s (line %d) has it too", h->name,
					 h->addr, c->host[k].name, c->host[k].line);
	h->line = p->line;
	c->nhost++;
	return 0;
}

static int conf_network_line(struct conf_parser *p, struct conf_word *w, int n)
{
	if (n != 2 || w[1].value || !conf_name_ok(w[1].key))
		return conf_fail(p, "network name '%s': use 1 to 31 letters, digits, '_' or '-'",
				 n > 1 ? w[1].key : "");
	strcpy(p->c->name, w[1].key);
	p->c->named = true;
	return 0;
}

static int conf_line(struct conf_parser *p, char *line)
{
	struct conf_word w[CONF_MAX_WORDS] = { { NULL, NULL } };
	bool indented = line[0] == ' ' || line[0] == '\t';
	int n = conf_split(p, line, w);

	if (n <= 0)
		return n;
	if (indented) {
		if (p->guest < 0)
			return conf_fail(p, "'%s': an indented line belongs to a guest or netns, and "
					    "there is none above it", w[0].key);
		if (!strcmp(w[0].key, "route")) {
			struct conf_guest *g = &p->c->g[p->guest];

			return conf_route_line(p, w, n, g->route, &g->nroute);
		}
		return conf_eth_line(p, w, n);
	}
	p->guest = -1;
	if (w[0].value)
		return conf_fail(p, "'%s=%s': a line starts with a keyword (switch, guest, netns, "
				    "tap, bridge, route, network, host)", w[0].key, w[0].value);
	if (!strcmp(w[0].key, "switch"))
		return conf_switch_line(p, w, n);
	if (!strcmp(w[0].key, "guest"))
		return conf_guest_line(p, w, n, CONF_GUEST_UML);
	if (!strcmp(w[0].key, "netns"))
		return conf_guest_line(p, w, n, CONF_GUEST_NETNS);
	if (!strcmp(w[0].key, "tap") || !strcmp(w[0].key, "bridge"))
		return conf_hostdev_line(p, w, n, w[0].key[0] == 'b');
	if (!strcmp(w[0].key, "route"))
		return conf_route_line(p, w, n, p->c->route, &p->c->nroute);
	if (!strcmp(w[0].key, "network"))
		return conf_network_line(p, w, n);
	if (!strcmp(w[0].key, "host"))
		return conf_host_line(p, w, n);
	return conf_fail(p, "unknown keyword '%s' (known: switch, guest, netns, tap, bridge, "
			    "route, network, host)", w[0].key);
}

/* Second pass: every eth and vec line names an existing switch; taps join existing bridges. */
static int conf_resolve(struct conf_parser *p)
{
	struct conf *c = p->c;

	for (int i = 0; i < c->ng; i++) {
		for (int j = 0; j < c->g[i].neth; j++) {
			struct conf_eth *e = &c->g[i].eth[j];

			if (!e->sw_name[0])
				continue;
			e->sw = conf_find_switch(c, e->sw_name);
			p->line = e->line;
			if (e->sw < 0) {
				char dev[CONF_DEV_NAME];

				return conf_fail(p, "%s switch '%s': no switch of that name in the "
						    "file", conf_dev_name(e, dev), e->sw_name);
			}
		}
	}
	for (int i = 0; i < c->ndev; i++) {
		const char *m = c->dev[i].master;
		int k;

		if (!m[0])
			continue;
		for (k = 0; k < c->ndev && !(c->dev[k].bridge && !strcmp(c->dev[k].name, m)); k++)
			;
		p->line = c->dev[i].line;
		if (k == c->ndev)
			return conf_fail(p, "bridge '%s': no bridge of that name in the file", m);
	}
	for (int i = 0; i < c->nsw; i++)
		for (int k = 0; k < i; k++)
			if (c->sw[i].socket[0] && !strcmp(c->sw[i].socket, c->sw[k].socket)) {
				p->line = c->sw[i].line;
				return conf_fail(p, "socket '%s': switch '%s' uses it too",
						 c->sw[i].socket, c->sw[k].name);
			}
	return 0;
}

int conf_parse(struct conf *c, const char *text, const char *fname, char *err, size_t errlen)
{
	struct conf_parser p = { .c = c, .fname = fname, .guest = -1, .err = err, .errlen = errlen };
	char line[2048];
	int rc = 0;

	while (*text && !rc) {
		size_t n = strcspn(text, "\n");

		p.line++;
		if (n >= sizeof(line))
			return conf_fail(&p, "line longer than %zu characters", sizeof(line) - 1);
		memcpy(line, text, n);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		rc = conf_line(&p, line);
		text += n + (text[n] == '\n');
	}
	if (!rc)
		rc = conf_resolve(&p);
	if (!rc && !c->name[0])
		snprintf(c->name, sizeof(c->name), "umlnet");
	if (!rc)
		rc = span_resolve(c, fname, err, errlen);
	return rc;
}

void conf_default_name(struct conf *c, const char *path)
{
	const char *base = strrchr(path, '/');
	char name[CONF_NAME];
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	if (n == 0 || n >= sizeof(name))
		return;
	snprintf(name, sizeof(name), "%.*s", (int)n, base);
	if (conf_name_ok(name))
		strcpy(c->name, name);
}

int conf_read_file(const char *path, char **text, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, got;
	int rc = 0;

	*text = NULL;
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	do {
		if (len + 4096 + 1 > cap) {
			char *t = realloc(buf, cap = cap * 2 + 8192);

			if (!t) {
				rc = -ENOMEM;
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			buf = t;
		}
		got = fread(buf + len, 1, 4096, f);
		len += got;
		if (len > (1 << 20)) {
			rc = -EFBIG;
			snprintf(err, errlen, "%s: larger than 1 MiB", path);
			goto out;
		}
	} while (got);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		rc = -EINVAL;
		snprintf(err, errlen, "%s: contains a NUL byte (not a text file)", path);
		goto out;
	}
	*text = buf;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

int conf_load(struct conf *c, const char *path, char **text_out, char *err, size_t errlen)
{
	char *text;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = conf_read_file(path, &text, err, errlen);
	if (rc)
		return rc;
	snprintf(c->file, sizeof(c->file), "%s", path);
	rc = conf_parse(c, text, path, err, errlen);
	if (!rc && !c->named) {
		conf_default_name(c, path);
		rc = span_resolve(c, path, err, errlen); /* VNIs follow the name */
	}
	if (!rc && text_out)
		*text_out = text;
	else
		free(text);
	return rc;
}

int conf_find_switch(const struct conf *c, const char *name)
{
	for (int i = 0; i < c->nsw; i++)
		if (!strcmp(c->sw[i].name, name))
			return i;
	return -1;
}

int conf_find_host(const struct conf *c, const char *name)
{
	for (int i = 0; i < c->nhost; i++)
		if (!strcmp(c->host[i].name, name))
			return i;
	return -1;
}

int conf_find_guest(const struct conf *c, const char *name)
{
	for (int i = 0; i < c->ng; i++)
		if (!strcmp(c->g[i].name, name))
			return i;
	return -1;
}

/* Writes key="value" with the quoting conf_split undoes. */
static void conf_print_value(FILE *f, const char *key, const char *v)
{
	fprintf(f, " %s=", key);
	if (!v[strcspn(v, " \t#\"\\")]) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

static void conf_print_opt(FILE *f, const char *key, const char *v)
{
	if (v[0])
		conf_print_value(f, key, v);
}

static void conf_print_routes(FILE *f, const char *indent, const struct conf_route *r, int n)
{
	for (int i = 0; i < n; i++)
		fprintf(f, "%sroute %s via %s\n", indent, r[i].dest, r[i].via);
}

static void conf_print_guest(FILE *f, const struct conf *c, const struct conf_guest *g)
{
	fprintf(f, "%s %s", g->kind == CONF_GUEST_NETNS ? "netns" : "guest", g->name);
	if (g->kind == CONF_GUEST_QEMU) {
		fputs(" qemu", f);
		conf_print_value(f, "mem", g->mem);
		conf_print_opt(f, "kernel", g->kernel);
		conf_print_opt(f, "initrd", g->initrd);
		conf_print_opt(f, "append", g->append);
		conf_print_opt(f, "disk", g->disk);
	}
	if (g->kind == CONF_GUEST_UML) {
		conf_print_value(f, "mem", g->mem);
		conf_print_opt(f, "kernel", g->kernel);
		conf_print_opt(f, "root", g->root);
		conf_print_opt(f, "init", g->init);
		conf_print_opt(f, "base", g->base);
		conf_print_opt(f, "run", g->run);
		fputs(g->forward ? " forward" : "", f);
	}
	conf_print_opt(f, "on", g->on);
	fputc('\n', f);
	for (int j = 0; j < g->neth; j++) {
		const struct conf_eth *e = &g->eth[j];
		char dev[CONF_DEV_NAME];

		fprintf(f, "    %s", conf_dev_name(e, dev));
		if (e->sw >= 0)
			fprintf(f, " %s", c->sw[e->sw].name);
		conf_print_opt(f, "spec", e->spec);
		conf_print_opt(f, "ip", e->ip);
		conf_print_opt(f, "mac", e->mac);
		if (e->vlan[0])
			fprintf(f, " %s", e->vlan);
		fputc('\n', f);
	}
	conf_print_routes(f, "    ", g->route, g->nroute);
}

void conf_print(const struct conf *c, FILE *f)
{
	fprintf(f, "network %s\n", c->name);
	for (int i = 0; i < c->nhost; i++)
		fprintf(f, "host %s addr=%s\n", c->host[i].name, c->host[i].addr);
	for (int i = 0; i < c->ndev; i++) {
		const struct conf_hostdev *d = &c->dev[i];

		fprintf(f, "%s %s", d->bridge ? "bridge" : "tap", d->name);
		conf_print_opt(f, "ip", d->ip);
		conf_print_opt(f, "user", d->user);
		conf_print_opt(f, "bridge", d->master);
		for (int k = 0; k < d->nguest; k++)
			conf_print_opt(f, "guest", d->guest[k]);
		fputs(d->proxy_arp ? " proxyarp\n" : "\n", f);
	}
	conf_print_routes(f, "", c->route, c->nroute);
	for (int i = 0; i < c->nsw; i++) {
		const struct conf_switch *s = &c->sw[i];

		fprintf(f, "switch %s%s%s%s", s->name, s->hub ? " hub" : "", s->slirp ? " slirp" : "",
			s->host_loopback ? " host-loopback" : "");
		for (int k = 0; k < s->nhostfwd; k++)
			conf_print_opt(f, "hostfwd", s->hostfwd[k]);
		conf_print_opt(f, "socket", s->socket);
		conf_print_opt(f, "tap", s->tap);
		for (int k = 0; k < s->nport; k++)
			conf_print_opt(f, "port", s->port[k]);
		conf_print_opt(f, "on", s->on);
		if (s->vni_given)
			fprintf(f, " vni=%u", s->vni);
		if (span_switch_spans(c, i))
			fprintf(f, "  # trunk: vni %u, udp port %u", s->vni, s->trunk_port);
		fputc('\n', f);
	}
	for (int i = 0; i < c->ng; i++)
		conf_print_guest(f, c, &c->g[i]);
}
