/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * transport_registry - the one table of transports (transport_registry.c): per transport its
 * name, its syntax, its parser, its printer and its opener. Everything that names a transport or
 * dispatches on its kind asks this table: transport_parse() and vector_parse() look names up in
 * it and list its names when a name is unknown, transport_print() and endpoint_open_parsed()
 * call its printer and opener.
 *
 * Adding a transport: a new file with its parser and printer (transport_parts.h gives them the
 * vector syntax's keys and the printer's output; transport_qemu.c is one such file) and its
 * opener (ep_transports.h); its kind in enum transport_kind (transport_spec.h), its functions
 * declared below, one row in transport_registry.c with an example that parses; golden cases
 * (tests/unit/transports/golden) and its entry in umlnet-plug(1)'s TRANSPORTS.
 * tests/unit/transports/test_transport_registry.c checks the row, the golden cases and the page.
 */
#ifndef UMLNET_TRANSPORT_REGISTRY_H
#define UMLNET_TRANSPORT_REGISTRY_H

#include "endpoint.h"
#include "transport_spec.h"

#include <stddef.h>

enum transport_syntax {
	TRANSPORT_SYNTAX_CLASSIC, /* "<name>,<field>,<field>..." (doc/transports.md §1.2) */
	TRANSPORT_SYNTAX_VECTOR,  /* "transport=<name>,key=value,..." (doc/vector-transports.md §2) */
};

/* The parsers' contexts, each private to its syntax's file. */
struct classic_ctx; /* transport_parse.c */
struct vparse;      /* vector_parse.c */
struct print_out;   /* transport_print.c */

struct transport_row {
	const char *name;
	enum transport_syntax syntax;
	union { /* the member of the row's syntax */
		int (*classic)(struct classic_ctx *c, const char *args);
		int (*vector)(struct vparse *p);
	} parse;
	/* The transport's own fields (transport_print() writes the name before, and the MAC of a
	 * vector transport and any warning after). */
	void (*print)(struct print_out *o, const struct transport_spec *t);
	int (*open)(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen);
	const char *example; /* a spec that parses without a warning (the registry's unit test) */
};

/* The row of kind (kind < TRANSPORT_KINDS). */
const struct transport_row *transport_row(enum transport_kind kind);

/* The kind of syntax's transport whose name is the len bytes at name, TRANSPORT_KINDS if none. */
enum transport_kind transport_named(enum transport_syntax syntax, const char *name, size_t len);

#define TRANSPORT_KNOWN_MAX 128 /* room for transport_known()'s list of either syntax */

/* The names of syntax's transports in table order, joined by sep, into buf (truncated to len). */
void transport_known(enum transport_syntax syntax, const char *sep, char *buf, size_t len);

/* --- the parsers (classic: transport_parse.c; vector: vector_parse.c, stream and dgram:
 * transport_qemu.c) --- */
int transport_parse_ethertap(struct classic_ctx *c, const char *args);
int transport_parse_tuntap(struct classic_ctx *c, const char *args);
int transport_parse_daemon(struct classic_ctx *c, const char *args);
int transport_parse_mcast(struct classic_ctx *c, const char *args);
int transport_parse_slip(struct classic_ctx *c, const char *args);
int transport_parse_slirp(struct classic_ctx *c, const char *args);
int transport_parse_pcap(struct classic_ctx *c, const char *args);
int vector_parse_bess(struct vparse *p);
int vector_parse_fd(struct vparse *p);
int vector_parse_l2tpv3(struct vparse *p);
int vector_parse_vxlan(struct vparse *p);
int vector_parse_stream(struct vparse *p);
int vector_parse_dgram(struct vparse *p);

/* --- the printers (transport_print.c; stream and dgram: transport_qemu.c) --- */
/* ethertap and tuntap */
void transport_print_tap(struct print_out *o, const struct transport_spec *t);
void transport_print_daemon(struct print_out *o, const struct transport_spec *t);
void transport_print_mcast(struct print_out *o, const struct transport_spec *t);
void transport_print_slip(struct print_out *o, const struct transport_spec *t);
void transport_print_slirp(struct print_out *o, const struct transport_spec *t);
void transport_print_pcap(struct print_out *o, const struct transport_spec *t);
void transport_print_bess(struct print_out *o, const struct transport_spec *t);
void transport_print_fd(struct print_out *o, const struct transport_spec *t);
void transport_print_l2tpv3(struct print_out *o, const struct transport_spec *t);
void transport_print_vxlan(struct print_out *o, const struct transport_spec *t);
void transport_print_stream(struct print_out *o, const struct transport_spec *t);
void transport_print_dgram(struct print_out *o, const struct transport_spec *t);

#endif
