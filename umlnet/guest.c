// SPDX-License-Identifier: GPL-2.0-or-later
#include "guest.h"
#include "argv.h"
#include "base64.h"
#include "channel.h"
#include "lab_ns.h"
#include "log.h"
#include "mconsole.h"
#include "vlan_apply.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void guest_eth_spec(const struct state *st, const struct conf_guest *g, const struct conf_eth *e,
		    char *out, size_t len)
{
	char ctl[PATH_MAX];

	if (e->sw < 0) {
		snprintf(out, len, "%s", e->spec);
		return;
	}
	/* A device with a VLAN setting has a control socket of its own (vlan_apply.h). One too
	 * long for an address was refused when umlnet asked for it: the device finds nothing
	 * there and stays out, never on VLAN 1. */
	if (e->vlan[0])
		(void)vlan_apply_ctl(st, g->name, e, ctl, sizeof(ctl));
	else
		state_switch_ctl(st, e->sw, ctl, sizeof(ctl));
	snprintf(out, len, "daemon,%s,unix,%s", e->mac, ctl);
}

void guest_plug_argv(const struct state *st, const struct conf_guest *g, char *prog,
		     char *netns, char **argv, char specs[][PATH_MAX + 80])
{
	int n = 0;

	argv[n++] = prog;
	argv[n++] = (char *)"--netns";
	argv[n++] = netns;
	for (int i = 0; i < g->neth; i++) {
		char spec[PATH_MAX + 64], dev[CONF_DEV_NAME];

		guest_eth_spec(st, g, &g->eth[i], spec, sizeof(spec));
		snprintf(specs[i], sizeof(specs[i]), "%s=%s", conf_dev_name(&g->eth[i], dev), spec);
		argv[n++] = specs[i];
	}
	argv[n] = NULL;
}

void guest_dev_arg(const struct state *st, const struct conf_guest *g,
			  const struct conf_eth *e, char *out, size_t len)
{
	char dev[CONF_DEV_NAME], dst[PATH_MAX], src[PATH_MAX];

	conf_dev_name(e, dev);
	if (!e->vec) {
		char spec[PATH_MAX + 64];

		guest_eth_spec(st, g, e, spec, sizeof(spec));
		snprintf(out, len, "%s=%s", dev, spec);
		return;
	}
	state_switch_bess(st, e->sw, dst, sizeof(dst));
	state_vec_src(st, g, e, src, sizeof(src));
	snprintf(out, len, "%s:transport=bess,dst=%s,src=%s%s%s", dev, dst, src,
		 e->mac[0] ? ",mac=" : "", e->mac);
}

/* The device's word for init: UMLNET_ETH0=10.0.0.1/24, or =up for a device without address
 * (init brings every device up, so that it connects to its switch). */
static void guest_dev_env(const struct conf_eth *e, char *out, size_t len)
{
	char dev[CONF_DEV_NAME];

	conf_dev_name(e, dev);
	for (char *c = dev; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	snprintf(out, len, "UMLNET_%s=%s", dev, e->ip[0] ? e->ip : "up");
}

void guest_vec_src_remove(const struct state *st, const struct conf_guest *g,
			  const struct conf_eth *e)
{
	char src[PATH_MAX];
	struct stat sb;

	state_vec_src(st, g, e, src, sizeof(src));
	if (lstat(src, &sb) == 0 && S_ISSOCK(sb.st_mode))
		unlink(src);
}

/* UML binds a vec device's src socket and cannot bind it twice: remove one left over by a
 * guest that died while its switch was gone. */
static void guest_remove_stale_src(const struct state *st, const struct conf_guest *g)
{
	for (int i = 0; i < g->neth; i++)
		if (g->eth[i].vec)
			guest_vec_src_remove(st, g, &g->eth[i]);
}

/* Writes <state>/<guest>.run, the guest's run= command, for init to read over hostfs: root's,
 * readable by the guests' group only. */
static int guest_write_run(struct state *st, const struct conf_guest *g, char *path, size_t len)
{
	char name[CONF_NAME + 8], *text;
	int err;

	snprintf(name, sizeof(name), "%s.run", g->name);
	state_file(st, name, path, len);
	if (asprintf(&text, "%s\n", g->run) < 0)
		return -ENOMEM;
	err = state_write_file(st, name, text, st->as.drop ? 0640 : 0600,
			       st->as.drop ? st->as.gid : (gid_t)-1);
	free(text);
	if (err)
		log_err("guest %s: run file '%s': %s", g->name, path,
			strerror(-err));
	return err;
}

int guest_install_data(struct state *st, const char *data, const char *name)
{
	char src[PATH_MAX], text[GUEST_INIT_MAX + 1];
	size_t n = 0;
	FILE *f;
	int err;

	if (proc_find_data(data, src, sizeof(src)) < 0 || !(f = fopen(src, "re")))
		return -ENOENT;
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	if (n == sizeof(text)) {
		log_err("'%s': longer than %d bytes", src, GUEST_INIT_MAX);
		return -EFBIG;
	}
	text[n] = '\0';
	err = state_write_file(st, name, text, 0755, (gid_t)-1);
	if (err)
		log_err("%s/%s: %s", st->dir, name, strerror(-err));
	return err;
}

int guest_install_init(struct state *st)
{
	int err = guest_install_data(st, "umlnet-guest-init.sh", GUEST_INIT);

	return err == -ENOENT ? 0 : err; /* guest_build reports it for a guest that needs it */
}

static int guest_build(struct state *st, const struct conf_guest *g, struct argvec *a)
{
	char path[PATH_MAX], spec[3 * PATH_MAX];
	int err;

	err = proc_find_program(g->kernel[0] ? g->kernel : "linux", path, sizeof(path));
	if (err) {
		log_err("guest %s: kernel '%s': not found (install "
				"user-mode-linux, or give kernel=PATH)", g->name,
			g->kernel[0] ? g->kernel : "linux");
		return err;
	}
	argvec_add(a, "%s", path);
	argvec_add(a, "umid=%s", g->name);
	argvec_add(a, "uml_dir=%s/uml/", st->dir);
	argvec_add(a, "mem=%s", g->mem);
	/* Debian's UML kernel benchmarks its RAID6 algorithms at every boot (RAID6_PQ_BENCHMARK=y,
	 * pulled in by btrfs): a busy loop of ~0.85 CPU-s, most of the kernel's own boot cost
	 * (bench/boot_profile.py). Skipping it leaves md RAID6 and btrfs RAID5/6 unusable in a
	 * guest; no network needs them. */
	argvec_add(a, "initcall_blacklist=raid6_select_algo");
	if (g->root[0]) {
		argvec_add(a, "ubd0=%s", g->root);
		argvec_add(a, "root=/dev/ubda");
	} else {
		argvec_add(a, "root=/dev/root");
		argvec_add(a, "rootfstype=hostfs");
		argvec_add(a, "rootflags=/");
		argvec_add(a, "ro");
	}
	state_file(st, GUEST_INIT, path, sizeof(path));
	if (g->init[0]) {
		argvec_add(a, "init=%s", g->init);
	} else if (access(path, R_OK) == 0) {
		argvec_add(a, "init=%s", path);
	} else {
		log_err("guest %s: umlnet-guest-init.sh is not installed "
				"(give init=PATH)", g->name);
		return -ENOENT;
	}
	/* No terminals: the console goes to the guest's log file; console 1 reads the command
	 * channel (channel_open) and writes nowhere. */
	argvec_add(a, "con=null");
	argvec_add(a, "con0=null,fd:1");
	argvec_add(a, "con1=fd:3,null");
	argvec_add(a, "ssl=null");
	argvec_add(a, "pty.legacy_count=0");
	argvec_add(a, "mconsole=notify:%s/notify", st->dir);
	argvec_add(a, "UMLNET_NAME=%s", g->name);
	for (int i = 0; i < g->neth; i++) {
		guest_dev_env(&g->eth[i], spec, sizeof(spec));
		argvec_add(a, "%s", spec);
	}
	for (int i = 0; i < g->nroute; i++)
		argvec_add(a, "UMLNET_ROUTE%d=%s,%s", i, g->route[i].dest, g->route[i].via);
	if (g->forward)
		argvec_add(a, "UMLNET_FORWARD=1");
	if (g->base[0])
		argvec_add(a, "UMLNET_BASE=%s", g->base);
	if (g->run[0]) {
		err = guest_write_run(st, g, path, sizeof(path));
		if (err)
			return err;
		argvec_add(a, "UMLNET_RUN=%s", path);
	}
	for (int i = 0; i < g->neth; i++) {
		guest_dev_arg(st, g, &g->eth[i], spec, sizeof(spec));
		argvec_add(a, "%s", spec);
	}
	guest_remove_stale_src(st, g);
	return a->oom ? -ENOMEM : 0;
}

int guest_start(struct state *st, int gi)
{
	const struct conf_guest *g = &st->conf->g[gi];
	struct argvec a = { .n = 0 };
	struct proc_as as = st->as;
	struct proc_id id;
	char log[PATH_MAX];
	int err = guest_build(st, g, &a);

	if (!err)
		err = as.fd3 = channel_open(st, g->name);
	if (err >= 0) {
		snprintf(log, sizeof(log), "%s/%s.log", st->dir, g->name);
		err = proc_spawn_as(a.v, log, &as, &id);
		close(as.fd3);
		if (err)
			log_err("guest %s: starting %s: %s", g->name, a.v[0],
				strerror(-err));
		else
			err = state_record(st, "guest", g->name, &id);
	}
	argvec_free(&a);
	return err;
}

struct exec_wait {
	const char *id, *guest;
	const struct proc_id *proc;
	guest_out_fn out;
	void *opaque;
	int status;
	struct notify *n;
};

static int exec_event(void *opaque, const struct notify_msg *m)
{
	struct exec_wait *w = opaque;

	if (m->kind == NOTE_TICK && !proc_alive(w->proc)) {
		log_err("guest %s: ended while running a command", w->guest);
		return -ECHILD;
	}
	if ((m->kind != NOTE_OUT && m->kind != NOTE_EXIT) || strcmp(m->id, w->id))
		return 0;
	/* Output and status count only from the guest the command went to. */
	if (strcmp(m->guest, w->guest)) {
		notify_refuse(w->n, "ignoring guest %s's output for a command sent to %s", m->guest,
			      w->guest);
		return 0;
	}
	if (m->kind == NOTE_OUT) {
		if (w->out)
			w->out(w->opaque, w->guest, m->text);
		return 0;
	}
	w->status = m->status;
	return 1;
}

int guest_post(const struct state *st, const char *guest, const char *script, char *id,
	       size_t idlen, const struct proc_id **proc)
{
	const struct state_proc *p = state_find(st, "guest", guest);
	char b64[CHANNEL_LINE_MAX], line[CHANNEL_LINE_MAX + 64];
	static unsigned int counter;
	size_t len = strlen(script);

	if (!p || !proc_alive(&p->id)) {
		log_err("guest '%s': not running in network '%s'", guest,
			st->conf->name);
		return -ESRCH;
	}
	if (proc)
		*proc = &p->id;
	snprintf(id, idlen, "%d-%u", (int)getpid(), ++counter);
	if ((len + 2) / 3 * 4 >= sizeof(b64)) {
		log_err("command of %zu bytes: at most %d fit in one line of "
				"the command channel", len, CHANNEL_LINE_MAX / 4 * 3 - 3);
		return -EMSGSIZE;
	}
	base64_encode((const unsigned char *)script, len, b64);
	snprintf(line, sizeof(line), "%s %s\n", id, b64);
	return channel_send(st, guest, line);
}

int guest_exec(struct state *st, struct notify *n, const char *guest, const char *script,
	       int timeout_ms, guest_out_fn out, void *opaque)
{
	char id[32];
	struct exec_wait w = { .id = id, .guest = guest, .out = out, .opaque = opaque, .n = n };
	int err;

	if (state_find(st, LAB_NS_KIND, guest))
		return lab_ns_exec(st, guest, script, timeout_ms, out, opaque);
	err = guest_post(st, guest, script, id, sizeof(id), &w.proc);

	if (err)
		return err;
	err = notify_loop(n, timeout_ms, exec_event, &w);
	if (err == -ETIMEDOUT)
		log_err("guest %s: the command did not finish within %d s",
			guest, timeout_ms / 1000);
	return err ? err : w.status;
}

struct exec_all {
	struct exec_wait w[CONF_MAX_GUESTS];
	char ids[CONF_MAX_GUESTS][32];
	bool done[CONF_MAX_GUESTS];
	int count, left;
};

static int exec_all_event(void *opaque, const struct notify_msg *m)
{
	struct exec_all *a = opaque;

	for (int k = 0; k < a->count; k++) {
		int r;

		if (a->done[k])
			continue;
		r = exec_event(&a->w[k], m);
		if (r == 0)
			continue;
		a->done[k] = true;
		if (r < 0)
			a->w[k].status = r;
		if (--a->left == 0)
			return 1;
	}
	return 0;
}

int guest_exec_all(struct state *st, struct notify *n, const char *script, int timeout_ms,
		   guest_out_fn out, void *opaque)
{
	struct exec_all *a = calloc(1, sizeof(*a));
	int err = 0, failed = 0;

	if (!a)
		return -ENOMEM;
	for (int i = 0; i < st->conf->ng; i++) {
		const struct state_proc *p = state_find(st, "guest", st->conf->g[i].name);
		struct exec_wait *w = &a->w[a->count];

		if (st->conf->g[i].kind != CONF_GUEST_UML || !p || !proc_alive(&p->id))
			continue;
		*w = (struct exec_wait){ .id = a->ids[a->count], .guest = st->conf->g[i].name,
					 .out = out, .opaque = opaque, .n = n };
		if (!guest_post(st, w->guest, script, a->ids[a->count], sizeof(a->ids[0]),
				&w->proc))
			a->count++;
		else
			failed++;
	}
	a->left = a->count;
	if (a->count)
		err = notify_loop(n, timeout_ms, exec_all_event, a);
	for (int k = 0; k < a->count; k++) {
		if (!a->done[k] && err == -ETIMEDOUT)
			log_err("guest %s: the command did not finish within "
					"%d s", a->w[k].guest, timeout_ms / 1000);
		failed += !a->done[k] || a->w[k].status != 0;
	}
	free(a);
	return err && err != -ETIMEDOUT ? err : failed;
}

int guest_halt(struct state *st, const struct state_proc *p)
{
	struct mconsole_result res;
	char sock[PATH_MAX];

	if (!proc_alive(&p->id))
		return 0;
	state_mconsole(st, p->name, sock, sizeof(sock));
	if (mconsole_run(sock, "halt", 2000, &res) < 0)
		return -EIO;
	mconsole_result_free(&res);
	return 0;
}

void guest_stop(struct state *st, const struct state_proc *p)
{
	/* halt is the clean way: the kernel removes its umid directory and sockets. A guest that
	 * no longer answers may be halting already (guest_halt before): a short grace. */
	int halted = guest_halt(st, p);

	if (proc_wait_gone(&p->id, halted == 0 ? 10000 : 2000)) {
		proc_stop(&p->id, SIGTERM, 1000); /* any helper left in its group */
		return;
	}
	proc_stop(&p->id, SIGTERM, 10000);
}
