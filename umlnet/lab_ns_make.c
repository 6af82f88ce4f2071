// SPDX-License-Identifier: GPL-2.0-or-later
#include "lab_ns_make.h"

#include "clock.h"
#include "guest.h"
#include "lab_ns.h"
#include "log.h"
#include "state_lines.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/mount.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The machine's scratch before its root is made: a tmpfs over /tmp of its own mount namespace
 * holding the overlay's lower mount point, upper and work directories and the new root. */
#define NS_SCRATCH "/tmp"
#define NS_LOWER NS_SCRATCH "/l"
#define NS_ROOT NS_SCRATCH "/r"

static const char *const ns_names[] = { "user", "mnt", "net", "uts", "ipc", "pid" };
static const int ns_flags[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUTS,
				CLONE_NEWIPC, CLONE_NEWPID };
#define NS_COUNT (sizeof(ns_flags) / sizeof(ns_flags[0]))

/* Between umlnet and the machine while it is made: the maker sends the init's pid, then one
 * byte at a time each way (the init waits for NS_GO, so that its bytes follow the pid). */
enum { NS_GO = 'g', NS_LOWER_WANTED = 'L', NS_LOWER_IDMAPPED = 'i', NS_READY = 'R' };

static int ns_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err = -errno;
	close(fd);
	return err;
}

static _Noreturn void ns_fail(const char *what)
{
	fprintf(stderr, "machine: %s: %s\n", what, strerror(errno));
	_exit(1);
}

/* A byte from fd within ms; -1 on end, error or time out. (umlnet catches SIGCHLD: a child
 * ending interrupts the wait.) */
static int ns_recv(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long end = clock_ms() + ms;
	ssize_t n;
	char c;
	int r;

	while ((r = poll(&p, 1, (int)(end - clock_ms()))) < 0 && errno == EINTR && clock_ms() < end)
		;
	if (r != 1)
		return -1;
	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1 ? (unsigned char)c : -1;
}

static int ns_put(int fd, char c)
{
	return send(fd, &c, 1, MSG_NOSIGNAL) == 1 ? 0 : -EIO;
}

/* In the machine: tells umlnet, or ends. */
static void ns_send(int fd, char c)
{
	if (ns_put(fd, c))
		ns_fail("telling umlnet");
}

static void ns_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		     const char *data)
{
	if (mount(src, dst, type, flags, data) < 0) {
		fprintf(stderr, "machine: mounting %s on %s: %s\n", src ? src : type ? type : "", dst,
			strerror(errno));
		_exit(1);
	}
}

static void ns_bind(const char *src, const char *dst, bool ro)
{
	ns_mount(src, dst, NULL, MS_BIND | MS_REC, NULL);
	if (ro)
		ns_mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL);
}

static void ns_path(char *out, size_t len, const char *a, const char *b)
{
	if ((size_t)snprintf(out, len, "%s%s", a, b) >= len) {
		fprintf(stderr, "machine: path too long: %s%s\n", a, b);
		_exit(1);
	}
}

/* /dev: a tmpfs with the host's harmless devices bound in (a user namespace may not mknod), a
 * devpts instance of its own, /dev/shm. */
static void ns_dev(void)
{
	static const char *const devs[] = { "null", "zero", "full", "random", "urandom", "tty" };
	char path[64];

	ns_mount("tmpfs", NS_ROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755");
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		char host[32];
		int fd;

		snprintf(path, sizeof(path), NS_ROOT "/dev/%s", devs[i]);
		snprintf(host, sizeof(host), "/dev/%s", devs[i]);
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			ns_fail(path);
		close(fd);
		ns_bind(host, path, false);
	}
	if (mkdir(NS_ROOT "/dev/pts", 0755) < 0 || mkdir(NS_ROOT "/dev/shm", 01777) < 0)
		ns_fail("/dev");
	ns_mount("devpts", NS_ROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		 "newinstance,ptmxmode=0666,mode=0620");
	ns_mount("tmpfs", NS_ROOT "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	if (symlink("pts/ptmx", NS_ROOT "/dev/ptmx") < 0 ||
	    symlink("/proc/self/fd", NS_ROOT "/dev/fd") < 0 ||
	    symlink("/proc/self/fd/0", NS_ROOT "/dev/stdin") < 0 ||
	    symlink("/proc/self/fd/1", NS_ROOT "/dev/stdout") < 0 ||
	    symlink("/proc/self/fd/2", NS_ROOT "/dev/stderr") < 0)
		ns_fail("/dev links");
}

/* The host directories bound into the machine, opened before the scratch tmpfs may hide
 * them (a lab or state directory under /tmp). */
struct ns_host {
	int state, hostlab, shared; /* O_PATH; shared -1 when the lab has none */
};

static void ns_bind_fd(int fd, const char *dst, bool ro)
{
	char src[32];

	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	ns_bind(src, dst, ro);
}

static void ns_host_open(struct ns_host *h, const char *state, const char *hostlab)
{
	char path[PATH_MAX];

	h->state = open(state, O_PATH | O_DIRECTORY | O_CLOEXEC);
	h->hostlab = open(hostlab, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->state < 0 || h->hostlab < 0)
		ns_fail("the state and lab directories");
	ns_path(path, sizeof(path), hostlab, "/shared");
	h->shared = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* Everything over the overlay root, from the host's tree (still visible). */
static void ns_mounts(const struct ns_host *h)
{
	ns_mount("proc", NS_ROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	ns_mount("sysfs", NS_ROOT "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
		 NULL);
	ns_dev();
	ns_mount("tmpfs", NS_ROOT "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	ns_mount("tmpfs", NS_ROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	if (mkdir(NS_ROOT "/run/lab", 0755) < 0 || mkdir(NS_ROOT "/run/lock", 01777) < 0)
		ns_fail("/run");
	ns_bind_fd(h->state, NS_ROOT "/run/lab", true);
	if ((mkdir(NS_ROOT "/hostlab", 0755) < 0 && errno != EEXIST) ||
	    (mkdir(NS_ROOT "/shared", 0755) < 0 && errno != EEXIST))
		ns_fail("/hostlab, /shared");
	ns_bind_fd(h->hostlab, NS_ROOT "/hostlab", false);
	if (h->shared >= 0)
		ns_bind_fd(h->shared, NS_ROOT "/shared", false);
	/* (Host paths: the machine must not find them among its init's files.) */
	close(h->state);
	close(h->hostlab);
	if (h->shared >= 0)
		close(h->shared);
}

/* The overlay root over the lower layer umlnet put (or we bound) at NS_LOWER. */
static void ns_root(int sock, const char *state, const char *hostlab)
{
	struct ns_host h;
	int reply;

	ns_host_open(&h, state, hostlab);
	ns_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	ns_mount("tmpfs", NS_SCRATCH, "tmpfs", 0, "mode=0755");
	if (mkdir(NS_LOWER, 0755) < 0 || mkdir(NS_SCRATCH "/u", 0755) < 0 ||
	    mkdir(NS_SCRATCH "/w", 0755) < 0 || mkdir(NS_ROOT, 0755) < 0)
		ns_fail("scratch directories");
	ns_send(sock, NS_LOWER_WANTED);
	reply = ns_recv(sock, 10000);
	if (reply != NS_LOWER_IDMAPPED)
		ns_fail("waiting for the lower layer");
	ns_mount("overlay", NS_ROOT, "overlay", 0, "lowerdir=" NS_LOWER ",upperdir=" NS_SCRATCH
		 "/u,workdir=" NS_SCRATCH "/w,userxattr");
	ns_mounts(&h);
	if (chdir(NS_ROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		ns_fail("pivot_root");
}

static void ns_quiet(int sig)
{
	(void)sig;
}

/* The machine's init: reaps what is orphaned in it; SIGTERM (and the like) ends the machine.
 * As the first process of a PID namespace it receives only signals it handles. */
static _Noreturn void ns_init(void)
{
	static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPWR, SIGUSR1 };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		signal(sigs[i], ns_quiet);
		sigaddset(&set, sigs[i]);
	}
	sigprocmask(SIG_SETMASK, &set, NULL);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig == SIGCHLD)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		else if (sig > 0)
			_exit(0);
	}
}

/* The machine's first process (pid 1 inside). */
static _Noreturn void ns_first(int sock, const char *name, const char *state,
			       const char *hostlab)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		ns_fail("becoming the machine's root");
	if (ns_recv(sock, 10000) != NS_GO)
		ns_fail("waiting for umlnet");
	ns_root(sock, state, hostlab);
	if (sethostname(name, strlen(name)) < 0)
		ns_fail("hostname");
	ns_send(sock, NS_READY);
	close(sock);
	ns_init();
}

/* The child that makes the namespaces: becomes the guests' user, unshares, maps its uid and
 * gid to 0 inside, forks the machine's first process and tells umlnet its pid. */
static _Noreturn void ns_maker(const struct state *st, int sock, const char *name,
			       const char *hostlab)
{
	char map[64];
	uid_t uid;
	gid_t gid;
	pid_t pid;

	/* Nothing of umlnet's goes into the machine (its init never execs): only the socket. */
	if (dup2(sock, 3) < 0)
		ns_fail("dup2");
	sock = 3;
	close_range(4, ~0U, 0);

	if (st->as.drop && (setgroups(1, &st->as.gid) < 0 || setresgid(st->as.gid, st->as.gid,
	    st->as.gid) < 0 || setresuid(st->as.uid, st->as.uid, st->as.uid) < 0))
		ns_fail("becoming the guests' user");
	/* A changed uid leaves the process undumpable, and with it its /proc files root's:
	 * it could not write its own uid_map. */
	prctl(PR_SET_DUMPABLE, 1);
	uid = geteuid(); /* (unmapped, so 65534, once the namespace is made) */
	gid = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC |
		    CLONE_NEWPID) < 0)
		ns_fail("unshare (user namespaces allowed?)");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)uid);
	if (ns_write_file("/proc/self/uid_map", map) < 0)
		ns_fail("uid_map");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)gid);
	if (ns_write_file("/proc/self/setgroups", "deny") < 0 ||
	    ns_write_file("/proc/self/gid_map", map) < 0)
		ns_fail("gid_map");
	pid = fork();
	if (pid < 0)
		ns_fail("fork");
	if (pid == 0)
		ns_first(sock, name, st->dir, hostlab);
	if (write(sock, &pid, sizeof(pid)) != sizeof(pid))
		ns_fail("telling umlnet");
	_exit(0);
}

/* As root: lower (the host's / or an image) as an idmapped, read-only mount (root's files are
 * the machine root's) at NS_LOWER of the machine's mount namespace. In a child (setns). 0 or
 * -errno. */
static int ns_idmap_lower(pid_t machine, const char *lower)
{
	char path[64];
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int tree = open_tree(AT_FDCWD, lower, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC), user, mnt;
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY };

		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)machine);
		user = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)machine);
		mnt = open(path, O_RDONLY | O_CLOEXEC);
		attr.userns_fd = (unsigned int)user;
		if (tree < 0 || user < 0 || mnt < 0 ||
		    mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
		    setns(mnt, CLONE_NEWNS) < 0 ||
		    move_mount(tree, "", AT_FDCWD, NS_LOWER, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			fprintf(stderr, "machine: idmapped lower layer %s: %s\n", lower,
				strerror(errno));
			_exit(1);
		}
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static int ns_open_log(const struct state *st, const char *kind, const char *name)
{
	char file[CONF_NAME + 32], path[PATH_MAX];

	snprintf(file, sizeof(file), "%s-%s.log", kind, name);
	state_file(st, file, path, sizeof(path));
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* Forks a child of its own session with stdin /dev/null and stdout+stderr to log. */
static pid_t ns_fork(int log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		if (null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
			_exit(1);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
	}
	return pid;
}

static int ns_read_pid(int sock, pid_t *pid)
{
	ssize_t n;

	while ((n = read(sock, pid, sizeof(*pid))) < 0 && errno == EINTR)
		;
	return n == sizeof(*pid) ? 0 : -EIO;
}

/* umlnet-plug for netns guest gi into the network namespace of its machine's init. */
static int ns_plug_start(struct state *st, int gi, pid_t machine)
{
	const struct conf_guest *g = &st->conf->g[gi];
	char prog[PATH_MAX], specs[CONF_MAX_ETH][PATH_MAX + 80];
	char *argv[CONF_MAX_ETH + 4], netns[64], log[PATH_MAX], file[CONF_NAME + 16];
	struct proc_id id = { 0, 0 };
	int err;

	if (!g->neth)
		return 0;
	if (proc_find_program("umlnet-plug", prog, sizeof(prog))) {
		log_err("machine %s: umlnet-plug not found", g->name);
		return -ENOENT;
	}
	snprintf(netns, sizeof(netns), "/proc/%d/ns/net", (int)machine);
	guest_plug_argv(st, g, prog, netns, argv, specs);
	snprintf(file, sizeof(file), "plug-%s.log", g->name);
	state_file(st, file, log, sizeof(log));
	err = proc_spawn(argv, log, &id);
	return err ? err : state_record(st, "plug", g->name, &id);
}

/* A machine being made: its maker, the socket umlnet talks to it on, its init once known. */
struct lab_ns_making {
	const char *name, *lower;
	int sock;
	pid_t maker, init;
};

/* umlnet's side of the making, in three steps (ns_make_steps): the init's pid (recorded), then
 * its lower layer, then its word that the root is made. */
static int ns_make_pid(struct state *st, struct lab_ns_making *m)
{
	struct proc_id id = { 0, 0 };
	int err, status;

	if (ns_read_pid(m->sock, &id.pid)) {
		waitpid(m->maker, &status, 0);
		log_info("machine %s: its maker ended early (%s %d)", m->name,
			WIFSIGNALED(status) ? "signal" : "status", WIFSIGNALED(status) ?
			WTERMSIG(status) : WEXITSTATUS(status));
		return -EIO;
	}
	waitpid(m->maker, &status, 0);
	id.start = proc_start_time(id.pid);
	m->init = id.pid;
	err = state_record(st, LAB_NS_KIND, m->name, &id);
	if (!err && ns_put(m->sock, NS_GO))
		err = -EIO;
	/* (Its network namespace is there: the plug makes its taps while it makes its root.) */
	return err ? err : ns_plug_start(st, conf_find_guest(st->conf, m->name), id.pid);
}

static int ns_make_lower(struct state *st, struct lab_ns_making *m)
{
	int err;

	(void)st;
	if (ns_recv(m->sock, 10000) != NS_LOWER_WANTED) {
		log_info("machine %s: no word from its init", m->name);
		return -EIO;
	}
	err = ns_idmap_lower(m->init, m->lower);
	return err ? err : ns_put(m->sock, NS_LOWER_IDMAPPED);
}

static int ns_make_ready(struct state *st, struct lab_ns_making *m)
{
	(void)st;
	if (ns_recv(m->sock, 10000) == NS_READY)
		return 0;
	log_info("machine %s: its root was not made", m->name);
	return -EIO;
}

struct ns_log_tail {
	char line[3][256];
	unsigned int n;
};

static int ns_log_line(void *opaque, char *line)
{
	struct ns_log_tail *t = opaque;

	snprintf(t->line[t->n++ % 3], sizeof(t->line[0]), "%s", line);
	return 0;
}

/* The failure, with the last lines of the log (gone with the state directory). */
static void ns_report(const struct state *st, const char *kind, const char *name,
		      const char *what)
{
	char file[CONF_NAME + 32], path[PATH_MAX];
	struct ns_log_tail t = { .n = 0 };
	unsigned int n;

	snprintf(file, sizeof(file), "%s-%s.log", kind, name);
	state_file(st, file, path, sizeof(path));
	state_lines_read(path, ns_log_line, &t); /* no log: nothing to show */
	n = t.n;
	log_err("machine %s: %s%s", name, what, n ? "; its log ends:" : "");
	for (unsigned int i = n > 3 ? n - 3 : 0; i < n; i++)
		fprintf(stderr, "  %s\n", t.line[i % 3]);
}

static int ns_make_start(struct state *st, const struct lab_ns_spec *s, struct lab_ns_making *m)
{
	int sv[2], log = ns_open_log(st, LAB_NS_KIND, s->name), err;

	*m = (struct lab_ns_making){ .name = s->name, .lower = s->lower, .sock = -1, .maker = -1,
				     .init = -1 };
	if (log < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		err = -errno;
		log_err("machine %s: %s", s->name, strerror(-err));
		if (log >= 0)
			close(log);
		return err;
	}
	fflush(NULL);
	m->maker = ns_fork(log);
	if (m->maker == 0) {
		close(sv[0]);
		ns_maker(st, sv[1], s->name, s->hostlab);
	}
	err = m->maker < 0 ? -errno : 0;
	close(sv[1]);
	close(log);
	if (err)
		close(sv[0]);
	else
		m->sock = sv[0];
	return err;
}

/* Each step for every machine before the next: while umlnet serves one, the others make their
 * roots. A machine whose step failed is reported; the sockets of all are closed (those still
 * being made end). */
static int ns_make_steps(struct state *st, struct lab_ns_making *m, int n)
{
	static int (*const steps[])(struct state *, struct lab_ns_making *) = {
		ns_make_pid, ns_make_lower, ns_make_ready
	};
	int err = 0;

	for (size_t k = 0; !err && k < sizeof(steps) / sizeof(steps[0]); k++)
		for (int i = 0; !err && i < n; i++)
			if ((err = steps[k](st, &m[i])))
				ns_report(st, LAB_NS_KIND, m[i].name,
					  "making its namespaces and root failed");
	for (int i = 0; i < n; i++) {
		if (m[i].sock >= 0)
			close(m[i].sock);
		m[i].sock = -1;
	}
	return err;
}

int lab_ns_make(struct state *st, const struct lab_ns_spec *s, int n)
{
	struct lab_ns_making *m = n > 0 ? calloc((size_t)n, sizeof(*m)) : NULL;
	int err = m || n <= 0 ? 0 : -ENOMEM, started = 0;

	for (; !err && started < n; started++)
		err = ns_make_start(st, &s[started], &m[started]);
	if (!err)
		err = ns_make_steps(st, m, started);
	for (int i = 0; err && m && i < started; i++)
		if (m[i].sock >= 0)
			close(m[i].sock);
	free(m);
	return err;
}

int lab_ns_enter(pid_t machine)
{
	int fd[NS_COUNT];
	char path[64];

	for (size_t i = 0; i < NS_COUNT; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)machine, ns_names[i]);
		fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fd[i] < 0)
			return -errno;
	}
	/* Host root's groups must not follow it in (they are not mapped, so never dropped). */
	if (geteuid() == 0 && setgroups(0, NULL) < 0)
		return -errno;
	for (size_t i = 0; i < NS_COUNT; i++) {
		if (setns(fd[i], ns_flags[i]) < 0)
			return -errno;
		close(fd[i]);
	}
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -errno;
	return 0;
}

static bool ns_has_dev(pid_t machine, const char *dev)
{
	char path[64], line[256];
	size_t n = strlen(dev);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)machine);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " ");

		found = !strncmp(p, dev, n) && p[n] == ':';
	}
	fclose(f);
	return found;
}

int lab_ns_plug_wait(struct state *st, int gi, pid_t machine)
{
	const struct conf_guest *g = &st->conf->g[gi];
	const struct state_proc *p = state_find(st, "plug", g->name);
	int err = 0;

	for (int i = 0; p && !err && i < g->neth; i++) {
		char dev[CONF_DEV_NAME];
		int waited = 0, step = 1;

		/* (A plug makes its taps within milliseconds: looks after 1, 2, 4... ms.) */
		conf_dev_name(&g->eth[i], dev);
		for (; !ns_has_dev(machine, dev) && proc_alive(&p->id) && waited < 10000;
		     waited += step, step = step < 8 ? step * 2 : 10)
			proc_sleep_ms(step);
		if (!ns_has_dev(machine, dev)) {
			ns_report(st, "plug", g->name, "umlnet-plug did not make its interfaces");
			err = -EIO;
		}
	}
	return err;
}
