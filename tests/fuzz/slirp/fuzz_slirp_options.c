// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: umlnet-slirp's option words (argv from the UML kernel, config-file lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	struct slirp_options o;
	char word[600];

	if (!quiet) {
		/* --help and --version print to stdout; errors stay in o.error */
		if (!freopen("/dev/null", "w", stdout))
			abort();
		quiet = 1;
	}
	if (size >= sizeof(word))
		return 0;
	memcpy(word, data, size);
	word[size] = '\0';
	/* config files are read from disk: only "config" words would touch it */
	if (strstr(word, "config"))
		return 0;
	slirp_options_init(&o);
	slirp_options_word(&o, word, "fuzz");
	slirp_options_free(&o);
	return 0;
}
