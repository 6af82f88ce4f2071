// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the L2TPv3 receive path (l2tpv3_rx: the outer IPv4 header, the header checks and
 * the frame move) on arbitrary messages, scattered as recvmmsg would scatter them. The first two
 * bytes choose the layout (UDP or IP mode, IPv4 or IPv6, cookie width, counter) and the data
 * buffer's room; the header of an accepted message must verify again from a contiguous copy.
 */
#include "l2tpv3.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[2048];
	uint8_t prefix[L2TPV3_RX_PREFIX_MAX];
	struct vector_spec v = { .rx_session = 0x1234, .tx_session = 0x4321,
				 .rx_cookie = 0x0102030405060708ull, .tx_cookie = 1 };
	struct l2tpv3 l;
	size_t plen, cap, flen = 0, len;
	enum l2tpv3_verdict verdict;

	if (size < 2)
		return 0;
	v.udp = data[0] & 1;
	v.v6 = data[0] & 2;
	v.cookie = data[0] & 4;
	v.cookie64 = data[0] & 8;
	v.counter = data[0] & 16;
	cap = 64 + (size_t)data[1] * 8; /* 64..2104: also smaller than the message */
	if (cap > sizeof(buf))
		cap = sizeof(buf);
	data += 2;
	size -= 2;
	l2tpv3_init(&l, &v);
	plen = l2tpv3_rx_prefix(&l);
	if (plen > sizeof(prefix))
		abort();
	/* What recvmmsg leaves: the prefix (stale bytes past a short message), then up to cap. */
	memset(prefix, 0xee, sizeof(prefix));
	memcpy(prefix, data, size < plen ? size : plen);
	len = size > plen ? size - plen : 0;
	if (len)
		memcpy(buf, data + plen, len < cap ? len : cap);
	verdict = l2tpv3_rx(&l, prefix, plen, buf, cap, size, &flen);
	if (verdict >= L2TPV3_VERDICTS)
		abort();
	if (verdict == L2TPV3_OK) {
		size_t skip = l.ip4_outer ? (size_t)l2tpv3_ip4_hdr_len(data, size) : 0;
		size_t hlen = l2tpv3_hdr_len(&l), kept;

		if (flen + skip + hlen != size || flen < ETHER_HDR_LEN ||
		    l2tpv3_verify(&l, data + skip, size - skip) != L2TPV3_OK)
			abort();
		kept = flen < cap - (skip + hlen - plen) ? flen : cap - (skip + hlen - plen);
		if (memcmp(buf, data + skip + hlen, kept) != 0)
			abort();
	}
	return 0;
}
