/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vxlan_fdb - where a VXLAN trunk sends an inner frame (doc/vxlan.md §3, §5 requirement 3).
 *
 * Theory of operation: like the Linux vxlan device's FDB. Received packets teach inner source
 * MAC -> outer source address (learning), per segment: a trunk with a VNI map keys each entry
 * by MAC and the VNI's VLAN (the same MAC may sit behind different remotes in two segments).
 * Entries age out after the ageing time (300 s, Linux's default) unless refreshed. A unicast
 * inner destination with a live entry goes to that one remote; broadcast, multicast and unknown
 * unicast go to the flood list: every static remote and the multicast group (head-end
 * replication, as with Linux's all-zeros entries). The table is bounded (mactable/ohash: no
 * allocation after init); when it is full a new MAC is not learned and frames to it are
 * flooded, which is always correct.
 *
 * Addresses are vxlan_ip (IPv4 or IPv6 with its scope). The MAC table keeps a small number per
 * entry, so it holds the index of the remote in a pool of VXLAN_VTEPS_MAX addresses; the table
 * counts the entries per index, and a slot no entry uses any more takes the next new remote.
 * When every slot is in use, a MAC behind yet another remote is not learned (counted as
 * vteps_full; its frames are flooded). A remote is found in the pool by a linear search over
 * the slots used so far: a trunk has a handful of peers, not hundreds.
 *
 * Whom a trunk learns from (VXLAN has no authentication, so the outer source address
 * is all a receiver can check). By default a packet is accepted only from
 *   - a configured remote (a unicast address of the flood list), or
 *   - a member of the group: a sender whose address lies in a subnet given with
 *     vxlan_fdb_member_add() (ep_vxlan gives the subnets of the interfaces the trunk hears the
 *     group on; an IPv6 link-local subnet only on its own interface). A sender beyond a router
 *     is not a member even if it joined the group.
 * Anything else is refused before learning, so a stranger cannot claim a MAC and divert its
 * traffic. learn_any (the trunk's learn=any) accepts every sender, as Linux's vxlan device does.
 */
#ifndef UMLNET_VXLAN_FDB_H
#define UMLNET_VXLAN_FDB_H

#include "mactable.h"
#include "transport_spec.h"
#include "vxlan_ip.h"

#include <stdint.h>

#define VXLAN_FDB_MAX 4096          /* learned MACs per trunk */
#define VXLAN_FDB_AGE 300           /* seconds, Linux's default `ageing` */
#define VXLAN_FDB_SWEEP 10          /* seconds between sweeps of aged entries */
#define VXLAN_VTEPS_MAX 256         /* distinct remotes MACs are learned behind */
#define VXLAN_FLOOD_MAX (VXLAN_REMOTES_MAX + 1) /* the static remotes and the group */
#define VXLAN_MEMBER_SUBNETS 16     /* subnets whose senders count as group members */

struct vxlan_subnet {
	struct vxlan_ip net;  /* masked; scope: the interface of a link-local subnet */
	struct in6_addr mask;
};

struct vxlan_fdb {
	struct mactable macs;              /* MAC -> index in vtep[] */
	struct vxlan_ip vtep[VXLAN_VTEPS_MAX];
	unsigned int nvtep;                /* slots used so far (some may be free again) */
	struct vxlan_ip flood[VXLAN_FLOOD_MAX];
	unsigned int nflood;
	struct vxlan_subnet member[VXLAN_MEMBER_SUBNETS];
	unsigned int nmember;
	bool learn_any;   /* accept every sender */
	uint32_t last_sweep;
	uint64_t full;       /* MACs not learned because the table was full */
	uint64_t vteps_full; /* MACs not learned because every remote slot was in use */
	uint64_t moves;      /* MACs that appeared behind another remote */
};

/* Returns 0 or -ENOMEM. */
int vxlan_fdb_init(struct vxlan_fdb *f, uint32_t max_entries, uint32_t age_seconds);
void vxlan_fdb_free(struct vxlan_fdb *f);

/* Adds ip to the flood list (a repeated address is kept once); -ENOSPC when full. */
int vxlan_fdb_flood_add(struct vxlan_fdb *f, const struct vxlan_ip *ip);

/* Counts every address of ip/prefix (prefix counted in ip's own family: 24 for an IPv4 /24)
 * as a group member (a repeated subnet is kept once); -ENOSPC when full, -EINVAL for prefix 0
 * (that would be learn_any) or one longer than the family's addresses. */
int vxlan_fdb_member_add(struct vxlan_fdb *f, const struct vxlan_ip *ip, unsigned int prefix);

/* Whether a packet whose outer source is ip may be received and learned from. */
bool vxlan_fdb_accepts(const struct vxlan_fdb *f, const struct vxlan_ip *ip);

/* Learns that mac of segment vlan (a trunk with a VNI map: the VNI's VLAN; else 0) lives behind
 * the remote ip (a group MAC, or an unusable source address like 0.0.0.0, :: or a multicast
 * one, teaches nothing). now: monotonic seconds. */
void vxlan_fdb_learn(struct vxlan_fdb *f, const uint8_t mac[6], uint16_t vlan,
		     const struct vxlan_ip *ip, uint32_t now);

/* Writes the remotes a frame to dst_mac of segment vlan goes to into out (VXLAN_FLOOD_MAX
 * entries); returns how many: 1 for a learned unicast MAC, else the flood list's length (which
 * may be 0). */
unsigned int vxlan_fdb_dests(struct vxlan_fdb *f, const uint8_t dst_mac[6], uint16_t vlan,
			     uint32_t now, struct vxlan_ip out[VXLAN_FLOOD_MAX]);

/* Learned entries (aged ones may count until the next sweep). */
uint32_t vxlan_fdb_count(const struct vxlan_fdb *f);

#endif
