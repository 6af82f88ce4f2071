/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy - who may ask uml_net for what. The file (default /etc/umlnet/uml_net.conf, which must
 * be a regular file owned by root and writable by no one else) has one rule per line:
 *
 *   # who            ops                        addresses
 *   user  alice      tuntap,add                 192.168.0.0/24,192.168.5.7
 *   group uml-net    tuntap,ethertap,slip,add   10.0.0.0/8
 *   user  1001       all                        any
 *
 * who: `user` or `group` and a name or a number. ops: a comma list of tuntap, ethertap, slip,
 * add (also allows del) and del, or `all`. addresses: a comma list of a.b.c.d[/prefix], or
 * `any`: every address the request claims (the gate, and each guest address of add/del) must
 * lie in one of them. A request is allowed when one rule names the caller (its real uid, real
 * gid or a supplementary group) and covers the operation and all its addresses. Blank lines and
 * text after '#' are ignored; anything else is an error naming the line. Whatever the policy
 * says, uml_net never hands out 0/8, 127/8, 224/4 or 240/4 addresses, a gate that the host
 * routes through another device, or more than 32 guest addresses per device (uml_net.h).
 */
#ifndef UML_NET_POLICY_H
#define UML_NET_POLICY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define POLICY_MAX_RULES 64
#define POLICY_MAX_RANGES 16
#define POLICY_MAX_GROUPS 64
#define POLICY_MAX_SIZE 65536

enum policy_op {
	POLICY_OP_TUNTAP = 1 << 0,
	POLICY_OP_ETHERTAP = 1 << 1,
	POLICY_OP_SLIP = 1 << 2,
	POLICY_OP_ADDR = 1 << 3, /* add and del */
	POLICY_OP_ALL = (1 << 4) - 1,
};

struct policy_range {
	uint32_t net; /* host byte order, already masked */
	uint32_t mask;
};

struct policy_rule {
	bool is_group;
	uint32_t id;
	unsigned int ops;
	unsigned int nranges;
	struct policy_range ranges[POLICY_MAX_RANGES];
};

struct policy {
	unsigned int nrules;
	struct policy_rule rules[POLICY_MAX_RULES];
};

struct policy_caller {
	uid_t uid;
	gid_t gid;
	unsigned int ngroups;
	gid_t groups[POLICY_MAX_GROUPS];
};

/* Turns a user (group == false) or group name into its id; returns 0 or -ENOENT. */
typedef int (*policy_resolve_fn)(bool group, const char *name, uint32_t *id);

/* Parses text (not NUL-terminated, len bytes). Returns 0, or -EINVAL with "line N: ..." in err. */
int policy_parse(struct policy *pol, const char *text, size_t len, policy_resolve_fn resolve,
		 char *err, size_t errlen);

/* addrs: the n addresses the request claims (network order). */
bool policy_allows(const struct policy *pol, const struct policy_caller *who, unsigned int op,
		   const struct in_addr *addrs, unsigned int n);

/* The resolver that uses the system's user and group databases. */
int policy_resolve_nss(bool group, const char *name, uint32_t *id);

#endif
