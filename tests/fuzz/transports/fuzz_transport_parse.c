// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: transport_parse() and transport_print() on arbitrary spec text. */
#include "transport_spec.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char spec[TRANSPORT_TEXT_MAX + 64], err[256], out[16384];
	static struct transport_spec t;
	const char *argv[TRANSPORT_SLIRP_ARGS + 1];

	if (size >= sizeof(spec))
		size = sizeof(spec) - 1;
	memcpy(spec, data, size);
	spec[size] = 0;
	if (transport_parse(spec, &t, err, sizeof(err)) == 0) {
		transport_print(&t, out, sizeof(out));
		if (t.kind == TRANSPORT_SLIRP)
			transport_slirp_argv(&t, argv);
	}
	return 0;
}
