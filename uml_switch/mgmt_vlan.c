// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmt_vlan - the management socket's VLAN commands, for ports whose clients cannot ask for a
 * VLAN themselves (daemon-protocol guests):
 *
 *   vlan PORT VID                 makes PORT an access port of VLAN VID
 *   trunk PORT LIST [native=N]    makes PORT a trunk of the VLANs in LIST (vlan.h)
 *   ident PATH pid=PID|uid=UID vlan=N|trunk=LIST[,native=N] [name=DEV]
 *                                 opens (or re-scopes) a device's own control socket at PATH:
 *                                 the ports made through it are born in that setting
 *                                 (ident_rule.h, ident_sock.h)
 *   ident-close PATH              closes it again (ports made through it stay as they are)
 *   idents                        lists the device sockets
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

/* Whether the client may change VLANs: root and the switch's own user; refuses the others. */
static bool vlan_may_change(struct switchd *d, const struct mgmt_conn *c, FILE *f, const char *cmd)
{
	if (c->uid == 0 || c->uid == geteuid())
		return true;
	vlan_refuse(d, f, "%s: uid %d may not change VLANs (only root and the switch's user)", cmd,
		    (int)c->uid);
	return false;
}

/* ident PATH SCOPE SETTING [name=DEV] */
static void vlan_ident_command(struct switchd *d, const struct mgmt_conn *c, char **words, int n,
			       FILE *f)
{
	char err[320], text[VLAN_TEXT_MAX + 192];
	struct ident_rule r;

	(void)c;
	if (ident_rule_parse(words, n, &r, err, sizeof(err)) ||
	    ident_sock_open(d, &r, err, sizeof(err))) {
		vlan_refuse(d, f, "%s", err);
		return;
	}
	ident_rule_format(&r, text, sizeof(text));
	log_info("device socket %s", text);
	fprintf(f, "ident %s", text);
}

/* ident-close PATH */
static void vlan_ident_close(struct switchd *d, const struct mgmt_conn *c, char **words, int n,
			     FILE *f)
{
	char shown[LOG_ESCAPED_LEN(108)];

	(void)c;
	if (n != 2) {
		vlan_refuse(d, f, "ident-close: usage: ident-close PATH");
		return;
	}
	if (ident_sock_close(d, words[1]) < 0) {
		vlan_refuse(d, f, "ident-close: path '%s': no device socket there (see 'idents')",
			    log_escape(words[1], 108, shown, sizeof(shown)));
		return;
	}
	log_info("device socket %s closed", words[1]);
	fprintf(f, "closed %s", words[1]);
}

/* vlan PORT VID, trunk PORT LIST [native=N] */
static void vlan_port_command(struct switchd *d, const struct mgmt_conn *c, char **words, int n,
			      FILE *f)
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

/* idents */
static void vlan_idents(struct switchd *d, const struct mgmt_conn *c, char **words, int n, FILE *f)
{
	(void)c, (void)words, (void)n;
	ident_socks_list(d, f);
}

typedef void vlan_command_fn(struct switchd *d, const struct mgmt_conn *c, char **words, int n,
			     FILE *f);

static const struct {
	const char *name;
	bool changes;          /* only root and the switch's user may run it */
	vlan_command_fn *run;
} vlan_commands[] = {
	{ "vlan", true, vlan_port_command },
	{ "trunk", true, vlan_port_command },
	{ "ident", true, vlan_ident_command },
	{ "ident-close", true, vlan_ident_close },
	{ "idents", false, vlan_idents },
};

static int vlan_command_find(const char *word)
{
	for (size_t i = 0; i < sizeof(vlan_commands) / sizeof(vlan_commands[0]); i++)
		if (!strcmp(word, vlan_commands[i].name))
			return (int)i;
	return -1;
}

bool mgmt_vlan_is_command(const char *word)
{
	return vlan_command_find(word) >= 0;
}

void mgmt_vlan_command(struct switchd *d, const struct mgmt_conn *c, char **words, int n, FILE *f)
{
	int i = vlan_command_find(words[0]);

	if (i < 0 || (vlan_commands[i].changes && !vlan_may_change(d, c, f, words[0])))
		return;
	vlan_commands[i].run(d, c, words, n, f);
}
