/* lib.h — shared helpers of the libFuzzer targets: properties that trap, input as C text. */
/* SPDX-License-Identifier: MIT */
#ifndef FUZZ_LIB_H
#define FUZZ_LIB_H

#include <stddef.h>
#include <stdint.h>

struct facts;

/* Name given to the loaders; errors must start with "fuzz:LINE:COL: ". */
#define FUZZ_NAME "fuzz"

/* A property that must hold: prints what failed and traps (libFuzzer saves the input). */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) \
		fuzz_fail(__FILE__, __LINE__, #cond); \
} while (0)

void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* The input as a NUL-terminated copy (the caller frees); loaders of C text stop at a NUL. */
char *fuzz_text(const uint8_t *data, size_t len);

/* A positioned schema error: "fuzz:LINE:COL: ...", one line, bounded. Frees cause. */
void fuzz_check_cause(char *cause);

/* Facts as a detect run leaves them before the YAML: arch set, nothing else known. */
struct facts *fuzz_facts_base(const char *arch);

/* What armpy writes, it loads: emit f, load it back (must succeed), emit again (same text). */
void fuzz_facts_roundtrip(const struct facts *f);

#endif
