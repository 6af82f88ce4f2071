// SPDX-License-Identifier: GPL-2.0-or-later
#include "vxlan.h"

#include "ether.h"

void vxlan_hdr_write(uint8_t hdr[VXLAN_HDR_LEN], uint32_t vni)
{
	hdr[0] = VXLAN_FLAG_I;
	hdr[1] = 0;
	hdr[2] = 0;
	hdr[3] = 0;
	hdr[4] = (uint8_t)(vni >> 16);
	hdr[5] = (uint8_t)(vni >> 8);
	hdr[6] = (uint8_t)vni;
	hdr[7] = 0;
}

uint32_t vxlan_hdr_vni(const uint8_t hdr[VXLAN_HDR_LEN])
{
	return (uint32_t)hdr[4] << 16 | (uint32_t)hdr[5] << 8 | hdr[6];
}

bool vxlan_hdr_reserved(const uint8_t hdr[VXLAN_HDR_LEN])
{
	return (hdr[0] & ~VXLAN_FLAG_I) || hdr[1] || hdr[2] || hdr[3] || hdr[7];
}

enum vxlan_verdict vxlan_check(const uint8_t *hdr, size_t len, uint32_t vni, bool *reserved)
{
	*reserved = false;
	if (len < VXLAN_HDR_LEN + ETHER_HDR_LEN)
		return VXLAN_SHORT;
	*reserved = vxlan_hdr_reserved(hdr);
	if (!(hdr[0] & VXLAN_FLAG_I))
		return VXLAN_NO_I_BIT;
	if (vxlan_hdr_vni(hdr) != vni)
		return VXLAN_WRONG_VNI;
	return VXLAN_OK;
}

const char *vxlan_verdict_name(enum vxlan_verdict v)
{
	switch (v) {
	case VXLAN_OK:
		return "ok";
	case VXLAN_SHORT:
		return "short";
	case VXLAN_NO_I_BIT:
		return "no-i-bit";
	case VXLAN_WRONG_VNI:
		return "wrong-vni";
	}
	return "?";
}
