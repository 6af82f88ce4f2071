// SPDX-License-Identifier: GPL-2.0-or-later
/* The forwarding core with fake endpoints: learning, flooding, hub mode, filtering, drops. */
#include "check.h"
#include "switch_rig.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void test_learn_then_unicast(void)
{
	struct rig r;

	rig_init(&r, false);
	send_frame(&r, 0, 2, 1, 60);      /* unknown dst: flooded to 1,2,3 */
	got(&r, 0, 1, 1, 1);
	send_frame(&r, 2, 1, 2, 60);      /* dst 1 learned on port 0 */
	got(&r, 1, 1, 1, 1);
	send_frame(&r, 0, 2, 1, 60);      /* dst 2 learned on port 2 */
	got(&r, 1, 1, 2, 1);
	CHECK_EQ(r.s.ports[0].st.rx_frames, 2);
	CHECK_EQ(r.s.ports[2].st.tx_frames, 2);
	CHECK_EQ(r.s.ports[2].st.tx_bytes, 120);
	sw_free(&r.s);
}

static void test_broadcast_and_hub(void)
{
	struct rig r;

	rig_init(&r, false);
	send_frame(&r, 1, 0xff, 5, 42);
	got(&r, 1, 0, 1, 1);
	sw_free(&r.s);
	rig_init(&r, true);
	send_frame(&r, 0, 2, 1, 60);
	send_frame(&r, 2, 1, 2, 60);      /* hub: learned or not, everyone else gets it */
	got(&r, 1, 2, 1, 2);
	sw_free(&r.s);
}

static void test_move_and_filter(void)
{
	struct rig r;

	rig_init(&r, false);
	send_frame(&r, 0, 0xff, 1, 60);
	send_frame(&r, 3, 0xff, 1, 60);   /* address 1 moves to port 3 */
	CHECK_EQ(r.s.st.mac_moves, 1);
	send_frame(&r, 2, 1, 2, 60);
	CHECK_EQ(r.ep[3].got, 2);         /* broadcast from port 0 + this unicast */
	send_frame(&r, 3, 1, 9, 60);      /* to 1 from its own port: filtered, not echoed */
	CHECK_EQ(r.s.ports[3].st.filtered, 1);
	CHECK_EQ(r.ep[3].got, 2);
	sw_free(&r.s);
}

static void test_runt_and_oversize(void)
{
	struct rig r;

	rig_init(&r, false);
	send_frame(&r, 0, 0xff, 1, 0);
	send_frame(&r, 0, 0xff, 1, 13);
	send_frame(&r, 0, 0xff, 1, ETHER_FRAME_MAX + 1);
	send_frame(&r, 0, 0xff, 1, ETHER_FRAME_MAX);   /* 1518: a VLAN-tagged full frame passes */
	CHECK_EQ(r.s.ports[0].st.drop_runt, 2);
	CHECK_EQ(r.s.ports[0].st.drop_oversize, 1);
	CHECK_EQ(r.s.ports[0].st.rx_frames, 1);
	got(&r, 0, 1, 1, 1);
	sw_free(&r.s);
}

static int backlog_calls[8];

static void note_backlog(void *arg, uint32_t slot, bool waiting)
{
	(void)arg;
	backlog_calls[slot] += waiting ? 1 : -1;
}

static void test_full_and_failing_ports(void)
{
	struct rig r;

	rig_init(&r, false);
	r.s.on_backlog = note_backlog;
	r.ep[1].room = 1;
	r.ep[2].fail = -ECONNREFUSED;
	for (int i = 0; i < 3; i++)
		send_frame(&r, 0, 0xff, 1, 60);
	/* A full port keeps what it could not take, a broken one loses it (counted); the others
	 * get all of theirs. */
	got(&r, 0, 1, 0, 3);
	CHECK_EQ(r.s.ports[1].bl.count, 2);
	CHECK_EQ(backlog_calls[1], 1);
	CHECK_EQ(r.s.ports[1].st.drop_full, 0);
	CHECK_EQ(r.s.ports[2].st.drop_error, 3);
	CHECK_EQ(r.s.ports[3].st.tx_frames, 3);
	/* Room again: the backlog goes out, in order, before anything newer. */
	r.ep[1].room = 10;
	sw_port_writable(&r.s, 1);
	CHECK_EQ(r.ep[1].got, 3);
	CHECK_EQ(r.s.ports[1].bl.count, 0);
	CHECK_EQ(backlog_calls[1], 0);
	/* Past the backlog's size, frames are dropped and counted. */
	r.ep[1].room = 0;
	for (int i = 0; i < BACKLOG_FRAMES + 5; i++)
		send_frame(&r, 0, 0xff, 1, 60);
	CHECK_EQ(r.s.ports[1].bl.count, BACKLOG_FRAMES);
	CHECK_EQ(r.s.ports[1].st.drop_full, 5);
	sw_free(&r.s);
}

/* A real dgram port (QEMU's -netdev dgram peer) with nobody bound at dst: what it takes but
 * cannot deliver is a drop of the port (drop_error), not a frame sent. */
static void test_dgram_port_without_peer_counts_drops(void)
{
	char dir[] = "/tmp/test_switch_dgram-XXXXXX", spec[200], err[160];
	struct endpoint *ep;
	struct rig r;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(spec, sizeof(spec), "transport=dgram,src=%s/sw,dst=%s/vm", dir, dir);
	CHECK_EQ(endpoint_open_spec(spec, &ep, err, sizeof(err)), 0);
	rig_init(&r, false);
	sw_port_del(&r.s, 3);
	CHECK_EQ(sw_port_add(&r.s, ep, -1), 3);
	for (int i = 0; i < 3; i++)
		send_frame(&r, 0, 0xff, 1, 60);
	CHECK_EQ(r.s.ports[3].st.tx_frames, 0);
	CHECK_EQ(r.s.ports[3].st.tx_bytes, 0);
	CHECK_EQ(r.s.ports[3].st.drop_error, 3);
	CHECK_EQ(r.s.ports[1].st.tx_frames, 3);
	sw_port_del(&r.s, 3); /* destroys the endpoint, which removes its socket file */
	sw_free(&r.s);
	CHECK_EQ(rmdir(dir), 0);
}

static void test_port_removal_forgets(void)
{
	struct rig r;

	rig_init(&r, false);
	send_frame(&r, 1, 0xff, 7, 60);
	send_frame(&r, 1, 0xff, 8, 60);
	CHECK_EQ(mactable_count(&r.s.macs), 2);
	sw_port_del(&r.s, 1);
	CHECK_EQ(mactable_count(&r.s.macs), 0);
	CHECK_EQ(r.s.nactive, 3);
	send_frame(&r, 0, 7, 1, 60);      /* 7 unknown again: flooded to the 2 remaining others */
	CHECK_EQ(r.ep[2].got, 3);
	CHECK_EQ(r.ep[3].got, 3);
	CHECK_EQ(r.ep[1].got, 0);
	/* The freed slot is reused. */
	CHECK_EQ(sw_port_add(&r.s, &r.ep[1].ep, -1), 1);
	sw_free(&r.s);
}

static void test_aging_floods_again(void)
{
	struct rig r;

	rig_init(&r, false);
	send_frame(&r, 1, 0xff, 7, 60);
	send_frame(&r, 0, 7, 1, 60);
	got(&r, 1, 1, 1, 1);
	r.s.now += 301;
	send_frame(&r, 0, 7, 1, 60);      /* 7 aged out: flooded */
	got(&r, 1, 2, 2, 2);
	sw_free(&r.s);
}

/* A port that fills the table with made-up sources never receives what others send to each
 * other: their addresses are still learned (fair share), and frames from sources that could
 * not be learned are still forwarded by destination. */
static void test_mac_flood_does_not_leak_unicast(void)
{
	struct rig r;
	uint8_t buf[64] = { 0 };
	struct frame f = { buf, 60 };
	unsigned int before[4];

	rig_init(&r, false);
	send_frame(&r, 0, 0xff, 0x55, 60); /* the flooder's own address, learned first */
	memcpy(buf, (uint8_t[]){ 2, 0, 0, 0, 0, 0x55 }, 6); /* so the flood itself is filtered */
	for (uint32_t i = 0; i < 5000; i++) {
		memcpy(buf + 6, (uint8_t[]){ 2, 0x77, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, 0x55 }, 6);
		sw_input(&r.s, 0, &f);
		sw_flush(&r.s);
	}
	CHECK_EQ(mactable_count(&r.s.macs), 64);
	send_frame(&r, 1, 0xff, 1, 60);   /* 1 and 2 announce themselves */
	send_frame(&r, 2, 0xff, 2, 60);
	for (int i = 0; i < 4; i++)
		before[i] = r.ep[i].got;
	for (int i = 0; i < 10; i++) {
		send_frame(&r, 1, 2, 1, 60);
		send_frame(&r, 2, 1, 2, 60);
	}
	CHECK_EQ(r.ep[0].got - before[0], 0);
	CHECK_EQ(r.ep[1].got - before[1], 10);
	CHECK_EQ(r.ep[2].got - before[2], 10);
	CHECK_EQ(r.ep[3].got - before[3], 0);
	CHECK_EQ(r.s.st.mac_evictions, 2);
	sw_free(&r.s);
}

/* The per-port cap: learning stops at it, frames keep flowing, and it is counted. */
static void test_mac_cap_per_port(void)
{
	struct rig r;

	rig_init(&r, false);
	CHECK_EQ(sw_set_limits(&r.s, 3, (size_t)BACKLOG_DEFAULT_KB << 10), 0);
	for (uint8_t m = 10; m < 15; m++)
		send_frame(&r, 0, 0xff, m, 60);
	CHECK_EQ(mactable_port_count(&r.s.macs, 0), 3);
	CHECK_EQ(r.s.ports[0].st.mac_limit, 2);
	CHECK_EQ(r.s.st.mac_port_full, 2);
	got(&r, 0, 5, 5, 5);
	send_frame(&r, 1, 14, 7, 60);     /* 14 was not learned: flooded */
	got(&r, 1, 5, 6, 6);
	send_frame(&r, 1, 10, 7, 60);     /* 10 was: only to port 0 */
	got(&r, 2, 5, 6, 6);
	sw_free(&r.s);
}

/* Port `in` broadcasts n frames from address 9. */
static void broadcast(struct rig *r, uint32_t in, int n)
{
	for (int i = 0; i < n; i++)
		send_frame(r, in, 0xff, 9, 60);
}

/* All backlogs together hold no more than the budget. With a fixed set of ports the fair share
 * keeps the pool from running dry; ports added while it is under pressure can still find it
 * empty, and that is dropped as drop_budget. */
static void test_backlog_budget(void)
{
	struct rig r;

	rig_init(&r, false);
	CHECK_EQ(sw_set_limits(&r.s, 256, 40 * VLAN_FRAME_MAX), 0);
	sw_port_del(&r.s, 2);
	sw_port_del(&r.s, 3);
	r.ep[0].room = r.ep[1].room = r.ep[2].room = r.ep[3].room = 0;
	broadcast(&r, 0, 30);            /* port 1: the first half, 20; then its share is 10 */
	CHECK_EQ(r.s.ports[1].bl.count, 20);
	broadcast(&r, 1, 15);            /* port 0: its share */
	CHECK_EQ(r.s.ports[0].bl.count, 10);
	CHECK_EQ(sw_port_add(&r.s, &r.ep[2].ep, -1), 2);
	broadcast(&r, 0, 10);            /* port 2: the share of 3 ports, 6 */
	CHECK_EQ(r.s.ports[2].bl.count, 6);
	CHECK_EQ(sw_port_add(&r.s, &r.ep[3].ep, -1), 3);
	broadcast(&r, 0, 10);            /* port 3: 4 of its share of 5 are left */
	CHECK_EQ(r.s.ports[3].bl.count, 4);
	CHECK_EQ(r.s.ports[3].st.drop_budget, 6);
	CHECK_EQ(r.s.st.drop_budget, 6);
	CHECK_EQ(r.s.ports[1].st.drop_share, 10 + 10 + 10);
	CHECK_EQ(r.s.st.drop_share, 30 + 5 + 4 + 10);
	CHECK_EQ(r.s.ports[3].st.drop_full, 0);
	CHECK_EQ(backlog_pool_used(&r.s.bl_pool), 40 * VLAN_FRAME_MAX);
	r.ep[1].room = 100;
	sw_port_writable(&r.s, 1);       /* its buffers go back to the pool */
	CHECK_EQ(r.ep[1].got, 20);
	CHECK_EQ(backlog_pool_used(&r.s.bl_pool), 20 * VLAN_FRAME_MAX);
	sw_port_del(&r.s, 0);
	sw_port_del(&r.s, 2);
	sw_port_del(&r.s, 3);
	CHECK_EQ(backlog_pool_used(&r.s.bl_pool), 0);
	sw_free(&r.s);
}

/* A port whose peer never reads cannot take the whole backlog pool: once half of it is in use
 * it keeps no more than its share, and a port that is only momentarily full still has its
 * frames held. */
static void test_backlog_fair_share(void)
{
	struct rig r;

	rig_init(&r, false);
	CHECK_EQ(sw_set_limits(&r.s, 256, 40 * VLAN_FRAME_MAX), 0);
	send_frame(&r, 1, 0xff, 1, 60);   /* 1 lives on port 1, 2 on port 2 */
	send_frame(&r, 2, 0xff, 2, 60);
	r.ep[1].room = r.ep[2].room = 0;
	for (int i = 0; i < 100; i++)     /* port 0 floods port 1, whose peer never reads */
		send_frame(&r, 0, 1, 9, 60);
	CHECK_EQ(r.s.ports[1].bl.count, 20);
	CHECK_EQ(r.s.ports[1].st.drop_share, 80);
	for (int i = 0; i < 6; i++)       /* port 2's peer is momentarily full */
		send_frame(&r, 3, 2, 8, 60);
	CHECK_EQ(r.s.ports[2].bl.count, 5); /* its share: (40 / 2) / 4 ports */
	CHECK_EQ(r.s.ports[2].st.drop_budget, 0);
	CHECK_EQ(r.s.ports[2].st.drop_share, 1);
	CHECK_EQ(r.s.st.drop_share, 81);
	CHECK_EQ(r.s.st.drop_budget, 0);
	r.ep[2].room = 100;
	sw_port_writable(&r.s, 2);
	CHECK_EQ(r.ep[2].got, 1 + 5);
	sw_free(&r.s);
}

/* A frame from a trunk with the source address of a guest on a local port is forwarded, but
 * the address stays on the guest's port until it ages out there; a guest that reconnects on
 * another local port moves at once. */
static void test_trunk_does_not_take_local_addresses(void)
{
	struct rig r;

	rig_init(&r, false);
	rig_trunk(&r, 3);
	send_frame(&r, 0, 0xff, 1, 60);   /* guest 1 on local port 0 */
	got(&r, 0, 1, 1, 1);
	send_frame(&r, 3, 0xff, 1, 60);   /* its address from the trunk: forwarded all the same */
	got(&r, 1, 2, 2, 1);
	CHECK_EQ(r.s.st.mac_move_refused, 1);
	CHECK_EQ(r.s.ports[3].st.mac_move_refused, 1);
	CHECK_EQ(r.s.st.mac_moves, 0);
	send_frame(&r, 2, 1, 2, 60);      /* unicast to 1 still reaches port 0, and only it */
	got(&r, 2, 2, 2, 1);
	send_frame(&r, 1, 0xff, 1, 60);   /* guest 1 reconnected on port 1 */
	CHECK_EQ(r.s.st.mac_moves, 1);
	send_frame(&r, 2, 1, 2, 60);
	got(&r, 3, 3, 3, 2);
	r.s.now += 301;                   /* aged out on port 1: now the trunk may have it */
	send_frame(&r, 3, 0xff, 1, 60);
	send_frame(&r, 2, 1, 2, 60);
	got(&r, 4, 4, 4, 3);
	CHECK_EQ(r.s.st.mac_move_refused, 1);
	sw_free(&r.s);
}

/* The endpoint's trunk flag, not its kind's name, makes a port a trunk; a real network
 * transport (L2TPv3 over loopback UDP) carries the flag. */
static void test_trunk_flag(void)
{
	static const struct endpoint_ops named_like_a_trunk = {
		.kind = "vxlan", .send = fake_send, .describe = fake_describe, .destroy = fake_destroy,
	};
	struct endpoint *l2tp = NULL;
	char err[256];
	struct rig r;

	rig_init(&r, false);
	sw_port_del(&r.s, 1);
	r.ep[1].ep.ops = &named_like_a_trunk;
	CHECK_EQ(sw_port_add(&r.s, &r.ep[1].ep, -1), 1);
	CHECK(!r.s.ports[1].trunk);
	rig_trunk(&r, 2);
	CHECK(r.s.ports[2].trunk);
	CHECK_EQ(endpoint_open_spec("transport=l2tpv3,udp=1,src=127.0.0.1,srcport=0,dst=127.0.0.1,"
				    "dstport=9,rx_session=1,tx_session=1", &l2tp, err, sizeof(err)), 0);
	if (l2tp) {
		sw_port_del(&r.s, 3);
		CHECK_EQ(sw_port_add(&r.s, l2tp, -1), 3);
		CHECK(r.s.ports[3].trunk);
	}
	CHECK(!r.s.ports[0].trunk);
	sw_free(&r.s);
}

/* Ports count against their owner's cap, and a removed port gives its place back. */
static void test_ports_per_uid(void)
{
	struct rig r;
	struct uidlim u;

	rig_init(&r, false);
	uidlim_init(&u, 0);
	u.per_uid[UIDLIM_PORTS] = 2;
	r.s.uids = &u;
	CHECK_EQ(sw_port_set_owner(&r.s, 0, 10, 1000), 0);
	CHECK_EQ(sw_port_set_owner(&r.s, 1, 11, 1000), 0);
	CHECK_EQ(sw_port_set_owner(&r.s, 2, 12, 1000), -EUSERS);
	CHECK_EQ(sw_port_set_owner(&r.s, 3, 13, 1001), 0);
	CHECK_EQ(u.refused[UIDLIM_PORTS], 1);
	sw_port_del(&r.s, 0);
	CHECK_EQ(uidlim_held(&u, UIDLIM_PORTS, 1000), 1);
	CHECK_EQ(sw_port_set_owner(&r.s, 2, 12, 1000), 0);
	sw_free(&r.s);
	uidlim_free(&u);
}

#define TESTS(X)                                                                             \
	X(test_mac_flood_does_not_leak_unicast) X(test_mac_cap_per_port) X(test_backlog_budget) \
	X(test_backlog_fair_share) X(test_trunk_does_not_take_local_addresses) X(test_trunk_flag) \
	X(test_ports_per_uid)                                                                \
	X(test_learn_then_unicast) X(test_broadcast_and_hub) X(test_move_and_filter)         \
	X(test_runt_and_oversize) X(test_full_and_failing_ports) X(test_port_removal_forgets) \
	X(test_dgram_port_without_peer_counts_drops)                                           \
	X(test_aging_floods_again)
#include "check.h"
