// SPDX-License-Identifier: GPL-2.0-or-later
#include "channel.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void channel_path(const struct state *st, const char *guest, const char *ext, char *out,
			 size_t len)
{
	char name[CONF_NAME + 8];

	snprintf(name, sizeof(name), "%s.%s", guest, ext);
	state_file(st, name, out, len);
}

/* Opens the FIFO at path as ours, never through a symlink; 0 or -errno. */
static int channel_fifo(const char *path, int flags)
{
	struct stat sb;
	int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0 || !S_ISFIFO(sb.st_mode) || sb.st_uid != geteuid()) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int channel_open(const struct state *st, const char *guest)
{
	char path[PATH_MAX];
	int fd;

	channel_path(st, guest, "cmd", path, sizeof(path));
	unlink(path);
	/* Read and write: the FIFO never sees its last writer go, so the guest never reads EOF. */
	fd = mkfifo(path, 0600) < 0 ? -errno : channel_fifo(path, O_RDWR);
	if (fd < 0)
		log_err("guest %s: command channel '%s': %s", guest, path,
			strerror(-fd));
	return fd;
}

int channel_send(const struct state *st, const char *guest, const char *line)
{
	char path[PATH_MAX];
	size_t n = strlen(line);
	int fd, err;

	channel_path(st, guest, "cmd", path, sizeof(path));
	fd = n > CHANNEL_LINE_MAX ? -EMSGSIZE : channel_fifo(path, O_WRONLY | O_NONBLOCK);
	if (fd >= 0) {
		err = write(fd, line, n) == (ssize_t)n ? 0 : errno ? -errno : -EIO;
		close(fd);
	} else {
		err = fd;
	}
	if (err)
		log_err("guest %s: command channel '%s': %s", guest, path,
			err == -ENXIO ? "the guest does not hold it open" : strerror(-err));
	return err;
}
