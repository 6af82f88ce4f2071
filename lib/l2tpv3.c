// SPDX-License-Identifier: GPL-2.0-or-later
#include "l2tpv3.h"

#include <endian.h>
#include <errno.h>
#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof(v));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

void l2tpv3_init(struct l2tpv3 *l, const struct vector_spec *v)
{
	*l = (struct l2tpv3){
		.udp = v->udp,
		.ip4_outer = !v->udp && !v->v6,
		.counter = v->counter,
		.pin_counter = v->pin_counter,
		.cookie_len = v->cookie ? (v->cookie64 ? 8 : 4) : 0,
		.rx_session = v->rx_session,
		.tx_session = v->tx_session,
		.rx_cookie = v->rx_cookie,
		.tx_cookie = v->tx_cookie,
	};
}

size_t l2tpv3_hdr_len(const struct l2tpv3 *l)
{
	return (l->udp ? 4u : 0u) + 4u + l->cookie_len + (l->counter ? 4u : 0u);
}

size_t l2tpv3_rx_prefix(const struct l2tpv3 *l)
{
	return (l->ip4_outer ? L2TPV3_IP4_HDR_MIN : 0u) + l2tpv3_hdr_len(l);
}

size_t l2tpv3_form(struct l2tpv3 *l, uint8_t *hdr)
{
	size_t off = 0;

	if (l->udp) {
		put32(hdr, L2TPV3_FLAGS_DATA);
		off = 4;
	}
	put32(hdr + off, l->tx_session);
	off += 4;
	if (l->cookie_len == 4)
		put32(hdr + off, (uint32_t)l->tx_cookie);
	else if (l->cookie_len == 8)
		put64(hdr + off, l->tx_cookie);
	off += l->cookie_len;
	if (l->counter) {
		put32(hdr + off, l->pin_counter ? 0 : ++l->seq);
		off += 4;
	}
	return off;
}

void l2tpv3_unform(struct l2tpv3 *l, unsigned int n)
{
	if (l->counter && !l->pin_counter)
		l->seq -= n;
}

enum l2tpv3_verdict l2tpv3_verify(const struct l2tpv3 *l, const uint8_t *pkt, size_t len)
{
	const uint8_t *p;

	if (len < l2tpv3_hdr_len(l) + ETHER_HDR_LEN)
		return L2TPV3_SHORT;
	p = pkt + (l->udp ? 4 : 0);
	if (get32(p) != l->rx_session)
		return L2TPV3_SESSION;
	p += 4;
	if ((l->cookie_len == 4 && get32(p) != (uint32_t)l->rx_cookie) ||
	    (l->cookie_len == 8 && get64(p) != l->rx_cookie))
		return L2TPV3_COOKIE;
	return L2TPV3_OK;
}

int l2tpv3_ip4_hdr_len(const uint8_t *pkt, size_t len)
{
	size_t ihl;

	if (len < L2TPV3_IP4_HDR_MIN || pkt[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < L2TPV3_IP4_HDR_MIN || ihl > len)
		return -EINVAL;
	return (int)ihl;
}

enum l2tpv3_verdict l2tpv3_rx(const struct l2tpv3 *l, const uint8_t *prefix, size_t plen,
			      uint8_t *data, size_t cap, size_t msg_len, size_t *frame_len)
{
	size_t hlen = l2tpv3_hdr_len(l), skip = 0, in_data, shift;
	uint8_t gathered[L2TPV3_HDR_MAX];
	const uint8_t *hdr;
	enum l2tpv3_verdict v;

	if (plen != l2tpv3_rx_prefix(l) || msg_len < plen + ETHER_HDR_LEN)
		return L2TPV3_SHORT;
	if (l->ip4_outer) {
		/* Only the version/IHL byte is read, and it is in the prefix (plen >= 20). */
		int n = l2tpv3_ip4_hdr_len(prefix, msg_len);

		if (n < 0)
			return L2TPV3_BAD_IP;
		skip = (size_t)n;
	}
	in_data = msg_len - plen < cap ? msg_len - plen : cap;
	/* IPv4 options push the header past the prefix by shift bytes, and the frame with it. */
	shift = skip + hlen - plen;
	if (shift + ETHER_HDR_LEN > in_data)
		return L2TPV3_SHORT;
	if (shift == 0) {
		hdr = prefix + skip;
	} else {
		for (size_t k = 0; k < hlen; k++) {
			size_t off = skip + k;

			gathered[k] = off < plen ? prefix[off] : data[off - plen];
		}
		hdr = gathered;
	}
	v = l2tpv3_verify(l, hdr, msg_len - skip);
	if (v != L2TPV3_OK)
		return v;
	if (shift)
		memmove(data, data + shift, in_data - shift);
	*frame_len = msg_len - skip - hlen;
	return L2TPV3_OK;
}

const char *l2tpv3_verdict_name(enum l2tpv3_verdict v)
{
	static const char *const names[L2TPV3_VERDICTS] = {
		[L2TPV3_OK] = "ok",
		[L2TPV3_SHORT] = "short",
		[L2TPV3_BAD_IP] = "bad-ip",
		[L2TPV3_SESSION] = "session",
		[L2TPV3_COOKIE] = "cookie",
	};

	return (unsigned int)v < L2TPV3_VERDICTS ? names[v] : "?";
}
