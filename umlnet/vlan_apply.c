// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"
#include "vlan_apply.h"
#include "attach.h"
#include "proc.h"
#include "switch_mgmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#define VLAN_APPLY_WAIT_MS 10000
#define VLAN_APPLY_STEP_MS 100

/* The management command for a device setting ("vlan=10" -> "vlan 3 10", "trunk=10,20,native=1"
 * -> "trunk 3 10,20 native=1") of port. */
static void vlan_apply_command(const char *setting, unsigned int port, char *out, size_t len)
{
	const char *eq = strchr(setting, '='), *native = strstr(setting, ",native=");

	if (!eq) {
		out[0] = '\0';
		return;
	}
	if (!native)
		snprintf(out, len, "%.*s %u %s", (int)(eq - setting), setting, port, eq + 1);
	else
		snprintf(out, len, "%.*s %u %.*s %s", (int)(eq - setting), setting, port,
			 (int)(native - eq - 1), eq + 1, native + 1);
}

/* Sends cmd to switch sw; a reply not starting with expect is the switch's refusal. Reports
 * once, naming who. 0 or -errno. */
static int vlan_apply_send(const struct state *st, int sw, const char *cmd, const char *expect,
			   const char *who)
{
	const char *swname = st->conf->sw[sw].name;
	char ctl[PATH_MAX], mgmt[PATH_MAX + 8], *reply;
	int err;

	state_switch_ctl(st, sw, ctl, sizeof(ctl));
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	err = switch_mgmt_query(mgmt, cmd, &reply);
	if (err) {
		log_err("%s: switch %s: '%s': %s", who, swname, cmd,
			strerror(-err));
		return err;
	}
	if (strncmp(reply, expect, strlen(expect))) {
		log_err("%s: switch %s: '%s': %s", who, swname, cmd, reply);
		err = -EPERM;
	}
	free(reply);
	return err;
}

int vlan_apply_ctl(const struct state *st, const char *guest, const struct conf_eth *e, char *out,
		   size_t len)
{
	char dev[CONF_DEV_NAME];
	int n = snprintf(out, len, "%s/%s.%s.%s.ctl", st->dir, st->conf->sw[e->sw].name, guest,
			 conf_dev_name(e, dev));

	return n < 0 || (size_t)n >= len || (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path)
		       ? -ENAMETOOLONG : 0;
}

int vlan_apply_ident(const struct state *st, const char *guest, const struct conf_eth *e,
		     const char *scope)
{
	char path[PATH_MAX], dev[CONF_DEV_NAME], who[CONF_NAME + CONF_DEV_NAME + 4];
	char cmd[PATH_MAX + CONF_VLAN + 64];

	conf_dev_name(e, dev);
	snprintf(who, sizeof(who), "%s: %s", guest, dev);
	if (vlan_apply_ctl(st, guest, e, path, sizeof(path))) {
		log_err("%s: its control socket '%s' is longer than a socket "
				"address holds (%zu bytes); use a shorter state directory or names",
			who, path, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return -ENAMETOOLONG;
	}
	snprintf(cmd, sizeof(cmd), "ident %s %s %s name=%s", path, scope, e->vlan, dev);
	return vlan_apply_send(st, e->sw, cmd, "ident ", who);
}

/* Entry a as a device, when it is one of guest's with a VLAN setting on a switch of the
 * network and of kind vec (else eth); NULL when not. */
static const struct conf_eth *vlan_apply_attached(const struct state *st, const char *guest,
						  const struct attach_entry *a, bool vec,
						  struct conf_eth *e)
{
	memset(e, 0, sizeof(*e));
	if (strcmp(a->guest, guest) || !a->vlan[0] || strncmp(a->dev, vec ? "vec" : "eth", 3))
		return NULL;
	e->vec = vec;
	e->sw = conf_find_switch(st->conf, a->target);
	e->index = atoi(a->dev + 3);
	snprintf(e->vlan, sizeof(e->vlan), "%s", a->vlan);
	return e->sw >= 0 ? e : NULL;
}

typedef int vlan_apply_fn(const struct state *st, const struct conf_guest *g,
			 const struct conf_eth *e, const void *arg);

/* Calls fn for each of guest gi's devices of kind vec (else eth) with a VLAN setting on switch
 * sw (-1: every switch), topology and attached, until one fails. */
static int vlan_apply_each(const struct state *st, int gi, int sw, bool vec, vlan_apply_fn *fn,
			   const void *arg)
{
	const struct conf_guest *g = &st->conf->g[gi];
	struct attach_list *al = malloc(sizeof(*al));
	int err = al ? 0 : -ENOMEM;

	for (int i = 0; !err && i < g->neth; i++) {
		const struct conf_eth *e = &g->eth[i];

		if (e->vec == vec && e->sw >= 0 && e->vlan[0] && (sw < 0 || e->sw == sw))
			err = fn(st, g, e, arg);
	}
	if (al)
		attach_load(st, al);
	for (int k = 0; !err && k < al->n; k++) {
		struct conf_eth e;

		if (vlan_apply_attached(st, g->name, &al->a[k], vec, &e) && (sw < 0 || e.sw == sw))
			err = fn(st, g, &e, arg);
	}
	free(al);
	return err;
}

static int vlan_apply_ident_of(const struct state *st, const struct conf_guest *g,
			       const struct conf_eth *e, const void *scope)
{
	return vlan_apply_ident(st, g->name, e, scope);
}

int vlan_apply_idents(const struct state *st, int gi, int sw, const char *scope)
{
	return vlan_apply_each(st, gi, sw, false, vlan_apply_ident_of, scope);
}

int vlan_apply_port(const struct state *st, int sw, unsigned int port, const char *setting,
		    const char *who)
{
	char cmd[CONF_VLAN + 32];

	vlan_apply_command(setting, port, cmd, sizeof(cmd));
	return vlan_apply_send(st, sw, cmd, "port ", who);
}

/* The port of switch sw whose peer is src (a vec device's socket): its number, 0 if none yet,
 * or -errno. */
static int vlan_apply_find_src(const struct state *st, int sw, const char *src)
{
	struct switch_mgmt_port *ports = calloc(SWITCH_MGMT_PORTS, sizeof(*ports));
	char ctl[PATH_MAX], mgmt[PATH_MAX + 8], *reply;
	int n, found = 0;

	if (!ports)
		return -ENOMEM;
	state_switch_ctl(st, sw, ctl, sizeof(ctl));
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	n = switch_mgmt_query(mgmt, "ports", &reply);
	if (!n) {
		n = switch_mgmt_parse_ports(reply, ports, SWITCH_MGMT_PORTS);
		free(reply);
	}
	for (int i = 0; i < n && !found; i++)
		if (!strcmp(ports[i].kind, "bess") && strstr(ports[i].endpoint, src))
			found = (int)ports[i].port;
	free(ports);
	return n < 0 ? n : found;
}

/* Waits for vec device e's port, then sets it. */
static int vlan_apply_vec(const struct state *st, const struct conf_guest *g,
			  const struct conf_eth *e, const void *unused)
{
	char src[PATH_MAX], dev[CONF_DEV_NAME], who[CONF_NAME + CONF_DEV_NAME + 4];
	int port = 0;

	(void)unused;
	state_vec_src(st, g, e, src, sizeof(src));
	snprintf(who, sizeof(who), "%s: %s", g->name, conf_dev_name(e, dev));
	for (int t = 0; t < VLAN_APPLY_WAIT_MS / VLAN_APPLY_STEP_MS; t++) {
		if ((port = vlan_apply_find_src(st, e->sw, src)))
			break;
		proc_sleep_ms(VLAN_APPLY_STEP_MS);
	}
	if (port <= 0) {
		log_err("%s: switch %s: no port from %s within 10 s%s%s; %s "
				"not set", who, st->conf->sw[e->sw].name, src, port ? ": " : "",
			port ? strerror(-port) : "", e->vlan);
		return port ? port : -ETIMEDOUT;
	}
	return vlan_apply_port(st, e->sw, (unsigned int)port, e->vlan, who);
}

int vlan_apply_guest(const struct state *st, int gi, int sw)
{
	return vlan_apply_each(st, gi, sw, true, vlan_apply_vec, NULL);
}
