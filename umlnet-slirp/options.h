/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options - umlnet-slirp's settings, from argv and from a config file.
 *
 * The UML kernel splits the slirp argv on commas and turns every '_' into a space, so every
 * option is one word: "--name=value" or "--name value" (written --name_value on the kernel
 * command line). The leading "--" is optional, so classic-looking words such as "mtu 1500" work
 * too. A config file (--config=FILE) holds the same options, one per line, "#" starts a comment.
 *
 * Port forward syntax (either form):
 *   tcp:HOSTPORT:GUESTPORT                         e.g. --hostfwd=tcp:8080:80
 *   tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT  (QEMU's), e.g. udp:127.0.0.1:5353-:53
 * The host address defaults to 127.0.0.1, the guest address to 10.0.2.15.
 */
#ifndef UMLNET_SLIRP_OPTIONS_H
#define UMLNET_SLIRP_OPTIONS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SLIRP_OPT_MAX_FWD 32
#define SLIRP_OPT_MTU_DEFAULT 1500
#define SLIRP_OPT_MTU_MIN 68
#define SLIRP_OPT_MTU_MAX 1500 /* SLIP: the guest's receive buffer; Ethernet: the switch frame */
#define SLIRP_OPT_SWITCH_WINDOW_DEFAULT 5840 /* 4 full segments: measured best, tcp_clamp.h */
#define SLIRP_OPT_USER_DEFAULT "nobody"

struct slirp_fwd {
	bool udp;
	struct in_addr host_addr;
	uint16_t host_port;
	struct in_addr guest_addr;
	uint16_t guest_port;
};

struct slirp_options {
	char *switch_ctl;               /* --switch (owned): attach to a uml_switch instead of SLIP on stdio */
	struct slirp_fwd fwd[SLIRP_OPT_MAX_FWD];
	unsigned int nfwd;
	bool host_loopback;             /* 10.0.2.2 reaches the host's 127.0.0.1 (default no) */
	char user[64];                  /* --user: who to become after set-up when started as root */
	bool restrict_;                 /* --restrict: no connections out, forwards still work */
	bool ipv6;                      /* libslirp's IPv6 (fec0::/64); only the switch mode carries it */
	bool dns_set;
	struct in_addr dns_addr;        /* --dns: where 10.0.2.3:53 goes instead of resolv.conf */
	uint16_t dns_port;
	uint32_t mtu;
	uint32_t switch_window;         /* --switch-window: TCP window cap toward libslirp, 0 = none */
	int verbosity;                  /* 0 errors, 1 warnings (default), 2 info, 3 debug */
	bool print_config;              /* --print-config: show the settings and exit */
	char error[640];                /* why parsing failed: one line naming option and value */
};

void slirp_options_init(struct slirp_options *o);
void slirp_options_free(struct slirp_options *o);

/* Parses argv[1..] and checks the options together (slirp_options_check). Returns 0, 1 when the
 * program should exit successfully (--help, --version, --print-config), or -EINVAL / -errno
 * with o->error naming the bad option and value. */
int slirp_options_parse(struct slirp_options *o, int argc, char **argv);

/* Applies one option word ("--name=value", "name value", ...); origin names where it came
 * from in error messages ("argument", "FILE:LINE"). Returns 0, 1 (exit successfully), -EINVAL. */
int slirp_options_word(struct slirp_options *o, const char *word, const char *origin);

/* Reads a config file, one option per line. Returns 0, or -errno / -EINVAL with o->error set. */
int slirp_options_file(struct slirp_options *o, const char *path);

/* What no single option shows: a loopback --dns without --host-loopback (libslirp would drop
 * every query). Returns 0 or -EINVAL with o->error set. */
int slirp_options_check(struct slirp_options *o);

/* Writes the settings as config-file lines (the golden tests compare this). */
void slirp_options_print(const struct slirp_options *o, FILE *f);

void slirp_usage(FILE *f, const char *prog);

#endif
