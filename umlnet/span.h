/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * span - one network spread over several hosts from one topology file (umlnet.conf(5), HOSTS).
 *
 * Theory of operation: `host NAME addr=IP` lines name the machines; `switch S on=A,B` puts a
 * switch on some of them (every host without on=), `guest G on=A` a guest on one (default: the
 * one host of its switches). Every host reads the same file and `umlnet up FILE --host A` brings
 * up A's part only: span_localize() drops what lives elsewhere, and gives every switch that
 * spans several hosts a VXLAN trunk port to the switch's other hosts: a full mesh of static
 * remotes, one trunk per switch and host, which cannot loop (a trunk is one switch port, and a
 * switch never sends a frame back out of the port it came in on: doc/vxlan.md §5).
 *
 * Numbers every host must agree on, computed from the file alone (no central daemon):
 *   - VNI: vni= on the switch, else FNV-1a of "<network>/<switch>" folded into 1..16777215;
 *     two spanning switches with one VNI (given or derived) are refused, naming the field.
 *   - UDP port: 4789 + the switch's rank among the file's spanning switches (one socket per
 *     trunk, so two switches on one host cannot share a port).
 */
#ifndef UMLNET_SPAN_H
#define UMLNET_SPAN_H

#include "conf.h"

#define SPAN_PORT_BASE 4789

/* After parsing: resolves on= names, places guests, assigns VNIs and ports to spanning
 * switches. 0, or -EINVAL with "<fname>:<line>: ..." in err. */
int span_resolve(struct conf *c, const char *fname, char *err, size_t errlen);

/* The VNI a switch of network net gets without vni=. */
uint32_t span_vni(const char *net, const char *sw);

/* Whether switch i lives on several hosts (and so has a trunk). */
bool span_switch_spans(const struct conf *c, int i);

/* Keeps only host's part of c (switches on it, guests on it) and adds the trunk port of every
 * spanning switch. 0, or -EINVAL / -ENOSPC with one line in err. */
int span_localize(struct conf *c, const char *host, char *err, size_t errlen);

/* The hosts of switch i other than c->local_host, as "B 192.0.2.2, C 192.0.2.3". */
void span_peers(const struct conf *c, int i, char *out, size_t len);

#endif
