/* SPDX-License-Identifier: GPL-2.0-or-later */
/* privs - what a setuid helper owes its host: a clean start, a root-owned policy, and dropping
 * back to the caller's ids once the privileged calls are done. */
#include "uml_net.h"
#include "privdrop.h"
#include "stdfds.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

void un_drop_privileges(struct uml_net *un)
{
	/* Any failure is fatal: a relay must never keep running as root by accident. */
	if (privdrop_to(un->who.uid, un->who.gid, (size_t)un->who.ngroups, un->who.groups) < 0) {
		fprintf(stderr, "uml_net: dropping privileges failed\n");
		_exit(1);
	}
}

/* Records who ran us: the real ids, which setuid leaves as the caller's. */
void un_caller(struct uml_net *un)
{
	static gid_t groups[NGROUPS_MAX]; /* 256 KiB: not on a stack the caller sized */
	int n = getgroups(NGROUPS_MAX, groups);

	un->who.uid = getuid();
	un->who.gid = getgid();
	un->root = un->who.uid == 0;
	un->who.ngroups = 0;
	for (int i = 0; i < n && un->who.ngroups < POLICY_MAX_GROUPS; i++)
		un->who.groups[un->who.ngroups++] = groups[i];
}

/*
 * A setuid program trusts nothing it inherits: no core dumps or ptrace while privileged, signal
 * dispositions and mask back to defaults (an inherited blocked SIGTERM or ignored SIGCHLD would
 * otherwise pass to the relay and the wait for it), SIGPIPE ignored (a peer that closes fd 1
 * must not kill us half way through), no environment, a sane umask, 0-2 open.
 */
void un_sanitize(void)
{
	const struct rlimit no_core = { 0, 0 };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &no_core);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL); /* EINVAL for libc's reserved ones: fine */
	signal(SIGPIPE, SIG_IGN);
	if (stdfds_reserve() < 0)
		_exit(1);
	clearenv();
	umask(022);
}

/* Closes every fd above 2 except keep (the ethertap data socket, or -1). */
void un_close_stray_fds(int keep)
{
	if (keep > 3)
		close_range(3, (unsigned int)keep - 1, 0);
	close_range(keep >= 3 ? (unsigned int)keep + 1 : 3, ~0U, 0);
}

static bool un_root_only_writable(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/*
 * Loads the policy. Returns 0 with un->pol set, 0 with un->pol NULL when the file does not exist,
 * or -errno with the reason in the output. The file and its directory must be root's and
 * writable by no one else, or anyone able to edit them could grant themselves addresses.
 */
int un_load_policy(struct uml_net *un, const char *path, struct policy *pol)
{
	static char text[POLICY_MAX_SIZE + 1];
	char dir[256], err[160];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		un->pol = NULL;
		if (!un->root)
			out_line(&un->out, "refused: no policy file %s, so only root may use uml_net",
				 path);
		return 0;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		out_line(&un->out, "refused: policy %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || !un_root_only_writable(&st) ||
	    stat(dir[0] ? dir : "/", &st) < 0 || !un_root_only_writable(&st)) {
		out_line(&un->out, "refused: policy %s must be a file owned by root in a root-owned "
				   "directory, writable by no one else", path);
		goto fail;
	}
	n = read(fd, text, sizeof(text));
	if (n < 0 || policy_parse(pol, text, (size_t)n, policy_resolve_nss, err, sizeof(err)) < 0) {
		out_line(&un->out, "refused: policy %s: %s", path, n < 0 ? strerror(errno) : err);
		goto fail;
	}
	close(fd);
	explicit_bzero(text, sizeof(text)); /* a 0600 policy stays private to the relays too */
	un->pol = pol;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -EACCES;
}
