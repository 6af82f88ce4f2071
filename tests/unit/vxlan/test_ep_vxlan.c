// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_vxlan over loopback: three trunks on 127.0.0.1/.2/.3 (same port, as VTEPs use), one of
 * them meshed to the other two. Flooding, learning, unicast to one remote, receive checks and
 * their counters, batches, and the error text of a port in use. Loopback only.
 */
#include "endpoint.h"
#include "vlan.h"
#include "vxlan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TESTS(X) X(test_flood_learn_unicast) X(test_receive_checks) X(test_batch) \
	X(test_port_in_use) X(test_stranger_dropped) X(test_stranger_with_learn_any) \
	X(test_v6_loopback_own) X(test_v6_unknown_interface) X(test_map_send) X(test_map_receive) \
	X(test_map_learning_per_vni) X(test_map_port_setting)
#include "check.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static unsigned int port;

/* A port number free on 127.0.0.1-3 (each trunk binds its own address). */
static unsigned int free_port(void)
{
	for (unsigned int p = 40000 + (unsigned int)getpid() % 20000; p < 65000; p += 7) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0), ok = 1;

		for (int i = 1; i <= 3 && ok; i++) {
			struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p),
						 .sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)i) };
			int s = socket(AF_INET, SOCK_DGRAM, 0);

			ok = bind(s, (struct sockaddr *)&a, sizeof(a)) == 0;
			close(s);
		}
		close(fd);
		if (ok)
			return p;
	}
	return 0;
}

static struct endpoint *trunk_vni(const char *vni, const char *local, const char *remotes)
{
	char spec[200], err[200] = "";
	struct endpoint *ep = NULL;

	if (!port)
		port = free_port();
	snprintf(spec, sizeof(spec), "transport=vxlan,vni=%s,local=%s,port=%u,remote=%s", vni,
		 local, port, remotes);
	CHECK_EQ(endpoint_open_spec(spec, &ep, err, sizeof(err)), 0);
	if (!ep)
		fprintf(stderr, "  open %s: %s\n", spec, err);
	return ep;
}

static struct endpoint *trunk(const char *local, const char *remotes)
{
	return trunk_vni("42", local, remotes);
}

static bool readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1;
}

static void frame_make(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint8_t tag)
{
	memset(buf, tag, 60);
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = 0x08;
	buf[13] = 0x00;
}

static int send1(struct endpoint *ep, const uint8_t *dst, const uint8_t *src, uint8_t tag)
{
	static uint8_t buf[60];
	struct frame f = { buf, sizeof(buf) };

	frame_make(buf, dst, src, tag);
	return ep->ops->send(ep, &f, 1);
}

/* Receives one frame into buf (ENDPOINT_BUF bytes), waiting up to ms for each datagram;
 * returns its length or -1. */
static int recv_frame(struct endpoint *ep, int ms, uint8_t *buf)
{
	struct frame f = { buf, 0 };

	/* Dropped packets make recv() return 0: keep reading while something waits. */
	while (readable(ep->fd, ms))
		if (ep->ops->recv(ep, &f, 1) == 1)
			return (int)f.len;
	return -1;
}

/* Receives one frame (waiting up to ms for each datagram); returns its length or -1, and its
 * tag byte. */
static int recv1(struct endpoint *ep, int ms, uint8_t *tag)
{
	uint8_t buf[ENDPOINT_BUF] = { 0 };
	int len = recv_frame(ep, ms, buf);

	*tag = buf[20];
	return len;
}

static void test_flood_learn_unicast(void)
{
	struct endpoint *a = trunk("127.0.0.1", "127.0.0.2+127.0.0.3");
	struct endpoint *b = trunk("127.0.0.2", "127.0.0.1");
	struct endpoint *c = trunk("127.0.0.3", "127.0.0.1");
	char desc[256];
	uint8_t tag = 0;

	if (!a || !b || !c)
		goto out;
	/* Unknown and broadcast: to every remote. */
	CHECK_EQ(send1(a, bcast, mac_a, 1), 1);
	CHECK_EQ(recv1(b, 1000, &tag), 60);
	CHECK_EQ(tag, 1);
	CHECK_EQ(recv1(c, 1000, &tag), 60);
	CHECK_EQ(tag, 1);
	/* b learned mac_a at 127.0.0.1 and answers there only. */
	CHECK_EQ(send1(b, mac_a, mac_b, 2), 1);
	CHECK_EQ(recv1(a, 1000, &tag), 60);
	CHECK_EQ(tag, 2);
	/* a learned mac_b at 127.0.0.2: unicast to b alone, c sees nothing. */
	CHECK_EQ(send1(a, mac_b, mac_a, 3), 1);
	CHECK_EQ(recv1(b, 1000, &tag), 60);
	CHECK_EQ(tag, 3);
	CHECK_EQ(recv1(c, 200, &tag), -1);
	a->ops->describe(a, desc, sizeof(desc));
	CHECK(strstr(desc, "vxlan vni 42 local 127.0.0.1:") == desc);
	CHECK(strstr(desc, " remotes 2 learned 1 ") != NULL);
out:
	endpoint_destroy(a);
	endpoint_destroy(b);
	endpoint_destroy(c);
}

/* Crafted packets from an ordinary UDP socket (another source address than any trunk, one
 * that b lists as a remote). */
static void test_receive_checks(void)
{
	struct endpoint *b = trunk("127.0.0.2", "127.0.0.1+127.0.0.9");
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000009) };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000002) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	uint8_t pkt[VXLAN_HDR_LEN + 60], tag = 0;
	char desc[256];

	if (!b)
		goto out;
	to.sin_port = htons((uint16_t)port);
	CHECK_EQ(bind(s, (struct sockaddr *)&from, sizeof(from)), 0);
	frame_make(pkt + VXLAN_HDR_LEN, bcast, mac_b, 7);
	vxlan_hdr_write(pkt, 43); /* wrong VNI */
	sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to));
	vxlan_hdr_write(pkt, 42);
	pkt[0] = 0; /* no I bit */
	sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to));
	pkt[0] = 0x08;
	sendto(s, pkt, VXLAN_HDR_LEN + 10, 0, (struct sockaddr *)&to, sizeof(to)); /* short */
	pkt[7] = 0x01; /* a reserved bit: counted, delivered */
	pkt[VXLAN_HDR_LEN + 20] = 8;
	sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to));
	CHECK_EQ(recv1(b, 1000, &tag), 60);
	CHECK_EQ(tag, 8);
	CHECK_EQ(recv1(b, 200, &tag), -1);
	b->ops->describe(b, desc, sizeof(desc));
	CHECK(strstr(desc, "short 1 no-I 1 wrong-vni 1 own 0 stranger 0; reserved bits 1;") != NULL);
	if (!strstr(desc, "short 1 no-I 1 wrong-vni 1"))
		fprintf(stderr, "  describe: %s\n", desc);
	/* The reserved-bit packet still taught its source. */
	CHECK(strstr(desc, " learned 1 ") != NULL);
out:
	close(s);
	endpoint_destroy(b);
}

/* Receives n frames in batches; true if they are the frames test_batch sent, in order. */
static bool recv_all_in_order(struct endpoint *ep, unsigned int n)
{
	static uint8_t in[ENDPOINT_BATCH][ENDPOINT_BUF];
	struct frame fi[ENDPOINT_BATCH];
	unsigned int got = 0;
	bool order = true;

	while (got < n && readable(ep->fd, 1000)) {
		int k;

		for (unsigned int i = 0; i < ENDPOINT_BATCH; i++)
			fi[i] = (struct frame){ in[i], 0 };
		k = ep->ops->recv(ep, fi, n - got);
		for (int i = 0; i < k; i++)
			order = order && fi[i].data[20] == got + (unsigned int)i &&
				fi[i].len == 60 + (got + (unsigned int)i) % 40;
		got += k > 0 ? (unsigned int)k : 0;
	}
	CHECK_EQ(got, n);
	return order && got == n;
}

/* A full batch of broadcasts to three remotes is 192 datagrams: more than one sendmmsg's worth,
 * so the flush in the middle of the batch is exercised. (127.0.0.4 has no listener.) */
static void test_batch(void)
{
	struct endpoint *a = trunk("127.0.0.1", "127.0.0.2+127.0.0.3+127.0.0.4");
	struct endpoint *b = trunk("127.0.0.2", "127.0.0.1");
	struct endpoint *c = trunk("127.0.0.3", "127.0.0.1");
	static uint8_t out[ENDPOINT_BATCH][100];
	struct frame fo[ENDPOINT_BATCH];

	if (!a || !b || !c)
		goto out;
	for (unsigned int i = 0; i < ENDPOINT_BATCH; i++) {
		frame_make(out[i], bcast, mac_a, (uint8_t)i);
		fo[i] = (struct frame){ out[i], 60 + i % 40 };
	}
	CHECK_EQ(a->ops->send(a, fo, ENDPOINT_BATCH), ENDPOINT_BATCH);
	CHECK(recv_all_in_order(b, ENDPOINT_BATCH));
	CHECK(recv_all_in_order(c, ENDPOINT_BATCH));
out:
	endpoint_destroy(a);
	endpoint_destroy(b);
	endpoint_destroy(c);
}

/* Sends, from 127.0.0.9, a frame from mac_a tagged 9 to the trunk on 127.0.0.2. */
static void send_from_stranger(void)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000009) };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000002),
				  .sin_port = htons((uint16_t)port) };
	uint8_t pkt[VXLAN_HDR_LEN + 60];
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	CHECK_EQ(bind(s, (struct sockaddr *)&from, sizeof(from)), 0);
	vxlan_hdr_write(pkt, 42);
	frame_make(pkt + VXLAN_HDR_LEN, bcast, mac_a, 9);
	CHECK_EQ(sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)sizeof(pkt));
	close(s);
}

/* A sender that is not a remote is dropped before learning: it cannot claim mac_a, which b then
 * still floods to its remote 127.0.0.1 (where a hears it). */
static void test_stranger_dropped(void)
{
	struct endpoint *a = trunk("127.0.0.1", "127.0.0.2");
	struct endpoint *b = trunk("127.0.0.2", "127.0.0.1");
	char desc[300];
	uint8_t tag = 0;

	if (!a || !b)
		goto out;
	send_from_stranger();
	CHECK_EQ(recv1(b, 300, &tag), -1);
	b->ops->describe(b, desc, sizeof(desc));
	CHECK(strstr(desc, " learned 0 ") != NULL);
	CHECK(strstr(desc, " own 0 stranger 1;") != NULL);
	CHECK_EQ(send1(b, mac_a, mac_b, 4), 1);
	CHECK_EQ(recv1(a, 1000, &tag), 60);
	CHECK_EQ(tag, 4);
out:
	endpoint_destroy(a);
	endpoint_destroy(b);
}

/* learn=any: the same sender is heard and learned (Linux's flood-and-learn). */
static void test_stranger_with_learn_any(void)
{
	struct endpoint *b = trunk("127.0.0.2", "127.0.0.1,learn=any");
	char desc[300];
	uint8_t tag = 0;

	if (!b)
		goto out;
	send_from_stranger();
	CHECK_EQ(recv1(b, 1000, &tag), 60);
	CHECK_EQ(tag, 9);
	b->ops->describe(b, desc, sizeof(desc));
	CHECK(strstr(desc, " learned 1 ") != NULL);
	CHECK(strstr(desc, " stranger 0;") != NULL);
out:
	endpoint_destroy(b);
}

static void test_port_in_use(void)
{
	struct endpoint *a = trunk("127.0.0.1", "127.0.0.2"), *b = NULL;
	char spec[200], err[200] = "", want[100];

	snprintf(spec, sizeof(spec), "transport=vxlan,vni=42,local=127.0.0.1,port=%u,remote=127.0.0.2",
		 port);
	CHECK_EQ(endpoint_open_spec(spec, &b, err, sizeof(err)), -EADDRINUSE);
	snprintf(want, sizeof(want), "vxlan 127.0.0.1:%u: bind: Address already in use", port);
	CHECK_STR(err, want);
	endpoint_destroy(a);
	endpoint_destroy(b);
}

/* An IPv6 trunk on ::1 with a remote list naming itself: the remote is left out (nothing to
 * flood to), and a packet from ::1 to it is our own. The description shows "[addr]:port". */
static void test_v6_loopback_own(void)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char spec[200], err[200] = "", desc[300], want[64];
	struct endpoint *ep = NULL;
	uint8_t pkt[VXLAN_HDR_LEN + 60], tag = 0;
	int s = socket(AF_INET6, SOCK_DGRAM, 0);

	if (!port)
		port = free_port();
	snprintf(spec, sizeof(spec), "transport=vxlan,vni=42,local=::1,port=%u,remote=::1+2001:db8::9",
		 port);
	CHECK_EQ(endpoint_open_spec(spec, &ep, err, sizeof(err)), 0);
	if (!ep) {
		fprintf(stderr, "  open %s: %s\n", spec, err);
		goto out;
	}
	to.sin6_port = htons((uint16_t)port);
	vxlan_hdr_write(pkt, 42);
	frame_make(pkt + VXLAN_HDR_LEN, bcast, mac_a, 5);
	CHECK_EQ(sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)sizeof(pkt));
	CHECK_EQ(recv1(ep, 300, &tag), -1);
	ep->ops->describe(ep, desc, sizeof(desc));
	snprintf(want, sizeof(want), "vxlan vni 42 local [::1]:%u remotes 2 learned 0 ", port);
	CHECK(strstr(desc, want) == desc);
	CHECK(strstr(desc, " own 1 stranger 0;") != NULL);
	if (strstr(desc, want) != desc)
		fprintf(stderr, "  describe: %s\n", desc);
out:
	close(s);
	endpoint_destroy(ep);
}

/* An interface that does not exist here: one line naming the field (the spec itself is fine,
 * parsing does not look at the system). */
static void test_v6_unknown_interface(void)
{
	struct endpoint *ep = NULL;
	char err[200] = "";

	CHECK_EQ(endpoint_open_spec("transport=vxlan,vni=1,local=fe80::1%nosuch0,remote=fe80::2%nosuch0",
				    &ep, err, sizeof(err)), -ENODEV);
	CHECK_STR(err, "vxlan: local 'fe80::1%nosuch0': no interface 'nosuch0' here");
	endpoint_destroy(ep);
}

#include "check.h"

/* --- a trunk with a VNI map (vni=100:10,200:20): several segments, tagged on the switch side */

/* An ordinary UDP socket on 127.0.0.<host> at the trunks' port: a peer VTEP we can read. */
static int vtep_sock(unsigned int host)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(0x7f000000u | host) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	CHECK_EQ(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	return s;
}

/* Reads one packet from a vtep_sock (up to 300 ms): its length or -1; *vni its VNI. */
static int vtep_recv(int s, uint8_t *pkt, size_t len, uint32_t *vni)
{
	ssize_t n;

	if (!readable(s, 300))
		return -1;
	n = recv(s, pkt, len, 0);
	if (n >= VXLAN_HDR_LEN)
		*vni = vxlan_hdr_vni(pkt);
	return (int)n;
}

/* Sends the trunk at 127.0.0.1 a packet of VNI vni carrying an untagged frame. */
static void vtep_send(int s, uint32_t vni, const uint8_t *dst, const uint8_t *src, uint8_t tag)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(0x7f000001) };
	uint8_t pkt[VXLAN_HDR_LEN + 60];

	vxlan_hdr_write(pkt, vni);
	frame_make(pkt + VXLAN_HDR_LEN, dst, src, tag);
	CHECK_EQ(sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)),
		 (ssize_t)sizeof(pkt));
}

/* What a switch gives the trunk: a 60-byte frame tagged VLAN vid (64 bytes); vid 0: untagged. */
static int send_tagged(struct endpoint *ep, const uint8_t *dst, uint16_t vid, uint8_t tag)
{
	static uint8_t plain[60], buf[64];
	struct frame f = { buf, 64 };

	frame_make(plain, dst, mac_a, tag);
	if (vid)
		vlan_push(buf, plain, sizeof(plain), vid);
	else
		f = (struct frame){ plain, sizeof(plain) };
	return ep->ops->send(ep, &f, 1);
}

static void test_map_send(void)
{
	struct endpoint *a = trunk_vni("100:10,200:20", "127.0.0.1", "127.0.0.2");
	int s = vtep_sock(2);
	uint8_t pkt[200];
	uint32_t vni = 0;
	char desc[300];

	if (!a)
		goto out;
	/* VLAN 10 leaves as VNI 100, VLAN 20 as VNI 200, both without their tag. */
	CHECK_EQ(send_tagged(a, bcast, 10, 1), 1);
	CHECK_EQ(vtep_recv(s, pkt, sizeof(pkt), &vni), VXLAN_HDR_LEN + 60);
	CHECK_EQ(vni, 100);
	CHECK(memcmp(pkt + VXLAN_HDR_LEN + 6, mac_a, 6) == 0 && pkt[VXLAN_HDR_LEN + 12] == 0x08);
	CHECK_EQ(pkt[VXLAN_HDR_LEN + 20], 1);
	CHECK_EQ(send_tagged(a, bcast, 20, 2), 1);
	CHECK_EQ(vtep_recv(s, pkt, sizeof(pkt), &vni), VXLAN_HDR_LEN + 60);
	CHECK_EQ(vni, 200);
	CHECK_EQ(pkt[VXLAN_HDR_LEN + 20], 2);
	/* An unmapped VLAN and an untagged frame have no VNI: taken, not sent, counted. */
	CHECK_EQ(send_tagged(a, bcast, 30, 3), 1);
	CHECK_EQ(send_tagged(a, bcast, 0, 4), 1);
	CHECK_EQ(vtep_recv(s, pkt, sizeof(pkt), &vni), -1);
	a->ops->describe(a, desc, sizeof(desc));
	CHECK(strstr(desc, "vxlan vni 100:10,200:20 local ") == desc);
	CHECK(strstr(desc, " unmapped 2)") != NULL);
out:
	close(s);
	endpoint_destroy(a);
}

/* A packet of VNI n arrives tagged VLAN map(n), its payload after the tag; an unmapped VNI is
 * wrong-vni. */
static void test_map_receive(void)
{
	struct endpoint *a = trunk_vni("100:10,200:20", "127.0.0.1", "127.0.0.2");
	int s = vtep_sock(2);
	uint8_t buf[ENDPOINT_BUF] = { 0 };
	uint16_t vid = 0;
	char desc[300];

	if (!a)
		goto out;
	vtep_send(s, 300, bcast, mac_b, 5);
	vtep_send(s, 200, bcast, mac_b, 6);
	CHECK_EQ(recv_frame(a, 1000, buf), 64);
	CHECK(vlan_frame_ctag(buf, 64, &vid));
	CHECK_EQ(vid, 20);
	CHECK(memcmp(buf + 6, mac_b, 6) == 0 && buf[16] == 0x08 && buf[17] == 0x00);
	CHECK_EQ(buf[24], 6);
	vtep_send(s, 100, bcast, mac_b, 7);
	CHECK_EQ(recv_frame(a, 1000, buf), 64);
	CHECK(vlan_frame_ctag(buf, 64, &vid));
	CHECK_EQ(vid, 10);
	CHECK_EQ(recv_frame(a, 200, buf), -1);
	a->ops->describe(a, desc, sizeof(desc));
	CHECK(strstr(desc, " wrong-vni 1 ") != NULL);
out:
	close(s);
	endpoint_destroy(a);
}

/* mac_b behind 127.0.0.2 in VNI 100 and behind 127.0.0.3 in VNI 200: a unicast to it goes to
 * the remote of its own segment only. */
static void test_map_learning_per_vni(void)
{
	struct endpoint *a = trunk_vni("100:10,200:20", "127.0.0.1", "127.0.0.2+127.0.0.3");
	int s2 = vtep_sock(2), s3 = vtep_sock(3);
	uint8_t buf[ENDPOINT_BUF];
	uint32_t vni = 0;
	char desc[300];

	if (!a)
		goto out;
	vtep_send(s2, 100, bcast, mac_b, 1);
	CHECK_EQ(recv_frame(a, 1000, buf), 64);
	vtep_send(s3, 200, bcast, mac_b, 2);
	CHECK_EQ(recv_frame(a, 1000, buf), 64);
	a->ops->describe(a, desc, sizeof(desc));
	CHECK(strstr(desc, " learned 2 ") != NULL);
	CHECK_EQ(send_tagged(a, mac_b, 10, 3), 1);
	CHECK_EQ(vtep_recv(s2, buf, sizeof(buf), &vni), VXLAN_HDR_LEN + 60);
	CHECK_EQ(vni, 100);
	CHECK_EQ(vtep_recv(s3, buf, sizeof(buf), &vni), -1);
	CHECK_EQ(send_tagged(a, mac_b, 20, 4), 1);
	CHECK_EQ(vtep_recv(s3, buf, sizeof(buf), &vni), VXLAN_HDR_LEN + 60);
	CHECK_EQ(vni, 200);
	CHECK_EQ(vtep_recv(s2, buf, sizeof(buf), &vni), -1);
out:
	close(s2);
	close(s3);
	endpoint_destroy(a);
}

/* The switch makes a mapped trunk a trunk port of exactly the mapped VLANs; a plain one needs
 * no setting. */
static void test_map_port_setting(void)
{
	struct endpoint *a = trunk_vni("100:10,200:20", "127.0.0.1", "127.0.0.2");
	struct endpoint *b = trunk("127.0.0.2", "127.0.0.1");
	struct vlan_port v;
	char text[VLAN_TEXT_MAX];

	if (!a || !b)
		goto out;
	CHECK(endpoint_vlan_port(a, &v));
	vlan_port_format(&v, text, sizeof(text));
	CHECK_STR(text, "trunk=10,20");
	CHECK(!endpoint_vlan_port(b, &v));
out:
	endpoint_destroy(a);
	endpoint_destroy(b);
}
