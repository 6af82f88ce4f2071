// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * switch_bench - forwarding rate, switch CPU per frame and latency of daemon-protocol switches,
 * side by side in one run.
 *
 *   switch_bench [-t SECONDS] [-r ROUNDS] [-w WINDOW] [--classic PATH] [--ours PATH]
 *                [--relay PATH] [--vlan] [--scenario TEXT]
 *
 * Each switch is started by the benchmark, pinned to CPU 0; the load generator runs pinned to
 * CPU 1 and attaches synthetic ports through the daemon protocol (version 3 request, 110-byte
 * reply), exactly as UML guests do. Its data sockets are connected back to the switch, so
 * neither switch is held back by the 10-frame queue limit on the sending side towards clients.
 * The generator sends bursts of 16 frames per sendmmsg from one port to rotating destinations,
 * keeping at most WINDOW frames in flight (default 64) so that the switch is kept busy and its
 * batching shows; a frame not delivered within 50 ms counts as lost.
 *
 * Measured per run: delivered frames/s and Gbit/s, loss, and the switch's CPU time (from
 * /proc/PID/schedstat, nanoseconds) per delivered frame. On a 2-core VM rates swing with load;
 * CPU per frame and the ratios of runs interleaved in one invocation are the steady figures, so
 * scenarios are run in ROUNDS interleaved rounds and medians are reported.
 *
 * Scenarios: 2 ports 64 B and 1500 B one-to-one both ways; 256 ports all-to-all 64 B; round-trip
 * latency with one frame in flight (through the switch twice), with the switch's CPU time and
 * runs (times put on a CPU: wake-ups, mostly) per frame. "relay" is the one-process limit: a
 * program that only moves frames between two sockets (bench/relay.c), plain and batched.
 * "umlnet, -spin 0" is our switch with its poll before sleeping off (uml_switch(1) -spin), to
 * show what the poll gains for lone frames and costs in CPU.
 *
 * --vlan adds our switch with VLANs on (through the management socket, before any frame) to the
 * rate scenarios: "access" (every port an access port of VLAN 10), "trunk" (every port a trunk of
 * VLAN 10, every frame tagged) and "mixed" (even ports trunks, odd ports access ports: every
 * 2-port frame and half the 256-port ones get a tag pushed or popped), against the same switch
 * VLAN-unaware in the same rounds. --scenario runs only the scenarios whose name contains TEXT.
 * --attach CTL PID [--trunk CTL2 PID2] [-s SIZE] loads switches started by hand instead (see
 * attach_run; bench/vxlan_tcp.py --frames uses it for two switches joined by a VXLAN trunk).
 */
#include "daemon_proto.h"
#include "log.h"
#include "switch_mgmt.h"
#include "unixsock.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS 256
#define MAX_RUNS 16

struct client {
	int data, ctl;
	uint8_t mac[6];
	bool tagged;   /* a trunk port: its frames carry an 802.1Q tag of BENCH_VID */
};

#define BENCH_VID 10

enum bench_vlan { VLAN_OFF, VLAN_ALL_ACCESS, VLAN_ALL_TRUNK, VLAN_MIXED };

struct result {
	double fps, gbps, loss, cpu_ns_per_frame, fps_per_cpu_s;
	double p50_us, p99_us, runs_per_frame;
};

struct contender {
	const char *label;
	const char *argv[8];
	bool only_two_ports;
	bool rate_only;          /* not in the latency scenario */
	enum bench_vlan vlan;
	struct result runs[MAX_RUNS];
	int nruns;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The process's CPU time (ns) and how many times it was put on a CPU (wake-ups, mostly). */
static unsigned long long schedstat(pid_t pid, unsigned long long *runs)
{
	char path[64];
	unsigned long long ns = 0, wait;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "r");
	*runs = 0;
	if (f) {
		if (fscanf(f, "%llu %llu %llu", &ns, &wait, runs) != 3)
			ns = *runs = 0;
		fclose(f);
	}
	return ns;
}

static pid_t trunk_pid; /* --trunk: the second switch's pid, whose CPU time counts too */

static unsigned long long cpu_ns(pid_t pid)
{
	unsigned long long runs;

	return schedstat(pid, &runs) + (trunk_pid ? schedstat(trunk_pid, &runs) : 0);
}

static pid_t start_switch(const char *const *argv, const char *ctl)
{
	pid_t pid = fork();
	struct stat st;

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		pin(0);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], (char **)(uintptr_t)argv);
		_exit(127);
	}
	for (int i = 0; i < 500 && stat(ctl, &st) != 0; i++)
		usleep(10000);
	usleep(50000);
	return pid;
}

static void stop_switch(pid_t pid, const char *ctl)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(ctl);
}

static int client_attach(struct client *c, const char *ctl, int idx)
{
	struct sockaddr_un mine, sw, ctl_addr;
	uint8_t req[DAEMON_REQ_V3_LEN];
	char name[64];
	int bufsize = 1 << 20;

	snprintf(name, sizeof(name), "umlnet-bench/%d/%d", (int)getpid(), idx);
	unixsock_abstract_addr(&mine, name);
	c->data = unixsock_dgram_bind(&mine);
	c->ctl = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unixsock_path_addr(&ctl_addr, ctl);
	if (c->data < 0 || c->ctl < 0 ||
	    connect(c->ctl, (struct sockaddr *)&ctl_addr, sizeof(ctl_addr)) < 0)
		return -1;
	daemon_request_encode_v3(req, &mine);
	if (write(c->ctl, req, sizeof(req)) != (ssize_t)sizeof(req) ||
	    read(c->ctl, &sw, sizeof(sw)) != (ssize_t)sizeof(sw))
		return -1;
	setsockopt(c->data, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	if (unixsock_connect(c->data, &sw) < 0)
		return -1;
	memcpy(c->mac, (uint8_t[]){ 0x02, 0xbe, 0, 0, (uint8_t)(idx >> 8), (uint8_t)idx }, 6);
	return 0;
}

static void client_close(struct client *c)
{
	close(c->data);
	close(c->ctl);
}

static size_t make_frame(uint8_t *buf, const struct client *dst, const struct client *src,
			 size_t size)
{
	memset(buf, 0, size);
	if (dst)
		memcpy(buf, dst->mac, 6);
	else
		memset(buf, 0xff, 6);
	memcpy(buf + 6, src->mac, 6);
	if (src->tagged) {
		memcpy(buf + 12, (uint8_t[]){ 0x81, 0x00, 0, BENCH_VID }, 4);
		buf += 4;
	}
	buf[12] = 0x88;
	buf[13] = 0xb5;
	return size;
}

static unsigned int drain(struct client *cl, int n, double quiet_s)
{
	uint8_t buf[2048];
	unsigned int got = 0;
	double until = now_s() + quiet_s;

	while (now_s() < until)
		for (int i = 0; i < n; i++)
			while (recv(cl[i].data, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
				got++;
				until = now_s() + quiet_s;
			}
	return got;
}

/* Client 0 broadcasts, everyone else sends it a unicast: the switch has learned them all. */
static void teach(struct client *cl, int n)
{
	uint8_t f[64];

	send(cl[0].data, f, make_frame(f, NULL, &cl[0], 64), 0);
	drain(cl, n, 0.05);
	for (int i = 1; i < n; i++) {
		send(cl[i].data, f, make_frame(f, &cl[0], &cl[i], 64), 0);
		if (i % 8 == 0)
			drain(cl, 1, 0.002);
	}
	drain(cl, n, 0.05);
}

/* Port i+1 (ports are numbered in attach order on a fresh switch) as an access port or a trunk
 * of BENCH_VID, through the management socket. */
static int set_vlans(struct client *cl, int n, const char *ctl, enum bench_vlan vlan)
{
	char mgmt[128], cmd[64], *reply;

	switch_mgmt_default_path(ctl, mgmt, sizeof(mgmt));
	for (int i = 0; i < n; i++) {
		int err;

		cl[i].tagged = vlan == VLAN_ALL_TRUNK || (vlan == VLAN_MIXED && i % 2 == 0);
		snprintf(cmd, sizeof(cmd), "%s %d %d", cl[i].tagged ? "trunk" : "vlan", i + 1,
			 BENCH_VID);
		err = switch_mgmt_query(mgmt, cmd, &reply);
		if (err || strncmp(reply, "port ", 5)) {
			fprintf(stderr, "switch_bench: '%s': %s\n", cmd, err ? strerror(-err) : reply);
			if (!err)
				free(reply);
			return -1;
		}
		free(reply);
	}
	return 0;
}

/* --trunk: the second switch, which odd ports attach to (NULL: none). */
static const char *trunk_ctl;

static int attach_all(struct client *cl, int n, const char *ctl, enum bench_vlan vlan)
{
	for (int i = 0; i < n; i++) {
		cl[i].tagged = false;
		if (client_attach(&cl[i], trunk_ctl && i % 2 ? trunk_ctl : ctl, i) < 0)
			return -1;
	}
	if (vlan != VLAN_OFF && set_vlans(cl, n, ctl, vlan) < 0)
		return -1;
	teach(cl, n);
	return 0;
}

/* Fills the window in bursts: up to BURST frames from one sender (one sendmmsg) to rotating
 * destinations, then the next sender. Bursts are what lets a switch batch; a generator that
 * sent one frame per syscall would be slower than the switch and measure only its wake-ups. */
#define BURST 16
static unsigned int fill_window(struct client *cl, int n, size_t size, unsigned int room,
				unsigned long long *seq)
{
	static uint8_t f[BURST][2048];
	struct mmsghdr msgs[BURST];
	struct iovec iov[BURST];
	unsigned int sent = 0;

	while (sent < room) {
		int s = (int)(*seq % (unsigned long long)n), k = 0, got;

		for (; k < BURST && sent + (unsigned int)k < room; k++) {
			unsigned long long q = *seq / (unsigned long long)n + (unsigned long long)k;
			int d = (int)((s + 1 + q % (unsigned long long)(n - 1)) % n);

			make_frame(f[k], &cl[d], &cl[s], size);
			iov[k] = (struct iovec){ f[k], size };
			msgs[k].msg_hdr = (struct msghdr){ .msg_iov = &iov[k], .msg_iovlen = 1 };
		}
		got = sendmmsg(cl[s].data, msgs, (unsigned int)k, MSG_DONTWAIT);
		if (got <= 0)
			break;
		(*seq)++; /* the next burst comes from the next sender */
		sent += (unsigned int)got;
		if (got < k)
			break;
	}
	return sent;
}

static int rate_run(const char *ctl, int n, size_t size, double seconds, unsigned int window,
		    pid_t pid, enum bench_vlan vlan, struct result *r)
{
	static struct client cl[MAX_PORTS];
	static uint8_t bufs[64][2048];
	struct mmsghdr msgs[64];
	struct iovec iov[64];
	struct epoll_event ev[64];
	unsigned long long seq = 0, sent = 0, delivered = 0, lost = 0, cpu0;
	unsigned int inflight = 0;
	double t0, t1, last_rx;
	int ep = epoll_create1(0);

	if (attach_all(cl, n, ctl, vlan) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = (uint32_t)i };

		epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].data, &e);
	}
	cpu0 = cpu_ns(pid);
	t0 = last_rx = now_s();
	while ((t1 = now_s()) < t0 + seconds) {
		unsigned int s = fill_window(cl, n, size, window - inflight, &seq);
		/* Busy-polling: the generator never sleeps, so a switch pays no wake-up of it per
		 * frame, whichever switch it is; it has CPU 1 to itself. */
		int k = epoll_wait(ep, ev, 64, 0);

		sent += s;
		inflight += s;
		for (int j = 0; j < k; j++) {
			int got;

			for (int m = 0; m < 64; m++) {
				iov[m] = (struct iovec){ bufs[m], sizeof(bufs[m]) };
				msgs[m].msg_hdr = (struct msghdr){ .msg_iov = &iov[m], .msg_iovlen = 1 };
			}
			got = recvmmsg(cl[ev[j].data.u32].data, msgs, 64, MSG_DONTWAIT, NULL);
			if (got > 0) {
				delivered += (unsigned int)got;
				inflight -= (unsigned int)got > inflight ? inflight : (unsigned int)got;
				last_rx = now_s();
			}
		}
		if (inflight && now_s() - last_rx > 0.05) {
			lost += inflight;
			inflight = 0;
			last_rx = now_s();
		}
	}
	delivered += drain(cl, n, 0.05);
	r->cpu_ns_per_frame = delivered ? (double)(cpu_ns(pid) - cpu0) / (double)delivered : 0;
	r->fps = (double)delivered / (t1 - t0);
	r->gbps = r->fps * (double)size * 8 / 1e9;
	r->loss = sent ? (double)(sent > delivered ? sent - delivered : 0) / (double)sent : 0;
	r->fps_per_cpu_s = r->cpu_ns_per_frame > 0 ? 1e9 / r->cpu_ns_per_frame : 0;
	(void)lost;
	for (int i = 0; i < n; i++)
		client_close(&cl[i]);
	close(ep);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Round trips with one frame in flight; also the switch's CPU time per frame (a spinning switch
 * pays here for the wake-ups it saves). */
static int latency_run(const char *ctl, int iterations, pid_t pid, struct result *r)
{
	unsigned long long cpu0 = 0, runs0 = 0, runs;
	struct client cl[2];
	double *rtt = calloc((size_t)iterations, sizeof(double));
	uint8_t f[64], buf[2048];

	if (!rtt || attach_all(cl, 2, ctl, VLAN_OFF) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		fcntl(cl[i].data, F_SETFL, fcntl(cl[i].data, F_GETFL) & ~O_NONBLOCK);
	for (int i = -200; i < iterations; i++) {
		double t = now_s();

		send(cl[0].data, f, make_frame(f, &cl[1], &cl[0], 64), 0);
		if (recv(cl[1].data, buf, sizeof(buf), 0) <= 0)
			return -1;
		send(cl[1].data, f, make_frame(f, &cl[0], &cl[1], 64), 0);
		if (recv(cl[0].data, buf, sizeof(buf), 0) <= 0)
			return -1;
		if (i >= 0)
			rtt[i] = (now_s() - t) * 1e6;
		if (i == -1)
			cpu0 = schedstat(pid, &runs0);
	}
	r->cpu_ns_per_frame = (double)(schedstat(pid, &runs) - cpu0) / (2.0 * iterations);
	r->runs_per_frame = (double)(runs - runs0) / (2.0 * iterations);
	qsort(rtt, (size_t)iterations, sizeof(double), cmp_double);
	r->p50_us = rtt[iterations / 2];
	r->p99_us = rtt[iterations * 99 / 100];
	free(rtt);
	for (int i = 0; i < 2; i++)
		client_close(&cl[i]);
	return 0;
}

struct scenario {
	const char *name;
	int ports;
	size_t size;
	bool latency;
};

static const struct scenario scenarios[] = {
	{ "2 ports, 64 B", 2, 64, false },
	{ "2 ports, 1500 B", 2, 1500, false },
	{ "256 ports all-to-all, 64 B", 256, 64, false },
	{ "round trip, 1 frame in flight", 2, 64, true },
};

static double median(struct contender *c, size_t off)
{
	double v[MAX_RUNS] = { 0 };

	for (int i = 0; i < c->nruns; i++)
		memcpy(&v[i], (const char *)&c->runs[i] + off, sizeof(v[i]));
	qsort(v, (size_t)c->nruns, sizeof(double), cmp_double);
	return c->nruns ? v[c->nruns / 2] : 0;
}

#define MED(c, field) median(c, offsetof(struct result, field))

static void print_scenario(const struct scenario *s, struct contender *cs, int nc)
{
	struct contender *classic = &cs[0], *ours = &cs[1];

	printf("\n== %s ==\n", s->name);
	if (s->latency) {
		printf("%-22s %10s %10s %12s %12s\n", "switch", "p50 us", "p99 us", "CPU ns/frame",
		       "runs/frame");
		for (int i = 0; i < nc; i++)
			if (cs[i].nruns)
				printf("%-22s %10.1f %10.1f %12.0f %12.2f\n", cs[i].label,
				       MED(&cs[i], p50_us), MED(&cs[i], p99_us),
				       MED(&cs[i], cpu_ns_per_frame), MED(&cs[i], runs_per_frame));
		printf("ratio p50 ours/classic: %.2f (<= 1 is better)\n",
		       MED(ours, p50_us) / MED(classic, p50_us));
		printf("ratio p50 ours/ours without spinning: %.2f\n",
		       MED(ours, p50_us) / MED(&cs[4], p50_us));
		return;
	}
	printf("%-22s %10s %8s %7s %12s %14s\n", "switch", "Mpps", "Gbit/s", "loss%", "CPU ns/frame",
	       "frames/CPU-s");
	for (int i = 0; i < nc; i++)
		if (cs[i].nruns)
			printf("%-22s %10.3f %8.3f %7.3f %12.0f %14.0f\n", cs[i].label,
			       MED(&cs[i], fps) / 1e6, MED(&cs[i], gbps), MED(&cs[i], loss) * 100,
			       MED(&cs[i], cpu_ns_per_frame), MED(&cs[i], fps_per_cpu_s));
	printf("ours/classic: frames per switch-CPU-second x%.2f, delivered rate x%.2f\n",
	       MED(ours, fps_per_cpu_s) / MED(classic, fps_per_cpu_s), MED(ours, fps) / MED(classic, fps));
	if (s->ports == 2 && cs[3].nruns)
		printf("ours CPU per frame / batched one-process limit: x%.2f\n",
		       MED(ours, cpu_ns_per_frame) / MED(&cs[3], cpu_ns_per_frame));
	printf("ours / ours without spinning: CPU per frame x%.2f, delivered rate x%.2f\n",
	       MED(ours, cpu_ns_per_frame) / MED(&cs[4], cpu_ns_per_frame),
	       MED(ours, fps) / MED(&cs[4], fps));
	for (int i = 0; i < nc; i++)
		if (cs[i].vlan != VLAN_OFF && cs[i].nruns)
			printf("%s / VLAN-unaware: CPU per frame x%.2f\n", cs[i].label,
			       MED(&cs[i], cpu_ns_per_frame) / MED(ours, cpu_ns_per_frame));
}

/* --attach: the 2-port load (size bytes) against a switch someone else started (for profiling
 * it); with --trunk, port 2 is on a second switch joined to the first by a trunk (a VXLAN one,
 * say): frames cross the trunk, and the CPU per frame is both switches'. */
static int attach_run(const char *ctl, pid_t pid, double seconds, unsigned int window, size_t size)
{
	struct result r = { 0 };

	if (rate_run(ctl, 2, size, seconds, window, pid, VLAN_OFF, &r) < 0)
		die("could not attach to '%s'", ctl);
	printf("%.3f Mpps, %.0f switch CPU ns/frame, loss %.3f%%\n", r.fps / 1e6, r.cpu_ns_per_frame,
	       r.loss * 100);
	return 0;
}

int main(int argc, char **argv)
{
	const char *classic = "/usr/bin/uml_switch", *ours = "build/uml_switch/uml_switch";
	const char *relay = "build/bench/relay", *attach = NULL;
	pid_t attach_pid = 0;
	double seconds = 2;
	int rounds = 3;
	bool vlan = false;
	const char *only = "";
	unsigned int window = 64;
	size_t size = 64;
	char ctl[64];

	log_init("switch_bench", LOG_LVL_INFO);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-w") && i + 1 < argc)
			window = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--classic") && i + 1 < argc)
			classic = argv[++i];
		else if (!strcmp(argv[i], "--ours") && i + 1 < argc)
			ours = argv[++i];
		else if (!strcmp(argv[i], "--relay") && i + 1 < argc)
			relay = argv[++i];
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			size = (size_t)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--vlan"))
			vlan = true;
		else if (!strcmp(argv[i], "--scenario") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--attach") && i + 2 < argc) {
			attach = argv[++i];
			attach_pid = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--trunk") && i + 2 < argc) {
			trunk_ctl = argv[++i];
			trunk_pid = atoi(argv[++i]);
		}
		else
			die("usage: switch_bench [-t SECONDS] [-r ROUNDS] [-w WINDOW] [--classic PATH] "
			    "[--ours PATH] [--relay PATH] [--vlan] [--scenario TEXT] "
			    "[--attach CTL PID [--trunk CTL PID] [-s SIZE]]");
	}
	if (rounds < 1 || rounds > MAX_RUNS || window < 1 || size < 64 || size > 1514)
		die("-r must be 1..%d, -w at least 1 and -s 64..1514", MAX_RUNS);
	pin(1);
	signal(SIGPIPE, SIG_IGN);
	if (trunk_ctl && !attach)
		die("--trunk goes with --attach");
	if (attach)
		return attach_run(attach, attach_pid, seconds, window, size);
	snprintf(ctl, sizeof(ctl), "/tmp/umlnet-bench-%d.ctl", (int)getpid());
	printf("switch_bench: %d rounds of %.1f s per run, window %u frames; switch on CPU 0, load "
	       "on CPU 1\n", rounds, seconds, window);
	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		struct contender cs[] = {
			{ .label = "classic uml_switch", .argv = { classic, "-unix", ctl, NULL }, .only_two_ports = false },
			{ .label = "umlnet uml_switch", .argv = { ours, "-q", "-unix", ctl, NULL }, .only_two_ports = false },
			{ .label = "relay, plain", .argv = { relay, "-unix", ctl, NULL }, .only_two_ports = true },
			{ .label = "relay, batched", .argv = { relay, "-batched", "-unix", ctl, NULL }, .only_two_ports = true },
			{ .label = "umlnet, -spin 0", .argv = { ours, "-q", "-spin", "0", "-unix", ctl, NULL } },
			{ .label = "umlnet, VLAN access", .argv = { ours, "-q", "-unix", ctl, NULL }, .rate_only = true, .vlan = VLAN_ALL_ACCESS },
			{ .label = "umlnet, VLAN trunk", .argv = { ours, "-q", "-unix", ctl, NULL }, .rate_only = true, .vlan = VLAN_ALL_TRUNK },
			{ .label = "umlnet, VLAN mixed", .argv = { ours, "-q", "-unix", ctl, NULL }, .rate_only = true, .vlan = VLAN_MIXED },
		};
		int nc = vlan ? (int)(sizeof(cs) / sizeof(cs[0])) : 5;

		if (!strstr(scenarios[s].name, only))
			continue;

		for (int round = 0; round < rounds; round++) {
			for (int i = 0; i < nc; i++) {
				const struct scenario *sc = &scenarios[s];
				struct result r = { 0 };
				pid_t pid;
				int err;

				if ((cs[i].only_two_ports && (sc->ports != 2 || sc->latency)) ||
				    (cs[i].rate_only && sc->latency))
					continue;
				pid = start_switch(cs[i].argv, ctl);
				err = sc->latency ? latency_run(ctl, 5000, pid, &r)
						  : rate_run(ctl, sc->ports, sc->size, seconds, window, pid,
							     cs[i].vlan, &r);
				stop_switch(pid, ctl);
				if (err)
					fprintf(stderr, "switch_bench: %s / %s: run failed\n", sc->name, cs[i].label);
				else
					cs[i].runs[cs[i].nruns++] = r;
			}
		}
		print_scenario(&scenarios[s], cs, nc);
		fflush(stdout);
	}
	return 0;
}
