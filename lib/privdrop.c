// SPDX-License-Identifier: GPL-2.0-or-later
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <unistd.h>

static bool privdrop_ids_are(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	return getresuid(&ru, &eu, &su) == 0 && getresgid(&rg, &eg, &sg) == 0 && ru == uid &&
	       eu == uid && su == uid && rg == gid && eg == gid && sg == gid;
}

int privdrop_to(uid_t uid, gid_t gid, size_t ngroups, const gid_t *groups)
{
	if ((geteuid() == 0 && setgroups(ngroups, groups) < 0) || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0 || !privdrop_ids_are(uid, gid) ||
	    (uid != 0 && (setuid(0) == 0 || geteuid() == 0)) ||
	    (uid != 0 && gid != 0 && setgid(0) == 0))
		return -EPERM;
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return 0;
}
