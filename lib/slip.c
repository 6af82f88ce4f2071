// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * slip - RFC 1055 framing (theory of operation in slip.h).
 *
 * Decoder states: "normal" (bytes accumulate), "esc" (the previous byte was ESC). The kernel's
 * decoder keeps esc set after an unknown escaped byte; we clear it instead, which differs only
 * for input the kernel itself never produces (ESC followed by something other than ESC_END or
 * ESC_ESC), and keeps one stray ESC from corrupting the rest of a packet.
 */
#include "slip.h"

#include <string.h>

void slip_decoder_init(struct slip_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

/* Appends one decoded byte; a packet that outgrows SLIP_MTU is marked and dropped at its END. */
static void slip_put(struct slip_decoder *d, uint8_t c)
{
	if (d->overflow)
		return;
	if (d->len == sizeof(d->buf)) {
		d->overflow = true;
		return;
	}
	d->buf[d->len++] = c;
}

/* END seen: hand over the packet (if any, and not oversize) and restart. Returns 1 if delivered. */
static size_t slip_end(struct slip_decoder *d, slip_packet_fn fn, void *arg)
{
	size_t delivered = 0;

	if (d->overflow)
		d->dropped_oversize++;
	else if (d->len > 0) {
		fn(arg, d->buf, d->len);
		delivered = 1;
	}
	d->len = 0;
	d->esc = false;
	d->overflow = false;
	return delivered;
}

size_t slip_decode(struct slip_decoder *d, const uint8_t *in, size_t n, slip_packet_fn fn, void *arg)
{
	size_t packets = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (c == SLIP_END) {
			packets += slip_end(d, fn, arg);
			continue;
		}
		if (d->esc) {
			d->esc = false;
			if (c == SLIP_ESC_END)
				c = SLIP_END;
			else if (c == SLIP_ESC_ESC)
				c = SLIP_ESC;
			slip_put(d, c);
			continue;
		}
		if (c == SLIP_ESC) {
			d->esc = true;
			continue;
		}
		slip_put(d, c);
	}
	return packets;
}

size_t slip_encode(const uint8_t *pkt, size_t len, uint8_t *out)
{
	size_t o = 0;

	out[o++] = SLIP_END;
	for (size_t i = 0; i < len; i++) {
		switch (pkt[i]) {
		case SLIP_END:
			out[o++] = SLIP_ESC;
			out[o++] = SLIP_ESC_END;
			break;
		case SLIP_ESC:
			out[o++] = SLIP_ESC;
			out[o++] = SLIP_ESC_ESC;
			break;
		default:
			out[o++] = pkt[i];
		}
	}
	out[o++] = SLIP_END;
	return o;
}
