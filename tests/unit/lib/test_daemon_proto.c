// SPDX-License-Identifier: GPL-2.0-or-later
/* The daemon-protocol request decoder: every version, every way a request can be wrong. */
#include "check.h"
#include "daemon_proto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* A UML-style request: the 108-byte name has bytes past any NUL (uninitialised kernel memory). */
static size_t uml_v3(uint8_t *buf)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	memset(a.sun_path, 0, sizeof(a.sun_path));
	a.sun_path[4] = 0x5c;
	a.sun_path[63] = 0x7f;
	a.sun_path[107] = 0x01;
	return daemon_request_encode_v3(buf, &a);
}

static void test_v3_exact(void)
{
	uint8_t buf[DAEMON_REQ_MAX_LEN + 8];
	struct daemon_request r;
	const char *why;
	size_t n = uml_v3(buf);

	CHECK_EQ(n, 124);
	CHECK_EQ(buf[0], 0xce);
	CHECK_EQ(daemon_request_decode(buf, n, &r, &why), 124);
	CHECK_EQ(r.kind, DREQ_V3);
	CHECK_EQ(r.addr.sun_family, AF_UNIX);
	/* The name is kept whole, bytes after NULs included. */
	CHECK_EQ((uint8_t)r.addr.sun_path[63], 0x7f);
	CHECK_EQ((uint8_t)r.addr.sun_path[107], 0x01);
	CHECK_STR(daemon_req_kind_name(r.kind), "v3");
}

static void test_v3_needs_more(void)
{
	uint8_t buf[DAEMON_REQ_MAX_LEN];
	struct daemon_request r;
	const char *why;

	uml_v3(buf);
	for (size_t len = 0; len < 124; len++)
		CHECK_EQ(daemon_request_decode(buf, len, &r, &why), 0);
}

static void test_vde_description(void)
{
	uint8_t buf[DAEMON_REQ_MAX_LEN];
	struct daemon_request r;
	const char *why;
	const char *d = "vdeplug: user=root pid=3821";

	uml_v3(buf);
	memcpy(buf + 122, d, strlen(d) + 1); /* with a NUL this time */
	CHECK_EQ(daemon_request_decode(buf, 122 + strlen(d) + 1, &r, &why), 122 + (int)strlen(d) + 1);
	CHECK_EQ(r.kind, DREQ_VDE);
	CHECK_STR(r.descr, d);
	/* The shortest VDE request with a visible description: two characters. */
	memcpy(buf + 122, "ab", 3);
	CHECK_EQ(daemon_request_decode(buf, 125, &r, &why), 125);
	CHECK_EQ(r.kind, DREQ_VDE);
	CHECK_STR(r.descr, "ab");
}

static void test_vde_description_unterminated(void)
{
	uint8_t buf[DAEMON_REQ_MAX_LEN];
	struct daemon_request r;
	const char *why;

	/* As libvdeplug sends it: no NUL. */
	uml_v3(buf);
	memset(buf + 122, 'x', 20);
	CHECK_EQ(daemon_request_decode(buf, 142, &r, &why), 142);
	CHECK_EQ(r.kind, DREQ_VDE);
	CHECK_EQ(strlen(r.descr), 20);
	/* The longest: 128 characters. */
	memset(buf + 122, 'y', 128);
	CHECK_EQ(daemon_request_decode(buf, 250, &r, &why), 250);
	CHECK_EQ(strlen(r.descr), 128);
	/* Control characters are refused. */
	buf[130] = '\n';
	CHECK_EQ(daemon_request_decode(buf, 250, &r, &why), -EBADMSG);
	CHECK(why && strstr(why, "control"));
}

static void test_too_long(void)
{
	uint8_t buf[DAEMON_REQ_MAX_LEN + 8];
	struct daemon_request r;
	const char *why;

	uml_v3(buf);
	memset(buf + 122, 'x', sizeof(buf) - 122);
	buf[sizeof(buf) - 1] = 0;
	CHECK_EQ(daemon_request_decode(buf, sizeof(buf), &r, &why), -EBADMSG);
	CHECK(why && strstr(why, "longer"));
}

static void test_versions(void)
{
	uint8_t buf[DAEMON_REQ_MAX_LEN];
	struct daemon_request r;
	const char *why;

	uml_v3(buf);
	put_u32(buf + 4, 2);
	CHECK_EQ(daemon_request_decode(buf, 124, &r, &why), -EPROTONOSUPPORT);
	CHECK(why && strstr(why, "version 2"));
	put_u32(buf + 4, 4);
	CHECK_EQ(daemon_request_decode(buf, 124, &r, &why), -EPROTONOSUPPORT);
	CHECK(why && strstr(why, "newer"));
	/* v1: magic, then 0 or 1, MAC, sockaddr at 14. */
	memset(buf, 0, sizeof(buf));
	put_u32(buf, DAEMON_MAGIC);
	put_u32(buf + 4, 1);
	buf[14] = AF_UNIX;
	buf[17] = 'v';
	CHECK_EQ(daemon_request_decode(buf, 124, &r, &why), 124);
	CHECK_EQ(r.kind, DREQ_V1);
	CHECK_EQ(r.addr.sun_path[1], 'v');
}

static void test_v0(void)
{
	uint8_t buf[DAEMON_REQ_MAX_LEN];
	struct daemon_request r;
	const char *why;

	memset(buf, 0, sizeof(buf));
	buf[10] = AF_UNIX;
	memcpy(buf + 12, "/tmp/client", 11);
	CHECK_EQ(daemon_request_decode(buf, 119, &r, &why), 0);
	CHECK_EQ(daemon_request_decode(buf, 120, &r, &why), 120);
	CHECK_EQ(r.kind, DREQ_V0);
	CHECK_STR(r.addr.sun_path, "/tmp/client");
	CHECK_EQ(daemon_request_decode(buf, 121, &r, &why), -EBADMSG);
	put_u32(buf, 7); /* type must be 0 */
	CHECK_EQ(daemon_request_decode(buf, 120, &r, &why), -EBADMSG);
	CHECK(why && strstr(why, "type"));
}

static void test_bad_type_and_family(void)
{
	uint8_t buf[DAEMON_REQ_MAX_LEN];
	struct daemon_request r;
	const char *why;

	uml_v3(buf);
	put_u32(buf + 8, 1);
	CHECK_EQ(daemon_request_decode(buf, 124, &r, &why), -EBADMSG);
	CHECK(why && strstr(why, "type"));
	uml_v3(buf);
	buf[12] = 2; /* AF_INET */
	CHECK_EQ(daemon_request_decode(buf, 124, &r, &why), -EBADMSG);
	CHECK(why && strstr(why, "AF_UNIX"));
}

#define TESTS(X)                                                                             \
	X(test_v3_exact) X(test_v3_needs_more) X(test_vde_description)                       \
	X(test_vde_description_unterminated) X(test_too_long) X(test_versions) X(test_v0)    \
	X(test_bad_type_and_family)
#include "check.h"
