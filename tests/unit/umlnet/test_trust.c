// SPDX-License-Identifier: GPL-2.0-or-later
/* trust.c (which state root may use; removal without following symlinks) and proc.c's rule that
 * pid 1 and an unknown start time match no process. */
#include "proc.h"
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static char top[64];

static void make_top(void)
{
	snprintf(top, sizeof(top), "/tmp/umlnet-trust-XXXXXX");
	if (!mkdtemp(top))
		abort();
}

static int trust(const char *path, char *real)
{
	return trust_state_path("state directory", path, real, PATH_MAX);
}

static void test_root_owned_closed_dir_is_trusted(void)
{
	char real[PATH_MAX], sub[PATH_MAX], link[128];

	make_top();
	CHECK_EQ(trust(top, real), 0);
	CHECK_STR(real, top);
	/* Not made yet: its parents decide. */
	snprintf(sub, sizeof(sub), "%s/net", top);
	CHECK_EQ(trust(sub, real), 0);
	CHECK_STR(real, sub);
	/* A symlink on the way is resolved. */
	snprintf(link, sizeof(link), "%s/link", top);
	CHECK_EQ(symlink(top, link), 0);
	snprintf(sub, sizeof(sub), "%s/net", link);
	CHECK_EQ(trust(sub, real), 0);
	snprintf(sub, sizeof(sub), "%s/net", top);
	CHECK_STR(real, sub);
	unlink(link);
	rmdir(top);
}

static void test_open_or_user_owned_dir_is_refused(void)
{
	char real[PATH_MAX], sub[PATH_MAX];

	if (geteuid() != 0)
		return; /* the rule is root's only */
	make_top();
	CHECK_EQ(chmod(top, 0770), 0);
	CHECK_EQ(trust(top, real), -EPERM);
	CHECK_EQ(chmod(top, 01777), 0); /* sticky: fine above the state, not as the state */
	CHECK_EQ(trust(top, real), -EPERM);
	snprintf(sub, sizeof(sub), "%s/net", top);
	CHECK_EQ(mkdir(sub, 0700), 0);
	CHECK_EQ(trust(sub, real), 0);
	CHECK_EQ(chown(sub, 65534, 65534), 0);
	CHECK_EQ(trust(sub, real), -EPERM);
	CHECK_EQ(chown(sub, 0, 0), 0);
	CHECK_EQ(chmod(top, 0700), 0);
	CHECK_EQ(chown(top, 65534, 65534), 0); /* a user's directory above the state */
	CHECK_EQ(trust(sub, real), -EPERM);
	rmdir(sub);
	rmdir(top);
}

static void test_remove_tree_follows_no_symlink(void)
{
	char outside[PATH_MAX], tree[PATH_MAX], p[PATH_MAX + 16];

	make_top();
	snprintf(outside, sizeof(outside), "%s/outside", top);
	snprintf(tree, sizeof(tree), "%s/uml", top);
	CHECK_EQ(mkdir(outside, 0700), 0);
	snprintf(p, sizeof(p), "%s/keep", outside);
	close(open(p, O_CREAT | O_WRONLY, 0600));
	CHECK_EQ(mkdir(tree, 0700), 0);
	snprintf(p, sizeof(p), "%s/a", tree);
	CHECK_EQ(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/a/link", tree);
	CHECK_EQ(symlink(outside, p), 0);
	snprintf(p, sizeof(p), "%s/b", tree);
	CHECK_EQ(symlink(outside, p), 0);
	trust_remove_tree(tree);
	CHECK(access(tree, F_OK) < 0);
	snprintf(p, sizeof(p), "%s/keep", outside);
	CHECK_EQ(access(p, F_OK), 0);
	unlink(p);
	rmdir(outside);
	rmdir(top);
}

static void test_pid1_and_unknown_start_match_nothing(void)
{
	struct proc_id me = { getpid(), proc_start_time(getpid()) };

	CHECK(me.start != 0);
	CHECK(proc_alive(&me));
	CHECK(!proc_alive(&(struct proc_id){ 1, proc_start_time(1) }));
	CHECK(!proc_alive(&(struct proc_id){ getpid(), 0 }));
	CHECK(!proc_alive(&(struct proc_id){ getpid(), me.start + 1 }));
}

#define TESTS(X)                                                                             \
	X(test_root_owned_closed_dir_is_trusted)                                             \
	X(test_open_or_user_owned_dir_is_refused)                                            \
	X(test_remove_tree_follows_no_symlink)                                               \
	X(test_pid1_and_unknown_start_match_nothing)
#include "check.h"
