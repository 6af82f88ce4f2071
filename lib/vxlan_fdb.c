// SPDX-License-Identifier: GPL-2.0-or-later
#include "vxlan_fdb.h"

#include "ether.h"

#include <errno.h>
#include <string.h>

int vxlan_fdb_init(struct vxlan_fdb *f, uint32_t max_entries, uint32_t age_seconds)
{
	int r;

	memset(f, 0, sizeof(*f));
	r = mactable_init(&f->macs, max_entries, age_seconds);
	/* Per-"port" counts tell which remote slots are still referenced; no cap per remote. */
	if (!r && (r = mactable_limit_ports(&f->macs, VXLAN_VTEPS_MAX, 0)))
		mactable_free(&f->macs);
	return r;
}

void vxlan_fdb_free(struct vxlan_fdb *f)
{
	mactable_free(&f->macs);
}

int vxlan_fdb_flood_add(struct vxlan_fdb *f, const struct vxlan_ip *ip)
{
	for (unsigned int i = 0; i < f->nflood; i++)
		if (vxlan_ip_equal(&f->flood[i], ip))
			return 0;
	if (f->nflood == VXLAN_FLOOD_MAX)
		return -ENOSPC;
	f->flood[f->nflood++] = *ip;
	return 0;
}

int vxlan_fdb_member_add(struct vxlan_fdb *f, const struct vxlan_ip *ip, unsigned int prefix)
{
	bool v4 = vxlan_ip_is_v4(ip);
	struct vxlan_subnet s = { .net = *ip };

	if (!prefix || prefix > (v4 ? 32u : 128u))
		return -EINVAL;
	vxlan_ip_mask(v4, prefix, &s.mask);
	for (unsigned int i = 0; i < 16; i++)
		s.net.a.s6_addr[i] &= s.mask.s6_addr[i];
	for (unsigned int i = 0; i < f->nmember; i++)
		if (vxlan_ip_equal(&f->member[i].net, &s.net) &&
		    memcmp(&f->member[i].mask, &s.mask, sizeof(s.mask)) == 0)
			return 0;
	if (f->nmember == VXLAN_MEMBER_SUBNETS)
		return -ENOSPC;
	f->member[f->nmember++] = s;
	return 0;
}

bool vxlan_fdb_accepts(const struct vxlan_fdb *f, const struct vxlan_ip *ip)
{
	if (f->learn_any)
		return true;
	if (!vxlan_ip_usable_source(ip))
		return false; /* the group address of the flood list is never a sender */
	for (unsigned int i = 0; i < f->nflood; i++)
		if (vxlan_ip_equal(&f->flood[i], ip))
			return true;
	for (unsigned int i = 0; i < f->nmember; i++)
		if (vxlan_ip_in_subnet(ip, &f->member[i].net, &f->member[i].mask))
			return true;
	return false;
}

/* The pool slot of ip: the one holding it, else a slot no MAC refers to any more (now filled
 * with ip); MACTABLE_NONE when every slot is taken. */
static uint32_t vxlan_fdb_slot(struct vxlan_fdb *f, const struct vxlan_ip *ip)
{
	uint32_t spare = MACTABLE_NONE;

	for (uint32_t i = 0; i < f->nvtep; i++) {
		if (vxlan_ip_equal(&f->vtep[i], ip))
			return i;
		if (spare == MACTABLE_NONE && mactable_port_count(&f->macs, i) == 0)
			spare = i;
	}
	if (spare == MACTABLE_NONE && f->nvtep < VXLAN_VTEPS_MAX)
		spare = f->nvtep++;
	if (spare != MACTABLE_NONE)
		f->vtep[spare] = *ip;
	return spare;
}

void vxlan_fdb_learn(struct vxlan_fdb *f, const uint8_t mac[6], uint16_t vlan,
		     const struct vxlan_ip *ip, uint32_t now)
{
	uint32_t slot;

	if (now - f->last_sweep >= VXLAN_FDB_SWEEP) {
		mactable_expire(&f->macs, now);
		f->last_sweep = now;
	}
	if (mac_is_group(mac) || !vxlan_ip_usable_source(ip))
		return;
	slot = vxlan_fdb_slot(f, ip);
	if (slot == MACTABLE_NONE) {
		f->vteps_full++;
		return;
	}
	switch (mactable_learn(&f->macs, mac, vlan, slot, now)) {
	case MAC_FULL:
		f->full++;
		break;
	case MAC_MOVED:
		f->moves++;
		break;
	case MAC_NEW:
	case MAC_REFRESHED:
	case MAC_PORT_FULL: /* no cap per remote */
	case MAC_EVICTED:
	case MAC_MOVE_REFUSED: /* no trunks here */
		break;
	}
}

unsigned int vxlan_fdb_dests(struct vxlan_fdb *f, const uint8_t dst_mac[6], uint16_t vlan,
			     uint32_t now, struct vxlan_ip out[VXLAN_FLOOD_MAX])
{
	if (!mac_is_group(dst_mac)) {
		uint32_t slot = mactable_lookup(&f->macs, dst_mac, vlan, now);

		if (slot != MACTABLE_NONE) {
			out[0] = f->vtep[slot];
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
