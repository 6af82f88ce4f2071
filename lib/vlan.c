// SPDX-License-Identifier: GPL-2.0-or-later
#include "vlan.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vlan_port_access(struct vlan_port *p, uint16_t vid)
{
	memset(p, 0, sizeof(*p));
	p->mode = VLAN_ACCESS;
	p->pvid = vid;
	vlan_set(p->member, vid);
}

void vlan_port_default(struct vlan_port *p)
{
	vlan_port_access(p, VLAN_DEFAULT);
}

/* The outer tag of a frame, as the ingress table's columns. */
enum vlan_class { VLAN_UNTAGGED, VLAN_CTAG, VLAN_STAG, VLAN_CLASSES };

/* What each mode does with each class (the table in vlan.h). */
enum vlan_action { VLAN_USE_PVID, VLAN_USE_TAG, VLAN_USE_STAG, VLAN_REFUSE_TAG };

static const uint8_t vlan_rule[2][VLAN_CLASSES] = {
	[VLAN_ACCESS] = { VLAN_USE_PVID, VLAN_REFUSE_TAG, VLAN_REFUSE_TAG },
	[VLAN_TRUNK] = { VLAN_USE_PVID, VLAN_USE_TAG, VLAN_USE_STAG },
};

static uint16_t vlan_be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static enum vlan_class vlan_classify(const uint8_t *frame)
{
	uint16_t type = vlan_be16(frame + 2 * ETHER_ADDR_LEN);

	if (type == VLAN_TPID_8021Q)
		return VLAN_CTAG;
	return type == VLAN_TPID_8021AD ? VLAN_STAG : VLAN_UNTAGGED;
}

enum vlan_verdict vlan_ingress(const struct vlan_port *p, const uint8_t *frame, uint32_t len,
			       struct vlan_rx *rx)
{
	enum vlan_class c = vlan_classify(frame);
	uint16_t vid;

	rx->tagged = c != VLAN_UNTAGGED;
	if (rx->tagged && len < ETHER_HDR_LEN + VLAN_TAG_LEN)
		return VLAN_DROP_RUNT;
	if (len > (rx->tagged ? VLAN_FRAME_MAX : ETHER_FRAME_MAX))
		return VLAN_DROP_OVERSIZE;
	vid = rx->tagged ? vlan_be16(frame + ETHER_HDR_LEN) & 0xfff : 0;
	switch ((enum vlan_action)vlan_rule[p->mode][c]) {
	case VLAN_USE_PVID:
		rx->key = p->pvid;
		return p->pvid ? VLAN_ADMIT : VLAN_DROP_UNTAGGED_NO_NATIVE;
	case VLAN_USE_TAG:
		rx->key = vid;
		return vlan_member(p, vid) ? VLAN_ADMIT : VLAN_DROP_NOT_ALLOWED;
	case VLAN_USE_STAG:
		rx->key = VLAN_KEY_STAG | vid;
		return VLAN_ADMIT;
	case VLAN_REFUSE_TAG:
		break;
	}
	return VLAN_DROP_TAGGED_ON_ACCESS;
}

/* The 4-byte 802.1Q tag of VID vid, priority 0, at tag. */
static void vlan_tag_write(uint8_t *tag, uint16_t vid)
{
	tag[0] = VLAN_TPID_8021Q >> 8;
	tag[1] = VLAN_TPID_8021Q & 0xff;
	tag[2] = (uint8_t)(vid >> 8 & 0x0f);
	tag[3] = (uint8_t)vid;
}

uint32_t vlan_push(uint8_t *out, const uint8_t *frame, uint32_t len, uint16_t vid)
{
	memcpy(out, frame, 2 * ETHER_ADDR_LEN);
	vlan_tag_write(out + 2 * ETHER_ADDR_LEN, vid);
	memcpy(out + ETHER_HDR_LEN + 2, frame + 2 * ETHER_ADDR_LEN, len - 2 * ETHER_ADDR_LEN);
	return len + VLAN_TAG_LEN;
}

uint32_t vlan_push_in_place(uint8_t *frame, uint32_t len, uint16_t vid)
{
	memmove(frame + ETHER_HDR_LEN + 2, frame + 2 * ETHER_ADDR_LEN, len - 2 * ETHER_ADDR_LEN);
	vlan_tag_write(frame + 2 * ETHER_ADDR_LEN, vid);
	return len + VLAN_TAG_LEN;
}

uint32_t vlan_pop(uint8_t *out, const uint8_t *frame, uint32_t len)
{
	memcpy(out, frame, 2 * ETHER_ADDR_LEN);
	memcpy(out + 2 * ETHER_ADDR_LEN, frame + ETHER_HDR_LEN + 2, len - ETHER_HDR_LEN - 2);
	return len - VLAN_TAG_LEN;
}

static bool vlan_parse_num(const char *s, size_t n, uint16_t *vid)
{
	unsigned long v = 0;

	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < VLAN_VID_MIN || v > VLAN_VID_MAX)
		return false;
	*vid = (uint16_t)v;
	return true;
}

int vlan_parse_vid(const char *text, uint16_t *vid)
{
	return vlan_parse_num(text, strlen(text), vid) ? 0 : -EINVAL;
}

/* One item of a list, "A" or "A-B", n bytes at s. */
static int vlan_parse_item(const char *s, size_t n, uint64_t *bits, char *err, size_t errlen)
{
	const char *dash = memchr(s, '-', n);
	uint16_t lo, hi;
	bool ok;

	if (dash)
		ok = vlan_parse_num(s, (size_t)(dash - s), &lo) &&
		     vlan_parse_num(dash + 1, n - (size_t)(dash - s) - 1, &hi) && lo <= hi;
	else
		ok = vlan_parse_num(s, n, &lo) && (hi = lo, true);
	if (!ok) {
		char shown[LOG_ESCAPED_LEN(64)];

		snprintf(err, errlen, "'%s' is not a VLAN id (1-4094) or a range A-B of them",
			 log_escape(s, n > 64 ? 64 : n, shown, sizeof(shown)));
		return -EINVAL;
	}
	for (uint32_t v = lo; v <= hi; v++)
		vlan_set(bits, (uint16_t)v);
	return 0;
}

int vlan_parse_list(const char *text, uint64_t *bits, char *err, size_t errlen)
{
	const char *s = text;

	for (;;) {
		size_t n = strcspn(s, ",");
		int r = vlan_parse_item(s, n, bits, err, errlen);

		if (r)
			return r;
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

int vlan_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int vlan_bad_vid(char *err, size_t errlen, const char *field, const char *val)
{
	char shown[LOG_ESCAPED_LEN(64)];

	return vlan_fail(err, errlen, "%s: '%s' is not a VLAN id (1-4094)", field,
			 log_escape(val, 64, shown, sizeof(shown)));
}

static int vlan_parse_trunk(const char *text, struct vlan_port *p, char *err, size_t errlen)
{
	const char *native = strstr(text, ",native=");
	size_t n = native ? (size_t)(native - text) : strlen(text);
	char list[VLAN_TEXT_MAX], why[160];

	memset(p, 0, sizeof(*p));
	p->mode = VLAN_TRUNK;
	if (n >= sizeof(list))
		return vlan_fail(err, errlen, "trunk: list longer than %zu characters",
				 sizeof(list) - 1);
	memcpy(list, text, n);
	list[n] = 0;
	if (vlan_parse_list(list, p->member, why, sizeof(why)))
		return vlan_fail(err, errlen, "trunk: %s", why);
	if (!native)
		return 0;
	native += strlen(",native=");
	if (vlan_parse_vid(native, &p->pvid))
		return vlan_bad_vid(err, errlen, "native", native);
	vlan_set(p->member, p->pvid);
	return 0;
}

int vlan_port_parse(const char *text, struct vlan_port *p, char *err, size_t errlen)
{
	char shown[LOG_ESCAPED_LEN(64)];
	uint16_t vid;

	if (!strncmp(text, "vlan=", 5)) {
		if (vlan_parse_vid(text + 5, &vid))
			return vlan_bad_vid(err, errlen, "vlan", text + 5);
		vlan_port_access(p, vid);
		return 0;
	}
	if (!strncmp(text, "trunk=", 6))
		return vlan_parse_trunk(text + 6, p, err, errlen);
	return vlan_fail(err, errlen, "'%s': expected vlan=N or trunk=LIST[,native=N]",
			 log_escape(text, 64, shown, sizeof(shown)));
}

void vlan_list_format(const struct vlan_port *p, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (uint32_t v = VLAN_VID_MIN; v <= VLAN_VID_MAX && off < len; v++) {
		uint32_t end = v;
		int w;

		if (!vlan_member(p, (uint16_t)v))
			continue;
		while (end < VLAN_VID_MAX && vlan_member(p, (uint16_t)(end + 1)))
			end++;
		if (end > v)
			w = snprintf(buf + off, len - off, "%s%u-%u", off ? "," : "", v, end);
		else
			w = snprintf(buf + off, len - off, "%s%u", off ? "," : "", v);
		off += (size_t)w;
		v = end;
	}
}

void vlan_port_format(const struct vlan_port *p, char *buf, size_t len)
{
	char list[VLAN_TEXT_MAX];

	if (p->mode == VLAN_ACCESS) {
		snprintf(buf, len, "vlan=%u", p->pvid);
		return;
	}
	vlan_list_format(p, list, sizeof(list));
	if (p->pvid)
		snprintf(buf, len, "trunk=%s,native=%u", list, p->pvid);
	else
		snprintf(buf, len, "trunk=%s", list);
}

/* Where the VLAN setting starts in a -port text: its first ",vlan=" or ",trunk=". */
static const char *vlan_spec_find(const char *spec)
{
	const char *a = strstr(spec, ",vlan="), *t = strstr(spec, ",trunk=");

	if (!a || (t && t < a))
		return t;
	return a;
}

int vlan_spec_split(const char *spec, char *base, size_t baselen, struct vlan_port *p,
		    bool *given, char *err, size_t errlen)
{
	const char *at = vlan_spec_find(spec);
	size_t n = at ? (size_t)(at - spec) : strlen(spec);

	vlan_port_default(p);
	*given = at != NULL;
	if (n >= baselen)
		return vlan_fail(err, errlen, "specification longer than %zu characters", baselen - 1);
	memcpy(base, spec, n);
	base[n] = 0;
	return at ? vlan_port_parse(at + 1, p, err, errlen) : 0;
}

const char *vlan_verdict_name(enum vlan_verdict v)
{
	static const char *const names[VLAN_VERDICTS] = {
		[VLAN_ADMIT] = "admitted",
		[VLAN_DROP_TAGGED_ON_ACCESS] = "tagged-on-access",
		[VLAN_DROP_NOT_ALLOWED] = "vlan-not-allowed",
		[VLAN_DROP_UNTAGGED_NO_NATIVE] = "untagged-no-native",
		[VLAN_DROP_OVERSIZE] = "oversize",
		[VLAN_DROP_RUNT] = "runt",
	};

	return v < VLAN_VERDICTS ? names[v] : "?";
}
