// SPDX-License-Identifier: GPL-2.0-or-later
#include "sockaddr_any.h"
#include "unixsock.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int sockaddr_any_from(union sockaddr_any *s, const struct vector_addr *addr, const char *path)
{
	memset(s, 0, sizeof(*s));
	if (addr->family == AF_INET) {
		s->v4 = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr = addr->a.v4,
					      .sin_port = htons(addr->port) };
		return sizeof(s->v4);
	}
	if (addr->family == AF_INET6) {
		s->v6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_addr = addr->a.v6,
					       .sin6_port = htons(addr->port) };
		return sizeof(s->v6);
	}
	int err = unixsock_path_addr(&s->un, path);

	return err ? err : (int)sizeof(s->un);
}

const char *sockaddr_any_text(const union sockaddr_any *s, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	switch (s->sa.sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &s->v4.sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s->v4.sin_port));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &s->v6.sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s->v6.sin6_port));
		break;
	default:
		snprintf(buf, len, "%.*s", (int)sizeof(s->un.sun_path), s->un.sun_path);
	}
	return buf;
}
