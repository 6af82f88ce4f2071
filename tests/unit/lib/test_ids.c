// SPDX-License-Identifier: GPL-2.0-or-later
/* Names first, then numbers in the caller's base, never a negative or out-of-range id. */
#include "ids.h"

#include <errno.h>

#define TESTS(X) X(test_names) X(test_numbers) X(test_refused)
#include "check.h"

static void test_names(void)
{
	uint32_t id = 99;

	CHECK_EQ(ids_by_name(false, "root", &id), 0);
	CHECK_EQ(id, 0);
	id = 99;
	CHECK_EQ(ids_parse(true, "root", 10, &id), 0);
	CHECK_EQ(id, 0);
	CHECK_EQ(ids_by_name(false, "no-such-user-umlnet", &id), -ENOENT);
	CHECK_EQ(ids_by_name(false, "1234", &id), -ENOENT); /* numbers are not names */
}

static void test_numbers(void)
{
	uint32_t id;

	CHECK_EQ(ids_parse(false, "1234", 10, &id), 0);
	CHECK_EQ(id, 1234);
	CHECK_EQ(ids_parse(false, "0x10", 0, &id), 0); /* the classic tunctl's strtol base 0 */
	CHECK_EQ(id, 16);
	CHECK_EQ(ids_parse(true, "2147483647", 10, &id), 0);
	CHECK_EQ(id, 0x7fffffffu);
}

static void test_refused(void)
{
	uint32_t id = 7;

	CHECK_EQ(ids_parse(false, "0x10", 10, &id), -ENOENT);
	CHECK_EQ(ids_parse(false, "-1", 0, &id), -ENOENT);
	CHECK_EQ(ids_parse(false, " 5", 10, &id), -ENOENT);
	CHECK_EQ(ids_parse(false, "2147483648", 10, &id), -ENOENT);
	CHECK_EQ(ids_parse(false, "4294967295", 10, &id), -ENOENT);
	CHECK_EQ(ids_parse(false, "12x", 10, &id), -ENOENT);
	CHECK_EQ(ids_parse(false, "", 10, &id), -ENOENT);
	CHECK_EQ(ids_parse(false, "no-such-user-umlnet", 10, &id), -ENOENT);
	CHECK_EQ(id, 7);
}
