// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the SLIP decoder on arbitrary byte streams, fed in two chunks split by the first
 * input byte; every packet it delivers must fit SLIP_MTU and survive an encode/decode round trip. */
#include "slip.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct roundtrip {
	const uint8_t *want;
	size_t len;
	size_t seen;
};

static void compare_packet(void *arg, const uint8_t *pkt, size_t len)
{
	struct roundtrip *r = arg;

	if (len != r->len || memcmp(pkt, r->want, len) != 0)
		abort();
	r->seen++;
}

static void check_packet(void *arg, const uint8_t *pkt, size_t len)
{
	static uint8_t enc[SLIP_ENCODED_MAX(SLIP_MTU)];
	struct roundtrip r = { pkt, len, 0 };
	struct slip_decoder d2;
	size_t n;

	(void)arg;
	if (len == 0 || len > SLIP_MTU)
		abort();
	n = slip_encode(pkt, len, enc);
	slip_decoder_init(&d2);
	if (slip_decode(&d2, enc, n, compare_packet, &r) != 1 || r.seen != 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slip_decoder d;
	size_t cut;

	if (size == 0)
		return 0;
	cut = data[0] % size;
	slip_decoder_init(&d);
	slip_decode(&d, data + 1, cut, check_packet, NULL);
	slip_decode(&d, data + 1 + cut, size - 1 - cut, check_packet, NULL);
	if (d.len > SLIP_MTU)
		abort();
	return 0;
}
