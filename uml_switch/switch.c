// SPDX-License-Identifier: GPL-2.0-or-later
#include "switch.h"
#include "log.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Frames one port may feed per wake-up before the others get their turn. */
#define SW_PORT_BUDGET (4 * ENDPOINT_BATCH)

int sw_init(struct sw *s, uint32_t max_ports, uint32_t max_macs, uint32_t age, bool hub)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->hub = hub;
	s->max_ports = max_ports;
	s->ports = calloc(max_ports, sizeof(*s->ports));
	s->active = calloc(max_ports, sizeof(*s->active));
	s->dirty = calloc(max_ports, sizeof(*s->dirty));
	s->pool = calloc(SW_POOL, sizeof(*s->pool));
	s->alt = calloc(SW_POOL, sizeof(*s->alt));
	if (!s->ports || !s->active || !s->dirty || !s->pool || !s->alt) {
		sw_free(s);
		return -ENOMEM;
	}
	err = mactable_init(&s->macs, max_macs, age);
	if (!err)
		err = sw_set_limits(s, SW_DEFAULT_MACS_PER_PORT, (size_t)BACKLOG_DEFAULT_KB << 10);
	if (err)
		sw_free(s);
	return err;
}

int sw_set_limits(struct sw *s, uint32_t macs_per_port, size_t backlog_bytes)
{
	int err = mactable_limit_ports(&s->macs, s->max_ports, macs_per_port);

	if (err)
		return err;
	for (uint32_t i = 0; i < s->nactive; i++) {
		struct port *p = &s->ports[s->active[i]];

		mactable_set_trunk(&s->macs, s->active[i], p->trunk);
		backlog_clear(&s->bl_pool, &p->bl);
	}
	backlog_pool_free(&s->bl_pool);
	err = backlog_pool_init(&s->bl_pool, backlog_bytes);
	if (!err)
		backlog_pool_set_ports(&s->bl_pool, s->nactive);
	return err;
}

void sw_free(struct sw *s)
{
	for (uint32_t i = 0; s->ports && i < s->max_ports; i++) {
		if (s->ports[i].used)
			endpoint_destroy(s->ports[i].ep);
	}
	backlog_pool_free(&s->bl_pool);
	free(s->ports);
	free(s->active);
	free(s->dirty);
	free(s->pool);
	free(s->alt);
	mactable_free(&s->macs);
	memset(s, 0, sizeof(*s));
}

int sw_port_add(struct sw *s, struct endpoint *ep, int ctl_fd)
{
	for (uint32_t i = 0; i < s->max_ports; i++) {
		struct port *p = &s->ports[i];

		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->ep = ep;
		p->ctl_fd = ctl_fd;
		p->trunk = ep->ops->trunk;
		p->active_pos = s->nactive;
		vlan_port_default(&p->vlan);
		s->active[s->nactive++] = i;
		mactable_set_trunk(&s->macs, i, p->trunk);
		backlog_pool_set_ports(&s->bl_pool, s->nactive);
		return (int)i;
	}
	return -ENOSPC;
}

int sw_port_set_owner(struct sw *s, uint32_t slot, pid_t pid, uid_t uid)
{
	struct port *p = &s->ports[slot];

	if (s->uids && !uidlim_take(s->uids, UIDLIM_PORTS, uid, pid))
		return -EUSERS;
	p->pid = pid;
	p->uid = uid;
	p->owned = s->uids != NULL;
	return 0;
}

void sw_port_del(struct sw *s, uint32_t slot)
{
	struct port *p = &s->ports[slot];
	uint32_t last;

	sw_flush(s); /* no queue may point at a freed port */
	last = s->active[--s->nactive];
	/* Swap-remove from the dense list. */
	s->active[p->active_pos] = last;
	s->ports[last].active_pos = p->active_pos;
	mactable_purge_port(&s->macs, slot);
	mactable_set_trunk(&s->macs, slot, false);
	backlog_clear(&s->bl_pool, &p->bl);
	backlog_pool_set_ports(&s->bl_pool, s->nactive);
	if (p->owned)
		uidlim_put(s->uids, UIDLIM_PORTS, p->uid);
	endpoint_destroy(p->ep);
	memset(p, 0, sizeof(*p));
	p->ctl_fd = -1;
}

void sw_port_set_vlan(struct sw *s, uint32_t slot, const struct vlan_port *v)
{
	struct port *p = &s->ports[slot];

	/* Addresses learned without VLANs, or in the port's old VLANs, would point the wrong way. */
	if (s->vlan_aware)
		mactable_purge_port(&s->macs, slot);
	else
		mactable_purge_all(&s->macs);
	s->vlan_aware = true;
	p->vlan = *v;
	p->vlan_logged = 0;
}

/* A received frame on its way through the switch, with what its ports need to know. */
struct sw_rx {
	struct frame f;       /* as received */
	struct frame other;   /* untagged if f is tagged and the other way round; len 0: not made */
	uint16_t key;         /* its VLAN or S-VLAN class (vlan.h); 0 on a VLAN-unaware switch */
	bool tagged;          /* f carries a tag */
};

static void sw_enqueue(struct sw *s, uint32_t slot, const struct frame *f)
{
	struct port *p = &s->ports[slot];

	if (p->txn == 0)
		s->dirty[s->ndirty++] = slot;
	p->txq[p->txn++] = *f;
}

/* The frame in the wire form it did not come in, written the first time a port asks. Frames
 * from the receive pool take at most one buffer of the second pool each, so it runs short only
 * for a caller outside the pool, which a flush serves. */
static const struct frame *sw_other_form(struct sw *s, struct sw_rx *rx)
{
	uint8_t *buf;

	if (rx->other.len)
		return &rx->other;
	if (s->alt_used == SW_POOL)
		sw_flush(s);
	buf = s->alt[s->alt_used++];
	rx->other.data = buf;
	rx->other.len = rx->tagged ? vlan_pop(buf, rx->f.data, rx->f.len)
				   : vlan_push(buf, rx->f.data, rx->f.len, rx->key);
	return &rx->other;
}

/* Queues the frame to a port if it may leave by it, in that port's wire form. */
static void sw_forward(struct sw *s, uint32_t slot, struct sw_rx *rx)
{
	bool tagged;

	if (!s->vlan_aware) {
		sw_enqueue(s, slot, &rx->f);
		return;
	}
	if (!vlan_egress(&s->ports[slot].vlan, rx->key, &tagged))
		return;
	sw_enqueue(s, slot, tagged == rx->tagged ? &rx->f : sw_other_form(s, rx));
}

static void sw_flood(struct sw *s, uint32_t in, struct sw_rx *rx)
{
	for (uint32_t i = 0; i < s->nactive; i++)
		if (s->active[i] != in)
			sw_forward(s, s->active[i], rx);
}

/* The counter of each reason a received frame is refused. */
static const size_t sw_refusal_counter[VLAN_VERDICTS] = {
	[VLAN_DROP_TAGGED_ON_ACCESS] = offsetof(struct port_stats, drop_tagged_on_access),
	[VLAN_DROP_NOT_ALLOWED] = offsetof(struct port_stats, drop_vlan_not_allowed),
	[VLAN_DROP_UNTAGGED_NO_NATIVE] = offsetof(struct port_stats, drop_untagged_no_native),
	[VLAN_DROP_OVERSIZE] = offsetof(struct port_stats, drop_oversize),
	[VLAN_DROP_RUNT] = offsetof(struct port_stats, drop_runt),
};

/* Counted always; a VLAN reason is also logged, once per port and reason (damaged frames are
 * only counted: a flood of them must not flood the log). */
static void sw_refuse(struct sw *s, uint32_t in, const struct sw_rx *rx, enum vlan_verdict v)
{
	struct port *p = &s->ports[in];
	char what[160], set[VLAN_TEXT_MAX];

	(*(uint64_t *)((char *)&p->st + sw_refusal_counter[v]))++;
	if (v == VLAN_DROP_OVERSIZE || v == VLAN_DROP_RUNT || (p->vlan_logged & 1u << v))
		return;
	p->vlan_logged |= (uint8_t)(1u << v);
	p->ep->ops->describe(p->ep, what, sizeof(what));
	vlan_port_format(&p->vlan, set, sizeof(set));
	log_warn("port %u (%s, %s): dropped a%s frame: %s (further drops for this reason are "
		 "counted, not logged)",
		 in + 1, what, set, rx->tagged ? " tagged" : "n untagged", vlan_verdict_name(v));
}

/* A VLAN-unaware switch takes any frame of a sane size (vlan_frame_size_ok). */
static enum vlan_verdict sw_size_ok(const struct frame *f)
{
	return vlan_frame_size_ok(f->data, f->len) ? VLAN_ADMIT : VLAN_DROP_OVERSIZE;
}

/* Admits a frame into its VLAN by its port's rule (vlan.h); refusals counted and logged. */
static bool sw_admit(struct sw *s, uint32_t in, struct sw_rx *rx)
{
	enum vlan_verdict v;
	struct vlan_rx vr;

	if (rx->f.len < ETHER_HDR_LEN) {
		v = VLAN_DROP_RUNT;
	} else if (!s->vlan_aware) {
		v = sw_size_ok(&rx->f);
	} else {
		v = vlan_ingress(&s->ports[in].vlan, rx->f.data, rx->f.len, &vr);
		rx->key = vr.key;
		rx->tagged = vr.tagged;
	}
	if (v == VLAN_ADMIT)
		return true;
	sw_refuse(s, in, rx, v);
	return false;
}

/* One line per port the first time one of its addresses is not learned; counted always. */
static void sw_learn_refused(struct sw *s, uint32_t in, const char *why)
{
	struct port *p = &s->ports[in];
	char what[160];

	if (p->mac_logged)
		return;
	p->mac_logged = true;
	p->ep->ops->describe(p->ep, what, sizeof(what));
	log_warn("port %u (pid %d uid %d, %s): new source addresses are not learned: %s; its frames "
		 "are still forwarded (further cases are counted, not logged)",
		 in + 1, (int)p->pid, (int)p->uid, what, why);
}

/* A trunk sent a live address of a local port: counted, and logged once per trunk port. */
static void sw_move_refused(struct sw *s, uint32_t in, const uint8_t *src, uint16_t key)
{
	struct port *p = &s->ports[in];
	uint32_t local = mactable_lookup(&s->macs, src, key, s->now);
	char what[160], mac[MAC_TEXT_LEN];

	s->st.mac_move_refused++;
	p->st.mac_move_refused++;
	if (p->move_logged)
		return;
	p->move_logged = true;
	p->ep->ops->describe(p->ep, what, sizeof(what));
	log_warn("port %u (%s, a trunk): source %s is learned on local port %u: not moved to the "
		 "trunk until it ages out there; its frames are still forwarded (further cases are "
		 "counted, not logged)",
		 in + 1, what, mac_format(src, mac), local + 1);
}

static void sw_learn(struct sw *s, uint32_t in, const uint8_t *src, uint16_t key)
{
	if (mac_is_group(src))
		return;
	switch (mactable_learn(&s->macs, src, key, in, s->now)) {
	case MAC_MOVED:
		s->st.mac_moves++;
		break;
	case MAC_FULL:
		s->st.mac_table_full++;
		sw_learn_refused(s, in, "the MAC table is full and the port holds its fair share");
		break;
	case MAC_PORT_FULL:
		s->st.mac_port_full++;
		s->ports[in].st.mac_limit++;
		sw_learn_refused(s, in, "the port holds its limit of addresses (-limit macs-per-port)");
		break;
	case MAC_EVICTED:
		s->st.mac_evictions++;
		break;
	case MAC_MOVE_REFUSED:
		sw_move_refused(s, in, src, key);
		break;
	case MAC_NEW:
	case MAC_REFRESHED:
		break;
	}
}

/* Each admitted frame once: see "Capture" in switch.h. */
static void sw_capture(struct sw *s, struct sw_rx *rx)
{
	const struct frame *f = &rx->f;

	if (s->vlan_aware && !rx->tagged)
		f = sw_other_form(s, rx);
	capture_frame(s->cap, f->data, f->len);
}

void sw_input(struct sw *s, uint32_t in, const struct frame *f)
{
	struct port *p = &s->ports[in];
	struct sw_rx rx = { .f = *f };
	const uint8_t *dst = ether_dst(f->data);
	uint32_t out;

	if (!sw_admit(s, in, &rx))
		return;
	p->st.rx_frames++;
	p->st.rx_bytes += f->len;
	if (s->cap)
		sw_capture(s, &rx);
	if (p->ep->ops->monitor) {
		sw_flood(s, in, &rx);
		return;
	}
	sw_learn(s, in, ether_src(f->data), rx.key);
	if (s->hub || mac_is_group(dst)) {
		sw_flood(s, in, &rx);
		return;
	}
	out = mactable_lookup(&s->macs, dst, rx.key, s->now);
	if (out == MACTABLE_NONE)
		sw_flood(s, in, &rx);
	else if (out == in)
		p->st.filtered++;
	else
		sw_forward(s, out, &rx);
}

static void sw_send_failed(struct port *p, uint32_t slot, unsigned int lost, int err)
{
	char what[160];

	p->st.drop_error += lost;
	/* One line per run of failures, not per frame. */
	if (!p->tx_failing) {
		p->ep->ops->describe(p->ep, what, sizeof(what));
		log_warn("port %u (pid %d, %s): send failed: %s; dropping its frames until it recovers",
			 slot + 1, (int)p->pid, what, strerror(-err));
		p->tx_failing = true;
	}
}

/* Of the sent frames taken, those the endpoint dropped (the last ones; it logged why) count as
 * drop_error, the rest as sent. */
static void sw_account_sent(struct port *p, const struct frame *f, unsigned int sent)
{
	unsigned int dropped = endpoint_take_dropped(p->ep);

	if (dropped > sent)
		dropped = sent;
	sent -= dropped;
	p->st.drop_error += dropped;
	for (unsigned int i = 0; i < sent; i++)
		p->st.tx_bytes += f[i].len;
	p->st.tx_frames += sent;
	p->tx_failing = false;
}

/* Sends frames in endpoint-sized batches until one is short; returns how many were taken.
 * Frames lost to an error count as consumed (and as drop_error). */
static unsigned int sw_send_frames(struct sw *s, uint32_t slot, const struct frame *f,
				   unsigned int n)
{
	struct port *p = &s->ports[slot];
	unsigned int done = 0;

	while (done < n) {
		unsigned int k = n - done < ENDPOINT_BATCH ? n - done : ENDPOINT_BATCH;
		int sent = p->ep->ops->send(p->ep, f + done, k);

		s->st.tx_batches++;
		if (sent < 0) {
			sw_send_failed(p, slot, n - done, sent);
			return n;
		}
		sw_account_sent(p, f + done, (unsigned int)sent);
		done += (unsigned int)sent;
		if ((unsigned int)sent < k)
			break;
	}
	return done;
}

/* A frame the backlog pool would not take: counted by reason, and logged once per port and
 * reason. */
static void sw_drop_pooled(struct sw *s, uint32_t slot, enum backlog_push why)
{
	struct port *p = &s->ports[slot];
	bool share = why == BACKLOG_OVER_SHARE;
	bool *logged = share ? &p->share_logged : &p->budget_logged;

	if (share) {
		p->st.drop_share++;
		s->st.drop_share++;
	} else {
		p->st.drop_budget++;
		s->st.drop_budget++;
	}
	if (*logged)
		return;
	*logged = true;
	if (share)
		log_warn("port %u (pid %d uid %d): dropping frames its peer has no room for: it holds "
			 "its fair share (%u frames) of the switch's backlog budget, which is more than "
			 "half in use (-limit backlog-kb)",
			 slot + 1, (int)p->pid, (int)p->uid, backlog_pool_share(&s->bl_pool));
	else
		log_warn("port %u (pid %d uid %d): dropping frames its peer has no room for: the "
			 "switch's backlog budget of %zu KiB is in use (-limit backlog-kb)",
			 slot + 1, (int)p->pid, (int)p->uid, backlog_pool_size(&s->bl_pool) >> 10);
}

/* Keeps what the peer did not take, as far as the port's backlog and the switch's budget
 * allow; the rest is dropped, counted by reason. */
static void sw_hold(struct sw *s, uint32_t slot, const struct frame *f, unsigned int n)
{
	struct port *p = &s->ports[slot];
	bool was_waiting = p->bl.count > 0;

	for (unsigned int i = 0; i < n; i++) {
		enum backlog_push r = backlog_push(&s->bl_pool, &p->bl, &f[i]);

		switch (r) {
		case BACKLOG_QUEUED:
			break;
		case BACKLOG_PORT_FULL:
			p->st.drop_full++;
			s->st.drop_full++;
			break;
		case BACKLOG_OVER_SHARE:
		case BACKLOG_POOL_EMPTY:
			sw_drop_pooled(s, slot, r);
			break;
		}
	}
	if (!was_waiting && p->bl.count && s->on_backlog)
		s->on_backlog(s->on_backlog_arg, slot, true);
}

/* Sends the backlog, oldest first; returns whether it is empty now. */
static bool sw_drain_backlog(struct sw *s, uint32_t slot)
{
	struct port *p = &s->ports[slot];
	struct frame f[ENDPOINT_BATCH];

	while (p->bl.count) {
		unsigned int n = backlog_peek(&s->bl_pool, &p->bl, f, ENDPOINT_BATCH);
		unsigned int sent = sw_send_frames(s, slot, f, n);

		backlog_pop(&s->bl_pool, &p->bl, sent);
		if (sent < n)
			return false;
	}
	return true;
}

/* A port's queue goes out behind its backlog, so frames keep their order. */
static void sw_send_queue(struct sw *s, uint32_t slot)
{
	struct port *p = &s->ports[slot];
	unsigned int done = 0;

	if (!p->bl.count || sw_drain_backlog(s, slot))
		done = sw_send_frames(s, slot, p->txq, p->txn);
	sw_hold(s, slot, p->txq + done, p->txn - done);
	p->txn = 0;
}

void sw_port_writable(struct sw *s, uint32_t slot)
{
	if (s->ports[slot].used && sw_drain_backlog(s, slot) && s->on_backlog)
		s->on_backlog(s->on_backlog_arg, slot, false);
}

void sw_flush(struct sw *s)
{
	for (uint32_t i = 0; i < s->ndirty; i++)
		sw_send_queue(s, s->dirty[i]);
	s->ndirty = 0;
	s->pool_used = 0;
	s->alt_used = 0;
}

void sw_rx_prepare(struct sw *s, struct frame *frames)
{
	if (s->pool_used + ENDPOINT_BATCH > SW_POOL)
		sw_flush(s);
	for (unsigned int i = 0; i < ENDPOINT_BATCH; i++)
		frames[i].data = s->pool[s->pool_used + i];
}

void sw_rx_commit(struct sw *s, unsigned int n)
{
	s->pool_used += n;
	s->st.rx_frames += n;
}

int sw_service_port(struct sw *s, uint32_t slot)
{
	struct frame rx[ENDPOINT_BATCH];
	struct endpoint *ep = s->ports[slot].ep;

	for (unsigned int done = 0; done < SW_PORT_BUDGET;) {
		int n;

		sw_rx_prepare(s, rx);
		n = ep->ops->recv(ep, rx, ENDPOINT_BATCH);
		if (n <= 0)
			return n;
		s->st.rx_batches++;
		sw_rx_commit(s, (unsigned int)n);
		for (int i = 0; i < n; i++)
			sw_input(s, slot, &rx[i]);
		done += (unsigned int)n;
		if (n < ENDPOINT_BATCH)
			break;
	}
	return 0;
}
