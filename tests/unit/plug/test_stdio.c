// SPDX-License-Identifier: GPL-2.0-or-later
/* umlnet-plug's stdin/stdout endpoint: the 2-byte big-endian length stream of vde_plug. */
#include "check.h"
#include "plug.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static uint8_t bufs[ENDPOINT_BATCH][ENDPOINT_BUF];
static struct frame frames[ENDPOINT_BATCH];

static void reset_frames(void)
{
	for (unsigned int i = 0; i < ENDPOINT_BATCH; i++)
		frames[i] = (struct frame){ .data = bufs[i], .len = 0 };
}

/* An endpoint reading from a pipe (whose write end is returned in *wr) and writing to another
 * (whose read end is returned in *rd). */
static struct endpoint *open_piped(int *wr, int *rd)
{
	int in[2], out[2];
	struct endpoint *ep = NULL;

	if (pipe(in) || pipe(out))
		abort();
	if (plug_stdio_open(&ep, in[0], out[1]))
		abort();
	*wr = in[1];
	*rd = out[0];
	reset_frames();
	return ep;
}

static void close_piped(struct endpoint *ep, int wr, int rd)
{
	close(ep->fd);
	ep->ops->destroy(ep);
	if (wr >= 0)
		close(wr);
	close(rd);
}

static size_t record(uint8_t *out, size_t len, uint8_t fill)
{
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	memset(out + 2, fill, len);
	return len + 2;
}

static void test_send_writes_length_then_frame(void)
{
	int wr, rd;
	struct endpoint *ep = open_piped(&wr, &rd);
	uint8_t got[256];

	memset(bufs[0], 0xaa, 60);
	memset(bufs[1], 0xbb, 70);
	frames[0].len = 60;
	frames[1].len = 70;
	CHECK_EQ(ep->ops->send(ep, frames, 2), 2);
	CHECK_EQ(read(rd, got, sizeof(got)), 2 + 60 + 2 + 70);
	CHECK(got[0] == 0 && got[1] == 60 && got[2] == 0xaa && got[61] == 0xaa);
	CHECK(got[62] == 0 && got[63] == 70 && got[64] == 0xbb && got[133] == 0xbb);
	close_piped(ep, wr, rd);
}

static void test_recv_takes_a_batch_of_waiting_records(void)
{
	int wr, rd;
	struct endpoint *ep = open_piped(&wr, &rd);
	uint8_t in[4096];
	size_t n = 0;

	n += record(in + n, 60, 1);
	n += record(in + n, 1514, 2);
	n += record(in + n, 42, 3);
	CHECK_EQ(write(wr, in, n), (ssize_t)n);
	CHECK_EQ(ep->ops->recv(ep, frames, ENDPOINT_BATCH), 3);
	CHECK_EQ(frames[0].len, 60);
	CHECK_EQ(frames[1].len, 1514);
	CHECK_EQ(frames[2].len, 42);
	CHECK(bufs[1][0] == 2 && bufs[1][1513] == 2 && bufs[2][41] == 3);
	close_piped(ep, wr, rd);
}

/* A writer that sends a record in pieces: the reader waits for the whole record. */
static void test_recv_reassembles_a_record_written_in_pieces(void)
{
	int wr, rd;
	struct endpoint *ep = open_piped(&wr, &rd);
	uint8_t in[128];
	size_t n = record(in, 100, 7);
	pid_t child = fork();

	if (child == 0) {
		for (size_t off = 0; off < n; off += 33) {
			if (write(wr, in + off, n - off < 33 ? n - off : 33) < 0)
				_exit(1);
			usleep(2000);
		}
		_exit(0);
	}
	CHECK_EQ(ep->ops->recv(ep, frames, ENDPOINT_BATCH), 1);
	CHECK_EQ(frames[0].len, 100);
	CHECK(bufs[0][99] == 7);
	waitpid(child, NULL, 0);
	close_piped(ep, wr, rd);
}

/* A length beyond the buffer ends the stream, but the good records before it arrive first. */
static void test_oversized_length_keeps_earlier_frames_then_fails(void)
{
	int wr, rd;
	struct endpoint *ep = open_piped(&wr, &rd);
	uint8_t in[256];
	size_t n = record(in, 60, 5);

	in[n++] = 0xff; /* 65535 > ENDPOINT_BUF */
	in[n++] = 0xff;
	CHECK_EQ(write(wr, in, n), (ssize_t)n);
	CHECK_EQ(ep->ops->recv(ep, frames, ENDPOINT_BATCH), 1);
	CHECK_EQ(frames[0].len, 60);
	CHECK_EQ(ep->ops->recv(ep, frames, ENDPOINT_BATCH), -EBADMSG);
	/* The stream stays failed: later bytes are not read as records. */
	n = record(in, 60, 6);
	CHECK_EQ(write(wr, in, n), (ssize_t)n);
	CHECK_EQ(ep->ops->recv(ep, frames, ENDPOINT_BATCH), -EBADMSG);
	close_piped(ep, wr, rd);
}

static void test_end_of_input_inside_a_record(void)
{
	int wr, rd;
	struct endpoint *ep = open_piped(&wr, &rd);
	uint8_t in[256];
	size_t n = record(in, 60, 5);

	n += record(in + n, 80, 6) - 30; /* the second record is cut short */
	CHECK_EQ(write(wr, in, n), (ssize_t)n);
	close(wr);
	CHECK_EQ(ep->ops->recv(ep, frames, ENDPOINT_BATCH), 1);
	CHECK_EQ(ep->ops->recv(ep, frames, ENDPOINT_BATCH), -ENOTCONN);
	close_piped(ep, -1, rd);
}

#define TESTS(X)                                                 \
	X(test_send_writes_length_then_frame)                    \
	X(test_recv_takes_a_batch_of_waiting_records)            \
	X(test_recv_reassembles_a_record_written_in_pieces)      \
	X(test_oversized_length_keeps_earlier_frames_then_fails) \
	X(test_end_of_input_inside_a_record)
#include "check.h"
