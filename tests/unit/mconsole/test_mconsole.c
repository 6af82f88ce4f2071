// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of lib/mconsole: the wire encoding, reply/notify decoding, and a whole request
 * against a fake guest that answers in several chunks (doc/mac-and-misc.md §2). */
#include "mconsole.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define TESTS(X) X(test_encode) X(test_decode_reply) X(test_decode_notify) \
	X(test_command_chunks) X(test_timeout) X(test_resolve)
#include "check.h"

static void test_encode(void)
{
	struct mconsole_request req;
	char big[600];
	int n = mconsole_encode("config eth1=daemon", &req);
	const uint8_t *b = (const uint8_t *)&req;

	CHECK_EQ(n, 12 + 18);
	/* magic 0xcafebabe little-endian, version 2, len 18 */
	CHECK(b[0] == 0xbe && b[1] == 0xba && b[2] == 0xfe && b[3] == 0xca);
	CHECK(b[4] == 2 && b[5] == 0 && b[8] == 18);
	CHECK(!memcmp(req.data, "config eth1=daemon", 18));
	memset(big, 'x', 511);
	big[511] = '\0';
	CHECK_EQ(mconsole_encode(big, &req), 12 + 511);
	memset(big, 'x', 512);
	big[512] = '\0';
	CHECK_EQ(mconsole_encode(big, &req), -EMSGSIZE);
}

static size_t make_reply(uint8_t *buf, uint32_t err, uint32_t more, const char *text)
{
	uint32_t len = (uint32_t)strlen(text) + 1;

	memcpy(buf, &err, 4);
	memcpy(buf + 4, &more, 4);
	memcpy(buf + 8, &len, 4);
	memcpy(buf + 12, text, len);
	return 12 + len;
}

static void test_decode_reply(void)
{
	uint8_t buf[600];
	struct mconsole_reply r;
	size_t n = make_reply(buf, 0, 0, "");

	CHECK_EQ(n, 13); /* the empty reply: err 0, more 0, len 1, NUL */
	CHECK_EQ(mconsole_decode_reply(buf, n, &r), 0);
	CHECK_STR(r.data, "");
	n = make_reply(buf, (uint32_t)-19, 0, "Device doesn't exist");
	CHECK_EQ(mconsole_decode_reply(buf, n, &r), 0);
	CHECK_EQ((int32_t)r.err, -19);
	CHECK_STR(r.data, "Device doesn't exist");
	/* len claims more than arrived */
	CHECK_EQ(mconsole_decode_reply(buf, n - 1, &r), -EBADMSG);
	CHECK_EQ(mconsole_decode_reply(buf, 11, &r), -EBADMSG);
	/* text without its NUL is cut, never read past */
	n = make_reply(buf, 0, 0, "abc");
	buf[15] = 'd';
	CHECK_EQ(mconsole_decode_reply(buf, n, &r), 0);
	CHECK_STR(r.data, "abc");
}

static void test_decode_notify(void)
{
	uint8_t buf[600];
	struct mconsole_notify nt;
	uint32_t h[4] = { MCONSOLE_MAGIC, 2, MCONSOLE_NOTIFY_USER, 5 };

	memcpy(buf, h, 16);
	memcpy(buf + 16, "up a1", 5); /* user data carries no NUL */
	CHECK_EQ(mconsole_decode_notify(buf, 21, &nt), 0);
	CHECK_EQ(nt.type, MCONSOLE_NOTIFY_USER);
	CHECK_STR(nt.data, "up a1");
	CHECK_EQ(mconsole_decode_notify(buf, 20, &nt), -EBADMSG);
	h[0] = 0xdeadbeef;
	memcpy(buf, h, 16);
	CHECK_EQ(mconsole_decode_notify(buf, 21, &nt), -EBADMSG);
}

/* A fake guest: answers one request with three chunks, the first carrying err 1. */
static pid_t fake_guest(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	pid_t pid;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct sockaddr_un from;
		socklen_t flen = sizeof(from);
		uint8_t req[600], out[600];
		ssize_t n = recvfrom(fd, req, sizeof(req), 0, (struct sockaddr *)&from, &flen);
		size_t m;

		if (n < 12)
			_exit(1);
		m = make_reply(out, 1, 1, "first ");
		sendto(fd, out, m, 0, (struct sockaddr *)&from, flen);
		m = make_reply(out, 0, 1, "second ");
		sendto(fd, out, m, 0, (struct sockaddr *)&from, flen);
		m = make_reply(out, 0, 0, req[12] == 'p' ? "proc" : "other");
		sendto(fd, out, m, 0, (struct sockaddr *)&from, flen);
		_exit(0);
	}
	close(fd);
	return pid;
}

static void test_command_chunks(void)
{
	char dir[] = "/tmp/mconsole-test-XXXXXX", path[64];
	struct mconsole_result res;
	pid_t pid;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/mconsole", dir);
	pid = fake_guest(path);
	CHECK(pid > 0);
	CHECK_EQ(mconsole_run(path, "proc meminfo", 2000, &res), 0);
	CHECK(res.failed);
	CHECK_EQ(res.err, 1);
	CHECK_EQ(res.last_err, 0);
	CHECK_STR(res.text, "first second proc");
	mconsole_result_free(&res);
	waitpid(pid, NULL, 0);
	/* Nobody serves the socket any more: refused, not a hang. */
	CHECK_EQ(mconsole_run(path, "version", 500, &res), -ECONNREFUSED);
	unlink(path);
	rmdir(dir);
}

static void test_timeout(void)
{
	char dir[] = "/tmp/mconsole-test-XXXXXX", path[64];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct mconsole_result res;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/mconsole", dir);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	/* A guest that never answers (stopped, or busy). */
	CHECK_EQ(mconsole_run(path, "version", 200, &res), -ETIMEDOUT);
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void test_resolve(void)
{
	char dir[] = "/tmp/mconsole-test-XXXXXX", path[64], out[256], sock[100];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	setenv("HOME", dir, 1);
	snprintf(path, sizeof(path), "%s/.uml", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.uml/vm1", dir);
	mkdir(path, 0700);
	snprintf(sock, sizeof(sock), "%s/mconsole", path);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	/* a umid: $HOME/.uml/<umid>/mconsole first */
	CHECK_EQ(mconsole_resolve("vm1", out, sizeof(out), NULL, NULL), 0);
	CHECK_STR(out, sock);
	/* a path: both candidate directories are tried (and missed) first, like the classic */
	CHECK_EQ(mconsole_resolve(sock, out, sizeof(out), NULL, NULL), 0);
	CHECK_STR(out, sock);
	CHECK_EQ(mconsole_resolve("no-such-vm", out, sizeof(out), NULL, NULL), -ENOENT);
	CHECK_STR(out, "no-such-vm");
	close(fd);
	unlink(sock);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/.uml", dir);
	rmdir(path);
	rmdir(dir);
}

