// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The supervisor's rights. It starts switches, gateways and plugs again with the arguments up
 * gave them, as up did (as root: as root), and re-joins guests through files of the state
 * directory. As root it keeps only the capabilities those programs use, in its bounding set
 * too, so that nothing it starts (a root process gets exactly the bounding set) has more:
 *   CHOWN, FOWNER, DAC_OVERRIDE, DAC_READ_SEARCH  socket modes and groups, the guests' uml/
 *   SETUID, SETGID                      a switch reaching a client's socket with its rights,
 *                                       the gateway becoming nobody
 *   KILL                                stopping what it started (run as another user)
 *   NET_ADMIN, NET_RAW, NET_BIND_SERVICE  taps, buffer sizes, raw L2TPv3, low ports
 *   SYS_ADMIN                           only with namespace guests: `ip -n` enters namespaces
 * and no process it starts gains any (PR_SET_NO_NEW_PRIVS: no setuid or file-capability gain).
 * Run by another user it has no capabilities to shed and only sets no-new-privileges.
 */
#include "supervise.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint64_t rights_keep(const struct conf *c)
{
	static const int base[] = { CAP_CHOWN, CAP_FOWNER, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
				    CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_NET_ADMIN, CAP_NET_RAW,
				    CAP_NET_BIND_SERVICE };
	uint64_t keep = 0;

	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		keep |= 1ULL << base[i];
	for (int i = 0; i < c->ng; i++)
		if (c->g[i].kind == CONF_GUEST_NETNS)
			keep |= 1ULL << CAP_SYS_ADMIN;
	return keep;
}

static int rights_last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

/* Bounding set, then our own sets (CAP_SETPCAP, which the bounding drops need, goes last). */
static int rights_shed(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	int last = rights_last_cap();

	for (int cap = 0; cap <= last; cap++)
		if (cap != CAP_SETPCAP && !(keep >> cap & 1) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	if (prctl(PR_CAPBSET_DROP, CAP_SETPCAP, 0, 0, 0) < 0)
		return -errno;
	for (int k = 0; k < 2; k++)
		data[k].permitted = data[k].effective = (uint32_t)(keep >> (32 * k));
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

int supervise_drop_rights(const struct conf *c)
{
	int err = geteuid() == 0 ? rights_shed(rights_keep(c)) : 0;

	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		err = -errno;
	return err;
}
