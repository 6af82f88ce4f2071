// SPDX-License-Identifier: GPL-2.0-or-later
#include "vxlan_ip.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

struct vxlan_ip vxlan_ip_v4(struct in_addr a)
{
	struct vxlan_ip ip = { .scope = 0 };

	ip.a.s6_addr[10] = 0xff;
	ip.a.s6_addr[11] = 0xff;
	memcpy(&ip.a.s6_addr[12], &a, 4);
	return ip;
}

struct vxlan_ip vxlan_ip_v6(const struct in6_addr *a, uint32_t scope)
{
	struct vxlan_ip ip = { .a = *a, .scope = vxlan_ip6_needs_scope(a) ? scope : 0 };

	return ip;
}

bool vxlan_ip_is_v4(const struct vxlan_ip *ip)
{
	return IN6_IS_ADDR_V4MAPPED(&ip->a);
}

bool vxlan_ip_equal(const struct vxlan_ip *x, const struct vxlan_ip *y)
{
	return memcmp(&x->a, &y->a, sizeof(x->a)) == 0 && x->scope == y->scope;
}

bool vxlan_ip_usable_source(const struct vxlan_ip *ip)
{
	if (vxlan_ip_is_v4(ip)) {
		uint32_t a;

		memcpy(&a, &ip->a.s6_addr[12], 4);
		a = ntohl(a);
		return a != 0 && a != INADDR_BROADCAST && !IN_MULTICAST(a);
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&ip->a) && !IN6_IS_ADDR_MULTICAST(&ip->a);
}

bool vxlan_ip6_needs_scope(const struct in6_addr *a)
{
	return IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a);
}

bool vxlan_ip_from_sa(const union vxlan_sa *s, socklen_t len, struct vxlan_ip *out)
{
	if (len >= sizeof(s->v4) && s->sa.sa_family == AF_INET) {
		*out = vxlan_ip_v4(s->v4.sin_addr);
		return true;
	}
	if (len >= sizeof(s->v6) && s->sa.sa_family == AF_INET6) {
		*out = vxlan_ip_v6(&s->v6.sin6_addr, s->v6.sin6_scope_id);
		return true;
	}
	return false;
}

socklen_t vxlan_ip_to_sa(const struct vxlan_ip *ip, int family, uint16_t port, union vxlan_sa *out)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET) {
		out->v4.sin_family = AF_INET;
		out->v4.sin_port = htons(port);
		memcpy(&out->v4.sin_addr, &ip->a.s6_addr[12], 4);
		return sizeof(out->v4);
	}
	out->v6.sin6_family = AF_INET6;
	out->v6.sin6_port = htons(port);
	out->v6.sin6_addr = ip->a;
	out->v6.sin6_scope_id = ip->scope;
	return sizeof(out->v6);
}

void vxlan_ip_mask(bool v4, unsigned int prefix, struct in6_addr *mask)
{
	unsigned int bits = (v4 ? 96 : 0) + prefix;

	memset(mask, 0, sizeof(*mask));
	for (unsigned int i = 0; i < 16 && bits; i++) {
		unsigned int n = bits < 8 ? bits : 8;

		mask->s6_addr[i] = (uint8_t)(0xff00u >> n);
		bits -= n;
	}
}

bool vxlan_ip_in_subnet(const struct vxlan_ip *ip, const struct vxlan_ip *net,
			const struct in6_addr *mask)
{
	if (net->scope && net->scope != ip->scope)
		return false;
	for (unsigned int i = 0; i < 16; i++)
		if ((ip->a.s6_addr[i] & mask->s6_addr[i]) != net->a.s6_addr[i])
			return false;
	return true;
}

const char *vxlan_ip_format(const struct vxlan_ip *ip, char *buf)
{
	char name[IF_NAMESIZE];
	size_t n;

	if (vxlan_ip_is_v4(ip))
		return inet_ntop(AF_INET, &ip->a.s6_addr[12], buf, VXLAN_IP_TEXT);
	inet_ntop(AF_INET6, &ip->a, buf, VXLAN_IP_TEXT);
	if (!ip->scope)
		return buf;
	n = strlen(buf);
	if (if_indextoname(ip->scope, name))
		snprintf(buf + n, VXLAN_IP_TEXT - n, "%%%s", name);
	else
		snprintf(buf + n, VXLAN_IP_TEXT - n, "%%%u", ip->scope);
	return buf;
}
