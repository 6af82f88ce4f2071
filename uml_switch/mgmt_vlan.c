// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmt_vlan - the management socket's VLAN commands, for ports whose clients cannot ask for a
 * VLAN themselves (daemon-protocol guests):
 *
 *   vlan PORT VID                 makes PORT an access port of VLAN VID
 *   trunk PORT LIST [native=N]    makes PORT a trunk of the VLANs in LIST (vlan.h)
 *
 * PORT is the number `ports` shows. Only root and the switch's own user may change a setting:
 * the management socket's file mode lets others read the status, not move ports between VLANs.
 * A refused command gets one "error: ..." line naming the bad field; refusals are counted
 * (mgmt_refused in status) and the first is logged.
 */
#include "daemon.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((format(printf, 3, 4))) static void vlan_refuse(struct switchd *d, FILE *f,
							      const char *fmt, ...)
{
	char line[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(f, "error: %s", line);
	if (d->mgmt_refused++ == 0)
		log_warn("management: refused: %s (further refusals are counted in mgmt_refused, "
			 "not logged)", line);
}

/* The port a user named: a used slot, or -1 after refusing. */
static int vlan_port_arg(struct switchd *d, FILE *f, const char *cmd, const char *text)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);
	char shown[LOG_ESCAPED_LEN(32)];

	if (*text < '0' || *text > '9' || *end || n < 1 || n > d->sw.max_ports ||
	    !d->sw.ports[n - 1].used) {
		vlan_refuse(d, f, "%s: port '%s': no such port (see 'ports')", cmd,
			    log_escape(text, 32, shown, sizeof(shown)));
		return -1;
	}
	return (int)(n - 1);
}

void mgmt_vlan_command(struct switchd *d, const struct mgmt_conn *c, char **words, int n, FILE *f)
{
	bool trunk = !strcmp(words[0], "trunk");
	char text[VLAN_TEXT_MAX + 16], err[256], by[64];
	struct vlan_port v;
	int slot;

	if (n < 3 || n > (trunk ? 4 : 3) || (n == 4 && strncmp(words[3], "native=", 7))) {
		vlan_refuse(d, f, trunk ? "trunk: usage: trunk PORT LIST [native=N]"
					: "vlan: usage: vlan PORT VID");
		return;
	}
	if (c->uid != 0 && c->uid != geteuid()) {
		vlan_refuse(d, f, "%s: uid %d may not change VLANs (only root and the switch's user)",
			    words[0], (int)c->uid);
		return;
	}
	slot = vlan_port_arg(d, f, words[0], words[1]);
	if (slot < 0)
		return;
	if (endpoint_vlan_port(d->sw.ports[slot].ep, &v)) {
		vlan_refuse(d, f, "%s: port %d takes its VLANs from its VNI map", words[0], slot + 1);
		return;
	}
	snprintf(text, sizeof(text), "%s=%.*s%s%s", words[0], VLAN_TEXT_MAX, words[2],
		 n == 4 ? "," : "", n == 4 ? words[3] : "");
	if (vlan_port_parse(text, &v, err, sizeof(err))) {
		vlan_refuse(d, f, "%s", err);
		return;
	}
	snprintf(by, sizeof(by), "management, pid %d uid %d", (int)c->pid, (int)c->uid);
	port_set_vlan(d, (uint32_t)slot, &v, by);
	vlan_port_format(&v, text, sizeof(text));
	fprintf(f, "port %d: %s", slot + 1, text);
}
