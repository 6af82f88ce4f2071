// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: ep_slipeth with arbitrary input on both sides. The first byte picks the side:
 * even = the rest is a frame from the guest (ARP/IPv4 handling), odd = the rest is bytes from the
 * SLIP peer (decoding, Ethernet header, queueing). Everything produced is drained each round.
 */
#include "ep_slipeth.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct endpoint *ep;
static int far = -1;

static void fuzz_setup(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || ep_slipeth_new(sv[0], "slirp", "fuzz", NULL, NULL, &ep))
		abort();
	far = sv[1];
	fcntl(far, F_SETFL, O_NONBLOCK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bufs[ENDPOINT_BATCH][ENDPOINT_BUF], sink[65536];
	static uint8_t frame[ENDPOINT_BUF];
	struct frame rx[ENDPOINT_BATCH], tx;

	if (!ep)
		fuzz_setup();
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if (write(far, data + 1, size - 1) < 0)
			return 0;
	} else {
		tx.len = (uint32_t)(size - 1 < sizeof(frame) ? size - 1 : sizeof(frame));
		memcpy(frame, data + 1, tx.len);
		tx.data = frame;
		ep->ops->send(ep, &tx, 1);
	}
	for (int i = 0; i < ENDPOINT_BATCH; i++)
		rx[i].data = bufs[i];
	while (ep->ops->recv(ep, rx, ENDPOINT_BATCH) > 0)
		;
	while (read(far, sink, sizeof(sink)) > 0)
		;
	return 0;
}
