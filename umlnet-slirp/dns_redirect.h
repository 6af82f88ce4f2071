/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_redirect - send the guest's DNS queries for 10.0.2.3 to a chosen server.
 *
 * libslirp forwards 10.0.2.3:53 to the first nameserver of the host's /etc/resolv.conf and has no
 * option to change that. With --dns=ADDR[:PORT] we rewrite, on IPv4 packets between guest and
 * libslirp, UDP 10.0.2.3:53 to ADDR:PORT (a loopback ADDR becomes libslirp's host alias 10.0.2.2,
 * which libslirp maps to 127.0.0.1) and the answers back, fixing the IP and UDP checksums
 * incrementally. TCP DNS is not redirected.
 */
#ifndef UMLNET_SLIRP_DNS_REDIRECT_H
#define UMLNET_SLIRP_DNS_REDIRECT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dns_redirect {
	bool on;
	struct in_addr alias;     /* what the guest asks: 10.0.2.3 */
	struct in_addr target;    /* what libslirp sees instead */
	uint16_t target_port;     /* host order */
	uint64_t queries, answers;
};

/* Sets up the rewrite; alias and host are libslirp's DNS and host aliases. */
void dns_redirect_init(struct dns_redirect *r, bool on, struct in_addr server, uint16_t port,
		       struct in_addr alias, struct in_addr host_alias);

/* Guest → libslirp: rewrites a query in place. Returns true if it was rewritten. */
bool dns_redirect_query(struct dns_redirect *r, uint8_t *ip, size_t len);

/* libslirp → guest: true if this IPv4 packet is an answer that needs rewriting. */
bool dns_redirect_is_answer(const struct dns_redirect *r, const uint8_t *ip, size_t len);

/* Rewrites an answer in place (call after dns_redirect_is_answer()). */
void dns_redirect_answer(struct dns_redirect *r, uint8_t *ip, size_t len);

#endif
