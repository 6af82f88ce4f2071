// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the VLAN setting and list parsers (lib/vlan.c): any text either parses,
 * and then formats to a text that parses to the same setting, or fails with one line of error.
 * Also splits it as a -port value.
 */
#include "vlan.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(int r, const char *err)
{
	assert(r == 0 || r == -22);
	if (r)
		assert(err[0] && !strchr(err, '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[256], out[VLAN_TEXT_MAX], base[1024];
	struct vlan_port p, q;
	bool given;
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	err[0] = 0;
	r = vlan_port_parse(text, &p, err, sizeof(err));
	check_error(r, err);
	if (r == 0) {
		vlan_port_format(&p, out, sizeof(out));
		assert(vlan_port_parse(out, &q, err, sizeof(err)) == 0);
		assert(p.mode == q.mode && p.pvid == q.pvid && !memcmp(p.member, q.member,
									 sizeof(p.member)));
	}
	err[0] = 0;
	r = vlan_spec_split(text, base, sizeof(base), &p, &given, err, sizeof(err));
	check_error(r, err);
	if (r == 0)
		assert(strlen(base) <= strlen(text) && (given || !strcmp(base, text)));
	free(text);
	return 0;
}
