// SPDX-License-Identifier: GPL-2.0-or-later
#include "unixsock.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
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

/* bind() under a umask that gives the socket file its mode from birth (a socket's own inode is
 * 0777, and Linux masks it with the umask at bind; an fchmod() of the fd before bind() would be
 * masked too, and an fchown() is not carried over to the file at all). While the file's group
 * is still ours, it is born without group and other bits. */
static int unixsock_bind_born(int fd, const struct sockaddr_un *a, const struct unixsock_access *acc,
			      mode_t *mode)
{
	mode_t umask_was, born;
	int r, err;

	*mode = 0;
	if (!acc)
		return bind(fd, (const struct sockaddr *)a, sizeof(*a)) == 0 ? 0 : -errno;
	umask_was = umask(077);
	*mode = acc->mode >= 0 ? (mode_t)acc->mode & 0777 : 0777 & ~umask_was;
	born = acc->gid != (gid_t)-1 ? *mode & 0700 : *mode;
	umask(~born & 0777);
	r = bind(fd, (const struct sockaddr *)a, sizeof(*a));
	err = errno;
	umask(umask_was);
	return r == 0 ? 0 : -err;
}

/* The group, then the group's bits: on the file we just bound, never through a symlink. */
static int unixsock_give_group(const char *path, const struct unixsock_access *acc, mode_t mode)
{
	if (!acc || acc->gid == (gid_t)-1)
		return 0;
	if (fchownat(AT_FDCWD, path, (uid_t)-1, acc->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

int unixsock_bind_path(int fd, const char *path, int type, const struct unixsock_access *acc)
{
	struct sockaddr_un a;
	mode_t mode;
	int err = unixsock_path_addr(&a, path);

	if (err)
		return err;
	err = unixsock_bind_born(fd, &a, acc, &mode);
	if (err == -EADDRINUSE && !unixsock_is_live(&a, type)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
		err = unixsock_bind_born(fd, &a, acc, &mode);
	}
	if (!err && (err = unixsock_give_group(path, acc, mode)))
		unlink(path);
	return err;
}

int unixsock_listen(const char *path, int type, int backlog, const struct unixsock_access *acc)
{
	int fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	err = unixsock_bind_path(fd, path, type, acc);
	if (!err && listen(fd, backlog) < 0) {
		err = -errno;
		unlink(path);
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* One component on the way to a socket file: ours or root's, and, if others may write to it, a
 * sticky directory (where they cannot remove or replace what we make). */
static int unixsock_component_ok(const char *prefix, uid_t self, char *why, size_t len)
{
	struct stat st;

	if (lstat(prefix, &st) < 0) {
		int err = -errno;

		snprintf(why, len, "'%s': %s", prefix, strerror(-err));
		return err;
	}
	if (S_ISLNK(st.st_mode) && st.st_uid != 0 && st.st_uid != self) {
		snprintf(why, len, "'%s' is a symlink of uid %u (neither root nor ours)", prefix,
			 (unsigned)st.st_uid);
		return -EPERM;
	}
	if (stat(prefix, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, len, "'%s' is not a directory", prefix);
		return -ENOTDIR;
	}
	if (st.st_uid != 0 && st.st_uid != self) {
		snprintf(why, len, "directory '%s' belongs to uid %u (neither root nor ours)", prefix,
			 (unsigned)st.st_uid);
		return -EPERM;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		snprintf(why, len, "directory '%s' is writable by %s and not sticky", prefix,
			 st.st_mode & S_IWOTH ? "others" : "its group");
		return -EPERM;
	}
	return 0;
}

int unixsock_dir_check(const char *path, char *why, size_t len)
{
	char full[PATH_MAX + 1], cwd[PATH_MAX];
	uid_t self = geteuid();
	int n, err;

	if (path[0] == '/')
		n = snprintf(full, sizeof(full), "%s", path);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(full, sizeof(full), "%s/%s", cwd, path);
	else
		n = -1;
	if (n < 0 || n >= (int)sizeof(full)) {
		snprintf(why, len, "path too long");
		return -ENAMETOOLONG;
	}
	if ((err = unixsock_component_ok("/", self, why, len)))
		return err;
	/* Every directory on the way, each prefix cut at a '/' (the last part is the socket). */
	for (char *slash = strchr(full + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		err = full[0] ? unixsock_component_ok(full, self, why, len) : 0;
		*slash = '/';
		if (err)
			return err;
	}
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
