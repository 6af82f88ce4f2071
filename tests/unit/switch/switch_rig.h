/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * switch_rig - a switch of four ports with fake endpoints for the forwarding core's tests: each
 * endpoint counts what it got and keeps the last frame, and can be full or failing. Include it
 * after check.h.
 */
#ifndef UMLNET_TEST_SWITCH_RIG_H
#define UMLNET_TEST_SWITCH_RIG_H

#include "switch.h"

#include <stdio.h>
#include <string.h>

struct fake_ep {
	struct endpoint ep;
	unsigned int room;     /* frames it will still take */
	int fail;              /* -errno to return from send, or 0 */
	unsigned int got;
	uint8_t last[VLAN_FRAME_MAX];
	uint32_t last_len;
};

static inline int fake_send(struct endpoint *ep, const struct frame *f, unsigned int n)
{
	struct fake_ep *e = (struct fake_ep *)ep;
	unsigned int take = n < e->room ? n : e->room;

	if (e->fail)
		return e->fail;
	for (unsigned int i = 0; i < take; i++) {
		memcpy(e->last, f[i].data, f[i].len);
		e->last_len = f[i].len;
	}
	e->room -= take;
	e->got += take;
	return (int)take;
}

static inline void fake_describe(const struct endpoint *ep, char *buf, size_t len)
{
	(void)ep;
	snprintf(buf, len, "fake");
}

static inline void fake_destroy(struct endpoint *ep)
{
	(void)ep; /* owned by the test */
}

static const struct endpoint_ops fake_ops = {
	.kind = "fake", .send = fake_send, .describe = fake_describe, .destroy = fake_destroy,
};

/* The kind of a VXLAN trunk: a port that carries other switches' stations. */
static const struct endpoint_ops fake_trunk_ops = {
	.kind = "fake-trunk", .trunk = true, .send = fake_send, .describe = fake_describe,
	.destroy = fake_destroy,
};

struct rig {
	struct sw s;
	struct fake_ep ep[4];
};

static inline void rig_init(struct rig *r, bool hub)
{
	memset(r, 0, sizeof(*r));
	CHECK_EQ(sw_init(&r->s, 8, 64, 300, hub), 0);
	r->s.now = 1000;
	for (int i = 0; i < 4; i++) {
		r->ep[i].ep.ops = &fake_ops;
		r->ep[i].ep.fd = -1;
		r->ep[i].room = 1000;
		CHECK_EQ(sw_port_add(&r->s, &r->ep[i].ep, -1), i);
	}
}

/* Makes port i a trunk: its endpoint becomes one of a trunk's kind. */
static inline void rig_trunk(struct rig *r, uint32_t i)
{
	sw_port_del(&r->s, i);
	r->ep[i].ep.ops = &fake_trunk_ops;
	CHECK_EQ(sw_port_add(&r->s, &r->ep[i].ep, -1), (int)i);
}

/* Sends a frame dst <- src from port in. Addresses are 02:00:00:00:00:<n>, 0xff = broadcast. */
static inline void send_frame(struct rig *r, uint32_t in, uint8_t dst, uint8_t src, uint32_t len)
{
	uint8_t buf[ENDPOINT_BUF] = { 0 };
	struct frame f = { buf, len };

	if (dst == 0xff)
		memset(buf, 0xff, 6);
	else
		memcpy(buf, (uint8_t[]){ 2, 0, 0, 0, 0, dst }, 6);
	memcpy(buf + 6, (uint8_t[]){ 2, 0, 0, 0, 0, src }, 6);
	sw_input(&r->s, in, &f);
	sw_flush(&r->s);
}

static inline void got(struct rig *r, unsigned int a, unsigned int b, unsigned int c, unsigned int d)
{
	CHECK_EQ(r->ep[0].got, a);
	CHECK_EQ(r->ep[1].got, b);
	CHECK_EQ(r->ep[2].got, c);
	CHECK_EQ(r->ep[3].got, d);
}

#endif
