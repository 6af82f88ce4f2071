// SPDX-License-Identifier: GPL-2.0-or-later
/* umlnet-plug's stdin stream decoder on arbitrary bytes: every frame it returns fits its buffer,
 * and once it fails it stays failed. */
#include "plug.h"

#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bufs[ENDPOINT_BATCH][ENDPOINT_BUF];
	struct frame frames[ENDPOINT_BATCH];
	struct endpoint *ep;
	int in[2], r;

	if (size > 60000 || pipe(in)) /* the whole input must fit the pipe before reading */
		return 0;
	if (write(in[1], data, size) != (ssize_t)size)
		abort();
	close(in[1]);
	if (plug_stdio_open(&ep, in[0], -1))
		abort();
	do {
		for (unsigned int i = 0; i < ENDPOINT_BATCH; i++)
			frames[i] = (struct frame){ .data = bufs[i], .len = 0 };
		r = ep->ops->recv(ep, frames, ENDPOINT_BATCH);
		for (int i = 0; i < r; i++)
			if (frames[i].len > ENDPOINT_BUF)
				abort();
	} while (r > 0);
	if (ep->ops->recv(ep, frames, ENDPOINT_BATCH) != r)
		abort();
	close(in[0]);
	ep->ops->destroy(ep);
	return 0;
}
