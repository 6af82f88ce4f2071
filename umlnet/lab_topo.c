// SPDX-License-Identifier: GPL-2.0-or-later
#include "lab_topo.h"

#include "image.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lab_network_name(const char *dir, char *out)
{
	const char *base = strrchr(dir, '/');
	uint32_t h = 2166136261u; /* FNV-1a */
	char name[21];
	size_t n = 0;

	base = base && base[1] ? base + 1 : "lab";
	for (; *base && n < sizeof(name) - 1; base++)
		name[n++] = isalnum((unsigned char)*base) || *base == '-' || *base == '_' ? *base : '_';
	name[n] = '\0';
	if (name[0] == '-')
		name[0] = '_';
	for (const char *c = dir; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	snprintf(out, CONF_NAME, "%s-%06x", name, (unsigned int)(h & 0xffffff));
}

bool lab_path_ok(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f || strchr(",'\"\\", *c))
			return false;
	return true;
}

static bool lab_uses_cd(const struct lab *l, const bool *sel, const char *cd)
{
	for (int i = 0; i < l->nm; i++)
		for (int k = 0; (!sel || sel[i]) && k < l->m[i].neth; k++)
			if (!strcmp(l->m[i].eth[k].cd, cd))
				return true;
	return false;
}

static void lab_guest(FILE *f, const struct lab *l, int mi, unsigned long mem_mb, bool force_mem,
		      const char *state)
{
	const struct lab_machine *m = &l->m[mi];
	char mac[18], img[IMAGE_NAME], dir[PATH_MAX];

	if (l->ns_machines) {
		fprintf(f, "netns %s", m->name);
	} else {
		fprintf(f, "guest %s mem=%luM forward", m->name,
			force_mem || !m->mem_mb ? mem_mb : m->mem_mb);
		if (m->image[0] && image_name(m->image, img) && image_built(img, dir, sizeof(dir)))
			fprintf(f, " base=%s", dir);
	}
	/* The state directory passed lab_path_ok: it needs no escaping inside '...'. */
	if (state && !l->ns_machines)
		fprintf(f, " run=\"mkdir -p /run/lab && mount -t hostfs -o '%s' none /run/lab && "
			   "exec sh /run/lab/init.lab %s\"", state, m->name);
	fputc('\n', f);
	for (int k = 0; k < m->neth; k++)
		fprintf(f, "    eth%d cd-%s mac=%s\n", k, m->eth[k].cd, lab_iface_mac(m, k, mac));
	if (m->bridged)
		fprintf(f, "    eth%d %s\n", m->neth, LAB_BRIDGED_SWITCH);
}

int lab_topology(const struct lab *l, const bool *sel, const char *net, unsigned long mem_mb,
		 bool force_mem, const char *state, char **text)
{
	size_t len;
	FILE *f = open_memstream(text, &len);
	bool bridged = false;
	int order[LAB_MAX_MACHINES];

	if (!f)
		return -ENOMEM;
	fprintf(f, "# a lab: %s\nnetwork %s\n", l->dir, net);
	for (int i = 0; i < l->ncd; i++)
		if (lab_uses_cd(l, sel, l->cd[i]))
			fprintf(f, "switch cd-%s hub\n", l->cd[i]);
	for (int i = 0; i < l->nm; i++)
		bridged |= (!sel || sel[i]) && l->m[i].bridged;
	if (bridged) {
		fprintf(f, "switch %s slirp host-loopback", LAB_BRIDGED_SWITCH);
		lab_port_forwards(f, l, sel);
		fputc('\n', f);
	}
	lab_order(l, order);
	for (int i = 0; i < l->nm; i++)
		if (!sel || sel[order[i]])
			lab_guest(f, l, order[i], mem_mb, force_mem, state);
	return fclose(f) ? -ENOMEM : 0;
}

static void lab_list_print(FILE *f, const char *key, const struct lab_list *list)
{
	for (int i = 0; i < list->n; i++)
		fprintf(f, "%s %s\n", key, list->v[i]);
}

/* One slirp segment for all bridged machines of the lab: each its own address. */
int lab_bridged_index(const struct lab *l, int mi)
{
	int k = 0;

	for (int i = 0; i < mi; i++)
		k += l->m[i].bridged;
	return k;
}

int lab_machine_file(const struct lab *l, int mi, char **text)
{
	const struct lab_machine *m = &l->m[mi];
	size_t len;
	FILE *f = open_memstream(text, &len);

	if (!f)
		return -ENOMEM;
	fprintf(f, "hostlab %s\nipv6 %d\n", l->dir, m->ipv6);
	if (m->bridged)
		fprintf(f, "bridged eth%d %s%d/24 %s\n", m->neth, LAB_BRIDGED_NET,
			LAB_BRIDGED_HOST + lab_bridged_index(l, mi), LAB_BRIDGED_GW);
	lab_list_print(f, "sysctl", &m->sysctl);
	lab_list_print(f, "env", &m->env);
	lab_list_print(f, "exec", &m->exec);
	if (m->shell[0])
		fprintf(f, "shell %s\n", m->shell);
	return fclose(f) ? -ENOMEM : 0;
}
