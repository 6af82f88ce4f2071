// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"
#include "runas.h"
#include "ids.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int runas_guest_user(const char *opt, struct proc_as *as, const char **user)
{
	const char *env = getenv("UMLNET_GUEST_USER");
	const char *name = opt ? opt : env && *env ? env : RUNAS_DEFAULT_USER;
	const char *from = opt ? "--guest-user" : env && *env ? "UMLNET_GUEST_USER" : "guest user";
	uint32_t uid, gid;

	*as = (struct proc_as){ .drop = false, .fd3 = -1 };
	*user = name;
	if (geteuid() != 0)
		return 0;
	if (ids_user(name, &uid, &gid)) {
		log_err("%s '%s': no such user; as root umlnet runs guests "
				"only as an unprivileged user: create it with 'useradd --system "
				"--no-create-home --shell /usr/sbin/nologin %s' (scripts/deps does)",
			from, name, name);
		return -ENOENT;
	}
	if (uid == 0 || gid == 0) {
		log_err("%s '%s': uid %u gid %u: guests never run as root "
				"or with root's group", from, name, (unsigned int)uid,
			(unsigned int)gid);
		return -EPERM;
	}
	*as = (struct proc_as){ .drop = true, .uid = uid, .gid = gid, .fd3 = -1 };
	return 0;
}
