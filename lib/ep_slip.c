// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_slip - UML's slip transport (transports.md §7, helper-protocol.md §5): a host pty whose
 * slave gets the SLIP line discipline, so the host has an sl<N> interface; we speak SLIP on the
 * master. With a gate address `uml_net 4 slip up <gate>` (stdin = the slave) attaches the
 * discipline and configures the host side, and `uml_net 4 slip down <sl>` undoes it at close;
 * without one we attach the discipline ourselves (needs CAP_NET_ADMIN) and the host side is
 * configured by hand. The endpoint converts Ethernet <-> IPv4 packets (ep_slipeth.h).
 * As the kernel we do not run `uml_net add/del` for addresses: the plug's guest addresses live in
 * another namespace; the host route to them is the user's.
 */
#include "ep_helper.h"
#include "ep_slipeth.h"
#include "ep_transports.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define SLIP_HELPER_TIMEOUT_MS 10000

struct slip_line {
	int slave;
	bool helper;            /* uml_net attached the discipline: it detaches it too */
	char slname[IFNAMSIZ];
};

/* The kernel's raw settings for the slave (slirp-and-slip.md §2). */
static int slip_raw(int fd)
{
	struct termios tio;

	memset(&tio, 0, sizeof(tio));
	tio.c_cflag = CS8 | CREAD | HUPCL | CLOCAL;
	tio.c_iflag = IGNBRK | IGNPAR;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, B38400);
	cfsetospeed(&tio, B38400);
	return tcsetattr(fd, TCSAFLUSH, &tio) < 0 ? -errno : 0;
}

/* Runs `uml_net 4 slip <op> <arg>` with stdin = the slave; text gets the helper's output. */
static int slip_tramp(struct slip_line *l, const char *op, const char *arg, char *text, size_t len)
{
	const char *argv[] = { "uml_net", "4", "slip", op, arg, NULL };
	int sv[2], r;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = ep_helper_spawn(argv, l->slave, sv[1], -1);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return (int)pid;
	}
	r = ep_helper_read_output(sv[0], text, len, SLIP_HELPER_TIMEOUT_MS);
	close(sv[0]);
	r = ep_helper_wait(pid, SLIP_HELPER_TIMEOUT_MS) ? -ECHILD : r;
	ep_helper_one_line(text);
	return r;
}

static void slip_cleanup(void *arg)
{
	struct slip_line *l = arg;

	if (l->helper) {
		char text[256];

		slip_tramp(l, "down", l->slname[0] == '(' ? "" : l->slname, text, sizeof(text));
	}
	close(l->slave);
	free(l);
}

/* Opens the pty pair; returns the master, l->slave set. */
static int slip_pty(struct slip_line *l, const char **step)
{
	char name[64];
	int m, r;

	*step = "opening a pty";
	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return -errno;
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0) {
		r = -errno;
		close(m);
		return r;
	}
	l->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	r = l->slave < 0 ? -errno : slip_raw(l->slave);
	if (r) {
		if (l->slave >= 0)
			close(l->slave);
		l->slave = -1;
		close(m);
		return r;
	}
	return m;
}

/* Attaches N_SLIP (through the helper when there is a gate) and learns the interface name. */
static int slip_attach(struct slip_line *l, const struct transport_spec *t, char *text, size_t len,
		       const char **step)
{
	int disc = N_SLIP, encap = 0;

	if (t->gate[0]) {
		int r;

		*step = "slip_tramp (uml_net 4 slip up) failed";
		if ((r = slip_tramp(l, "up", t->gate, text, len)))
			return r;
		l->helper = true;
	} else {
		*step = "Failed to set slip discipline encapsulation";
		if (ioctl(l->slave, TIOCSETD, &disc) < 0 || ioctl(l->slave, SIOCSIFENCAP, &encap) < 0)
			return -errno;
	}
	*step = "get_ifname failed";
	if (ioctl(l->slave, SIOCGIFNAME, l->slname) == 0)
		return 0;
	/* Only a kernel SLIP line answers; a helper that emulates the host's sl<N> in user space
	 * (ours, on hosts without N_SLIP) leaves a plain pty. The kernel gives up here; we need
	 * the name only for `slip down`, which finds the line by its fd anyway. */
	if (!l->helper || errno != ENOTTY)
		return -errno;
	snprintf(l->slname, sizeof(l->slname), "(emulated)");
	return 0;
}

int ep_slip_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	struct slip_line *l = calloc(1, sizeof(*l));
	char text[512] = "";
	const char *step = "";
	int m = -1, r;

	if (!l) {
		snprintf(err, errlen, "slip: out of memory");
		return -ENOMEM;
	}
	l->slave = -1;
	r = m = slip_pty(l, &step);
	if (m >= 0)
		r = slip_attach(l, t, text, sizeof(text), &step);
	if (!r) {
		char desc[128];

		snprintf(desc, sizeof(desc), "slip %s%s%s", l->slname, t->gate[0] ? " gate " : "", t->gate);
		step = "endpoint";
		r = ep_slipeth_new(m, "slip", desc, slip_cleanup, l, out);
	}
	if (r) {
		snprintf(err, errlen, "slip: %s: %s%s%s", step, strerror(-r), text[0] ? ": " : "", text);
		if (m >= 0)
			close(m);
		if (l->slave >= 0)
			slip_cleanup(l);
		else
			free(l);
	}
	return r;
}
