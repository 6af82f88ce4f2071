/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon - the uml_switch process around the forwarding core: its sockets, its event loop and
 * the state that spans them. One struct switchd is passed to every function; there are no
 * globals. Its epoll registrations are in events.h.
 */
#ifndef UMLNET_SWITCH_DAEMON_H
#define UMLNET_SWITCH_DAEMON_H

#include "bess_listen.h"
#include "events.h"
#include "evwait.h"
#include "ident_sock.h"
#include "stream_ports.h"
#include "options.h"
#include "portmap.h"
#include "switch.h"
#include "unixsock.h"

#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

/* Totals over all users; the caps per user are in opt.limits (switch_limits.h). */
#define SWITCHD_MAX_PENDING 256     /* control connections still handshaking */
#define SWITCHD_PENDING_TIMEOUT 10  /* seconds a client has to send its request */
#define SWITCHD_MAX_MGMT 64

struct pending {
	int fd;                 /* -1: free */
	pid_t pid;
	uid_t uid;
	uint32_t deadline;
	uint16_t ident;         /* came through device socket ident - 1 (ident_sock.h); 0: the main one */
	size_t len;
	uint8_t buf[DAEMON_REQ_MAX_LEN + 1];
};

struct mgmt_conn {
	int fd;                 /* -1: free */
	pid_t pid;
	uid_t uid;
	uint32_t last;          /* when it last sent a command or took reply bytes (seconds) */
	size_t inlen;
	char in[512];
	char *out;              /* reply not yet written */
	size_t outlen, outoff;
	bool eof;               /* the client has stopped sending */
};

/* Clients refused a data socket they may not reach themselves (control.c). */
struct access_refusals {
	uint64_t count;
	uid_t last_uid;         /* the last one logged, and when */
	uint32_t last_logged;
	bool logged;
};

struct switchd {
	struct switch_options opt;
	struct sw sw;
	struct portmap shared_map; /* -compat-v0: sender name -> port */
	int epfd;
	struct evwait wait;       /* how the loop waits (evwait.h) */
	int listen_fd, mgmt_fd, shared_fd, sig_fd, timer_fd, stdin_fd;
	char ctl_path[PATH_MAX];
	char mgmt_path[PATH_MAX];
	struct unixsock_access access; /* mode and group of every socket file (-mode, -group) */
	uint64_t port_serial;   /* makes every data socket name unique */
	uint64_t started;       /* monotonic seconds at start */
	uint64_t ports_total;   /* ports ever created */
	struct access_refusals refused;
	struct bess_listen bess;
	struct stream_ports stream; /* -port transport=stream (stream_ports.h) */
	struct uidlim uids;     /* what each user holds (uidlimit.h) */
	struct ident_socks ident; /* devices' own control sockets */
	uint64_t mgmt_idle_closed; /* management connections closed for silence */
	uint64_t mgmt_refused;  /* management commands refused (mgmt_vlan.c) */
	bool running;
	struct pending pending[SWITCHD_MAX_PENDING];
	struct mgmt_conn mgmt[SWITCHD_MAX_MGMT];
};

/* daemon_limits.c: opt.limits into the core and the per-user accounting. 0 or -errno. */
int switchd_apply_limits(struct switchd *d);

/* control.c: the daemon protocol's handshake and port lifetime. */
int control_open(struct switchd *d);
void control_accept(struct switchd *d);
/* Accepts the clients waiting on listen_fd: the main control socket (ident 0) or device socket
 * ident - 1. */
void control_accept_on(struct switchd *d, int listen_fd, uint16_t ident);
void control_pending_input(struct switchd *d, uint32_t index);
void control_port_event(struct switchd *d, uint32_t slot);
void control_expire_pending(struct switchd *d);
void control_close_all(struct switchd *d);
/* Attaches an endpoint given in UML's syntax (-tap DEV is "tuntap,DEV") with a VLAN setting (NULL:
 * none; a stream listener or connector, whose ports come and go later, gives it to each of them).
 * 0 or -errno with one line in err. */
int control_attach_spec(struct switchd *d, const char *spec, const struct vlan_port *vlan, char *err,
			size_t errlen);
/* A port for ep with its data fd in the loop: the slot, or -errno with *why set and ep destroyed. */
int port_attach(struct switchd *d, struct endpoint *ep, int ctl_fd, const char **why);
/* Gives a port a VLAN setting (the switch becomes VLAN-aware) and logs it with who asked. */
void port_set_vlan(struct switchd *d, uint32_t slot, const struct vlan_port *v, const char *by);
/* A port for a connection a listener accepted (bess, stream): attached and owned by the peer's
 * user (pid, uid from peer_creds; uid -1: nobody's, for TCP); a refusal is counted in *refused
 * and logged. Returns the slot or -errno (ep destroyed). */
int port_attach_accepted(struct switchd *d, struct endpoint *ep, pid_t pid, uid_t uid,
			 uint64_t *refused);
/* A port without a control connection whose endpoint reported its peer gone (err): removed. */
void control_endpoint_gone(struct switchd *d, uint32_t slot, int err);
/* The credentials of a unix socket's peer (pid 0, uid -1 when unknown). */
void peer_creds(int fd, pid_t *pid, uid_t *uid);

/* shared_data.c: the single data socket of -compat-v0 clients. */
int shared_data_open(struct switchd *d);
void shared_data_input(struct switchd *d);

/* mgmt.c: status over the management socket. */
int mgmt_open(struct switchd *d);
void mgmt_accept(struct switchd *d);
void mgmt_event(struct switchd *d, uint32_t index, uint32_t events);
/* Closes management connections silent for longer than opt.limits.mgmt_idle. */
void mgmt_expire_idle(struct switchd *d);
void mgmt_close_all(struct switchd *d);
/* mgmt_vlan.c: "vlan PORT VID", "trunk PORT LIST [native=N]" and the device sockets' "ident",
 * "ident-close PATH", "idents" (words[0] is the command; mgmt_vlan_is_command tells). */
bool mgmt_vlan_is_command(const char *word);
void mgmt_vlan_command(struct switchd *d, const struct mgmt_conn *c, char **words, int n, FILE *f);

#endif
