// SPDX-License-Identifier: GPL-2.0-or-later
/* stdfds: a program started with stdin or stderr closed gets /dev/null there, not its first
 * socket; descriptors that are open are left alone. */
#include "check.h"
#include "stdfds.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_dev_null(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 && S_ISCHR(a.st_mode) &&
	       a.st_rdev == b.st_rdev;
}

static void test_closed_ones_get_dev_null(void)
{
	int saved_err = dup(2), saved_in = dup(0);
	struct stat before, after;
	int sock;

	CHECK(saved_err > 2 && saved_in > 2);
	CHECK_EQ(fstat(1, &before), 0);
	close(0);
	close(2);
	CHECK_EQ(stdfds_reserve(), 0);
	/* Without the reservation this would have been descriptor 0. */
	sock = open("/", O_RDONLY | O_DIRECTORY);
	bool err_was_null = is_dev_null(2);

	dup2(saved_err, 2);
	CHECK(err_was_null);
	CHECK(is_dev_null(0));
	CHECK(sock > 2);
	CHECK_EQ(fstat(1, &after), 0);
	CHECK(before.st_ino == after.st_ino && before.st_dev == after.st_dev);
	dup2(saved_in, 0);
	close(sock);
	close(saved_err);
	close(saved_in);
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
