/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * slip - `uml_net 4 slip up <gate>` / `slip down [<name>]` (doc/helper-protocol.md §5); stdin is
 * the pty slave whose master the UML kernel reads and writes SLIP on.
 *
 * With the host's SLIP line discipline (N_SLIP) the helper attaches it as the classic one did
 * and configures the kernel's sl<N>. A host without it (TIOCSETD fails with EINVAL; this one
 * lists only n_tty and n_null in /proc/tty/ldiscs) gets the host SLIP interface emulated in
 * user space instead: a TUN device (IFF_TUN | IFF_NO_PI, named sl<N>) with the same host set-up,
 * and a relay child, running as the caller, that decodes SLIP from the slave into the TUN and
 * encodes the TUN's packets onto the slave. `slip up` returns at once (the kernel waits for
 * it); the relay lives until the line hangs up, when the kernel closes the pty.
 */
#include "uml_net.h"

#include "relay.h"
#include "slip.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/sockios.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SLIP_MTU_HOST 1500
/* UNIX98 pty slaves (/dev/pts/N): majors 136..143 */
#define SLIP_PTS_MAJOR_FIRST 136
#define SLIP_PTS_MAJOR_LAST 143

/* Writes all of buf to fd (the pty slave is blocking). */
static int slip_write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void slip_to_tun(void *arg, const uint8_t *pkt, size_t len)
{
	int tun = *(int *)arg;

	/* Only IPv4 crosses a SLIP line (the UML forces the protocol to IPv4). */
	if (len >= 20 && (pkt[0] >> 4) == 4 && write(tun, pkt, len) < 0) {
		/* dropped: a bad packet or a full queue, as a wire would */
	}
}

struct slip_relay {
	int line, tun;
	struct slip_decoder dec;
	uint8_t in[4096], pkt[SLIP_MTU_HOST + 64], enc[SLIP_ENCODED_MAX(SLIP_MTU_HOST + 64)];
};

static bool slip_from_line(void *arg)
{
	struct slip_relay *r = arg;
	ssize_t n = read(r->line, r->in, sizeof(r->in));

	if (n <= 0)
		return false; /* hangup: the kernel closed the master */
	slip_decode(&r->dec, r->in, (size_t)n, slip_to_tun, &r->tun);
	return true;
}

static bool slip_from_tun(void *arg)
{
	struct slip_relay *r = arg;
	ssize_t n = read(r->tun, r->pkt, sizeof(r->pkt));

	if (n <= 0)
		return false;
	return (size_t)n > SLIP_MTU ||
	       slip_write_all(r->line, r->enc, slip_encode(r->pkt, (size_t)n, r->enc)) == 0;
}

/* Runs as the caller until the line or the TUN ends. */
static void slip_relay(int line, int tun)
{
	static struct slip_relay r;

	r.line = line;
	r.tun = tun;
	slip_decoder_init(&r.dec);
	relay_run(line, slip_from_line, tun, slip_from_tun, &r);
}

/* The host has N_SLIP: attach it and configure the kernel's sl<N>. */
static int slip_native(struct uml_net *un)
{
	char name[IFNAMSIZ] = "";
	int encap = 0;

	if (ioctl(0, SIOCSIFENCAP, &encap) < 0 || ioctl(0, SIOCGIFNAME, name) < 0) {
		out_line(&un->out, "setting up the SLIP line failed: %s", strerror(errno));
		return 1;
	}
	return un_gate_up(un, name, un->req.gate, SLIP_MTU_HOST) < 0 ? 1 : 0;
}

static int slip_emulated(struct uml_net *un)
{
	char name[IFNAMSIZ];
	pid_t relay;
	int tun = un_tun_create(un, false, "sl%d", name);

	if (tun < 0)
		return 1;
	if (un_gate_up(un, name, un->req.gate, SLIP_MTU_HOST) < 0) {
		close(tun);
		return 1;
	}
	relay = fork();
	if (relay == 0) {
		setsid();
		close(1);
		nl_close(&un->nl);
		un_drop_privileges(un);
		slip_relay(0, tun);
		_exit(0);
	}
	close(tun);
	if (relay < 0) {
		out_line(&un->out, "starting the SLIP relay failed: %s", strerror(errno));
		return 1;
	}
	out_line(&un->out, "no SLIP line discipline on this host: %s is a user-space SLIP "
			   "interface (relay pid %d)", name, (int)relay);
	return 0;
}

/*
 * The line on fd 0 must be a pty slave of the caller's, as the one a UML opens on /dev/ptmx
 * is: the ioctls below run as root, and any other tty the caller can open (a serial port of
 * group dialout, a line root already runs SLIP on) is not the caller's to turn into, or take
 * down as, a host network interface.
 */
static bool slip_line_mine(struct uml_net *un)
{
	struct stat st;

	if (!isatty(0) || fstat(0, &st) < 0 || !S_ISCHR(st.st_mode)) {
		out_line(&un->out, "refused: stdin is not the SLIP pty");
		return false;
	}
	if (un->root)
		return true;
	if (major(st.st_rdev) < SLIP_PTS_MAJOR_FIRST || major(st.st_rdev) > SLIP_PTS_MAJOR_LAST ||
	    st.st_uid != un->who.uid) {
		out_line(&un->out, "refused: stdin is not a pty slave of uid %u",
			 (unsigned int)un->who.uid);
		return false;
	}
	return true;
}

int slip_up(struct uml_net *un)
{
	int disc = N_SLIP, cur = -1, rc;

	if (!un_allowed(un, POLICY_OP_SLIP, &un->req.gate, 1) || !slip_line_mine(un) ||
	    !un_gate_free(un, un->req.gate)) {
		rc = 1;
	} else if (ioctl(0, TIOCGETD, &cur) == 0 && cur == N_SLIP) {
		out_line(&un->out, "refused: the line already runs SLIP");
		rc = 1;
	} else if (ioctl(0, TIOCSETD, &disc) == 0) {
		rc = slip_native(un);
	} else if (errno == EINVAL) {
		rc = slip_emulated(un);
	} else {
		out_line(&un->out, "setting the SLIP line discipline failed: %s", strerror(errno));
		rc = 1;
	}
	out_send_record(&un->out, 1);
	return rc;
}

int slip_down(struct uml_net *un)
{
	char name[IFNAMSIZ] = "";
	int ifindex;

	if (!un_allowed(un, POLICY_OP_SLIP, NULL, 0) || !slip_line_mine(un)) {
		out_send_record(&un->out, 1);
		return 1;
	}
	/* The interface is the one on our stdin: proof that the caller owns the line. */
	if (ioctl(0, SIOCGIFNAME, name) < 0 || (ifindex = (int)if_nametoindex(name)) == 0) {
		out_line(&un->out, "slip down: no kernel SLIP interface on this line (a user-space "
				   "one ends with the line)");
		out_send_record(&un->out, 1);
		return 0;
	}
	if (nl_link_set(&un->nl, ifindex, false, 0) < 0)
		out_line(&un->out, "slip down: setting %s down failed", name);
	out_send_record(&un->out, 1);
	return 0;
}
