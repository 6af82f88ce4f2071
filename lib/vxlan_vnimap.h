/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vxlan_vnimap - a VXLAN trunk's VNI-to-VLAN map (doc/vxlan.md §6.1): one trunk, several segments.
 *
 * Theory of operation: "vni=100:10,200:20" makes the trunk a VLAN trunk port of the switch whose
 * allowed VLANs are the mapped ones (no native VLAN). A frame leaving the switch tagged VLAN v
 * goes out untagged inside VXLAN with the VNI mapped to v; a packet received with VNI n enters
 * the switch tagged VLAN map(n). The map is one-to-one: no VNI and no VLAN appears twice. VNIs
 * are 0..2^24-1, VLANs 1..4094. A plain "vni=N" is no map (count 0): one segment, untagged.
 *
 * Lookups are on the data path: VLAN -> VNI through a table indexed by VID, VNI -> VLAN by a
 * binary search over the pairs kept sorted by VNI; nothing is allocated.
 */
#ifndef UMLNET_VXLAN_VNIMAP_H
#define UMLNET_VXLAN_VNIMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VXLAN_VNIMAP_MAX 64     /* pairs per trunk */
#define VXLAN_VNIMAP_NONE 0     /* "no VLAN": VLAN ids start at 1 */

struct vxlan_vnimap {
	unsigned int n;                       /* pairs; 0 = no map */
	uint32_t vni[VXLAN_VNIMAP_MAX];       /* sorted ascending */
	uint16_t vlan[VXLAN_VNIMAP_MAX];      /* vlan[i] is vni[i]'s */
};

/* Whether text is a map ("N:V,...") rather than one VNI. */
bool vxlan_vnimap_is_map(const char *text);

/* Parses "VNI:VLAN[,VNI:VLAN...]" into m. 0, or -EINVAL with a one-line err naming the bad
 * pair and what is wrong with it (syntax, VNI or VLAN out of range, a VNI or VLAN mapped twice). */
int vxlan_vnimap_parse(const char *text, struct vxlan_vnimap *m, char *err, size_t errlen);

/* The VLAN of vni, VXLAN_VNIMAP_NONE if it is not mapped. */
uint16_t vxlan_vnimap_vlan(const struct vxlan_vnimap *m, uint32_t vni);

#define VXLAN_VNIMAP_UNMAPPED UINT32_MAX /* vni_of[] of a VLAN without a VNI */

/* Fills vni_of[4096] (VLAN -> VNI, VXLAN_VNIMAP_UNMAPPED for the others). */
void vxlan_vnimap_index(const struct vxlan_vnimap *m, uint32_t *vni_of);

struct vlan_port;
/* The switch port setting of a trunk with map m: trunk of the mapped VLANs, no native VLAN. */
void vxlan_vnimap_port(const struct vxlan_vnimap *m, struct vlan_port *p);

/* Writes the map as vxlan_vnimap_parse reads it ("100:10,200:20"). */
void vxlan_vnimap_format(const struct vxlan_vnimap *m, char *buf, size_t len);

#endif
