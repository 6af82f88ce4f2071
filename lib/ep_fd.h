/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ep_fd - an endpoint over an fd that carries one Ethernet frame per read()/write() (a tap fd
 * received from a helper), with an optional cleanup run at destroy (e.g. waiting for a helper).
 */
#ifndef UMLNET_EP_FD_H
#define UMLNET_EP_FD_H

#include "endpoint.h"

typedef void (*ep_fd_cleanup_fn)(void *arg);

/* Takes ownership of fd (made non-blocking). kind and desc are copied. */
int ep_fd_new(int fd, const char *kind, const char *desc, ep_fd_cleanup_fn cleanup, void *arg,
	      struct endpoint **out);

#endif
