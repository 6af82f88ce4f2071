/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon_proto - the control handshake of the UML `daemon` transport (uml_switch protocol).
 *
 * Wire format (host byte order, x86-64 sizes; doc/daemon-protocol.md §3, §7):
 *
 *   v3   124 bytes: magic u32 @0 = 0xfeedface, version u32 @4 = 3, type u32 @8 = 0,
 *        sockaddr_un @12 (110 bytes), 2 bytes padding.
 *   VDE  libvdeplug: the v3 fields packed (122 bytes) followed by a description of at most
 *        128 bytes, unterminated (observed with vdeplug 4.0.1) or NUL-padded, in the same write
 *        (125..250 bytes: libvdeplug's descriptions are never that short that they would look
 *        like the 124 bytes of a v3 request).
 *   v1   124 bytes: magic @0, u32 @4 = 0 or 1, MAC[6] @8 (ignored), sockaddr_un @14.
 *   v2   magic @0, version 2: never supported by any switch; rejected.
 *   v0   120 bytes: type u32 @0 = 0, MAC[6] @4, sockaddr_un @10; no reply is sent: the client
 *        must already know the switch's data socket (-compat-v0).
 *
 * Reply (v1, v3, VDE): a bare struct sockaddr_un, exactly 110 bytes, naming the data socket
 * the client must send its frames to.
 *
 * A request is written by the client in one write() and must be decoded from what has
 * arrived so far: daemon_request_decode() says "need more" until a whole request is there.
 * The 108-byte sun_path is an opaque key (its tail is uninitialised kernel memory in UML's
 * requests): it is copied verbatim and never treated as a string.
 */
#ifndef UMLNET_DAEMON_PROTO_H
#define UMLNET_DAEMON_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define DAEMON_MAGIC 0xfeedfaceu
#define DAEMON_REQ_V3_LEN 124
#define DAEMON_REQ_V1_LEN 124
#define DAEMON_REQ_V0_LEN 120
#define DAEMON_VDE_FIXED_LEN 122 /* packed v3 fields before the description */
#define DAEMON_VDE_DESCR_MAX 128
#define DAEMON_REQ_MAX_LEN (DAEMON_VDE_FIXED_LEN + DAEMON_VDE_DESCR_MAX)
#define DAEMON_REPLY_LEN ((int)sizeof(struct sockaddr_un))

_Static_assert(sizeof(struct sockaddr_un) == 110, "wire layout assumes Linux sockaddr_un");

enum daemon_req_kind {
	DREQ_V0,
	DREQ_V1,
	DREQ_V3,
	DREQ_VDE,
};

struct daemon_request {
	enum daemon_req_kind kind;
	struct sockaddr_un addr;                   /* client's data socket, verbatim */
	char descr[DAEMON_VDE_DESCR_MAX + 1];      /* VDE only; NUL-terminated here */
};

/*
 * Decodes the len bytes received so far on a control connection.
 * Returns the request length (> 0) with *req filled; 0 if more bytes are needed; or a
 * negative errno with *why set to a one-line reason: -EPROTONOSUPPORT (version 2 or > 3),
 * -EBADMSG (bad type, bad address family, more bytes than any request, bad description).
 */
int daemon_request_decode(const uint8_t *buf, size_t len, struct daemon_request *req,
			  const char **why);

/* Encodes a v3 request (124 bytes) for addr into buf; returns the length. For clients:
 * the benchmark, the plug, tests. */
size_t daemon_request_encode_v3(uint8_t buf[DAEMON_REQ_V3_LEN], const struct sockaddr_un *addr);

const char *daemon_req_kind_name(enum daemon_req_kind kind);

#endif
