// SPDX-License-Identifier: GPL-2.0-or-later
#include "argv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void argvec_add(struct argvec *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (a->n == ARGVEC_MAX || vasprintf(&s, fmt, ap) < 0)
		a->oom = true;
	else
		a->v[a->n++] = s;
	va_end(ap);
}

void argvec_free(struct argvec *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}
