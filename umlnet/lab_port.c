// SPDX-License-Identifier: GPL-2.0-or-later
/* port=[HOST:]GUEST[/tcp|udp] of bridged machines: forwards of the host's 127.0.0.1:HOST to the
 * machine's bridged address, made by the lab's slirp gateway (umlnet-slirp --hostfwd). */
#include "lab_topo.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAB_PORT_DEFAULT_HOST "3000" /* Kathará's, when port= names no host port */

static bool lab_port_selected(const struct lab *l, const bool *sel, int i)
{
	return (!sel || sel[i]) && l->m[i].port.n;
}

/* One port= value (checked by lab_conf) as a umlnet-slirp forward to address addr. */
static void lab_port_forward(FILE *f, const char *v, const char *addr)
{
	const char *colon = strchr(v, ':'), *slash = strchr(v, '/');
	const char *guest = colon ? colon + 1 : v;
	int hlen = colon ? (int)(colon - v) : (int)strlen(LAB_PORT_DEFAULT_HOST);
	int glen = slash ? (int)(slash - guest) : (int)strlen(guest);

	fprintf(f, " hostfwd=%s:127.0.0.1:%.*s-%s:%.*s", slash ? slash + 1 : "tcp", hlen,
		colon ? v : LAB_PORT_DEFAULT_HOST, addr, glen, guest);
}

void lab_port_forwards(FILE *f, const struct lab *l, const bool *sel)
{
	char addr[32];

	for (int i = 0; i < l->nm; i++) {
		if (!lab_port_selected(l, sel, i) || !l->m[i].bridged)
			continue;
		snprintf(addr, sizeof(addr), "%s%d", LAB_BRIDGED_NET,
			 LAB_BRIDGED_HOST + lab_bridged_index(l, i));
		for (int k = 0; k < l->m[i].port.n; k++)
			lab_port_forward(f, l->m[i].port.v[k], addr);
	}
}

void lab_check_ports(const struct lab *l, const bool *sel, bool quiet)
{
	for (int i = 0; !quiet && i < l->nm; i++)
		if (lab_port_selected(l, sel, i) && !l->m[i].bridged)
			log_warn("machine %s: port= ignored: forwards go through "
					"the bridged interface (add %s[bridged]=true)",
				l->m[i].name, l->m[i].name);
}
