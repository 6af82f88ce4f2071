// SPDX-License-Identifier: GPL-2.0-or-later
#include "ether.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>

char *mac_format(const uint8_t mac[ETHER_ADDR_LEN], char out[MAC_TEXT_LEN])
{
	snprintf(out, MAC_TEXT_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return out;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int mac_parse(const char *text, uint8_t mac[ETHER_ADDR_LEN])
{
	const char *p = text;

	for (int i = 0; i < ETHER_ADDR_LEN; i++) {
		int hi = hex_digit(p[0]), lo;

		if (hi < 0)
			return -EINVAL;
		lo = hex_digit(p[1]);
		mac[i] = (uint8_t)(lo < 0 ? hi : hi << 4 | lo);
		p += lo < 0 ? 1 : 2;
		if (i < ETHER_ADDR_LEN - 1 && *p++ != ':')
			return -EINVAL;
	}
	return *p ? -EINVAL : 0;
}
