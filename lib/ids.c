// SPDX-License-Identifier: GPL-2.0-or-later
#include "ids.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>

int ids_by_name(bool group, const char *name, uint32_t *id)
{
	if (group) {
		struct group *gr = getgrnam(name);

		if (!gr)
			return -ENOENT;
		*id = gr->gr_gid;
	} else {
		struct passwd *pw = getpwnam(name);

		if (!pw)
			return -ENOENT;
		*id = pw->pw_uid;
	}
	return 0;
}

int ids_parse(bool group, const char *text, int base, uint32_t *id)
{
	unsigned long v;
	char *end;

	if (ids_by_name(group, text, id) == 0)
		return 0;
	if (*text < '0' || *text > '9') /* strtoul would take "-1" and " 7" */
		return -ENOENT;
	errno = 0;
	v = strtoul(text, &end, base);
	if (errno || *end || v > IDS_MAX)
		return -ENOENT;
	*id = (uint32_t)v;
	return 0;
}

int ids_user(const char *text, uint32_t *uid, uint32_t *gid)
{
	struct passwd *pw = getpwnam(text);
	uint32_t id;

	if (!pw && ids_parse(false, text, 10, &id) == 0)
		pw = getpwuid(id);
	if (!pw)
		return -ENOENT;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}
