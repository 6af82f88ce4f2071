// SPDX-License-Identifier: GPL-2.0-or-later
#include "portmap.h"

#include <errno.h>

int portmap_init(struct portmap *m, uint32_t max_ports)
{
	return ohash_init(&m->h, max_ports, PORTMAP_KEY_LEN);
}

void portmap_free(struct portmap *m)
{
	ohash_free(&m->h);
}

int portmap_add(struct portmap *m, const struct sockaddr_un *addr, uint32_t port)
{
	bool added;
	uint32_t s = ohash_insert(&m->h, addr->sun_path, port, &added);

	if (s == OHASH_NONE)
		return -ENOSPC;
	return added ? 0 : -EEXIST;
}

uint32_t portmap_lookup(const struct portmap *m, const struct sockaddr_un *addr)
{
	uint32_t s = ohash_find(&m->h, addr->sun_path);

	return s == OHASH_NONE ? PORTMAP_NONE : (uint32_t)m->h.vals[s];
}

bool portmap_del(struct portmap *m, const struct sockaddr_un *addr)
{
	uint32_t s = ohash_find(&m->h, addr->sun_path);

	if (s == OHASH_NONE)
		return false;
	ohash_remove(&m->h, s);
	return true;
}
