// SPDX-License-Identifier: GPL-2.0-or-later
#include "backlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Every buffer free, lowest numbers on top: a lightly used pool keeps touching the same few
 * pages. */
static void backlog_pool_refill(struct backlog_pool *p)
{
	for (uint32_t i = 0; i < p->nbufs; i++)
		p->free[i] = p->nbufs - 1 - i;
	p->nfree = p->nbufs;
	p->touched = 0;
}

int backlog_pool_init(struct backlog_pool *p, size_t budget_bytes)
{
	size_t n = budget_bytes / VLAN_FRAME_MAX;

	memset(p, 0, sizeof(*p));
	if (n == 0)
		n = 1;
	if (n > UINT32_MAX)
		return -EINVAL;
	/* Mapped, not allocated: only buffers in use become resident, and they can be released. */
	p->mem_len = n * VLAN_FRAME_MAX;
	p->mem = mmap(NULL, p->mem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->mem == MAP_FAILED)
		p->mem = NULL;
	p->free = malloc(n * sizeof(*p->free));
	if (!p->mem || !p->free) {
		backlog_pool_free(p);
		return -ENOMEM;
	}
	p->nbufs = (uint32_t)n;
	backlog_pool_refill(p);
	return 0;
}

void backlog_pool_free(struct backlog_pool *p)
{
	if (p->mem)
		munmap(p->mem, p->mem_len);
	free(p->free);
	memset(p, 0, sizeof(*p));
}

size_t backlog_pool_used(const struct backlog_pool *p)
{
	return (size_t)(p->nbufs - p->nfree) * VLAN_FRAME_MAX;
}

size_t backlog_pool_size(const struct backlog_pool *p)
{
	return (size_t)p->nbufs * VLAN_FRAME_MAX;
}

void backlog_pool_set_ports(struct backlog_pool *p, uint32_t ports)
{
	p->ports = ports;
}

/* The fair share applies from this many buffers in use: the first half, rounded up. */
static uint32_t backlog_pool_free_for_all(const struct backlog_pool *p)
{
	return p->nbufs - p->nbufs / 2;
}

uint32_t backlog_pool_share(const struct backlog_pool *p)
{
	return p->ports ? (p->nbufs / 2) / p->ports : p->nbufs;
}

static bool backlog_over_share(const struct backlog_pool *p, const struct backlog *b)
{
	return p->ports && p->nbufs - p->nfree >= backlog_pool_free_for_all(p) &&
	       b->count >= backlog_pool_share(p);
}

static uint8_t *backlog_buf(const struct backlog_pool *p, uint32_t i)
{
	return p->mem + (size_t)i * VLAN_FRAME_MAX;
}

enum backlog_push backlog_push(struct backlog_pool *p, struct backlog *b, const struct frame *f)
{
	uint32_t slot;

	if (b->count == BACKLOG_FRAMES || f->len > VLAN_FRAME_MAX)
		return BACKLOG_PORT_FULL;
	if (backlog_over_share(p, b))
		return BACKLOG_OVER_SHARE;
	if (!p->nfree)
		return BACKLOG_POOL_EMPTY;
	slot = (b->head + b->count) % BACKLOG_FRAMES;
	b->buf[slot] = p->free[--p->nfree];
	if (b->buf[slot] >= p->touched)
		p->touched = b->buf[slot] + 1;
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

/* Every buffer is free again: give the pages a large burst touched back to the system, and
 * start the next burst from the first page again. */
static void backlog_pool_release(struct backlog_pool *p)
{
	if ((size_t)p->touched * VLAN_FRAME_MAX < BACKLOG_RELEASE)
		return;
	madvise(p->mem, (size_t)p->touched * VLAN_FRAME_MAX, MADV_DONTNEED);
	backlog_pool_refill(p);
}

void backlog_pop(struct backlog_pool *p, struct backlog *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p->free[p->nfree++] = b->buf[(b->head + i) % BACKLOG_FRAMES];
	b->head = (b->head + n) % BACKLOG_FRAMES;
	b->count -= n;
	if (n && p->nfree == p->nbufs)
		backlog_pool_release(p);
}

void backlog_clear(struct backlog_pool *p, struct backlog *b)
{
	backlog_pop(p, b, b->count);
	b->head = 0;
}
