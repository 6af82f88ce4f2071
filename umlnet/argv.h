/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * argv - a program's argument vector built word by word (printf-style), for the processes
 * umlnet starts with many arguments (UML guests, QEMU). Running out of room or memory is
 * remembered and reported once, by the caller, after the last word.
 */
#ifndef UMLNET_ARGV_H
#define UMLNET_ARGV_H

#include <stdbool.h>

#define ARGVEC_MAX 128

struct argvec {
	char *v[ARGVEC_MAX + 1]; /* NULL-terminated */
	int n;
	bool oom;
};

void argvec_add(struct argvec *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argvec_free(struct argvec *a);

#endif
