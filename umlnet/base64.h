/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * base64 - commands travel to guests base64-encoded, so that any script is one line of a
 * command channel (guest.h, qemu_tty.h).
 */
#ifndef UMLNET_BASE64_H
#define UMLNET_BASE64_H

#include <stddef.h>

/* Writes the base64 of in[0..n) and a NUL to out ((n + 2) / 3 * 4 + 1 bytes). */
void base64_encode(const unsigned char *in, size_t n, char *out);

#endif
