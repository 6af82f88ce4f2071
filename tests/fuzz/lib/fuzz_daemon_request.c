// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the daemon-protocol request decoder. Feeds every prefix the way bytes
 * trickle in on a control connection, and checks the decoder's promises: a positive result is
 * a length no larger than the input, a decoded VDE description is a terminated string without
 * control characters, and an
 * error always comes with a reason.
 */
#include "daemon_proto.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t len = 0; len <= size; len++) {
		struct daemon_request r;
		const char *why = NULL;
		int n = daemon_request_decode(data, len, &r, &why);

		assert(n <= (int)len);
		if (n < 0)
			assert(why != NULL);
		if (n > 0 && r.kind == DREQ_VDE) {
			assert(strlen(r.descr) <= DAEMON_VDE_DESCR_MAX);
			for (const char *c = r.descr; *c; c++)
				assert((unsigned char)*c >= 0x20 && *c != 0x7f);
		}
		if (n != 0)
			break; /* a real connection stops at the first verdict */
	}
	return 0;
}
