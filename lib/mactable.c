// SPDX-License-Identifier: GPL-2.0-or-later
#include "mactable.h"

#include <string.h>

struct mac_key {
	uint8_t mac[6];
	uint16_t vlan;
};
_Static_assert(sizeof(struct mac_key) == 8, "mac_key has no padding");

static struct mac_key mac_key(const uint8_t mac[6], uint16_t vlan)
{
	struct mac_key k;

	memcpy(k.mac, mac, 6);
	k.vlan = vlan;
	return k;
}

static uint64_t mac_val(uint32_t port, uint32_t seen)
{
	return (uint64_t)seen << 32 | port;
}

static uint32_t mac_val_port(uint64_t v)
{
	return (uint32_t)v;
}

static uint32_t mac_val_seen(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

int mactable_init(struct mactable *t, uint32_t max_entries, uint32_t age_seconds)
{
	t->age = age_seconds;
	return ohash_init(&t->h, max_entries, sizeof(struct mac_key));
}

void mactable_free(struct mactable *t)
{
	ohash_free(&t->h);
}

static bool mac_seen_expired(const struct mactable *t, uint32_t seen, uint32_t now)
{
	return now - seen > t->age;
}

static bool mac_expired(const struct mactable *t, uint64_t v, uint32_t now)
{
	return mac_seen_expired(t, mac_val_seen(v), now);
}

bool mactable_entry_expired(const struct mactable *t, const struct mac_entry *e, uint32_t now)
{
	return mac_seen_expired(t, e->seen, now);
}

enum mac_learn mactable_learn(struct mactable *t, const uint8_t mac[6], uint16_t vlan,
			      uint32_t port, uint32_t now)
{
	struct mac_key k = mac_key(mac, vlan);
	bool added;
	uint32_t s = ohash_insert(&t->h, &k, mac_val(port, now), &added);
	uint64_t old;

	if (s == OHASH_NONE)
		return MAC_FULL;
	if (added)
		return MAC_NEW;
	old = t->h.vals[s];
	t->h.vals[s] = mac_val(port, now);
	if (mac_val_port(old) == port)
		return MAC_REFRESHED;
	/* An entry that aged out but was not swept yet is new, not a move. */
	return mac_expired(t, old, now) ? MAC_NEW : MAC_MOVED;
}

uint32_t mactable_lookup(struct mactable *t, const uint8_t mac[6], uint16_t vlan, uint32_t now)
{
	struct mac_key k = mac_key(mac, vlan);
	uint32_t s = ohash_find(&t->h, &k);

	if (s == OHASH_NONE)
		return MACTABLE_NONE;
	if (mac_expired(t, t->h.vals[s], now)) {
		ohash_remove(&t->h, s);
		return MACTABLE_NONE;
	}
	return mac_val_port(t->h.vals[s]);
}

struct mac_match {
	const struct mactable *t;
	uint32_t now;
	uint32_t port;
};

static bool mac_match_expired(uint64_t v, void *arg)
{
	const struct mac_match *m = arg;

	return mac_expired(m->t, v, m->now);
}

static bool mac_match_port(uint64_t v, void *arg)
{
	const struct mac_match *m = arg;

	return mac_val_port(v) == m->port;
}

uint32_t mactable_expire(struct mactable *t, uint32_t now)
{
	struct mac_match m = { .t = t, .now = now };

	return ohash_remove_if(&t->h, mac_match_expired, &m);
}

uint32_t mactable_purge_port(struct mactable *t, uint32_t port)
{
	struct mac_match m = { .t = t, .port = port };

	return ohash_remove_if(&t->h, mac_match_port, &m);
}

uint32_t mactable_count(const struct mactable *t)
{
	return t->h.count;
}

uint32_t mactable_next(const struct mactable *t, uint32_t from, struct mac_entry *out)
{
	uint32_t s = ohash_next(&t->h, from);
	struct mac_key k;

	if (s == OHASH_NONE)
		return s;
	memcpy(&k, ohash_key(&t->h, s), sizeof(k));
	memcpy(out->mac, k.mac, 6);
	out->vlan = k.vlan;
	out->port = mac_val_port(t->h.vals[s]);
	out->seen = mac_val_seen(t->h.vals[s]);
	return s;
}
