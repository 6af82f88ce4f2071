// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon_proto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Copies the 110-byte sockaddr_un at off and checks its family. */
static int take_addr(const uint8_t *buf, size_t off, struct daemon_request *req, const char **why)
{
	memcpy(&req->addr, buf + off, sizeof(req->addr));
	if (req->addr.sun_family != AF_UNIX) {
		*why = "data socket address family is not AF_UNIX";
		return -EBADMSG;
	}
	return 0;
}

static int decode_v0(const uint8_t *buf, size_t len, struct daemon_request *req, const char **why)
{
	int err;

	if (len < DAEMON_REQ_V0_LEN)
		return 0;
	if (len > DAEMON_REQ_V0_LEN) {
		*why = "request longer than a version 0 request (no magic 0xfeedface)";
		return -EBADMSG;
	}
	if (get_u32(buf) != 0) {
		*why = "version 0 request type is not 0 (new control)";
		return -EBADMSG;
	}
	err = take_addr(buf, 10, req, why);
	if (err)
		return err;
	req->kind = DREQ_V0;
	return DAEMON_REQ_V0_LEN;
}

static int decode_v1(const uint8_t *buf, size_t len, struct daemon_request *req, const char **why)
{
	int err;

	if (len < DAEMON_REQ_V1_LEN)
		return 0;
	if (len > DAEMON_REQ_V1_LEN) {
		*why = "request longer than a version 1 request";
		return -EBADMSG;
	}
	/* u32 @4 is 0 or 1 here; the classic switch accepted both as a new-control request. */
	err = take_addr(buf, 14, req, why);
	if (err)
		return err;
	req->kind = DREQ_V1;
	return DAEMON_REQ_V1_LEN;
}

/* A VDE description runs from offset 122 to the end of the request; libvdeplug sends it without
 * a terminating NUL (observed: vdeplug 4.0.1), other clients may pad it with NULs. Control
 * characters are refused: the text ends up in logs and status output. */
static int decode_vde_descr(const uint8_t *buf, size_t len, struct daemon_request *req,
			    const char **why)
{
	size_t n = len - DAEMON_VDE_FIXED_LEN;
	const uint8_t *d = buf + DAEMON_VDE_FIXED_LEN;

	while (n && d[n - 1] == 0)
		n--;
	for (size_t i = 0; i < n; i++) {
		if (d[i] < 0x20 || d[i] == 0x7f) {
			*why = "VDE description contains control characters or NULs";
			return -EBADMSG;
		}
	}
	memcpy(req->descr, d, n);
	req->descr[n] = 0;
	req->kind = DREQ_VDE;
	return (int)len;
}

static int decode_v3(const uint8_t *buf, size_t len, struct daemon_request *req, const char **why)
{
	int err;

	/* Fewer than 124 bytes: a UML request still arriving. (A VDE request with an empty
	 * description would be 123 bytes; libvdeplug never sends one, and reading it as VDE would
	 * misread a UML request split at that byte.) */
	if (len < DAEMON_REQ_V3_LEN)
		return 0;
	if (len > DAEMON_REQ_MAX_LEN) {
		*why = "request longer than any version 3 or VDE request";
		return -EBADMSG;
	}
	if (get_u32(buf + 8) != 0) {
		*why = "request type is not 0 (new control)";
		return -EBADMSG;
	}
	err = take_addr(buf, 12, req, why);
	if (err)
		return err;
	req->descr[0] = 0;
	if (len == DAEMON_REQ_V3_LEN) {
		req->kind = DREQ_V3;
		return DAEMON_REQ_V3_LEN;
	}
	return decode_vde_descr(buf, len, req, why);
}

int daemon_request_decode(const uint8_t *buf, size_t len, struct daemon_request *req,
			  const char **why)
{
	uint32_t version;

	*why = NULL;
	if (len < 8)
		return 0;
	if (get_u32(buf) != DAEMON_MAGIC)
		return decode_v0(buf, len, req, why);
	version = get_u32(buf + 4);
	switch (version) {
	case 0:
	case 1:
		return decode_v1(buf, len, req, why);
	case 3:
		return decode_v3(buf, len, req, why);
	default:
		*why = version == 2 ? "protocol version 2 is not supported (no switch ever spoke it)"
				    : "protocol version newer than 3 is not supported";
		return -EPROTONOSUPPORT;
	}
}

size_t daemon_request_encode_v3(uint8_t buf[DAEMON_REQ_V3_LEN], const struct sockaddr_un *addr)
{
	uint32_t head[3] = { DAEMON_MAGIC, 3, 0 };

	memset(buf, 0, DAEMON_REQ_V3_LEN);
	memcpy(buf, head, sizeof(head));
	memcpy(buf + 12, addr, sizeof(*addr));
	return DAEMON_REQ_V3_LEN;
}

const char *daemon_req_kind_name(enum daemon_req_kind kind)
{
	static const char *const names[] = {
		[DREQ_V0] = "v0", [DREQ_V1] = "v1", [DREQ_V3] = "v3", [DREQ_VDE] = "vde",
	};

	return names[kind];
}
