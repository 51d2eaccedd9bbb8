/* vis.h — untrusted text made safe to show a person: controls, bidi, invisibles, bad UTF-8 escaped. */
/* SPDX-License-Identifier: MIT */
#ifndef VIS_H
#define VIS_H

#include <stddef.h>
#include <stdio.h>

#include "armpy.h"

/*
 * What a terminal would not show as itself is written as a visible escape, in the notation of
 * bash's $'...' (and C): a backslash is "\\"; CR, LF and TAB are "\r", "\n", "\t"; other C0
 * controls, DEL and each byte that is not part of valid UTF-8 are "\xHH"; C1 controls, bidi
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069), the line and paragraph separators and
 * the other invisible format characters (soft hyphen, zero-width ones, BOM, tags, Hangul fillers,
 * noncharacters) are "\uHHHH" or "\UHHHHHHHH". Everything else (printable ASCII and valid,
 * visible UTF-8) is kept byte for byte, so clean text comes out unchanged.
 *
 * Only human displays escape; machine-readable forms (plan YAML, JSON) keep their exact bytes.
 */
#define VIS_NL 0x1       /* keep LF as a line break (multi-line text) */
#define VIS_TAB 0x2      /* keep TAB */
#define VIS_SQUOTE 0x4   /* also escape ' as \' (for text inside $'...') */
#define VIS_KEEPBS 0x8   /* keep the backslash (text with escapes of its own, like YAML) */

/* Appends len bytes of s, escaped, to b. */
void vis_buf(struct buf *b, const char *s, size_t len, int flags);
/* A new string: s escaped (NULL gives NULL). vis_str(s) is vis_strf(s, 0). */
char *vis_str(const char *s);
char *vis_strf(const char *s, int flags);
/* 1 when s would come out unchanged (nothing to escape), else 0. */
int vis_clean(const char *s, int flags);
/* How many of the last bytes of s[0..len) begin a UTF-8 sequence that is cut short but could
 * still be completed by what follows (0 to 3): a stream keeps them for its next write. */
size_t vis_partial(const char *s, size_t len);

/*
 * Streams to a person (vis-stream.c): vis_stream_open makes *fp a stdio stream that writes to
 * fd what it is given, escaped as above with VIS_NL | VIS_TAB | VIS_KEEPBS; a UTF-8 character
 * cut between two writes waits for the rest. mode is setvbuf's. Closing the stream writes
 * what waits and returns EOF if any write to fd failed. main.c sets vis_stdout_raw to the
 * unescaped stdout before it swaps stdout; curses draws on it (its bytes are not text).
 */
extern FILE *vis_stdout_raw;
void vis_stream_open(FILE **fp, int fd, int mode);
#endif
