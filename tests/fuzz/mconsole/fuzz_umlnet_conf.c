// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for umlnet's topology parser (umlnet/conf.c): any text either parses, and
 * then its canonical form parses again to the same canonical form, or fails with one error line
 * that names the file and line.
 */
#include "conf.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *canonical(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert(f);
	conf_print(c, f);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf c1, c2;
	char err[600], *text = malloc(size + 1), *out1, *out2;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&c1, 0, sizeof(c1));
	if (conf_parse(&c1, text, "f", err, sizeof(err)) != 0) {
		assert(!strncmp(err, "f:", 2) && !strchr(err, '\n'));
		free(text);
		return 0;
	}
	out1 = canonical(&c1);
	memset(&c2, 0, sizeof(c2));
	assert(conf_parse(&c2, out1, "canonical", err, sizeof(err)) == 0);
	out2 = canonical(&c2);
	assert(!strcmp(out1, out2));
	free(out1);
	free(out2);
	free(text);
	return 0;
}
