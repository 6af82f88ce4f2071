// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_slip - UML's slip transport (doc/transports.md §7, doc/helper-protocol.md §5): a host pty whose
 * slave gets the SLIP line discipline, so the host has an sl<N> interface; we speak SLIP on the
 * master. With a gate address `uml_net 4 slip up <gate>` (stdin = the slave) attaches the
 * discipline and configures the host side, and `uml_net 4 slip down <sl>` undoes it at close;
 * without one we attach the discipline ourselves (needs CAP_NET_ADMIN) and the host side is
 * configured by hand. The endpoint converts Ethernet <-> IPv4 packets (ep_slipeth.h).
 * With the helper, the endpoint's addr_change runs `uml_net 4 add|del <slN> <addr> <mask>` as the
 * kernel's notifier does, so the host routes and proxy-ARPs the guest's addresses; without it the
 * host side is the user's.
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

/* The kernel's raw settings for the slave (doc/slirp-and-slip.md §2). */
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

	return ep_helper_run(argv, l->slave, text, len, SLIP_HELPER_TIMEOUT_MS);
}

/* The address hook (doc/helper-protocol.md §4): `uml_net 4 add|del <slN> <addr> <mask>`. */
static int slip_addr_change(void *arg, bool add, uint32_t addr_be, uint32_t mask_be, char *msg,
			    size_t msglen)
{
	struct slip_line *l = arg;

	if (l->slname[0] == '(') {
		/* The helper emulates the line in user space: no host interface to route through. */
		snprintf(msg, msglen, "the host SLIP interface has no name (emulated line)");
		return -ENODEV;
	}
	return ep_helper_addr(l->slname, add, addr_be, mask_be, msg, msglen);
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

/*
 * Our uml_net on a host without N_SLIP answers `slip up` with "... <slN> is a user-space SLIP
 * interface ...": the only place the emulated interface's name appears. Takes it only when it is
 * exactly sl<digits>; returns 0 or -ENOENT.
 */
static int slip_emulated_name(const char *text, char name[IFNAMSIZ])
{
	const char *end = strstr(text, " is a user-space SLIP interface"), *start = end;
	size_t n;

	if (!end)
		return -ENOENT;
	while (start > text && start[-1] != ' ')
		start--;
	n = (size_t)(end - start);
	if (n < 3 || n >= IFNAMSIZ || strncmp(start, "sl", 2) != 0 ||
	    strspn(start + 2, "0123456789") != n - 2)
		return -ENOENT;
	memcpy(name, start, n);
	name[n] = 0;
	return 0;
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
	 * (ours, on hosts without N_SLIP) leaves a plain pty. The kernel gives up here; `slip
	 * down` finds the line by its fd anyway, and `add`/`del` need the name its text gives. */
	if (!l->helper || errno != ENOTTY)
		return -errno;
	if (slip_emulated_name(text, l->slname) < 0)
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
		if (!r && l->helper)
			ep_slipeth_set_addr_hook(*out, slip_addr_change);
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
