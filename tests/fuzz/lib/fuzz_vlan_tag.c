// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the VLAN tag parser (lib/vlan.c): classifies the input as a frame on an
 * access port, a trunk with and one without a native VLAN, and checks the rules' promises: an
 * admitted frame has a key inside its class, fits its size limit, and going out by any of the
 * ports in the other wire form (tag pushed or popped) gives back the same bytes on the way back.
 */
#include "vlan.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_port(const struct vlan_port *p, const uint8_t *f, uint32_t len)
{
	static uint8_t a[VLAN_FRAME_MAX + VLAN_TAG_LEN], b[VLAN_FRAME_MAX + VLAN_TAG_LEN];
	struct vlan_rx rx;
	enum vlan_verdict v = vlan_ingress(p, f, len, &rx);
	bool tagged, leaves;

	assert(v < VLAN_VERDICTS);
	if (v != VLAN_ADMIT)
		return;
	assert(len <= (rx.tagged ? VLAN_FRAME_MAX : ETHER_FRAME_MAX));
	assert(rx.tagged == vlan_frame_tagged(f));
	if (rx.key & VLAN_KEY_STAG) {
		assert(p->mode == VLAN_TRUNK && rx.tagged);
		return;
	}
	assert(rx.key >= VLAN_VID_MIN && rx.key <= VLAN_VID_MAX && vlan_member(p, rx.key));
	leaves = vlan_egress(p, rx.key, &tagged);
	assert(leaves);
	if (rx.tagged) {
		uint32_t n = vlan_pop(a, f, len);

		assert(n + VLAN_TAG_LEN == len && vlan_push(b, a, n, rx.key) == len);
		assert(!memcmp(b, f, 14) && !memcmp(b + 16, f + 16, len - 16));
	} else {
		uint32_t n = vlan_push(a, f, len, rx.key);

		assert(n == len + VLAN_TAG_LEN && vlan_pop(b, a, n) == len && !memcmp(b, f, len));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const settings[] = { "vlan=1", "vlan=4094", "trunk=1-100,4000",
						"trunk=10,20,native=20" };
	struct vlan_port p;
	char err[160];

	if (size < ETHER_HDR_LEN || size > VLAN_FRAME_MAX + 8)
		return 0;
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		assert(vlan_port_parse(settings[i], &p, err, sizeof(err)) == 0);
		check_port(&p, data, (uint32_t)size);
	}
	return 0;
}
