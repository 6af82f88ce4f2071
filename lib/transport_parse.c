// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transport_parse - one parser per UML transport, each with the kernel's fields, defaults and
 * messages (doc/transports.md §2-§9, doc/mac-and-misc.md §1.1). See transport_spec.h.
 */
#include "transport_registry.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct classic_ctx {
	struct transport_spec *t;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int parse_fail(struct classic_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* transport_split() for a parser: the one way it fails (a text longer than any specification,
 * which transport_parse() already refuses) reported like every other parse error. */
static int parse_split(struct classic_ctx *c, const char *args, unsigned int nfields,
		       struct transport_fields *f)
{
	if (transport_split(args, nfields, f))
		return parse_fail(c, "specification is longer than %d characters",
				  TRANSPORT_TEXT_MAX - 1);
	return 0;
}

/* The MAC field: kernel checks and wording (doc/mac-and-misc.md §1.1); where the kernel would fall
 * back to a random address we refuse instead, so a typo cannot go unnoticed. */
static int parse_mac(struct classic_ctx *c, const char *field)
{
	return transport_mac_field(c->t, field, c->err, c->errlen);
}

int transport_mac_field(struct transport_spec *t, const char *field, char *err, size_t errlen)
{
	struct classic_ctx ctx = { t, err, errlen }, *c = &ctx;
	uint8_t *m = c->t->mac;

	if (!transport_given(field))
		return 0;
	if (mac_parse(field, m) < 0)
		return parse_fail(c, "setup_etheraddr: failed to parse '%s' as an ethernet address", field);
	if (mac_is_group(m))
		return parse_fail(c, "Attempt to assign a multicast ethernet address to a device disallowed: "
				  "'%s' (first byte is odd)", field);
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		return parse_fail(c, "Attempt to assign an invalid ethernet address to a device disallowed: "
				  "'%s'", field);
	if (!(m[0] & 2)) {
		uint8_t local[ETHER_ADDR_LEN];
		char text[MAC_TEXT_LEN];

		memcpy(local, m, sizeof(local));
		local[0] |= 2;
		snprintf(c->t->warning, sizeof(c->t->warning),
			 "Warning: Assigning a globally valid ethernet address to a device; "
			 "you should set the 2nd rightmost bit in the first byte of the MAC, i.e. %s",
			 mac_format(local, text));
	}
	c->t->has_mac = true;
	return 0;
}

/* Copies a value whose length the caller has checked against the destination. */
static void copy_checked(char *dst, const char *src)
{
	memcpy(dst, src, strlen(src) + 1);
}

/* Decimal digits only, value <= max (the kernel's simple_strtoul with an end check). */
static bool parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno == 0 && *v <= max;
}

static int parse_ifname(struct classic_ctx *c, const char *what, const char *field)
{
	if (strlen(field) >= sizeof(c->t->dev))
		return parse_fail(c, "%s: device name '%s' is longer than 15 characters", what, field);
	copy_checked(c->t->dev, field);
	return 0;
}

/* The host-side address of ethertap/tuntap (the kernel's tap_open_common check). */
static int parse_gate(struct classic_ctx *c, const char *msg, const char *field)
{
	struct in_addr a;

	if (!transport_given(field))
		return 0;
	if (strlen(field) >= sizeof(c->t->gate) || inet_pton(AF_INET, field, &a) != 1)
		return parse_fail(c, "%s - '%s'", msg, field);
	copy_checked(c->t->gate, field);
	return 0;
}

/* ethertap and tuntap: <dev>,<mac>,<gate> (tap_setup_common). */
static int parse_tap_common(struct classic_ctx *c, const char *args, bool dev_required)
{
	struct transport_fields f;
	int r;

	if (parse_split(c, args, 3, &f))
		return -EINVAL;
	if (f.rest)
		return parse_fail(c, "tap_setup_common - Extra garbage on specification : '%s'", f.rest);
	if (dev_required && !transport_given(f.field[0]))
		return parse_fail(c, "ethertap_setup : Missing tap device name");
	if (transport_given(f.field[0]) && (r = parse_ifname(c, transport_kind_name(c->t->kind), f.field[0])))
		return r;
	if ((r = parse_mac(c, f.field[1])))
		return r;
	return parse_gate(c, "Invalid tap IP address", f.field[2]);
}

int transport_parse_ethertap(struct classic_ctx *c, const char *args)
{
	return parse_tap_common(c, args, true);
}

int transport_parse_tuntap(struct classic_ctx *c, const char *args)
{
	return parse_tap_common(c, args, false);
}

/* daemon: <mac>,<socket-type>,<control-socket>; a 4th field is the 2.4-era data socket. */
int transport_parse_daemon(struct classic_ctx *c, const char *args)
{
	struct transport_fields f;
	const char *type, *ctl;
	int r;

	if (parse_split(c, args, 3, &f))
		return -EINVAL;
	if ((r = parse_mac(c, f.field[0])))
		return r;
	type = transport_given(f.field[1]) ? f.field[1] : "unix";
	if (strcmp(type, "unix") != 0)
		return parse_fail(c, "daemon_setup : socket type '%s' is not supported (only 'unix')", type);
	ctl = transport_given(f.field[2]) ? f.field[2] : TRANSPORT_DAEMON_DEFAULT_CTL;
	if (strlen(ctl) >= sizeof(c->t->ctl))
		return parse_fail(c, "daemon_setup : control socket '%s' is longer than 107 characters", ctl);
	copy_checked(c->t->ctl, ctl);
	if (f.rest)
		snprintf(c->t->warning, sizeof(c->t->warning), "daemon_setup : Ignoring data socket specification");
	return 0;
}

/* mcast: <mac>,<group>,<port>,<ttl>. */
int transport_parse_mcast(struct classic_ctx *c, const char *args)
{
	struct transport_fields f;
	const char *group;
	unsigned long v;
	int r;

	if (parse_split(c, args, 4, &f))
		return -EINVAL;
	if (f.rest)
		return parse_fail(c, "mcast_setup - Extra garbage on specification : '%s'", f.rest);
	if ((r = parse_mac(c, f.field[0])))
		return r;
	group = transport_given(f.field[1]) ? f.field[1] : TRANSPORT_MCAST_DEFAULT_GROUP;
	if (inet_pton(AF_INET, group, &c->t->group) != 1 || c->t->group.s_addr == 0)
		return parse_fail(c, "mcast_setup - Bad group : '%s'", group);
	c->t->port = TRANSPORT_MCAST_DEFAULT_PORT;
	if (transport_given(f.field[2])) {
		if (!parse_uint(f.field[2], 65535, &v) || v == 0)
			return parse_fail(c, "mcast_setup - Bad port : '%s'", f.field[2]);
		c->t->port = (uint16_t)v;
	}
	c->t->ttl = TRANSPORT_MCAST_DEFAULT_TTL;
	if (transport_given(f.field[3])) {
		if (!parse_uint(f.field[3], 255, &v))
			return parse_fail(c, "mcast_setup - Bad ttl : '%s'", f.field[3]);
		c->t->ttl = (uint8_t)v;
	}
	return 0;
}

/* slip: the whole rest is the gate address (no splitting, no MAC). */
int transport_parse_slip(struct classic_ctx *c, const char *args)
{
	return parse_gate(c, "slip: gate address is not an IPv4 address", args);
}

/* slirp: <mac>,<program>[,<arg>...]; '_' becomes a space in every element. */
int transport_parse_slirp(struct classic_ctx *c, const char *args)
{
	struct transport_fields f;
	struct transport_spec *t = c->t;
	const char *s;
	size_t n;
	int r;

	if (parse_split(c, args, 1, &f))
		return -EINVAL;
	if ((r = parse_mac(c, f.field[0])))
		return r;
	s = f.rest && *f.rest ? f.rest : "slirp";
	n = strlen(s);
	memcpy(t->args, s, n + 1);
	t->argc = 0;
	for (char *p = t->args; p; ) {
		char *end = strchr(p, ',');

		if (t->argc == TRANSPORT_SLIRP_ARGS) {
			snprintf(t->warning, sizeof(t->warning), "slirp_setup: truncating slirp arguments");
			break;
		}
		t->arg_off[t->argc++] = (uint16_t)(p - t->args);
		if (end)
			*end = 0;
		p = end ? end + 1 : NULL;
	}
	for (char *p = t->args; p < t->args + n; p++)
		if (*p == '_')
			*p = ' ';
	return 0;
}

static int parse_pcap_option(struct classic_ctx *c, const char *opt)
{
	if (!transport_given(opt))
		return 0;
	if (strcmp(opt, "promisc") == 0)
		c->t->promisc = true;
	else if (strcmp(opt, "nopromisc") == 0)
		c->t->promisc = false;
	else if (strcmp(opt, "optimize") == 0)
		c->t->optimize = true;
	else if (strcmp(opt, "nooptimize") == 0)
		c->t->optimize = false;
	else
		return parse_fail(c, "pcap_setup : bad option - '%s'", opt);
	return 0;
}

/* pcap: <host-if>,<filter>,<opt1>,<opt2>,<mac> (the MAC is last). */
int transport_parse_pcap(struct classic_ctx *c, const char *args)
{
	struct transport_fields f;
	int r;

	if (parse_split(c, args, 5, &f))
		return -EINVAL;
	if (f.rest)
		return parse_fail(c, "pcap_setup - Extra garbage on specification : '%s'", f.rest);
	if ((r = parse_ifname(c, "pcap", transport_given(f.field[0]) ? f.field[0] : "eth0")))
		return r;
	if (transport_given(f.field[1]))
		copy_checked(c->t->filter, f.field[1]);
	c->t->promisc = true;
	if ((r = parse_pcap_option(c, f.field[2])) || (r = parse_pcap_option(c, f.field[3])))
		return r;
	return parse_mac(c, f.field[4]);
}

/* The refusal of an unknown name, listing the table's names of both syntaxes. */
static int unknown_transport(const char *spec, char *err, size_t errlen)
{
	char classic[TRANSPORT_KNOWN_MAX], vector[TRANSPORT_KNOWN_MAX];

	transport_known(TRANSPORT_SYNTAX_CLASSIC, ", ", classic, sizeof(classic));
	transport_known(TRANSPORT_SYNTAX_VECTOR, "|", vector, sizeof(vector));
	snprintf(err, errlen, "unknown transport in '%.60s' (known: %s; or transport=%s,...)", spec,
		 classic, vector);
	return -EPROTONOSUPPORT;
}

int transport_parse(const char *spec, struct transport_spec *out, char *err, size_t errlen)
{
	struct classic_ctx c = { out, err, errlen };
	enum transport_kind kind;
	size_t name_len;

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = 0;
	if (strlen(spec) >= TRANSPORT_TEXT_MAX) {
		snprintf(err, errlen, "specification is longer than %d characters", TRANSPORT_TEXT_MAX - 1);
		return -EINVAL;
	}
	if (strncmp(spec, "transport=", 10) == 0)
		return vector_parse(spec, out, err, errlen);
	/* The name is the text before the first ',' (the kernel's check_transport). */
	name_len = strcspn(spec, ",");
	kind = transport_named(TRANSPORT_SYNTAX_CLASSIC, spec, name_len);
	if (kind < TRANSPORT_KINDS) {
		out->kind = kind;
		return transport_row(kind)->parse.classic(&c, spec[name_len] ? spec + name_len + 1 : "");
	}
	return unknown_transport(spec, err, errlen);
}

void transport_slirp_argv(const struct transport_spec *t, const char **argv)
{
	for (unsigned int i = 0; i < t->argc; i++)
		argv[i] = t->args + t->arg_off[i];
	argv[t->argc] = NULL;
}
