// SPDX-License-Identifier: GPL-2.0-or-later
/* mconsole - client of UML's management console; the wire format is described in mconsole.h. */
#include "mconsole.h"
#include "unixsock.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MCONSOLE_HDR 12U

int mconsole_encode(const char *cmd, struct mconsole_request *req)
{
	size_t n = strlen(cmd);

	if (n >= MCONSOLE_MAX_DATA)
		return -EMSGSIZE;
	memset(req, 0, sizeof(*req));
	req->magic = MCONSOLE_MAGIC;
	req->version = MCONSOLE_VERSION;
	req->len = (uint32_t)n;
	memcpy(req->data, cmd, n);
	return (int)(MCONSOLE_HDR + n);
}

int mconsole_decode_reply(const void *buf, size_t n, struct mconsole_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (n < MCONSOLE_HDR || n > sizeof(*r))
		return -EBADMSG;
	memcpy(r, buf, n);
	/* len counts the NUL; the text must fit in what arrived. */
	if (r->len > n - MCONSOLE_HDR || r->len > MCONSOLE_MAX_DATA)
		return -EBADMSG;
	r->data[r->len ? r->len - 1 : 0] = '\0';
	return 0;
}

int mconsole_decode_notify(const void *buf, size_t len, struct mconsole_notify *n)
{
	const size_t hdr = 16;

	memset(n, 0, sizeof(*n));
	if (len < hdr || len > sizeof(*n))
		return -EBADMSG;
	memcpy(n, buf, len);
	if (n->magic != MCONSOLE_MAGIC || n->version != MCONSOLE_VERSION ||
	    n->len > len - hdr || n->len > MCONSOLE_MAX_DATA)
		return -EBADMSG;
	n->data[n->len < MCONSOLE_MAX_DATA ? n->len : MCONSOLE_MAX_DATA - 1] = '\0';
	return 0;
}

int mconsole_open(struct mconsole *mc, const char *path, int timeout_ms)
{
	struct sockaddr_un self = { .sun_family = AF_UNIX };
	int err;

	mc->fd = -1;
	mc->timeout_ms = timeout_ms;
	err = unixsock_path_addr(&mc->peer, path);
	if (err)
		return err;
	mc->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (mc->fd < 0)
		return -errno;
	/* Autobind: the kernel picks a unique abstract name, so several clients in one process (or
	 * one pid reused) never steal each other's replies. The guest answers to that name. */
	if (bind(mc->fd, (const struct sockaddr *)&self, sizeof(sa_family_t)) < 0 ||
	    connect(mc->fd, (const struct sockaddr *)&mc->peer, sizeof(mc->peer)) < 0) {
		err = -errno;
		mconsole_close(mc);
		return err;
	}
	return 0;
}

void mconsole_close(struct mconsole *mc)
{
	if (mc->fd >= 0)
		close(mc->fd);
	mc->fd = -1;
}

static int mconsole_append(struct mconsole_result *res, const char *text)
{
	size_t n = strlen(text);
	char *p = realloc(res->text, res->len + n + 1);

	if (!p)
		return -ENOMEM;
	memcpy(p + res->len, text, n + 1);
	res->text = p;
	res->len += n;
	return 0;
}

/* Waits for and reads one datagram into buf; returns its size or -errno. */
static int mconsole_recv(struct mconsole *mc, void *buf, size_t len)
{
	struct pollfd p = { .fd = mc->fd, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, mc->timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = recv(mc->fd, buf, len, 0);
	return n < 0 ? -errno : (int)n;
}

int mconsole_command(struct mconsole *mc, const char *cmd, struct mconsole_result *res)
{
	struct mconsole_request req;
	struct mconsole_reply r;
	char buf[sizeof(struct mconsole_reply) + 16];
	int n = mconsole_encode(cmd, &req), err;
	bool first = true;

	memset(res, 0, sizeof(*res));
	if (n < 0)
		return n;
	if (send(mc->fd, &req, (size_t)n, 0) < 0)
		return -errno;
	do {
		n = mconsole_recv(mc, buf, sizeof(buf));
		if (n < 0)
			goto fail;
		/* A version-0 style answer has no header: the kernel did not take our magic. */
		if (mconsole_decode_reply(buf, (size_t)n, &r) < 0) {
			n = -EBADMSG;
			goto fail;
		}
		if (first)
			res->err = (int32_t)r.err;
		first = false;
		res->last_err = (int32_t)r.err;
		res->failed |= r.err != 0;
		err = mconsole_append(res, r.data);
		if (err) {
			n = err;
			goto fail;
		}
	} while (r.more);
	if (!res->text)
		return mconsole_append(res, "");
	return 0;
fail:
	mconsole_result_free(res);
	return n;
}

void mconsole_result_free(struct mconsole_result *res)
{
	free(res->text);
	res->text = NULL;
	res->len = 0;
}

int mconsole_run(const char *path, const char *cmd, int timeout_ms, struct mconsole_result *res)
{
	struct mconsole mc;
	int err = mconsole_open(&mc, path, timeout_ms);

	memset(res, 0, sizeof(*res));
	if (err)
		return err;
	err = mconsole_command(&mc, cmd, res);
	mconsole_close(&mc);
	return err;
}

int mconsole_netdev_exists(const char *path, const char *dev, int timeout_ms)
{
	struct mconsole_result res;
	char cmd[128];
	int err;

	if (!*dev || strlen(dev) > 15 || strchr(dev, '/'))
		return -EINVAL;
	snprintf(cmd, sizeof(cmd), "proc sys/net/ipv4/conf/%s/forwarding", dev);
	err = mconsole_run(path, cmd, timeout_ms, &res);
	if (err)
		return err;
	err = res.failed ? 0 : 1;
	mconsole_result_free(&res);
	return err;
}

static bool mconsole_is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int mconsole_resolve(const char *arg, char *out, size_t outlen,
		     void (*warn)(void *opaque, const char *path), void *opaque)
{
	const char *home = getenv("HOME");
	char cand[2][4096];
	int n = 0;

	if (home) {
		char base[4096];

		if (snprintf(base, sizeof(base), "%s/.uml", home) < (int)sizeof(base) &&
		    !starts_with(arg, base) &&
		    snprintf(cand[n], sizeof(cand[0]), "%s/%s/mconsole", base, arg) < (int)sizeof(cand[0]))
			n++;
	}
	if (!starts_with(arg, "/tmp/uml/") &&
	    snprintf(cand[n], sizeof(cand[0]), "/tmp/uml/%s/mconsole", arg) < (int)sizeof(cand[0]))
		n++;
	for (int i = 0; i < n; i++) {
		if (mconsole_is_socket(cand[i])) {
			snprintf(out, outlen, "%s", cand[i]);
			return 0;
		}
		if (warn)
			warn(opaque, cand[i]);
	}
	snprintf(out, outlen, "%s", arg);
	return mconsole_is_socket(arg) ? 0 : -ENOENT;
}

int mconsole_notify_listen(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	err = unixsock_bind_path(fd, path, SOCK_DGRAM, NULL);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
