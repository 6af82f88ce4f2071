// SPDX-License-Identifier: GPL-2.0-or-later
#include "qmp.h"
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int qmp_cmd_begin(struct qmp_cmd *c, const char *execute)
{
	c->text = NULL;
	c->f = open_memstream(&c->text, &c->len);
	if (!c->f)
		return -ENOMEM;
	fputs("{\"execute\":", c->f);
	json_str_bytes(c->f, execute);
	fputs(",\"arguments\":{", c->f);
	c->first = true;
	return 0;
}

static void qmp_cmd_key(struct qmp_cmd *c, const char *key)
{
	if (!c->first)
		fputc(',', c->f);
	c->first = false;
	json_str_bytes(c->f, key);
	fputc(':', c->f);
}

void qmp_cmd_str(struct qmp_cmd *c, const char *key, const char *value)
{
	qmp_cmd_key(c, key);
	json_str_bytes(c->f, value);
}

void qmp_cmd_bool(struct qmp_cmd *c, const char *key, bool value)
{
	qmp_cmd_key(c, key);
	fputs(value ? "true" : "false", c->f);
}

void qmp_cmd_object(struct qmp_cmd *c, const char *key)
{
	qmp_cmd_key(c, key);
	fputc('{', c->f);
	c->first = true;
}

void qmp_cmd_close(struct qmp_cmd *c)
{
	fputc('}', c->f);
	c->first = false;
}

int qmp_cmd_end(struct qmp_cmd *c)
{
	bool failed;

	fputs("}}", c->f);
	failed = ferror(c->f);
	if (fclose(c->f) || failed) {
		free(c->text);
		c->text = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The "desc" string of an error answer, without JSON escapes beyond \" (QEMU's texts have
 * none that matter for one line of error). */
static void qmp_desc(const char *line, char *why, size_t whylen)
{
	const char *d = strstr(line, "\"desc\"");
	size_t n = 0;

	d = d ? strchr(d + 6, '"') : NULL;
	if (!d) {
		snprintf(why, whylen, "%s", line);
		return;
	}
	for (d++; *d && *d != '"' && n + 1 < whylen; d++) {
		if (*d == '\\' && d[1])
			d++;
		why[n++] = *d;
	}
	why[n] = '\0';
}

/* Reads lines until an answer: 0 for "return", -EIO for "error". */
static int qmp_answer(struct linesock *q, char *why, size_t whylen)
{
	char *line = malloc(LINESOCK_BUF);
	int err;

	if (!line)
		return -ENOMEM;
	for (;;) {
		err = linesock_read(q, line, LINESOCK_BUF, QMP_MS);
		if (err) {
			snprintf(why, whylen, "no answer on the QMP socket: %s", strerror(-err));
			break;
		}
		if (!strncmp(line, "{\"return\"", 9))
			break;
		if (!strncmp(line, "{\"error\"", 8)) {
			qmp_desc(line, why, whylen);
			err = -EIO;
			break;
		}
	}
	free(line);
	return err;
}

int qmp_open(struct linesock *q, const char *path, char *why, size_t whylen)
{
	char *line = malloc(LINESOCK_BUF);
	int err;

	if (!line)
		return -ENOMEM;
	err = linesock_connect(q, path, 0);
	if (err)
		snprintf(why, whylen, "QMP socket '%s': %s", path, strerror(-err));
	if (!err && (err = linesock_read(q, line, LINESOCK_BUF, QMP_MS)) == 0 &&
	    strncmp(line, "{\"QMP\"", 6))
		err = -EPROTO;
	if (err == -EPROTO || err == -ETIMEDOUT || err == -EPIPE)
		snprintf(why, whylen, "QMP socket '%s': no greeting", path);
	free(line);
	if (!err)
		err = qmp_run(q, "{\"execute\":\"qmp_capabilities\"}", why, whylen);
	if (err)
		linesock_close(q);
	return err;
}

int qmp_run(struct linesock *q, const char *command, char *why, size_t whylen)
{
	int err = linesock_send(q, command);

	if (!err)
		err = linesock_send(q, "\n");
	if (err) {
		snprintf(why, whylen, "QMP: %s", strerror(-err));
		return err;
	}
	return qmp_answer(q, why, whylen);
}

int qmp_once(const char *path, const char *command, char *why, size_t whylen)
{
	struct linesock *q = malloc(sizeof(*q));
	int err;

	if (!q)
		return -ENOMEM;
	err = qmp_open(q, path, why, whylen);
	if (!err) {
		err = qmp_run(q, command, why, whylen);
		linesock_close(q);
	}
	free(q);
	return err;
}
