// SPDX-License-Identifier: GPL-2.0-or-later
#include "backlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int backlog_pool_init(struct backlog_pool *p, size_t budget_bytes)
{
	size_t n = budget_bytes / ETHER_FRAME_MAX;

	memset(p, 0, sizeof(*p));
	if (n == 0)
		n = 1;
	if (n > UINT32_MAX)
		return -EINVAL;
	/* calloc of this size maps fresh pages: only buffers ever used become resident. */
	p->mem = calloc(n, ETHER_FRAME_MAX);
	p->free = malloc(n * sizeof(*p->free));
	if (!p->mem || !p->free) {
		backlog_pool_free(p);
		return -ENOMEM;
	}
	p->nbufs = p->nfree = (uint32_t)n;
	/* Lowest numbers on top: a lightly used pool keeps touching the same few pages. */
	for (uint32_t i = 0; i < p->nbufs; i++)
		p->free[i] = p->nbufs - 1 - i;
	return 0;
}

void backlog_pool_free(struct backlog_pool *p)
{
	free(p->mem);
	free(p->free);
	memset(p, 0, sizeof(*p));
}

size_t backlog_pool_used(const struct backlog_pool *p)
{
	return (size_t)(p->nbufs - p->nfree) * ETHER_FRAME_MAX;
}

size_t backlog_pool_size(const struct backlog_pool *p)
{
	return (size_t)p->nbufs * ETHER_FRAME_MAX;
}

static uint8_t *backlog_buf(const struct backlog_pool *p, uint32_t i)
{
	return p->mem + (size_t)i * ETHER_FRAME_MAX;
}

enum backlog_push backlog_push(struct backlog_pool *p, struct backlog *b, const struct frame *f)
{
	uint32_t slot;

	if (b->count == BACKLOG_FRAMES || f->len > ETHER_FRAME_MAX)
		return BACKLOG_PORT_FULL;
	if (!p->nfree)
		return BACKLOG_POOL_EMPTY;
	slot = (b->head + b->count) % BACKLOG_FRAMES;
	b->buf[slot] = p->free[--p->nfree];
	memcpy(backlog_buf(p, b->buf[slot]), f->data, f->len);
	b->len[slot] = f->len;
	b->count++;
	return BACKLOG_QUEUED;
}

unsigned int backlog_peek(const struct backlog_pool *p, const struct backlog *b, struct frame *out,
			  unsigned int max)
{
	unsigned int n = b->count < max ? b->count : max;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t slot = (b->head + i) % BACKLOG_FRAMES;

		out[i] = (struct frame){ backlog_buf(p, b->buf[slot]), b->len[slot] };
	}
	return n;
}

void backlog_pop(struct backlog_pool *p, struct backlog *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p->free[p->nfree++] = b->buf[(b->head + i) % BACKLOG_FRAMES];
	b->head = (b->head + n) % BACKLOG_FRAMES;
	b->count -= n;
}

void backlog_clear(struct backlog_pool *p, struct backlog *b)
{
	backlog_pop(p, b, b->count);
	b->head = 0;
}
