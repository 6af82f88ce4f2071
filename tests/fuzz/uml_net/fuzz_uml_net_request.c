/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: uml_net's argv parser. The input is split at NUL bytes into argv[1..]. */
#include "request.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[4096];
	char *argv[16] = { (char *)"uml_net" };
	int argc = 1;
	struct request r;
	char err[160];

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; argc < 16;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
		if (i > size)
			break;
	}
	if (request_parse(argc, argv, &r, err, sizeof(err)) == 0) {
		/* Whatever passes must be safe to hand to the kernel and to sysfs paths. */
		if (r.dev[0] && strpbrk(r.dev, "/. ;$`|&\n"))
			__builtin_trap();
	}
	return 0;
}
