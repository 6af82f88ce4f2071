/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab_conf - a Netkit or Kathará lab directory: lab.conf, lab.dep and the machines' folders
 * (man/umlnet-lab.7).
 *
 * Theory of operation. lab.conf is read line by line (CRLF accepted, blank lines and lines
 * starting with '#' skipped). A line is one of
 *   machine[N]=CD  or  machine[N]="CD/MAC"   interface N of machine on collision domain CD
 *   machine[option]=value                    an option of the machine
 *   LAB_NAME=..., LAB_DESCRIPTION, LAB_VERSION, LAB_AUTHOR, LAB_EMAIL, LAB_WEB, LAB_MACHINES
 *   machines="a b c"                         Netkit's start order
 * A value may be quoted with " or ' and be followed by spaces and a "# comment". Anything else
 * is an error naming the file, the line and the field; so is an option value that cannot be
 * used. Options that cannot apply to a UML machine are accepted with one warning per name.
 * Every folder of the lab directory (but shared/, _test/ and hidden ones) is a machine too,
 * with or without lines in lab.conf. lab.dep ("M: D1 D2", make-style, '\' continues a line)
 * orders the start; a loop is an error naming it.
 *
 * Names are checked here once, because they become file names, switch and guest names and
 * words on a guest's command line: machines [A-Za-z0-9_-] (1 to 30, not starting with '-' or
 * "cd-", not "shared" or "_test"), collision domains [A-Za-z0-9_] (1 to 28: their switch is
 * "cd-<CD>"). Values never reach a host shell; option values are checked for what they are
 * (a size, a MAC, a sysctl key, an environment name) and carry no control character.
 *
 * The parsing functions take text (for the unit tests and the fuzz target); lab_load reads a
 * directory.
 */
#ifndef UMLNET_LAB_CONF_H
#define UMLNET_LAB_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#define LAB_NAME 31          /* machine name, 30 characters at most */
#define LAB_CD 29            /* collision domain, 28 characters at most */
#define LAB_MAX_MACHINES CONF_MAX_GUESTS
#define LAB_MAX_CDS (CONF_MAX_SWITCHES - 1) /* one switch is kept for bridged machines */
#define LAB_MAX_IFACES (CONF_MAX_ETH - 1)   /* one device is kept for bridged */
#define LAB_MAX_REPEAT 16    /* sysctl, env, exec and port options per machine, each */
#define LAB_VALUE 256        /* an option value */
#define LAB_META 256
#define LAB_MAX_WARN 16
#define LAB_ERR 600
#define LAB_MEM_DEFAULT_MB 64
#define LAB_MEM_MIN_MB 16
#define LAB_MEM_MAX_MB 4096

struct lab_iface {
	char cd[LAB_CD];  /* "" = not defined */
	char mac[18];     /* "" = deterministic (lab_iface_mac) */
	int line;
};

struct lab_list {
	char v[LAB_MAX_REPEAT][LAB_VALUE];
	int n;
};

struct lab_machine {
	char name[LAB_NAME];
	struct lab_iface eth[LAB_MAX_IFACES];
	int neth;                 /* highest interface number + 1 */
	unsigned long mem_mb;     /* 0 = the default (or -o mem=) */
	char image[LAB_VALUE];
	bool ipv6;
	bool bridged;
	struct lab_list sysctl;   /* "net.x.y=value" */
	struct lab_list env;      /* "NAME=value" */
	struct lab_list exec;     /* commands run after the startup scripts */
	struct lab_list port;     /* "[HOST:]GUEST[/tcp|udp]" */
	int num_terms;
	char shell[LAB_VALUE];
	bool folder;              /* the lab has a folder M/ */
	int line;                 /* first lab.conf line defining it, 0 = none */
	int rank;                 /* position in machines= / LAB_MACHINES= (1...), 0 = none */
	int rank_line;            /* the line of that list */
	unsigned int opts_set;    /* bit per single-valued option already given */
	int dep[LAB_MAX_MACHINES]; /* machines that must be ready first (lab.dep) */
	int ndep;
};

struct lab {
	char dir[4096];           /* the lab directory, absolute ("" from lab_conf_parse) */
	char name[LAB_META], description[LAB_META], version[LAB_META], author[LAB_META],
		email[LAB_META], web[LAB_META];
	struct lab_machine m[LAB_MAX_MACHINES];
	int nm;
	char cd[LAB_MAX_CDS][LAB_CD]; /* collision domains in order of first use */
	int ncd;
	char warn[LAB_MAX_WARN][200];
	int nwarn;
	unsigned int warned;      /* bit per inapplicable option name already warned about */
	bool has_dep;             /* lab.dep was read */
	bool netkit_order;        /* machines= or LAB_MACHINES= gave the order */
	bool ns_machines;         /* lstart --machines ns: namespace machines (lab_ns.h) */
};

/* Parses lab.conf text (file fname, used in messages) into l (which starts zeroed or holds
 * machines from folders). 0, or -EINVAL with one line in err. */
int lab_conf_parse(struct lab *l, const char *text, const char *fname, char *err, size_t errlen);

/* Parses lab.dep text into the machines' dep lists and refuses loops. 0 or -EINVAL. */
int lab_dep_parse(struct lab *l, const char *text, const char *fname, char *err, size_t errlen);

/* Checks what only the whole lab shows: interface numbers without gaps. 0 or -EINVAL. */
int lab_check(struct lab *l, const char *fname, char *err, size_t errlen);

/* Reads the lab directory dir: folders, lab.conf (optional when there are folders), lab.dep.
 * 0 or -errno with one line in err; warnings in l->warn. */
int lab_load(struct lab *l, const char *dir, char *err, size_t errlen);

/* Whether name is a valid machine name, and a valid collision domain. */
bool lab_machine_name_ok(const char *name);
bool lab_cd_name_ok(const char *name);

int lab_find_machine(const struct lab *l, const char *name);

/* The MAC of interface i of machine m: lab.conf's, else 02:xx:xx:xx:xx:xx from a hash of the
 * machine's name and i, the same on every host and run. out: 18 bytes. */
const char *lab_iface_mac(const struct lab_machine *m, int i, char *out);

/* One start order that respects lab.dep (machines= order first, then lab.conf's, then folders):
 * fills order[l->nm]. */
void lab_order(const struct lab *l, int *order);

/* Parses a memory size: a number with b, k, m or g (any case), bare = megabytes. 0 or -EINVAL;
 * *mb gets megabytes (rounded up). */
int lab_parse_mem(const char *s, unsigned long *mb);

#endif
