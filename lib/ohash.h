/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ohash - open-addressing hash table with fixed-size byte keys and a 64-bit value.
 *
 * Theory of operation: linear probing in a power-of-two table kept at most half full, so a
 * lookup touches one or two cache lines on average. Deletion shifts later entries of the same
 * probe run back (no tombstones), so the table never degrades with churn. All memory is
 * allocated once by ohash_init(): inserting or removing never allocates, which is what the
 * switch's per-frame path needs. The hash is seeded at random per table because guests choose
 * the keys (MAC addresses, socket names): a fixed hash would let one guest craft collisions
 * and turn O(1) lookups into scans.
 */
#ifndef UMLNET_OHASH_H
#define UMLNET_OHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OHASH_NONE UINT32_MAX

struct ohash {
	uint8_t *keys;      /* cap * key_len bytes */
	uint64_t *vals;     /* cap values */
	uint8_t *used;      /* cap flags */
	uint32_t cap;       /* power of two, >= 2 * max */
	uint32_t max;       /* most entries accepted */
	uint32_t count;
	uint32_t key_len;
	uint64_t seed;
};

/* Returns 0 or -ENOMEM / -EINVAL. max_entries is the capacity callers can rely on. */
int ohash_init(struct ohash *h, uint32_t max_entries, uint32_t key_len);
void ohash_free(struct ohash *h);

/* Slot of key, or OHASH_NONE. */
uint32_t ohash_find(const struct ohash *h, const void *key);
/* Slot of key, inserting it with value val if absent; OHASH_NONE when the table is full. *added
 * tells whether it was inserted. */
uint32_t ohash_insert(struct ohash *h, const void *key, uint64_t val, bool *added);
void ohash_remove(struct ohash *h, uint32_t slot);

static inline const uint8_t *ohash_key(const struct ohash *h, uint32_t slot)
{
	return h->keys + (size_t)slot * h->key_len;
}

/* Iteration: for (s = ohash_next(h, 0); s != OHASH_NONE; s = ohash_next(h, s + 1)). Removing the
 * current slot during iteration may move a later entry into it, so callers that remove re-check
 * the same slot (see ohash_remove_if). */
uint32_t ohash_next(const struct ohash *h, uint32_t from);

/* Removes every entry for which pred returns true; returns how many. */
uint32_t ohash_remove_if(struct ohash *h, bool (*pred)(uint64_t val, void *arg), void *arg);

#endif
