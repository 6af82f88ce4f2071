/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backlog - frames held for a port whose peer was momentarily full.
 *
 * A UML guest's data socket queues only max_dgram_qlen (10 on Debian) frames from a sender it
 * is not connected to, so a burst towards a guest finds it full long before the guest is slow:
 * dropping there costs TCP a retransmission for nothing. Instead the switch copies what did not
 * fit into this ring (a bounded number of frames, allocated the first time a port needs it) and
 * sends it when the socket is writable again. Only what does not fit here is dropped and counted.
 */
#ifndef UMLNET_SWITCH_BACKLOG_H
#define UMLNET_SWITCH_BACKLOG_H

#include "endpoint.h"

#include <stdbool.h>
#include <stdint.h>

#define BACKLOG_FRAMES 128

struct backlog {
	uint8_t *buf;                  /* BACKLOG_FRAMES slots of ETHER_FRAME_MAX bytes, or NULL */
	uint32_t len[BACKLOG_FRAMES];
	uint32_t head, count;
};

/* Copies f in; false if the ring is full (or cannot be allocated). */
bool backlog_push(struct backlog *b, const struct frame *f);
/* Points out[] at up to max of the oldest frames, in order; returns how many. */
unsigned int backlog_peek(const struct backlog *b, struct frame *out, unsigned int max);
/* Forgets the n oldest frames. */
void backlog_pop(struct backlog *b, unsigned int n);
void backlog_free(struct backlog *b);

#endif
