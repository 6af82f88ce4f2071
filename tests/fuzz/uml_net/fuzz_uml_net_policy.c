/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: uml_net's policy file parser and decision. */
#include "policy.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int resolve(bool group, const char *name, uint32_t *id)
{
	(void)group;
	if (strcmp(name, "alice") != 0)
		return -ENOENT;
	*id = 1000;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy pol;
	struct policy_caller who = { .uid = 1000, .gid = 1000 };
	struct in_addr a = { .s_addr = 0x0100000a };
	char err[160];

	if (policy_parse(&pol, (const char *)data, size, resolve, err, sizeof(err)) == 0)
		policy_allows(&pol, &who, POLICY_OP_TUNTAP, &a, 1);
	else if (!memchr(err, '\0', sizeof(err)))
		__builtin_trap();
	return 0;
}
