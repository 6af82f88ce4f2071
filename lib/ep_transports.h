/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ep_transports - the openers of the transport table (transport_registry.c), one file each. Every
 * opener takes a parsed spec (transport_spec.h), returns 0 or -errno, and on error writes one line
 * naming the transport, the bad field or the failing step into err.
 */
#ifndef UMLNET_EP_TRANSPORTS_H
#define UMLNET_EP_TRANSPORTS_H

#include "endpoint.h"
#include "transport_spec.h"

int ep_mcast_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
int ep_daemon_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
int ep_pcap_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
/* tuntap: a named device (ep_tap_open) or, with none, helper mode (ep_helper_tuntap_open). */
int ep_tuntap_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
int ep_helper_tuntap_open(const struct transport_spec *t, struct endpoint **out, char *err,
			  size_t errlen);
int ep_ethertap_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
int ep_slip_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
int ep_slirp_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
/* The vector transports (doc/vector-transports.md) and the VXLAN trunk (doc/vxlan.md). */
int ep_bess_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
int ep_fdvec_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
int ep_l2tpv3_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
int ep_vxlan_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
/* QEMU's socket backends (doc/qemu.md); a stream listen= is uml_switch's (stream_ports.c). */
int ep_stream_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
int ep_dgramsock_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);

#endif
