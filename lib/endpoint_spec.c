// SPDX-License-Identifier: GPL-2.0-or-later
/* endpoint_spec - UML device text to an endpoint. For now: preconfigured taps ("tuntap,DEV"). */
#include "endpoint.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int endpoint_open_spec(const char *spec, struct endpoint **out, char *err, size_t errlen)
{
	char dev[16];
	int r;

	if (strncmp(spec, "tuntap,", 7) || strlen(spec + 7) == 0 || strlen(spec + 7) > 15) {
		snprintf(err, errlen, "unsupported spec '%s'", spec);
		return -EINVAL;
	}
	snprintf(dev, sizeof(dev), "%s", spec + 7);
	r = ep_tap_open(dev, out);
	if (r)
		snprintf(err, errlen, "tuntap: device '%s': %s", dev, strerror(-r));
	return r;
}
