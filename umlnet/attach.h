/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attach - the devices hot-plugged into running guests (umlnet attach), remembered in
 * <state>/attached as "<guest> <dev> <target> [<vlan setting>]" lines so that status can show
 * them and a restarted switch gets their VLAN settings again.
 */
#ifndef UMLNET_ATTACH_H
#define UMLNET_ATTACH_H

#include "state.h"

#define ATTACH_MAX 64

struct attach_entry {
	char guest[CONF_NAME];
	char dev[16];
	char target[CONF_PATH];
	char vlan[CONF_VLAN];   /* "vlan=N", "trunk=..." or "" */
};

struct attach_list {
	struct attach_entry a[ATTACH_MAX];
	int n;
};

void attach_load(const struct state *st, struct attach_list *l);
int attach_save(const struct state *st, const struct attach_list *l);

#endif
