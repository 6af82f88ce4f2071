// SPDX-License-Identifier: GPL-2.0-or-later
#include "vlan_apply.h"
#include "proc.h"
#include "switch_mgmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VLAN_APPLY_WAIT_MS 10000
#define VLAN_APPLY_STEP_MS 100

/* The ports of a guest's devices of one kind on one switch. */
struct vlan_apply_set {
	const char *kind;      /* the switch side's: "unix" (eth, daemon protocol) or "bess" (vec) */
	const char *setting;   /* the devices' shared setting */
	int want;              /* how many devices: the ports to wait for */
	unsigned int port[CONF_MAX_DEVS];
	int nport;
};

void vlan_apply_command(const char *setting, unsigned int port, char *out, size_t len)
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

/* Fills set->port with the switch's ports of pid and set->kind; 0 or -errno. */
static int vlan_apply_find(const char *mgmt, pid_t pid, struct vlan_apply_set *set)
{
	struct switch_mgmt_port *ports = calloc(SWITCH_MGMT_PORTS, sizeof(*ports));
	char *reply;
	int n, err;

	if (!ports)
		return -ENOMEM;
	set->nport = 0;
	err = switch_mgmt_query(mgmt, "ports", &reply);
	if (!err) {
		n = switch_mgmt_parse_ports(reply, ports, SWITCH_MGMT_PORTS);
		free(reply);
		err = n < 0 ? n : 0;
		for (int i = 0; i < n && set->nport < CONF_MAX_DEVS; i++)
			if (ports[i].pid == pid && !strcmp(ports[i].kind, set->kind))
				set->port[set->nport++] = ports[i].port;
	}
	free(ports);
	return err;
}

/* Waits for the set's ports, then sets each; reports and returns -errno on failure. */
static int vlan_apply_set(const struct state *st, const struct conf_guest *g, int sw, pid_t pid,
			  struct vlan_apply_set *set)
{
	const char *swname = st->conf->sw[sw].name;
	char ctl[PATH_MAX], mgmt[PATH_MAX + 8];
	int err = 0;

	state_switch_ctl(st, sw, ctl, sizeof(ctl));
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	for (int t = 0; t < VLAN_APPLY_WAIT_MS / VLAN_APPLY_STEP_MS; t++) {
		err = vlan_apply_find(mgmt, pid, set);
		if (!err && set->nport >= set->want)
			break;
		proc_sleep_ms(VLAN_APPLY_STEP_MS);
	}
	if (err || set->nport < set->want) {
		fprintf(stderr, "umlnet: error: %s: switch %s: %d of its %d %s port(s) there within "
				"10 s%s%s; %s not set\n", g->name, swname, set->nport, set->want,
			set->kind, err ? ": " : "", err ? strerror(-err) : "", set->setting);
		return err ? err : -ETIMEDOUT;
	}
	for (int k = 0; k < set->nport; k++)
		if ((err = vlan_apply_port(st, sw, set->port[k], set->setting, g->name)))
			return err;
	return 0;
}

int vlan_apply_port(const struct state *st, int sw, unsigned int port, const char *setting,
		    const char *who)
{
	const char *swname = st->conf->sw[sw].name;
	char ctl[PATH_MAX], mgmt[PATH_MAX + 8], cmd[CONF_VLAN + 32], *reply;
	int err;

	state_switch_ctl(st, sw, ctl, sizeof(ctl));
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	vlan_apply_command(setting, port, cmd, sizeof(cmd));
	err = switch_mgmt_query(mgmt, cmd, &reply);
	if (err) {
		fprintf(stderr, "umlnet: error: %s: switch %s: '%s': %s\n", who, swname, cmd,
			strerror(-err));
		return err;
	}
	if (strncmp(reply, "port ", 5)) {
		fprintf(stderr, "umlnet: error: %s: switch %s: '%s': %s\n", who, swname, cmd, reply);
		err = -EPERM;
	}
	free(reply);
	return err;
}

int vlan_apply_guest(const struct state *st, int gi, pid_t pid)
{
	const struct conf_guest *g = &st->conf->g[gi];

	for (int sw = 0; sw < st->conf->nsw; sw++) {
		for (int vec = 0; vec < 2; vec++) {
			struct vlan_apply_set set = { .kind = vec ? "bess" : "unix" };
			int err;

			for (int i = 0; i < g->neth; i++)
				if (g->eth[i].sw == sw && g->eth[i].vec == vec) {
					set.setting = g->eth[i].vlan; /* shared: conf.c */
					set.want++;
				}
			if (!set.want || !set.setting[0])
				continue;
			err = vlan_apply_set(st, g, sw, pid, &set);
			if (err)
				return err;
		}
	}
	return 0;
}
