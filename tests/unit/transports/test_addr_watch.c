// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * addr_watch against the real kernel, in a network namespace of its own (unshare; skipped
 * without the privilege): addresses present at open are in the table, later additions and
 * removals are reported once each, a replaced address is not reported again, replay walks the
 * table in order.
 */
#include "addr_watch.h"
#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#define TESTS(X) X(test_watch_lo)
#include "check.h"

#define LO 1 /* the loopback device is ifindex 1 in a new namespace */

struct seen {
	unsigned int n;
	bool add[8];
	uint32_t addr[8], mask[8];
};

static void note(void *arg, bool add, uint32_t addr_be, uint32_t mask_be)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->add[s->n] = add;
		s->addr[s->n] = addr_be;
		s->mask[s->n] = mask_be;
	}
	s->n++;
}

/* Waits briefly for notifications and passes them to note(). */
static void drain(struct addr_watch *w, struct seen *s)
{
	struct pollfd p = { .fd = addr_watch_fd(w), .events = POLLIN };

	while (poll(&p, 1, 300) > 0)
		CHECK_EQ(addr_watch_read(w, note, s), 0);
}

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void test_watch_lo(void)
{
	struct nl_ctx nl;
	struct addr_watch w;
	struct seen s = { 0 }, r = { 0 };

	if (unshare(CLONE_NEWNET) < 0) {
		printf("skip test_watch_lo: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return;
	}
	CHECK_EQ(nl_open(&nl), 0);
	CHECK_EQ(nl_addr_add(&nl, LO, ip("10.7.0.1"), 24), 0);
	CHECK_EQ(addr_watch_open(&w, LO), 0);
	CHECK_EQ(w.n, 1);
	CHECK_EQ(w.addrs[0].addr_be, ip("10.7.0.1").s_addr);
	CHECK_EQ(w.addrs[0].mask_be, ip("255.255.255.0").s_addr);

	CHECK_EQ(nl_addr_add(&nl, LO, ip("10.8.1.1"), 16), 0);
	CHECK_EQ(nl_addr_add(&nl, LO, ip("10.8.1.1"), 16), 0); /* replaced: nothing new */
	drain(&w, &s);
	CHECK_EQ(s.n, 1);
	CHECK(s.add[0]);
	CHECK_EQ(s.addr[0], ip("10.8.1.1").s_addr);
	CHECK_EQ(s.mask[0], ip("255.255.0.0").s_addr);

	CHECK_EQ(system("ip addr del 10.7.0.1/24 dev lo"), 0);
	drain(&w, &s);
	CHECK_EQ(s.n, 2);
	CHECK(!s.add[1]);
	CHECK_EQ(s.addr[1], ip("10.7.0.1").s_addr);

	CHECK_EQ(nl_addr_add(&nl, LO, ip("10.9.0.9"), 32), 0);
	drain(&w, &s);
	addr_watch_replay(&w, false, note, &r);
	CHECK_EQ(r.n, 2);
	CHECK(!r.add[0] && !r.add[1]);
	CHECK_EQ(r.addr[0], ip("10.8.1.1").s_addr);
	CHECK_EQ(r.addr[1], ip("10.9.0.9").s_addr);
	CHECK_EQ(r.mask[1], 0xffffffffu);
	addr_watch_close(&w);
	CHECK_EQ(addr_watch_fd(&w), -1);
	nl_close(&nl);
}
