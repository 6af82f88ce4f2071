// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon_limits - hands the -limit values to the parts that enforce them: the forwarding core
 * (addresses per port, backlog budget) and the per-user accounting (pending handshakes,
 * management connections, ports), whose totals are the sizes of the daemon's tables.
 */
#include "daemon.h"

#include <unistd.h>

int switchd_apply_limits(struct switchd *d)
{
	const struct switch_limits *l = &d->opt.limits;
	struct uidlim *u = &d->uids;

	uidlim_init(u, geteuid());
	u->per_uid[UIDLIM_PENDING] = l->pending_per_uid;
	u->max[UIDLIM_PENDING] = SWITCHD_MAX_PENDING;
	u->per_uid[UIDLIM_MGMT] = l->mgmt_per_uid;
	u->max[UIDLIM_MGMT] = SWITCHD_MAX_MGMT;
	u->per_uid[UIDLIM_PORTS] = l->ports_per_uid;
	d->sw.uids = u;
	return sw_set_limits(&d->sw, l->macs_per_port, (size_t)l->backlog_kb << 10);
}
