// SPDX-License-Identifier: GPL-2.0-or-later
/* slip codec: framing edge cases the kernel stream can produce (or a hostile peer can). */
#include "slip.h"

#include <string.h>

#define TESTS(X)                                                                             \
	X(test_roundtrip_special_bytes)                                                      \
	X(test_split_every_byte)                                                             \
	X(test_split_anywhere)                                                               \
	X(test_back_to_back_end)                                                             \
	X(test_exact_mtu_passes)                                                             \
	X(test_oversize_dropped)                                                             \
	X(test_garbage_and_unknown_escape)
#include "check.h"

struct sink {
	size_t n;
	size_t len[8];
	uint8_t pkt[8][SLIP_MTU];
};

static void sink_fn(void *arg, const uint8_t *pkt, size_t len)
{
	struct sink *s = arg;

	if (s->n < 8) {
		memcpy(s->pkt[s->n], pkt, len);
		s->len[s->n] = len;
	}
	s->n++;
}

static void test_roundtrip_special_bytes(void)
{
	const uint8_t pkt[] = { 0x45, SLIP_END, 0x01, SLIP_ESC, SLIP_ESC_END, SLIP_ESC_ESC, 0x00 };
	uint8_t enc[SLIP_ENCODED_MAX(sizeof(pkt))];
	size_t n = slip_encode(pkt, sizeof(pkt), enc);
	struct slip_decoder d;
	struct sink s = { 0 };

	CHECK_EQ(n, sizeof(pkt) + 2 + 2);
	CHECK_EQ(enc[0], SLIP_END);
	CHECK_EQ(enc[n - 1], SLIP_END);
	slip_decoder_init(&d);
	CHECK_EQ(slip_decode(&d, enc, n, sink_fn, &s), 1);
	CHECK_EQ(s.len[0], sizeof(pkt));
	CHECK(memcmp(s.pkt[0], pkt, sizeof(pkt)) == 0);
}

/* Feeding one byte at a time splits every escape across reads. */
static void test_split_every_byte(void)
{
	const uint8_t pkt[] = { SLIP_ESC, SLIP_END, 7, SLIP_END, SLIP_ESC };
	uint8_t enc[SLIP_ENCODED_MAX(sizeof(pkt))];
	size_t n = slip_encode(pkt, sizeof(pkt), enc), total = 0;
	struct slip_decoder d;
	struct sink s = { 0 };

	slip_decoder_init(&d);
	for (size_t i = 0; i < n; i++)
		total += slip_decode(&d, &enc[i], 1, sink_fn, &s);
	CHECK_EQ(total, 1);
	CHECK_EQ(s.len[0], sizeof(pkt));
	CHECK(memcmp(s.pkt[0], pkt, sizeof(pkt)) == 0);
}

/* Two packets split at every possible point between two reads. */
static void test_split_anywhere(void)
{
	const uint8_t a[] = { 1, SLIP_END, 2 }, b[] = { SLIP_ESC, 3 };
	uint8_t enc[32];
	size_t n = slip_encode(a, sizeof(a), enc);

	n += slip_encode(b, sizeof(b), enc + n);
	for (size_t cut = 0; cut <= n; cut++) {
		struct slip_decoder d;
		struct sink s = { 0 };

		slip_decoder_init(&d);
		slip_decode(&d, enc, cut, sink_fn, &s);
		slip_decode(&d, enc + cut, n - cut, sink_fn, &s);
		CHECK_EQ(s.n, 2);
		CHECK_EQ(s.len[0], sizeof(a));
		CHECK_EQ(s.len[1], sizeof(b));
		CHECK(memcmp(s.pkt[0], a, sizeof(a)) == 0);
		CHECK(memcmp(s.pkt[1], b, sizeof(b)) == 0);
	}
}

static void test_back_to_back_end(void)
{
	const uint8_t in[] = { SLIP_END, SLIP_END, SLIP_END, 9, SLIP_END, SLIP_END };
	struct slip_decoder d;
	struct sink s = { 0 };

	slip_decoder_init(&d);
	CHECK_EQ(slip_decode(&d, in, sizeof(in), sink_fn, &s), 1);
	CHECK_EQ(s.len[0], 1);
	CHECK_EQ(s.pkt[0][0], 9);
}

static void test_exact_mtu_passes(void)
{
	static uint8_t pkt[SLIP_MTU], enc[SLIP_ENCODED_MAX(SLIP_MTU)];
	struct slip_decoder d;
	static struct sink s;
	size_t n;

	memset(pkt, SLIP_END, sizeof(pkt));
	n = slip_encode(pkt, sizeof(pkt), enc);
	CHECK_EQ(n, SLIP_ENCODED_MAX(SLIP_MTU));
	slip_decoder_init(&d);
	CHECK_EQ(slip_decode(&d, enc, n, sink_fn, &s), 1);
	CHECK_EQ(s.len[0], SLIP_MTU);
	CHECK_EQ(d.dropped_oversize, 0);
}

/* One byte too many: dropped whole and counted; the next packet still gets through. */
static void test_oversize_dropped(void)
{
	static uint8_t big[SLIP_MTU + 1], enc[SLIP_ENCODED_MAX(SLIP_MTU + 1) + 8];
	const uint8_t small[] = { 0x45, 0 };
	struct slip_decoder d;
	static struct sink s;
	size_t n;

	memset(big, 0x11, sizeof(big));
	n = slip_encode(big, sizeof(big), enc);
	n += slip_encode(small, sizeof(small), enc + n);
	slip_decoder_init(&d);
	CHECK_EQ(slip_decode(&d, enc, n, sink_fn, &s), 1);
	CHECK_EQ(d.dropped_oversize, 1);
	CHECK_EQ(s.len[0], sizeof(small));
}

/* Text before the first END (a banner) becomes one packet, as the kernel would see it. */
static void test_garbage_and_unknown_escape(void)
{
	const uint8_t in[] = { 'h', 'i', SLIP_END, SLIP_ESC, 'x', 'y', SLIP_END, SLIP_ESC, SLIP_END };
	struct slip_decoder d;
	struct sink s = { 0 };

	slip_decoder_init(&d);
	CHECK_EQ(slip_decode(&d, in, sizeof(in), sink_fn, &s), 2);
	CHECK_EQ(s.len[0], 2);
	CHECK_EQ(s.len[1], 2);
	CHECK(memcmp(s.pkt[1], "xy", 2) == 0);
	/* a dangling ESC before END is discarded with the empty packet */
	CHECK(!d.esc);
	CHECK_EQ(d.len, 0);
}
