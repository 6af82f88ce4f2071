// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transport_registry - the table of transports, one row each (transport_registry.h), indexed by
 * enum transport_kind.
 */
#include "transport_registry.h"

#include "ep_transports.h"

#include <stdio.h>
#include <string.h>

#define CLASSIC(fn) TRANSPORT_SYNTAX_CLASSIC, { .classic = (fn) }
#define VECTOR(fn) TRANSPORT_SYNTAX_VECTOR, { .vector = (fn) }

static const struct transport_row table[] = {
	[TRANSPORT_ETHERTAP] = { "ethertap", CLASSIC(transport_parse_ethertap), transport_print_tap,
				 ep_ethertap_open, "ethertap,tap0,fe:fd:00:00:00:01,192.168.0.254" },
	[TRANSPORT_TUNTAP] = { "tuntap", CLASSIC(transport_parse_tuntap), transport_print_tap,
			       ep_tuntap_open, "tuntap,,fe:fd:00:00:00:01,192.168.0.254" },
	[TRANSPORT_DAEMON] = { "daemon", CLASSIC(transport_parse_daemon), transport_print_daemon,
			       ep_daemon_open, "daemon,fe:fd:0a:00:00:01,unix,/tmp/sw.ctl" },
	[TRANSPORT_MCAST] = { "mcast", CLASSIC(transport_parse_mcast), transport_print_mcast,
			      ep_mcast_open, "mcast,fe:fd:00:00:00:02,239.1.2.3,4000,3" },
	[TRANSPORT_SLIP] = { "slip", CLASSIC(transport_parse_slip), transport_print_slip, ep_slip_open,
			     "slip,192.168.0.254" },
	[TRANSPORT_SLIRP] = { "slirp", CLASSIC(transport_parse_slirp), transport_print_slirp,
			      ep_slirp_open, "slirp,fe:fd:00:00:00:03,slirp,-P" },
	[TRANSPORT_PCAP] = { "pcap", CLASSIC(transport_parse_pcap), transport_print_pcap, ep_pcap_open,
			     "pcap,veth0,tcp port 80,nopromisc,optimize" },
	[TRANSPORT_BESS] = { "bess", VECTOR(vector_parse_bess), transport_print_bess, ep_bess_open,
			     "transport=bess,dst=/run/sw.bess,src=/run/g.vec0" },
	[TRANSPORT_FD] = { "fd", VECTOR(vector_parse_fd), transport_print_fd, ep_fdvec_open,
			   "transport=fd,fd=3" },
	[TRANSPORT_L2TPV3] = { "l2tpv3", VECTOR(vector_parse_l2tpv3), transport_print_l2tpv3,
			       ep_l2tpv3_open,
			       "transport=l2tpv3,udp=1,src=127.0.0.1,srcport=1701,dst=127.0.0.1,"
			       "dstport=1702,rx_session=1,tx_session=2" },
	[TRANSPORT_VXLAN] = { "vxlan", VECTOR(vector_parse_vxlan), transport_print_vxlan, ep_vxlan_open,
			      "transport=vxlan,vni=42,remote=192.0.2.1" },
	[TRANSPORT_STREAM] = { "stream", VECTOR(vector_parse_stream), transport_print_stream,
			       ep_stream_open, "transport=stream,connect=/run/q1.sock" },
	[TRANSPORT_DGRAM] = { "dgram", VECTOR(vector_parse_dgram), transport_print_dgram,
			      ep_dgramsock_open, "transport=dgram,src=/run/sw.dgram,dst=/run/q1.dgram" },
};

_Static_assert(sizeof(table) / sizeof(table[0]) == TRANSPORT_KINDS,
	       "one row in the transport table per enum transport_kind");

const struct transport_row *transport_row(enum transport_kind kind)
{
	return &table[kind];
}

const char *transport_kind_name(enum transport_kind kind)
{
	return (unsigned int)kind < TRANSPORT_KINDS ? table[kind].name : "?";
}

enum transport_kind transport_named(enum transport_syntax syntax, const char *name, size_t len)
{
	enum transport_kind k;

	for (k = 0; k < TRANSPORT_KINDS; k++)
		if (table[k].syntax == syntax && strlen(table[k].name) == len &&
		    memcmp(table[k].name, name, len) == 0)
			break;
	return k;
}

void transport_known(enum transport_syntax syntax, const char *sep, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = 0;
	for (size_t i = 0; i < TRANSPORT_KINDS && used < len; i++) {
		int n;

		if (table[i].syntax != syntax)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? sep : "", table[i].name);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}
