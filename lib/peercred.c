// SPDX-License-Identifier: GPL-2.0-or-later
#include "peercred.h"
#include "log.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <unistd.h>

int peercred_get(int fd, struct peercred *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	memset(c, 0, sizeof(*c));
	c->uid = (uid_t)-1;
	c->gid = (gid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	c->pid = cred.pid;
	c->uid = cred.uid;
	c->gid = cred.gid;
	len = sizeof(c->groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, c->groups, &len) == 0)
		c->ngroups = (int)(len / sizeof(gid_t));
	return 0;
}

/* setfsuid()/setfsgid() report the previous id whether or not they changed it: the call with an
 * invalid id reads the current one back. */
static bool peercred_fsuid_is(uid_t uid)
{
	return (uid_t)setfsuid((uid_t)-1) == uid;
}

static bool peercred_fsgid_is(gid_t gid)
{
	return (gid_t)setfsgid((gid_t)-1) == gid;
}

static int peercred_save(struct peercred_saved *s)
{
	int n = getgroups(0, NULL);

	if (n < 0)
		return -errno;
	s->groups = malloc(((size_t)n + 1) * sizeof(gid_t));
	if (!s->groups)
		return -ENOMEM;
	s->ngroups = getgroups(n, s->groups);
	if (s->ngroups < 0) {
		int err = errno ? -errno : -EINVAL;

		free(s->groups);
		s->groups = NULL;
		return err;
	}
	s->fsuid = (uid_t)setfsuid((uid_t)-1);
	s->fsgid = (gid_t)setfsgid((gid_t)-1);
	return 0;
}

int peercred_assume(const struct peercred *c, struct peercred_saved *s)
{
	int err = peercred_save(s);

	if (err)
		return err;
	if (setgroups((size_t)c->ngroups, c->groups) < 0) {
		err = errno ? -errno : -EPERM;
		free(s->groups);
		s->groups = NULL;
		return err;
	}
	setfsgid(c->gid);
	setfsuid(c->uid);
	if (!peercred_fsgid_is(c->gid) || !peercred_fsuid_is(c->uid)) {
		peercred_restore(s);
		return -EPERM;
	}
	return 0;
}

void peercred_restore(struct peercred_saved *s)
{
	setfsuid(s->fsuid);
	setfsgid(s->fsgid);
	if (setgroups((size_t)s->ngroups, s->groups) < 0 || !peercred_fsuid_is(s->fsuid) ||
	    !peercred_fsgid_is(s->fsgid))
		die("cannot take back our own filesystem identity after acting for a client: %s",
		    strerror(errno));
	free(s->groups);
	s->groups = NULL;
}
