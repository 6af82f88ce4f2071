// SPDX-License-Identifier: GPL-2.0-or-later
/* ep_dgramsock (transport=dgram, QEMU's -netdev dgram peer): frames sent while nobody is bound at
 * dst are dropped, counted in the description and for the owner (tx_dropped), and each run of
 * them is logged once. */
#include "endpoint.h"
#include "log.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define TESTS(X) X(test_no_peer_counted_and_logged_once_per_run)
#include "check.h"

struct world {
	char dir[48], src[80], dst[80];
	struct endpoint *ep;
};

static void world_open(struct world *w)
{
	char spec[320], err[160];
	struct transport_spec *t;

	snprintf(w->dir, sizeof(w->dir), "/tmp/test_ep_dgramsock-XXXXXX");
	CHECK(mkdtemp(w->dir) != NULL);
	snprintf(w->src, sizeof(w->src), "%s/sw.dgram", w->dir);
	snprintf(w->dst, sizeof(w->dst), "%s/vm.dgram", w->dir);
	snprintf(spec, sizeof(spec), "transport=dgram,src=%s,dst=%s", w->src, w->dst);
	CHECK_EQ(transport_parse_new(spec, &t, err, sizeof(err)), 0);
	CHECK_EQ(endpoint_open_parsed(t, &w->ep, err, sizeof(err)), 0);
	free(t);
}

/* A datagram socket bound at dst, as QEMU's local.path. */
static int peer_bind(const struct world *w)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", w->dst);
	CHECK_EQ(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static int send_frames(struct world *w, unsigned int n)
{
	static uint8_t buf[ENDPOINT_BATCH][60];
	struct frame f[ENDPOINT_BATCH];

	for (unsigned int i = 0; i < n; i++) {
		memset(buf[i], 0xff, sizeof(buf[i]));
		f[i] = (struct frame){ buf[i], sizeof(buf[i]) };
	}
	return w->ep->ops->send(w->ep, f, n);
}

static bool describes(const struct world *w, const char *what)
{
	char d[400];

	w->ep->ops->describe(w->ep, d, sizeof(d));
	return strstr(d, what) != NULL;
}

/* Lines of the log file so far that contain what. */
static int log_lines(int logfd, const char *what)
{
	char buf[4096], *line, *save = NULL;
	ssize_t n = pread(logfd, buf, sizeof(buf) - 1, 0);
	int count = 0;

	buf[n > 0 ? n : 0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		count += strstr(line, what) != NULL;
	return count;
}

static void test_no_peer_counted_and_logged_once_per_run(void)
{
	char logpath[] = "/tmp/test_ep_dgramsock-log-XXXXXX";
	int logfd = mkstemp(logpath), saved = dup(2), peer;
	struct world w;
	char buf[100];

	dup2(logfd, 2);
	log_init("test", LOG_LVL_WARN);
	world_open(&w);
	/* Nobody at dst: taken (the owner must not retry or fail), counted, logged once. */
	CHECK_EQ(send_frames(&w, 3), 3);
	CHECK_EQ(send_frames(&w, 1), 1);
	CHECK(describes(&w, "(dropped, no peer bound: 4)"));
	CHECK_EQ(endpoint_take_dropped(w.ep), 4);
	CHECK_EQ(log_lines(logfd, "nobody is bound"), 1);
	/* A peer arrives: frames reach it, nothing more counted. */
	peer = peer_bind(&w);
	CHECK_EQ(send_frames(&w, 2), 2);
	CHECK_EQ(recv(peer, buf, sizeof(buf), MSG_DONTWAIT), 60);
	CHECK_EQ(recv(peer, buf, sizeof(buf), MSG_DONTWAIT), 60);
	CHECK(describes(&w, "(dropped, no peer bound: 4)"));
	CHECK_EQ(endpoint_take_dropped(w.ep), 0);
	/* It goes (QEMU stopped): a new run, counted and logged once more. */
	close(peer);
	unlink(w.dst);
	CHECK_EQ(send_frames(&w, 2), 2);
	CHECK_EQ(send_frames(&w, 5), 5);
	CHECK(describes(&w, "(dropped, no peer bound: 11)"));
	CHECK_EQ(endpoint_take_dropped(w.ep), 7);
	CHECK_EQ(log_lines(logfd, "nobody is bound"), 2);
	dup2(saved, 2);
	close(saved);
	endpoint_destroy(w.ep);
	rmdir(w.dir);
	close(logfd);
	unlink(logpath);
}

#include "check.h"
