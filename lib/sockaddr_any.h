/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sockaddr_any - one socket address for the transports whose far end is either a unix path or
 * an IP address and port (QEMU's stream and dgram backends): built from a parsed spec, shown as
 * text ("/path", "192.0.2.1:5555", "[2001:db8::1]:5555").
 */
#ifndef UMLNET_SOCKADDR_ANY_H
#define UMLNET_SOCKADDR_ANY_H

#include "transport_spec.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	struct sockaddr_un un;
};

/* addr if it has a family, else the unix path; returns the address length, or -errno (a path
 * too long). */
int sockaddr_any_from(union sockaddr_any *s, const struct vector_addr *addr, const char *path);

const char *sockaddr_any_text(const union sockaddr_any *s, char *buf, size_t len);

#endif
