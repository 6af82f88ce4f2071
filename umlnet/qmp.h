/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmp - the QEMU Machine Protocol, as much as umlnet needs to stop a VM and add or remove its
 * NICs: connect, leave the greeting's negotiation mode (qmp_capabilities), run one command and
 * read its answer. Every QMP message is one JSON object on one line; events ("event") that
 * arrive before the answer are skipped. An answer is {"return": ...} or {"error": {"class":
 * ..., "desc": "..."}}; only the desc is kept, for the one line of the error.
 */
#ifndef UMLNET_QMP_H
#define UMLNET_QMP_H

#include "linesock.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define QMP_MS 5000

/* A command being written: {"execute":NAME,"arguments":{...}}. Every string value is escaped
 * (json_str_bytes): paths, names and what a VM reported go into it as values, never as JSON. */
struct qmp_cmd {
	FILE *f;
	char *text;  /* after qmp_cmd_end: the command, malloc'd (free it) */
	size_t len;
	bool first;  /* no member yet in the object open last */
};

/* Starts command execute. 0 or -ENOMEM. */
int qmp_cmd_begin(struct qmp_cmd *c, const char *execute);
/* Adds member key with a string, a boolean, or an object (members until qmp_cmd_close). */
void qmp_cmd_str(struct qmp_cmd *c, const char *key, const char *value);
void qmp_cmd_bool(struct qmp_cmd *c, const char *key, bool value);
void qmp_cmd_object(struct qmp_cmd *c, const char *key);
void qmp_cmd_close(struct qmp_cmd *c);
/* Ends the command into c->text. 0 or -ENOMEM (c->text NULL). */
int qmp_cmd_end(struct qmp_cmd *c);

/* Connects to the QMP socket at path and negotiates. 0 or -errno; why gets one line. */
int qmp_open(struct linesock *q, const char *path, char *why, size_t whylen);

/* Runs command (a JSON object, one line, no newline) and waits for its answer. 0, -EIO with
 * QEMU's error description in why, or -errno. */
int qmp_run(struct linesock *q, const char *command, char *why, size_t whylen);

/* Opens path, runs one command, closes. As qmp_run. */
int qmp_once(const char *path, const char *command, char *why, size_t whylen);

#endif
