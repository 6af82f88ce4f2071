/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mactable - the switch's learned MAC addresses: (MAC, VLAN) -> port, with aging.
 *
 * Time is whole seconds of a monotonic clock that the caller reads once per batch. An entry
 * older than the aging time counts as absent on lookup even before a sweep frees it, so aging
 * is exact to the second without a timer per entry. Capacity is fixed at init.
 *
 * Limits (mactable_limit_ports): a table whose values are port numbers can also count entries
 * per port, cap them, and share the table fairly. A port at its cap learns nothing new (its
 * frames are still forwarded; frames to its unlearned addresses are flooded, as to any unknown
 * one). When the whole table is full, a port holding well under its fair share (table size /
 * ports holding addresses) takes an entry of the port holding the most, so one port that fills
 * the table with made-up addresses cannot keep others from being learned, and known addresses
 * are never lost to a port that already holds about as many (shares end within one). Without limits a full
 * table simply learns nothing new, and the caller counts it.
 *
 * Trunks (mactable_set_trunk, on a limited table): a port marked as a trunk carries the stations
 * of other switches or hosts, any of which can send with any source address. It never takes a
 * live address of a local (unmarked) port: the same address seen on a trunk is not moved
 * (MAC_MOVE_REFUSED) until the local entry ages out or its port is purged, so a station behind a
 * trunk cannot draw a local guest's unicast to itself by sending with the guest's address.
 * Moves between local ports (a guest that reconnects gets a new port), between trunks, and from
 * a trunk to a local port happen at once, as before.
 */
#ifndef UMLNET_MACTABLE_H
#define UMLNET_MACTABLE_H

#include "ohash.h"

#include <stdbool.h>
#include <stdint.h>

#define MACTABLE_NONE UINT32_MAX

enum mac_learn {
	MAC_REFRESHED, /* known on this port */
	MAC_NEW,       /* learned now */
	MAC_MOVED,     /* was on another port */
	MAC_FULL,      /* table full: not learned */
	MAC_PORT_FULL, /* the port holds its cap of addresses: not learned */
	MAC_EVICTED,   /* learned now in place of another port's entry (fair share) */
	MAC_MOVE_REFUSED, /* a trunk port sent a live address of a local port: not moved */
};

struct mactable {
	struct ohash h;
	uint32_t age;  /* seconds an entry lives without traffic */
	/* Per-port accounting, when limited (NULL otherwise). */
	uint32_t *port_count; /* entries (live or not yet swept) per port */
	bool *port_trunk;     /* the port is a trunk (see above) */
	uint32_t nports;      /* ports numbered 0 .. nports-1 */
	uint32_t ports_used;  /* ports holding at least one entry */
	uint32_t per_port;    /* cap per port, 0: none */
	uint32_t cursor;      /* where the next search for an entry to evict starts */
};

struct mac_entry {
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t port;
	uint32_t seen;
};

int mactable_init(struct mactable *t, uint32_t max_entries, uint32_t age_seconds);
void mactable_free(struct mactable *t);
/* Counts entries per port (values below nports), caps each port at per_port (0: no cap) and
 * shares a full table fairly. Returns 0 or -ENOMEM. */
int mactable_limit_ports(struct mactable *t, uint32_t nports, uint32_t per_port);
/* Marks a port as a trunk or a local port (the default; also after mactable_limit_ports). No
 * effect on a table without limits. */
void mactable_set_trunk(struct mactable *t, uint32_t port, bool trunk);
/* Entries a port holds (0 without limits). */
uint32_t mactable_port_count(const struct mactable *t, uint32_t port);

enum mac_learn mactable_learn(struct mactable *t, const uint8_t mac[6], uint16_t vlan,
			      uint32_t port, uint32_t now);
/* Port the address was last seen on, or MACTABLE_NONE if unknown or aged out. */
uint32_t mactable_lookup(struct mactable *t, const uint8_t mac[6], uint16_t vlan, uint32_t now);
/* Frees aged-out entries; returns how many. */
uint32_t mactable_expire(struct mactable *t, uint32_t now);
/* Forgets every address; returns how many. */
uint32_t mactable_purge_all(struct mactable *t);
/* Forgets every address learned on port; returns how many. */
uint32_t mactable_purge_port(struct mactable *t, uint32_t port);
uint32_t mactable_count(const struct mactable *t);

/* Whether an entry from mactable_next() has aged out (and only waits for the sweep). */
bool mactable_entry_expired(const struct mactable *t, const struct mac_entry *e, uint32_t now);

/* Iteration over live and not yet swept entries, for status output. */
uint32_t mactable_next(const struct mactable *t, uint32_t from, struct mac_entry *out);

#endif
