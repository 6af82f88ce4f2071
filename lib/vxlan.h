/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vxlan - the VXLAN header (RFC 7348; doc/vxlan.md §1.1), written and checked without
 * touching any socket.
 *
 * Wire layout, 8 bytes in network byte order, after the outer UDP header:
 *
 *   byte 0     flags: 0x08 = I ("VNI valid"); every other bit is reserved
 *   bytes 1-3  reserved, zero
 *   bytes 4-6  VNI, big-endian, 0 .. 16 777 215
 *   byte 7     reserved, zero
 *
 * followed by the inner Ethernet frame (destination MAC first, no FCS, no padding). We send
 * exactly 08 00 00 00 VNI 00. On receive the I bit is required and the VNI must be ours; set
 * reserved bits are reported, not refused: RFC 7348 asks receivers to ignore them (Linux drops
 * such packets; we count them so a peer using GBP/GPE extensions is visible).
 */
#ifndef UMLNET_VXLAN_H
#define UMLNET_VXLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VXLAN_HDR_LEN 8
#define VXLAN_FLAG_I 0x08
/* Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet header (14): an inner IP MTU of
 * 1450 on a 1500-byte IPv4 underlay (doc/vxlan.md §2). */
#define VXLAN_OVERHEAD_V4 50
/* Outer IPv6 (40) + the same: an inner IP MTU of 1430 on a 1500-byte IPv6 underlay. */
#define VXLAN_OVERHEAD_V6 70

/* What vxlan_check() found. */
enum vxlan_verdict {
	VXLAN_OK,
	VXLAN_SHORT,     /* shorter than the header plus an inner Ethernet header */
	VXLAN_NO_I_BIT,  /* flags without the I bit: not a VXLAN data packet for us */
	VXLAN_WRONG_VNI, /* another segment's packet */
};

/* Writes the header for vni (the low 24 bits are used) into hdr. */
void vxlan_hdr_write(uint8_t hdr[VXLAN_HDR_LEN], uint32_t vni);

/* The VNI of a header (no checks). */
uint32_t vxlan_hdr_vni(const uint8_t hdr[VXLAN_HDR_LEN]);

/* Whether any reserved bit (flags other than I, bytes 1-3, byte 7) is set. */
bool vxlan_hdr_reserved(const uint8_t hdr[VXLAN_HDR_LEN]);

/*
 * Checks a received UDP payload of len bytes (header + inner frame) against our vni, reading
 * only the header's 8 bytes at hdr (so a receiver may scatter the header and the frame into
 * separate buffers). *reserved tells whether reserved bits were set (false for a short packet).
 */
enum vxlan_verdict vxlan_check(const uint8_t *hdr, size_t len, uint32_t vni, bool *reserved);

/* A short name for a verdict, for counters and test output. */
const char *vxlan_verdict_name(enum vxlan_verdict v);

#endif
