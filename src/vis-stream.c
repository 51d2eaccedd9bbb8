/* vis-stream.c — stderr, and stdout on a terminal, as stdio streams that escape what they write (vis.h). */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "vis.h"

#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

FILE *vis_stdout_raw;

/* A stream to a person: what armpy writes goes out escaped (vis.h) on fd, a character cut
 * between two writes waits for the rest. Backslashes stay (YAML has escapes of its own). */
struct vis_stream {
	int fd;
	int failed;           /* a write failed: the stream reports it (stdout exits 1) */
	size_t npend;
	char pend[4];
};

static int
vis_stream_out(struct vis_stream *v, const char *data, size_t len)
{
	struct buf b;

	buf_init(&b);
	vis_buf(&b, data, len, VIS_NL | VIS_TAB | VIS_KEEPBS);
	if (write_all(v->fd, b.data, b.len) != 0)
		v->failed = 1;
	buf_free(&b);
	return v->failed ? -1 : 0;
}

static ssize_t
vis_stream_write(void *cookie, const char *data, size_t len)
{
	struct vis_stream *v = cookie;
	struct buf b;
	size_t keep;
	int rc;

	buf_init(&b);
	buf_add(&b, v->pend, v->npend);
	buf_add(&b, data, len);
	keep = vis_partial(b.data, b.len);
	v->npend = keep;
	memcpy(v->pend, b.data + b.len - keep, keep);
	rc = vis_stream_out(v, b.data, b.len - keep);
	buf_free(&b);
	return rc == 0 ? (ssize_t)len : -1;
}

static int
vis_stream_close(void *cookie)
{
	struct vis_stream *v = cookie;
	int rc = v->npend > 0 ? vis_stream_out(v, v->pend, v->npend) : 0;

	return rc == 0 && !v->failed ? 0 : -1;
}

void
vis_stream_open(FILE **fp, int fd, int mode)
{
	static struct vis_stream streams[2];
	cookie_io_functions_t io = { .write = vis_stream_write, .close = vis_stream_close };
	struct vis_stream *v = &streams[fd == STDERR_FILENO];
	FILE *f;

	v->fd = fd;
	if ((f = fopencookie(v, "w", io)) == NULL)
		return;
	setvbuf(f, NULL, mode, 0);
	fflush(*fp);
	*fp = f;
}

