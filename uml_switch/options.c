// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.h"
#include "evwait.h"
#include "transport_spec.h"
#include "version.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void switch_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [-unix control-socket] [-hub] [-tap tap-device] [-daemon]\n"
		"       %s -compat-v0 [-unix control-socket data-socket] [-hub] [-tap tap-device]\n"
		"Options the classic uml_switch lacks:\n"
		"  -port SPEC[,vlan=N | ,trunk=LIST[,native=N]]\n"
		"                   also attach an endpoint given in UML's syntax, e.g. tuntap,tap1;\n"
		"                   an access port of VLAN N or a trunk of the VLANs in LIST\n"
		"  -bess PATH       also accept UML vector interfaces (transport=bess,dst=PATH)\n"
		"  -mode OCTAL      permissions of the control, management and bess sockets (e.g. 0660)\n"
		"  -group GROUP     group of the control, management and bess sockets (name or number)\n"
		"  -mgmt PATH       management socket (default: <control-socket>.mgmt; 'none': off)\n"
		"  -pcap FILE       capture every switched frame to FILE (pcap, for tcpdump)\n"
		"  -ports N         most ports at once (default 1024)\n"
		"  -macs N          size of the MAC address table (default 4096)\n"
		"  -age SECONDS     forget an address after this long without traffic (default 300)\n"
		"  -spin US         poll up to US microseconds for the next frame after a lone one\n"
		"                   before sleeping (default %d, 0: never; see uml_switch(1))\n"
		"  -limit NAME=N[,NAME=N...]  resource limits (see LIMITS in uml_switch(1)):\n",
		prog, prog, EVWAIT_DEFAULT_US);
	switch_limits_usage(f);
	fprintf(f,
		"  -v, -q           log more (every learned address) / only errors\n"
		"  -h, --help       this text;  --version  the version\n"
		"Read the status with: uml_switchctl -s <control-socket> show\n");
}

static int bad_value(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "uml_switch: error: %s '%s': %s\n", opt, val, why);
	return -1;
}

static int parse_u32(const char *opt, const char *val, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(val, &end, 10);
	if (errno || end == val || *end || v < min || v > max) {
		char why[64];

		snprintf(why, sizeof(why), "expected a number from %u to %u", min, max);
		return bad_value(opt, val, why);
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_mode(const char *val, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 8);
	if (errno || end == val || *end || v < 0 || v > 07777)
		return bad_value("-mode", val, "expected an octal mode such as 0660");
	*out = (int)v;
	return 0;
}

static int parse_group(const char *val, gid_t *out)
{
	struct group *g = getgrnam(val);
	char *end;
	unsigned long v;

	if (g) {
		*out = g->gr_gid;
		return 0;
	}
	errno = 0;
	v = strtoul(val, &end, 10);
	if (errno || end == val || *end || v >= UINT_MAX)
		return bad_value("-group", val, "no such group");
	*out = (gid_t)v;
	return 0;
}

static void switch_options_defaults(struct switch_options *o)
{
	memset(o, 0, sizeof(*o));
	o->ctl_path = SWITCH_DEFAULT_CTL;
	o->data_path = SWITCH_DEFAULT_V0_DATA;
	o->mode = -1;
	o->gid = (gid_t)-1;
	o->max_ports = 1024;
	o->max_macs = 4096;
	o->age = 300;
	o->spin_us = EVWAIT_DEFAULT_US;
	switch_limits_defaults(&o->limits);
	o->verbosity = 1;
}

static int show_help(struct switch_options *o, const char *v)
{
	(void)o, (void)v;
	switch_usage(stdout, "uml_switch");
	return 1;
}

static int show_version(struct switch_options *o, const char *v)
{
	(void)o, (void)v;
	version_print("uml_switch");
	return 1;
}

static int set_mode(struct switch_options *o, const char *v)
{
	return parse_mode(v, &o->mode);
}

static int set_group(struct switch_options *o, const char *v)
{
	return parse_group(v, &o->gid);
}

static int set_ports(struct switch_options *o, const char *v)
{
	return parse_u32("-ports", v, 1, 65536, &o->max_ports);
}

static int set_macs(struct switch_options *o, const char *v)
{
	return parse_u32("-macs", v, 16, 1u << 24, &o->max_macs);
}

static int set_age(struct switch_options *o, const char *v)
{
	return parse_u32("-age", v, 1, 1u << 30, &o->age);
}

static int set_spin(struct switch_options *o, const char *v)
{
	return parse_u32("-spin", v, 0, EVWAIT_MAX_US, &o->spin_us);
}

/* A spec that does not parse stops the switch before anything starts: a typo must not bring up
 * half a network. (Opening what parsed can still fail later; that is not fatal.) */
/* Parses spec; vlan_given: the -port text also has a VLAN setting, which a spec that sets its
 * own VLANs (a VXLAN VNI map) cannot take. */
static int check_spec(const char *opt, const char *value, const char *spec, bool vlan_given)
{
	struct transport_spec *t = malloc(sizeof(*t)); /* a few KiB */
	char err[256];
	bool own;
	int r;

	if (!t)
		return bad_value(opt, value, "out of memory");
	r = transport_parse(spec, t, err, sizeof(err));
	own = !r && t->kind == TRANSPORT_VXLAN && t->vec.vnimap.n;
	free(t);
	if (r)
		return bad_value(opt, value, err);
	if (own && vlan_given)
		return bad_value(opt, value, "a VXLAN trunk with a VNI map is a trunk of the mapped "
				 "VLANs: give no vlan= or trunk=");
	return 0;
}

static int set_tap(struct switch_options *o, const char *v)
{
	char spec[TRANSPORT_IFNAMSIZ + 16];

	if (snprintf(spec, sizeof(spec), "tuntap,%s", v) >= (int)sizeof(spec))
		return bad_value("-tap", v, "longer than a network device name");
	o->tap = v;
	return check_spec("-tap", v, spec, false);
}

static int set_limit(struct switch_options *o, const char *v)
{
	return switch_limits_parse(&o->limits, v);
}

static int add_port(struct switch_options *o, const char *v)
{
	struct switch_port_spec *p = &o->port_specs[o->nport_specs];
	char err[256];

	if (o->nport_specs == SWITCH_MAX_SPEC_PORTS) {
		fprintf(stderr, "uml_switch: error: -port '%s': at most %d -port options\n", v,
			SWITCH_MAX_SPEC_PORTS);
		return -1;
	}
	p->text = v;
	if (vlan_spec_split(v, p->spec, sizeof(p->spec), &p->vlan, &p->vlan_given, err, sizeof(err)))
		return bad_value("-port", v, err);
	o->nport_specs++;
	return check_spec("-port", v, p->spec, p->vlan_given);
}

/*
 * The options. Each is one of: a flag (sets the bool at `field`), a path or name (stores the
 * value's pointer at `field`), a level (sets verbosity to `level`), or a handler that parses.
 */
enum opt_kind { OPT_FLAG, OPT_TEXT, OPT_LEVEL, OPT_PARSE, OPT_ACTION };

static const struct switch_option {
	const char *name;
	enum opt_kind kind;
	size_t field;
	int level;
	int (*parse)(struct switch_options *o, const char *value);
} switch_option_table[] = {
	{ "-unix", OPT_TEXT, offsetof(struct switch_options, ctl_path), 0, NULL },
	{ "-hub", OPT_FLAG, offsetof(struct switch_options, hub), 0, NULL },
	{ "-tap", OPT_PARSE, 0, 0, set_tap },
	{ "-compat-v0", OPT_FLAG, offsetof(struct switch_options, compat_v0), 0, NULL },
	{ "-daemon", OPT_FLAG, offsetof(struct switch_options, daemonize), 0, NULL },
	{ "-bess", OPT_TEXT, offsetof(struct switch_options, bess_path), 0, NULL },
	{ "-mgmt", OPT_TEXT, offsetof(struct switch_options, mgmt_path), 0, NULL },
	{ "-pcap", OPT_TEXT, offsetof(struct switch_options, pcap_path), 0, NULL },
	{ "-mode", OPT_PARSE, 0, 0, set_mode },
	{ "-group", OPT_PARSE, 0, 0, set_group },
	{ "-ports", OPT_PARSE, 0, 0, set_ports },
	{ "-macs", OPT_PARSE, 0, 0, set_macs },
	{ "-age", OPT_PARSE, 0, 0, set_age },
	{ "-spin", OPT_PARSE, 0, 0, set_spin },
	{ "-port", OPT_PARSE, 0, 0, add_port },
	{ "-limit", OPT_PARSE, 0, 0, set_limit },
	{ "-v", OPT_LEVEL, 0, 2, NULL },
	{ "-q", OPT_LEVEL, 0, 0, NULL },
	{ "-h", OPT_ACTION, 0, 0, show_help },
	{ "-help", OPT_ACTION, 0, 0, show_help },
	{ "-version", OPT_ACTION, 0, 0, show_version },
};

/* Applies one option; value is its argument for OPT_TEXT and OPT_PARSE. */
static int apply_option(struct switch_options *o, const struct switch_option *opt, const char *value)
{
	char *base = (char *)o;

	switch (opt->kind) {
	case OPT_FLAG:
		*(bool *)(base + opt->field) = true;
		return 0;
	case OPT_TEXT:
		*(const char **)(base + opt->field) = value;
		return 0;
	case OPT_LEVEL:
		o->verbosity = opt->level;
		return 0;
	default:
		return opt->parse(o, value);
	}
}

static const struct switch_option *find_option(const char *arg)
{
	/* --name is accepted as -name. */
	const char *name = arg[0] == '-' && arg[1] == '-' ? arg + 1 : arg;

	for (size_t i = 0; i < sizeof(switch_option_table) / sizeof(switch_option_table[0]); i++)
		if (!strcmp(name, switch_option_table[i].name))
			return &switch_option_table[i];
	return NULL;
}

int switch_options_parse(struct switch_options *o, int argc, char **argv)
{
	switch_options_defaults(o);
	for (int i = 1; i < argc; i++) {
		const struct switch_option *opt = find_option(argv[i]);
		const char *value = NULL;
		int r;

		if (!opt) {
			fprintf(stderr, "uml_switch: error: unknown option '%s' (try -help)\n", argv[i]);
			return -1;
		}
		if (opt->kind == OPT_TEXT || opt->kind == OPT_PARSE) {
			if (i + 1 >= argc) {
				fprintf(stderr, "uml_switch: error: %s needs a value (try -help)\n", argv[i]);
				return -1;
			}
			value = argv[++i];
		}
		r = apply_option(o, opt, value);
		if (r)
			return r;
		/* As in the classic: -unix takes a data socket too when -compat-v0 came first. */
		if (!strcmp(opt->name, "-unix") && o->compat_v0 && i + 1 < argc && argv[i + 1][0] != '-')
			o->data_path = argv[++i];
	}
	return 0;
}
