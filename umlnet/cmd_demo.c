// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * demo - a whole network in one command, no root needed: our switch, two UML guests and (when
 * umlnet-slirp is installed) a slirp gateway 10.0.2.2 to the host. It boots the network, shows
 * the guests pinging each other and reaching the host (ping of the gateway and a TCP connection
 * to a listener on the host's 127.0.0.1, which the gateway maps 10.0.2.2 to), prints the status
 * table and tears everything down. Exit status 0 only when every check passed.
 *
 * demo --qemu (root: it makes a network namespace) mixes the three kinds of guest on one
 * switch instead: UML guest a, QEMU VM vm (umlnet-qemu-image's kernel and init, TCG or KVM) and
 * namespace umlnet-demo-<pid>, and checks that each pings the other two.
 */
#include "guest.h"
#include "log.h"
#include "umlnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEMO_HELLO "hello-from-guest-b"

struct demo {
	struct state st;
	struct notify n;
	int listen_fd;
	char got[128]; /* what the host listener received */
	int passed, failed;
};

static const char demo_topology[] =
	"# umlnet demo: two UML guests on one switch%s\n"
	"network demo\n"
	"switch sw0%s\n"
	"guest a mem=64M\n"
	"    eth0 sw0 ip=10.0.2.15/24 mac=02:00:0a:00:02:0f\n"
	"%s"
	"guest b mem=64M\n"
	"    eth0 sw0 ip=10.0.2.16/24 mac=02:00:0a:00:02:10\n"
	"%s";

static const char demo_qemu_topology[] =
	"# umlnet demo --qemu: a UML guest, a QEMU VM and a namespace on one switch\n"
	"network demo\n"
	"switch sw0\n"
	"guest a mem=64M\n"
	"    eth0 sw0 ip=10.0.3.1/24\n"
	"guest vm qemu mem=192M\n"
	"    eth0 sw0 ip=10.0.3.3/24\n"
	"netns %s\n"
	"    eth0 sw0 ip=10.0.3.2/24\n";

static void demo_print(void *opaque, const char *guest, const char *line)
{
	(void)opaque;
	printf("    %s| %s\n", guest, line);
	fflush(stdout);
}

static void demo_check(struct demo *d, const char *what, bool ok)
{
	if (notify_interrupted())
		ok = false;
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	fflush(stdout);
	if (ok)
		d->passed++;
	else
		d->failed++;
}

static int demo_run(struct demo *d, const char *guest, const char *script)
{
	if (notify_interrupted())
		return -EINTR;
	printf("%s$ %s\n", guest, script);
	fflush(stdout);
	return net_exec(&d->st, &d->n, guest, script, 60000, demo_print, NULL);
}

/* A ping from inside namespace ns (its output to <state>/demo-ping.log). */
static int demo_ns_ping(struct demo *d, const char *ns, const char *ip)
{
	char prog[PATH_MAX], log[PATH_MAX], nsname[CONF_NAME], addr[16];
	char *argv[] = { prog, (char *)"netns", (char *)"exec", nsname, (char *)"ping",
			 (char *)"-c", (char *)"3", (char *)"-i", (char *)"0.2", (char *)"-W",
			 (char *)"2", addr, NULL };

	if (notify_interrupted() || proc_find_program("ip", prog, sizeof(prog)))
		return -EINTR;
	snprintf(nsname, sizeof(nsname), "%s", ns);
	snprintf(addr, sizeof(addr), "%s", ip);
	state_file(&d->st, "demo-ping.log", log, sizeof(log));
	printf("%s$ ping -c 3 -i 0.2 -W 2 %s\n", ns, ip);
	fflush(stdout);
	return proc_run(argv, log);
}

/* --qemu: every kind pings the other two. */
static void demo_qemu_checks(struct demo *d, const char *ns)
{
	static const char *const ip[] = { "10.0.3.1", "10.0.3.3", "10.0.3.2" };
	const char *who[] = { "a", "vm", ns };
	char what[128], script[64];

	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 3; k++) {
			if (i == k)
				continue;
			snprintf(what, sizeof(what), "%s pings %s (%s)", who[i], who[k], ip[k]);
			snprintf(script, sizeof(script), "ping -c 3 -i 0.2 -W 2 %s", ip[k]);
			demo_check(d, what, (i == 2 ? demo_ns_ping(d, ns, ip[k]) :
					     demo_run(d, who[i], script)) == 0);
		}
}

/* The host side of the TCP check: accepts one connection and reads one line. */
static void demo_accept(void *opaque)
{
	struct demo *d = opaque;
	int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	struct timeval tv = { .tv_sec = 5 };
	ssize_t n;

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, d->got, sizeof(d->got) - 1, MSG_WAITALL);
	d->got[n > 0 ? n : 0] = '\0';
	d->got[strcspn(d->got, "\r\n")] = '\0';
	close(fd);
}

static int demo_listen(struct demo *d, unsigned int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	d->listen_fd = fd;
	*port = ntohs(a.sin_port);
	return 0;
}

static void demo_checks(struct demo *d, bool slirp)
{
	char script[256];
	unsigned int port = 0;

	demo_check(d, "a pings b (10.0.2.16) through the switch",
		   demo_run(d, "a", "ping -c 3 -i 0.2 -W 2 10.0.2.16") == 0);
	demo_check(d, "b pings a (10.0.2.15) through the switch",
		   demo_run(d, "b", "ping -c 3 -i 0.2 -W 2 10.0.2.15") == 0);
	if (!slirp) {
		printf("(umlnet-slirp is not installed: no gateway to the host in this demo)\n");
		return;
	}
	demo_check(d, "a pings the gateway 10.0.2.2",
		   demo_run(d, "a", "ping -c 2 -i 0.2 -W 2 10.0.2.2") == 0);
	if (demo_listen(d, &port)) {
		demo_check(d, "a listener on the host's 127.0.0.1", false);
		return;
	}
	d->n.extra_fd = d->listen_fd;
	d->n.extra_fn = demo_accept;
	d->n.extra_opaque = d;
	/* bash is in every Debian system (the guest runs the host's /); nc may not be. */
	snprintf(script, sizeof(script),
		 "timeout 10 bash -c 'echo %s > /dev/tcp/10.0.2.2/%u' && echo sent", DEMO_HELLO,
		 port);
	demo_run(d, "b", script);
	/* The listener may see the connection just after the guest reports. */
	for (int i = 0; i < 20 && !d->got[0]; i++)
		notify_loop(&d->n, 100, NULL, NULL);
	printf("    host| 127.0.0.1:%u received '%s'\n", port, d->got);
	demo_check(d, "b reaches a TCP listener on the host's 127.0.0.1 via 10.0.2.2",
		   !strcmp(d->got, DEMO_HELLO));
	d->n.extra_fd = -1;
	close(d->listen_fd);
}

static int demo_state_dir(struct umlnet_opts *o, char *dir, size_t len)
{
	char base[PATH_MAX - 64];

	if (o->state_dir) {
		snprintf(dir, len, "%s", o->state_dir);
		return 0;
	}
	if (state_base_create(base, sizeof(base)))
		return -EACCES;
	if (snprintf(dir, len, "%s/demo.XXXXXX", base) >= (int)len)
		return -ENAMETOOLONG;
	if (!mkdtemp(dir)) {
		log_err("state directory '%s': %s", dir, strerror(errno));
		return -errno;
	}
	return 0;
}

int cmd_demo(struct umlnet_opts *o, int argc, char **argv)
{
	struct demo d = { .listen_fd = -1 };
	char text[1024], dir[PATH_MAX - 256], err[512], prog[PATH_MAX], ns[CONF_NAME];
	struct conf *conf = calloc(1, sizeof(*conf));
	bool qemu = argc == 2 && !strcmp(argv[1], "--qemu");
	bool slirp = !qemu && proc_find_program("umlnet-slirp", prog, sizeof(prog)) == 0;
	int rc;

	if ((argc != 1 && !qemu) || !conf) {
		log_err("usage: umlnet demo [--qemu]");
		free(conf);
		return 2;
	}
	if (qemu && geteuid() != 0) {
		log_err("demo --qemu: its namespace guest needs root");
		free(conf);
		return 2;
	}
	if (runas_guest_user(o->guest_user, &o->as, &o->guest_user)) {
		free(conf);
		return 2;
	}
	snprintf(ns, sizeof(ns), "umlnet-demo-%d", (int)getpid());
	if (qemu)
		snprintf(text, sizeof(text), demo_qemu_topology, ns);
	else
		snprintf(text, sizeof(text), demo_topology, slirp ? " and a slirp gateway to the "
			 "host" : "", slirp ? " slirp host-loopback" : "", slirp ? "    route "
			 "default via 10.0.2.2\n" : "", slirp ? "    route default via 10.0.2.2\n" : "");
	if (conf_parse(conf, text, "demo", err, sizeof(err))) {
		log_err("built-in demo: %s", err);
		free(conf);
		return 1;
	}
	if (demo_state_dir(o, dir, sizeof(dir)) || state_create(&d.st, dir, conf, text)) {
		free(conf);
		return 1;
	}
	if (qemu)
		printf("== umlnet demo --qemu: booting switch sw0, UML guest a, QEMU VM vm and "
		       "namespace %s (state in %s)\n", ns, d.st.dir);
	else
		printf("== umlnet demo: booting switch sw0%s and UML guests a, b (state in %s)\n",
		       slirp ? ", slirp gateway 10.0.2.2" : "", d.st.dir);
	fflush(stdout);
	rc = net_up(o, &d.st, &d.n);
	if (rc) {
		state_close(&d.st);
		return 1;
	}
	printf("== checks\n");
	if (qemu)
		demo_qemu_checks(&d, ns);
	else
		demo_checks(&d, slirp);
	if (!notify_interrupted()) {
		printf("== status\n");
		fflush(stdout);
		net_status(&d.st, false, stdout);
	}
	printf("== tearing down\n");
	notify_close(&d.n);
	if (net_down(&d.st))
		d.failed++; /* something could not be stopped */
	state_close(&d.st);
	printf("%d passed, %d failed\n", d.passed, d.failed);
	return d.failed || !d.passed ? 1 : 0;
}
