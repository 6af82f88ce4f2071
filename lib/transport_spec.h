/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * transport_spec - UML's "<transport>,<args>" device text, parsed without opening anything.
 *
 * Theory of operation: the text after "eth<N>=" names a transport and gives it positional,
 * comma-separated fields (doc/transports.md §1.2): an empty field keeps its default, a
 * missing tail keeps defaults, more fields than the transport has are "remaining" text that the
 * transport rejects with the kernel's own message (or, for daemon, warns about). slip takes the
 * whole rest as its gate address; slirp takes the rest as the program's argv with '_' turned into
 * spaces. Values cannot contain commas: there is no quoting.
 *
 * We are stricter than the kernel where the kernel would silently do something else: a bad MAC
 * is an error here (the kernel falls back to a random one), a port above 65535 is an error (the
 * kernel keeps the low 16 bits), a bad gate address is an error at parse time (the kernel finds
 * out at open). Errors are one line, quoting the bad field.
 *
 * transport_parse() is pure: the unit and golden tests and the fuzz target call it directly;
 * endpoint_open_spec() parses and then opens.
 */
#ifndef UMLNET_TRANSPORT_SPEC_H
#define UMLNET_TRANSPORT_SPEC_H

#include "ether.h"
#include "vxlan_vnimap.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRANSPORT_MAX_FIELDS 8
#define TRANSPORT_TEXT_MAX 1024   /* longest spec text we accept */
#define TRANSPORT_SLIRP_ARGS 99   /* the kernel's limit (SLIRP_MAX_ARGS - 1) */
#define TRANSPORT_IFNAMSIZ 16
#define TRANSPORT_DAEMON_DEFAULT_CTL "/var/run/uml-utilities/uml_switch.ctl" /* Debian's kernel */
#define TRANSPORT_MCAST_DEFAULT_GROUP "239.192.168.1"
#define TRANSPORT_MCAST_DEFAULT_PORT 1102
#define TRANSPORT_MCAST_DEFAULT_TTL 1

enum transport_kind {
	TRANSPORT_ETHERTAP,
	TRANSPORT_TUNTAP,
	TRANSPORT_DAEMON,
	TRANSPORT_MCAST,
	TRANSPORT_SLIP,
	TRANSPORT_SLIRP,
	TRANSPORT_PCAP,
	/* The vector transports' "transport=<name>,key=value,..." form (doc/vector-transports.md),
	 * and our own VXLAN trunk in the same form (doc/vxlan.md); vector_parse.c. */
	TRANSPORT_BESS,
	TRANSPORT_FD,
	TRANSPORT_L2TPV3,
	TRANSPORT_VXLAN,
	/* QEMU's socket backends (doc/qemu.md): -netdev stream and -netdev dgram. */
	TRANSPORT_STREAM,
	TRANSPORT_DGRAM,
	TRANSPORT_KINDS /* the count; transport_registry.c has one row per kind */
};

#define VECTOR_PATH_MAX 108 /* sun_path */
#define VXLAN_DEFAULT_PORT 4789
#define VXLAN_REMOTES_MAX 16
#define VXLAN_VNI_MAX 0xffffffu

/* An address with its port, as a vector transport key gives it (numeric only: parsing must not
 * touch the system, so an IPv6 scope "%dev" is kept as the name; the user of the spec resolves
 * it when it opens the socket). */
struct vector_addr {
	int family;              /* AF_UNSPEC = not given, AF_INET, AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} a;
	uint16_t port;
	char scope[TRANSPORT_IFNAMSIZ]; /* vxlan: interface of "addr%dev", "" = none */
};

/* The vector kinds' fields; each names, from this end's point of view, what UML's keys name from
 * the guest's (a switch port's src is the switch's own address). */
struct vector_spec {
	char dst[VECTOR_PATH_MAX];     /* bess: the listening socket to connect to */
	char src[VECTOR_PATH_MAX];     /* bess: path to bind before connecting, "" = none */
	int fd;                        /* fd: the inherited descriptor */
	struct vector_addr local;      /* l2tpv3: src:srcport; vxlan: local:port */
	struct vector_addr peer;       /* l2tpv3: dst:dstport */
	bool udp, v6;                  /* l2tpv3 */
	uint32_t rx_session, tx_session;
	bool cookie, cookie64;         /* cookies present; 8 bytes instead of 4 */
	uint64_t rx_cookie, tx_cookie;
	bool counter, pin_counter;
	uint32_t vni;                  /* vxlan: one address family for local, remotes and group */
	struct vxlan_vnimap vnimap;    /* vxlan: a VNI per VLAN (n 0: just vni, untagged) */
	unsigned int nremotes;
	struct vector_addr remote[VXLAN_REMOTES_MAX]; /* port unused: every remote is at local's */
	struct vector_addr group;      /* family AF_UNSPEC = no multicast group */
	uint8_t ttl;                   /* outer TTL (IPv6: hop limit) of multicast sends */
	bool learn_any;                /* accept senders beyond the remotes and the group's subnets */
	/* stream: listen (src path or local address) or connect (dst path or peer address);
	 * dgram: bind src (path or local address), send to dst (path or peer address). A unix
	 * path when local/peer have no family. */
	bool listen;
};

struct transport_spec {
	enum transport_kind kind;
	bool has_mac;
	uint8_t mac[ETHER_ADDR_LEN];
	char dev[TRANSPORT_IFNAMSIZ];  /* ethertap, tuntap: host device ("" = tuntap helper mode);
					* pcap: host interface */
	char gate[16];                 /* ethertap, tuntap, slip: host-side IPv4, "" = none */
	char ctl[108];                 /* daemon: control socket path */
	struct in_addr group;          /* mcast */
	uint16_t port;                 /* mcast */
	uint8_t ttl;                   /* mcast */
	char filter[TRANSPORT_TEXT_MAX]; /* pcap: expression, "" = none */
	bool promisc, optimize;        /* pcap */
	unsigned int argc;             /* slirp: argv[i] = args + arg_off[i] */
	uint16_t arg_off[TRANSPORT_SLIRP_ARGS];
	char args[TRANSPORT_TEXT_MAX];
	struct vector_spec vec;        /* bess, fd, l2tpv3, vxlan, stream, dgram */
	char warning[160];             /* a kernel warning that does not stop the device, or "" */
};

/* Parses spec. Returns 0, or -EINVAL / -EPROTONOSUPPORT with a one-line reason in err. */
int transport_parse(const char *spec, struct transport_spec *out, char *err, size_t errlen);

/* The kind's name (transport_registry.c), "?" for a value out of range. */
const char *transport_kind_name(enum transport_kind kind);

/* Fills argv (TRANSPORT_SLIRP_ARGS + 1 entries) with the slirp program's argv, NULL-terminated. */
void transport_slirp_argv(const struct transport_spec *t, const char **argv);

/* Writes the parsed fields as "key=value" lines (for golden tests and `umlnet-plug --check`). */
void transport_print(const struct transport_spec *t, char *buf, size_t len);

/* --- shared by the parsers (transport_parse.c, vector_parse.c) --- */

/* A MAC field with the kernel's checks; "" or NULL keeps none. 0 or -EINVAL with err set. */
int transport_mac_field(struct transport_spec *t, const char *field, char *err, size_t errlen);

/* The "transport=<name>,key=value,..." form; spec starts with "transport=". */
int vector_parse(const char *spec, struct transport_spec *t, char *err, size_t errlen);

/* --- the field splitter (transport_args.c), UML's split_if_spec --- */

struct transport_fields {
	char buf[TRANSPORT_TEXT_MAX];
	const char *field[TRANSPORT_MAX_FIELDS]; /* NULL or "" = keep the default */
	const char *rest;                        /* text after the last field's comma, or NULL */
};

/* Splits args into at most nfields fields. -ENAMETOOLONG if args does not fit. */
int transport_split(const char *args, unsigned int nfields, struct transport_fields *f);

/* True if the field was given (present and non-empty). */
static inline bool transport_given(const char *field)
{
	return field && *field;
}

#endif
