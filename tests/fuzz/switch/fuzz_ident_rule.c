// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the management socket's "ident" command (uml_switch/ident_rule.c): the
 * input is split into words as the management socket splits a line; it either parses, and then
 * its text form parses back to a rule of the same text form, or fails with one line naming the
 * field.
 */
#include "ident_rule.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits text at spaces and tabs into at most 5 words, as uml_switch/mgmt.c does. */
static int fuzz_words(char *text, char **words)
{
	int n = 0;

	for (char *w = strtok(text, " \t\r"); w && n < 5; w = strtok(NULL, " \t\r"))
		words[n++] = w;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[320], out[VLAN_TEXT_MAX + 192], again[sizeof(out) + 8];
	char *words[5];
	struct ident_rule r, q;
	int n, e;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (strchr(text, '\n')) { /* a line never holds one */
		free(text);
		return 0;
	}
	n = fuzz_words(text, words);
	err[0] = 0;
	e = ident_rule_parse(words, n, &r, err, sizeof(err));
	assert(e == 0 || e == -22);
	if (e) {
		assert(err[0] && !strchr(err, '\n'));
	} else {
		ident_rule_format(&r, out, sizeof(out));
		snprintf(again, sizeof(again), "ident %s", out);
		n = fuzz_words(again, words);
		assert(ident_rule_parse(words, n, &q, err, sizeof(err)) == 0);
		ident_rule_format(&q, again, sizeof(again));
		assert(!strcmp(out, again));
	}
	free(text);
	return 0;
}
