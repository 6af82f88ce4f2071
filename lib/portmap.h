/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * portmap - sender address -> port, for frames arriving on a data socket shared by many
 * clients (the classic single data socket, kept for -compat-v0 clients).
 *
 * The key is all 108 bytes of sun_path, verbatim: UML clients bind a 108-byte abstract name
 * whose tail is uninitialised kernel memory (doc/daemon-protocol.md §3.2), so names are opaque
 * keys, never strings. Lookup is O(1) whatever the number of ports.
 */
#ifndef UMLNET_PORTMAP_H
#define UMLNET_PORTMAP_H

#include "ohash.h"

#include <stdint.h>
#include <sys/un.h>

#define PORTMAP_NONE UINT32_MAX
#define PORTMAP_KEY_LEN sizeof(((struct sockaddr_un *)0)->sun_path)

struct portmap {
	struct ohash h;
};

int portmap_init(struct portmap *m, uint32_t max_ports);
void portmap_free(struct portmap *m);
/* 0, -EEXIST if the name is taken, -ENOSPC if full. */
int portmap_add(struct portmap *m, const struct sockaddr_un *addr, uint32_t port);
uint32_t portmap_lookup(const struct portmap *m, const struct sockaddr_un *addr);
/* Returns whether the name was registered. */
bool portmap_del(struct portmap *m, const struct sockaddr_un *addr);

#endif
