// SPDX-License-Identifier: GPL-2.0-or-later
/* Resource limits: the MAC table's per-port cap, fair sharing and trunks, the per-user
 * accounting, the backlog pool's fair share and the -limit parser. */
#include "backlog.h"
#include "check.h"
#include "mactable.h"
#include "switch_limits.h"
#include "uidlimit.h"

static void mac_of(uint32_t port, uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = (uint8_t)port;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

/* Learns n new addresses on port; returns how many were learned. */
static uint32_t learn_many(struct mactable *t, uint32_t port, uint32_t first, uint32_t n)
{
	uint32_t learned = 0;
	uint8_t m[6];

	for (uint32_t i = first; i < first + n; i++) {
		enum mac_learn r;

		mac_of(port, i, m);
		r = mactable_learn(t, m, 0, port, 1);
		learned += r == MAC_NEW || r == MAC_EVICTED;
	}
	return learned;
}

static void test_cap_per_port(void)
{
	struct mactable t;
	uint8_t m[6];

	CHECK_EQ(mactable_init(&t, 4096, 300), 0);
	CHECK_EQ(mactable_limit_ports(&t, 8, 256), 0);
	CHECK_EQ(learn_many(&t, 3, 0, 256), 256);
	mac_of(3, 256, m);
	CHECK_EQ(mactable_learn(&t, m, 0, 3, 1), MAC_PORT_FULL);
	CHECK_EQ(mactable_lookup(&t, m, 0, 1), MACTABLE_NONE);
	CHECK_EQ(mactable_learn(&t, m, 0, 4, 1), MAC_NEW);       /* another port: fine */
	mac_of(3, 0, m);
	CHECK_EQ(mactable_learn(&t, m, 0, 3, 2), MAC_REFRESHED); /* known ones stay fresh */
	CHECK_EQ(mactable_learn(&t, m, 0, 4, 2), MAC_MOVED);     /* moving out frees a place */
	CHECK_EQ(mactable_port_count(&t, 3), 255);
	CHECK_EQ(mactable_port_count(&t, 4), 2);
	mac_of(3, 300, m);
	CHECK_EQ(mactable_learn(&t, m, 0, 3, 2), MAC_NEW);
	CHECK_EQ(mactable_learn(&t, m, 0, 3, 2), MAC_REFRESHED);
	CHECK_EQ(mactable_purge_port(&t, 3), 256);
	CHECK_EQ(mactable_port_count(&t, 3), 0);
	CHECK_EQ(mactable_expire(&t, 400), 2);
	CHECK_EQ(mactable_port_count(&t, 4), 0);
	CHECK_EQ(t.ports_used, 0);
	mactable_free(&t);
}

/* A table of 64 entries shared by 8 ports, without a cap per port. */
static void small_table(struct mactable *t)
{
	CHECK_EQ(mactable_init(t, 64, 300), 0);
	CHECK_EQ(mactable_limit_ports(t, 8, 0), 0);
}

/* One port filled the table: a newcomer still gets its addresses learned, up to a fair share,
 * taken only from the port holding more. */
static void test_fair_share_of_a_full_table(void)
{
	struct mactable t;
	uint8_t m[6];

	small_table(&t);
	CHECK_EQ(learn_many(&t, 0, 0, 100), 64);
	mac_of(1, 0, m);
	CHECK_EQ(mactable_learn(&t, m, 0, 1, 1), MAC_EVICTED);
	CHECK_EQ(mactable_lookup(&t, m, 0, 1), 1);
	CHECK_EQ(mactable_port_count(&t, 0), 63);
	CHECK_EQ(learn_many(&t, 1, 1, 100), 30);   /* up to share - 1 */
	CHECK_EQ(mactable_port_count(&t, 1), 31);
	CHECK_EQ(mactable_port_count(&t, 0), 33);
	CHECK_EQ(learn_many(&t, 0, 1000, 10), 0);  /* the flooder gets nothing back */
	CHECK_EQ(learn_many(&t, 2, 0, 100), 20);   /* a third port: share 21 */
	/* Entries go from the port holding the most: the two first ones end even. */
	CHECK_EQ(mactable_port_count(&t, 0), 22);
	CHECK_EQ(mactable_port_count(&t, 1), 22);
	CHECK_EQ(mactable_count(&t), 64);
	mactable_free(&t);
}

/* A full table shared evenly: nobody pushes anybody out, and known addresses stay. */
static void test_no_push_out_of_equals(void)
{
	struct mactable t;
	uint8_t m[6];

	small_table(&t);
	for (uint32_t p = 0; p < 4; p++)
		CHECK_EQ(learn_many(&t, p, 0, 16), 16);
	for (uint32_t p = 0; p < 4; p++)
		CHECK_EQ(learn_many(&t, p, 100, 5), 0);
	for (uint32_t p = 0; p < 4; p++)
		for (uint32_t i = 0; i < 16; i++) {
			mac_of(p, i, m);
			CHECK_EQ(mactable_lookup(&t, m, 0, 1), p);
		}
	mactable_free(&t);
}

/* A trunk never takes a live address of a local port, and its frames do not keep the local
 * entry alive; every other move happens at once. */
static void test_trunk_keeps_local_addresses(void)
{
	struct mactable t;
	uint8_t m[6];

	small_table(&t);
	mactable_set_trunk(&t, 6, true);
	mactable_set_trunk(&t, 7, true);
	mac_of(0, 1, m);
	CHECK_EQ(mactable_learn(&t, m, 0, 0, 100), MAC_NEW);
	CHECK_EQ(mactable_learn(&t, m, 0, 6, 101), MAC_MOVE_REFUSED);
	CHECK_EQ(mactable_lookup(&t, m, 0, 101), 0);
	CHECK_EQ(mactable_learn(&t, m, 0, 6, 400), MAC_MOVE_REFUSED); /* alive to the second */
	CHECK_EQ(mactable_learn(&t, m, 0, 6, 401), MAC_NEW);          /* aged out on port 0 */
	CHECK_EQ(mactable_lookup(&t, m, 0, 401), 6);
	CHECK_EQ(mactable_learn(&t, m, 0, 7, 402), MAC_MOVED);        /* trunk to trunk */
	CHECK_EQ(mactable_learn(&t, m, 0, 1, 403), MAC_MOVED);        /* trunk to local */
	CHECK_EQ(mactable_learn(&t, m, 0, 2, 404), MAC_MOVED);        /* local to local */
	CHECK_EQ(mactable_learn(&t, m, 0, 7, 405), MAC_MOVE_REFUSED);
	CHECK_EQ(mactable_port_count(&t, 2), 1);
	CHECK_EQ(mactable_port_count(&t, 7), 0);
	CHECK_EQ(mactable_purge_port(&t, 2), 1);                      /* its port is gone */
	CHECK_EQ(mactable_learn(&t, m, 0, 7, 406), MAC_NEW);
	mactable_set_trunk(&t, 7, false);                             /* a local port now */
	CHECK_EQ(mactable_learn(&t, m, 0, 6, 407), MAC_MOVE_REFUSED);
	mactable_free(&t);
}

static void test_uid_accounting(void)
{
	struct uidlim u;

	uidlim_init(&u, 0);
	u.per_uid[UIDLIM_PENDING] = 2;
	u.max[UIDLIM_PENDING] = 5;
	CHECK(uidlim_take(&u, UIDLIM_PENDING, 1000, 1));
	CHECK(uidlim_take(&u, UIDLIM_PENDING, 1000, 1));
	for (int i = 0; i < 300; i++)                       /* one log line, 300 refusals */
		CHECK(!uidlim_take(&u, UIDLIM_PENDING, 1000, 1));
	CHECK_EQ(u.refused[UIDLIM_PENDING], 300);
	CHECK(uidlim_take(&u, UIDLIM_PENDING, 1001, 2));     /* another user is not locked out */
	CHECK(uidlim_take(&u, UIDLIM_PENDING, 0, 3));        /* the switch's own user: no cap */
	CHECK(uidlim_take(&u, UIDLIM_PENDING, 0, 3));
	CHECK(!uidlim_take(&u, UIDLIM_PENDING, 0, 3));       /* but the total holds */
	CHECK(uidlim_take(&u, UIDLIM_MGMT, 1000, 1));        /* kinds are separate */
	uidlim_put(&u, UIDLIM_PENDING, 1000);
	CHECK_EQ(uidlim_held(&u, UIDLIM_PENDING, 1000), 1);
	CHECK(uidlim_take(&u, UIDLIM_PENDING, 1000, 1));
	uidlim_put(&u, UIDLIM_PENDING, 1001);
	CHECK_EQ(u.nusers, 2);                               /* 1001 holds nothing: forgotten */
	uidlim_free(&u);
}

static void test_limit_option(void)
{
	struct switch_limits l;

	switch_limits_defaults(&l);
	CHECK_EQ(l.macs_per_port, 256);
	CHECK_EQ(l.ports_per_uid, 256);
	CHECK_EQ(switch_limits_parse(&l, "macs-per-port=1000,mgmt-idle=5"), 0);
	CHECK_EQ(l.macs_per_port, 1000);
	CHECK_EQ(l.mgmt_idle, 5);
	CHECK_EQ(switch_limits_parse(&l, "macs-per-port=0"), -1);
	CHECK_EQ(switch_limits_parse(&l, "nonsense=3"), -1);
	CHECK_EQ(switch_limits_parse(&l, "mgmt-idle=5x"), -1);
	CHECK_EQ(switch_limits_parse(&l, "mgmt-idle"), -1);
	CHECK_EQ(l.mgmt_idle, 5);
}

/* The pool is the bound of all backlogs, and gives its pages back once a storm has drained. */
static void test_backlog_pool(void)
{
	static struct backlog b[10];
	struct backlog_pool p;
	uint8_t data[100] = { 1 };
	struct frame f = { data, sizeof(data) }, out[4];

	CHECK_EQ(backlog_pool_init(&p, 1000 * VLAN_FRAME_MAX), 0);
	for (int i = 0; i < 10; i++)
		for (int k = 0; k < BACKLOG_FRAMES; k++)
			backlog_push(&p, &b[i], &f);
	CHECK_EQ(b[6].count, BACKLOG_FRAMES);
	CHECK_EQ(b[7].count, 1000 - 7 * BACKLOG_FRAMES);
	CHECK_EQ(b[8].count, 0);
	CHECK_EQ(backlog_push(&p, &b[9], &f), BACKLOG_POOL_EMPTY);
	CHECK_EQ(backlog_push(&p, &b[0], &f), BACKLOG_PORT_FULL);
	CHECK_EQ(backlog_peek(&p, &b[3], out, 4), 4);
	CHECK_EQ(out[3].len, sizeof(data));
	CHECK_EQ(out[3].data[0], 1);
	for (int i = 0; i < 9; i++)
		backlog_clear(&p, &b[i]);
	CHECK_EQ(backlog_pool_used(&p), 0);
	CHECK_EQ(p.touched, 0);                 /* released: more than BACKLOG_RELEASE was used */
	backlog_push(&p, &b[0], &f);
	CHECK_EQ(b[0].buf[b[0].head], 0);       /* the next burst starts on the first page */
	backlog_clear(&p, &b[0]);
	CHECK_EQ(p.touched, 1);                 /* a small backlog keeps its page */
	backlog_pool_free(&p);
}

static uint8_t small_data[60];
static const struct frame small = { small_data, sizeof(small_data) };

/* A pool of nbufs buffers shared by `ports` ports. */
static void shared_pool(struct backlog_pool *p, uint32_t nbufs, uint32_t ports)
{
	CHECK_EQ(backlog_pool_init(p, nbufs * VLAN_FRAME_MAX), 0);
	backlog_pool_set_ports(p, ports);
}

/* Empties n backlogs and frees their pool. */
static void shared_pool_free(struct backlog_pool *p, struct backlog *b, int n)
{
	for (int i = 0; i < n; i++)
		backlog_clear(p, &b[i]);
	backlog_pool_free(p);
}

/* Once half the pool is in use, a port holding its share gets no more, whoever it is. */
static void test_backlog_share(void)
{
	static struct backlog b[4];
	const struct frame *f = &small;
	struct backlog_pool p;
	int queued = 0;

	shared_pool(&p, 41, 4);
	CHECK_EQ(backlog_pool_share(&p), 5);                 /* the 20 above the first 21, by 4 */
	for (int i = 0; i < 100; i++)
		queued += backlog_push(&p, &b[0], f) == BACKLOG_QUEUED;
	CHECK_EQ(queued, 21);
	CHECK_EQ(backlog_push(&p, &b[0], f), BACKLOG_OVER_SHARE);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(backlog_push(&p, &b[1], f), BACKLOG_QUEUED);
	CHECK_EQ(backlog_push(&p, &b[1], f), BACKLOG_OVER_SHARE);
	backlog_pop(&p, &b[0], 10);                          /* under half again: anyone may take */
	for (int i = 0; i < 5; i++)
		CHECK_EQ(backlog_push(&p, &b[1], f), BACKLOG_QUEUED);
	shared_pool_free(&p, b, 4);
}

/* However ports fill and drain a pool shared by a fixed number of them, one holding less than
 * its share never finds the pool empty. */
static void test_backlog_share_guarantee(void)
{
	static struct backlog b[8];
	struct backlog_pool p;
	uint32_t rnd = 1, share, starved = 0, empty = 0;

	shared_pool(&p, 101, 8);
	share = backlog_pool_share(&p);
	for (int i = 0; i < 200000; i++) {
		struct backlog *x;
		enum backlog_push r;

		rnd = rnd * 1103515245 + 12345;
		x = &b[(rnd >> 16) % 8];
		/* Ports 0-3 never read; the others drain now and then. */
		if (x >= &b[4] && (rnd >> 8) % 4 == 0) {
			backlog_pop(&p, x, x->count < 3 ? x->count : 3);
			continue;
		}
		r = backlog_push(&p, x, &small);
		starved += r == BACKLOG_POOL_EMPTY && x->count < share;
		empty += r == BACKLOG_POOL_EMPTY;
	}
	CHECK_EQ(starved, 0);
	CHECK_EQ(empty, 0); /* one over its share is refused as such, before the pool is empty */
	CHECK(backlog_pool_used(&p) > 50 * VLAN_FRAME_MAX); /* it was under pressure */
	shared_pool_free(&p, b, 8);
}

#define TESTS(X)                                                                             \
	X(test_cap_per_port) X(test_fair_share_of_a_full_table) X(test_no_push_out_of_equals) \
	X(test_trunk_keeps_local_addresses) X(test_uid_accounting) X(test_limit_option)      \
	X(test_backlog_pool) X(test_backlog_share) X(test_backlog_share_guarantee)
#include "check.h"
