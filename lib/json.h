/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json - just enough JSON writing for status output, onto a stdio stream.
 * Strings are escaped completely: client-supplied text (VDE descriptions, names) ends up here.
 */
#ifndef UMLNET_JSON_H
#define UMLNET_JSON_H

#include <stdio.h>

void json_str(FILE *f, const char *s);
/* As json_str, but bytes past ASCII go as they are, for a reader that takes
 * UTF-8 and must get a path's bytes unchanged (QMP). */
void json_str_bytes(FILE *f, const char *s);
/* Writes "key": with a leading comma unless first. */
void json_key(FILE *f, const char *key, int first);

#endif
