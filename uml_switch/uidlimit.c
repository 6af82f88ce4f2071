// SPDX-License-Identifier: GPL-2.0-or-later
#include "uidlimit.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

static const char *const uidlim_names[UIDLIM_KINDS] = {
	[UIDLIM_PENDING] = "pending control connection",
	[UIDLIM_MGMT] = "management connection",
	[UIDLIM_PORTS] = "port",
};

const char *uidlim_kind_name(enum uidlim_kind k)
{
	return uidlim_names[k];
}

void uidlim_init(struct uidlim *u, uid_t exempt)
{
	memset(u, 0, sizeof(*u));
	u->exempt = exempt;
}

void uidlim_free(struct uidlim *u)
{
	free(u->users);
	u->users = NULL;
	u->nusers = u->cap = 0;
}

static struct uidlim_user *uidlim_find(const struct uidlim *u, uid_t uid)
{
	for (uint32_t i = 0; i < u->nusers; i++)
		if (u->users[i].uid == uid)
			return &u->users[i];
	return NULL;
}

static struct uidlim_user *uidlim_get(struct uidlim *u, uid_t uid)
{
	struct uidlim_user *e = uidlim_find(u, uid);

	if (e)
		return e;
	if (u->nusers == u->cap) {
		uint32_t cap = u->cap ? 2 * u->cap : 16;
		struct uidlim_user *n = realloc(u->users, cap * sizeof(*n));

		if (!n)
			return NULL;
		u->users = n;
		u->cap = cap;
	}
	e = &u->users[u->nusers++];
	memset(e, 0, sizeof(*e));
	e->uid = uid;
	return e;
}

uint32_t uidlim_held(const struct uidlim *u, enum uidlim_kind k, uid_t uid)
{
	const struct uidlim_user *e = uidlim_find(u, uid);

	return e ? e->held[k] : 0;
}

/* Counts a refusal and logs the first of a run. */
static void uidlim_refuse(struct uidlim *u, enum uidlim_kind k, struct uidlim_user *e, uid_t uid,
			  pid_t pid)
{
	u->refused[k]++;
	if (!e) {
		if (!u->total_logged[k])
			log_warn("uid %d (pid %d): refused a %s: the switch holds %u, its limit; further "
				 "refusals are counted, not logged, until one is free",
				 (int)uid, (int)pid, uidlim_names[k], u->total[k]);
		u->total_logged[k] = true;
		return;
	}
	if (!(e->logged & 1u << k))
		log_warn("uid %d (pid %d): refused a %s: the user holds %u, the limit per user; "
			 "further refusals are counted, not logged, until it holds none",
			 (int)uid, (int)pid, uidlim_names[k], e->held[k]);
	e->logged |= (uint8_t)(1u << k);
}

bool uidlim_take(struct uidlim *u, enum uidlim_kind k, uid_t uid, pid_t pid)
{
	struct uidlim_user *e;

	if (u->max[k] && u->total[k] >= u->max[k]) {
		uidlim_refuse(u, k, NULL, uid, pid);
		return false;
	}
	e = uidlim_get(u, uid);
	if (!e) {
		uidlim_refuse(u, k, NULL, uid, pid);
		return false;
	}
	if (uid != u->exempt && u->per_uid[k] && e->held[k] >= u->per_uid[k]) {
		uidlim_refuse(u, k, e, uid, pid);
		return false;
	}
	e->held[k]++;
	u->total[k]++;
	return true;
}

void uidlim_put(struct uidlim *u, enum uidlim_kind k, uid_t uid)
{
	struct uidlim_user *e = uidlim_find(u, uid);
	bool empty = true;

	if (!e || !e->held[k])
		return;
	e->held[k]--;
	u->total[k]--;
	u->total_logged[k] = false;
	if (e->held[k] == 0)
		e->logged &= (uint8_t)~(1u << k);
	for (int i = 0; i < UIDLIM_KINDS; i++)
		empty = empty && e->held[i] == 0;
	if (empty)
		*e = u->users[--u->nusers];
}
