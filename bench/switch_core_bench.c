// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * switch_core_bench - the forwarding core's own CPU per frame, without sockets: what VLANs add.
 *
 *   switch_core_bench [-n FRAMES] [-r REPEATS]
 *
 * Runs uml_switch's core (uml_switch/switch.c) in this process with endpoints that take every
 * frame and do nothing, in batches of ENDPOINT_BATCH frames as the event loop feeds it, and
 * reports CPU nanoseconds per frame (the least of REPEATS runs of FRAMES frames) for 2 and 256
 * ports, 64 and 1500 bytes, unicast to learned addresses, VLAN-unaware and with VLANs on:
 * access (every port an access port of VLAN 10), trunk (every port a trunk, frames tagged) and
 * mixed (even ports trunks, odd ports access ports: a tag is pushed or popped for every 2-port
 * frame and for half the 256-port ones). switch_bench measures the whole per-frame cost with the
 * system calls; this shows the part the VLAN rules can change, free of other load's noise.
 */
#include "switch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_VID 10

enum mode { MODE_OFF, MODE_ACCESS, MODE_TRUNK, MODE_MIXED, MODES };

static const char *const mode_names[MODES] = { "VLAN-unaware", "access", "trunk", "mixed" };

static int sink_send(struct endpoint *ep, const struct frame *f, unsigned int n)
{
	(void)ep, (void)f;
	return (int)n;
}

static void sink_describe(const struct endpoint *ep, char *buf, size_t len)
{
	(void)ep;
	snprintf(buf, len, "sink");
}

static void sink_destroy(struct endpoint *ep)
{
	(void)ep;
}

static const struct endpoint_ops sink_ops = {
	.kind = "sink", .send = sink_send, .describe = sink_describe, .destroy = sink_destroy,
};

static bool port_tagged(enum mode m, uint32_t i)
{
	return m == MODE_TRUNK || (m == MODE_MIXED && i % 2 == 0);
}

/* Frame from port s to port d's address, tagged when s is a trunk: only the header is written
 * (the payload is whatever the buffer held), so the generator's share of the time stays small. */
static uint32_t make(uint8_t *buf, enum mode m, uint32_t s, uint32_t d, uint32_t size)
{
	uint32_t off = 12;

	memcpy(buf, (uint8_t[]){ 2, 0xbe, 0, 0, (uint8_t)(d >> 8), (uint8_t)d }, 6);
	memcpy(buf + 6, (uint8_t[]){ 2, 0xbe, 0, 0, (uint8_t)(s >> 8), (uint8_t)s }, 6);
	if (port_tagged(m, s)) {
		memcpy(buf + 12, (uint8_t[]){ 0x81, 0x00, 0, BENCH_VID }, 4);
		off = 16;
	}
	buf[off] = 0x88;
	buf[off + 1] = 0xb5;
	return size;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* preemption by other load excluded */
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One batch from port s to rotating destinations, as sw_service_port feeds it. */
static void batch(struct sw *s, enum mode m, uint32_t nports, uint32_t src, uint32_t size,
		  uint64_t *seq)
{
	struct frame rx[ENDPOINT_BATCH];

	sw_rx_prepare(s, rx);
	for (unsigned int i = 0; i < ENDPOINT_BATCH; i++) {
		uint32_t d = (src + 1 + (uint32_t)((*seq)++ % (nports - 1))) % nports;

		rx[i].len = make(rx[i].data, m, src, d, size);
	}
	sw_rx_commit(s, ENDPOINT_BATCH);
	for (unsigned int i = 0; i < ENDPOINT_BATCH; i++)
		sw_input(s, src, &rx[i]);
	sw_flush(s);
}

static double run(enum mode m, uint32_t nports, uint32_t size, uint64_t frames)
{
	static struct endpoint eps[256];
	struct sw s;
	struct vlan_port access, trunk;
	char err[128];
	uint64_t seq = 0;
	double t0;

	if (sw_init(&s, nports, 4096, 300, false))
		exit(1);
	vlan_port_access(&access, BENCH_VID);
	vlan_port_parse("trunk=10", &trunk, err, sizeof(err));
	for (uint32_t i = 0; i < nports; i++) {
		eps[i] = (struct endpoint){ .ops = &sink_ops, .fd = -1 };
		sw_port_add(&s, &eps[i], -1);
		if (m != MODE_OFF)
			sw_port_set_vlan(&s, i, port_tagged(m, i) ? &trunk : &access);
	}
	for (uint32_t i = 0; i < nports; i++) /* every address learned */
		batch(&s, m, nports, i, 64, &seq);
	t0 = now_ns();
	for (uint64_t done = 0; done < frames; done += ENDPOINT_BATCH)
		batch(&s, m, nports, (uint32_t)(done / ENDPOINT_BATCH % nports), size, &seq);
	t0 = (now_ns() - t0) / (double)frames;
	sw_free(&s);
	return t0;
}

int main(int argc, char **argv)
{
	static const struct { uint32_t ports, size; } cases[] = { { 2, 64 }, { 2, 1500 }, { 256, 64 },
								  { 256, 1500 } };
	uint64_t frames = 4000000;
	int repeats = 5;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			frames = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			repeats = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: switch_core_bench [-n FRAMES] [-r REPEATS]\n");
			return 1;
		}
	}
	printf("%-22s %14s %10s %10s %10s\n", "ns per frame (core)", mode_names[0], mode_names[1],
	       mode_names[2], mode_names[3]);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		char label[32];

		snprintf(label, sizeof(label), "%u ports, %u B", cases[c].ports, cases[c].size);
		printf("%-22s", label);
		for (int m = 0; m < MODES; m++) {
			double best = 1e18;

			for (int r = 0; r < repeats; r++) {
				double t = run((enum mode)m, cases[c].ports, cases[c].size, frames);

				best = t < best ? t : best;
			}
			printf(m ? " %10.1f" : " %14.1f", best);
		}
		printf("\n");
	}
	return 0;
}
