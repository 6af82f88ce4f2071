/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backlog - frames held for a port whose peer was momentarily full.
 *
 * A UML guest's data socket queues only max_dgram_qlen (10 on Debian) frames from a sender it
 * is not connected to, so a burst towards a guest finds it full long before the guest is slow:
 * dropping there costs TCP a retransmission for nothing. Instead the switch copies what did not
 * fit into the port's backlog and sends it when the socket is writable again.
 *
 * Memory: the copies live in one pool per switch, a fixed number of frame-sized buffers
 * (the backlog budget, -limit backlog-kb) allocated once and handed out from a free list, so
 * queueing never allocates and the switch's memory stays bounded however many ports stop
 * reading. A port holds at most BACKLOG_FRAMES of them. A frame is dropped, and counted by
 * reason, when its port's backlog is full (drop_full), when its port holds its fair share of a
 * pool under pressure (drop_share) or when the pool is empty (drop_budget).
 *
 * Fair share: the first half of the pool (rounded up) goes to whoever needs it; once that much
 * is in use, a port holding (the rest of the pool) / (ports) buffers or more gets no more
 * (backlog_pool_set_ports tells the pool how many ports share it). So however the others
 * behave, a port holding less than that share finds a free buffer: since the pool was last
 * under half full, each other port has gained at most a share, and together with this port's
 * own that leaves one free (as long as no port was added meanwhile). A port whose peer never
 * reads, or a user with many of them, cannot starve a guest that is only momentarily full.
 * Free buffers are handed out lowest first, and when every backlog has drained after a burst
 * that touched more than BACKLOG_RELEASE bytes, the pool's pages go back to the system: a
 * switch's memory returns to its idle size after a storm.
 */
#ifndef UMLNET_SWITCH_BACKLOG_H
#define UMLNET_SWITCH_BACKLOG_H

#include "endpoint.h"
#include "vlan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BACKLOG_FRAMES 128
#define BACKLOG_DEFAULT_KB 16384 /* 16 MiB: about 11,000 full-size frames */
#define BACKLOG_RELEASE (1u << 20)

struct backlog_pool {
	uint8_t *mem;           /* nbufs buffers of VLAN_FRAME_MAX bytes (mmap) */
	size_t mem_len;
	uint32_t *free;         /* stack of free buffer numbers */
	uint32_t nbufs, nfree;
	uint32_t touched;       /* buffers 0 .. touched-1 may be resident */
	uint32_t ports;         /* ports sharing the pool; 0: no fair share */
};

struct backlog {
	uint32_t buf[BACKLOG_FRAMES];  /* pool buffer of each queued frame */
	uint32_t len[BACKLOG_FRAMES];
	uint32_t head, count;
};

enum backlog_push {
	BACKLOG_QUEUED,
	BACKLOG_PORT_FULL,      /* the port holds BACKLOG_FRAMES already (or the frame is too big) */
	BACKLOG_OVER_SHARE,     /* the pool is under pressure and the port holds its share */
	BACKLOG_POOL_EMPTY,     /* the switch's backlog budget is used up */
};

/* A pool of budget_bytes (at least one buffer). Returns 0 or -ENOMEM. */
int backlog_pool_init(struct backlog_pool *p, size_t budget_bytes);
void backlog_pool_free(struct backlog_pool *p);
/* Bytes of the budget in use (whole buffers). */
size_t backlog_pool_used(const struct backlog_pool *p);
size_t backlog_pool_size(const struct backlog_pool *p);
/* How many ports share the pool (0: no fair share). */
void backlog_pool_set_ports(struct backlog_pool *p, uint32_t ports);
/* Frames one port may hold once the pool is under pressure (see above). */
uint32_t backlog_pool_share(const struct backlog_pool *p);

/* Copies f in. */
enum backlog_push backlog_push(struct backlog_pool *p, struct backlog *b, const struct frame *f);
/* Points out[] at up to max of the oldest frames, in order; returns how many. */
unsigned int backlog_peek(const struct backlog_pool *p, const struct backlog *b, struct frame *out,
			  unsigned int max);
/* Forgets the n oldest frames, giving their buffers back. */
void backlog_pop(struct backlog_pool *p, struct backlog *b, unsigned int n);
/* Forgets every frame. */
void backlog_clear(struct backlog_pool *p, struct backlog *b);

#endif
