// SPDX-License-Identifier: GPL-2.0-or-later
/* The port map: sender names are 108-byte opaque keys, never strings. */
#include "check.h"
#include "portmap.h"
#include "unixsock.h"

#include <stdio.h>

#include <errno.h>
#include <string.h>

static void test_opaque_keys(void)
{
	struct portmap m;
	struct sockaddr_un a, b;

	CHECK_EQ(portmap_init(&m, 8), 0);
	/* Two names equal up to the first NUL but different after it are different ports. */
	unixsock_abstract_addr(&a, "uml");
	b = a;
	b.sun_path[80] = 1;
	CHECK_EQ(portmap_add(&m, &a, 1), 0);
	CHECK_EQ(portmap_add(&m, &b, 2), 0);
	CHECK_EQ(portmap_lookup(&m, &a), 1);
	CHECK_EQ(portmap_lookup(&m, &b), 2);
	CHECK_EQ(portmap_add(&m, &a, 3), -EEXIST);
	CHECK(portmap_del(&m, &a));
	CHECK(!portmap_del(&m, &a));
	CHECK_EQ(portmap_lookup(&m, &a), PORTMAP_NONE);
	CHECK_EQ(portmap_lookup(&m, &b), 2);
	portmap_free(&m);
}

static void test_full(void)
{
	struct portmap m;
	struct sockaddr_un a;
	char name[32];

	CHECK_EQ(portmap_init(&m, 4), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		unixsock_abstract_addr(&a, name);
		CHECK_EQ(portmap_add(&m, &a, (uint32_t)i), 0);
	}
	unixsock_abstract_addr(&a, "one-too-many");
	CHECK_EQ(portmap_add(&m, &a, 9), -ENOSPC);
	portmap_free(&m);
}

static void test_many(void)
{
	struct portmap m;
	struct sockaddr_un a;
	char name[32];

	CHECK_EQ(portmap_init(&m, 1024), 0);
	for (int i = 0; i < 1024; i++) {
		snprintf(name, sizeof(name), "/tmp/port-%d", i);
		unixsock_path_addr(&a, name);
		CHECK_EQ(portmap_add(&m, &a, (uint32_t)i), 0);
	}
	for (int i = 0; i < 1024; i++) {
		snprintf(name, sizeof(name), "/tmp/port-%d", i);
		unixsock_path_addr(&a, name);
		CHECK_EQ(portmap_lookup(&m, &a), (uint32_t)i);
	}
	portmap_free(&m);
}

#define TESTS(X) X(test_opaque_keys) X(test_full) X(test_many)
#include "check.h"
