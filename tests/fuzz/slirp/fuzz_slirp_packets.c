// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: umlnet-slirp's in-place packet rewrites (DNS redirect both ways, TCP window cap,
 * ARP request parsing) on arbitrary frames; ASan/UBSan catch any out-of-bounds access. */
#include <arpa/inet.h>
#include <string.h>

#include "ack_coalesce.h"
#include "arp_proxy.h"
#include "dns_redirect.h"
#include "tcp_clamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[2048];
	struct dns_redirect r;
	struct arp_who_has q;
	struct in_addr server, alias, host;

	if (size > sizeof(frame))
		return 0;
	inet_pton(AF_INET, "127.0.0.1", &server);
	inet_pton(AF_INET, "10.0.2.3", &alias);
	inet_pton(AF_INET, "10.0.2.2", &host);
	dns_redirect_init(&r, true, server, 5353, alias, host);
	memcpy(frame, data, size);
	if (size > 14) {
		dns_redirect_query(&r, frame + 14, size - 14);
		if (dns_redirect_is_answer(&r, frame + 14, size - 14))
			dns_redirect_answer(&r, frame + 14, size - 14);
	}
	tcp_clamp_window(frame, size, 1460);
	arp_proxy_parse_request(frame, size, &q);
	if (size > 14) {
		struct ack_key k = { 0 };

		struct ack_tracker t = { 0 };

		if (ack_coalesce_is_pure_ack(frame + 14, size - 14, &k))
			(void)ack_coalesce_supersedes(frame + 14, size - 14, &k);
		(void)ack_coalesce_supersedes(frame + 14, size - 14, &k);
		/* the same packet twice in a row: a pure ACK never makes itself redundant */
		(void)ack_tracker_next(&t, frame + 14, size - 14);
		if (ack_tracker_next(&t, frame + 14, size - 14))
			__builtin_trap();
	}
	return 0;
}
