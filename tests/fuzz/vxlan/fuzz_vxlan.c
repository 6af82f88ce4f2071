// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the VXLAN receive check (lib/vxlan.c). The first input byte picks the
 * VNI we expect (a few values near the header's), the rest is a UDP payload. Checks what must
 * hold for any input: a short packet is never accepted, an accepted one has the I bit and our
 * VNI, the reported reserved bits agree with the header, and rewriting an accepted header with
 * vxlan_hdr_write() gives the canonical bytes with the same VNI.
 */
#include "vxlan.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[VXLAN_HDR_LEN];
	uint32_t vni;
	bool reserved;
	enum vxlan_verdict v;

	if (size < 1)
		return 0;
	vni = data[0] < 128 ? data[0] : 0xffffff - (uint32_t)(data[0] - 128);
	data++;
	size--;
	/* The check reads 8 bytes even for a short length: give it a copy padded with zeros, as a
	 * receive buffer would be. */
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, data, size < sizeof(hdr) ? size : sizeof(hdr));
	v = vxlan_check(hdr, size, vni, &reserved);
	if (size < VXLAN_HDR_LEN + 14 && (v != VXLAN_SHORT || reserved))
		abort();
	if (v == VXLAN_SHORT)
		return 0;
	if (reserved != vxlan_hdr_reserved(hdr))
		abort();
	if (v == VXLAN_OK) {
		uint8_t again[VXLAN_HDR_LEN];

		if (!(hdr[0] & VXLAN_FLAG_I) || vxlan_hdr_vni(hdr) != vni)
			abort();
		vxlan_hdr_write(again, vxlan_hdr_vni(hdr));
		if (vxlan_hdr_reserved(again) || vxlan_hdr_vni(again) != vni ||
		    (!reserved && memcmp(again, hdr, sizeof(hdr)) != 0))
			abort();
	}
	return 0;
}
