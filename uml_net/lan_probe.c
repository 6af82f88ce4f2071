/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lan_probe - whether an address a caller claims is already someone's on a network the host
 * is attached to (a LAN router's address inside a policy range, say).
 *
 * Theory of operation: a claimed address is announced, by proxy ARP, on every interface whose
 * subnet holds it (nl_subnet_ifs: the networks directly attached, not the default route). On
 * each of those interfaces:
 *   - a permanent (static) ARP entry for the address says someone is there: in use;
 *   - otherwise any cached entry is dropped (it may be stale, or from before that machine left)
 *     and the kernel resolves the address afresh (NTF_USE: one ARP request, at once);
 * all interfaces at the same time. An answer within UN_PROBE_MS on any of them means the
 * address is in use there. The entries the probe made that got no answer are removed. Networks
 * behind a router are not probed: nothing there learns of the claim, which only routes this
 * host's own traffic (the policy decides those). A machine that is down, or ignores ARP, at
 * the time of the claim cannot be seen.
 */
#include "uml_net.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <time.h>

#define UN_PROBE_MS 1000 /* an ARP answer on a LAN takes milliseconds; a second is generous */
#define UN_PROBE_STEP_MS 20
#define UN_PROBE_IFS 16

/* An interface's verdict so far: 1 in use, 0 free (no answer), -EAGAIN still waiting. */
static int un_probe_state(int state)
{
	if (state < 0 || state == 0 || (state & (NUD_FAILED | NUD_NOARP)))
		return 0; /* NOARP: a device without ARP (point-to-point) has no neighbours to ask */
	if (state & (NUD_REACHABLE | NUD_PERMANENT | NUD_STALE | NUD_DELAY | NUD_PROBE))
		return 1; /* STALE and the like only after our request: an answer came */
	return -EAGAIN;
}

/* Starts resolving addr on ifindex; 1 when a static entry already says it is in use. */
static int un_probe_start(struct uml_net *un, struct in_addr addr, int ifindex)
{
	int state = nl_neigh_state(&un->nl, addr, ifindex);

	if (state > 0 && (state & NUD_PERMANENT))
		return 1;
	if (state > 0)
		(void)nl_neigh_del(&un->nl, addr, ifindex);
	return nl_neigh_resolve(&un->nl, addr, ifindex);
}

static void un_sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int un_lan_user(struct uml_net *un, struct in_addr addr, int skip_ifindex)
{
	int ifs[UN_PROBE_IFS], verdict[UN_PROBE_IFS], user = 0, waiting;
	int n = nl_subnet_ifs(&un->nl, addr, skip_ifindex, ifs, UN_PROBE_IFS);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		int r = un_probe_start(un, addr, ifs[i]);

		if (r < 0)
			return r;
		verdict[i] = r == 1 ? 1 : -EAGAIN;
	}
	for (int t = 0; t <= UN_PROBE_MS; t += UN_PROBE_STEP_MS) {
		waiting = 0;
		for (int i = 0; i < n; i++) {
			if (verdict[i] == -EAGAIN)
				verdict[i] = un_probe_state(nl_neigh_state(&un->nl, addr, ifs[i]));
			if (verdict[i] == 1 && !user)
				user = ifs[i];
			waiting += verdict[i] == -EAGAIN;
		}
		if (user || !waiting)
			break;
		un_sleep_ms(UN_PROBE_STEP_MS);
	}
	for (int i = 0; i < n; i++)
		if (verdict[i] != 1)
			(void)nl_neigh_del(&un->nl, addr, ifs[i]);
	return user;
}
