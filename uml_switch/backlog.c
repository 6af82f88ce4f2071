// SPDX-License-Identifier: GPL-2.0-or-later
#include "backlog.h"

#include <stdlib.h>
#include <string.h>

bool backlog_push(struct backlog *b, const struct frame *f)
{
	uint32_t slot;

	if (b->count == BACKLOG_FRAMES || f->len > ETHER_FRAME_MAX)
		return false;
	if (!b->buf && !(b->buf = malloc((size_t)BACKLOG_FRAMES * ETHER_FRAME_MAX)))
		return false;
	slot = (b->head + b->count) % BACKLOG_FRAMES;
	memcpy(b->buf + (size_t)slot * ETHER_FRAME_MAX, f->data, f->len);
	b->len[slot] = f->len;
	b->count++;
	return true;
}

unsigned int backlog_peek(const struct backlog *b, struct frame *out, unsigned int max)
{
	unsigned int n = b->count < max ? b->count : max;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t slot = (b->head + i) % BACKLOG_FRAMES;

		out[i] = (struct frame){ b->buf + (size_t)slot * ETHER_FRAME_MAX, b->len[slot] };
	}
	return n;
}

void backlog_pop(struct backlog *b, unsigned int n)
{
	b->head = (b->head + n) % BACKLOG_FRAMES;
	b->count -= n;
}

void backlog_free(struct backlog *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}
