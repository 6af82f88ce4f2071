// SPDX-License-Identifier: GPL-2.0-or-later
/* stdfds: a program started with stdin or stderr closed gets /dev/null there, not its first
 * socket; descriptors that are open are left alone. */
#include "check.h"
#include "stdfds.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool is_dev_null(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 && S_ISCHR(a.st_mode) &&
	       a.st_rdev == b.st_rdev;
}

/* In a child, so that the runner's own descriptors (CI's stdin may be closed) do not matter;
 * each failed expectation sets one bit of the exit status. */
static int child_closes_and_reserves(void)
{
	struct stat before, after;
	int fails = 0, dir;

	if (fstat(1, &before) != 0)
		return 1;
	close(0);
	close(2);
	if (stdfds_reserve() != 0)
		fails |= 2;
	/* Without the reservation this would have been descriptor 0. */
	dir = open("/", O_RDONLY | O_DIRECTORY);
	if (dir <= 2)
		fails |= 4;
	if (!is_dev_null(0) || !is_dev_null(2))
		fails |= 8;
	if (fstat(1, &after) != 0 || before.st_ino != after.st_ino || before.st_dev != after.st_dev)
		fails |= 16;
	return fails;
}

static void test_closed_ones_get_dev_null(void)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child_closes_and_reserves());
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

static void test_all_open_is_a_no_op(void)
{
	int probe = open("/dev/null", O_RDONLY);

	CHECK_EQ(stdfds_reserve(), 0);
	/* Nothing was opened: the next descriptor is the one just freed. */
	close(probe);
	int again = open("/dev/null", O_RDONLY);

	CHECK_EQ(again, probe);
	close(again);
}

#define TESTS(X) X(test_closed_ones_get_dev_null) X(test_all_open_is_a_no_op)
#include "check.h"
