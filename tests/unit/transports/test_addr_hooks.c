// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The transports' address hooks (endpoint_ops.addr_change) against stand-in helpers: a shell
 * script named uml_net first in PATH answers with an output record (doc/helper-protocol.md §1.2: a
 * native int length, here written for a little-endian host, then the text) that echoes what it
 * was given, so the test sees the exact argv of `add`/`del` and the exact 12 bytes of ethertap's
 * change message.
 */
#include "endpoint.h"
#include "ep_helper.h"
#include "ep_slipeth.h"
#include "transport_spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define TESTS(X) X(test_add_argv) X(test_del_argv) X(test_helper_refuses) X(test_no_helper) \
	X(test_ethertap_change_bytes) X(test_slipeth_hook)
#include "check.h"

/* Prints an output record holding "$@" on fd 1. */
#define RECORD_FN "rec() { t=\"$*\"; printf \"$(printf '\\\\%03o' ${#t})\\\\000\\\\000\\\\000%s\" \"$t\"; }\n"

static char dir[] = "/tmp/umlnet-addr-hooks-XXXXXX";

/* Installs body as the uml_net script first in PATH. */
static void fake_uml_net(const char *body)
{
	char path[128], env[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/uml_net", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("#!/bin/sh\n" RECORD_FN, f);
	fprintf(f, "%s\n", body);
	fclose(f);
	CHECK_EQ(chmod(path, 0755), 0);
	snprintf(env, sizeof(env), "%s:/usr/bin:/bin", dir);
	setenv("PATH", env, 1);
}

static uint32_t ip(const char *s)
{
	return inet_addr(s);
}

static void test_add_argv(void)
{
	char text[256];

	fake_uml_net("rec \"$@\"");
	CHECK_EQ(ep_helper_addr("tap3", true, ip("10.1.2.3"), ip("255.255.255.0"), text, sizeof(text)), 0);
	CHECK_STR(text, "4 add tap3 10.1.2.3 255.255.255.0");
}

static void test_del_argv(void)
{
	char text[256];

	fake_uml_net("rec \"$@\"");
	CHECK_EQ(ep_helper_addr("sl0", false, ip("192.168.100.200"), ip("255.255.255.255"), text,
				sizeof(text)), 0);
	CHECK_STR(text, "4 del sl0 192.168.100.200 255.255.255.255");
}

/* The helper's reason reaches the caller, as one line, with the failure. */
static void test_helper_refuses(void)
{
	char text[256];

	fake_uml_net("rec \"refused: no\nreally\n\"; exit 1");
	CHECK_EQ(ep_helper_addr("tap0", true, ip("10.0.0.2"), ip("255.0.0.0"), text, sizeof(text)),
		 -ECHILD);
	CHECK_STR(text, "refused: no;really");
}

static void test_no_helper(void)
{
	char text[256];

	setenv("PATH", "/nonexistent", 1);
	CHECK_EQ(ep_helper_addr("tap0", true, ip("10.0.0.2"), ip("255.0.0.0"), text, sizeof(text)),
		 -ENOENT);
}

/* ethertap: status byte 1 and a record at start; each 12-byte change read from the control
 * stream (fd 1) is answered with its bytes in hex. */
static void test_ethertap_change_bytes(void)
{
	struct transport_spec t;
	struct endpoint *ep = NULL;
	char err[256], text[256];

	fake_uml_net("printf '\\001'; rec up \"$@\"; exec 3<&1\n"
		     "while :; do b=$(head -c 12 <&3 | od -An -tx1 | tr -d ' \\n'); "
		     "[ -n \"$b\" ] || exit 0; rec \"$b\"; done");
	CHECK(transport_parse("ethertap,tap7,,10.9.0.254", &t, err, sizeof(err)) == 0);
	CHECK_EQ(endpoint_open_parsed(&t, &ep, err, sizeof(err)), 0);
	if (!ep)
		return;
	CHECK(ep->ops->addr_change != NULL);
	CHECK_EQ(ep->ops->addr_change(ep, true, ip("10.9.0.2"), ip("255.255.255.0"), text, sizeof(text)), 0);
	CHECK_STR(text, "000000000a090002ffffff00");
	CHECK_EQ(ep->ops->addr_change(ep, false, ip("10.9.0.2"), ip("255.255.255.0"), text, sizeof(text)), 0);
	CHECK_STR(text, "010000000a090002ffffff00");
	endpoint_destroy(ep);
}

static int hook_calls;

static int hook(void *arg, bool add, uint32_t addr_be, uint32_t mask_be, char *msg, size_t msglen)
{
	hook_calls++;
	snprintf(msg, msglen, "%s %s %08x %08x", (const char *)arg, add ? "add" : "del",
		 ntohl(addr_be), ntohl(mask_be));
	return 0;
}

/* A slip-Ethernet endpoint has no hook until its transport gives one, which gets the arg. */
static void test_slipeth_hook(void)
{
	struct endpoint *ep = NULL;
	char text[64];
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(ep_slipeth_new(sv[0], "slip", "test", NULL, (void *)(uintptr_t)"line", &ep), 0);
	if (!ep)
		return;
	CHECK(ep->ops->addr_change == NULL);
	ep_slipeth_set_addr_hook(ep, hook);
	CHECK_EQ(ep->ops->addr_change(ep, true, ip("10.0.0.1"), ip("255.255.0.0"), text, sizeof(text)), 0);
	CHECK_EQ(hook_calls, 1);
	CHECK_STR(text, "line add 0a000001 ffff0000");
	endpoint_destroy(ep);
	close(sv[1]);
}

__attribute__((constructor)) static void make_dir(void)
{
	if (!mkdtemp(dir))
		abort();
}

__attribute__((destructor)) static void remove_dir(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/uml_net", dir);
	unlink(path);
	rmdir(dir);
}
