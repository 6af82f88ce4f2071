// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * umlnet-slirp options: golden files. Each golden/NAME.conf is read as a config file; NAME.ok
 * is what --print-config must show for it, NAME.err the one-line error it must be refused with
 * (the file's path written as "@"; the program prints it after "umlnet-slirp: error: "). Also the argv forms the UML kernel produces.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define TESTS(X)                                                                             \
	X(test_golden_ok)                                                                    \
	X(test_golden_errors)                                                                \
	X(test_argv_words)                                                                   \
	X(test_argv_errors)                                                                  \
	X(test_host_loopback_off_by_default)                                                 \
	X(test_loopback_dns_needs_host_loopback)
#include "check.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void golden_path(char *out, size_t len, const char *name, const char *ext)
{
	snprintf(out, len, "%s/%s.%s", GOLDEN_DIR, name, ext);
}

static void check_ok(const char *name)
{
	struct slirp_options o;
	char conf[512], ok[512], *got = NULL, *want;
	size_t len = 0;
	FILE *m = open_memstream(&got, &len);

	golden_path(conf, sizeof(conf), name, "conf");
	golden_path(ok, sizeof(ok), name, "ok");
	slirp_options_init(&o);
	CHECK_EQ(slirp_options_file(&o, conf), 0);
	slirp_options_print(&o, m);
	fclose(m);
	slirp_options_free(&o);
	want = slurp(ok);
	CHECK(want != NULL);
	if (want && strcmp(got, want) != 0)
		fprintf(stderr, "  %s: got:\n%s  want:\n%s", name, got, want);
	CHECK(want && strcmp(got, want) == 0);
	free(got);
}

/* The error a config file is refused with, its path written as "@", newline-terminated. */
static char *file_error(const char *conf)
{
	static char out[1024];
	struct slirp_options o;
	const char *hit;

	slirp_options_init(&o);
	CHECK_EQ(slirp_options_file(&o, conf), -EINVAL);
	hit = strstr(o.error, conf);
	if (hit)
		snprintf(out, sizeof(out), "%.*s@%s\n", (int)(hit - o.error), o.error,
			 hit + strlen(conf));
	else
		snprintf(out, sizeof(out), "%s\n", o.error);
	return out;
}

static void test_golden_ok(void)
{
	check_ok("full");
	check_ok("empty");
}

static void test_golden_errors(void)
{
	static const char *const names[] = { "bad-hostfwd", "bad-mtu", "bad-dns", "bad-unknown" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char conf[512], err[512], *want;
		const char *got;

		golden_path(conf, sizeof(conf), names[i], "conf");
		golden_path(err, sizeof(err), names[i], "err");
		got = file_error(conf);
		want = slurp(err);
		CHECK(want != NULL);
		if (want && strcmp(got, want) != 0)
			fprintf(stderr, "  %s: got: %s  want: %s", names[i], got, want);
		CHECK(want && strcmp(got, want) == 0);
	}
}

/* What the kernel hands over for eth0=slirp,,prog,--mtu_1400,mtu=576,--hostfwd=udp:53:53 */
static void test_argv_words(void)
{
	char *argv[] = { "umlnet-slirp", "--mtu 1400", "mtu=576", "--hostfwd=udp:5300:53",
			 "--no-host-loopback", "-v", NULL };
	struct slirp_options o;

	slirp_options_init(&o);
	CHECK_EQ(slirp_options_parse(&o, 6, argv), 0);
	CHECK_EQ(o.mtu, 576);
	CHECK_EQ(o.nfwd, 1);
	CHECK(o.fwd[0].udp);
	CHECK_EQ(o.fwd[0].host_port, 5300);
	CHECK_EQ(o.fwd[0].guest_port, 53);
	CHECK(!o.host_loopback);
	CHECK_EQ(o.verbosity, 2);
	CHECK(o.switch_ctl == NULL);
}

static void test_argv_errors(void)
{
	static const char *const bad[] = {
		"--mtu", "--mtu=67", "--mtu=1501", "--mtu=15x", "--hostfwd=sctp:1:2",
		"--hostfwd=tcp:0:80", "--hostfwd=tcp:1:65536", "--hostfwd=tcp:a.b.c.d:1-:2",
		"--dns=1.2.3.4:0", "--restrict=yes", "--switch-window=100", "--switch",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct slirp_options o;
		int rc;

		slirp_options_init(&o);
		rc = slirp_options_word(&o, bad[i], "argument");
		if (rc != -EINVAL)
			fprintf(stderr, "  accepted: %s\n", bad[i]);
		CHECK_EQ(rc, -EINVAL);
		CHECK(strstr(o.error, "argument: --") == o.error);
	}
}

/* Security: the guest reaches the host's 127.0.0.1 only when asked for. */
static void test_host_loopback_off_by_default(void)
{
	char *plain[] = { "umlnet-slirp", NULL }, *on[] = { "umlnet-slirp", "--host-loopback", NULL };
	struct slirp_options o;

	slirp_options_init(&o);
	CHECK_EQ(slirp_options_parse(&o, 1, plain), 0);
	CHECK(!o.host_loopback);
	CHECK_STR(o.user, "nobody");
	slirp_options_init(&o);
	CHECK_EQ(slirp_options_parse(&o, 2, on), 0);
	CHECK(o.host_loopback);
}

/* A resolver on 127.0.0.1 is reached through the host alias: refused at start without host
 * loopback instead of every query vanishing later. */
static void test_loopback_dns_needs_host_loopback(void)
{
	char *off[] = { "umlnet-slirp", "--dns=127.0.0.1:5353", NULL };
	char *on[] = { "umlnet-slirp", "--dns=127.0.0.1:5353", "--host-loopback", NULL };
	char *remote[] = { "umlnet-slirp", "--dns=192.0.2.53", NULL };
	struct slirp_options o;

	slirp_options_init(&o);
	CHECK_EQ(slirp_options_parse(&o, 2, off), -EINVAL);
	CHECK_STR(o.error, "argument: --dns '127.0.0.1:5353': a resolver on the host's loopback "
			   "needs --host-loopback");
	slirp_options_init(&o);
	CHECK_EQ(slirp_options_parse(&o, 3, on), 0);
	slirp_options_init(&o);
	CHECK_EQ(slirp_options_parse(&o, 2, remote), 0);
}
