// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"
#include "trust.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Cuts the last component off path ("/a/b" -> "/a", "/a" -> "/"); false at "/". */
static bool trust_parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash || !strcmp(path, "/"))
		return false;
	if (slash == path)
		slash[1] = '\0';
	else
		*slash = '\0';
	return true;
}

/* real gets path resolved: its nearest existing ancestor through realpath, then the rest. */
static int trust_resolve(const char *path, char *real, size_t len)
{
	char head[PATH_MAX], *r;

	if (snprintf(head, sizeof(head), "%s", path) >= (int)sizeof(head))
		return -ENAMETOOLONG;
	while (!(r = realpath(head, NULL))) {
		if (errno != ENOENT || !trust_parent(head))
			return -errno;
	}
	if (snprintf(real, len, "%s%s", strcmp(r, "/") ? r : "", path + strlen(head)) >= (int)len) {
		free(r);
		return -ENAMETOOLONG;
	}
	if (!strcmp(r, "/") && !real[0])
		snprintf(real, len, "/");
	free(r);
	return 0;
}

/* Root's rule for one directory: owned by root, writable by no one else; a directory above the
 * state may be world-writable with the sticky bit. */
static bool trust_dir_ok(const struct stat *sb, bool is_state)
{
	if (!S_ISDIR(sb->st_mode) || sb->st_uid != 0)
		return false;
	if (!(sb->st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	return !is_state && (sb->st_mode & S_ISVTX);
}

int trust_state_path(const char *what, const char *path, char *real, size_t len)
{
	char dir[PATH_MAX], cwd[PATH_MAX];
	bool first = true;
	int err = 0;

	if (geteuid() != 0) {
		snprintf(real, len, "%s", path);
		return 0;
	}
	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		err = -errno;
	else if (path[0] != '/' && snprintf(dir, sizeof(dir), "%s/%s", cwd, path) >= (int)sizeof(dir))
		err = -ENAMETOOLONG;
	if (!err)
		err = trust_resolve(path[0] == '/' ? path : dir, real, len);
	if (err) {
		log_err("%s '%s': %s", what, path, strerror(-err));
		return err;
	}
	snprintf(dir, sizeof(dir), "%s", real);
	do {
		struct stat sb;

		if (lstat(dir, &sb) < 0) {
			if (errno == ENOENT && first) {
				first = false;
				continue; /* not made yet: its parents decide, and again once made */
			}
			log_err("%s '%s': '%s': %s", what, path, dir,
				strerror(errno));
			return -errno;
		}
		if (!trust_dir_ok(&sb, first)) {
			log_err("%s '%s': '%s' (owner uid %u, mode %04o) is not "
					"a directory owned by root and writable by no one else: root "
					"does not use state others could plant (set --state or "
					"UMLNET_STATE_DIR to a root-owned directory)", what, path, dir,
				(unsigned int)sb.st_uid, (unsigned int)(sb.st_mode & 07777));
			return -EPERM;
		}
		first = false;
	} while (trust_parent(dir));
	return 0;
}

/* Whether uid/gid (its only group) may search a directory of this owner, group and mode. */
static bool trust_searchable(const struct stat *sb, uid_t uid, gid_t gid)
{
	if (sb->st_uid == uid)
		return sb->st_mode & S_IXUSR;
	if (sb->st_gid == gid)
		return sb->st_mode & S_IXGRP;
	return sb->st_mode & S_IXOTH;
}

int trust_reachable(const char *path, const char *user, uid_t uid, gid_t gid)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	do {
		struct stat sb;

		if (stat(dir, &sb) < 0 || !trust_searchable(&sb, uid, gid)) {
			log_err("state directory '%s': the guests' user %s "
					"cannot reach it ('%s' is not searchable by uid %u); choose "
					"a state directory under directories it may search", path,
				user, dir, (unsigned int)uid);
			return -EACCES;
		}
	} while (trust_parent(dir));
	return 0;
}

/* Removes name in dfd: unlinked, or when a directory opened without following a symlink,
 * emptied the same way and removed. depth bounds the recursion. */
static void trust_remove_at(int dfd, const char *name, int depth)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 && depth < 8 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d && fd >= 0)
		close(fd);
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno == EISDIR)
			trust_remove_at(dirfd(d), e->d_name, depth + 1);
	}
	if (d)
		closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno == ENOTDIR)
		unlinkat(dfd, name, 0);
}

void trust_remove_tree(const char *path)
{
	char parent[PATH_MAX];
	const char *base = strrchr(path, '/');
	int dfd;

	if (!base || snprintf(parent, sizeof(parent), "%.*s", (int)(base - path),
			      path) >= (int)sizeof(parent))
		return;
	dfd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	trust_remove_at(dfd, base + 1, 0);
	close(dfd);
}
