// SPDX-License-Identifier: GPL-2.0-or-later
#include "unixsock.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int unixsock_path_addr(struct sockaddr_un *a, const char *path)
{
	size_t n = strlen(path);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	memcpy(a->sun_path, path, n);
	return 0;
}

int unixsock_abstract_addr(struct sockaddr_un *a, const char *text)
{
	size_t n = strlen(text);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (n + 1 > sizeof(a->sun_path))
		return -ENAMETOOLONG;
	memcpy(a->sun_path + 1, text, n);
	return 0;
}

/* Whether a server answers at a: a refused connection means the file is a leftover. */
static bool unixsock_is_live(const struct sockaddr_un *a, int type)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return true; /* cannot tell: do not remove anything */
	live = connect(fd, (const struct sockaddr *)a, sizeof(*a)) == 0 || errno != ECONNREFUSED;
	close(fd);
	return live;
}

int unixsock_bind_path(int fd, const char *path, int type)
{
	struct sockaddr_un a;
	int err = unixsock_path_addr(&a, path);

	if (err)
		return err;
	if (bind(fd, (const struct sockaddr *)&a, sizeof(a)) == 0)
		return 0;
	if (errno != EADDRINUSE)
		return -errno;
	if (unixsock_is_live(&a, type))
		return -EADDRINUSE;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return bind(fd, (const struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : -errno;
}

int unixsock_listen(const char *path, int type, int backlog)
{
	int fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	err = unixsock_bind_path(fd, path, type);
	if (!err && listen(fd, backlog) < 0)
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int unixsock_set_access(const char *path, int mode, gid_t gid)
{
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0)
		return -errno;
	if (mode >= 0 && chmod(path, (mode_t)mode) < 0)
		return -errno;
	return 0;
}

int unixsock_dgram_bind(const struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0)
		return -errno;
	if (bind(fd, (const struct sockaddr *)a, sizeof(*a)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

void unixsock_grow_sndbuf(int fd, int bytes)
{
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
}

int unixsock_connect(int fd, const struct sockaddr_un *a)
{
	return connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0 ? -errno : 0;
}

/* Abstract names made of text print as "@text"; binary ones (UML's: padding, pid, time and
 * uninitialised bytes) as "@hex:" and their first 12 bytes after the marker. Text a client
 * chose is escaped (log_escape), so a name cannot break a log or reply line. */
const char *unixsock_addr_text(const struct sockaddr_un *a, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)a->sun_path;
	size_t end = sizeof(a->sun_path), o;
	bool text = true;

	if (len == 0)
		return buf;
	if (p[0] != 0)
		return log_escape(p, end, buf, len);
	while (end > 1 && p[end - 1] == 0)
		end--;
	for (size_t i = 1; i < end; i++)
		text = text && p[i] >= 0x20 && p[i] < 0x7f;
	if (text) {
		buf[0] = '@';
		log_escape(p + 1, end - 1, buf + 1, len - 1);
		return buf;
	}
	o = (size_t)snprintf(buf, len, "@hex:");
	for (size_t i = 1; i <= 12 && o + 3 <= len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%02x", p[i]);
	return buf;
}
