// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The supervisor's part of status: whether it runs, and per process of the network its
 * state, restart count and last exit reason (restarts.h).
 */
#include "json.h"
#include "restarts.h"
#include "status_supervise.h"

#include <string.h>

/* A process's state: the supervisor's word when it has one, else whether it runs. */
static const char *sv_state(const struct restarts *r, const struct state_proc *p,
			    const struct restarts_entry **e)
{
	*e = restarts_find(r, p->kind, p->name);
	if (*e && (*e)->state != RESTARTS_RUNNING)
		return restarts_state_name((*e)->state);
	return proc_alive(&p->id) ? "running" : "stopped";
}

static bool sv_shown(const struct state_proc *p)
{
	return strcmp(p->kind, "netns") && strcmp(p->kind, "supervisor");
}

void status_supervise_text(const struct state *st, FILE *f)
{
	const struct state_proc *sup = state_find(st, "supervisor", st->conf->name);
	struct restarts r;

	restarts_load(st, &r);
	fprintf(f, "\nsupervisor: %s", sup && proc_alive(&sup->id) ? "running" : "not running");
	if (sup)
		fprintf(f, " (pid %d, log %s/supervise.log)", (int)sup->id.pid, st->dir);
	fprintf(f, "\n%-20s %-7s %-9s %-8s %s\n", "PROCESS", "PID", "STATE", "RESTARTS",
		"LAST_EXIT");
	for (int i = 0; i < st->nprocs; i++) {
		const struct state_proc *p = &st->procs[i];
		const struct restarts_entry *e;
		const char *state;
		char who[64];

		if (!sv_shown(p))
			continue;
		state = sv_state(&r, p, &e);
		snprintf(who, sizeof(who), "%s:%s", p->kind, p->name);
		fprintf(f, "%-20s %-7d %-9s %-8u %s\n", who, (int)p->id.pid, state,
			e ? e->restarts : 0, e && e->last_exit[0] ? e->last_exit : "-");
	}
}

void status_supervise_json(const struct state *st, FILE *f)
{
	const struct state_proc *sup = state_find(st, "supervisor", st->conf->name);
	struct restarts r;
	bool first = true;

	restarts_load(st, &r);
	fprintf(f, ",\"supervisor\":{\"pid\":%d,\"running\":%s}", sup ? (int)sup->id.pid : 0,
		sup && proc_alive(&sup->id) ? "true" : "false");
	fputs(",\"processes\":[", f);
	for (int i = 0; i < st->nprocs; i++) {
		const struct state_proc *p = &st->procs[i];
		const struct restarts_entry *e;
		const char *state;

		if (!sv_shown(p))
			continue;
		state = sv_state(&r, p, &e);
		fprintf(f, "%s{\"kind\":", first ? "" : ",");
		json_str(f, p->kind);
		fputs(",\"name\":", f);
		json_str(f, p->name);
		fprintf(f, ",\"pid\":%d,\"state\":\"%s\",\"restarts\":%u,\"last_exit\":",
			(int)p->id.pid, state, e ? e->restarts : 0);
		if (e && e->last_exit[0])
			json_str(f, e->last_exit);
		else
			fputs("null", f);
		fputc('}', f);
		first = false;
	}
	fputc(']', f);
}
