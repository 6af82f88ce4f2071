// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"
#include "qemu.h"
#include "qemu_nic.h"
#include "qemu_tty.h"
#include "qmp.h"
#include "state_lines.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define QEMU_IMAGE "umlnet-qemu-image"
#define QEMU_ROOT_CACHE "/var/cache/umlnet"

void qemu_path(const struct state *st, const char *vm, const char *ext, char *out, size_t len)
{
	snprintf(out, len, "%s/uml/%s.%s", st->dir, vm, ext);
}

void qemu_switch_listen(const struct state *st, int sw, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.qemu", st->dir, st->conf->sw[sw].name);
}

const char *qemu_opt_value(const char *value, char out[QEMU_OPT_VALUE])
{
	size_t n = 0;

	for (const char *p = value; *p && n + 2 < QEMU_OPT_VALUE; p++) {
		if (*p == ',')
			out[n++] = ',';
		out[n++] = *p;
	}
	out[n] = '\0';
	return out;
}

const char *qemu_mac(const char *vm, const struct conf_eth *e, char *out)
{
	if (!e->mac[0])
		return conf_hashed_mac(vm, e->index, out);
	for (int i = 0; i < 18; i++)
		out[i] = (char)tolower((unsigned char)e->mac[i]);
	return out;
}

bool qemu_uses_image(const struct conf_guest *g)
{
	return !g->kernel[0] && !g->disk[0];
}

/* In a child as the guests' user: /dev/kvm opens and makes a VM with a vCPU (present but
 * broken, as on some nested hosts, fails here rather than in every VM). */
static bool qemu_kvm_works(const struct proc_as *as)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int kvm, vm;

		if (as->drop && proc_drop(as))
			_exit(1);
		kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm < 0 || ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
			_exit(1);
		vm = ioctl(kvm, KVM_CREATE_VM, 0);
		_exit(vm < 0 || ioctl(vm, KVM_CREATE_VCPU, 0) < 0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* The builder's path: next to umlnet (the build tree), in libexec, or on PATH. */
static int qemu_image_program(char *out, size_t len)
{
	if (!proc_find_program(QEMU_IMAGE, out, len))
		return 0;
	snprintf(out, len, "%s/%s", UMLNET_LIBEXECDIR, QEMU_IMAGE);
	return access(out, X_OK) ? -ENOENT : 0;
}

/* Runs umlnet-qemu-image (its errors to <state>/qemu-image.log) and reads "KERNEL INITRD". */
static int qemu_image(struct state *st, struct qemu_env *env)
{
	char prog[PATH_MAX], log[PATH_MAX], out[2 * PATH_MAX + 2] = "";
	int fds[2], status;
	size_t n = 0;
	pid_t pid;

	if (qemu_image_program(prog, sizeof(prog))) {
		log_err("qemu guests: %s is not installed", QEMU_IMAGE);
		return -ENOENT;
	}
	state_file(st, "qemu-image.log", log, sizeof(log));
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0 || dup2(fds[1], 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		/* As root the image must be readable by the guests' user: not under /root, and
		 * not with umlnet's own umask. */
		if (geteuid() == 0)
			setenv("UMLNET_CACHE", QEMU_ROOT_CACHE, 0);
		umask(022);
		execl(prog, prog, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (ssize_t r; pid > 0 && n < sizeof(out) - 1 &&
	     (r = read(fds[0], out + n, sizeof(out) - 1 - n)) > 0;)
		n += (size_t)r;
	close(fds[0]);
	out[n] = '\0';
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || sscanf(out, "%4095s %4095s", env->kernel, env->initrd) != 2) {
		log_err("qemu guests: %s failed (see %s)", QEMU_IMAGE, log);
		return -EIO;
	}
	return 0;
}

int qemu_prepare(struct state *st, struct qemu_env *env)
{
	char path[PATH_MAX];
	bool need_image = false;
	int err;

	memset(env, 0, sizeof(*env));
	for (int i = 0; i < st->conf->ng; i++)
		need_image |= st->conf->g[i].kind == CONF_GUEST_QEMU &&
			      qemu_uses_image(&st->conf->g[i]);
	if (proc_find_program(QEMU_PROGRAM, path, sizeof(path))) {
		log_err("qemu guests: %s not found (install "
				"qemu-system-x86)", QEMU_PROGRAM);
		return -ENOENT;
	}
	snprintf(env->accel, sizeof(env->accel), "%s", qemu_kvm_works(&st->as) ? "kvm" : "tcg");
	err = state_write_file(st, "qemu-accel", env->accel, 0644, (gid_t)-1);
	if (!err && need_image)
		err = qemu_image(st, env);
	return err;
}

const char *qemu_accel(const struct state *st, char *out, size_t len)
{
	char path[PATH_MAX];

	state_file(st, "qemu-accel", path, sizeof(path));
	if (state_lines_first(path, out, len) < 0 || !out[0])
		snprintf(out, len, "?");
	return out;
}

/* The kernel command line: what the image's init reads (qemu-image.sh), then append=. */
static void qemu_cmdline(const struct conf_guest *g, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "console=ttyS0 quiet panic=-1 umlnet.name=%s",
				    g->name);
	char mac[18], dev[CONF_DEV_NAME];

	for (int i = 0; i < g->neth && n < len; i++) {
		conf_dev_name(&g->eth[i], dev);
		n += (size_t)snprintf(out + n, len - n, " umlnet.hw.%s=%s", dev,
				      qemu_mac(g->name, &g->eth[i], mac));
		if (g->eth[i].ip[0] && n < len)
			n += (size_t)snprintf(out + n, len - n, " umlnet.%s=%s", dev, g->eth[i].ip);
	}
	for (int i = 0; i < g->nroute && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, " umlnet.route=%s,%s", g->route[i].dest,
				      g->route[i].via);
	if (g->append[0] && n < len)
		snprintf(out + n, len - n, " %s", g->append);
}

static int qemu_build(const struct state *st, const struct qemu_env *env,
		      const struct conf_guest *g, struct argvec *a)
{
	char path[PATH_MAX], cmdline[2048], opt[QEMU_OPT_VALUE];
	const char *kernel = g->kernel[0] ? g->kernel : env->kernel;

	if (proc_find_program(QEMU_PROGRAM, path, sizeof(path)))
		return -ENOENT;
	argvec_add(a, "%s", path);
	argvec_add(a, "-name");
	argvec_add(a, "%s", g->name);
	argvec_add(a, "-accel");
	argvec_add(a, "%s", env->accel);
	if (!strcmp(env->accel, "kvm")) {
		argvec_add(a, "-cpu");
		argvec_add(a, "host");
	}
	argvec_add(a, "-nodefaults");
	argvec_add(a, "-display");
	argvec_add(a, "none");
	argvec_add(a, "-no-reboot");
	argvec_add(a, "-m");
	argvec_add(a, "%s", g->mem);
	if (kernel[0]) {
		qemu_cmdline(g, cmdline, sizeof(cmdline));
		argvec_add(a, "-kernel");
		argvec_add(a, "%s", kernel);
		if (g->initrd[0] || !g->kernel[0]) {
			argvec_add(a, "-initrd");
			argvec_add(a, "%s", g->kernel[0] ? g->initrd : env->initrd);
		}
		argvec_add(a, "-append");
		argvec_add(a, "%s", cmdline);
	}
	if (g->disk[0]) {
		argvec_add(a, "-drive");
		argvec_add(a, "file=%s,if=virtio", qemu_opt_value(g->disk, opt));
	}
	qemu_path(st, g->name, "console", path, sizeof(path));
	argvec_add(a, "-serial");
	argvec_add(a, "file:%s", path);
	qemu_path(st, g->name, "tty", path, sizeof(path));
	argvec_add(a, "-chardev");
	argvec_add(a, "socket,id=tty,path=%s,server=on,wait=off", qemu_opt_value(path, opt));
	argvec_add(a, "-serial");
	argvec_add(a, "chardev:tty");
	qemu_path(st, g->name, "qmp", path, sizeof(path));
	argvec_add(a, "-qmp");
	argvec_add(a, "unix:%s,server=on,wait=off", qemu_opt_value(path, opt));
	for (int i = 0; i < g->neth; i++)
		qemu_nic_args(st, g->name, &g->eth[i], a);
	return a->oom ? -ENOMEM : 0;
}

/* Connects the command channel of a VM just started. */
static int qemu_tty_open(const struct state *st, const char *vm, struct linesock **tty)
{
	char path[PATH_MAX];
	int err;

	if (!(*tty = malloc(sizeof(**tty))))
		return -ENOMEM;
	qemu_path(st, vm, "tty", path, sizeof(path));
	err = linesock_connect(*tty, path, 10000);
	if (err) {
		log_err("guest %s: command channel '%s': %s", vm, path,
			strerror(-err));
		free(*tty);
		*tty = NULL;
	}
	return err;
}

int qemu_start(struct state *st, const struct qemu_env *env, int gi, struct linesock **tty)
{
	const struct conf_guest *g = &st->conf->g[gi];
	struct argvec a = { .n = 0 };
	struct proc_as as = st->as;
	struct proc_id id;
	char log[PATH_MAX];
	int err = qemu_build(st, env, g, &a);

	*tty = NULL;
	as.fd3 = -1;
	if (!err) {
		snprintf(log, sizeof(log), "%s/%s.log", st->dir, g->name);
		err = proc_spawn_as(a.v, log, &as, &id);
		if (err)
			log_err("guest %s: starting %s: %s", g->name,
				a.v[0], strerror(-err));
		else
			err = state_record(st, "qemu", g->name, &id);
		if (!err && qemu_uses_image(g))
			err = qemu_tty_open(st, g->name, tty);
	} else {
		log_err("guest %s: building QEMU's arguments: %s",
			g->name, strerror(-err));
	}
	argvec_free(&a);
	return err;
}

/* The last lines of the VM's console, for an error about its boot. */
static void qemu_console_tail(const struct state *st, const char *vm)
{
	char path[PATH_MAX], buf[1500];
	FILE *f;
	size_t n;

	qemu_path(st, vm, "console", path, sizeof(path));
	if (!(f = fopen(path, "re")))
		return;
	fseek(f, -(long)(sizeof(buf) - 1), SEEK_END);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	fprintf(stderr, "  --- end of %s ---\n%s\n", path, buf);
}

int qemu_wait_ready(struct state *st, int gi, struct linesock *tty, int timeout_ms)
{
	const struct conf_guest *g = &st->conf->g[gi];
	const struct state_proc *p = state_find(st, "qemu", g->name);
	char path[PATH_MAX], why[256] = "";
	int err = -ETIMEDOUT;

	if (!p)
		return -ESRCH;
	if (tty) {
		err = qemu_tty_ready(tty, &p->id, timeout_ms);
		linesock_close(tty);
		free(tty);
	} else {
		qemu_path(st, g->name, "qmp", path, sizeof(path));
		for (int t = 0; t < timeout_ms / 100 && err && proc_alive(&p->id); t++) {
			err = qmp_once(path, "{\"execute\":\"query-status\"}", why, sizeof(why));
			if (err)
				proc_sleep_ms(100);
		}
	}
	if (err) {
		log_err("guest %s: %s (QEMU's output: %s/%s.log)", g->name,
			!proc_alive(&p->id) ? "QEMU exited while booting" : err == -ETIMEDOUT ?
			"not up in time" : strerror(-err), st->dir, g->name);
		qemu_console_tail(st, g->name);
	}
	return err;
}

void qemu_stop_all(struct state *st)
{
	char path[PATH_MAX], why[256];
	bool asked[STATE_MAX_PROCS] = { false };

	/* Every VM is asked at once; then each gets what is left of the time. */
	for (int i = 0; i < st->nprocs; i++) {
		const struct state_proc *p = &st->procs[i];

		if (strcmp(p->kind, "qemu") || !proc_alive(&p->id))
			continue;
		qemu_path(st, p->name, "qmp", path, sizeof(path));
		asked[i] = !qmp_once(path, "{\"execute\":\"system_powerdown\"}", why,
				     sizeof(why));
		if (!asked[i])
			log_info("guest %s: ACPI powerdown: %s; killing it",
				p->name, why);
	}
	for (int i = 0; i < st->nprocs; i++) {
		const struct state_proc *p = &st->procs[i];

		if (strcmp(p->kind, "qemu"))
			continue;
		if (asked[i] && !proc_wait_gone(&p->id, QEMU_STOP_MS))
			log_info("guest %s: still running %d s after the ACPI "
					"powerdown; killing it", p->name, QEMU_STOP_MS / 1000);
		proc_stop(&p->id, SIGTERM, 2000);
	}
}
