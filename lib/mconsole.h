/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mconsole - the client side of UML's management console (doc/mac-and-misc.md §2).
 *
 * Theory of operation: the guest kernel serves a unix datagram socket (<uml_dir><umid>/mconsole).
 * A request is one datagram: magic 0xcafebabe, version 2, len, then len (< 512) bytes of command
 * text, all little-endian 32-bit fields on x86 (host order). The kernel answers to the sender's
 * address, so the client first binds a socket of its own (we use an autobound abstract name,
 * unique per socket). A reply is one or more datagrams {err, more, len, text + NUL}; the text of
 * a request is the concatenation of every chunk up to the one with more == 0, and err is only
 * set in the first chunk. Some commands run later from a work queue, so a client sends one
 * request and reads its whole reply before the next.
 *
 * The notify socket (mconsole=notify:<path>) is the other direction: the kernel sends
 * {magic, version, type, len, data} datagrams to a socket the controller bound.
 */
#ifndef UMLNET_MCONSOLE_H
#define UMLNET_MCONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define MCONSOLE_MAGIC 0xcafebabeU
#define MCONSOLE_VERSION 2U
#define MCONSOLE_MAX_DATA 512 /* a request's text is at most 511 bytes */

/* Request as the kernel reads it: 12-byte header + up to 512 data bytes (524 in all). */
struct mconsole_request {
	uint32_t magic;
	uint32_t version;
	uint32_t len;
	char data[MCONSOLE_MAX_DATA];
};
_Static_assert(sizeof(struct mconsole_request) == 524, "mconsole request is 524 bytes");

/* One reply chunk: err, more, len (text bytes including the NUL), text. */
struct mconsole_reply {
	uint32_t err;
	uint32_t more;
	uint32_t len;
	char data[MCONSOLE_MAX_DATA];
};
_Static_assert(sizeof(struct mconsole_reply) == 524, "mconsole reply is 524 bytes");

/* Notification datagram of mconsole=notify:<path>. */
struct mconsole_notify {
	uint32_t magic;
	uint32_t version;
	uint32_t type;
	uint32_t len;
	char data[MCONSOLE_MAX_DATA];
};
_Static_assert(sizeof(struct mconsole_notify) == 528, "mconsole notify is 528 bytes");

enum mconsole_notify_type {
	MCONSOLE_NOTIFY_SOCKET = 0, /* mconsole is ready; data = its socket path */
	MCONSOLE_NOTIFY_PANIC = 1,
	MCONSOLE_NOTIFY_HANG = 2,
	MCONSOLE_NOTIFY_USER = 3, /* a guest process wrote data to /proc/mconsole */
};

/* A connection to one guest's mconsole. */
struct mconsole {
	int fd;
	struct sockaddr_un peer;
	int timeout_ms; /* for each reply datagram */
};

/* The whole answer to one request. */
struct mconsole_result {
	int32_t err;      /* err of the first chunk: 0 ok, 1 error, or a negative errno */
	int32_t last_err; /* err of the last chunk (the classic client's exit status) */
	bool failed;      /* any chunk had err != 0 */
	char *text;       /* all chunks concatenated, NUL-terminated, malloc'd */
	size_t len;
};

/* Fills req with cmd; returns the number of bytes to send (12 + len) or -EMSGSIZE. */
int mconsole_encode(const char *cmd, struct mconsole_request *req);

/* Checks one received reply datagram of n bytes; 0, or -EBADMSG when its len field does not fit
 * the datagram (the text is then not trusted). On success r->data is NUL-terminated. */
int mconsole_decode_reply(const void *buf, size_t n, struct mconsole_reply *r);

/* Checks one notify datagram; 0 or -EBADMSG (wrong magic, version, or len). Data is
 * NUL-terminated in n->data (a copy, truncated to 511 bytes). */
int mconsole_decode_notify(const void *buf, size_t len, struct mconsole_notify *n);

/* Opens a client socket (autobound abstract name) for the guest socket at path. */
int mconsole_open(struct mconsole *mc, const char *path, int timeout_ms);
void mconsole_close(struct mconsole *mc);

/* Sends cmd and reads the whole reply into res (free with mconsole_result_free). Returns 0 (look
 * at res->failed), -ETIMEDOUT when the guest did not answer in time, -ECONNREFUSED when no
 * guest serves the socket, or another -errno. */
int mconsole_command(struct mconsole *mc, const char *cmd, struct mconsole_result *res);
void mconsole_result_free(struct mconsole_result *res);

/* One-shot: open, command, close. */
int mconsole_run(const char *path, const char *cmd, int timeout_ms, struct mconsole_result *res);

/*
 * Whether the guest has network device dev: 1 yes, 0 no, -errno when it cannot be asked.
 * `config ethN=...` answers OK even when no device was made (doc/mac-and-misc.md §2.5), so this is
 * how a controller checks. The 6.1 kernel cannot read /proc/net/dev through the mconsole
 * ("Read of file failed"), so this asks for the device's sysctl directory instead.
 */
int mconsole_netdev_exists(const char *path, const char *dev, int timeout_ms);

/*
 * The classic client's resolution of a umid or path to a socket: $HOME/.uml/<arg>/mconsole (not if
 * arg starts with $HOME/.uml), /tmp/uml/<arg>/mconsole (not if it starts with /tmp/uml/), then
 * arg itself. warn (may be NULL) is called with each path that is not there. Returns 0 and the
 * path in out, or -ENOENT (out then holds arg).
 */
int mconsole_resolve(const char *arg, char *out, size_t outlen,
		     void (*warn)(void *opaque, const char *path), void *opaque);

/* Binds a notify receiver at path (removing a stale socket); returns the fd or -errno. */
int mconsole_notify_listen(const char *path);

#endif
