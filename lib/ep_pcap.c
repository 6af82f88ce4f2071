// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_pcap - UML's pcap transport (doc/transports.md §9), read-only: frames captured on a host
 * interface (optionally through a tcpdump filter expression) come out of recv(); frames sent to
 * it are dropped and counted, never injected. Snap length 1526 as the kernel (MTU + 26),
 * promiscuous unless "nopromisc", the BPF optimiser only with "optimize".
 *
 * The kernel compiles the filter with the netmask of the guest's first address; a switch port
 * has no address, so the netmask is unknown (it only matters for "ip broadcast" expressions).
 */
#include "ep_transports.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAP_SNAPLEN 1526

struct ep_pcap {
	struct endpoint ep;
	pcap_t *p;
	char ifname[TRANSPORT_IFNAMSIZ];
	uint64_t tx_dropped;
	/* the batch being filled by pcap_dispatch's callback */
	struct frame *rx;
	unsigned int rx_got;
};

static struct ep_pcap *to_pcap(const struct endpoint *ep)
{
	return (struct ep_pcap *)(uintptr_t)ep;
}

static void ep_pcap_one(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct ep_pcap *c = (struct ep_pcap *)(void *)user;
	struct frame *f = &c->rx[c->rx_got++];
	uint32_t n = h->caplen < ENDPOINT_BUF ? h->caplen : ENDPOINT_BUF;

	memcpy(f->data, bytes, n);
	/* A frame cut by the snap length is reported at its real length, i.e. as oversize. */
	f->len = h->len > h->caplen ? h->len : h->caplen;
}

static int ep_pcap_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct ep_pcap *c = to_pcap(ep);
	int r;

	c->rx = frames;
	c->rx_got = 0;
	r = pcap_dispatch(c->p, (int)n, ep_pcap_one, (u_char *)c);
	if (r == PCAP_ERROR)
		return -EIO;
	return (int)c->rx_got;
}

static int ep_pcap_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	(void)frames;
	to_pcap(ep)->tx_dropped += n;
	return (int)n;
}

static void ep_pcap_describe(const struct endpoint *ep, char *buf, size_t len)
{
	const struct ep_pcap *c = to_pcap(ep);

	snprintf(buf, len, "pcap %s (read-only, %llu frames to it dropped)", c->ifname,
		 (unsigned long long)c->tx_dropped);
}

static void ep_pcap_destroy(struct endpoint *ep)
{
	pcap_close(to_pcap(ep)->p);
	free(to_pcap(ep));
}

static const struct endpoint_ops ep_pcap_ops = {
	.kind = "pcap",
	.recv = ep_pcap_recv,
	.send = ep_pcap_send,
	.describe = ep_pcap_describe,
	.destroy = ep_pcap_destroy,
	.monitor = true,
};

/* Opens and filters the capture; on error writes the reason into err. */
static int pcap_setup(struct ep_pcap *c, const struct transport_spec *t, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;

	c->p = pcap_create(t->dev, ebuf);
	if (!c->p) {
		snprintf(err, errlen, "pcap: interface '%s': %s", t->dev, ebuf);
		return -ENODEV;
	}
	pcap_set_snaplen(c->p, PCAP_SNAPLEN);
	pcap_set_promisc(c->p, t->promisc);
	pcap_set_immediate_mode(c->p, 1);
	if (pcap_activate(c->p) < 0) {
		snprintf(err, errlen, "pcap: interface '%s': %s", t->dev, pcap_geterr(c->p));
		return -ENODEV;
	}
	if (pcap_setnonblock(c->p, 1, ebuf) < 0) {
		snprintf(err, errlen, "pcap: interface '%s': %s", t->dev, ebuf);
		return -EIO;
	}
	if (!t->filter[0])
		return 0;
	if (pcap_compile(c->p, &prog, t->filter, t->optimize, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "pcap: filter '%s': %s", t->filter, pcap_geterr(c->p));
		return -EINVAL;
	}
	if (pcap_setfilter(c->p, &prog) < 0) {
		snprintf(err, errlen, "pcap: filter '%s': %s", t->filter, pcap_geterr(c->p));
		pcap_freecode(&prog);
		return -EINVAL;
	}
	pcap_freecode(&prog);
	return 0;
}

int ep_pcap_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	struct ep_pcap *c = calloc(1, sizeof(*c));
	int r;

	if (!c) {
		snprintf(err, errlen, "pcap: out of memory");
		return -ENOMEM;
	}
	r = pcap_setup(c, t, err, errlen);
	if (!r && (c->ep.fd = pcap_get_selectable_fd(c->p)) < 0) {
		snprintf(err, errlen, "pcap: interface '%s' has no selectable fd", t->dev);
		r = -EIO;
	}
	if (r) {
		if (c->p)
			pcap_close(c->p);
		free(c);
		return r;
	}
	c->ep.ops = &ep_pcap_ops;
	snprintf(c->ifname, sizeof(c->ifname), "%s", t->dev);
	*out = &c->ep;
	return 0;
}
