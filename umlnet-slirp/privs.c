// SPDX-License-Identifier: GPL-2.0-or-later
#include "privs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ids.h"
#include "log.h"
#include "privdrop.h"

int slirp_privs_init(struct slirp_privs *p, const char *user, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->user, sizeof(p->user), "%s", user);
	if (geteuid() != 0)
		return 0;
	if (ids_user(user, &p->uid, &p->gid) < 0) {
		snprintf(err, errlen, "--user '%s': no such user", user);
		return -EINVAL;
	}
	if (p->uid == 0) {
		snprintf(err, errlen, "--user '%s': is root; name an unprivileged user", user);
		return -EINVAL;
	}
	p->drop = true;
	return 0;
}

int slirp_privs_drop(const struct slirp_privs *p)
{
	gid_t gid = p->gid;

	if (!p->drop)
		return 0;
	if (privdrop_to(p->uid, p->gid, 1, &gid) < 0) {
		log_err("--user '%s': could not become uid %u gid %u", p->user, p->uid, p->gid);
		return -EPERM;
	}
	log_info("running as user %s (uid %u)", p->user, p->uid);
	return 0;
}
