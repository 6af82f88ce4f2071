/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * endpoint - one interface for everything that sends and receives Ethernet frames: a switch
 * port's unix datagram socket, a host tap, mcast groups, pcap sources, VDE clients, VXLAN.
 *
 * Theory of operation: frames move in batches. The owner (the switch, the plug) gives recv() a
 * batch of buffers of ENDPOINT_BUF bytes each and gets back how many were filled; it gives
 * send() a batch of frames and gets back how many were taken. A frame the peer could not take
 * (its queue is full) is the owner's to drop and count: endpoints never block and never
 * allocate per frame. recv() reports a frame longer than the buffer with a len larger than
 * ETHER_FRAME_MAX, so the owner can count it as oversize instead of passing on half a frame.
 *
 * A new kind of port is a new file with an endpoint_ops table and a constructor; the switch
 * core only ever calls through the table. A port that UML's device text can name is also one
 * row of the transport table (transport_registry.h).
 */
#ifndef UMLNET_ENDPOINT_H
#define UMLNET_ENDPOINT_H

#include "ether.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define ENDPOINT_BATCH 64
#define ENDPOINT_BUF 2048 /* > ETHER_FRAME_MAX so a longer frame is seen, not cut */

struct frame {
	uint8_t *data;
	uint32_t len;
};

struct endpoint;
struct vlan_port;

struct endpoint_ops {
	const char *kind;
	/* Fills up to n frames (data preset by the caller, ENDPOINT_BUF bytes each); returns the
	 * count, 0 when nothing waits, or -errno when the endpoint is broken. NULL: send-only. */
	int (*recv)(struct endpoint *ep, struct frame *frames, unsigned int n);
	/* Sends frames in order; returns how many were taken (0..n; the rest found the peer
	 * full), or -errno when the peer is gone or broken. Taken frames it could not deliver
	 * are added to tx_dropped. */
	int (*send)(struct endpoint *ep, const struct frame *frames, unsigned int n);
	/* One-line description for status output ("unix @name", "tap tap0"). */
	void (*describe)(const struct endpoint *ep, char *buf, size_t len);
	void (*destroy)(struct endpoint *ep);
	/* The frames it delivers were observed elsewhere (a capture), not sent by hosts behind it:
	 * a switch learns no addresses from them and floods them. */
	bool monitor;
	/* It carries the stations of other switches or hosts (a tunnel, a multicast group, an
	 * uplink to another switch), any of which may send with any source address: a switch does
	 * not let it take a live address of a local port (mactable.h). false: one local station,
	 * host or gateway (a guest's socket, a tap, slirp; bess and fd cannot tell, so count as
	 * local). */
	bool trunk;
	/* The address hook (doc/transports.md §1.8). Optional (NULL: the
	 * transport does not care): the guest behind the endpoint gained (add) or lost an IPv4
	 * address; addr_be and mask_be are in network byte order. Runs the transport's host helper
	 * synchronously, as the kernel's notifier does; msg gets the helper's answer as one line
	 * (may be empty). Returns 0 or -errno. */
	int (*addr_change)(struct endpoint *ep, bool add, uint32_t addr_be, uint32_t mask_be,
			   char *msg, size_t msglen);
	/* Optional (NULL: none): see endpoint_liveness_fd(). */
	int (*liveness_fd)(const struct endpoint *ep);
	/* Optional (NULL: any setting): the VLAN setting its wire needs, which the owner gives
	 * its port and keeps (a VXLAN trunk with a VNI map is a trunk of the mapped VLANs);
	 * returns false when this endpoint needs none. */
	bool (*vlan_port)(const struct endpoint *ep, struct vlan_port *out);
};

struct endpoint {
	const struct endpoint_ops *ops;
	int fd; /* readable when frames wait, for the owner's epoll; -1 for send-only */
	/* Of the frames send() took, how many it had to drop (its peer was absent: nothing to
	 * wait for), added by the endpoint and taken by the owner with endpoint_take_dropped(),
	 * which counts them as dropped instead of sent. Dropped frames are the last ones a send()
	 * took. */
	uint64_t tx_dropped;
};

/* The frames send() calls took but dropped since the last call; resets the count. */
static inline unsigned int endpoint_take_dropped(struct endpoint *ep)
{
	unsigned int n = (unsigned int)ep->tx_dropped;

	ep->tx_dropped = 0;
	return n;
}

/* For recv() implementations that filter a received batch in place: makes frame i the kept-th
 * one, swapping the two slots' buffers so that every slot still owns one. Returns kept + 1. */
static inline unsigned int endpoint_keep_frame(struct frame *frames, unsigned int kept,
					       unsigned int i)
{
	if (kept != i) {
		uint8_t *tmp = frames[kept].data;

		frames[kept] = frames[i];
		frames[i].data = tmp;
	}
	return kept + 1;
}

/* True for the recv()/send() results that mean a connected endpoint's peer is gone for good
 * (EOF, reset, or a stream that broke its framing: -EPROTO): an owner with no other sign of the
 * peer's end (no control connection) drops the endpoint on them. */
static inline bool endpoint_peer_gone(int err)
{
	return err == -ENOTCONN || err == -ECONNRESET || err == -EPIPE || err == -ESHUTDOWN ||
	       err == -EPROTO;
}

/* The VLAN setting ep's wire needs (see vlan_port in the ops), false: none. */
static inline bool endpoint_vlan_port(const struct endpoint *ep, struct vlan_port *out)
{
	return ep->ops->vlan_port && ep->ops->vlan_port(ep, out);
}

static inline void endpoint_destroy(struct endpoint *ep)
{
	if (ep)
		ep->ops->destroy(ep);
}

/*
 * The unix datagram endpoint of the daemon protocol. With its own socket (conn), the socket is
 * bound to local and connected to peer: the kernel then delivers to it only what peer sends,
 * and peer's sends skip the 10-frame queue limit of unconnected unix datagram sockets
 * (doc/performance-notes.md). With a shared socket (shared_fd >= 0), frames go out with sendto(peer)
 * and arrive through the owner of the shared socket; the endpoint has no fd of its own.
 *
 * peer is a name a client chose; as is that client (NULL: act with our own rights). We reach
 * peer only as the client could itself: a path socket with its filesystem rights, an abstract
 * one only if its user created it (ep_unix_connect_as). Both return 0 or -errno with *why set.
 */
struct peercred;
int ep_unix_connected(const struct sockaddr_un *local, const struct sockaddr_un *peer,
		      const struct peercred *as, struct endpoint **out, const char **why);
int ep_unix_shared(int shared_fd, const struct sockaddr_un *peer, const struct peercred *as,
		   struct endpoint **out, const char **why);

/* A host tap device (IFF_TAP | IFF_NO_PI); creates it if it does not exist and we may. */
int ep_tap_open(const char *ifname, struct endpoint **out);

/*
 * Opens an endpoint from UML's own device syntax, the text after "eth<N>=":
 * "<transport>,<args>" with UML's defaults and field rules (doc/transports.md).
 * Returns 0, or -errno with a one-line reason naming the bad field and value in err.
 * (endpoint_spec.c, with the opener of the transport's row in transport_registry.c.)
 */
int endpoint_open_spec(const char *spec, struct endpoint **out, char *err, size_t errlen);

struct transport_spec;

/* transport_parse() into a spec allocated for the caller (free() it); 0 or -errno with err set. */
int transport_parse_new(const char *spec, struct transport_spec **out, char *err, size_t errlen);

/* Opens an endpoint from an already parsed spec (transport_spec.h); err as endpoint_open_spec. */
int endpoint_open_parsed(const struct transport_spec *t, struct endpoint **out, char *err,
			 size_t errlen);

/* An fd that becomes readable (EOF) when the endpoint's peer is gone although its data fd stays
 * quiet (a daemon endpoint's control connection, an ethertap helper's control stream), or -1. */
int endpoint_liveness_fd(const struct endpoint *ep);

#endif
