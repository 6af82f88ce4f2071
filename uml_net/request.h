/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * request - the argv a UML kernel gives uml_net (doc/helper-protocol.md §1.1), checked
 * field by field before anything privileged happens. Only protocol version 4 (Linux 2.6 and
 * later, including 6.1) is accepted:
 *
 *   uml_net 4 tuntap up <gate>
 *   uml_net 4 ethertap <dev> <data-fd> [<gate>]
 *   uml_net 4 add|del <dev> <addr> <netmask>
 *   uml_net 4 slip up <gate>
 *   uml_net 4 slip down [<slname>]
 *
 * Interface names: 1..15 characters of [A-Za-z0-9_-]; the ethertap <dev> must be tap<N>. Addresses: strict dotted quads (four
 * decimal fields 0..255, no leading zeros, no signs, spaces or trailing text). Netmasks must be
 * contiguous. The ethertap gate is cut to 15 characters first: the 6.1 kernel copies it with
 * strncpy(15) into an uninitialised buffer, so a 15-character address arrives with garbage.
 */
#ifndef UML_NET_REQUEST_H
#define UML_NET_REQUEST_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

enum request_op { REQ_TUNTAP_UP, REQ_ETHERTAP, REQ_ADD, REQ_DEL, REQ_SLIP_UP, REQ_SLIP_DOWN };

struct request {
	enum request_op op;
	char dev[IFNAMSIZ];
	struct in_addr addr;
	struct in_addr mask;
	unsigned int prefix;
	struct in_addr gate;
	bool has_gate;
	int data_fd;
};

/* Parses argv[1..argc-1] (argv[0] is the program). Returns 0 or -EINVAL with a one-line
 * reason naming the field and value in err. */
int request_parse(int argc, char *const argv[], struct request *r, char *err, size_t errlen);

const char *request_op_name(enum request_op op);

#endif
