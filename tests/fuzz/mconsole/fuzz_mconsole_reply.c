// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the decoders of what a UML guest sends: mconsole reply chunks and notify
 * datagrams (doc/mac-and-misc.md §2.3, §2.6). A guest is not trusted: whatever the bytes, the
 * decoded text is NUL-terminated inside the buffer and its length agrees with the header.
 */
#include "mconsole.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mconsole_reply r;
	struct mconsole_notify n;

	if (mconsole_decode_reply(data, size, &r) == 0) {
		assert(r.len <= size - 12);
		assert(strlen(r.data) < sizeof(r.data));
		assert(strlen(r.data) <= (r.len ? r.len - 1 : 0));
	}
	if (mconsole_decode_notify(data, size, &n) == 0) {
		assert(n.magic == MCONSOLE_MAGIC && n.version == MCONSOLE_VERSION);
		assert(n.len <= size - 16);
		assert(strlen(n.data) < sizeof(n.data));
	}
	return 0;
}
