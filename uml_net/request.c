/* SPDX-License-Identifier: GPL-2.0-or-later */
/* request - argv validation for uml_net (see request.h). */
#include "request.h"

#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETHERTAP_GATE_MAX 15 /* the kernel's strncpy bound */

const char *request_op_name(enum request_op op)
{
	static const char *const names[] = {
		[REQ_TUNTAP_UP] = "tuntap", [REQ_ETHERTAP] = "ethertap", [REQ_ADD] = "add",
		[REQ_DEL] = "del", [REQ_SLIP_UP] = "slip up", [REQ_SLIP_DOWN] = "slip down",
	};
	return names[op];
}

struct parse {
	struct request *r;
	char *err;
	size_t errlen;
};

static int bad(struct parse *p, const char *field, const char *value)
{
	snprintf(p->err, p->errlen, "bad %s '%.40s'", field, value);
	return -EINVAL;
}

static int argc_is(struct parse *p, int argc, int lo, int hi, const char *usage)
{
	if (argc < lo || argc > hi) {
		snprintf(p->err, p->errlen, "%s arguments for '%s'", argc < lo ? "too few" : "too many",
			 usage);
		return -EINVAL;
	}
	return 0;
}

static int parse_dev(struct parse *p, const char *s)
{
	if (!nl_ifname_ok(s))
		return bad(p, "device name", s);
	memcpy(p->r->dev, s, strlen(s) + 1); /* nl_ifname_ok: under IFNAMSIZ */
	return 0;
}

/* An ethertap <dev> names the TAP uml_net creates: only tap<N>, as the classic helper required,
 * so that a caller cannot squat names other host software expects (br0, wg0, eth1...). */
static int parse_ethertap_dev(struct parse *p, const char *s)
{
	size_t n = strlen(s);

	if (n < 4 || n >= IFNAMSIZ || strncmp(s, "tap", 3) != 0 ||
	    strspn(s + 3, "0123456789") != n - 3)
		return bad(p, "ethertap device (tap<N>)", s);
	return parse_dev(p, s);
}

static int parse_gate(struct parse *p, const char *s, size_t max)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.*s", (int)max, s);
	if (nl_ipv4_parse(buf, &p->r->gate) < 0)
		return bad(p, "gate address", s);
	p->r->has_gate = true;
	return 0;
}

static int parse_addr_mask(struct parse *p, char *const argv[])
{
	int prefix;

	if (parse_dev(p, argv[0]) < 0)
		return -EINVAL;
	if (nl_ipv4_parse(argv[1], &p->r->addr) < 0)
		return bad(p, "address", argv[1]);
	if (nl_ipv4_parse(argv[2], &p->r->mask) < 0 || (prefix = nl_mask_prefix(p->r->mask)) < 0)
		return bad(p, "netmask", argv[2]);
	p->r->prefix = (unsigned int)prefix;
	return 0;
}

static int parse_fd(struct parse *p, const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return bad(p, "data fd", s);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 3 || v > 65535)
		return bad(p, "data fd", s);
	p->r->data_fd = (int)v;
	return 0;
}

/* argv here starts at the operation name; argc counts from it. */
static int parse_op(struct parse *p, int argc, char *const argv[])
{
	struct request *r = p->r;
	const char *op = argv[0];

	if (strcmp(op, "tuntap") == 0) {
		if (argc_is(p, argc, 3, 3, "tuntap up <gate>") < 0)
			return -EINVAL;
		if (strcmp(argv[1], "up") != 0)
			return bad(p, "tuntap operation", argv[1]);
		r->op = REQ_TUNTAP_UP;
		return parse_gate(p, argv[2], sizeof(r->dev) * 2);
	}
	if (strcmp(op, "ethertap") == 0) {
		if (argc_is(p, argc, 3, 4, "ethertap <dev> <data-fd> [<gate>]") < 0)
			return -EINVAL;
		r->op = REQ_ETHERTAP;
		if (parse_ethertap_dev(p, argv[1]) < 0 || parse_fd(p, argv[2]) < 0)
			return -EINVAL;
		return argc == 4 ? parse_gate(p, argv[3], ETHERTAP_GATE_MAX) : 0;
	}
	if (strcmp(op, "add") == 0 || strcmp(op, "del") == 0) {
		if (argc_is(p, argc, 4, 4, "add|del <dev> <addr> <netmask>") < 0)
			return -EINVAL;
		r->op = op[0] == 'a' ? REQ_ADD : REQ_DEL;
		return parse_addr_mask(p, argv + 1);
	}
	if (strcmp(op, "slip") == 0) {
		if (argc >= 2 && strcmp(argv[1], "down") == 0) {
			if (argc_is(p, argc, 2, 3, "slip down [<slname>]") < 0)
				return -EINVAL;
			r->op = REQ_SLIP_DOWN;
			return argc == 3 && argv[2][0] ? parse_dev(p, argv[2]) : 0;
		}
		if (argc_is(p, argc, 3, 3, "slip up <gate>") < 0)
			return -EINVAL;
		if (strcmp(argv[1], "up") != 0)
			return bad(p, "slip operation", argv[1]);
		r->op = REQ_SLIP_UP;
		return parse_gate(p, argv[2], sizeof(r->dev) * 2);
	}
	return bad(p, "operation", op);
}

int request_parse(int argc, char *const argv[], struct request *r, char *err, size_t errlen)
{
	struct parse p = { r, err, errlen };

	memset(r, 0, sizeof(*r));
	r->data_fd = -1;
	if (argc < 3) {
		snprintf(err, errlen, "bad argument list: uml_net is run by the UML kernel, "
				      "as 'uml_net 4 <operation> ...'");
		return -EINVAL;
	}
	if (strcmp(argv[1], "4") != 0)
		return bad(&p, "protocol version (only 4 is supported)", argv[1]);
	return parse_op(&p, argc - 2, argv + 2);
}
