// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vector_parse - the "transport=<name>,key=value,..." form of UML's vector devices (the text
 * after "vec<N>:"; doc/vector-transports.md §2) for the transports a switch or a plug can
 * be the peer of: bess, fd, l2tpv3; our VXLAN trunk (doc/vxlan.md) and QEMU's stream and dgram
 * socket backends (doc/qemu.md; their keys in transport_qemu.c) in the same form. The pairs are
 * read through transport_parts.h, so a transport's keys can be parsed in its own file.
 *
 * The kernel's splitting rules hold (pairs split on ',', key and value on the first '=', no
 * escaping, at most 20 pairs). Where the kernel silently does something else we refuse with one
 * line naming the key: an unknown key (the kernel ignores "src_port", the HOWTO's spelling, and
 * then fails far away), a repeated key (the kernel keeps the first), a second '=', a value that
 * does not parse (the kernel may use stack garbage).
 * A session id above 2^31 (which the kernel wants written as a negative number, and which panics
 * the guest otherwise) is fine here in either spelling: we are the peer, not the guest.
 */
#include "transport_parts.h"
#include "transport_registry.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VECTOR_PAIRS_MAX 20

struct pair {
	const char *key, *value;
	bool used;
};

struct vparse {
	struct transport_spec *t;
	const char *name; /* the transport, for messages */
	struct pair pairs[VECTOR_PAIRS_MAX];
	unsigned int npairs;
	char buf[TRANSPORT_TEXT_MAX];
	char *err;
	size_t errlen;
};

int vector_fail(struct vparse *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "%s: ", p->name);
	if (n < 0 || (size_t)n >= p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The keys that may be given more than once (vxlan's remote=, each adding to the list). */
static bool vector_key_repeats(const char *key)
{
	return strcmp(key, "remote") == 0;
}

/* The keys whose value is a comma list (vxlan's vni=100:10,200:20): a field without '=' after
 * one of them continues its value. */
static bool vector_key_lists(const char *key)
{
	return strcmp(key, "vni") == 0;
}

/* Splits the copy in p->buf into pairs; refuses what the kernel would misread. */
static int split_pairs(struct vparse *p)
{
	for (char *s = p->buf; s; ) {
		char *comma = strchr(s, ','), *eq;

		if (comma)
			*comma = 0;
		eq = strchr(s, '=');
		if (!eq && s != p->buf && p->npairs && vector_key_lists(p->pairs[p->npairs - 1].key)) {
			s[-1] = ',';
			s = comma ? comma + 1 : NULL;
			continue;
		}
		if (!eq || eq == s)
			return vector_fail(p, "'%s' is not key=value", s);
		*eq = 0;
		if (strchr(eq + 1, '='))
			return vector_fail(p, "value of '%s' contains '=' (the kernel cannot parse it)", s);
		if (!eq[1])
			return vector_fail(p, "key '%s' has no value", s);
		for (unsigned int i = 0; i < p->npairs; i++)
			if (strcmp(p->pairs[i].key, s) == 0 && !vector_key_repeats(s))
				return vector_fail(p, "key '%s' is given twice", s);
		if (p->npairs == VECTOR_PAIRS_MAX)
			return vector_fail(p, "more than %d key=value pairs", VECTOR_PAIRS_MAX);
		p->pairs[p->npairs++] = (struct pair){ s, eq + 1, false };
		s = comma ? comma + 1 : NULL;
	}
	return 0;
}

const char *vector_get(struct vparse *p, const char *key)
{
	for (unsigned int i = 0; i < p->npairs; i++)
		if (strcmp(p->pairs[i].key, key) == 0) {
			p->pairs[i].used = true;
			return p->pairs[i].value;
		}
	return NULL;
}

const char *vector_need(struct vparse *p, const char *key, int *r)
{
	const char *v = vector_get(p, key);

	if (!v && !*r)
		*r = vector_fail(p, "missing %s=", key);
	return v;
}

/* Whole-string number in [min, max]; base 0 (0x hex, leading-0 octal) like the kernel's
 * kstrto* for ids, base 10 for ports and counts. */
static int number(struct vparse *p, const char *key, const char *v, int base, long long min,
		  unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	if (v[0] == '-') {
		long long n = strtoll(v, &end, base);

		if (errno || *end || n < min)
			return vector_fail(p, "bad %s '%s'", key, v);
		*out = (unsigned long long)n;
		return 0;
	}
	*out = strtoull(v, &end, base);
	if (errno || *end || v[0] == '+' || *out > max)
		return vector_fail(p, "bad %s '%s'", key, v);
	return 0;
}

static int flag(struct vparse *p, const char *key, bool *out)
{
	const char *v = vector_get(p, key);

	if (!v)
		return 0;
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return vector_fail(p, "%s must be 0 or 1, not '%s'", key, v);
	*out = v[0] == '1';
	return 0;
}

int vector_port(struct vparse *p, const char *key, const char *v, uint16_t *out)
{
	unsigned long long n;
	int r;

	if (!v)
		return 0;
	if ((r = number(p, key, v, 10, 1, 65535, &n)))
		return r;
	*out = (uint16_t)n;
	return 0;
}

int vector_address(struct vparse *p, const char *key, const char *v, int family,
		   struct vector_addr *out)
{
	if (!v)
		return 0;
	if (inet_pton(family, v, &out->a) != 1)
		return vector_fail(p, "%s '%s' is not a numeric %s address", key, v,
				   family == AF_INET6 ? "IPv6" : "IPv4");
	out->family = family;
	return 0;
}

int vector_path(struct vparse *p, const char *key, const char *v, char *out)
{
	if (!v)
		return 0;
	if (strlen(v) >= VECTOR_PATH_MAX)
		return vector_fail(p, "%s '%s' is longer than %d characters", key, v, VECTOR_PATH_MAX - 1);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

int vector_parse_bess(struct vparse *p)
{
	int r = 0;
	const char *dst = vector_need(p, "dst", &r);

	if (r || (r = vector_path(p, "dst", dst, p->t->vec.dst)))
		return r;
	return vector_path(p, "src", vector_get(p, "src"), p->t->vec.src);
}

int vector_parse_fd(struct vparse *p)
{
	unsigned long long n;
	int r = 0;
	const char *v = vector_need(p, "fd", &r);

	if (r || (r = number(p, "fd", v, 10, 0, INT_MAX, &n)))
		return r;
	p->t->vec.fd = (int)n;
	return 0;
}

/* Session ids are 32 bits on the wire; the kernel reads them as signed int (so 0xffffffff must be
 * written -1 on a guest's line). We accept both spellings. */
static int session(struct vparse *p, const char *key, uint32_t *out)
{
	unsigned long long n;
	int r = 0;
	const char *v = vector_need(p, key, &r);

	if (r || (r = number(p, key, v, 0, INT_MIN, UINT32_MAX, &n)))
		return r;
	*out = (uint32_t)n;
	return 0;
}

static int cookies(struct vparse *p)
{
	struct vector_spec *vs = &p->t->vec;
	const char *rx = vector_get(p, "rx_cookie"), *tx = vector_get(p, "tx_cookie");
	unsigned long long max, n;
	int r;

	if ((r = flag(p, "cookie64", &vs->cookie64)))
		return r;
	if (!rx != !tx)
		return vector_fail(p, "rx_cookie and tx_cookie go together");
	if (!rx)
		return 0;
	vs->cookie = true;
	max = vs->cookie64 ? UINT64_MAX : UINT32_MAX;
	if ((r = number(p, "rx_cookie", rx, 0, 0, max, &n)))
		return r;
	vs->rx_cookie = n;
	if ((r = number(p, "tx_cookie", tx, 0, 0, max, &n)))
		return r;
	vs->tx_cookie = n;
	return 0;
}

int vector_parse_l2tpv3(struct vparse *p)
{
	struct vector_spec *vs = &p->t->vec;
	int family, r = 0;
	const char *src = vector_need(p, "src", &r), *dst = vector_need(p, "dst", &r);

	if (r || (r = flag(p, "udp", &vs->udp)) || (r = flag(p, "v6", &vs->v6)))
		return r;
	family = vs->v6 ? AF_INET6 : AF_INET;
	if ((r = vector_address(p, "src", src, family, &vs->local)) ||
	    (r = vector_address(p, "dst", dst, family, &vs->peer)))
		return r;
	if (vs->udp) {
		const char *dstport = vector_need(p, "dstport", &r);

		if (r || (r = vector_port(p, "srcport", vector_get(p, "srcport"), &vs->local.port)) ||
		    (r = vector_port(p, "dstport", dstport, &vs->peer.port)))
			return r;
	} else if (vector_get(p, "srcport") || vector_get(p, "dstport")) {
		return vector_fail(p, "srcport/dstport need udp=1 (IP mode has no ports)");
	}
	if ((r = session(p, "rx_session", &vs->rx_session)) ||
	    (r = session(p, "tx_session", &vs->tx_session)) || (r = cookies(p)) ||
	    (r = flag(p, "counter", &vs->counter)) || (r = flag(p, "pin_counter", &vs->pin_counter)))
		return r;
	return 0;
}

/* Splits "addr%dev" into the address text (in buf) and the interface name. */
static int vx_split_scope(struct vparse *p, const char *key, const char *v, char *buf, size_t len,
			  char scope[TRANSPORT_IFNAMSIZ])
{
	const char *pct = strchr(v, '%');
	size_t n = pct ? (size_t)(pct - v) : strlen(v);

	scope[0] = 0;
	if (n >= len)
		return vector_fail(p, "%s '%s' is not a numeric IPv4 or IPv6 address", key, v);
	memcpy(buf, v, n);
	buf[n] = 0;
	if (!pct)
		return 0;
	if (!pct[1] || strlen(pct + 1) >= TRANSPORT_IFNAMSIZ || strchr(pct + 1, '/'))
		return vector_fail(p, "%s '%s': '%s' is not an interface name", key, v, pct + 1);
	memcpy(scope, pct + 1, strlen(pct + 1) + 1);
	return 0;
}

/*
 * A VXLAN address: numeric IPv4 or IPv6, an IPv6 one with "%dev" (required for link-local
 * addresses, which mean nothing without their interface). Every address of a trunk has the
 * trunk's family: *family is set by the first one given (AF_UNSPEC before).
 */
static int vx_address(struct vparse *p, const char *key, const char *v, int *family,
		      struct vector_addr *out)
{
	char text[INET6_ADDRSTRLEN];
	int f, r;

	if ((r = vx_split_scope(p, key, v, text, sizeof(text), out->scope)))
		return r;
	if (inet_pton(AF_INET, text, &out->a.v4) == 1)
		f = AF_INET;
	else if (inet_pton(AF_INET6, text, &out->a.v6) == 1)
		f = AF_INET6;
	else
		return vector_fail(p, "%s '%s' is not a numeric IPv4 or IPv6 address", key, v);
	if (f == AF_INET && out->scope[0])
		return vector_fail(p, "%s '%s': only an IPv6 address takes %%dev", key, v);
	if (f == AF_INET6 && !out->scope[0] &&
	    (IN6_IS_ADDR_LINKLOCAL(&out->a.v6) || IN6_IS_ADDR_MC_LINKLOCAL(&out->a.v6)))
		return vector_fail(p, "%s '%s' is link-local: name its interface, '%s%%dev'", key, v, v);
	if (*family != AF_UNSPEC && f != *family)
		return vector_fail(p, "%s '%s' is %s but the trunk's other addresses are %s (one family "
				   "per trunk)", key, v, f == AF_INET ? "IPv4" : "IPv6",
				   *family == AF_INET ? "IPv4" : "IPv6");
	*family = f;
	out->family = f;
	return 0;
}

/* remote=A+B+... (and remote= given again): the VTEPs that get this trunk's broadcast and
 * unknown frames. */
static int remotes(struct vparse *p, int *family)
{
	struct vector_spec *vs = &p->t->vec;
	char list[TRANSPORT_TEXT_MAX];
	int r;

	for (unsigned int k = 0; k < p->npairs; k++) {
		if (strcmp(p->pairs[k].key, "remote") != 0)
			continue;
		p->pairs[k].used = true;
		memcpy(list, p->pairs[k].value, strlen(p->pairs[k].value) + 1);
		for (char *save, *a = strtok_r(list, "+", &save); a; a = strtok_r(NULL, "+", &save)) {
			if (vs->nremotes == VXLAN_REMOTES_MAX)
				return vector_fail(p, "more than %d remotes", VXLAN_REMOTES_MAX);
			if ((r = vx_address(p, "remote", a, family, &vs->remote[vs->nremotes])))
				return r;
			vs->nremotes++;
		}
	}
	return 0;
}

static int vx_group(struct vparse *p, const char *v, int *family)
{
	struct vector_addr *g = &p->t->vec.group;
	int r;

	if (!v)
		return 0;
	if ((r = vx_address(p, "group", v, family, g)))
		return r;
	if (g->family == AF_INET ? !IN_MULTICAST(ntohl(g->a.v4.s_addr)) : !IN6_IS_ADDR_MULTICAST(&g->a.v6))
		return vector_fail(p, "group '%s' is not a multicast address", v);
	return 0;
}

/* The wildcard local address of the trunk's family when local= is not given. */
static void vx_default_local(struct vector_addr *local, int family)
{
	if (local->family != AF_UNSPEC)
		return;
	memset(&local->a, 0, sizeof(local->a));
	local->family = family == AF_UNSPEC ? AF_INET : family;
}

/* vni=N (one segment) or vni=N:V,... (a VNI per VLAN; vxlan_vnimap.h). */
static int vx_vni(struct vparse *p, const char *v)
{
	struct vector_spec *vs = &p->t->vec;
	unsigned long long n;
	char why[200];
	int r;

	if (!vxlan_vnimap_is_map(v)) {
		if ((r = number(p, "vni", v, 10, 0, VXLAN_VNI_MAX, &n)))
			return r;
		vs->vni = (uint32_t)n;
		return 0;
	}
	if (vxlan_vnimap_parse(v, &vs->vnimap, why, sizeof(why)))
		return vector_fail(p, "%s", why);
	return 0;
}

int vector_parse_vxlan(struct vparse *p)
{
	struct vector_spec *vs = &p->t->vec;
	int family = AF_UNSPEC, r = 0;
	unsigned long long n;
	const char *v;

	v = vector_need(p, "vni", &r);
	if (r || (r = vx_vni(p, v)))
		return r;
	vs->local.port = VXLAN_DEFAULT_PORT;
	if (((v = vector_get(p, "local")) && (r = vx_address(p, "local", v, &family, &vs->local))) ||
	    (r = vector_port(p, "port", vector_get(p, "port"), &vs->local.port)) ||
	    (r = remotes(p, &family)) ||
	    (r = vx_group(p, vector_get(p, "group"), &family)))
		return r;
	vx_default_local(&vs->local, family);
	vs->ttl = 1;
	if ((v = vector_get(p, "ttl"))) {
		if ((r = number(p, "ttl", v, 10, 0, 255, &n)))
			return r;
		vs->ttl = (uint8_t)n;
	}
	if (!vs->nremotes && vs->group.family == AF_UNSPEC)
		return vector_fail(p, "give remote=<ip>[+<ip>...] or group=<multicast ip>");
	if ((v = vector_get(p, "learn"))) {
		if (strcmp(v, "any") != 0 && strcmp(v, "remotes") != 0)
			return vector_fail(p, "learn must be 'remotes' or 'any', not '%s'", v);
		vs->learn_any = v[0] == 'a';
	}
	return 0;
}

/* The guest-only vector transports, with what to use instead. */
static int refuse_known(struct vparse *p, const char *name)
{
	static const char *const host_if[] = { "raw", "hybrid", "tap" };
	char known[TRANSPORT_KNOWN_MAX];

	for (size_t i = 0; i < sizeof(host_if) / sizeof(host_if[0]); i++)
		if (strcmp(name, host_if[i]) == 0)
			return vector_fail(p, "a host interface of the guest's own, not a port (use tuntap)");
	if (strcmp(name, "gre") == 0)
		return vector_fail(p, "not served (it needs raw sockets on both sides; use l2tpv3 with udp=1)");
	transport_known(TRANSPORT_SYNTAX_VECTOR, ", ", known, sizeof(known));
	snprintf(p->err, p->errlen, "unknown vector transport '%s' (known: %s)", name, known);
	return -EPROTONOSUPPORT;
}

static int parse_kind(struct vparse *p)
{
	const char *name = vector_get(p, "transport");
	enum transport_kind kind = transport_named(TRANSPORT_SYNTAX_VECTOR, name, strlen(name));
	int r;

	p->name = name;
	if (kind == TRANSPORT_KINDS)
		return refuse_known(p, name);
	p->t->kind = kind;
	if ((r = transport_row(kind)->parse.vector(p)) ||
	    (r = transport_mac_field(p->t, vector_get(p, "mac"), p->err, p->errlen)))
		return r;
	for (unsigned int k = 0; k < p->npairs; k++)
		if (!p->pairs[k].used)
			return vector_fail(p, "unknown key '%s'", p->pairs[k].key);
	return 0;
}

int vector_parse(const char *spec, struct transport_spec *t, char *err, size_t errlen)
{
	struct vparse *p = malloc(sizeof(*p));
	int r;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*p = (struct vparse){ .t = t, .name = "vector", .err = err, .errlen = errlen };
	memcpy(p->buf, spec, strlen(spec) + 1); /* transport_parse() checked the length */
	r = split_pairs(p);
	if (!r)
		r = parse_kind(p);
	free(p);
	return r;
}

struct transport_spec *vector_spec(struct vparse *p)
{
	return p->t;
}
