// SPDX-License-Identifier: GPL-2.0-or-later
#include "rejoin.h"
#include "attach.h"
#include "clock.h"
#include "guest.h"
#include "mconsole.h"
#include "supervise.h"
#include "switch_mgmt.h"
#include "vlan_apply.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REJOIN_SCRIPT_MAX 2048

/* What one guest must do, and show on the switch once it is back. */
struct rejoin_guest {
	const struct conf_guest *g;
	pid_t pid;
	struct conf_eth eth[CONF_MAX_DEVS]; /* daemon devices: made again */
	int neth;
	char src[CONF_MAX_DEVS][108];      /* vec devices: ports from these (sun_path) */
	int nvec;
	char before[REJOIN_SCRIPT_MAX];     /* step 1 (daemon devices) */
	char after[REJOIN_SCRIPT_MAX];      /* step 3 */
	bool gateway;                       /* only the gateway is new: forget neighbours */
	bool back;
};

static void rejoin_append(char *script, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rejoin_append(char *script, const char *fmt, ...)
{
	size_t used = strlen(script);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(script + used, REJOIN_SCRIPT_MAX - used, fmt, ap);
	va_end(ap);
}

/* Adds device e (a topology or attached device on the switch; ip: its topology address or
 * "") to the guest's steps. */
static void rejoin_add_dev(struct state *st, struct rejoin_guest *r, const struct conf_eth *e,
			   const char *ip)
{
	char dev[CONF_DEV_NAME];

	conf_dev_name(e, dev);
	if (r->gateway) {
		rejoin_append(r->after, "ip neigh flush dev %s; ", dev);
		r->nvec++; /* counted only as a device there */
		return;
	}
	if (e->vec) {
		if (r->nvec == CONF_MAX_DEVS)
			return;
		guest_vec_src_remove(st, r->g, e);
		state_vec_src(st, r->g, e, r->src[r->nvec++], sizeof(r->src[0]));
		rejoin_append(r->after, "ip link set %s down; ", dev);
	} else {
		if (r->neth == CONF_MAX_DEVS)
			return;
		r->eth[r->neth++] = *e;
		rejoin_append(r->before, "cat /sys/class/net/%s/address > /run/umlnet/heal.%s.mac; "
			      "ip -o -4 addr show dev %s | awk '{ print $4 }' > /run/umlnet/heal.%s.ip; "
			      "ip link set %s down; ", dev, dev, dev, dev, dev);
		rejoin_append(r->after, "ip link set %s address \"$(cat /run/umlnet/heal.%s.mac)\"; "
			      "for a in $(cat /run/umlnet/heal.%s.ip); do ip addr add $a dev %s; done; ",
			      dev, dev, dev, dev);
	}
	if (ip[0])
		rejoin_append(r->after, "ip addr replace %s dev %s; ", ip, dev);
	rejoin_append(r->after, "ip link set %s up; ", dev);
}

/* The guest's script: its devices on switch sw, then its routes (flushed with the device).
 * Returns whether it has any device there. */
static bool rejoin_build(struct state *st, int sw, const struct attach_list *al,
			 struct rejoin_guest *r)
{
	const struct conf_guest *g = r->g;

	for (int k = 0; k < g->neth; k++)
		if (g->eth[k].sw == sw)
			rejoin_add_dev(st, r, &g->eth[k], g->eth[k].ip);
	for (int k = 0; k < al->n; k++) {
		struct conf_eth e = { .sw = sw };

		if (strcmp(al->a[k].guest, g->name) || strcmp(al->a[k].target, st->conf->sw[sw].name))
			continue;
		e.vec = al->a[k].dev[0] == 'v';
		e.index = atoi(al->a[k].dev + 3);
		snprintf(e.vlan, sizeof(e.vlan), "%s", al->a[k].vlan);
		rejoin_add_dev(st, r, &e, "");
	}
	if (!r->neth && !r->nvec)
		return false;
	for (int k = 0; !r->gateway && k < g->nroute; k++)
		rejoin_append(r->after, "ip route replace %s via %s; ", g->route[k].dest,
			      g->route[k].via);
	return true;
}

/* Whether the switch's ports show every device of r. */
static bool rejoin_seen(const struct switch_mgmt_port *ports, int n, const struct rejoin_guest *r)
{
	int eth = 0;

	for (int i = 0; i < n; i++)
		eth += ports[i].pid == r->pid && strcmp(ports[i].kind, "bess") != 0;
	if (eth < r->neth)
		return false;
	for (int v = 0; v < r->nvec; v++) {
		bool found = false;

		for (int i = 0; i < n && !found; i++)
			found = strstr(ports[i].endpoint, r->src[v]) != NULL;
		if (!found)
			return false;
	}
	return true;
}

/* Polls the switch until every guest of rs is back or ms pass; returns how many are not. */
static int rejoin_wait(const struct state *st, int sw, struct rejoin_guest *rs, int n, int ms)
{
	char ctl[PATH_MAX], mgmt[PATH_MAX + 8], *reply;
	struct switch_mgmt_port ports[SWITCH_MGMT_PORTS];
	long long end = clock_ms() + ms;
	int missing;

	state_switch_ctl(st, sw, ctl, sizeof(ctl));
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	do {
		int np = -1;

		if (switch_mgmt_query(mgmt, "ports", &reply) == 0) {
			np = switch_mgmt_parse_ports(reply, ports, SWITCH_MGMT_PORTS);
			free(reply);
		}
		missing = 0;
		for (int i = 0; i < n; i++) {
			rs[i].back = rs[i].back || (np >= 0 && rejoin_seen(ports, np, &rs[i]));
			missing += !rs[i].back;
		}
		if (missing)
			proc_sleep_ms(50);
	} while (missing && clock_ms() < end && !notify_interrupted());
	return missing;
}

/* Sends each guest not back yet its step 3. */
static void rejoin_post(const struct state *st, struct rejoin_guest *rs, int n)
{
	char id[32];

	for (int i = 0; i < n; i++)
		if (!rs[i].back)
			guest_post(st, rs[i].g->name, rs[i].after, id, sizeof(id), NULL);
}

/* Step 2 for one daemon device: remove (once the guest has it down), then config. */
static int rejoin_remake(const struct state *st, const struct rejoin_guest *r,
			 const struct conf_eth *e)
{
	char sock[PATH_MAX], dev[CONF_DEV_NAME], cmd[MCONSOLE_MAX_DATA], word[PATH_MAX * 2];
	struct mconsole_result res;
	long long end = clock_ms() + REJOIN_REMOVE_MS;
	int err;

	state_mconsole(st, r->g->name, sock, sizeof(sock));
	snprintf(cmd, sizeof(cmd), "remove %s", conf_dev_name(e, dev));
	do {
		err = mconsole_run(sock, cmd, GUEST_MCONSOLE_MS, &res);
		if (!err) {
			err = res.failed ? -EBUSY : 0;
			mconsole_result_free(&res);
		}
		if (err)
			proc_sleep_ms(100);
	} while (err == -EBUSY && clock_ms() < end && !notify_interrupted());
	guest_dev_arg(st, r->g, e, word, sizeof(word));
	if (!err && snprintf(cmd, sizeof(cmd), "config %s", word) < (int)sizeof(cmd)) {
		err = mconsole_run(sock, cmd, GUEST_MCONSOLE_MS, &res);
		if (!err) {
			err = res.failed ? -EIO : 0;
			mconsole_result_free(&res);
		}
	}
	if (err)
		supervise_log("guest %s: %s: making it again failed: %s", r->g->name, dev,
			      strerror(-err));
	return err;
}

/* The three steps for every guest: a guest with only vec devices goes on at once, one with
 * daemon devices as soon as they are made again. */
static void rejoin_steps(const struct state *st, struct rejoin_guest *rs, int n)
{
	char id[32];

	for (int i = 0; i < n; i++)
		guest_post(st, rs[i].g->name, rs[i].neth ? rs[i].before : rs[i].after, id,
			   sizeof(id), NULL);
	for (int i = 0; i < n; i++) {
		if (!rs[i].neth)
			continue;
		for (int k = 0; k < rs[i].neth; k++)
			rejoin_remake(st, &rs[i], &rs[i].eth[k]);
		guest_post(st, rs[i].g->name, rs[i].after, id, sizeof(id), NULL);
	}
}

/* Fills rs with the running UML guests that have a device on switch sw; returns how many. */
static int rejoin_collect(struct state *st, int sw, bool gateway, struct rejoin_guest *rs)
{
	struct attach_list al;
	int n = 0;

	attach_load(st, &al);
	for (int i = 0; i < st->conf->ng; i++) {
		const struct conf_guest *g = &st->conf->g[i];
		const struct state_proc *p = state_find(st, "guest", g->name);

		if (g->kind != CONF_GUEST_UML || !p || !proc_alive(&p->id))
			continue;
		memset(&rs[n], 0, sizeof(rs[n]));
		rs[n].g = g;
		rs[n].pid = p->id.pid;
		rs[n].gateway = gateway;
		if (rejoin_build(st, sw, &al, &rs[n]))
			n++;
	}
	return n;
}

void rejoin_gateway(struct state *st, int sw)
{
	static struct rejoin_guest rs[CONF_MAX_GUESTS];
	int n = rejoin_collect(st, sw, true, rs);

	rejoin_post(st, rs, n);
	for (int i = 0; i < n; i++)
		supervise_log("guest %s: told to forget its neighbours on switch %s", rs[i].g->name,
			      st->conf->sw[sw].name);
}

int rejoin_switch(struct state *st, int sw)
{
	static struct rejoin_guest rs[CONF_MAX_GUESTS];
	int n = rejoin_collect(st, sw, false, rs), missing;

	if (!n)
		return 0;
	/* A new switch knows no device sockets: open them before the devices connect. */
	for (int i = 0; i < n; i++) {
		char scope[32];

		snprintf(scope, sizeof(scope), "pid=%d", (int)rs[i].pid);
		if (vlan_apply_idents(st, (int)(rs[i].g - st->conf->g), sw, scope))
			supervise_log("guest %s: error: its device sockets on switch %s not made "
				      "again", rs[i].g->name, st->conf->sw[sw].name);
	}
	/* Step 3 once more for a guest that is not back (a vec device may have been mid-way
	 * through a down/up of its own). */
	rejoin_steps(st, rs, n);
	missing = rejoin_wait(st, sw, rs, n, REJOIN_WAIT_MS);
	if (missing) {
		rejoin_post(st, rs, n);
		missing = rejoin_wait(st, sw, rs, n, REJOIN_WAIT_MS);
	}
	for (int i = 0; i < n; i++) {
		supervise_log("guest %s: %s switch %s", rs[i].g->name,
			      rs[i].back ? "re-joined" : "error: did not re-join",
			      st->conf->sw[sw].name);
		/* A new switch knows no VLANs: the guest's vec ports get their settings again. */
		if (rs[i].back && vlan_apply_guest(st, (int)(rs[i].g - st->conf->g), sw))
			supervise_log("guest %s: error: its VLAN settings on switch %s not made "
				      "again", rs[i].g->name, st->conf->sw[sw].name);
	}
	return missing;
}
