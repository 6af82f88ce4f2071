// SPDX-License-Identifier: GPL-2.0-or-later
#include "lab.h"

#include "clock.h"
#include "guest.h"
#include "lab_ns.h"
#include "lab_topo.h"
#include "log.h"
#include "trust.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Measured with bench/lab_start.py on this 2-core host: 20 machines were ready in 99 s with
 * 20 booting at once, 143 s with 8, 180 s with 4 (a loaded host; the order held at 5
 * machines). A boot mostly waits, so more at once wins up to here. */
#define LAB_DEFAULT_JOBS 20

static bool lab_selected(const bool *sel, int i)
{
	return !sel || sel[i];
}

/* A state file the guests read (as root: their group may, no one else). */
static int lab_write(struct state *st, const char *name, const char *text)
{
	int err = state_write_file(st, name, text, st->as.drop ? 0640 : 0600,
				   st->as.drop ? st->as.gid : (gid_t)-1);

	if (err)
		log_err("%s/%s: %s", st->dir, name, strerror(-err));
	return err;
}

/* The lab's files in the state directory: topology (with the run= commands that name the
 * state directory), info.lab, <machine>.lab, init.lab. */
static int lab_write_files(struct state *st, const struct lab *l, const struct lab_start_opts *so,
			   bool force_mem)
{
	char *text = NULL, err[600], name[LAB_NAME + 8];
	int rc = lab_topology(l, so->sel, st->conf->name, so->mem_mb ? so->mem_mb :
			      LAB_MEM_DEFAULT_MB, force_mem, st->dir, &text);

	if (!rc)
		memset(st->conf, 0, sizeof(*st->conf));
	if (!rc && conf_parse(st->conf, text, "lab topology", err, sizeof(err))) {
		log_err("%s", err);
		rc = -EINVAL;
	}
	if (!rc)
		rc = state_write_file(st, "topology.conf", text, 0600, (gid_t)-1);
	free(text);
	text = NULL;
	if (!rc && asprintf(&text, "dir %s\n", l->dir) < 0)
		rc = -ENOMEM;
	if (!rc)
		rc = state_write_file(st, LAB_INFO, text, 0600, (gid_t)-1);
	free(text);
	for (int i = 0; !rc && i < l->nm; i++) {
		if (!lab_selected(so->sel, i))
			continue;
		rc = lab_machine_file(l, i, &text);
		snprintf(name, sizeof(name), "%s.lab", l->m[i].name);
		if (!rc)
			rc = lab_write(st, name, text);
		free(text);
	}
	if (!rc && (rc = guest_install_data(st, "umlnet-lab-init.sh", LAB_INIT)) == -ENOENT)
		log_err("umlnet-lab-init.sh is not installed");
	if (!rc && (rc = guest_install_data(st, "umlnet-lab-services.sh", LAB_SERVICES)) == -ENOENT)
		log_err("umlnet-lab-services.sh is not installed");
	return rc;
}

enum lab_phase { LAB_WAIT, LAB_BOOTING, LAB_UP, LAB_READY };

struct lab_boot {
	struct state *st;
	struct notify *n;
	const struct lab *l;
	int mi[CONF_MAX_GUESTS]; /* the machine of each guest */
	enum lab_phase ph[CONF_MAX_GUESTS];
	int total, booting, ready, jobs;
	long long t0;
	bool quiet;
};

/* Whether everything guest gi depends on (among the guests started) is ready. */
static bool lab_deps_ready(const struct lab_boot *b, int gi)
{
	const struct lab_machine *m = &b->l->m[b->mi[gi]];

	for (int k = 0; k < m->ndep; k++) {
		int dg = conf_find_guest(b->st->conf, b->l->m[m->dep[k]].name);

		if (dg >= 0 && b->ph[dg] != LAB_READY)
			return false;
	}
	return true;
}

static int lab_boot_fill(struct lab_boot *b)
{
	for (int gi = 0; gi < b->total && b->booting < b->jobs; gi++) {
		int err;

		if (b->ph[gi] != LAB_WAIT || !lab_deps_ready(b, gi))
			continue;
		err = guest_start(b->st, gi);
		if (err)
			return err;
		b->ph[gi] = LAB_BOOTING;
		b->booting++;
	}
	return 0;
}

/* The guest a notification is about, only when that guest sent it; -1 otherwise. */
static int lab_boot_guest(struct lab_boot *b, const struct notify_msg *m, const char *name)
{
	int gi = conf_find_guest(b->st->conf, name);

	if (gi < 0)
		return -1;
	if (strcmp(m->guest, name)) {
		notify_refuse(b->n, "ignoring guest %s's word for %s", m->guest, name);
		return -1;
	}
	return gi;
}

void lab_say_ready(const char *machine, long long t0, int status)
{
	printf("machine %s ready (%.1f s)", machine, (double)(clock_ms() - t0) / 1000);
	if (status)
		printf(", its startup exited with status %d (see /var/log/startup.log in it)", status);
	printf("\n");
	fflush(stdout);
}

static int lab_boot_ready(struct lab_boot *b, int gi, int status)
{
	if (b->ph[gi] == LAB_BOOTING)
		b->booting--;
	b->ph[gi] = LAB_READY;
	b->ready++;
	if (!b->quiet)
		lab_say_ready(b->st->conf->g[gi].name, b->t0, status);
	return b->ready == b->total ? 1 : lab_boot_fill(b);
}

static int lab_boot_tick(struct lab_boot *b)
{
	for (int gi = 0; gi < b->total; gi++) {
		const struct state_proc *p;

		if (b->ph[gi] != LAB_BOOTING && b->ph[gi] != LAB_UP)
			continue;
		p = state_find(b->st, "guest", b->st->conf->g[gi].name);
		if (p && proc_alive(&p->id))
			continue;
		log_err("machine %s: its UML kernel exited while starting "
				"(console in %s/%s.log)", b->st->conf->g[gi].name, b->st->dir,
			b->st->conf->g[gi].name);
		return -ECHILD;
	}
	return 0;
}

static int lab_boot_event(void *opaque, const struct notify_msg *m)
{
	struct lab_boot *b = opaque;
	bool run = (m->kind == NOTE_OUT || m->kind == NOTE_EXIT) && !strncmp(m->id, "run-", 4);
	int gi;

	switch (m->kind) {
	case NOTE_UP:
		gi = lab_boot_guest(b, m, m->id);
		if (gi >= 0 && b->ph[gi] == LAB_BOOTING) {
			b->ph[gi] = LAB_UP;
			b->booting--;
			return lab_boot_fill(b);
		}
		return 0;
	case NOTE_OUT:
	case NOTE_EXIT:
		gi = run ? lab_boot_guest(b, m, m->id + 4) : -1;
		if (gi < 0 || b->ph[gi] == LAB_READY)
			return 0;
		if (m->kind == NOTE_OUT) {
			printf("  %s: %s\n", m->guest, m->text);
			return 0;
		}
		return lab_boot_ready(b, gi, m->status);
	case NOTE_PANIC:
		log_err("machine %s: its kernel panicked: %s", m->guest,
			m->text);
		return -EIO;
	case NOTE_TICK:
		return lab_boot_tick(b);
	default:
		return 0;
	}
}

static int lab_boot(struct umlnet_opts *o, struct state *st, struct notify *n, const struct lab *l)
{
	struct lab_boot b = { .st = st, .n = n, .l = l, .total = st->conf->ng, .t0 = clock_ms(),
			      .jobs = o->jobs_given ? o->jobs : LAB_DEFAULT_JOBS, .quiet = o->quiet };
	int err;

	for (int gi = 0; gi < b.total; gi++)
		b.mi[gi] = lab_find_machine(l, st->conf->g[gi].name);
	err = lab_boot_fill(&b);
	if (!err && b.total)
		err = notify_loop(n, o->timeout_s * 1000 + b.total * 30000, lab_boot_event, &b);
	for (int gi = 0; err == -ETIMEDOUT && gi < b.total; gi++)
		if (b.ph[gi] != LAB_READY)
			log_err("machine %s: not ready in time (%s; its console is "
					"in %s/%s.log)", st->conf->g[gi].name,
				b.ph[gi] == LAB_WAIT ? "never started" :
				b.ph[gi] == LAB_UP ? "its startup scripts did not finish" :
				"it did not boot", st->dir, st->conf->g[gi].name);
	return err;
}

/* As root the guests' user reads the lab through hostfs: every directory on the way must let it. */
static int lab_reachable(const struct umlnet_opts *o, const struct lab *l)
{
	if (!o->as.drop)
		return 0;
	return trust_reachable(l->dir, o->guest_user, o->as.uid, o->as.gid);
}

int lab_start(struct umlnet_opts *o, const struct lab *l, const struct lab_start_opts *so)
{
	struct conf *conf = calloc(1, sizeof(*conf));
	struct notify n = { .fd = -1 };
	struct state st;
	char net[CONF_NAME], err[600], *text = NULL;
	int rc;

	if (!conf)
		return -ENOMEM;
	lab_network_name(l->dir, net);
	if (!lab_path_ok(l->dir)) {
		log_err("lab directory '%s': machines mount it over hostfs, "
				"which takes no ',', quote, backslash, space or control character",
			l->dir);
		free(conf);
		return -EINVAL;
	}
	rc = lab_reachable(o, l);
	if (!rc)
		rc = lab_topology(l, so->sel, o->network ? o->network : net, so->mem_mb ?
				  so->mem_mb : LAB_MEM_DEFAULT_MB, so->mem_mb != 0, NULL, &text);
	if (!rc && (rc = conf_parse(conf, text, "lab topology", err, sizeof(err))))
		log_err("%s", err);
	if (rc) {
		free(text);
		free(conf);
		return rc;
	}
	rc = state_create(&st, o->state_dir, conf, text);
	free(text);
	if (rc) {
		state_close(&st);
		return rc;
	}
	st.as = o->as;
	if (!lab_path_ok(st.dir)) {
		log_err("state directory '%s': machines mount it over hostfs, "
				"which takes no ',', quote, backslash, space or control character",
			st.dir);
		rc = -EINVAL;
	}
	if (!rc)
		rc = lab_write_files(&st, l, so, so->mem_mb != 0);
	if (!rc)
		rc = net_up_switches(o, &st, &n, !l->ns_machines);
	if (!rc)
		rc = l->ns_machines ? lab_ns_boot(o, &st, l) : lab_boot(o, &st, &n, l);
	notify_close(&n);
	if (rc) {
		log_info("stopping what was started of the lab");
		net_down(&st);
	} else if (!o->quiet) {
		printf("lab %s is ready: %d machine%s (network %s, state in %s)\n",
		       l->name[0] ? l->name : l->dir, st.conf->ng, st.conf->ng == 1 ? "" : "s",
		       st.conf->name, st.dir);
	}
	state_close(&st);
	return rc;
}

/* The state directory of the lab in directory real (absolute): -s, else the base and -n or the
 * lab's network name. */
static int lab_state_dir(const struct umlnet_opts *o, const char *real, char *out, size_t len)
{
	char base[PATH_MAX - 64], net[CONF_NAME];

	if (o->state_dir) {
		snprintf(out, len, "%s", o->state_dir);
		return 0;
	}
	if (state_base(base, sizeof(base)))
		return -ENOENT;
	lab_network_name(real, net);
	snprintf(out, len, "%s/%s", base, o->network ? o->network : net);
	return 0;
}

bool lab_running(const struct umlnet_opts *o, const char *dir)
{
	char real[PATH_MAX], sdir[PATH_MAX], info[PATH_MAX + 16];

	return realpath(dir, real) && !lab_state_dir(o, real, sdir, sizeof(sdir)) &&
	       snprintf(info, sizeof(info), "%s/%s", sdir, LAB_INFO) < (int)sizeof(info) &&
	       access(info, F_OK) == 0;
}

int lab_open(struct umlnet_opts *o, const char *dir, struct state *st)
{
	char real[PATH_MAX], net[CONF_NAME];

	if (o->state_dir || o->network)
		return state_open(st, o->state_dir, o->network);
	memset(st, 0, sizeof(*st));
	if (!realpath(dir, real)) {
		log_err("lab directory '%s': %s", dir, strerror(errno));
		return -ENOENT;
	}
	lab_network_name(real, net);
	return state_open(st, NULL, net);
}

#define LAB_SHUTDOWN "sh /run/lab/" LAB_INIT " \"$UMLNET_NAME\" shutdown"

static void lab_print_line(void *opaque, const char *guest, const char *line)
{
	(void)opaque;
	printf("  %s: %s\n", guest, line);
}

int lab_stop(struct state *st, bool scripts, int timeout_s)
{
	struct notify n;

	/* All machines at once; each knows its own name (init's environment). */
	if (scripts && !notify_open(&n, st)) {
		guest_exec_all(st, &n, LAB_SHUTDOWN, timeout_s * 1000, lab_print_line, NULL);
		notify_close(&n);
	}
	if (scripts)
		lab_ns_exec_all(st, LAB_SHUTDOWN, timeout_s * 1000, lab_print_line, NULL);
	return net_down(st);
}

void lab_default_network(struct umlnet_opts *o)
{
	static char net[CONF_NAME];
	char cwd[PATH_MAX];

	if (o->state_dir || o->network || !getcwd(cwd, sizeof(cwd)) || !lab_running(o, cwd))
		return;
	lab_network_name(cwd, net);
	o->network = net;
}
