/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mactable - the switch's learned MAC addresses: (MAC, VLAN) -> port, with aging.
 *
 * Time is whole seconds of a monotonic clock that the caller reads once per batch. An entry
 * older than the aging time counts as absent on lookup even before a sweep frees it, so aging
 * is exact to the second without a timer per entry. Capacity is fixed at init: when it is
 * full, new addresses are not learned (frames to them are flooded, which is always correct)
 * and the caller counts it.
 */
#ifndef UMLNET_MACTABLE_H
#define UMLNET_MACTABLE_H

#include "ohash.h"

#include <stdint.h>

#define MACTABLE_NONE UINT32_MAX

enum mac_learn {
	MAC_REFRESHED, /* known on this port */
	MAC_NEW,       /* learned now */
	MAC_MOVED,     /* was on another port */
	MAC_FULL,      /* table full: not learned */
};

struct mactable {
	struct ohash h;
	uint32_t age;  /* seconds an entry lives without traffic */
};

struct mac_entry {
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t port;
	uint32_t seen;
};

int mactable_init(struct mactable *t, uint32_t max_entries, uint32_t age_seconds);
void mactable_free(struct mactable *t);

enum mac_learn mactable_learn(struct mactable *t, const uint8_t mac[6], uint16_t vlan,
			      uint32_t port, uint32_t now);
/* Port the address was last seen on, or MACTABLE_NONE if unknown or aged out. */
uint32_t mactable_lookup(struct mactable *t, const uint8_t mac[6], uint16_t vlan, uint32_t now);
/* Frees aged-out entries; returns how many. */
uint32_t mactable_expire(struct mactable *t, uint32_t now);
/* Forgets every address learned on port; returns how many. */
uint32_t mactable_purge_port(struct mactable *t, uint32_t port);
uint32_t mactable_count(const struct mactable *t);

/* Whether an entry from mactable_next() has aged out (and only waits for the sweep). */
bool mactable_entry_expired(const struct mactable *t, const struct mac_entry *e, uint32_t now);

/* Iteration over live and not yet swept entries, for status output. */
uint32_t mactable_next(const struct mactable *t, uint32_t from, struct mac_entry *out);

#endif
