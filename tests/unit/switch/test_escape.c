// SPDX-License-Identifier: GPL-2.0-or-later
/* Client-chosen names in the switch's logs and replies: escaped by log_escape(), one line each. */
#include "check.h"
#include "log.h"
#include "unixsock.h"

#include <string.h>

static void test_escape_controls_and_backslash(void)
{
	char buf[LOG_ESCAPED_LEN(64)];
	const char evil[] = "a\numl_switch: port 9\r\x1b[2J\\x0a\x7f\xc3\xa9";

	CHECK_STR(log_escape(evil, sizeof(evil), buf, sizeof(buf)),
		  "a\\x0auml_switch: port 9\\x0d\\x1b[2J\\x5cx0a\\x7f\\xc3\\xa9");
	CHECK_STR(log_escape("plain text", 4, buf, sizeof(buf)), "plai");
}

static void test_escape_truncates_whole_escapes(void)
{
	char buf[6];

	CHECK_STR(log_escape("ab\ncd", 5, buf, sizeof(buf)), "ab");
	CHECK_STR(log_escape("abcdefgh", 8, buf, sizeof(buf)), "abcde");
	CHECK_STR(log_escape("\n", 1, buf, sizeof(buf)), "\\x0a");
}

static void test_addr_text(void)
{
	struct sockaddr_un a;
	char buf[LOG_ESCAPED_LEN(sizeof(a.sun_path))];

	unixsock_path_addr(&a, "/tmp/x\numl_switch: fake");
	CHECK_STR(unixsock_addr_text(&a, buf, sizeof(buf)), "/tmp/x\\x0auml_switch: fake");
	unixsock_abstract_addr(&a, "name\\with backslash");
	CHECK_STR(unixsock_addr_text(&a, buf, sizeof(buf)), "@name\\x5cwith backslash");
	unixsock_abstract_addr(&a, "bin\n");
	CHECK_STR(unixsock_addr_text(&a, buf, sizeof(buf)), "@hex:62696e0a0000000000000000");
}

#define TESTS(X) X(test_escape_controls_and_backslash) X(test_escape_truncates_whole_escapes) \
	X(test_addr_text)
#include "check.h"
