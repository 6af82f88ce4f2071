// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_vxlan - a VXLAN trunk (RFC 7348; doc/vxlan.md): one VNI of an IPv4 underlay as ONE
 * switch port, interoperable with Linux's `vxlan` device and with other switches' trunks.
 *
 * Theory of operation: one UDP socket bound to local:port (default 0.0.0.0:4789; with a group,
 * 0.0.0.0:port so that packets to the group arrive too, and our local address is then put on
 * every send as its source). Each inner Ethernet frame is one datagram behind the 8-byte header
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
 * than the underlay MTU (inner MTU 1450 on a 1500 underlay avoids it); a frame the kernel refuses
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

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VX_TX_MSGS (ENDPOINT_BATCH * 2) /* datagrams per sendmmsg: floods multiply frames */
#define VX_OWN_MAX 16                   /* our own addresses remembered for the echo check */
#define VX_RCVBUF (1 << 20)             /* bytes: room for bursts from every remote */

struct vx_rx {
	struct mmsghdr msgs[ENDPOINT_BATCH];
	struct iovec iov[ENDPOINT_BATCH][2];
	uint8_t hdr[ENDPOINT_BATCH][VXLAN_HDR_LEN];
	struct sockaddr_in from[ENDPOINT_BATCH];
};

struct vx_tx {
	struct mmsghdr msgs[VX_TX_MSGS];
	struct iovec iov[VX_TX_MSGS][2];
	struct sockaddr_in to[VX_TX_MSGS];
	unsigned int frame[VX_TX_MSGS]; /* which frame of the batch each datagram carries */
};

struct vx_stats {
	uint64_t short_pkt, no_i, wrong_vni, own, stranger, reserved; /* receive */
	uint64_t oversize, tx_error;                       /* send */
};

struct ep_vxlan {
	struct endpoint ep;
	uint32_t vni;
	struct in_addr local;  /* as configured (0.0.0.0 = any) */
	struct in_addr group;  /* 0.0.0.0 = none */
	uint16_t port;         /* host order */
	unsigned int nremotes;
	uint32_t own[VX_OWN_MAX];
	unsigned int nown;
	uint8_t tx_hdr[VXLAN_HDR_LEN];
	bool src_pktinfo;      /* bound to any but local given: name the source per send */
	bool stranger_logged;
	_Alignas(struct cmsghdr) char cmsg[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct vxlan_fdb fdb;
	struct vx_stats st;
	struct vx_rx rx;
	struct vx_tx tx;
};

static struct ep_vxlan *to_vx(const struct endpoint *ep)
{
	return (struct ep_vxlan *)(uintptr_t)ep;
}

static bool vx_is_own(const struct ep_vxlan *v, uint32_t addr)
{
	for (unsigned int i = 0; i < v->nown; i++)
		if (v->own[i] == addr)
			return true;
	return false;
}

/* Whether received datagram i is a frame for us; counts what it is not. */
/* Counts a packet from a sender we do not learn from; says so once per trunk. */
static void vx_stranger(struct ep_vxlan *v, struct in_addr from)
{
	char a[INET_ADDRSTRLEN];

	v->st.stranger++;
	if (v->stranger_logged)
		return;
	v->stranger_logged = true;
	log_warn("vxlan vni %u: dropping packets from %s, neither a remote nor a group member "
		 "(learn=any accepts them); further ones are only counted (stranger)",
		 v->vni, inet_ntop(AF_INET, &from, a, sizeof(a)));
}

static bool vx_rx_accept(struct ep_vxlan *v, unsigned int i)
{
	const struct mmsghdr *m = &v->rx.msgs[i];
	bool reserved;
	enum vxlan_verdict verdict;

	if (m->msg_hdr.msg_namelen < sizeof(struct sockaddr_in) ||
	    vx_is_own(v, v->rx.from[i].sin_addr.s_addr)) {
		v->st.own++;
		return false;
	}
	if (!vxlan_fdb_accepts(&v->fdb, v->rx.from[i].sin_addr.s_addr)) {
		vx_stranger(v, v->rx.from[i].sin_addr);
		return false;
	}
	verdict = vxlan_check(v->rx.hdr[i], m->msg_len, v->vni, &reserved);
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
		if (!vx_rx_accept(v, (unsigned int)i))
			continue;
		frames[i].len = rx->msgs[i].msg_len - VXLAN_HDR_LEN;
		vxlan_fdb_learn(&v->fdb, ether_src(frames[i].data), rx->from[i].sin_addr.s_addr, now);
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

static void vx_tx_add(struct ep_vxlan *v, unsigned int m, const struct frame *f, unsigned int fi,
		      uint32_t addr)
{
	struct vx_tx *tx = &v->tx;

	tx->to[m] = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(v->port),
					  .sin_addr.s_addr = addr };
	tx->iov[m][0] = (struct iovec){ v->tx_hdr, VXLAN_HDR_LEN };
	tx->iov[m][1] = (struct iovec){ f->data, f->len };
	tx->msgs[m].msg_hdr = (struct msghdr){ .msg_name = &tx->to[m], .msg_namelen = sizeof(tx->to[m]),
					       .msg_iov = tx->iov[m], .msg_iovlen = 2 };
	if (v->src_pktinfo) {
		tx->msgs[m].msg_hdr.msg_control = v->cmsg;
		tx->msgs[m].msg_hdr.msg_controllen = sizeof(v->cmsg);
	}
	tx->frame[m] = fi;
}

static int ep_vxlan_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct ep_vxlan *v = to_vx(ep);
	uint32_t dests[VXLAN_FLOOD_MAX], now = clock_seconds();
	unsigned int nmsg = 0, sent;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int k = 0;

		if (frames[i].len >= ETHER_HDR_LEN)
			k = vxlan_fdb_dests(&v->fdb, frames[i].data, now, dests);
		if (nmsg + k > VX_TX_MSGS) {
			sent = vx_flush(v, nmsg);
			if (sent < nmsg)
				return (int)vx_frames_taken(&v->tx, sent, nmsg, i);
			nmsg = 0;
		}
		for (unsigned int j = 0; j < k; j++)
			vx_tx_add(v, nmsg++, &frames[i], i, dests[j]);
	}
	sent = vx_flush(v, nmsg);
	return (int)vx_frames_taken(&v->tx, sent, nmsg, n);
}

static void ep_vxlan_describe(const struct endpoint *ep, char *buf, size_t len)
{
	const struct ep_vxlan *v = to_vx(ep);
	const struct vx_stats *s = &v->st;
	char local[INET_ADDRSTRLEN], group[INET_ADDRSTRLEN + 8] = "";

	inet_ntop(AF_INET, &v->local, local, sizeof(local));
	if (v->group.s_addr) {
		memcpy(group, " group ", 7);
		inet_ntop(AF_INET, &v->group, group + 7, sizeof(group) - 7);
	}
	snprintf(buf, len,
		 "vxlan vni %u local %s:%u remotes %u%s learned %u "
		 "(rx drops: short %llu no-I %llu wrong-vni %llu own %llu stranger %llu; "
		 "reserved bits %llu; tx: oversize %llu errors %llu)",
		 v->vni, local, v->port, v->nremotes, group, vxlan_fdb_count(&v->fdb),
		 (unsigned long long)s->short_pkt, (unsigned long long)s->no_i,
		 (unsigned long long)s->wrong_vni, (unsigned long long)s->own,
		 (unsigned long long)s->stranger,
		 (unsigned long long)s->reserved, (unsigned long long)s->oversize,
		 (unsigned long long)s->tx_error);
}

static void ep_vxlan_destroy(struct endpoint *ep)
{
	struct ep_vxlan *v = to_vx(ep);

	close(ep->fd); /* leaves the group too */
	vxlan_fdb_free(&v->fdb);
	free(v);
}

static const struct endpoint_ops ep_vxlan_ops = {
	.kind = "vxlan",
	.trunk = true,
	.recv = ep_vxlan_recv,
	.send = ep_vxlan_send,
	.describe = ep_vxlan_describe,
	.destroy = ep_vxlan_destroy,
};

static uint32_t vx_ifa_v4(const struct sockaddr *sa)
{
	return sa && sa->sa_family == AF_INET ?
		((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr : 0;
}

/* The interface holding the local address, or NULL. */
static const char *vx_local_if(const struct ifaddrs *ifs, uint32_t local)
{
	for (const struct ifaddrs *i = ifs; i && local; i = i->ifa_next)
		if (vx_ifa_v4(i->ifa_addr) == local)
			return i->ifa_name;
	return NULL;
}

/* Whether the subnets of interface i hold the group's members: the interface of local= (where
 * the group is joined), or with no local= every interface but loopback. */
static bool vx_member_if(const struct ifaddrs *i, const struct vector_spec *vs, const char *local_if)
{
	if (!vs->group.s_addr || (i->ifa_flags & IFF_LOOPBACK))
		return false;
	return !vs->local.a.v4.s_addr || (local_if && strcmp(i->ifa_name, local_if) == 0);
}

/*
 * The addresses whose packets would be our own: the bound local address; when bound to any
 * (no local, or a group), every IPv4 address of this network namespace now. Another trunk on
 * the same host bound to another of its addresses is a legitimate peer, hence the distinction.
 * In group mode, also the subnets whose senders are group members (vxlan_fdb.h).
 */
static void vx_scan_interfaces(struct ep_vxlan *v, const struct vector_spec *vs)
{
	bool bound_any = vs->group.s_addr || !vs->local.a.v4.s_addr;
	struct ifaddrs *ifs;
	const char *local_if;

	if (v->local.s_addr)
		v->own[v->nown++] = v->local.s_addr;
	if (!bound_any || getifaddrs(&ifs) < 0)
		return;
	local_if = vx_local_if(ifs, vs->local.a.v4.s_addr);
	for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
		uint32_t addr = vx_ifa_v4(i->ifa_addr);

		if (!addr)
			continue;
		if (v->nown < VX_OWN_MAX && !vx_is_own(v, addr))
			v->own[v->nown++] = addr;
		if (vx_member_if(i, vs, local_if))
			(void)vxlan_fdb_member_add(&v->fdb, addr, vx_ifa_v4(i->ifa_netmask));
	}
	freeifaddrs(ifs);
}

/* Multicast membership and options; *step names the failing call. */
static int vx_join(int fd, const struct vector_spec *vs, const char **step)
{
	struct ip_mreqn mreq = { .imr_multiaddr = vs->group, .imr_address = vs->local.a.v4 };
	int ttl = vs->ttl, zero = 0;

	if ((*step = "IP_ADD_MEMBERSHIP (is there a route for the group?)",
	     setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq))) ||
	    (*step = "IP_MULTICAST_IF",
	     vs->local.a.v4.s_addr && setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq))) ||
	    (*step = "IP_MULTICAST_TTL", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl))) ||
	    (*step = "IP_MULTICAST_LOOP", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero))))
		return -errno;
	return 0;
}

/* Every remote's bursts arrive on this one socket: ask for a receive buffer larger than the
 * default (forced when we may, else up to net.core.rmem_max). Best effort: a small buffer only
 * costs drops that TCP recovers from. */
static void vx_rcvbuf(int fd)
{
	int size = VX_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* The trunk's socket; returns it or -errno with *step naming the call. */
static int vx_socket(const struct vector_spec *vs, const char **step)
{
	bool group = vs->group.s_addr != 0;
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(vs->local.port),
				  .sin_addr = vs->local.a.v4 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int pmtu = IP_PMTUDISC_DONT, err;

	*step = "socket";
	if (fd < 0)
		return -errno;
	if (group)
		at.sin_addr.s_addr = htonl(INADDR_ANY);
	if ((*step = "IP_MTU_DISCOVER", setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu))) ||
	    (*step = "bind", bind(fd, (const struct sockaddr *)&at, sizeof(at)))) {
		err = -errno;
		goto fail;
	}
	if (group && (err = vx_join(fd, vs, step)))
		goto fail;
	vx_rcvbuf(fd);
	return fd;
fail:
	close(fd);
	return err;
}

static void vx_setup(struct ep_vxlan *v, const struct vector_spec *vs)
{
	v->vni = vs->vni;
	v->local = vs->local.a.v4;
	v->group = vs->group;
	v->port = vs->local.port;
	v->nremotes = vs->nremotes;
	vxlan_hdr_write(v->tx_hdr, vs->vni);
	v->fdb.learn_any = vs->learn_any;
	vx_scan_interfaces(v, vs);
	/* A remote that would be ourselves (one mesh list given to every switch) is left out;
	 * the flood list has room for every remote and the group. */
	for (unsigned int i = 0; i < vs->nremotes; i++)
		if (!vx_is_own(v, vs->remote[i].s_addr))
			vxlan_fdb_flood_add(&v->fdb, vs->remote[i].s_addr);
	if (vs->group.s_addr)
		vxlan_fdb_flood_add(&v->fdb, vs->group.s_addr);
	if (vs->group.s_addr && vs->local.a.v4.s_addr) {
		struct cmsghdr *c = (struct cmsghdr *)(void *)v->cmsg;
		struct in_pktinfo pi = { .ipi_spec_dst = vs->local.a.v4 };

		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		v->src_pktinfo = true;
	}
}

/* The spec's mac= has no meaning for a trunk (it carries other hosts' frames) and is ignored. */
int ep_vxlan_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	const struct vector_spec *vs = &t->vec;
	struct ep_vxlan *v;
	const char *step;
	int fd, r;

	fd = vx_socket(vs, &step);
	if (fd < 0) {
		char a[INET_ADDRSTRLEN];

		snprintf(err, errlen, "vxlan %s:%u: %s: %s",
			 inet_ntop(AF_INET, &vs->local.a.v4, a, sizeof(a)), vs->local.port, step,
			 strerror(-fd));
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
	vx_setup(v, vs);
	*out = &v->ep;
	return 0;
}
