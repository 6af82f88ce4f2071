/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ethertap - `uml_net 4 ethertap <dev> <data-fd> [<gate>]` (doc/helper-protocol.md §2) on hosts
 * that have had no ethertap driver since Linux 2.6: a TAP device named <dev> stands in for it.
 *
 * The helper answers on fd 1 (a stream socket) with a status byte (1 = ready) and an output
 * record, then splits in two. The child drops to the caller's ids and relays frames between the
 * TAP and the kernel's data socket (each datagram = 2 opaque bytes + the Ethernet frame). The
 * parent keeps its privileges only to serve the address-change messages on fd 1 (ethertap_wire.h),
 * each checked like `add`/`del` and answered with an output record. The parent holds its own TAP fd and acts by ifindex, so the
 * device lives exactly as long as the session whatever happens to the relay. EOF on the control
 * socket ends both, after the parent released the guest's remaining address claims.
 */
#include "uml_net.h"
#include "ethertap_wire.h"
#include "relay.h"

#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define ETHERTAP_MTU 1500 /* the classic helper's; the guest's eth MTU is 1500 too */
#define ETHERTAP_PAD 2
#define ETHERTAP_BUF (ETHERTAP_PAD + 65536)

static int ethertap_answer(struct uml_net *un, uint8_t status)
{
	if (send(1, &status, 1, MSG_NOSIGNAL) != 1)
		return -EIO;
	return out_send_record(&un->out, 1);
}

struct ethertap_relay {
	int tap, data;
	uint8_t buf[ETHERTAP_BUF]; /* the first ETHERTAP_PAD bytes stay zero towards the kernel */
};

static bool ethertap_from_tap(void *arg)
{
	struct ethertap_relay *r = arg;
	ssize_t n = read(r->tap, r->buf + ETHERTAP_PAD, sizeof(r->buf) - ETHERTAP_PAD);

	if (n <= 0)
		return false;
	/* A full data socket drops the frame, as a wire would. */
	return send(r->data, r->buf, (size_t)n + ETHERTAP_PAD, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0 ||
	       errno == EAGAIN || errno == ENOBUFS;
}

static bool ethertap_from_data(void *arg)
{
	struct ethertap_relay *r = arg;
	ssize_t n = recv(r->data, r->buf, sizeof(r->buf), 0);

	if (n <= 0)
		return false;
	return n <= ETHERTAP_PAD || write(r->tap, r->buf + ETHERTAP_PAD, (size_t)n - ETHERTAP_PAD) >= 0 ||
	       errno == EINVAL || errno == EIO;
}

/* Frames both ways until either side ends; runs as the caller. */
static void ethertap_relay(int tap, int data)
{
	static struct ethertap_relay r;

	r.tap = tap;
	r.data = data;
	memset(r.buf, 0, ETHERTAP_PAD);
	relay_run(tap, ethertap_from_tap, data, ethertap_from_data, &r);
}

static bool ethertap_read_change(struct ethertap_change *c)
{
	size_t got = 0;

	while (got < sizeof(*c)) {
		ssize_t n = read(1, (char *)c + got, sizeof(*c) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* The guest addresses this session claimed, released when it ends. */
struct ethertap_claims {
	struct in_addr addr[UN_MAX_CLAIMS];
	struct in_addr mask[UN_MAX_CLAIMS];
	unsigned int n;
};

static void ethertap_note(struct ethertap_claims *cl, bool add, struct in_addr a,
			  struct in_addr m)
{
	unsigned int i;

	for (i = 0; i < cl->n && cl->addr[i].s_addr != a.s_addr; i++)
		;
	if (add && i == cl->n && cl->n < UN_MAX_CLAIMS) {
		cl->addr[cl->n] = a;
		cl->mask[cl->n++] = m;
	} else if (!add && i < cl->n) {
		cl->addr[i] = cl->addr[--cl->n];
		cl->mask[i] = cl->mask[cl->n];
	}
}

/*
 * Serves address changes until the kernel closes the control socket. The device is ifindex,
 * fixed at creation and kept alive by our own TAP fd: if the relay dies (the caller may kill it,
 * it runs as the caller), the name cannot pass to another device that a change would then
 * configure as root.
 */
static void ethertap_changes(struct uml_net *un, const char *ifname, int ifindex)
{
	struct ethertap_claims cl = { .n = 0 };
	struct ethertap_change c;

	while (ethertap_read_change(&c)) {
		struct in_addr addr, mask;

		memcpy(&addr, c.addr, 4);
		memcpy(&mask, c.mask, 4);
		out_init(&un->out);
		if (c.what == ETHERTAP_CHANGE_ADD || c.what == ETHERTAP_CHANGE_DEL) {
			bool add = c.what == ETHERTAP_CHANGE_ADD;

			if (un_addr_change(un, add, ifname, ifindex, addr, mask) == 0)
				ethertap_note(&cl, add, addr, mask);
		} else {
			out_line(&un->out, "refused: unknown address change %d", (int)c.what);
		}
		if (out_send_record(&un->out, 1) < 0)
			break;
	}
	/* The route goes with the device, but proxy-ARP entries on the other interfaces would
	 * outlive it: release whatever the guest did not. */
	for (unsigned int i = 0; i < cl.n; i++)
		un_addr_change(un, false, ifname, ifindex, cl.addr[i], cl.mask[i]);
}

/* The kernel's data end: an AF_UNIX datagram socket the caller passed (never one of ours). */
static bool ethertap_data_fd_ok(struct uml_net *un, int fd)
{
	int type = 0, domain = 0;
	socklen_t len = sizeof(type), dlen = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM &&
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) == 0 && domain == AF_UNIX)
		return true;
	out_line(&un->out, "refused: data fd %d is not a unix datagram socket", fd);
	return false;
}

int ethertap_run(struct uml_net *un)
{
	const struct request *r = &un->req;
	char ifname[IFNAMSIZ];
	pid_t relay;
	int tap, ifindex;

	if (!ethertap_data_fd_ok(un, r->data_fd) ||
	    !un_allowed(un, POLICY_OP_ETHERTAP, &r->gate, r->has_gate ? 1 : 0) ||
	    (r->has_gate && !un_gate_free(un, r->gate)))
		goto fail;
	if (if_nametoindex(r->dev) != 0) {
		out_line(&un->out, "refused: %s already exists on the host", r->dev);
		goto fail;
	}
	tap = un_tun_create(un, true, r->dev, ifname);
	if (tap < 0)
		goto fail;
	ifindex = (int)if_nametoindex(ifname); /* ours: we hold its only fd */
	if (ifindex == 0 || (r->has_gate && un_gate_up(un, ifname, r->gate, ETHERTAP_MTU) < 0)) {
		close(tap);
		goto fail;
	}
	out_line(&un->out, "ethertap %s: no ethertap on this host, relaying through TAP %s", r->dev,
		 ifname);
	if (ethertap_answer(un, 1) < 0) {
		close(tap);
		return 1;
	}
	relay = fork();
	if (relay == 0) {
		close(1);
		nl_close(&un->nl);
		un_drop_privileges(un);
		ethertap_relay(tap, r->data_fd);
		_exit(0);
	}
	close(r->data_fd);
	if (relay > 0) {
		ethertap_changes(un, ifname, ifindex);
		kill(relay, SIGKILL);
		waitpid(relay, NULL, 0);
	}
	close(tap);
	return 0;
fail:
	ethertap_answer(un, 0);
	return 1;
}
