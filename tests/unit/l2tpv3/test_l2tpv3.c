// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpv3: the header codec (exact bytes of doc/vector-transports.md §7.2, checks on receive, IP mode
 * and the outer IPv4 header) and the endpoint over real loopback UDP sockets.
 */
#include "endpoint.h"
#include "l2tpv3.h"
#include "transport_spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TESTS(X) X(test_observed_header) X(test_counter_sequence) X(test_cookie64) \
	X(test_pinned_counter) X(test_no_cookie_no_counter) X(test_verify_accepts) \
	X(test_verify_rejects) X(test_ip_mode_layout) X(test_rx_udp) X(test_rx_ip4_plain) \
	X(test_rx_ip4_options) X(test_rx_ip4_bad) X(test_rx_ip6) X(test_unform) \
	X(test_endpoint_udp) X(test_endpoint_bad_batch) X(test_endpoint_open_error)
#include "check.h"

/* The spec's observed example, from UML's side of it: tx_session=-2, tx_cookie=0x11223344. */
static struct vector_spec spec_udp_cookie(void)
{
	return (struct vector_spec){
		.udp = true, .rx_session = 0x1234, .tx_session = 0xfffffffeu, .cookie = true,
		.rx_cookie = 0x0aabbccd, .tx_cookie = 0x11223344, .counter = true,
	};
}

static size_t hex(const char *text, uint8_t *out)
{
	size_t n = 0;

	for (const char *p = text; p[0] && p[1];) {
		unsigned int b;

		if (*p == ' ') {
			p++;
			continue;
		}
		sscanf(p, "%2x", &b);
		out[n++] = (uint8_t)b;
		p += 2;
	}
	return n;
}

static bool bytes_are(const uint8_t *got, size_t len, const char *want_hex)
{
	uint8_t want[64];
	size_t n = hex(want_hex, want);

	return n == len && memcmp(got, want, n) == 0;
}

static void test_observed_header(void)
{
	struct vector_spec v = spec_udp_cookie();
	struct l2tpv3 l;
	uint8_t h[L2TPV3_HDR_MAX];

	l2tpv3_init(&l, &v);
	CHECK_EQ(l2tpv3_hdr_len(&l), 16);
	CHECK_EQ(l2tpv3_form(&l, h), 16);
	CHECK(bytes_are(h, 16, "00030000 fffffffe 11223344 00000001"));
}

static void test_counter_sequence(void)
{
	struct vector_spec v = spec_udp_cookie();
	struct l2tpv3 l;
	uint8_t h[L2TPV3_HDR_MAX];

	l2tpv3_init(&l, &v);
	l2tpv3_form(&l, h);
	l2tpv3_form(&l, h);
	CHECK(bytes_are(h, 16, "00030000 fffffffe 11223344 00000002"));
	l2tpv3_form(&l, h);
	CHECK(bytes_are(h + 12, 4, "00000003"));
}

static void test_cookie64(void)
{
	struct vector_spec v = spec_udp_cookie();
	struct l2tpv3 l;
	uint8_t h[L2TPV3_HDR_MAX];

	v.cookie64 = true;
	v.tx_cookie = 0x1122334455667788ull;
	l2tpv3_init(&l, &v);
	CHECK_EQ(l2tpv3_hdr_len(&l), 20);
	CHECK_EQ(l2tpv3_form(&l, h), 20);
	CHECK(bytes_are(h, 20, "00030000 fffffffe 1122334455667788 00000001"));
}

static void test_pinned_counter(void)
{
	struct vector_spec v = spec_udp_cookie();
	struct l2tpv3 l;
	uint8_t h[L2TPV3_HDR_MAX];

	v.pin_counter = true;
	l2tpv3_init(&l, &v);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(l2tpv3_form(&l, h), 16);
		CHECK(bytes_are(h, 16, "00030000 fffffffe 11223344 00000000"));
	}
}

static void test_no_cookie_no_counter(void)
{
	struct vector_spec v = { .udp = true, .rx_session = 0x1234, .tx_session = 0x1234 };
	struct l2tpv3 l;
	uint8_t h[L2TPV3_HDR_MAX];

	l2tpv3_init(&l, &v);
	CHECK_EQ(l2tpv3_form(&l, h), 8);
	CHECK(bytes_are(h, 8, "00030000 00001234"));
	CHECK_EQ(l2tpv3_rx_prefix(&l), 8);
}

/* A message as UML's peer would get it: header + a 42-byte frame. */
static size_t message(uint8_t *m, const char *hdr_hex)
{
	size_t n = hex(hdr_hex, m);

	memset(m + n, 0xab, 42);
	return n + 42;
}

static enum l2tpv3_verdict verify_msg(const struct l2tpv3 *l, const char *hdr_hex)
{
	uint8_t m[128];
	size_t n = message(m, hdr_hex);

	return l2tpv3_verify(l, m, n);
}

static void test_verify_accepts(void)
{
	struct vector_spec v = spec_udp_cookie();
	struct l2tpv3 l;
	uint8_t m[128];

	l2tpv3_init(&l, &v);
	/* The spec's observed reply to UML: our rx_session and rx_cookie, counter 0. */
	CHECK_EQ(verify_msg(&l, "00030000 00001234 0aabbccd 00000000"), L2TPV3_OK);
	/* Neither the flags word nor the counter is checked (UML does not either). */
	CHECK_EQ(verify_msg(&l, "ffffffff 00001234 0aabbccd 12345678"), L2TPV3_OK);
	/* Exactly the headers and an Ethernet header is enough. */
	message(m, "00030000 00001234 0aabbccd 00000000");
	CHECK_EQ(l2tpv3_verify(&l, m, 16 + ETHER_HDR_LEN), L2TPV3_OK);
}

static void test_verify_rejects(void)
{
	struct vector_spec v = spec_udp_cookie();
	struct l2tpv3 l;
	uint8_t m[128];

	l2tpv3_init(&l, &v);
	CHECK_EQ(verify_msg(&l, "00030000 00001235 0aabbccd 00000000"), L2TPV3_SESSION);
	/* Our own tx values are not what we accept. */
	CHECK_EQ(verify_msg(&l, "00030000 fffffffe 11223344 00000001"), L2TPV3_SESSION);
	CHECK_EQ(verify_msg(&l, "00030000 00001234 0aabbcce 00000000"), L2TPV3_COOKIE);
	message(m, "00030000 00001234 0aabbccd 00000000");
	CHECK_EQ(l2tpv3_verify(&l, m, 16 + ETHER_HDR_LEN - 1), L2TPV3_SHORT);
	CHECK_EQ(l2tpv3_verify(&l, m, 16), L2TPV3_SHORT);
	CHECK_EQ(l2tpv3_verify(&l, m, 0), L2TPV3_SHORT);
	/* 64-bit cookies compare all 8 bytes. */
	v.cookie64 = true;
	v.rx_cookie = 0x0aabbccd00000001ull;
	l2tpv3_init(&l, &v);
	CHECK_EQ(verify_msg(&l, "00030000 00001234 0aabbccd00000001 00000000"),
		 L2TPV3_OK);
	CHECK_EQ(verify_msg(&l, "00030000 00001234 0aabbccd00000002 00000000"),
		 L2TPV3_COOKIE);
	CHECK_EQ(verify_msg(&l, "00030000 00001234 1aabbccd00000001 00000000"),
		 L2TPV3_COOKIE);
}

static void test_ip_mode_layout(void)
{
	struct vector_spec v = { .rx_session = 0x1234, .tx_session = 0x4321 };
	struct l2tpv3 l;
	uint8_t h[L2TPV3_HDR_MAX];

	/* The spec's observed IP-mode header: the session first, no flags word. */
	l2tpv3_init(&l, &v);
	CHECK_EQ(l2tpv3_form(&l, h), 4);
	CHECK(bytes_are(h, 4, "00004321"));
	CHECK_EQ(l2tpv3_rx_prefix(&l), 24); /* an IPv4 raw socket returns the IP header */
	CHECK_EQ(verify_msg(&l, "00001234"), L2TPV3_OK);
	CHECK_EQ(verify_msg(&l, "00030000"), L2TPV3_SESSION);

	v.cookie = v.counter = true;
	v.tx_cookie = 0x55667788;
	l2tpv3_init(&l, &v);
	CHECK_EQ(l2tpv3_form(&l, h), 12);
	CHECK(bytes_are(h, 12, "00004321 55667788 00000001"));
	CHECK_EQ(l2tpv3_rx_prefix(&l), 32);

	v.v6 = true; /* an IPv6 raw socket returns no IP header */
	l2tpv3_init(&l, &v);
	CHECK_EQ(l2tpv3_rx_prefix(&l), 12);
}

/* Splits a whole message the way recvmmsg scatters it: plen bytes to prefix, the rest to data. */
static enum l2tpv3_verdict rx_split(const struct l2tpv3 *l, const uint8_t *msg, size_t len,
				    uint8_t *data, size_t *frame_len)
{
	uint8_t prefix[64];
	size_t plen = l2tpv3_rx_prefix(l), in_prefix = len < plen ? len : plen;

	memset(prefix, 0x5a, sizeof(prefix));
	memcpy(prefix, msg, in_prefix);
	memset(data, 0x5a, 2048);
	if (len > plen)
		memcpy(data, msg + plen, len - plen);
	return l2tpv3_rx(l, prefix, plen, data, 2048, len, frame_len);
}

static enum l2tpv3_verdict rx_msg(const struct l2tpv3 *l, const char *hdr_hex, uint8_t *data,
				   size_t *frame_len)
{
	uint8_t m[128];
	size_t n = message(m, hdr_hex);

	return rx_split(l, m, n, data, frame_len);
}

static void test_rx_udp(void)
{
	struct vector_spec v = spec_udp_cookie();
	struct l2tpv3 l;
	uint8_t m[128], data[2048];
	size_t flen = 0;

	l2tpv3_init(&l, &v);
	CHECK_EQ(rx_msg(&l, "00030000 00001234 0aabbccd 00000007", data, &flen),
		 L2TPV3_OK);
	CHECK_EQ(flen, 42);
	CHECK(data[0] == 0xab && data[41] == 0xab);
	memset(m, 0, sizeof(m));
	CHECK_EQ(rx_split(&l, m, 10, data, &flen), L2TPV3_SHORT);
}

/* An IPv4 header of ihl words (protocol 115, options as NOPs), then the L2TPv3 header and a
 * frame whose first byte is 0xf0 and the rest its index. */
static size_t ip4_message(uint8_t *m, unsigned int ihl, const char *hdr_hex)
{
	size_t iplen = (size_t)ihl * 4, n;

	memset(m, 0, iplen);
	m[0] = (uint8_t)(0x40 | ihl);
	m[8] = 64;
	m[9] = L2TPV3_IPPROTO;
	memset(m + 20, 1, iplen - 20);
	n = iplen + hex(hdr_hex, m + iplen);
	for (size_t i = 0; i < 60; i++)
		m[n + i] = (uint8_t)(i ? i : 0xf0);
	return n + 60;
}

static void test_rx_ip4_plain(void)
{
	struct vector_spec v = { .rx_session = 0x1234, .tx_session = 0x4321 };
	struct l2tpv3 l;
	uint8_t m[256], data[2048];
	size_t flen = 0, len;

	l2tpv3_init(&l, &v);
	len = ip4_message(m, 5, "00001234");
	CHECK_EQ(l2tpv3_ip4_hdr_len(m, len), 20);
	CHECK_EQ(rx_split(&l, m, len, data, &flen), L2TPV3_OK);
	CHECK_EQ(flen, 60);
	CHECK(data[0] == 0xf0 && data[1] == 1 && data[59] == 59);
	len = ip4_message(m, 5, "00004321");
	CHECK_EQ(rx_split(&l, m, len, data, &flen), L2TPV3_SESSION);
}

static void test_rx_ip4_options(void)
{
	struct vector_spec v = { .rx_session = 0x1234, .tx_session = 0x4321, .cookie = true,
				 .cookie64 = true, .rx_cookie = 0x0102030405060708ull, .counter = true };
	struct l2tpv3 l;
	uint8_t m[256], data[2048];
	size_t flen;

	l2tpv3_init(&l, &v);
	/* Every IHL from 5 to 15: the kernel's UML would misread all but 5; we skip by IHL. */
	for (unsigned int ihl = 5; ihl <= 15; ihl++) {
		size_t len = ip4_message(m, ihl, "00001234 0102030405060708 00000009");

		CHECK_EQ(l2tpv3_ip4_hdr_len(m, len), (int)ihl * 4);
		flen = 0;
		CHECK_EQ(rx_split(&l, m, len, data, &flen), L2TPV3_OK);
		CHECK_EQ(flen, 60);
		CHECK(data[0] == 0xf0 && data[1] == 1 && data[59] == 59);
		len = ip4_message(m, ihl, "00001234 0102030405060709 00000009");
		CHECK_EQ(rx_split(&l, m, len, data, &flen), L2TPV3_COOKIE);
	}
}

static void test_rx_ip4_bad(void)
{
	struct vector_spec v = { .rx_session = 0x1234, .tx_session = 0x4321 };
	struct l2tpv3 l;
	uint8_t m[256], data[2048];
	size_t flen = 0, len;

	l2tpv3_init(&l, &v);
	len = ip4_message(m, 5, "00001234");
	m[0] = 0x44; /* IHL below 5 */
	CHECK_EQ(l2tpv3_ip4_hdr_len(m, len), -EINVAL);
	CHECK_EQ(rx_split(&l, m, len, data, &flen), L2TPV3_BAD_IP);
	m[0] = 0x65; /* not version 4 */
	CHECK_EQ(rx_split(&l, m, len, data, &flen), L2TPV3_BAD_IP);
	/* IHL 15 but the message ends within the options + header + a runt. */
	ip4_message(m, 15, "00001234");
	CHECK_EQ(rx_split(&l, m, 60 + 4 + 13, data, &flen), L2TPV3_SHORT);
	CHECK_EQ(rx_split(&l, m, 50, data, &flen), L2TPV3_BAD_IP); /* IHL says 60 */
	CHECK_EQ(l2tpv3_ip4_hdr_len(m, 50), -EINVAL);
}

static void test_rx_ip6(void)
{
	struct vector_spec v = { .v6 = true, .rx_session = 0x1234, .tx_session = 0x4321 };
	struct l2tpv3 l;
	uint8_t data[2048];
	size_t flen = 0;

	l2tpv3_init(&l, &v);
	/* 0x45 first: would look like an IPv4 header, but IPv6 raw sockets deliver none. */
	CHECK_EQ(rx_msg(&l, "00001234", data, &flen), L2TPV3_OK);
	CHECK_EQ(flen, 42);
}

static void test_unform(void)
{
	struct vector_spec v = spec_udp_cookie();
	struct l2tpv3 l;
	uint8_t h[L2TPV3_HDR_MAX];

	l2tpv3_init(&l, &v);
	for (int i = 0; i < 5; i++)
		l2tpv3_form(&l, h);
	l2tpv3_unform(&l, 3); /* frames 3..5 were not taken: they go again as 3..5 */
	l2tpv3_form(&l, h);
	CHECK(bytes_are(h + 12, 4, "00000003"));
}

/* --- the endpoint, over loopback UDP --- */

static int udp_bound(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0);
	CHECK_EQ(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_EQ(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static uint16_t ep_port(const struct endpoint *ep)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);

	CHECK_EQ(getsockname(ep->fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

static bool readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 500) == 1;
}

static void send_to(int fd, uint16_t port, const uint8_t *m, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons(port) };

	CHECK_EQ(sendto(fd, m, len, 0, (struct sockaddr *)&a, sizeof(a)), (ssize_t)len);
}

/* Sends a message with header hdr_hex (cut to cut bytes unless 0) to 127.0.0.1:port. */
static void send_msg(int fd, uint16_t port, const char *hdr_hex, size_t cut)
{
	uint8_t m[128];
	size_t n = message(m, hdr_hex);

	send_to(fd, port, m, cut ? cut : n);
}

static void test_endpoint_udp(void)
{
	static uint8_t bufs[ENDPOINT_BATCH][ENDPOINT_BUF];
	struct frame rx[ENDPOINT_BATCH], tx[2];
	struct endpoint *ep = NULL;
	uint8_t f1[60], f2[42], got[256];
	char spec[256], err[256] = "", desc[256];
	uint16_t far_port, port;
	int far = udp_bound(&far_port), n;

	/* srcport absent: an ephemeral port, like UML's default. */
	snprintf(spec, sizeof(spec),
		 "transport=l2tpv3,udp=1,src=127.0.0.1,dst=127.0.0.1,dstport=%u,rx_session=0x1234,"
		 "tx_session=-2,rx_cookie=0x0aabbccd,tx_cookie=0x11223344,counter=1", far_port);
	CHECK_EQ(endpoint_open_spec(spec, &ep, err, sizeof(err)), 0);
	if (!ep) {
		fprintf(stderr, "  open: %s\n", err);
		close(far);
		return;
	}
	port = ep_port(ep);
	CHECK(port != 0);

	/* Two frames in one batch: headers with counters 1 and 2, to dst:dstport. */
	memset(f1, 0x11, sizeof(f1));
	memset(f2, 0x22, sizeof(f2));
	tx[0] = (struct frame){ f1, sizeof(f1) };
	tx[1] = (struct frame){ f2, sizeof(f2) };
	CHECK_EQ(ep->ops->send(ep, tx, 2), 2);
	CHECK(readable(far));
	CHECK_EQ(recv(far, got, sizeof(got), 0), 16 + 60);
	CHECK(bytes_are(got, 16, "00030000 fffffffe 11223344 00000001"));
	CHECK(got[16] == 0x11 && got[75] == 0x11);
	CHECK_EQ(recv(far, got, sizeof(got), 0), 16 + 42);
	CHECK(bytes_are(got, 16, "00030000 fffffffe 11223344 00000002"));

	/* In: good, wrong session, wrong cookie, short, good again; only the good two arrive. */
	send_msg(far, port, "00030000 00001234 0aabbccd 00000000", 0);
	send_msg(far, port, "00030000 00001235 0aabbccd 00000000", 0);
	send_msg(far, port, "00030000 00001234 0aabbccc 00000000", 0);
	send_msg(far, port, "00030000 00001234 0aabbccd 00000000", 20);
	send_msg(far, port, "00030000 00001234 0aabbccd 00000005", 56);
	CHECK(readable(ep->fd));
	for (int i = 0; i < ENDPOINT_BATCH; i++)
		rx[i].data = bufs[i];
	n = ep->ops->recv(ep, rx, ENDPOINT_BATCH);
	CHECK_EQ(n, 2);
	CHECK_EQ(rx[0].len, 42);
	CHECK_EQ(rx[1].len, 40);
	CHECK(rx[0].data[0] == 0xab && rx[1].data[39] == 0xab);
	ep->ops->describe(ep, desc, sizeof(desc));
	CHECK(strstr(desc, "session 1 cookie 1 short 1 bad-ip 0") != NULL);
	snprintf(spec, sizeof(spec), "l2tpv3 udp 127.0.0.1:%u -> 127.0.0.1:%u session rx 0x00001234 "
		 "tx 0xfffffffe", port, far_port);
	CHECK(strncmp(desc, spec, strlen(spec)) == 0);
	if (!strstr(desc, "short 1"))
		fprintf(stderr, "  describe: %s\n", desc);
	endpoint_destroy(ep);
	close(far);
}

/* A whole batch of strangers, then one good frame: recv() goes on past the batch of drops
 * instead of returning 0 ("nothing waits"). */
static void test_endpoint_bad_batch(void)
{
	static uint8_t bufs[ENDPOINT_BATCH][ENDPOINT_BUF];
	struct frame rx[ENDPOINT_BATCH];
	struct endpoint *ep = NULL;
	char spec[256], err[256] = "";
	uint16_t far_port, port;
	int far = udp_bound(&far_port);

	snprintf(spec, sizeof(spec), "transport=l2tpv3,udp=1,src=127.0.0.1,dst=127.0.0.1,dstport=%u,"
		 "rx_session=7,tx_session=7", far_port);
	CHECK_EQ(endpoint_open_spec(spec, &ep, err, sizeof(err)), 0);
	if (!ep) {
		close(far);
		return;
	}
	port = ep_port(ep);
	for (int i = 0; i < ENDPOINT_BATCH; i++)
		send_msg(far, port, "00030000 00000008", 0);
	send_msg(far, port, "00030000 00000007", 0);
	CHECK(readable(ep->fd));
	for (int i = 0; i < ENDPOINT_BATCH; i++)
		rx[i].data = bufs[i];
	CHECK_EQ(ep->ops->recv(ep, rx, ENDPOINT_BATCH), 1);
	CHECK_EQ(rx[0].len, 42);
	CHECK_EQ(ep->ops->recv(ep, rx, ENDPOINT_BATCH), 0);
	endpoint_destroy(ep);
	close(far);
}

static void test_endpoint_open_error(void)
{
	struct endpoint *ep = NULL;
	char spec[256], err[256] = "";
	uint16_t port;
	int taken = udp_bound(&port);

	snprintf(spec, sizeof(spec), "transport=l2tpv3,udp=1,src=127.0.0.1,srcport=%u,dst=127.0.0.1,"
		 "dstport=9,rx_session=1,tx_session=1", port);
	CHECK_EQ(endpoint_open_spec(spec, &ep, err, sizeof(err)), -EADDRINUSE);
	snprintf(spec, sizeof(spec), "l2tpv3 src=127.0.0.1:%u: bind src: Address already in use", port);
	CHECK_STR(err, spec);
	close(taken);
}
