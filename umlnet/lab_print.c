// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of a lab (lstart, linfo): machines with their interfaces, then collision domains
 * with their members; with -j the same as one JSON object.
 */
#include "lab.h"
#include "json.h"
#include "lab_ns.h"
#include "lab_topo.h"

#include <stdio.h>
#include <string.h>

/* "running", "stopped", or "" when the lab is not running. */
static const char *lab_machine_state(const struct state *st, const char *name)
{
	const struct state_proc *p = st ? state_find(st, "guest", name) : NULL;

	if (st && !p)
		p = state_find(st, LAB_NS_KIND, name);

	if (!st)
		return "";
	return p && proc_alive(&p->id) ? "running" : "stopped";
}

static unsigned long lab_mem(const struct lab_machine *m)
{
	return m->mem_mb ? m->mem_mb : LAB_MEM_DEFAULT_MB;
}

static void lab_print_text(const struct lab *l, const bool *sel, const struct state *st, FILE *f)
{
	char net[CONF_NAME], mac[18];

	lab_network_name(l->dir, net);
	fprintf(f, "LAB %s%s%s (network %s)\n", l->dir, l->name[0] ? ": " : "", l->name, net);
	if (l->description[0])
		fprintf(f, "    %s\n", l->description);
	fprintf(f, "%-16s %-6s%s %s\n", "MACHINE", "MEM", st ? " STATE   " : "", "INTERFACES");
	for (int i = 0; i < l->nm; i++) {
		const struct lab_machine *m = &l->m[i];

		if (sel && !sel[i])
			continue;
		fprintf(f, "%-16s %-6lu", m->name, lab_mem(m));
		if (st)
			fprintf(f, " %-8s", lab_machine_state(st, m->name));
		for (int k = 0; k < m->neth; k++)
			fprintf(f, " eth%d:%s(%s)", k, m->eth[k].cd, lab_iface_mac(m, k, mac));
		if (m->bridged)
			fprintf(f, " eth%d:host", m->neth);
		fputc('\n', f);
	}
	fprintf(f, "%-16s %s\n", "DOMAIN", "MEMBERS");
	for (int c = 0; c < l->ncd; c++) {
		fprintf(f, "%-16s", l->cd[c]);
		for (int i = 0; i < l->nm; i++)
			for (int k = 0; (!sel || sel[i]) && k < l->m[i].neth; k++)
				if (!strcmp(l->m[i].eth[k].cd, l->cd[c]))
					fprintf(f, " %s:eth%d", l->m[i].name, k);
		fputc('\n', f);
	}
}

static void lab_json_machine(const struct lab *l, int i, const struct state *st, FILE *f)
{
	const struct lab_machine *m = &l->m[i];
	char mac[18];

	fputc('{', f);
	json_key(f, "name", 1);
	json_str(f, m->name);
	json_key(f, "mem_mb", 0);
	fprintf(f, "%lu", lab_mem(m));
	json_key(f, "image", 0);
	json_str(f, m->image);
	json_key(f, "state", 0);
	json_str(f, lab_machine_state(st, m->name));
	json_key(f, "interfaces", 0);
	fputc('[', f);
	for (int k = 0; k < m->neth; k++) {
		char dev[16];

		snprintf(dev, sizeof(dev), "eth%d", k);
		fprintf(f, "%s{", k ? "," : "");
		json_key(f, "name", 1);
		json_str(f, dev);
		json_key(f, "cd", 0);
		json_str(f, m->eth[k].cd);
		json_key(f, "mac", 0);
		json_str(f, lab_iface_mac(m, k, mac));
		fputc('}', f);
	}
	fputs("]}", f);
}

static void lab_print_json(const struct lab *l, const bool *sel, const struct state *st, FILE *f)
{
	const struct {
		const char *key, *val;
	} meta[] = { { "dir", l->dir }, { "name", l->name }, { "description", l->description },
		     { "version", l->version }, { "author", l->author }, { "email", l->email },
		     { "web", l->web } };
	char net[CONF_NAME];
	bool first = true;

	lab_network_name(l->dir, net);
	fputc('{', f);
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		json_key(f, meta[i].key, i == 0);
		json_str(f, meta[i].val);
	}
	json_key(f, "network", 0);
	json_str(f, net);
	json_key(f, "running", 0);
	fputs(st ? "true" : "false", f);
	json_key(f, "machines", 0);
	fputc('[', f);
	for (int i = 0; i < l->nm; i++) {
		if (sel && !sel[i])
			continue;
		if (!first)
			fputc(',', f);
		first = false;
		lab_json_machine(l, i, st, f);
	}
	fputs("]}\n", f);
}

void lab_print(const struct lab *l, const bool *sel, const struct state *st, bool json, FILE *f)
{
	if (json)
		lab_print_json(l, sel, st, f);
	else
		lab_print_text(l, sel, st, f);
}
