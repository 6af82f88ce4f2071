// SPDX-License-Identifier: GPL-2.0-or-later
/* qmp.c's command writer: values (paths under a state directory the user names, names, what a
 * VM reported) stay JSON string values whatever bytes they hold, so none can add a member to
 * the command QEMU runs. */
#include "qmp.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

static void test_nested_command(void)
{
	struct qmp_cmd c;

	CHECK_EQ(qmp_cmd_begin(&c, "netdev_add"), 0);
	qmp_cmd_str(&c, "type", "stream");
	qmp_cmd_str(&c, "id", "neth0");
	qmp_cmd_bool(&c, "server", false);
	qmp_cmd_object(&c, "addr");
	qmp_cmd_str(&c, "type", "unix");
	qmp_cmd_str(&c, "path", "/run/umlnet/n/sw0.qemu");
	qmp_cmd_close(&c);
	qmp_cmd_bool(&c, "x", true);
	CHECK_EQ(qmp_cmd_end(&c), 0);
	CHECK_STR(c.text, "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"stream\","
			  "\"id\":\"neth0\",\"server\":false,\"addr\":{\"type\":\"unix\","
			  "\"path\":\"/run/umlnet/n/sw0.qemu\"},\"x\":true}}");
	free(c.text);
}

static void test_values_escaped(void)
{
	struct qmp_cmd c;

	CHECK_EQ(qmp_cmd_begin(&c, "device_add"), 0);
	qmp_cmd_str(&c, "mac", "0\",\"id\":\"x");
	qmp_cmd_str(&c, "path", "/tmp/a\\b\"c,d\n\x01/\xc3\xa9");
	qmp_cmd_str(&c, "romfile", "");
	CHECK_EQ(qmp_cmd_end(&c), 0);
	/* Bytes past ASCII go as they are: QMP reads UTF-8, and a path must stay the same. */
	CHECK_STR(c.text, "{\"execute\":\"device_add\",\"arguments\":{"
			  "\"mac\":\"0\\\",\\\"id\\\":\\\"x\","
			  "\"path\":\"/tmp/a\\\\b\\\"c,d\\u000a\\u0001/\xc3\xa9\","
			  "\"romfile\":\"\"}}");
	free(c.text);
}

static void test_no_arguments(void)
{
	struct qmp_cmd c;

	CHECK_EQ(qmp_cmd_begin(&c, "query-status"), 0);
	CHECK_EQ(qmp_cmd_end(&c), 0);
	CHECK_STR(c.text, "{\"execute\":\"query-status\",\"arguments\":{}}");
	free(c.text);
}

#define TESTS(X)                                                                             \
	X(test_nested_command)                                                               \
	X(test_values_escaped)                                                               \
	X(test_no_arguments)
#include "check.h"
