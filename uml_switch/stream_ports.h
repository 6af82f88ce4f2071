/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stream_ports - `-port transport=stream,...`: the switch's side of QEMU's -netdev stream
 * (doc/qemu.md). A listener (listen=PATH or listen=IP,port=N) accepts connections, and every
 * connection is one port (ep_stream.h), owned by its peer's user on a unix socket, until the
 * peer closes or breaks the framing. A connector (connect=PATH or connect=IP,port=N; QEMU's
 * server=on) keeps one port connected: when the port goes (QEMU restarted), it connects again on
 * the next one-second tick, and logs one line per outage, not per attempt.
 */
#ifndef UMLNET_SWITCH_STREAM_PORTS_H
#define UMLNET_SWITCH_STREAM_PORTS_H

#include "endpoint.h"
#include "transport_spec.h"
#include "vlan.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define STREAM_PORTS_MAX 8 /* listeners, and connectors */

/* The VLAN setting a listener or connector gives each of its ports (-port ...,vlan=N). */
struct stream_vlan {
	bool given;
	struct vlan_port port;
};

struct stream_listener {
	int fd;
	struct stream_vlan vlan;
	char where[160];          /* the address as shown */
	char path[PATH_MAX];      /* unix: the socket file, removed at close; "" for TCP */
	uint64_t accepted, refused, bad_framing;
};

struct stream_connector {
	struct vector_spec spec;
	struct stream_vlan vlan;
	char where[160];
	int fd;                   /* a connect in progress, or -1 */
	int slot;                 /* the connected port, or -1 */
	const struct endpoint *ep; /* that port's endpoint (the slot may have been reused) */
	uint64_t connects, failures, bad_framing;
	bool down_logged;         /* said that it is waiting for the peer */
};

struct stream_ports {
	struct stream_listener l[STREAM_PORTS_MAX];
	unsigned int nl;
	struct stream_connector c[STREAM_PORTS_MAX];
	unsigned int nc;
};

struct switchd;

/* A -port spec of kind TRANSPORT_STREAM, with the VLAN setting of its ports (NULL: none).
 * Returns 0, or -errno with one line in err. */
int stream_ports_add(struct switchd *d, const struct transport_spec *t, const struct vlan_port *vlan,
		     char *err, size_t errlen);
void stream_ports_accept(struct switchd *d, uint32_t index);
/* Once a second: connectors whose port is gone connect again. */
void stream_ports_tick(struct switchd *d);
/* Closes listeners (removing their files) and connects in progress; ports go with the switch. */
void stream_ports_close(struct switchd *d);
void stream_ports_status_text(const struct switchd *d, FILE *f);
/* ,"stream":[...] inside the status object. */
void stream_ports_status_json(const struct switchd *d, FILE *f);

#endif
