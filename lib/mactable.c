// SPDX-License-Identifier: GPL-2.0-or-later
#include "mactable.h"

#include <errno.h>
#include <stdlib.h>
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
	memset(t, 0, sizeof(*t)); /* callers hand in uninitialised memory */
	t->age = age_seconds;
	return ohash_init(&t->h, max_entries, sizeof(struct mac_key));
}

static void mac_free_ports(struct mactable *t)
{
	free(t->port_count);
	free(t->port_trunk);
	t->port_count = NULL;
	t->port_trunk = NULL;
}

void mactable_free(struct mactable *t)
{
	ohash_free(&t->h);
	mac_free_ports(t);
}

int mactable_limit_ports(struct mactable *t, uint32_t nports, uint32_t per_port)
{
	mac_free_ports(t);
	t->port_count = calloc(nports, sizeof(*t->port_count));
	t->port_trunk = calloc(nports, sizeof(*t->port_trunk));
	if (!t->port_count || !t->port_trunk) {
		mac_free_ports(t);
		return -ENOMEM;
	}
	t->nports = nports;
	t->per_port = per_port;
	t->ports_used = 0;
	return 0;
}

static bool mac_counted(const struct mactable *t, uint32_t port)
{
	return t->port_count && port < t->nports;
}

void mactable_set_trunk(struct mactable *t, uint32_t port, bool trunk)
{
	if (mac_counted(t, port))
		t->port_trunk[port] = trunk;
}

static bool mac_port_trunk(const struct mactable *t, uint32_t port)
{
	return mac_counted(t, port) && t->port_trunk[port];
}

uint32_t mactable_port_count(const struct mactable *t, uint32_t port)
{
	return mac_counted(t, port) ? t->port_count[port] : 0;
}

static void mac_count_add(struct mactable *t, uint32_t port)
{
	if (mac_counted(t, port) && t->port_count[port]++ == 0)
		t->ports_used++;
}

static void mac_count_del(struct mactable *t, uint32_t port)
{
	if (mac_counted(t, port) && --t->port_count[port] == 0)
		t->ports_used--;
}

static bool mac_port_at_cap(const struct mactable *t, uint32_t port)
{
	return t->per_port && mac_counted(t, port) && t->port_count[port] >= t->per_port;
}

static void mac_remove(struct mactable *t, uint32_t slot)
{
	mac_count_del(t, mac_val_port(t->h.vals[slot]));
	ohash_remove(&t->h, slot);
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

static uint32_t mac_largest_port(const struct mactable *t)
{
	uint32_t best = 0;

	for (uint32_t i = 1; i < t->nports; i++)
		if (t->port_count[i] > t->port_count[best])
			best = i;
	return best;
}

/* Frees one entry of the port holding the most, if `port` holds well under its fair share of
 * the full table. Below the share the largest holds more than `port` plus one (the others hold
 * more than the share on average), so the search finds an entry of it; it starts where the
 * last one stopped so that evictions spread over the table. */
static bool mac_evict_for(struct mactable *t, uint32_t port)
{
	uint32_t mine, users, victim, mask = t->h.cap - 1;

	if (!mac_counted(t, port))
		return false;
	mine = t->port_count[port];
	users = t->ports_used + (mine == 0);
	if (mine + 2 > t->h.max / users)
		return false;
	victim = mac_largest_port(t);
	for (uint32_t i = 0; i < t->h.cap; i++) {
		uint32_t s = (t->cursor + i) & mask;

		if (t->h.used[s] && mac_val_port(t->h.vals[s]) == victim) {
			mac_remove(t, s);
			t->cursor = (s + 1) & mask;
			return true;
		}
	}
	return false;
}

/* An address already in the table, seen now on `port`. */
static enum mac_learn mac_relearn(struct mactable *t, uint32_t s, uint32_t port, uint32_t now)
{
	uint64_t old = t->h.vals[s];

	if (mac_val_port(old) == port) {
		t->h.vals[s] = mac_val(port, now);
		return MAC_REFRESHED;
	}
	if (mac_port_trunk(t, port) && !mac_port_trunk(t, mac_val_port(old)) &&
	    !mac_expired(t, old, now))
		return MAC_MOVE_REFUSED;
	if (mac_port_at_cap(t, port))
		return MAC_PORT_FULL;
	mac_count_del(t, mac_val_port(old));
	mac_count_add(t, port);
	t->h.vals[s] = mac_val(port, now);
	/* An entry that aged out but was not swept yet is new, not a move. */
	return mac_expired(t, old, now) ? MAC_NEW : MAC_MOVED;
}

enum mac_learn mactable_learn(struct mactable *t, const uint8_t mac[6], uint16_t vlan,
			      uint32_t port, uint32_t now)
{
	struct mac_key k = mac_key(mac, vlan);
	uint32_t s = ohash_find(&t->h, &k);
	bool added, evicted = false;

	if (s != OHASH_NONE)
		return mac_relearn(t, s, port, now);
	if (mac_port_at_cap(t, port))
		return MAC_PORT_FULL;
	if (t->h.count >= t->h.max) {
		if (!mac_evict_for(t, port))
			return MAC_FULL;
		evicted = true;
	}
	ohash_insert(&t->h, &k, mac_val(port, now), &added);
	mac_count_add(t, port);
	return evicted ? MAC_EVICTED : MAC_NEW;
}

uint32_t mactable_lookup(struct mactable *t, const uint8_t mac[6], uint16_t vlan, uint32_t now)
{
	struct mac_key k = mac_key(mac, vlan);
	uint32_t s = ohash_find(&t->h, &k);

	if (s == OHASH_NONE)
		return MACTABLE_NONE;
	if (mac_expired(t, t->h.vals[s], now)) {
		mac_remove(t, s);
		return MACTABLE_NONE;
	}
	return mac_val_port(t->h.vals[s]);
}

/* Predicates of ohash_remove_if: a true answer removes the entry, so they also keep the
 * per-port counts. */
struct mac_match {
	struct mactable *t;
	uint32_t now;
	uint32_t port;
};

static bool mac_match_expired(uint64_t v, void *arg)
{
	const struct mac_match *m = arg;

	if (!mac_expired(m->t, v, m->now))
		return false;
	mac_count_del(m->t, mac_val_port(v));
	return true;
}

static bool mac_match_port(uint64_t v, void *arg)
{
	const struct mac_match *m = arg;

	if (mac_val_port(v) != m->port)
		return false;
	mac_count_del(m->t, m->port);
	return true;
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

static bool mac_match_any(uint64_t v, void *arg)
{
	const struct mac_match *m = arg;

	mac_count_del(m->t, mac_val_port(v));
	return true;
}

uint32_t mactable_purge_all(struct mactable *t)
{
	struct mac_match m = { .t = t };

	return ohash_remove_if(&t->h, mac_match_any, &m);
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
