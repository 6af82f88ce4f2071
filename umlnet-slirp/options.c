// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.h"
#include "version.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SLIRP_WORD_MAX 512

void slirp_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [OPTION]...   (run by UML: eth0=slirp,,%s[,OPTION]...)\n"
		"A slirp for UML guests on libslirp: SLIP on stdin/stdout (the slirp transport), or a\n"
		"port of a uml_switch with --switch. Guest 10.0.2.15, host 10.0.2.2, DNS 10.0.2.3.\n"
		"Each option is one word; under UML write '_' for a space (--mtu_1500).\n"
		"  --hostfwd=tcp|udp:HPORT:GPORT   forward a host port to the guest (repeatable); also\n"
		"            tcp|udp:[HADDR]:HPORT-[GADDR]:GPORT (host 127.0.0.1, guest 10.0.2.15)\n"
		"  --host-loopback      10.0.2.2 reaches the host's 127.0.0.1 (default: it does not)\n"
		"  --restrict           no connections out of the guest network (forwards still work)\n"
		"  --dns=ADDR[:PORT]    send DNS for 10.0.2.3 there instead of resolv.conf's server\n"
		"  --ipv6 | --no-ipv6   libslirp's IPv6 fec0::/64 (default on; SLIP carries IPv4 only)\n"
		"  --mtu=N              link MTU, %d..%d (default %d)\n"
		"  --switch=CTL         attach to the uml_switch at control socket CTL (Ethernet, DHCP)\n"
		"  --switch-window=N    with --switch: cap the TCP windows between libslirp and the\n"
		"            guests to N bytes (default %d, 0 = none) so bursts fit socket queues\n"
		"  --user=NAME          started as root: become NAME after set-up (default %s)\n"
		"  --config=FILE        read options from FILE, one per line ('#' comments)\n"
		"  --print-config       print the resulting settings and exit\n"
		"  -v, --verbose        log more (repeatable);  -q, --quiet  errors only\n"
		"  -h, --help           this text;  --version  the version\n"
		"Logs go to stderr; stdout carries nothing but SLIP.\n",
		prog, prog, SLIRP_OPT_MTU_MIN, SLIRP_OPT_MTU_MAX, SLIRP_OPT_MTU_DEFAULT,
		SLIRP_OPT_SWITCH_WINDOW_DEFAULT, SLIRP_OPT_USER_DEFAULT);
}

void slirp_options_init(struct slirp_options *o)
{
	memset(o, 0, sizeof(*o));
	strcpy(o->user, SLIRP_OPT_USER_DEFAULT);
	o->ipv6 = true;
	o->mtu = SLIRP_OPT_MTU_DEFAULT;
	o->switch_window = SLIRP_OPT_SWITCH_WINDOW_DEFAULT;
	o->verbosity = 1;
}

void slirp_options_free(struct slirp_options *o)
{
	free(o->switch_ctl);
	o->switch_ctl = NULL;
}

static int bad(struct slirp_options *o, const char *origin, const char *name, const char *val,
	       const char *why)
{
	snprintf(o->error, sizeof(o->error), "%s: --%s '%s': %s", origin, name, val, why);
	return -EINVAL;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v;
	int rc = parse_uint(s, 1, 65535, &v);

	if (rc == 0)
		*port = (uint16_t)v;
	return rc;
}

/* An empty address keeps *addr (the default); otherwise it must be dotted IPv4. */
static int parse_addr(const char *s, struct in_addr *addr)
{
	if (!*s)
		return 0;
	return inet_pton(AF_INET, s, addr) == 1 ? 0 : -EINVAL;
}

/* "ADDR:PORT" or "PORT" (ADDR may be empty) inside a writable copy. */
static int parse_addr_port(char *s, struct in_addr *addr, uint16_t *port)
{
	char *colon = strrchr(s, ':');

	if (!colon)
		return parse_port(s, port);
	*colon = '\0';
	if (parse_addr(s, addr) < 0)
		return -EINVAL;
	return parse_port(colon + 1, port);
}

static int parse_hostfwd(const char *val, struct slirp_fwd *f)
{
	char buf[SLIRP_WORD_MAX], *rest, *dash, *colon;

	if (strlen(val) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, val);
	memset(f, 0, sizeof(*f));
	f->host_addr.s_addr = htonl(INADDR_LOOPBACK);
	inet_pton(AF_INET, "10.0.2.15", &f->guest_addr);
	if (strncmp(buf, "tcp:", 4) == 0)
		f->udp = false;
	else if (strncmp(buf, "udp:", 4) == 0)
		f->udp = true;
	else
		return -EINVAL;
	rest = buf + 4;
	dash = strchr(rest, '-');
	if (dash) {
		*dash = '\0';
		if (parse_addr_port(rest, &f->host_addr, &f->host_port) < 0)
			return -EINVAL;
		return parse_addr_port(dash + 1, &f->guest_addr, &f->guest_port);
	}
	colon = strchr(rest, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (parse_port(rest, &f->host_port) < 0)
		return -EINVAL;
	return parse_port(colon + 1, &f->guest_port);
}

static int opt_hostfwd(struct slirp_options *o, const char *val, const char *origin)
{
	if (o->nfwd == SLIRP_OPT_MAX_FWD)
		return bad(o, origin, "hostfwd", val, "too many forwards (at most 32)");
	if (parse_hostfwd(val, &o->fwd[o->nfwd]) < 0)
		return bad(o, origin, "hostfwd", val,
			   "expected tcp|udp:HOSTPORT:GUESTPORT or tcp|udp:[HADDR]:HPORT-[GADDR]:GPORT");
	o->nfwd++;
	return 0;
}

static int opt_dns(struct slirp_options *o, const char *val, const char *origin)
{
	char buf[SLIRP_WORD_MAX], *colon;

	if (strlen(val) >= sizeof(buf))
		return bad(o, origin, "dns", val, "too long");
	strcpy(buf, val);
	o->dns_port = 53;
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		if (parse_port(colon + 1, &o->dns_port) < 0)
			return bad(o, origin, "dns", val, "expected ADDR[:PORT], port 1..65535");
	}
	if (!*buf || parse_addr(buf, &o->dns_addr) < 0)
		return bad(o, origin, "dns", val, "expected ADDR[:PORT] with a dotted IPv4 address");
	o->dns_set = true;
	return 0;
}

static int opt_mtu(struct slirp_options *o, const char *val, const char *origin)
{
	unsigned long v;

	if (parse_uint(val, SLIRP_OPT_MTU_MIN, SLIRP_OPT_MTU_MAX, &v) < 0)
		return bad(o, origin, "mtu", val, "expected a number from 68 to 1500");
	o->mtu = (uint32_t)v;
	return 0;
}

static int opt_switch_window(struct slirp_options *o, const char *val, const char *origin)
{
	unsigned long v;

	if (parse_uint(val, 0, 65535, &v) < 0 || (v > 0 && v < 1460))
		return bad(o, origin, "switch-window", val, "expected 0 (no cap) or 1460 to 65535 bytes");
	o->switch_window = (uint32_t)v;
	return 0;
}

static int opt_user(struct slirp_options *o, const char *val, const char *origin)
{
	if (strlen(val) >= sizeof(o->user))
		return bad(o, origin, "user", val, "too long");
	strcpy(o->user, val);
	return 0;
}

static int opt_flag(struct slirp_options *o, bool *flag, bool value, const char *name,
		    const char *val, const char *origin)
{
	if (val)
		return bad(o, origin, name, val, "takes no value");
	*flag = value;
	return 0;
}

static int opt_config(struct slirp_options *o, const char *val, const char *origin)
{
	if (strcmp(origin, "argument") != 0)
		return bad(o, origin, "config", val, "config files cannot include others");
	return slirp_options_file(o, val);
}

/* Options that take a value: name, handler. */
static const struct {
	const char *name;
	int (*fn)(struct slirp_options *o, const char *val, const char *origin);
} slirp_valued[] = {
	{ "hostfwd", opt_hostfwd },
	{ "dns", opt_dns },
	{ "mtu", opt_mtu },
	{ "switch-window", opt_switch_window },
	{ "user", opt_user },
	{ "config", opt_config },
};

static int apply_flag(struct slirp_options *o, const char *name, const char *val,
		      const char *origin)
{
	if (strcmp(name, "restrict") == 0)
		return opt_flag(o, &o->restrict_, true, name, val, origin);
	if (strcmp(name, "no-host-loopback") == 0)
		return opt_flag(o, &o->host_loopback, false, name, val, origin);
	if (strcmp(name, "host-loopback") == 0)
		return opt_flag(o, &o->host_loopback, true, name, val, origin);
	if (strcmp(name, "ipv6") == 0)
		return opt_flag(o, &o->ipv6, true, name, val, origin);
	if (strcmp(name, "no-ipv6") == 0)
		return opt_flag(o, &o->ipv6, false, name, val, origin);
	if (strcmp(name, "print-config") == 0)
		return opt_flag(o, &o->print_config, true, name, val, origin);
	if (strcmp(name, "verbose") == 0 || strcmp(name, "v") == 0) {
		o->verbosity++;
		return 0;
	}
	if (strcmp(name, "quiet") == 0 || strcmp(name, "q") == 0) {
		o->verbosity = 0;
		return 0;
	}
	return bad(o, origin, name, val ? val : "", "unknown option (try --help)");
}

static int apply(struct slirp_options *o, const char *name, const char *val, const char *origin)
{
	for (size_t i = 0; i < sizeof(slirp_valued) / sizeof(slirp_valued[0]); i++) {
		if (strcmp(name, slirp_valued[i].name) != 0)
			continue;
		if (!val || !*val)
			return bad(o, origin, name, "", "needs a value");
		return slirp_valued[i].fn(o, val, origin);
	}
	if (strcmp(name, "switch") == 0) {
		if (!val || !*val)
			return bad(o, origin, name, "", "needs a control socket path");
		free(o->switch_ctl);
		o->switch_ctl = strdup(val);
		return o->switch_ctl ? 0 : -ENOMEM;
	}
	return apply_flag(o, name, val, origin);
}

int slirp_options_word(struct slirp_options *o, const char *word, const char *origin)
{
	char buf[SLIRP_WORD_MAX], *name = buf, *sep, *val = NULL;

	if (strlen(word) >= sizeof(buf))
		return bad(o, origin, "?", "...", "option too long");
	strcpy(buf, word);
	while (*name == '-')
		name++;
	sep = strpbrk(name, "= ");
	if (sep) {
		*sep = '\0';
		val = sep + 1;
		while (*val == ' ')
			val++;
	}
	if (strcmp(name, "help") == 0 || strcmp(name, "h") == 0) {
		slirp_usage(stdout, "umlnet-slirp");
		return 1;
	}
	if (strcmp(name, "version") == 0) {
		version_print("umlnet-slirp");
		return 1;
	}
	return apply(o, name, val, origin);
}

int slirp_options_file(struct slirp_options *o, const char *path)
{
	char line[SLIRP_WORD_MAX], origin[SLIRP_WORD_MAX + 16];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f) {
		rc = -errno;
		snprintf(o->error, sizeof(o->error), "--config '%.500s': %s", path, strerror(errno));
		return rc;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		lineno++;
		end = strchr(p, '#');
		if (end)
			*end = '\0';
		end = p + strlen(p);
		while (end > p && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			continue;
		snprintf(origin, sizeof(origin), "%.*s:%u", SLIRP_WORD_MAX - 8, path, lineno);
		rc = slirp_options_word(o, p, origin);
		if (rc > 0)
			rc = 0; /* --help in a file is not a reason to exit */
	}
	fclose(f);
	return rc;
}

int slirp_options_check(struct slirp_options *o)
{
	char a[INET_ADDRSTRLEN], val[INET_ADDRSTRLEN + 8];

	if (!o->dns_set || o->host_loopback || (ntohl(o->dns_addr.s_addr) >> 24) != 127)
		return 0;
	snprintf(val, sizeof(val), "%s:%u", inet_ntop(AF_INET, &o->dns_addr, a, sizeof(a)),
		 o->dns_port);
	return bad(o, "argument", "dns", val,
		   "a resolver on the host's loopback needs --host-loopback");
}

int slirp_options_parse(struct slirp_options *o, int argc, char **argv)
{
	int rc;

	for (int i = 1; i < argc; i++) {
		rc = slirp_options_word(o, argv[i], "argument");
		if (rc != 0)
			return rc;
	}
	if ((rc = slirp_options_check(o)))
		return rc;
	return o->print_config ? 1 : 0;
}

void slirp_options_print(const struct slirp_options *o, FILE *f)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	fprintf(f, "mode %s\n", o->switch_ctl ? "switch" : "slip");
	if (o->switch_ctl)
		fprintf(f, "switch %s\nswitch-window %u\n", o->switch_ctl, o->switch_window);
	fprintf(f, "mtu %u\n", o->mtu);
	fprintf(f, "%s\n", o->host_loopback ? "host-loopback" : "no-host-loopback");
	fprintf(f, "%s\n", o->ipv6 ? "ipv6" : "no-ipv6");
	fprintf(f, "user %s\n", o->user);
	if (o->restrict_)
		fprintf(f, "restrict\n");
	if (o->dns_set)
		fprintf(f, "dns %s:%u\n", inet_ntop(AF_INET, &o->dns_addr, a, sizeof(a)), o->dns_port);
	for (unsigned int i = 0; i < o->nfwd; i++) {
		const struct slirp_fwd *w = &o->fwd[i];

		fprintf(f, "hostfwd %s:%s:%u-%s:%u\n", w->udp ? "udp" : "tcp",
			inet_ntop(AF_INET, &w->host_addr, a, sizeof(a)), w->host_port,
			inet_ntop(AF_INET, &w->guest_addr, b, sizeof(b)), w->guest_port);
	}
}
