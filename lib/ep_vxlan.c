// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_vxlan - a VXLAN trunk (RFC 7348; doc/vxlan.md): one VNI of an IPv4 or IPv6 underlay as
 * ONE switch port, interoperable with Linux's `vxlan` device and with other switches' trunks.
 * With a VNI map (vni=100:10,200:20; vxlan_vnimap.h) it carries several VNIs and is a VLAN
 * trunk port of the switch: a frame tagged VLAN v leaves untagged with v's VNI, a packet of
 * VNI n arrives tagged with n's VLAN; learning is per VNI; a packet of an unmapped VNI is
 * wrong-vni, a frame without a mapped 802.1Q tag (an 802.1ad one) is counted as unmapped.
 *
 * Theory of operation: one UDP socket bound to local:port (vxlan_sock.c: default the wildcard
 * address and port 4789; with a group, the wildcard so that packets to the group arrive too,
 * and our local address is then put on every send as its source). Each inner Ethernet frame is
 * one datagram behind the 8-byte header
 * 08 00 00 00 VNI 00 (vxlan.c). Received packets teach inner source MAC -> outer source address
 * (vxlan_fdb.c); a frame to a learned unicast MAC goes to that remote only, everything else
 * (broadcast, multicast, unknown unicast) to every static remote and to the group, all at our
 * own port number (doc/vxlan.md §3: Linux answers at its dstport, never at a source port).
 *
 * Split horizon (doc/vxlan.md §5 requirement 4) comes for free: every remote of the trunk is behind
 * this one endpoint, so the trunk is a single switch port, and a switch never sends a frame back
 * out of the port it came in on: nothing received from one remote is ever forwarded to another,
 * and a full mesh of trunks cannot loop.
 *
 * Like Linux we clear DF (IP_PMTUDISC_DONT) and let the kernel fragment outer packets larger
 * than the underlay MTU (inner MTU 1450 on a 1500 IPv4 underlay avoids it, 1430 on IPv6); a
 * frame the kernel refuses
 * outright (EMSGSIZE) is counted as oversize. Receive checks (doc/vxlan.md §1.1): the I bit is
 * required and the VNI must be ours, else the packet is dropped and counted; reserved bits are
 * counted but accepted (RFC 7348; Linux is stricter). Packets whose source is one of our own
 * addresses (a group echo, a mesh list that names ourselves) are dropped. So are packets from a
 * sender that is neither a configured remote nor a group member (vxlan_fdb.h says who is), unless
 * the trunk says learn=any: counted as "stranger", the first one logged.
 *
 * I/O is batched with recvmmsg/sendmmsg on preallocated message arrays; nothing is allocated
 * per frame. (ep_dgram serves one fixed peer per endpoint; here each datagram has its own
 * source or destination, so the trunk keeps its own small loop.)
 */
#include "clock.h"
#include "ep_transports.h"
#include "log.h"
#include "vxlan.h"
#include "vxlan_fdb.h"
#include "vxlan_sock.h"
#include "vxlan_vnimap.h"
#include "vlan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VX_TX_MSGS (ENDPOINT_BATCH * 2) /* datagrams per sendmmsg: floods multiply frames */

struct vx_rx {
	struct mmsghdr msgs[ENDPOINT_BATCH];
	struct iovec iov[ENDPOINT_BATCH][2];
	uint8_t hdr[ENDPOINT_BATCH][VXLAN_HDR_LEN];
	union vxlan_sa from[ENDPOINT_BATCH];
};

struct vx_tx {
	struct mmsghdr msgs[VX_TX_MSGS];
	struct iovec iov[VX_TX_MSGS][3];     /* header, frame (mapped: MACs, and after the tag) */
	uint8_t hdr[VX_TX_MSGS][VXLAN_HDR_LEN]; /* mapped: each datagram's own VNI */
	union vxlan_sa to[VX_TX_MSGS];
	unsigned int frame[VX_TX_MSGS]; /* which frame of the batch each datagram carries */
};

struct vx_stats {
	uint64_t short_pkt, no_i, wrong_vni, own, stranger, reserved; /* receive */
	uint64_t oversize, tx_error, unmapped;             /* send */
};

struct ep_vxlan {
	struct endpoint ep;
	uint32_t vni;
	struct vxlan_vnimap map;                 /* n 0: one VNI, untagged frames */
	uint32_t vni_of[VLAN_VID_MAX + 2];       /* map: VLAN -> VNI */
	struct vxlan_conf conf;
	struct vxlan_own own;
	uint8_t tx_hdr[VXLAN_HDR_LEN];
	size_t cmsg_len;       /* bound to any but local given: name the source per send */
	bool stranger_logged;
	_Alignas(struct cmsghdr) char cmsg[VXLAN_PKTINFO_SPACE];
	struct vxlan_fdb fdb;
	struct vx_stats st;
	struct vx_rx rx;
	struct vx_tx tx;
};

static struct ep_vxlan *to_vx(const struct endpoint *ep)
{
	return (struct ep_vxlan *)(uintptr_t)ep;
}

#define VX_VNI_TEXT (VXLAN_VNIMAP_MAX * 16) /* "vni" as the spec gave it */

/* The trunk's VNI, or its map, as text. */
static const char *vx_vni_text(const struct ep_vxlan *v, char buf[VX_VNI_TEXT])
{
	if (v->map.n)
		vxlan_vnimap_format(&v->map, buf, VX_VNI_TEXT);
	else
		snprintf(buf, VX_VNI_TEXT, "%u", v->vni);
	return buf;
}

/* Counts a packet from a sender we do not learn from; says so once per trunk. */
static void vx_stranger(struct ep_vxlan *v, const struct vxlan_ip *from)
{
	char a[VXLAN_IP_TEXT], vni[VX_VNI_TEXT];

	v->st.stranger++;
	if (v->stranger_logged)
		return;
	v->stranger_logged = true;
	log_warn("vxlan vni %s: dropping packets from %s, neither a remote nor a group member "
		 "(learn=any accepts them); further ones are only counted (stranger)",
		 vx_vni_text(v, vni), vxlan_ip_format(from, a));
}

/* The VNI a received header must carry: ours, or with a map the header's own if it is mapped
 * (*vlan: its VLAN; 0 without a map). */
static uint32_t vx_rx_vni(const struct ep_vxlan *v, const uint8_t *hdr, uint16_t *vlan)
{
	uint32_t vni = vxlan_hdr_vni(hdr);

	*vlan = 0;
	if (!v->map.n)
		return v->vni;
	*vlan = vxlan_vnimap_vlan(&v->map, vni);
	return *vlan != VXLAN_VNIMAP_NONE ? vni : VXLAN_VNIMAP_UNMAPPED;
}

/* Whether received datagram i is a frame for us (*from: its sender, *vlan: its VLAN when the
 * trunk has a map); counts what it is not. */
static bool vx_rx_accept(struct ep_vxlan *v, unsigned int i, struct vxlan_ip *from,
			 uint16_t *vlan)
{
	const struct mmsghdr *m = &v->rx.msgs[i];
	bool reserved;
	enum vxlan_verdict verdict;

	if (!vxlan_ip_from_sa(&v->rx.from[i], m->msg_hdr.msg_namelen, from) ||
	    vxlan_own_has(&v->own, from)) {
		v->st.own++;
		return false;
	}
	if (!vxlan_fdb_accepts(&v->fdb, from)) {
		vx_stranger(v, from);
		return false;
	}
	verdict = vxlan_check(v->rx.hdr[i], m->msg_len, vx_rx_vni(v, v->rx.hdr[i], vlan),
			      &reserved);
	if (reserved)
		v->st.reserved++;
	switch (verdict) {
	case VXLAN_OK:
		return true;
	case VXLAN_SHORT:
		v->st.short_pkt++;
		break;
	case VXLAN_NO_I_BIT:
		v->st.no_i++;
		break;
	case VXLAN_WRONG_VNI:
		v->st.wrong_vni++;
		break;
	}
	return false;
}

static int ep_vxlan_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct ep_vxlan *v = to_vx(ep);
	struct vx_rx *rx = &v->rx;
	unsigned int kept = 0;
	uint32_t now;
	int got;

	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH;
	for (unsigned int i = 0; i < n; i++) {
		/* The header lands apart, the inner frame straight in the owner's buffer. */
		rx->iov[i][0] = (struct iovec){ rx->hdr[i], VXLAN_HDR_LEN };
		rx->iov[i][1] = (struct iovec){ frames[i].data, ENDPOINT_BUF };
		rx->msgs[i].msg_hdr = (struct msghdr){ .msg_name = &rx->from[i],
						       .msg_namelen = sizeof(rx->from[i]),
						       .msg_iov = rx->iov[i], .msg_iovlen = 2 };
	}
	/* MSG_TRUNC: msg_len is the real length, so an oversize frame shows as len > buffer. */
	got = recvmmsg(ep->fd, rx->msgs, n, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (got < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	now = clock_seconds();
	for (int i = 0; i < got; i++) {
		struct vxlan_ip from;
		uint16_t vlan;

		if (!vx_rx_accept(v, (unsigned int)i, &from, &vlan))
			continue;
		frames[i].len = rx->msgs[i].msg_len - VXLAN_HDR_LEN;
		vxlan_fdb_learn(&v->fdb, ether_src(frames[i].data), vlan, &from, now);
		/* The segment's VLAN on the switch side; an oversize frame stays as it is for the
		 * owner to count. */
		if (vlan && frames[i].len <= ETHER_FRAME_MAX)
			frames[i].len = vlan_push_in_place(frames[i].data, frames[i].len, vlan);
		kept = endpoint_keep_frame(frames, kept, (unsigned int)i);
	}
	return (int)kept;
}

/*
 * Sends tx datagrams [0, nmsg) in order; returns how many left (a full socket buffer stops
 * early). A datagram the kernel refuses (no route, too big) is counted and skipped so that one
 * unreachable remote does not hold back the others. After a partial sendmmsg the kernel reports
 * the failing datagram's error on the next call, which then names exactly that datagram.
 */
static unsigned int vx_flush(struct ep_vxlan *v, unsigned int nmsg)
{
	unsigned int off = 0;

	while (off < nmsg) {
		int r = sendmmsg(v->ep.fd, v->tx.msgs + off, nmsg - off, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r > 0) {
			off += (unsigned int)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || errno == EAGAIN || errno == ENOBUFS)
			break;
		if (errno == EMSGSIZE)
			v->st.oversize++;
		else
			v->st.tx_error++;
		off++;
	}
	return off;
}

/* Frames of the batch fully handed over when only datagrams [0, sent) of nmsg left: a frame
 * whose copies went out in part counts as taken (resending it would duplicate those). */
static unsigned int vx_frames_taken(const struct vx_tx *tx, unsigned int sent, unsigned int nmsg,
				    unsigned int nframes)
{
	if (sent >= nmsg || sent >= VX_TX_MSGS)
		return nframes;
	if (sent > 0 && tx->frame[sent - 1] == tx->frame[sent])
		return tx->frame[sent] + 1;
	return tx->frame[sent];
}

/* Datagram m carries frame fi (f) to the remote to; vlan: the frame's tag, which a mapped trunk
 * leaves out and sends as its VNI (0: the frame as it is, behind the trunk's one VNI). */
static void vx_tx_add(struct ep_vxlan *v, unsigned int m, const struct frame *f, unsigned int fi,
		      uint16_t vlan, const struct vxlan_ip *to)
{
	struct vx_tx *tx = &v->tx;
	socklen_t len = vxlan_ip_to_sa(to, v->conf.family, v->conf.port, &tx->to[m]);
	size_t niov = 2;

	tx->iov[m][0] = (struct iovec){ v->tx_hdr, VXLAN_HDR_LEN };
	tx->iov[m][1] = (struct iovec){ f->data, f->len };
	if (vlan) {
		vxlan_hdr_write(tx->hdr[m], v->vni_of[vlan]);
		tx->iov[m][0].iov_base = tx->hdr[m];
		tx->iov[m][1].iov_len = 2 * ETHER_ADDR_LEN;
		tx->iov[m][2] = (struct iovec){ f->data + ETHER_HDR_LEN + 2,
						f->len - ETHER_HDR_LEN - 2 };
		niov = 3;
	}
	tx->msgs[m].msg_hdr = (struct msghdr){ .msg_name = &tx->to[m], .msg_namelen = len,
					       .msg_iov = tx->iov[m], .msg_iovlen = niov };
	if (v->cmsg_len) {
		tx->msgs[m].msg_hdr.msg_control = v->cmsg;
		tx->msgs[m].msg_hdr.msg_controllen = v->cmsg_len;
	}
	tx->frame[m] = fi;
}

/* The segment of a frame to send: 0 without a map; with one, the VLAN of its 802.1Q tag if
 * that VLAN is mapped, else false (counted as unmapped: the switch sends a mapped trunk its
 * allowed VLANs only, so that is an 802.1ad frame or a plug's untagged one). */
static bool vx_tx_vlan(struct ep_vxlan *v, const struct frame *f, uint16_t *vlan)
{
	*vlan = 0;
	if (!v->map.n)
		return true;
	if (vlan_frame_ctag(f->data, f->len, vlan) && v->vni_of[*vlan] != VXLAN_VNIMAP_UNMAPPED)
		return true;
	v->st.unmapped++;
	return false;
}

static int ep_vxlan_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct ep_vxlan *v = to_vx(ep);
	struct vxlan_ip dests[VXLAN_FLOOD_MAX];
	uint32_t now = clock_seconds();
	unsigned int nmsg = 0, sent;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int k = 0;
		uint16_t vlan;

		if (frames[i].len >= ETHER_HDR_LEN && vx_tx_vlan(v, &frames[i], &vlan))
			k = vxlan_fdb_dests(&v->fdb, frames[i].data, vlan, now, dests);
		if (nmsg + k > VX_TX_MSGS) {
			sent = vx_flush(v, nmsg);
			if (sent < nmsg)
				return (int)vx_frames_taken(&v->tx, sent, nmsg, i);
			nmsg = 0;
		}
		for (unsigned int j = 0; j < k; j++)
			vx_tx_add(v, nmsg++, &frames[i], i, vlan, &dests[j]);
	}
	sent = vx_flush(v, nmsg);
	return (int)vx_frames_taken(&v->tx, sent, nmsg, n);
}

/* "addr:port", IPv6 as "[addr%dev]:port". */
static void vx_format_at(const struct vxlan_ip *ip, int family, uint16_t port, char *buf, size_t len)
{
	char a[VXLAN_IP_TEXT];

	vxlan_ip_format(ip, a);
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

static void ep_vxlan_describe(const struct endpoint *ep, char *buf, size_t len)
{
	const struct ep_vxlan *v = to_vx(ep);
	const struct vx_stats *s = &v->st;
	char local[VXLAN_IP_TEXT + 8], group[VXLAN_IP_TEXT + 8] = "", vni[VX_VNI_TEXT];

	vx_format_at(&v->conf.local, v->conf.family, v->conf.port, local, sizeof(local));
	if (v->conf.group_given) {
		memcpy(group, " group ", 7);
		vxlan_ip_format(&v->conf.group, group + 7);
	}
	snprintf(buf, len,
		 "vxlan vni %s local %s remotes %u%s learned %u "
		 "(rx drops: short %llu no-I %llu wrong-vni %llu own %llu stranger %llu; "
		 "reserved bits %llu; tx: oversize %llu errors %llu unmapped %llu)",
		 vx_vni_text(v, vni), local, v->conf.nremotes, group, vxlan_fdb_count(&v->fdb),
		 (unsigned long long)s->short_pkt, (unsigned long long)s->no_i,
		 (unsigned long long)s->wrong_vni, (unsigned long long)s->own,
		 (unsigned long long)s->stranger,
		 (unsigned long long)s->reserved, (unsigned long long)s->oversize,
		 (unsigned long long)s->tx_error, (unsigned long long)s->unmapped);
}

static void ep_vxlan_destroy(struct endpoint *ep)
{
	struct ep_vxlan *v = to_vx(ep);

	close(ep->fd); /* leaves the group too */
	vxlan_fdb_free(&v->fdb);
	free(v);
}

static bool ep_vxlan_vlan_port(const struct endpoint *ep, struct vlan_port *out)
{
	const struct ep_vxlan *v = to_vx(ep);

	if (!v->map.n)
		return false;
	vxlan_vnimap_port(&v->map, out);
	return true;
}

static const struct endpoint_ops ep_vxlan_ops = {
	.kind = "vxlan",
	.trunk = true,
	.recv = ep_vxlan_recv,
	.send = ep_vxlan_send,
	.describe = ep_vxlan_describe,
	.destroy = ep_vxlan_destroy,
	.vlan_port = ep_vxlan_vlan_port,
};

static void vx_setup(struct ep_vxlan *v, const struct vector_spec *vs)
{
	const struct vxlan_conf *c = &v->conf;

	v->vni = vs->vni;
	v->map = vs->vnimap;
	vxlan_vnimap_index(&v->map, v->vni_of);
	vxlan_hdr_write(v->tx_hdr, vs->vni);
	v->fdb.learn_any = vs->learn_any;
	vxlan_sock_scan(c, &v->own, &v->fdb);
	/* A remote that would be ourselves (one mesh list given to every switch) is left out;
	 * the flood list has room for every remote and the group. */
	for (unsigned int i = 0; i < c->nremotes; i++)
		if (!vxlan_own_has(&v->own, &c->remote[i]))
			vxlan_fdb_flood_add(&v->fdb, &c->remote[i]);
	if (c->group_given)
		vxlan_fdb_flood_add(&v->fdb, &c->group);
	v->cmsg_len = vxlan_sock_pktinfo(c, v->cmsg);
}

/* The spec's mac= has no meaning for a trunk (it carries other hosts' frames) and is ignored. */
int ep_vxlan_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	struct vxlan_conf conf;
	struct ep_vxlan *v;
	const char *step;
	int fd, r;

	if ((r = vxlan_conf_resolve(&t->vec, &conf, err, errlen)))
		return r;
	fd = vxlan_sock_open(&conf, &step);
	if (fd < 0) {
		char at[VXLAN_IP_TEXT + 8];

		vx_format_at(&conf.local, conf.family, conf.port, at, sizeof(at));
		snprintf(err, errlen, "vxlan %s: %s: %s", at, step, strerror(-fd));
		return fd;
	}
	v = calloc(1, sizeof(*v));
	r = v ? vxlan_fdb_init(&v->fdb, VXLAN_FDB_MAX, VXLAN_FDB_AGE) : -ENOMEM;
	if (r) {
		free(v);
		close(fd);
		snprintf(err, errlen, "vxlan: out of memory");
		return r;
	}
	v->ep.ops = &ep_vxlan_ops;
	v->ep.fd = fd;
	v->conf = conf;
	vx_setup(v, &t->vec);
	*out = &v->ep;
	return 0;
}
