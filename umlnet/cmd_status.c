// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * status - a running network at a glance: switches and their ports (with counters, read from
 * each switch's management socket; a port is named after the guest or gateway whose pid it
 * carries), guests and their devices (asked of each guest's mconsole), and the supervisor's
 * account of each process (status_supervise.c).
 */
#include "attach.h"
#include "guest.h"
#include "json.h"
#include "mconsole.h"
#include "status_supervise.h"
#include "switch_mgmt.h"
#include "umlnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_MCONSOLE_MS 1500

/* The guest or gateway whose process is pid, for naming switch ports. */
static const char *owner_of(const struct state *st, pid_t pid, char *buf, size_t len)
{
	for (int i = 0; i < st->nprocs; i++) {
		const struct state_proc *p = &st->procs[i];

		if (p->id.pid == pid && pid > 0) {
			snprintf(buf, len, "%s%s%s", strcmp(p->kind, "guest") ? p->kind : "",
				 strcmp(p->kind, "guest") ? ":" : "", p->name);
			return buf;
		}
	}
	return "-";
}

static const char *running(const struct state_proc *p)
{
	return p && proc_alive(&p->id) ? "running" : "stopped";
}

struct sw_info {
	struct switch_mgmt_port ports[SWITCH_MGMT_PORTS];
	int nports;
	char *show; /* raw "show json" reply, or NULL */
};

static void switch_info(const struct state *st, int i, struct sw_info *si)
{
	char ctl[PATH_MAX], mgmt[PATH_MAX + 8], *reply;

	state_switch_ctl(st, i, ctl, sizeof(ctl));
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	si->nports = 0;
	si->show = NULL;
	if (switch_mgmt_query(mgmt, "ports", &reply) == 0) {
		si->nports = switch_mgmt_parse_ports(reply, si->ports, SWITCH_MGMT_PORTS);
		if (si->nports < 0)
			si->nports = 0;
		free(reply);
	}
	if (switch_mgmt_query(mgmt, "show json", &si->show))
		si->show = NULL;
	/* Embedded as it is into our JSON: only a one-line object, never an error text. */
	if (si->show && (si->show[0] != '{' || strchr(si->show, '\n'))) {
		free(si->show);
		si->show = NULL;
	}
}

/* 1 present, 0 missing, -1 unknown (the guest does not answer). */
static int dev_present(const struct state *st, const struct conf_guest *g,
		       const struct conf_eth *e)
{
	char sock[PATH_MAX], dev[CONF_DEV_NAME];
	int r;

	if (g->kind != CONF_GUEST_UML)
		return -1;
	state_mconsole(st, g->name, sock, sizeof(sock));
	r = mconsole_netdev_exists(sock, conf_dev_name(e, dev), STATUS_MCONSOLE_MS);
	return r < 0 ? -1 : r;
}

/* An abstract socket name is shown by the switch with its padding ("\x00" x N): drop that. */
static const char *short_endpoint(const char *ep, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%s", ep);
	n = strlen(buf);
	while (n >= 4 && !strcmp(buf + n - 4, "\\x00"))
		buf[n -= 4] = '\0';
	return buf;
}

static void text_switches(const struct state *st, struct sw_info *si, FILE *f)
{
	const struct conf *c = st->conf;
	char ctl[PATH_MAX], owner[64], ep[128];

	fprintf(f, "%-12s %-6s %-7s %-8s %-5s %s\n", "SWITCH", "MODE", "PID", "STATE", "PORTS",
		"CONTROL");
	for (int i = 0; i < c->nsw; i++) {
		const struct state_proc *p = state_find(st, "switch", c->sw[i].name);

		state_switch_ctl(st, i, ctl, sizeof(ctl));
		fprintf(f, "%-12s %-6s %-7d %-8s %-5d %s%s\n", c->sw[i].name,
			c->sw[i].hub ? "hub" : "switch", p ? (int)p->id.pid : 0, running(p),
			si[i].nports, ctl, c->sw[i].slirp ? "  (+ slirp gateway 10.0.2.2)" : "");
	}
	fprintf(f, "\n%-12s %-4s %-14s %10s %12s %10s %12s %6s  %s\n", "SWITCH", "PORT", "OWNER",
		"RX_FRAMES", "RX_BYTES", "TX_FRAMES", "TX_BYTES", "DROPS", "ENDPOINT");
	for (int i = 0; i < c->nsw; i++)
		for (int k = 0; k < si[i].nports; k++) {
			const struct switch_mgmt_port *pt = &si[i].ports[k];

			fprintf(f, "%-12s %-4u %-14s %10llu %12llu %10llu %12llu %6llu  %s\n",
				c->sw[i].name, pt->port, owner_of(st, pt->pid, owner, sizeof(owner)),
				pt->rx_frames, pt->rx_bytes, pt->tx_frames, pt->tx_bytes, pt->drops,
				short_endpoint(pt->endpoint, ep, sizeof(ep)));
		}
}

static void text_guests(const struct state *st, FILE *f)
{
	const struct conf *c = st->conf;
	struct attach_list al;

	attach_load(st, &al);
	fprintf(f, "\n%-12s %-5s %-7s %-8s %s\n", "GUEST", "KIND", "PID", "STATE", "DEVICES");
	for (int i = 0; i < c->ng; i++) {
		const struct conf_guest *g = &c->g[i];
		const struct state_proc *p = state_find(st, g->kind == CONF_GUEST_UML ? "guest" :
							"plug", g->name);
		bool alive = p && proc_alive(&p->id);

		fprintf(f, "%-12s %-5s %-7d %-8s", g->name, g->kind == CONF_GUEST_UML ? "uml" : "netns",
			p ? (int)p->id.pid : 0, alive ? "running" : "stopped");
		for (int k = 0; k < g->neth; k++) {
			const struct conf_eth *e = &g->eth[k];
			int pr = alive ? dev_present(st, g, e) : -1;
			char dev[CONF_DEV_NAME];

			fprintf(f, " %s:%s%s%s%s", conf_dev_name(e, dev),
				e->sw >= 0 ? e->sw_name : "spec", e->ip[0] ? ":" : "", e->ip,
				pr == 0 ? "(missing)" : "");
		}
		for (int k = 0; k < al.n; k++)
			if (!strcmp(al.a[k].guest, g->name))
				fprintf(f, " %s:%s(attached)", al.a[k].dev, al.a[k].target);
		fputc('\n', f);
	}
}

static void json_port(const struct state *st, const char *sw, const struct switch_mgmt_port *pt, FILE *f)
{
	char owner[64];

	fprintf(f, "{\"switch\":");
	json_str(f, sw);
	fprintf(f, ",\"port\":%u,\"owner\":", pt->port);
	json_str(f, owner_of(st, pt->pid, owner, sizeof(owner)));
	fprintf(f, ",\"kind\":");
	json_str(f, pt->kind);
	fprintf(f, ",\"pid\":%d,\"rx_frames\":%llu,\"rx_bytes\":%llu,\"tx_frames\":%llu,"
		   "\"tx_bytes\":%llu,\"drops\":%llu,\"endpoint\":", (int)pt->pid, pt->rx_frames,
		pt->rx_bytes, pt->tx_frames, pt->tx_bytes, pt->drops);
	json_str(f, pt->endpoint);
	fputc('}', f);
}

static void json_switches(const struct state *st, struct sw_info *si, FILE *f)
{
	const struct conf *c = st->conf;
	char ctl[PATH_MAX];

	fputs(",\"switches\":[", f);
	for (int i = 0; i < c->nsw; i++) {
		const struct state_proc *p = state_find(st, "switch", c->sw[i].name);
		const struct state_proc *gw = state_find(st, "slirp", c->sw[i].name);

		state_switch_ctl(st, i, ctl, sizeof(ctl));
		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_str(f, c->sw[i].name);
		fprintf(f, ",\"mode\":\"%s\",\"pid\":%d,\"running\":%s,\"control\":",
			c->sw[i].hub ? "hub" : "switch", p ? (int)p->id.pid : 0,
			p && proc_alive(&p->id) ? "true" : "false");
		json_str(f, ctl);
		if (gw)
			fprintf(f, ",\"slirp\":{\"pid\":%d,\"running\":%s}", (int)gw->id.pid,
				proc_alive(&gw->id) ? "true" : "false");
		fputs(",\"ports\":[", f);
		for (int k = 0; k < si[i].nports; k++) {
			if (k)
				fputc(',', f);
			json_port(st, c->sw[i].name, &si[i].ports[k], f);
		}
		fprintf(f, "],\"show\":%s}", si[i].show ? si[i].show : "null");
	}
	fputc(']', f);
}

static void json_guests(const struct state *st, FILE *f)
{
	const struct conf *c = st->conf;
	struct attach_list al;
	char sock[PATH_MAX];

	attach_load(st, &al);
	fputs(",\"guests\":[", f);
	for (int i = 0; i < c->ng; i++) {
		const struct conf_guest *g = &c->g[i];
		bool uml = g->kind == CONF_GUEST_UML;
		const struct state_proc *p = state_find(st, uml ? "guest" : "plug", g->name);
		bool alive = p && proc_alive(&p->id);

		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_str(f, g->name);
		fprintf(f, ",\"kind\":\"%s\",\"pid\":%d,\"running\":%s", uml ? "uml" : "netns",
			p ? (int)p->id.pid : 0, alive ? "true" : "false");
		if (uml) {
			state_mconsole(st, g->name, sock, sizeof(sock));
			fputs(",\"mconsole\":", f);
			json_str(f, sock);
		}
		fputs(",\"devices\":[", f);
		for (int k = 0; k < g->neth; k++) {
			const struct conf_eth *e = &g->eth[k];
			int pr = alive ? dev_present(st, g, e) : -1;
			char dev[CONF_DEV_NAME];

			fprintf(f, "%s{\"dev\":\"%s\",\"switch\":", k ? "," : "",
				conf_dev_name(e, dev));
			json_str(f, e->sw >= 0 ? e->sw_name : "");
			fputs(",\"spec\":", f);
			json_str(f, e->spec);
			fputs(",\"ip\":", f);
			json_str(f, e->ip);
			fprintf(f, ",\"present\":%s}", pr < 0 ? "null" : pr ? "true" : "false");
		}
		for (int k = 0, first = !g->neth; k < al.n; k++) {
			if (strcmp(al.a[k].guest, g->name))
				continue;
			fprintf(f, "%s{\"dev\":", first ? "" : ",");
			json_str(f, al.a[k].dev);
			fputs(",\"attached\":", f);
			json_str(f, al.a[k].target);
			fputc('}', f);
			first = 0;
		}
		fputs("]}", f);
	}
	fputc(']', f);
}

int net_status(struct state *st, bool json, FILE *f)
{
	const struct conf *c = st->conf;
	struct sw_info *si = calloc((size_t)(c->nsw ? c->nsw : 1), sizeof(*si));

	if (!si)
		return -1;
	for (int i = 0; i < c->nsw; i++)
		switch_info(st, i, &si[i]);
	if (json) {
		fputs("{\"network\":", f);
		json_str(f, c->name);
		fputs(",\"state\":", f);
		json_str(f, st->dir);
		fprintf(f, ",\"refused_notifications\":%lu", state_refused(st));
		json_switches(st, si, f);
		json_guests(st, f);
		status_supervise_json(st, f);
		fputs("}\n", f);
	} else {
		fprintf(f, "network %s (state in %s)\n", c->name, st->dir);
		if (state_refused(st))
			fprintf(f, "refused notifications: %lu (forged or from outside the "
				   "network; see umlnet(8))\n", state_refused(st));
		fputc('\n', f);
		text_switches(st, si, f);
		text_guests(st, f);
		status_supervise_text(st, f);
	}
	for (int i = 0; i < c->nsw; i++)
		free(si[i].show);
	free(si);
	return 0;
}

int cmd_status(struct umlnet_opts *o, int argc, char **argv)
{
	struct state st;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json") || !strcmp(argv[i], "json"))
			o->json = true; /* also accepted after the command, as iproute2 users type it */
		else if (!o->network && argv[i][0] != '-')
			o->network = argv[i];
		else {
			fprintf(stderr, "umlnet: error: usage: umlnet [-j] status [NETWORK]\n");
			return 2;
		}
	}
	err = umlnet_open(o, &st);
	if (!err)
		err = net_status(&st, o->json, stdout);
	state_close(&st);
	return err ? 1 : 0;
}
