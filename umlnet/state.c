// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "span.h"
#include "state_lines.h"
#include "switch_mgmt.h"
#include "trust.h"

static int state_mkdir_own(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return -EPERM;
	return 0;
}

int state_base(char *out, size_t len)
{
	const char *env = getenv("UMLNET_STATE_DIR"), *xdg = getenv("XDG_RUNTIME_DIR");
	int err;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return 0;
	}
	if (xdg && *xdg && access(xdg, W_OK) == 0) {
		snprintf(out, len, "%s/umlnet", xdg);
		return 0;
	}
	if (geteuid() == 0) {
		snprintf(out, len, "/run/umlnet");
		return 0;
	}
	/* /tmp is shared: the directory must be ours and private, or we do not use it. */
	snprintf(out, len, "/tmp/umlnet-%u", (unsigned int)geteuid());
	err = state_mkdir_own(out);
	if (err)
		log_err("state directory '%s': %s", out,
			err == -EPERM ? "not a directory owned by us" : strerror(-err));
	return err;
}

int state_base_create(char *out, size_t len)
{
	int err = state_base(out, len);

	if (err)
		return err;
	if (mkdir(out, 0755) < 0 && errno != EEXIST) {
		log_err("state base '%s': %s", out, strerror(errno));
		return -errno;
	}
	return 0;
}

void state_file(const struct state *st, const char *name, char *out, size_t len)
{
	if (snprintf(out, len, "%s/%s", st->dir, name) >= (int)len)
		out[0] = '\0'; /* too long: an empty path fails cleanly */
}

void state_switch_ctl(const struct state *st, int sw, char *out, size_t len)
{
	const struct conf_switch *s = &st->conf->sw[sw];

	if (s->socket[0])
		snprintf(out, len, "%s", s->socket);
	else
		snprintf(out, len, "%s/%s.ctl", st->dir, s->name);
}

void state_mconsole(const struct state *st, const char *guest, char *out, size_t len)
{
	snprintf(out, len, "%s/uml/%s/mconsole", st->dir, guest);
}

void state_switch_bess(const struct state *st, int sw, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.bess", st->dir, st->conf->sw[sw].name);
}

void state_vec_src(const struct state *st, const struct conf_guest *g, const struct conf_eth *e,
		   char *out, size_t len)
{
	char dev[CONF_DEV_NAME];

	snprintf(out, len, "%s/uml/%s.%s", st->dir, g->name, conf_dev_name(e, dev));
}

int state_guest_ids(const struct state *st, uid_t *uid, gid_t *gid)
{
	char path[PATH_MAX];
	struct stat sb;

	state_file(st, "uml", path, sizeof(path));
	if (lstat(path, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return -ENOENT;
	*uid = sb.st_uid;
	*gid = sb.st_gid;
	return 0;
}

const char *state_guest_by_pid(const struct state *st, pid_t pid)
{
	for (int i = 0; pid > 1 && i < st->nprocs; i++) {
		const struct state_proc *p = &st->procs[i];

		if (p->id.pid == pid && !strcmp(p->kind, "guest") && proc_alive(&p->id))
			return p->name;
	}
	return NULL;
}

int state_share(struct state *st, const struct proc_as *as, const char *user)
{
	char path[PATH_MAX];
	struct stat sb;
	int err;

	state_file(st, "uml", path, sizeof(path));
	trust_remove_tree(path); /* a former run's, never followed */
	err = mkdir(path, 0700) < 0 ? -errno : 0;
	/* The state directory itself: searchable, not readable or writable, by the guests. */
	if (!err && as->drop &&
	    (chmod(st->dir, 0711) < 0 || lstat(path, &sb) < 0 || chown(path, as->uid, as->gid) < 0))
		err = -errno;
	if (err) {
		log_err("state directory '%s': making uml/ for the guests: "
				"%s", st->dir, strerror(-err));
		return err;
	}
	return as->drop ? trust_reachable(st->dir, user, as->uid, as->gid) : 0;
}

int state_write_file(const struct state *st, const char *name, const char *data, mode_t mode,
		     gid_t gid)
{
	char path[PATH_MAX];
	size_t len = strlen(data);
	int fd, err = 0;

	state_file(st, name, path, sizeof(path));
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len ||
	    (gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) < 0) || fchmod(fd, mode) < 0)
		err = errno ? -errno : -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

/* A socket path of the state directory must fit sun_path (107 characters and the NUL): UML
 * cannot connect to a longer one and ignores a longer src. Reports which. */
static int state_check_sock(const struct state *st, const char *path, const char *what)
{
	size_t n = strlen(path);

	if (n < sizeof(((struct sockaddr_un *)0)->sun_path))
		return 0;
	log_err("state directory '%s': too long for %s '%s' (%zu of at "
			"most 107 characters)", st->dir, what, path, n);
	return -ENAMETOOLONG;
}

/* Every socket umlnet or its switches and guests make in (or for) the state directory: each
 * switch's control and management sockets, a bess socket where a switch has one, each guest's
 * mconsole and the src of each vec device. Checked before anything starts: a switch would only
 * "exit at start", a guest would fail its device. */
static int state_check_socket_paths(const struct state *st)
{
	const struct conf *c = st->conf;
	char path[PATH_MAX], mgmt[PATH_MAX + 8];
	int err = 0;

	for (int i = 0; !err && i < c->nsw; i++) {
		state_switch_ctl(st, i, path, sizeof(path));
		switch_mgmt_default_path(path, mgmt, sizeof(mgmt));
		err = state_check_sock(st, path, "a switch's control socket");
		if (!err)
			err = state_check_sock(st, mgmt, "a switch's management socket");
		if (!err && conf_switch_has_vec(c, i)) {
			state_switch_bess(st, i, path, sizeof(path));
			err = state_check_sock(st, path, "the bess socket");
		}
	}
	for (int i = 0; !err && i < c->ng; i++) {
		state_mconsole(st, c->g[i].name, path, sizeof(path));
		err = state_check_sock(st, path, "a guest's mconsole socket");
		for (int k = 0; !err && k < c->g[i].neth; k++) {
			if (!c->g[i].eth[k].vec)
				continue;
			state_vec_src(st, &c->g[i], &c->g[i].eth[k], path, sizeof(path));
			err = state_check_sock(st, path, "the vec socket");
		}
	}
	return err;
}

/* One line of "pids": KIND NAME PID START. */
static int state_pids_line(void *opaque, char *line)
{
	struct state *st = opaque;
	struct state_proc *p = &st->procs[st->nprocs];
	int pid;

	if (sscanf(line, "%15s %31s %d %llu", p->kind, p->name, &pid, &p->id.start) == 4) {
		p->id.pid = pid;
		st->nprocs++;
	}
	return st->nprocs == STATE_MAX_PROCS;
}

static int state_load_pids(struct state *st)
{
	char path[PATH_MAX];
	int rc;

	st->nprocs = 0;
	state_file(st, "pids", path, sizeof(path));
	rc = state_lines_read(path, state_pids_line, st);
	return rc == -ENOENT || rc > 0 ? 0 : rc;
}

FILE *state_new_file(const struct state *st, const char *name)
{
	char tmp[PATH_MAX], base[NAME_MAX];

	snprintf(base, sizeof(base), "%s.new", name);
	state_file(st, base, tmp, sizeof(tmp));
	unlink(tmp);
	return fopen(tmp, "wex");
}

int state_commit_file(const struct state *st, const char *name, FILE *f)
{
	char tmp[PATH_MAX], path[PATH_MAX], base[NAME_MAX];

	snprintf(base, sizeof(base), "%s.new", name);
	state_file(st, base, tmp, sizeof(tmp));
	state_file(st, name, path, sizeof(path));
	if (fclose(f) < 0 || rename(tmp, path) < 0)
		return -errno;
	return 0;
}

/* Writes every record afresh (a reader sees the old pids or the new). */
static int state_rewrite_pids(const struct state *st)
{
	FILE *f = state_new_file(st, "pids");

	if (!f)
		return -errno;
	for (int i = 0; i < st->nprocs; i++)
		fprintf(f, "%s %s %d %llu\n", st->procs[i].kind, st->procs[i].name,
			(int)st->procs[i].id.pid, st->procs[i].id.start);
	return state_commit_file(st, "pids", f);
}

int state_reload_pids(struct state *st)
{
	return state_load_pids(st);
}

int state_record(struct state *st, const char *kind, const char *name, const struct proc_id *id)
{
	char path[PATH_MAX];
	struct state_proc *p;
	FILE *f;

	/* A process started again (the supervisor's restart) takes the place of the one it
	 * replaces: one record per kind and name. */
	for (int i = 0; i < st->nprocs; i++)
		if (!strcmp(st->procs[i].kind, kind) && !strcmp(st->procs[i].name, name)) {
			st->procs[i].id = *id;
			return state_rewrite_pids(st);
		}
	if (st->nprocs == STATE_MAX_PROCS)
		return -ENOSPC;
	state_file(st, "pids", path, sizeof(path));
	f = fopen(path, "a");
	if (!f)
		return -errno;
	fprintf(f, "%s %s %d %llu\n", kind, name, (int)id->pid, id->start);
	if (fclose(f) < 0)
		return -errno;
	p = &st->procs[st->nprocs++];
	snprintf(p->kind, sizeof(p->kind), "%s", kind);
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->id = *id;
	return 0;
}

const struct state_proc *state_find(const struct state *st, const char *kind, const char *name)
{
	for (int i = st->nprocs - 1; i >= 0; i--)
		if (!strcmp(st->procs[i].kind, kind) && !strcmp(st->procs[i].name, name))
			return &st->procs[i];
	return NULL;
}

/* The only network under base, or an error naming what is there. */
static int state_pick(const char *base, char *out, size_t len)
{
	DIR *d = opendir(base);
	struct dirent *e;
	char names[512] = "";
	int n = 0;

	if (!d) {
		log_err("no network is up (nothing under %s)", base);
		return -ENOENT;
	}
	while ((e = readdir(d))) {
		char path[PATH_MAX];

		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s/topology.conf", base, e->d_name) >=
			    (int)sizeof(path) ||
		    access(path, F_OK) < 0)
			continue;
		if (n++ == 0)
			snprintf(out, len, "%s/%s", base, e->d_name);
		if (strlen(names) + strlen(e->d_name) + 3 < sizeof(names))
			strcat(strcat(names, n > 1 ? ", " : ""), e->d_name);
	}
	closedir(d);
	if (n == 1)
		return 0;
	if (n == 0)
		log_err("no network is up (nothing under %s)", base);
	else
		log_err("%d networks are up (%s): name one with -n NETWORK",
			n, names);
	return n ? -EEXIST : -ENOENT;
}

/* A network spread over hosts (span.h): the state keeps the whole file and, in "host", which
 * host's part runs here; what runs is that part. */
static int state_load_host(struct state *st)
{
	char path[PATH_MAX], host[CONF_NAME + 2] = "", err[600];
	int rc;

	state_file(st, "host", path, sizeof(path));
	if (state_lines_first(path, host, sizeof(host)) < 0)
		return 0;
	rc = span_localize(st->conf, host, err, sizeof(err));
	if (rc)
		log_err("%s: %s", path, err);
	return rc;
}

static int state_load(struct state *st)
{
	char path[PATH_MAX], err[512];
	int rc;

	st->conf = calloc(1, sizeof(*st->conf));
	if (!st->conf)
		return -ENOMEM;
	state_file(st, "topology.conf", path, sizeof(path));
	rc = conf_load(st->conf, path, NULL, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		return rc;
	}
	if ((rc = state_load_host(st)))
		return rc;
	rc = state_load_pids(st);
	if (rc)
		log_err("%s/pids: %s", st->dir, strerror(-rc));
	return rc;
}

/* st->dir: dir when given, else <base>/<name>, or with no name the only network under the
 * base. make_base creates the base first (a network about to start). Errors are reported. */
static int state_pick_dir(struct state *st, const char *dir, const char *name, bool make_base)
{
	char base[PATH_MAX - 256], picked[PATH_MAX];
	int err;

	if (dir) {
		snprintf(picked, sizeof(picked), "%s", dir);
	} else {
		err = state_base(picked, sizeof(picked));
		if (!err)
			err = trust_state_path("state base", picked, base, sizeof(base));
		if (!err && make_base && mkdir(base, 0755) < 0 && errno != EEXIST) {
			log_err("state base '%s': %s", base, strerror(errno));
			err = -errno;
		}
		if (!err && !name)
			err = state_pick(base, picked, sizeof(picked));
		else if (!err)
			snprintf(picked, sizeof(picked), "%s/%s", base, name);
		if (err)
			return err;
	}
	/* From here on the resolved path: a symlink on the way cannot be changed under us. */
	return trust_state_path("state directory", picked, st->dir, sizeof(st->dir));
}

int state_open(struct state *st, const char *dir, const char *network)
{
	int err;

	memset(st, 0, sizeof(*st));
	err = state_pick_dir(st, dir, network, false);
	if (err)
		return err;
	if (access(st->dir, F_OK) < 0) {
		log_err("network state '%s': %s (is the network up?)",
			st->dir, strerror(errno));
		return -ENOENT;
	}
	return state_load(st);
}

int state_create(struct state *st, const char *dir, struct conf *conf, const char *text)
{
	char path[PATH_MAX];
	FILE *f;
	int err;

	memset(st, 0, sizeof(*st));
	st->conf = conf;
	/* As root, what we create is closed to others (the guests' user among them) unless given
	 * to them on purpose (state_share, notify, the switches' -mode). */
	if (geteuid() == 0)
		umask(077);
	err = state_pick_dir(st, dir, conf->name, true);
	if (err)
		return err;
	err = state_check_socket_paths(st);
	if (err)
		return err;
	err = state_mkdir_own(st->dir);
	if (err) {
		log_err("state directory '%s': %s", st->dir,
			err == -EPERM ? "not a directory owned by us" : strerror(-err));
		return err;
	}
	err = trust_state_path("state directory", st->dir, path, sizeof(path));
	if (!err)
		err = state_load_pids(st);
	for (int i = 0; !err && i < st->nprocs; i++) {
		if (proc_alive(&st->procs[i].id)) {
			log_err("network '%s' is up already (%s %s is pid %d); "
					"'umlnet -n %s down' first", conf->name, st->procs[i].kind,
				st->procs[i].name, (int)st->procs[i].id.pid, conf->name);
			return -EBUSY;
		}
	}
	st->nprocs = 0;
	state_file(st, "pids", path, sizeof(path));
	unlink(path);
	state_file(st, "attached", path, sizeof(path));
	unlink(path);
	state_file(st, "refused", path, sizeof(path));
	unlink(path);
	state_file(st, "topology.conf", path, sizeof(path));
	f = fopen(path, "w");
	/* The copy carries the network's name even when the name came from the file's name. */
	if (!f || (!conf->named && fprintf(f, "network %s\n", conf->name) < 0) ||
	    fputs(text, f) < 0 || fclose(f) < 0) {
		log_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

void state_close(struct state *st)
{
	free(st->conf);
	st->conf = NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

unsigned long state_refused(const struct state *st)
{
	char path[PATH_MAX], text[32];
	unsigned long n = 0;

	state_file(st, "refused", path, sizeof(path));
	if (state_lines_first(path, text, sizeof(text)) < 0 || sscanf(text, "%lu", &n) != 1)
		n = 0;
	return n;
}

void state_add_refused(const struct state *st, unsigned long n)
{
	char text[32];

	snprintf(text, sizeof(text), "%lu\n", state_refused(st) + n);
	state_write_file(st, "refused", text, 0600, (gid_t)-1);
}

void state_remove(struct state *st)
{
	static const char *const suffixes[] = { ".log", ".run", ".ctl", ".mgmt", ".dot", ".svg",
						".bess", ".cmd", ".lab", ".qemu" };
	DIR *d = opendir(st->dir);
	struct dirent *e;
	char path[PATH_MAX];

	for (int i = 0; i < st->conf->nsw; i++) {
		char mgmt[PATH_MAX + 8];

		state_switch_ctl(st, i, path, sizeof(path));
		unlink(path);
		switch_mgmt_default_path(path, mgmt, sizeof(mgmt));
		unlink(mgmt);
	}
	/* The switch removes a vec device's src socket when its connection ends; not when the
	 * switch was killed first. */
	for (int i = 0; i < st->conf->ng; i++)
		for (int k = 0; k < st->conf->g[i].neth; k++)
			if (st->conf->g[i].eth[k].vec) {
				state_vec_src(st, &st->conf->g[i], &st->conf->g[i].eth[k], path,
					      sizeof(path));
				unlink(path);
			}
	if (!d)
		return;
	while ((e = readdir(d))) {
		bool ours = !strcmp(e->d_name, "pids") || !strcmp(e->d_name, "topology.conf") ||
			    !strcmp(e->d_name, "notify") || !strcmp(e->d_name, "attached") ||
			    !strcmp(e->d_name, "guest-init.sh") || !strcmp(e->d_name, "refused") ||
			    !strcmp(e->d_name, "host") || !strcmp(e->d_name, "qemu-accel") ||
			    !strcmp(e->d_name, "restarts") || ends_with(e->d_name, ".new");

		for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
			ours |= ends_with(e->d_name, suffixes[i]);
		if (ours) {
			state_file(st, e->d_name, path, sizeof(path));
			unlink(path);
		}
	}
	closedir(d);
	state_file(st, "uml", path, sizeof(path));
	trust_remove_tree(path);
	rmdir(st->dir);
}
