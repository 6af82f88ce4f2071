// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target of the lab parser: the input is lab.conf, then after a NUL byte lab.dep.
 * Whatever parses must become a topology that umlnet's own parser accepts (else abort): the
 * names and values the lab parser lets through are all a topology can carry.
 */
#include "conf.h"
#include "lab_conf.h"
#include "lab_topo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lab lab;
static struct conf conf;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 2), err[LAB_ERR], *topo = NULL;
	const char *dep;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = text[size + 1] = '\0';
	dep = text + strlen(text) + 1;
	if (dep > text + size)
		dep = "";
	memset(&lab, 0, sizeof(lab));
	strcpy(lab.dir, "/labs/fuzz");
	if (lab_conf_parse(&lab, text, "lab.conf", err, sizeof(err)) == 0 &&
	    lab_check(&lab, "lab.conf", err, sizeof(err)) == 0 &&
	    lab_dep_parse(&lab, dep, "lab.dep", err, sizeof(err)) == 0 && lab.nm > 0) {
		int order[LAB_MAX_MACHINES];

		lab_order(&lab, order);
		if (lab_topology(&lab, NULL, "fuzz-000000", 64, false, "/run/umlnet/fuzz-000000",
				 &topo) == 0) {
			memset(&conf, 0, sizeof(conf));
			if (conf_parse(&conf, topo, "topology", err, sizeof(err))) {
				fprintf(stderr, "a lab's topology does not parse: %s\n%s", err, topo);
				abort();
			}
		}
		free(topo);
		for (int i = 0; i < lab.nm; i++) {
			char *f = NULL;

			if (lab_machine_file(&lab, i, &f) == 0 && strchr(f, '\r'))
				abort(); /* a value with a line end would be a second line */
			free(f);
		}
	}
	free(text);
	return 0;
}
