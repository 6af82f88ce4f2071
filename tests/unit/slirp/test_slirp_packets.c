// SPDX-License-Identifier: GPL-2.0-or-later
/* umlnet-slirp's in-place packet work: DNS redirect, TCP window cap, proxy ARP, and which pure
 * ACKs the SLIP link may merge into the next segment. Every rewrite must leave checksums that a
 * full recomputation confirms. */
#include <arpa/inet.h>
#include <string.h>

#include "ack_coalesce.h"
#include "arp_proxy.h"
#include "dns_redirect.h"
#include "tcp_clamp.h"

#define TESTS(X)                                                                             \
	X(test_dns_query_and_answer)                                                         \
	X(test_dns_leaves_other_traffic)                                                     \
	X(test_dns_zero_udp_checksum)                                                        \
	X(test_tcp_clamp_ipv4)                                                               \
	X(test_tcp_clamp_ipv6_and_small)                                                     \
	X(test_arp_roundtrip)                                                                \
	X(test_ack_coalesce_same_connection)                                                 \
	X(test_ack_coalesce_keeps_what_matters)                                              \
	X(test_ack_tracker_follows_the_queue)
#include "check.h"

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Checksum over an IPv4 L4 segment with its pseudo-header: 0 when the stored one is right. */
static uint16_t l4_verify(const uint8_t *ip, size_t len)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	uint32_t s = sum16(ip + 12, 8, 0) + ip[9] + (uint32_t)(len - ihl);

	return fold(sum16(ip + ihl, len - ihl, s));
}

/* An IPv4 packet with an L4 header of l4len bytes, checksums filled in. */
static size_t ipv4_packet(uint8_t *ip, uint8_t proto, const char *src, const char *dst,
			  uint16_t sport, uint16_t dport, size_t l4len)
{
	size_t len = 20 + l4len;

	memset(ip, 0, len);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)len);
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put16(ip + 20, sport);
	put16(ip + 22, dport);
	for (size_t i = proto == 17 ? 8 : 20; i < l4len; i++)
		ip[20 + i] = (uint8_t)(i * 7);
	if (proto == 17) {
		put16(ip + 24, (uint16_t)l4len);
		put16(ip + 26, l4_verify(ip, len));
	} else {
		ip[32] = 0x50;
		put16(ip + 34, 60000);
		put16(ip + 36, l4_verify(ip, len));
	}
	return len;
}

static struct in_addr a4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void test_dns_query_and_answer(void)
{
	struct dns_redirect r;
	uint8_t ip[128];
	size_t len;

	dns_redirect_init(&r, true, a4("127.0.0.1"), 5353, a4("10.0.2.3"), a4("10.0.2.2"));
	len = ipv4_packet(ip, 17, "10.0.2.15", "10.0.2.3", 40000, 53, 40);
	CHECK(dns_redirect_query(&r, ip, len));
	CHECK(memcmp(ip + 16, "\x0a\x00\x02\x02", 4) == 0); /* loopback → the host alias */
	CHECK_EQ(ip[22] << 8 | ip[23], 5353);
	CHECK_EQ(fold(sum16(ip, 20, 0)), 0);
	CHECK_EQ(l4_verify(ip, len), 0);

	len = ipv4_packet(ip, 17, "10.0.2.2", "10.0.2.15", 5353, 40000, 60);
	CHECK(dns_redirect_is_answer(&r, ip, len));
	dns_redirect_answer(&r, ip, len);
	CHECK(memcmp(ip + 12, "\x0a\x00\x02\x03", 4) == 0);
	CHECK_EQ(ip[20] << 8 | ip[21], 53);
	CHECK_EQ(fold(sum16(ip, 20, 0)), 0);
	CHECK_EQ(l4_verify(ip, len), 0);
	CHECK_EQ(r.queries, 1);
	CHECK_EQ(r.answers, 1);
}

static void test_dns_leaves_other_traffic(void)
{
	struct dns_redirect r, off;
	uint8_t ip[128], copy[128];
	size_t len;

	dns_redirect_init(&r, true, a4("192.0.2.1"), 53, a4("10.0.2.3"), a4("10.0.2.2"));
	dns_redirect_init(&off, false, a4("192.0.2.1"), 53, a4("10.0.2.3"), a4("10.0.2.2"));
	len = ipv4_packet(ip, 17, "10.0.2.15", "10.0.2.3", 40000, 54, 20);
	memcpy(copy, ip, len);
	CHECK(!dns_redirect_query(&r, ip, len));     /* not port 53 */
	len = ipv4_packet(ip, 6, "10.0.2.15", "10.0.2.3", 40000, 53, 20);
	CHECK(!dns_redirect_query(&r, ip, len));     /* TCP */
	len = ipv4_packet(ip, 17, "10.0.2.15", "10.0.2.3", 40000, 53, 20);
	CHECK(!dns_redirect_query(&off, ip, len));   /* no --dns */
	ip[7] = 1;                                   /* a fragment */
	CHECK(!dns_redirect_query(&r, ip, len));
	CHECK(!dns_redirect_query(&r, ip, 27));      /* truncated */
	CHECK(!dns_redirect_is_answer(&r, ip, 10));
}

static void test_dns_zero_udp_checksum(void)
{
	struct dns_redirect r;
	uint8_t ip[128];
	size_t len;

	dns_redirect_init(&r, true, a4("192.0.2.1"), 53, a4("10.0.2.3"), a4("10.0.2.2"));
	len = ipv4_packet(ip, 17, "10.0.2.15", "10.0.2.3", 40000, 53, 20);
	put16(ip + 26, 0); /* "no checksum" must stay so */
	CHECK(dns_redirect_query(&r, ip, len));
	CHECK_EQ(ip[26] << 8 | ip[27], 0);
	CHECK(memcmp(ip + 16, "\xc0\x00\x02\x01", 4) == 0);
}

static void test_tcp_clamp_ipv4(void)
{
	uint8_t frame[14 + 128] = { [12] = 0x08, [13] = 0x00 };
	size_t len = 14 + ipv4_packet(frame + 14, 6, "10.0.2.15", "10.0.2.2", 1234, 80, 40);

	CHECK(tcp_clamp_window(frame, len, 5840));
	CHECK_EQ(frame[14 + 34] << 8 | frame[14 + 35], 5840);
	CHECK_EQ(l4_verify(frame + 14, len - 14), 0);
	CHECK(!tcp_clamp_window(frame, len, 5840));  /* already small enough */
}

static void test_tcp_clamp_ipv6_and_small(void)
{
	uint8_t frame[14 + 40 + 20] = { [12] = 0x86, [13] = 0xdd };
	uint8_t *ip = frame + 14, *tcp = ip + 40;
	uint32_t s;

	ip[0] = 0x60;
	put16(ip + 4, 20);
	ip[6] = 6;
	ip[23] = 1;
	ip[39] = 2;
	tcp[12] = 0x50;
	put16(tcp + 14, 65535);
	s = sum16(ip + 8, 32, 0) + 6 + 20;
	put16(tcp + 16, fold(sum16(tcp, 20, s)));
	CHECK(tcp_clamp_window(frame, sizeof(frame), 2920));
	CHECK_EQ(tcp[14] << 8 | tcp[15], 2920);
	CHECK_EQ(fold(sum16(tcp, 20, s)), 0);
	CHECK(!tcp_clamp_window(frame, 40, 2920));   /* too short */
	frame[12] = 0x08;
	frame[13] = 0x06;                            /* ARP: untouched */
	CHECK(!tcp_clamp_window(frame, sizeof(frame), 2920));
}

static void test_arp_roundtrip(void)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, ip[4] = { 10, 0, 2, 15 };
	const uint8_t to_mac[6] = { 0x52, 0x55, 10, 0, 2, 2 }, to_ip[4] = { 10, 0, 2, 2 };
	uint8_t f[ARP_FRAME_LEN];
	struct arp_who_has q;

	CHECK_EQ(arp_proxy_reply(f, mac, ip, to_mac, to_ip), ARP_FRAME_LEN);
	CHECK(!arp_proxy_parse_request(f, sizeof(f), &q)); /* a reply is not a request */
	f[14 + 7] = 1;
	CHECK(arp_proxy_parse_request(f, sizeof(f), &q));
	CHECK(memcmp(q.sender_mac, mac, 6) == 0);
	CHECK(memcmp(q.sender_ip, ip, 4) == 0);
	CHECK(memcmp(q.target_ip, to_ip, 4) == 0);
	CHECK(!arp_proxy_parse_request(f, ARP_FRAME_LEN - 1, &q));
	f[14 + 5] = 16;                              /* not IPv4 addresses */
	CHECK(!arp_proxy_parse_request(f, sizeof(f), &q));
}

/* A TCP segment 10.0.2.2:80 -> 10.0.2.15:1234 with flags, ACK number ack and payload bytes. */
static size_t tcp_segment(uint8_t *ip, uint8_t flags, uint32_t ack, size_t payload)
{
	size_t len = ipv4_packet(ip, 6, "10.0.2.2", "10.0.2.15", 80, 1234, 20 + payload);

	ip[33] = flags;
	put16(ip + 28, (uint16_t)(ack >> 16));
	put16(ip + 30, (uint16_t)ack);
	return len;
}

static void test_ack_coalesce_same_connection(void)
{
	uint8_t ack[64], data[64];
	size_t alen = tcp_segment(ack, 0x10, 7001, 0), dlen = tcp_segment(data, 0x18, 7001, 1);
	struct ack_key k;

	CHECK(ack_coalesce_is_pure_ack(ack, alen, &k));
	CHECK(ack_coalesce_supersedes(data, dlen, &k));
	data[33] = 0x10;                             /* PSH or not: both repeat the ACK */
	CHECK(ack_coalesce_supersedes(data, dlen, &k));
	dlen = tcp_segment(data, 0x18, 7002, 1);     /* data acknowledging more */
	CHECK(ack_coalesce_supersedes(data, dlen, &k));
	dlen = tcp_segment(data, 0x10, 8461, 0);     /* a pure ACK further on: the upload case */
	CHECK(ack_coalesce_supersedes(data, dlen, &k));
	CHECK(ack_coalesce_is_pure_ack(ack, tcp_segment(ack, 0x10, 0xfffffff0u, 0), &k));
	dlen = tcp_segment(data, 0x10, 0x10, 0);     /* further on across the wrap of 2^32 */
	CHECK(ack_coalesce_supersedes(data, dlen, &k));
}

static void test_ack_coalesce_keeps_what_matters(void)
{
	uint8_t ack[64], p[64];
	size_t alen = tcp_segment(ack, 0x10, 7001, 0), len;
	struct ack_key k;

	CHECK(ack_coalesce_is_pure_ack(ack, alen, &k));
	len = tcp_segment(p, 0x10, 7001, 0);         /* the same number again: a duplicate ACK */
	CHECK(!ack_coalesce_supersedes(p, len, &k));
	len = tcp_segment(p, 0x10, 7000, 0);         /* an older number */
	CHECK(!ack_coalesce_supersedes(p, len, &k));
	len = tcp_segment(p, 0x18, 7000, 1);         /* data with an older number */
	CHECK(!ack_coalesce_supersedes(p, len, &k));
	len = tcp_segment(p, 0x19, 7001, 1);         /* FIN */
	CHECK(!ack_coalesce_supersedes(p, len, &k));
	len = tcp_segment(p, 0x18, 7001, 1);         /* another connection */
	p[21] = 81;
	CHECK(!ack_coalesce_supersedes(p, len, &k));
	len = ipv4_packet(p, 17, "10.0.2.2", "10.0.2.15", 80, 1234, 9); /* UDP */
	CHECK(!ack_coalesce_supersedes(p, len, &k));
	CHECK(!ack_coalesce_is_pure_ack(p, len, &k));
	len = tcp_segment(p, 0x18, 7001, 1);         /* truncated */
	CHECK(!ack_coalesce_supersedes(p, len - 2, &k));
	len = tcp_segment(p, 0x11, 7001, 0);         /* FIN|ACK is not a pure ACK */
	CHECK(!ack_coalesce_is_pure_ack(p, len, &k));
	len = tcp_segment(p, 0x10, 7001, 0);         /* a fragment is not either */
	p[6] = 0x20;
	CHECK(!ack_coalesce_is_pure_ack(p, len, &k));
}

/* A link's queue: each packet may take back only the pure ACK queued just before it. */
static void test_ack_tracker_follows_the_queue(void)
{
	struct ack_tracker t = { 0 };
	uint8_t p[64];

	CHECK(!ack_tracker_next(&t, p, tcp_segment(p, 0x10, 100, 0)));   /* nothing before it */
	CHECK(ack_tracker_next(&t, p, tcp_segment(p, 0x10, 200, 0)));    /* upload: ACK after ACK */
	CHECK(ack_tracker_next(&t, p, tcp_segment(p, 0x18, 200, 5)));    /* answer repeating it */
	CHECK(!ack_tracker_next(&t, p, tcp_segment(p, 0x10, 300, 0)));   /* after data: nothing */
	ack_tracker_sent(&t);                                            /* written: too late */
	CHECK(!ack_tracker_next(&t, p, tcp_segment(p, 0x10, 400, 0)));
	CHECK(!ack_tracker_next(&t, p, tcp_segment(p, 0x10, 400, 0)));   /* duplicate ACK stays */
}
