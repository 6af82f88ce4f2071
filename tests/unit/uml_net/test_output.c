/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uml_net's output record: 4-byte native length, then the text with its NUL. */
#include "check.h"
#include "output.h"

#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

static void test_record_bytes(void)
{
	struct out o;
	char buf[256];
	int32_t len;
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	out_init(&o);
	out_line(&o, "refused: %s", "x");
	CHECK_STR(o.text, "uml_net: refused: x\n");
	CHECK_EQ(out_send_record(&o, sv[0]), 0);
	CHECK_EQ(read(sv[1], &len, 4), 4);
	CHECK_EQ(len, 21);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 21);
	CHECK_EQ(buf[20], '\0');
	close(sv[0]);
	close(sv[1]);
}

static void test_empty_and_full(void)
{
	struct out o;

	out_init(&o);
	CHECK_EQ(out_size(&o), 1);
	for (int i = 0; i < 1000; i++)
		out_line(&o, "line %d of many", i);
	CHECK(out_size(&o) <= OUT_MAX);
	CHECK_EQ(o.text[o.len], '\0');
}

#define TESTS(X) X(test_record_bytes) X(test_empty_and_full)
#include "check.h"
