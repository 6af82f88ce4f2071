// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture.h"
#include "ether.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

struct capture {
	pcap_t *dead;
	pcap_dumper_t *dump;
};

struct capture *capture_open(const char *path, char *err, unsigned long errlen)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!c->dead) {
		snprintf(err, errlen, "pcap_open_dead failed");
		free(c);
		return NULL;
	}
	c->dump = pcap_dump_open(c->dead, path);
	if (!c->dump) {
		snprintf(err, errlen, "%s", pcap_geterr(c->dead));
		pcap_close(c->dead);
		free(c);
		return NULL;
	}
	return c;
}

void capture_frame(struct capture *c, const uint8_t *data, uint32_t len)
{
	struct pcap_pkthdr h = { .caplen = len, .len = len };

	gettimeofday(&h.ts, NULL);
	pcap_dump((u_char *)c->dump, &h, data);
}

void capture_flush(struct capture *c)
{
	pcap_dump_flush(c->dump);
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	pcap_dump_close(c->dump);
	pcap_close(c->dead);
	free(c);
}
