// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lab commands, with Kathará's names (man/umlnet-lab.7):
 *   umlnet lstart [-d DIR] [-o mem=SIZE] [--machines uml|ns] [MACHINE...]
 *   umlnet lclean [-d DIR]     shutdown scripts, then nothing left
 *   umlnet lhalt [-d DIR]      stop without the shutdown scripts
 *   umlnet linfo [-d DIR] [-j] the lab's machines, interfaces and domains (and state)
 *   umlnet lcheck [-d DIR]     parse the lab and print the topology lstart would run
 * DIR defaults to the current directory. A lab that cannot be read is one error line naming
 * the file, line and field, exit status 2, and nothing starts.
 */
#include "lab.h"
#include "lab_ns.h"
#include "lab_topo.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lab_args {
	const char *dir;
	unsigned long mem_mb;
	bool json;
	bool ns;
	char **machines;
	int nmachines;
};

/* Parses the lab commands' arguments (argv[0] is the command); names lists what the command
 * takes. 0 or 2 (reported). */
static int lab_args_parse(int argc, char **argv, const char *takes, struct lab_args *a)
{
	memset(a, 0, sizeof(*a));
	a->dir = ".";
	a->machines = argv + argc;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool more = i + 1 < argc;

		if (!strcmp(arg, "-d") && more && strchr(takes, 'd')) {
			a->dir = argv[++i];
		} else if (!strcmp(arg, "-j") && strchr(takes, 'j')) {
			a->json = true;
		} else if (!strcmp(arg, "-o") && more && strchr(takes, 'o')) {
			arg = argv[++i];
			if (strncmp(arg, "mem=", 4) || lab_parse_mem(arg + 4, &a->mem_mb) ||
			    a->mem_mb < LAB_MEM_MIN_MB || a->mem_mb > LAB_MEM_MAX_MB) {
				log_err("-o '%s': expected mem=SIZE, %d MB to %d "
						"MB (such as mem=64m)", arg, LAB_MEM_MIN_MB, LAB_MEM_MAX_MB);
				return 2;
			}
		} else if (!strcmp(arg, "--machines") && more && strchr(takes, 'o')) {
			a->ns = !strcmp(argv[++i], "ns");
			if (!a->ns && strcmp(argv[i], "uml")) {
				log_err("--machines '%s': expected uml or ns",
					argv[i]);
				return 2;
			}
		} else if (arg[0] != '-' && strchr(takes, 'm')) {
			a->machines = argv + i;
			a->nmachines = argc - i;
			return 0;
		} else {
			log_err("%s: unexpected argument '%s' (try 'umlnet "
					"help')", argv[0], arg);
			return 2;
		}
	}
	return 0;
}

/* Reads the lab; prints its warnings. 0 or 2 (reported). */
static int lab_read_dir(const char *dir, struct lab **l, bool quiet)
{
	char err[LAB_ERR + 64];

	*l = calloc(1, sizeof(**l));
	if (!*l)
		return 2;
	if (lab_load(*l, dir, err, sizeof(err))) {
		log_err("%s", err);
		free(*l);
		*l = NULL;
		return 2;
	}
	for (int i = 0; !quiet && i < (*l)->nwarn; i++)
		log_warn("%s", (*l)->warn[i]);
	return 0;
}

/* The machines named on the command line, in sel. 0 or 2 (reported). */
static int lab_select(const struct lab *l, const struct lab_args *a, bool *sel)
{
	for (int i = 0; i < l->nm; i++)
		sel[i] = a->nmachines == 0;
	for (int k = 0; k < a->nmachines; k++) {
		int i = lab_find_machine(l, a->machines[k]);

		if (i < 0) {
			log_err("machine '%s': not a machine of the lab in %s",
				a->machines[k], l->dir);
			return 2;
		}
		sel[i] = true;
	}
	return 0;
}

int cmd_lstart(struct umlnet_opts *o, int argc, char **argv)
{
	struct lab_args a;
	struct lab *l = NULL;
	bool sel[LAB_MAX_MACHINES];
	int rc = lab_args_parse(argc, argv, "dom", &a);

	if (!rc)
		rc = lab_read_dir(a.dir, &l, o->quiet);
	if (!rc)
		rc = lab_select(l, &a, sel);
	if (!rc && a.ns && lab_ns_possible())
		rc = 2;
	if (!rc)
		l->ns_machines = a.ns;
	if (!rc && lab_check_images(l, sel, o->quiet))
		rc = 2;
	if (!rc)
		lab_check_ports(l, sel, o->quiet);
	if (!rc && runas_guest_user(o->guest_user, &o->as, &o->guest_user))
		rc = 2;
	if (!rc && !o->quiet) {
		lab_print(l, sel, NULL, false, stdout);
		fflush(stdout);
	}
	if (!rc)
		rc = lab_start(o, l, &(struct lab_start_opts){ .sel = sel, .mem_mb = a.mem_mb }) ? 1 : 0;
	free(l);
	return rc;
}

static int lab_end(struct umlnet_opts *o, int argc, char **argv, bool scripts)
{
	struct lab_args a;
	struct state st;
	int left;

	if (lab_args_parse(argc, argv, "d", &a))
		return 2;
	if (lab_open(o, a.dir, &st)) {
		state_close(&st);
		return 1;
	}
	left = lab_stop(&st, scripts, o->timeout_s);
	if (!left && !o->quiet)
		printf("lab %s is %s\n", st.conf->name, scripts ? "cleaned" : "halted");
	state_close(&st);
	return left ? 1 : 0;
}

int cmd_lclean(struct umlnet_opts *o, int argc, char **argv)
{
	return lab_end(o, argc, argv, true);
}

int cmd_lhalt(struct umlnet_opts *o, int argc, char **argv)
{
	return lab_end(o, argc, argv, false);
}

int cmd_linfo(struct umlnet_opts *o, int argc, char **argv)
{
	struct lab_args a;
	struct lab *l = NULL;
	struct state st;
	bool running;
	int rc = lab_args_parse(argc, argv, "dj", &a);

	if (!rc)
		rc = lab_read_dir(a.dir, &l, o->quiet);
	if (rc)
		return rc;
	running = lab_running(o, a.dir);
	if (running && lab_open(o, a.dir, &st)) {
		state_close(&st);
		free(l);
		return 1;
	}
	lab_print(l, NULL, running ? &st : NULL, a.json || o->json, stdout);
	if (running)
		state_close(&st);
	free(l);
	return 0;
}

int cmd_lcheck(struct umlnet_opts *o, int argc, char **argv)
{
	struct lab_args a;
	struct lab *l = NULL;
	char net[CONF_NAME], *text = NULL;
	int rc = lab_args_parse(argc, argv, "d", &a);

	if (!rc)
		rc = lab_read_dir(a.dir, &l, o->quiet);
	if (rc)
		return rc;
	lab_network_name(l->dir, net);
	if (lab_topology(l, NULL, net, LAB_MEM_DEFAULT_MB, false, NULL, &text))
		rc = 1;
	else
		fputs(text, stdout);
	for (int i = 0; !rc && i < l->nm; i++) {
		free(text);
		text = NULL;
		if (lab_machine_file(l, i, &text)) {
			rc = 1;
			break;
		}
		printf("# %s.lab\n%s", l->m[i].name, text);
	}
	free(text);
	free(l);
	return rc;
}
