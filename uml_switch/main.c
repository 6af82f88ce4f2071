// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uml_switch - the switch daemon of UML's `daemon` transport, a drop-in for the classic one.
 *
 * main.c: start-up (options, sockets, banner), the event loop and clean-up. The protocol
 * lives in control.c, forwarding in switch.c, status in mgmt.c, epoll registrations in events.c.
 */
#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "stdfds.h"
#include "switch_mgmt.h"
#include "unixsock.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* The classic watches stdin only when it is a terminal; a pipe's EOF also means "stop" to
 * whoever started us with one, while </dev/null or a file must not stop the switch. */
static bool stdin_is_watched(void)
{
	struct stat st;

	if (isatty(0))
		return true;
	return fstat(0, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* Absolute paths, because -daemon changes directory and clean-up must still find the files.
 * A directory given to -unix holds the control socket as DIR/ctl, the layout libvdeplug
 * clients expect. */
static int resolve_paths(struct switchd *d)
{
	struct switch_options *o = &d->opt;
	char cwd[PATH_MAX], path[PATH_MAX];
	struct stat st;
	int n;

	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	n = snprintf(path, sizeof(path), "%s%s%s", o->ctl_path[0] == '/' ? "" : cwd,
		     o->ctl_path[0] == '/' ? "" : "/", o->ctl_path);
	if (n >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		n = snprintf(d->ctl_path, sizeof(d->ctl_path), "%s/ctl", path);
	else
		n = snprintf(d->ctl_path, sizeof(d->ctl_path), "%s", path);
	if (n >= (int)sizeof(d->ctl_path))
		return -ENAMETOOLONG;
	if (o->mgmt_path && strcmp(o->mgmt_path, "none") == 0)
		d->mgmt_path[0] = 0;
	else if (o->mgmt_path)
		n = snprintf(d->mgmt_path, sizeof(d->mgmt_path), "%s", o->mgmt_path);
	else
		n = switch_mgmt_default_path(d->ctl_path, d->mgmt_path, sizeof(d->mgmt_path));
	return n >= (int)sizeof(d->mgmt_path) ? -ENAMETOOLONG : 0;
}

static int timer_open(struct switchd *d)
{
	struct itimerspec every_second = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };

	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->timer_fd < 0 || timerfd_settime(d->timer_fd, 0, &every_second, NULL) < 0)
		return -errno;
	return ev_add(d, d->timer_fd, EV_TIMER, 0, EPOLLIN);
}

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* Blocked from the start, so that a signal during set-up waits for the signalfd. */
static void block_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	stop_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static int signals_open(struct switchd *d)
{
	sigset_t set;

	stop_signals(&set);
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return d->sig_fd < 0 ? -errno : ev_add(d, d->sig_fd, EV_SIGNAL, 0, EPOLLIN);
}

/* Many ports mean many descriptors (two each): use all the process may have. */
static void raise_fd_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static void on_timer(struct switchd *d)
{
	uint64_t ticks;

	if (read(d->timer_fd, &ticks, sizeof(ticks)) < 0)
		return;
	mactable_expire(&d->sw.macs, d->sw.now);
	control_expire_pending(d);
	mgmt_expire_idle(d);
	stream_ports_tick(d);
	if (d->sw.cap)
		capture_flush(d->sw.cap);
}

static void on_signal(struct switchd *d)
{
	struct signalfd_siginfo si;

	if (read(d->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		log_info("caught signal %u, cleaning up and exiting", si.ssi_signo);
		d->running = false;
	}
}

static void on_stdin(struct switchd *d, uint32_t events)
{
	char buf[256];
	ssize_t r = (events & EPOLLIN) ? read(0, buf, sizeof(buf)) : 0;

	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
		log_info("EOF on stdin, cleaning up and exiting");
		d->running = false;
	}
}

/* The core holds frames for a full port: wake us when its socket has room again. */
static void on_backlog(void *arg, uint32_t slot, bool waiting)
{
	struct switchd *d = arg;
	struct endpoint *ep = d->sw.ports[slot].ep;

	/* A shared-socket (v0) port has no socket of its own to wait on: its backlog goes out
	 * ahead of its next frames instead. */
	if (ep->fd >= 0)
		ev_mod(d, ep->fd, EV_PORT_DATA, slot, EPOLLIN | (waiting ? EPOLLOUT : 0));
}

static void on_port_data(struct switchd *d, uint32_t slot, uint32_t events)
{
	struct port *p = &d->sw.ports[slot];
	int err;

	if (!p->used)
		return; /* removed earlier in this batch of events */
	if (events & EPOLLOUT)
		sw_port_writable(&d->sw, slot);
	if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		return;
	err = sw_service_port(&d->sw, slot);
	if (err < 0 && p->ctl_fd >= 0)
		log_debug("port %u: receive: %s", slot + 1, strerror(-err));
	else if (endpoint_peer_gone(err)) /* no control connection: the data socket's EOF is the end */
		control_endpoint_gone(d, slot, err);
}

static void dispatch(struct switchd *d, const struct epoll_event *ev)
{
	uint32_t index = ev_index_of(ev);

	switch (ev_tag_of(ev)) {
	case EV_LISTEN:
		control_accept(d);
		break;
	case EV_PENDING:
		if (d->pending[index].fd >= 0)
			control_pending_input(d, index);
		break;
	case EV_PORT_CTL:
		if (d->sw.ports[index].used)
			control_port_event(d, index);
		break;
	case EV_PORT_DATA:
		on_port_data(d, index, ev->events);
		break;
	case EV_SHARED_DATA:
		shared_data_input(d);
		break;
	case EV_MGMT_LISTEN:
		mgmt_accept(d);
		break;
	case EV_MGMT_CONN:
		if (d->mgmt[index].fd >= 0)
			mgmt_event(d, index, ev->events);
		break;
	case EV_SIGNAL:
		on_signal(d);
		break;
	case EV_TIMER:
		on_timer(d);
		break;
	case EV_STDIN:
		on_stdin(d, ev->events);
		break;
	case EV_BESS_LISTEN:
		bess_listen_accept(d);
		break;
	case EV_STREAM_LISTEN:
		stream_ports_accept(d, index);
		break;
	case EV_IDENT_LISTEN:
		ident_sock_accept(d, index);
		break;
	}
}

static void run(struct switchd *d)
{
	struct epoll_event evs[64];
	uint64_t frames = 0;

	d->running = true;
	while (d->running) {
		int n = evwait_wait(&d->wait, evs, 64, d->sw.st.rx_frames - frames);

		frames = d->sw.st.rx_frames;

		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		d->sw.now = clock_seconds();
		for (int i = 0; i < n && d->running; i++)
			dispatch(d, &evs[i]);
		/* Frames from every port read in this round leave together. */
		sw_flush(&d->sw);
	}
}

static void switchd_init(struct switchd *d)
{
	memset(d, 0, sizeof(*d));
	d->listen_fd = d->mgmt_fd = d->shared_fd = d->sig_fd = d->timer_fd = d->stdin_fd = -1;
	d->bess.fd = -1;
	ident_socks_init(&d->ident);
	for (int i = 0; i < SWITCHD_MAX_PENDING; i++)
		d->pending[i].fd = -1;
	for (int i = 0; i < SWITCHD_MAX_MGMT; i++)
		d->mgmt[i].fd = -1;
}

/* The socket files this switch created (a path another server owns is left alone). */
static void remove_sockets(struct switchd *d)
{
	bess_listen_close(d);
	stream_ports_close(d);
	ident_socks_close_all(d);
	if (d->listen_fd >= 0)
		unlink(d->ctl_path);
	if (d->mgmt_fd >= 0 && d->mgmt_path[0])
		unlink(d->mgmt_path);
	if (d->shared_fd >= 0)
		unlink(d->opt.data_path);
}

/* Start-up went wrong: one line, no socket left behind, status 2 (the configuration is bad or
 * cannot be served; nothing has started). */
static noreturn void setup_fail(struct switchd *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static noreturn void setup_fail(struct switchd *d, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_err("%s", line);
	remove_sockets(d);
	exit(2);
}

static noreturn void fail_ctl(struct switchd *d, int err)
{
	if (err == -EADDRINUSE)
		setup_fail(d, "the control socket '%s' has another server attached to it; remove it "
			   "or use a different -unix path", d->ctl_path);
	setup_fail(d, "-unix '%s': %s", d->ctl_path, strerror(-err));
}

/* -tap and -port endpoints. Like the classic with -tap, a port that cannot be attached is
 * reported and the switch runs without it: the virtual network stays up. */
static void attach_ports(struct switchd *d)
{
	struct switch_options *o = &d->opt;
	char spec[64], err[256];

	if (o->tap) {
		snprintf(spec, sizeof(spec), "tuntap,%s", o->tap);
		if (control_attach_spec(d, spec, NULL, err, sizeof(err)) < 0)
			log_err("-tap '%s': %s; running without it", o->tap, err);
	}
	for (unsigned int i = 0; i < o->nport_specs; i++) {
		const struct switch_port_spec *p = &o->port_specs[i];

		if (control_attach_spec(d, p->spec, p->vlan_given ? &p->vlan : NULL, err,
					sizeof(err)) < 0)
			log_err("-port '%s': %s; running without it", p->text, err);
	}
}

/* Every socket path is checked before any socket is made (unixsock_dir_check). */
static void check_socket_dirs(struct switchd *d)
{
	const struct switch_options *o = &d->opt;
	const struct {
		const char *opt, *path;
	} socks[] = {
		{ "-unix", d->ctl_path },
		{ "-mgmt", d->mgmt_path[0] ? d->mgmt_path : NULL },
		{ "-compat-v0 data socket", o->compat_v0 ? o->data_path : NULL },
		{ "-bess", o->bess_path },
	};
	char why[PATH_MAX + 96];

	for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++)
		if (socks[i].path && unixsock_dir_check(socks[i].path, why, sizeof(why)))
			setup_fail(d, "%s '%s': refused: %s", socks[i].opt, socks[i].path, why);
}

static void setup(struct switchd *d, const char *prog)
{
	struct switch_options *o = &d->opt;
	char err_text[256];
	int err;

	raise_fd_limit();
	err = resolve_paths(d);
	if (err)
		setup_fail(d, "-unix '%s': %s", o->ctl_path, strerror(-err));
	check_socket_dirs(d);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		setup_fail(d, "epoll_create1: %s", strerror(errno));
	evwait_init(&d->wait, d->epfd, o->spin_us);
	err = sw_init(&d->sw, o->max_ports, o->max_macs, o->age, o->hub);
	if (!err)
		err = switchd_apply_limits(d);
	if (err)
		setup_fail(d, "allocating %u ports and %u addresses: %s", o->max_ports, o->max_macs,
			   strerror(-err));
	d->sw.now = clock_seconds();
	d->started = d->sw.now;
	d->sw.on_backlog = on_backlog;
	d->sw.on_backlog_arg = d;
	d->access = (struct unixsock_access){ o->mode, o->gid };
	if ((err = timer_open(d)))
		setup_fail(d, "setting up the timer: %s", strerror(-err));
	err = control_open(d);
	if (err)
		fail_ctl(d, err);
	if (d->mgmt_path[0] && (err = mgmt_open(d)))
		setup_fail(d, "-mgmt '%s': %s", d->mgmt_path,
			   err == -EADDRINUSE ? "another switch is using it" : strerror(-err));
	if (o->compat_v0 && (err = shared_data_open(d)))
		setup_fail(d, "data socket '%s': %s", o->data_path,
			   err == -EADDRINUSE ? "another switch is using it" : strerror(-err));
	if (o->bess_path && (err = bess_listen_open(d)))
		setup_fail(d, "-bess '%s': %s", o->bess_path,
			   err == -EADDRINUSE ? "another server is using it" : strerror(-err));
	if (o->pcap_path && !(d->sw.cap = capture_open(o->pcap_path, err_text, sizeof(err_text))))
		setup_fail(d, "-pcap '%s': %s", o->pcap_path, err_text);
	attach_ports(d);
	if (o->hub)
		printf("%s will be a hub instead of a switch\n", prog);
	if (o->compat_v0)
		printf("%s attached to unix sockets '%s' and '%s'", prog, d->ctl_path, o->data_path);
	else
		printf("%s attached to unix socket '%s'", prog, d->ctl_path);
	printf(o->tap ? " tap device '%s'\n" : "%s\n", o->tap ? o->tap : "");
	fflush(stdout);
	if (!o->daemonize && stdin_is_watched() && ev_add(d, 0, EV_STDIN, 0, EPOLLIN) == 0)
		d->stdin_fd = 0;
}

static void cleanup(struct switchd *d)
{
	mgmt_close_all(d);
	control_close_all(d);
	remove_sockets(d);
	if (d->shared_fd >= 0)
		portmap_free(&d->shared_map);
	capture_close(d->sw.cap);
	d->sw.cap = NULL;
	sw_free(&d->sw);
	uidlim_free(&d->uids);
}

int main(int argc, char **argv)
{
	struct switchd d;
	int r;

	if (stdfds_reserve() < 0)
		return 1; /* nothing to report on: see stdfds.h */
	switchd_init(&d);
	log_init("uml_switch", LOG_LVL_INFO);
	r = switch_options_parse(&d.opt, argc, argv);
	if (r)
		return r > 0 ? 0 : 2; /* a bad option: named on one line already */
	log_init("uml_switch", d.opt.verbosity == 0 ? LOG_LVL_ERR
			       : d.opt.verbosity == 1 ? LOG_LVL_INFO : LOG_LVL_DEBUG);
	block_signals();
	setup(&d, argv[0]);
	if (d.opt.daemonize && daemon(0, 1) < 0)
		die("daemon: %s", strerror(errno));
	/* After the fork: a signalfd watched by epoll only hears signals of the process that
	 * registered it. */
	r = signals_open(&d);
	if (r)
		die("setting up signals: %s", strerror(-r));
	run(&d);
	cleanup(&d);
	return 0;
}
