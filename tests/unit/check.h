/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check - the unit tests' tiny framework. Each test file defines TESTS(X) listing its test
 * functions and includes this header last; CHECK() records a failure with file:line and the
 * expression, and the program exits non-zero if any check failed. Output is one line per test.
 *
 *   static void test_foo(void) { CHECK(1 + 1 == 2); CHECK_EQ(f(3), 4); }
 *   #define TESTS(X) X(test_foo)
 *   #include "check.h"   (again, after the tests: main)
 */
#ifndef UMLNET_CHECK_H
#define UMLNET_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_test_failures;

#define CHECK(expr)                                                                          \
	do {                                                                                 \
		if (!(expr)) {                                                               \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #expr); \
			check_test_failures++;                                               \
		}                                                                            \
	} while (0)

#define CHECK_EQ(a, b)                                                                       \
	do {                                                                                 \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);              \
		if (check_a_ != check_b_) {                                                  \
			fprintf(stderr, "  %s:%d: %s == %s failed: %lld != %lld\n", __FILE__,    \
				__LINE__, #a, #b, check_a_, check_b_);                       \
			check_test_failures++;                                               \
		}                                                                            \
	} while (0)

#define CHECK_STR(a, b)                                                                      \
	do {                                                                                 \
		const char *check_a_ = (a), *check_b_ = (b);                                 \
		if (strcmp(check_a_, check_b_) != 0) {                                       \
			fprintf(stderr, "  %s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, \
				__LINE__, #a, #b, check_a_, check_b_);                       \
			check_test_failures++;                                               \
		}                                                                            \
	} while (0)

/* Fills argv from a NULL-terminated list of literals, for testing command-line parsers that take
 * char **; returns argc (at most 31). */
static inline int check_argv(const char *const *args, char *argv[32])
{
	int argc = 0;

	while (args[argc] && argc < 31) {
		argv[argc] = (char *)(unsigned long)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	return argc;
}

#endif /* UMLNET_CHECK_H */

#if defined(TESTS) && !defined(UMLNET_CHECK_MAIN)
#define UMLNET_CHECK_MAIN
#define CHECK_DECLARE(fn) static void fn(void);
TESTS(CHECK_DECLARE)

int main(void)
{
	struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
#define CHECK_ENTRY(fn) { #fn, fn },
		TESTS(CHECK_ENTRY)
	};

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		check_test_failures = 0;
		tests[i].fn();
		printf("%s %s\n", check_test_failures ? "FAIL" : "ok  ", tests[i].name);
		check_failures += check_test_failures;
	}
	return check_failures ? 1 : 0;
}
#endif
