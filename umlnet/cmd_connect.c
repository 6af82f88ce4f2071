// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * connect - an interactive shell on a machine of a running lab, or on a guest of a running
 * network, in this terminal:
 *   umlnet connect [-d DIR] MACHINE     a machine of the lab in DIR (default: .)
 *   umlnet connect NETWORK GUEST        a guest of a network of `umlnet up`
 * Ctrl-] detaches (as telnet's escape): the machine runs on.
 *
 * A namespace machine gets a new login shell inside its namespaces (lab_ns.h) on a pty of
 * ours; detaching ends that shell. A UML machine gets its console 2 on a host pty (mconsole
 * "config con2=pts", once) and a login shell on its /dev/tty2, started through its command
 * channel; detaching leaves that shell running, and the next connect finds it again.
 */
#include "guest.h"
#include "lab.h"
#include "lab_ns.h"
#include "log.h"
#include "mconsole.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define CONNECT_DETACH 0x1d /* Ctrl-] */

/* Copies between our terminal (in raw mode when it is one) and fd until Ctrl-], the end of
 * our input or of fd, or child (if > 0) ending. */
static void connect_relay(int fd, pid_t child)
{
	struct termios saved, raw;
	bool tty = tcgetattr(0, &saved) == 0;
	char buf[4096];

	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = fd, .events = POLLIN } };
		ssize_t n;
		char *esc;

		if (child > 0 && waitpid(child, NULL, WNOHANG) == child)
			break;
		if (poll(p, 2, 200) < 0 && errno != EINTR)
			break;
		if (p[1].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0 || write(1, buf, (size_t)n) != n)
				break;
		}
		if (p[0].revents) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0)
				break;
			esc = memchr(buf, CONNECT_DETACH, (size_t)n);
			if (esc)
				n = esc - buf;
			if (n > 0 && write(fd, buf, (size_t)n) != n)
				break;
			if (esc)
				break;
		}
	}
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
}

/* A pty pair: *master ours, *slave for the shell. 0 or -errno. */
static int connect_pty(int *master, int *slave)
{
	struct winsize ws;

	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0)
		return -errno;
	*slave = open(ptsname(*master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return -errno;
	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(*slave, TIOCSWINSZ, &ws);
	return 0;
}

static int connect_ns(struct state *st, const char *name)
{
	int master = -1, slave = -1, err = connect_pty(&master, &slave);
	pid_t shell = err ? err : lab_ns_shell(st, name, slave);

	if (slave >= 0)
		close(slave);
	if (shell > 0) {
		connect_relay(master, shell);
		kill(shell, SIGHUP);
		waitpid(shell, NULL, 0);
	}
	if (master >= 0)
		close(master);
	if (err)
		log_err("a terminal for machine %s: %s", name,
			strerror(-err));
	return shell > 0 ? 0 : 1;
}

/* Console 2 of a UML guest on a host pty ("pts"), set once through its mconsole. 0 or -errno. */
static int connect_uml_con2(struct state *st, const char *name)
{
	struct mconsole_result res = { 0 };
	char sock[PATH_MAX];
	int err;

	state_mconsole(st, name, sock, sizeof(sock));
	err = mconsole_run(sock, "config con2", 2000, &res);
	if (!err && res.text && !strncmp(res.text, "pts", 3)) {
		mconsole_result_free(&res);
		return 0;
	}
	mconsole_result_free(&res);
	err = mconsole_run(sock, "config con2=pts", 2000, &res);
	if (!err && res.failed)
		err = -EIO;
	mconsole_result_free(&res);
	return err;
}

/* The pty UML holds for console 2 (made when the guest opens /dev/tty2): the /dev/ptmx among
 * the UML process's files, its slave named by tty-index. 0 and path, or -ENOENT. */
static int connect_uml_pty(pid_t uml, char *path, size_t len)
{
	char dir[64], link[PATH_MAX], info[96], line[128];

	for (int fd = 0; fd < 1024; fd++) {
		FILE *f;
		ssize_t n;
		int index = -1;

		snprintf(dir, sizeof(dir), "/proc/%d/fd/%d", (int)uml, fd);
		n = readlink(dir, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "/dev/ptmx") && strcmp(link, "/dev/pts/ptmx"))
			continue;
		snprintf(info, sizeof(info), "/proc/%d/fdinfo/%d", (int)uml, fd);
		f = fopen(info, "re");
		while (f && fgets(line, sizeof(line), f))
			sscanf(line, "tty-index: %d", &index);
		if (f)
			fclose(f);
		if (index >= 0) {
			snprintf(path, len, "/dev/pts/%d", index);
			return 0;
		}
	}
	return -ENOENT;
}

/* A login shell on tty2 unless one runs there: through the command channel, not waited for. */
#define CONNECT_UML_SHELL "pgrep -t tty2 >/dev/null 2>&1 || setsid -c bash -l <>/dev/tty2 >&0 " \
	"2>&0 &"

static int connect_uml(struct state *st, const char *name)
{
	const struct state_proc *p = state_find(st, "guest", name);
	char path[PATH_MAX], id[32];
	int err = connect_uml_con2(st, name), fd = -1;

	if (!err)
		err = guest_post(st, name, CONNECT_UML_SHELL, id, sizeof(id), NULL);
	for (int t = 0; !err && t < 50 && connect_uml_pty(p->id.pid, path, sizeof(path)); t++)
		proc_sleep_ms(100);
	if (!err && connect_uml_pty(p->id.pid, path, sizeof(path)))
		err = -ENODEV;
	if (!err && (fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		err = -errno;
	if (err) {
		log_err("guest %s: no console 2 to connect to: %s", name,
			strerror(-err));
		return 1;
	}
	if (write(fd, "\n", 1) != 1) /* a fresh prompt for whoever connects again */
		err = -errno;
	connect_relay(fd, 0);
	close(fd);
	return err ? 1 : 0;
}

int cmd_connect(struct umlnet_opts *o, int argc, char **argv)
{
	const char *dir = ".", *name;
	struct state st;
	int rc, i = 1;

	if (argc > 2 && !strcmp(argv[1], "-d")) {
		dir = argv[2];
		i = 3;
	}
	if (argc - i == 2 && !o->network && i == 1) {
		o->network = argv[i++];
	} else if (argc - i != 1) {
		log_err("usage: umlnet connect [-d DIR] MACHINE | umlnet "
				"connect NETWORK GUEST");
		return 2;
	}
	name = argv[i];
	if (o->network || o->state_dir || !lab_running(o, dir))
		rc = state_open(&st, o->state_dir, o->network);
	else
		rc = lab_open(o, dir, &st);
	if (rc) {
		state_close(&st);
		return 1;
	}
	if (lab_ns_machine(&st, name)) {
		rc = connect_ns(&st, name);
	} else if (state_find(&st, "guest", name)) {
		rc = connect_uml(&st, name);
	} else {
		log_err("'%s': no such machine or guest in network '%s'",
			name, st.conf->name);
		rc = 1;
	}
	if (!rc && isatty(1))
		printf("\r\n[left %s; it runs on]\r\n", name);
	state_close(&st);
	return rc;
}
