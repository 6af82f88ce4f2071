// SPDX-License-Identifier: GPL-2.0-or-later
#include "json.h"

static void json_escaped(FILE *f, const char *s, unsigned int high)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= high)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void json_str(FILE *f, const char *s)
{
	json_escaped(f, s, 0x7f); /* bytes past ASCII too: output stays valid UTF-8 */
}

void json_str_bytes(FILE *f, const char *s)
{
	json_escaped(f, s, 0x100);
}

void json_key(FILE *f, const char *key, int first)
{
	if (!first)
		fputc(',', f);
	json_str(f, key);
	fputc(':', f);
}
