/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf - the topology file of umlnet (man/umlnet.conf.5).
 *
 * Theory of operation: a line-oriented file. A line that starts in column one opens a block
 * (network, switch, guest, netns, tap, bridge, route); indented lines belong to the guest or
 * netns block above them (eth<N>, vec<N>, route). Every word after the keyword and name is a
 * flag or key=value; values may be double-quoted ("a b", with \" and \\). Names are checked once
 * here because they become file names, umids and process arguments. References (a device line
 * naming a switch) are resolved after the whole file is read, so order does not matter.
 *
 * An error names the file, the line, the field and what is wrong, e.g.
 *   demo.conf:4: mem '64X': expected a size such as 64M
 */
#ifndef UMLNET_CONF_H
#define UMLNET_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONF_NAME 32 /* names: letters, digits, '_', '-'; 1 to 31 characters */
#define CONF_MAX_ETH 16 /* eth0..eth15, and vec0..vec15 likewise */
#define CONF_MAX_DEVS (2 * CONF_MAX_ETH)
#define CONF_DEV_NAME 8  /* "eth15", "vec15" */
#define CONF_MAX_ROUTES 16
#define CONF_MAX_SWITCHES 32
#define CONF_MAX_GUESTS 64
#define CONF_MAX_HOSTDEVS 32
#define CONF_MAX_HOSTGUESTS 8 /* guest= addresses per tap */
#define CONF_PATH 256
#define CONF_ADDR 48
#define CONF_MAX_SWITCH_PORTS 4 /* port= per switch */
#define CONF_MAX_HOSTS 16
#define CONF_ON 256 /* on=A,B,...: host names as written */
#define CONF_VLAN 128 /* a device's VLAN setting, as vlan_port_format writes it */
#define CONF_MAX_HOSTFWD 32 /* hostfwd= per slirp switch (umlnet-slirp's own limit) */
#define CONF_HOSTFWD 48

struct conf_switch {
	char name[CONF_NAME];
	bool hub;
	bool slirp;            /* attach umlnet-slirp (NAT gateway 10.0.2.2) */
	bool host_loopback;    /* its guests may reach the host's 127.0.0.1 through 10.0.2.2 */
	char hostfwd[CONF_MAX_HOSTFWD][CONF_HOSTFWD]; /* umlnet-slirp --hostfwd= specs */
	int nhostfwd;
	char socket[CONF_PATH]; /* control socket; "" = <state>/<name>.ctl */
	char tap[CONF_NAME];   /* host tap uplink; "" = none */
	char port[CONF_MAX_SWITCH_PORTS][CONF_PATH]; /* -port SPEC: trunks, taps, groups */
	int nport;
	/* Several hosts (span.h): on= as written, the hosts it names (bit i: conf.host[i]; every
	 * host when on= is absent), and the trunk's VNI and UDP port when it spans several. */
	char on[CONF_ON];
	uint32_t hosts;
	bool vni_given;
	uint32_t vni;
	uint16_t trunk_port;
	int line;
};

/* A device of a guest: eth<N> (the daemon transport, or a raw spec) or, in UML guests only,
 * vec<N> (a vector device of the bess transport on the switch's -bess socket). */
struct conf_eth {
	bool vec;               /* vec<N>, else eth<N> */
	int index;              /* N */
	int sw;                 /* index into conf.sw, or -1 with spec set */
	char sw_name[CONF_NAME];
	char spec[CONF_PATH];   /* a raw UML transport spec instead of a switch */
	char ip[CONF_ADDR];     /* a.b.c.d/len or "" */
	char mac[18];
	char vlan[CONF_VLAN];   /* "vlan=N", "trunk=LIST[,native=N]" (canonical) or "" */
	int line;
};

struct conf_route {
	char dest[CONF_ADDR];   /* "default" or a.b.c.d/len */
	char via[CONF_ADDR];
	int line;
};

/* A UML guest, a network namespace, or a QEMU virtual machine (`guest NAME qemu`). */
enum conf_guest_kind { CONF_GUEST_UML, CONF_GUEST_NETNS, CONF_GUEST_QEMU };

struct conf_guest {
	char name[CONF_NAME];
	enum conf_guest_kind kind;
	char kernel[CONF_PATH]; /* "" = linux from PATH (QEMU: umlnet-qemu-image's, or none) */
	char mem[16];
	/* QEMU only: initrd=, append= (added to the kernel command line), disk= (a disk image,
	 * first virtio disk, used as it is); no kernel= and no disk= boots umlnet-qemu-image's. */
	char initrd[CONF_PATH];
	char append[512];
	char disk[CONF_PATH];
	char root[CONF_PATH];   /* "" = hostfs (the host's /, read-only); else a root image */
	char init[CONF_PATH];   /* "" = umlnet-guest-init.sh */
	char base[CONF_PATH];   /* "" = the host's /; else the lower layer of its copy-on-write
				 * root (an image of umlnet image build) */
	char run[512];          /* a shell command run once the network is up */
	bool forward;
	char on[CONF_NAME];     /* on=HOST as written, "" = the host of its switches */
	int host;               /* index into conf.host, -1 without hosts */
	struct conf_eth eth[CONF_MAX_DEVS]; /* eth and vec devices, in file order */
	int neth;
	struct conf_route route[CONF_MAX_ROUTES];
	int nroute;
	int line;
};

/* A device on the host, made by `umlnet host-up` (root): a tap or a bridge. */
struct conf_hostdev {
	char name[CONF_NAME];
	bool bridge;
	char ip[CONF_ADDR];
	char user[CONF_NAME];   /* taps: owner */
	char master[CONF_NAME]; /* taps: the bridge to join */
	bool proxy_arp;
	/* taps: guests reached through the tap (host route, proxy ARP, ip_forward) */
	char guest[CONF_MAX_HOSTGUESTS][16];
	int nguest;
	int line;
};

/* host NAME addr=IP: one machine of a network spread over several (span.h). */
struct conf_host {
	char name[CONF_NAME];
	char addr[CONF_ADDR];   /* numeric IPv4 or IPv6: its end of every VXLAN trunk */
	int line;
};

struct conf {
	char name[CONF_NAME];
	bool named; /* a network line gave the name */
	char file[CONF_PATH];
	struct conf_switch sw[CONF_MAX_SWITCHES];
	int nsw;
	struct conf_guest g[CONF_MAX_GUESTS];
	int ng;
	struct conf_hostdev dev[CONF_MAX_HOSTDEVS];
	int ndev;
	struct conf_route route[CONF_MAX_ROUTES]; /* host routes (host-up) */
	int nroute;
	struct conf_host host[CONF_MAX_HOSTS];
	int nhost;
	int local_host;        /* after span_localize: the host this is the part of, else -1 */
};

/* Parses text (the contents of file fname) into c. Returns 0, or -EINVAL with one line in err. */
int conf_parse(struct conf *c, const char *text, const char *fname, char *err, size_t errlen);

/* Reads and parses a file; the network name defaults to the file's name without ".conf".
 * With text_out, the file's text is handed over too (malloc'd; untouched on failure). */
int conf_load(struct conf *c, const char *path, char **text_out, char *err, size_t errlen);

/* The network name from a file name when the file has no network line: "lab.conf" -> "lab". */
void conf_default_name(struct conf *c, const char *path);

/* Reads a whole text file (at most 1 MiB) into *text (malloc'd). */
int conf_read_file(const char *path, char **text, char *err, size_t errlen);

/* Writes the topology in canonical form (what `umlnet check` prints). */
void conf_print(const struct conf *c, FILE *f);

/* The device's name in the guest, "eth0" or "vec0", written to out (CONF_DEV_NAME bytes). */
const char *conf_dev_name(const struct conf_eth *e, char *out);

/* The MAC of device index of a guest without mac=: 02 then 5 bytes of an FNV-1a hash of the
 * name and index, so the same topology gives the same MACs every time. out: 18 bytes. */
const char *conf_hashed_mac(const char *name, int index, char *out);

/* Whether the network has a QEMU guest (its switches then listen for QEMU's stream netdevs). */
bool conf_has_qemu(const struct conf *c);

/* Whether some guest has a vec device on switch sw (the switch then needs its -bess socket). */
bool conf_switch_has_vec(const struct conf *c, int sw);

/* Whether s is a dotted IPv4 address (with "/len", 0 to 32, when with_len). */
bool conf_ipv4_ok(const char *s, bool with_len);

int conf_find_switch(const struct conf *c, const char *name);
int conf_find_host(const struct conf *c, const char *name);
int conf_find_guest(const struct conf *c, const char *name);

/* Whether name is a valid block name (also used for guests and switches given on the command
 * line). */
bool conf_name_ok(const char *name);

#endif
