/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture - writes frames to a pcap file (libpcap's writer, link type Ethernet) that tcpdump
 * and wireshark read. Written through stdio buffering and flushed by the owner on a timer and
 * at exit, so capturing costs no syscall per frame.
 */
#ifndef UMLNET_CAPTURE_H
#define UMLNET_CAPTURE_H

#include <stdint.h>

struct capture;

/* Opens path for writing ("-" is stdout). Returns NULL with *err set to libpcap's message. */
struct capture *capture_open(const char *path, char *err, unsigned long errlen);
void capture_frame(struct capture *c, const uint8_t *data, uint32_t len);
void capture_flush(struct capture *c);
void capture_close(struct capture *c);

#endif
