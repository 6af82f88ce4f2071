/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * transport_parts - what a transport's own parser and printer use, so that they can live in the
 * transport's file: the key=value pairs of the vector syntax (vector_parse.c) and the printer's
 * output (transport_print.c). Their rows are in transport_registry.c.
 */
#ifndef UMLNET_TRANSPORT_PARTS_H
#define UMLNET_TRANSPORT_PARTS_H

#include "transport_registry.h"

#include <stdint.h>

/* --- a vector transport's parser: its keys, each looked up once marks it understood --- */

/* The spec being filled. */
struct transport_spec *vector_spec(struct vparse *p);

/* The value of key, marked as understood; NULL if absent. */
const char *vector_get(struct vparse *p, const char *key);

/* The value of a required key; when absent, NULL and *r set to vector_fail()'s "missing key="
 * unless *r already holds an error (so several keys can be asked in a row). */
const char *vector_need(struct vparse *p, const char *key, int *r);

/* Writes "<transport>: <message>" as the parse error; returns -EINVAL. */
__attribute__((format(printf, 2, 3))) int vector_fail(struct vparse *p, const char *fmt, ...);

/* Values of keys (v NULL: not given, nothing set); 0 or vector_fail()'s -EINVAL. */
int vector_port(struct vparse *p, const char *key, const char *v, uint16_t *out); /* 1..65535 */
int vector_address(struct vparse *p, const char *key, const char *v, int family,
		   struct vector_addr *out); /* numeric, of family */
int vector_path(struct vparse *p, const char *key, const char *v, char *out); /* VECTOR_PATH_MAX */

/* --- a printer: "key=value\n" lines into the output, cut at its end --- */

__attribute__((format(printf, 2, 3))) void transport_put(struct print_out *o, const char *fmt, ...);

/* "key=addr port N", or "key=(none)" when a has no family. */
void transport_put_addr(struct print_out *o, const char *key, const struct vector_addr *a);

#endif
