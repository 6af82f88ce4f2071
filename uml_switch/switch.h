/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * switch - the forwarding core of uml_switch: ports, MAC learning, flooding, counters.
 *
 * Theory of operation. Frames arrive a batch at a time from one port's endpoint (or, for the
 * legacy shared data socket, from several ports), into buffers of a pool that lives until the
 * next flush. For each frame the core checks its length,
 * learns the source address, and appends a reference to the frame to the transmit queue of
 * every port it must go to: the learned port for a known unicast destination, every other
 * port for broadcast, multicast, unknown unicast and in hub mode. Frames are never copied
 * and nothing is allocated: the queues point into the pool. The event loop reads every ready port
 * before it flushes, so frames from many ports to one port (guests talking to a gateway or a tap)
 * leave in one endpoint send() call (one sendmmsg for unix ports); the pool is flushed early
 * only when it runs short. What a full peer does not take waits in the port's backlog (see
 * backlog.h) until the owner reports the endpoint writable; only overflow is dropped. A port
 * that cannot take more (its socket buffer is full) loses the rest of its queue, counted as
 * drop_full on that port (drop_budget when the switch's backlog budget is used up); no port
 * ever waits for another.
 *
 * Limits: each port learns at most macs_per_port source addresses and a full MAC table is
 * shared fairly (mactable.h). A source that is not learned changes nothing for forwarding: the
 * frame still goes where its destination says, and known addresses still reach only their
 * port. Ports owned by a user count against that user's cap (uidlimit.h).
 *
 * Trunks: a port whose endpoint carries other switches' stations (VXLAN, mcast, L2TPv3, a
 * daemon uplink: endpoint_ops.trunk) never takes a live address of a local port; the frame is
 * forwarded all the same, and the refusal counted (mac_move_refused) and logged once per port.
 *
 * VLANs (vlan.h): a switch none of whose ports was given a VLAN setting is VLAN-unaware: every
 * frame is forwarded as it came, tags and all, and learned under VLAN 0, exactly as before VLANs
 * existed. The first setting (sw_port_set_vlan) makes it VLAN-aware for good: every port is then
 * an access port (VLAN 1 unless set) or a trunk; a frame is admitted into one VLAN by its ingress
 * port's rule, learned and looked up under that VLAN, flooded only to the VLAN's members, and
 * leaves each port in that port's wire form. A frame needs at most two forms, untagged and
 * tagged; the one it did not come in is written once, into a buffer of a second pool that lives
 * as long as the receive pool, the first time a port needs it. Refused frames are counted per
 * port and reason and logged once per port and reason.
 *
 * Capture (-pcap) writes each admitted frame once: as received on a VLAN-unaware switch; on a
 * VLAN-aware one with its VLAN as an 802.1Q tag (the form a trunk carrying every VLAN would
 * show), 802.1ad frames as received.
 *
 * Ports are slots in a fixed array sized at start; the active ones are also kept in a dense
 * list so that flooding visits only live ports. Port numbers shown to users are slot + 1.
 */
#ifndef UMLNET_SWITCH_H
#define UMLNET_SWITCH_H

#include "backlog.h"
#include "capture.h"
#include "daemon_proto.h"
#include "endpoint.h"
#include "mactable.h"
#include "uidlimit.h"
#include "vlan.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SW_POOL (4 * ENDPOINT_BATCH) /* receive buffers held until a flush */

struct port_stats {
	uint64_t rx_frames, rx_bytes;
	uint64_t tx_frames, tx_bytes;
	uint64_t drop_runt;      /* received shorter than an Ethernet header (incl. empty) */
	uint64_t drop_oversize;  /* received longer than ETHER_FRAME_MAX */
	uint64_t drop_full;      /* to this port, which had no room even in its backlog */
	uint64_t drop_error;     /* to this port, whose socket reported an error or whose
				  * endpoint found no peer (endpoint.h: tx_dropped) */
	uint64_t filtered;       /* destination learned on the port it came from */
	uint64_t drop_budget;    /* to this port, when the switch's backlog budget was used up */
	uint64_t mac_limit;      /* source addresses not learned: the port held its cap */
	uint64_t mac_move_refused; /* sources of local ports seen on this trunk: not moved */
	uint64_t drop_share;     /* to this port, which held its share of a backlog pool under pressure */
	uint64_t drop_tagged_on_access;   /* received tagged on an access port */
	uint64_t drop_vlan_not_allowed;   /* received tagged with a VLAN the trunk does not allow */
	uint64_t drop_untagged_no_native; /* received untagged on a trunk without a native VLAN */
};

struct port {
	bool used;
	struct endpoint *ep;
	int ctl_fd;              /* control connection; the port lives as long as it (-1: tap) */
	pid_t pid;               /* client credentials from the control connection */
	uid_t uid;
	enum daemon_req_kind proto;
	bool tx_failing;         /* logged the current run of send errors already */
	bool owned;              /* pid/uid set by sw_port_set_owner: counts against the uid */
	bool mac_logged;         /* logged that an address of this port was not learned */
	bool budget_logged;      /* logged a drop for lack of backlog budget */
	bool share_logged;       /* logged a drop for holding its share of the backlog pool */
	bool trunk;              /* carries other switches' stations (endpoint_ops.trunk) */
	bool move_logged;        /* logged a local address not moved to this trunk */
	struct sockaddr_un peer;
	char descr[DAEMON_VDE_DESCR_MAX + 1];
	struct port_stats st;
	struct frame txq[SW_POOL];
	unsigned int txn;
	struct backlog bl;       /* frames waiting for the peer to have room */
	uint32_t active_pos;     /* index in switch.active */
	uint8_t vlan_logged;     /* bit per enum vlan_verdict: logged a drop for that reason */
	struct vlan_port vlan;   /* its VLAN setting (vlan.h) */
};

struct switch_stats {
	uint64_t drop_unknown_sender; /* on the shared socket from an unregistered address */
	uint64_t mac_table_full;      /* source addresses not learned for lack of room */
	uint64_t mac_port_full;       /* source addresses not learned: their port held its cap */
	uint64_t mac_evictions;       /* entries given up to a port under its fair share */
	uint64_t mac_moves;
	uint64_t mac_move_refused;    /* local addresses a trunk sent from, not moved (mactable.h) */
	uint64_t drop_full;           /* frames dropped: their port's backlog was full */
	uint64_t drop_budget;         /* frames dropped: the backlog budget was used up */
	uint64_t drop_share;          /* frames dropped: their port held its share of the pool */
	uint64_t rx_batches;          /* endpoint receive calls that returned frames */
	uint64_t rx_frames;           /* frames those calls returned */
	uint64_t tx_batches;          /* endpoint send calls */
};

struct sw {
	bool hub;
	uint32_t max_ports;
	struct port *ports;
	uint32_t *active;        /* dense list of used slots */
	uint32_t nactive;
	uint32_t *dirty;         /* slots with queued frames */
	uint32_t ndirty;
	struct mactable macs;
	struct backlog_pool bl_pool;    /* buffers of every port's backlog */
	struct uidlim *uids;            /* per-user accounting of ports, or NULL */
	struct capture *cap;
	uint8_t (*pool)[ENDPOINT_BUF]; /* receive buffers, SW_POOL of them */
	uint32_t pool_used;             /* buffers holding queued frames */
	uint8_t (*alt)[ENDPOINT_BUF];   /* frames in their other wire form, SW_POOL of them */
	uint32_t alt_used;
	bool vlan_aware;                /* a port was given a VLAN setting (see above) */
	uint32_t now;            /* seconds, monotonic, refreshed per event batch */
	/* Told when a port starts (waiting) or stops waiting for its endpoint to be writable. */
	void (*on_backlog)(void *arg, uint32_t slot, bool waiting);
	void *on_backlog_arg;
	struct switch_stats st;
};

#define SW_DEFAULT_MACS_PER_PORT 256

/* A switch with the default limits (SW_DEFAULT_MACS_PER_PORT, BACKLOG_DEFAULT_KB). */
int sw_init(struct sw *s, uint32_t max_ports, uint32_t max_macs, uint32_t age, bool hub);
/* Addresses one port may learn (0: no cap) and the bytes all backlogs may hold. */
int sw_set_limits(struct sw *s, uint32_t macs_per_port, size_t backlog_bytes);
void sw_free(struct sw *s);

/* Points frames[0..ENDPOINT_BATCH) at free pool buffers (flushing first if the pool is short);
 * after receiving into them, sw_rx_commit() the number filled. */
void sw_rx_prepare(struct sw *s, struct frame *frames);
void sw_rx_commit(struct sw *s, unsigned int n);

/* Takes a free slot for ep (ownership passes); returns the slot or -ENOSPC. */
int sw_port_add(struct sw *s, struct endpoint *ep, int ctl_fd);
/* Records who owns the port (its client's credentials) and counts it against the uid's cap of
 * ports (s->uids); -EUSERS, with the refusal counted and logged there, when over it. */
int sw_port_set_owner(struct sw *s, uint32_t slot, pid_t pid, uid_t uid);
/* Frees the slot: queued frames sent, endpoint destroyed, learned addresses forgotten, the
 * owner's count given back. The caller closes ctl_fd. */
void sw_port_del(struct sw *s, uint32_t slot);

/* Gives the port a VLAN setting (the switch becomes VLAN-aware); forgets the addresses it learned
 * (and, the first time, every address, learned without VLANs). */
void sw_port_set_vlan(struct sw *s, uint32_t slot, const struct vlan_port *v);

/* Switches one received frame from port `in`, queueing it; call sw_flush() after the batch. */
void sw_input(struct sw *s, uint32_t in, const struct frame *f);
/* Sends everything queued and frees the pool. */
void sw_flush(struct sw *s);
/* The port's endpoint can take frames again: sends its backlog. */
void sw_port_writable(struct sw *s, uint32_t slot);

/* Reads and switches the frames waiting on a port's endpoint, a batch at a time, up to a budget
 * so one busy port cannot starve the others; leaves them queued for sw_flush(). Returns -errno
 * if the endpoint broke. */
int sw_service_port(struct sw *s, uint32_t slot);

#endif
