/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vlan - IEEE 802.1Q VLANs of a switch port: the tag on the wire, a port's VLAN setting, and the
 * rules that admit a frame into a VLAN and let it leave by a port.
 *
 * Theory of operation. A port is either an access port (one VLAN: frames untagged on its wire)
 * or a trunk (a set of allowed VLANs, frames tagged on its wire, and an optional native VLAN
 * whose frames are untagged). Inside the switch every frame belongs to one class, its key:
 *
 *   1..4094           an 802.1Q VLAN: the frame's tag (trunk), or the port's VLAN (untagged)
 *   VLAN_KEY_STAG|v   an 802.1ad (QinQ) frame with outer S-VLAN v: a class of its own, never
 *                     retagged, accepted and sent on trunks only, learned and flooded per S-VLAN
 *
 * Ingress (vlan_ingress), by the port's mode and the frame's outer tag:
 *
 *                 untagged              802.1Q tag, VID v                802.1ad tag
 *   access        the access VLAN       drop tagged-on-access            drop tagged-on-access
 *   trunk         native, or drop       v if allowed, else drop          its S-VLAN class
 *                 untagged-no-native    vlan-not-allowed
 *
 * VID 0 (priority-only tags) and 4095 are never allowed, so such frames are vlan-not-allowed on a
 * trunk. Egress (vlan_egress): a frame leaves only by ports that are members of its VLAN (access:
 * its VLAN; trunk: allowed + native; S-VLAN classes: every trunk); untagged on access ports and
 * for a trunk's native VLAN, tagged (802.1Q, VID = key) otherwise, S-tagged frames as they came.
 * A tagged frame keeps its priority bits; a frame tagged by the switch gets priority 0.
 *
 * Sizes: an untagged frame is at most ETHER_FRAME_MAX (1518) bytes, a tagged one
 * ETHER_FRAME_MAX + VLAN_TAG_LEN (1522): a 1518-byte untagged frame still fits a trunk's wire.
 *
 * Text (vlan_port_parse): "vlan=N" (access), "trunk=LIST[,native=N]" with LIST a comma list of
 * VIDs and ranges "A-B"; VIDs are 1..4094. Errors are one line naming the field and the value.
 */
#ifndef UMLNET_VLAN_H
#define UMLNET_VLAN_H

#include "ether.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VLAN_TAG_LEN 4
#define VLAN_TPID_8021Q 0x8100
#define VLAN_TPID_8021AD 0x88a8
#define VLAN_VID_MIN 1
#define VLAN_VID_MAX 4094
#define VLAN_DEFAULT 1
#define VLAN_KEY_STAG 0x1000     /* key of an S-VLAN class: VLAN_KEY_STAG | S-VID */
#define VLAN_FRAME_MAX (ETHER_FRAME_MAX + VLAN_TAG_LEN)
#define VLAN_WORDS (4096 / 64)
#define VLAN_TEXT_MAX 512        /* longest setting text vlan_port_format writes */

enum vlan_mode { VLAN_ACCESS, VLAN_TRUNK };

/* What an ingress decision is; the drops are counted per port and reason. */
enum vlan_verdict {
	VLAN_ADMIT,
	VLAN_DROP_TAGGED_ON_ACCESS,
	VLAN_DROP_NOT_ALLOWED,
	VLAN_DROP_UNTAGGED_NO_NATIVE,
	VLAN_DROP_OVERSIZE,        /* longer than its tags allow */
	VLAN_DROP_RUNT,            /* a tag, but too short to hold it and a type */
	VLAN_VERDICTS
};

struct vlan_port {
	enum vlan_mode mode;
	uint16_t pvid;                   /* access VLAN, or a trunk's native VLAN (0: none) */
	uint64_t member[VLAN_WORDS];     /* VLANs it sends (access: pvid; trunk: allowed + native) */
};

/* A frame's outer tag as it came in. */
struct vlan_rx {
	uint16_t key;    /* class inside the switch (see above), valid when admitted */
	bool tagged;     /* the received bytes carry a tag (802.1Q or 802.1ad) */
};

/* Access port of VLAN_DEFAULT: the setting of a port nobody configured. */
void vlan_port_default(struct vlan_port *p);
void vlan_port_access(struct vlan_port *p, uint16_t vid);

static inline bool vlan_member(const struct vlan_port *p, uint16_t vid)
{
	return p->member[(vid >> 6) & (VLAN_WORDS - 1)] >> (vid & 63) & 1;
}

static inline void vlan_set(uint64_t *bits, uint16_t vid)
{
	bits[(vid >> 6) & (VLAN_WORDS - 1)] |= 1ULL << (vid & 63);
}

/* Whether the frame's outer type is a VLAN tag (802.1Q or 802.1ad). */
static inline bool vlan_frame_tagged(const uint8_t *frame)
{
	uint16_t type = (uint16_t)(frame[12] << 8 | frame[13]);

	return type == VLAN_TPID_8021Q || type == VLAN_TPID_8021AD;
}

/* Whether a frame of len bytes carries an outer 802.1Q tag, and then its VID in *vid. */
static inline bool vlan_frame_ctag(const uint8_t *frame, uint32_t len, uint16_t *vid)
{
	if (len < ETHER_HDR_LEN + VLAN_TAG_LEN || frame[12] != VLAN_TPID_8021Q >> 8 ||
	    frame[13] != (VLAN_TPID_8021Q & 0xff))
		return false;
	*vid = (uint16_t)((frame[14] & 0x0f) << 8 | frame[15]);
	return true;
}

/* The size rule of every relay of frames (len >= ETHER_HDR_LEN): up to ETHER_FRAME_MAX bytes,
 * one tag's worth more (VLAN_FRAME_MAX) when the frame carries a tag. */
static inline bool vlan_frame_size_ok(const uint8_t *frame, uint32_t len)
{
	return len <= ETHER_FRAME_MAX || (len <= VLAN_FRAME_MAX && vlan_frame_tagged(frame));
}

/* Classifies a frame of len >= ETHER_HDR_LEN bytes received on port p (see the table above). */
enum vlan_verdict vlan_ingress(const struct vlan_port *p, const uint8_t *frame, uint32_t len,
			       struct vlan_rx *rx);

/* Whether a frame of class key may leave by port p, and then whether it leaves tagged. */
static inline bool vlan_egress(const struct vlan_port *p, uint16_t key, bool *tagged)
{
	if (key & VLAN_KEY_STAG) {
		*tagged = true;
		return p->mode == VLAN_TRUNK;
	}
	*tagged = p->mode == VLAN_TRUNK && key != p->pvid;
	return vlan_member(p, key);
}

/* Writes frame (len bytes, untagged) into out with an 802.1Q tag of VID vid, priority 0; returns
 * the new length. out holds len + VLAN_TAG_LEN bytes and does not overlap frame. */
uint32_t vlan_push(uint8_t *out, const uint8_t *frame, uint32_t len, uint16_t vid);
/* The same in frame itself, which holds len + VLAN_TAG_LEN bytes. */
uint32_t vlan_push_in_place(uint8_t *frame, uint32_t len, uint16_t vid);
/* Writes frame (len >= ETHER_HDR_LEN + VLAN_TAG_LEN, tagged) into out without its outer tag;
 * returns the new length. */
uint32_t vlan_pop(uint8_t *out, const uint8_t *frame, uint32_t len);

/* Parses one VID (1..4094): 0 or -EINVAL. */
int vlan_parse_vid(const char *text, uint16_t *vid);
/* Adds a list "10,20,30-40" to bits. 0, or -EINVAL with err naming the bad item. */
int vlan_parse_list(const char *text, uint64_t *bits, char *err, size_t errlen);
/* Parses a port setting "vlan=N" or "trunk=LIST[,native=N]". 0, or -EINVAL with a one-line
 * err naming the field. */
int vlan_port_parse(const char *text, struct vlan_port *p, char *err, size_t errlen);
/* Writes the setting as vlan_port_parse reads it ("vlan=10", "trunk=10,20-30,native=1"). */
void vlan_port_format(const struct vlan_port *p, char *buf, size_t len);
/* Writes the VLANs a trunk allows (without native) as a list with ranges. */
void vlan_list_format(const struct vlan_port *p, char *buf, size_t len);
/* Splits "SPEC,vlan=N" / "SPEC,trunk=...": the endpoint spec into base (baselen bytes), the
 * setting into p and *given (false: no VLAN text, p is the default). 0 or -EINVAL with err. */
int vlan_spec_split(const char *spec, char *base, size_t baselen, struct vlan_port *p,
		    bool *given, char *err, size_t errlen);

/* Writes a one-line setting error into err; returns -EINVAL (for VLAN settings and the VXLAN
 * VNI map, whose fields are VLANs). */
__attribute__((format(printf, 3, 4))) int vlan_fail(char *err, size_t errlen, const char *fmt,
						     ...);

/* The counter and log name of a drop ("tagged-on-access"). */
const char *vlan_verdict_name(enum vlan_verdict v);

#endif
