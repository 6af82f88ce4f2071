// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_up - starts a network in dependency order: switches (each answering on its management
 * socket), then their slirp gateways, then namespace guests (umlnet-plug), then UML guests, at
 * most --jobs booting at once; a UML guest counts as up when its init reports "up" through the
 * notify socket, with its addresses and routes set. The supervisor (supervise.h) starts
 * switches, gateways and plugs again through the same functions.
 */
#include "guest.h"
#include "log.h"
#include "qemu.h"
#include "switch_mgmt.h"
#include "umlnet.h"
#include "vlan_apply.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The last lines of a log, for an error about a process that died. */
static void print_log_tail(const char *log)
{
	char buf[4096];
	FILE *f = fopen(log, "r");
	long size;
	size_t n;
	const char *p;
	int lines = 0;

	fprintf(stderr, "  --- last lines of %s ---\n", log);
	if (!f || fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 ||
	    fseek(f, size > (long)sizeof(buf) - 1 ? size - (long)sizeof(buf) + 1 : 0, SEEK_SET) < 0) {
		fprintf(stderr, "  (could not read it)\n");
		if (f)
			fclose(f);
		return;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The start of the last 8 lines: just after the 9th newline from the end (the final
	 * newline ends the last line), else the whole buffer. */
	for (p = buf + n; p > buf; p--)
		if (p[-1] == '\n' && p < buf + n && ++lines == 8)
			break;
	fprintf(stderr, "%s%s", p, n && buf[n - 1] != '\n' ? "\n" : "");
}

static void log_path(const struct state *st, const char *kind, const char *name, char *out,
		     size_t len)
{
	snprintf(out, len, "%s/%s-%s.log", st->dir, kind, name);
}

static int start_proc(struct state *st, const char *kind, const char *name, char **argv,
		      struct proc_id *id)
{
	char log[PATH_MAX];
	int err;

	log_path(st, kind, name, log, sizeof(log));
	err = proc_spawn(argv, log, id);
	if (err) {
		log_err("%s %s: starting %s: %s", kind, name, argv[0],
			strerror(-err));
		return err;
	}
	return state_record(st, kind, name, id);
}

/* How a started process shows it is ready, and what to say when it does not. */
struct readiness {
	bool (*ready)(const void *arg);
	const void *arg;
	const char *who;   /* "switch sw0", ... */
	const char *late;  /* ... when still running after 10 s */
	const char *died;  /* ... when it exited */
};

/* Waits up to 10 s for r->ready while the process lives; else reports and shows the tail of
 * its log (start_proc's). */
static int wait_ready(const struct state *st, const char *kind, const char *name,
		      const struct proc_id *id, const struct readiness *r)
{
	char log[PATH_MAX];

	/* Most are ready within a few ms: look again after 1, 2, 4... ms, at most every 100. */
	for (int waited = 0, step = 1; waited < 10000 && proc_alive(id); waited += step) {
		if (r->ready(r->arg))
			return 0;
		proc_sleep_ms(step);
		step = step < 64 ? step * 2 : 100;
	}
	log_err("%s%s", r->who, proc_alive(id) ? r->late : r->died);
	log_path(st, kind, name, log, sizeof(log));
	print_log_tail(log);
	return -EIO;
}

static bool switch_answers(const void *mgmt)
{
	char *reply;

	if (switch_mgmt_query(mgmt, "version", &reply))
		return false;
	free(reply);
	return true;
}

/* Starts switch i (recorded); switch_wait waits until it answers. */
static int switch_spawn(struct state *st, int i)
{
	struct conf_switch *s = &st->conf->sw[i];
	char prog[PATH_MAX], ctl[PATH_MAX], bess[PATH_MAX];
	char *argv[16 + 2 * CONF_MAX_SWITCH_PORTS], group[16];
	char listen[PATH_MAX], qport[PATH_MAX + 32];
	struct proc_id id;
	int n = 0;

	if (proc_find_program("uml_switch", prog, sizeof(prog))) {
		log_err("switch %s: uml_switch not found", s->name);
		return -ENOENT;
	}
	state_switch_ctl(st, i, ctl, sizeof(ctl));
	argv[n++] = prog;
	argv[n++] = (char *)"-unix";
	argv[n++] = ctl;
	if (s->hub)
		argv[n++] = (char *)"-hub";
	if (s->tap[0]) {
		argv[n++] = (char *)"-tap";
		argv[n++] = s->tap;
	}
	for (int k = 0; k < s->nport; k++) {
		argv[n++] = (char *)"-port";
		argv[n++] = s->port[k];
	}
	/* Only a switch that carries vec devices listens for them: a network without any gets no
	 * bess socket (state_create checked the path's length). */
	if (conf_switch_has_vec(st->conf, i)) {
		state_switch_bess(st, i, bess, sizeof(bess));
		argv[n++] = (char *)"-bess";
		argv[n++] = bess;
	}
	/* A network with VMs: every switch listens for their NICs (at start and attached). */
	if (conf_has_qemu(st->conf)) {
		qemu_switch_listen(st, i, listen, sizeof(listen));
		snprintf(qport, sizeof(qport), "transport=stream,listen=%s", listen);
		argv[n++] = (char *)"-port";
		argv[n++] = qport;
	}
	/* Guests run as their own user: their group may use the switch's sockets. */
	if (st->as.drop) {
		snprintf(group, sizeof(group), "%u", (unsigned int)st->as.gid);
		argv[n++] = (char *)"-group";
		argv[n++] = group;
		argv[n++] = (char *)"-mode";
		argv[n++] = (char *)"0660";
	}
	argv[n] = NULL;
	return start_proc(st, "switch", s->name, argv, &id);
}

static int switch_wait(struct state *st, int i)
{
	const char *name = st->conf->sw[i].name;
	const struct state_proc *p = state_find(st, "switch", name);
	char ctl[PATH_MAX], mgmt[PATH_MAX + 8], who[64];

	if (!p)
		return -ESRCH;
	state_switch_ctl(st, i, ctl, sizeof(ctl));
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	snprintf(who, sizeof(who), "switch %s: ", name);
	return wait_ready(st, "switch", name, &p->id, &(struct readiness){
		switch_answers, mgmt, who, "no answer on its management socket within 10 s",
		"exited at start" });
}

int net_start_switch(struct state *st, int i)
{
	int err = switch_spawn(st, i);

	return err ? err : switch_wait(st, i);
}

struct gateway_probe {
	const char *mgmt;
	pid_t pid;
};

/* Whether some port of the switch belongs to the gateway's pid (it has attached). */
static bool gateway_attached(const void *arg)
{
	const struct gateway_probe *g = arg;
	struct switch_mgmt_port ports[SWITCH_MGMT_PORTS];
	char *reply;
	int n;

	if (switch_mgmt_query(g->mgmt, "ports", &reply))
		return false;
	n = switch_mgmt_parse_ports(reply, ports, SWITCH_MGMT_PORTS);
	free(reply);
	for (int i = 0; i < n; i++)
		if (ports[i].pid == g->pid)
			return true;
	return false;
}

int net_start_slirp(struct state *st, int i)
{
	const struct conf_switch *s = &st->conf->sw[i];
	char prog[PATH_MAX], ctl[PATH_MAX], arg[PATH_MAX + 16], mgmt[PATH_MAX + 8], who[64];
	char loopback[] = "--host-loopback", fwd[CONF_MAX_HOSTFWD][CONF_HOSTFWD + 12];
	char *argv[CONF_MAX_HOSTFWD + 4] = { prog, arg };
	struct proc_id id;
	int err, n = 2;

	if (s->host_loopback)
		argv[n++] = loopback;
	for (int k = 0; k < s->nhostfwd; k++) {
		snprintf(fwd[k], sizeof(fwd[k]), "--hostfwd=%s", s->hostfwd[k]);
		argv[n++] = fwd[k];
	}
	argv[n] = NULL;

	if (proc_find_program("umlnet-slirp", prog, sizeof(prog))) {
		log_err("switch %s: slirp: umlnet-slirp not found", s->name);
		return -ENOENT;
	}
	state_switch_ctl(st, i, ctl, sizeof(ctl));
	snprintf(arg, sizeof(arg), "--switch=%s", ctl);
	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	err = start_proc(st, "slirp", s->name, argv, &id);
	if (err)
		return err;
	snprintf(who, sizeof(who), "switch %s: slirp gateway ", s->name);
	return wait_ready(st, "slirp", s->name, &id, &(struct readiness){
		gateway_attached, &(struct gateway_probe){ mgmt, id.pid }, who,
		"did not attach within 10 s", "exited at start" });
}

/* `ip -n NS a1...` with the ip program found once by the caller. */
static int netns_ip(struct state *st, char *ip, const char *ns, char *a1, char *a2, char *a3,
		    char *a4, char *a5, char *a6)
{
	char log[PATH_MAX], nsarg[CONF_NAME];
	char *argv[] = { ip, (char *)"-n", nsarg, a1, a2, a3, a4, a5, a6, NULL };

	snprintf(nsarg, sizeof(nsarg), "%s", ns);
	snprintf(log, sizeof(log), "%s/netns-%s.log", st->dir, ns);
	return proc_run(argv, log);
}

struct netns_dev {
	struct state *st;
	char *ip;
	const char *ns;
	char *dev;
};

static bool netns_has_dev(const void *arg)
{
	const struct netns_dev *d = arg;

	return netns_ip(d->st, d->ip, d->ns, (char *)"link", (char *)"show", d->dev, NULL, NULL,
			NULL) == 0;
}

/* A namespace guest: the namespace (made if missing), umlnet-plug carrying its eth devices to
 * the switches (conf refuses vec devices there, so at most CONF_MAX_ETH), then addresses and
 * routes inside it. Needs root. */
int net_start_netns(struct state *st, int gi)
{
	struct conf_guest *g = &st->conf->g[gi];
	char prog[PATH_MAX], ip[PATH_MAX], log[PATH_MAX], nspath[PATH_MAX];
	char *argv[CONF_MAX_ETH + 4], specs[CONF_MAX_ETH][PATH_MAX + 80], scope[32];
	struct proc_id id = { 0, 0 };
	int err;

	if (proc_find_program("umlnet-plug", prog, sizeof(prog)) ||
	    proc_find_program("ip", ip, sizeof(ip))) {
		log_err("netns %s: needs umlnet-plug and ip", g->name);
		return -ENOENT;
	}
	snprintf(nspath, sizeof(nspath), "/run/netns/%s", g->name);
	if (access(nspath, F_OK) < 0) {
		char *add[] = { ip, (char *)"netns", (char *)"add", g->name, NULL };

		snprintf(log, sizeof(log), "%s/netns-%s.log", st->dir, g->name);
		if (proc_run(add, log)) {
			log_err("netns %s: 'ip netns add' failed (namespace "
					"guests need root; see %s)", g->name, log);
			return -EPERM;
		}
		state_record(st, "netns", g->name, &id);
		netns_ip(st, ip, g->name, (char *)"link", (char *)"set", (char *)"lo", (char *)"up",
			 NULL, NULL);
	}
	/* The plug connects as it starts: its devices' own sockets must be there first, scoped
	 * to our uid, the plug's (vlan_apply.h). */
	snprintf(scope, sizeof(scope), "uid=%u", (unsigned)geteuid());
	if ((err = vlan_apply_idents(st, gi, -1, scope)))
		return err;
	guest_plug_argv(st, g, prog, g->name, argv, specs);
	err = start_proc(st, "plug", g->name, argv, &id);
	for (int i = 0; !err && i < g->neth; i++) {
		char dev[CONF_DEV_NAME], who[CONF_NAME + 64];

		conf_dev_name(&g->eth[i], dev);
		snprintf(who, sizeof(who), "netns %s: umlnet-plug did not make %s", g->name, dev);
		if (wait_ready(st, "plug", g->name, &id, &(struct readiness){
			netns_has_dev, &(struct netns_dev){ st, ip, g->name, dev }, who, "", "" }))
			return -EIO;
		if (g->eth[i].ip[0])
			err = netns_ip(st, ip, g->name, (char *)"addr", (char *)"add",
				       g->eth[i].ip, (char *)"dev", dev, NULL);
		if (!err)
			err = netns_ip(st, ip, g->name, (char *)"link", (char *)"set", dev, (char *)"up",
				       NULL, NULL);
	}
	for (int i = 0; !err && i < g->nroute; i++)
		err = netns_ip(st, ip, g->name, (char *)"route", (char *)"add",
			       g->route[i].dest, (char *)"via", g->route[i].via, NULL);
	if (err)
		log_err("netns %s: configuring its devices failed (see "
				"%s/netns-%s.log)", g->name, st->dir, g->name);
	return err;
}

/* Boot scheduling: at most jobs guests between start and "up". */
struct boot {
	struct state *st;
	int jobs, next, booting, up, total;
	bool quiet;
	int order[CONF_MAX_GUESTS];
	bool is_up[CONF_MAX_GUESTS];
	struct notify *n;
};

static pid_t guest_pid(const struct state *st, int gi)
{
	const struct state_proc *p = state_find(st, "guest", st->conf->g[gi].name);

	return p ? p->id.pid : 0;
}

static int boot_fill(struct boot *b)
{
	while (b->booting < b->jobs && b->next < b->total) {
		int gi = b->order[b->next++], err = guest_start(b->st, gi);
		char scope[32];

		/* Its devices' own sockets, seconds before its init brings them up (vlan_apply.h). */
		if (!err) {
			snprintf(scope, sizeof(scope), "pid=%d", (int)guest_pid(b->st, gi));
			err = vlan_apply_idents(b->st, gi, -1, scope);
		}
		if (err)
			return err;
		b->booting++;
	}
	return 0;
}

/* The guest whose mconsole socket is path (the kernel's "ready" notification names it). */
static int guest_by_mconsole(struct boot *b, const char *path)
{
	char sock[PATH_MAX];

	for (int i = 0; i < b->st->conf->ng; i++) {
		state_mconsole(b->st, b->st->conf->g[i].name, sock, sizeof(sock));
		if (!strcmp(sock, path))
			return i;
	}
	return -1;
}

static int boot_event(void *opaque, const struct notify_msg *m)
{
	struct boot *b = opaque;
	const struct conf *c = b->st->conf;

	if (m->kind == NOTE_UP || m->kind == NOTE_READY) {
		int gi = m->kind == NOTE_UP ? conf_find_guest(c, m->id) : guest_by_mconsole(b, m->id);

		/* Our init reports "up" once configured; a guest with its own init= is up when its
		 * kernel's mconsole is (it may never report anything else). Only a guest can say
		 * that it is up: another's word for it is ignored. */
		if (gi < 0 || b->is_up[gi] || (m->kind == NOTE_READY && !c->g[gi].init[0]))
			return 0;
		if (strcmp(m->guest, c->g[gi].name)) {
			notify_refuse(b->n, "ignoring guest %s's claim that %s is up", m->guest,
				      c->g[gi].name);
			return 0;
		}
		b->is_up[gi] = true;
		b->booting--;
		b->up++;
		if (vlan_apply_guest(b->st, gi, -1))
			return -EIO;
		if (!b->quiet)
			printf("guest %s is up\n", c->g[gi].name);
		fflush(stdout);
		return b->up == b->total ? 1 : boot_fill(b);
	}
	if (m->kind == NOTE_PANIC) {
		log_err("guest %s: its kernel panicked: %s", m->guest,
			m->text);
		return -EIO;
	}
	if (m->kind == NOTE_TICK) {
		for (int i = 0; i < b->next; i++) {
			int gi = b->order[i];
			const struct state_proc *p = state_find(b->st, "guest", c->g[gi].name);
			char log[PATH_MAX];

			if (b->is_up[gi] || (p && proc_alive(&p->id)))
				continue;
			log_err("guest %s: exited while booting",
				c->g[gi].name);
			snprintf(log, sizeof(log), "%s/%s.log", b->st->dir, c->g[gi].name);
			print_log_tail(log);
			return -ECHILD;
		}
	}
	return 0;
}

static int boot_guests(struct umlnet_opts *o, struct state *st, struct notify *n)
{
	struct boot b = { .st = st, .jobs = o->jobs, .quiet = o->quiet, .n = n };
	int err;

	for (int i = 0; i < st->conf->ng; i++)
		if (st->conf->g[i].kind == CONF_GUEST_UML)
			b.order[b.total++] = i;
	if (!b.total)
		return 0;
	err = boot_fill(&b);
	if (!err)
		err = notify_loop(n, o->timeout_s * 1000 + b.total * 30000, boot_event, &b);
	if (err == -ETIMEDOUT) {
		for (int i = 0; i < b.next; i++)
			if (!b.is_up[b.order[i]])
				log_err("guest %s: not up in time (its console "
						"is in %s/%s.log)", st->conf->g[b.order[i]].name,
					st->dir, st->conf->g[b.order[i]].name);
	}
	return err;
}

int net_up_switches(struct umlnet_opts *o, struct state *st, struct notify *n, bool netns)
{
	const struct conf *c = st->conf;
	int err = 0;

	notify_catch_signals();
	st->as = o->as;
	err = state_share(st, &o->as, o->guest_user);
	if (!err)
		err = guest_install_init(st);
	if (!err)
		err = notify_open(n, st);
	/* (All started, then waited for: they start at once.) */
	for (int i = 0; !err && i < c->nsw; i++)
		err = switch_spawn(st, i);
	for (int i = 0; !err && i < c->nsw; i++)
		err = switch_wait(st, i);
	for (int i = 0; !err && i < c->nsw; i++)
		if (c->sw[i].slirp)
			err = net_start_slirp(st, i);
	for (int i = 0; !err && i < c->ng; i++)
		if (netns && c->g[i].kind == CONF_GUEST_NETNS)
			err = net_start_netns(st, i);
	return err;
}

/* VMs boot while the UML guests do: started first (tty gets each one's command channel,
 * qemu_start), waited for after them. */
static int start_vms(struct state *st, struct linesock **tty)
{
	struct qemu_env env;
	int err;

	if (!conf_has_qemu(st->conf))
		return 0;
	err = qemu_prepare(st, &env);
	for (int i = 0; !err && i < st->conf->ng; i++)
		if (st->conf->g[i].kind == CONF_GUEST_QEMU)
			err = qemu_start(st, &env, i, &tty[i]);
	return err;
}

/* Waits for every VM (err 0) or only lets go of their channels. */
static int wait_vms(struct umlnet_opts *o, struct state *st, struct linesock **tty, int err)
{
	for (int i = 0; i < st->conf->ng; i++) {
		if (st->conf->g[i].kind != CONF_GUEST_QEMU)
			continue;
		if (err) {
			if (tty[i])
				linesock_close(tty[i]);
			free(tty[i]);
			continue;
		}
		err = qemu_wait_ready(st, i, tty[i], o->timeout_s * 1000);
		if (!err && !o->quiet)
			printf("guest %s is up\n", st->conf->g[i].name);
		fflush(stdout);
	}
	return err;
}

int net_up(struct umlnet_opts *o, struct state *st, struct notify *n)
{
	const struct conf *c = st->conf;
	struct linesock *tty[CONF_MAX_GUESTS] = { NULL };
	int err = net_up_switches(o, st, n, true);

	if (!err)
		err = start_vms(st, tty);
	if (!err)
		err = boot_guests(o, st, n);
	err = wait_vms(o, st, tty, err);
	if (err) {
		log_info("stopping what was started of network '%s'", c->name);
		notify_close(n);
		net_down(st);
	}
	return err;
}

