// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_status - a running network at a glance: switches and their ports (with counters, read from
 * each switch's management socket; a port is named after the guest or gateway whose pid it
 * carries), guests and their devices (asked of each guest's mconsole), and the supervisor's
 * account of each process (status_supervise.c).
 */
#include "attach.h"
#include "guest.h"
#include "json.h"
#include "mconsole.h"
#include "qemu.h"
#include "span.h"
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

/* A VM's NIC on its switch: the stream ports its QEMU (pid) holds there, summed (QEMU's NICs
 * on one switch are told apart by nothing the switch sees). Ports found, or 0. */
static int vm_port(const struct sw_info *si, const struct conf_eth *e, pid_t pid,
		   struct switch_mgmt_port *sum)
{
	int found = 0;

	memset(sum, 0, sizeof(*sum));
	for (int k = 0; e->sw >= 0 && pid > 0 && k < si[e->sw].nports; k++) {
		const struct switch_mgmt_port *pt = &si[e->sw].ports[k];

		if (pt->pid != pid)
			continue;
		if (!found++)
			sum->port = pt->port;
		sum->rx_frames += pt->rx_frames;
		sum->rx_bytes += pt->rx_bytes;
		sum->tx_frames += pt->tx_frames;
		sum->tx_bytes += pt->tx_bytes;
		sum->drops += pt->drops;
	}
	return found;
}

/* A guest's process record: the UML kernel, QEMU, or a namespace's plug. */
static const struct state_proc *guest_proc(const struct state *st, const struct conf_guest *g)
{
	return state_find(st, g->kind == CONF_GUEST_UML ? "guest" : g->kind == CONF_GUEST_QEMU ?
			  "qemu" : "plug", g->name);
}

static const char *guest_kind(const struct conf_guest *g)
{
	return g->kind == CONF_GUEST_UML ? "uml" : g->kind == CONF_GUEST_QEMU ? "qemu" : "netns";
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

/* The MACs the switch learned on port (its "macs" reply: "mac vlan port age" lines), one
 * line of text; "" when none or the switch does not answer. */
static void trunk_macs(const struct state *st, int i, unsigned int port, char *out, size_t len)
{
	char ctl[PATH_MAX], mgmt[PATH_MAX + 8], *reply, *save;
	size_t n = 0;

	out[0] = 0;
	state_switch_ctl(st, i, ctl, sizeof(ctl));
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	if (switch_mgmt_query(mgmt, "macs", &reply))
		return;
	for (char *l = strtok_r(reply, "\n", &save); l && n < len; l = strtok_r(NULL, "\n", &save)) {
		char mac[18];
		unsigned int vlan, p;

		if (sscanf(l, "%17s %u %u", mac, &vlan, &p) == 3 && p == port)
			n += (size_t)snprintf(out + n, len - n, "%s%s", n ? " " : "", mac);
	}
	free(reply);
}

/* A network spread over hosts: which part this is, and each spanning switch's trunk with the
 * MACs learned behind it (the other hosts' guests). */
static void text_trunks(const struct state *st, const struct sw_info *si, FILE *f)
{
	const struct conf *c = st->conf;
	char peers[CONF_MAX_HOSTS * (CONF_NAME + CONF_ADDR + 3)], macs[1024];

	if (c->local_host < 0)
		return;
	fprintf(f, "\nhost %s (%s), one of %d hosts\n", c->host[c->local_host].name,
		c->host[c->local_host].addr, c->nhost);
	fprintf(f, "%-12s %-4s %-9s %-5s %-30s %s\n", "TRUNK", "PORT", "VNI", "UDP", "PEERS",
		"REMOTE_MACS");
	for (int i = 0; i < c->nsw; i++) {
		unsigned int port = 0;

		if (!span_switch_spans(c, i))
			continue;
		for (int k = 0; k < si[i].nports; k++)
			if (!strcmp(si[i].ports[k].kind, "vxlan"))
				port = si[i].ports[k].port;
		span_peers(c, i, peers, sizeof(peers));
		trunk_macs(st, i, port, macs, sizeof(macs));
		fprintf(f, "%-12s %-4u %-9u %-5u %-30s %s\n", c->sw[i].name, port, c->sw[i].vni,
			c->sw[i].trunk_port, peers, macs[0] ? macs : "-");
	}
}

/* A VM's NIC in the text table: its switch port and counters, or "(not connected)". */
static void text_vm_port(const struct sw_info *si, const struct conf_eth *e, pid_t pid, FILE *f)
{
	struct switch_mgmt_port sum;

	if (vm_port(si, e, pid, &sum))
		fprintf(f, "[port %u rx %llu tx %llu drops %llu]", sum.port, sum.rx_frames,
			sum.tx_frames, sum.drops);
	else
		fputs("(not connected)", f);
}

static void text_guests(const struct state *st, const struct sw_info *si, FILE *f)
{
	const struct conf *c = st->conf;
	struct attach_list al;
	char accel[8];

	attach_load(st, &al);
	fprintf(f, "\n%-12s %-5s %-7s %-8s %s\n", "GUEST", "KIND", "PID", "STATE", "DEVICES");
	for (int i = 0; i < c->ng; i++) {
		const struct conf_guest *g = &c->g[i];
		const struct state_proc *p = guest_proc(st, g);
		bool alive = p && proc_alive(&p->id);

		fprintf(f, "%-12s %-5s %-7d %-8s", g->name, guest_kind(g), p ? (int)p->id.pid : 0,
			alive ? "running" : "stopped");
		for (int k = 0; k < g->neth; k++) {
			const struct conf_eth *e = &g->eth[k];
			int pr = alive ? dev_present(st, g, e) : -1;
			char dev[CONF_DEV_NAME];

			fprintf(f, " %s:%s%s%s%s%s%s", conf_dev_name(e, dev),
				e->sw >= 0 ? e->sw_name : "spec", e->ip[0] ? ":" : "", e->ip,
				e->vlan[0] ? ":" : "", e->vlan, pr == 0 ? "(missing)" : "");
			if (g->kind == CONF_GUEST_QEMU && alive)
				text_vm_port(si, e, p->id.pid, f);
		}
		if (g->kind == CONF_GUEST_QEMU)
			fprintf(f, " accel=%s", qemu_accel(st, accel, sizeof(accel)));
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

/* "trunk":{vni, udp_port, peers:[{host, addr}]} of a spanning switch; its learned MACs are in
 * "show" (the macs on the vxlan port). */
static void json_trunk(const struct conf *c, int i, FILE *f)
{
	bool first = true;

	fprintf(f, ",\"trunk\":{\"vni\":%u,\"udp_port\":%u,\"peers\":[", c->sw[i].vni,
		c->sw[i].trunk_port);
	for (int k = 0; k < c->nhost; k++) {
		if (!(c->sw[i].hosts & (1u << k)) || k == c->local_host)
			continue;
		fputs(first ? "{\"host\":" : ",{\"host\":", f);
		json_str(f, c->host[k].name);
		fputs(",\"addr\":", f);
		json_str(f, c->host[k].addr);
		fputc('}', f);
		first = false;
	}
	fputs("]}", f);
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
		if (c->local_host >= 0 && span_switch_spans(c, i))
			json_trunk(c, i, f);
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

/* A VM's NIC in JSON: its MAC, and its switch port with counters (null: not connected). */
static void json_vm_port(const struct sw_info *si, const struct conf_guest *g,
			 const struct conf_eth *e, pid_t pid, FILE *f)
{
	struct switch_mgmt_port sum;
	char mac[18];

	fprintf(f, ",\"mac\":\"%s\",\"port\":", qemu_mac(g->name, e, mac));
	if (!vm_port(si, e, pid, &sum)) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"port\":%u,\"rx_frames\":%llu,\"rx_bytes\":%llu,\"tx_frames\":%llu,"
		   "\"tx_bytes\":%llu,\"drops\":%llu}", sum.port, sum.rx_frames, sum.rx_bytes,
		sum.tx_frames, sum.tx_bytes, sum.drops);
}

/* A guest's own fields: UML's mconsole, a VM's accelerator and QMP socket. */
static void json_guest_kind(const struct state *st, const struct conf_guest *g, FILE *f)
{
	char path[PATH_MAX], accel[8];

	if (g->kind == CONF_GUEST_UML) {
		state_mconsole(st, g->name, path, sizeof(path));
		fputs(",\"mconsole\":", f);
		json_str(f, path);
	}
	if (g->kind == CONF_GUEST_QEMU) {
		fputs(",\"accel\":", f);
		json_str(f, qemu_accel(st, accel, sizeof(accel)));
		qemu_path(st, g->name, "qmp", path, sizeof(path));
		fputs(",\"qmp\":", f);
		json_str(f, path);
	}
}

static void json_guests(const struct state *st, const struct sw_info *si, FILE *f)
{
	const struct conf *c = st->conf;
	struct attach_list al;

	attach_load(st, &al);
	fputs(",\"guests\":[", f);
	for (int i = 0; i < c->ng; i++) {
		const struct conf_guest *g = &c->g[i];
		const struct state_proc *p = guest_proc(st, g);
		bool alive = p && proc_alive(&p->id);

		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_str(f, g->name);
		fprintf(f, ",\"kind\":\"%s\",\"pid\":%d,\"running\":%s", guest_kind(g),
			p ? (int)p->id.pid : 0, alive ? "true" : "false");
		json_guest_kind(st, g, f);
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
			fputs(",\"vlan\":", f);
			json_str(f, e->vlan);
			fprintf(f, ",\"present\":%s", pr < 0 ? "null" : pr ? "true" : "false");
			if (g->kind == CONF_GUEST_QEMU)
				json_vm_port(si, g, e, alive ? p->id.pid : 0, f);
			fputc('}', f);
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
		if (c->local_host >= 0) {
			fputs(",\"host\":", f);
			json_str(f, c->host[c->local_host].name);
		}
		json_switches(st, si, f);
		json_guests(st, si, f);
		status_supervise_json(st, f);
		fputs("}\n", f);
	} else {
		fprintf(f, "network %s (state in %s)\n", c->name, st->dir);
		if (state_refused(st))
			fprintf(f, "refused notifications: %lu (forged or from outside the "
				   "network; see umlnet(8))\n", state_refused(st));
		fputc('\n', f);
		text_switches(st, si, f);
		text_trunks(st, si, f);
		text_guests(st, si, f);
		status_supervise_text(st, f);
	}
	for (int i = 0; i < c->nsw; i++)
		free(si[i].show);
	free(si);
	return 0;
}
