// SPDX-License-Identifier: GPL-2.0-or-later
#include "ohash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static uint64_t ohash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static uint64_t ohash_hash(const struct ohash *h, const uint8_t *key)
{
	uint64_t x = h->seed ^ h->key_len;
	uint32_t i = 0;

	for (; i + 8 <= h->key_len; i += 8) {
		uint64_t w;

		memcpy(&w, key + i, 8);
		x = ohash_mix(x ^ w) * 0x9e3779b97f4a7c15ULL;
	}
	if (i < h->key_len) {
		uint64_t w = 0;

		memcpy(&w, key + i, h->key_len - i);
		x = ohash_mix(x ^ w) * 0x9e3779b97f4a7c15ULL;
	}
	return ohash_mix(x);
}

int ohash_init(struct ohash *h, uint32_t max_entries, uint32_t key_len)
{
	uint32_t cap = 16;

	memset(h, 0, sizeof(*h));
	if (max_entries == 0 || max_entries > (1u << 28) || key_len == 0)
		return -EINVAL;
	while (cap < 2 * max_entries)
		cap <<= 1;
	h->keys = calloc(cap, key_len);
	h->vals = calloc(cap, sizeof(*h->vals));
	h->used = calloc(cap, 1);
	if (!h->keys || !h->vals || !h->used) {
		ohash_free(h);
		return -ENOMEM;
	}
	h->cap = cap;
	h->max = max_entries;
	h->key_len = key_len;
	if (getrandom(&h->seed, sizeof(h->seed), GRND_NONBLOCK) != sizeof(h->seed))
		h->seed = (uint64_t)(uintptr_t)h ^ 0x5bd1e9955bd1e995ULL;
	return 0;
}

void ohash_free(struct ohash *h)
{
	free(h->keys);
	free(h->vals);
	free(h->used);
	memset(h, 0, sizeof(*h));
}

static uint32_t ohash_home(const struct ohash *h, const uint8_t *key)
{
	return (uint32_t)ohash_hash(h, key) & (h->cap - 1);
}

uint32_t ohash_find(const struct ohash *h, const void *key)
{
	uint32_t mask = h->cap - 1;

	for (uint32_t s = ohash_home(h, key);; s = (s + 1) & mask) {
		if (!h->used[s])
			return OHASH_NONE;
		if (memcmp(ohash_key(h, s), key, h->key_len) == 0)
			return s;
	}
}

uint32_t ohash_insert(struct ohash *h, const void *key, uint64_t val, bool *added)
{
	uint32_t mask = h->cap - 1;
	uint32_t s = ohash_home(h, key);

	*added = false;
	for (; h->used[s]; s = (s + 1) & mask)
		if (memcmp(ohash_key(h, s), key, h->key_len) == 0)
			return s;
	if (h->count >= h->max)
		return OHASH_NONE;
	memcpy(h->keys + (size_t)s * h->key_len, key, h->key_len);
	h->vals[s] = val;
	h->used[s] = 1;
	h->count++;
	*added = true;
	return s;
}

/* Backward-shift deletion: walk the probe run after the hole and move back every entry whose
 * home slot does not lie cyclically between the hole and its current slot. */
void ohash_remove(struct ohash *h, uint32_t slot)
{
	uint32_t mask = h->cap - 1;
	uint32_t hole = slot;

	h->used[hole] = 0;
	h->count--;
	for (uint32_t s = (hole + 1) & mask; h->used[s]; s = (s + 1) & mask) {
		uint32_t home = ohash_home(h, ohash_key(h, s));
		bool stays = hole <= s ? (hole < home && home <= s) : (hole < home || home <= s);

		if (stays)
			continue;
		memcpy(h->keys + (size_t)hole * h->key_len, ohash_key(h, s), h->key_len);
		h->vals[hole] = h->vals[s];
		h->used[hole] = 1;
		h->used[s] = 0;
		hole = s;
	}
}

uint32_t ohash_next(const struct ohash *h, uint32_t from)
{
	for (uint32_t s = from; s < h->cap; s++)
		if (h->used[s])
			return s;
	return OHASH_NONE;
}

uint32_t ohash_remove_if(struct ohash *h, bool (*pred)(uint64_t val, void *arg), void *arg)
{
	uint32_t removed = 0;

	/* A removal can shift an entry from past the end of the array (wrapped run) into an earlier
	 * slot we already passed; repeat until a full pass removes nothing. */
	for (bool again = true; again;) {
		again = false;
		for (uint32_t s = 0; s < h->cap; s++) {
			while (h->used[s] && pred(h->vals[s], arg)) {
				ohash_remove(h, s);
				removed++;
				again = true;
			}
		}
	}
	return removed;
}
