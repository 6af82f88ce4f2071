// SPDX-License-Identifier: GPL-2.0-or-later
#include "vxlan_fdb.h"

#include "ether.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

int vxlan_fdb_init(struct vxlan_fdb *f, uint32_t max_entries, uint32_t age_seconds)
{
	memset(f, 0, sizeof(*f));
	return mactable_init(&f->macs, max_entries, age_seconds);
}

void vxlan_fdb_free(struct vxlan_fdb *f)
{
	mactable_free(&f->macs);
}

int vxlan_fdb_flood_add(struct vxlan_fdb *f, uint32_t addr)
{
	for (unsigned int i = 0; i < f->nflood; i++)
		if (f->flood[i] == addr)
			return 0;
	if (f->nflood == VXLAN_FLOOD_MAX)
		return -ENOSPC;
	f->flood[f->nflood++] = addr;
	return 0;
}

static bool vxlan_fdb_usable_source(uint32_t addr)
{
	uint32_t a = ntohl(addr);

	return a != 0 && a != MACTABLE_NONE && !IN_MULTICAST(a);
}

int vxlan_fdb_member_add(struct vxlan_fdb *f, uint32_t addr, uint32_t mask)
{
	struct vxlan_subnet s = { addr & mask, mask };

	if (!mask)
		return -EINVAL;
	for (unsigned int i = 0; i < f->nmember; i++)
		if (f->member[i].net == s.net && f->member[i].mask == s.mask)
			return 0;
	if (f->nmember == VXLAN_MEMBER_SUBNETS)
		return -ENOSPC;
	f->member[f->nmember++] = s;
	return 0;
}

bool vxlan_fdb_accepts(const struct vxlan_fdb *f, uint32_t addr)
{
	if (f->learn_any)
		return true;
	if (!vxlan_fdb_usable_source(addr))
		return false; /* the group address of the flood list is never a sender */
	for (unsigned int i = 0; i < f->nflood; i++)
		if (f->flood[i] == addr)
			return true;
	for (unsigned int i = 0; i < f->nmember; i++)
		if ((addr & f->member[i].mask) == f->member[i].net)
			return true;
	return false;
}

void vxlan_fdb_learn(struct vxlan_fdb *f, const uint8_t mac[6], uint32_t addr, uint32_t now)
{
	if (now - f->last_sweep >= VXLAN_FDB_SWEEP) {
		mactable_expire(&f->macs, now);
		f->last_sweep = now;
	}
	if (mac_is_group(mac) || !vxlan_fdb_usable_source(addr))
		return;
	switch (mactable_learn(&f->macs, mac, 0, addr, now)) {
	case MAC_FULL:
		f->full++;
		break;
	case MAC_MOVED:
		f->moves++;
		break;
	case MAC_NEW:
	case MAC_REFRESHED:
	case MAC_PORT_FULL: /* no per-port limits here */
	case MAC_EVICTED:
	case MAC_MOVE_REFUSED: /* nor trunks */
		break;
	}
}

unsigned int vxlan_fdb_dests(struct vxlan_fdb *f, const uint8_t dst_mac[6], uint32_t now,
			     uint32_t out[VXLAN_FLOOD_MAX])
{
	if (!mac_is_group(dst_mac)) {
		uint32_t addr = mactable_lookup(&f->macs, dst_mac, 0, now);

		if (addr != MACTABLE_NONE) {
			out[0] = addr;
			return 1;
		}
	}
	memcpy(out, f->flood, f->nflood * sizeof(out[0]));
	return f->nflood;
}

uint32_t vxlan_fdb_count(const struct vxlan_fdb *f)
{
	return mactable_count(&f->macs);
}
