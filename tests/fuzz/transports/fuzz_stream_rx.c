// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the stream port's receive path (ep_stream.c: peeked records, the record in progress,
 * bad lengths) on arbitrary bytes written into a socketpair in chunks the input chooses, with
 * recv() called between chunks. Every frame delivered must be the next record of a plain
 * sequential parse of the input (length, and the first ENDPOINT_BUF bytes); a bad length must end
 * the connection with -EPROTO after exactly the records before it, and EOF with -ENOTCONN after
 * every complete record.
 */
#include "ep_stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct expect {
	const uint8_t *data;
	size_t size, off;    /* the next record's offset in data */
	unsigned int seen;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Checks a delivered frame against the next record of the reference parse. */
static void check_frame(struct expect *e, const struct frame *f)
{
	uint32_t len;

	if (e->size - e->off < 4)
		abort();
	len = be32(e->data + e->off);
	if (len == 0 || len > EP_STREAM_FRAME_MAX || f->len != len || e->size - e->off - 4 < len)
		abort();
	if (memcmp(f->data, e->data + e->off + 4, len < ENDPOINT_BUF ? len : ENDPOINT_BUF) != 0)
		abort();
	e->off += 4 + len;
	e->seen++;
}

/* recv() until nothing more: returns its last result (0, or an error). */
static int drain(struct endpoint *ep, struct expect *e, uint8_t (*bufs)[ENDPOINT_BUF])
{
	struct frame frames[ENDPOINT_BATCH];
	int r;

	do {
		for (int i = 0; i < ENDPOINT_BATCH; i++)
			frames[i].data = bufs[i];
		r = ep->ops->recv(ep, frames, ENDPOINT_BATCH);
		for (int i = 0; i < r; i++)
			check_frame(e, &frames[i]);
	} while (r > 0);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bufs[ENDPOINT_BATCH][ENDPOINT_BUF];
	struct expect e;
	struct endpoint *ep;
	size_t chunk, off = 0;
	int sv[2], r = 0;
	uint32_t len;

	if (size < 1)
		return 0;
	chunk = 1 + data[0] * 7u;
	e = (struct expect){ data + 1, size - 1, 0, 0 };
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || ep_stream_new(sv[0], "fuzz", NULL, &ep) < 0)
		abort();
	while (off < e.size && r >= 0) {
		size_t n = e.size - off < chunk ? e.size - off : chunk;

		if (write(sv[1], e.data + off, n) != (ssize_t)n)
			abort();
		off += n;
		r = drain(ep, &e, bufs);
	}
	shutdown(sv[1], SHUT_WR);
	if (r >= 0)
		r = drain(ep, &e, bufs);
	/* Where the reference parse stops: a bad length, or the end of the data. */
	len = e.size - e.off >= 4 ? be32(e.data + e.off) : 1;
	if (len == 0 || len > EP_STREAM_FRAME_MAX) {
		if (r != -EPROTO)
			abort();
	} else if (r != -ENOTCONN || (e.size - e.off >= 4 && e.size - e.off - 4 >= len)) {
		abort(); /* EOF only after every complete record */
	}
	endpoint_destroy(ep);
	close(sv[1]);
	return 0;
}
