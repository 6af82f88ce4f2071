// SPDX-License-Identifier: GPL-2.0-or-later
#include "switch_mgmt.h"
#include "unixsock.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SWITCH_MGMT_TIMEOUT_MS 3000

static int switch_mgmt_connect(const char *path)
{
	struct sockaddr_un a;
	int fd, err = unixsock_path_addr(&a, path);

	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = unixsock_connect(fd, &a);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int switch_mgmt_default_path(const char *ctl, char *out, size_t len)
{
	return snprintf(out, len, "%s.mgmt", ctl);
}

int switch_mgmt_query(const char *mgmt_path, const char *cmd, char **reply)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd = switch_mgmt_connect(mgmt_path), err = 0;

	*reply = NULL;
	if (fd < 0)
		return fd;
	if (dprintf(fd, "%s\n", cmd) < 0) {
		err = -errno;
		goto out;
	}
	/* Read until the reply's closing empty line ("\n\n") or the switch closes. */
	while (len < 2 || memcmp(buf + len - 2, "\n\n", 2)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (cap - len < 4096) {
			char *t = realloc(buf, cap = cap * 2 + 8192);

			if (!t) {
				err = -ENOMEM;
				goto out;
			}
			buf = t;
		}
		if (poll(&p, 1, SWITCH_MGMT_TIMEOUT_MS) <= 0) {
			err = -ETIMEDOUT;
			goto out;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!buf) {
		err = -EPROTO;
		goto out;
	}
	while (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	*reply = buf;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

enum { COL_PORT, COL_KIND, COL_PID, COL_RXF, COL_RXB, COL_TXF, COL_TXB, COL_ENDPOINT, NCOLS };

/* Column positions from the header line; the drop_* columns are summed. */
static int switch_mgmt_header(char *line, int *col, unsigned long long *dropmask)
{
	static const char *const names[NCOLS] = { "port", "kind", "pid", "rx_frames", "rx_bytes",
						  "tx_frames", "tx_bytes", "endpoint" };
	int i = 0;

	for (int c = 0; c < NCOLS; c++)
		col[c] = -1;
	*dropmask = 0;
	for (char *w = strtok(line, " \t"); w; w = strtok(NULL, " \t"), i++) {
		for (int c = 0; c < NCOLS; c++)
			if (!strcmp(w, names[c]))
				col[c] = i;
		if (!strncmp(w, "drop_", 5) && i < 64)
			*dropmask |= 1ULL << i;
	}
	return col[COL_PORT] < 0 ? -EPROTO : 0;
}

int switch_mgmt_parse_ports(const char *text, struct switch_mgmt_port *ports, int max)
{
	char *copy = strdup(text), *save = NULL, *line;
	int col[NCOLS], n = 0;
	unsigned long long dropmask = 0;
	bool header = false;

	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		struct switch_mgmt_port *p = &ports[n];
		char *w, *wsave = NULL;
		int i = 0;

		if (!header) {
			header = switch_mgmt_header(line, col, &dropmask) == 0;
			continue;
		}
		memset(p, 0, sizeof(*p));
		for (w = strtok_r(line, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave), i++) {
			unsigned long long v = strtoull(w, NULL, 10);

			if (i == col[COL_PORT])
				p->port = (unsigned int)v;
			else if (i == col[COL_KIND])
				snprintf(p->kind, sizeof(p->kind), "%s", w);
			else if (i == col[COL_PID])
				p->pid = (pid_t)v;
			else if (i == col[COL_RXF])
				p->rx_frames = v;
			else if (i == col[COL_RXB])
				p->rx_bytes = v;
			else if (i == col[COL_TXF])
				p->tx_frames = v;
			else if (i == col[COL_TXB])
				p->tx_bytes = v;
			else if (i < 64 && (dropmask & (1ULL << i)))
				p->drops += v;
			else if (i == col[COL_ENDPOINT]) {
				/* the last column; it may contain spaces ("unix @name") */
				snprintf(p->endpoint, sizeof(p->endpoint), "%s%s%s", w,
					 wsave && *wsave ? " " : "", wsave ? wsave : "");
				break;
			}
		}
		n++;
	}
	free(copy);
	return header ? n : -EPROTO;
}
